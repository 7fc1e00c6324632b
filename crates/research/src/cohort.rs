//! Research cohorts. The induction cohort follows the published real-world IV ketamine study ORKA-1: an induction is
//! 4–8 infusions within 7–28 days.
//!
//! Source: `directory-and-interop.md` §d.4 (ORKA-1: "induction = 4–8 infusions over 7–28 days") and §d.5 ("ORKA
//! cohort definition is a good template for a reproducible research cohort"); McInnes et al., J Affect Disord [S4].
//! The paper's abstract does not say how days are counted, so this module fixes it (and `docs/research-export.md`
//! repeats it): days are calendar days in the session's own time zone, counted inclusively, so infusions on a
//! Monday and the next Monday span 8 days.

use ketapath_clinical::{Confidence, Rule};
use serde::Serialize;

use crate::model::{Modality, Session};

pub static INDUCTION_COHORT: Rule = Rule {
    id: "research.cohort.induction",
    version: 1,
    summary: "A course is in the induction cohort when its IV ketamine infusions within the first 28 calendar days \
              (counting the first infusion's day as day 1) number 4 to 8 and span at least 7 calendar days",
    source: "directory-and-interop.md §d.4 (ORKA-1 induction definition), §d.5 (ORKA as cohort template); \
             McInnes et al., J Affect Disord [S4]",
    confidence: Confidence::Secondary,
    configurable: true,
};

/// The research rules of this crate, in a stable order.
pub fn rules() -> Vec<&'static Rule> {
    vec![&INDUCTION_COHORT, &crate::stats::suppress::SMALL_CELL_SUPPRESSION]
}

/// The induction cohort's bounds; the defaults are ORKA-1's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct InductionCriteria {
    pub min_infusions: usize,
    pub max_infusions: usize,
    /// The shortest span, in calendar days counted inclusively, from the first to the last counted infusion.
    pub min_days: i64,
    /// The window, in calendar days counted inclusively from the first infusion, in which infusions are counted.
    pub max_days: i64,
}

impl Default for InductionCriteria {
    fn default() -> Self {
        Self { min_infusions: 4, max_infusions: 8, min_days: 7, max_days: 28 }
    }
}

/// Whether the sessions of one course make an induction under `criteria`. Only IV ketamine sessions count as
/// infusions; others are ignored, so a mixed course is judged on its infusions.
pub fn is_induction<'a>(sessions: impl IntoIterator<Item = &'a Session>, criteria: &InductionCriteria) -> bool {
    let mut days: Vec<time::Date> =
        sessions.into_iter().filter(|s| s.modality == Modality::IvKetamine).map(|s| s.started_at.date()).collect();
    days.sort();
    let Some(&first) = days.first() else {
        return false;
    };
    // Day number of each infusion, the first being day 1.
    let counted: Vec<i64> =
        days.iter().map(|d| (*d - first).whole_days() + 1).filter(|day| *day <= criteria.max_days).collect();
    let span = counted.last().copied().unwrap_or(0);
    (criteria.min_infusions..=criteria.max_infusions).contains(&counted.len()) && span >= criteria.min_days
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;
    use time::{Duration, OffsetDateTime};

    fn infusion(at: OffsetDateTime, modality: Modality) -> Session {
        Session {
            session_id: format!("s-{at}"),
            course_id: None,
            modality,
            dose_mg: Some(35.0),
            started_at: at,
            ended_at: None,
            observations: Vec::new(),
            bp_gate_checked: false,
            bp_gate_blocked: false,
            bp_gate_overridden: false,
            notes: None,
        }
    }

    fn on_days(days: &[i64], modality: Modality) -> Vec<Session> {
        let start = datetime!(2026-03-02 10:00 -5);
        days.iter().map(|d| infusion(start + Duration::days(d - 1), modality)).collect()
    }

    #[test]
    fn research_rules_cite_the_reference_and_are_configurable() {
        for rule in rules() {
            assert!(rule.source.contains("directory-and-interop.md §"), "{} cites no section", rule.id);
            assert!(rule.configurable, "{} is not configurable", rule.id);
            assert!(rule.id.starts_with("research."));
        }
    }

    #[test]
    fn orka_inductions_are_in_and_others_out() {
        let c = InductionCriteria::default();
        // Six infusions over 12 days: the typical induction.
        assert!(is_induction(&on_days(&[1, 3, 5, 8, 10, 12], Modality::IvKetamine), &c));
        // Monday to the next Monday is 8 calendar days counted inclusively: in.
        assert!(is_induction(&on_days(&[1, 3, 5, 8], Modality::IvKetamine), &c));
        // Four infusions within 6 days: too short.
        assert!(!is_induction(&on_days(&[1, 2, 4, 6], Modality::IvKetamine), &c));
        // Seven days exactly: in.
        assert!(is_induction(&on_days(&[1, 2, 4, 7], Modality::IvKetamine), &c));
        // Three infusions: too few.
        assert!(!is_induction(&on_days(&[1, 5, 10], Modality::IvKetamine), &c));
        // Nine infusions within 28 days: too many.
        assert!(!is_induction(&on_days(&[1, 3, 5, 8, 10, 12, 15, 17, 19], Modality::IvKetamine), &c));
        // Infusions after day 28 are maintenance and do not count.
        assert!(is_induction(&on_days(&[1, 3, 5, 8, 10, 12, 29, 40, 50], Modality::IvKetamine), &c));
        // Esketamine sessions are not infusions.
        assert!(!is_induction(&on_days(&[1, 3, 5, 8, 10, 12], Modality::EsketamineNasal), &c));
        assert!(!is_induction(&[], &c));
    }
}
