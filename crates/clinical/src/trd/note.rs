//! The notes of a judged trial ([`TrialNote`]): why it was or was not counted, adequate and failed, as codes with
//! their values and the English sentence the JSON API has always given.

use std::fmt;

use super::trial::format_number;
use crate::sentence::{Arg, Sentence, serialize_as_english};

/// One reason behind a trial's judgements.
#[derive(Debug, Clone, PartialEq)]
pub enum TrialNote {
    /// The name as entered was read as a drug of the table under another name.
    ReadAs {
        entered: String,
        drug: String,
    },
    EarlierEpisode,
    AugmentationEntry,
    /// The table knows the drug only as an augmentation agent.
    AugmentationOnly {
        drug: String,
    },
    /// A counted entry whose drug is not in the table.
    UnknownDrug {
        entered: String,
    },
    /// An entry not counted anyway whose drug is not in the table.
    NotInTable {
        entered: String,
    },
    DoseMissing {
        drug: String,
        min: f64,
    },
    /// `name` is the table's drug, with the alias matched in parentheses when there was one.
    DoseMeets {
        dose: f64,
        min: f64,
        name: String,
    },
    DoseBelow {
        dose: f64,
        min: f64,
        name: String,
    },
    WeeksMissing {
        min: f64,
    },
    WeeksMeet {
        weeks: f64,
        min: f64,
    },
    WeeksShort {
        weeks: f64,
        min: f64,
    },
    ImprovementNone,
    PartialFailed,
    PartialNotFailed,
    Response,
    ImprovementUnknown,
    /// The drug is listed `times` times and counts once, by the entry at index `best` of the input's `trials`.
    ListedTimes {
        drug: String,
        times: usize,
        best: usize,
    },
}

impl TrialNote {
    /// One note of every kind, with sample values, so that a catalogue can be checked against every code.
    pub fn examples() -> Vec<TrialNote> {
        let text = |s: &str| s.to_owned();
        vec![
            TrialNote::ReadAs { entered: text("Zoloft"), drug: text("sertraline") },
            TrialNote::EarlierEpisode,
            TrialNote::AugmentationEntry,
            TrialNote::AugmentationOnly { drug: text("aripiprazole") },
            TrialNote::UnknownDrug { entered: text("xyzzy") },
            TrialNote::NotInTable { entered: text("xyzzy") },
            TrialNote::DoseMissing { drug: text("sertraline"), min: 50.0 },
            TrialNote::DoseMeets { dose: 37.5, min: 20.0, name: text("paroxetine (Paxil)") },
            TrialNote::DoseBelow { dose: 25.0, min: 50.0, name: text("sertraline") },
            TrialNote::WeeksMissing { min: 6.0 },
            TrialNote::WeeksMeet { weeks: 1.0, min: 1.0 },
            TrialNote::WeeksMeet { weeks: 8.5, min: 6.0 },
            TrialNote::WeeksShort { weeks: 1.0, min: 6.0 },
            TrialNote::WeeksShort { weeks: 3.0, min: 6.0 },
            TrialNote::ImprovementNone,
            TrialNote::PartialFailed,
            TrialNote::PartialNotFailed,
            TrialNote::Response,
            TrialNote::ImprovementUnknown,
            TrialNote::ListedTimes { drug: text("sertraline"), times: 3, best: 1 },
        ]
    }
}

fn weeks_phrase(weeks: f64) -> String {
    if weeks == 1.0 { "1 week".to_owned() } else { format!("{} weeks", format_number(weeks)) }
}

