//! Supervised sessions: start one on the patient's open course, record pre-checks, timed observations, the dose
//! (behind the REMS enrollment gate and the blood-pressure gate, with the advisory pre-checks as warnings),
//! adverse events, the discharge (behind the minimum monitoring time and the clinic's criteria) or an early
//! departure, with the live monitoring status (minutes since the dose, the 40-minute blood pressure).

use ketapath_clinical::InvalidInput;
use ketapath_clinical::dates::{ChartedAt, DateKind};
use ketapath_clinical::protocols::bp_gate::gate_rule;
use ketapath_clinical::protocols::observation::latest;
use ketapath_clinical::protocols::{
    Blocking, CrisisSymptom, DevicePlan, DischargeDecision, EnrollmentGate, EsketamineIndication, GateDecision,
    LotNumber, MaintenanceFrequency, Modality, MonitoringStatus, NasalMedication, Observation, ObservationRecord,
    PreCheckAnswers, PreCheckReport, PreCheckWarning, PregnancyStatus, ProtocolSettings, Refusal, bp_gate,
    discharge_check, enrollment_gate, esketamine_devices, evaluate_pre_checks, iv_dose, monitoring_status,
    ready_to_leave_minutes,
};
use ketapath_clinical::rems::EarlyDepartureReason;
use ketapath_store::domain::{
    AdverseEvent, AeSeverity, Course, CourseStatus, Discharge, DoseRecord, Gate, GateOverride, Intake, Measurement,
    NewAdverseEvent, NewDose, NewGateOverride, NewObservation, NewTreatmentSession, PatientId, Role, SessionAlert,
    SessionId, TreatmentSession, TreatmentSessionDetail,
};
use ketapath_store::{ClinicScope, StoreError};
use serde::Serialize;
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::course::{self, CourseRequest};
use super::{Override, TreatmentError, TreatmentResult, alerts, intake, protocol_settings};
use crate::json::JsonError;

/// A session with what the rules need: its course's modality, the clinic's settings, the observations as the
/// clinical rules read them and the time of the first dose.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub detail: TreatmentSessionDetail,
    pub course: Course,
    pub modality: Modality,
    pub settings: ProtocolSettings,
    pub observations: Vec<Observation>,
    pub first_dose_at: Option<OffsetDateTime>,
}

/// A stored measurement as the clinical rules read it. Values were checked by the same rules on the way in.
fn clinical(o: &ketapath_store::domain::Observation) -> Option<Observation> {
    let base = Observation::at(o.observed_at);
    match &o.measurement {
        Measurement::BloodPressure { systolic, diastolic } => base.with_blood_pressure(*systolic, *diastolic).ok(),
        Measurement::HeartRate { bpm } => base.with_heart_rate(*bpm).ok(),
        Measurement::Spo2 { percent } => base.with_spo2(*percent).ok(),
        Measurement::Moaas { score } => base.with_moaas(*score).ok(),
        Measurement::Cadss { total } => base.with_cadss(*total).ok(),
        Measurement::RespiratoryRate { .. } | Measurement::Note { .. } => None,
    }
}

/// Loads a session of this clinic with its course, modality, settings and observations.
pub async fn load(scope: &ClinicScope, id: SessionId) -> TreatmentResult<Loaded> {
    let detail = scope.session(id).await?;
    let course = scope.course(detail.session.course_id).await?;
    let modality = course::modality(&course)?;
    let settings = protocol_settings(scope).await?;
    let observations = detail.observations.iter().filter_map(clinical).collect();
    let first_dose_at = detail.doses.iter().map(|d| d.given_at).min();
    Ok(Loaded { detail, course, modality, settings, observations, first_dose_at })
}

fn refuse_if_completed(loaded: &Loaded) -> TreatmentResult<()> {
    if loaded.detail.session.status.is_closed() {
        return Err(TreatmentError::NotApplicable(format!(
            "the session is {}: nothing more can be charted on it",
            loaded.detail.session.status
        )));
    }
    Ok(())
}

