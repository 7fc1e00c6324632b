//! The self-check summary a person may send to a clinic: a versioned JSON document built from the screening the
//! server computed itself, and the readable view of it that both the send page (as the preview of what will be
//! sent) and the clinic's referral inbox show.
//!
//! The document holds codes and numbers, not page sentences, so that a later version of KetaPath can still show
//! a summary stored today; the words come from [`SummaryView`] at display time. Its `kind` and `version` say
//! which shape it has; a summary of another kind or version is not shown as if it were this one.

use ketapath_clinical::instruments::phq9;
use ketapath_clinical::safety::crisis::CrisisLevel;
use ketapath_clinical::screen::{ConditionFinding, Screening, ScreeningInput};
use ketapath_clinical::trd::{Judgement, TrdStatus, TrialAssessment};
use serde::{Deserialize, Serialize};
use time::Date;

use super::result::{self, TrialView};
use super::sentences::finding_line;
use super::steps::{phq9_answer, phq9_item};
use crate::i18n::{Lang, Tr};

/// The `kind` of every self-check summary.
pub const KIND: &str = "ketapath.self_check_summary";

/// The version of the shape below. Raise it when a field changes meaning or is removed.
pub const VERSION: u32 = 1;

/// The PHQ-9 part: every item score, the total, its band, and item 9 on its own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Phq9Part {
    pub items: Vec<u8>,
    pub total: u16,
    /// The band's code (`moderately_severe`).
    pub severity: String,
    pub item9: u8,
}

/// The crisis triage of the answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrisisPart {
    /// `none`, `urgent` or `emergency`.
    pub level: String,
    /// Whether the person said they are thinking about acting on thoughts of self-harm; asked only after a
    /// non-zero item 9, so `None` means "not asked".
    pub acting_on_thoughts: Option<bool>,
}

/// The treatment-resistance part: the status code and the counts behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrdPart {
    /// `meets_definition`, `possible` or `not_met`.
    pub status: String,
    pub failed_adequate_trials: usize,
    pub possible_failed_trials: usize,
    /// How many failed adequate trials the definition asked for when the check was done.
    pub required_failed_trials: usize,
}

/// One antidepressant as the person listed it, with the engine's judgements.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrialPart {
    pub drug: String,
    pub entered_as: String,
    pub augmentation: bool,
    pub counted: bool,
    /// `yes`, `no` or `unknown`.
    pub adequate: String,
    /// `yes`, `no` or `unknown`: whether it did not help enough.
    pub failed: String,
    pub notes: Vec<String>,
}

/// A contraindication or caution the answers raised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FindingPart {
    pub code: String,
    pub label: String,
    pub detail: Option<String>,
}

/// Blood pressure as typed, in mmHg.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PressurePart {
    pub systolic: u16,
    pub diastolic: u16,
}

/// The summary document, version 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub kind: String,
    pub version: u32,
    /// `YYYY-MM-DD`.
    pub completed_on: String,
    pub phq9: Phq9Part,
    pub crisis: CrisisPart,
    pub trd: TrdPart,
    pub trials: Vec<TrialPart>,
    pub contraindications: Vec<FindingPart>,
    pub cautions: Vec<FindingPart>,
    /// The sentences of "what to discuss with a clinician".
    pub discuss: Vec<String>,
    pub age: Option<u8>,
    pub blood_pressure: Option<PressurePart>,
    pub episode_months: Option<f64>,
    pub rules_version: String,
    /// The language the self-check was answered in (`en`, `es`), so that the clinic knows which language the
    /// person used; summaries stored before it was recorded have none (and read back as before).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

/// A value's serde code (`"meets_definition"`), for the engine's enums that serialise as snake-case strings.
fn code_of(value: impl Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(code)) => code,
        _ => String::new(),
    }
}

fn judgement_code(j: Judgement) -> String {
    code_of(j)
}

impl TrialPart {
    /// The stored form of an assessed trial.
    pub fn of(t: &TrialAssessment) -> Self {
        TrialPart {
            drug: t.drug.clone(),
            entered_as: t.entered_as.clone(),
            augmentation: t.augmentation,
            counted: t.counted,
            adequate: judgement_code(t.adequate),
            failed: judgement_code(t.failed),
            notes: t.notes.iter().map(ToString::to_string).collect(),
        }
    }
}

impl TrialView {
    /// A stored trial in `tr`'s words (the stored notes are English sentences; a page that has the screening
    /// replaces them with its coded notes). The result page shows its trials through this too (via
    /// [`TrialPart::of`]), so the page and a summary read back later cannot word the same trial differently.
    pub fn of_in(t: &TrialPart, tr: Tr) -> Self {
        TrialView {
            drug: t.drug.clone(),
            entered_as: (t.entered_as != t.drug).then(|| t.entered_as.clone()),
            counted: t.counted,
            adequate: tr.m(result::judgement_id(judgement_of(&t.adequate))),
            helped: tr.m(result::helped_id(judgement_of(&t.failed))),
            notes: t.notes.clone(),
        }
    }
}

