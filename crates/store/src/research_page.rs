//! The pages of the research read: which patients a page holds, every table's rows of a page fetched from the
//! run's one snapshot, and the research records built from those rows. Fetching and building are separate steps
//! so that the next page's rows are read while this page's records are built and counted.

use std::collections::{HashMap, HashSet};

use ketapath_clinical::instruments::Instrument;
use ketapath_clinical::protocols::{BloodPressure, Modality, ProtocolSettings};
use ketapath_research::model as rm;
use ketapath_research::{Consent, ResearchPatient, consent::eligible};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::clock::{date_from_text_opt, from_micros, from_micros_opt};
use crate::db::{Value, args};
use crate::domain::{AeSeverity, Measurement};
use crate::error::{StoreError, StoreResult};
use crate::research::{ConsentRow, Depth, Population, bp_gate_from_records, consent_decision};
use crate::rows::parse_code;
use crate::rows::patient::{PATIENT_COLUMNS, PatientRow, parse_instrument};
use crate::rows::research as rr;
use crate::snapshot::Snapshot;

#[derive(Debug, serde::Deserialize)]
struct AddressRow {
    patient_id: Uuid,
    street: Option<String>,
    city: Option<String>,
    state: Option<String>,
    zip: Option<String>,
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
}

/// A page's rows, and where the next page starts.
struct Fetched {
    rows: PageRows,
    /// The page's last patient id: the next page holds the ids after it.
    last: String,
    /// Whether the page was full, so that another may follow.
    full: bool,
}

/// Reads the patients of `population`, of one clinic or of every clinic (`None`), page by page in id order,
/// handing each page's records to `f`.
///
/// Across clinics a page is the next ids whatever their clinic, and each table is read for the page's clinics and
/// id range: patients registered together have their records stored together, so a page's rows come from a few
/// neighbouring database pages instead of one page per clinic per patient (reading clinic by clinic read most
/// table pages once per clinic on them).
///
/// The next page's rows are fetched by a task of their own while this page's records are built and handed to
/// `f`: on a SQLite file the fetch steps SQLite on a blocking thread and decodes the rows there, so the two cores
/// of a small server each do half of the work (the snapshot moves to that task and comes back with the rows).
pub(crate) async fn read_patients<F, E>(
    tx: Snapshot,
    clinic: Option<&str>,
    population: Population,
    depth: Depth,
    page: usize,
    f: &mut F,
) -> Result<u64, E>
where
    F: FnMut(Vec<ResearchPatient>) -> Result<(), E>,
    E: From<StoreError>,
{
    let query = PageQuery {
        clinic: clinic.map(str::to_owned),
        consent_flags: match population {
            Population::Consenting { .. } => [true, true],
            Population::AllOfClinic => [true, false],
        },
        depth,
        page: page.max(1),
    };
    let mut total = 0;
    let mut next = Some(tokio::spawn(fetch_next(tx, query.clone(), String::new())));
    while let Some(pending) = next.take() {
        let (tx, fetched) =
            pending.await.map_err(|e| StoreError::Unsupported(format!("the research read stopped: {e}")))?;
        let Some(Fetched { rows, last, full }) = fetched? else { break };
        if full {
            next = Some(tokio::spawn(fetch_next(tx, query.clone(), last)));
        }
        let patients = build_page(rows, population, depth)?;
        total += patients.len() as u64;
        if !patients.is_empty() {
            f(patients)?;
        }
    }
    Ok(total)
}

/// The rows of the page of `query` whose ids follow `after`, or `None` after the last page. Takes the snapshot
/// and gives it back, so that it can run as a task of its own.
async fn fetch_next(mut tx: Snapshot, query: PageQuery, after: String) -> (Snapshot, StoreResult<Option<Fetched>>) {
    let fetched = fetch_after(&mut tx, &query, &after).await;
    (tx, fetched)
}

async fn fetch_after(tx: &mut Snapshot, query: &PageQuery, after: &str) -> StoreResult<Option<Fetched>> {
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
    let (Some(first), Some(last)) = (patients.first(), patients.last()) else { return Ok(None) };
    let (low, last) = (first.id.clone(), last.id.clone());
    let full = patients.len() == query.page;
    let mut clinics: Vec<String> = patients.iter().map(|r| r.clinic_id.clone()).collect();
    clinics.sort_unstable();
    clinics.dedup();
    let selection = Selection::Range { clinics: &clinics, low: &low, high: &last };
    let rows = fetch_rows(tx, patients, &selection, query.depth).await?;
    Ok(Some(Fetched { rows, last, full }))
}

