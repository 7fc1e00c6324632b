//! Invalid item input for every instrument: wrong length, out of range on both sides, and values that are not
//! integers. Each error must name the field at fault (`items`, `items[3]`), as the CLI and HTTP contracts require.

use ketapath_clinical::instruments::{Instrument, Items, score_document};
use serde_json::{Value, json};

fn valid(instrument: Instrument) -> Vec<Value> {
    let spec = instrument.spec();
    vec![json!(spec.item_min); spec.items.len()]
}

fn field_of(instrument: Instrument, raw: &Value) -> String {
    Items::parse(instrument, raw, "items").expect_err(&format!("{instrument}: {raw} should be refused")).field
}

#[test]
fn wrong_length_names_the_array() {
    for instrument in Instrument::ALL {
        let n = instrument.spec().items.len();
        for len in [0, n - 1, n + 1, n * 2] {
            let raw = Value::Array(vec![json!(0); len]);
            assert_eq!(field_of(instrument, &raw), "items", "{instrument} with {len} items");
        }
        for not_array in [json!(null), json!({"items": []}), json!("0,0"), json!(3)] {
            assert_eq!(field_of(instrument, &not_array), "items", "{instrument} given {not_array}");
        }
    }
}

#[test]
fn out_of_range_names_the_item() {
    for instrument in Instrument::ALL {
        let spec = instrument.spec();
        // Put the bad value at the last item, then at the first, so the index in the field is checked.
        for index in [spec.items.len() - 1, 0] {
            for bad in [i64::from(spec.item_min) - 1, i64::from(spec.item_max) + 1, 255, 256, i64::MIN] {
                let mut raw = valid(instrument);
                raw[index] = json!(bad);
                let err = Items::parse(instrument, &Value::Array(raw), "items").unwrap_err();
                assert_eq!(err.field, format!("items[{index}]"), "{instrument} item {index} = {bad}");
                assert!(err.message.contains(&format!("from {} to {}", spec.item_min, spec.item_max)));
            }
            // Both ends of the range are accepted.
            for good in [spec.item_min, spec.item_max] {
                let mut raw = valid(instrument);
                raw[index] = json!(good);
                assert!(Items::parse(instrument, &Value::Array(raw), "items").is_ok(), "{instrument} {good}");
            }
        }
    }
}

#[test]
fn non_integers_name_the_item() {
    for instrument in Instrument::ALL {
        let index = instrument.spec().items.len() / 2;
        for bad in [json!(1.5), json!(1.0), json!("2"), json!(null), json!(true), json!([1]), json!({"score": 1})] {
            let mut raw = valid(instrument);
            raw[index] = bad.clone();
            assert_eq!(field_of(instrument, &Value::Array(raw)), format!("items[{index}]"), "{instrument} {bad}");
        }
    }
}

#[test]
fn score_document_reports_the_same_fields() {
    let err = score_document(Instrument::Madrs, &json!({"items": [0, 0, 0, 7, 0, 0, 0, 0, 0, 0]})).unwrap_err();
    assert_eq!(err.field, "items[3]");
    assert_eq!(score_document(Instrument::Cadss, &json!({})).unwrap_err().field, "items");
    assert_eq!(score_document(Instrument::Moaas, &json!([5])).unwrap_err().field, "");
    let s = score_document(Instrument::Moaas, &json!({"items": [5]})).unwrap();
    assert_eq!((s.total, s.severity), (5, "alert"));
}
