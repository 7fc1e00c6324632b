//! Checks before each dose, as data and as a pure evaluation: fasting, nasal medication timing, transport home,
//! pregnancy status where it applies, REMS enrollment and the pre-dose blood pressure.
//!
//! A missing or gated blood pressure blocks dosing until a prescriber overrides. A missing REMS enrollment blocks
//! an esketamine dose in an outpatient setting with no override ([`enrollment_gate`]); an inpatient setting is
//! exempt. The other checks inform the clinician, who decides; the dose response carries them as warnings.

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use super::blood_pressure::BloodPressure;
use super::bp_gate::{self, GateDecision, bp_gate};
use super::modality::Modality;
use super::overrides::Blocking;
use super::settings::ProtocolSettings;
use crate::rems::SettingType;
use crate::rule::{Confidence, Rule, RuleRef};

pub static FASTING_RULE: Rule = Rule {
    id: "protocols.pre_checks.fasting",
    version: 1,
    summary: "Before esketamine, no food for at least 2 hours and no liquids for at least 30 minutes (nausea and vomiting)",
    source: "clinical.md §3.3 (spravato.com; Mayo Clinic)",
    confidence: Confidence::Confirmed,
    configurable: false,
};

pub static FASTING_KETAMINE_RULE: Rule = Rule {
    id: "protocols.pre_checks.fasting_ketamine",
    version: 1,
    summary: "Before IV, IM or oral ketamine, the esketamine fasting times (food 2 h, liquids 30 min) are asked by analogy",
    source: "clinical.md §3.3 by analogy; no ketamine fasting source in §4",
    confidence: Confidence::Unverified,
    configurable: true,
};

pub static NASAL_MEDICATION_RULE: Rule = Rule {
    id: "protocols.pre_checks.nasal_medication",
    version: 1,
    summary: "A nasal corticosteroid or decongestant, if used, is taken at least 1 hour before esketamine",
    source: "clinical.md §3.3 (spravato.com; Mayo Clinic)",
    confidence: Confidence::Confirmed,
    configurable: false,
};

pub static TRANSPORT_RULE: Rule = Rule {
    id: "protocols.pre_checks.transport",
    version: 1,
    summary: "Patients must not drive until the next day after a restful sleep: someone else takes them home",
    source: "clinical.md §3.4 (2019 PI §17; spravatohcp.com), §3.8 (counsel on arranging to leave safely); \
             directory-and-interop.md §d.3 (LA County DMH: reschedule if no transport)",
    confidence: Confidence::Confirmed,
    configurable: false,
};

pub static TRANSPORT_KETAMINE_RULE: Rule = Rule {
    id: "protocols.pre_checks.transport_ketamine",
    version: 1,
    summary: "Before IV, IM or oral ketamine, transport home other than driving is asked by analogy with esketamine",
    source: "clinical.md §3.4 by analogy",
    confidence: Confidence::Unverified,
    configurable: true,
};

pub static PREGNANCY_RULE: Rule = Rule {
    id: "protocols.pre_checks.pregnancy",
    version: 1,
    summary: "Esketamine is not recommended in pregnancy: pregnancy status is asked where it applies and a positive or \
              unknown status goes to the prescriber (National Pregnancy Registry for Antidepressants 1-844-405-6185)",
    source: "clinical.md §3.6 (embryo-fetal toxicity; 2019 PI §17)",
    confidence: Confidence::Confirmed,
    configurable: false,
};

pub static PREGNANCY_KETAMINE_RULE: Rule = Rule {
    id: "protocols.pre_checks.pregnancy_ketamine",
    version: 1,
    summary: "Before IV, IM or oral ketamine, pregnancy status is asked where it applies, by analogy with esketamine",
    source: "clinical.md §3.6 by analogy",
    confidence: Confidence::Unverified,
    configurable: true,
};

pub static REMS_ENROLLMENT_RULE: Rule = Rule {
    id: "protocols.pre_checks.rems_enrollment",
    version: 2,
    summary: "In an outpatient setting, an esketamine dose is refused unless the intake records the patient as \
              enrolled in the SPRAVATO REMS; no override passes it. Inpatient settings (including emergency \
              departments) are exempt: the REMS does not require them to enroll patients",
    source: "clinical.md §3.8, §3.9 (first treatment: enrolled? if not, submit the Patient Enrollment Form first), \
             §8.1 (Outpatient Healthcare Settings are required to enroll patients prior to patient treatment; \
             Inpatient Healthcare Settings are NOT required to enroll patients); directory-and-interop.md §d.3",
    confidence: Confidence::Confirmed,
    configurable: false,
};

