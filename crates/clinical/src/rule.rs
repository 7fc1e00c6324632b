//! Rule identity: every clinical rule and data table has an id, a version, a source and a confidence tag.
//!
//! Why: a computed clinical result (a severity band, a TRD status, a response) is only auditable if we can
//! say which rule, at which version, produced it. Results therefore carry a [`RuleRef`], and the whole set
//! of rules is identified by [`RULES_VERSION`], which a test ties to the catalog so that changing any rule's
//! version without bumping the set's version fails the build.

use serde::Serialize;

/// The version of the whole rule set, printed as `rules_version` in every output.
///
/// Bump it whenever a rule is added, removed or changes version; `rule::tests::rules_version_matches_catalog`
/// fails until the fingerprint below is updated with it.
pub const RULES_VERSION: &str = "2026.12.1";

/// Fingerprint of the `(id, version)` catalog that [`RULES_VERSION`] names. Recomputed by the test.
pub const RULES_FINGERPRINT: &str = "6424251f885a4cfe";

/// How well the fact behind a rule is established (`reference/clinical.md`, "Confidence tags").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// [C] Confirmed in a primary source or a close copy of one.
    Confirmed,
    /// [S] Secondary source only: keep it configurable and say so.
    Secondary,
    /// [U] Unverified: never a hard gate; a clinic-configurable default shown as unverified.
    Unverified,
}

impl Confidence {
    /// The tag as `clinical.md` writes it.
    pub fn tag(self) -> &'static str {
        match self {
            Confidence::Confirmed => "C",
            Confidence::Secondary => "S",
            Confidence::Unverified => "U",
        }
    }
}

/// A clinical rule or data table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// Stable dotted identifier, for example `phq9.severity`.
    pub id: &'static str,
    /// Incremented whenever the rule's behaviour changes.
    pub version: u32,
    /// One sentence on what the rule decides.
    pub summary: &'static str,
    /// Section of `reference/clinical.md` (or `directory-and-interop.md`) and the primary source.
    pub source: &'static str,
    pub confidence: Confidence,
    /// Whether a clinic may change the rule's values. [U] and [S] rules must be configurable.
    pub configurable: bool,
}

impl Rule {
    /// The reference that results carry.
    pub const fn reference(&self) -> RuleRef {
        RuleRef { id: self.id, version: self.version }
    }
}

/// Which rule, at which version, produced a result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleRef {
    pub id: &'static str,
    pub version: u32,
}

impl std::fmt::Display for RuleRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}@{}", self.id, self.version)
    }
}

/// Every rule of the crate, in a stable order.
pub fn catalog() -> Vec<&'static Rule> {
    let mut all = Vec::new();
    all.extend(crate::instruments::rules());
    all.extend(crate::trd::rules());
    all.extend(crate::safety::rules());
    all.extend(crate::screen::rules());
    all.extend(crate::protocols::rules());
    all.extend(crate::outcomes::rules());
    all.extend(crate::rems::rules());
    all.extend(crate::measurement::rules());
    all
}

/// Looks a rule up by id.
pub fn find(id: &str) -> Option<&'static Rule> {
    catalog().into_iter().find(|r| r.id == id)
}

/// A short, stable fingerprint of the catalog's ids and versions (FNV-1a, 64 bits, hex).
///
/// Not a security hash: it only has to change when the catalog does.
pub fn fingerprint() -> String {
    let mut ids: Vec<String> = catalog().iter().map(|r| format!("{}@{}", r.id, r.version)).collect();
    ids.sort();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in ids.join("\n").bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn rule_ids_are_unique() {
        let mut seen = HashSet::new();
        for rule in catalog() {
            assert!(seen.insert(rule.id), "duplicate rule id {}", rule.id);
        }
    }

    #[test]
    fn every_rule_cites_a_reference_section() {
        for rule in catalog() {
            assert!(
                rule.source.contains("clinical.md §") || rule.source.contains("directory-and-interop.md §"),
                "rule {} does not cite a section of the reference: {:?}",
                rule.id,
                rule.source
            );
            assert!(rule.version >= 1, "rule {} has version 0", rule.id);
        }
    }

    #[test]
    fn unverified_and_secondary_rules_are_configurable() {
        for rule in catalog() {
            if rule.confidence != Confidence::Confirmed {
                assert!(rule.configurable, "rule {} is [{}] but not configurable", rule.id, rule.confidence.tag());
            }
        }
    }

    #[test]
    fn rules_version_matches_catalog() {
        assert_eq!(
            RULES_FINGERPRINT,
            fingerprint(),
            "the rule catalog changed: bump RULES_VERSION and set RULES_FINGERPRINT to the new value"
        );
    }
}
