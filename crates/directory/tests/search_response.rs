//! The response document shared by the CLI (`--json`) and `GET /api/v1/clinics`.
#![allow(clippy::unwrap_used)] // Test helpers outside #[test] functions may unwrap too: a panic is a failed test.

use ketapath_directory::codes::{Language, Offer, Offers, Payment, Payments};
use ketapath_directory::model::{Address, Clinic, ClinicId, Position, PositionSource};
use ketapath_directory::search::{ClinicIndex, Query, RadiusKm, SearchResponse};
use serde_json::json;

fn clinic(id: &str, lat: f64, lon: f64, demo: bool) -> Clinic {
    Clinic {
        id: ClinicId::parse(id).unwrap(),
        name: format!("Clinic {id}"),
        address: Address {
            street: "1 Main St".into(),
            city: "New York".into(),
            state: "NY".into(),
            zip: "10001".into(),
        },
        position: Position::new(lat, lon).unwrap(),
        position_source: PositionSource::Record,
        phone: Some("+1 212 555 0100".into()),
        website: None,
        offers: [Offer::IvKetamine].into_iter().collect::<Offers>(),
        payment: [Payment::SelfPay, Payment::Medicare].into_iter().collect::<Payments>(),
        insurance_plans: vec!["Aetna".to_owned()],
        telehealth: false,
        languages: vec![Language::parse("en").unwrap(), Language::parse("es").unwrap()],
        accepting_new_patients: true,
        rems_certified: false,
        last_verified: Some(time::macros::date!(2026 - 10 - 01)),
        verified_by: None,
        hours: Vec::new(),
        accessibility: Vec::new(),
        description: None,
        demo,
    }
}

#[test]
fn document_has_the_contract_fields() {
    let index = ClinicIndex::build(vec![clinic("c-1", 40.7, -73.9, false), clinic("c-2", 41.7, -73.9, true)]);
    let mut query = Query::near(Position::new(40.75, -73.99).unwrap());
    query.radius = Some(RadiusKm::new(50.0).unwrap());
    let result = index.search(&query);
    let doc = serde_json::to_value(SearchResponse::new(&query, &result)).unwrap();
    assert_eq!(doc["origin"], json!({"lat": 40.75, "lon": -73.99}));
    assert_eq!(doc["radius_km"], json!(50.0));
    assert_eq!(doc["total"], json!(1));
    let first = &doc["results"][0];
    let km = ketapath_directory::search::haversine_km(query.origin, Position::new(40.7, -73.9).unwrap());
    let expected_distance = (km * 1000.0).round() / 1000.0;
    let expected_miles = (km / ketapath_directory::search::KM_PER_MILE * 1000.0).round() / 1000.0;
    assert_eq!(
        *first,
        json!({"id": "c-1", "name": "Clinic c-1", "distance_km": expected_distance,
               "distance_mi": expected_miles, "lat": 40.7, "lon": -73.9,
               "street": "1 Main St", "city": "New York", "state": "NY", "zip": "10001", "phone": "+1 212 555 0100",
               "website": null, "offers": ["iv_ketamine"], "payment": ["medicare", "self_pay"], "insurance_plans": ["Aetna"],
               "telehealth": false,
               "languages": ["en", "es"], "accepting_new_patients": true, "rems_certified": false,
               "last_verified": "2026-10-01"})
    );
    // Three decimals exactly.
    let d = first["distance_km"].as_f64().unwrap();
    assert_eq!((d * 1000.0).round() / 1000.0, d);

    query.radius = None;
    let result = index.search(&query);
    let doc = serde_json::to_value(SearchResponse::new(&query, &result)).unwrap();
    assert_eq!(doc["radius_km"], json!(null));
    assert_eq!(doc["total"], json!(2));
    assert_eq!(doc["results"][1]["demo"], json!(true));
    assert!(doc["results"][0].get("demo").is_none());
}
