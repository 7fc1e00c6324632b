//! The `ketapath` binary: parses the command line and hands each command to the library crates.
//!
//! Architecture invariant: no business logic here. Commands parse their input into domain types, call a
//! library crate, and render the result. Exit codes (docs/FORMATS.md): 0 success, 1 failure at run time,
//! 2 invalid input or usage, with a message on stderr naming the field or line at fault.

// The binary is the one place that talks to the terminal.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod commands;
mod failure;
mod input;
mod render;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "ketapath",
    version,
    about = "KetaPath: find, screen, treat and measure supervised ketamine and esketamine care"
)]
struct Cli {
    /// Database URL (sqlite://PATH or postgres://USER@HOST:PORT/DATABASE); also read from KETAPATH_DATABASE_URL.
    /// With the default, `serve` creates the file on first run.
    // The default is shown in `--help`; the field stays an `Option` so that every command's fallback to
    // `DEFAULT_DATABASE_URL` reads the same whether or not clap filled it in.
    #[arg(long, global = true, env = "KETAPATH_DATABASE_URL", default_value = ketapath_store::DEFAULT_DATABASE_URL)]
    db: Option<String>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the web application, the JSON API and FHIR over HTTP.
    Serve(commands::serve::ServeArgs),
    /// Anonymous self-check: PHQ-9, treatment history, conditions. Nothing is stored.
    Screen(commands::screen::ScreenArgs),
    /// Score a rating instrument from {"items": [...]}.
    Score(commands::score::ScoreArgs),
    /// Clinic listings: import, export and search.
    #[command(subcommand)]
    Clinics(commands::clinics::ClinicsCommand),
    /// List the clinical rules with their versions, sources and confidence tags.
    Rules(commands::rules::RulesArgs),
    /// Staff accounts.
    #[command(subcommand)]
    User(commands::accounts::UserCommand),
    /// API tokens for the clinic API.
    #[command(subcommand)]
    Token(commands::accounts::TokenCommand),
    /// Exports: the de-identified research data set.
    #[command(subcommand)]
    Export(commands::research::ExportCommand),
    /// Registry statistics over consenting patients, small cells suppressed.
    Registry(commands::research::RegistryArgs),
    /// Server secrets: re-encrypt the stored TOTP keys with a new KETAPATH_SECRET_KEY.
    #[command(subcommand)]
    Secrets(commands::secrets::SecretsCommand),
    #[command(flatten)]
    Store(commands::store::StoreCommand),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // clap prints help and version to stdout with exit 0, usage errors to stderr with exit 2.
            let _ = err.print();
            return ExitCode::from(if err.use_stderr() { 2 } else { 0 });
        }
    };
    let result = match cli.command {
        Command::Serve(args) => commands::serve::run(&args, cli.db.as_deref()),
        Command::Screen(args) => commands::screen::run(&args),
        Command::Score(args) => commands::score::run(&args),
        Command::Rules(args) => commands::rules::run(&args),
        Command::Clinics(cmd) => {
            commands::clinics::run(cmd, cli.db.as_deref().unwrap_or(ketapath_store::DEFAULT_DATABASE_URL))
        }
        Command::User(cmd) => {
            commands::accounts::run_user(cmd, cli.db.as_deref().unwrap_or(ketapath_store::DEFAULT_DATABASE_URL))
        }
        Command::Token(cmd) => {
            commands::accounts::run_token(cmd, cli.db.as_deref().unwrap_or(ketapath_store::DEFAULT_DATABASE_URL))
        }
        Command::Export(cmd) => {
            commands::research::run_export(cmd, cli.db.as_deref().unwrap_or(ketapath_store::DEFAULT_DATABASE_URL))
        }
        Command::Registry(args) => {
            commands::research::run_registry(&args, cli.db.as_deref().unwrap_or(ketapath_store::DEFAULT_DATABASE_URL))
        }
        Command::Secrets(cmd) => {
            commands::secrets::run(cmd, cli.db.as_deref().unwrap_or(ketapath_store::DEFAULT_DATABASE_URL))
        }
        Command::Store(cmd) => commands::store::run(cmd, cli.db.as_deref()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("ketapath: {failure}");
            ExitCode::from(failure.exit_code())
        }
    }
}
