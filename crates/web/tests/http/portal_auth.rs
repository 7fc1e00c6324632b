//! Portal sign-in attacks and sessions: success and cookie attributes, wrong passwords until the address is
//! locked out of the account (the lock holding against the right password from that address until it passes,
//! never against the owner elsewhere), one answer for unknown e-mail, wrong password and locked address, the
//! account page's current-password checks counted like sign-in and its password policy, rate limits by route
//! class, CSRF on every portal form, session fixation, sign-out, idle timeout, the API over the session cookie,
//! TOTP (required, valid, replayed, wrong), roles without patient access, and two servers sharing sessions over
//! one PostgreSQL.

#![allow(clippy::unwrap_used)]

use axum::body::Body;
use axum::http::{Method, StatusCode, header};
use ketapath_store::domain::Role;
use ketapath_store::{OpenMode, SecurityAuthor, Store};
use ketapath_testkit::on_both_backends;
use ketapath_web::WebConfig;
use ketapath_web::portal::routes::{FormCheck, portal_routes};
use time::Duration;

use crate::portal_support::*;
use crate::support::*;

fn assert_redirect(reply: &Reply, to: &str) {
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    assert_eq!(reply.header("location"), Some(to));
}

#[tokio::test]
async fn sign_in_sets_a_strict_http_only_secure_session_cookie() {
    let p = Portal::sqlite().await;
    p.user("nurse@a.example", Role::Nurse, Some("clinic-a")).await;
    let mut b = p.browser();
    let page = b.get("/portal/login").await;
    assert_eq!(page.header("cache-control"), Some("no-store"));
    assert_crisis_contacts(&page.text());
    let reply = b.sign_in("Nurse@A.example", PASSWORD, "").await;
    assert_redirect(&reply, "/portal");
    let set: Vec<&str> = reply.headers.get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap()).collect();
    let session = set.iter().find(|c| c.starts_with(&format!("{SESSION}="))).expect("session cookie");
    for attribute in ["Path=/", "HttpOnly", "SameSite=Strict", "Secure"] {
        assert!(session.contains(attribute), "{attribute} in {session}");
    }
    assert!(!session.contains("Domain"), "{session}");
    assert!(set.iter().any(|c| c.starts_with(&format!("{LOGIN}=;")) && c.contains("Max-Age=0")), "{set:?}");
    let dashboard = b.get("/portal").await;
    assert_eq!(dashboard.status, StatusCode::OK, "{}", dashboard.text());
    assert_eq!(dashboard.header("cache-control"), Some("no-store"));
    assert!(dashboard.text().contains("Name of nurse@a.example"));
    assert_staff_crisis_protocol(&dashboard.text());
    // Without a session every portal page sends the browser to sign in.
    let mut anonymous = p.browser();
    for page in ["/portal", "/portal/patients", "/portal/referrals", "/portal/account"] {
        assert_redirect(&anonymous.get(page).await, "/portal/login");
    }
    p.verified().await;
}

#[tokio::test]
async fn wrong_passwords_lock_out_that_address_with_one_answer_for_every_refusal() {
    let p = Portal::sqlite().await;
    p.user("nurse@a.example", Role::Nurse, Some("clinic-a")).await;
    let mut b = p.browser();
    let unknown = b.sign_in("nobody@a.example", PASSWORD, "").await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    let refusal = |reply: &Reply| main_of(&reply.text()).replace("nobody@a.example", "nurse@a.example");
    let expected = refusal(&unknown);
    for attempt in 1..=5 {
        let wrong = b.sign_in("nurse@a.example", "not the password at all", "").await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
        assert_eq!(refusal(&wrong), expected, "attempt {attempt} answers like an unknown e-mail");
        assert!(b.cookie(SESSION).is_none());
    }
    // This address is locked out: the right password from it is refused with the same answer, until the lock
    // passes. (Before issue 16 the whole account was locked; now only the address that failed is.)
    let locked = b.sign_in("nurse@a.example", PASSWORD, "").await;
    assert_eq!(locked.status, StatusCode::UNAUTHORIZED);
    assert_eq!(refusal(&locked), expected);
    // The owner on another network is not locked out.
    assert_redirect(&p.browser_at([198, 51, 100, 7]).sign_in("nurse@a.example", PASSWORD, "").await, "/portal");
    p.clock.advance(Duration::minutes(14));
    assert_eq!(b.sign_in("nurse@a.example", PASSWORD, "").await.status, StatusCode::UNAUTHORIZED);
    p.clock.advance(Duration::minutes(1) + Duration::seconds(1));
    assert_redirect(&b.sign_in("nurse@a.example", PASSWORD, "").await, "/portal");
    let events = p.store.unscoped_for_admin_cli_and_tests().audit_events(1, i64::MAX).await.unwrap();
    let count = |action: &str| events.iter().filter(|e| e.action == action).count();
    // The unknown e-mail, five wrong passwords and two attempts while locked are audited; only the five count.
    assert_eq!((count("sign_in_failed"), count("lock_out"), count("sign_in")), (8, 1, 2));
    p.verified().await;
}

