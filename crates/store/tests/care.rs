//! The treatment-workflow methods of the clinic scope on both backends: intakes, course plans, gated doses and
//! discharges with prescriber overrides (refused for nurses, and then nothing is written), protocol settings,
//! REMS form submission once only, the dashboard query, and clinic isolation of each.

// Test helpers outside #[test] functions may unwrap and print too: a panic there is a failed test.
#![allow(clippy::unwrap_used, clippy::print_stdout)]

mod common;

use common::{TestDb, clinic, staff};
use ketapath_clinical::instruments::{Instrument, Items};
use ketapath_store::domain::*;
use ketapath_store::{ListingAuthor, StoreError};
use ketapath_testkit::on_both_backends;
use serde_json::json;
use time::macros::{date, datetime};

fn bp_override(session: SessionId) -> NewGateOverride {
    NewGateOverride {
        session_id: session,
        gate: Gate::BpGate,
        reason: "  repeat reading 138/88 after rest  ".to_owned(),
        rules: vec!["protocols.bp_gate.esketamine_nasal@1".to_owned()],
        at: datetime!(2026-11-27 09:30 UTC),
    }
}

fn dose(session: SessionId) -> NewDose {
    NewDose {
        session_id: session,
        given_at: datetime!(2026-11-27 09:31 UTC),
        drug: "esketamine".to_owned(),
        dose_mg: 56.0,
        route: "intranasal".to_owned(),
        lot_number: Some("A1".to_owned()),
    }
}

