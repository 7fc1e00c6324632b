//! Session alerts: each charted observation is checked by the clinical rules
//! (`ketapath_clinical::protocols::alerts`), the alerts it raises are stored with it, and a staff member
//! acknowledges them (who and when are kept, audited by the store).

use ketapath_clinical::protocols::{AlertContext, AlertLevel, CrisisSymptom, Observation, alerts_for};
use ketapath_store::ClinicScope;
use ketapath_store::domain::{NewSessionAlert, SessionAlert, SessionAlertId, SessionId};
use serde_json::{Value, json};
use time::format_description::well_known::Rfc3339;

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

fn rfc3339(at: time::OffsetDateTime) -> Value {
    at.format(&Rfc3339).map(Value::String).unwrap_or(Value::Null)
}

/// An alert as the API shows it: the contract's `code`, `level`, `message`, `rule` and `at`, with its `id` and
/// who acknowledged it when (`null` while it is open).
pub fn json(alert: &SessionAlert) -> Value {
    json!({
        "id": alert.id,
        "code": alert.code,
        "level": alert.level,
        "message": alert.message,
        "rule": alert.rule,
        "at": rfc3339(alert.at),
        "acknowledged_by": alert.acknowledged_by,
        "acknowledged_at": alert.acknowledged_at.map(rfc3339),
    })
}
