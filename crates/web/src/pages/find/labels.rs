//! Plain-language labels for the listing codes, shared by the finder, the clinic page and the no-results links.

use ketapath_directory::{Offer, Payment};

pub fn offer(offer: Offer) -> &'static str {
    match offer {
        Offer::EsketamineNasal => "Esketamine nasal spray (SPRAVATO)",
        Offer::IvKetamine => "Ketamine infusion (IV)",
        Offer::ImKetamine => "Ketamine injection (IM)",
        Offer::OralKetamine => "Oral or lozenge ketamine",
        Offer::KetamineAssistedPsychotherapy => "Ketamine-assisted psychotherapy",
        Offer::Tms => "TMS (transcranial magnetic stimulation)",
        Offer::Ect => "ECT (electroconvulsive therapy)",
    }
}

pub fn payment(payment: Payment) -> &'static str {
    match payment {
        Payment::PrivateInsurance => "Private insurance",
        Payment::Medicare => "Medicare",
        Payment::Medicaid => "Medicaid",
        Payment::SelfPay => "Self-pay",
        Payment::SlidingScale => "Sliding-scale fees",
        Payment::Military => "Military (TRICARE, VA)",
    }
}

/// The English name of an ISO 639-1 code, or the code itself when the shipped list has no name.
pub fn language(code: &str) -> String {
    ketapath_directory::languages::language_name(code).map_or_else(|| code.to_owned(), str::to_owned)
}

/// The words for the Plan-Net accessibility codes a listing carries (`handiaccess`), without repeats. A code
/// KetaPath has no words for is never shown as code: it becomes one line asking the reader to check with the clinic.
pub fn accessibility(codes: &[String]) -> Vec<&'static str> {
    let mut words: Vec<&'static str> = Vec::new();
    for code in codes {
        let word = match code.trim().to_ascii_lowercase().as_str() {
            "handiaccess" => "Accessible to people with disabilities",
            "adacomp" => "Meets the Americans with Disabilities Act (ADA) standards",
            "pubtrans" => "Reachable by public transport",
            "cultcomp" => "Offers culturally competent care",
            _ => "Other accessibility features: ask the clinic",
        };
        if !words.contains(&word) {
            words.push(word);
        }
    }
    words
}

/// "27 November 2026".
pub fn date(date: time::Date) -> String {
    format!("{} {} {}", date.day(), date.month(), date.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_a_label() {
        assert!(Offer::ALL.iter().all(|o| !offer(*o).is_empty()));
        assert!(Payment::ALL.iter().all(|p| !payment(*p).is_empty()));
        let codes = ["handiaccess", "HANDIACCESS", "xyz"].map(str::to_owned);
        assert_eq!(
            accessibility(&codes),
            ["Accessible to people with disabilities", "Other accessibility features: ask the clinic"]
        );
    }
}
