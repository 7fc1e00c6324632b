//! The rest of the public pages in Spanish (issue 18, item 4): the finder's filters, chips, results, hours, errors
//! and map; a clinic's page with its report form; the registry; the listing request with its errors; and the
//! self-report link, whose Spanish PHQ-9 stores the same score as the English one. Each page says `lang="es"`,
//! shows the Spanish words and not the English words for the same things.

// Test helpers may unwrap: a panic there is a failed test with its cause.
#![allow(clippy::unwrap_used)]

use axum::Router;
use axum::http::{Method, StatusCode};
use ketapath_store::domain::{PatientId, Role};
use ketapath_testkit::on_both_backends;
use ketapath_web::config::WebConfig;
use serde_json::json;

use crate::api_fixture::{Fixture, Staff};
use crate::finder::app_for;
use crate::support::*;

/// The page at `uri` in Spanish, answered `status`, unescaped for reading.
async fn spanish(app: &Router, request: axum::http::Request<axum::body::Body>, status: StatusCode) -> String {
    let reply = send(app, request).await;
    let html = unescape(&reply.text());
    assert_eq!(reply.status, status, "{html}");
    assert!(html.contains("<html lang=\"es\">"), "{html}");
    html
}

/// Every word of `present` is on the page and none of `absent`.
fn words(html: &str, present: &[&str], absent: &[&str]) {
    let text = visible(html);
    for word in present {
        assert!(text.contains(word), "missing {word:?} in {text}");
    }
    for word in absent {
        assert!(!text.contains(word), "English {word:?} on a Spanish page: {text}");
    }
}

/// A form post as the site's own pages send it (same origin).
fn own_post(uri: &str, fields: &[(&str, &str)]) -> axum::http::Request<axum::body::Body> {
    same_origin(post_form(uri, &pairs(fields)))
}

fn same_origin(mut request: axum::http::Request<axum::body::Body>) -> axum::http::Request<axum::body::Body> {
    request.headers_mut().insert("sec-fetch-site", "same-origin".parse().unwrap());
    request
}

#[tokio::test]
async fn the_spanish_finder_names_filters_results_hours_and_the_map_in_spanish() {
    let app = app_for(WebConfig::default());
    let html = spanish(&app, get("/es/find?zip=10001&radius_mi=25&payment=self_pay"), StatusCode::OK).await;
    words(
        &html,
        &[
            "A menos de 25 millas",
            "Cualquier atención con ketamina o esketamina",
            "Forma de pago: Pago por cuenta propia",
            "Infusión de ketamina (intravenosa)",
            "lun–vie 8 a. m.–5 p. m.",
            "1 de octubre de 2026",
            "Mapa de las clínicas alrededor del punto de búsqueda",
            "Cualquier distancia",
            "EMT (estimulación magnética transcraneal)",
            "Inglés",
        ],
        &[
            "Within 25 miles",
            "Payment:",
            "Self-pay",
            "Ketamine infusion (IV)",
            "Mon–Fri",
            "Open now",
            "Closed now",
            "October",
            "Map of the clinics",
            "Search origin",
            "Any distance",
            "transcranial",
        ],
    );
    assert!(html.contains("Abierto ahora") || html.contains("Cerrado ahora"), "open or closed now in Spanish");
    assert!(html.contains(" mi (") && html.contains(" km)"), "the distance stays numeric, miles first");
    // The optional location button's words, which the script reads from the page.
    assert!(html.contains("data-locate=\"Usar mi ubicación\""), "{html}");
    // The chips and results link to Spanish pages.
    assert!(html.contains("class=\"chip\" href=\"/es/find?"), "{html}");
    assert!(html.contains("href=\"/es/clinics/k-hours\""), "{html}");

    // Nothing found: the wider searches are offered in Spanish.
    let none = spanish(&app, get("/es/find?place=10001&radius_mi=5&telehealth=true&language=vi"), StatusCode::OK).await;
    words(
        &none,
        &[
            "Buscar a menos de 10 millas",
            "Buscar a cualquier distancia",
            "Quitar el filtro: Ofrece telemedicina",
            "Quitar el filtro: Habla Vietnamita",
        ],
        &["Search within", "Drop the filter", "Speaks", "Vietnamese"],
    );

    // A place or a distance that cannot be used is explained in Spanish, on the form.
    let unknown = spanish(&app, get("/es/find?place=Nowhereville%2C+OH"), StatusCode::OK).await;
    words(
        &unknown,
        &["No encontramos ese lugar: no hay ningún lugar llamado «Nowhereville, OH»"],
        &["We could not find", "shipped ZIP data"],
    );
    let radius = spanish(&app, get("/es/find?place=10001&radius_mi=far"), StatusCode::OK).await;
    words(&radius, &["la distancia debe ser un número de millas mayor que 0"], &["cannot be run", "above 0"]);
    let zip = spanish(&app, get("/es/find?place=99999"), StatusCode::OK).await;
    words(&zip, &["el código postal 99999 no está en los datos"], &["is not in the shipped"]);
}