/// A stranger's 50 wrong passwords from one address never keep the owner, on another address, out.
async fn strangers_cannot_lock_the_owner_out(p: &Portal) {
    p.user("rx@a.example", Role::Prescriber, Some("clinic-a")).await;
    let mut stranger = p.browser_at([203, 0, 113, 66]);
    for attempt in 1..=50 {
        let status = stranger.sign_in("rx@a.example", &format!("guess number {attempt}"), "").await.status;
        // Slowed: refused as any failure, then locked out, and beyond the burst answered 429 before any check.
        assert!([StatusCode::UNAUTHORIZED, StatusCode::TOO_MANY_REQUESTS].contains(&status), "{attempt}: {status}");
    }
    let mut owner = p.browser_at([198, 51, 100, 7]);
    let reply = owner.sign_in("rx@a.example", PASSWORD, "").await;
    assert_redirect(&reply, "/portal");
    assert_eq!(owner.get("/portal").await.status, StatusCode::OK);
    // The stranger's address stays locked out even with the right password.
    p.clock.advance(Duration::minutes(2));
    let status = stranger.sign_in("rx@a.example", PASSWORD, "").await.status;
    assert!([StatusCode::UNAUTHORIZED, StatusCode::TOO_MANY_REQUESTS].contains(&status), "{status}");
    let events = p.store.unscoped_for_admin_cli_and_tests().audit_events(1, i64::MAX).await.unwrap();
    assert!(events.iter().any(|e| e.action == "lock_out"));
    p.verified().await;
}

async fn change_password(b: &mut Browser, csrf: &str, current: &str, new: &str) -> Reply {
    b.post("/portal/account/password", &[("csrf", csrf), ("password", current), ("new_password", new)]).await
}

