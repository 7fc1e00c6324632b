//! Properties: Wilson bounds stay in [0, 1] and contain the observed rate; Kaplan–Meier survival never increases.

use ketapath_research::stats::{km, wilson};
use proptest::prelude::*;

proptest! {
    #[test]
    fn wilson_bounds_are_proportions_around_the_observed_rate(n in 1u64..5000, frac in 0.0f64..=1.0, z in 0.5f64..4.0) {
        let successes = ((n as f64) * frac).floor() as u64;
        let i = wilson(successes, n, z).expect("n > 0 and successes <= n");
        let p = successes as f64 / n as f64;
        prop_assert!(0.0 <= i.low && i.low <= p + 1e-12, "{i:?} p = {p}");
        prop_assert!(p - 1e-12 <= i.high && i.high <= 1.0, "{i:?} p = {p}");
    }

    #[test]
    fn kaplan_meier_survival_never_increases(
        observations in prop::collection::vec((0.0f64..100.0, any::<bool>()), 0..60)
    ) {
        let steps = km(&observations).expect("finite, non-negative times");
        let mut previous = 1.0;
        let mut previous_time = f64::NEG_INFINITY;
        let mut previous_at_risk = u64::MAX;
        for step in &steps {
            prop_assert!(step.survival <= previous + 1e-12 && step.survival >= 0.0);
            prop_assert!(step.time > previous_time);
            prop_assert!(step.at_risk <= previous_at_risk);
            previous = step.survival;
            previous_time = step.time;
            previous_at_risk = step.at_risk;
        }
        let total: u64 = steps.iter().map(|s| s.events + s.censored).sum();
        prop_assert_eq!(total, observations.len() as u64);
    }
}
