//! Domain types of the store: what callers pass in and get back, separate from the row types in `rows/`.
//!
//! Ids are UUIDv7 (time-ordered) wrapped in one newtype per entity so that a patient id cannot be passed where
//! a session id is expected. Closed vocabularies are enums with stable snake_case codes, which is also how
//! they are stored.

pub mod assessment;
pub mod audit;
pub mod care;
pub mod history;
pub mod listing;
pub mod overview;
pub mod patient;
pub mod referral;
pub mod research;
pub mod review;
pub mod session_alert;
pub mod sign_in;
pub mod staff;
pub mod treatment;

use time::OffsetDateTime;
use uuid::Uuid;

/// Declares an id newtype over a UUIDv7.
macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub uuid::Uuid);

        impl $name {
            /// A new UUIDv7 stamped with `at` (the store's injected clock, never the system clock directly).
            pub fn new(at: time::OffsetDateTime) -> Self {
                $name($crate::domain::uuid_v7(at))
            }

            /// Parses the hyphenated form; the error names the field.
            pub fn parse(field: &str, raw: &str) -> Result<Self, $crate::error::StoreError> {
                uuid::Uuid::parse_str(raw)
                    .map($name)
                    .map_err(|e| $crate::error::StoreError::invalid(field, format!("{raw:?} is not a UUID: {e}")))
            }

            pub fn as_uuid(&self) -> uuid::Uuid {
                self.0
            }

            /// The stored text form (hyphenated, lower case).
            pub fn to_text(&self) -> String {
                self.0.hyphenated().to_string()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }
    };
}
pub(crate) use id_type;

/// Declares a closed vocabulary with stable codes.
macro_rules! code_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $code:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// Parses a code; the error names the vocabulary in lower-case words (`unknown role "doctor"`) and
            /// lists the codes to use instead.
            pub fn parse(code: &str) -> Result<Self, String> {
                match code {
                    $($code => Ok($name::$variant),)+
                    other => Err(format!(
                        "unknown {} {:?}: use one of {}",
                        $crate::domain::vocabulary_words(stringify!($name)),
                        other,
                        Self::ALL.iter().map(|c| c.code()).collect::<Vec<_>>().join(", ")
                    )),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}
pub(crate) use code_enum;

/// A vocabulary's type name as lower-case words for messages: `AssessmentSource` becomes `assessment source`.
pub(crate) fn vocabulary_words(type_name: &str) -> String {
    let mut words = String::with_capacity(type_name.len() + 4);
    for (i, c) in type_name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            words.push(' ');
        }
        words.push(c.to_ascii_lowercase());
    }
    words
}

/// A UUIDv7 whose timestamp is `at`; the random part comes from the uuid crate's generator.
pub(crate) fn uuid_v7(at: OffsetDateTime) -> Uuid {
    let nanos = at.unix_timestamp_nanos().max(0);
    let secs = u64::try_from(nanos / 1_000_000_000).unwrap_or(0);
    let subsec = u32::try_from(nanos % 1_000_000_000).unwrap_or(0);
    Uuid::new_v7(uuid::Timestamp::from_unix(uuid::NoContext, secs, subsec))
}

pub use assessment::{Assessment, AssessmentContext, AssessmentId, AssessmentSource, NewAssessment};
pub use audit::{AuditAction, AuditEvent};
pub use care::{
    CoursePlan, Discharge, DosedSession, Gate, GateOverride, GateOverrideId, Intake, IntakeId, NewGateOverride,
    ProtocolSettingsDoc, RemsFormDraft, RemsFormDraftId, RemsFormId, RemsFormRecord,
};
pub use history::{PastAdverseEvent, PastAssessment, PastDose, PastSession, PastTreatment};
pub use listing::{ClinicChange, ClinicChanges, ListingReport, ListingReportId, NewListingReport, ReportStatus};
pub use listing::{
    LISTING_REQUEST_DAILY_CAP, ListingRequest, ListingRequestId, NewListingRequest, RequestDelivery, RequestStatus,
    VERIFIED_BY_CLINIC, VERIFIED_BY_PLATFORM,
};
pub use overview::{DaySession, OpenCourse, PatientCareFacts, PatientStatus};
pub use patient::{LatestScore, NewPatient, Patient, PatientId, PatientMatch, PatientSummary, PatientUpdate};
pub use referral::{
    DEFAULT_REFERRAL_DAILY_CAP, LinkState, MAX_REFERRAL_DAILY_CAP, NewReferral, NewSelfReportAlert, NewSelfReportLink,
    PublicDelivery, Referral, ReferralFilter, ReferralId, ReferralPage, ReferralSource, ReferralStatus, ReportedLevel,
    SelfReportAlert, SelfReportAlertId, SelfReportLink, SelfReportLinkId, email_key, phone_key,
};
pub use research::{ConsentRecord, ConsentRecordId, OutcomePublication, PatientAddress};
pub use review::{BenefitReview, BenefitReviewId, CourseIndication, NewBenefitReview, ReviewDecision};
pub use session_alert::{NewSessionAlert, SessionAlert, SessionAlertId};
pub use sign_in::{
    ClinicSecurity, LockoutPolicy, NewStaffSignIn, SignInAccount, SignInFailures, StaffSignIn, StaffSignInId,
    StoredTotpKey, TotpEnrollment, TotpKeyChange,
};
pub use staff::{
    Actor, ApiToken, ApiTokenId, NewApiToken, NewStaffUser, Origin, PasswordLink, PasswordLinkId, PasswordLinkState,
    Role, StaffAccount, StaffId, StaffUser,
};
pub use treatment::{
    AdverseEvent, AdverseEventId, AeSeverity, Course, CourseId, CourseStatus, DoseId, DoseRecord, Measurement,
    NewAdverseEvent, NewCourse, NewDose, NewObservation, NewTreatmentSession, Observation, ObservationId, SessionId,
    SessionStatus, TreatmentSession, TreatmentSessionDetail, TreatmentSessionUpdate,
};

#[cfg(test)]
mod tests {
    use super::Role;

    #[test]
    fn an_unknown_code_is_named_in_lower_case_with_the_codes_to_use() {
        let message = Role::parse("doctor").unwrap_err();
        assert!(message.starts_with("unknown role \"doctor\": use one of platform_admin, clinic_admin, "), "{message}");
        assert_eq!(super::vocabulary_words("AssessmentSource"), "assessment source");
    }
}
