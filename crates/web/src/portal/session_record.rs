//! `GET /portal/sessions/{id}/record.pdf`: the printable session record for the chart (`crate::record_doc`), with
//! the same access as the session page.

use axum::extract::State;
use axum::response::Response;

use super::sessions::PATH;
use super::sign_in_cookie::PortalStaff;
use crate::error::{ApiError, respond};
use crate::extract::ApiPath;
use crate::record_doc;
use crate::state::AppState;

/// `GET /portal/sessions/{id}/record.pdf`.
pub async fn pdf(State(state): State<AppState>, staff: PortalStaff, ApiPath(id): ApiPath<String>) -> Response {
    let demo = state.config.demo;
    let path = format!("{PATH}/{id}/record.pdf");
    let scope = match super::clinic_scope(&staff, demo, &path).await {
        Ok(scope) => scope,
        Err(response) => return response,
    };
    let record = async {
        let sid = super::sessions::parse_id(&id)?;
        Ok::<_, ApiError>(ketapath_care::treatment::record::record(&scope, sid).await?)
    };
    match record.await {
        Ok(record) => record_doc::pdf_response(&record),
        Err(error) => respond(&path, demo, error),
    }
}
