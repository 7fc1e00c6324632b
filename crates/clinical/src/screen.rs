//! The anonymous self-check (`ketapath screen`, `POST /api/v1/screenings`): input parsing and the result.
//!
//! Contract: DESIGN.md "Self-check". The result puts crisis help first, judges past trials, reports label
//! contraindications and cautions, and lists what to discuss with a clinician. It never says whether someone is
//! eligible: clinicians decide (DESIGN.md, "Clinical safety principles"; `clinical.md` §3.5).

use serde::Serialize;
use serde_json::Value;

use crate::error::InvalidInput;
use crate::instruments::{Instrument, Items, phq9, score};
use crate::rule::{Confidence, RULES_VERSION, Rule, RuleRef};
use crate::safety::conditions::{self, Condition, ConditionKind};
use crate::safety::crisis::{self, Crisis, CrisisLevel};
use crate::safety::pre_read::triage_pre_read;
use crate::screen_sentences::{Discuss, FindingDetail};
use crate::trd::maudsley::{self, EpisodeDuration};
use crate::trd::trial::reject_unknown_keys;
use crate::trd::{DoseTable, TrdConfig, TrdStatus, Trial, TrialAssessment, assess_history, parse_trials};

pub static BP_CAUTION_RULE: Rule = Rule {
    id: "screen.bp_caution",
    version: 1,
    summary: "A blood-pressure reading with systolic above 140 or diastolic above 90 mmHg becomes a caution to discuss \
              (threshold configurable; the session gate is a separate protocol rule)",
    source: "clinical.md §3.3 (2019 SPRAVATO PI §5.6: elevated BP, as a general guide >140/90 mmHg)",
    confidence: Confidence::Confirmed,
    configurable: true,
};

pub static HYPERTENSIVE_CRISIS_RULE: Rule = Rule {
    id: "screen.hypertensive_crisis",
    version: 1,
    summary: "A self-reported reading of 180 mmHg systolic or 120 mmHg diastolic or more (either number) becomes the \
              caution hypertensive_crisis_range: measure again after a few minutes; if still that high, contact a \
              clinician today; call 911 at once with chest or back pain, shortness of breath, numbness or weakness, a \
              change in vision or difficulty speaking",
    source: "clinical.md §8.2 (American Heart Association, Hypertensive Crisis: When You Should Call 911 for High \
             Blood Pressure: 180/120 mm Hg or greater)",
    confidence: Confidence::Confirmed,
    configurable: false,
};

/// The reading from which either number is in the hypertensive-crisis range (American Heart Association, §8.2).
pub const HYPERTENSIVE_CRISIS_SYSTOLIC: u16 = 180;
pub const HYPERTENSIVE_CRISIS_DIASTOLIC: u16 = 120;

pub static AGE_CAUTION_RULE: Rule = Rule {
    id: "screen.age_caution",
    version: 1,
    summary: "An age under 18 or of 65 and over becomes a caution to discuss (bounds configurable)",
    source: "clinical.md §3.1 (approved for adults), §3.2 (65 and over: lower starting dose outside the US; US dosing \
             unverified), §3.6 (suicidality by age)",
    confidence: Confidence::Secondary,
    configurable: true,
};

const INPUT_FIELDS: [&str; 7] =
    ["phq9", "acting_on_thoughts", "age", "episode_months", "trials", "conditions", "blood_pressure"];

/// Plausible ranges for a self-reported reading; outside them it is almost surely a typo.
pub const SYSTOLIC_RANGE: std::ops::RangeInclusive<u16> = 50..=300;
pub const DIASTOLIC_RANGE: std::ops::RangeInclusive<u16> = 20..=200;
pub const MAX_AGE: u64 = 120;
pub const MAX_EPISODE_MONTHS: f64 = 1440.0;

/// A blood-pressure reading in mmHg, checked for plausibility.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BloodPressure {
    pub systolic: u16,
    pub diastolic: u16,
}

