//! Sending a self-check summary to a clinic (`/check/send`, `/check/send/confirm`), driven through the pages the
//! way a browser drives them, on SQLite and PostgreSQL: the clinic's page offers the check, the answers travel in
//! POST bodies only, the referral arrives in the clinic's inbox (and no other), its summary is what the rules give
//! for the answers, the audit entry keeps no address, no cookie is set, and every mistake is named and kept.

// Test helpers may unwrap: a panic there is a failed test with its cause.
#![allow(clippy::unwrap_used)]

use axum::http::StatusCode;
use ketapath_directory::ClinicId;
use ketapath_store::domain::{Actor, Origin, Referral, Role};

use crate::portal_support::*;
use crate::support::*;

/// Answers in the flows below that must never leave a page body.
const DRUG: &str = "Zoloft";
const WEEKS: &str = "37";
const AGE: &str = "58";
const PEER: &str = "192.0.2.9";

/// A browser's walk through pages, remembering every URL it saw (links, form actions, `Location` headers).
pub(crate) struct Walk {
    pub(crate) browser: Browser,
    urls: Vec<String>,
}

impl Walk {
    pub(crate) fn new(p: &Portal) -> Self {
        Walk { browser: p.browser(), urls: Vec::new() }
    }

    fn saw(&mut self, reply: &Reply) {
        let html = reply.text();
        self.urls.extend(links(&html));
        let mut rest = html.as_str();
        while let Some(start) = rest.find("action=\"") {
            rest = &rest[start + 8..];
            let end = rest.find('"').unwrap();
            self.urls.push(unescape(&rest[..end]));
        }
        if let Some(location) = reply.header("location") {
            self.urls.push(location.to_owned());
        }
        assert!(reply.headers.get("set-cookie").is_none(), "the flow sets no cookie: {:?}", reply.headers);
    }

    pub(crate) async fn get(&mut self, uri: &str) -> Reply {
        self.urls.push(uri.to_owned());
        let reply = self.browser.get(uri).await;
        self.saw(&reply);
        reply
    }

    pub(crate) async fn post(&mut self, uri: &str, fields: &[(String, String)]) -> Reply {
        let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let reply = self.browser.post(uri, &borrowed).await;
        self.saw(&reply);
        reply
    }

    /// Submits the form of `html` whose action is `action`: its hidden fields plus `typed`.
    pub(crate) async fn submit(&mut self, html: &str, action: &str, typed: &[(&str, &str)]) -> Reply {
        let mut fields = form_fields(html, action);
        fields.extend(pairs(typed));
        self.post(action, &fields).await
    }
}

/// The hidden fields of the first form in `html` posting to `action`.
pub(crate) fn form_fields(html: &str, action: &str) -> Vec<(String, String)> {
    let marker = format!("action=\"{action}\"");
    let start = html.find(&marker).unwrap_or_else(|| panic!("no form posting to {action}: {html}"));
    let form = &html[start..];
    hidden_fields(&form[..form.find("</form>").unwrap()])
}

