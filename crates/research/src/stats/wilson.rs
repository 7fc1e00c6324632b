//! Proportions with Wilson score intervals, the interval recommended for small samples and rates near 0 or 1
//! (Wilson EB, J Am Stat Assoc 1927; Brown, Cai & DasGupta, Stat Sci 2001), where the normal approximation fails.

use serde::Serialize;

/// The normal quantile for a two-sided 95% interval, rounded as the issue and most publications state it.
pub const Z_95: f64 = 1.96;

/// A closed interval of proportions.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}

/// The Wilson score interval of `successes` out of `n` at normal quantile `z`; `None` when `n` is 0, when
/// `successes > n`, or when `z` is not a finite positive number.
///
/// The bounds are clamped to [0, 1] and are exactly 0 at 0 successes and exactly 1 at `n` successes, where the
/// formula gives those values up to rounding.
pub fn wilson(successes: u64, n: u64, z: f64) -> Option<Interval> {
    if n == 0 || successes > n || !(z.is_finite() && z > 0.0) {
        return None;
    }
    let n_f = n as f64;
    let p = successes as f64 / n_f;
    let z2 = z * z;
    let denominator = 1.0 + z2 / n_f;
    let center = (p + z2 / (2.0 * n_f)) / denominator;
    let margin = z * (p * (1.0 - p) / n_f + z2 / (4.0 * n_f * n_f)).sqrt() / denominator;
    let low = if successes == 0 { 0.0 } else { (center - margin).clamp(0.0, 1.0) };
    let high = if successes == n { 1.0 } else { (center + margin).clamp(0.0, 1.0) };
    Some(Interval { low, high })
}

/// A count of successes out of `n`, its rate and its Wilson 95% interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Proportion {
    pub successes: u64,
    pub n: u64,
    pub rate: f64,
    pub interval: Interval,
}

/// `41.7% (95% CI 19.3–68.0%)`: one wording for the CLI, the registry page and the directory panel.
impl std::fmt::Display for Proportion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:.1}% (95% CI {:.1}–{:.1}%)",
            self.rate * 100.0,
            self.interval.low * 100.0,
            self.interval.high * 100.0
        )
    }
}

impl Proportion {
    /// `None` when `n` is 0 or `successes > n`.
    pub fn new(successes: u64, n: u64) -> Option<Self> {
        let interval = wilson(successes, n, Z_95)?;
        Some(Self { successes, n, rate: successes as f64 / n as f64, interval })
    }
}