impl BloodPressure {
    /// Parses `{"systolic": 150, "diastolic": 95}`; errors name `systolic` or `diastolic` (callers add the parent).
    pub fn parse(raw: &Value) -> Result<Self, InvalidInput> {
        let Some(object) = raw.as_object() else {
            return Err(InvalidInput::new("", "must be an object with systolic and diastolic in mmHg"));
        };
        reject_unknown_keys(object, &["systolic", "diastolic"])?;
        let read = |key: &str, range: std::ops::RangeInclusive<u16>| -> Result<u16, InvalidInput> {
            let value = object.get(key).ok_or_else(|| InvalidInput::new(key, "is required"))?;
            value.as_u64().and_then(|v| u16::try_from(v).ok()).filter(|v| range.contains(v)).ok_or_else(|| {
                InvalidInput::new(
                    key,
                    format!("must be a whole number of mmHg from {} to {}; got {value}", range.start(), range.end()),
                )
            })
        };
        let systolic = read("systolic", SYSTOLIC_RANGE)?;
        let diastolic = read("diastolic", DIASTOLIC_RANGE)?;
        if diastolic >= systolic {
            return Err(InvalidInput::new("diastolic", "must be lower than systolic; were the values swapped?"));
        }
        Ok(Self { systolic, diastolic })
    }
}

/// A checked self-check input. Only `phq9` is required.
#[derive(Debug, Clone, PartialEq)]
pub struct ScreeningInput {
    pub phq9: Items,
    pub acting_on_thoughts: bool,
    pub age: Option<u8>,
    pub episode_months: Option<f64>,
    pub trials: Vec<Trial>,
    pub conditions: Vec<&'static Condition>,
    pub blood_pressure: Option<BloodPressure>,
}

impl ScreeningInput {
    /// Parses the DESIGN.md input document. `null` counts as absent for optional fields; unknown keys are errors.
    pub fn parse(raw: &Value) -> Result<Self, InvalidInput> {
        let Some(object) = raw.as_object() else {
            return Err(InvalidInput::new("", "expected a JSON object with at least a \"phq9\" array"));
        };
        reject_unknown_keys(object, &INPUT_FIELDS)?;
        let present = |key: &str| object.get(key).filter(|v| !v.is_null());
        let phq9 = match present("phq9") {
            Some(v) => Items::parse(Instrument::Phq9, v, "phq9")?,
            None => return Err(InvalidInput::new("phq9", "is required: the 9 PHQ-9 item scores, each 0-3")),
        };
        let acting_on_thoughts = match present("acting_on_thoughts") {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(other) => {
                return Err(InvalidInput::new("acting_on_thoughts", format!("must be true or false; got {other}")));
            }
        };
        let age = present("age")
            .map(|v| {
                v.as_u64().filter(|a| *a <= MAX_AGE).and_then(|a| u8::try_from(a).ok()).ok_or_else(|| {
                    InvalidInput::new("age", format!("must be a whole number of years from 0 to {MAX_AGE}; got {v}"))
                })
            })
            .transpose()?;
        let episode_months = present("episode_months")
            .map(|v| {
                v.as_f64().filter(|m| m.is_finite() && *m >= 0.0 && *m <= MAX_EPISODE_MONTHS).ok_or_else(|| {
                    InvalidInput::new(
                        "episode_months",
                        format!("must be a number of months from 0 to {MAX_EPISODE_MONTHS}; got {v}"),
                    )
                })
            })
            .transpose()?;
        let trials = present("trials").map(|v| parse_trials(v, "trials")).transpose()?.unwrap_or_default();
        let conditions = present("conditions")
            .map(|v| conditions::parse_conditions(v, "conditions"))
            .transpose()?
            .unwrap_or_default();
        let blood_pressure = present("blood_pressure")
            .map(|v| BloodPressure::parse(v).map_err(|e| e.within("blood_pressure")))
            .transpose()?;
        Ok(Self { phq9, acting_on_thoughts, age, episode_months, trials, conditions, blood_pressure })
    }

    /// As [`ScreeningInput::parse`]; when the input is invalid, the error comes with the crisis block that the
    /// triage answers call for, read leniently ([`triage_pre_read`]), so that crisis help never depends on every
    /// other field being right. The CLI and the API answer with both.
    pub fn parse_or_triage(raw: &Value) -> Result<Self, InvalidScreening> {
        Self::parse(raw).map_err(|error| InvalidScreening { error, crisis: triage_pre_read(raw).map(Box::new) })
    }
}

