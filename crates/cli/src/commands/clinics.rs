//! `ketapath clinics import|export|search`: the clinic directory from the command line, through the store.
//!
//! Parsing and searching are `ketapath-directory`'s; keeping is `ketapath-store`'s. This file moves bytes between
//! files, those two crates and the terminal, and decides only what docs/FORMATS.md fixes: atomic import unless
//! `--skip-invalid` (a wrong header refuses the whole file even then), exit codes, one JSON document with `--json`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};
use ketapath_directory::export::{clinics_to_csv, clinics_to_json};
use ketapath_directory::fhir::{export_bundle, import_bundle};
use ketapath_directory::geo::Gazetteer;
use ketapath_directory::import::{parse_csv_with_progress, parse_json};
use ketapath_directory::listing::{ImportConflict, keep_clinic_verified};
use ketapath_directory::search::{ClinicIndex, SearchParams, SearchResponse};
use ketapath_directory::{Clinic, EntryReject, Reject};
use ketapath_store::ListingAuthor;

use super::store::{failure, open_existing};
use crate::failure::{CommandResult, Failure};
use crate::render;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Csv,
    Json,
    Fhir,
}

#[derive(Debug, clap::Subcommand)]
pub enum ClinicsCommand {
    /// Import clinic listings; atomic unless --skip-invalid. An existing id is updated.
    Import {
        /// The file to import.
        file: PathBuf,
        /// The file's format (default: from its extension; a JSON file holding a FHIR Bundle is read as fhir).
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// Import the valid records and write the rejected ones, with reasons, to this file.
        #[arg(long, value_name = "REJECTS_FILE")]
        skip_invalid: Option<PathBuf>,
        /// Keep a field its clinic verified after the record's last_verified date without a line per field (only
        /// their count); without it each such field is kept too, and reported on stderr.
        #[arg(long)]
        prefer_clinic: bool,
    },
    /// Export every listing (CSV, JSON or a FHIR R4 Bundle) to stdout or --out.
    Export {
        #[arg(long, value_enum, default_value = "csv")]
        format: Format,
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Search listings by distance with the filters of the search contract.
    Search(SearchArgs),
}

#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// Search around LAT,LON.
    #[arg(long, allow_hyphen_values = true, conflicts_with = "zip", required_unless_present = "zip")]
    pub near: Option<String>,
    /// Search around the centroid of a US ZIP code.
    #[arg(long)]
    pub zip: Option<String>,
    /// Only clinics within this many kilometres (default: no limit).
    #[arg(long, allow_hyphen_values = true)]
    pub radius_km: Option<String>,
    /// How many results (default 20, at most 100).
    #[arg(long)]
    pub limit: Option<String>,
    /// Skip this many results (paging).
    #[arg(long)]
    pub offset: Option<String>,
    /// Treatments that must all be offered, comma-separated (esketamine_nasal, iv_ketamine, ...).
    #[arg(long)]
    pub offers: Option<String>,
    /// Payments that must all be accepted, comma-separated (private_insurance, medicare, ...).
    #[arg(long)]
    pub payment: Option<String>,
    /// Only clinics offering telehealth.
    #[arg(long)]
    pub telehealth: bool,
    /// Only clinics speaking this ISO 639-1 language.
    #[arg(long)]
    pub language: Option<String>,
    /// Only clinics accepting new patients.
    #[arg(long)]
    pub accepting: bool,
    /// Print exactly one JSON document (the same as GET /api/v1/clinics).
    #[arg(long)]
    pub json: bool,
}

impl SearchArgs {
    /// The flags as query-string pairs, so the CLI and the HTTP API share one parser and one set of messages.
    fn pairs(&self) -> Vec<(String, String)> {
        let text = [
            ("near", &self.near),
            ("zip", &self.zip),
            ("radius_km", &self.radius_km),
            ("limit", &self.limit),
            ("offset", &self.offset),
            ("offers", &self.offers),
            ("payment", &self.payment),
            ("language", &self.language),
        ];
        let mut pairs: Vec<(String, String)> =
            text.into_iter().filter_map(|(k, v)| v.as_ref().map(|v| (k.to_owned(), v.clone()))).collect();
        for (flag, on) in [("telehealth", self.telehealth), ("accepting", self.accepting)] {
            if on {
                pairs.push((flag.to_owned(), "true".to_owned()));
            }
        }
        pairs
    }
}

