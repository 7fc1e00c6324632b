//! The treatment workflow inside a [`ClinicScope`]: intakes, course plans, pre-dose checks, gated doses and
//! discharges with prescriber overrides, protocol settings and submitted REMS forms. Every method audits.

use ketapath_clinical::dates::DateKind;
use serde_json::Value;
use time::OffsetDateTime;

use crate::audited::{Audit, AuditEvents, AuditedTx};
use crate::clock::{from_micros, from_micros_opt, to_micros, truncate_to_micros};
use crate::db::{self, args};
use crate::domain::{
    AuditAction, Course, CourseId, CoursePlan, Discharge, DoseRecord, DosedSession, GateOverride, GateOverrideId,
    Intake, IntakeId, NewCourse, NewDose, NewGateOverride, PatientId, ProtocolSettingsDoc, RemsFormDraft,
    RemsFormDraftId, RemsFormId, RemsFormRecord, Role, SessionId, SessionStatus, StaffId, TreatmentSession,
};
use crate::error::{StoreError, StoreResult};
use crate::rows::care::{
    DosedSessionRow, INTAKE_COLUMNS, IntakeRow, ProtocolSettingsRow, REMS_FORM_COLUMNS, REMS_FORM_DRAFT_COLUMNS,
    RemsFormDraftRow, RemsFormRow,
};
use crate::rows::treatment::{SESSION_COLUMNS, SessionRow};
use crate::scope::{Children, ClinicScope, Scoped};
use crate::statement::Update;

/// The longest override reason kept, in characters (the clinical rule's own limit is checked before).
const MAX_REASON_CHARS: usize = 2000;

fn to_json(field: &str, value: &Value) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| StoreError::invalid(field, e.to_string()))
}

fn check_reason(field: &str, reason: &str) -> StoreResult<()> {
    if reason.trim().is_empty() {
        return Err(StoreError::invalid(field, "must not be blank"));
    }
    if reason.chars().count() > MAX_REASON_CHARS {
        return Err(StoreError::invalid(field, format!("must be at most {MAX_REASON_CHARS} characters")));
    }
    Ok(())
}

/// A course's plan columns: schedule, override reason and author, indication.
type PlanRow = (Option<String>, Option<String>, Option<String>, String);

impl ClinicScope {
    /// Fails unless the acting user is a prescriber: only prescribers override clinical gates.
    fn require_prescriber(&self, what: &str) -> StoreResult<()> {
        self.require_role(&[Role::Prescriber], what)
    }

    /// Records a prescriber's override of a session gate inside `tx`; the caller commits it with the override's
    /// audit event.
    pub(super) async fn insert_override(
        &self,
        tx: &mut AuditedTx<'_>,
        patient: &str,
        ov: &NewGateOverride,
    ) -> StoreResult<GateOverride> {
        let now = tx.now();
        self.require_prescriber("override a clinical gate")?;
        check_reason("override_reason", &ov.reason)?;
        let rules = serde_json::to_string(&ov.rules).map_err(|e| StoreError::invalid("rules", e.to_string()))?;
        let created = from_micros("gate_overrides", now)?;
        crate::bounds::instant(DateKind::Charted, "at", ov.at, created)?;
        let o = GateOverride {
            id: GateOverrideId::new(created),
            session_id: ov.session_id,
            patient_id: crate::rows::parse_id("sessions", patient, PatientId)?,
            gate: ov.gate,
            reason: ov.reason.trim().to_owned(),
            rules: ov.rules.clone(),
            overridden_by: self.actor.user_id,
            at: truncate_to_micros(ov.at),
            created_at: created,
        };
        self.insert_own("gate_overrides", o.id.to_text())
            .value("patient_id", patient)
            .value("session_id", o.session_id.to_text())
            .value("gate", o.gate.code())
            .value("reason", &o.reason)
            .value("rules", rules)
            .value("overridden_by", self.actor_text())
            .value("at", to_micros(o.at))
            .value("created_at", now)
            .execute(tx.db())
            .await?;
        Ok(o)
    }

