//! Builds the de-identified research export from consenting patients' records, in either date form.

use std::collections::HashMap;

use ketapath_clinical::InvalidInput;
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime, UtcOffset};

use super::key::ExportKey;
use super::pseudonym::{Kind, pseudonym};
use super::records::{
    AdverseEventRow, AssessmentRow, CourseDates, CourseRow, DateForm, FirstEvent, Occurred, PatientRow, SessionRow,
    SessionTimes, Table, Taken,
};
use super::shift::{DateShift, MAX_SHIFT_DAYS, age_group, age_on};
use super::write::{Format, write_table};
use super::zip::zip3;
use crate::cohort::{InductionCriteria, is_induction};
use crate::consent::eligible;
use crate::error::ExportError;
use crate::model::{ResearchPatient, Session};

/// A de-identified data set: one table per file, each in a deterministic order (by patient pseudonym, then time,
/// then row pseudonym), so that the input order (which may follow internal ids or insertion time) leaks nothing and
/// the same input and key give byte-identical files.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Export {
    /// How the rows write dates: which columns the files have.
    pub form: DateForm,
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
        fn file<T: Table>(rows: &[T], format: Format, form: DateForm) -> Result<ExportFile, ExportError> {
            Ok(ExportFile {
                name: format!("{}.{}", T::FILE_STEM, format.extension()),
                contents: write_table(rows, format, form)?,
            })
        }
        Ok(vec![
            file(&self.patients, format, self.form)?,
            file(&self.courses, format, self.form)?,
            file(&self.assessments, format, self.form)?,
            file(&self.sessions, format, self.form)?,
            file(&self.adverse_events, format, self.form)?,
        ])
    }
}

/// How one patient's dates are written in the rows.
#[derive(Clone, Copy)]
enum Clock {
    /// Offsets from the real date of the patient's first event (in the event's own time zone).
    Offsets {
        first: Date,
    },
    Shifted(DateShift),
}

impl Clock {
    fn for_patient(form: DateForm, patient: &ResearchPatient, key: &ExportKey, as_of: Date) -> Self {
        match form {
            DateForm::Offsets => Clock::Offsets { first: first_event_date(patient).unwrap_or(as_of) },
            DateForm::Shifted => {
                let room = last_event_date(patient).map_or(MAX_SHIFT_DAYS, |last| (as_of - last).whole_days());
                Clock::Shifted(DateShift::within(key, &patient.patient_id, room))
            }
        }
    }

    /// Whole calendar days from the first event to `date`.
    fn day(first: Date, date: Date) -> i64 {
        (date - first).whole_days()
    }

    fn course(self, start: Date, end: Option<Date>) -> CourseDates {
        match self {
            Clock::Offsets { first } => {
                CourseDates::Offsets { day: Self::day(first, start), end_day: end.map(|d| Self::day(first, d)) }
            }
            Clock::Shifted(shift) => CourseDates::Shifted {
                start_date: iso_date(shift.date(start)),
                end_date: end.map(|d| iso_date(shift.date(d))),
            },
        }
    }

    fn taken(self, at: OffsetDateTime) -> Result<Taken, ExportError> {
        Ok(match self {
            Clock::Offsets { first } => Taken::Day { day: Self::day(first, at.date()) },
            Clock::Shifted(shift) => Taken::At { taken_at: iso_instant(shift.instant(at))? },
        })
    }

    fn session(self, session: &Session) -> Result<SessionTimes, ExportError> {
        Ok(match self {
            Clock::Offsets { first } => SessionTimes::Offsets {
                day: Self::day(first, session.started_at.date()),
                last_observation_minute: session
                    .observations
                    .iter()
                    .map(|o| o.at)
                    .max()
                    .map(|at| (at - session.started_at).whole_minutes()),
            },
            Clock::Shifted(shift) => SessionTimes::Shifted {
                started_at: iso_instant(shift.instant(session.started_at))?,
                ended_at: session.ended_at.map(|t| iso_instant(shift.instant(t))).transpose()?,
            },
        })
    }

    fn occurred(self, at: OffsetDateTime, session: Option<&Session>) -> Result<Occurred, ExportError> {
        Ok(match self {
            Clock::Offsets { first } => Occurred::Offsets {
                day: Self::day(first, at.date()),
                minute: session.map(|s| (at - s.started_at).whole_minutes()),
            },
            Clock::Shifted(shift) => Occurred::At { occurred_at: iso_instant(shift.instant(at))? },
        })
    }

    fn first_event(self, first_event: Option<Date>) -> FirstEvent {
        match self {
            Clock::Offsets { .. } => FirstEvent::Year { first_event_year: first_event.map(Date::year) },
            Clock::Shifted(shift) => {
                FirstEvent::Date { first_event_date: first_event.map(|d| iso_date(shift.date(d))) }
            }
        }
    }
}