pub fn run(cmd: ClinicsCommand, db: &str) -> CommandResult {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failure::Runtime(e.into()))?;
    runtime.block_on(async {
        match cmd {
            ClinicsCommand::Import { file, format, skip_invalid, prefer_clinic } => {
                import(db, &file, format, skip_invalid.as_deref(), prefer_clinic).await
            }
            ClinicsCommand::Export { format, out } => export(db, format, out.as_deref()).await,
            ClinicsCommand::Search(args) => search(db, &args).await,
        }
    })
}

/// What a parse produced: valid clinics, and rejects already written in the format's rejects-file form.
struct Parsed {
    /// A fault of the whole file (a wrong CSV header): nothing can be imported, with or without `--skip-invalid`.
    file_fault: Option<String>,
    clinics: Vec<Clinic>,
    reject_lines: Vec<String>,
    rejects_file: String,
}

fn parsed_csv(bytes: &[u8], gazetteer: &Gazetteer) -> Parsed {
    let bar = progress_bar(bytes);
    let batch = parse_csv_with_progress(bytes, gazetteer, &mut |rows| bar.set_position(rows));
    bar.finish_and_clear();
    let describe = |r: &Reject| format!("line {}: {}", r.line, r.reasons.join("; "));
    Parsed {
        file_fault: batch.file_fault().map(describe),
        reject_lines: batch.rejects.iter().map(describe).collect(),
        rejects_file: batch.rejects_csv(),
        clinics: batch.clinics.into_iter().map(|(_, c)| c).collect(),
    }
}

fn parsed_entries(clinics: Vec<(usize, Clinic)>, rejects: Vec<EntryReject>, what: &str) -> Result<Parsed, Failure> {
    let describe = |r: &EntryReject| format!("{what} {}: {}", r.index, r.reasons.join("; "));
    Ok(Parsed {
        file_fault: None,
        reject_lines: rejects.iter().map(describe).collect(),
        rejects_file: render::json(&rejects)?,
        clinics: clinics.into_iter().map(|(_, c)| c).collect(),
    })
}

/// A byte-counting bar for long imports, drawn only when stdout is a terminal.
fn progress_bar(bytes: &[u8]) -> ProgressBar {
    // Rows are not known before parsing; newlines are a cheap, close estimate of the row count.
    let rows = bytes.iter().filter(|b| **b == b'\n').count() as u64;
    if !std::io::stdout().is_terminal() || rows < 50_000 {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(rows);
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} rows {elapsed}") {
        bar.set_style(style);
    }
    bar
}

fn detect_format(file: &Path, bytes: &[u8]) -> Result<Format, Failure> {
    match file.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("csv") => Ok(Format::Csv),
        Some("json") => {
            // A FHIR Bundle declares itself; peeking at the start keeps this cheap for large arrays.
            let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]);
            Ok(if head.contains("\"resourceType\"") { Format::Fhir } else { Format::Json })
        }
        _ => Err(Failure::Invalid(format!(
            "--format: cannot tell the format of {} from its extension; give --format csv|json|fhir",
            file.display()
        ))),
    }
}

/// Keeps in `clinics` every field that its clinic (or a platform admin) verified after the record's own
/// `last_verified` date, or at any date when the record has none, so that an import never silently overwrites what
/// a clinic verified more recently (`ketapath_directory::listing::keep_clinic_verified`). Returns the conflicts.
async fn keep_clinic_verified_fields(
    store: &ketapath_store::Store,
    clinics: &mut [Clinic],
) -> Result<Vec<ImportConflict>, Failure> {
    let verified = store.listing_field_verifications().await.map_err(failure)?;
    let mut conflicts = Vec::new();
    for imported in clinics.iter_mut() {
        let Some(fields) = verified.get(&imported.id) else { continue };
        let Some(existing) = store.clinic(&imported.id).await.map_err(failure)? else { continue };
        let as_of = imported.last_verified;
        conflicts.extend(keep_clinic_verified(&existing, imported, fields, as_of));
    }
    Ok(conflicts)
}

