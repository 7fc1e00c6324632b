//! The self-check's steps as a person moves through them (issue 18): Back on every step returns to the page before
//! with every answer kept (in POST bodies only), doses are read with or without "mg", medicine rows come one at a
//! time, no choice list repeats a label, and no public page names an internal file.

// Test helpers may unwrap: a panic there is a failed test with its cause.
#![allow(clippy::unwrap_used)]

use axum::http::StatusCode;

use crate::check::phq9_answers;
use crate::portal_support::Portal;
use crate::support::*;

const CHECK: &str = "/check";

/// The value of attribute `name` in the tag text `tag`, unescaped.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let marker = format!(" {name}=\"");
    let start = tag.find(&marker)? + marker.len();
    Some(unescape(&tag[start..start + tag[start..].find('"')?]))
}

/// What a browser posts for a form: hidden and text fields, ticked boxes and radios, each select's chosen option.
fn serialize(form: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for part in form.split("<input ").skip(1) {
        let tag = format!(" {}", &part[..part.find('>').unwrap()]);
        let (Some(name), kind) = (attribute(&tag, "name"), attribute(&tag, "type").unwrap_or_default()) else {
            continue;
        };
        let ticked = tag.contains(" checked");
        if (kind != "checkbox" && kind != "radio") || ticked {
            out.push((name, attribute(&tag, "value").unwrap_or_default()));
        }
    }
    for part in form.split("<select ").skip(1) {
        let name = attribute(&format!(" {}", &part[..part.find('>').unwrap()]), "name").unwrap();
        let body = &part[..part.find("</select>").unwrap()];
        let options: Vec<&str> = body.split("<option ").skip(1).collect();
        let chosen = options.iter().find(|o| o[..o.find('>').unwrap()].contains(" selected")).or(options.first());
        if let Some(option) = chosen {
            out.push((name, attribute(&format!(" {}", &option[..option.find('>').unwrap()]), "value").unwrap()));
        }
    }
    out
}

