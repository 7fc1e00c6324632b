//! `GET /portal`: the clinic's dashboard, in the order a treatment day needs it: the patients "in the chair"
//! (dosed and not yet discharged or ended, whatever the date, by full name, with minutes since the dose, the next
//! check and open alerts), the in-session alerts until a staff member acknowledges them (most serious first),
//! today's other sessions, new referrals (each a link, urgent ones first and marked), REMS Patient Monitoring Forms
//! due or overdue (from `treatment::rems::due`), self-report alerts (a positive item 9 first), then the patient
//! count and patients by status. Roles without patient access get the "no patient access" page instead.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use std::collections::HashMap;

use ketapath_clinical::protocols::Modality;
use ketapath_clinical::rems::FormStatus;
use ketapath_store::domain::{PatientId, PatientStatus, ReferralFilter, ReferralStatus};

use super::referrals::{PAGE_SIZE as REFERRAL_PAGE_SIZE, ReferralRow, row_of};
use super::sessions::{count, next_check_text};
use super::sign_in_cookie::PortalStaff;
use super::{Bar, layout};
use crate::error::respond;
use crate::pages::{Layout, render};
use crate::state::AppState;
use ketapath_care::clinic_time::{ClinicTime, date_text};
use ketapath_care::treatment::{rems, session};

/// A line of the dashboard with an optional link.
#[derive(Debug, Clone)]
pub struct Line {
    pub href: String,
    pub text: String,
    pub urgent: bool,
}

#[derive(Template)]
#[template(path = "portal_dashboard.html")]
struct DashboardPage {
    layout: Layout,
    bar: Bar,
    clinic: String,
    patients: usize,
    /// The newest new referrals (one inbox page), newest first.
    new_referrals: Vec<ReferralRow>,
    /// How many new referrals there are in all.
    new_total: u64,
    /// Dosed and not yet discharged or ended, oldest dose first.
    in_chair: Vec<Line>,
    /// Today's sessions not in the chair.
    sessions: Vec<Line>,
    /// In-session alerts no one has acknowledged yet, most serious first.
    session_alerts: Vec<Line>,
    alerts: Vec<Line>,
    rems_due: Vec<Line>,
    by_status: Vec<StatusCount>,
}

/// One line of "Patients by status": the count, linked to the patient list filtered by that status.
#[derive(Debug, Clone)]
pub struct StatusCount {
    pub href: String,
    pub label: &'static str,
    pub count: usize,
}

/// `GET /portal`.
pub async fn page(State(state): State<AppState>, staff: PortalStaff) -> Response {
    let demo = state.config.demo;
    let scope = match super::clinic_scope(&staff, demo, "/portal").await {
        Ok(scope) => scope,
        Err(response) => return response,
    };
    let zone = match ClinicTime::of(&scope).await {
        Ok(zone) => zone,
        Err(error) => return respond("/portal", demo, error.into()),
    };
    // "Today" is the clinic's calendar day: its midnight to the next, in the clinic's time zone.
    let (today, day_start, day_end) = zone.today(staff.store().now());
    let data = async {
        let new = ReferralFilter { status: Some(ReferralStatus::New), level: None };
        let referrals = scope.referral_page(new, REFERRAL_PAGE_SIZE, 0).await?;
        let summaries = scope.patient_list().await?;
        let clinic = scope.clinic_listing().await.map(|c| c.name).unwrap_or_else(|_| scope.clinic_id().to_string());
        let names: HashMap<PatientId, String> = summaries
            .iter()
            .map(|s| (s.patient.id, format!("{} {}", s.patient.given_name, s.patient.family_name)))
            .collect();
        let name = |id: &PatientId| names.get(id).cloned().unwrap_or_default();
        let mut open = scope.open_session_alerts().await?;
        ketapath_care::treatment::alerts::most_serious_first(&mut open);
        let now = staff.store().now();
        let mut in_chair = Vec::new();
        let mut chair_ids = std::collections::HashSet::new();
        for d in scope.sessions_in_chair().await? {
            chair_ids.insert(d.session.id);
            in_chair.push(chair_line(&scope, &zone, now, &d, &name(&d.session.patient_id), &open).await?);
        }
        // Today's other sessions: one query for the clinic's sessions of its local day.
        let sessions: Vec<Line> = scope
            .sessions_between(day_start, day_end)
            .await?
            .into_iter()
            .filter(|d| !chair_ids.contains(&d.session.id))
            .map(|d| Line {
                href: format!("{}/{}", super::sessions::PATH, d.session.id),
                text: format!(
                    "{}{}: {} session {} ({})",
                    d.session
                        .started_at
                        .or(d.session.scheduled_at)
                        .map(|at| format!("{} ", zone.clock(at)))
                        .unwrap_or_default(),
                    name(&d.session.patient_id),
                    treatment_label(&d.treatment),
                    d.session.number,
                    d.session.status.label()
                ),
                urgent: false,
            })
            .collect();
        let mut counts: Vec<(PatientStatus, usize)> = PatientStatus::ALL.iter().map(|s| (*s, 0)).collect();
        for facts in scope.patient_care_facts().await? {
            if let Some(entry) = counts.iter_mut().find(|(s, _)| *s == facts.status()) {
                entry.1 += 1;
            }
        }
        let by_status: Vec<StatusCount> = counts
            .into_iter()
            .map(|(status, count)| StatusCount {
                href: format!("{}?status={}", super::patients::PATH, status.code()),
                label: status.label(),
                count,
            })
            .collect();
        let session_alerts: Vec<Line> = open
            .iter()
            .map(|a| Line {
                href: format!("{}/{}#alerts", super::sessions::PATH, a.session_id),
                // An alert raised on an earlier day names its date: a bare clock time would read as today's.
                text: format!(
                    "{} {}: {} ({}) {}",
                    if zone.date_of(a.at) == today { zone.clock(a.at) } else { zone.show(a.at) },
                    name(&a.patient_id),
                    a.level,
                    super::labels::alert_code(&a.code),
                    a.message
                ),
                urgent: a.level != "warning",
            })
            .collect();
        let mut alerts = scope.self_report_alerts().await?;
        alerts.sort_by_key(|a| (a.item9 == 0, std::cmp::Reverse(a.created_at)));
        let alerts = alerts
            .iter()
            .map(|a| Line {
                href: format!("{}/{}", super::patients::PATH, a.patient_id),
                text: format!("{}: {} (PHQ-9 {}, item 9 = {})", name(&a.patient_id), a.message, a.total, a.item9),
                urgent: a.item9 > 0,
            })
            .collect();
        Ok::<_, ketapath_care::treatment::TreatmentError>((
            referrals,
            summaries.len(),
            clinic,
            (in_chair, sessions),
            (alerts, by_status, names, session_alerts),
        ))
    };
    let due = async { rems::due(&scope, &zone, today).await };
    match (data.await, due.await) {
        (
            Ok((referrals, patients, clinic, (in_chair, sessions), (alerts, by_status, names, session_alerts))),
            Ok(due),
        ) => render(
            StatusCode::OK,
            &DashboardPage {
                layout: layout("Dashboard", demo, "/portal"),
                bar: Bar::of(&staff),
                clinic,
                patients,
                new_referrals: urgent_first(referrals.referrals.iter().map(|r| row_of(&zone, r)).collect()),
                new_total: referrals.total,
                in_chair,
                sessions,
                session_alerts,
                alerts,
                by_status,
                rems_due: due
                    .iter()
                    .map(|d| {
                        let (text, urgent) = match d.entry.status {
                            FormStatus::Overdue { days_late } => (format!("overdue by {}", days(days_late)), true),
                            FormStatus::Due { days_left: 0 } => ("due today".to_owned(), true),
                            FormStatus::Due { days_left } => (format!("due in {}", days(days_left)), false),
                            FormStatus::Submitted { .. } | FormStatus::NotRequired => (String::new(), false),
                        };
                        Line {
                            href: format!("{}/{}/rems", super::sessions::PATH, d.session_id),
                            text: format!(
                                "{}: dose on {}, form due {}, {text}",
                                names.get(&d.patient_id).map_or("(patient)", String::as_str),
                                date_text(d.entry.dose_date),
                                date_text(d.entry.due_on)
                            ),
                            urgent,
                        }
                    })
                    .collect(),
            },
        ),
        (Err(error), _) | (_, Err(error)) => respond("/portal", demo, error.into()),
    }
}

