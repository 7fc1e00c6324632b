//! "List your clinic" requests: stored from the public form under a platform-wide daily cap, never in the
//! directory until a platform admin approves one (which lists the clinic and creates its first clinic admin in the
//! same transaction) or declines it with a reason. Every step is audited.

use ketapath_directory::{Clinic, Offers};

use crate::audited::{Audit, AuditEvents, AuditedTx, Auditor};
use crate::clinics::{next_listing_version, notify, upsert_sql};
use crate::clock::{from_micros, from_micros_opt};
use crate::db::{Tx, args};
use crate::domain::{
    Actor, LISTING_REQUEST_DAILY_CAP, ListingRequest, ListingRequestId, NewListingRequest, NewStaffUser, Origin,
    RequestDelivery, RequestStatus, Role, StaffId, StaffUser,
};
use crate::error::{StoreError, StoreResult};
use crate::rows::clinic::clinic_values;
use crate::rows::{parse_clinic_id, parse_code, parse_id, parse_id_opt};
use crate::statement::{Insert, Update};
use crate::store::Store;

const T: &str = "listing_requests";

/// 24 hours in microseconds, the window of the daily cap.
const DAY_MICROS: i64 = 24 * 60 * 60 * 1_000_000;

const COLUMNS: &str = "id, received_at, status, name, street, city, state, zip, phone, website, offers, \
     rems_certified, npi, contact_name, contact_email, decided_at, decided_by, decline_reason, clinic_id";

#[derive(Debug, sqlx::FromRow)]
struct RequestRow {
    id: String,
    received_at: i64,
    status: String,
    name: String,
    street: String,
    city: String,
    state: String,
    zip: String,
    phone: String,
    website: Option<String>,
    offers: i64,
    rems_certified: bool,
    npi: String,
    contact_name: String,
    contact_email: String,
    decided_at: Option<i64>,
    decided_by: Option<String>,
    decline_reason: Option<String>,
    clinic_id: Option<String>,
}

impl RequestRow {
    fn into_domain(self) -> StoreResult<ListingRequest> {
        let offers =
            u8::try_from(self.offers).map_err(|_| StoreError::corrupt(T, format!("offers {}", self.offers)))?;
        Ok(ListingRequest {
            id: parse_id(T, &self.id, ListingRequestId)?,
            received_at: from_micros(T, self.received_at)?,
            status: parse_code(T, &self.status, RequestStatus::parse)?,
            request: NewListingRequest {
                name: self.name,
                street: self.street,
                city: self.city,
                state: self.state,
                zip: self.zip,
                phone: self.phone,
                website: self.website,
                offers: Offers::from_bits(offers),
                rems_certified: self.rems_certified,
                npi: self.npi,
                contact_name: self.contact_name,
                contact_email: self.contact_email,
            },
            decided_at: from_micros_opt(T, self.decided_at)?,
            decided_by: parse_id_opt(T, self.decided_by.as_deref(), StaffId)?,
            decline_reason: self.decline_reason,
            clinic_id: self.clinic_id.as_deref().map(|c| parse_clinic_id(T, c)).transpose()?,
        })
    }
}

fn platform_admin_only(by: &Actor) -> StoreResult<()> {
    if by.role == Role::PlatformAdmin {
        Ok(())
    } else {
        Err(StoreError::Denied("only platform admins review listing requests".to_owned()))
    }
}

/// The pending request `id` inside `tx`; a decided one is a conflict (decided twice), a missing one not found.
async fn pending(tx: &mut Tx, id: ListingRequestId) -> StoreResult<ListingRequest> {
    let row: Option<RequestRow> =
        tx.fetch_optional(&format!("SELECT {COLUMNS} FROM {T} WHERE id = $1"), &args![id.to_text()]).await?;
    let request = row.ok_or(StoreError::NotFound { entity: "listing request" })?.into_domain()?;
    if request.status != RequestStatus::Pending {
        return Err(StoreError::Conflict(format!("the listing request was already {}", request.status)));
    }
    Ok(request)
}

impl Store {
    /// Stores a request from the public form, unless the platform has received [`LISTING_REQUEST_DAILY_CAP`]
    /// requests in the last 24 hours (then nothing is stored and no event written). Audited as the public channel
    /// from `origin`.
    pub async fn submit_listing_request(
        &self,
        new: NewListingRequest,
        origin: &Origin,
    ) -> StoreResult<RequestDelivery> {
        let mut tx = AuditedTx::begin(self, Auditor::public("public", None, origin.as_str())).await?;
        let now = tx.now();
        let (received,): (i64,) = tx
            .fetch_one(&format!("SELECT COUNT(*) FROM {T} WHERE received_at >= $1"), &args![now - DAY_MICROS])
            .await?;
        if received >= i64::from(LISTING_REQUEST_DAILY_CAP) {
            return Ok(RequestDelivery::OverCap { cap: LISTING_REQUEST_DAILY_CAP });
        }
        let id = ListingRequestId::new(from_micros(T, now)?);
        Insert::into(T)
            .value("id", id.to_text())
            .value("received_at", now)
            .value("status", RequestStatus::Pending.code())
            .value("name", new.name)
            .value("street", new.street)
            .value("city", new.city)
            .value("state", new.state)
            .value("zip", new.zip)
            .value("phone", new.phone)
            .value("website", new.website)
            .value("offers", i64::from(new.offers.bits()))
            .value("rems_certified", new.rems_certified)
            .value("npi", new.npi)
            .value("contact_name", new.contact_name)
            .value("contact_email", new.contact_email)
            .value("decided_at", None::<i64>)
            .value("decided_by", None::<String>)
            .value("decline_reason", None::<String>)
            .value("clinic_id", None::<String>)
            .execute(tx.db())
            .await?;
        tx.commit_with(Audit::create("listing_request", id.to_text())).await?;
        Ok(RequestDelivery::Stored(id))
    }

