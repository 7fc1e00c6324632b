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

/// "12.3 km (7.6 mi)".
pub fn distance(km: f64) -> String {
    format!("{km:.1} km ({:.1} mi)", km / KM_PER_MILE)
}

/// Kilometres in an international mile.
pub const KM_PER_MILE: f64 = 1.609_344;

/// "Monday" for the FHIR day code `mon`.
pub fn day(code: &str) -> &str {
    match code {
        "mon" => "Monday",
        "tue" => "Tuesday",
        "wed" => "Wednesday",
        "thu" => "Thursday",
        "fri" => "Friday",
        "sat" => "Saturday",
        "sun" => "Sunday",
        other => other,
    }
}

/// "27 November 2026".
pub fn date(date: time::Date) -> String {
    format!("{} {} {}", date.day(), date.month(), date.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_shows_both_units() {
        assert_eq!(distance(16.09344), "16.1 km (10.0 mi)");
    }

    #[test]
    fn every_code_has_a_label() {
        assert!(Offer::ALL.iter().all(|o| !offer(*o).is_empty()));
        assert!(Payment::ALL.iter().all(|p| !payment(*p).is_empty()));
        assert_eq!(day("sat"), "Saturday");
    }
}
