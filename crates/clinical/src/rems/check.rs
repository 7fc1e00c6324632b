//! The completeness check: a draft becomes a [`CompleteForm`] only when every required field is filled in and
//! consistent, and only a `CompleteForm` can be marked submitted ([`CompleteForm::submit`]).
//!
//! The check names every problem at once, each with the field's path, so staff can fix the form in one pass.

use serde::Serialize;
use serde_json::Value;
use time::OffsetDateTime;

use super::draft::{FormDraft, Prefill};
use super::fields::{FIELDS, FieldSpec, FieldView, Requirement, value_at};
use super::form::{DoseAdministered, PatientMonitoringForm};
use super::setting::SettingType;
use crate::protocols::rems::REMS_MINIMUM_MINUTES;
use crate::rule::{Confidence, Rule, RuleRef};

pub static REQUIRED_FIELDS_RULE: Rule = Rule {
    id: "rems.pmf.required_fields",
    version: 2,
    summary: "A Patient Monitoring Form can be marked submitted only when every required field is complete and \
              consistent: the REMS enrollment answer when it is the patient's first treatment, a treatment duration \
              of at least 120 minutes (or, only when the patient left early and the form says so, the true shorter \
              duration, equal to the minutes monitored), an evaluation answer no later than the completion of \
              monitoring, and an answer to each adverse-effect question",
    source: "clinical.md §3.9 (complete all required fields after every session; at least 2 hours), §3.4; \
             directory-and-interop.md §d.3 (required fields; a note cannot be signed until they are complete [S1])",
    confidence: Confidence::Confirmed,
    configurable: false,
};

/// A required field that is empty, malformed or inconsistent with another field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MissingField {
    /// The field's path, as in [`super::FIELDS`] (`blood_pressure.post_40_min`, `adverse_effects.sedation`).
    pub path: String,
    pub message: String,
}

impl MissingField {
    fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self { path: path.into(), message: message.into() }
    }
}

impl std::fmt::Display for MissingField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Something staff should see before submitting that does not stop the form from being complete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FormWarning {
    pub path: String,
    pub message: String,
}

/// A form whose every required field is complete and consistent. Built only by [`check`].
///
/// Its fields are private, so no other code can build one and skip the check:
///
/// ```compile_fail
/// use ketapath_clinical::rems::{CompleteForm, PatientMonitoringForm};
/// use ketapath_clinical::rems::check::REQUIRED_FIELDS_RULE;
/// let forged = CompleteForm {
///     form: PatientMonitoringForm::default(),
///     warnings: Vec::new(),
///     rule: REQUIRED_FIELDS_RULE.reference(),
/// };
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CompleteForm {
    form: PatientMonitoringForm,
    warnings: Vec<FormWarning>,
    rule: RuleRef,
}

impl CompleteForm {
    pub fn form(&self) -> &PatientMonitoringForm {
        &self.form
    }

    pub fn warnings(&self) -> &[FormWarning] {
        &self.warnings
    }

    /// Marks the form submitted at `at` (online or by fax, by a person; this records that it happened).
    pub fn submit(self, at: OffsetDateTime) -> SubmittedForm {
        SubmittedForm { form: self.form, submitted_at: at, rule: self.rule }
    }
}

/// A form marked submitted. It can only come from a [`CompleteForm`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubmittedForm {
    form: PatientMonitoringForm,
    #[serde(with = "time::serde::rfc3339")]
    submitted_at: OffsetDateTime,
    rule: RuleRef,
}

impl SubmittedForm {
    pub fn form(&self) -> &PatientMonitoringForm {
        &self.form
    }

    pub fn submitted_at(&self) -> OffsetDateTime {
        self.submitted_at
    }

    /// The rule the form was checked under.
    pub fn rule(&self) -> RuleRef {
        self.rule
    }
}

fn is_empty(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.trim().is_empty(),
        Some(Value::Array(items)) => items.is_empty(),
        Some(_) => false,
    }
}

