//! Tests of the protocol settings (checks, JSON, the settings page view), the modality vocabulary and the
//! protocol rules' place in the catalog.

use std::collections::BTreeSet;

use ketapath_clinical::protocols::settings::SettingsValues;
use ketapath_clinical::protocols::{Course, Modality, ProtocolSettings, rules};
use ketapath_clinical::rule::{self, Confidence};
use serde_json::{Value, json};

/// Dotted paths of every leaf of a JSON object.
fn leaves(value: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let path = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
                leaves(child, &path, out);
            }
        }
        _ => {
            out.insert(prefix.to_owned());
        }
    }
}

fn settings_with(edit: impl FnOnce(&mut SettingsValues)) -> Result<ProtocolSettings, ketapath_clinical::InvalidInput> {
    let mut values = SettingsValues::default();
    edit(&mut values);
    ProtocolSettings::try_from(values)
}

#[test]
fn defaults_are_valid_and_match_the_reference() {
    let settings = settings_with(|_| {}).unwrap();
    assert_eq!(settings, ProtocolSettings::default());
    let v = settings.values();
    assert_eq!((v.bp_gate.esketamine_nasal.systolic_max, v.bp_gate.esketamine_nasal.diastolic_max), (140, 90));
    assert_eq!(v.monitoring.minimum_minutes.esketamine_nasal, 120);
    assert_eq!(v.monitoring.esketamine_bp_check_minute, 40);
    assert_eq!((v.iv.mg_per_kg_default, v.iv.mg_per_kg_min, v.iv.mg_per_kg_max), (0.5, 0.1, 0.75));
    assert_eq!((v.iv.infusion_minutes, v.iv.series_infusions, v.iv.series_per_week), (40, 6, 3));
    assert_eq!(v.discharge.min_moaas, Some(5));
    assert!(!v.esketamine.allow_28mg_start);
}

#[test]
fn describe_covers_every_value_with_a_catalogued_rule() {
    let settings = ProtocolSettings::default();
    let mut document_leaves = BTreeSet::new();
    leaves(&serde_json::to_value(&settings).unwrap(), "", &mut document_leaves);
    let views = settings.describe();
    let described: BTreeSet<String> = views.iter().map(|v| v.name.to_owned()).collect();
    assert_eq!(described, document_leaves, "describe() and the settings document must list the same values");
    assert_eq!(described.len(), views.len(), "each value is described once");

    let catalog: BTreeSet<&str> = rule::catalog().iter().map(|r| r.id).collect();
    let protocol_rules: BTreeSet<&str> = rules().iter().map(|r| r.id).collect();
    for view in &views {
        assert_eq!(view.value, view.default, "{}", view.name);
        assert!(!view.changed, "{}", view.name);
        assert_eq!(view.verified, view.rule.confidence == Confidence::Confirmed, "{}", view.name);
        if view.name == "rems.setting_type" {
            // The clinic's REMS setting type chooses which of the REMS's fixed rules applies (a form after every
            // outpatient session, none in an inpatient setting): its rule is the REMS's own, not configurable.
            assert_eq!(view.rule.id, "rems.pmf.inpatient_exempt");
            assert!(view.verified);
        } else {
            assert!(view.rule.configurable, "{}: a setting's rule must be configurable", view.name);
            assert!(protocol_rules.contains(view.rule.id), "{} uses a rule missing from protocols::rules()", view.name);
        }
        assert!(catalog.contains(view.rule.id), "{}", view.name);
        assert!(!view.label.is_empty(), "{}", view.name);
        assert_ne!(view.value, Value::Null, "{}: every default is set", view.name);
    }
    let esketamine_minimum = views.iter().find(|v| v.name == "monitoring.minimum_minutes.esketamine_nasal").unwrap();
    assert!(esketamine_minimum.verified);
    assert!(esketamine_minimum.rule.source.contains("clinical.md §3.4"));
    let iv_minimum = views.iter().find(|v| v.name == "monitoring.minimum_minutes.iv_ketamine").unwrap();
    assert!(!iv_minimum.verified, "the IV minimum is an unverified default");
}