/// Starts a session of `modality` for a patient: on the patient's open (planned or active) course of that
/// modality, the latest one, or on a new course planned from today when there is none (which a
/// contraindication blocks like any course).
pub async fn start(
    scope: &ClinicScope,
    patient: PatientId,
    modality: Modality,
    now: OffsetDateTime,
    ov: Option<Override>,
) -> TreatmentResult<(TreatmentSession, Course)> {
    let courses = scope.courses(patient).await?;
    let mut course = match course::open_course(&courses, modality) {
        Some(c) => c.clone(),
        None => {
            let request = CourseRequest {
                modality,
                // The course starts on the clinic's today, not UTC's.
                start: crate::clinic_time::ClinicTime::of(scope).await?.date_of(now),
                weeks: None,
                maintenance: MaintenanceFrequency::Weekly,
                with_psychotherapy: false,
            };
            course::create(scope, patient, &request, ov).await?.0
        }
    };
    course::require_benefit_review(scope, &course, now).await?;
    if course.status == CourseStatus::Planned {
        course = scope.set_course_status(course.id, CourseStatus::Active, None, None).await?;
    }
    let session = scope
        .create_session(NewTreatmentSession { course_id: course.id, scheduled_at: None, monitored_by: None })
        .await?;
    Ok((session, course))
}

/// Measures taken at one moment, checked; `note` carries dissociation or sedation notes in words, `symptoms` the
/// symptoms of a hypertensive crisis or encephalopathy seen at that moment (they route to emergency care).
#[derive(Debug, Clone)]
pub struct ObservationInput {
    pub record: ObservationRecord,
    pub note: Option<String>,
    pub symptoms: Vec<CrisisSymptom>,
}

/// The longest note kept, in characters.
const MAX_NOTE_CHARS: usize = 2000;

/// Records the measures of one moment (at least one, or a symptom) and the alerts they raise, together.
pub async fn observe(
    scope: &ClinicScope,
    id: SessionId,
    input: ObservationInput,
) -> TreatmentResult<(Vec<ketapath_store::domain::Observation>, Vec<SessionAlert>)> {
    let checked = Observation::try_from(input.record)?;
    let loaded = load(scope, id).await?;
    refuse_if_completed(&loaded)?;
    let at = checked.time();
    let minutes_after_dose = loaded.first_dose_at.filter(|d| *d <= at).map(|d| (at - d).whole_minutes());
    let mut measures = Vec::new();
    if let Some(bp) = checked.blood_pressure() {
        measures.push(Measurement::BloodPressure { systolic: bp.systolic(), diastolic: bp.diastolic() });
    }
    if let Some(bpm) = checked.heart_rate() {
        measures.push(Measurement::HeartRate { bpm });
    }
    if let Some(percent) = checked.spo2() {
        measures.push(Measurement::Spo2 { percent });
    }
    if let Some(score) = checked.moaas() {
        measures.push(Measurement::Moaas { score });
    }
    if let Some(total) = checked.cadss() {
        measures.push(Measurement::Cadss { total });
    }
    if let Some(note) = input.note.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        if note.chars().count() > MAX_NOTE_CHARS {
            return Err(InvalidInput::new("note", format!("must be at most {MAX_NOTE_CHARS} characters")).into());
        }
        measures.push(Measurement::Note { text: note.to_owned() });
    }
    let mut symptoms = input.symptoms.clone();
    symptoms.sort();
    symptoms.dedup();
    if !symptoms.is_empty() {
        // The symptoms stay in the record in words, beside the alert they raise.
        let named: Vec<&str> = symptoms.iter().map(|s| s.label()).collect();
        measures.push(Measurement::Note { text: format!("Symptoms: {}", named.join(", ")) });
    }
    if measures.is_empty() {
        return Err(InvalidInput::new(
            "",
            "an observation needs at least one of systolic and diastolic, heart_rate, spo2, moaas, cadss, note or \
             symptoms",
        )
        .into());
    }
    let raised = alerts::raised(&loaded, &checked, &symptoms);
    let new = measures
        .into_iter()
        .map(|measurement| NewObservation { session_id: id, observed_at: at, minutes_after_dose, measurement })
        .collect();
    Ok(scope.record_observations_with_alerts(id, new, raised).await?)
}

/// A dose to give, as the request carries it.
#[derive(Debug, Clone)]
pub struct DoseInput {
    pub at: OffsetDateTime,
    pub dose_mg: Option<f64>,
    pub lot: Option<String>,
    pub weight_kg: Option<f64>,
    pub mg_per_kg: Option<f64>,
}

