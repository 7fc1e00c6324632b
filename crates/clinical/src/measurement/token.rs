//! The format of a self-report link token: 32 random bytes written as base64url without padding, 43 characters.
//!
//! The store draws the bytes from a secure random source, keeps only their hash and marks the link used; this file
//! only turns bytes into the token string and a string from a URL back into a token, refusing anything that is not
//! exactly such a string. A token is a secret: its `Debug` form hides it, and errors never echo it.

use crate::error::InvalidInput;

/// Bytes of randomness in a token.
pub const TOKEN_BYTES: usize = 32;
/// Characters of a token: 32 bytes in base64url without padding.
pub const TOKEN_CHARS: usize = 43;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// A well-formed link token.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct LinkToken(String);

impl std::fmt::Debug for LinkToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkToken(<redacted>)")
    }
}

fn sextet(c: u8) -> Option<u8> {
    ALPHABET.iter().position(|a| *a == c).and_then(|i| u8::try_from(i).ok())
}

fn symbol(value: u32) -> char {
    // `value` is masked to six bits by every caller, so the index is always within the alphabet.
    char::from(ALPHABET[(value & 0x3f) as usize])
}

impl LinkToken {
    /// Writes random bytes as a token.
    pub fn from_bytes(bytes: &[u8; TOKEN_BYTES]) -> Self {
        let mut out = String::with_capacity(TOKEN_CHARS);
        for chunk in bytes.chunks(3) {
            let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            // A chunk of k bytes needs k + 1 characters; without padding the rest are left out.
            for i in 0..=chunk.len() {
                out.push(symbol(n >> (18 - 6 * i)));
            }
        }
        Self(out)
    }

    /// Parses a token from a URL. Refused: any length but 43, any character outside base64url, and a last
    /// character whose unused low bits are set (such a string is not what [`LinkToken::from_bytes`] writes).
    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        let chars = raw.chars().count();
        if chars != TOKEN_CHARS {
            return Err(InvalidInput::new(
                "token",
                format!("must be {TOKEN_CHARS} characters of base64url ({TOKEN_BYTES} bytes, no padding); got {chars}"),
            ));
        }
        let mut values = Vec::with_capacity(TOKEN_CHARS);
        for (index, c) in raw.bytes().enumerate() {
            match sextet(c) {
                Some(v) => values.push(v),
                None => {
                    return Err(InvalidInput::new(
                        "token",
                        format!("character {} is not a base64url character (A-Z, a-z, 0-9, '-', '_')", index + 1),
                    ));
                }
            }
        }
        // 43 characters carry 258 bits for 256: the last character's two low bits must be zero.
        if values.last().is_some_and(|last| last & 0b11 != 0) {
            return Err(InvalidInput::new("token", "is not a canonical encoding of 32 bytes"));
        }
        Ok(Self(raw.to_owned()))
    }

    /// The token's bytes, for the store to hash.
    pub fn to_bytes(&self) -> [u8; TOKEN_BYTES] {
        let values: Vec<u32> = self.0.bytes().filter_map(sextet).map(u32::from).collect();
        let mut out = [0u8; TOKEN_BYTES];
        let mut written = 0;
        for group in values.chunks(4) {
            let n = group.iter().enumerate().fold(0u32, |n, (i, v)| n | (v << (18 - 6 * i)));
            for shift in [16u32, 8, 0] {
                if written < TOKEN_BYTES && group.len() * 6 >= (24 - shift as usize) {
                    out[written] = ((n >> shift) & 0xff) as u8;
                    written += 1;
                }
            }
        }
        out
    }

    /// The token as it appears in the link.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for LinkToken {
    type Err = InvalidInput;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        LinkToken::parse(raw)
    }
}
