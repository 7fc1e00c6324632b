//! The clinic's own outcome page and its CSV downloads (`/portal/outcomes`, `/portal/outcomes.csv`), and the demo
//! year of treated patients (`ketapath_care::demo_year`), on SQLite and PostgreSQL: an empty clinic says so with
//! 200; with data, every figure matches a brute-force count over the records the test wrote; the filters narrow
//! them; nurses, researchers and platform admins get 403; another clinic's patients are never counted; and after
//! the demo year the public registry and a publishing clinic's panel show figures above the suppression threshold.

// Test helpers may unwrap: a panic there is a failed test with its cause.
#![allow(clippy::unwrap_used)]

use axum::http::StatusCode;
use ketapath_care::demo_year::{PATIENTS_PER_CLINIC, seed_demo_year};
use ketapath_clinical::instruments::{Instrument, Items};
use ketapath_directory::ClinicId;
use ketapath_store::ClinicScope;
use ketapath_store::domain::{
    Actor, AeSeverity, AssessmentContext, Measurement, NewPatient, Origin, PastAdverseEvent, PastAssessment, PastDose,
    PastSession, PastTreatment, Role,
};
use time::{Duration, OffsetDateTime, Time};

use crate::portal_support::*;

/// One seeded patient: an esketamine course started `start_days_ago`, a PHQ-9 baseline, weekly PHQ-9 totals after
/// the start, one session every three days with its pre-dose blood pressure, whether a refused session was
/// overridden, and the adverse events by session.
struct Spec {
    start_days_ago: i64,
    baseline: i64,
    later: &'static [i64],
    pressures: &'static [(u16, u16)],
    override_refusals: bool,
    events: &'static [(usize, &'static str)],
}

/// A pressure above every blood-pressure gate; the others in the specs are well below.
const HIGH: (u16, u16) = (170, 105);

const CLINIC_A: [Spec; 6] = [
    Spec {
        start_days_ago: 40,
        baseline: 20,
        later: &[14, 9, 4],
        pressures: &[(120, 75), HIGH, (122, 76)],
        override_refusals: true,
        events: &[(0, "dissociation")],
    },
    Spec {
        start_days_ago: 40,
        baseline: 18,
        later: &[15, 12, 9],
        pressures: &[(118, 70), HIGH],
        override_refusals: false,
        events: &[(0, "nausea")],
    },
    Spec {
        start_days_ago: 35,
        baseline: 22,
        later: &[21, 20, 19],
        pressures: &[(125, 80)],
        override_refusals: false,
        events: &[],
    },
    Spec {
        start_days_ago: 30,
        baseline: 16,
        later: &[10, 7, 8],
        pressures: &[(121, 70), (119, 72)],
        override_refusals: false,
        events: &[(1, "dissociation")],
    },
    // Started more than three months ago: left out of the last three months.
    Spec {
        start_days_ago: 200,
        baseline: 15,
        later: &[5, 3],
        pressures: &[(130, 80)],
        override_refusals: false,
        events: &[],
    },
    // A baseline below the PHQ-9 floor of 10: treated, but no change to assess.
    Spec {
        start_days_ago: 30,
        baseline: 8,
        later: &[3],
        pressures: &[(120, 70)],
        override_refusals: false,
        events: &[],
    },
];

/// Clinic B's one patient, who remits: never counted on clinic A's page.
const CLINIC_B: Spec = Spec {
    start_days_ago: 50,
    baseline: 20,
    later: &[2],
    pressures: &[(120, 70)],
    override_refusals: false,
    events: &[],
};

fn phq9(total: i64) -> Items {
    let values: Vec<i64> = (0..8).map(|i| total / 8 + i64::from(i < total % 8)).chain([0]).collect();
    Items::from_values(Instrument::Phq9, &values).unwrap()
}

fn two_pm(now: OffsetDateTime, days_ago: i64) -> OffsetDateTime {
    OffsetDateTime::new_utc(now.date() - Duration::days(days_ago), Time::from_hms(14, 0, 0).unwrap())
}

