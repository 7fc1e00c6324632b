//! The portal's shell pages for a clinic role: adding a patient through the form (errors name the field and keep
//! the answers), the list and its name search, the patient page, another clinic's patient as 404, the referral
//! inbox and its status form, and TOTP enrollment from the account page (with the key stored as it is, and
//! encrypted at rest under a server secret key).

#![allow(clippy::unwrap_used)]

use axum::http::StatusCode;
use ketapath_care::accounts::{SecretKey, TotpKeyRing};
use ketapath_store::domain::{NewReferral, Origin, ReferralSource, Role};
use ketapath_web::WebConfig;
use time::Duration;

use crate::portal_support::*;

#[tokio::test]
async fn patients_are_added_listed_searched_and_shown_inside_the_clinic() {
    let p = Portal::sqlite().await;
    p.user("nurse@a.example", Role::Nurse, Some("clinic-a")).await;
    p.user("nurse@b.example", Role::Nurse, Some("clinic-b")).await;
    let mut b = p.browser();
    b.sign_in("nurse@a.example", PASSWORD, "").await;
    let form = b.get("/portal/patients/new").await;
    assert_eq!(form.status, StatusCode::OK);
    let csrf = csrf_of(&form.text());

    let bad = b
        .post(
            "/portal/patients/new",
            &[("csrf", &csrf), ("given_name", "Ada"), ("family_name", "Lovelace"), ("birth_date", "1815-13-10")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.text().contains("birth_date: must be a date YYYY-MM-DD"), "{}", bad.text());
    assert!(bad.text().contains("value=\"Lovelace\""), "answers kept");

    let made = b
        .post(
            "/portal/patients/new",
            &[
                ("csrf", &csrf),
                ("given_name", "Ada"),
                ("family_name", "Lovelace"),
                ("birth_date", "1980-12-10"),
                ("sex", "female"),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.text());
    let href = made.header("location").unwrap().to_owned();
    assert!(href.starts_with("/portal/patients/"));
    b.post(
        "/portal/patients/new",
        &[("csrf", &csrf), ("given_name", "Grace"), ("family_name", "Hopper"), ("birth_date", "1976-12-09")],
    )
    .await;

    let shown = b.get(&href).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(shown.text().contains("Ada Lovelace") && shown.text().contains("No assessments recorded"));
    let all = b.get("/portal/patients").await.text();
    assert!(all.contains("Lovelace, Ada") && all.contains("Hopper, Grace"));
    let found = b.get("/portal/patients?q=love").await.text();
    assert!(found.contains("Lovelace, Ada") && !found.contains("Hopper"), "{found}");
    assert!(b.get("/portal").await.text().contains("2 patient records"));

    // Another clinic's nurse gets the same 404 as for a patient that does not exist.
    let mut other = p.browser();
    other.sign_in("nurse@b.example", PASSWORD, "").await;
    assert_eq!(other.get(&href).await.status, StatusCode::NOT_FOUND);
    assert_eq!(other.get("/portal/patients/00000000-0000-7000-8000-000000000000").await.status, StatusCode::NOT_FOUND);
    assert_eq!(other.get("/portal/patients/not-an-id").await.status, StatusCode::NOT_FOUND);
    assert!(!other.get("/portal/patients").await.text().contains("Lovelace"));
    p.verified().await;
}

#[tokio::test]
async fn referrals_show_on_the_dashboard_and_move_on_through_the_inbox() {
    let p = Portal::sqlite().await;
    p.user("admin@a.example", Role::ClinicAdmin, Some("clinic-a")).await;
    let clinic = ketapath_directory::ClinicId::parse("clinic-a").unwrap();
    let referral = p
        .store
        .submit_referral(
            &clinic,
            NewReferral {
                source: ReferralSource::SelfCheck,
                contact_name: Some("Sam Sender".to_owned()),
                contact_phone: Some("555-0101".to_owned()),
                contact_email: None,
                message: Some("Please call after 5".to_owned()),
                summary: None,
            },
            &Origin::test(),
        )
        .await
        .unwrap();
    let mut b = p.browser();
    b.sign_in("admin@a.example", PASSWORD, "").await;
    let dashboard = b.get("/portal").await.text();
    assert!(dashboard.contains("New referrals (1)") && dashboard.contains("Sam Sender"), "{dashboard}");
    let inbox = b.get("/portal/referrals").await;
    assert!(inbox.text().contains("Please call after 5"));
    let csrf = csrf_of(&inbox.text());
    let uri = format!("/portal/referrals/{}/status", referral.id);
    let bad = b.post(&uri, &[("csrf", &csrf), ("status", "lost")]).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let moved = b.post(&uri, &[("csrf", &csrf), ("status", "contacted")]).await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.text());
    assert!(b.get("/portal").await.text().contains("New referrals (0)"));
    p.verified().await;
}

#[tokio::test]
async fn staff_enroll_their_own_second_factor_from_the_account_page() {
    let stored = enroll_from_the_account_page(TotpKeyRing::default()).await;
    assert!(!stored.starts_with("v1:"), "without a secret key the key is stored as base32: {stored}");
}

#[tokio::test]
async fn with_a_secret_key_the_enrolled_key_is_encrypted_at_rest_and_still_signs_in() {
    let key = SecretKey::generate().unwrap();
    let stored = enroll_from_the_account_page(TotpKeyRing::new(Some(key.clone()), None)).await;
    assert!(stored.starts_with(&format!("v1:{}:", key.id())), "{stored}");
}

/// Enrolls a prescriber from the account page of a server holding `keys`, signs in with a code, and returns
/// the key as stored, which holds the key itself only when `keys` is empty.
async fn enroll_from_the_account_page(keys: TotpKeyRing) -> String {
    let p = Portal::sqlite().await;
    p.user("rx@a.example", Role::Prescriber, Some("clinic-a")).await;
    let app = app_over(&p.store, WebConfig { totp_keys: keys.clone(), ..WebConfig::default() }).await;
    let browser = || Browser { app: app.clone(), ..p.browser() };
    let mut b = browser();
    b.sign_in("rx@a.example", PASSWORD, "").await;
    let csrf = b.csrf().await;
    let no_password = b.post("/portal/account/totp", &[("csrf", &csrf), ("action", "start")]).await;
    assert_eq!(no_password.status, StatusCode::BAD_REQUEST);
    let wrong = [("csrf", csrf.as_str()), ("action", "start"), ("password", "not my password at all")];
    assert_eq!(b.post("/portal/account/totp", &wrong).await.status, StatusCode::BAD_REQUEST);
    assert!(p.store.sign_in_account("rx@a.example").await.unwrap().unwrap().totp.is_none(), "nothing stored");
    let start = [("csrf", csrf.as_str()), ("action", "start"), ("password", PASSWORD)];
    assert_eq!(b.post("/portal/account/totp", &start).await.status, StatusCode::SEE_OTHER);
    let page = b.get("/portal/account").await.text();
    let secret = page.split("Key: <code>").nth(1).and_then(|s| s.split('<').next()).unwrap().to_owned();
    assert!(page.contains("otpauth://totp/KetaPath:rx%40a%2Eexample?secret="), "{page}");
    let bad = b.post("/portal/account/totp", &[("csrf", &csrf), ("action", "confirm"), ("code", "000000")]).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let code = ketapath_care::accounts::totp::code_at(&secret, p.store.now()).unwrap();
    let on = b.post("/portal/account/totp", &[("csrf", &csrf), ("action", "confirm"), ("code", &code)]).await;
    assert!(on.text().contains("Your second factor is on"), "{}", on.text());
    // From now on sign-in asks for a code, and the enrolment code itself cannot be reused.
    assert_eq!(browser().sign_in("rx@a.example", PASSWORD, "").await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(browser().sign_in("rx@a.example", PASSWORD, &code).await.status, StatusCode::UNAUTHORIZED);
    p.clock.advance(Duration::seconds(60));
    let later = ketapath_care::accounts::totp::code_at(&secret, p.store.now()).unwrap();
    assert_eq!(browser().sign_in("rx@a.example", PASSWORD, &later).await.status, StatusCode::SEE_OTHER);
    let account = p.store.sign_in_account("rx@a.example").await.unwrap().unwrap();
    let stored = account.totp.unwrap().key.expose_stored().to_owned();
    assert_eq!(stored == secret, !keys.encrypts(), "the key is stored as base32 only without a secret key");
    assert!(!format!("{:?}", p.store.sign_in_account("rx@a.example").await.unwrap()).contains(&secret));
    if keys.encrypts() {
        // A server without the key cannot open it: sign-in with a right code fails (500, logged with the key id)
        // rather than passing without a second factor.
        p.clock.advance(Duration::seconds(60));
        let next = ketapath_care::accounts::totp::code_at(&secret, p.store.now()).unwrap();
        let keyless = p.browser().sign_in("rx@a.example", PASSWORD, &next).await;
        assert_eq!(keyless.status, StatusCode::INTERNAL_SERVER_ERROR);
    }
    p.verified().await;
    stored
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nul_character_in_a_portal_form_is_a_400_naming_the_field_on_postgresql() {
    let Some(p) = Portal::postgres().await else { return };
    p.user("nurse@a.example", Role::Nurse, Some("clinic-a")).await;
    let mut b = p.browser();
    b.sign_in("nurse@a.example", PASSWORD, "").await;
    let csrf = csrf_of(&b.get("/portal/patients/new").await.text());
    let fields =
        [("csrf", csrf.as_str()), ("given_name", "a\0b"), ("family_name", "Nul"), ("birth_date", "1980-12-10")];
    let reply = b.post("/portal/patients/new", &fields).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text());
    assert!(reply.text().contains("NUL character"), "the refusal says why: {}", reply.text());
    // The sign-in form is refused the same way before the e-mail reaches a query.
    let mut anonymous = p.browser();
    let page = anonymous.get("/portal/login").await;
    let csrf = csrf_of(&page.text());
    let fields = [("csrf", csrf.as_str()), ("email", "nurse@a.example\0"), ("password", PASSWORD)];
    assert_eq!(anonymous.post("/portal/login", &fields).await.status, StatusCode::BAD_REQUEST);
    p.verified().await;
}
