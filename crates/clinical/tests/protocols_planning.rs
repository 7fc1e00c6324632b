//! Tests of course planning: esketamine and IV schedules, esketamine devices and lot numbers, IV doses.

use ketapath_clinical::protocols::settings::SettingsValues;
use ketapath_clinical::protocols::{
    EsketamineIndication, LotNumber, MaintenanceFrequency, Modality, Phase, PlannedDose, PlannedSession,
    ProtocolSettings, check_device_spacing, esketamine_devices, esketamine_mdsi_schedule, esketamine_schedule, iv_dose,
    iv_series,
};
use time::macros::{date, datetime};
use time::{Date, Duration};

const START: Date = date!(2026 - 01 - 05);

fn settings_with(edit: impl FnOnce(&mut SettingsValues)) -> ProtocolSettings {
    let mut values = SettingsValues::default();
    edit(&mut values);
    ProtocolSettings::try_from(values).expect("test settings are valid")
}

fn day_offsets(sessions: &[PlannedSession]) -> Vec<i64> {
    sessions.iter().map(|s| (s.date - START).whole_days()).collect()
}

fn fixed_dose(session: &PlannedSession) -> (u32, Vec<u32>) {
    match &session.dose {
        PlannedDose::Fixed { mg, options_mg } => (*mg, options_mg.clone()),
        other => panic!("expected a fixed dose, got {other:?}"),
    }
}

#[test]
fn esketamine_eight_weeks_is_induction_twice_weekly_then_weekly() {
    let defaults = ProtocolSettings::default();
    for maintenance in [MaintenanceFrequency::Weekly, MaintenanceFrequency::EveryTwoWeeks] {
        let plan = esketamine_schedule(START, 8, maintenance, &defaults).unwrap();
        // Week 9 on is where the maintenance options differ, so 8 weeks are the same either way.
        assert_eq!(day_offsets(&plan), [0, 3, 7, 10, 14, 17, 21, 24, 28, 35, 42, 49], "{maintenance:?}");
        assert_eq!(plan.iter().filter(|s| s.phase == Phase::Induction).count(), 8);
        assert_eq!(plan.iter().filter(|s| s.phase == Phase::Maintenance).count(), 4);
        assert_eq!(plan.iter().map(|s| s.number).collect::<Vec<_>>(), (1..=12).collect::<Vec<_>>());
        assert_eq!(plan.iter().map(|s| s.week).collect::<Vec<_>>(), [1, 1, 2, 2, 3, 3, 4, 4, 5, 6, 7, 8]);
        assert!(plan.iter().all(|s| s.modality == Modality::EsketamineNasal));
        assert!(plan.iter().all(|s| s.rule == "protocols.esketamine.schedule@2"));
    }
}

#[test]
fn esketamine_twelve_weeks_differs_by_maintenance_frequency() {
    let defaults = ProtocolSettings::default();
    let weekly = esketamine_schedule(START, 12, MaintenanceFrequency::Weekly, &defaults).unwrap();
    assert_eq!(weekly.len(), 16);
    assert_eq!(day_offsets(&weekly)[12..], [56, 63, 70, 77]);
    assert_eq!(weekly.last().unwrap().date, date!(2026 - 03 - 23));

    let fortnightly = esketamine_schedule(START, 12, MaintenanceFrequency::EveryTwoWeeks, &defaults).unwrap();
    assert_eq!(fortnightly.len(), 14);
    assert_eq!(day_offsets(&fortnightly)[12..], [56, 70]);
    assert_eq!(fortnightly.iter().map(|s| s.week).skip(12).collect::<Vec<_>>(), [9, 11]);
}

#[test]
fn esketamine_first_session_is_56_mg_and_84_is_offered_only_later() {
    let plan = esketamine_schedule(START, 4, MaintenanceFrequency::Weekly, &ProtocolSettings::default()).unwrap();
    assert_eq!(fixed_dose(&plan[0]), (56, vec![56]));
    for session in &plan[1..] {
        assert_eq!(fixed_dose(session), (56, vec![56, 84]), "session {}", session.number);
    }
    let with_28 = settings_with(|v| v.esketamine.allow_28mg_start = true);
    let plan = esketamine_schedule(START, 1, MaintenanceFrequency::Weekly, &with_28).unwrap();
    assert_eq!(fixed_dose(&plan[0]).1, [28, 56]);
    assert_eq!(fixed_dose(&plan[1]).1, [28, 56, 84]);
}

#[test]
fn esketamine_weeks_out_of_range_are_refused() {
    let defaults = ProtocolSettings::default();
    for weeks in [0, 105] {
        let err = esketamine_schedule(START, weeks, MaintenanceFrequency::Weekly, &defaults).unwrap_err();
        assert_eq!(err.field, "weeks");
    }
    assert_eq!(esketamine_schedule(START, 104, MaintenanceFrequency::Weekly, &defaults).unwrap().len(), 8 + 100);
}

