//! Statistics against hand-computed values: Wilson intervals, Kaplan–Meier with censoring, small-cell suppression.

use ketapath_research::stats::{Suppressed, Threshold, Visibility, km, median_survival, per_100_sessions, wilson};

fn close(actual: f64, expected: f64) -> bool {
    (actual - expected).abs() < 5e-5
}

/// Wilson: center = (p + z²/2n)/(1 + z²/n), half-width = z·√(p(1−p)/n + z²/4n²)/(1 + z²/n), z = 1.96.
#[test]
fn wilson_matches_hand_computed_intervals() {
    // 8/10: z²/n = 0.38416, denominator 1.38416, center 0.99208/1.38416 = 0.71673,
    // half-width 1.96·√(0.016 + 0.009604)/1.38416 = 0.22658 → [0.4902, 0.9433].
    let i = wilson(8, 10, 1.96).expect("n > 0");
    assert!(close(i.low, 0.4902) && close(i.high, 0.9433), "{i:?}");
    // 0/10: center 0.19208/1.38416 = 0.13877, half-width 1.96·0.098/1.38416 = 0.13877 → [0, 0.2775].
    let i = wilson(0, 10, 1.96).expect("n > 0");
    assert_eq!(i.low, 0.0);
    assert!(close(i.high, 0.2775), "{i:?}");
    // 10/10 mirrors 0/10 → [0.7225, 1].
    let i = wilson(10, 10, 1.96).expect("n > 0");
    assert!(close(i.low, 0.7225), "{i:?}");
    assert_eq!(i.high, 1.0);
    // 50/100: center 0.5, half-width 1.96·√(0.0025 + 0.00009604)/1.038416 = 0.09617 → [0.4038, 0.5962].
    let i = wilson(50, 100, 1.96).expect("n > 0");
    assert!(close(i.low, 0.4038) && close(i.high, 0.5962), "{i:?}");

    assert_eq!(wilson(0, 0, 1.96), None);
    assert_eq!(wilson(11, 10, 1.96), None);
    assert_eq!(wilson(1, 10, f64::NAN), None);
}

/// Kaplan–Meier by hand for 8 subjects, times in days, E = event, C = censored:
/// 1E, 2C, 3E, 3E, 3C, 5E, 6C, 8E.
///
/// | t | at risk | events | censored | S(t)                     |
/// |---|---------|--------|----------|--------------------------|
/// | 1 | 8       | 1      | 0        | 7/8 = 0.875              |
/// | 2 | 7       | 0      | 1        | 0.875                    |
/// | 3 | 6       | 2      | 1        | 0.875 · 4/6 = 0.583333   |
/// | 5 | 3       | 1      | 0        | 0.583333 · 2/3 = 0.388889|
/// | 6 | 2       | 0      | 1        | 0.388889                 |
/// | 8 | 1       | 1      | 0        | 0                        |
///
/// Median: the first time S ≤ 0.5, that is 5. Greenwood at t = 3: S² · (1/(8·7) + 2/(6·4)) = 0.340278 · 0.101190
/// = 0.034433; at t = 8 every subject at risk had the event, so the variance is undefined.
#[test]
fn kaplan_meier_matches_a_hand_computed_fixture_with_censoring() {
    let observations =
        [(3.0, true), (1.0, true), (2.0, false), (3.0, false), (5.0, true), (3.0, true), (8.0, true), (6.0, false)];
    let steps = km(&observations).expect("valid times");
    let table: Vec<(f64, u64, u64, u64)> = steps.iter().map(|s| (s.time, s.at_risk, s.events, s.censored)).collect();
    assert_eq!(
        table,
        vec![(1.0, 8, 1, 0), (2.0, 7, 0, 1), (3.0, 6, 2, 1), (5.0, 3, 1, 0), (6.0, 2, 0, 1), (8.0, 1, 1, 0)]
    );
    let survival: Vec<f64> = steps.iter().map(|s| s.survival).collect();
    for (actual, expected) in survival.iter().zip([0.875, 0.875, 0.583333, 0.388889, 0.388889, 0.0]) {
        assert!(close(*actual, expected), "survival {survival:?}");
    }
    assert_eq!(median_survival(&steps), Some(5.0));
    let variance = steps[2].greenwood_variance.expect("defined at t = 3");
    assert!(close(variance, 0.034433), "{variance}");
    assert_eq!(steps[5].greenwood_variance, None);

    // Without enough events the median is not reached.
    let steps = km(&[(1.0, true), (2.0, false), (4.0, false)]).expect("valid");
    assert_eq!(median_survival(&steps), None);
    assert!(km(&[]).expect("empty is valid").is_empty());
    let error = km(&[(1.0, true), (-2.0, false)]).expect_err("negative time");
    assert_eq!(error.field, "observations[1].time");
    assert!(km(&[(f64::INFINITY, true)]).is_err());
}

#[test]
fn suppression_hides_10_and_shows_11() {
    let public = Visibility::default();
    let ten = public.cell(0.8, 10);
    let eleven = public.cell(0.8, 11);
    assert!(ten.is_suppressed());
    assert_eq!(ten.shown(), None);
    assert_eq!(eleven, Suppressed::Shown(0.8));
    assert_eq!(serde_json::to_string(&ten).expect("serializes"), "\"< 11\"");
    assert_eq!(serde_json::to_string(&eleven).expect("serializes"), "0.8");
    assert_eq!(ten.to_string(), "< 11");

    // The clinic's own staff see every figure.
    assert_eq!(Visibility::OwnClinic.cell(3, 1), Suppressed::Shown(3));

    // The threshold can be raised, never lowered.
    assert!(Threshold::new(10).is_err());
    let twenty = Visibility::Public { threshold: Threshold::new(20).expect("above minimum") };
    assert!(twenty.cell((), 19).is_suppressed());
    assert!(!twenty.cell((), 20).is_suppressed());
}

#[test]
fn rates_per_100_sessions() {
    assert_eq!(per_100_sessions(3, 60), Some(5.0));
    assert_eq!(per_100_sessions(0, 60), Some(0.0));
    assert_eq!(per_100_sessions(1, 0), None);
}
