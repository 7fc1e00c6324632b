//! Supervised sessions: `POST /api/v1/patients/{id}/sessions`, `GET /api/v1/sessions/{id}` (with the live
//! monitoring status), and the charting routes `pre-checks`, `observations`, `dose` (the blood-pressure gate),
//! `adverse-events`, `discharge` (the minimum monitoring time and criteria) and `early-departure`; an observation
//! answers with the alerts it raised, which `alerts/{alert_id}/acknowledge` acknowledges. `at` defaults to now and
//! may be in the past (charting after the fact), never in the future. A prescriber passes a gate with
//! `override_reason`; anyone else sending one gets 403 `override_not_allowed`. Absolute gates (the minimum
//! monitoring time, REMS enrollment before an outpatient esketamine dose) answer 409 for every role first.

use axum::response::Response;
use ketapath_care::treatment::alerts::AlertDoc;
use ketapath_clinical::InvalidInput;
use ketapath_clinical::protocols::{
    CrisisSymptom, DevicePlan, DischargeDecision, EnrollmentGate, GateDecision, IvDose, Modality, MonitoringStatus,
    ObservationRecord, PreCheckWarning,
};
use ketapath_store::domain::{
    AdverseEventId, AeSeverity, CourseId, DoseId, DoseRecord, Gate, ObservationId, PatientId, SessionAlert,
    SessionAlertId, SessionId, SessionStatus, StaffId,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder};

use super::openapi::{code_array, codes, modality_codes};
use super::openapi_responses::{GatedWrite, RecordedAnswer, SessionCompleted, TreatmentBad};
use super::openapi_schemas::Error;
use super::{created, private_json, rfc3339, rfc3339_opt};
use crate::auth::ClinicStaff;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, PatientPath, SessionPath};
use ketapath_care::treatment::session::{
    self, AdverseEventInput, DoseInput, EarlyDepartureInput, Loaded, ObservationInput,
};
use ketapath_care::treatment::{Override, instant};

pub(crate) fn session_id(raw: &str) -> Result<SessionId, ApiError> {
    SessionId::parse("id", raw).map_err(|_| ApiError::NotFound)
}

/// The body of `POST /api/v1/patients/{id}/sessions`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = SessionRequest)]
pub struct StartBody {
    #[serde(default)]
    #[schema(required = true, schema_with = modality_codes)]
    modality: Option<String>,
    /// Prescribers only: the reason to pass a gate
    #[serde(default)]
    override_reason: Option<String>,
}

/// `POST /api/v1/patients/{id}/sessions`: on the patient's open course of the modality, or a new course.
#[utoipa::path(
    post,
    path = "/api/v1/patients/{id}/sessions",
    operation_id = "startSession",
    summary = "Start a session",
    description = "On the patient's latest planned or active course of the modality; when there is none, a course is planned from today (a contraindication blocks it as in createCourse).",
    params(PatientPath),
    request_body = StartBody,
    responses(
        (status = 201, description = "The session", body = StartedSession),
        (status = 409, description = "`contraindication`", body = Error),
        GatedWrite,
    )
)]
pub async fn start(
    staff: ClinicStaff,
    PatientPath { id: patient }: PatientPath,
    ApiJson(body): ApiJson<StartBody>,
) -> Result<Response, ApiError> {
    let modality =
        Modality::parse(body.modality.as_deref().ok_or_else(|| InvalidInput::new("modality", "is required"))?)?;
    let ov = Override::from_request(&staff.scope, body.override_reason.as_deref())?;
    let (s, course) = session::start(&staff.scope, patient, modality, staff.store.now(), ov).await?;
    Ok(created(&StartedSession { course_id: course.id, id: s.id, modality, number: s.number }))
}

/// The answer to starting a session.
#[derive(Serialize, ToSchema)]
pub struct StartedSession {
    #[schema(value_type = String)]
    course_id: CourseId,
    #[schema(value_type = String)]
    id: SessionId,
    modality: Modality,
    number: i64,
}

