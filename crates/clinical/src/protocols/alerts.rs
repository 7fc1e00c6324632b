//! Alerts while the patient is in the chair: each observation is checked when it is charted, and a dangerous value
//! raises an alert with its level, its message and its rule (`clinical.md` §8.2, §8.3, §2.5, §3.4).
//!
//! Pure: the web layer stores the alerts and shows them until a staff member acknowledges them. Post-dose blood
//! pressure alerts also ask for a recheck, which the monitoring plan turns into a check that falls due.

use serde::Serialize;
use time::OffsetDateTime;

use super::blood_pressure::BloodPressure;
use super::crisis::{CrisisSymptom, HYPERTENSIVE_CRISIS_RULE, SymptomRoute, hypertensive_symptom_routing};
use super::modality::Modality;
use super::observation::{Observation, latest};
use super::settings::ProtocolSettings;
use crate::rule::{Confidence, Rule, RuleRef};

pub static SPO2_LOW_RULE: Rule = Rule {
    id: "protocols.alerts.spo2_low",
    version: 1,
    summary: "An SpO2 below the clinic's alert threshold (default 92 %, never set below 90 %) is an urgent alert; \
              below 90 % (hypoxaemia) it is an emergency whatever the threshold",
    source: "clinical.md §8.3 (no threshold in the label or REMS [C]; below 90 % hypoxaemia [S]; 92-94 % default [U]), \
             §3.4 (pulse oximetry at each session)",
    confidence: Confidence::Unverified,
    configurable: true,
};

pub static UNRESPONSIVE_RULE: Rule = Rule {
    id: "protocols.alerts.unresponsive",
    version: 1,
    summary: "A MOAA/S of 0 or 1 (responds only to a painful stimulus, or not at all) is an emergency alert; a clinic \
              may alert from a higher score, never only from 0",
    source: "clinical.md §8.3 (MOAA/S anchors, loss of consciousness = 0 [C]; the alert at <= 1 is a design choice \
             [U]), §2.6",
    confidence: Confidence::Unverified,
    configurable: true,
};

pub static HYPERTENSIVE_RANGE_RULE: Rule = Rule {
    id: "protocols.alerts.hypertensive_crisis_range",
    version: 1,
    summary: "After the dose, a blood pressure of 180 systolic or 120 diastolic or more is an urgent alert with a \
              recheck within 5 minutes; with symptoms of a hypertensive crisis or encephalopathy charted it is an \
              emergency: refer for emergency care at once",
    source: "clinical.md §8.2 (American Heart Association: 180/120, measure again after a few minutes; SPRAVATO label: \
             emergency care with crisis or encephalopathy symptoms), §3.4",
    confidence: Confidence::Confirmed,
    configurable: true,
};

pub static BP_ABOVE_GATE_RULE: Rule = Rule {
    id: "protocols.alerts.bp_above_gate",
    version: 1,
    summary: "After the dose, a blood pressure above the modality's pre-dose gate is a warning and asks for a recheck \
              within 15 minutes, until it is back within the gate",
    source: "clinical.md §3.4 (BP rises after dosing, peaks about 40 minutes, monitor until it returns), §3.3 (the gate); \
             the recheck time is a protocol choice [U]",
    confidence: Confidence::Unverified,
    configurable: true,
};

pub static DISSOCIATION_RULE: Rule = Rule {
    id: "protocols.alerts.dissociation",
    version: 1,
    summary: "After the dose, a CADSS total above the threshold (default 4) and above the pre-dose total is a warning; \
              without a pre-dose total dissociation is undetermined and raises no alert",
    source: "clinical.md §2.5 (Spravato programme definition: total above 4 and a rise from the pre-dose total)",
    confidence: Confidence::Confirmed,
    configurable: true,
};

/// How quickly staff must act on an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertLevel {
    Warning,
    Urgent,
    Emergency,
}

