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
use ketapath_clinical::trd::{Judgement, TrdStatus, TrialAssessment};
use time::Date;

use super::PATH;
use super::crisis::{self, Link, ResourceView};
use super::form::CheckForm;
use super::sentences::{condition_discuss, condition_label, condition_source};
use super::steps::{phq9_answer, phq9_item};
use super::summary::TrialPart;
use crate::i18n::{Lang, Tr};
use crate::pages::find::labels;
use crate::pages::{self, Layout};
use crate::state::AppState;

/// A past treatment as the table shows it.
#[derive(Debug, Clone)]
pub struct TrialView {
    pub drug: String,
    pub entered_as: Option<String>,
    pub counted: bool,
    pub adequate: String,
    pub helped: String,
    pub notes: Vec<String>,
}

/// A contraindication or caution as the page shows it.
#[derive(Debug, Clone)]
pub struct FindingView {
    pub label: String,
    pub detail: Option<String>,
    pub discuss: String,
    pub source: String,
    /// The id and version of the rule that raised it (`safety.cautions@1`), for a clinician who wants to look it up:
    /// the page shows it folded away in a `<details>`, after the source in plain words.
    pub rule: String,
}

/// One PHQ-9 answer for the printable summary.
#[derive(Debug, Clone)]
pub struct AnswerView {
    pub number: u8,
    pub text: String,
    pub answer: String,
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
    severity: String,
    item9_text: String,
    trd_heading: String,
    trd_text: String,
    failed_adequate: usize,
    possible_failed: usize,
    trials: Vec<TrialView>,
    contraindications: Vec<FindingView>,
    cautions: Vec<FindingView>,
    discuss: Vec<String>,
    answers: Vec<AnswerView>,
    acting: Option<String>,
    age: Option<u8>,
    blood_pressure: Option<String>,
    episode: Option<String>,
    find_links: Vec<Link>,
    hidden: Vec<(String, String)>,
    rules_version: &'static str,
    /// Where the result's forms post (`/check` or `/es/check`) and the send page's address.
    check_action: String,
    send_action: String,
}

/// Clinic searches a result may link to: a treatment filter and nothing else (English path, catalogue id).
const FIND_LINKS: [(&str, &str); 3] = [
    ("/find?offers=esketamine_nasal", "result-find-esketamine"),
    ("/find?offers=iv_ketamine", "result-find-iv"),
    ("/find", "result-find-all"),
];

fn finding(f: &ConditionFinding, t: Tr) -> FindingView {
    FindingView {
        label: condition_label(f.code, t),
        detail: f.detail.as_ref().map(|d| t.sentence(d)),
        discuss: condition_discuss(f.code, t),
        source: condition_source(f.code, t),
        rule: f.rule.to_string(),
    }
}

/// The words of a trial's row in `t`'s language: the judgements from the catalogue and the engine's notes by
/// their codes. The drug names are not translated.
fn trial_in(trial: &TrialAssessment, t: Tr) -> TrialView {
    let mut view = TrialView::of_in(&TrialPart::of(trial), t);
    view.notes = trial.notes.iter().map(|note| t.sentence(note)).collect();
    view
}

/// The TRD heading and text of the result page.
fn trd_words(status: TrdStatus, required: usize, no_trials: bool, t: Tr) -> (String, String) {
    let (heading, text) = match status {
        TrdStatus::MeetsDefinition => ("trd-meets", "trd-meets-text"),
        TrdStatus::Possible => ("trd-possible", "trd-possible-text"),
        TrdStatus::NotMet if no_trials => ("trd-no-trials", "trd-no-trials-text"),
        TrdStatus::NotMet => ("trd-not-met", "trd-not-met-text"),
    };
    (t.m(heading), t.n(text, required))
}

/// The catalogue id of whether a trial was adequate, in words.
pub(super) fn judgement_id(adequate: Judgement) -> &'static str {
    match adequate {
        Judgement::Yes => "judgement-yes",
        Judgement::No => "judgement-no",
        Judgement::Unknown => "judgement-unknown",
    }
}

