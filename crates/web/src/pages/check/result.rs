//! The result page: crisis help first whenever the level is not `none`, then the scores and the TRD status in
//! plain words, the past treatments with their notes, contraindications and cautions, what to discuss with a
//! clinician, the person's own answers for printing, and links to find clinics.
//!
//! Wording rules (DESIGN.md, Clinical safety principles): the page never says "eligible" or "ineligible" and never
//! presents a zero on item 9 as "no risk". Links carry no answers: the clinic links only name a treatment.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use ketapath_clinical::instruments::phq9;
use ketapath_clinical::safety::crisis::CrisisLevel;
use ketapath_clinical::screen::{ConditionFinding, Screening, ScreeningInput};
use ketapath_clinical::trd::maudsley::EpisodeDuration;
use ketapath_clinical::trd::{Judgement, TrdStatus};
use time::Date;

use super::PATH;
use super::crisis::{self, Link, ResourceView};
use super::form::CheckForm;
use super::summary::TrialPart;
use crate::pages::{self, Layout};
use crate::state::AppState;

/// A past treatment as the table shows it.
#[derive(Debug, Clone)]
pub struct TrialView {
    pub drug: String,
    pub entered_as: Option<String>,
    pub counted: bool,
    pub adequate: &'static str,
    pub helped: &'static str,
    pub notes: Vec<String>,
}

/// A contraindication or caution as the page shows it.
#[derive(Debug, Clone)]
pub struct FindingView {
    pub label: &'static str,
    pub detail: Option<String>,
    pub discuss: &'static str,
    pub source: String,
    /// The id and version of the rule that raised it (`safety.cautions@1`), for a clinician who wants to look it up:
    /// the page shows it folded away in a `<details>`, after the source in plain words.
    pub rule: String,
}

/// One PHQ-9 answer for the printable summary.
#[derive(Debug, Clone)]
pub struct AnswerView {
    pub number: u8,
    pub text: &'static str,
    pub answer: &'static str,
}

#[derive(Template)]
#[template(path = "check_result.html")]
struct ResultPage {
    layout: Layout,
    date: String,
    /// `none`, `urgent` or `emergency`.
    level: &'static str,
    crisis_message: String,
    resources: Vec<ResourceView>,
    total: u16,
    total_max: u16,
    severity: &'static str,
    item9_text: String,
    trd_heading: &'static str,
    trd_text: String,
    failed_adequate: usize,
    possible_failed: usize,
    trials: Vec<TrialView>,
    contraindications: Vec<FindingView>,
    cautions: Vec<FindingView>,
    discuss: Vec<String>,
    answers: Vec<AnswerView>,
    acting: Option<&'static str>,
    age: Option<u8>,
    blood_pressure: Option<String>,
    episode: Option<String>,
    find_links: Vec<Link>,
    hidden: Vec<(String, String)>,
    rules_version: &'static str,
}

/// Clinic searches a result may link to: a treatment filter and nothing else.
const FIND_LINKS: [Link; 3] = [
    Link { href: "/find?offers=esketamine_nasal", label: "Clinics offering esketamine nasal spray (SPRAVATO)" },
    Link { href: "/find?offers=iv_ketamine", label: "Clinics offering ketamine infusions" },
    Link { href: "/find", label: "All clinics, with every filter" },
];

fn finding(f: &ConditionFinding) -> FindingView {
    FindingView {
        label: f.label,
        detail: f.detail.clone(),
        discuss: f.discuss,
        source: plain_source(f.source),
        rule: f.rule.to_string(),
    }
}

/// A rule's source in plain words for a public page: the published source named in its parentheses, without the
/// section numbers of KetaPath's internal reference, which a reader of the page cannot open.
fn plain_source(source: &str) -> String {
    let inner = source.split_once('(').and_then(|(_, rest)| rest.split_once(')')).map(|(inner, _)| inner.trim());
    let words = |text: &str| {
        text.split(' ').map(|w| if w == "PI" { "prescribing information" } else { w }).collect::<Vec<_>>().join(" ")
    };
    match inner {
        Some(inner) if ["SPRAVATO", "PI", "Heart"].iter().any(|k| inner.contains(k)) => words(inner),
        Some(inner) => format!("SPRAVATO (esketamine) label: {inner}"),
        None => "the SPRAVATO (esketamine) label".to_owned(),
    }
}

/// The PHQ-9 answer wording of an item score.
pub(super) fn answer_label(score: u8) -> &'static str {
    phq9::ANSWERS.iter().find(|a| a.score == score).map_or("", |a| a.label)
}

/// "27 November 2026".
pub(super) fn long_date(date: Date) -> String {
    format!("{} {} {}", date.day(), date.month(), date.year())
}