/// A recorded dose with how it was decided.
#[derive(Debug, Clone, Serialize)]
pub struct DoseOutcome {
    pub dose: DoseRecord,
    pub gate: GateDecision,
    /// For esketamine: the REMS enrollment gate (enrolled, or not required in an inpatient setting).
    pub enrollment: Option<EnrollmentGate>,
    /// The advisory pre-checks (food, liquids, nasal products, ride home, pregnancy) not met or not recorded.
    pub warnings: Vec<PreCheckWarning>,
    pub override_: Option<GateOverride>,
    /// For esketamine: the devices and their five-minute spacing.
    pub devices: Option<DevicePlan>,
    /// For IV ketamine: the dose computed from the weight.
    pub iv: Option<ketapath_clinical::protocols::IvDose>,
}

/// The doses of the course's other sessions, in session order, each with its session's number.
async fn other_sessions_doses(scope: &ClinicScope, loaded: &Loaded) -> TreatmentResult<Vec<(i64, DoseRecord)>> {
    let mut doses = Vec::new();
    for session in scope.sessions(loaded.course.id).await? {
        if session.id == loaded.detail.session.id {
            continue;
        }
        doses.extend(scope.session(session.id).await?.doses.into_iter().map(|d| (session.number, d)));
    }
    Ok(doses)
}

/// The previous esketamine doses of the course, oldest first, for the device rules (84 mg only after 56 mg).
async fn prior_doses(scope: &ClinicScope, loaded: &Loaded) -> TreatmentResult<Vec<u32>> {
    // Stored esketamine doses are whole milligrams; the device rules refuse anything else by name.
    Ok(other_sessions_doses(scope, loaded).await?.into_iter().map(|(_, d)| d.dose_mg.round() as u32).collect())
}

/// The dose of the course's latest earlier session that has one, with that session's number: what the session page
/// copies forward (dose and lot) for a nurse to check before saving. `None` for a first session.
pub async fn previous_dose(scope: &ClinicScope, loaded: &Loaded) -> TreatmentResult<Option<(i64, DoseRecord)>> {
    let number = loaded.detail.session.number;
    Ok(other_sessions_doses(scope, loaded)
        .await?
        .into_iter()
        .filter(|(n, _)| *n < number)
        .max_by_key(|(n, d)| (*n, d.given_at)))
}

fn whole_mg(dose: f64) -> Result<u32, InvalidInput> {
    if dose.fract() != 0.0 || !(1.0..=1000.0).contains(&dose) {
        return Err(InvalidInput::new("dose_mg", "must be a whole number of milligrams"));
    }
    Ok(dose as u32)
}

/// Pregnancy status from the intake: not applicable when the intake says the patient cannot become pregnant.
fn intake_pregnancy(intake: Option<&Intake>) -> PregnancyStatus {
    match intake::answer(intake, "pregnancy_potential").and_then(Value::as_bool) {
        Some(false) => PregnancyStatus::NotApplicable,
        _ => PregnancyStatus::Unknown,
    }
}

/// The advisory pre-checks at the dose: the answers recorded before it (or none), asked again at the dose time.
pub fn dose_warnings(loaded: &Loaded, intake: Option<&Intake>, at: OffsetDateTime) -> Vec<PreCheckWarning> {
    let recorded: Option<PreCheckAnswers> = loaded
        .detail
        .pre_checks
        .as_ref()
        .and_then(|doc| doc.get("answers"))
        .and_then(|answers| serde_json::from_value(answers.clone()).ok());
    let answers = match recorded {
        Some(answers) => PreCheckAnswers { dose_at: at, ..answers },
        None => PreCheckAnswers {
            dose_at: at,
            last_food_at: None,
            last_liquid_at: None,
            nasal_medication: NasalMedication::NotAsked,
            transport_home_arranged: None,
            pregnancy: intake_pregnancy(intake),
            rems_enrolled: None,
            blood_pressure: None,
        },
    };
    evaluate_pre_checks(loaded.modality, &answers, &loaded.settings).warnings()
}

