//! The REMS Patient Monitoring Form of a session in the portal: `GET /portal/sessions/{id}/rems` (the form with
//! every field, the staff answers as inputs, every missing required field flagged, and when the draft was last saved
//! and by whom), `POST` to the same path with one of two buttons: "Save draft" (`action=draft`: the answers a person
//! changed are saved through `ketapath_care::treatment::rems::save_draft` without the completeness check, each value
//! still checked; a refused value shows the page again naming the field and keeping what was typed) or "Mark as
//! submitted" (`action=submit`, also a post without `action`: the answers go through
//! `ketapath_care::treatment::rems::attempt`, the one completeness check the JSON API's
//! `POST /api/v1/sessions/{id}/rems-form/submit` runs; an incomplete form shows the page again, 422, listing every
//! missing field by its form label and keeping what was typed) and `GET /portal/sessions/{id}/rems.pdf` (the
//! printable PDF through `crate::rems_doc`).
//!
//! Staff answer what the session record cannot say: the concomitant medications, the monitoring provider's
//! contact, the vital-sign questions, the adverse-effect questions and the patient's enrollment answers. The rest
//! (dates, dose, lots, blood pressures, times) comes from the session and is corrected there.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use ketapath_clinical::InvalidInput;
use ketapath_clinical::rems::{FieldView, MissingField, PatientMonitoringForm, SettingType};
use ketapath_store::domain::SessionId;
use serde_json::{Map, Value};

use super::csrf::{Fields, PortalForm};
use super::sessions::PATH;
use super::sign_in_cookie::{PortalStaff, see_other};
use super::{Bar, layout};
use crate::error::ApiError;
use crate::extract::ApiPath;
use crate::pages::{Layout, render};
use crate::rems_doc::{self, FormDocument, SUBMIT_NOTE, TITLE};
use crate::state::AppState;
use ketapath_care::treatment::TreatmentError;
use ketapath_care::treatment::rems::{self, Answers, FormView, Incomplete};

/// Yes/no answers staff give on the form (the adverse-effect questions, `adverse_effects.<code>`, are too).
const YES_NO: [&str; 9] = [
    "patient.first_treatment",
    "patient.enrolled",
    "concomitant_medications.benzodiazepines",
    "concomitant_medications.non_benzodiazepine_sedative_hypnotics",
    "concomitant_medications.psychostimulants",
    "concomitant_medications.maois",
    "concomitant_medications.respiratory_depressants",
    "vital_signs.in_range_prior_to_administration",
    "vital_signs.in_range_prior_to_completion",
];

/// Text answers staff give on the form.
const TEXT: [&str; 6] =
    ["patient.middle_initial", "patient.sex", "hcp.first_name", "hcp.last_name", "hcp.phone", "hcp.email"];

const ADVERSE: &str = "adverse_effects.";

/// What a refused "Mark as submitted" says first: no partial edit is kept.
pub const NOT_RECORDED: &str = "Not submitted, and nothing was recorded: the form is recorded, with the values shown, \
                                only when every required field is complete. \"Save draft\" keeps the answers so far.";

/// What a refused "Save draft" says first: the draft saved before is kept as it was.
pub const DRAFT_NOT_SAVED: &str = "Draft not saved: correct the answer named below and save again; the draft saved \
                                   before, if any, is unchanged.";

/// The value of the `action` field that saves a draft; any other value, or none, is "Mark as submitted".
pub const SAVE_DRAFT: &str = "draft";

/// How a field is shown: an answer staff give (yes/no or text) or a value from the session record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    YesNo,
    Text,
    Record,
}

fn input_of(path: &str) -> Input {
    if YES_NO.contains(&path) || path.starts_with(ADVERSE) {
        Input::YesNo
    } else if TEXT.contains(&path) {
        Input::Text
    } else {
        Input::Record
    }
}

/// One field of the page.
#[derive(Debug, Clone)]
pub struct FieldRow {
    /// The form's path, also the input's name.
    pub path: String,
    /// The input's id (the path with dots as dashes).
    pub id: String,
    pub label: String,
    pub required: bool,
    pub input: Input,
    /// As printed for a record value; `yes`, `no` or empty for a yes/no answer; the text for a text answer.
    pub value: String,
    pub problem: Option<String>,
    /// Whether the value shown is the one derived from the chart, not yet changed by a person.
    pub from_chart: bool,
}

/// A section of the form with its fields.
#[derive(Debug, Clone)]
pub struct SectionRows {
    pub title: String,
    pub rows: Vec<FieldRow>,
}

