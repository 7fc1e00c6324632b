//! Treatment courses, sessions, doses, timed observations and adverse events inside a [`ClinicScope`].

use ketapath_clinical::dates::DateKind;

use crate::audited::{Audit, AuditEvents, AuditedTx};
use crate::clock::{date_to_text, from_micros, to_micros, truncate_to_micros};
use crate::db::args;
use crate::domain::{
    AdverseEvent, AdverseEventId, Course, CourseId, CourseStatus, DoseId, DoseRecord, NewAdverseEvent, NewCourse,
    NewDose, NewObservation, NewTreatmentSession, Observation, ObservationId, PatientId, SessionId, SessionStatus,
    StaffId, TreatmentSession, TreatmentSessionDetail, TreatmentSessionUpdate,
};
use crate::error::{StoreError, StoreResult};
use crate::rows::care::{GATE_OVERRIDE_COLUMNS, GateOverrideRow};
use crate::rows::treatment::{
    ADVERSE_EVENT_COLUMNS, AdverseEventRow, COURSE_COLUMNS, CourseRow, DOSE_COLUMNS, DoseRow, OBSERVATION_COLUMNS,
    ObservationRow, SESSION_COLUMNS, SessionRow,
};
use crate::scope::{Children, ClinicScope, Scoped};

impl ClinicScope {
    /// Fails unless `staff` is a user of this clinic (a prescriber or monitor named on a record).
    async fn require_staff(&self, tx: &mut AuditedTx<'_>, staff: Option<StaffId>) -> StoreResult<()> {
        let Some(id) = staff else { return Ok(()) };
        let (n,): (i64,) = tx
            .fetch_one(
                "SELECT COUNT(*) FROM staff_users WHERE id = $1 AND clinic_id = $2",
                &args![id.to_text(), self.clinic()],
            )
            .await?;
        if n == 1 { Ok(()) } else { Err(StoreError::NotFound { entity: "staff user" }) }
    }

    /// Plans a treatment course for a patient of this clinic.
    pub async fn create_course(&self, new: NewCourse) -> StoreResult<Course> {
        let mut tx = self.begin_audited().await?;
        let c = self.insert_course(&mut tx, new).await?;
        tx.commit_with(Audit::create("course", c.id.to_text())).await?;
        Ok(c)
    }

    /// Inserts a course inside `tx`; the caller commits it with the course's audit event.
    pub(crate) async fn insert_course(&self, tx: &mut AuditedTx<'_>, new: NewCourse) -> StoreResult<Course> {
        let now = tx.now();
        if new.treatment.trim().is_empty() {
            return Err(StoreError::invalid("treatment", "must not be empty"));
        }
        if new.planned_sessions.is_some_and(|n| n < 1) {
            return Err(StoreError::invalid("planned_sessions", "must be at least 1"));
        }
        self.require(tx, Scoped::Patient, new.patient_id.to_text()).await?;
        self.require_staff(tx, new.prescriber_id).await?;
        let at = from_micros("courses", now)?;
        if let Some(started) = new.started_on {
            crate::bounds::date(DateKind::Planned, "started_on", started, at)?;
        }
        let c = Course {
            id: CourseId::new(at),
            patient_id: new.patient_id,
            treatment: new.treatment,
            status: CourseStatus::Planned,
            planned_sessions: new.planned_sessions,
            prescriber_id: new.prescriber_id,
            started_on: new.started_on,
            ended_on: None,
            end_reason: None,
            notes: new.notes,
            created_at: at,
            updated_at: at,
        };
        self.insert_own("courses", c.id.to_text())
            .value("patient_id", c.patient_id.to_text())
            .value("treatment", &c.treatment)
            .value("status", c.status.code())
            .value("planned_sessions", c.planned_sessions)
            .value("prescriber_id", c.prescriber_id.map(|p| p.to_text()))
            .value("started_on", c.started_on.map(date_to_text))
            .value("ended_on", None::<String>)
            .value("end_reason", None::<String>)
            .value("notes", c.notes.clone())
            .value("created_at", now)
            .value("updated_at", now)
            .execute(tx.db())
            .await?;
        Ok(c)
    }

