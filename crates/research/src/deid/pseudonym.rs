//! Keyed pseudonyms: `HMAC-SHA256(key, "<kind>:" + id)`, truncated to 16 hex digits (64 bits), prefixed by kind.
//!
//! Why keyed: a plain hash of a UUID or an MRN can be recomputed by anyone who holds the id; with a secret key only
//! the clinic can link a pseudonym back (HIPAA Safe Harbor's re-identification code, 45 CFR 164.514(c): not derived
//! from the identifier in a way others can reverse, and the key is never disclosed).
//!
//! Why 64 bits: by the birthday bound, the chance that any two of `n` ids collide is about `n² / 2^65`:
//! 1.4e-10 for 100,000 records and 2.7e-8 for 1,000,000. An export refuses to proceed on a collision rather than
//! merge two people ([`crate::error::ExportError::PseudonymCollision`]).
//!
//! Why kinds: the kind is part of the MAC input (`patient:`, `session:`, …) and of the output prefix (`pt-`, `se-`,
//! …), so the same source string used as two kinds of id gives unrelated pseudonyms, and pseudonyms of different
//! kinds can never be equal as text.

use std::fmt::Write as _;

use super::key::ExportKey;

/// The kinds of entity that get pseudonyms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Patient,
    Clinic,
    Course,
    Session,
    Assessment,
    AdverseEvent,
}

impl Kind {
    /// The domain-separation label that goes into the MAC.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Patient => "patient",
            Kind::Clinic => "clinic",
            Kind::Course => "course",
            Kind::Session => "session",
            Kind::Assessment => "assessment",
            Kind::AdverseEvent => "adverse_event",
        }
    }

    /// The prefix of the pseudonym, so a reader sees what kind of id a column holds.
    pub fn prefix(self) -> &'static str {
        match self {
            Kind::Patient => "pt",
            Kind::Clinic => "cl",
            Kind::Course => "co",
            Kind::Session => "se",
            Kind::Assessment => "as",
            Kind::AdverseEvent => "ae",
        }
    }
}

/// Hex digits kept from the MAC: 16 digits, 64 bits.
pub const PSEUDONYM_HEX_DIGITS: usize = 16;

/// The pseudonym of `id` as an entity of `kind`, for example `pt-3f2a…` (prefix, dash, 16 hex digits).
pub fn pseudonym(key: &ExportKey, kind: Kind, id: &str) -> String {
    let mac = key.mac(format!("{}:{id}", kind.label()).as_bytes());
    let mut out = String::with_capacity(3 + PSEUDONYM_HEX_DIGITS);
    out.push_str(kind.prefix());
    out.push('-');
    // Sixteen digits of a u64, big-endian: the same text as each byte in hex, in one formatting call.
    let _ = write!(out, "{:016x}", u64::from_be_bytes(first_bytes(&mac)));
    out
}

/// The 64 bits a pseudonym of `id` as `kind` shows, as a number: comparing these compares the pseudonyms' text.
pub fn pseudonym_bits(key: &ExportKey, kind: Kind, id: &str) -> u64 {
    u64::from_be_bytes(first_bytes(&key.mac(format!("{}:{id}", kind.label()).as_bytes())))
}

/// The number behind a pseudonym's text (`pt-00ff…`), or `None` for text that is not a pseudonym.
pub fn bits_of(pseudonym: &str) -> Option<u64> {
    let (_, hex) = pseudonym.split_once('-')?;
    u64::from_str_radix(hex, 16).ok()
}

/// The first eight bytes of a MAC.
fn first_bytes(mac: &[u8]) -> [u8; 8] {
    let mut bytes = [0; 8];
    for (b, m) in bytes.iter_mut().zip(mac) {
        *b = *m;
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(fill: u8) -> ExportKey {
        ExportKey::from_bytes(&[fill; 32]).expect("32 bytes")
    }

    #[test]
    fn pseudonyms_are_stable_keyed_and_kind_separated() {
        let k = key(1);
        let a = pseudonym(&k, Kind::Patient, "0192-abc");
        assert_eq!(a, pseudonym(&k, Kind::Patient, "0192-abc"));
        assert_ne!(a, pseudonym(&key(2), Kind::Patient, "0192-abc"));
        assert_ne!(a, pseudonym(&k, Kind::Patient, "0192-abd"));
        let s = pseudonym(&k, Kind::Session, "0192-abc");
        assert!(a.starts_with("pt-") && s.starts_with("se-"));
        assert_ne!(a[3..], s[3..], "the kind is part of the MAC input, not only the prefix");
        assert_eq!(a.len(), 3 + PSEUDONYM_HEX_DIGITS);
        assert!(a[3..].chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    }
}
