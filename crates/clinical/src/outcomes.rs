//! Outcome definitions over a series of instrument totals: response, remission, time to first response and
//! loss of response, each result carrying the rules (and the cut-offs) that produced it.
//!
//! Source: `clinical.md` §2.9 (summary table), §2.1 (PHQ-9), §2.3 (QIDS-SR16), §2.4 (MADRS), §8.5 (baseline floors).
//! Remission cut-offs differ between sources, so the cut-off used is part of every [`Outcome`] (`clinical.md` §2.4:
//! "store the rule and its cut-off explicitly"). Response and remission need a baseline that can change: below the
//! instrument's baseline floor they are `None`, "not assessable" (a PHQ-9 baseline of 4 is already a "remission").
//! Time comes in with the measurements; nothing here reads the clock.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::error::InvalidInput;
use crate::instruments::Instrument;
use crate::rule::{Confidence, Rule, RuleRef};

pub static RESPONSE_PHQ9: Rule = Rule {
    id: "outcome.response.phq9",
    version: 2,
    summary: "PHQ-9 response is a reduction of at least 50% from the baseline total",
    source: "clinical.md §2.1, §2.9; NCQA/HEDIS as described in doi:10.1176/appi.ps.201900295",
    confidence: Confidence::Confirmed,
    configurable: false,
};

pub static RESPONSE_MADRS: Rule = Rule {
    id: "outcome.response.madrs",
    version: 2,
    summary: "MADRS response is a reduction of at least 50% from the baseline total",
    source: "clinical.md §2.4, §2.9; TRANSFORM-3 (PMC7894501); Murrough JW et al. Biol Psychiatry 2013",
    confidence: Confidence::Confirmed,
    configurable: false,
};

pub static RESPONSE_QIDS: Rule = Rule {
    id: "outcome.response.qids_sr16",
    version: 2,
    summary: "QIDS-SR16 response is a reduction of at least 50% (clinic-configurable) from the baseline total",
    source: "clinical.md §2.3, §2.9 (standard convention, [S])",
    confidence: Confidence::Secondary,
    configurable: true,
};

pub static RESPONSE_GAD7: Rule = Rule {
    id: "outcome.response.gad7",
    version: 2,
    summary: "GAD-7 response is a reduction of at least 50% (clinic-configurable) from the baseline total, by analogy \
              with depression scales; there is no standard definition",
    source: "clinical.md §2.9 (GAD-7: no standard, 50% by analogy, [U])",
    confidence: Confidence::Unverified,
    configurable: true,
};

pub static REMISSION_PHQ9: Rule = Rule {
    id: "outcome.remission.phq9",
    version: 2,
    summary: "PHQ-9 remission is a total below 5",
    source: "clinical.md §2.1, §2.9; NCQA/HEDIS as described in doi:10.1176/appi.ps.201900295",
    confidence: Confidence::Confirmed,
    configurable: false,
};

// The three MADRS remission rules are alternatives that a clinic picks between (`MadrsRemission`); each keeps the
// confidence of its own source, and all are marked configurable because the choice among them is the clinic's.

pub static REMISSION_MADRS_LE12: Rule = Rule {
    id: "outcome.remission.madrs_le12",
    version: 2,
    summary: "MADRS remission is a total of 12 or less (esketamine programme; the default)",
    source: "clinical.md §2.4, §2.9; TRANSFORM-3, PMC7894501 Table 2 footnote",
    confidence: Confidence::Confirmed,
    configurable: true,
};

pub static REMISSION_MADRS_LE10: Rule = Rule {
    id: "outcome.remission.madrs_le10",
    version: 2,
    summary: "MADRS remission is a total of 10 or less (commonly cited)",
    source: "clinical.md §2.4, §2.9 (commonly cited, [S])",
    confidence: Confidence::Secondary,
    configurable: true,
};