/// Posts the self-check form of `html` as a browser does, after typing `typed` (a typed field replaces what was
/// in it; `condition` ticks one more box); `button` is the (name, value) of the button pressed, if it has one.
async fn press(app: &axum::Router, html: &str, typed: &[(&str, &str)], button: Option<(&str, &str)>) -> String {
    let start = html.find("<form method=\"post\" action=\"/check\"").unwrap_or_else(|| panic!("no check form: {html}"));
    let form = &html[start..];
    let mut fields = serialize(&form[..form.find("</form>").unwrap()]);
    for (name, value) in typed {
        if *name != "condition" {
            fields.retain(|(n, _)| n != name);
        }
        fields.push(((*name).to_owned(), (*value).to_owned()));
    }
    if let Some((name, value)) = button {
        fields.push((name.to_owned(), value.to_owned()));
    }
    let reply = send(app, post_form(CHECK, &fields)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert!(reply.header("location").is_none(), "Back never redirects");
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    reply.text()
}

/// The step code the page's Back button returns to.
fn back_of(html: &str) -> String {
    let marker = "name=\"go\" value=\"";
    let start = html.find(marker).unwrap_or_else(|| panic!("no Back button: {html}")) + marker.len();
    html[start..start + html[start..].find('"').unwrap()].to_owned()
}

async fn back(app: &axum::Router, html: &str) -> String {
    let to = back_of(html);
    press(app, html, &[], Some(("go", &to))).await
}

#[tokio::test]
async fn back_returns_to_every_earlier_step_with_every_answer_kept() {
    let app = default_app();
    let start = send(&app, get(CHECK)).await.text();
    assert!(!start.contains("name=\"go\""), "step 1 has no page before it");
    let answers = phq9_answers("1");
    let typed: Vec<(&str, &str)> = answers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let follow_up = press(&app, &start, &typed, None).await;
    assert!(follow_up.contains("are you thinking about acting"), "{follow_up}");
    let help_now = press(&app, &follow_up, &[("acting", "yes")], None).await;
    assert!(help_now.contains("Continue the self-check"), "{help_now}");
    let trials = press(&app, &help_now, &[], None).await;
    let typed_trials = [("trial1_drug", "Zoloft"), ("trial1_dose", "150 mg"), ("trial1_weeks", "9")];
    let about = press(&app, &trials, &typed_trials, None).await;
    assert!(about.contains("Do any of these apply to you"), "{about}");
    let result = press(&app, &about, &[("age", "58"), ("condition", "cystitis")], None).await;
    assert!(result.contains("Your self-check summary"), "{result}");

    // From the result, Back is step 3 with its answers in the fields and the earlier ones carried.
    let about = back(&app, &result).await;
    assert!(about.contains("Do any of these apply to you"), "{about}");
    assert!(about.contains("name=\"age\" value=\"58\""), "{about}");
    assert!(about.contains("value=\"cystitis\" checked"), "{about}");
    assert_eq!(back_of(&about), "trials");

    // Answers typed on a page and then left by Back are kept too: they are in the same POST.
    let trials = press(&app, &about, &[("age", "59")], Some(("go", "trials"))).await;
    assert!(trials.contains("Antidepressants you have tried"), "{trials}");
    for kept in ["value=\"Zoloft\"", "value=\"150 mg\"", "value=\"9\""] {
        assert!(trials.contains(kept), "{kept} lost: {trials}");
    }
    assert!(hidden_fields(&trials).contains(&("age".to_owned(), "59".to_owned())), "the changed age is carried");
    assert_eq!(back_of(&trials), "helpnow", "Back goes the way the answers came");

    let help_now = back(&app, &trials).await;
    assert!(help_now.contains("Please get help now"), "{help_now}");
    let follow_up = back(&app, &help_now).await;
    assert!(follow_up.contains("id=\"acting_yes\" name=\"acting\" value=\"yes\" checked"), "{follow_up}");
    let step1 = back(&app, &follow_up).await;
    assert!(step1.contains("id=\"phq9_4_3\" name=\"phq9_4\" value=\"3\" checked"), "{step1}");
    assert!(!step1.contains("name=\"go\""), "step 1 has no Back button");
    assert_crisis_contacts(&step1);

    // Going forward again from the kept answers reaches the same result.
    let follow_up = press(&app, &step1, &[], None).await;
    let help_now = press(&app, &follow_up, &[], None).await;
    let trials = press(&app, &help_now, &[], None).await;
    let about = press(&app, &trials, &[], None).await;
    let again = press(&app, &about, &[], None).await;
    assert!(again.contains("Zoloft") && again.contains("Ulcerative or interstitial cystitis"), "{again}");
    for html in [&about, &trials, &again] {
        for link in links(html).iter().filter(|l| !l.starts_with("/static/")) {
            assert!(!link.contains("Zoloft") && !link.contains("59"), "an answer in a link: {link}");
        }
    }
}

#[tokio::test]
async fn back_from_the_medicines_skips_the_follow_up_when_item9_was_0() {
    let app = default_app();
    let fields = [phq9_answers("0"), pairs(&[("step", "phq9")])].concat();
    let trials = send(&app, post_form(CHECK, &fields)).await.text();
    assert_eq!(back_of(&trials), "phq9");
}

#[tokio::test]
async fn doses_are_read_with_or_without_mg_and_junk_is_named() {
    let app = default_app();
    let fields = [phq9_answers("0"), pairs(&[("step", "phq9")])].concat();
    let trials = send(&app, post_form(CHECK, &fields)).await.text();
    for dose in ["300 mg", "300mg", "300", "300 MG"] {
        let next = press(&app, &trials, &[("trial1_drug", "bupropion"), ("trial1_dose", dose)], None).await;
        assert!(next.contains("Do any of these apply to you"), "{dose} was refused: {next}");
    }
    let refused = press(&app, &trials, &[("trial1_drug", "bupropion"), ("trial1_dose", "three hundred")], None).await;
    assert!(refused.contains("id=\"trial1_dose-error\""), "{refused}");
    assert!(refused.contains("Medicine 1, dose: please write the milligrams a day as a number"), "{refused}");
    assert!(refused.contains("value=\"three hundred\""), "what was typed is kept");
}

#[tokio::test]
async fn medicine_rows_start_at_three_and_come_one_at_a_time() {
    let app = default_app();
    let fields = [phq9_answers("0"), pairs(&[("step", "phq9")])].concat();
    let mut html = send(&app, post_form(CHECK, &fields)).await.text();
    assert_eq!(html.matches("<fieldset class=\"trial\"").count(), 3, "{html}");
    assert!(html.contains("<script src=\"/static/check."), "the row script is the vendored file");
    html = press(&app, &html, &[("trial1_drug", "sertraline")], Some(("add_row", "yes"))).await;
    assert_eq!(html.matches("<fieldset class=\"trial\"").count(), 4);
    assert!(html.contains("value=\"sertraline\""), "typed rows are kept");
    assert!(!html.contains("field-error"), "adding a row checks nothing");
    for _ in 0..4 {
        if html.contains("name=\"add_row\"") {
            html = press(&app, &html, &[], Some(("add_row", "yes"))).await;
        }
    }
    assert_eq!(html.matches("<fieldset class=\"trial\"").count(), 6, "at most six rows");
    assert!(!html.contains("name=\"add_row\""), "no button once every row is shown");
    let about = press(&app, &html, &[("trial6_drug", "fluoxetine")], None).await;
    assert!(about.contains("Do any of these apply to you"), "{about}");
    let back = press(&app, &about, &[], Some(("go", "trials"))).await;
    assert!(back.contains("value=\"fluoxetine\""), "a filled sixth row is shown again: {back}");
}

/// Every `<label>` text of each choice group on a page (fieldset or select), for the check that none repeats.
fn groups(html: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for (open, close, item) in [("<fieldset", "</fieldset>", "<label"), ("<select", "</select>", "<option")] {
        for part in html.split(open).skip(1) {
            let body = &part[..part.find(close).unwrap_or(part.len())];
            let labels = body
                .split(item)
                .skip(1)
                .map(|l| {
                    let text = &l[l.find('>').unwrap() + 1..];
                    text[..text.find('<').unwrap_or(text.len())].trim().to_lowercase()
                })
                .collect();
            out.push(labels);
        }
    }
    out
}

#[tokio::test]
async fn no_choice_list_repeats_a_label() {
    let app = default_app();
    let step1 = send(&app, get(CHECK)).await.text();
    let fields = [phq9_answers("2"), pairs(&[("step", "phq9")])].concat();
    let follow_up = send(&app, post_form(CHECK, &fields)).await.text();
    let trials = press(&app, &follow_up, &[("acting", "no")], None).await;
    let about = press(&app, &trials, &[], None).await;
    assert!(about.to_lowercase().contains("arteriovenous malformation"), "{about}");
    for html in [&step1, &follow_up, &trials, &about] {
        for group in groups(html) {
            let mut seen = std::collections::HashSet::new();
            for label in &group {
                assert!(seen.insert(label), "{label:?} is listed twice in {group:?}");
            }
        }
    }
    assert_eq!(about.to_lowercase().matches("arteriovenous malformation").count(), 1, "{about}");
    let datalist = &trials[trials.find("<datalist").unwrap()..trials.find("</datalist>").unwrap()];
    let mut names: Vec<String> =
        datalist.split("value=\"").skip(1).map(|v| v[..v.find('"').unwrap()].to_lowercase()).collect();
    let count = names.len();
    names.dedup();
    assert_eq!(names.len(), count, "a medicine name is suggested twice");
}

/// Walks to a result with every condition ticked, so that every source the result can cite is on the page.
async fn result_citing_everything(app: &axum::Router) -> String {
    let fields = [phq9_answers("0"), pairs(&[("step", "phq9")])].concat();
    let trials = send(app, post_form(CHECK, &fields)).await.text();
    let about =
        press(app, &trials, &[("trial1_drug", "sertraline"), ("trial1_dose", "50 mg"), ("trial1_weeks", "4")], None)
            .await;
    let mut typed: Vec<(&str, &str)> = vec![("age", "70"), ("systolic", "185"), ("diastolic", "100")];
    let codes: Vec<String> =
        about.split("name=\"condition\" value=\"").skip(1).map(|v| v[..v.find('"').unwrap()].to_owned()).collect();
    assert!(codes.len() > 10, "{codes:?}");
    typed.extend(codes.iter().map(|c| ("condition", c.as_str())));
    press(app, &about, &typed, None).await
}

#[tokio::test]
async fn sources_are_in_plain_words_with_the_rule_id_folded_away() {
    let result = result_citing_everything(&default_app()).await;
    let main = main_of(&result);
    assert!(main.contains("Source: SPRAVATO"), "{main}");
    assert!(
        main.contains(
            "<details class=\"rule\"><summary>Rule used</summary>KetaPath rule safety.contraindications@1</details>"
        ),
        "{main}"
    );
    assert!(main.contains("KetaPath rule safety.cautions@1"), "{main}");
}

#[tokio::test]
async fn no_public_page_names_an_internal_file() {
    let p = Portal::sqlite().await;
    let app = &p.app;
    let mut pages = Vec::new();
    for path in
        ["/", "/find", "/find?place=10001", "/about", "/registry", "/check", "/clinics/clinic-a", "/list-your-clinic"]
    {
        let reply = send(app, get(path)).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        pages.push((path.to_owned(), reply.text()));
    }
    let fields = [phq9_answers("2"), pairs(&[("step", "phq9")])].concat();
    let follow_up = send(app, post_form(CHECK, &fields)).await.text();
    let help_now = press(app, &follow_up, &[("acting", "yes")], None).await;
    pages.push(("follow-up".to_owned(), follow_up));
    pages.push(("help now".to_owned(), help_now));
    let result = result_citing_everything(app).await;
    pages.push(("result".to_owned(), result));
    for (name, html) in &pages {
        let lower = html.to_lowercase();
        // File names are what is refused; a ".md" inside a word of prose (none today) would need this test changed.
        if let Some(at) = lower.find(".md") {
            let around = &html[at.saturating_sub(40)..(at + 20).min(html.len())];
            panic!("{name} names an internal file: …{around}…");
        }
    }
    p.db.finish().await;
}
