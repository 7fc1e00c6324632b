//! A treatment day through the portal's pages, on SQLite and PostgreSQL, with the store's clock moved by hand: a
//! nurse starts an esketamine session from the patient page, records pre-checks, the dose and the 40-minute blood
//! pressure (charted after the fact), is refused an early discharge (409, the page naming the minimum time) and an
//! override, then discharges; a prescriber passes a refused blood-pressure gate with a reason; another clinic's
//! nurse gets 404 for the session page and its forms.
//!
//! `clinic-a` is in New York: the pages show and the forms take times on its clock (EST, UTC-5), so the 09:45 UTC
//! check is typed and shown as 04:45 EST.

#![allow(clippy::unwrap_used)]

use axum::body::Body;
use axum::http::{Method, StatusCode, header};
use ketapath_store::domain::Role;
use serde_json::json;
use time::Duration;
use time::macros::datetime;

use crate::portal_support::*;

/// Moves the portal's clock to `minutes` after 09:00 UTC on the test day, ten minutes at a time with the session
/// page reloaded at each step, as its one-minute refresh does (a session unused for 15 minutes ends).
pub(crate) async fn at(p: &Portal, b: &mut Browser, page: &str, minutes: i64) {
    let target = datetime!(2026-11-27 09:00 UTC) + Duration::minutes(minutes);
    while p.store.now() < target {
        p.clock.set((p.store.now() + Duration::minutes(10)).min(target));
        assert_eq!(b.get(page).await.status, StatusCode::OK);
    }
}

/// A JSON call of the API with the browser's session cookie and CSRF header, as the portal's own scripts would.
async fn api(b: &mut Browser, method: Method, uri: &str, csrf: &str, body: serde_json::Value) -> StatusCode {
    let request = b
        .request(method, uri)
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-csrf-token", csrf)
        .body(Body::from(body.to_string()))
        .unwrap();
    let reply = b.send(request).await;
    assert!(reply.status.is_success(), "{uri}: {}", reply.text());
    reply.status
}

