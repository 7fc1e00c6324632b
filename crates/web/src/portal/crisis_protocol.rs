//! `GET /portal/crisis-protocol`: the staff crisis protocol, what to do when a patient in session shows respiratory
//! depression, severe hypertension, severe dissociation or agitation, or says they may act on thoughts of suicide,
//! linked from the compact crisis-protocol line of every staff page.
//!
//! Every threshold on the page is the caller's clinic's own setting (`ProtocolSettings`, the values that raise the
//! session alerts and hold the discharge), and every instruction is a rule of `ketapath-clinical` said in plain
//! words, with its source and, in a `details` element, its rule id, version and summary from the catalog. The page
//! adds no clinical number of its own. Staff without a clinic (platform admins, researchers) see the defaults, and
//! the page says so.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use ketapath_clinical::instruments::cadss;
use ketapath_clinical::protocols::alert_settings::SPO2_FLOOR;
use ketapath_clinical::protocols::alerts::{
    DISSOCIATION_RULE, HYPERTENSIVE_RANGE_RULE, SPO2_LOW_RULE, UNRESPONSIVE_RULE,
};
use ketapath_clinical::protocols::crisis::HYPERTENSIVE_CRISIS_RULE;
use ketapath_clinical::protocols::settings::ProtocolSettings;
use ketapath_clinical::protocols::{CrisisSymptom, Modality, discharge, hypertensive_symptom_routing};
use ketapath_clinical::rule::Rule;
use ketapath_clinical::safety::SuicideItemLevels;
use ketapath_clinical::safety::crisis::{
    CRISIS_TEXT_LINE, CrisisResource, EMERGENCY_911, LIFELINE_988, RESOURCES_RULE, TRIAGE_RULE,
};
use ketapath_clinical::safety::suicide_items;

use super::sign_in_cookie::PortalStaff;
use super::{Bar, layout};
use crate::pages::{Layout, render};
use crate::state::AppState;

pub const PATH: &str = "/portal/crisis-protocol";

const TITLE: &str = "Staff crisis protocol";

/// A rule as the page's `details` element lists it.
#[derive(Debug, Clone)]
pub struct RuleLine {
    /// `id@version`.
    pub id: String,
    pub summary: String,
}

impl RuleLine {
    /// The rule's id and summary; the catalog's source and the summary's own bracketed references name the
    /// project's internal reference file, so the page gives the source in plain words beside each situation instead.
    fn of(rule: &Rule) -> Self {
        Self { id: rule.reference().to_string(), summary: without_internal_references(rule.summary) }
    }
}

