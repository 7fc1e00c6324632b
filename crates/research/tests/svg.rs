//! The inline SVG charts, checked structurally: the right number of points, bands, steps and censor ticks, an
//! accessible title and description with the numbers, escaped text, nothing executable, deterministic output.

use ketapath_research::stats::registry::WeekPoint;
use ketapath_research::stats::{Proportion, Suppressed, km};
use ketapath_research::svg::{English, km_chart, response_chart};

fn week(week: u32, successes: u64, n: u64) -> WeekPoint {
    WeekPoint { week, response: Suppressed::Shown(Proportion::new(successes, n).expect("n > 0")) }
}

fn assert_safe_and_accessible(svg: &str, id: &str) {
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.ends_with("</svg>"));
    assert!(svg.contains("role=\"img\""));
    assert!(svg.contains(&format!("aria-labelledby=\"{id}-title {id}-desc\"")));
    assert_eq!(svg.matches("<title").count(), 1);
    assert_eq!(svg.matches("<desc").count(), 1);
    for banned in ["<script", "<style", "style=", "href", "onload", "javascript:", "<foreignObject"] {
        assert!(!svg.contains(banned), "chart contains {banned}");
    }
}

#[test]
fn response_chart_draws_shown_weeks_breaks_at_suppressed_ones_and_describes_all() {
    let points = vec![
        week(0, 3, 20),
        week(1, 8, 20),
        WeekPoint { week: 2, response: Suppressed::Suppressed { threshold: 11 } },
        week(3, 12, 20),
        week(4, 13, 20),
        week(6, 14, 19),
    ];
    let svg = response_chart("resp", "Response <PHQ-9> & \"IV\"", &points, &English);
    assert_safe_and_accessible(&svg, "resp");
    assert!(svg.contains("<title id=\"resp-title\">Response &lt;PHQ-9&gt; &amp; &quot;IV&quot;</title>"));
    // Five shown weeks: five dots; runs 0–1, 3–4 and 6 alone: two bands, one whisker, three moves in the line.
    assert_eq!(svg.matches("<circle").count(), 5);
    assert_eq!(svg.matches("<polygon").count(), 2);
    assert_eq!(svg.matches("stroke-width=\"6\"").count(), 1);
    let path = svg.split("<path d=\"").nth(1).and_then(|rest| rest.split('"').next()).expect("a line");
    assert_eq!(path.matches('M').count(), 3);
    assert_eq!(path.matches('L').count(), 2);
    // The description carries every number, and names the hidden week.
    assert!(svg.contains("Week 1: 40% (95% CI 22% to 61%), 8 of 20."), "{svg}");
    assert!(svg.contains("Week 2: not shown (fewer than 11 patients)."));
    assert_eq!(svg, response_chart("resp", "Response <PHQ-9> & \"IV\"", &points, &English), "deterministic");
}

#[test]
fn km_chart_has_one_drop_per_event_time_and_one_tick_per_censoring_time() {
    let steps = km(&[
        (1.0, true),
        (2.0, false),
        (3.0, true),
        (3.0, true),
        (3.0, false),
        (5.0, true),
        (6.0, false),
        (8.0, true),
    ])
    .expect("valid");
    let svg = km_chart("km\"><script>", "Durability", &steps, &English);
    // The id is cleaned so that it cannot leave its attribute.
    assert_safe_and_accessible(&svg, "kmscript");
    let path = svg.split("<path d=\"").nth(1).and_then(|rest| rest.split('"').next()).expect("a curve");
    assert_eq!(path.matches('V').count(), 4, "event times 1, 3, 5, 8: {path}");
    let ticks = svg.split("<g stroke=\"#d62728\"").nth(1).expect("tick group");
    assert_eq!(ticks.matches("<line").count(), 3, "censoring times 2, 3, 6");
    assert!(svg.contains("3 days: 58% (at risk 6, events 2, censored 1)."), "{svg}");
    assert!(svg.contains("8 days: 0% (at risk 1, events 1, censored 0)."));
    // The curve starts at 100% on the left axis and ends at the last time on the right.
    assert!(path.starts_with("M56.0 16.0"));
    assert!(path.ends_with("H624.0"));

    let empty = km_chart("empty", "No data", &[], &English);
    assert_safe_and_accessible(&empty, "empty");
    assert_eq!(empty.matches("<line").count(), 2, "the two axes only");
}