/// Minutes without food before esketamine.
pub const FOOD_FAST_MINUTES: i64 = 120;
/// Minutes without liquids before esketamine.
pub const LIQUID_FAST_MINUTES: i64 = 30;
/// Minutes between a nasal corticosteroid or decongestant and esketamine.
pub const NASAL_MEDICATION_MINUTES: i64 = 60;

/// What a pre-check asks about; its snake_case name is the check's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PreCheckKind {
    RemsEnrollment,
    Fasting,
    NasalMedication,
    TransportHome,
    PregnancyStatus,
    BloodPressure,
}

/// A check asked before a dose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PreCheck {
    #[serde(rename = "id")]
    pub kind: PreCheckKind,
    pub label: &'static str,
    pub rule: &'static Rule,
}

impl PreCheckKind {
    /// What the page asks: the same words for every modality, whose checks differ only in their rule.
    pub const fn label(self) -> &'static str {
        match self {
            PreCheckKind::RemsEnrollment => "Enrolled in the SPRAVATO REMS",
            PreCheckKind::Fasting => "No food for 2 hours, no liquids for 30 minutes",
            PreCheckKind::NasalMedication => "Nasal corticosteroid or decongestant, if used, at least 1 hour before",
            PreCheckKind::TransportHome => "Transport home arranged (no driving today)",
            PreCheckKind::PregnancyStatus => "Pregnancy status, where it applies",
            PreCheckKind::BloodPressure => "Blood pressure before the dose",
        }
    }
}

impl PreCheck {
    const fn asking(kind: PreCheckKind, rule: &'static Rule) -> Self {
        Self { kind, label: kind.label(), rule }
    }
}

/// The checks before an esketamine dose, in the order the page asks them: the label and the REMS ask every one.
static ESKETAMINE_CHECKS: [PreCheck; 6] = [
    PreCheck::asking(PreCheckKind::RemsEnrollment, &REMS_ENROLLMENT_RULE),
    PreCheck::asking(PreCheckKind::Fasting, &FASTING_RULE),
    PreCheck::asking(PreCheckKind::NasalMedication, &NASAL_MEDICATION_RULE),
    PreCheck::asking(PreCheckKind::TransportHome, &TRANSPORT_RULE),
    PreCheck::asking(PreCheckKind::PregnancyStatus, &PREGNANCY_RULE),
    PreCheck::asking(PreCheckKind::BloodPressure, &bp_gate::ESKETAMINE_RULE),
];

/// The checks a ketamine dose may ask, in the page's order; which of the first three are asked is the clinic's
/// setting.
static KETAMINE_CHECKS: [PreCheck; 4] = [
    PreCheck::asking(PreCheckKind::Fasting, &FASTING_KETAMINE_RULE),
    PreCheck::asking(PreCheckKind::TransportHome, &TRANSPORT_KETAMINE_RULE),
    PreCheck::asking(PreCheckKind::PregnancyStatus, &PREGNANCY_KETAMINE_RULE),
    PreCheck::asking(PreCheckKind::BloodPressure, &bp_gate::KETAMINE_RULE),
];

/// The checks asked before a dose of `modality`, in the order the page asks them.
pub fn pre_checks(modality: Modality, settings: &ProtocolSettings) -> Vec<&'static PreCheck> {
    if modality == Modality::EsketamineNasal {
        return ESKETAMINE_CHECKS.iter().collect();
    }
    let p = &settings.values().pre_checks;
    // Fasting, transport and pregnancy are asked as the clinic set them, blood pressure always.
    let asked = [p.ketamine_fasting, p.ketamine_transport, p.ketamine_pregnancy, true];
    KETAMINE_CHECKS.iter().zip(asked).filter_map(|(check, asked)| asked.then_some(check)).collect()
}

/// Whether a nasal corticosteroid or decongestant was used before the dose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "answer", rename_all = "snake_case")]
pub enum NasalMedication {
    NotUsed,
    TakenAt {
        #[serde(with = "time::serde::rfc3339")]
        at: OffsetDateTime,
    },
    NotAsked,
}

/// Pregnancy status, where it applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PregnancyStatus {
    /// The patient cannot become pregnant.
    NotApplicable,
    NotPregnant,
    Pregnant,
    Unknown,
}

/// What staff recorded before a dose. Absent answers are reported as not recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreCheckAnswers {
    /// When the dose is to be given.
    #[serde(with = "time::serde::rfc3339")]
    pub dose_at: OffsetDateTime,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub last_food_at: Option<OffsetDateTime>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub last_liquid_at: Option<OffsetDateTime>,
    pub nasal_medication: NasalMedication,
    #[serde(default)]
    pub transport_home_arranged: Option<bool>,
    pub pregnancy: PregnancyStatus,
    #[serde(default)]
    pub rems_enrolled: Option<bool>,
    #[serde(default)]
    pub blood_pressure: Option<BloodPressure>,
}

