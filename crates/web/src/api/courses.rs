//! Courses: `POST`/`GET /api/v1/patients/{id}/courses` (the schedule generated from the protocol for the course's
//! `indication`, `trd` by default or `mdsi`; a contraindication answers 409 unless a prescriber overrides it),
//! `GET /api/v1/courses/{id}` (with its latest benefit review), `PUT /api/v1/courses/{id}/schedule` and
//! `POST /api/v1/courses/{id}/benefit-review` (prescribers only).

use axum::response::Response;
use ketapath_clinical::InvalidInput;
use ketapath_clinical::protocols::{MaintenanceFrequency, Modality, PlannedSession};
use ketapath_store::domain::{
    Course, CourseId, CourseIndication, CoursePlan, CourseStatus, PatientId, ReviewDecision, StaffId,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::Date;
use time::macros::format_description;
use utoipa::ToSchema;
use utoipa::openapi::schema::ObjectBuilder;

use super::openapi::{codes, modality_codes, nullable_codes};
use super::openapi_responses::GatedWrite;
use super::openapi_schemas::Error;
use super::{created, private_json, rfc3339};
use crate::auth::ClinicStaff;
use crate::error::ApiError;
use crate::extract::{ApiJson, CoursePath, PatientPath};
use ketapath_care::treatment::Override;
use ketapath_care::treatment::course::{self, CourseRequest};

/// The body of `POST /api/v1/patients/{id}/courses` as sent.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = CourseRequest)]
pub struct CourseBody {
    #[serde(default)]
    #[schema(required = true, schema_with = modality_codes)]
    modality: Option<String>,
    #[serde(default)]
    #[schema(format = Date)]
    start_date: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<i64>, minimum = 1)]
    weeks: Option<u32>,
    #[serde(default)]
    #[schema(schema_with = maintenance_codes)]
    maintenance: Option<MaintenanceFrequency>,
    #[serde(default)]
    with_psychotherapy: Option<bool>,
    #[serde(default)]
    #[schema(schema_with = indication_codes)]
    indication: Option<String>,
    /// Prescribers only: the reason to pass a gate
    #[serde(default)]
    override_reason: Option<String>,
}

/// A course indication from a request: `trd` when absent, else `trd` or `mdsi`, naming `indication` otherwise.
pub(crate) fn indication(raw: Option<&str>) -> Result<CourseIndication, InvalidInput> {
    match raw.map(str::trim).filter(|r| !r.is_empty()) {
        None => Ok(CourseIndication::Trd),
        Some(code) => CourseIndication::parse(code).map_err(|_| {
            InvalidInput::new(
                "indication",
                format!(
                    "must be trd (treatment-resistant depression) or mdsi (MDD with acute suicidal ideation or \
                     behaviour); got {code:?}"
                ),
            )
        }),
    }
}

/// A date `YYYY-MM-DD`, naming `field` when it is not one.
pub(crate) fn date(field: &str, raw: &str) -> Result<Date, InvalidInput> {
    Date::parse(raw.trim(), format_description!("[year]-[month]-[day]"))
        .map_err(|_| InvalidInput::new(field, "must be a date YYYY-MM-DD"))
}

/// A course and its plan as the API shows them. The fields stand in alphabetical order, the order this answer had
/// when it was built as a JSON map, so that its text did not change when it became a type.
#[derive(Serialize, ToSchema)]
#[schema(as = Course)]
pub struct CourseDoc {
    #[schema(required = true)]
    benefit_review: Option<BenefitReviewDoc>,
    #[schema(required = true)]
    contraindication_override: Option<OverrideDoc>,
    #[schema(format = DateTime)]
    created_at: String,
    end_reason: Option<String>,
    #[schema(format = Date)]
    ended_on: Option<String>,
    #[schema(value_type = String)]
    id: CourseId,
    #[schema(schema_with = indications)]
    indication: CourseIndication,
    #[schema(schema_with = nullable_modality_codes)]
    modality: Option<Modality>,
    #[schema(value_type = String)]
    patient_id: PatientId,
    planned_sessions: Option<i64>,
    /// The planned sessions in date order; null for a modality without a generated schedule.
    #[schema(value_type = Option<Vec<PlannedSession>>, required = true)]
    schedule: Option<Value>,
    #[schema(format = Date)]
    started_on: Option<String>,
    #[schema(schema_with = course_statuses)]
    status: CourseStatus,
    treatment: String,
    warnings: Vec<String>,
}

/// The latest benefit review of a course.
#[derive(Serialize, ToSchema)]
#[schema(as = BenefitReview)]
pub struct BenefitReviewDoc {
    #[schema(format = DateTime)]
    at: String,
    #[schema(value_type = String)]
    by: StaffId,
    #[schema(schema_with = review_decisions)]
    decision: ReviewDecision,
    note: Option<String>,
    /// The baseline and latest scores the prescriber saw.
    #[schema(value_type = Vec<Object>)]
    scores: Value,
}

