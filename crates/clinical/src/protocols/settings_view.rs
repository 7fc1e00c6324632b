//! What the clinic's settings page shows: every configurable value with its default, its rule, the rule's
//! source and whether it is verified.

use serde::Serialize;
use serde_json::Value;

use super::settings::{Floor, ProtocolSettings, floor};
use super::{alerts, bp_gate, discharge, esketamine, iv_ketamine, monitoring, pre_checks, schedule};
use crate::rule::{Confidence, Rule};

/// One configurable value as the settings page shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SettingView {
    /// Dotted path into the settings document, for example `bp_gate.esketamine_nasal.systolic_max`.
    pub name: &'static str,
    pub label: &'static str,
    pub unit: Option<&'static str>,
    pub value: Value,
    pub default: Value,
    /// Whether the clinic changed the value from its default.
    pub changed: bool,
    /// Whether the rule behind the value is confirmed in a primary source ([C]).
    pub verified: bool,
    pub rule: &'static Rule,
    /// The limit the clinic may not cross, with its source, when the setting has one.
    pub floor: Option<&'static Floor>,
}

struct Entry {
    name: &'static str,
    label: &'static str,
    unit: Option<&'static str>,
    rule: &'static Rule,
}

const fn entry(name: &'static str, label: &'static str, unit: Option<&'static str>, rule: &'static Rule) -> Entry {
    Entry { name, label, unit, rule }
}

const MMHG: Option<&str> = Some("mmHg");
const MIN: Option<&str> = Some("min");

