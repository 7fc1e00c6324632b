//! Whether a name a person typed shows anything: a clinic name, a staff member's display name or a referral's
//! name made only of invisible characters (zero-width spaces, control characters, Hangul fillers, a braille
//! blank…) would look empty on every page and in every inbox, so each of those fields refuses one.

use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

/// Whether `c` draws nothing by itself: white space and separators, control and format characters (zero-width
/// space, joiners, direction marks, the byte order mark), unassigned and private-use code points, combining
/// marks (which only decorate another character), and the letters and symbols that are blank by design.
pub fn is_invisible(c: char) -> bool {
    // Letters and symbols whose glyph is empty: the Hangul fillers, the braille blank, the Mongolian vowel
    // separator (a format character in older Unicode versions), the Khmer inherent vowels.
    const BLANK: [char; 8] =
        ['\u{115F}', '\u{1160}', '\u{3164}', '\u{FFA0}', '\u{2800}', '\u{180E}', '\u{17B4}', '\u{17B5}'];
    c.is_whitespace()
        || BLANK.contains(&c)
        || matches!(
            c.general_category_group(),
            GeneralCategoryGroup::Other | GeneralCategoryGroup::Separator | GeneralCategoryGroup::Mark
        )
}

/// Whether `text` shows nothing: empty, or made only of [`is_invisible`] characters.
pub fn shows_nothing(text: &str) -> bool {
    text.chars().all(is_invisible)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_invisible_characters_show_nothing() {
        for blank in [
            "",
            "   ",
            "\u{200B}\u{200B}",
            "\u{200D}\u{200C}\u{2060}\u{FEFF}",
            "\u{202E}\u{200F}",
            "\u{3164}",
            "\u{115F}\u{1160}",
            "\u{2800}\u{2800}",
            "\u{0301}\u{0308}",
            "\u{00A0}\u{2028}\u{3000}",
            "\u{0007}\t\n",
            "\u{E000}",
        ] {
            assert!(shows_nothing(blank), "{blank:?}");
        }
        for name in ["Ann", "Å", "e\u{0301}", "李", "\u{200B}Ann\u{200B}", "🙂", "-", "O'Brien"] {
            assert!(!shows_nothing(name), "{name:?}");
        }
    }
}
