//! The /find results map: an inline SVG of the US states (us-atlas 3.0.1, Census boundaries) with the search origin
//! and numbered clinic markers that match the numbered result list.
//!
//! The SVG carries no `style` attribute and no `<style>` element, so it passes a CSP without 'unsafe-inline'. Every
//! element has presentation attributes (fill, stroke) so it renders without the stylesheet, and classes
//! (`map-state`, `map-origin`, `map-clinic`) the site stylesheet may use to restyle it. Output is deterministic:
//! the same input gives the same bytes, with coordinates rounded to one decimal.

pub mod cities;
pub mod projection;
pub mod states;

#[cfg(test)]
mod tests;

use std::fmt::Write as _;

use ketapath_research::svg::escape;

use crate::i18n::{Lang, Tr};
use projection::{HEIGHT, WIDTH, project};
pub use states::{BBox, State, states};

/// One clinic to mark on the map.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MapPoint<'a> {
    /// The number the result list shows for this clinic; drawn inside the marker.
    pub number: usize,
    /// The marker's accessible title, for example `"Example Clinic, 4.2 mi"`: the caller puts the name and the
    /// distance in it, so the wording and units stay with the page. Escaped here.
    pub label: &'a str,
    pub lat: f64,
    pub lon: f64,
}

/// Which part of the country the map shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zoom {
    /// The whole 975 x 610 map: lower 48 with the Alaska and Hawaii insets.
    Country,
    /// A view fitted around the origin and the clinics with padding, never smaller than [`MIN_FIT_WIDTH`] pixels
    /// of the full map (about 590 km across), and only the states that reach into it. Falls back to the whole
    /// country when nothing can be placed or the fitted view would be larger than the map.
    Fit,
}

/// The narrowest fitted view in map pixels (1 px is about 4.9 km in the lower 48), so that a single clinic still
/// shows its surroundings rather than filling the frame.
pub const MIN_FIT_WIDTH: f64 = 120.0;
/// Padding around the fitted points, as a share of the larger side of their extent.
const FIT_PADDING: f64 = 0.15;
/// Marker radius as a share of the view width, so that markers keep the same size on screen at every zoom: on a
/// phone's 358 px wide column a pin is 25 px across (WCAG's 24 px target size), and its number 14 px high.
const MARKER_SHARE: f64 = 1.0 / 28.0;
/// City label size as a share of the view width: 12 px on a phone's column.
const CITY_TEXT_SHARE: f64 = 1.0 / 30.0;
/// At most this many cities are labelled, so that the labels orient without crowding the clinics.
const MAX_CITY_LABELS: usize = 6;
/// State border width as a share of the view width (one pixel on the whole map); never rounds below 0.1.
const STATE_BORDER_SHARE: f64 = 1.0 / 975.0;

/// Renders the map as one `<svg>` element, its words in English. `origin` is the search centre as (latitude,
/// longitude) in degrees.
///
/// Points outside the three mapped areas (d3.geoAlbersUsa: lower 48, Alaska, Hawaii) are left off the map and
/// counted as such in the description; an origin outside them is left off too. Never panics.
#[must_use]
pub fn us_map_svg(origin: Option<(f64, f64)>, points: &[MapPoint], zoom: Zoom) -> String {
    us_map_svg_in(origin, points, zoom, Lang::En.tr())
}

