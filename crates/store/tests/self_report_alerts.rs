//! Self-report submissions with alerts: the alert is stored with the assessment in one transaction, listed only in
//! its own clinic's scope, the link is used once, and the public link state says used or expired without naming
//! anyone.

// Test helpers outside #[test] functions may unwrap and print too: a panic there is a failed test.
#![allow(clippy::unwrap_used, clippy::print_stdout)]

mod common;

use common::{TestDb, clinic, staff};
use ketapath_clinical::instruments::{Instrument, Items};
use ketapath_store::domain::*;
use ketapath_store::{ListingAuthor, StoreError};
use ketapath_testkit::on_both_backends;
use time::macros::{date, datetime};

fn hash(secret: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(secret.as_bytes()))
}

fn alert(item9: u8) -> NewSelfReportAlert {
    NewSelfReportAlert {
        level: "urgent".to_owned(),
        item9,
        total: 14,
        message: format!("Self-report: PHQ-9 item 9 = {item9}"),
    }
}

async fn alerts_and_link_states(db: &TestDb) {
    let store = &db.store;
    store.upsert_clinics(&[clinic("a", 40.0, -74.0), clinic("b", 41.0, -75.0)], ListingAuthor::AdminCli).await.unwrap();
    let a = store.for_clinic(&staff(store, Some("a"), Role::Nurse, "nurse@a.example").await).await.unwrap();
    let b = store.for_clinic(&staff(store, Some("b"), Role::Nurse, "nurse@b.example").await).await.unwrap();
    let p = a
        .create_patient(NewPatient {
            mrn: None,
            given_name: "A".to_owned(),
            family_name: "Patient".to_owned(),
            birth_date: date!(1990 - 01 - 01),
            sex: None,
            phone: None,
            email: None,
            research_consent: false,
            rems_patient_id: None,
        })
        .await
        .unwrap();
    let now = store.now();
    for secret in ["one", "two"] {
        a.create_self_report_link(NewSelfReportLink {
            patient_id: p.id,
            instrument: Instrument::Phq9,
            token_hash: hash(secret),
            expires_at: now + time::Duration::hours(72),
        })
        .await
        .unwrap();
    }
    assert_eq!(
        store.self_report_link_state(&hash("one")).await.unwrap(),
        Some(LinkState::Open { instrument: Instrument::Phq9 })
    );
    assert_eq!(store.self_report_link_state(&hash("nobody")).await.unwrap(), None);

    let items = Items::from_values(Instrument::Phq9, &[2, 2, 2, 2, 2, 1, 1, 0, 2]).unwrap();
    let origin = Origin::test();
    let at = datetime!(2026-11-03 18:00 UTC);
    let stored =
        store.submit_self_report_with_alert(&hash("one"), items.clone(), &origin, at, Some(alert(2))).await.unwrap();
    assert_eq!(stored.source, AssessmentSource::SelfReport);
    assert_eq!(store.self_report_link_state(&hash("one")).await.unwrap(), Some(LinkState::Used));
    // A second answer through the same link is refused, and stores nothing more.
    let again = store.submit_self_report_with_alert(&hash("one"), items.clone(), &origin, at, Some(alert(2))).await;
    assert!(matches!(again, Err(StoreError::NotFound { .. })), "{again:?}");

    // An answer without an alert stores none.
    store.submit_self_report_with_alert(&hash("two"), items, &origin, at, None).await.unwrap();

    let alerts = a.self_report_alerts().await.unwrap();
    assert_eq!(alerts.len(), 1);
    let found = &alerts[0];
    assert_eq!((found.patient_id, found.assessment_id, found.item9, found.total), (p.id, stored.id, 2, 14));
    assert_eq!(found.level, "urgent");
    // Another clinic sees none of them.
    assert!(b.self_report_alerts().await.unwrap().is_empty());
}

on_both_backends!(alerts_are_stored_with_the_answer_and_scoped, super::alerts_and_link_states);

async fn expired_links(db: &TestDb) {
    let store = &db.store;
    store.upsert_clinics(&[clinic("a", 40.0, -74.0)], ListingAuthor::AdminCli).await.unwrap();
    let a = store.for_clinic(&staff(store, Some("a"), Role::Nurse, "nurse@a.example").await).await.unwrap();
    let p = a
        .create_patient(NewPatient {
            mrn: None,
            given_name: "A".to_owned(),
            family_name: "Patient".to_owned(),
            birth_date: date!(1990 - 01 - 01),
            sex: None,
            phone: None,
            email: None,
            research_consent: false,
            rems_patient_id: None,
        })
        .await
        .unwrap();
    let now = store.now();
    a.create_self_report_link(NewSelfReportLink {
        patient_id: p.id,
        instrument: Instrument::Phq9,
        token_hash: hash("soon"),
        expires_at: now + time::Duration::milliseconds(100),
    })
    .await
    .unwrap();
    // The test clock moves 7 ms at every reading: read it until the link has expired.
    while store.now() <= now + time::Duration::milliseconds(100) {}
    assert_eq!(store.self_report_link_state(&hash("soon")).await.unwrap(), Some(LinkState::Expired));
    let items = Items::from_values(Instrument::Phq9, &[0; 9]).unwrap();
    let late = store.submit_self_report_with_alert(&hash("soon"), items, &Origin::test(), now, None).await;
    assert!(matches!(late, Err(StoreError::NotFound { .. })), "{late:?}");
}

on_both_backends!(expired_links_say_so_and_take_nothing, super::expired_links);
