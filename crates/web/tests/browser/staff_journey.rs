//! Staff administration in the browser (issue 17, item 1): the clinic admin of `demo-1` signs in, opens the staff
//! list from the portal bar, adds a member with a password of their choosing, opens the member's page and
//! deactivates them through the confirmation; the staff list and the member's page get the journey audit (axe-core
//! included, with scripts).

use fantoccini::Locator;

use crate::audit::Findings;
use crate::harness::{ADMIN_EMAIL, Browser, Res, STAFF_PASSWORD};
use crate::journey::{fill, follow, main_text, press_button, select};
use crate::journeys::{audit_page, go};

async fn expect(browser: &Browser, text: &str) -> Res<String> {
    let shown = main_text(browser).await?;
    if !shown.contains(text) {
        return Err(format!("the page does not show {text:?}: {shown}").into());
    }
    Ok(shown)
}

/// Signs out whoever is signed in (an earlier journey's nurse), signs the admin in, adds a member and deactivates
/// them.
pub async fn add_and_deactivate_a_member(browser: &Browser) -> Res<Findings> {
    let mut findings = Findings::default();
    go(browser, "/portal/account").await?;
    if browser.client.find(Locator::XPath("//button[normalize-space(.)='Sign out']")).await.is_ok() {
        press_button(browser, "Sign out").await?;
    }
    go(browser, "/portal/login").await?;
    fill(browser, "E-mail address", ADMIN_EMAIL).await?;
    fill(browser, "Password", STAFF_PASSWORD).await?;
    press_button(browser, "Sign in").await?;
    browser.client.find(Locator::XPath("//a[normalize-space(.)='Staff']")).await?.click().await?;
    expect(browser, "Add a member").await?;
    go(browser, "/portal/staff").await?;
    audit_page(browser, &mut findings, "staff list").await;

    fill(browser, "E-mail address", "sam@demo-1.example").await?;
    fill(browser, "Name", "Sam Example").await?;
    select(browser, "Role", "Prescriber").await?;
    browser.client.find(Locator::Id("add-password")).await?.click().await?;
    fill(browser, "Password (only", "violet anchor meadow lantern").await?;
    press_button(browser, "Add member").await?;
    expect(browser, "sam@demo-1.example").await?;
    go(browser, "/portal/staff").await?;
    expect(browser, "Sam Example").await?;
    follow(browser, "Sam Example").await?;
    audit_page(browser, &mut findings, "staff member").await;
    press_button(browser, "Deactivate").await?;
    expect(browser, "Deactivate sam@demo-1.example?").await?;
    press_button(browser, "Yes, deactivate").await?;
    let shown = expect(browser, "Deactivated").await?;
    if !shown.contains("Reactivate") {
        return Err(format!("the deactivated member's page offers no reactivation: {shown}").into());
    }
    Ok(findings)
}