/// A session as the API shows it, with its live state at `now` and its alerts (acknowledged ones included). The
/// fields stand in alphabetical order, the order this answer had when it was built as a JSON map; so do its parts'.
#[derive(Serialize, ToSchema)]
#[schema(as = TreatmentSession)]
pub struct SessionDoc {
    adverse_events: Vec<AdverseEventDoc>,
    alerts: Vec<AlertDoc>,
    #[schema(value_type = String)]
    course_id: CourseId,
    /// Whether discharge would be allowed now and what is unmet; null before the dose and once closed.
    #[schema(value_type = Option<Object>, required = true)]
    discharge_now: Option<DischargeDecision>,
    #[schema(required = true)]
    discharge_override_reason: Option<String>,
    #[schema(format = DateTime, required = true)]
    discharged_at: Option<String>,
    #[schema(value_type = Option<String>, required = true)]
    discharged_by: Option<StaffId>,
    doses: Vec<DoseDoc>,
    #[schema(required = true)]
    early_departure: Option<EarlyDeparture>,
    #[schema(format = DateTime, required = true)]
    ended_at: Option<String>,
    #[schema(format = DateTime, required = true)]
    first_dose_at: Option<String>,
    #[schema(value_type = String)]
    id: SessionId,
    modality: Modality,
    /// Minutes since the dose, every check with its due time and status, and `next_due`; null before the dose.
    #[schema(value_type = Option<Object>, required = true)]
    monitoring: Option<MonitoringStatus>,
    number: i64,
    /// Each the charted measures (only those given) with `id`, `at` and `minutes_after_dose`.
    #[schema(value_type = Vec<Object>)]
    observations: Vec<Value>,
    overrides: Vec<GateOverrideDoc>,
    #[schema(value_type = String)]
    patient_id: PatientId,
    #[schema(value_type = Option<Object>, required = true)]
    pre_checks: Option<Value>,
    #[schema(required = true)]
    ready_to_leave_minutes: Option<i64>,
    #[schema(format = DateTime, required = true)]
    started_at: Option<String>,
    #[schema(schema_with = session_statuses)]
    status: SessionStatus,
}

/// A dose as a session shows it.
#[derive(Serialize, ToSchema)]
#[schema(as = SessionDose)]
pub struct DoseDoc {
    #[schema(format = DateTime)]
    at: String,
    dose_mg: f64,
    drug: String,
    #[schema(value_type = Option<String>, required = true)]
    given_by: Option<StaffId>,
    #[schema(value_type = String)]
    id: DoseId,
    #[schema(required = true)]
    lot: Option<String>,
    route: String,
}

/// An adverse event as a session shows it.
#[derive(Serialize, ToSchema)]
#[schema(as = SessionAdverseEvent)]
pub struct AdverseEventDoc {
    #[schema(required = true)]
    action_taken: Option<String>,
    #[schema(format = DateTime)]
    at: String,
    #[schema(required = true)]
    description: Option<String>,
    #[schema(value_type = String)]
    id: AdverseEventId,
    kind: String,
    reported_externally: bool,
    #[schema(schema_with = ae_severities)]
    severity: AeSeverity,
}

/// A gate a prescriber passed with a reason.
#[derive(Serialize, ToSchema)]
pub struct GateOverrideDoc {
    /// Absent in a dose's answer, whose own `at` says when.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    at: Option<String>,
    #[schema(value_type = String)]
    by: StaffId,
    #[schema(schema_with = gates)]
    gate: Gate,
    reason: String,
    /// The rules passed, as id@version.
    rules: Vec<String>,
}

/// Why a session ended early and how long the patient was really monitored.
#[derive(Serialize, ToSchema)]
pub struct EarlyDeparture {
    /// Minutes from the first dose to the departure; null without a dose.
    #[schema(required = true)]
    minutes_monitored: Option<i64>,
    #[schema(schema_with = departure_reasons)]
    reason: String,
}

impl DoseDoc {
    fn of(d: &DoseRecord) -> Result<Self, ApiError> {
        Ok(DoseDoc {
            at: rfc3339(d.given_at)?,
            dose_mg: d.dose_mg,
            drug: d.drug.clone(),
            given_by: d.given_by,
            id: d.id,
            lot: d.lot_number.clone(),
            route: d.route.clone(),
        })
    }
}