pub static REMISSION_MADRS_LT10: Rule = Rule {
    id: "outcome.remission.madrs_lt10",
    version: 2,
    summary: "MADRS remission is a total below 10 (Hawley 2002)",
    source: "clinical.md §2.4, §2.9; Hawley CJ et al. J Affect Disord 2002",
    confidence: Confidence::Confirmed,
    configurable: true,
};

pub static REMISSION_QIDS: Rule = Rule {
    id: "outcome.remission.qids_sr16",
    version: 2,
    summary: "QIDS-SR16 remission is a total of 5 or less (clinic-configurable)",
    source: "clinical.md §2.3, §2.9; Trivedi MH et al. Am J Psychiatry 2006 (STAR*D), via a secondary source",
    confidence: Confidence::Secondary,
    configurable: true,
};

pub static REMISSION_GAD7: Rule = Rule {
    id: "outcome.remission.gad7",
    version: 2,
    summary: "GAD-7 remission is a total below 5 (clinic-configurable), by analogy with the minimal band",
    source: "clinical.md §2.2, §2.9 (GAD-7 remission by analogy, [U])",
    confidence: Confidence::Unverified,
    configurable: true,
};

pub static TIME_TO_RESPONSE: Rule = Rule {
    id: "outcome.time_to_response",
    version: 2,
    summary: "Time to response is the hours from the first treatment to the first assessment at or after it that meets \
              the instrument's response rule; no source defines it, so it is shown as unverified",
    source: "clinical.md §2.9 (response definitions), §4.3 (rapid response after infusions, Murrough 2013)",
    confidence: Confidence::Unverified,
    configurable: true,
};

pub static LOSS_OF_RESPONSE: Rule = Rule {
    id: "outcome.loss_of_response",
    version: 2,
    summary: "Loss of response: after a first response, one assessment (or, by clinic setting, two consecutive \
              assessments) no longer meeting the response rule; no source defines it, so it is unverified",
    source: "clinical.md §2.9 (response), §1.1 (ATRQ example: response followed by tachyphylaxis), \
             §4.3 (relapse after ketamine, Murrough 2013)",
    confidence: Confidence::Unverified,
    configurable: true,
};

// Baseline floors (`clinical.md` §8.5): below the floor, response and remission are not assessable. Every floor is
// also at least one above the remission cut-off, because a baseline already in the remission range cannot show
// a remission (or, meaningfully, a response) that the treatment brought about.

pub static BASELINE_FLOOR_PHQ9: Rule = Rule {
    id: "outcome.baseline_floor.phq9",
    version: 1,
    summary: "PHQ-9 response and remission are assessed only from a baseline total of 10 or more (an index PHQ-9 \
              greater than 9); below it they are not assessable",
    source: "clinical.md §8.5 (CMS159 / NQF 0710 Depression Remission at Twelve Months, denominator)",
    confidence: Confidence::Confirmed,
    configurable: false,
};

pub static BASELINE_FLOOR_MADRS: Rule = Rule {
    id: "outcome.baseline_floor.madrs",
    version: 1,
    summary: "MADRS response and remission are assessed only from a baseline total at or above the clinic's floor, \
              20 by default (the usual entry criterion of trials), and always above the remission cut-off",
    source: "clinical.md §8.5 (MADRS baseline of 20 or more in trials, [S]), §2.4",
    confidence: Confidence::Secondary,
    configurable: true,
};

pub static BASELINE_FLOOR_QIDS: Rule = Rule {
    id: "outcome.baseline_floor.qids_sr16",
    version: 1,
    summary: "QIDS-SR16 has no sourced baseline floor: response and remission are assessed from any baseline above \
              the remission cut-off, unless the clinic sets a higher floor",
    source: "clinical.md §8.5 (QIDS-SR16 floor not sourced, [U]), §2.3",
    confidence: Confidence::Unverified,
    configurable: true,
};

pub static BASELINE_FLOOR_GAD7: Rule = Rule {
    id: "outcome.baseline_floor.gad7",
    version: 1,
    summary: "GAD-7 has no sourced baseline floor: response and remission are assessed from any baseline above the \
              remission cut-off, unless the clinic sets a higher floor",
    source: "clinical.md §2.9, §8.5 (no floor is sourced for GAD-7, [U])",
    confidence: Confidence::Unverified,
    configurable: true,
};

