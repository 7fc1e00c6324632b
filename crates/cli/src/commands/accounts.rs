//! Staff accounts and API tokens from the server's command line: `user add`, `user list`, `user deactivate`,
//! `user activate`, `user reset-password`, `user set-role`, `user totp`, `user require-totp`, `token list`,
//! `token create`, `token revoke`. The lifecycle use cases live in `ketapath_care::accounts::lifecycle` (the portal
//! shares them); this file parses arguments and prints. `user totp` encrypts the key it enrolls with `KETAPATH_SECRET_KEY` when it is
//! set, as `serve` does (see `secrets.rs`).
//!
//! These run with the database owner's authority (the admin handle), so the first platform admin and the first
//! clinic accounts can be made before anyone can sign in; each change is audited as the system acting from `cli`.
//! The password comes on standard input, never as an argument (arguments show in `ps` and shell history), and a
//! token's secret is printed once on standard output and stored only as its SHA-256.

use std::io::Read;

use anyhow::Context;
use ketapath_care::accounts::lifecycle::{self, DEFAULT_TOKEN_DAYS, LifecycleError};
use ketapath_care::accounts::password::{PasswordError, hash_password};
use ketapath_care::accounts::{TotpKeyRing, totp};
use ketapath_directory::ClinicId;
use ketapath_store::domain::{ApiToken, ApiTokenId, NewStaffUser, Role, StaffAccount};
use ketapath_store::{ExposeSecret, SecretString, SecurityAuthor, StoreError};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::store::{failure, open_existing};
use crate::failure::{CommandResult, Failure};

/// An account's role and clinic, as `user add` and `user set-role` take them.
#[derive(Debug, clap::Args)]
pub struct RoleArgs {
    /// platform_admin, clinic_admin, prescriber, nurse or researcher.
    #[arg(long)]
    role: String,
    /// The clinic's listing id; required for clinic_admin, prescriber and nurse, refused for the others.
    #[arg(long)]
    clinic: Option<String>,
}

#[derive(Debug, clap::Subcommand)]
pub enum UserCommand {
    /// Add a staff account; the password is read from standard input.
    Add {
        /// The e-mail address the user signs in with.
        #[arg(long)]
        email: String,
        #[command(flatten)]
        at: RoleArgs,
        /// The name shown in the portal; defaults to the e-mail address.
        #[arg(long)]
        name: Option<String>,
    },
    /// List staff accounts (all, or one clinic's): e-mail, role, clinic, active, TOTP and last sign-in.
    List {
        /// Only this clinic's staff (its listing id).
        #[arg(long)]
        clinic: Option<String>,
        /// One JSON array of objects instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Deactivate an account: its sign-in sessions end at once and its API tokens answer 401 from then on.
    Deactivate {
        #[arg(long)]
        email: String,
    },
    /// Reactivate a deactivated account (its old sessions stay ended).
    Activate {
        #[arg(long)]
        email: String,
    },
    /// Set a new password, read from standard input (same strength rules as `user add`); ends the user's sessions.
    ResetPassword {
        #[arg(long)]
        email: String,
    },
    /// Change an account's role (and clinic), with the same rules as `user add`.
    SetRole {
        #[arg(long)]
        email: String,
        #[command(flatten)]
        at: RoleArgs,
    },
    /// Enroll a user in TOTP (an authenticator app): prints the otpauth:// URI and the base32 key once, and
    /// from then on sign-in asks for a code. `--off` removes the second factor.
    Totp {
        #[arg(long)]
        email: String,
        #[arg(long)]
        off: bool,
    },
    /// Require (on) or stop requiring (off) a second factor of a clinic's admins and prescribers at sign-in.
    RequireTotp {
        /// The clinic's listing id.
        #[arg(long)]
        clinic: String,
        /// on or off.
        #[arg(value_parser = ["on", "off"])]
        setting: String,
    },
}

#[derive(Debug, clap::Subcommand)]
pub enum TokenCommand {
    /// List a user's API tokens: id, name, created, last used, expiry (revoked ones marked).
    List {
        /// The e-mail address of the tokens' owner.
        #[arg(long)]
        email: String,
        /// One JSON array of objects instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Create an API token for a user and print it once on standard output. Refused (exit 2) when the user's
    /// clinic requires TOTP and the user has none enrolled.
    Create {
        /// The e-mail address of the token's owner.
        #[arg(long)]
        email: String,
        /// A label to tell tokens apart (for example the script that uses it).
        #[arg(long, default_value = "cli")]
        name: String,
        /// How long the token lives, in days: Nd, from 1d to 730d.
        #[arg(long, default_value_t = format!("{DEFAULT_TOKEN_DAYS}d"))]
        expires_in: String,
    },
    /// Revoke an API token by its id (printed when it was created).
    Revoke {
        #[arg(long)]
        id: String,
    },
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| Failure::Runtime(e.into()))
}

/// The store's errors for these commands: a missing clinic, user or token was named by the caller, so it is
/// invalid input (exit 2) rather than a failure at run time.
fn account_failure(err: StoreError) -> Failure {
    match err {
        StoreError::NotFound { entity } => Failure::Invalid(format!("no such {entity}")),
        other => failure(other),
    }
}

/// A lifecycle use case's refusal as the command line says it: bad input (exit 2) names the option and value.
fn lifecycle_failure(err: LifecycleError, email: &str, clinic: Option<&ClinicId>) -> Failure {
    match err {
        LifecycleError::Invalid { field: "email", message } if message.contains("is unknown") => {
            Failure::Invalid(format!("--email {email}: unknown; no staff account has this e-mail address"))
        }
        LifecycleError::Invalid { field, message } => {
            Failure::Invalid(format!("--{}: {message}", field.replace('_', "-")))
        }
        err @ LifecycleError::TotpRequired { .. } => Failure::Invalid(err.to_string()),
        LifecycleError::Password(PasswordError::Hash(e)) => Failure::Runtime(anyhow::anyhow!("{e}")),
        err @ LifecycleError::Password(_) => Failure::Invalid(err.to_string()),
        LifecycleError::Store(err) => clinic_failure(err, clinic),
    }
}

/// An instant as RFC 3339 (UTC), for tables and JSON.
fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_else(|_| at.to_string())
}

