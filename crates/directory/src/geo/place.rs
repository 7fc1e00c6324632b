//! A place a person types to search near: a ZIP code, "City, ST", or "lat,lon", resolved against the gazetteer.

use thiserror::Error;

use super::gazetteer::Gazetteer;
use super::states::is_usps_code;
use crate::model::Position;
use crate::zip::{Zip, ZipError};

/// A search origin as typed, before it is resolved to a position.
#[derive(Debug, Clone, PartialEq)]
pub enum Place {
    Zip(Zip),
    City { name: String, state: String },
    Coordinates(Position),
}

/// Why a typed place cannot be used. Every variant says what was typed; none falls back to a default location.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum PlaceError {
    #[error("empty place: give a ZIP code (12345), \"City, ST\" or \"lat,lon\"")]
    Empty,
    #[error(transparent)]
    Zip(#[from] ZipError),
    #[error("ZIP {0} is not in the shipped ZIP data")]
    UnknownZip(Zip),
    #[error("{0}")]
    Coordinates(String),
    #[error("state {0:?} is not a USPS state or territory code (such as OH)")]
    State(String),
    #[error("no place named {name:?} in {state} in the shipped ZIP data")]
    UnknownCity { name: String, state: String },
    #[error("cannot read {0:?} as a place: give a ZIP code (12345), \"City, ST\" or \"lat,lon\"")]
    Unrecognized(String),
}

impl Place {
    /// Reads `12345` (or ZIP+4), `City, ST` or `lat,lon`. Input of digits and dashes only is a ZIP code; input
    /// with a comma whose two sides are numbers is coordinates; any other input with a comma is a place name.
    pub fn parse(input: &str) -> Result<Place, PlaceError> {
        let input = input.trim();
        if input.is_empty() {
            return Err(PlaceError::Empty);
        }
        if input.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
            return Ok(Place::Zip(Zip::parse(input)?));
        }
        let Some((left, right)) = input.split_once(',') else {
            return Err(PlaceError::Unrecognized(input.to_owned()));
        };
        let (left, right) = (left.trim(), right.trim());
        if let (Ok(lat), Ok(lon)) = (left.parse::<f64>(), right.parse::<f64>()) {
            return Position::new(lat, lon).map(Place::Coordinates).map_err(PlaceError::Coordinates);
        }
        let state = right.to_ascii_uppercase();
        if left.is_empty() || right.contains(',') {
            return Err(PlaceError::Unrecognized(input.to_owned()));
        }
        if !is_usps_code(&state) {
            return Err(PlaceError::State(right.to_owned()));
        }
        Ok(Place::City { name: left.to_owned(), state })
    }

    /// The position of this place: the ZIP or place centroid from the shipped data, or the coordinates given.
    pub fn resolve(&self, gazetteer: &Gazetteer) -> Result<Position, PlaceError> {
        match self {
            Place::Zip(zip) => gazetteer.zip(zip).map(|p| p.position).ok_or(PlaceError::UnknownZip(*zip)),
            Place::City { name, state } => gazetteer
                .city(name, state)
                .map(|c| c.position)
                .ok_or_else(|| PlaceError::UnknownCity { name: name.clone(), state: state.clone() }),
            Place::Coordinates(position) => Ok(*position),
        }
    }

    /// [`Place::parse`] then [`Place::resolve`].
    pub fn locate(input: &str, gazetteer: &Gazetteer) -> Result<Position, PlaceError> {
        Place::parse(input)?.resolve(gazetteer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g() -> &'static Gazetteer {
        Gazetteer::shipped()
    }

    #[test]
    fn zip_city_and_coordinates_resolve() {
        let by_zip = Place::locate("43215", g()).unwrap();
        assert_eq!(by_zip, g().zip(&Zip::parse("43215").unwrap()).unwrap().position);
        assert_eq!(Place::locate("43215-1234", g()).unwrap(), by_zip);
        let by_city = Place::locate("columbus, oh", g()).unwrap();
        assert!((by_city.lat - 39.96).abs() < 0.3 && (by_city.lon + 83.0).abs() < 0.3, "{by_city:?}");
        assert_eq!(Place::locate(" 40.75 , -73.99 ", g()).unwrap(), Position { lat: 40.75, lon: -73.99 });
    }

    #[test]
    fn failures_name_the_input() {
        assert_eq!(Place::locate("00000", g()).unwrap_err().to_string(), "ZIP 00000 is not in the shipped ZIP data");
        assert!(Place::locate("1234", g()).unwrap_err().to_string().contains("\"1234\""));
        assert!(Place::locate("91,0", g()).unwrap_err().to_string().contains("latitude 91"));
        assert!(Place::locate("Springfield, ZZ", g()).unwrap_err().to_string().contains("\"ZZ\""));
        assert_eq!(
            Place::locate("Atlantis, OH", g()).unwrap_err().to_string(),
            "no place named \"Atlantis\" in OH in the shipped ZIP data"
        );
        assert_eq!(Place::locate("  ", g()).unwrap_err(), PlaceError::Empty);
        assert!(matches!(Place::locate("Columbus", g()), Err(PlaceError::Unrecognized(_))));
        assert!(matches!(Place::locate("a, b, c", g()), Err(PlaceError::Unrecognized(_))));
    }
}