    /// Saves a patient's intake document (replacing the previous one) and, when given, the research consent and
    /// the ZIP code of the patient's address (the research export's `zip3` comes from it), in one transaction.
    pub async fn put_intake(
        &self,
        patient: PatientId,
        document: &Value,
        rules_version: &str,
        research_consent: Option<bool>,
        address_zip: Option<&str>,
    ) -> StoreResult<Intake> {
        let text = to_json("document", document)?;
        let mut tx = self.begin_audited().await?;
        let now = tx.now();
        self.require(&mut tx, Scoped::Patient, patient.to_text()).await?;
        let existing: Option<IntakeRow> = tx
            .fetch_optional(
                &format!("SELECT {INTAKE_COLUMNS} FROM patient_intakes WHERE clinic_id = $1 AND patient_id = $2"),
                &args![self.clinic(), patient.to_text()],
            )
            .await?;
        let id = match &existing {
            Some(row) => {
                self.update_own("patient_intakes", &row.id)
                    .set("document", text)
                    .set("rules_version", rules_version)
                    .set("updated_by", self.actor_text())
                    .set("updated_at", now)
                    .execute(tx.db())
                    .await?;
                row.id.clone()
            }
            None => {
                let id = IntakeId::new(from_micros("patient_intakes", now)?).to_text();
                self.insert_own("patient_intakes", &id)
                    .value("patient_id", patient.to_text())
                    .value("document", text)
                    .value("rules_version", rules_version)
                    .value("updated_by", self.actor_text())
                    .value("created_at", now)
                    .value("updated_at", now)
                    .execute(tx.db())
                    .await?;
                id
            }
        };
        if let Some(consent) = research_consent {
            self.update_own("patients", patient.to_text())
                .set("research_consent", consent)
                .set("updated_at", now)
                .execute(tx.db())
                .await?;
        }
        if let Some(zip) = address_zip {
            self.set_address_zip(&mut tx, patient, zip).await?;
        }
        // The consent's event comes first, as the write it describes came first; the address's comes last.
        let action = if existing.is_some() { AuditAction::Update } else { AuditAction::Create };
        let intake = Audit::new(action, "patient_intake", id.clone());
        let mut events = match research_consent {
            Some(_) => AuditEvents::from(Audit::update("patient", patient.to_text())).then(intake),
            None => AuditEvents::from(intake),
        };
        if address_zip.is_some() {
            events.push(Audit::update("patient_address", patient.to_text()));
        }
        let row: IntakeRow = self.scoped_row(&mut tx, Scoped::Intake, INTAKE_COLUMNS, id).await?;
        tx.commit_with(events).await?;
        row.into_domain()
    }

    /// A patient's intake, if one was entered.
    pub async fn intake(&self, patient: PatientId) -> StoreResult<Option<Intake>> {
        let of = Children { table: "patient_intakes", columns: INTAKE_COLUMNS, order: "id" };
        let row: Option<IntakeRow> = self.child(Scoped::Patient, patient.to_text(), of).await?;
        row.map(IntakeRow::into_domain).transpose()
    }

    /// Plans a course with its schedule and, when a contraindication was overridden, the prescriber's reason.
    pub async fn create_course_with_plan(
        &self,
        new: NewCourse,
        plan: &CoursePlan,
    ) -> StoreResult<(Course, CoursePlan)> {
        if let Some(reason) = &plan.contraindication_override_reason {
            self.require_prescriber("override a contraindication")?;
            check_reason("override_reason", reason)?;
        }
        let schedule = plan.schedule.as_ref().map(|s| to_json("schedule", s)).transpose()?;
        let mut tx = self.begin_audited().await?;
        let course = self.insert_course(&mut tx, new).await?;
        let by = plan.contraindication_override_reason.as_ref().map(|_| self.actor_text());
        self.update_own("courses", course.id.to_text())
            .set("schedule", schedule)
            .set(
                "contraindication_override_reason",
                plan.contraindication_override_reason.as_ref().map(|r| r.trim().to_owned()),
            )
            .set("contraindication_override_by", by)
            .set("indication", plan.indication.code())
            .execute(tx.db())
            .await?;
        let mut events = AuditEvents::from(Audit::create("course", course.id.to_text()));
        if plan.contraindication_override_reason.is_some() {
            events.push(Audit::update("course_contraindication_override", course.id.to_text()));
        }
        tx.commit_with(events).await?;
        let stored = CoursePlan {
            schedule: plan.schedule.clone(),
            contraindication_override_reason: plan
                .contraindication_override_reason
                .as_ref()
                .map(|r| r.trim().to_owned()),
            contraindication_override_by: plan.contraindication_override_reason.as_ref().map(|_| self.actor.user_id),
            indication: plan.indication,
            benefit_review: None,
        };
        Ok((course, stored))
    }

