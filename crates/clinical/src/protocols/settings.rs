//! Protocol settings per clinic: every configurable threshold and time of the session rules, with defaults
//! taken from the reference, and the check that turns a settings document into values the rules can trust.
//!
//! Parse, don't validate: [`ProtocolSettings`] can only be built from checked [`SettingsValues`], so every rule
//! function can rely on, for example, a minimum esketamine monitoring time of at least the REMS two hours.
//! [`ProtocolSettings::describe`] (in `settings_view.rs`) lists each value with its rule, source and confidence.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::alert_settings::AlertSettings;
use super::bp_gate::BpGate;
use super::modality::Modality;
use crate::checked_settings::checked_settings;
use crate::error::InvalidInput;
use crate::rems::SettingType;
use crate::rule::Confidence;

/// Every configurable value of the session protocols, as a clinic stores and edits it.
///
/// Missing keys take their defaults, so a clinic's document need only hold what it changed;
/// unknown keys are refused so that a misspelt setting is not silently ignored.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SettingsValues {
    pub bp_gate: BpGates,
    pub monitoring: MonitoringSettings,
    pub discharge: DischargeSettings,
    pub iv: IvSettings,
    pub esketamine: EsketamineSettings,
    pub pre_checks: PreCheckSettings,
    pub rems: RemsSettings,
    /// The thresholds of the alerts raised while the patient is in the chair (`alert_settings.rs`).
    pub alerts: AlertSettings,
}

/// One value for each modality, keyed in a settings document by the modality's code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, bound(deserialize = "T: Deserialize<'de>, PerModality<T>: Default"))]
pub struct PerModality<T> {
    pub esketamine_nasal: T,
    pub iv_ketamine: T,
    pub im_ketamine: T,
    pub oral_ketamine: T,
}

impl<T: Copy> PerModality<T> {
    pub fn get(&self, modality: Modality) -> T {
        match modality {
            Modality::EsketamineNasal => self.esketamine_nasal,
            Modality::IvKetamine => self.iv_ketamine,
            Modality::ImKetamine => self.im_ketamine,
            Modality::OralKetamine => self.oral_ketamine,
        }
    }

    const fn all(value: T) -> Self {
        Self { esketamine_nasal: value, iv_ketamine: value, im_ketamine: value, oral_ketamine: value }
    }
}

/// The pre-dose blood-pressure gate of each modality.
pub type BpGates = PerModality<BpGate>;

impl Default for BpGates {
    fn default() -> Self {
        Self::all(BpGate::default())
    }
}

/// The minimum monitoring time after dosing, in minutes, of each modality.
pub type MinimumMinutes = PerModality<u32>;

impl Default for MinimumMinutes {
    fn default() -> Self {
        // Esketamine: the REMS two hours. The others have no sourced figure; two hours in total is the
        // documented default (for IV: the 40-minute infusion plus monitoring until recovered).
        Self::all(120)
    }
}

/// When observations fall due during a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MonitoringSettings {
    pub minimum_minutes: MinimumMinutes,
    /// Minutes after the first esketamine device at which blood pressure is due.
    pub esketamine_bp_check_minute: u32,
    /// Blood-pressure interval during an IV infusion.
    pub iv_bp_every_minutes_during: u32,
    /// Blood-pressure interval after an IV infusion, until the minimum monitoring time.
    pub iv_bp_every_minutes_after: u32,
    /// Blood-pressure interval for IM and oral ketamine, until the minimum monitoring time.
    pub other_bp_every_minutes: u32,
    /// Minutes after dosing at which sedation (MOAA/S) and dissociation (CADSS) are due.
    pub sedation_check_minute: u32,
    /// How many minutes before its due time an observation still counts for it.
    pub early_minutes: u32,
    /// How many minutes after its due time an observation is overdue.
    pub grace_minutes: u32,
}

impl Default for MonitoringSettings {
    fn default() -> Self {
        Self {
            minimum_minutes: MinimumMinutes::default(),
            esketamine_bp_check_minute: 40,
            iv_bp_every_minutes_during: 10,
            iv_bp_every_minutes_after: 15,
            other_bp_every_minutes: 15,
            sedation_check_minute: 40,
            early_minutes: 5,
            grace_minutes: 10,
        }
    }
}