/// Where a check stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PreCheckStatus {
    Met,
    NotMet,
    NotRecorded,
    NotApplicable,
}

/// A check's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PreCheckResult {
    #[serde(rename = "id")]
    pub kind: PreCheckKind,
    pub label: &'static str,
    pub status: PreCheckStatus,
    pub message: String,
    /// Whether this result blocks dosing.
    pub blocks_dosing: bool,
    /// Whether a prescriber's reason may lift the block: false for REMS enrollment.
    pub overridable: bool,
    pub rule: RuleRef,
}

/// Every check's result before a dose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PreCheckReport {
    pub results: Vec<PreCheckResult>,
    /// The blood-pressure gate's decision, when a reading was recorded.
    pub bp_gate: Option<GateDecision>,
    pub dosing_blocked: bool,
}

impl Blocking for PreCheckReport {
    /// The blocks a prescriber may lift; an absolute block (REMS enrollment) is not among them, and the dose
    /// refuses it before any override is looked at.
    fn blocking_rules(&self) -> Vec<RuleRef> {
        self.results.iter().filter(|r| r.blocks_dosing && r.overridable).map(|r| r.rule).collect()
    }
}

/// Whether REMS enrollment allows an esketamine dose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum EnrollmentGate {
    /// The patient is enrolled.
    Enrolled { rule: RuleRef },
    /// The setting is inpatient: the REMS does not require patient enrollment there.
    NotRequired { message: String, rule: RuleRef },
    /// Outpatient and not recorded as enrolled: the dose is refused, with no override.
    Refused { message: String, rule: RuleRef },
}

/// The REMS enrollment gate before an esketamine dose, in the clinic's setting. The setting type decides through
/// [`SettingType::outpatient_rems_applies`], the same function that decides whether a Patient Monitoring Form is
/// due, so the dose gate and the form cannot disagree.
pub fn enrollment_gate(setting: SettingType, rems_enrolled: Option<bool>) -> EnrollmentGate {
    let rule = REMS_ENROLLMENT_RULE.reference();
    if !setting.outpatient_rems_applies() {
        return EnrollmentGate::NotRequired {
            message: "inpatient setting: the REMS does not require patient enrollment here (suspected adverse \
                      events are still reported to the REMS)"
                .to_owned(),
            rule,
        };
    }
    match rems_enrolled {
        Some(true) => EnrollmentGate::Enrolled { rule },
        Some(false) => EnrollmentGate::Refused {
            message: "the intake records the patient as not enrolled in the SPRAVATO REMS: submit the Patient \
                      Enrollment Form and record rems_enrolled in the intake before the dose"
                .to_owned(),
            rule,
        },
        None => EnrollmentGate::Refused {
            message: "the intake does not record the patient as enrolled in the SPRAVATO REMS: confirm enrollment \
                      and record rems_enrolled in the intake before the dose"
                .to_owned(),
            rule,
        },
    }
}

fn minutes_before(dose_at: OffsetDateTime, at: OffsetDateTime) -> i64 {
    (dose_at - at).whole_minutes()
}

/// `(status, message)` for one "at least N minutes before" answer.
fn enough_before(
    what: &str,
    dose_at: OffsetDateTime,
    at: Option<OffsetDateTime>,
    needed: i64,
) -> (PreCheckStatus, String) {
    match at {
        None => (PreCheckStatus::NotRecorded, format!("last {what} not recorded")),
        Some(at) if dose_at - at >= Duration::minutes(needed) => {
            (PreCheckStatus::Met, format!("last {what} {} min before the dose", minutes_before(dose_at, at)))
        }
        Some(at) => (
            PreCheckStatus::NotMet,
            format!("last {what} {} min before the dose; at least {needed} min advised", minutes_before(dose_at, at)),
        ),
    }
}

fn worst(a: PreCheckStatus, b: PreCheckStatus) -> PreCheckStatus {
    use PreCheckStatus::{Met, NotApplicable, NotMet, NotRecorded};
    match (a, b) {
        (NotMet, _) | (_, NotMet) => NotMet,
        (NotRecorded, _) | (_, NotRecorded) => NotRecorded,
        (Met, _) | (_, Met) => Met,
        (NotApplicable, NotApplicable) => NotApplicable,
    }
}

