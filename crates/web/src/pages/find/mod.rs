//! `GET /find`: the clinic finder. One GET form (the search is not personal data, so it may live in the URL and be
//! bookmarked or shared): a place typed as a ZIP code, "City, ST" or "lat,lon" (or `near=lat,lon` filled in by the
//! optional geolocation script), a radius, treatment and payment checkboxes, telehealth, language and
//! accepting-new-patients. Results come nearest first, with distance in km and miles, key facts, the verification
//! date and the demo badge, ten to a page.
//!
//! The form is translated into the pairs the shared search parser takes ([`SearchParams::parse`]): repeated
//! checkbox keys become comma lists and the typed place is resolved with [`Place::locate`], so the page and the
//! API cannot disagree about what a filter means. Problems (an unknown place, a bad value) are shown on the page
//! with the form kept, never as an error page.

mod facts;
pub mod labels;

pub use facts::ListingFacts;

use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use ketapath_directory::search::{Query, SearchParams};
use ketapath_directory::{Gazetteer, Offer, Payment, Place};

use super::{Choice, Layout, render};
use crate::api::clinics::{query_pairs, resolve, with_results};
use crate::assets::asset;
use crate::map::{MapPoint, Zoom, us_map_svg};
use crate::state::AppState;

/// The path of the finder.
pub const PATH: &str = "/find";
/// Results per page.
pub const PAGE_SIZE: usize = 10;
/// The radius choices, in km (`""` is no limit), with their labels.
const RADII: [(&str, &str); 6] = [
    ("", "Any distance"),
    ("10", "10 km (6 miles)"),
    ("25", "25 km (16 miles)"),
    ("50", "50 km (31 miles)"),
    ("100", "100 km (62 miles)"),
    ("250", "250 km (155 miles)"),
];

