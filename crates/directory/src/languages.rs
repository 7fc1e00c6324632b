//! The ISO 639-1 language list shipped in `data/iso639_1.tsv`, so that a listing's languages are real codes.
//!
//! The file comes from npm `iso-639-1` 3.1.6 (MIT); `data/README.md` names the script that regenerates it.
//! It is small (183 rows), so it is parsed once into a sorted table and looked up by binary search.

use std::sync::OnceLock;

const ISO_639_1_TSV: &str = include_str!("../data/iso639_1.tsv");

/// The shipped table: `(code, English name)`, sorted by code.
fn table() -> &'static [([u8; 2], &'static str)] {
    static TABLE: OnceLock<Vec<([u8; 2], &'static str)>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut rows: Vec<([u8; 2], &'static str)> = ISO_639_1_TSV
            .lines()
            .skip(1)
            .filter_map(|line| {
                let (code, name) = line.split_once('\t')?;
                match code.as_bytes() {
                    [a, b] => Some(([*a, *b], name)),
                    _ => None,
                }
            })
            .collect();
        rows.sort_unstable_by_key(|(code, _)| *code);
        rows
    })
}

/// Whether `code` (two lower-case ASCII letters) is an ISO 639-1 code in the shipped list.
pub fn is_iso_639_1(code: [u8; 2]) -> bool {
    table().binary_search_by_key(&code, |(c, _)| *c).is_ok()
}

/// The English name of an ISO 639-1 code (`"es"` gives `"Spanish"`), if it is in the shipped list.
pub fn language_name(code: &str) -> Option<&'static str> {
    let key: [u8; 2] = code.as_bytes().try_into().ok()?;
    let table = table();
    table.binary_search_by_key(&key, |(c, _)| *c).ok().map(|i| table[i].1)
}

/// Every shipped code, sorted.
pub fn all_codes() -> impl Iterator<Item = &'static str> {
    table().iter().filter_map(|(code, _)| std::str::from_utf8(code).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_list_is_complete_and_sorted() {
        assert_eq!(table().len(), 183, "every row of data/iso639_1.tsv is parsed");
        assert!(table().windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(language_name("es"), Some("Spanish"));
        assert_eq!(language_name("xx"), None);
        assert!(is_iso_639_1(*b"vi") && !is_iso_639_1(*b"qq"));
        assert_eq!(all_codes().count(), 183);
    }
}
