//! The live session page of a treatment day: `GET /portal/sessions/{id}` (the alerts at the top with their
//! acknowledge buttons, minutes since the dose, what is due next, the monitoring plan, the record so far) and its
//! forms (start from the patient page, pre-checks, observation, dose, adverse event, discharge, acknowledge an
//! alert; the early departure and its confirmation are in `early_departure.rs`). Every form calls the same
//! `ketapath_care::treatment::session` functions as the JSON API; a refused gate (`bp_gate`, `monitoring_incomplete`, an
//! override by a non-prescriber, a bad field) shows the page again with the refusal and its reasons under the
//! status the API would answer.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use ketapath_clinical::InvalidInput;
use ketapath_clinical::protocols::{CrisisSymptom, Modality, ObservationRecord};
use ketapath_store::ClinicScope;
use ketapath_store::domain::{AeSeverity, Measurement, Role, SessionAlertId, SessionId};
use serde::Serialize;
use serde_json::{Map, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::csrf::{Fields, PortalForm};
use super::sign_in_cookie::{PortalStaff, see_other};
use super::{Bar, layout};
use crate::error::{ApiError, respond};
use crate::extract::ApiPath;
use crate::pages::{Layout, render};
use crate::state::AppState;
use ketapath_care::clinic_time::ClinicTime;
use ketapath_care::treatment::session::{self, AdverseEventInput, DoseInput, Loaded, ObservationInput};
use ketapath_care::treatment::{Override, TreatmentError};

pub const PATH: &str = "/portal/sessions";

/// The snake_case code serde gives a clinical enum (due items, statuses), as the page shows it.
pub fn code_of(value: &impl Serialize) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// A time field of a portal form: blank is `None` (now), an RFC 3339 time with its offset, or a `datetime-local`
/// value (`YYYY-MM-DDTHH:MM`) read as the clinic's wall-clock time (`ClinicTime::parse_input`, which refuses a
/// time skipped by the spring-forward change); never in the future. Errors name `field`.
pub fn form_instant(
    zone: &ClinicTime,
    field: &str,
    raw: Option<&str>,
    now: OffsetDateTime,
) -> Result<Option<OffsetDateTime>, InvalidInput> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else { return Ok(None) };
    let at = match OffsetDateTime::parse(raw, &Rfc3339) {
        Ok(at) => at,
        Err(_) => zone.parse_input(field, raw)?,
    };
    if at > now {
        return Err(InvalidInput::new(field, "must not be in the future"));
    }
    Ok(Some(ketapath_clinical::dates::ChartedAt::new(field, at, now)?.get()))
}

/// A whole-number form field, blank as `None`; errors name the field.
fn number<T: std::str::FromStr>(fields: &Fields, name: &str) -> Result<Option<T>, InvalidInput> {
    match fields.get(name).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v.parse().map(Some).map_err(|_| InvalidInput::new(name, "must be a whole number")),
    }
}

/// A decimal form field, blank as `None`.
fn decimal(fields: &Fields, name: &str) -> Result<Option<f64>, InvalidInput> {
    match fields.get(name).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .parse()
            .ok()
            .filter(|f: &f64| f.is_finite())
            .map(Some)
            .ok_or_else(|| InvalidInput::new(name, "must be a number")),
    }
}

/// The override reason a form carries, blank as none; the workflow reads it only after the absolute gates.
fn override_reason(fields: &Fields) -> Option<&str> {
    fields.get("override_reason").filter(|r| !r.is_empty())
}

/// The override a form carries: blank is none; a prescriber's reason, or the refusal for anyone else.
fn form_override(scope: &ClinicScope, fields: &Fields) -> Result<Option<Override>, TreatmentError> {
    Override::from_request(scope, fields.get("override_reason").filter(|r| !r.is_empty()))
}

/// One line of the monitoring plan.
#[derive(Debug, Clone)]
pub struct DueRow {
    pub what: String,
    pub minute: u32,
    pub due_at: String,
    pub status: String,
    pub rule: String,
}

/// One recorded event of the session, in time order.
#[derive(Debug, Clone)]
pub struct RecordRow {
    pub at: String,
    pub what: String,
    pub detail: String,
}

/// A refusal shown at the top of the page: its code, its message and the field it names.
#[derive(Debug, Clone)]
pub struct Refusal {
    pub code: String,
    pub message: String,
    pub field: String,
}

