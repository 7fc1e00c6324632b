//! A clinic's own outcome report: the registry's figures over every treated patient of one clinic, unsuppressed
//! (its staff already see each of these patients), with time to first response as a Kaplan–Meier estimate, and
//! the table behind each figure as CSV.
//!
//! Population: every patient the caller hands in, whatever their research consent. Consent governs what leaves
//! the clinic (the registry, the export); a clinic measuring its own care of its own patients is not a research
//! use. Outcome cells, durability, gate and adverse-event rates are the registry's own computations
//! ([`super::registry`]); only the time-to-response curve is added here.
//!
//! Time to response: days from a course's first treatment to the first assessment at or after it that meets the
//! response rule (the event); a course without such an assessment is censored at its latest assessment. Courses
//! without a recorded treatment are left out of this curve (there is no time zero).

use ketapath_clinical::InvalidInput;
use ketapath_clinical::instruments::Instrument;
use ketapath_clinical::outcomes::OutcomeConfig;
use serde::Serialize;
use time::Date;

use super::input::RegistryPatient;
use super::km::{Step, km, median_survival};
use super::registry::{Registry, RegistryBuilder, RegistryConfig};
use super::suppress::{Suppressed, Visibility};
use super::wilson::{Proportion, Z_95};
use crate::model::Modality;

/// Time to first response of one (modality, instrument) cell, as a Kaplan–Meier estimate of "not yet responding".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimeToResponse {
    pub modality: Modality,
    pub instrument: Instrument,
    /// Courses with a recorded first treatment: the curve's population.
    pub courses: u64,
    /// Of them, courses that responded after the first treatment.
    pub responders: u64,
    pub steps: Vec<Step>,
    /// Median days to first response; `None` when fewer than half responded within follow-up.
    pub median_days: Option<f64>,
}

/// A clinic's own report: the registry in the clinic's view and the time-to-response curves.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClinicReport {
    pub registry: Registry,
    pub time_to_response: Vec<TimeToResponse>,
}

/// The report over `patients` (all of them: no consent check, see the module documentation) on `as_of`.
pub fn own_clinic_report<P: RegistryPatient>(
    patients: &[P],
    as_of: Date,
    outcome: &OutcomeConfig,
) -> Result<ClinicReport, InvalidInput> {
    let config = RegistryConfig { as_of, outcome: *outcome, visibility: Visibility::OwnClinic, max_week: 12 };
    let mut builder = RegistryBuilder::every_patient(config);
    builder.add_all(patients)?;
    let (registry, cells) = builder.finish_with_cells()?;
    let mut time_to_response = Vec::new();
    for ((modality, instrument), sums) in &cells {
        let observations = &sums.until_response;
        let steps = km(observations)?;
        time_to_response.push(TimeToResponse {
            modality: *modality,
            instrument: *instrument,
            courses: observations.len() as u64,
            responders: observations.iter().filter(|(_, event)| *event).count() as u64,
            median_days: median_survival(&steps),
            steps,
        });
    }
    Ok(ClinicReport { registry, time_to_response })
}

/// The tables behind the report's figures, by the name the CSV download takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableName {
    Outcomes,
    TimeToResponse,
    Durability,
    Gates,
    AdverseEvents,
}

impl TableName {
    pub const ALL: [TableName; 5] = [
        TableName::Outcomes,
        TableName::TimeToResponse,
        TableName::Durability,
        TableName::Gates,
        TableName::AdverseEvents,
    ];

    pub fn code(self) -> &'static str {
        match self {
            TableName::Outcomes => "outcomes",
            TableName::TimeToResponse => "time_to_response",
            TableName::Durability => "durability",
            TableName::Gates => "gates",
            TableName::AdverseEvents => "adverse_events",
        }
    }

    /// Parses a table name; the error names the field `table` and lists the names.
    pub fn parse(code: &str) -> Result<Self, InvalidInput> {
        InvalidInput::from_code(&TableName::ALL, TableName::code, code, "table", "table")
    }
}

/// One table: a header row and rows of text, in the order a reader expects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub header: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// The table as CSV (RFC 4180, header row first).
    pub fn to_csv(&self) -> Result<String, InvalidInput> {
        let failed = |e: csv::Error| InvalidInput::new("table", e.to_string());
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(&self.header).map_err(failed)?;
        for row in &self.rows {
            writer.write_record(row).map_err(failed)?;
        }
        let bytes = writer.into_inner().map_err(|e| InvalidInput::new("table", e.to_string()))?;
        String::from_utf8(bytes).map_err(|e| InvalidInput::new("table", e.to_string()))
    }
}

