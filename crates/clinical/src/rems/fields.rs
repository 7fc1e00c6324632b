//! The field inventory of the Patient Monitoring Form: for every field its path, label, whether it is required,
//! the reference it comes from and how well that is established.
//!
//! One list serves the completeness check (which required fields are empty), the printable page and PDF (labels,
//! sections) and the JSON API (each value with its source and confidence), so they cannot disagree.

use serde::Serialize;
use serde_json::Value;

use super::draft::FormDraft;
use super::form::{ADVERSE_EFFECTS_RULE, PatientMonitoringForm};
use crate::rule::Confidence;

/// When a field must be filled in before the form can be submitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Requirement {
    Always,
    Optional,
    /// Required when the patient's first treatment is answered yes.
    WhenFirstTreatment,
}

/// One field of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FieldSpec {
    /// Dotted path into the form's JSON, for example `blood_pressure.post_40_min`.
    pub path: &'static str,
    pub section: &'static str,
    /// The field as the form words it.
    pub label: &'static str,
    pub requirement: Requirement,
    pub source: &'static str,
    pub confidence: Confidence,
}

const FORM: &str = "clinical.md §3.9 (PMF transcription June 2024); directory-and-interop.md §d.3 (11/2021 \
                    transcription, required fields marked)";
const ENROLLMENT: &str = "clinical.md §3.9 (patient row), §3.8 (enroll each patient before treatment); \
                          directory-and-interop.md §d.3 (video version [S14])";
const NEWER_WORDING: &str = "clinical.md §3.9 (newer wording: 'including but not limited to … opioids', J&J video \
                             transcript); directory-and-interop.md §d.3 (confirm the current version)";
const DURATION: &str = "clinical.md §3.9 (treatment duration: patient must be monitored for at least 2 hours), §3.4";
const EVALUATION: &str = "clinical.md §3.9 (REMS evaluation question)";
const BLOOD_PRESSURE: &str = "clinical.md §3.9 (blood pressure row), §3.4 (BP around 40 minutes post-dose)";

const fn field(
    path: &'static str,
    section: &'static str,
    label: &'static str,
    requirement: Requirement,
    source: &'static str,
) -> FieldSpec {
    FieldSpec { path, section, label, requirement, source, confidence: Confidence::Confirmed }
}

use Requirement::{Always, Optional, WhenFirstTreatment};

/// Every fixed field, in the order of the form. The adverse-effect questions follow them, from the clinic's
/// configuration (see [`super::AdverseEffectQuestion`]).
pub static FIELDS: &[FieldSpec] = &[
    field("patient.first_name", "Patient", "First name", Always, FORM),
    field("patient.middle_initial", "Patient", "MI", Optional, FORM),
    field("patient.last_name", "Patient", "Last name", Always, FORM),
    field("patient.birthdate", "Patient", "Birthdate (MM/DD/YYYY)", Always, FORM),
    field("patient.sex", "Patient", "Sex", Always, FORM),
    field("patient.first_treatment", "Patient", "Is this the patient's first treatment?", Always, ENROLLMENT),
    field(
        "patient.enrolled",
        "Patient",
        "If yes, is the patient enrolled in the REMS?",
        WhenFirstTreatment,
        ENROLLMENT,
    ),
    field("concomitant_medications.benzodiazepines", "Concomitant medication", "Benzodiazepines", Always, FORM),
    field(
        "concomitant_medications.non_benzodiazepine_sedative_hypnotics",
        "Concomitant medication",
        "Non-benzodiazepine sedative hypnotics",
        Always,
        FORM,
    ),
    field("concomitant_medications.psychostimulants", "Concomitant medication", "Psychostimulants", Always, FORM),
    field(
        "concomitant_medications.maois",
        "Concomitant medication",
        "Monoamine oxidase inhibitors (MAOIs)",
        Always,
        FORM,
    ),
    field(
        "concomitant_medications.respiratory_depressants",
        "Concomitant medication",
        "Other medications that may cause respiratory depression, including but not limited to opioids",
        Always,
        NEWER_WORDING,
    ),
    field("hcp.first_name", "Healthcare provider conducting monitoring", "First name", Always, FORM),
    field("hcp.last_name", "Healthcare provider conducting monitoring", "Last name", Always, FORM),
    field("hcp.phone", "Healthcare provider conducting monitoring", "Telephone", Always, FORM),
    field("hcp.email", "Healthcare provider conducting monitoring", "Email", Always, FORM),
    field("setting.name", "Healthcare setting", "Name", Always, FORM),
    field("setting.address.line1", "Healthcare setting", "Address 1", Always, FORM),
    field("setting.address.line2", "Healthcare setting", "Address 2", Optional, FORM),
    field("setting.address.city", "Healthcare setting", "City", Always, FORM),
    field("setting.address.state", "Healthcare setting", "State", Always, FORM),
    field("setting.address.zip", "Healthcare setting", "ZIP", Always, FORM),
    field("session.treatment_date", "Session", "Treatment date", Always, FORM),
    field("session.dose", "Session", "Dose administered (56 mg / 84 mg / other)", Always, FORM),
    field("session.lot_numbers", "Session", "Lot number", Always, FORM),
    field(
        "treatment_duration_minutes",
        "Treatment duration",
        "Total time in minutes from 1st device administration to completion of monitoring",
        Always,
        DURATION,
    ),
    field(
        "ready_to_leave_minutes",
        "REMS evaluation question",
        "If there was not a 2-hour minimum monitoring requirement, when would this patient have been ready to leave? \
         (minutes from start of administration)",
        Always,
        EVALUATION,
    ),
    field(
        "vital_signs.in_range_prior_to_administration",
        "Vital signs",
        "Vital signs in acceptable range prior to administration?",
        Always,
        FORM,
    ),
    field(
        "vital_signs.in_range_prior_to_completion",
        "Vital signs",
        "Vital signs in acceptable range prior to treatment session completion?",
        Always,
        FORM,
    ),
    field(
        "blood_pressure.prior_to_administration",
        "Blood pressure",
        "Prior to administration",
        Always,
        BLOOD_PRESSURE,
    ),
    field("blood_pressure.post_40_min", "Blood pressure", "40 minutes post-administration", Always, BLOOD_PRESSURE),
    field(
        "blood_pressure.prior_to_completion",
        "Blood pressure",
        "Prior to session completion",
        Always,
        BLOOD_PRESSURE,
    ),
];

