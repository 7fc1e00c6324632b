//! How ketamine or esketamine is given, and the course that pairs a modality with psychotherapy or not.
//!
//! The codes are the offer codes of the clinic directory (DESIGN.md, "Clinic records"), so that a course
//! and a clinic listing speak the same vocabulary.

use serde::{Deserialize, Serialize};

use crate::error::InvalidInput;

/// The route of administration of a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Modality {
    /// SPRAVATO® esketamine nasal spray under the REMS (`clinical.md` §3).
    EsketamineNasal,
    /// Racemic ketamine by intravenous infusion, off-label (`clinical.md` §4).
    IvKetamine,
    /// Racemic ketamine by intramuscular injection, off-label; the reference holds no dosing facts for it.
    ImKetamine,
    /// Oral or sublingual racemic ketamine given in clinic, off-label; the reference holds no dosing facts for it.
    OralKetamine,
}

impl Modality {
    pub const ALL: [Modality; 4] =
        [Modality::EsketamineNasal, Modality::IvKetamine, Modality::ImKetamine, Modality::OralKetamine];

    /// The code used in JSON, URLs and the directory's `offers` column.
    pub fn code(self) -> &'static str {
        match self {
            Modality::EsketamineNasal => "esketamine_nasal",
            Modality::IvKetamine => "iv_ketamine",
            Modality::ImKetamine => "im_ketamine",
            Modality::OralKetamine => "oral_ketamine",
        }
    }

    /// A plain-language name for pages.
    pub fn label(self) -> &'static str {
        match self {
            Modality::EsketamineNasal => "Esketamine nasal spray (SPRAVATO)",
            Modality::IvKetamine => "IV ketamine infusion",
            Modality::ImKetamine => "IM ketamine injection",
            Modality::OralKetamine => "Oral ketamine",
        }
    }

    /// Parses a modality code; the error lists the known codes.
    pub fn parse(code: &str) -> Result<Self, InvalidInput> {
        InvalidInput::from_code(&Modality::ALL, Modality::code, code, "modality", "modality")
    }
}

impl std::fmt::Display for Modality {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl std::str::FromStr for Modality {
    type Err = InvalidInput;

    fn from_str(code: &str) -> Result<Self, Self::Err> {
        Modality::parse(code)
    }
}

/// A treatment course: a modality, given with or without ketamine-assisted psychotherapy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Course {
    pub modality: Modality,
    #[serde(default)]
    pub with_psychotherapy: bool,
}

impl Course {
    pub fn new(modality: Modality, with_psychotherapy: bool) -> Self {
        Self { modality, with_psychotherapy }
    }

    /// The directory offer codes a clinic needs to provide this course, so the portal can match
    /// a planned course with clinic listings.
    pub fn directory_offers(self) -> Vec<&'static str> {
        let mut offers = vec![self.modality.code()];
        if self.with_psychotherapy {
            offers.push("ketamine_assisted_psychotherapy");
        }
        offers
    }
}
