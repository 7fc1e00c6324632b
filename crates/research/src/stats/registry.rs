//! The registry: outcome, durability, safety and gate statistics over consenting patients, with every figure
//! wrapped for its audience (suppressed below the threshold outside the clinic), and the per-clinic outcome
//! summary that the directory shows for clinics that opt in.
//!
//! Unit of analysis for outcomes: one course per patient per (modality, instrument) cell, the patient's earliest
//! evaluable course of that modality. A course is evaluable for an instrument when it has a baseline at or above the
//! instrument's baseline floor (PHQ-9: 10, the CMS159 / NQF 0710 denominator) and at least one later assessment of
//! it; a course whose baseline is below the floor is not assessable and counts in no numerator or denominator.
//! Baseline: the earliest assessment of the instrument in the course marked `baseline`, or, when none is marked,
//! the earliest assessment of the instrument in the course. Outcome: the latest assessment of the course, judged
//! by `ketapath_clinical::outcomes::evaluate` under the configured rules.

use std::collections::{BTreeMap, BTreeSet};

use ketapath_clinical::InvalidInput;
use ketapath_clinical::RuleRef;
use ketapath_clinical::instruments::Instrument;
use ketapath_clinical::outcomes::{Measurement, Outcome, OutcomeConfig, definition, evaluate};
use serde::Serialize;
use time::{Date, OffsetDateTime};

use super::input::{RegistryPatient, StatsAssessment, StatsPatient};
use super::km::{Step, km, median_survival};
use super::quantiles::{Quartiles, quartiles};
use super::rates::per_100_sessions;
use super::suppress::{Suppressed, Threshold, Visibility};
use super::wilson::Proportion;
use crate::consent::eligible;
use crate::model::{AdverseEventKind, Modality};

/// The instruments that have response and remission definitions (`clinical.md` §2.9).
pub const OUTCOME_INSTRUMENTS: [Instrument; 4] =
    [Instrument::Phq9, Instrument::Madrs, Instrument::QidsSr16, Instrument::Gad7];

/// What the registry computes and for whom.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RegistryConfig {
    /// The date on which consent must stand.
    pub as_of: Date,
    pub outcome: OutcomeConfig,
    pub visibility: Visibility,
    /// The last week after the first treatment shown in the response-over-time series.
    pub max_week: u32,
}

impl RegistryConfig {
    /// Public visibility with the default threshold, the clinic's default outcome rules, 12 weeks.
    pub fn public(as_of: Date) -> Self {
        Self { as_of, outcome: OutcomeConfig::default(), visibility: Visibility::default(), max_week: 12 }
    }
}

/// A span of calendar months, `YYYY-MM`, from the earliest baseline to the latest assessment of a cell. Months,
/// not days, so that no single patient's visit date is published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Period {
    pub from: String,
    pub to: String,
}

/// The response rate among patients assessed in one week after their first treatment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeekPoint {
    /// Week 0 holds days 0–6 after the first treatment, week 1 days 7–13, and so on.
    pub week: u32,
    pub response: Suppressed<Proportion>,
}

/// Durability of response: Kaplan–Meier estimate of staying a responder, in days from the first response to the
/// loss of response, censored at the last assessment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Durability {
    pub responders: u64,
    /// In the public view the curve stops before the first step with fewer subjects at risk than the threshold.
    pub steps: Vec<Step>,
    /// Median days of sustained response, from the shown steps; `None` when not reached.
    pub median_days: Option<f64>,
}

/// Outcomes of one modality measured with one instrument.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutcomeCell {
    pub modality: Modality,
    pub instrument: Instrument,
    pub patients: Suppressed<u64>,
    pub period: Suppressed<Period>,
    pub response: Suppressed<Proportion>,
    pub remission: Suppressed<Proportion>,
    /// Days from the first treatment to the first responding assessment, among responders with a treatment time.
    /// `None` when no patient of the cell responded after a recorded treatment.
    pub time_to_response_days: Option<Suppressed<Quartiles>>,
    pub durability: Suppressed<Durability>,
    pub response_over_time: Vec<WeekPoint>,
    pub response_reduction_pct: u8,
    pub remission_max: u16,
    /// The lowest baseline counted: patients below it are not assessable and left out of every figure here.
    pub baseline_min: u16,
    pub response_rule: RuleRef,
    pub remission_rule: RuleRef,
    pub baseline_rule: RuleRef,
}

