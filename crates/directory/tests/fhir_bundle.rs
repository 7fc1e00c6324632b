//! FHIR mapping: the Plan-Net shaped resources of a listing, the search distance extension, and bundle import
//! faults named by entry and path.

use ketapath_directory::demo::demo_clinics;
use ketapath_directory::fhir::{
    self, clinic_to_resources, export_bundle, import_bundle, location_distance, search_bundle,
};
use ketapath_directory::model::PositionSource;
use ketapath_directory::{Clinic, ClinicId, Gazetteer, Language, Offer, Offers, Payment, Payments};
use serde_json::{Value, json};

fn g() -> &'static Gazetteer {
    Gazetteer::shipped()
}

fn sample() -> Clinic {
    let mut c = demo_clinics(1, 3, g()).remove(0);
    c.id = ClinicId::parse("c-1").expect("valid id");
    c.offers = [Offer::EsketamineNasal, Offer::Tms].into_iter().collect::<Offers>();
    c.payment = [Payment::Medicare].into_iter().collect::<Payments>();
    c.languages = vec![Language::parse("es").expect("ISO 639-1")];
    c.telehealth = true;
    c.rems_certified = true;
    c.accepting_new_patients = false;
    c.position_source = PositionSource::Record;
    c
}

fn to_value<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).expect("serializes")
}

fn codes(concepts: &Value) -> Vec<String> {
    let concepts = concepts.as_array().expect("a list of concepts");
    concepts.iter().map(|c| c["coding"][0]["code"].as_str().expect("a code").to_owned()).collect()
}

#[test]
fn resources_follow_plan_net() {
    let c = sample();
    let (org, loc, svc) = clinic_to_resources(&c);
    let (org, loc, svc) = (to_value(&org), to_value(&loc), to_value(&svc));

    assert_eq!((org["resourceType"].as_str(), org["id"].as_str()), (Some("Organization"), Some("c-1-org")));
    let qualification = &org["extension"][0];
    assert_eq!(qualification["url"], fhir::QUALIFICATION_URL);
    assert_eq!(qualification["extension"][0]["valueCodeableConcept"]["coding"][0]["code"], "spravato-rems");
    assert_eq!(qualification["extension"][1], json!({"url": "status", "valueCode": "active"}));

    assert_eq!((loc["resourceType"].as_str(), loc["id"].as_str()), (Some("Location"), Some("c-1")));
    assert_eq!(loc["position"], json!({"longitude": c.position.lon, "latitude": c.position.lat}));
    assert_eq!(loc["managingOrganization"]["reference"], "Organization/c-1-org");
    assert_eq!(loc["address"]["postalCode"], c.address.zip.as_str());
    assert_eq!(loc["extension"][0]["url"], fhir::NEW_PATIENTS_URL);
    assert_eq!(loc["extension"][0]["extension"][0]["valueCodeableConcept"]["coding"][0]["code"], "nopt");
    assert_eq!(loc["hoursOfOperation"][0]["openingTime"], "08:00:00");
    assert_eq!(loc["meta"]["tag"][0]["code"], "HTEST", "demo listings are tagged as test data");
    let verification =
        loc["extension"].as_array().unwrap().iter().find(|e| e["url"] == fhir::VERIFICATION_URL).unwrap();
    assert_eq!(verification["extension"][1], json!({"url": "verifiedBy", "valueString": "demo"}));

    assert_eq!((svc["resourceType"].as_str(), svc["id"].as_str()), (Some("HealthcareService"), Some("c-1-svc")));
    assert_eq!(svc["location"][0]["reference"], "Location/c-1");
    assert_eq!(svc["providedBy"]["reference"], "Organization/c-1-org");
    assert_eq!(codes(&svc["category"]), ["behav"]);
    assert_eq!(codes(&svc["type"]), ["esketamine_nasal", "tms"]);
    assert_eq!(svc["type"][0]["coding"][0]["system"], fhir::OFFER_SYSTEM);
    assert_eq!(codes(&svc["characteristic"]), ["medicare"]);
    assert_eq!(svc["characteristic"][0]["coding"][0]["system"], fhir::PAYMENT_SYSTEM);
    assert_eq!(codes(&svc["communication"]), ["es"]);
    let methods: Vec<&str> = svc["extension"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["extension"][0]["valueCodeableConcept"]["coding"][0]["code"].as_str().unwrap())
        .collect();
    assert_eq!(methods, ["physical", "virtual"]);
}