fn rfc3339_opt(at: Option<OffsetDateTime>) -> Option<String> {
    at.map(rfc3339)
}

/// Prints rows as columns padded to the widest cell, the first row being the header.
fn print_table(rows: &[Vec<String>]) {
    let widths: Vec<usize> = (0..rows.first().map_or(0, Vec::len))
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    for row in rows {
        let cells: Vec<String> = row.iter().zip(&widths).map(|(cell, w)| format!("{cell:<w$}")).collect();
        println!("{}", cells.join("  ").trim_end());
    }
}

/// As [`account_failure`], naming the `--clinic` value when the clinic is the record that does not exist.
fn clinic_failure(err: StoreError, clinic: Option<&ClinicId>) -> Failure {
    match (err, clinic) {
        (StoreError::NotFound { entity: "clinic" }, Some(clinic)) => Failure::Invalid(format!(
            "--clinic {clinic}: no clinic has this listing id; `ketapath clinics export` lists the clinics and their ids"
        )),
        (other, _) => account_failure(other),
    }
}

/// The role and clinic of a new account, checked together: clinic roles need a clinic, the others have none.
fn role_and_clinic(role: &str, clinic: Option<&str>) -> Result<(Role, Option<ClinicId>), Failure> {
    let role = Role::parse(role).map_err(|e| Failure::Invalid(format!("--role: {e}")))?;
    let clinic =
        clinic.map(|c| ClinicId::parse(c).map_err(|e| Failure::Invalid(format!("--clinic: {e}")))).transpose()?;
    match (role.is_clinic_role(), &clinic) {
        (true, None) => {
            Err(Failure::Invalid(format!("--clinic: the {role} role works at a clinic; give its listing id")))
        }
        (false, Some(_)) => {
            Err(Failure::Invalid(format!("--clinic: the {role} role belongs to no clinic; drop --clinic")))
        }
        _ => Ok((role, clinic)),
    }
}

/// The password from standard input, without the one line ending a shell or `echo` adds.
fn password_from_stdin() -> Result<SecretString, Failure> {
    let mut raw = String::new();
    std::io::stdin().read_to_string(&mut raw).context("reading the password from standard input")?;
    let password = raw.strip_suffix('\n').map(|p| p.strip_suffix('\r').unwrap_or(p)).unwrap_or(&raw);
    if password.is_empty() {
        return Err(Failure::Invalid("password: none on standard input".to_owned()));
    }
    Ok(SecretString::from(password))
}

