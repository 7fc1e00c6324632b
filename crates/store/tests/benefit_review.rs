//! Course indications and benefit reviews on both backends: the indication is stored (and `trd` by default), a
//! review is recorded by prescribers only, the latest one shows with the course plan, `continue` may replace the
//! schedule, `stop` ends the course (after which nothing more is reviewed), the first dose of a course is found,
//! and another clinic sees none of it.

// Test helpers outside #[test] functions may unwrap and print too: a panic there is a failed test.
#![allow(clippy::unwrap_used, clippy::print_stdout)]

mod common;

use common::{TestDb, clinic, staff};
use ketapath_store::domain::*;
use ketapath_store::{ListingAuthor, StoreError};
use ketapath_testkit::on_both_backends;
use serde_json::json;
use time::macros::{date, datetime};

fn review(course: CourseId, decision: ReviewDecision) -> NewBenefitReview {
    NewBenefitReview {
        course_id: course,
        decision,
        note: Some("  PHQ-9 22 to 9 over the induction  ".to_owned()),
        scores: json!([{"instrument": "phq9", "baseline": 22, "latest": 9}]),
        at: datetime!(2026-12-25 10:00 UTC),
        schedule: None,
        ended_on: None,
    }
}

async fn reviews(db: &TestDb) {
    let store = &db.store;
    store.upsert_clinics(&[clinic("a", 40.0, -74.0), clinic("b", 41.0, -75.0)], ListingAuthor::AdminCli).await.unwrap();
    let nurse = store.for_clinic(&staff(store, Some("a"), Role::Nurse, "n@a.example").await).await.unwrap();
    let rx = store.for_clinic(&staff(store, Some("a"), Role::Prescriber, "p@a.example").await).await.unwrap();
    let other = store.for_clinic(&staff(store, Some("b"), Role::Prescriber, "p@b.example").await).await.unwrap();
    let p = nurse
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
    let new_course = || NewCourse {
        patient_id: p.id,
        treatment: "esketamine_nasal".to_owned(),
        planned_sessions: Some(8),
        prescriber_id: None,
        started_on: Some(date!(2026 - 11 - 27)),
        notes: None,
    };

    // Without an indication a course is for TRD; an MDSI course keeps its indication.
    let plain = nurse.create_course(new_course()).await.unwrap();
    assert_eq!(nurse.course_plan(plain.id).await.unwrap().indication, CourseIndication::Trd);
    let mdsi = CoursePlan { indication: CourseIndication::Mdsi, ..CoursePlan::default() };
    let (c, stored) = nurse.create_course_with_plan(new_course(), &mdsi).await.unwrap();
    assert_eq!(stored.indication, CourseIndication::Mdsi);
    assert_eq!(nurse.course_plan(c.id).await.unwrap().indication, CourseIndication::Mdsi);
    assert_eq!(nurse.course_plan(c.id).await.unwrap().benefit_review, None);

    // The first dose of the course starts its induction.
    assert_eq!(nurse.course_first_dose_at(c.id).await.unwrap(), None);
    let s = nurse
        .create_session(NewTreatmentSession { course_id: c.id, scheduled_at: None, monitored_by: None })
        .await
        .unwrap();
    let dose = |at| NewDose {
        session_id: s.id,
        given_at: at,
        drug: "esketamine".to_owned(),
        dose_mg: 84.0,
        route: "intranasal".to_owned(),
        lot_number: Some("A1".to_owned()),
    };
    nurse.record_dose(dose(datetime!(2026-11-27 09:40 UTC))).await.unwrap();
    nurse.record_dose(dose(datetime!(2026-11-27 09:31 UTC))).await.unwrap();
    assert_eq!(nurse.course_first_dose_at(c.id).await.unwrap(), Some(datetime!(2026-11-27 09:31 UTC)));
    assert!(matches!(other.course_first_dose_at(c.id).await, Err(StoreError::NotFound { .. })));

    // Prescribers only; a refused review writes nothing.
    assert!(matches!(
        nurse.record_benefit_review(review(c.id, ReviewDecision::Continue)).await,
        Err(StoreError::Denied(_))
    ));
    assert!(matches!(
        other.record_benefit_review(review(c.id, ReviewDecision::Continue)).await,
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(nurse.course_plan(c.id).await.unwrap().benefit_review, None);

    // Continue, with the maintenance sessions added to the schedule in the same write.
    let mut cont = review(c.id, ReviewDecision::Continue);
    cont.schedule = Some((json!([{"date": "2026-11-27"}, {"date": "2026-12-25"}]), 2));
    let recorded = rx.record_benefit_review(cont).await.unwrap();
    assert_eq!(recorded.note.as_deref(), Some("PHQ-9 22 to 9 over the induction"), "trimmed");
    let plan = nurse.course_plan(c.id).await.unwrap();
    assert_eq!(plan.benefit_review.as_ref(), Some(&recorded));
    assert_eq!(plan.benefit_review.unwrap().scores[0]["baseline"], 22);
    assert_eq!(plan.schedule.unwrap().as_array().unwrap().len(), 2);
    assert_eq!(nurse.course(c.id).await.unwrap().planned_sessions, Some(2));
    assert_eq!(nurse.course(c.id).await.unwrap().status, CourseStatus::Planned, "continue leaves the status");

    // A later stop is the latest review and ends the course; a stopped course takes no further review.
    let mut stop = review(c.id, ReviewDecision::Stop);
    stop.at = datetime!(2026-12-26 10:00 UTC);
    stop.ended_on = Some(date!(2026 - 12 - 26));
    stop.note = None;
    rx.record_benefit_review(stop).await.unwrap();
    let plan = nurse.course_plan(c.id).await.unwrap();
    assert_eq!(plan.benefit_review.unwrap().decision, ReviewDecision::Stop);
    let course = nurse.course(c.id).await.unwrap();
    assert_eq!((course.status, course.ended_on), (CourseStatus::Stopped, Some(date!(2026 - 12 - 26))));
    assert_eq!(course.end_reason.as_deref(), Some("benefit review: stop"));
    assert!(matches!(
        rx.record_benefit_review(review(c.id, ReviewDecision::Continue)).await,
        Err(StoreError::Conflict(_))
    ));

    // An overlong note is refused naming the field.
    let mut long = review(plain.id, ReviewDecision::Continue);
    long.note = Some("x".repeat(2001));
    match rx.record_benefit_review(long).await {
        Err(StoreError::Invalid { field, .. }) => assert_eq!(field, "note"),
        other => panic!("expected an invalid note, got {other:?}"),
    }
}

on_both_backends!(benefit_reviews_and_indications, super::reviews);