impl SessionDoc {
    fn of(loaded: &Loaded, alerts: &[SessionAlert], now: time::OffsetDateTime) -> Result<Self, ApiError> {
        let s = &loaded.detail.session;
        let view = session::view(loaded, now)?;
        let detail = &loaded.detail;
        let observations = detail
            .observations
            .iter()
            .map(|o| {
                // The measurement's own fields vary with what was charted: its map, with the observation's keys.
                let mut v = serde_json::to_value(&o.measurement).map_err(|_| ApiError::Internal)?;
                if let Some(m) = v.as_object_mut() {
                    m.insert("id".into(), Value::from(o.id.to_text()));
                    m.insert("at".into(), Value::from(rfc3339(o.observed_at)?));
                    m.insert("minutes_after_dose".into(), Value::from(o.minutes_after_dose));
                }
                Ok(v)
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        let adverse_events = detail
            .adverse_events
            .iter()
            .map(|e| {
                Ok(AdverseEventDoc {
                    action_taken: e.action_taken.clone(),
                    at: rfc3339(e.occurred_at)?,
                    description: e.description.clone(),
                    id: e.id,
                    kind: e.kind.clone(),
                    reported_externally: e.reported_externally,
                    severity: e.severity,
                })
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        let overrides = detail
            .overrides
            .iter()
            .map(|o| {
                Ok(GateOverrideDoc {
                    at: Some(rfc3339(o.at)?),
                    by: o.overridden_by,
                    gate: o.gate,
                    reason: o.reason.clone(),
                    rules: o.rules.clone(),
                })
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        Ok(SessionDoc {
            adverse_events,
            alerts: alerts.iter().map(ketapath_care::treatment::alerts::json).collect(),
            course_id: s.course_id,
            discharge_now: view.discharge_now,
            discharge_override_reason: s.discharge_override_reason.clone(),
            discharged_at: rfc3339_opt(s.discharged_at)?,
            discharged_by: s.discharged_by,
            doses: detail.doses.iter().map(DoseDoc::of).collect::<Result<Vec<_>, _>>()?,
            early_departure: early_departure(loaded),
            ended_at: rfc3339_opt(s.ended_at)?,
            first_dose_at: rfc3339_opt(loaded.first_dose_at)?,
            id: s.id,
            modality: view.modality,
            monitoring: view.monitoring,
            number: s.number,
            observations,
            overrides,
            patient_id: s.patient_id,
            pre_checks: detail.pre_checks.clone(),
            ready_to_leave_minutes: s.ready_to_leave_minutes,
            started_at: rfc3339_opt(s.started_at)?,
            status: s.status,
        })
    }
}

/// The early departure of a session that ended early: the reason and the true minutes monitored.
fn early_departure(loaded: &Loaded) -> Option<EarlyDeparture> {
    let s = &loaded.detail.session;
    let reason = s.early_departure_reason.clone()?;
    let minutes = loaded.first_dose_at.zip(s.ended_at).map(|(first, ended)| (ended - first).whole_minutes());
    Some(EarlyDeparture { minutes_monitored: minutes, reason })
}

/// `GET /api/v1/sessions/{id}`.
#[utoipa::path(
    get,
    path = "/api/v1/sessions/{id}",
    operation_id = "getSession",
    summary = "A session with doses, observations, events, overrides and its live monitoring status",
    description = "`monitoring`: minutes since the dose, every check with its due time and status, and `next_due` (the 40-minute blood pressure after esketamine, SpO2 at every check, blood-pressure rechecks after an alert); `discharge_now`: whether discharge would be allowed now and what is unmet; `alerts`: every alert its observations raised (`code`, `level`, `message`, `rule`, `at`, `id`, and `acknowledged_by`/`acknowledged_at` once acknowledged).",
    params(SessionPath),
    responses(
        (status = 200, description = "The session", body = SessionDoc),
    )
)]
pub async fn get(staff: ClinicStaff, SessionPath { id }: SessionPath) -> Result<Response, ApiError> {
    let loaded = session::load(&staff.scope, id).await?;
    let alerts = ketapath_care::treatment::alerts::of_session(&staff.scope, id).await?;
    Ok(private_json(&SessionDoc::of(&loaded, &alerts, staff.store.now())?))
}

/// The body of `POST /api/v1/sessions/{id}/observations`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ObservationRequest)]
pub struct ObservationBody {
    /// RFC 3339; default now; not in the future
    #[serde(default)]
    #[schema(format = DateTime)]
    at: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    systolic: Option<u16>,
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    diastolic: Option<u16>,
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    heart_rate: Option<u16>,
    #[serde(default)]
    #[schema(value_type = Option<i64>, minimum = 0, maximum = 100)]
    spo2: Option<u8>,
    #[serde(default)]
    #[schema(value_type = Option<i64>, minimum = 0, maximum = 5)]
    moaas: Option<u8>,
    #[serde(default)]
    #[schema(value_type = Option<i64>, minimum = 0, maximum = 92)]
    cadss: Option<u16>,
    #[serde(default)]
    note: Option<String>,
    /// Symptoms of a hypertensive crisis or encephalopathy seen now (`CrisisSymptom` codes).
    #[serde(default)]
    #[schema(schema_with = symptom_codes)]
    symptoms: Vec<String>,
}

fn symptom_codes() -> ArrayBuilder {
    code_array(CrisisSymptom::ALL.iter().map(|s| s.code()))
}

/// `POST /api/v1/sessions/{id}/observations`: 201 with the alerts the observation raised and the session's
/// monitoring status after it (rechecks included).
#[utoipa::path(
    post,
    path = "/api/v1/sessions/{id}/observations",
    operation_id = "recordObservation",
    summary = "Record the measures of one moment (any of them; at least one) and check them",
    description = "`at` defaults to now and may not be in the future. `symptoms` charts symptoms of a hypertensive crisis or encephalopathy (CrisisSymptom codes): any one is an `emergency` alert. Answers the `alerts` the observation raised (`spo2_low`, `unresponsive`, `hypertensive_crisis_range`, `hypertensive_crisis_symptoms`, `bp_above_gate`, `dissociation`; each `{code, level: warning|urgent|emergency, message, rule, at, id}`) and the monitoring status after it, with any blood-pressure recheck the alert asks for.",
    params(SessionPath),
    request_body = ObservationBody,
    responses(
        (status = 201, description = "The alerts raised and the monitoring status after it", body = Observed),
        GatedWrite, SessionCompleted,
    )
)]
pub async fn observe(
    staff: ClinicStaff,
    SessionPath { id }: SessionPath,
    ApiJson(body): ApiJson<ObservationBody>,
) -> Result<Response, ApiError> {
    let now = staff.store.now();
    let record = ObservationRecord {
        at: instant("at", body.at.as_deref(), now)?,
        systolic: body.systolic,
        diastolic: body.diastolic,
        heart_rate: body.heart_rate,
        spo2: body.spo2,
        moaas: body.moaas,
        cadss: body.cadss,
    };
    let codes: Vec<&str> = body.symptoms.iter().map(|s| s.trim()).collect();
    let symptoms = CrisisSymptom::parse_all(&codes)?;
    let input = ObservationInput { record, note: body.note, symptoms };
    let (recorded, alerts) = session::observe(&staff.scope, id, input).await?;
    let loaded = session::load(&staff.scope, id).await?;
    let view = session::view(&loaded, now)?;
    Ok(created(&Observed {
        alerts: alerts.iter().map(ketapath_care::treatment::alerts::json).collect(),
        at: rfc3339(record.at)?,
        ids: recorded.iter().map(|o| o.id).collect(),
        minutes_after_dose: recorded.first().and_then(|o| o.minutes_after_dose),
        monitoring: view.monitoring,
    }))
}

/// The answer to an observation: what it raised and the monitoring status after it.
#[derive(Serialize, ToSchema)]
#[schema(as = RecordedObservation)]
pub struct Observed {
    alerts: Vec<AlertDoc>,
    #[schema(format = DateTime)]
    at: String,
    /// One observation per measure charted.
    #[schema(value_type = Vec<String>)]
    ids: Vec<ObservationId>,
    #[schema(required = true)]
    minutes_after_dose: Option<i64>,
    /// The monitoring status after it, with any recheck an alert asks for; null before the dose.
    #[schema(value_type = Option<Object>, required = true)]
    monitoring: Option<MonitoringStatus>,
}

/// The body of `POST /api/v1/sessions/{id}/alerts/{alert_id}/acknowledge`: an empty object, so that the action is
/// a JSON request like every other write (and a form post from another site cannot pass as one).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(description = "An empty object")]
pub struct AcknowledgeBody {}

/// `POST /api/v1/sessions/{id}/alerts/{alert_id}/acknowledge`: 200 with the alert, now acknowledged by the caller
/// (a second call keeps the first acknowledgement). Any clinic staff role, as for the other session writes.
#[utoipa::path(
    post,
    path = "/api/v1/sessions/{id}/alerts/{alert_id}/acknowledge",
    operation_id = "acknowledgeSessionAlert",
    summary = "Acknowledge an alert of the session",
    description = "Any clinic staff role. Records who acknowledged the alert and when (audited); the alert stays listed on the session and leaves the dashboard. A second acknowledgement keeps the first.",
    params(("id" = String, Path), ("alert_id" = String, Path)),
    request_body = inline(AcknowledgeBody),
    responses(
        (status = 200, description = "The alert, acknowledged", body = AlertDoc),
        (status = 404, description = "No such session alert in the caller's clinic (`not_found`; the same for another clinic's)", body = Error),
        TreatmentBad,
    )
)]
pub async fn acknowledge_alert(
    staff: ClinicStaff,
    ApiPath((id, alert_id)): ApiPath<(String, String)>,
    ApiJson(AcknowledgeBody {}): ApiJson<AcknowledgeBody>,
) -> Result<Response, ApiError> {
    let id = session_id(&id)?;
    let alert_id = SessionAlertId::parse("alert_id", &alert_id).map_err(|_| ApiError::NotFound)?;
    let alert = ketapath_care::treatment::alerts::acknowledge(&staff.scope, id, alert_id).await?;
    Ok(private_json(&ketapath_care::treatment::alerts::json(&alert)))
}

