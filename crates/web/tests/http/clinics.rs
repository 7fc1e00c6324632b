//! The clinic directory over HTTP: `GET /api/v1/clinics` and `/api/v1/clinics/{id}`, the `/find` and
//! `/clinics/{id}` pages, the listing problem report (stored in a temporary SQLite store; cross-site posts refused)
//! and the FHIR Location and HealthcareService searches, all on a small in-memory directory.
// Helpers here are test code too: a panic in them is a failed test (clippy.toml allows it in test functions).
#![allow(clippy::unwrap_used, clippy::print_stderr)]

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use ketapath_directory::{Clinic, Language, Offers};
use serde_json::Value;

use crate::support::*;

/// Five clinics around ZIP 10001 (centroid 40.7484, -73.9967) and one in Los Angeles.
fn fixture() -> Vec<Clinic> {
    let mut tele = clinic("c-tele", 40.70, -74.00);
    tele.telehealth = true;
    tele.offers = Offers::parse_list("esketamine_nasal,iv_ketamine", ',').unwrap();
    tele.languages = vec![Language::parse("en").unwrap(), Language::parse("es").unwrap()];
    tele.accepting_new_patients = false;
    let mut demo = clinic("c-demo", 40.90, -73.90);
    demo.demo = true;
    vec![
        clinic("c-mid", 40.80, -73.95),
        clinic("c-near", 40.75, -73.99),
        tele,
        clinic("c-far", 41.20, -73.70),
        demo,
        clinic("c-la", 34.05, -118.25),
    ]
}

fn fixture_app() -> Router {
    app_with_clinics(fixture())
}

fn ids(doc: &Value) -> Vec<String> {
    doc["results"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_owned()).collect()
}

async fn search(query: &str) -> Value {
    let reply = send(&fixture_app(), get(&format!("/api/v1/clinics?{query}"))).await;
    assert_eq!(reply.status, StatusCode::OK, "{query}: {}", reply.text());
    reply.json()
}

#[tokio::test]
async fn search_by_zip_is_nearest_first_with_the_total() {
    let doc = search("zip=10001").await;
    assert_eq!(ids(&doc), ["c-near", "c-tele", "c-mid", "c-demo", "c-far", "c-la"]);
    assert_eq!(doc["total"], 6);
    assert_eq!(doc["radius_km"], Value::Null);
    assert!((doc["origin"]["lat"].as_f64().unwrap() - 40.7484).abs() < 0.01, "{doc}");
    let distances: Vec<f64> =
        doc["results"].as_array().unwrap().iter().map(|r| r["distance_km"].as_f64().unwrap()).collect();
    assert!(distances.windows(2).all(|w| w[0] <= w[1]), "{distances:?}");
    let first = &doc["results"][0];
    for key in [
        "name",
        "lat",
        "lon",
        "street",
        "city",
        "state",
        "zip",
        "phone",
        "website",
        "offers",
        "payment",
        "telehealth",
        "languages",
        "accepting_new_patients",
        "rems_certified",
        "last_verified",
    ] {
        assert!(first.get(key).is_some(), "{key} missing in {first}");
    }
    assert_eq!(first["last_verified"], "2026-10-01");
    assert_eq!(doc["results"][3]["demo"], true);
    assert!(first.get("demo").is_none(), "demo appears only when true");
}

#[tokio::test]
async fn paging_keeps_the_order_and_the_total() {
    let whole = ids(&search("near=40.7484,-73.9967").await);
    let first = search("near=40.7484,-73.9967&limit=2").await;
    let second = search("near=40.7484,-73.9967&limit=2&offset=2").await;
    assert_eq!(first["total"], 6);
    assert_eq!(second["total"], 6);
    assert_eq!([ids(&first), ids(&second)].concat(), whole[..4]);
    let count_only = search("near=40.7484,-73.9967&limit=0").await;
    assert_eq!(count_only["total"], 6);
    assert!(ids(&count_only).is_empty());
}

#[tokio::test]
async fn filters_and_radius_narrow_the_matches() {
    assert_eq!(ids(&search("zip=10001&radius_km=10").await), ["c-near", "c-tele", "c-mid"]);
    assert_eq!(search("zip=10001&radius_km=10").await["total"], 3);
    assert_eq!(ids(&search("zip=10001&telehealth=true").await), ["c-tele"]);
    assert_eq!(ids(&search("zip=10001&offers=esketamine_nasal,iv_ketamine").await), ["c-tele"]);
    assert_eq!(ids(&search("zip=10001&language=es").await), ["c-tele"]);
    let accepting = ids(&search("zip=10001&accepting=true").await);
    assert!(!accepting.contains(&"c-tele".to_owned()) && accepting.len() == 5, "{accepting:?}");
    assert_eq!(search("zip=10001&payment=medicaid").await["total"], 0);
}