/// Which patients a page holds.
pub(crate) enum Selection<'a> {
    /// The ids from `low` to `high`, both included, of these clinics (a keyset page in id order).
    Range { clinics: &'a [String], low: &'a str, high: &'a str },
    /// Exactly these ids, of one clinic.
    Ids { clinic: &'a str, ids: &'a [String] },
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
            Selection::Ids { clinic, ids } => {
                let mut values: Vec<Value> = Vec::with_capacity(ids.len() + 1);
                values.push((*clinic).into());
                values.extend(ids.iter().map(|id| Value::from(id.as_str())));
                (format!("clinic_id = $1 AND {column} IN ({})", placeholders(2, ids.len())), values)
            }
        }
    }
}

/// Every table's rows of one page of patients, as stored, before any record is built.
pub(crate) struct PageRows {
    patients: Vec<PatientRow>,
    consents: Vec<ConsentRow>,
    /// Empty at the statistics depth.
    addresses: Vec<AddressRow>,
    courses: Vec<rr::CourseRow>,
    doses: Vec<rr::DoseRow>,
    /// Only the blood pressures at the statistics depth.
    observations: Vec<rr::ObservationRow>,
    sessions: Vec<rr::SessionRow>,
    /// `(session id, gate)` of every gate override.
    overrides: Vec<(String, String)>,
    events: Vec<rr::AdverseEventRow>,
    assessments: Vec<rr::AssessmentRow>,
}

/// How a page reads one table: the columns both depths take, those only the full read takes, and a condition
/// the statistics read adds.
pub(crate) struct TableRead {
    table: &'static str,
    columns: &'static str,
    text_columns: Option<&'static str>,
    /// `AND …` after the page's clause at the statistics depth, or empty.
    statistics_filter: &'static str,
}

impl TableRead {
    /// The columns and the `FROM` part (table and `WHERE`) of this table's read for a page's `clause`.
    pub(crate) fn sql(&self, clause: &str, depth: Depth) -> (String, String) {
        match (depth, self.text_columns) {
            (Depth::Records, Some(text)) => {
                (format!("{}, {text}", self.columns), format!("{} WHERE {clause}", self.table))
            }
            (Depth::Records, None) => (self.columns.to_owned(), format!("{} WHERE {clause}", self.table)),
            (Depth::Statistics, _) => {
                (self.columns.to_owned(), format!("{} WHERE {clause}{}", self.table, self.statistics_filter))
            }
        }
    }

    async fn rows<R: serde::de::DeserializeOwned + Send + 'static>(
        &self,
        tx: &mut Snapshot,
        (clause, values): (&str, &[Value]),
        depth: Depth,
    ) -> StoreResult<Vec<R>> {
        let (columns, from) = self.sql(clause, depth);
        tx.rows(self.table, &columns, &from, values).await
    }
}

const CONSENTS: TableRead = TableRead {
    table: "research_consents",
    columns: "id, patient_id, status, decided_on, recorded_by, recorded_at",
    text_columns: None,
    statistics_filter: "",
};
const COURSES: TableRead = TableRead {
    table: "courses",
    columns: rr::COURSE_COLUMNS,
    text_columns: Some(rr::COURSE_TEXT_COLUMNS),
    statistics_filter: "",
};
const DOSES: TableRead =
    TableRead { table: "dose_records", columns: rr::DOSE_COLUMNS, text_columns: None, statistics_filter: "" };
/// The statistics need only the blood pressures, for the pre-dose gate; the full read takes every measurement the
/// export has a column for.
const OBSERVATIONS: TableRead = TableRead {
    table: "observations",
    columns: rr::OBSERVATION_COLUMNS,
    text_columns: None,
    statistics_filter: " AND kind = 'blood_pressure'",
};
const SESSIONS: TableRead = TableRead {
    table: "sessions",
    columns: rr::SESSION_COLUMNS,
    text_columns: Some(rr::SESSION_TEXT_COLUMNS),
    statistics_filter: "",
};
const EVENTS: TableRead = TableRead {
    table: "adverse_events",
    columns: rr::ADVERSE_EVENT_COLUMNS,
    text_columns: Some(rr::ADVERSE_EVENT_TEXT_COLUMNS),
    statistics_filter: "",
};
const ASSESSMENTS: TableRead =
    TableRead { table: "assessments", columns: rr::ASSESSMENT_COLUMNS, text_columns: None, statistics_filter: "" };

