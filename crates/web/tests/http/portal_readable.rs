//! Readable portal pages, on SQLite and PostgreSQL: every portal page of the demo clinic, reached by following its
//! links as each demo account, shows words and no raw code (severity bands, instruments, statuses, roles,
//! modalities, alert kinds, contexts) and names no internal file (`.md`); the settings page is grouped by modality
//! and step with its sources in plain words; research consent is stated once, from the store's decision, with
//! none recorded and with one given; assessments are entered one field per item, with the answer choices of a
//! public instrument (PHQ-9) and by item number and score for a licensed one (MADRS), a refusal keeping every value.

#![allow(clippy::unwrap_used)]

use std::collections::{BTreeSet, HashSet, VecDeque};

use axum::http::StatusCode;
use ketapath_care::demo::seed_demo_care;
use ketapath_clinical::instruments::Instrument;
use ketapath_clinical::protocols::Modality;
use ketapath_directory::ClinicId;
use ketapath_store::domain::{
    AeSeverity, AssessmentContext, CourseStatus, PatientStatus, ReferralStatus, Role, SessionStatus,
};
use ketapath_testkit::on_both_backends;

use crate::support::visible;

use crate::portal_support::*;

/// A browser over an app whose rate limit lets one test read a few hundred pages.
async fn browser(p: &Portal) -> Browser {
    let mut config = ketapath_web::WebConfig::default();
    config.rate_limit.burst = 10_000;
    Browser { app: app_over(&p.store, config).await, cookies: Vec::new(), peer: BROWSER_PEER }
}

/// The codes a page must never show as text: every code of the vocabularies the portal shows that is not an
/// English word already (it holds an underscore or a digit), and every instrument id.
fn raw_codes() -> HashSet<String> {
    let mut codes: Vec<&str> = Vec::new();
    for i in Instrument::ALL {
        codes.push(i.code());
        codes.extend(i.spec().bands.iter().map(|b| b.severity));
    }
    codes.extend(Modality::ALL.iter().map(|m| m.code()));
    codes.extend(Role::ALL.iter().map(|r| r.code()));
    codes.extend(CourseStatus::ALL.iter().map(|s| s.code()));
    codes.extend(SessionStatus::ALL.iter().map(|s| s.code()));
    codes.extend(ReferralStatus::ALL.iter().map(|s| s.code()));
    codes.extend(PatientStatus::ALL.iter().map(|s| s.code()));
    codes.extend(AssessmentContext::ALL.iter().map(|s| s.code()));
    codes.extend(AeSeverity::ALL.iter().map(|s| s.code()));
    codes.extend([
        "spo2_low",
        "unresponsive",
        "hypertensive_crisis_range",
        "hypertensive_crisis_symptoms",
        "bp_above_gate",
    ]);
    let instruments: Vec<&str> = Instrument::ALL.iter().map(|i| i.code()).collect();
    codes
        .into_iter()
        .filter(|c| c.contains('_') || c.chars().any(|ch| ch.is_ascii_digit()) || instruments.contains(c))
        .map(str::to_owned)
        .collect()
}

/// The raw codes in `html`'s visible text. A dotted or versioned identifier (a rule reference such as
/// `protocols.discharge.spo2@2`) is one token and not a code.
fn codes_in(html: &str, codes: &HashSet<String>) -> BTreeSet<String> {
    visible(html)
        .split(|c: char| c.is_whitespace() || "()[],;:\"'!?/<>=&#".contains(c))
        .map(|t| t.trim_end_matches('.'))
        .filter(|t| !t.contains('.') && !t.contains('@'))
        .flat_map(|t| t.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')))
        // A code in capitals (`PHQ9`, `QIDS_SR16`) is still a code; a name such as `MADRS` is not `madrs`.
        .filter(|t| codes.contains(*t) || (!t.chars().all(char::is_alphabetic) && codes.contains(&t.to_lowercase())))
        .map(str::to_owned)
        .collect()
}

/// The `/portal` links of a page (not sign-out, not the PDFs), without their fragment.
fn links(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|t| t.split('"').next())
        .map(|h| h.replace("&amp;", "&"))
        .map(|h| h.split('#').next().unwrap_or_default().to_owned())
        .filter(|h| h.starts_with("/portal") && !h.ends_with(".pdf") && !h.contains("logout"))
        .collect()
}

