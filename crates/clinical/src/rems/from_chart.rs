//! Adverse-effect answers derived from the chart: sedation from the post-dose MOAA/S scores, dissociation from the
//! post-dose CADSS totals against the clinic's threshold, respiratory depression from the post-dose SpO2 against
//! the clinic's alert threshold, and any of them from an adverse event charted under its code.
//!
//! The form asks whether the patient *experienced* each effect during the session; a nurse who charted MOAA/S 4
//! has already answered the sedation question, so the draft says so instead of "not answered". An answer is
//! derived only from what was charted: with no post-dose score of the kind, the question stays open.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::facts::SessionFacts;
use crate::protocols::{AlertSettings, Observation};
use crate::rule::{Confidence, Rule};

pub static CHART_ANSWERS_RULE: Rule = Rule {
    id: "rems.pmf.adverse_effects_from_chart",
    version: 1,
    summary: "The form's adverse-effect answers are pre-filled from the chart: sedation is yes when any MOAA/S after \
              the first device is below 5 (5 = responds readily to name), dissociation when any post-dose CADSS \
              total is above the clinic's dissociation alert threshold, respiratory depression when any post-dose \
              SpO2 is below the clinic's SpO2 alert threshold, and any of them when an adverse event of that kind \
              was charted; no when post-dose scores of the kind were charted and none crossed; unanswered otherwise",
    source: "clinical.md §3.9 (adverse effects row), §8.2 and §8.3 (MOAA/S, CADSS and SpO2 alert thresholds); \
             thresholds are the clinic's alert settings [U]",
    confidence: Confidence::Unverified,
    configurable: true,
};

/// A MOAA/S below this score after the dose is sedation: 5 is "responds readily to name spoken in a normal tone".
pub const SEDATION_MOAAS_BELOW: u8 = 5;

/// The clinic's thresholds that turn charted scores into adverse-effect answers, from its alert settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ChartThresholds {
    /// A post-dose CADSS total above this is dissociation (`alerts.dissociation_cadss_above`).
    pub dissociation_cadss_above: u16,
    /// A post-dose SpO2 below this is respiratory depression (`alerts.spo2_below`).
    pub spo2_below: u8,
}

impl From<&AlertSettings> for ChartThresholds {
    fn from(alerts: &AlertSettings) -> Self {
        Self { dissociation_cadss_above: alerts.dissociation_cadss_above, spo2_below: alerts.spo2_below }
    }
}

impl Default for ChartThresholds {
    fn default() -> Self {
        Self::from(&AlertSettings::default())
    }
}

/// An answer the chart gives, with where it came from in words and the rule that chose it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartAnswer {
    pub answer: bool,
    pub detail: String,
    /// `true` when an adverse event was charted under the question's code, `false` when scores decided.
    pub from_adverse_event: bool,
}

/// A score of one kind charted after the first device, with its time.
struct Score {
    minutes: i64,
    value: u32,
}

fn post_dose(
    observations: &[Observation],
    first: OffsetDateTime,
    pick: impl Fn(&Observation) -> Option<u32>,
) -> Vec<Score> {
    let mut scores: Vec<(OffsetDateTime, u32)> =
        observations.iter().filter(|o| o.time() >= first).filter_map(|o| pick(o).map(|v| (o.time(), v))).collect();
    scores.sort_by_key(|(at, _)| *at);
    scores.into_iter().map(|(at, value)| Score { minutes: (at - first).whole_minutes(), value }).collect()
}

/// What the scores say: yes at the first crossing score, no when scores exist and none crosses.
fn from_scores(scores: &[Score], crosses: impl Fn(u32) -> bool, name: &str, threshold: &str) -> Option<ChartAnswer> {
    if let Some(hit) = scores.iter().find(|s| crosses(s.value)) {
        return Some(ChartAnswer {
            answer: true,
            detail: format!(
                "from the chart: {name} {} at {} min after the first device ({threshold})",
                hit.value, hit.minutes
            ),
            from_adverse_event: false,
        });
    }
    (!scores.is_empty()).then(|| ChartAnswer {
        answer: false,
        detail: format!("from the chart: {} post-dose {name} score(s), none {threshold}", scores.len()),
        from_adverse_event: false,
    })
}

/// The chart's answer to the adverse-effect question `code`, if the chart answers it. A charted adverse event of
/// the kind (the last one for the code, as a correction is recorded after the original) wins over the scores.
pub fn chart_answer(code: &str, facts: &SessionFacts, first_device_at: Option<OffsetDateTime>) -> Option<ChartAnswer> {
    if let Some(event) = facts.adverse_events.iter().rev().find(|e| e.code == code) {
        let detail = if event.occurred {
            "from the chart: charted as an adverse event during the session"
        } else {
            "from the chart: answered no during the session"
        };
        // A charted "did not occur" still yields to a post-dose score that crosses the threshold below.
        if event.occurred {
            return Some(ChartAnswer { answer: true, detail: detail.to_owned(), from_adverse_event: true });
        }
        let scored = first_device_at.and_then(|first| from_observations(code, facts, first));
        return match scored {
            Some(hit) if hit.answer => Some(hit),
            _ => Some(ChartAnswer { answer: false, detail: detail.to_owned(), from_adverse_event: true }),
        };
    }
    from_observations(code, facts, first_device_at?)
}

