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
        self.files_part(format, true)
    }

    /// The export's files in `format` as [`Self::files`] writes them, with or without the CSV header line: a page
    /// of an [`ExportStream`] is written without, and appended to the files begun by the empty export's header.
    pub fn files_part(&self, format: Format, header: bool) -> Result<Vec<ExportFile>, ExportError> {
        let file =
            |stem: &str, contents: String| ExportFile { name: format!("{stem}.{}", format.extension()), contents };
        fn text<T: Table>(rows: &[T], format: Format, form: DateForm, header: bool) -> Result<String, ExportError> {
            write_table(rows, format, form, header)
        }
        let (form, h) = (self.form, header);
        Ok(vec![
            file(PatientRow::FILE_STEM, text(&self.patients, format, form, h)?),
            file(CourseRow::FILE_STEM, text(&self.courses, format, form, h)?),
            file(AssessmentRow::FILE_STEM, text(&self.assessments, format, form, h)?),
            file(SessionRow::FILE_STEM, text(&self.sessions, format, form, h)?),
            file(AdverseEventRow::FILE_STEM, text(&self.adverse_events, format, form, h)?),
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
    // The stream takes patients in pseudonym order; ties (the same id twice) keep the input order, so that the
    // error names the later copy.
    let mut order: Vec<(String, usize)> =
        patients.iter().enumerate().map(|(i, p)| (pseudonym(key, Kind::Patient, &p.patient_id), i)).collect();
    order.sort();
    let mut stream = ExportStream::new(key, as_of, form);
    let export = stream.add_ordered(order.into_iter().map(|(pt, i)| (i, pt, &patients[i])))?;
    stream.finish()?;
    Ok(export)
}

/// Row counts of a whole streamed export, for the caller's summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ExportTotals {
    pub patients: usize,
    pub courses: usize,
    pub assessments: usize,
    pub sessions: usize,
    pub adverse_events: usize,
    pub excluded_without_consent: usize,
    pub excluded_out_of_bounds: usize,
}

/// The export built a page of patients at a time, for data sets too large to hold at once. Pages must come in
/// patient pseudonym order ([`patient_order`]; the store reads them so): then each page's rows, sorted as
/// [`build_export`] sorts them, are exactly the next rows of each file, and writing every page's
/// [`Export::files_part`] in turn gives the same bytes as [`build_export`] over all patients.
///
/// Memory: besides the page, 8 bytes per course, session, assessment and adverse event, to refuse pseudonym
/// collisions across pages at [`ExportStream::finish`]. Ids of those records must each belong to one patient, as
/// the store's primary keys guarantee.
pub struct ExportStream<'k> {
    key: &'k ExportKey,
    as_of: Date,
    form: DateForm,
    /// Patients handed in so far: the index that error messages name.
    seen: usize,
    /// The pseudonym, id and index of the last patient handed in, to check the order and refuse duplicates.
    last: Option<(String, String, usize)>,
    /// Pseudonyms seen in the current page (and clinics', kept across pages, since a clinic has many patients).
    ids: IdRegistry,
    /// The pseudonyms of earlier pages' records per kind, as numbers, checked for collisions at the end.
    earlier: HashMap<Kind, Vec<u64>>,
    totals: ExportTotals,
}

/// The sort key of a patient in the export: its pseudonym's 64 bits, which order patients exactly as the files do.
pub fn patient_order(key: &ExportKey, patient_id: &str) -> u64 {
    super::pseudonym::pseudonym_bits(key, Kind::Patient, patient_id)
}

impl<'k> ExportStream<'k> {
    pub fn new(key: &'k ExportKey, as_of: Date, form: DateForm) -> Self {
        Self {
            key,
            as_of,
            form,
            seen: 0,
            last: None,
            ids: IdRegistry::default(),
            earlier: HashMap::new(),
            totals: ExportTotals::default(),
        }
    }

    /// The rows of the next page of patients, in file order. Errors name the record by its position among all
    /// patients handed in; patients out of pseudonym order are refused.
    pub fn add_page(&mut self, patients: &[ResearchPatient]) -> Result<Export, ExportError> {
        let first = self.seen;
        self.seen += patients.len();
        let key = self.key;
        self.add_ordered(
            patients.iter().enumerate().map(|(i, p)| (first + i, pseudonym(key, Kind::Patient, &p.patient_id), p)),
        )
    }

