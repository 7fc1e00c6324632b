//! The `patient_intakes`, `gate_overrides`, `protocol_settings`, `rems_forms` and `rems_form_drafts` rows.

use serde_json::Value;

use super::{parse_code, parse_id, parse_id_opt};
use crate::clock::{from_micros, from_micros_opt};
use crate::domain::{
    Gate, GateOverride, GateOverrideId, Intake, IntakeId, PatientId, ProtocolSettingsDoc, RemsFormDraft,
    RemsFormDraftId, RemsFormId, RemsFormRecord, SessionId, StaffId,
};
use crate::error::{StoreError, StoreResult};

fn json(table: &'static str, column: &str, raw: &str) -> StoreResult<Value> {
    serde_json::from_str(raw).map_err(|e| StoreError::corrupt(table, format!("{column}: {e}")))
}

pub(crate) const INTAKE_COLUMNS: &str =
    "id, clinic_id, patient_id, document, rules_version, updated_by, created_at, updated_at";

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct IntakeRow {
    pub id: String,
    pub patient_id: String,
    pub document: String,
    pub rules_version: String,
    pub updated_by: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl IntakeRow {
    pub(crate) fn into_domain(self) -> StoreResult<Intake> {
        const T: &str = "patient_intakes";
        Ok(Intake {
            id: parse_id(T, &self.id, IntakeId)?,
            patient_id: parse_id(T, &self.patient_id, PatientId)?,
            document: json(T, "document", &self.document)?,
            rules_version: self.rules_version,
            updated_by: parse_id_opt(T, self.updated_by.as_deref(), StaffId)?,
            created_at: from_micros(T, self.created_at)?,
            updated_at: from_micros(T, self.updated_at)?,
        })
    }
}

pub(crate) const GATE_OVERRIDE_COLUMNS: &str =
    "id, clinic_id, patient_id, session_id, gate, reason, rules, overridden_by, at, created_at";

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct GateOverrideRow {
    pub id: String,
    pub patient_id: String,
    pub session_id: String,
    pub gate: String,
    pub reason: String,
    pub rules: String,
    pub overridden_by: String,
    pub at: i64,
    pub created_at: i64,
}

impl GateOverrideRow {
    pub(crate) fn into_domain(self) -> StoreResult<GateOverride> {
        const T: &str = "gate_overrides";
        let rules: Vec<String> =
            serde_json::from_str(&self.rules).map_err(|e| StoreError::corrupt(T, format!("rules: {e}")))?;
        Ok(GateOverride {
            id: parse_id(T, &self.id, GateOverrideId)?,
            session_id: parse_id(T, &self.session_id, SessionId)?,
            patient_id: parse_id(T, &self.patient_id, PatientId)?,
            gate: parse_code(T, &self.gate, Gate::parse)?,
            reason: self.reason,
            rules,
            overridden_by: parse_id(T, &self.overridden_by, StaffId)?,
            at: from_micros(T, self.at)?,
            created_at: from_micros(T, self.created_at)?,
        })
    }
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct ProtocolSettingsRow {
    pub document: String,
    pub updated_by: Option<String>,
    pub updated_at: i64,
}

impl ProtocolSettingsRow {
    pub(crate) fn into_domain(self) -> StoreResult<ProtocolSettingsDoc> {
        const T: &str = "protocol_settings";
        Ok(ProtocolSettingsDoc {
            document: json(T, "document", &self.document)?,
            updated_by: parse_id_opt(T, self.updated_by.as_deref(), StaffId)?,
            updated_at: from_micros(T, self.updated_at)?,
        })
    }
}

pub(crate) const REMS_FORM_COLUMNS: &str =
    "id, clinic_id, patient_id, session_id, form, submitted_at, submitted_by, created_at";

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct RemsFormRow {
    pub id: String,
    pub patient_id: String,
    pub session_id: String,
    pub form: String,
    pub submitted_at: i64,
    pub submitted_by: Option<String>,
    pub created_at: i64,
}

impl RemsFormRow {
    pub(crate) fn into_domain(self) -> StoreResult<RemsFormRecord> {
        const T: &str = "rems_forms";
        Ok(RemsFormRecord {
            id: parse_id(T, &self.id, RemsFormId)?,
            session_id: parse_id(T, &self.session_id, SessionId)?,
            patient_id: parse_id(T, &self.patient_id, PatientId)?,
            form: json(T, "form", &self.form)?,
            submitted_at: from_micros(T, self.submitted_at)?,
            submitted_by: parse_id_opt(T, self.submitted_by.as_deref(), StaffId)?,
            created_at: from_micros(T, self.created_at)?,
        })
    }
}

pub(crate) const REMS_FORM_DRAFT_COLUMNS: &str = "id, clinic_id, patient_id, session_id, answers, saved_at, saved_by";

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct RemsFormDraftRow {
    pub id: String,
    pub patient_id: String,
    pub session_id: String,
    pub answers: String,
    pub saved_at: i64,
    pub saved_by: Option<String>,
}

impl RemsFormDraftRow {
    pub(crate) fn into_domain(self) -> StoreResult<RemsFormDraft> {
        const T: &str = "rems_form_drafts";
        Ok(RemsFormDraft {
            id: parse_id(T, &self.id, RemsFormDraftId)?,
            session_id: parse_id(T, &self.session_id, SessionId)?,
            patient_id: parse_id(T, &self.patient_id, PatientId)?,
            answers: json(T, "answers", &self.answers)?,
            saved_at: from_micros(T, self.saved_at)?,
            saved_by: parse_id_opt(T, self.saved_by.as_deref(), StaffId)?,
        })
    }
}

/// A dosed session for the REMS dashboard.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct DosedSessionRow {
    pub session_id: String,
    pub patient_id: String,
    pub treatment: String,
    pub first_dose_at: i64,
    pub submitted_at: Option<i64>,
}

impl DosedSessionRow {
    pub(crate) fn into_domain(self) -> StoreResult<crate::domain::DosedSession> {
        const T: &str = "sessions";
        Ok(crate::domain::DosedSession {
            session_id: parse_id(T, &self.session_id, SessionId)?,
            patient_id: parse_id(T, &self.patient_id, PatientId)?,
            treatment: self.treatment,
            first_dose_at: from_micros(T, self.first_dose_at)?,
            form_submitted_at: from_micros_opt(T, self.submitted_at)?,
        })
    }
}
