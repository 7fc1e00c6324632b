//! The blood-pressure gate before dosing: a reading above the clinic's threshold blocks the dose until a
//! prescriber overrides it with a reason.
//!
//! "Above" means systolic above the systolic maximum or diastolic above the diastolic maximum, so that
//! 140/90 passes a 140/90 gate and 141/90 or 140/91 do not (`clinical.md` §3.3: "as a general guide: >140/90").

use serde::{Deserialize, Serialize};

use super::blood_pressure::BloodPressure;
use super::modality::Modality;
use super::overrides::Blocking;
use super::settings::ProtocolSettings;
use crate::rule::{Confidence, Rule, RuleRef};

pub static ESKETAMINE_RULE: Rule = Rule {
    id: "protocols.bp_gate.esketamine_nasal",
    version: 1,
    summary: "Before esketamine, blood pressure above the gate (default 140/90 mmHg: systolic > 140 or diastolic > 90) \
              blocks dosing until a prescriber overrides with a reason",
    source: "clinical.md §3.3 (2019 SPRAVATO PI §5.6: 'as a general guide: >140/90 mmHg')",
    confidence: Confidence::Confirmed,
    configurable: true,
};

pub static KETAMINE_RULE: Rule = Rule {
    id: "protocols.bp_gate.ketamine",
    version: 1,
    summary: "Before IV, IM or oral ketamine, blood pressure above the gate (default 140/90 mmHg) blocks dosing until a \
              prescriber overrides with a reason; the threshold is widely repeated but not found in Sanacora 2017",
    source: "clinical.md §4.1 (pre-infusion >140/90 [U]); §3.3 by analogy",
    confidence: Confidence::Unverified,
    configurable: true,
};

/// The gate rule for a modality.
pub fn gate_rule(modality: Modality) -> &'static Rule {
    match modality {
        Modality::EsketamineNasal => &ESKETAMINE_RULE,
        Modality::IvKetamine | Modality::ImKetamine | Modality::OralKetamine => &KETAMINE_RULE,
    }
}

/// The highest blood pressure that passes the gate, in mmHg.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BpGate {
    pub systolic_max: u16,
    pub diastolic_max: u16,
}

impl Default for BpGate {
    fn default() -> Self {
        Self { systolic_max: 140, diastolic_max: 90 }
    }
}

impl BpGate {
    /// Whether a reading is above the gate: systolic above its maximum or diastolic above its maximum.
    pub fn is_above(self, reading: BloodPressure) -> bool {
        reading.systolic() > self.systolic_max || reading.diastolic() > self.diastolic_max
    }
}

/// Whether dosing may proceed on this blood pressure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum GateDecision {
    Pass { rule: RuleRef },
    Blocked { reason: String, rule: RuleRef },
}

impl GateDecision {
    pub fn is_blocked(&self) -> bool {
        matches!(self, GateDecision::Blocked { .. })
    }
}

impl Blocking for GateDecision {
    fn blocking_rules(&self) -> Vec<RuleRef> {
        match self {
            GateDecision::Pass { .. } => Vec::new(),
            GateDecision::Blocked { rule, .. } => vec![*rule],
        }
    }
}

/// Applies the clinic's gate for `modality` to a pre-dose reading.
pub fn bp_gate(modality: Modality, reading: BloodPressure, settings: &ProtocolSettings) -> GateDecision {
    let gate = settings.values().bp_gate.get(modality);
    let rule = gate_rule(modality).reference();
    if gate.is_above(reading) {
        GateDecision::Blocked {
            reason: format!(
                "blood pressure {reading} is above the gate of {}/{} mmHg: dosing waits for a prescriber's decision",
                gate.systolic_max, gate.diastolic_max
            ),
            rule,
        }
    } else {
        GateDecision::Pass { rule }
    }
}
