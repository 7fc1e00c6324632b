//! The discharge gate: a patient may leave once the minimum monitoring time has passed and the clinic's
//! criteria (alert, SpO2, dissociation resolved, blood pressure within the gate, recent values) are met.
//!
//! The two kinds of refusal are kept apart in the types: before the minimum time the refusal is absolute (a
//! patient who leaves then leaves early, which is recorded as an early departure, not as a discharge), while an
//! unmet criterion after it may be lifted by a prescriber's recorded reason. [`DischargeDecision`] does not
//! implement [`Blocking`], so it cannot be handed to [`super::overrides::apply_override`]; only the
//! [`Criteria`] that [`DischargeDecision::refusal`] returns after the minimum time can:
//!
//! ```compile_fail
//! use ketapath_clinical::protocols::{Modality, ProtocolSettings, apply_override, discharge_check};
//! let at = time::OffsetDateTime::UNIX_EPOCH;
//! let decision = discharge_check(Modality::EsketamineNasal, at, at, &[], &ProtocolSettings::default()).unwrap();
//! apply_override(&decision, "patient insists on leaving").unwrap();
//! ```
//!
//! Each criterion reads the latest value of its measure at or before the moment asked about; observations
//! after that moment are ignored, so the same answer comes back when the question is asked again later.

use serde::Serialize;
use time::{Duration, OffsetDateTime};

use super::modality::Modality;
use super::monitoring::minimum_rule;
use super::observation::{Observation, latest};
use super::overrides::Blocking;
use super::settings::ProtocolSettings;
use crate::error::InvalidInput;
use crate::rule::{Confidence, Rule, RuleRef};

pub static ALERT_RULE: Rule = Rule {
    id: "protocols.discharge.alert",
    version: 2,
    summary: "Discharge needs the latest MOAA/S at or above the clinic's minimum (default 5: responds readily to name \
              in a normal tone), so that sedation has resolved; it cannot be switched off and never goes below 4 (clinical.md §8.3)",
    source: "clinical.md §2.6 (MOAA/S scale), §3.8 (monitor until resolution of sedation); threshold [U]",
    confidence: Confidence::Unverified,
    configurable: true,
};

pub static SPO2_RULE: Rule = Rule {
    id: "protocols.discharge.spo2",
    version: 2,
    summary: "Discharge needs the latest SpO2 at or above the clinic's minimum (default 94%), so that respiratory \
              depression has resolved; it cannot be switched off and never goes below 90%",
    source: "clinical.md §3.4 (pulse oximetry each session), §3.8 (monitor until resolution of respiratory \
             depression), §8.3 (below 90% is hypoxaemia [S]: the floor); threshold [U]",
    confidence: Confidence::Unverified,
    configurable: true,
};

pub static DISSOCIATION_RULE: Rule = Rule {
    id: "protocols.discharge.dissociation",
    version: 2,
    summary: "Discharge needs the latest CADSS total at or below the clinic's maximum (default 4: the programme \
              defines dissociation as CADSS > 4), so that dissociation has resolved; it cannot be switched off and never goes above 4",
    source: "clinical.md §2.5 (dissociation = CADSS total > 4 and change > 0), §3.8 (monitor until resolution of \
             dissociation); use as a discharge threshold [U]",
    confidence: Confidence::Unverified,
    configurable: true,
};

pub static BP_RULE: Rule = Rule {
    id: "protocols.discharge.blood_pressure",
    version: 2,
    summary: "Discharge needs the latest blood pressure within the modality's pre-dose gate (default 140/90 mmHg); \
              it cannot be switched off",
    source: "clinical.md §3.4 (measure BP until values decline; 'if BP remains high, promptly seek assistance'), \
             §3.9 (vital signs in range prior to session completion); threshold [U]",
    confidence: Confidence::Unverified,
    configurable: true,
};

pub static RECENT_RULE: Rule = Rule {
    id: "protocols.discharge.recent_vitals",
    version: 1,
    summary: "The values the discharge criteria use must have been recorded within the last 30 minutes",
    source: "clinical.md §3.4 (an assessment to determine when the patient is clinically stable and ready to \
             leave), §3.9 (vital signs prior to session completion); age limit [U]",
    confidence: Confidence::Unverified,
    configurable: true,
};

/// The code of the absolute refusal: the minimum monitoring time has not passed.
pub const MINIMUM_TIME: &str = "minimum_time";

/// A discharge criterion that is not met.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unmet {
    /// `minimum_time`, `not_alert`, `spo2_low`, `dissociated`, `bp_above_gate` or `no_recent_vitals`.
    pub code: &'static str,
    pub message: String,
    pub rule: RuleRef,
}

/// Whether the patient may leave at the moment asked about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DischargeDecision {
    pub allowed: bool,
    pub minutes_since_dose: i64,
    /// Every criterion not met, for the page: the minimum time (when it has not passed) first.
    pub unmet: Vec<Unmet>,
    /// Whether a prescriber's reason may lift the refusal: never before the minimum time.
    pub overridable: bool,
}

