//! Writes that come from the public without an account: referrals sent from a self-check, listing problem
//! reports, and self-report submissions through a one-time link. Each is audited with the actor `public` or
//! `self_report` and the caller's origin, except a referral sent from the public self-check, whose audit entry
//! names the channel (`public web`) and never the sender's address.

use ketapath_clinical::instruments::Items;
use ketapath_directory::ClinicId;
use time::OffsetDateTime;

use crate::audited::{Audit, AuditEvents, AuditedTx, Auditor};
use crate::clock::{from_micros, to_micros};
use crate::db::{Tx, args};
use crate::domain::{
    Actor, Assessment, AssessmentSource, LinkState, ListingReport, ListingReportId, NewAssessment, NewListingReport,
    NewReferral, NewSelfReportAlert, Origin, PatientId, Referral, ReferralId, ReferralStatus, ReportStatus, Role,
    SelfReportAlertId,
};
use crate::error::{StoreError, StoreResult};
use crate::rows::clinic::{LISTING_REPORT_COLUMNS, ListingReportRow};
use crate::rows::patient::{SELF_REPORT_COLUMNS, SelfReportRow};
use crate::scope::patients::insert_assessment;
use crate::statement::{Insert, Update};
use crate::store::Store;

async fn require_live_clinic(tx: &mut Tx, clinic: &ClinicId) -> StoreResult<()> {
    let (n,): (i64,) = tx
        .fetch_one("SELECT COUNT(*) FROM clinics WHERE id = $1 AND deleted = $2", &args![clinic.as_str(), false])
        .await?;
    if n == 1 { Ok(()) } else { Err(StoreError::NotFound { entity: "clinic" }) }
}

/// The roles whose active accounts make a clinic one that receives self-check summaries: someone there can sign
/// in to the portal and read the referral inbox.
const RECEIVING_ROLES: [Role; 3] = [Role::ClinicAdmin, Role::Prescriber, Role::Nurse];

/// Whether a live clinic has at least one active account of a receiving role.
async fn receives_summaries(tx: &mut Tx, clinic: &ClinicId) -> StoreResult<bool> {
    let [a, b, c] = RECEIVING_ROLES.map(Role::code);
    let (n,): (i64,) = tx
        .fetch_one(
            "SELECT COUNT(*) FROM staff_users s JOIN clinics c ON c.id = s.clinic_id WHERE s.clinic_id = $1 \
             AND s.active = $2 AND s.role IN ($3, $4, $5) AND c.deleted = $6",
            &args![clinic.as_str(), true, a, b, c, false],
        )
        .await?;
    Ok(n > 0)
}

impl Store {
    /// The live clinics that receive self-check summaries through KetaPath: those with at least one active
    /// account of role clinic admin, prescriber or nurse. In id order; read afresh on every call.
    pub async fn receiving_clinics(&self) -> StoreResult<Vec<ClinicId>> {
        let [a, b, c] = RECEIVING_ROLES.map(Role::code);
        let mut tx = self.begin_read().await?;
        let rows: Vec<(String,)> = tx
            .fetch_all(
                "SELECT DISTINCT s.clinic_id FROM staff_users s JOIN clinics c ON c.id = s.clinic_id \
                 WHERE s.active = $1 AND s.role IN ($2, $3, $4) AND c.deleted = $5 ORDER BY s.clinic_id",
                &args![true, a, b, c, false],
            )
            .await?;
        rows.into_iter().map(|(id,)| crate::rows::parse_clinic_id("staff_users", &id)).collect()
    }

    /// Whether `clinic` receives self-check summaries (see [`Store::receiving_clinics`]).
    pub async fn clinic_receives_summaries(&self, clinic: &ClinicId) -> StoreResult<bool> {
        let mut tx = self.begin_read().await?;
        receives_summaries(&mut tx, clinic).await
    }

    /// Delivers a self-check summary that a person chose to send from the public web site. Unlike
    /// [`Store::submit_referral`], the clinic must receive summaries (checked in the same transaction as the
    /// insert, so an account deactivated meanwhile is seen), and the audit entry records the channel
    /// ([`Origin::public_web`]), not the sender's address: the referral row (summary, contact, message) is all
    /// that is kept of them.
    pub async fn submit_public_referral(&self, clinic: &ClinicId, new: NewReferral) -> StoreResult<Referral> {
        self.deliver_referral(clinic, new, &Origin::public_web(), true).await
    }

    /// Delivers a referral to a clinic (a person sending their self-check summary, or a clinician).
    pub async fn submit_referral(&self, clinic: &ClinicId, new: NewReferral, origin: &Origin) -> StoreResult<Referral> {
        self.deliver_referral(clinic, new, origin, false).await
    }

