//! Self-report links end to end, on SQLite and PostgreSQL: staff create a link through the API, the patient opens
//! `/r/{token}`, answers the PHQ-9 once, and a positive item 9 shows crisis help first and puts an alert on the
//! clinic's dashboard. Also: another clinic cannot list or alert, used and expired links say so, posts from other
//! sites are refused, and the token reaches neither the log nor the audit trail.

// Test helpers may unwrap: a panic there is a failed test with its cause.
#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};

use axum::http::{Method, StatusCode, header};
use ketapath_store::domain::{
    Actor, AssessmentSource, NewCourse, NewTreatmentSession, PatientId, Role, SessionStatus, TreatmentSessionUpdate,
};
use ketapath_store::{Clock, api_token_hash};
use ketapath_testkit::Backend;
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};

use crate::support::*;

/// The real time shifted by an offset the test moves forward, so a link can expire without waiting.
#[derive(Debug, Default)]
struct ShiftedClock(Mutex<Duration>);

impl Clock for ShiftedClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc() + *self.0.lock().unwrap()
    }
}

type Fixture = crate::api_fixture::Fixture<ShiftedClock>;

/// The helpers of these tests: a clock that moves with real time, and staff who work with bare token secrets.
impl Fixture {
    async fn sqlite() -> Self {
        Fixture::with_clock(Backend::Sqlite, Arc::default()).await.unwrap()
    }

    async fn postgres() -> Option<Self> {
        Fixture::with_clock(Backend::Postgres, Arc::default()).await
    }

    /// A nurse at `clinic` with a live API token: the secret and the actor.
    async fn nurse(&self, email: &str, clinic: &str) -> (String, Actor) {
        let (staff, _) = self.account(email, email, Role::Nurse, Some(clinic)).await;
        (staff.token, staff.actor)
    }

    async fn api(&self, method: Method, uri: &str, token: &str, body: Option<Value>) -> Reply {
        self.bearer(method, uri, Some(token), body).await
    }

    /// A patient named `given`, created through the API with `token`.
    async fn new_patient(&self, token: &str, given: &str) -> String {
        let body = json!({"given_name": given, "family_name": "Example", "birth_date": "1980-04-01", "sex": "female"});
        let reply = self.api(Method::POST, "/api/v1/patients", token, Some(body)).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
        reply.json()["id"].as_str().unwrap().to_owned()
    }

    /// A new link's URL.
    async fn link(&self, token: &str, patient: &str, hours: i64) -> String {
        let uri = format!("/api/v1/patients/{patient}/self-report-links");
        let body = json!({"instrument": "phq9", "expires_in_hours": hours});
        let reply = self.api(Method::POST, &uri, token, Some(body)).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
        assert_eq!(reply.header("cache-control"), Some("no-store"));
        let doc = reply.json();
        assert_eq!(doc["status"], "pending");
        doc["url"].as_str().unwrap().to_owned()
    }

    async fn links(&self, token: &str, patient: &str) -> Reply {
        self.api(Method::GET, &format!("/api/v1/patients/{patient}/self-report-links"), token, None).await
    }

    /// Posts PHQ-9 answers to a link as the page's own form does (same origin).
    async fn answer(&self, url: &str, items: &[u8]) -> Reply {
        let pairs: Vec<(String, String)> =
            items.iter().enumerate().map(|(i, v)| (format!("phq9_{}", i + 1), v.to_string())).collect();
        let mut request = post_form(url, &pairs);
        request.headers_mut().insert("sec-fetch-site", "same-origin".parse().unwrap());
        send(&self.app, from_peer(request, [198, 51, 100, 4])).await
    }
}

fn assert_private_page(reply: &Reply) {
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    assert_eq!(reply.header("referrer-policy"), Some("no-referrer"));
    assert!(reply.header("content-type").unwrap().starts_with("text/html"));
}