/// Why a discharge is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal<'a> {
    /// The minimum monitoring time has not passed: no override lifts it, for any role.
    Absolute(&'a Unmet),
    /// Criteria unmet after the minimum time: a prescriber's recorded reason may lift them.
    Criteria(Criteria<'a>),
}

/// The unmet criteria an override may lift. Only [`DischargeDecision::refusal`] builds one, and only once the
/// minimum time has passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Criteria<'a>(&'a [Unmet]);

impl Criteria<'_> {
    pub fn unmet(&self) -> &[Unmet] {
        self.0
    }
}

impl Blocking for Criteria<'_> {
    fn blocking_rules(&self) -> Vec<RuleRef> {
        let mut rules: Vec<RuleRef> = Vec::new();
        for unmet in self.0 {
            if !rules.contains(&unmet.rule) {
                rules.push(unmet.rule);
            }
        }
        rules
    }
}

impl DischargeDecision {
    /// The refusal, if any: absolute before the minimum time, overridable criteria after it.
    pub fn refusal(&self) -> Option<Refusal<'_>> {
        if let Some(minimum) = self.unmet.iter().find(|u| u.code == MINIMUM_TIME) {
            return Some(Refusal::Absolute(minimum));
        }
        (!self.unmet.is_empty()).then_some(Refusal::Criteria(Criteria(&self.unmet)))
    }
}

/// Checks whether a patient dosed at `dose_at` may leave at `at`.
///
/// The minimum time is an exact duration: 119 minutes and 59 seconds is not 120 minutes. A criterion whose value
/// was never recorded, or not within `vitals_max_age_minutes`, is reported once under `no_recent_vitals`; a stale
/// value is still compared with its threshold, because an old low SpO2 is worth knowing about.
pub fn discharge_check(
    modality: Modality,
    dose_at: OffsetDateTime,
    at: OffsetDateTime,
    observations: &[Observation],
    settings: &ProtocolSettings,
) -> Result<DischargeDecision, InvalidInput> {
    if at < dose_at {
        return Err(InvalidInput::new("at", "must not be before the dose time"));
    }
    let v = settings.values();
    let d = &v.discharge;
    let minimum = v.monitoring.minimum_minutes.get(modality);
    let max_age = Duration::minutes(i64::from(d.vitals_max_age_minutes));
    let elapsed = at - dose_at;
    let mut unmet = Vec::new();

    if elapsed < Duration::minutes(i64::from(minimum)) {
        unmet.push(Unmet {
            code: MINIMUM_TIME,
            message: format!("monitored {} min; the minimum is {minimum} min after dosing", elapsed.whole_minutes()),
            rule: minimum_rule(modality).reference(),
        });
    }

    let mut missing: Vec<&str> = Vec::new();
    let mut note_age = |name: &'static str, when: Option<OffsetDateTime>| {
        if when.is_none_or(|t| at - t > max_age) {
            missing.push(name);
        }
    };

    if let Some(min) = d.min_moaas {
        let value = latest(observations, at, Observation::moaas);
        note_age("MOAA/S", value.map(|(t, _)| t));
        if let Some((_, score)) = value.filter(|(_, score)| *score < min) {
            unmet.push(Unmet {
                code: "not_alert",
                message: format!("latest MOAA/S is {score}; discharge needs at least {min}"),
                rule: ALERT_RULE.reference(),
            });
        }
    }
    if let Some(min) = d.min_spo2 {
        let value = latest(observations, at, Observation::spo2);
        note_age("SpO2", value.map(|(t, _)| t));
        if let Some((_, spo2)) = value.filter(|(_, spo2)| *spo2 < min) {
            unmet.push(Unmet {
                code: "spo2_low",
                message: format!("latest SpO2 is {spo2}%; discharge needs at least {min}%"),
                rule: SPO2_RULE.reference(),
            });
        }
    }
    if let Some(max) = d.max_cadss {
        let value = latest(observations, at, Observation::cadss);
        note_age("CADSS", value.map(|(t, _)| t));
        if let Some((_, total)) = value.filter(|(_, total)| *total > max) {
            unmet.push(Unmet {
                code: "dissociated",
                message: format!("latest CADSS total is {total}; discharge needs at most {max}"),
                rule: DISSOCIATION_RULE.reference(),
            });
        }
    }
    if d.bp_within_gate {
        let gate = v.bp_gate.get(modality);
        let value = latest(observations, at, Observation::blood_pressure);
        note_age("blood pressure", value.map(|(t, _)| t));
        if let Some((_, bp)) = value.filter(|(_, bp)| gate.is_above(*bp)) {
            unmet.push(Unmet {
                code: "bp_above_gate",
                message: format!(
                    "latest blood pressure {bp} is above the gate of {}/{} mmHg",
                    gate.systolic_max, gate.diastolic_max
                ),
                rule: BP_RULE.reference(),
            });
        }
    }
    if !missing.is_empty() {
        unmet.push(Unmet {
            code: "no_recent_vitals",
            message: format!(
                "no {} recorded in the {} min before discharge",
                missing.join(", "),
                d.vitals_max_age_minutes
            ),
            rule: RECENT_RULE.reference(),
        });
    }

    let overridable = !unmet.iter().any(|u| u.code == MINIMUM_TIME);
    Ok(DischargeDecision { allowed: unmet.is_empty(), minutes_since_dose: elapsed.whole_minutes(), unmet, overridable })
}