/// The tables read from an index holding every column the statistics read selects (migration 22), so that no
/// row is looked up in its table; the test below holds it. Assessments are looked up: an index holding their
/// columns grows with every assessment write and was not shown to be worth it (see the migration). Consents,
/// adverse events and gate overrides are a few rows per hundred patients.
#[cfg(test)]
const COVERED: [&TableRead; 4] = [&COURSES, &DOSES, &OBSERVATIONS, &SESSIONS];

/// Reads every table of the page of `patients` that `selection` names.
pub(crate) async fn fetch_rows(
    tx: &mut Snapshot,
    patients: Vec<PatientRow>,
    selection: &Selection<'_>,
    depth: Depth,
) -> StoreResult<PageRows> {
    let (clause, values) = selection.clause("patient_id");
    let page = (clause.as_str(), values.as_slice());
    let addresses = match depth {
        Depth::Records => {
            let columns = "patient_id, street, city, state, zip";
            tx.rows("patient_addresses", columns, &format!("patient_addresses WHERE {clause}"), &values).await?
        }
        Depth::Statistics => Vec::new(),
    };
    Ok(PageRows {
        patients,
        consents: CONSENTS.rows(tx, page, depth).await?,
        addresses,
        courses: COURSES.rows(tx, page, depth).await?,
        doses: DOSES.rows(tx, page, depth).await?,
        observations: OBSERVATIONS.rows(tx, page, depth).await?,
        sessions: SESSIONS.rows(tx, page, depth).await?,
        overrides: tx
            .all("gate_overrides", &format!("SELECT session_id, gate FROM gate_overrides WHERE {clause}"), &values)
            .await?,
        events: EVENTS.rows(tx, page, depth).await?,
        assessments: ASSESSMENTS.rows(tx, page, depth).await?,
    })
}

