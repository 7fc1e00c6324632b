//! The checks every page must pass, run on whatever page the browser shows: crisis help in the header and in the
//! first screen, the skip link first in keyboard order, no horizontal scrolling at phone width, axe-core clean
//! (when scripts run), nothing fetched from another host, and under 100 KB in all.
//!
//! Each check adds human-readable findings to a list instead of stopping at the first, so one run reports every
//! problem of every page.

use fantoccini::Locator;
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use serde_json::Value;

use crate::harness::{Browser, DESKTOP, PHONE, Res, Scripts};
use crate::network::NetworkLog;

/// DESIGN.md, performance targets: "A page with everything it loads under 100 KB".
pub const PAGE_BUDGET_BYTES: u64 = 100 * 1024;

/// axe-core 4.14.1 from npm, vendored (see vendor/README.md) because tests must not need the network.
const AXE: &str = include_str!("vendor/axe.min.js");

/// The crisis contacts of the site header (DESIGN.md: crisis help is never more than one glance away).
const CRISIS_LINKS: &[(&str, &str)] =
    &[("tel:988", "Call 988"), ("sms:988", "text 988"), ("sms:741741", "Text HOME to 741741"), ("tel:911", "Call 911")];

/// Findings of one page, labelled with where they were seen.
#[derive(Debug, Default)]
pub struct Findings(pub Vec<String>);

impl Findings {
    fn add(&mut self, page: &str, finding: impl std::fmt::Display) {
        self.0.push(format!("{page}: {finding}"));
    }

    /// Records a helper's error as a finding, so that one broken page does not hide the others.
    pub fn record<T>(&mut self, page: &str, result: Res<T>) -> Option<T> {
        result.map_err(|error| self.add(page, format!("could not check: {error}"))).ok()
    }
}

/// What the network log of a visit must show: the document answered `status`, nothing left 127.0.0.1, and the
/// whole visit stayed within the page budget.
pub fn network(findings: &mut Findings, page: &str, url: &str, status: u64, log: &NetworkLog) {
    match log.request(url) {
        Some(document) if document.status == Some(status) => {}
        Some(document) => findings.add(page, format!("document status {:?}, expected {status}", document.status)),
        // Without the document in the log, the byte count and the host check below would pass on nothing.
        None => findings.add(page, format!("the network log has no request for {url}: {:?}", log.requests)),
    }
    let outside = log.outside_requests();
    if !outside.is_empty() {
        findings.add(page, format!("requests left 127.0.0.1: {outside:?}"));
    }
    let failed = log.failures();
    if !failed.is_empty() {
        findings.add(page, format!("requests failed: {failed:?}"));
    }
    let bytes = log.transferred_bytes();
    if bytes >= PAGE_BUDGET_BYTES {
        findings.add(page, format!("{bytes} bytes transferred, budget {PAGE_BUDGET_BYTES}: {:?}", log.requests));
    }
}

/// The crisis contacts are links in the site header, visible, and start within the first screen.
pub async fn crisis_header(browser: &Browser, findings: &mut Findings, page: &str) -> Res<()> {
    for (href, text) in CRISIS_LINKS {
        let selector = format!("header a[href^='{href}']");
        let Some(link) = browser.client.find_all(Locator::Css(&selector)).await?.into_iter().next() else {
            findings.add(page, format!("no crisis link {selector} in the header"));
            continue;
        };
        let shown = link.text().await?;
        if !shown.contains(text) {
            findings.add(page, format!("crisis link {href} reads {shown:?}, expected {text:?}"));
        }
        let (_, y, _, height) = link.rectangle().await?;
        if !link.is_displayed().await? || y + height > f64::from(PHONE.1) {
            findings.add(page, format!("crisis link {href} is not visible in the first screen (top {y})"));
        }
    }
    Ok(())
}