async fn import(
    db: &str,
    file: &Path,
    format: Option<Format>,
    skip_invalid: Option<&Path>,
    prefer_clinic: bool,
) -> CommandResult {
    let bytes = std::fs::read(file).map_err(|e| Failure::Invalid(format!("cannot read {}: {e}", file.display())))?;
    let format = match format {
        Some(f) => f,
        None => detect_format(file, &bytes)?,
    };
    // Open the database before parsing, so a mistyped URL fails fast and names the path.
    let store = open_existing(db).await?;
    let gazetteer = Gazetteer::shipped();
    let parsed = match format {
        Format::Csv => parsed_csv(&bytes, gazetteer),
        Format::Json => {
            let batch =
                parse_json(&bytes, gazetteer).map_err(|e| Failure::Invalid(format!("{}: {e}", file.display())))?;
            parsed_entries(batch.clinics, batch.rejects, "record")?
        }
        Format::Fhir => {
            let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
                Failure::Invalid(format!(
                    "{}: malformed JSON at line {}, column {}: {e}",
                    file.display(),
                    e.line(),
                    e.column()
                ))
            })?;
            let batch =
                import_bundle(&value, gazetteer).map_err(|e| Failure::Invalid(format!("{}: {e}", file.display())))?;
            parsed_entries(batch.clinics, batch.rejects, "entry")?
        }
    };
    if let Some(fault) = &parsed.file_fault {
        return Err(Failure::Invalid(format!(
            "{}: {fault}. Nothing was imported: without the expected header no row can be read, so \
             --skip-invalid does not apply",
            file.display()
        )));
    }
    if !parsed.reject_lines.is_empty() {
        match skip_invalid {
            None => {
                for line in &parsed.reject_lines {
                    eprintln!("{}: {line}", file.display());
                }
                return Err(Failure::Invalid(format!(
                    "{} invalid record(s) in {}: nothing was imported (use --skip-invalid REJECTS_FILE to import the valid ones)",
                    parsed.reject_lines.len(),
                    file.display()
                )));
            }
            Some(rejects) => {
                std::fs::write(rejects, &parsed.rejects_file)
                    .map_err(|e| Failure::Runtime(anyhow::anyhow!("cannot write {}: {e}", rejects.display())))?;
            }
        }
    }
    let mut clinics = parsed.clinics;
    let conflicts = keep_clinic_verified_fields(&store, &mut clinics).await?;
    if !prefer_clinic {
        for c in &conflicts {
            eprintln!(
                "conflict: clinic {}, {}: kept the clinic's {:?} (verified by the clinic on {}); not imported: {:?}",
                c.clinic, c.field, c.kept, c.verified_on, c.imported
            );
        }
    }
    // One transaction: either every valid clinic is stored or none is.
    store.upsert_clinics(&clinics, ListingAuthor::AdminCli).await.map_err(failure)?;
    let rejected = match skip_invalid {
        Some(path) if !parsed.reject_lines.is_empty() => {
            format!("; {} rejected, written to {}", parsed.reject_lines.len(), path.display())
        }
        _ => String::new(),
    };
    let kept = match conflicts.len() {
        0 => String::new(),
        n => format!("; {n} field(s) verified more recently by their clinic kept"),
    };
    println!("imported {} clinic(s) from {}{rejected}{kept}", clinics.len(), file.display());
    Ok(())
}

async fn export(db: &str, format: Format, out: Option<&Path>) -> CommandResult {
    let store = open_existing(db).await?;
    let mut clinics = store.clinics().await.map_err(failure)?;
    clinics.sort_by(|a, b| a.id.cmp(&b.id));
    let text = match format {
        Format::Csv => clinics_to_csv(&clinics),
        Format::Json => clinics_to_json(&clinics),
        Format::Fhir => render::json(&export_bundle(&clinics))? + "\n",
    };
    match out {
        Some(path) => std::fs::write(path, text)
            .map_err(|e| Failure::Runtime(anyhow::anyhow!("cannot write {}: {e}", path.display())))?,
        None => print!("{text}"),
    }
    Ok(())
}

async fn search(db: &str, args: &SearchArgs) -> CommandResult {
    let invalid = |e: ketapath_directory::search::ParamError| {
        Failure::Invalid(format!("--{}: {}", e.param.replace('_', "-"), e.message))
    };
    let params = SearchParams::parse(&args.pairs()).map_err(invalid)?;
    let query = params.resolve(Gazetteer::shipped()).map_err(invalid)?;
    let store = open_existing(db).await?;
    let index = ClinicIndex::build(store.clinics().await.map_err(failure)?);
    let result = index.search(&query);
    let response = SearchResponse::new(&query, &result);
    if args.json {
        println!("{}", render::json(&response)?);
    } else {
        print!("{}", render::search_text(&response));
    }
    Ok(())
}