/// The research records of one page's rows, consent checked for a consenting population.
pub(crate) fn build_page(rows: PageRows, population: Population, depth: Depth) -> StoreResult<Vec<ResearchPatient>> {
    let full = depth == Depth::Records;

    // The latest consent record of each patient of the page.
    let mut consents = rows.consents;
    consents.sort_unstable_by(|a, b| (a.recorded_at, &a.id).cmp(&(b.recorded_at, &b.id)));
    let mut latest: HashMap<Uuid, Consent> = HashMap::new();
    for row in consents {
        let record = row.into_domain()?;
        latest.insert(record.patient_id.as_uuid(), Consent { status: record.status, date: record.decided_on });
    }

    let mut patients: Vec<ResearchPatient> = Vec::with_capacity(rows.patients.len());
    let mut index: HashMap<Uuid, usize> = HashMap::with_capacity(rows.patients.len());
    for row in rows.patients {
        let clinic_id = row.clinic_id.clone();
        let p = row.into_domain()?;
        let uuid = p.id.as_uuid();
        let latest = latest.remove(&uuid);
        let consent = match population {
            // The flag says yes (the query asked for it); the decision is the one the patient page shows.
            Population::Consenting { as_of } => {
                match consent_decision(p.research_consent, p.created_at.date(), latest).filter(|c| eligible(c, as_of)) {
                    Some(consent) => consent,
                    None => continue,
                }
            }
            // The clinic's own figures count every patient; the consent carried along is not read for them.
            Population::AllOfClinic => latest.unwrap_or_else(|| Consent::given(p.created_at.date())),
        };
        index.insert(uuid, patients.len());
        patients.push(ResearchPatient {
            patient_id: p.id.to_text(),
            clinic_id,
            mrn: p.mrn,
            given_name: p.given_name,
            family_name: p.family_name,
            street: None,
            city: None,
            state: None,
            zip: None,
            phone: p.phone,
            email: p.email,
            birth_date: p.birth_date,
            sex: sex_of(p.sex.as_deref()),
            consent,
            notes: Vec::new(),
            courses: Vec::new(),
            assessments: Vec::new(),
            sessions: Vec::new(),
            adverse_events: Vec::new(),
        });
    }
    if patients.is_empty() {
        return Ok(patients);
    }

    for a in rows.addresses {
        if let Some(&i) = index.get(&a.patient_id) {
            let p = &mut patients[i];
            (p.street, p.city, p.state, p.zip) = (a.street, a.city, a.state, a.zip);
        }
    }

    // Courses, with their modality; a course whose treatment is not a modality (none today) is left out with
    // its sessions, since no outcome rule applies to it.
    let mut courses = rows.courses;
    courses.sort_unstable_by_key(|c| c.id);
    // Each course's modality and its id as text, made once for the sessions and assessments that name it.
    let mut course_of: HashMap<Uuid, (Modality, String)> = HashMap::new();
    for c in courses {
        const T: &str = "courses";
        let Some(&i) = index.get(&c.patient_id) else { continue };
        let Ok(modality) = Modality::parse(&c.treatment) else { continue };
        let id = c.id.hyphenated().to_string();
        course_of.insert(c.id, (modality, id.clone()));
        let created_on = from_micros(T, c.created_at)?.date();
        let started_on = date_from_text_opt(T, c.started_on.as_deref())?;
        let ended_on = date_from_text_opt(T, c.ended_on.as_deref())?;
        patients[i].courses.push(rm::Course {
            course_id: id,
            modality,
            // A course without a start date starts on its creation's UTC date, which can be the day after the
            // clinic's date of a same-evening stop; the end bounds it so that the course never ends before it starts.
            started_on: started_on.unwrap_or(created_on).min(ended_on.unwrap_or(time::Date::MAX)),
            ended_on,
            notes: join_notes([c.notes, c.end_reason]),
        });
    }

    // Doses and observations per session, then the sessions themselves.
    let mut doses = rows.doses;
    doses.sort_unstable_by_key(|d| (d.given_at, d.id));
    let mut dose_of: HashMap<Uuid, (f64, OffsetDateTime)> = HashMap::new();
    for d in doses {
        let given_at = from_micros("dose_records", d.given_at)?;
        let entry = dose_of.entry(d.session_id).or_insert((0.0, given_at));
        entry.0 += d.dose_mg;
    }
    let mut observations = rows.observations;
    observations.sort_unstable_by_key(|o| (o.observed_at, o.id));
    let mut observations_of: HashMap<Uuid, Vec<rm::Observation>> = HashMap::new();
    let mut pre_dose_bp: HashMap<Uuid, BloodPressure> = HashMap::new();
    for o in observations {
        const T: &str = "observations";
        let measurement: Measurement =
            serde_json::from_str(&o.data).map_err(|e| StoreError::corrupt(T, format!("data: {e}")))?;
        if measurement.kind() != o.kind {
            return Err(StoreError::corrupt(T, format!("kind {:?} disagrees with data", o.kind)));
        }
        let at = from_micros(T, o.observed_at)?;
        let mut out = rm::Observation {
            at,
            systolic: None,
            diastolic: None,
            heart_rate: None,
            spo2: None,
            cadss: None,
            moaas: None,
        };
        match measurement {
            Measurement::BloodPressure { systolic, diastolic } => {
                (out.systolic, out.diastolic) = (Some(systolic), Some(diastolic));
                let before_dose = dose_of.get(&o.session_id).is_none_or(|(_, first)| at <= *first);
                if before_dose && let Ok(reading) = BloodPressure::new(systolic, diastolic) {
                    pre_dose_bp.insert(o.session_id, reading);
                }
            }
            Measurement::HeartRate { bpm } => out.heart_rate = Some(bpm),
            Measurement::Spo2 { percent } => out.spo2 = Some(percent),
            Measurement::Moaas { score } => out.moaas = Some(score),
            Measurement::Cadss { total } => out.cadss = Some(total),
            // Respiratory rate has no export column; notes are free text and never leave.
            Measurement::RespiratoryRate { .. } | Measurement::Note { .. } => continue,
        }
        if full {
            observations_of.entry(o.session_id).or_default().push(out);
        }
    }
    let mut sessions = rows.sessions;
    sessions.sort_unstable_by_key(|s| s.id);
    // The sessions whose blood-pressure gate a prescriber overrode.
    let bp_overridden: HashSet<String> =
        rows.overrides.into_iter().filter(|(_, gate)| gate == "bp_gate").map(|(session, _)| session).collect();
    let settings = ProtocolSettings::default();
    for s in sessions {
        const T: &str = "sessions";
        let Some(&i) = index.get(&s.patient_id) else { continue };
        let Some((modality, course)) = course_of.get(&s.course_id) else { continue };
        let dose = dose_of.get(&s.id).copied();
        // A session that never started and gave no dose is an appointment, not a treatment.
        let Some(started_at) = from_micros_opt(T, s.started_at)?.or(dose.map(|(_, at)| at)) else { continue };
        let id = s.id.hyphenated().to_string();
        let overridden = bp_overridden.contains(&id);
        let gate = bp_gate_from_records(*modality, pre_dose_bp.get(&s.id).copied(), overridden, &settings);
        patients[i].sessions.push(rm::Session {
            session_id: id,
            course_id: Some(course.clone()),
            modality: *modality,
            dose_mg: dose.map(|(mg, _)| mg),
            started_at,
            ended_at: from_micros_opt(T, s.discharged_at.or(s.ended_at))?,
            observations: observations_of.remove(&s.id).unwrap_or_default(),
            bp_gate_checked: gate.checked,
            bp_gate_blocked: gate.blocked,
            bp_gate_overridden: gate.overridden,
            notes: join_notes([s.notes, s.discharge_override_reason]),
        });
    }

    let mut events = rows.events;
    events.sort_unstable_by_key(|e| e.id);
    for e in events {
        const T: &str = "adverse_events";
        let Some(&i) = index.get(&e.patient_id) else { continue };
        let severity = parse_code(T, &e.severity, AeSeverity::parse)?;
        patients[i].adverse_events.push(rm::AdverseEvent {
            event_id: e.id.hyphenated().to_string(),
            session_id: e.session_id.map(|s| s.hyphenated().to_string()),
            occurred_at: from_micros(T, e.occurred_at)?,
            kind: rm::AdverseEventKind::parse(&e.kind).unwrap_or(rm::AdverseEventKind::Other),
            serious: matches!(severity, AeSeverity::Severe | AeSeverity::LifeThreatening),
            description: join_notes([e.description, e.action_taken]),
        });
    }

    let mut assessments = rows.assessments;
    assessments.sort_unstable_by_key(|a| (a.administered_at, a.id));
    for a in assessments {
        const T: &str = "assessments";
        let Some(&i) = index.get(&a.patient_id) else { continue };
        let instrument: Instrument = parse_instrument(T, &a.instrument)?;
        let total = u16::try_from(a.total).map_err(|_| StoreError::corrupt(T, "total out of range"))?;
        patients[i].assessments.push(rm::Assessment {
            // The statistics never name an assessment; an id is text made per row, the read's largest cost.
            assessment_id: if full { a.id.hyphenated().to_string() } else { String::new() },
            course_id: a.course_id.and_then(|c| course_of.get(&c)).map(|(_, id)| id.clone()),
            instrument,
            taken_at: from_micros(T, a.administered_at)?,
            total,
            // Staff mark the baseline when they record it (`context`); without a mark the statistics take the
            // course's earliest score.
            baseline: a.context.as_deref() == Some("baseline"),
            notes: None,
        });
    }
    Ok(patients)
}

fn sex_of(raw: Option<&str>) -> rm::Sex {
    match raw.map(|s| s.trim().to_ascii_lowercase()).as_deref() {
        Some("female" | "f") => rm::Sex::Female,
        Some("male" | "m") => rm::Sex::Male,
        Some("other" | "x") => rm::Sex::Other,
        _ => rm::Sex::Unknown,
    }
}

/// Joins free-text fields for the research model, which keeps them only so that tests can prove they never leave.
fn join_notes<const N: usize>(parts: [Option<String>; N]) -> Option<String> {
    let kept: Vec<String> = parts.into_iter().flatten().collect();
    (!kept.is_empty()).then(|| kept.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::{COVERED, Selection};
    use crate::research::Depth;
    use crate::sqlite_read::{numbered_placeholders, open_read_only};
    use crate::{OpenMode, Store};

    /// On SQLite, the statistics read of sessions, doses, blood pressures and courses finds all the columns it
    /// selects in one index (the plan says `COVERING INDEX`): a column added to the read but not to its index
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
            let (columns, from) = table.sql(&clause, Depth::Statistics);
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
