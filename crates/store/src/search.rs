//! Patient search keys: names folded for accent- and case-insensitive matching, record numbers in lower case, and
//! the fill of both columns for rows written before schema version 15.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::audited::Unaudited;
use crate::error::StoreResult;
use crate::statement::Update;
use crate::store::Store;

/// The schema version that adds `patients.search_name` and `patients.mrn_key`.
pub(crate) const SEARCH_COLUMNS_VERSION: i64 = 15;

/// `text` folded for matching: canonical decomposition with the combining marks dropped ("Quorváth" becomes
/// "quorvath"), lower case, and runs of white space made one space. The folding is done here, in Rust, rather
/// than in SQL, so that SQLite and PostgreSQL compare the same strings.
pub fn fold(text: &str) -> String {
    let folded: String = text.nfd().filter(|c| !is_combining_mark(*c)).flat_map(char::to_lowercase).collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The stored search key of a patient's name: family name first, so that the key also gives the list's order
/// (by family name, then given name).
pub(crate) fn search_name(given_name: &str, family_name: &str) -> String {
    fold(&format!("{family_name} {given_name}"))
}

/// The stored key of a clinic record number: compared exactly, but without regard to case.
pub fn mrn_key(mrn: &str) -> String {
    mrn.trim().to_lowercase()
}

/// Fills the search columns of every patient written before they existed (`search_name IS NULL`); returns how
/// many rows were filled. Run by `Store::migrate` right after the migrations, since SQL cannot fold accents the
/// way [`fold`] does.
pub(crate) async fn fill(store: &Store) -> StoreResult<u64> {
    // Unaudited::SearchColumns: the keys are derived from fields already stored; no record changes meaning.
    let mut tx = store.begin_unaudited_write(Unaudited::SearchColumns).await?;
    let rows: Vec<(String, String, String, Option<String>)> =
        tx.fetch_all("SELECT id, given_name, family_name, mrn FROM patients WHERE search_name IS NULL", &[]).await?;
    let mut filled = 0;
    for (id, given, family, mrn) in rows {
        filled += Update::table("patients")
            .set("search_name", search_name(&given, &family))
            .set("mrn_key", mrn.as_deref().map(mrn_key))
            .filter("id", id)
            .execute(&mut tx)
            .await?;
    }
    tx.commit().await?;
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_case_and_spaces_fold_away() {
        assert_eq!(fold("Quorváth"), "quorvath");
        assert_eq!(fold("  JOSÉ   María\tÑúñez "), "jose maria nunez");
        // Precomposed and decomposed input fold to the same key.
        assert_eq!(fold("Jos\u{e9}"), fold("Jose\u{301}"));
        assert_eq!(search_name("Ada", "Lovelace-Byron"), "lovelace-byron ada");
        assert_eq!(mrn_key(" Ab-12 "), "ab-12");
    }
}
