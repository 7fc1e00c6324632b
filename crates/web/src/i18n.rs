//! The public pages' languages: [`Lang`] (English at `/`, Spanish under `/es/`), read from the path at the edge, and
//! [`Tr`], the translator the templates call, over the Fluent catalogue in `crates/web/locales`.
//!
//! Only words change with the language: every score, rule and decision is computed by the same code for both, and
//! the Spanish pages post to the same handlers under `/es/`.

use std::borrow::{Borrow, Cow};
use std::collections::HashMap;
use std::convert::Infallible;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid, static_loader};
use ketapath_clinical::sentence::{Arg, Sentence};

// Every message of the public pages, in English (`en-US`, the fallback) and Spanish (`es`).
static_loader! {
    pub static LOCALES = {
        locales: "./locales",
        fallback_language: "en-US",
        // Unicode isolation marks around placeables would end up inside `href`s and test-visible text; every
        // placeable here is left to right (numbers, names, addresses), so they are not needed.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static EN_US: LanguageIdentifier = langid!("en-US");
static ES: LanguageIdentifier = langid!("es");

/// The path prefix of the Spanish pages.
pub const ES_PREFIX: &str = "/es";

/// A language the public pages are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Es,
}

impl Lang {
    /// Both languages, English first.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Es];

    /// The language of a request for `path`: Spanish for `/es` and everything under `/es/`.
    pub fn of_path(path: &str) -> Self {
        match path.strip_prefix(ES_PREFIX) {
            Some(rest) if rest.is_empty() || rest.starts_with('/') => Lang::Es,
            _ => Lang::En,
        }
    }

    /// The BCP 47 tag of `<html lang>` and `hreflang`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
        }
    }

    /// The language's own name, as the language switch shows it.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Es => "Español",
        }
    }

    /// The other language (the language switch's target).
    pub fn other(self) -> Self {
        match self {
            Lang::En => Lang::Es,
            Lang::Es => Lang::En,
        }
    }

    /// The path prefix of this language's pages: empty for English.
    pub fn prefix(self) -> &'static str {
        match self {
            Lang::En => "",
            Lang::Es => ES_PREFIX,
        }
    }

    /// `path` (an English path such as `/check` or `/`) in this language: `/es/check`, `/es/`.
    pub fn href(self, path: &str) -> String {
        match self {
            Lang::En => path.to_owned(),
            Lang::Es => format!("{ES_PREFIX}{path}"),
        }
    }

    /// `path` without this language's prefix, the English path of the same page (`/es/` and `/es` give `/`).
    pub fn strip(path: &str) -> &str {
        match Lang::of_path(path) {
            Lang::En => path,
            Lang::Es => match &path[ES_PREFIX.len()..] {
                "" => "/",
                rest => rest,
            },
        }
    }

    /// The translator for this language.
    pub fn tr(self) -> Tr {
        Tr(self)
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Lang::En => &EN_US,
            Lang::Es => &ES,
        }
    }

    /// Whether an `Accept-Language` header prefers Spanish to English: of the tags it lists with a quality above
    /// zero, highest quality first (the header's order among equals), the first that is English or Spanish of any
    /// region decides. A header naming neither, or none, keeps English.
    pub fn preferred_by(accept_language: &str) -> Option<Lang> {
        accept_language::parse_with_quality(accept_language).into_iter().filter(|(_, quality)| *quality > 0.0).find_map(
            |(tag, _)| {
                let primary = tag.split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
                match primary.as_str() {
                    "en" => Some(Lang::En),
                    "es" => Some(Lang::Es),
                    _ => None,
                }
            },
        )
    }
}

/// The language of a public page, from its path; a request cannot fail to have one.
impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Infallible> {
        Ok(Lang::of_path(parts.uri.path()))
    }
}

/// The translator a template calls: `{{ layout.t.m("nav-home") }}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tr(pub Lang);

impl Tr {
    /// The message `id`. A missing id shows fluent-templates' "Unknown localization key" text rather than failing
    /// the page (which would hide the crisis contacts); the catalogue test proves every id used exists in both
    /// languages.
    pub fn m(&self, id: &str) -> String {
        LOCALES.lookup(self.0.id(), id)
    }

