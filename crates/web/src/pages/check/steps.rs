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
use super::sentences::condition_label;
use super::{PATH, no_store, previous};
use crate::assets::asset;
use crate::i18n::{Lang, Tr};
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
    pub progress: String,
    /// Where the step's form posts: `/check` or `/es/check`.
    pub action: String,
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
    /// The help to show for `crisis`, when its level is `urgent` or `emergency`, in English.
    pub fn of(crisis: &Crisis) -> Option<Self> {
        Self::in_lang(crisis, Lang::En.tr())
    }

    /// The help to show for `crisis`, when its level is `urgent` or `emergency`, in `t`'s language.
    pub fn in_lang(crisis: &Crisis, t: Tr) -> Option<Self> {
        (crisis.level != CrisisLevel::None).then(|| Self {
            emergency: crisis.level == CrisisLevel::Emergency,
            message: crisis::message(crisis.level, &crisis.message, t),
            resources: crisis::views_in(&crisis.resources, t),
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
    pub text: String,
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
    stem: String,
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

fn error_for(errors: &[FieldError], field: &str, t: Tr) -> Option<String> {
    errors.iter().find(|e| e.field == field).map(|e| e.message_in(t))
}

fn text_field(name: &str, value: &str, errors: &[FieldError], t: Tr) -> TextField {
    TextField { name: name.to_owned(), value: value.to_owned(), error: error_for(errors, name, t) }
}

/// Renders `step` in `lang` with the answers in `form` and the messages in `errors` (all of them on this step).
pub fn render(state: &AppState, lang: Lang, step: Step, form: &CheckForm, errors: &[FieldError]) -> Response {
    let t = lang.tr();
    let (title, progress) = match step {
        Step::Phq9 => ("check-title-phq9", "check-progress-1"),
        Step::FollowUp => ("check-title-followup", "check-progress-followup"),
        Step::HelpNow => ("check-title-help-now", "check-progress-help-now"),
        Step::Trials => ("check-title-trials", "check-progress-2"),
        Step::About => ("check-title-about", "check-progress-3"),
    };
    let title = t.m(title);
    let title = if errors.is_empty() { title } else { format!("{} {title}", t.m("check-title-errors")) };
    let layout = Layout::localized(lang, title, state.config.demo, PATH, PATH);
    let common = Common {
        step: step.code(),
        progress: t.m(progress),
        action: lang.href(PATH),
        errors: errors.iter().map(|e| ErrorLink { field: e.field.clone(), message: e.message_in(t) }).collect(),
        hidden: form.hidden_for(step),
        // The follow-up and get-help-now pages are crisis help themselves; other pages sent back with mistakes
        // start with the help that the answers given so far call for.
        crisis: match step {
            Step::FollowUp | Step::HelpNow => None,
            _ if errors.is_empty() => None,
            _ => form.triage().as_ref().and_then(|crisis| CrisisFirst::in_lang(crisis, t)),
        },
        back: previous(step, form).map(Step::code),
    };
    let response = match step {
        Step::Phq9 => pages::render(StatusCode::OK, &phq9_page(layout, common, form, errors)),
        Step::FollowUp => {
            let item9 = form.item9().unwrap_or(1).max(1);
            let choices = [("yes", "answer-yes"), ("no", "answer-no")]
                .iter()
                .map(|(value, label)| Choice {
                    id: format!("acting_{value}"),
                    value: (*value).to_owned(),
                    label: t.m(label),
                    checked: form.acting == *value,
                })
                .collect();
            let page = FollowUpPage {
                layout,
                common,
                resources: crisis::views_in(&triage(item9, false).resources, t),
                choices,
                error: error_for(errors, "acting", t),
            };
            pages::render(StatusCode::OK, &page)
        }
        Step::HelpNow => {
            let item9 = form.item9().unwrap_or(0);
            let page = HelpNowPage { layout, common, resources: crisis::views_in(&triage(item9, true).resources, t) };
            pages::render(StatusCode::OK, &page)
        }
        Step::Trials => pages::render(StatusCode::OK, &trials_page(state, layout, common, form, errors)),
        Step::About => pages::render(StatusCode::OK, &about_page(layout, common, form, errors)),
    };
    no_store(response)
}

fn phq9_page(layout: Layout, common: Common, form: &CheckForm, errors: &[FieldError]) -> Phq9Page {
    let t = layout.t;
    Phq9Page {
        layout,
        common,
        stem: t.m("phq9-stem"),
        copyright: phq9::COPYRIGHT,
        questions: phq9_questions(&form.phq9, errors, t),
    }
}

/// The nine PHQ-9 questions with the answers given so far and their messages: the self-check's step 1 and the
/// self-report page (`/r/{token}`) render the same questions through `templates/phq9_questions.html`.
pub(crate) fn phq9_questions(values: &[String; 9], errors: &[FieldError], t: Tr) -> Vec<Question> {
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
                    label: phq9_answer(answer.score, t),
                    checked: *value == answer.score.to_string(),
                })
                .collect();
            Question {
                error: error_for(errors, &field, t),
                field,
                number: item.number,
                text: phq9_item(item, t),
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
    let t = layout.t;
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
                drug: text_field(&format!("trial{n}_drug"), &row.drug, errors, t),
                dose: text_field(&format!("trial{n}_dose"), &row.dose, errors, t),
                weeks: text_field(&format!("trial{n}_weeks"), &row.weeks, errors, t),
                improvement_choices: IMPROVEMENT_CHOICES
                    .iter()
                    .map(|(value, _)| Choice {
                        id: format!("{improvement_name}_{value}"),
                        value: (*value).to_owned(),
                        label: t.m(&format!("improvement-{value}")),
                        checked: selected == *value,
                    })
                    .collect(),
                improvement: text_field(&improvement_name, &row.improvement, errors, t),
                augmentation: Choice {
                    id: format!("trial{n}_augmentation"),
                    value: "yes".to_owned(),
                    label: t.m("check-trial-augmentation"),
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
    let t = layout.t;
    let choices = |kind: ConditionKind| -> Vec<Choice> {
        CONDITIONS
            .iter()
            .filter(|c| c.kind == kind)
            .map(|c| Choice {
                id: format!("condition_{}", c.code),
                value: c.code.to_owned(),
                label: condition_label(c.code, t),
                checked: form.conditions.iter().any(|chosen| chosen == c.code),
            })
            .collect()
    };
    AboutPage {
        layout,
        common,
        contraindications: choices(ConditionKind::Contraindication),
        cautions: choices(ConditionKind::Caution),
        conditions_error: error_for(errors, "conditions", t),
        age: text_field("age", &form.age, errors, t),
        systolic: text_field("systolic", &form.systolic, errors, t),
        diastolic: text_field("diastolic", &form.diastolic, errors, t),
        episode_months: text_field("episode_months", &form.episode_months, errors, t),
    }
}

/// The PHQ-9 wording of an answer score in `t`'s language (the published English or US Spanish PHQ-9).
pub(crate) fn phq9_answer(score: u8, t: Tr) -> String {
    t.m(&format!("phq9-answer-{score}"))
}

/// The text of a PHQ-9 item in `t`'s language (the published English or US Spanish PHQ-9).
pub(crate) fn phq9_item(item: &ketapath_clinical::instruments::Item, t: Tr) -> String {
    t.m(&format!("phq9-item-{}", item.number))
}