impl AlertLevel {
    pub fn code(self) -> &'static str {
        match self {
            AlertLevel::Warning => "warning",
            AlertLevel::Urgent => "urgent",
            AlertLevel::Emergency => "emergency",
        }
    }

    /// Reads a stored level back.
    pub fn parse(code: &str) -> Option<Self> {
        [AlertLevel::Warning, AlertLevel::Urgent, AlertLevel::Emergency].into_iter().find(|l| l.code() == code)
    }
}

/// What an alert is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertCode {
    Spo2Low,
    Unresponsive,
    HypertensiveCrisisRange,
    /// Symptoms of a hypertensive crisis or encephalopathy charted without a reading in the crisis range.
    HypertensiveCrisisSymptoms,
    BpAboveGate,
    Dissociation,
}

impl AlertCode {
    pub fn code(self) -> &'static str {
        match self {
            AlertCode::Spo2Low => "spo2_low",
            AlertCode::Unresponsive => "unresponsive",
            AlertCode::HypertensiveCrisisRange => "hypertensive_crisis_range",
            AlertCode::HypertensiveCrisisSymptoms => "hypertensive_crisis_symptoms",
            AlertCode::BpAboveGate => "bp_above_gate",
            AlertCode::Dissociation => "dissociation",
        }
    }
}

/// One alert raised by a charted observation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alert {
    pub code: AlertCode,
    pub level: AlertLevel,
    pub message: String,
    pub rule: RuleRef,
    /// When the observation that raised it was taken.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// For blood-pressure alerts: measure again within this many minutes.
    #[serde(skip)]
    pub recheck_minutes: Option<u32>,
}

/// What the checks need to know besides the observation: the session's modality, its first dose (alerts about the
/// rise after the dose apply only after it), the pre-dose CADSS total and the clinic's settings.
#[derive(Debug, Clone, Copy)]
pub struct AlertContext<'a> {
    pub modality: Modality,
    pub dose_at: Option<OffsetDateTime>,
    pub pre_dose_cadss: Option<u16>,
    pub settings: &'a ProtocolSettings,
}

impl<'a> AlertContext<'a> {
    /// The context of a session from its observations: the pre-dose CADSS is the latest total at or before the dose.
    pub fn of(
        modality: Modality,
        dose_at: Option<OffsetDateTime>,
        observations: &[Observation],
        settings: &'a ProtocolSettings,
    ) -> Self {
        let pre_dose_cadss = dose_at.and_then(|d| latest(observations, d, Observation::cadss)).map(|(_, v)| v);
        Self { modality, dose_at, pre_dose_cadss, settings }
    }

    /// Whether a moment is after the dose (a reading at the dose time itself is the pre-dose reading the gate used).
    fn after_dose(&self, at: OffsetDateTime) -> bool {
        self.dose_at.is_some_and(|d| at > d)
    }
}

fn alert(code: AlertCode, level: AlertLevel, message: String, rule: &Rule, at: OffsetDateTime) -> Alert {
    Alert { code, level, message, rule: rule.reference(), at, recheck_minutes: None }
}

/// Every alert an observation raises, most serious first, with the crisis symptoms charted with it.
pub fn alerts_for(observation: &Observation, symptoms: &[CrisisSymptom], context: &AlertContext<'_>) -> Vec<Alert> {
    let at = observation.time();
    let a = &context.settings.values().alerts;
    let mut alerts = Vec::new();
    if let Some(spo2) = observation.spo2() {
        let rule = &SPO2_LOW_RULE;
        if spo2 < super::alert_settings::SPO2_FLOOR {
            let message = format!(
                "SpO2 {spo2} % is below 90 % (hypoxaemia): assess the airway and breathing now, give oxygen as \
                 your protocol says, and call 911 if it does not recover at once."
            );
            alerts.push(alert(AlertCode::Spo2Low, AlertLevel::Emergency, message, rule, at));
        } else if spo2 < a.spo2_below {
            let message = format!(
                "SpO2 {spo2} % is below the clinic's alert threshold of {} %: check the probe, stimulate the patient \
                 and assess breathing; measure again now.",
                a.spo2_below
            );
            alerts.push(alert(AlertCode::Spo2Low, AlertLevel::Urgent, message, rule, at));
        }
    }
    if let Some(score) = observation.moaas()
        && score <= a.unresponsive_moaas_at_or_below
    {
        let message = format!(
            "MOAA/S {score}: the patient responds only to a painful stimulus or not at all. Stay with the patient, \
             check breathing and SpO2, and call 911 if the patient does not rouse."
        );
        alerts.push(alert(AlertCode::Unresponsive, AlertLevel::Emergency, message, &UNRESPONSIVE_RULE, at));
    }
    alerts.extend(blood_pressure_alert(at, observation.blood_pressure(), symptoms, context));
    if let Some(post) = observation.cadss()
        && context.after_dose(at)
        && let Some(pre) = context.pre_dose_cadss
        && post > a.dissociation_cadss_above
        && post > pre
    {
        let message = format!(
            "CADSS total {post} is above {} and above the pre-dose total {pre}: dissociation. Keep the patient \
             monitored until it has resolved.",
            a.dissociation_cadss_above
        );
        alerts.push(alert(AlertCode::Dissociation, AlertLevel::Warning, message, &DISSOCIATION_RULE, at));
    }
    alerts.sort_by_key(|a| std::cmp::Reverse(a.level));
    alerts
}