/// An invalid self-check: the error naming the field, and the crisis block when PHQ-9 item 9 or
/// `acting_on_thoughts` could be read (the same block a valid input with those answers gets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidScreening {
    pub error: InvalidInput,
    /// Boxed: a crisis block is large, and the error path should stay cheap to pass around.
    pub crisis: Option<Box<Crisis>>,
}

impl From<InvalidScreening> for InvalidInput {
    fn from(invalid: InvalidScreening) -> Self {
        invalid.error
    }
}

/// The blood-pressure reading above which the screen reports a caution (either value strictly above).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BpCaution {
    pub systolic_above: u16,
    pub diastolic_above: u16,
}

impl Default for BpCaution {
    fn default() -> Self {
        Self { systolic_above: 140, diastolic_above: 90 }
    }
}

impl BpCaution {
    pub fn applies(&self, bp: BloodPressure) -> bool {
        bp.systolic > self.systolic_above || bp.diastolic > self.diastolic_above
    }
}

/// Ages that the screen reports as a caution: under `under` or at least `from`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AgeCaution {
    pub under: u8,
    pub from: u8,
}

impl Default for AgeCaution {
    fn default() -> Self {
        Self { under: 18, from: 65 }
    }
}

/// The configurable values the self-check uses.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ScreenConfig {
    pub dose_table: DoseTable,
    pub trd: TrdConfig,
    pub bp_caution: BpCaution,
    pub age_caution: AgeCaution,
}

/// PHQ-9 part of the result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Phq9Summary {
    pub total: u16,
    pub severity: &'static str,
    pub item9: u8,
}

/// A reported contraindication or caution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConditionFinding {
    pub code: &'static str,
    pub label: &'static str,
    /// What in the answers raised it, when it was set from a value (age, blood pressure).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub detail: Option<FindingDetail>,
    pub discuss: &'static str,
    pub source: &'static str,
    pub confidence: Confidence,
    pub rule: RuleRef,
}

impl ConditionFinding {
    fn new(condition: &'static Condition, detail: Option<FindingDetail>, rule: RuleRef) -> Self {
        Self {
            code: condition.code,
            label: condition.label,
            detail,
            discuss: condition.discuss,
            source: condition.source,
            confidence: condition.confidence,
            rule,
        }
    }
}

/// The current episode's duration, in the Maudsley categories.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Episode {
    pub months: f64,
    pub duration: EpisodeDuration,
    pub rule: RuleRef,
}

/// The self-check result; serialises to the DESIGN.md output document. Crisis help comes first.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Screening {
    pub rules_version: &'static str,
    pub crisis: Crisis,
    pub phq9: Phq9Summary,
    pub trials: Vec<TrialAssessment>,
    pub failed_adequate_trials: usize,
    pub possible_failed_trials: usize,
    pub trd: TrdStatus,
    pub contraindications: Vec<ConditionFinding>,
    pub cautions: Vec<ConditionFinding>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub episode: Option<Episode>,
    /// Plain sentences of what to discuss with a clinician (each serialised as its English sentence).
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub discuss: Vec<Discuss>,
    /// Every rule that contributed, once each.
    pub rules: Vec<RuleRef>,
}

