//! Safety: the contraindication and caution catalog, crisis triage with its resources, the lenient triage
//! pre-read of invalid input, and the crisis levels of every instrument's suicide item.
//!
//! Sources: `clinical.md` §3.3-3.6 (label contraindications, warnings, interactions), §2.1, §5 (crisis) and §8.4
//! (suicide items of other instruments).

pub mod conditions;
pub mod crisis;
pub mod pre_read;
pub mod suicide_items;

pub use conditions::{CONDITIONS, Condition, ConditionKind, parse_conditions};
pub use crisis::{Crisis, CrisisLevel, CrisisResource, triage};
pub use pre_read::triage_pre_read;
pub use suicide_items::{SuicideItemLevels, suicide_item_crisis};

use crate::rule::Rule;

/// The rules of this module.
pub fn rules() -> Vec<&'static Rule> {
    vec![
        &conditions::CONTRAINDICATION_RULE,
        &conditions::CAUTION_RULE,
        &crisis::TRIAGE_RULE,
        &crisis::RESOURCES_RULE,
        &suicide_items::RULE,
    ]
}
