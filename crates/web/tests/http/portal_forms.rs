//! The portal's forms for what was API-only, on SQLite and PostgreSQL: the REMS Patient Monitoring Form filled in
//! and marked as submitted (refused first with every missing field named by its label, 422, keeping what was
//! typed; then dropped from the dashboard's due list), the clinic settings page (a nurse reads, a prescriber
//! changes and resets, a bad value is named; the REMS setting type "inpatient" makes a session's form not
//! required), outcome publication by clinic admins only, research consent withdrawn on the patient page leaving
//! the patient out of the next export, and the dashboard's patients by status against a hand-built fixture; and
//! the clinic's time zone (`clinic_local_time`): its setting, its "today", typed times and REMS dates.
//!
//! `clinic-a` is in New York, so the forms take times on its clock (EST, UTC-5): 04:45 typed is 09:45 UTC.

#![allow(clippy::unwrap_used)]

use axum::body::Body;
use axum::http::{Method, StatusCode, header};
use ketapath_clinical::rems::FIELDS;
use ketapath_directory::ClinicId;
use ketapath_store::domain::{Actor, CourseStatus, Origin, Role, StaffId};
use serde_json::{Value, json};
use time::Duration;
use time::macros::{date, datetime};

use crate::portal_support::*;

/// Moves the clock to `minutes` after 09:00 UTC, ten minutes at a time with a page reloaded at each step (a portal
/// session unused for 15 minutes ends).
pub(crate) async fn at(p: &Portal, b: &mut Browser, minutes: i64) {
    let target = datetime!(2026-11-27 09:00 UTC) + Duration::minutes(minutes);
    while p.store.now() < target {
        p.clock.set((p.store.now() + Duration::minutes(10)).min(target));
        assert_eq!(b.get("/portal/account").await.status, StatusCode::OK);
    }
}

/// A JSON call with the browser's session cookie and CSRF header; answers the status and the document.
pub(crate) async fn api(
    b: &mut Browser,
    method: Method,
    uri: &str,
    csrf: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let request = b
        .request(method, uri)
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-csrf-token", csrf)
        .body(body.map(|b| Body::from(b.to_string())).unwrap_or_else(Body::empty))
        .unwrap();
    let reply = b.send(request).await;
    let doc = serde_json::from_slice(&reply.body).unwrap_or(Value::Null);
    (reply.status, doc)
}

pub(crate) async fn new_patient(b: &mut Browser, csrf: &str, given: &str) -> String {
    let fields = [("csrf", csrf), ("given_name", given), ("family_name", "Example"), ("birth_date", "1980-04-01")];
    let made = b.post("/portal/patients/new", &fields).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.text());
    made.header("location").unwrap().trim_start_matches("/portal/patients/").to_owned()
}

pub(crate) async fn intake(b: &mut Browser, csrf: &str, patient: &str) {
    let body = json!({"episode_months": 18, "severity": "moderate", "conditions": [], "rems_enrolled": true,
        "pregnancy_potential": false});
    let (status, doc) = api(b, Method::PUT, &format!("/api/v1/patients/{patient}/intake"), csrf, Some(body)).await;
    assert_eq!(status, StatusCode::OK, "{doc}");
}

/// Starts a session of `modality` from the patient page; answers the session page's path.
pub(crate) async fn start(b: &mut Browser, csrf: &str, patient: &str, modality: &str) -> String {
    let started =
        b.post(&format!("/portal/patients/{patient}/sessions"), &[("csrf", csrf), ("modality", modality)]).await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.text());
    started.header("location").unwrap().to_owned()
}

/// Pre-checks within the gate and a dose of 56 mg (lot AB123), at the clock's time.
pub(crate) async fn dose(b: &mut Browser, csrf: &str, session: &str, amount: &str) {
    let checks = [("csrf", csrf), ("transport_home_arranged", "yes"), ("systolic", "128"), ("diastolic", "82")];
    assert_eq!(b.post(&format!("{session}/pre-checks"), &checks).await.status, StatusCode::SEE_OTHER);
    let given = b.post(&format!("{session}/dose"), &[("csrf", csrf), ("dose_mg", amount), ("lot", "AB123")]).await;
    assert_eq!(given.status, StatusCode::SEE_OTHER, "{}", given.text());
}

