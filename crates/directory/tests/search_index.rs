//! The index must answer exactly what a brute-force haversine scan answers: same ids, same order, same
//! distances, same total, for random clinics and queries, also after upserts, removals and compaction.
#![allow(clippy::unwrap_used)] // Test helpers outside #[test] functions may unwrap too: a panic is a failed test.

use std::collections::BTreeMap;

use ketapath_directory::codes::{Language, Offers, Payments};
use ketapath_directory::model::{Address, Clinic, ClinicId, Position, PositionSource};
use ketapath_directory::search::{ClinicIndex, EARTH_RADIUS_KM, Filter, Query, RadiusKm, haversine_km, synthetic};
use proptest::prelude::*;

/// The brute force, written without the crate's filter or index: scan, filter, measure, sort, page.
fn brute(clinics: &[Clinic], q: &Query) -> (usize, Vec<(String, f64)>) {
    let f = &q.filter;
    let mut found: Vec<(f64, String)> = clinics
        .iter()
        .filter(|c| {
            f.offers.iter().all(|o| c.offers.contains(o))
                && (f.any_offers.is_empty() || f.any_offers.iter().any(|o| c.offers.contains(o)))
                && f.payment.iter().all(|p| c.payment.contains(p))
                && (!f.telehealth || c.telehealth)
                && (!f.accepting || c.accepting_new_patients)
                && f.language.is_none_or(|l| c.languages.iter().any(|x| x.as_str() == l.as_str()))
        })
        .map(|c| (haversine_km(q.origin, c.position), c.id.as_str().to_owned()))
        .filter(|(d, _)| q.radius.is_none_or(|r| *d <= r.km()))
        .collect();
    found.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    let total = found.len();
    let page = found.into_iter().skip(q.offset).take(q.limit).map(|(d, id)| (id, d)).collect();
    (total, page)
}

fn check(index: &ClinicIndex, clinics: &[Clinic], q: &Query) -> Result<(), TestCaseError> {
    let result = index.search(q);
    let got: Vec<(String, f64)> =
        result.hits.iter().map(|h| (h.clinic.id.as_str().to_owned(), h.distance_km)).collect();
    let (total, want) = brute(clinics, q);
    prop_assert_eq!(result.total, total, "total for {:?}", q);
    prop_assert_eq!(got.len(), want.len(), "page length for {:?}", q);
    for (g, w) in got.iter().zip(&want) {
        prop_assert_eq!(&g.0, &w.0, "order for {:?}", q);
        prop_assert_eq!(g.1.to_bits(), w.1.to_bits(), "distance of {} for {:?}", g.0, q);
    }
    Ok(())
}

/// Languages: two common ones and 52 rare ISO 639-1 codes, more than the index's 47 dense bits.
fn language_pool() -> Vec<Language> {
    let mut pool = vec![Language::parse("en").unwrap(), Language::parse("es").unwrap()];
    let rare = ketapath_directory::languages::all_codes().filter(|c| !["en", "es", "zu"].contains(c)).take(52);
    pool.extend(rare.map(|c| Language::parse(c).unwrap()));
    assert_eq!(pool.len(), 54, "the shipped ISO 639-1 list has fewer codes than the test needs");
    pool
}

/// Positions anywhere, at the antimeridian, at the poles, or from a small pool so that duplicates and equal
/// distances (points on one parallel, seen from a pole) occur.
fn position() -> impl Strategy<Value = Position> {
    prop_oneof![
        (-90.0..=90.0f64, -180.0..=180.0f64),
        (-60.0..60.0f64, prop_oneof![179.9..=180.0f64, -180.0..=-179.9f64]),
        (prop_oneof![89.5..=90.0f64, -90.0..=-89.5f64], -180.0..=180.0f64),
        (0usize..6).prop_map(|i| [
            (10.0, 20.0),
            (10.0, 20.0001),
            (90.0, 0.0),
            (-90.0, 45.0),
            (45.0, 179.95),
            (0.0, -180.0)
        ][i]),
        (0usize..8).prop_map(|i| (80.0, -180.0 + 45.0 * i as f64)),
        (40.0..40.5f64, -74.5..-74.0f64),
    ]
    .prop_map(|(lat, lon)| Position::new(lat, lon).unwrap())
}

