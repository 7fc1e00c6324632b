//! The journeys of issue 5, as a person takes them in the browser: a self-check that ends in an emergency shows
//! crisis help first; a self-check that meets the TRD definition leads to the finder; a ZIP search with filters
//! lists matching clinics nearest first; a clinic page opens from a result and its problem report is sent and
//! acknowledged. Every page on the way gets the page audit (`audit_page`). Each runs with and without scripts.

use crate::audit::{self, Findings};
use crate::harness::{Browser, Res, Scripts};
use crate::journey::{
    choose, control_in, crisis_help_before, fill, fill_in, follow, main_text, press_button, select, select_in,
    shows_in_order, texts, tick,
};

/// The PHQ-9 questions by the start of their text, in order.
const PHQ9: [&str; 9] = [
    "Little interest or pleasure",
    "Feeling down, depressed",
    "Trouble falling or staying asleep",
    "Feeling tired",
    "Poor appetite",
    "Feeling bad about yourself",
    "Trouble concentrating",
    "Moving or speaking so slowly",
    "Thoughts that you would be better off dead",
];

/// The audit of one page of a journey (the checks of `audit_pages` but the heading and the status, which the
/// journey checks itself), recorded under `step`.
pub async fn audit_page(browser: &Browser, findings: &mut Findings, step: &str) {
    let page = format!("{step} ({})", if browser.scripts == Scripts::Enabled { "scripts" } else { "no scripts" });
    let url = findings.record(&page, browser.client.current_url().await.map_err(Into::into));
    let log = findings.record(&page, browser.network().await);
    if let (Some(url), Some(log)) = (url, log) {
        findings.check(&page, Ok(audit::network(url.as_str(), 200, &log)));
    }
    findings.check(&page, audit::crisis_header(browser).await);
    findings.check(&page, audit::no_horizontal_scroll(browser).await);
    if browser.scripts == Scripts::Enabled {
        findings.check(&page, audit::axe(browser).await);
    }
}

/// Opens `path` with the network log cleared, so that the next `audit_page` sees this visit's requests.
pub async fn go(browser: &Browser, path: &str) -> Res<()> {
    browser.network().await?;
    browser.client.goto(&browser.url(path)).await?;
    Ok(())
}

/// Answers the PHQ-9 page: `answers[i]` is the label of the answer to question i.
async fn answer_phq9(browser: &Browser, answers: [&str; 9]) -> Res<()> {
    for (question, answer) in PHQ9.iter().zip(answers) {
        choose(browser, question, answer).await?;
    }
    press_button(browser, "Continue").await
}

/// PHQ-9 item 9 above 0 and "yes, thinking about acting on it": the get-help-now page comes at once, the check
/// can go on from it, and the result opens with crisis help.
pub async fn emergency_shows_crisis_help_first(browser: &Browser) -> Res<Findings> {
    let mut findings = Findings::default();
    go(browser, "/check").await?;
    audit_page(browser, &mut findings, "/check step 1").await;
    answer_phq9(browser, ["Nearly every day"; 9]).await?;
    // The follow-up question comes with crisis help before it.
    crisis_help_before(browser, "Right now, are you thinking about acting on these thoughts?").await?;
    audit_page(browser, &mut findings, "/check follow-up").await;
    choose(browser, "Right now, are you thinking about acting", "Yes").await?;
    press_button(browser, "Continue").await?;
    // "Yes" is answered at once: the next page is the get-help-now page, 911 first, and the answers stay out of
    // the address.
    shows_in_order(
        browser,
        &[
            "Please get help now",
            "Call 911",
            "Call 988",
            "Text HOME to 741741",
            "stay with someone you trust",
            "Continue the self-check",
        ],
    )
    .await?;
    let url = browser.client.current_url().await?;
    if url.path() != "/check" || url.query().is_some() {
        return Err(format!("the get-help-now page is at {url}, not at /check with nothing in the address").into());
    }
    audit_page(browser, &mut findings, "/check get help now").await;
    press_button(browser, "Continue the self-check").await?;
    press_button(browser, "Continue").await?;
    press_button(browser, "See my summary").await?;
    crisis_help_before(browser, "How you have been feeling").await?;
    shows_in_order(browser, &["Please get help now", "Your PHQ-9 score is"]).await?;
    audit_page(browser, &mut findings, "/check emergency result").await;
    Ok(findings)
}

