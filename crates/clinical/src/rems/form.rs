//! The Patient Monitoring Form as data: every section and field of the outpatient form, each value optional so
//! that a draft can be stored, shown and edited before it is complete.
//!
//! Field inventory: `clinical.md` §3.9 (June 2024 transcription, J&J video transcript) and
//! `directory-and-interop.md` §d.3 (11/2021 transcription, required fields marked). What each field cites and how
//! well it is established is in [`super::fields::FIELDS`]; the adverse-effect questions carry their own.

use serde::{Deserialize, Deserializer, Serialize};
use time::Date;

use crate::protocols::{BloodPressure, LotNumber};
use crate::rule::{Confidence, Rule};

pub static ADVERSE_EFFECTS_RULE: Rule = Rule {
    id: "rems.pmf.adverse_effects",
    version: 1,
    summary: "The form's adverse-effect questions are clinic-configurable; the defaults ask whether the patient \
              experienced sedation, dissociation and respiratory depression during the session, because the form's \
              field list after 'Did the patient experience sedation' is unverified",
    source: "clinical.md §3.9 (adverse effects row: transcription truncated [U]; sedation and dissociation [S]; \
             respiratory depression per J&J transcript), §6 item 7; directory-and-interop.md §d.3 item 8",
    confidence: Confidence::Unverified,
    configurable: true,
};

/// Patient identity and REMS enrollment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PatientSection {
    pub first_name: Option<String>,
    pub middle_initial: Option<String>,
    pub last_name: Option<String>,
    #[serde(with = "super::iso_date::option")]
    pub birthdate: Option<Date>,
    /// As the form records it; the form's answer options are not in the reference, so the text is kept as entered.
    pub sex: Option<String>,
    /// Whether this is the patient's first SPRAVATO treatment.
    pub first_treatment: Option<bool>,
    /// Whether the patient is enrolled in the REMS; asked when `first_treatment` is yes.
    pub enrolled: Option<bool>,
}

/// Concomitant medications that may cause sedation, blood-pressure changes or respiratory depression (yes/no each).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConcomitantMedications {
    pub benzodiazepines: Option<bool>,
    pub non_benzodiazepine_sedative_hypnotics: Option<bool>,
    pub psychostimulants: Option<bool>,
    pub maois: Option<bool>,
    /// Other medications that may cause respiratory depression, including but not limited to opioids: the newer
    /// wording of the form, from the J&J video transcript.
    pub respiratory_depressants: Option<bool>,
}

/// The healthcare provider who conducted the monitoring.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HcpSection {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// The healthcare setting's postal address, as the form asks for it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SettingAddress {
    pub line1: Option<String>,
    pub line2: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub zip: Option<String>,
}

/// The healthcare setting where the session took place.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SettingSection {
    pub name: Option<String>,
    pub address: SettingAddress,
}

/// The dose administered, as the form offers it: 56 mg, 84 mg or another amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DoseAdministered {
    Mg56,
    Mg84,
    Other { mg: u32 },
}

impl DoseAdministered {
    /// The form's choice for a total in mg: 56 and 84 are boxes of their own, anything else is "other".
    pub fn from_mg(mg: u32) -> Self {
        match mg {
            56 => DoseAdministered::Mg56,
            84 => DoseAdministered::Mg84,
            other => DoseAdministered::Other { mg: other },
        }
    }

    pub fn mg(self) -> u32 {
        match self {
            DoseAdministered::Mg56 => 56,
            DoseAdministered::Mg84 => 84,
            DoseAdministered::Other { mg } => mg,
        }
    }
}

/// The session: date, dose and the lot numbers of the devices used.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SessionSection {
    #[serde(with = "super::iso_date::option")]
    pub treatment_date: Option<Date>,
    pub dose: Option<DoseAdministered>,
    /// Distinct lot numbers in the order the devices were given; a dose may use devices from more than one lot.
    pub lot_numbers: Vec<LotNumber>,
}

/// Whether vital signs were in an acceptable range before administration and before the session was completed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VitalSignsSection {
    pub in_range_prior_to_administration: Option<bool>,
    pub in_range_prior_to_completion: Option<bool>,
}

/// The three blood-pressure readings the form records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BloodPressureSection {
    pub prior_to_administration: Option<BloodPressure>,
    pub post_40_min: Option<BloodPressure>,
    pub prior_to_completion: Option<BloodPressure>,
}

/// One question of the adverse-effects section, as a clinic configures it from the current form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdverseEffectQuestion {
    /// Stable code, for example `sedation`; the field path is `adverse_effects.<code>`.
    pub code: String,
    /// The question as the form words it.
    pub text: String,
    /// How well it is established that the current form asks this question.
    #[serde(deserialize_with = "deserialize_confidence")]
    pub confidence: Confidence,
}

