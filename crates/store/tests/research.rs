//! The research read through the store: a patient with every kind of identifier yields an export in which none of
//! them appears (searched by value in every file of both formats), intervals survive the date shift, pseudonyms
//! depend on the key only, a withdrawn consent removes the patient from the next export, and only researchers
//! open the cross-clinic read.

#![allow(clippy::unwrap_used, clippy::print_stdout)]

mod common;

use common::{TestDb, clinic, staff};
use ketapath_clinical::instruments::{Instrument, Items};
use ketapath_research::deid::records::{FirstEvent, SessionTimes, Taken};
use ketapath_research::{ConsentStatus, DateForm, ExportKey, Format, build_export};
use ketapath_store::domain::*;
use ketapath_store::{ClinicScope, ListingAuthor, Store, StoreError};
use ketapath_testkit::on_both_backends;
use time::format_description::well_known::Rfc3339;
use time::macros::{date, datetime};
use time::{Date, Duration, OffsetDateTime};

/// Every identifying value of the fixture patient; none may appear in an export.
const IDENTIFIERS: &[&str] = &[
    "Zebulon",
    "Quixoteson",
    "MRN-778812",
    "REMS-55123",
    "617-555-0199",
    "6175550199",
    "zebulon.q@example.org",
    "4417 Wisteria Lane",
    "Wisteria",
    "Tinytown",
    "82190",
    "1931-04-17",
    "04/17/1931",
    "Henrietta",
    "Kowalczyk",
    "Wobegon",
    "Quentin",
    "Bartholomew",
];

/// The fixture's first session; every real date and time of the patient lies within 30 days after it.
const START: OffsetDateTime = datetime!(2026-03-02 14:00 -5);

fn key(seed: u8) -> ExportKey {
    ExportKey::from_bytes(&[seed; 32]).unwrap()
}

/// A key whose date shift moves every exported patient by more than 40 days in the shifted form, so that no
/// shifted date of one patient can land on a real date of the fixture (the patients' ids are random, and so are
/// their shifts). Both fixture patients have the same real times, so each one's shift is its first exported time
/// minus the first real one.
async fn key_far_from(store: &Store, times: &[OffsetDateTime], mut seed: u8) -> ExportKey {
    let first_real = times.iter().min().copied().unwrap();
    loop {
        let (export, _) = export_texts(store, &key(seed), DateForm::Shifted).await;
        let far = export.patients.iter().all(|p| {
            let first = export.sessions.iter().filter(|s| s.patient == p.patient).map(|s| shifted(&s.times)).min();
            first.is_some_and(|first| (first - first_real).whole_days().abs() > 40)
        });
        if far {
            return key(seed);
        }
        seed = seed.wrapping_add(1);
    }
}

/// A session's shifted start.
fn shifted(times: &SessionTimes) -> OffsetDateTime {
    let SessionTimes::Shifted { started_at, .. } = times else { panic!("not the shifted form: {times:?}") };
    OffsetDateTime::parse(started_at, &Rfc3339).unwrap()
}

async fn scope_for(store: &Store, clinic_id: &str, role: Role, email: &str) -> ClinicScope {
    let actor = staff(store, Some(clinic_id), role, email).await;
    store.for_clinic(&actor).await.unwrap()
}

fn new_patient(given: &str, family: &str, mrn: &str, consent: bool) -> NewPatient {
    NewPatient {
        mrn: Some(mrn.to_owned()),
        given_name: given.to_owned(),
        family_name: family.to_owned(),
        birth_date: date!(1931 - 04 - 17),
        sex: Some("male".to_owned()),
        phone: Some("617-555-0199".to_owned()),
        email: Some("zebulon.q@example.org".to_owned()),
        research_consent: consent,
        rems_patient_id: Some("REMS-55123".to_owned()),
    }
}

