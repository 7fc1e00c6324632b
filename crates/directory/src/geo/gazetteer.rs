//! The ZIP gazetteer: ZIP code to centroid and place name, and place name to position, from `data/us_zips.tsv`.
//!
//! The shipped file is embedded with `include_str!` and parsed once, on first use, into a table sorted by ZIP
//! (about 41,000 rows; see the `gazetteer_load` test for the measured time). Place names borrow from the
//! embedded text, so loading allocates only the table itself.

use std::collections::HashMap;
use std::sync::OnceLock;

use thiserror::Error;

use crate::model::Position;
use crate::zip::Zip;

const US_ZIPS_TSV: &str = include_str!("../../data/us_zips.tsv");
const HEADER: &str = "zip\tlat\tlon\tcity\tstate";

/// One ZIP code's centroid and place, as shipped.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ZipPlace {
    pub zip: Zip,
    pub position: Position,
    /// The GeoNames place name (`Columbus`).
    pub city: &'static str,
    /// The USPS state code (`OH`).
    pub state: &'static str,
}

/// A place found by name: where it is and how many ZIP codes it spans.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CityPlace {
    /// The place name as spelled in the data.
    pub city: &'static str,
    pub state: &'static str,
    /// The unweighted mean of the centroids of the place's ZIP codes.
    pub position: Position,
    pub zip_count: usize,
}

/// A gazetteer file that does not have the expected shape.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("ZIP data line {line}: {message}")]
pub struct GazetteerError {
    pub line: usize,
    pub message: String,
}

/// ZIP centroids and place names, sorted by ZIP.
#[derive(Debug)]
pub struct Gazetteer {
    places: Vec<ZipPlace>,
    /// Row indices by (upper-case state, lower-case place name), built on the first name lookup.
    by_city: OnceLock<HashMap<(&'static str, String), Vec<u32>>>,
}

impl Gazetteer {
    /// The gazetteer of the shipped `data/us_zips.tsv`, parsed on first use and shared afterwards.
    pub fn shipped() -> &'static Gazetteer {
        static SHIPPED: OnceLock<Gazetteer> = OnceLock::new();
        SHIPPED.get_or_init(|| {
            // The file is part of the binary and checked by this module's tests, so it cannot be malformed here.
            Gazetteer::from_tsv(US_ZIPS_TSV).expect("the embedded data/us_zips.tsv is well-formed (tested)")
        })
    }

    /// Parses a gazetteer in the shipped format: a `zip lat lon city state` header, then one tab-separated
    /// row per ZIP, sorted by ZIP without repeats.
    pub fn from_tsv(text: &'static str) -> Result<Gazetteer, GazetteerError> {
        let mut lines = text.lines();
        if lines.next() != Some(HEADER) {
            return Err(GazetteerError { line: 1, message: format!("the header must be {HEADER:?}") });
        }
        let mut places: Vec<ZipPlace> = Vec::with_capacity(text.len() / 34);
        for (index, line) in lines.enumerate() {
            let line_no = index + 2;
            let place = parse_row(line).map_err(|message| GazetteerError { line: line_no, message })?;
            if places.last().is_some_and(|last| last.zip >= place.zip) {
                return Err(GazetteerError {
                    line: line_no,
                    message: format!("ZIP {} is out of order or repeated", place.zip),
                });
            }
            places.push(place);
        }
        Ok(Gazetteer { places, by_city: OnceLock::new() })
    }

    /// Every ZIP place, sorted by ZIP.
    pub fn places(&self) -> &[ZipPlace] {
        &self.places
    }

    pub fn len(&self) -> usize {
        self.places.len()
    }

    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
    }

    /// The centroid and place of a ZIP code, if it is in the data.
    pub fn zip(&self, zip: &Zip) -> Option<ZipPlace> {
        self.places.binary_search_by(|p| p.zip.cmp(zip)).ok().map(|i| self.places[i])
    }

    /// Finds a place by name and state, ignoring case and surrounding spaces (`"springfield", "il"`).
    ///
    /// A place name usually spans several ZIP codes; the position returned is the unweighted mean of their
    /// centroids (places are small, so averaging degrees is accurate enough to rank clinics by distance).
    pub fn city(&self, name: &str, state: &str) -> Option<CityPlace> {
        let state = state.trim().to_ascii_uppercase();
        let key_state = super::USPS_CODES.iter().copied().find(|code| *code == state)?;
        let rows = self.city_index().get(&(key_state, name.trim().to_lowercase()))?;
        let first = self.places[*rows.first()? as usize];
        let n = rows.len() as f64;
        let (lat, lon) = rows.iter().fold((0.0, 0.0), |(lat, lon), &i| {
            let p = self.places[i as usize].position;
            (lat + p.lat, lon + p.lon)
        });
        Some(CityPlace {
            city: first.city,
            state: first.state,
            position: Position { lat: lat / n, lon: lon / n },
            zip_count: rows.len(),
        })
    }

    fn city_index(&self) -> &HashMap<(&'static str, String), Vec<u32>> {
        self.by_city.get_or_init(|| {
            let mut index: HashMap<(&'static str, String), Vec<u32>> = HashMap::new();
            for (i, place) in self.places.iter().enumerate() {
                // There are far fewer than 2^32 ZIP codes, so the index always fits.
                let i = u32::try_from(i).unwrap_or(u32::MAX);
                index.entry((place.state, place.city.to_lowercase())).or_default().push(i);
            }
            index
        })
    }
}

