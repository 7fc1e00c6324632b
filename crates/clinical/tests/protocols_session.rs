//! Tests of a supervised session: pre-checks, the blood-pressure gate and overrides, crisis routing,
//! timed monitoring, the discharge gate and the REMS form times.

use ketapath_clinical::protocols::settings::SettingsValues;
use ketapath_clinical::protocols::{
    BloodPressure, CrisisSymptom, DueStatus, DueWhat, GateDecision, GateOutcome, Modality, NasalMedication,
    Observation, ObservationRecord, PreCheckAnswers, PreCheckKind, PreCheckStatus, PregnancyStatus, ProtocolSettings,
    Refusal, SymptomRoute, apply_override, bp_gate, discharge_check, evaluate_pre_checks, hypertensive_symptom_routing,
    monitoring_plan, monitoring_status, parse_observations, pre_checks, ready_to_leave_minutes, treatment_duration,
};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

const DOSE_AT: OffsetDateTime = datetime!(2026-01-05 09:00 UTC);

fn after(minutes: i64) -> OffsetDateTime {
    DOSE_AT + Duration::minutes(minutes)
}

fn bp(systolic: u16, diastolic: u16) -> BloodPressure {
    BloodPressure::new(systolic, diastolic).expect("test readings are plausible")
}

fn settings_with(edit: impl FnOnce(&mut SettingsValues)) -> ProtocolSettings {
    let mut values = SettingsValues::default();
    edit(&mut values);
    ProtocolSettings::try_from(values).expect("test settings are valid")
}

/// A full set of values that meets every default discharge criterion.
fn fine(at: OffsetDateTime) -> Observation {
    Observation::at(at)
        .with_blood_pressure(128, 82)
        .and_then(|o| o.with_heart_rate(72))
        .and_then(|o| o.with_spo2(97))
        .and_then(|o| o.with_moaas(5))
        .and_then(|o| o.with_cadss(0))
        .expect("test values are in range")
}

// Blood-pressure gate and overrides.

#[test]
fn bp_gate_passes_at_the_threshold_and_blocks_above_either_number() {
    let defaults = ProtocolSettings::default();
    for modality in Modality::ALL {
        assert!(!bp_gate(modality, bp(140, 90), &defaults).is_blocked(), "{modality}");
        assert!(bp_gate(modality, bp(141, 90), &defaults).is_blocked(), "{modality}");
        assert!(bp_gate(modality, bp(140, 91), &defaults).is_blocked(), "{modality}");
        assert!(!bp_gate(modality, bp(100, 60), &defaults).is_blocked(), "{modality}");
    }
    match bp_gate(Modality::EsketamineNasal, bp(141, 90), &defaults) {
        GateDecision::Blocked { reason, rule } => {
            assert!(reason.contains("141/90") && reason.contains("140/90"), "{reason}");
            assert_eq!(rule.id, "protocols.bp_gate.esketamine_nasal");
        }
        pass => panic!("expected a block, got {pass:?}"),
    }
    // Ketamine's gate is the same default but an unverified rule.
    match bp_gate(Modality::IvKetamine, bp(120, 80), &defaults) {
        GateDecision::Pass { rule } => assert_eq!(rule.id, "protocols.bp_gate.ketamine"),
        blocked => panic!("expected a pass, got {blocked:?}"),
    }
}

#[test]
fn bp_gate_follows_the_clinic_setting_per_modality() {
    let strict_iv = settings_with(|v| {
        v.bp_gate.iv_ketamine.systolic_max = 130;
        v.bp_gate.iv_ketamine.diastolic_max = 80;
    });
    assert!(bp_gate(Modality::IvKetamine, bp(135, 80), &strict_iv).is_blocked());
    assert!(bp_gate(Modality::IvKetamine, bp(130, 81), &strict_iv).is_blocked());
    assert!(!bp_gate(Modality::EsketamineNasal, bp(135, 85), &strict_iv).is_blocked());
}

