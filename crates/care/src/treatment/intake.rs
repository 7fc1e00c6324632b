//! The patient intake: staff enter the treatment history (the self-check's trial model), the episode for the
//! Maudsley staging, conditions, REMS enrollment, pregnancy potential, concomitant medications and research
//! consent; the rules compute TRD status, the Maudsley score and the contraindications and cautions, each with
//! its rule, and the whole is stored as one document. Baseline scores are assessments with context `baseline`.

use ketapath_clinical::safety::conditions::{ConditionKind, parse_conditions};
use ketapath_clinical::trd::maudsley::{MaudsleyConfig, MaudsleyInput, Severity, score};
use ketapath_clinical::trd::{DoseTable, TrdConfig, assess_history, parse_trials};
use ketapath_clinical::{InvalidInput, RULES_VERSION};
use ketapath_store::ClinicScope;
use ketapath_store::domain::{Intake, PatientId};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema};
use utoipa::{PartialSchema, ToSchema};

use crate::openapi::{code_array, nullable_codes, or_null};

use super::TreatmentResult;

/// Demographics beyond the patient record (name, birth date and sex live there), as staff record them, for the
/// research registry's descriptions. Free text, each at most 100 characters (`MAX_DEMOGRAPHIC_CHARS`).
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Demographics {
    #[serde(default)]
    #[schema(max_length = 100)]
    pub race: Option<String>,
    #[serde(default)]
    #[schema(max_length = 100)]
    pub ethnicity: Option<String>,
    #[serde(default)]
    #[schema(max_length = 100)]
    pub gender_identity: Option<String>,
    #[serde(default)]
    #[schema(max_length = 100)]
    pub preferred_language: Option<String>,
    /// The US ZIP code of the patient's address (5 digits or ZIP+4): stored as the address's ZIP, from which the
    /// research export takes `zip3`.
    #[serde(default)]
    #[schema(max_length = 100, pattern = "^[0-9]{5}(-[0-9]{4})?$")]
    pub zip: Option<String>,
}

/// The longest demographic answer kept.
pub const MAX_DEMOGRAPHIC_CHARS: usize = 100;

impl Demographics {
    /// Trims each answer, drops blank ones and refuses overlong ones, naming `demographics.<field>`; the ZIP must be
    /// a US ZIP code (5 digits or ZIP+4), since it becomes the ZIP of the patient's address.
    fn checked(&self) -> Result<Self, InvalidInput> {
        let one = |field: &str, value: &Option<String>| -> Result<Option<String>, InvalidInput> {
            let Some(v) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) else { return Ok(None) };
            if v.chars().count() > MAX_DEMOGRAPHIC_CHARS {
                return Err(InvalidInput::new(
                    format!("demographics.{field}"),
                    format!("must be at most {MAX_DEMOGRAPHIC_CHARS} characters"),
                ));
            }
            Ok(Some(v.to_owned()))
        };
        Ok(Self {
            race: one("race", &self.race)?,
            ethnicity: one("ethnicity", &self.ethnicity)?,
            gender_identity: one("gender_identity", &self.gender_identity)?,
            preferred_language: one("preferred_language", &self.preferred_language)?,
            zip: one("zip", &self.zip)?.map(|zip| crate::address::us_zip("demographics.zip", &zip)).transpose()?,
        })
    }
}

/// The body of `PUT /api/v1/patients/{id}/intake` as sent.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntakeRequest {
    #[serde(default)]
    #[schema(schema_with = demographics_or_null)]
    pub demographics: Option<Demographics>,
    /// As in the self-check
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub trials: Option<Value>,
    #[serde(default)]
    #[schema(minimum = 0)]
    pub episode_months: Option<f64>,
    #[serde(default)]
    #[schema(schema_with = severity_codes)]
    pub severity: Option<String>,
    #[serde(default)]
    pub augmentation_used: Option<bool>,
    #[serde(default)]
    pub ect_used: Option<bool>,
    #[serde(default)]
    #[schema(schema_with = condition_codes)]
    pub conditions: Option<Value>,
    #[serde(default)]
    pub rems_enrolled: Option<bool>,
    #[serde(default)]
    pub pregnancy_potential: Option<bool>,
    #[serde(default)]
    pub research_consent: Option<bool>,
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub concomitant_medications: Option<ketapath_clinical::rems::ConcomitantMedications>,
}

fn demographics_or_null() -> RefOr<Schema> {
    or_null(Demographics::schema())
}

fn severity_codes() -> ObjectBuilder {
    nullable_codes(SEVERITIES.iter().map(|(code, _)| *code))
}

