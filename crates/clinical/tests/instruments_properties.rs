//! Property tests over every instrument: valid items always score within range and in the band that holds the
//! total; invalid input of any length or value is refused with an error, never a panic.

use ketapath_clinical::instruments::{Instrument, Items, score};
use proptest::prelude::*;
use serde_json::{Value, json};

fn instrument() -> impl Strategy<Value = Instrument> {
    prop::sample::select(Instrument::ALL.to_vec())
}

fn valid_items() -> impl Strategy<Value = (Instrument, Vec<i64>)> {
    instrument().prop_flat_map(|instrument| {
        let spec = instrument.spec();
        let range = i64::from(spec.item_min)..=i64::from(spec.item_max);
        (Just(instrument), prop::collection::vec(range, spec.items.len()))
    })
}

proptest! {
    #[test]
    fn valid_items_score_within_range_and_band((instrument, values) in valid_items()) {
        let spec = instrument.spec();
        let s = score(&Items::from_values(instrument, &values).unwrap());
        prop_assert!(s.total <= spec.total_max);
        let sum: i64 = values.iter().sum();
        if instrument == Instrument::QidsSr16 {
            // Sum of the nine domain maxima (clinical.md §2.3), computed here independently of the library.
            let groups: [&[usize]; 9] = [&[0, 1, 2, 3], &[4], &[5, 6, 7, 8], &[9], &[10], &[11], &[12], &[13], &[14, 15]];
            let domains: i64 = groups.iter().map(|g| g.iter().map(|&i| values[i]).max().unwrap_or(0)).sum();
            prop_assert_eq!(i64::from(s.total), domains);
            prop_assert!(i64::from(s.total) <= sum);
        } else {
            prop_assert_eq!(i64::from(s.total), sum);
        }
        let holding: Vec<_> = spec.bands.iter().filter(|b| b.min <= s.total && s.total <= b.max).collect();
        prop_assert_eq!(holding.len(), 1, "exactly one band holds {}", s.total);
        prop_assert_eq!(s.severity, holding[0].severity);
        prop_assert_eq!(s.total_max, spec.total_max);
    }

    #[test]
    fn wrong_lengths_are_refused(instrument in instrument(), len in 0usize..64) {
        prop_assume!(len != instrument.spec().items.len());
        let raw = Value::Array(vec![json!(0); len]);
        let err = Items::parse(instrument, &raw, "items").unwrap_err();
        prop_assert_eq!(err.field, "items");
    }

    #[test]
    fn any_integers_are_accepted_or_refused_by_item(instrument in instrument(), seed in prop::collection::vec(any::<i64>(), 23)) {
        let spec = instrument.spec();
        let values = &seed[..spec.items.len()];
        let range = i64::from(spec.item_min)..=i64::from(spec.item_max);
        match Items::from_values(instrument, values) {
            Ok(items) => prop_assert!(values.iter().all(|v| range.contains(v)) && items.values().len() == values.len()),
            Err(err) => {
                let first_bad = values.iter().position(|v| !range.contains(v));
                prop_assert_eq!(Some(err.field), first_bad.map(|i| format!("items[{i}]")));
            }
        }
    }

    #[test]
    fn arbitrary_json_never_panics(instrument in instrument(), raw in arbitrary_json()) {
        // Only the absence of a panic matters here; both outcomes are legitimate.
        let _ = Items::parse(instrument, &raw, "items");
    }
}

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        "[0-9a-z]{0,3}".prop_map(Value::from),
    ];
    leaf.prop_recursive(2, 40, 30, |inner| prop::collection::vec(inner, 0..30).prop_map(Value::Array))
}
