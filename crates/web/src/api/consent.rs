//! Research consent and outcome publication, the two choices that decide what leaves a clinic (issue 7):
//! `GET`/`PUT /api/v1/patients/{id}/research-consent` (a patient's decision, kept as a history; a withdrawal removes
//! the patient from the next export) and `GET`/`PUT /api/v1/clinic/outcome-publication` (whether the directory shows
//! the clinic's response and remission rates; clinic admins only, which the store enforces).

use axum::response::Response;
use ketapath_clinical::InvalidInput;
use ketapath_clinical::dates::ConsentDate;
use ketapath_research::ConsentStatus;
use ketapath_store::domain::{ConsentRecord, StaffId};
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;
use utoipa::openapi::schema::ObjectBuilder;

use super::courses::date;
use super::openapi::codes;
use super::openapi_responses::TreatmentBad;
use super::{private_json, rfc3339};
use crate::auth::ClinicStaff;
use crate::error::ApiError;
use crate::extract::{ApiJson, PatientPath};

/// The body of `PUT /api/v1/patients/{id}/research-consent` as sent.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ResearchConsentRequest)]
pub struct ConsentRequest {
    #[serde(default)]
    #[schema(required = true, schema_with = consent_decisions)]
    status: Option<String>,
    /// The day the patient decided (defaults to today); never in the future.
    #[serde(default)]
    #[schema(format = Date)]
    date: Option<String>,
}

fn status(raw: Option<&str>) -> Result<ConsentStatus, InvalidInput> {
    match raw.map(str::trim) {
        Some("given") => Ok(ConsentStatus::Given),
        Some("withdrawn") => Ok(ConsentStatus::Withdrawn),
        Some(_) => Err(InvalidInput::new("status", "must be given or withdrawn")),
        None => Err(InvalidInput::new("status", "is required")),
    }
}

/// A consent decision as sent (`status`: given or withdrawn; `date`: the day decided, blank for `today`, never
/// in the future), checked once for the API and the portal's patient page. Errors name the field.
pub fn decision(
    status_raw: Option<&str>,
    date_raw: Option<&str>,
    today: Date,
) -> Result<(ConsentStatus, Date), ApiError> {
    let status = status(status_raw)?;
    let decided_on = match date_raw.map(str::trim).filter(|d| !d.is_empty()) {
        Some(raw) => date("date", raw)?,
        None => today,
    };
    if decided_on > today {
        return Err(InvalidInput::new("date", "must not be in the future").into());
    }
    Ok((status, ConsentDate::on("date", decided_on, today)?.get()))
}

/// A decision's code, as the API and the portal show it.
pub fn status_code(status: ConsentStatus) -> &'static str {
    match status {
        ConsentStatus::Given => "given",
        ConsentStatus::Withdrawn => "withdrawn",
    }
}

/// The consent document: the decision in force (the latest record) and the history, oldest first.
#[derive(Serialize, ToSchema)]
#[schema(as = ResearchConsent)]
pub struct ConsentDoc {
    #[schema(schema_with = consent_states)]
    status: &'static str,
    history: Vec<ConsentRecordDoc>,
}

/// One recorded decision.
#[derive(Serialize, ToSchema)]
#[schema(as = ConsentRecord)]
pub struct ConsentRecordDoc {
    #[schema(schema_with = consent_decisions)]
    status: &'static str,
    #[schema(format = Date)]
    date: String,
    #[schema(format = DateTime)]
    recorded_at: String,
    #[schema(value_type = Option<String>, required = true)]
    recorded_by: Option<StaffId>,
}