    async fn deliver_referral(
        &self,
        clinic: &ClinicId,
        new: NewReferral,
        origin: &Origin,
        must_receive: bool,
    ) -> StoreResult<Referral> {
        if new.contact_email.is_none() && new.contact_phone.is_none() {
            return Err(StoreError::invalid("contact", "give a phone number or an e-mail address"));
        }
        let summary = new
            .summary
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| StoreError::invalid("summary", e.to_string()))?;
        let mut tx = AuditedTx::begin(self, Auditor::public("public", Some(clinic.as_str()), origin.as_str())).await?;
        let now = tx.now();
        let at = from_micros("referrals", now)?;
        require_live_clinic(tx.db(), clinic).await?;
        if must_receive && !receives_summaries(tx.db(), clinic).await? {
            return Err(StoreError::invalid("clinic", "does not receive self-check summaries through KetaPath"));
        }
        let r = Referral {
            id: ReferralId::new(at),
            received_at: at,
            source: new.source,
            status: ReferralStatus::New,
            contact_name: new.contact_name,
            contact_phone: new.contact_phone,
            contact_email: new.contact_email,
            message: new.message,
            summary: new.summary,
            patient_id: None,
            updated_at: at,
        };
        Insert::into("referrals")
            .value("id", r.id.to_text())
            .value("clinic_id", clinic.as_str())
            .value("received_at", now)
            .value("source", r.source.code())
            .value("status", r.status.code())
            .value("contact_name", r.contact_name.clone())
            .value("contact_phone", r.contact_phone.clone())
            .value("contact_email", r.contact_email.clone())
            .value("message", r.message.clone())
            .value("summary", summary)
            .value("patient_id", None::<String>)
            .value("updated_at", now)
            .execute(tx.db())
            .await?;
        tx.commit_with(Audit::create("referral", r.id.to_text())).await?;
        Ok(r)
    }

    /// Stores a problem report about a listing from the public form.
    pub async fn submit_listing_report(&self, new: NewListingReport, origin: &Origin) -> StoreResult<ListingReport> {
        if new.reason.trim().is_empty() {
            return Err(StoreError::invalid("reason", "must not be empty"));
        }
        let by = Auditor::public("public", Some(new.clinic_id.as_str()), origin.as_str());
        let mut tx = AuditedTx::begin(self, by).await?;
        let now = tx.now();
        let at = from_micros("listing_reports", now)?;
        require_live_clinic(tx.db(), &new.clinic_id).await?;
        let r = ListingReport {
            id: ListingReportId::new(at),
            clinic_id: new.clinic_id.clone(),
            reported_at: at,
            reason: new.reason,
            details: new.details,
            contact: new.contact,
            status: ReportStatus::Open,
            resolved_at: None,
            resolved_by: None,
        };
        Insert::into("listing_reports")
            .value("id", r.id.to_text())
            .value("clinic_id", r.clinic_id.as_str())
            .value("reported_at", now)
            .value("reason", &r.reason)
            .value("details", r.details.clone())
            .value("contact", r.contact.clone())
            .value("status", r.status.code())
            .value("resolved_at", None::<i64>)
            .value("resolved_by", None::<String>)
            .execute(tx.db())
            .await?;
        tx.commit_with(Audit::create("listing_report", r.id.to_text())).await?;
        Ok(r)
    }

    /// Listing reports with a status, oldest first (platform admins only).
    pub async fn listing_reports(&self, by: &Actor, status: ReportStatus) -> StoreResult<Vec<ListingReport>> {
        if by.role != Role::PlatformAdmin {
            return Err(StoreError::Denied("only platform admins review listing reports".to_owned()));
        }
        let mut tx = self.begin_read().await?;
        let rows: Vec<ListingReportRow> = tx
            .fetch_all(
                &format!(
                    "SELECT {LISTING_REPORT_COLUMNS} FROM listing_reports WHERE status = $1 ORDER BY reported_at, id"
                ),
                &args![status.code()],
            )
            .await?;
        rows.into_iter().map(ListingReportRow::into_domain).collect()
    }

    /// Closes a listing report (platform admins only).
    pub async fn resolve_listing_report(
        &self,
        by: &Actor,
        id: ListingReportId,
        status: ReportStatus,
    ) -> StoreResult<()> {
        if by.role != Role::PlatformAdmin {
            return Err(StoreError::Denied("only platform admins review listing reports".to_owned()));
        }
        // A listing report is about the directory, not a clinic's records: the event names no clinic.
        let mut tx = AuditedTx::begin(self, Auditor::staff(by).without_clinic()).await?;
        let now = tx.now();
        Update::table("listing_reports")
            .set("status", status.code())
            .set("resolved_at", now)
            .set("resolved_by", by.user_id.to_text())
            .filter("id", id.to_text())
            .execute_one(tx.db(), "listing report")
            .await?;
        tx.commit_with(Audit::update("listing_report", id.to_text())).await
    }

    /// Records a patient's self-reported scores through a one-time link, identified by the SHA-256 of its
    /// secret. The link must be unused, unexpired at `now`, and for the instrument of `items`; it is used up.
    pub async fn submit_self_report(
        &self,
        token_hash: &str,
        items: Items,
        origin: &Origin,
        administered_at: OffsetDateTime,
    ) -> StoreResult<Assessment> {
        self.submit_self_report_with_alert(token_hash, items, origin, administered_at, None).await
    }

    /// As [`Store::submit_self_report`], and stores `alert` for the clinic's dashboard in the same transaction, so
    /// that an answer which raised an alert is never kept without it.
    ///
    /// The link is used up by a conditional update (`used_at IS NULL`), so of two submissions racing on one link,
    /// exactly one is kept and the other answers not found, on both backends.
    pub async fn submit_self_report_with_alert(
        &self,
        token_hash: &str,
        items: Items,
        origin: &Origin,
        administered_at: OffsetDateTime,
        alert: Option<NewSelfReportAlert>,
    ) -> StoreResult<Assessment> {
        // The clinic is the link's, read below: each event names it.
        let mut tx = AuditedTx::begin(self, Auditor::public("self_report", None, origin.as_str())).await?;
        let now = tx.now();
        let row: Option<SelfReportRow> = tx
            .fetch_optional(
                &format!(
                    "SELECT {SELF_REPORT_COLUMNS} FROM self_report_links WHERE token_hash = $1 AND used_at IS NULL \
                     AND expires_at > $2"
                ),
                &args![token_hash.to_ascii_lowercase(), now],
            )
            .await?;
        let row = row.ok_or(StoreError::NotFound { entity: "self-report link" })?;
        let clinic = crate::rows::parse_clinic_id("self_report_links", &row.clinic_id)?;
        let link = row.into_domain()?;
        if link.instrument != items.instrument() {
            return Err(StoreError::invalid("instrument", format!("this link is for {}", link.instrument.code())));
        }
        let new = NewAssessment {
            patient_id: PatientId(link.patient_id.0),
            course_id: None,
            session_id: None,
            items,
            administered_at,
        };
        let a = insert_assessment(
            tx.db(),
            now,
            clinic.as_str(),
            &new,
            AssessmentSource::SelfReport,
            Some(crate::domain::AssessmentContext::SelfReport),
            None,
        )
        .await?;
        let used = Update::table("self_report_links")
            .set("used_at", now)
            .set("assessment_id", a.id.to_text())
            .filter("id", link.id.to_text())
            .filter_null("used_at")
            .execute(tx.db())
            .await?;
        if used != 1 {
            // Another submission used the link first; dropping the transaction rolls this one's assessment back.
            return Err(StoreError::NotFound { entity: "self-report link" });
        }
        let mut events =
            AuditEvents::from(Audit::create("assessment", a.id.to_text()).in_clinic(Some(clinic.as_str())));
        if let Some(alert) = alert {
            let id = SelfReportAlertId::new(from_micros("self_report_alerts", now)?);
            Insert::into("self_report_alerts")
                .value("id", id.to_text())
                .value("clinic_id", clinic.as_str())
                .value("patient_id", link.patient_id.to_text())
                .value("link_id", link.id.to_text())
                .value("assessment_id", a.id.to_text())
                .value("level", alert.level)
                .value("item9", i64::from(alert.item9))
                .value("total", i64::from(alert.total))
                .value("message", alert.message)
                .value("created_at", now)
                .execute(tx.db())
                .await?;
            events.push(Audit::create("self_report_alert", id.to_text()).in_clinic(Some(clinic.as_str())));
        }
        tx.commit_with(events).await?;
        Ok(a)
    }

    /// Where the link with this secret hash stands, for the public page to say "already used" or "expired"
    /// instead of a bare not found. `None` when no link has this hash. Reveals nothing about the patient.
    pub async fn self_report_link_state(&self, token_hash: &str) -> StoreResult<Option<LinkState>> {
        let now = to_micros(self.now());
        let mut tx = self.begin_read().await?;
        let row: Option<SelfReportRow> = tx
            .fetch_optional(
                &format!("SELECT {SELF_REPORT_COLUMNS} FROM self_report_links WHERE token_hash = $1"),
                &args![token_hash.to_ascii_lowercase()],
            )
            .await?;
        let Some(row) = row else { return Ok(None) };
        let (used, expires_at) = (row.used_at.is_some(), row.expires_at);
        let link = row.into_domain()?;
        Ok(Some(if used {
            LinkState::Used
        } else if expires_at <= now {
            LinkState::Expired
        } else {
            LinkState::Open { instrument: link.instrument }
        }))
    }
}
