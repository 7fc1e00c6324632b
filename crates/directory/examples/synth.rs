//! Writes the synthetic benchmark clinics as contract CSV (and optionally the query points), so that the
//! PostGIS comparison loads exactly the data the Rust side searches.
//!
//! `cargo run --release -p ketapath-directory --example synth -- --count 1000000 --out clinics.csv \
//!     [--seed 42] [--queries 2000 --queries-out queries.csv]`
#![allow(clippy::print_stdout, clippy::print_stderr)] // A command-line tool reports on stdout and stderr.

use std::error::Error;

use ketapath_directory::search::synthetic;

fn main() -> Result<(), Box<dyn Error>> {
    let mut count = 100_000usize;
    let mut out = None;
    let mut seed = synthetic::DEFAULT_SEED;
    let mut queries = 0usize;
    let mut queries_out = None;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--count" => count = value()?.parse()?,
            "--out" => out = Some(value()?),
            "--seed" => seed = value()?.parse()?,
            "--queries" => queries = value()?.parse()?,
            "--queries-out" => queries_out = Some(value()?),
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let out = out.ok_or("--out FILE is required")?;

    let mut w = csv::Writer::from_path(&out)?;
    w.write_record([
        "id",
        "name",
        "street",
        "city",
        "state",
        "zip",
        "lat",
        "lon",
        "phone",
        "website",
        "offers",
        "payment",
        "telehealth",
        "languages",
        "accepting_new_patients",
        "rems_certified",
        "last_verified",
    ])?;
    for c in synthetic::clinics(count, seed) {
        let languages: Vec<&str> = c.languages.iter().map(|l| l.as_str()).collect();
        w.write_record([
            c.id.as_str(),
            &c.name,
            &c.address.street,
            &c.address.city,
            &c.address.state,
            &c.address.zip,
            &c.position.lat.to_string(),
            &c.position.lon.to_string(),
            c.phone.as_deref().unwrap_or(""),
            c.website.as_deref().unwrap_or(""),
            &c.offers.join(";"),
            &c.payment.join(";"),
            &c.telehealth.to_string(),
            &languages.join(";"),
            &c.accepting_new_patients.to_string(),
            &c.rems_certified.to_string(),
            "",
        ])?;
    }
    w.flush()?;
    eprintln!("wrote {count} clinics (seed {seed}) to {out}");

    if let Some(path) = queries_out {
        let mut w = csv::Writer::from_path(&path)?;
        w.write_record(["lat", "lon"])?;
        for p in synthetic::query_points(queries, seed) {
            w.write_record([p.lat.to_string(), p.lon.to_string()])?;
        }
        w.flush()?;
        eprintln!("wrote {queries} query points to {path}");
    }
    Ok(())
}