/// A contraindication a prescriber overrode to plan the course.
#[derive(Serialize, ToSchema)]
#[schema(as = ContraindicationOverride)]
pub struct OverrideDoc {
    #[schema(value_type = Option<String>)]
    by: Option<StaffId>,
    reason: String,
}

/// The answer listing a patient's courses.
#[derive(Serialize, ToSchema)]
#[schema(as = CourseList)]
pub struct CourseListDoc {
    courses: Vec<CourseDoc>,
}

impl CourseDoc {
    /// A course and its plan as the API shows them.
    pub(crate) fn of(course: &Course, plan: &CoursePlan) -> Result<Self, ApiError> {
        let benefit_review = plan.benefit_review.as_ref().map(|r| {
            Ok::<_, ApiError>(BenefitReviewDoc {
                at: rfc3339(r.decided_at)?,
                by: r.decided_by,
                decision: r.decision,
                note: r.note.clone(),
                scores: r.scores.clone(),
            })
        });
        Ok(CourseDoc {
            benefit_review: benefit_review.transpose()?,
            contraindication_override: plan
                .contraindication_override_reason
                .as_ref()
                .map(|reason| OverrideDoc { by: plan.contraindication_override_by, reason: reason.clone() }),
            created_at: rfc3339(course.created_at)?,
            end_reason: course.end_reason.clone(),
            ended_on: course.ended_on.map(|d| d.to_string()),
            id: course.id,
            indication: plan.indication,
            modality: course::modality(course).ok(),
            patient_id: course.patient_id,
            planned_sessions: course.planned_sessions,
            schedule: plan.schedule.clone(),
            started_on: course.started_on.map(|d| d.to_string()),
            status: course.status,
            treatment: course.treatment.clone(),
            warnings: course::warnings(plan),
        })
    }
}

/// `POST /api/v1/patients/{id}/courses`.
#[utoipa::path(
    post,
    path = "/api/v1/patients/{id}/courses",
    operation_id = "createCourse",
    summary = "Plan a course with its schedule generated from the protocol",
    description = "`indication`: `trd` (default) or `mdsi` (MDD with acute suicidal ideation or behaviour). Esketamine for TRD: a new course plans only the induction, twice weekly in weeks 1-4 (`weeks`, 12 by default, is checked as the whole plan's length); weeks 5-8 weekly and then weekly or every two weeks (`maintenance`) are planned when the benefit review decides to continue. MDSI: 84 mg twice weekly for up to 4 weeks (56 mg as the tolerability option). IV ketamine: the clinic's series. IM and oral: no generated schedule. A contraindication in the intake answers 409 `contraindication` unless a prescriber sends `override_reason`.",
    params(PatientPath),
    request_body = CourseBody,
    responses(
        (status = 201, description = "The course", body = CourseDoc),
        (status = 409, description = "The intake lists a contraindication (`contraindication`)", body = Error),
        GatedWrite,
    )
)]
pub async fn create(
    staff: ClinicStaff,
    PatientPath { id: patient }: PatientPath,
    ApiJson(body): ApiJson<CourseBody>,
) -> Result<Response, ApiError> {
    let modality =
        Modality::parse(body.modality.as_deref().ok_or_else(|| InvalidInput::new("modality", "is required"))?)?;
    let start = match body.start_date.as_deref() {
        Some(raw) => date("start_date", raw)?,
        // Today on the clinic's calendar, not UTC's.
        None => ketapath_care::clinic_time::ClinicTime::of(&staff.scope).await?.date_of(staff.store.now()),
    };
    let ov = Override::from_request(&staff.scope, body.override_reason.as_deref())?;
    let request = CourseRequest {
        modality,
        start,
        weeks: body.weeks,
        maintenance: body.maintenance.unwrap_or(MaintenanceFrequency::Weekly),
        with_psychotherapy: body.with_psychotherapy.unwrap_or(false),
    };
    let indication = indication(body.indication.as_deref())?;
    let (c, plan) = course::create_for(&staff.scope, patient, &request, indication, ov).await?;
    Ok(created(&CourseDoc::of(&c, &plan)?))
}

/// `GET /api/v1/patients/{id}/courses`: oldest first.
#[utoipa::path(
    get,
    path = "/api/v1/patients/{id}/courses",
    operation_id = "listCourses",
    summary = "A patient's courses with their schedules",
    params(PatientPath),
    responses(
        (status = 200, description = "The courses, oldest first", body = CourseListDoc),
    )
)]
pub async fn list(staff: ClinicStaff, PatientPath { id }: PatientPath) -> Result<Response, ApiError> {
    let courses = course::list(&staff.scope, id).await?;
    let courses = courses.iter().map(|(c, p)| CourseDoc::of(c, p)).collect::<Result<Vec<_>, _>>()?;
    Ok(private_json(&CourseListDoc { courses }))
}

/// The body of `PUT /api/v1/courses/{id}/schedule`: the whole schedule, in the generated shape.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ScheduleRequest)]
pub struct ScheduleBody {
    #[schema(value_type = Vec<Object>)]
    schedule: Vec<PlannedSession>,
}

