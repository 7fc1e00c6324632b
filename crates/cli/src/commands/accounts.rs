//! Staff accounts and API tokens from the server's command line: `user add`, `user totp`, `user require-totp`,
//! `token create`, `token revoke`. `user totp` encrypts the key it enrolls with `KETAPATH_SECRET_KEY` when it is
//! set, as `serve` does (see `secrets.rs`).
//!
//! These run with the database owner's authority (the admin handle), so the first platform admin and the first
//! clinic accounts can be made before anyone can sign in; each change is audited as the system acting from `cli`.
//! The password comes on standard input, never as an argument (arguments show in `ps` and shell history), and a
//! token's secret is printed once on standard output and stored only as its SHA-256.

use std::io::Read;

use anyhow::Context;
use ketapath_care::accounts::password::{PasswordError, hash_password};
use ketapath_care::accounts::{TotpKeyRing, totp};
use ketapath_directory::ClinicId;
use ketapath_store::domain::{ApiTokenId, NewApiToken, NewStaffUser, Role};
use ketapath_store::{ExposeSecret, SecretString, SecurityAuthor, StoreError, api_token_hash, new_api_token_secret};

use super::store::{failure, open_existing};
use crate::failure::{CommandResult, Failure};

#[derive(Debug, clap::Subcommand)]
pub enum UserCommand {
    /// Add a staff account; the password is read from standard input.
    Add {
        /// The e-mail address the user signs in with.
        #[arg(long)]
        email: String,
        /// platform_admin, clinic_admin, prescriber, nurse or researcher.
        #[arg(long)]
        role: String,
        /// The clinic's listing id; required for clinic_admin, prescriber and nurse, refused for the others.
        #[arg(long)]
        clinic: Option<String>,
        /// The name shown in the portal; defaults to the e-mail address.
        #[arg(long)]
        name: Option<String>,
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
    /// Create an API token for a user and print it once on standard output.
    Create {
        /// The e-mail address of the token's owner.
        #[arg(long)]
        email: String,
        /// A label to tell tokens apart (for example the script that uses it).
        #[arg(long, default_value = "cli")]
        name: String,
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
        UserCommand::Add { email, role, clinic, name } => (email, role, clinic, name),
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

/// `user totp` and `user require-totp`.
async fn sign_in_settings(store: &ketapath_store::Store, cmd: UserCommand) -> CommandResult {
    match cmd {
        UserCommand::Add { .. } => Err(Failure::Invalid("user add is handled elsewhere".to_owned())),
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
        TokenCommand::Create { email, name } => {
            let user = store
                .staff_user_by_email(&email)
                .await
                .map_err(failure)?
                .ok_or_else(|| Failure::Invalid(format!("--email: no staff account {email}")))?;
            if !user.active {
                return Err(Failure::Invalid(format!("--email: the account {email} is not active")));
            }
            let secret = new_api_token_secret().map_err(failure)?;
            let secret = secret.expose_secret();
            let new = NewApiToken { user_id: user.id, name, token_hash: api_token_hash(secret), expires_at: None };
            let token = admin.create_api_token(new).await.map_err(account_failure)?;
            // The secret alone on stdout, so that a script can capture it; the rest goes to stderr.
            println!("{secret}");
            eprintln!(
                "created API token {} for {}; it is shown only this once (revoke with `ketapath token revoke --id {}`)",
                token.id, user.email, token.id
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