/// The account page asks for the current password (and code) before a change; wrong ones count like sign-in
/// failures from that address, and new passwords must meet the policy.
async fn account_page_checks_count_and_weak_passwords_are_refused(p: &Portal) {
    let nurse = p.user("nurse@a.example", Role::Nurse, Some("clinic-a")).await;
    let mut b = p.browser();
    assert_redirect(&b.sign_in("nurse@a.example", PASSWORD, "").await, "/portal");
    let csrf = b.csrf().await;
    for (weak, says) in [
        ("elevenchars", "at least 12 characters"),
        ("aaaaaaaaaaaa", "too easy to guess"),
        ("password1234", "too easy to guess"),
    ] {
        let refused = change_password(&mut b, &csrf, PASSWORD, weak).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{weak}");
        let text = refused.text();
        assert!(text.contains(says) && text.contains("choose a longer one"), "{weak}: {text}");
    }
    // Four wrong current passwords are refused (and nothing changes); the fifth locks this address out, so even
    // the right one is refused from here, and sign-in from here is refused too, while the owner elsewhere is not.
    for attempt in 1..=5 {
        let wrong = change_password(&mut b, &csrf, "not my password at all", "a brand new passphrase of mine").await;
        assert_eq!(wrong.status, StatusCode::BAD_REQUEST, "attempt {attempt}");
        assert!(wrong.text().contains("current password or code was not accepted"), "{}", wrong.text());
    }
    let locked = change_password(&mut b, &csrf, PASSWORD, "a brand new passphrase of mine").await;
    assert_eq!(locked.status, StatusCode::BAD_REQUEST);
    assert_eq!(p.browser().sign_in("nurse@a.example", PASSWORD, "").await.status, StatusCode::UNAUTHORIZED);
    let mut elsewhere = p.browser_at([198, 51, 100, 7]);
    assert_redirect(&elsewhere.sign_in("nurse@a.example", PASSWORD, "").await, "/portal");
    // From the other address the change goes through, and the new password is the one that signs in.
    let csrf = elsewhere.csrf().await;
    let changed = change_password(&mut elsewhere, &csrf, PASSWORD, "violet kettle orbit thunder").await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.text());
    assert!(changed.text().contains("Your password is changed."));
    let mut again = p.browser_at([198, 51, 100, 8]);
    assert_eq!(again.sign_in("nurse@a.example", PASSWORD, "").await.status, StatusCode::UNAUTHORIZED);
    assert_redirect(&again.sign_in("nurse@a.example", "violet kettle orbit thunder", "").await, "/portal");
    // With the second factor on, the password alone no longer changes anything: a current code is needed.
    let secret = "JBSWY3DPEHPK3PXP";
    p.store.set_totp(SecurityAuthor::AdminCli, nurse, Some(&secret.into()), true).await.unwrap();
    let csrf = again.csrf().await;
    let no_code = [("csrf", csrf.as_str()), ("action", "start"), ("password", "violet kettle orbit thunder")];
    assert_eq!(again.post("/portal/account/totp", &no_code).await.status, StatusCode::BAD_REQUEST);
    let code = ketapath_care::accounts::totp::code_at(secret, p.store.now()).unwrap();
    let with_code =
        [("csrf", csrf.as_str()), ("action", "start"), ("password", "violet kettle orbit thunder"), ("code", &code)];
    assert_eq!(again.post("/portal/account/totp", &with_code).await.status, StatusCode::SEE_OTHER);
    p.verified().await;
}

