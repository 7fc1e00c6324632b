//! The pages of the research read: which patients a page holds and every table's rows of a page, fetched from the
//! run's one snapshot; `research_build.rs` builds the records from those rows. Fetching and building are separate
//! steps so that the next page's rows are read while this page's records are built and counted.

use std::collections::VecDeque;

use ketapath_research::StatsPatient;
use uuid::Uuid;

use crate::db::{Value, args};
use crate::error::{StoreError, StoreResult};
use crate::research::{ConsentRow, Depth, Population};
use crate::research_build::PageBuild;
use crate::rows::patient::{PATIENT_COLUMNS, PatientRow};
use crate::rows::research as rr;
use crate::snapshot::Snapshot;

#[derive(Debug, serde::Deserialize)]
pub(crate) struct AddressRow {
    pub(crate) patient_id: Uuid,
    pub(crate) street: Option<String>,
    pub(crate) city: Option<String>,
    pub(crate) state: Option<String>,
    pub(crate) zip: Option<String>,
}

/// What selects the pages of a run in id order: the clinic (or every clinic), whose consent flags count, how
/// much is read, and how many patients a page holds.
#[derive(Debug, Clone)]
struct PageQuery {
    clinic: Option<String>,
    /// Every patient has the flag as true or false, so "flag is true or flag is false" is every patient.
    consent_flags: [bool; 2],
    depth: Depth,
    page: usize,
    /// Whether patients whose stored statistics record is fresh are read from it (`research_stored.rs`): the
    /// registry's read across clinics. A clinic's own read is small and reads its rows.
    stored: bool,
}

/// Reads the patients of `population`, of one clinic or of every clinic (`None`), page by page in id order,
/// handing each page's records, built by `build`, to `f`.
///
/// Across clinics a page is the next ids whatever their clinic, and each table is read for the page's clinics and
/// id range: patients registered together have their records stored together, so a page's rows come from a few
/// neighbouring database pages instead of one page per clinic per patient (reading clinic by clinic read most
/// table pages once per clinic on them).
///
/// Each of `readers` (read transactions that see one snapshot) fetches a page's rows in a task of its own, so that
/// the next pages are read while this page's records are built and handed to `f`: on a SQLite file a fetch steps
/// SQLite on a blocking thread and decodes the rows there. A page starts as soon as a reader is free and the page
/// before has read its patients (which tells where the next page starts); pages reach `f` in id order.
pub(crate) async fn read_patients<P, F, E>(
    readers: Vec<Snapshot>,
    clinic: Option<&str>,
    population: Population,
    build: PageBuild<P>,
    page: usize,
    f: &mut F,
) -> Result<u64, E>
where
    F: FnMut(Vec<P>) -> Result<(), E>,
    E: From<StoreError>,
{
    let query = PageQuery {
        clinic: clinic.map(str::to_owned),
        consent_flags: match population {
            Population::Consenting { .. } | Population::Decided => [true, true],
            Population::AllOfClinic => [true, false],
        },
        depth: build.depth,
        page: page.max(1),
        stored: clinic.is_none()
            && build.depth == Depth::Statistics
            && matches!(population, Population::Consenting { .. }),
    };
    let mut idle: Vec<Snapshot> = readers;
    let mut fetching: VecDeque<tokio::task::JoinHandle<(Snapshot, StoreResult<Option<PageRows>>)>> = VecDeque::new();
    // Where the next page starts, while another may follow.
    let mut next_after = Some(String::new());
    let mut total = 0;
    loop {
        while next_after.is_some() && !idle.is_empty() {
            let (Some(after), Some(tx)) = (next_after.take(), idle.pop()) else { break };
            let (start, started) = tokio::sync::oneshot::channel();
            fetching.push_back(tokio::spawn(fetch_next(tx, query.clone(), after, start)));
            // A page that failed to read its patients says nothing: its task's result tells why.
            next_after = match started.await {
                Ok(Some(PageStart { last, full: true })) => Some(last),
                Ok(_) | Err(_) => None,
            };
        }
        let Some(pending) = fetching.pop_front() else { break };
        let (tx, rows) =
            pending.await.map_err(|e| StoreError::Unsupported(format!("the research read stopped: {e}")))?;
        idle.push(tx);
        let Some(rows) = rows? else { break };
        let patients = (build.build)(rows, population)?;
        total += patients.len() as u64;
        if !patients.is_empty() {
            f(patients)?;
        }
    }
    Ok(total)
}

