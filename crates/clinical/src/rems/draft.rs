//! The form draft: the Patient Monitoring Form pre-filled from the recorded session, with a note for every value
//! it filled in (where the value came from) or could not fill in (why), for staff to review before submitting.

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use super::facts::{DeviceRecord, SessionFacts};
use super::form::{AdverseEffectAnswer, DoseAdministered, EarlyDeparture, PatientMonitoringForm};
use super::from_chart::{CHART_ANSWERS_RULE, chart_answer};
use super::setting::SettingType;
use super::settings::{BpWindow, POST_DOSE_TARGET_MINUTE, RemsFormSettings};
use crate::protocols::observation::latest;
use crate::protocols::rems::MONITORING_FORM_RULE;
use crate::protocols::{BloodPressure, LotNumber, Observation, ready_to_leave_minutes, treatment_duration};
use crate::rule::{Confidence, Rule};

pub static BP_WINDOW_RULE: Rule = Rule {
    id: "rems.pmf.bp_selection",
    version: 1,
    summary: "The form's blood pressures are pre-filled from the session: prior to administration is the last \
              reading at or before the first device; 40 minutes post-administration is the reading nearest 40 \
              minutes after the first device within a clinic-set window (default 30 to 50 minutes; of two equally \
              near, the earlier); prior to completion is the last reading after the first device, at or before the \
              completion of monitoring, other than the 40-minute one",
    source: "clinical.md §3.9 (blood pressure row), §3.4 (measure BP around 40 minutes post-dose); window [U]",
    confidence: Confidence::Unverified,
    configurable: true,
};

/// Where a pre-filled value came from, or why a value could not be pre-filled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prefill {
    /// The field's path, as in [`super::FIELDS`].
    pub path: String,
    /// Whether the draft filled the field in.
    pub filled: bool,
    pub detail: String,
    /// The rule that chose the value, as `id@version`, when one did.
    #[serde(default)]
    pub rule: Option<String>,
}

/// A form being prepared: the form, the setting type that decides whether it is required, and the notes of how it
/// was pre-filled. Stored by the portal and edited by staff until [`super::check`] accepts it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormDraft {
    pub form: PatientMonitoringForm,
    pub setting_type: SettingType,
    /// The window the 40-minute reading was chosen in, for the check's messages.
    pub post_40_min_window: BpWindow,
    pub prefill: Vec<Prefill>,
}

impl FormDraft {
    /// An empty draft with the clinic's adverse-effect questions, for a form filled in by hand.
    pub fn empty(setting_type: SettingType, settings: &RemsFormSettings) -> Self {
        let form = PatientMonitoringForm { adverse_effects: unanswered(settings), ..PatientMonitoringForm::default() };
        Self { form, setting_type, post_40_min_window: settings.post_40_min_window(), prefill: Vec::new() }
    }

    /// The note about a field that the draft could not fill in, if any.
    pub fn unfilled_reason(&self, path: &str) -> Option<&str> {
        self.prefill.iter().find(|p| p.path == path && !p.filled).map(|p| p.detail.as_str())
    }
}

fn unanswered(settings: &RemsFormSettings) -> Vec<AdverseEffectAnswer> {
    settings
        .adverse_effects()
        .iter()
        .map(|q| AdverseEffectAnswer { question: q.clone(), answer: None, derived_from_chart: false })
        .collect()
}

struct Notes(Vec<Prefill>);

impl Notes {
    fn filled(&mut self, path: &str, detail: String, rule: Option<&Rule>) {
        self.0.push(Prefill { path: path.to_owned(), filled: true, detail, rule: rule.map(rule_text) });
    }

    fn missing(&mut self, path: &str, detail: String) {
        self.0.push(Prefill { path: path.to_owned(), filled: false, detail, rule: None });
    }
}

fn rule_text(rule: &Rule) -> String {
    rule.reference().to_string()
}

/// Drafts the form from a recorded session, with the clinic's form settings.
///
/// Nothing is invented: a value the session does not hold stays empty, with a note saying why. The treatment date
/// is the first device's date in the offset its time was recorded in.
pub fn draft_from_session(input: &SessionFacts, settings: &RemsFormSettings) -> FormDraft {
    let mut notes = Notes(Vec::new());
    let mut form = PatientMonitoringForm {
        patient: input.patient.clone(),
        concomitant_medications: input.concomitant_medications,
        hcp: input.hcp.clone(),
        setting: input.setting.clone(),
        vital_signs: input.vital_signs,
        ..PatientMonitoringForm::default()
    };

    let mut devices: Vec<&DeviceRecord> = input.devices.iter().collect();
    devices.sort_by_key(|d| d.given_at);
    let first_device_at = devices.first().map(|d| d.given_at);
    fill_session(&mut form, &devices, &mut notes);

    let window = settings.post_40_min_window();
    match first_device_at {
        Some(first) => fill_times(&mut form, input, first, &mut notes),
        None => {
            for path in ["treatment_duration_minutes", "ready_to_leave_minutes"] {
                notes.missing(path, "no device administration is recorded for this session".to_owned());
            }
        }
    }
    fill_blood_pressure(
        &mut form,
        &input.observations,
        first_device_at,
        input.monitoring_completed_at,
        window,
        &mut notes,
    );
    fill_adverse_effects(&mut form, input, first_device_at, settings, &mut notes);

    FormDraft { form, setting_type: input.setting_type, post_40_min_window: window, prefill: notes.0 }
}

