//! The session flowsheet and the "in the chair" dashboard (issue 15), on SQLite and PostgreSQL: the patient's
//! name, birth date and record number slot on the session page; only the actions that apply before and after the
//! dose; a refused dose and a refused discharge shown in words (codes only inside a details element) with every
//! typed value kept; no meta refresh and correct plurals; one row per check; the dose copied forward from the
//! previous session and marked as such; the dashboard opening with every patient in the chair whatever the date,
//! then today's other sessions; one date format; the staff layout without the public crisis strip.
//!
//! `clinic-a` is in New York (EST, UTC-5): 14:00 UTC is 09:00 on the clinic's clock.

#![allow(clippy::unwrap_used)]

use axum::http::StatusCode;
use ketapath_store::domain::Role;
use time::macros::datetime;

use crate::portal_forms::{dose, intake, new_patient, signed_in, start};
use crate::portal_support::*;
use crate::support::assert_staff_crisis_protocol;

/// The text a person reads: tags dropped, and the content of details elements (codes, rule ids) left out.
fn visible(html: &str) -> String {
    let mut text = String::new();
    let mut rest = html;
    while let Some(open) = rest.find("<details") {
        text.push_str(&rest[..open]);
        rest = rest[open..].find("</details>").map_or("", |close| &rest[open + close..]);
    }
    text.push_str(rest);
    let mut out = String::new();
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// The part of `html` from the heading `from` to the heading `to`.
fn section<'a>(html: &'a str, from: &str, to: &str) -> &'a str {
    let start = html.find(from).unwrap_or_else(|| panic!("{from} in {html}"));
    let end = html[start..].find(to).map_or(html.len(), |e| start + e);
    &html[start..end]
}

