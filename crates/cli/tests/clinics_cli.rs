//! End-to-end tests of `ketapath clinics import|export|search` against a temporary SQLite database.

// Test helpers may unwrap: a panic there is a failed test with its cause.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

const HEADER: &str = "id,name,street,city,state,zip,lat,lon,phone,website,offers,payment,telehealth,languages,accepting_new_patients,rems_certified,last_verified";

fn good_rows() -> String {
    [
        HEADER,
        "c-1,Midtown Ketamine,1 W 34th St,New York,NY,10001,40.7484,-73.9857,212-555-0101,https://example.org,iv_ketamine;esketamine_nasal,self_pay;private_insurance,false,en;es,true,true,2026-10-01",
        "c-2,Brooklyn Mind,1 Main St,Brooklyn,NY,11201,,,718-555-0102,,esketamine_nasal,medicare,true,en,true,true,2026-09-15",
        "c-3,Jersey Care,1 Grove St,Jersey City,NJ,07302,40.7196,-74.0431,,,tms;iv_ketamine,self_pay,false,en,false,false,2026-08-01",
    ]
    .join("\n")
        + "\n"
}

fn ketapath(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ketapath"))
        .args(args)
        .current_dir(dir)
        .env_remove("KETAPATH_DATABASE_URL")
        .output()
        .unwrap()
}

fn ok(output: &Output) -> String {
    assert_eq!(output.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn setup() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("k.db").display());
    ok(&ketapath(dir.path(), &["migrate", "--db", &db]));
    std::fs::write(dir.path().join("good.csv"), good_rows()).unwrap();
    ok(&ketapath(dir.path(), &["clinics", "import", "good.csv", "--db", &db]));
    (dir, db)
}

fn search_json(dir: &Path, db: &str, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["clinics", "search", "--json", "--db", db];
    args.extend_from_slice(extra);
    serde_json::from_str(&ok(&ketapath(dir, &args))).unwrap()
}