/// The criteria for leaving after the minimum monitoring time. They apply to esketamine sessions, so none can be
/// switched off (`null` is refused) and each threshold stays on the safe side of its [`Floor`]; the `Option`s
/// keep the document's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DischargeSettings {
    /// Lowest MOAA/S score that counts as alert (5: responds readily to name in a normal tone).
    pub min_moaas: Option<u8>,
    /// Lowest oxygen saturation, in percent.
    pub min_spo2: Option<u8>,
    /// Highest CADSS total that counts as dissociation resolved.
    pub max_cadss: Option<u16>,
    /// Whether blood pressure must be within the modality's pre-dose gate.
    pub bp_within_gate: bool,
    /// How old, in minutes, the values the criteria use may be.
    pub vitals_max_age_minutes: u32,
}

impl Default for DischargeSettings {
    fn default() -> Self {
        Self {
            min_moaas: Some(5),
            min_spo2: Some(94),
            max_cadss: Some(4),
            bp_within_gate: true,
            vitals_max_age_minutes: 30,
        }
    }
}

/// IV ketamine dosing and series defaults.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IvSettings {
    pub mg_per_kg_default: f64,
    pub mg_per_kg_min: f64,
    pub mg_per_kg_max: f64,
    pub infusion_minutes: u32,
    pub series_infusions: u8,
    pub series_per_week: u8,
}

impl Default for IvSettings {
    fn default() -> Self {
        Self {
            mg_per_kg_default: 0.5,
            mg_per_kg_min: 0.1,
            mg_per_kg_max: 0.75,
            infusion_minutes: 40,
            series_infusions: 6,
            series_per_week: 3,
        }
    }
}

/// Esketamine options beyond the US label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EsketamineSettings {
    /// Whether a 28 mg dose (one device) is accepted, as non-US labelling allows for patients 65 and over.
    pub allow_28mg_start: bool,
}

/// Which unverified pre-checks IV, IM and oral ketamine sessions ask. The esketamine checks are all
/// confirmed by the label and always asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PreCheckSettings {
    /// Ask for the esketamine fasting times (food 2 h, liquids 30 min) before ketamine too.
    pub ketamine_fasting: bool,
    /// Ask whether transport home is arranged before ketamine too.
    pub ketamine_transport: bool,
    /// Ask for pregnancy status, where it applies, before ketamine too.
    pub ketamine_pregnancy: bool,
}

impl Default for PreCheckSettings {
    fn default() -> Self {
        Self { ketamine_fasting: true, ketamine_transport: true, ketamine_pregnancy: true }
    }
}

/// The clinic's REMS setting: an outpatient clinic submits a Patient Monitoring Form after every esketamine
/// session; an inpatient setting (a hospital ward, an emergency department) does not (`clinical.md` §3.8,
/// `directory-and-interop.md` §d.3). Read where a session's form is drafted and where the forms due are listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RemsSettings {
    pub setting_type: SettingType,
}

impl Default for RemsSettings {
    fn default() -> Self {
        Self { setting_type: SettingType::Outpatient }
    }
}

/// A limit that a clinic's setting may not cross, with its source; a clinic can always be stricter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Floor {
    /// The setting's dotted path.
    pub name: &'static str,
    /// The limit in words, as the settings page and the refusal show it.
    pub limit: &'static str,
    pub source: &'static str,
    pub confidence: Confidence,
}

/// The lowest discharge SpO2 a clinic may set, in percent: below 90 % is hypoxaemia.
pub const MIN_SPO2_FLOOR: u8 = 90;
/// The lowest discharge MOAA/S a clinic may set: 4 is a lethargic response to the name in a normal tone.
pub const MIN_MOAAS_FLOOR: u8 = 4;
/// The highest discharge CADSS total a clinic may set: above 4 is the programme's definition of dissociation.
pub const MAX_CADSS_CEILING: u16 = 4;
/// The laxest pre-dose (and discharge) blood-pressure gate a clinic may set, systolic and diastolic, in mmHg.
pub const BP_GATE_CEILING: (u16, u16) = (220, 130);