/// Adverse events of one type.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventRate {
    pub kind: AdverseEventKind,
    pub events: u64,
    /// Patients with at least one event of this type; the cell is suppressed by this count.
    pub patients: u64,
    /// `None` when the population has no sessions (events recorded outside any session).
    pub per_100_sessions: Option<f64>,
}

/// Adverse events per 100 sessions, by type.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AdverseEvents {
    pub sessions: Suppressed<u64>,
    pub by_kind: Vec<(AdverseEventKind, Suppressed<EventRate>)>,
}

/// Blood-pressure gate statistics over sessions: how often the gate blocked dosing, and how often a block was
/// overridden. Suppressed by the number of distinct patients in the denominator. Sessions of one patient are not
/// independent, so the Wilson interval over sessions is narrower than the truth; read it as descriptive.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GateRates {
    /// Blocked sessions among sessions where the gate was checked; `None` without such sessions.
    pub blocked: Option<Suppressed<Proportion>>,
    /// Overridden blocks among blocked sessions; `None` without blocked sessions.
    pub overridden: Option<Suppressed<Proportion>>,
}

/// The registry over one population (all consenting clinics, or one clinic).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Registry {
    /// The date the registry was computed for, `YYYY-MM-DD`.
    #[serde(serialize_with = "ketapath_clinical::dates::serialize_iso_date")]
    pub as_of: Date,
    pub visibility: Visibility,
    pub patients: Suppressed<u64>,
    pub outcomes: Vec<OutcomeCell>,
    pub adverse_events: AdverseEvents,
    pub bp_gate: GateRates,
    /// Every rule that produced a figure here.
    pub rules: Vec<RuleRef>,
}

/// One patient's evaluated course for one instrument, while its patient's records are at hand.
struct Evaluated<'a> {
    baseline: &'a StatsAssessment,
    later: Vec<&'a StatsAssessment>,
    first_treatment: Option<OffsetDateTime>,
    outcome: Outcome,
}

/// What one (modality, instrument) cell keeps of its evaluated courses: counts, the period, and the few numbers per
/// course that quartiles and Kaplan–Meier need, so that the registry is computed in one pass over patients without
/// holding their records.
#[derive(Default)]
pub(super) struct CellSums {
    courses: u64,
    responders: u64,
    remitters: u64,
    /// The earliest baseline date and the latest assessment date of the cell.
    period: Option<(Date, Date)>,
    /// Days from the first treatment to the first responding assessment, per responding course.
    time_to_response: Vec<f64>,
    /// Days of sustained response and whether it was lost, per course with a first response.
    durability: Vec<(f64, bool)>,
    /// Days from the first treatment to the first response (event) or to the latest assessment (censored), per
    /// course with a recorded first treatment: the own-clinic time-to-response curve.
    pub(super) until_response: Vec<(f64, bool)>,
    /// Per week after the first treatment: (responding, assessed) courses.
    weeks: BTreeMap<u32, (u64, u64)>,
}

/// Adverse events of one type: events, and patients with at least one.
#[derive(Default, Clone, Copy)]
struct KindSums {
    events: u64,
    patients: u64,
}