#[tokio::test]
async fn every_bad_parameter_is_a_400_naming_it() {
    let app = fixture_app();
    for (query, field) in [
        ("", "near"),
        ("near=1,2&zip=10001", "near"),
        ("near=91,0", "near"),
        ("near=abc", "near"),
        ("zip=1234", "zip"),
        ("zip=10001&radius_km=0", "radius_km"),
        ("zip=10001&radius_km=x", "radius_km"),
        ("zip=10001&limit=101", "limit"),
        ("zip=10001&limit=-1", "limit"),
        ("zip=10001&offset=x", "offset"),
        ("zip=10001&offers=surgery", "offers"),
        ("zip=10001&payment=gold", "payment"),
        ("zip=10001&telehealth=yes", "telehealth"),
        ("zip=10001&accepting=1", "accepting"),
        ("zip=10001&language=xx", "language"),
        ("zip=10001&colour=blue", "colour"),
        ("zip=10001&zip=10002", "zip"),
    ] {
        let reply = send(&app, get(&format!("/api/v1/clinics?{query}"))).await;
        let error = assert_error(&reply, StatusCode::BAD_REQUEST, "invalid_input");
        assert_eq!(error["field"], field, "{query}: {error}");
    }
}

#[tokio::test]
async fn an_unknown_zip_is_a_400_naming_zip_with_a_clear_message() {
    let reply = send(&fixture_app(), get("/api/v1/clinics?zip=00000")).await;
    let error = assert_error(&reply, StatusCode::BAD_REQUEST, "invalid_input");
    assert_eq!(error["field"], "zip");
    assert!(error["message"].as_str().unwrap().contains("00000"), "{error}");
}

