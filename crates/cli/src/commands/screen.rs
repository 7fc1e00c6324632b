//! `ketapath screen [FILE|-] [--json]`: the anonymous self-check. Nothing is stored or logged.

use std::path::PathBuf;

use crate::failure::CommandResult;

#[derive(Debug, clap::Args)]
pub struct ScreenArgs {
    /// JSON file with the self-check answers; `-` or nothing reads standard input.
    pub file: Option<PathBuf>,
    /// Print exactly one JSON document on stdout.
    #[arg(long)]
    pub json: bool,
}

pub fn run(_args: &ScreenArgs) -> CommandResult {
    Err(crate::failure::Failure::Invalid("screen is not wired yet".into()))
}
