//! `GET /fhir/r4/Questionnaire/{id}`: the PHQ-9 and the GAD-7 as FHIR R4 Questionnaires, built from the instrument
//! specs of `ketapath_clinical` (item texts, LOINC item and answer codes, scores as `ordinalValue`, the Pfizer
//! copyright line), so the form people fill in on `/check` and the Questionnaire cannot disagree.
//!
//! Only instruments whose texts may be shown are published (DESIGN.md, Clinical safety principles).

use std::sync::LazyLock;

use axum::extract::Path;
use axum::extract::rejection::PathRejection;
use axum::http::StatusCode;
use axum::response::Response;
use ketapath_clinical::RULES_VERSION;
use ketapath_clinical::instruments::{InstrumentSpec, gad7, phq9};
use serde_json::{Value, json};

use super::outcome::FhirError;
use super::{AcceptsJson, fhir_json};
use crate::error::ApiError;

/// The resource type served here.
pub const RESOURCE_TYPE: &str = "Questionnaire";

/// The CapabilityStatement's documentation of the read interaction.
pub const DOCUMENTATION: &str = "The PHQ-9 (id phq-9) and the GAD-7 (id gad-7) with LOINC item and answer codes; \
answer scores as ordinalValue extensions; version is the KetaPath rules version";

/// Canonical URLs are `{CANONICAL_BASE}/{id}`.
pub const CANONICAL_BASE: &str = "https://ketapath.org/fhir/Questionnaire";

const LOINC: &str = "http://loinc.org";
const ORDINAL_VALUE: &str = "http://hl7.org/fhir/StructureDefinition/ordinalValue";
const CALCULATED_EXPRESSION: &str =
    "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression";

/// What a published Questionnaire adds to its instrument spec: its id, names and the LOINC displays.
#[derive(Debug)]
pub struct Published {
    pub id: &'static str,
    pub spec: &'static InstrumentSpec,
    /// Computable name (FHIR `name`).
    pub name: &'static str,
    pub title: &'static str,
    pub stem: &'static str,
    pub panel_display: &'static str,
    pub total_display: &'static str,
}

/// Every Questionnaire KetaPath publishes.
pub static PUBLISHED: [Published; 2] = [
    Published {
        id: "phq-9",
        spec: &phq9::SPEC,
        name: "PHQ9",
        title: "Patient Health Questionnaire-9 (PHQ-9)",
        stem: phq9::STEM,
        panel_display: "PHQ-9 quick depression assessment panel [Reported.PHQ]",
        total_display: "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]",
    },
    Published {
        id: "gad-7",
        spec: &gad7::SPEC,
        name: "GAD7",
        title: "Generalized Anxiety Disorder 7-item scale (GAD-7)",
        stem: gad7::STEM,
        panel_display: "Generalized anxiety disorder 7 item (GAD-7)",
        total_display: "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]",
    },
];

/// The documents, built once: (id, resource).
static DOCUMENTS: LazyLock<Vec<(&'static str, Value)>> =
    LazyLock::new(|| PUBLISHED.iter().map(|p| (p.id, document(p))).collect());

/// The Questionnaire with this id, if KetaPath publishes it.
pub fn find(id: &str) -> Option<&'static Value> {
    DOCUMENTS.iter().find(|(known, _)| *known == id).map(|(_, document)| document)
}

fn loinc(code: &str, display: &str) -> Value {
    json!({"system": LOINC, "code": code, "display": display})
}

/// Builds the Questionnaire of one published instrument.
pub fn document(published: &Published) -> Value {
    let spec = published.spec;
    let answer_options: Vec<Value> = spec
        .answers
        .iter()
        .map(|answer| {
            let coding = match answer.loinc {
                Some(code) => loinc(code, answer.label),
                None => json!({"code": answer.score.to_string(), "display": answer.label}),
            };
            json!({
                "extension": [{"url": ORDINAL_VALUE, "valueDecimal": answer.score}],
                "valueCoding": coding
            })
        })
        .collect();
    let mut items = vec![json!({"linkId": "stem", "type": "display", "text": published.stem})];
    let mut question_ids = Vec::with_capacity(spec.items.len());
    for item in spec.items {
        let text = item.text.unwrap_or(item.name);
        let link_id = item.loinc.map_or_else(|| format!("item-{}", item.number), str::to_owned);
        let mut question = json!({
            "linkId": link_id,
            "prefix": format!("{}.", item.number),
            "text": text,
            "type": "choice",
            "required": true,
            "answerOption": answer_options,
        });
        if let Some(code) = item.loinc {
            question["code"] = json!([loinc(code, text)]);
        }
        question_ids.push(link_id);
        items.push(question);
    }
    let total_link = spec.loinc_total.map_or_else(|| "total".to_owned(), str::to_owned);
    let quoted: Vec<String> = question_ids.iter().map(|id| format!("'{id}'")).collect();
    let mut total = json!({
        "extension": [{
            "url": CALCULATED_EXPRESSION,
            "valueExpression": {
                "description": format!("Sum of the {} item scores (0-{})", spec.items.len(), spec.total_max),
                "language": "text/fhirpath",
                "expression": format!(
                    "%resource.item.where(linkId in ({})).answer.value.weight().sum()",
                    quoted.join(" | ")
                )
            }
        }],
        "linkId": total_link,
        "text": format!("{} total score (0-{})", spec.name, spec.total_max),
        "type": "integer",
        "readOnly": true,
    });
    if let Some(code) = spec.loinc_total {
        total["code"] = json!([loinc(code, published.total_display)]);
    }
    items.push(total);

    let mut resource = json!({
        "resourceType": RESOURCE_TYPE,
        "id": published.id,
        "url": format!("{CANONICAL_BASE}/{}", published.id),
        "version": RULES_VERSION,
        "name": published.name,
        "title": published.title,
        "status": "active",
        "experimental": false,
        "subjectType": ["Patient"],
        "publisher": "KetaPath",
        "description": format!(
            "The {} as KetaPath shows it: {} items about the {}, each scored {}-{}.",
            spec.name, spec.items.len(), spec.recall, spec.item_min, spec.item_max
        ),
        "item": items,
    });
    if let Some(code) = spec.loinc_panel {
        resource["code"] = json!([loinc(code, published.panel_display)]);
    }
    if let Some(copyright) = spec.copyright {
        resource["copyright"] = json!(copyright);
    }
    resource
}

/// The handler.
pub async fn read(_json: AcceptsJson, id: Result<Path<String>, PathRejection>) -> Result<Response, FhirError> {
    let Path(id) = id.map_err(|rejection| ApiError::BadRequest(format!("bad path: {}", rejection.body_text())))?;
    let document = find(&id).ok_or_else(|| FhirError::unknown_id(RESOURCE_TYPE, &id))?;
    Ok(fhir_json(StatusCode::OK, document, "public, max-age=3600"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_published_instrument_carries_its_codes_and_scores() {
        for published in &PUBLISHED {
            let doc = document(published);
            let text = doc.to_string();
            for item in published.spec.items {
                assert!(text.contains(item.loinc.unwrap()), "{} item {}", published.id, item.number);
            }
            let options = doc["item"][1]["answerOption"].as_array().unwrap();
            assert_eq!(options.len(), published.spec.answers.len());
            for (option, answer) in options.iter().zip(published.spec.answers) {
                assert_eq!(option["extension"][0]["valueDecimal"], answer.score);
                assert_eq!(option["valueCoding"]["code"], answer.loinc.unwrap());
            }
        }
    }
}
