//! The REMS Patient Monitoring Form of a session: `GET /api/v1/sessions/{id}/rems-form` (the form's fields as
//! JSON, with the saved draft's answers applied; `?format=pdf` the printable PDF from `crate::rems_doc`),
//! `POST .../rems-form/draft` (staff answers saved without the completeness check, as the portal's "Save draft"),
//! `POST .../rems-form/submit` (422 naming every missing field, else recorded) and `GET /api/v1/rems-forms/due` (open
//! forms by their 7-day deadline).

use axum::extract::RawQuery;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::openapi_responses::TreatmentBad;
use super::openapi_schemas::Error;
use super::private_json;
use crate::auth::ClinicStaff;
use crate::error::ApiError;
use crate::extract::{ApiJson, SessionPath};
use crate::rems_doc;
use ketapath_care::treatment::rems::{self, Answers, DueForm};

/// `GET /api/v1/sessions/{id}/rems-form`.
#[utoipa::path(
    get,
    path = "/api/v1/sessions/{id}/rems-form",
    operation_id = "getRemsForm",
    summary = "The SPRAVATO REMS Patient Monitoring Form of a session",
    description = "Drafted from the session until submitted: the form, every field with its value, requirement, source and confidence, what is still missing, where each value came from, and the 7-day deadline. `format=pdf` answers the printable form as `application/pdf` (missing required fields flagged).",
    params(SessionPath, super::openapi_treatment::RemsFormQuery),
    responses(
        (status = 200, description = "The form (JSON), or the printable form with `format=pdf`", content((super::openapi_treatment::RemsForm = "application/json"), (String = "application/pdf"))),
        (status = 406, description = "A format other than JSON or PDF (`not_acceptable`)", body = Error),
        (status = 409, description = "Not an esketamine session (`not_applicable`)", body = Error),
    )
)]
pub async fn get(
    staff: ClinicStaff,
    SessionPath { id }: SessionPath,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let format = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "format")
        .map(|(_, v)| v.into_owned());
    let pdf = match format.as_deref() {
        None | Some("json") => false,
        Some("pdf") => true,
        Some(other) => {
            return Err(ApiError::FormatUnavailable(format!(
                "the Patient Monitoring Form is served as JSON or PDF; format {other:?} is not available"
            )));
        }
    };
    let view = rems::form(&staff.scope, id, staff.store.now()).await?;
    if pdf {
        return Ok(rems_doc::pdf_response(&rems_doc::FormDocument::new(&view.form, &view.missing)));
    }
    Ok(private_json(&view))
}

/// The body of `POST /api/v1/sessions/{id}/rems-form/submit`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = RemsSubmitRequest)]
pub struct SubmitBody {
    /// A merge patch of the form: the answers staff add to the draft (concomitant medications, HCP phone, the
    /// vital-sign questions).
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    form: Option<Value>,
    /// Adverse-effect answers by question code.
    #[serde(default)]
    #[schema(value_type = Option<std::collections::BTreeMap<String, bool>>)]
    adverse_effects: Option<Map<String, Value>>,
}

/// `POST /api/v1/sessions/{id}/rems-form/submit`.
#[utoipa::path(
    post,
    path = "/api/v1/sessions/{id}/rems-form/submit",
    operation_id = "submitRemsForm",
    summary = "Complete the form with staff answers, check it and record it as submitted",
    description = "`form` is a merge patch of the form (HCP telephone, vital-sign answers, corrections); `adverse_effects` answers each question by code. 422 `rems_form_incomplete` names every missing field (the first in `field`) and records nothing; a second submission is 409 `conflict`.",
    params(SessionPath),
    request_body = SubmitBody,
    responses(
        (status = 200, description = "The submitted form", body = super::openapi_treatment::RemsForm),
        (status = 409, description = "Already submitted (`conflict`) or not esketamine (`not_applicable`)", body = Error),
        (status = 422, description = "Required fields missing (`rems_form_incomplete`)", body = Error),
        TreatmentBad,
    )
)]
pub async fn submit(
    staff: ClinicStaff,
    SessionPath { id }: SessionPath,
    ApiJson(body): ApiJson<SubmitBody>,
) -> Result<Response, ApiError> {
    let now = staff.store.now();
    let view = rems::submit(&staff.scope, id, &body.answers(), now).await?;
    Ok(private_json(&view))
}

impl SubmitBody {
    fn answers(self) -> Answers {
        Answers { form: self.form, adverse_effects: self.adverse_effects }
    }
}

/// `POST /api/v1/sessions/{id}/rems-form/draft`.
#[utoipa::path(
    post,
    path = "/api/v1/sessions/{id}/rems-form/draft",
    operation_id = "saveRemsFormDraft",
    summary = "Save staff answers as the form's draft, without the completeness check",
    description = "The body of `submit`: `form` is a merge patch of the staff answers, `adverse_effects` answers each question by code. The answers are added to those saved before and each value is checked (400 naming the field; nothing is saved), but the form need not be complete. Every later `GET` and the submission apply the saved answers over the form drafted from the chart, and a saved answer is no longer `derived_from_chart`; `draft_saved` says when and by whom. A submitted form takes no draft (409 `conflict`).",
    params(SessionPath),
    request_body = SubmitBody,
    responses(
        (status = 200, description = "The form with the saved draft applied", body = super::openapi_treatment::RemsForm),
        (status = 409, description = "Already submitted (`conflict`) or not esketamine (`not_applicable`)", body = Error),
        TreatmentBad,
    )
)]
pub async fn save_draft(
    staff: ClinicStaff,
    SessionPath { id }: SessionPath,
    ApiJson(body): ApiJson<SubmitBody>,
) -> Result<Response, ApiError> {
    let view = rems::save_draft(&staff.scope, id, &body.answers(), staff.store.now()).await?;
    Ok(private_json(&view))
}

/// `GET /api/v1/rems-forms/due`.
#[utoipa::path(
    get,
    path = "/api/v1/rems-forms/due",
    operation_id = "remsFormsDue",
    summary = "Esketamine sessions whose forms are not yet submitted, overdue first, then by days left (7-day deadline)",
    responses(
        (status = 200, description = "The open forms", body = DueForms),
    )
)]
pub async fn due(staff: ClinicStaff) -> Result<Response, ApiError> {
    // "Today" and the dose dates are the clinic's calendar dates, as on the dashboard.
    let zone = ketapath_care::clinic_time::ClinicTime::of(&staff.scope).await?;
    let today = zone.date_of(staff.store.now());
    let forms = rems::due(&staff.scope, &zone, today).await?;
    Ok(private_json(&DueForms { forms, today: today.to_string() }))
}

/// The open REMS forms on the clinic's `today`.
#[derive(Serialize, ToSchema)]
pub struct DueForms {
    /// Each with its session, patient, dose date, due date and deadline status; the document leaves their shape
    /// open, because care's `DueForm` flattens a generic dashboard entry of the clinical crate.
    #[schema(value_type = Vec<Object>)]
    forms: Vec<DueForm>,
    #[schema(format = Date)]
    today: String,
}
