//! A course's indication and the prescriber's benefit review at the end of an esketamine induction.

use serde::Serialize;
use serde_json::Value;
use time::{Date, OffsetDateTime};

use super::{CourseId, PatientId, StaffId, code_enum, id_type};

id_type!(
    /// A benefit review's id.
    BenefitReviewId
);

code_enum!(
    /// What a course treats; it decides the esketamine regimen. Courses stored before the field existed are `trd`.
    CourseIndication {
        Trd => "trd",
        Mdsi => "mdsi",
    }
);

impl Default for CourseIndication {
    /// Treatment-resistant depression: what every course was before the indication was recorded.
    fn default() -> Self {
        CourseIndication::Trd
    }
}

code_enum!(
    /// A prescriber's decision at the benefit review.
    ReviewDecision {
        Continue => "continue",
        Stop => "stop",
    }
);

/// A recorded benefit review.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenefitReview {
    pub id: BenefitReviewId,
    pub course_id: CourseId,
    pub patient_id: PatientId,
    pub decision: ReviewDecision,
    pub note: Option<String>,
    /// The scores the prescriber saw (baseline and latest of each instrument), as the service computed them.
    pub scores: Value,
    pub decided_by: StaffId,
    pub decided_at: OffsetDateTime,
    pub created_at: OffsetDateTime,
}

/// A benefit review to record, with what it changes on the course in the same transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct NewBenefitReview {
    pub course_id: CourseId,
    pub decision: ReviewDecision,
    pub note: Option<String>,
    pub scores: Value,
    pub at: OffsetDateTime,
    /// For `continue`: the course's schedule with the maintenance sessions added, and their count.
    pub schedule: Option<(Value, i64)>,
    /// For `stop`: the day the course ends (it becomes `stopped`).
    pub ended_on: Option<Date>,
}