fn finding(f: &ConditionFinding) -> FindingPart {
    FindingPart {
        code: f.code.to_owned(),
        label: f.label.to_owned(),
        detail: f.detail.as_ref().map(ToString::to_string),
    }
}

impl Summary {
    /// The summary of `screening`, computed from `input`, on `completed_on`; `required` is the number of failed
    /// adequate trials the TRD definition in force asks for.
    pub fn build(input: &ScreeningInput, screening: &Screening, required: usize, completed_on: Date) -> Self {
        let asked = screening.phq9.item9 > 0 || input.acting_on_thoughts;
        Summary {
            kind: KIND.to_owned(),
            version: VERSION,
            completed_on: completed_on.to_string(),
            phq9: Phq9Part {
                items: input.phq9.values().to_vec(),
                total: screening.phq9.total,
                severity: screening.phq9.severity.to_owned(),
                item9: screening.phq9.item9,
            },
            crisis: CrisisPart {
                level: code_of(screening.crisis.level),
                acting_on_thoughts: asked.then_some(input.acting_on_thoughts),
            },
            trd: TrdPart {
                status: code_of(screening.trd),
                failed_adequate_trials: screening.failed_adequate_trials,
                possible_failed_trials: screening.possible_failed_trials,
                required_failed_trials: required,
            },
            trials: screening.trials.iter().map(TrialPart::of).collect(),
            contraindications: screening.contraindications.iter().map(finding).collect(),
            cautions: screening.cautions.iter().map(finding).collect(),
            discuss: screening.discuss.iter().map(ToString::to_string).collect(),
            age: input.age,
            blood_pressure: input
                .blood_pressure
                .map(|bp| PressurePart { systolic: bp.systolic, diastolic: bp.diastolic }),
            episode_months: input.episode_months,
            rules_version: screening.rules_version.to_owned(),
            language: None,
        }
    }

    /// The summary as stored JSON. Serialising these plain fields cannot fail; `Null` would be stored otherwise.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    /// A stored summary, when it is one of this kind and version.
    pub fn from_json(value: &serde_json::Value) -> Option<Self> {
        let summary: Summary = serde_json::from_value(value.clone()).ok()?;
        (summary.kind == KIND && summary.version == VERSION).then_some(summary)
    }

    /// How urgent the crisis level is, for sorting: 2 emergency, 1 urgent, 0 otherwise.
    pub fn urgency(&self) -> u8 {
        match self.crisis.level.as_str() {
            "emergency" => 2,
            "urgent" => 1,
            _ => 0,
        }
    }
}

/// The crisis level code of a screening.
pub fn level_code(level: CrisisLevel) -> String {
    code_of(level)
}

/// One PHQ-9 answer in words.
#[derive(Debug, Clone)]
pub struct AnswerLine {
    pub number: u8,
    pub text: String,
    pub score: u8,
    pub answer: String,
}

/// A summary in words, for a page. Never says "eligible": it reports what the answers show.
#[derive(Debug, Clone)]
pub struct SummaryView {
    pub completed_on: String,
    /// `none`, `urgent` or `emergency`.
    pub level: String,
    pub level_text: String,
    pub acting: Option<String>,
    pub total: u16,
    pub total_max: u16,
    pub severity: String,
    pub item9: u8,
    pub item9_answer: String,
    pub answers: Vec<AnswerLine>,
    pub trd_text: String,
    pub failed_adequate: usize,
    pub possible_failed: usize,
    pub trials: Vec<TrialView>,
    pub contraindications: Vec<String>,
    pub cautions: Vec<String>,
    pub discuss: Vec<String>,
    pub age: Option<u8>,
    pub blood_pressure: Option<String>,
    pub episode_months: Option<String>,
    pub rules_version: String,
    /// "Self-check answered in Spanish", for the clinic staff who read the summary; `None` when not recorded.
    pub language: Option<String>,
}

/// A stored finding as the clinic reads it: the label and detail stored in English.
fn stored_finding_line(f: &FindingPart) -> String {
    match &f.detail {
        Some(detail) => format!("{} ({detail})", f.label),
        None => f.label.clone(),
    }
}

/// "27 November 2026" in `t`'s language, or the stored text when it is not a date.
fn long_date(iso: &str, t: Tr) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(iso, &format).map_or_else(|_| iso.to_owned(), |date| crate::pages::find::labels::date(date, t))
}

/// A trial judgement read back from its stored code (`yes`, `no`, anything else not known).
fn judgement_of(code: &str) -> Judgement {
    match code {
        "yes" => Judgement::Yes,
        "no" => Judgement::No,
        _ => Judgement::Unknown,
    }
}

impl SummaryView {
    /// A stored summary in English, as the clinic's inbox shows it.
    pub fn of(s: &Summary) -> Self {
        Self::of_in(s, Lang::En.tr(), None)
    }

