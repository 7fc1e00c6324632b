//! Treatment courses: a modality and a start date in, the schedule generated from the protocol (esketamine
//! twice weekly in weeks 1-4, weekly in weeks 5-8, then weekly or every two weeks; the IV series) out. A
//! contraindication in the intake blocks the course until a prescriber overrides it with a reason.

use ketapath_clinical::InvalidInput;
use ketapath_clinical::protocols::{
    MaintenanceFrequency, Modality, PlannedSession, ProtocolSettings, esketamine_schedule, iv_series,
};
use ketapath_store::ClinicScope;
use ketapath_store::domain::{Course, CourseId, CoursePlan, CourseStatus, NewCourse, PatientId};
use serde_json::Value;
use time::Date;

use super::{Override, Prescriber, TreatmentError, TreatmentResult, intake, protocol_settings};

/// Weeks of an esketamine plan when the request does not say: induction, optimisation and one month of
/// maintenance, after which the prescriber reviews the course.
pub const DEFAULT_ESKETAMINE_WEEKS: u32 = 12;

/// A course to plan, checked.
#[derive(Debug, Clone)]
pub struct CourseRequest {
    pub modality: Modality,
    pub start: Date,
    pub weeks: Option<u32>,
    pub maintenance: MaintenanceFrequency,
    pub with_psychotherapy: bool,
}

/// The schedule the protocol generates for a course; IM and oral ketamine have none in the reference.
pub fn generate(request: &CourseRequest, settings: &ProtocolSettings) -> Result<Vec<PlannedSession>, InvalidInput> {
    match request.modality {
        Modality::EsketamineNasal => esketamine_schedule(
            request.start,
            request.weeks.unwrap_or(DEFAULT_ESKETAMINE_WEEKS),
            request.maintenance,
            settings,
        ),
        Modality::IvKetamine => {
            let iv = settings.values().iv;
            iv_series(request.start, iv.series_infusions, iv.series_per_week, settings)
        }
        Modality::ImKetamine | Modality::OralKetamine => Ok(Vec::new()),
    }
}

fn schedule_json(schedule: &[PlannedSession]) -> TreatmentResult<Value> {
    serde_json::to_value(schedule).map_err(|e| InvalidInput::new("schedule", e.to_string()).into())
}

/// Plans a course: refused with 409 `contraindication` when the intake lists one, unless a prescriber's
/// override is given.
pub async fn create(
    scope: &ClinicScope,
    patient: PatientId,
    request: &CourseRequest,
    ov: Option<Override>,
) -> TreatmentResult<(Course, CoursePlan)> {
    let contraindications = intake::contraindications(scope, patient).await?;
    let override_reason = match (contraindications.is_empty(), ov) {
        (true, _) => None,
        (false, Some(ov)) => Some(ov.reason),
        (false, None) => {
            return Err(TreatmentError::Contraindication(format!(
                "the intake lists a label contraindication ({}): a prescriber must override it with a reason \
                 (override_reason) before a course is planned",
                contraindications.join(", ")
            )));
        }
    };
    let settings = protocol_settings(scope).await?;
    let schedule = generate(request, &settings)?;
    let planned = i64::try_from(schedule.len()).ok().filter(|n| *n > 0);
    let treatment = if request.with_psychotherapy {
        format!("{}+ketamine_assisted_psychotherapy", request.modality.code())
    } else {
        request.modality.code().to_owned()
    };
    let new = NewCourse {
        patient_id: patient,
        treatment,
        planned_sessions: planned,
        prescriber_id: None,
        started_on: Some(request.start),
        notes: None,
    };
    let plan = CoursePlan {
        schedule: Some(schedule_json(&schedule)?),
        contraindication_override_reason: override_reason,
        contraindication_override_by: None,
        ..CoursePlan::default()
    };
    Ok(scope.create_course_with_plan(new, &plan).await?)
}

/// The modality of a course (its treatment code, without the psychotherapy suffix).
pub fn modality(course: &Course) -> Result<Modality, InvalidInput> {
    let code = course.treatment.split('+').next().unwrap_or_default();
    Modality::parse(code)
}

/// The patient's open course of `modality` (planned or active, the latest), if any.
pub fn open_course(courses: &[Course], modality: Modality) -> Option<&Course> {
    courses
        .iter()
        .rev()
        .find(|c| matches!(c.status, CourseStatus::Planned | CourseStatus::Active) && self::modality(c) == Ok(modality))
}

/// A patient's courses with their plans.
pub async fn list(scope: &ClinicScope, patient: PatientId) -> TreatmentResult<Vec<(Course, CoursePlan)>> {
    let courses = scope.courses(patient).await?;
    let mut out = Vec::with_capacity(courses.len());
    for course in courses {
        let plan = scope.course_plan(course.id).await?;
        out.push((course, plan));
    }
    Ok(out)
}

/// Replaces a course's schedule with a prescriber's edit: planned sessions in date order.
pub async fn set_schedule(
    scope: &ClinicScope,
    course: CourseId,
    schedule: Vec<PlannedSession>,
) -> TreatmentResult<(Course, CoursePlan)> {
    Prescriber::of(scope, "edit a course schedule")?;
    if let Some(i) = schedule.windows(2).position(|w| w[1].date < w[0].date) {
        return Err(InvalidInput::new(format!("schedule[{}].date", i + 1), "sessions must be in date order").into());
    }
    scope.set_course_schedule(course, &schedule_json(&schedule)?).await?;
    Ok((scope.course(course).await?, scope.course_plan(course).await?))
}
