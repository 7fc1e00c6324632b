//! Server-rendered pages: crisis contacts on every page (errors too), landmarks and accessibility basics, no inline
//! code (CSP), no other hosts, escaping of echoed input, the demo banner, links that resolve, and the weight budget.

use axum::http::{Method, StatusCode};
use ketapath_web::WebConfig;
use ketapath_web::pages::NAV;

use crate::support::*;

/// Every page KetaPath serves today, and a 404 and a 405 page.
const PAGES: [(&str, StatusCode); 7] = [
    ("/", StatusCode::OK),
    ("/about", StatusCode::OK),
    ("/check", StatusCode::OK),
    ("/find", StatusCode::OK),
    ("/find?place=10001&radius_km=25&offers=tms", StatusCode::OK),
    ("/no-such-page", StatusCode::NOT_FOUND),
    ("/static/no-such-asset.css", StatusCode::NOT_FOUND),
];

async fn page(uri: &str, expected: StatusCode) -> String {
    let reply = send(&default_app(), get(uri)).await;
    assert_eq!(reply.status, expected, "{uri}");
    assert_eq!(reply.header("content-type"), Some("text/html; charset=utf-8"), "{uri}");
    reply.text()
}

#[tokio::test]
async fn every_page_shows_the_crisis_contacts_in_its_header() {
    for (uri, status) in PAGES {
        let html = page(uri, status).await;
        assert_crisis_contacts(&html);
        let header = &html[html.find("<header").expect("header")..html.find("</header>").expect("header end")];
        assert!(header.contains("tel:988") && header.contains("tel:911"), "{uri}: crisis contacts outside the header");
    }
    let method_not_allowed = send(&default_app(), request(Method::POST, "/about")).await;
    assert_eq!(method_not_allowed.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_crisis_contacts(&method_not_allowed.text());
}

#[tokio::test]
async fn pages_have_landmarks_and_accessibility_basics() {
    for (uri, status) in PAGES {
        let html = page(uri, status).await;
        for needle in [
            "<html lang=\"en\">",
            "<meta name=\"viewport\"",
            "<a class=\"skip-link\" href=\"#main\">",
            "<header",
            "<nav class=\"site-nav\" aria-label=\"Main\">",
            "<main id=\"main\"",
            "<footer",
            "<title>",
        ] {
            assert!(html.contains(needle), "{uri} lacks {needle}");
        }
        assert_eq!(html.matches("<h1>").count(), 1, "{uri} has one h1");
        // Every input has a label that names it.
        for id in html.split("<input").skip(1).filter_map(|tag| tag.split("id=\"").nth(1)?.split('"').next()) {
            assert!(html.contains(&format!("for=\"{id}\"")), "{uri}: input {id} has no label");
        }
    }
}

#[tokio::test]
async fn the_current_page_is_marked_in_the_navigation() {
    for (href, _) in NAV {
        let html = page(href, StatusCode::OK).await;
        assert!(html.contains(&format!("<a href=\"{href}\" aria-current=\"page\">")), "{href}");
        assert_eq!(html.matches("aria-current").count(), 1, "{href}");
    }
}

#[tokio::test]
async fn pages_carry_no_inline_code_and_load_nothing_from_other_hosts() {
    for (uri, status) in PAGES {
        let html = page(uri, status).await;
        for forbidden in ["<style", " style=", "javascript:", " onclick=", " onload="] {
            assert!(!html.contains(forbidden), "{uri} contains {forbidden}");
        }
        // Scripts only as files of KetaPath's own, with nothing between the tags.
        for script in html.split("<script").skip(1) {
            let (tag, rest) = script.split_once('>').expect("script tag ends");
            assert!(tag.starts_with(" src=\"/static/"), "{uri}: script not from /static: <script{tag}>");
            assert!(rest.starts_with("</script>"), "{uri}: inline code in a script element");
        }
        for link in links(&html) {
            assert!(
                link.starts_with('/') || link.starts_with('#') || link.starts_with("tel:") || link.starts_with("sms:"),
                "{uri} links outside KetaPath: {link}"
            );
        }
    }
}

#[tokio::test]
async fn echoed_input_is_escaped() {
    let reply = send(&default_app(), get("/%3Cscript%3Ealert(1)%3C/script%3E%22%3E")).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let html = reply.text();
    assert!(!html.contains("<script>alert"), "unescaped echo");
    assert!(
        html.contains("&#60;script&#62;alert(1)&#60;/script&#62;&#34;&#62;") || html.contains("&lt;script&gt;"),
        "{html}"
    );
}

#[tokio::test]
async fn the_demo_banner_shows_only_in_demo_mode() {
    let demo = send(&app_with(WebConfig { demo: true, ..WebConfig::default() }), get("/")).await.text();
    assert!(demo.contains("class=\"demo-banner\""));
    let real = page("/", StatusCode::OK).await;
    assert!(!real.contains("demo-banner"));
    let demo_404 = send(&app_with(WebConfig { demo: true, ..WebConfig::default() }), get("/x")).await.text();
    assert!(demo_404.contains("class=\"demo-banner\""));
}

#[tokio::test]
async fn internal_links_and_fragments_resolve() {
    let app = default_app();
    for (uri, status) in PAGES {
        let html = page(uri, status).await;
        for link in links(&html) {
            if let Some(fragment) = link.strip_prefix('#') {
                assert!(html.contains(&format!("id=\"{fragment}\"")), "{uri}: #{fragment} has no target");
                continue;
            }
            if !link.starts_with('/') {
                continue;
            }
            let (path, fragment) = link.split_once('#').map_or((link.as_str(), None), |(p, f)| (p, Some(f)));
            let target = send(&app, get(path)).await;
            assert_eq!(target.status, StatusCode::OK, "{uri} links to {link}");
            if let Some(fragment) = fragment {
                assert!(target.text().contains(&format!("id=\"{fragment}\"")), "{uri}: {link} has no target");
            }
        }
    }
}

#[tokio::test]
async fn each_page_with_everything_it_loads_stays_under_100_kb() {
    let app = default_app();
    for (uri, status) in PAGES {
        let html = page(uri, status).await;
        let mut total = html.len();
        for link in links(&html).iter().filter(|l| l.starts_with("/static/")) {
            let asset = send(&app, get(link)).await;
            assert_eq!(asset.status, StatusCode::OK, "{link}");
            total += asset.body.len();
        }
        assert!(total < 100 * 1024, "{uri} weighs {total} bytes");
    }
}

#[tokio::test]
async fn about_cites_the_clinical_reference() {
    let html = page("/about", StatusCode::OK).await;
    for section in ["§1.1", "§3.4", "§3.5", "§3.6", "§3.8", "§4.1", "§4.3"] {
        assert!(html.contains(section), "about lacks {section}");
    }
    for fact in [
        "at least two antidepressant",
        "2 hours",
        "NMDA",
        "hours to days",
        "not medical advice",
        "intracerebral hemorrhage",
    ] {
        assert!(html.contains(fact), "about lacks {fact:?}");
    }
}

#[tokio::test]
async fn home_offers_the_two_ways_in() {
    let html = page("/", StatusCode::OK).await;
    assert!(html.contains("href=\"/find\"") && html.contains("href=\"/check\""));
}

#[tokio::test]
async fn head_requests_are_answered() {
    let reply = send(&default_app(), request(Method::HEAD, "/about")).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.body.is_empty());
}