fn phq9(item9: &str) -> Vec<(&'static str, String)> {
    let mut out: Vec<(&'static str, String)> =
        ["phq9_1", "phq9_2", "phq9_3", "phq9_4", "phq9_5", "phq9_6", "phq9_7", "phq9_8"]
            .into_iter()
            .zip(["2", "2", "1", "3", "1", "0", "2", "1"])
            .map(|(k, v)| (k, v.to_owned()))
            .collect();
    out.push(("phq9_9", item9.to_owned()));
    out
}

/// Walks the check from `start` to the result page; `acting` answers the follow-up after a non-zero item 9.
pub(crate) async fn to_result(w: &mut Walk, start: &str, item9: &str, acting: Option<&str>) -> String {
    let page = w.get(start).await;
    assert_eq!(page.status, StatusCode::OK);
    let answers = phq9(item9);
    let typed: Vec<(&str, &str)> = answers.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut html = w.submit(&page.text(), "/check", &typed).await.text();
    if let Some(acting) = acting {
        html = w.submit(&html, "/check", &[("acting", acting)]).await.text();
        if acting == "yes" {
            // The get-help-now page comes first; the check goes on from its button.
            assert!(html.contains("Please get help now"), "{html}");
            html = w.submit(&html, "/check", &[]).await.text();
        }
    }
    let trials = [
        ("trial1_drug", DRUG),
        ("trial1_dose", "100"),
        ("trial1_weeks", WEEKS),
        ("trial1_improvement", "none"),
        ("trial2_drug", "escitalopram"),
        ("trial2_dose", "20"),
        ("trial2_weeks", "10"),
        ("trial2_improvement", "partial"),
    ];
    html = w.submit(&html, "/check", &trials).await.text();
    let result = w.submit(&html, "/check", &[("age", AGE), ("condition", "pregnancy")]).await;
    assert_eq!(result.status, StatusCode::OK);
    let html = result.text();
    assert!(html.contains("Your self-check summary") && html.contains("Send this summary to a clinic"), "{html}");
    html
}

pub(crate) const CONTACT: [(&str, &str); 5] = [
    ("name", "Robin Sender"),
    ("phone", "+1 (555) 010-0123"),
    ("email", "robin@example.org"),
    ("message", "Please call after 5 pm."),
    ("consent", "yes"),
];

pub(crate) fn nurse_actor(user: ketapath_store::domain::StaffId, clinic: &str) -> Actor {
    Actor {
        user_id: user,
        clinic_id: Some(ClinicId::parse(clinic).unwrap()),
        role: Role::Nurse,
        origin: Origin::test(),
    }
}

pub(crate) async fn referrals_of(p: &Portal, actor: &Actor) -> Vec<Referral> {
    p.store.for_clinic(actor).await.unwrap().referrals().await.unwrap()
}

async fn the_summary_reaches_only_the_chosen_clinic(p: Portal) {
    let nurse_a = p.user("nurse@a.example", Role::Nurse, Some("clinic-a")).await;

    // A clinic with no staff account is not offered, and a hand-made confirmation to it is refused.
    let mut w = Walk::new(&p);
    let page_b = w.get("/clinics/clinic-b").await.text();
    assert!(!page_b.contains("receives self-check summaries"), "clinic-b has no staff yet");
    let page_a = w.get("/clinics/clinic-a").await.text();
    assert!(page_a.contains("This clinic receives self-check summaries through KetaPath"), "{page_a}");
    assert!(page_a.contains("href=\"/check?to=clinic-a\""), "{page_a}");

    let result = to_result(&mut w, "/check?to=clinic-a", "0", None).await;
    let answers = form_fields(&result, "/check/send");
    assert!(answers.iter().any(|(k, v)| k == "to" && v == "clinic-a"), "the clinic travels with the answers");
    let mut refused = answers.clone();
    refused.extend(pairs(&[("clinic", "clinic-b")]));
    refused.extend(pairs(&CONTACT));
    let reply = w.post("/check/send/confirm", &refused).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text());
    let html = reply.text();
    assert!(html.contains("href=\"#clinic\"") && html.contains("does not receive self-check summaries"), "{html}");
    assert!(html.contains("value=\"Robin Sender\""), "contact details typed are kept while choosing: {html}");
    assert!(!html.contains("value=\"clinic-b\""), "a clinic that does not receive is not offered");

    // From a clinic's page, the send page goes straight to that clinic, with the preview and the consent.
    let send = w.submit(&result, "/check/send", &[]).await;
    assert_eq!(send.status, StatusCode::OK);
    assert_eq!(send.header("cache-control"), Some("no-store"));
    let send = send.text();
    assert!(send.contains("Send your summary to Clinic clinic-a"), "{send}");
    assert!(send.contains("I agree to send Clinic clinic-a the summary shown above"), "{send}");
    assert!(send.contains("Exactly what will be sent") && send.contains(DRUG), "the preview lists the trials: {send}");
    assert!(!send.to_lowercase().contains("eligible"));

    // The person can also choose from the list, sorted from a ZIP code.
    let listed = w.submit(&send, "/check/send", &[("action", "change")]).await.text();
    let sorted = w.submit(&listed, "/check/send", &[("action", "search"), ("place", "10001")]).await.text();
    assert!(sorted.contains("value=\"clinic-a\"") && sorted.contains(" mi ("), "{sorted}");

    let sent = w.submit(&send, "/check/send/confirm", &CONTACT).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.text());
    assert_eq!(sent.header("cache-control"), Some("no-store"));
    let sent = sent.text();
    let body = main_of(&sent);
    assert!(body.contains("Your summary was sent to Clinic clinic-a") && body.contains("will contact you"), "{body}");
    assert!(body.contains("KetaPath kept nothing else"), "{body}");
    assert!(!body.contains("crisis-now"), "no crisis section at level none");
    assert!(sent.contains("href=\"tel:988\""), "the crisis line is on the page in any case");
    assert!(!body.to_lowercase().contains("eligible"));

    // No answer travelled in a URL, a form action or a Location header, and no cookie was set.
    assert!(w.browser.cookies.is_empty(), "{:?}", w.browser.cookies);
    for url in w.urls.iter().filter(|u| !u.starts_with("/static/")) {
        for answer in [DRUG, WEEKS, AGE, "phq9", "trial", "pregnancy", "Robin", "robin@", "010-0123"] {
            assert!(!url.contains(answer), "{url} carries {answer}");
        }
    }

    // The referral holds the summary the rules give for those answers, the contact details and the message.
    let referrals = referrals_of(&p, &nurse_actor(nurse_a, "clinic-a")).await;
    assert_eq!(referrals.len(), 1);
    let r = &referrals[0];
    assert_eq!(r.contact_name.as_deref(), Some("Robin Sender"));
    assert_eq!(r.contact_phone.as_deref(), Some("+1 (555) 010-0123"));
    assert_eq!(r.contact_email.as_deref(), Some("robin@example.org"));
    assert_eq!(r.message.as_deref(), Some("Please call after 5 pm."));
    assert_eq!(r.patient_id, None);
    let summary = r.summary.clone().unwrap();
    let document = serde_json::json!({
        "phq9": [2, 2, 1, 3, 1, 0, 2, 1, 0], "age": 58, "conditions": ["pregnancy"],
        "trials": [
            {"drug": DRUG, "dose_mg_per_day": 100, "weeks": 37, "improvement": "none", "augmentation": false},
            {"drug": "escitalopram", "dose_mg_per_day": 20, "weeks": 10, "improvement": "partial", "augmentation": false}
        ]
    });
    let screened = send_json(&p.app, "/api/v1/screenings", &document.to_string()).await;
    assert_eq!(summary["kind"], "ketapath.self_check_summary");
    assert_eq!(summary["version"], 1);
    assert_eq!(summary["completed_on"], "2026-11-27", "the store's clock dates the summary");
    assert_eq!(summary["phq9"]["items"], document["phq9"]);
    assert_eq!(summary["phq9"]["total"], screened["phq9"]["total"]);
    assert_eq!(summary["phq9"]["severity"], screened["phq9"]["severity"]);
    assert_eq!(summary["phq9"]["item9"], screened["phq9"]["item9"]);
    assert_eq!(summary["crisis"]["level"], screened["crisis"]["level"]);
    assert_eq!(summary["trd"]["status"], screened["trd"]);
    assert_eq!(summary["trd"]["failed_adequate_trials"], screened["failed_adequate_trials"]);
    assert_eq!(summary["trd"]["possible_failed_trials"], screened["possible_failed_trials"]);
    assert_eq!(summary["rules_version"], screened["rules_version"]);
    assert_eq!(summary["age"], 58);
    for (i, trial) in screened["trials"].as_array().unwrap().iter().enumerate() {
        assert_eq!(summary["trials"][i]["drug"], trial["drug"]);
        assert_eq!(summary["trials"][i]["adequate"], trial["adequate"]);
        assert_eq!(summary["trials"][i]["failed"], trial["failed"]);
    }
    assert_eq!(summary["cautions"][0]["code"], screened["cautions"][0]["code"]);

    // The audit entry of the referral names the channel, never the sender's address.
    let events = p.store.unscoped_for_admin_cli_and_tests().audit_events(1, i64::MAX).await.unwrap();
    let created: Vec<_> = events.iter().filter(|e| e.entity == "referral" && e.action == "create").collect();
    assert_eq!(created.len(), 1, "{events:?}");
    assert_eq!(created[0].origin, "public web");
    assert_eq!(created[0].actor_role, "public");
    assert!(events.iter().all(|e| !e.origin.contains(PEER)), "no audit event of the flow records the peer");

    // A nurse of the clinic sees it in the inbox, in words; a nurse of another clinic does not.
    let mut nurse = p.browser();
    nurse.sign_in("nurse@a.example", PASSWORD, "").await;
    let inbox = nurse.get("/portal/referrals").await.text();
    assert!(inbox.contains("Robin Sender") && inbox.contains("Please call after 5 pm."), "{inbox}");
    assert!(inbox.contains("PHQ-9 total") && inbox.contains("12 out of 27"), "the score in words: {inbox}");
    assert!(!inbox.contains("&#34;kind&#34;") && !inbox.contains("\"kind\""), "not raw JSON");
    p.user("nurse@b.example", Role::Nurse, Some("clinic-b")).await;
    let mut other = p.browser();
    other.sign_in("nurse@b.example", PASSWORD, "").await;
    let other_inbox = other.get("/portal/referrals").await.text();
    assert!(!other_inbox.contains("Robin Sender") && other_inbox.contains("No referrals yet"), "{other_inbox}");
    p.verified().await;
}