async fn workflow(db: &TestDb) {
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

    // The assessment context is stored and read back.
    let items = Items::from_values(Instrument::Phq9, &[2; 9]).unwrap();
    let new = NewAssessment {
        patient_id: p.id,
        course_id: None,
        session_id: None,
        items,
        administered_at: datetime!(2026-11-20 10:00 UTC),
    };
    nurse.record_assessment_in_context(new, Some(AssessmentContext::Baseline)).await.unwrap();
    assert_eq!(nurse.assessments(p.id).await.unwrap()[0].context, Some(AssessmentContext::Baseline));

    // Intake: created, replaced, consent written with it; another clinic sees nothing.
    assert_eq!(nurse.intake(p.id).await.unwrap(), None);
    let first = nurse.put_intake(p.id, &json!({"v": 1}), "r1", None, None).await.unwrap();
    let second = nurse.put_intake(p.id, &json!({"v": 2}), "r2", Some(true), Some("03431")).await.unwrap();
    assert_eq!(first.id, second.id, "one intake per patient");
    assert_eq!(nurse.intake(p.id).await.unwrap().unwrap().document, json!({"v": 2}));
    assert!(nurse.patient(p.id).await.unwrap().research_consent);
    assert!(matches!(other.intake(p.id).await, Err(StoreError::NotFound { .. })));
    assert!(matches!(other.put_intake(p.id, &json!({}), "x", None, None).await, Err(StoreError::NotFound { .. })));
    // The intake's ZIP is the address's ZIP; a later full address keeps its own, and a later intake ZIP replaces
    // only the ZIP.
    let address = nurse.patient_address(p.id).await.unwrap().unwrap();
    assert_eq!((address.zip.as_deref(), address.city), (Some("03431"), None));
    let full = PatientAddress {
        street: None,
        city: Some("Keene".to_owned()),
        state: Some("NH".to_owned()),
        zip: Some("03435".to_owned()),
    };
    nurse.set_patient_address(p.id, full.clone()).await.unwrap();
    assert_eq!(nurse.patient_address(p.id).await.unwrap(), Some(full.clone()));
    nurse.put_intake(p.id, &json!({"v": 3}), "r2", None, Some("10001")).await.unwrap();
    let address = nurse.patient_address(p.id).await.unwrap().unwrap();
    assert_eq!(address, PatientAddress { zip: Some("10001".to_owned()), ..full });
    assert!(matches!(other.patient_address(p.id).await, Err(StoreError::NotFound { .. })));

    // A course plan with a contraindication override: prescribers only.
    let course = NewCourse {
        patient_id: p.id,
        treatment: "esketamine_nasal".to_owned(),
        planned_sessions: Some(2),
        prescriber_id: None,
        started_on: Some(date!(2026 - 11 - 27)),
        notes: None,
    };
    let plan = CoursePlan {
        schedule: Some(json!([{"date": "2026-11-27"}])),
        contraindication_override_reason: Some("aneurysm repaired; cardiology cleared".to_owned()),
        contraindication_override_by: None,
        ..CoursePlan::default()
    };
    assert!(matches!(nurse.create_course_with_plan(course.clone(), &plan).await, Err(StoreError::Denied(_))));
    assert!(nurse.courses(p.id).await.unwrap().is_empty(), "a refused course leaves nothing behind");
    let (c, stored) = rx.create_course_with_plan(course, &plan).await.unwrap();
    assert_eq!(rx.course_plan(c.id).await.unwrap(), stored);
    assert!(matches!(nurse.set_course_schedule(c.id, &json!([])).await, Err(StoreError::Denied(_))));
    rx.set_course_schedule(c.id, &json!([{"date": "2026-11-28"}])).await.unwrap();
    assert_eq!(nurse.course_plan(c.id).await.unwrap().schedule, Some(json!([{"date": "2026-11-28"}])));
    assert!(matches!(other.course_plan(c.id).await, Err(StoreError::NotFound { .. })));

    // A gated dose: a nurse's override is refused and writes nothing; a prescriber's is kept with the dose.
    let s = nurse
        .create_session(NewTreatmentSession { course_id: c.id, scheduled_at: None, monitored_by: None })
        .await
        .unwrap();
    nurse.set_session_pre_checks(s.id, &json!({"answers": {}})).await.unwrap();
    let ov = bp_override(s.id);
    assert!(matches!(nurse.record_dose_with_override(dose(s.id), Some(&ov)).await, Err(StoreError::Denied(_))));
    assert!(nurse.session(s.id).await.unwrap().doses.is_empty(), "the refused dose was not written");
    let (_, recorded) = rx.record_dose_with_override(dose(s.id), Some(&ov)).await.unwrap();
    assert_eq!(recorded.as_ref().unwrap().reason, "repeat reading 138/88 after rest");
    let detail = nurse.session(s.id).await.unwrap();
    assert_eq!(detail.doses.len(), 1);
    assert_eq!(detail.session.status, SessionStatus::InProgress);
    assert_eq!(detail.session.started_at, Some(datetime!(2026-11-27 09:31 UTC)));
    assert_eq!(detail.overrides, vec![recorded.unwrap()]);
    assert_eq!(detail.pre_checks, Some(json!({"answers": {}})));
    assert!(matches!(other.record_dose_with_override(dose(s.id), None).await, Err(StoreError::NotFound { .. })));

    // Discharge once; a second discharge is a conflict.
    let discharge =
        Discharge { at: datetime!(2026-11-27 11:35 UTC), ready_to_leave_minutes: Some(90), override_: None };
    assert!(matches!(other.discharge_session(s.id, &discharge).await, Err(StoreError::NotFound { .. })));
    let done = nurse.discharge_session(s.id, &discharge).await.unwrap();
    assert_eq!(done.status, SessionStatus::Completed);
    assert_eq!(done.ready_to_leave_minutes, Some(90));
    assert!(matches!(nurse.discharge_session(s.id, &discharge).await, Err(StoreError::Conflict(_))));

    // Protocol settings: nurses may not change them.
    assert_eq!(nurse.protocol_settings().await.unwrap(), None);
    assert!(matches!(nurse.put_protocol_settings(&json!({})).await, Err(StoreError::Denied(_))));
    rx.put_protocol_settings(&json!({"discharge": {"min_spo2": 95}})).await.unwrap();
    rx.put_protocol_settings(&json!({"discharge": {"min_spo2": 96}})).await.unwrap();
    assert_eq!(nurse.protocol_settings().await.unwrap().unwrap().document, json!({"discharge": {"min_spo2": 96}}));
    assert_eq!(other.protocol_settings().await.unwrap(), None, "settings are per clinic");

    // The clinic time zone sits beside the settings: kept when the settings change, per clinic, nurses may not set
    // it, and a clinic without saved settings gets a default document to hold it.
    assert_eq!(nurse.time_zone().await.unwrap(), None);
    assert!(matches!(nurse.set_time_zone(Some("America/Chicago")).await, Err(StoreError::Denied(_))));
    rx.set_time_zone(Some("America/Chicago")).await.unwrap();
    rx.put_protocol_settings(&json!({"discharge": {"min_spo2": 96}})).await.unwrap();
    assert_eq!(nurse.time_zone().await.unwrap().as_deref(), Some("America/Chicago"));
    assert!(matches!(rx.set_time_zone(Some("")).await, Err(StoreError::Invalid { .. })));
    assert_eq!(other.time_zone().await.unwrap(), None, "the zone is per clinic");
    other.set_time_zone(Some("America/Denver")).await.unwrap();
    assert_eq!(other.protocol_settings().await.unwrap().unwrap().document, json!({}));
    other.set_time_zone(None).await.unwrap();
    assert_eq!(other.time_zone().await.unwrap(), None, "back to the default");
    assert_eq!(nurse.time_zone().await.unwrap().as_deref(), Some("America/Chicago"));

    // The dashboard lists the dosed session until its form is submitted, once.
    let due = nurse.dosed_sessions("esketamine_nasal").await.unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!((due[0].session_id, due[0].first_dose_at, due[0].form_submitted_at), (s.id, dose(s.id).given_at, None));
    assert!(other.dosed_sessions("esketamine_nasal").await.unwrap().is_empty());
    let at = datetime!(2026-11-28 00:00 UTC);
    nurse.submit_rems_form(s.id, &json!({"ok": true}), at).await.unwrap();
    assert!(matches!(nurse.submit_rems_form(s.id, &json!({}), at).await, Err(StoreError::Conflict(_))));
    assert_eq!(nurse.rems_form(s.id).await.unwrap().unwrap().form, json!({"ok": true}));
    assert_eq!(nurse.dosed_sessions("esketamine_nasal").await.unwrap()[0].form_submitted_at, Some(at));
    assert!(matches!(other.rems_form(s.id).await, Err(StoreError::NotFound { .. })));
    assert_eq!(nurse.first_dose_at(p.id).await.unwrap(), Some(dose(s.id).given_at));

    // The dashboard's reads: the day's sessions in one query (started 09:31 on the 27th), and each patient's care
    // facts; another clinic sees neither.
    let day = |d: time::Date| (d.midnight().assume_utc(), d.next_day().unwrap().midnight().assume_utc());
    let (from, to) = day(date!(2026 - 11 - 27));
    let today = nurse.sessions_between(from, to).await.unwrap();
    assert!(today.iter().any(|d| d.session.id == s.id && !d.treatment.is_empty()), "{today:?}");
    let (from_next, to_next) = day(date!(2026 - 11 - 28));
    assert!(nurse.sessions_between(from_next, to_next).await.unwrap().iter().all(|d| d.session.id != s.id));
    assert!(other.sessions_between(from, to).await.unwrap().is_empty());
    let facts = nurse.patient_care_facts().await.unwrap();
    let mine = facts.iter().find(|f| f.patient_id == p.id).unwrap();
    assert!(mine.sessions_held >= 1, "{mine:?}");
    assert!(other.patient_care_facts().await.unwrap().is_empty());

    // An early departure: the session ends `ended_early` with its adverse event, in one transaction; it is not a
    // discharge, and nothing ends it twice.
    let s2 = nurse
        .create_session(NewTreatmentSession { course_id: c.id, scheduled_at: None, monitored_by: None })
        .await
        .unwrap();
    nurse.record_dose_with_override(dose(s2.id), None).await.unwrap();
    let left = datetime!(2026-11-27 10:05 UTC);
    let event = |session| NewAdverseEvent {
        patient_id: p.id,
        session_id: Some(session),
        occurred_at: left,
        kind: "early_departure".to_owned(),
        severity: AeSeverity::Severe,
        description: Some("transferred to emergency care after 34 min".to_owned()),
        action_taken: None,
        reported_externally: false,
    };
    assert!(matches!(nurse.end_session_early(s2.id, left, " ", event(s2.id)).await, Err(StoreError::Invalid { .. })));
    let (ended, recorded) =
        nurse.end_session_early(s2.id, left, "transferred_to_emergency", event(s2.id)).await.unwrap();
    assert_eq!(ended.status, SessionStatus::EndedEarly);
    assert_eq!(ended.status.label(), "left early");
    assert_eq!((ended.ended_at, ended.discharged_at), (Some(left), None));
    assert_eq!(ended.early_departure_reason.as_deref(), Some("transferred_to_emergency"));
    let detail = nurse.session(s2.id).await.unwrap();
    assert_eq!(detail.session, ended);
    assert_eq!(detail.adverse_events, vec![recorded]);
    assert!(matches!(nurse.end_session_early(s2.id, left, "other", event(s2.id)).await, Err(StoreError::Conflict(_))));
    assert_eq!(nurse.session(s2.id).await.unwrap().adverse_events.len(), 1, "the refused second left nothing");
    let discharge = Discharge { at: left, ready_to_leave_minutes: None, override_: None };
    assert!(matches!(nurse.discharge_session(s2.id, &discharge).await, Err(StoreError::Conflict(_))));
}

