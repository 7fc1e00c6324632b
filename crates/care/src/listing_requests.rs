//! "List your clinic": the public request form's fields checked into a stored request (the organisation's NPI
//! by its check digit), and a platform admin's approval, which lists the clinic as verified by the platform and
//! makes the request's contact its clinic admin, or decline with a reason. Nothing of a request is public before
//! its approval: the directory only ever reads the `clinics` table.

use ketapath_directory::geo::is_usps_code;
use ketapath_directory::listing::{check_https_url, check_us_phone, npi_is_valid};
use ketapath_directory::model::{Address, PositionSource};
use ketapath_directory::{Clinic, ClinicId, Gazetteer, Offer, Offers, Payments, Zip};
use ketapath_store::domain::{
    Actor, ListingRequest, ListingRequestId, NewListingRequest, NewStaffUser, Origin, RequestDelivery, Role, StaffUser,
    VERIFIED_BY_PLATFORM,
};
use ketapath_store::{Store, StoreResult};

use crate::clinic_time::ClinicTime;
use crate::listing::invalid;

/// The form's fields as typed (text as sent; the treatments as their codes).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RequestForm {
    pub name: String,
    pub street: String,
    pub city: String,
    pub state: String,
    pub zip: String,
    pub phone: String,
    pub website: String,
    pub offers: Vec<String>,
    pub rems_certified: bool,
    pub npi: String,
    pub contact_name: String,
    pub contact_email: String,
}

fn line(field: &'static str, text: &str, max: usize) -> StoreResult<String> {
    let text = text.trim();
    if text.is_empty() || ketapath_directory::text::shows_nothing(text) {
        return Err(invalid(field, "is required"));
    }
    if text.chars().count() > max || text.chars().any(char::is_control) {
        return Err(invalid(field, format!("must be one line of at most {max} characters")));
    }
    Ok(text.to_owned())
}

impl RequestForm {
    /// Checks every field; the first fault names its field and says what to do.
    pub fn check(&self) -> StoreResult<NewListingRequest> {
        let name = line("name", &self.name, 200)?;
        let street = line("street", &self.street, 200)?;
        let city = line("city", &self.city, 100)?;
        let state = self.state.trim().to_ascii_uppercase();
        if !is_usps_code(&state) {
            return Err(invalid("state", "choose the clinic's state (a two-letter code such as OH)"));
        }
        let zip = Zip::parse(&self.zip)
            .ok()
            .filter(|zip| Gazetteer::shipped().zip(zip).is_some())
            .ok_or_else(|| invalid("zip", "must be the clinic's five-digit US ZIP code"))?;
        let phone = check_us_phone(&self.phone)
            .map_err(|m| invalid("phone", m))?
            .ok_or_else(|| invalid("phone", "is required: the number patients call"))?;
        let website = check_https_url(&self.website).map_err(|m| invalid("website", m))?;
        let offers = self
            .offers
            .iter()
            .map(|code| Offer::parse(code.trim()).map_err(|m| invalid("offers", m)))
            .collect::<StoreResult<Offers>>()?;
        if offers.is_empty() {
            return Err(invalid("offers", "choose at least one treatment the clinic offers"));
        }
        let npi = self.npi.trim().to_owned();
        if !npi_is_valid(&npi) {
            return Err(invalid(
                "npi",
                "is not a valid NPI: the organisation's 10-digit National Provider Identifier (NPPES) fails its \
                 check digit; check it for a typing error",
            ));
        }
        let contact_name = line("contact_name", &self.contact_name, 200)?;
        let contact_email = line("contact_email", &self.contact_email, 254)?.to_ascii_lowercase();
        let at = contact_email.find('@');
        if at.is_none_or(|at| at == 0 || !contact_email[at + 1..].contains('.')) || contact_email.contains(' ') {
            return Err(invalid("contact_email", "must be an e-mail address such as name@clinic.org"));
        }
        Ok(NewListingRequest {
            name,
            street,
            city,
            state,
            zip: zip.as_str().to_owned(),
            phone,
            website,
            offers,
            rems_certified: self.rems_certified,
            npi,
            contact_name,
            contact_email,
        })
    }
}

/// Checks the form and stores the request (unless the platform's daily cap is reached).
pub async fn submit(store: &Store, form: &RequestForm, origin: &Origin) -> StoreResult<RequestDelivery> {
    let new = form.check()?;
    store.submit_listing_request(new, origin).await
}

/// The id an approved request's listing gets: its name in lower-case words joined by `-` (at most 40 characters),
/// then the last 8 hex digits of the request's id, so that two clinics of one name stay apart.
pub fn clinic_id_for(request: &ListingRequest) -> StoreResult<ClinicId> {
    let mut slug = String::new();
    for word in request.request.name.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()) {
        if slug.len() + word.len() + 1 > 40 {
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(&word.to_ascii_lowercase());
    }
    let hex = request.id.as_uuid().simple().to_string();
    let suffix = hex.get(hex.len() - 8..).unwrap_or(&hex);
    let id = if slug.is_empty() { format!("clinic-{suffix}") } else { format!("{slug}-{suffix}") };
    // Letters, digits and `-` only, at most 49 characters: a valid id by `ClinicId::parse`'s rule.
    ClinicId::parse(&id).map_err(|m| invalid("name", m))
}

