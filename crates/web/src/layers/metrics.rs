//! Request metrics in Prometheus text format: counts by route template, method and status class, and a latency
//! histogram per route template and method.
//!
//! Labels never carry user input: the route is the template (`/api/v1/instruments/{instrument}/score`) or
//! `unmatched`, and methods outside the standard set are counted as `other`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Duration;

use axum::extract::{MatchedPath, Request};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;

/// Upper bounds of the latency buckets, in seconds.
pub const BUCKETS: [f64; 12] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0];

const STATUS_CLASSES: [&str; 5] = ["1xx", "2xx", "3xx", "4xx", "5xx"];

#[derive(Debug, Default, Clone)]
struct Series {
    by_class: [u64; 5],
    /// Non-cumulative counts per bucket; the last slot is above the largest bound.
    buckets: [u64; BUCKETS.len() + 1],
    sum_seconds: f64,
}

/// All series, keyed by route template, then method. Nested maps let a request look its series up by `&str`,
/// so recording allocates only the first time a route is seen.
#[derive(Debug, Default)]
pub struct Metrics {
    series: Mutex<BTreeMap<String, BTreeMap<&'static str, Series>>>,
}

impl Metrics {
    /// Records one finished request.
    pub fn record(&self, route: &str, method: &Method, status: u16, elapsed: Duration) {
        let class = usize::from(status / 100).saturating_sub(1).min(STATUS_CLASSES.len() - 1);
        let seconds = elapsed.as_secs_f64();
        let bucket = BUCKETS.iter().position(|bound| seconds <= *bound).unwrap_or(BUCKETS.len());
        let mut series = self.series.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let by_method = match series.get_mut(route) {
            Some(by_method) => by_method,
            None => series.entry(route.to_owned()).or_default(),
        };
        let entry = by_method.entry(method_label(method)).or_default();
        entry.by_class[class] += 1;
        entry.buckets[bucket] += 1;
        entry.sum_seconds += seconds;
    }

    /// The Prometheus text exposition of every series.
    pub fn render(&self) -> String {
        let series = self.series.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        let mut out = String::new();
        // Writing to a String cannot fail, so the fmt results are ignored on purpose throughout.
        let _ = writeln!(
            out,
            "# HELP ketapath_http_requests_total HTTP requests by route template, method and status class."
        );
        let _ = writeln!(out, "# TYPE ketapath_http_requests_total counter");
        for (route, method, s) in flatten(&series) {
            for (class, count) in STATUS_CLASSES.iter().zip(s.by_class) {
                if count > 0 {
                    let _ = writeln!(
                        out,
                        "ketapath_http_requests_total{{route=\"{}\",method=\"{method}\",status=\"{class}\"}} {count}",
                        escape(route)
                    );
                }
            }
        }
        let _ = writeln!(
            out,
            "# HELP ketapath_http_request_duration_seconds Time to the response head, by route template and method."
        );
        let _ = writeln!(out, "# TYPE ketapath_http_request_duration_seconds histogram");
        for (route, method, s) in flatten(&series) {
            let labels = format!("route=\"{}\",method=\"{method}\"", escape(route));
            let mut cumulative = 0;
            for (bound, count) in BUCKETS.iter().zip(s.buckets) {
                cumulative += count;
                let _ = writeln!(
                    out,
                    "ketapath_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {cumulative}"
                );
            }
            let total: u64 = s.buckets.iter().sum();
            let _ = writeln!(out, "ketapath_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {total}");
            let _ = writeln!(out, "ketapath_http_request_duration_seconds_sum{{{labels}}} {}", s.sum_seconds);
            let _ = writeln!(out, "ketapath_http_request_duration_seconds_count{{{labels}}} {total}");
        }
        out
    }
}

/// Every series with its route and method, in a stable order.
fn flatten<'a>(
    series: &'a BTreeMap<String, BTreeMap<&'static str, Series>>,
) -> impl Iterator<Item = (&'a str, &'static str, &'a Series)> {
    series.iter().flat_map(|(route, by_method)| by_method.iter().map(move |(method, s)| (route.as_str(), *method, s)))
}

/// The method as a label from a closed set, so that arbitrary method tokens cannot create series.
fn method_label(method: &Method) -> &'static str {
    const KNOWN: [(Method, &str); 7] = [
        (Method::GET, "GET"),
        (Method::HEAD, "HEAD"),
        (Method::POST, "POST"),
        (Method::PUT, "PUT"),
        (Method::PATCH, "PATCH"),
        (Method::DELETE, "DELETE"),
        (Method::OPTIONS, "OPTIONS"),
    ];
    KNOWN.iter().find(|(m, _)| m == method).map_or("other", |(_, label)| label)
}

/// Escapes a label value as the exposition format requires.
fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// The route template of a matched request, carried on the response from the inner [`tag_route`] layer to the
/// outer [`crate::layers::edge`] layer (the outer layer runs before routing and cannot see [`MatchedPath`] itself).
#[derive(Debug, Clone)]
struct RouteTemplate(MatchedPath);

/// Route layer: copies the matched route template onto the response.
pub async fn tag_route(request: Request, next: Next) -> Response {
    let matched = request.extensions().get::<MatchedPath>().cloned();
    let mut response = next.run(request).await;
    if let Some(matched) = matched {
        response.extensions_mut().insert(RouteTemplate(matched));
    }
    response
}

/// The route label of a finished request: its template, or `unmatched` when no route matched.
pub fn route_label(response: &Response) -> &str {
    response.extensions().get::<RouteTemplate>().map_or("unmatched", |t| t.0.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_by_class_and_cumulative_buckets() {
        let m = Metrics::default();
        m.record("/healthz", &Method::GET, 200, Duration::from_micros(100));
        m.record("/healthz", &Method::GET, 200, Duration::from_millis(3));
        m.record("/healthz", &Method::GET, 503, Duration::from_secs(10));
        let text = m.render();
        assert!(
            text.contains(r#"ketapath_http_requests_total{route="/healthz",method="GET",status="2xx"} 2"#),
            "{text}"
        );
        assert!(
            text.contains(r#"ketapath_http_requests_total{route="/healthz",method="GET",status="5xx"} 1"#),
            "{text}"
        );
        assert!(text.contains(r#"_bucket{route="/healthz",method="GET",le="0.0005"} 1"#), "{text}");
        assert!(text.contains(r#"_bucket{route="/healthz",method="GET",le="0.005"} 2"#), "{text}");
        assert!(text.contains(r#"_bucket{route="/healthz",method="GET",le="5"} 2"#), "{text}");
        assert!(text.contains(r#"_bucket{route="/healthz",method="GET",le="+Inf"} 3"#), "{text}");
        assert!(text.contains(r#"_count{route="/healthz",method="GET"} 3"#), "{text}");
    }

    #[test]
    fn unusual_methods_and_labels_cannot_inject() {
        let m = Metrics::default();
        let odd = Method::from_bytes(b"BREW").unwrap();
        m.record("a\"b\\c\nd", &odd, 404, Duration::ZERO);
        let text = m.render();
        assert!(text.contains(r#"route="a\"b\\c\nd",method="other""#), "{text}");
        assert!(!text.contains("BREW"));
    }
}
