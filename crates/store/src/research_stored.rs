//! Each patient's statistics record as stored in `research_statistics` (migration 24): what the registry reads of
//! the patient, kept so that a registry run reads one row per patient instead of every row of nine tables.
//!
//! The record is JSON text of codes and numbers: instruments, modalities and event types by their codes (the same
//! codes the clinical tables store), dates as Julian days and times as microseconds, so that reordering an enum
//! or changing how a type serialises cannot change what a stored record means. A record of another [`FORMAT`] or
//! one that does not decode is never trusted: the read builds that patient from their rows instead.

use std::collections::HashSet;

use ketapath_clinical::instruments::Instrument;
use ketapath_clinical::protocols::Modality;
use ketapath_research::model::AdverseEventKind;
use ketapath_research::{Consent, ConsentStatus, StatsAssessment, StatsCourse, StatsPatient, StatsSession};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::Audit;
use crate::audited::AuditedTx;
use crate::clock::from_micros;
use crate::db::{Value, args};
use crate::error::StoreResult;
use crate::research::{Depth, Population, ResearchReader};
use crate::research_build::statistics_of_rows;
use crate::research_page::{PageRows, PageStart, Selection, fetch_rows};
use crate::rows::patient::{PATIENT_COLUMNS, PatientRow};
use crate::snapshot::Snapshot;

/// The stored records' layout; a change of layout is a new number, and records of an older one are rebuilt.
pub(crate) const FORMAT: i64 = 1;

