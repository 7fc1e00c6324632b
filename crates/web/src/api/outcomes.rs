//! `GET /api/v1/patients/{id}/outcomes`: per instrument, baseline, latest, change, response, remission, time to
//! first response in hours and loss of response, each naming its rule. `response`, `remission` and
//! `loss_of_response` are `null` (not assessable) when the baseline is below the instrument's floor
//! (`baseline_min`; PHQ-9: 10), and `not_assessable_reason` says so in words.

use axum::response::Response;
use ketapath_clinical::outcomes::Outcome;
use serde::Serialize;
use utoipa::ToSchema;

use super::private_json;
use crate::auth::ClinicStaff;
use crate::error::ApiError;
use crate::extract::PatientPath;
use ketapath_care::treatment::outcomes::outcomes;

/// `GET /api/v1/patients/{id}/outcomes`.
#[utoipa::path(
    get,
    path = "/api/v1/patients/{id}/outcomes",
    operation_id = "getOutcomes",
    summary = "Outcomes per instrument: baseline, latest, change, response, remission, time to response",
    description = "The baseline is the first assessment with context `baseline` (else the first); time to response counts from the first dose. Each names its rule.",
    params(PatientPath),
    responses(
        (status = 200, description = "The outcomes", body = OutcomesDoc),
    )
)]
pub async fn get(staff: ClinicStaff, PatientPath { id }: PatientPath) -> Result<Response, ApiError> {
    let instruments = outcomes(&staff.scope, id).await?;
    Ok(private_json(&OutcomesDoc { instruments }))
}

/// The outcomes of a patient, one per instrument assessed.
#[derive(Serialize, ToSchema)]
#[schema(as = Outcomes)]
pub struct OutcomesDoc {
    instruments: Vec<Outcome>,
}
