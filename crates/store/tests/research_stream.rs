//! The streamed research read: the registry and the de-identified export computed a few patients at a time, as the
//! store pages them, equal exactly what the whole population in one vector gives (the registry value, and every
//! file's bytes in both formats and both date forms), so that bounding memory changes no figure and no byte; and the
//! statistics read, which builds only what the figures use, gives exactly what the registry reads of the full
//! records.

#![allow(clippy::unwrap_used)]

mod common;

use common::{TestDb, clinic};
use ketapath_directory::ClinicId;
use ketapath_research::{
    DateForm, Export, ExportKey, ExportStream, Format, Registry, RegistryBuilder, RegistryConfig, ResearchPatient,
    StatsPatient, Visibility, build_export, patient_order, registry,
};
use ketapath_store::{ListingAuthor, ResearchReader, STATISTICS_SOURCES, Store, StoreError, SyntheticResearch};
use ketapath_testkit::on_both_backends;

/// Synthetic patients over three clinics, some not consenting, a few with adverse events.
async fn seed(store: &Store) {
    let clinics = [clinic("stream-a", 41.0, -87.0), clinic("stream-b", 40.0, -75.0), clinic("stream-c", 34.0, -118.0)];
    store.upsert_clinics(&clinics, ListingAuthor::AdminCli).await.unwrap();
    let spec = SyntheticResearch {
        clinics: clinics.iter().map(|c| c.id.clone()).collect::<Vec<ClinicId>>(),
        patients: 47,
        assessments_per_patient: 7,
        sessions_per_patient: 5,
        consent_share: 0.8,
        iv_share: 0.5,
        seed: 19,
    };
    let counts = store.insert_synthetic_research_for_benchmarks(&spec).await.unwrap();
    assert!(counts.adverse_events > 0, "the seed gives some adverse events to compare: {counts:?}");
}

/// The registry computed a page of `page` patients at a time.
async fn streamed_registry(reader: &ResearchReader, config: RegistryConfig, page: usize) -> Registry {
    let mut builder = RegistryBuilder::new(config);
    let mut pages = 0;
    reader
        .for_each_statistics_page(config.as_of, page, |patients| {
            assert!(patients.len() <= page, "a page holds at most {page} patients");
            pages += 1;
            builder.add_all(&patients).map_err(|e| Box::<dyn std::error::Error + Send + Sync>::from(e.to_string()))
        })
        .await
        .unwrap();
    assert!(pages >= 38 / page, "{pages} pages of {page}");
    builder.finish().unwrap()
}

/// Every file of the export, written a page of `page` patients at a time as the CLI writes them.
async fn streamed_files(
    reader: &ResearchReader,
    key: &ExportKey,
    store: &Store,
    form: DateForm,
    page: usize,
) -> Vec<(String, String)> {
    let as_of = store.now().date();
    let mut texts: Vec<(String, String)> = Vec::new();
    for format in [Format::Csv, Format::Ndjson] {
        let mut files: Vec<(String, String)> = Export { form, ..Export::default() }
            .files(format)
            .unwrap()
            .into_iter()
            .map(|f| (f.name, f.contents))
            .collect();
        let mut stream = ExportStream::new(key, as_of, form);
        reader
            .for_each_page_in_order(
                as_of,
                page,
                |id| patient_order(key, id),
                |patients| {
                    assert!(patients.len() <= page);
                    let part = stream.add_page(&patients).unwrap().files_part(format, false).unwrap();
                    for ((name, text), file) in files.iter_mut().zip(part) {
                        assert_eq!(*name, file.name);
                        text.push_str(&file.contents);
                    }
                    Ok::<_, StoreError>(())
                },
            )
            .await
            .unwrap();
        let totals = stream.finish().unwrap();
        let data_lines = files.iter().find(|(n, _)| n.starts_with("patients")).unwrap().1.lines().count();
        let header = usize::from(format == Format::Csv);
        assert_eq!(data_lines, totals.patients + header, "{format:?}: the totals count the rows written");
        texts.extend(files);
    }
    texts
}