    /// A summary in `t`'s words, for the person who answered (the send page's preview). The stored document keeps
    /// the engine's sentences (notes, details, what to discuss) in English; `screening`, the one the summary was
    /// built from, gives them by code in `t`'s language instead.
    pub fn of_in(s: &Summary, t: Tr, screening: Option<&Screening>) -> Self {
        let level_text = t.m(match s.crisis.level.as_str() {
            "emergency" => "summary-level-emergency",
            "urgent" => "summary-level-urgent",
            // A zero on item 9 is never presented as "no risk": only as what the answers did not raise.
            _ => "summary-level-none",
        });
        let trd = &s.trd;
        let trd_text = match trd.status.as_str() {
            "meets_definition" => t.a("summary-trd-meets", [("required", trd.required_failed_trials.to_string())]),
            "possible" => t.m("summary-trd-possible"),
            _ if s.trials.is_empty() => t.m("summary-trd-no-trials"),
            _ => t.m("summary-trd-not-met"),
        };
        let language = match s.language.as_deref() {
            Some("es") => Some(t.m("summary-language-es")),
            Some("en") => Some(t.m("summary-language-en")),
            _ => None,
        };
        let mut trials: Vec<TrialView> = s.trials.iter().map(|part| TrialView::of_in(part, t)).collect();
        let (contraindications, cautions, discuss) = match screening {
            Some(screening) => {
                for (view, trial) in trials.iter_mut().zip(&screening.trials) {
                    view.notes = trial.notes.iter().map(|note| t.sentence(note)).collect();
                }
                let lines = |findings: &[ConditionFinding]| findings.iter().map(|f| finding_line(f, t)).collect();
                (
                    lines(&screening.contraindications),
                    lines(&screening.cautions),
                    screening.discuss.iter().map(|d| t.sentence(d)).collect(),
                )
            }
            None => (
                s.contraindications.iter().map(stored_finding_line).collect(),
                s.cautions.iter().map(stored_finding_line).collect(),
                s.discuss.clone(),
            ),
        };
        SummaryView {
            language,
            completed_on: long_date(&s.completed_on, t),
            level: s.crisis.level.clone(),
            level_text,
            acting: s.crisis.acting_on_thoughts.map(|a| t.m(if a { "answer-yes" } else { "answer-no" })),
            total: s.phq9.total,
            total_max: phq9::SPEC.total_max,
            severity: t.m(&format!("severity-{}", phq9::SPEC.band(s.phq9.total).severity)),
            item9: s.phq9.item9,
            item9_answer: phq9_answer(s.phq9.item9, t),
            answers: phq9::SPEC
                .items
                .iter()
                .zip(&s.phq9.items)
                .map(|(item, score)| AnswerLine {
                    number: item.number,
                    text: phq9_item(item, t),
                    score: *score,
                    answer: phq9_answer(*score, t),
                })
                .collect(),
            trd_text,
            failed_adequate: trd.failed_adequate_trials,
            possible_failed: trd.possible_failed_trials,
            trials,
            contraindications,
            cautions,
            discuss,
            age: s.age,
            blood_pressure: s.blood_pressure.map(|bp| format!("{}/{} mmHg", bp.systolic, bp.diastolic)),
            episode_months: s.episode_months.map(|m| t.a("summary-months", [("months", m.to_string())])),
            rules_version: s.rules_version.clone(),
        }
    }
}

/// The TRD status code of a screening (used by tests of the document against the JSON API).
pub fn trd_code(status: TrdStatus) -> String {
    code_of(status)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ketapath_clinical::screen::{ScreenConfig, screen};

    fn input(doc: serde_json::Value) -> ScreeningInput {
        ScreeningInput::parse(&doc).unwrap()
    }

    #[test]
    fn the_summary_round_trips_and_says_what_the_screening_says() {
        let config = ScreenConfig::default();
        let input = input(serde_json::json!({
            "phq9": [2, 2, 1, 3, 1, 0, 2, 1, 1], "acting_on_thoughts": false, "age": 34,
            "trials": [{"drug": "sertraline", "dose_mg_per_day": 100, "weeks": 12, "improvement": "none"}],
            "blood_pressure": {"systolic": 150, "diastolic": 95}
        }));
        let screening = screen(&input, &config);
        let date = time::macros::date!(2026 - 11 - 27);
        let summary = Summary::build(&input, &screening, 2, date);
        assert_eq!(summary.phq9.total, 13);
        assert_eq!(summary.crisis.level, "urgent");
        assert_eq!(summary.crisis.acting_on_thoughts, Some(false));
        assert_eq!(summary.trd.status, trd_code(screening.trd));
        assert_eq!(summary.trials[0].failed, "yes");
        assert_eq!(summary.completed_on, "2026-11-27");
        let json = summary.to_json();
        assert_eq!(json["kind"], KIND);
        assert_eq!(Summary::from_json(&json), Some(summary.clone()));
        let view = SummaryView::of(&summary);
        assert_eq!(view.completed_on, "27 November 2026");
        assert_eq!(view.blood_pressure.as_deref(), Some("150/95 mmHg"));
        assert!(!format!("{view:?}").to_lowercase().contains("eligible"));
        let mut other = json;
        other["version"] = serde_json::json!(2);
        assert_eq!(Summary::from_json(&other), None, "another version is not read as this one");
    }
}
