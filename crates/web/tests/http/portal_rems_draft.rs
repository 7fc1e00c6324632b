//! The REMS form's "Save draft" (issue 15, item 3), the staff crisis-protocol page and the portal's error pages in the
//! staff layout, on SQLite and PostgreSQL.
//!
//! Draft: answers saved without the completeness check and shown again with who saved them when (on the clinic's
//! clock); a bad value refused naming the field, the typed values shown again and the saved draft unchanged; an
//! answer a person set no longer "from the chart" (in the page and in the API's `derived_from_chart`), even where it
//! says what the chart says; "Mark as submitted" after a draft records the drafted answers and keeps its rule; a
//! submitted form takes no draft; another clinic's session is 404; a draft post without the session's token is 403.
//!
//! `clinic-a` is in New York (EST, UTC-5): 09:05 UTC is 04:05 EST.

#![allow(clippy::unwrap_used)]

use axum::body::Body;
use axum::http::{Method, StatusCode, header};
use ketapath_store::domain::Role;
use serde_json::{Value, json};

use crate::portal_forms::{at, dose, intake, new_patient, signed_in, start};
use crate::portal_support::*;
use crate::support::{assert_crisis_contacts, assert_staff_crisis_protocol};

/// The API's form of the session behind the portal path `session`, read with the browser's session cookie.
async fn api_form(b: &mut Browser, session: &str) -> Value {
    let uri = format!("/api/v1{}/rems-form", session.trim_start_matches("/portal"));
    let request = b.request(Method::GET, &uri).body(Body::empty()).unwrap();
    let reply = b.send(request).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    reply.json()
}

/// A JSON post to the API's draft of the session behind the portal path `session`, with the browser's cookie and
/// CSRF header; answers the status and the document.
async fn api_draft(b: &mut Browser, session: &str, csrf: &str, body: Value) -> (StatusCode, Value) {
    let uri = format!("/api/v1{}/rems-form/draft", session.trim_start_matches("/portal"));
    let request = b
        .request(Method::POST, &uri)
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-csrf-token", csrf)
        .body(Body::from(body.to_string()))
        .unwrap();
    let reply = b.send(request).await;
    (reply.status, serde_json::from_slice(&reply.body).unwrap_or(Value::Null))
}

/// The field of the API's form at `path`: its value and whether it is marked as derived from the chart.
fn field(doc: &Value, path: &str) -> (Value, Value) {
    let found = doc["fields"].as_array().unwrap().iter().find(|f| f["path"] == path).unwrap();
    (found["value"].clone(), found["derived_from_chart"].clone())
}

/// Whether the yes/no select of `path` on the page has `value` selected.
fn selected(html: &str, path: &str, value: &str) -> bool {
    let start = html.find(&format!("name=\"{path}\"")).unwrap();
    let select = &html[start..start + html[start..].find("</select>").unwrap()];
    select.contains(&format!("<option value=\"{value}\" selected>"))
}

