//! Tests of the self-report schedule (links after each dose, weekly repeats, merging, expiry) and of the alert a
//! positive PHQ-9 item 9 raises.

use ketapath_clinical::instruments::{Instrument, Items};
use ketapath_clinical::measurement::{
    AnchorKind, PlannedLink, SelfReportSettings, plan_links, self_report_alert, self_report_alert_with,
};
use ketapath_clinical::safety::CrisisLevel;
use proptest::prelude::*;
use serde_json::json;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

/// A Monday morning.
const START: OffsetDateTime = datetime!(2026-01-05 10:00 UTC);

fn day(n: f64) -> OffsetDateTime {
    // Whole minutes, so that half days are exact.
    START + Duration::minutes((n * 24.0 * 60.0).round() as i64)
}

fn days_after_start(t: OffsetDateTime) -> f64 {
    (t - START).whole_minutes() as f64 / (24.0 * 60.0)
}

fn due_days(links: &[PlannedLink]) -> Vec<f64> {
    links.iter().map(|l| days_after_start(l.due_at)).collect()
}

/// Twice-weekly induction for 4 weeks: Mondays and Thursdays.
fn induction() -> Vec<OffsetDateTime> {
    (0..4).flat_map(|week| [day(7.0 * week as f64), day(7.0 * week as f64 + 3.0)]).collect()
}

#[test]
fn twice_weekly_induction_gets_a_link_a_day_after_each_dose_and_weekly_links_after_the_last() {
    let doses = induction();
    let horizon = day(24.0 + 21.0);
    let links = plan_links(&doses, horizon, &SelfReportSettings::default());
    // One link 24 h after each of the 8 doses; no weekly link fits between induction doses; after the last dose
    // (day 24) weekly links on days 32 and 39, while day 46 is past the horizon.
    assert_eq!(due_days(&links), [1.0, 4.0, 8.0, 11.0, 15.0, 18.0, 22.0, 25.0, 32.0, 39.0]);
    for (link, dose) in links.iter().zip(&doses) {
        assert_eq!(link.anchor.kind, AnchorKind::AfterDose);
        assert_eq!(link.anchor.dose_at, *dose);
        assert_eq!(link.due_at - *dose, Duration::hours(24));
    }
    assert_eq!(links[8].anchor.kind, AnchorKind::Repeat { number: 1 });
    assert_eq!(links[9].anchor.kind, AnchorKind::Repeat { number: 2 });
    assert_eq!(links[9].anchor.dose_at, day(24.0));
    assert!(links.iter().all(|l| l.rules.contains(&"measurement.self_report.schedule@1".to_owned())));
}

#[test]
fn weekly_maintenance_does_not_duplicate_links() {
    // Weekly doses: the weekly repeat of one dose would fall after the next dose, whose own link takes its place.
    let doses: Vec<OffsetDateTime> = (0..4).map(|w| day(7.0 * w as f64)).collect();
    let links = plan_links(&doses, day(28.0), &SelfReportSettings::default());
    assert_eq!(due_days(&links), [1.0, 8.0, 15.0, 22.0]);
    // Every two weeks: one repeat in between.
    let doses = [day(0.0), day(14.0)];
    let links = plan_links(&doses, day(16.0), &SelfReportSettings::default());
    assert_eq!(due_days(&links), [1.0, 8.0, 15.0]);
}

#[test]
fn a_repeat_close_to_the_next_dose_link_gives_way_to_it() {
    // The repeat on day 8 is 1.5 days before the next dose's link on day 9.5: the dose's link is kept.
    let links = plan_links(&[day(0.0), day(8.5)], day(10.0), &SelfReportSettings::default());
    assert_eq!(due_days(&links), [1.0, 9.5]);
    assert!(links.iter().all(|l| l.anchor.kind == AnchorKind::AfterDose));

    // With no minimum gap, both are sent.
    let settings = SelfReportSettings::from_json(&json!({"min_gap_hours": 0})).expect("valid");
    let links = plan_links(&[day(0.0), day(8.5)], day(10.0), &settings);
    assert_eq!(due_days(&links), [1.0, 8.0, 9.5]);
}

#[test]
fn doses_on_consecutive_days_keep_the_earlier_link() {
    // Day 0's link would fall at day 1, the moment of the next dose: it belongs to that dose instead.
    let links = plan_links(&[day(0.0), day(1.0)], day(3.0), &SelfReportSettings::default());
    assert_eq!(due_days(&links), [2.0]);
    // Doses half a day apart: the first dose's link would fall after the second dose, so only the second's is sent.
    let links = plan_links(&[day(0.0), day(0.5)], day(3.0), &SelfReportSettings::default());
    assert_eq!(due_days(&links), [1.5]);
    // Doses a day and a half apart: the second dose's link, 36 hours after the first link, is dropped.
    let links = plan_links(&[day(0.0), day(1.5)], day(3.0), &SelfReportSettings::default());
    assert_eq!(due_days(&links), [1.0]);
}

#[test]
fn links_expire_after_72_hours_or_when_the_next_link_is_due() {
    let links = plan_links(&induction()[..2], day(3.0 + 30.0), &SelfReportSettings::default());
    assert_eq!(due_days(&links), [1.0, 4.0, 11.0, 18.0, 25.0, 32.0]);
    // Tuesday's link meets Friday's: it expires when Friday's is due, exactly 72 hours later.
    assert_eq!(links[0].expires_at, links[1].due_at);
    // Friday's link is followed a week later: it expires after 72 hours.
    assert_eq!(links[1].expires_at - links[1].due_at, Duration::hours(72));

    // With 96 hours, Tuesday's link is cut at Friday's due time.
    let settings = SelfReportSettings::from_json(&json!({"expires_after_hours": 96})).expect("valid");
    let links = plan_links(&induction()[..2], day(10.0), &settings);
    assert_eq!(links[0].expires_at, links[1].due_at);
    assert_eq!(links[1].expires_at - links[1].due_at, Duration::hours(96));
}

