//! The public pages in Spanish (issue 18, item 4): the `/es/` addresses with `<html lang="es">`, `hreflang` links
//! and the language switch, the `Accept-Language` redirect of `/` (and never for `/?lang=en`), the Spanish PHQ-9,
//! crisis help in Spanish (988, press 2), and the same score in both languages.

// Test helpers may unwrap: a panic there is a failed test with its cause.
#![allow(clippy::unwrap_used)]

use axum::Router;
use axum::http::{Request, StatusCode, header};

use ketapath_store::domain::Role;

use crate::check::phq9_answers;
use crate::portal_support::*;
use crate::referral::{CONTACT, Walk};
use crate::support::*;

fn with_language(uri: &str, accept_language: &str) -> Request<axum::body::Body> {
    let mut request = get(uri);
    request.headers_mut().insert(header::ACCEPT_LANGUAGE, accept_language.parse().unwrap());
    request
}

#[tokio::test]
async fn a_spanish_preferring_browser_is_redirected_from_the_home_page_only() {
    let app = default_app();
    let reply = send(&app, with_language("/", "es-MX,es;q=0.9,en;q=0.5")).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.header("location"), Some("/es/"));
    assert_eq!(reply.header("vary"), Some("Accept-Language"));
    assert!(reply.header("set-cookie").is_none(), "no cookie is needed or set");
    for (uri, accept) in [
        ("/?lang=en", "es-MX,es;q=0.9,en;q=0.5"),
        ("/", "en-US,en;q=0.9,es;q=0.8"),
        ("/", "fr-FR,fr;q=0.9"),
        ("/find", "es-MX,es;q=0.9"),
        ("/check", "es"),
    ] {
        let reply = send(&app, with_language(uri, accept)).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri} with {accept}");
        assert!(reply.text().contains("<html lang=\"en\">"), "{uri} with {accept}");
    }
    let plain = send(&app, get("/")).await;
    assert_eq!(plain.status, StatusCode::OK);
    assert_eq!(plain.header("vary"), Some("Accept-Language"));
    // The Spanish home page itself never redirects, whatever the header.
    let spanish = send(&app, with_language("/es/", "en-US")).await;
    assert_eq!(spanish.status, StatusCode::OK);
}

/// The public pages served at a fixed address without a database, each in both languages (the registry, which
/// reads the store, is checked in `spanish_pages`).
const PAGES: [&str; 5] = ["/", "/about", "/find", "/check", "/list-your-clinic"];

#[tokio::test]
async fn every_public_page_has_its_language_hreflang_links_and_a_language_switch() {
    let app = default_app();
    for page in PAGES {
        for (lang, uri) in [("en", page.to_owned()), ("es", format!("/es{page}"))] {
            let reply = send(&app, get(&uri)).await;
            assert_eq!(reply.status, StatusCode::OK, "{uri}");
            let html = reply.text();
            assert!(html.contains(&format!("<html lang=\"{lang}\">")), "{uri}");
            let es_href = if page == "/" { "/es/".to_owned() } else { format!("/es{page}") };
            assert!(html.contains(&format!("<link rel=\"alternate\" hreflang=\"en\" href=\"{page}\">")), "{uri}");
            assert!(html.contains(&format!("<link rel=\"alternate\" hreflang=\"es\" href=\"{es_href}\">")), "{uri}");
            assert!(
                html.contains(&format!("<link rel=\"alternate\" hreflang=\"x-default\" href=\"{page}\">")),
                "{uri}"
            );
            let (switch_href, switch_name) = match lang {
                "en" => (es_href.clone(), "Español"),
                _ if page == "/" => ("/?lang=en".to_owned(), "English"),
                _ => (page.to_owned(), "English"),
            };
            let switch = format!(
                "<a href=\"{}\" hreflang=\"{}\"",
                switch_href.replace('=', "&#61;"),
                &switch_name[..2].to_lowercase()
            );
            let switch_plain = format!("<a href=\"{switch_href}\" hreflang=\"{}\"", &switch_name[..2].to_lowercase());
            assert!(html.contains(&switch) || html.contains(&switch_plain), "{uri}: no switch to {switch_href}");
            assert!(html.contains(&format!(">{switch_name}</a>")), "{uri}");
            assert_crisis_contacts_in(lang, &html);
        }
    }
}

