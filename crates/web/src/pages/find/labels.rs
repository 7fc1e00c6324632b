//! Plain-language labels for the listing codes, shared by the finder, the clinic page, the no-results links and the
//! portal, in the page's language: the words are in the catalogue (`locales/*/finder.ftl`).

use ketapath_clinical::protocols::Modality;
use ketapath_directory::{Offer, Payment};
use ketapath_research::stats::Proportion;

use crate::i18n::{Lang, Tr};

/// A treatment in words.
pub fn offer(offer: Offer, t: Tr) -> String {
    t.m(match offer {
        Offer::EsketamineNasal => "offer-esketamine-nasal",
        Offer::IvKetamine => "offer-iv-ketamine",
        Offer::ImKetamine => "offer-im-ketamine",
        Offer::OralKetamine => "offer-oral-ketamine",
        Offer::KetamineAssistedPsychotherapy => "offer-kap",
        Offer::Tms => "offer-tms",
        Offer::Ect => "offer-ect",
    })
}

/// A way to pay in words.
pub fn payment(payment: Payment, t: Tr) -> String {
    t.m(match payment {
        Payment::PrivateInsurance => "payment-private-insurance",
        Payment::Medicare => "payment-medicare",
        Payment::Medicaid => "payment-medicaid",
        Payment::SelfPay => "payment-self-pay",
        Payment::SlidingScale => "payment-sliding-scale",
        Payment::Military => "payment-military",
    })
}

/// The name of an ISO 639-1 code in `t`'s language. The catalogue names the languages listings often carry; any
/// other keeps the shipped list's English name (or, when the list has none, the code itself), which a reader can
/// still recognise, rather than no name at all.
pub fn language(code: &str, t: Tr) -> String {
    let id = match code {
        "en" => "language-en",
        "es" => "language-es",
        "zh" => "language-zh",
        "vi" => "language-vi",
        "tl" => "language-tl",
        "ar" => "language-ar",
        "fr" => "language-fr",
        "ko" => "language-ko",
        "ru" => "language-ru",
        "ht" => "language-ht",
        "pt" => "language-pt",
        "pl" => "language-pl",
        "de" => "language-de",
        "it" => "language-it",
        "hi" => "language-hi",
        "ja" => "language-ja",
        "fa" => "language-fa",
        "ur" => "language-ur",
        "bn" => "language-bn",
        "pa" => "language-pa",
        "gu" => "language-gu",
        "uk" => "language-uk",
        "el" => "language-el",
        "he" => "language-he",
        "so" => "language-so",
        "am" => "language-am",
        "km" => "language-km",
        "hy" => "language-hy",
        _ => "",
    };
    if id.is_empty() {
        ketapath_directory::languages::language_name(code).map_or_else(|| code.to_owned(), str::to_owned)
    } else {
        t.m(id)
    }
}

/// The words for the Plan-Net accessibility codes a listing carries (`handiaccess`), without repeats. A code
/// KetaPath has no words for is never shown as code: it becomes one line asking the reader to check with the clinic.
pub fn accessibility(codes: &[String], t: Tr) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for code in codes {
        let word = t.m(match code.trim().to_ascii_lowercase().as_str() {
            "handiaccess" => "access-handiaccess",
            "adacomp" => "access-adacomp",
            "pubtrans" => "access-pubtrans",
            "cultcomp" => "access-cultcomp",
            _ => "access-other",
        });
        if !words.contains(&word) {
            words.push(word);
        }
    }
    words
}

/// A treatment of the registry and of a clinic's published outcomes, in words.
pub fn modality(modality: Modality, t: Tr) -> String {
    t.m(match modality {
        Modality::EsketamineNasal => "modality-esketamine-nasal",
        Modality::IvKetamine => "modality-iv-ketamine",
        Modality::ImKetamine => "modality-im-ketamine",
        Modality::OralKetamine => "modality-oral-ketamine",
    })
}