/// Records a four-session IV course with PHQ-9s, observations (a note among them) and an adverse event; returns the
/// real times of the patient's assessments and sessions.
async fn treat(scope: &ClinicScope, patient: PatientId) -> Vec<OffsetDateTime> {
    let course = scope
        .create_course(NewCourse {
            patient_id: patient,
            treatment: "iv_ketamine".to_owned(),
            planned_sessions: Some(6),
            prescriber_id: None,
            started_on: Some(START.date()),
            notes: Some("Sister Henrietta brings him".to_owned()),
        })
        .await
        .unwrap();
    let mut times = Vec::new();
    for (n, day) in [0_i64, 3, 7, 10].into_iter().enumerate() {
        let at = START + Duration::days(day);
        let s = scope
            .create_session(NewTreatmentSession { course_id: course.id, scheduled_at: Some(at), monitored_by: None })
            .await
            .unwrap();
        scope
            .record_observation(NewObservation {
                session_id: s.id,
                observed_at: at - Duration::minutes(5),
                minutes_after_dose: None,
                measurement: Measurement::BloodPressure { systolic: if n == 1 { 165 } else { 128 }, diastolic: 82 },
            })
            .await
            .unwrap();
        let dose = NewDose {
            session_id: s.id,
            given_at: at,
            drug: "ketamine".to_owned(),
            dose_mg: 35.0,
            route: "iv".to_owned(),
            lot_number: Some("LOT-Bartholomew".to_owned()),
        };
        // The second session's pressure is over the gate: the prescriber passes it with a reason (free text that
        // must not leave either).
        let over = (n == 1).then(|| NewGateOverride {
            session_id: s.id,
            gate: Gate::BpGate,
            reason: "Sister Henrietta says it is always high here".to_owned(),
            rules: vec!["protocols.bp_gate.iv_ketamine@1".to_owned()],
            at,
        });
        scope.record_dose_with_override(dose, over.as_ref()).await.unwrap();
        scope
            .record_observation(NewObservation {
                session_id: s.id,
                observed_at: at + Duration::minutes(20),
                minutes_after_dose: Some(20),
                measurement: Measurement::Note { text: "Asked for Quentin".to_owned() },
            })
            .await
            .unwrap();
        scope
            .update_session(
                s.id,
                TreatmentSessionUpdate {
                    status: SessionStatus::Completed,
                    started_at: Some(at),
                    ended_at: Some(at + Duration::minutes(100)),
                    monitored_by: None,
                    ready_to_leave_minutes: Some(90),
                    discharged_at: Some(at + Duration::minutes(110)),
                    discharged_by: None,
                    discharge_override_reason: Some("Dr Kowalczyk approved".to_owned()),
                    notes: Some("Henrietta drove him home".to_owned()),
                },
            )
            .await
            .unwrap();
        if n == 2 {
            scope
                .record_adverse_event(NewAdverseEvent {
                    patient_id: patient,
                    session_id: Some(s.id),
                    occurred_at: at + Duration::minutes(30),
                    kind: "dissociation".to_owned(),
                    severity: AeSeverity::Mild,
                    description: Some("Felt he was at Lake Wobegon".to_owned()),
                    action_taken: Some("Called Dr Kowalczyk".to_owned()),
                    reported_externally: false,
                })
                .await
                .unwrap();
        }
        let total = [20, 14, 9, 4][n];
        let values: Vec<i64> = (0..9).map(|i| i64::from(i < total % 9) + total / 9).collect();
        let a = scope
            .record_assessment(NewAssessment {
                patient_id: patient,
                course_id: Some(course.id),
                session_id: Some(s.id),
                items: Items::from_values(Instrument::Phq9, &values).unwrap(),
                administered_at: at - Duration::minutes(30),
            })
            .await
            .unwrap();
        times.push(a.administered_at);
        times.push(at);
    }
    times
}

/// A clinic with the fixture patient (consenting, over 89, living in a restricted ZIP3) and a second consenting
/// patient; returns the clinic scope, the fixture patient and the real times of the fixture's records.
async fn fixture(store: &Store) -> (ClinicScope, PatientId, PatientId, Vec<OffsetDateTime>) {
    store.upsert_clinics(&[clinic("deid-clinic", 41.0, -87.0)], ListingAuthor::AdminCli).await.unwrap();
    let scope = scope_for(store, "deid-clinic", Role::Prescriber, "rx@deid.example").await;
    let p = scope.create_patient(new_patient("Zebulon", "Quixoteson", "MRN-778812", false)).await.unwrap();
    scope.record_research_consent(p.id, ConsentStatus::Given, date!(2026 - 02 - 20)).await.unwrap();
    scope
        .set_patient_address(
            p.id,
            PatientAddress {
                street: Some("4417 Wisteria Lane".to_owned()),
                city: Some("Tinytown".to_owned()),
                state: Some("wy".to_owned()),
                zip: Some("82190".to_owned()),
            },
        )
        .await
        .unwrap();
    let times = treat(&scope, p.id).await;
    let other = scope.create_patient(new_patient("Ada", "Other", "MRN-2", true)).await.unwrap();
    treat(&scope, other.id).await;
    (scope, p.id, other.id, times)
}

fn as_of(store: &Store) -> Date {
    store.now().date()
}