/// Two antidepressants at adequate doses for long enough that did not help: the result says so and links to the
/// finder, which opens.
pub async fn trd_result_leads_to_the_finder(browser: &Browser) -> Res<Findings> {
    let mut findings = Findings::default();
    go(browser, "/check").await?;
    answer_phq9(
        browser,
        [
            "More than half the days",
            "More than half the days",
            "Several days",
            "Nearly every day",
            "Several days",
            "More than half the days",
            "Several days",
            "Not at all",
            "Not at all",
        ],
    )
    .await?;
    for (row, drug, dose) in [("Medicine 1", "sertraline", "150"), ("Medicine 2", "escitalopram", "20")] {
        if row != "Medicine 1" {
            add_medicine(browser).await?;
        }
        fill_in(browser, row, "Name of the medicine", drug).await?;
        fill_in(browser, row, "Dose, in mg a day", dose).await?;
        fill_in(browser, row, "How many weeks you took it", "10").await?;
        select_in(browser, row, "How much it helped", "Little or not at all (less than 25% better)").await?;
    }
    audit_page(browser, &mut findings, "/check trials").await;
    press_button(browser, "Continue").await?;
    press_button(browser, "See my summary").await?;
    let shown = main_text(browser).await?;
    if !shown.contains("match the usual definition of treatment-resistant depression") {
        return Err(format!("the result does not state the TRD finding: {shown}").into());
    }
    audit_page(browser, &mut findings, "/check TRD result").await;
    follow(browser, "Clinics offering esketamine nasal spray").await?;
    let heading = texts(browser, "main h1").await?;
    if heading != ["Find a clinic"] {
        return Err(format!("the finder link led to {heading:?}").into());
    }
    let ticked = crate::journey::control(browser, "Esketamine nasal spray (SPRAVATO)").await?.is_selected().await?;
    if !ticked {
        return Err("the finder did not keep the esketamine filter from the link".into());
    }
    audit_page(browser, &mut findings, "/find from the result").await;
    Ok(findings)
}

/// Kilometres from a result's distance text, "7.6 mi (12.3 km)".
fn km(text: &str) -> Res<f64> {
    let number = text.split_once('(').and_then(|(_, rest)| rest.split(" km").next()).unwrap_or_default();
    number.trim().parse().map_err(|_| format!("not a distance: {text:?}").into())
}

/// A ZIP search with a radius and a treatment filter lists only clinics that offer it, nearest first; the first
/// result's page opens, and a problem report about it is sent and acknowledged.
pub async fn zip_search_detail_and_report(browser: &Browser) -> Res<Findings> {
    let mut findings = Findings::default();
    go(browser, "/find").await?;
    fill(browser, "ZIP code or town", "10001").await?;
    select(browser, "Distance", "250 miles").await?;
    tick(browser, "Ketamine infusion (IV)", true).await?;
    press_button(browser, "Search").await?;
    audit_page(browser, &mut findings, "/find results").await;

    let names = texts(browser, ".result h3 a").await?;
    let distances = texts(browser, ".result .distance strong").await?;
    let treatments = texts(browser, ".result .facts li:first-child").await?;
    if names.is_empty() || names.len() != distances.len() {
        return Err(format!("{} results with {} distances", names.len(), distances.len()).into());
    }
    let km: Vec<f64> = distances.iter().map(|d| km(d)).collect::<Res<_>>()?;
    if km.windows(2).any(|w| w[0] > w[1]) || km.iter().any(|d| *d > 250.0 * 1.609_344) {
        return Err(format!("results not nearest first within 250 miles: {distances:?}").into());
    }
    if let Some(t) = treatments.iter().find(|t| !t.contains("Ketamine infusion (IV)")) {
        return Err(format!("a result without the IV filter's treatment: {t}").into());
    }

    follow(browser, &names[0]).await?;
    let heading = texts(browser, "main h1").await?.join("");
    if !heading.contains(&names[0]) {
        return Err(format!("the result {:?} opened {heading:?}", names[0]).into());
    }
    shows_in_order(browser, &["Contact and how to get there", "What to ask the clinic", "Report a problem"]).await?;
    audit_page(browser, &mut findings, "/clinics/{id}").await;
    select(browser, "What is wrong?", "The phone number or website is wrong").await?;
    fill(browser, "Details (optional)", "The number rings at another clinic.").await?;
    press_button(browser, "Send report").await?;
    let shown = main_text(browser).await?;
    if !shown.contains("Thank you for your report") || !shown.contains(&names[0]) {
        return Err(format!("the report was not acknowledged: {shown}").into());
    }
    audit_page(browser, &mut findings, "report sent").await;
    Ok(findings)
}