async fn crisis_answers_put_crisis_help_first_but_never_the_referral_on_top(p: Portal) {
    let nurse_a = p.user("rx@a.example", Role::Prescriber, Some("clinic-a")).await;
    let mut w = Walk::new(&p);
    let result = to_result(&mut w, "/check", "2", Some("yes")).await;
    // Without `to`, the send page starts with the list.
    let list = w.submit(&result, "/check/send", &[]).await.text();
    assert!(list.contains("Choose a clinic to send your summary to"), "{list}");
    let body = main_of(&list);
    assert!(body.find("crisis-now").unwrap() < body.find("<h1").unwrap(), "crisis help first on the send page");
    let send = w.submit(&list, "/check/send", &[("action", "choose"), ("clinic", "clinic-a")]).await.text();
    let typed = [("name", "Alex Urgent"), ("email", "alex@example.org"), ("consent", "yes")];
    let sent = w.submit(&send, "/check/send/confirm", &typed).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.text());
    let sent = sent.text();
    let body = main_of(&sent);
    let crisis = body.find("crisis-now").expect("a crisis section");
    assert!(crisis < body.find("Your summary was sent").unwrap(), "crisis help before the confirmation: {body}");
    assert!(body.contains("role=\"alert\"") && body.contains("href=\"tel:911\""), "{body}");

    // A calmer summary arrives later: newest first, it is listed on top.
    p.clock.advance(time::Duration::minutes(5));
    let mut calm = Walk::new(&p);
    let result = to_result(&mut calm, "/check?to=clinic-a", "0", None).await;
    let send = calm.submit(&result, "/check/send", &[]).await.text();
    assert_eq!(calm.submit(&send, "/check/send/confirm", &CONTACT).await.status, StatusCode::OK);

    let referrals = referrals_of(&p, &Actor { role: Role::Prescriber, ..nurse_actor(nurse_a, "clinic-a") }).await;
    assert_eq!(referrals.len(), 2);
    let urgent = referrals.iter().find(|r| r.contact_name.as_deref() == Some("Alex Urgent")).unwrap();
    assert_eq!(urgent.summary.as_ref().unwrap()["crisis"]["level"], "emergency");
    assert_eq!(urgent.summary.as_ref().unwrap()["crisis"]["acting_on_thoughts"], true);

    // The self-reported emergency (anyone can answer "yes" to acting on thoughts) does not move the referral up:
    // the inbox stays newest first, so forged emergencies cannot push real referrals off the first page. It is
    // highlighted, marked as reported by the sender, and the urgency filter finds it.
    let mut staff = p.browser();
    staff.sign_in("rx@a.example", PASSWORD, "").await;
    let inbox = staff.get("/portal/referrals").await.text();
    let (alex, robin) = (inbox.find("Alex Urgent").unwrap(), inbox.find("Robin Sender").unwrap());
    assert!(robin < alex, "newest first, whatever the sender's answers: {inbox}");
    assert!(inbox[alex..].contains("Emergency: the person may act on thoughts of self-harm"), "{inbox}");
    assert!(inbox[alex..].contains("role=\"alert\""), "the emergency is highlighted");
    assert_eq!(inbox.matches("Contact not verified").count(), 2, "every referral is marked: {inbox}");
    let emergencies = staff.get("/portal/referrals?status=new&urgency=emergency").await.text();
    assert!(emergencies.contains("Alex Urgent") && !emergencies.contains("Robin Sender"), "{emergencies}");
    let routine = staff.get("/portal/referrals?urgency=none").await.text();
    assert!(!routine.contains("Alex Urgent") && routine.contains("Robin Sender"), "{routine}");
    p.verified().await;
}

