//! The named insurance plans a clinic accepts ("Aetna", "Medicaid (Ohio)"), beside the payment codes: one check
//! that every way in (CSV, JSON, FHIR, the clinic's own listing, the portal form) applies.

use crate::import::fields::check_line;
use crate::text::shows_nothing;

/// The field's name in every document (CSV column, JSON field, the listing update).
pub const INSURANCE_PLANS: &str = "insurance_plans";
/// Most plans one listing names: a clinic that takes more lists its payment codes instead.
pub const PLANS_MAX: usize = 40;
/// Longest plan name, in characters.
pub const PLAN_NAME_MAX: usize = 80;

/// Checks the plans as given and returns them trimmed, a plan repeated in another case kept once where it first
/// appears. Each plan is 1 to 80 visible characters on one line without `;` (the CSV column's separator); at most
/// 40 plans. The error says which plan is at fault and what to write instead.
pub fn check_plans<'a>(plans: impl IntoIterator<Item = &'a str>) -> Result<Vec<String>, String> {
    let mut kept: Vec<String> = Vec::new();
    for (i, plan) in plans.into_iter().enumerate() {
        let at = i + 1;
        let plan = check_line(plan, PLAN_NAME_MAX).map_err(|m| format!("plan {at}: {m}"))?;
        if plan.is_empty() || shows_nothing(plan) {
            return Err(format!("plan {at} is empty; give the plan's name, such as \"Medicaid (Ohio)\""));
        }
        if plan.contains(';') {
            return Err(format!("plan {at} ({plan:?}) contains ';', which separates plans; write one plan per entry"));
        }
        let lower = plan.to_lowercase();
        if !kept.iter().any(|k| k.to_lowercase() == lower) {
            kept.push(plan.to_owned());
        }
    }
    if kept.len() > PLANS_MAX {
        return Err(format!("names {} plans; a listing names at most {PLANS_MAX}", kept.len()));
    }
    Ok(kept)
}

/// Splits a `;`-separated list (the CSV column) into its plans, leaving out empty pieces.
pub fn split_plans(text: &str) -> impl Iterator<Item = &str> {
    text.split(';').filter(|p| !p.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_are_trimmed_and_kept_once_whatever_their_case() {
        let plans = check_plans([" Aetna ", "Medicaid (Ohio)", "AETNA", "medicaid (ohio)"]).unwrap();
        assert_eq!(plans, ["Aetna", "Medicaid (Ohio)"]);
        assert_eq!(check_plans(split_plans("Aetna;;Cigna ; ")).unwrap(), ["Aetna", "Cigna"]);
    }

    #[test]
    fn bad_plans_are_refused_naming_the_plan() {
        assert!(check_plans([""]).unwrap_err().contains("plan 1"));
        assert!(check_plans(["Aetna", "\u{200B}"]).unwrap_err().contains("plan 2"));
        assert!(check_plans(["A\tB"]).unwrap_err().contains("control character"));
        assert!(check_plans(["A;B"]).unwrap_err().contains("';'"));
        assert!(check_plans(["x".repeat(81).as_str()]).unwrap_err().contains("80"));
        assert!(check_plans(["x".repeat(80).as_str()]).is_ok());
        let many: Vec<String> = (0..41).map(|i| format!("Plan {i}")).collect();
        assert!(check_plans(many.iter().map(String::as_str)).unwrap_err().contains("at most 40"));
        assert_eq!(check_plans(many.iter().take(40).map(String::as_str)).unwrap().len(), 40);
        let repeated: Vec<String> =
            (0..41).map(|i| if i == 40 { "plan 0".to_owned() } else { format!("Plan {i}") }).collect();
        assert_eq!(check_plans(repeated.iter().map(String::as_str)).unwrap().len(), 40, "duplicates do not count");
    }
}
