//! Many writers and readers at once on one database, through two independent stores (as two processes or
//! servers would): no `database is locked` error reaches a caller, every write lands, the audit chain holds.

// Test helpers outside #[test] functions may unwrap and print too: a panic there is a failed test.
#![allow(clippy::unwrap_used, clippy::print_stdout)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use common::{TestDb, clinic, new_patient, staff, test_options};
use ketapath_clinical::instruments::{Instrument, Items};
use ketapath_store::domain::*;
use ketapath_store::{BackendKind, ListingAuthor, OpenMode, Store, StoreError};
use ketapath_testkit::on_both_backends;
use time::macros::datetime;

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
        patients.push(scope.create_patient(new_patient(&format!("P{i}"), "Busy")).await.unwrap().id);
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

/// The trigger that makes every audit event of an assessment of `patient` fail: the assessment row is written
/// first, then its event is refused, so the write fails after it wrote something.
fn poison_trigger(kind: BackendKind, name: &str, patient: &str) -> String {
    let when = format!(
        "NEW.entity = 'assessment' AND EXISTS (SELECT 1 FROM assessments WHERE id = NEW.entity_id AND patient_id = '{patient}')"
    );
    match kind {
        BackendKind::Sqlite => format!(
            "CREATE TRIGGER {name} BEFORE INSERT ON audit_events WHEN {when} BEGIN SELECT RAISE(ABORT, 'poisoned'); END"
        ),
        BackendKind::Postgres => format!(
            "CREATE FUNCTION {name}() RETURNS trigger AS $$ BEGIN IF {when} THEN RAISE EXCEPTION 'poisoned'; END IF; \
             RETURN NEW; END $$ LANGUAGE plpgsql;
             CREATE TRIGGER {name} BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION {name}();"
        ),
    }
}

/// What one concurrent write was told.
#[derive(Debug)]
enum Told {
    Stored(AssessmentId),
    NotFound,
    Failed,
}

/// Many writes at once over four clinics, some failing after they wrote (their audit event is refused) and some
/// naming another clinic's patient: each write gets its own answer, a failed one leaves nothing behind and
/// undoes none of the others (on SQLite they share group commits), every acknowledged write is stored, and the
/// audit chains verify (`run_on` checks them after the test).
async fn concurrent_writes_get_their_own_answers(db: &TestDb) {
    let store = &db.store;
    let ids: Vec<String> = (0..4).map(|i| format!("g{i}")).collect();
    let clinics: Vec<_> = ids.iter().enumerate().map(|(i, id)| clinic(id, 40.0 + i as f64, -74.0)).collect();
    store.upsert_clinics(&clinics, ListingAuthor::AdminCli).await.unwrap();
    let mut scopes = Vec::new();
    for id in &ids {
        let nurse = staff(store, Some(id), Role::Nurse, &format!("nurse@{id}.example")).await;
        let scope = store.for_clinic(&nurse).await.unwrap();
        let mut pair = Vec::new();
        for name in ["Healthy", "Poisoned"] {
            pair.push(scope.create_patient(new_patient(name, id)).await.unwrap().id);
        }
        scopes.push((scope, pair[0], pair[1]));
    }
    let admin = store.unscoped_for_admin_cli_and_tests();
    for (c, (_, _, poisoned)) in scopes.iter().enumerate() {
        admin
            .execute_raw_sql(&poison_trigger(store.kind(), &format!("poisoned_{c}"), &poisoned.to_text()))
            .await
            .unwrap();
    }
    let items = Items::from_values(Instrument::Phq9, &[2; 9]).unwrap();
    let start = Arc::new(tokio::sync::Barrier::new(64));
    let mut tasks = Vec::new();
    for t in 0..64usize {
        let (scope, healthy, poisoned) = scopes[t % 4].clone();
        let stranger = scopes[(t + 1) % 4].1;
        let (items, start) = (items.clone(), start.clone());
        tasks.push(tokio::spawn(async move {
            start.wait().await;
            let mut told = Vec::new();
            for round in 0..4 {
                let patient = match (t + round) % 8 {
                    3 => poisoned,
                    5 => stranger,
                    _ => healthy,
                };
                let new = NewAssessment {
                    patient_id: patient,
                    course_id: None,
                    session_id: None,
                    items: items.clone(),
                    administered_at: datetime!(2026-11-01 10:00 UTC),
                };
                let answer = match scope.record_assessment(new).await {
                    Ok(a) => Told::Stored(a.id),
                    Err(StoreError::NotFound { .. }) => Told::NotFound,
                    Err(StoreError::Database(_)) => Told::Failed,
                    Err(other) => panic!("write {t}/{round}: unexpected error {other}"),
                };
                told.push(((t + round) % 8, answer));
            }
            (t % 4, told)
        }));
    }
    let mut stored: Vec<Vec<AssessmentId>> = vec![Vec::new(); 4];
    for task in tasks {
        let (c, told) = task.await.unwrap();
        for (kind, answer) in told {
            match (kind, answer) {
                (3, Told::Failed) | (5, Told::NotFound) => {}
                (k, Told::Stored(id)) if k != 3 && k != 5 => stored[c].push(id),
                (k, other) => panic!("a write of kind {k} was told {other:?}"),
            }
        }
    }
    for (c, (scope, healthy, poisoned)) in scopes.iter().enumerate() {
        let mut expected = stored[c].clone();
        expected.sort();
        let mut found: Vec<AssessmentId> =
            scope.assessments(*healthy).await.unwrap().into_iter().map(|a| a.id).collect();
        found.sort();
        assert_eq!(found, expected, "clinic {c}: the acknowledged writes and the stored ones differ");
        assert!(scope.assessments(*poisoned).await.unwrap().is_empty(), "clinic {c}: a failed write left a row");
    }
    assert_eq!(stored.iter().map(Vec::len).sum::<usize>(), 64 * 4 * 6 / 8);
}

