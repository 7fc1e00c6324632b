//! Esketamine nasal spray doses and devices: how many 28 mg devices a dose takes, when each is given,
//! whether the dose may be given at this point of the course (the benefit review at the end of the induction),
//! and the lot number the REMS form records.

use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime};

use super::settings::ProtocolSettings;
use crate::error::InvalidInput;
use crate::rule::{Confidence, Rule, RuleRef};

pub static DEVICES_RULE: Rule = Rule {
    id: "protocols.esketamine.devices",
    version: 1,
    summary: "Each device delivers 28 mg (one spray per nostril, not primed); 56 mg = 2 devices, 84 mg = 3 devices, \
              5 minutes between devices; for TRD, 84 mg only after an initial 56 mg starting dose",
    source: "clinical.md §3.2 (spravatohcp.com dosing page; Mayo Clinic proper-use page)",
    confidence: Confidence::Confirmed,
    configurable: false,
};

pub static START_28MG_RULE: Rule = Rule {
    id: "protocols.esketamine.start_28mg",
    version: 1,
    summary: "A 28 mg dose (one device) is accepted only when the clinic enables it, for patients 65 and over as in \
              non-US labelling; US geriatric dosing is unverified",
    source: "clinical.md §3.2 (MIMS Hong Kong: elderly starting day 1 dose 28 mg [C for HK]; US label [U])",
    confidence: Confidence::Unverified,
    configurable: true,
};

pub static MDSI_RULE: Rule = Rule {
    id: "protocols.esketamine.mdsi",
    version: 1,
    summary: "MDD with acute suicidal ideation or behaviour: 84 mg twice weekly for 4 weeks, may be reduced to 56 mg \
              for tolerability; treatment beyond 4 weeks has not been systematically evaluated",
    source: "clinical.md §3.2 (spravatohcp.com MDSI dosing and administration)",
    confidence: Confidence::Confirmed,
    configurable: false,
};

pub static BENEFIT_REVIEW_RULE: Rule = Rule {
    id: "protocols.esketamine.benefit_review",
    version: 1,
    summary: "Esketamine: a new course plans only the 4-week induction; from 28 days after the course's first dose, no \
              session is started or dosed until a prescriber has recorded a benefit review that decides to continue \
              (stop ends the course); for MDSI, continuing beyond 4 weeks is shown as not systematically evaluated",
    source: "clinical.md §8.6 (SPRAVATO label: evaluate evidence of therapeutic benefit at the end of the induction \
             phase; MDSI use beyond 4 weeks not systematically evaluated)",
    confidence: Confidence::Confirmed,
    configurable: false,
};

/// Days from the first dose of a course to the end of its induction (weeks 1-4, `clinical.md` §8.6).
pub const INDUCTION_DAYS: i64 = 28;

/// The warning shown when an MDSI course continues after its 4 weeks (`clinical.md` §8.6).
pub const MDSI_BEYOND_FOUR_WEEKS: &str = "Use of esketamine beyond 4 weeks for MDD with acute suicidal ideation or \
     behaviour has not been systematically evaluated (SPRAVATO label); the prescriber's review decides.";

/// The last day of the induction that begins on `first_dose_on`; from the next day a benefit review is needed.
pub fn induction_last_day(first_dose_on: Date) -> Option<Date> {
    first_dose_on.checked_add(Duration::days(INDUCTION_DAYS - 1))
}

/// Whether a session or dose on `on` falls after the induction of a course whose first dose was on
/// `first_dose_on`; a course without a dose is still in its induction.
pub fn after_induction(first_dose_on: Option<Date>, on: Date) -> bool {
    first_dose_on.and_then(induction_last_day).is_some_and(|last| on > last)
}

/// What the benefit review decides for a session on `on`: `Ok(warnings)` when the session may go ahead, with the
/// MDSI warning when it continues beyond the 4 weeks, or `Err(message)` when a review deciding to continue is
/// needed first. `continued` is whether the latest review decided to continue.
pub fn benefit_review_gate(
    indication: EsketamineIndication,
    first_dose_on: Option<Date>,
    on: Date,
    continued: bool,
) -> Result<Vec<String>, String> {
    if !after_induction(first_dose_on, on) {
        return Ok(Vec::new());
    }
    if !continued {
        let last = first_dose_on.and_then(induction_last_day).map(|d| d.to_string()).unwrap_or_default();
        return Err(format!(
            "the induction of this esketamine course ended on {last}: a prescriber must record a benefit review \
             that decides to continue (POST /api/v1/courses/{{id}}/benefit-review) before a further session or dose \
             (rule {})",
            BENEFIT_REVIEW_RULE.reference()
        ));
    }
    Ok(match indication {
        EsketamineIndication::Mdsi => vec![MDSI_BEYOND_FOUR_WEEKS.to_owned()],
        EsketamineIndication::Trd => Vec::new(),
    })
}

/// The milligrams one device delivers.
pub const MG_PER_DEVICE: u32 = 28;
/// Minutes to wait between devices.
pub const DEVICE_SPACING_MINUTES: u32 = 5;

/// The indication the esketamine course treats; it decides the regimen and which first dose is allowed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EsketamineIndication {
    /// Treatment-resistant depression: start at 56 mg.
    #[default]
    Trd,
    /// Depressive symptoms in MDD with acute suicidal ideation or behaviour: 84 mg from the start.
    Mdsi,
}

/// One device of a dose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DeviceStep {
    /// 1-based.
    pub number: u32,
    /// Minutes after the first device.
    pub offset_minutes: u32,
    pub mg: u32,
}

