//! The d3.geoAlbersUsa projection, as us-atlas 3.0.1 pre-projected its boundaries, so that points placed on the map
//! land where the shipped state outlines put them.
//!
//! d3.geoAlbersUsa composes three Albers equal-area conic projections: the lower 48 states, Alaska at 0.35 of the
//! scale and Hawaii at full scale, each moved into an inset and clipped to a fixed rectangle. A point belongs to the
//! first projection whose rectangle contains it; anything outside all three (Paris, Puerto Rico, Mexico City) has no
//! place on the map. The constants are those of d3-geo 3.1 with `scale(1300).translate([487.5, 305])`, the call
//! us-atlas documents for its `*-albers-10m.json` files (a 975 x 610 viewport).

use std::f64::consts::PI;

/// The lower-48 scale us-atlas used; the insets derive their own from it.
pub const SCALE: f64 = 1300.0;
/// The translate us-atlas used: the centre of the 975 x 610 viewport.
pub const TRANSLATE: (f64, f64) = (487.5, 305.0);
/// Width of the projected viewport in pixels.
pub const WIDTH: f64 = 975.0;
/// Height of the projected viewport in pixels.
pub const HEIGHT: f64 = 610.0;

/// d3-geo's epsilon, which shrinks the inset clip rectangles so that their shared edges belong to neither inset.
const EPSILON: f64 = 1e-6;

/// One Albers equal-area conic projection with d3's rotate, center, scale and translate applied, clipped to a box.
struct Conic {
    /// The cone constant `n`: the mean of the sines of the two standard parallels.
    n: f64,
    /// `c = 1 + sin(φ0) (2n − sin(φ0))`, constant in the radius formula.
    c: f64,
    /// Radius of the first standard parallel, the origin of the raw y axis.
    r0: f64,
    /// d3's `rotate([λ, 0])`, in radians, added to every longitude.
    rotate: f64,
    /// The raw projection of d3's `center`, which is what `translate` then moves to the given pixel.
    center: (f64, f64),
    scale: f64,
    translate: (f64, f64),
    /// The clip rectangle: x0, y0, x1, y1 in pixels (inclusive, as in d3's clipRectangle).
    clip: (f64, f64, f64, f64),
}

impl Conic {
    /// Builds the projection from d3's parameters, all angles in degrees.
    fn new(
        parallels: (f64, f64),
        rotate: f64,
        center: (f64, f64),
        scale: f64,
        translate: (f64, f64),
        clip: (f64, f64, f64, f64),
    ) -> Self {
        let sin0 = parallels.0.to_radians().sin();
        let n = (sin0 + parallels.1.to_radians().sin()) / 2.0;
        let c = 1.0 + sin0 * (2.0 * n - sin0);
        let r0 = c.sqrt() / n;
        let mut conic = Self { n, c, r0, rotate: rotate.to_radians(), center: (0.0, 0.0), scale, translate, clip };
        // d3 projects the center with the raw projection alone (no rotation) and offsets every point by it.
        conic.center = conic.raw(center.0.to_radians(), center.1.to_radians());
        conic
    }

    /// The raw conic equal-area projection of a rotated longitude and a latitude, in radians, on the unit sphere.
    fn raw(&self, lambda: f64, phi: f64) -> (f64, f64) {
        // For latitudes in [-90°, 90°], c − 2n·sin(φ) = (1 − sin φ0)(1 − sin φ1) + 2n(1 − sin φ) ≥ 0, so the root
        // is real.
        let r = (self.c - 2.0 * self.n * phi.sin()).sqrt() / self.n;
        let angle = lambda * self.n;
        (r * angle.sin(), self.r0 - r * angle.cos())
    }

    /// Projects degrees to pixels, or None when the pixel falls outside this projection's clip rectangle.
    fn project(&self, lat: f64, lon: f64) -> Option<(f64, f64)> {
        let mut lambda = lon.to_radians() + self.rotate;
        // d3 wraps the rotated longitude back into [-π, π] once, which is enough for longitudes in [-180°, 180°].
        if lambda > PI {
            lambda -= 2.0 * PI;
        } else if lambda < -PI {
            lambda += 2.0 * PI;
        }
        let (x, y) = self.raw(lambda, lat.to_radians());
        let px = self.translate.0 + self.scale * (x - self.center.0);
        let py = self.translate.1 - self.scale * (y - self.center.1);
        let (x0, y0, x1, y1) = self.clip;
        (x0 <= px && px <= x1 && y0 <= py && py <= y1).then_some((px, py))
    }
}

/// The three projections of d3.geoAlbersUsa, tried in d3's order.
struct AlbersUsa {
    lower48: Conic,
    alaska: Conic,
    hawaii: Conic,
}

impl AlbersUsa {
    fn new(k: f64, (x, y): (f64, f64)) -> Self {
        Self {
            lower48: Conic::new(
                (29.5, 45.5),
                96.0,
                (-0.6, 38.7),
                k,
                (x, y),
                (x - 0.455 * k, y - 0.238 * k, x + 0.455 * k, y + 0.238 * k),
            ),
            // EPSG:3338.
            alaska: Conic::new(
                (55.0, 65.0),
                154.0,
                (-2.0, 58.5),
                k * 0.35,
                (x - 0.307 * k, y + 0.201 * k),
                (x - 0.425 * k + EPSILON, y + 0.120 * k + EPSILON, x - 0.214 * k - EPSILON, y + 0.234 * k - EPSILON),
            ),
            // ESRI:102007.
            hawaii: Conic::new(
                (8.0, 18.0),
                157.0,
                (-3.0, 19.9),
                k,
                (x - 0.205 * k, y + 0.212 * k),
                (x - 0.214 * k + EPSILON, y + 0.166 * k + EPSILON, x - 0.115 * k - EPSILON, y + 0.234 * k - EPSILON),
            ),
        }
    }

    fn project(&self, lat: f64, lon: f64) -> Option<(f64, f64)> {
        self.lower48
            .project(lat, lon)
            .or_else(|| self.alaska.project(lat, lon))
            .or_else(|| self.hawaii.project(lat, lon))
    }
}

/// Projects a WGS84 latitude and longitude (degrees) to the pixel on the us-atlas 975 x 610 map, or None when the
/// point lies outside the lower 48, Alaska and Hawaii areas or the coordinates are not a valid latitude/longitude.
#[must_use]
pub fn project(lat: f64, lon: f64) -> Option<(f64, f64)> {
    if !((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)) {
        return None;
    }
    static PROJECTION: std::sync::OnceLock<AlbersUsa> = std::sync::OnceLock::new();
    PROJECTION.get_or_init(|| AlbersUsa::new(SCALE, TRANSLATE)).project(lat, lon)
}
