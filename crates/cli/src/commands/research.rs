//! Research commands: `export research --out DIR [--format csv|ndjson] [--key-file F] [--shifted-dates]` and
//! `registry [--json]`.
//!
//! Both read consenting patients through the store's research reader (one audit event per run) and hand them to
//! `ketapath-research`, which de-identifies or aggregates them. The export key comes from a file or the
//! environment, never from an argument (arguments show in `ps`), and is never written anywhere. The export is
//! written into a temporary directory next to DIR and renamed into place, so DIR holds either every file or none.
//! Both stream: the store hands over a page of patients at a time, and neither command holds more than a page.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context;
use ketapath_research::{
    DateForm, Export, ExportKey, ExportStream, Format, RegistryBuilder, RegistryConfig, Suppressed, patient_order,
};
use ketapath_store::RESEARCH_PAGE;

use super::store::open_existing;
use crate::failure::{CommandResult, Failure};

/// The environment variable that may hold the export key (hex).
pub const KEY_ENV: &str = "KETAPATH_RESEARCH_KEY";

#[derive(Debug, clap::Subcommand)]
pub enum ExportCommand {
    /// Write the de-identified research data set of consenting patients (see docs/research-export.md).
    Research {
        /// The directory to create; it must not exist.
        #[arg(long)]
        out: PathBuf,
        /// csv or ndjson.
        #[arg(long, default_value = "csv")]
        format: String,
        /// A file holding the export key as at least 64 hex digits; otherwise KETAPATH_RESEARCH_KEY.
        #[arg(long)]
        key_file: Option<PathBuf>,
        /// Write dates shifted per patient instead of days since each patient's first event. Shifted dates are
        /// not Safe Harbor: they need an Expert Determination before the data leave the clinic.
        #[arg(long)]
        shifted_dates: bool,
    },
}

#[derive(Debug, clap::Args)]
pub struct RegistryArgs {
    /// Print one JSON document instead of text.
    #[arg(long)]
    json: bool,
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failure::Runtime(e.into()))
}

/// The export key from `--key-file` or the environment; its text never appears in a message.
pub(crate) fn load_key(key_file: Option<&Path>) -> Result<ExportKey, Failure> {
    let (text, source) = match key_file {
        Some(path) => (
            std::fs::read_to_string(path)
                .map_err(|e| Failure::Invalid(format!("key-file: cannot read {}: {e}", path.display())))?,
            "key-file",
        ),
        None => (
            std::env::var(KEY_ENV).map_err(|_| {
                Failure::Invalid(format!(
                    "key: give --key-file FILE or set {KEY_ENV} to a secret of at least 64 hex digits \
                     (for example from `openssl rand -hex 32`)"
                ))
            })?,
            KEY_ENV,
        ),
    };
    ExportKey::from_hex(&text).map_err(|e| Failure::Invalid(format!("{source}: {e}")))
}

pub fn run_export(cmd: ExportCommand, db: &str) -> CommandResult {
    let ExportCommand::Research { out, format, key_file, shifted_dates } = cmd;
    let form = if shifted_dates { DateForm::Shifted } else { DateForm::Offsets };
    let format = Format::parse(&format)?;
    let key = load_key(key_file.as_deref())?;
    if out.exists() {
        return Err(Failure::Invalid(format!("out: {} already exists; name a new directory", out.display())));
    }
    runtime()?.block_on(async {
        let store = open_existing(db).await?;
        let as_of = store.now().date();
        let reader = store.research_reader_for_admin_cli_and_registry("cli");
        let temp = partial_dir(&out).map_err(Failure::Runtime)?;
        let written = async {
            // Pages come in pseudonym order, so each page's rows are the next rows of every file: memory holds
            // one page, whatever the number of patients.
            let mut files = ExportFiles { dir: temp.clone(), open: Vec::new() };
            let mut stream = ExportStream::new(&key, as_of, form);
            files.append(&Export { form, ..Export::default() }.files(format)?)?;
            let order = |id: &str| patient_order(&key, id);
            reader
                .for_each_page_in_order(as_of, RESEARCH_PAGE, order, |page| {
                    files.append(&stream.add_page(&page)?.files_part(format, false)?)
                })
                .await?;
            let totals = stream.finish()?;
            files.sync()?;
            std::fs::rename(&temp, &out).with_context(|| format!("cannot rename into {}", out.display()))?;
            Ok::<_, anyhow::Error>(totals)
        }
        .await;
        store.close().await;
        if written.is_err() {
            let _ = std::fs::remove_dir_all(&temp);
        }
        let totals = written.map_err(Failure::Runtime)?;
        println!(
            "exported {} patients, {} courses, {} assessments, {} sessions, {} adverse events to {}",
            totals.patients,
            totals.courses,
            totals.assessments,
            totals.sessions,
            totals.adverse_events,
            out.display()
        );
        Ok(())
    })
}

