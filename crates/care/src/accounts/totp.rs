//! TOTP second factor (RFC 6238: HMAC-SHA-1, 6 digits, 30-second steps), base32 secrets as authenticator apps
//! take them, and the `otpauth://` enrollment URI.
//!
//! Time comes in as a parameter (the store's clock at the call site). A code is accepted for the current step or
//! one step either side (clock drift); the caller then records the accepted step so the same code cannot be used
//! twice (`Store::accept_totp_step`).

use hmac::{Hmac, Mac};
use secrecy::SecretString;
use sha1::Sha1;
use time::OffsetDateTime;

/// Seconds per step.
pub const STEP_SECONDS: i64 = 30;
/// Digits per code.
pub const DIGITS: u32 = 6;
/// Steps accepted either side of the current one.
pub const DRIFT_STEPS: i64 = 1;
/// Bytes of a new secret (160 bits, the size RFC 4226 recommends for HMAC-SHA-1).
pub const SECRET_BYTES: usize = 20;

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32 without padding.
pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let (mut buffer, mut bits) = (0_u32, 0_u32);
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(BASE32[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(BASE32[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// Decodes base32 as people type it: case-insensitive, spaces, hyphens and padding ignored. `None` for any other
/// character.
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let (mut buffer, mut bits) = (0_u32, 0_u32);
    for c in text.chars().filter(|c| !matches!(c, ' ' | '-' | '=')) {
        let value = BASE32.iter().position(|&b| char::from(b) == c.to_ascii_uppercase())?;
        buffer = (buffer << 5) | value as u32;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(((buffer >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

/// A new random secret, base32. Stored through [`super::totp_key::TotpKeyRing::seal`].
pub fn new_secret() -> Result<SecretString, getrandom::Error> {
    let mut bytes = [0_u8; SECRET_BYTES];
    getrandom::fill(&mut bytes)?;
    Ok(SecretString::from(base32_encode(&bytes)))
}

/// The step an instant falls in.
pub fn step_at(now: OffsetDateTime) -> i64 {
    now.unix_timestamp().div_euclid(STEP_SECONDS)
}

/// The HOTP value (RFC 4226) of `key` at counter `step`, truncated to `digits` digits.
pub fn hotp(key: &[u8], step: i64, digits: u32) -> u32 {
    // HMAC takes keys of any length, so `new_from_slice` cannot fail; an empty MAC would still give a code.
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(key) else { return 0 };
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let binary =
        u32::from_be_bytes([digest[offset] & 0x7f, digest[offset + 1], digest[offset + 2], digest[offset + 3]]);
    binary % 10_u32.pow(digits)
}

/// The 6-digit code of a base32 secret at `now`, zero-padded; `None` for a secret that is not base32.
pub fn code_at(secret: &str, now: OffsetDateTime) -> Option<String> {
    let key = base32_decode(secret)?;
    Some(format!("{:06}", hotp(&key, step_at(now), DIGITS)))
}

/// The step a submitted code is valid for at `now` (current step ± [`DRIFT_STEPS`]), or `None`. Surrounding
/// spaces are ignored; anything but six digits is refused without computing.
pub fn verify(secret: &str, code: &str, now: OffsetDateTime) -> Option<i64> {
    let code = code.trim().replace(' ', "");
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let submitted: u32 = code.parse().ok()?;
    let key = base32_decode(secret)?;
    let current = step_at(now);
    // Every candidate is computed, so the time taken does not depend on which step matched.
    let mut matched = None;
    for step in (current - DRIFT_STEPS)..=(current + DRIFT_STEPS) {
        if hotp(&key, step, DIGITS) == submitted && matched.is_none() {
            matched = Some(step);
        }
    }
    matched
}

/// The `otpauth://totp/...` URI an authenticator app imports (Key Uri Format), labelled `issuer:account`.
pub fn otpauth_uri(issuer: &str, account: &str, secret: &str) -> String {
    use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
    let issuer_enc = utf8_percent_encode(issuer, NON_ALPHANUMERIC);
    let account_enc = utf8_percent_encode(account, NON_ALPHANUMERIC);
    format!(
        "otpauth://totp/{issuer_enc}:{account_enc}?secret={secret}&issuer={issuer_enc}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 rows: the seed is the ASCII of "12345678901234567890"; the RFC prints 8 digits,
    /// of which a 6-digit code is the last six.
    #[test]
    fn rfc6238_appendix_b_sha1_vectors() {
        let key = b"12345678901234567890";
        let rows: [(i64, u32); 6] = [
            (59, 94287082),
            (1111111109, 7081804),
            (1111111111, 14050471),
            (1234567890, 89005924),
            (2000000000, 69279037),
            (20000000000, 65353130),
        ];
        let secret = base32_encode(key);
        assert_eq!(secret, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        for (t, expected) in rows {
            assert_eq!(hotp(key, t / STEP_SECONDS, 8), expected, "T = {t}");
            let now = OffsetDateTime::from_unix_timestamp(t).unwrap();
            assert_eq!(code_at(&secret, now).unwrap(), format!("{:06}", expected % 1_000_000), "T = {t}");
        }
    }

    #[test]
    fn codes_verify_within_one_step_either_side_only() {
        let secret = new_secret().unwrap();
        let secret = secrecy::ExposeSecret::expose_secret(&secret);
        let now = OffsetDateTime::from_unix_timestamp(1_800_000_015).unwrap();
        let step = step_at(now);
        let at = |offset: i64| OffsetDateTime::from_unix_timestamp(now.unix_timestamp() + offset).unwrap();
        assert_eq!(verify(secret, &code_at(secret, now).unwrap(), now), Some(step));
        assert_eq!(verify(secret, &code_at(secret, at(-30)).unwrap(), now), Some(step - 1));
        assert_eq!(verify(secret, &code_at(secret, at(30)).unwrap(), now), Some(step + 1));
        let old = code_at(secret, at(-90)).unwrap();
        let current = code_at(secret, now).unwrap();
        // A code two steps old is refused (unless it happens to equal the current one by chance).
        if old != current {
            assert_eq!(verify(secret, &old, now), None);
        }
        assert_eq!(verify(secret, "12345", now), None);
        assert_eq!(verify(secret, "abcdef", now), None);
        assert_eq!(verify("not base32!", "123456", now), None);
    }

    #[test]
    fn base32_round_trips_and_reads_typed_secrets() {
        for len in 0..=21 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            assert_eq!(base32_decode(&base32_encode(&bytes)).unwrap(), bytes);
        }
        assert_eq!(base32_decode("jbsw y3dp-ehpk3pxp").unwrap(), b"Hello!\xde\xad\xbe\xef");
        assert_eq!(base32_decode("JBSW1"), None);
        assert_eq!(secrecy::ExposeSecret::expose_secret(&new_secret().unwrap()).len(), 32);
    }

    #[test]
    fn otpauth_uri_names_issuer_account_and_parameters() {
        let uri = otpauth_uri("KetaPath", "rx@clinic.example", "JBSWY3DPEHPK3PXP");
        assert_eq!(
            uri,
            "otpauth://totp/KetaPath:rx%40clinic%2Eexample?secret=JBSWY3DPEHPK3PXP&issuer=KetaPath&algorithm=SHA1&digits=6&period=30"
        );
    }
}
