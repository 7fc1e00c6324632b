//! The triage pre-read: the crisis block of a self-check or self-report whose input is invalid, read leniently from
//! the two answers that drive the triage, PHQ-9 item 9 and `acting_on_thoughts`.
//!
//! Why: crisis help must not depend on every other field being right. Someone who answers that they may act on
//! thoughts of self-harm and mistypes their age must still be shown 911 and 988 (issue 13, item 6). The CLI, the
//! screening API and the pages all call [`triage_pre_read`] on the raw document (pages build the same document
//! from their form), so the help shown with an error is the one a valid input would have given.
//!
//! What counts as readable: item 9 is the ninth entry of a `phq9` array of exactly nine entries, and an integer
//! from 0 to 3 (with any other count the position of item 9 is not known). `acting_on_thoughts` is `true`, or a
//! form's "yes" (read as true on purpose: when in doubt, more help). Every other field is ignored. When
//! `acting_on_thoughts` is true the level is `emergency` whatever item 9 holds; otherwise an unreadable item 9
//! means no crisis block, and the error of the strict parse names the field.

use serde_json::Value;

use super::crisis::{Crisis, triage};

/// The crisis block that the triage answers call for, when they can be read from `raw` (the self-check input
/// document: `{"phq9": [...], "acting_on_thoughts": ...}`); `None` when they cannot.
pub fn triage_pre_read(raw: &Value) -> Option<Crisis> {
    let object = raw.as_object()?;
    let item9 = object
        .get("phq9")
        .and_then(Value::as_array)
        .filter(|items| items.len() == 9)
        .and_then(|items| items.get(8))
        .and_then(Value::as_u64)
        .filter(|v| *v <= 3)
        .and_then(|v| u8::try_from(v).ok());
    let acting = object.get("acting_on_thoughts").is_some_and(|v| match v {
        Value::Bool(b) => *b,
        Value::String(s) => matches!(s.trim().to_ascii_lowercase().as_str(), "true" | "yes"),
        _ => false,
    });
    match (item9, acting) {
        (_, true) => Some(triage(item9.unwrap_or(0), true)),
        (Some(item9), false) => Some(triage(item9, false)),
        (None, false) => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::safety::CrisisLevel;

    fn level(raw: Value) -> Option<CrisisLevel> {
        triage_pre_read(&raw).map(|c| c.level)
    }

    #[test]
    fn every_other_field_may_be_wrong() {
        let raw = json!({"phq9": [9, "x", null, 0, 0, 0, 0, 0, 2], "age": 150, "conditions": ["nope"], "extra": 1});
        assert_eq!(level(raw), Some(CrisisLevel::Urgent));
        assert_eq!(level(json!({"phq9": [0, 0, 0, 0, 0, 0, 0, 0, 0], "age": 150})), Some(CrisisLevel::None));
    }

    #[test]
    fn acting_on_thoughts_is_an_emergency_even_without_item_9() {
        assert_eq!(
            level(json!({"phq9": [1, 1, 1, 1, 1, 1, 1, 1], "acting_on_thoughts": true})),
            Some(CrisisLevel::Emergency)
        );
        assert_eq!(level(json!({"acting_on_thoughts": "yes", "age": 150})), Some(CrisisLevel::Emergency));
        let emergency = triage_pre_read(&json!({"acting_on_thoughts": true})).unwrap();
        assert_eq!(emergency, triage(0, true), "the same block as a valid emergency");
    }

    #[test]
    fn an_unreadable_item_9_gives_no_block() {
        assert_eq!(level(json!({"phq9": [1, 1, 1, 1, 1, 1, 1, 1], "acting_on_thoughts": false})), None);
        assert_eq!(level(json!({"phq9": [0, 0, 0, 0, 0, 0, 0, 0, 4]})), None);
        assert_eq!(level(json!({"phq9": [0, 0, 0, 0, 0, 0, 0, 0, "2"]})), None);
        assert_eq!(level(json!({"phq9": [0, 0, 0, 0, 0, 0, 0, 0, 1, 1]})), None);
        assert_eq!(level(json!([1, 2, 3])), None);
        assert_eq!(level(json!({"acting_on_thoughts": "maybe"})), None);
    }
}
