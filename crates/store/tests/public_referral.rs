//! Referrals from the public self-check: only clinics with an active clinic admin, prescriber or nurse account
//! receive them, and the audit entry names the channel (`public web`), never the sender's address.

// Test helpers outside #[test] functions may unwrap: a panic there is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use common::{TestDb, clinic, staff};
use ketapath_directory::ClinicId;
use ketapath_store::domain::*;
use ketapath_store::{ListingAuthor, StoreError};
use ketapath_testkit::on_both_backends;

fn referral() -> NewReferral {
    NewReferral {
        source: ReferralSource::SelfCheck,
        contact_name: None,
        contact_phone: None,
        contact_email: Some("person@example.org".to_owned()),
        message: None,
        summary: Some(serde_json::json!({"kind": "ketapath.self_check_summary", "version": 1})),
    }
}

fn id(raw: &str) -> ClinicId {
    ClinicId::parse(raw).unwrap()
}

async fn only_receiving_clinics_get_summaries(db: &TestDb) {
    let store = &db.store;
    let listings = ["a", "b", "c", "d", "e"].map(|c| clinic(c, 40.0, -74.0));
    store.upsert_clinics(&listings, ListingAuthor::AdminCli).await.unwrap();
    // a: an active nurse. b: a clinic admin who was deactivated. c: nobody. d: a prescriber, but the listing is
    // deleted. e: an active prescriber.
    staff(store, Some("a"), Role::Nurse, "nurse@a.example").await;
    let admin_b = staff(store, Some("b"), Role::ClinicAdmin, "admin@b.example").await;
    store.for_clinic(&admin_b).await.unwrap().set_staff_active(admin_b.user_id, false).await.unwrap();
    staff(store, Some("d"), Role::Prescriber, "rx@d.example").await;
    store.delete_clinic(&id("d"), ListingAuthor::AdminCli).await.unwrap();
    staff(store, Some("e"), Role::Prescriber, "rx@e.example").await;
    staff(store, None, Role::PlatformAdmin, "admin@example.org").await;

    assert_eq!(store.receiving_clinics().await.unwrap(), vec![id("a"), id("e")]);
    assert!(store.clinic_receives_summaries(&id("a")).await.unwrap());
    assert!(!store.clinic_receives_summaries(&id("b")).await.unwrap());

    let PublicDelivery::Created(sent) =
        store.submit_public_referral(&id("a"), referral(), ReportedLevel::Routine).await.unwrap()
    else {
        panic!("the first referral is a new entry")
    };
    assert_eq!(sent.status, ReferralStatus::New);
    for refused in ["b", "c"] {
        let error = store.submit_public_referral(&id(refused), referral(), ReportedLevel::Routine).await.unwrap_err();
        assert!(matches!(&error, StoreError::Invalid { field, .. } if field == "clinic"), "{refused}: {error:?}");
    }
    for gone in ["d", "zz"] {
        let error = store.submit_public_referral(&id(gone), referral(), ReportedLevel::Routine).await.unwrap_err();
        assert!(matches!(error, StoreError::NotFound { .. }), "{gone}: {error:?}");
    }

    let events = store.unscoped_for_admin_cli_and_tests().audit_events(1, i64::MAX).await.unwrap();
    let created: Vec<&AuditEvent> = events.iter().filter(|e| e.entity == "referral" && e.action == "create").collect();
    assert_eq!(created.len(), 1, "refused referrals leave nothing");
    assert_eq!((created[0].origin.as_str(), created[0].actor_role.as_str()), ("public web", "public"));
    assert_eq!(created[0].entity_id, sent.id.to_text());
}

on_both_backends!(public_referrals, super::only_receiving_clinics_get_summaries);
