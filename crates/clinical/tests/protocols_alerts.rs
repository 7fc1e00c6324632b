//! Tests of the monitoring plan's alert-driven parts: SpO2 at every scheduled check, the blood-pressure rechecks
//! that post-dose alerts add (and their place in "next due"), and the alert settings' floors in a settings document.

use ketapath_clinical::protocols::{
    DueStatus, DueWhat, Modality, Observation, ProtocolSettings, monitoring_plan, monitoring_status,
};
use serde_json::json;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

const DOSE_AT: OffsetDateTime = datetime!(2026-01-05 09:00 UTC);

fn after(minutes: i64) -> OffsetDateTime {
    DOSE_AT + Duration::minutes(minutes)
}

fn bp_at(minutes: i64, systolic: u16, diastolic: u16) -> Observation {
    Observation::at(after(minutes)).with_blood_pressure(systolic, diastolic).expect("plausible reading")
}

#[test]
fn spo2_is_due_at_every_scheduled_check() {
    let defaults = ProtocolSettings::default();
    let spo2 = |modality| -> Vec<u32> {
        monitoring_plan(modality, &defaults).iter().filter(|c| c.what == DueWhat::Spo2).map(|c| c.minute).collect()
    };
    assert_eq!(spo2(Modality::EsketamineNasal), [40]);
    assert_eq!(spo2(Modality::IvKetamine), [10, 20, 30, 40, 55, 70, 85, 100, 115]);
    assert_eq!(spo2(Modality::ImKetamine), [15, 30, 40, 45, 60, 75, 90, 105]);
    for modality in Modality::ALL {
        let plan = monitoring_plan(modality, &defaults);
        // Every scheduled moment asks for SpO2: by its own check, or by the pre-discharge vitals.
        for check in &plan {
            assert!(
                plan.iter()
                    .any(|c| c.minute == check.minute && matches!(c.what, DueWhat::Spo2 | DueWhat::PreDischargeVitals)),
                "{modality}: minute {}",
                check.minute
            );
        }
    }
    // The 40-minute SpO2 is done by an SpO2 reading in its window, not by the blood pressure alone.
    let status = |observations: &[Observation]| {
        monitoring_status(Modality::EsketamineNasal, DOSE_AT, after(45), observations, &defaults).unwrap()
    };
    let spo2_status = |s: &ketapath_clinical::protocols::MonitoringStatus| {
        s.due.iter().find(|d| d.what == DueWhat::Spo2).map(|d| d.status)
    };
    assert_eq!(spo2_status(&status(&[bp_at(40, 130, 80)])), Some(DueStatus::Due));
    let both = Observation::at(after(40)).with_blood_pressure(130, 80).unwrap().with_spo2(97).unwrap();
    assert_eq!(spo2_status(&status(&[both])), Some(DueStatus::Done));
}

#[test]
fn a_post_dose_reading_above_the_gate_adds_a_recheck_that_becomes_next_due() {
    let defaults = ProtocolSettings::default();
    let reading = Observation::at(after(40)).with_blood_pressure(150, 95).unwrap().with_spo2(97).unwrap();
    let sedation = Observation::at(after(40)).with_moaas(5).unwrap().with_cadss(0).unwrap();
    let status =
        monitoring_status(Modality::EsketamineNasal, DOSE_AT, after(45), &[reading, sedation], &defaults).unwrap();
    let recheck = status.due.iter().find(|d| d.what == DueWhat::BloodPressureRecheck).expect("a recheck");
    assert_eq!((recheck.due_at, recheck.minute, recheck.status), (after(55), 55, DueStatus::Upcoming));
    assert_eq!(recheck.rule.id, "protocols.alerts.bp_above_gate");
    let next = status.next_due.expect("next due");
    assert_eq!((next.what, next.due_at), (DueWhat::BloodPressureRecheck, after(55)));

    // Overdue after the grace time; done by the next blood pressure after the reading, whatever its value.
    let late =
        monitoring_status(Modality::EsketamineNasal, DOSE_AT, after(66), &[reading, sedation], &defaults).unwrap();
    let recheck = late.due.iter().find(|d| d.what == DueWhat::BloodPressureRecheck).unwrap();
    assert_eq!(recheck.status, DueStatus::Overdue);
    let again = bp_at(52, 138, 88);
    let done = monitoring_status(Modality::EsketamineNasal, DOSE_AT, after(66), &[reading, sedation, again], &defaults)
        .unwrap();
    let rechecks: Vec<_> = done.due.iter().filter(|d| d.what == DueWhat::BloodPressureRecheck).collect();
    assert_eq!(rechecks.len(), 1, "a reading back within the gate asks for no further recheck");
    assert_eq!((rechecks[0].status, rechecks[0].done_at), (DueStatus::Done, Some(after(52))));
}

#[test]
fn a_crisis_range_reading_asks_for_a_recheck_within_minutes_and_pre_dose_readings_for_none() {
    let defaults = ProtocolSettings::default();
    let status =
        monitoring_status(Modality::EsketamineNasal, DOSE_AT, after(41), &[bp_at(40, 185, 100)], &defaults).unwrap();
    let recheck = status.due.iter().find(|d| d.what == DueWhat::BloodPressureRecheck).expect("a recheck");
    assert_eq!((recheck.due_at, recheck.rule.id), (after(45), "protocols.alerts.hypertensive_crisis_range"));
    let pre_dose = bp_at(-5, 185, 100);
    let status = monitoring_status(Modality::EsketamineNasal, DOSE_AT, after(41), &[pre_dose], &defaults).unwrap();
    assert!(status.due.iter().all(|d| d.what != DueWhat::BloodPressureRecheck));
}

#[test]
fn alert_settings_below_a_floor_are_refused_by_name_and_stricter_ones_kept() {
    let refused = ProtocolSettings::from_json(&json!({"alerts": {"spo2_below": 85}})).unwrap_err();
    assert_eq!(refused.field, "alerts.spo2_below");
    assert!(refused.message.contains("90"), "{}", refused.message);
    let refused = ProtocolSettings::from_json(&json!({"alerts": {"crisis_systolic": 200}})).unwrap_err();
    assert_eq!(refused.field, "alerts.crisis_systolic");
    let stricter = ProtocolSettings::from_json(&json!({"alerts": {"spo2_below": 94, "crisis_recheck_minutes": 2}}));
    assert_eq!(stricter.unwrap().values().alerts.spo2_below, 94);
    let described = ProtocolSettings::default().describe();
    let row = described.iter().find(|v| v.name == "alerts.spo2_below").expect("shown on the settings page");
    assert_eq!((row.default.clone(), row.verified), (json!(92), false));
    // The floor is the setting's row in the one floor table, which the settings page shows beside the value.
    assert!(row.floor.expect("the floor is shown").limit.contains("never below 90"));
}
