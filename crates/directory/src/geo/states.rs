//! The USPS two-letter codes a clinic's `state` may carry: the 50 states, DC and the inhabited territories.

/// The 50 states, the District of Columbia, the five inhabited territories (AS, GU, MP, PR, VI) and the three
/// freely associated states served by USPS (FM, MH, PW). The military codes AA, AE and AP are left out on
/// purpose: a clinic open to the public is not at an APO/FPO address.
pub const USPS_CODES: [&str; 59] = [
    "AK", "AL", "AR", "AS", "AZ", "CA", "CO", "CT", "DC", "DE", "FL", "FM", "GA", "GU", "HI", "IA", "ID", "IL", "IN",
    "KS", "KY", "LA", "MA", "MD", "ME", "MH", "MI", "MN", "MO", "MP", "MS", "MT", "NC", "ND", "NE", "NH", "NJ", "NM",
    "NV", "NY", "OH", "OK", "OR", "PA", "PR", "PW", "RI", "SC", "SD", "TN", "TX", "UT", "VA", "VI", "VT", "WA", "WI",
    "WV", "WY",
];

/// Whether `code` is one of [`USPS_CODES`], exactly (upper case).
pub fn is_usps_code(code: &str) -> bool {
    USPS_CODES.binary_search(&code).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_sorted_unique_and_exact() {
        assert!(USPS_CODES.windows(2).all(|w| w[0] < w[1]), "binary search needs sorted codes");
        assert!(is_usps_code("NY") && is_usps_code("DC") && is_usps_code("PR"));
        assert!(!is_usps_code("ny") && !is_usps_code("AE") && !is_usps_code("XX") && !is_usps_code("N"));
    }
}
