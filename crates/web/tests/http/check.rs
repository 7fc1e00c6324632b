//! `/check`: the step-by-step self-check without JavaScript, driven the way a browser drives it (each POST sends
//! the hidden fields of the page before plus the answers typed on it), the crisis-first rules, kind re-rendering
//! of mistakes, and answers kept out of every URL.

use axum::http::StatusCode;
use ketapath_clinical::instruments::phq9;

use crate::support::*;

const CHECK: &str = "/check";

/// PHQ-9 answers with item 9 set to `item9`.
pub(crate) fn phq9_answers(item9: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = ["1", "2", "1", "3", "0", "1", "2", "1"]
        .iter()
        .enumerate()
        .map(|(i, v)| (format!("phq9_{}", i + 1), (*v).to_owned()))
        .collect();
    out.push(("phq9_9".to_owned(), item9.to_owned()));
    out
}

/// Submits the page in `html` the way a browser would: its hidden fields plus `typed`.
async fn submit(app: &axum::Router, html: &str, typed: &[(&str, &str)]) -> Reply {
    let mut fields = hidden_fields(html);
    fields.extend(pairs(typed));
    let reply = send(app, post_form(CHECK, &fields)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert!(reply.header("location").is_none(), "the flow never redirects");
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    reply
}

/// Answers in the flows below that must never leave the page body.
const DRUG: &str = "Zoloft";
const MARKER_WEEKS: &str = "37";

/// Walks every step to the result; `acting` answers the follow-up when item 9 is above 0.
async fn walk(item9: &str, acting: Option<&str>, about: &[(&str, &str)]) -> (Vec<String>, String) {
    let app = default_app();
    let mut pages = Vec::new();
    let start = send(&app, get(CHECK)).await;
    assert_eq!(start.status, StatusCode::OK);
    let mut fields = hidden_fields(&start.text());
    fields.extend(phq9_answers(item9));
    let mut html = send(&app, post_form(CHECK, &fields)).await.text();
    pages.push(start.text());
    if let Some(acting) = acting {
        assert!(html.contains("Right now, are you thinking about acting on these thoughts?"), "{html}");
        pages.push(html.clone());
        html = submit(&app, &html, &[("acting", acting)]).await.text();
        if acting == "yes" {
            // "Yes" is answered at once: the get-help-now page, then the check goes on when the person chooses.
            assert!(html.contains("Please get help now") && html.contains("Continue the self-check"), "{html}");
            pages.push(html.clone());
            html = submit(&app, &html, &[]).await.text();
        }
    }
    assert!(html.contains("Antidepressants you have tried"), "{html}");
    pages.push(html.clone());
    let trials = [
        ("trial1_drug", DRUG),
        ("trial1_dose", "100"),
        ("trial1_weeks", MARKER_WEEKS),
        ("trial1_improvement", "none"),
        ("trial2_drug", "escitalopram"),
        ("trial2_dose", "20"),
        ("trial2_weeks", "10"),
        ("trial2_improvement", "partial"),
    ];
    html = submit(&app, &html, &trials).await.text();
    assert!(html.contains("Do any of these apply to you"), "{html}");
    pages.push(html.clone());
    let result = submit(&app, &html, about).await.text();
    assert!(result.contains("Your self-check summary"), "{result}");
    (pages, result)
}

#[tokio::test]
async fn step_one_shows_the_phq9_with_its_copyright_line() {
    let reply = send(&default_app(), get(CHECK)).await;
    assert_eq!(reply.status, StatusCode::OK);
    let html = reply.text();
    assert!(html.contains(phq9::STEM));
    assert!(html.contains(&unescape_free(phq9::COPYRIGHT)), "copyright line visible");
    for item in phq9::SPEC.items {
        assert!(html.contains(&format!("<fieldset class=\"question\" id=\"phq9_{}\"", item.number)));
        assert!(html.contains(&unescape_free(item.text.unwrap())), "item {}", item.number);
        for answer in &phq9::ANSWERS {
            assert!(html.contains(&format!("id=\"phq9_{}_{}\"", item.number, answer.score)));
        }
    }
    assert_eq!(html.matches("<legend>").count(), 9);
    assert!(html.contains("<form method=\"post\" action=\"/check\""));
    assert!(!html.contains("method=\"get\""));
}

/// The page escapes text; the raw string appears with its characters escaped only where HTML needs it.
fn unescape_free(text: &str) -> String {
    text.replace('&', "&#38;").replace('"', "&#34;").replace('\'', "&#39;")
}

#[tokio::test]
async fn the_whole_flow_without_item9() {
    let (_, result) = walk("0", None, &[("condition", "pregnancy"), ("age", "34")]).await;
    let main = main_of(&result);
    assert!(!main.contains("role=\"alert\""), "no alert region at level none");
    assert!(!main.contains("crisis-now"));
    // Crisis lines are still on the page, after the summary, and in the header.
    assert!(main.contains("If things get worse") && main.contains("tel:988"));
    assert!(main.contains("<strong>11 out of 27</strong>"), "{main}");
    assert!(main.contains("Your past treatments match the usual definition"), "{main}");
    assert!(main.contains("Pregnancy or planning a pregnancy"));
    assert!(main.contains("What to discuss with a clinician"));
    assert!(main.contains("Self-check done on "));
    assert!(main.contains("href=\"/find?offers=esketamine_nasal\""));
    let zero = "does not rule out risk";
    assert!(main.contains(zero), "a zero on item 9 is explained, never called safe");
}

#[tokio::test]
async fn item9_shows_crisis_help_before_the_follow_up_question() {
    let app = default_app();
    let reply = send(&app, post_form(CHECK, &[phq9_answers("2"), pairs(&[("step", "phq9")])].concat())).await;
    let html = reply.text();
    let main = main_of(&html);
    let help = main.find("tel:988").expect("988 on the follow-up page");
    let question = main.find("Right now, are you thinking about acting").expect("question");
    assert!(help < question, "crisis help comes first");
    assert!(main.find("sms:741741").unwrap() < question);
    assert!(main.find("tel:911").unwrap() < question);
    // The follow-up is a server-rendered step: a no-JavaScript form with yes and no.
    assert!(main.contains("id=\"acting_yes\"") && main.contains("id=\"acting_no\""));
    // A follow-up sent without an answer comes back with a message, not an error page.
    let again = submit(&app, &html, &[]).await.text();
    assert!(again.contains("id=\"acting-error\"") && again.contains("aria-describedby=\"acting-error\""));
    assert!(main_of(&again).find("tel:988").unwrap() < main_of(&again).find("Right now").unwrap());
}

#[tokio::test]
async fn emergency_result_leads_with_911_in_an_alert() {
    let (pages, result) = walk("3", Some("yes"), &[]).await;
    assert_eq!(pages.len(), 5);
    let main = main_of(&result);
    let region = main.find("role=\"alert\"").expect("alert region");
    let scores = main.find("id=\"scores-heading\"").expect("scores");
    assert!(region < scores, "crisis help before the scores");
    let first_call = main[region..].find("tel:911").unwrap();
    assert!(first_call < main[region..].find("tel:988").unwrap(), "911 first at emergency");
    assert!(main.contains("Thinking about acting on thoughts of self-harm: Yes"));
}

#[tokio::test]
async fn urgent_result_leads_with_988() {
    let (_, result) = walk("1", Some("no"), &[]).await;
    let main = main_of(&result);
    let region = main.find("class=\"crisis-now\"").expect("crisis region");
    assert!(region < main.find("id=\"scores-heading\"").unwrap());
    assert!(!main.contains("role=\"alert\""), "the alert role is kept for emergencies");
    assert!(main[region..].find("tel:988").unwrap() < main[region..].find("tel:911").unwrap(), "988 first");
    assert!(main.contains("Please tell a clinician about this today"));
}

#[tokio::test]
async fn results_never_say_eligible_or_no_risk() {
    for (item9, acting) in [("0", None), ("1", Some("no")), ("3", Some("yes"))] {
        let (_, result) =
            walk(item9, acting, &[("condition", "psychosis"), ("systolic", "150"), ("diastolic", "95")]).await;
        let lower = result.to_lowercase();
        assert!(!lower.contains("eligible"), "item9 {item9}");
        assert!(!lower.contains("no risk"), "item9 {item9}");
    }
}

#[tokio::test]
async fn answers_never_appear_in_a_url() {
    let (pages, result) = walk("2", Some("no"), &[("age", "58"), ("episode_months", "29")]).await;
    for html in pages.iter().chain(std::iter::once(&result)) {
        for link in links(html).iter().filter(|l| !l.starts_with("/static/")) {
            for answer in [DRUG, MARKER_WEEKS, "phq9", "trial", "58", "29", "acting"] {
                assert!(!link.contains(answer), "link {link} carries {answer}");
            }
        }
        for form in html.split("<form").skip(1) {
            let tag = &form[..form.find('>').unwrap()];
            // The result also offers to send the summary to a clinic, again by POST with the answers in the body.
            assert!(
                tag.contains("method=\"post\" action=\"/check\"")
                    || tag.contains("method=\"post\" action=\"/check/send\""),
                "{tag}"
            );
        }
    }
    assert!(result.contains(DRUG), "the result itself shows the answers");
}

#[tokio::test]
async fn a_bad_dose_re_renders_the_step_and_keeps_every_answer() {
    let app = default_app();
    let step2 = send(&app, post_form(CHECK, &[phq9_answers("0"), pairs(&[("step", "phq9")])].concat())).await.text();
    let reply = submit(
        &app,
        &step2,
        &[
            ("trial1_drug", "sertraline"),
            ("trial1_dose", "a lot"),
            ("trial1_weeks", "8"),
            ("trial2_drug", "fluoxetine"),
            ("trial2_dose", "20"),
            ("trial2_weeks", "12"),
            ("trial2_augmentation", "yes"),
        ],
    )
    .await;
    let html = reply.text();
    assert!(html.contains("Antidepressants you have tried"), "same step again");
    assert!(html.contains("<p class=\"field-error\" id=\"trial1_dose-error\">"));
    assert!(html.contains("aria-describedby=\"trial1_dose-error\""));
    assert!(html.contains("<a href=\"#trial1_dose\">"), "the summary links to the field");
    for kept in ["value=\"sertraline\"", "value=\"a lot\"", "value=\"8\"", "value=\"fluoxetine\"", "value=\"12\""] {
        assert!(html.contains(kept), "{kept} lost");
    }
    assert!(html.contains("id=\"trial2_augmentation\" name=\"trial2_augmentation\" value=\"yes\" checked"));
    let hidden = hidden_fields(&html);
    assert!(hidden.contains(&("phq9_4".to_owned(), "3".to_owned())), "earlier answers still carried: {hidden:?}");

    // The engine's own rules come back the same way: a dose of 0 is named on its field.
    let reply = submit(&app, &step2, &[("trial1_drug", "sertraline"), ("trial1_dose", "0")]).await.text();
    assert!(reply.contains("id=\"trial1_dose-error\""), "{reply}");
}

#[tokio::test]
async fn missing_phq9_answers_are_named_and_given_answers_kept() {
    let answers = pairs(&[("phq9_1", "2"), ("phq9_5", "3"), ("step", "phq9")]);
    let html = send(&default_app(), post_form(CHECK, &answers)).await.text();
    assert!(html.contains("role=\"alert\""), "error summary announced");
    assert!(html.contains("id=\"phq9_1_2\" name=\"phq9_1\" value=\"2\" checked"));
    assert!(html.contains("id=\"phq9_5_3\" name=\"phq9_5\" value=\"3\" checked"));
    for missing in [2, 3, 4, 6, 7, 8, 9] {
        assert!(html.contains(&format!("id=\"phq9_{missing}-error\"")), "question {missing}");
    }
    assert!(!html.contains("id=\"phq9_1-error\""));
}

#[tokio::test]
async fn a_tampered_earlier_answer_sends_the_person_back_to_that_step() {
    let fields = [phq9_answers("0"), pairs(&[("phq9_4", "7"), ("step", "about")])].concat();
    let html = send(&default_app(), post_form(CHECK, &fields)).await.text();
    assert!(html.contains("How you have been feeling") && html.contains("id=\"phq9_4-error\""), "{html}");
}

#[tokio::test]
async fn about_step_errors_keep_the_ticks() {
    let fields = [
        phq9_answers("0"),
        pairs(&[("condition", "cystitis"), ("age", "two hundred"), ("systolic", "140"), ("step", "about")]),
    ]
    .concat();
    let html = send(&default_app(), post_form(CHECK, &fields)).await.text();
    assert!(html.contains("id=\"age-error\"") && html.contains("id=\"diastolic-error\""), "{html}");
    assert!(html.contains("id=\"condition_cystitis\" name=\"condition\" value=\"cystitis\" checked"));
    assert!(html.contains("value=\"two hundred\""));
}

#[tokio::test]
async fn changing_answers_returns_to_step_one_filled_in() {
    let (_, result) = walk("0", None, &[("age", "41")]).await;
    let fields = hidden_fields(&result);
    assert!(!fields.iter().any(|(name, _)| name == "step"));
    let html = send(&default_app(), post_form(CHECK, &fields)).await.text();
    assert!(html.contains("id=\"phq9_4_3\" name=\"phq9_4\" value=\"3\" checked"));
    assert!(hidden_fields(&html).contains(&("age".to_owned(), "41".to_owned())));
}

#[tokio::test]
async fn other_bodies_are_an_error_page_with_crisis_contacts() {
    let reply = send(&default_app(), post(CHECK, Some("application/json"), "{}")).await;
    assert_eq!(reply.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_crisis_contacts(&reply.text());
    let reply = send(&default_app(), post(CHECK, None, "phq9_1=1")).await;
    assert_eq!(reply.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn check_pages_carry_no_inline_code_and_stay_light() {
    let (pages, result) = walk("2", Some("no"), &[]).await;
    let css = send(&default_app(), get(&ketapath_web::assets::asset("app.css").url())).await.body.len();
    for html in pages.iter().chain(std::iter::once(&result)) {
        for forbidden in ["<style", " style=", "javascript:", " onclick="] {
            assert!(!html.contains(forbidden), "{forbidden}");
        }
        // The one script is the vendored row reveal of the medicines page, loaded from the site itself, empty inline.
        for script in html.split("<script").skip(1) {
            assert!(script.starts_with(" src=\"/static/check.") && script.contains("defer></script>"), "{script}");
            assert!(script.find("></script>") == script.find('>'), "no inline code: {script}");
        }
        assert!(html.len() + css < 100 * 1024, "page weighs {}", html.len() + css);
        assert_eq!(html.matches("<h1>").count(), 1);
    }
}

/// Printing the result keeps the summary, its date and the crisis lines, and drops navigation and forms.
#[tokio::test]
async fn the_result_prints_the_summary_without_navigation_or_forms() {
    let css = std::str::from_utf8(ketapath_web::assets::asset("app.css").bytes).expect("utf-8");
    let print = &css[css.find("@media print").expect("print rules")..];
    let print = &print[..print.find("\n}").expect("end of print rules")];
    let hidden = print.lines().find(|l| l.contains("display: none")).expect("hidden selectors");
    for selector in [".site-nav", "form", ".no-print", ".skip-link"] {
        assert!(hidden.contains(selector), "{selector} is printed");
    }
    for kept in [".crisis", ".summary-date", "main"] {
        assert!(!hidden.contains(kept), "{kept} is hidden in print");
    }
    let (_, result) = walk("0", None, &[]).await;
    let main = main_of(&result);
    let next = main.find("class=\"no-print\"").expect("the part not printed");
    assert!(main[next..].contains("href=\"/find"), "clinic links are screen-only");
    assert!(main[..next].contains("class=\"summary-date\""), "the date is printed");
    assert!(main[..next].contains("id=\"discuss-heading\""), "what to discuss is printed");
}

#[tokio::test]
async fn a_result_without_treatments_says_so_plainly() {
    let fields = [phq9_answers("0"), pairs(&[("step", "about")])].concat();
    let html = send(&default_app(), post_form(CHECK, &fields)).await.text();
    let main = main_of(&html);
    assert!(main.contains("You did not list any antidepressants"), "{main}");
    assert!(!main.contains("<table class=\"trials\""), "no empty table");
}

#[tokio::test]
async fn yes_to_acting_on_thoughts_leads_straight_to_help_now() {
    let app = default_app();
    let followup = send(&app, post_form(CHECK, &[phq9_answers("2"), pairs(&[("step", "phq9")])].concat())).await.text();
    let reply = submit(&app, &followup, &[("acting", "yes")]).await;
    let html = reply.text();
    let main = main_of(&html);
    assert!(!main.contains("Antidepressants you have tried"), "not the medicines form");
    assert!(main.contains("role=\"alert\""), "announced at once");
    let call_911 = main.find("tel:911").expect("911");
    let call_988 = main.find("tel:988").expect("988");
    let text_line = main.find("sms:741741").expect("the text line");
    assert!(call_911 < call_988 && call_988 < text_line, "911 first, then 988, then the text line");
    assert!(main.contains("Text HOME to 741741"));
    assert!(main.contains("stay with someone you trust"));
    // The answers travel on in hidden fields of a POST form, never in a link.
    assert!(main.contains("<form method=\"post\" action=\"/check\""));
    let hidden = hidden_fields(&html);
    assert!(hidden.contains(&("phq9_9".to_owned(), "2".to_owned())), "{hidden:?}");
    assert!(hidden.contains(&("acting".to_owned(), "yes".to_owned())), "{hidden:?}");
    for link in links(&html) {
        assert!(!link.contains("phq9") && !link.contains("acting"), "link {link} carries an answer");
    }
    assert!(reply.header("set-cookie").is_none(), "no cookie carries the answers");
    // Continuing goes on to the medicines, with the answers kept; "no" goes there directly.
    let next = submit(&app, &html, &[]).await.text();
    assert!(next.contains("Antidepressants you have tried"), "{next}");
    assert!(hidden_fields(&next).contains(&("acting".to_owned(), "yes".to_owned())));
    let no = submit(&app, &followup, &[("acting", "no")]).await.text();
    assert!(no.contains("Antidepressants you have tried") && !no.contains("Please get help now"));
}

#[tokio::test]
async fn a_page_sent_back_with_mistakes_keeps_crisis_help_first() {
    // Item 9 answered, another question not: the PHQ-9 comes back with its messages and crisis help above them.
    let answers = pairs(&[("phq9_1", "2"), ("phq9_9", "3"), ("step", "phq9")]);
    let html = send(&default_app(), post_form(CHECK, &answers)).await.text();
    let main = main_of(&html);
    let help = main.find("tel:988").expect("988 on the page sent back");
    assert!(help < main.find("id=\"error-summary-heading\"").expect("error summary"), "help before the errors");
    assert!(main.contains("Please talk to someone today"));
    // After "yes", a mistake on a later page leads with 911.
    let fields = [phq9_answers("1"), pairs(&[("acting", "yes"), ("age", "150"), ("step", "about")])].concat();
    let html = send(&default_app(), post_form(CHECK, &fields)).await.text();
    let main = main_of(&html);
    assert!(main.contains("id=\"age-error\""), "{main}");
    assert!(main.find("tel:911").unwrap() < main.find("tel:988").unwrap(), "911 first at emergency");
    assert!(main.find("tel:911").unwrap() < main.find("id=\"age-error\"").unwrap());
    // No crisis block when item 9 is 0 and nothing else calls for one.
    let fields = [phq9_answers("0"), pairs(&[("age", "150"), ("step", "about")])].concat();
    let html = send(&default_app(), post_form(CHECK, &fields)).await.text();
    assert!(!main_of(&html).contains("crisis-first-heading"));
}

#[tokio::test]
async fn a_reading_in_the_crisis_range_says_what_to_do_today() {
    let (_, result) = walk("0", None, &[("systolic", "230"), ("diastolic", "130")]).await;
    let main = main_of(&result);
    for words in
        ["measure your blood pressure again", "contact a clinician today", "Call 911 at once", "difficulty speaking"]
    {
        assert!(main.contains(words), "{words:?} missing");
    }
    assert!(!main.contains("clinical.md"), "sources in plain words on a public page");
}

#[tokio::test]
async fn the_anonymous_check_never_says_a_clinician_will_follow_up() {
    for (item9, acting) in [("0", None), ("2", Some("no")), ("3", Some("yes"))] {
        let (pages, result) = walk(item9, acting, &[]).await;
        for html in pages.iter().chain(std::iter::once(&result)) {
            let lower = main_of(html).to_lowercase();
            for promise in
                ["will follow up", "should follow up", "will contact you", "will call you", "a clinician will"]
            {
                assert!(!lower.contains(promise), "{promise:?} on a page for item 9 = {item9}");
            }
        }
    }
}

#[tokio::test]
async fn the_medicines_step_asks_about_this_episode() {
    let html = send(&default_app(), post_form(CHECK, &[phq9_answers("0"), pairs(&[("step", "phq9")])].concat())).await;
    assert!(html.text().contains("in this episode of depression"), "{}", html.text());
}
