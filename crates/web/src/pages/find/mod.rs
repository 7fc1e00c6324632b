//! `GET /find`: the clinic finder. One GET form (the search is not personal data, so it may live in the URL and be
//! bookmarked or shared): a place typed as a ZIP code, "City, ST" or "lat,lon" (or `near=lat,lon` filled in by the
//! optional geolocation script), a radius, treatment and payment checkboxes, telehealth, language and
//! accepting-new-patients, in a folding panel after the results (so a phone shows the first result first), with the
//! filters in force shown as removable chips. Without a ticked treatment the page asks for any ketamine or
//! esketamine care (a chip like the others), so clinics offering only TMS or ECT show only when asked for; the
//! JSON API keeps its own defaults. Results come nearest first, miles first ("12.3 mi (19.8 km)"), with hours in
//! words and open or closed now, key facts, the verification date and the demo badge, ten to a page.
//!
//! The form is translated into the pairs the shared search parser takes ([`SearchParams::parse`]): repeated
//! checkbox keys become comma lists and the typed place is resolved with [`Place::locate`], so the page and the
//! API cannot disagree about what a filter means. Problems (an unknown place, a bad value) are shown on the page
//! with the form kept, never as an error page.

mod facts;
pub mod hours;
pub mod labels;

pub use facts::ListingFacts;

use crate::i18n::{Lang, Tr};
use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use ketapath_directory::geo::PlaceError;
use ketapath_directory::search::{KM_PER_MILE, Query, SearchParams};
use ketapath_directory::{Gazetteer, Offer, Offers, Payment, Place};

use super::distance::miles_first;
use super::{Choice, Layout, render};
use crate::api::clinics::{query_pairs, resolve, with_results};
use crate::assets::asset;
use crate::map::{MapPoint, Zoom, us_map_svg_in};
use crate::state::AppState;

/// The path of the finder.
pub const PATH: &str = "/find";
/// Results per page.
pub const PAGE_SIZE: usize = 10;
/// The radius choices, in miles (`""` is no limit).
const RADII: [&str; 8] = ["", "5", "10", "25", "50", "100", "250", "500"];

/// A radius choice's label: "25 miles", or "Any distance" for no limit.
fn radius_label(miles: &str, t: Tr) -> String {
    if miles.is_empty() { t.m("find-radius-any") } else { t.a("find-radius-miles", [("n", miles.to_owned())]) }
}
/// The `care` value that lifts the page's default treatment filter, so that clinics offering only TMS or ECT show.
pub const ALL_CARE: &str = "all";

/// The finder's form as submitted: raw strings, kept to fill the form in again.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FindForm {
    pub place: String,
    pub near: String,
    /// The page's own radius, in miles; wins over `radius_km`.
    pub radius_mi: String,
    /// The API's radius in km, which links written for the API may carry.
    pub radius_km: String,
    pub offers: Vec<String>,
    /// [`ALL_CARE`] lifts the default "any ketamine or esketamine care" filter; anything else keeps it.
    pub care: String,
    pub payment: Vec<String>,
    pub telehealth: bool,
    pub language: String,
    pub accepting: bool,
    pub offset: String,
}

impl FindForm {
    /// Reads the query pairs; unknown keys are ignored (a page is forgiving where the API is strict).
    pub fn parse(pairs: &[(String, String)]) -> Self {
        let mut form = FindForm::default();
        for (name, value) in pairs {
            let value = value.trim();
            match name.as_str() {
                "place" => value.clone_into(&mut form.place),
                // `zip=` is the API's name for the same thing; links written for the API keep their place here.
                // A `place=` in the same query wins, whatever the order of the two.
                "zip" if pairs.iter().all(|(other, _)| other != "place") => value.clone_into(&mut form.place),
                "near" => value.clone_into(&mut form.near),
                "radius_mi" => value.clone_into(&mut form.radius_mi),
                "radius_km" => value.clone_into(&mut form.radius_km),
                "care" => value.clone_into(&mut form.care),
                // A comma list in one value (the self-check's links) and one checkbox per value both work.
                "offers" => form.offers.extend(split_list(value)),
                "payment" => form.payment.extend(split_list(value)),
                "telehealth" => form.telehealth = value == "true",
                "accepting" => form.accepting = value == "true",
                "language" => value.clone_into(&mut form.language),
                "offset" => value.clone_into(&mut form.offset),
                _ => {}
            }
        }
        form.offers.dedup();
        form.payment.dedup();
        form
    }