async fn treatment_day(mut p: Portal) {
    // A whole treatment day is more form posts from one address than the default POST burst allows.
    let mut config = ketapath_web::WebConfig::default();
    config.rate_limit.burst = 1000;
    p.app = app_over(&p.store, config).await;
    p.user("nurse@a.example", Role::Nurse, Some("clinic-a")).await;
    p.user("rx@a.example", Role::Prescriber, Some("clinic-a")).await;
    p.user("nurse@b.example", Role::Nurse, Some("clinic-b")).await;
    let mut nurse = p.browser();
    nurse.sign_in("nurse@a.example", PASSWORD, "").await;
    let csrf = nurse.csrf().await;
    let made = nurse
        .post(
            "/portal/patients/new",
            &[("csrf", &csrf), ("given_name", "Ada"), ("family_name", "Example"), ("birth_date", "1980-04-01")],
        )
        .await;
    let patient = made.header("location").unwrap().to_owned();

    // The intake (two failed trials, staged by Maudsley) and a baseline PHQ-9 of 20 the day before, via the API.
    let api_patient = patient.replace("/portal/patients/", "/api/v1/patients/");
    let intake_form = nurse.get(&format!("{patient}/intake")).await;
    assert_eq!(intake_form.status, StatusCode::OK);
    assert!(intake_form.text().contains("aneurysmal_vascular_disease"), "the conditions are offered");
    let mut answers = vec![
        ("csrf", csrf.as_str()),
        ("trial0_drug", "sertraline"),
        ("trial0_dose", "150"),
        ("trial0_weeks", "10"),
        ("trial0_improvement", "none"),
        ("trial1_drug", "venlafaxine"),
        ("trial1_dose", "225"),
        ("trial1_weeks", "eight"),
        ("trial1_improvement", "partial"),
        ("episode_months", "18"),
        ("severity", "moderate"),
        ("rems_enrolled", "yes"),
        ("pregnancy_potential", "no"),
    ];
    let bad = nurse.post(&format!("{patient}/intake"), &answers).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.text().contains("trials[1].weeks: must be a number"), "{}", bad.text());
    answers[7] = ("trial1_weeks", "8");
    let saved = nurse.post(&format!("{patient}/intake"), &answers).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    let baseline = json!({"instrument": "phq9", "items": [3, 3, 3, 3, 3, 3, 2, 0, 0],
        "taken_at": "2026-11-26T09:00:00Z", "context": "baseline"});
    api(&mut nurse, Method::POST, &format!("{api_patient}/assessments"), &csrf, baseline).await;

    // A nurse may not send an override: refused before anything is written.
    let start = format!("{patient}/sessions");
    let refused =
        nurse.post(&start, &[("csrf", &csrf), ("modality", "esketamine_nasal"), ("override_reason", "trust me")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text());
    let page = nurse.get(&patient).await.text();
    assert!(page.contains("No sessions yet") && page.contains("Start a session"), "{page}");
    assert!(!page.contains("override_reason"), "no override field for a nurse");

    let started = nurse.post(&start, &[("csrf", &csrf), ("modality", "esketamine_nasal")]).await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.text());
    let session = started.header("location").unwrap().to_owned();
    assert!(session.starts_with("/portal/sessions/"));
    assert!(nurse.get(&patient).await.text().contains(&format!("href=\"{session}\"")));
    let form = |tail: &str| format!("{session}{tail}");

    // Pre-checks at 09:00 with a blood pressure within the gate; the dose at 09:05 (56 mg, lot AB123).
    let checks = nurse
        .post(
            &form("/pre-checks"),
            &[
                ("csrf", &csrf),
                ("last_food_at", "2026-11-27T01:00"),
                ("last_liquid_at", "2026-11-27T03:00"),
                ("transport_home_arranged", "yes"),
                ("systolic", "128"),
                ("diastolic", "82"),
            ],
        )
        .await;
    assert_eq!(checks.status, StatusCode::SEE_OTHER, "{}", checks.text());
    at(&p, &mut nurse, &session, 5).await;
    let dose = nurse.post(&form("/dose"), &[("csrf", &csrf), ("dose_mg", "56"), ("lot", "AB123")]).await;
    assert_eq!(dose.status, StatusCode::SEE_OTHER, "{}", dose.text());

    // At 09:47 the 40-minute blood pressure is due, shown as the next item; it is charted at 09:45.
    at(&p, &mut nurse, &session, 47).await;
    let live = nurse.get(&session).await;
    assert_eq!(live.status, StatusCode::OK);
    assert_eq!(live.header("cache-control"), Some("no-store"));
    let text = live.text();
    assert!(text.contains(">42 minutes</strong>; minimum monitoring until"), "{text}");
    assert!(text.contains("id=\"next-due\"><strong>blood pressure</strong> at 40 minutes (04:45 EST)"), "{text}");
    assert!(!text.contains("http-equiv"), "the page never reloads itself over typed input");
    assert!(!text.contains("override_reason"), "no override field for a nurse");
    let obs = [
        ("csrf", csrf.as_str()),
        ("at", "2026-11-27T04:45"),
        ("systolic", "150"),
        ("diastolic", "95"),
        ("heart_rate", "84"),
        ("spo2", "97"),
        ("moaas", "4"),
        ("cadss", "12"),
    ];
    assert_eq!(nurse.post(&form("/observations"), &obs).await.status, StatusCode::SEE_OTHER);
    let text = nurse.get(&session).await.text();
    assert!(
        text.contains(
            "04:45 EST <span class=\"after\">(40 minutes after the dose)</span></th><td>150/95</td><td>84</td>"
        ),
        "one flowsheet row per check: {text}"
    );
    assert!(!text.contains("id=\"next-due\"><strong>blood pressure</strong>"), "{text}");
    let bad = nurse.post(&form("/observations"), &[("csrf", &csrf), ("at", "2026-11-27T12:00"), ("spo2", "98")]).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.text().contains("<strong>Time:</strong> Must not be in the future"), "{}", bad.text());
    assert!(
        bad.text().contains("value=\"2026-11-27T12:00\"") && bad.text().contains("value=\"98\""),
        "typed values kept"
    );
    let event = [("csrf", csrf.as_str()), ("kind", "dissociation"), ("severity", "mild")];
    assert_eq!(nurse.post(&form("/adverse-events"), &event).await.status, StatusCode::SEE_OTHER);

    // At 10:35, calm and alert but before the two hours: the page again, 409, naming the minimum time.
    at(&p, &mut nurse, &session, 95).await;
    let calm = [("csrf", csrf.as_str()), ("systolic", "132"), ("diastolic", "84"), ("spo2", "98"), ("moaas", "5")];
    assert_eq!(nurse.post(&form("/observations"), &calm).await.status, StatusCode::SEE_OTHER);
    let early = nurse.post(&form("/discharge"), &[("csrf", &csrf), ("ready_to_leave_at", "2026-11-27T05:35")]).await;
    assert_eq!(early.status, StatusCode::CONFLICT);
    let text = early.text();
    assert!(
        text.contains("Not discharged: the patient may not leave yet") && text.contains("<code>minimum_time</code>"),
        "{text}"
    );
    assert!(text.contains("Save check"), "the session page, not a bare error page");
    // The minimum is absolute: an override reason changes nothing, for the nurse as for anyone.
    let nurse_override = [("csrf", csrf.as_str()), ("ready_to_leave_at", "2026-11-27T05:35"), ("override_reason", "x")];
    let refused = nurse.post(&form("/discharge"), &nurse_override).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    let text = refused.text();
    assert!(
        text.contains("Not discharged: the patient may not leave yet") && text.contains("no override lifts"),
        "{text}"
    );

    // Charted after the fact at 11:20: the pre-discharge vitals at 11:06 and the discharge at 11:10.
    at(&p, &mut nurse, &session, 140).await;
    let vitals = [
        ("csrf", csrf.as_str()),
        ("at", "2026-11-27T06:06"),
        ("systolic", "130"),
        ("diastolic", "80"),
        ("spo2", "98"),
        ("moaas", "5"),
        ("cadss", "0"),
    ];
    assert_eq!(nurse.post(&form("/observations"), &vitals).await.status, StatusCode::SEE_OTHER);
    let discharge = [("csrf", csrf.as_str()), ("at", "2026-11-27T06:10"), ("ready_to_leave_at", "2026-11-27T05:35")];
    let done = nurse.post(&form("/discharge"), &discharge).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text());
    let text = nurse.get(&session).await.text();
    assert!(text.contains("<strong>completed</strong>"), "{text}");
    assert!(
        text.contains("06:10 EST</td><td>Discharge</td><td>discharged, ready to leave 90 min after the dose"),
        "{text}"
    );
    assert!(!text.contains("Save check"), "no forms on a completed session");

    // The REMS form, drafted from the session, as a printable page and as a PDF.
    let rems = nurse.get(&form("/rems")).await;
    assert_eq!(rems.status, StatusCode::OK);
    assert_eq!(rems.header("cache-control"), Some("no-store"));
    let text = rems.text();
    assert!(text.contains("REMS Patient Monitoring Form") && text.contains("AB123"), "{text}");
    assert!(text.contains(&format!("href=\"{session}/rems.pdf\"")), "{text}");
    let pdf = nurse.get(&form("/rems.pdf")).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.header("content-type"), Some("application/pdf"));
    assert!(pdf.body.starts_with(b"%PDF-"));

    // A PHQ-9 of 8 after the session: a response against the baseline, shown with its rule and a chart.
    let assess = format!("{patient}/assessments");
    let bad =
        [("csrf", csrf.as_str()), ("instrument", "phq9"), ("items", "1,1,1,1,1,1,1,1,9"), ("context", "follow_up")];
    let refused = nurse.post(&assess, &bad).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(
        refused.text().contains("item 9 (Thoughts of death or self-harm) must be an integer from 0 to 3"),
        "{}",
        refused.text()
    );
    let later = [
        ("csrf", csrf.as_str()),
        ("instrument", "phq9"),
        ("items", "1, 1, 1, 1, 1, 1, 1, 1, 0"),
        ("context", "follow_up"),
    ];
    assert_eq!(nurse.post(&assess, &later).await.status, StatusCode::SEE_OTHER);
    let page = nurse.get(&patient).await.text();
    assert!(page.contains("meets definition") && page.contains("Maudsley staging"), "{page}");
    assert!(page.contains("<td>PHQ-9</td><td>20</td><td>8</td><td>-60 %</td><td>yes</td>"), "{page}");
    assert!(page.contains("<svg") && page.contains("</svg>"), "one chart per instrument");

    // A self-report link: its one-time URL shown once, then listed as pending (never with its token).
    let link =
        nurse.post(&format!("{patient}/self-report-links"), &[("csrf", &csrf), ("expires_in_hours", "48")]).await;
    assert_eq!(link.status, StatusCode::CREATED, "{}", link.text());
    let url = link.text().split("<code>").nth(1).and_then(|t| t.split('<').next()).unwrap().to_owned();
    assert!(url.starts_with("/r/"), "{url}");
    let page = nurse.get(&patient).await.text();
    assert!(page.contains(": pending</li>") && !page.contains(&url), "{page}");
    assert!(page.contains("<p id=\"research-consent\">Not given: no research consent is recorded"), "{page}");
    let bad =
        nurse.post(&format!("{patient}/self-report-links"), &[("csrf", &csrf), ("expires_in_hours", "9999")]).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);

    // The dashboard lists the session of the day and its REMS form, due in seven days.
    let dashboard = nurse.get("/portal").await.text();
    assert!(
        dashboard.contains("Today's other sessions (1)") && dashboard.contains(&format!("href=\"{session}\"")),
        "{dashboard}"
    );
    assert!(dashboard.contains("REMS forms due (1)") && dashboard.contains("due in 7 days"), "{dashboard}");
    assert!(dashboard.contains(&format!("href=\"{session}/rems\"")), "{dashboard}");

    // A prescriber: the override field is there, and a blood pressure over the gate is passed only with a reason.
    p.clock.set(datetime!(2026-11-30 09:00 UTC));
    let mut rx = p.browser();
    rx.sign_in("rx@a.example", PASSWORD, "").await;
    let rx_csrf = rx.csrf().await;
    let second = rx.post(&start, &[("csrf", &rx_csrf), ("modality", "esketamine_nasal")]).await;
    let second = second.header("location").unwrap().to_owned();
    let high = [("csrf", rx_csrf.as_str()), ("systolic", "170"), ("diastolic", "105")];
    assert_eq!(rx.post(&format!("{second}/pre-checks"), &high).await.status, StatusCode::SEE_OTHER);
    let dose = [("csrf", rx_csrf.as_str()), ("dose_mg", "56"), ("lot", "AB124")];
    let gated = rx.post(&format!("{second}/dose"), &dose).await;
    assert_eq!(gated.status, StatusCode::CONFLICT);
    let text = gated.text();
    assert!(
        text.contains("the blood pressure gate did not pass") && text.contains("with an override reason"),
        "{text}"
    );
    assert!(text.contains("rechecked") || text.contains("value=\"AB124\""), "the typed lot is kept: {text}");
    let mut with_reason = dose.to_vec();
    with_reason.push(("override_reason", "rechecked after rest; cardiology cleared"));
    assert_eq!(rx.post(&format!("{second}/dose"), &with_reason).await.status, StatusCode::SEE_OTHER);
    assert!(rx.get(&second).await.text().contains("rechecked after rest; cardiology cleared"));

    // A contraindication in the intake blocks a course: refused to the nurse (409, and 403 with an override), planned
    // by the prescriber with a reason; the patient page names the contraindication with its rule. The nurse signs in
    // again: the clock moved on by days.
    let mut nurse = p.browser();
    nurse.sign_in("nurse@a.example", PASSWORD, "").await;
    let csrf = nurse.csrf().await;
    let grace = nurse
        .post(
            "/portal/patients/new",
            &[("csrf", &csrf), ("given_name", "Grace"), ("family_name", "Example"), ("birth_date", "1970-02-02")],
        )
        .await;
    let grace = grace.header("location").unwrap().to_owned();
    let with_condition = [("csrf", csrf.as_str()), ("conditions", "aneurysmal_vascular_disease")];
    assert_eq!(nurse.post(&format!("{grace}/intake"), &with_condition).await.status, StatusCode::SEE_OTHER);
    let plan = [("csrf", csrf.as_str()), ("modality", "esketamine_nasal"), ("start_date", "2026-12-01")];
    let blocked = nurse.post(&format!("{grace}/courses"), &plan).await;
    assert_eq!(blocked.status, StatusCode::CONFLICT);
    assert!(blocked.text().contains("aneurysmal_vascular_disease"), "{}", blocked.text());
    let mut with_reason = plan.to_vec();
    with_reason.push(("override_reason", "vascular surgery cleared"));
    assert_eq!(nurse.post(&format!("{grace}/courses"), &with_reason).await.status, StatusCode::FORBIDDEN);
    with_reason[0] = ("csrf", rx_csrf.as_str());
    assert_eq!(rx.post(&format!("{grace}/courses"), &with_reason).await.status, StatusCode::SEE_OTHER);
    let page = rx.get(&grace).await.text();
    assert!(page.contains("aneurysm") && page.contains(" (rule ") && !page.contains("aneurysmal_vascular"), "{page}");
    let planned =
        "Esketamine nasal spray (SPRAVATO) for treatment-resistant depression (TRD): planned, 8 sessions planned";
    assert!(page.contains(planned), "{page}");

    // Another clinic's nurse: the page and its forms answer 404, like a session that does not exist.
    let mut other = p.browser();
    other.sign_in("nurse@b.example", PASSWORD, "").await;
    let other_csrf = other.csrf().await;
    assert_eq!(other.get(&session).await.status, StatusCode::NOT_FOUND);
    assert_eq!(other.get(&form("/rems")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(other.get(&form("/rems.pdf")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(other.get("/portal/sessions/not-an-id").await.status, StatusCode::NOT_FOUND);
    let forged = other.post(&format!("{second}/observations"), &[("csrf", &other_csrf), ("spo2", "99")]).await;
    assert_eq!(forged.status, StatusCode::NOT_FOUND);
    p.verified().await;
}

#[tokio::test]
async fn portal_treatment_day_on_sqlite() {
    treatment_day(Portal::sqlite().await).await;
}

#[tokio::test]
async fn portal_treatment_day_on_postgres() {
    let Some(p) = Portal::postgres().await else { return };
    treatment_day(p).await;
}

/// The portal's assessment entry and list use the suicide-item levels of the score and self-report alerts: a MADRS
/// with item 10 at 6 is listed as an emergency, at 3 as urgent, at 1 as not positive; the API's answer carries the
/// same crisis block as `ketapath score`.
async fn assessment_entry_shows_the_suicide_item_level(p: Portal) {
    p.user("nurse@a.example", Role::Nurse, Some("clinic-a")).await;
    let mut nurse = p.browser();
    nurse.sign_in("nurse@a.example", PASSWORD, "").await;
    let csrf = nurse.csrf().await;
    let made = nurse
        .post(
            "/portal/patients/new",
            &[("csrf", &csrf), ("given_name", "Ida"), ("family_name", "Example"), ("birth_date", "1975-05-05")],
        )
        .await;
    let patient = made.header("location").unwrap().to_owned();
    let assess = format!("{patient}/assessments");
    for items in ["1,1,1,1,1,1,1,1,1,1", "1,1,1,1,1,1,1,1,1,3", "1,1,1,1,1,1,1,1,1,6"] {
        let form = [("csrf", csrf.as_str()), ("instrument", "madrs"), ("items", items), ("context", "follow_up")];
        assert_eq!(nurse.post(&assess, &form).await.status, StatusCode::SEE_OTHER);
    }
    let page = nurse.get(&patient).await.text();
    assert!(page.contains("Emergency: MADRS item 10 = 6"), "{page}");
    assert!(page.contains("Urgent: MADRS item 10 = 3"), "{page}");
    assert_eq!(page.matches("<td>not positive</td>").count(), 1, "{page}");

    let uri = format!("/api/v1{}/assessments", patient.trim_start_matches("/portal"));
    let items = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0];
    let body = json!({"instrument": "qids_sr16", "items": items, "context": "follow_up"});
    let request = nurse
        .request(Method::POST, &uri)
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-csrf-token", &csrf)
        .body(Body::from(body.to_string()))
        .unwrap();
    let reply = nurse.send(request).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let doc = reply.json();
    assert_eq!(doc["score"]["crisis"]["level"], "emergency", "{doc}");
    assert_eq!(doc["score"]["crisis"]["resources"][0]["name"], "Emergency services (911)");
    p.verified().await;
}

#[tokio::test]
async fn assessment_entry_shows_the_suicide_item_level_on_sqlite() {
    assessment_entry_shows_the_suicide_item_level(Portal::sqlite().await).await;
}

#[tokio::test]
async fn assessment_entry_shows_the_suicide_item_level_on_postgres() {
    let Some(p) = Portal::postgres().await else { return };
    assessment_entry_shows_the_suicide_item_level(p).await;
}
