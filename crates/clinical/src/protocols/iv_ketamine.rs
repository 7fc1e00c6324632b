//! IV ketamine dose from body weight: mg/kg within the clinic's range, total dose and infusion rate.

use serde::Serialize;

use super::settings::ProtocolSettings;
use crate::error::InvalidInput;
use crate::rule::{Confidence, Rule, RuleRef};

pub static DOSE_RULE: Rule = Rule {
    id: "protocols.iv.dose",
    version: 1,
    summary: "IV ketamine dose = weight x mg/kg (default 0.5 mg/kg, accepted 0.1-0.75 mg/kg) infused over 40 minutes; \
              the dose is rounded to 0.1 mg and the rate to 0.01 mg/min",
    source: "clinical.md §4.2 (Andrade C. J Clin Psychiatry 2017;78(7):e852-e857; Dunlop 2018; NCT01920555)",
    confidence: Confidence::Confirmed,
    configurable: true,
};

/// Plausible adult body weights in kg: outside them a weight is far more likely a typo (pounds, grams) than real.
pub const WEIGHT_KG_RANGE: (f64, f64) = (20.0, 350.0);

/// A computed infusion.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IvDose {
    pub weight_kg: f64,
    pub mg_per_kg: f64,
    /// Total dose in mg, rounded to 0.1 mg.
    pub dose_mg: f64,
    pub infusion_minutes: u32,
    /// Infusion rate in mg/min, rounded to 0.01 mg/min.
    pub rate_mg_per_min: f64,
    pub rule: RuleRef,
}

/// Rounds a positive value to `per_unit` steps (10 for 0.1, 100 for 0.01), halves up.
///
/// Decimal halves are often stored just below the half (83.3 kg x 0.5 = 41.6499…), so a nudge far below any
/// clinically meaningful amount rounds them up as a person would; dividing last gives the nearest decimal value.
fn round_to(value: f64, per_unit: f64) -> f64 {
    (value * per_unit + 1e-9).round() / per_unit
}

/// Computes the dose for a weight at `mg_per_kg`; both must be finite, the weight plausible and `mg_per_kg`
/// within the clinic's configured range.
pub fn iv_dose(weight_kg: f64, mg_per_kg: f64, settings: &ProtocolSettings) -> Result<IvDose, InvalidInput> {
    let iv = &settings.values().iv;
    let (lightest, heaviest) = WEIGHT_KG_RANGE;
    if !weight_kg.is_finite() || weight_kg < lightest || weight_kg > heaviest {
        return Err(InvalidInput::new(
            "weight_kg",
            format!("must be a weight in kg from {lightest} to {heaviest}; got {weight_kg}"),
        ));
    }
    if !mg_per_kg.is_finite() || mg_per_kg < iv.mg_per_kg_min || mg_per_kg > iv.mg_per_kg_max {
        return Err(InvalidInput::new(
            "mg_per_kg",
            format!(
                "must be from {} to {} mg/kg (the clinic's range; usual dose {} mg/kg); got {mg_per_kg}",
                iv.mg_per_kg_min, iv.mg_per_kg_max, iv.mg_per_kg_default
            ),
        ));
    }
    let dose_mg = round_to(weight_kg * mg_per_kg, 10.0);
    let rate_mg_per_min = round_to(dose_mg / f64::from(iv.infusion_minutes), 100.0);
    Ok(IvDose {
        weight_kg,
        mg_per_kg,
        dose_mg,
        infusion_minutes: iv.infusion_minutes,
        rate_mg_per_min,
        rule: DOSE_RULE.reference(),
    })
}