/// Rate limits by route class: a public flood from a clinic's NAT address is limited there, while another
/// address and the clinic's staff behind the same NAT are not; each staff member has an allowance of their own.
async fn rate_limits_by_route_class(p: &Portal) {
    p.user("nurse@a.example", Role::Nurse, Some("clinic-a")).await;
    p.user("rx@a.example", Role::Prescriber, Some("clinic-a")).await;
    let config = WebConfig {
        rate_limit: ketapath_web::RateLimitConfig { burst: 2, per_minute: 1, max_clients: 100 },
        ..WebConfig::default()
    };
    let app = app_over(&p.store, config).await;
    let nat = [203, 0, 113, 10];
    let at = |peer: [u8; 4]| Browser { app: app.clone(), ..p.browser_at(peer) };
    let (mut nurse, mut rx) = (at(nat), at(nat));
    assert_redirect(&nurse.sign_in("nurse@a.example", PASSWORD, "").await, "/portal");
    assert_redirect(&rx.sign_in("rx@a.example", PASSWORD, "").await, "/portal");
    let score = |b: &Browser| {
        b.request(Method::POST, SCORE_PHQ9)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(r#"{"items": [0,1,2,3,0,1,2,1,0]}"#))
            .unwrap()
    };
    let mut anonymous = at(nat);
    for _ in 0..2 {
        let request = score(&anonymous);
        assert_eq!(anonymous.send(request).await.status, StatusCode::OK);
    }
    let request = score(&anonymous);
    let flooded = anonymous.send(request).await;
    assert_error(&flooded, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    assert!(flooded.header("retry-after").is_some_and(|s| s.parse::<u64>().is_ok_and(|n| n >= 1)));
    let mut elsewhere = at([198, 51, 100, 20]);
    let request = score(&elsewhere);
    assert_eq!(elsewhere.send(request).await.status, StatusCode::OK, "another address");
    // A bogus credential does not escape the address's limit.
    let request = anonymous.request(Method::POST, "/api/v1/patients").header(header::AUTHORIZATION, "Bearer kp_nope");
    let bogus = anonymous.send(request.body(Body::from("{}")).unwrap()).await;
    assert_eq!(bogus.status, StatusCode::TOO_MANY_REQUESTS);
    // Staff behind the same NAT address: their writes take from their own allowances.
    let csrf = nurse.csrf().await;
    let write = [("csrf", csrf.as_str()), ("action", "neither")];
    for _ in 0..2 {
        assert_eq!(nurse.post("/portal/account/totp", &write).await.status, StatusCode::BAD_REQUEST);
    }
    let limited = nurse.post("/portal/account/totp", &write).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.header("retry-after").is_some());
    assert!(limited.text().to_lowercase().contains("too many requests"), "{}", limited.text());
    let csrf = rx.csrf().await;
    let write = [("csrf", csrf.as_str()), ("action", "neither")];
    assert_eq!(rx.post("/portal/account/totp", &write).await.status, StatusCode::BAD_REQUEST, "a colleague");
    // Reading is never limited.
    assert_eq!(nurse.get("/portal").await.status, StatusCode::OK);
    p.verified().await;
}

on_both_backends!(rate_limits_are_keyed_by_route_class, super::rate_limits_by_route_class);
on_both_backends!(a_strangers_failures_never_lock_the_owner_out, super::strangers_cannot_lock_the_owner_out);
on_both_backends!(
    account_page_failures_count_and_new_passwords_meet_the_policy,
    super::account_page_checks_count_and_weak_passwords_are_refused
);

#[tokio::test]
async fn every_portal_form_refuses_a_missing_wrong_or_cross_site_token() {
    let mut p = Portal::sqlite().await;
    // Three refused posts per form exceed the default burst of the POST rate limit, which is not what is tested.
    let mut config = ketapath_web::WebConfig::default();
    config.rate_limit.burst = 1000;
    p.app = app_over(&p.store, config).await;
    p.user("admin@a.example", Role::ClinicAdmin, Some("clinic-a")).await;
    let mut b = p.browser();
    assert_redirect(&b.sign_in("admin@a.example", PASSWORD, "").await, "/portal");
    let token = b.csrf().await;
    let referral = "00000000-0000-7000-8000-000000000000";
    let patients_before = p.store.unscoped_for_admin_cli_and_tests().table_counts().await.unwrap();
    // Every POST row of the portal's route table, which is also what the router serves: a new form is checked here
    // without being listed twice.
    let forms: Vec<_> = portal_routes().into_iter().filter(|r| r.method == Method::POST).collect();
    assert!(forms.iter().all(|r| r.check != FormCheck::Page), "every portal POST carries a CSRF check: {forms:?}");
    assert!(forms.len() >= 23, "the portal's forms: {forms:?}");
    for route in forms.iter().map(|r| r.path) {
        let uri = route
            .replace("{id}", referral)
            .replace("{alert_id}", referral)
            .replace("{token_id}", referral)
            .replace("{token}", referral);
        let fields = [("given_name", "Eve"), ("family_name", "Forged"), ("birth_date", "1990-01-01")];
        let with = |csrf: &'static str| {
            let mut all: Vec<(&str, &str)> = fields.to_vec();
            all.extend([("status", "closed"), ("action", "start"), ("email", "admin@a.example")]);
            all.push(("password", PASSWORD));
            if !csrf.is_empty() {
                all.push(("csrf", csrf));
            }
            all
        };
        let missing = b.post(&uri, &with("")).await;
        assert_eq!(missing.status, StatusCode::FORBIDDEN, "{uri} without a token: {}", missing.text());
        let wrong = b.post(&uri, &with("0000000000000000000000000000000000000000000000000000000000000000")).await;
        assert_eq!(wrong.status, StatusCode::FORBIDDEN, "{uri} with a wrong token");
        // The right token from another site (a browser says so in Sec-Fetch-Site) is refused too.
        let token: &'static str = Box::leak(token.clone().into_boxed_str());
        let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(with(token)).finish();
        let cross = b
            .request(Method::POST, &uri)
            .header("sec-fetch-site", "cross-site")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        let mut cross_request = cross;
        cross_request.headers_mut().insert("sec-fetch-site", "cross-site".parse().unwrap());
        assert_eq!(b.send(cross_request).await.status, StatusCode::FORBIDDEN, "{uri} from another site");
    }
    // Nothing changed: no patient, no TOTP secret, and the session still works.
    assert_eq!(p.store.unscoped_for_admin_cli_and_tests().table_counts().await.unwrap(), patients_before);
    assert_eq!(b.get("/portal").await.status, StatusCode::OK);
    p.verified().await;
}

