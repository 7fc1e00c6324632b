//! The facts a listing shows both in a search result and on its own page, in words: one builder so the two
//! pages cannot describe the same clinic differently.

use ketapath_directory::Clinic;

use super::labels;
use crate::i18n::Tr;

/// Treatments, payment, telehealth, new patients, REMS certification and languages of one listing.
#[derive(Debug, Clone)]
pub struct ListingFacts {
    pub offers: Vec<String>,
    pub payment: Vec<String>,
    pub telehealth: bool,
    pub accepting: bool,
    pub rems_certified: bool,
    pub languages: String,
    /// The named insurance plans accepted, as the clinic wrote them, joined with commas.
    pub insurance_plans: String,
}

impl ListingFacts {
    /// The facts of `c` in `t`'s language.
    pub fn of(c: &Clinic, t: Tr) -> Self {
        ListingFacts {
            offers: c.offers.iter().map(|o| labels::offer(o, t)).collect(),
            payment: c.payment.iter().map(|p| labels::payment(p, t)).collect(),
            telehealth: c.telehealth,
            accepting: c.accepting_new_patients,
            rems_certified: c.rems_certified,
            languages: c.languages.iter().map(|l| labels::language(l.as_str(), t)).collect::<Vec<_>>().join(", "),
            insurance_plans: c.insurance_plans.join(", "),
        }
    }
}