fn clinic_with(id: String, seed: (Position, u8, u8, u8, Vec<usize>)) -> Clinic {
    let (position, offers, payment, flags, langs) = seed;
    let pool = language_pool();
    let mut languages: Vec<Language> = langs.into_iter().map(|i| pool[i % pool.len()]).collect();
    languages.sort();
    languages.dedup();
    Clinic {
        id: ClinicId::parse(&id).unwrap(),
        name: format!("Clinic {id}"),
        address: Address { street: "1 A St".into(), city: "X".into(), state: "NY".into(), zip: "10001".into() },
        position,
        position_source: PositionSource::Record,
        phone: None,
        website: None,
        offers: Offers::from_bits(offers),
        payment: Payments::from_bits(payment),
        insurance_plans: Vec::new(),
        telehealth: flags & 1 != 0,
        languages,
        accepting_new_patients: flags & 2 != 0,
        rems_certified: false,
        last_verified: None,
        verified_by: None,
        hours: Vec::new(),
        accessibility: Vec::new(),
        description: None,
        demo: false,
    }
}

type ClinicSeed = (Position, u8, u8, u8, Vec<usize>);

fn clinic_seed() -> impl Strategy<Value = ClinicSeed> {
    // Languages: mostly the common two, sometimes a rare one, so the dense/other split is exercised.
    let langs = prop::collection::vec(prop_oneof![3 => 0usize..2, 1 => 0usize..54], 0..4);
    (position(), any::<u8>(), any::<u8>(), 0u8..4, langs)
}

fn query() -> impl Strategy<Value = Query> {
    let radius = prop_oneof![
        1 => Just(None),
        3 => (-1.0..3.7f64).prop_map(|e| Some(RadiusKm::new(10f64.powf(e)).unwrap())),
        1 => Just(Some(RadiusKm::new(30_000.0).unwrap())),
    ];
    // Filters with few bits, so that they match something often enough to test ordering.
    let bits = |n: u8| prop_oneof![3 => Just(0u8), 2 => (0..n).prop_map(|b| 1u8 << b), 1 => any::<u8>()];
    let language = prop_oneof![2 => Just(None), 2 => (0usize..2).prop_map(Some), 1 => (0usize..54).prop_map(Some), 1 => Just(Some(99))];
    // "At least one of" offers: nothing, the finder's ketamine default, or any set.
    let any_offers = prop_oneof![2 => Just(0u8), 2 => Just(Offers::KETAMINE_CARE.bits()), 1 => any::<u8>()];
    (position(), radius, 0usize..25, 0usize..25, bits(7), any_offers, bits(6), any::<bool>(), any::<bool>(), language)
        .prop_map(|(origin, radius, limit, offset, offers, any_offers, payment, telehealth, accepting, language)| {
            let pool = language_pool();
            Query {
                origin,
                radius,
                limit,
                offset,
                filter: Filter {
                    offers: Offers::from_bits(offers),
                    any_offers: Offers::from_bits(any_offers),
                    payment: Payments::from_bits(payment),
                    telehealth,
                    accepting,
                    // An index past the pool is "zu" (Zulu), a real code that no generated clinic speaks.
                    language: language.map(|i| pool.get(i).copied().unwrap_or(Language::parse("zu").unwrap())),
                },
            }
        })
}

#[derive(Debug, Clone)]
enum Change {
    Upsert(usize, ClinicSeed),
    Remove(usize),
    Compact,
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        4 => (0usize..400, clinic_seed()).prop_map(|(i, s)| Change::Upsert(i, s)),
        3 => (0usize..400).prop_map(Change::Remove),
        1 => Just(Change::Compact),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    #[test]
    fn index_equals_brute_force(seeds in prop::collection::vec(clinic_seed(), 0..300), queries in prop::collection::vec(query(), 1..12)) {
        let clinics: Vec<Clinic> = seeds.into_iter().enumerate().map(|(i, s)| clinic_with(format!("c{i}"), s)).collect();
        let index = ClinicIndex::build(clinics.clone());
        prop_assert_eq!(index.len(), clinics.len());
        for q in &queries {
            check(&index, &clinics, q)?;
        }
    }

