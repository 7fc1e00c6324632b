//! The treatment part of the portal's patient page: the intake summary (TRD status, Maudsley staging,
//! contraindications and cautions with their rule ids) and the outcomes per instrument (baseline, latest, change,
//! response, remission, time to response, rule) with one inline SVG chart each, the sessions' doses marked.
//! Everything comes from the stored intake document and `ketapath_care::treatment::outcomes`, as in the JSON API. The
//! course rows (indication, status, latest benefit review, warnings) come from the course plan, as
//! `GET /api/v1/courses/{id}` shows it.

use ketapath_clinical::outcomes::{OutcomeConfig, definition};
use ketapath_clinical::protocols::esketamine::induction_last_day;
use ketapath_clinical::protocols::{Modality, after_induction};
use ketapath_store::ClinicScope;
use ketapath_store::domain::{Assessment, Course, CourseStatus, PatientId, ReviewDecision};
use serde_json::Value;
use time::OffsetDateTime;

use super::labels;
use crate::charts::{OutcomeChart, outcome_svg};
use ketapath_care::clinic_time::ClinicTime;
use ketapath_care::treatment::TreatmentResult;
use ketapath_care::treatment::outcomes::outcomes;

/// What the intake says, as the page shows it.
#[derive(Debug, Clone, Default)]
pub struct IntakeSummary {
    pub trd: String,
    pub maudsley: String,
    /// `label (rule)` of each contraindication.
    pub contraindications: Vec<String>,
    pub cautions: Vec<String>,
}

/// One instrument's outcome row.
#[derive(Debug, Clone)]
pub struct OutcomeRow {
    pub instrument: &'static str,
    pub baseline: u16,
    pub latest: u16,
    pub change: String,
    /// "yes", "no", or "not assessable: baseline PHQ-9 below 10" (never a responder from a baseline too low).
    pub response: String,
    pub remission: String,
    pub time_to_response: String,
    pub rule: String,
    /// The chart, an `<svg>` element made by [`outcome_svg`] (which escapes every text it prints).
    pub svg: String,
}

/// One course of the patient page, with what its benefit review form needs.
#[derive(Debug, Clone)]
pub struct CourseRow {
    pub id: String,
    /// `Esketamine nasal spray (SPRAVATO) for treatment-resistant depression (TRD): active, 8 sessions planned, from
    /// 2026-11-27`, every code in words.
    pub summary: String,
    /// `Benefit review: continue (2026-12-25), "note"`, when one was recorded.
    pub review: Option<String>,
    pub warnings: Vec<String>,
    /// An open esketamine course: the benefit review form is shown (to prescribers).
    pub reviewable: bool,
}

/// The page's row of `course` at `now`.
pub async fn course_row(
    scope: &ClinicScope,
    course: &Course,
    zone: &ClinicTime,
    now: OffsetDateTime,
) -> TreatmentResult<CourseRow> {
    let plan = scope.course_plan(course.id).await?;
    let summary = format!(
        "{} for {}: {}, {} sessions planned, from {}",
        labels::treatment(&course.treatment),
        labels::indication(plan.indication),
        labels::course_status(course.status),
        course.planned_sessions.map(|n| n.to_string()).unwrap_or_else(|| "no".to_owned()),
        course.started_on.map(ketapath_care::clinic_time::date_text).unwrap_or_default()
    );
    let review = plan.benefit_review.as_ref().map(|r| {
        let note = r.note.as_deref().map(|n| format!(", \"{n}\"")).unwrap_or_default();
        format!(
            "Benefit review: {} ({}){note}",
            labels::review_decision(r.decision),
            ketapath_care::clinic_time::date_text(zone.date_of(r.decided_at))
        )
    });
    let open = matches!(course.status, CourseStatus::Planned | CourseStatus::Active);
    let reviewable = open && ketapath_care::treatment::course::modality(course) == Ok(Modality::EsketamineNasal);
    let mut warnings = ketapath_care::treatment::course::warnings(&plan);
    let continued = plan.benefit_review.as_ref().is_some_and(|r| r.decision == ReviewDecision::Continue);
    if reviewable && !continued {
        let first = scope.course_first_dose_at(course.id).await?.map(|at| zone.date_of(at));
        if let Some(last) = first.filter(|_| after_induction(first, zone.date_of(now))).and_then(induction_last_day) {
            warnings.push(format!(
                "The induction ended on {}: no session is started or dosed until a prescriber records the benefit \
                 review and decides to continue.",
                ketapath_care::clinic_time::date_text(last)
            ));
        }
    }
    Ok(CourseRow { id: course.id.to_string(), summary, review, warnings, reviewable })
}