#[test]
fn blood_pressure_readings_are_checked() {
    assert_eq!(BloodPressure::new(301, 90).unwrap_err().field, "systolic");
    assert_eq!(BloodPressure::new(120, 10).unwrap_err().field, "diastolic");
    assert_eq!(BloodPressure::new(90, 90).unwrap_err().field, "diastolic");
    let reading: BloodPressure = serde_json::from_str(r#"{"systolic": 150, "diastolic": 95}"#).unwrap();
    assert_eq!((reading.systolic(), reading.diastolic()), (150, 95));
    assert!(serde_json::from_str::<BloodPressure>(r#"{"systolic": 80, "diastolic": 95}"#).is_err());
}

#[test]
fn an_override_needs_a_reason() {
    let defaults = ProtocolSettings::default();
    let blocked = bp_gate(Modality::EsketamineNasal, bp(150, 95), &defaults);
    for empty in ["", "   ", "\n\t"] {
        let err = apply_override(&blocked, empty).unwrap_err();
        assert_eq!(err.field, "reason");
    }
    assert_eq!(apply_override(&blocked, &"x".repeat(2001)).unwrap_err().field, "reason");
    match apply_override(&blocked, "  Repeat reading 138/88 after 10 min rest; benefit outweighs risk ").unwrap() {
        GateOutcome::Overridden { reason, overridden, rule } => {
            assert_eq!(reason, "Repeat reading 138/88 after 10 min rest; benefit outweighs risk");
            assert_eq!(overridden.len(), 1);
            assert_eq!(overridden[0].id, "protocols.bp_gate.esketamine_nasal");
            assert_eq!(rule.id, "protocols.prescriber_override");
        }
        GateOutcome::Proceed => panic!("a blocked gate needs an override"),
    }
    // Nothing to override: the step proceeds, with or without a reason.
    let pass = bp_gate(Modality::EsketamineNasal, bp(120, 80), &defaults);
    assert_eq!(apply_override(&pass, "").unwrap(), GateOutcome::Proceed);
}

// Hypertensive crisis routing.

#[test]
fn any_crisis_symptom_routes_to_emergency_care_now() {
    let none = hypertensive_symptom_routing(&[]);
    assert_eq!(none.route, SymptomRoute::ContinueMonitoring);
    for symptom in CrisisSymptom::ALL {
        let routing = hypertensive_symptom_routing(&[symptom]);
        assert_eq!(routing.route, SymptomRoute::EmergencyNow, "{symptom:?}");
        assert!(routing.action.contains("911"));
        assert_eq!(routing.rule.id, "protocols.hypertensive_crisis");
        assert_eq!(CrisisSymptom::parse(symptom.code()).unwrap(), symptom);
    }
    let many =
        hypertensive_symptom_routing(&[CrisisSymptom::Seizure, CrisisSymptom::ChestPain, CrisisSymptom::Seizure]);
    assert_eq!(many.symptoms, [CrisisSymptom::ChestPain, CrisisSymptom::Seizure]);
}

#[test]
fn unknown_symptom_codes_are_refused_with_the_known_list() {
    let parsed = CrisisSymptom::parse_all(&["severe_headache", "visual_disturbance"]).unwrap();
    assert_eq!(parsed, [CrisisSymptom::SevereHeadache, CrisisSymptom::VisualDisturbance]);
    let err = CrisisSymptom::parse_all(&["chest_pain", "headache"]).unwrap_err();
    assert_eq!(err.field, "symptoms[1]");
    assert!(err.message.contains("focal_neurological_deficit"), "{}", err.message);
}

// Pre-checks.

fn good_answers() -> PreCheckAnswers {
    PreCheckAnswers {
        dose_at: DOSE_AT,
        last_food_at: Some(after(-180)),
        last_liquid_at: Some(after(-45)),
        nasal_medication: NasalMedication::NotUsed,
        transport_home_arranged: Some(true),
        pregnancy: PregnancyStatus::NotApplicable,
        rems_enrolled: Some(true),
        blood_pressure: Some(bp(128, 84)),
    }
}

fn status_of(report: &ketapath_clinical::protocols::PreCheckReport, kind: PreCheckKind) -> PreCheckStatus {
    report.results.iter().find(|r| r.kind == kind).map(|r| r.status).expect("check present")
}

#[test]
fn pre_checks_are_listed_per_modality_with_their_sources() {
    let defaults = ProtocolSettings::default();
    let esketamine: Vec<PreCheckKind> =
        pre_checks(Modality::EsketamineNasal, &defaults).iter().map(|c| c.kind).collect();
    assert_eq!(
        esketamine,
        [
            PreCheckKind::RemsEnrollment,
            PreCheckKind::Fasting,
            PreCheckKind::NasalMedication,
            PreCheckKind::TransportHome,
            PreCheckKind::PregnancyStatus,
            PreCheckKind::BloodPressure
        ]
    );
    assert!(pre_checks(Modality::EsketamineNasal, &defaults).iter().all(|c| c.rule.source.contains("clinical.md §3.")));
    let iv: Vec<PreCheckKind> = pre_checks(Modality::IvKetamine, &defaults).iter().map(|c| c.kind).collect();
    assert_eq!(
        iv,
        [
            PreCheckKind::Fasting,
            PreCheckKind::TransportHome,
            PreCheckKind::PregnancyStatus,
            PreCheckKind::BloodPressure
        ]
    );
    let minimal = settings_with(|v| {
        v.pre_checks.ketamine_fasting = false;
        v.pre_checks.ketamine_pregnancy = false;
    });
    let iv: Vec<PreCheckKind> = pre_checks(Modality::IvKetamine, &minimal).iter().map(|c| c.kind).collect();
    assert_eq!(iv, [PreCheckKind::TransportHome, PreCheckKind::BloodPressure]);
    let json = serde_json::to_value(pre_checks(Modality::EsketamineNasal, &defaults)).unwrap();
    assert_eq!(json[1]["id"], "fasting");
    assert_eq!(json[1]["rule"]["confidence"], "confirmed");
}

#[test]
fn pre_checks_evaluate_times_and_answers() {
    let defaults = ProtocolSettings::default();
    let report = evaluate_pre_checks(Modality::EsketamineNasal, &good_answers(), &defaults);
    assert!(!report.dosing_blocked, "{report:?}");
    assert_eq!(status_of(&report, PreCheckKind::Fasting), PreCheckStatus::Met);
    assert_eq!(status_of(&report, PreCheckKind::NasalMedication), PreCheckStatus::NotApplicable);
    assert_eq!(status_of(&report, PreCheckKind::PregnancyStatus), PreCheckStatus::NotApplicable);

    // Food 90 minutes and liquid 20 minutes before: fasting not met, which informs but does not block.
    let early_meal =
        PreCheckAnswers { last_food_at: Some(after(-90)), last_liquid_at: Some(after(-20)), ..good_answers() };
    let report = evaluate_pre_checks(Modality::EsketamineNasal, &early_meal, &defaults);
    assert_eq!(status_of(&report, PreCheckKind::Fasting), PreCheckStatus::NotMet);
    assert!(!report.dosing_blocked);
    let at_limits =
        PreCheckAnswers { last_food_at: Some(after(-120)), last_liquid_at: Some(after(-30)), ..good_answers() };
    let report = evaluate_pre_checks(Modality::EsketamineNasal, &at_limits, &defaults);
    assert_eq!(status_of(&report, PreCheckKind::Fasting), PreCheckStatus::Met);

    let spray = |minutes: i64| PreCheckAnswers {
        nasal_medication: NasalMedication::TakenAt { at: after(-minutes) },
        ..good_answers()
    };
    let status = |a: &PreCheckAnswers| {
        status_of(&evaluate_pre_checks(Modality::EsketamineNasal, a, &defaults), PreCheckKind::NasalMedication)
    };
    assert_eq!(status(&spray(60)), PreCheckStatus::Met);
    assert_eq!(status(&spray(59)), PreCheckStatus::NotMet);

    let unknown = PreCheckAnswers {
        last_food_at: None,
        transport_home_arranged: None,
        pregnancy: PregnancyStatus::Unknown,
        ..good_answers()
    };
    let report = evaluate_pre_checks(Modality::EsketamineNasal, &unknown, &defaults);
    assert_eq!(status_of(&report, PreCheckKind::Fasting), PreCheckStatus::NotRecorded);
    assert_eq!(status_of(&report, PreCheckKind::TransportHome), PreCheckStatus::NotRecorded);
    assert_eq!(status_of(&report, PreCheckKind::PregnancyStatus), PreCheckStatus::NotRecorded);
    let pregnant = PreCheckAnswers { pregnancy: PregnancyStatus::Pregnant, ..good_answers() };
    let report = evaluate_pre_checks(Modality::EsketamineNasal, &pregnant, &defaults);
    assert_eq!(status_of(&report, PreCheckKind::PregnancyStatus), PreCheckStatus::NotMet);
}

#[test]
fn missing_or_gated_blood_pressure_and_missing_rems_enrollment_block_dosing() {
    let defaults = ProtocolSettings::default();
    let high = PreCheckAnswers { blood_pressure: Some(bp(150, 95)), ..good_answers() };
    let report = evaluate_pre_checks(Modality::EsketamineNasal, &high, &defaults);
    assert!(report.dosing_blocked);
    assert!(matches!(report.bp_gate, Some(GateDecision::Blocked { .. })));
    assert!(apply_override(&report, "").is_err());
    assert!(matches!(apply_override(&report, "prescriber reviewed").unwrap(), GateOutcome::Overridden { .. }));

    let no_bp = PreCheckAnswers { blood_pressure: None, ..good_answers() };
    assert!(evaluate_pre_checks(Modality::IvKetamine, &no_bp, &defaults).dosing_blocked);
    let not_enrolled = PreCheckAnswers { rems_enrolled: Some(false), ..good_answers() };
    assert!(evaluate_pre_checks(Modality::EsketamineNasal, &not_enrolled, &defaults).dosing_blocked);
    // REMS enrollment is an esketamine requirement only.
    assert!(!evaluate_pre_checks(Modality::IvKetamine, &not_enrolled, &defaults).dosing_blocked);
}

#[test]
fn rems_enrollment_takes_no_override_and_inpatient_settings_are_exempt() {
    use ketapath_clinical::protocols::{EnrollmentGate, enrollment_gate};
    use ketapath_clinical::rems::SettingType;
    let defaults = ProtocolSettings::default();
    let not_enrolled = PreCheckAnswers { rems_enrolled: Some(false), ..good_answers() };
    let report = evaluate_pre_checks(Modality::EsketamineNasal, &not_enrolled, &defaults);
    assert!(report.dosing_blocked);
    let rems = report.results.iter().find(|r| r.kind == PreCheckKind::RemsEnrollment).unwrap();
    assert!(rems.blocks_dosing && !rems.overridable);
    assert_eq!((rems.rule.id, rems.rule.version), ("protocols.pre_checks.rems_enrollment", 2));
    // The absolute block is not among the rules an override may lift: with nothing else blocking, nothing is.
    assert!(matches!(apply_override(&report, "prescriber reviewed").unwrap(), GateOutcome::Proceed));

    assert!(matches!(enrollment_gate(SettingType::Outpatient, None), EnrollmentGate::Refused { .. }));
    assert!(matches!(enrollment_gate(SettingType::Outpatient, Some(false)), EnrollmentGate::Refused { .. }));
    assert!(matches!(enrollment_gate(SettingType::Outpatient, Some(true)), EnrollmentGate::Enrolled { .. }));
    assert!(matches!(enrollment_gate(SettingType::Inpatient, Some(false)), EnrollmentGate::NotRequired { .. }));

    let inpatient = settings_with(|v| v.rems.setting_type = SettingType::Inpatient);
    let report = evaluate_pre_checks(Modality::EsketamineNasal, &not_enrolled, &inpatient);
    assert!(!report.dosing_blocked, "{report:?}");
    let rems = report.results.iter().find(|r| r.kind == PreCheckKind::RemsEnrollment).unwrap();
    assert_eq!(rems.status, PreCheckStatus::NotApplicable);
    assert!(rems.message.contains("inpatient"), "{}", rems.message);
}

#[test]
fn advisory_pre_checks_come_back_as_warnings() {
    let defaults = ProtocolSettings::default();
    let report = evaluate_pre_checks(Modality::EsketamineNasal, &good_answers(), &defaults);
    assert!(report.warnings().is_empty(), "{:?}", report.warnings());
    let sparse = PreCheckAnswers {
        last_food_at: Some(after(-60)),
        transport_home_arranged: None,
        rems_enrolled: Some(false),
        ..good_answers()
    };
    let warnings = evaluate_pre_checks(Modality::EsketamineNasal, &sparse, &defaults).warnings();
    let codes: Vec<PreCheckKind> = warnings.iter().map(|w| w.code).collect();
    assert_eq!(codes, [PreCheckKind::Fasting, PreCheckKind::TransportHome]);
    let json = serde_json::to_value(&warnings[0]).unwrap();
    assert_eq!(json["code"], "fasting");
    assert_eq!(json["rule"]["id"], "protocols.pre_checks.fasting");
    assert!(json["message"].as_str().unwrap().contains("60 min"), "{json}");
}

#[test]
fn pre_check_answers_come_from_json() {
    let answers: PreCheckAnswers = serde_json::from_str(
        r#"{"dose_at": "2026-01-05T09:00:00Z", "last_food_at": "2026-01-05T06:00:00Z",
            "last_liquid_at": "2026-01-05T08:15:00Z", "nasal_medication": {"answer": "taken_at", "at": "2026-01-05T07:30:00Z"},
            "transport_home_arranged": true, "pregnancy": "not_pregnant", "rems_enrolled": true,
            "blood_pressure": {"systolic": 132, "diastolic": 86}}"#,
    )
    .unwrap();
    assert_eq!(answers.nasal_medication, NasalMedication::TakenAt { at: after(-90) });
    let report = evaluate_pre_checks(Modality::EsketamineNasal, &answers, &ProtocolSettings::default());
    assert!(report.results.iter().all(|r| r.status == PreCheckStatus::Met), "{report:?}");
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["results"][0]["id"], "rems_enrollment");
    assert_eq!(json["bp_gate"]["decision"], "pass");

    let sparse: PreCheckAnswers = serde_json::from_str(
        r#"{"dose_at": "2026-01-05T09:00:00Z", "nasal_medication": {"answer": "not_asked"}, "pregnancy": "unknown"}"#,
    )
    .unwrap();
    assert!(evaluate_pre_checks(Modality::EsketamineNasal, &sparse, &ProtocolSettings::default()).dosing_blocked);
    let bad = r#"{"dose_at": "2026-01-05T09:00:00Z", "nasal_medication": {"answer": "not_used"}, "pregnancy": "no",
                 "blood_pressure": {"systolic": 132, "diastolic": 186}}"#;
    assert!(serde_json::from_str::<PreCheckAnswers>(bad).is_err());
}