fn trd_words(status: TrdStatus, required: usize, no_trials: bool) -> (&'static str, String) {
    match status {
        TrdStatus::MeetsDefinition => (
            "Your past treatments match the usual definition of treatment-resistant depression",
            format!(
                "At least {required} of the antidepressants you listed for this episode of depression were taken at an \
                 adequate dose for long enough and did not help enough. That is how treatment-resistant depression is usually defined, and it is \
                 when ketamine or esketamine treatment is usually considered. Whether it suits you is for you and a \
                 clinician to decide together."
            ),
        ),
        TrdStatus::Possible => (
            "Your past treatments may match the usual definition of treatment-resistant depression",
            "Some details are missing or unclear, such as a dose, how long you took a medicine, or how much it \
             helped. A clinician can go through them with you; bringing the names, doses and dates helps."
                .to_owned(),
        ),
        TrdStatus::NotMet if no_trials => (
            "You did not list any antidepressants",
            format!(
                "Ketamine and esketamine are usually considered after at least {required} antidepressants, each taken \
                 at an adequate dose for long enough in the current episode of depression, have not helped enough. \
                 When you see a clinician, bring the names, doses and dates of any treatments you have had, so you \
                 can talk about every option that may help."
            ),
        ),
        TrdStatus::NotMet => (
            "Your answers do not show the usual definition of treatment-resistant depression",
            format!(
                "This says nothing about how hard things have been. The usual definition asks for at least {required} \
                 antidepressants in the current episode of depression, each taken at an adequate dose for long enough, \
                 that did not help enough. A clinician \
                 can go through your history with you and talk about every option that may help."
            ),
        ),
    }
}

/// Whether a trial was adequate, in words.
pub(super) fn judgement(adequate: Judgement) -> &'static str {
    match adequate {
        Judgement::Yes => "Yes",
        Judgement::No => "No",
        Judgement::Unknown => "Not known",
    }
}

/// Whether a trial helped, in words (a failed trial did not help enough).
pub(super) fn helped(failed: Judgement) -> &'static str {
    match failed {
        Judgement::Yes => "Not enough",
        Judgement::No => "Yes",
        Judgement::Unknown => "Not known",
    }
}

fn episode_words(months: f64, duration: EpisodeDuration) -> String {
    let span = match duration {
        EpisodeDuration::Acute => "a year or less",
        EpisodeDuration::SubAcute => "between one and two years",
        EpisodeDuration::Chronic => "more than two years",
    };
    format!("{months} months ({span})")
}

/// Renders the result of `screening` for the answers in `form` and `input`, dated `today`.
pub fn render(
    state: &AppState,
    form: &CheckForm,
    input: &ScreeningInput,
    screening: &Screening,
    today: Date,
) -> Response {
    let level = match screening.crisis.level {
        CrisisLevel::None => "none",
        CrisisLevel::Urgent => "urgent",
        CrisisLevel::Emergency => "emergency",
    };
    let item9 = screening.phq9.item9;
    let item9_text = if item9 > 0 {
        format!(
            "You answered \u{201c}{}\u{201d} to question 9, about thoughts that you would be better off dead or of hurting \
             yourself. Please tell a clinician about this today.",
            answer_label(item9)
        )
    } else {
        screening.crisis.message.clone()
    };
    let (trd_heading, trd_text) =
        trd_words(screening.trd, state.screen.trd.required_failed_trials(), input.trials.is_empty());
    let page = ResultPage {
        layout: Layout::new("Your self-check summary", state.config.demo, PATH),
        date: long_date(today),
        level,
        crisis_message: screening.crisis.message.clone(),
        resources: crisis::views(&screening.crisis.resources),
        total: screening.phq9.total,
        total_max: phq9::SPEC.total_max,
        severity: phq9::SPEC.band(screening.phq9.total).label,
        item9_text,
        trd_heading,
        trd_text,
        failed_adequate: screening.failed_adequate_trials,
        possible_failed: screening.possible_failed_trials,
        trials: screening.trials.iter().map(|t| TrialView::of(&TrialPart::of(t))).collect(),
        contraindications: screening.contraindications.iter().map(finding).collect(),
        cautions: screening.cautions.iter().map(finding).collect(),
        discuss: screening.discuss.clone(),
        answers: phq9::SPEC
            .items
            .iter()
            .zip(input.phq9.values())
            .map(|(item, score)| AnswerView {
                number: item.number,
                text: item.text.unwrap_or(item.name),
                answer: answer_label(*score),
            })
            .collect(),
        acting: (item9 > 0 || input.acting_on_thoughts).then_some(if input.acting_on_thoughts { "Yes" } else { "No" }),
        age: input.age,
        blood_pressure: input.blood_pressure.map(|bp| format!("{}/{} mmHg", bp.systolic, bp.diastolic)),
        episode: screening.episode.as_ref().map(|e| episode_words(e.months, e.duration)),
        find_links: FIND_LINKS.to_vec(),
        hidden: form.pairs(),
        rules_version: screening.rules_version,
    };
    pages::render(StatusCode::OK, &page)
}
