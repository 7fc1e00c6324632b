//! Listing problem reports from the public form, the change feed of clinic listings, and "List your clinic"
//! requests with what a platform admin decided.

use ketapath_directory::{Clinic, ClinicId, Offers};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{StaffId, code_enum, id_type};

id_type!(
    /// A listing report's id.
    ListingReportId
);

code_enum!(
    /// Whether a platform admin has dealt with a report.
    ReportStatus {
        Open => "open",
        Resolved => "resolved",
        Dismissed => "dismissed",
    }
);

/// A problem with a listing reported by a member of the public.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListingReport {
    pub id: ListingReportId,
    pub clinic_id: ClinicId,
    pub reported_at: OffsetDateTime,
    /// A short code from the form (`closed`, `wrong_phone`, `wrong_offers`, `other`, …).
    pub reason: String,
    pub details: Option<String>,
    pub contact: Option<String>,
    pub status: ReportStatus,
    pub resolved_at: Option<OffsetDateTime>,
    pub resolved_by: Option<StaffId>,
}

/// A report to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewListingReport {
    pub clinic_id: ClinicId,
    pub reason: String,
    pub details: Option<String>,
    pub contact: Option<String>,
}

/// One change to the listings.
#[derive(Debug, Clone, PartialEq)]
pub enum ClinicChange {
    Upserted(Box<Clinic>),
    Deleted(ClinicId),
}

/// The changes after a listing version, and the version they bring the reader to.
#[derive(Debug, Clone, PartialEq)]
pub struct ClinicChanges {
    pub changes: Vec<ClinicChange>,
    pub version: i64,
}

id_type!(
    /// A "List your clinic" request's id.
    ListingRequestId
);

code_enum!(
    /// Where a "List your clinic" request stands.
    RequestStatus {
        Pending => "pending",
        Approved => "approved",
        Declined => "declined",
    }
);

/// Who verified a listing's fields: the clinic itself, or a platform admin (shown on the public page as "by
/// KetaPath").
pub const VERIFIED_BY_CLINIC: &str = "clinic";
/// See [`VERIFIED_BY_CLINIC`].
pub const VERIFIED_BY_PLATFORM: &str = "platform";

/// Requests accepted from the public in 24 hours, all addresses together; past it nothing is stored, as past a
/// clinic's daily referral cap.
pub const LISTING_REQUEST_DAILY_CAP: u32 = 50;

/// A request to be listed, as a clinic sent it (checked by the care layer before it is stored).
#[derive(Debug, Clone, PartialEq)]
pub struct NewListingRequest {
    pub name: String,
    pub street: String,
    pub city: String,
    pub state: String,
    pub zip: String,
    pub phone: String,
    pub website: Option<String>,
    pub offers: Offers,
    pub rems_certified: bool,
    pub npi: String,
    pub contact_name: String,
    pub contact_email: String,
}

/// A stored request and what became of it.
#[derive(Debug, Clone, PartialEq)]
pub struct ListingRequest {
    pub id: ListingRequestId,
    pub received_at: OffsetDateTime,
    pub status: RequestStatus,
    pub request: NewListingRequest,
    pub decided_at: Option<OffsetDateTime>,
    pub decided_by: Option<StaffId>,
    pub decline_reason: Option<String>,
    pub clinic_id: Option<ClinicId>,
}

/// What became of a public request.
#[derive(Debug, Clone, PartialEq)]
pub enum RequestDelivery {
    Stored(ListingRequestId),
    /// The platform's daily cap was reached: nothing was stored.
    OverCap {
        cap: u32,
    },
}
