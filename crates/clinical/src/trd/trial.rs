//! One past antidepressant trial: parsing it from JSON and judging whether it was adequate and whether it failed.
//!
//! Sources: `clinical.md` §1.1 (ATRQ response categories: none <25%, partial 25-49%, response >=50%) and §1.2
//! (adequacy: at or above the table's minimum dose for at least 6 weeks, as the MGH-ATRQ was used in the
//! esketamine trials; the Canadian consensus allows 4-6 weeks and EU-PEARL 4, hence the configurable minimum).
//!
//! How the two adequacy criteria combine: a criterion that is known to fail makes the trial `no` even when the
//! other one is missing (a 3-week trial is too short whatever the dose was), a missing criterion otherwise makes
//! it `unknown`, and only a known drug with both criteria met is `yes`. An unknown drug is never `yes`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::TrdConfig;
use super::dose_table::{DoseTable, DrugClass, DrugRole, normalise};
use super::note::TrialNote;
use crate::error::InvalidInput;
use crate::rule::{Confidence, Rule};

pub static ADEQUATE_RULE: Rule = Rule {
    id: "trd.adequate_trial",
    version: 1,
    summary: "A trial is adequate when the drug is in the minimum-dose table, the dose is at least its minimum and it lasted at \
              least 6 weeks (configurable); a missing dose or duration or an unknown drug makes adequacy unknown, and a \
              known criterion that fails makes it no",
    source: "clinical.md §1.2 (MGH-ATRQ as used in the esketamine trials: >=6 weeks at or above the minimum dose; Canadian \
             consensus 4-6 weeks and EU-PEARL 4 weeks are alternatives), §1.1",
    confidence: Confidence::Secondary,
    configurable: true,
};

pub static FAILED_RULE: Rule = Rule {
    id: "trd.failed_trial",
    version: 1,
    summary: "A trial failed when improvement was none (<25%) or partial (25-49%); a response (>=50%) did not fail; unknown \
              improvement leaves it unknown (counting partial as failure is configurable, EU-PEARL counts only <25%)",
    source: "clinical.md §1.1 (ATRQ categories, Desseilles 2011; Canadian consensus nonresponse <50%; EU-PEARL <25%)",
    confidence: Confidence::Confirmed,
    configurable: true,
};

/// How much better the person got on a trial, in the ATRQ's categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Improvement {
    /// Less than 25% better.
    None,
    /// 25-49% better.
    Partial,
    /// 50% or more better.
    Response,
    Unknown,
}

impl Improvement {
    const ALL: [(&'static str, Improvement); 4] = [
        ("none", Improvement::None),
        ("partial", Improvement::Partial),
        ("response", Improvement::Response),
        ("unknown", Improvement::Unknown),
    ];

    pub fn code(self) -> &'static str {
        Self::ALL.iter().find(|(_, i)| *i == self).map_or("unknown", |(c, _)| c)
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.iter().find(|(c, _)| *c == code).map(|(_, i)| *i)
    }
}

/// Yes, no, or cannot be judged from what was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Judgement {
    Yes,
    No,
    Unknown,
}

impl Judgement {
    /// Both must hold: any `no` wins, then any `unknown`.
    fn and(self, other: Judgement) -> Judgement {
        match (self, other) {
            (Judgement::No, _) | (_, Judgement::No) => Judgement::No,
            (Judgement::Unknown, _) | (_, Judgement::Unknown) => Judgement::Unknown,
            _ => Judgement::Yes,
        }
    }
}

/// A past trial as the person or clinician reported it, checked: non-empty drug, non-negative finite numbers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trial {
    pub drug: String,
    pub dose_mg_per_day: Option<f64>,
    pub weeks: Option<f64>,
    pub improvement: Improvement,
    /// Added to an antidepressant to boost it (for example an antipsychotic): reported, not an antidepressant trial.
    pub augmentation: bool,
    /// Taken in the current episode of depression. TRD is defined over the current episode (`clinical.md` §1.1),
    /// so a trial from an earlier episode is reported but not counted. `true` when absent.
    pub current_episode: bool,
}

const TRIAL_FIELDS: [&str; 6] = ["drug", "dose_mg_per_day", "weeks", "improvement", "augmentation", "current_episode"];

/// Upper bounds that only catch unit slips (micrograms typed as milligrams, days typed as weeks).
pub const MAX_DOSE_MG_PER_DAY: f64 = 10_000.0;
pub const MAX_WEEKS: f64 = 5_200.0;

