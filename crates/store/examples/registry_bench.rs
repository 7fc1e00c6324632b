//! Registry benchmark: seeds synthetic patients and PHQ-9s in bulk, computes the registry and writes the
//! de-identified CSV export, both streamed a page of patients at a time, and prints one JSON line of timings, peak
//! resident memory and the PHQ-9 cells so that `scripts/bench/registry_duckdb.sh` can compare them with DuckDB over
//! the same CSV.
//!
//! `cargo run --release -p ketapath-store --example registry_bench -- --db URL --patients N --assessments K --out DIR
//! [--page P] [--seeded] [--seed-only]` (`--seeded`: the database already holds the synthetic data; skip the seed;
//! `--seed-only`: seed, then stop, so that a large database can be prepared once for many runs; `--registry-only`:
//! skip the export, for profiling the registry).

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::Write as _;
use std::time::Instant;

use ketapath_clinical::instruments::Instrument;
use ketapath_research::{
    DateForm, Export, ExportKey, ExportStream, Format, RegistryBuilder, RegistryConfig, patient_order,
};
use ketapath_store::{DatabaseUrl, ListingAuthor, OpenMode, RESEARCH_PAGE, Store, StoreOptions, SyntheticResearch};

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned())
}

fn number(name: &str, default: usize) -> usize {
    arg(name).and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// The peak resident set size of this process since the last [`reset_peak_rss`], in MB (Linux `VmHWM`).
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Resets the peak resident set size to the current one (Linux: writing 5 to `clear_refs`), so that each step's
/// peak is its own.
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = DatabaseUrl::parse(&arg("--db").ok_or("--db URL is required")?)?;
    let patients = number("--patients", 1_000);
    let assessments = number("--assessments", 40);
    let page = number("--page", RESEARCH_PAGE);
    let out = std::path::PathBuf::from(arg("--out").ok_or("--out DIR is required")?);
    let seeded = std::env::args().any(|a| a == "--seeded");

    let store = Store::open_with(&url, OpenMode::CreateIfMissing, StoreOptions::default()).await?;
    store.migrate().await?;
    let started = Instant::now();
    let seed_s = if seeded {
        None
    } else {
        let clinics = ketapath_directory::search::synthetic::clinics(50, 1);
        store.upsert_clinics(&clinics, ListingAuthor::AdminCli).await?;
        let spec = SyntheticResearch {
            clinics: clinics.iter().map(|c| c.id.clone()).collect(),
            patients,
            assessments_per_patient: assessments,
            sessions_per_patient: 4,
            consent_share: 0.9,
            iv_share: 0.4,
            seed: 2026,
        };
        let counts = store.insert_synthetic_research_for_benchmarks(&spec).await?;
        let seed_s = started.elapsed().as_secs_f64();
        eprintln!("seeded {counts:?} in {seed_s:.1} s");
        Some(seed_s)
    };
    if std::env::args().any(|a| a == "--seed-only") {
        println!("{}", serde_json::json!({ "seed_s": seed_s }));
        store.close().await;
        return Ok(());
    }
    let counts = store.synthetic_counts_for_benchmarks().await?;

    let as_of = store.now().date();
    let reader = store.research_reader_for_admin_cli_and_registry("bench");
    // The stored statistics records are rebuilt for the patients changed since the last refresh; the seed changed
    // every patient, so the first refresh after it builds them all, and later ones none.
    let started = Instant::now();
    let refreshed = reader.refresh_statistics().await?;
    let refresh_s = started.elapsed().as_secs_f64();
    eprintln!("refreshed {refreshed} stored statistics records in {refresh_s:.1} s");
    reset_peak_rss();
    let started = Instant::now();
    let mut builder = RegistryBuilder::new(RegistryConfig::public(as_of));
    let consenting = reader
        .for_each_statistics_page(as_of, page, |patients| {
            builder.add_all(&patients).map_err(|e| Box::<dyn std::error::Error>::from(e.to_string()))
        })
        .await?;
    let stats = builder.finish()?;
    let registry_s = started.elapsed().as_secs_f64();
    let registry_peak = peak_rss_mb();
    eprintln!("registry over {consenting} consenting patients in {registry_s:.1} s, peak RSS {registry_peak:?} MB");
    if std::env::args().any(|a| a == "--registry-only") {
        store.close().await;
        return Ok(());
    }

    reset_peak_rss();
    let started = Instant::now();
    let key = ExportKey::from_bytes(&[42; 32])?;
    std::fs::create_dir_all(&out)?;
    let mut files: Vec<std::io::BufWriter<std::fs::File>> = Vec::new();
    for file in (Export { form: DateForm::Offsets, ..Export::default() }).files(Format::Csv)? {
        let mut writer = std::io::BufWriter::new(std::fs::File::create(out.join(&file.name))?);
        writer.write_all(file.contents.as_bytes())?;
        files.push(writer);
    }
    let mut stream = ExportStream::new(&key, as_of, DateForm::Offsets);
    let order = |id: &str| patient_order(&key, id);
    reader
        .for_each_page_in_order(as_of, page, order, |patients| {
            let part = stream.add_page(&patients).map_err(|e| Box::<dyn std::error::Error>::from(e.to_string()))?;
            for (writer, file) in files.iter_mut().zip(part.files_part(Format::Csv, false)?) {
                writer.write_all(file.contents.as_bytes())?;
            }
            Ok::<_, Box<dyn std::error::Error>>(())
        })
        .await?;
    let totals = stream.finish()?;
    for writer in files {
        writer.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    }
    let export_s = started.elapsed().as_secs_f64();
    let export_peak = peak_rss_mb();
    eprintln!("exported {totals:?} in {export_s:.1} s, peak RSS {export_peak:?} MB");

    let cells: Vec<serde_json::Value> = stats
        .outcomes
        .iter()
        .filter(|c| c.instrument == Instrument::Phq9)
        .map(|c| {
            serde_json::json!({
                "modality": c.modality.code(),
                "patients": c.patients,
                "responders": c.response.shown().map(|p| p.successes),
                "remitters": c.remission.shown().map(|p| p.successes),
                "response_rate": c.response.shown().map(|p| p.rate),
                "response_low": c.response.shown().map(|p| p.interval.low),
                "response_high": c.response.shown().map(|p| p.interval.high),
            })
        })
        .collect();
    let backend = match url {
        DatabaseUrl::Sqlite { .. } => "sqlite",
        DatabaseUrl::Postgres { .. } => "postgres",
    };
    println!(
        "{}",
        serde_json::json!({
            "backend": backend,
            "patients": counts.patients,
            "assessments": counts.assessments,
            "consenting": totals.patients,
            "page": page,
            "seed_s": seed_s,
            "refreshed": refreshed,
            "refresh_s": refresh_s,
            "registry_s": registry_s,
            "registry_peak_rss_mb": registry_peak,
            "export_csv_s": export_s,
            "export_peak_rss_mb": export_peak,
            "cells": cells,
        })
    );
    store.close().await;
    Ok(())
}