/// Fields typed on a page, as (name, value).
type Typed<'a> = &'a [(&'a str, &'a str)];

async fn mistakes_are_named_and_keep_what_was_typed(p: Portal) {
    p.user("admin@a.example", Role::ClinicAdmin, Some("clinic-a")).await;
    let mut w = Walk::new(&p);
    let result = to_result(&mut w, "/check?to=clinic-a", "0", None).await;
    let send = w.submit(&result, "/check/send", &[]).await.text();
    let long = "x".repeat(1001);
    let long = long.as_str();
    // (what is typed, the field named in the message, text that must still be on the page)
    let cases: [(Typed<'_>, &str, &str); 8] = [
        (&[("name", "No Contact"), ("consent", "yes")], "contact", "No Contact"),
        (&[("email", "robin-at-example.org"), ("consent", "yes")], "email", "robin-at-example.org"),
        (&[("phone", "12-34"), ("consent", "yes")], "phone", "12-34"),
        (&[("email", "a@example.org"), ("message", long), ("consent", "yes")], "message", long),
        (&[("email", "a@example.org"), ("name", "Nul\0Name"), ("consent", "yes")], "name", "a@example.org"),
        // A name of zero-width spaces and a Hangul filler would look empty in the clinic's inbox (issue 16, item 7).
        (&[("email", "b@example.org"), ("name", "\u{200B}\u{3164}"), ("consent", "yes")], "name", "b@example.org"),
        (&[("email", "kept@example.org"), ("message", "Keep me")], "consent", "Keep me"),
        (&[("email", "a@example.org"), ("consent", "yes"), ("clinic", "no-such-clinic")], "clinic", "a@example.org"),
    ];
    for (typed, field, kept) in cases {
        let mut fields = form_fields(&send, "/check/send/confirm");
        if typed.iter().any(|(k, _)| *k == "clinic") {
            fields.retain(|(k, _)| k != "clinic");
        }
        fields.extend(pairs(typed));
        let reply = w.post("/check/send/confirm", &fields).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{field}: {}", reply.text());
        assert_eq!(reply.header("cache-control"), Some("no-store"));
        let html = reply.text();
        assert!(html.contains(&format!("href=\"#{field}\"")), "{field} is named: {html}");
        assert!(html.contains(kept), "{field}: what was typed is kept");
        assert!(html.contains("tel:988"));
    }
    // The consent box stays ticked when something else was wrong.
    let mut fields = form_fields(&send, "/check/send/confirm");
    fields.extend(pairs(&[("phone", "1"), ("consent", "yes")]));
    assert!(w.post("/check/send/confirm", &fields).await.text().contains("value=\"yes\" checked"));

    // Tampered answers are refused before anything else, and nothing is stored.
    for (name, value) in [("phq9_3", "7"), ("phq9_9", "x"), ("trial1_weeks", "many"), ("age", "400")] {
        let mut fields: Vec<(String, String)> =
            form_fields(&send, "/check/send/confirm").into_iter().filter(|(k, _)| k != name).collect();
        fields.push((name.to_owned(), value.to_owned()));
        fields.extend(pairs(&CONTACT));
        for path in ["/check/send", "/check/send/confirm"] {
            let reply = w.post(path, &fields).await;
            assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{path} {name}={value}: {}", reply.text());
            assert!(reply.text().contains(name), "the answer at fault is named");
        }
    }
    // A place that cannot be found is named too, keeping the list.
    let list = w.submit(&send, "/check/send", &[("action", "change")]).await.text();
    let reply = w.submit(&list, "/check/send", &[("action", "search"), ("place", "Nowhere, ZZ")]).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.text().contains("href=\"#place\"") && reply.text().contains("value=\"Nowhere, ZZ\""));
    let none = w.submit(&list, "/check/send", &[("action", "choose")]).await;
    assert_eq!(none.status, StatusCode::BAD_REQUEST);
    assert!(none.text().contains("href=\"#clinic\""));

    // A confirmation from another site is refused like the listing report.
    let mut fields = form_fields(&send, "/check/send/confirm");
    fields.extend(pairs(&CONTACT));
    let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(&fields).finish();
    let request = axum::http::Request::builder()
        .method("POST")
        .uri("/check/send/confirm")
        .header("host", "portal.example")
        .header("sec-fetch-site", "cross-site")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(axum::body::Body::from(body))
        .unwrap();
    assert_eq!(send_request(&p.app, request).await.status, StatusCode::FORBIDDEN);

    let events = p.store.unscoped_for_admin_cli_and_tests().audit_events(1, i64::MAX).await.unwrap();
    assert!(!events.iter().any(|e| e.entity == "referral" && e.action == "create"), "nothing was stored");
    p.verified().await;
}