/// `text` without its bracketed references to the internal reference file ("(clinical.md §8.3)").
fn without_internal_references(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find(" (") {
        let Some(close) = rest[open..].find(')').map(|c| open + c) else { break };
        out.push_str(&rest[..open]);
        if !rest[open..close].contains(".md") {
            out.push_str(&rest[open..=close]);
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// One situation of the protocol: what staff do, where it comes from in plain words, and the rules behind it.
#[derive(Debug, Clone)]
pub struct Situation {
    /// The heading's id.
    pub id: &'static str,
    pub title: &'static str,
    pub actions: Vec<String>,
    pub source: &'static str,
    pub rules: Vec<RuleLine>,
}

#[derive(Template)]
#[template(path = "portal_crisis_protocol.html")]
struct CrisisProtocolPage {
    layout: Layout,
    bar: Bar,
    heading: &'static str,
    /// Whose thresholds the page shows: the clinic's settings, or the defaults for staff without a clinic.
    thresholds_note: &'static str,
    situations: Vec<Situation>,
    /// The crisis lines to give the patient at discharge.
    after_discharge: [&'static CrisisResource; 3],
    resources_rule: RuleLine,
}

/// The situations of the protocol with the thresholds of `settings`.
pub fn situations(settings: &ProtocolSettings) -> Vec<Situation> {
    let values = settings.values();
    let alerts = &values.alerts;
    let leave = &values.discharge;
    let gate = values.bp_gate.get(Modality::EsketamineNasal);
    let mut breathing = vec![
        format!(
            "SpO2 below {} % (this clinic's alert threshold) is urgent: check the probe, stimulate the patient and \
             assess breathing; measure again now.",
            alerts.spo2_below
        ),
        format!(
            "SpO2 below {SPO2_FLOOR} % (hypoxaemia), whatever the clinic's threshold, is an emergency: assess the \
             airway and breathing now, give oxygen as your protocol says, and call 911 if it does not recover at once."
        ),
        format!(
            "A MOAA/S of {} or lower (this clinic's alert threshold; 1 responds only to a painful stimulus, 0 not at \
             all) is an emergency: stay with the patient, check breathing and SpO2, and call 911 if the patient does \
             not rouse.",
            alerts.unresponsive_moaas_at_or_below
        ),
    ];
    if let (Some(spo2), Some(moaas)) = (leave.min_spo2, leave.min_moaas) {
        breathing.push(format!(
            "The patient is not discharged until SpO2 is at least {spo2} % and MOAA/S at least {moaas}, recorded \
             within the last {} minutes.",
            leave.vitals_max_age_minutes
        ));
    }
    let symptoms: Vec<String> = CrisisSymptom::ALL.iter().map(|s| s.label().to_lowercase()).collect();
    let mut pressure = vec![
        format!(
            "After the dose, a blood pressure of {} systolic or {} diastolic or more (this clinic's crisis range) is \
             urgent: measure again within {} minutes and tell the prescriber.",
            alerts.crisis_systolic, alerts.crisis_diastolic, alerts.crisis_recheck_minutes
        ),
        format!("With any of {}: {}", symptoms.join(", "), hypertensive_symptom_routing(&CrisisSymptom::ALL).action),
    ];
    if leave.bp_within_gate {
        pressure.push(format!(
            "The patient is not discharged until the blood pressure is back within the pre-dose gate ({}/{} mmHg \
             for esketamine).",
            gate.systolic_max, gate.diastolic_max
        ));
    }
    let mut dissociation = vec![format!(
        "After the dose, a CADSS total above {} that is also above the pre-dose total is dissociation: stay with the \
         patient and keep them monitored, and safe, until it has resolved.",
        alerts.dissociation_cadss_above
    )];
    if let Some(cadss) = leave.max_cadss {
        dissociation.push(format!("The patient is not discharged until the CADSS total is at most {cadss}."));
    }
    dissociation.push(
        "KetaPath holds no rule or threshold for agitation: a patient who is a danger to themselves or others, or \
         cannot be kept safe in the chair, is an emergency; call 911 and follow the clinic's emergency procedure."
            .to_owned(),
    );
    let levels = SuicideItemLevels::DEFAULT;
    let cutoff = |urgent: u8, emergency: Option<u8>| match emergency {
        Some(e) => format!("{urgent} or more (emergency from {e})"),
        None => format!("{urgent} or more"),
    };
    let suicide = vec![
        "A patient who says they may act on thoughts of suicide or self-harm, in the chair or at any time, is an \
         emergency: do not leave them alone, call 911 and follow the clinic's emergency procedure."
            .to_owned(),
        format!(
            "A suicide item answered at PHQ-9 item 9 {}, MADRS item 10 {} or QIDS-SR16 item 12 {} is at least urgent: \
             a clinician assesses suicide risk (a structured suicide risk assessment) the same day.",
            cutoff(levels.phq9_item9.urgent, levels.phq9_item9.emergency),
            cutoff(levels.madrs_item10.urgent, levels.madrs_item10.emergency),
            cutoff(levels.qids_item12.urgent, levels.qids_item12.emergency)
        ),
        "A zero on PHQ-9 item 9 is never taken as the absence of risk: ask.".to_owned(),
    ];
    vec![
        Situation {
            id: "respiratory-depression",
            title: "Respiratory depression or deep sedation",
            actions: breathing,
            source: "the SPRAVATO prescribing information and REMS (monitor with pulse oximetry until sedation and \
                     respiratory depression have resolved); the thresholds are this clinic's alert and discharge \
                     settings, unverified defaults a clinic may only make stricter",
            rules: [&SPO2_LOW_RULE, &UNRESPONSIVE_RULE, &discharge::SPO2_RULE, &discharge::ALERT_RULE]
                .map(RuleLine::of)
                .to_vec(),
        },
        Situation {
            id: "severe-hypertension",
            title: "Severe hypertension",
            actions: pressure,
            source: "the SPRAVATO prescribing information (blood pressure rises after the dose; emergency care for \
                     symptoms of a hypertensive crisis or encephalopathy) and the American Heart Association \
                     (180/120: measure again after a few minutes)",
            rules: [&HYPERTENSIVE_RANGE_RULE, &HYPERTENSIVE_CRISIS_RULE, &discharge::BP_RULE]
                .map(RuleLine::of)
                .to_vec(),
        },
        Situation {
            id: "dissociation-agitation",
            title: "Severe dissociation or agitation",
            actions: dissociation,
            source: "the SPRAVATO programme's definition of dissociation (a CADSS total above 4 and above the total \
                     before the dose) and the REMS (monitor until dissociation has resolved)",
            rules: [&DISSOCIATION_RULE, &cadss::DISSOCIATION_RULE, &discharge::DISSOCIATION_RULE]
                .map(RuleLine::of)
                .to_vec(),
        },
        Situation {
            id: "suicidal-intent",
            title: "Suicidal intent",
            actions: suicide,
            source: "PHQ-9 guidance (any answer above \"not at all\" on item 9 needs follow-up) and KetaPath's crisis \
                     routing, a design a clinician must approve; the cut-offs are unverified defaults that may only \
                     be made stricter",
            rules: [&TRIAGE_RULE, &suicide_items::RULE].map(RuleLine::of).to_vec(),
        },
    ]
}

/// `GET /portal/crisis-protocol`: any signed-in staff member.
pub async fn page(State(state): State<AppState>, staff: PortalStaff) -> Response {
    let demo = state.config.demo;
    // A clinic's own thresholds; staff without a clinic, or a clinic whose settings cannot be read, get the defaults
    // and the page says which it shows. Crisis instructions are never withheld for a failed read.
    let clinic = match staff.scope().await {
        Ok(Some(scope)) => ketapath_care::treatment::protocol_settings(&scope).await.ok(),
        _ => None,
    };
    let thresholds_note = if clinic.is_some() {
        "The thresholds below are this clinic's own settings (Clinic settings), the values that raise the session \
         alerts and hold the discharge."
    } else {
        "The thresholds below are KetaPath's defaults: your account belongs to no clinic, or the clinic's settings \
         could not be read. A clinic's own settings may only be stricter."
    };
    let settings = clinic.unwrap_or_default();
    let page = CrisisProtocolPage {
        layout: layout(TITLE, demo, ""),
        bar: Bar::of(&staff),
        heading: TITLE,
        thresholds_note,
        situations: situations(&settings),
        after_discharge: [&LIFELINE_988, &CRISIS_TEXT_LINE, &EMERGENCY_911],
        resources_rule: RuleLine::of(&RESOURCES_RULE),
    };
    render(StatusCode::OK, &page)
}

#[cfg(test)]
mod tests {
    #[test]
    fn internal_references_are_cut_from_rule_summaries() {
        assert_eq!(
            super::without_internal_references("never goes below 4 (clinical.md §8.3) (MOAA/S) done"),
            "never goes below 4 (MOAA/S) done"
        );
        assert_eq!(super::without_internal_references("no bracket"), "no bracket");
    }

    use super::*;

    /// The page's numbers are the settings': a stricter clinic's thresholds replace the defaults in the words.
    #[test]
    fn the_situations_name_the_clinic_thresholds() {
        let text = |settings: &ProtocolSettings| {
            situations(settings).iter().flat_map(|s| s.actions.clone()).collect::<Vec<_>>().join("\n")
        };
        let defaults = text(&ProtocolSettings::default());
        assert!(defaults.contains("SpO2 below 92 %") && defaults.contains("180 systolic or 120 diastolic"));
        let stricter = ProtocolSettings::from_json(&serde_json::json!({"alerts": {"spo2_below": 95,
            "crisis_systolic": 170, "dissociation_cadss_above": 3}}))
        .unwrap_or_default();
        let strict = text(&stricter);
        assert!(strict.contains("SpO2 below 95 %") && !strict.contains("SpO2 below 92 %"), "{strict}");
        assert!(strict.contains("170 systolic") && strict.contains("CADSS total above 3"), "{strict}");
        for situation in situations(&stricter) {
            assert!(!situation.rules.is_empty(), "{} cites its rules", situation.id);
            for rule in &situation.rules {
                let id = rule.id.split('@').next().unwrap_or_default();
                assert!(ketapath_clinical::rule::find(id).is_some(), "{id} is in the catalog");
            }
        }
    }
}
