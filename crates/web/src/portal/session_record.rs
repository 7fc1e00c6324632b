//! `GET /portal/sessions/{id}/record.pdf`: the printable session record for the chart (`crate::record_doc`), with
//! the same access as the session page.

use axum::extract::State;
use axum::response::Response;

use super::sessions::PATH;
use super::sign_in_cookie::PortalStaff;
use crate::extract::ApiPath;
use crate::record_doc;
use crate::state::AppState;

/// `GET /portal/sessions/{id}/record.pdf`.
pub async fn pdf(State(state): State<AppState>, staff: PortalStaff, ApiPath(id): ApiPath<String>) -> Response {
    let demo = state.config.demo;
    let path = format!("{PATH}/{id}/record.pdf");
    let record = super::in_clinic_scope(&staff, demo, &path, async |scope| {
        let sid = super::sessions::parse_id(&id)?;
        Ok(ketapath_care::treatment::record::record(scope, sid).await?)
    });
    record.await.map_or_else(|refused| refused, |record| record_doc::pdf_response(&record))
}