/// The treatment part of the patient page.
#[derive(Debug, Clone, Default)]
pub struct CareSummary {
    pub intake: Option<IntakeSummary>,
    pub outcomes: Vec<OutcomeRow>,
}

fn conditions(document: &Value, kind: &str) -> Vec<String> {
    document
        .pointer(&format!("/computed/{kind}"))
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .map(|c| {
                    let text = |k: &str| c.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
                    let rule = c.get("rule").map(|r| match (r.get("id"), r.get("version")) {
                        (Some(id), Some(version)) => format!("{}@{version}", id.as_str().unwrap_or_default()),
                        _ => r.to_string(),
                    });
                    format!("{} (rule {})", text("label"), rule.unwrap_or_default())
                })
                .collect()
        })
        .unwrap_or_default()
}

fn intake_summary(document: &Value) -> IntakeSummary {
    let maudsley = match document.pointer("/computed/maudsley").filter(|m| !m.is_null()) {
        Some(m) => format!(
            "{} points, {}",
            m.get("total").map(ToString::to_string).unwrap_or_default(),
            labels::computed(m.get("band").and_then(Value::as_str).unwrap_or_default())
        ),
        None => "not staged (needs the episode length, the severity and a failed trial)".to_owned(),
    };
    IntakeSummary {
        trd: labels::computed(document.pointer("/computed/trd/trd").and_then(Value::as_str).unwrap_or("not assessed")),
        maudsley,
        contraindications: conditions(document, "contraindications"),
        cautions: conditions(document, "cautions"),
    }
}

/// A response or remission in words; not assessable names the floor, as the page promises.
fn yes_no(value: Option<bool>, instrument: ketapath_clinical::instruments::Instrument, floor: u16) -> String {
    match value {
        Some(true) => "yes".to_owned(),
        Some(false) => "no".to_owned(),
        None => format!("not assessable: baseline {} below {floor}", instrument.spec().name),
    }
}

/// The treatment part of `patient`'s page; `doses` are the times of the patient's doses, marked on the charts.
pub async fn summary(
    scope: &ClinicScope,
    patient: PatientId,
    assessments: &[Assessment],
    doses: &[OffsetDateTime],
) -> TreatmentResult<CareSummary> {
    let intake = scope.intake(patient).await?.map(|i| intake_summary(&i.document));
    let config = OutcomeConfig::default();
    let rows = outcomes(scope, patient)
        .await?
        .into_iter()
        .map(|o| {
            let points: Vec<(OffsetDateTime, u16)> = assessments
                .iter()
                .filter(|a| a.instrument == o.instrument)
                .map(|a| (a.administered_at, u16::try_from(a.total).unwrap_or(u16::MAX)))
                .collect();
            let rules = definition(o.instrument, &config).ok();
            let svg = outcome_svg(&OutcomeChart {
                id: o.instrument.code(),
                instrument: o.instrument,
                points: &points,
                sessions: doses,
                definition: rules.as_ref(),
            });
            OutcomeRow {
                instrument: labels::instrument(o.instrument),
                baseline: o.baseline,
                latest: o.latest,
                change: o.change_pct.map(|c| format!("{c:+.0} %")).unwrap_or_default(),
                response: yes_no(o.response, o.instrument, o.baseline_min),
                remission: yes_no(o.remission, o.instrument, o.baseline_min),
                time_to_response: o.time_to_response_hours.map(|h| format!("{h:.0} h")).unwrap_or_default(),
                rule: o.rule.to_string(),
                svg,
            }
        })
        .collect();
    Ok(CareSummary { intake, outcomes: rows })
}
