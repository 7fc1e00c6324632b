//! Catalog of conditions that matter before esketamine or ketamine: label contraindications and cautions.
//!
//! Source: `clinical.md` §3.5 (the three label contraindications) and §3.3, §3.4, §3.6 (warnings, precautions and
//! interactions). §3.5 is explicit that pregnancy, psychosis, uncontrolled hypertension and the like are warnings
//! or trial exclusions, not contraindications, so they are cautions here: things to discuss, never blocks.
//! The screen reports conditions; it never decides for or against treatment.

use serde::Serialize;
use serde_json::Value;

use crate::error::InvalidInput;
use crate::rule::{Confidence, Rule, RuleRef};

pub static CONTRAINDICATION_RULE: Rule = Rule {
    id: "safety.contraindications",
    version: 1,
    summary: "The three esketamine label contraindications (aneurysmal vascular disease or arteriovenous malformation, \
              history of intracerebral hemorrhage, hypersensitivity to esketamine or ketamine) are reported as contraindications",
    source: "clinical.md §3.5 (2019 SPRAVATO PI; ISI reprint)",
    confidence: Confidence::Confirmed,
    configurable: false,
};

pub static CAUTION_RULE: Rule = Rule {
    id: "safety.cautions",
    version: 1,
    summary: "Label warnings, precautions and interactions (blood pressure, psychosis, substance use, pregnancy, \
              breastfeeding, cardiovascular and cerebrovascular disease, cystitis, interacting drugs) are reported as \
              cautions to discuss, never as blocks",
    source: "clinical.md §3.3, §3.4, §3.5 (warnings are not contraindications), §3.6",
    confidence: Confidence::Confirmed,
    configurable: true,
};

/// Whether a condition is a label contraindication or something to weigh with a clinician.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConditionKind {
    Contraindication,
    Caution,
}

/// One catalog entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Condition {
    pub code: &'static str,
    pub kind: ConditionKind,
    /// Plain-language name.
    pub label: &'static str,
    /// What to talk about with a clinician, as one plain sentence.
    pub discuss: &'static str,
    pub source: &'static str,
    pub confidence: Confidence,
}

impl Condition {
    pub fn rule(&self) -> RuleRef {
        match self.kind {
            ConditionKind::Contraindication => CONTRAINDICATION_RULE.reference(),
            ConditionKind::Caution => CAUTION_RULE.reference(),
        }
    }
}

const fn contraindication(
    code: &'static str,
    label: &'static str,
    discuss: &'static str,
    source: &'static str,
) -> Condition {
    Condition { code, kind: ConditionKind::Contraindication, label, discuss, source, confidence: Confidence::Confirmed }
}

const fn caution(code: &'static str, label: &'static str, discuss: &'static str, source: &'static str) -> Condition {
    Condition { code, kind: ConditionKind::Caution, label, discuss, source, confidence: Confidence::Confirmed }
}

/// A caution set from another answer (age, blood pressure), with the confidence of the rule that sets it.
const fn derived(mut condition: Condition, confidence: Confidence) -> Condition {
    condition.confidence = confidence;
    condition
}

/// Code of the caution set from a blood-pressure reading above the screening threshold.
pub const ELEVATED_BLOOD_PRESSURE: &str = "elevated_blood_pressure";
/// Code of the caution set from a reading in the hypertensive-crisis range (180/120 or more).
pub const HYPERTENSIVE_CRISIS_RANGE: &str = "hypertensive_crisis_range";
/// Code of the caution set from an age under 18.
pub const AGE_UNDER_18: &str = "age_under_18";
/// Code of the caution set from an age of 65 or over.
pub const AGE_65_AND_OVER: &str = "age_65_and_over";

