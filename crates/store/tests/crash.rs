//! Crash safety: a child process writes as fast as it can and reports each acknowledged id; it is killed with
//! SIGKILL mid-stream; after reopening, every acknowledged record is present and the database is intact.
//!
//! The test binary re-executes itself as the child (`--exact crash_child`), selected by an environment variable.

// Test helpers outside #[test] functions may unwrap and print too: a panic there is a failed test.
#![allow(clippy::unwrap_used, clippy::print_stdout)]

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{TestDb, clinic, new_patient, staff, test_options};
use ketapath_clinical::instruments::{Instrument, Items};
use ketapath_store::domain::*;
use ketapath_store::{DatabaseUrl, ListingAuthor, OpenMode, Store};
use time::macros::datetime;

const CHILD_URL: &str = "KETAPATH_CRASH_CHILD_URL";
const CHILD_ACTOR: &str = "KETAPATH_CRASH_CHILD_ACTOR";
const CHILD_PATIENT: &str = "KETAPATH_CRASH_CHILD_PATIENT";
const CHILD_SESSION: &str = "KETAPATH_CRASH_CHILD_SESSION";

/// The writer child. It does nothing unless the parent started it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crash_child() {
    let Ok(url) = std::env::var(CHILD_URL) else { return };
    let env_id = |name: &str| uuid::Uuid::parse_str(&std::env::var(name).unwrap()).unwrap();
    let store =
        Store::open_with(&DatabaseUrl::parse(&url).unwrap(), OpenMode::MustExist, test_options()).await.unwrap();
    let actor = Actor {
        user_id: StaffId(env_id(CHILD_ACTOR)),
        clinic_id: Some(clinic("crash", 0.0, 0.0).id),
        role: Role::Nurse,
        origin: Origin::test(),
    };
    let scope = store.for_clinic(&actor).await.unwrap();
    let (patient, session) = (PatientId(env_id(CHILD_PATIENT)), SessionId(env_id(CHILD_SESSION)));
    let items = Items::from_values(Instrument::Phq9, &[1, 2, 3, 0, 1, 2, 3, 0, 0]).unwrap();
    let mut out = std::io::stdout().lock();
    for i in 0_i64.. {
        if i % 2 == 0 {
            let a = scope
                .record_assessment(NewAssessment {
                    patient_id: patient,
                    course_id: None,
                    session_id: Some(session),
                    items: items.clone(),
                    administered_at: datetime!(2026-11-01 10:00 UTC),
                })
                .await
                .unwrap();
            writeln!(out, "ack assessment {}", a.id).unwrap();
        } else {
            let o = scope
                .record_observation(NewObservation {
                    session_id: session,
                    observed_at: datetime!(2026-11-01 10:00 UTC),
                    minutes_after_dose: Some(i),
                    measurement: Measurement::HeartRate { bpm: 70 },
                })
                .await
                .unwrap();
            writeln!(out, "ack observation {}", o.id).unwrap();
        }
        out.flush().unwrap();
    }
}

async fn crash_and_recover(db: TestDb) {
    let store = &db.store;
    store.upsert_clinics(&[clinic("crash", 1.0, 2.0)], ListingAuthor::AdminCli).await.unwrap();
    let nurse = staff(store, Some("crash"), Role::Nurse, "nurse@crash.example").await;
    let scope = store.for_clinic(&nurse).await.unwrap();
    let p = scope.create_patient(new_patient("C", "Rash")).await.unwrap();
    let course = scope
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
    let session = scope
        .create_session(NewTreatmentSession { course_id: course.id, scheduled_at: None, monitored_by: None })
        .await
        .unwrap();
    let url = match &db.url {
        DatabaseUrl::Sqlite { path } => format!("sqlite://{}", path.display()),
        DatabaseUrl::Postgres { url } => url.clone(),
    };

    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "crash_child", "--nocapture", "--test-threads=1"])
        .env(CHILD_URL, &url)
        .env(CHILD_ACTOR, nurse.user_id.to_string())
        .env(CHILD_PATIENT, p.id.to_string())
        .env(CHILD_SESSION, session.id.to_string())
        .env_remove("KETAPATH_TEST_POSTGRES_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let acked = tokio::task::spawn_blocking(move || {
        let mut acked = Vec::new();
        let started = Instant::now();
        let mut killed = false;
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if let Some(rest) = line.strip_prefix("ack ") {
                let (kind, id) = rest.split_once(' ').unwrap();
                acked.push((kind.to_owned(), uuid::Uuid::parse_str(id).unwrap()));
            }
            // Kill mid-stream: after enough writes, or after a while on a slow machine.
            if !killed && (acked.len() >= 300 || started.elapsed() > Duration::from_secs(20)) {
                child.kill().unwrap(); // SIGKILL on Unix.
                killed = true;
            }
        }
        if !killed {
            child.kill().ok();
        }
        let status = child.wait().unwrap();
        (acked, status)
    })
    .await
    .unwrap();
    let (acked, status) = acked;
    assert!(!status.success(), "the child was killed, not finished: {status:?}");
    assert!(acked.len() >= 50, "the child acknowledged only {} writes before the kill", acked.len());

    // Reopen from scratch and look for every acknowledged record.
    store.close().await;
    let reopened = Store::open_with(&db.url, OpenMode::MustExist, test_options()).await.unwrap();
    assert_eq!(reopened.integrity_check().await.unwrap(), "ok");
    let scope = reopened.for_clinic(&nurse).await.unwrap();
    let assessments: std::collections::HashSet<_> =
        scope.assessments(p.id).await.unwrap().into_iter().map(|a| a.id.0).collect();
    let observations: std::collections::HashSet<_> =
        scope.session(session.id).await.unwrap().observations.into_iter().map(|o| o.id.0).collect();
    for (kind, id) in &acked {
        let found = if kind == "assessment" { assessments.contains(id) } else { observations.contains(id) };
        assert!(found, "acknowledged {kind} {id} was lost");
    }
    let report = reopened.verify().await.unwrap();
    assert!(report.is_ok(), "{report:?}");
    reopened.close().await;
    println!("crash test: {} acknowledged writes, all present", acked.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_loses_no_acknowledged_write_sqlite() {
    crash_and_recover(TestDb::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_loses_no_acknowledged_write_postgres() {
    let Some(db) = TestDb::postgres().await else { return };
    crash_and_recover(db).await;
}
