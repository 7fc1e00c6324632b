//! Scoring tests for every instrument: band boundaries, QIDS-SR16 domain maxima, safety flags at their
//! thresholds, CADSS dissociation and CADSS-6, BPRS anchoring.

use ketapath_clinical::instruments::{
    Instrument, Items, Score,
    bprs::{self, BprsAnchoring},
    cadss::{self, DissociationStatus},
    madrs::{self, MadrsConfig},
    moaas::{self, MoaasConfig},
    qids::{self, QidsConfig},
    score,
};
use serde_json::json;

fn scored(instrument: Instrument, values: &[i64]) -> Score {
    score(&Items::from_values(instrument, values).expect("valid items"))
}

/// Item values that add up to `total`. For the QIDS-SR16 one item per domain is filled (sleep 1, mood 5, appetite 6,
/// …), so that the domain maxima do not swallow any of the total.
fn items_for_total(instrument: Instrument, total: u16) -> Vec<i64> {
    let spec = instrument.spec();
    let mut values = vec![0i64; spec.items.len()];
    let fill_order: Vec<usize> = match instrument {
        Instrument::QidsSr16 => vec![0, 4, 5, 9, 10, 12, 13, 14, 11],
        _ => (0..spec.items.len()).collect(),
    };
    let mut left = i64::from(total);
    for index in fill_order {
        let take = left.min(i64::from(spec.item_max));
        values[index] = take;
        left -= take;
    }
    assert_eq!(left, 0, "total {total} is not reachable for {instrument}");
    values
}

#[test]
fn every_band_boundary_of_every_instrument() {
    use Instrument::*;
    let cases: &[(Instrument, u16, &str)] = &[
        (Phq9, 0, "minimal"),
        (Phq9, 4, "minimal"),
        (Phq9, 5, "mild"),
        (Phq9, 9, "mild"),
        (Phq9, 10, "moderate"),
        (Phq9, 14, "moderate"),
        (Phq9, 15, "moderately_severe"),
        (Phq9, 19, "moderately_severe"),
        (Phq9, 20, "severe"),
        (Phq9, 27, "severe"),
        (Gad7, 0, "minimal"),
        (Gad7, 4, "minimal"),
        (Gad7, 5, "mild"),
        (Gad7, 9, "mild"),
        (Gad7, 10, "moderate"),
        (Gad7, 14, "moderate"),
        (Gad7, 15, "severe"),
        (Gad7, 21, "severe"),
        (QidsSr16, 0, "none"),
        (QidsSr16, 5, "none"),
        (QidsSr16, 6, "mild"),
        (QidsSr16, 10, "mild"),
        (QidsSr16, 11, "moderate"),
        (QidsSr16, 15, "moderate"),
        (QidsSr16, 16, "severe"),
        (QidsSr16, 20, "severe"),
        (QidsSr16, 21, "very_severe"),
        (QidsSr16, 27, "very_severe"),
        (Madrs, 0, "normal"),
        (Madrs, 6, "normal"),
        (Madrs, 7, "mild"),
        (Madrs, 19, "mild"),
        (Madrs, 20, "moderate"),
        (Madrs, 34, "moderate"),
        (Madrs, 35, "severe"),
        (Madrs, 60, "severe"),
        (Cadss, 0, "none"),
        (Cadss, 4, "none"),
        (Cadss, 5, "undetermined"),
        (Cadss, 92, "undetermined"),
        (Moaas, 0, "no_response"),
        (Moaas, 1, "responds_to_pain"),
        (Moaas, 2, "responds_to_prodding"),
        (Moaas, 3, "responds_to_loud_voice"),
        (Moaas, 4, "lethargic"),
        (Moaas, 5, "alert"),
        (BprsPositive, 0, "not_banded"),
        (BprsPositive, 24, "not_banded"),
    ];
    for &(instrument, total, expected) in cases {
        let values = items_for_total(instrument, total);
        let s = scored(instrument, &values);
        assert_eq!(s.total, total, "{instrument} total for {values:?}");
        assert_eq!(s.severity, expected, "{instrument} severity at total {total}");
        assert_eq!(s.rule, instrument.spec().rule.reference());
    }
}

#[test]
fn bands_cover_every_total_once() {
    for instrument in Instrument::ALL {
        let spec = instrument.spec();
        assert_eq!(spec.bands.first().map(|b| b.min), Some(0), "{instrument} bands start at 0");
        assert_eq!(spec.bands.last().map(|b| b.max), Some(spec.total_max), "{instrument} bands end at the maximum");
        for pair in spec.bands.windows(2) {
            assert_eq!(pair[1].min, pair[0].max + 1, "{instrument} bands {pair:?} leave a gap or overlap");
        }
        let expected_max = match instrument {
            // The QIDS-SR16 total is over 9 domains, not 16 items.
            Instrument::QidsSr16 => 9 * u16::from(spec.item_max),
            _ => spec.items.len() as u16 * u16::from(spec.item_max),
        };
        assert_eq!(spec.total_max, expected_max, "{instrument} total_max");
        assert!(spec.rule.source.contains("clinical.md §2."), "{instrument} rule cites §2");
    }
}

