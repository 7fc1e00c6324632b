//! The treatment day of issue 6 in the browser: a nurse signs in, enters the intake, plans the course through the
//! patient page's course form, starts an esketamine session on it, charts the pre-check blood pressure, the dose,
//! the 40-minute check and the pre-discharge vitals at explicit earlier times (so nothing waits), is refused an
//! early discharge with the minimum time named, discharges, opens the REMS form page, saves a partial draft
//! ("Save draft"), completes it and marks it as submitted; opens the staff crisis protocol from the staff crisis
//! line and meets a portal 404 in the staff layout; then doses a second session and records the patient's early
//! departure through its confirmation page. Every page on the way gets the journey audit. It runs on SQLite with
//! the other journeys and on its own on PostgreSQL.

use fantoccini::Locator;
use ketapath_care::clinic_time::ClinicTime;
use time::{Duration, OffsetDateTime};

use crate::audit::{Findings, Problems};
use crate::harness::{Browser, DESKTOP, PATIENT, PHONE, Res, STAFF_EMAIL, STAFF_PASSWORD};
use crate::journey::{fill, fill_in, follow, main_text, press_button, select, select_in};
use crate::journeys::{audit_page, go};

/// The harness clinic's time zone: `demo-1` is in Austin, Texas, and has chosen none, so the portal uses the
/// state's default.
fn clinic_zone() -> Res<ClinicTime> {
    Ok(ClinicTime::named("America/Chicago")?)
}

/// `minutes` before now as the session page's time fields take it: `YYYY-MM-DDTHH:MM` on the clinic's clock.
fn ago(now: OffsetDateTime, minutes: i64) -> Res<String> {
    Ok(clinic_zone()?.input_value(now - Duration::minutes(minutes)))
}

async fn expect(browser: &Browser, text: &str) -> Res<String> {
    let shown = main_text(browser).await?;
    if !shown.contains(text) {
        return Err(format!("the page does not show {text:?}: {shown}").into());
    }
    Ok(shown)
}

