//! Median and quartiles of a small sample, by linear interpolation between order statistics (Hyndman & Fan type 7,
//! the default of R and NumPy), so that published figures can be reproduced with common tools.

use serde::Serialize;

/// The median and interquartile range of a sample.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Quartiles {
    pub n: u64,
    pub q1: f64,
    pub median: f64,
    pub q3: f64,
}

/// The quartiles of the finite values of `values`; `None` when there are none.
pub fn quartiles(values: &[f64]) -> Option<Quartiles> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    Some(Quartiles { n: v.len() as u64, q1: quantile(&v, 0.25), median: quantile(&v, 0.5), q3: quantile(&v, 0.75) })
}

/// Type-7 quantile of sorted, non-empty `v`: position `(n − 1)·p`, interpolated.
fn quantile(v: &[f64], p: f64) -> f64 {
    let position = (v.len() - 1) as f64 * p;
    let lower = position.floor() as usize;
    let upper = position.ceil() as usize;
    v[lower] + (v[upper] - v[lower]) * (position - lower as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quartiles_match_r_type_7() {
        // R: quantile(c(1, 2, 4, 7, 10), type = 7) gives 2, 4, 7 at 25%, 50%, 75%.
        let q = quartiles(&[7.0, 1.0, 10.0, 2.0, 4.0]).expect("non-empty");
        assert_eq!((q.q1, q.median, q.q3, q.n), (2.0, 4.0, 7.0, 5));
        // quantile(c(1, 2, 3, 4), type = 7): 1.75, 2.5, 3.25.
        let q = quartiles(&[1.0, 2.0, 3.0, 4.0]).expect("non-empty");
        assert_eq!((q.q1, q.median, q.q3), (1.75, 2.5, 3.25));
        assert_eq!(quartiles(&[f64::NAN]), None);
        let q = quartiles(&[5.0]).expect("one value");
        assert_eq!((q.q1, q.median, q.q3), (5.0, 5.0, 5.0));
    }
}
