//! The printable record of a session for the chart: the patient, the course, the session with its pre-checks,
//! doses, observations, adverse events, alerts with their acknowledgements and how it ended, gathered through the
//! clinic scope in one place so that the portal's and the API's PDF show the same record.

use std::collections::HashMap;

use ketapath_store::ClinicScope;
use ketapath_store::domain::{Patient, SessionAlert, SessionId, StaffId};

use super::TreatmentResult;
use super::session::{Loaded, load};
use crate::clinic_time::ClinicTime;

/// Everything the printed session record shows.
#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub patient: Patient,
    pub loaded: Loaded,
    /// The session's alerts in time order.
    pub alerts: Vec<SessionAlert>,
    /// Staff names by id, for who acknowledged an alert or gave a dose.
    pub staff: HashMap<StaffId, String>,
    /// The clinic's clock, in which the record shows every time.
    pub zone: ClinicTime,
}

impl SessionRecord {
    /// A staff member's name, or words saying the account is gone.
    pub fn staff_name(&self, id: Option<StaffId>) -> Option<String> {
        id.map(|id| self.staff.get(&id).cloned().unwrap_or_else(|| "a former staff member".to_owned()))
    }
}

/// Loads the record of a session of this clinic (another clinic's session is not found).
pub async fn record(scope: &ClinicScope, id: SessionId) -> TreatmentResult<SessionRecord> {
    let loaded = load(scope, id).await?;
    let patient = scope.patient(loaded.detail.session.patient_id).await?;
    let mut alerts = super::alerts::of_session(scope, id).await?;
    alerts.sort_by_key(|a| a.at);
    let staff = scope.staff().await?.into_iter().map(|s| (s.id, s.display_name)).collect();
    let zone = ClinicTime::of(scope).await?;
    Ok(SessionRecord { patient, loaded, alerts, staff, zone })
}
