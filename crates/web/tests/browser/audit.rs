//! The checks every page must pass, run on whatever page the browser shows: crisis help in the header and in the
//! first screen, the skip link first in keyboard order, no horizontal scrolling at phone width, axe-core clean
//! (when scripts run), nothing fetched from another host, and under 100 KB in all.
//!
//! Each check returns every problem it found as a sentence instead of stopping at the first, and [`Findings`]
//! collects them per page, so one run reports every problem of every page.

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

/// The public strip's crisis links on the Spanish pages: 988 (press 2 for Spanish), Spanish text and chat, 911.
const SPANISH_CRISIS_LINKS: &[(&str, &str)] = &[
    ("tel:988", "Llame al 988"),
    ("sms:988", "envíe un mensaje de texto al 988"),
    ("https://988lifeline.org/es", "Chat en español"),
    ("tel:911", "Llame al 911"),
];

/// Whether the page in the browser is a Spanish one (`<html lang="es">`).
async fn is_spanish(browser: &Browser) -> Res<bool> {
    Ok(!browser.client.find_all(Locator::Css("html[lang='es']")).await?.is_empty())
}

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

    /// Records the problems a check found on `page`, or why it could not check.
    pub fn check(&mut self, page: &str, result: Res<Problems>) {
        for problem in self.record(page, result).unwrap_or_default() {
            self.add(page, problem);
        }
    }
}

/// What one check found wrong on one page, each a sentence for the report.
pub type Problems = Vec<String>;

/// What the network log of a visit must show: the document answered `status`, nothing left 127.0.0.1, and the
/// whole visit stayed within the page budget.
pub fn network(url: &str, status: u64, log: &NetworkLog) -> Problems {
    let mut problems = Problems::new();
    match log.request(url) {
        Some(document) if document.status == Some(status) => {}
        Some(document) => problems.push(format!("document status {:?}, expected {status}", document.status)),
        // Without the document in the log, the byte count and the host check below would pass on nothing.
        None => problems.push(format!("the network log has no request for {url}: {:?}", log.requests)),
    }
    let outside = log.outside_requests();
    if !outside.is_empty() {
        problems.push(format!("requests left 127.0.0.1: {outside:?}"));
    }
    let failed = log.failures();
    if !failed.is_empty() {
        problems.push(format!("requests failed: {failed:?}"));
    }
    let bytes = log.transferred_bytes();
    if bytes >= PAGE_BUDGET_BYTES {
        problems.push(format!("{bytes} bytes transferred, budget {PAGE_BUDGET_BYTES}: {:?}", log.requests));
    }
    problems
}

/// The crisis links of a staff page's compact crisis-protocol line (the portal has no public crisis strip).
const STAFF_CRISIS_LINKS: [(&str, &str); 2] = [("tel:911", "911"), ("tel:988", "988")];

/// The crisis contacts are links in the site header, visible, and start within the first screen: the public strip's
/// on public pages, the crisis-protocol line's on staff pages.
pub async fn crisis_header(browser: &Browser) -> Res<Problems> {
    let mut problems = Problems::new();
    let staff = !browser.client.find_all(Locator::Css("header #staff-crisis")).await?.is_empty();
    let links: &[(&str, &str)] = if staff {
        &STAFF_CRISIS_LINKS
    } else if is_spanish(browser).await? {
        SPANISH_CRISIS_LINKS
    } else {
        CRISIS_LINKS
    };
    for (href, text) in links {
        let selector = format!("header a[href^='{href}']");
        let Some(link) = browser.client.find_all(Locator::Css(&selector)).await?.into_iter().next() else {
            problems.push(format!("no crisis link {selector} in the header"));
            continue;
        };
        let shown = link.text().await?;
        if !shown.contains(text) {
            problems.push(format!("crisis link {href} reads {shown:?}, expected {text:?}"));
        }
        let (_, y, _, height) = link.rectangle().await?;
        if !link.is_displayed().await? || y + height > f64::from(PHONE.1) {
            problems.push(format!("crisis link {href} is not visible in the first screen (top {y})"));
        }
    }
    Ok(problems)
}

/// The first Tab lands on a visible "Skip to main content" link, and following it moves focus to the main content.
pub async fn skip_link(browser: &Browser) -> Res<Problems> {
    let mut problems = Problems::new();
    let label = if is_spanish(browser).await? { "Saltar al contenido principal" } else { "Skip to main content" };
    press(browser, Key::Tab).await?;
    let first = browser.client.active_element().await?;
    let href = first.attr("href").await?.unwrap_or_default();
    let text = first.text().await?;
    if !text.contains(label) || !href.starts_with('#') {
        problems.push(format!("first focusable element is {text:?} ({href:?}), not the skip link"));
        return Ok(problems);
    }
    let (_, y, width, height) = first.rectangle().await?;
    if width < 1.0 || height < 1.0 || y < 0.0 {
        problems.push("the skip link is not visible when focused".to_owned());
    }
    press(browser, Key::Enter).await?;
    let target = browser.client.active_element().await?.attr("id").await?.unwrap_or_default();
    if format!("#{target}") != href {
        problems.push(format!("following the skip link focused #{target}, not {href}"));
    }
    Ok(problems)
}

async fn press(browser: &Browser, key: Key) -> Res<()> {
    let key = char::from(key);
    let keys =
        KeyActions::new("keyboard".into()).then(KeyAction::Down { value: key }).then(KeyAction::Up { value: key });
    browser.client.perform_actions(keys).await?;
    Ok(())
}

/// At phone width the document is no wider than the viewport, so nothing needs sideways scrolling. Works with
/// page scripts disabled too: that setting does not stop WebDriver's synchronous scripts.
pub async fn no_horizontal_scroll(browser: &Browser) -> Res<Problems> {
    let mut problems = Problems::new();
    let widths =
        browser.client.execute("return [document.documentElement.scrollWidth, window.innerWidth];", vec![]).await?;
    let (scroll, inner) = (widths[0].as_u64(), widths[1].as_u64());
    // The viewport must really be phone-sized, or the check would pass at any width.
    if inner != Some(u64::from(PHONE.0)) {
        problems.push(format!("viewport is {inner:?} px wide, expected {}", PHONE.0));
    } else if scroll > inner {
        problems.push(format!("scrolls sideways: content {scroll:?} px wide in a {inner:?} px viewport"));
    }
    Ok(problems)
}

/// axe-core's full default rule set (WCAG 2.x A and AA, best practices) reports nothing, at phone and desktop
/// width. Violations are printed in full: rule, impact, help, and each failing element with axe's summary.
pub async fn axe(browser: &Browser) -> Res<Problems> {
    let mut problems = Problems::new();
    // With page scripts disabled, WebDriver's own synchronous scripts still run (the width check relies on
    // that), but `axe.run` never settles and times out: the pages are the same HTML either way, so axe runs in
    // the session with scripts.
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
                    problems.push(format!("axe at {width} px: {violation:#}"));
                }
            }
            other => problems.push(format!("axe at {width} px did not run: {other}")),
        }
    }
    browser.client.set_window_size(PHONE.0, PHONE.1).await?;
    Ok(problems)
}

/// The page's first-level heading contains `expected`, so a check passed on the intended page and not, say,
/// on an error page.
pub async fn heading(browser: &Browser, expected: &str) -> Res<Problems> {
    let mut problems = Problems::new();
    let heading = browser.client.find(Locator::Css("main h1")).await?.text().await?;
    if !heading.contains(expected) {
        problems.push(format!("the h1 reads {heading:?}, expected it to contain {expected:?}"));
    }
    Ok(problems)
}
