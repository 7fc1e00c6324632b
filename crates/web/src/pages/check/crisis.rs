//! Crisis resources as the check pages show them: the engine's resources, in the engine's order, each with the
//! `tel:` and `sms:` links that reach it from a phone.

use ketapath_clinical::safety::crisis::{CRISIS_TEXT_LINE, CrisisResource, EMERGENCY_911, LIFELINE_988};

/// A link with its visible text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub href: &'static str,
    pub label: &'static str,
}

/// One resource, ready for a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceView {
    pub name: &'static str,
    pub contact: &'static str,
    pub available: &'static str,
    pub options: Vec<&'static str>,
    pub links: Vec<Link>,
}

/// The phone links of a resource. The engine's resources are the three statics, recognised by name.
fn links(resource: &CrisisResource) -> Vec<Link> {
    if resource.name == LIFELINE_988.name {
        vec![Link { href: "tel:988", label: "Call 988" }, Link { href: "sms:988", label: "Text 988" }]
    } else if resource.name == CRISIS_TEXT_LINE.name {
        vec![Link { href: "sms:741741?&body=HOME", label: "Text HOME to 741741" }]
    } else if resource.name == EMERGENCY_911.name {
        vec![Link { href: "tel:911", label: "Call 911" }]
    } else {
        Vec::new()
    }
}

/// The resources in the order given.
pub fn views(resources: &[CrisisResource]) -> Vec<ResourceView> {
    resources
        .iter()
        .map(|r| ResourceView {
            name: r.name,
            contact: r.contact,
            available: r.available,
            options: r.options.to_vec(),
            links: links(r),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_engine_resource_has_a_phone_link() {
        for resource in [&LIFELINE_988, &CRISIS_TEXT_LINE, &EMERGENCY_911] {
            let view = &views(std::slice::from_ref(resource))[0];
            assert!(!view.links.is_empty(), "{}", resource.name);
            assert!(view.links.iter().all(|l| l.href.starts_with("tel:") || l.href.starts_with("sms:")));
        }
    }
}
