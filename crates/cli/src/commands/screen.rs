//! `ketapath screen [FILE|-] [--json]`: the anonymous self-check. Nothing is stored or logged.

use std::path::PathBuf;

use ketapath_clinical::screen::{ScreenConfig, ScreeningInput, screen};

use crate::failure::CommandResult;
use crate::{input, render};

#[derive(Debug, clap::Args)]
pub struct ScreenArgs {
    /// JSON file with the self-check answers; `-` or nothing reads standard input.
    pub file: Option<PathBuf>,
    /// Print exactly one JSON document on stdout.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: &ScreenArgs) -> CommandResult {
    let document = input::json(&input::read(args.file.as_ref())?)?;
    let answers = ScreeningInput::parse(&document)?;
    let result = screen(&answers, &ScreenConfig::default());
    if args.json {
        println!("{}", render::json(&result)?);
    } else {
        print!("{}", render::screening_text(&result));
    }
    Ok(())
}