fn evaluate(check: &PreCheck, modality: Modality, a: &PreCheckAnswers, settings: &ProtocolSettings) -> PreCheckResult {
    let (status, message, blocks) = match check.kind {
        PreCheckKind::RemsEnrollment => match enrollment_gate(settings.values().rems.setting_type, a.rems_enrolled) {
            EnrollmentGate::Enrolled { .. } => (PreCheckStatus::Met, "enrolled in the REMS".to_owned(), false),
            EnrollmentGate::NotRequired { message, .. } => (PreCheckStatus::NotApplicable, message, false),
            EnrollmentGate::Refused { message, .. } => {
                let status =
                    if a.rems_enrolled.is_some() { PreCheckStatus::NotMet } else { PreCheckStatus::NotRecorded };
                (status, format!("{message}; no override passes this check"), true)
            }
        },
        PreCheckKind::Fasting => {
            let (food, food_message) = enough_before("food", a.dose_at, a.last_food_at, FOOD_FAST_MINUTES);
            let (drink, drink_message) = enough_before("liquid", a.dose_at, a.last_liquid_at, LIQUID_FAST_MINUTES);
            (worst(food, drink), format!("{food_message}; {drink_message} (to reduce nausea and vomiting)"), false)
        }
        PreCheckKind::NasalMedication => match a.nasal_medication {
            NasalMedication::NotUsed => {
                (PreCheckStatus::NotApplicable, "no nasal corticosteroid or decongestant used".to_owned(), false)
            }
            NasalMedication::NotAsked => {
                (PreCheckStatus::NotRecorded, "nasal corticosteroid or decongestant use not recorded".to_owned(), false)
            }
            NasalMedication::TakenAt { at } => {
                let (status, message) =
                    enough_before("nasal medication", a.dose_at, Some(at), NASAL_MEDICATION_MINUTES);
                (status, message, false)
            }
        },
        PreCheckKind::TransportHome => match a.transport_home_arranged {
            Some(true) => (PreCheckStatus::Met, "transport home arranged".to_owned(), false),
            Some(false) => (
                PreCheckStatus::NotMet,
                "no transport home: the patient must not drive until the next day after a restful sleep; arrange \
                 transport or reschedule"
                    .to_owned(),
                false,
            ),
            None => (PreCheckStatus::NotRecorded, "transport home not recorded".to_owned(), false),
        },
        PreCheckKind::PregnancyStatus => match a.pregnancy {
            PregnancyStatus::NotApplicable => (PreCheckStatus::NotApplicable, "does not apply".to_owned(), false),
            PregnancyStatus::NotPregnant => (PreCheckStatus::Met, "not pregnant".to_owned(), false),
            PregnancyStatus::Pregnant => (
                PreCheckStatus::NotMet,
                "pregnant: not recommended in pregnancy; the prescriber decides".to_owned(),
                false,
            ),
            PregnancyStatus::Unknown => {
                (PreCheckStatus::NotRecorded, "pregnancy status unknown: ask the prescriber".to_owned(), false)
            }
        },
        PreCheckKind::BloodPressure => match a.blood_pressure.map(|bp| bp_gate(modality, bp, settings)) {
            None => (PreCheckStatus::NotRecorded, "blood pressure before the dose not recorded".to_owned(), true),
            Some(GateDecision::Pass { .. }) => (PreCheckStatus::Met, "within the gate".to_owned(), false),
            Some(GateDecision::Blocked { reason, .. }) => (PreCheckStatus::NotMet, reason, true),
        },
    };
    PreCheckResult {
        kind: check.kind,
        label: check.label,
        status,
        message,
        blocks_dosing: blocks,
        overridable: check.kind != PreCheckKind::RemsEnrollment,
        rule: check.rule.reference(),
    }
}

/// An advisory pre-check that is not met or not recorded, as the dose response and the session page show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PreCheckWarning {
    /// The check's id: `fasting`, `nasal_medication`, `transport_home` or `pregnancy_status`.
    pub code: PreCheckKind,
    pub message: String,
    pub rule: RuleRef,
}

impl PreCheckReport {
    /// The advisory checks (everything that does not block dosing) that are not met or not recorded.
    pub fn warnings(&self) -> Vec<PreCheckWarning> {
        self.results
            .iter()
            .filter(|r| !r.blocks_dosing && matches!(r.status, PreCheckStatus::NotMet | PreCheckStatus::NotRecorded))
            .filter(|r| !matches!(r.kind, PreCheckKind::RemsEnrollment | PreCheckKind::BloodPressure))
            .map(|r| PreCheckWarning { code: r.kind, message: format!("{}: {}", r.label, r.message), rule: r.rule })
            .collect()
    }
}

/// Evaluates the checks of `modality` against what staff recorded.
pub fn evaluate_pre_checks(
    modality: Modality,
    answers: &PreCheckAnswers,
    settings: &ProtocolSettings,
) -> PreCheckReport {
    let results: Vec<PreCheckResult> =
        pre_checks(modality, settings).into_iter().map(|check| evaluate(check, modality, answers, settings)).collect();
    let dosing_blocked = results.iter().any(|r| r.blocks_dosing);
    PreCheckReport {
        results,
        bp_gate: answers.blood_pressure.map(|bp| bp_gate(modality, bp, settings)),
        dosing_blocked,
    }
}