static RULES: [&Rule; 16] = [
    &RESPONSE_PHQ9,
    &RESPONSE_MADRS,
    &RESPONSE_QIDS,
    &RESPONSE_GAD7,
    &REMISSION_PHQ9,
    &REMISSION_MADRS_LE12,
    &REMISSION_MADRS_LE10,
    &REMISSION_MADRS_LT10,
    &REMISSION_QIDS,
    &REMISSION_GAD7,
    &TIME_TO_RESPONSE,
    &LOSS_OF_RESPONSE,
    &BASELINE_FLOOR_PHQ9,
    &BASELINE_FLOOR_MADRS,
    &BASELINE_FLOOR_QIDS,
    &BASELINE_FLOOR_GAD7,
];

/// Every outcome rule, in a stable order.
pub fn rules() -> Vec<&'static Rule> {
    RULES.to_vec()
}

/// Which MADRS remission cut-off a clinic uses (`clinical.md` §2.4).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MadrsRemission {
    /// Total ≤ 12: the esketamine programme (TRANSFORM), and the default because KetaPath serves ketamine care.
    #[default]
    #[serde(rename = "le_12")]
    AtMost12,
    /// Total ≤ 10: commonly cited [S].
    #[serde(rename = "le_10")]
    AtMost10,
    /// Total < 10, that is ≤ 9 (Hawley 2002).
    #[serde(rename = "lt_10")]
    Below10,
}

impl MadrsRemission {
    fn rule(self) -> &'static Rule {
        match self {
            MadrsRemission::AtMost12 => &REMISSION_MADRS_LE12,
            MadrsRemission::AtMost10 => &REMISSION_MADRS_LE10,
            MadrsRemission::Below10 => &REMISSION_MADRS_LT10,
        }
    }

    /// The highest total that counts as remission.
    fn remission_max(self) -> u16 {
        match self {
            MadrsRemission::AtMost12 => 12,
            MadrsRemission::AtMost10 => 10,
            MadrsRemission::Below10 => 9,
        }
    }
}

/// How many consecutive non-responding assessments after a response count as loss of response ([`LOSS_OF_RESPONSE`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LossConfirmation {
    /// One assessment: the default, because the result is a prompt for clinician review and an early prompt
    /// costs less than a late one.
    #[default]
    Single,
    /// Two consecutive assessments: fewer prompts from one noisy rating, one assessment later.
    TwoConsecutive,
}

impl LossConfirmation {
    fn assessments(self) -> usize {
        match self {
            LossConfirmation::Single => 1,
            LossConfirmation::TwoConsecutive => 2,
        }
    }
}

/// A clinic's outcome settings. Fields are public so that the settings can be stored and edited; [`evaluate`]
/// and [`definition`] check them and name the field at fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OutcomeConfig {
    pub madrs_remission: MadrsRemission,
    /// Highest QIDS-SR16 total counted as remission; default 5 [S].
    pub qids_remission_max: u16,
    /// Highest GAD-7 total counted as remission; default 4 (that is, below 5) [U].
    pub gad7_remission_max: u16,
    /// Minimum QIDS-SR16 reduction from baseline, in percent, for a response; default 50 [S].
    pub qids_response_pct: u8,
    /// Minimum GAD-7 reduction from baseline, in percent, for a response; default 50 [U].
    pub gad7_response_pct: u8,
    pub loss_of_response: LossConfirmation,
    /// Lowest MADRS baseline total from which response and remission are assessed; default 20 [S] (0: none but
    /// the remission cut-off).
    pub madrs_baseline_min: u16,
    /// Lowest QIDS-SR16 baseline total from which response and remission are assessed; default 0, none is
    /// sourced [U] (the remission cut-off still applies).
    pub qids_baseline_min: u16,
    /// Lowest GAD-7 baseline total from which response and remission are assessed; default 0, none is sourced
    /// [U] (the remission cut-off still applies).
    pub gad7_baseline_min: u16,
}