async fn send_request(app: &axum::Router, request: axum::http::Request<axum::body::Body>) -> Reply {
    crate::support::send(app, request).await
}

async fn send_json(app: &axum::Router, uri: &str, body: &str) -> serde_json::Value {
    let reply = crate::support::send(app, post_json(uri, body.to_owned())).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    reply.json()
}

#[tokio::test]
async fn the_summary_reaches_only_the_chosen_clinic_on_sqlite() {
    the_summary_reaches_only_the_chosen_clinic(Portal::sqlite().await).await;
}

#[tokio::test]
async fn the_summary_reaches_only_the_chosen_clinic_on_postgresql() {
    let Some(p) = Portal::postgres().await else { return };
    the_summary_reaches_only_the_chosen_clinic(p).await;
}

#[tokio::test]
async fn crisis_answers_put_crisis_help_first_but_never_the_referral_on_top_on_sqlite() {
    crisis_answers_put_crisis_help_first_but_never_the_referral_on_top(Portal::sqlite().await).await;
}

#[tokio::test]
async fn crisis_answers_put_crisis_help_first_but_never_the_referral_on_top_on_postgresql() {
    let Some(p) = Portal::postgres().await else { return };
    crisis_answers_put_crisis_help_first_but_never_the_referral_on_top(p).await;
}

#[tokio::test]
async fn mistakes_are_named_and_keep_what_was_typed_on_sqlite() {
    mistakes_are_named_and_keep_what_was_typed(Portal::sqlite().await).await;
}

#[tokio::test]
async fn mistakes_are_named_and_keep_what_was_typed_on_postgresql() {
    let Some(p) = Portal::postgres().await else { return };
    mistakes_are_named_and_keep_what_was_typed(p).await;
}