async fn flowsheet(mut p: Portal) {
    let mut config = ketapath_web::WebConfig::default();
    config.rate_limit.burst = 1000;
    p.app = app_over(&p.store, config).await;
    p.user("nurse@a.example", Role::Nurse, Some("clinic-a")).await;

    // Yesterday (26 Nov, 09:00 EST): Ada's first session is dosed (56 mg, lot AB123) and never discharged.
    p.clock.set(datetime!(2026-11-26 14:00 UTC));
    let (mut nurse, csrf) = signed_in(&p, "nurse@a.example").await;
    let ada = new_patient(&mut nurse, &csrf, "Ada").await;
    intake(&mut nurse, &csrf, &ada).await;
    let first = start(&mut nurse, &csrf, &ada, "esketamine_nasal").await;
    dose(&mut nurse, &csrf, &first, "56").await;

    // Today (27 Nov, 09:00 EST): Ada's second session, and Bea's, not dosed.
    p.clock.set(datetime!(2026-11-27 14:00 UTC));
    let (mut nurse, csrf) = signed_in(&p, "nurse@a.example").await;
    let bea = new_patient(&mut nurse, &csrf, "Bea").await;
    intake(&mut nurse, &csrf, &bea).await;
    let waiting = start(&mut nurse, &csrf, &bea, "esketamine_nasal").await;
    let second = start(&mut nurse, &csrf, &ada, "esketamine_nasal").await;

    let page = nurse.get(&second).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    let text = visible(&html);
    // Identity: the name as on the record, the birth date, the record number's slot.
    assert!(html.contains("<span id=\"patient-name\">Ada Example</span>"), "{html}");
    assert!(html.contains("id=\"birth-date\">1 Apr 1980</dd>"), "{html}");
    assert!(html.contains("id=\"record-number\">none on the record</dd>"), "{html}");
    // Before the dose: pre-checks, a baseline check and the dose; no discharge, early departure or adverse event.
    assert!(text.contains("Save pre-checks") && text.contains("Save dose") && text.contains("Save check"), "{text}");
    assert!(!html.contains("/discharge\""), "no discharge form before the dose: {html}");
    for absent in ["Discharge criteria", "Patient left early", "Save adverse event"] {
        assert!(!text.contains(absent), "{absent} before the dose: {text}");
    }
    // The dose copied forward from session 1, marked, and the time on the clinic's clock.
    assert!(text.contains("Dose and lot from session 1 — check before saving. 2 devices (28 mg each)."), "{text}");
    assert!(html.contains("name=\"dose_mg\" inputmode=\"decimal\" class=\"num\" value=\"56\""), "{html}");
    assert!(html.contains("name=\"lot\" value=\"AB123\""), "{html}");
    assert!(html.contains("name=\"at\" type=\"datetime-local\" value=\"2026-11-27T09:00\""), "{html}");
    // No reload over typed input; the same-origin script instead.
    assert!(!html.contains("http-equiv"), "{html}");
    assert!(html.contains("<script src=\"/static/session.") && html.contains(".js\" defer></script>"), "{html}");
    assert_staff_crisis_protocol(&html);

    // A dose without a blood pressure: refused in words, every typed value kept, the codes in a details element.
    let refused = [("csrf", csrf.as_str()), ("at", "2026-11-27T08:58"), ("dose_mg", "56"), ("lot", "ZZ999")];
    let reply = nurse.post(&format!("{second}/dose"), &refused).await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    let html = reply.text();
    let text = visible(&html);
    assert!(text.contains("The dose was not recorded: the blood pressure gate did not pass"), "{text}");
    assert!(text.contains("No blood pressure is recorded before the dose"), "{text}");
    assert!(text.contains("a prescriber may pass the gate with an override reason"), "{text}");
    for code in ["bp_gate", "override_reason", "invalid_input", "Refused"] {
        assert!(!text.contains(code), "{code} in the visible text: {text}");
    }
    assert!(html.contains("<code>bp_gate</code>"), "the code stays, in the details: {html}");
    assert!(html.contains("value=\"ZZ999\"") && html.contains("value=\"2026-11-27T08:58\""), "typed values: {html}");
    assert!(!text.contains("from session 1 — check"), "the typed values, not the copied ones: {text}");

    // The pre-checks and the dose at 09:00; one minute later: "1 minute", and only the actions after the dose.
    dose(&mut nurse, &csrf, &second, "56").await;
    p.clock.set(datetime!(2026-11-27 14:01 UTC));
    let html = nurse.get(&second).await.text();
    let text = visible(&html);
    assert!(text.contains("1 minute; minimum monitoring until"), "{text}");
    assert!(text.contains("Save check") && text.contains("Patient left early") && text.contains("Save adverse event"));
    assert!(html.contains("action=\"/portal/sessions/") && html.contains("/discharge\""), "{html}");
    for absent in ["Save pre-checks", "Save dose", "1 minutes"] {
        assert!(!text.contains(absent), "{absent} after the dose: {text}");
    }

    // One check form: every measure of one time in one row.
    let check = [
        ("csrf", csrf.as_str()),
        ("at", "2026-11-27T09:01"),
        ("systolic", "138"),
        ("diastolic", "86"),
        ("heart_rate", "80"),
        ("spo2", "97"),
        ("moaas", "4"),
        ("cadss", "8"),
        ("note", "sleepy, dissociated"),
    ];
    let saved = nurse.post(&format!("{second}/observations"), &check).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    let html = nurse.get(&second).await.text();
    assert!(
        html.contains(
            "09:01 EST <span class=\"after\">(1 minute after the dose)</span></th><td>138/86</td><td>80</td>\
             <td>97 %</td><td>4</td><td>8</td><td>sleepy, dissociated</td></tr>"
        ),
        "{html}"
    );

    // An early discharge: refused in words (no code in the visible text), the typed ready-to-leave time kept.
    let early = [("csrf", csrf.as_str()), ("ready_to_leave_at", "2026-11-27T09:01")];
    let reply = nurse.post(&format!("{second}/discharge"), &early).await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    let html = reply.text();
    let text = visible(&html);
    assert!(text.contains("Not discharged: the patient may not leave yet") && text.contains("no override lifts"));
    for code in ["monitoring_incomplete", "minimum_time", "_"] {
        assert!(!section(&text, "Not discharged", "Checks").contains(code), "{code} in the refusal: {text}");
    }
    assert!(html.contains("name=\"ready_to_leave_at\" type=\"datetime-local\" value=\"2026-11-27T09:01\""), "{html}");

    // The dashboard: every patient in the chair first, yesterday's too, by full name; then today's other sessions.
    let html = nurse.get("/portal").await.text();
    assert_staff_crisis_protocol(&html);
    let chair = section(&html, "In the chair (2)", "Today's other sessions");
    for session in [&first, &second] {
        assert!(chair.contains(&format!("href=\"{session}\">Ada Example: Esketamine")), "{session} in {chair}");
    }
    assert!(chair.contains("1 minute since the dose; next: "), "{chair}");
    assert!(chair.contains("open") || chair.contains("no open alerts"), "{chair}");
    let today = section(&html, "Today's other sessions (1)", "New referrals");
    assert!(today.contains(&format!("href=\"{waiting}\">")) && today.contains("Bea Example"), "{today}");
    let order = ["In the chair", "Today's other sessions", "New referrals", "REMS forms due", "Self-report alerts"];
    let at: Vec<usize> = order.iter().map(|h| html.find(h).unwrap()).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{order:?} in that order: {html}");
    // One date format: "26 Nov 2026", never an ISO date in what people read.
    let text = visible(&html);
    assert!(text.contains("dose on 26 Nov 2026, form due 3 Dec 2026"), "{text}");
    for page in ["/portal", &second, &format!("/portal/patients/{ada}")] {
        let text = visible(&nurse.get(page).await.text());
        assert!(!text.contains("2026-11-") && !text.contains("November 2026"), "{page}: {text}");
    }
    p.verified().await;
}

#[tokio::test]
async fn portal_flowsheet_on_sqlite() {
    flowsheet(Portal::sqlite().await).await;
}

#[tokio::test]
async fn portal_flowsheet_on_postgres() {
    let Some(p) = Portal::postgres().await else { return };
    flowsheet(p).await;
}
