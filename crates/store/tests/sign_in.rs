//! Staff sign-in in the store on both backends: lock-out after repeated failures and its expiry, sessions with
//! idle and absolute limits and sign-out, TOTP replay prevention and the re-encryption of stored TOTP keys, the
//! clinic's `require_totp`, and the audit trail.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use common::{TestDb, clinic, staff, test_options};
use ketapath_store::domain::{AuditAction, LockoutPolicy, NewStaffSignIn, Origin, Role, SignInFailures, TotpKeyChange};
use ketapath_store::{ListingAuthor, ManualClock, SecurityAuthor, Store, StoreError, StoreOptions};
use time::Duration;
use time::macros::datetime;

fn hash(s: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(s.as_bytes()))
}

fn options(clock: &ManualClock) -> StoreOptions {
    StoreOptions { clock: Arc::new(clock.clone()), ..test_options() }
}

async fn audit_actions(store: &Store) -> Vec<String> {
    let events = store.unscoped_for_admin_cli_and_tests().audit_events(1, i64::MAX).await.unwrap();
    events.into_iter().map(|e| e.action).collect()
}

fn new_session(user: ketapath_store::domain::StaffId, secret: &str) -> NewStaffSignIn {
    NewStaffSignIn {
        user_id: user,
        id_hash: hash(secret),
        csrf_secret: hash(&format!("csrf {secret}")).into(),
        lifetime: Duration::hours(12),
        origin: Origin::test(),
        client: "192.0.2.1".to_owned(),
    }
}