impl Trial {
    /// Parses one trial object. Field names in errors are relative (`weeks`); callers add `trials[i]`.
    ///
    /// `improvement` defaults to `unknown`, `augmentation` to `false` and `current_episode` to `true`; `null` means
    /// "not known" for the
    /// numbers. Unknown keys are rejected so that a typo (`dose_mg`) is not silently read as a missing dose.
    pub fn parse(raw: &Value) -> Result<Self, InvalidInput> {
        let Some(object) = raw.as_object() else {
            return Err(InvalidInput::new("", "must be an object with at least a \"drug\""));
        };
        reject_unknown_keys(object, &TRIAL_FIELDS)?;
        let drug = match object.get("drug") {
            Some(Value::String(s)) if !s.trim().is_empty() => s.split_whitespace().collect::<Vec<_>>().join(" "),
            Some(Value::String(_)) => return Err(InvalidInput::new("drug", "must not be empty")),
            Some(other) => return Err(InvalidInput::new("drug", format!("must be a string; got {other}"))),
            None => return Err(InvalidInput::new("drug", "is required")),
        };
        let dose_mg_per_day = optional_number(object, "dose_mg_per_day", MAX_DOSE_MG_PER_DAY, "mg/day")?;
        if dose_mg_per_day == Some(0.0) {
            return Err(InvalidInput::new(
                "dose_mg_per_day",
                "must be greater than 0; use null when the dose is not known",
            ));
        }
        let weeks = optional_number(object, "weeks", MAX_WEEKS, "weeks")?;
        let improvement = match object.get("improvement") {
            None | Some(Value::Null) => Improvement::Unknown,
            Some(Value::String(s)) => Improvement::parse(s).ok_or_else(|| {
                InvalidInput::new(
                    "improvement",
                    format!("unknown value {s:?}; expected none, partial, response or unknown"),
                )
            })?,
            Some(other) => {
                return Err(InvalidInput::new(
                    "improvement",
                    format!("must be one of none, partial, response, unknown; got {other}"),
                ));
            }
        };
        let augmentation = match object.get("augmentation") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(other) => {
                return Err(InvalidInput::new("augmentation", format!("must be true or false; got {other}")));
            }
        };
        let current_episode = match object.get("current_episode") {
            None | Some(Value::Null) => true,
            Some(Value::Bool(b)) => *b,
            Some(other) => {
                return Err(InvalidInput::new("current_episode", format!("must be true or false; got {other}")));
            }
        };
        Ok(Trial { drug, dose_mg_per_day, weeks, improvement, augmentation, current_episode })
    }
}

/// Parses the `trials` array; errors name the entry (`trials[1].weeks`).
pub fn parse_trials(raw: &Value, field: &str) -> Result<Vec<Trial>, InvalidInput> {
    let Some(array) = raw.as_array() else {
        return Err(InvalidInput::new(field, "must be an array of trial objects"));
    };
    array.iter().enumerate().map(|(i, t)| Trial::parse(t).map_err(|e| e.within(&format!("{field}[{i}]")))).collect()
}

/// Rejects keys outside `known`, naming the first unknown one.
pub(crate) fn reject_unknown_keys(object: &Map<String, Value>, known: &[&str]) -> Result<(), InvalidInput> {
    match object.keys().find(|k| !known.contains(&k.as_str())) {
        // The message quotes the key too, so that an empty or blank key is still visible to the reader.
        Some(key) => {
            Err(InvalidInput::new(key.clone(), format!("unknown field {key:?}; known fields: {}", known.join(", "))))
        }
        None => Ok(()),
    }
}

fn optional_number(object: &Map<String, Value>, key: &str, max: f64, unit: &str) -> Result<Option<f64>, InvalidInput> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => match n.as_f64() {
            Some(v) if v.is_finite() && v < 0.0 => {
                Err(InvalidInput::new(key, format!("must not be negative; got {n}")))
            }
            Some(v) if v.is_finite() && v <= max => Ok(Some(v)),
            _ => {
                Err(InvalidInput::new(key, format!("must be a number of {unit} up to {}; got {n}", format_number(max))))
            }
        },
        Some(other) => Err(InvalidInput::new(key, format!("must be a number of {unit} or null; got {other}"))),
    }
}

