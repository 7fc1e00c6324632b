//! The `alerts` section of the protocol settings: the thresholds of the alerts raised while the patient is in the
//! chair, each with the floor a clinic may not cross (`clinical.md` §8.2, §8.3, §2.5).
//!
//! A clinic may always be stricter (alert earlier, recheck sooner); it may never be laxer than the floor, because
//! an alert threshold that can be moved past the danger it names is no alert at all.

use serde::{Deserialize, Serialize};

use super::settings::floor;
use crate::error::InvalidInput;

/// The alert thresholds of a clinic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AlertSettings {
    /// An SpO2 below this percentage raises `spo2_low` (urgent; emergency below the 90 % floor).
    pub spo2_below: u8,
    /// A MOAA/S at or below this score raises `unresponsive` (emergency).
    pub unresponsive_moaas_at_or_below: u8,
    /// A post-dose systolic pressure at or above this raises `hypertensive_crisis_range`.
    pub crisis_systolic: u16,
    /// A post-dose diastolic pressure at or above this raises `hypertensive_crisis_range`.
    pub crisis_diastolic: u16,
    /// Minutes after a reading in the crisis range by which the blood pressure is measured again.
    pub crisis_recheck_minutes: u32,
    /// Minutes after a post-dose reading above the pre-dose gate by which the blood pressure is measured again.
    pub above_gate_recheck_minutes: u32,
    /// A post-dose CADSS total above this (and above the pre-dose total) raises `dissociation`.
    pub dissociation_cadss_above: u16,
}

impl Default for AlertSettings {
    fn default() -> Self {
        Self {
            spo2_below: 92,
            unresponsive_moaas_at_or_below: 1,
            crisis_systolic: 180,
            crisis_diastolic: 120,
            crisis_recheck_minutes: 5,
            above_gate_recheck_minutes: 15,
            dissociation_cadss_above: 4,
        }
    }
}

/// One limit of an alert setting: the field and the range a clinic may choose from. Why the floor is where it is,
/// in words and with its source, is the setting's row in the settings' one floor table (`settings::FLOORS`), so
/// that the settings page and the refusal read the same text for alerts as for discharge criteria.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlertLimit {
    pub name: &'static str,
    /// The laxest value allowed (the floor) and the strictest that still makes sense.
    pub lowest: u32,
    pub highest: u32,
}

/// The SpO2 below which a reading is hypoxaemia and always an emergency alert (`clinical.md` §8.3).
pub const SPO2_FLOOR: u8 = 90;

/// The limits of every alert setting, in the order of [`AlertSettings`].
pub const LIMITS: [AlertLimit; 7] = [
    AlertLimit { name: "alerts.spo2_below", lowest: SPO2_FLOOR as u32, highest: 100 },
    AlertLimit { name: "alerts.unresponsive_moaas_at_or_below", lowest: 1, highest: 4 },
    AlertLimit { name: "alerts.crisis_systolic", lowest: 140, highest: 180 },
    AlertLimit { name: "alerts.crisis_diastolic", lowest: 90, highest: 120 },
    AlertLimit { name: "alerts.crisis_recheck_minutes", lowest: 1, highest: 5 },
    AlertLimit { name: "alerts.above_gate_recheck_minutes", lowest: 5, highest: 30 },
    AlertLimit { name: "alerts.dissociation_cadss_above", lowest: 0, highest: 4 },
];

impl AlertSettings {
    fn values(&self) -> [u32; 7] {
        [
            u32::from(self.spo2_below),
            u32::from(self.unresponsive_moaas_at_or_below),
            u32::from(self.crisis_systolic),
            u32::from(self.crisis_diastolic),
            self.crisis_recheck_minutes,
            self.above_gate_recheck_minutes,
            u32::from(self.dissociation_cadss_above),
        ]
    }
}

/// Refuses a value that crosses its floor (or leaves the range that makes sense), naming the field.
pub(crate) fn check(settings: &AlertSettings) -> Result<(), InvalidInput> {
    for (limit, value) in LIMITS.iter().zip(settings.values()) {
        if value < limit.lowest || value > limit.highest {
            let why = floor(limit.name).map(|f| format!(" ({}; {})", f.limit, f.source)).unwrap_or_default();
            return Err(InvalidInput::new(
                limit.name,
                format!(
                    "must be from {} to {}{why}; got {value}; a clinic may be stricter, not laxer",
                    limit.lowest, limit.highest
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A change to the defaults and the field its refusal must name.
    type Case = (fn(&mut AlertSettings), &'static str);

    #[test]
    fn defaults_pass_and_each_floor_is_refused_by_name() {
        assert!(check(&AlertSettings::default()).is_ok());
        let cases: [Case; 7] = [
            (|a| a.spo2_below = 89, "alerts.spo2_below"),
            (|a| a.unresponsive_moaas_at_or_below = 0, "alerts.unresponsive_moaas_at_or_below"),
            (|a| a.crisis_systolic = 181, "alerts.crisis_systolic"),
            (|a| a.crisis_diastolic = 121, "alerts.crisis_diastolic"),
            (|a| a.crisis_recheck_minutes = 6, "alerts.crisis_recheck_minutes"),
            (|a| a.above_gate_recheck_minutes = 31, "alerts.above_gate_recheck_minutes"),
            (|a| a.dissociation_cadss_above = 5, "alerts.dissociation_cadss_above"),
        ];
        for (change, field) in cases {
            let mut settings = AlertSettings::default();
            change(&mut settings);
            assert_eq!(check(&settings).unwrap_err().field, field);
        }
    }

    #[test]
    fn a_clinic_may_be_stricter() {
        let stricter = AlertSettings {
            spo2_below: 95,
            unresponsive_moaas_at_or_below: 2,
            crisis_systolic: 170,
            crisis_diastolic: 110,
            crisis_recheck_minutes: 2,
            above_gate_recheck_minutes: 10,
            dissociation_cadss_above: 2,
        };
        assert!(check(&stricter).is_ok());
        assert!(check(&AlertSettings { spo2_below: 90, ..AlertSettings::default() }).is_ok());
    }
}
