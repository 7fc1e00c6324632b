//! Every answer the API fixture receives is checked against the OpenAPI document's schema for its route and status:
//! each key it sends is documented, each required key is present, and each value has a documented type (a `null`
//! only where the schema allows one). A small structural check, not a JSON Schema validator: enough to prove that
//! the document derived from the answer types describes the JSON really sent.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use axum::Router;
use axum::http::{Method, StatusCode};
use serde_json::Value;

use crate::support::*;

/// The served document, fetched once per test binary (it is the same on every start).
static DOCUMENT: OnceLock<Value> = OnceLock::new();

/// Asserts that `body`, answered `status` to `method uri`, is what the document says that route answers.
pub(crate) async fn assert_documented(app: &Router, method: &Method, uri: &str, status: StatusCode, body: &Value) {
    if DOCUMENT.get().is_none() {
        let reply = send(app, get("/api/openapi.json")).await;
        // Another test may have set it meanwhile: the same document either way.
        let _ = DOCUMENT.set(reply.json());
    }
    if let Ok(path) = std::env::var("KETAPATH_ANSWER_SHAPES") {
        // Comparing the wire before and after a change of answer types: each answer's shape (every JSON path
        // with its type) is appended to the file, and the check is left to the comparison.
        write_shape(&path, method, uri, body);
        return;
    }
    let doc = DOCUMENT.get().expect("the document was just fetched");
    let problems = problems(doc, method, uri, status, body);
    assert!(
        problems.is_empty(),
        "{method} {uri} answered {status} with JSON the OpenAPI document does not describe:\n{}\n{body}",
        problems.join("\n")
    );
}

/// What in `body` the document does not describe, empty when it conforms.
pub(crate) fn problems(doc: &Value, method: &Method, uri: &str, status: StatusCode, body: &Value) -> Vec<String> {
    let path = uri.split('?').next().unwrap_or(uri);
    let Some((template, item)) =
        doc["paths"].as_object().and_then(|paths| paths.iter().find(|(t, _)| matches(t, path)))
    else {
        return vec![format!("no documented path matches {path}")];
    };
    let operation = &item[method.as_str().to_lowercase()];
    let response = &operation["responses"][status.as_str()];
    let Some(schema) = response["content"]["application/json"].get("schema") else {
        return vec![format!("{template}: no JSON answer documented for {status}")];
    };
    let mut problems = Vec::new();
    check(doc, schema, body, "$", &mut problems);
    problems
}

/// Whether a path template (`/api/v1/sessions/{id}`) matches a concrete path.
fn matches(template: &str, path: &str) -> bool {
    let (t, p): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), path.split('/').collect());
    t.len() == p.len() && t.iter().zip(&p).all(|(t, p)| t.starts_with('{') || t == p)
}

/// The schema a `$ref` names, or the schema itself.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str().and_then(|r| r.strip_prefix("#/components/schemas/")) {
        Some(name) => resolve(doc, &doc["components"]["schemas"][name]),
        None => schema,
    }
}