#[test]
fn order_duplicates_and_the_horizon() {
    let doses = [day(3.0), day(0.0), day(3.0)];
    let sorted = plan_links(&[day(0.0), day(3.0)], day(12.0), &SelfReportSettings::default());
    assert_eq!(plan_links(&doses, day(12.0), &SelfReportSettings::default()), sorted);
    assert!(plan_links(&doses, day(0.5), &SelfReportSettings::default()).is_empty(), "no link before the horizon");
    assert!(plan_links(&[], day(100.0), &SelfReportSettings::default()).is_empty());
    // The horizon is inclusive.
    assert_eq!(due_days(&plan_links(&[day(0.0)], day(1.0), &SelfReportSettings::default())), [1.0]);
}

#[test]
fn repeats_can_be_switched_off_and_retimed() {
    let settings =
        SelfReportSettings::from_json(&json!({"first_after_hours": 48, "repeat_every_days": null})).expect("valid");
    let links = plan_links(&[day(0.0)], day(60.0), &settings);
    assert_eq!(due_days(&links), [2.0]);
}

#[test]
fn bad_schedule_settings_name_the_field() {
    for (document, field) in [
        (json!({"first_after_hours": 0}), "first_after_hours"),
        (json!({"repeat_every_days": 0}), "repeat_every_days"),
        (json!({"min_gap_hours": 400}), "min_gap_hours"),
        (json!({"expires_after_hours": 0}), "expires_after_hours"),
    ] {
        assert_eq!(SelfReportSettings::from_json(&document).expect_err(field).field, field);
    }
    assert!(SelfReportSettings::from_json(&json!({"weekly": true})).is_err(), "unknown keys are refused");
}

#[test]
fn a_far_horizon_is_bounded() {
    let settings = SelfReportSettings::from_json(&json!({"repeat_every_days": 1, "min_gap_hours": 0})).expect("ok");
    let links = plan_links(&[day(0.0)], OffsetDateTime::new_utc(time::Date::MAX, time::Time::MIDNIGHT), &settings);
    assert_eq!(links.len(), ketapath_clinical::measurement::self_report::MAX_PLANNED_LINKS);
}

proptest! {
    #[test]
    fn plans_are_ordered_spaced_and_within_the_horizon(
        offsets in proptest::collection::vec(0i64..(90 * 24 * 60), 0..20),
        horizon_days in 0i64..120,
        min_gap_hours in 0u32..100,
    ) {
        let settings = SelfReportSettings::from_json(&json!({"min_gap_hours": min_gap_hours})).expect("valid");
        let doses: Vec<OffsetDateTime> = offsets.iter().map(|m| START + Duration::minutes(*m)).collect();
        let horizon = START + Duration::days(horizon_days);
        let links = plan_links(&doses, horizon, &settings);
        for pair in links.windows(2) {
            prop_assert!(pair[1].due_at - pair[0].due_at >= Duration::hours(i64::from(min_gap_hours)));
            prop_assert!(pair[1].due_at > pair[0].due_at);
            prop_assert!(pair[0].expires_at <= pair[1].due_at);
        }
        for link in &links {
            prop_assert!(link.due_at <= horizon);
            prop_assert!(link.expires_at > link.due_at);
            prop_assert!(doses.contains(&link.anchor.dose_at));
            prop_assert!(link.due_at > link.anchor.dose_at);
            // No link of a dose falls at or after the next dose.
            let next = doses.iter().filter(|d| **d > link.anchor.dose_at).min();
            prop_assert!(next.is_none_or(|n| link.due_at < *n));
        }
    }
}

fn phq9(values: [i64; 9]) -> Items {
    Items::from_values(Instrument::Phq9, &values).expect("valid PHQ-9")
}

#[test]
fn a_positive_item_9_shows_crisis_help_and_alerts_the_clinic() {
    let alert = self_report_alert(&phq9([1, 1, 1, 1, 1, 1, 1, 1, 2])).expect("item 9 is 2");
    assert_eq!(alert.level, CrisisLevel::Urgent);
    assert_eq!(alert.item9, 2);
    assert_eq!(alert.total, 10);
    assert_eq!(alert.severity, "moderate");
    assert_eq!(alert.crisis.resources[0].contact, "Call or text 988");
    assert_eq!(alert.flag.as_ref().map(|f| f.rule.id), Some("phq9.item9_flag"));
    assert!(alert.crisis.rules.iter().any(|r| r.id == "crisis.triage"));
    assert!(alert.clinic_message.contains("item 9 = 2"));
}

#[test]
fn no_alert_without_item_9_or_for_other_instruments() {
    assert!(self_report_alert(&phq9([3, 3, 3, 3, 3, 3, 3, 3, 0])).is_none());
    let gad7 = Items::from_values(Instrument::Gad7, &[3, 3, 3, 3, 3, 3, 3]).expect("valid GAD-7");
    assert!(self_report_alert(&gad7).is_none());
}

#[test]
fn acting_on_thoughts_is_an_emergency_whatever_item_9_says() {
    let alert = self_report_alert_with(&phq9([0; 9]), true).expect("acting on thoughts");
    assert_eq!(alert.level, CrisisLevel::Emergency);
    assert!(alert.flag.is_none());
    assert!(alert.crisis.resources[0].name.contains("911"));
}
