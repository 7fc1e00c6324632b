//! Small-cell suppression: any figure about fewer than 11 patients is replaced by "< 11" wherever it can be seen
//! outside the clinic (registry pages, the directory, the API), so that no one can be singled out from a count.
//!
//! The threshold follows the common public-health rule (for example CMS's cell-size suppression policy: no cell of
//! 1 to 10); the issue fixes it at 11. It can be raised by configuration, never lowered.

use ketapath_clinical::{Confidence, InvalidInput, Rule};
use serde::{Serialize, Serializer};

pub static SMALL_CELL_SUPPRESSION: Rule = Rule {
    id: "research.small_cell_suppression",
    version: 1,
    summary: "Figures about fewer than 11 patients (configurable upwards only) are shown as \"< 11\" outside the \
              clinic",
    source: "directory-and-interop.md §d.5 (re-identification pitfalls of de-identified sets); CMS cell size \
             suppression policy (cells of 1 to 10 are not displayed)",
    confidence: Confidence::Secondary,
    configurable: true,
};

/// The smallest number of patients a shown cell may describe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Threshold(u64);

impl Threshold {
    pub const MIN: u64 = 11;

    /// A threshold of at least [`Self::MIN`]; lower values are refused, naming the field.
    pub fn new(patients: u64) -> Result<Self, InvalidInput> {
        if patients < Self::MIN {
            return Err(InvalidInput::new(
                "suppression_threshold",
                format!("must be at least {}; got {patients}", Self::MIN),
            ));
        }
        Ok(Self(patients))
    }

    pub fn get(self) -> u64 {
        self.0
    }
}

impl Default for Threshold {
    fn default() -> Self {
        Self(Self::MIN)
    }
}

/// Who will see a figure: the public (anyone outside the clinic, researchers included) or the clinic's own staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    Public {
        threshold: Threshold,
    },
    /// A clinic's staff looking at their own patients: nothing is suppressed.
    OwnClinic,
}

impl Default for Visibility {
    fn default() -> Self {
        Visibility::Public { threshold: Threshold::default() }
    }
}

impl Visibility {
    /// Wraps `value`, a figure about `patients` patients, for this audience.
    pub fn cell<T>(self, value: T, patients: u64) -> Suppressed<T> {
        match self {
            Visibility::Public { threshold } if patients < threshold.get() => {
                Suppressed::Suppressed { threshold: threshold.get() }
            }
            _ => Suppressed::Shown(value),
        }
    }

    /// The threshold below which figures are hidden; `None` for the clinic's own view.
    pub fn threshold(self) -> Option<u64> {
        match self {
            Visibility::Public { threshold } => Some(threshold.get()),
            Visibility::OwnClinic => None,
        }
    }
}

/// A figure that is either shown or suppressed. It serializes as the figure itself, or as the string `"< 11"`.
#[derive(Debug, Clone, PartialEq)]
pub enum Suppressed<T> {
    Shown(T),
    Suppressed { threshold: u64 },
}

impl<T> Suppressed<T> {
    pub fn shown(&self) -> Option<&T> {
        match self {
            Suppressed::Shown(value) => Some(value),
            Suppressed::Suppressed { .. } => None,
        }
    }

    pub fn is_suppressed(&self) -> bool {
        matches!(self, Suppressed::Suppressed { .. })
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Suppressed<U> {
        match self {
            Suppressed::Shown(value) => Suppressed::Shown(f(value)),
            Suppressed::Suppressed { threshold } => Suppressed::Suppressed { threshold },
        }
    }
}

impl<T: std::fmt::Display> std::fmt::Display for Suppressed<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Suppressed::Shown(value) => value.fmt(f),
            Suppressed::Suppressed { threshold } => write!(f, "< {threshold}"),
        }
    }
}

impl<T: Serialize> Serialize for Suppressed<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Suppressed::Shown(value) => value.serialize(serializer),
            Suppressed::Suppressed { threshold } => serializer.serialize_str(&format!("< {threshold}")),
        }
    }
}