#[tokio::test]
async fn one_clinic_by_id_and_a_404_for_unknown_ids() {
    let app = fixture_app();
    let reply = send(&app, get("/api/v1/clinics/c-tele")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let doc = reply.json();
    assert_eq!(doc["id"], "c-tele");
    assert_eq!(doc["offers"], serde_json::json!(["esketamine_nasal", "iv_ketamine"]));
    assert_eq!(doc["last_verified"], "2026-10-01");
    assert_eq!(doc["position_source"], "record");
    for unknown in ["/api/v1/clinics/nope", "/api/v1/clinics/%20", "/api/v1/clinics/%3Cscript%3E"] {
        assert_error(&send(&app, get(unknown)).await, StatusCode::NOT_FOUND, "not_found");
    }
}

async fn find_page(query: &str) -> String {
    let reply = send(&fixture_app(), get(&format!("/find?{query}"))).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_crisis_contacts(&reply.text());
    reply.text()
}

fn positions(html: &str, needles: &[&str]) -> Vec<usize> {
    needles.iter().map(|n| html.find(n).unwrap_or_else(|| panic!("{n} not on the page"))).collect()
}

#[tokio::test]
async fn find_shows_results_nearest_first_with_both_units() {
    let html = find_page("place=10001&radius_km=50").await;
    let order = positions(&html, &["/clinics/c-near\"", "/clinics/c-tele\"", "/clinics/c-mid\"", "/clinics/c-demo\""]);
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    assert!(!html.contains("/clinics/c-la\""), "outside the radius");
    assert!(html.contains(" mi (") && html.contains(" km)"), "distances in miles, then km");
    assert!(html.contains("Demo listing"));
    assert!(html.contains("Listing last verified: 1 October 2026"));
    assert!(html.contains("<option value=\"es\">Spanish</option>"), "languages come from the data");
    // The map shows the origin and one numbered marker per listed clinic, inside the results section.
    let map = &html[html.find("<svg").expect("a map")..html.find("</svg>").expect("a closed map")];
    assert!(map.contains("role=\"img\"") && map.contains("class=\"map-origin\""), "{map}");
    assert_eq!(map.matches("class=\"map-clinic\"").count(), 4, "{map}");
    assert!(html.find("<svg").unwrap() > html.find("id=\"results-heading\"").unwrap());
    assert!(!find_page("place=10001&radius_km=1&offers=ect").await.contains("<svg"), "no map without results");
    // A town name works as well as a ZIP code, and coordinates too.
    assert!(find_page("place=New+York%2C+NY").await.contains("/clinics/c-near\""));
    assert!(find_page("place=40.75%2C-73.99").await.contains("/clinics/c-near\""));
}

#[tokio::test]
async fn find_pages_through_results() {
    let html = find_page("place=10001").await;
    assert!(html.contains("6 clinics found"));
    let app =
        app_with_clinics((0..25).map(|i| clinic(&format!("p-{i:02}"), 40.0 + f64::from(i) * 0.01, -74.0)).collect());
    let first = send(&app, get("/find?near=40,-74")).await.text();
    assert!(first.contains("Showing 1 to 10 of 25"));
    assert!(first.contains("href=\"/find?near=40%2C-74&#38;offset=10\" rel=\"next\""), "{first}");
    let second = send(&app, get("/find?near=40,-74&offset=10")).await.text();
    assert!(second.contains("Showing 11 to 20 of 25"));
    assert!(second.contains("/clinics/p-10\"") && !second.contains("/clinics/p-09\""));
    assert!(second.contains("rel=\"prev\""));
}

#[tokio::test]
async fn find_explains_no_results_and_offers_wider_searches() {
    let html = unescape(&find_page("place=10001&radius_km=10&language=es&telehealth=true&payment=medicaid").await);
    assert!(html.contains("No clinics found"));
    for link in [
        "/find?place=10001&radius_mi=10&payment=medicaid&telehealth=true&language=es",
        "/find?place=10001&payment=medicaid&telehealth=true&language=es",
        "/find?place=10001&radius_km=10&telehealth=true&language=es",
    ] {
        assert!(html.contains(&format!("href=\"{link}\"")), "missing {link}");
    }
    // Following the "drop payment" link finds the telehealth clinic.
    let dropped = find_page("place=10001&radius_km=10&telehealth=true&language=es").await;
    assert!(dropped.contains("/clinics/c-tele\""));
}

#[tokio::test]
async fn find_explains_an_unknown_place_and_keeps_the_form() {
    let html = unescape(&find_page("place=Atlantis%2C+NY&offers=tms").await);
    assert!(html.contains("We could not find that place"), "{html}");
    assert!(html.contains("Atlantis"));
    assert!(html.contains("value=\"tms\" checked"), "filters are kept");
    assert!(!html.contains("clinics found"));
    let bad_zip = unescape(&find_page("place=00000").await);
    assert!(bad_zip.contains("We could not find that place") && bad_zip.contains("00000"));
    // With no place at all there is only the form.
    let empty = find_page("").await;
    assert!(!empty.contains("error-summary") && !empty.contains("clinics found"));
}

#[tokio::test]
async fn find_loads_only_its_own_script_and_no_inline_code() {
    let html = find_page("place=10001").await;
    let scripts: Vec<&str> = html.split("<script").skip(1).collect();
    assert_eq!(scripts.len(), 1);
    assert!(scripts[0].starts_with(" src=\"/static/find.") && scripts[0].contains("></script>"), "{}", scripts[0]);
    let src = links(&html).into_iter().find(|l| l.starts_with("/static/find.")).unwrap();
    let js = send(&fixture_app(), get(&src)).await;
    assert_eq!(js.status, StatusCode::OK);
    assert!(js.header("content-type").unwrap().starts_with("text/javascript"));
    assert!(js.text().contains("geolocation"));
}

#[tokio::test]
async fn the_clinic_page_shows_the_listing_and_the_report_form() {
    let reply = send(&fixture_app(), get("/clinics/c-tele")).await;
    assert_eq!(reply.status, StatusCode::OK);
    let html = reply.text();
    assert_crisis_contacts(&html);
    for needle in [
        "<h1>Clinic c-tele",
        "1 Main Street, Testville, NY 10001",
        "href=\"geo:40.7,-74\"",
        "href=\"tel:5550100\"",
        "Esketamine nasal spray (SPRAVATO)",
        "Offers telehealth appointments",
        "Not accepting new patients",
        "English, Spanish",
        "What to ask the clinic",
        "Last verified: 1 October 2026",
        "action=\"/clinics/c-tele/report\"",
        "name=\"reason\"",
        "name=\"details\"",
    ] {
        assert!(html.contains(needle), "missing {needle}");
    }
    let demo = send(&fixture_app(), get("/clinics/c-demo")).await.text();
    assert!(demo.contains("Demo listing") && demo.contains("invented for demonstration"));
    let missing = send(&fixture_app(), get("/clinics/nope")).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_crisis_contacts(&missing.text());
}

fn report(uri: &str, body: &str, origin: Option<&str>) -> Request<Body> {
    let mut builder = Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(header::HOST, "ketapath.test")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(origin) = origin {
        builder = builder.header(header::ORIGIN, origin);
    }
    builder.body(Body::from(body.to_owned())).unwrap()
}

#[tokio::test]
async fn a_problem_report_is_stored_and_cross_site_posts_are_refused() {
    use ketapath_store::domain::{NewStaffUser, ReportStatus, Role};
    use ketapath_store::{ListingAuthor, OpenMode, Store};

    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("k.db").display());
    let store = Store::open(&url, OpenMode::CreateIfMissing).await.unwrap();
    store.migrate().await.unwrap();
    store.upsert_clinics(&fixture(), ListingAuthor::AdminCli).await.unwrap();
    let app = ketapath_web::app(ketapath_web::AppState::load(Default::default(), store.clone()).await.unwrap());

    for (origin, why) in [(Some("https://evil.example"), "another site"), (None, "no Origin or Referer")] {
        let reply = send(&app, report("/clinics/c-near/report", "reason=closed", origin)).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{why}");
        assert_crisis_contacts(&reply.text());
    }
    let invalid = send(&app, report("/clinics/c-near/report", "reason=bored", Some("http://ketapath.test"))).await;
    assert_eq!(invalid.status, StatusCode::BAD_REQUEST);
    assert!(invalid.text().contains("Please choose what is wrong"));
    let nul = send(&app, report("/clinics/c-near/report", "reason=closed&details=a%00b", Some("http://ketapath.test")));
    let nul = nul.await;
    assert_eq!(nul.status, StatusCode::BAD_REQUEST, "a NUL character is refused before it reaches the store");
    assert!(nul.text().contains("NUL character"));

    let body = "reason=wrong_phone&details=The+number+is+now+555-0199";
    let reply = send(&app, report("/clinics/c-near/report", body, Some("http://ketapath.test"))).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert!(reply.text().contains("Thank you for your report"));
    let unknown = send(&app, report("/clinics/nope/report", "reason=closed", Some("http://ketapath.test"))).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);

    // Exactly one report reached the store: the refused and invalid posts left nothing behind.
    let admin = store
        .unscoped_for_admin_cli_and_tests()
        .create_staff_user(NewStaffUser {
            clinic_id: None,
            email: "admin@example.org".to_owned(),
            display_name: "Admin".to_owned(),
            role: Role::PlatformAdmin,
            password_hash: None,
        })
        .await
        .unwrap();
    let actor = ketapath_store::domain::Actor {
        user_id: admin.id,
        clinic_id: None,
        role: Role::PlatformAdmin,
        origin: ketapath_store::domain::Origin::test(),
    };
    let reports = store.listing_reports(&actor, ReportStatus::Open).await.unwrap();
    assert_eq!(reports.len(), 1, "{reports:?}");
    assert_eq!(reports[0].clinic_id.as_str(), "c-near");
    assert_eq!(reports[0].reason, "wrong_phone");
    assert_eq!(reports[0].details.as_deref(), Some("The number is now 555-0199"));
    assert_eq!(reports[0].contact, None);
}