/// The registry computed one patient at a time: feed consenting patients with [`RegistryBuilder::add`] (page by
/// page, as the store reads them) and take the figures with [`RegistryBuilder::finish`]. It keeps per cell only
/// counts and a few numbers per evaluated course, never the patients' records, and gives exactly what
/// [`registry`] gives over the same patients in the same order.
pub struct RegistryBuilder {
    config: RegistryConfig,
    /// Whether patients whose consent does not stand on `config.as_of` are skipped (every use but the clinic's own
    /// report, which counts every patient).
    check_consent: bool,
    /// Patients handed in so far, consenting or not: the index that error messages name.
    seen: usize,
    included: u64,
    cells: BTreeMap<(Modality, Instrument), CellSums>,
    outcome_rules: BTreeSet<(&'static str, u32)>,
    sessions: u64,
    patients_with_sessions: u64,
    by_kind: BTreeMap<AdverseEventKind, KindSums>,
    gate: GateSums,
}

/// Blood-pressure gate counts over sessions and patients.
#[derive(Default)]
struct GateSums {
    checked: u64,
    blocked: u64,
    overridden: u64,
    checked_patients: u64,
    blocked_patients: u64,
}

impl RegistryBuilder {
    /// A registry over the patients whose consent stands on `config.as_of`; others handed in are ignored.
    pub fn new(config: RegistryConfig) -> Self {
        Self::with_consent_check(config, true)
    }

    /// A registry over every patient handed in, consenting or not: the clinic's own report.
    pub(super) fn every_patient(config: RegistryConfig) -> Self {
        Self::with_consent_check(config, false)
    }

    fn with_consent_check(config: RegistryConfig, check_consent: bool) -> Self {
        Self {
            config,
            check_consent,
            seen: 0,
            included: 0,
            cells: BTreeMap::new(),
            outcome_rules: BTreeSet::new(),
            sessions: 0,
            patients_with_sessions: 0,
            by_kind: BTreeMap::new(),
            gate: GateSums::default(),
        }
    }

    /// Adds each patient of `patients` in order (see [`Self::add`]).
    pub fn add_all<P: RegistryPatient>(&mut self, patients: &[P]) -> Result<(), InvalidInput> {
        patients.iter().try_for_each(|p| self.add(p))
    }

    /// Adds one patient. Errors name the record at fault by the patient's position among all patients handed in
    /// (`patients[1].courses[0]: later[2].total: …`).
    pub fn add<P: RegistryPatient + ?Sized>(&mut self, patient: &P) -> Result<(), InvalidInput> {
        let index = self.seen;
        self.seen += 1;
        self.add_at(index, &patient.statistics())
    }

    /// Adds `patient`, named `patients[index]` in errors.
    fn add_at(&mut self, index: usize, patient: &StatsPatient) -> Result<(), InvalidInput> {
        if self.check_consent && !eligible(&patient.consent, self.config.as_of) {
            return Ok(());
        }
        self.included += 1;
        let mut courses: Vec<(usize, Modality, Date)> =
            patient.courses.iter().enumerate().map(|(c, course)| (c, course.modality, course.started_on)).collect();
        courses.sort_by_key(|&(_, _, started_on)| started_on);
        for instrument in OUTCOME_INSTRUMENTS {
            for modality in Modality::ALL {
                for &(c, _, _) in courses.iter().filter(|&&(_, m, _)| m == modality) {
                    let evaluated = evaluate_course(patient, c, instrument, &self.config.outcome)
                        .map_err(|e| e.within(&format!("patients[{index}].courses[{c}]")))?;
                    if let Some(evaluated) = evaluated {
                        self.outcome_rules.extend(evaluated.outcome.rules.iter().map(|r| (r.id, r.version)));
                        let sums = self.cells.entry((modality, instrument)).or_default();
                        sums.add(&evaluated, instrument, &self.config)?;
                        break;
                    }
                }
            }
        }

        self.sessions += patient.sessions.len() as u64;
        self.patients_with_sessions += u64::from(!patient.sessions.is_empty());
        let mut kinds: BTreeSet<AdverseEventKind> = BTreeSet::new();
        for &kind in &patient.adverse_events {
            self.by_kind.entry(kind).or_default().events += 1;
            kinds.insert(kind);
        }
        for kind in kinds {
            self.by_kind.entry(kind).or_default().patients += 1;
        }

        let (mut any_checked, mut any_blocked) = (false, false);
        for session in patient.sessions.iter().filter(|s| s.bp_gate_checked) {
            any_checked = true;
            self.gate.checked += 1;
            if session.bp_gate_blocked {
                any_blocked = true;
                self.gate.blocked += 1;
                if session.bp_gate_overridden {
                    self.gate.overridden += 1;
                }
            }
        }
        self.gate.checked_patients += u64::from(any_checked);
        self.gate.blocked_patients += u64::from(any_blocked);
        Ok(())
    }

