//! Spreadsheet formula neutralisation for CSV: text cells that a spreadsheet would evaluate (`=`, `+`, `-`, `@`)
//! are written behind a `'`, which spreadsheets show as text, and the CSV importer takes that `'` off again, so
//! export then import gives back exactly what was exported.
//!
//! The rule is reversible because it also escapes the escape: a value that already starts with one or more `'`
//! followed by a formula character gets one more `'`, and the importer removes exactly one. Only free-text columns
//! (name, street, city, phone, website) are treated; coordinates such as `-73.98` stay numbers.

use std::borrow::Cow;

/// Characters that make a spreadsheet treat a cell as a formula (OWASP, "CSV injection"). Tab and carriage
/// return are on OWASP's list too; the importer trims and refuses control characters, so they never start a cell.
const FORMULA_START: [char; 4] = ['=', '+', '-', '@'];

/// True for `'*` followed by a formula character.
fn needs_escape(value: &str) -> bool {
    value.trim_start_matches('\'').starts_with(FORMULA_START)
}

/// The cell as written to a CSV export: a leading `'` added when a spreadsheet would otherwise evaluate it.
pub fn neutralise(value: &str) -> Cow<'_, str> {
    if needs_escape(value) { Cow::Owned(format!("'{value}")) } else { Cow::Borrowed(value) }
}

/// The value of a cell read from CSV: the `'` that [`neutralise`] added is removed.
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_escape(rest) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_restored() {
        for value in [
            "=HYPERLINK(\"http://evil.example\",\"x\")",
            "+1 212-555-0101",
            "-2+3",
            "@SUM(A1)",
            "'=already quoted",
            "''+two quotes",
            "'plain quote",
            "'",
            "plain",
            "",
        ] {
            let cell = neutralise(value);
            assert!(!cell.starts_with(FORMULA_START), "{value:?} written as {cell:?}");
            assert_eq!(restore(&cell), value, "round trip of {value:?}");
        }
        assert_eq!(neutralise("=1+1"), "'=1+1");
        assert_eq!(neutralise("Midtown"), "Midtown");
        assert_eq!(neutralise("'x"), "'x");
        // A quoted formula in a file from elsewhere is read as the formula text, not as a quote.
        assert_eq!(restore("'=1+1"), "=1+1");
        assert_eq!(restore("'x"), "'x");
    }
}
