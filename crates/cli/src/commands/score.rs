//! `ketapath score INSTRUMENT [FILE|-] [--json]`: score one administration of a rating instrument.

use std::path::PathBuf;

use ketapath_clinical::instruments::{Instrument, Items, score};
use ketapath_clinical::safety::crisis::triage;

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
    let items = Items::from_document(instrument, &document)?;
    let score = score(&items);
    if args.json {
        println!("{}", render::json(&score)?);
    } else {
        // A positive PHQ-9 item 9 puts crisis help before the score, as on every surface that shows a result.
        let crisis = (instrument == Instrument::Phq9 && items.item(9) > 0).then(|| triage(items.item(9), false));
        print!("{}", render::score_text(&score, crisis.as_ref()));
    }
    Ok(())
}
