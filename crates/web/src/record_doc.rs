//! The printable session record (PDF) for the chart, served at `GET /portal/sessions/{id}/record.pdf` and
//! `GET /api/v1/sessions/{id}/record.pdf`: the patient's name and birth date on every page, the course and
//! modality, the pre-checks, the doses, one row per check (time, BP, heart rate, SpO2, MOAA/S, CADSS, note), the
//! adverse events, the alerts with their acknowledgements, overrides, and the discharge or early departure.
//! Written through the one document writer (`crate::print`), as the REMS form is.

use std::collections::BTreeMap;

use ketapath_care::treatment::record::SessionRecord;
use ketapath_clinical::rems::EarlyDepartureReason;
use ketapath_store::domain::Measurement;
use serde_json::Value;
use time::OffsetDateTime;

use crate::portal::sessions::code_of;
use crate::print::{Column, Font, Frame, Writer, patient_header, pdf_response as respond, us_date};

/// The document's title, as the PDF and its footer print it.
pub const TITLE: &str = "Treatment session record";

const LABEL_WIDTH: f32 = 150.0;

/// One check of the flowsheet: the measurements charted at one moment.
#[derive(Debug, Default, Clone)]
struct Check {
    after: Option<i64>,
    blood_pressure: Option<String>,
    heart_rate: Option<String>,
    spo2: Option<String>,
    moaas: Option<String>,
    cadss: Option<String>,
    notes: Vec<String>,
}

/// The observations grouped into one row per moment, in time order.
fn checks(record: &SessionRecord) -> Vec<(OffsetDateTime, Check)> {
    let mut rows: BTreeMap<OffsetDateTime, Check> = BTreeMap::new();
    for o in &record.loaded.detail.observations {
        let row = rows.entry(o.observed_at).or_default();
        row.after = row.after.or(o.minutes_after_dose);
        match &o.measurement {
            Measurement::BloodPressure { systolic, diastolic } => {
                row.blood_pressure = Some(format!("{systolic}/{diastolic}"));
            }
            Measurement::HeartRate { bpm } => row.heart_rate = Some(bpm.to_string()),
            Measurement::Spo2 { percent } => row.spo2 = Some(format!("{percent} %")),
            Measurement::Moaas { score } => row.moaas = Some(score.to_string()),
            Measurement::Cadss { total } => row.cadss = Some(total.to_string()),
            Measurement::RespiratoryRate { per_minute } => row.notes.push(format!("respiratory rate {per_minute}/min")),
            Measurement::Note { text } => row.notes.push(text.clone()),
        }
    }
    rows.into_iter().collect()
}

/// The pre-checks as rows: each check's label with its status and message, from the stored report.
fn pre_check_rows(document: &Value) -> Vec<(String, String)> {
    let results = document.pointer("/report/results").and_then(Value::as_array).cloned().unwrap_or_default();
    results
        .iter()
        .map(|r| {
            let text = |key: &str| r.get(key).and_then(Value::as_str).unwrap_or_default().to_owned();
            let status = text("status").replace('_', " ");
            let message = text("message");
            (text("label"), if message.is_empty() { status } else { format!("{status}: {message}") })
        })
        .collect()
}