impl Default for OutcomeConfig {
    fn default() -> Self {
        Self {
            madrs_remission: MadrsRemission::default(),
            qids_remission_max: 5,
            gad7_remission_max: 4,
            qids_response_pct: 50,
            gad7_response_pct: 50,
            loss_of_response: LossConfirmation::default(),
            madrs_baseline_min: 20,
            qids_baseline_min: 0,
            gad7_baseline_min: 0,
        }
    }
}

/// The response and remission definition of one instrument under a clinic's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Definition {
    pub instrument: Instrument,
    /// Minimum reduction from baseline, in percent, for a response.
    pub response_reduction_pct: u8,
    /// Highest total that counts as remission, inclusive (a "< 5" rule is stored as 4).
    pub remission_max: u16,
    /// Lowest baseline total from which response and remission are assessed (inclusive); always above
    /// `remission_max`.
    pub baseline_min: u16,
    pub response_rule: RuleRef,
    pub remission_rule: RuleRef,
    /// The baseline floor's rule.
    pub baseline_rule: RuleRef,
}

impl Definition {
    /// Whether response and remission can be assessed against `baseline`: it is at or above the floor.
    pub fn is_assessable(&self, baseline: u16) -> bool {
        baseline >= self.baseline_min
    }

    /// Why response and remission are not assessable against `baseline`, in words; `None` when they are.
    pub fn not_assessable_reason(&self, baseline: u16) -> Option<String> {
        (!self.is_assessable(baseline)).then(|| {
            format!(
                "not assessable: baseline {} below {} (rule {})",
                self.instrument.spec().name,
                self.baseline_min,
                self.baseline_rule
            )
        })
    }

    /// Whether `total` is a response against `baseline`. Integer arithmetic, so that exactly 50% is a response
    /// without floating-point doubt. A baseline below the floor never shows a response: it is not assessable.
    pub fn is_response(&self, baseline: u16, total: u16) -> bool {
        if !self.is_assessable(baseline) || baseline == 0 || total >= baseline {
            return false;
        }
        let reduction = u32::from(baseline - total);
        reduction * 100 >= u32::from(self.response_reduction_pct) * u32::from(baseline)
    }

    pub fn is_remission(&self, total: u16) -> bool {
        total <= self.remission_max
    }
}

/// The response and remission definition of `instrument`; an error for instruments that have none
/// (CADSS, MOAA/S, BPRS measure session effects, not the course of depression) or for invalid settings.
pub fn definition(instrument: Instrument, config: &OutcomeConfig) -> Result<Definition, InvalidInput> {
    let total_max = instrument.spec().total_max;
    let (response, response_pct, remission, remission_max, floor, floor_rule) = match instrument {
        Instrument::Phq9 => (&RESPONSE_PHQ9, 50, &REMISSION_PHQ9, 4, 10, &BASELINE_FLOOR_PHQ9),
        Instrument::Madrs => {
            let floor = checked_floor("config.madrs_baseline_min", config.madrs_baseline_min, total_max)?;
            let (rule, max) = (config.madrs_remission.rule(), config.madrs_remission.remission_max());
            (&RESPONSE_MADRS, 50, rule, max, floor, &BASELINE_FLOOR_MADRS)
        }
        Instrument::QidsSr16 => {
            let pct = checked_pct("config.qids_response_pct", config.qids_response_pct)?;
            let max = checked_max("config.qids_remission_max", config.qids_remission_max, total_max)?;
            let floor = checked_floor("config.qids_baseline_min", config.qids_baseline_min, total_max)?;
            (&RESPONSE_QIDS, pct, &REMISSION_QIDS, max, floor, &BASELINE_FLOOR_QIDS)
        }
        Instrument::Gad7 => {
            let pct = checked_pct("config.gad7_response_pct", config.gad7_response_pct)?;
            let max = checked_max("config.gad7_remission_max", config.gad7_remission_max, total_max)?;
            let floor = checked_floor("config.gad7_baseline_min", config.gad7_baseline_min, total_max)?;
            (&RESPONSE_GAD7, pct, &REMISSION_GAD7, max, floor, &BASELINE_FLOOR_GAD7)
        }
        Instrument::Cadss | Instrument::Moaas | Instrument::BprsPositive => {
            return Err(InvalidInput::new(
                "instrument",
                format!(
                    "{instrument} has no response or remission definition (clinical.md §2.9 defines them for \
                     phq9, madrs, qids_sr16 and gad7)"
                ),
            ));
        }
    };
    Ok(Definition {
        instrument,
        response_reduction_pct: response_pct,
        remission_max,
        baseline_min: floor.max(remission_max + 1),
        response_rule: response.reference(),
        remission_rule: remission.reference(),
        baseline_rule: floor_rule.reference(),
    })
}

