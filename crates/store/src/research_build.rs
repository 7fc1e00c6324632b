//! How a page's rows become research records: the full records of the export and the clinic's outcome report, and
//! the registry's own records (no identifier but the clinic's, courses named by position), built by shared steps
//! (who is handed over, course dates, each session's doses, pre-dose blood pressure and gate) so that the two
//! cannot read the same rows differently.

use std::collections::{HashMap, HashSet};

use ketapath_clinical::instruments::Instrument;
use ketapath_clinical::protocols::{BloodPressure, Modality, ProtocolSettings};
use ketapath_research::model as rm;
use ketapath_research::{
    Consent, ConsentStatus, ResearchPatient, StatsAssessment, StatsCourse, StatsPatient, StatsSession,
    consent::eligible,
};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::clock::{date_from_text_opt, from_micros, from_micros_opt};
use crate::domain::{AeSeverity, Measurement, Patient};
use crate::error::{StoreError, StoreResult};
use crate::research::{ConsentRow, Depth, DerivedGate, Population, bp_gate_from_records, consent_decision};
use crate::research_page::PageRows;
use crate::rows::parse_code;
use crate::rows::patient::PatientRow;
use crate::rows::research as rr;

/// How a page's rows become records: the depth the rows are read at and the builder of that depth, tied together
/// so that no read builds records from rows read for the statistics.
pub(crate) struct PageBuild<P> {
    pub(crate) depth: Depth,
    pub(crate) build: fn(PageRows, Population) -> StoreResult<Vec<P>>,
}

/// Full research records: the export and the clinic's outcome report.
pub(crate) const RECORDS: PageBuild<ResearchPatient> = PageBuild { depth: Depth::Records, build: build_records };
/// What the registry reads: no identifiers but the clinic's, courses named by position.
pub(crate) const STATISTICS: PageBuild<StatsPatient> = PageBuild { depth: Depth::Statistics, build: build_statistics };

/// A patient of the page who is handed over: the clinic, the stored patient and the consent handed over with them.
struct Admitted {
    clinic_id: String,
    patient: Patient,
    consent: Consent,
}

/// The page's patients who are handed over, in the rows' order, consent checked for a consenting population.
fn admitted(
    patients: Vec<PatientRow>,
    mut consents: Vec<ConsentRow>,
    population: Population,
) -> StoreResult<Vec<Admitted>> {
    // The latest consent record of each patient of the page.
    consents.sort_unstable_by(|a, b| (a.recorded_at, &a.id).cmp(&(b.recorded_at, &b.id)));
    let mut latest: HashMap<Uuid, Consent> = HashMap::new();
    for row in consents {
        let record = row.into_domain()?;
        latest.insert(record.patient_id.as_uuid(), Consent { status: record.status, date: record.decided_on });
    }
    let mut admitted = Vec::with_capacity(patients.len());
    for row in patients {
        let clinic_id = row.clinic_id.clone();
        let patient = row.into_domain()?;
        let latest = latest.remove(&patient.id.as_uuid());
        let consent = match population {
            // The flag says yes (the query asked for it); the decision is the one the patient page shows.
            Population::Consenting { as_of } => {
                match consent_decision(patient.research_consent, patient.created_at.date(), latest)
                    .filter(|c| eligible(c, as_of))
                {
                    Some(consent) => consent,
                    None => continue,
                }
            }
            // The clinic's own figures count every patient; the consent carried along is not read for them.
            Population::AllOfClinic => latest.unwrap_or_else(|| Consent::given(patient.created_at.date())),
            // A stored record keeps a given consent whatever its date; each read checks the date for itself.
            Population::Decided => {
                match consent_decision(patient.research_consent, patient.created_at.date(), latest) {
                    Some(consent) if consent.status == ConsentStatus::Given => consent,
                    _ => continue,
                }
            }
        };
        admitted.push(Admitted { clinic_id, patient, consent });
    }
    Ok(admitted)
}

/// The page's courses that are of a modality, in id order, each with the index of its patient; a course whose
/// treatment is not a modality (none today) is left out with its sessions, since no outcome rule applies to it.
fn courses_of_patients(
    courses: Vec<rr::CourseRow>,
    index: &HashMap<Uuid, usize>,
) -> impl Iterator<Item = (usize, Modality, rr::CourseRow)> {
    let mut courses = courses;
    courses.sort_unstable_by_key(|c| c.id);
    courses.into_iter().filter_map(|c| {
        let &i = index.get(&c.patient_id)?;
        let modality = Modality::parse(&c.treatment).ok()?;
        Some((i, modality, c))
    })
}

