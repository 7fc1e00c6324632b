//! `GET /fhir/r4/metadata`: the CapabilityStatement, built from [`super::routes`] so that it lists exactly the
//! interactions that are routed, and nothing that is not (a statement that claims more than the server does is
//! worse than none).

use std::sync::LazyLock;

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::outcome::FhirError;
use super::{AcceptsJson, FHIR_JSON, FHIR_VERSION, FhirRoute, Interaction, fhir_json, routes};

/// When the statement last changed. Change it with the route table.
pub const DATE: &str = "2026-11-27";

/// One resource type of the statement: the interactions routed for it, in table order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceCapability {
    pub resource_type: &'static str,
    pub interactions: Vec<&'static str>,
    pub search_params: Vec<super::SearchParam>,
    pub documentation: Vec<&'static str>,
}

/// The resources of the route table, in order of first appearance.
pub fn resources(routes: &[FhirRoute]) -> Vec<ResourceCapability> {
    let mut out: Vec<ResourceCapability> = Vec::new();
    for route in routes {
        let Some(resource_type) = route.interaction.resource() else {
            continue;
        };
        let position = match out.iter().position(|r| r.resource_type == resource_type) {
            Some(position) => position,
            None => {
                out.push(ResourceCapability {
                    resource_type,
                    interactions: Vec::new(),
                    search_params: Vec::new(),
                    documentation: Vec::new(),
                });
                out.len() - 1
            }
        };
        let entry = &mut out[position];
        if !entry.interactions.contains(&route.interaction.code()) {
            entry.interactions.push(route.interaction.code());
        }
        if let Interaction::SearchType { params, .. } = route.interaction {
            entry.search_params.extend(params.iter().copied());
        }
        entry.documentation.push(route.documentation);
    }
    out
}

/// The CapabilityStatement document.
pub fn document(routes: &[FhirRoute]) -> Value {
    let resources: Vec<Value> = resources(routes)
        .into_iter()
        .map(|r| {
            let mut resource = json!({
                "type": r.resource_type,
                "documentation": r.documentation.join(". "),
                "interaction": r.interactions.iter().map(|code| json!({"code": code})).collect::<Vec<_>>(),
            });
            if !r.search_params.is_empty() {
                resource["searchParam"] = r
                    .search_params
                    .iter()
                    .map(|p| json!({"name": p.name, "type": p.kind, "documentation": p.documentation}))
                    .collect();
            }
            resource
        })
        .collect();
    json!({
        "resourceType": "CapabilityStatement",
        "id": "ketapath",
        "name": "KetaPath",
        "title": "KetaPath FHIR R4 server",
        "status": "active",
        "experimental": false,
        "date": DATE,
        "publisher": "KetaPath",
        "description": "What this KetaPath server implements now. Read-only; JSON only; no authentication is needed \
    for the published resources.",
        "kind": "instance",
        "software": {"name": "KetaPath", "version": env!("CARGO_PKG_VERSION")},
        "implementation": {"description": "KetaPath FHIR R4 endpoint at /fhir/r4"},
        "fhirVersion": FHIR_VERSION,
        "format": ["json", FHIR_JSON],
        "rest": [{
            "mode": "server",
            "documentation": "Errors are OperationOutcome resources. Only JSON is served: other Accept or _format \
    values answer 406.",
            "resource": resources,
        }],
    })
}

/// The document for the routes the server registers, built once.
static DOCUMENT: LazyLock<Value> = LazyLock::new(|| document(&routes()));

/// The handler.
pub async fn metadata(_json: AcceptsJson) -> Result<Response, FhirError> {
    Ok(fhir_json(StatusCode::OK, &DOCUMENT, "no-cache"))
}