fn empty_message(draft: &FormDraft, spec: &FieldSpec) -> String {
    if let Some(reason) = draft.unfilled_reason(spec.path) {
        return reason.to_owned();
    }
    match (spec.requirement, spec.path) {
        (Requirement::WhenFirstTreatment, _) => "required when first_treatment is yes".to_owned(),
        (_, "blood_pressure.post_40_min") => format!(
            "no reading between {} and {} minutes after the first device",
            draft.post_40_min_window.from_minutes, draft.post_40_min_window.to_minutes
        ),
        _ => "is required".to_owned(),
    }
}

/// Checks a draft; on failure, names every missing or inconsistent required field.
pub fn check(draft: &FormDraft) -> Result<CompleteForm, Vec<MissingField>> {
    let form = &draft.form;
    let mut missing = Vec::new();
    if !draft.setting_type.requires_form() {
        missing.push(MissingField::new(
            "setting_type",
            "inpatient settings (including emergency departments) do not submit Patient Monitoring Forms; report \
             suspected adverse events to the REMS instead",
        ));
    }

    // Serializing plain structs with string keys cannot fail; a null document would report every field missing.
    let document = serde_json::to_value(form).unwrap_or(Value::Null);
    let mut empty: Vec<&str> = Vec::new();
    for spec in FIELDS.iter().filter(|spec| spec.is_required(form)) {
        if is_empty(value_at(&document, spec.path)) {
            empty.push(spec.path);
            missing.push(MissingField::new(spec.path, empty_message(draft, spec)));
        }
    }
    missing.extend(consistency(form).into_iter().filter(|m| !empty.contains(&m.path.as_str())));
    missing.extend(adverse_effects(draft));

    if missing.is_empty() {
        Ok(CompleteForm { form: form.clone(), warnings: warnings(draft), rule: REQUIRED_FIELDS_RULE.reference() })
    } else {
        Err(missing)
    }
}

fn adverse_effects(draft: &FormDraft) -> Vec<MissingField> {
    let answers = &draft.form.adverse_effects;
    if answers.is_empty() {
        return vec![MissingField::new(
            "adverse_effects",
            "the adverse-effects section has no questions; draft the form with the clinic's questions",
        )];
    }
    answers
        .iter()
        .filter(|a| a.answer.is_none())
        .map(|a| {
            let path = format!("adverse_effects.{}", a.question.code);
            let message = draft.unfilled_reason(&path).unwrap_or("is required");
            MissingField::new(path.clone(), format!("{message} ({})", a.question.text))
        })
        .collect()
}