/// One alert of the session, as the top of the page shows it: open ones with an acknowledge button, acknowledged
/// ones with who and when.
#[derive(Debug, Clone)]
pub struct AlertRow {
    pub id: String,
    pub level: String,
    pub code: String,
    pub at: String,
    pub message: String,
    pub rule: String,
    /// "by … at …" once acknowledged.
    pub acknowledged: Option<String>,
}

#[derive(Template)]
#[template(path = "portal_session.html")]
struct SessionPage {
    layout: Layout,
    bar: Bar,
    csrf: String,
    id: String,
    patient_href: String,
    number: i64,
    modality: String,
    esketamine: bool,
    status: String,
    open: bool,
    prescriber: bool,
    minutes_since_dose: Option<i64>,
    minimum_until: String,
    next_due: Option<DueRow>,
    due: Vec<DueRow>,
    discharge_unmet: Vec<String>,
    /// The session's alerts, open ones (most serious first) before acknowledged ones.
    alerts: Vec<AlertRow>,
    /// The crisis symptoms the observation form offers: (code, label).
    symptoms: Vec<(&'static str, &'static str)>,
    /// The advisory pre-checks not met or not recorded, at the dose (or now, before it).
    dose_warnings: Vec<String>,
    records: Vec<RecordRow>,
    /// The clinic's time zone, in which the page shows times and reads typed ones.
    time_zone: String,
    /// Now on the clinic's clock, as a time field takes it (with the zone's abbreviation).
    now_local: String,
    refusal: Option<Refusal>,
}

fn due_row(zone: &ClinicTime, d: &ketapath_clinical::protocols::DueItem) -> DueRow {
    DueRow {
        what: code_of(&d.what).replace('_', " "),
        minute: d.minute,
        due_at: zone.clock(d.due_at),
        status: code_of(&d.status),
        rule: d.rule.to_string(),
    }
}

fn measurement(m: &Measurement) -> (String, String) {
    match m {
        Measurement::BloodPressure { systolic, diastolic } => {
            ("Blood pressure".into(), format!("{systolic}/{diastolic} mmHg"))
        }
        Measurement::HeartRate { bpm } => ("Heart rate".into(), format!("{bpm} /min")),
        Measurement::Spo2 { percent } => ("SpO2".into(), format!("{percent} %")),
        Measurement::Moaas { score } => ("MOAA/S".into(), score.to_string()),
        Measurement::Cadss { total } => ("CADSS".into(), total.to_string()),
        Measurement::RespiratoryRate { per_minute } => ("Respiratory rate".into(), format!("{per_minute} /min")),
        Measurement::Note { text } => ("Note".into(), text.clone()),
    }
}

fn records(zone: &ClinicTime, loaded: &Loaded) -> Vec<RecordRow> {
    let d = &loaded.detail;
    let mut rows: Vec<(OffsetDateTime, RecordRow)> = Vec::new();
    let mut push = |at: OffsetDateTime, what: String, detail: String| {
        rows.push((at, RecordRow { at: zone.clock(at), what, detail }))
    };
    for dose in &d.doses {
        let lot = dose.lot_number.as_deref().map(|l| format!(", lot {l}")).unwrap_or_default();
        push(dose.given_at, "Dose".into(), format!("{} {} mg {}{lot}", dose.drug, dose.dose_mg, dose.route));
    }
    for o in &d.observations {
        let (what, detail) = measurement(&o.measurement);
        let after = o.minutes_after_dose.map(|m| format!(" ({m} min after the dose)")).unwrap_or_default();
        push(o.observed_at, what, format!("{detail}{after}"));
    }
    for e in &d.adverse_events {
        push(e.occurred_at, "Adverse event".into(), format!("{} ({})", e.kind, code_of(&e.severity)));
    }
    for o in &d.overrides {
        push(o.at, "Override".into(), format!("{}: {} [{}]", code_of(&o.gate), o.reason, o.rules.join(", ")));
    }
    if let Some(at) = d.session.discharged_at {
        let ready = d
            .session
            .ready_to_leave_minutes
            .map(|m| format!(", ready to leave {m} min after the dose"))
            .unwrap_or_default();
        push(at, "Discharge".into(), format!("discharged{ready}"));
    }
    if let (Some(reason), Some(at)) = (d.session.early_departure_reason.as_deref(), d.session.ended_at) {
        let minutes = loaded.first_dose_at.map(|first| format!(" after {} min", (at - first).whole_minutes()));
        let reason = ketapath_clinical::rems::EarlyDepartureReason::parse(reason).map_or(reason, |r| r.label());
        push(at, "Early departure".into(), format!("{reason}{}", minutes.unwrap_or_default()));
    }
    rows.sort_by_key(|(at, _)| *at);
    rows.into_iter().map(|(_, r)| r).collect()
}

