//! The registry page and API, the directory's outcome panel (shown for an opted-in clinic with 11 patients,
//! nothing at 10, nothing without opting in) and the researcher export route's role checks.

#![allow(clippy::unwrap_used)]

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use ketapath_directory::ClinicId;
use ketapath_research::{DateForm, ExportKey, Format};
use ketapath_store::domain::{Actor, NewApiToken, NewStaffUser, Origin, Role};
use ketapath_store::{
    ExposeSecret, ListingAuthor, Store, StoreOptions, SyntheticResearch, api_token_hash, new_api_token_secret,
};
use ketapath_testkit::TestDb;

use crate::support::*;

/// The registry's scenario: four clinics with synthetic consenting patients, over the kit's SQLite database.
struct Fixture {
    app: Router,
    store: Store,
    _db: TestDb,
}

/// Adds `patients` synthetic consenting patients at `clinic`, all with one course of the given kind.
async fn patients(store: &Store, clinic: &str, patients: usize, iv_share: f64, seed: u64) {
    let spec = SyntheticResearch {
        clinics: vec![ClinicId::parse(clinic).unwrap()],
        patients,
        assessments_per_patient: 8,
        sessions_per_patient: 4,
        consent_share: 1.0,
        iv_share,
        seed,
    };
    store.insert_synthetic_research_for_benchmarks(&spec).await.unwrap();
}

pub(crate) async fn user(store: &Store, email: &str, role: Role, clinic: Option<&str>) -> (Actor, String) {
    let admin = store.unscoped_for_admin_cli_and_tests();
    let u = admin
        .create_staff_user(NewStaffUser {
            clinic_id: clinic.map(|c| ClinicId::parse(c).unwrap()),
            email: email.to_owned(),
            display_name: email.to_owned(),
            role,
            password_hash: None,
        })
        .await
        .unwrap();
    let secret = new_api_token_secret().unwrap().expose_secret().to_owned();
    admin
        .create_api_token(NewApiToken {
            user_id: u.id,
            name: "t".to_owned(),
            token_hash: api_token_hash(&secret),
            expires_at: None,
        })
        .await
        .unwrap();
    (Actor { user_id: u.id, clinic_id: u.clinic_id, role, origin: Origin::cli() }, secret)
}

async fn publish(store: &Store, clinic: &str) {
    let (admin, _) = user(store, &format!("admin@{clinic}.example"), Role::ClinicAdmin, Some(clinic)).await;
    store.for_clinic(&admin).await.unwrap().set_publish_outcomes(true).await.unwrap();
}

impl Fixture {
    /// eleven: 11 patients, opted in; ten: 10 patients, opted in; quiet: 11 patients, not opted in; rare: 3 IV
    /// patients, whose registry cell is suppressed.
    async fn new() -> Self {
        let db = TestDb::sqlite_with(StoreOptions::default()).await;
        let store = db.store.clone();
        let clinics = [
            clinic("eleven", 40.7, -74.0),
            clinic("ten", 41.0, -73.9),
            clinic("quiet", 41.2, -73.8),
            clinic("rare", 41.3, -73.7),
        ];
        store.upsert_clinics(&clinics, ListingAuthor::AdminCli).await.unwrap();
        patients(&store, "eleven", 11, 0.0, 1).await;
        patients(&store, "ten", 10, 0.0, 2).await;
        patients(&store, "quiet", 11, 0.0, 3).await;
        patients(&store, "rare", 3, 1.0, 4).await;
        publish(&store, "eleven").await;
        publish(&store, "ten").await;
        let state = ketapath_web::AppState::load(Default::default(), store.clone())
            .await
            .unwrap()
            .with_research_key(ExportKey::from_bytes(&[5; 32]).unwrap());
        Fixture { app: ketapath_web::app(state), store, _db: db }
    }

