//! Inline SVG charts for the registry page: response rate over time with its Wilson band, and the Kaplan–Meier
//! curve of durability with censor ticks.
//!
//! The charts are plain SVG with presentation attributes only (no script, no style element, no external
//! reference), so they can be inlined in a page under a strict content-security policy. Each is accessible:
//! `role="img"`, a `<title>` and a `<desc>` that states every number the chart draws, for screen readers and for
//! anyone who prefers the figures. Output is deterministic (fixed decimals, fixed order) and every text is escaped.

use std::fmt::Write as _;

use crate::stats::km::Step;
use crate::stats::registry::WeekPoint;
use crate::stats::suppress::Suppressed;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 320.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 40.0;
const PLOT_W: f64 = WIDTH - LEFT - RIGHT;
const PLOT_H: f64 = HEIGHT - TOP - BOTTOM;

/// Escapes text for SVG (XML) content and double- or single-quoted attribute values. Every SVG KetaPath draws
/// (the registry's charts, the outcome charts, the finder's map) escapes through this one function.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters other than tab and newline are not allowed in XML 1.0 at all (not even as
            // character references), so they are dropped rather than making the document ill-formed.
            c if c.is_control() && c != '\t' && c != '\n' => {}
            c => out.push(c),
        }
    }
    out
}

/// Keeps `[A-Za-z0-9_-]` of an element id, so a caller's id cannot break out of the attribute.
fn clean_id(id: &str) -> String {
    let id: String = id.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect();
    if id.is_empty() { "chart".to_owned() } else { id }
}

/// The words of a chart's description and horizontal axis, so that a page shows its charts in its own language.
/// Every number arrives already formatted (rates as whole percentages, times with at most one decimal), so that
/// each language states the same figures; [`English`] is the wording of the portal and the English pages.
pub trait ChartWords {
    /// What the response chart shows, before its weeks.
    fn response_intro(&self) -> String;
    /// One shown week: its rate, the Wilson 95% interval and the counts behind the rate.
    fn response_week(&self, week: u32, rate: &str, low: &str, high: &str, successes: u64, n: u64) -> String;
    /// One week left out because fewer than `threshold` patients were counted in it.
    fn week_not_shown(&self, week: u32, threshold: u64) -> String;
    /// The response chart's horizontal axis.
    fn response_axis(&self) -> String;
    /// What the Kaplan–Meier chart shows, before its steps.
    fn km_intro(&self) -> String;
    /// One step of the curve, `time` in days.
    fn km_step(&self, time: &str, rate: &str, at_risk: u64, events: u64, censored: u64) -> String;
    /// The Kaplan–Meier chart's horizontal axis.
    fn km_axis(&self) -> String;
}

/// The charts' English words.
#[derive(Debug, Clone, Copy, Default)]
pub struct English;

impl ChartWords for English {
    fn response_intro(&self) -> String {
        "Share of patients meeting the response rule, by week after the first treatment.".to_owned()
    }

    fn response_week(&self, week: u32, rate: &str, low: &str, high: &str, successes: u64, n: u64) -> String {
        format!("Week {week}: {rate} (95% CI {low} to {high}), {successes} of {n}.")
    }

    fn week_not_shown(&self, week: u32, threshold: u64) -> String {
        format!("Week {week}: not shown (fewer than {threshold} patients).")
    }

    fn response_axis(&self) -> String {
        "Weeks after first treatment".to_owned()
    }

    fn km_intro(&self) -> String {
        "Kaplan–Meier estimate. Time 0: 100%.".to_owned()
    }

    fn km_step(&self, time: &str, rate: &str, at_risk: u64, events: u64, censored: u64) -> String {
        format!("{time} days: {rate} (at risk {at_risk}, events {events}, censored {censored}).")
    }

    fn km_axis(&self) -> String {
        "Time (days)".to_owned()
    }
}

fn pct(rate: f64) -> String {
    format!("{:.0}%", rate * 100.0)
}