/// The body of `POST /api/v1/sessions/{id}/dose`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = DoseRequest)]
pub struct DoseBody {
    /// RFC 3339; default now; not in the future
    #[serde(default)]
    #[schema(format = DateTime)]
    at: Option<String>,
    #[serde(default)]
    dose_mg: Option<f64>,
    #[serde(default)]
    lot: Option<String>,
    #[serde(default)]
    weight_kg: Option<f64>,
    #[serde(default)]
    mg_per_kg: Option<f64>,
    /// Prescribers only: the reason to pass a gate
    #[serde(default)]
    override_reason: Option<String>,
}

/// `POST /api/v1/sessions/{id}/dose`: 409 `rems_enrollment` for esketamine in an outpatient setting unless the
/// intake records REMS enrollment (no override); 409 `bp_gate` when the latest blood pressure before `at` is over
/// the gate. The advisory pre-checks not met or not recorded come back as `warnings`.
#[utoipa::path(
    post,
    path = "/api/v1/sessions/{id}/dose",
    operation_id = "recordDose",
    summary = "Record the dose behind the REMS enrollment gate and the blood-pressure gate",
    description = "Esketamine: 56 or 84 mg (28 mg where the clinic allows it) with the lot; the devices and their 5-minute spacing come back. In an outpatient setting (protocol setting `rems.setting_type`) an esketamine dose is refused with 409 `rems_enrollment` unless the intake says `rems_enrolled: true`, for every role, with or without `override_reason`; inpatient settings are exempt (`enrollment.outcome` `not_required`). IV: `dose_mg`, or `weight_kg` (and `mg_per_kg`, default the clinic's). The latest blood pressure at or before `at` must be within the gate (none recorded blocks too): else 409 `bp_gate`, unless a prescriber sends `override_reason` (kept with the session and audited). `warnings` lists the advisory pre-checks (food, liquids, nasal products, ride home, pregnancy) not met or not recorded, each `{code, message, rule}`.",
    params(SessionPath),
    request_body = DoseBody,
    responses(
        (status = 409, description = "Not enrolled in the REMS (`rems_enrollment`); blood pressure over the gate or not recorded (`bp_gate`); session completed (`not_applicable`)", body = Error),
        (status = 201, description = "The dose with its gates", body = Dosed),
        GatedWrite,
    )
)]
pub async fn dose(
    staff: ClinicStaff,
    SessionPath { id }: SessionPath,
    ApiJson(body): ApiJson<DoseBody>,
) -> Result<Response, ApiError> {
    let at = instant("at", body.at.as_deref(), staff.store.now())?;
    let input =
        DoseInput { at, dose_mg: body.dose_mg, lot: body.lot, weight_kg: body.weight_kg, mg_per_kg: body.mg_per_kg };
    let outcome = session::dose(&staff.scope, id, input, body.override_reason.as_deref()).await?;
    let d = &outcome.dose;
    Ok(created(&Dosed {
        at: rfc3339(d.given_at)?,
        devices: outcome.devices,
        dose_mg: d.dose_mg,
        drug: d.drug.clone(),
        enrollment: outcome.enrollment,
        gate: outcome.gate,
        id: d.id,
        iv: outcome.iv,
        lot: d.lot_number.clone(),
        override_: outcome.override_.map(|o| GateOverrideDoc {
            at: None,
            by: o.overridden_by,
            gate: o.gate,
            reason: o.reason,
            rules: o.rules,
        }),
        route: d.route.clone(),
        warnings: outcome.warnings,
    }))
}

