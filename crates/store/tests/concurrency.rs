//! Many writers and readers at once on one database, through two independent stores (as two processes or
//! servers would): no `database is locked` error reaches a caller, every write lands, the audit chain holds.

// Test helpers outside #[test] functions may unwrap and print too: a panic there is a failed test.
#![allow(clippy::unwrap_used, clippy::print_stdout)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use common::{TestDb, clinic, staff, test_options};
use ketapath_clinical::instruments::{Instrument, Items};
use ketapath_store::domain::*;
use ketapath_store::{ListingAuthor, OpenMode, Store};
use time::macros::{date, datetime};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixteen_writers_and_sixteen_readers_sqlite() {
    contend(TestDb::sqlite().await).await;
}

/// On PostgreSQL the same load checks that concurrent audit appends never fork the chain.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixteen_writers_and_sixteen_readers_postgres() {
    let Some(db) = TestDb::postgres().await else { return };
    contend(db).await;
}

async fn contend(db: TestDb) {
    let first = db.store.clone();
    first.upsert_clinics(&[clinic("busy", 1.0, 2.0)], ListingAuthor::AdminCli).await.unwrap();
    let nurse = staff(&first, Some("busy"), Role::Nurse, "nurse@busy.example").await;
    let scope = first.for_clinic(&nurse).await.unwrap();
    let mut patients = Vec::new();
    for i in 0..4 {
        patients.push(
            scope
                .create_patient(NewPatient {
                    mrn: None,
                    given_name: format!("P{i}"),
                    family_name: "Busy".to_owned(),
                    birth_date: date!(1970 - 01 - 01),
                    sex: None,
                    phone: None,
                    email: None,
                    research_consent: false,
                    rems_patient_id: None,
                })
                .await
                .unwrap()
                .id,
        );
    }
    // A second store on the same file has its own writer connection: the two contend for SQLite's lock.
    let second = Store::open_with(&db.url, OpenMode::MustExist, test_options()).await.unwrap();
    let scopes = [scope, second.for_clinic(&nurse).await.unwrap()];
    let writes = Arc::new(AtomicU64::new(0));
    let reads = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(3);
    let items = Items::from_values(Instrument::Phq9, &[1; 9]).unwrap();
    let mut tasks = Vec::new();
    for w in 0..16 {
        let (scope, writes, items, patient) = (scopes[w % 2].clone(), writes.clone(), items.clone(), patients[w % 4]);
        tasks.push(tokio::spawn(async move {
            while Instant::now() < deadline {
                scope
                    .record_assessment(NewAssessment {
                        patient_id: patient,
                        course_id: None,
                        session_id: None,
                        items: items.clone(),
                        administered_at: datetime!(2026-11-01 10:00 UTC),
                    })
                    .await
                    .expect("a write failed under contention");
                writes.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    for r in 0..16 {
        let (scope, store, reads) =
            (scopes[r % 2].clone(), [first.clone(), second.clone()][r % 2].clone(), reads.clone());
        tasks.push(tokio::spawn(async move {
            while Instant::now() < deadline {
                if r % 2 == 0 {
                    // Patient reads are audited, so they write too.
                    scope.patient_list().await.expect("a patient list failed under contention");
                } else {
                    store.clinics().await.expect("a listing read failed under contention");
                }
                reads.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let written = writes.load(Ordering::Relaxed);
    let counts = first.unscoped_for_admin_cli_and_tests().table_counts().await.unwrap();
    let stored = counts.iter().find(|(t, _)| t == "assessments").unwrap().1 as u64;
    assert_eq!(stored, written);
    assert!(written > 0 && reads.load(Ordering::Relaxed) > 0);
    println!("concurrency ({:?}): {written} writes, {} reads in 3 s", db.store.kind(), reads.load(Ordering::Relaxed));
    second.close().await;
    db.finish().await;
}
