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

use super::km::{Step, km, median_survival};
use super::quantiles::{Quartiles, quartiles};
use super::rates::per_100_sessions;
use super::suppress::{Suppressed, Threshold, Visibility};
use super::wilson::Proportion;
use crate::consent::eligible;
use crate::model::{AdverseEventKind, Assessment, Course, Modality, ResearchPatient};

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

/// One patient's evaluated course for one instrument.
pub(super) struct Evaluated<'a> {
    baseline: &'a Assessment,
    later: Vec<&'a Assessment>,
    pub(super) first_treatment: Option<OffsetDateTime>,
    pub(super) outcome: Outcome,
}

/// The evaluated courses of each (modality, instrument) cell.
pub(super) type Cells<'a> = BTreeMap<(Modality, Instrument), Vec<Evaluated<'a>>>;

/// Computes the registry over the patients whose consent stands on `config.as_of`; the others are ignored.
///
/// Errors name the record at fault (`patients[1].courses[0]: later[2].total: …`).
pub fn registry(patients: &[ResearchPatient], config: &RegistryConfig) -> Result<Registry, InvalidInput> {
    registry_of(patients.iter().enumerate(), config)
}

/// The registry of the given patients, each with its index in the caller's slice for error messages.
fn registry_of<'a>(
    patients: impl Iterator<Item = (usize, &'a ResearchPatient)>,
    config: &RegistryConfig,
) -> Result<Registry, InvalidInput> {
    let included: Vec<(usize, &ResearchPatient)> =
        patients.filter(|(_, p)| eligible(&p.consent, config.as_of)).collect();
    Ok(registry_over(&included, config)?.0)
}

/// The registry of exactly `included` (no consent check: the caller chose the population), with the evaluated
/// courses of each cell for figures the registry does not hold.
pub(super) fn registry_over<'a>(
    included: &[(usize, &'a ResearchPatient)],
    config: &RegistryConfig,
) -> Result<(Registry, Cells<'a>), InvalidInput> {
    let vis = config.visibility;

    let mut cells: Cells<'a> = BTreeMap::new();
    for &(index, patient) in included {
        let mut courses: Vec<(usize, &Course)> = patient.courses.iter().enumerate().collect();
        courses.sort_by_key(|(_, c)| c.started_on);
        for instrument in OUTCOME_INSTRUMENTS {
            for modality in Modality::ALL {
                for &(c, course) in courses.iter().filter(|(_, c)| c.modality == modality) {
                    let evaluated = evaluate_course(patient, course, instrument, &config.outcome)
                        .map_err(|e| e.within(&format!("patients[{index}].courses[{c}]")))?;
                    if let Some(evaluated) = evaluated {
                        cells.entry((modality, instrument)).or_default().push(evaluated);
                        break;
                    }
                }
            }
        }
    }

    let mut outcomes = Vec::new();
    let mut rules: BTreeSet<(&'static str, u32)> = BTreeSet::new();
    for ((modality, instrument), evaluated) in &cells {
        let cell = outcome_cell(*modality, *instrument, evaluated, config)?;
        rules.insert((cell.response_rule.id, cell.response_rule.version));
        rules.insert((cell.remission_rule.id, cell.remission_rule.version));
        rules.insert((cell.baseline_rule.id, cell.baseline_rule.version));
        for e in evaluated {
            rules.extend(e.outcome.rules.iter().map(|r| (r.id, r.version)));
        }
        outcomes.push(cell);
    }
    let suppression = &super::suppress::SMALL_CELL_SUPPRESSION;
    if vis.threshold().is_some() {
        rules.insert((suppression.id, suppression.version));
    }

    let registry = Registry {
        as_of: config.as_of,
        visibility: vis,
        patients: vis.cell(included.len() as u64, included.len() as u64),
        outcomes,
        adverse_events: adverse_events(included, vis),
        bp_gate: gate_rates(included, vis),
        rules: rules.into_iter().map(|(id, version)| RuleRef { id, version }).collect(),
    };
    Ok((registry, cells))
}

fn evaluate_course<'a>(
    patient: &'a ResearchPatient,
    course: &Course,
    instrument: Instrument,
    config: &OutcomeConfig,
) -> Result<Option<Evaluated<'a>>, InvalidInput> {
    let mut series: Vec<&Assessment> = patient
        .assessments
        .iter()
        .filter(|a| a.instrument == instrument && a.course_id.as_deref() == Some(&course.course_id))
        .collect();
    series.sort_by_key(|a| a.taken_at);
    let Some(baseline) = series.iter().find(|a| a.baseline).or(series.first()).copied() else {
        return Ok(None);
    };
    let later: Vec<&Assessment> =
        series.iter().copied().filter(|a| a.taken_at >= baseline.taken_at && !std::ptr::eq(*a, baseline)).collect();
    if later.is_empty() {
        return Ok(None);
    }
    let first_treatment = patient
        .sessions
        .iter()
        .filter(|s| s.course_id.as_deref() == Some(&course.course_id))
        .map(|s| s.started_at)
        .min();
    let measure = |a: &Assessment| Measurement { taken_at: a.taken_at, total: a.total };
    let later_measurements: Vec<Measurement> = later.iter().map(|a| measure(a)).collect();
    let outcome = evaluate(instrument, &measure(baseline), &later_measurements, first_treatment, config)?;
    // A baseline below the floor cannot show a change the treatment brought about: not evaluable.
    if !outcome.assessable {
        return Ok(None);
    }
    Ok(Some(Evaluated { baseline, later, first_treatment, outcome }))
}

