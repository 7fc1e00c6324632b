//! The self-check's own sentences as codes with their values: what to discuss with a clinician ([`Discuss`]) and
//! what in the answers raised a finding ([`FindingDetail`]). Each keeps the English text the JSON API has always
//! given; the web pages word the code in the page's language.

use std::fmt;

use crate::safety::conditions::Condition;
use crate::sentence::{Arg, Sentence, serialize_as_english};
use crate::trd::TrdStatus;

/// One thing to discuss with a clinician.
#[derive(Debug, Clone, PartialEq)]
pub enum Discuss {
    /// Item 9 or acting on thoughts raised a crisis level.
    CrisisThoughts,
    /// A contraindication or caution: the condition's own sentence.
    Condition(&'static Condition),
    /// What the treatment history shows; `required` is the number of failed adequate trials the definition asks.
    Trd {
        status: TrdStatus,
        no_trials: bool,
        required: usize,
    },
    /// A PHQ-9 total of 10 or more, with its band's code (`moderately_severe`) and English label.
    Phq9Total {
        total: u16,
        severity: &'static str,
        label: &'static str,
    },
    BringSummary,
}

impl Discuss {
    /// One sentence of every kind but [`Discuss::Condition`] (whose codes come from the condition catalogue), with
    /// sample values, so that a message catalogue can be checked against every code.
    pub fn examples() -> Vec<Discuss> {
        let trd = |status, no_trials| Discuss::Trd { status, no_trials, required: 2 };
        let mut all = vec![
            Discuss::CrisisThoughts,
            trd(TrdStatus::MeetsDefinition, false),
            trd(TrdStatus::Possible, false),
            trd(TrdStatus::NotMet, true),
            trd(TrdStatus::NotMet, false),
            Discuss::BringSummary,
        ];
        all.extend(crate::instruments::phq9::SPEC.bands.iter().map(|band| Discuss::Phq9Total {
            total: 12,
            severity: band.severity,
            label: band.label,
        }));
        all
    }
}

impl fmt::Display for Discuss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Discuss::CrisisThoughts => f.write_str(
                "Tell a clinician today about the thoughts of death or self-harm you reported, so they can ask about \
                 them with you.",
            ),
            Discuss::Condition(condition) => f.write_str(condition.discuss),
            Discuss::Trd { status, no_trials, required } => match status {
                TrdStatus::MeetsDefinition => write!(
                    f,
                    "Your answers describe at least {required} antidepressants taken in this episode of depression at \
                     an adequate dose for long enough without enough improvement, which is how treatment-resistant \
                     depression is usually defined: ask a clinician whether ketamine or esketamine treatment is worth \
                     considering."
                ),
                TrdStatus::Possible => f.write_str(
                    "Some details of your past antidepressant treatments are missing or unclear (the drug, dose, \
                     length or result): bring the names, doses and dates to a clinician so they can judge which \
                     trials were adequate.",
                ),
                TrdStatus::NotMet if *no_trials => f.write_str(
                    "You did not list antidepressants taken in this episode of depression: bring the names, doses and \
                     dates of any you have taken to a clinician, because ketamine and esketamine are usually \
                     considered after at least two antidepressants have not helped enough in the current episode.",
                ),
                TrdStatus::NotMet => write!(
                    f,
                    "Your answers do not show {required} antidepressants that were taken in this episode of \
                     depression at an adequate dose for long enough without helping enough: ask a clinician which \
                     treatment options fit your history."
                ),
            },
            Discuss::Phq9Total { total, label, .. } => {
                write!(f, "Share your PHQ-9 total of {total} ({}) with a clinician.", label.to_lowercase())
            }
            Discuss::BringSummary => f.write_str(
                "Bring this summary to a clinician: it is not a diagnosis or a treatment decision, and only a \
                 clinician can say whether a treatment fits you.",
            ),
        }
    }
}

serialize_as_english!(Discuss);

