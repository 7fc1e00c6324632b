//! Safety: the contraindication and caution catalog, and crisis triage with its resources.
//!
//! Sources: `clinical.md` §3.3-3.6 (label contraindications, warnings, interactions) and §2.1, §5 (crisis).

pub mod conditions;
pub mod crisis;

pub use conditions::{CONDITIONS, Condition, ConditionKind, parse_conditions};
pub use crisis::{Crisis, CrisisLevel, CrisisResource, triage};

use crate::rule::Rule;

/// The rules of this module.
pub fn rules() -> Vec<&'static Rule> {
    vec![&conditions::CONTRAINDICATION_RULE, &conditions::CAUTION_RULE, &crisis::TRIAGE_RULE, &crisis::RESOURCES_RULE]
}