async fn draft(mut p: Portal) {
    let mut config = ketapath_web::WebConfig::default();
    config.rate_limit.burst = 1000;
    p.app = app_over(&p.store, config).await;
    let nurse_id = p.user("nurse@a.example", Role::Nurse, Some("clinic-a")).await;
    p.user("nurse@b.example", Role::Nurse, Some("clinic-b")).await;
    let (mut nurse, csrf) = signed_in(&p, "nurse@a.example").await;
    let ada = new_patient(&mut nurse, &csrf, "Ada").await;
    intake(&mut nurse, &csrf, &ada).await;
    let session = start(&mut nurse, &csrf, &ada, "esketamine_nasal").await;
    at(&p, &mut nurse, 5).await;
    dose(&mut nurse, &csrf, &session, "56").await;
    let rems = format!("{session}/rems");

    let page = nurse.get(&rems).await.text();
    assert!(page.contains("name=\"action\" value=\"draft\"") && page.contains("Save draft</button>"), "{page}");
    assert!(page.contains("Mark as submitted</button>"), "{page}");
    assert!(!page.contains("Draft saved on"), "{page}");
    let before = api_form(&mut nurse, &session).await;
    assert_eq!(before["draft_saved"], Value::Null);
    let shown_email = field(&before, "hcp.email");

    // A partial draft: saved without the completeness check. The e-mail posted as shown is not saved as an answer.
    let email = shown_email.0.as_str().unwrap().to_owned();
    let first = [
        ("csrf", csrf.as_str()),
        ("action", "draft"),
        ("hcp.phone", "212-555-0100"),
        ("hcp.email", &email),
        ("concomitant_medications.maois", "no"),
        ("adverse_effects.dissociation", "yes"),
        ("adverse_effects.sedation", ""),
    ];
    let saved = nurse.post(&rems, &first).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    assert_eq!(saved.header("location"), Some(rems.as_str()));
    let page = nurse.get(&rems).await.text();
    assert!(page.contains("Draft saved on 27 Nov 2026, 04:05 EST by Name of nurse@a.example."), "{page}");
    assert!(page.contains("value=\"212-555-0100\"") && selected(&page, "concomitant_medications.maois", "no"));
    assert!(selected(&page, "adverse_effects.dissociation", "yes"), "{page}");
    assert!(page.contains("Not ready to submit"), "a draft is not a submission: {page}");
    let doc = api_form(&mut nurse, &session).await;
    assert_eq!(doc["state"], "draft");
    assert_eq!(doc["draft_saved"]["saved_by"], json!(nurse_id.to_text()));
    assert_eq!(doc["draft_saved"]["saved_at"], "2026-11-27T04:05:00-05:00");
    assert_eq!(field(&doc, "hcp.phone"), (json!("212-555-0100"), json!(false)));
    assert_eq!(field(&doc, "concomitant_medications.maois"), (json!(false), json!(false)));
    assert_eq!(field(&doc, "hcp.email"), shown_email, "left as shown");
    assert_eq!(field(&doc, "adverse_effects.dissociation"), (json!(true), json!(false)));

    // A post-dose MOAA/S of 5 answers the sedation question from the chart ("no"). A person's answer stays theirs
    // even when it comes back to what the chart says: "yes", then "no" again; it is no longer "from the chart".
    at(&p, &mut nurse, 12).await;
    let alert = [("csrf", csrf.as_str()), ("spo2", "98"), ("moaas", "5")];
    assert_eq!(nurse.post(&format!("{session}/observations"), &alert).await.status, StatusCode::SEE_OTHER);
    let doc = api_form(&mut nurse, &session).await;
    assert_eq!(field(&doc, "adverse_effects.sedation"), (json!(false), json!(true)), "{doc}");
    let page = nurse.get(&rems).await.text();
    assert!(page.contains("id=\"pmf-adverse_effects-sedation-chart\">from the chart</span>"), "{page}");
    for answer in ["yes", "no"] {
        let post = [("csrf", csrf.as_str()), ("action", "draft"), ("adverse_effects.sedation", answer)];
        assert_eq!(nurse.post(&rems, &post).await.status, StatusCode::SEE_OTHER);
    }
    let doc = api_form(&mut nurse, &session).await;
    assert_eq!(field(&doc, "adverse_effects.sedation"), (json!(false), json!(false)), "{doc}");
    assert_eq!(field(&doc, "hcp.phone").0, json!("212-555-0100"), "earlier answers are kept by later saves");
    let page = nurse.get(&rems).await.text();
    assert!(page.contains("Draft saved on 27 Nov 2026, 04:12 EST"), "{page}");
    assert!(!page.contains("id=\"pmf-adverse_effects-sedation-chart\""), "{page}");

    // A bad value: refused naming the field, what was typed shown again, and the saved draft unchanged.
    let bad = [
        ("csrf", csrf.as_str()),
        ("action", "draft"),
        ("hcp.phone", "212-555-0199"),
        ("vital_signs.in_range_prior_to_completion", "maybe"),
    ];
    let refused = nurse.post(&rems, &bad).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    let text = refused.text();
    assert!(text.contains("Draft not saved"), "{text}");
    assert!(text.contains("(vital_signs.in_range_prior_to_completion): must be yes, no or unanswered"), "{text}");
    assert!(text.contains("value=\"212-555-0199\""), "the typed telephone is shown again: {text}");
    assert_staff_crisis_protocol(&text);
    assert_eq!(field(&api_form(&mut nurse, &session).await, "hcp.phone").0, json!("212-555-0100"));

    // The API saves drafts too, with the same checks: a wrong type is refused naming the field; an adverse-effect
    // answer saved through it is a person's.
    let (status, doc) = api_draft(&mut nurse, &session, &csrf, json!({"form": {"hcp": {"phone": 5}}})).await;
    assert_eq!((status, doc["error"]["field"].clone()), (StatusCode::BAD_REQUEST, json!("form.hcp.phone")), "{doc}");
    let (status, doc) = api_draft(&mut nurse, &session, &csrf, json!({"adverse_effects": {"sedation": false}})).await;
    assert_eq!(status, StatusCode::OK, "{doc}");
    assert_eq!(field(&doc, "adverse_effects.sedation"), (json!(false), json!(false)));
    assert_eq!(field(&doc, "hcp.phone").0, json!("212-555-0100"));

    // "Mark as submitted" keeps its rule: incomplete, nothing recorded, the draft still there.
    let early = nurse.post(&rems, &[("csrf", csrf.as_str()), ("action", "submit")]).await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", early.text());
    assert!(early.text().contains("nothing was recorded"), "{}", early.text());
    let doc = api_form(&mut nurse, &session).await;
    assert_eq!((doc["state"].clone(), field(&doc, "hcp.phone").0), (json!("draft"), json!("212-555-0100")));

    // Another clinic's nurse: the page and its draft are 404, and nothing changes.
    let (mut other_nurse, other_csrf) = signed_in(&p, "nurse@b.example").await;
    assert_eq!(other_nurse.get(&rems).await.status, StatusCode::NOT_FOUND);
    let foreign = [("csrf", other_csrf.as_str()), ("action", "draft"), ("hcp.phone", "000")];
    let foreign = other_nurse.post(&rems, &foreign).await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    assert_staff_crisis_protocol(&foreign.text());

    // Without the session's token, or from another site, a draft is refused (403) in the staff layout.
    for token in ["", "not-the-token"] {
        let forged = nurse.post(&rems, &[("csrf", token), ("action", "draft"), ("hcp.phone", "000")]).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        let text = forged.text();
        assert_staff_crisis_protocol(&text);
        assert!(text.contains("Signed in as <strong>Name of nurse@a.example</strong>"), "{text}");
    }
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs([("csrf", csrf.as_str()), ("action", "draft"), ("hcp.phone", "000")])
        .finish();
    let mut request = nurse
        .request(Method::POST, &rems)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    // The same form with the session's own token, sent from another site.
    request.headers_mut().insert("sec-fetch-site", header::HeaderValue::from_static("cross-site"));
    assert_eq!(nurse.send(request).await.status, StatusCode::FORBIDDEN);
    assert_eq!(field(&api_form(&mut nurse, &session).await, "hcp.phone").0, json!("212-555-0100"));

    // After the monitoring, "Mark as submitted" with the answers not yet drafted: the drafted ones are recorded too.
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
    assert_eq!(nurse.post(&format!("{session}/discharge"), &discharge).await.status, StatusCode::SEE_OTHER);
    let rest = [
        ("csrf", csrf.as_str()),
        ("action", "submit"),
        ("patient.sex", "female"),
        ("concomitant_medications.benzodiazepines", "no"),
        ("concomitant_medications.non_benzodiazepine_sedative_hypnotics", "no"),
        ("concomitant_medications.psychostimulants", "no"),
        ("concomitant_medications.respiratory_depressants", "no"),
        ("vital_signs.in_range_prior_to_administration", "yes"),
        ("vital_signs.in_range_prior_to_completion", "yes"),
        ("adverse_effects.respiratory_depression", "no"),
    ];
    let submitted = nurse.post(&rems, &rest).await;
    assert_eq!(submitted.status, StatusCode::SEE_OTHER, "{}", submitted.text());
    let doc = api_form(&mut nurse, &session).await;
    assert_eq!(doc["state"], "submitted");
    assert_eq!(doc["form"]["hcp"]["phone"], "212-555-0100", "the drafted telephone was recorded");
    assert_eq!(doc["form"]["concomitant_medications"]["maois"], false);
    let page = nurse.get(&rems).await.text();
    assert!(page.contains("Submitted on 27 Nov 2026") && !page.contains("Save draft"), "{page}");
    assert!(!page.contains("Draft saved on"), "{page}");

    // A submitted form takes no draft.
    let late = nurse.post(&rems, &[("csrf", csrf.as_str()), ("action", "draft"), ("hcp.phone", "1")]).await;
    assert_eq!(late.status, StatusCode::CONFLICT, "{}", late.text());
    assert_eq!(api_form(&mut nurse, &session).await["form"]["hcp"]["phone"], "212-555-0100");
    p.verified().await;
}

