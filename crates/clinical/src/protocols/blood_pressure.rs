//! A checked blood-pressure reading: both numbers present, each plausible, systolic above diastolic.

use serde::{Deserialize, Serialize};

use crate::error::InvalidInput;

/// Plausible systolic readings in mmHg. Wide on purpose: a reading in a crisis must still be recordable.
pub const SYSTOLIC_RANGE: std::ops::RangeInclusive<u16> = 40..=300;
/// Plausible diastolic readings in mmHg.
pub const DIASTOLIC_RANGE: std::ops::RangeInclusive<u16> = 20..=200;

/// A blood-pressure reading in mmHg.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "BloodPressureInput")]
pub struct BloodPressure {
    systolic: u16,
    diastolic: u16,
}

/// The raw form of a reading, as JSON carries it.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
struct BloodPressureInput {
    systolic: u16,
    diastolic: u16,
}

impl TryFrom<BloodPressureInput> for BloodPressure {
    type Error = InvalidInput;

    fn try_from(input: BloodPressureInput) -> Result<Self, Self::Error> {
        BloodPressure::new(input.systolic, input.diastolic)
    }
}

impl BloodPressure {
    /// Checks a reading; the error names `systolic` or `diastolic`.
    pub fn new(systolic: u16, diastolic: u16) -> Result<Self, InvalidInput> {
        if !SYSTOLIC_RANGE.contains(&systolic) {
            return Err(InvalidInput::new(
                "systolic",
                format!("must be from {} to {} mmHg; got {systolic}", SYSTOLIC_RANGE.start(), SYSTOLIC_RANGE.end()),
            ));
        }
        if !DIASTOLIC_RANGE.contains(&diastolic) {
            return Err(InvalidInput::new(
                "diastolic",
                format!("must be from {} to {} mmHg; got {diastolic}", DIASTOLIC_RANGE.start(), DIASTOLIC_RANGE.end()),
            ));
        }
        if diastolic >= systolic {
            return Err(InvalidInput::new(
                "diastolic",
                format!("must be below the systolic value; got {systolic}/{diastolic}"),
            ));
        }
        Ok(Self { systolic, diastolic })
    }

    pub fn systolic(self) -> u16 {
        self.systolic
    }

    pub fn diastolic(self) -> u16 {
        self.diastolic
    }
}

impl std::fmt::Display for BloodPressure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{} mmHg", self.systolic, self.diastolic)
    }
}
