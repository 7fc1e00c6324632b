//! The public finder's reading aids (issue 18): removable filter chips, miles first, `distance_mi` in the JSON,
//! the default "any ketamine or esketamine care" filter, `zip=` links, hours in words with open or closed now,
//! no raw code in the visible text, the OpenStreetMap link and the demo notice once per page.
// Helpers here are test code too: a panic in them is a failed test (clippy.toml allows it in test functions).
#![allow(clippy::unwrap_used)]

use axum::Router;
use axum::http::StatusCode;
use ketapath_directory::model::OpeningHours;
use ketapath_directory::{Clinic, Offers};
use ketapath_web::config::WebConfig;
use ketapath_web::pages::distance::miles_first;
use ketapath_web::state::AppState;
use serde_json::Value;

use crate::support::*;

/// Around ZIP 10001: two ketamine clinics (one with hours and accessibility codes), one offering only TMS, and
/// one demo listing.
pub(crate) fn fixture() -> Vec<Clinic> {
    let mut hours = clinic("k-hours", 40.75, -73.99);
    hours.hours = vec![OpeningHours {
        days: ["mon", "tue", "wed", "thu", "fri"].map(str::to_owned).to_vec(),
        opens: "08:00".to_owned(),
        closes: "17:00".to_owned(),
    }];
    hours.accessibility = vec!["handiaccess".to_owned(), "wheelz".to_owned()];
    let mut tms = clinic("t-only", 40.76, -73.98);
    tms.offers = Offers::parse_list("tms", ',').unwrap();
    let mut demo = clinic("d-demo", 40.90, -73.90);
    demo.demo = true;
    vec![hours, tms, clinic("k-far", 41.20, -73.70), demo]
}

pub(crate) fn app_for(config: WebConfig) -> Router {
    ketapath_web::routes::app(AppState::new(config).with_directory(ketapath_web::Directory::in_memory(fixture())))
}

async fn page(app: &Router, uri: &str) -> String {
    let reply = send(app, get(uri)).await;
    assert_eq!(reply.status, StatusCode::OK, "{uri}: {}", reply.text());
    unescape(&reply.text())
}

/// The chips of a page as (label, href).
fn chips(html: &str) -> Vec<(String, String)> {
    html.split("<a class=\"chip\" href=\"")
        .skip(1)
        .map(|rest| {
            let href = &rest[..rest.find('"').unwrap()];
            let label = &rest[rest.find('>').unwrap() + 1..rest.find("<span").unwrap()];
            (label.to_owned(), href.to_owned())
        })
        .collect()
}

#[tokio::test]
async fn applied_filters_are_chips_that_each_drop_one_filter() {
    let app = app_for(WebConfig::default());
    let html = page(&app, "/find?place=10001&radius_mi=25&payment=self_pay&telehealth=true").await;
    assert_eq!(
        chips(&html),
        [
            ("Within 25 miles", "/find?place=10001&payment=self_pay&telehealth=true"),
            (
                "Any ketamine or esketamine care",
                "/find?place=10001&radius_mi=25&care=all&payment=self_pay&telehealth=true"
            ),
            ("Payment: Self-pay", "/find?place=10001&radius_mi=25&telehealth=true"),
            ("Offers telehealth", "/find?place=10001&radius_mi=25&payment=self_pay"),
        ]
        .map(|(l, h)| (l.to_owned(), h.to_owned()))
    );
    // Following a chip drops that filter only: nobody offers telehealth, so dropping it finds clinics again.
    assert!(html.contains("No clinics found"));
    let dropped = page(&app, "/find?place=10001&radius_mi=25&payment=self_pay").await;
    assert!(dropped.contains("/clinics/k-hours\""));
    assert_eq!(chips(&dropped).len(), 3);
    // The filters fold into a panel that works without scripts, after the results.
    let results = dropped.find("id=\"results\"").unwrap();
    let panel = dropped.find("<details class=\"filters\" id=\"filters\"").expect("a details panel");
    assert!(results < panel, "results before the filters");
    for choice in ["5 miles", "10 miles", "25 miles", "50 miles", "100 miles", "250 miles", "500 miles"] {
        assert!(dropped.contains(&format!(">{choice}</option>")), "radius choice {choice}");
    }
    assert!(dropped.contains("<option value=\"25\" selected>25 miles</option>"));
}

