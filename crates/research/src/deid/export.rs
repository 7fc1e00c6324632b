//! Builds the de-identified research export from consenting patients' records.

use std::collections::HashMap;

use ketapath_clinical::InvalidInput;
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};

use super::key::ExportKey;
use super::pseudonym::{Kind, pseudonym};
use super::records::{AdverseEventRow, AssessmentRow, CourseRow, PatientRow, SessionRow, Table};
use super::shift::{DateShift, age_group, age_on};
use super::write::{Format, write_table};
use super::zip::zip3;
use crate::cohort::{InductionCriteria, is_induction};
use crate::consent::eligible;
use crate::error::ExportError;
use crate::model::{ResearchPatient, Session};

/// A de-identified data set: one table per file, each in a deterministic order (by patient pseudonym, then shifted
/// time, then row pseudonym), so that the input order (which may follow internal ids or insertion time) leaks
/// nothing and the same input and key give byte-identical files.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Export {
    pub patients: Vec<PatientRow>,
    pub courses: Vec<CourseRow>,
    pub assessments: Vec<AssessmentRow>,
    pub sessions: Vec<SessionRow>,
    pub adverse_events: Vec<AdverseEventRow>,
    /// Patients given as input but left out because their consent did not stand on the export date. For the
    /// caller's summary; it is not written to any file.
    pub excluded_without_consent: usize,
    /// Consenting patients left out because a stored date is outside the plausible bounds (see
    /// [`super::bounds`]): only a database written before the bounds existed holds such a date.
    pub excluded_out_of_bounds: usize,
}

/// One file of the export: its name (`patients.csv`) and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportFile {
    pub name: String,
    pub contents: String,
}

impl Export {
    /// The export's files in `format`, in a fixed order: patients, courses, assessments, sessions, adverse_events.
    pub fn files(&self, format: Format) -> Result<Vec<ExportFile>, ExportError> {
        fn file<T: Table>(rows: &[T], format: Format) -> Result<ExportFile, ExportError> {
            Ok(ExportFile {
                name: format!("{}.{}", T::FILE_STEM, format.extension()),
                contents: write_table(rows, format)?,
            })
        }
        Ok(vec![
            file(&self.patients, format)?,
            file(&self.courses, format)?,
            file(&self.assessments, format)?,
            file(&self.sessions, format)?,
            file(&self.adverse_events, format)?,
        ])
    }
}

