//! Treatment-resistant depression: minimum doses, past-trial adequacy, the TRD definition and staging.
//!
//! Sources: `clinical.md` §1.1 (definitions), §1.2 (adequate trials and the dose table), §1.3 (Maudsley),
//! §1.5 (Thase-Rush). Entry points: [`history::assess_history`] for the self-check and intake,
//! [`maudsley::score`] and [`thase_rush::stage`] for clinicians.

pub mod dose_table;
pub mod history;
pub mod maudsley;
pub mod note;
pub mod thase_rush;
pub mod trial;

pub use dose_table::{DoseEntry, DoseMatch, DoseTable, DrugClass, DrugRole};
pub use history::{DrugSummary, Evidence, TrdAssessment, TrdStatus, assess_history};
pub use note::TrialNote;
pub use trial::{Improvement, Judgement, Trial, TrialAssessment, assess_trial, parse_trials};

use serde::Serialize;

use crate::error::InvalidInput;
use crate::rule::Rule;

/// The configurable values of the TRD rules (`trd.adequate_trial`, `trd.failed_trial`, `trd.definition`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrdConfig {
    min_weeks: f64,
    partial_response_is_failure: bool,
    required_failed_trials: usize,
}

impl Default for TrdConfig {
    /// 6 weeks (MGH-ATRQ as used in the esketamine trials, §1.2), partial response counts as failure (ATRQ and
    /// the Canadian consensus, §1.1), two failed adequate trials (§1.1).
    fn default() -> Self {
        Self { min_weeks: 6.0, partial_response_is_failure: true, required_failed_trials: 2 }
    }
}

impl TrdConfig {
    /// A clinic's own values: `min_weeks` a positive number of weeks (the Canadian consensus allows 4-6, EU-PEARL 4),
    /// `required_failed_trials` at least 1.
    pub fn new(
        min_weeks: f64,
        partial_response_is_failure: bool,
        required_failed_trials: usize,
    ) -> Result<Self, InvalidInput> {
        if !min_weeks.is_finite() || min_weeks <= 0.0 || min_weeks > 52.0 {
            return Err(InvalidInput::new("min_weeks", "must be a number of weeks above 0 and at most 52"));
        }
        if required_failed_trials == 0 {
            return Err(InvalidInput::new("required_failed_trials", "must be at least 1"));
        }
        Ok(Self { min_weeks, partial_response_is_failure, required_failed_trials })
    }

    pub fn min_weeks(&self) -> f64 {
        self.min_weeks
    }

    pub fn partial_response_is_failure(&self) -> bool {
        self.partial_response_is_failure
    }

    pub fn required_failed_trials(&self) -> usize {
        self.required_failed_trials
    }
}

/// The rules of this module.
pub fn rules() -> Vec<&'static Rule> {
    vec![
        &dose_table::RULE,
        &trial::ADEQUATE_RULE,
        &trial::FAILED_RULE,
        &history::DEFINITION_RULE,
        &maudsley::ILLNESS_RULE,
        &maudsley::TREATMENT_RULE,
        &thase_rush::RULE,
    ]
}
