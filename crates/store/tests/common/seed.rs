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

/// Fills every table with a few rows for clinics `prefix-1` and `prefix-2`.
pub async fn seed(store: &Store, prefix: &str) {
    let ids = [format!("{prefix}-1"), format!("{prefix}-2")];
    store
        .upsert_clinics(&[clinic(&ids[0], 40.0, -74.0), clinic(&ids[1], 35.5, -80.25)], ListingAuthor::AdminCli)
        .await
        .unwrap();
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
        let p = scope
            .create_patient(NewPatient {
                mrn: Some(format!("m{n}")),
                given_name: "Given".to_owned(),
                family_name: format!("Family{n}"),
                birth_date: date!(1980 - 02 - 29),
                sex: None,
                phone: Some("555".to_owned()),
                email: None,
                research_consent: n == 0,
                rems_patient_id: None,
            })
            .await
            .unwrap();
        let course = scope
            .create_course(NewCourse {
                patient_id: p.id,
                treatment: "esketamine_nasal".to_owned(),
                planned_sessions: Some(8),
                prescriber_id: None,
                started_on: Some(date!(2026 - 11 - 01)),
                notes: Some("note".to_owned()),
            })
            .await
            .unwrap();
        let s = scope
            .create_session(NewSession {
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
                patient_id: p.id,
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
        let items = Items::from_values(Instrument::Phq9, &[2, 2, 1, 1, 0, 0, 3, 1, 0]).unwrap();
        scope
            .record_assessment(NewAssessment {
                patient_id: p.id,
                course_id: Some(course.id),
                session_id: Some(s.id),
                items,
                administered_at: datetime!(2026-11-02 08:50 UTC),
            })
            .await
            .unwrap();
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
        scope.set_referral_status(r.id, ReferralStatus::Accepted, Some(p.id)).await.unwrap();
        scope
            .create_self_report_link(NewSelfReportLink {
                patient_id: p.id,
                instrument: Instrument::Phq9,
                token_hash: digest(&format!("link-{prefix}-{n}")),
                expires_at: datetime!(2030-01-01 00:00 UTC),
            })
            .await
            .unwrap();
        let positive = Items::from_values(Instrument::Phq9, &[2, 2, 1, 1, 0, 0, 3, 1, 1]).unwrap();
        // A database at an older schema version (the migrate-forward test) has no alerts table yet.
        let has_alerts = store.schema_version().await.unwrap().is_some_and(|v| v >= 6);
        store
            .submit_self_report_with_alert(
                &digest(&format!("link-{prefix}-{n}")),
                positive,
                &Origin::test(),
                datetime!(2026-11-03 18:00 UTC),
                has_alerts.then(|| NewSelfReportAlert {
                    level: "urgent".to_owned(),
                    item9: 1,
                    total: 11,
                    message: "Self-report: PHQ-9 item 9 = 1".to_owned(),
                }),
            )
            .await
            .unwrap();
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
