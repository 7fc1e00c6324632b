//! Browser tests: the public pages in headless Debian Chromium, driven through chromedriver (WebDriver) by
//! fantoccini, against the app served in-process on 127.0.0.1. Once with scripts and once without, every page in
//! [`PAGES`] must show crisis help in the first screen, put the skip link first in keyboard order, fit a phone
//! screen without sideways scrolling, fetch nothing from another host, and weigh under 100 KB; with scripts,
//! axe-core must find no violations.
//!
//! Needs `chromium` and `chromium-driver` (Debian); `scripts/test` installs them. Without them the suite is skipped
//! on a developer machine (a line says so on stderr) and fails when `CI=true`.
//! Run alone: `cargo test -p ketapath-web --test browser`.

mod audit;
mod finder_phone;
mod fixtures;
mod harness;
mod journey;
mod journeys;
mod listing_journey;
mod network;
mod portal_journey;
mod staff_journey;

use audit::Findings;
use harness::{Backend, Browser, Res, Scripts};

/// A page every visitor can reach by address, and what it must show. Add a row for each new public page
/// (`/check`, `/find`, `/clinics/{id}` with a known demo id): it is then audited with and without scripts.
struct PageCase<'a> {
    path: &'a str,
    /// The HTTP status the document must be answered with.
    status: u64,
    /// Text the page's `<h1>` contains, so that every check is known to have run on the intended page.
    heading: &'static str,
}

const PAGES: &[PageCase<'static>] = &[
    PageCase { path: "/", status: 200, heading: "Supervised ketamine and esketamine care" },
    PageCase { path: "/about", status: 200, heading: "About ketamine and esketamine care" },
    PageCase { path: "/check", status: 200, heading: "Check whether to ask about ketamine care" },
    PageCase { path: "/find", status: 200, heading: "Find a clinic" },
    PageCase { path: "/find?place=10001&radius_mi=100", status: 200, heading: "Find a clinic" },
    // A demo listing the harness seeds (`harness::DEMO_CLINICS`, ids `demo-1`…).
    PageCase { path: "/clinics/demo-1", status: 200, heading: "Demo Ketamine Clinic 1" },
    // A mistyped address still shows crisis help, and the error page is held to the same standard.
    PageCase { path: "/no-such-page", status: 404, heading: "Page not found" },
    // The same pages in Spanish (issue 18): the same checks, axe-core included, at phone and desktop widths.
    PageCase { path: "/es/", status: 200, heading: "Atención supervisada con ketamina y esketamina" },
    PageCase { path: "/es/about", status: 200, heading: "Sobre la atención con ketamina y esketamina" },
    PageCase { path: "/es/check", status: 200, heading: "Averigüe si le conviene preguntar" },
    PageCase { path: "/es/find", status: 200, heading: "Buscar una clínica" },
    PageCase { path: "/es/find?place=10001&radius_mi=100", status: 200, heading: "Buscar una clínica" },
    PageCase { path: "/es/clinics/demo-1", status: 200, heading: "Demo Ketamine Clinic 1" },
    PageCase { path: "/es/no-such-page", status: 404, heading: "Página no encontrada" },
    // The pages that were English only before: the registry and the listing request, in Spanish.
    PageCase { path: "/es/registry", status: 200, heading: "Registro: cómo les fue con el tratamiento" },
    PageCase { path: "/es/list-your-clinic", status: 200, heading: "Añada su clínica" },
];

/// Visits every page in [`PAGES`] and runs every check that `browser`'s script setting allows.
/// Also the seeded patient's self-report link, whose address is only known once the harness has made it, in both
/// languages.
async fn audit_pages(browser: &Browser) -> Findings {
    let mut findings = Findings::default();
    let self_report = browser.self_report.clone();
    let spanish_self_report = format!("/es{self_report}");
    let linked = [
        PageCase { path: &self_report, status: 200, heading: "How you have been feeling" },
        PageCase { path: &spanish_self_report, status: 200, heading: "Cómo se ha sentido" },
    ];
    for case in PAGES.iter().chain(&linked) {
        audit_case(browser, &mut findings, case).await;
    }
    findings
}