async fn story(db: &TestDb, clock: &ManualClock) {
    let store = &db.store;
    store.upsert_clinics(&[clinic("c-1", 40.0, -74.0)], ListingAuthor::AdminCli).await.unwrap();
    let nurse = staff(store, Some("c-1"), Role::Nurse, "Nurse@C1.example").await;

    // The account is found by e-mail in any case; an unknown one is None.
    let account = store.sign_in_account("nurse@c1.example ").await.unwrap().unwrap();
    assert_eq!(account.user.id, nurse.user_id);
    assert!(!account.needs_totp());
    assert!(store.sign_in_account("nobody@c1.example").await.unwrap().is_none());
    let (a, b) = ("192.0.2.1", "198.51.100.7");
    let failures = |client: &'static str| store.sign_in_failures(Some(nurse.user_id), client);
    assert!(!failures(a).await.unwrap().is_locked(store.now()));

    // Four failures from one address do not lock; the fifth locks that address out, for 15 minutes, and only it.
    let policy = LockoutPolicy::default();
    for _ in 0..4 {
        assert!(!store.record_failed_sign_in(nurse.user_id, a, policy, a).await.unwrap());
    }
    assert_eq!(failures(a).await.unwrap().failed_logins, 4);
    assert!(store.record_failed_sign_in(nurse.user_id, a, policy, a).await.unwrap());
    let locked = failures(a).await.unwrap();
    assert!(locked.is_locked(store.now()));
    assert_eq!(locked.locked_until, Some(store.now() + Duration::minutes(15)));
    assert_eq!(failures(b).await.unwrap(), SignInFailures::default(), "another address is not locked");
    assert_eq!(store.sign_in_failures(None, a).await.unwrap(), SignInFailures::default());
    // Failures while locked neither count nor extend the lock.
    assert!(!store.record_failed_sign_in(nurse.user_id, a, policy, a).await.unwrap());
    assert_eq!(failures(a).await.unwrap(), locked);
    store.record_unknown_sign_in(a).await.unwrap();
    clock.advance(Duration::minutes(14));
    assert!(failures(a).await.unwrap().is_locked(store.now()));
    clock.advance(Duration::minutes(1));
    assert!(!failures(a).await.unwrap().is_locked(store.now()));
    // Failures spread out more than the lock period apart are not "in a row".
    for _ in 0..6 {
        assert!(!store.record_failed_sign_in(nurse.user_id, b, policy, b).await.unwrap());
        clock.advance(Duration::minutes(16));
    }
    assert_eq!(failures(b).await.unwrap().failed_logins, 1);
    // A day after the last failure the rows are forgotten (the next failure anywhere prunes them).
    clock.advance(Duration::days(1) + Duration::minutes(1));
    store.record_failed_sign_in(nurse.user_id, "203.0.113.1", policy, "203.0.113.1").await.unwrap();
    let kept = store.unscoped_for_admin_cli_and_tests().table_counts().await.unwrap();
    assert!(kept.iter().any(|(t, n)| t == "staff_sign_in_failures" && *n == 1), "{kept:?}");

    // A session: found while used, gone after 15 idle minutes.
    let idle = Duration::minutes(15);
    store.start_sign_in(new_session(nurse.user_id, "one")).await.unwrap();
    let (session, user) = store.staff_sign_in(&hash("one"), idle).await.unwrap().unwrap();
    assert_eq!(user.id, nurse.user_id);
    assert_eq!(session.expires_at, session.created_at + Duration::hours(12));
    assert!(store.staff_sign_in(&hash("two"), idle).await.unwrap().is_none());
    assert!(store.staff_sign_in("not a hash", idle).await.unwrap().is_none());
    clock.advance(Duration::minutes(10));
    assert!(store.staff_sign_in(&hash("one"), idle).await.unwrap().is_some(), "used within the idle limit");
    clock.advance(Duration::minutes(10));
    assert!(store.staff_sign_in(&hash("one"), idle).await.unwrap().is_some(), "the last use moved the limit");
    clock.advance(Duration::minutes(16));
    assert!(store.staff_sign_in(&hash("one"), idle).await.unwrap().is_none(), "idle too long");

    // The absolute lifetime ends a session however active it is.
    store.start_sign_in(new_session(nurse.user_id, "busy")).await.unwrap();
    let mut alive = Duration::ZERO;
    while store.staff_sign_in(&hash("busy"), idle).await.unwrap().is_some() {
        assert!(alive <= Duration::hours(13), "still alive after {alive}");
        clock.advance(Duration::minutes(14));
        alive += Duration::minutes(14);
    }
    assert!(alive >= Duration::hours(12) && alive < Duration::hours(12) + Duration::minutes(14), "{alive}");

    // Sign-out revokes, once.
    store.start_sign_in(new_session(nurse.user_id, "three")).await.unwrap();
    assert!(store.end_sign_in(&hash("three"), "192.0.2.1").await.unwrap());
    assert!(store.staff_sign_in(&hash("three"), idle).await.unwrap().is_none());
    assert!(!store.end_sign_in(&hash("three"), "192.0.2.1").await.unwrap());

    // A deactivated user's session stops working.
    store.start_sign_in(new_session(nurse.user_id, "four")).await.unwrap();
    store.unscoped_for_admin_cli_and_tests().execute_raw_sql("UPDATE staff_users SET active = FALSE").await.unwrap();
    assert!(store.staff_sign_in(&hash("four"), idle).await.unwrap().is_none());
    store.unscoped_for_admin_cli_and_tests().execute_raw_sql("UPDATE staff_users SET active = TRUE").await.unwrap();

    // TOTP: a step is accepted once, and never an earlier one.
    let rx = staff(store, Some("c-1"), Role::Prescriber, "rx@c1.example").await;
    assert!(!store.accept_totp_step(rx.user_id, 100).await.unwrap(), "no secret, no step");
    store.set_totp(SecurityAuthor::Staff(&rx), rx.user_id, Some(&"JBSWY3DPEHPK3PXP".into()), true).await.unwrap();
    assert!(store.accept_totp_step(rx.user_id, 100).await.unwrap());
    assert!(!store.accept_totp_step(rx.user_id, 100).await.unwrap(), "replayed");
    assert!(!store.accept_totp_step(rx.user_id, 99).await.unwrap(), "older");
    assert!(store.accept_totp_step(rx.user_id, 101).await.unwrap());
    let totp = store.sign_in_account("rx@c1.example").await.unwrap().unwrap().totp.unwrap();
    assert!(totp.enabled && totp.last_step == Some(101));
    // Rotation replaces the stored form only where the row still holds the one read (a change that raced with a
    // new enrollment is left alone), audited per account, and keeps the enrollment and its replay guard.
    let stored = store.stored_totp_keys().await.unwrap();
    assert_eq!(
        stored.iter().map(|(u, k)| (*u, k.expose_stored())).collect::<Vec<_>>(),
        [(rx.user_id, "JBSWY3DPEHPK3PXP")]
    );
    let changes = [
        TotpKeyChange { user_id: rx.user_id, from: "JBSWY3DPEHPK3PXP".into(), to: "v1:sealed".into() },
        TotpKeyChange { user_id: rx.user_id, from: "an older form".into(), to: "v1:stale".into() },
    ];
    assert_eq!(store.replace_totp_keys(&changes).await.unwrap(), 1);
    let totp = store.sign_in_account("rx@c1.example").await.unwrap().unwrap().totp.unwrap();
    assert!(totp.key.expose_stored() == "v1:sealed" && totp.enabled && totp.last_step == Some(101));
    assert!(!store.accept_totp_step(rx.user_id, 101).await.unwrap(), "the replay guard survives a rotation");
    let events = store.unscoped_for_admin_cli_and_tests().audit_events(1, i64::MAX).await.unwrap();
    let rotated: Vec<_> = events.iter().filter(|e| e.entity == "staff_totp_key").collect();
    assert!(rotated.len() == 1 && rotated[0].entity_id == rx.user_id.to_string() && rotated[0].origin == "cli");
    // Another user may not change it; enabling needs a secret.
    assert!(matches!(
        store.set_totp(SecurityAuthor::Staff(&nurse), rx.user_id, None, false).await,
        Err(StoreError::Denied(_))
    ));
    assert!(matches!(
        store.set_totp(SecurityAuthor::AdminCli, rx.user_id, None, true).await,
        Err(StoreError::Invalid { .. })
    ));

    // The clinic's setting: off by default; a nurse may not turn it on; it applies to prescribers, not nurses.
    let clinic_id = ketapath_directory::ClinicId::parse("c-1").unwrap();
    assert!(!store.clinic_security(&clinic_id).await.unwrap().require_totp);
    assert!(matches!(
        store.set_clinic_require_totp(SecurityAuthor::Staff(&nurse), &clinic_id, true).await,
        Err(StoreError::Denied(_))
    ));
    let admin = staff(store, Some("c-1"), Role::ClinicAdmin, "admin@c1.example").await;
    store.set_clinic_require_totp(SecurityAuthor::Staff(&admin), &clinic_id, true).await.unwrap();
    store.set_clinic_require_totp(SecurityAuthor::AdminCli, &clinic_id, true).await.unwrap();
    assert!(store.clinic_security(&clinic_id).await.unwrap().require_totp);
    let admin_account = store.sign_in_account("admin@c1.example").await.unwrap().unwrap();
    assert!(admin_account.needs_totp() && admin_account.totp.is_none());
    assert!(!store.sign_in_account("nurse@c1.example").await.unwrap().unwrap().needs_totp());
    let unknown = ketapath_directory::ClinicId::parse("nowhere").unwrap();
    assert!(matches!(
        store.set_clinic_require_totp(SecurityAuthor::AdminCli, &unknown, true).await,
        Err(StoreError::NotFound { .. })
    ));

    // Everything above is in the audit log.
    let actions = audit_actions(store).await;
    let events = store.unscoped_for_admin_cli_and_tests().audit_events(1, i64::MAX).await.unwrap();
    assert!(events.iter().any(|e| e.entity == "sign_in" && e.actor_id.is_none() && !e.entity_id.contains('@')));
    for action in [AuditAction::SignIn, AuditAction::SignInFailed, AuditAction::LockOut, AuditAction::SignOut] {
        assert!(actions.iter().any(|a| a == action.code()), "{action} audited: {actions:?}");
    }
    // Five failures, one more audited (not counted) while locked, the unknown account, six spread-out failures
    // and the one after a day.
    assert_eq!(actions.iter().filter(|a| *a == AuditAction::SignInFailed.code()).count(), 14);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_story_sqlite() {
    let clock = ManualClock::new(datetime!(2026-11-27 09:00 UTC));
    let db = TestDb::sqlite_with(options(&clock)).await;
    story(&db, &clock).await;
    db.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_story_postgres() {
    let clock = ManualClock::new(datetime!(2026-11-27 09:00 UTC));
    let Some(db) = TestDb::postgres_with(options(&clock)).await else { return };
    story(&db, &clock).await;
    db.finish().await;
}
