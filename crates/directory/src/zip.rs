//! A US ZIP code as a checked value: exactly five digits (ZIP+4 input is accepted and truncated).

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// A five-digit US ZIP code.
///
/// Stored as five ASCII digits so that it is `Copy` and compares in ZIP order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Zip([u8; 5]);

/// Input that is not a ZIP code; the message names the value.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("ZIP {value:?} must be exactly 5 digits (or ZIP+4 such as 12345-6789)")]
pub struct ZipError {
    pub value: String,
}

impl Zip {
    /// Parses `12345` or ZIP+4 `12345-6789` (truncated to the five-digit ZIP); surrounding spaces are ignored.
    pub fn parse(raw: &str) -> Result<Zip, ZipError> {
        let bytes = raw.trim().as_bytes();
        let five = match bytes.len() {
            5 => bytes,
            10 if bytes[5] == b'-' && bytes[6..].iter().all(u8::is_ascii_digit) => &bytes[..5],
            _ => return Err(ZipError { value: raw.to_owned() }),
        };
        match <[u8; 5]>::try_from(five) {
            Ok(digits) if digits.iter().all(u8::is_ascii_digit) => Ok(Zip(digits)),
            _ => Err(ZipError { value: raw.to_owned() }),
        }
    }

    pub fn as_str(&self) -> &str {
        // The bytes are ASCII digits by construction, so this never falls back.
        std::str::from_utf8(&self.0).unwrap_or("00000")
    }
}

impl std::str::FromStr for Zip {
    type Err = ZipError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Zip::parse(s)
    }
}

impl std::fmt::Display for Zip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Zip {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Zip {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Zip::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_digits_and_zip_plus_four() {
        assert_eq!(Zip::parse("02139").unwrap().as_str(), "02139");
        assert_eq!(Zip::parse(" 10001-1234 ").unwrap().as_str(), "10001");
        for bad in ["", "1234", "123456", "1234a", "12345-678", "12345 6789", "12345-67a9", "１２３４５"] {
            let err = Zip::parse(bad).unwrap_err();
            assert_eq!(err.value, bad);
            assert!(err.to_string().contains(&format!("{bad:?}")), "{err}");
        }
    }

    #[test]
    fn orders_as_text() {
        assert!(Zip::parse("01001").unwrap() < Zip::parse("10001").unwrap());
    }
}
