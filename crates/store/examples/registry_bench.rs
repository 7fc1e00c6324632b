//! Registry benchmark: seeds synthetic patients and PHQ-9s in bulk, times the research read and the registry
//! aggregation, writes the de-identified CSV export, and prints one JSON line of timings and the PHQ-9 cells so that
//! `scripts/bench/registry_duckdb.sh` can compare them with DuckDB over the same CSV.
//!
//! `cargo run --release -p ketapath-store --example registry_bench -- --db URL --patients N --assessments K --out DIR`

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::time::Instant;

use ketapath_clinical::instruments::Instrument;
use ketapath_research::{DateForm, ExportKey, Format, RegistryConfig, build_export, registry};
use ketapath_store::{DatabaseUrl, ListingAuthor, OpenMode, ResearchUse, Store, StoreOptions, SyntheticResearch};

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned())
}

fn number(name: &str, default: usize) -> usize {
    arg(name).and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = DatabaseUrl::parse(&arg("--db").ok_or("--db URL is required")?)?;
    let patients = number("--patients", 1_000);
    let assessments = number("--assessments", 40);
    let out = std::path::PathBuf::from(arg("--out").ok_or("--out DIR is required")?);

    let store = Store::open_with(&url, OpenMode::CreateIfMissing, StoreOptions::default()).await?;
    store.migrate().await?;
    let clinics = ketapath_directory::search::synthetic::clinics(50, 1);
    store.upsert_clinics(&clinics, ListingAuthor::AdminCli).await?;

    let started = Instant::now();
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

    let as_of = store.now().date();
    let started = Instant::now();
    let reader = store.research_reader_for_admin_cli_and_registry("bench");
    let consenting = reader.patients(ResearchUse::Statistics, as_of).await?;
    let read_s = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let stats = registry(&consenting, &RegistryConfig::public(as_of))?;
    let aggregate_s = started.elapsed().as_secs_f64();
    eprintln!("read {} consenting patients in {read_s:.1} s, aggregated in {aggregate_s:.1} s", consenting.len());

    let started = Instant::now();
    let key = ExportKey::from_bytes(&[42; 32])?;
    let export = build_export(&consenting, &key, as_of, DateForm::Offsets)?;
    drop(consenting);
    std::fs::create_dir_all(&out)?;
    for file in export.files(Format::Csv)? {
        std::fs::write(out.join(&file.name), file.contents)?;
    }
    let export_s = started.elapsed().as_secs_f64();

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
            "consenting": export.patients.len(),
            "seed_s": seed_s,
            "read_s": read_s,
            "aggregate_s": aggregate_s,
            "registry_s": read_s + aggregate_s,
            "export_csv_s": export_s,
            "cells": cells,
        })
    );
    store.close().await;
    Ok(())
}