pub fn run_user(cmd: UserCommand, db: &str) -> CommandResult {
    let (email, role, clinic, name) = match cmd {
        UserCommand::Add { email, at: RoleArgs { role, clinic }, name } => (email, role, clinic, name),
        cmd @ (UserCommand::List { .. }
        | UserCommand::Deactivate { .. }
        | UserCommand::Activate { .. }
        | UserCommand::ResetPassword { .. }
        | UserCommand::SetRole { .. }) => {
            // The arguments are checked, and the password read, before the database is opened.
            let parsed = ParsedLifecycle::parse(cmd)?;
            return runtime()?.block_on(async {
                let store = open_existing(db).await?;
                let result = user_lifecycle(&store, parsed).await;
                store.close().await;
                result
            });
        }
        other => {
            return runtime()?.block_on(async {
                let store = open_existing(db).await?;
                let result = sign_in_settings(&store, other).await;
                store.close().await;
                result
            });
        }
    };
    let (role, clinic_id) = role_and_clinic(&role, clinic.as_deref())?;
    if name.as_deref().is_some_and(ketapath_directory::text::shows_nothing) {
        return Err(Failure::Invalid(
            "--name: must show a visible character; it is empty or holds only invisible or control characters"
                .to_owned(),
        ));
    }
    let password = password_from_stdin()?;
    let hash = hash_password(password.expose_secret()).map_err(|e| match e {
        PasswordError::TooShort | PasswordError::Guessable(_) => Failure::Invalid(format!("password: {e}")),
        PasswordError::Hash(_) => Failure::Runtime(anyhow::anyhow!("{e}")),
    })?;
    runtime()?.block_on(async {
        let store = open_existing(db).await?;
        let new = NewStaffUser {
            clinic_id: clinic_id.clone(),
            display_name: name.unwrap_or_else(|| email.clone()),
            email,
            role,
            password_hash: Some(hash),
        };
        let user = store
            .unscoped_for_admin_cli_and_tests()
            .create_staff_user(new)
            .await
            .map_err(|e| clinic_failure(e, clinic_id.as_ref()));
        store.close().await;
        let user = user?;
        let at = user.clinic_id.as_ref().map(|c| format!(" at clinic {c}")).unwrap_or_default();
        println!("added {} {} ({}){at}", user.role, user.email, user.id);
        Ok(())
    })
}

/// A lifecycle command with its arguments checked.
enum ParsedLifecycle {
    List { clinic: Option<ClinicId>, json: bool },
    Active { email: String, active: bool },
    ResetPassword { email: String, password: SecretString },
    SetRole { email: String, role: Role, clinic: Option<ClinicId> },
}

impl ParsedLifecycle {
    fn parse(cmd: UserCommand) -> Result<Self, Failure> {
        Ok(match cmd {
            UserCommand::List { clinic, json } => ParsedLifecycle::List {
                clinic: clinic
                    .map(|c| ClinicId::parse(&c).map_err(|e| Failure::Invalid(format!("--clinic {c}: {e}"))))
                    .transpose()?,
                json,
            },
            UserCommand::Deactivate { email } => ParsedLifecycle::Active { email, active: false },
            UserCommand::Activate { email } => ParsedLifecycle::Active { email, active: true },
            UserCommand::ResetPassword { email } => {
                ParsedLifecycle::ResetPassword { email, password: password_from_stdin()? }
            }
            UserCommand::SetRole { email, at: RoleArgs { role, clinic } } => {
                let (role, clinic) = role_and_clinic(&role, clinic.as_deref())?;
                ParsedLifecycle::SetRole { email, role, clinic }
            }
            UserCommand::Add { .. } | UserCommand::Totp { .. } | UserCommand::RequireTotp { .. } => {
                return Err(Failure::Invalid("not a lifecycle command".to_owned()));
            }
        })
    }
}

/// Prints `items` as a pretty JSON array, each item as `to_json` makes it (`--json` of `user list` and
/// `token list`).
fn print_json_list<T>(items: &[T], to_json: fn(&T) -> serde_json::Value) -> CommandResult {
    let list: Vec<serde_json::Value> = items.iter().map(to_json).collect();
    println!("{}", crate::render::json(&list)?);
    Ok(())
}

