//! `GET /portal/outcomes` and `GET /portal/outcomes.csv`: the clinic's own outcome figures for its admins and
//! prescribers (`ketapath_care::clinic_outcomes`): response and remission with Wilson 95% intervals, time to first
//! response and durability of response as Kaplan–Meier charts (inline SVG, no script, each stating its figures in
//! words), pre-dose blood-pressure gate refusal and override rates, and adverse events per 100 sessions, filtered by
//! modality, instrument and period (a GET form), each with a CSV download of the table behind it. Unsuppressed:
//! every figure is about the clinic's own patients, whom these staff already see.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ketapath_care::clinic_outcomes::{ClinicOutcomes, OutcomeFilter, Period, clinic_outcomes, outcome_instruments};
use ketapath_care::clinic_time::date_text;
use ketapath_clinical::protocols::Modality;
use ketapath_research::stats::{Proportion, TableName};
use ketapath_research::{Suppressed, svg};
use serde::Deserialize;

use super::sign_in_cookie::PortalStaff;
use super::{Bar, layout};
use crate::error::{ApiError, respond};
use crate::pages::{Layout, render};
use crate::state::AppState;

pub const PATH: &str = "/portal/outcomes";
pub const CSV_PATH: &str = "/portal/outcomes.csv";

/// The page's and the download's query, as sent: absent or empty values mean "all".
#[derive(Debug, Default, Deserialize)]
pub struct OutcomeQuery {
    modality: Option<String>,
    instrument: Option<String>,
    period: Option<String>,
    table: Option<String>,
}

impl OutcomeQuery {
    fn filter(&self) -> Result<OutcomeFilter, ApiError> {
        Ok(OutcomeFilter::parse(self.modality.as_deref(), self.instrument.as_deref(), self.period.as_deref())?)
    }
}

/// One choice of a filter's select.
struct Choice {
    value: &'static str,
    label: &'static str,
    selected: bool,
}

struct CellRow {
    modality: &'static str,
    instrument: &'static str,
    patients: u64,
    response: String,
    remission: String,
    counted: String,
}

/// A Kaplan–Meier chart with its summary in words.
struct Curve {
    svg: String,
    summary: String,
}

impl Curve {
    /// The chart of `steps` titled "`what`: `cell`", and the summary that names the cell.
    fn km(id: String, what: &str, cell: &str, steps: &[ketapath_research::stats::Step], summary: &str) -> Self {
        Curve {
            svg: svg::km_chart(&id, &format!("{what}: {cell}"), steps, &svg::English),
            summary: format!("{cell}: {summary}"),
        }
    }
}

struct EventRow {
    kind: String,
    text: String,
}

#[derive(Template)]
#[template(path = "portal_outcomes.html")]
struct OutcomesPage {
    layout: Layout,
    bar: Bar,
    as_of: String,
    period: String,
    modalities: Vec<Choice>,
    instruments: Vec<Choice>,
    periods: Vec<Choice>,
    /// No course in view: the page says so instead of showing empty tables.
    empty: bool,
    patients: usize,
    cells: Vec<CellRow>,
    time_to_response: Vec<Curve>,
    durability: Vec<Curve>,
    gate_blocked: String,
    gate_overridden: String,
    sessions: u64,
    events: Vec<EventRow>,
    /// The CSV link of each table: `/portal/outcomes.csv?table=…&` and the filters.
    csv: Csv,
}

struct Csv {
    outcomes: String,
    time_to_response: String,
    durability: String,
    gates: String,
    adverse_events: String,
}

fn instrument_name(i: ketapath_clinical::instruments::Instrument) -> &'static str {
    i.spec().name
}

fn proportion(p: &Proportion) -> String {
    format!("{p}, {} of {}", p.successes, p.n)
}

fn days(d: Option<f64>) -> String {
    d.map_or_else(|| "not reached".to_owned(), |d| format!("{d:.0} days"))
}