/// A rate with its Wilson interval: "45.0% (95% CI 30.1–60.2%)" as the research crate writes it in English, the
/// catalogue's wording otherwise.
pub fn rate(p: &Proportion, t: Tr) -> String {
    if t.lang() == Lang::En {
        return p.to_string();
    }
    let percent = |share: f64| format!("{:.1}", share * 100.0);
    t.a(
        "rate-interval",
        [("rate", percent(p.rate)), ("low", percent(p.interval.low)), ("high", percent(p.interval.high))],
    )
}

/// A period between two dates as the registry gives them: "2026-01 to 2026-06".
pub fn period(from: &str, to: &str, t: Tr) -> String {
    t.a("period", [("first", from.to_owned()), ("last", to.to_owned())])
}

/// The date in `t`'s language, "27 November 2026" or "27 de noviembre de 2026": one wording for the finder, the
/// clinic page, the self-check's result and the summary.
pub fn date(date: time::Date, t: Tr) -> String {
    match t.lang() {
        Lang::En => format!("{} {} {}", date.day(), date.month(), date.year()),
        Lang::Es => t.a(
            "long-date",
            [
                ("day", date.day().to_string()),
                ("month", t.m(&format!("month-{}", u8::from(date.month())))),
                ("year", date.year().to_string()),
            ],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_a_label_in_both_languages() {
        for lang in Lang::ALL {
            let t = lang.tr();
            assert!(Offer::ALL.iter().all(|o| !offer(*o, t).is_empty() && !offer(*o, t).contains("Unknown")));
            assert!(Payment::ALL.iter().all(|p| !payment(*p, t).is_empty() && !payment(*p, t).contains("Unknown")));
        }
        let codes = ["handiaccess", "HANDIACCESS", "xyz"].map(str::to_owned);
        assert_eq!(
            accessibility(&codes, Lang::En.tr()),
            ["Accessible to people with disabilities", "Other accessibility features: ask the clinic"]
        );
        assert_eq!(
            accessibility(&codes, Lang::Es.tr()),
            [
                "Accesible para personas con discapacidad",
                "Otras características de accesibilidad: pregunte a la clínica"
            ]
        );
    }

    #[test]
    fn modalities_read_as_the_engine_labels_them_in_english() {
        for m in Modality::ALL {
            assert_eq!(modality(m, Lang::En.tr()), m.label());
            assert!(!modality(m, Lang::Es.tr()).contains("Unknown"));
        }
    }

    #[test]
    fn rates_keep_their_figures_in_both_languages() {
        use ketapath_research::stats::Interval;
        let p = Proportion { successes: 9, n: 20, rate: 0.45, interval: Interval { low: 0.258, high: 0.658 } };
        assert_eq!(rate(&p, Lang::En.tr()), p.to_string());
        assert_eq!(rate(&p, Lang::Es.tr()), "45.0 % (IC del 95 %: 25.8–65.8 %)");
        assert_eq!(period("2026-01", "2026-06", Lang::Es.tr()), "del 2026-01 al 2026-06");
        assert_eq!(period("2026-01", "2026-06", Lang::En.tr()), "2026-01 to 2026-06");
    }

    #[test]
    fn languages_and_dates_read_in_the_page_language() {
        assert_eq!(language("es", Lang::En.tr()), "Spanish");
        assert_eq!(language("es", Lang::Es.tr()), "Español");
        // A language the catalogue does not name keeps the shipped English name rather than its code.
        assert_eq!(language("yo", Lang::Es.tr()), "Yoruba");
        // The English names are the shipped list's, so English pages read as they did before the catalogue.
        for code in ketapath_directory::languages::all_codes() {
            let shipped = ketapath_directory::languages::language_name(code).unwrap_or_default();
            assert_eq!(language(code, Lang::En.tr()), shipped, "{code}");
        }
        let day = time::macros::date!(2026 - 11 - 27);
        assert_eq!(date(day, Lang::En.tr()), "27 November 2026");
        assert_eq!(date(day, Lang::Es.tr()), "27 de noviembre de 2026");
    }
}