/// Checks `value` against `schema`, appending each problem with its JSON path.
fn check(doc: &Value, schema: &Value, value: &Value, at: &str, problems: &mut Vec<String>) {
    let schema = resolve(doc, schema);
    if let Some(branches) = schema.get("oneOf").or_else(|| schema.get("anyOf")).and_then(Value::as_array) {
        let fits = branches.iter().any(|branch| {
            let mut found = Vec::new();
            check(doc, branch, value, at, &mut found);
            found.is_empty()
        });
        if !fits {
            problems.push(format!("{at}: fits none of the documented alternatives"));
        }
        return;
    }
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        // The parts of a flattened struct or enum describe one object together: the value must fit each part (keys
        // of the other parts allowed), and each key it sends must be documented by some part or alternative.
        let mut documented = BTreeSet::new();
        for part in parts {
            let part = resolve(doc, part);
            let alternatives = part.get("oneOf").or_else(|| part.get("anyOf")).and_then(Value::as_array);
            let objects: Vec<&Value> = match alternatives {
                Some(branches) => branches.iter().map(|b| resolve(doc, b)).collect(),
                None => vec![part],
            };
            for object in &objects {
                documented.extend(object["properties"].as_object().into_iter().flat_map(|p| p.keys().cloned()));
            }
            let open: Vec<Value> = objects.iter().map(|o| opened(o)).collect();
            check(doc, &serde_json::json!({"anyOf": open}), value, at, problems);
        }
        for key in value.as_object().into_iter().flat_map(|o| o.keys()) {
            if !documented.contains(key) {
                problems.push(format!("{at}.{key}: sent but not documented"));
            }
        }
        return;
    }
    if let Some(allowed) = schema["enum"].as_array()
        && !allowed.contains(value)
    {
        problems.push(format!("{at}: {value} is not one of {}", Value::Array(allowed.clone())));
    }
    if !type_fits(&schema["type"], value) {
        problems.push(format!("{at}: {value} is not of type {}", schema["type"]));
        return;
    }
    match value {
        Value::Object(object) => {
            if let Some(properties) = schema["properties"].as_object() {
                let open = schema.get("additionalProperties").is_some_and(|a| a != &Value::Bool(false));
                for (key, field) in object {
                    match properties.get(key) {
                        Some(property) => check(doc, property, field, &format!("{at}.{key}"), problems),
                        None if open => {}
                        None => problems.push(format!("{at}.{key}: sent but not documented")),
                    }
                }
            }
            for key in schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str) {
                if !object.contains_key(key) {
                    problems.push(format!("{at}.{key}: documented as required but not sent"));
                }
            }
        }
        Value::Array(items) => {
            if let Some(item) = schema.get("items") {
                for (i, element) in items.iter().enumerate() {
                    check(doc, item, element, &format!("{at}[{i}]"), problems);
                }
            }
        }
        _ => {}
    }
}

/// The same object schema, with keys it does not list allowed (they belong to another part of an `allOf`).
fn opened(object: &Value) -> Value {
    let mut open = object.clone();
    if let Some(map) = open.as_object_mut() {
        map.insert("additionalProperties".to_owned(), Value::Bool(true));
    }
    open
}

/// Whether `value` has one of the documented JSON types (any, when none is documented).
fn type_fits(types: &Value, value: &Value) -> bool {
    let names: Vec<&str> = match types {
        Value::String(one) => vec![one.as_str()],
        Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
        _ => return true,
    };
    names.iter().any(|name| match (*name, value) {
        ("null", Value::Null) | ("boolean", Value::Bool(_)) | ("string", Value::String(_)) => true,
        ("number", Value::Number(_)) | ("array", Value::Array(_)) | ("object", Value::Object(_)) => true,
        ("integer", Value::Number(n)) => n.is_i64() || n.is_u64(),
        _ => false,
    })
}

/// Appends `body`'s shape under the route it answered (ids in the path replaced by `{id}`).
fn write_shape(file: &str, method: &Method, uri: &str, body: &Value) {
    use std::io::Write;
    let route: Vec<&str> = uri
        .split('?')
        .next()
        .unwrap_or(uri)
        .split('/')
        .map(|s| if s.len() > 20 || s.starts_with("c-") { "{id}" } else { s })
        .collect();
    let mut lines = Vec::new();
    shape(body, "$", &mut lines);
    lines.sort();
    lines.dedup();
    let mut out = std::fs::OpenOptions::new().create(true).append(true).open(file).expect("shape file");
    for line in lines {
        writeln!(out, "{method} {} {line}", route.join("/")).expect("shape written");
    }
}

/// Every JSON path of `value` with its type (`null` included), array items as `[]`.
fn shape(value: &Value, at: &str, lines: &mut Vec<String>) {
    let kind = match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    lines.push(format!("{at}: {kind}"));
    match value {
        Value::Object(object) => object.iter().for_each(|(k, v)| shape(v, &format!("{at}.{k}"), lines)),
        Value::Array(items) => items.iter().for_each(|v| shape(v, &format!("{at}[]"), lines)),
        _ => {}
    }
}