/// Builds the export of the patients whose research consent stands on `as_of` (see [`crate::consent::eligible`]).
///
/// Errors name the record at fault (`patients[2].sessions[0].ended_at`); a duplicate patient id is refused, and so
/// is a pseudonym collision (see [`super::pseudonym`]).
pub fn build_export(patients: &[ResearchPatient], key: &ExportKey, as_of: Date) -> Result<Export, ExportError> {
    let mut export = Export::default();
    let mut ids = IdRegistry::default();
    let mut seen_patients: HashMap<&str, usize> = HashMap::new();
    let criteria = InductionCriteria::default();

    let mut courses = Vec::new();
    let mut assessments = Vec::new();
    let mut sessions = Vec::new();
    let mut events = Vec::new();

    for (index, patient) in patients.iter().enumerate() {
        let field = |rest: &str| format!("patients[{index}]{rest}");
        if let Some(first) = seen_patients.insert(&patient.patient_id, index) {
            return Err(InvalidInput::new(field(".patient_id"), format!("duplicates patients[{first}]")).into());
        }
        if !eligible(&patient.consent, as_of) {
            export.excluded_without_consent += 1;
            continue;
        }
        if !super::bounds::dates_in_bounds(patient) {
            export.excluded_out_of_bounds += 1;
            continue;
        }
        let shift = DateShift::for_patient(key, &patient.patient_id);
        let pt = ids.pseudonym(key, Kind::Patient, &patient.patient_id)?;
        let pseudo = |ids: &mut IdRegistry, kind: Kind, id: &str| ids.pseudonym(key, kind, id);

        for (c, course) in patient.courses.iter().enumerate() {
            if let Some(end) = course.ended_on
                && end < course.started_on
            {
                return Err(InvalidInput::new(field(&format!(".courses[{c}].ended_on")), "is before started_on").into());
            }
            let course_sessions: Vec<&Session> =
                patient.sessions.iter().filter(|s| s.course_id.as_deref() == Some(&course.course_id)).collect();
            let row = CourseRow {
                course: pseudo(&mut ids, Kind::Course, &course.course_id)?,
                patient: pt.clone(),
                modality: course.modality.code(),
                start_date: iso_date(shift.date(course.started_on)),
                end_date: course.ended_on.map(|d| iso_date(shift.date(d))),
                sessions: u32::try_from(course_sessions.len()).unwrap_or(u32::MAX),
                induction_cohort: is_induction(course_sessions.iter().copied(), &criteria),
            };
            courses.push(((pt.clone(), shift.date(course.started_on).midnight().assume_utc()), row));
        }

        for assessment in &patient.assessments {
            let at = shift.instant(assessment.taken_at);
            let row = AssessmentRow {
                assessment: pseudo(&mut ids, Kind::Assessment, &assessment.assessment_id)?,
                patient: pt.clone(),
                course: assessment.course_id.as_deref().map(|id| pseudo(&mut ids, Kind::Course, id)).transpose()?,
                instrument: assessment.instrument.code(),
                taken_at: iso_instant(at)?,
                total: assessment.total,
                baseline: assessment.baseline,
            };
            assessments.push(((pt.clone(), at), row));
        }

        for (s, session) in patient.sessions.iter().enumerate() {
            let row = session_row(session, &pt, shift, key, &mut ids)
                .map_err(|e| prefix(e, &field(&format!(".sessions[{s}]"))))?;
            sessions.push(((pt.clone(), shift.instant(session.started_at)), row));
        }

        for event in &patient.adverse_events {
            let at = shift.instant(event.occurred_at);
            let row = AdverseEventRow {
                adverse_event: pseudo(&mut ids, Kind::AdverseEvent, &event.event_id)?,
                patient: pt.clone(),
                session: event.session_id.as_deref().map(|id| pseudo(&mut ids, Kind::Session, id)).transpose()?,
                occurred_at: iso_instant(at)?,
                kind: event.kind.code(),
                serious: event.serious,
            };
            events.push(((pt.clone(), at), row));
        }

        let first_event = first_event_date(patient);
        export.patients.push(PatientRow {
            patient: pt.clone(),
            clinic: pseudo(&mut ids, Kind::Clinic, &patient.clinic_id)?,
            sex: patient.sex.code(),
            age_at_first_event: first_event.and_then(|d| age_group(age_on(patient.birth_date, d))),
            zip3: patient.zip.as_deref().and_then(zip3),
            state: patient.state.as_deref().and_then(state_code),
            first_event_date: first_event.map(|d| iso_date(shift.date(d))),
        });
    }

    export.patients.sort_by(|a, b| a.patient.cmp(&b.patient));
    export.courses = sorted(courses, |r| r.course.clone());
    export.assessments = sorted(assessments, |r| r.assessment.clone());
    export.sessions = sorted(sessions, |r| r.session.clone());
    export.adverse_events = sorted(events, |r| r.adverse_event.clone());
    Ok(export)
}