fn past(spec: &Spec, n: usize, now: OffsetDateTime) -> PastTreatment {
    let start = two_pm(now, spec.start_days_ago);
    let sessions = spec
        .pressures
        .iter()
        .enumerate()
        .map(|(k, &(systolic, diastolic))| {
            let started_at = start + Duration::days(3 * k as i64);
            let refused = (systolic, diastolic) == HIGH;
            let dosed = !refused || spec.override_refusals;
            PastSession {
                started_at,
                observations: vec![(started_at, Measurement::BloodPressure { systolic, diastolic })],
                dose: dosed.then(|| PastDose {
                    at: started_at + Duration::minutes(10),
                    drug: "esketamine".to_owned(),
                    dose_mg: 56.0,
                    route: "intranasal".to_owned(),
                    lot_number: None,
                }),
                gate_override: (refused && spec.override_refusals)
                    .then(|| ("Rechecked after rest; benefit discussed.".to_owned(), vec!["bp_gate@1".to_owned()])),
                ended_at: started_at + Duration::hours(2) + Duration::minutes(15),
                adverse_events: spec
                    .events
                    .iter()
                    .filter(|(s, _)| *s == k)
                    .map(|(_, kind)| PastAdverseEvent {
                        at: started_at + Duration::minutes(40),
                        kind: (*kind).to_owned(),
                        severity: AeSeverity::Mild,
                        description: None,
                    })
                    .collect(),
            }
        })
        .collect();
    let mut assessments = vec![PastAssessment {
        items: phq9(spec.baseline),
        at: start - Duration::days(2),
        context: AssessmentContext::Baseline,
        session: None,
    }];
    for (k, total) in spec.later.iter().enumerate() {
        assessments.push(PastAssessment {
            items: phq9(*total),
            at: start + Duration::days(7 * (k as i64 + 1)) + Duration::hours(3),
            context: AssessmentContext::FollowUp,
            session: None,
        });
    }
    PastTreatment {
        patient: NewPatient {
            mrn: Some(format!("OUT-{n}")),
            given_name: "Outcome".to_owned(),
            family_name: format!("Example{n}"),
            birth_date: now.date() - Duration::days(365 * 40),
            sex: None,
            phone: None,
            email: None,
            research_consent: false,
            rems_patient_id: None,
        },
        consent_on: None,
        treatment: "esketamine_nasal".to_owned(),
        planned_sessions: Some(8),
        started_on: start.date(),
        ended_on: None,
        sessions,
        assessments,
    }
}

async fn prescriber_scope(p: &Portal, email: &str, clinic: &str) -> ClinicScope {
    let id = p.user(email, Role::Prescriber, Some(clinic)).await;
    let actor = Actor {
        user_id: id,
        clinic_id: Some(ClinicId::parse(clinic).unwrap()),
        role: Role::Prescriber,
        origin: Origin::cli(),
    };
    p.store.for_clinic(&actor).await.unwrap()
}

/// The Wilson 95% interval, written out from the formula (Wilson 1927) for the oracle.
fn wilson(k: f64, n: f64) -> (f64, f64) {
    let z: f64 = 1.96;
    let p = k / n;
    let d = 1.0 + z * z / n;
    let c = (p + z * z / (2.0 * n)) / d;
    let m = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / d;
    (if k == 0.0 { 0.0 } else { c - m }, if k == n { 1.0 } else { c + m })
}

fn words(k: usize, n: usize) -> String {
    let (low, high) = wilson(k as f64, n as f64);
    format!("{:.1}% (95% CI {:.1}–{:.1}%), {k} of {n}", k as f64 / n as f64 * 100.0, low * 100.0, high * 100.0)
}

/// The brute-force count over `specs`: (assessable patients, responders, remitters), by the published PHQ-9
/// definitions (baseline at least 10; response: the latest total at most half the baseline; remission: under 5).
fn count(specs: &[&Spec]) -> (usize, usize, usize) {
    let assessable: Vec<&&Spec> = specs.iter().filter(|s| s.baseline >= 10).collect();
    let latest = |s: &Spec| *s.later.last().unwrap();
    let responders = assessable.iter().filter(|s| latest(s) * 2 <= s.baseline).count();
    let remitters = assessable.iter().filter(|s| latest(s) < 5).count();
    (assessable.len(), responders, remitters)
}

/// Kaplan–Meier by brute force over (days, event) pairs: the distinct times and the estimate after the last.
fn kaplan_meier(mut obs: Vec<(f64, bool)>) -> (usize, f64) {
    obs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut times: Vec<f64> = obs.iter().map(|o| o.0).collect();
    times.dedup();
    let mut survival = 1.0;
    for t in &times {
        let at_risk = obs.iter().filter(|o| o.0 >= *t).count() as f64;
        let events = obs.iter().filter(|o| o.0 == *t && o.1).count() as f64;
        survival *= 1.0 - events / at_risk;
    }
    (times.len(), survival)
}