async fn demo_pages_show_words(p: &Portal) {
    let clinic = ClinicId::parse("clinic-a").unwrap();
    let demo = seed_demo_care(&p.store, &clinic, p.store.now(), 2026).await.unwrap().unwrap();
    let codes = raw_codes();
    let mut seen_pages = 0;
    for account in &demo.accounts {
        let mut b = browser(p).await;
        let signed_in = b.sign_in(&account.email, &account.password, "").await;
        assert_eq!(signed_in.status, StatusCode::SEE_OTHER, "{}", signed_in.text());
        let mut queue: VecDeque<String> = ["/portal".to_owned(), "/portal/clinic/settings".to_owned()].into();
        // The assessment form of every instrument, on the first patient's page.
        for i in Instrument::ALL {
            queue.push_back(format!("/portal/patients/{}?instrument={}", demo.patients[0], i.code()));
        }
        let mut seen = HashSet::new();
        while let Some(page) = queue.pop_front() {
            if !seen.insert(page.clone()) || seen.len() > 400 {
                continue;
            }
            let reply = b.get(&page).await;
            assert_eq!(reply.status, StatusCode::OK, "{page} as {:?}", account.role);
            let html = reply.text();
            let found = codes_in(&html, &codes);
            assert!(found.is_empty(), "{page} as {:?} shows the codes {found:?}: {}", account.role, visible(&html));
            if let Some(at) = html.find(".md") {
                let from = html[..at].char_indices().rev().nth(80).map_or(0, |(i, _)| i);
                panic!("{page} names an internal file: …{}", &html[from..(at + 3).min(html.len())]);
            }
            queue.extend(links(&html));
        }
        seen_pages += seen.len();
        // The crawl reached the pages that show codes most: a patient, a session and the settings.
        assert!(seen.iter().any(|p| p.starts_with("/portal/sessions/")), "{seen:?}");
        assert!(seen.iter().any(|p| p.starts_with("/portal/patients/") && !p.contains('?')), "{seen:?}");
    }
    assert!(seen_pages > 30, "{seen_pages} pages read");
}

on_both_backends!(every_demo_portal_page_shows_words_not_codes, super::demo_pages_show_words);

#[test]
fn the_code_check_finds_codes_in_text_and_not_in_attributes_or_rule_ids() {
    let codes = raw_codes();
    let found = codes_in("<td>moderately_severe</td><td>qids_sr16.</td><td>PHQ9</td><td>MADRS</td>", &codes);
    assert_eq!(found.into_iter().collect::<Vec<_>>(), ["PHQ9", "moderately_severe", "qids_sr16"]);
    let none = "<option value=\"esketamine_nasal\">Esketamine</option> rule protocols.bp_gate.esketamine_nasal@1";
    assert!(codes_in(none, &codes).is_empty());
    assert!(codes_in("<script>var phq9 = 1;</script><p>PHQ-9</p>", &codes).is_empty());
}

