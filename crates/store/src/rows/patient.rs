//! The `patients`, `assessments`, `referrals`, `self_report_links` and `self_report_alerts` rows.

use ketapath_clinical::instruments::Instrument;

use super::{parse_clinic_id, parse_code, parse_id, parse_id_opt};
use crate::clock::{date_from_text, from_micros, from_micros_opt};
use crate::domain::{
    Assessment, AssessmentContext, AssessmentId, AssessmentSource, CourseId, LatestScore, Patient, PatientId, Referral,
    ReferralId, ReferralSource, ReferralStatus, ReportedLevel, SelfReportAlert, SelfReportAlertId, SelfReportLink,
    SelfReportLinkId, SessionId, StaffId,
};
use crate::error::{StoreError, StoreResult};

pub(crate) fn parse_instrument(table: &'static str, raw: &str) -> StoreResult<Instrument> {
    Instrument::parse(raw).map_err(|e| StoreError::corrupt(table, e.to_string()))
}

pub(crate) const PATIENT_COLUMNS: &str = "id, clinic_id, mrn, given_name, family_name, birth_date, sex, phone, email, \
     research_consent, rems_patient_id, created_at, updated_at, archived_at";

#[derive(Debug, sqlx::FromRow, serde::Deserialize)]
pub(crate) struct PatientRow {
    pub id: String,
    pub clinic_id: String,
    pub mrn: Option<String>,
    pub given_name: String,
    pub family_name: String,
    pub birth_date: String,
    pub sex: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    #[serde(deserialize_with = "super::bool_or_int")]
    pub research_consent: bool,
    pub rems_patient_id: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub archived_at: Option<i64>,
    /// The folded search key (`search::search_name`), read only by the search, which selects it beside
    /// [`PATIENT_COLUMNS`]; absent (and `None`) everywhere else.
    #[sqlx(default)]
    #[serde(default)]
    pub search_name: Option<String>,
}

impl PatientRow {
    pub(crate) fn into_domain(self) -> StoreResult<Patient> {
        const T: &str = "patients";
        Ok(Patient {
            id: parse_id(T, &self.id, PatientId)?,
            clinic_id: parse_clinic_id(T, &self.clinic_id)?,
            mrn: self.mrn,
            given_name: self.given_name,
            family_name: self.family_name,
            birth_date: date_from_text(T, &self.birth_date)?,
            sex: self.sex,
            phone: self.phone,
            email: self.email,
            research_consent: self.research_consent,
            rems_patient_id: self.rems_patient_id,
            created_at: from_micros(T, self.created_at)?,
            updated_at: from_micros(T, self.updated_at)?,
            archived_at: from_micros_opt(T, self.archived_at)?,
        })
    }
}

pub(crate) const ASSESSMENT_COLUMNS: &str = "id, clinic_id, patient_id, course_id, session_id, instrument, items, \
     total, severity, rule_id, rule_version, source, administered_at, recorded_by, created_at, context";

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct AssessmentRow {
    pub id: String,
    pub patient_id: String,
    pub course_id: Option<String>,
    pub session_id: Option<String>,
    pub instrument: String,
    pub items: String,
    pub total: i64,
    pub severity: Option<String>,
    pub rule_id: String,
    pub rule_version: String,
    pub source: String,
    pub administered_at: i64,
    pub recorded_by: Option<String>,
    pub created_at: i64,
    pub context: Option<String>,
}

impl AssessmentRow {
    pub(crate) fn into_domain(self) -> StoreResult<Assessment> {
        const T: &str = "assessments";
        let items: Vec<u8> =
            serde_json::from_str(&self.items).map_err(|e| StoreError::corrupt(T, format!("items: {e}")))?;
        Ok(Assessment {
            id: parse_id(T, &self.id, AssessmentId)?,
            patient_id: parse_id(T, &self.patient_id, PatientId)?,
            course_id: parse_id_opt(T, self.course_id.as_deref(), CourseId)?,
            session_id: parse_id_opt(T, self.session_id.as_deref(), SessionId)?,
            instrument: parse_instrument(T, &self.instrument)?,
            items,
            total: self.total,
            severity: self.severity,
            rule_id: self.rule_id,
            rule_version: self.rule_version,
            source: parse_code(T, &self.source, AssessmentSource::parse)?,
            context: self.context.as_deref().map(|c| parse_code(T, c, AssessmentContext::parse)).transpose()?,
            administered_at: from_micros(T, self.administered_at)?,
            recorded_by: parse_id_opt(T, self.recorded_by.as_deref(), StaffId)?,
            created_at: from_micros(T, self.created_at)?,
        })
    }
}

/// One latest score of one patient, as the patient list query returns it.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct LatestScoreRow {
    pub patient_id: String,
    pub instrument: String,
    pub total: i64,
    pub severity: Option<String>,
    pub administered_at: i64,
}

