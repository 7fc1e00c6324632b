//! TOTP keys encrypted at rest: the server's secret key, the ring of keys a server opens stored TOTP keys with,
//! and the stored form `v1:<key id>:<nonce>:<ciphertext>`.
//!
//! With a secret key (`KETAPATH_SECRET_KEY`, 32 bytes as 64 hex digits) every TOTP key written is sealed with
//! XChaCha20-Poly1305 under a fresh random 192-bit nonce, with the account's id as associated data, so that a
//! sealed key copied onto another account's row does not open. The key id (8 hex digits of a SHA-256 of the
//! secret key, which tells nothing of the key) says which secret key sealed a row, so that rotation can open rows
//! sealed with the old key and skip rows already sealed with the new one. Rows written before a key was set hold
//! the base32 key itself (base32 has no `:` and no lower case, so it can never be mistaken for the sealed form)
//! and still open; `ketapath secrets rotate` seals them. Without a secret key, keys are stored as before.
//!
//! The store never sees the secret key: it keeps the text this module makes ([`StoredTotpKey`]).

use std::fmt;
use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use ketapath_store::domain::{StaffId, StoredTotpKey};
use secrecy::{ExposeSecret, ExposeSecretMut, SecretBox, SecretString};
use time::OffsetDateTime;

use super::totp;

/// The version tag of the sealed form; a later algorithm gets a new tag, and rows keep saying which they use.
const VERSION: &str = "v1";
/// Bytes of a secret key.
pub const SECRET_KEY_BYTES: usize = 32;
/// Bytes of an XChaCha20-Poly1305 nonce: large enough to draw at random for every write without a counter.
const NONCE_BYTES: usize = 24;

/// Why a secret key's text was refused. The messages never repeat the text, which is a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretKeyError {
    #[error(
        "must be 32 bytes written as 64 hexadecimal digits (for example from `openssl rand -hex 32`); found {0} \
         characters"
    )]
    Length(usize),
    #[error("must be 64 hexadecimal digits (0-9, a-f); found another character")]
    NotHex,
}

/// Why a TOTP key could not be sealed or opened. The messages name key ids, never a key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TotpKeyError {
    /// The row is sealed with a secret key this server does not hold (none set, or another one).
    #[error("the TOTP key is encrypted with secret key {key_id}, which this server does not hold")]
    NotHeld { key_id: String },
    /// The row's sealed form does not open under the key its id names: altered, or copied from another account.
    #[error("the TOTP key encrypted with secret key {key_id} does not open for this account (altered or moved)")]
    Rejected { key_id: String },
    /// The row starts like the sealed form but is not one.
    #[error("the stored TOTP key is neither a base32 key nor an encrypted one of the form v1:<key id>:<nonce>:<data>")]
    Malformed,
    /// Re-encryption needs a current secret key.
    #[error("no secret key to encrypt with")]
    NoCurrentKey,
    /// The cipher refused to encrypt (only possible for messages far beyond a TOTP key's size).
    #[error("the TOTP key could not be encrypted")]
    Encrypt,
    #[error("the operating system's random source failed: {0}")]
    Random(String),
}

/// A server secret key (32 bytes, wiped from memory when the last copy is dropped) and its id. `Debug` shows the
/// id only.
#[derive(Clone)]
pub struct SecretKey {
    id: String,
    bytes: Arc<SecretBox<[u8; SECRET_KEY_BYTES]>>,
}

impl SecretKey {
    /// Reads a key written as 64 hex digits (either case); surrounding white space (a file's last line ending)
    /// is ignored.
    pub fn from_hex(text: &str) -> Result<Self, SecretKeyError> {
        let text = text.trim();
        if text.chars().count() != SECRET_KEY_BYTES * 2 {
            return Err(SecretKeyError::Length(text.chars().count()));
        }
        let mut bytes = SecretBox::new(Box::new([0_u8; SECRET_KEY_BYTES]));
        hex::decode_to_slice(text, bytes.expose_secret_mut()).map_err(|_| SecretKeyError::NotHex)?;
        Ok(Self::from_bytes(bytes))
    }

    fn from_bytes(bytes: SecretBox<[u8; SECRET_KEY_BYTES]>) -> Self {
        use sha2::{Digest, Sha256};
        // A label keeps this digest from equalling any other use of a SHA-256 of the key.
        let digest =
            Sha256::new().chain_update(b"ketapath secret key id\0").chain_update(bytes.expose_secret()).finalize();
        SecretKey { id: hex::encode(&digest[..4]), bytes: Arc::new(bytes) }
    }