async fn settings_in_words(p: &Portal) {
    p.user("admin@a.example", Role::ClinicAdmin, Some("clinic-a")).await;
    p.user("nurse@a.example", Role::Nurse, Some("clinic-a")).await;
    let mut admin = browser(p).await;
    admin.sign_in("admin@a.example", PASSWORD, "").await;
    let csrf = admin.csrf().await;
    let text = admin.get("/portal/clinic/settings").await.text();
    // Grouped by modality, then by step, in the order of a session.
    let order = [
        "Esketamine nasal spray (SPRAVATO)</h3>",
        "IV ketamine infusion</h3>",
        "IM and oral ketamine</h3>",
        "Every modality</h3>",
    ];
    let at: Vec<usize> = order.iter().map(|h| text.find(h).unwrap_or_else(|| panic!("{h}: {text}"))).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{at:?}");
    let every = &text[at[3]..];
    let steps = ["<h4>Monitoring during the session</h4>", "<h4>Alerts during the session</h4>", "<h4>Discharge</h4>"];
    let at: Vec<usize> = steps.iter().map(|h| every.find(h).unwrap_or_else(|| panic!("{h}: {every}"))).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{at:?}");
    // Each setting a sentence around its value; an unverified one marked; the source and status folded away.
    assert!(
        text.contains("Hold the infusion when the systolic blood pressure is above</label>")
            && text.contains("name=\"bp_gate.iv_ketamine.systolic_max\" value=\"140\"")
            && text.contains("mmHg <strong class=\"marker\">[U]</strong>"),
        "{text}"
    );
    let row = text.split("id=\"setting-bp_gate-iv_ketamine-systolic_max-row\"").nth(1).unwrap();
    let details = row.split("<details>").nth(1).and_then(|d| d.split("</details>").next()).unwrap();
    assert!(details.contains("Unverified default") && details.contains("the esketamine label"), "{details}");
    assert!(!text.contains("<table") || !text[..text.find("publication-heading").unwrap()].contains("<table"));
    assert!(!text.contains(".md") && !text.contains('§'), "no internal reference on the page");

    // Editing works as before: a value saved, a floor refused naming it, with what was typed kept.
    let saved =
        admin.post("/portal/clinic/settings", &[("csrf", &csrf), ("bp_gate.iv_ketamine.systolic_max", "150")]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    let text = admin.get("/portal/clinic/settings").await.text();
    assert!(text.contains("name=\"bp_gate.iv_ketamine.systolic_max\" value=\"150\""), "{text}");
    assert!(text.contains("Default: 140 (changed by the clinic)"), "{text}");
    let low = admin.post("/portal/clinic/settings", &[("csrf", &csrf), ("discharge.min_spo2", "85")]).await;
    assert_eq!(low.status, StatusCode::BAD_REQUEST);
    let text = low.text();
    assert!(text.contains("required; at least 90 %") && text.contains("value=\"85\""), "{text}");

    // A nurse reads the same sentences with the values in words.
    let mut nurse = browser(p).await;
    nurse.sign_in("nurse@a.example", PASSWORD, "").await;
    let text = nurse.get("/portal/clinic/settings").await.text();
    assert!(
        text.contains("The clinic&#39;s REMS setting <strong>Outpatient (a certified office or clinic)</strong>"),
        "{text}"
    );
    assert!(text.contains("Hold the infusion when the systolic blood pressure is above <strong>150</strong> mmHg"));
}

on_both_backends!(the_settings_page_is_grouped_in_words_with_plain_sources, super::settings_in_words);

/// The one consent sentence of a patient page, and how many times the page states a consent.
fn consent_of(html: &str) -> (String, usize) {
    let sentence = html.split("<p id=\"research-consent\">").nth(1).and_then(|t| t.split("</p>").next()).unwrap();
    let statements = ["Research consent: given", "No research-consent decision recorded", "id=\"research-consent\""];
    (sentence.to_owned(), statements.iter().map(|s| html.matches(s).count()).sum())
}

async fn consent_once(p: &Portal) {
    p.user("nurse@a.example", Role::Nurse, Some("clinic-a")).await;
    let mut nurse = browser(p).await;
    nurse.sign_in("nurse@a.example", PASSWORD, "").await;
    let csrf = nurse.csrf().await;
    let made = nurse
        .post(
            "/portal/patients/new",
            &[("csrf", &csrf), ("given_name", "Ada"), ("family_name", "Example"), ("birth_date", "1980-04-01")],
        )
        .await;
    let patient = made.header("location").unwrap().to_owned();
    let (sentence, count) = consent_of(&nurse.get(&patient).await.text());
    assert!(sentence.starts_with("Not given: no research consent is recorded"), "{sentence}");
    assert_eq!(count, 1);

    let consent = format!("{patient}/research-consent");
    let given = nurse.post(&consent, &[("csrf", &csrf), ("status", "given"), ("date", "2026-11-20")]).await;
    assert_eq!(given.status, StatusCode::SEE_OTHER, "{}", given.text());
    let html = nurse.get(&patient).await.text();
    let (sentence, count) = consent_of(&html);
    assert!(sentence.starts_with("Given on 20 Nov 2026"), "{sentence}");
    assert_eq!(count, 1, "{html}");
    assert!(html.contains("Decisions recorded (1)") && html.contains("20 Nov 2026: given (recorded on"), "{html}");
    // The page says what the research read does: this patient is exported.
    let reader = p.store.research_reader_for_admin_cli_and_registry("test");
    let exported = reader.patients(p.store.now().date()).await.unwrap();
    assert!(exported.iter().any(|r| patient.ends_with(&r.patient_id)), "given: exported");
}

on_both_backends!(research_consent_is_stated_once_from_the_stores_decision, super::consent_once);

async fn item_fields(p: &Portal) {
    p.user("nurse@a.example", Role::Nurse, Some("clinic-a")).await;
    let mut nurse = browser(p).await;
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

    // PHQ-9, public: each item's own text and answer choices with their scores; no comma field.
    let page = nurse.get(&patient).await.text();
    assert!(!page.contains("separated by commas") && !page.contains("name=\"items\""), "{page}");
    assert!(page.contains("<label for=\"as-item_1\">1. Little interest or pleasure in doing things</label>"), "{page}");
    assert!(page.contains("<option value=\"3\">Nearly every day (3)</option>"), "{page}");
    assert_eq!(page.matches("<select id=\"as-item_").count(), 9);

    // A refusal (item 9 left blank) names the item and keeps every value entered.
    let mut fields: Vec<(String, String)> = vec![
        ("csrf".into(), csrf.clone()),
        ("instrument".into(), "phq9".into()),
        ("context".into(), "follow_up".into()),
        ("taken_at".into(), "2026-11-27T03:30".into()),
    ];
    fields.extend((1..=8).map(|n| (format!("item_{n}"), "2".to_owned())));
    fields.push(("item_9".into(), String::new()));
    let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let refused = nurse.post(&assess, &form).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    let text = refused.text();
    assert!(text.contains("Not recorded:</strong> items[8]: item 9 (Thoughts of death or self-harm)"), "{text}");
    assert_eq!(text.matches("<option value=\"2\" selected>").count(), 8, "{text}");
    assert!(text.contains("value=\"2026-11-27T03:30\"") && text.contains("value=\"follow_up\" selected"), "{text}");
    let last = fields.len() - 1;
    fields[last].1 = "1".to_owned();
    let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let saved = nurse.post(&assess, &form).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    let page = nurse.get(&patient).await.text();
    assert!(page.contains("<td>PHQ-9</td><td>17</td><td>Moderately severe</td>"), "{page}");
    assert!(page.contains("Urgent: PHQ-9 item 9 = 1"), "{page}");

    // MADRS, licensed: items by number with a score from 0 to 6, no item name or anchor.
    let page = nurse.get(&format!("{patient}?instrument=madrs")).await.text();
    assert!(page.contains("<input type=\"hidden\" name=\"instrument\" value=\"madrs\">"), "{page}");
    assert!(page.contains("<label for=\"as-item_10\">Item 10</label>") && !page.contains("Apparent sadness"), "{page}");
    let item_10 = page.split("id=\"as-item_10\"").nth(1).and_then(|t| t.split("</select>").next()).unwrap();
    let scores: Vec<&str> = item_10.split("<option value=\"").skip(2).filter_map(|t| t.split('"').next()).collect();
    assert_eq!(scores, ["0", "1", "2", "3", "4", "5", "6"]);
    let mut fields: Vec<(String, String)> = vec![
        ("csrf".into(), csrf.clone()),
        ("instrument".into(), "madrs".into()),
        ("context".into(), "baseline".into()),
    ];
    fields.extend((1..=9).map(|n| (format!("item_{n}"), "3".to_owned())));
    fields.push(("item_10".into(), "7".into()));
    let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let refused = nurse.post(&assess, &form).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    let text = refused.text();
    assert!(text.contains("items[9]: item 10") && text.contains("must be an integer from 0 to 6"), "{text}");
    assert_eq!(text.matches("<option value=\"3\" selected>").count(), 9, "{text}");
    let last = fields.len() - 1;
    fields[last].1 = "0".to_owned();
    let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(nurse.post(&assess, &form).await.status, StatusCode::SEE_OTHER);
    let page = nurse.get(&patient).await.text();
    assert!(page.contains("<td>MADRS</td><td>27</td><td>Moderate</td>"), "{page}");
}

on_both_backends!(assessments_are_entered_one_field_per_item, super::item_fields);
