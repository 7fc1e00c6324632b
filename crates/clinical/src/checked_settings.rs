//! What every clinic settings type shares: a newtype over the settings document's values that exists only once the
//! values have passed their check.
//!
//! Protocol settings, REMS form settings and self-report schedule settings are each stored as a JSON document a
//! clinic edits (missing keys take their defaults) and each is usable only after its rules have accepted it. The
//! parsing, the conversions both ways and the serde form are the same for all three, so they are written once here;
//! each settings module keeps only its values and its check.

/// Declares `$name`, the checked form of the settings values `$values`: built only through `TryFrom` (which runs
/// `$check`, whose error names the refused field) or `from_json` (an unreadable document is refused under
/// `$document`; the optional `$shape` refuses a document whose form serde would misread), serialized as its
/// values, and turned back into them to be stored or edited.
macro_rules! checked_settings {
    ($(#[$attr:meta])* $name:ident($values:ty), $document:literal, $check:path) => {
        $crate::checked_settings::checked_settings!($(#[$attr])* $name($values), $document, $check, |_| Ok(()));
    };
    ($(#[$attr:meta])* $name:ident($values:ty), $document:literal, $check:path, $shape:expr) => {
        $(#[$attr])*
        #[derive(Debug, Clone, PartialEq, Default)]
        pub struct $name($values);

        impl From<$name> for $values {
            fn from(settings: $name) -> Self {
                settings.0
            }
        }

        impl TryFrom<$values> for $name {
            type Error = $crate::InvalidInput;

            fn try_from(values: $values) -> Result<Self, Self::Error> {
                $check(&values)?;
                Ok(Self(values))
            }
        }

        // Serialized as the values and deserialized through the check, as `#[serde(into, try_from)]` would.
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                ::serde::Serialize::serialize(&self.0, serializer)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let values = <$values as ::serde::Deserialize<'de>>::deserialize(deserializer)?;
                Self::try_from(values).map_err(<D::Error as ::serde::de::Error>::custom)
            }
        }

        impl $name {
            /// Parses a clinic's settings document; missing keys take their defaults.
            pub fn from_json(document: &::serde_json::Value) -> Result<Self, $crate::InvalidInput> {
                let shape: fn(&::serde_json::Value) -> Result<(), $crate::InvalidInput> = $shape;
                shape(document)?;
                let values: $values = ::serde_json::from_value(document.clone())
                    .map_err(|e| $crate::InvalidInput::new($document, e.to_string()))?;
                Self::try_from(values)
            }

            pub fn values(&self) -> &$values {
                &self.0
            }
        }
    };
}

pub(crate) use checked_settings;
