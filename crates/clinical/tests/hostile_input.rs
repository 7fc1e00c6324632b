//! Hostile input for the clinical parsers: deep JSON, invalid UTF-8, NUL bytes, megabyte values, injection strings,
//! and CSV quirks (CRLF, byte-order mark) in the dose table. Each input is either kept verbatim as data or rejected
//! with the field named; none panics or overflows the stack.
//!
//! The parsers take a `serde_json::Value`, which the surfaces (CLI, web) build with `serde_json::from_slice`. Its
//! recursion limit (128 levels) is what keeps deep documents out, so these tests check both halves: the limit holds
//! for the bytes the surfaces read, and the deepest document it lets through, put in every field, is rejected by
//! name (the parsers read fields at fixed depths and never recurse over a `Value`).

use ketapath_clinical::instruments::{Instrument, Items};
use ketapath_clinical::protocols::observation::ObservationRecord;
use ketapath_clinical::protocols::settings::ProtocolSettings;
use ketapath_clinical::rems::settings::RemsFormSettings;
use ketapath_clinical::screen::{ScreenConfig, ScreeningInput, screen};
use ketapath_clinical::trd::DoseTable;
use serde_json::{Value, json};

/// SQL and HTML injection strings with single spaces only, since trial names collapse runs of whitespace by rule.
const INJECTIONS: [&str; 6] = [
    "'; DROP TABLE clinics; --",
    "\" OR \"1\"=\"1",
    "Robert'); DELETE FROM screenings WHERE ('1'='1",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(document.cookie)>",
    "{{7*7}} ${7*7} %s%n \\u0000 ../../etc/passwd",
];

const PHQ9: [u8; 9] = [1, 1, 1, 1, 1, 1, 1, 1, 0];

/// `depth` nested arrays around a zero, as text.
fn nested(depth: usize) -> String {
    format!("{}0{}", "[".repeat(depth), "]".repeat(depth))
}

/// The deepest array `serde_json::from_slice` accepts, found by asking it rather than assuming its limit.
fn deepest_accepted() -> (usize, Value) {
    let mut depth = 1;
    while serde_json::from_slice::<Value>(nested(depth + 1).as_bytes()).is_ok() {
        depth += 1;
        assert!(depth < 10_000, "serde_json accepted 10,000 levels: its recursion limit is off");
    }
    (depth, serde_json::from_slice(nested(depth).as_bytes()).expect("accepted depth"))
}

#[test]
fn ten_thousand_nested_arrays_are_refused_before_any_parser_sees_them() {
    for document in [
        nested(10_000),
        format!("{{\"phq9\": {}}}", nested(10_000)),
        format!("{{\"items\": {}}}", nested(10_000)),
        format!("{{\"trials\": [{{\"drug\": {}}}]}}", nested(10_000)),
        "{\"a\":".repeat(10_000),
    ] {
        let error = serde_json::from_slice::<Value>(document.as_bytes()).expect_err("too deep");
        assert!(error.to_string().contains("recursion limit"), "{error}");
    }
}

#[test]
fn the_deepest_accepted_document_in_any_field_is_rejected_by_name() {
    let (depth, deep) = deepest_accepted();
    assert!(depth < 200, "{depth} levels accepted");
    let base = json!({"phq9": PHQ9});
    for (field, expected) in [
        ("phq9", "phq9"),
        ("acting_on_thoughts", "acting_on_thoughts"),
        ("age", "age"),
        ("episode_months", "episode_months"),
        ("trials", "trials[0]"),
        ("conditions", "conditions"),
        ("blood_pressure", "blood_pressure"),
    ] {
        let mut document = base.clone();
        document[field] = deep.clone();
        let error = ScreeningInput::parse(&document).expect_err(field);
        assert!(error.field.starts_with(expected), "{field}: {error:?}");
    }
    let error = ScreeningInput::parse(&json!({"phq9": PHQ9, "trials": [{"drug": deep.clone()}]})).expect_err("drug");
    assert_eq!(error.field, "trials[0].drug");
    for instrument in Instrument::ALL {
        let error = Items::from_document(instrument, &json!({"items": deep.clone()})).expect_err("deep items");
        assert!(error.field.starts_with("items"), "{error:?}");
    }
    for document in [json!({"post_40_min_window": deep.clone()}), json!({"adverse_effects": [deep.clone()]})] {
        let error = RemsFormSettings::from_json(&document).expect_err("deep REMS settings");
        assert_eq!(error.field, "rems_form", "{error:?}");
    }
    let error = ProtocolSettings::from_json(&json!({"monitoring": deep.clone()})).expect_err("deep settings");
    assert!(!error.field.is_empty() && !error.message.is_empty(), "{error:?}");
}

