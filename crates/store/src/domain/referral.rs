//! Referrals to a clinic and self-report links sent to patients.

use ketapath_clinical::instruments::Instrument;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{AssessmentId, PatientId, StaffId, code_enum, id_type};

id_type!(
    /// A referral's id.
    ReferralId
);
id_type!(
    /// A self-report link's id (not its secret).
    SelfReportLinkId
);
id_type!(
    /// A self-report alert's id.
    SelfReportAlertId
);

code_enum!(
    /// Who sent the referral.
    ReferralSource {
        SelfCheck => "self_check",
        Clinician => "clinician",
        Other => "other",
    }
);

impl ReferralSource {
    /// Who sent the referral, in words for the clinic's inbox.
    pub fn label(self) -> &'static str {
        match self {
            ReferralSource::SelfCheck => "the public self-check",
            ReferralSource::Clinician => "a clinician",
            ReferralSource::Other => "other",
        }
    }
}

code_enum!(
    /// Where a referral stands at the clinic.
    ReferralStatus {
        New => "new",
        Contacted => "contacted",
        Accepted => "accepted",
        Declined => "declined",
        Closed => "closed",
    }
);

/// A referral received by a clinic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Referral {
    pub id: ReferralId,
    pub received_at: OffsetDateTime,
    pub source: ReferralSource,
    pub status: ReferralStatus,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
    pub message: Option<String>,
    /// The self-check summary the person chose to send, as JSON.
    pub summary: Option<serde_json::Value>,
    /// The patient record made from this referral, once intake happened.
    pub patient_id: Option<PatientId>,
    pub updated_at: OffsetDateTime,
}

/// A referral to deliver to a clinic.
#[derive(Debug, Clone, PartialEq)]
pub struct NewReferral {
    pub source: ReferralSource,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
    pub message: Option<String>,
    pub summary: Option<serde_json::Value>,
}

/// A one-time link by which a patient enters an instrument's scores from home.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SelfReportLink {
    pub id: SelfReportLinkId,
    pub patient_id: PatientId,
    pub instrument: Instrument,
    /// Lower-case hex SHA-256 of the link's secret; the secret itself is never stored.
    pub token_hash: String,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub used_at: Option<OffsetDateTime>,
    pub created_by: Option<StaffId>,
    pub assessment_id: Option<AssessmentId>,
}

/// A self-report link to create.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSelfReportLink {
    pub patient_id: PatientId,
    pub instrument: Instrument,
    pub token_hash: String,
    pub expires_at: OffsetDateTime,
}

/// Where a self-report link stands, as the public page may show it: nothing about the patient or the clinic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkState {
    /// Unused and not expired: it can be answered once.
    Open { instrument: Instrument },
    /// Already answered.
    Used,
    /// Past its expiry without an answer.
    Expired,
}

/// The alert a returned self-report raises, as the web edge computed it from the answers
/// (`ketapath_clinical::measurement::self_report_alert`), to store with the assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSelfReportAlert {
    /// The crisis level's code: `urgent` or `emergency`.
    pub level: String,
    pub item9: u8,
    pub total: u16,
    /// The line for the clinic's dashboard; it carries scores only, never the patient's name.
    pub message: String,
}

/// A stored self-report alert, for the clinic's dashboard.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SelfReportAlert {
    pub id: SelfReportAlertId,
    pub patient_id: PatientId,
    pub link_id: SelfReportLinkId,
    pub assessment_id: AssessmentId,
    pub level: String,
    pub item9: u8,
    pub total: u16,
    pub message: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}