fn y_of(rate: f64) -> f64 {
    TOP + PLOT_H * (1.0 - rate.clamp(0.0, 1.0))
}

/// The opening tag, title, description and the axes with a 0–100% vertical scale.
fn open(out: &mut String, id: &str, title: &str, desc: &str, x_label: &str) {
    let id = clean_id(id);
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" width=\"{WIDTH}\" \
         height=\"{HEIGHT}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape(title),
        escape(desc)
    );
    let (x0, x1, y0, y1) = (LEFT, LEFT + PLOT_W, TOP, TOP + PLOT_H);
    let _ = write!(
        out,
        "<g stroke=\"#444\" stroke-width=\"1\"><line x1=\"{x0:.1}\" y1=\"{y1:.1}\" x2=\"{x1:.1}\" y2=\"{y1:.1}\"/>\
         <line x1=\"{x0:.1}\" y1=\"{y0:.1}\" x2=\"{x0:.1}\" y2=\"{y1:.1}\"/></g>"
    );
    let _ = write!(out, "<g font-size=\"11\" fill=\"#222\" text-anchor=\"end\">");
    for rate in [0.0, 0.5, 1.0] {
        let _ = write!(out, "<text x=\"{:.1}\" y=\"{:.1}\">{}</text>", LEFT - 6.0, y_of(rate) + 4.0, pct(rate));
    }
    let _ = write!(
        out,
        "</g><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" fill=\"#222\" text-anchor=\"middle\">{}</text>",
        LEFT + PLOT_W / 2.0,
        HEIGHT - 6.0,
        escape(x_label)
    );
}

/// A tick label under the horizontal axis.
fn x_tick(out: &mut String, x: f64, label: &str) {
    let _ = write!(
        out,
        "<text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"11\" fill=\"#222\" text-anchor=\"middle\">{}</text>",
        TOP + PLOT_H + 16.0,
        escape(label)
    );
}