/// Every setting, in the order the page shows them. A test checks that this list and the settings
/// document have the same leaves, so a new setting cannot go undescribed.
static ENTRIES: &[Entry] = &[
    entry(
        "bp_gate.esketamine_nasal.systolic_max",
        "Esketamine: highest systolic BP to dose",
        MMHG,
        &bp_gate::ESKETAMINE_RULE,
    ),
    entry(
        "bp_gate.esketamine_nasal.diastolic_max",
        "Esketamine: highest diastolic BP to dose",
        MMHG,
        &bp_gate::ESKETAMINE_RULE,
    ),
    entry(
        "bp_gate.iv_ketamine.systolic_max",
        "IV ketamine: highest systolic BP to dose",
        MMHG,
        &bp_gate::KETAMINE_RULE,
    ),
    entry(
        "bp_gate.iv_ketamine.diastolic_max",
        "IV ketamine: highest diastolic BP to dose",
        MMHG,
        &bp_gate::KETAMINE_RULE,
    ),
    entry(
        "bp_gate.im_ketamine.systolic_max",
        "IM ketamine: highest systolic BP to dose",
        MMHG,
        &bp_gate::KETAMINE_RULE,
    ),
    entry(
        "bp_gate.im_ketamine.diastolic_max",
        "IM ketamine: highest diastolic BP to dose",
        MMHG,
        &bp_gate::KETAMINE_RULE,
    ),
    entry(
        "bp_gate.oral_ketamine.systolic_max",
        "Oral ketamine: highest systolic BP to dose",
        MMHG,
        &bp_gate::KETAMINE_RULE,
    ),
    entry(
        "bp_gate.oral_ketamine.diastolic_max",
        "Oral ketamine: highest diastolic BP to dose",
        MMHG,
        &bp_gate::KETAMINE_RULE,
    ),
    entry(
        "monitoring.minimum_minutes.esketamine_nasal",
        "Esketamine: minimum monitoring time (REMS: at least 120)",
        MIN,
        &monitoring::MINIMUM_ESKETAMINE_RULE,
    ),
    entry(
        "monitoring.minimum_minutes.iv_ketamine",
        "IV ketamine: minimum monitoring time",
        MIN,
        &monitoring::MINIMUM_IV_RULE,
    ),
    entry(
        "monitoring.minimum_minutes.im_ketamine",
        "IM ketamine: minimum monitoring time",
        MIN,
        &monitoring::MINIMUM_IM_RULE,
    ),
    entry(
        "monitoring.minimum_minutes.oral_ketamine",
        "Oral ketamine: minimum monitoring time",
        MIN,
        &monitoring::MINIMUM_ORAL_RULE,
    ),
    entry(
        "monitoring.esketamine_bp_check_minute",
        "Esketamine: BP due after dosing",
        MIN,
        &monitoring::ESKETAMINE_BP_RULE,
    ),
    entry(
        "monitoring.iv_bp_every_minutes_during",
        "IV ketamine: BP interval during the infusion",
        MIN,
        &monitoring::IV_BP_RULE,
    ),
    entry(
        "monitoring.iv_bp_every_minutes_after",
        "IV ketamine: BP interval after the infusion",
        MIN,
        &monitoring::IV_BP_RULE,
    ),
    entry("monitoring.other_bp_every_minutes", "IM and oral ketamine: BP interval", MIN, &monitoring::OTHER_BP_RULE),
    entry(
        "monitoring.sedation_check_minute",
        "Sedation (MOAA/S) and dissociation (CADSS) due after dosing",
        MIN,
        &monitoring::SEDATION_CHECK_RULE,
    ),
    entry(
        "monitoring.early_minutes",
        "An observation counts this early before its due time",
        MIN,
        &monitoring::TIMING_RULE,
    ),
    entry(
        "monitoring.grace_minutes",
        "An observation is overdue this long after its due time",
        MIN,
        &monitoring::TIMING_RULE,
    ),
    entry("discharge.min_moaas", "Discharge: lowest MOAA/S (5 = alert)", None, &discharge::ALERT_RULE),
    entry("discharge.min_spo2", "Discharge: lowest SpO2", Some("%"), &discharge::SPO2_RULE),
    entry("discharge.max_cadss", "Discharge: highest CADSS total", None, &discharge::DISSOCIATION_RULE),
    entry("discharge.bp_within_gate", "Discharge: blood pressure within the pre-dose gate", None, &discharge::BP_RULE),
    entry(
        "discharge.vitals_max_age_minutes",
        "Discharge: values used must be this recent",
        MIN,
        &discharge::RECENT_RULE,
    ),
    entry("iv.mg_per_kg_default", "IV ketamine: dose", Some("mg/kg"), &iv_ketamine::DOSE_RULE),
    entry("iv.mg_per_kg_min", "IV ketamine: lowest dose accepted", Some("mg/kg"), &iv_ketamine::DOSE_RULE),
    entry("iv.mg_per_kg_max", "IV ketamine: highest dose accepted", Some("mg/kg"), &iv_ketamine::DOSE_RULE),
    entry("iv.infusion_minutes", "IV ketamine: infusion time", MIN, &iv_ketamine::DOSE_RULE),
    entry("iv.series_infusions", "IV ketamine: infusions in a series", None, &schedule::IV_SERIES_RULE),
    entry("iv.series_per_week", "IV ketamine: infusions per week", None, &schedule::IV_SERIES_RULE),
    entry(
        "pre_checks.ketamine_fasting",
        "Ketamine: ask the fasting times (food 2 h, liquids 30 min)",
        None,
        &pre_checks::FASTING_KETAMINE_RULE,
    ),
    entry(
        "pre_checks.ketamine_transport",
        "Ketamine: ask whether transport home is arranged",
        None,
        &pre_checks::TRANSPORT_KETAMINE_RULE,
    ),
    entry(
        "pre_checks.ketamine_pregnancy",
        "Ketamine: ask pregnancy status where it applies",
        None,
        &pre_checks::PREGNANCY_KETAMINE_RULE,
    ),
    entry(
        "esketamine.allow_28mg_start",
        "Esketamine: accept 28 mg (non-US labelling, 65 and over)",
        None,
        &esketamine::START_28MG_RULE,
    ),
    entry(
        "rems.setting_type",
        "REMS setting type (outpatient: a Patient Monitoring Form after every esketamine session; inpatient: none)",
        None,
        &crate::rems::INPATIENT_EXEMPT_RULE,
    ),
    // The alert thresholds; each has a floor in `settings::FLOORS`, which a save may not cross.
    entry("alerts.spo2_below", "Alert: SpO2 below this is urgent", Some("%"), &alerts::SPO2_LOW_RULE),
    entry(
        "alerts.unresponsive_moaas_at_or_below",
        "Alert: MOAA/S at or below this is an emergency",
        None,
        &alerts::UNRESPONSIVE_RULE,
    ),
    entry(
        "alerts.crisis_systolic",
        "Alert: systolic BP after the dose in the crisis range from",
        MMHG,
        &alerts::HYPERTENSIVE_RANGE_RULE,
    ),
    entry(
        "alerts.crisis_diastolic",
        "Alert: diastolic BP after the dose in the crisis range from",
        MMHG,
        &alerts::HYPERTENSIVE_RANGE_RULE,
    ),
    entry(
        "alerts.crisis_recheck_minutes",
        "Alert: recheck a crisis-range BP within",
        MIN,
        &alerts::HYPERTENSIVE_RANGE_RULE,
    ),
    entry(
        "alerts.above_gate_recheck_minutes",
        "Alert: recheck a BP above the gate after the dose within",
        MIN,
        &alerts::BP_ABOVE_GATE_RULE,
    ),
    entry(
        "alerts.dissociation_cadss_above",
        "Alert: CADSS total above this and above the pre-dose total",
        None,
        &alerts::DISSOCIATION_RULE,
    ),
];

/// Reads a dotted path out of a settings document.
fn lookup(document: &Value, name: &str) -> Value {
    let pointer = format!("/{}", name.replace('.', "/"));
    document.pointer(&pointer).cloned().unwrap_or(Value::Null)
}

impl ProtocolSettings {
    /// Every configurable value with its default and its rule, for the clinic's settings page.
    pub fn describe(&self) -> Vec<SettingView> {
        // Serializing plain numbers, booleans and options cannot fail; a failure would show as nulls.
        let current = serde_json::to_value(self).unwrap_or(Value::Null);
        let defaults = serde_json::to_value(ProtocolSettings::default()).unwrap_or(Value::Null);
        ENTRIES
            .iter()
            .map(|e| {
                let value = lookup(&current, e.name);
                let default = lookup(&defaults, e.name);
                SettingView {
                    name: e.name,
                    label: e.label,
                    unit: e.unit,
                    changed: value != default,
                    value,
                    default,
                    verified: e.rule.confidence == Confidence::Confirmed,
                    rule: e.rule,
                    floor: floor(e.name),
                }
            })
            .collect()
    }
}
