//! Tests of the results map: the projection against d3-geo and the shipped outlines, and the SVG's structure,
//! escaping, markers, zoom and size.

use super::projection::{HEIGHT, SCALE, TRANSLATE, WIDTH, project};
use super::*;

/// Cities with the pixel d3-geo 3.1.2 gives for them with `geoAlbersUsa().scale(1300).translate([487.5, 305])`
/// (run under Node 18 with npm d3-geo@3.1.2, printed to six decimals): an implementation other than ours.
const D3_REFERENCE: &[(&str, f64, f64, f64, f64)] = &[
    ("New York", 40.7128, -74.0060, 869.718765, 215.740522),
    ("Los Angeles", 34.0522, -118.2437, 86.812131, 363.118880),
    ("Chicago", 41.8781, -87.6298, 638.219616, 226.112265),
    ("Miami", 25.7617, -80.1918, 822.738316, 572.540779),
    ("Seattle", 47.6062, -122.3321, 97.624967, 46.318659),
    ("Bangor", 44.8012, -68.7778, 929.528708, 103.424371),
    ("Honolulu", 21.3069, -157.8583, 266.959947, 549.190373),
    ("Anchorage", 61.2181, -149.9003, 112.277428, 544.277916),
    ("Juneau", 58.3019, -134.4197, 176.937023, 556.083786),
    ("Hilo", 19.7241, -155.0868, 326.221781, 584.801094),
    // d3's lower-48 clip is a rectangle, so nearby Canadian cities are on the map too.
    ("Toronto", 43.6532, -79.3832, 768.242278, 168.092862),
];

/// Points d3-geo also leaves off the map (it returns null for them).
const D3_OFF_MAP: &[(&str, f64, f64)] = &[
    ("Paris", 48.8566, 2.3522),
    ("Mexico City", 19.4326, -99.1332),
    ("Tokyo", 35.6895, 139.6917),
    ("Havana", 23.1136, -82.3666),
];

fn state(fips: &str) -> &'static State {
    states().iter().find(|s| s.fips == fips).unwrap()
}

#[test]
fn map_projection_matches_d3_geo() {
    for &(name, lat, lon, x, y) in D3_REFERENCE {
        let (px, py) = project(lat, lon).unwrap_or_else(|| panic!("{name} is on the map"));
        assert!((px - x).abs() < 1e-5 && (py - y).abs() < 1e-5, "{name}: ({px}, {py}) vs d3 ({x}, {y})");
    }
    for &(name, lat, lon) in D3_OFF_MAP {
        assert_eq!(project(lat, lon), None, "{name} is off the map");
    }
}

#[test]
fn map_projection_lower48_matches_the_textbook_albers_formula() {
    // Snyder, Map Projections: A Working Manual (1987), eq. 14-1 to 14-6, on the unit sphere: n = (sin φ1 + sin φ2)/2,
    // C = cos²φ1 + 2n sin φ1, ρ = √(C − 2n sin φ)/n, θ = n(λ − λ0), x = ρ sin θ, y = ρ0 − ρ cos θ. d3's center
    // [-0.6, 38.7] is where the translate lands: its x and y are subtracted before scaling.
    let (phi1, phi2) = (29.5_f64.to_radians(), 45.5_f64.to_radians());
    let n = (phi1.sin() + phi2.sin()) / 2.0;
    let c = phi1.cos().powi(2) + 2.0 * n * phi1.sin();
    let xy = |lat: f64, dlon: f64| {
        let rho = (c - 2.0 * n * lat.to_radians().sin()).sqrt() / n;
        let theta = n * dlon.to_radians();
        (rho * theta.sin(), -rho * theta.cos())
    };
    let centre = xy(38.7, -0.6);
    for &(name, lat, lon) in
        &[("Denver", 39.7392, -104.9903), ("Atlanta", 33.749, -84.388), ("Fargo", 46.8772, -96.7898)]
    {
        let raw = xy(lat, lon + 96.0);
        let expected = (TRANSLATE.0 + SCALE * (raw.0 - centre.0), TRANSLATE.1 - SCALE * (raw.1 - centre.1));
        let got = project(lat, lon).unwrap();
        assert!(
            (got.0 - expected.0).abs() < 1e-9 && (got.1 - expected.1).abs() < 1e-9,
            "{name}: {got:?} vs {expected:?}"
        );
    }
}