/// Response rate by week after the first treatment: a line through the shown weeks (broken where a week is
/// suppressed or missing), a shaded Wilson 95% band (a whisker for a week standing alone), one dot per shown week.
/// Suppressed weeks are named in the description and drawn nowhere.
pub fn response_chart(id: &str, title: &str, points: &[WeekPoint], words: &dyn ChartWords) -> String {
    let max_week = points.iter().map(|p| p.week).max().unwrap_or(0).max(1);
    let x_of = |week: u32| LEFT + PLOT_W * f64::from(week) / f64::from(max_week);

    let mut desc = words.response_intro();
    for point in points {
        let sentence = match &point.response {
            Suppressed::Shown(p) => words.response_week(
                point.week,
                &pct(p.rate),
                &pct(p.interval.low),
                &pct(p.interval.high),
                p.successes,
                p.n,
            ),
            Suppressed::Suppressed { threshold } => words.week_not_shown(point.week, *threshold),
        };
        desc.push(' ');
        desc.push_str(&sentence);
    }

    let mut out = String::new();
    open(&mut out, id, title, &desc, &words.response_axis());
    for week in 0..=max_week {
        x_tick(&mut out, x_of(week), &week.to_string());
    }

    // Runs of consecutive shown weeks: the line and the band break between runs.
    let mut runs: Vec<Vec<(u32, &crate::stats::wilson::Proportion)>> = Vec::new();
    let mut previous: Option<u32> = None;
    for point in points {
        let Some(p) = point.response.shown() else {
            previous = None;
            continue;
        };
        match (previous, runs.last_mut()) {
            (Some(week), Some(run)) if week + 1 == point.week => run.push((point.week, p)),
            _ => runs.push(vec![(point.week, p)]),
        }
        previous = Some(point.week);
    }
    for run in &runs {
        if let [(w, p)] = run.as_slice() {
            // A lone week has no band to shade: its interval is drawn as a whisker.
            let x = x_of(*w);
            let _ = write!(
                out,
                "<line x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#1f77b4\" \
                 stroke-opacity=\"0.4\" stroke-width=\"6\"/>",
                y_of(p.interval.high),
                y_of(p.interval.low)
            );
            continue;
        }
        let upper = run.iter().map(|(w, p)| format!("{:.1},{:.1}", x_of(*w), y_of(p.interval.high)));
        let lower = run.iter().rev().map(|(w, p)| format!("{:.1},{:.1}", x_of(*w), y_of(p.interval.low)));
        let polygon: Vec<String> = upper.chain(lower).collect();
        let _ = write!(
            out,
            "<polygon points=\"{}\" fill=\"#1f77b4\" fill-opacity=\"0.2\" stroke=\"none\"/>",
            polygon.join(" ")
        );
    }
    let mut path = String::new();
    for run in &runs {
        for (i, (w, p)) in run.iter().enumerate() {
            let _ = write!(path, "{}{:.1} {:.1} ", if i == 0 { "M" } else { "L" }, x_of(*w), y_of(p.rate));
        }
    }
    if !path.is_empty() {
        let _ = write!(out, "<path d=\"{}\" fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\"/>", path.trim_end());
    }
    for (w, p) in runs.iter().flatten() {
        let _ = write!(out, "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"#1f77b4\"/>", x_of(*w), y_of(p.rate));
    }
    out.push_str("</svg>");
    out
}

/// A Kaplan–Meier step curve from survival 1 at time 0, dropping at each event time, with a short vertical tick
/// where subjects were censored. Times are in days.
pub fn km_chart(id: &str, title: &str, steps: &[Step], words: &dyn ChartWords) -> String {
    let max_time = steps.iter().map(|s| s.time).fold(0.0_f64, f64::max);
    let span = if max_time > 0.0 { max_time } else { 1.0 };
    let x_of = |t: f64| LEFT + PLOT_W * (t / span);

    let mut desc = words.km_intro();
    for step in steps {
        desc.push(' ');
        desc.push_str(&words.km_step(
            &fmt_time(step.time),
            &pct(step.survival),
            step.at_risk,
            step.events,
            step.censored,
        ));
    }

    let mut out = String::new();
    open(&mut out, id, title, &desc, &words.km_axis());
    x_tick(&mut out, x_of(0.0), "0");
    x_tick(&mut out, x_of(span), &fmt_time(span));

    let mut path = format!("M{:.1} {:.1}", x_of(0.0), y_of(1.0));
    for step in steps.iter().filter(|s| s.events > 0) {
        let _ = write!(path, " H{:.1} V{:.1}", x_of(step.time), y_of(step.survival));
    }
    if let Some(last) = steps.last() {
        let _ = write!(path, " H{:.1}", x_of(last.time));
    }
    let _ = write!(out, "<path d=\"{path}\" fill=\"none\" stroke=\"#d62728\" stroke-width=\"2\"/>");
    let _ = write!(out, "<g stroke=\"#d62728\" stroke-width=\"1.5\">");
    for step in steps.iter().filter(|s| s.censored > 0) {
        let (x, y) = (x_of(step.time), y_of(step.survival));
        let _ = write!(out, "<line x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\"/>", y - 5.0, y + 5.0);
    }
    out.push_str("</g></svg>");
    out
}

/// A time with at most one decimal, without a trailing `.0`.
fn fmt_time(t: f64) -> String {
    let rounded = (t * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 { format!("{rounded:.0}") } else { format!("{rounded:.1}") }
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escape_covers_markup_quotes_and_characters_xml_forbids() {
        assert_eq!(
            escape("<a href=\"x\">Tom & 'Jo'</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jo&#39;&lt;/a&gt;"
        );
        // XML 1.0 forbids these control characters even as references; tab and newline are kept.
        assert_eq!(escape("a\u{0}b\u{7}c\u{1b}d\te\nf"), "abcd\te\nf");
    }
}
