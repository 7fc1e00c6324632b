//! Crisis resources as the check pages show them: the engine's resources, in the engine's order, each with the
//! `tel:` and `sms:` links that reach it from a phone, in the page's language (the Spanish words come from the
//! catalogue, with 988's Spanish options: press 2, text and chat).

use ketapath_clinical::safety::crisis::{CRISIS_TEXT_LINE, CrisisLevel, CrisisResource, EMERGENCY_911, LIFELINE_988};

use crate::i18n::{Lang, Tr};

/// A link with its visible text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub href: String,
    pub label: String,
}

/// One resource, ready for a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceView {
    pub name: String,
    pub contact: String,
    pub available: String,
    pub options: Vec<String>,
    pub links: Vec<Link>,
}

/// The catalogue key of an engine resource (the three statics, recognised by name).
fn key(resource: &CrisisResource) -> Option<&'static str> {
    [(&LIFELINE_988, "crisis-988"), (&CRISIS_TEXT_LINE, "crisis-ctl"), (&EMERGENCY_911, "crisis-911")]
        .into_iter()
        .find(|(known, _)| known.name == resource.name)
        .map(|(_, key)| key)
}

/// The phone links of a resource.
fn links(key: &str, t: Tr) -> Vec<Link> {
    let link = |href: &str, id: &str| Link { href: href.to_owned(), label: t.m(id) };
    match key {
        "crisis-988" => {
            let mut links = vec![link("tel:988", "crisis-988-call"), link("sms:988", "crisis-988-text")];
            if t.lang() == Lang::Es {
                links.push(link("https://988lifeline.org/es", "crisis-988-chat"));
            }
            links
        }
        "crisis-ctl" => vec![link("sms:741741?&body=HOME", "crisis-ctl-text")],
        "crisis-911" => vec![link("tel:911", "crisis-911-call")],
        _ => Vec::new(),
    }
}

/// The resources in the order given, in English.
pub fn views(resources: &[CrisisResource]) -> Vec<ResourceView> {
    views_in(resources, Lang::En.tr())
}

/// The resources in the order given, in `t`'s language. English keeps the engine's own words; Spanish reads the
/// catalogue (a resource the catalogue does not know keeps the engine's words).
pub fn views_in(resources: &[CrisisResource], t: Tr) -> Vec<ResourceView> {
    resources
        .iter()
        .map(|r| match key(r) {
            Some(key) if t.lang() != Lang::En => ResourceView {
                name: t.m(&format!("{key}-name")),
                contact: t.m(&format!("{key}-contact")),
                available: t.m(&format!("{key}-available")),
                options: t
                    .m(&format!("{key}-options"))
                    .split(" | ")
                    .filter(|o| !o.is_empty())
                    .map(str::to_owned)
                    .collect(),
                links: links(key, t),
            },
            key => ResourceView {
                name: r.name.to_owned(),
                contact: r.contact.to_owned(),
                available: r.available.to_owned(),
                options: r.options.iter().map(|o| (*o).to_owned()).collect(),
                links: key.map(|key| links(key, t)).unwrap_or_default(),
            },
        })
        .collect()
}

/// The engine's crisis message for `level` in `t`'s language: the engine's own words in English.
pub fn message(level: CrisisLevel, engine_message: &str, t: Tr) -> String {
    match t.lang() {
        Lang::En => engine_message.to_owned(),
        Lang::Es => t.m(match level {
            CrisisLevel::Emergency => "crisis-message-emergency",
            CrisisLevel::Urgent => "crisis-message-urgent",
            CrisisLevel::None => "crisis-message-none",
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_engine_resource_has_a_phone_link_in_both_languages() {
        for lang in Lang::ALL {
            for resource in [&LIFELINE_988, &CRISIS_TEXT_LINE, &EMERGENCY_911] {
                let view = &views_in(std::slice::from_ref(resource), lang.tr())[0];
                assert!(!view.links.is_empty(), "{}", resource.name);
                assert!(view.links.iter().any(|l| l.href.starts_with("tel:") || l.href.starts_with("sms:")));
                assert!(!view.name.contains("Unknown localization"), "{lang:?} {}", resource.name);
            }
        }
    }

    #[test]
    fn the_spanish_988_says_press_2_and_offers_text_and_chat() {
        let view = &views_in(std::slice::from_ref(&LIFELINE_988), Lang::Es.tr())[0];
        assert!(view.options.iter().any(|o| o.contains("marque 2")), "{view:?}");
        assert!(view.links.iter().any(|l| l.href == "sms:988"), "{view:?}");
        assert!(view.links.iter().any(|l| l.href == "https://988lifeline.org/es"), "{view:?}");
    }
}
