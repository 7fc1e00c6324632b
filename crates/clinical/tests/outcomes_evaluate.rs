//! Outcome tests: response and remission boundaries per instrument and setting, time to first response from an
//! unsorted series, loss of response, baseline floors (a PHQ-9 baseline of 4 is never a remitter), a baseline of
//! zero, and refused input.

use ketapath_clinical::instruments::Instrument;
use ketapath_clinical::outcomes::{
    LossConfirmation, MadrsRemission, Measurement, Outcome, OutcomeConfig, definition, evaluate, rules,
};
use time::{Duration, OffsetDateTime, macros::datetime};

const T0: OffsetDateTime = datetime!(2026-11-02 09:00 UTC);

fn at(hours: i64, total: u16) -> Measurement {
    Measurement { taken_at: T0 + Duration::hours(hours), total }
}

fn run(instrument: Instrument, baseline: u16, later: &[(i64, u16)], config: &OutcomeConfig) -> Outcome {
    let later: Vec<Measurement> = later.iter().map(|&(h, t)| at(h, t)).collect();
    evaluate(instrument, &at(-1, baseline), &later, Some(T0), config).expect("valid series")
}

#[test]
fn response_boundary_is_exactly_half() {
    let config = OutcomeConfig::default();
    // (instrument, baseline, latest, response): exactly 50% responds, anything short of it does not.
    let cases = [
        (Instrument::Phq9, 20, 10, true),
        (Instrument::Phq9, 20, 11, false),
        (Instrument::Phq9, 27, 13, true),
        (Instrument::Phq9, 27, 14, false),
        // 59 → 30 is a 49.2% reduction: the closest a MADRS total gets to 50% from below.
        (Instrument::Madrs, 59, 30, false),
        (Instrument::Madrs, 59, 29, true),
        (Instrument::Madrs, 60, 30, true),
        (Instrument::QidsSr16, 10, 5, true),
        (Instrument::QidsSr16, 11, 6, false),
        (Instrument::Gad7, 21, 10, true),
        (Instrument::Gad7, 21, 11, false),
        // Worsening is never a response.
        (Instrument::Phq9, 10, 15, false),
    ];
    for (instrument, baseline, latest, expected) in cases {
        let o = run(instrument, baseline, &[(24, latest)], &config);
        assert_eq!(o.response, Some(expected), "{instrument} {baseline} → {latest}");
        assert_eq!(o.rule.id, format!("outcome.response.{}", instrument.code()));
    }
}

#[test]
fn change_pct_is_negative_for_improvement() {
    let o = run(Instrument::Phq9, 20, &[(24, 10)], &OutcomeConfig::default());
    assert_eq!(o.change_pct, Some(-50.0));
    let o = run(Instrument::Phq9, 8, &[(24, 10)], &OutcomeConfig::default());
    assert_eq!(o.change_pct, Some(25.0));
}

#[test]
fn remission_boundaries_per_instrument_and_setting() {
    let default = OutcomeConfig::default();
    let le10 = OutcomeConfig { madrs_remission: MadrsRemission::AtMost10, ..OutcomeConfig::default() };
    let lt10 = OutcomeConfig { madrs_remission: MadrsRemission::Below10, ..OutcomeConfig::default() };
    let cases: [(Instrument, &OutcomeConfig, u16, bool, &str); 14] = [
        (Instrument::Phq9, &default, 4, true, "outcome.remission.phq9"),
        (Instrument::Phq9, &default, 5, false, "outcome.remission.phq9"),
        (Instrument::Madrs, &default, 12, true, "outcome.remission.madrs_le12"),
        (Instrument::Madrs, &default, 13, false, "outcome.remission.madrs_le12"),
        (Instrument::Madrs, &le10, 10, true, "outcome.remission.madrs_le10"),
        (Instrument::Madrs, &le10, 11, false, "outcome.remission.madrs_le10"),
        (Instrument::Madrs, &lt10, 9, true, "outcome.remission.madrs_lt10"),
        (Instrument::Madrs, &lt10, 10, false, "outcome.remission.madrs_lt10"),
        (Instrument::QidsSr16, &default, 5, true, "outcome.remission.qids_sr16"),
        (Instrument::QidsSr16, &default, 6, false, "outcome.remission.qids_sr16"),
        (Instrument::Gad7, &default, 4, true, "outcome.remission.gad7"),
        (Instrument::Gad7, &default, 5, false, "outcome.remission.gad7"),
        (Instrument::Gad7, &OutcomeConfig { gad7_remission_max: 5, ..default }, 5, true, "outcome.remission.gad7"),
        (
            Instrument::QidsSr16,
            &OutcomeConfig { qids_remission_max: 3, ..default },
            4,
            false,
            "outcome.remission.qids_sr16",
        ),
    ];
    for (instrument, config, latest, expected, rule) in cases {
        let o = run(instrument, 20, &[(24, latest)], config);
        assert_eq!(o.remission, Some(expected), "{instrument} latest {latest} under {config:?}");
        assert_eq!(o.rules[2].id, rule);
        assert!(o.rules.iter().any(|r| r.id == rule));
    }
    assert_eq!(definition(Instrument::Madrs, &lt10).unwrap().remission_max, 9);
}