/// The answer to a dose: the dose with the gates it passed, the devices or the IV dose, and the advisory warnings.
/// The fields stand in alphabetical order, the order this answer had when it was built as a JSON map.
#[derive(Serialize, ToSchema)]
#[schema(as = RecordedDose)]
pub struct Dosed {
    #[schema(format = DateTime)]
    at: String,
    /// For esketamine: the devices and their five-minute spacing.
    #[schema(value_type = Option<Object>, required = true)]
    devices: Option<DevicePlan>,
    dose_mg: f64,
    drug: String,
    /// For esketamine: the REMS enrollment gate.
    #[schema(value_type = Option<Object>, required = true)]
    enrollment: Option<EnrollmentGate>,
    /// The blood-pressure gate's decision.
    #[schema(value_type = Object)]
    gate: GateDecision,
    #[schema(value_type = String)]
    id: DoseId,
    /// For IV ketamine: the dose computed from the weight.
    #[schema(value_type = Option<Object>, required = true)]
    iv: Option<IvDose>,
    #[schema(required = true)]
    lot: Option<String>,
    #[serde(rename = "override")]
    #[schema(required = true)]
    override_: Option<GateOverrideDoc>,
    route: String,
    /// The advisory pre-checks not met or not recorded, each `{code, message, rule}`.
    #[schema(value_type = Vec<Object>)]
    warnings: Vec<PreCheckWarning>,
}