#[test]
fn describe_shows_changed_values_next_to_their_defaults() {
    let settings = settings_with(|v| {
        v.bp_gate.iv_ketamine.systolic_max = 150;
        v.discharge.min_spo2 = Some(96);
    })
    .unwrap();
    let views = settings.describe();
    let view = |name: &str| views.iter().find(|v| v.name == name).unwrap();
    assert_eq!(
        (
            view("bp_gate.iv_ketamine.systolic_max").value.clone(),
            view("bp_gate.iv_ketamine.systolic_max").default.clone()
        ),
        (json!(150), json!(140))
    );
    assert!(view("bp_gate.iv_ketamine.systolic_max").changed);
    assert_eq!(view("discharge.min_spo2").value, json!(96));
    assert!(view("discharge.min_spo2").changed);
    assert_eq!(view("discharge.min_spo2").floor.map(|f| f.limit), Some("required; at least 90 %"));
    assert!(view("iv.infusion_minutes").floor.is_none());
    let floor = serde_json::to_value(view("discharge.max_cadss")).unwrap();
    assert!(floor["floor"]["source"].as_str().unwrap().contains("clinical.md §2.5"), "{floor}");
    assert_eq!(floor["floor"]["confidence"], "unverified");
    assert_eq!(views.iter().filter(|v| v.changed).count(), 2);
    let json = serde_json::to_value(view("bp_gate.iv_ketamine.systolic_max")).unwrap();
    assert_eq!(json["rule"]["id"], "protocols.bp_gate.ketamine");
    assert_eq!(json["rule"]["confidence"], "unverified");
    assert_eq!(json["verified"], false);
}

#[test]
fn settings_round_trip_through_json() {
    let defaults = ProtocolSettings::default();
    let text = serde_json::to_string(&defaults).unwrap();
    assert_eq!(serde_json::from_str::<ProtocolSettings>(&text).unwrap(), defaults);

    let custom = settings_with(|v| {
        v.monitoring.minimum_minutes.esketamine_nasal = 150;
        v.discharge.max_cadss = Some(2);
        v.iv.mg_per_kg_max = 0.6;
        v.esketamine.allow_28mg_start = true;
        v.pre_checks.ketamine_fasting = false;
    })
    .unwrap();
    let document = serde_json::to_value(&custom).unwrap();
    assert_eq!(ProtocolSettings::from_json(&document).unwrap(), custom);
    assert_eq!(custom.clone().into_values(), custom.values().clone());
}

#[test]
fn a_partial_document_keeps_the_other_defaults() {
    let settings = ProtocolSettings::from_json(&json!({
        "bp_gate": {"esketamine_nasal": {"systolic_max": 150}},
        "monitoring": {"grace_minutes": 5}
    }))
    .unwrap();
    let v = settings.values();
    assert_eq!((v.bp_gate.esketamine_nasal.systolic_max, v.bp_gate.esketamine_nasal.diastolic_max), (150, 90));
    assert_eq!(v.monitoring.grace_minutes, 5);
    assert_eq!(v.monitoring.minimum_minutes.esketamine_nasal, 120);
    assert_eq!(ProtocolSettings::from_json(&json!({})).unwrap(), ProtocolSettings::default());
}

#[test]
fn invalid_settings_are_refused_naming_the_field() {
    let field = |edit: fn(&mut SettingsValues)| settings_with(edit).unwrap_err().field;
    assert_eq!(
        field(|v| v.monitoring.minimum_minutes.esketamine_nasal = 119),
        "monitoring.minimum_minutes.esketamine_nasal"
    );
    assert_eq!(field(|v| v.monitoring.minimum_minutes.iv_ketamine = 30), "monitoring.minimum_minutes.iv_ketamine");
    assert_eq!(field(|v| v.bp_gate.oral_ketamine.systolic_max = 90), "bp_gate.oral_ketamine.systolic_max");
    assert_eq!(field(|v| v.bp_gate.im_ketamine.diastolic_max = 140), "bp_gate.im_ketamine.diastolic_max");
    assert_eq!(field(|v| v.iv.mg_per_kg_max = 0.8), "iv.mg_per_kg_max");
    assert_eq!(field(|v| v.iv.mg_per_kg_min = 0.05), "iv.mg_per_kg_min");
    assert_eq!(field(|v| v.iv.mg_per_kg_default = f64::NAN), "iv.mg_per_kg_default");
    assert_eq!(
        field(|v| {
            v.iv.mg_per_kg_min = 0.3;
            v.iv.mg_per_kg_default = 0.2;
        }),
        "iv.mg_per_kg_default"
    );
    assert_eq!(field(|v| v.iv.series_per_week = 4), "iv.series_per_week");
    assert_eq!(field(|v| v.discharge.min_moaas = Some(6)), "discharge.min_moaas");
    assert_eq!(field(|v| v.discharge.min_spo2 = Some(101)), "discharge.min_spo2");
    assert_eq!(field(|v| v.monitoring.esketamine_bp_check_minute = 0), "monitoring.esketamine_bp_check_minute");
    assert_eq!(field(|v| v.monitoring.iv_bp_every_minutes_during = 0), "monitoring.iv_bp_every_minutes_during");

    let err =
        ProtocolSettings::from_json(&json!({"monitoring": {"minimum_minutes": {"esketamine_nasal": 90}}})).unwrap_err();
    assert_eq!(err.field, "monitoring.minimum_minutes.esketamine_nasal");
    let err = ProtocolSettings::from_json(&json!({"bp_gate": {"esketamine": {"systolic_max": 150}}})).unwrap_err();
    assert_eq!(err.field, "settings");
    assert!(err.message.contains("esketamine"), "{}", err.message);
    assert!(serde_json::from_value::<ProtocolSettings>(json!({"iv": {"mg_per_kg_max": 2.0}})).is_err());
}