#[tokio::test]
async fn the_spanish_clinic_page_puts_every_coded_value_in_words() {
    let app = app_for(WebConfig::default());
    let html = spanish(&app, get("/es/clinics/k-hours"), StatusCode::OK).await;
    words(
        &html,
        &[
            "Accesible para personas con discapacidad",
            "Otras características de accesibilidad: pregunte a la clínica",
            "¿Quién supervisa cada sesión",
            "La clínica cerró o se mudó",
            "Otra cosa",
            "Verificado por última vez: 1 de octubre de 2026",
            "Pago por cuenta propia",
            "lun–vie 8 a. m.–5 p. m.",
        ],
        &[
            "Accessible to people",
            "Other accessibility",
            "Who supervises",
            "The clinic has closed",
            "Something else",
            "Last verified",
            "Self-pay",
            "Mon–Fri",
            "Open now",
            "Closed now",
        ],
    );
    assert!(html.contains("action=\"/es/clinics/k-hours/report\""), "{html}");
    // The English page keeps its words.
    let english = send(&app, get("/clinics/k-hours")).await.text();
    words(&english, &["Who supervises each session", "Last verified: 1 October 2026"], &["Verificado"]);
}

/// A Spanish report with no reason is sent back in Spanish; a complete one thanks in Spanish and links back to the
/// Spanish pages.
async fn a_spanish_report(f: &Fixture) {
    let uri = "/es/clinics/clinic-a/report";
    let refused = spanish(&f.app, own_post(uri, &[("reason", ""), ("details", "x")]), StatusCode::BAD_REQUEST).await;
    words(&refused, &["Por favor, elija qué está mal en estos datos."], &["Please choose what is wrong"]);
    let long = "a".repeat(2001);
    let refused =
        spanish(&f.app, own_post(uri, &[("reason", "closed"), ("details", &long)]), StatusCode::BAD_REQUEST).await;
    words(&refused, &["acorte los detalles a 2000 caracteres"], &["Please shorten"]);

    let sent = spanish(&f.app, own_post(uri, &[("reason", "wrong_phone")]), StatusCode::OK).await;
    words(&sent, &["Gracias por su informe", "Volver a Clinic clinic-a"], &["Thank you", "Back to"]);
    assert!(sent.contains("href=\"/es/clinics/clinic-a\"") && sent.contains("href=\"/es/find\""), "{sent}");
}

on_both_backends!(a_spanish_listing_report_speaks_spanish, super::a_spanish_report);

/// The registry in Spanish, with its `hreflang` links to both addresses.
async fn the_registry(f: &Fixture) {
    let html = spanish(&f.app, get("/es/registry"), StatusCode::OK).await;
    words(
        &html,
        &["Registro: cómo les fue con el tratamiento", "Respuesta y remisión", "Eventos adversos", "Reglas usadas"],
        &["Response and remission", "Adverse events", "Rules used", "Consenting patients"],
    );
    assert!(html.contains("<link rel=\"alternate\" hreflang=\"en\" href=\"/registry\">"), "{html}");
    assert!(html.contains("<link rel=\"alternate\" hreflang=\"es\" href=\"/es/registry\">"), "{html}");
    let english = send(&f.app, get("/registry")).await.text();
    words(&english, &["Response and remission"], &["Respuesta y remisión"]);
}

on_both_backends!(the_registry_reads_in_spanish, super::the_registry);

/// The listing request's fields in a Spanish post, valid but for what `change` sets.
fn request(change: (&'static str, &'static str)) -> Vec<(&'static str, &'static str)> {
    let mut fields = vec![
        ("name", "Clínica <b>Lago</b>"),
        ("street", "1 Broad St"),
        ("city", "Columbus"),
        ("state", "OH"),
        ("zip", "43215"),
        ("phone", "614-555-0100"),
        ("offers", "esketamine_nasal"),
        ("npi", "1234567893"),
        ("contact_name", "Ada Admin"),
        ("contact_email", "ada@lago.example.org"),
    ];
    fields.retain(|(name, _)| *name != change.0);
    fields.push(change);
    fields
}

/// The listing request in Spanish: the form, a refusal per field in Spanish with the answers kept, and the thanks
/// with the clinic's name escaped.
async fn the_listing_request(f: &Fixture) {
    let form = spanish(&f.app, get("/es/list-your-clinic"), StatusCode::OK).await;
    words(
        &form,
        &["Añada su clínica", "Nombre de la clínica", "Esketamina en aerosol nasal (SPRAVATO)", "Enviar la solicitud"],
        &["List your clinic", "Clinic name", "Esketamine nasal spray", "Send the request", "Your e-mail"],
    );
    assert!(form.contains("action=\"/es/list-your-clinic\"") && form.contains("href=\"/es/find\""), "{form}");

    let uri = "/es/list-your-clinic";
    let npi = spanish(&f.app, own_post(uri, &request(("npi", "1234567890"))), StatusCode::BAD_REQUEST).await;
    words(&npi, &["NPI de la organización: no es un NPI válido"], &["is not a valid NPI", "(npi)"]);
    assert!(npi.contains("value=\"1234567890\""), "the answers are kept");
    let email = spanish(&f.app, own_post(uri, &request(("contact_email", "ada"))), StatusCode::BAD_REQUEST).await;
    words(&email, &["Su correo electrónico: escriba una dirección de correo electrónico"], &["must be an e-mail"]);
    let city = spanish(&f.app, own_post(uri, &request(("city", ""))), StatusCode::BAD_REQUEST).await;
    words(&city, &["Ciudad: este dato es obligatorio"], &["is required"]);

    let sent = send(&f.app, own_post(uri, &request(("website", "")))).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.text());
    let raw = sent.text();
    assert!(raw.contains("<strong>Clínica &lt;b&gt;Lago&lt;/b&gt;</strong>") && !raw.contains("<b>Lago"), "{raw}");
    words(&raw, &["Gracias: recibimos su solicitud", "Lo que sigue"], &["Thank you", "What happens next"]);
}