/// Every check of one page that `browser`'s script setting allows.
async fn audit_case(browser: &Browser, findings: &mut Findings, case: &PageCase<'_>) {
    let page =
        format!("{} ({})", case.path, if browser.scripts == Scripts::Enabled { "scripts" } else { "no scripts" });
    let Some(log) = findings.record(&page, browser.visit(case.path).await) else { return };
    findings.check(&page, Ok(audit::network(&browser.url(case.path), case.status, &log)));
    findings.check(&page, audit::heading(browser, case.heading).await);
    findings.check(&page, audit::crisis_header(browser).await);
    findings.check(&page, audit::no_horizontal_scroll(browser).await);
    if browser.scripts == Scripts::Enabled {
        findings.check(&page, audit::axe(browser).await);
    }
    // Last, because following the skip link changes the address and the focus.
    findings.check(&page, audit::skip_link(browser).await);
}

/// Opens a browser, runs `body`, closes the browser, and only then fails with every finding.
async fn with_browser<F>(scripts: Scripts, body: F)
where
    F: AsyncFnOnce(&Browser) -> Res<Findings>,
{
    with_browser_on(scripts, Backend::Sqlite, body).await;
}

/// As [`with_browser`], with the app's data on `backend`.
async fn with_browser_on<F>(scripts: Scripts, backend: Backend, body: F)
where
    F: AsyncFnOnce(&Browser) -> Res<Findings>,
{
    let browser = match Browser::open_on(scripts, backend).await {
        Ok(Some(browser)) => browser,
        Ok(None) => return,
        Err(error) => panic!("the browser did not start: {error}"),
    };
    let outcome = body(&browser).await;
    browser.close().await;
    match outcome {
        Ok(findings) => assert!(findings.0.is_empty(), "{} findings:\n{}", findings.0.len(), findings.0.join("\n")),
        Err(error) => panic!("{error}"),
    }
}

/// The pages, then the checks of the checks (see `fixtures.rs`); both are reported together.
async fn fixtures_and_pages(browser: &Browser) -> Findings {
    let mut findings = audit_pages(browser).await;
    findings.record("check of the checks", fixtures::all(browser).await);
    findings
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_passes_the_audit_with_scripts() {
    with_browser(Scripts::Enabled, async |browser| Ok(fixtures_and_pages(browser).await)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_works_without_scripts() {
    with_browser(Scripts::Disabled, async |browser| {
        // The setting must really hold, or this test would repeat the one above: a page whose script would
        // retitle it keeps its own title.
        browser
            .client
            .goto("data:text/html,%3Ctitle%3Eoff%3C/title%3E%3Cscript%3Edocument.title='on'%3C/script%3E")
            .await?;
        let title = browser.client.title().await?;
        if title != "off" {
            return Err(format!("scripts still run with JavaScript disabled (title {title:?})").into());
        }
        Ok(fixtures_and_pages(browser).await)
    })
    .await;
}

/// The issue-5 journeys (`journeys.rs`) with scripts: every page on the way audited, axe-core included.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn journeys_work_with_scripts() {
    with_browser(Scripts::Enabled, async |browser| Ok(journeys::all(browser).await)).await;
}

/// The same journeys with JavaScript disabled: plain HTML forms and links carry every step.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn journeys_work_without_scripts() {
    with_browser(Scripts::Disabled, async |browser| Ok(journeys::all(browser).await)).await;
}

/// The finder on a 390 px phone: results before filters, a compact header, 24 px targets, axe clean (issue 18).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_finder_reads_well_on_a_phone() {
    with_browser(Scripts::Enabled, async |browser| finder_phone::finder_on_a_phone(browser).await).await;
}

/// The portal's journeys (treatment day, staff administration, clinic listing with a request approved by a platform
/// admin) with the app's data on PostgreSQL; the SQLite run is part of the journeys above. Skipped without
/// `KETAPATH_TEST_POSTGRES_URL`, which `CI=true` requires.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn portal_journeys_work_on_postgres() {
    with_browser_on(Scripts::Enabled, Backend::Postgres, async |browser| Ok(journeys::portal(browser).await)).await;
}