    /// The plan of a course of this clinic.
    pub async fn course_plan(&self, course: CourseId) -> StoreResult<CoursePlan> {
        let mut tx = self.begin_audited().await?;
        let row: Option<PlanRow> = tx
            .fetch_optional(
                "SELECT schedule, contraindication_override_reason, contraindication_override_by, indication \
                 FROM courses WHERE id = $1 AND clinic_id = $2",
                &args![course.to_text(), self.clinic()],
            )
            .await?;
        let (schedule, reason, by, indication) = row.ok_or(StoreError::NotFound { entity: "course" })?;
        let benefit_review = self.latest_benefit_review(tx.db(), course).await?;
        tx.commit_with(Audit::read("course", course.to_text())).await?;
        Ok(CoursePlan {
            schedule: schedule
                .map(|s| serde_json::from_str(&s).map_err(|e| StoreError::corrupt("courses", format!("schedule: {e}"))))
                .transpose()?,
            contraindication_override_reason: reason,
            contraindication_override_by: crate::rows::parse_id_opt("courses", by.as_deref(), StaffId)?,
            indication: crate::rows::parse_code("courses", &indication, crate::domain::CourseIndication::parse)?,
            benefit_review,
        })
    }

    /// Replaces a course's schedule (prescribers only).
    pub async fn set_course_schedule(&self, course: CourseId, schedule: &Value) -> StoreResult<()> {
        self.require_prescriber("edit a course schedule")?;
        self.set_document(Scoped::Course, course.to_text(), "schedule", schedule, DateKind::Planned, "course_schedule")
            .await
    }

    /// Records the pre-dose checks of a session (the answers and the rules' report), replacing earlier ones.
    pub async fn set_session_pre_checks(&self, session: SessionId, document: &Value) -> StoreResult<()> {
        let kind = Scoped::TreatmentSession;
        self.set_document(kind, session.to_text(), "pre_checks", document, DateKind::Charted, "session_pre_checks")
            .await
    }

    /// Replaces the JSON document in `column` of record `id` of this clinic, after checking the times it holds as
    /// `times`; the audit event names the change `audited_as`.
    async fn set_document(
        &self,
        kind: Scoped,
        id: String,
        column: &'static str,
        document: &Value,
        times: DateKind,
        audited_as: &'static str,
    ) -> StoreResult<()> {
        let text = to_json(column, document)?;
        let mut tx = self.begin_audited().await?;
        let now = tx.now();
        crate::bounds::document_times(column, document, times, from_micros(kind.table(), now)?)?;
        self.update_own(kind.table(), id.clone())
            .set(column, text)
            .set("updated_at", now)
            .execute_one(tx.db(), kind.entity())
            .await?;
        tx.commit_with(Audit::update(audited_as, id)).await
    }