    /// The message `id` with its `{ $name }` placeables filled from `args`.
    pub fn a(&self, id: &str, args: impl AsRef<[(&'static str, String)]>) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue> = args
            .as_ref()
            .iter()
            .map(|(name, value)| (Cow::Borrowed(*name), FluentValue::from(value.clone())))
            .collect();
        LOCALES.lookup_with_args(self.0.id(), id, &args)
    }

    /// The message `id` with one placeable, `$n`, a number (plural forms choose on it).
    pub fn n(&self, id: &str, n: impl Borrow<usize>) -> String {
        let n = *n.borrow();
        let args: HashMap<Cow<'static, str>, FluentValue> = HashMap::from([(Cow::Borrowed("n"), FluentValue::from(n))]);
        LOCALES.lookup_with_args(self.0.id(), id, &args)
    }

    /// A sentence of the clinical engine (a trial note, a thing to discuss, a finding's detail) in this language:
    /// the catalogue message named by its code, filled with its arguments.
    pub fn sentence(&self, sentence: &(impl Sentence + ?Sized)) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue> = sentence
            .args()
            .into_iter()
            .map(|(name, arg)| {
                let value = match arg {
                    Arg::Text(text) => FluentValue::from(text),
                    Arg::Number(number) => FluentValue::from(number),
                };
                (Cow::Borrowed(name), value)
            })
            .collect();
        LOCALES.lookup_with_args(self.0.id(), &sentence.code(), &args)
    }

    /// The language translated into.
    pub fn lang(&self) -> Lang {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::Path;

    use ketapath_clinical::instruments::phq9;
    use ketapath_clinical::safety::conditions::CONDITIONS;
    use ketapath_clinical::safety::crisis::{CRISIS_TEXT_LINE, EMERGENCY_911, LIFELINE_988};

    const MANIFEST: &str = env!("CARGO_MANIFEST_DIR");

    /// Every message of one language's `.ftl` files: id to the sorted `$variables` its text uses. A message starts
    /// at a line `id = ...`; indented lines continue it.
    fn catalogue(locale: &str) -> BTreeMap<String, BTreeSet<String>> {
        let dir = Path::new(MANIFEST).join("locales").join(locale);
        let mut messages: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        assert!(!files.is_empty(), "no catalogue in {}", dir.display());
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            let mut current: Option<String> = None;
            for line in text.lines() {
                if line.starts_with(' ') {
                    let id = current.as_ref().unwrap_or_else(|| panic!("{}: stray line {line:?}", file.display()));
                    messages.get_mut(id).unwrap().extend(variables(line));
                } else if let Some((id, value)) = line.split_once(" = ").filter(|(id, _)| is_id(id)) {
                    assert!(messages.insert(id.to_owned(), variables(value)).is_none(), "{id} twice in {locale}");
                    current = Some(id.to_owned());
                } else {
                    assert!(line.is_empty() || line.starts_with('#'), "{}: unreadable line {line:?}", file.display());
                    current = None;
                }
            }
        }
        messages
    }

    fn is_id(text: &str) -> bool {
        text.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    }

    fn variables(text: &str) -> BTreeSet<String> {
        text.split('$')
            .skip(1)
            .map(|rest| rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect())
            .collect()
    }

    /// Every message id that the templates and the Rust sources name literally (`m("id")`, `n("id"`, `a("id"`).
    fn ids_used() -> BTreeSet<String> {
        let mut used = BTreeSet::new();
        let mut stack = vec![Path::new(MANIFEST).join("src"), Path::new(MANIFEST).join("templates")];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for call in ["t.m(\"", "t.n(\"", "t.a(\""] {
                    for rest in text.split(call).skip(1) {
                        let id: String = rest.chars().take_while(|c| *c != '"').collect();
                        if is_id(&id) {
                            used.insert(id);
                        }
                    }
                }
            }
        }
        used
    }

    /// Ids the code builds from data (`format!`), each of which must exist too.
    fn ids_built() -> BTreeSet<String> {
        let mut ids = BTreeSet::new();
        ids.extend(phq9::SPEC.items.iter().map(|item| format!("phq9-item-{}", item.number)));
        ids.extend(phq9::ANSWERS.iter().map(|answer| format!("phq9-answer-{}", answer.score)));
        ids.extend(phq9::SPEC.bands.iter().map(|band| format!("severity-{}", band.severity)));
        ids.extend(CONDITIONS.iter().map(|c| format!("condition-{}", c.code)));
        ids.extend((1..=12).map(|month| format!("month-{month}")));
        for key in ["crisis-988", "crisis-ctl", "crisis-911"] {
            ids.extend(["name", "contact", "available", "options"].map(|part| format!("{key}-{part}")));
        }
        ids.extend(["unknown", "none", "partial", "response"].map(|value| format!("improvement-{value}")));
        ids
    }

    #[test]
    fn every_message_exists_in_both_languages_with_the_same_variables() {
        let (en, es) = (catalogue("en-US"), catalogue("es"));
        let only_en: Vec<_> = en.keys().filter(|id| !es.contains_key(*id)).collect();
        let only_es: Vec<_> = es.keys().filter(|id| !en.contains_key(*id)).collect();
        assert!(only_en.is_empty(), "missing in Spanish: {only_en:?}");
        assert!(only_es.is_empty(), "missing in English: {only_es:?}");
        for (id, vars) in &en {
            assert_eq!(vars, &es[id], "{id}: the variables differ between English and Spanish");
        }
        let used: BTreeSet<String> = ids_used().into_iter().chain(ids_built()).collect();
        let missing: Vec<_> = used.iter().filter(|id| !en.contains_key(*id)).collect();
        assert!(missing.is_empty(), "used but not in the catalogue: {missing:?}");
        assert!(used.len() > 100, "the scan found only {} ids", used.len());
    }

    /// Every variable the catalogue uses.
    const VARIABLES: [&str; 32] = [
        "n",
        "date",
        "total",
        "max",
        "clear",
        "possible",
        "entered",
        "answer",
        "months",
        "span",
        "day",
        "month",
        "year",
        "clinic",
        "first",
        "last",
        "distance",
        "drug",
        "dose",
        "min",
        "weeks",
        "times",
        "entry",
        "required",
        "severity",
        "systolic",
        "diastolic",
        "limit_systolic",
        "limit_diastolic",
        "age",
        "limit",
        "address",
    ];

    /// The variables of the finder's, clinic page's and other public pages' messages (finder.ftl, clinic.ftl,
    /// pages.ftl).
    const PAGE_VARIABLES: [&str; 23] = [
        "label",
        "rate",
        "low",
        "high",
        "patients",
        "treatment",
        "instrument",
        "period",
        "response",
        "remission",
        "rule",
        "min",
        "baseline",
        "pct",
        "resp_rule",
        "remit_rule",
        "week",
        "successes",
        "threshold",
        "time",
        "at_risk",
        "events",
        "censored",
    ];

    #[test]
    fn every_message_formats_in_both_languages() {
        let names: Vec<&'static str> = VARIABLES.into_iter().chain(PAGE_VARIABLES).collect();
        let args: Vec<(&'static str, String)> = names.iter().map(|name| (*name, "2".to_owned())).collect();
        for (id, vars) in catalogue("en-US") {
            assert!(vars.iter().all(|v| names.contains(&v.as_str())), "{id} uses an unlisted variable: {vars:?}");
            for lang in Lang::ALL {
                let text = lang.tr().a(&id, &args);
                assert!(!text.contains("Unknown localization"), "{lang:?} {id}");
            }
        }
    }

    /// The English catalogue repeats the engine's published texts (the PHQ-9, the crisis resources); they must not
    /// drift apart.
    #[test]
    fn the_english_catalogue_matches_the_engine_texts() {
        let t = Lang::En.tr();
        assert_eq!(t.m("phq9-stem"), phq9::STEM);
        for item in phq9::SPEC.items {
            assert_eq!(Some(t.m(&format!("phq9-item-{}", item.number)).as_str()), item.text, "item {}", item.number);
        }
        for answer in phq9::ANSWERS.iter() {
            assert_eq!(t.m(&format!("phq9-answer-{}", answer.score)), answer.label);
        }
        for (key, resource) in
            [("crisis-988", &LIFELINE_988), ("crisis-ctl", &CRISIS_TEXT_LINE), ("crisis-911", &EMERGENCY_911)]
        {
            assert_eq!(t.m(&format!("{key}-name")), resource.name);
            assert_eq!(t.m(&format!("{key}-contact")), resource.contact);
            assert_eq!(t.m(&format!("{key}-available")), resource.available);
        }
        for c in CONDITIONS {
            assert_eq!(t.m(&format!("condition-{}", c.code)), c.label);
        }
    }

    #[test]
    fn the_spanish_phq9_is_the_published_us_spanish_text() {
        let t = Lang::Es.tr();
        assert_eq!(t.m("phq9-item-9"), "Pensamientos de que estaría mejor muerto(a) o de lastimarse de alguna manera");
        assert_eq!(t.m("phq9-answer-0"), "Ningún día");
        assert_eq!(t.m("phq9-answer-3"), "Casi todos los días");
    }

    #[test]
    fn the_path_names_the_language() {
        assert_eq!(Lang::of_path("/es/"), Lang::Es);
        assert_eq!(Lang::of_path("/es"), Lang::Es);
        assert_eq!(Lang::of_path("/es/check"), Lang::Es);
        assert_eq!(Lang::of_path("/estimate"), Lang::En);
        assert_eq!(Lang::of_path("/"), Lang::En);
        assert_eq!(Lang::strip("/es/"), "/");
        assert_eq!(Lang::strip("/es"), "/");
        assert_eq!(Lang::strip("/es/find"), "/find");
        assert_eq!(Lang::strip("/find"), "/find");
        assert_eq!(Lang::Es.href("/"), "/es/");
    }

    #[test]
    fn accept_language_is_read_by_quality() {
        assert_eq!(Lang::preferred_by("es-MX,es;q=0.9,en;q=0.5"), Some(Lang::Es));
        assert_eq!(Lang::preferred_by("en-US,en;q=0.9,es;q=0.8"), Some(Lang::En));
        assert_eq!(Lang::preferred_by("en;q=0.3, es-419;q=0.8"), Some(Lang::Es));
        assert_eq!(Lang::preferred_by("fr-FR, es;q=0"), None);
        assert_eq!(Lang::preferred_by("de, es;q=0.5"), Some(Lang::Es));
        assert_eq!(Lang::preferred_by(""), None);
    }
}