/// The first Tab lands on a visible "Skip to main content" link, and following it moves focus to the main content.
pub async fn skip_link(browser: &Browser, findings: &mut Findings, page: &str) -> Res<()> {
    press(browser, Key::Tab).await?;
    let first = browser.client.active_element().await?;
    let href = first.attr("href").await?.unwrap_or_default();
    let text = first.text().await?;
    if !text.contains("Skip to main content") || !href.starts_with('#') {
        findings.add(page, format!("first focusable element is {text:?} ({href:?}), not the skip link"));
        return Ok(());
    }
    let (_, y, width, height) = first.rectangle().await?;
    if width < 1.0 || height < 1.0 || y < 0.0 {
        findings.add(page, "the skip link is not visible when focused");
    }
    press(browser, Key::Enter).await?;
    let target = browser.client.active_element().await?.attr("id").await?.unwrap_or_default();
    if format!("#{target}") != href {
        findings.add(page, format!("following the skip link focused #{target}, not {href}"));
    }
    Ok(())
}

async fn press(browser: &Browser, key: Key) -> Res<()> {
    let key = char::from(key);
    let keys =
        KeyActions::new("keyboard".into()).then(KeyAction::Down { value: key }).then(KeyAction::Up { value: key });
    browser.client.perform_actions(keys).await?;
    Ok(())
}

/// At phone width the document is no wider than the viewport, so nothing needs sideways scrolling.
pub async fn no_horizontal_scroll(browser: &Browser, findings: &mut Findings, page: &str) -> Res<()> {
    let widths =
        browser.client.execute("return [document.documentElement.scrollWidth, window.innerWidth];", vec![]).await?;
    let (scroll, inner) = (widths[0].as_u64(), widths[1].as_u64());
    // The viewport must really be phone-sized, or the check would pass at any width.
    if inner != Some(u64::from(PHONE.0)) {
        findings.add(page, format!("viewport is {inner:?} px wide, expected {}", PHONE.0));
    } else if scroll > inner {
        findings.add(page, format!("scrolls sideways: content {scroll:?} px wide in a {inner:?} px viewport"));
    }
    Ok(())
}

/// axe-core's full default rule set (WCAG 2.x A and AA, best practices) reports nothing, at phone and desktop
/// width. Violations are printed in full: rule, impact, help, and each failing element with axe's summary.
pub async fn axe(browser: &Browser, findings: &mut Findings, page: &str) -> Res<()> {
    if browser.scripts == Scripts::Disabled {
        return Err("axe needs scripts; audit with Scripts::Enabled".into());
    }
    for (width, height) in [PHONE, DESKTOP] {
        browser.client.set_window_size(width, height).await?;
        let loaded = browser.client.execute(&format!("{AXE}\nreturn typeof window.axe;"), vec![]).await?;
        if loaded != "object" {
            return Err(format!("axe-core did not load: typeof window.axe is {loaded}").into());
        }
        let violations = browser
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];\n\
                 axe.run(document).then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,\n\
                   nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html, summary: n.failureSummary}))}))),\n\
                   e => done({error: String(e)}));",
                vec![],
            )
            .await?;
        match violations {
            Value::Array(list) if list.is_empty() => {}
            Value::Array(list) => {
                for violation in list {
                    findings.add(page, format!("axe at {width} px: {violation:#}"));
                }
            }
            other => findings.add(page, format!("axe at {width} px did not run: {other}")),
        }
    }
    browser.client.set_window_size(PHONE.0, PHONE.1).await?;
    Ok(())
}

/// The page's first-level heading contains `expected`, so a check passed on the intended page and not, say,
/// on an error page.
pub async fn heading(browser: &Browser, findings: &mut Findings, page: &str, expected: &str) -> Res<()> {
    let heading = browser.client.find(Locator::Css("main h1")).await?.text().await?;
    if !heading.contains(expected) {
        findings.add(page, format!("the h1 reads {heading:?}, expected it to contain {expected:?}"));
    }
    Ok(())
}