/// `POST /api/v1/sessions/{id}/pre-checks`: the answers (see the OpenAPI document), evaluated and kept.
#[utoipa::path(
    post,
    path = "/api/v1/sessions/{id}/pre-checks",
    operation_id = "recordPreChecks",
    summary = "Record and evaluate the pre-dose checks",
    description = "Fasting times, nasal medication, transport home, pregnancy (default from the intake), REMS enrollment (default from the intake) and blood pressure (also recorded as an observation now). Answers the rules' report.",
    params(SessionPath),
    request_body = super::openapi_treatment::PreCheckRequest,
    responses(
        RecordedAnswer, GatedWrite, SessionCompleted,
    )
)]
pub async fn pre_checks(
    staff: ClinicStaff,
    SessionPath { id }: SessionPath,
    ApiJson(body): ApiJson<Map<String, Value>>,
) -> Result<Response, ApiError> {
    let report = session::pre_checks(&staff.scope, id, body, staff.store.now()).await?;
    Ok(created(&report))
}

/// The body of `POST /api/v1/sessions/{id}/adverse-events`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = AdverseEventRequest)]
pub struct AdverseEventBody {
    /// RFC 3339; default now; not in the future
    #[serde(default)]
    #[schema(format = DateTime)]
    at: Option<String>,
    #[serde(default)]
    #[schema(value_type = String, required = true)]
    kind: Option<String>,
    #[serde(default)]
    #[schema(required = true, schema_with = ae_severities)]
    severity: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    action_taken: Option<String>,
    #[serde(default)]
    reported_externally: Option<bool>,
}

