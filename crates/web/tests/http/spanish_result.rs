//! The Spanish self-check result in Spanish down to the engine's own sentences (issue 18, item 4): the trial notes
//! and judgements, the TRD text, item 9, each contraindication's and caution's label, detail, what to discuss and
//! source, and the list of what to discuss; none of the English sentences for the same codes; the same score as
//! the English run; the form's range messages in Spanish; and the send page's messages and the page of a clinic
//! that has had its day's share of summaries in Spanish.

// Test helpers may unwrap: a panic there is a failed test with its cause.
#![allow(clippy::unwrap_used)]

use axum::Router;
use axum::http::StatusCode;
use ketapath_clinical::screen::{ScreenConfig, Screening, ScreeningInput, screen};
use ketapath_clinical::sentence::Sentence;
use ketapath_web::i18n::Lang;
use serde_json::json;

use ketapath_store::domain::Role;

use crate::check::phq9_answers;
use crate::portal_support::*;
use crate::referral::{CONTACT, Walk};
use crate::support::*;

/// The trials typed: an adequate trial that did not help, and an add-on that is reported but not counted.
const TRIALS: [(&str, &str); 9] = [
    ("trial1_drug", "sertraline"),
    ("trial1_dose", "100"),
    ("trial1_weeks", "8"),
    ("trial1_improvement", "none"),
    ("trial2_drug", "aripiprazole"),
    ("trial2_dose", "5"),
    ("trial2_weeks", "1"),
    ("trial2_improvement", "partial"),
    ("trial2_augmentation", "yes"),
];

/// The last step's answers: a contraindication, a caution, and an age and a reading that raise cautions with a
/// detail.
const ABOUT: [(&str, &str); 6] = [
    ("condition", "intracerebral_hemorrhage"),
    ("condition", "pregnancy"),
    ("age", "70"),
    ("systolic", "150"),
    ("diastolic", "95"),
    ("episode_months", "14"),
];

/// The same answers as the engine's input document.
fn engine_screening() -> Screening {
    let input = ScreeningInput::parse(&json!({
        "phq9": [1, 2, 1, 3, 0, 1, 2, 1, 2],
        "acting_on_thoughts": false,
        "trials": [
            {"drug": "sertraline", "dose_mg_per_day": 100, "weeks": 8, "improvement": "none", "augmentation": false},
            {"drug": "aripiprazole", "dose_mg_per_day": 5, "weeks": 1, "improvement": "partial", "augmentation": true}
        ],
        "conditions": ["intracerebral_hemorrhage", "pregnancy"],
        "age": 70,
        "blood_pressure": {"systolic": 150, "diastolic": 95},
        "episode_months": 14
    }))
    .unwrap();
    screen(&input, &ScreenConfig::default())
}