impl AdverseEffectQuestion {
    /// The default questions: sedation, dissociation and respiratory depression (`clinical.md` §3.9).
    pub fn defaults() -> Vec<AdverseEffectQuestion> {
        let question = |code: &str, text: &str, confidence| AdverseEffectQuestion {
            code: code.to_owned(),
            text: text.to_owned(),
            confidence,
        };
        vec![
            // The question's opening words are in the June 2024 transcription; the rest of it is truncated there.
            question("sedation", "Did the patient experience sedation during the session?", Confidence::Confirmed),
            // Confirmed only by a secondary source (ehrsource.com).
            question(
                "dissociation",
                "Did the patient experience dissociation during the session?",
                Confidence::Secondary,
            ),
            // The J&J transcript says patients must be monitored for it; that the form asks is an inference.
            question(
                "respiratory_depression",
                "Did the patient experience respiratory depression during the session?",
                Confidence::Unverified,
            ),
        ]
    }
}

/// A question of the adverse-effects section with its yes/no answer, so the form carries the wording it was
/// answered under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdverseEffectAnswer {
    #[serde(flatten)]
    pub question: AdverseEffectQuestion,
    #[serde(default)]
    pub answer: Option<bool>,
    /// Whether `answer` is the one the chart gave (MOAA/S, CADSS, SpO2 or a charted adverse event) and no person
    /// has set it yet; `false` once a person answers, and for an answer nobody derived.
    #[serde(default)]
    pub derived_from_chart: bool,
}

/// The whole Patient Monitoring Form. JSON field names are the paths that [`super::fields::FIELDS`] and
/// [`super::MissingField`] use.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PatientMonitoringForm {
    pub patient: PatientSection,
    pub concomitant_medications: ConcomitantMedications,
    pub hcp: HcpSection,
    pub setting: SettingSection,
    pub session: SessionSection,
    /// Total minutes from the first device administration to the completion of monitoring.
    pub treatment_duration_minutes: Option<u32>,
    /// The REMS evaluation question: had there been no 2-hour minimum, when the patient would have been ready to
    /// leave, in minutes from the start of administration.
    pub ready_to_leave_minutes: Option<u32>,
    pub vital_signs: VitalSignsSection,
    pub blood_pressure: BloodPressureSection,
    pub adverse_effects: Vec<AdverseEffectAnswer>,
    /// When the patient left before the end of monitoring: why, and the true minutes monitored. Only then may
    /// the treatment duration be under the 2-hour minimum, so the form states what happened instead of a false
    /// duration.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub early_departure: Option<EarlyDeparture>,
}

/// Why a patient left before the end of monitoring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EarlyDepartureReason {
    /// Sent to emergency care (an adverse event that needed it).
    TransferredToEmergency,
    /// Left against the clinician's advice.
    LeftAgainstAdvice,
    Other,
}

impl EarlyDepartureReason {
    pub const ALL: [EarlyDepartureReason; 3] = [Self::TransferredToEmergency, Self::LeftAgainstAdvice, Self::Other];

    /// The code, as JSON and the store spell it.
    pub fn code(self) -> &'static str {
        match self {
            Self::TransferredToEmergency => "transferred_to_emergency",
            Self::LeftAgainstAdvice => "left_against_advice",
            Self::Other => "other",
        }
    }

    /// The reason in words, as staff pages show it.
    pub fn label(self) -> &'static str {
        match self {
            Self::TransferredToEmergency => "transferred to emergency care",
            Self::LeftAgainstAdvice => "left against advice",
            Self::Other => "left early for another reason",
        }
    }

    /// Parses a code; the message lists the known codes.
    pub fn parse(code: &str) -> Result<Self, String> {
        Self::ALL.into_iter().find(|r| r.code() == code).ok_or_else(|| {
            format!(
                "unknown reason {code:?}; expected one of {}",
                Self::ALL.iter().map(|r| r.code()).collect::<Vec<_>>().join(", ")
            )
        })
    }
}

/// The form's record of an early departure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EarlyDeparture {
    pub reason: EarlyDepartureReason,
    /// Whole minutes from the first device to the departure: the same as `treatment_duration_minutes`.
    pub minutes_monitored: u32,
}

/// Reads a confidence in the form [`Confidence`] serializes to (`confirmed`, `secondary`, `unverified`), or as the
/// reference's tag (`C`, `S`, `U`), so that clinic settings can name it either way.
pub(crate) fn deserialize_confidence<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Confidence, D::Error> {
    let raw = String::deserialize(deserializer)?;
    match raw.as_str() {
        "confirmed" | "C" => Ok(Confidence::Confirmed),
        "secondary" | "S" => Ok(Confidence::Secondary),
        "unverified" | "U" => Ok(Confidence::Unverified),
        other => Err(serde::de::Error::custom(format!(
            "unknown confidence {other:?}; expected confirmed, secondary or unverified"
        ))),
    }
}