fn from_observations(code: &str, facts: &SessionFacts, first: OffsetDateTime) -> Option<ChartAnswer> {
    let observations = &facts.observations;
    let limits = facts.thresholds;
    match code {
        "sedation" => from_scores(
            &post_dose(observations, first, |o| o.moaas().map(u32::from)),
            |v| v < u32::from(SEDATION_MOAAS_BELOW),
            "MOAA/S",
            &format!("below {SEDATION_MOAAS_BELOW}"),
        ),
        "dissociation" => from_scores(
            &post_dose(observations, first, |o| o.cadss().map(u32::from)),
            |v| v > u32::from(limits.dissociation_cadss_above),
            "CADSS",
            &format!("above the clinic's threshold of {}", limits.dissociation_cadss_above),
        ),
        "respiratory_depression" => from_scores(
            &post_dose(observations, first, |o| o.spo2().map(u32::from)),
            |v| v < u32::from(limits.spo2_below),
            "SpO2",
            &format!("below the clinic's alert threshold of {} %", limits.spo2_below),
        ),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::rems::{AdverseEventAnswer, SettingType};
    use time::Duration;
    use time::macros::datetime;

    const FIRST: OffsetDateTime = datetime!(2026-11-20 14:00 UTC);

    fn facts(observations: Vec<Observation>, events: Vec<AdverseEventAnswer>) -> SessionFacts {
        SessionFacts {
            setting_type: SettingType::Outpatient,
            patient: Default::default(),
            concomitant_medications: Default::default(),
            hcp: Default::default(),
            setting: Default::default(),
            devices: Vec::new(),
            observations,
            monitoring_completed_at: None,
            ready_to_leave_at: None,
            vital_signs: Default::default(),
            adverse_events: events,
            early_departure: None,
            thresholds: ChartThresholds::default(),
        }
    }

    fn at(minutes: i64) -> Observation {
        Observation::at(FIRST + Duration::minutes(minutes))
    }

    #[test]
    fn a_post_dose_moaas_below_five_is_sedation_and_a_pre_dose_one_is_not() {
        let charted = facts(vec![at(-5).with_moaas(3).unwrap(), at(25).with_moaas(4).unwrap()], Vec::new());
        let answer = chart_answer("sedation", &charted, Some(FIRST)).unwrap();
        assert!(answer.answer);
        assert!(answer.detail.contains("MOAA/S 4 at 25 min"), "{}", answer.detail);
        let calm = facts(vec![at(-5).with_moaas(3).unwrap(), at(25).with_moaas(5).unwrap()], Vec::new());
        assert_eq!(chart_answer("sedation", &calm, Some(FIRST)).map(|a| a.answer), Some(false));
        let none = facts(vec![at(-5).with_moaas(3).unwrap()], Vec::new());
        assert_eq!(chart_answer("sedation", &none, Some(FIRST)), None, "no post-dose score: unanswered");
        assert_eq!(chart_answer("sedation", &charted, None), None, "no dose: unanswered");
    }

    #[test]
    fn dissociation_follows_the_clinic_threshold_or_a_charted_event() {
        let mut charted = facts(vec![at(40).with_cadss(4).unwrap()], Vec::new());
        assert_eq!(chart_answer("dissociation", &charted, Some(FIRST)).map(|a| a.answer), Some(false));
        charted.thresholds.dissociation_cadss_above = 3;
        let answer = chart_answer("dissociation", &charted, Some(FIRST)).unwrap();
        assert!(answer.answer && answer.detail.contains("threshold of 3"), "{}", answer.detail);
        let event = facts(Vec::new(), vec![AdverseEventAnswer { code: "dissociation".into(), occurred: true }]);
        let answer = chart_answer("dissociation", &event, Some(FIRST)).unwrap();
        assert!(answer.answer && answer.from_adverse_event);
    }

    #[test]
    fn respiratory_depression_follows_the_spo2_alert_threshold() {
        let mut low = facts(vec![at(30).with_spo2(91).unwrap()], Vec::new());
        assert_eq!(chart_answer("respiratory_depression", &low, Some(FIRST)).map(|a| a.answer), Some(true));
        low.thresholds.spo2_below = 91;
        assert_eq!(chart_answer("respiratory_depression", &low, Some(FIRST)).map(|a| a.answer), Some(false));
        assert_eq!(chart_answer("nausea", &low, Some(FIRST)), None, "no score answers another question");
    }
}
