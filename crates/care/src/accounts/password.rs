//! Staff passwords: the strength check every new password passes, Argon2id hashing into PHC strings, and
//! verification (used by `ketapath user add`, the portal's sign-in and its account page).

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use secrecy::SecretString;

/// Why a password could not be hashed.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("the password must be at least {MIN_PASSWORD_CHARS} characters long; choose a longer one")]
    TooShort,
    /// The strength estimate found it common or guessable; the text says why, when the estimate knows.
    #[error(
        "the password is too easy to guess{0}; choose a longer one that is not a common word, name, date or \
         pattern, for example several unrelated words"
    )]
    Guessable(String),
    #[error("the password could not be hashed: {0}")]
    Hash(String),
}

/// The shortest password accepted (NIST SP 800-63B asks for at least 8).
pub const MIN_PASSWORD_CHARS: usize = 12;

/// The lowest zxcvbn score (0 to 4) a new password may have: 3 is "safely unguessable" against an online attack
/// and a moderate offline one, in the estimator's own terms.
pub const MIN_PASSWORD_SCORE: u8 = 3;

/// Whether `password` may be set as a new password: long enough, and not common or guessable by the zxcvbn
/// strength estimate. Checked wherever a password is set, because every path goes through [`hash_password`].
pub fn check_new_password(password: &str) -> Result<(), PasswordError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(PasswordError::TooShort);
    }
    let estimate = zxcvbn::zxcvbn(password, &[]);
    if u8::from(estimate.score()) < MIN_PASSWORD_SCORE {
        let why = estimate.feedback().and_then(|f| f.warning()).map(|w| format!(" ({w})")).unwrap_or_default();
        return Err(PasswordError::Guessable(why));
    }
    Ok(())
}

/// Hashes a new password with Argon2id (default parameters, random salt) into a PHC string, after
/// [`check_new_password`]. The hash is a secret too (it allows an offline guessing attack), so it comes back in a
/// type that neither prints nor serializes it.
pub fn hash_password(password: &str) -> Result<SecretString, PasswordError> {
    check_new_password(password)?;
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| SecretString::from(hash.to_string()))
        .map_err(|e| PasswordError::Hash(e.to_string()))
}

/// Whether `password` matches a stored PHC string; a malformed stored hash never matches.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|hash| Argon2::default().verify_password(password.as_bytes(), &hash).is_ok())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use secrecy::ExposeSecret;

    #[test]
    fn passwords_hash_to_argon2id_and_verify() {
        let hash = hash_password("correct horse battery").unwrap();
        let phc = hash.expose_secret();
        assert!(phc.starts_with("$argon2id$"), "{phc}");
        assert!(!format!("{hash:?}").contains("argon2"), "Debug shows the hash");
        assert!(verify_password("correct horse battery", phc));
        assert!(!verify_password("correct horse batterY", phc));
        assert!(!verify_password("correct horse battery", "not a hash"));
        assert_ne!(hash_password("correct horse battery").unwrap().expose_secret(), phc, "salted");
        assert!(matches!(hash_password("short"), Err(PasswordError::TooShort)));
    }

    #[test]
    fn new_passwords_must_be_long_and_hard_to_guess() {
        assert!(matches!(check_new_password("elevenchars"), Err(PasswordError::TooShort)));
        for weak in ["aaaaaaaaaaaa", "password1234", "qwertyuiop12", "123456789012"] {
            let refused = check_new_password(weak);
            assert!(matches!(refused, Err(PasswordError::Guessable(_))), "{weak}: {refused:?}");
            let message = refused.unwrap_err().to_string();
            assert!(message.contains("too easy to guess") && message.contains("choose a longer one"), "{message}");
        }
        // The demo's random passwords (24 hexadecimal characters) and a passphrase of unrelated words pass.
        assert!(check_new_password("9f3a1c07be52d4e8a61f0c93").is_ok());
        assert!(check_new_password("correct horse battery staple").is_ok());
    }
}
