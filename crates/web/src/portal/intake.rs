//! `GET`/`POST /portal/patients/{id}/intake`: the intake form (up to three antidepressant trials, the Maudsley
//! inputs, conditions and contraindications, REMS enrollment, pregnancy potential, research consent), saved by
//! the same `ketapath_care::treatment::intake::put` as `PUT /api/v1/patients/{id}/intake`. A field problem shows the form
//! again with the message naming the field (400).

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use ketapath_clinical::InvalidInput;
use ketapath_clinical::safety::conditions::{CONDITIONS, ConditionKind};
use serde_json::{Value, json};

use super::csrf::{Fields, PortalForm};
use super::patients::PATH;
use super::sign_in_cookie::{PortalStaff, see_other};
use super::{Bar, layout};
use crate::error::{ApiError, respond};
use crate::extract::ApiPath;
use crate::pages::{Layout, render};
use crate::state::AppState;
use ketapath_care::treatment::intake::{self, IntakeRequest};

/// How many trial rows the form offers.
const TRIAL_ROWS: usize = 3;
const SEVERITIES: [&str; 5] = ["subsyndromal", "mild", "moderate", "severe_without_psychosis", "severe_with_psychosis"];
const IMPROVEMENTS: [&str; 4] = ["none", "partial", "response", "unknown"];

/// A condition checkbox.
#[derive(Debug, Clone)]
pub struct ConditionBox {
    pub code: &'static str,
    pub label: &'static str,
    pub contraindication: bool,
}

#[derive(Template)]
#[template(path = "portal_intake.html")]
struct IntakePage {
    layout: Layout,
    bar: Bar,
    csrf: String,
    patient_href: String,
    rows: Vec<usize>,
    severities: [&'static str; 5],
    improvements: [&'static str; 4],
    conditions: Vec<ConditionBox>,
    error: Option<(String, String)>,
}

fn page(staff: &PortalStaff, demo: bool, id: &str, error: Option<(String, String)>) -> IntakePage {
    IntakePage {
        layout: layout("Intake", demo, PATH),
        bar: Bar::of(staff),
        csrf: staff.csrf().to_owned(),
        patient_href: format!("{PATH}/{id}"),
        rows: (0..TRIAL_ROWS).collect(),
        severities: SEVERITIES,
        improvements: IMPROVEMENTS,
        conditions: CONDITIONS
            .iter()
            .map(|c| ConditionBox {
                code: c.code,
                label: c.label,
                contraindication: c.kind == ConditionKind::Contraindication,
            })
            .collect(),
        error,
    }
}

/// A yes/no radio group: `yes`, `no`, or unanswered.
fn yes_no(fields: &Fields, name: &str) -> Option<bool> {
    match fields.get(name) {
        Some("yes") => Some(true),
        Some("no") => Some(false),
        _ => None,
    }
}

fn number(fields: &Fields, name: &str, field: &str) -> Result<Option<f64>, InvalidInput> {
    match fields.get(name).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .map(Some)
            .ok_or_else(|| InvalidInput::new(field, "must be a number")),
    }
}

/// The form's fields as the intake request the API takes.
fn request(fields: &Fields) -> Result<IntakeRequest, InvalidInput> {
    let mut trials = Vec::new();
    for i in 0..TRIAL_ROWS {
        let Some(drug) = fields.get(&format!("trial{i}_drug")).filter(|d| !d.is_empty()) else { continue };
        let n = trials.len();
        let dose = number(fields, &format!("trial{i}_dose"), &format!("trials[{n}].dose_mg_per_day"))?;
        let weeks = number(fields, &format!("trial{i}_weeks"), &format!("trials[{n}].weeks"))?;
        let improvement = fields.get(&format!("trial{i}_improvement")).unwrap_or("unknown");
        trials.push(json!({"drug": drug, "dose_mg_per_day": dose, "weeks": weeks, "improvement": improvement}));
    }
    let severity = fields.get("severity").filter(|s| !s.is_empty()).map(str::to_owned);
    let conditions: Vec<Value> = fields.all("conditions").into_iter().map(|c| json!(c)).collect();
    // The ZIP of the patient's address is the one demographic the form asks: it feeds the research export's zip3.
    let zip = fields.get("zip").filter(|z| !z.is_empty()).map(str::to_owned);
    Ok(IntakeRequest {
        demographics: zip.map(|zip| intake::Demographics { zip: Some(zip), ..intake::Demographics::default() }),
        trials: Some(Value::Array(trials)),
        episode_months: number(fields, "episode_months", "episode_months")?,
        severity,
        augmentation_used: yes_no(fields, "augmentation_used"),
        ect_used: yes_no(fields, "ect_used"),
        conditions: Some(Value::Array(conditions)),
        rems_enrolled: yes_no(fields, "rems_enrolled"),
        pregnancy_potential: yes_no(fields, "pregnancy_potential"),
        research_consent: yes_no(fields, "research_consent"),
        concomitant_medications: None,
    })
}

/// `GET /portal/patients/{id}/intake`.
pub async fn form(State(state): State<AppState>, staff: PortalStaff, ApiPath(id): ApiPath<String>) -> Response {
    let demo = state.config.demo;
    let path = format!("{PATH}/{id}/intake");
    let found =
        super::in_clinic_patient(&staff, demo, &path, &id, async |scope, patient| Ok(scope.patient(patient).await?));
    found.await.map_or_else(|refused| refused, |_| render(StatusCode::OK, &page(&staff, demo, &id, None)))
}

/// `POST /portal/patients/{id}/intake`: saves the intake and goes back to the patient page.
pub async fn submit(State(state): State<AppState>, ApiPath(id): ApiPath<String>, form: PortalForm) -> Response {
    let demo = state.config.demo;
    let staff = &form.staff;
    let path = format!("{PATH}/{id}/intake");
    let (scope, patient) = match super::clinic_patient(staff, demo, &path, &id).await {
        Ok(target) => target,
        Err(response) => return response,
    };
    let saved = async {
        let request = request(&form.fields)?;
        intake::put(&scope, patient, &request).await?;
        Ok::<_, ApiError>(())
    };
    match saved.await {
        Ok(()) => see_other(&format!("{PATH}/{id}")),
        Err(ApiError::InvalidInput(invalid)) => {
            let error = Some((invalid.field.clone(), invalid.message.clone()));
            render(StatusCode::BAD_REQUEST, &page(staff, demo, &id, error))
        }
        Err(error) => respond(&path, demo, error),
    }
}