/// The alert rows of a session: open ones first, most serious first, then acknowledged ones with who and when.
async fn alert_rows(scope: &ClinicScope, zone: &ClinicTime, id: SessionId) -> Result<Vec<AlertRow>, ApiError> {
    let mut alerts = ketapath_care::treatment::alerts::of_session(scope, id).await?;
    let staff = if alerts.iter().any(|a| a.is_acknowledged()) { scope.staff().await? } else { Vec::new() };
    ketapath_care::treatment::alerts::most_serious_first(&mut alerts);
    Ok(alerts
        .iter()
        .map(|a| AlertRow {
            id: a.id.to_string(),
            level: a.level.clone(),
            code: a.code.clone(),
            at: zone.clock(a.at),
            message: a.message.clone(),
            rule: a.rule.clone(),
            acknowledged: a.acknowledged_at.map(|at| {
                let by = a
                    .acknowledged_by
                    .and_then(|id| staff.iter().find(|s| s.id == id))
                    .map_or_else(|| "a former staff member".to_owned(), |s| s.display_name.clone());
                format!("by {by} at {}", zone.clock(at))
            }),
        })
        .collect())
}

/// The session page of `loaded` at `now`, with its alerts and a refusal when a form was refused.
fn page(
    staff: &PortalStaff,
    demo: bool,
    loaded: &Loaded,
    alerts: Vec<AlertRow>,
    (zone, now): (&ClinicTime, OffsetDateTime),
    refusal: Option<Refusal>,
) -> Result<SessionPage, ApiError> {
    let s = &loaded.detail.session;
    let view = session::view(loaded, now)?;
    let monitoring = view.monitoring.as_ref();
    Ok(SessionPage {
        layout: layout(format!("Session {}", s.number), demo, ""),
        bar: Bar::of(staff),
        csrf: staff.csrf().to_owned(),
        id: s.id.to_string(),
        patient_href: format!("{}/{}", super::patients::PATH, s.patient_id),
        number: s.number,
        modality: loaded.modality.label().to_owned(),
        esketamine: loaded.modality == Modality::EsketamineNasal,
        status: s.status.label().to_owned(),
        open: !s.status.is_closed(),
        prescriber: staff.actor().role == Role::Prescriber,
        minutes_since_dose: monitoring.map(|m| m.minutes_since_dose),
        minimum_until: monitoring
            .map(|m| format!("{} ({})", zone.clock(m.minimum_until), m.minimum_rule))
            .unwrap_or_default(),
        next_due: monitoring.and_then(|m| m.next_due.as_ref()).map(|d| due_row(zone, d)),
        due: monitoring.map(|m| m.due.iter().map(|d| due_row(zone, d)).collect()).unwrap_or_default(),
        discharge_unmet: view
            .discharge_now
            .map(|d| d.unmet.iter().map(|u| format!("{} ({}, {})", u.message, u.code, u.rule)).collect())
            .unwrap_or_default(),
        alerts,
        symptoms: CrisisSymptom::ALL.iter().map(|s| (s.code(), s.label())).collect(),
        dose_warnings: session::dose_warnings(loaded, None, loaded.first_dose_at.unwrap_or(now))
            .into_iter()
            .map(|w| format!("{} ({})", w.message, w.rule))
            .collect(),
        records: records(zone, loaded),
        time_zone: zone.name().to_owned(),
        now_local: format!("{} ({})", zone.input_value(now), zone.abbreviation(now)),
        refusal,
    })
}

/// A session id from the path; one that does not parse is a session that is not there (404).
pub(super) fn parse_id(raw: &str) -> Result<SessionId, ApiError> {
    SessionId::parse("id", raw).map_err(|_| ApiError::NotFound)
}

