//! Round trips of random valid clinics through every exchange format: CSV, JSON records and FHIR bundles.
//!
//! Each format must give back equal clinics, field by field, including empty lists, `None`s, the position's
//! source and the demo flag (where the format carries them: CSV has only the 17 contract columns).

use ketapath_directory::export::{clinics_to_csv, clinics_to_json};
use ketapath_directory::fhir::{export_bundle, import_bundle};
use ketapath_directory::geo::USPS_CODES;
use ketapath_directory::import::{parse_csv, parse_json};
use ketapath_directory::model::{Address, OpeningHours, Position, PositionSource};
use ketapath_directory::{Clinic, ClinicId, Gazetteer, Language, Offers, Payments, demo::demo_clinics};
use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use time::Date;

fn gazetteer() -> &'static Gazetteer {
    Gazetteer::shipped()
}

/// Text without control characters or surrounding spaces, including characters CSV must quote.
fn line(max: usize, required: bool) -> impl Strategy<Value = String> {
    let pattern = format!("[A-Za-z0-9éñ—,;\"' .&()-]{{0,{max}}}");
    proptest::string::string_regex(&pattern)
        .expect("valid regex")
        .prop_map(|s| s.trim().to_owned())
        .prop_filter("required text", move |s| !required || !s.is_empty())
}

fn date() -> impl Strategy<Value = Date> {
    (1990i32..2100, 1u16..=365).prop_map(|(y, d)| Date::from_ordinal_date(y, d).expect("day 1..=365 exists"))
}

fn hours() -> impl Strategy<Value = OpeningHours> {
    let days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map(str::to_owned).to_vec();
    (subsequence(days, 1..=7), 0u16..1439, 1u16..1440).prop_filter_map("opens before closes", |(days, a, b)| {
        let (opens, closes) = (a.min(b), a.max(b));
        (opens < closes).then(|| OpeningHours {
            days,
            opens: format!("{:02}:{:02}", opens / 60, opens % 60),
            closes: format!("{:02}:{:02}", closes / 60, closes % 60),
        })
    })
}

/// Where a clinic is: a recorded position (micro-degree precision, as real records have) with any ZIP, or a real
/// ZIP's centroid.
fn location() -> impl Strategy<Value = (String, Position, PositionSource)> {
    let recorded =
        ("[0-9]{5}", -90_000_000i64..=90_000_000, -180_000_000i64..=180_000_000).prop_map(|(zip, lat, lon)| {
            (zip, Position { lat: lat as f64 / 1e6, lon: lon as f64 / 1e6 }, PositionSource::Record)
        });
    let centroid = (0..gazetteer().len()).prop_map(|i| {
        let place = gazetteer().places()[i];
        (place.zip.as_str().to_owned(), place.position, PositionSource::ZipCentroid)
    });
    prop_oneof![recorded, centroid]
}

fn languages() -> impl Strategy<Value = Vec<Language>> {
    let codes = ["en", "es", "zh", "vi", "fr", "ht", "ar", "ko"];
    subsequence(codes.to_vec(), 0..=4)
        .prop_map(|codes| codes.into_iter().map(|c| Language::parse(c).expect("ISO 639-1")).collect())
}