/// Creates the temporary directory beside `out` that the export is written into before it is renamed to `out`, so
/// that `out` holds either every file or none.
fn partial_dir(out: &Path) -> anyhow::Result<PathBuf> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = out.file_name().context("out names no directory")?.to_string_lossy().into_owned();
    let temp = parent.join(format!(".{name}.partial-{}", std::process::id()));
    std::fs::create_dir(&temp).with_context(|| format!("cannot create {}", temp.display()))?;
    Ok(temp)
}

/// The files of an export being written, opened for appending in a temporary directory.
struct ExportFiles {
    dir: PathBuf,
    open: Vec<(String, std::io::BufWriter<std::fs::File>)>,
}

impl ExportFiles {
    /// Appends each file's text to the file of that name, creating it on first use.
    fn append(&mut self, files: &[ketapath_research::ExportFile]) -> anyhow::Result<()> {
        for file in files {
            let i = match self.open.iter().position(|(name, _)| *name == file.name) {
                Some(i) => i,
                None => {
                    let path = self.dir.join(&file.name);
                    let created =
                        std::fs::File::create(&path).with_context(|| format!("cannot write {}", path.display()))?;
                    self.open.push((file.name.clone(), std::io::BufWriter::new(created)));
                    self.open.len() - 1
                }
            };
            let writer = &mut self.open[i].1;
            writer.write_all(file.contents.as_bytes()).with_context(|| format!("cannot write {}", file.name))?;
        }
        Ok(())
    }

    /// Flushes every file to disk.
    fn sync(self) -> anyhow::Result<()> {
        for (name, writer) in self.open {
            let file =
                writer.into_inner().map_err(|e| e.into_error()).with_context(|| format!("cannot write {name}"))?;
            file.sync_all().with_context(|| format!("cannot write {name}"))?;
        }
        Ok(())
    }
}

pub fn run_registry(args: &RegistryArgs, db: &str) -> CommandResult {
    runtime()?.block_on(async {
        let store = open_existing(db).await?;
        let as_of = store.now().date();
        let reader = store.research_reader_for_admin_cli_and_registry("cli");
        // The patients changed since the last run get their stored statistics records rebuilt first (see
        // `ResearchReader::refresh_statistics`), so that the read takes one stored record per patient.
        // The registry keeps counts and a few numbers per course, never the patients: memory holds one page.
        let mut builder = RegistryBuilder::new(RegistryConfig::public(as_of));
        let read = async {
            reader.refresh_statistics().await?;
            reader
                .for_each_statistics_page(as_of, RESEARCH_PAGE, |page| builder.add_all(&page).map_err(Failure::from))
                .await
        }
        .await;
        store.close().await;
        read?;
        let stats = builder.finish()?;
        if args.json {
            println!("{}", serde_json::to_string_pretty(&stats).map_err(|e| Failure::Runtime(e.into()))?);
        } else {
            print!("{}", registry_text(&stats));
        }
        Ok(())
    })
}

/// The registry as text for people: one line per outcome cell, then safety and the gate.
fn registry_text(r: &ketapath_research::Registry) -> String {
    let mut out = format!(
        "Registry as of {}: {} consenting patients. Figures about fewer than 11 patients are shown as \"< 11\".\n",
        r.as_of, r.patients
    );
    for c in &r.outcomes {
        out.push_str(&format!(
            "{} / {}: {} patients with a baseline of {} or more; response {}; remission {}; rules {} v{}, {} v{}, \
             {} v{}\n",
            c.modality.label(),
            c.instrument.code(),
            c.patients,
            c.baseline_min,
            c.response,
            c.remission,
            c.response_rule.id,
            c.response_rule.version,
            c.remission_rule.id,
            c.remission_rule.version,
            c.baseline_rule.id,
            c.baseline_rule.version,
        ));
        if let Some(Suppressed::Shown(q)) = &c.time_to_response_days {
            out.push_str(&format!("  days to first response: median {:.0} (IQR {:.0}–{:.0})\n", q.median, q.q1, q.q3));
        }
        if let Suppressed::Shown(d) = &c.durability {
            let median = d.median_days.map_or("not reached".to_owned(), |m| format!("{m:.0} days"));
            out.push_str(&format!("  durability: {} responders, median sustained response {median}\n", d.responders));
        }
    }
    out.push_str(&format!("Sessions: {}\n", r.adverse_events.sessions));
    for (kind, rate) in &r.adverse_events.by_kind {
        let text = match rate {
            Suppressed::Shown(e) => e.per_100_sessions.map_or("-".to_owned(), |v| format!("{v:.1} per 100 sessions")),
            Suppressed::Suppressed { threshold } => format!("< {threshold} patients"),
        };
        out.push_str(&format!("  adverse events, {kind}: {text}\n"));
    }
    let gate = |p: &Option<Suppressed<ketapath_research::stats::Proportion>>| {
        p.as_ref().map_or("no sessions".to_owned(), ToString::to_string)
    };
    out.push_str(&format!("Blood-pressure gate blocked: {}\n", gate(&r.bp_gate.blocked)));
    out.push_str(&format!("Blocks overridden: {}\n", gate(&r.bp_gate.overridden)));
    out
}
