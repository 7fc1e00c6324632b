//! Criterion benchmarks of clinic search at 100,000 and 1,000,000 synthetic clinics (DESIGN.md,
//! "Performance budgets"): nearest 10 with no filter, a ~10% filter and a ~1% combination; everything within
//! 50 km sorted; the API-shaped page within 50 km; and the index build time.
//!
//! Reproduce: `cargo bench -p ketapath-directory --bench search` (add `-- nearest10_f1` to run one scenario;
//! `BENCH_SIZES=100000` to run one size). Besides criterion's means over many query points, the bench prints
//! per-query medians (each query timed alone), which is what the budgets are stated in.
#![allow(clippy::print_stdout)] // A benchmark reports on stdout.

mod support;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use ketapath_directory::search::synthetic::{self, Scenario};
use ketapath_directory::search::{ClinicIndex, Filter};

const QUERY_POINTS: usize = 2000;

fn sizes() -> Vec<usize> {
    std::env::var("BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![100_000, 1_000_000])
}

fn bench(c: &mut Criterion) {
    println!("reproduce: cargo bench -p ketapath-directory --bench search   (BENCH_SIZES=100000,1000000 by default)");
    for n in sizes() {
        let clinics = synthetic::clinics(n, synthetic::DEFAULT_SEED);
        println!(
            "n={n}: selectivity of offers=im_ketamine {:.2}%, of esketamine_nasal+medicaid+es {:.2}%",
            100.0 * support::selectivity(&clinics, &synthetic::filter_10_percent()),
            100.0 * support::selectivity(&clinics, &synthetic::filter_1_percent()),
        );
        let mut builds: Vec<f64> = (0..3)
            .map(|_| {
                let copy = clinics.clone();
                let start = Instant::now();
                let index = ClinicIndex::build(copy);
                let ms = start.elapsed().as_secs_f64() * 1e3;
                drop(black_box(index));
                ms
            })
            .collect();
        builds.sort_by(f64::total_cmp);
        println!("n={n}: index build median {:.0} ms (of 3; runs {builds:.0?})", builds[1]);

        let mut index = ClinicIndex::build(clinics);
        let points = synthetic::query_points(QUERY_POINTS, synthetic::DEFAULT_SEED);
        let mut scenarios = synthetic::scenarios();
        scenarios.push(Scenario {
            name: "within50_page",
            what: "within 50 km, first 20 and total",
            filter: Filter::default(),
            radius_km: Some(50.0),
            limit: 20,
        });
        for scenario in &scenarios {
            let l = support::per_query(&index, scenario, &points, 3);
            println!(
                "n={n} {:<14} per query: median {:>7.2} us  p90 {:>7.2} us  mean {:>7.2} us; hits {:>6.1}, total {:>9.1}  ({})",
                scenario.name, l.median_us, l.p90_us, l.mean_us, l.mean_hits, l.mean_total, scenario.what
            );
        }

        let mut group = c.benchmark_group(format!("search_{n}"));
        group.sample_size(30).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(2));
        for scenario in &scenarios {
            let queries: Vec<_> = points.iter().map(|p| scenario.query(*p)).collect();
            let mut i = 0;
            group.bench_function(scenario.name, |b| {
                b.iter(|| {
                    i = (i + 1) % queries.len();
                    black_box(index.search(black_box(&queries[i])).total)
                })
            });
        }
        group.finish();
        changes(&mut index, n, &points);
    }
}

/// Cost of updates, and of queries while they are pending: 1,000 upserts (half replacing existing clinics,
/// half new), then the 10% filter query, then a compaction.
fn changes(index: &mut ClinicIndex, n: usize, points: &[ketapath_directory::model::Position]) {
    let mut fresh = synthetic::clinics(1_000, synthetic::DEFAULT_SEED + 1);
    for (i, c) in fresh.iter_mut().enumerate() {
        let id = if i % 2 == 0 { format!("syn-{:07}", (i * 7919) % n) } else { format!("new-{i}") };
        if let Ok(id) = ketapath_directory::model::ClinicId::parse(&id) {
            c.id = id;
        }
    }
    let start = Instant::now();
    for c in fresh {
        index.upsert(c);
    }
    let upsert_us = start.elapsed().as_secs_f64() * 1e6 / 1_000.0;
    let f10 = &synthetic::scenarios()[1];
    let l = support::per_query(index, f10, points, 3);
    let start = Instant::now();
    index.compact();
    let compact_ms = start.elapsed().as_secs_f64() * 1e3;
    let after = support::per_query(index, f10, points, 3);
    println!(
        "n={n} changes: upsert {upsert_us:.2} us each; nearest10_f10 with 1,000 pending changes median {:.2} us, \
         after compact {:.2} us; compact {compact_ms:.0} ms",
        l.median_us, after.median_us
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
