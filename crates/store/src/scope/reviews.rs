//! A course's benefit review (the prescriber's continue-or-stop decision at the end of an esketamine induction)
//! and the facts the review gate reads: the course's first dose.

use time::OffsetDateTime;

use crate::audited::Audit;
use crate::clock::{date_from_text_opt, date_to_text, from_micros, from_micros_opt};
use crate::db::{Tx, args};
use crate::domain::{
    BenefitReview, BenefitReviewId, CourseId, CourseStatus, NewBenefitReview, PatientId, ReviewDecision, Role, StaffId,
};
use crate::error::{StoreError, StoreResult};
use crate::rows::{parse_code, parse_id};
use crate::scope::{ClinicScope, Scoped};
use crate::statement::Insert;

/// The longest note kept with a review, in characters (as long as an override reason may be).
pub const MAX_REVIEW_NOTE_CHARS: usize = 2000;

const REVIEW_COLUMNS: &str = "id, patient_id, course_id, decision, note, scores, decided_by, decided_at, created_at";

type ReviewRow = (String, String, String, String, Option<String>, String, String, i64, i64);

fn review_of(row: ReviewRow) -> StoreResult<BenefitReview> {
    const T: &str = "course_benefit_reviews";
    let (id, patient, course, decision, note, scores, by, at, created) = row;
    Ok(BenefitReview {
        id: parse_id(T, &id, BenefitReviewId)?,
        patient_id: parse_id(T, &patient, PatientId)?,
        course_id: parse_id(T, &course, CourseId)?,
        decision: parse_code(T, &decision, ReviewDecision::parse)?,
        note,
        scores: serde_json::from_str(&scores).map_err(|e| StoreError::corrupt(T, format!("scores: {e}")))?,
        decided_by: parse_id(T, &by, StaffId)?,
        decided_at: from_micros(T, at)?,
        created_at: from_micros(T, created)?,
    })
}

impl ClinicScope {
    /// Records a prescriber's benefit review of a course and, in the same transaction, what it decides: a
    /// `continue` may replace the schedule (the maintenance sessions added), a `stop` ends the course as `stopped`.
    /// Other roles are refused before anything is read; a course that is no longer open is refused as a conflict.
    pub async fn record_benefit_review(&self, new: NewBenefitReview) -> StoreResult<BenefitReview> {
        self.require_role(&[Role::Prescriber], "record a benefit review")?;
        let note = new.note.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned);
        if note.as_ref().is_some_and(|n| n.chars().count() > MAX_REVIEW_NOTE_CHARS) {
            return Err(StoreError::invalid("note", format!("must be at most {MAX_REVIEW_NOTE_CHARS} characters")));
        }
        let scores = serde_json::to_string(&new.scores).map_err(|e| StoreError::invalid("scores", e.to_string()))?;
        let mut tx = self.begin_audited().await?;
        let now = tx.now();
        self.require(&mut tx, Scoped::Course, new.course_id.to_text()).await?;
        let (patient, status, started_on): (String, String, Option<String>) = tx
            .fetch_one(
                "SELECT patient_id, status, started_on FROM courses WHERE id = $1 AND clinic_id = $2",
                &args![new.course_id.to_text(), self.clinic()],
            )
            .await?;
        let status = parse_code("courses", &status, CourseStatus::parse)?;
        if !matches!(status, CourseStatus::Planned | CourseStatus::Active) {
            return Err(StoreError::Conflict(format!("the course is {status}: there is nothing left to review")));
        }
        // A course cannot end before it starts: the research export and the outcome tables count on the order.
        let started_on = date_from_text_opt("courses", started_on.as_deref())?;
        if let (Some(started_on), Some(end)) = (started_on, new.ended_on)
            && end < started_on
        {
            return Err(StoreError::invalid(
                "ended_on",
                format!("must not be before the course's start, {started_on}"),
            ));
        }
        let decided_at = crate::clock::to_micros(new.at);
        let created = from_micros("course_benefit_reviews", now)?;
        let review = BenefitReview {
            id: BenefitReviewId::new(created),
            course_id: new.course_id,
            patient_id: parse_id("courses", &patient, PatientId)?,
            decision: new.decision,
            note,
            scores: new.scores.clone(),
            decided_by: self.actor.user_id,
            decided_at: from_micros("course_benefit_reviews", decided_at)?,
            created_at: created,
        };
        Insert::into("course_benefit_reviews")
            .value("clinic_id", self.clinic())
            .value("id", review.id.to_text())
            .value("patient_id", patient)
            .value("course_id", review.course_id.to_text())
            .value("decision", review.decision.code())
            .value("note", review.note.clone())
            .value("scores", scores)
            .value("decided_by", self.actor_text())
            .value("decided_at", decided_at)
            .value("created_at", now)
            .execute(tx.db())
            .await?;
        if let Some((schedule, planned)) = &new.schedule {
            let text = serde_json::to_string(schedule).map_err(|e| StoreError::invalid("schedule", e.to_string()))?;
            self.update_own("courses", review.course_id.to_text())
                .set("schedule", text)
                .set("planned_sessions", *planned)
                .set("updated_at", now)
                .execute(tx.db())
                .await?;
        }
        if new.decision == ReviewDecision::Stop {
            self.update_own("courses", review.course_id.to_text())
                .set("status", CourseStatus::Stopped.code())
                .set("ended_on", new.ended_on.map(date_to_text))
                .set("end_reason", "benefit review: stop".to_owned())
                .set("updated_at", now)
                .execute(tx.db())
                .await?;
        }
        tx.commit_with(Audit::create("course_benefit_review", review.id.to_text())).await?;
        Ok(review)
    }

    /// The latest benefit review of a course inside `tx` (the course's scope was checked by the caller).
    pub(crate) async fn latest_benefit_review(
        &self,
        tx: &mut Tx,
        course: CourseId,
    ) -> StoreResult<Option<BenefitReview>> {
        let row: Option<ReviewRow> = tx
            .fetch_optional(
                &format!(
                    "SELECT {REVIEW_COLUMNS} FROM course_benefit_reviews WHERE course_id = $1 AND clinic_id = $2 \
                     ORDER BY decided_at DESC, created_at DESC, id DESC LIMIT 1"
                ),
                &args![course.to_text(), self.clinic()],
            )
            .await?;
        row.map(review_of).transpose()
    }

    /// When the first dose of a course was given, if one was: the start of its induction.
    pub async fn course_first_dose_at(&self, course: CourseId) -> StoreResult<Option<OffsetDateTime>> {
        let mut tx = self.begin_audited().await?;
        self.require(&mut tx, Scoped::Course, course.to_text()).await?;
        let (first,): (Option<i64>,) = tx
            .fetch_one(
                "SELECT MIN(d.given_at) FROM dose_records d JOIN sessions s ON s.id = d.session_id \
                 AND s.clinic_id = d.clinic_id WHERE s.course_id = $1 AND d.clinic_id = $2",
                &args![course.to_text(), self.clinic()],
            )
            .await?;
        tx.commit_with(Audit::list("dose_record", format!("course:{course}"))).await?;
        from_micros_opt("dose_records", first)
    }
}