fn fill_session(form: &mut PatientMonitoringForm, devices: &[&DeviceRecord], notes: &mut Notes) {
    let Some(first) = devices.first() else {
        for path in ["session.treatment_date", "session.dose", "session.lot_numbers"] {
            notes.missing(path, "no device administration is recorded for this session".to_owned());
        }
        return;
    };
    form.session.treatment_date = Some(first.given_at.date());
    notes.filled("session.treatment_date", "the date of the first device administration".to_owned(), None);

    let total_mg = devices.iter().fold(0u32, |sum, d| sum.saturating_add(d.mg));
    form.session.dose = Some(DoseAdministered::from_mg(total_mg));
    notes.filled("session.dose", format!("{} device(s) given, {total_mg} mg in total", devices.len()), None);

    let mut lots: Vec<LotNumber> = Vec::new();
    for (index, device) in devices.iter().enumerate() {
        match &device.lot_number {
            Some(lot) if !lots.contains(lot) => lots.push(lot.clone()),
            Some(_) => {}
            None => notes.missing("session.lot_numbers", format!("device {} has no lot number recorded", index + 1)),
        }
    }
    if !lots.is_empty() {
        notes.filled("session.lot_numbers", "the lot numbers recorded with the devices".to_owned(), None);
    }
    form.session.lot_numbers = lots;
}

fn fill_times(form: &mut PatientMonitoringForm, input: &SessionFacts, first: OffsetDateTime, notes: &mut Notes) {
    match input.monitoring_completed_at.map(|done| treatment_duration(first, done)) {
        Some(Ok(duration)) => {
            form.treatment_duration_minutes = Some(duration.minutes);
            let detail = match input.early_departure {
                // The true duration, with the departure beside it: the form never carries an invented one.
                Some(reason) => {
                    form.early_departure = Some(EarlyDeparture { reason, minutes_monitored: duration.minutes });
                    format!(
                        "from the first device administration to the patient's early departure ({})",
                        reason.label()
                    )
                }
                None => "from the first device administration to the completion of monitoring".to_owned(),
            };
            notes.filled("treatment_duration_minutes", detail, Some(&MONITORING_FORM_RULE));
        }
        Some(Err(e)) => notes.missing("treatment_duration_minutes", e.to_string()),
        None => notes.missing("treatment_duration_minutes", "the completion of monitoring is not recorded".to_owned()),
    }
    match input.ready_to_leave_at.map(|ready| ready_to_leave_minutes(first, ready)) {
        Some(Ok(minutes)) => {
            form.ready_to_leave_minutes = Some(minutes);
            notes.filled(
                "ready_to_leave_minutes",
                "from the first device administration to when the patient was judged ready to leave".to_owned(),
                Some(&MONITORING_FORM_RULE),
            );
        }
        Some(Err(e)) => notes.missing("ready_to_leave_minutes", e.to_string()),
        None => notes.missing(
            "ready_to_leave_minutes",
            "the time the patient would have been ready to leave is not recorded".to_owned(),
        ),
    }
}

/// A reading with its time.
type Reading = (OffsetDateTime, BloodPressure);

fn minutes_after(first: OffsetDateTime, at: OffsetDateTime) -> i64 {
    (at - first).whole_minutes()
}

/// The reading nearest to 40 minutes after the first device within the window; of two equally near, the earlier.
/// Of two readings at the same moment, the later in the list wins, as a correction is recorded after the original.
pub fn post_40_min_reading(
    observations: &[Observation],
    first_device_at: OffsetDateTime,
    window: BpWindow,
) -> Option<Reading> {
    let target = first_device_at.saturating_add(Duration::minutes(i64::from(POST_DOSE_TARGET_MINUTE)));
    let from = first_device_at.saturating_add(Duration::minutes(i64::from(window.from_minutes)));
    let to = first_device_at.saturating_add(Duration::minutes(i64::from(window.to_minutes)));
    let mut best: Option<Reading> = None;
    for o in observations {
        let Some(bp) = o.blood_pressure() else { continue };
        let at = o.time();
        if at < from || at > to {
            continue;
        }
        let distance = (at - target).abs();
        let better = match best {
            None => true,
            Some((best_at, _)) => {
                let best_distance = (best_at - target).abs();
                distance < best_distance || (distance == best_distance && at <= best_at)
            }
        };
        if better {
            best = Some((at, bp));
        }
    }
    best
}