#[derive(Template)]
#[template(path = "portal_rems.html")]
struct RemsPage {
    layout: Layout,
    bar: Bar,
    csrf: String,
    heading: &'static str,
    submit_note: &'static str,
    session_href: String,
    pdf_href: String,
    action: String,
    /// `Submitted on …`, `Not required …` or empty for an open draft.
    state: String,
    /// `Draft saved on <clinic time> by <name>`, or empty when no draft was saved.
    draft_note: String,
    editable: bool,
    deadline: String,
    /// Every field that stops the form, by its label, with the check's message.
    problems: Vec<String>,
    sections: Vec<SectionRows>,
}

fn answer_text(value: &Value, input: Input) -> String {
    match (input, value) {
        (Input::YesNo, Value::Bool(true)) => "yes".to_owned(),
        (Input::YesNo, Value::Bool(false)) => "no".to_owned(),
        (Input::YesNo, _) | (Input::Text, Value::Null) => String::new(),
        (Input::Text, Value::String(s)) => s.clone(),
        _ => rems_doc::display(value),
    }
}

/// The problems of `missing`, each named by its field's label on the form (or by the check's own words when it
/// names no field, as for an inpatient setting).
fn problems(fields: &[FieldView], missing: &[MissingField]) -> Vec<String> {
    missing
        .iter()
        .map(|m| match fields.iter().find(|f| f.path == m.path) {
            Some(field) => format!("{}: {}", field.label, m.message),
            None => m.to_string(),
        })
        .collect()
}

/// The page of `form` with its `missing` fields; `typed` are the fields of a refused post, shown as typed.
fn page(
    staff: &PortalStaff,
    demo: bool,
    id: SessionId,
    view: &FormView,
    shown: (&PatientMonitoringForm, &[MissingField]),
    typed: Option<&Fields>,
    refusal: Option<String>,
) -> RemsPage {
    let (form, missing) = shown;
    let fields = form.fields();
    let submitted =
        view.submitted_at.map(|at| format!("Submitted on {}", ketapath_care::clinic_time::date_text(at.date())));
    let not_required = (view.setting_type == SettingType::Inpatient).then(|| {
        "Not required: this clinic's REMS setting is inpatient, which submits no Patient Monitoring Form (report \
         suspected adverse events to the REMS). The setting is on the clinic settings page."
            .to_owned()
    });
    let editable = submitted.is_none() && not_required.is_none();
    let mut sections: Vec<SectionRows> = Vec::new();
    for field in &fields {
        let input = if editable { input_of(&field.path) } else { Input::Record };
        let value = match typed.filter(|_| input != Input::Record) {
            Some(t) => t.get(&field.path).unwrap_or_default().to_owned(),
            None => answer_text(&field.value, input),
        };
        // "From the chart" while the value is the derived one: a typed value that differs is a person's.
        let derived = view.fields.iter().find(|f| f.path == field.path).filter(|f| f.derived_from_chart);
        let from_chart = derived.is_some_and(|d| answer_text(&d.value, input) == value);
        let messages: Vec<&str> = missing.iter().filter(|m| m.path == field.path).map(|m| m.message.as_str()).collect();
        let row = FieldRow {
            path: field.path.clone(),
            id: format!("pmf-{}", field.path.replace('.', "-")),
            label: field.label.clone(),
            required: field.required,
            input,
            value,
            problem: (!messages.is_empty()).then(|| messages.join("; ")),
            from_chart,
        };
        match sections.last_mut() {
            Some(section) if section.title == field.section => section.rows.push(row),
            _ => sections.push(SectionRows { title: field.section.to_owned(), rows: vec![row] }),
        }
    }
    let mut listed = refusal.into_iter().collect::<Vec<_>>();
    if editable {
        listed.extend(problems(&fields, missing));
    }
    let base = format!("{PATH}/{id}");
    RemsPage {
        layout: layout(TITLE, demo, ""),
        bar: Bar::of(staff),
        csrf: staff.csrf().to_owned(),
        heading: TITLE,
        submit_note: SUBMIT_NOTE,
        session_href: base.clone(),
        pdf_href: format!("{base}/rems.pdf"),
        action: format!("{base}/rems"),
        state: submitted.or(not_required).unwrap_or_default(),
        draft_note: view
            .draft_saved
            .as_ref()
            .filter(|_| editable)
            .map(|d| {
                let by = d.saved_by_name.as_deref().map(|name| format!(" by {name}")).unwrap_or_default();
                format!("Draft saved on {}{by}.", d.saved_at_text)
            })
            .unwrap_or_default(),
        editable,
        deadline: view
            .deadline
            .as_ref()
            .filter(|_| editable)
            .map(|d| format!("Dose on {}: due by {}", d.dose_date, d.due_on))
            .unwrap_or_default(),
        problems: listed,
        sections,
    }
}

