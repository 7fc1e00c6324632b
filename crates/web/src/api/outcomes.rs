//! `GET /api/v1/patients/{id}/outcomes`: per instrument, baseline, latest, change, response, remission, time to
//! first response in hours and loss of response, each naming its rule. `response`, `remission` and
//! `loss_of_response` are `null` (not assessable) when the baseline is below the instrument's floor
//! (`baseline_min`; PHQ-9: 10), and `not_assessable_reason` says so in words.

use axum::response::Response;
use serde_json::{Value, json};

use super::openapi_responses::NoTreatmentPatient;
use super::patients::patient_id;
use super::{private_json, rfc3339, rfc3339_opt};
use crate::auth::ClinicStaff;
use crate::error::ApiError;
use crate::extract::ApiPath;
use ketapath_care::treatment::outcomes::outcomes;

/// `GET /api/v1/patients/{id}/outcomes`.
#[utoipa::path(
    get,
    path = "/api/v1/patients/{id}/outcomes",
    operation_id = "getOutcomes",
    summary = "Outcomes per instrument: baseline, latest, change, response, remission, time to response",
    description = "The baseline is the first assessment with context `baseline` (else the first); time to response counts from the first dose. Each names its rule.",
    params(("id" = String, Path)),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The outcomes", body = super::openapi_treatment::Outcomes),
        NoTreatmentPatient,
    )
)]
pub async fn get(staff: ClinicStaff, ApiPath(id): ApiPath<String>) -> Result<Response, ApiError> {
    let list = outcomes(&staff.scope, patient_id(&id)?).await?;
    let instruments = list
        .into_iter()
        .map(|o| {
            Ok(json!({
                "instrument": o.instrument.code(),
                "baseline": o.baseline,
                "latest": o.latest,
                "latest_at": rfc3339(o.latest_at)?,
                "change_pct": o.change_pct,
                "response": o.response,
                "remission": o.remission,
                "assessable": o.assessable,
                "not_assessable_reason": o.not_assessable_reason,
                "response_reduction_pct": o.response_reduction_pct,
                "remission_max": o.remission_max,
                "baseline_min": o.baseline_min,
                "first_response_at": rfc3339_opt(o.first_response_at)?,
                "time_to_response_hours": o.time_to_response_hours,
                "loss_of_response": o.loss_of_response,
                "loss_of_response_at": rfc3339_opt(o.loss_of_response_at)?,
                "rule": o.rule,
                "rules": o.rules,
            }))
        })
        .collect::<Result<Vec<Value>, ApiError>>()?;
    Ok(private_json(&json!({ "instruments": instruments })))
}