/// The blood-pressure alert of a reading and the crisis symptoms charted with it, if any: symptoms always route to
/// emergency care (before the dose too); a post-dose reading in the crisis range is urgent with a recheck; a
/// post-dose reading above the gate is a warning with a recheck. Before the dose the gate itself handles the reading.
pub fn blood_pressure_alert(
    at: OffsetDateTime,
    reading: Option<BloodPressure>,
    symptoms: &[CrisisSymptom],
    context: &AlertContext<'_>,
) -> Option<Alert> {
    let a = &context.settings.values().alerts;
    let routing = hypertensive_symptom_routing(symptoms);
    let emergency = routing.route == SymptomRoute::EmergencyNow;
    let named: Vec<&str> = routing.symptoms.iter().map(|s| s.label()).collect();
    let post_dose = reading.filter(|_| context.after_dose(at));
    let in_crisis_range =
        post_dose.filter(|bp| bp.systolic() >= a.crisis_systolic || bp.diastolic() >= a.crisis_diastolic);
    if let Some(bp) = in_crisis_range {
        let (level, message) = if emergency {
            (
                AlertLevel::Emergency,
                format!(
                    "Blood pressure {bp} after the dose, with {}: {}",
                    named.join(", ").to_lowercase(),
                    routing.action
                ),
            )
        } else {
            (
                AlertLevel::Urgent,
                format!(
                    "Blood pressure {bp} after the dose is in the hypertensive-crisis range (180/120 or more): \
                     measure again within {} minutes and tell the prescriber; call 911 at once if chest pain, \
                     shortness of breath, a severe headache, a change in vision, confusion or weakness appear.",
                    a.crisis_recheck_minutes
                ),
            )
        };
        let mut raised = alert(AlertCode::HypertensiveCrisisRange, level, message, &HYPERTENSIVE_RANGE_RULE, at);
        raised.recheck_minutes = Some(a.crisis_recheck_minutes);
        return Some(raised);
    }
    if emergency {
        let reading = reading.map(|bp| format!(" (blood pressure {bp})")).unwrap_or_default();
        let message = format!("{} charted{reading}: {}", named.join(", "), routing.action);
        return Some(alert(
            AlertCode::HypertensiveCrisisSymptoms,
            AlertLevel::Emergency,
            message,
            &HYPERTENSIVE_CRISIS_RULE,
            at,
        ));
    }
    let gate = context.settings.values().bp_gate.get(context.modality);
    let bp = post_dose.filter(|bp| gate.is_above(*bp))?;
    let message = format!(
        "Blood pressure {bp} after the dose is above the pre-dose gate of {}/{} mmHg: measure again within {} \
         minutes, until it is back within the gate.",
        gate.systolic_max, gate.diastolic_max, a.above_gate_recheck_minutes
    );
    let mut raised = alert(AlertCode::BpAboveGate, AlertLevel::Warning, message, &BP_ABOVE_GATE_RULE, at);
    raised.recheck_minutes = Some(a.above_gate_recheck_minutes);
    Some(raised)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Duration;
    use time::macros::datetime;

    const DOSE: OffsetDateTime = datetime!(2026-12-06 09:00 UTC);

    fn after(minutes: i64) -> OffsetDateTime {
        DOSE + Duration::minutes(minutes)
    }

    fn codes(observation: Observation, pre_cadss: Option<u16>) -> Vec<(&'static str, AlertLevel)> {
        codes_with(observation, &[], pre_cadss, &ProtocolSettings::default())
    }

    fn codes_with(
        observation: Observation,
        symptoms: &[CrisisSymptom],
        pre_cadss: Option<u16>,
        settings: &ProtocolSettings,
    ) -> Vec<(&'static str, AlertLevel)> {
        let context = AlertContext {
            modality: Modality::EsketamineNasal,
            dose_at: Some(DOSE),
            pre_dose_cadss: pre_cadss,
            settings,
        };
        alerts_for(&observation, symptoms, &context).iter().map(|a| (a.code.code(), a.level)).collect()
    }

    fn spo2(value: u8) -> Vec<(&'static str, AlertLevel)> {
        codes(Observation::at(after(20)).with_spo2(value).unwrap(), None)
    }

    fn bp(systolic: u16, diastolic: u16, minutes: i64) -> Vec<(&'static str, AlertLevel)> {
        codes(Observation::at(after(minutes)).with_blood_pressure(systolic, diastolic).unwrap(), None)
    }

    /// The recheck, in minutes, that the alert of a reading 40 minutes after the dose asks for.
    fn recheck_minutes(systolic: u16, diastolic: u16) -> Option<u32> {
        let settings = ProtocolSettings::default();
        let context = AlertContext::of(Modality::EsketamineNasal, Some(DOSE), &[], &settings);
        let reading = BloodPressure::new(systolic, diastolic).unwrap();
        blood_pressure_alert(after(40), Some(reading), &[], &context).and_then(|a| a.recheck_minutes)
    }

    #[test]
    fn spo2_boundaries() {
        assert_eq!(spo2(89), [("spo2_low", AlertLevel::Emergency)]);
        assert_eq!(spo2(90), [("spo2_low", AlertLevel::Urgent)]);
        assert_eq!(spo2(91), [("spo2_low", AlertLevel::Urgent)]);
        assert!(spo2(92).is_empty(), "92 % is at the default threshold, not below it");
        let stricter = ProtocolSettings::from_json(&serde_json::json!({"alerts": {"spo2_below": 95}})).unwrap();
        let at_94 = codes_with(Observation::at(after(20)).with_spo2(94).unwrap(), &[], None, &stricter);
        assert_eq!(at_94, [("spo2_low", AlertLevel::Urgent)]);
        // Before the dose too: breathing is watched from the moment the patient sits down.
        let before = codes(Observation::at(DOSE - Duration::minutes(5)).with_spo2(85).unwrap(), None);
        assert_eq!(before, [("spo2_low", AlertLevel::Emergency)]);
    }

    #[test]
    fn moaas_boundaries() {
        let moaas = |score| codes(Observation::at(after(30)).with_moaas(score).unwrap(), None);
        assert_eq!(moaas(0), [("unresponsive", AlertLevel::Emergency)]);
        assert_eq!(moaas(1), [("unresponsive", AlertLevel::Emergency)]);
        assert!(moaas(2).is_empty());
        assert!(moaas(5).is_empty());
    }

    #[test]
    fn hypertensive_crisis_range_boundaries_after_the_dose() {
        assert_eq!(bp(179, 119, 40), [("bp_above_gate", AlertLevel::Warning)]);
        assert_eq!(bp(180, 100, 40), [("hypertensive_crisis_range", AlertLevel::Urgent)]);
        assert_eq!(bp(170, 120, 40), [("hypertensive_crisis_range", AlertLevel::Urgent)]);
        assert_eq!(bp(190, 125, 40), [("hypertensive_crisis_range", AlertLevel::Urgent)]);
        assert_eq!(recheck_minutes(180, 120), Some(5));
    }

    #[test]
    fn pre_dose_readings_are_for_the_gate_not_for_alerts() {
        assert!(bp(180, 120, -5).is_empty());
        assert!(bp(180, 120, 0).is_empty(), "the reading at the dose time is the gate's reading");
        let settings = ProtocolSettings::default();
        let no_dose = AlertContext::of(Modality::EsketamineNasal, None, &[], &settings);
        let reading = Observation::at(DOSE).with_blood_pressure(200, 130).unwrap();
        assert!(alerts_for(&reading, &[], &no_dose).is_empty());
    }

    #[test]
    fn symptoms_route_to_emergency_care() {
        let settings = ProtocolSettings::default();
        let high = Observation::at(after(40)).with_blood_pressure(185, 100).unwrap();
        let with_pain = codes_with(high, &[CrisisSymptom::ChestPain], None, &settings);
        assert_eq!(with_pain, [("hypertensive_crisis_range", AlertLevel::Emergency)]);
        let normal = Observation::at(after(40)).with_blood_pressure(130, 80).unwrap();
        let headache = codes_with(normal, &[CrisisSymptom::SevereHeadache], None, &settings);
        assert_eq!(headache, [("hypertensive_crisis_symptoms", AlertLevel::Emergency)]);
        let just_spo2 = Observation::at(after(40)).with_spo2(97).unwrap();
        let seizure = codes_with(just_spo2, &[CrisisSymptom::Seizure], None, &settings);
        assert_eq!(seizure, [("hypertensive_crisis_symptoms", AlertLevel::Emergency)]);
    }

    #[test]
    fn bp_above_the_gate_after_the_dose_is_a_warning_with_a_recheck() {
        assert!(bp(140, 90, 40).is_empty(), "140/90 is within the gate");
        assert_eq!(bp(141, 90, 40), [("bp_above_gate", AlertLevel::Warning)]);
        assert_eq!(bp(140, 91, 40), [("bp_above_gate", AlertLevel::Warning)]);
        assert_eq!(recheck_minutes(150, 95), Some(15));
    }

    #[test]
    fn dissociation_needs_a_pre_dose_total() {
        let cadss = |total| Observation::at(after(40)).with_cadss(total).unwrap();
        assert_eq!(codes(cadss(10), Some(2)), [("dissociation", AlertLevel::Warning)]);
        assert_eq!(codes(cadss(5), Some(0)), [("dissociation", AlertLevel::Warning)]);
        assert!(codes(cadss(4), Some(0)).is_empty(), "4 is the cut, not above it");
        assert!(codes(cadss(10), Some(10)).is_empty(), "no rise from the pre-dose total");
        assert!(codes(cadss(30), None).is_empty(), "without a pre-dose total it is undetermined");
        let observations = [
            Observation::at(DOSE - Duration::minutes(10)).with_cadss(1).unwrap(),
            Observation::at(after(40)).with_cadss(8).unwrap(),
        ];
        let settings = ProtocolSettings::default();
        let context = AlertContext::of(Modality::EsketamineNasal, Some(DOSE), &observations, &settings);
        assert_eq!(context.pre_dose_cadss, Some(1));
        let raised = alerts_for(&observations[1], &[], &context);
        assert_eq!(raised.iter().map(|a| a.code).collect::<Vec<_>>(), [AlertCode::Dissociation]);
        assert!(alerts_for(&observations[0], &[], &context).is_empty(), "the pre-dose total itself raises nothing");
    }

    #[test]
    fn several_alerts_come_most_serious_first() {
        let observation =
            Observation::at(after(40)).with_blood_pressure(150, 95).unwrap().with_spo2(91).unwrap().with_moaas(1);
        let levels: Vec<AlertLevel> = codes(observation.unwrap(), None).into_iter().map(|(_, level)| level).collect();
        assert_eq!(levels, [AlertLevel::Emergency, AlertLevel::Urgent, AlertLevel::Warning]);
    }
}