    async fn get(&self, uri: &str, token: Option<&str>) -> Reply {
        let mut builder = Request::builder().uri(uri);
        if let Some(token) = token {
            builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        send(&self.app, builder.body(Body::empty()).unwrap()).await
    }
}

#[tokio::test]
async fn outcome_panel_only_for_opted_in_clinics_with_eleven_patients() {
    let f = Fixture::new().await;
    let reply = f.get("/api/v1/clinics/eleven", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    let doc = reply.json();
    let outcomes = doc["outcomes"].as_array().expect("outcomes for an opted-in clinic with 11 patients");
    assert_eq!(outcomes.len(), 1);
    let line = &outcomes[0];
    assert_eq!(line["patients"], 11);
    assert_eq!(line["modality"], "esketamine_nasal");
    assert_eq!(line["instrument"], "phq9");
    let response = &line["response"];
    let (low, rate, high) = (
        response["interval"]["low"].as_f64().unwrap(),
        response["rate"].as_f64().unwrap(),
        response["interval"]["high"].as_f64().unwrap(),
    );
    assert!(low <= rate && rate <= high && low >= 0.0 && high <= 1.0);
    assert_eq!(response["n"], 11);
    assert!(line["response_rule"]["id"].as_str().is_some_and(|id| !id.is_empty()));
    assert!(line["period"]["from"].as_str().is_some());

    for quiet in ["ten", "quiet"] {
        let doc = f.get(&format!("/api/v1/clinics/{quiet}"), None).await.json();
        assert!(doc.get("outcomes").is_none(), "{quiet} shows no outcomes: {doc}");
    }

    let page = f.get("/clinics/eleven", None).await.text();
    assert!(page.contains("How treatment went here") && page.contains("11 patients"), "{page}");
    assert!(page.contains("95% CI"));
    for quiet in ["ten", "quiet"] {
        let page = f.get(&format!("/clinics/{quiet}"), None).await.text();
        assert!(!page.contains("How treatment went here"), "{quiet}");
    }
}

#[tokio::test]
async fn registry_page_and_api_show_figures_and_suppress_small_cells() {
    let f = Fixture::new().await;
    let doc = f.get("/api/v1/registry", None).await.json();
    assert_eq!(doc["patients"], 35);
    // The date is written as a date, not as the `time` crate's `[year, ordinal]` tuple.
    let as_of = doc["as_of"].as_str().expect("as_of is a YYYY-MM-DD string");
    assert!(time::Date::parse(as_of, &time::format_description::well_known::Iso8601::DATE).is_ok(), "{as_of}");
    let cells = doc["outcomes"].as_array().unwrap();
    let esketamine = cells.iter().find(|c| c["modality"] == "esketamine_nasal").unwrap();
    assert_eq!(esketamine["patients"], 32);
    let iv = cells.iter().find(|c| c["modality"] == "iv_ketamine").unwrap();
    assert_eq!(iv["patients"], "< 11", "three IV patients are suppressed");
    assert_eq!(iv["response"], "< 11");

    let reply = f.get("/registry", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    let page = reply.text();
    assert!(page.contains("988"), "the crisis contacts come first");
    assert!(page.contains("<svg") && page.contains("role=\"img\""), "the charts are inline SVG");
    assert!(page.contains("fewer than 11 patients"), "suppressed cells are named");
    assert!(page.contains("Esketamine nasal spray") && page.contains("95% CI"));
    assert!(page.contains("research.small_cell_suppression"), "rule ids are named");
    // The statistics are cached: the audit log grows by one research read for both requests above.
    let events = f.store.unscoped_for_admin_cli_and_tests().audit_events(1, i64::MAX).await.unwrap();
    let reads = events.iter().filter(|e| e.entity == "research_patient").count();
    assert_eq!(reads, 1);
}

#[tokio::test]
async fn research_export_is_for_researchers_only() {
    let f = Fixture::new().await;
    let uri = "/api/v1/research/export?file=patients&format=csv";
    assert_eq!(f.get(uri, None).await.status, StatusCode::UNAUTHORIZED);
    let (_, nurse) = user(&f.store, "n@eleven.example", Role::Nurse, Some("eleven")).await;
    assert_eq!(f.get(uri, Some(&nurse)).await.status, StatusCode::FORBIDDEN);
    let (_, root) = user(&f.store, "root@example.org", Role::PlatformAdmin, None).await;
    assert_eq!(f.get(uri, Some(&root)).await.status, StatusCode::FORBIDDEN);
    let (_, researcher) = user(&f.store, "r@example.org", Role::Researcher, None).await;
    let reply = f.get(uri, Some(&researcher)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    let body = reply.text();
    assert!(body.starts_with("patient,clinic,sex,"));
    assert_eq!(body.lines().count(), 36, "a header and the 35 consenting patients");
    assert!(!body.contains("Synthetic") && !body.contains("SYN-"));
    let reply = f.get("/api/v1/research/export?file=secrets", Some(&researcher)).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.json()["error"]["field"], "file");
    let reply = f.get("/api/v1/research/export?file=sessions&format=ndjson", Some(&researcher)).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.text().lines().all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok()));
}

/// The route streams each file a page of patients at a time; what arrives must be, byte for byte, the file the
/// whole-export builder makes from the same patients, for every file, both formats and both date forms.
#[tokio::test]
async fn the_streamed_export_files_equal_the_whole_export() {
    let f = Fixture::new().await;
    let (_, researcher) = user(&f.store, "r@example.org", Role::Researcher, None).await;
    let today = f.store.now().date();
    let patients = f.store.research_reader_for_admin_cli_and_registry("test").patients(today).await.unwrap();
    let key = ExportKey::from_bytes(&[5; 32]).unwrap();
    for (form, shifted) in [(DateForm::Offsets, "false"), (DateForm::Shifted, "true")] {
        let whole = ketapath_research::build_export(&patients, &key, today, form).unwrap();
        for format in [Format::Csv, Format::Ndjson] {
            for file in whole.files(format).unwrap() {
                let (name, extension) = file.name.split_once('.').unwrap();
                let uri = format!("/api/v1/research/export?file={name}&format={extension}&shifted_dates={shifted}");
                let reply = f.get(&uri, Some(&researcher)).await;
                assert_eq!(reply.status, StatusCode::OK, "{uri}");
                assert!(reply.text().lines().count() > 1, "{uri}: rows, not only a header");
                assert_eq!(reply.text(), file.contents, "{uri}");
            }
        }
    }
}

#[tokio::test]
async fn a_clinic_sees_its_own_figures_unsuppressed() {
    let f = Fixture::new().await;
    let (_, nurse) = user(&f.store, "n@ten.example", Role::Nurse, Some("ten")).await;
    let reply = f.get("/api/v1/clinic/registry", Some(&nurse)).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    let doc = reply.json();
    assert_eq!(doc["patients"], 10, "its own ten patients, not suppressed and no other clinic's");
    assert_eq!(doc["outcomes"][0]["patients"], 10);
    let (_, researcher) = user(&f.store, "r2@example.org", Role::Researcher, None).await;
    assert_eq!(f.get("/api/v1/clinic/registry", Some(&researcher)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(f.get("/api/v1/clinic/registry", None).await.status, StatusCode::UNAUTHORIZED);
}

impl Fixture {
    async fn put(&self, uri: &str, token: &str, body: &str) -> Reply {
        let request = Request::builder()
            .method("PUT")
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_owned()))
            .unwrap();
        send(&self.app, request).await
    }
}

#[tokio::test]
async fn consent_and_outcome_publication_are_recorded_through_the_api() {
    let f = Fixture::new().await;
    let (_, admin) = user(&f.store, "admin@quiet.example", Role::ClinicAdmin, Some("quiet")).await;
    let (_, nurse) = user(&f.store, "nurse@quiet.example", Role::Nurse, Some("quiet")).await;
    let (_, elsewhere) = user(&f.store, "nurse@rare.example", Role::Nurse, Some("rare")).await;

    // Publication: clinic admins only.
    let publication = "/api/v1/clinic/outcome-publication";
    assert_error(&f.put(publication, &nurse, r#"{"publish": true}"#).await, StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(f.get(publication, Some(&nurse)).await.json()["publish"], false);
    let reply = f.put(publication, &admin, r#"{"publish": true}"#).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(f.get(publication, Some(&nurse)).await.json()["publish"], true);
    assert_error(&f.put(publication, &admin, "{}").await, StatusCode::BAD_REQUEST, "invalid_input");

    // Consent: given, then withdrawn; the history keeps both and the decision in force is the latest.
    let request = Request::builder()
        .method("POST")
        .uri("/api/v1/patients")
        .header(header::AUTHORIZATION, format!("Bearer {nurse}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(r#"{"given_name":"Ann","family_name":"Example","birth_date":"1980-02-01"}"#))
        .unwrap();
    let patient = send(&f.app, request).await.json()["id"].as_str().unwrap().to_owned();
    let consent = format!("/api/v1/patients/{patient}/research-consent");
    assert_eq!(f.get(&consent, Some(&nurse)).await.json()["status"], "none");
    let given = f.put(&consent, &nurse, r#"{"status": "given", "date": "2026-10-01"}"#).await;
    assert_eq!(given.status, StatusCode::OK);
    assert_eq!(given.json()["status"], "given");
    let withdrawn = f.put(&consent, &nurse, r#"{"status": "withdrawn"}"#).await.json();
    assert_eq!(withdrawn["status"], "withdrawn");
    assert_eq!(withdrawn["history"].as_array().unwrap().len(), 2);
    assert_eq!(withdrawn["history"][0]["date"], "2026-10-01");

    let bad = f.put(&consent, &nurse, r#"{"status": "maybe"}"#).await;
    assert_error(&bad, StatusCode::BAD_REQUEST, "invalid_input");
    assert_eq!(bad.json()["error"]["field"], "status");
    let future = f.put(&consent, &nurse, r#"{"status": "given", "date": "2999-01-01"}"#).await;
    assert_eq!(future.json()["error"]["field"], "date");
    // Another clinic's staff: the same 404 as a patient that does not exist, and nothing recorded.
    assert_error(&f.put(&consent, &elsewhere, r#"{"status": "given"}"#).await, StatusCode::NOT_FOUND, "not_found");
    assert_eq!(f.get(&consent, Some(&nurse)).await.json()["history"].as_array().unwrap().len(), 2);
    assert!(f.store.verify().await.unwrap().is_ok());
}
