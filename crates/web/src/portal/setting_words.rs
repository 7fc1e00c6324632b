//! The clinic settings page's words: each protocol setting as a sentence around its value ("Hold the dose when the
//! systolic blood pressure is above [140] mmHg"), the modality and the step of the session it belongs to, and its
//! source in plain words (the label, the REMS, a paper), never an internal file or section name.

/// The modality a setting applies to, in the order the page shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    Esketamine,
    Iv,
    ImOral,
    AnyKetamine,
    Every,
}

impl Group {
    pub const ALL: [Group; 5] = [Group::Esketamine, Group::Iv, Group::ImOral, Group::AnyKetamine, Group::Every];

    /// The group's heading.
    pub fn title(self) -> &'static str {
        match self {
            Group::Esketamine => "Esketamine nasal spray (SPRAVATO)",
            Group::Iv => "IV ketamine infusion",
            Group::ImOral => "IM and oral ketamine",
            Group::AnyKetamine => "Ketamine by any route (IV, IM, oral)",
            Group::Every => "Every modality",
        }
    }

    /// The id of the group's heading, for links and tests.
    pub fn id(self) -> &'static str {
        match self {
            Group::Esketamine => "settings-esketamine",
            Group::Iv => "settings-iv-ketamine",
            Group::ImOral => "settings-im-oral-ketamine",
            Group::AnyKetamine => "settings-any-ketamine",
            Group::Every => "settings-every-modality",
        }
    }
}

/// The step of the session a setting governs, in the order of a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    BeforeDose,
    Dose,
    Monitoring,
    Alerts,
    Discharge,
    Paperwork,
}

impl Step {
    pub const ALL: [Step; 6] =
        [Step::BeforeDose, Step::Dose, Step::Monitoring, Step::Alerts, Step::Discharge, Step::Paperwork];

    /// The step's heading.
    pub fn title(self) -> &'static str {
        match self {
            Step::BeforeDose => "Before the dose",
            Step::Dose => "The dose and the schedule",
            Step::Monitoring => "Monitoring during the session",
            Step::Alerts => "Alerts during the session",
            Step::Discharge => "Discharge",
            Step::Paperwork => "After the session",
        }
    }
}

/// One setting in words.
#[derive(Debug, Clone, Copy)]
pub struct Wording {
    /// The setting's dotted path (`ProtocolSettings::describe`).
    pub name: &'static str,
    pub group: Group,
    pub step: Step,
    /// The sentence before the value; a yes/no setting is the whole question.
    pub before: &'static str,
    /// The words after the value (its unit and what it means), empty when none.
    pub after: &'static str,
    /// Where the value comes from, in plain words.
    pub source: &'static str,
    /// Where the setting's limit comes from, in plain words, when it has one (`settings::FLOORS`).
    pub limit_source: Option<&'static str>,
}

const fn w(
    name: &'static str,
    (group, step): (Group, Step),
    (before, after): (&'static str, &'static str),
    source: &'static str,
    limit_source: Option<&'static str>,
) -> Wording {
    Wording { name, group, step, before, after, source, limit_source }
}

use Group::{AnyKetamine, Esketamine, Every, ImOral, Iv};
use Step::{Alerts, BeforeDose, Discharge, Dose, Monitoring, Paperwork};

const LABEL_BP: &str = "SPRAVATO prescribing information (2019), section 5.6: \"as a general guide\", hold the dose \
                        above 140/90 mmHg";
const LABEL_BP_LIMIT: &str = "The label gives 140/90 mmHg as a general guide; the widest gate KetaPath accepts \
                              (220/130 mmHg) is its own choice";
const KETAMINE_BP: &str = "No source gives a pre-dose limit for ketamine: the esketamine label's 140/90 mmHg, by \
                           analogy";
const IV_BP: &str = "Published IV ketamine protocols: every 10 minutes during the infusion and every 15 minutes after \
                     it (Dunlop and Riva-Posse 2018; Yale 2024)";
const OTHER_MINIMUM: &str = "American Society of Anesthesiologists statement (2025) on monitoring and rescue \
                             capability, and the esketamine label by analogy; no fixed time is published";
const TIMING: &str = "SPRAVATO label (blood pressure around 40 minutes after the dose); the width of the window is a \
                      protocol choice";