#[test]
fn a_plan_past_the_last_date_is_an_error_not_a_panic() {
    let late = Date::MAX - Duration::days(10);
    let err = esketamine_schedule(late, 8, MaintenanceFrequency::Weekly, &ProtocolSettings::default()).unwrap_err();
    assert_eq!(err.field, "start");
    assert_eq!(iv_series(late, 6, 3, &ProtocolSettings::default()).unwrap_err().field, "start");
}

#[test]
fn mdsi_is_84_mg_twice_weekly_for_at_most_four_weeks() {
    let plan = esketamine_mdsi_schedule(START, 4).unwrap();
    assert_eq!(day_offsets(&plan), [0, 3, 7, 10, 14, 17, 21, 24]);
    assert!(plan.iter().all(|s| s.phase == Phase::Mdsi && fixed_dose(s) == (84, vec![56, 84])));
    assert!(plan.iter().all(|s| s.rule == "protocols.esketamine.mdsi@1"));
    let err = esketamine_mdsi_schedule(START, 5).unwrap_err();
    assert_eq!(err.field, "weeks");
    assert!(err.message.contains("not been systematically evaluated"), "{}", err.message);
}

#[test]
fn iv_series_default_is_six_infusions_three_times_weekly_over_twelve_days() {
    let settings = ProtocolSettings::default();
    let iv = settings.values().iv;
    let plan = iv_series(START, iv.series_infusions, iv.series_per_week, &settings).unwrap();
    assert_eq!(day_offsets(&plan), [0, 2, 4, 7, 9, 11]);
    // Murrough 2013: "three times weekly over 12 days" - the first and the last infusion are 12 days apart inclusive.
    assert_eq!((plan[5].date - plan[0].date).whole_days() + 1, 12);
    assert!(plan.iter().all(|s| s.phase == Phase::IvSeries && s.modality == Modality::IvKetamine));
    assert!(plan.iter().all(|s| s.dose == PlannedDose::WeightBased { mg_per_kg: 0.5 }));
    assert_eq!(plan.iter().map(|s| s.week).collect::<Vec<_>>(), [1, 1, 1, 2, 2, 2]);

    assert_eq!(day_offsets(&iv_series(START, 4, 2, &settings).unwrap()), [0, 3, 7, 10]);
    assert_eq!(day_offsets(&iv_series(START, 3, 1, &settings).unwrap()), [0, 7, 14]);
    let custom = settings_with(|v| v.iv.mg_per_kg_default = 0.4);
    assert_eq!(iv_series(START, 1, 3, &custom).unwrap()[0].dose, PlannedDose::WeightBased { mg_per_kg: 0.4 });
}

#[test]
fn iv_series_refuses_counts_out_of_range() {
    let settings = ProtocolSettings::default();
    assert_eq!(iv_series(START, 0, 3, &settings).unwrap_err().field, "infusions");
    assert_eq!(iv_series(START, 13, 3, &settings).unwrap_err().field, "infusions");
    assert_eq!(iv_series(START, 6, 0, &settings).unwrap_err().field, "per_week");
    assert_eq!(iv_series(START, 6, 4, &settings).unwrap_err().field, "per_week");
}

#[test]
fn a_generated_plan_round_trips_through_json_for_editing() {
    let plan = esketamine_schedule(START, 9, MaintenanceFrequency::Weekly, &ProtocolSettings::default()).unwrap();
    let json = serde_json::to_value(&plan).unwrap();
    assert_eq!(json[0]["date"], "2026-01-05");
    assert_eq!(json[0]["phase"], "induction");
    assert_eq!(json[0]["modality"], "esketamine_nasal");
    assert_eq!(json[0]["dose"]["kind"], "fixed");
    let back: Vec<PlannedSession> = serde_json::from_value(json).unwrap();
    assert_eq!(back, plan);

    // A prescriber moves a session and raises its dose.
    let mut edited = serde_json::to_value(&plan).unwrap();
    edited[1]["date"] = "2026-01-09".into();
    edited[1]["dose"]["mg"] = 84.into();
    let edited: Vec<PlannedSession> = serde_json::from_value(edited).unwrap();
    assert_eq!(edited[1].date, date!(2026 - 01 - 09));
    assert_eq!(fixed_dose(&edited[1]).0, 84);

    let iv = iv_series(START, 2, 3, &ProtocolSettings::default()).unwrap();
    let back: Vec<PlannedSession> = serde_json::from_str(&serde_json::to_string(&iv).unwrap()).unwrap();
    assert_eq!(back, iv);
}