#[test]
fn licensed_instruments_carry_no_texts() {
    for instrument in [Instrument::QidsSr16, Instrument::Madrs, Instrument::Cadss, Instrument::BprsPositive] {
        assert!(instrument.spec().items.iter().all(|i| i.text.is_none()), "{instrument} ships item texts");
    }
    assert!(Instrument::Gad7.spec().items.iter().all(|i| i.text.is_some()));
}

#[test]
fn qids_uses_domain_maxima() {
    let with = |pairs: &[(usize, i64)]| {
        let mut values = vec![0i64; 16];
        for &(number, value) in pairs {
            values[number - 1] = value;
        }
        scored(Instrument::QidsSr16, &values).total
    };
    let cases: &[(&[(usize, i64)], u16)] = &[
        // Sleep domain (items 1-4): the highest item counts, wherever it is.
        (&[(1, 3)], 3),
        (&[(4, 3)], 3),
        (&[(1, 3), (2, 3), (3, 3), (4, 3)], 3),
        (&[(1, 1), (2, 1), (3, 1), (4, 1)], 1),
        (&[(1, 1), (2, 2), (3, 0), (4, 1)], 2),
        // Appetite/weight domain (items 6-9).
        (&[(6, 3), (7, 3), (8, 3), (9, 3)], 3),
        (&[(7, 2), (9, 1)], 2),
        // Psychomotor domain (items 15-16).
        (&[(15, 2), (16, 3)], 3),
        (&[(15, 1), (16, 1)], 1),
        // Single-item domains add up as they are.
        (&[(5, 3), (10, 2), (11, 1), (12, 1), (13, 2), (14, 3)], 12),
    ];
    for &(pairs, expected) in cases {
        assert_eq!(with(pairs), expected, "QIDS-SR16 total for {pairs:?}");
    }
    assert_eq!(scored(Instrument::QidsSr16, &[3; 16]).total, 27, "all 16 items at 3");
    assert_eq!(scored(Instrument::QidsSr16, &[1; 16]).total, 9, "all 16 items at 1");
    assert_eq!(qids::domain_scores(&[3, 0, 0, 0, 2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 2])[..3], [3, 2, 1]);
}

fn flag_codes(s: &Score) -> Vec<&'static str> {
    s.flags.iter().map(|f| f.code).collect()
}

#[test]
fn qids_item12_flag_at_its_threshold() {
    let mut values = [0u8; 16];
    assert!(qids::flags(&values).is_empty(), "item 12 at 0");
    values[11] = 1;
    let default = qids::flags(&values);
    assert_eq!(default.len(), 1, "item 12 at 1 with the default threshold");
    assert_eq!(
        (default[0].code, default[0].item, default[0].rule.id),
        ("item12_positive", Some(12), "qids.item12_flag")
    );
    assert!(default[0].message.contains("PHQ-9 item 9"));

    // A higher threshold would be less sensitive than the crisis levels, so it is refused.
    assert_eq!(QidsConfig::new(2).unwrap_err().field, "qids.item12_threshold");
    assert_eq!(qids::flags_with(&values, &QidsConfig::new(1).unwrap()).len(), 1);

    // The scoring entry point uses the defaults.
    let mut raw = [0i64; 16];
    raw[11] = 1;
    assert_eq!(flag_codes(&scored(Instrument::QidsSr16, &raw)), ["item12_positive"]);
}

#[test]
fn madrs_item10_flag_at_its_threshold() {
    let mut values = [6u8; 10];
    values[9] = 1;
    assert!(madrs::flags(&values).is_empty(), "item 10 at 1 with the default threshold 2");
    values[9] = 2;
    let flags = madrs::flags(&values);
    assert_eq!((flags.len(), flags[0].code, flags[0].item), (1, "item10_high", Some(10)));
    assert_eq!(flags[0].rule.id, "madrs.item10_flag");

    let at_one = MadrsConfig::new(1).unwrap();
    values[9] = 0;
    assert!(madrs::flags_with(&values, &at_one).is_empty());
    values[9] = 1;
    assert_eq!(madrs::flags_with(&values, &at_one).len(), 1);

    assert_eq!(flag_codes(&scored(Instrument::Madrs, &[0, 0, 0, 0, 0, 0, 0, 0, 0, 4])), ["item10_high"]);
    assert!(scored(Instrument::Madrs, &[6, 6, 6, 6, 6, 6, 6, 6, 6, 1]).flags.is_empty());
    assert!(MadrsConfig::new(4).is_err(), "a threshold above the crisis levels' urgent cut-off is refused");
}