#[test]
fn configured_response_percentage_applies_to_qids_and_gad7_only() {
    let config = OutcomeConfig { gad7_response_pct: 40, qids_response_pct: 60, ..OutcomeConfig::default() };
    assert_eq!(run(Instrument::Gad7, 10, &[(24, 6)], &config).response, Some(true), "40% reduction at a 40% setting");
    assert_eq!(run(Instrument::QidsSr16, 10, &[(24, 5)], &config).response, Some(false), "50% at a 60% setting");
    assert_eq!(run(Instrument::Phq9, 10, &[(24, 5)], &config).response, Some(true), "PHQ-9 keeps its confirmed 50%");
    assert_eq!(run(Instrument::Gad7, 10, &[(24, 6)], &config).response_reduction_pct, 40);
}

#[test]
fn time_to_response_from_an_unsorted_series() {
    // Given out of order: 72 h (10, a response), 24 h (18), 48 h (9, the first response).
    let o = run(Instrument::Madrs, 20, &[(72, 10), (24, 18), (48, 9)], &OutcomeConfig::default());
    assert_eq!(o.time_to_response_hours, Some(48.0));
    assert_eq!(o.first_response_at, Some(T0 + Duration::hours(48)));
    assert_eq!((o.latest, o.latest_at), (10, T0 + Duration::hours(72)));
    assert_eq!(o.response, Some(true));
    assert_eq!(o.loss_of_response, Some(false));
    assert!(o.rules.iter().any(|r| r.id == "outcome.time_to_response"));

    // Minutes count: a response 90 minutes after the first treatment.
    let later = [Measurement { taken_at: T0 + Duration::minutes(90), total: 5 }];
    let o = evaluate(Instrument::Phq9, &at(-2, 20), &later, Some(T0), &OutcomeConfig::default()).unwrap();
    assert_eq!(o.time_to_response_hours, Some(1.5));
}

#[test]
fn time_to_response_needs_a_first_treatment_and_a_response_after_it() {
    let later = [at(24, 5)];
    let o = evaluate(Instrument::Phq9, &at(-1, 20), &later, None, &OutcomeConfig::default()).unwrap();
    assert_eq!(o.time_to_response_hours, None);
    assert!(o.first_response_at.is_some());
    assert!(!o.rules.iter().any(|r| r.id == "outcome.time_to_response"));

    // A response measured before the first treatment is not attributed to it.
    let later = [at(1, 5), at(30, 6)];
    let o = evaluate(Instrument::Phq9, &at(0, 20), &later, Some(T0 + Duration::hours(6)), &OutcomeConfig::default())
        .unwrap();
    assert_eq!(o.time_to_response_hours, Some(24.0));

    let o = run(Instrument::Phq9, 20, &[(24, 15), (48, 12)], &OutcomeConfig::default());
    assert_eq!((o.time_to_response_hours, o.first_response_at), (None, None));
}

#[test]
fn loss_of_response_single_and_two_consecutive() {
    let series = [(24, 10), (48, 12), (72, 9), (96, 12), (120, 13)];
    let single = run(Instrument::Madrs, 20, &series, &OutcomeConfig::default());
    assert_eq!(single.loss_of_response, Some(true));
    assert_eq!(single.loss_of_response_at, Some(T0 + Duration::hours(48)));
    assert_eq!(single.response, Some(false));

    let two = OutcomeConfig { loss_of_response: LossConfirmation::TwoConsecutive, ..OutcomeConfig::default() };
    let confirmed = run(Instrument::Madrs, 20, &series, &two);
    assert_eq!(confirmed.loss_of_response_at, Some(T0 + Duration::hours(120)));

    // A single dip that recovers is not a loss under the two-assessment setting, and the current state is response.
    let dip = run(Instrument::Madrs, 20, &[(24, 10), (48, 12), (72, 9)], &two);
    assert_eq!((dip.loss_of_response, dip.response), (Some(false), Some(true)));

    // Loss stays recorded when response is regained later.
    let regained = run(Instrument::Madrs, 20, &[(24, 10), (48, 12), (72, 9)], &OutcomeConfig::default());
    assert_eq!((regained.loss_of_response, regained.response), (Some(true), Some(true)));

    // Without a response there is nothing to lose.
    let never = run(Instrument::Madrs, 20, &[(24, 15), (48, 18)], &OutcomeConfig::default());
    assert_eq!(never.loss_of_response, Some(false));
}