/// `GET /portal/sessions/{id}`.
pub async fn show(State(state): State<AppState>, staff: PortalStaff, ApiPath(id): ApiPath<String>) -> Response {
    let demo = state.config.demo;
    let path = format!("{PATH}/{id}");
    let scope = match super::clinic_scope(&staff, demo, &path).await {
        Ok(scope) => scope,
        Err(response) => return response,
    };
    let shown = async {
        let loaded = session::load(&scope, parse_id(&id)?).await?;
        let zone = ClinicTime::of(&scope).await?;
        let alerts = alert_rows(&scope, &zone, loaded.detail.session.id).await?;
        page(&staff, demo, &loaded, alerts, (&zone, staff.store().now()), None)
    };
    match shown.await {
        Ok(p) => render(StatusCode::OK, &p),
        Err(error) => respond(&path, demo, error),
    }
}

/// After a session form: back to the page when it was recorded; the page again with the refusal (under its
/// status) when a rule or a field refused it; the error page for a missing session.
pub(super) async fn after(
    state: &AppState,
    form: &PortalForm,
    scope: &ClinicScope,
    id: SessionId,
    result: Result<(), ApiError>,
) -> Response {
    let demo = state.config.demo;
    let path = format!("{PATH}/{id}");
    let error = match result {
        Ok(()) => return see_other(&path),
        Err(ApiError::NotFound) => return respond(&path, demo, ApiError::NotFound),
        Err(error) => error,
    };
    let status = error.status();
    if !status.is_client_error() {
        return respond(&path, demo, error);
    }
    let field = match &error {
        ApiError::InvalidInput(i) => i.field.clone(),
        ApiError::Unprocessable { field, .. } => field.clone(),
        _ => String::new(),
    };
    let refusal = Refusal { code: error.code().to_owned(), message: error.to_string(), field };
    let shown = async {
        let loaded = session::load(scope, id).await?;
        let zone = ClinicTime::of(scope).await?;
        let alerts = alert_rows(scope, &zone, id).await?;
        page(&form.staff, demo, &loaded, alerts, (&zone, form.staff.store().now()), Some(refusal))
    };
    match shown.await {
        Ok(p) => render(status, &p),
        Err(error) => respond(&path, demo, error),
    }
}

/// What a session form does once its session is known.
#[derive(Debug, Clone, Copy)]
enum Action {
    PreChecks,
    Observe,
    Dose,
    AdverseEvent,
    Discharge,
}

async fn act(
    scope: &ClinicScope,
    id: SessionId,
    f: &Fields,
    action: Action,
    now: OffsetDateTime,
) -> Result<(), ApiError> {
    let zone = ClinicTime::of(scope).await?;
    let form_instant = |field: &str, raw: Option<&str>| form_instant(&zone, field, raw, now);
    match action {
        Action::PreChecks => {
            let mut answers = Map::new();
            for name in ["last_food_at", "last_liquid_at"] {
                if let Some(at) = form_instant(name, f.get(name))? {
                    answers.insert(name.to_owned(), json!(at.format(&Rfc3339).map_err(|_| ApiError::Internal)?));
                }
            }
            answers
                .insert("transport_home_arranged".to_owned(), json!(f.get("transport_home_arranged") == Some("yes")));
            match (number::<u16>(f, "systolic")?, number::<u16>(f, "diastolic")?) {
                (Some(systolic), Some(diastolic)) => {
                    answers.insert("blood_pressure".to_owned(), json!({"systolic": systolic, "diastolic": diastolic}));
                }
                (None, None) => {}
                (None, Some(_)) => return Err(InvalidInput::new("systolic", "is required with diastolic").into()),
                (Some(_), None) => return Err(InvalidInput::new("diastolic", "is required with systolic").into()),
            }
            session::pre_checks(scope, id, answers, now).await?;
        }
        Action::Observe => {
            let record = ObservationRecord {
                at: form_instant("at", f.get("at"))?.unwrap_or(now),
                systolic: number(f, "systolic")?,
                diastolic: number(f, "diastolic")?,
                heart_rate: number(f, "heart_rate")?,
                spo2: number(f, "spo2")?,
                moaas: number(f, "moaas")?,
                cadss: number(f, "cadss")?,
            };
            let note = f.get("note").filter(|n| !n.is_empty()).map(str::to_owned);
            let codes: Vec<&str> = f.all("symptoms").into_iter().filter(|c| !c.is_empty()).collect();
            let symptoms = CrisisSymptom::parse_all(&codes)?;
            session::observe(scope, id, ObservationInput { record, note, symptoms }).await?;
        }
        Action::Dose => {
            let input = DoseInput {
                at: form_instant("at", f.get("at"))?.unwrap_or(now),
                dose_mg: decimal(f, "dose_mg")?,
                lot: f.get("lot").filter(|l| !l.is_empty()).map(str::to_owned),
                weight_kg: decimal(f, "weight_kg")?,
                mg_per_kg: decimal(f, "mg_per_kg")?,
            };
            session::dose(scope, id, input, override_reason(f)).await?;
        }
        Action::AdverseEvent => {
            let kind =
                f.get("kind").filter(|k| !k.is_empty()).ok_or_else(|| InvalidInput::new("kind", "is required"))?;
            let severity = f.get("severity").unwrap_or_default();
            let severity = AeSeverity::parse(severity).map_err(|m| InvalidInput::new("severity", m))?;
            let input = AdverseEventInput {
                at: form_instant("at", f.get("at"))?.unwrap_or(now),
                kind: kind.to_owned(),
                severity,
                description: f.get("description").filter(|d| !d.is_empty()).map(str::to_owned),
                action_taken: f.get("action_taken").filter(|d| !d.is_empty()).map(str::to_owned),
                reported_externally: f.get("reported_externally") == Some("yes"),
            };
            session::adverse_event(scope, id, input).await?;
        }
        Action::Discharge => {
            let at = form_instant("at", f.get("at"))?.unwrap_or(now);
            let ready = form_instant("ready_to_leave_at", f.get("ready_to_leave_at"))?;
            session::discharge(scope, id, at, ready, override_reason(f)).await?;
        }
    }
    Ok(())
}

