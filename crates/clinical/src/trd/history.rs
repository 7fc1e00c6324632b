//! A treatment history as a whole: distinct-drug counting of failed adequate trials and the TRD status.
//!
//! Source: `clinical.md` §1.1 (TRD: at least two failed adequate trials; the FDA and EMA wording speaks of two
//! different antidepressants). Counting rules (DESIGN.md, "Default rules"):
//! - Counts are over distinct drugs, keyed by the table's generic name (or the name as entered for an unknown
//!   drug), so two sertraline entries count once.
//! - A drug's evidence is the strongest of its entries: `definite` when any entry is adequate = yes and
//!   failed = yes, else `possible` when any entry has each of adequate and failed yes or unknown, else `none`.
//!   Why the strongest: a second, shorter or lower-dose trial of the same drug does not undo an earlier failed
//!   adequate trial, and the question the count answers is whether the drug was given a fair chance.
//! - Augmentation entries are reported but are not antidepressant trials, so they count towards nothing.
//! - Trials from an earlier episode (`current_episode: false`) are reported but count towards nothing: the
//!   definition is about the current episode (§1.1: the label and the esketamine trials count the current one).

use std::collections::BTreeMap;

use serde::Serialize;

use super::TrdConfig;
use super::dose_table::{DoseTable, DrugClass, normalise};
use super::note::TrialNote;
use super::trial::{ADEQUATE_RULE, FAILED_RULE, Judgement, Trial, TrialAssessment, assess_trial};
use crate::rule::{Confidence, Rule, RuleRef};

pub static DEFINITION_RULE: Rule = Rule {
    id: "trd.definition",
    version: 2,
    summary: "TRD definition met at two or more failed adequate trials of distinct antidepressants in the current \
              episode (configurable); possible when only the count including unknown adequacy or outcome reaches two; \
              augmentation entries and trials marked current_episode: false are reported but not counted",
    source: "clinical.md §1.1 (Gaynes 2020: two prior treatment failures with adequate dose and duration; Thase and Rush \
             1997; FDA and EMA: at least two different antidepressants; FDA label and esketamine trials: in the current \
             episode)",
    confidence: Confidence::Confirmed,
    configurable: true,
};

/// The TRD status of a treatment history. Not a diagnosis and not an eligibility decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TrdStatus {
    MeetsDefinition,
    Possible,
    NotMet,
}

/// How strongly a drug's entries show a failed adequate trial.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Evidence {
    None,
    Possible,
    Definite,
}

impl Evidence {
    fn of(trial: &TrialAssessment) -> Evidence {
        let open = |j: Judgement| j != Judgement::No;
        match (trial.adequate, trial.failed) {
            (Judgement::Yes, Judgement::Yes) => Evidence::Definite,
            (a, f) if open(a) && open(f) => Evidence::Possible,
            _ => Evidence::None,
        }
    }
}

/// One distinct antidepressant across the history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DrugSummary {
    pub drug: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class: Option<DrugClass>,
    /// Indexes into the trial list of the entries for this drug.
    pub entries: Vec<usize>,
    pub evidence: Evidence,
}

/// The judged history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrdAssessment {
    pub trials: Vec<TrialAssessment>,
    /// Distinct antidepressants (augmentation entries excluded), in order of first entry.
    pub drugs: Vec<DrugSummary>,
    pub failed_adequate_trials: usize,
    /// Includes the definite ones.
    pub possible_failed_trials: usize,
    pub trd: TrdStatus,
    pub rules: Vec<RuleRef>,
}

/// Judges every trial and counts distinct drugs.
pub fn assess_history(trials: &[Trial], table: &DoseTable, config: &TrdConfig) -> TrdAssessment {
    let mut assessed: Vec<TrialAssessment> = trials.iter().map(|t| assess_trial(t, table, config)).collect();

    // Group counted entries by drug, keeping the order in which drugs first appear.
    let mut order: Vec<String> = Vec::new();
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, trial) in assessed.iter().enumerate().filter(|(_, t)| t.counted) {
        let key = normalise(&trial.drug);
        if !groups.contains_key(&key) {
            order.push(key.clone());
        }
        groups.entry(key).or_default().push(i);
    }

    let mut drugs = Vec::with_capacity(order.len());
    for key in order {
        let entries = groups.remove(&key).unwrap_or_default();
        let Some(&first) = entries.first() else { continue };
        let (best, evidence) = entries
            .iter()
            .map(|&i| (i, Evidence::of(&assessed[i])))
            .fold((first, Evidence::None), |acc, cur| if cur.1 > acc.1 { cur } else { acc });
        if entries.len() > 1 {
            let drug = assessed[first].drug.clone();
            for &i in &entries {
                assessed[i].notes.push(TrialNote::ListedTimes { drug: drug.clone(), times: entries.len(), best });
            }
        }
        drugs.push(DrugSummary { drug: assessed[first].drug.clone(), class: assessed[first].class, entries, evidence });
    }

    let failed_adequate_trials = drugs.iter().filter(|d| d.evidence == Evidence::Definite).count();
    let possible_failed_trials = drugs.iter().filter(|d| d.evidence >= Evidence::Possible).count();
    let required = config.required_failed_trials();
    let trd = if failed_adequate_trials >= required {
        TrdStatus::MeetsDefinition
    } else if possible_failed_trials >= required {
        TrdStatus::Possible
    } else {
        TrdStatus::NotMet
    };
    let rules = vec![
        super::dose_table::RULE.reference(),
        ADEQUATE_RULE.reference(),
        FAILED_RULE.reference(),
        DEFINITION_RULE.reference(),
    ];
    TrdAssessment { trials: assessed, drugs, failed_adequate_trials, possible_failed_trials, trd, rules }
}