    /// The rows of `patients` (index for errors, patient pseudonym, patient), which come in pseudonym order.
    fn add_ordered<'p>(
        &mut self,
        patients: impl Iterator<Item = (usize, String, &'p ResearchPatient)>,
    ) -> Result<Export, ExportError> {
        let (key, as_of, form) = (self.key, self.as_of, self.form);
        let mut export = Export { form, ..Export::default() };
        let criteria = InductionCriteria::default();
        let mut courses = Vec::new();
        let mut assessments = Vec::new();
        let mut sessions = Vec::new();
        let mut events = Vec::new();

        for (index, pt, patient) in patients {
            let field = |rest: &str| format!("patients[{index}]{rest}");
            if let Some((last_pt, last_id, last_index)) = &self.last {
                match pt.cmp(last_pt) {
                    std::cmp::Ordering::Less => {
                        return Err(InvalidInput::new(field(".patient_id"), "comes out of pseudonym order").into());
                    }
                    std::cmp::Ordering::Equal if *last_id == patient.patient_id => {
                        return Err(InvalidInput::new(
                            field(".patient_id"),
                            format!("duplicates patients[{last_index}]"),
                        )
                        .into());
                    }
                    std::cmp::Ordering::Equal => {
                        return Err(ExportError::PseudonymCollision { kind: Kind::Patient.label() });
                    }
                    std::cmp::Ordering::Greater => {}
                }
            }
            self.last = Some((pt.clone(), patient.patient_id.clone(), index));
            if !eligible(&patient.consent, as_of) {
                export.excluded_without_consent += 1;
                continue;
            }
            if !super::bounds::dates_in_bounds(patient) {
                export.excluded_out_of_bounds += 1;
                continue;
            }
            let clock = Clock::for_patient(form, patient, key, as_of);
            let ids = &mut self.ids;
            let pseudo = |ids: &mut IdRegistry, kind: Kind, id: &str| ids.pseudonym(key, kind, id);

            for course in &patient.courses {
                let course_sessions: Vec<&Session> =
                    patient.sessions.iter().filter(|s| s.course_id.as_deref() == Some(&course.course_id)).collect();
                let row = CourseRow {
                    course: pseudo(ids, Kind::Course, &course.course_id)?,
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
                    assessment: pseudo(ids, Kind::Assessment, &assessment.assessment_id)?,
                    patient: pt.clone(),
                    course: assessment.course_id.as_deref().map(|id| pseudo(ids, Kind::Course, id)).transpose()?,
                    instrument: assessment.instrument.code(),
                    taken: clock.taken(assessment.taken_at)?,
                    total: assessment.total,
                    baseline: assessment.baseline,
                };
                assessments.push(((pt.clone(), assessment.taken_at), row));
            }

            for (s, session) in patient.sessions.iter().enumerate() {
                let row = session_row(session, &pt, clock, key, ids)
                    .map_err(|e| prefix(e, &field(&format!(".sessions[{s}]"))))?;
                sessions.push(((pt.clone(), session.started_at), row));
            }

            for event in &patient.adverse_events {
                let session =
                    event.session_id.as_deref().and_then(|id| patient.sessions.iter().find(|s| s.session_id == id));
                let row = AdverseEventRow {
                    adverse_event: pseudo(ids, Kind::AdverseEvent, &event.event_id)?,
                    patient: pt.clone(),
                    session: event.session_id.as_deref().map(|id| pseudo(ids, Kind::Session, id)).transpose()?,
                    occurred: clock.occurred(event.occurred_at, session)?,
                    kind: event.kind.code(),
                    serious: event.serious,
                };
                events.push(((pt.clone(), event.occurred_at), row));
            }

            let first_event = first_event_date(patient);
            export.patients.push(PatientRow {
                clinic: pseudo(ids, Kind::Clinic, &patient.clinic_id)?,
                patient: pt,
                sex: patient.sex.code(),
                age_at_first_event: first_event.and_then(|d| age_group(age_on(patient.birth_date, d))),
                zip3: patient.zip.as_deref().and_then(zip3),
                state: patient.state.as_deref().and_then(state_code),
                first_event: clock.first_event(first_event),
            });
        }

        export.courses = sorted(courses, |r| r.course.clone());
        export.assessments = sorted(assessments, |r| r.assessment.clone());
        export.sessions = sorted(sessions, |r| r.session.clone());
        export.adverse_events = sorted(events, |r| r.adverse_event.clone());
        self.end_page(&export)?;
        Ok(export)
    }

    /// Moves the page's record pseudonyms out of the page registry into the compact per-kind lists (clinics stay),
    /// and adds the page to the totals.
    fn end_page(&mut self, page: &Export) -> Result<(), ExportError> {
        let earlier = &mut self.earlier;
        let mut bad = None;
        self.ids.seen.retain(|(kind, pseudonym), _| {
            if *kind == Kind::Clinic {
                return true;
            }
            match super::pseudonym::bits_of(pseudonym) {
                Some(bits) => earlier.entry(*kind).or_default().push(bits),
                None => bad = Some(*kind),
            }
            false
        });
        if let Some(kind) = bad {
            return Err(ExportError::PseudonymCollision { kind: kind.label() });
        }
        let t = &mut self.totals;
        t.patients += page.patients.len();
        t.courses += page.courses.len();
        t.assessments += page.assessments.len();
        t.sessions += page.sessions.len();
        t.adverse_events += page.adverse_events.len();
        t.excluded_without_consent += page.excluded_without_consent;
        t.excluded_out_of_bounds += page.excluded_out_of_bounds;
        Ok(())
    }

    /// Checks that no two records of one kind in different pages share a pseudonym, and gives the totals.
    pub fn finish(self) -> Result<ExportTotals, ExportError> {
        for (kind, mut bits) in self.earlier {
            bits.sort_unstable();
            if bits.windows(2).any(|w| w[0] == w[1]) {
                return Err(ExportError::PseudonymCollision { kind: kind.label() });
            }
        }
        Ok(self.totals)
    }
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
