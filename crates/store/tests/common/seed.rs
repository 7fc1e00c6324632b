//! A small data set touching every table, for migration, copy and crash tests.

use ketapath_clinical::instruments::{Instrument, Items};
use ketapath_store::domain::*;
use ketapath_store::{ListingAuthor, Store};
use time::macros::{date, datetime};

use super::{clinic, staff};

fn digest(s: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(s.as_bytes()))
}

/// A patient row as schema version 1 holds it, written by SQL because today's `create_patient` also writes the
/// search keys of version 15; named José Family{n}, so that the migration test can find it by a folded name.
async fn version_1_patient(store: &Store, clinic: &str, n: usize) -> PatientId {
    let at = datetime!(2026-10-01 09:00 UTC);
    let id = PatientId::new(at);
    let micros = at.unix_timestamp() * 1_000_000;
    let consent = if n == 0 { "TRUE" } else { "FALSE" };
    let sql = format!(
        "INSERT INTO patients (id, clinic_id, mrn, given_name, family_name, birth_date, sex, phone, email, \
         research_consent, rems_patient_id, created_at, updated_at, archived_at) VALUES ('{id}', '{clinic}', \
         'M{n}', 'José', 'Family{n}', '1980-02-29', NULL, '555', NULL, {consent}, NULL, {micros}, {micros}, NULL)"
    );
    store.unscoped_for_admin_cli_and_tests().execute_raw_sql(&sql).await.unwrap();
    id
}

/// Fills every table with a few rows for clinics `prefix-1` and `prefix-2`.
pub async fn seed(store: &Store, prefix: &str) {
    seed_schema(store, prefix, true).await;
    seed_research(store, prefix).await;
}

/// The tables of migration 5 and later: a consent record, an address and the outcome-publication choice per clinic
/// of [`seed_version_1`], a field the clinic verified (migration 19) and a request to list a new clinic.
pub async fn seed_research(store: &Store, prefix: &str) {
    for n in 0..2 {
        let id = format!("{prefix}-{}", n + 1);
        let admin = staff(store, Some(&id), Role::ClinicAdmin, &format!("research{n}@{prefix}.example")).await;
        let scope = store.for_clinic(&admin).await.unwrap();
        let p = scope
            .create_patient(NewPatient {
                mrn: Some(format!("r{n}")),
                given_name: "Given".to_owned(),
                family_name: format!("Research{n}"),
                birth_date: date!(1950 - 01 - 01),
                sex: Some("female".to_owned()),
                phone: None,
                email: None,
                research_consent: false,
                rems_patient_id: None,
            })
            .await
            .unwrap();
        scope
            .record_research_consent(p.id, ketapath_research::ConsentStatus::Given, date!(2026 - 11 - 01))
            .await
            .unwrap();
        let address = PatientAddress { zip: Some("62701".to_owned()), ..PatientAddress::default() };
        scope.set_patient_address(p.id, address).await.unwrap();
        scope.set_publish_outcomes(n == 0).await.unwrap();
        // The clinic verifies its phone (a listing field verification) and someone asks to list a new clinic.
        let mut listing = clinic(&id, 0.0, 0.0);
        listing.phone = Some("555-0199".to_owned());
        listing.verified_by = Some("clinic".to_owned());
        store.save_verified_listing(&listing, &["phone"], "clinic", ListingAuthor::AdminCli).await.unwrap();
        store
            .submit_listing_request(
                NewListingRequest {
                    name: format!("New clinic near {id}"),
                    street: "2 Main St".to_owned(),
                    city: "Springfield".to_owned(),
                    state: "IL".to_owned(),
                    zip: "62701".to_owned(),
                    phone: "555-0101".to_owned(),
                    website: None,
                    offers: listing.offers,
                    rems_certified: true,
                    npi: "1234567893".to_owned(),
                    contact_name: "Contact".to_owned(),
                    contact_email: format!("contact@{id}.example"),
                },
                &Origin::test(),
            )
            .await
            .unwrap();
    }
    // A database created at version 21 or later has no old chain, so no cut-over row; a cut-over at event 0 (an
    // empty old chain) is what such a row would say, and lets `copy` and the fingerprints cover the table.
    let cutover = "INSERT INTO audit_cutover (last_global_seq) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM audit_cutover)";
    store.unscoped_for_admin_cli_and_tests().execute_raw_sql(cutover).await.unwrap();
}