fn fill_blood_pressure(
    form: &mut PatientMonitoringForm,
    observations: &[Observation],
    first_device_at: Option<OffsetDateTime>,
    completed_at: Option<OffsetDateTime>,
    window: BpWindow,
    notes: &mut Notes,
) {
    let Some(first) = first_device_at else {
        for path in [
            "blood_pressure.prior_to_administration",
            "blood_pressure.post_40_min",
            "blood_pressure.prior_to_completion",
        ] {
            notes.missing(path, "no device administration is recorded for this session".to_owned());
        }
        return;
    };
    let bp = |o: &Observation| o.blood_pressure();

    let prior = match latest(observations, first, bp) {
        Some((at, reading)) => {
            let before = (first - at).whole_minutes();
            Ok((reading, format!("the last reading before the first device ({before} min before)")))
        }
        None => Err("no reading at or before the first device administration".to_owned()),
    };
    let slot = &mut form.blood_pressure.prior_to_administration;
    record_bp(slot, "blood_pressure.prior_to_administration", prior, notes);

    let post = post_40_min_reading(observations, first, window);
    let found = match post {
        Some((at, reading)) => {
            let after = minutes_after(first, at);
            Ok((reading, format!("the reading nearest 40 minutes after the first device ({after} min after)")))
        }
        None => {
            let (from, to) = (window.from_minutes, window.to_minutes);
            Err(format!("no reading between {from} and {to} minutes after the first device"))
        }
    };
    record_bp(&mut form.blood_pressure.post_40_min, "blood_pressure.post_40_min", found, notes);

    let path = "blood_pressure.prior_to_completion";
    let Some(done) = completed_at else {
        notes.missing(path, "the completion of monitoring is not recorded".to_owned());
        return;
    };
    let last = latest(observations, done, bp).filter(|(at, _)| *at > first);
    let found = match last {
        Some((at, _)) if post.is_some_and(|(post_at, _)| post_at == at) => Err(format!(
            "no reading after the 40-minute reading ({} min after the first device) before the completion of \
             monitoring",
            minutes_after(first, at)
        )),
        Some((at, reading)) => {
            let after = minutes_after(first, at);
            let detail =
                format!("the last reading before the completion of monitoring ({after} min after the first device)");
            Ok((reading, detail))
        }
        None => Err("no reading after the first device and before the completion of monitoring".to_owned()),
    };
    record_bp(&mut form.blood_pressure.prior_to_completion, path, found, notes);
}

/// Records one blood-pressure answer of the form: the reading found, with where it came from, or why none was.
fn record_bp(
    slot: &mut Option<BloodPressure>,
    path: &str,
    found: Result<(BloodPressure, String), String>,
    notes: &mut Notes,
) {
    match found {
        Ok((reading, detail)) => {
            *slot = Some(reading);
            notes.filled(path, detail, Some(&BP_WINDOW_RULE));
        }
        Err(detail) => notes.missing(path, detail),
    }
}

fn fill_adverse_effects(
    form: &mut PatientMonitoringForm,
    input: &SessionFacts,
    first_device_at: Option<OffsetDateTime>,
    settings: &RemsFormSettings,
    notes: &mut Notes,
) {
    form.adverse_effects = unanswered(settings);
    for answer in &mut form.adverse_effects {
        let path = format!("adverse_effects.{}", answer.question.code);
        match chart_answer(&answer.question.code, input, first_device_at) {
            Some(derived) => {
                answer.answer = Some(derived.answer);
                answer.derived_from_chart = true;
                let rule =
                    if derived.from_adverse_event { &super::form::ADVERSE_EFFECTS_RULE } else { &CHART_ANSWERS_RULE };
                notes.filled(&path, derived.detail, Some(rule));
            }
            None => notes.missing(
                &path,
                "the chart does not answer it: no post-dose score or adverse event of the kind".to_owned(),
            ),
        }
    }
    for event in &input.adverse_events {
        if !settings.adverse_effects().iter().any(|q| q.code == event.code) {
            notes.missing(
                &format!("adverse_effects.{}", event.code),
                "answered during the session, but the clinic's form does not ask this question".to_owned(),
            );
        }
    }
}