    /// A new random key (tests and tools; operators make theirs with `openssl rand -hex 32`).
    pub fn generate() -> Result<Self, TotpKeyError> {
        let mut bytes = SecretBox::new(Box::new([0_u8; SECRET_KEY_BYTES]));
        getrandom::fill(bytes.expose_secret_mut()).map_err(|e| TotpKeyError::Random(e.to_string()))?;
        Ok(Self::from_bytes(bytes))
    }

    /// The key's id as stored in sealed rows: 8 hex digits, safe to show and log.
    pub fn id(&self) -> &str {
        &self.id
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(self.bytes.expose_secret().into())
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretKey").field("id", &self.id).field("key", &"[REDACTED]").finish()
    }
}

/// The associated data of an account's sealed key: its id, under a label, so that a sealed key opens only on the
/// row of the account it was sealed for and only as a TOTP key.
fn associated_data(user: StaffId) -> String {
    format!("ketapath totp {VERSION} {user}")
}

/// How `ketapath secrets rotate` found one stored key.
#[derive(Debug)]
pub enum Resealed {
    /// Already sealed with the current key: left as it is.
    Current,
    /// Stored in plain text (before a secret key was set): sealed now.
    FromPlainText(StoredTotpKey),
    /// Sealed with the old key: sealed again with the current one.
    FromOldKey(StoredTotpKey),
}

/// The secret keys a server holds: the current one, which seals every key written, and during a rotation the old
/// one, which only opens. With neither, keys are stored as base32 text, as before encryption existed.
#[derive(Debug, Clone, Default)]
pub struct TotpKeyRing {
    current: Option<SecretKey>,
    old: Option<SecretKey>,
}

impl TotpKeyRing {
    /// A ring that seals with `current` and opens with it and `old`.
    pub fn new(current: Option<SecretKey>, old: Option<SecretKey>) -> Self {
        TotpKeyRing { current, old }
    }

    /// Whether keys written are encrypted.
    pub fn encrypts(&self) -> bool {
        self.current.is_some()
    }

    /// The current key's id, when there is one.
    pub fn current_id(&self) -> Option<&str> {
        self.current.as_ref().map(SecretKey::id)
    }

    /// The stored form of `key` (base32) for `user`: sealed with the current key, or the key itself without one.
    pub fn seal(&self, user: StaffId, key: &SecretString) -> Result<StoredTotpKey, TotpKeyError> {
        let Some(current) = &self.current else { return Ok(StoredTotpKey::from(key.expose_secret())) };
        let mut nonce = [0_u8; NONCE_BYTES];
        getrandom::fill(&mut nonce).map_err(|e| TotpKeyError::Random(e.to_string()))?;
        let aad = associated_data(user);
        let sealed = current
            .cipher()
            .encrypt(&XNonce::from(nonce), Payload { msg: key.expose_secret().as_bytes(), aad: aad.as_bytes() })
            // Encryption fails only for messages beyond the cipher's limit (256 GiB); a TOTP key is 32 characters.
            .map_err(|_| TotpKeyError::Encrypt)?;
        Ok(StoredTotpKey::from(format!(
            "{VERSION}:{}:{}:{}",
            current.id(),
            STANDARD_NO_PAD.encode(nonce),
            STANDARD_NO_PAD.encode(sealed)
        )))
    }

    /// The base32 key of `user` from its stored form: opened with the key its id names, or as it is when it was
    /// stored before a secret key was set.
    pub fn open(&self, user: StaffId, stored: &StoredTotpKey) -> Result<SecretString, TotpKeyError> {
        let Some(sealed) = Sealed::parse(stored.expose_stored())? else {
            return Ok(SecretString::from(stored.expose_stored()));
        };
        let key = self.held(sealed.key_id).ok_or_else(|| TotpKeyError::NotHeld { key_id: sealed.key_id.to_owned() })?;
        let rejected = || TotpKeyError::Rejected { key_id: sealed.key_id.to_owned() };
        let aad = associated_data(user);
        let plain = key
            .cipher()
            .decrypt(&XNonce::from(sealed.nonce), Payload { msg: &sealed.data, aad: aad.as_bytes() })
            .map_err(|_| rejected())?;
        String::from_utf8(plain).map(SecretString::from).map_err(|_| rejected())
    }

    /// `stored` sealed with the current key, unless it already is: for `ketapath secrets rotate`.
    pub fn reseal(&self, user: StaffId, stored: &StoredTotpKey) -> Result<Resealed, TotpKeyError> {
        let current = self.current.as_ref().ok_or(TotpKeyError::NoCurrentKey)?;
        let sealed = Sealed::parse(stored.expose_stored())?;
        if sealed.as_ref().is_some_and(|s| s.key_id == current.id()) {
            // Opened anyway, so that a row that would not open is reported now rather than at its next sign-in.
            self.open(user, stored)?;
            return Ok(Resealed::Current);
        }
        let key = self.open(user, stored)?;
        let again = self.seal(user, &key)?;
        Ok(if sealed.is_some() { Resealed::FromOldKey(again) } else { Resealed::FromPlainText(again) })
    }

