//! `GET /registry`: the public registry over consenting patients: response and remission by modality and
//! instrument with Wilson intervals, time to first response, durability (Kaplan–Meier), adverse events per 100
//! sessions and blood-pressure gate rates, each figure about fewer than 11 patients shown as "fewer than 11", and
//! two inline SVG charts per shown cell. The statistics come from the cached snapshot (`ketapath_care::research_stats`).

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use ketapath_research::stats::Proportion;
use ketapath_research::{Registry, Suppressed, svg};

use super::{Layout, render};
use crate::error::respond;
use crate::extract::Db;
use crate::state::AppState;

pub const PATH: &str = "/registry";

struct CellRow {
    modality: &'static str,
    instrument: &'static str,
    patients: String,
    period: String,
    response: String,
    remission: String,
    time_to_response: String,
    durability: String,
    /// Which baselines are counted: "baseline 10 or more".
    counted: String,
    rules: String,
}

struct Chart {
    svg: String,
}

struct EventRow {
    kind: String,
    text: String,
}

#[derive(Template)]
#[template(path = "registry.html")]
struct RegistryPage {
    layout: Layout,
    as_of: String,
    patients: String,
    cells: Vec<CellRow>,
    charts: Vec<Chart>,
    sessions: String,
    events: Vec<EventRow>,
    gate_blocked: String,
    gate_overridden: String,
    rules: String,
}

/// A suppressed figure in words, so the page never shows a bare "< 11".
fn shown<T>(value: &Suppressed<T>, f: impl FnOnce(&T) -> String) -> String {
    match value {
        Suppressed::Shown(v) => f(v),
        Suppressed::Suppressed { threshold } => format!("fewer than {threshold} patients"),
    }
}

fn proportion(p: &Suppressed<Proportion>) -> String {
    shown(p, |p| format!("{p}, {} of {}", p.successes, p.n))
}

fn page_of(r: &Registry, demo: bool) -> RegistryPage {
    let mut cells = Vec::new();
    let mut charts = Vec::new();
    for (i, c) in r.outcomes.iter().enumerate() {
        let title = format!("{}, {}", c.modality.label(), c.instrument.code());
        cells.push(CellRow {
            modality: c.modality.label(),
            instrument: c.instrument.code(),
            patients: shown(&c.patients, u64::to_string),
            period: shown(&c.period, |p| format!("{} to {}", p.from, p.to)),
            response: proportion(&c.response),
            remission: proportion(&c.remission),
            time_to_response: match &c.time_to_response_days {
                None => "no responders".to_owned(),
                Some(q) => shown(q, |q| format!("median {:.0} days (IQR {:.0}–{:.0})", q.median, q.q1, q.q3)),
            },
            durability: shown(&c.durability, |d| {
                d.median_days.map_or_else(
                    || format!("{} responders; median not reached", d.responders),
                    |m| format!("{} responders; median {m:.0} days", d.responders),
                )
            }),
            counted: format!("baseline {} or more", c.baseline_min),
            rules: format!(
                "{} v{}, {} v{}, {} v{}",
                c.response_rule.id,
                c.response_rule.version,
                c.remission_rule.id,
                c.remission_rule.version,
                c.baseline_rule.id,
                c.baseline_rule.version
            ),
        });
        if c.response_over_time.iter().any(|p| !p.response.is_suppressed()) {
            charts.push(Chart {
                svg: svg::response_chart(
                    &format!("response-{i}"),
                    &format!("Response over time: {title}"),
                    &c.response_over_time,
                ),
            });
        }
        if let Suppressed::Shown(d) = &c.durability
            && !d.steps.is_empty()
        {
            charts.push(Chart {
                svg: svg::km_chart(&format!("km-{i}"), &format!("Durability of response: {title}"), &d.steps, "days"),
            });
        }
    }
    let events = r
        .adverse_events
        .by_kind
        .iter()
        .map(|(kind, rate)| EventRow {
            kind: kind.code().replace('_', " "),
            text: shown(rate, |e| {
                e.per_100_sessions.map_or_else(
                    || format!("{} events", e.events),
                    |v| format!("{v:.1} per 100 sessions ({} events, {} patients)", e.events, e.patients),
                )
            }),
        })
        .collect();
    let gate = |p: &Option<Suppressed<Proportion>>| p.as_ref().map_or("no sessions".to_owned(), proportion);
    RegistryPage {
        layout: Layout::new("Registry: outcomes of consenting patients", demo, PATH),
        as_of: r.as_of.to_string(),
        patients: shown(&r.patients, u64::to_string),
        cells,
        charts,
        sessions: shown(&r.adverse_events.sessions, u64::to_string),
        events,
        gate_blocked: gate(&r.bp_gate.blocked),
        gate_overridden: gate(&r.bp_gate.overridden),
        rules: r.rules.iter().map(|r| format!("{} v{}", r.id, r.version)).collect::<Vec<_>>().join(", "),
    }
}

/// `GET /registry`.
pub async fn page(State(state): State<AppState>, Db(store): Db) -> Response {
    let demo = state.config.demo;
    match state.research.snapshot(&store).await {
        Ok(snapshot) => render(StatusCode::OK, &page_of(&snapshot.registry, demo)),
        Err(error) => respond(PATH, demo, error.into()),
    }
}