async fn submit(app: &Router, base: &str, html: &str, typed: &[(&str, &str)]) -> String {
    let mut fields = hidden_fields(html);
    fields.extend(pairs(typed));
    let reply = send(app, post_form(base, &fields)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    reply.text()
}

/// Walks `base` (`/check` or `/es/check`) to the last step: item 9 at 2, not acting on it, the two trials.
async fn to_last_step(app: &Router, base: &str) -> String {
    let start = send(app, get(base)).await.text();
    let mut fields = hidden_fields(&start);
    fields.extend(phq9_answers("2"));
    let follow_up = send(app, post_form(base, &fields)).await.text();
    let trials = submit(app, base, &follow_up, &[("acting", "no")]).await;
    submit(app, base, &trials, &TRIALS).await
}

/// The visible text of the page's `<main>`, entities decoded, so that sentences compare as written.
async fn result_text(app: &Router, base: &str) -> (String, String) {
    let about = to_last_step(app, base).await;
    let result = submit(app, base, &about, &ABOUT).await;
    let text = unescape(main_of(&result));
    (result, text)
}

/// Every coded sentence of the screening, with its code.
fn sentences(screening: &Screening) -> Vec<&dyn Sentence> {
    let mut all: Vec<&dyn Sentence> = Vec::new();
    all.extend(screening.discuss.iter().map(|s| s as &dyn Sentence));
    all.extend(screening.trials.iter().flat_map(|t| t.notes.iter()).map(|s| s as &dyn Sentence));
    all.extend(
        screening
            .contraindications
            .iter()
            .chain(&screening.cautions)
            .filter_map(|f| f.detail.as_ref())
            .map(|s| s as &dyn Sentence),
    );
    all
}

#[tokio::test]
async fn the_spanish_result_words_every_engine_sentence_in_spanish_and_none_in_english() {
    let screening = engine_screening();
    assert!(!screening.contraindications.is_empty() && screening.cautions.len() >= 3, "{screening:?}");
    assert!(screening.discuss.len() >= 5, "several things to discuss: {:?}", screening.discuss);
    assert!(screening.trials.iter().any(|t| !t.counted), "an add-on");
    let app = default_app();
    let (spanish_page, spanish) = result_text(&app, "/es/check").await;
    let (english_page, english) = result_text(&app, "/check").await;
    assert!(spanish_page.contains("<html lang=\"es\">"));
    assert!(english_page.contains("<html lang=\"en\">"));

    let (es, en) = (Lang::Es.tr(), Lang::En.tr());
    for sentence in sentences(&screening) {
        let code = sentence.code();
        let (in_spanish, in_english) = (es.sentence(sentence), en.sentence(sentence));
        assert_eq!(in_english, sentence.to_string(), "{code}: the English page says what the JSON API says");
        assert!(english.contains(&in_english), "{code}: {in_english:?} on the English page");
        assert!(spanish.contains(&in_spanish), "{code}: {in_spanish:?} missing from the Spanish page: {spanish}");
        assert!(!spanish.contains(&in_english), "{code}: English {in_english:?} on the Spanish page");
    }
    for finding in screening.contraindications.iter().chain(&screening.cautions) {
        for part in ["", "-discuss", "-source"] {
            let id = format!("condition-{}{part}", finding.code);
            let (in_spanish, in_english) = (es.m(&id), en.m(&id));
            assert!(spanish.contains(&in_spanish), "{id}: {in_spanish:?} missing: {spanish}");
            assert!(!spanish.contains(&in_english), "{id}: English {in_english:?} on the Spanish page");
            assert!(english.contains(&in_english), "{id}: {in_english:?} on the English page");
        }
        assert!(spanish.contains(&finding.rule.to_string()), "the rule id stays, folded away");
    }
    // The words the page itself adds: the judgements, the TRD heading and item 9.
    for (spanish_words, english_words) in [
        ("No lo suficiente", "Not enough"),
        ("Usted respondió “Más de la mitad de los días” a la pregunta 9", "You answered"),
        ("definición habitual de depresión resistente al tratamiento", "treatment-resistant depression"),
        ("complemento, no se cuenta", "add-on, not counted"),
    ] {
        assert!(spanish.contains(spanish_words), "{spanish_words:?} missing: {spanish}");
        assert!(!spanish.contains(english_words), "{english_words:?} on the Spanish page");
    }
    for english_only in ["Tell a clinician", "Discuss ", "prescribing information", "mg/day", " weeks"] {
        assert!(!spanish.contains(english_only), "{english_only:?} on the Spanish page: {spanish}");
    }

    let score = |text: &str, of: &str| {
        let at = text.find(of).unwrap();
        text[..at].rsplit(|c: char| !c.is_ascii_digit()).next().unwrap().to_owned()
    };
    assert_eq!(score(&spanish, " de 27"), score(&english, " out of 27"), "the same answers give the same score");
    assert_eq!(score(&spanish, " de 27"), screening.phq9.total.to_string());
}

/// The message of the form's error summary on `html`.
fn error_message(html: &str) -> String {
    let summary = &html[html.find("class=\"error-summary\"").expect("an error summary")..];
    let link = &summary[summary.find("<li><a href=").unwrap() + "<li><a href=".len()..];
    let start = link.find('>').unwrap() + 1;
    unescape(&link[start..start + link[start..].find("</a>").unwrap()])
}

#[tokio::test]
async fn the_spanish_form_explains_values_out_of_range_in_spanish() {
    let app = default_app();
    let (es_last, en_last) = (to_last_step(&app, "/es/check").await, to_last_step(&app, "/check").await);
    for (typed, spanish) in [
        (vec![("age", "150")], "Por favor, escriba su edad en años cumplidos, de 0 a 120, o déjela vacía."),
        (
            vec![("systolic", "90"), ("diastolic", "120")],
            "El número de abajo debe ser menor que el de arriba: ¿se invirtieron los valores?",
        ),
        (
            vec![("systolic", "400"), ("diastolic", "90")],
            "Por favor, escriba el número de arriba como un número entero de mmHg de 50 a 300.",
        ),
        (vec![("episode_months", "5000")], "Por favor, escriba un número de meses de 0 a 1440, o déjelo vacío."),
    ] {
        let es_page = submit(&app, "/es/check", &es_last, &typed).await;
        let en_page = submit(&app, "/check", &en_last, &typed).await;
        assert!(es_page.contains("<html lang=\"es\">"));
        let (es_message, en_message) = (error_message(&es_page), error_message(&en_page));
        assert_eq!(es_message, spanish, "{typed:?}");
        assert!(!unescape(main_of(&es_page)).contains(&en_message), "{typed:?}: English {en_message:?} in Spanish");
        assert!(unescape(main_of(&en_page)).contains(&en_message));
    }

    // A trial's range is explained on the trials step, with the row's number.
    let start = send(&app, get("/es/check")).await.text();
    let mut fields = hidden_fields(&start);
    fields.extend(phq9_answers("0"));
    let trials = send(&app, post_form("/es/check", &fields)).await.text();
    let page = submit(&app, "/es/check", &trials, &[("trial1_drug", "sertraline"), ("trial1_weeks", "9000")]).await;
    assert_eq!(
        error_message(&page),
        "Medicamento 1, semanas: por favor, escriba un número de semanas de 0 a 5200, o déjelo vacío."
    );
}

/// Walks the Spanish self-check for `clinic-a` to its send page.
async fn spanish_send_page(w: &mut Walk) -> String {
    let start = w.get("/es/check?to=clinic-a").await.text();
    let answers = phq9_answers("0");
    let typed: Vec<(&str, &str)> = answers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let trials = w.submit(&start, "/es/check", &typed).await.text();
    let about = w.submit(&trials, "/es/check", &[("trial1_drug", "sertraline")]).await.text();
    let result = w.submit(&about, "/es/check", &[]).await.text();
    w.submit(&result, "/es/check/send", &[]).await.text()
}

async fn a_full_clinic_and_a_send_mistake_are_explained_in_spanish(p: Portal) {
    p.user("nurse@a.example", Role::Nurse, Some("clinic-a")).await;
    p.user("admin@a.example", Role::ClinicAdmin, Some("clinic-a")).await;
    let mut admin = p.browser();
    admin.sign_in("admin@a.example", PASSWORD, "").await;
    let csrf = admin.csrf().await;
    let set = admin.post("/portal/clinic/referral-cap", &[("csrf", &csrf), ("referral_daily_cap", "1")]).await;
    assert_eq!(set.status, StatusCode::SEE_OTHER, "{}", set.text());

    // Without the consent ticked, the field's message is Spanish, and so is the summary of mistakes.
    let mut w = Walk::new(&p);
    let send = spanish_send_page(&mut w).await;
    let refused = w.submit(&send, "/es/check/send/confirm", &CONTACT[..4]).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.text());
    let refused = unescape(main_of(&refused.text()));
    assert!(refused.contains("Por favor, marque la casilla para aceptar el envío"), "{refused}");
    assert!(!refused.contains("Please tick the box"), "{refused}");

    let sent = w.submit(&send, "/es/check/send/confirm", &CONTACT).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.text());
    let sent = unescape(main_of(&sent.text()));
    assert!(sent.contains("Clinic clinic-a recibió su resumen de autoevaluación, su número de teléfono y su correo"));
    assert!(sent.contains("se comunicará con usted por teléfono o por correo electrónico"), "{sent}");
    assert!(!sent.contains("has received") && !sent.contains("will contact you"), "{sent}");

    let mut other = Walk::new(&p);
    let send = spanish_send_page(&mut other).await;
    let contact = [("email", "otra@example.org"), ("consent", "yes")];
    let full = other.submit(&send, "/es/check/send/confirm", &contact).await;
    assert_eq!(full.status, StatusCode::TOO_MANY_REQUESTS, "{}", full.text());
    let html = full.text();
    assert!(html.contains("<html lang=\"es\">"));
    // The words as read, tags dropped and spaces evened out.
    let full = unescape(&visible(main_of(&html))).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(full.contains("Clinic clinic-a no puede recibir más resúmenes por KetaPath hoy"), "{full}");
    assert!(full.contains("Su resumen no se envió") && full.contains("Clinic clinic-a ya recibió hoy"), "{full}");
    assert!(full.contains("Por favor, llame directamente a la clínica:") && html.contains("href=\"tel:5550100\""));
    for english in ["cannot take more", "not sent", "Please call the clinic", "try this clinic again"] {
        assert!(!full.contains(english), "{english:?} on the Spanish page: {full}");
    }
}

#[tokio::test]
async fn a_full_clinic_and_a_send_mistake_are_explained_in_spanish_on_sqlite() {
    a_full_clinic_and_a_send_mistake_are_explained_in_spanish(Portal::sqlite().await).await;
}

#[tokio::test]
async fn a_full_clinic_and_a_send_mistake_are_explained_in_spanish_on_postgresql() {
    let Some(p) = Portal::postgres().await else { return };
    a_full_clinic_and_a_send_mistake_are_explained_in_spanish(p).await;
}