/// How a dose is given: its devices, at 5-minute intervals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DevicePlan {
    pub dose_mg: u32,
    pub devices: Vec<DeviceStep>,
    pub rule: RuleRef,
}

impl DevicePlan {
    /// When each device is due, given when the first one was given (saturating at the end of supported time).
    pub fn device_times(&self, first_device_at: OffsetDateTime) -> Vec<OffsetDateTime> {
        self.devices
            .iter()
            .map(|d| first_device_at.saturating_add(time::Duration::minutes(i64::from(d.offset_minutes))))
            .collect()
    }
}

/// Plans the devices of a dose.
///
/// `prior_doses_mg` are the doses already given in this course, oldest first. Refused: a dose that is not a
/// multiple of a device (56 or 84 mg; 28 mg only where the clinic allows it), and for TRD an 84 mg dose before
/// a dose of at least 56 mg was given.
pub fn esketamine_devices(
    dose_mg: u32,
    indication: EsketamineIndication,
    prior_doses_mg: &[u32],
    settings: &ProtocolSettings,
) -> Result<DevicePlan, InvalidInput> {
    if let Some(index) = prior_doses_mg.iter().position(|d| ![28, 56, 84].contains(d)) {
        return Err(InvalidInput::new(
            format!("prior_doses_mg[{index}]"),
            format!("an esketamine dose is 28, 56 or 84 mg; got {}", prior_doses_mg[index]),
        ));
    }
    let allow_28 = settings.values().esketamine.allow_28mg_start;
    let allowed: &[u32] = match (indication, allow_28) {
        (EsketamineIndication::Trd, true) => &[28, 56, 84],
        (EsketamineIndication::Trd, false) | (EsketamineIndication::Mdsi, _) => &[56, 84],
    };
    if !allowed.contains(&dose_mg) {
        let list: Vec<String> = allowed.iter().map(|d| format!("{d} mg")).collect();
        let hint = if dose_mg == 28 && indication == EsketamineIndication::Trd {
            " (28 mg is non-US labelling for patients 65 and over; the clinic has not enabled it)"
        } else {
            ""
        };
        return Err(InvalidInput::new(
            "dose_mg",
            format!("esketamine is given as {}; got {dose_mg} mg{hint}", list.join(", ")),
        ));
    }
    if indication == EsketamineIndication::Trd && dose_mg == 84 && !prior_doses_mg.iter().any(|d| *d >= 56) {
        return Err(InvalidInput::new(
            "dose_mg",
            "84 mg is given only after an initial 56 mg starting dose; start this course at 56 mg",
        ));
    }
    let count = dose_mg / MG_PER_DEVICE;
    let devices = (0..count)
        .map(|i| DeviceStep { number: i + 1, offset_minutes: i * DEVICE_SPACING_MINUTES, mg: MG_PER_DEVICE })
        .collect();
    let rule = if indication == EsketamineIndication::Mdsi {
        MDSI_RULE.reference()
    } else if dose_mg == 28 {
        START_28MG_RULE.reference()
    } else {
        DEVICES_RULE.reference()
    };
    Ok(DevicePlan { dose_mg, devices, rule })
}

/// A device given sooner than 5 minutes after the previous one. A warning, not a refusal: what happened is recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpacingWarning {
    /// 1-based number of the device given too soon.
    pub device: u32,
    pub minutes_after_previous: i64,
    pub message: String,
    pub rule: RuleRef,
}

/// Checks the recorded device times of one dose. Times must be in order; the error names `devices[i]`.
pub fn check_device_spacing(given_at: &[OffsetDateTime]) -> Result<Vec<SpacingWarning>, InvalidInput> {
    let mut warnings = Vec::new();
    for (index, pair) in given_at.windows(2).enumerate() {
        let gap = pair[1] - pair[0];
        if gap.is_negative() {
            return Err(InvalidInput::new(
                format!("devices[{}]", index + 1),
                "device times must be in the order given",
            ));
        }
        if gap < time::Duration::minutes(i64::from(DEVICE_SPACING_MINUTES)) {
            let device = u32::try_from(index + 2).unwrap_or(u32::MAX);
            warnings.push(SpacingWarning {
                device,
                minutes_after_previous: gap.whole_minutes(),
                message: format!(
                    "device {device} was given {} min after the previous one; the label says to wait {DEVICE_SPACING_MINUTES} min",
                    gap.whole_minutes()
                ),
                rule: DEVICES_RULE.reference(),
            });
        }
    }
    Ok(warnings)
}

/// A device lot number as printed on the carton, recorded on the REMS Patient Monitoring Form (`clinical.md` §3.9).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LotNumber(String);

impl LotNumber {
    /// Accepts 1 to 40 letters, digits, `-` or `/`, after trimming; letters are kept as typed.
    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        let lot = raw.trim();
        if lot.is_empty() {
            return Err(InvalidInput::new("lot_number", "is required for every esketamine dose"));
        }
        if lot.chars().count() > 40 {
            return Err(InvalidInput::new("lot_number", "must be at most 40 characters"));
        }
        if let Some(bad) = lot.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '/')) {
            return Err(InvalidInput::new(
                "lot_number",
                format!("may hold letters, digits, '-' and '/' only; got {bad:?}"),
            ));
        }
        Ok(Self(lot.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for LotNumber {
    type Error = InvalidInput;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        LotNumber::parse(&raw)
    }
}

impl From<LotNumber> for String {
    fn from(lot: LotNumber) -> Self {
        lot.0
    }
}
