//! No input makes an importer panic: arbitrary bytes for CSV and JSON, and bundles with values swapped at random.

use ketapath_directory::Gazetteer;
use ketapath_directory::demo::demo_clinics;
use ketapath_directory::export::clinics_to_csv;
use ketapath_directory::fhir::{export_bundle, import_bundle};
use ketapath_directory::import::{parse_csv, parse_json};
use proptest::prelude::*;
use serde_json::{Value, json};

fn g() -> &'static Gazetteer {
    Gazetteer::shipped()
}

/// Replaces the `n`-th node (depth first) of `value` by `with`.
fn replace_nth(value: &mut Value, n: &mut usize, with: &Value) -> bool {
    if *n == 0 {
        *value = with.clone();
        return true;
    }
    *n -= 1;
    match value {
        Value::Array(items) => items.iter_mut().any(|v| replace_nth(v, n, with)),
        Value::Object(map) => map.values_mut().any(|v| replace_nth(v, n, with)),
        _ => false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn csv_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = parse_csv(&bytes, g());
    }

    #[test]
    fn csv_with_a_valid_header_and_noise_counts_every_row(noise in "[a-z0-9,;\"\n\r\u{e9}-]{0,300}") {
        let text = clinics_to_csv(&[]) + &noise;
        let batch = parse_csv(text.as_bytes(), g());
        // Every data record is either a clinic or a reject, each with a line after the header.
        prop_assert!(batch.rejects.iter().all(|r| r.line >= 2 && !r.reasons.is_empty()));
    }

    #[test]
    fn json_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = parse_json(&bytes, g());
    }

    #[test]
    fn bundles_with_swapped_values_never_panic(n in 0usize..400, pick in 0usize..8) {
        let replacements = [json!(null), json!(91), json!("x\u{e9}:00:00"), json!([]), json!({}), json!(true), json!([{"a": 1}]), json!(-0.0)];
        let mut bundle = serde_json::to_value(export_bundle(&demo_clinics(2, 5, g()))).unwrap();
        let mut n = n;
        replace_nth(&mut bundle, &mut n, &replacements[pick]);
        if let Ok(batch) = import_bundle(&bundle, g()) {
            prop_assert!(batch.rejects.iter().all(|r| !r.reasons.is_empty()));
        }
    }
}