const IV_DOSE: &str = "Andrade, J Clin Psychiatry 2017; Dunlop 2018; the trial NCT01920555";
const IV_SERIES: &str = "Murrough et al., Biol Psychiatry 2013 (six infusions over two to three weeks)";
const AHA_CRISIS: &str = "American Heart Association: a reading of 180/120 mmHg or higher is a hypertensive crisis";
const DISSOCIATION: &str = "The SPRAVATO programme's definition of dissociation: a CADSS total above 4 and above the \
                            pre-dose total";

/// Every setting in words. A test checks that it and `ProtocolSettings::describe` name the same settings, so a new
/// setting cannot reach the page without its sentence and source.
pub static WORDINGS: &[Wording] = &[
    w(
        "bp_gate.esketamine_nasal.systolic_max",
        (Esketamine, BeforeDose),
        ("Hold the dose when the systolic blood pressure is above", "mmHg"),
        LABEL_BP,
        Some(LABEL_BP_LIMIT),
    ),
    w(
        "bp_gate.esketamine_nasal.diastolic_max",
        (Esketamine, BeforeDose),
        ("Hold the dose when the diastolic blood pressure is above", "mmHg"),
        LABEL_BP,
        Some(LABEL_BP_LIMIT),
    ),
    w(
        "bp_gate.iv_ketamine.systolic_max",
        (Iv, BeforeDose),
        ("Hold the infusion when the systolic blood pressure is above", "mmHg"),
        KETAMINE_BP,
        None,
    ),
    w(
        "bp_gate.iv_ketamine.diastolic_max",
        (Iv, BeforeDose),
        ("Hold the infusion when the diastolic blood pressure is above", "mmHg"),
        KETAMINE_BP,
        None,
    ),
    w(
        "bp_gate.im_ketamine.systolic_max",
        (ImOral, BeforeDose),
        ("IM: hold the injection when the systolic blood pressure is above", "mmHg"),
        KETAMINE_BP,
        None,
    ),
    w(
        "bp_gate.im_ketamine.diastolic_max",
        (ImOral, BeforeDose),
        ("IM: hold the injection when the diastolic blood pressure is above", "mmHg"),
        KETAMINE_BP,
        None,
    ),
    w(
        "bp_gate.oral_ketamine.systolic_max",
        (ImOral, BeforeDose),
        ("Oral: hold the dose when the systolic blood pressure is above", "mmHg"),
        KETAMINE_BP,
        None,
    ),
    w(
        "bp_gate.oral_ketamine.diastolic_max",
        (ImOral, BeforeDose),
        ("Oral: hold the dose when the diastolic blood pressure is above", "mmHg"),
        KETAMINE_BP,
        None,
    ),
    w(
        "monitoring.minimum_minutes.esketamine_nasal",
        (Esketamine, Monitoring),
        ("Keep the patient under observation after the dose for at least", "minutes (the REMS requires 120)"),
        "SPRAVATO boxed warning and REMS: at least two hours of observation after the dose",
        Some("SPRAVATO boxed warning and REMS: at least two hours"),
    ),
    w(
        "monitoring.minimum_minutes.iv_ketamine",
        (Iv, Monitoring),
        ("Keep the patient under observation after the infusion starts for at least", "minutes"),
        "Published IV ketamine protocols: vital signs before, during and after the infusion, blood pressure every \
         15 minutes after it; no fixed time is published",
        None,
    ),
    w(
        "monitoring.minimum_minutes.im_ketamine",
        (ImOral, Monitoring),
        ("IM: keep the patient under observation after the injection for at least", "minutes"),
        OTHER_MINIMUM,
        None,
    ),
    w(
        "monitoring.minimum_minutes.oral_ketamine",
        (ImOral, Monitoring),
        ("Oral: keep the patient under observation after the dose for at least", "minutes"),
        OTHER_MINIMUM,
        None,
    ),
    w(
        "monitoring.esketamine_bp_check_minute",
        (Esketamine, Monitoring),
        ("Measure the blood pressure again", "minutes after the dose"),
        "SPRAVATO prescribing information (2019), section 5.6, and the REMS Patient Monitoring Form: blood pressure \
         about 40 minutes after the dose",
        None,
    ),
    w(
        "monitoring.iv_bp_every_minutes_during",
        (Iv, Monitoring),
        ("During the infusion, measure the blood pressure every", "minutes"),
        IV_BP,
        None,
    ),
    w(
        "monitoring.iv_bp_every_minutes_after",
        (Iv, Monitoring),
        ("After the infusion, measure the blood pressure every", "minutes"),
        IV_BP,
        None,
    ),
    w(
        "monitoring.other_bp_every_minutes",
        (ImOral, Monitoring),
        ("Measure the blood pressure every", "minutes"),
        "The IV ketamine protocols' interval, by analogy",
        None,
    ),
    w(
        "monitoring.sedation_check_minute",
        (Every, Monitoring),
        ("Rate sedation (MOAA/S) and dissociation (CADSS)", "minutes after the dose"),
        "Ketamine studies: dissociation peaks about 40 minutes and sedation 30 to 45 minutes after the dose; trials \
         rated the CADSS at 0, 40, 120 and 240 minutes",
        None,
    ),
    w(
        "monitoring.early_minutes",
        (Every, Monitoring),
        ("An observation counts as on time from", "minutes before it is due"),
        TIMING,
        None,
    ),
    w(
        "monitoring.grace_minutes",
        (Every, Monitoring),
        ("An observation is overdue", "minutes after it was due"),
        TIMING,
        None,
    ),
    w(
        "discharge.min_moaas",
        (Every, Discharge),
        ("Discharge only when the MOAA/S score is at least", "(5: responds readily to the name)"),
        "The MOAA/S scale (Chernik 1990); the SPRAVATO label asks to observe until sedation has resolved",
        Some("The MOAA/S scale: 4 is a lethargic response to the name in a normal tone"),
    ),
    w(
        "discharge.min_spo2",
        (Every, Discharge),
        ("Discharge only when the oxygen saturation (SpO2) is at least", "%"),
        "SPRAVATO label and REMS: pulse oximetry at each session and observation until breathing is normal; neither \
         gives a threshold",
        Some("Below 90 % is the common clinical definition of hypoxaemia"),
    ),
    w(
        "discharge.max_cadss",
        (Every, Discharge),
        ("Discharge only when the CADSS total is at most", ""),
        "The SPRAVATO programme defines dissociation as a CADSS total above 4; the label asks to observe until \
         dissociation has resolved",
        Some("The SPRAVATO programme's definition of dissociation (a CADSS total above 4)"),
    ),
    w(
        "discharge.bp_within_gate",
        (Every, Discharge),
        ("Discharge only when the blood pressure is back within the pre-dose limit", ""),
        "SPRAVATO label (measure the blood pressure until it declines) and the REMS Patient Monitoring Form (vital \
         signs before the session ends)",
        Some("SPRAVATO label and REMS Patient Monitoring Form: vital signs in range before the session ends"),
    ),
    w(
        "discharge.vitals_max_age_minutes",
        (Every, Discharge),
        ("The values that allow discharge must be measured within the last", "minutes"),
        "SPRAVATO label (assess when the patient is clinically stable and ready to leave); the age limit is a \
         protocol choice",
        None,
    ),
    w("iv.mg_per_kg_default", (Iv, Dose), ("Give", "mg per kg of body weight"), IV_DOSE, None),
    w("iv.mg_per_kg_min", (Iv, Dose), ("Accept doses from", "mg per kg"), IV_DOSE, None),
    w("iv.mg_per_kg_max", (Iv, Dose), ("Accept doses up to", "mg per kg"), IV_DOSE, None),
    w("iv.infusion_minutes", (Iv, Dose), ("Give the infusion over", "minutes"), IV_DOSE, None),
    w("iv.series_infusions", (Iv, Dose), ("A series has", "infusions"), IV_SERIES, None),
    w("iv.series_per_week", (Iv, Dose), ("Give", "infusions a week"), IV_SERIES, None),
    w(
        "pre_checks.ketamine_fasting",
        (AnyKetamine, BeforeDose),
        ("Ask the fasting times before the dose (food 2 hours, liquids 30 minutes)", ""),
        "The SPRAVATO fasting instructions, by analogy: no ketamine source gives fasting times",
        None,
    ),
    w(
        "pre_checks.ketamine_transport",
        (AnyKetamine, BeforeDose),
        ("Ask whether transport home (not driving) is arranged", ""),
        "The SPRAVATO label (no driving until the next day after a restful sleep), by analogy",
        None,
    ),
    w(
        "pre_checks.ketamine_pregnancy",
        (AnyKetamine, BeforeDose),
        ("Ask the pregnancy status where it applies", ""),
        "The SPRAVATO label's warning on harm to an unborn baby, by analogy",
        None,
    ),
    w(
        "esketamine.allow_28mg_start",
        (Esketamine, Dose),
        ("Accept a 28 mg dose for patients 65 and over (labelling outside the US)", ""),
        "Hong Kong labelling (MIMS): a 28 mg first dose for elderly patients; the US label does not have it",
        None,
    ),
    w(
        "rems.setting_type",
        (Esketamine, Paperwork),
        ("The clinic's REMS setting", ""),
        "SPRAVATO REMS: an outpatient office or clinic submits a Patient Monitoring Form after every session; an \
         inpatient setting reports adverse events instead",
        None,
    ),
    w(
        "alerts.spo2_below",
        (Every, Alerts),
        ("Raise an urgent alert when the oxygen saturation (SpO2) is below", "%"),
        "Neither the label nor the REMS gives a threshold; below 90 % is hypoxaemia, and 92 to 94 % is a common alarm \
         setting",
        Some("Below 90 % is the common clinical definition of hypoxaemia and always an emergency alert"),
    ),
    w(
        "alerts.unresponsive_moaas_at_or_below",
        (Every, Alerts),
        ("Raise an emergency alert when the MOAA/S score is at or below", ""),
        "The MOAA/S scale (0: no response; 1: responds only to a painful squeeze); the alert level is a protocol \
         choice",
        Some("The MOAA/S scale: 0 and 1 always alert"),
    ),
    w(
        "alerts.crisis_systolic",
        (Every, Alerts),
        ("After the dose, a systolic blood pressure from", "mmHg is in the crisis range"),
        AHA_CRISIS,
        Some(AHA_CRISIS),
    ),
    w(
        "alerts.crisis_diastolic",
        (Every, Alerts),
        ("After the dose, a diastolic blood pressure from", "mmHg is in the crisis range"),
        AHA_CRISIS,
        Some(AHA_CRISIS),
    ),
    w(
        "alerts.crisis_recheck_minutes",
        (Every, Alerts),
        ("Measure a crisis-range blood pressure again within", "minutes"),
        "American Heart Association: wait a few minutes and measure again",
        Some("American Heart Association: wait a few minutes and measure again"),
    ),
    w(
        "alerts.above_gate_recheck_minutes",
        (Every, Alerts),
        ("Measure a blood pressure above the pre-dose limit again within", "minutes"),
        "SPRAVATO label: the blood pressure rises after the dose, peaks about 40 minutes later and is measured until \
         it declines; the recheck time is a protocol choice",
        Some("SPRAVATO label (measure until the blood pressure declines); the 30-minute limit is a protocol choice"),
    ),
    w(
        "alerts.dissociation_cadss_above",
        (Every, Alerts),
        ("Raise an alert when the CADSS total is above", "and above the pre-dose total"),
        DISSOCIATION,
        Some(DISSOCIATION),
    ),
];

/// The words of setting `name`, if it has any (every described setting has: a test checks it).
pub fn wording(name: &str) -> Option<&'static Wording> {
    WORDINGS.iter().find(|w| w.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ketapath_clinical::protocols::ProtocolSettings;
    use ketapath_clinical::protocols::settings::FLOORS;

    #[test]
    fn every_setting_has_words_and_a_plain_source() {
        let described: Vec<&str> = ProtocolSettings::default().describe().iter().map(|v| v.name).collect();
        let worded: Vec<&str> = WORDINGS.iter().map(|w| w.name).collect();
        assert_eq!(described.len(), worded.len(), "{described:?} vs {worded:?}");
        for name in &described {
            assert!(worded.contains(name), "{name} has no words");
        }
        for w in WORDINGS {
            for text in [w.before, w.after, w.source, w.limit_source.unwrap_or_default()] {
                assert!(!text.contains(".md") && !text.contains('§') && !text.contains('_'), "{}: {text}", w.name);
            }
        }
        // A setting with a limit names where the limit comes from.
        for floor in FLOORS {
            assert!(wording(floor.name).is_some_and(|w| w.limit_source.is_some()), "{}", floor.name);
        }
    }
}
