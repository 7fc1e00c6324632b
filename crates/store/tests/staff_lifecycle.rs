//! Staff lifecycle in the store: the account list, deactivation (sessions ended, tokens revoked), reactivation,
//! a password reset, a role change, who may do each, token expiry and last use, and the audit events they write.

// Test helpers outside #[test] functions may unwrap and print too: a panic there is a failed test.
#![allow(clippy::unwrap_used, clippy::print_stdout)]

mod common;

use common::{TestDb, clinic, staff};
use ketapath_directory::ClinicId;
use ketapath_store::domain::{Actor, NewApiToken, NewStaffSignIn, Origin, Role};
use ketapath_store::{ListingAuthor, SecurityAuthor, Store, StoreError, api_token_hash};
use ketapath_testkit::on_both_backends;
use time::Duration;

fn id(text: &str) -> ClinicId {
    ClinicId::parse(text).unwrap()
}

async fn sign_in(store: &Store, user: &Actor, secret: &str) -> String {
    let id_hash = api_token_hash(secret);
    store
        .start_sign_in(NewStaffSignIn {
            user_id: user.user_id,
            id_hash: id_hash.clone(),
            csrf_secret: api_token_hash(&format!("csrf-{secret}")).into(),
            lifetime: Duration::hours(12),
            origin: Origin::test(),
            client: "192.0.2.9".to_owned(),
        })
        .await
        .unwrap();
    id_hash
}

async fn token(store: &Store, user: &Actor, secret: &str, lifetime: Duration) -> String {
    let hash = api_token_hash(secret);
    let new = NewApiToken {
        user_id: user.user_id,
        name: secret.to_owned(),
        token_hash: hash.clone(),
        expires_at: Some(store.now() + lifetime),
    };
    store.unscoped_for_admin_cli_and_tests().create_api_token(new).await.unwrap();
    hash
}

