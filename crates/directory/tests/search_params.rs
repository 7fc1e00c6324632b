//! The one query parser of the CLI and `GET /api/v1/clinics`: every bad parameter is named in the error.
#![allow(clippy::unwrap_used)] // Test helpers outside #[test] functions may unwrap too: a panic is a failed test.

use ketapath_directory::codes::{Offer, Payment};
use ketapath_directory::model::Position;
use ketapath_directory::search::{DEFAULT_LIMIT, Origin, ParamError, SearchParams};

fn parse(query: &str) -> Result<SearchParams, ParamError> {
    let pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (k.to_owned(), v.to_owned()),
            None => (p.to_owned(), String::new()),
        })
        .collect();
    SearchParams::parse(&pairs)
}

fn bad(query: &str) -> ParamError {
    parse(query).expect_err(query)
}

#[test]
fn full_query_parses() {
    let p = parse(
        "near=40.75,-73.99&radius_km=50&limit=100&offset=40&offers=iv_ketamine,tms&payment=self_pay\
         &telehealth=true&language=ES&accepting=true",
    )
    .unwrap();
    assert_eq!(p.origin, Origin::Near(Position::new(40.75, -73.99).unwrap()));
    assert_eq!(p.radius.map(|r| r.km()), Some(50.0));
    assert_eq!((p.limit, p.offset), (100, 40));
    assert!(p.filter.offers.contains(Offer::IvKetamine) && p.filter.offers.contains(Offer::Tms));
    assert!(!p.filter.offers.contains(Offer::Ect));
    assert!(p.filter.payment.contains(Payment::SelfPay));
    assert!(p.filter.telehealth && p.filter.accepting);
    assert_eq!(p.filter.language.map(|l| l.as_str().to_owned()).as_deref(), Some("es"));
    let q = p.query(Position::new(1.0, 2.0).unwrap());
    assert_eq!((q.origin.lat, q.limit, q.offset), (1.0, 100, 40));
}

#[test]
fn defaults_and_false_flags() {
    let p = parse("zip=10001-1234&telehealth=false&accepting=false").unwrap();
    assert_eq!(p.origin, Origin::Zip("10001".into()));
    assert_eq!((p.limit, p.offset, p.radius), (DEFAULT_LIMIT, 0, None));
    assert!(!p.filter.telehealth && !p.filter.accepting);
    // Empty values, as an HTML form sends them, count as absent.
    let p = parse("near=1,2&zip=&radius_km=&language=&offers=").unwrap();
    assert_eq!(p.radius, None);
    assert!(p.filter.language.is_none() && p.filter.offers.is_empty());
}

#[test]
fn each_bad_parameter_is_named() {
    let cases = [
        ("near=91,0", "near"),
        ("near=0,181", "near"),
        ("near=abc", "near"),
        ("near=1,x", "near"),
        ("zip=1234", "zip"),
        ("zip=12345-12", "zip"),
        ("near=1,2&radius_km=0", "radius_km"),
        ("near=1,2&radius_km=-5", "radius_km"),
        ("near=1,2&radius_km=NaN", "radius_km"),
        ("near=1,2&radius_km=inf", "radius_km"),
        ("near=1,2&radius_km=ten", "radius_km"),
        ("near=1,2&limit=101", "limit"),
        ("near=1,2&limit=-1", "limit"),
        ("near=1,2&limit=2.5", "limit"),
        ("near=1,2&offset=x", "offset"),
        ("near=1,2&offset=10001", "offset"),
        ("near=1,2&offers=iv_ketamine,psilocybin", "offers"),
        ("near=1,2&payment=cash", "payment"),
        ("near=1,2&telehealth=yes", "telehealth"),
        ("near=1,2&accepting=1", "accepting"),
        ("near=1,2&language=eng", "language"),
        ("near=1,2&colour=red", "colour"),
        ("near=1,2&limit=5&limit=6", "limit"),
        ("near=1,2&zip=10001", "near"),
        ("limit=5", "near"),
        ("", "near"),
    ];
    for (query, param) in cases {
        let err = bad(query);
        assert_eq!(err.param, param, "{query}: {err}");
        assert!(!err.message.is_empty());
        assert!(err.to_string().starts_with(param));
    }
}

#[test]
fn limit_bounds() {
    assert_eq!(parse("near=0,0&limit=100").unwrap().limit, 100);
    assert_eq!(parse("near=0,0&limit=0").unwrap().limit, 0);
    assert!(bad("near=0,0&limit=101").message.contains("100"));
}

#[test]
fn out_of_range_near_names_the_coordinate() {
    let err = bad("near=91,10");
    assert_eq!(err.param, "near");
    assert!(err.message.contains("latitude"), "{}", err.message);
}

#[test]
fn resolve_geocodes_a_zip_and_names_zip_when_unknown() {
    use ketapath_directory::geo::Gazetteer;
    let pairs = |z: &str| vec![("zip".to_owned(), z.to_owned())];
    let params = SearchParams::parse(&pairs("10001")).unwrap();
    let query = params.resolve(Gazetteer::shipped()).unwrap();
    assert!((query.origin.lat - 40.75).abs() < 0.1 && (query.origin.lon + 73.99).abs() < 0.1, "{:?}", query.origin);
    let err = SearchParams::parse(&pairs("00000")).unwrap().resolve(Gazetteer::shipped()).unwrap_err();
    assert_eq!(err.param, "zip");
    assert!(err.message.contains("00000"), "{}", err.message);
}