/// Any valid clinic, with the extended fields when `extended` is set.
fn clinic(extended: bool) -> impl Strategy<Value = Clinic> {
    let core = (
        ("[A-Za-z0-9._-]{1,64}", line(60, true), line(60, false), line(40, true), select(USPS_CODES.to_vec())),
        location(),
        (
            proptest::option::of("[0-9]{3}-[0-9]{3}-[0-9]{4}"),
            proptest::option::of("https://[a-z]{1,12}\\.example/[a-z0-9/]{0,10}"),
        ),
        (any::<u8>(), any::<u8>(), languages(), any::<[bool; 3]>(), proptest::option::of(date())),
    );
    let more = (
        proptest::option::of(line(40, true)),
        proptest::collection::vec(hours(), 0..3),
        subsequence(vec!["adacomp", "handiaccess", "pubtrans"], 0..=3),
        proptest::option::of(line(80, true)),
        any::<bool>(),
    );
    (core, more).prop_map(move |(core, more)| {
        let ((id, name, street, city, state), (zip, position, position_source), (phone, website), rest) = core;
        let (offers, payment, languages, [telehealth, accepting, rems], last_verified) = rest;
        let (verified_by, hours, accessibility, description, demo) = more;
        let mut clinic = Clinic {
            id: ClinicId::parse(&id).expect("id pattern"),
            name,
            address: Address { street, city, state: state.to_owned(), zip },
            position,
            position_source,
            phone,
            website,
            offers: Offers::from_bits(offers),
            payment: Payments::from_bits(payment),
            insurance_plans: Vec::new(),
            telehealth,
            languages,
            accepting_new_patients: accepting,
            rems_certified: rems,
            last_verified,
            verified_by: None,
            hours: Vec::new(),
            accessibility: Vec::new(),
            description: None,
            demo: false,
        };
        if extended {
            clinic.verified_by = verified_by;
            clinic.hours = hours;
            clinic.accessibility = accessibility.into_iter().map(str::to_owned).collect();
            clinic.description = description;
            clinic.demo = demo;
        }
        clinic
    })
}

/// Clinics with distinct ids, as a valid file has.
fn clinics(extended: bool) -> impl Strategy<Value = Vec<Clinic>> {
    proptest::collection::vec(clinic(extended), 0..8).prop_map(|mut clinics| {
        for (i, c) in clinics.iter_mut().enumerate() {
            c.id = ClinicId::parse(&format!("{}-{i}", &c.id.as_str()[..c.id.as_str().len().min(50)])).expect("id");
        }
        clinics
    })
}

fn via_csv(clinics: &[Clinic]) -> Vec<Clinic> {
    let batch = parse_csv(clinics_to_csv(clinics).as_bytes(), gazetteer());
    assert!(batch.rejects.is_empty(), "{:?}", batch.rejects);
    batch.clinics.into_iter().map(|(_, c)| c).collect()
}

fn via_json(clinics: &[Clinic]) -> Vec<Clinic> {
    let batch = parse_json(clinics_to_json(clinics).as_bytes(), gazetteer()).expect("an array");
    assert!(batch.rejects.is_empty(), "{:?}", batch.rejects);
    batch.clinics.into_iter().map(|(_, c)| c).collect()
}

fn via_fhir(clinics: &[Clinic]) -> Vec<Clinic> {
    let json = serde_json::to_string(&export_bundle(clinics)).expect("serializes");
    let value: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    let batch = import_bundle(&value, gazetteer()).expect("a bundle");
    assert!(batch.rejects.is_empty(), "{:?}", batch.rejects);
    batch.clinics.into_iter().map(|(_, c)| c).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn csv_round_trip(clinics in clinics(false)) {
        prop_assert_eq!(via_csv(&clinics), clinics);
    }

    #[test]
    fn json_round_trip(clinics in clinics(true)) {
        prop_assert_eq!(via_json(&clinics), clinics);
    }

    #[test]
    fn fhir_round_trip(clinics in clinics(true)) {
        prop_assert_eq!(via_fhir(&clinics), clinics);
    }
}

#[test]
fn demo_clinics_round_trip_through_every_format() {
    let full = demo_clinics(50, 7, gazetteer());
    assert_eq!(via_json(&full), full);
    assert_eq!(via_fhir(&full), full);
    let contract_only: Vec<Clinic> = full
        .iter()
        .cloned()
        .map(|c| Clinic {
            verified_by: None,
            hours: Vec::new(),
            accessibility: Vec::new(),
            description: None,
            demo: false,
            ..c
        })
        .collect();
    assert_eq!(via_csv(&contract_only), contract_only);
}

#[test]
fn csv_line_numbers_follow_the_records() {
    let clinics = demo_clinics(3, 1, gazetteer());
    let batch = parse_csv(clinics_to_csv(&clinics).as_bytes(), gazetteer());
    assert_eq!(batch.clinics.iter().map(|(line, _)| *line).collect::<Vec<_>>(), [2, 3, 4]);
}