/// Records a dose. For esketamine in an outpatient setting the intake must record the patient as enrolled in the
/// REMS (409 `rems_enrollment`, checked after the fields and before any override is read: no role passes it). The latest blood pressure at or
/// before the dose must pass the clinic's gate (none recorded blocks as well); a prescriber's override
/// (`override_reason`, read only after the absolute gate) passes a blocked blood-pressure gate and is kept with
/// the dose. The advisory pre-checks come back as warnings.
pub async fn dose(
    scope: &ClinicScope,
    id: SessionId,
    input: DoseInput,
    override_reason: Option<&str>,
) -> TreatmentResult<DoseOutcome> {
    let loaded = load(scope, id).await?;
    refuse_if_completed(&loaded)?;
    course::require_benefit_review(scope, &loaded.course, input.at).await?;
    let settings = &loaded.settings;
    let (mg, devices, iv, drug, route) = match loaded.modality {
        Modality::EsketamineNasal => {
            let requested = whole_mg(input.dose_mg.ok_or_else(|| InvalidInput::new("dose_mg", "is required"))?)?;
            let lot = input.lot.as_deref().unwrap_or_default();
            LotNumber::parse(lot).map_err(|e| InvalidInput::new("lot", e.message))?;
            let prior = prior_doses(scope, &loaded).await?;
            let indication: EsketamineIndication = course::indication(scope, &loaded.course).await?;
            let plan = esketamine_devices(requested, indication, &prior, settings)?;
            (f64::from(requested), Some(plan), None, "esketamine", "intranasal")
        }
        Modality::IvKetamine => match (input.dose_mg, input.weight_kg) {
            (Some(mg), _) => (mg, None, None, "ketamine", "iv"),
            (None, Some(weight)) => {
                let per_kg = input.mg_per_kg.unwrap_or(settings.values().iv.mg_per_kg_default);
                let computed = iv_dose(weight, per_kg, settings)?;
                (computed.dose_mg, None, Some(computed), "ketamine", "iv")
            }
            (None, None) => return Err(InvalidInput::new("dose_mg", "give dose_mg or weight_kg").into()),
        },
        Modality::ImKetamine | Modality::OralKetamine => {
            let mg = input.dose_mg.ok_or_else(|| InvalidInput::new("dose_mg", "is required"))?;
            let route = if loaded.modality == Modality::ImKetamine { "im" } else { "oral" };
            (mg, None, None, "ketamine", route)
        }
    };
    if !mg.is_finite() || mg <= 0.0 {
        return Err(InvalidInput::new("dose_mg", "must be a positive number").into());
    }
    // The fields are checked first, so a malformed request names its field; then the absolute gate, before any
    // override is read, so it refuses every role alike.
    let intake = scope.intake(loaded.detail.session.patient_id).await?;
    let enrollment = (loaded.modality == Modality::EsketamineNasal).then(|| {
        let enrolled = intake::answer(intake.as_ref(), "rems_enrolled").and_then(Value::as_bool);
        enrollment_gate(settings.values().rems.setting_type, enrolled)
    });
    if let Some(EnrollmentGate::Refused { message, .. }) = &enrollment {
        return Err(TreatmentError::RemsEnrollment(format!("{message}; no override passes this gate")));
    }
    let ov = Override::from_request(scope, override_reason)?;
    let warnings = dose_warnings(&loaded, intake.as_ref(), input.at);
    let gate = match latest(&loaded.observations, input.at, Observation::blood_pressure) {
        Some((_, bp)) => bp_gate(loaded.modality, bp, settings),
        None => GateDecision::Blocked {
            reason: "no blood pressure is recorded before the dose: record one, or a prescriber decides".to_owned(),
            rule: gate_rule(loaded.modality).reference(),
        },
    };
    let new_override = match (&gate, ov) {
        (GateDecision::Pass { .. }, _) => None,
        (GateDecision::Blocked { .. }, Some(ov)) => Some(NewGateOverride {
            session_id: id,
            gate: Gate::BpGate,
            reason: ov.reason,
            rules: gate.blocking_rules().iter().map(ToString::to_string).collect(),
            at: input.at,
        }),
        (GateDecision::Blocked { reason, .. }, None) => {
            return Err(TreatmentError::BpGate(format!(
                "{reason}; a prescriber may pass the gate with override_reason"
            )));
        }
    };
    let new = NewDose {
        session_id: id,
        given_at: input.at,
        drug: drug.to_owned(),
        dose_mg: mg,
        route: route.to_owned(),
        lot_number: input.lot.map(|l| l.trim().to_owned()).filter(|l| !l.is_empty()),
    };
    let (dose, override_) = scope.record_dose_with_override(new, new_override.as_ref()).await?;
    Ok(DoseOutcome { dose, gate, enrollment, warnings, override_, devices, iv })
}