    /// The step `code` is valid for at `now` under `user`'s stored key (see [`totp::verify`]); `None` for a wrong
    /// code. The one check of a code at sign-in, on the account page and wherever else one is asked for.
    pub fn verify(
        &self,
        user: StaffId,
        stored: &StoredTotpKey,
        code: &str,
        now: OffsetDateTime,
    ) -> Result<Option<i64>, TotpKeyError> {
        let key = self.open(user, stored)?;
        Ok(totp::verify(key.expose_secret(), code, now))
    }

    /// A new TOTP key for `user`: the base32 key to show once (to type into an authenticator app), and the form
    /// to store.
    pub fn new_key(&self, user: StaffId) -> Result<(SecretString, StoredTotpKey), TotpKeyError> {
        let key = totp::new_secret().map_err(|e| TotpKeyError::Random(e.to_string()))?;
        let stored = self.seal(user, &key)?;
        Ok((key, stored))
    }

    fn held(&self, key_id: &str) -> Option<&SecretKey> {
        [&self.current, &self.old].into_iter().flatten().find(|k| k.id() == key_id)
    }
}

/// Whether a stored key is in the encrypted form (of whichever secret key), rather than plain base32 text.
pub fn is_encrypted(stored: &StoredTotpKey) -> bool {
    stored.expose_stored().starts_with(VERSION) && stored.expose_stored()[VERSION.len()..].starts_with(':')
}

/// The parts of a sealed stored key.
struct Sealed<'a> {
    key_id: &'a str,
    nonce: [u8; NONCE_BYTES],
    data: Vec<u8>,
}

