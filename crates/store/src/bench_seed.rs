//! A bulk generator of synthetic, fictional treatment records for the registry benchmark and the research tests
//! that need many patients. It writes rows directly in large multi-row inserts, without audit events, so it is
//! for benchmarks and tests only; its name says so, no command or route calls it, and it is compiled only with the
//! `test-support` feature, which only dev-dependencies enable.

use ketapath_clinical::instruments::{Instrument, Items, score};
use ketapath_directory::ClinicId;
use ketapath_directory::search::synthetic::SplitMix64;
use time::{Date, Duration, OffsetDateTime, Time};

use crate::audited::Unaudited;
use crate::clock::{date_to_text, to_micros};
use crate::db::{Tx, Value};
use crate::error::{StoreError, StoreResult};
use crate::store::Store;

/// What to generate.
#[derive(Debug, Clone)]
pub struct SyntheticResearch {
    /// Existing clinics; patients are spread over them in turn.
    pub clinics: Vec<ClinicId>,
    pub patients: usize,
    /// PHQ-9 administrations per patient, every 3.5 days from the first session.
    pub assessments_per_patient: usize,
    /// Supervised sessions per patient (induction), each with one dose and one pre-dose blood pressure.
    pub sessions_per_patient: usize,
    /// Share of patients whose research consent is recorded as given (0 to 1).
    pub consent_share: f64,
    /// Share of courses that are IV ketamine; the others are esketamine nasal spray (0 to 1).
    pub iv_share: f64,
    pub seed: u64,
}

/// Rows written per table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyntheticCounts {
    pub patients: u64,
    pub courses: u64,
    pub sessions: u64,
    pub assessments: u64,
    pub adverse_events: u64,
}

/// Patients per transaction: large transactions are what makes bulk loading fast on both backends.
const PATIENTS_PER_TX: usize = 2_000;
/// Bound parameters per statement, under SQLite's limit of 32,766.
const PARAMS_PER_STATEMENT: usize = 30_000;

/// Rows of one table waiting to be inserted.
struct Pending {
    table: &'static str,
    columns: &'static [&'static str],
    rows: Vec<Value>,
}

impl Pending {
    fn new(table: &'static str, columns: &'static [&'static str]) -> Self {
        Self { table, columns, rows: Vec::new() }
    }

    fn push(&mut self, row: Vec<Value>) {
        self.rows.extend(row);
    }

    async fn flush(&mut self, tx: &mut Tx) -> StoreResult<()> {
        let n = self.columns.len();
        let per_statement = (PARAMS_PER_STATEMENT / n).max(1) * n;
        let rows = std::mem::take(&mut self.rows);
        for chunk in rows.chunks(per_statement) {
            let mut sql = format!("INSERT INTO {} ({}) VALUES ", self.table, self.columns.join(", "));
            for r in 0..chunk.len() / n {
                if r > 0 {
                    sql.push_str(", ");
                }
                let p: Vec<String> = (1..=n).map(|c| tx.kind().placeholder(r * n + c)).collect();
                sql.push('(');
                sql.push_str(&p.join(", "));
                sql.push(')');
            }
            tx.execute(&sql, chunk).await?;
        }
        Ok(())
    }
}

fn id(tag: u8, index: u64, seed: u64) -> String {
    // Version-7-shaped UUIDs with a table tag and a counter, unique per table and run.
    let hi = (u64::from(tag) << 56) | (seed & 0x00ff_ffff_0000_0000) >> 8 | (index >> 32);
    let lo = ((index & 0xffff_ffff) << 32) | 0x7000_0000 | (seed & 0x0fff_ffff);
    uuid::Uuid::from_u64_pair(hi, lo).hyphenated().to_string()
}

impl Store {
    /// The rows of each table the synthetic seed writes, as the database holds them now (a benchmark that reuses a
    /// seeded database reports them).
    pub async fn synthetic_counts_for_benchmarks(&self) -> StoreResult<SyntheticCounts> {
        let mut tx = self.begin_read().await?;
        let mut n = [0_u64; 5];
        for (slot, table) in n.iter_mut().zip(["patients", "courses", "sessions", "assessments", "adverse_events"]) {
            let (rows,): (i64,) = tx.fetch_one(&format!("SELECT COUNT(*) FROM {table}"), &[]).await?;
            *slot = u64::try_from(rows).unwrap_or(0);
        }
        let [patients, courses, sessions, assessments, adverse_events] = n;
        Ok(SyntheticCounts { patients, courses, sessions, assessments, adverse_events })
    }

