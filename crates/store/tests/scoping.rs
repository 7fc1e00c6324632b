//! Cross-clinic isolation: through a scope bound to clinic B, every entity of clinic A answers "not found" or is
//! absent from lists, exactly like a record that does not exist.

// Test helpers outside #[test] functions may unwrap and print too: a panic there is a failed test.
#![allow(clippy::unwrap_used, clippy::print_stdout)]

mod common;

use common::{TestDb, clinic, staff};
use ketapath_clinical::instruments::{Instrument, Items};
use ketapath_store::domain::*;
use ketapath_store::{ListingAuthor, StoreError};
use ketapath_testkit::on_both_backends;
use time::macros::{date, datetime};

fn not_found<T: std::fmt::Debug>(r: Result<T, StoreError>) {
    assert!(matches!(r, Err(StoreError::NotFound { .. })), "expected not found, got {r:?}");
}

async fn isolation(db: &TestDb) {
    let store = &db.store;
    store.upsert_clinics(&[clinic("a", 40.0, -74.0), clinic("b", 41.0, -75.0)], ListingAuthor::AdminCli).await.unwrap();
    let a_admin = staff(store, Some("a"), Role::ClinicAdmin, "admin@a.example").await;
    let a_nurse = staff(store, Some("a"), Role::Nurse, "nurse@a.example").await;
    let b_admin = staff(store, Some("b"), Role::ClinicAdmin, "admin@b.example").await;
    let a = store.for_clinic(&a_nurse).await.unwrap();
    let b = store.for_clinic(&b_admin).await.unwrap();

    // An actor claiming another clinic than its account is refused.
    let forged = Actor { clinic_id: b_admin.clinic_id.clone(), ..a_nurse.clone() };
    assert!(matches!(store.for_clinic(&forged).await, Err(StoreError::Denied(_))));

    let np = NewPatient {
        mrn: Some("1".to_owned()),
        given_name: "A".to_owned(),
        family_name: "Patient".to_owned(),
        birth_date: date!(1990 - 01 - 01),
        sex: None,
        phone: None,
        email: None,
        research_consent: false,
        rems_patient_id: None,
    };
    let p = a.create_patient(np.clone()).await.unwrap();
    let items = Items::from_values(Instrument::Phq9, &[1; 9]).unwrap();
    let at = datetime!(2026-11-01 10:00 UTC);
    a.record_assessment(NewAssessment {
        patient_id: p.id,
        course_id: None,
        session_id: None,
        items: items.clone(),
        administered_at: at,
    })
    .await
    .unwrap();
    let course = a
        .create_course(NewCourse {
            patient_id: p.id,
            treatment: "iv_ketamine".to_owned(),
            planned_sessions: None,
            prescriber_id: None,
            started_on: None,
            notes: None,
        })
        .await
        .unwrap();
    let session = a
        .create_session(NewTreatmentSession { course_id: course.id, scheduled_at: None, monitored_by: None })
        .await
        .unwrap();
    a.record_dose(NewDose {
        session_id: session.id,
        given_at: at,
        drug: "ketamine".to_owned(),
        dose_mg: 35.0,
        route: "iv".to_owned(),
        lot_number: None,
    })
    .await
    .unwrap();
    a.record_observation(NewObservation {
        session_id: session.id,
        observed_at: at,
        minutes_after_dose: Some(0),
        measurement: Measurement::HeartRate { bpm: 70 },
    })
    .await
    .unwrap();
    a.record_adverse_event(NewAdverseEvent {
        patient_id: p.id,
        session_id: Some(session.id),
        occurred_at: at,
        kind: "nausea".to_owned(),
        severity: AeSeverity::Mild,
        description: None,
        action_taken: None,
        reported_externally: false,
    })
    .await
    .unwrap();
    let referral = store
        .submit_referral(
            &a_nurse.clinic_id.clone().unwrap(),
            NewReferral {
                source: ReferralSource::Clinician,
                contact_name: None,
                contact_phone: Some("555".to_owned()),
                contact_email: None,
                message: None,
                summary: None,
            },
            &Origin::test(),
        )
        .await
        .unwrap();
    a.create_self_report_link(NewSelfReportLink {
        patient_id: p.id,
        instrument: Instrument::Phq9,
        token_hash: "ab".repeat(32),
        expires_at: datetime!(2030-01-01 00:00 UTC),
    })
    .await
    .unwrap();

    // Reads of single records.
    not_found(b.patient(p.id).await);
    not_found(b.course(course.id).await);
    not_found(b.session(session.id).await);
    not_found(b.referral(referral.id).await);
    // Lists keyed by another clinic's record.
    not_found(b.assessments(p.id).await);
    not_found(b.courses(p.id).await);
    not_found(b.sessions(course.id).await);
    not_found(b.adverse_events(p.id).await);
    not_found(b.self_report_links(p.id).await);
    // Clinic-wide lists.
    assert!(b.patient_list().await.unwrap().is_empty());
    assert!(b.referrals().await.unwrap().is_empty());
    assert_eq!(b.staff().await.unwrap().iter().map(|s| s.email.as_str()).collect::<Vec<_>>(), ["admin@b.example"]);
    assert!(b.audit_events(10_000).await.unwrap().iter().all(|e| e.clinic_id.as_deref() == Some("b")));
    assert_eq!(b.clinic_listing().await.unwrap().id.as_str(), "b");
    // Writes that name another clinic's record.
    not_found(b.update_patient(p.id, np.clone()).await);
    not_found(
        b.record_assessment(NewAssessment {
            patient_id: p.id,
            course_id: None,
            session_id: None,
            items,
            administered_at: at,
        })
        .await,
    );
    not_found(
        b.create_course(NewCourse {
            patient_id: p.id,
            treatment: "x".to_owned(),
            planned_sessions: None,
            prescriber_id: None,
            started_on: None,
            notes: None,
        })
        .await,
    );
    not_found(b.set_course_status(course.id, CourseStatus::Stopped, None, None).await);
    not_found(
        b.create_session(NewTreatmentSession { course_id: course.id, scheduled_at: None, monitored_by: None }).await,
    );
    let update = TreatmentSessionUpdate {
        status: SessionStatus::Aborted,
        started_at: None,
        ended_at: None,
        monitored_by: None,
        ready_to_leave_minutes: None,
        discharged_at: None,
        discharged_by: None,
        discharge_override_reason: None,
        notes: None,
    };
    not_found(b.update_session(session.id, update).await);
    not_found(
        b.record_dose(NewDose {
            session_id: session.id,
            given_at: at,
            drug: "k".to_owned(),
            dose_mg: 1.0,
            route: "iv".to_owned(),
            lot_number: None,
        })
        .await,
    );
    not_found(
        b.record_observation(NewObservation {
            session_id: session.id,
            observed_at: at,
            minutes_after_dose: None,
            measurement: Measurement::Spo2 { percent: 99 },
        })
        .await,
    );
    not_found(
        b.record_adverse_event(NewAdverseEvent {
            patient_id: p.id,
            session_id: None,
            occurred_at: at,
            kind: "x".to_owned(),
            severity: AeSeverity::Mild,
            description: None,
            action_taken: None,
            reported_externally: false,
        })
        .await,
    );
    not_found(b.set_referral_status(referral.id, ReferralStatus::Closed, None).await);
    not_found(
        b.create_self_report_link(NewSelfReportLink {
            patient_id: p.id,
            instrument: Instrument::Phq9,
            token_hash: "cd".repeat(32),
            expires_at: datetime!(2030-01-01 00:00 UTC),
        })
        .await,
    );
    not_found(b.set_staff_active(a_nurse.user_id, false).await);
    // Naming another clinic's staff on one's own records is refused too.
    let bp = b.create_patient(np).await.unwrap();
    not_found(
        b.create_course(NewCourse {
            patient_id: bp.id,
            treatment: "x".to_owned(),
            planned_sessions: None,
            prescriber_id: Some(a_admin.user_id),
            started_on: None,
            notes: None,
        })
        .await,
    );
    // A clinic admin may not change another clinic's listing.
    not_found(store.upsert_clinics(&[clinic("a", 0.0, 0.0)], ListingAuthor::Staff(&b_admin)).await);
    // Clinic A still sees its own records.
    assert_eq!(a.patient(p.id).await.unwrap().id, p.id);
    assert_eq!(a.patient_list().await.unwrap().len(), 1);
}

on_both_backends!(cross_clinic_reads_find_nothing, super::isolation);