#[tokio::test]
async fn the_sign_in_form_needs_its_double_submit_token_and_the_same_origin() {
    let p = Portal::sqlite().await;
    p.user("nurse@a.example", Role::Nurse, Some("clinic-a")).await;
    let mut b = p.browser();
    let token = csrf_of(&b.get("/portal/login").await.text());
    assert_eq!(b.cookie(LOGIN).as_deref(), Some(token.as_str()), "the form's token is the cookie's");
    let fields = |csrf: &str| {
        vec![("email", "nurse@a.example".to_owned()), ("password", PASSWORD.to_owned()), ("csrf", csrf.to_owned())]
    };
    let post = |b: &Browser, fields: Vec<(&'static str, String)>, site: &str| {
        let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
        let mut request = b
            .request(Method::POST, "/portal/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        request.headers_mut().insert("sec-fetch-site", site.parse().unwrap());
        request
    };
    let missing = b.send(post(&b, fields("")[..2].to_vec(), "same-origin")).await;
    assert_eq!(missing.status, StatusCode::FORBIDDEN);
    let wrong = b.send(post(&b, fields(&"0".repeat(64)), "same-origin")).await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    let cross = b.send(post(&b, fields(&token), "cross-site")).await;
    assert_eq!(cross.status, StatusCode::FORBIDDEN);
    // Without the cookie (another site cannot read or set it), the field alone is refused.
    let mut cookieless = p.browser();
    assert_eq!(cookieless.send(post(&cookieless, fields(&token), "same-origin")).await.status, StatusCode::FORBIDDEN);
    assert!(b.cookie(SESSION).is_none());
    assert_redirect(&b.send(post(&b, fields(&token), "same-origin")).await, "/portal");
    p.verified().await;
}

#[tokio::test]
async fn sign_in_replaces_any_earlier_session_cookie() {
    let p = Portal::sqlite().await;
    p.user("nurse@a.example", Role::Nurse, Some("clinic-a")).await;
    // An attacker plants a cookie of their choosing before the victim signs in.
    let planted = "ab".repeat(32);
    let mut b = p.browser();
    b.set(SESSION, &planted);
    assert_redirect(&b.sign_in("nurse@a.example", PASSWORD, "").await, "/portal");
    let first = b.cookie(SESSION).unwrap();
    assert_ne!(first, planted);
    let mut attacker = p.browser();
    attacker.set(SESSION, &planted);
    assert_redirect(&attacker.get("/portal").await, "/portal/login");
    // Signing in again with a live session makes a new one and ends the old one.
    assert_redirect(&b.sign_in("nurse@a.example", PASSWORD, "").await, "/portal");
    let second = b.cookie(SESSION).unwrap();
    assert_ne!(second, first);
    let mut old = p.browser();
    old.set(SESSION, &first);
    assert_redirect(&old.get("/portal").await, "/portal/login");
    assert_eq!(b.get("/portal").await.status, StatusCode::OK);
    p.verified().await;
}

#[tokio::test]
async fn sign_out_revokes_and_idle_sessions_expire() {
    let p = Portal::sqlite().await;
    p.user("nurse@a.example", Role::Nurse, Some("clinic-a")).await;
    let mut b = p.browser();
    b.sign_in("nurse@a.example", PASSWORD, "").await;
    let cookie = b.cookie(SESSION).unwrap();
    let csrf = b.csrf().await;
    let out = b.post("/portal/logout", &[("csrf", &csrf)]).await;
    assert_redirect(&out, "/portal/login");
    assert!(b.cookie(SESSION).is_none(), "the cookie is cleared");
    let mut replay = p.browser();
    replay.set(SESSION, &cookie);
    assert_redirect(&replay.get("/portal").await, "/portal/login");
    let api = replay.get("/api/v1/patients").await;
    assert_error(&api, StatusCode::UNAUTHORIZED, "unauthorized");

    // Idle: 14 minutes between pages is fine, 16 is not.
    b.sign_in("nurse@a.example", PASSWORD, "").await;
    p.clock.advance(Duration::minutes(14));
    assert_eq!(b.get("/portal").await.status, StatusCode::OK);
    p.clock.advance(Duration::minutes(14));
    assert_eq!(b.get("/portal").await.status, StatusCode::OK);
    p.clock.advance(Duration::minutes(16));
    assert_redirect(&b.get("/portal").await, "/portal/login");
    p.verified().await;
}

#[tokio::test]
async fn the_api_accepts_the_session_cookie_with_its_csrf_header_for_writes() {
    let p = Portal::sqlite().await;
    p.user("nurse@a.example", Role::Nurse, Some("clinic-a")).await;
    let mut b = p.browser();
    b.sign_in("nurse@a.example", PASSWORD, "").await;
    assert_eq!(b.get("/api/v1/patients").await.status, StatusCode::OK);
    let body = r#"{"given_name": "Ada", "family_name": "Example", "birth_date": "1980-04-01"}"#;
    let json = |b: &Browser, token: Option<&str>| {
        let mut builder = b.request(Method::POST, "/api/v1/patients").header(header::CONTENT_TYPE, "application/json");
        if let Some(token) = token {
            builder = builder.header("x-csrf-token", token);
        }
        builder.body(Body::from(body)).unwrap()
    };
    let without = b.send(json(&b, None)).await;
    assert_error(&without, StatusCode::FORBIDDEN, "forbidden");
    let wrong = b.send(json(&b, Some("nope"))).await;
    assert_error(&wrong, StatusCode::FORBIDDEN, "forbidden");
    let csrf = b.csrf().await;
    let created = b.send(json(&b, Some(&csrf))).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    // No credentials at all: the one 401.
    assert_error(&p.browser().get("/api/v1/patients").await, StatusCode::UNAUTHORIZED, "unauthorized");
    p.verified().await;
}

#[tokio::test]
async fn totp_is_required_by_the_clinic_and_codes_cannot_be_replayed() {
    let p = Portal::sqlite().await;
    let rx = p.user("rx@a.example", Role::Prescriber, Some("clinic-a")).await;
    p.user("nurse@a.example", Role::Nurse, Some("clinic-a")).await;
    let clinic = ketapath_directory::ClinicId::parse("clinic-a").unwrap();
    p.store.set_clinic_require_totp(SecurityAuthor::AdminCli, &clinic, true).await.unwrap();
    let mut b = p.browser();
    // Not enrolled: the prescriber cannot sign in and is told to ask an admin; a nurse is not affected.
    let enrol = b.sign_in("rx@a.example", PASSWORD, "").await;
    assert_eq!(enrol.status, StatusCode::FORBIDDEN);
    assert!(enrol.text().contains("ketapath user totp"), "{}", enrol.text());
    assert_redirect(&p.browser().sign_in("nurse@a.example", PASSWORD, "").await, "/portal");

    let secret = ketapath_care::accounts::totp::new_secret().unwrap();
    let secret = ketapath_store::ExposeSecret::expose_secret(&secret).to_owned();
    p.store.set_totp(SecurityAuthor::AdminCli, rx, Some(&secret.as_str().into()), true).await.unwrap();
    let asked = b.sign_in("rx@a.example", PASSWORD, "").await;
    assert_eq!(asked.status, StatusCode::UNAUTHORIZED);
    assert!(asked.text().contains("6-digit code"));
    let code = ketapath_care::accounts::totp::code_at(&secret, p.store.now()).unwrap();
    let wrong = format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000);
    assert_eq!(b.sign_in("rx@a.example", PASSWORD, &wrong).await.status, StatusCode::UNAUTHORIZED);
    assert_redirect(&b.sign_in("rx@a.example", PASSWORD, &code).await, "/portal");
    // The same code again, in the same 30 seconds, from another browser: refused.
    let replayed = p.browser().sign_in("rx@a.example", PASSWORD, &code).await;
    assert_eq!(replayed.status, StatusCode::UNAUTHORIZED);
    assert!(replayed.text().contains("was not accepted"));
    // The next step's code works.
    p.clock.advance(Duration::seconds(30));
    let next = ketapath_care::accounts::totp::code_at(&secret, p.store.now()).unwrap();
    assert_redirect(&p.browser().sign_in("rx@a.example", PASSWORD, &next).await, "/portal");
    p.verified().await;
}