/// A course's start date. A course without one starts on its creation's UTC date, which can be the day after the
/// clinic's date of a same-evening stop; the end bounds it so that the course never ends before it starts.
fn course_dates(c: &rr::CourseRow) -> StoreResult<(time::Date, Option<time::Date>)> {
    const T: &str = "courses";
    let created_on = from_micros(T, c.created_at)?.date();
    let started_on = date_from_text_opt(T, c.started_on.as_deref())?;
    let ended_on = date_from_text_opt(T, c.ended_on.as_deref())?;
    Ok((started_on.unwrap_or(created_on).min(ended_on.unwrap_or(time::Date::MAX)), ended_on))
}

/// What a page's sessions are built from besides their own rows: doses, the pre-dose blood pressure, gate
/// overrides and, for the full records, the observations.
struct SessionFacts {
    /// Each session's total dose and first dose time.
    dose_of: HashMap<Uuid, (f64, OffsetDateTime)>,
    pre_dose_bp: HashMap<Uuid, BloodPressure>,
    observations_of: HashMap<Uuid, Vec<rm::Observation>>,
    /// The sessions whose blood-pressure gate a prescriber overrode.
    bp_overridden: HashSet<Uuid>,
    settings: ProtocolSettings,
}

/// A treated session's times, dose and blood-pressure gate.
struct Treatment {
    started_at: OffsetDateTime,
    ended_at: Option<OffsetDateTime>,
    dose_mg: Option<f64>,
    gate: DerivedGate,
}

impl SessionFacts {
    fn new(rows: &mut PageRows, keep_observations: bool) -> StoreResult<Self> {
        let mut doses = std::mem::take(&mut rows.doses);
        doses.sort_unstable_by_key(|d| (d.given_at, d.id));
        let mut dose_of: HashMap<Uuid, (f64, OffsetDateTime)> = HashMap::new();
        for d in doses {
            let given_at = from_micros("dose_records", d.given_at)?;
            let entry = dose_of.entry(d.session_id).or_insert((0.0, given_at));
            entry.0 += d.dose_mg;
        }
        let mut observations = std::mem::take(&mut rows.observations);
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
            if keep_observations {
                observations_of.entry(o.session_id).or_default().push(out);
            }
        }
        // An override naming no session id is of no session of the page.
        let bp_overridden = std::mem::take(&mut rows.overrides)
            .into_iter()
            .filter(|(_, gate)| gate == "bp_gate")
            .filter_map(|(session, _)| Uuid::parse_str(&session).ok())
            .collect();
        Ok(Self { dose_of, pre_dose_bp, observations_of, bp_overridden, settings: ProtocolSettings::default() })
    }

    /// The session's treatment, or `None` for a session that never started and gave no dose: an appointment,
    /// not a treatment.
    fn treatment(&self, s: &rr::SessionRow, modality: Modality) -> StoreResult<Option<Treatment>> {
        const T: &str = "sessions";
        let dose = self.dose_of.get(&s.id).copied();
        let Some(started_at) = from_micros_opt(T, s.started_at)?.or(dose.map(|(_, at)| at)) else { return Ok(None) };
        let overridden = self.bp_overridden.contains(&s.id);
        let gate = bp_gate_from_records(modality, self.pre_dose_bp.get(&s.id).copied(), overridden, &self.settings);
        Ok(Some(Treatment {
            started_at,
            ended_at: from_micros_opt(T, s.discharged_at.or(s.ended_at))?,
            dose_mg: dose.map(|(mg, _)| mg),
            gate,
        }))
    }
}

/// The page's sessions in id order.
fn sessions_by_id(rows: &mut PageRows) -> Vec<rr::SessionRow> {
    let mut sessions = std::mem::take(&mut rows.sessions);
    sessions.sort_unstable_by_key(|s| s.id);
    sessions
}

/// The page's adverse events in id order, and the page's assessments in time order (ties by id).
fn events_and_assessments(rows: &mut PageRows) -> (Vec<rr::AdverseEventRow>, Vec<rr::AssessmentRow>) {
    let mut events = std::mem::take(&mut rows.events);
    events.sort_unstable_by_key(|e| e.id);
    let mut assessments = std::mem::take(&mut rows.assessments);
    assessments.sort_unstable_by_key(|a| (a.administered_at, a.id));
    (events, assessments)
}

