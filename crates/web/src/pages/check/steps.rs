//! The pages of the form's steps: what each template needs, built from the answers so far and the messages for
//! the fields at fault.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use ketapath_clinical::instruments::phq9;
use ketapath_clinical::safety::conditions::{CONDITIONS, ConditionKind};
use ketapath_clinical::safety::crisis::{Crisis, CrisisLevel, triage};

use super::crisis::{self, ResourceView};
use super::form::{CheckForm, FieldError, IMPROVEMENT_CHOICES, MAX_TRIALS, Step};
use super::{PATH, no_store, previous};
use crate::assets::asset;
use crate::pages::{self, Choice, Layout};
use crate::state::AppState;

/// A link in the error summary to the field at fault.
#[derive(Debug, Clone)]
pub struct ErrorLink {
    pub field: String,
    pub message: String,
}

/// What every step page has.
#[derive(Debug, Clone)]
pub struct Common {
    pub step: &'static str,
    pub progress: &'static str,
    pub errors: Vec<ErrorLink>,
    pub hidden: Vec<(String, String)>,
    /// Crisis help to put above everything else: a page sent back with mistakes whose answers so far call for it.
    pub crisis: Option<CrisisFirst>,
    /// The code of the step the Back button returns to; step 1 has none.
    pub back: Option<&'static str>,
}

/// Crisis help at the top of a page (`check_crisis_first.html`), from the engine's crisis block.
#[derive(Debug, Clone)]
pub struct CrisisFirst {
    pub emergency: bool,
    pub message: String,
    pub resources: Vec<ResourceView>,
}

impl CrisisFirst {
    /// The help to show for `crisis`, when its level is `urgent` or `emergency`.
    pub fn of(crisis: &Crisis) -> Option<Self> {
        (crisis.level != CrisisLevel::None).then(|| Self {
            emergency: crisis.level == CrisisLevel::Emergency,
            message: crisis.message.clone(),
            resources: crisis::views(&crisis.resources),
        })
    }
}

/// A text field with its value and message.
#[derive(Debug, Clone)]
pub struct TextField {
    pub name: String,
    pub value: String,
    pub error: Option<String>,
}

/// A PHQ-9 question.
#[derive(Debug, Clone)]
pub struct Question {
    pub field: String,
    pub number: u8,
    pub text: &'static str,
    pub choices: Vec<Choice>,
    pub error: Option<String>,
}

/// One row of the antidepressants step.
#[derive(Debug, Clone)]
pub struct TrialRowView {
    pub number: usize,
    pub drug: TextField,
    pub dose: TextField,
    pub weeks: TextField,
    pub improvement: TextField,
    pub improvement_choices: Vec<Choice>,
    pub augmentation: Choice,
}

#[derive(Template)]
#[template(path = "check_phq9.html")]
struct Phq9Page {
    layout: Layout,
    common: Common,
    stem: &'static str,
    copyright: &'static str,
    questions: Vec<Question>,
}

#[derive(Template)]
#[template(path = "check_followup.html")]
struct FollowUpPage {
    layout: Layout,
    common: Common,
    resources: Vec<ResourceView>,
    choices: Vec<Choice>,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "check_help_now.html")]
struct HelpNowPage {
    layout: Layout,
    common: Common,
    resources: Vec<ResourceView>,
}

#[derive(Template)]
#[template(path = "check_trials.html")]
struct TrialsPage {
    layout: Layout,
    common: Common,
    rows: Vec<TrialRowView>,
    drug_names: Vec<String>,
    /// Whether "Add another medicine" can show one more row.
    can_add_row: bool,
    /// `check.js`, which reveals the rows one at a time without a round trip; the page works without it.
    script_url: String,
}

#[derive(Template)]
#[template(path = "check_about.html")]
struct AboutPage {
    layout: Layout,
    common: Common,
    contraindications: Vec<Choice>,
    cautions: Vec<Choice>,
    conditions_error: Option<String>,
    age: TextField,
    systolic: TextField,
    diastolic: TextField,
    episode_months: TextField,
}

fn error_for(errors: &[FieldError], field: &str) -> Option<String> {
    errors.iter().find(|e| e.field == field).map(|e| e.message.clone())
}

fn text_field(name: &str, value: &str, errors: &[FieldError]) -> TextField {
    TextField { name: name.to_owned(), value: value.to_owned(), error: error_for(errors, name) }
}

