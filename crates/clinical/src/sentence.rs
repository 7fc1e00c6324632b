//! The result's sentences as stable codes with typed arguments ([`Sentence`]), beside their English text.
//!
//! The rules decide which sentence applies and with which numbers; a surface chooses the words. The JSON API and
//! the CLI keep the English text (each sentence type serialises as exactly that string), and the web pages render
//! the code and arguments from their message catalogue in the page's language. The codes are part of the contract
//! between this crate and the catalogue: a code, once used, keeps its meaning.

use std::fmt::Display;

/// A value a sentence fills in: text (a drug name, a code a message selects on), or a number that a message may
/// select on (`1 week`, `2 weeks`).
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Text(String),
    Number(f64),
}

impl Arg {
    /// A whole number, as text: no message selects on it.
    pub fn whole(value: impl Display) -> Self {
        Arg::Text(value.to_string())
    }
}

/// A sentence of the result: its English text ([`Display`]), its stable code and its arguments by name.
pub trait Sentence: Display {
    /// The stable code of the kind of sentence (`note-dose-below`, `discuss-crisis`), which is also its
    /// catalogue id.
    fn code(&self) -> String;

    /// The values the sentence fills in, by the name its messages use.
    fn args(&self) -> Vec<(&'static str, Arg)>;
}

/// Serialises a sentence type as its English text, so that a document that held plain strings before the codes
/// existed keeps exactly the same bytes.
macro_rules! serialize_as_english {
    ($type:ty) => {
        impl serde::Serialize for $type {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }
    };
}

pub(crate) use serialize_as_english;