/// Every file of the export built from all patients in one vector.
fn whole_files(patients: &[ResearchPatient], key: &ExportKey, store: &Store, form: DateForm) -> Vec<(String, String)> {
    let export = build_export(patients, key, store.now().date(), form).unwrap();
    [Format::Csv, Format::Ndjson]
        .into_iter()
        .flat_map(|format| export.files(format).unwrap().into_iter().map(|f| (f.name, f.contents)))
        .collect()
}

async fn pages_of_three_give_what_one_vector_gives(db: &TestDb) {
    let store = &db.store;
    seed(store).await;
    let as_of = store.now().date();
    let reader = store.research_reader_for_admin_cli_and_registry("test");
    let all = reader.statistics_patients(as_of).await.unwrap();
    assert!(all.len() > 30 && all.len() < 47, "some patients do not consent: {}", all.len());
    // The export's read builds every record; the statistics read only what the figures use, and exactly what the
    // registry reads of the full records: the same patients, courses, scores, sessions, gates and events in the
    // same order.
    let records = reader.patients(as_of).await.unwrap();
    assert_eq!(records.len(), all.len());
    assert!(records.iter().any(|p| p.sessions.iter().any(|s| !s.observations.is_empty())));
    let read_from_records: Vec<StatsPatient> = records.iter().map(StatsPatient::from_record).collect();
    assert!(all.iter().any(|p| p.sessions.iter().any(|s| s.bp_gate_checked)));
    assert!(all.iter().any(|p| !p.adverse_events.is_empty() && p.assessments.iter().any(|a| a.course.is_some())));
    assert_eq!(all, read_from_records, "the statistics read is the records read as the registry reads it");

    for visibility in [Visibility::default(), Visibility::OwnClinic] {
        let config = RegistryConfig { visibility, ..RegistryConfig::public(as_of) };
        let whole = registry(&all, &config).unwrap();
        assert!(!whole.outcomes.is_empty() && !whole.adverse_events.by_kind.is_empty());
        assert!(whole.bp_gate.blocked.is_some(), "the seed's pre-dose blood pressures give gate figures");
        assert_eq!(registry(&records, &config).unwrap(), whole, "{visibility:?}: the statistics read is enough");
        for page in [3, 1000] {
            assert_eq!(streamed_registry(&reader, config, page).await, whole, "{visibility:?}, pages of {page}");
        }
    }

    let key = ExportKey::from_bytes(&[7; 32]).unwrap();
    for form in [DateForm::Offsets, DateForm::Shifted] {
        let whole = whole_files(&records, &key, store, form);
        for page in [3, 1000] {
            let streamed = streamed_files(&reader, &key, store, form, page).await;
            for ((name, text), (whole_name, whole_text)) in streamed.iter().zip(&whole) {
                assert_eq!(name, whole_name);
                assert!(text == whole_text, "{form:?}, pages of {page}: {name} differs");
            }
            assert_eq!(streamed.len(), 10);
        }
    }
}

on_both_backends!(streamed_pages_equal_one_vector, super::pages_of_three_give_what_one_vector_gives);

/// On SQLite the research read steps the file directly (rusqlite) instead of through the driver; both readers give
/// the same patients, records and order, whole and in pages, for statistics and for the export's order. On
/// PostgreSQL both names are the one driver reader, so the comparison holds trivially there.
async fn the_direct_reader_gives_what_the_driver_gives(db: &TestDb) {
    let store = &db.store;
    seed(store).await;
    let as_of = store.now().date();
    let direct = store.research_reader_for_admin_cli_and_registry("test");
    let driver = direct.clone().through_driver_for_tests();
    let all = direct.statistics_patients(as_of).await.unwrap();
    assert!(all.iter().any(|p| !p.assessments.is_empty() && !p.sessions.is_empty()));
    assert_eq!(all, driver.statistics_patients(as_of).await.unwrap());
    let records = direct.patients(as_of).await.unwrap();
    assert_eq!(records, driver.patients(as_of).await.unwrap());

    let key = ExportKey::from_bytes(&[9; 32]).unwrap();
    let mut ordered: Vec<Vec<ResearchPatient>> = Vec::new();
    for reader in [&direct, &driver] {
        let mut read = Vec::new();
        reader
            .for_each_page_in_order(
                as_of,
                4,
                |id| patient_order(&key, id),
                |page| {
                    read.extend(page);
                    Ok::<_, StoreError>(())
                },
            )
            .await
            .unwrap();
        ordered.push(read);
    }
    assert_eq!(ordered[0].len(), all.len());
    assert_eq!(ordered[0], ordered[1]);
}

