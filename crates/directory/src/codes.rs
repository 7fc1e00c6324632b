//! The closed vocabularies of a listing: treatments offered, payment accepted, languages spoken.
//!
//! Offers and payments are small fixed sets, kept as bit sets so that the search index can test a
//! filter with one AND (DESIGN.md, "Clinic records" lists the codes).

use serde::{Deserialize, Serialize};

macro_rules! code_set {
    ($(#[$doc:meta])* $enum:ident, $set:ident, $what:literal, [$($variant:ident => $code:literal),+ $(,)?]) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $enum { $($variant),+ }

        impl $enum {
            pub const ALL: &'static [$enum] = &[$($enum::$variant),+];

            pub fn code(self) -> &'static str {
                match self { $($enum::$variant => $code),+ }
            }

            /// Parses a contract code; the error message lists the known codes.
            pub fn parse(code: &str) -> Result<Self, String> {
                match code {
                    $($code => Ok($enum::$variant),)+
                    other => Err(format!(
                        concat!("unknown ", $what, " {:?}; known: {}"),
                        other,
                        Self::ALL.iter().map(|c| c.code()).collect::<Vec<_>>().join(", ")
                    )),
                }
            }

            fn bit(self) -> u8 {
                1 << (self as u8)
            }
        }

        impl std::fmt::Display for $enum {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }

        #[doc = concat!("A set of ", $what, " codes as a bit set.")]
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
        pub struct $set(u8);

        impl $set {
            pub const EMPTY: $set = $set(0);

            pub fn bits(self) -> u8 {
                self.0
            }

            pub fn from_bits(bits: u8) -> Self {
                let all: u8 = $enum::ALL.iter().fold(0, |acc, c| acc | c.bit());
                $set(bits & all)
            }

            pub fn insert(&mut self, code: $enum) {
                self.0 |= code.bit();
            }

            pub fn contains(self, code: $enum) -> bool {
                self.0 & code.bit() != 0
            }

            /// Whether every code of `required` is in this set (the contract's "every value must match").
            pub fn contains_all(self, required: $set) -> bool {
                self.0 & required.0 == required.0
            }

            pub fn is_empty(self) -> bool {
                self.0 == 0
            }

            pub fn iter(self) -> impl Iterator<Item = $enum> {
                $enum::ALL.iter().copied().filter(move |c| self.contains(*c))
            }

            /// Parses a `;`- or `,`-separated list (empty items are ignored).
            pub fn parse_list(list: &str, separator: char) -> Result<Self, String> {
                let mut set = $set::EMPTY;
                for part in list.split(separator).map(str::trim).filter(|p| !p.is_empty()) {
                    set.insert($enum::parse(part)?);
                }
                Ok(set)
            }

            /// The codes joined by `separator`, in declaration order.
            pub fn join(self, separator: &str) -> String {
                self.iter().map(|c| c.code()).collect::<Vec<_>>().join(separator)
            }
        }

        impl FromIterator<$enum> for $set {
            fn from_iter<I: IntoIterator<Item = $enum>>(iter: I) -> Self {
                let mut set = $set::EMPTY;
                for c in iter {
                    set.insert(c);
                }
                set
            }
        }

        impl Serialize for $set {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_seq(self.iter())
            }
        }

        /// An array of the codes, in the order the server knows them.
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $set {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                openapi::code_array($enum::ALL.iter().map(|c| c.code()))
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $set {}

        impl<'de> Deserialize<'de> for $set {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let codes = Vec::<$enum>::deserialize(deserializer)?;
                Ok(codes.into_iter().collect())
            }
        }
    };
}

code_set!(
    /// A treatment a clinic offers.
    Offer, Offers, "offer", [
        EsketamineNasal => "esketamine_nasal",
        IvKetamine => "iv_ketamine",
        ImKetamine => "im_ketamine",
        OralKetamine => "oral_ketamine",
        KetamineAssistedPsychotherapy => "ketamine_assisted_psychotherapy",
        Tms => "tms",
        Ect => "ect",
    ]
);