impl<'a> Sealed<'a> {
    /// `None` for a key stored in plain text (anything not starting with the version tag).
    fn parse(stored: &'a str) -> Result<Option<Self>, TotpKeyError> {
        let Some(rest) = stored.strip_prefix(VERSION).and_then(|r| r.strip_prefix(':')) else { return Ok(None) };
        let mut parts = rest.split(':');
        let (Some(key_id), Some(nonce), Some(data), None) = (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(TotpKeyError::Malformed);
        };
        let nonce = STANDARD_NO_PAD.decode(nonce).ok().and_then(|n| <[u8; NONCE_BYTES]>::try_from(n).ok());
        let data = STANDARD_NO_PAD.decode(data).ok();
        match (nonce, data) {
            (Some(nonce), Some(data)) if !key_id.is_empty() => Ok(Some(Sealed { key_id, nonce, data })),
            _ => Err(TotpKeyError::Malformed),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn user(n: u8) -> StaffId {
        StaffId::parse("user", &format!("00000000-0000-7000-8000-0000000000{n:02x}")).unwrap()
    }

    fn ring(current: &SecretKey, old: Option<&SecretKey>) -> TotpKeyRing {
        TotpKeyRing::new(Some(current.clone()), old.cloned())
    }

    const KEY: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

    #[test]
    fn sealed_keys_round_trip_and_hide_the_key() {
        let key = SecretKey::generate().unwrap();
        let keys = ring(&key, None);
        let stored = keys.seal(user(1), &SecretString::from(KEY)).unwrap();
        let text = stored.expose_stored();
        assert!(text.starts_with(&format!("v1:{}:", key.id())), "{text}");
        assert!(is_encrypted(&stored) && !is_encrypted(&StoredTotpKey::from(KEY)));
        assert!(!text.contains(KEY));
        assert_eq!(keys.open(user(1), &stored).unwrap().expose_secret(), KEY);
        // A fresh nonce each time: the same key sealed twice gives two texts.
        assert_ne!(keys.seal(user(1), &SecretString::from(KEY)).unwrap().expose_stored(), text);
    }

    #[test]
    fn a_wrong_key_does_not_open() {
        let keys = ring(&SecretKey::generate().unwrap(), None);
        let stored = keys.seal(user(1), &SecretString::from(KEY)).unwrap();
        let other = ring(&SecretKey::generate().unwrap(), None);
        assert!(matches!(other.open(user(1), &stored), Err(TotpKeyError::NotHeld { .. })));
        assert!(matches!(TotpKeyRing::default().open(user(1), &stored), Err(TotpKeyError::NotHeld { .. })));
        // A key with the same id but other bytes (an id collision, or a forged id) is refused by the cipher.
        let text = stored.expose_stored();
        let forged_id = other.current_id().unwrap();
        let moved = StoredTotpKey::from(text.replacen(&text[3..11], forged_id, 1));
        assert!(matches!(other.open(user(1), &moved), Err(TotpKeyError::Rejected { .. })));
    }

    #[test]
    fn a_ciphertext_moved_to_another_account_does_not_open() {
        let keys = ring(&SecretKey::generate().unwrap(), None);
        let stored = keys.seal(user(1), &SecretString::from(KEY)).unwrap();
        assert!(matches!(keys.open(user(2), &stored), Err(TotpKeyError::Rejected { .. })));
        assert!(keys.verify(user(2), &stored, "123456", OffsetDateTime::UNIX_EPOCH).is_err());
    }

    #[test]
    fn altered_or_malformed_rows_are_refused() {
        let keys = ring(&SecretKey::generate().unwrap(), None);
        let stored = keys.seal(user(1), &SecretString::from(KEY)).unwrap();
        let mut text = stored.expose_stored().to_owned();
        let last = text.pop().unwrap();
        text.push(if last == 'A' { 'B' } else { 'A' });
        assert!(matches!(keys.open(user(1), &StoredTotpKey::from(text)), Err(TotpKeyError::Rejected { .. })));
        for bad in ["v1:", "v1:abcd", "v1:abcd:!!:AAAA", "v1::AAAA:AAAA", "v1:a:b:c:d"] {
            assert_eq!(keys.open(user(1), &StoredTotpKey::from(bad)).unwrap_err(), TotpKeyError::Malformed, "{bad}");
        }
    }

    #[test]
    fn plain_text_rows_from_before_the_key_still_read() {
        let legacy = StoredTotpKey::from(KEY);
        for keys in [TotpKeyRing::default(), ring(&SecretKey::generate().unwrap(), None)] {
            assert_eq!(keys.open(user(1), &legacy).unwrap().expose_secret(), KEY);
        }
        // Without a key, keys are stored as they were before encryption existed.
        let plain = TotpKeyRing::default().seal(user(1), &SecretString::from(KEY)).unwrap();
        assert_eq!(plain.expose_stored(), KEY);
        let now = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
        let code = totp::code_at(KEY, now).unwrap();
        assert_eq!(TotpKeyRing::default().verify(user(1), &legacy, &code, now).unwrap(), Some(totp::step_at(now)));
    }

    #[test]
    fn rotation_reseals_old_and_plain_rows_and_skips_current_ones() {
        let (old, new) = (SecretKey::generate().unwrap(), SecretKey::generate().unwrap());
        let before = ring(&old, None).seal(user(1), &SecretString::from(KEY)).unwrap();
        let keys = ring(&new, Some(&old));
        let Resealed::FromOldKey(again) = keys.reseal(user(1), &before).unwrap() else { panic!("not resealed") };
        assert!(again.expose_stored().starts_with(&format!("v1:{}:", new.id())));
        assert_eq!(ring(&new, None).open(user(1), &again).unwrap().expose_secret(), KEY);
        assert!(matches!(keys.reseal(user(1), &again).unwrap(), Resealed::Current));
        let Resealed::FromPlainText(sealed) = keys.reseal(user(2), &StoredTotpKey::from(KEY)).unwrap() else {
            panic!("not sealed")
        };
        assert_eq!(keys.open(user(2), &sealed).unwrap().expose_secret(), KEY);
        // Without the old key a row sealed with it is reported, not skipped.
        assert!(matches!(ring(&new, None).reseal(user(1), &before), Err(TotpKeyError::NotHeld { .. })));
        assert_eq!(TotpKeyRing::default().reseal(user(1), &before).unwrap_err(), TotpKeyError::NoCurrentKey);
    }

    #[test]
    fn secret_keys_are_64_hex_digits_and_never_printed() {
        let hex = "00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF";
        let key = SecretKey::from_hex(&format!("{hex}\n")).unwrap();
        assert_eq!(key.id().len(), 8);
        assert_eq!(SecretKey::from_hex(&hex.to_ascii_lowercase()).unwrap().id(), key.id(), "case is no part of it");
        assert_eq!(SecretKey::from_hex(&hex[2..]).unwrap_err(), SecretKeyError::Length(62));
        assert_eq!(SecretKey::from_hex(&hex.replace('a', "g")).unwrap_err(), SecretKeyError::NotHex);
        let shown = format!("{key:?} {:?}", ring(&key, Some(&key)));
        assert!(!shown.to_ascii_lowercase().contains("00112233"), "{shown}");
        assert!(shown.contains(key.id()));
        let err = SecretKey::from_hex("secret-looking-text").unwrap_err().to_string();
        assert!(!err.contains("secret-looking"), "{err}");
    }
}