/// The PDF of a session's record; the same record gives the same bytes.
pub fn pdf(record: &SessionRecord) -> Vec<u8> {
    let zone = &record.zone;
    let d = &record.loaded.detail;
    let s = &d.session;
    let when = |at: OffsetDateTime| zone.show(at);
    let name = format!("{} {}", record.patient.given_name, record.patient.family_name);
    let day =
        record.loaded.first_dose_at.or(s.started_at).map_or_else(|| zone.date_of(s.created_at), |at| zone.date_of(at));
    let frame = Frame {
        title: TITLE.to_owned(),
        header: patient_header(&name, Some(record.patient.birth_date)),
        date: Some(day),
    };
    let mut w = Writer::new(frame);
    let line = |w: &mut Writer, label: &str, value: String| w.row(label, LABEL_WIDTH, &[(Font::Regular, value)]);

    w.paragraph(TITLE, Font::Bold, 16.0);
    w.gap(4.0);
    w.paragraph(&format!("Session {}: {}", s.number, record.loaded.modality.label()), Font::Bold, 11.0);

    w.heading("Patient and course");
    line(&mut w, "Patient", name.clone());
    line(&mut w, "Birth date", us_date(record.patient.birth_date));
    if let Some(mrn) = &record.patient.mrn {
        line(&mut w, "Record number", mrn.clone());
    }
    let course = &record.loaded.course;
    let planned = course.planned_sessions.map(|n| format!(" of {n} planned")).unwrap_or_default();
    line(&mut w, "Modality", record.loaded.modality.label().to_owned());
    line(&mut w, "Course", format!("{}, session {}{planned}", code_of(&course.status).replace('_', " "), s.number));
    line(&mut w, "Session status", s.status.label().to_owned());
    if let Some(at) = s.started_at {
        line(&mut w, "Started", when(at));
    }

    w.heading("Pre-checks");
    match &d.pre_checks {
        Some(document) => {
            let recorded = document
                .get("recorded_at")
                .and_then(Value::as_str)
                .and_then(|t| OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).ok());
            if let Some(at) = recorded {
                line(&mut w, "Recorded", when(at));
            }
            for (label, value) in pre_check_rows(document) {
                line(&mut w, &label, value);
            }
        }
        None => w.paragraph("No pre-checks were recorded.", Font::Regular, 9.5),
    }

    w.heading("Dose");
    if d.doses.is_empty() {
        w.paragraph("No dose was given.", Font::Regular, 9.5);
    }
    for dose in &d.doses {
        let lot = dose.lot_number.as_deref().map(|l| format!(", lot {l}")).unwrap_or_default();
        let by = record.staff_name(dose.given_by).map(|n| format!(", given by {n}")).unwrap_or_default();
        line(&mut w, &when(dose.given_at), format!("{} {} mg {}{lot}{by}", dose.drug, dose.dose_mg, dose.route));
    }

    w.heading("Observations");
    let rows: Vec<Vec<String>> = checks(record)
        .into_iter()
        .map(|(at, c)| {
            let dash = |v: Option<String>| v.unwrap_or_else(|| "–".to_owned());
            vec![
                zone.clock(at),
                c.after.map_or_else(String::new, |m| m.to_string()),
                dash(c.blood_pressure),
                dash(c.heart_rate),
                dash(c.spo2),
                dash(c.moaas),
                dash(c.cadss),
                c.notes.join("; "),
            ]
        })
        .collect();
    if rows.is_empty() {
        w.paragraph("No observations were charted.", Font::Regular, 9.5);
    } else {
        let col = |heading, width| Column { heading, width };
        w.table(
            &[
                col("Time", 62.0),
                col("Min after dose", 44.0),
                col("BP (mmHg)", 58.0),
                col("HR", 34.0),
                col("SpO2", 40.0),
                col("MOAA/S", 44.0),
                col("CADSS", 40.0),
                col("Note", 190.0),
            ],
            &rows,
        );
    }

    w.heading("Adverse events");
    if d.adverse_events.is_empty() {
        w.paragraph("No adverse event was charted.", Font::Regular, 9.5);
    }
    for e in &d.adverse_events {
        let mut text = format!("{} ({})", e.kind.replace('_', " "), code_of(&e.severity));
        for part in [&e.description, &e.action_taken].into_iter().flatten() {
            text.push_str(&format!("; {part}"));
        }
        line(&mut w, &when(e.occurred_at), text);
    }

    w.heading("Alerts and acknowledgements");
    if record.alerts.is_empty() {
        w.paragraph("No alert was raised.", Font::Regular, 9.5);
    }
    for a in &record.alerts {
        let ack = match a.acknowledged_at {
            Some(at) => format!(
                "Acknowledged by {} at {}",
                record.staff_name(a.acknowledged_by).unwrap_or_else(|| "a former staff member".to_owned()),
                when(at)
            ),
            None => "Not acknowledged".to_owned(),
        };
        w.row(&when(a.at), LABEL_WIDTH, &[(Font::Bold, format!("{} ({})", a.message, a.level)), (Font::Regular, ack)]);
    }
    for o in &d.overrides {
        line(&mut w, &when(o.at), format!("Override of {}: {}", code_of(&o.gate).replace('_', " "), o.reason));
    }

    w.heading("End of the session");
    let first = record.loaded.first_dose_at;
    match (s.discharged_at, s.early_departure_reason.as_deref(), s.ended_at) {
        (Some(at), _, _) => {
            let minutes = first.map(|f| format!(", {} min after the first dose", (at - f).whole_minutes()));
            let by = record.staff_name(s.discharged_by).map(|n| format!(" by {n}")).unwrap_or_default();
            line(&mut w, "Discharged", format!("{}{}{by}", when(at), minutes.unwrap_or_default()));
            if let Some(m) = s.ready_to_leave_minutes {
                line(&mut w, "Ready to leave", format!("{m} min after the first dose"));
            }
            if let Some(reason) = &s.discharge_override_reason {
                line(&mut w, "Discharge override", reason.clone());
            }
        }
        (None, Some(reason), Some(at)) => {
            let label = EarlyDepartureReason::parse(reason).map_or(reason, |r| r.label());
            let minutes = first.map(|f| format!(" after {} min of monitoring", (at - f).whole_minutes()));
            line(&mut w, "Early departure", format!("{}: {label}{}", when(at), minutes.unwrap_or_default()));
        }
        _ => w.paragraph("The session is not yet ended: no discharge or departure is recorded.", Font::Regular, 9.5),
    }
    w.finish()
}

/// The record as an HTTP answer (`application/pdf`, `no-store`).
pub fn pdf_response(record: &SessionRecord) -> axum::response::Response {
    respond(pdf(record), &format!("session-record-{}.pdf", record.loaded.detail.session.number))
}
