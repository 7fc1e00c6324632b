//! The one input error of the clinical rules: which field is wrong and why.
//!
//! Surfaces map it without translation: the CLI exits with code 2 and prints it, HTTP answers 400 with
//! `{"error": {"code": "invalid_input", "message": …, "field": …}}`.

use thiserror::Error;

/// Input that cannot be turned into a clinical domain value.
///
/// `field` is a JSON-path-like locator into the input document (`items[3]`, `trials[1].dose_mg_per_day`),
/// so that a person or a script can find the fault without reading code.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{field}: {message}")]
pub struct InvalidInput {
    pub field: String,
    pub message: String,
}

impl InvalidInput {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }

    /// Prefixes the field with a parent path, so nested parsers can report `trials[2].weeks`.
    pub fn within(self, parent: &str) -> Self {
        let field = if self.field.is_empty() {
            parent.to_owned()
        } else if self.field.starts_with('[') {
            format!("{parent}{}", self.field)
        } else {
            format!("{parent}.{}", self.field)
        };
        Self { field, message: self.message }
    }

    /// Finds the value of a closed set whose code is `code`, or refuses it on `field` with every known code, so
    /// that each coded enum (instruments, modalities, symptoms) parses and explains itself the same way.
    pub fn from_code<T: Copy>(
        all: &[T],
        code_of: impl Fn(T) -> &'static str,
        code: &str,
        field: &str,
        what: &str,
    ) -> Result<T, InvalidInput> {
        all.iter().copied().find(|value| code_of(*value) == code).ok_or_else(|| {
            let known: Vec<&str> = all.iter().map(|value| code_of(*value)).collect();
            InvalidInput::new(field, format!("unknown {what} {code:?}; known: {}", known.join(", ")))
        })
    }
}