/// The header's crisis line in each language: 988 and 911 always; in Spanish, 988's Spanish option (press 2),
/// Spanish text and chat.
fn assert_crisis_contacts_in(lang: &str, html: &str) {
    let header = &html[..html.find("<main").unwrap()];
    for contact in ["tel:988", "sms:988", "tel:911"] {
        assert!(header.contains(contact), "{lang}: {contact}");
    }
    if lang == "es" {
        assert!(header.contains("marque 2 para español"), "{header}");
        assert!(header.contains("envíe un mensaje de texto al 988"), "{header}");
        assert!(header.contains("https://988lifeline.org/es"), "{header}");
    }
}

#[tokio::test]
async fn the_spanish_self_check_shows_the_us_spanish_phq9_and_posts_to_spanish_pages() {
    let html = send(&default_app(), get("/es/check")).await.text();
    assert!(html.contains("Pensamientos de que estaría mejor muerto(a) o de lastimarse de alguna manera"), "{html}");
    assert!(html.contains("Durante las últimas 2 semanas, ¿qué tan seguido ha tenido molestias"), "{html}");
    assert!(html.contains("Más de la mitad de los días"));
    assert!(html.contains("<form method=\"post\" action=\"/es/check\""));
    assert!(!html.contains("Little interest or pleasure"), "no English PHQ-9 item on the Spanish page");
}

/// Walks the self-check at `base` (`/check` or `/es/check`) with item 9 at 2, answering the follow-up `no`, and
/// returns the result page.
async fn walk(app: &Router, base: &str) -> (String, String) {
    let start = send(app, get(base)).await.text();
    let mut fields = hidden_fields(&start);
    fields.extend(phq9_answers("2"));
    let follow_up = send(app, post_form(base, &fields)).await.text();
    let mut fields = hidden_fields(&follow_up);
    fields.extend(pairs(&[("acting", "no")]));
    let trials = send(app, post_form(base, &fields)).await.text();
    let mut fields = hidden_fields(&trials);
    fields.extend(pairs(&[("trial1_drug", "sertraline"), ("trial1_dose", "100"), ("trial1_weeks", "8")]));
    fields.extend(pairs(&[("trial1_improvement", "none")]));
    let about = send(app, post_form(base, &fields)).await.text();
    let mut fields = hidden_fields(&about);
    fields.extend(pairs(&[("condition", "hypertension"), ("age", "41")]));
    let result = send(app, post_form(base, &fields)).await;
    assert_eq!(result.status, StatusCode::OK);
    (follow_up, result.text())
}

#[tokio::test]
async fn a_spanish_self_check_with_item9_shows_crisis_help_in_spanish_and_the_same_score() {
    let app = default_app();
    let (follow_up, result) = walk(&app, "/es/check").await;
    let follow_main = main_of(&follow_up);
    assert!(follow_main.contains("¿está pensando en actuar según estos pensamientos?"), "{follow_main}");
    let help = follow_main.find("Llame al 988 y marque 2").expect("988 press 2 on the follow-up");
    assert!(help < follow_main.find("acting_yes").unwrap(), "crisis help comes before the question");

    let main = main_of(&result);
    assert!(result.contains("<html lang=\"es\">"));
    assert!(main.contains("El resumen de su autoevaluación"), "{main}");
    assert!(main.contains("Por favor, hable hoy con alguien"), "{main}");
    assert!(main.contains("Llame al 988 y marque 2 para español"), "{main}");
    assert!(main.contains("href=\"tel:988\"") && main.contains("href=\"sms:988\""));
    assert!(main.contains("Presión arterial alta"), "the condition in Spanish: {main}");
    assert!(main.contains("action=\"/es/check/send\""), "{main}");

    let (_, english) = walk(&app, "/check").await;
    let score = |html: &str, words: &str| {
        let main = main_of(html);
        let main = &main[main.find("id=\"scores-heading\"").unwrap()..];
        let start = main.find("<strong>").unwrap() + "<strong>".len();
        let text = &main[start..start + main[start..].find("</strong>").unwrap()];
        assert!(text.contains(words), "{text}");
        text.split(' ').next().unwrap().to_owned()
    };
    assert_eq!(score(&result, " de 27"), score(&english, " out of 27"), "the same answers give the same score");
    assert!(main_of(&english).contains("Please talk to someone today"));
}