async fn journey(f: Fixture) {
    let (captured, guard) = crate::privacy::Captured::start();

    let (a, a_actor) = f.nurse("nurse@a.example", "clinic-a").await;
    let (b, _) = f.nurse("nurse@b.example", "clinic-b").await;
    let patient = f.new_patient(&a, "Zebulonia").await;
    let links_uri = format!("/api/v1/patients/{patient}/self-report-links");

    // Bad input names the field; another clinic's patient is not found.
    let reply = f.api(Method::POST, &links_uri, &a, Some(json!({"instrument": "gad7"}))).await;
    assert_eq!(assert_error(&reply, StatusCode::BAD_REQUEST, "invalid_input")["field"], "instrument");
    let reply = f.api(Method::POST, &links_uri, &a, Some(json!({"instrument": "phq9", "expires_in_hours": 0}))).await;
    assert_eq!(assert_error(&reply, StatusCode::BAD_REQUEST, "invalid_input")["field"], "expires_in_hours");
    let reply = f.api(Method::POST, &links_uri, &b, Some(json!({"instrument": "phq9"}))).await;
    assert_error(&reply, StatusCode::NOT_FOUND, "not_found");

    let url = f.link(&a, &patient, 72).await;
    let token = url.strip_prefix("/r/").unwrap().to_owned();
    assert_eq!(token.len(), 43);

    // The list shows the link as pending and never the token; another clinic cannot list it.
    let listed = f.links(&a, &patient).await;
    assert_eq!(listed.status, StatusCode::OK);
    assert_eq!(listed.json()["links"][0]["status"], "pending");
    assert!(!listed.text().contains(&token));
    assert_error(&f.links(&b, &patient).await, StatusCode::NOT_FOUND, "not_found");

    // The page: the PHQ-9 with its copyright line, crisis contacts first, no name, no caching.
    let page = send(&f.app, get(&url)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_private_page(&page);
    let html = page.text();
    assert_crisis_contacts(&html);
    assert!(html.contains("Little interest or pleasure in doing things"), "{html}");
    assert!(html.contains("Pfizer"));
    assert!(!html.contains("Zebulonia") && !html.contains("Example"));
    assert_eq!(html.matches("type=\"radio\"").count(), 36);

    // A post from another site is refused and changes nothing.
    let pairs: Vec<(String, String)> = (1..=9).map(|i| (format!("phq9_{i}"), "1".to_owned())).collect();
    let mut foreign = post_form(&url, &pairs);
    foreign.headers_mut().insert(header::ORIGIN, "https://evil.example".parse().unwrap());
    assert_eq!(send(&f.app, foreign).await.status, StatusCode::FORBIDDEN);
    // Unanswered questions re-render the form with a message, keeping the answers given.
    let partial = f.answer(&url, &[1, 2, 3]).await;
    assert_eq!(partial.status, StatusCode::BAD_REQUEST);
    assert!(partial.text().contains("Question 4: please choose one of the four answers."));
    assert_eq!(f.links(&a, &patient).await.json()["links"][0]["status"], "pending");
    assert!(!main_of(&partial.text()).contains("crisis-first-heading"), "item 9 not answered: no crisis block");
    // An invalid submission whose item 9 can be read still shows the crisis help it calls for, before the messages.
    let pairs: Vec<(String, String)> = [("phq9_1", "1"), ("phq9_2", "2"), ("phq9_9", "3")]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let mut request = post_form(&url, &pairs);
    request.headers_mut().insert("sec-fetch-site", "same-origin".parse().unwrap());
    let partial = send(&f.app, from_peer(request, [198, 51, 100, 4])).await;
    assert_eq!(partial.status, StatusCode::BAD_REQUEST);
    let html = partial.text();
    let main = main_of(&html);
    let help = main.find("crisis-first-heading").expect("crisis help on the page sent back");
    assert!(help < main.find("Question 3: please choose").expect("message"), "crisis help first");
    assert!(main.contains("tel:988") && main.contains("sms:741741"));
    assert_eq!(f.links(&a, &patient).await.json()["links"][0]["status"], "pending", "nothing stored");

    // Answered: thanks, no crisis section, the assessment stored as a self-report.
    let done = f.answer(&url, &[1, 2, 3, 1, 2, 0, 1, 2, 0]).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text());
    assert_private_page(&done);
    assert!(done.text().contains("Your answers were sent to your clinic"));
    assert!(!done.text().contains("crisis-now"));
    let scope = f.store.for_clinic(&a_actor).await.unwrap();
    let patient_id = PatientId::parse("id", &patient).unwrap();
    let stored = scope.assessments(patient_id).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!((stored[0].source, stored[0].total), (AssessmentSource::SelfReport, 12));
    let listed = f.links(&a, &patient).await.json();
    assert_eq!(listed["links"][0]["status"], "used");
    assert_eq!(listed["links"][0]["assessment_id"], stored[0].id.to_text());
    let alerts = f.api(Method::GET, "/api/v1/self-report-alerts", &a, None).await;
    assert_eq!(alerts.json()["alerts"], json!([]));

    // Used once: a second post says so and keeps the first answers; so does opening the link again.
    let again = f.answer(&url, &[3; 9]).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.text().contains("already sent"));
    assert_eq!(send(&f.app, get(&url)).await.status, StatusCode::CONFLICT);
    assert_eq!(scope.assessments(patient_id).await.unwrap().len(), 1);

    // Item 9 above 0: crisis help first, then the thanks, and an alert for clinic A only.
    let url2 = f.link(&a, &patient, 72).await;
    let positive = f.answer(&url2, &[2, 2, 2, 1, 1, 1, 1, 1, 2]).await;
    assert_eq!(positive.status, StatusCode::OK);
    let html = positive.text();
    let main = main_of(&html);
    let crisis_at = main.find("crisis-now").expect("crisis help on the page");
    assert!(crisis_at < main.find("<h1>Thank you</h1>").unwrap(), "crisis help comes first");
    assert!(main.contains("tel:988"));
    let alerts = f.api(Method::GET, "/api/v1/self-report-alerts", &a, None).await.json();
    assert_eq!(alerts["alerts"].as_array().unwrap().len(), 1);
    assert_eq!(alerts["alerts"][0]["item9"], 2);
    assert_eq!(alerts["alerts"][0]["total"], 13);
    assert_eq!(alerts["alerts"][0]["patient_id"], patient.as_str());
    assert_eq!(alerts["alerts"][0]["level"], "urgent");
    let other = f.api(Method::GET, "/api/v1/self-report-alerts", &b, None).await.json();
    assert_eq!(other["alerts"], json!([]));

    // Expired: the page and a post both say so; nothing is stored.
    let url3 = f.link(&a, &patient, 1).await;
    *f.clock.0.lock().unwrap() += Duration::hours(2);
    let expired = send(&f.app, get(&url3)).await;
    assert_eq!(expired.status, StatusCode::GONE);
    assert_private_page(&expired);
    assert!(expired.text().contains("expired"));
    assert_eq!(f.answer(&url3, &[0; 9]).await.status, StatusCode::GONE);
    assert_eq!(scope.assessments(patient_id).await.unwrap().len(), 2);
    let statuses: Vec<String> = f.links(&a, &patient).await.json()["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["status"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(statuses, ["expired", "used", "used"]);

    // A malformed or unknown token is a plain "not valid" page.
    assert_eq!(send(&f.app, get("/r/not-a-token")).await.status, StatusCode::NOT_FOUND);
    let unknown = format!("/r/{}", "A".repeat(43));
    assert_eq!(send(&f.app, get(&unknown)).await.status, StatusCode::NOT_FOUND);

    drop(guard);
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("capture-canary"), "the subscriber captured output");
    for secret in [&token, url2.trim_start_matches("/r/"), url3.trim_start_matches("/r/")] {
        assert!(!log.contains(secret), "a link token reached the log");
    }
    let audit = f.store.unscoped_for_admin_cli_and_tests().audit_events(0, i64::MAX).await.unwrap();
    let audit = format!("{audit:?}");
    assert!(audit.contains("self_report_alert"), "the alert is audited");
    assert!(!audit.contains(&token), "a link token reached the audit log");
    assert!(!audit.contains(&api_token_hash(&token)), "a link token's hash reached the audit log");
    let report = f.store.verify().await.unwrap();
    assert!(report.is_ok(), "{:?}", report.problems);
}

