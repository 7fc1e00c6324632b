//! Session alerts inside a [`ClinicScope`]: written with the observation that raised them, listed on the session
//! and (while open) on the dashboard, and acknowledged by a staff member, each step audited.

use crate::audited::{Audit, AuditEvents};
use crate::clock::{from_micros, to_micros, truncate_to_micros};
use crate::db::args;
use crate::domain::{NewObservation, NewSessionAlert, Observation, SessionAlert, SessionAlertId, SessionId};
use crate::error::{StoreError, StoreResult};
use crate::rows::session_alert::{SESSION_ALERT_COLUMNS, SessionAlertRow};
use crate::scope::{Children, ClinicScope, Scoped};

impl ClinicScope {
    /// Records the measures of one moment and the alerts they raise in one transaction, so that an observation is
    /// never stored without its alerts.
    pub async fn record_observations_with_alerts(
        &self,
        session: SessionId,
        new: Vec<NewObservation>,
        alerts: Vec<NewSessionAlert>,
    ) -> StoreResult<(Vec<Observation>, Vec<SessionAlert>)> {
        if new.iter().any(|o| o.session_id != session) {
            return Err(StoreError::invalid("session_id", "every observation must belong to the session"));
        }
        let mut tx = self.begin_audited().await?;
        let now = tx.now();
        let patient = self.session_patient(&mut tx, session).await?;
        let mut observations = Vec::with_capacity(new.len());
        for n in new {
            observations.push(self.insert_observation(&mut tx, n).await?);
        }
        let created = from_micros("session_alerts", now)?;
        for a in &alerts {
            crate::bounds::instant(ketapath_clinical::dates::DateKind::Charted, "at", a.at, created)?;
        }
        let mut stored = Vec::with_capacity(alerts.len());
        for a in alerts {
            let alert = SessionAlert {
                id: SessionAlertId::new(created),
                session_id: session,
                patient_id: crate::rows::parse_id("session_alerts", &patient, crate::domain::PatientId)?,
                code: a.code,
                level: a.level,
                message: a.message,
                rule: a.rule,
                at: truncate_to_micros(a.at),
                acknowledged_by: None,
                acknowledged_at: None,
            };
            self.insert_own("session_alerts", alert.id.to_text())
                .value("patient_id", patient.clone())
                .value("session_id", session.to_text())
                .value("code", alert.code.clone())
                .value("level", alert.level.clone())
                .value("message", alert.message.clone())
                .value("rule", alert.rule.clone())
                .value("at", to_micros(alert.at))
                .value("created_at", now)
                .execute(tx.db())
                .await?;
            stored.push(alert);
        }
        // Each observation's event, then each alert's, as they were written.
        let events = observations
            .iter()
            .map(|o| Audit::create("observation", o.id.to_text()))
            .chain(stored.iter().map(|a| Audit::create("session_alert", a.id.to_text())));
        // No measures and no alerts, nothing written: the transaction is dropped instead of committed.
        let Some(events) = AuditEvents::from_all(events) else {
            return Ok((observations, stored));
        };
        tx.commit_with(events).await?;
        Ok((observations, stored))
    }

    /// A session's alerts, acknowledged or not, in the order they were raised.
    pub async fn session_alerts(&self, session: SessionId) -> StoreResult<Vec<SessionAlert>> {
        let of = Children { table: "session_alerts", columns: SESSION_ALERT_COLUMNS, order: "at, id" };
        self.children(Scoped::TreatmentSession, session.to_text(), of, SessionAlertRow::into_domain).await
    }

    /// The clinic's alerts no one has acknowledged yet, newest first, for the dashboard.
    pub async fn open_session_alerts(&self) -> StoreResult<Vec<SessionAlert>> {
        let sql = format!(
            "SELECT {SESSION_ALERT_COLUMNS} FROM session_alerts WHERE clinic_id = $1 \
             AND acknowledged_at IS NULL ORDER BY at DESC, id"
        );
        let audit = Audit::list("session_alert", "open".to_owned());
        self.listed(&sql, &args![self.clinic()], audit, SessionAlertRow::into_domain).await
    }

    /// Acknowledges an alert of a session of this clinic as the acting staff member, now. Acknowledging an alert
    /// twice keeps the first acknowledgement (who and when) and answers it again.
    pub async fn acknowledge_session_alert(&self, session: SessionId, id: SessionAlertId) -> StoreResult<SessionAlert> {
        let mut tx = self.begin_audited().await?;
        let now = tx.now();
        self.update_own("session_alerts", id.to_text())
            .set("acknowledged_by", self.actor_text())
            .set("acknowledged_at", now)
            .filter("session_id", session.to_text())
            .filter_null("acknowledged_at")
            .execute(tx.db())
            .await?;
        let row: Option<SessionAlertRow> = tx
            .fetch_optional(
                &format!(
                    "SELECT {SESSION_ALERT_COLUMNS} FROM session_alerts WHERE id = $1 AND session_id = $2 \
                     AND clinic_id = $3"
                ),
                &args![id.to_text(), session.to_text(), self.clinic()],
            )
            .await?;
        let row = row.ok_or(StoreError::NotFound { entity: "session alert" })?;
        tx.commit_with(Audit::update("session_alert", id.to_text())).await?;
        row.into_domain()
    }
}
