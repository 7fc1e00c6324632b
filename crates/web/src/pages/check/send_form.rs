//! The fields of the send pages besides the answers: the clinic chosen, the place typed to search clinics by,
//! and the contact details, as typed, with the checks that turn them into what the referral keeps.
//!
//! Every field keeps exactly what was typed so that a page shown again with a message loses nothing; the checks
//! name the form field at fault (`email`, `consent`), as the self-check's own steps do.

use super::form::FieldError;

/// Longest message kept, in characters.
pub const MESSAGE_MAX: usize = 1000;

/// Longest name kept, in characters.
pub const NAME_MAX: usize = 100;

/// Longest value read from any field. The message may be longer than allowed (and then is refused with a
/// message, keeping the text); this only bounds what a hand-made request can make the page echo.
const READ_MAX: usize = 4 * MESSAGE_MAX;

/// What the person typed or chose on the send pages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SendForm {
    /// The chosen clinic's id, as submitted.
    pub clinic: String,
    /// A ZIP code or "City, ST" to sort the clinics by distance.
    pub place: String,
    /// `search` (sort the list by `place`), `choose` (go on with `clinic`), `change` (back to the list).
    pub action: String,
    pub name: String,
    pub phone: String,
    pub email: String,
    pub message: String,
    pub consent: bool,
    /// Whether the list shows clinics that are not taking new patients too (by default it does not).
    pub all: bool,
}

/// The contact details the referral keeps (the use case's own type).
pub use ketapath_care::referrals::Contact;

impl SendForm {
    /// Reads the send fields of a form body; the answers in the same body are read by `CheckForm::parse`.
    pub fn parse(body: &[u8]) -> Self {
        let mut form = SendForm::default();
        for (key, value) in form_urlencoded::parse(body) {
            let value: String = value.chars().take(READ_MAX).collect();
            match key.as_ref() {
                "clinic" => form.clinic = value.trim().to_owned(),
                "place" => form.place = value.trim().to_owned(),
                "action" => form.action = value.trim().to_owned(),
                "name" => form.name = value.trim().to_owned(),
                "phone" => form.phone = value.trim().to_owned(),
                "email" => form.email = value.trim().to_owned(),
                // Line breaks inside a message are the person's; only the ends are trimmed.
                "message" => form.message = value.trim().to_owned(),
                "consent" => form.consent = value == "yes",
                "all" => form.all = value == "yes",
                _ => {}
            }
        }
        form
    }

    /// The typed contact fields as (name, value) pairs, to carry in hidden fields while a clinic is chosen.
    pub fn contact_pairs(&self) -> Vec<(String, String)> {
        [("name", &self.name), ("phone", &self.phone), ("email", &self.email), ("message", &self.message)]
            .into_iter()
            .filter(|(_, value)| !value.is_empty())
            .map(|(name, value)| (name.to_owned(), value.clone()))
            .collect()
    }