/// Every floor of the clinic settings, in the order the settings page shows them.
pub static FLOORS: &[Floor] = &[
    Floor {
        name: "monitoring.minimum_minutes.esketamine_nasal",
        limit: "at least 120 minutes",
        source: "clinical.md §3.4 (boxed warning: at least 2 hours), §8.1 (REMS objective)",
        confidence: Confidence::Confirmed,
    },
    Floor {
        name: "discharge.min_moaas",
        limit: "required; at least 4 (4: lethargic response to the name in a normal tone)",
        source: "clinical.md §2.6 and §8.3 (MOAA/S anchors; the label's sedation threshold is unverified)",
        confidence: Confidence::Unverified,
    },
    Floor {
        name: "discharge.min_spo2",
        limit: "required; at least 90 %",
        source: "clinical.md §8.3 (SpO2 below 90 % is the common clinical definition of hypoxaemia; the label and \
                 REMS require pulse oximetry but give no threshold)",
        confidence: Confidence::Secondary,
    },
    Floor {
        name: "discharge.max_cadss",
        limit: "required; at most 4",
        source: "clinical.md §2.5 (the programme defines dissociation as a CADSS total above 4; its use as a \
                 discharge threshold is unverified)",
        confidence: Confidence::Unverified,
    },
    Floor {
        name: "discharge.bp_within_gate",
        limit: "required (always on)",
        source: "clinical.md §3.4 (measure blood pressure until values decline), §3.9 (vital signs in range prior to \
                 session completion)",
        confidence: Confidence::Confirmed,
    },
    Floor {
        name: "bp_gate.esketamine_nasal.systolic_max",
        limit: "at most 220 mmHg (the label gives 140/90 as a general guide, so the default is 140)",
        source: "clinical.md §3.3 (label: 'as a general guide' above 140/90); the repository's range [U]",
        confidence: Confidence::Unverified,
    },
    Floor {
        name: "bp_gate.esketamine_nasal.diastolic_max",
        limit: "at most 130 mmHg (the label gives 140/90 as a general guide, so the default is 90)",
        source: "clinical.md §3.3 (label: 'as a general guide' above 140/90); the repository's range [U]",
        confidence: Confidence::Unverified,
    },
    Floor {
        name: "alerts.spo2_below",
        limit: "never below 90 % (below 90 % is hypoxaemia and always an emergency alert)",
        source: "clinical.md §8.3 (SpO2 below 90 % is the common clinical definition of hypoxaemia [S]; the 92 % \
                 default is unverified)",
        confidence: Confidence::Secondary,
    },
    Floor {
        name: "alerts.unresponsive_moaas_at_or_below",
        limit: "never below 1 (MOAA/S 0 and 1 always alert)",
        source: "clinical.md §8.3 (MOAA/S anchors: 0 no response, 1 only to a painful squeeze; the alert at 1 or \
                 less is a design choice)",
        confidence: Confidence::Unverified,
    },
    Floor {
        name: "alerts.crisis_systolic",
        limit: "never above 180 mmHg (the hypertensive-crisis reading)",
        source: "clinical.md §8.2 (American Heart Association: 180/120 mm Hg or greater)",
        confidence: Confidence::Confirmed,
    },
    Floor {
        name: "alerts.crisis_diastolic",
        limit: "never above 120 mmHg (the hypertensive-crisis reading)",
        source: "clinical.md §8.2 (American Heart Association: 180/120 mm Hg or greater)",
        confidence: Confidence::Confirmed,
    },
    Floor {
        name: "alerts.crisis_recheck_minutes",
        limit: "never later than 5 minutes",
        source: "clinical.md §8.2 (American Heart Association: wait a few minutes and measure again)",
        confidence: Confidence::Confirmed,
    },
    Floor {
        name: "alerts.above_gate_recheck_minutes",
        limit: "never later than 30 minutes",
        source: "clinical.md §3.4 (measure blood pressure as clinically warranted until values decline); the \
                 30-minute limit is a design choice",
        confidence: Confidence::Unverified,
    },
    Floor {
        name: "alerts.dissociation_cadss_above",
        limit: "never above 4 (the Spravato programme's dissociation cut-off)",
        source: "clinical.md §2.5 (dissociation = CADSS total above 4 and a rise from the pre-dose total)",
        confidence: Confidence::Confirmed,
    },
];