async fn handle(state: AppState, form: PortalForm, raw: String, action: Action) -> Response {
    let demo = state.config.demo;
    let path = format!("{PATH}/{raw}");
    let scope = match super::clinic_scope(&form.staff, demo, &path).await {
        Ok(scope) => scope,
        Err(response) => return response,
    };
    let Ok(id) = parse_id(&raw) else { return respond(&path, demo, ApiError::NotFound) };
    let now = form.staff.store().now();
    let result = act(&scope, id, &form.fields, action, now).await;
    after(&state, &form, &scope, id, result).await
}

/// `POST /portal/sessions/{id}/pre-checks`.
pub async fn pre_checks(State(state): State<AppState>, ApiPath(id): ApiPath<String>, form: PortalForm) -> Response {
    handle(state, form, id, Action::PreChecks).await
}

/// `POST /portal/sessions/{id}/observations`.
pub async fn observe(State(state): State<AppState>, ApiPath(id): ApiPath<String>, form: PortalForm) -> Response {
    handle(state, form, id, Action::Observe).await
}

/// `POST /portal/sessions/{id}/dose`.
pub async fn dose(State(state): State<AppState>, ApiPath(id): ApiPath<String>, form: PortalForm) -> Response {
    handle(state, form, id, Action::Dose).await
}

/// `POST /portal/sessions/{id}/adverse-events`.
pub async fn adverse_event(State(state): State<AppState>, ApiPath(id): ApiPath<String>, form: PortalForm) -> Response {
    handle(state, form, id, Action::AdverseEvent).await
}

/// `POST /portal/sessions/{id}/discharge`.
pub async fn discharge(State(state): State<AppState>, ApiPath(id): ApiPath<String>, form: PortalForm) -> Response {
    handle(state, form, id, Action::Discharge).await
}

/// `POST /portal/sessions/{id}/alerts/{alert_id}/acknowledge`: the signed-in staff member acknowledges an alert;
/// back to the session page, where it stays listed with who and when (and leaves the dashboard).
pub async fn acknowledge_alert(
    State(state): State<AppState>,
    ApiPath((raw, alert)): ApiPath<(String, String)>,
    form: PortalForm,
) -> Response {
    let demo = state.config.demo;
    let path = format!("{PATH}/{raw}");
    let scope = match super::clinic_scope(&form.staff, demo, &path).await {
        Ok(scope) => scope,
        Err(response) => return response,
    };
    let (Ok(id), Ok(alert)) = (parse_id(&raw), SessionAlertId::parse("alert_id", &alert)) else {
        return respond(&path, demo, ApiError::NotFound);
    };
    let result =
        ketapath_care::treatment::alerts::acknowledge(&scope, id, alert).await.map(|_| ()).map_err(ApiError::from);
    after(&state, &form, &scope, id, result).await
}

