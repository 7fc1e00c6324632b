//! Store benchmarks: write throughput of assessments and session observations, the patient list of a clinic
//! with 2,000 patients and their latest scores (p50/p95), and the bulk listing import and full listing scan.
//!
//! Run: `cargo bench -p ketapath-store --bench store_bench` (SQLite), with
//! `KETAPATH_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test` for PostgreSQL too, and
//! `KETAPATH_BENCH_CLINICS=1000000` to size the listing import (default 100,000); `KETAPATH_BENCH_ONLY=listings`
//! runs only the listing part.

// A benchmark binary reports on the terminal; a failure is a crash of the benchmark, which is what we want.
#![allow(clippy::print_stdout, clippy::unwrap_used)]

use std::time::{Duration, Instant};

use ketapath_clinical::instruments::{Instrument, Items};
use ketapath_directory::model::{Address, Position, PositionSource};
use ketapath_directory::{Clinic, ClinicId, Offers, Payments};
use ketapath_store::domain::*;
use ketapath_store::{DatabaseUrl, ListingAuthor, OpenMode, Store, StoreOptions};
use time::macros::{date, datetime};

fn clinic(i: usize) -> Clinic {
    Clinic {
        id: ClinicId::parse(&format!("c-{i:07}")).unwrap(),
        name: format!("Clinic number {i}"),
        address: Address {
            street: format!("{} Main Street", i % 9000),
            city: "Springfield".to_owned(),
            state: "IL".to_owned(),
            zip: format!("{:05}", i % 99_999),
        },
        position: Position::new(25.0 + (i % 2400) as f64 / 100.0, -124.0 + (i % 5700) as f64 / 100.0).unwrap(),
        position_source: PositionSource::Record,
        phone: Some("555-0100".to_owned()),
        website: Some(format!("https://clinic{i}.example")),
        offers: Offers::from_bits((i % 128) as u8),
        payment: Payments::from_bits((i % 64) as u8),
        insurance_plans: Vec::new(),
        telehealth: i.is_multiple_of(3),
        languages: vec![ketapath_directory::Language::parse("en").unwrap()],
        accepting_new_patients: i.is_multiple_of(2),
        rems_certified: i.is_multiple_of(5),
        last_verified: Some(date!(2026 - 10 - 01)),
        verified_by: None,
        hours: vec![],
        accessibility: vec![],
        description: None,
        demo: false,
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

async fn run(label: &str, store: &Store, clinics: usize) {
    store.migrate().await.unwrap();
    if std::env::var("KETAPATH_BENCH_ONLY").as_deref() != Ok("listings") {
        clinical(label, store).await;
    }
    listings(label, store, clinics).await;
}

async fn clinical(label: &str, store: &Store) {
    store.upsert_clinics(&[clinic(0)], ListingAuthor::AdminCli).await.unwrap();
    let admin = store
        .unscoped_for_admin_cli_and_tests()
        .create_staff_user(NewStaffUser {
            clinic_id: Some(clinic(0).id),
            email: "n@b.example".to_owned(),
            display_name: "N".to_owned(),
            role: Role::Nurse,
            password_hash: None,
        })
        .await
        .unwrap();
    let actor =
        Actor { user_id: admin.id, clinic_id: admin.clinic_id.clone(), role: Role::Nurse, origin: Origin::cli() };
    let scope = store.for_clinic(&actor).await.unwrap();

    // 2,000 patients with five PHQ-9 scores each.
    let items = Items::from_values(Instrument::Phq9, &[1, 2, 1, 0, 2, 1, 0, 1, 0]).unwrap();
    let mut patients = Vec::new();
    for i in 0..2000 {
        let p = scope
            .create_patient(NewPatient {
                mrn: Some(format!("m{i}")),
                given_name: format!("G{i}"),
                family_name: format!("F{:04}", i % 997),
                birth_date: date!(1980 - 01 - 01),
                sex: None,
                phone: None,
                email: None,
                research_consent: false,
                rems_patient_id: None,
            })
            .await
            .unwrap();
        patients.push(p.id);
    }
    let n = 10_000;
    let start = Instant::now();
    for i in 0..n {
        scope
            .record_assessment(NewAssessment {
                patient_id: patients[i % 2000],
                course_id: None,
                session_id: None,
                items: items.clone(),
                administered_at: datetime!(2026-11-01 10:00 UTC) + time::Duration::days((i / 2000) as i64),
            })
            .await
            .unwrap();
    }
    let secs = start.elapsed().as_secs_f64();
    println!("{label}: assessments, one writer: {n} in {secs:.2} s = {:.0} writes/s", n as f64 / secs);

    let course = scope
        .create_course(NewCourse {
            patient_id: patients[0],
            treatment: "esketamine_nasal".to_owned(),
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
    let n = 5_000;
    let start = Instant::now();
    for i in 0..n {
        scope
            .record_observation(NewObservation {
                session_id: session.id,
                observed_at: datetime!(2026-11-01 10:00 UTC),
                minutes_after_dose: Some(i % 120),
                measurement: Measurement::BloodPressure { systolic: 130, diastolic: 85 },
            })
            .await
            .unwrap();
    }
    let secs = start.elapsed().as_secs_f64();
    println!("{label}: observations, one writer: {n} in {secs:.2} s = {:.0} writes/s", n as f64 / secs);

    // Eight concurrent writers.
    let start = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..8 {
        let (scope, session) = (scope.clone(), session.id);
        tasks.push(tokio::spawn(async move {
            for i in 0..500 {
                scope
                    .record_observation(NewObservation {
                        session_id: session,
                        observed_at: datetime!(2026-11-01 10:00 UTC),
                        minutes_after_dose: Some(i),
                        measurement: Measurement::HeartRate { bpm: 60 + w },
                    })
                    .await
                    .unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let secs = start.elapsed().as_secs_f64();
    println!("{label}: observations, 8 writers: 4000 in {secs:.2} s = {:.0} writes/s", 4000.0 / secs);

    let mut times = Vec::new();
    for _ in 0..60 {
        let start = Instant::now();
        let list = scope.patient_list().await.unwrap();
        times.push(start.elapsed());
        assert_eq!(list.len(), 2000);
    }
    times.sort();
    println!(
        "{label}: patient list, 2,000 patients with latest scores: p50 {:.1} ms, p95 {:.1} ms",
        percentile(&times, 0.5).as_secs_f64() * 1000.0,
        percentile(&times, 0.95).as_secs_f64() * 1000.0
    );
}

async fn listings(label: &str, store: &Store, clinics: usize) {
    let all: Vec<Clinic> = (1..=clinics).map(clinic).collect();
    let start = Instant::now();
    store.upsert_clinics(&all, ListingAuthor::AdminCli).await.unwrap();
    println!("{label}: import of {clinics} listings in one transaction: {:.2} s", start.elapsed().as_secs_f64());
    drop(all);
    let start = Instant::now();
    let mut count = 0_usize;
    store.for_each_clinic(|_| count += 1).await.unwrap();
    println!("{label}: streaming all {count} listings: {:.2} s", start.elapsed().as_secs_f64());
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let clinics: usize = std::env::var("KETAPATH_BENCH_CLINICS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let url = DatabaseUrl::Sqlite { path: dir.path().join("bench.db") };
    let store = Store::open_with(&url, OpenMode::CreateIfMissing, StoreOptions::default()).await.unwrap();
    run("sqlite", &store, clinics).await;
    store.close().await;

    // Benchmarks have no skip policy: PostgreSQL is measured only when a server is named.
    if let Ok(admin_url) = std::env::var(ketapath_testkit::PG_ENV) {
        let pg = ketapath_testkit::PgDatabase::create_on(&admin_url).await;
        let url = DatabaseUrl::Postgres { url: pg.url.clone() };
        let store = Store::open_with(&url, OpenMode::MustExist, StoreOptions::default()).await.unwrap();
        run("postgres", &store, clinics).await;
        store.close().await;
    }
}
