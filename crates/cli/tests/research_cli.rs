//! `ketapath export research` and `ketapath registry` end to end: the key is required and checked, never written;
//! the export directory appears whole or not at all; the registry prints suppressed statistics.

use std::process::{Command, Output};

use ketapath_store::{ListingAuthor, OpenMode, Store, SyntheticResearch};

const KEY: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";

fn ketapath(dir: &std::path::Path, args: &[&str], key: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ketapath"));
    command.args(args).current_dir(dir).env_remove("KETAPATH_DATABASE_URL").env_remove("KETAPATH_RESEARCH_KEY");
    if let Some(key) = key {
        command.env("KETAPATH_RESEARCH_KEY", key);
    }
    command.output().expect("run ketapath")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A migrated database with 2 clinics and 30 synthetic patients.
fn database(dir: &std::path::Path) {
    assert_eq!(ketapath(dir, &["migrate"], None).status.code(), Some(0));
    let url = format!("sqlite://{}", dir.join("ketapath.db").display());
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let store = Store::open(&url, OpenMode::MustExist).await.expect("open");
        let clinics = ketapath_directory::search::synthetic::clinics(2, 5);
        store.upsert_clinics(&clinics, ListingAuthor::AdminCli).await.expect("clinics");
        let spec = SyntheticResearch {
            clinics: clinics.iter().map(|c| c.id.clone()).collect(),
            patients: 30,
            assessments_per_patient: 8,
            sessions_per_patient: 4,
            consent_share: 0.9,
            iv_share: 0.0,
            seed: 9,
        };
        store.insert_synthetic_research_for_benchmarks(&spec).await.expect("synthetic data");
        store.close().await;
    });
}

#[test]
fn export_needs_a_long_key_and_writes_every_file_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    database(dir.path());

    let out = ketapath(dir.path(), &["export", "research", "--out", "ex"], None);
    assert_eq!(out.status.code(), Some(2), "no key: {}", text(&out.stderr));
    assert!(text(&out.stderr).contains("KETAPATH_RESEARCH_KEY"));
    let out = ketapath(dir.path(), &["export", "research", "--out", "ex"], Some("abcd"));
    assert_eq!(out.status.code(), Some(2), "short key: {}", text(&out.stderr));
    assert!(!text(&out.stderr).contains("abcd"), "the key is never echoed");
    assert!(!dir.path().join("ex").exists());

    let out = ketapath(dir.path(), &["export", "research", "--out", "ex", "--format", "ndjson"], Some(KEY));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("exported"), "{}", text(&out.stdout));
    let mut names: Vec<String> = std::fs::read_dir(dir.path().join("ex"))
        .expect("export dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["adverse_events.ndjson", "assessments.ndjson", "courses.ndjson", "patients.ndjson", "sessions.ndjson"]
    );
    let mut patients = 0;
    for name in &names {
        let body = std::fs::read_to_string(dir.path().join("ex").join(name)).expect("read");
        assert!(!body.contains(KEY) && !body.contains("Synthetic") && !body.contains("SYN-"), "{name} leaks");
        if name == "patients.ndjson" {
            patients = body.lines().count();
        }
    }
    assert!(patients > 0 && patients <= 30, "only consenting patients: {patients}");
    // No temporary directory is left behind, and an existing directory is never overwritten.
    let leftovers = std::fs::read_dir(dir.path()).expect("dir").filter_map(Result::ok);
    assert!(leftovers.into_iter().all(|e| !e.file_name().to_string_lossy().contains("partial")));
    let out = ketapath(dir.path(), &["export", "research", "--out", "ex"], Some(KEY));
    assert_eq!(out.status.code(), Some(2));

    // A key file works too, and a bad format is an input error naming the field.
    std::fs::write(dir.path().join("key.hex"), format!("{KEY}\n")).expect("key file");
    let out = ketapath(dir.path(), &["export", "research", "--out", "csv", "--key-file", "key.hex"], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(dir.path().join("csv/patients.csv").exists());
    let out = ketapath(dir.path(), &["export", "research", "--out", "x", "--format", "xlsx"], Some(KEY));
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("format"));
}

#[test]
fn registry_prints_suppressed_statistics() {
    let dir = tempfile::tempdir().expect("tempdir");
    database(dir.path());
    let out = ketapath(dir.path(), &["registry", "--json"], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let n = doc["patients"].as_u64().expect("30 patients are above the threshold");
    assert!((11..=30).contains(&n));
    assert!(doc["outcomes"].as_array().is_some_and(|o| !o.is_empty()));
    let out = ketapath(dir.path(), &["registry"], None);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("PHQ") || text(&out.stdout).contains("phq9"), "{}", text(&out.stdout));
}

/// Every `YYYY-MM-DD` in `text`.
fn iso_dates(text: &str) -> Vec<&str> {
    let b = text.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    (0..b.len().saturating_sub(9))
        .filter(|&i| digits(i..i + 4) && b[i + 4] == b'-' && digits(i + 5..i + 7) && b[i + 7] == b'-')
        .filter(|&i| digits(i + 8..i + 10))
        .map(|i| &text[i..i + 10])
        .collect()
}

#[test]
fn the_default_export_has_no_dates_and_shifted_dates_stop_at_the_export_date() {
    let dir = tempfile::tempdir().expect("tempdir");
    database(dir.path());
    let out = ketapath(dir.path(), &["export", "research", "--out", "plain"], Some(KEY));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let read = |d: &str, f: &str| std::fs::read_to_string(dir.path().join(d).join(f)).expect("export file");
    assert!(
        read("plain", "patients.csv")
            .starts_with("patient,clinic,sex,age_at_first_event,zip3,state,first_event_year\n")
    );
    assert!(read("plain", "sessions.csv").contains(",day,last_observation_minute,minutes_monitored,"));
    for file in ["patients.csv", "courses.csv", "assessments.csv", "sessions.csv", "adverse_events.csv"] {
        let body = read("plain", file);
        assert!(body.lines().count() > 1, "{file} has rows");
        assert_eq!(iso_dates(&body), Vec::<&str>::new(), "{file} holds a date");
        assert!(!body.contains(':'), "{file} holds a time of day");
    }

    let out = ketapath(dir.path(), &["export", "research", "--out", "shifted", "--shifted-dates"], Some(KEY));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(read("shifted", "patients.csv").contains(",first_event_date\n"));
    let today = time::OffsetDateTime::now_utc().date().to_string();
    let mut seen = 0;
    for file in ["patients.csv", "courses.csv", "assessments.csv", "sessions.csv", "adverse_events.csv"] {
        let body = read("shifted", file);
        for date in iso_dates(&body) {
            seen += 1;
            assert!(date <= today.as_str(), "{file}: shifted date {date} is after the export date {today}");
        }
    }
    assert!(seen > 100, "the shifted form has dates: {seen}");
}