#[tokio::test]
async fn a_spanish_form_mistake_is_explained_in_spanish() {
    let app = default_app();
    let start = send(&app, get("/es/check")).await.text();
    let reply = send(&app, post_form("/es/check", &hidden_fields(&start))).await.text();
    assert!(reply.contains("Pregunta 1: por favor, elija una de las cuatro respuestas."), "{reply}");
    assert!(reply.contains("Por favor, revise estas respuestas"), "{reply}");
}

#[tokio::test]
async fn a_missing_spanish_page_answers_in_spanish() {
    let reply = send(&default_app(), get("/es/nowhere")).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let html = reply.text();
    assert!(html.contains("<html lang=\"es\">") && html.contains("Página no encontrada"), "{html}");
    assert_crisis_contacts_in("es", &html);
}

/// A Spanish speaker finds a clinic that takes new patients, does the self-check in Spanish, and sends the summary:
/// every page on the way is Spanish, the referral records the language, and the clinic's inbox (in English, which
/// the staff read) says the self-check was answered in Spanish.
async fn a_spanish_speaker_sends_the_summary_in_spanish(p: Portal) {
    p.user("nurse@a.example", Role::Nurse, Some("clinic-a")).await;
    let mut w = Walk::new(&p);
    let clinic = w.get("/es/clinics/clinic-a").await.text();
    assert!(clinic.contains("<html lang=\"es\">") && clinic.contains("Esta clínica recibe resúmenes"), "{clinic}");
    assert!(clinic.contains("href=\"/es/check?to=clinic-a\""), "{clinic}");

    let start = w.get("/es/check?to=clinic-a").await.text();
    let answers: Vec<(String, String)> = phq9_answers("0");
    let typed: Vec<(&str, &str)> = answers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let trials = w.submit(&start, "/es/check", &typed).await.text();
    assert!(trials.contains("Antidepresivos que ha probado"), "{trials}");
    let about = w.submit(&trials, "/es/check", &[("trial1_drug", "sertraline"), ("trial1_dose", "100")]).await.text();
    let result = w.submit(&about, "/es/check", &[("age", "52")]).await.text();
    assert!(result.contains("El resumen de su autoevaluación"), "{result}");

    let send = w.submit(&result, "/es/check/send", &[]).await;
    assert_eq!(send.status, StatusCode::OK, "{}", send.text());
    let send = send.text();
    assert!(send.contains("<html lang=\"es\">") && send.contains("Enviar su resumen a Clinic clinic-a"), "{send}");
    // The preview is in the person's language, and says that the clinic reads the same summary in English.
    assert!(send.contains("Autoevaluación respondida en español"), "{send}");
    assert!(send.contains("La clínica recibe este mismo resumen en inglés."), "{send}");
    assert!(send.contains("no se indicó la duración: se necesitan al menos 6 semanas"), "a note in Spanish: {send}");
    assert!(send.contains("Nivel de crisis") && !send.contains("duration not given"), "{send}");
    let sent = w.submit(&send, "/es/check/send/confirm", &CONTACT).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.text());
    let sent = sent.text();
    assert!(sent.contains("Su resumen se envió a Clinic clinic-a"), "{sent}");
    assert!(sent.contains("KetaPath no guardó nada más") && !sent.contains("KetaPath kept nothing else"), "{sent}");

    let mut staff = p.browser();
    staff.sign_in("nurse@a.example", PASSWORD, "").await;
    let inbox = staff.get("/portal/referrals").await.text();
    assert!(inbox.contains("Self-check answered in Spanish"), "{inbox}");
    assert!(inbox.contains("duration not given: at least 6 weeks are needed"), "the clinic reads English: {inbox}");
}

#[tokio::test]
async fn a_spanish_speaker_sends_the_summary_in_spanish_on_sqlite() {
    a_spanish_speaker_sends_the_summary_in_spanish(Portal::sqlite().await).await;
}

#[tokio::test]
async fn a_spanish_speaker_sends_the_summary_in_spanish_on_postgresql() {
    let Some(p) = Portal::postgres().await else { return };
    a_spanish_speaker_sends_the_summary_in_spanish(p).await;
}