#[test]
fn absent_facts_leave_no_empty_elements() {
    let mut c = sample();
    c.rems_certified = false;
    c.telehealth = false;
    c.offers = Offers::EMPTY;
    c.languages.clear();
    c.hours.clear();
    c.accessibility.clear();
    c.last_verified = None;
    c.verified_by = None;
    c.phone = None;
    c.website = None;
    c.demo = false;
    c.position_source = PositionSource::ZipCentroid;
    let (org, loc, svc) = clinic_to_resources(&c);
    let (org, loc, svc) = (to_value(&org), to_value(&loc), to_value(&svc));
    assert!(org.get("extension").is_none() && org.get("meta").is_none() && org.get("telecom").is_none());
    assert!(svc.get("type").is_none() && svc.get("communication").is_none());
    assert_eq!(svc["extension"].as_array().unwrap().len(), 1, "physical only");
    assert!(loc.get("hoursOfOperation").is_none());
    assert_eq!(loc["extension"].as_array().unwrap().len(), 1, "only newpatients");
    assert_eq!(loc["position"]["extension"][0], json!({"url": fhir::POSITION_SOURCE_URL, "valueCode": "zip_centroid"}));
    let text = serde_json::to_string(&export_bundle(&[c])).unwrap();
    assert!(!text.contains("null") && !text.contains("[]") && !text.contains("{}"), "{text}");
}

#[test]
fn distance_extension_and_searchset() {
    assert_eq!(
        to_value(&location_distance(1.234)),
        json!({"url": "http://hl7.org/fhir/StructureDefinition/location-distance",
               "valueDistance": {"value": 1.234, "unit": "km", "system": "http://unitsofmeasure.org", "code": "km"}})
    );
    let c = sample();
    let bundle = to_value(&search_bundle(&[(&c, 2.5)], 37));
    assert_eq!((bundle["type"].as_str(), bundle["total"].as_u64()), (Some("searchset"), Some(37)));
    assert_eq!(bundle["entry"][0]["resource"]["resourceType"], "Location");
    assert_eq!(bundle["entry"][0]["search"]["mode"], "match");
    assert_eq!(bundle["entry"][0]["search"]["extension"][0]["valueDistance"]["value"], 2.5);
    // A searchset of Locations reads back as listings (without the service facts, which it does not carry).
    let batch = import_bundle(&bundle, g()).unwrap();
    assert_eq!(batch.clinics[0].1.id.as_str(), "c-1");
}

fn exported(clinics: &[Clinic]) -> Value {
    to_value(&export_bundle(clinics))
}

#[test]
fn faults_name_the_entry_and_path() {
    let mut bundle = exported(&[sample()]);
    bundle["entry"][1]["resource"]["position"]["latitude"] = json!(91.0);
    bundle["entry"][1]["resource"]["name"] = json!("");
    bundle["entry"][2]["resource"]["type"][0]["coding"][0]["code"] = json!("psilocybin");
    let batch = import_bundle(&bundle, g()).unwrap();
    assert!(batch.clinics.is_empty());
    let r = &batch.rejects[0];
    assert_eq!((r.index, r.id.as_deref()), (1, Some("c-1")));
    assert_eq!(r.reasons.len(), 3, "{:?}", r.reasons);
    assert!(
        r.reasons
            .iter()
            .any(|s| s.starts_with("entry[2].resource.type[0].coding[0].code: unknown offer \"psilocybin\""))
    );
    assert!(r.reasons.contains(&"entry[1].resource.name: is required".to_owned()));
    assert!(r.reasons.contains(&"entry[1].resource.position.latitude: latitude 91 is outside -90..90".to_owned()));

    let mut bundle = exported(&[sample()]);
    bundle["entry"][1]["resource"]["position"]["latitude"] = json!("north");
    let r = &import_bundle(&bundle, g()).unwrap().rejects[0];
    assert!(
        r.reasons[0].starts_with("entry[1].resource.position.latitude: invalid type: string \"north\""),
        "{:?}",
        r.reasons
    );
}