/// Shows one more medicine row: with scripts, `check.js` reveals the next row in place; without, the server shows
/// the page again with one more row and every answer kept.
async fn add_medicine(browser: &Browser) -> Res<()> {
    if browser.scripts == Scripts::Enabled {
        browser.client.find(fantoccini::Locator::Id("add-row")).await?.click().await?;
        Ok(())
    } else {
        press_button(browser, "Add another medicine").await
    }
}

/// The value now in the field labelled `label` in the group `group`.
async fn value_in(browser: &Browser, group: &str, label: &str) -> Res<String> {
    Ok(control_in(browser, group, label).await?.prop("value").await?.unwrap_or_default())
}

/// Fails unless `found` is `expected`, naming `what`.
fn expect(what: &str, found: &str, expected: &str) -> Res<()> {
    if found == expected { Ok(()) } else { Err(format!("{what} is {found:?} after Back, not {expected:?}").into()) }
}

/// To the result and back again, step by step: every page comes back with the answers given on it, the address
/// never carries one, and going forward again reaches the same result.
pub async fn back_keeps_every_answer(browser: &Browser) -> Res<Findings> {
    let mut findings = Findings::default();
    go(browser, "/check").await?;
    answer_phq9(browser, ["Several days"; 9]).await?;
    choose(browser, "Right now, are you thinking about acting", "No").await?;
    press_button(browser, "Continue").await?;
    fill_in(browser, "Medicine 1", "Name of the medicine", "sertraline").await?;
    fill_in(browser, "Medicine 1", "Dose, in mg a day", "150 mg").await?;
    add_medicine(browser).await?;
    fill_in(browser, "Medicine 2", "Name of the medicine", "bupropion").await?;
    press_button(browser, "Continue").await?;
    fill(browser, "Your age in years", "47").await?;
    for condition in ["Pregnancy or planning a pregnancy", "High blood pressure", "Psychosis now or in the past"] {
        tick(browser, condition, true).await?;
    }
    press_button(browser, "See my summary").await?;
    shows_all(browser, &["Your self-check summary", "sertraline", "bupropion"]).await?;
    let pages = printed_pages(browser).await?;
    if pages > 2 {
        return Err(format!("the printed summary takes {pages} Letter pages; it must fit on two").into());
    }
    // Each page audited below is weighed alone: the network log starts again before the step that opens it.

    browser.network().await?;
    press_button(browser, "Back").await?;
    let age = crate::journey::control(browser, "Your age in years").await?.prop("value").await?.unwrap_or_default();
    expect("the age", &age, "47")?;
    audit_page(browser, &mut findings, "/check step 3 after Back").await;
    browser.network().await?;
    press_button(browser, "Back").await?;
    expect("medicine 1", &value_in(browser, "Medicine 1", "Name of the medicine").await?, "sertraline")?;
    expect("its dose", &value_in(browser, "Medicine 1", "Dose, in mg a day").await?, "150 mg")?;
    expect("medicine 2", &value_in(browser, "Medicine 2", "Name of the medicine").await?, "bupropion")?;
    audit_page(browser, &mut findings, "/check step 2 after Back").await;
    press_button(browser, "Back").await?;
    if !control_in(browser, "Right now, are you thinking", "No").await?.is_selected().await? {
        return Err("the follow-up answer was lost on the way back".into());
    }
    browser.network().await?;
    press_button(browser, "Back").await?;
    if !control_in(browser, PHQ9[0], "Several days").await?.is_selected().await? {
        return Err("the PHQ-9 answers were lost on the way back".into());
    }
    let url = browser.client.current_url().await?;
    if url.path() != "/check" || url.query().is_some() {
        return Err(format!("Back led to {url}: answers never go in the address").into());
    }
    audit_page(browser, &mut findings, "/check step 1 after Back").await;

    press_button(browser, "Continue").await?;
    press_button(browser, "Continue").await?;
    press_button(browser, "Continue").await?;
    press_button(browser, "See my summary").await?;
    shows_all(browser, &["Your self-check summary", "sertraline", "bupropion", "Age: 47"]).await?;
    Ok(findings)
}