    #[test]
    fn index_equals_brute_force_after_changes(
        seeds in prop::collection::vec(clinic_seed(), 0..250),
        changes in prop::collection::vec(change(), 0..40),
        queries in prop::collection::vec(query(), 1..8),
    ) {
        let mut truth: BTreeMap<String, Clinic> = BTreeMap::new();
        for (i, s) in seeds.into_iter().enumerate() {
            let c = clinic_with(format!("c{i}"), s);
            truth.insert(c.id.as_str().to_owned(), c);
        }
        let mut index = ClinicIndex::build(truth.values().cloned().collect());
        for ch in changes {
            match ch {
                Change::Upsert(i, s) => {
                    let c = clinic_with(format!("c{i}"), s);
                    truth.insert(c.id.as_str().to_owned(), c.clone());
                    index.upsert(c);
                }
                Change::Remove(i) => {
                    let id = format!("c{i}");
                    let was = truth.remove(&id).is_some();
                    prop_assert_eq!(index.remove(&ClinicId::parse(&id).unwrap()), was);
                }
                Change::Compact => {
                    let copy = index.compacted();
                    prop_assert_eq!(copy.pending_changes(), 0);
                    prop_assert_eq!(copy.len(), index.len());
                    index.compact();
                    prop_assert_eq!(index.pending_changes(), 0);
                }
            }
        }
        prop_assert_eq!(index.len(), truth.len());
        let clinics: Vec<Clinic> = truth.into_values().collect();
        for c in &clinics {
            prop_assert_eq!(index.get(&c.id), Some(c));
        }
        for q in &queries {
            check(&index, &clinics, q)?;
        }
    }
}

/// Attribute bytes whose bits are each set with probability 0.15, so that the index builds its rare-bit trees.
fn sparse_bits() -> impl Strategy<Value = u8> {
    prop::collection::vec(prop::bool::weighted(0.15), 8)
        .prop_map(|bits| bits.iter().enumerate().fold(0u8, |acc, (i, &b)| acc | (u8::from(b) << i)))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Enough clinics with rare bits that nearest-clinic walks take the rare-bit trees, with changes on top.
    #[test]
    fn rare_bit_trees_equal_brute_force(
        seeds in prop::collection::vec((position(), sparse_bits(), sparse_bits(), 0u8..4, prop::collection::vec(0usize..2, 0..3)), 4000..4500),
        changes in prop::collection::vec(change(), 0..60),
        queries in prop::collection::vec(query(), 6..10),
    ) {
        let mut truth: BTreeMap<String, Clinic> = BTreeMap::new();
        for (i, s) in seeds.into_iter().enumerate() {
            let c = clinic_with(format!("c{i}"), s);
            truth.insert(c.id.as_str().to_owned(), c);
        }
        let mut index = ClinicIndex::build(truth.values().cloned().collect());
        for ch in changes {
            match ch {
                Change::Upsert(i, s) => {
                    let c = clinic_with(format!("c{i}"), s);
                    truth.insert(c.id.as_str().to_owned(), c.clone());
                    index.upsert(c);
                }
                Change::Remove(i) => {
                    let id = format!("c{i}");
                    let was = truth.remove(&id).is_some();
                    prop_assert_eq!(index.remove(&ClinicId::parse(&id).unwrap()), was);
                }
                // Compaction is covered above; here the changes must stay pending.
                Change::Compact => {}
            }
        }
        let clinics: Vec<Clinic> = truth.into_values().collect();
        for q in &queries {
            let mut q = q.clone();
            // Keep pages short of "everything", so the nearest-clinic walk (not the collect-all path) answers.
            q.limit = q.limit.min(20);
            check(&index, &clinics, &q)?;
        }
    }
}

#[test]
fn large_synthetic_set_matches_brute_force() {
    let clinics = synthetic::clinics(30_000, 7);
    let index = ClinicIndex::build(clinics.clone());
    let points = synthetic::query_points(60, 9);
    for (i, origin) in points.into_iter().enumerate() {
        for scenario in synthetic::scenarios() {
            let mut q = scenario.query(origin);
            q.limit = q.limit.min(300);
            q.offset = i % 4;
            check(&index, &clinics, &q).unwrap();
        }
    }
}