    /// Changes a course's status; `ended_on` and `end_reason` apply to completed and stopped courses.
    pub async fn set_course_status(
        &self,
        id: CourseId,
        status: CourseStatus,
        ended_on: Option<time::Date>,
        end_reason: Option<String>,
    ) -> StoreResult<Course> {
        let mut tx = self.begin_audited().await?;
        let now = tx.now();
        self.update_own("courses", id.to_text())
            .set("status", status.code())
            .set("ended_on", ended_on.map(date_to_text))
            .set("end_reason", end_reason)
            .set("updated_at", now)
            .execute_one(tx.db(), "course")
            .await?;
        let row: CourseRow = self.scoped_row(&mut tx, Scoped::Course, COURSE_COLUMNS, id.to_text()).await?;
        let course = row.into_domain()?;
        // Checked on the row as stored, so the start date compared is the one in this transaction; returning the
        // error drops the transaction, which rolls the update back.
        if let (Some(start), Some(end)) = (course.started_on, course.ended_on)
            && end < start
        {
            return Err(StoreError::invalid("ended_on", format!("must not be before the course's start, {start}")));
        }
        tx.commit_with(Audit::update("course", id.to_text())).await?;
        Ok(course)
    }

    /// A course of this clinic.
    pub async fn course(&self, id: CourseId) -> StoreResult<Course> {
        let mut tx = self.begin_audited().await?;
        let row: CourseRow = self.scoped_row(&mut tx, Scoped::Course, COURSE_COLUMNS, id.to_text()).await?;
        tx.commit_with(Audit::read("course", id.to_text())).await?;
        row.into_domain()
    }

    /// A patient's courses, oldest first.
    pub async fn courses(&self, patient: PatientId) -> StoreResult<Vec<Course>> {
        let of = Children { table: "courses", columns: COURSE_COLUMNS, order: "created_at, id" };
        self.children(Scoped::Patient, patient.to_text(), of, CourseRow::into_domain).await
    }

    /// Schedules the next session of a course; sessions are numbered from 1 within their course.
    pub async fn create_session(&self, new: NewTreatmentSession) -> StoreResult<TreatmentSession> {
        let mut tx = self.begin_audited().await?;
        let s = self.insert_session(&mut tx, new).await?;
        tx.commit_with(Audit::create("session", s.id.to_text())).await?;
        Ok(s)
    }

    /// Inserts a scheduled session inside `tx`; the caller commits it with the session's audit event.
    pub(crate) async fn insert_session(
        &self,
        tx: &mut AuditedTx<'_>,
        new: NewTreatmentSession,
    ) -> StoreResult<TreatmentSession> {
        let now = tx.now();
        let (patient,): (String,) = self.scoped_row(tx, Scoped::Course, "patient_id", new.course_id.to_text()).await?;
        self.require_staff(tx, new.monitored_by).await?;
        let (number,): (i64,) = tx
            .fetch_one(
                "SELECT COALESCE(MAX(number), 0) + 1 FROM sessions WHERE course_id = $1 AND clinic_id = $2",
                &args![new.course_id.to_text(), self.clinic()],
            )
            .await?;
        let at = from_micros("sessions", now)?;
        crate::bounds::instant_opt(DateKind::Planned, "scheduled_at", new.scheduled_at, at)?;
        let s = TreatmentSession {
            id: SessionId::new(at),
            patient_id: crate::rows::parse_id("courses", &patient, PatientId)?,
            course_id: new.course_id,
            number,
            status: SessionStatus::Scheduled,
            scheduled_at: new.scheduled_at.map(truncate_to_micros),
            started_at: None,
            ended_at: None,
            monitored_by: new.monitored_by,
            ready_to_leave_minutes: None,
            discharged_at: None,
            discharged_by: None,
            discharge_override_reason: None,
            early_departure_reason: None,
            notes: None,
            created_at: at,
            updated_at: at,
        };
        // The columns of schema version 1 only, so the forward-migration test can seed an old database with
        // today's code; columns added since start empty and are written by their own steps.
        self.insert_own("sessions", s.id.to_text())
            .value("patient_id", patient)
            .value("course_id", s.course_id.to_text())
            .value("number", s.number)
            .value("status", s.status.code())
            .value("scheduled_at", s.scheduled_at.map(to_micros))
            .value("started_at", None::<i64>)
            .value("ended_at", None::<i64>)
            .value("monitored_by", s.monitored_by.map(|m| m.to_text()))
            .value("ready_to_leave_minutes", None::<i64>)
            .value("discharged_at", None::<i64>)
            .value("discharged_by", None::<String>)
            .value("discharge_override_reason", None::<String>)
            .value("notes", None::<String>)
            .value("created_at", now)
            .value("updated_at", now)
            .execute(tx.db())
            .await?;
        Ok(s)
    }

