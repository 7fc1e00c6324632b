//! Alerts raised by observations charted during a session, and their acknowledgement by a staff member.

use serde::Serialize;
use time::OffsetDateTime;

use super::{PatientId, SessionId, StaffId, id_type};

id_type!(
    /// A session alert's id.
    SessionAlertId
);

/// An alert to store with the observation that raised it, as the clinical rules computed it
/// (`ketapath_clinical::protocols::alerts`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSessionAlert {
    /// `spo2_low`, `unresponsive`, `hypertensive_crisis_range`, `bp_above_gate`, `dissociation`, …
    pub code: String,
    /// `warning`, `urgent` or `emergency`.
    pub level: String,
    /// What staff should do; it carries values and never the patient's name.
    pub message: String,
    /// The rule that raised it, as `id@version`.
    pub rule: String,
    /// When the observation that raised it was taken.
    pub at: OffsetDateTime,
}

/// A stored session alert: open until a staff member acknowledges it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionAlert {
    pub id: SessionAlertId,
    pub session_id: SessionId,
    pub patient_id: PatientId,
    pub code: String,
    pub level: String,
    pub message: String,
    pub rule: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub acknowledged_by: Option<StaffId>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub acknowledged_at: Option<OffsetDateTime>,
}

impl SessionAlert {
    /// Whether a staff member has acknowledged it.
    pub fn is_acknowledged(&self) -> bool {
        self.acknowledged_at.is_some()
    }
}