/// The pre-dose checks: the answers as sent (missing `dose_at` is now, missing `nasal_medication` is not asked,
/// missing `pregnancy` and `rems_enrolled` come from the intake), evaluated and kept with the session. A blood
/// pressure among the answers is also recorded as an observation now, so the dose gate sees it.
pub async fn pre_checks(
    scope: &ClinicScope,
    id: SessionId,
    mut answers: serde_json::Map<String, Value>,
    now: OffsetDateTime,
) -> TreatmentResult<PreCheckReport> {
    let loaded = load(scope, id).await?;
    refuse_if_completed(&loaded)?;
    let intake = scope.intake(loaded.detail.session.patient_id).await?;
    let now_text = rfc3339(now)?;
    answers.entry("dose_at").or_insert(Value::String(now_text.clone()));
    answers.entry("nasal_medication").or_insert(json!({"answer": "not_asked"}));
    answers.entry("pregnancy").or_insert(json!(intake_pregnancy(intake.as_ref())));
    if let Some(enrolled) = intake::answer(intake.as_ref(), "rems_enrolled") {
        answers.entry("rems_enrolled").or_insert(enrolled.clone());
    }
    let raw = Value::Object(answers);
    let parsed: PreCheckAnswers = crate::json::parse(raw.to_string().as_bytes()).map_err(|e| match e {
        JsonError::Invalid(i) => TreatmentError::Invalid(i),
        JsonError::Malformed(m) => {
            TreatmentError::Invalid(InvalidInput::new("", format!("the request body is not valid JSON: {m}")))
        }
    })?;
    check_pre_check_dates(&parsed, now)?;
    let report = evaluate_pre_checks(loaded.modality, &parsed, &loaded.settings);
    if let Some(bp) = parsed.blood_pressure {
        let record = ObservationRecord {
            at: now,
            systolic: Some(bp.systolic()),
            diastolic: Some(bp.diastolic()),
            heart_rate: None,
            spo2: None,
            moaas: None,
            cadss: None,
        };
        observe(scope, id, ObservationInput { record, note: None, symptoms: Vec::new() }).await?;
    }
    let document = json!({"answers": parsed, "report": report, "recorded_at": now_text});
    scope.set_session_pre_checks(id, &document).await?;
    Ok(report)
}

/// The times of the pre-check answers within their bounds: the answers are charted facts (meals, drinks, a nasal
/// spray), and the dose time is a plan. Errors name the answer's field.
fn check_pre_check_dates(parsed: &PreCheckAnswers, now: OffsetDateTime) -> Result<(), InvalidInput> {
    DateKind::Planned.check_instant("dose_at", parsed.dose_at, now)?;
    for (field, at) in [("last_food_at", parsed.last_food_at), ("last_liquid_at", parsed.last_liquid_at)] {
        if let Some(at) = at {
            ChartedAt::new(field, at, now)?;
        }
    }
    if let NasalMedication::TakenAt { at } = parsed.nasal_medication {
        ChartedAt::new("nasal_medication.at", at, now)?;
    }
    Ok(())
}

fn rfc3339(at: OffsetDateTime) -> TreatmentResult<String> {
    at.format(&time::format_description::well_known::Rfc3339)
        .map_err(|e| TreatmentError::Invalid(InvalidInput::new("dose_at", e.to_string())))
}

/// An adverse event during the session, as the request carries it.
#[derive(Debug, Clone)]
pub struct AdverseEventInput {
    pub at: OffsetDateTime,
    pub kind: String,
    pub severity: AeSeverity,
    pub description: Option<String>,
    pub action_taken: Option<String>,
    pub reported_externally: bool,
}

/// Records an adverse event of the session's patient.
pub async fn adverse_event(
    scope: &ClinicScope,
    id: SessionId,
    input: AdverseEventInput,
) -> TreatmentResult<AdverseEvent> {
    let detail = scope.session(id).await?;
    Ok(scope
        .record_adverse_event(NewAdverseEvent {
            patient_id: detail.session.patient_id,
            session_id: Some(id),
            occurred_at: input.at,
            kind: input.kind,
            severity: input.severity,
            description: input.description,
            action_taken: input.action_taken,
            reported_externally: input.reported_externally,
        })
        .await?)
}