/// Days from the first session (14:00) to the first responding weekly score (17:00), or to the latest score.
fn time_to_response(specs: &[&Spec]) -> Vec<(f64, bool)> {
    specs
        .iter()
        .filter(|s| s.baseline >= 10)
        .map(|s| {
            let day = |k: usize| 7.0 * (k as f64 + 1.0) + 0.125;
            match s.later.iter().position(|t| t * 2 <= s.baseline) {
                Some(k) => (day(k), true),
                None => (day(s.later.len() - 1), false),
            }
        })
        .collect()
}

fn csv_lines(reply: &crate::support::Reply) -> Vec<Vec<String>> {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.header("content-type"), Some("text/csv; charset=utf-8"));
    reply.text().lines().map(|l| l.split(',').map(str::to_owned).collect()).collect()
}

async fn signed_in(p: &Portal, email: &str, role: Role, clinic: Option<&str>) -> Browser {
    p.user(email, role, clinic).await;
    let mut b = p.browser();
    let reply = b.sign_in(email, PASSWORD, "").await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    b
}

async fn clinic_figures(p: Portal) {
    let now = p.store.now();
    // Before any record: the page says so in words, with 200, and the CSV has its header only.
    let mut admin = signed_in(&p, "admin@a.example", Role::ClinicAdmin, Some("clinic-a")).await;
    let empty = admin.get("/portal/outcomes").await;
    assert_eq!(empty.status, StatusCode::OK, "{}", empty.text());
    assert!(empty.text().contains("No treated patient yet"), "{}", empty.text());
    let header_only = csv_lines(&admin.get("/portal/outcomes.csv?table=outcomes").await);
    assert_eq!(header_only.len(), 1);

    let rx_a = prescriber_scope(&p, "rx@a.example", "clinic-a").await;
    for (n, spec) in CLINIC_A.iter().enumerate() {
        rx_a.record_past_treatment(past(spec, n, now)).await.unwrap();
    }
    let rx_b = prescriber_scope(&p, "rx@b.example", "clinic-b").await;
    rx_b.record_past_treatment(past(&CLINIC_B, 99, now)).await.unwrap();
    p.verified().await;

    // Response and remission, as the brute-force count over clinic A's specs gives them.
    let all: Vec<&Spec> = CLINIC_A.iter().collect();
    let (n, responders, remitters) = count(&all);
    let page = admin.get("/portal/outcomes").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains(&words(responders, n)), "response {} in {html}", words(responders, n));
    assert!(html.contains(&words(remitters, n)), "remission {} in {html}", words(remitters, n));
    assert!(html.contains(&format!("Patients with a course in view: {}", CLINIC_A.len())), "{html}");
    assert!(html.contains("<svg"), "the Kaplan–Meier charts are inline SVG");
    assert!(!html.contains("<script"), "no script on the page");

    let rows = csv_lines(&admin.get("/portal/outcomes.csv?table=outcomes").await);
    assert_eq!(
        rows[0].join(","),
        "modality,instrument,patients,responders,response_rate,response_ci_low,response_ci_high,remitters,remission_rate,remission_ci_low,remission_ci_high,baseline_min"
    );
    assert_eq!(rows.len(), 2, "one cell: esketamine with the PHQ-9");
    let row = &rows[1];
    assert_eq!((row[0].as_str(), row[1].as_str()), ("esketamine_nasal", "phq9"));
    assert_eq!(row[2], n.to_string());
    assert_eq!(row[3], responders.to_string());
    let (low, high) = wilson(responders as f64, n as f64);
    for (cell, expected) in [(&row[4], responders as f64 / n as f64), (&row[5], low), (&row[6], high)] {
        assert!((cell.parse::<f64>().unwrap() - expected).abs() < 1e-4, "{cell} against {expected}");
    }
    assert_eq!(row[7], remitters.to_string());

    // Time to first response: the distinct times and the last estimate of a brute-force Kaplan–Meier.
    let (times, survival) = kaplan_meier(time_to_response(&all));
    let rows = csv_lines(&admin.get("/portal/outcomes.csv?table=time_to_response").await);
    assert_eq!(rows[0].join(","), "modality,instrument,days,at_risk,events,censored,estimate,ci_low,ci_high");
    assert_eq!(rows.len() - 1, times);
    let last: f64 = rows.last().unwrap()[6].parse().unwrap();
    assert!((last - survival).abs() < 1e-4, "{last} against {survival}");

    // Gate refusals and overrides, and adverse events per 100 sessions, counted from the specs.
    let sessions: usize = CLINIC_A.iter().map(|s| s.pressures.len()).sum();
    let refused: usize = CLINIC_A.iter().map(|s| s.pressures.iter().filter(|bp| **bp == HIGH).count()).sum();
    let overridden: usize = CLINIC_A
        .iter()
        .filter(|s| s.override_refusals)
        .map(|s| s.pressures.iter().filter(|bp| **bp == HIGH).count())
        .sum();
    assert!(html.contains(&words(refused, sessions)), "gate refusals {} in {html}", words(refused, sessions));
    assert!(html.contains(&words(overridden, refused)), "overrides {}", words(overridden, refused));
    let gates = csv_lines(&admin.get("/portal/outcomes.csv?table=gates").await);
    assert_eq!(gates.len(), 3);
    assert_eq!(gates[1][..3], ["blocked".to_owned(), refused.to_string(), sessions.to_string()]);
    let events = csv_lines(&admin.get("/portal/outcomes.csv?table=adverse_events").await);
    let dissociation = CLINIC_A.iter().flat_map(|s| s.events).filter(|(_, k)| *k == "dissociation").count();
    let line = events.iter().find(|r| r[0] == "dissociation").unwrap();
    assert_eq!(line[1], dissociation.to_string());
    assert_eq!(line[3], sessions.to_string());
    let per_100: f64 = line[4].parse().unwrap();
    assert!((per_100 - dissociation as f64 * 100.0 / sessions as f64).abs() < 0.01);
    assert_eq!(events.len() - 1, 2, "dissociation and nausea");

    // The filters: the last three months leave out the course started 200 days ago; a scale or a treatment with
    // no course says so; an unknown code is a 400 naming its field.
    let recent: Vec<&Spec> = CLINIC_A.iter().filter(|s| s.start_days_ago <= 91).collect();
    let (n3, r3, _) = count(&recent);
    let text = admin.get("/portal/outcomes?period=3_months").await.text();
    assert!(text.contains(&words(r3, n3)), "{}", words(r3, n3));
    let madrs = admin.get("/portal/outcomes?instrument=madrs").await.text();
    assert!(madrs.contains("No course has a baseline and a later score yet"), "{madrs}");
    let iv = admin.get("/portal/outcomes?modality=iv_ketamine&instrument=&period=all").await;
    assert_eq!(iv.status, StatusCode::OK);
    assert!(iv.text().contains("No treated patient yet"));
    let bad = admin.get("/portal/outcomes?modality=laughing_gas").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.text().contains("modality"), "{}", bad.text());
    let bad = admin.get("/portal/outcomes.csv?table=everything").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.text().contains("table"), "{}", bad.text());

    // A prescriber sees the same page; nurses, researchers and platform admins are refused.
    let mut rx = p.browser();
    assert_eq!(rx.sign_in("rx@a.example", PASSWORD, "").await.status, StatusCode::SEE_OTHER);
    assert!(rx.get("/portal/outcomes").await.text().contains(&words(responders, n)));
    assert!(rx.get("/portal").await.text().contains("href=\"/portal/outcomes\""), "the bar links the page");
    for (email, role, clinic) in [
        ("nurse@a.example", Role::Nurse, Some("clinic-a")),
        ("research@x.example", Role::Researcher, None),
        ("platform@x.example", Role::PlatformAdmin, None),
    ] {
        let mut b = signed_in(&p, email, role, clinic).await;
        for path in ["/portal/outcomes", "/portal/outcomes.csv?table=outcomes"] {
            assert_eq!(b.get(path).await.status, StatusCode::FORBIDDEN, "{role:?} on {path}");
        }
        if role == Role::Nurse {
            assert!(!b.get("/portal").await.text().contains("href=\"/portal/outcomes\""), "no link for nurses");
        }
    }

    // Clinic B's admin sees clinic B's one patient only, and clinic A's never see it.
    let mut admin_b = signed_in(&p, "admin@b.example", Role::ClinicAdmin, Some("clinic-b")).await;
    let b_page = admin_b.get("/portal/outcomes").await.text();
    let (nb, rb, mb) = count(&[&CLINIC_B]);
    assert!(b_page.contains(&words(rb, nb)) && b_page.contains(&words(mb, nb)), "{b_page}");
    assert!(b_page.contains("Patients with a course in view: 1"), "{b_page}");
    let b_rows = csv_lines(&admin_b.get("/portal/outcomes.csv").await);
    assert_eq!(b_rows[1][2], "1");
    p.verified().await;
}