#[tokio::test]
async fn self_report_journey_sqlite() {
    journey(Fixture::sqlite().await).await;
}

#[tokio::test]
async fn self_report_journey_postgres() {
    let Some(f) = Fixture::postgres().await else { return };
    journey(f).await;
}

async fn plan(f: Fixture) {
    let (a, actor) = f.nurse("nurse@a.example", "clinic-a").await;
    let patient = f.new_patient(&a, "Plan").await;
    let uri = format!("/api/v1/patients/{patient}/self-report-links/plan");

    // No session yet: nothing to plan.
    let reply = f.api(Method::POST, &uri, &a, Some(json!({}))).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    assert_eq!(reply.json(), json!({"doses": 0, "links": []}));

    let scope = f.store.for_clinic(&actor).await.unwrap();
    let patient_id = PatientId::parse("id", &patient).unwrap();
    let course = scope
        .create_course(NewCourse {
            patient_id,
            treatment: "esketamine".to_owned(),
            planned_sessions: None,
            prescriber_id: None,
            started_on: None,
            notes: None,
        })
        .await
        .unwrap();
    let session = scope
        .create_session(NewTreatmentSession { course_id: course.id, scheduled_at: None, monitored_by: None })
        .await
        .unwrap();
    let dose_at = f.store.now() - Duration::hours(30);
    scope
        .update_session(
            session.id,
            TreatmentSessionUpdate {
                status: SessionStatus::Completed,
                started_at: Some(dose_at),
                ended_at: Some(dose_at + Duration::hours(2)),
                monitored_by: None,
                ready_to_leave_minutes: None,
                discharged_at: None,
                discharged_by: None,
                discharge_override_reason: None,
                notes: None,
            },
        )
        .await
        .unwrap();

    let horizon = (dose_at + Duration::days(16)).format(&time::format_description::well_known::Rfc3339).unwrap();
    let reply = f.api(Method::POST, &uri, &a, Some(json!({ "horizon": horizon }))).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let doc = reply.json();
    assert_eq!(doc["doses"], 1);
    // 24 hours after the dose (due 6 hours ago, still open), then 7 and 14 days after that.
    let links = doc["links"].as_array().unwrap();
    assert_eq!(links.len(), 3, "{doc}");
    assert_eq!(links[0]["anchor"]["kind"], "after_dose");
    assert_eq!(links[1]["anchor"]["kind"], "repeat");
    assert!(links.iter().all(|l| l["url"].as_str().unwrap().starts_with("/r/") && l["status"] == "pending"));
    let listed = f.links(&a, &patient).await.json();
    assert_eq!(listed["links"].as_array().unwrap().len(), 3);
    // Each planned link opens the questionnaire.
    let first = links[0]["url"].as_str().unwrap();
    assert_eq!(send(&f.app, get(first)).await.status, StatusCode::OK);
    let bad = f.api(Method::POST, &uri, &a, Some(json!({"horizon": "soon"}))).await;
    assert_eq!(assert_error(&bad, StatusCode::BAD_REQUEST, "invalid_input")["field"], "horizon");
    let report = f.store.verify().await.unwrap();
    assert!(report.is_ok(), "{:?}", report.problems);
}

#[tokio::test]
async fn plan_links_after_sessions_sqlite() {
    plan(Fixture::sqlite().await).await;
}

#[tokio::test]
async fn plan_links_after_sessions_postgres() {
    let Some(f) = Fixture::postgres().await else { return };
    plan(f).await;
}