impl LatestScoreRow {
    pub(crate) fn into_domain(self) -> StoreResult<(String, LatestScore)> {
        const T: &str = "assessments";
        Ok((
            self.patient_id,
            LatestScore {
                instrument: parse_instrument(T, &self.instrument)?,
                total: self.total,
                severity: self.severity,
                administered_at: from_micros(T, self.administered_at)?,
            },
        ))
    }
}

pub(crate) const REFERRAL_COLUMNS: &str = "id, clinic_id, received_at, source, status, contact_name, contact_phone, \
     contact_email, message, summary, patient_id, updated_at, reported_level, times_sent, sent_again_at";

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct ReferralRow {
    pub id: String,
    pub received_at: i64,
    pub source: String,
    pub status: String,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
    pub message: Option<String>,
    pub summary: Option<String>,
    pub patient_id: Option<String>,
    pub updated_at: i64,
    pub reported_level: String,
    pub times_sent: i64,
    pub sent_again_at: Option<i64>,
}

impl ReferralRow {
    pub(crate) fn into_domain(self) -> StoreResult<Referral> {
        const T: &str = "referrals";
        let summary = self
            .summary
            .as_deref()
            .map(serde_json::from_str)
            .transpose()
            .map_err(|e| StoreError::corrupt(T, format!("summary: {e}")))?;
        Ok(Referral {
            id: parse_id(T, &self.id, ReferralId)?,
            received_at: from_micros(T, self.received_at)?,
            source: parse_code(T, &self.source, ReferralSource::parse)?,
            status: parse_code(T, &self.status, ReferralStatus::parse)?,
            contact_name: self.contact_name,
            contact_phone: self.contact_phone,
            contact_email: self.contact_email,
            message: self.message,
            summary,
            patient_id: parse_id_opt(T, self.patient_id.as_deref(), PatientId)?,
            updated_at: from_micros(T, self.updated_at)?,
            reported_level: parse_code(T, &self.reported_level, ReportedLevel::parse)?,
            times_sent: u32::try_from(self.times_sent)
                .map_err(|_| StoreError::corrupt(T, format!("times_sent {}", self.times_sent)))?,
            sent_again_at: from_micros_opt(T, self.sent_again_at)?,
        })
    }
}

pub(crate) const SELF_REPORT_COLUMNS: &str =
    "id, clinic_id, patient_id, instrument, token_hash, created_at, expires_at, used_at, created_by, assessment_id";

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct SelfReportRow {
    pub id: String,
    pub clinic_id: String,
    pub patient_id: String,
    pub instrument: String,
    pub token_hash: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub used_at: Option<i64>,
    pub created_by: Option<String>,
    pub assessment_id: Option<String>,
}

impl SelfReportRow {
    pub(crate) fn into_domain(self) -> StoreResult<SelfReportLink> {
        const T: &str = "self_report_links";
        Ok(SelfReportLink {
            id: parse_id(T, &self.id, SelfReportLinkId)?,
            patient_id: parse_id(T, &self.patient_id, PatientId)?,
            instrument: parse_instrument(T, &self.instrument)?,
            token_hash: self.token_hash,
            created_at: from_micros(T, self.created_at)?,
            expires_at: from_micros(T, self.expires_at)?,
            used_at: from_micros_opt(T, self.used_at)?,
            created_by: parse_id_opt(T, self.created_by.as_deref(), StaffId)?,
            assessment_id: parse_id_opt(T, self.assessment_id.as_deref(), AssessmentId)?,
        })
    }
}

pub(crate) const SELF_REPORT_ALERT_COLUMNS: &str =
    "id, patient_id, link_id, assessment_id, level, item9, total, message, created_at";

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct SelfReportAlertRow {
    pub id: String,
    pub patient_id: String,
    pub link_id: String,
    pub assessment_id: String,
    pub level: String,
    pub item9: i64,
    pub total: i64,
    pub message: String,
    pub created_at: i64,
}

impl SelfReportAlertRow {
    pub(crate) fn into_domain(self) -> StoreResult<SelfReportAlert> {
        const T: &str = "self_report_alerts";
        let small = |what: &str, v: i64| StoreError::corrupt(T, format!("{what} {v} is out of range"));
        Ok(SelfReportAlert {
            id: parse_id(T, &self.id, SelfReportAlertId)?,
            patient_id: parse_id(T, &self.patient_id, PatientId)?,
            link_id: parse_id(T, &self.link_id, SelfReportLinkId)?,
            assessment_id: parse_id(T, &self.assessment_id, AssessmentId)?,
            level: self.level,
            item9: u8::try_from(self.item9).map_err(|_| small("item9", self.item9))?,
            total: u16::try_from(self.total).map_err(|_| small("total", self.total))?,
            message: self.message,
            created_at: from_micros(T, self.created_at)?,
        })
    }
}