fn actor(id: StaffId, role: Role) -> Actor {
    Actor { user_id: id, clinic_id: Some(ClinicId::parse("clinic-a").unwrap()), role, origin: Origin::cli() }
}

/// The answers of the REMS form that the session record cannot give.
const ANSWERS: [(&str, &str); 12] = [
    ("patient.sex", "female"),
    ("concomitant_medications.benzodiazepines", "no"),
    ("concomitant_medications.non_benzodiazepine_sedative_hypnotics", "no"),
    ("concomitant_medications.psychostimulants", "no"),
    ("concomitant_medications.maois", "no"),
    ("concomitant_medications.respiratory_depressants", "no"),
    ("vital_signs.in_range_prior_to_administration", "yes"),
    ("vital_signs.in_range_prior_to_completion", "yes"),
    ("adverse_effects.sedation", "no"),
    ("adverse_effects.dissociation", "yes"),
    ("adverse_effects.respiratory_depression", "no"),
    ("hcp.phone", "212-555-0100"),
];

async fn forms(mut p: Portal) {
    let mut config = ketapath_web::WebConfig::default();
    config.rate_limit.burst = 1000;
    p.app = app_over(&p.store, config).await;
    p.user("nurse@a.example", Role::Nurse, Some("clinic-a")).await;
    let rx_id = p.user("rx@a.example", Role::Prescriber, Some("clinic-a")).await;
    p.user("admin@a.example", Role::ClinicAdmin, Some("clinic-a")).await;
    let mut nurse = p.browser();
    nurse.sign_in("nurse@a.example", PASSWORD, "").await;
    let csrf = nurse.csrf().await;

    // The hand-built fixture: Ada in induction (an esketamine session dosed today), Bea and Fay awaiting intake, Cy
    // ready to plan, Dan in maintenance (a course whose schedule a prescriber set to maintenance), Eve in follow-up
    // (an IV session, then the course stopped).
    let ada = new_patient(&mut nurse, &csrf, "Ada").await;
    let bea = new_patient(&mut nurse, &csrf, "Bea").await;
    let cy = new_patient(&mut nurse, &csrf, "Cy").await;
    let dan = new_patient(&mut nurse, &csrf, "Dan").await;
    let eve = new_patient(&mut nurse, &csrf, "Eve").await;
    let fay = new_patient(&mut nurse, &csrf, "Fay").await;
    for patient in [&ada, &cy, &dan, &eve] {
        intake(&mut nurse, &csrf, patient).await;
    }
    let session = start(&mut nurse, &csrf, &ada, "esketamine_nasal").await;
    at(&p, &mut nurse, 5).await;
    dose(&mut nurse, &csrf, &session, "56").await;
    let plan = [("csrf", csrf.as_str()), ("modality", "esketamine_nasal"), ("start_date", "2026-11-27")];
    assert_eq!(nurse.post(&format!("/portal/patients/{dan}/courses"), &plan).await.status, StatusCode::SEE_OTHER);
    let mut rx = p.browser();
    rx.sign_in("rx@a.example", PASSWORD, "").await;
    let rx_csrf = rx.csrf().await;
    let (_, courses) = api(&mut rx, Method::GET, &format!("/api/v1/patients/{dan}/courses"), &rx_csrf, None).await;
    let course = courses["courses"][0]["id"].as_str().unwrap().to_owned();
    let maintenance = json!({"schedule": [{"number": 1, "date": "2026-12-01", "week": 9, "phase": "maintenance",
        "modality": "esketamine_nasal", "dose": {"kind": "fixed", "mg": 84, "options_mg": [56, 84]},
        "rule": "protocols.schedule.esketamine@1"}]});
    let (status, doc) =
        api(&mut rx, Method::PUT, &format!("/api/v1/courses/{course}/schedule"), &rx_csrf, Some(maintenance)).await;
    assert_eq!(status, StatusCode::OK, "{doc}");
    let iv = start(&mut nurse, &csrf, &eve, "iv_ketamine").await;
    dose(&mut nurse, &csrf, &iv, "35").await;
    let scope = p.store.for_clinic(&actor(rx_id, Role::Prescriber)).await.unwrap();
    let eve_id = ketapath_store::domain::PatientId::parse("id", &eve).unwrap();
    let eve_course = scope.courses(eve_id).await.unwrap()[0].id;
    scope.set_course_status(eve_course, CourseStatus::Stopped, Some(date!(2026 - 11 - 27)), None).await.unwrap();

    let dashboard = nurse.get("/portal").await.text();
    for (code, label, count) in [
        ("awaiting_intake", "Awaiting intake", 2),
        ("ready_to_plan", "Ready to plan a course", 1),
        ("in_induction", "In induction", 1),
        ("in_maintenance", "In maintenance", 1),
        ("follow_up", "Follow-up", 1),
    ] {
        let line = format!("<a href=\"/portal/patients?status={code}\">{label}: {count}</a>");
        assert!(dashboard.contains(&line), "{line}\n{dashboard}");
    }
    assert!(dashboard.contains(&format!("href=\"{session}\"")), "{dashboard}");
    let awaiting = nurse.get("/portal/patients?status=awaiting_intake").await;
    assert_eq!(awaiting.status, StatusCode::OK);
    let text = awaiting.text();
    for (patient, listed) in [(&bea, true), (&fay, true), (&ada, false), (&cy, false), (&dan, false), (&eve, false)] {
        assert_eq!(text.contains(patient.as_str()), listed, "{patient} in {text}");
    }
    assert!(text.contains("2 patients shown"), "{text}");
    let maint = nurse.get("/portal/patients?status=in_maintenance").await.text();
    assert!(maint.contains(&dan) && !maint.contains(&ada), "{maint}");
    let bad = nurse.get("/portal/patients?status=sleeping").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.text().contains("the status filter"), "{}", bad.text());

    // The REMS form: due on the dashboard; refused while incomplete (422, every missing field by its label, the
    // typed telephone kept); after the monitoring and with every answer, marked as submitted.
    let rems = format!("{session}/rems");
    assert!(nurse.get("/portal").await.text().contains("REMS forms due (1)"));
    let page = nurse.get(&rems).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.header("cache-control"), Some("no-store"));
    let text = page.text();
    assert!(text.contains("Mark as submitted") && text.contains("<label for=\"pmf-hcp-phone\">Telephone</label>"));
    // Every field of the form's inventory has its row and label; the rows flagged missing are the fields the API's
    // check lists; the PDF is linked; crisis contacts come before the form; no script, no inline style.
    for spec in FIELDS {
        assert!(text.contains(&format!("id=\"field-{}\"", spec.path)), "{}", spec.path);
        assert!(text.contains(&spec.label.replace('\'', "&#39;")), "label of {}", spec.path);
    }
    let (_, form) = api(
        &mut nurse,
        Method::GET,
        &format!("/api/v1{}/rems-form", session.trim_start_matches("/portal")),
        &csrf,
        None,
    )
    .await;
    let missing = form["missing"].as_array().expect("the check's missing fields").len();
    assert!(missing > 0);
    assert_eq!(text.matches("class=\"rems-missing\"").count(), missing, "{text}");
    assert!(text.contains(&format!("href=\"{rems}.pdf\"")), "{text}");
    assert!(text.find("tel:988").unwrap() < text.find("rems-fields").unwrap());
    assert!(!text.contains("<script") && !text.contains("style="));
    let early = nurse.post(&rems, &[("csrf", &csrf), ("hcp.phone", "212-555-0100")]).await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", early.text());
    let text = early.text();
    for label in ["Benzodiazepines: is required", "Monoamine oxidase inhibitors (MAOIs): is required"] {
        assert!(text.contains(label), "{label}\n{text}");
    }
    assert!(text.contains("value=\"212-555-0100\""), "what was typed is kept");
    assert!(text.contains("nothing was recorded"), "a refused submission says it kept nothing: {text}");
    assert!(nurse.get(&rems).await.text().contains("Not ready to submit"), "nothing was written");

    at(&p, &mut nurse, 47).await;
    let bp = [("csrf", csrf.as_str()), ("at", "2026-11-27T04:45"), ("systolic", "132"), ("diastolic", "84")];
    assert_eq!(nurse.post(&format!("{session}/observations"), &bp).await.status, StatusCode::SEE_OTHER);
    at(&p, &mut nurse, 130).await;
    let vitals = [
        ("csrf", csrf.as_str()),
        ("at", "2026-11-27T06:06"),
        ("systolic", "130"),
        ("diastolic", "80"),
        ("spo2", "98"),
        ("moaas", "5"),
        ("cadss", "0"),
    ];
    assert_eq!(nurse.post(&format!("{session}/observations"), &vitals).await.status, StatusCode::SEE_OTHER);
    let discharge = [("csrf", csrf.as_str()), ("at", "2026-11-27T06:08"), ("ready_to_leave_at", "2026-11-27T05:35")];
    let done = nurse.post(&format!("{session}/discharge"), &discharge).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text());
    // The charted MOAA/S 5, CADSS 0 and SpO2 98 answer the adverse-effect questions, labelled as from the chart.
    let text = nurse.get(&rems).await.text();
    assert!(text.contains("id=\"pmf-adverse_effects-sedation-chart\">from the chart</span>"), "{text}");
    assert!(text.contains("records exactly the values shown on this page"), "{text}");
    let mut answers = vec![("csrf", csrf.as_str())];
    answers.extend(ANSWERS);
    let submitted = nurse.post(&rems, &answers).await;
    assert_eq!(submitted.status, StatusCode::SEE_OTHER, "{}", submitted.text());
    let text = nurse.get(&rems).await.text();
    assert!(text.contains("Submitted on 27 Nov 2026") && !text.contains("Mark as submitted"), "{text}");
    let api_form = format!("/api/v1{}/rems-form", session.trim_start_matches("/portal"));
    let (_, doc) = api(&mut nurse, Method::GET, &api_form, &csrf, None).await;
    assert_eq!(doc["state"], "submitted");
    assert_eq!(doc["form"]["hcp"]["phone"], "212-555-0100");
    // Sedation was left as the chart answered it; dissociation was changed by the nurse, so it is hers.
    let effect = |code: &str| {
        let e = doc["form"]["adverse_effects"].as_array().unwrap().iter().find(|a| a["code"] == code).unwrap().clone();
        (e["answer"].clone(), e["derived_from_chart"].clone())
    };
    assert_eq!(effect("sedation"), (serde_json::json!(false), serde_json::json!(true)));
    assert_eq!(effect("dissociation"), (serde_json::json!(true), serde_json::json!(false)));
    assert!(nurse.get("/portal").await.text().contains("REMS forms due (0)"));
    assert_eq!(nurse.post(&rems, &answers).await.status, StatusCode::CONFLICT, "submitted once");

    // The settings page: a nurse reads every setting with its source and marker, and is refused a change.
    let settings = nurse.get("/portal/clinic/settings").await;
    assert_eq!(settings.status, StatusCode::OK);
    let text = settings.text();
    assert!(
        text.contains("<strong class=\"marker\">[U]</strong>")
            && text.contains("Verified in a primary source")
            && text.contains("SPRAVATO boxed warning and REMS")
            && !text.contains(".md"),
        "{text}"
    );
    assert!(text.contains("The clinic&#39;s REMS setting") && !text.contains("Save changes"), "read-only for a nurse");
    let refused = nurse.post("/portal/clinic/settings", &[("csrf", &csrf), ("discharge.min_spo2", "90")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.text().contains("Refused"), "{}", refused.text());
    let (_, doc) = api(&mut nurse, Method::GET, "/api/v1/clinic/protocol-settings", &csrf, None).await;
    assert_eq!(doc["values"]["discharge"]["min_spo2"], 94, "nothing changed");

    // A prescriber (signed in again: the clock moved on) changes a value, is refused one under the REMS minimum
    // (named, typed value kept), resets it.
    let mut rx = p.browser();
    rx.sign_in("rx@a.example", PASSWORD, "").await;
    let rx_csrf = rx.csrf().await;
    let text = rx.get("/portal/clinic/settings").await.text();
    assert!(text.contains("Save changes") && text.contains("<label for=\"setting-discharge-min_spo2\">"), "{text}");
    let changed = rx.post("/portal/clinic/settings", &[("csrf", &rx_csrf), ("discharge.min_spo2", "96")]).await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.text());
    let (_, doc) = api(&mut rx, Method::GET, "/api/v1/clinic/protocol-settings", &rx_csrf, None).await;
    assert_eq!(doc["values"]["discharge"]["min_spo2"], 96);
    let low = [("csrf", rx_csrf.as_str()), ("monitoring.minimum_minutes.esketamine_nasal", "90")];
    let bad = rx.post("/portal/clinic/settings", &low).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let text = bad.text();
    assert!(text.contains("Esketamine: minimum monitoring time") && text.contains("must be from 120"), "{text}");
    assert!(text.contains("value=\"90\""), "{text}");
    // A floor: SpO2 below 90 % or switched off is refused naming the setting, the limit and its source.
    let text = rx.get("/portal/clinic/settings").await.text();
    assert!(text.contains("required; at least 90 %") && text.contains("hypoxaemia"), "the floor is shown: {text}");
    for value in ["85", ""] {
        let bad =
            rx.post("/portal/clinic/settings", &[("csrf", rx_csrf.as_str()), ("discharge.min_spo2", value)]).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{value:?}");
        let text = bad.text();
        assert!(text.contains("discharge.min_spo2") && text.contains("the limit is required; at least 90 %"), "{text}");
    }
    let (_, doc) = api(&mut rx, Method::GET, "/api/v1/clinic/protocol-settings", &rx_csrf, None).await;
    assert_eq!(doc["values"]["discharge"]["min_spo2"], 96, "a refused change writes nothing");
    let reset = [("csrf", rx_csrf.as_str()), ("discharge.min_spo2", "96"), ("reset", "discharge.min_spo2")];
    assert_eq!(rx.post("/portal/clinic/settings", &reset).await.status, StatusCode::SEE_OTHER);
    let (_, doc) = api(&mut rx, Method::GET, "/api/v1/clinic/protocol-settings", &rx_csrf, None).await;
    assert_eq!(doc["values"]["discharge"]["min_spo2"], 94);

    // Inpatient: a new esketamine session's form is not required and leaves the due list; back to outpatient, due.
    let inpatient = [("csrf", rx_csrf.as_str()), ("rems.setting_type", "inpatient")];
    assert_eq!(rx.post("/portal/clinic/settings", &inpatient).await.status, StatusCode::SEE_OTHER);
    let second = start(&mut nurse, &csrf, &bea, "esketamine_nasal").await;
    dose(&mut nurse, &csrf, &second, "56").await;
    let text = nurse.get(&format!("{second}/rems")).await.text();
    assert!(text.contains("Not required: this clinic&#39;s REMS setting is inpatient"), "{text}");
    assert!(!text.contains("Mark as submitted"), "{text}");
    let api_second = format!("/api/v1{}/rems-form", second.trim_start_matches("/portal"));
    let (_, doc) = api(&mut nurse, Method::GET, &api_second, &csrf, None).await;
    assert_eq!(
        (doc["setting_type"].clone(), doc["deadline"]["status"]["status"].clone()),
        (json!("inpatient"), json!("not_required"))
    );
    assert!(nurse.get("/portal").await.text().contains("REMS forms due (0)"));
    let outpatient = [("csrf", rx_csrf.as_str()), ("reset", "rems.setting_type")];
    assert_eq!(rx.post("/portal/clinic/settings", &outpatient).await.status, StatusCode::SEE_OTHER);
    assert!(nurse.get("/portal").await.text().contains("REMS forms due (1)"));

    // Outcome publication: refused to a nurse and a prescriber, turned on by the clinic admin.
    for (b, token) in [(&mut nurse, csrf.as_str()), (&mut rx, rx_csrf.as_str())] {
        let no = b.post("/portal/clinic/outcome-publication", &[("csrf", token), ("publish", "yes")]).await;
        assert_eq!(no.status, StatusCode::FORBIDDEN, "{}", no.text());
        assert!(!b.get("/portal/clinic/settings").await.text().contains("Save publication choice"));
    }
    let mut admin = p.browser();
    admin.sign_in("admin@a.example", PASSWORD, "").await;
    let admin_csrf = admin.csrf().await;
    let text = admin.get("/portal/clinic/settings").await.text();
    assert!(text.contains("Outcome publication is <strong>off</strong>") && text.contains("at least 11 patients"));
    let on = admin.post("/portal/clinic/outcome-publication", &[("csrf", &admin_csrf), ("publish", "yes")]).await;
    assert_eq!(on.status, StatusCode::SEE_OTHER, "{}", on.text());
    assert!(admin.get("/portal/clinic/settings").await.text().contains("Outcome publication is <strong>on</strong>"));
    let (_, doc) = api(&mut nurse, Method::GET, "/api/v1/clinic/outcome-publication", &csrf, None).await;
    assert_eq!(doc["publish"], true);

    // The patient of the second session leaves early: the first post shows the confirmation naming what it
    // records (no JavaScript); a clinic admin is refused; the confirmed post ends the session as "left early".
    let early = format!("{second}/early-departure");
    let asked = [("csrf", csrf.as_str()), ("reason", "left_against_advice"), ("note", "walked out")];
    let confirm = nurse.post(&early, &asked).await;
    assert_eq!(confirm.status, StatusCode::OK, "{}", confirm.text());
    let text = confirm.text();
    assert!(
        text.contains("Confirm the early departure") && text.contains("ends as <strong>left early</strong>"),
        "{text}"
    );
    assert!(text.contains("left against advice") && text.contains("name=\"confirm\" value=\"yes\""), "{text}");
    assert!(text.contains("REMS Patient Monitoring Form will state the early departure"), "{text}");
    let text = nurse.get(&second).await.text();
    assert!(text.contains("<strong>in progress</strong>"), "nothing recorded yet: {text}");
    // The advisory pre-checks the dose went ahead without (no fasting times were charted) stay on the page.
    assert!(text.contains("Pre-checks to review") && text.contains("last food not recorded"), "{text}");
    let no = admin.post(&early, &[("csrf", admin_csrf.as_str()), ("reason", "other"), ("confirm", "yes")]).await;
    assert_eq!(no.status, StatusCode::FORBIDDEN, "{}", no.text());
    let confirmed =
        [("csrf", csrf.as_str()), ("reason", "left_against_advice"), ("note", "walked out"), ("confirm", "yes")];
    let done = nurse.post(&early, &confirmed).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text());
    let text = nurse.get(&second).await.text();
    assert!(
        text.contains("<strong>left early</strong>") && text.contains("Early departure</td><td>left against advice"),
        "{text}"
    );
    assert!(text.contains("early departure (moderate)"), "{text}");
    assert!(!text.contains("Save check"), "no forms on a session that ended");
    let again = nurse.post(&early, &confirmed).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.text());

    // Research consent on the patient page: given, then withdrawn; the next export leaves the patient out.
    let consent = format!("/portal/patients/{ada}/research-consent");
    let future = nurse.post(&consent, &[("csrf", &csrf), ("status", "given"), ("date", "2999-01-01")]).await;
    assert_eq!(future.status, StatusCode::BAD_REQUEST);
    assert!(future.text().contains("must not be in the future"), "{}", future.text());
    let given = nurse.post(&consent, &[("csrf", &csrf), ("status", "given"), ("date", "2026-11-20")]).await;
    assert_eq!(given.status, StatusCode::SEE_OTHER, "{}", given.text());
    let reader = p.store.research_reader_for_admin_cli_and_registry("test");
    let today = p.store.now().date();
    let exported = |patients: Vec<ketapath_research::ResearchPatient>| patients.iter().any(|r| r.patient_id == ada);
    assert!(exported(reader.patients(today).await.unwrap()), "consenting: exported");
    // A minute later: two decisions recorded in the same microsecond would have no order.
    p.clock.set(p.store.now() + Duration::minutes(1));
    let withdrawn = nurse.post(&consent, &[("csrf", &csrf), ("status", "withdrawn")]).await;
    assert_eq!(withdrawn.status, StatusCode::SEE_OTHER, "{}", withdrawn.text());
    let text = nurse.get(&format!("/portal/patients/{ada}")).await.text();
    assert!(text.contains("<p id=\"research-consent\">Withdrawn on "), "{text}");
    assert!(text.contains(": given (recorded on") && text.contains(": withdrawn (recorded on"), "{text}");
    assert!(!exported(reader.patients(today).await.unwrap()), "withdrawn: left out");
    p.verified().await;
}