/// Runs the self-check.
pub fn screen(input: &ScreeningInput, config: &ScreenConfig) -> Screening {
    let mut rules: Vec<RuleRef> = Vec::new();

    let phq9_score = score(&input.phq9);
    let item9 = input.phq9.item(9);
    rules.extend([phq9_score.rule, phq9::ITEM9_RULE.reference()]);
    let crisis = crisis::triage(item9, input.acting_on_thoughts);
    rules.extend(crisis.rules.iter().copied());

    let history = assess_history(&input.trials, &config.dose_table, &config.trd);
    rules.extend(history.rules.iter().copied());

    let mut contraindications = Vec::new();
    let mut cautions = Vec::new();
    for condition in &input.conditions {
        let finding = ConditionFinding::new(condition, None, condition.rule());
        match condition.kind {
            ConditionKind::Contraindication => contraindications.push(finding),
            ConditionKind::Caution => cautions.push(finding),
        }
        rules.push(condition.rule());
    }
    if let Some(bp) = input.blood_pressure {
        rules.push(HYPERTENSIVE_CRISIS_RULE.reference());
        if bp.systolic >= HYPERTENSIVE_CRISIS_SYSTOLIC || bp.diastolic >= HYPERTENSIVE_CRISIS_DIASTOLIC {
            // First among the cautions: it is the one that may need action today.
            cautions.insert(
                0,
                ConditionFinding::new(
                    &conditions::HYPERTENSIVE_CRISIS_RANGE_CAUTION,
                    Some(FindingDetail::BloodPressureAtOrAbove {
                        systolic: bp.systolic,
                        diastolic: bp.diastolic,
                        limit_systolic: HYPERTENSIVE_CRISIS_SYSTOLIC,
                        limit_diastolic: HYPERTENSIVE_CRISIS_DIASTOLIC,
                    }),
                    HYPERTENSIVE_CRISIS_RULE.reference(),
                ),
            );
        }
        rules.push(BP_CAUTION_RULE.reference());
        if config.bp_caution.applies(bp) {
            cautions.push(ConditionFinding::new(
                &conditions::ELEVATED_BLOOD_PRESSURE_CAUTION,
                Some(FindingDetail::BloodPressureAbove {
                    systolic: bp.systolic,
                    diastolic: bp.diastolic,
                    limit_systolic: config.bp_caution.systolic_above,
                    limit_diastolic: config.bp_caution.diastolic_above,
                }),
                BP_CAUTION_RULE.reference(),
            ));
        }
    }
    if let Some(age) = input.age {
        rules.push(AGE_CAUTION_RULE.reference());
        if age < config.age_caution.under {
            cautions.push(ConditionFinding::new(
                &conditions::AGE_UNDER_18_CAUTION,
                Some(FindingDetail::AgeUnder { age, limit: config.age_caution.under }),
                AGE_CAUTION_RULE.reference(),
            ));
        } else if age >= config.age_caution.from {
            cautions.push(ConditionFinding::new(
                &conditions::AGE_65_AND_OVER_CAUTION,
                Some(FindingDetail::AgeFrom { age, limit: config.age_caution.from }),
                AGE_CAUTION_RULE.reference(),
            ));
        }
    }

    let episode = input.episode_months.and_then(|months| {
        EpisodeDuration::from_months(months).map(|duration| Episode {
            months,
            duration,
            rule: maudsley::ILLNESS_RULE.reference(),
        })
    });
    if let Some(e) = &episode {
        rules.push(e.rule);
    }

    let mut discuss = Vec::new();
    if crisis.level != CrisisLevel::None {
        discuss.push(Discuss::CrisisThoughts);
    }
    // Every finding's code is a catalogue code (it was made from the catalogue entry), so none is dropped here.
    discuss.extend(
        contraindications.iter().chain(&cautions).filter_map(|f| conditions::find(f.code)).map(Discuss::Condition),
    );
    discuss.push(Discuss::Trd {
        status: history.trd,
        no_trials: input.trials.is_empty(),
        required: config.trd.required_failed_trials(),
    });
    if phq9_score.total >= 10 {
        discuss.push(Discuss::Phq9Total {
            total: phq9_score.total,
            severity: phq9_score.severity,
            label: phq9_score.severity_label,
        });
    }
    discuss.push(Discuss::BringSummary);

    let mut unique: Vec<RuleRef> = Vec::with_capacity(rules.len());
    for rule in rules {
        if !unique.contains(&rule) {
            unique.push(rule);
        }
    }

    Screening {
        rules_version: RULES_VERSION,
        crisis,
        phq9: Phq9Summary { total: phq9_score.total, severity: phq9_score.severity, item9 },
        trials: history.trials,
        failed_adequate_trials: history.failed_adequate_trials,
        possible_failed_trials: history.possible_failed_trials,
        trd: history.trd,
        contraindications,
        cautions,
        episode,
        discuss,
        rules: unique,
    }
}

/// The rules of this module.
pub fn rules() -> Vec<&'static Rule> {
    vec![&BP_CAUTION_RULE, &HYPERTENSIVE_CRISIS_RULE, &AGE_CAUTION_RULE]
}
