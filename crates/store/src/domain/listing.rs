//! Listing problem reports from the public form, and the change feed of clinic listings.

use ketapath_directory::{Clinic, ClinicId};
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