/// The section heading of the adverse-effect questions.
pub const ADVERSE_EFFECTS_SECTION: &str = "Adverse effects during session";

/// A field with its value, as the JSON API and the printable page show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldView {
    pub path: String,
    pub section: &'static str,
    pub label: String,
    /// The value as the form's JSON holds it; `null` when empty.
    pub value: Value,
    /// Whether the field must be filled in for this form (an enrollment answer only after a first treatment).
    pub required: bool,
    pub source: &'static str,
    pub confidence: Confidence,
    /// Whether the value is the one the draft took from the chart and no person has changed it.
    pub derived_from_chart: bool,
}

impl FieldSpec {
    /// Whether the field is required in `form`.
    pub fn is_required(&self, form: &PatientMonitoringForm) -> bool {
        match self.requirement {
            Requirement::Always => true,
            Requirement::Optional => false,
            Requirement::WhenFirstTreatment => form.patient.first_treatment == Some(true),
        }
    }
}

/// The value at a dotted path of a form's JSON.
pub(crate) fn value_at<'a>(document: &'a Value, path: &str) -> Option<&'a Value> {
    document.pointer(&format!("/{}", path.replace('.', "/")))
}

impl PatientMonitoringForm {
    /// Every field with its value, source and confidence, in the order of the form; the adverse-effect questions
    /// come last under their paths `adverse_effects.<code>`.
    pub fn fields(&self) -> Vec<FieldView> {
        // Serializing plain structs with string keys cannot fail; a null document would show every field empty.
        let document = serde_json::to_value(self).unwrap_or(Value::Null);
        let mut views: Vec<FieldView> = FIELDS
            .iter()
            .map(|spec| FieldView {
                path: spec.path.to_owned(),
                section: spec.section,
                label: spec.label.to_owned(),
                value: value_at(&document, spec.path).cloned().unwrap_or(Value::Null),
                required: spec.is_required(self),
                source: spec.source,
                confidence: spec.confidence,
                derived_from_chart: false,
            })
            .collect();
        views.extend(self.adverse_effects.iter().map(|a| FieldView {
            path: format!("adverse_effects.{}", a.question.code),
            section: ADVERSE_EFFECTS_SECTION,
            label: a.question.text.clone(),
            value: a.answer.map_or(Value::Null, Value::Bool),
            required: true,
            source: ADVERSE_EFFECTS_RULE.source,
            confidence: a.question.confidence,
            derived_from_chart: a.derived_from_chart,
        }));
        views
    }

    /// [`Self::fields`], with each fixed field marked as derived from the chart when `draft` filled it in from the
    /// session and this form still holds the drafted value; an adverse-effect answer carries its own mark.
    pub fn fields_against(&self, draft: &FormDraft) -> Vec<FieldView> {
        let drafted = serde_json::to_value(&draft.form).unwrap_or(Value::Null);
        let mut views = self.fields();
        for view in views.iter_mut().filter(|v| !v.path.starts_with("adverse_effects.")) {
            let filled = draft.prefill.iter().any(|p| p.path == view.path && p.filled);
            view.derived_from_chart =
                filled && !view.value.is_null() && value_at(&drafted, &view.path) == Some(&view.value);
        }
        views
    }
}