    /// Whether the default treatment filter applies: nobody ticked a treatment and nobody lifted it.
    pub fn ketamine_default(&self) -> bool {
        self.offers.is_empty() && self.care != ALL_CARE
    }

    /// The radius asked for, in miles, when there is one that parses (`radius_km` converted).
    fn radius_miles(&self) -> Option<f64> {
        match (self.radius_mi.parse::<f64>(), self.radius_km.parse::<f64>()) {
            (Ok(mi), _) if !self.radius_mi.is_empty() => Some(mi),
            (_, Ok(km)) if self.radius_mi.is_empty() => Some(km / KM_PER_MILE),
            _ => None,
        }
    }

    /// Whether there is anything to search around.
    pub fn has_origin(&self) -> bool {
        !self.place.is_empty() || !self.near.is_empty()
    }

    /// This search as a `/find?…` URL; `edit` changes a copy first (drop a filter, another page).
    pub fn url(&self, edit: impl FnOnce(&mut FindForm)) -> String {
        let mut form = self.clone();
        edit(&mut form);
        let mut query = form_urlencoded::Serializer::new(String::new());
        let mut pair = |k: &str, v: &str| {
            if !v.is_empty() {
                query.append_pair(k, v);
            }
        };
        // A typed place wins over coordinates from the browser, so only one of them is carried on.
        if form.place.is_empty() {
            pair("near", &form.near);
        } else {
            pair("place", &form.place);
        }
        pair("radius_mi", &form.radius_mi);
        if form.radius_mi.is_empty() {
            pair("radius_km", &form.radius_km);
        }
        for o in &form.offers {
            pair("offers", o);
        }
        if form.care == ALL_CARE {
            pair("care", ALL_CARE);
        }
        for p in &form.payment {
            pair("payment", p);
        }
        pair("telehealth", if form.telehealth { "true" } else { "" });
        pair("language", &form.language);
        pair("accepting", if form.accepting { "true" } else { "" });
        if form.offset != "0" {
            pair("offset", &form.offset);
        }
        let query = query.finish();
        if query.is_empty() { PATH.to_owned() } else { format!("{PATH}?{query}") }
    }

