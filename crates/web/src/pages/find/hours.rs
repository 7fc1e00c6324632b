//! Opening hours in words ("Mon–Fri 8 am–5 pm", "lun–vie 8 a. m.–5 p. m.") and whether a clinic is open now, read
//! in the clinic's own time zone: one reading for the finder's results and the clinic page, in the page's language.

use ketapath_care::clinic_time::ClinicTime;
use ketapath_directory::model::OpeningHours;
use time::{OffsetDateTime, Weekday};

use crate::i18n::Tr;

/// The FHIR day codes in week order, with the catalogue ids of their short names.
const DAYS: [(&str, &str); 7] = [
    ("mon", "day-mon"),
    ("tue", "day-tue"),
    ("wed", "day-wed"),
    ("thu", "day-thu"),
    ("fri", "day-fri"),
    ("sat", "day-sat"),
    ("sun", "day-sun"),
];

/// One line per opening-hours entry: "Mon–Fri 8 am–5 pm", "Sat 9 am–12:30 pm".
pub fn in_words(hours: &[OpeningHours], t: Tr) -> Vec<String> {
    hours
        .iter()
        .map(|h| format!("{} {}–{}", days_in_words(&h.days, t), clock(&h.opens, t), clock(&h.closes, t)))
        .collect()
}

/// "Open now" or "Closed now" at `now` in the clinic's time zone, or `None` when it lists no hours.
pub fn open_now_words(hours: &[OpeningHours], state: &str, now: OffsetDateTime, t: Tr) -> Option<String> {
    open_at(hours, state, now).map(|open| t.m(if open { "hours-open-now" } else { "hours-closed-now" }))
}

/// Consecutive days as a range ("Mon–Fri"), the rest listed ("Mon, Wed"); an unknown code is dropped rather than
/// shown, since a reader cannot act on it.
fn days_in_words(codes: &[String], t: Tr) -> String {
    let mut indices: Vec<usize> =
        codes.iter().filter_map(|code| DAYS.iter().position(|(c, _)| c.eq_ignore_ascii_case(code))).collect();
    indices.sort_unstable();
    indices.dedup();
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for i in indices {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == i => *end = i,
            _ => runs.push((i, i)),
        }
    }
    let name = |i: usize| t.m(DAYS[i].1);
    runs.iter()
        .map(|&(start, end)| match end - start {
            0 => name(start),
            1 => format!("{}, {}", name(start), name(end)),
            _ => format!("{}–{}", name(start), name(end)),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Minutes after midnight of an `HH:MM` time, if it is one (24:00 is the end of the day).
fn minutes(hhmm: &str) -> Option<u32> {
    let (h, m) = hhmm.trim().split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h <= 24 && m < 60 && h * 60 + m <= 24 * 60).then_some(h * 60 + m)
}

/// "8 am", "5:30 pm", "noon", "midnight" ("8 a. m.", "mediodía" in Spanish); a time that does not parse is shown
/// as given.
fn clock(hhmm: &str, t: Tr) -> String {
    let Some(total) = minutes(hhmm) else { return hhmm.trim().to_owned() };
    let (h, m) = (total / 60, total % 60);
    match (h, m) {
        (0 | 24, 0) => t.m("clock-midnight"),
        (12, 0) => t.m("clock-noon"),
        _ => {
            let suffix = t.m(if h < 12 || h == 24 { "clock-am" } else { "clock-pm" });
            let h12 = match h % 12 {
                0 => 12,
                other => other,
            };
            if m == 0 { format!("{h12} {suffix}") } else { format!("{h12}:{m:02} {suffix}") }
        }
    }
}

/// Whether the clinic is open at `now` by its listed hours in the time zone of its US state; `None` when it
/// lists no hours. An entry that closes before it opens runs past midnight into the next day.
pub fn open_at(hours: &[OpeningHours], state: &str, now: OffsetDateTime) -> Option<bool> {
    if hours.is_empty() {
        return None;
    }
    let local = ClinicTime::for_state(state).local(now);
    let today = day_index(local.weekday());
    let yesterday = (today + 6) % 7;
    let t = u32::from(local.hour()) * 60 + u32::from(local.minute());
    let on = |h: &OpeningHours, day: usize| h.days.iter().any(|d| d.eq_ignore_ascii_case(DAYS[day].0));
    Some(hours.iter().any(|h| {
        let (Some(opens), Some(closes)) = (minutes(&h.opens), minutes(&h.closes)) else { return false };
        if opens < closes {
            on(h, today) && opens <= t && t < closes
        } else {
            (on(h, today) && t >= opens) || (on(h, yesterday) && t < closes)
        }
    }))
}

fn day_index(day: Weekday) -> usize {
    usize::from(day.number_days_from_monday())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use time::macros::datetime;

    fn entry(days: &[&str], opens: &str, closes: &str) -> OpeningHours {
        OpeningHours {
            days: days.iter().map(|d| (*d).to_owned()).collect(),
            opens: opens.to_owned(),
            closes: closes.to_owned(),
        }
    }

    #[test]
    fn hours_read_as_day_ranges_and_twelve_hour_clocks() {
        let hours = [
            entry(&["mon", "tue", "wed", "thu", "fri"], "08:00", "17:00"),
            entry(&["sat"], "09:00", "12:30"),
            entry(&["mon", "wed", "fri", "sun"], "12:00", "24:00"),
            entry(&["tue", "wed"], "00:00", "13:05"),
        ];
        assert_eq!(
            in_words(&hours, Lang::En.tr()),
            ["Mon–Fri 8 am–5 pm", "Sat 9 am–12:30 pm", "Mon, Wed, Fri, Sun noon–midnight", "Tue, Wed midnight–1:05 pm"]
        );
        assert_eq!(
            in_words(&hours, Lang::Es.tr()),
            [
                "lun–vie 8 a. m.–5 p. m.",
                "sáb 9 a. m.–12:30 p. m.",
                "lun, mié, vie, dom mediodía–medianoche",
                "mar, mié medianoche–1:05 p. m."
            ]
        );
    }

    #[test]
    fn open_now_is_read_in_the_clinic_state_time_zone() {
        let weekdays = [entry(&["mon", "tue", "wed", "thu", "fri"], "08:00", "17:00")];
        // Monday 7 December 2026, 14:30 UTC is 09:30 in New York and 06:30 in Los Angeles.
        let now = datetime!(2026-12-07 14:30 UTC);
        assert_eq!(open_at(&weekdays, "NY", now), Some(true));
        assert_eq!(open_at(&weekdays, "CA", now), Some(false));
        // Saturday in New York.
        assert_eq!(open_at(&weekdays, "NY", datetime!(2026-12-12 15:00 UTC)), Some(false));
        assert_eq!(open_at(&[], "NY", now), None);
        assert_eq!(open_now_words(&weekdays, "NY", now, Lang::Es.tr()).as_deref(), Some("Abierto ahora"));
        assert_eq!(open_now_words(&weekdays, "CA", now, Lang::En.tr()).as_deref(), Some("Closed now"));
        // Overnight hours run into the next morning.
        let nights = [entry(&["sun"], "22:00", "06:00")];
        assert_eq!(open_at(&nights, "NY", datetime!(2026-12-07 09:00 UTC)), Some(true), "Monday 4 am in New York");
    }
}