fn page_of(staff: &PortalStaff, demo: bool, o: &ClinicOutcomes) -> OutcomesPage {
    let f = o.filter;
    let filters = format!(
        "modality={}&instrument={}&period={}",
        f.modality.map_or("", Modality::code),
        f.instrument.map_or("", |i| i.code()),
        f.period.code()
    );
    let csv = |t: TableName| format!("{CSV_PATH}?table={}&{filters}", t.code());
    let all = |selected: bool| Choice { value: "", label: "All", selected };
    let mut modalities = vec![all(f.modality.is_none())];
    modalities.extend(Modality::ALL.iter().map(|m| Choice {
        value: m.code(),
        label: m.label(),
        selected: f.modality == Some(*m),
    }));
    let mut instruments = vec![all(f.instrument.is_none())];
    instruments.extend(outcome_instruments().into_iter().map(|i| Choice {
        value: i.code(),
        label: instrument_name(i),
        selected: f.instrument == Some(i),
    }));
    let periods =
        Period::ALL.iter().map(|p| Choice { value: p.code(), label: p.label(), selected: f.period == *p }).collect();

    let r = &o.report.registry;
    let cells = r
        .outcomes
        .iter()
        .filter_map(|c| {
            Some(CellRow {
                modality: c.modality.label(),
                instrument: instrument_name(c.instrument),
                patients: *c.patients.shown()?,
                response: proportion(c.response.shown()?),
                remission: proportion(c.remission.shown()?),
                counted: format!("baseline {} or more", c.baseline_min),
            })
        })
        .collect();
    let title =
        |m: Modality, i: ketapath_clinical::instruments::Instrument| format!("{}, {}", m.label(), instrument_name(i));
    let time_to_response = o
        .report
        .time_to_response
        .iter()
        .enumerate()
        .filter(|(_, t)| !t.steps.is_empty())
        .map(|(k, t)| {
            let summary = format!(
                "{} of {} courses responded; median time to first response {}.",
                t.responders,
                t.courses,
                days(t.median_days)
            );
            let what = "Share not yet responding, by days since the first treatment";
            Curve::km(format!("ttr-{k}"), what, &title(t.modality, t.instrument), &t.steps, &summary)
        })
        .collect();
    let durability = r
        .outcomes
        .iter()
        .enumerate()
        .filter_map(|(k, c)| {
            let d = c.durability.shown().filter(|d| !d.steps.is_empty())?;
            let summary = format!("{} responders; median duration of response {}.", d.responders, days(d.median_days));
            let what = "Share still responding, by days since the first response";
            Some(Curve::km(format!("km-{k}"), what, &title(c.modality, c.instrument), &d.steps, &summary))
        })
        .collect();
    let gate = |p: &Option<Suppressed<Proportion>>| match p {
        Some(Suppressed::Shown(p)) => proportion(p),
        _ => "no sessions to count".to_owned(),
    };
    let events = r
        .adverse_events
        .by_kind
        .iter()
        .filter_map(|(kind, rate)| {
            let e = rate.shown()?;
            Some(EventRow {
                kind: kind.code().replace('_', " "),
                text: e.per_100_sessions.map_or_else(
                    || format!("{} events", e.events),
                    |v| format!("{v:.1} per 100 sessions ({} events, {} patients)", e.events, e.patients),
                ),
            })
        })
        .collect();
    OutcomesPage {
        layout: layout("Outcomes", demo, PATH),
        bar: Bar::of(staff),
        as_of: date_text(o.as_of),
        period: match o.from {
            Some(from) => format!("{} (since {})", f.period.label(), date_text(from)),
            None => f.period.label().to_owned(),
        },
        modalities,
        instruments,
        periods,
        empty: o.is_empty(),
        patients: o.patients,
        cells,
        time_to_response,
        durability,
        gate_blocked: gate(&r.bp_gate.blocked),
        gate_overridden: gate(&r.bp_gate.overridden),
        sessions: r.adverse_events.sessions.shown().copied().unwrap_or(0),
        events,
        csv: Csv {
            outcomes: csv(TableName::Outcomes),
            time_to_response: csv(TableName::TimeToResponse),
            durability: csv(TableName::Durability),
            gates: csv(TableName::Gates),
            adverse_events: csv(TableName::AdverseEvents),
        },
    }
}

/// The figures under the query's filters, or the page to answer instead (403 for roles without patient access,
/// 400 naming a filter that does not parse).
async fn compute(
    state: &AppState,
    staff: &PortalStaff,
    query: &OutcomeQuery,
    path: &str,
) -> Result<ClinicOutcomes, Response> {
    let demo = state.config.demo;
    let scope = super::clinic_scope(staff, demo, path).await?;
    if !crate::routes::Access::AdminOrPrescriber.allows(staff.actor().role) {
        let reason = "the clinic's outcome figures are for its clinic admins and prescribers".to_owned();
        return Err(respond(path, demo, ApiError::Forbidden(reason)));
    }
    let filter = query.filter().map_err(|error| respond(path, demo, error))?;
    clinic_outcomes(&scope, filter).await.map_err(|error| respond(path, demo, error.into()))
}

/// `GET /portal/outcomes`.
pub async fn page(State(state): State<AppState>, staff: PortalStaff, Query(query): Query<OutcomeQuery>) -> Response {
    match compute(&state, &staff, &query, PATH).await {
        Ok(outcomes) => render(StatusCode::OK, &page_of(&staff, state.config.demo, &outcomes)),
        Err(response) => response,
    }
}

/// `GET /portal/outcomes.csv?table=…`: the table behind one figure, under the same filters, as `text/csv`.
pub async fn csv(State(state): State<AppState>, staff: PortalStaff, Query(query): Query<OutcomeQuery>) -> Response {
    let demo = state.config.demo;
    let outcomes = match compute(&state, &staff, &query, CSV_PATH).await {
        Ok(outcomes) => outcomes,
        Err(response) => return response,
    };
    // Without `table`, the first table (response and remission) is the one asked for.
    let table = match query.table.as_deref().map_or(Ok(TableName::Outcomes), TableName::parse) {
        Ok(table) => table,
        Err(error) => return respond(CSV_PATH, demo, error.into()),
    };
    let body = match outcomes.report.table(table).to_csv() {
        Ok(body) => body,
        Err(error) => {
            tracing::error!(field = %error.field, "outcome table could not be written as CSV");
            return respond(CSV_PATH, demo, ApiError::Internal);
        }
    };
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"outcomes-{}.csv\"", table.code())) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}