/// A rate or bound with four decimals, so that a spreadsheet can recompute the percentages.
fn decimal(x: f64) -> String {
    format!("{x:.4}")
}

fn proportion_columns(p: &Proportion) -> [String; 5] {
    [p.successes.to_string(), p.n.to_string(), decimal(p.rate), decimal(p.interval.low), decimal(p.interval.high)]
}

/// The 95% pointwise interval of a Kaplan–Meier step from Greenwood's variance, clamped to [0, 1]; empty text
/// where the variance is undefined.
pub fn km_interval(step: &Step) -> Option<(f64, f64)> {
    let sd = step.greenwood_variance?.sqrt();
    Some(((step.survival - Z_95 * sd).clamp(0.0, 1.0), (step.survival + Z_95 * sd).clamp(0.0, 1.0)))
}

fn km_rows(modality: Modality, instrument: Instrument, steps: &[Step], rows: &mut Vec<Vec<String>>) {
    for step in steps {
        let (low, high) = km_interval(step).map_or((String::new(), String::new()), |(l, h)| (decimal(l), decimal(h)));
        rows.push(vec![
            modality.code().to_owned(),
            instrument.code().to_owned(),
            format!("{:.2}", step.time),
            step.at_risk.to_string(),
            step.events.to_string(),
            step.censored.to_string(),
            decimal(step.survival),
            low,
            high,
        ]);
    }
}

const KM_HEADER: [&str; 9] =
    ["modality", "instrument", "days", "at_risk", "events", "censored", "estimate", "ci_low", "ci_high"];

impl ClinicReport {
    /// The table behind one figure of the report.
    pub fn table(&self, name: TableName) -> Table {
        let mut rows = Vec::new();
        let header: Vec<&'static str> = match name {
            TableName::Outcomes => {
                for c in &self.registry.outcomes {
                    let (Some(patients), Some(response), Some(remission)) =
                        (c.patients.shown(), c.response.shown(), c.remission.shown())
                    else {
                        continue;
                    };
                    let mut row = vec![c.modality.code().to_owned(), c.instrument.code().to_owned()];
                    row.push(patients.to_string());
                    for p in [response, remission] {
                        row.extend([
                            p.successes.to_string(),
                            decimal(p.rate),
                            decimal(p.interval.low),
                            decimal(p.interval.high),
                        ]);
                    }
                    row.push(c.baseline_min.to_string());
                    rows.push(row);
                }
                vec![
                    "modality",
                    "instrument",
                    "patients",
                    "responders",
                    "response_rate",
                    "response_ci_low",
                    "response_ci_high",
                    "remitters",
                    "remission_rate",
                    "remission_ci_low",
                    "remission_ci_high",
                    "baseline_min",
                ]
            }
            TableName::TimeToResponse => {
                for t in &self.time_to_response {
                    km_rows(t.modality, t.instrument, &t.steps, &mut rows);
                }
                KM_HEADER.to_vec()
            }
            TableName::Durability => {
                for c in &self.registry.outcomes {
                    if let Some(d) = c.durability.shown() {
                        km_rows(c.modality, c.instrument, &d.steps, &mut rows);
                    }
                }
                KM_HEADER.to_vec()
            }
            TableName::Gates => {
                let gates =
                    [("blocked", &self.registry.bp_gate.blocked), ("overridden", &self.registry.bp_gate.overridden)];
                for (measure, p) in gates {
                    if let Some(Suppressed::Shown(p)) = p {
                        let mut row = vec![measure.to_owned()];
                        row.extend(proportion_columns(p));
                        rows.push(row);
                    }
                }
                vec!["measure", "sessions", "of_sessions", "rate", "ci_low", "ci_high"]
            }
            TableName::AdverseEvents => {
                let sessions = self.registry.adverse_events.sessions.shown().copied().unwrap_or(0);
                for (kind, rate) in &self.registry.adverse_events.by_kind {
                    if let Some(e) = rate.shown() {
                        rows.push(vec![
                            kind.code().to_owned(),
                            e.events.to_string(),
                            e.patients.to_string(),
                            sessions.to_string(),
                            e.per_100_sessions.map(|v| format!("{v:.2}")).unwrap_or_default(),
                        ]);
                    }
                }
                vec!["kind", "events", "patients", "sessions", "per_100_sessions"]
            }
        };
        Table { header, rows }
    }
}