/// The catalogue id of whether a trial helped, in words (a failed trial did not help enough).
pub(super) fn helped_id(failed: Judgement) -> &'static str {
    match failed {
        Judgement::Yes => "judgement-not-enough",
        Judgement::No => "judgement-yes",
        Judgement::Unknown => "judgement-unknown",
    }
}

fn episode_words(months: f64, duration: EpisodeDuration, t: Tr) -> String {
    if t.lang() != Lang::En {
        let span = match duration {
            EpisodeDuration::Acute => "episode-acute",
            EpisodeDuration::SubAcute => "episode-subacute",
            EpisodeDuration::Chronic => "episode-chronic",
        };
        return t.a("episode-months", [("months", months.to_string()), ("span", t.m(span))]);
    }
    let span = match duration {
        EpisodeDuration::Acute => "a year or less",
        EpisodeDuration::SubAcute => "between one and two years",
        EpisodeDuration::Chronic => "more than two years",
    };
    format!("{months} months ({span})")
}

/// Renders the result of `screening` in `lang` for the answers in `form` and `input`, dated `today`. Only the words
/// depend on `lang`: the scores, levels and decisions are `screening`'s.
pub fn render(
    state: &AppState,
    lang: Lang,
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
    let t = lang.tr();
    let item9 = screening.phq9.item9;
    let crisis_message = crisis::message(screening.crisis.level, &screening.crisis.message, t);
    let item9_text =
        if item9 > 0 { t.a("result-item9", [("answer", phq9_answer(item9, t))]) } else { crisis_message.clone() };
    let (trd_heading, trd_text) =
        trd_words(screening.trd, state.screen.trd.required_failed_trials(), input.trials.is_empty(), t);
    let band = phq9::SPEC.band(screening.phq9.total);
    let page = ResultPage {
        layout: Layout::localized(lang, t.m("result-title"), state.config.demo, PATH, PATH),
        date: labels::date(today, t),
        level,
        crisis_message,
        resources: crisis::views_in(&screening.crisis.resources, t),
        total: screening.phq9.total,
        total_max: phq9::SPEC.total_max,
        severity: if lang == Lang::En { band.label.to_owned() } else { t.m(&format!("severity-{}", band.severity)) },
        item9_text,
        trd_heading,
        trd_text,
        failed_adequate: screening.failed_adequate_trials,
        possible_failed: screening.possible_failed_trials,
        trials: screening.trials.iter().map(|trial| trial_in(trial, t)).collect(),
        contraindications: screening.contraindications.iter().map(|f| finding(f, t)).collect(),
        cautions: screening.cautions.iter().map(|f| finding(f, t)).collect(),
        discuss: screening.discuss.iter().map(|d| t.sentence(d)).collect(),
        answers: phq9::SPEC
            .items
            .iter()
            .zip(input.phq9.values())
            .map(|(item, score)| AnswerView {
                number: item.number,
                text: phq9_item(item, t),
                answer: phq9_answer(*score, t),
            })
            .collect(),
        acting: (item9 > 0 || input.acting_on_thoughts)
            .then(|| t.m(if input.acting_on_thoughts { "answer-yes" } else { "answer-no" })),
        age: input.age,
        blood_pressure: input.blood_pressure.map(|bp| format!("{}/{} mmHg", bp.systolic, bp.diastolic)),
        episode: screening.episode.as_ref().map(|e| episode_words(e.months, e.duration, t)),
        find_links: FIND_LINKS.iter().map(|(href, id)| Link { href: lang.href(href), label: t.m(id) }).collect(),
        hidden: form.pairs(),
        rules_version: screening.rules_version,
        check_action: lang.href(PATH),
        send_action: lang.href(super::send::SEND_PATH),
    };
    pages::render(StatusCode::OK, &page)
}
