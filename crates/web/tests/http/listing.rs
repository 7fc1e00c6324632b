//! The clinic's own listing and "List your clinic" (issue 17, items 2 and 5), over HTTP on SQLite and PostgreSQL:
//! `PUT /api/v1/clinic/listing` changes only the fields it names, refuses each bad field by name, is the clinic
//! admin's (a nurse 403, another clinic 404, a platform admin with `?clinic=`), stamps the verification the public
//! page shows, and reaches another server's search within seconds; the portal form does the same; the public
//! request form checks the NPI, is capped, publishes nothing before approval, and the platform admin's queue
//! approves (the listing and its admin with a one-time link) or declines with a reason.

// Test helpers may unwrap: a panic there is a failed test with its cause.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Method, StatusCode, header};
use ketapath_directory::ClinicId;
use ketapath_store::domain::{AuditEvent, LISTING_REQUEST_DAILY_CAP, NewListingRequest, Origin, RequestStatus};
use ketapath_store::domain::{Role, StaffId};
use ketapath_store::{ListingAuthor, SecurityAuthor, Store};
use ketapath_testkit::on_both_backends;
use ketapath_web::{AppState, RateLimitConfig, RefreshOptions, WebConfig};
use serde_json::{Value, json};

use crate::portal_support::*;
use crate::support::*;

/// A cookie-authenticated API call with a JSON body, as the portal's own pages would send it.
pub(crate) async fn put_json(browser: &mut Browser, uri: &str, body: &Value) -> Reply {
    let csrf = browser.csrf().await;
    let request = browser
        .request(Method::PUT, uri)
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-csrf-token", csrf)
        .body(Body::from(body.to_string()))
        .unwrap();
    browser.send(request).await
}

async fn events(store: &Store) -> Vec<AuditEvent> {
    store.unscoped_for_admin_cli_and_tests().audit_events(1, i64::MAX).await.unwrap()
}

pub(crate) async fn signed_in(p: &Portal, email: &str, role: Role, clinic: Option<&str>) -> (Browser, StaffId) {
    let id = p.user(email, role, clinic).await;
    let mut browser = p.browser();
    let reply = browser.sign_in(email, PASSWORD, "").await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    (browser, id)
}