/// Fills the tables of schema versions 1 and 2 only, through calls that touch no column or table of version 3,
/// so that a version-1 database can be filled and then migrated forward.
pub async fn seed_version_1(store: &Store, prefix: &str) {
    seed_schema(store, prefix, false).await;
}

async fn seed_schema(store: &Store, prefix: &str, workflow: bool) {
    let ids = [format!("{prefix}-1"), format!("{prefix}-2")];
    // The listing writer names every column of today's schema; on a version-1 database the column of version 20
    // (named insurance plans) is lent for the write and dropped again, so that the rows are those a version-1
    // build wrote and the migration adds the column back at its default.
    let raw = store.unscoped_for_admin_cli_and_tests();
    let lent = !workflow;
    if lent {
        raw.execute_raw_sql("ALTER TABLE clinics ADD COLUMN insurance_plans TEXT NOT NULL DEFAULT '[]'").await.unwrap();
    }
    store
        .upsert_clinics(&[clinic(&ids[0], 40.0, -74.0), clinic(&ids[1], 35.5, -80.25)], ListingAuthor::AdminCli)
        .await
        .unwrap();
    if lent {
        raw.execute_raw_sql("ALTER TABLE clinics DROP COLUMN insurance_plans").await.unwrap();
    }
    let platform = staff(store, None, Role::PlatformAdmin, &format!("root@{prefix}.example")).await;
    for (n, id) in ids.iter().enumerate() {
        let nurse = staff(store, Some(id), Role::Nurse, &format!("nurse{n}@{prefix}.example")).await;
        store
            .create_api_token(
                &nurse,
                NewApiToken {
                    user_id: nurse.user_id,
                    name: "t".to_owned(),
                    token_hash: digest(&format!("token-{prefix}-{n}")),
                    expires_at: None,
                },
            )
            .await
            .unwrap();
        let scope = store.for_clinic(&nurse).await.unwrap();
        let p = if workflow {
            let new = NewPatient {
                mrn: Some(format!("m{n}")),
                phone: Some("555".to_owned()),
                research_consent: n == 0,
                ..ketapath_testkit::patient("Given", &format!("Family{n}"), date!(1980 - 02 - 29))
            };
            scope.create_patient(new).await.unwrap().id
        } else {
            version_1_patient(store, id, n).await
        };
        let course = scope
            .create_course(NewCourse {
                patient_id: p,
                treatment: "esketamine_nasal".to_owned(),
                planned_sessions: Some(8),
                prescriber_id: None,
                started_on: Some(date!(2026 - 11 - 01)),
                notes: Some("note".to_owned()),
            })
            .await
            .unwrap();
        let s = scope
            .create_session(NewTreatmentSession {
                course_id: course.id,
                scheduled_at: Some(datetime!(2026-11-02 09:00 UTC)),
                monitored_by: Some(nurse.user_id),
            })
            .await
            .unwrap();
        scope
            .record_dose(NewDose {
                session_id: s.id,
                given_at: datetime!(2026-11-02 09:05 UTC),
                drug: "esketamine".to_owned(),
                dose_mg: 56.0,
                route: "intranasal".to_owned(),
                lot_number: None,
            })
            .await
            .unwrap();
        scope
            .record_observation(NewObservation {
                session_id: s.id,
                observed_at: datetime!(2026-11-02 09:45 UTC),
                minutes_after_dose: Some(40),
                measurement: Measurement::BloodPressure { systolic: 140, diastolic: 90 },
            })
            .await
            .unwrap();
        scope
            .record_adverse_event(NewAdverseEvent {
                patient_id: p,
                session_id: Some(s.id),
                occurred_at: datetime!(2026-11-02 09:50 UTC),
                kind: "dissociation".to_owned(),
                severity: AeSeverity::Moderate,
                description: Some("d".to_owned()),
                action_taken: None,
                reported_externally: true,
            })
            .await
            .unwrap();
        if workflow {
            seed_workflow(store, prefix, id, n, (p, course.id), s.id).await;
            seed_session_alert(&scope, s.id, n == 0).await;
        }
        let items = Items::from_values(Instrument::Phq9, &[2, 2, 1, 1, 0, 0, 3, 1, 0]).unwrap();
        scope
            .record_assessment(NewAssessment {
                patient_id: p,
                course_id: Some(course.id),
                session_id: Some(s.id),
                items,
                administered_at: datetime!(2026-11-02 08:50 UTC),
            })
            .await
            .unwrap();
        if workflow {
            let r = store
                .submit_referral(
                    &clinic(id, 0.0, 0.0).id,
                    NewReferral {
                        source: ReferralSource::SelfCheck,
                        contact_name: None,
                        contact_phone: None,
                        contact_email: Some("x@example.org".to_owned()),
                        message: Some("hello".to_owned()),
                        summary: Some(serde_json::json!({"total": 12.5})),
                    },
                    &Origin::test(),
                )
                .await
                .unwrap();
            scope.set_referral_status(r.id, ReferralStatus::Accepted, Some(p)).await.unwrap();
        } else {
            // The store's referral code writes the columns of version 14, which a version 1 schema lacks: the
            // referral of version 1 is written as that version's code wrote it.
            let at = store.now();
            let micros = i64::try_from(at.unix_timestamp_nanos() / 1000).unwrap();
            let sql = format!(
                "INSERT INTO referrals (id, clinic_id, received_at, source, status, contact_name, contact_phone, \
                 contact_email, message, summary, patient_id, updated_at) VALUES ('{}', '{id}', {micros}, \
                 'self_check', 'accepted', NULL, NULL, 'x@example.org', 'hello', '{{\"total\": 12.5}}', '{}', {micros})",
                ReferralId::new(at).to_text(),
                p.to_text()
            );
            store.unscoped_for_admin_cli_and_tests().execute_raw_sql(&sql).await.unwrap();
        }
        scope
            .create_self_report_link(NewSelfReportLink {
                patient_id: p,
                instrument: Instrument::Phq9,
                token_hash: digest(&format!("link-{prefix}-{n}")),
                expires_at: datetime!(2030-01-01 00:00 UTC),
            })
            .await
            .unwrap();
        // A self-report stores its assessment with the `self_report` context (schema version 3), so a database
        // filled at version 1 (the migrate-forward test) gets the link only.
        if workflow {
            let positive = Items::from_values(Instrument::Phq9, &[2, 2, 1, 1, 0, 0, 3, 1, 1]).unwrap();
            store
                .submit_self_report_with_alert(
                    &digest(&format!("link-{prefix}-{n}")),
                    positive,
                    &Origin::test(),
                    datetime!(2026-11-03 18:00 UTC),
                    Some(NewSelfReportAlert {
                        level: "urgent".to_owned(),
                        item9: 1,
                        total: 11,
                        message: "Self-report: PHQ-9 item 9 = 1".to_owned(),
                    }),
                )
                .await
                .unwrap();
        }
        let report = store
            .submit_listing_report(
                NewListingReport {
                    clinic_id: clinic(id, 0.0, 0.0).id,
                    reason: "closed".to_owned(),
                    details: None,
                    contact: None,
                },
                &Origin::test(),
            )
            .await
            .unwrap();
        store.resolve_listing_report(&platform, report.id, ReportStatus::Dismissed).await.unwrap();
    }
}