#[test]
fn devices_are_28_mg_each_five_minutes_apart() {
    let defaults = ProtocolSettings::default();
    let plan = esketamine_devices(56, EsketamineIndication::Trd, &[], &defaults).unwrap();
    assert_eq!(plan.devices.iter().map(|d| d.offset_minutes).collect::<Vec<_>>(), [0, 5]);
    assert_eq!(plan.devices.iter().map(|d| d.number).collect::<Vec<_>>(), [1, 2]);
    let plan = esketamine_devices(84, EsketamineIndication::Trd, &[56], &defaults).unwrap();
    assert_eq!(plan.devices.iter().map(|d| d.offset_minutes).collect::<Vec<_>>(), [0, 5, 10]);
    assert!(plan.devices.iter().all(|d| d.mg == 28));
    assert_eq!(plan.devices.iter().map(|d| d.mg).sum::<u32>(), 84);
    assert_eq!(plan.rule.id, "protocols.esketamine.devices");

    let first = datetime!(2026-01-05 09:00 UTC);
    assert_eq!(plan.device_times(first), [first, datetime!(2026-01-05 09:05 UTC), datetime!(2026-01-05 09:10 UTC)]);
}

#[test]
fn eighty_four_mg_before_a_56_mg_start_is_refused() {
    let defaults = ProtocolSettings::default();
    let err = esketamine_devices(84, EsketamineIndication::Trd, &[], &defaults).unwrap_err();
    assert_eq!(err.field, "dose_mg");
    assert!(err.message.contains("56 mg"), "{}", err.message);
    // A 28 mg start does not open the way to 84 mg either.
    let with_28 = settings_with(|v| v.esketamine.allow_28mg_start = true);
    assert!(esketamine_devices(84, EsketamineIndication::Trd, &[28], &with_28).is_err());
    assert!(esketamine_devices(84, EsketamineIndication::Trd, &[28, 56], &with_28).is_ok());
    // A prior dose that cannot have been given is an input error, not a way to 84 mg.
    let err = esketamine_devices(84, EsketamineIndication::Trd, &[56, 100], &defaults).unwrap_err();
    assert_eq!(err.field, "prior_doses_mg[1]");
    // MDSI starts at 84 mg.
    assert_eq!(esketamine_devices(84, EsketamineIndication::Mdsi, &[], &defaults).unwrap().devices.len(), 3);
}

#[test]
fn other_doses_are_refused_and_28_mg_only_where_enabled() {
    let defaults = ProtocolSettings::default();
    for dose in [0, 14, 42, 70, 112] {
        let err = esketamine_devices(dose, EsketamineIndication::Trd, &[56], &defaults).unwrap_err();
        assert_eq!(err.field, "dose_mg", "dose {dose}");
    }
    let err = esketamine_devices(28, EsketamineIndication::Trd, &[], &defaults).unwrap_err();
    assert!(err.message.contains("65"), "{}", err.message);
    let with_28 = settings_with(|v| v.esketamine.allow_28mg_start = true);
    let plan = esketamine_devices(28, EsketamineIndication::Trd, &[], &with_28).unwrap();
    assert_eq!(plan.devices.len(), 1);
    assert_eq!(plan.rule.id, "protocols.esketamine.start_28mg");
    assert!(esketamine_devices(28, EsketamineIndication::Mdsi, &[], &with_28).is_err());
}

#[test]
fn device_spacing_under_five_minutes_warns_and_disorder_is_an_error() {
    let t0 = datetime!(2026-01-05 09:00 UTC);
    let on_time = [t0, t0 + Duration::minutes(5), t0 + Duration::minutes(11)];
    assert!(check_device_spacing(&on_time).unwrap().is_empty());
    let hurried = [t0, t0 + Duration::minutes(5), t0 + Duration::minutes(8)];
    let warnings = check_device_spacing(&hurried).unwrap();
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].device, 3);
    assert_eq!(warnings[0].minutes_after_previous, 3);
    let err = check_device_spacing(&[t0, t0 - Duration::minutes(1)]).unwrap_err();
    assert_eq!(err.field, "devices[1]");
    assert!(check_device_spacing(&[]).unwrap().is_empty());
}

#[test]
fn lot_numbers_are_required_and_plain() {
    assert_eq!(LotNumber::parse("  ABC123-9 ").unwrap().as_str(), "ABC123-9");
    for bad in ["", "   ", "AB C", "lot;1", &"A".repeat(41)] {
        assert_eq!(LotNumber::parse(bad).unwrap_err().field, "lot_number", "{bad:?}");
    }
    let lot: LotNumber = serde_json::from_str("\"X9\"").unwrap();
    assert_eq!(serde_json::to_string(&lot).unwrap(), "\"X9\"");
    assert!(serde_json::from_str::<LotNumber>("\"\"").is_err());
}

