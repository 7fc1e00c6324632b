//! `ketapath rules [--json]`: the catalog of clinical rules with their versions, sources and confidence tags.
//!
//! `docs/RULES.md` is this command's output, checked by a test so the documentation cannot drift from the code.

use ketapath_clinical::rule::{RULES_VERSION, catalog};

use crate::failure::CommandResult;
use crate::render;

#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    /// Print exactly one JSON document on stdout.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: &RulesArgs) -> CommandResult {
    let rules = catalog();
    if args.json {
        let doc = serde_json::json!({ "rules_version": RULES_VERSION, "rules": rules });
        println!("{}", render::json(&doc)?);
    } else {
        print!("{}", render::rules_markdown(&rules));
    }
    Ok(())
}