    /// Records a dose, with the prescriber's override of a gate that blocked it, in one transaction; a
    /// scheduled session becomes in progress, started at the dose.
    pub async fn record_dose_with_override(
        &self,
        new: NewDose,
        ov: Option<&NewGateOverride>,
    ) -> StoreResult<(DoseRecord, Option<GateOverride>)> {
        if let Some(ov) = ov {
            self.require_prescriber("override a clinical gate")?;
            check_reason("override_reason", &ov.reason)?;
        }
        let mut tx = self.begin_audited().await?;
        let now = tx.now();
        let patient = self.session_patient(&mut tx, new.session_id).await?;
        let session = new.session_id;
        let given = to_micros(new.given_at);
        let dose = self.insert_dose(&mut tx, new).await?;
        let recorded = match ov {
            Some(ov) => Some(self.insert_override(&mut tx, &patient, ov).await?),
            None => None,
        };
        // The session's move to "in progress" below is part of recording the dose: the dose's event covers it.
        let mut events = AuditEvents::from(Audit::create("dose_record", dose.id.to_text()));
        if let Some(o) = &recorded {
            events.push(Audit::create("gate_override", o.id.to_text()));
        }
        self.update_own("sessions", session.to_text())
            .set("status", SessionStatus::InProgress.code())
            .set_if_null("started_at", given)
            .set("updated_at", now)
            .filter("status", SessionStatus::Scheduled.code())
            .execute(tx.db())
            .await?;
        tx.commit_with(events).await?;
        Ok((dose, recorded))
    }

    /// Completes a session: discharged now by the acting user, with the REMS evaluation answer and, when a
    /// prescriber passed unmet criteria, the override, in one transaction.
    pub async fn discharge_session(&self, id: SessionId, d: &Discharge) -> StoreResult<TreatmentSession> {
        if d.ready_to_leave_minutes.is_some_and(|m| m < 0) {
            return Err(StoreError::invalid("ready_to_leave_at", "must not be before the first administration"));
        }
        if let Some(ov) = &d.override_ {
            self.require_prescriber("override a clinical gate")?;
            check_reason("override_reason", &ov.reason)?;
        }
        let mut tx = self.begin_audited().await?;
        let now = tx.now();
        let patient = self.session_patient(&mut tx, id).await?;
        let (status,): (String,) = tx
            .fetch_one(
                "SELECT status FROM sessions WHERE id = $1 AND clinic_id = $2",
                &args![id.to_text(), self.clinic()],
            )
            .await?;
        if status == SessionStatus::Completed.code() {
            return Err(StoreError::Conflict("the session is already discharged".to_owned()));
        }
        if status == SessionStatus::EndedEarly.code() {
            return Err(StoreError::Conflict("the session ended early: the patient has left".to_owned()));
        }
        crate::bounds::instant(DateKind::Charted, "discharged_at", d.at, from_micros("sessions", now)?)?;
        let at = to_micros(d.at);
        let reason = d.override_.as_ref().map(|o| o.reason.trim().to_owned());
        self.update_own("sessions", id.to_text())
            .set("status", SessionStatus::Completed.code())
            .set("ended_at", at)
            .set("discharged_at", at)
            .set("discharged_by", self.actor_text())
            .set("ready_to_leave_minutes", d.ready_to_leave_minutes)
            .set("discharge_override_reason", reason)
            .set("updated_at", now)
            .execute(tx.db())
            .await?;
        let session_event = Audit::update("session", id.to_text());
        let events = match &d.override_ {
            Some(ov) => {
                let o = self.insert_override(&mut tx, &patient, ov).await?;
                AuditEvents::from(Audit::create("gate_override", o.id.to_text())).then(session_event)
            }
            None => AuditEvents::from(session_event),
        };
        let row: SessionRow = self.scoped_row(&mut tx, Scoped::TreatmentSession, SESSION_COLUMNS, id.to_text()).await?;
        tx.commit_with(events).await?;
        row.into_domain()
    }

