//! Rating-instrument assessments: item scores plus the total, band and rule that scored them.

use ketapath_clinical::instruments::{Instrument, Items};
use serde::Serialize;
use time::OffsetDateTime;

use super::{CourseId, PatientId, SessionId, StaffId, code_enum, id_type};

id_type!(
    /// An assessment's id.
    AssessmentId
);

code_enum!(
    /// Who entered the scores.
    AssessmentSource {
        Staff => "staff",
        SelfReport => "self_report",
    }
);

code_enum!(
    /// When an assessment was taken relative to treatment. Stored since schema version 3; older rows have none.
    AssessmentContext {
        Baseline => "baseline",
        PreSession => "pre_session",
        PostSession => "post_session",
        FollowUp => "follow_up",
        SelfReport => "self_report",
    }
);

/// A stored assessment. The total, severity and rule were computed by `ketapath-clinical` when it was recorded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    pub id: AssessmentId,
    pub patient_id: PatientId,
    pub course_id: Option<CourseId>,
    pub session_id: Option<SessionId>,
    pub instrument: Instrument,
    pub items: Vec<u8>,
    pub total: i64,
    pub severity: Option<String>,
    pub rule_id: String,
    pub rule_version: String,
    pub source: AssessmentSource,
    /// When it was taken relative to treatment; `None` for rows recorded before schema version 3.
    pub context: Option<AssessmentContext>,
    pub administered_at: OffsetDateTime,
    pub recorded_by: Option<StaffId>,
    pub created_at: OffsetDateTime,
}

/// An assessment to record: checked item scores; the store scores them with the clinical rules.
#[derive(Debug, Clone)]
pub struct NewAssessment {
    pub patient_id: PatientId,
    pub course_id: Option<CourseId>,
    pub session_id: Option<SessionId>,
    pub items: Items,
    pub administered_at: OffsetDateTime,
}