/// Builds the export of the patients whose research consent stands on `as_of` (see [`crate::consent::eligible`]),
/// with dates in `form`: by default no calendar date at all, or dates shifted per patient so that none passes
/// `as_of` (see [`super::shift`]).
///
/// Errors name the record at fault (`patients[2].sessions[0].ended_at`); a duplicate patient id is refused, and so
/// is a pseudonym collision (see [`super::pseudonym`]).
pub fn build_export(
    patients: &[ResearchPatient],
    key: &ExportKey,
    as_of: Date,
    form: DateForm,
) -> Result<Export, ExportError> {
    let mut export = Export { form, ..Export::default() };
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
        let clock = Clock::for_patient(form, patient, key, as_of);
        let pt = ids.pseudonym(key, Kind::Patient, &patient.patient_id)?;
        let pseudo = |ids: &mut IdRegistry, kind: Kind, id: &str| ids.pseudonym(key, kind, id);

        for course in &patient.courses {
            let course_sessions: Vec<&Session> =
                patient.sessions.iter().filter(|s| s.course_id.as_deref() == Some(&course.course_id)).collect();
            let row = CourseRow {
                course: pseudo(&mut ids, Kind::Course, &course.course_id)?,
                patient: pt.clone(),
                modality: course.modality.code(),
                dates: clock.course(course.started_on, course.ended_on),
                sessions: u32::try_from(course_sessions.len()).unwrap_or(u32::MAX),
                induction_cohort: is_induction(course_sessions.iter().copied(), &criteria),
            };
            courses.push(((pt.clone(), course.started_on.midnight().assume_utc()), row));
        }

        for assessment in &patient.assessments {
            let row = AssessmentRow {
                assessment: pseudo(&mut ids, Kind::Assessment, &assessment.assessment_id)?,
                patient: pt.clone(),
                course: assessment.course_id.as_deref().map(|id| pseudo(&mut ids, Kind::Course, id)).transpose()?,
                instrument: assessment.instrument.code(),
                taken: clock.taken(assessment.taken_at)?,
                total: assessment.total,
                baseline: assessment.baseline,
            };
            assessments.push(((pt.clone(), assessment.taken_at), row));
        }

        for (s, session) in patient.sessions.iter().enumerate() {
            let row = session_row(session, &pt, clock, key, &mut ids)
                .map_err(|e| prefix(e, &field(&format!(".sessions[{s}]"))))?;
            sessions.push(((pt.clone(), session.started_at), row));
        }

        for event in &patient.adverse_events {
            let session =
                event.session_id.as_deref().and_then(|id| patient.sessions.iter().find(|s| s.session_id == id));
            let row = AdverseEventRow {
                adverse_event: pseudo(&mut ids, Kind::AdverseEvent, &event.event_id)?,
                patient: pt.clone(),
                session: event.session_id.as_deref().map(|id| pseudo(&mut ids, Kind::Session, id)).transpose()?,
                occurred: clock.occurred(event.occurred_at, session)?,
                kind: event.kind.code(),
                serious: event.serious,
            };
            events.push(((pt.clone(), event.occurred_at), row));
        }

        let first_event = first_event_date(patient);
        export.patients.push(PatientRow {
            patient: pt.clone(),
            clinic: pseudo(&mut ids, Kind::Clinic, &patient.clinic_id)?,
            sex: patient.sex.code(),
            age_at_first_event: first_event.and_then(|d| age_group(age_on(patient.birth_date, d))),
            zip3: patient.zip.as_deref().and_then(zip3),
            state: patient.state.as_deref().and_then(state_code),
            first_event: clock.first_event(first_event),
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
    clock: Clock,
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
        times: clock.session(session)?,
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

/// The latest real date of any of the patient's records, counting each instant's date both where it happened and
/// in UTC (the shifted form writes instants in UTC), so that bounding the shift by it keeps every written date on
/// or before the export date.
fn last_event_date(patient: &ResearchPatient) -> Option<Date> {
    let courses = patient.courses.iter().flat_map(|c| [Some(c.started_on), c.ended_on]).flatten();
    let sessions = patient.sessions.iter().flat_map(|s| {
        let observations = s.observations.iter().map(|o| o.at);
        std::iter::once(s.started_at).chain(s.ended_at).chain(observations)
    });
    let assessments = patient.assessments.iter().map(|a| a.taken_at);
    let events = patient.adverse_events.iter().map(|e| e.occurred_at);
    let instants =
        sessions.chain(assessments).chain(events).flat_map(|at| [at.date(), at.to_offset(UtcOffset::UTC).date()]);
    courses.chain(instants).max()
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