    /// Ends a session early (status `ended_early`, never `completed`): the patient left at `at` before the
    /// discharge criteria were met, for `reason`; the adverse event that goes with it is recorded in the same
    /// transaction, so neither exists without the other. Nurses and prescribers only; a session that is already
    /// over is a conflict.
    pub async fn end_session_early(
        &self,
        id: SessionId,
        at: OffsetDateTime,
        reason: &str,
        event: crate::domain::NewAdverseEvent,
    ) -> StoreResult<(TreatmentSession, crate::domain::AdverseEvent)> {
        self.require_role(&[Role::Nurse, Role::Prescriber], "record an early departure")?;
        if reason.trim().is_empty() {
            return Err(StoreError::invalid("reason", "must not be blank"));
        }
        let mut tx = self.begin_audited().await?;
        let now = tx.now();
        let (status,): (String,) = tx
            .fetch_one(
                "SELECT status FROM sessions WHERE id = $1 AND clinic_id = $2",
                &args![id.to_text(), self.clinic()],
            )
            .await?;
        let status = SessionStatus::parse(&status).map_err(|m| StoreError::invalid("status", m))?;
        if status.is_closed() {
            return Err(StoreError::Conflict(format!("the session is already over ({})", status.label())));
        }
        crate::bounds::instant(DateKind::Charted, "ended_at", at, from_micros("sessions", now)?)?;
        let ended = to_micros(at);
        self.update_own("sessions", id.to_text())
            .set("status", SessionStatus::EndedEarly.code())
            .set("ended_at", ended)
            .set("early_departure_reason", reason.trim())
            .set("updated_at", now)
            .execute(tx.db())
            .await?;
        let event = self.insert_adverse_event(&mut tx, event).await?;
        let events = AuditEvents::from(Audit::create("adverse_event", event.id.to_text()))
            .then(Audit::update("session", id.to_text()));
        let row: SessionRow = self.scoped_row(&mut tx, Scoped::TreatmentSession, SESSION_COLUMNS, id.to_text()).await?;
        tx.commit_with(events).await?;
        Ok((row.into_domain()?, event))
    }

    /// The clinic's protocol settings document, if it has saved one.
    pub async fn protocol_settings(&self) -> StoreResult<Option<ProtocolSettingsDoc>> {
        let mut tx = self.store.begin_read().await?;
        let row: Option<ProtocolSettingsRow> = tx
            .fetch_optional(
                "SELECT document, updated_by, updated_at FROM protocol_settings WHERE clinic_id = $1",
                &args![self.clinic()],
            )
            .await?;
        row.map(ProtocolSettingsRow::into_domain).transpose()
    }

    /// Saves the clinic's protocol settings (clinic admins and prescribers only; checked by the caller against
    /// the clinical rules before it gets here).
    pub async fn put_protocol_settings(&self, document: &Value) -> StoreResult<ProtocolSettingsDoc> {
        self.require_role(&[Role::ClinicAdmin, Role::Prescriber], "change the protocol settings")?;
        let text = to_json("settings", document)?;
        let mut tx = self.begin_audited().await?;
        let now = tx.now();
        let n = Update::table("protocol_settings")
            .set("document", &text)
            .set("updated_by", self.actor_text())
            .set("updated_at", now)
            .filter("clinic_id", self.clinic())
            .execute(tx.db())
            .await?;
        if n == 0 {
            let id = IntakeId::new(from_micros("protocol_settings", now)?).to_text();
            self.insert_own("protocol_settings", id)
                .value("document", &text)
                .value("updated_by", self.actor_text())
                .value("updated_at", now)
                .execute(tx.db())
                .await?;
        }
        tx.commit_with(Audit::update("protocol_settings", self.clinic().to_owned())).await?;
        Ok(ProtocolSettingsDoc {
            document: document.clone(),
            updated_by: Some(self.actor.user_id),
            updated_at: from_micros("protocol_settings", now)?,
        })
    }

    /// The clinic's own time zone (an IANA name), if a clinic admin or prescriber has chosen one. The web crate
    /// checks the name against the time zone database before [`ClinicScope::set_time_zone`] stores it.
    pub async fn time_zone(&self) -> StoreResult<Option<String>> {
        let mut tx = self.store.begin_read().await?;
        let row: Option<(Option<String>,)> = tx
            .fetch_optional("SELECT time_zone FROM protocol_settings WHERE clinic_id = $1", &args![self.clinic()])
            .await?;
        Ok(row.and_then(|(zone,)| zone).filter(|zone| !zone.is_empty()))
    }

    /// Chooses the clinic's time zone (`None`: back to the default derived from the listing), clinic admins and
    /// prescribers only, as for the protocol settings it sits beside. A clinic without saved settings gets an
    /// empty settings document (every setting at its default) to hold it.
    pub async fn set_time_zone(&self, zone: Option<&str>) -> StoreResult<()> {
        self.require_role(&[Role::ClinicAdmin, Role::Prescriber], "change the clinic time zone")?;
        if let Some(zone) = zone
            && (zone.is_empty() || zone.len() > 64)
        {
            return Err(StoreError::invalid("time_zone", "must be a time zone name of 1 to 64 characters"));
        }
        self.set_clinic_setting("time_zone", db::Value::from(zone)).await
    }