#[test]
fn moaas_flags_at_their_thresholds() {
    let cases: &[(i64, &[&str])] =
        &[(5, &[]), (4, &["sedation"]), (3, &["sedation"]), (1, &["sedation"]), (0, &["sedation", "unresponsive"])];
    for &(rating, expected) in cases {
        assert_eq!(flag_codes(&scored(Instrument::Moaas, &[rating])), expected, "MOAA/S {rating}, default settings");
    }
    let at_three = MoaasConfig::new(3).unwrap();
    assert!(moaas::flags_with(&[4], &at_three).is_empty(), "MOAA/S 4 with threshold 3");
    assert_eq!(moaas::flags_with(&[3], &at_three)[0].code, "sedation");
    let unresponsive = moaas::flags_with(&[0], &MoaasConfig::new(0).unwrap());
    assert_eq!(
        unresponsive.iter().map(|f| f.rule.id).collect::<Vec<_>>(),
        ["moaas.sedation_flag", "moaas.unresponsive_flag"]
    );
}

#[test]
fn instruments_without_safety_items_raise_no_flags() {
    for instrument in [Instrument::Gad7, Instrument::Cadss, Instrument::BprsPositive] {
        let spec = instrument.spec();
        let max = vec![i64::from(spec.item_max); spec.items.len()];
        assert!(scored(instrument, &max).flags.is_empty(), "{instrument}");
    }
}

#[test]
fn cadss_dissociation_needs_cut_and_rise() {
    let cases: &[(Option<u16>, u16, DissociationStatus, Option<i32>)] = &[
        (Some(0), 4, DissociationStatus::Absent, Some(4)),
        (Some(0), 5, DissociationStatus::Present, Some(5)),
        (Some(5), 5, DissociationStatus::Absent, Some(0)),
        (Some(5), 6, DissociationStatus::Present, Some(1)),
        (Some(10), 8, DissociationStatus::Absent, Some(-2)),
        (None, 4, DissociationStatus::Absent, None),
        (None, 5, DissociationStatus::Undetermined, None),
        (Some(92), 92, DissociationStatus::Absent, Some(0)),
    ];
    for &(pre, post, status, change) in cases {
        let d = cadss::dissociation(pre, post).unwrap();
        assert_eq!((d.status, d.change), (status, change), "pre {pre:?}, post {post}");
        assert_eq!(d.rule.id, "cadss.dissociation");
    }
    assert_eq!(cadss::dissociation(Some(0), 93).unwrap_err().field, "post");
    assert_eq!(cadss::dissociation(Some(93), 0).unwrap_err().field, "pre");
}

#[test]
fn cadss6_sums_its_six_items_only() {
    let mut values = vec![0i64; 23];
    for number in [1usize, 2, 6, 7, 15, 22] {
        values[number - 1] = 4;
    }
    let items = Items::from_values(Instrument::Cadss, &values).unwrap();
    assert_eq!(cadss::cadss6_total(&items).unwrap(), 24);

    let others: Vec<i64> = (1..=23).map(|n| if [1, 2, 6, 7, 15, 22].contains(&n) { 0 } else { 4 }).collect();
    let items = Items::from_values(Instrument::Cadss, &others).unwrap();
    assert_eq!(cadss::cadss6_total(&items).unwrap(), 0);
    assert_eq!(score(&items).total, 17 * 4);
}

#[test]
fn bprs_anchoring_conventions_give_the_same_items() {
    let zero_based = bprs::parse_items(&json!([0, 6, 2, 1]), "items", BprsAnchoring::ZeroToSix).unwrap();
    let one_based = bprs::parse_items(&json!([1, 7, 3, 2]), "items", BprsAnchoring::OneToSeven).unwrap();
    assert_eq!(zero_based, one_based);
    let total = score(&one_based).total;
    assert_eq!(total, 9);
    assert_eq!(bprs::total_as(total, BprsAnchoring::OneToSeven), 13);
    assert_eq!(bprs::total_as(total, BprsAnchoring::ZeroToSix), 9);
    assert_eq!((BprsAnchoring::OneToSeven.item_min(), BprsAnchoring::OneToSeven.item_max()), (1, 7));

    // A 7 is out of range on the contract's 0-6 anchoring.
    let err = bprs::parse_items(&json!([0, 7, 0, 0]), "items", BprsAnchoring::ZeroToSix).unwrap_err();
    assert_eq!(err.field, "items[1]");
    for bad in [json!([1, 1.5, 1, 1]), json!([1, "2", 1, 1]), json!([1, null, 1, 1]), json!([1, true, 1, 1])] {
        let err = bprs::parse_items(&bad, "items", BprsAnchoring::OneToSeven).unwrap_err();
        assert_eq!(err.field, "items[1]", "{bad}");
    }
}

#[test]
fn extra_rules_are_in_the_catalog_with_their_tags() {
    use ketapath_clinical::Confidence;
    let expected = [
        ("qids.item12_flag", Confidence::Unverified),
        ("madrs.item10_flag", Confidence::Unverified),
        ("moaas.sedation_flag", Confidence::Unverified),
        ("moaas.unresponsive_flag", Confidence::Confirmed),
        ("cadss.dissociation", Confidence::Confirmed),
        ("cadss.cadss6", Confidence::Confirmed),
        ("bprs.anchoring", Confidence::Secondary),
    ];
    for (id, confidence) in expected {
        let rule = ketapath_clinical::rule::find(id).unwrap_or_else(|| panic!("{id} missing from the catalog"));
        assert_eq!(rule.confidence, confidence, "{id}");
    }
}
