//! The REMS Patient Monitoring Form of a session in the portal: `GET /portal/sessions/{id}/rems` (the printable
//! page, every missing required field flagged) and `GET /portal/sessions/{id}/rems.pdf` (the same form as a PDF).
//! Both come from `crate::treatment::rems::form` and `crate::rems_doc`, like the JSON API's
//! `GET /api/v1/sessions/{id}/rems-form`.

use axum::extract::State;
use axum::response::Response;
use ketapath_store::domain::SessionId;

use super::no_access;
use super::session::PortalStaff;
use super::sessions::PATH;
use crate::error::{ApiError, respond};
use crate::extract::ApiPath;
use crate::rems_doc::{self, FormDocument};
use crate::state::AppState;
use crate::treatment::rems;

/// The form's document of session `raw` in the staff member's clinic.
async fn document(staff: &PortalStaff, raw: &str) -> Result<Option<FormDocument>, ApiError> {
    let Some(scope) = staff.scope().await? else { return Ok(None) };
    let id = SessionId::parse("id", raw).map_err(|_| ApiError::NotFound)?;
    let view = rems::form(&scope, id, staff.store().now()).await?;
    Ok(Some(FormDocument::new(&view.form, &view.missing)))
}

/// `GET /portal/sessions/{id}/rems`.
pub async fn page(State(state): State<AppState>, staff: PortalStaff, ApiPath(id): ApiPath<String>) -> Response {
    let path = format!("{PATH}/{id}/rems");
    match document(&staff, &id).await {
        Ok(Some(doc)) => rems_doc::page(&state, &doc, Some(&format!("{PATH}/{id}/rems.pdf"))),
        Ok(None) => no_access(&staff, state.config.demo),
        Err(error) => respond(&path, state.config.demo, error),
    }
}

/// `GET /portal/sessions/{id}/rems.pdf`.
pub async fn pdf(State(state): State<AppState>, staff: PortalStaff, ApiPath(id): ApiPath<String>) -> Response {
    let path = format!("{PATH}/{id}/rems.pdf");
    match document(&staff, &id).await {
        Ok(Some(doc)) => rems_doc::pdf_response(&doc),
        Ok(None) => no_access(&staff, state.config.demo),
        Err(error) => respond(&path, state.config.demo, error),
    }
}