/// One record as stored. The consent is the patient's decision, whatever the date: whether it stands is decided
/// at each read, for that read's date.
#[derive(Serialize, Deserialize)]
struct Stored<'a> {
    /// The decision and its date (Julian day).
    consent: (ConsentStatus, i32),
    /// Each course's modality code and start (Julian day).
    #[serde(borrow)]
    courses: Vec<(&'a str, i32)>,
    /// Each assessment: course position, instrument code, time (µs), total, whether it is the marked baseline.
    #[serde(borrow)]
    assessments: Vec<(Option<u32>, &'a str, i64, u16, bool)>,
    /// Each session: course position, start (µs), gate checked, blocked, overridden.
    sessions: Vec<(Option<u32>, i64, bool, bool, bool)>,
    /// Each adverse event's type code.
    #[serde(borrow)]
    events: Vec<&'a str>,
}

/// A patient's record as stored (the patient's clinic is a column of its own).
pub(crate) fn encode(patient: &StatsPatient) -> String {
    let stored = Stored {
        consent: (patient.consent.status, patient.consent.date.to_julian_day()),
        courses: patient.courses.iter().map(|c| (c.modality.code(), c.started_on.to_julian_day())).collect(),
        assessments: patient
            .assessments
            .iter()
            .map(|a| (a.course, a.instrument.code(), micros(a.taken_at), a.total, a.baseline))
            .collect(),
        sessions: patient
            .sessions
            .iter()
            .map(|s| (s.course, micros(s.started_at), s.bp_gate_checked, s.bp_gate_blocked, s.bp_gate_overridden))
            .collect(),
        events: patient.adverse_events.iter().map(|&e| e.code()).collect(),
    };
    // A struct of numbers, booleans and static codes always serialises.
    serde_json::to_string(&stored).unwrap_or_default()
}

/// The stored record of a patient of `clinic_id`, or `None` when it cannot be read (the caller rebuilds it).
pub(crate) fn decode(clinic_id: &str, record: &str) -> Option<StatsPatient> {
    let stored: Stored = serde_json::from_str(record).ok()?;
    let date = |day: i32| Date::from_julian_day(day).ok();
    let time = |at: i64| from_micros("research_statistics", at).ok();
    let courses = stored
        .courses
        .iter()
        .map(|&(modality, start)| {
            Some(StatsCourse { modality: Modality::parse(modality).ok()?, started_on: date(start)? })
        })
        .collect::<Option<Vec<_>>>()?;
    let assessments = stored
        .assessments
        .iter()
        .map(|&(course, instrument, at, total, baseline)| {
            Some(StatsAssessment {
                course,
                instrument: Instrument::parse(instrument).ok()?,
                taken_at: time(at)?,
                total,
                baseline,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    let sessions = stored
        .sessions
        .iter()
        .map(|&(course, at, checked, blocked, overridden)| {
            Some(StatsSession {
                course,
                started_at: time(at)?,
                bp_gate_checked: checked,
                bp_gate_blocked: blocked,
                bp_gate_overridden: overridden,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    let adverse_events =
        stored.events.iter().map(|code| AdverseEventKind::parse(code).ok()).collect::<Option<Vec<_>>>()?;
    // A course position past the patient's courses would send the registry out of bounds: not a record to trust.
    let positions = stored.assessments.iter().map(|a| a.0).chain(stored.sessions.iter().map(|s| s.0));
    if positions.flatten().any(|p| p as usize >= courses.len()) {
        return None;
    }
    Some(StatsPatient {
        clinic_id: clinic_id.to_owned(),
        consent: Consent { status: stored.consent.0, date: date(stored.consent.1)? },
        courses,
        assessments,
        sessions,
        adverse_events,
    })
}

fn micros(at: OffsetDateTime) -> i64 {
    i64::try_from(at.unix_timestamp_nanos() / 1_000).unwrap_or(i64::MAX)
}

/// A patient's stored record as a page reads it.
#[derive(Debug, sqlx::FromRow, serde::Deserialize)]
struct StoredRow {
    patient_id: String,
    clinic_id: String,
    format: i64,
    record: String,
}

/// A patient marked stale since their record was stored (or who has none yet), and the mark's version.
#[derive(Debug, sqlx::FromRow, serde::Deserialize)]
struct StaleRow {
    patient_id: String,
    clinic_id: String,
    version: i64,
}

/// The next page of the registry's read after the patient id `after`: patients whose stored record is fresh
/// are decoded from it, the others (stale, or whose record does not read) are built from their rows in the same
/// snapshot, so that the page is what a read of the rows alone would give (test `stored_records_read_as_the_rows`).
///
/// The page is the next `page` stored records merged with the next `page` stale marks, both in patient id order,
/// cut at the first of the two lists that was full, so that no patient is skipped or read twice and memory holds
/// two pages at most even when every patient is stale.
pub(crate) async fn fetch_stored_page(
    tx: &mut Snapshot,
    page: usize,
    after: &str,
    start: tokio::sync::oneshot::Sender<Option<PageStart>>,
) -> StoreResult<Option<PageRows>> {
    let limit = page.max(1);
    // Through the driver row by row on PostgreSQL: a record is one JSON text, which the database's JSON array of
    // rows would escape once more and this side unescape again.
    let mut stored: Vec<StoredRow> = tx
        .all(
            "research_statistics",
            "SELECT patient_id, clinic_id, format, record FROM research_statistics WHERE patient_id > $1 \
             ORDER BY patient_id LIMIT $2",
            &args![after, limit as i64],
        )
        .await?;
    stored.sort_unstable_by(|a, b| a.patient_id.cmp(&b.patient_id));
    // Past a full list of stored records no mark belongs to this page. Bounding the marks' read there also keeps
    // it short on PostgreSQL after a refresh, whose deleted marks stay in the index until a vacuum: an unbounded
    // read would walk every later one on each page.
    let upper = (stored.len() == limit).then(|| stored.last().map(|r| r.patient_id.clone())).flatten();
    let mut stale = stale_after(tx, after, upper.as_deref(), limit).await?;
    // The page ends at the last id of a list that was full: the next page starts after it.
    let cut = [
        (stored.len() == limit).then(|| stored.last().map(|r| r.patient_id.clone())).flatten(),
        (stale.len() == limit).then(|| stale.last().map(|r| r.patient_id.clone())).flatten(),
    ]
    .into_iter()
    .flatten()
    .min();
    if let Some(cut) = &cut {
        stored.retain(|r| r.patient_id <= *cut);
        stale.retain(|r| r.patient_id <= *cut);
    }
    let last = [stored.last().map(|r| &r.patient_id), stale.last().map(|r| &r.patient_id)].into_iter().flatten().max();
    let Some(last) = last.cloned() else {
        let _ = start.send(None);
        return Ok(None);
    };
    // The reader waiting for where the next page starts may have stopped on an error of its own: nothing to tell.
    let _ = start.send(Some(PageStart { last, full: cut.is_some() }));

    // Stale patients, and those whose record is of another format or does not read, are built from their rows.
    let mut rebuild: Vec<(String, String)> = stale.into_iter().map(|r| (r.patient_id, r.clinic_id)).collect();
    let stale_ids: HashSet<&str> = rebuild.iter().map(|(id, _)| id.as_str()).collect();
    let mut fresh: Vec<(Uuid, StatsPatient)> = Vec::with_capacity(stored.len());
    let mut unreadable: Vec<(String, String)> = Vec::new();
    for row in stored {
        if stale_ids.contains(row.patient_id.as_str()) {
            continue;
        }
        let decoded = (row.format == FORMAT)
            .then(|| decode(&row.clinic_id, &row.record))
            .flatten()
            .zip(Uuid::try_parse(&row.patient_id).ok());
        match decoded {
            Some((patient, id)) => fresh.push((id, patient)),
            None => unreadable.push((row.patient_id, row.clinic_id)),
        }
    }
    rebuild.extend(unreadable);
    let mut rows = rows_of(tx, &rebuild).await?;
    rows.stored = fresh;
    Ok(Some(rows))
}

/// The next `limit` stale marks after the patient id `after` (up to `upto`, when given), in id order.
async fn stale_after(tx: &mut Snapshot, after: &str, upto: Option<&str>, limit: usize) -> StoreResult<Vec<StaleRow>> {
    const SELECT: &str = "SELECT patient_id, clinic_id, version FROM research_statistics_stale WHERE patient_id > $1";
    let mut stale: Vec<StaleRow> = match upto {
        Some(upto) => {
            let sql = format!("{SELECT} AND patient_id <= $2 ORDER BY patient_id LIMIT $3");
            tx.all("research_statistics_stale", &sql, &args![after, upto, limit as i64]).await?
        }
        None => {
            let sql = format!("{SELECT} ORDER BY patient_id LIMIT $2");
            tx.all("research_statistics_stale", &sql, &args![after, limit as i64]).await?
        }
    };
    stale.sort_unstable_by(|a, b| a.patient_id.cmp(&b.patient_id));
    Ok(stale)
}

/// Every table's rows, at the statistics depth, of the patients `(id, clinic)`, patients in id order.
async fn rows_of(tx: &mut Snapshot, patients: &[(String, String)]) -> StoreResult<PageRows> {
    let mut clinics: Vec<String> = patients.iter().map(|(_, clinic)| clinic.clone()).collect();
    clinics.sort_unstable();
    clinics.dedup();
    let ids: Vec<String> = patients.iter().map(|(id, _)| id.clone()).collect();
    // No patient, no query: an empty `IN ()` is an error on PostgreSQL.
    let (Some(low), Some(high)) = (ids.iter().min(), ids.iter().max()) else { return Ok(PageRows::default()) };
    // A few patients are sought one by one; many (a first read, before any record is stored) as the id range they
    // span, whose other patients' rows the build leaves out since they are not among the page's patients.
    let selection = if ids.len() * clinics.len() <= SOUGHT_ONE_BY_ONE {
        Selection::Ids { clinics: &clinics, ids: &ids }
    } else {
        Selection::Range { clinics: &clinics, low, high }
    };
    let (clause, values) = Selection::Ids { clinics: &clinics, ids: &ids }.clause("id");
    let mut patients: Vec<PatientRow> =
        tx.rows("patients", PATIENT_COLUMNS, &format!("patients WHERE {clause}"), &values).await?;
    patients.sort_unstable_by(|a, b| a.id.cmp(&b.id));
    fetch_rows(tx, patients, &selection, Depth::Statistics).await
}

/// Above this many (patient, clinic) pairs, a page's rows are read by id range rather than patient by patient.
const SOUGHT_ONE_BY_ONE: usize = 4_096;

/// How many stale patients a refresh rebuilds and writes in one transaction.
const REFRESH_PAGE: usize = 2_000;
/// Rows per statement of a refresh's writes (each row binds at most four values).
const ROWS_PER_STATEMENT: usize = 250;

/// Builds and stores the record of every patient marked stale, a page at a time, and clears each mark that no
/// write has moved since its page was read. Returns how many stale patients were handled.
///
/// Each page is read in a snapshot of its own and written in one audited transaction (one audit event per page,
/// naming no patient). A write that lands between the two leaves its newer mark in place: the record written
/// then is of the rows before it, and every read builds that patient from their rows until the next refresh.
pub(crate) async fn refresh(reader: &ResearchReader) -> StoreResult<u64> {
    let mut after = String::new();
    let mut handled = 0;
    loop {
        let mut tx = Snapshot::open(reader.store(), reader.sqlite()).await?;
        let stale = stale_after(&mut tx, &after, None, REFRESH_PAGE).await?;
        let Some(last) = stale.last() else { break };
        after = last.patient_id.clone();
        let pairs: Vec<(String, String)> = stale.iter().map(|r| (r.patient_id.clone(), r.clinic_id.clone())).collect();
        let rows = rows_of(&mut tx, &pairs).await?;
        // The read is over: the write below must not wait behind it.
        drop(tx);
        let built = statistics_of_rows(rows, Population::Decided)?;
        let mut write = AuditedTx::begin(reader.store(), reader.auditor()).await?;
        for chunk in stale.chunks(ROWS_PER_STATEMENT) {
            let ids: Vec<Value> = chunk.iter().map(|r| Value::from(r.patient_id.as_str())).collect();
            let sql =
                format!("DELETE FROM research_statistics WHERE patient_id IN ({})", placeholders(1, ids.len(), 1));
            write.execute(&sql, &ids).await?;
        }
        for chunk in built.chunks(ROWS_PER_STATEMENT) {
            let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * 4);
            for (id, patient) in chunk {
                values.extend([
                    Value::from(id.hyphenated().to_string().as_str()),
                    Value::from(patient.clinic_id.as_str()),
                    Value::from(FORMAT),
                    Value::from(encode(patient).as_str()),
                ]);
            }
            let sql = format!(
                "INSERT INTO research_statistics (patient_id, clinic_id, format, record) VALUES {}",
                placeholders(1, chunk.len(), 4)
            );
            write.execute(&sql, &values).await?;
        }
        for chunk in stale.chunks(ROWS_PER_STATEMENT) {
            let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * 2);
            for r in chunk {
                values.extend([Value::from(r.patient_id.as_str()), Value::from(r.version)]);
            }
            let sql = format!(
                "DELETE FROM research_statistics_stale WHERE (patient_id, version) IN (VALUES {})",
                placeholders(1, chunk.len(), 2)
            );
            write.execute(&sql, &values).await?;
        }
        write.commit_with(Audit::update("research_statistics", format!("{} patients", stale.len()))).await?;
        handled += stale.len() as u64;
        if stale.len() < REFRESH_PAGE {
            break;
        }
    }
    Ok(handled)
}

/// `($from, …), ($from+width, …), …`: `rows` groups of `width` numbered placeholders (one group of one is `$from`).
fn placeholders(from: usize, rows: usize, width: usize) -> String {
    let group = |r: usize| {
        let cells: Vec<String> = (0..width).map(|c| format!("${}", from + r * width + c)).collect();
        if width == 1 { cells.join(", ") } else { format!("({})", cells.join(", ")) }
    };
    (0..rows).map(group).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::research_page::statistics_tables;
    use crate::sqlite_read::open_read_only;
    use crate::tables::STATISTICS_SOURCES;
    use crate::{OpenMode, Store};

    /// Every table the statistics read takes rows from has the triggers that mark a changed patient stale (an
    /// insert, an update, a delete, and an update that moves a row to another patient), so a table added to the
    /// read without them fails here instead of leaving stored records silently out of date.
    #[tokio::test]
    async fn every_table_the_record_is_built_from_marks_its_patient() {
        for table in statistics_tables() {
            assert!(
                STATISTICS_SOURCES.contains(&table),
                "{table} is read for the statistics but marks no patient stale"
            );
        }
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("triggers.db");
        let store =
            Store::open(&format!("sqlite://{}", path.display()), OpenMode::CreateIfMissing).await.expect("the store");
        store.migrate().await.expect("the migrations");
        let conn = open_read_only(&path).expect("a read-only connection");
        for table in STATISTICS_SOURCES {
            let triggers: i64 = conn
                .query_row(
                    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?1 \
                     AND sql LIKE '%research_statistics_stale%'",
                    [*table],
                    |row| row.get(0),
                )
                .expect("the triggers");
            assert_eq!(triggers, 4, "{table}");
        }
    }

    fn patient() -> StatsPatient {
        let at = |s: i64| OffsetDateTime::from_unix_timestamp(1_780_000_000 + s).expect("a time");
        StatsPatient {
            clinic_id: "clinic-a".to_owned(),
            consent: Consent { status: ConsentStatus::Given, date: Date::from_julian_day(2_461_000).expect("a day") },
            courses: vec![StatsCourse {
                modality: Modality::EsketamineNasal,
                started_on: Date::from_julian_day(2_461_010).expect("a day"),
            }],
            assessments: vec![
                StatsAssessment {
                    course: Some(0),
                    instrument: Instrument::Phq9,
                    taken_at: at(0),
                    total: 21,
                    baseline: true,
                },
                StatsAssessment {
                    course: None,
                    instrument: Instrument::Gad7,
                    taken_at: at(60),
                    total: 7,
                    baseline: false,
                },
            ],
            sessions: vec![StatsSession {
                course: Some(0),
                started_at: at(30),
                bp_gate_checked: true,
                bp_gate_blocked: false,
                bp_gate_overridden: true,
            }],
            adverse_events: vec![AdverseEventKind::Nausea],
        }
    }

    /// The stored text is pinned: a change to it is a change of [`FORMAT`], or old records would be misread.
    #[test]
    fn a_record_is_stored_as_codes_and_numbers_and_reads_back_equal() {
        let p = patient();
        let text = encode(&p);
        assert_eq!(
            text,
            r#"{"consent":["given",2461000],"courses":[["esketamine_nasal",2461010]],"assessments":[[0,"phq9",1780000000000000,21,true],[null,"gad7",1780000060000000,7,false]],"sessions":[[0,1780000030000000,true,false,true]],"events":["nausea"]}"#
        );
        assert_eq!(decode("clinic-a", &text), Some(p));
    }

    #[test]
    fn a_record_that_does_not_read_is_not_trusted() {
        let good = encode(&patient());
        for bad in [
            String::new(),
            "{}".to_owned(),
            good.replace("phq9", "phq10"),
            good.replace("esketamine_nasal", "ayahuasca"),
            good.replace("nausea", "free text"),
            // A course position past the patient's one course.
            good.replace("[0,\"phq9\"", "[1,\"phq9\""),
            good.replace("2461010", "999999999"),
        ] {
            assert_eq!(decode("clinic-a", &bad), None, "{bad}");
        }
    }
}
