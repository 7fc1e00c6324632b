//! Treatment courses: a modality, an indication and a start date in, the schedule generated from the protocol
//! out (for esketamine only the induction, twice weekly in weeks 1-4, or the 4-week MDSI regimen; the IV series).
//! A contraindication in the intake blocks the course until a prescriber overrides it with a reason. At the end
//! of an esketamine induction a prescriber's benefit review decides: `continue` plans the maintenance weeks and
//! lets sessions go on, `stop` ends the course; without a `continue`, no session starts and no dose is given
//! after the induction (409 `benefit_review_required`); after a `stop`, only a prescriber plans the next
//! esketamine course.

use ketapath_clinical::InvalidInput;
use ketapath_clinical::dates::PlannedDate;
use ketapath_clinical::outcomes::Outcome;
use ketapath_clinical::protocols::esketamine::{INDUCTION_DAYS, MDSI_BEYOND_FOUR_WEEKS};
use ketapath_clinical::protocols::{
    EsketamineIndication, MaintenanceFrequency, Modality, Phase, PlannedSession, ProtocolSettings, after_induction,
    benefit_review_gate, esketamine_mdsi_schedule, esketamine_schedule, iv_series,
};
use ketapath_store::ClinicScope;
use ketapath_store::domain::{
    BenefitReview, Course, CourseId, CourseIndication, CoursePlan, CourseStatus, NewBenefitReview, NewCourse,
    PatientId, ReviewDecision,
};
use serde_json::{Value, json};
use time::{Date, Duration, OffsetDateTime};

use super::{Override, Prescriber, TreatmentError, TreatmentResult, intake, protocol_settings};
use crate::clinic_time::ClinicTime;

/// Weeks of an esketamine plan when the request does not say: induction, optimisation and one month of
/// maintenance, after which the prescriber reviews the course. A new course plans only the induction part of it;
/// the rest is planned when the benefit review decides to continue.
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

/// The clinical indication of a stored course indication.
pub fn clinical_indication(indication: CourseIndication) -> EsketamineIndication {
    match indication {
        CourseIndication::Trd => EsketamineIndication::Trd,
        CourseIndication::Mdsi => EsketamineIndication::Mdsi,
    }
}

/// The schedule the protocol generates for a new course; IM and oral ketamine have none in the reference.
/// Esketamine plans only the induction (`weeks` is checked as the whole plan's length, and the weeks after the
/// fourth are planned at the benefit review); an MDSI course plans its 4-week regimen (at most 4 weeks).
pub fn generate(
    request: &CourseRequest,
    indication: CourseIndication,
    settings: &ProtocolSettings,
) -> Result<Vec<PlannedSession>, InvalidInput> {
    match (request.modality, indication) {
        (Modality::EsketamineNasal, CourseIndication::Mdsi) => esketamine_mdsi_schedule(
            request.start,
            request.weeks.unwrap_or(ketapath_clinical::protocols::schedule::MDSI_WEEKS),
        ),
        (Modality::EsketamineNasal, CourseIndication::Trd) => {
            let plan = esketamine_schedule(
                request.start,
                request.weeks.unwrap_or(DEFAULT_ESKETAMINE_WEEKS),
                request.maintenance,
                settings,
            )?;
            Ok(plan.into_iter().filter(|s| s.phase == Phase::Induction).collect())
        }
        (modality, _) => generate_other(request, modality, settings),
    }
}