#[test]
fn modality_codes_parse_and_serialize_in_snake_case() {
    for modality in Modality::ALL {
        assert_eq!(Modality::parse(modality.code()).unwrap(), modality);
        assert_eq!(serde_json::to_value(modality).unwrap(), json!(modality.code()));
        assert_eq!(modality.code().parse::<Modality>().unwrap(), modality);
    }
    let err = Modality::parse("ketamine").unwrap_err();
    assert_eq!(err.field, "modality");
    for known in ["esketamine_nasal", "iv_ketamine", "im_ketamine", "oral_ketamine"] {
        assert!(err.message.contains(known), "{}", err.message);
    }
    let course: Course =
        serde_json::from_value(json!({"modality": "iv_ketamine", "with_psychotherapy": true})).unwrap();
    assert_eq!(course, Course::new(Modality::IvKetamine, true));
    assert_eq!(course.directory_offers(), ["iv_ketamine", "ketamine_assisted_psychotherapy"]);
    let plain: Course = serde_json::from_value(json!({"modality": "esketamine_nasal"})).unwrap();
    assert_eq!(plain.directory_offers(), ["esketamine_nasal"]);
}

#[test]
fn protocol_rules_are_unique_sourced_and_honest_about_confidence() {
    let all = rules();
    let ids: BTreeSet<&str> = all.iter().map(|r| r.id).collect();
    assert_eq!(ids.len(), all.len(), "duplicate protocol rule ids");
    for rule in &all {
        assert!(rule.id.starts_with("protocols."), "{}", rule.id);
        assert!(
            rule.source.contains("clinical.md §") || rule.source.contains("directory-and-interop.md §"),
            "{}",
            rule.id
        );
        if rule.confidence != Confidence::Confirmed {
            assert!(rule.configurable, "{} is not confirmed and must be configurable", rule.id);
        }
        assert!(rule::find(rule.id).is_some(), "{} is missing from the crate catalog", rule.id);
    }
}

#[test]
fn no_discharge_criterion_can_be_switched_off_or_set_past_its_floor() {
    let refused = |edit: fn(&mut SettingsValues)| settings_with(edit).unwrap_err();
    for (edit, name) in [
        ((|v: &mut SettingsValues| v.discharge.min_moaas = None) as fn(&mut SettingsValues), "discharge.min_moaas"),
        (|v| v.discharge.min_spo2 = None, "discharge.min_spo2"),
        (|v| v.discharge.max_cadss = None, "discharge.max_cadss"),
        (|v| v.discharge.bp_within_gate = false, "discharge.bp_within_gate"),
    ] {
        let err = refused(edit);
        assert_eq!(err.field, name);
        assert!(err.message.contains("cannot be switched off"), "{}", err.message);
    }
    let err = refused(|v| v.discharge.min_spo2 = Some(89));
    assert_eq!(err.field, "discharge.min_spo2");
    assert!(err.message.contains("at least 90") && err.message.contains("§8.3"), "{}", err.message);
    assert_eq!(refused(|v| v.discharge.min_spo2 = Some(80)).field, "discharge.min_spo2");
    assert_eq!(refused(|v| v.discharge.min_moaas = Some(3)).field, "discharge.min_moaas");
    assert_eq!(refused(|v| v.discharge.max_cadss = Some(5)).field, "discharge.max_cadss");
    assert_eq!(
        refused(|v| v.bp_gate.esketamine_nasal.systolic_max = 221).field,
        "bp_gate.esketamine_nasal.systolic_max"
    );
    let err = ProtocolSettings::from_json(&json!({"discharge": {"min_spo2": null}})).unwrap_err();
    assert_eq!(err.field, "discharge.min_spo2");

    // At the floors, and stricter, is accepted.
    let strict = settings_with(|v| {
        v.discharge.min_spo2 = Some(90);
        v.discharge.min_moaas = Some(4);
        v.discharge.max_cadss = Some(0);
    });
    assert!(strict.is_ok(), "{strict:?}");
    assert!(settings_with(|v| v.discharge.min_spo2 = Some(98)).is_ok());
}