/// Fails unless the main content shows every one of `texts`, in any case.
async fn shows_all(browser: &Browser, texts: &[&str]) -> Res<()> {
    let shown = main_text(browser).await?.to_lowercase();
    match texts.iter().find(|t| !shown.contains(&t.to_lowercase())) {
        Some(missing) => Err(format!("{missing:?} is not on the page: {shown}").into()),
        None => Ok(()),
    }
}

/// How many US Letter pages the current page prints on, with the site's print CSS: Chromium prints it to PDF
/// (DevTools `Page.printToPDF`) and `pdfinfo` counts the pages.
async fn printed_pages(browser: &Browser) -> Res<u32> {
    let params = serde_json::json!({"paperWidth": 8.5, "paperHeight": 11.0, "preferCSSPageSize": true});
    let printed = browser.client.issue_cmd(crate::network::ChromeCommand::cdp("Page.printToPDF", params)).await?;
    let data = printed["data"].as_str().ok_or("Page.printToPDF returned no data")?;
    let dir = tempfile::tempdir()?;
    let (encoded, pdf) = (dir.path().join("summary.b64"), dir.path().join("summary.pdf"));
    std::fs::write(&encoded, data)?;
    let decoded = std::process::Command::new("base64").arg("-d").arg(&encoded).output()?;
    std::fs::write(&pdf, decoded.stdout)?;
    let info = std::process::Command::new("pdfinfo").arg(&pdf).output()?;
    let text = String::from_utf8_lossy(&info.stdout);
    text.lines()
        .find_map(|line| line.strip_prefix("Pages:").map(|n| n.trim().parse::<u32>()))
        .ok_or_else(|| format!("pdfinfo gave no page count: {text}"))?
        .map_err(|e| e.to_string().into())
}

/// Every journey in one browser session; one journey's failure is a finding, so the others still run.
pub async fn all(browser: &Browser) -> Findings {
    let mut findings = gather([
        ("emergency self-check", emergency_shows_crisis_help_first(browser).await),
        ("TRD self-check to the finder", trd_result_leads_to_the_finder(browser).await),
        ("Back through the self-check", back_keeps_every_answer(browser).await),
        ("ZIP search, clinic page, report", zip_search_detail_and_report(browser).await),
    ]);
    findings.0.extend(portal(browser).await.0);
    findings
}

/// The portal's journeys (a nurse's treatment day, a clinic admin's staff and listing, a platform admin's approval),
/// run by [`all`] on SQLite and on their own on PostgreSQL.
pub async fn portal(browser: &Browser) -> Findings {
    gather([
        ("portal treatment day", crate::portal_journey::treatment_day(browser).await),
        ("portal staff administration", crate::staff_journey::add_and_deactivate_a_member(browser).await),
        ("clinic listing, request and approval", crate::listing_journey::edit_request_and_approve(browser).await),
    ])
}

/// The findings of journeys already run; one journey's failure is a finding, so the others' still count.
fn gather<'a>(outcomes: impl IntoIterator<Item = (&'a str, Res<Findings>)>) -> Findings {
    let mut findings = Findings::default();
    for (name, outcome) in outcomes {
        if let Some(found) = findings.record(name, outcome) {
            findings.0.extend(found.0);
        }
    }
    findings
}