    /// Replaces the changing fields of a session (start, end, discharge, override).
    pub async fn update_session(&self, id: SessionId, u: TreatmentSessionUpdate) -> StoreResult<TreatmentSession> {
        if u.ready_to_leave_minutes.is_some_and(|m| m < 0) {
            return Err(StoreError::invalid("ready_to_leave_minutes", "must not be negative"));
        }
        if u.discharge_override_reason.as_deref().is_some_and(|r| r.trim().is_empty()) {
            return Err(StoreError::invalid("discharge_override_reason", "must not be blank when given"));
        }
        let mut tx = self.begin_audited().await?;
        let now = tx.now();
        let at = from_micros("sessions", now)?;
        crate::bounds::instant_opt(DateKind::Charted, "started_at", u.started_at, at)?;
        crate::bounds::instant_opt(DateKind::Charted, "ended_at", u.ended_at, at)?;
        crate::bounds::instant_opt(DateKind::Charted, "discharged_at", u.discharged_at, at)?;
        self.require_staff(&mut tx, u.monitored_by).await?;
        self.require_staff(&mut tx, u.discharged_by).await?;
        self.update_own("sessions", id.to_text())
            .set("status", u.status.code())
            .set("started_at", u.started_at.map(to_micros))
            .set("ended_at", u.ended_at.map(to_micros))
            .set("monitored_by", u.monitored_by.map(|m| m.to_text()))
            .set("ready_to_leave_minutes", u.ready_to_leave_minutes)
            .set("discharged_at", u.discharged_at.map(to_micros))
            .set("discharged_by", u.discharged_by.map(|m| m.to_text()))
            .set("discharge_override_reason", u.discharge_override_reason)
            .set("notes", u.notes)
            .set("updated_at", now)
            .execute_one(tx.db(), "session")
            .await?;
        let row: SessionRow = self.scoped_row(&mut tx, Scoped::TreatmentSession, SESSION_COLUMNS, id.to_text()).await?;
        tx.commit_with(Audit::update("session", id.to_text())).await?;
        row.into_domain()
    }

    /// The patient of a session of this clinic, or "not found".
    pub(crate) async fn session_patient(&self, tx: &mut AuditedTx<'_>, session: SessionId) -> StoreResult<String> {
        let (patient,): (String,) =
            self.scoped_row(tx, Scoped::TreatmentSession, "patient_id", session.to_text()).await?;
        Ok(patient)
    }

    /// Records a dose given during a session.
    pub async fn record_dose(&self, new: NewDose) -> StoreResult<DoseRecord> {
        let mut tx = self.begin_audited().await?;
        let d = self.insert_dose(&mut tx, new).await?;
        tx.commit_with(Audit::create("dose_record", d.id.to_text())).await?;
        Ok(d)
    }

    /// Inserts a dose inside `tx`; the caller commits it with the dose's audit event.
    pub(crate) async fn insert_dose(&self, tx: &mut AuditedTx<'_>, new: NewDose) -> StoreResult<DoseRecord> {
        let now = tx.now();
        if !new.dose_mg.is_finite() || new.dose_mg <= 0.0 {
            return Err(StoreError::invalid("dose_mg", "must be a positive number"));
        }
        let patient = self.session_patient(tx, new.session_id).await?;
        let at = from_micros("dose_records", now)?;
        crate::bounds::instant(DateKind::Charted, "given_at", new.given_at, at)?;
        let d = DoseRecord {
            id: DoseId::new(at),
            session_id: new.session_id,
            given_at: truncate_to_micros(new.given_at),
            drug: new.drug,
            dose_mg: new.dose_mg,
            route: new.route,
            lot_number: new.lot_number,
            given_by: Some(self.actor.user_id),
            created_at: at,
        };
        self.insert_own("dose_records", d.id.to_text())
            .value("patient_id", patient)
            .value("session_id", d.session_id.to_text())
            .value("given_at", to_micros(d.given_at))
            .value("drug", &d.drug)
            .value("dose_mg", d.dose_mg)
            .value("route", &d.route)
            .value("lot_number", d.lot_number.clone())
            .value("given_by", self.actor_text())
            .value("created_at", now)
            .execute(tx.db())
            .await?;
        Ok(d)
    }