    /// The registry of the patients added.
    pub fn finish(self) -> Result<Registry, InvalidInput> {
        Ok(self.finish_with_cells()?.0)
    }

    /// The registry, with what each cell kept for figures the registry does not hold.
    pub(super) fn finish_with_cells(self) -> Result<(Registry, Cells), InvalidInput> {
        let config = self.config;
        let vis = config.visibility;
        let mut outcomes = Vec::new();
        let mut rules = self.outcome_rules;
        for ((modality, instrument), sums) in &self.cells {
            let cell = outcome_cell(*modality, *instrument, sums, &config)?;
            rules.insert((cell.response_rule.id, cell.response_rule.version));
            rules.insert((cell.remission_rule.id, cell.remission_rule.version));
            rules.insert((cell.baseline_rule.id, cell.baseline_rule.version));
            outcomes.push(cell);
        }
        let suppression = &super::suppress::SMALL_CELL_SUPPRESSION;
        if vis.threshold().is_some() {
            rules.insert((suppression.id, suppression.version));
        }
        let sessions = self.sessions;
        let adverse_events = AdverseEvents {
            sessions: vis.cell(sessions, self.patients_with_sessions),
            by_kind: self
                .by_kind
                .into_iter()
                .map(|(kind, KindSums { events, patients })| {
                    let rate = per_100_sessions(events, sessions);
                    (kind, vis.cell(EventRate { kind, events, patients, per_100_sessions: rate }, patients))
                })
                .collect(),
        };
        let gate = &self.gate;
        let cell = |successes, n, patients| Proportion::new(successes, n).map(|p| vis.cell(p, patients));
        let registry = Registry {
            as_of: config.as_of,
            visibility: vis,
            patients: vis.cell(self.included, self.included),
            outcomes,
            adverse_events,
            bp_gate: GateRates {
                blocked: cell(gate.blocked, gate.checked, gate.checked_patients),
                overridden: cell(gate.overridden, gate.blocked, gate.blocked_patients),
            },
            rules: rules.into_iter().map(|(id, version)| RuleRef { id, version }).collect(),
        };
        Ok((registry, self.cells))
    }
}

/// What each (modality, instrument) cell kept.
pub(super) type Cells = BTreeMap<(Modality, Instrument), CellSums>;

/// Computes the registry over the patients whose consent stands on `config.as_of`; the others are ignored.
///
/// Errors name the record at fault (`patients[1].courses[0]: later[2].total: …`).
pub fn registry<P: RegistryPatient>(patients: &[P], config: &RegistryConfig) -> Result<Registry, InvalidInput> {
    let mut builder = RegistryBuilder::new(*config);
    builder.add_all(patients)?;
    builder.finish()
}

/// Evaluates the course at position `course` of the patient's courses for `instrument`.
fn evaluate_course<'a>(
    patient: &'a StatsPatient,
    course: usize,
    instrument: Instrument,
    config: &OutcomeConfig,
) -> Result<Option<Evaluated<'a>>, InvalidInput> {
    let of_course = |c: Option<u32>| c.and_then(|c| usize::try_from(c).ok()) == Some(course);
    let mut series: Vec<&StatsAssessment> =
        patient.assessments.iter().filter(|a| a.instrument == instrument && of_course(a.course)).collect();
    series.sort_by_key(|a| a.taken_at);
    let Some(baseline) = series.iter().find(|a| a.baseline).or(series.first()).copied() else {
        return Ok(None);
    };
    let later: Vec<&StatsAssessment> =
        series.iter().copied().filter(|a| a.taken_at >= baseline.taken_at && !std::ptr::eq(*a, baseline)).collect();
    if later.is_empty() {
        return Ok(None);
    }
    let first_treatment = patient.sessions.iter().filter(|s| of_course(s.course)).map(|s| s.started_at).min();
    let measure = |a: &StatsAssessment| Measurement { taken_at: a.taken_at, total: a.total };
    let later_measurements: Vec<Measurement> = later.iter().map(|a| measure(a)).collect();
    let outcome = evaluate(instrument, &measure(baseline), &later_measurements, first_treatment, config)?;
    // A baseline below the floor cannot show a change the treatment brought about: not evaluable.
    if !outcome.assessable {
        return Ok(None);
    }
    Ok(Some(Evaluated { baseline, later, first_treatment, outcome }))
}