#[test]
fn baseline_zero_is_not_assessable_and_does_not_divide() {
    let o = run(Instrument::Phq9, 0, &[(24, 0), (48, 3)], &OutcomeConfig::default());
    assert_eq!(o.change_pct, None);
    assert_eq!((o.response, o.remission, o.loss_of_response), (None, None, None));
    assert_eq!((o.time_to_response_hours, o.first_response_at), (None, None));
    let json = serde_json::to_value(&o).unwrap();
    assert!(json["change_pct"].is_null());
    assert!(json["remission"].is_null() && json["response"].is_null());
}

#[test]
fn phq9_baseline_below_10_is_never_a_remitter() {
    // The issue's patient: baseline 4, later 2. Before, a "remitter"; now not assessable, naming the floor.
    let o = run(Instrument::Phq9, 4, &[(24, 2)], &OutcomeConfig::default());
    assert_eq!((o.response, o.remission), (None, None));
    assert!(!o.assessable);
    assert_eq!(o.baseline_min, 10);
    let reason = o.not_assessable_reason.as_deref().unwrap();
    assert!(reason.starts_with("not assessable: baseline PHQ-9 below 10"), "{reason}");
    assert_eq!(o.rules[0].id, "outcome.baseline_floor.phq9");
    // The floor's edge: 9 is not assessable, 10 is (CMS159: index PHQ-9 greater than 9).
    assert_eq!(run(Instrument::Phq9, 9, &[(24, 2)], &OutcomeConfig::default()).remission, None);
    let ten = run(Instrument::Phq9, 10, &[(24, 4)], &OutcomeConfig::default());
    assert_eq!((ten.response, ten.remission, ten.assessable), (Some(true), Some(true), true));
    assert_eq!(ten.not_assessable_reason, None);
    let def = definition(Instrument::Phq9, &OutcomeConfig::default()).unwrap();
    assert!(!def.is_response(4, 1), "the definition itself never counts a response below the floor");
}

#[test]
fn other_instruments_floors_are_documented_defaults() {
    let config = OutcomeConfig::default();
    // MADRS: 20 by default [S]; a clinic may lower it, but never to the remission cut-off or below.
    assert_eq!(run(Instrument::Madrs, 19, &[(24, 5)], &config).remission, None);
    assert_eq!(run(Instrument::Madrs, 20, &[(24, 5)], &config).remission, Some(true));
    let lowered = OutcomeConfig { madrs_baseline_min: 0, ..config };
    assert_eq!(definition(Instrument::Madrs, &lowered).unwrap().baseline_min, 13, "above remission ≤ 12");
    assert_eq!(run(Instrument::Madrs, 15, &[(24, 5)], &lowered).remission, Some(true));
    // QIDS-SR16 and GAD-7: no sourced floor, only "above the remission cut-off".
    assert_eq!(definition(Instrument::QidsSr16, &config).unwrap().baseline_min, 6);
    assert_eq!(definition(Instrument::Gad7, &config).unwrap().baseline_min, 5);
    assert_eq!(run(Instrument::QidsSr16, 5, &[(24, 1)], &config).remission, None);
    assert_eq!(run(Instrument::Gad7, 4, &[(24, 0)], &config).remission, None);
    let stricter = OutcomeConfig { qids_baseline_min: 11, ..config };
    assert_eq!(run(Instrument::QidsSr16, 10, &[(24, 1)], &stricter).remission, None);
    for (instrument, id) in [
        (Instrument::Phq9, "outcome.baseline_floor.phq9"),
        (Instrument::Madrs, "outcome.baseline_floor.madrs"),
        (Instrument::QidsSr16, "outcome.baseline_floor.qids_sr16"),
        (Instrument::Gad7, "outcome.baseline_floor.gad7"),
    ] {
        let rule = ketapath_clinical::rule::find(id).unwrap();
        assert_eq!(definition(instrument, &config).unwrap().baseline_rule.id, id);
        assert!(rule.source.contains("clinical.md §") && rule.source.contains("§8.5"), "{id} cites §8.5");
    }
}