fn outcome_cell(
    modality: Modality,
    instrument: Instrument,
    evaluated: &[Evaluated],
    config: &RegistryConfig,
) -> Result<OutcomeCell, InvalidInput> {
    let vis = config.visibility;
    let definition = definition(instrument, &config.outcome)?;
    let n = evaluated.len() as u64;
    let count = |f: &dyn Fn(&Outcome) -> bool| evaluated.iter().filter(|e| f(&e.outcome)).count() as u64;
    let proportion = |successes: u64| Proportion::new(successes, n);
    let response = proportion(count(&|o| o.response == Some(true)));
    let remission = proportion(count(&|o| o.remission == Some(true)));

    let days = |d: time::Duration| d.as_seconds_f64() / 86_400.0;
    let ttr: Vec<f64> = evaluated.iter().filter_map(|e| e.outcome.time_to_response_hours.map(|h| h / 24.0)).collect();

    let responders: Vec<&Evaluated> = evaluated.iter().filter(|e| e.outcome.first_response_at.is_some()).collect();
    let durability_input: Vec<(f64, bool)> = responders
        .iter()
        .filter_map(|e| {
            let start = e.outcome.first_response_at?;
            Some(match e.outcome.loss_of_response_at {
                Some(lost) => (days(lost - start), true),
                None => (days(e.outcome.latest_at - start), false),
            })
        })
        .collect();
    let mut steps = km(&durability_input)?;
    if let Some(threshold) = vis.threshold() {
        // Late steps with few subjects at risk describe individuals: cut the public curve before them.
        if let Some(cut) = steps.iter().position(|s| s.at_risk < threshold) {
            steps.truncate(cut);
        }
    }
    let durability = Durability { responders: responders.len() as u64, median_days: median_survival(&steps), steps };

    let months = |d: Date| format!("{:04}-{:02}", d.year(), d.month() as u8);
    let from = evaluated.iter().map(|e| e.baseline.taken_at.date()).min();
    let to = evaluated.iter().map(|e| e.outcome.latest_at.date()).max();
    let period = from.zip(to).map(|(from, to)| Period { from: months(from), to: months(to) });

    let unavailable = |field: &str| InvalidInput::new(field, "no patients to compute it from");
    Ok(OutcomeCell {
        modality,
        instrument,
        patients: vis.cell(n, n),
        period: vis.cell(period.ok_or_else(|| unavailable("period"))?, n),
        response: vis.cell(response.ok_or_else(|| unavailable("response"))?, n),
        remission: vis.cell(remission.ok_or_else(|| unavailable("remission"))?, n),
        time_to_response_days: quartiles(&ttr).map(|q| vis.cell(q, q.n)),
        durability: vis.cell(durability, responders.len() as u64),
        response_over_time: response_over_time(evaluated, definition, config),
        response_reduction_pct: definition.response_reduction_pct,
        remission_max: definition.remission_max,
        baseline_min: definition.baseline_min,
        response_rule: definition.response_rule,
        remission_rule: definition.remission_rule,
        baseline_rule: definition.baseline_rule,
    })
}