/// Fractional days in a duration.
fn days(d: time::Duration) -> f64 {
    d.as_seconds_f64() / 86_400.0
}

impl CellSums {
    /// Folds one evaluated course into the cell.
    fn add(&mut self, e: &Evaluated, instrument: Instrument, config: &RegistryConfig) -> Result<(), InvalidInput> {
        let o = &e.outcome;
        self.courses += 1;
        self.responders += u64::from(o.response == Some(true));
        self.remitters += u64::from(o.remission == Some(true));
        let (from, to) = (e.baseline.taken_at.date(), o.latest_at.date());
        self.period = Some(self.period.map_or((from, to), |(f, t)| (f.min(from), t.max(to))));
        if let Some(hours) = o.time_to_response_hours {
            self.time_to_response.push(hours / 24.0);
        }
        if let Some(start) = o.first_response_at {
            self.durability.push(match o.loss_of_response_at {
                Some(lost) => (days(lost - start), true),
                None => (days(o.latest_at - start), false),
            });
        }
        if let Some(start) = e.first_treatment {
            self.until_response.push(match o.time_to_response_hours {
                Some(hours) => (hours / 24.0, true),
                None => (days(o.latest_at - start).max(0.0), false),
            });
        }
        let definition = definition(instrument, &config.outcome)?;
        self.add_weeks(e, definition, config.max_week);
        Ok(())
    }

    /// For each week after the first treatment (or the baseline, without a recorded treatment) up to `max_week`,
    /// counts the course as assessed that week and as responding when the last assessment of the week meets the
    /// response rule.
    fn add_weeks(&mut self, e: &Evaluated, definition: ketapath_clinical::outcomes::Definition, max_week: u32) {
        let start = e.first_treatment.unwrap_or(e.baseline.taken_at);
        let mut last_in_week: BTreeMap<u32, &StatsAssessment> = BTreeMap::new();
        for a in &e.later {
            let elapsed = a.taken_at - start;
            if elapsed.is_negative() {
                continue;
            }
            let Ok(week) = u32::try_from(elapsed.whole_days() / 7) else {
                continue;
            };
            if week <= max_week {
                // `later` is in time order, so the last insert of a week is its last assessment.
                last_in_week.insert(week, a);
            }
        }
        for (week, a) in last_in_week {
            let entry = self.weeks.entry(week).or_default();
            entry.1 += 1;
            if definition.is_response(e.baseline.total, a.total) {
                entry.0 += 1;
            }
        }
    }
}

fn outcome_cell(
    modality: Modality,
    instrument: Instrument,
    sums: &CellSums,
    config: &RegistryConfig,
) -> Result<OutcomeCell, InvalidInput> {
    let vis = config.visibility;
    let definition = definition(instrument, &config.outcome)?;
    let n = sums.courses;
    let proportion = |successes: u64| Proportion::new(successes, n);
    let response = proportion(sums.responders);
    let remission = proportion(sums.remitters);

    let mut steps = km(&sums.durability)?;
    if let Some(threshold) = vis.threshold() {
        // Late steps with few subjects at risk describe individuals: cut the public curve before them.
        if let Some(cut) = steps.iter().position(|s| s.at_risk < threshold) {
            steps.truncate(cut);
        }
    }
    let responders = sums.durability.len() as u64;
    let durability = Durability { responders, median_days: median_survival(&steps), steps };

    let months = |d: Date| format!("{:04}-{:02}", d.year(), d.month() as u8);
    let period = sums.period.map(|(from, to)| Period { from: months(from), to: months(to) });

    let unavailable = |field: &str| InvalidInput::new(field, "no patients to compute it from");
    let response_over_time = sums
        .weeks
        .iter()
        .filter_map(|(&week, &(responders, n))| {
            Proportion::new(responders, n).map(|p| WeekPoint { week, response: vis.cell(p, n) })
        })
        .collect();
    Ok(OutcomeCell {
        modality,
        instrument,
        patients: vis.cell(n, n),
        period: vis.cell(period.ok_or_else(|| unavailable("period"))?, n),
        response: vis.cell(response.ok_or_else(|| unavailable("response"))?, n),
        remission: vis.cell(remission.ok_or_else(|| unavailable("remission"))?, n),
        time_to_response_days: quartiles(&sums.time_to_response).map(|q| vis.cell(q, q.n)),
        durability: vis.cell(durability, responders),
        response_over_time,
        response_reduction_pct: definition.response_reduction_pct,
        remission_max: definition.remission_max,
        baseline_min: definition.baseline_min,
        response_rule: definition.response_rule,
        remission_rule: definition.remission_rule,
        baseline_rule: definition.baseline_rule,
    })
}