on_both_backends!(treatment_workflow_records, super::workflow);

fn patient_named(given: &str) -> NewPatient {
    NewPatient {
        mrn: None,
        given_name: given.to_owned(),
        family_name: "Patient".to_owned(),
        birth_date: date!(1990 - 01 - 01),
        sex: None,
        phone: None,
        email: None,
        research_consent: false,
        rems_patient_id: None,
    }
}

/// Text with a NUL character is refused by the store itself, naming the column, and nothing is written.
async fn nul_bytes(db: &TestDb) {
    let store = &db.store;
    store.upsert_clinics(&[clinic("a", 40.0, -74.0)], ListingAuthor::AdminCli).await.unwrap();
    let nurse = store.for_clinic(&staff(store, Some("a"), Role::Nurse, "n@a.example").await).await.unwrap();
    let refused = nurse.create_patient(patient_named("A\0da")).await;
    assert!(
        matches!(&refused, Err(StoreError::Invalid { field, message }) if field == "given_name" && message.contains("NUL")),
        "{refused:?}"
    );
    assert!(nurse.patient_list().await.unwrap().is_empty(), "nothing was written");
    let p = nurse.create_patient(patient_named("Ada")).await.unwrap();
    let mut update = patient_named("Ada");
    update.phone = Some("555\u{0}0100".to_owned());
    let refused = nurse.update_patient(p.id, update).await;
    assert!(matches!(&refused, Err(StoreError::Invalid { field, .. }) if field == "phone"), "{refused:?}");
    assert_eq!(nurse.patient(p.id).await.unwrap().phone, None);
}