    /// Inserts synthetic patients with a course, sessions, doses, blood pressures, PHQ-9s and a few adverse events.
    /// For benchmarks and tests only: rows are written without audit events.
    pub async fn insert_synthetic_research_for_benchmarks(
        &self,
        spec: &SyntheticResearch,
    ) -> StoreResult<SyntheticCounts> {
        if spec.clinics.is_empty() {
            return Err(StoreError::invalid("clinics", "name at least one clinic"));
        }
        // The row ids reserve 64 sessions and 1024 assessments per patient.
        if spec.sessions_per_patient >= 64 || spec.assessments_per_patient >= 1024 {
            return Err(StoreError::invalid("sessions_per_patient", "at most 63 sessions and 1023 assessments"));
        }
        // Every PHQ-9 total with its items, band and rule, computed once by the clinical rules.
        let mut scored = Vec::new();
        for total in 0..=27_i64 {
            let values: Vec<i64> = (0..9).map(|i| total / 9 + i64::from(i < total % 9)).collect();
            let items = Items::from_values(Instrument::Phq9, &values)
                .map_err(|e| StoreError::invalid("items", e.to_string()))?;
            let s = score(&items);
            let json = serde_json::to_string(&values).map_err(|e| StoreError::invalid("items", e.to_string()))?;
            scored.push((json, s.severity.to_owned(), s.rule.id.to_owned(), s.rule.version.to_string()));
        }
        let mut rng = SplitMix64::new(spec.seed);
        let mut counts = SyntheticCounts::default();
        let first_day = Date::from_calendar_date(2024, time::Month::January, 1)
            .map_err(|e| StoreError::invalid("date", e.to_string()))?;
        let mut p = 0;
        while p < spec.patients {
            let end = (p + PATIENTS_PER_TX).min(spec.patients);
            let mut patients = Pending::new("patients", PATIENT_COLUMNS);
            let mut courses = Pending::new("courses", COURSE_COLUMNS);
            let mut sessions = Pending::new("sessions", SESSION_COLUMNS);
            let mut doses = Pending::new("dose_records", DOSE_COLUMNS);
            let mut observations = Pending::new("observations", OBSERVATION_COLUMNS);
            let mut events = Pending::new("adverse_events", EVENT_COLUMNS);
            let mut assessments = Pending::new("assessments", ASSESSMENT_COLUMNS);
            for index in p..end {
                let i = index as u64;
                let clinic = spec.clinics[index % spec.clinics.len()].as_str().to_owned();
                let start_day = first_day + Duration::days((rng.next_u64() % 900) as i64);
                let start = OffsetDateTime::new_utc(start_day, Time::MIDNIGHT) + Duration::hours(14);
                let created = to_micros(start - Duration::days(7));
                let pid = id(1, i, spec.seed);
                let birth = start_day - Duration::days(365 * (20 + (rng.next_u64() % 70) as i64));
                patients.push(vec![
                    pid.clone().into(),
                    clinic.as_str().into(),
                    Some(format!("SYN-{i}")).into(),
                    "Synthetic".into(),
                    format!("Patient{i}").into(),
                    date_to_text(birth).into(),
                    Some((if rng.chance(0.6) { "female" } else { "male" }).to_owned()).into(),
                    None::<String>.into(),
                    None::<String>.into(),
                    rng.chance(spec.consent_share).into(),
                    None::<String>.into(),
                    created.into(),
                    created.into(),
                    None::<i64>.into(),
                ]);
                let cid = id(2, i, spec.seed);
                let modality = if rng.chance(spec.iv_share) { "iv_ketamine" } else { "esketamine_nasal" };
                courses.push(vec![
                    cid.clone().into(),
                    clinic.as_str().into(),
                    pid.as_str().into(),
                    modality.into(),
                    "active".into(),
                    Some(spec.sessions_per_patient as i64).into(),
                    None::<String>.into(),
                    Some(date_to_text(start_day)).into(),
                    None::<String>.into(),
                    None::<String>.into(),
                    None::<String>.into(),
                    created.into(),
                    created.into(),
                ]);
                counts.patients += 1;
                counts.courses += 1;
                for s in 0..spec.sessions_per_patient {
                    let k = s as u64;
                    let at = start + Duration::hours(84 * s as i64);
                    let sid = id(3, i * 64 + k, spec.seed);
                    let micros = to_micros(at);
                    sessions.push(vec![
                        sid.clone().into(),
                        clinic.as_str().into(),
                        pid.as_str().into(),
                        cid.as_str().into(),
                        (s as i64 + 1).into(),
                        "completed".into(),
                        Some(micros).into(),
                        Some(micros).into(),
                        Some(micros + 7_200_000_000).into(),
                        None::<String>.into(),
                        Some(90_i64).into(),
                        Some(micros + 7_200_000_000).into(),
                        None::<String>.into(),
                        None::<String>.into(),
                        None::<String>.into(),
                        micros.into(),
                        micros.into(),
                    ]);
                    doses.push(vec![
                        id(4, i * 64 + k, spec.seed).into(),
                        clinic.as_str().into(),
                        pid.as_str().into(),
                        sid.as_str().into(),
                        (micros + 600_000_000).into(),
                        if modality == "iv_ketamine" { "ketamine" } else { "esketamine" }.into(),
                        if modality == "iv_ketamine" { 35.0 } else { 56.0 }.into(),
                        if modality == "iv_ketamine" { "iv" } else { "intranasal" }.into(),
                        None::<String>.into(),
                        None::<String>.into(),
                        micros.into(),
                    ]);
                    let systolic = 110 + (rng.next_u64() % 45) as u16;
                    observations.push(vec![
                        id(5, i * 64 + k, spec.seed).into(),
                        clinic.as_str().into(),
                        pid.as_str().into(),
                        sid.as_str().into(),
                        micros.into(),
                        None::<i64>.into(),
                        "blood_pressure".into(),
                        format!(r#"{{"kind":"blood_pressure","systolic":{systolic},"diastolic":80}}"#).into(),
                        None::<String>.into(),
                        micros.into(),
                    ]);
                    counts.sessions += 1;
                    if rng.chance(0.02) {
                        let kind =
                            ["dissociation", "nausea", "hypertension", "sedation"][(rng.next_u64() % 4) as usize];
                        events.push(vec![
                            id(6, i * 64 + k, spec.seed).into(),
                            clinic.as_str().into(),
                            pid.as_str().into(),
                            Some(sid.clone()).into(),
                            (micros + 1_800_000_000).into(),
                            kind.into(),
                            "mild".into(),
                            None::<String>.into(),
                            None::<String>.into(),
                            false.into(),
                            None::<String>.into(),
                            micros.into(),
                        ]);
                        counts.adverse_events += 1;
                    }
                }
                // A baseline of 15..=27 that falls towards (1 - depth) of itself, with noise; some patients relapse.
                let baseline = 15.0 + (rng.next_u64() % 13) as f64;
                let depth = rng.unit() * 0.9;
                let relapse_week = if rng.chance(0.3) { 8.0 + rng.unit() * 20.0 } else { f64::INFINITY };
                for a in 0..spec.assessments_per_patient {
                    let weeks = a as f64 / 2.0;
                    let mut level = baseline * (1.0 - depth * (1.0 - (-weeks / 2.0).exp()));
                    if weeks > relapse_week {
                        level = baseline * 0.9;
                    }
                    let total = (level + rng.normal() * 1.5).round().clamp(0.0, 27.0) as usize;
                    let (items, severity, rule_id, rule_version) = &scored[total];
                    let at = to_micros(start + Duration::hours(84 * a as i64) - Duration::minutes(30));
                    assessments.push(vec![
                        id(7, i * 1024 + a as u64, spec.seed).into(),
                        clinic.as_str().into(),
                        pid.as_str().into(),
                        Some(cid.clone()).into(),
                        None::<String>.into(),
                        "phq9".into(),
                        items.as_str().into(),
                        (total as i64).into(),
                        Some(severity.clone()).into(),
                        rule_id.as_str().into(),
                        rule_version.as_str().into(),
                        "staff".into(),
                        at.into(),
                        None::<String>.into(),
                        at.into(),
                    ]);
                    counts.assessments += 1;
                }
            }
            let mut tx = self.begin_unaudited_write(Unaudited::BenchSeed).await?;
            for table in [
                &mut patients,
                &mut courses,
                &mut sessions,
                &mut doses,
                &mut observations,
                &mut events,
                &mut assessments,
            ] {
                table.flush(&mut tx).await?;
            }
            tx.commit().await?;
            p = end;
        }
        Ok(counts)
    }
}

const PATIENT_COLUMNS: &[&str] = &[
    "id",
    "clinic_id",
    "mrn",
    "given_name",
    "family_name",
    "birth_date",
    "sex",
    "phone",
    "email",
    "research_consent",
    "rems_patient_id",
    "created_at",
    "updated_at",
    "archived_at",
];
const COURSE_COLUMNS: &[&str] = &[
    "id",
    "clinic_id",
    "patient_id",
    "treatment",
    "status",
    "planned_sessions",
    "prescriber_id",
    "started_on",
    "ended_on",
    "end_reason",
    "notes",
    "created_at",
    "updated_at",
];
const SESSION_COLUMNS: &[&str] = &[
    "id",
    "clinic_id",
    "patient_id",
    "course_id",
    "number",
    "status",
    "scheduled_at",
    "started_at",
    "ended_at",
    "monitored_by",
    "ready_to_leave_minutes",
    "discharged_at",
    "discharged_by",
    "discharge_override_reason",
    "notes",
    "created_at",
    "updated_at",
];
const DOSE_COLUMNS: &[&str] = &[
    "id",
    "clinic_id",
    "patient_id",
    "session_id",
    "given_at",
    "drug",
    "dose_mg",
    "route",
    "lot_number",
    "given_by",
    "created_at",
];
const OBSERVATION_COLUMNS: &[&str] = &[
    "id",
    "clinic_id",
    "patient_id",
    "session_id",
    "observed_at",
    "minutes_after_dose",
    "kind",
    "data",
    "recorded_by",
    "created_at",
];
const EVENT_COLUMNS: &[&str] = &[
    "id",
    "clinic_id",
    "patient_id",
    "session_id",
    "occurred_at",
    "kind",
    "severity",
    "description",
    "action_taken",
    "reported_externally",
    "recorded_by",
    "created_at",
];
const ASSESSMENT_COLUMNS: &[&str] = &[
    "id",
    "clinic_id",
    "patient_id",
    "course_id",
    "session_id",
    "instrument",
    "items",
    "total",
    "severity",
    "rule_id",
    "rule_version",
    "source",
    "administered_at",
    "recorded_by",
    "created_at",
];
