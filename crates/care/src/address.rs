//! A patient's postal address as staff enter it: the portal's address form (street optional, city, state, ZIP)
//! and the intake's ZIP. Both are checked here (a US ZIP of 5 digits or ZIP+4, a two-letter USPS state code) and
//! stored through the clinic scope's audited writes; the research export's `zip3` and `state` come from it.

use ketapath_clinical::InvalidInput;
use ketapath_directory::Zip;
use ketapath_directory::geo::is_usps_code;
use ketapath_store::ClinicScope;
use ketapath_store::domain::{PatientAddress, PatientId};

use crate::treatment::TreatmentResult;

/// The longest street or city kept, in characters.
pub const MAX_LINE_CHARS: usize = 200;

/// A US ZIP code as typed (5 digits, or ZIP+4 such as `12345-6789`), trimmed; otherwise an error naming `field`.
pub fn us_zip(field: &str, raw: &str) -> Result<String, InvalidInput> {
    let zip = raw.trim();
    Zip::parse(zip)
        .map(|_| zip.to_owned())
        .map_err(|_| InvalidInput::new(field, "must be a US ZIP code of 5 digits, or ZIP+4 such as 12345-6789"))
}

/// A two-letter USPS state or territory code, upper-cased; otherwise an error naming `field`.
pub fn state_code(field: &str, raw: &str) -> Result<String, InvalidInput> {
    let state = raw.trim().to_ascii_uppercase();
    if is_usps_code(&state) {
        Ok(state)
    } else {
        Err(InvalidInput::new(field, "must be a 2-letter US state or territory code, such as NY, DC or PR"))
    }
}

/// The address form as sent, each field as typed (absent or blank when left empty).
#[derive(Debug, Clone, Copy, Default)]
pub struct AddressForm<'a> {
    pub street: Option<&'a str>,
    pub city: Option<&'a str>,
    pub state: Option<&'a str>,
    pub zip: Option<&'a str>,
}

impl AddressForm<'_> {
    /// The checked address: the street is optional; the city, the state and the ZIP are required. Errors name the
    /// field (`street`, `city`, `state`, `zip`) and say what to enter.
    pub fn checked(&self) -> Result<PatientAddress, InvalidInput> {
        let given = |v: Option<&str>| v.map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
        let line = |field: &str, v: Option<&str>| -> Result<Option<String>, InvalidInput> {
            let value = given(v);
            if let Some(text) = &value
                && (text.chars().count() > MAX_LINE_CHARS || text.chars().any(char::is_control))
            {
                return Err(InvalidInput::new(
                    field,
                    format!("must be one line of at most {MAX_LINE_CHARS} characters"),
                ));
            }
            Ok(value)
        };
        let required = |field: &str, v: Option<&str>| given(v).ok_or_else(|| InvalidInput::new(field, "is required"));
        Ok(PatientAddress {
            street: line("street", self.street)?,
            city: Some(line("city", self.city)?.ok_or_else(|| InvalidInput::new("city", "is required"))?),
            state: Some(state_code("state", &required("state", self.state)?)?),
            zip: Some(us_zip("zip", &required("zip", self.zip)?)?),
        })
    }
}

/// Checks and stores (replaces) a patient's address; another clinic's patient is "not found".
pub async fn set(scope: &ClinicScope, patient: PatientId, form: &AddressForm<'_>) -> TreatmentResult<PatientAddress> {
    let address = form.checked()?;
    scope.set_patient_address(patient, address.clone()).await?;
    Ok(address)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form<'a>(street: &'a str, city: &'a str, state: &'a str, zip: &'a str) -> AddressForm<'a> {
        AddressForm { street: Some(street), city: Some(city), state: Some(state), zip: Some(zip) }
    }

    #[test]
    fn an_address_needs_a_city_a_state_code_and_a_us_zip() {
        let ok = form("", " Keene ", "nh", "03431-1234").checked().expect("valid");
        assert_eq!(ok.street, None);
        assert_eq!(ok.city.as_deref(), Some("Keene"));
        assert_eq!(ok.state.as_deref(), Some("NH"));
        assert_eq!(ok.zip.as_deref(), Some("03431-1234"));
        for (bad, field) in [
            (form("", "", "NH", "03431"), "city"),
            (form("", "Keene", "New Hampshire", "03431"), "state"),
            (form("", "Keene", "XX", "03431"), "state"),
            (form("", "Keene", "", "03431"), "state"),
            (form("", "Keene", "NH", "3431"), "zip"),
            (form("", "Keene", "NH", "03431-12"), "zip"),
            (form("", "Keene", "NH", "SW1A 1AA"), "zip"),
            (form("", "Keene", "NH", ""), "zip"),
            (form("line\nbreak", "Keene", "NH", "03431"), "street"),
        ] {
            assert_eq!(bad.checked().expect_err("invalid").field, field);
        }
    }
}
