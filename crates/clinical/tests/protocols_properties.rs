//! Property tests: no input makes a protocol function panic, and results keep their invariants.

use ketapath_clinical::protocols::{
    DueStatus, EsketamineIndication, MaintenanceFrequency, Modality, Observation, ProtocolSettings, discharge_check,
    esketamine_devices, esketamine_schedule, iv_dose, iv_series, monitoring_status,
};
use proptest::prelude::*;
use time::macros::datetime;
use time::{Date, Duration, OffsetDateTime};

const DOSE_AT: OffsetDateTime = datetime!(2026-01-05 09:00 UTC);

fn modality() -> impl Strategy<Value = Modality> {
    prop::sample::select(Modality::ALL.to_vec())
}

/// An observation at a minute offset from the dose with any mix of measures, valid or not (invalid ones are dropped).
fn observation() -> impl Strategy<Value = Option<Observation>> {
    (
        -60i64..300,
        prop::option::of((0u16..320, 0u16..220)),
        prop::option::of(0u8..=110),
        prop::option::of(0u8..=7),
        prop::option::of(0u16..100),
    )
        .prop_map(|(minute, bp, spo2, moaas, cadss)| {
            let mut o = Observation::at(DOSE_AT + Duration::minutes(minute));
            if let Some((s, d)) = bp {
                o = o.with_blood_pressure(s, d).ok()?;
            }
            if let Some(v) = spo2 {
                o = o.with_spo2(v).ok()?;
            }
            if let Some(v) = moaas {
                o = o.with_moaas(v).ok()?;
            }
            if let Some(v) = cadss {
                o = o.with_cadss(v).ok()?;
            }
            Some(o)
        })
}

fn observations() -> impl Strategy<Value = Vec<Observation>> {
    prop::collection::vec(observation(), 0..12).prop_map(|v| v.into_iter().flatten().collect())
}

proptest! {
    #[test]
    fn iv_dose_is_within_the_range_or_refused(weight in prop::num::f64::ANY, mg_per_kg in prop::num::f64::ANY) {
        let settings = ProtocolSettings::default();
        if let Ok(dose) = iv_dose(weight, mg_per_kg, &settings) {
            prop_assert!((20.0..=350.0).contains(&weight));
            prop_assert!((0.1..=0.75).contains(&mg_per_kg));
            prop_assert!((dose.dose_mg - weight * mg_per_kg).abs() <= 0.05 + 1e-9);
            prop_assert!((dose.rate_mg_per_min * 40.0 - dose.dose_mg).abs() <= 0.2 + 1e-9);
        }
    }

    #[test]
    fn devices_always_add_up(dose in any::<u32>(), prior in prop::collection::vec(any::<u32>(), 0..4), mdsi in any::<bool>()) {
        let indication = if mdsi { EsketamineIndication::Mdsi } else { EsketamineIndication::Trd };
        if let Ok(plan) = esketamine_devices(dose, indication, &prior, &ProtocolSettings::default()) {
            prop_assert!(dose == 56 || dose == 84);
            prop_assert_eq!(plan.devices.iter().map(|d| d.mg).sum::<u32>(), dose);
            for (i, device) in plan.devices.iter().enumerate() {
                prop_assert_eq!(device.offset_minutes as usize, i * 5);
            }
        }
    }

    #[test]
    fn schedules_never_panic_and_dates_increase(
        julian in Date::MIN.to_julian_day()..=Date::MAX.to_julian_day(),
        weeks in 0u32..120,
        fortnightly in any::<bool>(),
        infusions in any::<u8>(),
        per_week in any::<u8>(),
    ) {
        let start = Date::from_julian_day(julian).unwrap();
        let settings = ProtocolSettings::default();
        let maintenance = if fortnightly { MaintenanceFrequency::EveryTwoWeeks } else { MaintenanceFrequency::Weekly };
        for plan in [esketamine_schedule(start, weeks, maintenance, &settings), iv_series(start, infusions, per_week, &settings)]
            .into_iter()
            .flatten()
        {
            prop_assert!(!plan.is_empty());
            prop_assert_eq!(plan[0].date, start);
            prop_assert!(plan.windows(2).all(|w| w[0].date < w[1].date));
        }
    }

    #[test]
    fn monitoring_statuses_are_consistent(modality in modality(), now in 0i64..400, observations in observations()) {
        let settings = ProtocolSettings::default();
        let now = DOSE_AT + Duration::minutes(now);
        let status = monitoring_status(modality, DOSE_AT, now, &observations, &settings).unwrap();
        let grace = Duration::minutes(10);
        for item in &status.due {
            match item.status {
                DueStatus::Done => prop_assert!(item.done_at.is_some_and(|t| t <= now)),
                DueStatus::Upcoming => prop_assert!(now < item.due_at),
                DueStatus::Due => prop_assert!(item.due_at <= now && now <= item.due_at + grace),
                DueStatus::Overdue => prop_assert!(now > item.due_at + grace),
            }
        }
        prop_assert_eq!(status.next_due, status.due.iter().find(|d| d.status != DueStatus::Done).copied());
    }

    #[test]
    fn discharge_ignores_the_future_and_never_precedes_the_minimum(
        modality in modality(),
        at in 0i64..300,
        observations in observations(),
        future in observations(),
    ) {
        let settings = ProtocolSettings::default();
        let at = DOSE_AT + Duration::minutes(at);
        let decision = discharge_check(modality, DOSE_AT, at, &observations, &settings).unwrap();
        if decision.allowed {
            prop_assert!(at - DOSE_AT >= Duration::minutes(120));
        }
        let later: Vec<Observation> = observations
            .iter()
            .copied()
            .chain(future.into_iter().filter(|o| o.time() > at))
            .collect();
        prop_assert_eq!(discharge_check(modality, DOSE_AT, at, &later, &settings).unwrap(), decision);
    }
}
