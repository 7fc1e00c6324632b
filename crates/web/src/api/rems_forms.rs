//! The REMS Patient Monitoring Form of a session: `GET /api/v1/sessions/{id}/rems-form` (the form's fields as
//! JSON; `?format=pdf` answers 406 until the PDF renderer is wired), `POST .../rems-form/submit` (422 naming
//! every missing field, else recorded) and `GET /api/v1/rems-forms/due` (open forms by their 7-day deadline).

use axum::extract::RawQuery;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::private_json;
use super::sessions::session_id;
use crate::auth::ClinicStaff;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath};
use crate::treatment::rems;

/// `GET /api/v1/sessions/{id}/rems-form`.
pub async fn get(
    staff: ClinicStaff,
    ApiPath(id): ApiPath<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let format = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "format")
        .map(|(_, v)| v.into_owned());
    match format.as_deref() {
        None | Some("json") => {}
        Some(other) => {
            return Err(ApiError::FormatUnavailable(format!(
                "the Patient Monitoring Form is served here as JSON only; format {other:?} is not available from                  this server"
            )));
        }
    }
    let view = rems::form(&staff.scope, session_id(&id)?, staff.store.now()).await?;
    Ok(private_json(&view))
}

/// The body of `POST /api/v1/sessions/{id}/rems-form/submit`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubmitBody {
    /// A merge patch of the form: the answers staff add to the draft (concomitant medications, HCP phone, the
    /// vital-sign questions).
    #[serde(default)]
    form: Option<Value>,
    /// Adverse-effect answers by question code.
    #[serde(default)]
    adverse_effects: Option<Map<String, Value>>,
}

/// `POST /api/v1/sessions/{id}/rems-form/submit`.
pub async fn submit(
    staff: ClinicStaff,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<SubmitBody>,
) -> Result<Response, ApiError> {
    let now = staff.store.now();
    let view =
        rems::submit(&staff.scope, session_id(&id)?, body.form.as_ref(), body.adverse_effects.as_ref(), now).await?;
    Ok(private_json(&view))
}

/// `GET /api/v1/rems-forms/due`.
pub async fn due(staff: ClinicStaff) -> Result<Response, ApiError> {
    let today = staff.store.now().date();
    let forms = rems::due(&staff.scope, today).await?;
    Ok(private_json(&json!({ "today": today.to_string(), "forms": forms })))
}
