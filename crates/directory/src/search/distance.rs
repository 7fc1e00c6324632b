//! Great-circle distance on the contract's sphere, and the chord bounds the index prunes with.
//!
//! Every distance a caller sees comes from [`haversine_km`] (or its precomputed twin [`GeoPoint::haversine`],
//! which performs the same floating-point operations in the same order, so both give identical bits).
//! Chord lengths between unit vectors only decide what can be skipped; they never decide order.

use crate::model::Position;

/// The sphere of the contract (DESIGN.md, "Clinic search"): the IUGG mean Earth radius.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Kilometres in an international mile: the one conversion behind every distance shown or served in miles.
pub const KM_PER_MILE: f64 = 1.609_344;

/// How far a computed chord (unit sphere) may lie from the chord of a computed haversine distance.
///
/// Haversine loses precision near antipodal points (about 1e-8 rad); chords of f64 unit vectors are
/// accurate to about 1e-15. The margin is generous because widening it costs only a few extra exact checks.
pub(crate) const CHORD_EPSILON: f64 = 1e-6;

/// Great-circle distance in kilometres between two positions (haversine formula).
pub fn haversine_km(a: Position, b: Position) -> f64 {
    GeoPoint::new(a).haversine(&GeoPoint::new(b))
}

/// A position with the trigonometry that the haversine formula and the unit vector need, computed once.
///
/// The haversine terms use the angle-difference identity, sin((b - a) / 2) = sin(b/2) cos(a/2) - cos(b/2) sin(a/2),
/// so that a distance costs a few multiplications, a square root and an arcsine instead of two more sines.
/// Its absolute error stays near 1e-16 rad (a nanometre) at every distance, as with the plain formula.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GeoPoint {
    sin_half_lat: f64,
    cos_half_lat: f64,
    sin_half_lon: f64,
    cos_half_lon: f64,
    cos_lat: f64,
}

impl GeoPoint {
    pub(crate) fn new(p: Position) -> Self {
        let lat = p.lat.to_radians();
        let lon = p.lon.to_radians();
        let (sin_half_lat, cos_half_lat) = (lat * 0.5).sin_cos();
        let (sin_half_lon, cos_half_lon) = (lon * 0.5).sin_cos();
        GeoPoint { sin_half_lat, cos_half_lat, sin_half_lon, cos_half_lon, cos_lat: lat.cos() }
    }

    /// The haversine distance in kilometres; symmetric bit for bit in its two arguments.
    #[inline]
    pub(crate) fn haversine(&self, other: &GeoPoint) -> f64 {
        let s_lat = other.sin_half_lat * self.cos_half_lat - other.cos_half_lat * self.sin_half_lat;
        let s_lon = other.sin_half_lon * self.cos_half_lon - other.cos_half_lon * self.sin_half_lon;
        let h = (s_lat * s_lat + self.cos_lat * other.cos_lat * (s_lon * s_lon)).clamp(0.0, 1.0);
        2.0 * EARTH_RADIUS_KM * h.sqrt().asin()
    }

    /// The point on the unit sphere.
    pub(crate) fn unit_vector(&self) -> [f64; 3] {
        // cos(lon) = cos²(lon/2) - sin²(lon/2) and sin(lon) = 2 sin(lon/2) cos(lon/2); the same for sin(lat).
        let (s, c) = (self.sin_half_lon, self.cos_half_lon);
        let (cos_lon, sin_lon) = (c * c - s * s, 2.0 * s * c);
        let sin_lat = 2.0 * self.sin_half_lat * self.cos_half_lat;
        [self.cos_lat * cos_lon, self.cos_lat * sin_lon, sin_lat]
    }
}

/// The chord length on the unit sphere that corresponds to a great-circle distance in kilometres.
pub(crate) fn chord_of_km(km: f64) -> f64 {
    let angle = (km / EARTH_RADIUS_KM).min(std::f64::consts::PI);
    2.0 * (angle * 0.5).sin()
}

/// Squared chord between two unit vectors.
#[inline]
pub(crate) fn chord2(a: &[f64; 3], b: &[f64; 3]) -> f64 {
    let dx = a[0] - b[0];
    let dy = a[1] - b[1];
    let dz = a[2] - b[2];
    dx * dx + dy * dy + dz * dz
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(lat: f64, lon: f64) -> Position {
        Position::new(lat, lon).unwrap()
    }

    #[test]
    fn known_distances() {
        // A quarter of the equator, and pole to pole, are exact fractions of the circumference.
        let quarter = haversine_km(pos(0.0, 0.0), pos(0.0, 90.0));
        assert!((quarter - EARTH_RADIUS_KM * std::f64::consts::FRAC_PI_2).abs() < 1e-9);
        let poles = haversine_km(pos(90.0, 0.0), pos(-90.0, 0.0));
        assert!((poles - EARTH_RADIUS_KM * std::f64::consts::PI).abs() < 1e-6);
        // The antimeridian is no seam: 0.2 degrees of longitude on the equator.
        let across = haversine_km(pos(0.0, 179.9), pos(0.0, -179.9));
        assert!((across - EARTH_RADIUS_KM * 0.2_f64.to_radians()).abs() < 1e-9);
        assert_eq!(haversine_km(pos(40.0, -73.0), pos(40.0, -73.0)), 0.0);
    }

    #[test]
    fn symmetric_bit_for_bit() {
        let (a, b) = (pos(40.7128, -74.006), pos(34.0522, -118.2437));
        assert_eq!(haversine_km(a, b).to_bits(), haversine_km(b, a).to_bits());
    }

    #[test]
    fn chord_matches_unit_vectors() {
        let (a, b) = (GeoPoint::new(pos(10.0, 20.0)), GeoPoint::new(pos(-35.0, 150.0)));
        let chord = chord2(&a.unit_vector(), &b.unit_vector()).sqrt();
        assert!((chord - chord_of_km(a.haversine(&b))).abs() < 1e-12);
    }

    #[test]
    fn short_distances_keep_their_precision() {
        // One metre north at several latitudes, on the antimeridian and next to the pole.
        for (lat, lon) in [(0.0, 0.0), (45.0, 179.999_999), (89.99, -180.0), (-60.0, 10.0)] {
            let d = haversine_km(pos(lat, lon), pos(lat + (0.001 / EARTH_RADIUS_KM).to_degrees(), lon));
            assert!((d - 0.001).abs() < 1e-9, "{lat},{lon}: {d}");
        }
    }
}
