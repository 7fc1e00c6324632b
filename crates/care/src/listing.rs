//! The clinic's own listing (`PUT /api/v1/clinic/listing`, `/portal/clinic/listing`): a partial update in the
//! public record's shape, checked field by field by `ketapath_directory::listing`, stamped as verified today in
//! the clinic's calendar by the clinic (or by the platform, for a platform admin), and saved with the date of each
//! field it names, so that every server's index follows the store's change feed within seconds and a later
//! import cannot silently overwrite what the clinic verified.

use ketapath_directory::listing::ListingUpdate;
use ketapath_directory::{Clinic, ClinicId};
use ketapath_store::domain::{Actor, Role, VERIFIED_BY_CLINIC, VERIFIED_BY_PLATFORM};
use ketapath_store::{ListingAuthor, Store, StoreError, StoreResult};
use serde_json::Value;
use time::Date;

use crate::clinic_time::ClinicTime;

/// A refused field as the store's input error, which every edge maps to 400 naming the field.
pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> StoreError {
    StoreError::Invalid { field: field.into(), message: message.into() }
}

/// The clinic whose listing `actor` changes: a clinic admin's own (a `clinic` named in the request must be it),
/// any clinic a platform admin names. Other roles are refused before anything is read.
pub fn listing_clinic(actor: &Actor, named: Option<&str>) -> StoreResult<ClinicId> {
    match actor.role {
        Role::ClinicAdmin => {
            let own = actor.clinic_id.clone().ok_or(StoreError::NotFound { entity: "clinic" })?;
            match named {
                Some(other) if other != own.as_str() => Err(StoreError::NotFound { entity: "clinic" }),
                _ => Ok(own),
            }
        }
        Role::PlatformAdmin => match named {
            Some(id) => ClinicId::parse(id).map_err(|_| StoreError::NotFound { entity: "clinic" }),
            None => Err(StoreError::Denied(
                "a platform admin names the clinic whose listing to change with ?clinic=ID".to_owned(),
            )),
        },
        role => {
            Err(StoreError::Denied(format!("only the clinic's admins change its listing; the {role} role may not")))
        }
    }
}

/// Today in the clinic's calendar: its chosen time zone, else its state's.
async fn clinic_today(store: &Store, actor: &Actor, clinic: &Clinic) -> StoreResult<Date> {
    let chosen = match actor.role {
        Role::ClinicAdmin => store.for_clinic(actor).await?.time_zone().await?,
        _ => None,
    };
    let zone = chosen
        .and_then(|name| ClinicTime::named(&name).ok())
        .unwrap_or_else(|| ClinicTime::for_state(&clinic.address.state));
    Ok(zone.date_of(store.now()))
}

/// Reads `document` (any subset of the clinic's fields, in the public record's shape), applies it to the listing
/// of `clinic`, stamps it verified today by the clinic (`verified_by: "clinic"`; `"platform"` for a platform
/// admin) and saves it. Answers the listing as saved. A bad field is `StoreError::Invalid` naming it.
pub async fn update_listing(store: &Store, actor: &Actor, clinic: &ClinicId, document: &Value) -> StoreResult<Clinic> {
    let update = ListingUpdate::from_json(document).map_err(|e| invalid(e.field, e.message))?;
    save(store, actor, clinic, &update).await
}

/// Applies a checked update (the portal's form builds one) and saves it as [`update_listing`] does.
pub async fn save(store: &Store, actor: &Actor, clinic: &ClinicId, update: &ListingUpdate) -> StoreResult<Clinic> {
    let mut listing = store.clinic(clinic).await?.ok_or(StoreError::NotFound { entity: "clinic" })?;
    let fields = update.apply(&mut listing);
    listing.last_verified = Some(clinic_today(store, actor, &listing).await?);
    let by = if actor.role == Role::PlatformAdmin { VERIFIED_BY_PLATFORM } else { VERIFIED_BY_CLINIC };
    listing.verified_by = Some(by.to_owned());
    store.save_verified_listing(&listing, &fields, by, ListingAuthor::Staff(actor)).await?;
    Ok(listing)
}
