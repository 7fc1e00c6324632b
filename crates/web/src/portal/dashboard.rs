//! `GET /portal`: the clinic's dashboard: in-session alerts until a staff member acknowledges them (most serious
//! first), today's sessions (one store query for the day, each linked to its live page), patients by status
//! (`PatientStatus`, each count linked to the filtered patient list), self-report alerts (a positive item 9 first), REMS Patient Monitoring Forms due or overdue (from `treatment::rems::due`), new
//! referrals and the patient count. Roles without patient access get the "no patient access" page instead.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use std::collections::HashMap;

use ketapath_clinical::protocols::Modality;
use ketapath_clinical::rems::FormStatus;
use ketapath_store::domain::{PatientId, PatientStatus, ReferralFilter, ReferralStatus};

use super::referrals::{PAGE_SIZE as REFERRAL_PAGE_SIZE, ReferralRow, row_of};
use super::sign_in_cookie::PortalStaff;
use super::{Bar, layout};
use crate::error::respond;
use crate::pages::{Layout, render};
use crate::state::AppState;
use ketapath_care::clinic_time::ClinicTime;
use ketapath_care::treatment::rems;

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
        // Today's sessions: one query for the clinic's sessions of its local day.
        let sessions: Vec<Line> = scope
            .sessions_between(day_start, day_end)
            .await?
            .into_iter()
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
                    Modality::parse(&d.treatment).map_or_else(|_| d.treatment.clone(), |m| m.label().to_owned()),
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
        let mut open = scope.open_session_alerts().await?;
        ketapath_care::treatment::alerts::most_serious_first(&mut open);
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
                    a.code,
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
            sessions,
            (alerts, by_status, names, session_alerts),
        ))
    };
    let due = async { rems::due(&scope, &zone, today).await };
    match (data.await, due.await) {
        (Ok((referrals, patients, clinic, sessions, (alerts, by_status, names, session_alerts))), Ok(due)) => render(
            StatusCode::OK,
            &DashboardPage {
                layout: layout("Dashboard", demo, "/portal"),
                bar: Bar::of(&staff),
                clinic,
                patients,
                new_referrals: referrals.referrals.iter().map(|r| row_of(&zone, r)).collect(),
                new_total: referrals.total,
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
                                d.entry.dose_date,
                                d.entry.due_on
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
    let n = n.into();
    if n == 1 { "1 day".to_owned() } else { format!("{n} days") }
}