#[test]
fn map_projection_rejects_invalid_coordinates() {
    for (lat, lon) in [(f64::NAN, -74.0), (40.0, f64::NAN), (91.0, -74.0), (40.0, -181.0), (f64::INFINITY, 0.0)] {
        assert_eq!(project(lat, lon), None, "({lat}, {lon})");
    }
}

#[test]
fn map_honolulu_and_anchorage_land_in_their_insets() {
    let k = SCALE;
    let (x, y) = TRANSLATE;
    let honolulu = project(21.3069, -157.8583).unwrap();
    let anchorage = project(61.2181, -149.9003).unwrap();
    // The inset rectangles of d3.geoAlbersUsa, bottom left of the map below the lower 48's south-west.
    assert!(honolulu.0 > x - 0.214 * k && honolulu.0 < x - 0.115 * k && honolulu.1 > y + 0.166 * k, "{honolulu:?}");
    assert!(anchorage.0 > x - 0.425 * k && anchorage.0 < x - 0.214 * k && anchorage.1 > y + 0.120 * k, "{anchorage:?}");
    assert!(state("15").bbox.contains(honolulu), "Honolulu is inside Hawaii's outline box");
    assert!(state("02").bbox.contains(anchorage), "Anchorage is inside Alaska's outline box");
    assert!(!state("06").bbox.contains(honolulu) && !state("06").bbox.contains(anchorage), "not in California");
}

#[test]
fn map_state_centroids_land_inside_their_own_outline_box() {
    // Centroids of each state's largest ring in the unprojected states-10m.json (same package), from the script.
    let fixture = include_str!("state_centroids.tsv");
    let mut checked = 0;
    for line in fixture.lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        let (lat, lon): (f64, f64) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
        let outline = state(fields[0]);
        let xy = project(lat, lon).unwrap_or_else(|| panic!("{} centroid projects", outline.name));
        assert!(outline.bbox.contains(xy), "{} centroid {xy:?} outside {:?}", outline.name, outline.bbox);
        checked += 1;
    }
    assert_eq!(checked, 51);
}

/// A minimal XML well-formedness check: tags balance and nest, attributes are quoted, `&` starts a known entity.
fn assert_well_formed(svg: &str) {
    let mut stack: Vec<&str> = Vec::new();
    let mut rest = svg;
    assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"), "one root element");
    while let Some(open) = rest.find('<') {
        let text = &rest[..open];
        assert_entities(text);
        let close = rest[open..].find('>').expect("tag ends") + open;
        let tag = &rest[open + 1..close];
        assert!(!tag.contains('<'), "no '<' inside a tag: {tag}");
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop(), Some(name), "closing tag matches");
        } else {
            let name = tag.split([' ', '/']).next().unwrap();
            assert!(!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric()), "tag name {name:?}");
            let attributes = tag[name.len()..].trim_end_matches('/');
            assert_eq!(attributes.matches('"').count() % 2, 0, "attribute quotes balance in <{tag}>");
            assert_entities(attributes);
            if !tag.ends_with('/') {
                stack.push(name);
            }
        }
        rest = &rest[close + 1..];
    }
    assert!(stack.is_empty(), "unclosed tags: {stack:?}");
    assert!(rest.is_empty());
}

fn assert_entities(text: &str) {
    for (i, _) in text.match_indices('&') {
        let entity = &text[i..];
        assert!(
            ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"].iter().any(|e| entity.starts_with(e)),
            "bare & in {text:?}"
        );
    }
}