/// An account as `user list --json` prints it.
fn account_json(a: &StaffAccount) -> serde_json::Value {
    serde_json::json!({
        "id": a.id.to_text(),
        "email": a.email,
        "display_name": a.display_name,
        "role": a.role.code(),
        "clinic": a.clinic_id.as_ref().map(ClinicId::as_str),
        "active": a.active,
        "totp": a.totp,
        "last_sign_in_at": rfc3339_opt(a.last_sign_in_at),
        "created_at": rfc3339(a.created_at),
    })
}

/// A token as `token list --json` prints it: never its secret, which is not stored.
fn token_json(t: &ApiToken) -> serde_json::Value {
    serde_json::json!({
        "id": t.id.to_text(),
        "name": t.name,
        "created_at": rfc3339(t.created_at),
        "last_used_at": rfc3339_opt(t.last_used_at),
        "expires_at": rfc3339_opt(t.expires_at),
        "revoked_at": rfc3339_opt(t.revoked_at),
    })
}

/// `user list`, `user deactivate`, `user activate`, `user reset-password` and `user set-role`, as the command line
/// (audited as platform events from `cli`).
async fn user_lifecycle(store: &ketapath_store::Store, cmd: ParsedLifecycle) -> CommandResult {
    let by = SecurityAuthor::AdminCli;
    match cmd {
        ParsedLifecycle::List { clinic, json } => {
            let accounts = lifecycle::list(store, by, clinic.as_ref())
                .await
                .map_err(|e| lifecycle_failure(e, "", clinic.as_ref()))?;
            if json {
                return print_json_list(&accounts, account_json);
            }
            let mut rows =
                vec![["EMAIL", "ROLE", "CLINIC", "ACTIVE", "TOTP", "LAST SIGN-IN"].map(str::to_owned).to_vec()];
            for a in &accounts {
                rows.push(vec![
                    a.email.clone(),
                    a.role.code().to_owned(),
                    a.clinic_id.as_ref().map_or("-", ClinicId::as_str).to_owned(),
                    if a.active { "yes" } else { "no" }.to_owned(),
                    if a.totp { "on" } else { "off" }.to_owned(),
                    rfc3339_opt(a.last_sign_in_at).unwrap_or_else(|| "never".to_owned()),
                ]);
            }
            print_table(&rows);
            eprintln!("{} staff accounts", accounts.len());
        }
        ParsedLifecycle::Active { email, active } => {
            let (user, changed) = lifecycle::set_active(store, by, &email, active)
                .await
                .map_err(|e| lifecycle_failure(e, &email, None))?;
            match (active, changed) {
                (false, true) => println!(
                    "deactivated {}: their sign-in sessions ended and their API tokens are revoked",
                    user.email
                ),
                (false, false) => {
                    println!("{} was already inactive; any remaining sessions and tokens ended", user.email)
                }
                (true, true) => println!("activated {}", user.email),
                (true, false) => println!("{} was already active", user.email),
            }
        }
        ParsedLifecycle::ResetPassword { email, password } => {
            let (user, ended) = lifecycle::reset_password(store, by, &email, &password)
                .await
                .map_err(|e| lifecycle_failure(e, &email, None))?;
            println!("set a new password for {}; ended {ended} sign-in sessions", user.email);
        }
        ParsedLifecycle::SetRole { email, role, clinic } => {
            let user = lifecycle::set_role(store, by, &email, role, clinic.as_ref())
                .await
                .map_err(|e| lifecycle_failure(e, &email, clinic.as_ref()))?;
            let at = user.clinic_id.as_ref().map(|c| format!(" at clinic {c}")).unwrap_or_default();
            println!("{} is now {}{at}", user.email, user.role);
        }
    }
    Ok(())
}