on_both_backends!(the_listing_request_reads_in_spanish, super::the_listing_request);

/// A nurse at clinic A, a patient of theirs, and a new PHQ-9 self-report link for them.
async fn link(f: &Fixture, nurse: &Staff, patient: &str) -> String {
    let body = json!({"instrument": "phq9", "expires_in_hours": 72});
    let uri = format!("/api/v1/patients/{patient}/self-report-links");
    let reply = f.call(Method::POST, &uri, Some(nurse), Some(body)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    reply.json()["url"].as_str().unwrap().to_owned()
}

fn answers(items: &[u8]) -> Vec<(String, String)> {
    items.iter().enumerate().map(|(i, v)| (format!("phq9_{}", i + 1), v.to_string())).collect()
}

/// The self-report link in Spanish: the published Spanish PHQ-9, mistakes and crisis help in Spanish, and the same
/// stored score as the same answers sent through the English page.
async fn the_self_report(f: &Fixture) {
    let nurse = f.staff("Nurse", Role::Nurse, "clinic-a").await;
    let body =
        json!({"given_name": "Zebulonia", "family_name": "Example", "birth_date": "1980-04-01", "sex": "female"});
    let reply = f.call(Method::POST, "/api/v1/patients", Some(&nurse), Some(body)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let patient = reply.json()["id"].as_str().unwrap().to_owned();

    let url = link(f, &nurse, &patient).await;
    let es = format!("/es{url}");
    let page = send(&f.app, get(&es)).await;
    assert_eq!(page.header("cache-control"), Some("no-store"));
    let html = unescape(&page.text());
    assert!(html.contains("<html lang=\"es\">"), "{html}");
    words(
        &html,
        &[
            "Cómo se ha sentido",
            "Pensamientos de que estaría mejor muerto(a) o de lastimarse de alguna manera",
            "Ningún día",
            "Enviar mis respuestas a mi clínica",
        ],
        &["Little interest or pleasure", "Not at all", "Send my answers", "How you have been feeling", "Zebulonia"],
    );
    assert!(html.contains(&format!("action=\"{es}\"")), "the form posts to the Spanish page: {html}");
    assert_eq!(html.matches("type=\"radio\"").count(), 36);

    let partial = spanish(&f.app, same_origin(post_form(&es, &answers(&[1, 2, 3]))), StatusCode::BAD_REQUEST).await;
    words(&partial, &["Pregunta 4: por favor, elija una de las cuatro respuestas."], &["Question 4"]);

    let items = [1, 2, 3, 1, 2, 0, 1, 2, 0];
    let sent = spanish(&f.app, same_origin(post_form(&es, &answers(&items))), StatusCode::OK).await;
    words(&sent, &["Gracias", "Sus respuestas se enviaron a su clínica"], &["Thank you", "Your answers were sent"]);

    // The same answers through the English page store the same score.
    let english = link(f, &nurse, &patient).await;
    assert_eq!(send(&f.app, same_origin(post_form(&english, &answers(&items)))).await.status, StatusCode::OK);
    let scope = f.store.for_clinic(&nurse.actor).await.unwrap();
    let stored = scope.assessments(PatientId::parse("id", &patient).unwrap()).await.unwrap();
    let totals: Vec<i64> = stored.iter().map(|a| a.total).collect();
    assert_eq!(totals.len(), 2);
    assert_eq!(totals[0], totals[1], "the same answers give the same score in both languages");
    assert_eq!(totals[0], items.iter().map(|v| i64::from(*v)).sum::<i64>());

    // Item 9 above 0: crisis help in Spanish first (988, press 2), then the thanks.
    let crisis = format!("/es{}", link(f, &nurse, &patient).await);
    let request = same_origin(post_form(&crisis, &answers(&[2, 2, 2, 1, 1, 1, 1, 1, 2])));
    let help = spanish(&f.app, request, StatusCode::OK).await;
    let main = main_of(&help);
    let at = main.find("Llame al 988 y marque 2").expect("988 in Spanish on the page");
    assert!(at < main.find("<h1>Gracias</h1>").unwrap(), "crisis help comes first: {main}");
    words(&help, &["Hay ayuda disponible ahora"], &["Help is available now", "Your clinic has been told"]);
}

on_both_backends!(the_self_report_link_reads_in_spanish_with_the_same_score, super::the_self_report);