#[tokio::test]
async fn portal_rems_draft_on_sqlite() {
    draft(Portal::sqlite().await).await;
}

#[tokio::test]
async fn portal_rems_draft_on_postgres() {
    let Some(p) = Portal::postgres().await else { return };
    draft(p).await;
}

/// The staff crisis protocol: signed-in staff only, linked from every staff page's crisis line, built from the
/// clinic's own thresholds (a stricter SpO2 threshold shows at once), the rules cited by id in details elements;
/// staff without a clinic see the defaults, said as such.
async fn crisis_protocol(p: &Portal) {
    p.user("nurse@a.example", Role::Nurse, Some("clinic-a")).await;
    p.user("rx@a.example", Role::Prescriber, Some("clinic-a")).await;
    p.user("root@example.org", Role::PlatformAdmin, None).await;
    let mut anonymous = p.browser();
    let refused = anonymous.get("/portal/crisis-protocol").await;
    assert_eq!(refused.status, StatusCode::SEE_OTHER);
    assert_eq!(refused.header("location"), Some("/portal/login"));

    let (mut nurse, _) = signed_in(p, "nurse@a.example").await;
    let dashboard = nurse.get("/portal").await.text();
    assert!(dashboard.contains("<a href=\"/portal/crisis-protocol\">"), "the staff line links the protocol");
    let page = nurse.get("/portal/crisis-protocol").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.header("cache-control"), Some("no-store"));
    let text = page.text();
    assert_staff_crisis_protocol(&text);
    for words in [
        "Respiratory depression or deep sedation",
        "Severe hypertension",
        "Severe dissociation or agitation",
        "Suicidal intent",
        "SpO2 below 92 % (this clinic&#39;s alert threshold)",
        "180 systolic or 120 diastolic",
        "CADSS total above 4",
        "this clinic&#39;s own settings",
        "Call or text 988",
        "Text HOME to 741741",
        "call 911",
        "<code>protocols.alerts.spo2_low@1</code>",
        "<code>crisis.suicide_items@1</code>",
    ] {
        assert!(text.contains(words), "{words}\n{text}");
    }
    assert!(text.matches("<details>").count() >= 5, "each section cites its rules: {text}");

    let (mut rx, rx_csrf) = signed_in(p, "rx@a.example").await;
    let stricter = [("csrf", rx_csrf.as_str()), ("alerts.spo2_below", "95"), ("alerts.crisis_systolic", "170")];
    let changed = rx.post("/portal/clinic/settings", &stricter).await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.text());
    let text = nurse.get("/portal/crisis-protocol").await.text();
    assert!(text.contains("SpO2 below 95 %") && !text.contains("SpO2 below 92 %"), "{text}");
    assert!(text.contains("170 systolic or 120 diastolic"), "{text}");

    let (mut admin, _) = signed_in(p, "root@example.org").await;
    let text = admin.get("/portal/crisis-protocol").await.text();
    assert!(text.contains("KetaPath&#39;s defaults") && text.contains("SpO2 below 92 %"), "{text}");
}