/// `GET /portal/sessions/{id}/rems`.
pub async fn show(State(state): State<AppState>, staff: PortalStaff, ApiPath(id): ApiPath<String>) -> Response {
    let demo = state.config.demo;
    let path = format!("{PATH}/{id}/rems");
    let shown = super::in_clinic_scope(&staff, demo, &path, async |scope| {
        let sid = super::sessions::parse_id(&id)?;
        let view = rems::form(scope, sid, staff.store().now()).await?;
        Ok(page(&staff, demo, sid, &view, (&view.form, &view.missing), None, None))
    });
    shown.await.map_or_else(|refused| refused, |p| render(StatusCode::OK, &p))
}

/// The staff answers of a post as the API's submission takes them: a merge patch of the form and the
/// adverse-effect answers by question code. A yes/no field holding anything else is refused, naming it.
fn answers(fields: &Fields, form: &PatientMonitoringForm) -> Result<Answers, InvalidInput> {
    let mut patch = Map::new();
    let mut set = |path: &str, value: Value| {
        let (section, key) = path.split_once('.').unwrap_or((path, ""));
        if let Value::Object(inner) = patch.entry(section.to_owned()).or_insert_with(|| Value::Object(Map::new())) {
            inner.insert(key.to_owned(), value);
        }
    };
    // A field the post does not carry is left as drafted; an empty one is cleared.
    let yes_no = |path: &str| -> Result<Option<Value>, InvalidInput> {
        match fields.get(path) {
            None => Ok(None),
            Some("yes") => Ok(Some(Value::Bool(true))),
            Some("no") => Ok(Some(Value::Bool(false))),
            Some("") => Ok(Some(Value::Null)),
            Some(_) => Err(InvalidInput::new(path, "must be yes, no or unanswered")),
        }
    };
    for path in YES_NO {
        if let Some(value) = yes_no(path)? {
            set(path, value);
        }
    }
    for path in TEXT {
        if let Some(text) = fields.get(path) {
            set(path, if text.is_empty() { Value::Null } else { Value::String(text.to_owned()) });
        }
    }
    let mut adverse = Map::new();
    for question in &form.adverse_effects {
        let path = format!("{ADVERSE}{}", question.question.code);
        // An answer left as shown is not a person's answer: a derived one stays "from the chart".
        if let Some(Value::Bool(answer)) = yes_no(&path)?
            && question.answer != Some(answer)
        {
            adverse.insert(question.question.code.clone(), Value::Bool(answer));
        }
    }
    Ok(Answers { form: Some(Value::Object(patch)), adverse_effects: Some(adverse) })
}

/// The answers of a post that differ from what the page showed (`shown`, the form with the draft saved before):
/// a field left as shown is not saved as a person's answer, so a value from the chart stays "from the chart".
fn changed_only(mut posted: Answers, shown: &PatientMonitoringForm) -> Answers {
    let document = serde_json::to_value(shown).unwrap_or(Value::Null);
    if let Some(Value::Object(sections)) = &mut posted.form {
        for (section, inner) in sections.iter_mut() {
            if let Value::Object(values) = inner {
                values.retain(|key, value| document.get(section).and_then(|s| s.get(key)) != Some(value));
            }
        }
        sections.retain(|_, inner| inner.as_object().is_none_or(|values| !values.is_empty()));
    }
    posted
}

/// The refusal of a field as the page says it: the field's label on the form and its path, then the message.
fn refused_field(fields: &[FieldView], field: &str, message: &str) -> String {
    let path = field.strip_prefix("form.").unwrap_or(field);
    match fields.iter().find(|f| f.path == path) {
        Some(view) => format!("{} ({path}): {message}", view.label),
        None => format!("{field}: {message}"),
    }
}