async fn export_texts(
    store: &Store,
    key: &ExportKey,
    form: DateForm,
) -> (ketapath_research::Export, Vec<(String, String)>) {
    let reader = store.research_reader_for_admin_cli_and_registry("cli");
    let patients = reader.patients(as_of(store)).await.unwrap();
    let export = build_export(&patients, key, as_of(store), form).unwrap();
    let mut texts = Vec::new();
    for format in [Format::Csv, Format::Ndjson] {
        for f in export.files(format).unwrap() {
            texts.push((f.name, f.contents));
        }
    }
    (export, texts)
}

async fn no_identifier_leaves(db: &TestDb) {
    let store = &db.store;
    let (_, patient, _, times) = fixture(store).await;
    let id = patient.to_text();
    let k = key_far_from(store, &times, 1).await;
    for form in [DateForm::Offsets, DateForm::Shifted] {
        let (export, texts) = export_texts(store, &k, form).await;
        assert_eq!(export.patients.len(), 2, "both consenting patients are exported");

        // Every identifier, the internal ids and every real date and time are absent from every file.
        let mut forbidden: Vec<String> = IDENTIFIERS.iter().map(|s| (*s).to_owned()).collect();
        forbidden.push(id.clone());
        forbidden.push("deid-clinic".to_owned());
        for t in &times {
            forbidden.push(t.date().to_string());
            forbidden.push(t.to_offset(time::UtcOffset::UTC).date().to_string());
        }
        for (name, text) in &texts {
            for value in &forbidden {
                assert!(!text.to_lowercase().contains(&value.to_lowercase()), "{value:?} appears in {name}");
            }
        }
        // The age is grouped, the ZIP3 is a restricted one, the state survives upper-cased.
        let row = export.patients.iter().find(|r| r.zip3.as_deref() == Some("000")).expect("the fixture patient");
        assert_eq!(row.age_at_first_event.as_deref(), Some("90+"));
        assert_eq!(row.state.as_deref(), Some("WY"));
        no_date_leaves_in(&export, row, &times, (form, as_of(store)));
    }
    let (export, _) = export_texts(store, &k, DateForm::Offsets).await;
    let row = export.patients.iter().find(|r| r.zip3.as_deref() == Some("000")).expect("the fixture patient");
    // The blood-pressure gate blocked the second session and a prescriber passed it: an override.
    let blocked: Vec<_> = export.sessions.iter().filter(|s| s.patient == row.patient && s.bp_gate_blocked).collect();
    assert_eq!(blocked.len(), 1);
    assert!(blocked[0].bp_gate_overridden);
    assert_eq!(export.adverse_events.iter().filter(|e| e.patient == row.patient).count(), 1);
}

on_both_backends!(export_from_the_store_contains_no_identifier, super::no_identifier_leaves);

/// The default form gives days from the first event (the course's start, the day of the first session) and its
/// year; the shifted form moves every event of the patient by one offset.
fn no_date_leaves_in(
    export: &ketapath_research::Export,
    row: &ketapath_research::deid::records::PatientRow,
    times: &[OffsetDateTime],
    (form, as_of): (DateForm, Date),
) {
    let mut real = times.to_vec();
    real.sort();
    if form == DateForm::Offsets {
        assert_eq!(row.first_event, FirstEvent::Year { first_event_year: Some(START.year()) });
        let mut days: Vec<i64> = export
            .assessments
            .iter()
            .filter(|a| a.patient == row.patient)
            .map(|a| match a.taken {
                Taken::Day { day } => day,
                Taken::At { .. } => panic!("a date in the default form"),
            })
            .collect();
        days.extend(export.sessions.iter().filter(|s| s.patient == row.patient).map(|s| match s.times {
            SessionTimes::Offsets { day, .. } => day,
            SessionTimes::Shifted { .. } => panic!("a date in the default form"),
        }));
        days.sort();
        let expected: Vec<i64> = real.iter().map(|t| (t.date() - START.date()).whole_days()).collect();
        assert_eq!(days, expected);
        return;
    }
    // Intervals between the patient's events are preserved exactly.
    let mut exported: Vec<OffsetDateTime> = Vec::new();
    for a in export.assessments.iter().filter(|a| a.patient == row.patient) {
        let Taken::At { taken_at } = &a.taken else { panic!("not shifted") };
        exported.push(OffsetDateTime::parse(taken_at, &Rfc3339).unwrap());
    }
    exported.extend(export.sessions.iter().filter(|s| s.patient == row.patient).map(|s| shifted(&s.times)));
    exported.sort();
    assert_eq!(exported.len(), real.len());
    let shift = exported[0] - real[0];
    assert!(shift.whole_days().abs() > 40);
    for (e, r) in exported.iter().zip(&real) {
        assert_eq!(*e - *r, shift, "every event moves by the same offset");
    }
    assert!(exported.iter().all(|e| e.date() <= as_of), "no shifted date passes the export date");
}