#[test]
fn later_duplicate_id_wins_at_build() {
    let a = clinic_with("dup".into(), (Position::new(1.0, 1.0).unwrap(), 1, 1, 0, vec![]));
    let b = clinic_with("dup".into(), (Position::new(2.0, 2.0).unwrap(), 2, 2, 0, vec![]));
    let index = ClinicIndex::build(vec![a, b.clone()]);
    assert_eq!(index.len(), 1);
    assert_eq!(index.get(&b.id), Some(&b));
}

#[test]
fn haversine_agrees_with_an_independent_formula() {
    // The angle between unit vectors by atan2(|a x b|, a . b), well conditioned everywhere.
    let unit = |p: Position| {
        let (la, lo) = (p.lat.to_radians(), p.lon.to_radians());
        [la.cos() * lo.cos(), la.cos() * lo.sin(), la.sin()]
    };
    let pairs = [
        ((0.0, 0.0), (0.0, 180.0)),
        ((40.7, -74.0), (51.5, -0.1)),
        ((89.9, 10.0), (-89.9, -170.0)),
        ((1.0, 179.95), (1.0, -179.95)),
    ];
    for ((a1, a2), (b1, b2)) in pairs {
        let (a, b) = (Position::new(a1, a2).unwrap(), Position::new(b1, b2).unwrap());
        let (u, v) = (unit(a), unit(b));
        let cross = [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
        let sin = (cross[0] * cross[0] + cross[1] * cross[1] + cross[2] * cross[2]).sqrt();
        let cos = u[0] * v[0] + u[1] * v[1] + u[2] * v[2];
        let expected = EARTH_RADIUS_KM * sin.atan2(cos);
        assert!((haversine_km(a, b) - expected).abs() < 1e-3, "{a:?} {b:?}");
    }
}

#[test]
fn changes_on_a_large_index_stay_exact() {
    // Large enough for the signature count table, so its corrections for changes are exercised.
    let mut truth: BTreeMap<String, Clinic> =
        synthetic::clinics(6_000, 3).into_iter().map(|c| (c.id.as_str().to_owned(), c)).collect();
    let mut index = ClinicIndex::build(truth.values().cloned().collect());
    let replacements = synthetic::clinics(700, 4);
    let mut rng = synthetic::SplitMix64::new(11);
    for (round, mut c) in replacements.into_iter().enumerate() {
        // Half replace an existing id (moved and re-attributed), half are new; every third round removes one.
        if round % 2 == 0 {
            c.id = ClinicId::parse(&format!("syn-{:07}", rng.next_u64() % 6_000)).unwrap();
        } else {
            c.id = ClinicId::parse(&format!("new-{round}")).unwrap();
        }
        truth.insert(c.id.as_str().to_owned(), c.clone());
        index.upsert(c);
        if round % 3 == 0 {
            let id = format!("syn-{:07}", rng.next_u64() % 6_000);
            let was = truth.remove(&id).is_some();
            assert_eq!(index.remove(&ClinicId::parse(&id).unwrap()), was);
        }
    }
    let clinics: Vec<Clinic> = truth.into_values().collect();
    assert_eq!(index.len(), clinics.len());
    let points = synthetic::query_points(25, 5);
    for pass in 0..2 {
        for origin in &points {
            for scenario in synthetic::scenarios() {
                let mut q = scenario.query(*origin);
                q.limit = q.limit.min(200);
                check(&index, &clinics, &q).unwrap();
                q.radius = None;
                check(&index, &clinics, &q).unwrap();
            }
        }
        if pass == 0 {
            index.compact();
        }
    }
}

#[test]
fn index_can_be_shared_between_threads() {
    // Web servers keep one index behind a lock or an atomic swap and read it from many tasks.
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<ClinicIndex>();
}

#[test]
fn empty_index_answers_nothing() {
    let index = ClinicIndex::build(Vec::new());
    let mut q = Query::near(Position::new(0.0, 0.0).unwrap());
    assert_eq!(index.search(&q).total, 0);
    q.radius = Some(RadiusKm::new(100.0).unwrap());
    assert!(index.search(&q).hits.is_empty());
    assert!(index.is_empty());
}