fn filled(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Checks of values that are present but malformed or contradict another field.
fn consistency(form: &PatientMonitoringForm) -> Vec<MissingField> {
    let mut problems = Vec::new();
    let mut problem = |path: &str, message: String| problems.push(MissingField::new(path, message));

    if let Some(mi) = filled(&form.patient.middle_initial)
        && !(mi.chars().count() == 1 && mi.chars().all(char::is_alphabetic))
    {
        problem("patient.middle_initial", format!("must be a single letter; got {mi:?}"));
    }
    if let (Some(born), Some(treated)) = (form.patient.birthdate, form.session.treatment_date)
        && born > treated
    {
        problem("patient.birthdate", format!("{born} is after the treatment date {treated}"));
    }
    if let Some(email) = filled(&form.hcp.email) {
        let well_formed = email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
        }) && !email.contains(char::is_whitespace);
        if !well_formed {
            problem("hcp.email", format!("is not an email address: {email:?}"));
        }
    }
    if let Some(phone) = filled(&form.hcp.phone) {
        let digits = phone.chars().filter(char::is_ascii_digit).count();
        if !(10..=15).contains(&digits) {
            problem("hcp.phone", format!("must hold a 10-digit telephone number; got {phone:?}"));
        }
    }
    if let Some(state) = filled(&form.setting.address.state)
        && !(state.len() == 2 && state.chars().all(|c| c.is_ascii_alphabetic()))
    {
        problem("setting.address.state", format!("must be a two-letter state code; got {state:?}"));
    }
    if let Some(zip) = filled(&form.setting.address.zip) {
        let digits = |s: &str, n: usize| s.len() == n && s.chars().all(|c| c.is_ascii_digit());
        let well_formed = match zip.split_once('-') {
            Some((five, four)) => digits(five, 5) && digits(four, 4),
            None => digits(zip, 5),
        };
        if !well_formed {
            problem("setting.address.zip", format!("must be a 5-digit ZIP or ZIP+4; got {zip:?}"));
        }
    }
    if let Some(DoseAdministered::Other { mg: 0 }) = form.session.dose {
        problem("session.dose", "an 'other' dose must be more than 0 mg".to_owned());
    }
    match (form.treatment_duration_minutes, form.early_departure) {
        // A departure before the minimum is stated, not hidden: the duration is the true one.
        (Some(minutes), Some(early)) if early.minutes_monitored != minutes => problem(
            "early_departure.minutes_monitored",
            format!("{} does not match the treatment duration of {minutes} minutes", early.minutes_monitored),
        ),
        (None, Some(_)) => problem(
            "treatment_duration_minutes",
            "is required with an early departure: the true minutes monitored".to_owned(),
        ),
        (Some(minutes), None) if minutes < REMS_MINIMUM_MINUTES => problem(
            "treatment_duration_minutes",
            format!(
                "{minutes} is below the 2-hour minimum ({REMS_MINIMUM_MINUTES} minutes); if the patient left early, \
                 record the early departure"
            ),
        ),
        _ => {}
    }
    if let (Some(ready), Some(total)) = (form.ready_to_leave_minutes, form.treatment_duration_minutes)
        && ready > total
    {
        problem("ready_to_leave_minutes", format!("{ready} is after the completion of monitoring at {total} minutes"));
    }
    problems
}

/// What staff should see before submitting: an enrollment answer of no after a first treatment, and every note of
/// the draft about something the session record lacked, for fields since filled in by hand (a device without a
/// lot number, no reading in the 40-minute window) or answers the clinic's form does not ask.
fn warnings(draft: &FormDraft) -> Vec<FormWarning> {
    let form = &draft.form;
    let mut warnings = Vec::new();
    if form.patient.first_treatment == Some(true) && form.patient.enrolled == Some(false) {
        warnings.push(FormWarning {
            path: "patient.enrolled".to_owned(),
            message: "the REMS requires each patient to be enrolled before treatment: submit the Patient Enrollment \
                      Form"
                .to_owned(),
        });
    }
    // `check` only builds a complete form, so every field a note names is filled in by now, or is not on the form.
    warnings.extend(
        draft
            .prefill
            .iter()
            .filter(|p| !p.filled)
            .map(|p| FormWarning { path: p.path.clone(), message: p.detail.clone() }),
    );
    warnings
}

/// Everything the portal shows for a form: each field with its value, source and confidence, how the draft was
/// filled, and what still stops it from being submitted. The JSON of `GET /api/v1/sessions/{id}/rems-form`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FormReport {
    pub form: PatientMonitoringForm,
    pub setting_type: SettingType,
    pub fields: Vec<FieldView>,
    pub prefill: Vec<Prefill>,
    /// Empty when the form can be submitted.
    pub missing: Vec<MissingField>,
    pub warnings: Vec<FormWarning>,
    pub complete: bool,
    pub rule: RuleRef,
}

/// The report of a draft, from the one [`check`].
pub fn report(draft: &FormDraft) -> FormReport {
    let (missing, warnings) = match check(draft) {
        Ok(complete) => (Vec::new(), complete.warnings),
        Err(missing) => (missing, Vec::new()),
    };
    FormReport {
        form: draft.form.clone(),
        setting_type: draft.setting_type,
        fields: draft.form.fields(),
        prefill: draft.prefill.clone(),
        complete: missing.is_empty(),
        missing,
        warnings,
        rule: REQUIRED_FIELDS_RULE.reference(),
    }
}