    /// Records a timed observation during a session.
    pub async fn record_observation(&self, new: NewObservation) -> StoreResult<Observation> {
        let mut tx = self.begin_audited().await?;
        let o = self.insert_observation(&mut tx, new).await?;
        tx.commit_with(Audit::create("observation", o.id.to_text())).await?;
        Ok(o)
    }

    /// Records several measures taken at one moment (a blood pressure, a heart rate, an SpO2) together.
    pub async fn record_observations(&self, new: Vec<NewObservation>) -> StoreResult<Vec<Observation>> {
        let mut tx = self.begin_audited().await?;
        let mut out = Vec::with_capacity(new.len());
        for n in new {
            out.push(self.insert_observation(&mut tx, n).await?);
        }
        // No measures, nothing written: the transaction is dropped (rolled back) instead of committed.
        let Some(events) = AuditEvents::from_all(out.iter().map(|o| Audit::create("observation", o.id.to_text())))
        else {
            return Ok(out);
        };
        tx.commit_with(events).await?;
        Ok(out)
    }

    /// Inserts an observation inside `tx`; the caller commits it with the observation's audit event.
    pub(crate) async fn insert_observation(
        &self,
        tx: &mut AuditedTx<'_>,
        new: NewObservation,
    ) -> StoreResult<Observation> {
        let now = tx.now();
        if new.minutes_after_dose.is_some_and(|m| m < 0) {
            return Err(StoreError::invalid("minutes_after_dose", "must not be negative"));
        }
        let data =
            serde_json::to_string(&new.measurement).map_err(|e| StoreError::invalid("measurement", e.to_string()))?;
        let patient = self.session_patient(tx, new.session_id).await?;
        let at = from_micros("observations", now)?;
        crate::bounds::instant(DateKind::Charted, "observed_at", new.observed_at, at)?;
        let o = Observation {
            id: ObservationId::new(at),
            session_id: new.session_id,
            observed_at: truncate_to_micros(new.observed_at),
            minutes_after_dose: new.minutes_after_dose,
            measurement: new.measurement,
            recorded_by: Some(self.actor.user_id),
            created_at: at,
        };
        self.insert_own("observations", o.id.to_text())
            .value("patient_id", patient)
            .value("session_id", o.session_id.to_text())
            .value("observed_at", to_micros(o.observed_at))
            .value("minutes_after_dose", o.minutes_after_dose)
            .value("kind", o.measurement.kind())
            .value("data", data)
            .value("recorded_by", self.actor_text())
            .value("created_at", now)
            .execute(tx.db())
            .await?;
        Ok(o)
    }

    /// Records an adverse event of a patient, during a session or not.
    pub async fn record_adverse_event(&self, new: NewAdverseEvent) -> StoreResult<AdverseEvent> {
        let mut tx = self.begin_audited().await?;
        let e = self.insert_adverse_event(&mut tx, new).await?;
        tx.commit_with(Audit::create("adverse_event", e.id.to_text())).await?;
        Ok(e)
    }

    /// Inserts an adverse event of the scope's patient (and session, when given) inside `tx`; the caller commits
    /// it with the event's audit entry.
    pub(crate) async fn insert_adverse_event(
        &self,
        tx: &mut AuditedTx<'_>,
        new: NewAdverseEvent,
    ) -> StoreResult<AdverseEvent> {
        let now = tx.now();
        if new.kind.trim().is_empty() {
            return Err(StoreError::invalid("kind", "must not be empty"));
        }
        self.require(tx, Scoped::Patient, new.patient_id.to_text()).await?;
        if let Some(s) = new.session_id {
            let patient = self.session_patient(tx, s).await?;
            if patient != new.patient_id.to_text() {
                return Err(StoreError::invalid("session_id", "the session belongs to another patient"));
            }
        }
        let at = from_micros("adverse_events", now)?;
        crate::bounds::instant(DateKind::Charted, "occurred_at", new.occurred_at, at)?;
        let e = AdverseEvent {
            id: AdverseEventId::new(at),
            patient_id: new.patient_id,
            session_id: new.session_id,
            occurred_at: truncate_to_micros(new.occurred_at),
            kind: new.kind,
            severity: new.severity,
            description: new.description,
            action_taken: new.action_taken,
            reported_externally: new.reported_externally,
            recorded_by: Some(self.actor.user_id),
            created_at: at,
        };
        self.insert_own("adverse_events", e.id.to_text())
            .value("patient_id", e.patient_id.to_text())
            .value("session_id", e.session_id.map(|s| s.to_text()))
            .value("occurred_at", to_micros(e.occurred_at))
            .value("kind", &e.kind)
            .value("severity", e.severity.code())
            .value("description", e.description.clone())
            .value("action_taken", e.action_taken.clone())
            .value("reported_externally", e.reported_externally)
            .value("recorded_by", self.actor_text())
            .value("created_at", now)
            .execute(tx.db())
            .await?;
        Ok(e)
    }