#[tokio::test]
async fn a_report_without_a_store_is_not_pretended_to_be_kept() {
    let reply =
        send(&fixture_app(), report("/clinics/c-near/report", "reason=closed", Some("http://ketapath.test"))).await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(!reply.text().contains("Thank you"));
}

async fn fhir(uri: &str) -> (StatusCode, Value) {
    let reply = send(&fixture_app(), get(uri)).await;
    assert_eq!(reply.header("content-type"), Some("application/fhir+json"), "{uri}");
    (reply.status, reply.json())
}

#[tokio::test]
async fn fhir_location_near_is_nearest_first_with_the_distance_extension() {
    let (status, bundle) = fhir("/fhir/r4/Location?near=40.7484|-73.9967|20|km&_count=2").await;
    assert_eq!(status, StatusCode::OK, "{bundle}");
    assert_eq!(bundle["resourceType"], "Bundle");
    assert_eq!(bundle["type"], "searchset");
    assert_eq!(bundle["total"], 4, "within 20 km: near, tele, mid, demo");
    let entries = bundle["entry"].as_array().unwrap();
    let found: Vec<&str> = entries.iter().map(|e| e["resource"]["id"].as_str().unwrap()).collect();
    assert_eq!(found, ["c-near", "c-tele"]);
    let mut last = 0.0;
    for entry in entries {
        assert_eq!(entry["resource"]["resourceType"], "Location");
        assert_eq!(entry["search"]["mode"], "match");
        let extension = &entry["search"]["extension"][0];
        assert_eq!(extension["url"], "http://hl7.org/fhir/StructureDefinition/location-distance");
        let km = extension["valueDistance"]["value"].as_f64().unwrap();
        assert_eq!(extension["valueDistance"]["code"], "km");
        assert!(km >= last);
        last = km;
    }
    let link = |relation: &str| {
        bundle["link"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["relation"] == relation)
            .map(|l| l["url"].as_str().unwrap().to_owned())
    };
    assert!(link("self").unwrap().starts_with("/fhir/r4/Location?near=40.7484%7C-73.9967%7C20%7Ckm"));
    let next = link("next").unwrap();
    assert!(next.ends_with("_count=2&_offset=2"), "{next}");
    let (_, page2) = fhir(&next).await;
    let found: Vec<&str> =
        page2["entry"].as_array().unwrap().iter().map(|e| e["resource"]["id"].as_str().unwrap()).collect();
    assert_eq!(found, ["c-mid", "c-demo"]);
    assert!(page2["link"].as_array().unwrap().iter().all(|l| l["relation"] != "next"));
    // Miles are converted: 5 miles is about 8 km, which leaves out c-mid (about 7 km) only if it is further.
    let (_, miles) = fhir("/fhir/r4/Location?near=40.7484|-73.9967|1|mi").await;
    assert_eq!(miles["total"], 1);
}