/// The finder's form as submitted: raw strings, kept to fill the form in again.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FindForm {
    pub place: String,
    pub near: String,
    pub radius_km: String,
    pub offers: Vec<String>,
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
                "radius_km" => value.clone_into(&mut form.radius_km),
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
        pair("radius_km", &form.radius_km);
        for o in &form.offers {
            pair("offers", o);
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
    /// message to show and the id of the form field at fault.
    fn search_params(&self) -> Result<SearchParams, (String, &'static str)> {
        let near = if self.place.is_empty() {
            self.near.clone()
        } else {
            let position = Place::locate(&self.place, Gazetteer::shipped()).map_err(|e| {
                (format!("We could not find that place: {e}. Check the spelling, or try a ZIP code."), "place")
            })?;
            format!("{},{}", position.lat, position.lon)
        };
        let pairs: Vec<(String, String)> = [
            ("near", near),
            ("radius_km", self.radius_km.clone()),
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
        SearchParams::parse(&pairs).map_err(|e| {
            let field = match e.param.as_str() {
                "near" => "place",
                "radius_km" => "radius_km",
                "language" => "language",
                "offers" => "offers",
                "payment" => "payment",
                _ => "results",
            };
            (format!("This search cannot be run: {e}"), field)
        })
    }
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
pub async fn page(State(state): State<AppState>, uri: Uri) -> Response {
    let form = FindForm::parse(&query_pairs(&uri));
    let (results, error) = if form.has_origin() {
        let query = form.search_params().and_then(|params| resolve(&params).map_err(|e| (e.to_string(), "place")));
        match query {
            Ok(query) => (Some(search(&state, &form, &query)), None),
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
    let checkbox = |name: &str, code: &str, label: &str, asked: &[String]| Choice {
        id: format!("{name}-{code}"),
        value: code.to_owned(),
        label: label.to_owned(),
        checked: asked.iter().any(|v| v == code),
    };
    let page = FindPage {
        layout: Layout::new("Find a clinic", state.config.demo, PATH),
        script_url: asset("find.js").url(),
        radii: RADII.iter().map(|(value, label)| option(value, (*label).to_owned(), &form.radius_km)).collect(),
        offers: Offer::ALL.iter().map(|o| checkbox("offers", o.code(), labels::offer(*o), &form.offers)).collect(),
        payments: Payment::ALL
            .iter()
            .map(|p| checkbox("payment", p.code(), labels::payment(*p), &form.payment))
            .collect(),
        languages: state
            .directory
            .languages()
            .iter()
            .map(|l| option(l.as_str(), labels::language(l.as_str()), &form.language))
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
fn search(state: &AppState, form: &FindForm, query: &Query) -> Results {
    let (total, items, positions) = with_results(&state.directory, query, |result| {
        let items: Vec<ResultView> = result.hits.iter().map(|hit| view(hit.clinic, hit.distance_km)).collect();
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
        us_map_svg(Some((query.origin.lat, query.origin.lon)), &points, Zoom::Fit)
    };
    let page_url = |offset: usize| form.url(|f| f.offset = offset.to_string());
    Results {
        total,
        first: offset + 1,
        last: offset + items.len(),
        previous: (offset > 0).then(|| page_url(offset.saturating_sub(PAGE_SIZE))),
        next: (offset + items.len() < total).then(|| page_url(offset + PAGE_SIZE)),
        wider: if total == 0 { wider_searches(form) } else { Vec::new() },
        items,
        map,
    }
}

/// Searches to suggest when nothing was found: a wider radius, no radius, and the search without each filter.
fn wider_searches(form: &FindForm) -> Vec<Link> {
    // Each suggestion is this search from its first page with one change.
    let search = |label: String, change: &dyn Fn(&mut FindForm)| Link {
        href: form.url(|f| {
            f.offset.clear();
            change(f);
        }),
        label,
    };
    let mut links = Vec::new();
    if !form.radius_km.is_empty() {
        let current: f64 = form.radius_km.parse().unwrap_or(0.0);
        if let Some((wider, label)) =
            RADII.iter().skip(1).find(|(value, _)| value.parse::<f64>().is_ok_and(|v| v > current))
        {
            links.push(search(format!("Search within {label}"), &|f| (*wider).clone_into(&mut f.radius_km)));
        }
        links.push(search("Search at any distance".to_owned(), &|f| f.radius_km.clear()));
    }
    for code in &form.offers {
        let label = Offer::parse(code).map_or_else(|_| code.clone(), |o| labels::offer(o).to_owned());
        links.push(search(format!("Drop the filter: {label}"), &|f| f.offers.retain(|c| c != code)));
    }
    for code in &form.payment {
        let label = Payment::parse(code).map_or_else(|_| code.clone(), |p| labels::payment(p).to_owned());
        links.push(search(format!("Drop the filter: {label}"), &|f| f.payment.retain(|c| c != code)));
    }
    if form.telehealth {
        links.push(search("Drop the filter: offers telehealth".to_owned(), &|f| f.telehealth = false));
    }
    if !form.language.is_empty() {
        let label = format!("Drop the filter: speaks {}", labels::language(&form.language));
        links.push(search(label, &|f| f.language.clear()));
    }
    if form.accepting {
        links.push(search("Drop the filter: accepting new patients".to_owned(), &|f| f.accepting = false));
    }
    links
}

fn view(c: &ketapath_directory::Clinic, distance_km: f64) -> ResultView {
    ResultView {
        href: clinic_path(c.id.as_str()),
        name: c.name.clone(),
        distance: labels::distance(distance_km),
        address: format!("{}, {}, {} {}", c.address.street, c.address.city, c.address.state, c.address.zip),
        phone: c.phone.clone(),
        facts: ListingFacts::of(c),
        verified: c.last_verified.map_or_else(|| "not yet verified".to_owned(), labels::date),
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
        let (message, field) = form.search_params().unwrap_err();
        assert_eq!(field, "place");
        assert!(message.contains("Nowhereville"), "{message}");
    }

    #[test]
    fn wider_searches_drop_one_thing_each() {
        let form = FindForm::parse(&pairs("place=10001&radius_km=10&offers=tms&telehealth=true&offset=10"));
        let links = wider_searches(&form);
        let hrefs: Vec<&str> = links.iter().map(|l| l.href.as_str()).collect();
        assert_eq!(
            hrefs,
            [
                "/find?place=10001&radius_km=25&offers=tms&telehealth=true",
                "/find?place=10001&offers=tms&telehealth=true",
                "/find?place=10001&radius_km=10&telehealth=true",
                "/find?place=10001&radius_km=10&offers=tms",
            ]
        );
    }
}
