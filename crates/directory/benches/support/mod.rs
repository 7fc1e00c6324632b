//! Timing helpers shared by the criterion bench (`benches/search.rs`) and the PostGIS comparison binary
//! (`examples/search_compare.rs`), so both report the same statistic the same way.

use std::time::Instant;

use ketapath_directory::model::{Clinic, Position};
use ketapath_directory::search::synthetic::Scenario;
use ketapath_directory::search::{ClinicIndex, Filter};

/// Per-query latency over a set of query points.
#[derive(Debug, Clone, Copy)]
pub struct Latency {
    pub median_us: f64,
    pub p90_us: f64,
    pub mean_us: f64,
    /// Mean number of clinics returned per query.
    pub mean_hits: f64,
    /// Mean `total` per query.
    pub mean_total: f64,
}

/// Times each query on its own (one warm-up pass, then `passes` timed passes) and summarises.
pub fn per_query(index: &ClinicIndex, scenario: &Scenario, points: &[Position], passes: usize) -> Latency {
    let queries: Vec<_> = points.iter().map(|p| scenario.query(*p)).collect();
    let (mut hits, mut totals) = (0usize, 0usize);
    for q in &queries {
        let r = index.search(q);
        hits += r.hits.len();
        totals += r.total;
    }
    let mut samples = Vec::with_capacity(queries.len() * passes);
    for _ in 0..passes {
        for q in &queries {
            let start = Instant::now();
            let r = index.search(q);
            let elapsed = start.elapsed();
            std::hint::black_box(r.total);
            samples.push(elapsed.as_secs_f64() * 1e6);
        }
    }
    samples.sort_by(f64::total_cmp);
    let at = |q: f64| samples.get(((samples.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or(f64::NAN);
    let n = queries.len().max(1) as f64;
    let mean_us = samples.iter().sum::<f64>() / samples.len().max(1) as f64;
    Latency { median_us: at(0.5), p90_us: at(0.9), mean_us, mean_hits: hits as f64 / n, mean_total: totals as f64 / n }
}

/// Share of clinics that pass a filter.
pub fn selectivity(clinics: &[Clinic], filter: &Filter) -> f64 {
    clinics.iter().filter(|c| filter.matches(c)).count() as f64 / clinics.len().max(1) as f64
}
