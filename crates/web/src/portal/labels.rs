//! The one table of words for the codes the portal shows: severity bands, instruments, course and session
//! statuses, roles, modalities, alert kinds, consent states, REMS setting types, referral statuses, assessment
//! contexts and review decisions. Codes stay in JSON, URLs and form values; every portal page shows these words, so
//! that a nurse reads "Moderately severe" and "QIDS-SR16", never `moderately_severe` or `qids_sr16`.

use ketapath_clinical::instruments::Instrument;
use ketapath_clinical::protocols::Modality;
use ketapath_clinical::protocols::alerts::AlertCode;
use ketapath_clinical::rems::SettingType;
use ketapath_research::consent::ConsentStatus;
use ketapath_store::domain::{
    AssessmentContext, CourseIndication, CourseStatus, ReferralStatus, ReportedLevel, ReviewDecision, Role,
    SessionStatus,
};

/// An instrument's name as clinicians write it (`PHQ-9`, `QIDS-SR16`, `MOAA/S`).
pub fn instrument(instrument: Instrument) -> &'static str {
    match instrument {
        Instrument::BprsPositive => "BPRS positive symptoms",
        // The specification's name is the published one for every other instrument.
        other => other.spec().name,
    }
}

/// A severity band's code (`moderately_severe`) as the instrument's own label (`Moderately severe`); a code the
/// instrument does not know is shown with spaces for underscores rather than as a code.
pub fn severity(instrument: Instrument, code: &str) -> String {
    instrument
        .spec()
        .bands
        .iter()
        .find(|band| band.severity == code)
        .map_or_else(|| code.replace('_', " "), |band| band.label.to_owned())
}

/// A modality in words (`Esketamine nasal spray (SPRAVATO)`).
pub fn modality(modality: Modality) -> &'static str {
    modality.label()
}

/// A stored treatment code (a course's `treatment`) in words; an unknown code is shown with spaces.
pub fn treatment(code: &str) -> String {
    Modality::parse(code).map_or_else(|_| code.replace('_', " "), |m| m.label().to_owned())
}

/// A course's status in words.
pub fn course_status(status: CourseStatus) -> &'static str {
    match status {
        CourseStatus::Planned => "planned",
        CourseStatus::Active => "active",
        CourseStatus::Completed => "completed",
        CourseStatus::Stopped => "stopped",
    }
}

/// A session's status in words (the store's one label).
pub fn session_status(status: SessionStatus) -> &'static str {
    status.label()
}

/// A staff role in words.
pub fn role(role: Role) -> &'static str {
    match role {
        Role::PlatformAdmin => "Platform admin",
        Role::ClinicAdmin => "Clinic admin",
        Role::Prescriber => "Prescriber",
        Role::Nurse => "Nurse",
        Role::Researcher => "Researcher",
    }
}

/// What an in-session alert is about, in words.
pub fn alert(code: AlertCode) -> &'static str {
    match code {
        AlertCode::Spo2Low => "Low oxygen saturation (SpO2)",
        AlertCode::Unresponsive => "Unresponsive (MOAA/S)",
        AlertCode::HypertensiveCrisisRange => "Blood pressure in the crisis range",
        AlertCode::HypertensiveCrisisSymptoms => "Symptoms of a hypertensive crisis",
        AlertCode::BpAboveGate => "Blood pressure above the pre-dose limit",
        AlertCode::Dissociation => "Dissociation (CADSS)",
    }
}

/// A stored alert code in words; an unknown code is shown with spaces.
pub fn alert_code(code: &str) -> String {
    const ALL: [AlertCode; 6] = [
        AlertCode::Spo2Low,
        AlertCode::Unresponsive,
        AlertCode::HypertensiveCrisisRange,
        AlertCode::HypertensiveCrisisSymptoms,
        AlertCode::BpAboveGate,
        AlertCode::Dissociation,
    ];
    ALL.iter().find(|a| a.code() == code).map_or_else(|| code.replace('_', " "), |a| alert(*a).to_owned())
}

/// A research-consent decision in words.
pub fn consent(status: ConsentStatus) -> &'static str {
    match status {
        ConsentStatus::Given => "given",
        ConsentStatus::Withdrawn => "withdrawn",
    }
}

/// The REMS setting type in words.
pub fn setting_type(setting: SettingType) -> &'static str {
    match setting {
        SettingType::Outpatient => "Outpatient (a certified office or clinic)",
        SettingType::Inpatient => "Inpatient (a hospital ward or emergency department)",
    }
}

/// A REMS setting type's code (`outpatient`) in words, for the settings form's choices.
pub fn setting_type_code(code: &str) -> String {
    match code {
        "outpatient" => setting_type(SettingType::Outpatient).to_owned(),
        "inpatient" => setting_type(SettingType::Inpatient).to_owned(),
        other => other.replace('_', " "),
    }
}

/// A referral's status in words.
pub fn referral_status(status: ReferralStatus) -> &'static str {
    match status {
        ReferralStatus::New => "new",
        ReferralStatus::Contacted => "contacted",
        ReferralStatus::Accepted => "accepted",
        ReferralStatus::Declined => "declined",
        ReferralStatus::Closed => "closed",
    }
}

/// The crisis level a referral's sender reported, in words.
pub fn reported_level(level: ReportedLevel) -> &'static str {
    match level {
        ReportedLevel::Emergency => "emergency",
        ReportedLevel::Urgent => "urgent",
        ReportedLevel::Routine => "no crisis reported",
    }
}

/// When an assessment was taken, in words.
pub fn assessment_context(context: AssessmentContext) -> &'static str {
    match context {
        AssessmentContext::Baseline => "Baseline (before the course)",
        AssessmentContext::PreSession => "Before a session",
        AssessmentContext::PostSession => "After a session",
        AssessmentContext::FollowUp => "Follow-up",
        AssessmentContext::SelfReport => "Self-report",
    }
}

/// A benefit review's decision in words.
pub fn review_decision(decision: ReviewDecision) -> &'static str {
    match decision {
        ReviewDecision::Continue => "continue",
        ReviewDecision::Stop => "stop",
    }
}

/// A course's indication in words.
pub fn indication(indication: CourseIndication) -> &'static str {
    match indication {
        CourseIndication::Trd => "treatment-resistant depression (TRD)",
        CourseIndication::Mdsi => "MDD with acute suicidal ideation or behaviour",
    }
}

/// A code of a computed result (a TRD status, a Maudsley band) in words: the intake document stores codes such as
/// `meets_definition`, which read as words once their underscores are spaces.
pub fn computed(code: &str) -> String {
    code.replace('_', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_severity_band_has_words_and_no_label_is_a_code() {
        for i in Instrument::ALL {
            assert!(!instrument(i).contains('_'), "{i:?}");
            for band in i.spec().bands {
                let words = severity(i, band.severity);
                assert!(!words.contains('_') && !words.is_empty(), "{i:?} {}", band.severity);
            }
        }
        assert_eq!(severity(Instrument::Phq9, "moderately_severe"), "Moderately severe");
        assert_eq!(instrument(Instrument::QidsSr16), "QIDS-SR16");
        for status in SessionStatus::ALL {
            assert!(!session_status(*status).contains('_'));
        }
        for r in Role::ALL {
            assert!(!role(*r).contains('_'));
        }
        for m in Modality::ALL {
            assert!(!modality(m).contains('_') && treatment(m.code()) == modality(m));
        }
        assert_eq!(alert_code("bp_above_gate"), "Blood pressure above the pre-dose limit");
        assert_eq!(setting_type_code("inpatient"), setting_type(SettingType::Inpatient));
    }
}
