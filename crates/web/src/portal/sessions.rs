//! The session flowsheet of a treatment day: `GET /portal/sessions/{id}` (the patient's identity, modality, dose,
//! minutes since the dose, the next check and open alerts at the top; one row per check; the events; only the
//! forms that apply now) and its forms (start from the patient page, pre-checks, a check of vitals, dose, adverse
//! event, discharge, acknowledge an alert; the early departure and its confirmation are in `early_departure.rs`).
//! Every form calls the same `ketapath_care::treatment::session` functions as the JSON API; a refused gate or field
//! shows the page again under the status the API would answer, with the reason in words (codes and rule ids in a
//! details element) and every value typed into the refused form. The page never reloads itself: `session.js`
//! moves the clock, the minutes since the dose and the checks' statuses, and without it the page still works.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use ketapath_clinical::InvalidInput;
use ketapath_clinical::protocols::{CrisisSymptom, DueItem, DueStatus, Modality, ObservationRecord};
use ketapath_store::ClinicScope;
use ketapath_store::domain::{AeSeverity, DoseRecord, Measurement, Patient, Role, SessionAlertId, SessionId};
use serde::Serialize;
use serde_json::{Map, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::csrf::{Fields, PortalForm};
use super::sign_in_cookie::{PortalStaff, see_other};
use super::{Bar, layout};
use crate::assets::asset;
use crate::error::{ApiError, respond};
use crate::extract::ApiPath;
use crate::pages::{Layout, render};
use crate::state::AppState;
use ketapath_care::clinic_time::{ClinicTime, date_text};
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

/// One line of the monitoring plan. `due_ms` and `overdue_ms` (Unix milliseconds) let the page's script move the
/// status from upcoming to due to overdue without a reload.
#[derive(Debug, Clone)]
pub struct DueRow {
    pub what: String,
    pub minute: u32,
    pub due_at: String,
    pub status: &'static str,
    pub rule: String,
    pub done: bool,
    pub due_ms: i128,
    pub overdue_ms: i128,
}

/// One event of the session other than a check (dose, adverse event, override, discharge, early departure).
#[derive(Debug, Clone)]
pub struct RecordRow {
    pub at: String,
    pub what: String,
    pub detail: String,
}

/// One row of the flowsheet: every measure charted at one time.
#[derive(Debug, Clone, Default)]
pub struct CheckRow {
    pub at: String,
    /// "40 min after the dose", or "before the dose".
    pub after: String,
    pub bp: String,
    pub heart_rate: String,
    pub spo2: String,
    pub moaas: String,
    pub cadss: String,
    pub note: String,
}

/// A refusal shown at the top of the page, in words: what was refused, why (the workflow's message with its codes
/// and rule ids taken out) and the field at fault by its label; the codes and rule ids go in a details element.
#[derive(Debug, Clone)]
pub struct Refusal {
    pub headline: &'static str,
    pub message: String,
    pub field: String,
    pub codes: Vec<String>,
}

/// The values a form shows: what was typed when that form was refused (so nothing typed is lost), else its
/// defaults (now for a time, the previous session's dose).
#[derive(Debug, Clone, Default)]
pub struct FormValues {
    typed: Option<Fields>,
    defaults: Vec<(&'static str, String)>,
}

impl FormValues {
    fn new(typed: Option<&(&'static str, Fields)>, form: &str, defaults: Vec<(&'static str, String)>) -> Self {
        let typed = typed.filter(|(name, _)| *name == form).map(|(_, fields)| fields.clone());
        Self { typed, defaults }
    }

    /// The value of `name`: as typed, else the default, else empty.
    pub fn get(&self, name: &str) -> &str {
        match &self.typed {
            Some(fields) => fields.raw(name).unwrap_or_default(),
            None => self.defaults.iter().find(|(n, _)| *n == name).map_or("", |(_, v)| v.as_str()),
        }
    }

    /// Whether a checkbox `name` was ticked with `value`.
    pub fn has(&self, name: &str, value: &str) -> bool {
        self.typed.as_ref().is_some_and(|f| f.all(name).contains(&value))
    }

    /// Whether the shown values are the defaults (nothing typed was refused on this form).
    pub fn defaulted(&self) -> bool {
        self.typed.is_none()
    }
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

/// Who the session is for, at the top of the page: the two identifiers checked before a dose.
#[derive(Debug, Clone)]
pub struct Identity {
    pub name: String,
    pub birth_date: String,
    /// The clinic's medical record number, when the record has one.
    pub record_number: Option<String>,
}

/// The dose copied forward from an earlier session of the course, shown as such until the nurse saves it.
#[derive(Debug, Clone)]
pub struct CopiedDose {
    pub number: i64,
    pub dose_mg: String,
    pub lot: String,
    /// "2 devices (28 mg each)" for esketamine.
    pub devices: String,
}

#[derive(Template)]
#[template(path = "portal_session.html")]
struct SessionPage {
    layout: Layout,
    bar: Bar,
    csrf: String,
    id: String,
    patient_href: String,
    identity: Identity,
    number: i64,
    modality: String,
    esketamine: bool,
    status: String,
    open: bool,
    dosed: bool,
    prescriber: bool,
    /// The dose given ("56 mg at 09:05 EST") or planned (the previous session's, "56 mg as in session 1").
    dose_line: String,
    /// "42 minutes" since the first dose.
    minutes_since_dose: Option<String>,
    /// The first dose in Unix milliseconds, for the script's minute count.
    dose_ms: Option<i128>,
    minimum_until: String,
    next_due: Option<DueRow>,
    due: Vec<DueRow>,
    discharge_unmet: Vec<String>,
    /// The session's alerts, open ones (most serious first) before acknowledged ones.
    alerts: Vec<AlertRow>,
    open_alerts: usize,
    /// The crisis symptoms the observation form offers: (code, label).
    symptoms: Vec<(&'static str, &'static str)>,
    /// The advisory pre-checks not met or not recorded, at the dose (or now, before it).
    dose_warnings: Vec<String>,
    checks: Vec<CheckRow>,
    records: Vec<RecordRow>,
    /// The clinic's time zone, in which the page shows times and reads typed ones.
    time_zone: String,
    /// Now on the clinic's clock, as people read it, and in Unix milliseconds for the script.
    now_shown: String,
    now_ms: i128,
    copied: Option<CopiedDose>,
    refusal: Option<Refusal>,
    pre_checks_form: FormValues,
    check_form: FormValues,
    dose_form: FormValues,
    event_form: FormValues,
    discharge_form: FormValues,
    early_form: FormValues,
    script_url: String,
    severities: &'static [&'static str],
    /// The early departure reasons: (code, label).
    departure_reasons: &'static [(&'static str, &'static str)],
}

/// "1 minute", "2 minutes": a count with its noun, singular for one.
pub fn count(n: i64, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

fn millis(at: OffsetDateTime) -> i128 {
    at.unix_timestamp_nanos() / 1_000_000
}

/// A check's status in words.
fn status_words(status: DueStatus) -> &'static str {
    match status {
        DueStatus::Done => "done",
        DueStatus::Upcoming => "upcoming",
        DueStatus::Due => "due now",
        DueStatus::Overdue => "overdue",
    }
}

fn due_row(zone: &ClinicTime, grace_minutes: u32, d: &DueItem) -> DueRow {
    DueRow {
        what: code_of(&d.what).replace('_', " "),
        minute: d.minute,
        due_at: zone.clock(d.due_at),
        status: status_words(d.status),
        rule: d.rule.to_string(),
        done: d.status == DueStatus::Done,
        due_ms: millis(d.due_at),
        overdue_ms: millis(d.due_at + time::Duration::minutes(i64::from(grace_minutes))),
    }
}

/// The next check in words, for the session page and the dashboard: "blood pressure at 40 minutes (09:45 EST),
/// overdue".
pub fn next_check_text(zone: &ClinicTime, d: &DueItem) -> String {
    format!(
        "{} at {} ({}), {}",
        code_of(&d.what).replace('_', " "),
        count(i64::from(d.minute), "minute"),
        zone.clock(d.due_at),
        status_words(d.status)
    )
}

/// The flowsheet: one row per charted time, each measure in its column.
fn check_rows(zone: &ClinicTime, loaded: &Loaded) -> Vec<CheckRow> {
    let mut rows: std::collections::BTreeMap<OffsetDateTime, CheckRow> = std::collections::BTreeMap::new();
    for o in &loaded.detail.observations {
        let row = rows.entry(o.observed_at).or_insert_with(|| CheckRow {
            at: zone.clock(o.observed_at),
            after: o
                .minutes_after_dose
                .map_or_else(|| "before the dose".to_owned(), |m| format!("{} after the dose", count(m, "minute"))),
            ..CheckRow::default()
        });
        let mut note = |text: String| {
            if !row.note.is_empty() {
                row.note.push_str("; ");
            }
            row.note.push_str(&text);
        };
        match &o.measurement {
            Measurement::BloodPressure { systolic, diastolic } => row.bp = format!("{systolic}/{diastolic}"),
            Measurement::HeartRate { bpm } => row.heart_rate = bpm.to_string(),
            Measurement::Spo2 { percent } => row.spo2 = format!("{percent} %"),
            Measurement::Moaas { score } => row.moaas = score.to_string(),
            Measurement::Cadss { total } => row.cadss = total.to_string(),
            Measurement::RespiratoryRate { per_minute } => note(format!("respiratory rate {per_minute} /min")),
            Measurement::Note { text } => note(text.clone()),
        }
    }
    rows.into_values().collect()
}

/// The session's events other than checks, in time order.
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
    for e in &d.adverse_events {
        push(
            e.occurred_at,
            "Adverse event".into(),
            format!("{} ({})", e.kind.replace('_', " "), code_of(&e.severity).replace('_', " ")),
        );
    }
    for o in &d.overrides {
        push(
            o.at,
            "Override".into(),
            format!("{}: {} [{}]", code_of(&o.gate).replace('_', " "), o.reason, o.rules.join(", ")),
        );
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
            code: super::labels::alert_code(&a.code),
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

/// The labels of the session forms' fields, as the page names a field at fault.
const FIELD_LABELS: &[(&str, &str)] = &[
    ("at", "Time"),
    ("systolic", "Systolic"),
    ("diastolic", "Diastolic"),
    ("heart_rate", "Heart rate"),
    ("spo2", "SpO2"),
    ("moaas", "MOAA/S"),
    ("cadss", "CADSS"),
    ("note", "Note"),
    ("symptoms", "Symptoms"),
    ("dose_mg", "Dose (mg)"),
    ("lot", "Lot"),
    ("weight_kg", "Weight (kg)"),
    ("mg_per_kg", "mg per kg"),
    ("override_reason", "Override reason"),
    ("ready_to_leave_at", "Ready to leave at"),
    ("last_food_at", "Last food at"),
    ("last_liquid_at", "Last liquid at"),
    ("kind", "Kind"),
    ("severity", "Severity"),
    ("reason", "Reason"),
];

/// A field's label on the session page; a name not in the table is shown in words.
fn field_label(field: &str) -> String {
    FIELD_LABELS
        .iter()
        .find(|(name, _)| *name == field)
        .map_or_else(|| field.replace('_', " "), |(_, l)| (*l).to_owned())
}

/// The punctuation that may follow a word in a sentence.
const PUNCTUATION: [char; 4] = [',', ';', '.', ':'];

/// Whether a word is a code or rule id (`minimum_time`, `protocols.alerts.spo2_low@1`) rather than a word people read.
fn is_code(word: &str) -> bool {
    let word = word.trim_matches(PUNCTUATION);
    !word.is_empty()
        && word.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '.' | '@'))
        && (word.contains('_') || word.contains('@'))
}

/// A workflow message in words: parenthesised groups of codes and rule ids move to `codes`, field names become
/// their labels, and any code left in a sentence is written in words. The JSON API keeps the message as it is.
fn words_of(message: &str, codes: &mut Vec<String>) -> String {
    let mut out = String::new();
    let mut rest = message;
    while let Some(open) = rest.find('(') {
        let Some(close) = rest[open..].find(')').map(|c| open + c) else { break };
        let inner = &rest[open + 1..close];
        out.push_str(&rest[..open]);
        if inner.split([',', ' ']).filter(|w| !w.is_empty() && *w != "rule").all(is_code) {
            codes.extend(inner.split(',').map(|c| c.trim().to_owned()).filter(|c| !c.is_empty()));
            while out.ends_with(' ') {
                out.pop();
            }
        } else {
            out.push_str(&rest[open..=close]);
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    let words: Vec<String> = out
        .split(' ')
        .map(|w| {
            let bare = w.trim_end_matches(PUNCTUATION);
            if FIELD_LABELS.iter().any(|(name, _)| *name == bare) && (bare.contains('_') || bare == "override_reason") {
                let label = field_label(bare).to_lowercase();
                let label = if bare == "override_reason" { format!("an {label}") } else { format!("\"{label}\"") };
                format!("{label}{}", &w[bare.len()..])
            } else if is_code(w) {
                codes.push(bare.to_owned());
                w.replace('_', " ")
            } else {
                w.to_owned()
            }
        })
        .collect();
    let text = words.join(" ");
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// The refusal of a session form, in words.
fn refusal_of(error: &ApiError) -> Refusal {
    let code = error.code();
    let headline = match code {
        "bp_gate" => "The dose was not recorded: the blood pressure gate did not pass",
        "rems_enrollment" => "The dose was not recorded: the patient is not enrolled in the REMS",
        "benefit_review_required" => "Not recorded: a prescriber's benefit review is needed first",
        "monitoring_incomplete" => "Not discharged: the patient may not leave yet",
        "no_dose" => "Not recorded: no dose is charted for this session yet",
        "not_applicable" => "Not recorded: this no longer applies to the session",
        "override_not_allowed" | "forbidden" => "Not recorded: only a prescriber may do this",
        "invalid_input" | "bad_request" => "Not recorded: please check the form",
        _ => "Not recorded",
    };
    let mut codes = vec![code.to_owned()];
    let field = error.field().map(field_label).unwrap_or_default();
    let message = words_of(&error.to_string(), &mut codes);
    codes.dedup();
    Refusal { headline, message, field, codes }
}

/// What the page needs besides the session: its alerts, its patient and the dose copied forward.
struct Context {
    alerts: Vec<AlertRow>,
    patient: Patient,
    previous: Option<(i64, DoseRecord)>,
}

async fn context(scope: &ClinicScope, zone: &ClinicTime, loaded: &Loaded) -> Result<Context, ApiError> {
    let alerts = alert_rows(scope, zone, loaded.detail.session.id).await?;
    let patient = scope.patient(loaded.detail.session.patient_id).await?;
    let previous = if loaded.first_dose_at.is_none() { session::previous_dose(scope, loaded).await? } else { None };
    Ok(Context { alerts, patient, previous })
}

/// "56" for 56.0 mg, "0.5" for half a milligram.
fn mg(dose: f64) -> String {
    format!("{dose}")
}

/// The session page of `loaded` at `now`, with a refusal and the refused form's typed values when a form was
/// refused.
fn page(
    staff: &PortalStaff,
    demo: bool,
    loaded: &Loaded,
    context: Context,
    (zone, now): (&ClinicTime, OffsetDateTime),
    refused: Option<(Refusal, (&'static str, Fields))>,
) -> Result<SessionPage, ApiError> {
    let s = &loaded.detail.session;
    let view = session::view(loaded, now)?;
    let monitoring = view.monitoring.as_ref();
    let esketamine = loaded.modality == Modality::EsketamineNasal;
    let grace = loaded.settings.values().monitoring.grace_minutes;
    let (refusal, typed) = refused.map_or((None, None), |(r, t)| (Some(r), Some(t)));
    let typed = typed.as_ref();
    let now_value = zone.input_value(now);
    let at_now = || vec![("at", now_value.clone())];
    let copied = context.previous.as_ref().map(|(number, d)| CopiedDose {
        number: *number,
        dose_mg: mg(d.dose_mg),
        lot: d.lot_number.clone().unwrap_or_default(),
        devices: if esketamine {
            count((d.dose_mg / 28.0).round() as i64, "device") + " (28 mg each)"
        } else {
            String::new()
        },
    });
    let mut dose_defaults = at_now();
    if let Some(c) = &copied {
        dose_defaults.push(("dose_mg", c.dose_mg.clone()));
        dose_defaults.push(("lot", c.lot.clone()));
    }
    let dose_line = match (loaded.detail.doses.first(), &copied) {
        (Some(d), _) => format!("{} mg given at {}", mg(d.dose_mg), zone.clock(d.given_at)),
        (None, Some(c)) => format!("{} mg as in session {} (not yet given)", c.dose_mg, c.number),
        (None, None) => "not yet given; no earlier session to copy from".to_owned(),
    };
    let p = &context.patient;
    Ok(SessionPage {
        layout: layout(format!("Session {}: {} {}", s.number, p.given_name, p.family_name), demo, ""),
        bar: Bar::of(staff),
        csrf: staff.csrf().to_owned(),
        id: s.id.to_string(),
        patient_href: format!("{}/{}", super::patients::PATH, s.patient_id),
        identity: Identity {
            name: format!("{} {}", p.given_name, p.family_name),
            birth_date: date_text(p.birth_date),
            record_number: p.mrn.clone(),
        },
        number: s.number,
        modality: loaded.modality.label().to_owned(),
        esketamine,
        status: s.status.label().to_owned(),
        open: !s.status.is_closed(),
        dosed: loaded.first_dose_at.is_some(),
        prescriber: staff.actor().role == Role::Prescriber,
        dose_line,
        minutes_since_dose: monitoring.map(|m| count(m.minutes_since_dose, "minute")),
        dose_ms: loaded.first_dose_at.map(millis),
        minimum_until: monitoring.map(|m| zone.clock(m.minimum_until)).unwrap_or_default(),
        next_due: monitoring.and_then(|m| m.next_due.as_ref()).map(|d| due_row(zone, grace, d)),
        due: monitoring.map(|m| m.due.iter().map(|d| due_row(zone, grace, d)).collect()).unwrap_or_default(),
        discharge_unmet: view
            .discharge_now
            .map(|d| d.unmet.iter().map(|u| u.message.clone()).collect())
            .unwrap_or_default(),
        open_alerts: context.alerts.iter().filter(|a| a.acknowledged.is_none()).count(),
        alerts: context.alerts,
        symptoms: CrisisSymptom::ALL.iter().map(|s| (s.code(), s.label())).collect(),
        dose_warnings: session::dose_warnings(loaded, None, loaded.first_dose_at.unwrap_or(now))
            .into_iter()
            .map(|w| w.message)
            .collect(),
        checks: check_rows(zone, loaded),
        records: records(zone, loaded),
        time_zone: zone.name().to_owned(),
        now_shown: zone.show(now),
        now_ms: millis(now),
        refusal,
        pre_checks_form: FormValues::new(typed, "pre-checks", Vec::new()),
        check_form: FormValues::new(typed, "observations", at_now()),
        dose_form: FormValues::new(typed, "dose", dose_defaults),
        event_form: FormValues::new(typed, "adverse-events", at_now()),
        discharge_form: FormValues::new(typed, "discharge", at_now()),
        early_form: FormValues::new(typed, "early-departure", at_now()),
        copied,
        script_url: asset("session.js").url(),
        severities: &["mild", "moderate", "severe"],
        departure_reasons: &[
            ("transferred_to_emergency", "transferred to emergency care"),
            ("left_against_advice", "left against advice"),
            ("other", "other"),
        ],
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
    let shown = super::in_clinic_scope(&staff, demo, &path, async |scope| {
        let loaded = session::load(scope, parse_id(&id)?).await?;
        let zone = ClinicTime::of(scope).await?;
        let context = context(scope, &zone, &loaded).await?;
        page(&staff, demo, &loaded, context, (&zone, staff.store().now()), None)
    });
    shown.await.map_or_else(|refused| refused, |p| render(StatusCode::OK, &p))
}

/// After a session form (`form_name`, the last segment of its action): back to the page when it was recorded;
/// the page again with the refusal in words (under its status) and every typed value of the refused form when a
/// rule or a field refused it; the error page for a missing session.
pub(super) async fn after(
    state: &AppState,
    form: &PortalForm,
    scope: &ClinicScope,
    (id, form_name): (SessionId, &'static str),
    result: Result<(), ApiError>,
) -> Response {
    let demo = state.config.demo;
    let path = format!("{PATH}/{id}");
    let error = match result {
        Ok(()) => return see_other(&path),
        Err(ApiError::NotFound) => return super::refuse(&form.staff, demo, &path, ApiError::NotFound),
        Err(error) => error,
    };
    let status = error.status();
    if !status.is_client_error() {
        return super::refuse(&form.staff, demo, &path, error);
    }
    let refusal = refusal_of(&error);
    let shown = async {
        let loaded = session::load(scope, id).await?;
        let zone = ClinicTime::of(scope).await?;
        let context = context(scope, &zone, &loaded).await?;
        let typed = (form_name, form.fields.clone());
        page(&form.staff, demo, &loaded, context, (&zone, form.staff.store().now()), Some((refusal, typed)))
    };
    match shown.await {
        Ok(p) => render(status, &p),
        Err(error) => super::refuse(&form.staff, demo, &path, error),
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

impl Action {
    /// The last segment of the form's action, which names its typed values after a refusal.
    fn form_name(self) -> &'static str {
        match self {
            Action::PreChecks => "pre-checks",
            Action::Observe => "observations",
            Action::Dose => "dose",
            Action::AdverseEvent => "adverse-events",
            Action::Discharge => "discharge",
        }
    }
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
    // The action's own failure is shown by `after` (the session page with the refusal), not as an error page.
    let answered = super::in_clinic_record(&form.staff, demo, &path, parse_id(&raw), async |scope, id| {
        let result = act(scope, id, &form.fields, action, form.staff.store().now()).await;
        Ok(after(&state, &form, scope, (id, action.form_name()), result).await)
    });
    answered.await.unwrap_or_else(|refused| refused)
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
    after(&state, &form, &scope, (id, "acknowledge"), result).await
}

/// `POST /portal/patients/{id}/sessions`: starts a session of the chosen modality (on the open course, or a new
/// one) and goes to its page; a refusal (a contraindication, a nurse's override) is the error page with its status.
pub async fn start(State(state): State<AppState>, ApiPath(id): ApiPath<String>, form: PortalForm) -> Response {
    let demo = state.config.demo;
    let path = format!("{}/{id}", super::patients::PATH);
    let started = super::in_clinic_patient(&form.staff, demo, &path, &id, async |scope, patient| {
        let modality = Modality::parse(form.fields.get("modality").unwrap_or_default())?;
        let ov = form_override(scope, &form.fields)?;
        let (s, _) = session::start(scope, patient, modality, form.staff.store().now(), ov).await?;
        Ok(s.id)
    });
    started.await.map_or_else(|refused| refused, |sid| see_other(&format!("{PATH}/{sid}")))
}

/// `POST /portal/patients/{id}/courses`: plans a course of `modality` for `indication` (`trd` or `mdsi`; blank:
/// `trd`) from `start_date` (blank: today) through
/// `treatment::course::create`; a contraindication refuses it (409 page) unless a prescriber gives a reason.
pub async fn plan_course(State(state): State<AppState>, ApiPath(id): ApiPath<String>, form: PortalForm) -> Response {
    let demo = state.config.demo;
    let path = format!("{}/{id}", super::patients::PATH);
    let planned = super::in_clinic_patient(&form.staff, demo, &path, &id, async |scope, patient| {
        let modality = Modality::parse(form.fields.get("modality").unwrap_or_default())?;
        let start = match form.fields.get("start_date").filter(|d| !d.is_empty()) {
            Some(raw) => crate::api::courses::date("start_date", raw)?,
            None => ClinicTime::of(scope).await?.date_of(form.staff.store().now()),
        };
        let ov = form_override(scope, &form.fields)?;
        let request = ketapath_care::treatment::course::CourseRequest {
            modality,
            start,
            weeks: None,
            maintenance: ketapath_clinical::protocols::MaintenanceFrequency::Weekly,
            with_psychotherapy: false,
        };
        let indication = crate::api::courses::indication(form.fields.get("indication"))?;
        Ok(ketapath_care::treatment::course::create_for(scope, patient, &request, indication, ov).await?)
    });
    planned.await.map_or_else(|refused| refused, |_| see_other(&path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn refusals_read_in_words_with_the_codes_set_aside() {
        let gate = ApiError::Conflict {
            code: "bp_gate",
            message: "no blood pressure is recorded before the dose: record one, or a prescriber decides \
                      (protocols.bp_gate.esketamine@1); a prescriber may pass the gate with override_reason"
                .to_owned(),
        };
        let refusal = refusal_of(&gate);
        assert_eq!(refusal.headline, "The dose was not recorded: the blood pressure gate did not pass");
        assert_eq!(
            refusal.message,
            "No blood pressure is recorded before the dose: record one, or a prescriber decides; a prescriber may \
             pass the gate with an override reason"
        );
        assert_eq!(refusal.codes, ["bp_gate", "protocols.bp_gate.esketamine@1"]);
        let missing = ApiError::InvalidInput(InvalidInput::new("ready_to_leave_at", "is required after esketamine"));
        let refusal = refusal_of(&missing);
        assert_eq!(
            (refusal.field.as_str(), refusal.message.as_str()),
            ("Ready to leave at", "Is required after esketamine")
        );
        assert!(!refusal.message.contains('_') && refusal.codes == ["invalid_input"], "{refusal:?}");
        // Parentheses in words stay.
        let mut codes = Vec::new();
        assert_eq!(words_of("ready (90 min after the dose)", &mut codes), "Ready (90 min after the dose)");
        assert!(codes.is_empty());
    }

    #[test]
    fn counts_are_singular_for_one() {
        assert_eq!(
            (count(1, "minute"), count(0, "minute"), count(42, "minute")),
            ("1 minute".to_owned(), "0 minutes".to_owned(), "42 minutes".to_owned())
        );
    }

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