on_both_backends!(direct_reader_equals_driver, super::the_direct_reader_gives_what_the_driver_gives);

/// The registry's read through the stored statistics records (`refresh_statistics`) gives what the rows give: a
/// fresh record is read as stored, a stale, unreadable or old-format one is built from the rows, and a write to
/// any table a record is built from marks its patient stale in the same transaction (the migration's triggers).
async fn stored_records_read_as_the_rows(db: &TestDb) {
    let store = &db.store;
    seed(store).await;
    let as_of = store.now().date();
    let reader = store.research_reader_for_admin_cli_and_registry("test");
    let admin = store.unscoped_for_admin_cli_and_tests();
    let from_rows = |reader: &ResearchReader| {
        let reader = reader.clone();
        async move {
            let records = reader.patients(as_of).await.unwrap();
            records.iter().map(StatsPatient::from_record).collect::<Vec<StatsPatient>>()
        }
    };
    let expected = from_rows(&reader).await;
    // The seed wrote every patient: all are stale, so this read builds each from their rows.
    assert_eq!(reader.statistics_patients(as_of).await.unwrap(), expected);
    assert_eq!(reader.refresh_statistics().await.unwrap(), 47, "every patient was stale");
    assert_eq!(reader.refresh_statistics().await.unwrap(), 0, "nothing changed since");
    let stored = admin.execute_raw_sql("UPDATE research_statistics SET format = format").await.unwrap();
    assert_eq!(stored as usize, expected.len(), "a record for each consenting patient");
    assert_eq!(reader.statistics_patients(as_of).await.unwrap(), expected);
    for page in [1, 3, 1000] {
        assert_eq!(statistics_in_pages(&reader, as_of, page).await, expected, "pages of {page}");
    }

    // The read trusts a fresh record as stored: a record changed behind the store's back is what it reads...
    let first = "(SELECT MIN(patient_id) FROM research_statistics)";
    let forged = format!(
        "UPDATE research_statistics SET record = REPLACE(record, '\"phq9\"', '\"gad7\"') WHERE patient_id = {first}"
    );
    assert_eq!(admin.execute_raw_sql(&forged).await.unwrap(), 1);
    let read = reader.statistics_patients(as_of).await.unwrap();
    assert_ne!(read, expected);
    assert_eq!(read.len(), expected.len());
    // ...until a write marks the patient stale: then their rows are read again.
    let touch = format!("UPDATE patients SET updated_at = updated_at WHERE id = {first}");
    assert_eq!(admin.execute_raw_sql(&touch).await.unwrap(), 1);
    assert_eq!(reader.statistics_patients(as_of).await.unwrap(), expected);
    assert_eq!(reader.refresh_statistics().await.unwrap(), 1);
    // A record that does not read, or of another format, is never trusted.
    let last = "(SELECT MAX(patient_id) FROM research_statistics)";
    admin
        .execute_raw_sql(&format!("UPDATE research_statistics SET record = 'not a record' WHERE patient_id = {first}"))
        .await
        .unwrap();
    admin
        .execute_raw_sql(&format!("UPDATE research_statistics SET format = 0 WHERE patient_id = {last}"))
        .await
        .unwrap();
    assert_eq!(reader.statistics_patients(as_of).await.unwrap(), expected);

    // Each table the record is built from marks the patient of a changed row stale: an update of a row (whatever
    // it changes), an insert and a delete.
    let prescriber =
        common::staff(store, Some("stream-a"), ketapath_store::domain::Role::Prescriber, "p@example.org").await;
    let inserts = [
        "INSERT INTO research_consents (id, clinic_id, patient_id, status, decided_on, recorded_by, recorded_at) \
         SELECT 'consent-test', clinic_id, id, 'withdrawn', '2026-01-02', NULL, 1 FROM patients \
         WHERE id = (SELECT MIN(id) FROM patients WHERE clinic_id = 'stream-a')"
            .to_owned(),
        format!(
            "INSERT INTO gate_overrides (id, clinic_id, patient_id, session_id, gate, reason, rules, overridden_by, at, \
             created_at) SELECT 'override-test', clinic_id, patient_id, id, 'bp_gate', 'test', '{{}}', '{}', 1, 1 \
             FROM sessions WHERE id = (SELECT MIN(id) FROM sessions WHERE clinic_id = 'stream-a')",
            prescriber.user_id.to_text()
        ),
    ];
    let clear = "DELETE FROM research_statistics_stale";
    admin.execute_raw_sql(clear).await.unwrap();
    for insert in &inserts {
        assert_eq!(admin.execute_raw_sql(insert).await.unwrap(), 1);
        assert_eq!(admin.execute_raw_sql(clear).await.unwrap(), 1, "{insert}");
    }
    for &table in STATISTICS_SOURCES {
        let column = if table == "patients" { "id" } else { "patient_id" };
        let one = format!("id = (SELECT MIN(id) FROM {table})");
        let update = format!("UPDATE {table} SET {column} = {column} WHERE {one}");
        assert_eq!(admin.execute_raw_sql(&update).await.unwrap(), 1, "{table}");
        assert_eq!(admin.execute_raw_sql(clear).await.unwrap(), 1, "an update of {table} marks its patient");
        if !["patients", "courses", "sessions"].contains(&table) {
            assert_eq!(admin.execute_raw_sql(&format!("DELETE FROM {table} WHERE {one}")).await.unwrap(), 1);
            assert_eq!(admin.execute_raw_sql(clear).await.unwrap(), 1, "a delete from {table} marks its patient");
        }
    }
    // With the marks cleared by hand the read would trust records older than these writes; marked again, the
    // read equals the rows, and a refresh stores them.
    admin.execute_raw_sql("INSERT INTO research_statistics_stale SELECT id, clinic_id, 1 FROM patients").await.unwrap();
    let expected = from_rows(&reader).await;
    assert_eq!(reader.statistics_patients(as_of).await.unwrap(), expected);
    assert_eq!(reader.refresh_statistics().await.unwrap(), 47);
    assert_eq!(reader.statistics_patients(as_of).await.unwrap(), expected);
    // Stale and fresh patients mixed (a run of stale ids between fresh ones): pages of any size merge them in id
    // order, none skipped or read twice.
    let stale_run = "INSERT INTO research_statistics_stale SELECT id, clinic_id, 1 FROM patients \
                     WHERE id IN (SELECT id FROM patients ORDER BY id LIMIT 12 OFFSET 5)";
    assert_eq!(admin.execute_raw_sql(stale_run).await.unwrap(), 12);
    for page in [1, 2, 3, 7, 1000] {
        assert_eq!(statistics_in_pages(&reader, as_of, page).await, expected, "mixed, pages of {page}");
    }
    assert_eq!(reader.refresh_statistics().await.unwrap(), 12);
}

/// The statistics read in pages of `page` patients, joined.
async fn statistics_in_pages(reader: &ResearchReader, as_of: time::Date, page: usize) -> Vec<StatsPatient> {
    let mut read = Vec::new();
    reader
        .for_each_statistics_page(as_of, page, |patients| {
            assert!(!patients.is_empty() && patients.len() <= page, "{} patients in a page of {page}", patients.len());
            read.extend(patients);
            Ok::<_, StoreError>(())
        })
        .await
        .unwrap();
    read
}

on_both_backends!(stored_records_equal_the_rows, super::stored_records_read_as_the_rows);