impl Sentence for Discuss {
    fn code(&self) -> String {
        match self {
            Discuss::CrisisThoughts => "discuss-crisis".to_owned(),
            Discuss::Condition(condition) => format!("condition-{}-discuss", condition.code),
            Discuss::Trd { status, no_trials, .. } => match status {
                TrdStatus::MeetsDefinition => "discuss-trd-meets",
                TrdStatus::Possible => "discuss-trd-possible",
                TrdStatus::NotMet if *no_trials => "discuss-trd-no-trials",
                TrdStatus::NotMet => "discuss-trd-not-met",
            }
            .to_owned(),
            Discuss::Phq9Total { .. } => "discuss-phq9-total".to_owned(),
            Discuss::BringSummary => "discuss-bring-summary".to_owned(),
        }
    }

    fn args(&self) -> Vec<(&'static str, Arg)> {
        match self {
            Discuss::Trd { required, .. } => vec![("required", Arg::whole(required))],
            Discuss::Phq9Total { total, severity, .. } => {
                vec![("total", Arg::whole(total)), ("severity", Arg::Text((*severity).to_owned()))]
            }
            Discuss::CrisisThoughts | Discuss::Condition(_) | Discuss::BringSummary => Vec::new(),
        }
    }
}

/// What in the answers raised a finding that is set from a value rather than ticked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FindingDetail {
    /// The reading is at or above the hypertensive-crisis limit (either number).
    BloodPressureAtOrAbove {
        systolic: u16,
        diastolic: u16,
        limit_systolic: u16,
        limit_diastolic: u16,
    },
    /// The reading is above the configured caution threshold (either number).
    BloodPressureAbove {
        systolic: u16,
        diastolic: u16,
        limit_systolic: u16,
        limit_diastolic: u16,
    },
    AgeUnder {
        age: u8,
        limit: u8,
    },
    AgeFrom {
        age: u8,
        limit: u8,
    },
}

impl FindingDetail {
    /// One detail of every kind, with sample values.
    pub fn examples() -> Vec<FindingDetail> {
        vec![
            FindingDetail::BloodPressureAtOrAbove {
                systolic: 185,
                diastolic: 100,
                limit_systolic: 180,
                limit_diastolic: 120,
            },
            FindingDetail::BloodPressureAbove {
                systolic: 150,
                diastolic: 95,
                limit_systolic: 140,
                limit_diastolic: 90,
            },
            FindingDetail::AgeUnder { age: 16, limit: 18 },
            FindingDetail::AgeFrom { age: 70, limit: 65 },
        ]
    }
}

impl fmt::Display for FindingDetail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FindingDetail::BloodPressureAtOrAbove { systolic, diastolic, limit_systolic, limit_diastolic } => write!(
                f,
                "blood pressure {systolic}/{diastolic} mmHg is at or above {limit_systolic}/{limit_diastolic}"
            ),
            FindingDetail::BloodPressureAbove { systolic, diastolic, limit_systolic, limit_diastolic } => {
                write!(f, "blood pressure {systolic}/{diastolic} mmHg is above {limit_systolic}/{limit_diastolic}")
            }
            FindingDetail::AgeUnder { age, limit } => write!(f, "age {age} is under {limit}"),
            FindingDetail::AgeFrom { age, limit } => write!(f, "age {age} is {limit} or over"),
        }
    }
}

serialize_as_english!(FindingDetail);

impl Sentence for FindingDetail {
    fn code(&self) -> String {
        match self {
            FindingDetail::BloodPressureAtOrAbove { .. } => "detail-bp-at-or-above",
            FindingDetail::BloodPressureAbove { .. } => "detail-bp-above",
            FindingDetail::AgeUnder { .. } => "detail-age-under",
            FindingDetail::AgeFrom { .. } => "detail-age-from",
        }
        .to_owned()
    }

    fn args(&self) -> Vec<(&'static str, Arg)> {
        match self {
            FindingDetail::BloodPressureAtOrAbove { systolic, diastolic, limit_systolic, limit_diastolic }
            | FindingDetail::BloodPressureAbove { systolic, diastolic, limit_systolic, limit_diastolic } => vec![
                ("systolic", Arg::whole(systolic)),
                ("diastolic", Arg::whole(diastolic)),
                ("limit_systolic", Arg::whole(limit_systolic)),
                ("limit_diastolic", Arg::whole(limit_diastolic)),
            ],
            FindingDetail::AgeUnder { age, limit } | FindingDetail::AgeFrom { age, limit } => {
                vec![("age", Arg::whole(age)), ("limit", Arg::whole(limit))]
            }
        }
    }
}