/// Where a page's patients end: the next page holds the ids after `last`, if the page was `full`.
pub(crate) struct PageStart {
    pub(crate) last: String,
    pub(crate) full: bool,
}

/// The rows of the page of `query` whose ids follow `after`, or `None` after the last page; `start` is told where
/// the page ends as soon as its patients are read. Takes the snapshot and gives it back, so that it can run as a
/// task of its own.
async fn fetch_next(
    mut tx: Snapshot,
    query: PageQuery,
    after: String,
    start: tokio::sync::oneshot::Sender<Option<PageStart>>,
) -> (Snapshot, StoreResult<Option<PageRows>>) {
    let fetched = fetch_after(&mut tx, &query, &after, start).await;
    (tx, fetched)
}

async fn fetch_after(
    tx: &mut Snapshot,
    query: &PageQuery,
    after: &str,
    start: tokio::sync::oneshot::Sender<Option<PageStart>>,
) -> StoreResult<Option<PageRows>> {
    if query.stored {
        return crate::research_stored::fetch_stored_page(tx, query.page, after, start).await;
    }
    // The clinic, when one is asked for, is `$1`; the other values follow it in order.
    let (filter, mut bound) = match &query.clinic {
        Some(clinic) => ("clinic_id = $1 AND", args![clinic.as_str()].to_vec()),
        None => ("", Vec::new()),
    };
    let n = bound.len();
    bound.extend(args![query.consent_flags[0], query.consent_flags[1], after, query.page as i64]);
    let sql = format!(
        "(SELECT {PATIENT_COLUMNS} FROM patients WHERE {filter} (research_consent = ${} OR research_consent = ${}) \
         AND id > ${} ORDER BY id LIMIT ${}) page",
        n + 1,
        n + 2,
        n + 3,
        n + 4
    );
    let mut patients: Vec<PatientRow> = tx.rows("patients", PATIENT_COLUMNS, &sql, &bound).await?;
    patients.sort_unstable_by(|a, b| a.id.cmp(&b.id));
    let (Some(first), Some(last)) = (patients.first(), patients.last()) else {
        let _ = start.send(None);
        return Ok(None);
    };
    let (low, high) = (first.id.clone(), last.id.clone());
    // The reader waiting for where the next page starts may have stopped on an error of its own: nothing to tell.
    let _ = start.send(Some(PageStart { last: high.clone(), full: patients.len() == query.page }));
    let mut clinics: Vec<String> = patients.iter().map(|r| r.clinic_id.clone()).collect();
    clinics.sort_unstable();
    clinics.dedup();
    let selection = Selection::Range { clinics: &clinics, low: &low, high: &high };
    fetch_rows(tx, patients, &selection, query.depth).await.map(Some)
}

/// Which patients a page holds.
pub(crate) enum Selection<'a> {
    /// The ids from `low` to `high`, both included, of these clinics (a keyset page in id order).
    Range { clinics: &'a [String], low: &'a str, high: &'a str },
    /// Exactly these ids, of these clinics.
    Ids { clinics: &'a [String], ids: &'a [String] },
}

impl Selection<'_> {
    /// The `WHERE` clause selecting the page's rows of a table whose patient id column is `column`, and its values.
    pub(crate) fn clause(&self, column: &str) -> (String, Vec<Value>) {
        /// `$from, $from+1, …` for `n` values.
        fn placeholders(from: usize, n: usize) -> String {
            (from..from + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
        }
        match self {
            Selection::Range { clinics, low, high } => {
                let mut values: Vec<Value> = vec![(*low).into(), (*high).into()];
                values.extend(clinics.iter().map(|c| Value::from(c.as_str())));
                let clause =
                    format!("{column} >= $1 AND {column} <= $2 AND clinic_id IN ({})", placeholders(3, clinics.len()));
                (clause, values)
            }
            Selection::Ids { clinics, ids } => {
                let mut values: Vec<Value> = Vec::with_capacity(clinics.len() + ids.len());
                values.extend(clinics.iter().map(|c| Value::from(c.as_str())));
                values.extend(ids.iter().map(|id| Value::from(id.as_str())));
                let clause = format!(
                    "clinic_id IN ({}) AND {column} IN ({})",
                    placeholders(1, clinics.len()),
                    placeholders(clinics.len() + 1, ids.len())
                );
                (clause, values)
            }
        }
    }
}