/// "1 day" or "N days", for the REMS due lines.
fn days(n: impl Into<i64>) -> String {
    count(n.into(), "day")
}

/// A course's treatment code in words.
fn treatment_label(treatment: &str) -> String {
    Modality::parse(treatment).map_or_else(|_| treatment.to_owned(), |m| m.label().to_owned())
}

/// The line of a patient in the chair: full name, modality and session, minutes since the dose, the next check
/// and the session's open alerts, linked to its flowsheet. Urgent when a check is overdue or an alert is open.
async fn chair_line(
    scope: &ketapath_store::ClinicScope,
    zone: &ClinicTime,
    now: time::OffsetDateTime,
    d: &ketapath_store::domain::DaySession,
    name: &str,
    open: &[ketapath_store::domain::SessionAlert],
) -> Result<Line, ketapath_care::treatment::TreatmentError> {
    let loaded = session::load(scope, d.session.id).await?;
    let view = session::view(&loaded, now)?;
    let alerts = open.iter().filter(|a| a.session_id == d.session.id).count();
    let (minutes, next, overdue) = match &view.monitoring {
        Some(m) => (
            format!("{} since the dose", count(m.minutes_since_dose, "minute")),
            m.next_due
                .as_ref()
                .map_or_else(|| "no check due".to_owned(), |n| format!("next: {}", next_check_text(zone, n))),
            m.next_due.as_ref().is_some_and(|n| n.is_overdue()),
        ),
        None => ("dose charted for later".to_owned(), "no check due".to_owned(), false),
    };
    let alerts_text = match alerts {
        0 => "no open alerts".to_owned(),
        n => format!("{} open", count(i64::try_from(n).unwrap_or(i64::MAX), "alert")),
    };
    Ok(Line {
        href: format!("{}/{}", super::sessions::PATH, d.session.id),
        text: format!(
            "{name}: {} session {}, {minutes}; {next}; {alerts_text}",
            treatment_label(&d.treatment),
            d.session.number
        ),
        urgent: overdue || alerts > 0,
    })
}

/// The dashboard's new referrals with the self-reported emergencies, then the urgent ones, first, each level newest
/// first. The inbox itself is newest first only (a public sender's level is self-reported, so it never moves a
/// referral up there); the dashboard's short list is the one place where staff should see a reported crisis before
/// anything else, and the daily cap and merged repeats bound how many forged ones can reach it.
fn urgent_first(mut rows: Vec<ReferralRow>) -> Vec<ReferralRow> {
    // A stable sort keeps the inbox page's newest-first order within each level.
    rows.sort_by_key(|r| std::cmp::Reverse(r.urgency));
    rows
}
