//! The largest cities to label on the map, from the shipped ZIP gazetteer (GeoNames): a city's size is taken as
//! the number of ZIP codes it spans, which ranks New York, Houston, Los Angeles and Chicago first without shipping
//! population figures. Computed once, on first use.

use std::collections::HashMap;
use std::sync::OnceLock;

use ketapath_directory::Gazetteer;

use super::projection::project;

/// How many of the largest cities are candidates for a label.
const CANDIDATES: usize = 60;

/// One city that may be labelled: its name and its position in map pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct City {
    pub name: &'static str,
    pub zip_count: usize,
    pub xy: (f64, f64),
}

/// The largest cities inside the mapped area, largest first (ties by name, so the order is deterministic).
pub fn largest() -> &'static [City] {
    static CITIES: OnceLock<Vec<City>> = OnceLock::new();
    CITIES.get_or_init(|| {
        let mut sums: HashMap<(&'static str, &'static str), (f64, f64, usize)> = HashMap::new();
        for place in Gazetteer::shipped().places() {
            let entry = sums.entry((place.state, place.city)).or_insert((0.0, 0.0, 0));
            entry.0 += place.position.lat;
            entry.1 += place.position.lon;
            entry.2 += 1;
        }
        let mut cities: Vec<City> = sums
            .into_iter()
            .filter_map(|((_, name), (lat, lon, n))| {
                let count = n as f64;
                project(lat / count, lon / count).map(|xy| City { name, zip_count: n, xy })
            })
            .collect();
        cities.sort_by(|a, b| b.zip_count.cmp(&a.zip_count).then_with(|| a.name.cmp(b.name)));
        cities.truncate(CANDIDATES);
        cities
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_the_largest_cities_come_first() {
        let names: Vec<&str> = largest().iter().take(12).map(|c| c.name).collect();
        for big in ["New York", "Houston", "Los Angeles", "Chicago"] {
            assert!(names.contains(&big), "{big} among the largest: {names:?}");
        }
        assert_eq!(largest().len(), CANDIDATES);
    }
}