/// An assessment's instrument (checked as it was read), total and time, checked.
fn scored(a: &rr::AssessmentRow) -> StoreResult<(Instrument, u16, OffsetDateTime)> {
    const T: &str = "assessments";
    let total = u16::try_from(a.total).map_err(|_| StoreError::corrupt(T, "total out of range"))?;
    Ok((a.instrument, total, from_micros(T, a.administered_at)?))
}

/// Whether staff marked the assessment as the course's baseline when they recorded it (`context`); without a
/// mark the statistics take the course's earliest score.
fn is_baseline(a: &rr::AssessmentRow) -> bool {
    a.context.as_deref() == Some("baseline")
}

/// The adverse event type of a stored code; a code outside the research list is "other".
fn event_kind(code: &str) -> rm::AdverseEventKind {
    rm::AdverseEventKind::parse(code).unwrap_or(rm::AdverseEventKind::Other)
}

/// The full research records of one page's rows.
fn build_records(mut rows: PageRows, population: Population) -> StoreResult<Vec<ResearchPatient>> {
    let admitted = admitted(std::mem::take(&mut rows.patients), std::mem::take(&mut rows.consents), population)?;
    let mut patients: Vec<ResearchPatient> = Vec::with_capacity(admitted.len());
    let mut index: HashMap<Uuid, usize> = HashMap::with_capacity(admitted.len());
    for Admitted { clinic_id, patient: p, consent } in admitted {
        index.insert(p.id.as_uuid(), patients.len());
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

    for a in std::mem::take(&mut rows.addresses) {
        if let Some(&i) = index.get(&a.patient_id) {
            let p = &mut patients[i];
            (p.street, p.city, p.state, p.zip) = (a.street, a.city, a.state, a.zip);
        }
    }

    // Each course's modality and its id as text, made once for the sessions and assessments that name it.
    let mut course_of: HashMap<Uuid, (Modality, String)> = HashMap::new();
    for (i, modality, c) in courses_of_patients(std::mem::take(&mut rows.courses), &index) {
        let id = c.id.hyphenated().to_string();
        course_of.insert(c.id, (modality, id.clone()));
        let (started_on, ended_on) = course_dates(&c)?;
        patients[i].courses.push(rm::Course {
            course_id: id,
            modality,
            started_on,
            ended_on,
            notes: join_notes([c.notes, c.end_reason]),
        });
    }

    let mut facts = SessionFacts::new(&mut rows, true)?;
    for s in sessions_by_id(&mut rows) {
        let Some(&i) = index.get(&s.patient_id) else { continue };
        let Some((modality, course)) = course_of.get(&s.course_id) else { continue };
        let Some(t) = facts.treatment(&s, *modality)? else { continue };
        patients[i].sessions.push(rm::Session {
            session_id: s.id.hyphenated().to_string(),
            course_id: Some(course.clone()),
            modality: *modality,
            dose_mg: t.dose_mg,
            started_at: t.started_at,
            ended_at: t.ended_at,
            observations: facts.observations_of.remove(&s.id).unwrap_or_default(),
            bp_gate_checked: t.gate.checked,
            bp_gate_blocked: t.gate.blocked,
            bp_gate_overridden: t.gate.overridden,
            notes: join_notes([s.notes, s.discharge_override_reason]),
        });
    }

    let (events, assessments) = events_and_assessments(&mut rows);
    for e in events {
        const T: &str = "adverse_events";
        let Some(&i) = index.get(&e.patient_id) else { continue };
        let severity = parse_code(T, &e.severity, AeSeverity::parse)?;
        patients[i].adverse_events.push(rm::AdverseEvent {
            event_id: e.id.hyphenated().to_string(),
            session_id: e.session_id.map(|s| s.hyphenated().to_string()),
            occurred_at: from_micros(T, e.occurred_at)?,
            kind: event_kind(&e.kind),
            serious: matches!(severity, AeSeverity::Severe | AeSeverity::LifeThreatening),
            description: join_notes([e.description, e.action_taken]),
        });
    }
    for a in assessments {
        let Some(&i) = index.get(&a.patient_id) else { continue };
        let (instrument, total, taken_at) = scored(&a)?;
        patients[i].assessments.push(rm::Assessment {
            assessment_id: a.id.hyphenated().to_string(),
            course_id: a.course_id.and_then(|c| course_of.get(&c)).map(|(_, id)| id.clone()),
            instrument,
            taken_at,
            total,
            baseline: is_baseline(&a),
            notes: None,
        });
    }
    Ok(patients)
}

/// What the registry reads of one page's rows: the records of [`build_records`] as
/// [`StatsPatient::from_record`] reads them (test `streamed_pages_equal_one_vector`
/// in `tests/research_stream.rs`), built without an id or a name as text.
///
/// Patients read from their stored records (`rows.stored`) join them in id order, those whose consent stands for
/// the population.
fn build_statistics(mut rows: PageRows, population: Population) -> StoreResult<Vec<StatsPatient>> {
    let stored = std::mem::take(&mut rows.stored);
    let built = statistics_of_rows(rows, population)?;
    if stored.is_empty() {
        return Ok(built.into_iter().map(|(_, p)| p).collect());
    }
    let stands = |p: &StatsPatient| match population {
        Population::Consenting { as_of } => eligible(&p.consent, as_of),
        Population::Decided => true,
        // The stored records are read for consenting patients only (`PageQuery::stored`).
        Population::AllOfClinic => false,
    };
    let mut patients = Vec::with_capacity(built.len() + stored.len());
    let (mut built, mut stored) =
        (built.into_iter().peekable(), stored.into_iter().filter(|(_, p)| stands(p)).peekable());
    loop {
        let from_rows = match (built.peek(), stored.peek()) {
            (None, None) => break,
            (Some(b), Some(s)) => b.0 < s.0,
            (b, _) => b.is_some(),
        };
        let next = if from_rows { built.next() } else { stored.next() };
        patients.extend(next.map(|(_, p)| p));
    }
    Ok(patients)
}

/// The registry's records of the patients of a page's rows, each with their id, in id order.
pub(crate) fn statistics_of_rows(mut rows: PageRows, population: Population) -> StoreResult<Vec<(Uuid, StatsPatient)>> {
    let admitted = admitted(std::mem::take(&mut rows.patients), std::mem::take(&mut rows.consents), population)?;
    let mut ids: Vec<Uuid> = Vec::with_capacity(admitted.len());
    let mut patients: Vec<StatsPatient> = Vec::with_capacity(admitted.len());
    let mut index: HashMap<Uuid, usize> = HashMap::with_capacity(admitted.len());
    for Admitted { clinic_id, patient, consent } in admitted {
        index.insert(patient.id.as_uuid(), patients.len());
        ids.push(patient.id.as_uuid());
        patients.push(StatsPatient {
            clinic_id,
            consent,
            courses: Vec::new(),
            assessments: Vec::new(),
            sessions: Vec::new(),
            adverse_events: Vec::new(),
        });
    }
    if patients.is_empty() {
        return Ok(Vec::new());
    }

    // Each course's modality and its position among its patient's courses.
    let mut course_of: HashMap<Uuid, (Modality, u32)> = HashMap::new();
    for (i, modality, c) in courses_of_patients(std::mem::take(&mut rows.courses), &index) {
        let courses = &mut patients[i].courses;
        let position = u32::try_from(courses.len()).map_err(|_| StoreError::corrupt("courses", "too many courses"))?;
        course_of.insert(c.id, (modality, position));
        courses.push(StatsCourse { modality, started_on: course_dates(&c)?.0 });
    }

    let facts = SessionFacts::new(&mut rows, false)?;
    for s in sessions_by_id(&mut rows) {
        let Some(&i) = index.get(&s.patient_id) else { continue };
        let Some(&(modality, course)) = course_of.get(&s.course_id) else { continue };
        let Some(t) = facts.treatment(&s, modality)? else { continue };
        patients[i].sessions.push(StatsSession {
            course: Some(course),
            started_at: t.started_at,
            bp_gate_checked: t.gate.checked,
            bp_gate_blocked: t.gate.blocked,
            bp_gate_overridden: t.gate.overridden,
        });
    }

    let (events, assessments) = events_and_assessments(&mut rows);
    for e in events {
        if let Some(&i) = index.get(&e.patient_id) {
            // The records read refuses an unknown severity; so does this one, so that both read the same pages.
            parse_code("adverse_events", &e.severity, AeSeverity::parse)?;
            from_micros("adverse_events", e.occurred_at)?;
            patients[i].adverse_events.push(event_kind(&e.kind));
        }
    }
    for a in assessments {
        let Some(&i) = index.get(&a.patient_id) else { continue };
        let (instrument, total, taken_at) = scored(&a)?;
        patients[i].assessments.push(StatsAssessment {
            course: a.course_id.and_then(|c| course_of.get(&c)).map(|&(_, position)| position),
            instrument,
            taken_at,
            total,
            baseline: is_baseline(&a),
        });
    }
    Ok(ids.into_iter().zip(patients).collect())
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
