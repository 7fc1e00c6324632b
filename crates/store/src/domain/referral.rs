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

code_enum!(
    /// The crisis level a referral's sender reported through their own self-check answers. Nothing checks it: it
    /// filters the inbox and is shown as reported, but never moves a referral up (a forged "emergency" would).
    ReportedLevel {
        Emergency => "emergency",
        Urgent => "urgent",
        Routine => "none",
    }
);

/// The platform's default cap on referrals from the public self-check that one clinic receives in 24 hours, for a
/// clinic that has not set its own ([`crate::ClinicScope::set_referral_daily_cap`]).
pub const DEFAULT_REFERRAL_DAILY_CAP: u32 = 20;

/// The highest cap a clinic may set: above it the cap would no longer bound a flood.
pub const MAX_REFERRAL_DAILY_CAP: u32 = 1000;

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
    /// The crisis level the sender's answers gave: self-reported, never verified.
    pub reported_level: ReportedLevel,
    /// How many times the same contact sent this clinic a referral within 24 hours of this one (1: once).
    pub times_sent: u32,
    /// When the same contact last sent it again, if they did.
    pub sent_again_at: Option<OffsetDateTime>,
}

/// What became of a referral sent from the public self-check. The sender is shown the same page for
/// `Created` and `Merged`, so that nobody can learn from it whether someone else already wrote to the clinic.
#[derive(Debug, Clone, PartialEq)]
pub enum PublicDelivery {
    /// A new entry in the clinic's inbox.
    Created(Referral),
    /// The same contact sent this clinic a referral within 24 hours: that entry is marked "sent again" instead.
    Merged(Referral),
    /// The clinic has received `cap` public referrals in the last 24 hours: nothing was stored.
    OverCap { cap: u32 },
}

/// Which referrals an inbox page shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReferralFilter {
    pub status: Option<ReferralStatus>,
    pub level: Option<ReportedLevel>,
}

/// One page of a clinic's referrals, newest first, with the number of referrals the filter matches in all.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferralPage {
    pub referrals: Vec<Referral>,
    pub total: u64,
}

/// The form of an e-mail address that two sendings by one person share: trimmed and in lower case.
pub fn email_key(email: &str) -> Option<String> {
    let key = email.trim().to_lowercase();
    (!key.is_empty()).then_some(key)
}

/// The form of a phone number that two sendings by one person share: its digits, without the North American
/// country code 1 in front of ten digits, so that "+1 (555) 010-0123" and "555.010.0123" are one number.
pub fn phone_key(phone: &str) -> Option<String> {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let key = match digits.strip_prefix('1') {
        Some(rest) if rest.len() == 10 => rest.to_owned(),
        _ => digits,
    };
    (!key.is_empty()).then_some(key)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_contact_written_two_ways_has_one_key() {
        assert_eq!(email_key(" Robin@Example.ORG "), email_key("robin@example.org"));
        assert_eq!(phone_key("+1 (555) 010-0123"), phone_key("555.010.0123"));
        assert_eq!(phone_key("555.010.0123").as_deref(), Some("5550100123"));
        assert_ne!(phone_key("020 7946 0000"), phone_key("1 020 7946 000"));
        assert_eq!(phone_key("()"), None);
        assert_eq!(email_key("  "), None);
    }
}