/// [`us_map_svg`] with its title and description in `t`'s language.
#[must_use]
pub fn us_map_svg_in(origin: Option<(f64, f64)>, points: &[MapPoint], zoom: Zoom, t: Tr) -> String {
    let origin_xy = origin.and_then(|(lat, lon)| project(lat, lon));
    let placed: Vec<(&MapPoint, (f64, f64))> =
        points.iter().filter_map(|p| project(p.lat, p.lon).map(|xy| (p, xy))).collect();
    let view = match zoom {
        Zoom::Country => full_view(),
        Zoom::Fit => fit_view(origin_xy.iter().copied().chain(placed.iter().map(|(_, xy)| *xy))),
    };
    let width = view.max_x - view.min_x;
    let radius = width * MARKER_SHARE;

    let mut svg = String::with_capacity(32 * 1024);
    // Writing to a String cannot fail, so the fmt::Result of each write! is ignored throughout.
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"map\" viewBox=\"{} {} {} {}\" role=\"img\" \
         aria-labelledby=\"map-title map-desc\">",
        num(view.min_x),
        num(view.min_y),
        num(width),
        num(view.max_y - view.min_y)
    );
    let title = t.m(if origin_xy.is_some() { "map-title-origin" } else { "map-title" });
    let _ = write!(svg, "<title id=\"map-title\">{}</title><desc id=\"map-desc\">", escape(&title));
    svg.push_str(&escape(&describe(origin, origin_xy.is_some(), points.len(), placed.len(), t)));
    svg.push_str("</desc>");

    // States: a shared group carries the look; each path keeps its class for the stylesheet. The border width
    // scales with the view like the markers do, which costs fewer bytes than a vector-effect on every path.
    let _ = write!(
        svg,
        "<g fill=\"#e9ecef\" stroke=\"#fff\" stroke-width=\"{}\" stroke-linejoin=\"round\">",
        num(width * STATE_BORDER_SHARE)
    );
    for state in states().iter().filter(|s| zoom == Zoom::Country || s.bbox.intersects(&view)) {
        // The path data is digits, spaces, '.', '-' and M/l/z only (checked by the tests), so it needs no escaping.
        let _ = write!(svg, "<path class=\"map-state\" d=\"{}\"/>", state.path);
    }
    svg.push_str("</g>");

    city_labels(&mut svg, &view, width, origin_xy.iter().copied().chain(placed.iter().map(|(_, xy)| *xy)));

    if let Some((x, y)) = origin_xy {
        let _ = write!(
            svg,
            "<g class=\"map-origin\" fill=\"#fff\" stroke=\"#0b57d0\" stroke-width=\"{}\"><title>{}</title>\
             <circle cx=\"{}\" cy=\"{}\" r=\"{}\"/></g>",
            num(radius * 0.4),
            escape(&t.m("map-origin")),
            num(x),
            num(y),
            num(radius * 0.7)
        );
    }

    if !placed.is_empty() {
        let _ = write!(
            svg,
            "<g fill=\"#b3261e\" stroke=\"#fff\" stroke-width=\"{}\" font-family=\"sans-serif\" font-size=\"{}\" \
             font-weight=\"bold\" text-anchor=\"middle\">",
            num(radius * 0.15),
            num(radius * 1.1)
        );
        // Drawn from the last number to the first so that the nearest clinics end up on top where markers overlap.
        for (point, (x, y)) in placed.iter().rev() {
            let _ = write!(
                svg,
                "<g class=\"map-clinic\"><title>{}. {}</title><circle cx=\"{}\" cy=\"{}\" r=\"{}\"/>\
                 <text x=\"{}\" y=\"{}\" dy=\".35em\" fill=\"#fff\" stroke=\"none\">{}</text></g>",
                point.number,
                escape(point.label),
                num(*x),
                num(*y),
                num(radius),
                num(*x),
                num(*y),
                point.number
            );
        }
        svg.push_str("</g>");
    }
    svg.push_str("</svg>");
    svg
}

/// Labels the largest cities in view, skipping any whose label would sit on a marker or another label. The text
/// has a white halo (`paint-order`) so it stays legible over state borders.
fn city_labels(svg: &mut String, view: &BBox, width: f64, markers: impl Iterator<Item = (f64, f64)>) {
    let size = width * CITY_TEXT_SHARE;
    let markers: Vec<(f64, f64)> = markers.collect();
    let clear = width * MARKER_SHARE * 1.5;
    let mut placed: Vec<(&cities::City, f64)> = Vec::new();
    for city in cities::largest() {
        if placed.len() == MAX_CITY_LABELS {
            break;
        }
        let (x, y) = city.xy;
        // The label runs right of the dot: about 0.55 em per character.
        let text_width = size * 0.55 * city.name.chars().count() as f64;
        let inside = x >= view.min_x && x + text_width <= view.max_x && y - size >= view.min_y && y <= view.max_y;
        let near_marker = markers
            .iter()
            .any(|(mx, my)| *mx + clear >= x && *mx - clear <= x + text_width && (*my - y).abs() <= clear + size / 2.0);
        let overlaps = placed.iter().any(|(other, w)| {
            let (px, py) = other.xy;
            x <= px + w && px <= x + text_width && (py - y).abs() < size * 1.3
        });
        if !inside || near_marker || overlaps {
            continue;
        }
        placed.push((city, text_width));
    }
    if placed.is_empty() {
        return;
    }
    let _ = write!(
        svg,
        "<g class=\"map-city\" fill=\"#1d2428\" font-family=\"sans-serif\" font-size=\"{}\" stroke=\"#fff\" \
         stroke-width=\"{}\" paint-order=\"stroke\" stroke-linejoin=\"round\">",
        num(size),
        num(size * 0.25)
    );
    for (city, _) in &placed {
        let (x, y) = city.xy;
        let _ = write!(
            svg,
            "<circle cx=\"{}\" cy=\"{}\" r=\"{}\"/><text x=\"{}\" y=\"{}\">{}</text>",
            num(x),
            num(y),
            num(size * 0.2),
            num(x + size * 0.35),
            num(y + size * 0.35),
            escape(city.name)
        );
    }
    svg.push_str("</g>");
}

