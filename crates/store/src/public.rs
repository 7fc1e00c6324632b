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
    Actor, Assessment, AssessmentSource, DEFAULT_REFERRAL_DAILY_CAP, LinkState, ListingReport, ListingReportId,
    NewAssessment, NewListingReport, NewReferral, NewSelfReportAlert, Origin, PatientId, PublicDelivery, Referral,
    ReferralId, ReferralStatus, ReportStatus, ReportedLevel, Role, SelfReportAlertId, email_key, phone_key,
};
use crate::error::{StoreError, StoreResult};
use crate::rows::clinic::{LISTING_REPORT_COLUMNS, ListingReportRow};
use crate::rows::patient::{REFERRAL_COLUMNS, ReferralRow};
use crate::rows::patient::{SELF_REPORT_COLUMNS, SelfReportRow};
use crate::scope::patients::insert_assessment;
use crate::statement::{Insert, Update};
use crate::store::Store;

/// 24 hours in microseconds, the unit of the store's instants: the window of the daily cap and of merging.
const DAY_MICROS: i64 = 24 * 60 * 60 * 1_000_000;

/// The clinic's own cap on public referrals in 24 hours, if it set one (else the platform's
/// [`DEFAULT_REFERRAL_DAILY_CAP`] applies).
pub(crate) async fn own_daily_cap(tx: &mut Tx, clinic: &ClinicId) -> StoreResult<Option<u32>> {
    let row: Option<(Option<i64>,)> = tx
        .fetch_optional(
            "SELECT referral_daily_cap FROM protocol_settings WHERE clinic_id = $1",
            &args![clinic.as_str()],
        )
        .await?;
    row.and_then(|(cap,)| cap)
        .map(|cap| {
            u32::try_from(cap)
                .map_err(|_| StoreError::corrupt("protocol_settings", format!("referral_daily_cap {cap}")))
        })
        .transpose()
}

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

    /// Delivers a self-check summary that a person chose to send from the public web site, with the crisis level
    /// their answers gave (`level`, self-reported). Unlike [`Store::submit_referral`], the clinic must receive
    /// summaries (checked in the same transaction as the insert, so an account deactivated meanwhile is seen), and
    /// the audit entry records the channel ([`Origin::public_web`]), not the sender's address: the referral row
    /// (summary, contact, message) is all that is kept of them.
    ///
    /// Two bounds keep a flood out of the inbox, both over the last 24 hours and both in this one transaction:
    /// the same contact (e-mail address or phone number, normalised by [`email_key`] and [`phone_key`]) sending
    /// this clinic again marks their earlier referral "sent again" instead of adding one
    /// ([`PublicDelivery::Merged`], audited as an update), and once the clinic has received its daily cap of
    /// public referrals (its own cap, else [`DEFAULT_REFERRAL_DAILY_CAP`]) nothing is
    /// stored ([`PublicDelivery::OverCap`]). A repeat is merged even over the cap, since it adds no entry.
    pub async fn submit_public_referral(
        &self,
        clinic: &ClinicId,
        new: NewReferral,
        level: ReportedLevel,
    ) -> StoreResult<PublicDelivery> {
        self.deliver_referral(clinic, new, level, &Origin::public_web(), true).await
    }

    /// Delivers a referral to a clinic (a person sending their self-check summary, or a clinician).
    pub async fn submit_referral(&self, clinic: &ClinicId, new: NewReferral, origin: &Origin) -> StoreResult<Referral> {
        match self.deliver_referral(clinic, new, ReportedLevel::Routine, origin, false).await? {
            PublicDelivery::Created(r) | PublicDelivery::Merged(r) => Ok(r),
            // Only public deliveries are capped.
            PublicDelivery::OverCap { .. } => Err(StoreError::invalid("clinic", "has reached its daily cap")),
        }
    }

    async fn deliver_referral(
        &self,
        clinic: &ClinicId,
        new: NewReferral,
        level: ReportedLevel,
        origin: &Origin,
        public: bool,
    ) -> StoreResult<PublicDelivery> {
        if new.contact_email.is_none() && new.contact_phone.is_none() {
            return Err(StoreError::invalid("contact", "give a phone number or an e-mail address"));
        }
        let summary = new
            .summary
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| StoreError::invalid("summary", e.to_string()))?;
        let email = new.contact_email.as_deref().and_then(email_key);
        let phone = new.contact_phone.as_deref().and_then(phone_key);
        let mut tx = AuditedTx::begin(self, Auditor::public("public", Some(clinic.as_str()), origin.as_str())).await?;
        let now = tx.now();
        let at = from_micros("referrals", now)?;
        require_live_clinic(tx.db(), clinic).await?;
        if public {
            if !receives_summaries(tx.db(), clinic).await? {
                return Err(StoreError::invalid("clinic", "does not receive self-check summaries through KetaPath"));
            }
            let since = now - DAY_MICROS;
            let earlier: Option<ReferralRow> = tx
                .fetch_optional(
                    &format!(
                        "SELECT {REFERRAL_COLUMNS} FROM referrals WHERE clinic_id = $1 AND source = $2 \
                         AND received_at >= $3 AND (email_key = $4 OR phone_key = $5) \
                         ORDER BY received_at DESC, id LIMIT 1"
                    ),
                    &args![clinic.as_str(), new.source.code(), since, email.clone(), phone.clone()],
                )
                .await?;
            if let Some(earlier) = earlier {
                let id = earlier.id.clone();
                Update::table("referrals")
                    .set("times_sent", earlier.times_sent.saturating_add(1))
                    .set("sent_again_at", now)
                    .set("updated_at", now)
                    .filter("id", &id)
                    .filter("clinic_id", clinic.as_str())
                    .execute_one(tx.db(), "referral")
                    .await?;
                let merged = ReferralRow {
                    times_sent: earlier.times_sent.saturating_add(1),
                    sent_again_at: Some(now),
                    updated_at: now,
                    ..earlier
                };
                tx.commit_with(Audit::update("referral", id)).await?;
                return Ok(PublicDelivery::Merged(merged.into_domain()?));
            }
            let cap = own_daily_cap(tx.db(), clinic).await?.unwrap_or(DEFAULT_REFERRAL_DAILY_CAP);
            let (received,): (i64,) = tx
                .fetch_one(
                    "SELECT COUNT(*) FROM referrals WHERE clinic_id = $1 AND source = $2 AND received_at >= $3",
                    &args![clinic.as_str(), new.source.code(), since],
                )
                .await?;
            if received >= i64::from(cap) {
                // Dropping the transaction stores nothing and writes no event: the flood leaves no trace to read.
                return Ok(PublicDelivery::OverCap { cap });
            }
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
            reported_level: level,
            times_sent: 1,
            sent_again_at: None,
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
            .value("reported_level", level.code())
            .value("email_key", email)
            .value("phone_key", phone)
            .value("times_sent", 1_i64)
            .value("sent_again_at", None::<i64>)
            .execute(tx.db())
            .await?;
        tx.commit_with(Audit::create("referral", r.id.to_text())).await?;
        Ok(PublicDelivery::Created(r))
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
        let sql =
            format!("SELECT {LISTING_REPORT_COLUMNS} FROM listing_reports WHERE status = $1 ORDER BY reported_at, id");
        tx.fetch_decoded(&sql, &args![status.code()], ListingReportRow::into_domain).await
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
