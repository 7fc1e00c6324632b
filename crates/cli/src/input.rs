//! Reading a command's JSON input from a file or standard input (`-` or no argument).

use std::io::Read;
use std::path::PathBuf;

use anyhow::Context;

use crate::failure::Failure;

/// Reads the whole input: the named file, or standard input when `path` is `None` or `-`.
pub fn read(path: Option<&PathBuf>) -> Result<Vec<u8>, Failure> {
    match path {
        Some(p) if p.as_os_str() != "-" => {
            std::fs::read(p).map_err(|e| Failure::Invalid(format!("cannot read {}: {e}", p.display())))
        }
        _ => {
            let mut buf = Vec::new();
            std::io::stdin().read_to_end(&mut buf).context("reading standard input")?;
            Ok(buf)
        }
    }
}

/// Parses input bytes as one JSON document, naming the line and column of a syntax error.
pub fn json(bytes: &[u8]) -> Result<serde_json::Value, Failure> {
    serde_json::from_slice(bytes)
        .map_err(|e| Failure::Invalid(format!("malformed JSON at line {}, column {}: {e}", e.line(), e.column())))
}
