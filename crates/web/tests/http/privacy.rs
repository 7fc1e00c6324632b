//! Self-check answers are never logged: a subscriber that records every span and event at every level captures
//! the output of screening requests (JSON and forms, valid and invalid), and none of the answers appear in it or
//! in the metrics.

use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::FmtSpan;

use crate::support::*;

/// Log output collected in memory.
#[derive(Clone, Default)]
pub(crate) struct Captured(pub(crate) Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("capture lock").extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    /// Records every span and event at every level on this thread until the guard drops, and logs
    /// `capture-canary` so that a test can show the capture works. The tests' runtimes are single-threaded, so
    /// every request a test sends runs under it.
    ///
    /// Why the second dispatcher: tracing caches per call site whether any subscriber wants its events. While
    /// exactly one dispatcher is alive, a call site first reached on another test's thread asks only that
    /// thread's default (none) and caches "never" for every thread, so a 500's "request failed" line, first
    /// reached by a concurrent test, went missing here twice on PostgreSQL. With two dispatchers alive tracing
    /// asks them all, and each event is then checked against the subscriber of the thread it happens on.
    pub(crate) fn start() -> (Captured, tracing::subscriber::DefaultGuard) {
        static SECOND: std::sync::OnceLock<tracing::Dispatch> = std::sync::OnceLock::new();
        SECOND.get_or_init(|| tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default()));
        let captured = Captured::default();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_span_events(FmtSpan::FULL)
            .with_writer(captured.clone())
            .finish();
        let guard = tracing::subscriber::set_default(subscriber);
        tracing::callsite::rebuild_interest_cache();
        tracing::info!("capture-canary");
        (captured, guard)
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// Values no log line would contain by chance.
const DRUG: &str = "Quetzalcoxetine";
const DOSE: &str = "987.125";
const EPISODE: &str = "123.375";

#[tokio::test]
async fn no_answer_reaches_the_log_or_the_metrics() {
    let (captured, _guard) = Captured::start();

    // With the metrics token set, so that /metrics answers and its text can be checked too.
    let app = crate::ops::app_with_metrics_token();
    let body = format!(
        r#"{{"phq9": [3,3,3,3,3,3,3,3,2], "acting_on_thoughts": true, "episode_months": {EPISODE},
            "trials": [{{"drug": "{DRUG}", "dose_mg_per_day": {DOSE}, "weeks": 9}}]}}"#
    );
    assert_eq!(send(&app, post_json("/api/v1/screenings", body)).await.status, StatusCode::OK);
    let invalid = format!(r#"{{"phq9": [3,3,3], "trials": [{{"drug": "{DRUG}"}}]}}"#);
    assert_eq!(send(&app, post_json("/api/v1/screenings", invalid)).await.status, StatusCode::BAD_REQUEST);
    let bad_dose =
        format!(r#"{{"phq9": [0,0,0,0,0,0,0,0,0], "trials": [{{"drug": "{DRUG}", "dose_mg_per_day": "{DOSE}"}}]}}"#);
    assert_eq!(send(&app, post_json("/api/v1/screenings", bad_dose)).await.status, StatusCode::BAD_REQUEST);

    let form = pairs(&[
        ("phq9_1", "3"),
        ("phq9_2", "3"),
        ("phq9_3", "3"),
        ("phq9_4", "3"),
        ("phq9_5", "3"),
        ("phq9_6", "3"),
        ("phq9_7", "3"),
        ("phq9_8", "3"),
        ("phq9_9", "2"),
        ("acting", "yes"),
        ("trial1_drug", DRUG),
        ("trial1_dose", DOSE),
        ("episode_months", EPISODE),
        ("step", "about"),
    ]);
    let result = send(&app, post_form("/check", &form)).await;
    assert!(result.text().contains(DRUG), "the person sees their answers");
    let mut broken = form.clone();
    broken.push(("age".to_owned(), format!("{DRUG} years")));
    assert_eq!(send(&app, post_form("/check", &broken)).await.status, StatusCode::OK);

    let metrics = send(&app, crate::ops::get_metrics()).await.text();
    assert!(metrics.contains("ketapath_http_requests_total"), "{metrics}");
    drop(_guard);
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("capture-canary"), "the subscriber captured nothing, so the test would prove nothing");
    for answer in [DRUG, DOSE, EPISODE, "acting_on_thoughts", "phq9_"] {
        assert!(!log.contains(answer), "the log carries {answer}:\n{log}");
        assert!(!metrics.contains(answer), "the metrics carry {answer}");
    }
}