    /// The requests with `status`, oldest first (platform admins only).
    pub async fn listing_requests(&self, by: &Actor, status: RequestStatus) -> StoreResult<Vec<ListingRequest>> {
        platform_admin_only(by)?;
        let mut tx = self.begin_read().await?;
        let sql = format!("SELECT {COLUMNS} FROM {T} WHERE status = $1 ORDER BY received_at, id");
        tx.fetch_decoded(&sql, &args![status.code()], RequestRow::into_domain).await
    }

    /// One request (platform admins only).
    pub async fn listing_request(&self, by: &Actor, id: ListingRequestId) -> StoreResult<ListingRequest> {
        platform_admin_only(by)?;
        let mut tx = self.begin_read().await?;
        let row: Option<RequestRow> =
            tx.fetch_optional(&format!("SELECT {COLUMNS} FROM {T} WHERE id = $1"), &args![id.to_text()]).await?;
        row.ok_or(StoreError::NotFound { entity: "listing request" })?.into_domain()
    }

    /// Approves a pending request in one transaction: lists `clinic` (a new id; the change feed's next version),
    /// creates `admin` (the request's contact, a clinic admin of it, without a password until they set one), and
    /// marks the request approved. Returns the new account.
    pub async fn approve_listing_request(
        &self,
        by: &Actor,
        id: ListingRequestId,
        clinic: &Clinic,
        admin: NewStaffUser,
    ) -> StoreResult<StaffUser> {
        platform_admin_only(by)?;
        if admin.role != Role::ClinicAdmin || admin.clinic_id.as_ref() != Some(&clinic.id) {
            return Err(StoreError::invalid("role", "an approved request's contact becomes its clinic's admin"));
        }
        let mut tx = AuditedTx::begin(self, Auditor::staff(by).without_clinic()).await?;
        let now = tx.now();
        pending(tx.db(), id).await?;
        let (taken,): (i64,) =
            tx.fetch_one("SELECT COUNT(*) FROM clinics WHERE id = $1", &args![clinic.id.as_str()]).await?;
        if taken > 0 {
            return Err(StoreError::Conflict(format!("a listing with the id {} exists", clinic.id)));
        }
        let version = next_listing_version(tx.db()).await?;
        let sql = upsert_sql(tx.db().kind(), 1);
        tx.execute(&sql, &clinic_values(clinic, version, now)?).await?;
        let user = crate::auth::insert_staff(tx.db(), now, &admin).await?;
        Update::table(T)
            .set("status", RequestStatus::Approved.code())
            .set("decided_at", now)
            .set("decided_by", by.user_id.to_text())
            .set("clinic_id", clinic.id.as_str())
            .filter("id", id.to_text())
            .execute_one(tx.db(), "listing request")
            .await?;
        notify(tx.db(), version).await?;
        let in_clinic = Some(clinic.id.as_str());
        let events = AuditEvents::from(Audit::update("listing_request", id.to_text()))
            .then(Audit::create("clinic", clinic.id.as_str()).in_clinic(in_clinic))
            .then(Audit::create("staff_user", user.id.to_text()).in_clinic(in_clinic));
        tx.commit_with(events).await?;
        Ok(user)
    }

    /// Declines a pending request with the reason the platform admin gives (kept with the request, audited).
    pub async fn decline_listing_request(&self, by: &Actor, id: ListingRequestId, reason: &str) -> StoreResult<()> {
        platform_admin_only(by)?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(StoreError::invalid("reason", "say why the request is declined"));
        }
        let mut tx = AuditedTx::begin(self, Auditor::staff(by).without_clinic()).await?;
        let now = tx.now();
        pending(tx.db(), id).await?;
        Update::table(T)
            .set("status", RequestStatus::Declined.code())
            .set("decided_at", now)
            .set("decided_by", by.user_id.to_text())
            .set("decline_reason", reason)
            .filter("id", id.to_text())
            .execute_one(tx.db(), "listing request")
            .await?;
        tx.commit_with(Audit::update("listing_request", id.to_text())).await
    }
}