/// The conditions a person may list, contraindications first.
pub static CONDITIONS: &[Condition] = &[
    contraindication(
        "aneurysmal_vascular_disease",
        // The label's first contraindication names two conditions; each is its own entry (the malformation is the
        // next one), so this label names the aneurysm alone and no choice list shows the malformation twice.
        "Aneurysmal vascular disease (an aneurysm of the aorta, or of arteries in the brain or elsewhere)",
        "Tell a clinician about the aneurysm: the esketamine label lists it as a contraindication, because a rise in \
         blood pressure could be dangerous.",
        "clinical.md §3.5 (label contraindication 1; 2019 SPRAVATO PI)",
    ),
    contraindication(
        "arteriovenous_malformation",
        "Arteriovenous malformation",
        "Tell a clinician about the arteriovenous malformation: the esketamine label lists it as a contraindication, \
         because a rise in blood pressure could be dangerous.",
        "clinical.md §3.5 (label contraindication 1; 2019 SPRAVATO PI)",
    ),
    contraindication(
        "intracerebral_hemorrhage",
        "A past bleed inside the brain (intracerebral hemorrhage)",
        "Tell a clinician about the past bleed in the brain: the esketamine label lists it as a contraindication.",
        "clinical.md §3.5 (label contraindication 2; 2019 SPRAVATO PI)",
    ),
    contraindication(
        "hypersensitivity_esketamine_ketamine",
        "An allergic reaction (hypersensitivity) to esketamine, ketamine or an ingredient of the product",
        "Tell a clinician about the allergic reaction to esketamine or ketamine: the label lists it as a \
         contraindication.",
        "clinical.md §3.5 (label contraindication 3; 2019 SPRAVATO PI)",
    ),
    caution(
        "hypertension",
        "High blood pressure",
        "Discuss your blood pressure with a clinician: esketamine and ketamine raise it for a few hours, and it is \
         checked before and after each dose.",
        "clinical.md §3.3 (2019 PI §5.6: BP above 140/90 as a general guide), §3.4",
    ),
    caution(
        "hypertensive_encephalopathy_history",
        "A past hypertensive encephalopathy (brain symptoms from very high blood pressure)",
        "Tell a clinician about the past hypertensive encephalopathy: the label calls for closer monitoring.",
        "clinical.md §3.4 (2019 PI §5.6)",
    ),
    caution(
        "cardiovascular_disease",
        "Heart or blood-vessel disease",
        "Discuss your heart or blood-vessel condition with a clinician: the label asks for a careful assessment \
         before treatment, because blood pressure rises after each dose.",
        "clinical.md §3.3 (2019 PI §5.6)",
    ),
    caution(
        "cerebrovascular_disease",
        "Disease of the blood vessels of the brain (for example a past stroke)",
        "Discuss the condition of the blood vessels in your brain with a clinician: the label asks for a careful \
         assessment before treatment.",
        "clinical.md §3.3 (2019 PI §5.6)",
    ),
    caution(
        "psychosis",
        "Psychosis now or in the past",
        "Discuss any history of psychosis with a clinician: the label asks for a careful assessment of benefit and \
         risk first.",
        "clinical.md §3.3 (2019 PI §5.2)",
    ),
    caution(
        "substance_use_disorder",
        "A substance use problem now or in the past",
        "Discuss any substance use with a clinician: esketamine and ketamine can be misused, and the label asks for \
         an assessment of that risk before treatment.",
        "clinical.md §3.3 (2019 PI §5.3), §3.6 (abuse and misuse)",
    ),
    caution(
        "pregnancy",
        "Pregnancy or planning a pregnancy",
        "Discuss pregnancy or pregnancy plans with a clinician: esketamine is not recommended in pregnancy.",
        "clinical.md §3.6 (embryo-fetal toxicity)",
    ),
    caution(
        "breastfeeding",
        "Breastfeeding",
        "Discuss breastfeeding with a clinician: the label advises against breastfeeding during treatment.",
        "clinical.md §3.6 (embryo-fetal toxicity; 2019 PI §17)",
    ),
    caution(
        "cystitis",
        "Ulcerative or interstitial cystitis (bladder inflammation)",
        "Tell a clinician about any bladder inflammation or urinary symptoms: cystitis is listed in the label's \
         safety information.",
        "clinical.md §3.6 (ulcerative or interstitial cystitis, ISI list)",
    ),
    caution(
        "cns_depressants",
        "Taking sedating medicines or alcohol (benzodiazepines, opioids, sleep medicines)",
        "Bring a list of sedating medicines and your alcohol use to a clinician: they add to the sedation and \
         breathing effects.",
        "clinical.md §3.6 (drug interactions: CNS depressants; respiratory depression)",
    ),
    caution(
        "psychostimulants",
        "Taking stimulants (amphetamines, methylphenidate, modafinil, armodafinil)",
        "Tell a clinician about any stimulant medicines: together with esketamine they can raise blood pressure further.",
        "clinical.md §3.6 (drug interactions: psychostimulants)",
    ),
    caution(
        "maoi",
        "Taking an MAO inhibitor (for example phenelzine, tranylcypromine, selegiline)",
        "Tell a clinician about any MAO inhibitor: together with esketamine it can raise blood pressure further.",
        "clinical.md §3.6 (drug interactions: MAOIs)",
    ),
];

