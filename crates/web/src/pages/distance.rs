//! Distances as US readers expect them: miles first, kilometres after, one formatter for every public page.

use ketapath_directory::search::KM_PER_MILE;

/// "12.3 mi (19.8 km)": miles first, each to one decimal.
pub fn miles_first(km: f64) -> String {
    format!("{:.1} mi ({km:.1} km)", km / KM_PER_MILE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn miles_come_first_with_kilometres_after() {
        assert_eq!(miles_first(19.8), "12.3 mi (19.8 km)");
        assert_eq!(miles_first(16.09344), "10.0 mi (16.1 km)");
        assert_eq!(miles_first(0.0), "0.0 mi (0.0 km)");
    }
}
