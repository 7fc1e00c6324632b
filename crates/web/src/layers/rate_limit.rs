//! Rate limit for public POST routes: one token bucket per client address ([`super::client::ClientKey`]), kept
//! in memory.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::Method;

use super::client::ClientKey;
use crate::config::RateLimitConfig;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

/// Token buckets for all clients. The clock comes in as a parameter so the arithmetic is tested without sleeping.
#[derive(Debug)]
pub struct RateLimiter {
    config: RateLimitConfig,
    buckets: Mutex<HashMap<ClientKey, Bucket>>,
}

impl RateLimiter {
    pub fn new(config: RateLimitConfig) -> Self {
        Self { config, buckets: Mutex::new(HashMap::new()) }
    }

    fn per_second(&self) -> f64 {
        f64::from(self.config.per_minute) / 60.0
    }

    /// Takes one token for `key` at `now`; `Err` carries how long until a token is available.
    pub fn take(&self, key: ClientKey, now: Instant) -> Result<(), Duration> {
        let burst = f64::from(self.config.burst);
        let rate = self.per_second();
        // A poisoned lock only means another request panicked mid-update; the map is still usable.
        let mut buckets = self.buckets.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if buckets.len() >= self.config.max_clients && !buckets.contains_key(&key) {
            self.forget_idle(&mut buckets, now);
        }
        let bucket = buckets.entry(key).or_insert(Bucket { tokens: burst, updated: now });
        let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * rate).min(burst);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else if rate > 0.0 {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / rate))
        } else {
            Err(Duration::from_secs(60))
        }
    }

    /// Drops buckets that have refilled completely (their clients are idle). If every bucket is busy the map is
    /// cleared: memory stays bounded, at the price of briefly forgiving the busiest clients.
    fn forget_idle(&self, buckets: &mut HashMap<ClientKey, Bucket>, now: Instant) {
        let burst = f64::from(self.config.burst);
        let rate = self.per_second();
        buckets.retain(|_, b| b.tokens + now.saturating_duration_since(b.updated).as_secs_f64() * rate < burst);
        if buckets.len() >= self.config.max_clients {
            buckets.clear();
        }
    }

    /// Number of clients remembered, for tests of the memory bound.
    pub fn tracked_clients(&self) -> usize {
        self.buckets.lock().unwrap_or_else(std::sync::PoisonError::into_inner).len()
    }
}

/// True for requests that take a token: every POST (all of them are public today); reading is never limited.
pub fn is_limited(method: &Method) -> bool {
    method == Method::POST
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(burst: u32, per_minute: u32, max_clients: usize) -> RateLimiter {
        RateLimiter::new(RateLimitConfig { burst, per_minute, max_clients })
    }

    #[test]
    fn burst_then_refill() {
        let l = limiter(2, 60, 10);
        let t0 = Instant::now();
        let key = ClientKey::V4([10, 0, 0, 1]);
        assert!(l.take(key, t0).is_ok());
        assert!(l.take(key, t0).is_ok());
        let wait = l.take(key, t0).unwrap_err();
        assert!(wait > Duration::from_millis(900) && wait <= Duration::from_secs(1), "{wait:?}");
        assert!(l.take(key, t0 + Duration::from_millis(500)).is_err());
        assert!(l.take(key, t0 + Duration::from_millis(1600)).is_ok());
    }

    #[test]
    fn clients_have_separate_buckets() {
        let l = limiter(1, 1, 10);
        let t0 = Instant::now();
        assert!(l.take(ClientKey::V4([10, 0, 0, 1]), t0).is_ok());
        assert!(l.take(ClientKey::V4([10, 0, 0, 1]), t0).is_err());
        assert!(l.take(ClientKey::V4([10, 0, 0, 2]), t0).is_ok());
    }

    #[test]
    fn memory_stays_bounded() {
        let l = limiter(1, 60, 100);
        let t0 = Instant::now();
        for i in 0..1000u32 {
            let _ = l.take(ClientKey::V4(i.to_be_bytes()), t0);
            assert!(l.tracked_clients() <= 100);
        }
    }

    #[test]
    fn zero_refill_still_answers_a_retry_time() {
        let l = limiter(1, 0, 10);
        let t0 = Instant::now();
        assert!(l.take(ClientKey::Unknown, t0).is_ok());
        assert_eq!(l.take(ClientKey::Unknown, t0 + Duration::from_secs(3600)), Err(Duration::from_secs(60)));
    }
}
