//! ZIP codes cut to their first three digits, with HIPAA Safe Harbor's low-population three-digit areas set to 000.
//!
//! The list of restricted three-digit codes is the checked-in data file `data/zip3_restricted.txt`, with its source.

use std::sync::OnceLock;

/// The restricted three-digit ZIP codes, parsed once from the embedded data file.
pub fn restricted_zip3() -> &'static [String] {
    static LIST: OnceLock<Vec<String>> = OnceLock::new();
    LIST.get_or_init(|| {
        include_str!("../../data/zip3_restricted.txt")
            .lines()
            .map(|line| line.split('#').next().unwrap_or("").trim())
            .filter(|line| !line.is_empty())
            .map(str::to_owned)
            .collect()
    })
}

/// The exported form of a ZIP code: its first three digits, `000` for a restricted area, and `None` when the value
/// is not a US ZIP (5 digits, optionally followed by `-` and 4 digits), so that nothing malformed is passed on.
pub fn zip3(zip: &str) -> Option<String> {
    let zip = zip.trim();
    let (five, plus4) = match zip.split_once('-') {
        Some((five, plus4)) => (five, Some(plus4)),
        None => (zip, None),
    };
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(five, 5) || plus4.is_some_and(|p| !digits(p, 4)) {
        return None;
    }
    let three = &five[..3];
    if restricted_zip3().iter().any(|r| r == three) { Some("000".to_owned()) } else { Some(three.to_owned()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_data_file_holds_the_17_codes_of_the_2012_guidance() {
        let list = restricted_zip3();
        assert_eq!(list.len(), 17);
        assert!(list.iter().all(|c| c.len() == 3 && c.bytes().all(|b| b.is_ascii_digit())));
        assert_eq!(list.first().map(String::as_str), Some("036"));
        assert_eq!(list.last().map(String::as_str), Some("893"));
    }

    #[test]
    fn zips_are_cut_and_restricted_areas_zeroed() {
        assert_eq!(zip3("10001").as_deref(), Some("100"));
        assert_eq!(zip3("03601").as_deref(), Some("000"));
        assert_eq!(zip3("89301-1234").as_deref(), Some("000"));
        assert_eq!(zip3(" 94110 ").as_deref(), Some("941"));
        assert_eq!(zip3("1000"), None);
        assert_eq!(zip3("10001-12"), None);
        assert_eq!(zip3("SW1A 1AA"), None);
    }
}