/// `PUT /api/v1/courses/{id}/schedule`: prescribers only (403 `override_not_allowed` otherwise).
#[utoipa::path(
    put,
    path = "/api/v1/courses/{id}/schedule",
    operation_id = "putCourseSchedule",
    summary = "Replace a course's schedule (prescribers only)",
    description = "Sessions in date order, in the generated shape.",
    params(CoursePath),
    request_body = ScheduleBody,
    responses(
        (status = 200, description = "The course", body = CourseDoc),
        GatedWrite,
    )
)]
pub async fn put_schedule(
    staff: ClinicStaff,
    CoursePath { id }: CoursePath,
    ApiJson(body): ApiJson<ScheduleBody>,
) -> Result<Response, ApiError> {
    let (c, plan) = course::set_schedule(&staff.scope, id, body.schedule).await?;
    Ok(private_json(&CourseDoc::of(&c, &plan)?))
}

/// `GET /api/v1/courses/{id}`: the course with its plan, indication and latest benefit review.
#[utoipa::path(
    get,
    path = "/api/v1/courses/{id}",
    operation_id = "getCourse",
    summary = "A course with its schedule, indication and latest benefit review",
    params(CoursePath),
    responses(
        (status = 200, description = "The course", body = CourseDoc),
    )
)]
pub async fn get(staff: ClinicStaff, CoursePath { id }: CoursePath) -> Result<Response, ApiError> {
    let c = staff.scope.course(id).await?;
    let plan = staff.scope.course_plan(id).await?;
    Ok(private_json(&CourseDoc::of(&c, &plan)?))
}

/// The body of `POST /api/v1/courses/{id}/benefit-review`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = BenefitReviewRequest)]
pub struct ReviewBody {
    #[serde(default)]
    #[schema(required = true, schema_with = review_decisions)]
    decision: Option<String>,
    #[serde(default)]
    #[schema(max_length = 2000)]
    note: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<i64>, minimum = 1)]
    weeks: Option<u32>,
    #[serde(default)]
    #[schema(schema_with = maintenance_codes)]
    maintenance: Option<MaintenanceFrequency>,
}

/// A review decision from a request, naming `decision` when it is missing or unknown.
pub(crate) fn decision(raw: Option<&str>) -> Result<ReviewDecision, InvalidInput> {
    let raw = raw.map(str::trim).unwrap_or_default();
    ReviewDecision::parse(raw)
        .map_err(|_| InvalidInput::new("decision", format!("must be continue or stop; got {raw:?}")))
}

/// `POST /api/v1/courses/{id}/benefit-review`: prescribers only (403 `override_not_allowed` otherwise); 201 with
/// the course as `GET` shows it (and its `warnings`).
#[utoipa::path(
    post,
    path = "/api/v1/courses/{id}/benefit-review",
    operation_id = "recordBenefitReview",
    summary = "Record the benefit review at the end of an esketamine induction (prescribers only)",
    description = "From 28 days after a course's first dose, starting or dosing a session answers 409 `benefit_review_required` until a prescriber records `continue`. `continue` is taken from week 4 of the induction on and, for TRD, plans the maintenance weeks (`weeks`, 12 by default, and `maintenance`); for MDSI it carries the warning that use beyond 4 weeks was not systematically evaluated. `stop` ends the course (status `stopped`). The baseline and latest scores at the time are kept with the review. Other roles: 403 `override_not_allowed`.",
    params(CoursePath),
    request_body = ReviewBody,
    responses(
        (status = 201, description = "The course with the review", body = CourseDoc),
        (status = 409, description = "Not an open esketamine course, or `continue` before week 4 of the induction (`not_applicable`)", body = Error),
        GatedWrite,
    )
)]
pub async fn benefit_review(
    staff: ClinicStaff,
    CoursePath { id }: CoursePath,
    ApiJson(body): ApiJson<ReviewBody>,
) -> Result<Response, ApiError> {
    let request = course::ReviewRequest {
        decision: decision(body.decision.as_deref())?,
        note: body.note,
        weeks: body.weeks,
        maintenance: body.maintenance.unwrap_or(MaintenanceFrequency::Weekly),
    };
    let reviewed = course::review(&staff.scope, id, &request, staff.store.now()).await?;
    Ok(created(&CourseDoc::of(&reviewed.course, &reviewed.plan)?))
}

fn maintenance_codes() -> ObjectBuilder {
    nullable_codes(["weekly", "every_two_weeks"])
}

fn indication_codes() -> ObjectBuilder {
    nullable_codes(["trd", "mdsi"])
}

/// A modality, or null for a course whose treatment is not one.
fn nullable_modality_codes() -> ObjectBuilder {
    nullable_codes(Modality::ALL.iter().map(|m| m.code()))
}

/// The indications a course may have.
fn indications() -> ObjectBuilder {
    codes(CourseIndication::ALL.iter().map(|i| i.code()))
}

/// The states of a course.
fn course_statuses() -> ObjectBuilder {
    codes(CourseStatus::ALL.iter().map(|s| s.code()))
}

/// The decisions of a benefit review.
fn review_decisions() -> ObjectBuilder {
    codes(["continue", "stop"])
}