fn checked_pct(field: &str, pct: u8) -> Result<u8, InvalidInput> {
    if (1..=100).contains(&pct) {
        Ok(pct)
    } else {
        Err(InvalidInput::new(field, format!("must be a percentage from 1 to 100; got {pct}")))
    }
}

fn checked_max(field: &str, max: u16, total_max: u16) -> Result<u16, InvalidInput> {
    if max < total_max {
        Ok(max)
    } else {
        Err(InvalidInput::new(field, format!("must be below the instrument's maximum total {total_max}; got {max}")))
    }
}

fn checked_floor(field: &str, floor: u16, total_max: u16) -> Result<u16, InvalidInput> {
    if floor <= total_max {
        Ok(floor)
    } else {
        Err(InvalidInput::new(field, format!("must be a total from 0 to {total_max}; got {floor}")))
    }
}

/// One administration's total at a point in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Measurement {
    #[serde(with = "time::serde::rfc3339")]
    pub taken_at: OffsetDateTime,
    pub total: u16,
}

/// The outcome of a course so far, as the portal shows and the API returns it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = InstrumentOutcome))]
pub struct Outcome {
    pub instrument: Instrument,
    /// Baseline total.
    pub baseline: u16,
    /// Total of the latest assessment (the baseline itself when there is no later one).
    pub latest: u16,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub latest_at: OffsetDateTime,
    /// `(latest − baseline) / baseline × 100`: negative is improvement, so −50.0 is the response threshold
    /// of most instruments. `None` when the baseline is 0, where a percentage is undefined.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub change_pct: Option<f64>,
    /// Whether the latest assessment meets the response rule; `None` (not assessable) when the baseline is below
    /// the floor.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub response: Option<bool>,
    /// Whether the latest assessment meets the remission rule; `None` (not assessable) when the baseline is below
    /// the floor.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub remission: Option<bool>,
    /// Whether response and remission can be assessed: the baseline is at or above `baseline_min`.
    pub assessable: bool,
    /// "not assessable: baseline PHQ-9 below 10 (rule …)" when not assessable.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub not_assessable_reason: Option<String>,
    /// The cut-offs applied, stored with the result because clinics may change them.
    pub response_reduction_pct: u8,
    pub remission_max: u16,
    pub baseline_min: u16,
    /// The first assessment after baseline that met the response rule.
    #[serde(with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime, required = true))]
    pub first_response_at: Option<OffsetDateTime>,
    /// Hours from the first treatment to the first responding assessment taken at or after it; `None` without a
    /// first treatment time or without such an assessment.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub time_to_response_hours: Option<f64>,
    /// Whether response was lost after the first response (see [`LOSS_OF_RESPONSE`]); it stays true if the
    /// patient responds again later, which `response` then shows. `None` when not assessable.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub loss_of_response: Option<bool>,
    /// The assessment that confirmed the first loss of response.
    #[serde(with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime, required = true))]
    pub loss_of_response_at: Option<OffsetDateTime>,
    /// The response rule: the portal API's `rule` field.
    pub rule: RuleRef,
    /// Every rule used: baseline floor, response, remission, time to response (when a first treatment was given),
    /// loss of response.
    pub rules: Vec<RuleRef>,
}