/// Renders `step` with the answers in `form` and the messages in `errors` (all of them on this step).
pub fn render(state: &AppState, step: Step, form: &CheckForm, errors: &[FieldError]) -> Response {
    let (title, progress) = match step {
        Step::Phq9 => ("Self-check, step 1 of 3: how you have been feeling", "Step 1 of 3"),
        Step::FollowUp => ("Self-check: a question about your safety", "Step 1 of 3, one more question"),
        Step::HelpNow => ("Please get help now", "Before you go on"),
        Step::Trials => ("Self-check, step 2 of 3: antidepressants tried in this episode", "Step 2 of 3"),
        Step::About => ("Self-check, step 3 of 3: your health", "Step 3 of 3"),
    };
    let title = if errors.is_empty() { title.to_owned() } else { format!("Please check your answers. {title}") };
    let layout = Layout::new(title, state.config.demo, PATH);
    let common = Common {
        step: step.code(),
        progress,
        errors: errors.iter().map(|e| ErrorLink { field: e.field.clone(), message: e.message.clone() }).collect(),
        hidden: form.hidden_for(step),
        // The follow-up and get-help-now pages are crisis help themselves; other pages sent back with mistakes
        // start with the help that the answers given so far call for.
        crisis: match step {
            Step::FollowUp | Step::HelpNow => None,
            _ if errors.is_empty() => None,
            _ => form.triage().as_ref().and_then(CrisisFirst::of),
        },
        back: previous(step, form).map(Step::code),
    };
    let response = match step {
        Step::Phq9 => pages::render(StatusCode::OK, &phq9_page(layout, common, form, errors)),
        Step::FollowUp => {
            let item9 = form.item9().unwrap_or(1).max(1);
            let choices = [("yes", "Yes"), ("no", "No")]
                .iter()
                .map(|(value, label)| Choice {
                    id: format!("acting_{value}"),
                    value: (*value).to_owned(),
                    label: (*label).to_owned(),
                    checked: form.acting == *value,
                })
                .collect();
            let page = FollowUpPage {
                layout,
                common,
                resources: crisis::views(&triage(item9, false).resources),
                choices,
                error: error_for(errors, "acting"),
            };
            pages::render(StatusCode::OK, &page)
        }
        Step::HelpNow => {
            let item9 = form.item9().unwrap_or(0);
            let page = HelpNowPage { layout, common, resources: crisis::views(&triage(item9, true).resources) };
            pages::render(StatusCode::OK, &page)
        }
        Step::Trials => pages::render(StatusCode::OK, &trials_page(state, layout, common, form, errors)),
        Step::About => pages::render(StatusCode::OK, &about_page(layout, common, form, errors)),
    };
    no_store(response)
}

fn phq9_page(layout: Layout, common: Common, form: &CheckForm, errors: &[FieldError]) -> Phq9Page {
    Phq9Page {
        layout,
        common,
        stem: phq9::STEM,
        copyright: phq9::COPYRIGHT,
        questions: phq9_questions(&form.phq9, errors),
    }
}

/// The nine PHQ-9 questions with the answers given so far and their messages: the self-check's step 1 and the
/// self-report page (`/r/{token}`) render the same questions through `templates/phq9_questions.html`.
pub(crate) fn phq9_questions(values: &[String; 9], errors: &[FieldError]) -> Vec<Question> {
    phq9::SPEC
        .items
        .iter()
        .zip(values)
        .map(|(item, value)| {
            let field = format!("phq9_{}", item.number);
            let choices = phq9::ANSWERS
                .iter()
                .map(|answer| Choice {
                    id: format!("{field}_{}", answer.score),
                    value: answer.score.to_string(),
                    label: answer.label.to_owned(),
                    checked: *value == answer.score.to_string(),
                })
                .collect();
            Question {
                error: error_for(errors, &field),
                field,
                number: item.number,
                text: item.text.unwrap_or(item.name),
                choices,
            }
        })
        .collect()
}

fn trials_page(
    state: &AppState,
    layout: Layout,
    common: Common,
    form: &CheckForm,
    errors: &[FieldError],
) -> TrialsPage {
    let shown = form.trial_rows_shown();
    let rows = form
        .trials
        .iter()
        .take(shown)
        .enumerate()
        .map(|(i, row)| {
            let n = i + 1;
            let improvement_name = format!("trial{n}_improvement");
            let selected = if row.improvement.is_empty() { "unknown" } else { row.improvement.as_str() };
            TrialRowView {
                number: n,
                drug: text_field(&format!("trial{n}_drug"), &row.drug, errors),
                dose: text_field(&format!("trial{n}_dose"), &row.dose, errors),
                weeks: text_field(&format!("trial{n}_weeks"), &row.weeks, errors),
                improvement_choices: IMPROVEMENT_CHOICES
                    .iter()
                    .map(|(value, label)| Choice {
                        id: format!("{improvement_name}_{value}"),
                        value: (*value).to_owned(),
                        label: (*label).to_owned(),
                        checked: selected == *value,
                    })
                    .collect(),
                improvement: text_field(&improvement_name, &row.improvement, errors),
                augmentation: Choice {
                    id: format!("trial{n}_augmentation"),
                    value: "yes".to_owned(),
                    label: "I took it to boost another antidepressant (an add-on)".to_owned(),
                    checked: row.augmentation,
                },
            }
        })
        .collect();
    let mut drug_names: Vec<String> = state
        .screen
        .dose_table
        .entries()
        .iter()
        .flat_map(|entry| std::iter::once(entry.drug.clone()).chain(entry.aliases.iter().map(|a| a.name.clone())))
        .collect();
    drug_names.sort_by_key(|name| name.to_lowercase());
    drug_names.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    TrialsPage {
        layout,
        common,
        rows,
        drug_names,
        can_add_row: shown < MAX_TRIALS,
        script_url: asset("check.js").url(),
    }
}

fn about_page(layout: Layout, common: Common, form: &CheckForm, errors: &[FieldError]) -> AboutPage {
    let choices = |kind: ConditionKind| -> Vec<Choice> {
        CONDITIONS
            .iter()
            .filter(|c| c.kind == kind)
            .map(|c| Choice {
                id: format!("condition_{}", c.code),
                value: c.code.to_owned(),
                label: c.label.to_owned(),
                checked: form.conditions.iter().any(|chosen| chosen == c.code),
            })
            .collect()
    };
    AboutPage {
        layout,
        common,
        contraindications: choices(ConditionKind::Contraindication),
        cautions: choices(ConditionKind::Caution),
        conditions_error: error_for(errors, "conditions"),
        age: text_field("age", &form.age, errors),
        systolic: text_field("systolic", &form.systolic, errors),
        diastolic: text_field("diastolic", &form.diastolic, errors),
        episode_months: text_field("episode_months", &form.episode_months, errors),
    }
}