#[tokio::test]
async fn fhir_bad_parameters_are_operation_outcomes_naming_them() {
    for (uri, field) in [
        ("/fhir/r4/Location?near=abc", "near"),
        ("/fhir/r4/Location?near=40|-73|5|parsec", "near"),
        ("/fhir/r4/Location?near=40|-73&_count=1000", "_count"),
        ("/fhir/r4/Location?near=40|-73&colour=blue", "colour"),
        ("/fhir/r4/HealthcareService?service-type=acupuncture", "service-type"),
    ] {
        let (status, outcome) = fhir(uri).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {outcome}");
        assert_eq!(outcome["resourceType"], "OperationOutcome");
        assert_eq!(outcome["issue"][0]["expression"][0], field, "{uri}: {outcome}");
    }
}

#[tokio::test]
async fn fhir_reads_and_service_searches() {
    let (status, location) = fhir("/fhir/r4/Location/c-tele").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(location["resourceType"], "Location");
    assert_eq!(location["managingOrganization"]["reference"], "Organization/c-tele-org");
    let (status, organization) = fhir("/fhir/r4/Organization/c-tele-org").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(organization["resourceType"], "Organization");
    let (status, service) = fhir("/fhir/r4/HealthcareService/c-tele-svc").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(service["location"][0]["reference"], "Location/c-tele");
    for missing in ["/fhir/r4/Location/nope", "/fhir/r4/Organization/c-tele", "/fhir/r4/HealthcareService/c-tele-org"] {
        assert_eq!(fhir(missing).await.0, StatusCode::NOT_FOUND, "{missing}");
    }

    let (_, by_location) = fhir("/fhir/r4/HealthcareService?location=Location/c-tele").await;
    assert_eq!(by_location["total"], 1);
    assert_eq!(by_location["entry"][0]["resource"]["id"], "c-tele-svc");
    let (_, by_type) = fhir("/fhir/r4/HealthcareService?service-type=esketamine_nasal").await;
    assert_eq!(by_type["total"], 1);
    let (_, iv) =
        fhir("/fhir/r4/HealthcareService?service-type=https://ketapath.org/fhir/CodeSystem/offer|iv_ketamine&_count=2")
            .await;
    assert_eq!(iv["total"], 6);
    let found: Vec<&str> =
        iv["entry"].as_array().unwrap().iter().map(|e| e["resource"]["id"].as_str().unwrap()).collect();
    assert_eq!(found, ["c-demo-svc", "c-far-svc"], "sorted by id");
    let (_, both) = fhir("/fhir/r4/HealthcareService?location=Location/c-near&service-type=esketamine_nasal").await;
    assert_eq!(both["total"], 0);
}

/// When `KETAPATH_FHIR_VALIDATOR` names a python with `fhir.resources`, the directory's FHIR answers pass it.
#[tokio::test]
async fn fhir_directory_documents_pass_the_r4_validator() {
    let documents = [
        ("near.json", "/fhir/r4/Location?near=40.7484|-73.9967|20|km&_count=2"),
        ("all.json", "/fhir/r4/Location"),
        ("location.json", "/fhir/r4/Location/c-tele"),
        ("organization.json", "/fhir/r4/Organization/c-tele-org"),
        ("service.json", "/fhir/r4/HealthcareService/c-tele-svc"),
        ("services.json", "/fhir/r4/HealthcareService?service-type=iv_ketamine"),
        ("bad-near.json", "/fhir/r4/Location?near=abc"),
        ("metadata.json", "/fhir/r4/metadata"),
    ];
    assert_valid_fhir(&fixture_app(), &documents).await;
}
