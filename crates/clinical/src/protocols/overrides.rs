//! Prescriber overrides: how a blocked step (dosing over the blood-pressure gate, discharge with a criterion
//! unmet after the minimum monitoring time) may still proceed.
//!
//! Absolute steps take no override for any role: the minimum monitoring time (see
//! [`super::discharge::Refusal::Absolute`]) and, for esketamine in an outpatient setting, the patient's REMS
//! enrollment before a dose (see [`super::pre_checks::enrollment_gate`]). Neither implements [`Blocking`].
//!
//! The system informs and records; clinicians decide (DESIGN.md, "Clinical safety principles"). A block is
//! therefore lifted by a recorded reason, never silently. Who may override (a named prescriber) is a matter of
//! roles, which the portal checks; this module only refuses an override without a reason.

use serde::Serialize;

use crate::error::InvalidInput;
use crate::rule::{Confidence, Rule, RuleRef};

pub static OVERRIDE_RULE: Rule = Rule {
    id: "protocols.prescriber_override",
    version: 2,
    summary: "A step blocked by a session rule may proceed only when a named prescriber records a non-empty reason; \
              the reason and the overridden rules are kept with the session. The minimum monitoring time and, for \
              esketamine in an outpatient setting, REMS patient enrollment before a dose are never overridden",
    source: "clinical.md §3.3 (2019 SPRAVATO PI §5.6: a decision to delay 'should take into account the balance of \
             benefit and risk in individual patients'), §3.4 and §3.8 (at least 2 hours; REMS enrollment before \
             outpatient treatment); DESIGN.md, Clinical safety principles",
    confidence: Confidence::Confirmed,
    configurable: false,
};

/// The longest reason kept, in characters: long enough for a clinical note, short enough for an audit row.
pub const MAX_REASON_CHARS: usize = 2000;

/// A decision that may block a step, and name the rules that block it.
pub trait Blocking {
    /// The rules that block the step; empty when the step may proceed.
    fn blocking_rules(&self) -> Vec<RuleRef>;
}

/// Whether a step may proceed after a decision and, if it was blocked, the override that lifted it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum GateOutcome {
    /// Nothing blocked the step.
    Proceed,
    /// A prescriber overrode the block with this reason.
    Overridden {
        reason: String,
        /// The rules that blocked the step and were overridden.
        overridden: Vec<RuleRef>,
        rule: RuleRef,
    },
}

/// Lifts a block with a prescriber's reason. A decision that blocked nothing proceeds whatever the reason;
/// a blocking decision needs a reason that is not blank (it is trimmed and kept).
pub fn apply_override<D: Blocking>(decision: &D, reason: &str) -> Result<GateOutcome, InvalidInput> {
    let overridden = decision.blocking_rules();
    if overridden.is_empty() {
        return Ok(GateOutcome::Proceed);
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(InvalidInput::new("reason", "an override needs the prescriber's reason; it must not be empty"));
    }
    if reason.chars().count() > MAX_REASON_CHARS {
        return Err(InvalidInput::new("reason", format!("must be at most {MAX_REASON_CHARS} characters")));
    }
    Ok(GateOutcome::Overridden { reason: reason.to_owned(), overridden, rule: OVERRIDE_RULE.reference() })
}