/// `POST /portal/sessions/{id}/rems`: "Save draft" (`action=draft`) or "Mark as submitted" (any other post).
///
/// "Save draft" saves the answers a person changed, without the completeness check; a bad value is refused (400),
/// the page shown again naming the field with what was typed, and the draft saved before stays as it was.
///
/// "Mark as submitted" records exactly the values shown on the page when it was posted (the page says so beside the
/// button); nothing is kept from a refused post. Submitted: back to the page, which shows the date. Incomplete: the
/// page again (422) listing every missing field by its label, with what was typed, under [`NOT_RECORDED`].
pub async fn submit(State(state): State<AppState>, ApiPath(id): ApiPath<String>, form: PortalForm) -> Response {
    let demo = state.config.demo;
    let path = format!("{PATH}/{id}/rems");
    let (scope, sid) = match super::clinic_record(&form.staff, demo, &path, super::sessions::parse_id(&id)).await {
        Ok(target) => target,
        Err(response) => return response,
    };
    let now = form.staff.store().now();
    let draft = form.fields.get("action") == Some(SAVE_DRAFT);
    let tried = async {
        let view = rems::form(&scope, sid, now).await?;
        let posted = answers(&form.fields, &view.form).map_err(TreatmentError::from)?;
        if draft {
            rems::save_draft(&scope, sid, &changed_only(posted, &view.form), now).await.map(Ok)
        } else {
            rems::attempt(&scope, sid, &posted, now).await
        }
    };
    match tried.await {
        Ok(Ok(_)) => see_other(&path),
        Ok(Err(Incomplete { form: completed, missing })) => match rems::form(&scope, sid, now).await {
            Ok(view) => render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &page(
                    &form.staff,
                    demo,
                    sid,
                    &view,
                    (&completed, &missing),
                    Some(&form.fields),
                    Some(NOT_RECORDED.to_owned()),
                ),
            ),
            Err(error) => super::refuse(&form.staff, demo, &path, error.into()),
        },
        Err(error) => {
            let error = ApiError::from(error);
            let status = error.status();
            if !status.is_client_error() || status == StatusCode::NOT_FOUND {
                return super::refuse(&form.staff, demo, &path, error);
            }
            // A refused field (or a form already submitted): the page again with the refusal and what was typed.
            match rems::form(&scope, sid, now).await {
                Ok(view) => {
                    let refusal = match &error {
                        ApiError::InvalidInput(i) => refused_field(&view.fields, &i.field, &i.message),
                        other => other.to_string(),
                    };
                    let refusal = if draft { format!("{DRAFT_NOT_SAVED} {refusal}") } else { refusal };
                    let shown = (&view.form, view.missing.as_slice());
                    render(status, &page(&form.staff, demo, sid, &view, shown, Some(&form.fields), Some(refusal)))
                }
                Err(error) => super::refuse(&form.staff, demo, &path, error.into()),
            }
        }
    }
}

/// `GET /portal/sessions/{id}/rems.pdf`.
pub async fn pdf(State(state): State<AppState>, staff: PortalStaff, ApiPath(id): ApiPath<String>) -> Response {
    let demo = state.config.demo;
    let path = format!("{PATH}/{id}/rems.pdf");
    let document = super::in_clinic_scope(&staff, demo, &path, async |scope| {
        let view = rems::form(scope, super::sessions::parse_id(&id)?, staff.store().now()).await?;
        Ok(FormDocument::new(&view.form, &view.missing))
    });
    document.await.map_or_else(|refused| refused, |doc| rems_doc::pdf_response(&doc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_answers_become_the_api_submission() {
        let form = PatientMonitoringForm {
            adverse_effects: ketapath_clinical::rems::AdverseEffectQuestion::defaults()
                .into_iter()
                .map(|question| ketapath_clinical::rems::AdverseEffectAnswer {
                    question,
                    answer: None,
                    derived_from_chart: false,
                })
                .collect(),
            ..PatientMonitoringForm::default()
        };
        let fields = Fields::parse(
            b"concomitant_medications.maois=no&hcp.phone=555-0100&patient.sex=&adverse_effects.sedation=yes",
        );
        let posted = answers(&fields, &form).unwrap_or_default();
        let (patch, adverse) = (posted.form.unwrap_or_default(), posted.adverse_effects.unwrap_or_default());
        assert_eq!(patch["concomitant_medications"]["maois"], Value::Bool(false));
        assert_eq!(patch["concomitant_medications"].get("psychostimulants"), None, "not posted: as drafted");
        assert_eq!(patch["hcp"]["phone"], Value::String("555-0100".to_owned()));
        assert_eq!(patch["patient"]["sex"], Value::Null);
        assert_eq!(adverse.get("sedation"), Some(&Value::Bool(true)));
        assert!(!adverse.contains_key("dissociation"), "an unanswered question is left to the check");
        let bad = Fields::parse(b"vital_signs.in_range_prior_to_completion=maybe");
        assert_eq!(
            answers(&bad, &form).map_err(|e| e.field).err().as_deref(),
            Some("vital_signs.in_range_prior_to_completion")
        );
    }

    #[test]
    fn a_draft_keeps_only_the_answers_a_person_changed() {
        let mut shown = PatientMonitoringForm::default();
        shown.hcp.phone = Some("555-0100".to_owned());
        shown.concomitant_medications.maois = Some(true);
        let fields = Fields::parse(b"hcp.phone=555-0100&patient.sex=&concomitant_medications.maois=no&hcp.email=");
        let posted = answers(&fields, &shown).unwrap_or_default();
        let changed = changed_only(posted, &shown);
        assert_eq!(changed.form, Some(serde_json::json!({"concomitant_medications": {"maois": false}})));
        // A field a person empties is their answer too.
        shown.hcp.email = Some("a@b.example".to_owned());
        let changed = changed_only(answers(&fields, &shown).unwrap_or_default(), &shown);
        assert_eq!(changed.form.as_ref().map(|f| f["hcp"].clone()), Some(serde_json::json!({"email": null})));
    }
}