    /// Sets one column of the clinic's settings row, audited as an update of the settings. A clinic without saved
    /// settings gets an empty settings document (every setting at its default) to hold it.
    pub(crate) async fn set_clinic_setting(&self, column: &'static str, value: db::Value) -> StoreResult<()> {
        let mut tx = self.begin_audited().await?;
        let now = tx.now();
        // A new row's id is its first write's time, like an intake's.
        let id = IntakeId::new(from_micros("protocol_settings", now)?).to_text();
        Update::table("protocol_settings")
            .set(column, value)
            .set("updated_by", self.actor_text())
            .set("updated_at", now)
            .filter("clinic_id", self.clinic())
            .execute_or_insert(tx.db(), [("id", db::Value::from(id)), ("document", db::Value::from("{}"))])
            .await?;
        tx.commit_with(Audit::update("protocol_settings", self.clinic().to_owned())).await
    }

    /// The submitted Patient Monitoring Form of a session, if any.
    pub async fn rems_form(&self, session: SessionId) -> StoreResult<Option<RemsFormRecord>> {
        let of = Children { table: "rems_forms", columns: REMS_FORM_COLUMNS, order: "id" };
        let row: Option<RemsFormRow> = self.child(Scoped::TreatmentSession, session.to_text(), of).await?;
        row.map(RemsFormRow::into_domain).transpose()
    }

    /// Records a checked form as submitted at `at`; a second submission of the same session is a conflict.
    pub async fn submit_rems_form(
        &self,
        session: SessionId,
        form: &Value,
        at: OffsetDateTime,
    ) -> StoreResult<RemsFormRecord> {
        let text = to_json("form", form)?;
        let mut tx = self.begin_audited().await?;
        let now = tx.now();
        let patient = self.session_patient(&mut tx, session).await?;
        self.refuse_once_submitted(&mut tx, session).await?;
        let created = from_micros("rems_forms", now)?;
        crate::bounds::instant(DateKind::Charted, "submitted_at", at, created)?;
        crate::bounds::document_times("form", form, DateKind::Charted, created)?;
        let id = RemsFormId::new(created);
        self.insert_own("rems_forms", id.to_text())
            .value("patient_id", &patient)
            .value("session_id", session.to_text())
            .value("form", text)
            .value("submitted_at", to_micros(at))
            .value("submitted_by", self.actor_text())
            .value("created_at", now)
            .execute(tx.db())
            .await?;
        tx.commit_with(Audit::create("rems_form", id.to_text())).await?;
        Ok(RemsFormRecord {
            id,
            session_id: session,
            patient_id: crate::rows::parse_id("sessions", &patient, PatientId)?,
            form: form.clone(),
            submitted_at: truncate_to_micros(at),
            submitted_by: Some(self.actor.user_id),
            created_at: created,
        })
    }

    /// A conflict when the session's form is already submitted: a submitted form takes neither a second
    /// submission nor a draft, and both writes check it inside their own transaction.
    async fn refuse_once_submitted(&self, tx: &mut AuditedTx<'_>, session: SessionId) -> StoreResult<()> {
        let (submitted,): (i64,) = tx
            .fetch_one(
                "SELECT COUNT(*) FROM rems_forms WHERE clinic_id = $1 AND session_id = $2",
                &args![self.clinic(), session.to_text()],
            )
            .await?;
        if submitted > 0 {
            return Err(StoreError::Conflict("the form of this session is already submitted".to_owned()));
        }
        Ok(())
    }

    /// The saved draft of a session's form (the staff answers), if one was saved.
    pub async fn rems_form_draft(&self, session: SessionId) -> StoreResult<Option<RemsFormDraft>> {
        let of = Children { table: "rems_form_drafts", columns: REMS_FORM_DRAFT_COLUMNS, order: "id" };
        let row: Option<RemsFormDraftRow> = self.child(Scoped::TreatmentSession, session.to_text(), of).await?;
        row.map(RemsFormDraftRow::into_domain).transpose()
    }