/// The listing an approved request becomes: placed at its ZIP's centroid until the clinic gives its position,
/// verified today by the platform, accepting new patients; payment, languages and hours are the clinic's to add.
pub fn listing_of(request: &ListingRequest, today: time::Date) -> StoreResult<Clinic> {
    let r = &request.request;
    let zip = Zip::parse(&r.zip).map_err(|e| invalid("zip", e.to_string()))?;
    let place = Gazetteer::shipped()
        .zip(&zip)
        .ok_or_else(|| invalid("zip", "is not in the shipped ZIP data; the clinic cannot be placed"))?;
    Ok(Clinic {
        id: clinic_id_for(request)?,
        name: r.name.clone(),
        address: Address { street: r.street.clone(), city: r.city.clone(), state: r.state.clone(), zip: r.zip.clone() },
        position: place.position,
        position_source: PositionSource::ZipCentroid,
        phone: Some(r.phone.clone()),
        website: r.website.clone(),
        offers: r.offers,
        payment: Payments::EMPTY,
        insurance_plans: Vec::new(),
        telehealth: false,
        languages: Vec::new(),
        accepting_new_patients: true,
        rems_certified: r.rems_certified,
        last_verified: Some(today),
        verified_by: Some(VERIFIED_BY_PLATFORM.to_owned()),
        hours: Vec::new(),
        accessibility: Vec::new(),
        description: None,
        demo: false,
    })
}

/// What an approval made: the listing and the contact's new clinic-admin account (without a password yet).
#[derive(Debug, Clone)]
pub struct Approved {
    pub clinic: Clinic,
    pub admin: StaffUser,
}

/// Approves a pending request (platform admins only): lists the clinic and creates its admin in one transaction.
pub async fn approve(store: &Store, actor: &Actor, id: ListingRequestId) -> StoreResult<Approved> {
    let request = store.listing_request(actor, id).await?;
    let today = ClinicTime::for_state(&request.request.state).date_of(store.now());
    let clinic = listing_of(&request, today)?;
    let admin = NewStaffUser {
        clinic_id: Some(clinic.id.clone()),
        email: request.request.contact_email.clone(),
        display_name: request.request.contact_name.clone(),
        role: Role::ClinicAdmin,
        password_hash: None,
    };
    let admin = store.approve_listing_request(actor, id, &clinic, admin).await?;
    Ok(Approved { clinic, admin })
}

/// Declines a pending request with `reason` (platform admins only).
pub async fn decline(store: &Store, actor: &Actor, id: ListingRequestId, reason: &str) -> StoreResult<()> {
    if reason.chars().count() > 1000 {
        return Err(invalid("reason", "must be at most 1000 characters"));
    }
    store.decline_listing_request(actor, id, reason).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use ketapath_store::StoreError;

    fn form() -> RequestForm {
        RequestForm {
            name: "Lakeside Ketamine Care".to_owned(),
            street: "1 Main St".to_owned(),
            city: "Columbus".to_owned(),
            state: "oh".to_owned(),
            zip: "43215".to_owned(),
            phone: "614-555-0100".to_owned(),
            website: "https://lakeside.example.org".to_owned(),
            offers: vec!["esketamine_nasal".to_owned()],
            rems_certified: true,
            npi: "1234567893".to_owned(),
            contact_name: "Ada Admin".to_owned(),
            contact_email: "Ada@Lakeside.example.org".to_owned(),
        }
    }

    fn field(form: RequestForm) -> String {
        match form.check() {
            Err(StoreError::Invalid { field, .. }) => field,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn a_request_is_checked_field_by_field() {
        let ok = form().check().unwrap();
        assert_eq!((ok.state.as_str(), ok.contact_email.as_str()), ("OH", "ada@lakeside.example.org"));
        assert_eq!(field(RequestForm { npi: "1234567890".to_owned(), ..form() }), "npi");
        assert_eq!(field(RequestForm { zip: "00000".to_owned(), ..form() }), "zip");
        assert_eq!(field(RequestForm { offers: vec![], ..form() }), "offers");
        assert_eq!(field(RequestForm { website: "http://x.example".to_owned(), ..form() }), "website");
        assert_eq!(field(RequestForm { phone: String::new(), ..form() }), "phone");
        assert_eq!(field(RequestForm { contact_email: "ada".to_owned(), ..form() }), "contact_email");
        assert_eq!(field(RequestForm { name: " ".to_owned(), ..form() }), "name");
        assert_eq!(field(RequestForm { state: "XX".to_owned(), ..form() }), "state");
    }
}
