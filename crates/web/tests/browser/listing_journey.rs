//! The clinic's listing in the browser (issue 17): the clinic admin of `demo-1` opens the clinic's outcomes
//! (`/portal/outcomes`), changes the listing's phone and adds an insurance plan on `/portal/clinic/listing` and
//! sees it verified by the clinic; a visitor asks for a new clinic to be listed on `/list-your-clinic` with a valid
//! NPI; the platform admin approves it on `/portal/admin/listing-requests`. Every page gets the journey audit
//! (axe-core included, with scripts).

use fantoccini::Locator;

use crate::audit::Findings;
use crate::harness::{ADMIN_EMAIL, Browser, PLATFORM_EMAIL, Res, STAFF_PASSWORD};
use crate::journey::{fill, main_text, press_button, select, tick};
use crate::journeys::{audit_page, go};

/// The clinic the journey asks to list; unique, so that its request is found in the queue.
const NEW_CLINIC: &str = "Lakeside Ketamine Journey Clinic";

async fn expect(browser: &Browser, text: &str) -> Res<String> {
    let shown = main_text(browser).await?;
    if !shown.contains(text) {
        return Err(format!("the page does not show {text:?}: {shown}").into());
    }
    Ok(shown)
}

/// Signs out whoever is signed in (an earlier journey's account).
async fn sign_out(browser: &Browser) -> Res<()> {
    go(browser, "/portal/account").await?;
    if browser.client.find(Locator::XPath("//button[normalize-space(.)='Sign out']")).await.is_ok() {
        press_button(browser, "Sign out").await?;
    }
    Ok(())
}

async fn sign_in(browser: &Browser, email: &str) -> Res<()> {
    sign_out(browser).await?;
    go(browser, "/portal/login").await?;
    fill(browser, "E-mail address", email).await?;
    fill(browser, "Password", STAFF_PASSWORD).await?;
    press_button(browser, "Sign in").await
}

/// The clinic admin's outcomes and listing pages, then the public request and its approval.
pub async fn edit_request_and_approve(browser: &Browser) -> Res<Findings> {
    let mut findings = Findings::default();
    sign_in(browser, ADMIN_EMAIL).await?;
    go(browser, "/portal/outcomes").await?;
    expect(browser, "Outcomes of this clinic").await?;
    audit_page(browser, &mut findings, "/portal/outcomes").await;

    go(browser, "/portal/clinic/listing").await?;
    expect(browser, "Your clinic's listing").await?;
    audit_page(browser, &mut findings, "/portal/clinic/listing").await;
    fill(browser, "Phone", "512-555-0199").await?;
    fill(browser, "Insurance plans accepted", "Aetna").await?;
    press_button(browser, "Save and verify the listing").await?;
    let shown = expect(browser, "Verified by the clinic").await?;
    let form = browser.client.find(Locator::Id("insurance_plans")).await?.prop("value").await?.unwrap_or_default();
    let phone = browser.client.find(Locator::Id("phone")).await?.prop("value").await?.unwrap_or_default();
    if form.trim() != "Aetna" || phone != "512-555-0199" {
        return Err(format!("the saved listing shows phone {phone:?} and plans {form:?}: {shown}").into());
    }
    // The form answered the post with a redirect, so the saved page is audited at its own address.
    go(browser, "/portal/clinic/listing").await?;
    audit_page(browser, &mut findings, "/portal/clinic/listing saved").await;
    sign_out(browser).await?;

    go(browser, "/list-your-clinic").await?;
    audit_page(browser, &mut findings, "/list-your-clinic").await;
    fill(browser, "Clinic name", NEW_CLINIC).await?;
    fill(browser, "Street address", "10 Lake St").await?;
    fill(browser, "City", "Columbus").await?;
    select(browser, "State", "OH").await?;
    fill(browser, "ZIP code", "43215").await?;
    fill(browser, "Phone patients call", "614-555-0100").await?;
    tick(browser, "Ketamine infusion (IV)", true).await?;
    fill(browser, "Organisation NPI", "1234567893").await?;
    fill(browser, "Your name", "Lee Journey").await?;
    fill(browser, "Your e-mail address", "lee@lakeside.example").await?;
    press_button(browser, "Send the request").await?;
    expect(browser, "Thank you: your request is in").await?;
    audit_page(browser, &mut findings, "/list-your-clinic sent").await;

    sign_in(browser, PLATFORM_EMAIL).await?;
    go(browser, "/portal/admin/listing-requests").await?;
    expect(browser, NEW_CLINIC).await?;
    audit_page(browser, &mut findings, "/portal/admin/listing-requests").await;
    press_button(browser, &format!("Approve and list {NEW_CLINIC}")).await?;
    // The approval answers 201 with the new admin's one-time link; the audit expects a page answered 200, and the
    // queue it leads back to is audited above.
    expect(browser, "Listing approved").await?;
    sign_out(browser).await?;
    Ok(findings)
}