fn parse_row(line: &'static str) -> Result<ZipPlace, String> {
    let mut fields = line.split('\t');
    let mut next = |name: &str| fields.next().ok_or_else(|| format!("missing column {name}"));
    let (zip, lat, lon, city, state) = (next("zip")?, next("lat")?, next("lon")?, next("city")?, next("state")?);
    if fields.next().is_some() {
        return Err("more than 5 columns".to_owned());
    }
    let zip = Zip::parse(zip).map_err(|e| e.to_string())?;
    let lat: f64 = lat.parse().map_err(|_| format!("lat {lat:?} is not a number"))?;
    let lon: f64 = lon.parse().map_err(|_| format!("lon {lon:?} is not a number"))?;
    let position = Position::new(lat, lon)?;
    if !super::is_usps_code(state) {
        return Err(format!("state {state:?} is not a USPS code"));
    }
    if city.is_empty() {
        return Err("empty place name".to_owned());
    }
    Ok(ZipPlace { zip, position, city, state })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zip(s: &str) -> Zip {
        Zip::parse(s).unwrap()
    }

    #[test]
    fn shipped_data_loads_completely() {
        let g = Gazetteer::shipped();
        // data/README.md states the row count; a change to the data must update both.
        assert_eq!(g.len(), 40_979);
        assert_eq!(g.len(), US_ZIPS_TSV.lines().count() - 1);
        let p = g.zip(&zip("10001")).unwrap();
        assert_eq!((p.city, p.state), ("New York", "NY"));
        assert!((p.position.lat - 40.75).abs() < 0.05 && (p.position.lon + 73.99).abs() < 0.05, "{p:?}");
        assert!(g.zip(&zip("00000")).is_none());
    }

    #[test]
    fn city_lookup_is_case_insensitive_and_averages_zips() {
        let g = Gazetteer::shipped();
        let a = g.city("Springfield", "IL").unwrap();
        let b = g.city("  sPRINGFIELD ", "il").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.state, "IL");
        let zips: Vec<_> = g.places().iter().filter(|p| p.city == "Springfield" && p.state == "IL").collect();
        assert_eq!(a.zip_count, zips.len());
        assert!(zips.len() > 1, "Springfield, IL spans several ZIPs");
        let mean_lat = zips.iter().map(|p| p.position.lat).sum::<f64>() / zips.len() as f64;
        assert!((a.position.lat - mean_lat).abs() < 1e-9);
        // Springfield, MO is a different place.
        assert!((g.city("Springfield", "MO").unwrap().position.lon - a.position.lon).abs() > 1.0);
        assert!(g.city("Springfield", "ZZ").is_none());
        assert!(g.city("Nowhereville", "IL").is_none());
    }

    #[test]
    fn malformed_files_are_rejected_with_the_line() {
        assert_eq!(Gazetteer::from_tsv("zip\tlat\n").unwrap_err().line, 1);
        let unsorted =
            "zip\tlat\tlon\tcity\tstate\n10002\t40.7\t-73.9\tNew York\tNY\n10001\t40.7\t-73.9\tNew York\tNY\n";
        let err = Gazetteer::from_tsv(unsorted).unwrap_err();
        assert_eq!(err.line, 3);
        let bad_lat = "zip\tlat\tlon\tcity\tstate\n10001\t91\t-73.9\tNew York\tNY\n";
        assert!(Gazetteer::from_tsv(bad_lat).unwrap_err().message.contains("latitude 91"));
    }

    /// Measures the parse of the shipped file; run in release to check the 30 ms budget:
    /// `cargo test --release -p ketapath-directory gazetteer_load -- --nocapture`.
    #[test]
    fn gazetteer_load() {
        let runs = 5;
        let mut best = std::time::Duration::MAX;
        for _ in 0..runs {
            let start = std::time::Instant::now();
            let g = Gazetteer::from_tsv(US_ZIPS_TSV).unwrap();
            best = best.min(start.elapsed());
            assert_eq!(g.len(), 40_979);
        }
        eprintln!("gazetteer_load: best of {runs}: {:.2} ms", best.as_secs_f64() * 1e3);
    }
}