fn condition_codes() -> ArrayBuilder {
    code_array(ketapath_clinical::safety::conditions::input_codes())
}

const SEVERITIES: [(&str, Severity); 5] = [
    ("subsyndromal", Severity::Subsyndromal),
    ("mild", Severity::Mild),
    ("moderate", Severity::Moderate),
    ("severe_without_psychosis", Severity::SevereWithoutPsychosis),
    ("severe_with_psychosis", Severity::SevereWithPsychosis),
];

fn severity(raw: &str) -> Result<Severity, InvalidInput> {
    SEVERITIES.iter().find(|(code, _)| *code == raw.trim()).map(|(_, s)| *s).ok_or_else(|| {
        let codes: Vec<&str> = SEVERITIES.iter().map(|(c, _)| *c).collect();
        InvalidInput::new("severity", format!("must be one of {}", codes.join(", ")))
    })
}

/// The stored document: what was entered and what the rules made of it.
pub fn compute(request: &IntakeRequest) -> Result<Value, InvalidInput> {
    let trials = match &request.trials {
        Some(raw) => parse_trials(raw, "trials")?,
        None => Vec::new(),
    };
    let conditions = match &request.conditions {
        Some(raw) => parse_conditions(raw, "conditions")?,
        None => Vec::new(),
    };
    let severity = request.severity.as_deref().map(severity).transpose()?;
    let demographics = request.demographics.as_ref().map(Demographics::checked).transpose()?;
    if let Some(months) = request.episode_months
        && (!months.is_finite() || months < 0.0)
    {
        return Err(InvalidInput::new("episode_months", "must be a non-negative number of months"));
    }
    let history = assess_history(&trials, DoseTable::embedded(), &TrdConfig::default());
    // The Maudsley method stages resistance: it needs the episode, the severity and at least one failed trial.
    let maudsley = match (request.episode_months, severity) {
        (Some(episode_months), Some(severity)) if history.failed_adequate_trials > 0 => Some(score(
            &MaudsleyInput {
                episode_months,
                severity,
                failed_medications: u32::try_from(history.failed_adequate_trials).unwrap_or(u32::MAX),
                augmentation_used: request.augmentation_used.unwrap_or(false),
                ect_used: request.ect_used.unwrap_or(false),
            },
            &MaudsleyConfig::default(),
        )?),
        _ => None,
    };
    let of_kind = |kind: ConditionKind| -> Vec<Value> {
        conditions
            .iter()
            .filter(|c| c.kind == kind)
            .map(|c| json!({"code": c.code, "label": c.label, "discuss": c.discuss, "rule": c.rule()}))
            .collect()
    };
    Ok(json!({
        "input": {
            "demographics": demographics,
            "trials": request.trials.clone().unwrap_or_else(|| json!([])),
            "episode_months": request.episode_months,
            "severity": request.severity.as_deref().map(str::trim),
            "augmentation_used": request.augmentation_used,
            "ect_used": request.ect_used,
            "conditions": conditions.iter().map(|c| c.code).collect::<Vec<_>>(),
            "rems_enrolled": request.rems_enrolled,
            "pregnancy_potential": request.pregnancy_potential,
            "research_consent": request.research_consent,
            "concomitant_medications": request.concomitant_medications,
        },
        "computed": {
            "trd": history,
            "maudsley": maudsley,
            "contraindications": of_kind(ConditionKind::Contraindication),
            "cautions": of_kind(ConditionKind::Caution),
        },
        "rules_version": RULES_VERSION,
    }))
}

/// Computes and saves a patient's intake; a ZIP in the demographics becomes the ZIP of the patient's address, in
/// the same audited transaction.
pub async fn put(scope: &ClinicScope, patient: PatientId, request: &IntakeRequest) -> TreatmentResult<Intake> {
    let document = compute(request)?;
    let zip = document.pointer("/input/demographics/zip").and_then(Value::as_str);
    Ok(scope.put_intake(patient, &document, RULES_VERSION, request.research_consent, zip).await?)
}

/// The contraindication codes of a patient's intake (none without an intake).
pub async fn contraindications(scope: &ClinicScope, patient: PatientId) -> TreatmentResult<Vec<String>> {
    let intake = scope.intake(patient).await?;
    Ok(intake
        .and_then(|i| i.document.pointer("/computed/contraindications").and_then(Value::as_array).cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|c| c.get("code").and_then(Value::as_str).map(str::to_owned))
        .collect())
}

/// One intake answer, when entered.
pub fn answer<'a>(intake: Option<&'a Intake>, key: &str) -> Option<&'a Value> {
    intake.and_then(|i| i.document.pointer(&format!("/input/{key}"))).filter(|v| !v.is_null())
}