#[test]
fn no_later_assessment_reports_the_baseline() {
    let o = evaluate(Instrument::Phq9, &at(0, 12), &[], Some(T0), &OutcomeConfig::default()).unwrap();
    assert_eq!((o.latest, o.latest_at, o.change_pct, o.response), (12, T0, Some(0.0), Some(false)));
}

#[test]
fn instruments_without_definitions_are_refused() {
    for instrument in [Instrument::Cadss, Instrument::Moaas, Instrument::BprsPositive] {
        let err = evaluate(instrument, &at(0, 1), &[], None, &OutcomeConfig::default()).unwrap_err();
        assert_eq!(err.field, "instrument", "{instrument}");
        assert!(definition(instrument, &OutcomeConfig::default()).is_err());
    }
}

#[test]
fn invalid_input_names_the_field() {
    let config = OutcomeConfig::default();
    let err = evaluate(Instrument::Phq9, &at(0, 28), &[], None, &config).unwrap_err();
    assert_eq!(err.field, "baseline.total");
    let err = evaluate(Instrument::Phq9, &at(0, 20), &[at(1, 5), at(2, 28)], None, &config).unwrap_err();
    assert_eq!(err.field, "later[1].total");
    let err = evaluate(Instrument::Phq9, &at(10, 20), &[at(11, 5), at(9, 5)], None, &config).unwrap_err();
    assert_eq!(err.field, "later[1].taken_at");

    let bad_configs = [
        (OutcomeConfig { gad7_response_pct: 0, ..config }, Instrument::Gad7, "config.gad7_response_pct"),
        (OutcomeConfig { qids_response_pct: 101, ..config }, Instrument::QidsSr16, "config.qids_response_pct"),
        (OutcomeConfig { gad7_remission_max: 21, ..config }, Instrument::Gad7, "config.gad7_remission_max"),
        (OutcomeConfig { qids_remission_max: 40, ..config }, Instrument::QidsSr16, "config.qids_remission_max"),
        (OutcomeConfig { madrs_baseline_min: 61, ..config }, Instrument::Madrs, "config.madrs_baseline_min"),
        (OutcomeConfig { gad7_baseline_min: 22, ..config }, Instrument::Gad7, "config.gad7_baseline_min"),
    ];
    for (bad, instrument, field) in bad_configs {
        assert_eq!(evaluate(instrument, &at(0, 10), &[], None, &bad).unwrap_err().field, field);
    }
}

#[test]
fn outcome_json_has_the_fields_the_portal_reads() {
    let o = run(Instrument::Madrs, 30, &[(48, 12)], &OutcomeConfig::default());
    let json = serde_json::to_value(&o).unwrap();
    assert_eq!(json["instrument"], "madrs");
    assert_eq!(json["rule"]["id"], "outcome.response.madrs");
    assert_eq!(json["change_pct"], -60.0);
    assert_eq!(json["remission_max"], 12);
    assert_eq!(json["first_response_at"], "2026-11-04T09:00:00Z");
    assert_eq!(json["time_to_response_hours"], 48.0);
    assert!(json["loss_of_response_at"].is_null());
    let ids: Vec<&str> = json["rules"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "outcome.baseline_floor.madrs",
            "outcome.response.madrs",
            "outcome.remission.madrs_le12",
            "outcome.time_to_response",
            "outcome.loss_of_response"
        ]
    );
}

#[test]
fn config_round_trips_and_fills_defaults() {
    let config: OutcomeConfig = serde_json::from_str(r#"{"madrs_remission": "lt_10"}"#).unwrap();
    assert_eq!(config, OutcomeConfig { madrs_remission: MadrsRemission::Below10, ..OutcomeConfig::default() });
    let back: OutcomeConfig = serde_json::from_value(serde_json::to_value(config).unwrap()).unwrap();
    assert_eq!(back, config);
}

#[test]
fn every_outcome_rule_is_catalogued() {
    let all = rules();
    assert_eq!(all.len(), 16);
    for rule in all {
        assert!(rule.id.starts_with("outcome."), "{}", rule.id);
        assert_eq!(ketapath_clinical::rule::find(rule.id), Some(rule));
        assert!(rule.source.contains("clinical.md §2.") || rule.source.contains("§8.5"), "{}", rule.id);
    }
}