fn ids(doc: &serde_json::Value) -> Vec<String> {
    doc["results"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn search_by_zip_sorts_by_distance_and_counts_total() {
    let (dir, db) = setup();
    let doc = search_json(dir.path(), &db, &["--zip", "10001", "--limit", "2"]);
    assert_eq!(doc["total"], 3);
    assert_eq!(ids(&doc), ["c-1", "c-3"]);
    let d0 = doc["results"][0]["distance_km"].as_f64().unwrap();
    let d1 = doc["results"][1]["distance_km"].as_f64().unwrap();
    assert!(d0 <= d1);
    // The ZIP-centroid clinic was placed at its ZIP's centroid.
    let brooklyn = search_json(dir.path(), &db, &["--zip", "11201", "--limit", "1"]);
    assert_eq!(ids(&brooklyn), ["c-2"]);
    assert!(brooklyn["results"][0]["distance_km"].as_f64().unwrap() < 0.01);
}

#[test]
fn filters_all_values_must_match() {
    let (dir, db) = setup();
    let doc = search_json(dir.path(), &db, &["--near", "40.7,-74.0", "--offers", "iv_ketamine,esketamine_nasal"]);
    assert_eq!(ids(&doc), ["c-1"]);
    let doc = search_json(dir.path(), &db, &["--near", "40.7,-74.0", "--telehealth"]);
    assert_eq!(ids(&doc), ["c-2"]);
    let doc = search_json(dir.path(), &db, &["--near", "40.7,-74.0", "--language", "es", "--accepting"]);
    assert_eq!(ids(&doc), ["c-1"]);
    // Brooklyn Mind sits at the 11201 centroid, 1.06 km from 40.7,-74.0; the others are further.
    let doc = search_json(dir.path(), &db, &["--near", "40.7,-74.0", "--radius-km", "1.1"]);
    assert_eq!(ids(&doc), ["c-2"]);
    let doc = search_json(dir.path(), &db, &["--near", "40.7,-74.0", "--radius-km", "1"]);
    assert_eq!(doc["total"], 0, "no clinic within 1 km of 40.7,-74.0: {doc}");
}

#[test]
fn an_invalid_row_imports_nothing_and_names_the_line() {
    let (dir, db) = setup();
    let bad = [
        HEADER,
        "c-1,Renamed,1 W 34th St,New York,NY,10001,,,,,ect,self_pay,false,en,true,false,2026-11-01",
        "c-9,Jersey Care,1 Grove St,Jersey City,NJ,07302,91,-74.0431,,,tms,self_pay,false,en,false,false,2026-08-01",
    ]
    .join("\n");
    std::fs::write(dir.path().join("bad.csv"), bad).unwrap();
    let out = ketapath(dir.path(), &["clinics", "import", "bad.csv", "--db", &db]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("line 3") && stderr.contains("latitude 91"), "{stderr}");
    // Atomic: the valid update on line 2 was not applied either.
    let doc = search_json(dir.path(), &db, &["--zip", "10001", "--limit", "1"]);
    assert_eq!(doc["results"][0]["name"], "Midtown Ketamine");
    assert_eq!(doc["total"], 3);

    let out = ketapath(dir.path(), &["clinics", "import", "bad.csv", "--db", &db, "--skip-invalid", "rejects.csv"]);
    ok(&out);
    let rejects = std::fs::read_to_string(dir.path().join("rejects.csv")).unwrap();
    assert!(rejects.contains("c-9") && rejects.contains("line 3"), "{rejects}");
    // The valid rows were imported, and an existing id was updated.
    let doc = search_json(dir.path(), &db, &["--zip", "10001", "--limit", "1"]);
    assert_eq!(doc["results"][0]["name"], "Renamed");
}

/// A wrong header is a fault of the whole file: exit 2 even with `--skip-invalid`, naming the expected and the
/// found columns, with nothing imported and no rejects file written.
#[test]
fn a_wrong_header_is_exit_2_even_with_skip_invalid() {
    let (dir, db) = setup();
    let text = good_rows().replacen("street,city", "city,street", 1);
    std::fs::write(dir.path().join("swapped.csv"), text).unwrap();
    for skip in [false, true] {
        let mut args = vec!["clinics", "import", "swapped.csv", "--db", &db];
        if skip {
            args.extend(["--skip-invalid", "rejects.csv"]);
        }
        let out = ketapath(dir.path(), &args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("column 3 is \"city\", expected \"street\""), "{stderr}");
        assert!(stderr.contains(&format!("the header must be exactly {HEADER}")), "{stderr}");
        assert!(stderr.contains("found id,name,city,street,state"), "{stderr}");
        assert!(stderr.contains("--skip-invalid does not apply"), "{stderr}");
        assert!(!dir.path().join("rejects.csv").exists());
    }
    assert_eq!(search_json(dir.path(), &db, &["--zip", "10001"])["total"], 3, "nothing was imported");
}

#[test]
fn export_round_trips_through_csv_and_fhir() {
    let (dir, db) = setup();
    let csv = ok(&ketapath(dir.path(), &["clinics", "export", "--format", "csv", "--db", &db]));
    assert_eq!(csv.lines().next().unwrap(), format!("{HEADER},insurance_plans"));
    assert_eq!(csv.lines().count(), 4);
    ok(&ketapath(dir.path(), &["clinics", "export", "--format", "fhir", "--out", "bundle.json", "--db", &db]));
    let db2 = format!("sqlite://{}", dir.path().join("k2.db").display());
    ok(&ketapath(dir.path(), &["migrate", "--db", &db2]));
    ok(&ketapath(dir.path(), &["clinics", "import", "bundle.json", "--db", &db2]));
    let again = ok(&ketapath(dir.path(), &["clinics", "export", "--format", "csv", "--db", &db2]));
    assert_eq!(csv, again, "CSV -> store -> FHIR -> store -> CSV lost something");
}

#[test]
fn bad_search_input_exits_2_naming_the_option() {
    let (dir, db) = setup();
    for (args, needle) in [
        (vec!["--zip", "00000"], "--zip"),
        (vec!["--near", "91,0"], "--near"),
        (vec!["--near", "40,-74", "--limit", "101"], "--limit"),
        (vec!["--near", "40,-74", "--offers", "psilocybin"], "--offers"),
        (vec!["--near", "40,-74", "--radius-km", "-1"], "--radius-km"),
    ] {
        let mut all = vec!["clinics", "search", "--db", &db];
        all.extend(args.iter());
        let out = ketapath(dir.path(), &all);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
    }
}

#[test]
fn a_missing_database_file_is_refused_naming_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let out = ketapath(dir.path(), &["clinics", "search", "--zip", "10001", "--db", "sqlite://typo.db"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("typo.db"));
    assert!(!dir.path().join("typo.db").exists(), "a mistyped URL must not create a database");
}

/// Marks `fields` of listing `id` as verified by its clinic on `on` (what the clinic's own listing form does).
fn verify_as_clinic(db: &str, id: &str, fields: &[&'static str], on: time::Date) {
    use ketapath_store::{ListingAuthor, OpenMode, Store};
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = Store::open(db, OpenMode::MustExist).await.unwrap();
        let id = ketapath_directory::ClinicId::parse(id).unwrap();
        let mut listing = store.clinic(&id).await.unwrap().unwrap();
        listing.phone = Some("212-555-0199".to_owned());
        listing.last_verified = Some(on);
        store.save_verified_listing(&listing, fields, "clinic", ListingAuthor::AdminCli).await.unwrap();
    });
}

#[test]
fn an_import_keeps_a_field_the_clinic_verified_later_and_reports_it() {
    let (dir, db) = setup();
    verify_as_clinic(&db, "c-1", &["phone"], time::macros::date!(2026 - 12 - 06));
    // The file's c-1 says 212-555-0101 as of 2026-10-01 and c-2 changes telehealth, which no clinic verified.
    let changed = good_rows().replace(",true,en,true,true,2026-09-15", ",false,en,true,true,2026-09-15");
    std::fs::write(dir.path().join("again.csv"), &changed).unwrap();
    let out = ketapath(dir.path(), &["clinics", "import", "again.csv", "--db", &db]);
    let stdout = ok(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("conflict: clinic c-1, phone: kept the clinic's \"212-555-0199\"")
            && stderr.contains("2026-12-06")
            && stderr.contains("\"212-555-0101\""),
        "{stderr}"
    );
    assert!(stdout.contains("1 field(s) verified more recently by their clinic kept"), "{stdout}");
    let doc = search_json(dir.path(), &db, &["--zip", "10001", "--limit", "3"]);
    let record = |id: &str| doc["results"].as_array().unwrap().iter().find(|r| r["id"] == id).unwrap().clone();
    assert_eq!(record("c-1")["phone"], "212-555-0199", "the clinic's phone is kept");
    assert_eq!(record("c-2")["telehealth"], false, "a field no clinic verified is imported");

    // With --prefer-clinic: the same field kept, counted, and no conflict line.
    let out = ketapath(dir.path(), &["clinics", "import", "again.csv", "--prefer-clinic", "--db", &db]);
    let stdout = ok(&out);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("conflict"));
    assert!(stdout.contains("1 field(s) verified more recently by their clinic kept"), "{stdout}");
    // A record dated after the clinic's verification is imported.
    let newer = changed.replace("es,true,true,2026-10-01", "es,true,true,2026-12-07");
    std::fs::write(dir.path().join("newer.csv"), newer).unwrap();
    let stdout = ok(&ketapath(dir.path(), &["clinics", "import", "newer.csv", "--db", &db]));
    assert!(!stdout.contains("kept"), "{stdout}");
    let doc = search_json(dir.path(), &db, &["--zip", "10001", "--limit", "1"]);
    assert_eq!(doc["results"][0]["phone"], "212-555-0101");
}
