//! Referrals from the public self-check: which clinics receive summaries, in the order a person chooses among them
//! (nearest first from the place they gave, else by name), and the submission of a summary with its contact
//! details. The page that asks and answers is `ketapath-web`'s `pages/check/send.rs`.

use ketapath_clinical::safety::crisis::CrisisLevel;
use ketapath_directory::model::Position;
use ketapath_directory::search::haversine_km;
use ketapath_directory::{Clinic, ClinicId};
use ketapath_store::domain::{NewReferral, PublicDelivery, ReferralSource, ReportedLevel};
use ketapath_store::{Store, StoreResult};

use crate::directory::Directory;

/// The clinics that receive summaries (an active clinic admin, prescriber or nurse account), as listings; those
/// missing from the directory are skipped.
pub async fn receiving(store: &Store, directory: &Directory) -> StoreResult<Vec<Clinic>> {
    let ids = store.receiving_clinics().await?;
    Ok(ids.iter().filter_map(|id| directory.clinic(id)).collect())
}

/// `clinics` in the order a person chooses among them: nearest to `origin` first with the distance in kilometres
/// (the search's own `haversine_km`), else by name; ties by id, so the order is the same on every request.
pub fn in_choice_order(clinics: &[Clinic], origin: Option<Position>) -> Vec<(&Clinic, Option<f64>)> {
    let mut listed: Vec<(&Clinic, Option<f64>)> =
        clinics.iter().map(|c| (c, origin.map(|o| haversine_km(o, c.position)))).collect();
    match origin {
        Some(_) => listed.sort_by(|a, b| a.1.unwrap_or(0.0).total_cmp(&b.1.unwrap_or(0.0)).then(a.0.id.cmp(&b.0.id))),
        None => listed.sort_by(|a, b| a.0.name.to_lowercase().cmp(&b.0.name.to_lowercase()).then(a.0.id.cmp(&b.0.id))),
    }
    listed
}

/// The contact details a person gave with their summary; the page's form checks them (at least one way to reach
/// them, no NUL character) before they get here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub message: Option<String>,
}

/// The level a referral carries from the crisis level its sender's answers gave: self-reported, so it filters the
/// clinic's inbox but never orders it.
pub fn reported_level(level: CrisisLevel) -> ReportedLevel {
    match level {
        CrisisLevel::Emergency => ReportedLevel::Emergency,
        CrisisLevel::Urgent => ReportedLevel::Urgent,
        CrisisLevel::None => ReportedLevel::Routine,
    }
}

/// Stores the summary (the versioned JSON the clinic's inbox shows) for `clinic` with the crisis level its answers
/// gave, audited with the channel (`public web`) instead of the sender's address; a repeat from the same contact
/// within 24 hours is merged, and over the clinic's daily cap nothing is stored
/// ([`Store::submit_public_referral`]). Not found or invalid when the clinic stopped receiving.
pub async fn submit(
    store: &Store,
    clinic: &ClinicId,
    contact: Contact,
    summary: serde_json::Value,
    level: CrisisLevel,
) -> StoreResult<PublicDelivery> {
    let new = NewReferral {
        source: ReferralSource::SelfCheck,
        contact_name: contact.name,
        contact_phone: contact.phone,
        contact_email: contact.email,
        message: contact.message,
        summary: Some(summary),
    };
    store.submit_public_referral(clinic, new, reported_level(level)).await
}