/// The rows of the tables schema version 3 added, for one clinic's patient and session.
async fn seed_workflow(
    store: &Store,
    prefix: &str,
    id: &str,
    n: usize,
    (patient, course): (PatientId, CourseId),
    session: SessionId,
) {
    // The treatment-workflow tables (schema version 3): an intake, a prescriber's override, settings, a form.
    let prescriber = staff(store, Some(id), Role::Prescriber, &format!("prescriber{n}@{prefix}.example")).await;
    let rx = store.for_clinic(&prescriber).await.unwrap();
    rx.put_intake(patient, &serde_json::json!({"input": {"conditions": []}}), "test", Some(n == 0), None)
        .await
        .unwrap();
    rx.record_dose_with_override(
        NewDose {
            session_id: session,
            given_at: datetime!(2026-11-02 09:10 UTC),
            drug: "esketamine".to_owned(),
            dose_mg: 28.0,
            route: "intranasal".to_owned(),
            lot_number: Some("LOT1".to_owned()),
        },
        Some(&NewGateOverride {
            session_id: session,
            gate: Gate::BpGate,
            reason: "reviewed".to_owned(),
            rules: vec!["protocols.bp_gate.esketamine_nasal@1".to_owned()],
            at: datetime!(2026-11-02 09:10 UTC),
        }),
    )
    .await
    .unwrap();
    rx.put_protocol_settings(&serde_json::json!({"discharge": {"min_spo2": 95}})).await.unwrap();
    // A draft saved twice (schema version 16), then the form submitted: a submitted form takes no more drafts.
    let answers = serde_json::json!({"form": {"hcp": {"phone": "555-0100"}}, "adverse_effects": {"sedation": false}});
    let first = rx.save_rems_form_draft(session, &serde_json::json!({"form": {}})).await.unwrap();
    let again = rx.save_rems_form_draft(session, &answers).await.unwrap();
    assert_eq!((again.id, rx.rems_form_draft(session).await.unwrap().map(|d| d.answers)), (first.id, Some(answers)));
    rx.submit_rems_form(session, &serde_json::json!({"patient": {}}), datetime!(2026-11-03 10:00 UTC)).await.unwrap();
    assert!(matches!(
        rx.save_rems_form_draft(session, &serde_json::json!({})).await,
        Err(ketapath_store::StoreError::Conflict(_))
    ));
    // The benefit review (schema version 10).
    rx.record_benefit_review(NewBenefitReview {
        course_id: course,
        decision: ReviewDecision::Continue,
        note: Some("PHQ-9 halved".to_owned()),
        scores: serde_json::json!([{"instrument": "phq9", "baseline": 20, "latest": 9}]),
        at: datetime!(2026-11-30 10:00 UTC),
        schedule: None,
        ended_on: None,
    })
    .await
    .unwrap();
}

