//! Research consent: recorded per patient (given or withdrawn, with its date); only patients whose consent
//! stands on the export date leave the clinic's data.

use serde::{Deserialize, Serialize};
use time::Date;

/// The patient's latest research-consent decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentStatus {
    Given,
    Withdrawn,
}

/// The latest research-consent record of a patient: what was decided and on which date.
///
/// The store keeps the history; this crate only needs the decision in force, because a withdrawal ends every
/// later use whatever came before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Consent {
    pub status: ConsentStatus,
    pub date: Date,
}

impl Consent {
    pub fn given(date: Date) -> Self {
        Self { status: ConsentStatus::Given, date }
    }

    pub fn withdrawn(date: Date) -> Self {
        Self { status: ConsentStatus::Withdrawn, date }
    }
}

/// Whether a patient's data may be used for research on `as_of` (the export or registry date).
///
/// Only a consent given on or before `as_of` counts. A withdrawal always excludes: one dated on or before `as_of`
/// obviously, and one dated after it too, because the latest decision is a withdrawal and a record dated in the
/// future (clock skew, a back-dated export) must not re-include someone who said no. A consent given after
/// `as_of` excludes, because it was not in force on that date.
pub fn eligible(consent: &Consent, as_of: Date) -> bool {
    match consent.status {
        ConsentStatus::Given => consent.date <= as_of,
        ConsentStatus::Withdrawn => false,
    }
}

/// Whether an optional consent record allows research use: no record means no consent.
pub fn eligible_opt(consent: Option<&Consent>, as_of: Date) -> bool {
    consent.is_some_and(|c| eligible(c, as_of))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn given_on_or_before_the_date_is_eligible() {
        assert!(eligible(&Consent::given(date!(2026 - 01 - 10)), date!(2026 - 01 - 10)));
        assert!(eligible(&Consent::given(date!(2026 - 01 - 09)), date!(2026 - 01 - 10)));
    }

    #[test]
    fn given_after_the_date_is_not_eligible() {
        assert!(!eligible(&Consent::given(date!(2026 - 01 - 11)), date!(2026 - 01 - 10)));
    }

    #[test]
    fn withdrawn_is_never_eligible() {
        assert!(!eligible(&Consent::withdrawn(date!(2026 - 01 - 10)), date!(2026 - 01 - 10)));
        assert!(!eligible(&Consent::withdrawn(date!(2026 - 01 - 01)), date!(2026 - 01 - 10)));
        assert!(!eligible(&Consent::withdrawn(date!(2026 - 02 - 01)), date!(2026 - 01 - 10)));
    }

    #[test]
    fn no_record_is_no_consent() {
        assert!(!eligible_opt(None, date!(2026 - 01 - 10)));
    }
}