#[tokio::test]
async fn portal_forms_on_sqlite() {
    forms(Portal::sqlite().await).await;
}

#[tokio::test]
async fn portal_forms_on_postgres() {
    let Some(p) = Portal::postgres().await else { return };
    forms(p).await;
}

/// A fresh sign-in (the clock jumps by hours here, past the portal session's idle limit) and its CSRF token.
pub(crate) async fn signed_in(p: &Portal, email: &str) -> (Browser, String) {
    let mut b = p.browser();
    let reply = b.sign_in(email, PASSWORD, "").await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    let csrf = b.csrf().await;
    (b, csrf)
}

/// The clinic's own calendar and clock: a clinic in America/New_York (EST, UTC-5) at 03:30 UTC is still in the
/// evening of the day before. Its dashboard's "today" is that local day (a morning session listed, which a UTC
/// day would leave out), a time typed as 21:10 is stored as 02:10 UTC the next day, a time after the local now is
/// in the future, and the REMS due line and the API's due list give the dose's local date and deadline.
async fn clinic_local_time(mut p: Portal) {
    let mut config = ketapath_web::WebConfig::default();
    config.rate_limit.burst = 1000;
    p.app = app_over(&p.store, config).await;
    p.user("nurse@a.example", Role::Nurse, Some("clinic-a")).await;
    p.user("rx@a.example", Role::Prescriber, Some("clinic-a")).await;

    // 09:00 EST on 26 November. The listing is in New York: the page names that default as unverified until a
    // prescriber chooses the zone; an unknown zone is refused naming the setting, with what was typed kept.
    p.clock.set(datetime!(2026-11-26 14:00 UTC));
    let (mut rx, rx_csrf) = signed_in(&p, "rx@a.example").await;
    let text = rx.get("/portal/clinic/settings").await.text();
    assert!(text.contains("the portal uses America/New_York") && text.contains("unverified default"), "{text}");
    let bad = rx.post("/portal/clinic/settings", &[("csrf", &rx_csrf), ("time_zone", "America/Austin")]).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let text = bad.text();
    assert!(text.contains("Clinic time zone (time_zone)") && text.contains("value=\"America/Austin\""), "{text}");
    let chosen = rx.post("/portal/clinic/settings", &[("csrf", &rx_csrf), ("time_zone", "America/New_York")]).await;
    assert_eq!(chosen.status, StatusCode::SEE_OTHER, "{}", chosen.text());
    let text = rx.get("/portal/clinic/settings").await.text();
    assert!(text.contains("America/New_York, chosen by the clinic"), "{text}");
    assert!(text.contains("value=\"America/New_York\""), "{text}");

    let (mut nurse, csrf) = signed_in(&p, "nurse@a.example").await;
    let ada = new_patient(&mut nurse, &csrf, "Ada").await;
    let bea = new_patient(&mut nurse, &csrf, "Bea").await;
    for patient in [&ada, &bea] {
        intake(&mut nurse, &csrf, patient).await;
    }
    let morning = start(&mut nurse, &csrf, &bea, "esketamine_nasal").await;
    dose(&mut nurse, &csrf, &morning, "56").await;

    // 21:00 EST (02:00 UTC on the 27th): Ada's esketamine dose.
    p.clock.set(datetime!(2026-11-27 02:00 UTC));
    let (mut nurse, csrf) = signed_in(&p, "nurse@a.example").await;
    let evening = start(&mut nurse, &csrf, &ada, "esketamine_nasal").await;
    dose(&mut nurse, &csrf, &evening, "56").await;

    // 21:20 EST: an observation typed as 21:10 is 02:10 UTC the next day; 21:30 is still to come.
    p.clock.set(datetime!(2026-11-27 02:20 UTC));
    let (mut nurse, csrf) = signed_in(&p, "nurse@a.example").await;
    let obs = [("csrf", csrf.as_str()), ("at", "2026-11-26T21:10"), ("systolic", "131"), ("diastolic", "83")];
    let posted = nurse.post(&format!("{evening}/observations"), &obs).await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.text());
    let api_session = format!("/api/v1{}", evening.trim_start_matches("/portal"));
    let (status, doc) = api(&mut nurse, Method::GET, &api_session, &csrf, None).await;
    assert_eq!(status, StatusCode::OK, "{doc}");
    assert!(doc.to_string().contains("\"2026-11-27T02:10:00Z\""), "stored as UTC: {doc}");
    let page = nurse.get(&evening).await.text();
    assert!(
        page.contains("21:10 EST <span class=\"after\">(10 minutes after the dose)</span></th><td>131/83</td>"),
        "{page}"
    );
    assert!(page.contains("Clinic time 26 Nov 2026, 21:20 EST"), "{page}");
    assert!(
        page.contains("name=\"at\" type=\"datetime-local\" value=\"2026-11-26T21:20\""),
        "now on the clinic's clock: {page}"
    );
    let later = [("csrf", csrf.as_str()), ("at", "2026-11-26T21:30"), ("systolic", "131"), ("diastolic", "83")];
    let refused = nurse.post(&format!("{evening}/observations"), &later).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.text().contains("<strong>Time:</strong> Must not be in the future"), "{}", refused.text());

    // 22:30 EST (03:30 UTC on the 27th): today is the 26th, with the morning's session and the evening's; the
    // dose's form is due seven local days after the 26th.
    p.clock.set(datetime!(2026-11-27 03:30 UTC));
    let (mut nurse, csrf) = signed_in(&p, "nurse@a.example").await;
    let dashboard = nurse.get("/portal").await.text();
    assert!(dashboard.contains("In the chair (2)"), "{dashboard}");
    for session in [&morning, &evening] {
        assert!(dashboard.contains(&format!("href=\"{session}\"")), "{session} in {dashboard}");
    }
    assert!(dashboard.contains(" Example: dose on 26 Nov 2026, form due 3 Dec 2026, due in 7 days"), "{dashboard}");
    let (_, due) = api(&mut nurse, Method::GET, "/api/v1/rems-forms/due", &csrf, None).await;
    assert_eq!(due["today"], "2026-11-26", "{due}");
    assert_eq!(due["forms"][0]["dose_date"], "2026-11-26", "{due}");
    let api_form = format!("/api/v1{}/rems-form", evening.trim_start_matches("/portal"));
    let (_, form) = api(&mut nurse, Method::GET, &api_form, &csrf, None).await;
    assert_eq!(form["form"]["session"]["treatment_date"], "2026-11-26", "{form}");
    p.verified().await;
}

#[tokio::test]
async fn portal_clinic_local_time_on_sqlite() {
    clinic_local_time(Portal::sqlite().await).await;
}

#[tokio::test]
async fn portal_clinic_local_time_on_postgres() {
    let Some(p) = Portal::postgres().await else { return };
    clinic_local_time(p).await;
}