fn attribute_values(svg: &str, element: &str, attribute: &str) -> Vec<String> {
    let key = format!(" {attribute}=\"");
    let mut values = Vec::new();
    for chunk in svg.split(&format!("<{element} ")).skip(1) {
        let tag = format!(" {}", &chunk[..chunk.find('>').unwrap()]);
        if let Some(start) = tag.find(&key) {
            let from = start + key.len();
            values.push(tag[from..from + tag[from..].find('"').unwrap()].to_owned());
        }
    }
    values
}

fn viewbox(svg: &str) -> Vec<f64> {
    attribute_values(svg, "svg", "viewBox")[0].split(' ').map(|v| v.parse().unwrap()).collect()
}

const NEW_YORK: (f64, f64) = (40.7128, -74.0060);

fn clinics() -> Vec<MapPoint<'static>> {
    vec![
        MapPoint { number: 1, label: "Midtown Clinic, 1.2 mi", lat: 40.7549, lon: -73.9840 },
        MapPoint { number: 2, label: "Brooklyn Clinic, 4.8 mi", lat: 40.6782, lon: -73.9442 },
        MapPoint { number: 3, label: "Newark Clinic, 9.1 mi", lat: 40.7357, lon: -74.1724 },
    ]
}

#[test]
fn map_country_view_draws_all_51_states_and_is_well_formed() {
    let svg = us_map_svg(Some(NEW_YORK), &clinics(), Zoom::Country);
    assert_well_formed(&svg);
    assert_eq!(svg.matches("<path class=\"map-state\"").count(), 51);
    assert_eq!(viewbox(&svg), vec![0.0, 0.0, WIDTH, HEIGHT]);
    assert!(svg.contains("role=\"img\""));
    assert_eq!(svg.matches("<title").count(), 1 + 1 + 3, "map, origin and one per clinic");
    assert!(!svg.contains("style"), "no style attribute or element, for the CSP");
    assert!(!svg.contains("<script") && !svg.contains(" on"), "no script or event handler");
}

#[test]
fn map_description_names_the_origin_and_counts_the_clinics() {
    let svg = us_map_svg(Some(NEW_YORK), &clinics(), Zoom::Country);
    let desc = &svg[svg.find("<desc").unwrap()..svg.find("</desc>").unwrap()];
    assert!(desc.contains("Search origin at 40.713° N, 74.006° W."), "{desc}");
    assert!(desc.contains("3 clinics shown"), "{desc}");
    assert!(svg.contains("aria-labelledby=\"map-title map-desc\"") && svg.contains("<desc id=\"map-desc\">"));

    let mut points = clinics();
    points.push(MapPoint { number: 4, label: "San Juan Clinic", lat: 18.4655, lon: -66.1057 });
    let svg = us_map_svg(None, &points[..], Zoom::Country);
    let desc = &svg[svg.find("<desc").unwrap()..svg.find("</desc>").unwrap()];
    assert!(desc.contains("3 clinics shown") && desc.contains("1 listed is outside the mapped area"), "{desc}");
    assert!(!desc.contains("origin"), "{desc}");
    assert!(!svg.contains("San Juan"), "a clinic off the map gets no marker");
}

