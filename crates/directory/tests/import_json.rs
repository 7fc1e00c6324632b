//! JSON import: records by array index, typed fields, every fault named by its path (`[3].lat`).

use ketapath_directory::Gazetteer;
use ketapath_directory::import::{JsonDocumentError, parse_json};
use ketapath_directory::model::PositionSource;
use serde_json::{Value, json};

fn g() -> &'static Gazetteer {
    Gazetteer::shipped()
}

fn record(id: &str) -> Value {
    json!({
        "id": id, "name": "Riverside Ketamine Center", "street": "12 Main St", "city": "Columbus", "state": "OH",
        "zip": "43215", "lat": 39.9612, "lon": -82.9988, "phone": "614-555-0100", "website": "https://riverside.example",
        "offers": ["iv_ketamine"], "payment": ["self_pay"], "telehealth": false, "languages": ["en", "es"],
        "accepting_new_patients": true, "rems_certified": false, "last_verified": "2026-10-01"
    })
}

fn with(mut value: Value, changes: Value) -> Value {
    for (k, v) in changes.as_object().expect("changes are an object") {
        value[k] = v.clone();
    }
    value
}

fn parse(records: Vec<Value>) -> ketapath_directory::EntryBatch {
    parse_json(serde_json::to_vec(&records).expect("serializes").as_slice(), g()).expect("an array")
}

#[test]
fn good_records_parse_with_their_index() {
    let extended = with(
        record("c-2"),
        json!({"lat": null, "lon": null, "phone": null, "verified_by": "admin@example.org", "demo": true,
               "hours": [{"days": ["mon", "fri"], "opens": "09:00", "closes": "17:30"}],
               "accessibility": ["handiaccess"], "description": "Two lines\nof text"}),
    );
    let batch = parse(vec![record("c-1"), extended]);
    assert!(batch.rejects.is_empty(), "{:?}", batch.rejects);
    assert_eq!(batch.clinics.iter().map(|(i, c)| (*i, c.id.as_str())).collect::<Vec<_>>(), [(0, "c-1"), (1, "c-2")]);
    let c = &batch.clinics[1].1;
    assert_eq!(c.position_source, PositionSource::ZipCentroid);
    assert_eq!(c.phone, None);
    assert_eq!(c.verified_by.as_deref(), Some("admin@example.org"));
    assert_eq!(c.hours[0].closes, "17:30");
    assert!(c.demo);
    assert_eq!(c.description.as_deref(), Some("Two lines\nof text"));
}

#[test]
fn faults_are_named_by_index_and_field() {
    let bad = with(
        record("c-2"),
        json!({"name": "", "lat": 91, "offers": ["iv_ketamine", 7, "lsd"], "telehealth": "yes",
               "last_verified": "2026/10/01", "lattitude": 1.0}),
    );
    let batch = parse(vec![record("c-1"), bad]);
    assert_eq!(batch.clinics.len(), 1);
    let r = &batch.rejects[0];
    assert_eq!((r.index, r.id.as_deref()), (1, Some("c-2")));
    let paths: Vec<&str> = r.reasons.iter().map(|s| s.split(": ").next().unwrap()).collect();
    assert_eq!(
        paths,
        ["[1].name", "[1].lat", "[1].offers[1]", "[1].offers", "[1].telehealth", "[1].last_verified", "[1].lattitude"]
    );
    assert!(r.reasons.contains(&"[1].lat: latitude 91 is outside -90..90".to_owned()), "{:?}", r.reasons);
    assert!(r.reasons.iter().any(|s| s.starts_with("[1].offers: unknown offer \"lsd\"")));
}

#[test]
fn type_faults_and_required_booleans() {
    let bad = with(record("c-1"), json!({"zip": 43215, "lat": "39.9", "languages": "en", "rems_certified": null}));
    let r = &parse(vec![bad]).rejects[0];
    assert!(r.reasons.contains(&"[0].zip: expected a string, found a number".to_owned()), "{:?}", r.reasons);
    assert!(r.reasons.contains(&"[0].lat: expected a number or null, found a string".to_owned()));
    assert!(r.reasons.contains(&"[0].languages: expected an array of strings, found a string".to_owned()));
    assert!(r.reasons.contains(&"[0].rems_certified: is required: true or false".to_owned()));
}

#[test]
fn bad_hours_and_accessibility() {
    let bad = with(
        record("c-1"),
        json!({"hours": [{"days": ["monday"], "opens": "17:00", "closes": "09:00"}], "accessibility": ["ramp"]}),
    );
    let r = &parse(vec![bad]).rejects[0];
    assert_eq!(r.reasons.len(), 2, "{:?}", r.reasons);
    assert!(r.reasons[0].starts_with("[0].hours: [0].days: \"monday\" is not one of mon,"), "{}", r.reasons[0]);
    assert!(r.reasons[0].contains("[0]: opens 17:00 is not before closes 09:00"));
    assert!(r.reasons[1].starts_with("[0].accessibility: unknown accessibility code \"ramp\""));
    let shape = with(record("c-1"), json!({"hours": [{"days": ["mon"]}]}));
    assert!(parse(vec![shape]).rejects[0].reasons[0].starts_with("[0].hours: missing field `opens`"));
}

#[test]
fn duplicate_ids_and_non_objects() {
    let batch = parse(vec![record("c-1"), json!(42), record("c-1")]);
    assert_eq!(batch.clinics.len(), 1);
    let reasons: Vec<String> = batch.rejects.iter().map(ToString::to_string).collect();
    assert_eq!(reasons, ["[1]: expected an object, found a number", "[2].id: duplicate id \"c-1\", first at [0]"]);
}

#[test]
fn documents_that_are_not_arrays() {
    assert!(matches!(parse_json(b"{\"id\": 1}", g()), Err(JsonDocumentError::NotAnArray("an object"))));
    let err = parse_json(b"[{\"id\": ", g()).unwrap_err();
    assert!(err.to_string().starts_with("not valid JSON: EOF while parsing"), "{err}");
    assert_eq!(parse_json(b"[]", g()).unwrap(), Default::default());
}