/// The whole day; the times are charted from `now` backwards, the dose 130 minutes ago.
pub async fn treatment_day(browser: &Browser) -> Res<Findings> {
    let mut findings = Findings::default();
    go(browser, "/portal/login").await?;
    fill(browser, "E-mail address", STAFF_EMAIL).await?;
    fill(browser, "Password", STAFF_PASSWORD).await?;
    press_button(browser, "Sign in").await?;
    expect(browser, "In the chair").await?;
    audit_page(browser, &mut findings, "portal dashboard").await;

    go(browser, "/portal/patients").await?;
    follow(browser, &format!("{}, {}", PATIENT.1, PATIENT.0)).await?;
    follow(browser, "Enter the intake").await?;
    audit_page(browser, &mut findings, "intake form").await;
    fill(browser, "Episode length", "18").await?;
    // Enrolled in the REMS: without it an outpatient esketamine dose is refused. The radio buttons of the group
    // share their "yes" labels, so the control is taken by its id.
    browser.client.find(Locator::Id("rems-yes")).await?.click().await?;
    press_button(browser, "Save intake").await?;
    expect(browser, "Maudsley staging").await?;
    audit_page(browser, &mut findings, "patient page").await;

    // The course, planned explicitly from the protocol (esketamine, the first modality offered) from today: the
    // session started next attaches to it instead of planning one of its own.
    let today = clinic_zone()?.date_of(OffsetDateTime::now_utc()).to_string();
    fill(browser, "Start date", &today).await?;
    press_button(browser, "Plan a course").await?;
    expect(browser, "8 sessions planned").await?;

    press_button(browser, "Start a session").await?;
    expect(browser, "no dose yet").await?;
    audit_page(browser, &mut findings, "session before the dose").await;
    let now = OffsetDateTime::now_utc();
    fill_in(browser, "Chart a check", "Time", &ago(now, 135)?).await?;
    fill_in(browser, "Chart a check", "Systolic", "128").await?;
    fill_in(browser, "Chart a check", "Diastolic", "82").await?;
    press_button(browser, "Save check").await?;
    fill_in(browser, "Dose", "Time", &ago(now, 130)?).await?;
    fill_in(browser, "Dose", "Dose (mg)", "56").await?;
    fill_in(browser, "Dose", "Lot", "AB123").await?;
    press_button(browser, "Save dose").await?;
    expect(browser, "minimum monitoring until").await?;
    fill_in(browser, "Chart a check", "Time", &ago(now, 90)?).await?;
    for (label, value) in [("Systolic", "150"), ("Diastolic", "95"), ("SpO2", "97"), ("MOAA/S", "4"), ("CADSS", "12")] {
        fill_in(browser, "Chart a check", label, value).await?;
    }
    press_button(browser, "Save check").await?;
    expect(browser, "40 minutes after the dose").await?;
    expect(browser, "150/95").await?;
    fill_in(browser, "Adverse event", "Kind", "dissociation").await?;
    select_in(browser, "Adverse event", "Severity", "mild").await?;
    press_button(browser, "Save adverse event").await?;

    // 95 minutes after the dose: refused in words, the page naming the minimum time, the typed values kept.
    fill_in(browser, "Discharge", "Time", &ago(now, 35)?).await?;
    fill_in(browser, "Discharge", "Ready to leave", &ago(now, 40)?).await?;
    press_button(browser, "Discharge").await?;
    let refused = expect(browser, "Not discharged: the patient may not leave yet").await?;
    if !refused.contains("the minimum is") || refused.contains("monitoring_incomplete") {
        return Err(format!("the refusal does not name the minimum time in words: {refused}").into());
    }
    audit_page_status(browser, &mut findings).await;

    fill_in(browser, "Chart a check", "Time", &ago(now, 8)?).await?;
    for (label, value) in [("Systolic", "130"), ("Diastolic", "80"), ("SpO2", "98"), ("MOAA/S", "5"), ("CADSS", "0")] {
        fill_in(browser, "Chart a check", label, value).await?;
    }
    press_button(browser, "Save check").await?;
    // The log is drained here so that the audit of the completed session sees only its own visit.
    browser.network().await?;
    fill_in(browser, "Discharge", "Time", &ago(now, 5)?).await?;
    fill_in(browser, "Discharge", "Ready to leave", &ago(now, 40)?).await?;
    press_button(browser, "Discharge").await?;
    expect(browser, "completed").await?;
    audit_page(browser, &mut findings, "completed session").await;

    follow(browser, "REMS Patient Monitoring Form").await?;
    expect(browser, "AB123").await?;
    audit_page(browser, &mut findings, "REMS form page").await;

    // "Save draft" keeps a partial form without the completeness check; "Mark as submitted" then records it with
    // the remaining answers.
    fill(browser, "Telephone", "512-555-0100").await?;
    select(browser, "Monoamine oxidase inhibitors (MAOIs)", "No").await?;
    browser.network().await?;
    press_button(browser, "Save draft").await?;
    expect(browser, "Draft saved on").await?;
    // The form posts to its own address and is redirected back there, so the page is opened again for the audit,
    // whose network check reads the document's own answer at that address.
    let rems_path = browser.client.current_url().await?.path().to_owned();
    go(browser, &rems_path).await?;
    expect(browser, "Draft saved on").await?;
    audit_page(browser, &mut findings, "REMS form with a saved draft").await;
    fill(browser, "Sex", "female").await?;
    for label in [
        "Benzodiazepines",
        "Non-benzodiazepine sedative hypnotics",
        "Psychostimulants",
        "Other medications that may cause respiratory depression",
        "experience respiratory depression",
    ] {
        select(browser, label, "No").await?;
    }
    for label in [
        "prior to administration?",
        "prior to treatment session completion?",
        "experience sedation",
        "experience dissociation",
    ] {
        select(browser, label, "Yes").await?;
    }
    browser.network().await?;
    press_button(browser, "Mark as submitted").await?;
    expect(browser, "Submitted on").await?;
    // The form posts to its own address and is redirected back there, so the page is opened again for the audit,
    // whose network check reads the document's own answer at that address.
    let rems_path = browser.client.current_url().await?.path().to_owned();
    go(browser, &rems_path).await?;
    expect(browser, "Submitted on").await?;
    audit_page(browser, &mut findings, "submitted REMS form").await;

    // The staff crisis line leads to the crisis protocol; a portal address that does not exist keeps the staff
    // layout (answered 404, so only the crisis line and axe are checked on it).
    browser.client.find(Locator::Css("#staff-crisis a[href='/portal/crisis-protocol']")).await?;
    go(browser, "/portal/crisis-protocol").await?;
    expect(browser, "Respiratory depression or deep sedation").await?;
    audit_page(browser, &mut findings, "staff crisis protocol").await;
    go(browser, "/portal/no-such-page").await?;
    expect(browser, "Page not found").await?;
    findings.check("portal 404", crate::audit::crisis_header(browser).await);
    if browser.scripts == crate::harness::Scripts::Enabled {
        findings.check("portal 404", crate::audit::axe(browser).await);
    }

    // A second session: dosed 30 minutes ago, the patient leaves against advice. The button leads to a page that
    // names the consequence; only its confirmation ends the session.
    go(browser, "/portal/patients").await?;
    follow(browser, &format!("{}, {}", PATIENT.1, PATIENT.0)).await?;
    press_button(browser, "Start a session").await?;
    // The dose and lot of session 1 are copied forward, marked for the nurse to check; saved as they are.
    expect(browser, "Dose and lot from session 1 — check before saving").await?;
    let now = OffsetDateTime::now_utc();
    fill_in(browser, "Chart a check", "Time", &ago(now, 35)?).await?;
    fill_in(browser, "Chart a check", "Systolic", "126").await?;
    fill_in(browser, "Chart a check", "Diastolic", "80").await?;
    press_button(browser, "Save check").await?;
    fill_in(browser, "Dose", "Time", &ago(now, 30)?).await?;
    press_button(browser, "Save dose").await?;
    expect(browser, "56 mg given at").await?;
    select_in(browser, "Early departure", "Reason", "left against advice").await?;
    fill_in(browser, "Early departure", "Note", "declined to wait").await?;
    // The log is drained so that each audit below sees only its own page.
    browser.network().await?;
    press_button(browser, "Patient left early").await?;
    let confirm = expect(browser, "Confirm the early departure").await?;
    if !confirm.contains("left early") || !confirm.contains("left against advice") {
        return Err(format!("the confirmation does not name the consequence: {confirm}").into());
    }
    audit_page(browser, &mut findings, "early departure confirmation").await;
    browser.network().await?;
    press_button(browser, "Confirm: the patient left early").await?;
    let ended = expect(browser, "left early").await?;
    if !ended.contains("Early departure") || ended.contains("Save check") {
        return Err(format!("the session did not end early: {ended}").into());
    }
    audit_page(browser, &mut findings, "session ended early").await;

    // The settings page, grouped by modality and step in sentences, fits a 1280 px screen without sideways
    // scrolling (and a phone, as every page).
    go(browser, "/portal/clinic/settings").await?;
    expect(browser, "Hold the dose when the systolic blood pressure is above").await?;
    audit_page(browser, &mut findings, "clinic settings").await;
    findings.check("clinic settings at 1280 px", fits_desktop(browser).await);
    Ok(findings)
}

/// At 1280 px the document is no wider than 1280 px; the window goes back to phone size for the next page.
async fn fits_desktop(browser: &Browser) -> Res<Problems> {
    browser.client.set_window_size(DESKTOP.0, DESKTOP.1).await?;
    let widths =
        browser.client.execute("return [document.documentElement.scrollWidth, window.innerWidth];", vec![]).await;
    browser.client.set_window_size(PHONE.0, PHONE.1).await?;
    let widths = widths?;
    let mut problems = Problems::new();
    match widths[0].as_u64() {
        Some(scroll) if scroll <= u64::from(DESKTOP.0) => {}
        scroll => problems.push(format!("content {scroll:?} px wide at {} px (inner {})", DESKTOP.0, widths[1])),
    }
    Ok(problems)
}

/// The refused discharge is answered 409, which the 200-only network audit would report: only the crisis
/// header is checked on it.
async fn audit_page_status(browser: &Browser, findings: &mut Findings) {
    findings.check("refused discharge", crate::audit::crisis_header(browser).await);
}