impl Offers {
    /// Every form of ketamine or esketamine care: all treatments but TMS and ECT. The finder's default asks for at
    /// least one of them, so that a clinic offering only brain stimulation appears only when someone asks for it.
    pub const KETAMINE_CARE: Offers = Offers(
        (1 << Offer::EsketamineNasal as u8)
            | (1 << Offer::IvKetamine as u8)
            | (1 << Offer::ImKetamine as u8)
            | (1 << Offer::OralKetamine as u8)
            | (1 << Offer::KetamineAssistedPsychotherapy as u8),
    );

    /// Whether this set holds at least one code of `any` (always true when `any` is empty, which asks nothing).
    pub fn contains_any(self, any: Offers) -> bool {
        any.is_empty() || self.0 & any.0 != 0
    }
}

code_set!(
    /// A way of paying a clinic accepts.
    Payment, Payments, "payment", [
        PrivateInsurance => "private_insurance",
        Medicare => "medicare",
        Medicaid => "medicaid",
        SelfPay => "self_pay",
        SlidingScale => "sliding_scale",
        Military => "military",
    ]
);

/// An ISO 639-1 language code, lower case (`en`, `es`), checked against the shipped list
/// (`data/iso639_1.tsv`, see [`crate::languages`]).
///
/// Kept as two bytes so that listings and the index copy it freely.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Language([u8; 2]);

impl Language {
    /// Parses a two-letter code, case-insensitively; codes not in ISO 639-1 (`xx`) are rejected.
    pub fn parse(code: &str) -> Result<Self, String> {
        match code.trim().as_bytes() {
            [a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
                let bytes = [a.to_ascii_lowercase(), b.to_ascii_lowercase()];
                if crate::languages::is_iso_639_1(bytes) {
                    Ok(Language(bytes))
                } else {
                    Err(format!("language {code:?} is not an ISO 639-1 code"))
                }
            }
            _ => Err(format!("language {code:?} is not an ISO 639-1 two-letter code")),
        }
    }

    pub fn as_str(&self) -> &str {
        // The bytes are ASCII lower-case letters by construction.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

impl std::fmt::Display for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Language {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// A two-letter lower-case code.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Language {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        openapi::language()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Language {}

/// The schemas of the code types, which serialize by hand and so cannot derive theirs.
#[cfg(feature = "openapi")]
mod openapi {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, Type};

    /// An array of strings limited to `codes`.
    pub(super) fn code_array<'a>(codes: impl Iterator<Item = &'a str>) -> RefOr<Schema> {
        let codes = ObjectBuilder::new().schema_type(Type::String).enum_values(Some(codes.map(str::to_owned)));
        ArrayBuilder::new().items(codes).into()
    }

    /// An ISO 639-1 code as a listing writes it.
    pub(super) fn language() -> RefOr<Schema> {
        ObjectBuilder::new().schema_type(Type::String).pattern(Some("^[a-z]{2}$")).examples(["es"]).into()
    }
}

impl<'de> Deserialize<'de> for Language {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Language::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offers_round_trip_through_codes() {
        let set = Offers::parse_list("iv_ketamine;tms", ';').unwrap();
        assert!(set.contains(Offer::IvKetamine) && set.contains(Offer::Tms));
        assert!(!set.contains(Offer::Ect));
        assert_eq!(set.join(";"), "iv_ketamine;tms");
        assert!(Offers::parse_list("iv_ketamine;psilocybin", ';').unwrap_err().contains("psilocybin"));
    }

    #[test]
    fn contains_all_means_every_value() {
        let have = Payments::parse_list("self_pay,medicare", ',').unwrap();
        assert!(have.contains_all(Payments::parse_list("medicare", ',').unwrap()));
        assert!(!have.contains_all(Payments::parse_list("medicare,medicaid", ',').unwrap()));
        assert!(have.contains_all(Payments::EMPTY));
    }

    #[test]
    fn language_codes() {
        assert_eq!(Language::parse("ES").unwrap().as_str(), "es");
        assert!(Language::parse("eng").is_err());
        assert!(Language::parse("e1").is_err());
        assert!(Language::parse("xx").unwrap_err().contains("\"xx\""));
        assert_eq!(Language::parse(" Vi ").unwrap().as_str(), "vi");
    }
}