on_both_backends!(nul_bytes_are_refused_naming_the_column, super::nul_bytes);

/// Two first intakes of one patient at once: each is saved or answers `Conflict` (the unique key on the
/// patient's intake), never a database error, and one of them is kept.
async fn concurrent_first_intakes(db: &TestDb) {
    let store = &db.store;
    store.upsert_clinics(&[clinic("a", 40.0, -74.0)], ListingAuthor::AdminCli).await.unwrap();
    let nurse = store.for_clinic(&staff(store, Some("a"), Role::Nurse, "n@a.example").await).await.unwrap();
    for i in 0..8 {
        let p = nurse.create_patient(patient_named(&format!("P{i}"))).await.unwrap();
        let (one, two) = (json!({"v": 1}), json!({"v": 2}));
        let (a, b) = tokio::join!(
            nurse.put_intake(p.id, &one, "r1", None, None),
            nurse.put_intake(p.id, &two, "r1", None, None)
        );
        for result in [&a, &b] {
            assert!(matches!(result, Ok(_) | Err(StoreError::Conflict(_))), "{result:?}");
        }
        assert!(a.is_ok() || b.is_ok());
        assert!(nurse.intake(p.id).await.unwrap().is_some());
    }
}

on_both_backends!(concurrent_first_intakes_conflict_not_fail, super::concurrent_first_intakes);

/// An update keeps the search keys in step: a renamed patient is found by the new name (accents folded), and a
/// record number another patient has, in any case, is refused naming `mrn`.
async fn updates_keep_search_keys(db: &TestDb) {
    let store = &db.store;
    store.upsert_clinics(&[clinic("a", 40.0, -74.0)], ListingAuthor::AdminCli).await.unwrap();
    let nurse = store.for_clinic(&staff(store, Some("a"), Role::Nurse, "n@a.example").await).await.unwrap();
    let with_mrn = NewPatient { mrn: Some("X-1".to_owned()), ..patient_named("Ada") };
    nurse.create_patient(with_mrn).await.unwrap();
    let bea = nurse.create_patient(patient_named("Bea")).await.unwrap();
    let taken = NewPatient { mrn: Some("x-1".to_owned()), ..patient_named("Bea") };
    let refused = nurse.update_patient(bea.id, taken).await;
    assert!(matches!(&refused, Err(StoreError::Invalid { field, .. }) if field == "mrn"), "{refused:?}");
    let renamed = NewPatient { mrn: Some("B-2".to_owned()), ..patient_named("Zoë") };
    nurse.update_patient(bea.id, renamed).await.unwrap();
    let find = |text: &str| PatientMatch::Text(text.to_owned());
    for text in ["zoe", "ZOË patient", "b-2"] {
        let found = nurse.patient_search(&find(text), None).await.unwrap();
        assert_eq!(found.iter().map(|s| s.patient.id).collect::<Vec<_>>(), [bea.id], "{text}");
    }
    assert!(nurse.patient_search(&find("bea"), None).await.unwrap().is_empty(), "the old name is gone");
}

on_both_backends!(updates_keep_the_search_keys_and_a_unique_record_number, super::updates_keep_search_keys);