/// Discharges the patient at `at`. Before the minimum monitoring time after the first dose the answer is 409
/// `monitoring_incomplete` for every role, whatever `override_reason` says (checked before the override is read;
/// a patient who leaves then leaves early: [`early_departure`]). After it, a criterion unmet is 409 too, unless a
/// prescriber overrides with a reason. For esketamine the REMS question "when would this patient have been ready
/// to leave" (`ready_to_leave_at`) is required.
pub async fn discharge(
    scope: &ClinicScope,
    id: SessionId,
    at: OffsetDateTime,
    ready_to_leave_at: Option<OffsetDateTime>,
    override_reason: Option<&str>,
) -> TreatmentResult<(TreatmentSession, DischargeDecision)> {
    let loaded = load(scope, id).await?;
    refuse_if_completed(&loaded)?;
    let first = loaded.first_dose_at.ok_or_else(|| {
        TreatmentError::NoDose("no dose is recorded for this session: there is nothing to discharge from".to_owned())
    })?;
    let decision = discharge_check(loaded.modality, first, at, &loaded.observations, &loaded.settings)?;
    let refusal = decision.refusal();
    if let Some(Refusal::Absolute(minimum)) = refusal {
        return Err(TreatmentError::MonitoringIncomplete(format!(
            "the patient may not leave yet: {} ({}); no override lifts the minimum monitoring time. If the patient \
             leaves now, record an early departure instead",
            minimum.message, minimum.code
        )));
    }
    let ov = Override::from_request(scope, override_reason)?;
    let override_ = match (refusal, ov) {
        (None, _) => None,
        (Some(Refusal::Criteria(criteria)), Some(ov)) => Some(NewGateOverride {
            session_id: id,
            gate: Gate::Discharge,
            reason: ov.reason,
            rules: criteria.blocking_rules().iter().map(ToString::to_string).collect(),
            at,
        }),
        (Some(_), _) => {
            let unmet: Vec<String> = decision.unmet.iter().map(|u| format!("{} ({})", u.message, u.code)).collect();
            return Err(TreatmentError::MonitoringIncomplete(format!(
                "the patient may not leave yet: {}; a prescriber may pass these criteria with override_reason",
                unmet.join("; ")
            )));
        }
    };
    let ready_minutes = match (ready_to_leave_at, loaded.modality) {
        (Some(ready), _) => Some(i64::from(ready_to_leave_minutes(first, ready)?)),
        (None, Modality::EsketamineNasal) => {
            return Err(InvalidInput::new(
                "ready_to_leave_at",
                "is required after esketamine: when would the patient have been ready to leave without the 2-hour \
                 minimum (the REMS evaluation question)",
            )
            .into());
        }
        (None, _) => None,
    };
    let session =
        scope.discharge_session(id, &Discharge { at, ready_to_leave_minutes: ready_minutes, override_ }).await?;
    Ok((session, decision))
}

/// What the session page shows now: the record, minutes since the dose and what is due next, and whether the
/// patient could be discharged now.
#[derive(Debug, Clone, Serialize)]
pub struct SessionView {
    pub modality: Modality,
    pub monitoring: Option<MonitoringStatus>,
    pub discharge_now: Option<DischargeDecision>,
}

/// The live state of a loaded session at `now`.
pub fn view(loaded: &Loaded, now: OffsetDateTime) -> TreatmentResult<SessionView> {
    let (monitoring, discharge_now) = match loaded.first_dose_at {
        Some(first) if first <= now => {
            let status = monitoring_status(loaded.modality, first, now, &loaded.observations, &loaded.settings)?;
            let open = !loaded.detail.session.status.is_closed();
            let decision = if open {
                Some(discharge_check(loaded.modality, first, now, &loaded.observations, &loaded.settings)?)
            } else {
                None
            };
            (Some(status), decision)
        }
        _ => (None, None),
    };
    Ok(SessionView { modality: loaded.modality, monitoring, discharge_now })
}

/// An early departure, as the request carries it.
#[derive(Debug, Clone)]
pub struct EarlyDepartureInput {
    pub at: OffsetDateTime,
    /// The reason's code as sent: `transferred_to_emergency`, `left_against_advice` or `other`.
    pub reason: Option<String>,
    pub note: Option<String>,
}