/// Waits up to 5 s for `app`'s search of telehealth clinics around clinic A to contain `id`.
async fn wait_for_telehealth(app: &axum::Router, id: &str) -> Duration {
    let started = Instant::now();
    loop {
        let reply = send(app, get("/api/v1/clinics?near=40.7,-74.0&radius_km=5&telehealth=true")).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
        if reply.json()["results"].as_array().unwrap().iter().any(|r| r["id"] == id) {
            return started.elapsed();
        }
        assert!(started.elapsed() < Duration::from_secs(5), "{id} not found with telehealth within 5 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn the_clinic_admin_changes_and_verifies_the_listing(p: &Portal) {
    let (mut admin, _) = signed_in(p, "admin@a.example", Role::ClinicAdmin, Some("clinic-a")).await;
    // A second server over the same database, following the change feed as `serve` does.
    let state = AppState::load(WebConfig::default(), p.store.clone()).await.unwrap();
    let refresher = state
        .directory
        .spawn_refresher(RefreshOptions { poll_interval: Duration::from_millis(100), compact_after: 1000 });
    let other_server = ketapath_web::app(state);
    let before = send(&other_server, get("/api/v1/clinics/clinic-a")).await.json();
    assert_eq!(before["telehealth"], false);

    let change = json!({
        "phone": "(212) 555-0199",
        "telehealth": true,
        "hours": [{"days": ["mon", "tue"], "opens": "08:30", "closes": "17:00"}]
    });
    let saved = put_json(&mut admin, "/api/v1/clinic/listing", &change).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text());
    let record = saved.json();
    assert_eq!(record["phone"], "(212) 555-0199");
    assert_eq!(record["telehealth"], true);
    assert_eq!(record["hours"][0]["days"], json!(["mon", "tue"]));
    // Fields left out keep their value; the stamp is the clinic's today (New York, 27 Nov 2026 at 04:00).
    for field in ["offers", "payment", "languages", "accessibility", "accepting_new_patients", "name", "street"] {
        assert_eq!(record[field], before[field], "{field} kept");
    }
    assert_eq!(
        (record["last_verified"].as_str(), record["verified_by"].as_str()),
        (Some("2026-11-27"), Some("clinic"))
    );

    // Every bad field answers 400 naming it, and changes nothing.
    for (body, field) in [
        (json!({"website": "http://clinic-a.example"}), "website"),
        (json!({"phone": "12"}), "phone"),
        (json!({"hours": [{"days": ["mon"], "opens": "17:00", "closes": "09:00"}]}), "hours[0].closes"),
        (json!({"hours": [{"days": ["someday"], "opens": "09:00", "closes": "17:00"}]}), "hours[0].days"),
        (json!({"payment": ["cash"]}), "payment"),
        (json!({"offers": ["psilocybin"]}), "offers"),
        (json!({"languages": ["xx"]}), "languages"),
        (json!({"name": "Another name"}), "name"),
    ] {
        let refused = put_json(&mut admin, "/api/v1/clinic/listing", &body).await;
        let error = assert_error(&refused, StatusCode::BAD_REQUEST, "invalid_input");
        assert_eq!(error["field"], field, "{body}");
    }
    assert_eq!(
        p.store.clinic(&ClinicId::parse("clinic-a").unwrap()).await.unwrap().unwrap().phone.as_deref(),
        Some("(212) 555-0199")
    );

    // Another clinic's listing is not found, whoever names it; a nurse may not; a platform admin names the clinic.
    let other = put_json(&mut admin, "/api/v1/clinic/listing?clinic=clinic-b", &json!({"telehealth": true})).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    let (mut nurse, _) = signed_in(p, "nurse@a.example", Role::Nurse, Some("clinic-a")).await;
    let refused = put_json(&mut nurse, "/api/v1/clinic/listing", &json!({"telehealth": false})).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(nurse.get("/portal/clinic/listing").await.status, StatusCode::FORBIDDEN);
    let (mut platform, _) = signed_in(p, "platform@example.org", Role::PlatformAdmin, None).await;
    let unnamed = put_json(&mut platform, "/api/v1/clinic/listing", &json!({"telehealth": true})).await;
    assert_eq!(unnamed.status, StatusCode::FORBIDDEN);
    let named =
        put_json(&mut platform, "/api/v1/clinic/listing?clinic=clinic-b", &json!({"description": "Quiet rooms."}))
            .await;
    assert_eq!(named.status, StatusCode::OK, "{}", named.text());
    assert_eq!(named.json()["verified_by"], "platform");

    // The other server's search shows the change within seconds; the public pages say who verified it.
    wait_for_telehealth(&other_server, "clinic-a").await;
    let page = send(&other_server, get("/clinics/clinic-a")).await.text();
    assert!(page.contains("Verified by the clinic on 27 Nov 2026"), "{page}");
    let started = Instant::now();
    while !send(&other_server, get("/clinics/clinic-b")).await.text().contains("Verified by KetaPath on 27 Nov 2026") {
        assert!(started.elapsed() < Duration::from_secs(5), "the platform's verification not shown within 5 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    refresher.abort();

    // The portal form: every field shown; a refusal keeps what was typed and names the field; a good one saves.
    let form = admin.get("/portal/clinic/listing").await;
    assert_eq!(form.status, StatusCode::OK);
    let html = form.text();
    assert!(html.contains("(212) 555-0199") && html.contains("Ketamine infusion (IV)") && html.contains("Self-pay"));
    assert!(html.contains("value=\"08:30\"") && html.contains("Wheelchair accessible"), "{html}");
    let csrf = csrf_of(&html);
    let typed = [
        ("csrf", csrf.as_str()),
        ("phone", "212-555-0142"),
        ("offers", "esketamine_nasal"),
        ("payment", "medicare"),
        ("languages", "es"),
        ("accepting_new_patients", "no"),
        ("telehealth", "yes"),
        ("opens_wed", "18:00"),
        ("closes_wed", "09:00"),
        ("description", "Evening sessions."),
    ];
    let refused = admin.post("/portal/clinic/listing", &typed).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    let text = refused.text();
    assert!(
        text.contains("hours[0].closes") && text.contains("212-555-0142") && text.contains("Evening sessions."),
        "{text}"
    );
    let mut fixed = typed.to_vec();
    fixed.retain(|(name, _)| *name != "closes_wed");
    fixed.push(("closes_wed", "21:00"));
    let saved = admin.post("/portal/clinic/listing", &fixed).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    let listing = p.store.clinic(&ClinicId::parse("clinic-a").unwrap()).await.unwrap().unwrap();
    assert_eq!(listing.phone.as_deref(), Some("212-555-0142"));
    assert_eq!(
        (listing.offers.join(";"), listing.payment.join(";")),
        ("esketamine_nasal".to_owned(), "medicare".to_owned())
    );
    assert!(!listing.accepting_new_patients && listing.telehealth && listing.accessibility.is_empty());
    assert_eq!(listing.hours.len(), 1);
    assert_eq!((listing.hours[0].opens.as_str(), listing.hours[0].closes.as_str()), ("18:00", "21:00"));
    let updates = events(&p.store)
        .await
        .iter()
        .filter(|e| e.entity == "clinic" && e.entity_id == "clinic-a" && e.action == "update")
        .count();
    assert_eq!(updates, 2, "each save of clinic A is audited");
}

on_both_backends!(
    the_clinic_admin_changes_and_verifies_the_listing,
    super::the_clinic_admin_changes_and_verifies_the_listing
);

/// The request form's fields, valid.
fn request_fields(name: &str) -> Vec<(&'static str, String)> {
    vec![
        ("name", name.to_owned()),
        ("street", "1 Broad St".to_owned()),
        ("city", "Columbus".to_owned()),
        ("state", "OH".to_owned()),
        ("zip", "43215".to_owned()),
        ("phone", "614-555-0100".to_owned()),
        ("website", "https://lakeside.example.org".to_owned()),
        ("offers", "esketamine_nasal".to_owned()),
        ("offers", "iv_ketamine".to_owned()),
        ("rems_certified", "yes".to_owned()),
        ("npi", "1234567893".to_owned()),
        ("contact_name", "Ada Admin".to_owned()),
        ("contact_email", format!("ada@{}.example.org", name.to_ascii_lowercase().replace(' ', "-"))),
    ]
}

async fn send_request(browser: &mut Browser, fields: &[(&'static str, String)]) -> Reply {
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    browser.post("/list-your-clinic", &borrowed).await
}

async fn nothing_published(p: &Portal) {
    let found = send(&p.app, get("/api/v1/clinics?zip=43215&radius_km=20")).await.json();
    assert_eq!(found["total"], 0, "a request is never in the directory before approval: {found}");
}

async fn a_clinic_asks_to_be_listed_and_is_approved_or_declined(p: &Portal) {
    let home = send(&p.app, get("/")).await.text();
    let find = send(&p.app, get("/find")).await.text();
    assert!(home.contains("href=\"/list-your-clinic\"") && find.contains("href=\"/list-your-clinic\""));
    let mut public = p.browser();
    let form = public.get("/list-your-clinic").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text().contains("Organisation NPI"));

    // Refusals name the field and keep what was typed; a cross-site post is refused.
    let mut bad_npi = request_fields("Lakeside Ketamine");
    bad_npi.iter_mut().filter(|(k, _)| *k == "npi").for_each(|(_, v)| *v = "1234567890".to_owned());
    let refused = send_request(&mut public, &bad_npi).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    let text = refused.text();
    assert!(text.contains("(npi)") && text.contains("value=\"Lakeside Ketamine\""), "{text}");
    let mut no_offers = request_fields("Lakeside Ketamine");
    no_offers.retain(|(k, _)| *k != "offers");
    assert!(send_request(&mut public, &no_offers).await.text().contains("(offers)"));
    let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(request_fields("Cross Site")).finish();
    let cross = send(&p.app, post("/list-your-clinic", Some("application/x-www-form-urlencoded"), body)).await;
    assert_eq!(cross.status, StatusCode::FORBIDDEN);

    // Two good requests: each answer says what happens next; nothing is public yet.
    for name in ["Lakeside Ketamine", "Hilltop Clinic"] {
        let sent = send_request(&mut public, &request_fields(name)).await;
        assert_eq!(sent.status, StatusCode::OK, "{}", sent.text());
        assert!(sent.text().contains("What happens next") && sent.text().contains(name));
    }
    nothing_published(p).await;

    // The queue: platform admins only.
    let (mut clinic_admin, _) = signed_in(p, "admin@a.example", Role::ClinicAdmin, Some("clinic-a")).await;
    assert_eq!(clinic_admin.get("/portal/admin/listing-requests").await.status, StatusCode::FORBIDDEN);
    let (mut platform, platform_id) = signed_in(p, "platform@example.org", Role::PlatformAdmin, None).await;
    let queue = platform.get("/portal/admin/listing-requests").await;
    assert_eq!(queue.status, StatusCode::OK);
    let html = queue.text();
    assert!(html.contains("Lakeside Ketamine") && html.contains("1234567893") && html.contains("claims SPRAVATO REMS"));
    let actor = ketapath_store::domain::Actor {
        user_id: platform_id,
        clinic_id: None,
        role: Role::PlatformAdmin,
        origin: Origin::test(),
    };
    let pending = p.store.listing_requests(&actor, RequestStatus::Pending).await.unwrap();
    // Both arrived at the same instant of the test clock, so they are found by name, not by order.
    let named = |name: &str| pending.iter().find(|r| r.request.name == name).unwrap().id;
    let (lakeside_id, hilltop_id) = (named("Lakeside Ketamine"), named("Hilltop Clinic"));
    let (lakeside, hilltop) = (lakeside_id.to_text(), hilltop_id.to_text());
    let csrf = csrf_of(&html);

    // Decline needs a reason, which is kept.
    let path = |id: &str, what: &str| format!("/portal/admin/listing-requests/{id}/{what}");
    let no_reason = platform.post(&path(&hilltop, "decline"), &[("csrf", &csrf), ("reason", " ")]).await;
    assert_eq!(no_reason.status, StatusCode::BAD_REQUEST);
    let declined =
        platform.post(&path(&hilltop, "decline"), &[("csrf", &csrf), ("reason", "Not a ketamine clinic")]).await;
    assert_eq!(declined.status, StatusCode::SEE_OTHER);
    let kept = p.store.listing_request(&actor, hilltop_id).await.unwrap();
    assert_eq!((kept.status, kept.decline_reason.as_deref()), (RequestStatus::Declined, Some("Not a ketamine clinic")));
    nothing_published(p).await;

    // Approval lists the clinic as verified by the platform and shows the contact's one-time link once.
    let approved = platform.post(&path(&lakeside, "approve"), &[("csrf", &csrf)]).await;
    assert_eq!(approved.status, StatusCode::CREATED, "{}", approved.text());
    let page = approved.text();
    assert!(page.contains("/portal/set-password/") && page.contains("ada@lakeside-ketamine.example.org"), "{page}");
    let request = p.store.listing_request(&actor, lakeside_id).await.unwrap();
    assert_eq!(request.status, RequestStatus::Approved);
    let clinic_id = request.clinic_id.unwrap();
    let listing = p.store.clinic(&clinic_id).await.unwrap().unwrap();
    assert_eq!((listing.verified_by.as_deref(), listing.rems_certified), (Some("platform"), true));
    assert_eq!(listing.offers.join(";"), "esketamine_nasal;iv_ketamine");
    let staff = p.store.staff_accounts(SecurityAuthor::Staff(&actor), Some(&clinic_id)).await.unwrap();
    let staff: Vec<_> = staff.iter().map(|s| (s.email.as_str(), s.role, s.active)).collect();
    assert_eq!(staff, [("ada@lakeside-ketamine.example.org", Role::ClinicAdmin, true)]);
    let again = platform.post(&path(&lakeside, "approve"), &[("csrf", &csrf)]).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "a request is approved once");
    let public_page =
        send(&app_over(&p.store, WebConfig::default()).await, get(&format!("/clinics/{clinic_id}"))).await;
    assert!(public_page.text().contains("Verified by KetaPath on 27 Nov 2026"), "{}", public_page.text());
    let audited: Vec<_> = events(&p.store).await.into_iter().filter(|e| e.entity == "listing_request").collect();
    assert_eq!(audited.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(), ["create", "create", "update", "update"]);
}

on_both_backends!(
    a_clinic_asks_to_be_listed_and_is_approved_or_declined,
    super::a_clinic_asks_to_be_listed_and_is_approved_or_declined
);

async fn requests_are_limited_like_referrals(p: &Portal) {
    // Per client address: the edge's public allowance.
    let config =
        WebConfig { rate_limit: RateLimitConfig { burst: 1, per_minute: 1, max_clients: 100 }, ..WebConfig::default() };
    let mut limited = Browser { app: app_over(&p.store, config).await, ..p.browser() };
    assert_eq!(send_request(&mut limited, &request_fields("First Clinic")).await.status, StatusCode::OK);
    assert_eq!(
        send_request(&mut limited, &request_fields("Second Clinic")).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Platform-wide: past the daily cap nothing is stored, from any address.
    let new = NewListingRequest {
        name: "Filler".to_owned(),
        street: "1 Main St".to_owned(),
        city: "Columbus".to_owned(),
        state: "OH".to_owned(),
        zip: "43215".to_owned(),
        phone: "614-555-0100".to_owned(),
        website: None,
        offers: ketapath_directory::Offers::parse_list("tms", ';').unwrap(),
        rems_certified: false,
        npi: "1234567893".to_owned(),
        contact_name: "Filler".to_owned(),
        contact_email: "filler@example.org".to_owned(),
    };
    for _ in 1..LISTING_REQUEST_DAILY_CAP {
        p.store.submit_listing_request(new.clone(), &Origin::test()).await.unwrap();
    }
    let mut other = p.browser_at([198, 51, 100, 7]);
    let over = send_request(&mut other, &request_fields("Over Cap Clinic")).await;
    assert_eq!(over.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(over.text().contains("Please send your request tomorrow"));
    let created = events(&p.store).await.iter().filter(|e| e.entity == "listing_request").count();
    assert_eq!(created, LISTING_REQUEST_DAILY_CAP as usize, "nothing is stored over the cap");
    // A day later the cap is free again.
    p.clock.advance(time::Duration::hours(25));
    assert_eq!(send_request(&mut other, &request_fields("Next Day Clinic")).await.status, StatusCode::OK);
    nothing_published(p).await;
}

on_both_backends!(requests_are_limited_like_referrals, super::requests_are_limited_like_referrals);

/// Listings written by the import keep what the clinic verified later (the CLI's rule, through the store).
async fn an_import_keeps_what_the_clinic_verified_later(p: &Portal) {
    let (mut admin, _) = signed_in(p, "admin@a.example", Role::ClinicAdmin, Some("clinic-a")).await;
    let saved = put_json(&mut admin, "/api/v1/clinic/listing", &json!({"phone": "212-555-0199"})).await;
    assert_eq!(saved.status, StatusCode::OK);
    let verified = p.store.listing_field_verifications().await.unwrap();
    let id = ClinicId::parse("clinic-a").unwrap();
    assert_eq!(verified[&id].iter().map(|v| v.field.as_str()).collect::<Vec<_>>(), ["phone"]);
    let existing = p.store.clinic(&id).await.unwrap().unwrap();
    let mut imported = clinic("clinic-a", 40.7, -74.0);
    let as_of = imported.last_verified;
    let conflicts = ketapath_directory::listing::keep_clinic_verified(&existing, &mut imported, &verified[&id], as_of);
    assert_eq!(conflicts.len(), 1);
    assert_eq!((conflicts[0].kept.as_str(), conflicts[0].imported.as_str()), ("212-555-0199", "555-0100"));
    p.store.upsert_clinics(&[imported], ListingAuthor::AdminCli).await.unwrap();
    assert_eq!(p.store.clinic(&id).await.unwrap().unwrap().phone.as_deref(), Some("212-555-0199"));
}

on_both_backends!(
    an_import_keeps_what_the_clinic_verified_later,
    super::an_import_keeps_what_the_clinic_verified_later
);