fn generate_other(
    request: &CourseRequest,
    modality: Modality,
    settings: &ProtocolSettings,
) -> Result<Vec<PlannedSession>, InvalidInput> {
    match modality {
        Modality::EsketamineNasal => Ok(Vec::new()),
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

/// Plans a course for TRD (see [`create_for`]).
pub async fn create(
    scope: &ClinicScope,
    patient: PatientId,
    request: &CourseRequest,
    ov: Option<Override>,
) -> TreatmentResult<(Course, CoursePlan)> {
    create_for(scope, patient, request, CourseIndication::Trd, ov).await
}

/// After a prescriber's benefit review stopped the patient's latest esketamine course, only a prescriber plans
/// the next one (403 `override_not_allowed` for other roles): a new course starts a fresh induction, and a nurse
/// planning one (or starting a session, which plans one) would otherwise walk around the decision to stop.
async fn require_prescriber_after_stop(scope: &ClinicScope, patient: PatientId, new: Modality) -> TreatmentResult<()> {
    if new != Modality::EsketamineNasal {
        return Ok(());
    }
    let courses = scope.courses(patient).await?;
    let latest = courses
        .iter()
        .filter(|c| modality(c).is_ok_and(|m| m == Modality::EsketamineNasal))
        .max_by_key(|c| c.created_at);
    if let Some(latest) = latest {
        let stopped =
            scope.course_plan(latest.id).await?.benefit_review.is_some_and(|r| r.decision == ReviewDecision::Stop);
        if stopped {
            Prescriber::of(scope, "plan a new esketamine course after a benefit review decided to stop")?;
        }
    }
    Ok(())
}

/// Plans a course for `indication`: refused with 409 `contraindication` when the intake lists one, unless a
/// prescriber's override is given.
pub async fn create_for(
    scope: &ClinicScope,
    patient: PatientId,
    request: &CourseRequest,
    indication: CourseIndication,
    ov: Option<Override>,
) -> TreatmentResult<(Course, CoursePlan)> {
    require_prescriber_after_stop(scope, patient, request.modality).await?;
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
    PlannedDate::new("start_date", request.start, scope.now())?;
    let settings = protocol_settings(scope).await?;
    let schedule = generate(request, indication, &settings)?;
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
        indication,
        benefit_review: None,
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
    let now = scope.now();
    for (i, session) in schedule.iter().enumerate() {
        PlannedDate::new(&format!("schedule[{i}].date"), session.date, now)?;
    }
    scope.set_course_schedule(course, &schedule_json(&schedule)?).await?;
    Ok((scope.course(course).await?, scope.course_plan(course).await?))
}

/// What a prescriber's benefit review asks for.
#[derive(Debug, Clone)]
pub struct ReviewRequest {
    pub decision: ReviewDecision,
    pub note: Option<String>,
    /// For `continue` of a TRD course: the whole plan's length in weeks (default 12) and the maintenance frequency
    /// from week 9, as when a course is planned.
    pub weeks: Option<u32>,
    pub maintenance: MaintenanceFrequency,
}

/// A recorded review with the course it changed and the warnings it carries.
#[derive(Debug, Clone)]
pub struct Reviewed {
    pub course: Course,
    pub plan: CoursePlan,
    pub review: BenefitReview,
    pub warnings: Vec<String>,
}

/// The latest scores the review is taken on: baseline and latest of each instrument, with the change.
pub fn review_scores(outcomes: &[Outcome]) -> Value {
    Value::Array(
        outcomes
            .iter()
            .map(|o| {
                json!({
                    "instrument": o.instrument.code(),
                    "baseline": o.baseline,
                    "latest": o.latest,
                    "latest_at": o.latest_at.format(&time::format_description::well_known::Rfc3339).ok(),
                    "change_pct": o.change_pct,
                    "response": o.response,
                    "remission": o.remission,
                })
            })
            .collect(),
    )
}

/// The warnings of a course as it stands: an MDSI course continued after its review is used beyond 4 weeks.
pub fn warnings(plan: &CoursePlan) -> Vec<String> {
    let continued = plan.benefit_review.as_ref().is_some_and(|r| r.decision == ReviewDecision::Continue);
    if continued && plan.indication == CourseIndication::Mdsi {
        vec![MDSI_BEYOND_FOUR_WEEKS.to_owned()]
    } else {
        Vec::new()
    }
}

/// The clinic's date of the course's first dose, if one was given.
async fn first_dose_on(scope: &ClinicScope, course: &Course, zone: &ClinicTime) -> TreatmentResult<Option<Date>> {
    Ok(scope.course_first_dose_at(course.id).await?.map(|at| zone.date_of(at)))
}

/// Records a prescriber's benefit review of an esketamine course at `now` (other roles: 403
/// `override_not_allowed`). `continue` is taken from week 4 of the induction on and plans the maintenance weeks of
/// a TRD course (an MDSI course has none in the label; its review carries the beyond-4-weeks warning); `stop` ends
/// the course. The scores shown on the form are kept with the review.
pub async fn review(
    scope: &ClinicScope,
    id: CourseId,
    request: &ReviewRequest,
    now: OffsetDateTime,
) -> TreatmentResult<Reviewed> {
    Prescriber::of(scope, "record a benefit review")?;
    let course = scope.course(id).await?;
    if modality(&course)? != Modality::EsketamineNasal {
        return Err(TreatmentError::NotApplicable(
            "the benefit review at the end of the induction applies to esketamine courses".to_owned(),
        ));
    }
    if !matches!(course.status, CourseStatus::Planned | CourseStatus::Active) {
        return Err(TreatmentError::NotApplicable(format!(
            "the course is {}: there is nothing left to review",
            course.status
        )));
    }
    let plan = scope.course_plan(id).await?;
    let zone = ClinicTime::of(scope).await?;
    let today = zone.date_of(now);
    if let Some(start) = course.started_on.filter(|start| request.decision == ReviewDecision::Stop && today < *start) {
        // A stop ends the course today, and a course cannot end before it starts: a course planned for a later
        // day has had no dose and no induction to judge.
        return Err(TreatmentError::NotApplicable(format!(
            "the course is planned to start on {start}: a benefit review can stop it from that day on"
        )));
    }
    let first = first_dose_on(scope, &course, &zone).await?;
    let mut schedule = None;
    if request.decision == ReviewDecision::Continue {
        // The evaluation is at the end of the induction: from its fourth week, not before.
        let week4 = first.and_then(|f| f.checked_add(Duration::days(INDUCTION_DAYS - 7)));
        match week4 {
            Some(from) if today >= from => {}
            _ => {
                return Err(TreatmentError::NotApplicable(match week4 {
                    Some(from) => format!(
                        "the benefit review to continue is taken at the end of the induction, from {from} (week 4)"
                    ),
                    None => "no dose of this course has been given: the induction has not begun".to_owned(),
                }));
            }
        }
        if plan.indication == CourseIndication::Trd {
            schedule = maintenance_schedule(scope, &course, &plan, request).await?;
        }
    }
    let outcomes = super::outcomes::outcomes(scope, course.patient_id).await?;
    let review = scope
        .record_benefit_review(NewBenefitReview {
            course_id: id,
            decision: request.decision,
            note: request.note.clone(),
            scores: review_scores(&outcomes),
            at: now,
            schedule,
            ended_on: (request.decision == ReviewDecision::Stop).then_some(today),
        })
        .await?;
    let plan = scope.course_plan(id).await?;
    Ok(Reviewed { course: scope.course(id).await?, warnings: warnings(&plan), plan, review })
}

/// The schedule with the maintenance weeks of a TRD course added after the planned sessions, numbered on from
/// them; `None` when the schedule already holds maintenance sessions (a second `continue` plans nothing twice).
async fn maintenance_schedule(
    scope: &ClinicScope,
    course: &Course,
    plan: &CoursePlan,
    request: &ReviewRequest,
) -> TreatmentResult<Option<(Value, i64)>> {
    let mut planned: Vec<PlannedSession> = match &plan.schedule {
        Some(value) => serde_json::from_value(value.clone())
            .map_err(|e| InvalidInput::new("schedule", format!("the stored schedule cannot be read: {e}")))?,
        None => Vec::new(),
    };
    if planned.iter().any(|s| s.phase == Phase::Maintenance) {
        return Ok(None);
    }
    let settings = protocol_settings(scope).await?;
    let start = course.started_on.or(planned.first().map(|s| s.date)).unwrap_or(course.created_at.date());
    let weeks = request.weeks.unwrap_or(DEFAULT_ESKETAMINE_WEEKS);
    let full = esketamine_schedule(start, weeks, request.maintenance, &settings)?;
    let mut number = u32::try_from(planned.len()).unwrap_or(u32::MAX);
    for mut session in full.into_iter().filter(|s| s.phase == Phase::Maintenance) {
        number = number.saturating_add(1);
        session.number = number;
        planned.push(session);
    }
    let count = i64::try_from(planned.len()).unwrap_or(i64::MAX);
    Ok(Some((schedule_json(&planned)?, count)))
}

/// Refuses a session or dose of an esketamine course on `at` after its induction unless the latest benefit review
/// decided to continue: 409 `benefit_review_required`. Other modalities and courses in their induction pass.
pub async fn require_benefit_review(scope: &ClinicScope, course: &Course, at: OffsetDateTime) -> TreatmentResult<()> {
    if modality(course)? != Modality::EsketamineNasal {
        return Ok(());
    }
    let zone = ClinicTime::of(scope).await?;
    let first = first_dose_on(scope, course, &zone).await?;
    let on = zone.date_of(at);
    if !after_induction(first, on) {
        return Ok(());
    }
    let plan = scope.course_plan(course.id).await?;
    let continued = plan.benefit_review.as_ref().is_some_and(|r| r.decision == ReviewDecision::Continue);
    benefit_review_gate(clinical_indication(plan.indication), first, on, continued)
        .map(|_| ())
        .map_err(TreatmentError::BenefitReviewRequired)
}

/// The indication a dose of `course` is given for (its plan's; `trd` for courses stored before it was recorded).
pub async fn indication(scope: &ClinicScope, course: &Course) -> TreatmentResult<EsketamineIndication> {
    Ok(clinical_indication(scope.course_plan(course.id).await?.indication))
}