/// Every table's rows of one page of patients, as stored, before any record is built.
#[derive(Default)]
pub(crate) struct PageRows {
    pub(crate) patients: Vec<PatientRow>,
    pub(crate) consents: Vec<ConsentRow>,
    /// Empty at the statistics depth.
    pub(crate) addresses: Vec<AddressRow>,
    pub(crate) courses: Vec<rr::CourseRow>,
    pub(crate) doses: Vec<rr::DoseRow>,
    /// Only the blood pressures at the statistics depth.
    pub(crate) observations: Vec<rr::ObservationRow>,
    pub(crate) sessions: Vec<rr::SessionRow>,
    /// `(session id, gate)` of every gate override.
    pub(crate) overrides: Vec<(String, String)>,
    pub(crate) events: Vec<rr::AdverseEventRow>,
    pub(crate) assessments: Vec<rr::AssessmentRow>,
    /// The page's patients read from their stored statistics records (in id order, consent as decided), beside
    /// those built from the rows above.
    pub(crate) stored: Vec<(Uuid, StatsPatient)>,
}

/// How a page reads one table: the columns both depths take, those only the full read takes, and what the
/// statistics read takes of the table.
pub(crate) struct TableRead {
    table: &'static str,
    columns: &'static str,
    text_columns: Option<&'static str>,
    /// `Some("")` when the statistics read takes every row, `Some(" AND …")` for a condition it adds after the
    /// page's clause, `None` when it does not read the table.
    statistics: Option<&'static str>,
}

impl TableRead {
    /// The columns and the `FROM` part (table and `WHERE`) of this table's read for a page's `clause`; `None` when
    /// the depth does not read the table.
    pub(crate) fn sql(&self, clause: &str, depth: Depth) -> Option<(String, String)> {
        let (columns, filter) = match depth {
            Depth::Records => (
                self.text_columns.map_or_else(|| self.columns.to_owned(), |text| format!("{}, {text}", self.columns)),
                "",
            ),
            Depth::Statistics => (self.columns.to_owned(), self.statistics?),
        };
        Some((columns, format!("{} WHERE {clause}{filter}", self.table)))
    }

    async fn rows<R: serde::de::DeserializeOwned + Send + 'static>(
        &self,
        tx: &mut Snapshot,
        (clause, values): (&str, &[Value]),
        depth: Depth,
    ) -> StoreResult<Vec<R>> {
        match self.sql(clause, depth) {
            Some((columns, from)) => tx.rows(self.table, &columns, &from, values).await,
            None => Ok(Vec::new()),
        }
    }
}

const CONSENTS: TableRead = TableRead {
    table: "research_consents",
    columns: "id, patient_id, status, decided_on, recorded_by, recorded_at",
    text_columns: None,
    statistics: Some(""),
};
/// Addresses are identifiers: the statistics never read them.
const ADDRESSES: TableRead = TableRead {
    table: "patient_addresses",
    columns: "patient_id, street, city, state, zip",
    text_columns: None,
    statistics: None,
};
const COURSES: TableRead = TableRead {
    table: "courses",
    columns: rr::COURSE_COLUMNS,
    text_columns: Some(rr::COURSE_TEXT_COLUMNS),
    statistics: Some(""),
};
const DOSES: TableRead =
    TableRead { table: "dose_records", columns: rr::DOSE_COLUMNS, text_columns: None, statistics: Some("") };
/// The statistics need only the blood pressures, for the pre-dose gate; the full read takes every measurement the
/// export has a column for.
const OBSERVATIONS: TableRead = TableRead {
    table: "observations",
    columns: rr::OBSERVATION_COLUMNS,
    text_columns: None,
    statistics: Some(" AND kind = 'blood_pressure'"),
};
const SESSIONS: TableRead = TableRead {
    table: "sessions",
    columns: rr::SESSION_COLUMNS,
    text_columns: Some(rr::SESSION_TEXT_COLUMNS),
    statistics: Some(""),
};
const EVENTS: TableRead = TableRead {
    table: "adverse_events",
    columns: rr::ADVERSE_EVENT_COLUMNS,
    text_columns: Some(rr::ADVERSE_EVENT_TEXT_COLUMNS),
    statistics: Some(""),
};
const ASSESSMENTS: TableRead =
    TableRead { table: "assessments", columns: rr::ASSESSMENT_COLUMNS, text_columns: None, statistics: Some("") };

