//! The store's own check of date bounds on both backends: a write through the store API with a date outside its
//! kind's bounds (birth, charted, planned, consent) is `StoreError::Invalid` naming the column, and nothing is
//! written, whatever caller sends it; the first and last allowed values are written.

// Test helpers outside #[test] functions may unwrap and print too: a panic there is a failed test.
#![allow(clippy::unwrap_used, clippy::print_stdout)]

mod common;

use common::{TestDb, clinic, staff};
use ketapath_research::ConsentStatus;
use ketapath_store::domain::*;
use ketapath_store::{ListingAuthor, StoreError};
use ketapath_testkit::on_both_backends;
use time::macros::{date, datetime};

fn invalid<T: std::fmt::Debug>(result: Result<T, StoreError>, column: &str) {
    match result {
        Err(StoreError::Invalid { field, .. }) => assert_eq!(field, column),
        other => panic!("expected {column} to be refused, got {other:?}"),
    }
}

fn patient(birth_date: time::Date) -> NewPatient {
    ketapath_testkit::fixtures::patient("A", "Patient", birth_date)
}

async fn bounds(db: &TestDb) {
    // The test clock starts at 2026-11-28 00:00 UTC.
    let store = &db.store;
    store.upsert_clinics(&[clinic("a", 40.0, -74.0)], ListingAuthor::AdminCli).await.unwrap();
    let nurse = store.for_clinic(&staff(store, Some("a"), Role::Nurse, "n@a.example").await).await.unwrap();

    // Birth dates: 1900-01-01 to today.
    invalid(nurse.create_patient(patient(date!(0000 - 01 - 01))).await, "birth_date");
    invalid(nurse.create_patient(patient(date!(-9999 - 01 - 01))).await, "birth_date");
    invalid(nurse.create_patient(patient(date!(1899 - 12 - 31))).await, "birth_date");
    invalid(nurse.create_patient(patient(date!(2026 - 12 - 30))).await, "birth_date");
    assert!(nurse.patient_list().await.unwrap().is_empty(), "nothing was written");
    let p = nurse.create_patient(patient(date!(1900 - 01 - 01))).await.unwrap();

    // Consent dates: 2000-01-01 to today.
    invalid(nurse.record_research_consent(p.id, ConsentStatus::Given, date!(0000 - 01 - 01)).await, "decided_on");
    invalid(nurse.record_research_consent(p.id, ConsentStatus::Given, date!(1999 - 12 - 31)).await, "decided_on");
    nurse.record_research_consent(p.id, ConsentStatus::Given, date!(2000 - 01 - 01)).await.unwrap();

    // Planned dates: a course start from 1990-01-01 to two years ahead; a scheduled session likewise.
    let course = |started_on| NewCourse {
        patient_id: p.id,
        treatment: "iv_ketamine".to_owned(),
        planned_sessions: Some(6),
        prescriber_id: None,
        started_on: Some(started_on),
        notes: None,
    };
    invalid(nurse.create_course(course(date!(1989 - 12 - 31))).await, "started_on");
    invalid(nurse.create_course(course(date!(2028 - 12 - 01))).await, "started_on");
    let c = nurse.create_course(course(date!(1990 - 01 - 01))).await.unwrap();
    let far = datetime!(2029-01-01 00:00 UTC);
    invalid(
        nurse
            .create_session(NewTreatmentSession { course_id: c.id, scheduled_at: Some(far), monitored_by: None })
            .await,
        "scheduled_at",
    );
    let s = nurse
        .create_session(NewTreatmentSession { course_id: c.id, scheduled_at: None, monitored_by: None })
        .await
        .unwrap();

    // Charted times: 1990-01-01 to now + 5 minutes.
    let observation = |at| NewObservation {
        session_id: s.id,
        observed_at: at,
        minutes_after_dose: None,
        measurement: Measurement::Note { text: "ok".to_owned() },
    };
    invalid(nurse.record_observation(observation(datetime!(0000-01-01 00:00 +01:00))).await, "observed_at");
    invalid(nurse.record_observation(observation(datetime!(2026-11-28 00:06 UTC))).await, "observed_at");
    nurse.record_observation(observation(datetime!(1990-01-01 00:00 UTC))).await.unwrap();
    let dose = NewDose {
        session_id: s.id,
        given_at: datetime!(1000-01-01 00:00 UTC),
        drug: "ketamine".to_owned(),
        dose_mg: 35.0,
        route: "iv".to_owned(),
        lot_number: None,
    };
    invalid(nurse.record_dose(dose).await, "given_at");
    let event = NewAdverseEvent {
        patient_id: p.id,
        session_id: Some(s.id),
        occurred_at: datetime!(1989-12-31 23:59 UTC),
        kind: "nausea".to_owned(),
        severity: AeSeverity::Mild,
        description: None,
        action_taken: None,
        reported_externally: false,
    };
    invalid(nurse.record_adverse_event(event).await, "occurred_at");
    let items = ketapath_clinical::instruments::Items::from_values(
        ketapath_clinical::instruments::Instrument::Phq9,
        &[0, 0, 0, 0, 0, 0, 0, 0, 0],
    )
    .unwrap();
    let assessment = NewAssessment {
        patient_id: p.id,
        course_id: None,
        session_id: None,
        items,
        administered_at: datetime!(0000-01-01 00:00 UTC),
    };
    invalid(nurse.record_assessment(assessment).await, "administered_at");
    assert!(nurse.assessments(p.id).await.unwrap().is_empty());

    // Pre-check answers inside the document, named by their path.
    let checks = serde_json::json!({"answers": {"last_food_at": "1000-01-01T00:00:00Z"}});
    invalid(nurse.set_session_pre_checks(s.id, &checks).await, "pre_checks.answers.last_food_at");

    let report = store.verify().await.unwrap();
    assert!(report.is_ok(), "{report:?}");
}

on_both_backends!(store_writes_refuse_dates_out_of_bounds, super::bounds);