/// What an early departure recorded: the session (status `ended_early`), the adverse event that goes with it and
/// the true minutes monitored.
#[derive(Debug, Clone)]
pub struct EarlyDepartureOutcome {
    pub session: TreatmentSession,
    pub adverse_event: AdverseEvent,
    pub reason: EarlyDepartureReason,
    pub minutes_monitored: i64,
}

/// The adverse event an early departure records: a transfer to emergency care is severe; leaving against advice
/// or for another reason before monitoring ended is moderate, since sedation or dissociation may not have
/// resolved.
fn departure_severity(reason: EarlyDepartureReason) -> AeSeverity {
    match reason {
        EarlyDepartureReason::TransferredToEmergency => AeSeverity::Severe,
        EarlyDepartureReason::LeftAgainstAdvice | EarlyDepartureReason::Other => AeSeverity::Moderate,
    }
}

/// An early departure checked but not yet recorded: what the confirmation page names and what
/// [`early_departure`] records.
#[derive(Debug, Clone)]
pub struct DepartureCheck {
    pub loaded: Loaded,
    pub at: OffsetDateTime,
    pub reason: EarlyDepartureReason,
    pub note: Option<String>,
    pub minutes_monitored: i64,
}

/// Checks an early departure without recording it (nurses and prescribers only; other roles 403 before the
/// session is looked up): the reason and note, a session still open (409 `not_applicable` after discharge or
/// another ending), a dose given (409 `no_dose`: before the dose the session is simply stopped), and `at` not
/// before the first dose (400).
pub async fn check_early_departure(
    scope: &ClinicScope,
    id: SessionId,
    input: EarlyDepartureInput,
) -> TreatmentResult<DepartureCheck> {
    if !matches!(scope.role(), Role::Nurse | Role::Prescriber) {
        return Err(StoreError::Denied(format!("the {} role may not record an early departure", scope.role())).into());
    }
    let loaded = load(scope, id).await?;
    let reason = input.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
    let reason = reason.ok_or_else(|| {
        InvalidInput::new("reason", "is required: transferred_to_emergency, left_against_advice or other")
    })?;
    let reason = EarlyDepartureReason::parse(reason).map_err(|m| InvalidInput::new("reason", m))?;
    let note = input.note.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned);
    if note.as_ref().is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS) {
        return Err(InvalidInput::new("note", format!("must be at most {MAX_NOTE_CHARS} characters")).into());
    }
    if loaded.detail.session.status.is_closed() {
        return Err(TreatmentError::NotApplicable(format!(
            "the session is {}: the patient has already left",
            loaded.detail.session.status.label()
        )));
    }
    let first = loaded.first_dose_at.ok_or_else(|| {
        TreatmentError::NoDose(
            "no dose is recorded for this session: before the dose the session is simply stopped, not ended early"
                .to_owned(),
        )
    })?;
    if input.at < first {
        return Err(InvalidInput::new("at", "must not be before the first dose of the session").into());
    }
    let minutes_monitored = (input.at - first).whole_minutes();
    Ok(DepartureCheck { loaded, at: input.at, reason, note, minutes_monitored })
}

/// Ends a dosed session early, after [`check_early_departure`]: the patient left at `at` before discharge. The
/// session becomes `ended_early`, never `completed`; an adverse event of kind `early_departure` linked to the
/// session is recorded with it in one transaction, and the REMS form then states the departure with the true
/// minutes monitored.
pub async fn early_departure(
    scope: &ClinicScope,
    id: SessionId,
    input: EarlyDepartureInput,
) -> TreatmentResult<EarlyDepartureOutcome> {
    let DepartureCheck { loaded, at, reason, note, minutes_monitored } =
        check_early_departure(scope, id, input).await?;
    let event = NewAdverseEvent {
        patient_id: loaded.detail.session.patient_id,
        session_id: Some(id),
        occurred_at: at,
        kind: "early_departure".to_owned(),
        severity: departure_severity(reason),
        description: Some(match &note {
            Some(note) => format!("{} after {minutes_monitored} min of monitoring: {note}", reason.label()),
            None => format!("{} after {minutes_monitored} min of monitoring", reason.label()),
        }),
        action_taken: None,
        reported_externally: false,
    };
    let (session, adverse_event) = scope.end_session_early(id, at, reason.code(), event).await?;
    Ok(EarlyDepartureOutcome { session, adverse_event, reason, minutes_monitored })
}