    /// A session with its doses, observations (in time order) and adverse events.
    pub async fn session(&self, id: SessionId) -> StoreResult<TreatmentSessionDetail> {
        let mut tx = self.begin_audited().await?;
        let row: SessionRow = self.scoped_row(&mut tx, Scoped::TreatmentSession, SESSION_COLUMNS, id.to_text()).await?;
        let a = args![id.to_text(), self.clinic()];
        let doses: Vec<DoseRow> = tx
            .fetch_all(
                &format!("SELECT {DOSE_COLUMNS} FROM dose_records WHERE session_id = $1 AND clinic_id = $2 ORDER BY given_at, id"),
                &a,
            )
            .await?;
        let observations: Vec<ObservationRow> = tx
            .fetch_all(
                &format!(
                    "SELECT {OBSERVATION_COLUMNS} FROM observations WHERE session_id = $1 AND clinic_id = $2 \
                     ORDER BY observed_at, id"
                ),
                &a,
            )
            .await?;
        let events: Vec<AdverseEventRow> = tx
            .fetch_all(
                &format!(
                    "SELECT {ADVERSE_EVENT_COLUMNS} FROM adverse_events WHERE session_id = $1 AND clinic_id = $2 \
                     ORDER BY occurred_at, id"
                ),
                &a,
            )
            .await?;
        let (pre_checks,): (Option<String>,) =
            tx.fetch_one("SELECT pre_checks FROM sessions WHERE id = $1 AND clinic_id = $2", &a).await?;
        let overrides: Vec<GateOverrideRow> = tx
            .fetch_all(
                &format!(
                    "SELECT {GATE_OVERRIDE_COLUMNS} FROM gate_overrides WHERE session_id = $1 AND clinic_id = $2 \
                     ORDER BY at, id"
                ),
                &a,
            )
            .await?;
        tx.commit_with(Audit::read("session", id.to_text())).await?;
        let pre_checks = pre_checks
            .map(|text| {
                serde_json::from_str(&text).map_err(|e| StoreError::corrupt("sessions", format!("pre_checks: {e}")))
            })
            .transpose()?;
        Ok(TreatmentSessionDetail {
            pre_checks,
            overrides: overrides.into_iter().map(GateOverrideRow::into_domain).collect::<StoreResult<_>>()?,
            session: row.into_domain()?,
            doses: doses.into_iter().map(DoseRow::into_domain).collect::<StoreResult<_>>()?,
            observations: observations.into_iter().map(ObservationRow::into_domain).collect::<StoreResult<_>>()?,
            adverse_events: events.into_iter().map(AdverseEventRow::into_domain).collect::<StoreResult<_>>()?,
        })
    }

    /// A course's sessions, in order.
    pub async fn sessions(&self, course: CourseId) -> StoreResult<Vec<TreatmentSession>> {
        let of = Children { table: "sessions", columns: SESSION_COLUMNS, order: "number" };
        self.children(Scoped::Course, course.to_text(), of, SessionRow::into_domain).await
    }

    /// A patient's adverse events, oldest first.
    pub async fn adverse_events(&self, patient: PatientId) -> StoreResult<Vec<AdverseEvent>> {
        let of = Children { table: "adverse_events", columns: ADVERSE_EVENT_COLUMNS, order: "occurred_at, id" };
        self.children(Scoped::Patient, patient.to_text(), of, AdverseEventRow::into_domain).await
    }
}
