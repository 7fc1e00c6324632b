//! The Kaplan–Meier estimator with right censoring, Greenwood's variance, and the median survival time.

use ketapath_clinical::InvalidInput;
use serde::Serialize;

/// One distinct observation time of the estimate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Step {
    pub time: f64,
    /// Subjects still under observation just before `time`.
    pub at_risk: u64,
    pub events: u64,
    pub censored: u64,
    /// The estimated probability of no event up to and including `time`.
    pub survival: f64,
    /// Greenwood's variance of `survival`; `None` once every subject at risk at some time had the event, where
    /// the formula divides by zero.
    pub greenwood_variance: Option<f64>,
}

/// The Kaplan–Meier estimate from `(time, event)` pairs, where `event == false` means censored at `time`.
///
/// One step per distinct time, events or censorings, in increasing time. At a time with both, the events are
/// counted first and the censored subjects are still at risk at that time (the usual convention: censoring
/// happens just after). Times must be finite and non-negative; the error names the entry
/// (`observations[3].time`).
pub fn km(observations: &[(f64, bool)]) -> Result<Vec<Step>, InvalidInput> {
    for (index, (time, _)) in observations.iter().enumerate() {
        if !(time.is_finite() && *time >= 0.0) {
            return Err(InvalidInput::new(
                format!("observations[{index}].time"),
                format!("must be a finite, non-negative number; got {time}"),
            ));
        }
    }
    let mut sorted: Vec<(f64, bool)> = observations.to_vec();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));

    let mut steps = Vec::new();
    let mut at_risk = sorted.len() as u64;
    let mut survival = 1.0;
    let mut greenwood_sum = Some(0.0);
    let mut i = 0;
    while i < sorted.len() {
        let time = sorted[i].0;
        let (mut events, mut censored) = (0u64, 0u64);
        while i < sorted.len() && sorted[i].0 == time {
            if sorted[i].1 {
                events += 1;
            } else {
                censored += 1;
            }
            i += 1;
        }
        if events > 0 {
            survival *= 1.0 - events as f64 / at_risk as f64;
            greenwood_sum = greenwood_sum.and_then(|sum: f64| {
                (at_risk > events).then(|| sum + events as f64 / (at_risk as f64 * (at_risk - events) as f64))
            });
        }
        steps.push(Step {
            time,
            at_risk,
            events,
            censored,
            survival,
            greenwood_variance: greenwood_sum.map(|sum| survival * survival * sum),
        });
        at_risk -= events + censored;
    }
    Ok(steps)
}

/// The median survival time: the first time at which the estimate is at or below 0.5; `None` when it never
/// falls that far (the median is not reached within follow-up).
pub fn median_survival(steps: &[Step]) -> Option<f64> {
    steps.iter().find(|s| s.survival <= 0.5).map(|s| s.time)
}
