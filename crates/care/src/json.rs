//! JSON documents parsed into typed requests, naming the path of a wrong-typed field (`items[2]`), for every edge
//! and for the use cases that read a stored or nested document (a REMS form draft, pre-check answers).

use ketapath_clinical::InvalidInput;
use serde::de::DeserializeOwned;

/// Why a JSON document was refused.
#[derive(Debug, thiserror::Error)]
pub enum JsonError {
    /// Not JSON at all (a syntax error, trailing characters).
    #[error("{0}")]
    Malformed(String),
    /// Well-formed JSON of the wrong shape; the error names the field.
    #[error(transparent)]
    Invalid(#[from] InvalidInput),
}

/// Parses a JSON document into `T`, naming the path of a wrong-typed field (`items[2]`). A string holding a NUL
/// character is refused naming its field: no field means one, and PostgreSQL's text columns cannot store it (it
/// answered 500 before this check).
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, JsonError> {
    // JSON can carry NUL only as the escape `\u0000`; documents without it skip the second pass.
    if bytes.windows(6).any(|w| w == b"\\u0000")
        && let Ok(document) = serde_json::from_slice::<serde_json::Value>(bytes)
        && let Some(field) = nul_field(&document, String::new())
    {
        let message = "must not contain a NUL character";
        return Err(JsonError::Invalid(InvalidInput::new(field, message)));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        if inner.is_data() {
            let field = if path == "." { String::new() } else { path };
            JsonError::Invalid(InvalidInput::new(field, strip_position(&inner)))
        } else {
            JsonError::Malformed(inner.to_string())
        }
    })?;
    deserializer.end().map_err(|e| JsonError::Malformed(e.to_string()))?;
    Ok(value)
}

/// The path (`trials[0].drug`) of the first string or key in `value` that holds a NUL character.
fn nul_field(value: &serde_json::Value, path: String) -> Option<String> {
    match value {
        serde_json::Value::String(text) => text.contains('\0').then_some(path),
        serde_json::Value::Array(items) => {
            items.iter().enumerate().find_map(|(i, item)| nul_field(item, format!("{path}[{i}]")))
        }
        serde_json::Value::Object(fields) => fields.iter().find_map(|(name, item)| {
            let inner = if path.is_empty() { name.clone() } else { format!("{path}.{name}") };
            if name.contains('\0') { Some(inner) } else { nul_field(item, inner) }
        }),
        _ => None,
    }
}

/// serde_json appends "at line 1 column 9" to data errors; the field path says more to the reader.
fn strip_position(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(index) => text[..index].to_owned(),
        None => text,
    }
}
