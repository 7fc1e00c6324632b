//! `ketapath screen [FILE|-] [--json]`: the anonymous self-check. Nothing is stored or logged.
//!
//! Invalid answers exit 2 with the error on stderr; when PHQ-9 item 9 or `acting_on_thoughts` can still be read,
//! the crisis help they call for is printed first on stdout (with `--json`, as the one document
//! `{"error": {...}, "crisis": {...}}`), because crisis help must not depend on every other field being right.

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
    let answers = match ScreeningInput::parse_or_triage(&document) {
        Ok(answers) => answers,
        Err(invalid) => {
            if let Some(crisis) = &invalid.crisis {
                if args.json {
                    println!("{}", render::json(&render::InvalidWithCrisis::new(&invalid.error, crisis))?);
                } else {
                    print!("{}", render::crisis_help_text(crisis));
                }
            }
            return Err(invalid.error.into());
        }
    };
    let result = screen(&answers, &ScreenConfig::default());
    if args.json {
        println!("{}", render::json(&result)?);
    } else {
        print!("{}", render::screening_text(&result));
    }
    Ok(())
}