/// Fills the sign-in tables (version 4) for the clinics `seed` made: a session, a clinic security setting, a
/// second factor and a failed attempt.
pub async fn seed_sign_in(store: &Store, prefix: &str) {
    let clinic_id = ketapath_directory::ClinicId::parse(&format!("{prefix}-1")).unwrap();
    let prescriber = staff(store, Some(clinic_id.as_str()), Role::Prescriber, &format!("rx@{prefix}.example")).await;
    store.set_clinic_require_totp(ketapath_store::SecurityAuthor::AdminCli, &clinic_id, true).await.unwrap();
    store
        .set_totp(ketapath_store::SecurityAuthor::AdminCli, prescriber.user_id, Some(&"JBSWY3DPEHPK3PXP".into()), true)
        .await
        .unwrap();
    store.record_failed_sign_in(prescriber.user_id, "192.0.2.1", LockoutPolicy::default(), "test").await.unwrap();
    store
        .start_sign_in(NewStaffSignIn {
            user_id: prescriber.user_id,
            id_hash: digest(&format!("session-{prefix}")),
            csrf_secret: digest(&format!("csrf-{prefix}")).into(),
            lifetime: time::Duration::hours(12),
            origin: Origin::test(),
            client: "192.0.2.2".to_owned(),
        })
        .await
        .unwrap();
    // The table of migration 18: a one-time set-password link, open for three days.
    let expires = store.now() + time::Duration::hours(72);
    let hash = digest(&format!("set-password-{prefix}"));
    store
        .issue_password_link(ketapath_store::SecurityAuthor::AdminCli, prescriber.user_id, &hash, expires)
        .await
        .unwrap();
}

/// The table of migration 9: an alert raised with its observation, acknowledged in the first clinic.
async fn seed_session_alert(scope: &ketapath_store::ClinicScope, session: SessionId, acknowledge: bool) {
    let observation = NewObservation {
        session_id: session,
        observed_at: datetime!(2026-11-02 09:50 UTC),
        minutes_after_dose: Some(45),
        measurement: Measurement::Spo2 { percent: 88 },
    };
    let alert = NewSessionAlert {
        code: "spo2_low".to_owned(),
        level: "emergency".to_owned(),
        message: "SpO2 88 % is below 90 %".to_owned(),
        rule: "protocols.alerts.spo2_low@1".to_owned(),
        at: datetime!(2026-11-02 09:50 UTC),
    };
    let (_, alerts) = scope.record_observations_with_alerts(session, vec![observation], vec![alert]).await.unwrap();
    if acknowledge {
        scope.acknowledge_session_alert(session, alerts[0].id).await.unwrap();
    }
}
