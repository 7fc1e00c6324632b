//! The conformance story: every store operation, once, in the order a clinic meets them, on each backend.

// Test helpers outside #[test] functions may unwrap and print too: a panic there is a failed test.
#![allow(clippy::unwrap_used, clippy::print_stdout)]

mod common;

use common::{TestDb, clinic, staff};
use ketapath_clinical::instruments::{Instrument, Items};
use ketapath_directory::ClinicId;
use ketapath_store::domain::*;
use ketapath_store::{BackendKind, ListingAuthor, StoreError};
use ketapath_testkit::on_both_backends;
use time::macros::{date, datetime};

fn phq9(values: [i64; 9]) -> Items {
    Items::from_values(Instrument::Phq9, &values).unwrap()
}

fn hash(secret: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(secret.as_bytes()))
}

async fn story(db: &TestDb) {
    let store = &db.store;

    // Listings: atomic import, read back, change feed, delete.
    let mut listener = store.listen_clinic_changes().await.unwrap();
    assert_eq!(listener.is_some(), store.kind() == BackendKind::Postgres);
    let v1 = store
        .upsert_clinics(
            &[clinic("c-1", 40.7, -74.0), clinic("c-2", 41.0, -87.6), clinic("c-3", 34.0, -118.2)],
            ListingAuthor::AdminCli,
        )
        .await
        .unwrap();
    assert_eq!(v1, 1);
    if let Some(l) = listener.as_mut() {
        assert_eq!(l.next_version().await.unwrap(), 1);
    }
    let c1 = ClinicId::parse("c-1").unwrap();
    assert_eq!(store.clinic(&c1).await.unwrap().unwrap(), clinic("c-1", 40.7, -74.0));
    let mut renamed = clinic("c-2", 41.0, -87.6);
    renamed.name = "Renamed".to_owned();
    let v2 = store.upsert_clinics(&[renamed.clone()], ListingAuthor::AdminCli).await.unwrap();
    assert_eq!(v2, 2);
    let c3 = ClinicId::parse("c-3").unwrap();
    assert!(store.delete_clinic(&c3, ListingAuthor::AdminCli).await.unwrap());
    assert!(!store.delete_clinic(&c3, ListingAuthor::AdminCli).await.unwrap());
    assert_eq!(store.clinic(&c3).await.unwrap(), None);
    let all = store.clinics().await.unwrap();
    assert_eq!(all.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), ["c-1", "c-2"]);
    // The streaming scan (rusqlite reading columns by name on SQLite) yields the same listings, field for field.
    let mut streamed = Vec::new();
    store.for_each_clinic(|c| streamed.push(c)).await.unwrap();
    streamed.sort_by(|a, b| a.id.as_str().cmp(b.id.as_str()));
    assert_eq!(streamed, all);
    let changes = store.clinic_changes_since(1).await.unwrap();
    assert_eq!(changes.version, 3);
    assert_eq!(changes.changes, vec![ClinicChange::Upserted(Box::new(renamed)), ClinicChange::Deleted(c3.clone())]);
    assert_eq!(store.clinic_changes_since(3).await.unwrap().changes, vec![]);
    assert_eq!(store.listing_version().await.unwrap(), 3);

    // Staff and roles.
    let platform = staff(store, None, Role::PlatformAdmin, "root@example.org").await;
    let researcher = staff(store, None, Role::Researcher, "r@example.org").await;
    let admin = staff(store, Some("c-1"), Role::ClinicAdmin, "admin@c1.example").await;
    assert!(matches!(store.for_clinic(&platform).await, Err(StoreError::Denied(_))));
    assert!(matches!(store.for_clinic(&researcher).await, Err(StoreError::Denied(_))));
    let admin_scope = store.for_clinic(&admin).await.unwrap();
    let nurse_user = admin_scope
        .create_staff(NewStaffUser {
            clinic_id: None,
            email: "Nurse@C1.example".to_owned(),
            display_name: "Nurse".to_owned(),
            role: Role::Nurse,
            password_hash: Some("$argon2id$stub".into()),
        })
        .await
        .unwrap();
    assert_eq!(nurse_user.email, "nurse@c1.example");
    assert_eq!(nurse_user.clinic_id, Some(c1.clone()));
    let nurse =
        Actor { user_id: nurse_user.id, clinic_id: Some(c1.clone()), role: Role::Nurse, origin: Origin::test() };
    let scope = store.for_clinic(&nurse).await.unwrap();
    assert!(matches!(
        scope
            .create_staff(NewStaffUser {
                clinic_id: None,
                email: "x@y.z".to_owned(),
                display_name: "X".to_owned(),
                role: Role::Nurse,
                password_hash: None,
            })
            .await,
        Err(StoreError::Denied(_))
    ));
    assert_eq!(admin_scope.staff().await.unwrap().len(), 2);
    assert_eq!(store.staff_user_by_email("NURSE@c1.example").await.unwrap().unwrap().id, nurse_user.id);
    assert_eq!(store.staff_user(nurse_user.id).await.unwrap().unwrap(), nurse_user);
    assert_eq!(scope.clinic_listing().await.unwrap().id, c1);
    store.set_password_hash(&nurse, nurse_user.id, &"$argon2id$new".into()).await.unwrap();

    // API tokens.
    let token = store
        .create_api_token(
            &nurse,
            NewApiToken {
                user_id: nurse.user_id,
                name: "laptop".to_owned(),
                token_hash: hash("s3cret"),
                expires_at: None,
            },
        )
        .await
        .unwrap();
    let now = datetime!(2026-11-28 00:00 UTC);
    let (found, user) = store.api_token_by_hash(&hash("s3cret"), now).await.unwrap().unwrap();
    assert_eq!((found.id, user.id), (token.id, nurse.user_id));
    assert!(store.api_token_by_hash(&hash("other"), now).await.unwrap().is_none());
    assert!(store.revoke_api_token(&nurse, token.id).await.unwrap());
    assert!(store.api_token_by_hash(&hash("s3cret"), now).await.unwrap().is_none());

    // Patients.
    let new_patient = NewPatient {
        mrn: Some("MRN-1".to_owned()),
        given_name: "Ada".to_owned(),
        family_name: "Lovelace".to_owned(),
        birth_date: date!(1985 - 12 - 10),
        sex: Some("female".to_owned()),
        phone: None,
        email: None,
        research_consent: true,
        rems_patient_id: None,
    };
    let p = scope.create_patient(new_patient.clone()).await.unwrap();
    assert_eq!(scope.patient(p.id).await.unwrap(), p);
    assert!(matches!(scope.create_patient(new_patient.clone()).await, Err(StoreError::Invalid { .. })));
    let p2 = scope
        .create_patient(NewPatient {
            mrn: None,
            given_name: "Bob".to_owned(),
            family_name: "Babbage".to_owned(),
            ..new_patient.clone()
        })
        .await
        .unwrap();
    let updated = scope
        .update_patient(p.id, NewPatient { phone: Some("555-0199".to_owned()), ..new_patient.clone() })
        .await
        .unwrap();
    assert_eq!(updated.phone.as_deref(), Some("555-0199"));
    assert!(updated.updated_at > p.updated_at);

    // Assessments and the patient list with latest scores.
    let first = scope
        .record_assessment(NewAssessment {
            patient_id: p.id,
            course_id: None,
            session_id: None,
            items: phq9([3, 3, 3, 3, 2, 2, 2, 1, 0]),
            administered_at: datetime!(2026-11-01 10:00 UTC),
        })
        .await
        .unwrap();
    assert_eq!(
        (first.total, first.severity.as_deref(), first.rule_id.as_str()),
        (19, Some("moderately_severe"), Instrument::Phq9.spec().rule.id)
    );
    let later = scope
        .record_assessment(NewAssessment {
            patient_id: p.id,
            course_id: None,
            session_id: None,
            items: phq9([1, 1, 1, 1, 1, 0, 0, 0, 0]),
            administered_at: datetime!(2026-11-20 10:00 UTC),
        })
        .await
        .unwrap();
    assert_eq!(scope.assessments(p.id).await.unwrap(), vec![first.clone(), later.clone()]);
    let list = scope.patient_list().await.unwrap();
    assert_eq!(list.iter().map(|s| s.patient.id).collect::<Vec<_>>(), vec![p2.id, p.id]);
    assert_eq!(list[1].latest.len(), 1);
    assert_eq!((list[1].latest[0].total, list[1].latest[0].administered_at), (5, later.administered_at));
    assert!(list[0].latest.is_empty());

    // A course with sessions, doses, observations and adverse events.
    let prescriber = admin_scope
        .create_staff(NewStaffUser {
            clinic_id: None,
            email: "md@c1.example".to_owned(),
            display_name: "MD".to_owned(),
            role: Role::Prescriber,
            password_hash: None,
        })
        .await
        .unwrap();
    let course = scope
        .create_course(NewCourse {
            patient_id: p.id,
            treatment: "esketamine_nasal".to_owned(),
            planned_sessions: Some(8),
            prescriber_id: Some(prescriber.id),
            started_on: Some(date!(2026 - 11 - 02)),
            notes: None,
        })
        .await
        .unwrap();
    assert_eq!(course.status, CourseStatus::Planned);
    let active = scope.set_course_status(course.id, CourseStatus::Active, None, None).await.unwrap();
    assert_eq!(active.status, CourseStatus::Active);
    assert_eq!(scope.course(course.id).await.unwrap(), active);
    assert_eq!(scope.courses(p.id).await.unwrap(), vec![active.clone()]);
    let s1 = scope
        .create_session(NewTreatmentSession {
            course_id: course.id,
            scheduled_at: Some(datetime!(2026-11-03 09:00 UTC)),
            monitored_by: Some(nurse.user_id),
        })
        .await
        .unwrap();
    let s2 = scope
        .create_session(NewTreatmentSession { course_id: course.id, scheduled_at: None, monitored_by: None })
        .await
        .unwrap();
    assert_eq!((s1.number, s2.number), (1, 2));
    assert_eq!(s1.patient_id, p.id);
    let dose = scope
        .record_dose(NewDose {
            session_id: s1.id,
            given_at: datetime!(2026-11-03 09:05 UTC),
            drug: "esketamine".to_owned(),
            dose_mg: 56.0,
            route: "intranasal".to_owned(),
            lot_number: Some("L123".to_owned()),
        })
        .await
        .unwrap();
    let mut observations = Vec::new();
    for (minutes, m) in [
        (0, Measurement::BloodPressure { systolic: 128, diastolic: 82 }),
        (40, Measurement::BloodPressure { systolic: 151, diastolic: 93 }),
        (40, Measurement::Spo2 { percent: 97 }),
        (60, Measurement::Moaas { score: 4 }),
        (120, Measurement::Note { text: "alert, ready".to_owned() }),
    ] {
        observations.push(
            scope
                .record_observation(NewObservation {
                    session_id: s1.id,
                    observed_at: datetime!(2026-11-03 09:05 UTC) + time::Duration::minutes(minutes),
                    minutes_after_dose: Some(minutes),
                    measurement: m,
                })
                .await
                .unwrap(),
        );
    }
    let ae = scope
        .record_adverse_event(NewAdverseEvent {
            patient_id: p.id,
            session_id: Some(s1.id),
            occurred_at: datetime!(2026-11-03 09:45 UTC),
            kind: "hypertension".to_owned(),
            severity: AeSeverity::Mild,
            description: None,
            action_taken: Some("repeat BP".to_owned()),
            reported_externally: false,
        })
        .await
        .unwrap();
    assert!(matches!(
        scope
            .record_adverse_event(NewAdverseEvent {
                patient_id: p2.id,
                session_id: Some(s1.id),
                occurred_at: datetime!(2026-11-03 09:45 UTC),
                kind: "x".to_owned(),
                severity: AeSeverity::Mild,
                description: None,
                action_taken: None,
                reported_externally: false
            })
            .await,
        Err(StoreError::Invalid { .. })
    ));
    let session_assessment = scope
        .record_assessment(NewAssessment {
            patient_id: p.id,
            course_id: Some(course.id),
            session_id: Some(s1.id),
            items: phq9([1, 1, 0, 0, 2, 1, 0, 0, 0]),
            administered_at: datetime!(2026-11-03 10:05 UTC),
        })
        .await
        .unwrap();
    assert_eq!(session_assessment.course_id, Some(course.id));
    let finished = scope
        .update_session(
            s1.id,
            TreatmentSessionUpdate {
                status: SessionStatus::Completed,
                started_at: Some(datetime!(2026-11-03 09:05 UTC)),
                ended_at: Some(datetime!(2026-11-03 11:10 UTC)),
                monitored_by: Some(nurse.user_id),
                ready_to_leave_minutes: Some(95),
                discharged_at: Some(datetime!(2026-11-03 11:10 UTC)),
                discharged_by: Some(prescriber.id),
                discharge_override_reason: None,
                notes: None,
            },
        )
        .await
        .unwrap();
    let detail = scope.session(s1.id).await.unwrap();
    assert_eq!(detail.session, finished);
    assert_eq!(detail.doses, vec![dose]);
    assert_eq!(detail.observations, observations);
    assert_eq!(detail.adverse_events, vec![ae.clone()]);
    assert_eq!(scope.sessions(course.id).await.unwrap().iter().map(|s| s.id).collect::<Vec<_>>(), vec![s1.id, s2.id]);
    assert_eq!(scope.adverse_events(p.id).await.unwrap(), vec![ae]);
    // A course cannot end before it starts: refused naming the field, and the course is left as it was.
    let early = scope.set_course_status(course.id, CourseStatus::Completed, Some(date!(2000 - 01 - 01)), None).await;
    assert!(matches!(&early, Err(StoreError::Invalid { field, .. }) if field == "ended_on"), "{early:?}");
    assert_eq!(scope.course(course.id).await.unwrap().ended_on, None);
    let done = scope
        .set_course_status(
            course.id,
            CourseStatus::Completed,
            Some(date!(2026 - 12 - 20)),
            Some("course complete".to_owned()),
        )
        .await
        .unwrap();
    assert_eq!(done.ended_on, Some(date!(2026 - 12 - 20)));

    // Referrals from the public.
    let origin = Origin::ip("203.0.113.9".parse().unwrap());
    let referral = store
        .submit_referral(
            &c1,
            NewReferral {
                source: ReferralSource::SelfCheck,
                contact_name: Some("A. L.".to_owned()),
                contact_phone: None,
                contact_email: Some("a@example.org".to_owned()),
                message: None,
                summary: Some(serde_json::json!({"phq9": {"total": 19}})),
            },
            &origin,
        )
        .await
        .unwrap();
    assert!(matches!(
        store
            .submit_referral(
                &c3,
                NewReferral {
                    source: ReferralSource::Other,
                    contact_name: None,
                    contact_phone: Some("1".to_owned()),
                    contact_email: None,
                    message: None,
                    summary: None
                },
                &origin
            )
            .await,
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(scope.referrals().await.unwrap(), vec![referral.clone()]);
    assert_eq!(scope.referral(referral.id).await.unwrap(), referral);
    let accepted = scope.set_referral_status(referral.id, ReferralStatus::Accepted, Some(p.id)).await.unwrap();
    assert_eq!((accepted.status, accepted.patient_id), (ReferralStatus::Accepted, Some(p.id)));

    // Self-report links.
    let link = scope
        .create_self_report_link(NewSelfReportLink {
            patient_id: p.id,
            instrument: Instrument::Phq9,
            token_hash: hash("link-secret"),
            expires_at: datetime!(2027-01-01 00:00 UTC),
        })
        .await
        .unwrap();
    let gad_link = scope
        .create_self_report_link(NewSelfReportLink {
            patient_id: p.id,
            instrument: Instrument::Gad7,
            token_hash: hash("gad-secret"),
            expires_at: datetime!(2027-01-01 00:00 UTC),
        })
        .await
        .unwrap();
    assert!(matches!(
        store.submit_self_report(&hash("gad-secret"), phq9([0; 9]), &origin, datetime!(2026-11-27 20:00 UTC)).await,
        Err(StoreError::Invalid { .. })
    ));
    let reported = store
        .submit_self_report(&hash("link-secret"), phq9([0; 9]), &origin, datetime!(2026-11-27 20:00 UTC))
        .await
        .unwrap();
    assert_eq!((reported.source, reported.patient_id, reported.total), (AssessmentSource::SelfReport, p.id, 0));
    assert!(matches!(
        store.submit_self_report(&hash("link-secret"), phq9([0; 9]), &origin, datetime!(2026-11-27 20:00 UTC)).await,
        Err(StoreError::NotFound { .. })
    ));
    let links = scope.self_report_links(p.id).await.unwrap();
    assert_eq!(links.len(), 2);
    let used = links.iter().find(|l| l.id == link.id).unwrap();
    assert_eq!(used.assessment_id, Some(reported.id));
    assert!(used.used_at.is_some());
    assert!(links.iter().any(|l| l.id == gad_link.id && l.used_at.is_none()));

    // Listing reports.
    let report = store
        .submit_listing_report(
            NewListingReport { clinic_id: c1.clone(), reason: "wrong_phone".to_owned(), details: None, contact: None },
            &origin,
        )
        .await
        .unwrap();
    assert!(matches!(store.listing_reports(&nurse, ReportStatus::Open).await, Err(StoreError::Denied(_))));
    assert_eq!(store.listing_reports(&platform, ReportStatus::Open).await.unwrap(), vec![report.clone()]);
    store.resolve_listing_report(&platform, report.id, ReportStatus::Resolved).await.unwrap();
    assert!(store.listing_reports(&platform, ReportStatus::Open).await.unwrap().is_empty());

    // The audit trail names who read the patient, from where; the chain is intact.
    let events = admin_scope.audit_events(1000).await.unwrap();
    assert!(events.iter().any(|e| e.action == "read"
        && e.entity == "patient"
        && e.entity_id == p.id.to_string()
        && e.actor_id.as_deref() == Some(&nurse.user_id.to_string())
        && e.origin == "test"));
    assert!(events.iter().any(|e| e.actor_role == "public" && e.entity == "referral" && e.origin == "203.0.113.9"));
    assert!(events.iter().all(|e| e.clinic_id.as_deref() == Some("c-1")));
    let chain = store.verify_audit_chain().await.unwrap();
    assert!(chain.is_intact(), "{chain:?}");
    let all_events = store.unscoped_for_admin_cli_and_tests().audit_events(1, i64::MAX).await.unwrap();
    assert_eq!(chain.events(), all_events.len() as u64);
    // Clinic c-1's chain ends at the last event that names the clinic.
    let clinic = chain.chain("clinic:c-1").unwrap();
    assert_eq!(clinic.head_hash, all_events.iter().rfind(|e| e.chain == "clinic:c-1").unwrap().hash);

    // A deactivated user loses the scope.
    admin_scope.set_staff_active(nurse.user_id, false).await.unwrap();
    assert!(matches!(store.for_clinic(&nurse).await, Err(StoreError::Denied(_))));
}

on_both_backends!(conformance_story, super::story);