/// `POST /api/v1/sessions/{id}/adverse-events`.
#[utoipa::path(
    post,
    path = "/api/v1/sessions/{id}/adverse-events",
    operation_id = "recordAdverseEvent",
    summary = "Record an adverse event of the session",
    params(SessionPath),
    request_body = AdverseEventBody,
    responses(
        (status = 201, description = "The adverse event", body = RecordedEvent),
        GatedWrite,
    )
)]
pub async fn adverse_event(
    staff: ClinicStaff,
    SessionPath { id }: SessionPath,
    ApiJson(body): ApiJson<AdverseEventBody>,
) -> Result<Response, ApiError> {
    let at = instant("at", body.at.as_deref(), staff.store.now())?;
    let kind = body.kind.as_deref().map(str::trim).filter(|k| !k.is_empty());
    let kind = kind.ok_or_else(|| InvalidInput::new("kind", "is required"))?.to_owned();
    let severity = body.severity.as_deref().ok_or_else(|| InvalidInput::new("severity", "is required"))?;
    let severity = AeSeverity::parse(severity.trim()).map_err(|m| InvalidInput::new("severity", m))?;
    let input = AdverseEventInput {
        at,
        kind,
        severity,
        description: body.description,
        action_taken: body.action_taken,
        reported_externally: body.reported_externally.unwrap_or(false),
    };
    let e = session::adverse_event(&staff.scope, id, input).await?;
    Ok(created(&RecordedEvent { at: Some(rfc3339(e.occurred_at)?), id: e.id, kind: e.kind, severity: e.severity }))
}

/// A recorded adverse event: its id, time, kind and severity.
#[derive(Serialize, ToSchema)]
#[schema(as = RecordedAdverseEvent)]
pub struct RecordedEvent {
    /// Absent in the adverse event an early departure records (the departure's own `ended_at` says when).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    at: Option<String>,
    #[schema(value_type = String)]
    id: AdverseEventId,
    kind: String,
    #[schema(schema_with = ae_severities)]
    severity: AeSeverity,
}

/// The body of `POST /api/v1/sessions/{id}/discharge`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = DischargeRequest)]
pub struct DischargeBody {
    /// RFC 3339; default now; not in the future
    #[serde(default)]
    #[schema(format = DateTime)]
    at: Option<String>,
    /// RFC 3339; default now; not in the future
    #[serde(default)]
    #[schema(format = DateTime)]
    ready_to_leave_at: Option<String>,
    /// Prescribers only: the reason to pass a gate
    #[serde(default)]
    override_reason: Option<String>,
}

/// `POST /api/v1/sessions/{id}/discharge`: 409 `monitoring_incomplete` before the minimum time (every role,
/// with or without `override_reason`) or with criteria unmet (the message lists each; a prescriber may pass
/// those with `override_reason`).
#[utoipa::path(
    post,
    path = "/api/v1/sessions/{id}/discharge",
    operation_id = "discharge",
    summary = "Discharge: the minimum monitoring time and the clinic's criteria",
    description = "409 `monitoring_incomplete` before the minimum time after the first dose (120 min for esketamine) for every role, with or without `override_reason` (a patient who leaves then is recorded with `early-departure`); after it, 409 with a criterion unmet (alert, SpO2, dissociation, blood pressure, recent vitals), each listed, which a prescriber may pass with `override_reason`. After esketamine `ready_to_leave_at` (the REMS evaluation question) is required.",
    params(SessionPath),
    request_body = DischargeBody,
    responses(
        (status = 200, description = "The discharged session with the decision", body = Discharged),
        (status = 409, description = "`monitoring_incomplete`, `no_dose`, or already discharged (`not_applicable`)", body = Error),
        GatedWrite,
    )
)]
pub async fn discharge(
    staff: ClinicStaff,
    SessionPath { id }: SessionPath,
    ApiJson(body): ApiJson<DischargeBody>,
) -> Result<Response, ApiError> {
    let now = staff.store.now();
    let at = instant("at", body.at.as_deref(), now)?;
    let ready = body.ready_to_leave_at.as_deref().map(|r| instant("ready_to_leave_at", Some(r), now)).transpose()?;
    let (s, decision) = session::discharge(&staff.scope, id, at, ready, body.override_reason.as_deref()).await?;
    Ok(private_json(&Discharged {
        decision,
        discharge_override_reason: s.discharge_override_reason,
        discharged_at: rfc3339_opt(s.discharged_at)?,
        id: s.id,
        ready_to_leave_minutes: s.ready_to_leave_minutes,
        status: s.status,
    }))
}