impl ConsentDoc {
    fn of(history: &[ConsentRecord]) -> Result<Self, ApiError> {
        let records = history
            .iter()
            .map(|r| {
                Ok(ConsentRecordDoc {
                    status: status_code(r.status),
                    date: r.decided_on.to_string(),
                    recorded_at: rfc3339(r.recorded_at)?,
                    recorded_by: r.recorded_by,
                })
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        let current = history.last().map(|r| status_code(r.status));
        Ok(ConsentDoc { status: current.unwrap_or("none"), history: records })
    }
}

/// `GET /api/v1/patients/{id}/research-consent`.
#[utoipa::path(
    get,
    path = "/api/v1/patients/{id}/research-consent",
    operation_id = "getResearchConsent",
    summary = "A patient's research consent: the decision in force and its history",
    params(PatientPath),
    responses(
        (status = 200, description = "The consent", body = ConsentDoc),
    )
)]
pub async fn get(staff: ClinicStaff, PatientPath { id }: PatientPath) -> Result<Response, ApiError> {
    let history = staff.scope.research_consents(id).await?;
    Ok(private_json(&ConsentDoc::of(&history)?))
}

/// `PUT /api/v1/patients/{id}/research-consent`: records a decision; answers the updated document.
#[utoipa::path(
    put,
    path = "/api/v1/patients/{id}/research-consent",
    operation_id = "putResearchConsent",
    summary = "Record a patient's research consent (given or withdrawn)",
    description = "A withdrawal takes the patient out of every later research export and statistic. `date` defaults to today and may not be in the future.",
    params(PatientPath),
    request_body = ConsentRequest,
    responses(
        (status = 200, description = "The consent", body = ConsentDoc),
        TreatmentBad,
    )
)]
pub async fn put(
    staff: ClinicStaff,
    PatientPath { id: patient }: PatientPath,
    ApiJson(request): ApiJson<ConsentRequest>,
) -> Result<Response, ApiError> {
    let (status, decided_on) = decision(request.status.as_deref(), request.date.as_deref(), staff.store.now().date())?;
    staff.scope.record_research_consent(patient, status, decided_on).await?;
    let history = staff.scope.research_consents(patient).await?;
    Ok(private_json(&ConsentDoc::of(&history)?))
}

/// The body of `PUT /api/v1/clinic/outcome-publication` as sent; both routes answer the same shape.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = OutcomePublicationRequest)]
pub struct PublicationRequest {
    #[serde(default)]
    #[schema(value_type = bool, required = true)]
    publish: Option<bool>,
}

/// The clinic's choice, as both outcome-publication routes answer it.
#[derive(Serialize, ToSchema)]
#[schema(as = OutcomePublication)]
pub struct Publication {
    publish: bool,
}

/// `GET /api/v1/clinic/outcome-publication`.
#[utoipa::path(
    get,
    path = "/api/v1/clinic/outcome-publication",
    operation_id = "getOutcomePublication",
    summary = "Whether the directory shows the clinic's outcome rates",
    responses(
        (status = 200, description = "The choice", body = Publication),
    )
)]
pub async fn get_publication(staff: ClinicStaff) -> Result<Response, ApiError> {
    Ok(private_json(&Publication { publish: staff.scope.publishes_outcomes().await? }))
}

/// `PUT /api/v1/clinic/outcome-publication`: opts the clinic in or out of showing its outcome rates in the
/// directory (still only where at least 11 patients stand behind a figure). Clinic admins only (403 otherwise).
#[utoipa::path(
    put,
    path = "/api/v1/clinic/outcome-publication",
    operation_id = "putOutcomePublication",
    summary = "Opt the clinic in or out of showing its outcome rates (clinic admins)",
    description = "Rates are shown only where at least 11 patients stand behind a figure; other roles answer 403.",
    request_body = PublicationRequest,
    responses(
        (status = 200, description = "The choice", body = Publication),
        TreatmentBad,
    )
)]
pub async fn put_publication(
    staff: ClinicStaff,
    ApiJson(request): ApiJson<PublicationRequest>,
) -> Result<Response, ApiError> {
    let publish = request.publish.ok_or_else(|| InvalidInput::new("publish", "is required (true or false)"))?;
    let saved = staff.scope.set_publish_outcomes(publish).await?;
    Ok(private_json(&Publication { publish: saved.publish }))
}

/// The decision in force: `none` before any was recorded.
fn consent_states() -> ObjectBuilder {
    codes(["given", "withdrawn", "none"])
}

/// The decisions a consent records.
fn consent_decisions() -> ObjectBuilder {
    codes(["given", "withdrawn"])
}
