//! Referrals, self-report links and the alerts returned self-reports raise, inside a [`ClinicScope`].

use crate::audited::Audit;
use crate::clock::{from_micros, to_micros, truncate_to_micros};
use crate::db::{Value, args};
use crate::domain::{
    MAX_REFERRAL_DAILY_CAP, NewSelfReportLink, PatientId, Referral, ReferralFilter, ReferralId, ReferralPage,
    ReferralStatus, Role, SelfReportAlert, SelfReportLink, SelfReportLinkId,
};
use crate::error::{StoreError, StoreResult};
use crate::public::own_daily_cap;
use crate::rows::patient::{
    REFERRAL_COLUMNS, ReferralRow, SELF_REPORT_ALERT_COLUMNS, SELF_REPORT_COLUMNS, SelfReportAlertRow, SelfReportRow,
};
use crate::scope::{Children, ClinicScope, Scoped};

impl ClinicScope {
    /// The clinic's referrals, newest first.
    pub async fn referrals(&self) -> StoreResult<Vec<Referral>> {
        let sql =
            format!("SELECT {REFERRAL_COLUMNS} FROM referrals WHERE clinic_id = $1 ORDER BY received_at DESC, id");
        let audit = Audit::list("referral", "*".to_owned());
        self.listed(&sql, &args![self.clinic()], audit, ReferralRow::into_domain).await
    }

    /// One page of the clinic's referrals that `filter` matches, newest first (arrival order only: the level a
    /// sender reported can filter the inbox but never reorders it), skipping `offset` and at most `limit` long,
    /// with the number the filter matches in all. Audited as one list event naming the filter.
    pub async fn referral_page(&self, filter: ReferralFilter, limit: u32, offset: u64) -> StoreResult<ReferralPage> {
        let mut conditions = String::from("clinic_id = $1");
        let mut values: Vec<Value> = vec![Value::from(self.clinic())];
        if let Some(status) = filter.status {
            values.push(Value::from(status.code()));
            conditions.push_str(&format!(" AND status = ${}", values.len()));
        }
        if let Some(level) = filter.level {
            values.push(Value::from(level.code()));
            conditions.push_str(&format!(" AND reported_level = ${}", values.len()));
        }
        let offset = i64::try_from(offset).map_err(|_| StoreError::invalid("page", "is too large"))?;
        let mut tx = self.begin_audited().await?;
        let (total,): (i64,) =
            tx.fetch_one(&format!("SELECT COUNT(*) FROM referrals WHERE {conditions}"), &values).await?;
        let sql = format!(
            "SELECT {REFERRAL_COLUMNS} FROM referrals WHERE {conditions} ORDER BY received_at DESC, id \
             LIMIT ${} OFFSET ${}",
            values.len() + 1,
            values.len() + 2
        );
        values.push(Value::from(i64::from(limit)));
        values.push(Value::from(offset));
        let rows: Vec<ReferralRow> = tx.fetch_all(&sql, &values).await?;
        let named: Vec<String> =
            [filter.status.map(|s| format!("status={s}")), filter.level.map(|l| format!("level={l}"))]
                .into_iter()
                .flatten()
                .collect();
        let listed = if named.is_empty() { "*".to_owned() } else { named.join("&") };
        tx.commit_with(Audit::list("referral", listed)).await?;
        Ok(ReferralPage {
            referrals: rows.into_iter().map(ReferralRow::into_domain).collect::<StoreResult<_>>()?,
            total: u64::try_from(total).unwrap_or_default(),
        })
    }

    /// The clinic's own cap on referrals from the public self-check in 24 hours, if it set one; `None`: the
    /// platform's [`DEFAULT_REFERRAL_DAILY_CAP`](crate::domain::DEFAULT_REFERRAL_DAILY_CAP) applies.
    pub async fn referral_daily_cap(&self) -> StoreResult<Option<u32>> {
        let mut tx = self.store.begin_read().await?;
        own_daily_cap(&mut tx, &self.clinic_id).await
    }

    /// Sets the clinic's cap on public referrals in 24 hours (`None`: back to the platform default), clinic
    /// admins only, from 1 to [`MAX_REFERRAL_DAILY_CAP`]. Kept in the clinic's settings row, beside its time zone.
    pub async fn set_referral_daily_cap(&self, cap: Option<u32>) -> StoreResult<()> {
        self.require_role(&[Role::ClinicAdmin], "change the clinic's daily referral cap")?;
        if let Some(cap) = cap
            && !(1..=MAX_REFERRAL_DAILY_CAP).contains(&cap)
        {
            return Err(StoreError::invalid(
                "referral_daily_cap",
                format!("must be a whole number from 1 to {MAX_REFERRAL_DAILY_CAP}"),
            ));
        }
        self.set_clinic_setting("referral_daily_cap", Value::from(cap.map(i64::from))).await
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
        self.update_own("referrals", id.to_text())
            .set("status", status.code())
            .set_unless_null("patient_id", patient.map(|p| p.to_text()))
            .set("updated_at", now)
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
        self.insert_own("self_report_links", link.id.to_text())
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
        let sql = format!(
            "SELECT {SELF_REPORT_ALERT_COLUMNS} FROM self_report_alerts WHERE clinic_id = $1 ORDER BY created_at DESC, id"
        );
        let audit = Audit::list("self_report_alert", "*".to_owned());
        self.listed(&sql, &args![self.clinic()], audit, SelfReportAlertRow::into_domain).await
    }
}