/// For each week after the first treatment (or the baseline, without a recorded treatment), the share of the
/// patients assessed that week whose last assessment of the week meets the response rule.
fn response_over_time(
    evaluated: &[Evaluated],
    definition: ketapath_clinical::outcomes::Definition,
    config: &RegistryConfig,
) -> Vec<WeekPoint> {
    let mut weeks: BTreeMap<u32, (u64, u64)> = BTreeMap::new();
    for e in evaluated {
        let start = e.first_treatment.unwrap_or(e.baseline.taken_at);
        let mut last_in_week: BTreeMap<u32, &Assessment> = BTreeMap::new();
        for a in &e.later {
            let elapsed = a.taken_at - start;
            if elapsed.is_negative() {
                continue;
            }
            let Ok(week) = u32::try_from(elapsed.whole_days() / 7) else {
                continue;
            };
            if week <= config.max_week {
                // `later` is in time order, so the last insert of a week is its last assessment.
                last_in_week.insert(week, a);
            }
        }
        for (week, a) in last_in_week {
            let entry = weeks.entry(week).or_default();
            entry.1 += 1;
            if definition.is_response(e.baseline.total, a.total) {
                entry.0 += 1;
            }
        }
    }
    weeks
        .into_iter()
        .filter_map(|(week, (responders, n))| {
            Proportion::new(responders, n).map(|p| WeekPoint { week, response: config.visibility.cell(p, n) })
        })
        .collect()
}

fn adverse_events(included: &[(usize, &ResearchPatient)], vis: Visibility) -> AdverseEvents {
    let sessions: u64 = included.iter().map(|(_, p)| p.sessions.len() as u64).sum();
    let mut by_kind: BTreeMap<AdverseEventKind, (u64, BTreeSet<usize>)> = BTreeMap::new();
    for &(index, patient) in included {
        for event in &patient.adverse_events {
            let entry = by_kind.entry(event.kind).or_default();
            entry.0 += 1;
            entry.1.insert(index);
        }
    }
    let patients_with_sessions = included.iter().filter(|(_, p)| !p.sessions.is_empty()).count() as u64;
    AdverseEvents {
        sessions: vis.cell(sessions, patients_with_sessions),
        by_kind: by_kind
            .into_iter()
            .map(|(kind, (events, patients))| {
                let patients = patients.len() as u64;
                let rate = per_100_sessions(events, sessions);
                (kind, vis.cell(EventRate { kind, events, patients, per_100_sessions: rate }, patients))
            })
            .collect(),
    }
}

fn gate_rates(included: &[(usize, &ResearchPatient)], vis: Visibility) -> GateRates {
    let (mut checked, mut blocked, mut overridden) = (0u64, 0u64, 0u64);
    let (mut checked_patients, mut blocked_patients) = (0u64, 0u64);
    for (_, patient) in included {
        let mut any_checked = false;
        let mut any_blocked = false;
        for session in patient.sessions.iter().filter(|s| s.bp_gate_checked) {
            any_checked = true;
            checked += 1;
            if session.bp_gate_blocked {
                any_blocked = true;
                blocked += 1;
                if session.bp_gate_overridden {
                    overridden += 1;
                }
            }
        }
        checked_patients += u64::from(any_checked);
        blocked_patients += u64::from(any_blocked);
    }
    let cell = |successes, n, patients| Proportion::new(successes, n).map(|p| vis.cell(p, patients));
    GateRates {
        blocked: cell(blocked, checked, checked_patients),
        overridden: cell(overridden, blocked, blocked_patients),
    }
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
pub fn clinic_outcomes(
    patients: &[ResearchPatient],
    clinic_id: &str,
    as_of: Date,
    outcome: &OutcomeConfig,
    threshold: Threshold,
) -> Result<Vec<PublishedOutcome>, InvalidInput> {
    let own = patients.iter().enumerate().filter(|(_, p)| p.clinic_id == clinic_id);
    let config = RegistryConfig { as_of, outcome: *outcome, visibility: Visibility::Public { threshold }, max_week: 0 };
    let registry = registry_of(own, &config)?;
    Ok(registry
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
