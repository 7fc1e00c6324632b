//! The kind of healthcare setting a session took place in: only outpatient settings submit Patient Monitoring Forms.

use serde::{Deserialize, Serialize};

use crate::rule::{Confidence, Rule};

pub static INPATIENT_EXEMPT_RULE: Rule = Rule {
    id: "rems.pmf.inpatient_exempt",
    version: 1,
    summary: "Outpatient settings submit a Patient Monitoring Form after every session; inpatient settings (including \
              emergency departments) do not enroll patients or submit the form, but report suspected adverse events \
              to the REMS",
    source: "clinical.md §3.8 (spravatorems.com outpatient and inpatient pages), §3.9 (form-level rules); \
             directory-and-interop.md §d.3 [S11, S12]",
    confidence: Confidence::Confirmed,
    configurable: false,
};

/// Where the session took place, as the REMS distinguishes settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SettingType {
    /// A certified outpatient medical office or clinic: a form is due after every session.
    Outpatient,
    /// A hospital ward or an emergency department: no form, but adverse events are reported to the REMS.
    Inpatient,
}

impl SettingType {
    /// Whether the outpatient REMS requirements apply: patient enrollment before treatment and a Patient
    /// Monitoring Form after every session (`clinical.md` §8.1). The one place the setting type decides; the dose
    /// gate ([`crate::protocols::pre_checks::enrollment_gate`]) and the form ([`Self::requires_form`]) both ask it.
    pub fn outpatient_rems_applies(self) -> bool {
        self == SettingType::Outpatient
    }

    /// Whether a Patient Monitoring Form is required after a session in this setting.
    pub fn requires_form(self) -> bool {
        self.outpatient_rems_applies()
    }
}