    /// Checks the contact details and the consent; every problem is reported, each naming its field.
    pub fn contact(&self) -> Result<Contact, Vec<FieldError>> {
        let mut errors = Vec::new();
        for (field, value) in
            [("name", &self.name), ("phone", &self.phone), ("email", &self.email), ("message", &self.message)]
        {
            // PostgreSQL's text columns cannot hold a NUL character, and no contact detail needs one.
            if value.contains('\0') {
                errors.push(FieldError::coded(field, "error-send-nul", Vec::new()));
            }
        }
        let bad = |field: &str| errors.iter().any(|e: &FieldError| e.field == field);
        let mut more = Vec::new();
        if !bad("name") {
            if self.name.chars().count() > NAME_MAX {
                more.push(FieldError::coded("name", "error-send-name-long", vec![("max", NAME_MAX.to_string())]));
            } else if self.name.chars().any(char::is_control) {
                more.push(FieldError::coded("name", "error-send-name-control", Vec::new()));
            } else if !self.name.trim().is_empty() && ketapath_directory::text::shows_nothing(&self.name) {
                more.push(FieldError::coded("name", "error-send-name-invisible", Vec::new()));
            }
        }
        if self.phone.is_empty() && self.email.is_empty() {
            more.push(FieldError::coded("contact", "error-send-contact", Vec::new()));
        }
        if !self.phone.is_empty() && !bad("phone") && !is_phone(&self.phone) {
            more.push(FieldError::coded("phone", "error-send-phone", Vec::new()));
        }
        if !self.email.is_empty() && !bad("email") && !is_email(&self.email) {
            more.push(FieldError::coded("email", "error-send-email", Vec::new()));
        }
        if !bad("message") && self.message.chars().count() > MESSAGE_MAX {
            let count = self.message.chars().count();
            more.push(FieldError::coded(
                "message",
                "error-send-message-long",
                vec![("max", MESSAGE_MAX.to_string()), ("n", count.to_string())],
            ));
        }
        if !self.consent {
            more.push(FieldError::coded("consent", "error-send-consent", Vec::new()));
        }
        errors.extend(more);
        if !errors.is_empty() {
            return Err(errors);
        }
        let some = |value: &str| (!value.is_empty()).then(|| value.to_owned());
        Ok(Contact {
            name: some(&self.name),
            phone: some(&self.phone),
            email: some(&self.email),
            message: some(&self.message),
        })
    }
}

/// A phone number as people write one: digits with spaces, dots, dashes, brackets and a leading `+`, and 7 to
/// 15 digits in all (E.164 allows at most 15).
pub fn is_phone(raw: &str) -> bool {
    let digits = raw.chars().filter(char::is_ascii_digit).count();
    let allowed = raw
        .chars()
        .enumerate()
        .all(|(i, c)| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')') || (c == '+' && i == 0));
    allowed && (7..=15).contains(&digits)
}

/// An e-mail address of the everyday shape `local@domain.tld`: no spaces, one `@`, a dotted domain of letters,
/// digits and hyphens. Deliberately simple: the clinic writes to it, nothing here sends mail.
pub fn is_email(raw: &str) -> bool {
    let Some((local, domain)) = raw.split_once('@') else { return false };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && local.chars().all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c))
        && !local.starts_with('.')
        && !local.ends_with('.');
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
        && labels.last().is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()));
    raw.len() <= 254 && local_ok && domain_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> SendForm {
        SendForm::parse(form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish().as_bytes())
    }

    fn fields(result: Result<Contact, Vec<FieldError>>) -> Vec<String> {
        result.unwrap_err().into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn phones_and_emails_of_the_usual_shapes_pass() {
        for ok in ["555-010-0123", "+1 (555) 010 0123", "5550100", "020.7946.0000"] {
            assert!(is_phone(ok), "{ok}");
        }
        for bad in ["12345", "555-CALL-NOW", "1+5550100123", "1234567890123456"] {
            assert!(!is_phone(bad), "{bad}");
        }
        for ok in ["a@b.org", "first.last+tag@mail.example.com"] {
            assert!(is_email(ok), "{ok}");
        }
        for bad in ["a@b", "@b.org", "a b@c.org", "a@@b.org", "a@-b.org", "a.@b.org", "a@b.o1"] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn every_problem_names_its_field() {
        assert_eq!(fields(form(&[("consent", "yes")]).contact()), ["contact"]);
        assert_eq!(fields(form(&[("phone", "12"), ("email", "x")]).contact()), ["phone", "email", "consent"]);
        let long = "x".repeat(MESSAGE_MAX + 1);
        assert_eq!(
            fields(form(&[("email", "a@b.org"), ("message", &long), ("consent", "yes")]).contact()),
            ["message"]
        );
        assert_eq!(fields(form(&[("email", "a@b.org"), ("name", "A\0B"), ("consent", "yes")]).contact()), ["name"]);
        let ok = form(&[("email", "a@b.org"), ("message", "  call me\nafter 5 "), ("consent", "yes")]).contact();
        assert_eq!(ok.unwrap().message.as_deref(), Some("call me\nafter 5"));
    }
}