/// The floor of a setting, if it has one.
pub fn floor(name: &str) -> Option<&'static Floor> {
    FLOORS.iter().find(|f| f.name == name)
}

/// A refusal for a setting that crosses its floor: the field, its limit and the source.
fn crosses(name: &str, detail: String) -> InvalidInput {
    match floor(name) {
        Some(f) => InvalidInput::new(
            name,
            format!("{detail}: the limit is {} ({}); a clinic may be stricter, not laxer", f.limit, f.source),
        ),
        None => InvalidInput::new(name, detail),
    }
}

/// Refuses a settings document, or a group in it, written as a JSON list: serde reads a list as a struct's fields
/// in order (so `[]` was every default and `{"bp_gate": [[150, 95]]}` a gate), which the API document does not
/// allow and nobody means. No protocol setting is a list, so any list is refused where it stands, under the name
/// of the group (`bp_gate`) or `settings` when the document itself is a list. (The REMS form settings hold a list
/// of questions, which is why this check belongs to the protocol settings alone.)
fn objects_only(node: &Value, path: &str) -> Result<(), InvalidInput> {
    match node {
        Value::Array(_) => Err(InvalidInput::new(
            if path.is_empty() { "settings".to_owned() } else { path.to_owned() },
            "must be a JSON object of named settings, not a list; send the names of the settings you change",
        )),
        Value::Object(map) => map.iter().try_for_each(|(key, value)| {
            let inner = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
            objects_only(value, &inner)
        }),
        _ => Ok(()),
    }
}

/// The IV mg/kg range a clinic may configure: the doses reported by Andrade 2017 (`clinical.md` §4.2).
/// A clinic may narrow it, not widen it.
pub const IV_MG_PER_KG_LIMITS: (f64, f64) = (0.1, 0.75);

checked_settings!(
    /// Checked protocol settings: build them from [`SettingsValues`] or a JSON document.
    ProtocolSettings(SettingsValues),
    "settings",
    check,
    |document| objects_only(document, "")
);

impl ProtocolSettings {
    /// The values, to edit and check again with `ProtocolSettings::try_from`.
    pub fn into_values(self) -> SettingsValues {
        self.0
    }
}

fn in_range<T: PartialOrd + std::fmt::Display>(field: &str, value: T, min: T, max: T) -> Result<(), InvalidInput> {
    if value < min || value > max {
        return Err(InvalidInput::new(field, format!("must be from {min} to {max}; got {value}")));
    }
    Ok(())
}

/// The longest monitoring time a clinic may set, in minutes; beyond it a session is an admission.
const MAX_MONITORING_MINUTES: u32 = 12 * 60;

