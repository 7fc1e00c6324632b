//! The patient page's benefit review form and outcome rows, on SQLite and PostgreSQL: a PHQ-9 baseline of 4 shows
//! "not assessable: baseline PHQ-9 below 10" instead of a remitter; after the induction a prescriber sees the
//! review form with the latest scores and records `continue` with the page's CSRF token (a nurse sees no form); a
//! bad decision is a 400 naming the field.

#![allow(clippy::unwrap_used)]

use axum::http::StatusCode;
use ketapath_clinical::instruments::{Instrument, Items};
use ketapath_directory::ClinicId;
use ketapath_store::domain::{
    Actor, AssessmentContext, CoursePlan, NewAssessment, NewCourse, NewDose, NewPatient, NewTreatmentSession, Origin,
    Role,
};
use time::Duration;
use time::macros::{date, datetime};

use crate::portal_support::*;

fn phq9(total: i64) -> Items {
    let values: Vec<i64> = (0..9).map(|i| if i < 8 { (total - i).clamp(0, 1) } else { 0 }).collect();
    Items::from_values(Instrument::Phq9, &values).unwrap()
}

async fn review_form(p: Portal) {
    let nurse_id = p.user("nurse@a.example", Role::Nurse, Some("clinic-a")).await;
    p.user("rx@a.example", Role::Prescriber, Some("clinic-a")).await;
    let actor = Actor {
        user_id: nurse_id,
        clinic_id: Some(ClinicId::parse("clinic-a").unwrap()),
        role: Role::Nurse,
        origin: Origin::test(),
    };
    let scope = p.store.for_clinic(&actor).await.unwrap();
    let patient = scope
        .create_patient(NewPatient {
            mrn: None,
            given_name: "Lowe".to_owned(),
            family_name: "Baseline".to_owned(),
            birth_date: date!(1985 - 05 - 05),
            sex: None,
            phone: None,
            email: None,
            research_consent: false,
            rems_patient_id: None,
        })
        .await
        .unwrap();
    // Baseline PHQ-9 4, then 2 after the induction: before the floor, a "remitter".
    for (total, at, context) in [
        (4, datetime!(2026-11-26 09:00 UTC), AssessmentContext::Baseline),
        (2, datetime!(2026-12-20 09:00 UTC), AssessmentContext::FollowUp),
    ] {
        let new = NewAssessment {
            patient_id: patient.id,
            course_id: None,
            session_id: None,
            items: phq9(total),
            administered_at: at,
        };
        // The store refuses a charted time ahead of its clock, so the clock reaches the follow-up first.
        if at > p.store.now() {
            p.clock.set(at);
        }
        scope.record_assessment_in_context(new, Some(context)).await.unwrap();
    }
    let course = NewCourse {
        patient_id: patient.id,
        treatment: "esketamine_nasal".to_owned(),
        planned_sessions: Some(8),
        prescriber_id: None,
        started_on: Some(date!(2026 - 11 - 27)),
        notes: None,
    };
    let (course, _) = scope.create_course_with_plan(course, &CoursePlan::default()).await.unwrap();
    let session = scope
        .create_session(NewTreatmentSession { course_id: course.id, scheduled_at: None, monitored_by: None })
        .await
        .unwrap();
    scope
        .record_dose(NewDose {
            session_id: session.id,
            given_at: datetime!(2026-11-27 09:05 UTC),
            drug: "esketamine".to_owned(),
            dose_mg: 56.0,
            route: "intranasal".to_owned(),
            lot_number: Some("AB1".to_owned()),
        })
        .await
        .unwrap();
    // Four weeks and a day later: the induction is over.
    p.clock.set(datetime!(2026-11-27 09:00 UTC) + Duration::days(29));
    let page_path = format!("/portal/patients/{}", patient.id);

    let mut nurse = p.browser();
    nurse.sign_in("nurse@a.example", PASSWORD, "").await;
    let page = nurse.get(&page_path).await.text();
    assert!(page.contains("not assessable: baseline PHQ-9 below 10"), "{page}");
    assert!(!page.contains("<td>yes</td>"), "no responder or remitter shown: {page}");
    assert!(
        page.contains("Esketamine nasal spray (SPRAVATO) for treatment-resistant depression (TRD): planned"),
        "{page}"
    );
    assert!(page.contains("a prescriber records the benefit review"), "{page}");
    assert!(page.contains("The induction ended on 24 Dec 2026: no session is started or dosed"), "{page}");
    assert!(!page.contains("benefit-review\""), "no form for a nurse: {page}");
    assert!(page.contains("name=\"indication\""), "the course form asks for the indication");

    let mut rx = p.browser();
    rx.sign_in("rx@a.example", PASSWORD, "").await;
    let page = rx.get(&page_path).await.text();
    let action = format!("/portal/courses/{}/benefit-review", course.id);
    assert!(page.contains(&format!("action=\"{action}\"")), "{page}");
    assert!(page.contains("PHQ-9: baseline 4, latest 2"), "the latest scores are on the form: {page}");
    let csrf = csrf_of(&page);
    let bad = rx.post(&action, &[("csrf", &csrf), ("decision", "perhaps")]).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.text().contains("must be continue or stop"), "{}", bad.text());
    let done = rx.post(&action, &[("csrf", &csrf), ("decision", "continue"), ("note", "tolerating well")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text());
    assert_eq!(done.header("location"), Some(page_path.as_str()));
    let page = rx.get(&page_path).await.text();
    assert!(!page.contains("The induction ended on"), "the review was recorded: {page}");
    assert!(page.contains("Benefit review: continue (26 Dec 2026), &#34;tolerating well&#34;"), "{page}");
    p.verified().await;
}

#[tokio::test]
async fn benefit_review_form_on_sqlite() {
    review_form(Portal::sqlite().await).await;
}

#[tokio::test]
async fn benefit_review_form_on_postgres() {
    let Some(p) = Portal::postgres().await else { return };
    review_form(p).await;
}