/// The discharged session with the decision that allowed it.
#[derive(Serialize, ToSchema)]
#[schema(as = DischargedSession)]
pub struct Discharged {
    /// The discharge check: the criteria, each met or passed by a prescriber's override.
    #[schema(value_type = Object)]
    decision: DischargeDecision,
    #[schema(required = true)]
    discharge_override_reason: Option<String>,
    #[schema(format = DateTime, required = true)]
    discharged_at: Option<String>,
    #[schema(value_type = String)]
    id: SessionId,
    #[schema(required = true)]
    ready_to_leave_minutes: Option<i64>,
    #[schema(schema_with = session_statuses)]
    status: SessionStatus,
}

/// The body of `POST /api/v1/sessions/{id}/early-departure`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = EarlyDepartureRequest)]
pub struct EarlyDepartureBody {
    /// RFC 3339; default now; not in the future
    #[serde(default)]
    #[schema(format = DateTime)]
    at: Option<String>,
    #[serde(default)]
    #[schema(required = true, schema_with = departure_reasons)]
    reason: Option<String>,
    #[serde(default)]
    note: Option<String>,
}

/// `POST /api/v1/sessions/{id}/early-departure`: the patient left before discharge. Nurses and prescribers
/// only; the session ends `ended_early` with an adverse event, and its REMS form states the departure.
#[utoipa::path(
    post,
    path = "/api/v1/sessions/{id}/early-departure",
    operation_id = "recordEarlyDeparture",
    summary = "The patient left before discharge: end the session early",
    description = "Nurses and prescribers (other roles 403). `reason` is `transferred_to_emergency`, `left_against_advice` or `other`; `at` (default now) must not be before the first dose; `note` is kept with the adverse event. The session ends with status `ended_early` (never `completed`), an adverse event of kind `early_departure` (severe for a transfer to emergency care, else moderate) is recorded with it, and the session's REMS form carries `early_departure: {reason, minutes_monitored}` with the true duration.",
    params(SessionPath),
    request_body = EarlyDepartureBody,
    responses(
        (status = 201, description = "The session, ended early", body = EndedEarly),
        (status = 403, description = "Not a nurse or prescriber (`forbidden`)", body = Error),
        (status = 409, description = "No dose recorded (`no_dose`: stop the session instead), or the session is already over (`not_applicable`)", body = Error),
        TreatmentBad,
    )
)]
pub async fn early_departure_post(
    staff: ClinicStaff,
    SessionPath { id }: SessionPath,
    ApiJson(body): ApiJson<EarlyDepartureBody>,
) -> Result<Response, ApiError> {
    let at = instant("at", body.at.as_deref(), staff.store.now())?;
    let input = EarlyDepartureInput { at, reason: body.reason, note: body.note };
    let outcome = session::early_departure(&staff.scope, id, input).await?;
    let s = &outcome.session;
    let event = outcome.adverse_event;
    Ok(created(&EndedEarly {
        adverse_event: RecordedEvent { at: None, id: event.id, kind: event.kind, severity: event.severity },
        early_departure: EarlyDeparture {
            minutes_monitored: Some(outcome.minutes_monitored),
            reason: outcome.reason.code().to_owned(),
        },
        ended_at: rfc3339_opt(s.ended_at)?,
        id: s.id,
        status: s.status,
    }))
}

/// The session, ended early, with the adverse event recorded for the departure.
#[derive(Serialize, ToSchema)]
#[schema(as = EndedEarlySession)]
pub struct EndedEarly {
    adverse_event: RecordedEvent,
    early_departure: EarlyDeparture,
    #[schema(format = DateTime, required = true)]
    ended_at: Option<String>,
    #[schema(value_type = String)]
    id: SessionId,
    #[schema(schema_with = session_statuses)]
    status: SessionStatus,
}

/// The adverse-event severities.
fn ae_severities() -> ObjectBuilder {
    codes(["mild", "moderate", "severe", "life_threatening"])
}

/// The states of a session.
fn session_statuses() -> ObjectBuilder {
    codes(SessionStatus::ALL.iter().map(|s| s.code()))
}

/// The gates a prescriber may pass.
fn gates() -> ObjectBuilder {
    codes(Gate::ALL.iter().map(|g| g.code()))
}

/// The reasons a session can end early.
fn departure_reasons() -> ObjectBuilder {
    codes(["transferred_to_emergency", "left_against_advice", "other"])
}