    /// Saves `answers` (the staff answers, checked by the caller against the form) as the draft of a session's form,
    /// replacing the draft saved before, by the acting user now. A form already submitted takes no draft: conflict.
    pub async fn save_rems_form_draft(&self, session: SessionId, answers: &Value) -> StoreResult<RemsFormDraft> {
        let text = to_json("answers", answers)?;
        let mut tx = self.begin_audited().await?;
        let now = tx.now();
        let patient = self.session_patient(&mut tx, session).await?;
        self.refuse_once_submitted(&mut tx, session).await?;
        let saved = from_micros("rems_form_drafts", now)?;
        let existing: Option<(String,)> = tx
            .fetch_optional(
                "SELECT id FROM rems_form_drafts WHERE clinic_id = $1 AND session_id = $2",
                &args![self.clinic(), session.to_text()],
            )
            .await?;
        // One draft per session: a later save replaces the answers and says who saved them when.
        let (id, audit) = match existing {
            Some((raw,)) => {
                let id = crate::rows::parse_id("rems_form_drafts", &raw, RemsFormDraftId)?;
                self.update_own("rems_form_drafts", raw)
                    .set("answers", text)
                    .set("saved_at", now)
                    .set("saved_by", self.actor_text())
                    .execute(tx.db())
                    .await?;
                (id, Audit::update("rems_form_draft", id.to_text()))
            }
            None => {
                let id = RemsFormDraftId::new(saved);
                self.insert_own("rems_form_drafts", id.to_text())
                    .value("patient_id", &patient)
                    .value("session_id", session.to_text())
                    .value("answers", text)
                    .value("saved_at", now)
                    .value("saved_by", self.actor_text())
                    .value("created_at", now)
                    .execute(tx.db())
                    .await?;
                (id, Audit::create("rems_form_draft", id.to_text()))
            }
        };
        tx.commit_with(audit).await?;
        Ok(RemsFormDraft {
            id,
            session_id: session,
            patient_id: crate::rows::parse_id("sessions", &patient, PatientId)?,
            answers: answers.clone(),
            saved_at: saved,
            saved_by: Some(self.actor.user_id),
        })
    }

    /// Every session of the clinic with a dose of a course of `treatment`, with its first dose time and when its
    /// form was submitted, for the REMS form dashboard.
    pub async fn dosed_sessions(&self, treatment: &str) -> StoreResult<Vec<DosedSession>> {
        let sql = "SELECT s.id AS session_id, s.patient_id AS patient_id, c.treatment AS treatment, \
                 MIN(d.given_at) AS first_dose_at, MIN(f.submitted_at) AS submitted_at \
                 FROM sessions s JOIN courses c ON c.id = s.course_id AND c.clinic_id = s.clinic_id \
                 JOIN dose_records d ON d.session_id = s.id AND d.clinic_id = s.clinic_id \
                 LEFT JOIN rems_forms f ON f.session_id = s.id AND f.clinic_id = s.clinic_id \
                 WHERE s.clinic_id = $1 AND c.treatment = $2 \
                 GROUP BY s.id, s.patient_id, c.treatment ORDER BY s.id";
        let audit = Audit::list("rems_form", format!("treatment:{treatment}"));
        self.listed(sql, &args![self.clinic(), treatment], audit, DosedSessionRow::into_domain).await
    }

    /// When the patient's first dose of any course was given, if one was.
    pub async fn first_dose_at(&self, patient: PatientId) -> StoreResult<Option<OffsetDateTime>> {
        let mut tx = self.begin_audited().await?;
        self.require(&mut tx, Scoped::Patient, patient.to_text()).await?;
        let (first,): (Option<i64>,) = tx
            .fetch_one(
                "SELECT MIN(given_at) FROM dose_records WHERE clinic_id = $1 AND patient_id = $2",
                &args![self.clinic(), patient.to_text()],
            )
            .await?;
        tx.commit_with(Audit::list("dose_record", format!("patient:{patient}"))).await?;
        from_micros_opt("dose_records", first)
    }
}