// Observations.

#[test]
fn observations_are_checked_and_name_the_field() {
    let record = |json: &str| serde_json::from_str::<ObservationRecord>(json).unwrap();
    let records = [
        record(r#"{"at": "2026-01-05T09:40:00Z", "systolic": 150, "diastolic": 92, "spo2": 96}"#),
        record(r#"{"at": "2026-01-05T09:41:00Z", "moaas": 6}"#),
    ];
    let err = parse_observations(&records).unwrap_err();
    assert_eq!(err.field, "observations[1].moaas");
    let err = parse_observations(&[record(r#"{"at": "2026-01-05T09:40:00Z", "systolic": 150}"#)]).unwrap_err();
    assert_eq!(err.field, "observations[0].diastolic");
    assert_eq!(Observation::at(DOSE_AT).with_cadss(93).unwrap_err().field, "cadss");
    assert_eq!(Observation::at(DOSE_AT).with_spo2(101).unwrap_err().field, "spo2");
    assert_eq!(Observation::at(DOSE_AT).with_heart_rate(10).unwrap_err().field, "heart_rate");

    let parsed = parse_observations(&records[..1]).unwrap();
    assert_eq!(parsed[0].blood_pressure(), Some(bp(150, 92)));
    let json = serde_json::to_string(&parsed[0]).unwrap();
    assert_eq!(serde_json::from_str::<Observation>(&json).unwrap(), parsed[0]);
    assert!(serde_json::from_str::<Observation>(r#"{"at": "2026-01-05T09:40:00Z", "moaas": 9}"#).is_err());
}

// Monitoring.

fn item(status: &ketapath_clinical::protocols::MonitoringStatus, what: DueWhat, minute: u32) -> DueStatus {
    status.due.iter().find(|d| d.what == what && d.minute == minute).map(|d| d.status).expect("planned check")
}

#[test]
fn the_forty_minute_blood_pressure_moves_from_upcoming_to_due_to_overdue() {
    let defaults = ProtocolSettings::default();
    let at = |minutes: i64, observations: &[Observation]| {
        monitoring_status(Modality::EsketamineNasal, DOSE_AT, after(minutes), observations, &defaults).unwrap()
    };
    let early = at(30, &[]);
    assert_eq!(early.minutes_since_dose, 30);
    assert_eq!(item(&early, DueWhat::BloodPressure, 40), DueStatus::Upcoming);
    let next = early.next_due.unwrap();
    assert_eq!((next.what, next.due_at), (DueWhat::BloodPressure, after(40)));
    assert_eq!(early.minimum_until, after(120));

    assert_eq!(item(&at(40, &[]), DueWhat::BloodPressure, 40), DueStatus::Due);
    assert_eq!(item(&at(50, &[]), DueWhat::BloodPressure, 40), DueStatus::Due);
    let just_late =
        monitoring_status(Modality::EsketamineNasal, DOSE_AT, after(50) + Duration::seconds(1), &[], &defaults)
            .unwrap();
    assert_eq!(item(&just_late, DueWhat::BloodPressure, 40), DueStatus::Overdue);
    assert!(just_late.due.iter().any(|d| d.is_overdue()));

    let reading = Observation::at(after(38)).with_blood_pressure(150, 95).unwrap();
    let done = at(51, &[reading]);
    assert_eq!(item(&done, DueWhat::BloodPressure, 40), DueStatus::Done);
    assert_eq!(done.due.iter().find(|d| d.what == DueWhat::BloodPressure).unwrap().done_at, Some(after(38)));
    assert_eq!(done.next_due.unwrap().what, DueWhat::Sedation);

    // Too early to count for the 40-minute check (the window opens 5 minutes before).
    let too_early = Observation::at(after(34)).with_blood_pressure(150, 95).unwrap();
    assert_eq!(item(&at(51, &[too_early]), DueWhat::BloodPressure, 40), DueStatus::Overdue);
    // A reading recorded after `now` is not seen yet.
    let later = Observation::at(after(42)).with_blood_pressure(150, 95).unwrap();
    assert_eq!(item(&at(41, &[later]), DueWhat::BloodPressure, 40), DueStatus::Due);

    let no_grace = settings_with(|v| v.monitoring.grace_minutes = 0);
    let status = monitoring_status(Modality::EsketamineNasal, DOSE_AT, after(41), &[], &no_grace).unwrap();
    assert_eq!(item(&status, DueWhat::BloodPressure, 40), DueStatus::Overdue);
}

#[test]
fn monitoring_plans_follow_the_modality() {
    let defaults = ProtocolSettings::default();
    let minutes = |modality, what| -> Vec<u32> {
        monitoring_plan(modality, &defaults).iter().filter(|c| c.what == what).map(|c| c.minute).collect()
    };
    assert_eq!(minutes(Modality::EsketamineNasal, DueWhat::BloodPressure), [40]);
    assert_eq!(minutes(Modality::IvKetamine, DueWhat::BloodPressure), [10, 20, 30, 40, 55, 70, 85, 100, 115]);
    assert_eq!(minutes(Modality::ImKetamine, DueWhat::BloodPressure), [15, 30, 45, 60, 75, 90, 105]);
    for modality in Modality::ALL {
        assert_eq!(minutes(modality, DueWhat::Sedation), [40], "{modality}");
        assert_eq!(minutes(modality, DueWhat::Dissociation), [40], "{modality}");
        assert_eq!(minutes(modality, DueWhat::PreDischargeVitals), [120], "{modality}");
        let plan = monitoring_plan(modality, &defaults);
        assert!(plan.windows(2).all(|w| w[0].minute <= w[1].minute), "{modality}: sorted");
    }
    let longer = settings_with(|v| v.monitoring.minimum_minutes.esketamine_nasal = 150);
    let plan = monitoring_plan(Modality::EsketamineNasal, &longer);
    assert_eq!(plan.last().map(|c| (c.what, c.minute)), Some((DueWhat::PreDischargeVitals, 150)));
}

#[test]
fn one_reading_counts_for_one_iv_check_only() {
    let defaults = ProtocolSettings::default();
    let reading = Observation::at(after(12)).with_blood_pressure(130, 85).unwrap();
    let status = monitoring_status(Modality::IvKetamine, DOSE_AT, after(24), &[reading], &defaults).unwrap();
    assert_eq!(item(&status, DueWhat::BloodPressure, 10), DueStatus::Done);
    assert_eq!(item(&status, DueWhat::BloodPressure, 20), DueStatus::Due);
    // The SpO2 of the 10-minute check was not charted with that reading, so it comes first.
    assert_eq!(status.next_due.map(|d| (d.what, d.minute)), Some((DueWhat::Spo2, 10)));
}

#[test]
fn pre_discharge_vitals_need_blood_pressure_and_spo2() {
    let defaults = ProtocolSettings::default();
    let bp_only = Observation::at(after(118)).with_blood_pressure(130, 85).unwrap();
    let status = monitoring_status(Modality::EsketamineNasal, DOSE_AT, after(121), &[bp_only], &defaults).unwrap();
    assert_eq!(item(&status, DueWhat::PreDischargeVitals, 120), DueStatus::Due);
    let spo2 = Observation::at(after(120)).with_spo2(97).unwrap();
    let status =
        monitoring_status(Modality::EsketamineNasal, DOSE_AT, after(121), &[bp_only, spo2], &defaults).unwrap();
    let check = status.due.iter().find(|d| d.what == DueWhat::PreDischargeVitals).unwrap();
    assert_eq!((check.status, check.done_at), (DueStatus::Done, Some(after(120))));
}

#[test]
fn monitoring_before_the_dose_is_invalid() {
    let err = monitoring_status(Modality::EsketamineNasal, DOSE_AT, after(-1), &[], &ProtocolSettings::default())
        .unwrap_err();
    assert_eq!(err.field, "now");
    let end_of_time = time::Date::MAX.midnight().assume_utc();
    let err = monitoring_status(Modality::IvKetamine, end_of_time, end_of_time, &[], &ProtocolSettings::default())
        .unwrap_err();
    assert_eq!(err.field, "dose_at");
}

// Discharge.

fn codes(decision: &ketapath_clinical::protocols::DischargeDecision) -> Vec<&'static str> {
    decision.unmet.iter().map(|u| u.code).collect()
}

#[test]
fn discharge_is_refused_at_119_minutes_and_allowed_at_120() {
    let defaults = ProtocolSettings::default();
    let observations = [fine(after(40)), fine(after(110))];
    let refused = discharge_check(Modality::EsketamineNasal, DOSE_AT, after(119), &observations, &defaults).unwrap();
    assert!(!refused.allowed);
    assert_eq!(codes(&refused), ["minimum_time"]);
    assert_eq!(refused.unmet[0].rule.id, "protocols.monitoring.minimum.esketamine_nasal");
    let almost = after(120) - Duration::seconds(1);
    assert!(!discharge_check(Modality::EsketamineNasal, DOSE_AT, almost, &observations, &defaults).unwrap().allowed);
    let allowed = discharge_check(Modality::EsketamineNasal, DOSE_AT, after(120), &observations, &defaults).unwrap();
    assert!(allowed.allowed, "{allowed:?}");
    assert_eq!(allowed.minutes_since_dose, 120);

    let longer = settings_with(|v| v.monitoring.minimum_minutes.iv_ketamine = 150);
    let iv = discharge_check(Modality::IvKetamine, DOSE_AT, after(140), &[fine(after(135))], &longer).unwrap();
    assert_eq!(codes(&iv), ["minimum_time"]);
    assert_eq!(iv.unmet[0].rule.id, "protocols.monitoring.minimum.iv_ketamine");
}

#[test]
fn each_discharge_criterion_blocks_alone() {
    let defaults = ProtocolSettings::default();
    let at = after(125);
    let check = |o: Observation| {
        discharge_check(Modality::EsketamineNasal, DOSE_AT, at, &[fine(after(60)), o], &defaults).unwrap()
    };
    let base = || Observation::at(after(120)).with_blood_pressure(128, 82).and_then(|o| o.with_spo2(97)).unwrap();
    let full = |o: Observation, moaas: u8, cadss: u16| o.with_moaas(moaas).and_then(|o| o.with_cadss(cadss)).unwrap();

    assert!(check(full(base(), 5, 4)).allowed);
    assert_eq!(codes(&check(full(base(), 4, 0))), ["not_alert"]);
    assert_eq!(codes(&check(full(base(), 5, 5))), ["dissociated"]);
    let low_spo2 = Observation::at(after(120)).with_blood_pressure(128, 82).and_then(|o| o.with_spo2(93)).unwrap();
    assert_eq!(codes(&check(full(low_spo2, 5, 0))), ["spo2_low"]);
    let high_bp = Observation::at(after(120)).with_blood_pressure(141, 90).and_then(|o| o.with_spo2(97)).unwrap();
    let decision = check(full(high_bp, 5, 0));
    assert_eq!(codes(&decision), ["bp_above_gate"]);
    assert_eq!(decision.unmet[0].rule.id, "protocols.discharge.blood_pressure");

    // Values older than 30 minutes: only the freshness criterion fails.
    let stale = discharge_check(Modality::EsketamineNasal, DOSE_AT, after(125), &[fine(after(94))], &defaults).unwrap();
    assert_eq!(codes(&stale), ["no_recent_vitals"]);
    let fresh_enough =
        discharge_check(Modality::EsketamineNasal, DOSE_AT, after(125), &[fine(after(95))], &defaults).unwrap();
    assert!(fresh_enough.allowed);
    // A measure never recorded is named.
    let no_cadss = Observation::at(after(120))
        .with_blood_pressure(128, 82)
        .and_then(|o| o.with_spo2(97))
        .and_then(|o| o.with_moaas(5))
        .unwrap();
    let decision = discharge_check(Modality::EsketamineNasal, DOSE_AT, at, &[no_cadss], &defaults).unwrap();
    assert_eq!(codes(&decision), ["no_recent_vitals"]);
    assert!(decision.unmet[0].message.contains("CADSS"), "{}", decision.unmet[0].message);
}

#[test]
fn discharge_uses_the_latest_values_at_or_before_the_moment_asked() {
    let defaults = ProtocolSettings::default();
    let sedated = Observation::at(after(100)).with_moaas(3).unwrap();
    let alert_later = Observation::at(after(130)).with_moaas(5).unwrap();
    // Recorded in any order; the latest at or before `at` counts, later ones are ignored.
    let observations = [fine(after(115)), alert_later, sedated];
    let at_125 = discharge_check(Modality::EsketamineNasal, DOSE_AT, after(125), &observations, &defaults).unwrap();
    assert!(at_125.allowed, "the MOAA/S of 5 at 115 min is the latest before 125: {at_125:?}");
    let sedated_late = Observation::at(after(124)).with_moaas(3).unwrap();
    let observations = [fine(after(115)), sedated_late, alert_later];
    let at_125 = discharge_check(Modality::EsketamineNasal, DOSE_AT, after(125), &observations, &defaults).unwrap();
    assert_eq!(codes(&at_125), ["not_alert"]);
    let at_130 = discharge_check(Modality::EsketamineNasal, DOSE_AT, after(130), &observations, &defaults).unwrap();
    assert!(at_130.allowed);

    // Bad values after `at` change nothing.
    let crisis_after = Observation::at(after(126)).with_blood_pressure(190, 120).and_then(|o| o.with_spo2(85)).unwrap();
    let decision =
        discharge_check(Modality::EsketamineNasal, DOSE_AT, after(125), &[fine(after(120)), crisis_after], &defaults)
            .unwrap();
    assert!(decision.allowed);
}

#[test]
fn the_minimum_time_is_absolute_and_only_the_criteria_after_it_take_an_override() {
    let defaults = ProtocolSettings::default();
    let decision = discharge_check(Modality::EsketamineNasal, DOSE_AT, after(100), &[], &defaults).unwrap();
    assert_eq!(codes(&decision), ["minimum_time", "no_recent_vitals"]);
    assert!(!decision.overridable);
    match decision.refusal() {
        Some(Refusal::Absolute(minimum)) => {
            assert_eq!(minimum.code, "minimum_time");
            assert_eq!(minimum.rule.id, "protocols.monitoring.minimum.esketamine_nasal");
        }
        other => panic!("before 120 minutes the refusal is absolute: {other:?}"),
    }
    // Zero minutes after the dose, with every value fine: still absolute.
    let at_once = discharge_check(Modality::EsketamineNasal, DOSE_AT, DOSE_AT, &[fine(DOSE_AT)], &defaults).unwrap();
    assert!(matches!(at_once.refusal(), Some(Refusal::Absolute(_))), "{at_once:?}");
    // IV ketamine's minimum is absolute too.
    let iv = discharge_check(Modality::IvKetamine, DOSE_AT, after(60), &[fine(after(55))], &defaults).unwrap();
    assert!(matches!(iv.refusal(), Some(Refusal::Absolute(_))));

    // After the minimum, unmet criteria are overridable with a reason.
    let decision = discharge_check(Modality::EsketamineNasal, DOSE_AT, after(125), &[], &defaults).unwrap();
    assert!(decision.overridable);
    let Some(Refusal::Criteria(criteria)) = decision.refusal() else { panic!("criteria expected: {decision:?}") };
    assert_eq!(apply_override(&criteria, " ").unwrap_err().field, "reason");
    match apply_override(&criteria, "Transferred to the emergency department").unwrap() {
        GateOutcome::Overridden { overridden, rule, .. } => {
            let ids: Vec<&str> = overridden.iter().map(|r| r.id).collect();
            assert_eq!(ids, ["protocols.discharge.recent_vitals"]);
            assert_eq!((rule.id, rule.version), ("protocols.prescriber_override", 2));
        }
        GateOutcome::Proceed => panic!("a refused discharge needs an override"),
    }
    let allowed =
        discharge_check(Modality::EsketamineNasal, DOSE_AT, after(121), &[fine(after(120))], &defaults).unwrap();
    assert!(allowed.allowed && allowed.refusal().is_none());

    let err = discharge_check(Modality::EsketamineNasal, DOSE_AT, after(-5), &[], &defaults).unwrap_err();
    assert_eq!(err.field, "at");
}

// REMS form times.

#[test]
fn rems_times_count_from_the_first_device() {
    assert_eq!(ready_to_leave_minutes(DOSE_AT, after(95)).unwrap(), 95);
    assert_eq!(ready_to_leave_minutes(DOSE_AT, after(95) + Duration::seconds(59)).unwrap(), 95);
    assert_eq!(ready_to_leave_minutes(DOSE_AT, after(-1)).unwrap_err().field, "ready_to_leave_at");
    let done = treatment_duration(DOSE_AT, after(125)).unwrap();
    assert_eq!((done.minutes, done.meets_rems_minimum), (125, true));
    assert!(!treatment_duration(DOSE_AT, after(119)).unwrap().meets_rems_minimum);
    assert!(treatment_duration(DOSE_AT, after(120)).unwrap().meets_rems_minimum);
    assert_eq!(treatment_duration(DOSE_AT, after(-1)).unwrap_err().field, "monitoring_completed_at");
}
