//! The embedded states layer (us_states.tsv, produced by scripts/data/us_atlas.py), parsed once into outlines with
//! their bounding boxes so that a zoomed map can leave out the states it does not show.

use std::sync::OnceLock;

/// The checked-in layer: one line per state, `FIPS \t name \t SVG path d` in us-atlas's 975 x 610 pixel space.
const DATA: &str = include_str!("us_states.tsv");

/// An axis-aligned box in map pixels (y grows downwards, as in SVG).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BBox {
    pub min_x: f64,
    pub min_y: f64,
    pub max_x: f64,
    pub max_y: f64,
}

impl BBox {
    /// True when the two boxes overlap or touch.
    #[must_use]
    pub fn intersects(&self, other: &BBox) -> bool {
        self.min_x <= other.max_x && other.min_x <= self.max_x && self.min_y <= other.max_y && other.min_y <= self.max_y
    }

    /// True when the point lies inside the box or on its edge.
    #[must_use]
    pub fn contains(&self, (x, y): (f64, f64)) -> bool {
        self.min_x <= x && x <= self.max_x && self.min_y <= y && y <= self.max_y
    }
}

/// One state (or DC) outline.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    /// Two-digit Census FIPS code, for example `"36"` for New York.
    pub fips: &'static str,
    pub name: &'static str,
    /// SVG path data; plain ASCII numbers and the commands M, l and z, safe to place in an attribute unescaped.
    pub path: &'static str,
    pub bbox: BBox,
}

/// All 51 outlines (50 states and DC), sorted by FIPS code; parsed on first use.
///
/// The layer is a compile-time constant checked by the tests, so it always parses; were it ever broken, the map
/// would draw no states rather than take the page down.
#[must_use]
pub fn states() -> &'static [State] {
    static STATES: OnceLock<Vec<State>> = OnceLock::new();
    STATES.get_or_init(|| parse_layer(DATA).unwrap_or_default())
}

/// Parses the whole layer; the error names the line and what is wrong with it.
pub(crate) fn parse_layer(data: &'static str) -> Result<Vec<State>, String> {
    data.lines()
        .enumerate()
        .map(|(index, line)| {
            let mut fields = line.split('\t');
            let (Some(fips), Some(name), Some(path), None) =
                (fields.next(), fields.next(), fields.next(), fields.next())
            else {
                return Err(format!("us_states.tsv line {}: expected 3 tab-separated fields", index + 1));
            };
            let bbox = path_bbox(path).map_err(|why| format!("us_states.tsv line {} ({name}): {why}", index + 1))?;
            Ok(State { fips, name, path, bbox })
        })
        .collect()
}

/// The bounding box of path data in the layer's dialect: `M x y` starts a ring, `l dx dy ...` adds relative points,
/// `z` closes it. Numbers are separated by a space or by the minus sign that starts the next one.
fn path_bbox(path: &str) -> Result<BBox, String> {
    let mut bbox =
        BBox { min_x: f64::INFINITY, min_y: f64::INFINITY, max_x: f64::NEG_INFINITY, max_y: f64::NEG_INFINITY };
    let mut command = None;
    let mut pending: Option<f64> = None;
    let mut current = (0.0, 0.0);
    let mut rest = path;
    while let Some(c) = rest.chars().next() {
        match c {
            'M' | 'l' | 'z' => {
                if pending.is_some() {
                    return Err(format!("odd number of coordinates before '{c}'"));
                }
                command = Some(c);
                rest = &rest[1..];
            }
            ' ' => rest = &rest[1..],
            '-' | '0'..='9' | '.' => {
                let end = rest[1..].find(|ch: char| !(ch.is_ascii_digit() || ch == '.')).map_or(rest.len(), |i| i + 1);
                let value: f64 = rest[..end].parse().map_err(|_| format!("bad number {:?}", &rest[..end]))?;
                rest = &rest[end..];
                let Some(first) = pending.take() else {
                    pending = Some(value);
                    continue;
                };
                current = match command {
                    Some('M') => (first, value),
                    Some('l') => (current.0 + first, current.1 + value),
                    _ => return Err("coordinates outside an M or l command".to_owned()),
                };
                bbox.min_x = bbox.min_x.min(current.0);
                bbox.min_y = bbox.min_y.min(current.1);
                bbox.max_x = bbox.max_x.max(current.0);
                bbox.max_y = bbox.max_y.max(current.1);
            }
            other => return Err(format!("unexpected character {other:?}")),
        }
    }
    if pending.is_some() || !bbox.min_x.is_finite() {
        return Err("no complete coordinate pair".to_owned());
    }
    Ok(bbox)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_path_bbox_follows_absolute_moves_and_relative_lines() {
        let bbox = path_bbox("M10 20l5-3-1.5 10zM2 30l1 1z").unwrap();
        assert_eq!(bbox, BBox { min_x: 2.0, min_y: 17.0, max_x: 15.0, max_y: 31.0 });
    }

    #[test]
    fn map_path_bbox_rejects_broken_data() {
        assert!(path_bbox("").is_err());
        assert!(path_bbox("M1 2 3z").is_err());
        assert!(path_bbox("M1 2L3 4").is_err());
        assert!(path_bbox("M1 2l3 x").is_err());
        assert!(path_bbox("1 2").is_err());
        assert!(parse_layer("01\tAlabama").is_err());
    }

    #[test]
    fn map_embedded_layer_has_51_distinct_states_inside_the_viewport() {
        let parsed = parse_layer(DATA).unwrap();
        assert_eq!(parsed.len(), 51);
        assert_eq!(states(), parsed.as_slice());
        let mut fips: Vec<&str> = parsed.iter().map(|s| s.fips).collect();
        fips.dedup();
        assert_eq!(fips.len(), 51, "FIPS codes are sorted and unique");
        for state in &parsed {
            let b = state.bbox;
            // Inside the 975 x 610 viewport, but for the Aleutian ring that reaches a few pixels past its left edge
            // (d3's Alaska inset clips at x = -65; the script drops the islands wholly outside the viewport).
            let margin = if state.fips == "02" { 10.0 } else { 0.0 };
            let inside = b.min_x >= -margin && b.max_x <= 975.0 && b.min_y >= 0.0 && b.max_y <= 610.0;
            assert!(inside, "{}: {b:?}", state.name);
            assert!(!state.path.contains(['"', '<', '&']), "{} path is attribute-safe", state.name);
        }
    }
}