fn session_row(
    session: &Session,
    pt: &str,
    shift: DateShift,
    key: &ExportKey,
    ids: &mut IdRegistry,
) -> Result<SessionRow, ExportError> {
    if let Some(end) = session.ended_at
        && end < session.started_at
    {
        return Err(InvalidInput::new("ended_at", "is before started_at").into());
    }
    let obs = &session.observations;
    let dose_mg = match session.dose_mg {
        Some(dose) if !(dose.is_finite() && dose >= 0.0) => {
            return Err(
                InvalidInput::new("dose_mg", format!("must be a finite, non-negative number; got {dose}")).into()
            );
        }
        other => other,
    };
    Ok(SessionRow {
        session: ids.pseudonym(key, Kind::Session, &session.session_id)?,
        patient: pt.to_owned(),
        course: session.course_id.as_deref().map(|id| ids.pseudonym(key, Kind::Course, id)).transpose()?,
        modality: session.modality.code(),
        dose_mg,
        started_at: iso_instant(shift.instant(session.started_at))?,
        ended_at: session.ended_at.map(|t| iso_instant(shift.instant(t))).transpose()?,
        minutes_monitored: session.ended_at.map(|end| (end - session.started_at).whole_minutes()),
        observations: u32::try_from(obs.len()).unwrap_or(u32::MAX),
        max_systolic: obs.iter().filter_map(|o| o.systolic).max(),
        max_diastolic: obs.iter().filter_map(|o| o.diastolic).max(),
        max_heart_rate: obs.iter().filter_map(|o| o.heart_rate).max(),
        min_spo2: obs.iter().filter_map(|o| o.spo2).min(),
        max_cadss: obs.iter().filter_map(|o| o.cadss).max(),
        min_moaas: obs.iter().filter_map(|o| o.moaas).min(),
        bp_gate_checked: session.bp_gate_checked,
        bp_gate_blocked: session.bp_gate_blocked,
        bp_gate_overridden: session.bp_gate_overridden,
    })
}

/// The real date of the patient's first recorded event, in the event's own time zone (where the clinic saw it).
fn first_event_date(patient: &ResearchPatient) -> Option<Date> {
    let courses = patient.courses.iter().map(|c| c.started_on);
    let sessions = patient.sessions.iter().map(|s| s.started_at.date());
    let assessments = patient.assessments.iter().map(|a| a.taken_at.date());
    let events = patient.adverse_events.iter().map(|e| e.occurred_at.date());
    courses.chain(sessions).chain(assessments).chain(events).min()
}

/// A two-letter state code, upper-cased; anything else is withheld, because the field might hold free text.
fn state_code(state: &str) -> Option<String> {
    let state = state.trim();
    (state.len() == 2 && state.bytes().all(|b| b.is_ascii_alphabetic())).then(|| state.to_ascii_uppercase())
}

fn iso_date(date: Date) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), date.month() as u8, date.day())
}

fn iso_instant(at: OffsetDateTime) -> Result<String, ExportError> {
    at.format(&Rfc3339).map_err(|e| InvalidInput::new("time", format!("cannot be written as RFC 3339: {e}")).into())
}

fn prefix(error: ExportError, parent: &str) -> ExportError {
    match error {
        ExportError::Invalid(invalid) => ExportError::Invalid(invalid.within(parent)),
        other => other,
    }
}

fn sorted<R>(mut rows: Vec<((String, OffsetDateTime), R)>, id: impl Fn(&R) -> String) -> Vec<R> {
    rows.sort_by(|(a, ra), (b, rb)| a.cmp(b).then_with(|| id(ra).cmp(&id(rb))));
    rows.into_iter().map(|(_, row)| row).collect()
}

/// Remembers which source id each pseudonym came from, per kind, to refuse collisions.
#[derive(Default)]
struct IdRegistry {
    seen: HashMap<(Kind, String), String>,
}

impl IdRegistry {
    fn pseudonym(&mut self, key: &ExportKey, kind: Kind, id: &str) -> Result<String, ExportError> {
        let p = pseudonym(key, kind, id);
        match self.seen.get(&(kind, p.clone())) {
            Some(source) if source != id => Err(ExportError::PseudonymCollision { kind: kind.label() }),
            Some(_) => Ok(p),
            None => {
                self.seen.insert((kind, p.clone()), id.to_owned());
                Ok(p)
            }
        }
    }
}
