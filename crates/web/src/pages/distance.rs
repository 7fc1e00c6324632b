//! Distances as public pages show them: miles first, for readers in the United States, with kilometres beside.

use crate::pages::find::labels::KM_PER_MILE;

/// "12.3 mi (19.8 km)" for a great-circle distance in kilometres.
pub fn miles_first(km: f64) -> String {
    format!("{:.1} mi ({km:.1} km)", km / KM_PER_MILE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn miles_come_first_with_kilometres_beside() {
        assert_eq!(miles_first(19.8), "12.3 mi (19.8 km)");
        assert_eq!(miles_first(0.0), "0.0 mi (0.0 km)");
    }
}
