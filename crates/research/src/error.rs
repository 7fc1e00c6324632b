//! Errors of the research core: a bad export key, and an export that cannot be built safely.

use ketapath_clinical::InvalidInput;
use thiserror::Error;

/// Why bytes or text could not become an [`crate::deid::ExportKey`]. The key itself never appears in the message.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum KeyError {
    #[error("export key must be at least {min} bytes; got {got}")]
    TooShort { min: usize, got: usize },
    #[error("export key in hex must have an even number of hex digits (0-9, a-f) only; character {position} is not")]
    NotHex { position: usize },
}

/// Why an export could not be built.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ExportError {
    /// A record of the input is invalid; `field` names it (`patients[2].sessions[0].ended_at`).
    #[error(transparent)]
    Invalid(#[from] InvalidInput),
    /// Two different source ids got the same pseudonym. With 64-bit pseudonyms this is expected about once in
    /// 2^32 ≈ 4 billion records, so it is refused rather than silently merging two people.
    #[error("pseudonym collision between two {kind} ids; rotate the export key")]
    PseudonymCollision { kind: &'static str },
}