#[test]
fn invalid_utf8_in_a_document_is_a_syntax_error_not_a_value() {
    let mut bytes = br#"{"phq9": [0,0,0,0,0,0,0,0,0], "trials": [{"drug": "sertral"#.to_vec();
    bytes.extend_from_slice(b"\xff\xfe\xc0\xaf");
    bytes.extend_from_slice(br#"ine"}]}"#);
    assert!(serde_json::from_slice::<Value>(&bytes).is_err());
    // A lone surrogate escape is not a character either, so it cannot reach a parser as one.
    assert!(serde_json::from_slice::<Value>(br#"{"drug": "\ud800"}"#).is_err());
}

#[test]
fn invalid_utf8_in_a_dose_table_is_replaced_and_reported_by_line() {
    let mut bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/data/min_doses.csv")).expect("shipped table");
    let second_line = bytes.iter().position(|&b| b == b'\n').expect("a header line") + 1;
    bytes.insert(second_line + 2, 0xff);
    let text = String::from_utf8_lossy(&bytes);
    match DoseTable::parse_csv(&text) {
        // The replacement character is a different drug name; the table is still a table.
        Ok(table) => assert!(table.entries()[0].drug.contains('\u{fffd}')),
        Err(error) => assert_eq!(error.field.split('.').next(), Some("line 2"), "{error:?}"),
    }
}

fn screened_drug(drug: &str) -> (String, String) {
    let input = ScreeningInput::parse(&json!({"phq9": PHQ9, "trials": [{"drug": drug, "weeks": 8}]}))
        .unwrap_or_else(|e| panic!("{drug:?}: {e}"));
    let result = screen(&input, &ScreenConfig::default());
    let text = serde_json::to_string(&result).expect("serialises");
    let back: Value = serde_json::from_str(&text).expect("valid JSON");
    let trial = &back["trials"][0];
    (trial["drug"].as_str().unwrap_or_default().to_owned(), trial["entered_as"].as_str().unwrap_or_default().to_owned())
}

#[test]
fn injection_strings_in_a_drug_name_come_back_verbatim_as_data() {
    for injection in INJECTIONS {
        assert_eq!(screened_drug(injection), (injection.to_owned(), injection.to_owned()));
    }
}

#[test]
fn nul_bytes_and_a_megabyte_drug_name_are_data() {
    for drug in ["sertra\0line", "\0", &"x".repeat(1 << 20)] {
        assert_eq!(screened_drug(drug), (drug.to_owned(), drug.to_owned()), "{} bytes", drug.len());
    }
}

#[test]
fn a_megabyte_in_any_other_field_is_rejected_by_name() {
    let big = "9".repeat(1 << 20);
    // A megabyte integer is refused as out of range before any parser sees it; a megabyte fraction is read as an
    // ordinary float (its digits beyond precision are dropped), so that is what the parsers can receive.
    assert!(serde_json::from_str::<Value>(&big).is_err());
    let big_number: Value = serde_json::from_str(&format!("0.{big}")).expect("a long JSON fraction");
    assert!(big_number.is_f64());
    for (field, value) in [
        ("age", Value::String(big.clone())),
        ("age", big_number.clone()),
        ("episode_months", Value::String(big.clone())),
        ("acting_on_thoughts", Value::String(big.clone())),
        ("conditions", json!([big.clone()])),
    ] {
        let mut document = json!({"phq9": PHQ9});
        document[field] = value;
        let error = ScreeningInput::parse(&document).expect_err(field);
        assert!(error.field.starts_with(field), "{field}: {}", error.field);
    }
    let error = ScreeningInput::parse(&json!({"phq9": PHQ9, "trials": [{"drug": "x", "improvement": big}]}))
        .expect_err("improvement");
    assert_eq!(error.field, "trials[0].improvement");
    let error = Items::from_document(Instrument::Phq9, &json!({"items": [big_number, 0, 0, 0, 0, 0, 0, 0, 0]}))
        .expect_err("a huge item");
    assert_eq!(error.field, "items[0]");
}

#[test]
fn item_scores_that_only_look_like_integers_are_rejected_by_item() {
    for (index, bad) in [json!("1"), json!(1.5), json!(-1), json!(null), json!(true), json!([1]), json!({"v": 1})]
        .into_iter()
        .enumerate()
    {
        let mut items = vec![json!(0); 9];
        let at = index % 9;
        items[at] = bad.clone();
        let error = Items::from_document(Instrument::Phq9, &json!({ "items": items })).expect_err("bad item");
        assert_eq!(error.field, format!("items[{at}]"), "{bad}");
    }
}

#[test]
fn a_nul_or_injection_key_is_an_unknown_field_named_as_given() {
    for key in ["\0", "phq9\0", "<script>", "'; DROP TABLE x; --"] {
        let error = ScreeningInput::parse(&json!({"phq9": PHQ9, key: 1})).expect_err(key);
        assert_eq!(error.field, key);
    }
}

#[test]
fn settings_text_is_bounded_and_injection_text_is_kept() {
    let defaults = serde_json::to_value(RemsFormSettings::default()).expect("serialises");
    let question = defaults["adverse_effects"][0].clone();
    let text_key = question
        .as_object()
        .and_then(|q| q.iter().find(|(_, v)| v.as_str().is_some_and(|s| s.contains(' '))).map(|(k, _)| k.clone()))
        .expect("a question has a text field");
    for injection in INJECTIONS {
        let mut document = defaults.clone();
        document["adverse_effects"][0][&text_key] = json!(injection);
        let settings = RemsFormSettings::from_json(&document).unwrap_or_else(|e| panic!("{injection}: {e}"));
        let back = serde_json::to_value(&settings).expect("serialises");
        assert_eq!(back["adverse_effects"][0][&text_key], json!(injection));
    }
    let mut document = defaults;
    document["adverse_effects"][0][&text_key] = json!("x".repeat(1 << 20));
    let error = RemsFormSettings::from_json(&document).expect_err("a megabyte of question text");
    assert!(error.field.contains("adverse_effects"), "{error:?}");
}

#[test]
fn observation_records_reject_hostile_timestamps_by_serde_path() {
    for at in ["2026-11-27T10:00:00Z\0", "<script>", "'; DROP TABLE sessions; --", &"9".repeat(1 << 20)] {
        let result = serde_json::from_value::<ObservationRecord>(json!({ "at": at }));
        assert!(result.is_err(), "{at:?} read as a time");
    }
}

fn dose_table_text() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/min_doses.csv")).expect("shipped table")
}

#[test]
fn dose_table_reads_the_same_with_crlf_and_a_byte_order_mark() {
    let plain = DoseTable::parse_csv(&dose_table_text()).expect("shipped table");
    let crlf = dose_table_text().replace('\n', "\r\n");
    assert_eq!(DoseTable::parse_csv(&crlf).as_ref(), Ok(&plain));
    assert_eq!(DoseTable::parse_csv(&format!("\u{feff}{crlf}")).as_ref(), Ok(&plain));
}

#[test]
fn dose_table_hostile_rows_are_named_by_line() {
    let header = dose_table_text().lines().next().expect("header").to_owned();
    let row = dose_table_text().lines().nth(1).expect("a row").to_owned();
    for bad_row in [
        row.replacen(',', &format!(",{}", "9".repeat(1 << 20)), 1),
        row.replace(',', ",\0"),
        format!("{row},<script>alert(1)</script>"),
        format!("'; DROP TABLE doses; --{}", row.split_once(',').map(|(_, r)| format!(",{r}")).unwrap_or_default()),
    ] {
        match DoseTable::parse_csv(&format!("{header}\n{bad_row}\n")) {
            Ok(table) => assert_eq!(table.entries().len(), 1),
            Err(error) => assert!(error.field.starts_with("line 2"), "{error:?}"),
        }
    }
    let megabyte_name = format!("{}{}", "x".repeat(1 << 20), &row[row.find(',').expect("a comma")..]);
    let table = DoseTable::parse_csv(&format!("{header}\n{megabyte_name}\n")).expect("a long name is a name");
    assert!(table.lookup(&"X".repeat(1 << 20)).is_some());
}
