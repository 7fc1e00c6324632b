//! A past course of treatment written in one audited transaction: the patient, the research consent, the course,
//! each session with its observations, dose, gate override and adverse events, and the course's ratings. Each
//! record goes through the same insert as its one-record method and gets its own audit event; only the
//! transaction is shared, so that a demo year of a few hundred patients is written in a few hundred transactions
//! instead of the tens of thousands that charting it step by step would take.

use ketapath_clinical::dates::DateKind;

use crate::audited::{Audit, AuditEvents};
use crate::clock::{date_to_text, from_micros, to_micros};
use crate::domain::{
    CourseStatus, Gate, NewAdverseEvent, NewAssessment, NewCourse, NewDose, NewGateOverride, NewObservation,
    NewTreatmentSession, PastTreatment, PatientId, SessionStatus,
};
use crate::error::{StoreError, StoreResult};
use crate::scope::ClinicScope;

impl ClinicScope {
    /// Writes one patient's past course of treatment (see the module documentation). A session whose gate was
    /// overridden needs a prescriber's scope, as the override of a live session does. Answers the new patient.
    pub async fn record_past_treatment(&self, past: PastTreatment) -> StoreResult<PatientId> {
        if past.ended_on.is_some_and(|end| end < past.started_on) {
            return Err(StoreError::invalid("ended_on", "must not be before started_on"));
        }
        let mut tx = self.begin_audited().await?;
        let now = tx.now();
        let at = from_micros("patients", now)?;
        let patient = self.insert_patient(&mut tx, past.patient).await?;
        let mut events = AuditEvents::from(Audit::create("patient", patient.id.to_text()));
        if let Some(decided_on) = past.consent_on {
            crate::bounds::date(DateKind::Consent, "consent_on", decided_on, at)?;
            let id = crate::domain::ConsentRecordId::new(at);
            self.insert_own("research_consents", id.to_text())
                .value("patient_id", patient.id.to_text())
                .value("status", "given")
                .value("decided_on", date_to_text(decided_on))
                .value("recorded_by", self.actor_text())
                .value("recorded_at", now)
                .execute(tx.db())
                .await?;
            events.push(Audit::create("research_consent", id.to_text()));
        }
        let new_course = NewCourse {
            patient_id: patient.id,
            treatment: past.treatment,
            planned_sessions: past.planned_sessions,
            prescriber_id: None,
            started_on: Some(past.started_on),
            notes: None,
        };
        let course = self.insert_course(&mut tx, new_course).await?;
        let status = if past.ended_on.is_some() { CourseStatus::Completed } else { CourseStatus::Active };
        self.update_own("courses", course.id.to_text())
            .set("status", status.code())
            .set("ended_on", past.ended_on.map(date_to_text))
            .execute_one(tx.db(), "course")
            .await?;
        events.push(Audit::create("course", course.id.to_text()));

        let mut session_ids = Vec::with_capacity(past.sessions.len());
        for s in past.sessions {
            crate::bounds::instant(DateKind::Charted, "started_at", s.started_at, at)?;
            crate::bounds::instant(DateKind::Charted, "ended_at", s.ended_at, at)?;
            let new = NewTreatmentSession {
                course_id: course.id,
                scheduled_at: Some(s.started_at),
                monitored_by: Some(self.actor().user_id),
            };
            let session = self.insert_session(&mut tx, new).await?;
            events.push(Audit::create("session", session.id.to_text()));
            let dosed_at = s.dose.as_ref().map(|d| d.at);
            for (observed_at, measurement) in s.observations {
                let minutes_after_dose =
                    dosed_at.filter(|d| observed_at >= *d).map(|d| (observed_at - d).whole_minutes());
                let new = NewObservation { session_id: session.id, observed_at, minutes_after_dose, measurement };
                let o = self.insert_observation(&mut tx, new).await?;
                events.push(Audit::create("observation", o.id.to_text()));
            }
            if let Some((reason, rules)) = s.gate_override {
                let ov = NewGateOverride {
                    session_id: session.id,
                    gate: Gate::BpGate,
                    reason,
                    rules,
                    at: dosed_at.unwrap_or(s.started_at),
                };
                let o = self.insert_override(&mut tx, &patient.id.to_text(), &ov).await?;
                events.push(Audit::create("gate_override", o.id.to_text()));
            }
            let (status, discharged_at) = match s.dose {
                Some(d) => {
                    let new = NewDose {
                        session_id: session.id,
                        given_at: d.at,
                        drug: d.drug,
                        dose_mg: d.dose_mg,
                        route: d.route,
                        lot_number: d.lot_number,
                    };
                    let dose = self.insert_dose(&mut tx, new).await?;
                    events.push(Audit::create("dose_record", dose.id.to_text()));
                    (SessionStatus::Completed, Some(to_micros(s.ended_at)))
                }
                None => (SessionStatus::Aborted, None),
            };
            for e in s.adverse_events {
                let new = NewAdverseEvent {
                    patient_id: patient.id,
                    session_id: Some(session.id),
                    occurred_at: e.at,
                    kind: e.kind,
                    severity: e.severity,
                    description: e.description,
                    action_taken: None,
                    reported_externally: false,
                };
                let event = self.insert_adverse_event(&mut tx, new).await?;
                events.push(Audit::create("adverse_event", event.id.to_text()));
            }
            self.update_own("sessions", session.id.to_text())
                .set("status", status.code())
                .set("started_at", to_micros(s.started_at))
                .set("ended_at", to_micros(s.ended_at))
                .set("discharged_at", discharged_at)
                .set("discharged_by", discharged_at.map(|_| self.actor_text()))
                .execute_one(tx.db(), "session")
                .await?;
            session_ids.push(session.id);
        }

        for a in past.assessments {
            let session_id = match a.session {
                Some(i) => Some(*session_ids.get(i).ok_or_else(|| {
                    StoreError::invalid("assessments.session", format!("no session {i} in this course"))
                })?),
                None => None,
            };
            let new = NewAssessment {
                patient_id: patient.id,
                course_id: Some(course.id),
                session_id,
                items: a.items,
                administered_at: a.at,
            };
            let inserted = self.insert_staff_assessment(&mut tx, &new, Some(a.context)).await?;
            events.push(Audit::create("assessment", inserted.id.to_text()));
        }
        tx.commit_with(events).await?;
        Ok(patient.id)
    }
}