on_both_backends!(concurrent_writes_each_get_their_own_answer, super::concurrent_writes_get_their_own_answers);

/// Writes cancelled while they run or while they wait for the writer (a client that hangs up): on SQLite this
/// drops writes holding the batch's savepoint and writes waiting for the one a finished write opened for them.
/// Every write that was acknowledged is stored, the database takes writes afterwards, and the audit chains
/// verify (`run_on` checks them after the test).
async fn cancelled_writes_leave_the_others_stored(db: &TestDb) {
    let store = &db.store;
    store.upsert_clinics(&[clinic("cancel", 40.0, -74.0)], ListingAuthor::AdminCli).await.unwrap();
    let nurse = staff(store, Some("cancel"), Role::Nurse, "nurse@cancel.example").await;
    let scope = store.for_clinic(&nurse).await.unwrap();
    let patient = scope.create_patient(new_patient("Cancel", "Me")).await.unwrap().id;
    let items = Items::from_values(Instrument::Phq9, &[1; 9]).unwrap();
    let new = NewAssessment {
        patient_id: patient,
        course_id: None,
        session_id: None,
        items,
        administered_at: datetime!(2026-11-01 10:00 UTC),
    };
    let mut acknowledged: Vec<AssessmentId> = Vec::new();
    for round in 0..8u64 {
        let mut tasks = Vec::new();
        for t in 0..32u64 {
            let (scope, new) = (scope.clone(), new.clone());
            tasks.push(tokio::spawn(async move { scope.record_assessment(new).await.map(|a| a.id) }));
            // Every third write is cancelled after a delay that varies, so that some are cut off while they
            // wait for the writer and others while they run.
            if t % 3 == 0 {
                let task = tasks.pop().unwrap();
                let delay = Duration::from_micros((t * 37 + round * 101) % 400);
                tasks.push(tokio::spawn(async move {
                    tokio::time::sleep(delay).await;
                    task.abort();
                    match task.await {
                        Ok(answer) => answer,
                        Err(_) => Err(StoreError::Denied("cancelled".to_owned())),
                    }
                }));
            }
        }
        for task in tasks {
            match task.await.unwrap() {
                Ok(id) => acknowledged.push(id),
                Err(StoreError::Denied(why)) if why == "cancelled" => {}
                Err(other) => panic!("round {round}: a write that was not cancelled failed: {other}"),
            }
        }
    }
    let after = scope.record_assessment(new).await.expect("the database takes writes after the cancellations");
    acknowledged.push(after.id);
    let stored: std::collections::BTreeSet<AssessmentId> =
        scope.assessments(patient).await.unwrap().into_iter().map(|a| a.id).collect();
    for id in &acknowledged {
        assert!(stored.contains(id), "the acknowledged write {id} is not stored");
    }
    assert!(acknowledged.len() >= 8 * 21, "only {} writes were acknowledged", acknowledged.len());
}

on_both_backends!(cancelled_writes_leave_the_others_stored, super::cancelled_writes_leave_the_others_stored);