#[test]
fn map_markers_sit_at_their_projected_positions_with_their_numbers() {
    let points = clinics();
    let whole = us_map_svg(Some(NEW_YORK), &points, Zoom::Country);
    // City labels come before the markers (under them); the markers start with the origin.
    let svg = &whole[whole.find("<g class=\"map-origin\"").unwrap()..];
    let cx = attribute_values(svg, "circle", "cx");
    let cy = attribute_values(svg, "circle", "cy");
    let (ox, oy) = project(NEW_YORK.0, NEW_YORK.1).unwrap();
    assert_eq!((&cx[0], &cy[0]), (&num(ox), &num(oy)), "the origin marker comes first");
    // Clinics are drawn last number first, so the nearest ends on top.
    for (marker, point) in points.iter().rev().enumerate() {
        let (x, y) = project(point.lat, point.lon).unwrap();
        assert_eq!((&cx[marker + 1], &cy[marker + 1]), (&num(x), &num(y)), "{}", point.label);
    }
    let numbers: Vec<&str> =
        svg.split("<text ").skip(1).map(|t| &t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()]).collect();
    assert_eq!(numbers, ["3", "2", "1"]);
    assert!(svg.contains("<title>1. Midtown Clinic, 1.2 mi</title>"));
    assert_eq!(svg.matches("class=\"map-clinic\"").count(), 3);
    assert_eq!(svg.matches("class=\"map-origin\"").count(), 1);
}

#[test]
fn map_labels_the_largest_cities_in_view_away_from_the_markers() {
    let svg = us_map_svg(None, &[], Zoom::Country);
    let cities = &svg[svg.find("class=\"map-city\"").expect("city labels")..];
    let names: Vec<&str> =
        cities.split("<text ").skip(1).map(|t| &t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()]).collect();
    assert!(names.len() >= 4 && names.len() <= 6, "{names:?}");
    assert!(names.contains(&"Houston") && names.contains(&"Los Angeles"), "{names:?}");
    // A marker on a city keeps its label off: the number stays readable.
    let on_houston = [MapPoint { number: 1, label: "On Houston", lat: 29.76, lon: -95.37 }];
    let marked = us_map_svg(None, &on_houston, Zoom::Country);
    assert!(!marked.contains(">Houston</text>"), "{marked}");
    // Zoomed on New York, a large city in view is labelled (New York itself lies under the origin's marker), and
    // nothing far away is.
    let zoomed = us_map_svg(Some(NEW_YORK), &[], Zoom::Fit);
    assert!(zoomed.contains(">Philadelphia</text>") && !zoomed.contains(">New York</text>"), "{zoomed}");
    assert!(!zoomed.contains(">Houston</text>"));
}

#[test]
fn map_pins_are_at_least_24_px_across_on_a_phone() {
    // A phone column of 358 CSS px shows the whole view width: a pin's diameter in view units scales by 358 / width.
    for zoom in [Zoom::Country, Zoom::Fit] {
        let svg = us_map_svg(Some(NEW_YORK), &clinics(), zoom);
        let width = viewbox(&svg)[2];
        let marker = &svg[svg.find("class=\"map-clinic\"").unwrap()..];
        let r: f64 = attribute_values(marker, "circle", "r")[0].parse().unwrap();
        assert!(2.0 * r * 358.0 / width >= 24.0, "{zoom:?}: r {r} in a view {width} wide");
    }
}

#[test]
fn map_labels_are_escaped() {
    let points = [MapPoint { number: 1, label: "<b>A&B \"Care\" 'x'\u{7}</b>", lat: 40.75, lon: -73.98 }];
    let svg = us_map_svg(None, &points, Zoom::Fit);
    assert_well_formed(&svg);
    assert!(svg.contains("<title>1. &lt;b&gt;A&amp;B &quot;Care&quot; &#39;x&#39;&lt;/b&gt;</title>"), "{svg}");
    assert!(!svg.contains("<b>"));
}