/// Evaluates a baseline and later assessments of one instrument. `later` may come in any order: it is sorted by
/// time (ties keep their input order). Totals above the instrument's maximum and assessments before the baseline
/// are refused, naming the entry (`later[2].total`).
pub fn evaluate(
    instrument: Instrument,
    baseline: &Measurement,
    later: &[Measurement],
    first_treatment: Option<OffsetDateTime>,
    config: &OutcomeConfig,
) -> Result<Outcome, InvalidInput> {
    let definition = definition(instrument, config)?;
    let total_max = instrument.spec().total_max;
    // The field is named only when the total is refused: the registry evaluates millions of scores.
    let check_total = |field: &dyn Fn() -> String, total: u16| {
        if total > total_max {
            Err(InvalidInput::new(field(), format!("{instrument} total must be from 0 to {total_max}; got {total}")))
        } else {
            Ok(())
        }
    };
    check_total(&|| "baseline.total".to_owned(), baseline.total)?;
    for (index, m) in later.iter().enumerate() {
        check_total(&|| format!("later[{index}].total"), m.total)?;
        if m.taken_at < baseline.taken_at {
            return Err(InvalidInput::new(format!("later[{index}].taken_at"), "is before the baseline assessment"));
        }
    }

    let mut series: Vec<&Measurement> = later.iter().collect();
    series.sort_by_key(|m| m.taken_at);
    let responds = |m: &Measurement| definition.is_response(baseline.total, m.total);

    let latest = series.last().copied().unwrap_or(baseline);
    let first_response = series.iter().position(|m| responds(m));
    let first_response_at = first_response.map(|index| series[index].taken_at);
    let time_to_response_hours = first_treatment.and_then(|start| {
        series
            .iter()
            .find(|m| m.taken_at >= start && responds(m))
            .map(|m| (m.taken_at - start).as_seconds_f64() / 3600.0)
    });
    let loss_of_response_at = first_response
        .and_then(|index| first_loss(&series[index + 1..], config.loss_of_response.assessments(), |m| responds(m)));

    let change_pct = (baseline.total > 0)
        .then(|| (f64::from(latest.total) - f64::from(baseline.total)) / f64::from(baseline.total) * 100.0);

    let assessable = definition.is_assessable(baseline.total);
    let mut rules = vec![definition.baseline_rule, definition.response_rule, definition.remission_rule];
    if first_treatment.is_some() {
        rules.push(TIME_TO_RESPONSE.reference());
    }
    rules.push(LOSS_OF_RESPONSE.reference());

    Ok(Outcome {
        instrument,
        baseline: baseline.total,
        latest: latest.total,
        latest_at: latest.taken_at,
        change_pct,
        response: assessable.then(|| responds(latest)),
        remission: assessable.then(|| definition.is_remission(latest.total)),
        assessable,
        not_assessable_reason: definition.not_assessable_reason(baseline.total),
        response_reduction_pct: definition.response_reduction_pct,
        remission_max: definition.remission_max,
        baseline_min: definition.baseline_min,
        first_response_at,
        time_to_response_hours,
        loss_of_response: assessable.then_some(loss_of_response_at.is_some()),
        loss_of_response_at,
        rule: definition.response_rule,
        rules,
    })
}

/// The time of the assessment that completes the first run of `run` consecutive non-responding assessments.
fn first_loss(
    after_response: &[&Measurement],
    run: usize,
    responds: impl Fn(&Measurement) -> bool,
) -> Option<OffsetDateTime> {
    let mut streak = 0;
    for m in after_response {
        if responds(m) {
            streak = 0;
        } else {
            streak += 1;
            if streak >= run {
                return Some(m.taken_at);
            }
        }
    }
    None
}
