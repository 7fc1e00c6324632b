//! `GET /registry`: the public registry over consenting patients: response and remission by modality and
//! instrument with Wilson intervals, time to first response, durability (Kaplan–Meier), adverse events per 100
//! sessions and blood-pressure gate rates, each figure about fewer than 11 patients shown as "fewer than 11", and
//! two inline SVG charts per shown cell. The statistics come from the cached snapshot (`ketapath_care::research_stats`).

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use ketapath_research::model::AdverseEventKind;
use ketapath_research::stats::Proportion;
use ketapath_research::{Registry, Suppressed, svg};

use super::find::labels;
use super::{Layout, render};
use crate::error::respond;
use crate::extract::Db;
use crate::i18n::{Lang, Tr};
use crate::state::AppState;

pub const PATH: &str = "/registry";

struct CellRow {
    modality: String,
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
fn shown<T>(value: &Suppressed<T>, t: Tr, f: impl FnOnce(&T) -> String) -> String {
    match value {
        Suppressed::Shown(v) => f(v),
        Suppressed::Suppressed { threshold } => t.a("registry-fewer", [("n", threshold.to_string())]),
    }
}

fn proportion(p: &Suppressed<Proportion>, t: Tr) -> String {
    shown(p, t, |p| {
        t.a("rate-of", [("label", labels::rate(p, t)), ("n", p.successes.to_string()), ("total", p.n.to_string())])
    })
}

/// An adverse event type in words.
fn event_kind(kind: AdverseEventKind, t: Tr) -> String {
    t.m(match kind {
        AdverseEventKind::Hypertension => "event-hypertension",
        AdverseEventKind::Hypotension => "event-hypotension",
        AdverseEventKind::Tachycardia => "event-tachycardia",
        AdverseEventKind::Bradycardia => "event-bradycardia",
        AdverseEventKind::Hypoxia => "event-hypoxia",
        AdverseEventKind::RespiratoryDepression => "event-respiratory-depression",
        AdverseEventKind::Sedation => "event-sedation",
        AdverseEventKind::Dissociation => "event-dissociation",
        AdverseEventKind::Nausea => "event-nausea",
        AdverseEventKind::Vomiting => "event-vomiting",
        AdverseEventKind::Dizziness => "event-dizziness",
        AdverseEventKind::Headache => "event-headache",
        AdverseEventKind::Anxiety => "event-anxiety",
        AdverseEventKind::SuicidalIdeation => "event-suicidal-ideation",
        AdverseEventKind::UrinarySymptoms => "event-urinary-symptoms",
        AdverseEventKind::Other => "event-other",
    })
}

fn page_of(r: &Registry, demo: bool, lang: Lang) -> RegistryPage {
    let t = lang.tr();
    let mut cells = Vec::new();
    let mut charts = Vec::new();
    for (i, c) in r.outcomes.iter().enumerate() {
        let modality = labels::modality(c.modality, t);
        let title = format!("{modality}, {}", c.instrument.code());
        cells.push(CellRow {
            modality,
            instrument: c.instrument.code(),
            patients: shown(&c.patients, t, u64::to_string),
            period: shown(&c.period, t, |p| labels::period(&p.from, &p.to, t)),
            response: proportion(&c.response, t),
            remission: proportion(&c.remission, t),
            time_to_response: match &c.time_to_response_days {
                None => t.m("registry-no-responders"),
                Some(q) => shown(q, t, |q| {
                    t.a(
                        "registry-median-days",
                        [
                            ("n", format!("{:.0}", q.median)),
                            ("low", format!("{:.0}", q.q1)),
                            ("high", format!("{:.0}", q.q3)),
                        ],
                    )
                }),
            },
            durability: shown(&c.durability, t, |d| {
                let responders = ("n", d.responders.to_string());
                d.median_days.map_or_else(
                    || t.a("registry-durability-not-reached", [responders.clone()]),
                    |m| t.a("registry-durability-median", [responders.clone(), ("label", format!("{m:.0}"))]),
                )
            }),
            counted: t.a("registry-counted", [("n", c.baseline_min.to_string())]),
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
                    &t.a("registry-chart-response", [("label", title.clone())]),
                    &c.response_over_time,
                    &t,
                ),
            });
        }
        if let Suppressed::Shown(d) = &c.durability
            && !d.steps.is_empty()
        {
            charts.push(Chart {
                svg: svg::km_chart(
                    &format!("km-{i}"),
                    &t.a("registry-chart-durability", [("label", title.clone())]),
                    &d.steps,
                    &t,
                ),
            });
        }
    }
    let events = r
        .adverse_events
        .by_kind
        .iter()
        .map(|(kind, rate)| EventRow {
            kind: event_kind(*kind, t),
            text: shown(rate, t, |e| {
                let events = ("n", e.events.to_string());
                e.per_100_sessions.map_or_else(
                    || t.a("registry-events-count", [events.clone()]),
                    |v| {
                        t.a(
                            "registry-events-rate",
                            [("rate", format!("{v:.1}")), events.clone(), ("patients", e.patients.to_string())],
                        )
                    },
                )
            }),
        })
        .collect();
    let gate = |p: &Option<Suppressed<Proportion>>| {
        p.as_ref().map_or_else(|| t.m("registry-no-sessions"), |p| proportion(p, t))
    };
    RegistryPage {
        layout: Layout::localized(lang, t.m("registry-title"), demo, PATH, PATH),
        // English keeps the ISO date it has always shown; Spanish spells the month out.
        as_of: if lang == Lang::En { r.as_of.to_string() } else { labels::date(r.as_of, t) },
        patients: shown(&r.patients, t, u64::to_string),
        cells,
        charts,
        sessions: shown(&r.adverse_events.sessions, t, u64::to_string),
        events,
        gate_blocked: gate(&r.bp_gate.blocked),
        gate_overridden: gate(&r.bp_gate.overridden),
        rules: r.rules.iter().map(|r| format!("{} v{}", r.id, r.version)).collect::<Vec<_>>().join(", "),
    }
}

/// `GET /registry`.
pub async fn page(State(state): State<AppState>, Db(store): Db, lang: Lang) -> Response {
    let demo = state.config.demo;
    match state.research.snapshot(&store).await {
        Ok(snapshot) => render(StatusCode::OK, &page_of(&snapshot.registry, demo, lang)),
        Err(error) => respond(&lang.href(PATH), demo, error.into()),
    }
}
