//! PLACEHOLDER: the safety rules, to be written.

use crate::rule::Rule;

/// The rules of this module.
pub fn rules() -> Vec<&'static Rule> {
    Vec::new()
}
