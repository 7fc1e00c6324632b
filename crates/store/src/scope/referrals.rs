//! Referrals, self-report links and the alerts returned self-reports raise, inside a [`ClinicScope`].

use crate::audited::Audit;
use crate::clock::{from_micros, to_micros, truncate_to_micros};
use crate::db::args;
use crate::domain::{
    NewSelfReportLink, PatientId, Referral, ReferralId, ReferralStatus, SelfReportAlert, SelfReportLink,
    SelfReportLinkId,
};
use crate::error::{StoreError, StoreResult};
use crate::rows::patient::{
    REFERRAL_COLUMNS, ReferralRow, SELF_REPORT_ALERT_COLUMNS, SELF_REPORT_COLUMNS, SelfReportAlertRow, SelfReportRow,
};
use crate::scope::{Children, ClinicScope, Scoped};
use crate::statement::{Insert, Update};

impl ClinicScope {
    /// The clinic's referrals, newest first.
    pub async fn referrals(&self) -> StoreResult<Vec<Referral>> {
        let mut tx = self.begin_audited().await?;
        let rows: Vec<ReferralRow> = tx
            .fetch_all(
                &format!("SELECT {REFERRAL_COLUMNS} FROM referrals WHERE clinic_id = $1 ORDER BY received_at DESC, id"),
                &args![self.clinic()],
            )
            .await?;
        tx.commit_with(Audit::list("referral", "*".to_owned())).await?;
        rows.into_iter().map(ReferralRow::into_domain).collect()
    }

    /// One referral of this clinic.
    pub async fn referral(&self, id: ReferralId) -> StoreResult<Referral> {
        let mut tx = self.begin_audited().await?;
        let row: ReferralRow = self.scoped_row(&mut tx, Scoped::Referral, REFERRAL_COLUMNS, id.to_text()).await?;
        tx.commit_with(Audit::read("referral", id.to_text())).await?;
        row.into_domain()
    }

    /// Moves a referral on, optionally linking the patient record made from it.
    pub async fn set_referral_status(
        &self,
        id: ReferralId,
        status: ReferralStatus,
        patient: Option<PatientId>,
    ) -> StoreResult<Referral> {
        let mut tx = self.begin_audited().await?;
        let now = tx.now();
        self.require(&mut tx, Scoped::Referral, id.to_text()).await?;
        if let Some(p) = patient {
            self.require(&mut tx, Scoped::Patient, p.to_text()).await?;
        }
        Update::table("referrals")
            .set("status", status.code())
            .set_unless_null("patient_id", patient.map(|p| p.to_text()))
            .set("updated_at", now)
            .filter("id", id.to_text())
            .filter("clinic_id", self.clinic())
            .execute(tx.db())
            .await?;
        let row: ReferralRow = self.scoped_row(&mut tx, Scoped::Referral, REFERRAL_COLUMNS, id.to_text()).await?;
        tx.commit_with(Audit::update("referral", id.to_text())).await?;
        row.into_domain()
    }

    /// Creates a one-time self-report link for a patient of this clinic. The caller generates the secret and
    /// passes only its SHA-256.
    pub async fn create_self_report_link(&self, new: NewSelfReportLink) -> StoreResult<SelfReportLink> {
        if new.token_hash.len() != 64 || !new.token_hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(StoreError::invalid("token_hash", "must be a hex SHA-256"));
        }
        let mut tx = self.begin_audited().await?;
        let now = tx.now();
        self.require(&mut tx, Scoped::Patient, new.patient_id.to_text()).await?;
        let at = from_micros("self_report_links", now)?;
        if new.expires_at <= at {
            return Err(StoreError::invalid("expires_at", "must be in the future"));
        }
        let link = SelfReportLink {
            id: SelfReportLinkId::new(at),
            patient_id: new.patient_id,
            instrument: new.instrument,
            token_hash: new.token_hash.to_ascii_lowercase(),
            created_at: at,
            expires_at: truncate_to_micros(new.expires_at),
            used_at: None,
            created_by: Some(self.actor.user_id),
            assessment_id: None,
        };
        Insert::into("self_report_links")
            .value("id", link.id.to_text())
            .value("clinic_id", self.clinic())
            .value("patient_id", link.patient_id.to_text())
            .value("instrument", link.instrument.code())
            .value("token_hash", &link.token_hash)
            .value("created_at", now)
            .value("expires_at", to_micros(link.expires_at))
            .value("used_at", None::<i64>)
            .value("created_by", self.actor_text())
            .value("assessment_id", None::<String>)
            .execute(tx.db())
            .await?;
        tx.commit_with(Audit::create("self_report_link", link.id.to_text())).await?;
        Ok(link)
    }

    /// A patient's self-report links, newest first.
    pub async fn self_report_links(&self, patient: PatientId) -> StoreResult<Vec<SelfReportLink>> {
        let of = Children { table: "self_report_links", columns: SELF_REPORT_COLUMNS, order: "created_at DESC, id" };
        self.children(Scoped::Patient, patient.to_text(), of, SelfReportRow::into_domain).await
    }

    /// The clinic's self-report alerts, newest first, for the dashboard.
    pub async fn self_report_alerts(&self) -> StoreResult<Vec<SelfReportAlert>> {
        let mut tx = self.begin_audited().await?;
        let rows: Vec<SelfReportAlertRow> = tx
            .fetch_all(
                &format!(
                    "SELECT {SELF_REPORT_ALERT_COLUMNS} FROM self_report_alerts WHERE clinic_id = $1 \
                     ORDER BY created_at DESC, id"
                ),
                &args![self.clinic()],
            )
            .await?;
        tx.commit_with(Audit::list("self_report_alert", "*".to_owned())).await?;
        rows.into_iter().map(SelfReportAlertRow::into_domain).collect()
    }
}