async fn lifecycle(db: &TestDb) {
    let store = &db.store;
    store.upsert_clinics(&[clinic("a", 1.0, 1.0), clinic("b", 2.0, 2.0)], ListingAuthor::AdminCli).await.unwrap();
    let root = staff(store, None, Role::PlatformAdmin, "root@example.org").await;
    let admin_a = staff(store, Some("a"), Role::ClinicAdmin, "admin@a.example").await;
    let nurse_a = staff(store, Some("a"), Role::Nurse, "nurse@a.example").await;
    let nurse_b = staff(store, Some("b"), Role::Nurse, "nurse@b.example").await;
    let cli = SecurityAuthor::AdminCli;

    // A display name of invisible characters only is refused, naming the field.
    let blank = ketapath_store::domain::NewStaffUser {
        clinic_id: Some(id("a")),
        email: "blank@a.example".to_owned(),
        display_name: "\u{200B}\u{3164}\u{0007}".to_owned(),
        role: Role::Nurse,
        password_hash: None,
    };
    let err = store.unscoped_for_admin_cli_and_tests().create_staff_user(blank).await.unwrap_err();
    assert!(matches!(&err, StoreError::Invalid { field, .. } if field == "display_name"), "{err}");

    // The list: everyone by e-mail, or one clinic's staff; a clinic admin sees their own clinic only.
    let session = sign_in(store, &nurse_a, "session-1").await;
    let all = store.staff_accounts(cli, None).await.unwrap();
    let emails: Vec<&str> = all.iter().map(|a| a.email.as_str()).collect();
    assert_eq!(emails, ["admin@a.example", "nurse@a.example", "nurse@b.example", "root@example.org"]);
    let nurse = &all[1];
    assert!(nurse.active && !nurse.totp && nurse.role == Role::Nurse && nurse.clinic_id == Some(id("a")));
    assert!(nurse.last_sign_in_at.is_some() && all[0].last_sign_in_at.is_none());
    assert_eq!(store.staff_accounts(cli, Some(&id("b"))).await.unwrap().len(), 1);
    assert!(matches!(store.staff_accounts(cli, Some(&id("zz"))).await, Err(StoreError::NotFound { entity: "clinic" })));
    let own = store.staff_accounts(SecurityAuthor::Staff(&admin_a), None).await.unwrap();
    assert_eq!(own.len(), 2, "a clinic admin sees their clinic's staff");
    assert!(matches!(
        store.staff_accounts(SecurityAuthor::Staff(&admin_a), Some(&id("b"))).await,
        Err(StoreError::Denied(_))
    ));
    assert!(matches!(store.staff_accounts(SecurityAuthor::Staff(&nurse_a), None).await, Err(StoreError::Denied(_))));

    // Deactivation ends the sessions and revokes the tokens at once; reactivation brings neither back.
    let live = token(store, &nurse_a, "token-1", Duration::days(90)).await;
    let now = store.now();
    let (found, _) = store.api_token_by_hash(&live, now).await.unwrap().unwrap();
    assert!(found.last_used_at.is_some(), "a use is recorded");
    assert!(store.staff_sign_in(&session, Duration::hours(1)).await.unwrap().is_some());
    assert!(matches!(
        store.set_account_active(SecurityAuthor::Staff(&admin_a), nurse_b.user_id, false).await,
        Err(StoreError::Denied(_))
    ));
    assert!(store.set_account_active(SecurityAuthor::Staff(&admin_a), nurse_a.user_id, false).await.unwrap());
    assert!(store.staff_sign_in(&session, Duration::hours(1)).await.unwrap().is_none());
    assert!(store.api_token_by_hash(&live, store.now()).await.unwrap().is_none());
    assert!(store.sign_in_account("nurse@a.example").await.unwrap().is_none());
    assert!(!store.set_account_active(cli, nurse_a.user_id, false).await.unwrap(), "already inactive");
    assert!(store.set_account_active(cli, nurse_a.user_id, true).await.unwrap());
    assert!(store.staff_sign_in(&session, Duration::hours(1)).await.unwrap().is_none());
    assert!(store.api_token_by_hash(&live, store.now()).await.unwrap().is_none());
    let tokens = store.api_tokens_of(cli, nurse_a.user_id).await.unwrap();
    assert!(tokens.len() == 1 && tokens[0].revoked_at.is_some() && tokens[0].last_used_at.is_some());

    // A token answers until its expiry, and not after.
    let short = token(store, &nurse_a, "token-2", Duration::days(1)).await;
    assert!(store.api_token_by_hash(&short, store.now()).await.unwrap().is_some());
    assert!(store.api_token_by_hash(&short, store.now() + Duration::days(2)).await.unwrap().is_none());

    // A password reset ends the sessions too.
    let second = sign_in(store, &nurse_a, "session-2").await;
    assert_eq!(store.reset_password(cli, nurse_a.user_id, &"$argon2id$reset".into()).await.unwrap(), 1);
    assert!(store.staff_sign_in(&second, Duration::hours(1)).await.unwrap().is_none());
    let user = store.staff_user(nurse_a.user_id).await.unwrap().unwrap();
    assert_eq!(user.password_hash.as_ref().map(ketapath_store::ExposeSecret::expose_secret), Some("$argon2id$reset"));
    assert!(matches!(
        store.reset_password(SecurityAuthor::Staff(&nurse_b), nurse_a.user_id, &"$argon2id$x".into()).await,
        Err(StoreError::Denied(_))
    ));

    // Role changes follow the rules of a new account; a clinic admin stays within their clinic's roles.
    let moved = store.set_role(cli, nurse_a.user_id, Role::Prescriber, Some(&id("a"))).await.unwrap();
    assert_eq!((moved.role, moved.clinic_id.clone()), (Role::Prescriber, Some(id("a"))));
    assert!(matches!(
        store.set_role(cli, nurse_a.user_id, Role::Researcher, Some(&id("a"))).await,
        Err(StoreError::Invalid { .. })
    ));
    assert!(matches!(
        store.set_role(cli, nurse_a.user_id, Role::Nurse, Some(&id("zz"))).await,
        Err(StoreError::NotFound { entity: "clinic" })
    ));
    let as_admin = SecurityAuthor::Staff(&admin_a);
    assert!(matches!(
        store.set_role(as_admin, nurse_a.user_id, Role::PlatformAdmin, None).await,
        Err(StoreError::Denied(_))
    ));
    assert!(matches!(
        store.set_role(as_admin, nurse_a.user_id, Role::Nurse, Some(&id("b"))).await,
        Err(StoreError::Denied(_))
    ));
    store.set_role(as_admin, nurse_a.user_id, Role::Nurse, Some(&id("a"))).await.unwrap();
    store.set_role(SecurityAuthor::Staff(&root), nurse_b.user_id, Role::Researcher, None).await.unwrap();
    let b = store.staff_user(nurse_b.user_id).await.unwrap().unwrap();
    assert_eq!((b.role, b.clinic_id), (Role::Researcher, None));

    // Every change is audited; the command line's as platform events (no clinic), an admin's in their clinic.
    let events = store.unscoped_for_admin_cli_and_tests().audit_events(1, i64::MAX).await.unwrap();
    let of = |action: &str| events.iter().filter(|e| e.action == action).collect::<Vec<_>>();
    assert_eq!(of("deactivate").len(), 2);
    assert_eq!(of("activate").len(), 1);
    assert_eq!(of("password_reset").len(), 1);
    assert_eq!(of("role_change").len(), 3);
    let cli_reset = of("password_reset")[0];
    assert_eq!((cli_reset.actor_role.as_str(), cli_reset.clinic_id.as_deref()), ("system", None));
    let by_admin = of("deactivate")[0];
    assert_eq!((by_admin.actor_role.as_str(), by_admin.clinic_id.as_deref()), ("clinic_admin", Some("a")));
    assert!(events.iter().all(|e| e.entity_id != "$argon2id$reset"));
}

on_both_backends!(staff_lifecycle, super::lifecycle);