ketapath_testkit::on_both_backends!(portal_crisis_protocol, super::crisis_protocol);

/// Error pages under `/portal` use the staff layout (the portal bar for a signed-in caller, the staff crisis line,
/// the staff footer), whoever asks; public error pages keep the public crisis strip and footer.
async fn error_pages(p: &Portal) {
    p.user("nurse@a.example", Role::Nurse, Some("clinic-a")).await;
    let mut anonymous = p.browser();
    let missing = anonymous.get("/portal/no/such/page").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let text = missing.text();
    assert_staff_crisis_protocol(&text);
    assert!(text.contains("Page not found") && !text.contains("Signed in as"), "{text}");
    let public = anonymous.get("/no/such/page").await;
    assert_eq!(public.status, StatusCode::NOT_FOUND);
    assert_crisis_contacts(&public.text());
    assert!(!public.text().contains("id=\"staff-crisis\""));

    let (mut nurse, _) = signed_in(p, "nurse@a.example").await;
    let missing = nurse.get("/portal/no/such/page").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let text = missing.text();
    assert_staff_crisis_protocol(&text);
    assert!(text.contains("Signed in as <strong>Name of nurse@a.example</strong>"), "{text}");
    assert!(text.contains("<a href=\"/portal\">Go to the portal dashboard</a>"), "{text}");
    let record = nurse.get("/portal/sessions/not-an-id").await;
    assert_eq!(record.status, StatusCode::NOT_FOUND);
    assert_staff_crisis_protocol(&record.text());
    assert!(record.text().contains("Signed in as"), "{}", record.text());
}

ketapath_testkit::on_both_backends!(portal_error_pages, super::error_pages);