#[test]
fn iv_dose_is_weight_times_mg_per_kg_over_forty_minutes() {
    let defaults = ProtocolSettings::default();
    let dose = iv_dose(70.0, 0.5, &defaults).unwrap();
    assert_eq!(dose.dose_mg, 35.0);
    assert_eq!(dose.infusion_minutes, 40);
    assert_eq!(dose.rate_mg_per_min, 0.88);
    assert_eq!(dose.rule.id, "protocols.iv.dose");
    // A decimal half rounds up even when the float product falls just below it.
    assert_eq!(iv_dose(83.3, 0.5, &defaults).unwrap().dose_mg, 41.7);
    assert_eq!(iv_dose(81.25, 0.1, &defaults).unwrap().dose_mg, 8.1);
    assert_eq!(iv_dose(100.0, 0.75, &defaults).unwrap().dose_mg, 75.0);
}

#[test]
fn iv_dose_refuses_mg_per_kg_outside_the_range_and_implausible_weights() {
    let defaults = ProtocolSettings::default();
    for bad in [0.09, 0.76, 1.0, 0.0, -0.5, f64::NAN, f64::INFINITY] {
        let err = iv_dose(70.0, bad, &defaults).unwrap_err();
        assert_eq!(err.field, "mg_per_kg", "{bad}");
        assert!(err.message.contains("0.1") && err.message.contains("0.75"), "{}", err.message);
    }
    for bad in [19.9, 350.1, 0.0, -70.0, f64::NAN] {
        assert_eq!(iv_dose(bad, 0.5, &defaults).unwrap_err().field, "weight_kg", "{bad}");
    }
    let narrowed = settings_with(|v| v.iv.mg_per_kg_max = 0.6);
    assert!(iv_dose(70.0, 0.6, &narrowed).is_ok());
    assert!(iv_dose(70.0, 0.7, &narrowed).is_err());
    let longer = settings_with(|v| v.iv.infusion_minutes = 60);
    let dose = iv_dose(60.0, 0.5, &longer).unwrap();
    assert_eq!((dose.infusion_minutes, dose.rate_mg_per_min), (60, 0.5));
}

mod benefit_review {
    use ketapath_clinical::protocols::esketamine::{
        BENEFIT_REVIEW_RULE, INDUCTION_DAYS, MDSI_BEYOND_FOUR_WEEKS, induction_last_day,
    };
    use ketapath_clinical::protocols::{EsketamineIndication, after_induction, benefit_review_gate};
    use time::macros::date;

    #[test]
    fn the_induction_is_the_28_days_from_the_first_dose() {
        let first = date!(2026 - 11 - 27);
        assert_eq!(INDUCTION_DAYS, 28);
        assert_eq!(induction_last_day(first), Some(date!(2026 - 12 - 24)));
        // Week 4's second session (day 24) is induction; day 28 (week 5) is not.
        assert!(!after_induction(Some(first), date!(2026 - 12 - 21)));
        assert!(!after_induction(Some(first), date!(2026 - 12 - 24)));
        assert!(after_induction(Some(first), date!(2026 - 12 - 25)));
        // Before any dose the course is still in its induction, however long ago it was planned.
        assert!(!after_induction(None, date!(2027 - 06 - 01)));
    }

    #[test]
    fn after_the_induction_only_a_continue_review_lets_a_session_go_ahead() {
        let first = Some(date!(2026 - 11 - 27));
        let week5 = date!(2026 - 12 - 25);
        assert_eq!(benefit_review_gate(EsketamineIndication::Trd, first, date!(2026 - 12 - 24), false), Ok(vec![]));
        let refused = benefit_review_gate(EsketamineIndication::Trd, first, week5, false).unwrap_err();
        assert!(refused.contains("2026-12-24") && refused.contains("benefit review"), "{refused}");
        assert!(refused.contains(&BENEFIT_REVIEW_RULE.reference().to_string()), "{refused}");
        assert_eq!(benefit_review_gate(EsketamineIndication::Trd, first, week5, true), Ok(vec![]));
        // MDSI beyond 4 weeks: allowed by the review, with the label's warning.
        let warned = benefit_review_gate(EsketamineIndication::Mdsi, first, week5, true).unwrap();
        assert_eq!(warned, vec![MDSI_BEYOND_FOUR_WEEKS.to_owned()]);
        assert!(MDSI_BEYOND_FOUR_WEEKS.contains("not been systematically evaluated"));
        assert!(benefit_review_gate(EsketamineIndication::Mdsi, first, week5, false).is_err());
    }

    #[test]
    fn the_rule_cites_the_label_section() {
        assert!(BENEFIT_REVIEW_RULE.source.contains("clinical.md §8.6"));
        assert_eq!(ketapath_clinical::rule::find(BENEFIT_REVIEW_RULE.id), Some(&BENEFIT_REVIEW_RULE));
    }
}