#[test]
fn broken_related_resources_reject_the_listing_or_are_reported_alone() {
    let mut bundle = exported(&[sample()]);
    bundle["entry"][0]["resource"]["active"] = json!("yes");
    let r = &import_bundle(&bundle, g()).unwrap().rejects[0];
    assert_eq!(r.index, 1);
    assert!(r.reasons[0].starts_with("entry[0].resource.active: invalid type"), "{:?}", r.reasons);

    let mut bundle = exported(&[sample()]);
    let orphan = json!({"resourceType": "HealthcareService", "id": "x", "location": [{"reference": "Location/none"}], "active": 3});
    bundle["entry"].as_array_mut().unwrap().push(json!({"resource": orphan}));
    let batch = import_bundle(&bundle, g()).unwrap();
    assert_eq!(batch.clinics.len(), 1);
    assert_eq!(batch.rejects.len(), 1);
    assert_eq!((batch.rejects[0].index, batch.rejects[0].id.as_deref()), (3, Some("x")));
}

#[test]
fn services_merge_other_resources_are_ignored_and_outside_references_allowed() {
    let c = sample();
    let mut bundle = exported(std::slice::from_ref(&c));
    let entries = bundle["entry"].as_array_mut().unwrap();
    let mut second = entries[2].clone();
    second["resource"]["id"] = json!("c-1-svc2");
    second["resource"]["type"] = json!([{"coding": [{"system": fhir::OFFER_SYSTEM, "code": "ect"}, {"system": "http://other.example", "code": "zzz"}]}]);
    second["resource"]["communication"] = json!([{"coding": [{"system": "urn:ietf:bcp:47", "code": "vi-VN"}]}]);
    entries.push(second);
    entries.push(json!({"resource": {"resourceType": "Practitioner", "id": "p1"}}));
    entries.remove(0);
    let batch = import_bundle(&bundle, g()).unwrap();
    assert!(batch.rejects.is_empty(), "{:?}", batch.rejects);
    let got = &batch.clinics[0].1;
    assert!(got.offers.contains(Offer::Ect) && got.offers.contains(Offer::Tms));
    assert_eq!(got.languages.iter().map(|l| l.as_str()).collect::<Vec<_>>(), ["es", "vi"]);
    assert!(!got.rems_certified, "the Organization is not in the bundle, so certification is unknown");
}

#[test]
fn location_without_position_is_placed_at_its_zip_and_ids_are_unique() {
    let c = sample();
    let mut bundle = exported(std::slice::from_ref(&c));
    bundle["entry"][1]["resource"].as_object_mut().unwrap().remove("position");
    let batch = import_bundle(&bundle, g()).unwrap();
    let got = &batch.clinics[0].1;
    assert_eq!(got.position_source, PositionSource::ZipCentroid);
    assert_eq!(Some(got.position), g().zip(&c.address.zip.parse().unwrap()).map(|p| p.position));

    let twice = exported(&[c.clone(), c]);
    let batch = import_bundle(&twice, g()).unwrap();
    assert_eq!(batch.clinics.len(), 1);
    assert_eq!(
        batch.rejects[0].reasons,
        ["entry[4].resource.identifier[0].value: duplicate clinic id \"c-1\", first in entry[1]"]
    );
}

#[test]
fn documents_that_are_not_directory_bundles() {
    let err = import_bundle(&json!({"resourceType": "Patient"}), g()).unwrap_err();
    assert_eq!(err.to_string(), "resourceType: expected \"Bundle\", found Some(\"Patient\")");
    let err = import_bundle(&json!({"resourceType": "Bundle", "type": "transaction"}), g()).unwrap_err();
    assert_eq!(err.path, "type");
    assert!(import_bundle(&json!([]), g()).is_err());
    let empty = import_bundle(&json!({"resourceType": "Bundle", "type": "collection"}), g()).unwrap();
    assert_eq!(empty, Default::default());
}
