//! Hypertensive crisis routing during a session: symptoms of a hypertensive crisis or encephalopathy send the
//! patient to emergency care at once, whatever the blood-pressure numbers.

use serde::{Deserialize, Serialize};

use crate::error::InvalidInput;
use crate::rule::{Confidence, Rule, RuleRef};

pub static HYPERTENSIVE_CRISIS_RULE: Rule = Rule {
    id: "protocols.hypertensive_crisis",
    version: 1,
    summary: "Symptoms of a hypertensive crisis (chest pain, shortness of breath) or hypertensive encephalopathy \
              (sudden severe headache, visual disturbances, seizures, diminished consciousness, focal neurological \
              deficits) mean emergency care now: call 911",
    source: "clinical.md §3.4 (2019 PI §5.6), §5.2 (911), §5.5 (in-session BP with crisis symptoms)",
    confidence: Confidence::Confirmed,
    configurable: false,
};

/// A symptom that the label names as a sign of hypertensive crisis or encephalopathy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CrisisSymptom {
    ChestPain,
    ShortnessOfBreath,
    SevereHeadache,
    VisualDisturbance,
    Seizure,
    DiminishedConsciousness,
    FocalNeurologicalDeficit,
}

impl CrisisSymptom {
    pub const ALL: [CrisisSymptom; 7] = [
        CrisisSymptom::ChestPain,
        CrisisSymptom::ShortnessOfBreath,
        CrisisSymptom::SevereHeadache,
        CrisisSymptom::VisualDisturbance,
        CrisisSymptom::Seizure,
        CrisisSymptom::DiminishedConsciousness,
        CrisisSymptom::FocalNeurologicalDeficit,
    ];

    pub fn code(self) -> &'static str {
        match self {
            CrisisSymptom::ChestPain => "chest_pain",
            CrisisSymptom::ShortnessOfBreath => "shortness_of_breath",
            CrisisSymptom::SevereHeadache => "severe_headache",
            CrisisSymptom::VisualDisturbance => "visual_disturbance",
            CrisisSymptom::Seizure => "seizure",
            CrisisSymptom::DiminishedConsciousness => "diminished_consciousness",
            CrisisSymptom::FocalNeurologicalDeficit => "focal_neurological_deficit",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CrisisSymptom::ChestPain => "Chest pain",
            CrisisSymptom::ShortnessOfBreath => "Shortness of breath",
            CrisisSymptom::SevereHeadache => "Sudden severe headache",
            CrisisSymptom::VisualDisturbance => "Visual disturbance",
            CrisisSymptom::Seizure => "Seizure",
            CrisisSymptom::DiminishedConsciousness => "Diminished consciousness",
            CrisisSymptom::FocalNeurologicalDeficit => "Focal neurological deficit",
        }
    }

    /// Parses a symptom code; the error lists the known codes.
    pub fn parse(code: &str) -> Result<Self, InvalidInput> {
        InvalidInput::from_code(&CrisisSymptom::ALL, CrisisSymptom::code, code, "symptom", "symptom")
    }

    /// Parses a list of codes; an error names the entry (`symptoms[1]`).
    pub fn parse_all(codes: &[&str]) -> Result<Vec<Self>, InvalidInput> {
        codes
            .iter()
            .enumerate()
            .map(|(i, code)| {
                CrisisSymptom::parse(code).map_err(|e| InvalidInput::new(format!("symptoms[{i}]"), e.message))
            })
            .collect()
    }
}

/// What to do about the symptoms reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SymptomRoute {
    /// None of the listed symptoms: continue monitoring as planned.
    ContinueMonitoring,
    /// Refer immediately for emergency care.
    EmergencyNow,
}

/// The routing for the symptoms reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SymptomRouting {
    pub route: SymptomRoute,
    /// The crisis symptoms present, each once, in a stable order.
    pub symptoms: Vec<CrisisSymptom>,
    pub action: &'static str,
    pub rule: RuleRef,
}

/// Routes the symptoms reported during a session: any one of them means emergency care now.
pub fn hypertensive_symptom_routing(symptoms: &[CrisisSymptom]) -> SymptomRouting {
    let mut present = symptoms.to_vec();
    present.sort();
    present.dedup();
    let (route, action) = if present.is_empty() {
        (SymptomRoute::ContinueMonitoring, "No hypertensive crisis symptoms reported: continue monitoring as planned.")
    } else {
        (
            SymptomRoute::EmergencyNow,
            "Possible hypertensive crisis or encephalopathy: refer immediately for emergency care. Call 911; do not \
             wait for the next blood pressure reading.",
        )
    };
    SymptomRouting { route, symptoms: present, action, rule: HYPERTENSIVE_CRISIS_RULE.reference() }
}
