//! `PUT`/`GET /api/v1/patients/{id}/intake`: the patient's intake, with the TRD status, Maudsley score,
//! contraindications and cautions the rules computed from it, and the baseline assessments.

use axum::response::Response;
use ketapath_clinical::instruments::Instrument;
use ketapath_store::domain::{AssessmentContext, Intake, PatientId};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::openapi_responses::TreatmentBad;
use super::openapi_schemas::Error;
use super::{private_json, rfc3339};
use crate::auth::ClinicStaff;
use crate::error::ApiError;
use crate::extract::{ApiJson, PatientPath};
use ketapath_care::treatment::intake::{self, IntakeRequest};

/// The intake as the API shows it: what was entered, what the rules computed from it, and the baseline scores. The
/// fields stand in alphabetical order, the order this answer had when it was built as a JSON map.
#[derive(Serialize, ToSchema)]
#[schema(as = Intake)]
pub struct IntakeDoc {
    baseline: Vec<BaselineScore>,
    /// trd, maudsley, contraindications, cautions, each with its rule
    #[schema(value_type = Object)]
    computed: Option<Value>,
    #[schema(value_type = Object)]
    input: Option<Value>,
    #[schema(value_type = String)]
    patient_id: PatientId,
    rules_version: String,
    #[schema(format = DateTime)]
    updated_at: String,
}

/// A baseline assessment (context `baseline`) as the intake shows it.
#[derive(Serialize, ToSchema)]
pub struct BaselineScore {
    instrument: Instrument,
    /// The rule that scored it, as id@version
    rule: String,
    severity: Option<String>,
    #[schema(format = DateTime)]
    taken_at: String,
    total: i64,
}

impl IntakeDoc {
    fn of(intake: &Intake, baseline: Vec<BaselineScore>) -> Result<Self, ApiError> {
        Ok(IntakeDoc {
            baseline,
            computed: intake.document.get("computed").cloned(),
            input: intake.document.get("input").cloned(),
            patient_id: intake.patient_id,
            rules_version: intake.rules_version.clone(),
            updated_at: rfc3339(intake.updated_at)?,
        })
    }
}

/// The patient's baseline assessments (context `baseline`), oldest first.
async fn baseline(staff: &ClinicStaff, patient: PatientId) -> Result<Vec<BaselineScore>, ApiError> {
    staff
        .scope
        .assessments(patient)
        .await?
        .into_iter()
        .filter(|a| a.context == Some(AssessmentContext::Baseline))
        .map(|a| {
            Ok(BaselineScore {
                instrument: a.instrument,
                rule: format!("{}@{}", a.rule_id, a.rule_version),
                severity: a.severity,
                taken_at: rfc3339(a.administered_at)?,
                total: a.total,
            })
        })
        .collect()
}

/// `PUT /api/v1/patients/{id}/intake`: replaces the intake.
#[utoipa::path(
    put,
    path = "/api/v1/patients/{id}/intake",
    operation_id = "putIntake",
    summary = "Enter or replace a patient's intake",
    description = "Treatment history (the self-check's trial model), episode and severity for the Maudsley staging, conditions, REMS enrollment, pregnancy potential, concomitant medications and research consent. The answer carries what the rules computed (TRD status, Maudsley score, contraindications and cautions), each with its rule. Baseline scores are assessments with context `baseline`.",
    params(PatientPath),
    request_body = IntakeRequest,
    responses(
        (status = 200, description = "The intake", body = IntakeDoc),
        TreatmentBad,
    )
)]
pub async fn put(
    staff: ClinicStaff,
    PatientPath { id: patient }: PatientPath,
    ApiJson(request): ApiJson<IntakeRequest>,
) -> Result<Response, ApiError> {
    let saved = intake::put(&staff.scope, patient, &request).await?;
    Ok(private_json(&IntakeDoc::of(&saved, baseline(&staff, patient).await?)?))
}

/// `GET /api/v1/patients/{id}/intake`: 404 when none was entered.
#[utoipa::path(
    get,
    path = "/api/v1/patients/{id}/intake",
    operation_id = "getIntake",
    summary = "A patient's intake",
    params(PatientPath),
    responses(
        (status = 200, description = "The intake", body = IntakeDoc),
        (status = 404, description = "No such patient or intake in the caller's clinic (`not_found`; the same for another clinic's)", body = Error),
    )
)]
pub async fn get(staff: ClinicStaff, PatientPath { id: patient }: PatientPath) -> Result<Response, ApiError> {
    let saved = staff.scope.intake(patient).await?.ok_or(ApiError::NotFound)?;
    Ok(private_json(&IntakeDoc::of(&saved, baseline(&staff, patient).await?)?))
}
