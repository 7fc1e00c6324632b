//! One timed observation during a session: blood pressure, heart rate, SpO2, MOAA/S and CADSS, each optional.
//!
//! The portal records whatever was measured at a moment; the monitoring and discharge rules read the latest
//! value of each measure. Values are checked on the way in, so the rules never see a MOAA/S of 9.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::blood_pressure::BloodPressure;
use crate::error::InvalidInput;

/// A recorded observation, as JSON carries it: `at` is required, every measure optional, and a blood pressure
/// needs both of its numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObservationRecord {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    #[serde(default)]
    pub systolic: Option<u16>,
    #[serde(default)]
    pub diastolic: Option<u16>,
    #[serde(default)]
    pub heart_rate: Option<u16>,
    #[serde(default)]
    pub spo2: Option<u8>,
    #[serde(default)]
    pub moaas: Option<u8>,
    #[serde(default)]
    pub cadss: Option<u16>,
}

/// A checked observation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ObservationRecord", into = "ObservationRecord")]
pub struct Observation {
    at: OffsetDateTime,
    blood_pressure: Option<BloodPressure>,
    heart_rate: Option<u16>,
    spo2: Option<u8>,
    moaas: Option<u8>,
    cadss: Option<u16>,
}

fn checked<T: PartialOrd + std::fmt::Display + Copy>(
    field: &str,
    value: T,
    min: T,
    max: T,
    unit: &str,
) -> Result<T, InvalidInput> {
    if value < min || value > max {
        return Err(InvalidInput::new(field, format!("must be from {min} to {max}{unit}; got {value}")));
    }
    Ok(value)
}

impl Observation {
    /// An observation at `at` with nothing measured yet; add measures with the `with_*` methods.
    pub fn at(at: OffsetDateTime) -> Self {
        Self { at, blood_pressure: None, heart_rate: None, spo2: None, moaas: None, cadss: None }
    }

    pub fn with_blood_pressure(mut self, systolic: u16, diastolic: u16) -> Result<Self, InvalidInput> {
        self.blood_pressure = Some(BloodPressure::new(systolic, diastolic)?);
        Ok(self)
    }

    pub fn with_heart_rate(mut self, beats_per_minute: u16) -> Result<Self, InvalidInput> {
        self.heart_rate = Some(checked("heart_rate", beats_per_minute, 20, 300, " beats/min")?);
        Ok(self)
    }

    pub fn with_spo2(mut self, percent: u8) -> Result<Self, InvalidInput> {
        self.spo2 = Some(checked("spo2", percent, 0, 100, " %")?);
        Ok(self)
    }

    /// MOAA/S score, 0 (no response to a painful stimulus) to 5 (alert) (`clinical.md` §2.6).
    pub fn with_moaas(mut self, score: u8) -> Result<Self, InvalidInput> {
        self.moaas = Some(checked("moaas", score, 0, 5, "")?);
        Ok(self)
    }

    /// CADSS total of the 23-item subjective version, 0 to 92 (`clinical.md` §2.5).
    pub fn with_cadss(mut self, total: u16) -> Result<Self, InvalidInput> {
        self.cadss = Some(checked("cadss", total, 0, 92, "")?);
        Ok(self)
    }

    pub fn time(&self) -> OffsetDateTime {
        self.at
    }

    pub fn blood_pressure(&self) -> Option<BloodPressure> {
        self.blood_pressure
    }

    pub fn heart_rate(&self) -> Option<u16> {
        self.heart_rate
    }

    pub fn spo2(&self) -> Option<u8> {
        self.spo2
    }

    pub fn moaas(&self) -> Option<u8> {
        self.moaas
    }

    pub fn cadss(&self) -> Option<u16> {
        self.cadss
    }
}

impl TryFrom<ObservationRecord> for Observation {
    type Error = InvalidInput;

    fn try_from(r: ObservationRecord) -> Result<Self, Self::Error> {
        let mut observation = Observation::at(r.at);
        observation = match (r.systolic, r.diastolic) {
            (Some(systolic), Some(diastolic)) => observation.with_blood_pressure(systolic, diastolic)?,
            (None, None) => observation,
            (Some(_), None) => return Err(InvalidInput::new("diastolic", "is required with systolic")),
            (None, Some(_)) => return Err(InvalidInput::new("systolic", "is required with diastolic")),
        };
        if let Some(v) = r.heart_rate {
            observation = observation.with_heart_rate(v)?;
        }
        if let Some(v) = r.spo2 {
            observation = observation.with_spo2(v)?;
        }
        if let Some(v) = r.moaas {
            observation = observation.with_moaas(v)?;
        }
        if let Some(v) = r.cadss {
            observation = observation.with_cadss(v)?;
        }
        Ok(observation)
    }
}

impl From<Observation> for ObservationRecord {
    fn from(o: Observation) -> Self {
        ObservationRecord {
            at: o.at,
            systolic: o.blood_pressure.map(BloodPressure::systolic),
            diastolic: o.blood_pressure.map(BloodPressure::diastolic),
            heart_rate: o.heart_rate,
            spo2: o.spo2,
            moaas: o.moaas,
            cadss: o.cadss,
        }
    }
}

/// Checks a list of records; an error names the record (`observations[2].spo2`).
pub fn parse_observations(records: &[ObservationRecord]) -> Result<Vec<Observation>, InvalidInput> {
    records
        .iter()
        .enumerate()
        .map(|(i, r)| Observation::try_from(*r).map_err(|e| e.within(&format!("observations[{i}]"))))
        .collect()
}

/// The latest value of a measure at or before `at`, with its time. Observations may come in any order;
/// of two at the same moment, the later in the list wins, as a correction is recorded after the original.
pub fn latest<T>(
    observations: &[Observation],
    at: OffsetDateTime,
    value: impl Fn(&Observation) -> Option<T>,
) -> Option<(OffsetDateTime, T)> {
    let mut found: Option<(OffsetDateTime, T)> = None;
    for o in observations.iter().filter(|o| o.at <= at) {
        if let Some(v) = value(o)
            && found.as_ref().is_none_or(|(t, _)| o.at >= *t)
        {
            found = Some((o.at, v));
        }
    }
    found
}