#[tokio::test]
async fn clinic_outcome_figures_on_sqlite() {
    clinic_figures(Portal::sqlite().await).await;
}

#[tokio::test]
async fn clinic_outcome_figures_on_postgres() {
    let Some(p) = Portal::postgres().await else { return };
    clinic_figures(p).await;
}

// The seeding time is printed so that a run with `--nocapture` shows what the demo year adds to `serve --demo`.
#[allow(clippy::print_stderr)]
async fn demo_year(p: Portal) {
    let clinics = [ClinicId::parse("clinic-a").unwrap(), ClinicId::parse("clinic-b").unwrap()];
    let started = std::time::Instant::now();
    let year = seed_demo_year(&p.store, &clinics, p.store.now(), 2026, std::time::Duration::ZERO)
        .await
        .unwrap()
        .expect("seeded once");
    eprintln!("demo year: {} patients in {:.2} s", year.patients, started.elapsed().as_secs_f64());
    assert_eq!(year.patients, 2 * PATIENTS_PER_CLINIC);
    assert_eq!(year.publishing, clinics);
    assert!(
        seed_demo_year(&p.store, &clinics, p.store.now(), 2026, std::time::Duration::ZERO).await.unwrap().is_none(),
        "seeded once only"
    );
    p.verified().await;

    // The public registry: response and remission shown (not "< 11") for both treatments with the PHQ-9, and
    // the durability curves drawn.
    let mut b = p.browser();
    let registry = b.get("/api/v1/registry").await.json();
    for modality in ["esketamine_nasal", "iv_ketamine"] {
        let cell = registry["outcomes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["modality"] == modality && c["instrument"] == "phq9")
            .unwrap_or_else(|| panic!("a {modality} PHQ-9 cell in {registry}"));
        assert!(cell["response"]["n"].as_u64().unwrap() >= 11, "{cell}");
        assert!(cell["remission"]["rate"].is_number(), "{cell}");
        assert!(cell["durability"]["steps"].as_array().is_some_and(|s| !s.is_empty()), "{cell}");
    }
    let rates = [&registry["bp_gate"]["blocked"]["rate"], &registry["bp_gate"]["overridden"]["rate"]];
    assert!(rates.iter().all(|r| r.is_number()), "gate rates shown: {}", registry["bp_gate"]);
    let page = b.get("/registry").await.text();
    assert!(page.contains("Durability of response: "), "the registry's Kaplan–Meier charts");

    // A publishing clinic's panel shows its lines.
    for clinic in &clinics {
        let doc = b.get(&format!("/api/v1/clinics/{clinic}")).await.json();
        let lines = doc["outcomes"].as_array().unwrap_or_else(|| panic!("{clinic} publishes: {doc}"));
        assert!(lines.iter().any(|l| l["patients"].as_u64().unwrap() >= 11), "{doc}");
    }

    // The clinic's own page has figures and both kinds of Kaplan–Meier chart.
    let mut admin = signed_in(&p, "admin@a.example", Role::ClinicAdmin, Some("clinic-a")).await;
    let html = admin.get("/portal/outcomes").await.text();
    assert!(html.contains(&format!("Patients with a course in view: {PATIENTS_PER_CLINIC}")), "{html}");
    assert!(html.contains("Share not yet responding") && html.contains("Share still responding"), "{html}");
    assert!(html.contains("MADRS") && html.contains("QIDS-SR16"), "three scales: {html}");
}

#[tokio::test]
async fn demo_year_on_sqlite() {
    demo_year(Portal::sqlite().await).await;
}

#[tokio::test]
async fn demo_year_on_postgres() {
    let Some(p) = Portal::postgres().await else { return };
    demo_year(p).await;
}
