//! Schema helpers for the OpenAPI document, beside the use cases' request and answer types that derive their
//! schemas: the codes a field takes come from the code lists the server itself knows, so the document cannot fall
//! behind them. Only schema values are built here; the document and its routes belong to the web crate.

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, SchemaType, Type};

/// A string limited to `codes`, the codes the server itself knows (so the document cannot fall behind them).
pub fn codes<'a>(codes: impl IntoIterator<Item = &'a str>) -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String).enum_values(Some(codes.into_iter().map(str::to_owned)))
}

/// A string limited to `codes`, or null.
pub fn nullable_codes<'a>(of: impl IntoIterator<Item = &'a str>) -> ObjectBuilder {
    let values: Vec<serde_json::Value> =
        of.into_iter().map(serde_json::Value::from).chain([serde_json::Value::Null]).collect();
    ObjectBuilder::new().schema_type(SchemaType::from_iter([Type::String, Type::Null])).enum_values(Some(values))
}

/// An array of strings limited to `codes`.
pub fn code_array<'a>(of: impl IntoIterator<Item = &'a str>) -> ArrayBuilder {
    ArrayBuilder::new().items(codes(of))
}

/// The same schema, also allowing `null` (an absent optional object), kept inline so that readers of the
/// document (and the injection test) see its properties directly.
pub fn or_null(schema: RefOr<Schema>) -> RefOr<Schema> {
    match schema {
        RefOr::T(Schema::Object(mut object)) => {
            object.schema_type = SchemaType::from_iter([Type::Object, Type::Null]);
            RefOr::T(Schema::Object(object))
        }
        RefOr::T(Schema::Array(mut array)) => {
            array.schema_type = SchemaType::from_iter([Type::Array, Type::Null]);
            RefOr::T(Schema::Array(array))
        }
        other => other,
    }
}