/// `POST /portal/patients/{id}/sessions`: starts a session of the chosen modality (on the open course, or a new
/// one) and goes to its page; a refusal (a contraindication, a nurse's override) is the error page with its status.
pub async fn start(State(state): State<AppState>, ApiPath(id): ApiPath<String>, form: PortalForm) -> Response {
    let demo = state.config.demo;
    let path = format!("{}/{id}", super::patients::PATH);
    let (scope, patient) = match super::clinic_patient(&form.staff, demo, &path, &id).await {
        Ok(target) => target,
        Err(response) => return response,
    };
    let started = async {
        let modality = Modality::parse(form.fields.get("modality").unwrap_or_default())?;
        let ov = form_override(&scope, &form.fields)?;
        let (s, _) = session::start(&scope, patient, modality, form.staff.store().now(), ov).await?;
        Ok::<_, ApiError>(s.id)
    };
    match started.await {
        Ok(sid) => see_other(&format!("{PATH}/{sid}")),
        Err(error) => respond(&path, demo, error),
    }
}

/// `POST /portal/patients/{id}/courses`: plans a course of `modality` for `indication` (`trd` or `mdsi`; blank:
/// `trd`) from `start_date` (blank: today) through
/// `treatment::course::create`; a contraindication refuses it (409 page) unless a prescriber gives a reason.
pub async fn plan_course(State(state): State<AppState>, ApiPath(id): ApiPath<String>, form: PortalForm) -> Response {
    let demo = state.config.demo;
    let path = format!("{}/{id}", super::patients::PATH);
    let (scope, patient) = match super::clinic_patient(&form.staff, demo, &path, &id).await {
        Ok(target) => target,
        Err(response) => return response,
    };
    let planned = async {
        let modality = Modality::parse(form.fields.get("modality").unwrap_or_default())?;
        let start = match form.fields.get("start_date").filter(|d| !d.is_empty()) {
            Some(raw) => crate::api::courses::date("start_date", raw)?,
            None => ClinicTime::of(&scope).await?.date_of(form.staff.store().now()),
        };
        let ov = form_override(&scope, &form.fields)?;
        let request = ketapath_care::treatment::course::CourseRequest {
            modality,
            start,
            weeks: None,
            maintenance: ketapath_clinical::protocols::MaintenanceFrequency::Weekly,
            with_psychotherapy: false,
        };
        let indication = crate::api::courses::indication(form.fields.get("indication"))?;
        ketapath_care::treatment::course::create_for(&scope, patient, &request, indication, ov).await?;
        Ok::<_, ApiError>(())
    };
    match planned.await {
        Ok(()) => see_other(&path),
        Err(error) => respond(&path, demo, error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn form_times_accept_rfc3339_and_clinic_local_datetime_but_not_the_future() {
        let utc = ClinicTime::utc();
        let now = datetime!(2026-11-27 10:00 UTC);
        assert_eq!(form_instant(&utc, "at", Some(" "), now).ok(), Some(None));
        let typed = form_instant(&utc, "at", Some("2026-11-27T09:30"), now);
        assert_eq!(typed.ok(), Some(Some(datetime!(2026-11-27 09:30 UTC))));
        assert_eq!(
            form_instant(&utc, "at", Some("2026-11-27T09:30:00Z"), now).ok(),
            Some(Some(datetime!(2026-11-27 09:30 UTC)))
        );
        assert_eq!(form_instant(&utc, "at", Some("2026-11-27T11:00"), now).map_err(|e| e.field), Err("at".to_owned()));
        assert_eq!(form_instant(&utc, "at", Some("yesterday"), now).map_err(|e| e.field), Err("at".to_owned()));
        // In New York (EST, -05:00) 04:30 wall-clock is 09:30 UTC; 05:30 would be 10:30 UTC, in the future.
        let new_york = ClinicTime::named("America/New_York").unwrap();
        let typed = form_instant(&new_york, "at", Some("2026-11-27T04:30"), now);
        assert_eq!(typed.ok(), Some(Some(datetime!(2026-11-27 09:30 UTC))));
        assert!(form_instant(&new_york, "at", Some("2026-11-27T05:30"), now).is_err());
        let rfc = form_instant(&new_york, "at", Some("2026-11-27T09:30:00Z"), now);
        assert_eq!(rfc.ok(), Some(Some(datetime!(2026-11-27 09:30 UTC))), "an explicit offset is kept");
    }
}
