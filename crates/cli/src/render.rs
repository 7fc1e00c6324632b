//! Rendering results for people (plain text for a terminal) and for scripts (one JSON document).
//!
//! Text rendering is kept apart from the commands so that snapshot tests can pin it without a process.

use std::fmt::Write as _;

use ketapath_clinical::RULES_VERSION;
use ketapath_clinical::instruments::Score;
use serde::Serialize;

use crate::failure::Failure;

/// Serializes one JSON document, pretty-printed.
pub fn json<T: Serialize>(value: &T) -> Result<String, Failure> {
    serde_json::to_string_pretty(value).map_err(|e| Failure::Runtime(e.into()))
}

/// The JSON document of `ketapath score --json`: the score plus the rule set version.
pub fn score_json(score: &Score) -> serde_json::Value {
    let mut value = serde_json::to_value(score).unwrap_or_default();
    if let Some(object) = value.as_object_mut() {
        object.insert("rules_version".into(), RULES_VERSION.into());
    }
    value
}

/// A score as a person reads it in a terminal.
pub fn score_text(score: &Score) -> String {
    let spec = score.instrument.spec();
    let mut out = String::new();
    // Writing to a String cannot fail; the results are ignored on purpose.
    let _ = writeln!(out, "{}: {} of {} ({})", spec.name, score.total, score.total_max, score.severity_label);
    for flag in &score.flags {
        let _ = writeln!(out, "  ! {}", flag.message);
    }
    let _ = writeln!(out, "  rule {} · rules {}", score.rule, RULES_VERSION);
    if let Some(copyright) = spec.copyright {
        let _ = writeln!(out, "  {copyright}");
    }
    out
}
