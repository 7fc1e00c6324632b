//! Writes the synthetic benchmark clinics as contract CSV (and optionally the query points), so that the
//! PostGIS comparison loads exactly the data the Rust side searches.
//!
//! `cargo run --release -p ketapath-directory --example synth -- --count 1000000 --out clinics.csv \
//!     [--seed 42] [--queries 2000 --queries-out queries.csv]`
#![allow(clippy::print_stdout, clippy::print_stderr)] // A command-line tool reports on stdout and stderr.

use std::error::Error;

use ketapath_directory::export::write_csv;
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

    let clinics = synthetic::clinics(count, seed);
    let file = std::io::BufWriter::new(std::fs::File::create(&out)?);
    let mut file = write_csv(&clinics, file)?;
    std::io::Write::flush(&mut file)?;
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
