//! The schema of a planned self-report link's anchor: the one self-report type the OpenAPI document cannot derive
//! from the real type, because [`ketapath_clinical::measurement::LinkAnchor`] lives in the pure clinical crate,
//! which has no utoipa dependency (its `kind` is a flattened enum, described here as the JSON shows it).

// This type exists to be described, never built or read: the derive is its only use.
#![allow(dead_code)]

use serde::Deserialize;
use utoipa::ToSchema;

// Mirror of `LinkAnchor`, kept because the clinical crate has no utoipa dependency.
#[derive(Default, Deserialize, ToSchema)]
pub(crate) struct Anchor {
    #[serde(default)]
    #[schema(format = DateTime)]
    dose_at: String,
    #[serde(default)]
    #[schema(inline)]
    kind: AnchorKind,
    #[serde(default)]
    number: i64,
}

#[derive(Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
enum AnchorKind {
    #[default]
    AfterDose,
    Repeat,
}