/// The text of `<desc>`: where the origin is and how many clinics the map shows out of those listed, in `t`'s
/// language.
fn describe(origin: Option<(f64, f64)>, origin_shown: bool, listed: usize, shown: usize, t: Tr) -> String {
    let mut text = match origin {
        Some((lat, lon)) if origin_shown => {
            let at = format!(
                "{:.3}° {}, {:.3}° {}",
                lat.abs(),
                t.m(if lat < 0.0 { "map-south" } else { "map-north" }),
                lon.abs(),
                t.m(if lon < 0.0 { "map-west" } else { "map-east" })
            );
            t.a("map-origin-at", [("label", at)]) + " "
        }
        Some(_) => t.m("map-origin-outside") + " ",
        None => String::new(),
    };
    text.push_str(&t.n("map-shown", shown));
    if shown < listed {
        text.push(' ');
        text.push_str(&t.n("map-not-shown", listed - shown));
    }
    text
}

/// The whole map.
fn full_view() -> BBox {
    BBox { min_x: 0.0, min_y: 0.0, max_x: WIDTH, max_y: HEIGHT }
}

/// A view around the given pixels with padding, at least [`MIN_FIT_WIDTH`] wide, in the map's aspect ratio, moved
/// to stay within the map; the whole map when there is nothing to fit or the view would not be smaller than it.
fn fit_view(pixels: impl Iterator<Item = (f64, f64)>) -> BBox {
    let Some(extent) = pixels.fold(None, |acc: Option<BBox>, (x, y)| {
        Some(match acc {
            None => BBox { min_x: x, min_y: y, max_x: x, max_y: y },
            Some(b) => {
                BBox { min_x: b.min_x.min(x), min_y: b.min_y.min(y), max_x: b.max_x.max(x), max_y: b.max_y.max(y) }
            }
        })
    }) else {
        return full_view();
    };
    let aspect = WIDTH / HEIGHT;
    let (span_x, span_y) = (extent.max_x - extent.min_x, extent.max_y - extent.min_y);
    let pad = span_x.max(span_y) * FIT_PADDING;
    let mut width = (span_x + 2.0 * pad).max(MIN_FIT_WIDTH);
    let mut height = (span_y + 2.0 * pad).max(MIN_FIT_WIDTH / aspect);
    if width / height < aspect {
        width = height * aspect;
    } else {
        height = width / aspect;
    }
    if width >= WIDTH || height >= HEIGHT {
        return full_view();
    }
    let centre = ((extent.min_x + extent.max_x) / 2.0, (extent.min_y + extent.max_y) / 2.0);
    let min_x = (centre.0 - width / 2.0).clamp(0.0, WIDTH - width);
    let min_y = (centre.1 - height / 2.0).clamp(0.0, HEIGHT - height);
    BBox { min_x, min_y, max_x: min_x + width, max_y: min_y + height }
}

/// A coordinate rounded to one decimal in its shortest form (`12.0` → `12`, `-0.04` → `0`).
fn num(value: f64) -> String {
    let tenths = (value * 10.0).round();
    if tenths == 0.0 {
        return "0".to_owned();
    }
    if tenths % 10.0 == 0.0 { format!("{}", tenths / 10.0) } else { format!("{:.1}", tenths / 10.0) }
}