#[test]
fn map_fit_zooms_on_new_york_with_fewer_states() {
    let svg = us_map_svg(Some(NEW_YORK), &clinics(), Zoom::Fit);
    assert_well_formed(&svg);
    let view = viewbox(&svg);
    let [x, y, w, h] = view[..] else { panic!("four numbers") };
    assert!((MIN_FIT_WIDTH - 0.1..WIDTH / 2.0).contains(&w), "zoomed: {view:?}");
    assert!(((w / h) - WIDTH / HEIGHT).abs() < 0.01, "keeps the map's aspect ratio: {view:?}");
    let bbox = BBox { min_x: x, min_y: y, max_x: x + w, max_y: y + h };
    for point in clinics() {
        assert!(bbox.contains(project(point.lat, point.lon).unwrap()), "{} in view", point.label);
    }
    let drawn = attribute_values(&svg, "path", "d");
    assert!(drawn.len() < 51 && drawn.len() >= 3, "{} states", drawn.len());
    let has = |fips: &str| drawn.iter().any(|d| d == state(fips).path);
    assert!(has("36") && has("34"), "New York and New Jersey");
    assert!(!has("06"), "not California");
    assert!(svg.len() < us_map_svg(Some(NEW_YORK), &clinics(), Zoom::Country).len() / 3, "{} bytes", svg.len());
}

#[test]
fn map_fit_on_one_point_keeps_the_minimum_width_and_stays_on_the_map() {
    let lone = [MapPoint { number: 1, label: "Only", lat: 40.75, lon: -73.98 }];
    let w = viewbox(&us_map_svg(None, &lone, Zoom::Fit))[2];
    assert!((w - MIN_FIT_WIDTH).abs() < 0.1, "{w}");
    // Bangor is near the east edge: the view shifts left rather than showing empty space past the map.
    let view = viewbox(&us_map_svg(Some((44.8012, -68.7778)), &[], Zoom::Fit));
    assert!(view[0] + view[2] <= WIDTH + 0.1 && view[0] >= 0.0 && view[1] >= 0.0, "{view:?}");
    // Points across the country need the whole map.
    let spread = [
        MapPoint { number: 1, label: "East", lat: 40.75, lon: -73.98 },
        MapPoint { number: 2, label: "West", lat: 34.05, lon: -118.24 },
    ];
    assert_eq!(viewbox(&us_map_svg(None, &spread, Zoom::Fit)), vec![0.0, 0.0, WIDTH, HEIGHT]);
}

#[test]
fn map_origin_outside_the_us_gets_no_marker_and_no_panic() {
    let paris = (48.8566, 2.3522);
    for zoom in [Zoom::Country, Zoom::Fit] {
        let svg = us_map_svg(Some(paris), &[], zoom);
        assert_well_formed(&svg);
        assert!(!svg.contains("map-origin"));
        assert!(svg.contains("The search origin is outside the mapped area."));
        assert_eq!(viewbox(&svg), vec![0.0, 0.0, WIDTH, HEIGHT], "nothing to fit: the whole country");
        assert_eq!(svg.matches("<path").count(), 51);
    }
    let odd = [MapPoint { number: 0, label: "", lat: f64::NAN, lon: f64::INFINITY }];
    assert_well_formed(&us_map_svg(Some((f64::NAN, 0.0)), &odd, Zoom::Fit));
}

#[test]
fn map_full_view_stays_under_40_kb_and_is_deterministic() {
    let labels: Vec<String> = (1..=10).map(|i| format!("Clinic number {i} with a long name, {i}.5 mi")).collect();
    let points: Vec<MapPoint> = labels
        .iter()
        .enumerate()
        .map(|(i, label)| MapPoint { number: i + 1, label, lat: 30.0 + i as f64, lon: -120.0 + 4.0 * i as f64 })
        .collect();
    let svg = us_map_svg(Some(NEW_YORK), &points, Zoom::Country);
    assert!(svg.len() < 40 * 1024, "{} bytes", svg.len());
    assert_eq!(svg, us_map_svg(Some(NEW_YORK), &points, Zoom::Country));
    assert_eq!(svg.matches("class=\"map-clinic\"").count(), 10);
}

#[test]
fn map_numbers_are_short_and_rounded() {
    assert_eq!(num(12.0), "12");
    assert_eq!(num(12.04), "12");
    assert_eq!(num(12.06), "12.1");
    assert_eq!(num(-0.04), "0");
    assert_eq!(num(-3.25), "-3.3");
    assert_eq!(num(0.5), "0.5");
}