/// What the rules made of one trial.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrialAssessment {
    /// Canonical generic name when the drug is in the table, otherwise the name as entered.
    pub drug: String,
    /// The name as entered.
    pub entered_as: String,
    /// Class from the dose table; absent for an unknown drug.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class: Option<DrugClass>,
    pub augmentation: bool,
    /// Whether the trial was taken in the current episode of depression (as entered; `true` when not said).
    pub current_episode: bool,
    /// Whether the entry is an antidepressant trial of the current episode that counts towards the TRD definition.
    pub counted: bool,
    pub adequate: Judgement,
    pub failed: Judgement,
    /// Plain-language reasons for the judgements (each serialised as its English sentence).
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub notes: Vec<TrialNote>,
}

/// Judges one trial against a dose table and the configured minimum duration.
pub fn assess_trial(trial: &Trial, table: &DoseTable, config: &TrdConfig) -> TrialAssessment {
    let mut notes = Vec::new();
    let found = table.lookup(&trial.drug);
    let drug = found.map_or_else(|| trial.drug.clone(), |m| m.entry.drug.clone());
    if let Some(m) = found
        && normalise(&trial.drug) != m.entry.drug
    {
        notes.push(TrialNote::ReadAs { entered: trial.drug.clone(), drug: m.entry.drug.clone() });
    }
    let augmentation_only = found.is_some_and(|m| m.entry.role == DrugRole::Augmentation);
    let counted = !trial.augmentation && !augmentation_only && trial.current_episode;
    if !trial.current_episode {
        notes.push(TrialNote::EarlierEpisode);
    }
    if trial.augmentation {
        notes.push(TrialNote::AugmentationEntry);
    } else if augmentation_only {
        notes.push(TrialNote::AugmentationOnly { drug: drug.clone() });
    }

    // A non-finite value can only arrive through a typed caller that skipped `Trial::parse`; it is as good as missing.
    let dose = trial.dose_mg_per_day.filter(|d| d.is_finite() && *d >= 0.0);
    let weeks = trial.weeks.filter(|w| w.is_finite() && *w >= 0.0);

    let dose_ok = match (found, dose) {
        (None, _) => {
            let entered = trial.drug.clone();
            notes.push(if counted { TrialNote::UnknownDrug { entered } } else { TrialNote::NotInTable { entered } });
            Judgement::Unknown
        }
        (Some(m), None) => {
            notes.push(TrialNote::DoseMissing { drug: m.entry.drug.clone(), min: m.min_mg_per_day });
            Judgement::Unknown
        }
        (Some(m), Some(d)) => {
            let name = m.matched_alias.map_or_else(|| m.entry.drug.clone(), |a| format!("{} ({a})", m.entry.drug));
            let min = m.min_mg_per_day;
            if d >= min {
                notes.push(TrialNote::DoseMeets { dose: d, min, name });
                Judgement::Yes
            } else {
                notes.push(TrialNote::DoseBelow { dose: d, min, name });
                Judgement::No
            }
        }
    };
    let min = config.min_weeks();
    let weeks_ok = match weeks {
        None => {
            notes.push(TrialNote::WeeksMissing { min });
            Judgement::Unknown
        }
        Some(weeks) if weeks >= min => {
            notes.push(TrialNote::WeeksMeet { weeks, min });
            Judgement::Yes
        }
        Some(weeks) => {
            notes.push(TrialNote::WeeksShort { weeks, min });
            Judgement::No
        }
    };
    let adequate = dose_ok.and(weeks_ok);

    let (note, failed) = match trial.improvement {
        Improvement::None => (TrialNote::ImprovementNone, Judgement::Yes),
        Improvement::Partial if config.partial_response_is_failure() => (TrialNote::PartialFailed, Judgement::Yes),
        Improvement::Partial => (TrialNote::PartialNotFailed, Judgement::No),
        Improvement::Response => (TrialNote::Response, Judgement::No),
        Improvement::Unknown => (TrialNote::ImprovementUnknown, Judgement::Unknown),
    };
    notes.push(note);

    TrialAssessment {
        drug,
        entered_as: trial.drug.clone(),
        class: found.map(|m| m.entry.class),
        augmentation: trial.augmentation,
        current_episode: trial.current_episode,
        counted,
        adequate,
        failed,
        notes,
    }
}

/// Whole numbers without a decimal point (75, not 75.0); others as written (37.5).
pub(crate) fn format_number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 { format!("{value:.0}") } else { format!("{value}") }
}
