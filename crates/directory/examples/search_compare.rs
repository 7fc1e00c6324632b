//! The Rust side of `scripts/bench/postgis_compare.sh`: loads the CSV that `synth` wrote (the one PostGIS
//! loads), builds the index, times every benchmark scenario at every query point and prints one line per
//! scenario: `RESULT <name> <median_us> <p90_us> <mean_hits> <mean_total> <mean_us>`.
//!
//! `cargo run --release -p ketapath-directory --example search_compare -- --clinics clinics.csv --queries queries.csv`
#![allow(clippy::print_stdout, clippy::print_stderr)] // A command-line tool reports on stdout and stderr.

#[path = "../benches/support/mod.rs"]
mod support;

use std::error::Error;
use std::time::Instant;

use ketapath_directory::codes::{Language, Offers, Payments};
use ketapath_directory::model::{Address, Clinic, ClinicId, Position, PositionSource};
use ketapath_directory::search::{ClinicIndex, synthetic};

fn main() -> Result<(), Box<dyn Error>> {
    let (mut clinics_path, mut queries_path, mut passes) = (None, None, 3usize);
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--clinics" => clinics_path = Some(value()?),
            "--queries" => queries_path = Some(value()?),
            "--passes" => passes = value()?.parse()?,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let clinics = read_clinics(&clinics_path.ok_or("--clinics FILE is required")?)?;
    let points = read_points(&queries_path.ok_or("--queries FILE is required")?)?;

    let n = clinics.len();
    println!(
        "SELECTIVITY f10 {:.4} f1 {:.4}",
        support::selectivity(&clinics, &synthetic::filter_10_percent()),
        support::selectivity(&clinics, &synthetic::filter_1_percent())
    );
    let start = Instant::now();
    let index = ClinicIndex::build(clinics);
    eprintln!("built the index over {n} clinics in {:.0} ms", start.elapsed().as_secs_f64() * 1e3);
    println!("BUILD_MS {:.1}", start.elapsed().as_secs_f64() * 1e3);

    for scenario in synthetic::scenarios() {
        let l = support::per_query(&index, &scenario, &points, passes);
        println!(
            "RESULT {} {:.3} {:.3} {:.1} {:.1} {:.3}",
            scenario.name, l.median_us, l.p90_us, l.mean_hits, l.mean_total, l.mean_us
        );
    }
    Ok(())
}

fn read_clinics(path: &str) -> Result<Vec<Clinic>, Box<dyn Error>> {
    let mut reader = csv::Reader::from_path(path)?;
    let headers = reader.headers()?.clone();
    let col = |name: &str| headers.iter().position(|h| h == name).ok_or(format!("column {name} missing"));
    let c = [
        col("id")?,
        col("name")?,
        col("street")?,
        col("city")?,
        col("state")?,
        col("zip")?,
        col("lat")?,
        col("lon")?,
        col("offers")?,
        col("payment")?,
        col("telehealth")?,
        col("languages")?,
        col("accepting_new_patients")?,
        col("rems_certified")?,
    ];
    let mut clinics = Vec::new();
    for (line, record) in reader.records().enumerate() {
        let r = record?;
        let f = |i: usize| r.get(c[i]).unwrap_or("");
        let row = || format!("row {}", line + 2);
        let languages = f(11)
            .split(';')
            .filter(|s| !s.is_empty())
            .map(Language::parse)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("{}: {e}", row()))?;
        clinics.push(Clinic {
            id: ClinicId::parse(f(0)).map_err(|e| format!("{}: {e}", row()))?,
            name: f(1).to_owned(),
            address: Address {
                street: f(2).to_owned(),
                city: f(3).to_owned(),
                state: f(4).to_owned(),
                zip: f(5).to_owned(),
            },
            position: Position::new(f(6).parse()?, f(7).parse()?).map_err(|e| format!("{}: {e}", row()))?,
            position_source: PositionSource::Record,
            phone: None,
            website: None,
            offers: Offers::parse_list(f(8), ';').map_err(|e| format!("{}: {e}", row()))?,
            payment: Payments::parse_list(f(9), ';').map_err(|e| format!("{}: {e}", row()))?,
            insurance_plans: Vec::new(),
            telehealth: f(10) == "true",
            languages,
            accepting_new_patients: f(12) == "true",
            rems_certified: f(13) == "true",
            last_verified: None,
            verified_by: None,
            hours: Vec::new(),
            accessibility: Vec::new(),
            description: None,
            demo: false,
        });
    }
    Ok(clinics)
}

fn read_points(path: &str) -> Result<Vec<Position>, Box<dyn Error>> {
    let mut reader = csv::Reader::from_path(path)?;
    let mut points = Vec::new();
    for record in reader.records() {
        let r = record?;
        let lat: f64 = r.get(0).ok_or("lat missing")?.parse()?;
        let lon: f64 = r.get(1).ok_or("lon missing")?.parse()?;
        points.push(Position::new(lat, lon)?);
    }
    Ok(points)
}
