//! The facts a listing shows both in a search result and on its own page, in words: one builder so the two
//! pages cannot describe the same clinic differently.

use ketapath_directory::Clinic;

use super::labels;

/// Treatments, payment, telehealth, new patients, REMS certification and languages of one listing.
#[derive(Debug, Clone)]
pub struct ListingFacts {
    pub offers: Vec<&'static str>,
    pub payment: Vec<&'static str>,
    pub telehealth: bool,
    pub accepting: bool,
    pub rems_certified: bool,
    pub languages: String,
    /// The named insurance plans accepted, as the clinic wrote them, joined with commas.
    pub insurance_plans: String,
}

impl ListingFacts {
    pub fn of(c: &Clinic) -> Self {
        ListingFacts {
            offers: c.offers.iter().map(labels::offer).collect(),
            payment: c.payment.iter().map(labels::payment).collect(),
            telehealth: c.telehealth,
            accepting: c.accepting_new_patients,
            rems_certified: c.rems_certified,
            languages: c.languages.iter().map(|l| labels::language(l.as_str())).collect::<Vec<_>>().join(", "),
            insurance_plans: c.insurance_plans.join(", "),
        }
    }
}
