//! Event rates per 100 sessions.

/// Events per 100 sessions; `None` without sessions.
pub fn per_100_sessions(events: u64, sessions: u64) -> Option<f64> {
    (sessions > 0).then(|| events as f64 * 100.0 / sessions as f64)
}
