//! Tests of the Patient Monitoring Form deadline: 7 calendar days after the dose, statuses around it, inpatient
//! sessions, and the dashboard order.

use ketapath_clinical::rems::{FormDue, FormStatus, SettingType, dashboard, due_at, status, status_in};
use time::macros::date;
use time::{Date, Duration};

const DOSE: Date = date!(2026 - 01 - 05);

fn day(n: i64) -> Date {
    DOSE + Duration::days(n)
}

#[test]
fn due_seven_calendar_days_after_the_dose() {
    assert_eq!(due_at(DOSE), date!(2026 - 01 - 12));
    // Across a month and a year end.
    assert_eq!(due_at(date!(2026 - 12 - 28)), date!(2027 - 01 - 04));
    // The last supported date cannot overflow.
    assert_eq!(due_at(Date::MAX), Date::MAX);
}

#[test]
fn statuses_at_day_0_7_and_8() {
    assert_eq!(status(DOSE, None, day(0)), FormStatus::Due { days_left: 7 });
    assert_eq!(status(DOSE, None, day(7)), FormStatus::Due { days_left: 0 });
    assert_eq!(status(DOSE, None, day(8)), FormStatus::Overdue { days_late: 1 });
    assert_eq!(status(DOSE, None, day(30)), FormStatus::Overdue { days_late: 23 });

    assert_eq!(status(DOSE, Some(day(0)), day(30)), FormStatus::Submitted { on_time: true });
    assert_eq!(status(DOSE, Some(day(7)), day(30)), FormStatus::Submitted { on_time: true });
    assert_eq!(status(DOSE, Some(day(8)), day(8)), FormStatus::Submitted { on_time: false });
    assert!(status(DOSE, None, day(8)).is_open());
    assert!(!status(DOSE, Some(day(1)), day(8)).is_open());
}

#[test]
fn inpatient_sessions_need_no_form() {
    assert_eq!(status_in(SettingType::Inpatient, DOSE, None, day(30)), FormStatus::NotRequired);
    assert_eq!(status_in(SettingType::Outpatient, DOSE, None, day(30)), FormStatus::Overdue { days_late: 23 });
}

#[test]
fn the_dashboard_puts_the_most_urgent_first() {
    let today = day(10);
    let form = |key: &'static str, setting_type, dose_day: i64, submitted: Option<i64>| FormDue {
        key,
        setting_type,
        dose_date: day(dose_day),
        submitted_on: submitted.map(day),
    };
    let forms = [
        form("on-time", SettingType::Outpatient, 0, Some(2)),
        form("due-in-5", SettingType::Outpatient, 8, None),
        form("inpatient", SettingType::Inpatient, 1, None),
        form("overdue-3", SettingType::Outpatient, 0, None),
        form("due-today", SettingType::Outpatient, 3, None),
        form("late", SettingType::Outpatient, 0, Some(9)),
        form("overdue-1", SettingType::Outpatient, 2, None),
        form("due-in-5-b", SettingType::Outpatient, 8, None),
    ];
    let entries = dashboard(&forms, today);
    let order: Vec<&str> = entries.iter().map(|e| e.key).collect();
    assert_eq!(
        order,
        ["overdue-3", "overdue-1", "due-today", "due-in-5", "due-in-5-b", "late", "on-time", "inpatient"]
    );
    assert_eq!(entries[0].due_on, day(7));
    assert_eq!(entries[0].rule.id, "rems.pmf.deadline");
    let json = serde_json::to_value(&entries[0]).expect("serializes");
    assert_eq!(json["status"], serde_json::json!({"status": "overdue", "days_late": 3}));
    assert_eq!(json["due_on"], "2026-01-12");
}