impl fmt::Display for TrialNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = |value: &f64| format_number(*value);
        match self {
            TrialNote::ReadAs { entered, drug } => write!(f, "\"{entered}\" read as {drug}"),
            TrialNote::EarlierEpisode => f.write_str(
                "taken in an earlier episode of depression: reported, but not counted, because treatment-resistant \
                 depression is about the current episode",
            ),
            TrialNote::AugmentationEntry => {
                f.write_str("augmentation entry: reported, but not counted as an antidepressant trial")
            }
            TrialNote::AugmentationOnly { drug } => write!(
                f,
                "{drug} is in the dose table only as an augmentation agent: reported, but not counted as an \
                 antidepressant trial"
            ),
            TrialNote::UnknownDrug { entered } => write!(
                f,
                "unknown drug \"{entered}\": it is not in the minimum-dose table, so adequacy cannot be judged"
            ),
            TrialNote::NotInTable { entered } => {
                write!(f, "\"{entered}\" is not in the minimum-dose table, so its dose cannot be checked")
            }
            TrialNote::DoseMissing { drug, min } => {
                write!(f, "dose not given: the minimum for {drug} is {} mg/day, so adequacy cannot be judged", n(min))
            }
            TrialNote::DoseMeets { dose, min, name } => {
                write!(f, "dose {} mg/day meets the {} mg/day minimum for {name}", n(dose), n(min))
            }
            TrialNote::DoseBelow { dose, min, name } => {
                write!(f, "dose {} mg/day is below the {} mg/day minimum for {name}", n(dose), n(min))
            }
            TrialNote::WeeksMissing { min } => {
                write!(f, "duration not given: at least {} weeks are needed, so adequacy cannot be judged", n(min))
            }
            TrialNote::WeeksMeet { weeks, min } => {
                write!(f, "{} meets the {}-week minimum", weeks_phrase(*weeks), n(min))
            }
            TrialNote::WeeksShort { weeks, min } => {
                write!(f, "{} is shorter than the {}-week minimum", weeks_phrase(*weeks), n(min))
            }
            TrialNote::ImprovementNone => f.write_str("improvement under 25%: counts as a failed trial"),
            TrialNote::PartialFailed => f.write_str("partial improvement (25-49%): counts as a failed trial"),
            TrialNote::PartialNotFailed => f.write_str(
                "partial improvement (25-49%): not counted as failed, because this clinic counts only improvement \
                 under 25%",
            ),
            TrialNote::Response => f.write_str("improvement of 50% or more (response): not a failed trial"),
            TrialNote::ImprovementUnknown => {
                f.write_str("improvement not known: whether the trial failed cannot be judged")
            }
            TrialNote::ListedTimes { drug, times, best } => write!(
                f,
                "{drug} is listed {times} times: the drug counts once, by its strongest entry (trials[{best}])"
            ),
        }
    }
}

serialize_as_english!(TrialNote);

impl Sentence for TrialNote {
    fn code(&self) -> String {
        match self {
            TrialNote::ReadAs { .. } => "note-read-as",
            TrialNote::EarlierEpisode => "note-earlier-episode",
            TrialNote::AugmentationEntry => "note-augmentation-entry",
            TrialNote::AugmentationOnly { .. } => "note-augmentation-only",
            TrialNote::UnknownDrug { .. } => "note-unknown-drug",
            TrialNote::NotInTable { .. } => "note-not-in-table",
            TrialNote::DoseMissing { .. } => "note-dose-missing",
            TrialNote::DoseMeets { .. } => "note-dose-meets",
            TrialNote::DoseBelow { .. } => "note-dose-below",
            TrialNote::WeeksMissing { .. } => "note-weeks-missing",
            TrialNote::WeeksMeet { .. } => "note-weeks-meet",
            TrialNote::WeeksShort { .. } => "note-weeks-short",
            TrialNote::ImprovementNone => "note-improvement-none",
            TrialNote::PartialFailed => "note-partial-failed",
            TrialNote::PartialNotFailed => "note-partial-not-failed",
            TrialNote::Response => "note-response",
            TrialNote::ImprovementUnknown => "note-improvement-unknown",
            TrialNote::ListedTimes { .. } => "note-listed-times",
        }
        .to_owned()
    }

    fn args(&self) -> Vec<(&'static str, Arg)> {
        let text = |value: &String| Arg::Text(value.clone());
        let number = |value: &f64| Arg::Text(format_number(*value));
        match self {
            TrialNote::ReadAs { entered, drug } => vec![("entered", text(entered)), ("drug", text(drug))],
            TrialNote::AugmentationOnly { drug } => vec![("drug", text(drug))],
            TrialNote::UnknownDrug { entered } | TrialNote::NotInTable { entered } => vec![("entered", text(entered))],
            TrialNote::DoseMissing { drug, min } => vec![("drug", text(drug)), ("min", number(min))],
            TrialNote::DoseMeets { dose, min, name } | TrialNote::DoseBelow { dose, min, name } => {
                vec![("dose", number(dose)), ("min", number(min)), ("drug", text(name))]
            }
            TrialNote::WeeksMissing { min } => vec![("min", number(min))],
            // `weeks` is a number so that the messages can say "1 week" and "2 weeks"; its text is the same as
            // `format_number` gives for every duration the parser accepts.
            TrialNote::WeeksMeet { weeks, min } | TrialNote::WeeksShort { weeks, min } => {
                vec![("weeks", Arg::Number(*weeks)), ("min", number(min))]
            }
            TrialNote::ListedTimes { drug, times, best } => {
                vec![
                    ("drug", text(drug)),
                    ("times", Arg::whole(times)),
                    ("entry", Arg::Text(format!("trials[{best}]"))),
                ]
            }
            TrialNote::EarlierEpisode
            | TrialNote::AugmentationEntry
            | TrialNote::ImprovementNone
            | TrialNote::PartialFailed
            | TrialNote::PartialNotFailed
            | TrialNote::Response
            | TrialNote::ImprovementUnknown => Vec::new(),
        }
    }
}