/// `user totp` and `user require-totp`.
async fn sign_in_settings(store: &ketapath_store::Store, cmd: UserCommand) -> CommandResult {
    match cmd {
        UserCommand::Add { .. }
        | UserCommand::List { .. }
        | UserCommand::Deactivate { .. }
        | UserCommand::Activate { .. }
        | UserCommand::ResetPassword { .. }
        | UserCommand::SetRole { .. } => Err(Failure::Invalid("handled elsewhere".to_owned())),
        UserCommand::Totp { email, off } => {
            // A malformed key is refused before anything is written.
            let keys = if off { TotpKeyRing::default() } else { super::secrets::key_ring_from_env()? };
            let user = store
                .staff_user_by_email(&email)
                .await
                .map_err(failure)?
                .ok_or_else(|| Failure::Invalid(format!("--email: no staff account {email}")))?;
            if off {
                store.set_totp(SecurityAuthor::AdminCli, user.id, None, false).await.map_err(account_failure)?;
                println!("removed the second factor of {}", user.email);
                return Ok(());
            }
            let (secret, stored) = keys.new_key(user.id).map_err(|e| Failure::Runtime(e.into()))?;
            store.set_totp(SecurityAuthor::AdminCli, user.id, Some(&stored), true).await.map_err(account_failure)?;
            // The URI and key alone on stdout (shown this once); the explanation on stderr.
            let secret = secret.expose_secret();
            println!("{}", totp::otpauth_uri("KetaPath", &user.email, secret));
            println!("{secret}");
            eprintln!(
                "enrolled {} in TOTP: give them the URI (or the key) above for their authenticator app; it is not \
                 shown again. Sign-in now asks for a code.",
                user.email
            );
            Ok(())
        }
        UserCommand::RequireTotp { clinic, setting } => {
            let clinic = ClinicId::parse(&clinic).map_err(|e| Failure::Invalid(format!("--clinic: {e}")))?;
            let on = setting == "on";
            store
                .set_clinic_require_totp(SecurityAuthor::AdminCli, &clinic, on)
                .await
                .map_err(|e| clinic_failure(e, Some(&clinic)))?;
            println!(
                "clinic {clinic}: a second factor is {} for clinic admins and prescribers",
                if on { "now required" } else { "no longer required" }
            );
            Ok(())
        }
    }
}

pub fn run_token(cmd: TokenCommand, db: &str) -> CommandResult {
    runtime()?.block_on(async {
        let store = open_existing(db).await?;
        let result = token(&store, cmd).await;
        store.close().await;
        result
    })
}

async fn token(store: &ketapath_store::Store, cmd: TokenCommand) -> CommandResult {
    let admin = store.unscoped_for_admin_cli_and_tests();
    match cmd {
        TokenCommand::List { email, json } => {
            let (_, tokens) = lifecycle::tokens(store, SecurityAuthor::AdminCli, &email)
                .await
                .map_err(|e| lifecycle_failure(e, &email, None))?;
            if json {
                return print_json_list(&tokens, token_json);
            }
            let now = store.now();
            let mut rows = vec![["ID", "NAME", "CREATED", "LAST USED", "EXPIRES", "STATE"].map(str::to_owned).to_vec()];
            for t in &tokens {
                let state = match (t.revoked_at, t.expires_at) {
                    (Some(_), _) => "revoked",
                    (None, Some(end)) if end <= now => "expired",
                    _ => "live",
                };
                rows.push(vec![
                    t.id.to_text(),
                    t.name.clone(),
                    rfc3339(t.created_at),
                    rfc3339_opt(t.last_used_at).unwrap_or_else(|| "never".to_owned()),
                    rfc3339_opt(t.expires_at).unwrap_or_else(|| "never".to_owned()),
                    state.to_owned(),
                ]);
            }
            print_table(&rows);
        }
        TokenCommand::Create { email, name, expires_in } => {
            let lifetime =
                lifecycle::parse_token_lifetime(&expires_in).map_err(|e| lifecycle_failure(e, &email, None))?;
            let (token, secret) = lifecycle::create_token(store, SecurityAuthor::AdminCli, &email, &name, lifetime)
                .await
                .map_err(|e| lifecycle_failure(e, &email, None))?;
            let expires = rfc3339_opt(token.expires_at).unwrap_or_default();
            // The secret alone on stdout, so that a script can capture it; the rest goes to stderr.
            println!("{}", secret.expose_secret());
            eprintln!(
                "created API token {} for {email}, expiring {expires}; it is shown only this once (revoke with \
                 `ketapath token revoke --id {}`)",
                token.id, token.id
            );
        }
        TokenCommand::Revoke { id } => {
            let id = ApiTokenId::parse("--id", &id).map_err(|e| Failure::Invalid(e.to_string()))?;
            if admin.revoke_api_token(id).await.map_err(account_failure)? {
                println!("revoked API token {id}");
            } else {
                println!("API token {id} was already revoked");
            }
        }
    }
    Ok(())
}