    /// The pairs of the shared search parser, with the typed place resolved to coordinates. An error is the
    /// message to show, in `t`'s language, and the id of the form field at fault.
    fn search_params(&self, t: Tr) -> Result<SearchParams, (String, &'static str)> {
        let near = if self.place.is_empty() {
            self.near.clone()
        } else {
            let position = Place::locate(&self.place, Gazetteer::shipped())
                .map_err(|e| (t.a("find-error-place", [("label", place_problem(&e, &self.place, t))]), "place"))?;
            format!("{},{}", position.lat, position.lon)
        };
        // The page's radius is in miles; the shared parser takes km, so a bad number is reported on the page's field.
        let radius_km = if self.radius_mi.is_empty() {
            self.radius_km.clone()
        } else {
            let miles = self
                .radius_mi
                .parse::<f64>()
                .ok()
                .filter(|mi| mi.is_finite() && *mi > 0.0)
                .ok_or_else(|| (t.m("find-error-radius"), "radius_mi"))?;
            (miles * KM_PER_MILE).to_string()
        };
        let pairs: Vec<(String, String)> = [
            ("near", near),
            ("radius_km", radius_km),
            ("offers", self.offers.join(",")),
            ("payment", self.payment.join(",")),
            ("telehealth", self.telehealth.to_string()),
            ("language", self.language.clone()),
            ("accepting", self.accepting.to_string()),
            ("offset", self.offset.clone()),
            ("limit", PAGE_SIZE.to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        let mut params = SearchParams::parse(&pairs).map_err(|e| {
            let (field, id) = match e.param.as_str() {
                "near" => ("place", "find-search-near"),
                "radius_km" => ("radius_mi", "find-search-radius"),
                "language" => ("language", "find-search-language"),
                "offers" => ("offers", "find-search-offers"),
                "payment" => ("payment", "find-search-payment"),
                _ => ("results", "find-search-other"),
            };
            (t.a("find-error-search", [("label", search_problem(&e.to_string(), id, t))]), field)
        })?;
        if self.ketamine_default() {
            params.filter.any_offers = Offers::KETAMINE_CARE;
        }
        Ok(params)
    }
}

/// Why a typed place was not found: the directory's own words in English, the catalogue's in other languages.
fn place_problem(error: &PlaceError, typed: &str, t: Tr) -> String {
    if t.lang() == Lang::En {
        return error.to_string();
    }
    let (id, entered) = match error {
        PlaceError::Empty => ("find-place-empty", String::new()),
        PlaceError::Zip(_) => ("find-place-zip", typed.to_owned()),
        PlaceError::UnknownZip(zip) => ("find-place-unknown-zip", zip.to_string()),
        PlaceError::Coordinates(_) => ("find-place-coordinates", typed.to_owned()),
        PlaceError::State(_) => ("find-place-state", typed.to_owned()),
        PlaceError::UnknownCity { .. } => ("find-place-unknown-city", typed.to_owned()),
        PlaceError::Unrecognized(_) => ("find-place-unrecognized", typed.to_owned()),
    };
    t.a(id, [("entered", entered)])
}

/// Why a search cannot be run: the shared parser's own words in English, the catalogue's message `id` otherwise.
fn search_problem(english: &str, id: &str, t: Tr) -> String {
    if t.lang() == Lang::En { english.to_owned() } else { t.m(id) }
}

fn split_list(value: &str) -> impl Iterator<Item = String> + '_ {
    value.split(',').map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
}

/// A link with its text.
#[derive(Debug, Clone)]
pub struct Link {
    pub href: String,
    pub label: String,
}

/// One clinic in the results.
#[derive(Debug, Clone)]
pub struct ResultView {
    pub href: String,
    pub name: String,
    pub distance: String,
    pub address: String,
    pub phone: Option<String>,
    pub facts: ListingFacts,
    /// The opening hours in words, one line per entry.
    pub hours: Vec<String>,
    /// "Open now" or "Closed now" by the listed hours in the clinic's time zone; `None` without hours.
    pub open_now: Option<String>,
    pub verified: String,
    pub demo: bool,
}

/// The result section: what was found, or why nothing was.
#[derive(Debug, Clone)]
pub struct Results {
    pub total: usize,
    pub first: usize,
    pub last: usize,
    pub items: Vec<ResultView>,
    pub previous: Option<String>,
    pub next: Option<String>,
    /// Searches likely to find something when this one found nothing.
    pub wider: Vec<Link>,
    /// The inline SVG map of the origin and this page's clinics, numbered as in the list.
    pub map: String,
}

#[derive(Template)]
#[template(path = "find.html")]
struct FindPage {
    layout: Layout,
    script_url: String,
    place: String,
    near: String,
    /// The filters in force, each a link that drops it.
    chips: Vec<Chip>,
    /// Whether the filter panel starts open: before any search, when it is the next thing to fill in.
    filters_open: bool,
    /// Whether the default treatment filter is lifted (the "include TMS or ECT only" box is ticked).
    all_care: bool,
    radii: Vec<Choice>,
    offers: Vec<Choice>,
    payments: Vec<Choice>,
    telehealth: bool,
    languages: Vec<Choice>,
    accepting: bool,
    error: Option<String>,
    error_field: &'static str,
    results: Option<Results>,
}

/// `GET /find`.
pub async fn page(State(state): State<AppState>, lang: Lang, uri: Uri) -> Response {
    let t = lang.tr();
    let form = FindForm::parse(&query_pairs(&uri));
    let (results, error) = if form.has_origin() {
        let query = form.search_params(t).and_then(|params| {
            resolve(&params).map_err(|e| {
                (t.a("find-error-search", [("label", search_problem(&e.to_string(), "find-search-near", t))]), "place")
            })
        });
        match query {
            Ok(query) => (Some(search(&state, &form, &query, t)), None),
            Err(error) => (None, Some(error)),
        }
    } else {
        (None, None)
    };
    let (error, error_field) = error.map_or((None, ""), |(message, field)| (Some(message), field));
    // The radius and language select options: one selected when it is what the search asked for.
    let option = |value: &str, label: String, asked: &str| Choice {
        id: String::new(),
        value: value.to_owned(),
        label,
        checked: asked == value,
    };
    // The treatment and payment checkboxes: one per code, ticked when the search asked for it.
    let checkbox = |name: &str, code: &str, label: String, asked: &[String]| Choice {
        id: format!("{name}-{code}"),
        value: code.to_owned(),
        label,
        checked: asked.iter().any(|v| v == code),
    };
    let page = FindPage {
        // The hreflang links and the language switch keep the search (its query) in the other language.
        layout: Layout::localized(
            lang,
            t.m("nav-find"),
            state.config.demo,
            PATH,
            &uri.query().map_or_else(|| PATH.to_owned(), |query| format!("{PATH}?{query}")),
        ),
        script_url: asset("find.js").url(),
        chips: applied_filters(&form, t),
        filters_open: !form.has_origin(),
        all_care: form.care == ALL_CARE,
        radii: RADII.iter().map(|value| option(value, radius_label(value, t), &form.radius_mi)).collect(),
        offers: Offer::ALL.iter().map(|o| checkbox("offers", o.code(), labels::offer(*o, t), &form.offers)).collect(),
        payments: Payment::ALL
            .iter()
            .map(|p| checkbox("payment", p.code(), labels::payment(*p, t), &form.payment))
            .collect(),
        languages: state
            .directory
            .languages()
            .iter()
            .map(|l| option(l.as_str(), labels::language(l.as_str(), t), &form.language))
            .collect(),
        telehealth: form.telehealth,
        accepting: form.accepting,
        place: form.place.clone(),
        near: form.near.clone(),
        error,
        error_field,
        results,
    };
    render(StatusCode::OK, &page)
}

/// Runs the search and turns the page of hits into views while the index is read-locked.
fn search(state: &AppState, form: &FindForm, query: &Query, t: Tr) -> Results {
    let now = time::OffsetDateTime::now_utc();
    let (total, items, positions) = with_results(&state.directory, query, |result| {
        let items: Vec<ResultView> = result.hits.iter().map(|hit| view(hit.clinic, hit.distance_km, now, t)).collect();
        let positions: Vec<(f64, f64)> =
            result.hits.iter().map(|hit| (hit.clinic.position.lat, hit.clinic.position.lon)).collect();
        (result.total, items, positions)
    });
    let offset = query.offset;
    let labels: Vec<String> = items.iter().map(|item| format!("{}, {}", item.name, item.distance)).collect();
    let points: Vec<MapPoint<'_>> = positions
        .iter()
        .zip(&labels)
        .enumerate()
        .map(|(i, ((lat, lon), label))| MapPoint { number: offset + i + 1, label, lat: *lat, lon: *lon })
        .collect();
    let map = if items.is_empty() {
        String::new()
    } else {
        us_map_svg_in(Some((query.origin.lat, query.origin.lon)), &points, Zoom::Fit, t)
    };
    let page_url = |offset: usize| form.url(|f| f.offset = offset.to_string());
    Results {
        total,
        first: offset + 1,
        last: offset + items.len(),
        previous: (offset > 0).then(|| page_url(offset.saturating_sub(PAGE_SIZE))),
        next: (offset + items.len() < total).then(|| page_url(offset + PAGE_SIZE)),
        wider: if total == 0 { wider_searches(form, t) } else { Vec::new() },
        items,
        map,
    }
}

/// One filter in force, with the link to the same search without it (a removable chip on the page).
#[derive(Debug, Clone)]
pub struct Chip {
    pub label: String,
    pub href: String,
    /// The distance chip, which the wider searches replace with wider distances rather than drop.
    radius: bool,
}

/// Every filter in force, in the order of the form, each with the search from its first page without it, named
/// in `t`'s language.
fn applied_filters(form: &FindForm, t: Tr) -> Vec<Chip> {
    let without = |label: String, radius: bool, change: &dyn Fn(&mut FindForm)| Chip {
        href: form.url(|f| {
            f.offset.clear();
            change(f);
        }),
        label,
        radius,
    };
    let mut chips = Vec::new();
    if let Some(miles) = form.radius_miles() {
        let label = t.a("find-chip-radius", [("n", format_miles(miles))]);
        chips.push(without(label, true, &|f| {
            f.radius_mi.clear();
            f.radius_km.clear();
        }));
    }
    if form.ketamine_default() {
        let label = t.m("find-chip-ketamine");
        chips.push(without(label, false, &|f| ALL_CARE.clone_into(&mut f.care)));
    }
    for code in &form.offers {
        let label = Offer::parse(code).map_or_else(|_| code.clone(), |o| labels::offer(o, t));
        chips.push(without(label, false, &|f| f.offers.retain(|c| c != code)));
    }
    for code in &form.payment {
        let label = Payment::parse(code).map_or_else(|_| code.clone(), |p| labels::payment(p, t));
        let label = t.a("find-chip-payment", [("label", label)]);
        chips.push(without(label, false, &|f| f.payment.retain(|c| c != code)));
    }
    if form.telehealth {
        chips.push(without(t.m("find-chip-telehealth"), false, &|f| f.telehealth = false));
    }
    if !form.language.is_empty() {
        let label = t.a("find-chip-language", [("label", labels::language(&form.language, t))]);
        chips.push(without(label, false, &|f| f.language.clear()));
    }
    if form.accepting {
        chips.push(without(t.m("find-chip-accepting"), false, &|f| f.accepting = false));
    }
    chips
}

/// Miles as a radius label: whole miles without decimals, else one decimal.
fn format_miles(miles: f64) -> String {
    if (miles - miles.round()).abs() < 0.05 { format!("{miles:.0}") } else { format!("{miles:.1}") }
}

/// Searches to suggest when nothing was found: a wider radius, no radius, and the search without each filter.
fn wider_searches(form: &FindForm, t: Tr) -> Vec<Link> {
    let mut links = Vec::new();
    if let Some(current) = form.radius_miles() {
        let from_start = |change: &dyn Fn(&mut FindForm)| {
            form.url(|f| {
                f.offset.clear();
                f.radius_km.clear();
                change(f);
            })
        };
        if let Some(wider) = RADII.iter().skip(1).find(|value| value.parse::<f64>().is_ok_and(|v| v > current + 0.05)) {
            let href = from_start(&|f| (*wider).clone_into(&mut f.radius_mi));
            links.push(Link { href, label: t.a("find-wider-radius", [("n", (*wider).to_owned())]) });
        }
        links.push(Link { href: from_start(&|f| f.radius_mi.clear()), label: t.m("find-wider-any") });
    }
    for chip in applied_filters(form, t).into_iter().filter(|c| !c.radius) {
        links.push(Link { href: chip.href, label: t.a("find-wider-drop", [("label", chip.label)]) });
    }
    links
}

fn view(c: &ketapath_directory::Clinic, distance_km: f64, now: time::OffsetDateTime, t: Tr) -> ResultView {
    ResultView {
        href: clinic_path(c.id.as_str()),
        name: c.name.clone(),
        distance: miles_first(distance_km),
        hours: hours::in_words(&c.hours, t),
        open_now: hours::open_now_words(&c.hours, &c.address.state, now, t),
        address: format!("{}, {}, {} {}", c.address.street, c.address.city, c.address.state, c.address.zip),
        phone: c.phone.clone(),
        facts: ListingFacts::of(c, t),
        verified: c.last_verified.map_or_else(|| t.m("find-not-verified"), |date| labels::date(date, t)),
        demo: c.demo,
    }
}

/// Characters left as they are in a path segment: RFC 3986's unreserved set.
const SEGMENT: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// `/clinics/{id}`, with the id percent-encoded as a path segment.
pub fn clinic_path(id: &str) -> String {
    format!("/clinics/{}", percent_encoding::utf8_percent_encode(id, SEGMENT))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(raw: &str) -> Vec<(String, String)> {
        form_urlencoded::parse(raw.as_bytes()).into_owned().collect()
    }

    #[test]
    fn checkboxes_and_comma_lists_both_fill_the_lists() {
        let form = FindForm::parse(&pairs("place=10001&offers=iv_ketamine&offers=tms&payment=self_pay,medicare"));
        assert_eq!(form.offers, ["iv_ketamine", "tms"]);
        assert_eq!(form.payment, ["self_pay", "medicare"]);
    }

    #[test]
    fn a_zip_from_an_api_link_is_the_place_and_a_place_beside_it_wins() {
        assert_eq!(FindForm::parse(&pairs("zip=43215")).place, "43215");
        assert_eq!(FindForm::parse(&pairs("zip=43215&place=Dayton%2C+OH")).place, "Dayton, OH");
        assert_eq!(FindForm::parse(&pairs("place=Dayton%2C+OH&zip=43215")).place, "Dayton, OH");
        assert_eq!(FindForm::parse(&pairs("zip=43215")).url(|_| {}), "/find?place=43215");
    }

    #[test]
    fn urls_round_trip_and_prefer_the_typed_place() {
        let form = FindForm::parse(&pairs("place=Dayton%2C+OH&near=1,2&radius_km=25&offers=tms&accepting=true"));
        let url = form.url(|_| {});
        assert_eq!(url, "/find?place=Dayton%2C+OH&radius_km=25&offers=tms&accepting=true");
        let again = FindForm::parse(&pairs(url.trim_start_matches("/find?")));
        assert_eq!(again.place, "Dayton, OH");
        assert!(again.near.is_empty());
    }

    #[test]
    fn an_unknown_place_is_reported_on_the_place_field() {
        let form = FindForm::parse(&pairs("place=Nowhereville%2C+OH"));
        let (message, field) = form.search_params(Lang::En.tr()).unwrap_err();
        assert_eq!(field, "place");
        assert!(message.contains("Nowhereville"), "{message}");
        assert!(message.starts_with("We could not find that place: "), "{message}");
        let (message, field) = form.search_params(Lang::Es.tr()).unwrap_err();
        assert_eq!(field, "place");
        assert!(
            message.starts_with("No encontramos ese lugar: no hay ningún lugar llamado «Nowhereville, OH»"),
            "{message}"
        );
    }

    #[test]
    fn wider_searches_drop_one_thing_each() {
        let form = FindForm::parse(&pairs("place=10001&radius_mi=10&offers=tms&telehealth=true&offset=10"));
        let links = wider_searches(&form, Lang::En.tr());
        let hrefs: Vec<&str> = links.iter().map(|l| l.href.as_str()).collect();
        assert_eq!(
            hrefs,
            [
                "/find?place=10001&radius_mi=25&offers=tms&telehealth=true",
                "/find?place=10001&offers=tms&telehealth=true",
                "/find?place=10001&radius_mi=10&telehealth=true",
                "/find?place=10001&radius_mi=10&offers=tms",
            ]
        );
        // An API link's radius in km widens to the next choice in miles (16 km is about 10 miles).
        let km = FindForm::parse(&pairs("place=10001&radius_km=16.1&care=all"));
        assert_eq!(wider_searches(&km, Lang::En.tr())[0].href, "/find?place=10001&radius_mi=25&care=all");
        let labels: Vec<String> = wider_searches(&form, Lang::Es.tr()).into_iter().map(|l| l.label).collect();
        assert_eq!(
            labels,
            [
                "Buscar a menos de 25 millas",
                "Buscar a cualquier distancia",
                "Quitar el filtro: EMT (estimulación magnética transcraneal)",
                "Quitar el filtro: Ofrece telemedicina",
            ]
        );
    }

    #[test]
    fn chips_name_each_filter_and_drop_only_it() {
        let form = FindForm::parse(&pairs("place=10001&radius_mi=25&payment=medicare&offset=10"));
        let chips = applied_filters(&form, Lang::En.tr());
        let chips: Vec<(&str, &str)> = chips.iter().map(|c| (c.label.as_str(), c.href.as_str())).collect();
        assert_eq!(
            chips,
            [
                ("Within 25 miles", "/find?place=10001&payment=medicare"),
                ("Any ketamine or esketamine care", "/find?place=10001&radius_mi=25&care=all&payment=medicare"),
                ("Payment: Medicare", "/find?place=10001&radius_mi=25"),
            ]
        );
        // A ticked treatment replaces the default, and a lifted default stays lifted in every link.
        let ticked = FindForm::parse(&pairs("place=10001&offers=tms"));
        assert!(!ticked.ketamine_default());
        assert!(applied_filters(&FindForm::parse(&pairs("place=10001&care=all")), Lang::En.tr()).is_empty());
        let spanish: Vec<String> = applied_filters(&form, Lang::Es.tr()).into_iter().map(|c| c.label).collect();
        assert_eq!(
            spanish,
            ["A menos de 25 millas", "Cualquier atención con ketamina o esketamina", "Forma de pago: Medicare"]
        );
    }
}
