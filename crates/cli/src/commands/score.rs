//! `ketapath score INSTRUMENT [FILE|-] [--json]`: score one administration of a rating instrument.
//!
//! When the instrument's suicide item is positive (PHQ-9 item 9, MADRS item 10, QIDS-SR16 item 12), the JSON
//! carries a top-level `crisis` block and the text puts the crisis help before the score.

use std::path::PathBuf;

use ketapath_clinical::instruments::{Instrument, score_document};

use crate::failure::CommandResult;
use crate::{input, render};

#[derive(Debug, clap::Args)]
pub struct ScoreArgs {
    /// Instrument code: phq9, gad7, qids_sr16, madrs, cadss, moaas, bprs_positive.
    pub instrument: String,
    /// JSON file with {"items": [...]}; `-` or nothing reads standard input.
    pub file: Option<PathBuf>,
    /// Print exactly one JSON document on stdout.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: &ScoreArgs) -> CommandResult {
    let instrument = Instrument::parse(&args.instrument)?;
    let document = input::json(&input::read(args.file.as_ref())?)?;
    let report = score_document(instrument, &document)?;
    if args.json {
        println!("{}", render::json(&report)?);
    } else {
        print!("{}", render::score_text(&report.score, report.crisis.as_ref()));
    }
    Ok(())
}