/// Set when a blood-pressure reading is above the screening threshold (`screen.bp_caution`).
pub static ELEVATED_BLOOD_PRESSURE_CAUTION: Condition = derived(
    caution(
        ELEVATED_BLOOD_PRESSURE,
        "Blood pressure above 140/90 in the reading given",
        "Discuss the blood-pressure reading with a clinician: above 140/90 the label asks for benefit and risk \
             to be weighed before a dose.",
        "clinical.md §3.3 (2019 PI §5.6: above 140/90 as a general guide)",
    ),
    Confidence::Confirmed,
);

/// Set when a reading is 180/120 mmHg or more, either number (`screen.hypertensive_crisis`). The words follow the
/// American Heart Association's advice (`clinical.md` §8.2): measure again, then act on the result.
pub static HYPERTENSIVE_CRISIS_RANGE_CAUTION: Condition = derived(
    caution(
        HYPERTENSIVE_CRISIS_RANGE,
        "Blood pressure in the hypertensive-crisis range (180/120 or higher) in the reading given",
        "Wait a few minutes and measure your blood pressure again. If it is still 180/120 or higher, contact a \
             clinician today. Call 911 at once if you also have chest or back pain, shortness of breath, numbness or \
             weakness, a change in vision or difficulty speaking (American Heart Association).",
        "clinical.md §8.2 (American Heart Association: a reading of 180/120 mm Hg or greater)",
    ),
    Confidence::Confirmed,
);

/// Set from an age under 18 (`screen.age_caution`).
pub static AGE_UNDER_18_CAUTION: Condition = derived(
    caution(
        AGE_UNDER_18,
        "Under 18 years old",
        "Discuss age with a clinician: esketamine is approved for adults, and antidepressant trials showed more \
             suicidal thoughts and behaviours under 18.",
        "clinical.md §3.1 (adults), §3.6 (suicidality by age: under 18 +14 per 1000)",
    ),
    Confidence::Secondary,
);

/// Set from an age of 65 or over (`screen.age_caution`).
pub static AGE_65_AND_OVER_CAUTION: Condition = derived(
    caution(
        AGE_65_AND_OVER,
        "65 years old or over",
        "Discuss age with a clinician: some labels start people aged 65 and over on a lower dose, and blood-pressure \
             rises were larger with age.",
        "clinical.md §3.2 (28 mg start at 65 and over outside the US; US dosing unverified), §4.4",
    ),
    Confidence::Secondary,
);

/// Conditions set from other answers rather than listed.
pub static DERIVED: [&Condition; 4] = [
    &HYPERTENSIVE_CRISIS_RANGE_CAUTION,
    &ELEVATED_BLOOD_PRESSURE_CAUTION,
    &AGE_UNDER_18_CAUTION,
    &AGE_65_AND_OVER_CAUTION,
];

/// Looks a condition up by code.
pub fn find(code: &str) -> Option<&'static Condition> {
    CONDITIONS.iter().chain(DERIVED).find(|c| c.code == code)
}

/// Codes a person may list (the derived ones are set from age and blood pressure).
pub fn input_codes() -> Vec<&'static str> {
    CONDITIONS.iter().map(|c| c.code).collect()
}

/// Parses a `conditions` array of codes. Repeats are ignored; errors name the entry (`conditions[1]`).
pub fn parse_conditions(raw: &Value, field: &str) -> Result<Vec<&'static Condition>, InvalidInput> {
    let Some(array) = raw.as_array() else {
        return Err(InvalidInput::new(field, "must be an array of condition codes"));
    };
    let mut conditions: Vec<&'static Condition> = Vec::with_capacity(array.len());
    for (i, value) in array.iter().enumerate() {
        let at = format!("{field}[{i}]");
        let Some(code) = value.as_str() else {
            return Err(InvalidInput::new(at, format!("must be a condition code string; got {value}")));
        };
        let condition = CONDITIONS.iter().find(|c| c.code == code.trim()).ok_or_else(|| {
            let hint = match find(code.trim()) {
                Some(_) => "it is set from age or blood pressure, not listed; ",
                None => "",
            };
            InvalidInput::new(
                at.clone(),
                format!("unknown condition {code:?}: {hint}known codes: {}", input_codes().join(", ")),
            )
        })?;
        if !conditions.iter().any(|c| c.code == condition.code) {
            conditions.push(condition);
        }
    }
    Ok(conditions)
}
