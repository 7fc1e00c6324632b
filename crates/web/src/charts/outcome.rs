//! One patient's totals of one instrument over time, as an inline SVG: the instrument's severity bands behind,
//! each session (dose) as a vertical tick, the response and remission thresholds as dashed lines, and the totals
//! as a line with a point per administration.
//!
//! A pure function of its input: the caller passes the scores, the session times and the outcome [`Definition`]
//! (the clinic's rules), so the same data always gives the same bytes. The thresholds are the rules' own: a total
//! on or below the response line is a response against the first (baseline) total, and a total on or below the
//! remission line is a remission ([`Definition::is_response`], [`Definition::is_remission`]). Below the
//! instrument's baseline floor ([`Definition::is_assessable`]) neither line is drawn: the chart says that response
//! and remission are not assessable, so no reader takes a low baseline's "remission" for an outcome.

use std::fmt::Write as _;

use ketapath_clinical::instruments::Instrument;
use ketapath_clinical::outcomes::Definition;
use ketapath_research::svg::escape;
use time::OffsetDateTime;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 300.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 150.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 40.0;
const PLOT_W: f64 = WIDTH - LEFT - RIGHT;
const PLOT_H: f64 = HEIGHT - TOP - BOTTOM;

/// Band fills from the lowest band up: lighter for less severe.
const BAND_FILLS: [&str; 6] = ["#f4f7f4", "#eef2f6", "#f6f1e7", "#f7ebe4", "#f5e3e3", "#f1dcdc"];

/// What an outcome chart shows.
#[derive(Debug, Clone, Copy)]
pub struct OutcomeChart<'a> {
    /// Makes the chart's element ids unique on a page (letters, digits, `-` and `_`; anything else is dropped).
    pub id: &'a str,
    pub instrument: Instrument,
    /// Totals with the time each was taken, in any order.
    pub points: &'a [(OffsetDateTime, u16)],
    /// When each session's dose was given.
    pub sessions: &'a [OffsetDateTime],
    /// The response and remission rules; `None` for instruments without them (CADSS, MOAA/S, BPRS).
    pub definition: Option<&'a Definition>,
}

fn date(t: OffsetDateTime) -> String {
    format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day())
}

/// The total at or below which a total is a response against `baseline` (may be fractional).
fn response_line(definition: &Definition, baseline: u16) -> f64 {
    f64::from(baseline) * f64::from(100 - u16::from(definition.response_reduction_pct.min(100))) / 100.0
}

