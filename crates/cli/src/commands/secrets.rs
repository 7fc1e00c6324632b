//! `ketapath secrets rotate`, and the server's secret keys as the environment gives them (`KETAPATH_SECRET_KEY`,
//! `KETAPATH_OLD_SECRET_KEY`), read the same way by `serve`, `user totp` and `secrets rotate`.
//!
//! The keys come from the environment only, never from an argument (arguments show in `ps` and shell history). A
//! key that is set but malformed stops the command with exit code 2 and a message naming the variable, never
//! repeating its value. Rotation reads every stored TOTP key, opens it with the new or the old key (or as plain
//! text, for rows written before a key was set), and writes it back sealed with the new key in one transaction,
//! audited once per account; a key that opens with neither changes nothing and exits 1 naming the account.

use ketapath_care::accounts::totp_key::{Resealed, is_encrypted};
use ketapath_care::accounts::{SecretKey, TotpKeyRing};
use ketapath_store::Store;
use ketapath_store::domain::TotpKeyChange;

use super::store::{failure, open_existing};
use crate::failure::{CommandResult, Failure};

/// The current secret key: seals every TOTP key written, and opens them.
pub const SECRET_KEY_ENV: &str = "KETAPATH_SECRET_KEY";
/// The previous secret key during a rotation: opens only.
pub const OLD_SECRET_KEY_ENV: &str = "KETAPATH_OLD_SECRET_KEY";

/// Where the key is explained, for every message that asks the operator to set one.
const SEE: &str = "see docs/OPERATIONS.md, \"Secret key\"";

#[derive(Debug, clap::Subcommand)]
pub enum SecretsCommand {
    /// Re-encrypt every stored TOTP key with KETAPATH_SECRET_KEY: keys encrypted with KETAPATH_OLD_SECRET_KEY
    /// and keys stored in plain text (before a key was set) are encrypted with the new key; prints the counts.
    Rotate,
}

/// The key in the environment variable `name`: `None` when unset; a refusal naming the variable (exit 2) when
/// set but not 64 hex digits.
fn key_from_env(name: &str) -> Result<Option<SecretKey>, Failure> {
    match std::env::var(name) {
        Ok(text) => SecretKey::from_hex(&text).map(Some).map_err(|e| Failure::Invalid(format!("{name}: {e}"))),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => {
            Err(Failure::Invalid(format!("{name}: must be 64 hexadecimal digits; found other bytes")))
        }
    }
}

/// The server's secret keys from the environment. An old key without a current one is refused: it could open
/// keys but never seal one, which is not a state a rotation leaves.
pub(crate) fn key_ring_from_env() -> Result<TotpKeyRing, Failure> {
    let current = key_from_env(SECRET_KEY_ENV)?;
    let old = key_from_env(OLD_SECRET_KEY_ENV)?;
    if current.is_none() && old.is_some() {
        return Err(Failure::Invalid(format!(
            "{OLD_SECRET_KEY_ENV} is set without {SECRET_KEY_ENV}: set the new key in {SECRET_KEY_ENV} ({SEE})"
        )));
    }
    Ok(TotpKeyRing::new(current, old))
}

/// The warning `serve` prints once at start when no secret key is set.
pub(crate) fn unencrypted_warning() -> String {
    format!(
        "warning: {SECRET_KEY_ENV} is not set, so TOTP keys are stored in the database unencrypted; set it to 64 hex \
         digits (for example from `openssl rand -hex 32`) and run `ketapath secrets rotate` ({SEE})"
    )
}

/// What `serve` should tell the operator about the stored TOTP keys under `keys`: accounts whose key this server
/// cannot open (they could not sign in with a code), and keys still in plain text while a key is set.
pub(crate) async fn stored_key_warnings(store: &Store, keys: &TotpKeyRing) -> Result<Vec<String>, Failure> {
    let stored = store.stored_totp_keys().await.map_err(failure)?;
    let unopened = stored.iter().filter(|(user, key)| keys.open(*user, key).is_err()).count();
    let mut warnings = Vec::new();
    if unopened > 0 {
        warnings.push(format!(
            "warning: {unopened} accounts' TOTP keys do not open with the secret keys this server holds, so those \
             accounts cannot sign in with a code; set {SECRET_KEY_ENV} (and {OLD_SECRET_KEY_ENV} during a \
             rotation) to the keys that encrypted them ({SEE})"
        ));
    }
    if keys.encrypts() {
        let plain = stored.iter().filter(|(_, key)| !is_encrypted(key)).count();
        if plain > 0 {
            warnings.push(format!(
                "warning: {plain} TOTP keys are still stored unencrypted; run `ketapath secrets rotate` to encrypt \
                 them ({SEE})"
            ));
        }
    }
    Ok(warnings)
}

pub fn run(cmd: SecretsCommand, db: &str) -> CommandResult {
    let SecretsCommand::Rotate = cmd;
    let keys = key_ring_from_env()?;
    let Some(new_id) = keys.current_id().map(str::to_owned) else {
        return Err(Failure::Invalid(format!(
            "{SECRET_KEY_ENV}: not set; set it to the new key (64 hex digits, for example from `openssl rand -hex \
             32`) and {OLD_SECRET_KEY_ENV} to the key it replaces, if there was one ({SEE})"
        )));
    };
    let runtime =
        tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| Failure::Runtime(e.into()))?;
    runtime.block_on(async {
        let store = open_existing(db).await?;
        let result = rotate(&store, &keys, &new_id).await;
        store.close().await;
        result
    })
}

async fn rotate(store: &Store, keys: &TotpKeyRing, new_id: &str) -> CommandResult {
    let stored = store.stored_totp_keys().await.map_err(failure)?;
    let (mut changes, mut from_old, mut from_plain, mut current, mut refused) = (Vec::new(), 0, 0, 0, Vec::new());
    for (user_id, from) in stored {
        match keys.reseal(user_id, &from) {
            Ok(Resealed::Current) => current += 1,
            Ok(Resealed::FromOldKey(to)) => {
                from_old += 1;
                changes.push(TotpKeyChange { user_id, from, to });
            }
            Ok(Resealed::FromPlainText(to)) => {
                from_plain += 1;
                changes.push(TotpKeyChange { user_id, from, to });
            }
            Err(error) => refused.push(format!("account {user_id}: {error}")),
        }
    }
    if !refused.is_empty() {
        return Err(Failure::Runtime(anyhow::anyhow!(
            "{} TOTP keys could not be opened with {SECRET_KEY_ENV} or {OLD_SECRET_KEY_ENV}, so nothing was \
             changed ({SEE}):\n  {}",
            refused.len(),
            refused.join("\n  ")
        )));
    }
    let written = store.replace_totp_keys(&changes).await.map_err(failure)?;
    println!(
        "re-encrypted {written} TOTP keys with secret key {new_id} ({from_old} were encrypted with the old key, \
         {from_plain} were stored unencrypted); {current} already used it"
    );
    if written < changes.len() {
        eprintln!(
            "{} accounts enrolled again or removed their second factor while this ran and were left as they are; \
             run `ketapath secrets rotate` again to check",
            changes.len() - written
        );
    }
    Ok(())
}
