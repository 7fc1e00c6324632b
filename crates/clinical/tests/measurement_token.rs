//! Tests of the self-report link token format: 32 bytes as 43 characters of base64url without padding.

use ketapath_clinical::measurement::LinkToken;
use proptest::prelude::*;

fn bytes(start: u8) -> [u8; 32] {
    std::array::from_fn(|i| start.wrapping_add(u8::try_from(i).expect("i < 32")))
}

#[test]
fn known_vectors_match_base64url_without_padding() {
    // Reference values from Python's base64.urlsafe_b64encode with the padding stripped.
    assert_eq!(LinkToken::from_bytes(&bytes(0)).as_str(), "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8");
    assert_eq!(LinkToken::from_bytes(&bytes(200)).as_str(), "yMnKy8zNzs_Q0dLT1NXW19jZ2tvc3d7f4OHi4-Tl5uc");
    assert_eq!(LinkToken::from_bytes(&[0xff; 32]).as_str(), "__________________________________________8");
    assert_eq!(LinkToken::from_bytes(&[0; 32]).as_str(), "A".repeat(43));
}

#[test]
fn a_valid_token_parses_and_gives_its_bytes_back() {
    let token = LinkToken::parse("yMnKy8zNzs_Q0dLT1NXW19jZ2tvc3d7f4OHi4-Tl5uc").expect("valid");
    assert_eq!(token.to_bytes(), bytes(200));
    let parsed: LinkToken = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8".parse().expect("valid");
    assert_eq!(parsed, LinkToken::from_bytes(&bytes(0)));
}

#[test]
fn wrong_lengths_are_refused() {
    let valid = LinkToken::from_bytes(&bytes(7)).as_str().to_owned();
    let short = &valid[..42];
    let long = format!("{valid}A");
    let padded = format!("{valid}=");
    for (raw, chars) in [(short, 42), (long.as_str(), 44), (padded.as_str(), 44), ("", 0)] {
        let error = LinkToken::parse(raw).expect_err(raw);
        assert_eq!(error.field, "token");
        assert!(error.message.ends_with(&format!("got {chars}")), "{}", error.message);
    }
}

#[test]
fn characters_outside_base64url_are_refused() {
    let valid = LinkToken::from_bytes(&bytes(7)).as_str().to_owned();
    for bad in ['+', '/', '=', ' ', '.', '%', 'é'] {
        let mut raw: Vec<char> = valid.chars().collect();
        raw[10] = bad;
        let raw: String = raw.into_iter().collect();
        let error = LinkToken::parse(&raw).expect_err("invalid character");
        if bad.len_utf8() == 1 {
            assert!(error.message.contains("character 11"), "{}", error.message);
        }
        // The error never repeats the token, which is a secret.
        assert!(!error.message.contains(&valid[..10]), "{}", error.message);
    }
}

#[test]
fn a_non_canonical_last_character_is_refused() {
    // "B" sets a low bit that 32 bytes leave unused: no 32-byte value encodes to it.
    let raw = format!("{}B", "A".repeat(42));
    assert!(LinkToken::parse(&raw).is_err());
    assert!(LinkToken::parse(&format!("{}E", "A".repeat(42))).is_ok());
}

#[test]
fn debug_hides_the_token() {
    let token = LinkToken::from_bytes(&bytes(1));
    let shown = format!("{token:?}");
    assert!(!shown.contains(token.as_str()));
    assert_eq!(shown, "LinkToken(<redacted>)");
}

proptest! {
    #[test]
    fn every_32_byte_value_round_trips(raw in proptest::array::uniform32(any::<u8>())) {
        let token = LinkToken::from_bytes(&raw);
        prop_assert_eq!(token.as_str().len(), 43);
        let parsed = LinkToken::parse(token.as_str()).expect("a written token parses");
        prop_assert_eq!(parsed.to_bytes(), raw);
    }

    #[test]
    fn parsing_any_string_never_panics(raw in ".{0,60}") {
        if let Ok(token) = LinkToken::parse(&raw) {
            let written = LinkToken::from_bytes(&token.to_bytes());
            prop_assert_eq!(written.as_str(), raw.as_str());
        }
    }
}