/// The chart as an `<svg>` element.
pub fn outcome_svg(chart: &OutcomeChart<'_>) -> String {
    let spec = chart.instrument.spec();
    let id: String = chart.id.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect();
    let mut points = chart.points.to_vec();
    points.sort();
    let mut sessions = chart.sessions.to_vec();
    sessions.sort();
    sessions.dedup();

    // The time axis spans every score and session, with a day either side so that none sits on the frame.
    let times: Vec<OffsetDateTime> = points.iter().map(|(t, _)| *t).chain(sessions.iter().copied()).collect();
    let day = 86_400.0;
    let (start, end) = match (times.iter().min(), times.iter().max()) {
        (Some(min), Some(max)) => (min.unix_timestamp() as f64 - day, max.unix_timestamp() as f64 + day),
        _ => (0.0, 2.0 * day),
    };
    let x = |t: OffsetDateTime| LEFT + (t.unix_timestamp() as f64 - start) / (end - start) * PLOT_W;
    let y_max = f64::from(spec.total_max.max(1));
    let y = |v: f64| TOP + PLOT_H - v.clamp(0.0, y_max) / y_max * PLOT_H;

    let title = format!("{} totals over time", spec.name);
    let baseline = points.first().map(|(_, v)| *v);
    let description = describe(chart, &points, &sessions, baseline);

    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart outcome-chart\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" \
         font-family=\"sans-serif\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\"><title id=\"{id}-title\">{}</title>\
         <desc id=\"{id}-desc\">{}</desc>",
        escape(&title),
        escape(&description)
    );

    // Severity bands: each from its lowest total to the next band's lowest, labelled on the right.
    for (index, band) in spec.bands.iter().enumerate() {
        let low = f64::from(band.min);
        let high = spec.bands.get(index + 1).map_or(y_max, |next| f64::from(next.min));
        let fill = BAND_FILLS[index.min(BAND_FILLS.len() - 1)];
        let _ = write!(
            svg,
            "<rect x=\"{LEFT:.1}\" y=\"{:.1}\" width=\"{PLOT_W:.1}\" height=\"{:.1}\" fill=\"{fill}\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" fill=\"#444\">{} ({}–{})</text>",
            y(high),
            y(low) - y(high),
            LEFT + PLOT_W + 6.0,
            (y(low) + y(high)) / 2.0 + 3.0,
            escape(band.label),
            band.min,
            band.max
        );
    }

    // Axes with the band boundaries as the total's ticks.
    let _ = write!(
        svg,
        "<line x1=\"{LEFT:.1}\" y1=\"{TOP:.1}\" x2=\"{LEFT:.1}\" y2=\"{:.1}\" stroke=\"#333\"/>\
         <line x1=\"{LEFT:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#333\"/>",
        TOP + PLOT_H,
        TOP + PLOT_H,
        LEFT + PLOT_W,
        TOP + PLOT_H
    );
    let mut ticks: Vec<u16> = spec.bands.iter().map(|b| b.min).collect();
    ticks.push(spec.total_max);
    ticks.dedup();
    for tick in ticks {
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"end\" fill=\"#333\">{tick}</text>",
            LEFT - 4.0,
            y(f64::from(tick)) + 3.0
        );
    }
    if let (Some(first), Some(last)) = (times.iter().min(), times.iter().max()) {
        let label_y = TOP + PLOT_H + 14.0;
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{label_y:.1}\" font-size=\"10\" text-anchor=\"middle\" fill=\"#333\">{}</text>",
            x(*first),
            date(*first)
        );
        if last != first {
            let _ = write!(
                svg,
                "<text x=\"{:.1}\" y=\"{label_y:.1}\" font-size=\"10\" text-anchor=\"middle\" fill=\"#333\">{}</text>",
                x(*last),
                date(*last)
            );
        }
    }

    // Sessions: a tick through the plot and a marker under the axis.
    for session in &sessions {
        let sx = x(*session);
        let _ = write!(
            svg,
            "<line class=\"session\" x1=\"{sx:.1}\" y1=\"{TOP:.1}\" x2=\"{sx:.1}\" y2=\"{:.1}\" stroke=\"#5b6b8c\" \
             stroke-width=\"1\" stroke-dasharray=\"2 3\"><title>Session {}</title></line>\
             <path d=\"M{sx:.1} {:.1} l-4 7 h8 z\" fill=\"#5b6b8c\"/>",
            TOP + PLOT_H,
            date(*session),
            TOP + PLOT_H + 18.0
        );
    }

    if !sessions.is_empty() {
        let _ = write!(
            svg,
            "<path d=\"M{:.1} {:.1} l-4 7 h8 z\" fill=\"#5b6b8c\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" \
             fill=\"#333\">Session (dose)</text>",
            LEFT + PLOT_W + 10.0,
            TOP + PLOT_H + 18.0,
            LEFT + PLOT_W + 18.0,
            TOP + PLOT_H + 25.0
        );
    }

    // Thresholds, from the rules; none when the baseline is below the floor, only the reason.
    let not_assessable = chart.definition.zip(baseline).and_then(|(d, b)| d.not_assessable_reason(b));
    if let Some(reason) = &not_assessable {
        let _ = write!(
            svg,
            "<text class=\"not-assessable\" x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" fill=\"#5a2d00\">{}</text>",
            LEFT + 4.0,
            TOP + 12.0,
            escape(&format!("Response and remission {reason}"))
        );
    }
    if let Some(definition) = chart.definition.filter(|_| not_assessable.is_none()) {
        let remission = f64::from(definition.remission_max);
        let _ = write!(
            svg,
            "<line class=\"remission\" x1=\"{LEFT:.1}\" y1=\"{ry:.1}\" x2=\"{:.1}\" y2=\"{ry:.1}\" stroke=\"#1e6b34\" \
             stroke-width=\"1.5\" stroke-dasharray=\"6 3\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" \
             fill=\"#1e6b34\">Remission ≤ {}</text>",
            LEFT + PLOT_W,
            LEFT + 4.0,
            y(remission) - 3.0,
            definition.remission_max,
            ry = y(remission)
        );
        if let Some(baseline) = baseline.filter(|b| *b > 0) {
            let response = response_line(definition, baseline);
            let _ = write!(
                svg,
                "<line class=\"response\" x1=\"{LEFT:.1}\" y1=\"{ry:.1}\" x2=\"{:.1}\" y2=\"{ry:.1}\" \
                 stroke=\"#8a5a00\" stroke-width=\"1.5\" stroke-dasharray=\"6 3\"/><text x=\"{:.1}\" y=\"{:.1}\" \
                 font-size=\"10\" fill=\"#8a5a00\">Response ≤ {} ({}% below baseline {baseline})</text>",
                LEFT + PLOT_W,
                LEFT + 4.0,
                y(response) - 3.0,
                trim(response),
                definition.response_reduction_pct,
                ry = y(response)
            );
        }
    }

    // The totals.
    if points.len() > 1 {
        let path: Vec<String> = points.iter().map(|(t, v)| format!("{:.1},{:.1}", x(*t), y(f64::from(*v)))).collect();
        let _ = write!(
            svg,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"#1b3a6b\" stroke-width=\"2\"/>",
            path.join(" ")
        );
    }
    for (t, v) in &points {
        let _ = write!(
            svg,
            "<circle class=\"score\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\" fill=\"#1b3a6b\"><title>{} {}: {v} ({})</title>\
             </circle>",
            x(*t),
            y(f64::from(*v)),
            date(*t),
            escape(spec.name),
            escape(spec.band(*v).label)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A threshold without a trailing `.0`.
fn trim(value: f64) -> String {
    let text = format!("{value:.1}");
    text.strip_suffix(".0").map_or(text.clone(), str::to_owned)
}

/// The description: every number the chart draws, for screen readers and anyone who prefers text.
fn describe(
    chart: &OutcomeChart<'_>,
    points: &[(OffsetDateTime, u16)],
    sessions: &[OffsetDateTime],
    baseline: Option<u16>,
) -> String {
    let spec = chart.instrument.spec();
    let mut parts = Vec::new();
    if points.is_empty() {
        parts.push(format!("No {} scores yet.", spec.name));
    } else {
        let scores: Vec<String> =
            points.iter().map(|(t, v)| format!("{} {v} ({})", date(*t), spec.band(*v).label.to_lowercase())).collect();
        parts.push(format!("{} totals (0 to {}): {}.", spec.name, spec.total_max, scores.join("; ")));
    }
    if sessions.is_empty() {
        parts.push("No sessions.".to_owned());
    } else {
        let dates: Vec<String> = sessions.iter().map(|t| date(*t)).collect();
        parts.push(format!("Sessions: {}.", dates.join(", ")));
    }
    let reason = chart.definition.zip(baseline).and_then(|(d, b)| d.not_assessable_reason(b));
    if let Some(reason) = reason {
        parts.push(format!("Response and remission {reason}."));
    } else if let Some(definition) = chart.definition {
        if let Some(baseline) = baseline.filter(|b| *b > 0) {
            parts.push(format!(
                "Response: {} or below ({}% below the baseline {baseline}, rule {}).",
                trim(response_line(definition, baseline)),
                definition.response_reduction_pct,
                definition.response_rule
            ));
        }
        parts.push(format!("Remission: {} or below (rule {}).", definition.remission_max, definition.remission_rule));
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use ketapath_clinical::outcomes::{OutcomeConfig, definition};
    use time::macros::datetime;

    use super::*;

    fn phq9_chart(points: &[(OffsetDateTime, u16)], sessions: &[OffsetDateTime]) -> String {
        let definition = definition(Instrument::Phq9, &OutcomeConfig::default()).unwrap();
        outcome_svg(&OutcomeChart {
            id: "phq9-chart",
            instrument: Instrument::Phq9,
            points,
            sessions,
            definition: Some(&definition),
        })
    }

    const POINTS: [(OffsetDateTime, u16); 3] = [
        (datetime!(2026-11-15 10:00 UTC), 7),
        (datetime!(2026-11-01 10:00 UTC), 18),
        (datetime!(2026-11-08 10:00 UTC), 11),
    ];
    const SESSIONS: [OffsetDateTime; 2] = [datetime!(2026-11-02 09:00 UTC), datetime!(2026-11-05 09:00 UTC)];

    #[test]
    fn the_chart_is_accessible_and_lists_every_number() {
        let svg = phq9_chart(&POINTS, &SESSIONS);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("role=\"img\"") && svg.contains("aria-labelledby=\"phq9-chart-title phq9-chart-desc\""));
        assert!(svg.contains("<title id=\"phq9-chart-title\">PHQ-9 totals over time</title>"), "{svg}");
        let desc = svg.split("<desc id=\"phq9-chart-desc\">").nth(1).unwrap().split("</desc>").next().unwrap();
        // In time order, whatever the input order.
        assert!(
            desc.contains("2026-11-01 18 (moderately severe); 2026-11-08 11 (moderate); 2026-11-15 7 (mild)"),
            "{desc}"
        );
        assert!(desc.contains("Sessions: 2026-11-02, 2026-11-05."));
        // 50% below the baseline of 18 is 9; remission is below 5.
        assert!(desc.contains("Response: 9 or below (50% below the baseline 18"), "{desc}");
        assert!(desc.contains("Remission: 4 or below (rule outcome.remission.phq9"), "{desc}");
        assert!(
            !svg.contains("<script") && !svg.contains("style=") && !svg.contains(" on"),
            "no script, style or handler"
        );
    }

    #[test]
    fn one_mark_per_score_and_per_session_and_a_band_per_severity() {
        let svg = phq9_chart(&POINTS, &SESSIONS);
        assert_eq!(svg.matches("<circle class=\"score\"").count(), 3);
        assert_eq!(svg.matches("<line class=\"session\"").count(), 2);
        assert_eq!(svg.matches("<rect ").count(), Instrument::Phq9.spec().bands.len());
        assert_eq!(svg.matches("class=\"response\"").count(), 1);
        assert_eq!(svg.matches("class=\"remission\"").count(), 1);
        // Lower totals are drawn lower on the page (larger y): the response line sits below the baseline point.
        let y_of = |class: &str| -> f64 {
            let at = svg.find(&format!("class=\"{class}\"")).unwrap();
            svg[at..].split("y1=\"").nth(1).unwrap().split('"').next().unwrap().parse().unwrap()
        };
        assert!(y_of("remission") > y_of("response"));
    }

    #[test]
    fn the_output_is_deterministic_and_escaped() {
        assert_eq!(phq9_chart(&POINTS, &SESSIONS), phq9_chart(&POINTS, &SESSIONS));
        let svg = outcome_svg(&OutcomeChart {
            id: "x\" onload=\"alert(1)",
            instrument: Instrument::Phq9,
            points: &POINTS,
            sessions: &[],
            definition: None,
        });
        assert!(svg.contains("aria-labelledby=\"xonloadalert1-title xonloadalert1-desc\""), "{svg}");
        assert!(!svg.contains("class=\"response\"") && !svg.contains("class=\"remission\""));
        assert!(svg.contains("No sessions."));
    }

    #[test]
    fn an_empty_chart_says_so() {
        let svg = phq9_chart(&[], &[]);
        assert!(svg.contains("No PHQ-9 scores yet. No sessions."), "{svg}");
        assert!(!svg.contains("<circle") && !svg.contains("<polyline") && !svg.contains("class=\"response\""));
        assert!(svg.contains("class=\"remission\""));
    }

    #[test]
    fn a_baseline_below_the_floor_draws_no_thresholds_and_says_not_assessable() {
        // The patient: PHQ-9 baseline 4, then 2. No remission line, no response line, the reason in words.
        let points = [(datetime!(2026-11-01 10:00 UTC), 4), (datetime!(2026-11-08 10:00 UTC), 2)];
        let svg = phq9_chart(&points, &SESSIONS);
        assert!(!svg.contains("class=\"response\"") && !svg.contains("class=\"remission\""), "{svg}");
        assert!(svg.contains("class=\"not-assessable\""), "{svg}");
        let desc = svg.split("<desc id=\"phq9-chart-desc\">").nth(1).unwrap().split("</desc>").next().unwrap();
        assert!(desc.contains("Response and remission not assessable: baseline PHQ-9 below 10"), "{desc}");
        assert!(!desc.contains("Remission: 4 or below"), "{desc}");
    }

    #[test]
    fn an_instrument_without_outcome_rules_draws_no_thresholds() {
        let cadss = definition(Instrument::Cadss, &OutcomeConfig::default());
        assert!(cadss.is_err());
        let svg = outcome_svg(&OutcomeChart {
            id: "c",
            instrument: Instrument::Cadss,
            points: &[(datetime!(2026-11-01 10:00 UTC), 12)],
            sessions: &SESSIONS,
            definition: None,
        });
        assert_eq!(svg.matches("<circle class=\"score\"").count(), 1);
        assert!(!svg.contains("Remission"));
    }
}