#[tokio::test]
async fn roles_without_patient_access_see_no_patient_data() {
    let p = Portal::sqlite().await;
    p.user("root@example.org", Role::PlatformAdmin, None).await;
    p.user("science@example.org", Role::Researcher, None).await;
    for email in ["root@example.org", "science@example.org"] {
        let mut b = p.browser();
        assert_redirect(&b.sign_in(email, PASSWORD, "").await, "/portal");
        for page in ["/portal", "/portal/patients", "/portal/patients/new", "/portal/referrals"] {
            let reply = b.get(page).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{email} {page}");
            assert!(reply.text().contains("No patient access"));
            // A researcher is offered the de-identified export (a researcher-only route); nobody else is.
            let offers_export = reply.text().contains("/api/v1/research/export?file=patients&amp;format=csv");
            assert_eq!(offers_export, email.starts_with("science"), "{email} {page}");
        }
        assert_error(&b.get("/api/v1/patients").await, StatusCode::FORBIDDEN, "forbidden");
    }
    p.verified().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_over_one_postgresql_share_sessions() {
    let Some(a) = Portal::postgres().await else { return };
    a.user("nurse@a.example", Role::Nurse, Some("clinic-a")).await;
    let store_b = Store::open_with(&a.db.url, OpenMode::MustExist, a.options()).await.unwrap();
    let app_b = app_over(&store_b, WebConfig::default()).await;

    let mut on_a = a.browser();
    assert_redirect(&on_a.sign_in("nurse@a.example", PASSWORD, "").await, "/portal");
    let csrf = on_a.csrf().await;
    let mut on_b = Browser { app: app_b, cookies: on_a.cookies.clone(), peer: BROWSER_PEER };
    assert_eq!(on_b.get("/portal").await.status, StatusCode::OK, "the session made on A works on B");
    // A form posted to B with the token from A's page works, and signing out on B ends the session on A.
    let created = on_b
        .post(
            "/portal/patients/new",
            &[("csrf", &csrf), ("given_name", "Ada"), ("family_name", "Lovelace"), ("birth_date", "1980-12-10")],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text());
    assert_redirect(&on_b.post("/portal/logout", &[("csrf", &csrf)]).await, "/portal/login");
    assert_redirect(&on_a.get("/portal").await, "/portal/login");
    a.verified().await;
    a.store.close().await;
    store_b.close().await;
}

#[tokio::test]
async fn sign_in_posts_are_rate_limited_and_plain_cookies_are_a_setting() {
    let p = Portal::sqlite().await;
    p.user("nurse@a.example", Role::Nurse, Some("clinic-a")).await;
    let config = WebConfig {
        rate_limit: ketapath_web::RateLimitConfig { burst: 2, per_minute: 1, max_clients: 10 },
        auth: ketapath_web::config::AuthConfig { secure_cookies: false, ..Default::default() },
        ..WebConfig::default()
    };
    let mut b = Browser { app: app_over(&p.store, config).await, ..p.browser() };
    let first = b.sign_in("nurse@a.example", "wrong password, twice over", "").await;
    assert_eq!(first.status, StatusCode::UNAUTHORIZED);
    assert!(b.cookie("kp_login").is_some() && b.cookie(LOGIN).is_none(), "{:?}", b.cookies);
    let second = b.sign_in("nurse@a.example", PASSWORD, "").await;
    assert_redirect(&second, "/portal");
    let cookie = second.header("set-cookie").unwrap();
    assert!(cookie.starts_with("kp_session=") && !cookie.contains("Secure"), "{cookie}");
    let third = b.sign_in("nurse@a.example", PASSWORD, "").await;
    assert_eq!(third.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(third.header("retry-after").is_some());
    // The allowance is per (account, address): a colleague signing in from the same address is not slowed.
    p.user("rx@a.example", Role::Prescriber, Some("clinic-a")).await;
    assert_redirect(&b.sign_in("rx@a.example", PASSWORD, "").await, "/portal");
    p.verified().await;
}