fn check(v: &SettingsValues) -> Result<(), InvalidInput> {
    for modality in Modality::ALL {
        let gate = v.bp_gate.get(modality);
        let field = format!("bp_gate.{modality}");
        let (systolic, diastolic) = BP_GATE_CEILING;
        in_range(&format!("{field}.systolic_max"), gate.systolic_max, 100, systolic)?;
        in_range(&format!("{field}.diastolic_max"), gate.diastolic_max, 50, diastolic)?;
        if gate.diastolic_max >= gate.systolic_max {
            return Err(InvalidInput::new(format!("{field}.diastolic_max"), "must be below systolic_max"));
        }
    }

    let m = &v.monitoring;
    let min = &m.minimum_minutes;
    // The REMS requires at least two hours (clinical.md §3.4, §3.8): a clinic may only lengthen it.
    if min.esketamine_nasal < 120 {
        return Err(crosses(
            "monitoring.minimum_minutes.esketamine_nasal",
            format!("must be from 120 to {MAX_MONITORING_MINUTES}; got {}", min.esketamine_nasal),
        ));
    }
    in_range("monitoring.minimum_minutes.esketamine_nasal", min.esketamine_nasal, 120, MAX_MONITORING_MINUTES)?;
    // An IV session cannot end before its infusion does.
    in_range("monitoring.minimum_minutes.iv_ketamine", min.iv_ketamine, v.iv.infusion_minutes, MAX_MONITORING_MINUTES)?;
    in_range("monitoring.minimum_minutes.im_ketamine", min.im_ketamine, 30, MAX_MONITORING_MINUTES)?;
    in_range("monitoring.minimum_minutes.oral_ketamine", min.oral_ketamine, 30, MAX_MONITORING_MINUTES)?;
    in_range("monitoring.esketamine_bp_check_minute", m.esketamine_bp_check_minute, 1, min.esketamine_nasal)?;
    in_range("monitoring.iv_bp_every_minutes_during", m.iv_bp_every_minutes_during, 5, 60)?;
    in_range("monitoring.iv_bp_every_minutes_after", m.iv_bp_every_minutes_after, 5, 60)?;
    in_range("monitoring.other_bp_every_minutes", m.other_bp_every_minutes, 5, 60)?;
    in_range("monitoring.sedation_check_minute", m.sedation_check_minute, 1, 240)?;
    in_range("monitoring.early_minutes", m.early_minutes, 0, 30)?;
    in_range("monitoring.grace_minutes", m.grace_minutes, 0, 60)?;

    // The discharge criteria apply to esketamine sessions: none may be switched off, none set laxer than its floor.
    let d = &v.discharge;
    let off = |name: &str| crosses(name, "cannot be switched off".to_owned());
    let moaas = d.min_moaas.ok_or_else(|| off("discharge.min_moaas"))?;
    if !(MIN_MOAAS_FLOOR..=5).contains(&moaas) {
        return Err(crosses("discharge.min_moaas", format!("must be from {MIN_MOAAS_FLOOR} to 5; got {moaas}")));
    }
    let spo2 = d.min_spo2.ok_or_else(|| off("discharge.min_spo2"))?;
    if !(MIN_SPO2_FLOOR..=100).contains(&spo2) {
        return Err(crosses("discharge.min_spo2", format!("must be from {MIN_SPO2_FLOOR} to 100; got {spo2}")));
    }
    let cadss = d.max_cadss.ok_or_else(|| off("discharge.max_cadss"))?;
    if cadss > MAX_CADSS_CEILING {
        return Err(crosses("discharge.max_cadss", format!("must be from 0 to {MAX_CADSS_CEILING}; got {cadss}")));
    }
    if !d.bp_within_gate {
        return Err(off("discharge.bp_within_gate"));
    }
    in_range("discharge.vitals_max_age_minutes", d.vitals_max_age_minutes, 5, 120)?;

    let iv = &v.iv;
    let (lowest, highest) = IV_MG_PER_KG_LIMITS;
    for (field, value) in [
        ("iv.mg_per_kg_min", iv.mg_per_kg_min),
        ("iv.mg_per_kg_max", iv.mg_per_kg_max),
        ("iv.mg_per_kg_default", iv.mg_per_kg_default),
    ] {
        if !value.is_finite() {
            return Err(InvalidInput::new(field, "must be a number"));
        }
        in_range(field, value, lowest, highest)?;
    }
    if iv.mg_per_kg_min > iv.mg_per_kg_max {
        return Err(InvalidInput::new("iv.mg_per_kg_min", "must not be above iv.mg_per_kg_max"));
    }
    in_range("iv.mg_per_kg_default", iv.mg_per_kg_default, iv.mg_per_kg_min, iv.mg_per_kg_max)?;
    in_range("iv.infusion_minutes", iv.infusion_minutes, 10, 240)?;
    in_range("iv.series_infusions", iv.series_infusions, 1, super::schedule::MAX_IV_SERIES_INFUSIONS)?;
    in_range("iv.series_per_week", iv.series_per_week, 1, super::schedule::MAX_IV_PER_WEEK)?;
    super::alert_settings::check(&v.alerts)?;
    Ok(())
}
