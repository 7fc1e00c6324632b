//! The `session_alerts` rows.

use super::{parse_id, parse_id_opt};
use crate::clock::{from_micros, from_micros_opt};
use crate::domain::{PatientId, SessionAlert, SessionAlertId, SessionId, StaffId};
use crate::error::StoreResult;

pub(crate) const SESSION_ALERT_COLUMNS: &str =
    "id, session_id, patient_id, code, level, message, rule, at, acknowledged_by, acknowledged_at";

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct SessionAlertRow {
    pub id: String,
    pub session_id: String,
    pub patient_id: String,
    pub code: String,
    pub level: String,
    pub message: String,
    pub rule: String,
    pub at: i64,
    pub acknowledged_by: Option<String>,
    pub acknowledged_at: Option<i64>,
}

impl SessionAlertRow {
    pub(crate) fn into_domain(self) -> StoreResult<SessionAlert> {
        const T: &str = "session_alerts";
        Ok(SessionAlert {
            id: parse_id(T, &self.id, SessionAlertId)?,
            session_id: parse_id(T, &self.session_id, SessionId)?,
            patient_id: parse_id(T, &self.patient_id, PatientId)?,
            code: self.code,
            level: self.level,
            message: self.message,
            rule: self.rule,
            at: from_micros(T, self.at)?,
            acknowledged_by: parse_id_opt(T, self.acknowledged_by.as_deref(), StaffId)?,
            acknowledged_at: from_micros_opt(T, self.acknowledged_at)?,
        })
    }
}