/// Every table the statistics read takes rows from: the tables `fetch_rows` reads whose `TableRead` the
/// statistics read takes, the patients and the gate overrides (`research_stored.rs` checks that each marks its
/// patient's stored record stale when it changes).
#[cfg(test)]
pub(crate) fn statistics_tables() -> Vec<&'static str> {
    let reads = [&CONSENTS, &ADDRESSES, &COURSES, &DOSES, &OBSERVATIONS, &SESSIONS, &EVENTS, &ASSESSMENTS];
    let mut tables = vec!["patients", "gate_overrides"];
    tables.extend(reads.iter().filter(|t| t.statistics.is_some()).map(|t| t.table));
    tables
}

/// The tables read from an index holding every column the statistics read selects (migrations 22 and 23), so
/// that no row is looked up in its table; the test below holds it. Consents, adverse events and gate overrides are
/// a few rows per hundred patients.
#[cfg(test)]
const COVERED: [&TableRead; 5] = [&ASSESSMENTS, &COURSES, &DOSES, &OBSERVATIONS, &SESSIONS];

/// Reads every table of the page of `patients` that `selection` names.
pub(crate) async fn fetch_rows(
    tx: &mut Snapshot,
    patients: Vec<PatientRow>,
    selection: &Selection<'_>,
    depth: Depth,
) -> StoreResult<PageRows> {
    let (clause, values) = selection.clause("patient_id");
    let page = (clause.as_str(), values.as_slice());
    Ok(PageRows {
        patients,
        consents: CONSENTS.rows(tx, page, depth).await?,
        addresses: ADDRESSES.rows(tx, page, depth).await?,
        courses: COURSES.rows(tx, page, depth).await?,
        doses: DOSES.rows(tx, page, depth).await?,
        observations: OBSERVATIONS.rows(tx, page, depth).await?,
        sessions: SESSIONS.rows(tx, page, depth).await?,
        overrides: tx
            .all("gate_overrides", &format!("SELECT session_id, gate FROM gate_overrides WHERE {clause}"), &values)
            .await?,
        events: EVENTS.rows(tx, page, depth).await?,
        assessments: ASSESSMENTS.rows(tx, page, depth).await?,
        stored: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::{COVERED, Selection};
    use crate::research::Depth;
    use crate::sqlite_read::{numbered_placeholders, open_read_only};
    use crate::{OpenMode, Store};

    /// On SQLite, the statistics read of assessments, sessions, doses, blood pressures and courses finds all the
    /// columns it selects in one index (the plan says `COVERING INDEX`): a column added to the read but not to its index
    /// would look up every row in its table again.
    #[tokio::test]
    async fn the_statistics_read_never_looks_up_a_table_row() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("plan.db");
        let store =
            Store::open(&format!("sqlite://{}", path.display()), OpenMode::CreateIfMissing).await.expect("the store");
        store.migrate().await.expect("the migrations");
        let conn = open_read_only(&path).expect("a read-only connection");
        let clinics = ["c1".to_owned(), "c2".to_owned(), "c3".to_owned()];
        let selection = Selection::Range { clinics: &clinics, low: "a", high: "b" };
        let (clause, _) = selection.clause("patient_id");
        for table in COVERED {
            let (columns, from) = table.sql(&clause, Depth::Statistics).expect("a table the statistics read");
            let sql = numbered_placeholders(&format!("EXPLAIN QUERY PLAN SELECT {columns} FROM {from}"));
            let mut statement = conn.prepare(&sql).expect("the plan's statement");
            // The page's bounds and clinics, in the order of the clause's placeholders.
            let values = ["a", "b", "c1", "c2", "c3"];
            let plan: Vec<String> = statement
                .query_map(rusqlite::params_from_iter(values), |row| row.get::<_, String>(3))
                .expect("the plan")
                .collect::<Result<_, _>>()
                .expect("the plan's rows");
            assert!(plan.iter().any(|step| step.contains("USING COVERING INDEX")), "{}: {plan:?}", table.table);
        }
    }
}