async fn pseudonyms_follow_the_key(db: &TestDb) {
    let store = &db.store;
    fixture(store).await;
    let (a, texts_a) = export_texts(store, &key(7), DateForm::Offsets).await;
    let (b, texts_b) = export_texts(store, &key(7), DateForm::Offsets).await;
    assert_eq!(texts_a, texts_b, "same data, same key: byte-identical files");
    let (c, _) = export_texts(store, &key(8), DateForm::Offsets).await;
    let ids = |e: &ketapath_research::Export| e.patients.iter().map(|p| p.patient.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&a), ids(&b));
    for id in ids(&c) {
        assert!(!ids(&a).contains(&id), "another key gives other pseudonyms");
    }
}

on_both_backends!(same_key_same_pseudonyms_other_key_others, super::pseudonyms_follow_the_key);

async fn withdrawal_removes_from_the_next_export(db: &TestDb) {
    let store = &db.store;
    let (scope, patient, other, _) = fixture(store).await;
    let k = key(3);
    let (before, _) = export_texts(store, &k, DateForm::Offsets).await;
    assert_eq!(before.patients.len(), 2);
    scope.record_research_consent(patient, ConsentStatus::Withdrawn, as_of(store)).await.unwrap();
    let (after, texts) = export_texts(store, &k, DateForm::Offsets).await;
    assert_eq!(after.patients.len(), 1);
    let gone = before.patients.iter().find(|p| !after.patients.iter().any(|q| q.patient == p.patient)).unwrap();
    for (name, text) in &texts {
        assert!(!text.contains(&gone.patient), "the withdrawn patient's pseudonym is in {name}");
    }
    assert!(!scope.patient(patient).await.unwrap().research_consent, "the current state follows the history");
    let history = scope.research_consents(patient).await.unwrap();
    assert_eq!(history.iter().map(|r| r.status).collect::<Vec<_>>(), [ConsentStatus::Given, ConsentStatus::Withdrawn]);
    // Clearing the flag by editing the patient also excludes, even though the history still says given.
    let mut edit = new_patient("Ada", "Other", "MRN-2", false);
    edit.research_consent = false;
    scope.update_patient(other, edit).await.unwrap();
    let (none, _) = export_texts(store, &k, DateForm::Offsets).await;
    assert!(none.patients.is_empty());
}

on_both_backends!(withdrawn_consent_leaves_the_next_export, super::withdrawal_removes_from_the_next_export);

async fn only_researchers_open_the_reader(db: &TestDb) {
    let store = &db.store;
    fixture(store).await;
    let nurse = staff(store, Some("deid-clinic"), Role::Nurse, "n2@deid.example").await;
    assert!(matches!(store.research_reader(&nurse).await, Err(StoreError::Denied(_))));
    let admin = staff(store, None, Role::PlatformAdmin, "root@deid.example").await;
    assert!(matches!(store.research_reader(&admin).await, Err(StoreError::Denied(_))));
    let researcher = staff(store, None, Role::Researcher, "r@deid.example").await;
    let before = store.verify_audit_chain().await.unwrap().events();
    let reader = store.research_reader(&researcher).await.unwrap();
    let n = reader.for_each_page(as_of(store), 1, |page| {
        assert_eq!(page.len(), 1, "pages hold at most the page size");
        Ok::<_, StoreError>(())
    });
    assert_eq!(n.await.unwrap(), 2);
    assert_eq!(store.verify_audit_chain().await.unwrap().events(), before + 1, "one audit event per run");
    // The clinic's own statistics read only its own consenting patients, and publication is a clinic admin's call.
    let own = scope_for(store, "deid-clinic", Role::ClinicAdmin, "a@deid.example").await;
    let mut own_patients = 0;
    let read = own
        .for_each_research_page(as_of(store), 1, |page| {
            assert_eq!(page.len(), 1, "pages of one patient");
            own_patients += page.len();
            Ok::<_, StoreError>(())
        })
        .await
        .unwrap();
    assert_eq!((read, own_patients), (2, 2));
    assert!(!own.publishes_outcomes().await.unwrap());
    own.set_publish_outcomes(true).await.unwrap();
    assert!(own.publishes_outcomes().await.unwrap());
    assert_eq!(store.clinics_publishing_outcomes().await.unwrap().len(), 1);
    let nurse_scope = store.for_clinic(&nurse).await.unwrap();
    assert!(matches!(nurse_scope.set_publish_outcomes(false).await, Err(StoreError::Denied(_))));
}

on_both_backends!(research_reader_is_for_researchers_and_audited, super::only_researchers_open_the_reader);