/// One outcome line of a clinic's public directory entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishedOutcome {
    pub modality: Modality,
    pub instrument: Instrument,
    pub patients: u64,
    pub period: Period,
    pub response: Proportion,
    pub remission: Proportion,
    pub response_reduction_pct: u8,
    pub remission_max: u16,
    pub baseline_min: u16,
    pub response_rule: RuleRef,
    pub remission_rule: RuleRef,
    pub baseline_rule: RuleRef,
}

/// The outcome lines a clinic that opted in shows on its directory page and API: one per (modality, instrument)
/// with at least `threshold` patients, and nothing at all for smaller cells. Opting in is the caller's check;
/// `patients` may hold other clinics' patients, which are ignored.
pub fn clinic_outcomes<P: RegistryPatient>(
    patients: &[P],
    clinic_id: &str,
    as_of: Date,
    outcome: &OutcomeConfig,
    threshold: Threshold,
) -> Result<Vec<PublishedOutcome>, InvalidInput> {
    let mut builder = ClinicOutcomes::new(clinic_id, as_of, outcome, threshold);
    patients.iter().try_for_each(|p| builder.add(p))?;
    builder.finish()
}

/// [`clinic_outcomes`] computed one patient at a time, as the store reads them: patients of other clinics are
/// ignored (but counted in the positions that errors name).
pub struct ClinicOutcomes {
    clinic_id: String,
    registry: RegistryBuilder,
}

impl ClinicOutcomes {
    pub fn new(clinic_id: &str, as_of: Date, outcome: &OutcomeConfig, threshold: Threshold) -> Self {
        let config =
            RegistryConfig { as_of, outcome: *outcome, visibility: Visibility::Public { threshold }, max_week: 0 };
        Self { clinic_id: clinic_id.to_owned(), registry: RegistryBuilder::new(config) }
    }

    /// Adds one patient, ignored unless of this clinic and consenting.
    pub fn add<P: RegistryPatient + ?Sized>(&mut self, patient: &P) -> Result<(), InvalidInput> {
        let patient = patient.statistics();
        if patient.clinic_id == self.clinic_id {
            self.registry.add(patient.as_ref())
        } else {
            self.registry.seen += 1;
            Ok(())
        }
    }

    /// The clinic's outcome lines.
    pub fn finish(self) -> Result<Vec<PublishedOutcome>, InvalidInput> {
        Ok(self
            .registry
            .finish()?
            .outcomes
            .into_iter()
            .filter_map(|cell| {
                Some(PublishedOutcome {
                    modality: cell.modality,
                    instrument: cell.instrument,
                    patients: *cell.patients.shown()?,
                    period: cell.period.shown()?.clone(),
                    response: *cell.response.shown()?,
                    remission: *cell.remission.shown()?,
                    response_reduction_pct: cell.response_reduction_pct,
                    remission_max: cell.remission_max,
                    baseline_min: cell.baseline_min,
                    response_rule: cell.response_rule,
                    remission_rule: cell.remission_rule,
                    baseline_rule: cell.baseline_rule,
                })
            })
            .collect())
    }
}
