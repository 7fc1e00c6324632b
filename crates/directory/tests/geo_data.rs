//! The shipped geographic data keeps the shape its README documents, and every ZIP in it resolves as a place.

use ketapath_directory::geo::{Place, PlaceError};
use ketapath_directory::{Gazetteer, Zip, languages};

const US_ZIPS: &str = include_str!("../data/us_zips.tsv");
const README: &str = include_str!("../data/README.md");

/// `40979` as the README writes it, `40,979`.
fn with_commas(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[test]
fn readme_row_counts_match_the_files() {
    let g = Gazetteer::shipped();
    assert!(README.contains(&format!("Rows: {} ", with_commas(g.len()))), "data/README.md states {} ZIP rows", g.len());
    let languages = languages::all_codes().count();
    assert!(README.contains(&format!("Rows: {languages} ")), "data/README.md states {languages} language rows");
}

#[test]
fn coordinates_have_exactly_four_decimals() {
    for (i, line) in US_ZIPS.lines().enumerate().skip(1) {
        let fields: Vec<&str> = line.split('\t').collect();
        assert_eq!(fields.len(), 5, "line {}", i + 1);
        for coordinate in &fields[1..3] {
            let decimals = coordinate.split_once('.').map(|(_, d)| d.len());
            assert_eq!(decimals, Some(4), "line {}: {coordinate}", i + 1);
        }
    }
}

#[test]
fn every_shipped_zip_resolves_to_its_centroid() {
    let g = Gazetteer::shipped();
    for place in g.places() {
        assert_eq!(Place::locate(place.zip.as_str(), g), Ok(place.position));
        assert!(g.city(place.city, place.state).is_some(), "{} {}", place.city, place.state);
    }
}

#[test]
fn a_zip_outside_the_data_is_an_error_not_a_default() {
    let g = Gazetteer::shipped();
    // Puerto Rico is not in the GeoNames US file (data/README.md), so its ZIPs must fail loudly.
    let err = Place::locate("00901", g).unwrap_err();
    assert_eq!(err, PlaceError::UnknownZip(Zip::parse("00901").unwrap()));
    assert_eq!(err.to_string(), "ZIP 00901 is not in the shipped ZIP data");
}