#[tokio::test]
async fn distances_are_miles_first_on_the_page_and_distance_mi_in_the_json() {
    let app = app_for(WebConfig::default());
    let doc: Value = send(&app, get("/api/v1/clinics?zip=10001")).await.json();
    let first = &doc["results"][0];
    let (km, mi) = (first["distance_km"].as_f64().unwrap(), first["distance_mi"].as_f64().unwrap());
    assert!((mi - km / 1.609_344).abs() < 0.001, "{km} km is {mi} mi");
    let html = page(&app, "/find?place=10001").await;
    let shown = miles_first(km);
    assert!(shown.starts_with("0.") && shown.contains(" mi (") && shown.ends_with(" km)"), "{shown}");
    assert!(html.contains(&format!("<strong>{shown}</strong> away")), "{shown} on the page");
    // The OpenAPI document describes the new field.
    let openapi: Value = send(&app, get("/api/openapi.json")).await.json();
    let result = &openapi["components"]["schemas"]["ClinicResult"];
    assert_eq!(result["properties"]["distance_mi"]["type"], "number", "{result}");
}

#[tokio::test]
async fn the_finder_defaults_to_ketamine_care_and_the_api_keeps_its_defaults() {
    let app = app_for(WebConfig::default());
    let html = page(&app, "/find?place=10001").await;
    assert!(html.contains("/clinics/k-hours\"") && !html.contains("/clinics/t-only\""), "TMS only is left out");
    let lifted = page(&app, "/find?place=10001&care=all").await;
    assert!(lifted.contains("/clinics/t-only\""), "shown when the default is dropped");
    assert!(chips(&lifted).is_empty());
    let asked = page(&app, "/find?place=10001&offers=tms").await;
    assert!(asked.contains("/clinics/t-only\"") && !asked.contains("/clinics/k-hours\""), "shown when asked for");
    // The JSON API still answers every clinic, by distance then id.
    let doc: Value = send(&app, get("/api/v1/clinics?zip=10001")).await.json();
    let ids: Vec<&str> = doc["results"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["k-hours", "t-only", "d-demo", "k-far"]);
    assert_eq!(doc["total"], 4);
}

#[tokio::test]
async fn a_zip_link_searches_like_a_typed_place() {
    let app = app_for(WebConfig::default());
    let html = page(&app, "/find?zip=10001").await;
    assert!(html.contains("value=\"10001\""), "the place field keeps the ZIP");
    assert!(html.contains("/clinics/k-hours\"") && html.contains("clinics found"));
}

#[tokio::test]
async fn hours_and_accessibility_read_in_words_with_no_code_shown() {
    let app = app_for(WebConfig::default());
    for uri in ["/find?place=10001", "/clinics/k-hours"] {
        let html = page(&app, uri).await;
        let text = visible(&html);
        assert!(text.contains("Mon–Fri 8 am–5 pm"), "{uri}: hours in words");
        assert!(text.contains("Open now") || text.contains("Closed now"), "{uri}: open or closed now");
        for code in ["handiaccess", "wheelz", "iv_ketamine", "self_pay", "08:00", "mon,"] {
            assert!(!text.contains(code), "{uri}: the code {code} is shown");
        }
    }
    let clinic = visible(&page(&app, "/clinics/k-hours").await);
    assert!(clinic.contains("Accessible to people with disabilities"));
    assert!(clinic.contains("Other accessibility features: ask the clinic"));
    assert!(!clinic.contains("Accessibility:"));
}

#[tokio::test]
async fn the_clinic_page_links_to_openstreetmap_beside_geo() {
    let app = app_for(WebConfig::default());
    let html = page(&app, "/clinics/k-hours").await;
    assert!(html.contains("href=\"https://www.openstreetmap.org/?mlat=40.75&mlon=-73.99#map=16/40.75/-73.99\""));
    assert!(html.contains("href=\"geo:40.75,-73.99\""));
}

#[tokio::test]
async fn a_demo_site_says_demo_once_per_page() {
    let app = app_for(WebConfig { demo: true, ..WebConfig::default() });
    for uri in ["/find?place=10001", "/clinics/d-demo"] {
        let html = page(&app, uri).await;
        let text = visible(&html);
        assert_eq!(html.matches("class=\"demo-banner\"").count(), 1, "{uri}");
        assert!(!text.contains("Demo listing") && !text.contains("invented for demonstration"), "{uri}: {text}");
    }
    // Outside demo mode a demo listing still says so, as it is the only notice.
    let real = app_for(WebConfig::default());
    assert!(visible(&page(&real, "/find?place=10001").await).contains("Demo listing"));
}
