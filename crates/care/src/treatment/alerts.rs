//! Session alerts: each charted observation is checked by the clinical rules
//! (`ketapath_clinical::protocols::alerts`), the alerts it raises are stored with it, and a staff member
//! acknowledges them (who and when are kept, audited by the store).

use ketapath_clinical::protocols::{AlertContext, AlertLevel, CrisisSymptom, Observation, alerts_for};
use ketapath_store::ClinicScope;
use ketapath_store::domain::{NewSessionAlert, SessionAlert, SessionAlertId, SessionId, StaffId};
use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;

use super::TreatmentResult;
use super::session::Loaded;

/// The alerts an observation about to be charted on `loaded` raises, ready to store with it.
pub fn raised(loaded: &Loaded, observation: &Observation, symptoms: &[CrisisSymptom]) -> Vec<NewSessionAlert> {
    let context = AlertContext::of(loaded.modality, loaded.first_dose_at, &loaded.observations, &loaded.settings);
    alerts_for(observation, symptoms, &context)
        .into_iter()
        .map(|a| NewSessionAlert {
            code: a.code.code().to_owned(),
            level: a.level.code().to_owned(),
            message: a.message,
            rule: a.rule.to_string(),
            at: a.at,
        })
        .collect()
}

/// Orders alerts for the pages: open ones before acknowledged ones, the most serious level first, then the newest.
pub fn most_serious_first(alerts: &mut [SessionAlert]) {
    alerts.sort_by_key(|a| {
        (a.is_acknowledged(), std::cmp::Reverse(AlertLevel::parse(&a.level)), std::cmp::Reverse(a.at))
    });
}

/// A session's alerts, acknowledged ones included, in the order they were raised.
pub async fn of_session(scope: &ClinicScope, session: SessionId) -> TreatmentResult<Vec<SessionAlert>> {
    Ok(scope.session_alerts(session).await?)
}

/// Acknowledges an alert of a session as the acting staff member.
pub async fn acknowledge(
    scope: &ClinicScope,
    session: SessionId,
    alert: SessionAlertId,
) -> TreatmentResult<SessionAlert> {
    Ok(scope.acknowledge_session_alert(session, alert).await?)
}

/// An alert as the API shows it: the contract's `code`, `level`, `message`, `rule` and `at`, with its `id` and
/// who acknowledged it when (`null` while it is open). The fields stand in alphabetical order, the order this
/// answer had when it was built as a JSON map.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = SessionAlert)]
pub struct AlertDoc {
    #[schema(value_type = Option<String>, format = DateTime, required = true)]
    #[serde(with = "time::serde::rfc3339::option")]
    pub acknowledged_at: Option<OffsetDateTime>,
    #[schema(value_type = Option<String>, required = true)]
    pub acknowledged_by: Option<StaffId>,
    #[schema(value_type = String, format = DateTime)]
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub code: String,
    #[schema(value_type = String)]
    pub id: SessionAlertId,
    #[schema(schema_with = alert_levels)]
    pub level: String,
    pub message: String,
    /// The rule that raised it, as id@version
    pub rule: String,
}

/// The alert levels, least serious first.
fn alert_levels() -> utoipa::openapi::schema::ObjectBuilder {
    crate::openapi::codes([AlertLevel::Warning, AlertLevel::Urgent, AlertLevel::Emergency].map(AlertLevel::code))
}

/// An alert as the API shows it.
pub fn json(alert: &SessionAlert) -> AlertDoc {
    AlertDoc {
        acknowledged_at: alert.acknowledged_at,
        acknowledged_by: alert.acknowledged_by,
        at: alert.at,
        code: alert.code.clone(),
        id: alert.id,
        level: alert.level.clone(),
        message: alert.message.clone(),
        rule: alert.rule.clone(),
    }
}
