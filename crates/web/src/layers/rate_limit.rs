//! Rate limits by route class, kept in memory: public writes per client address, sign-in per (account, client
//! address), and the staff API and portal per signed-in actor, so that a clinic's staff behind one NAT address
//! do not share one allowance and a stranger flooding the sign-in of one account does not slow another.
//!
//! What governor does: the arithmetic. Its keyed [`governor::RateLimiter`] runs GCRA (the "generic cell rate
//! algorithm", equivalent to a token bucket of `burst` tokens refilled at `per_minute`) and keeps one number per
//! key, the key's theoretical arrival time (TAT). `retain_recent` drops the keys whose TAT has passed, since their
//! state is the same as a fresh key's, so forgetting them forgives nothing.
//!
//! What this module adds: the bound. Governor's own stores grow with every key and can only drop idle keys, so a
//! flood from many addresses that are all busy would grow them without end. [`BoundedStore`] is a governor state
//! store whose map this module can also reach: when it holds `max_keys` keys and a new one arrives, idle keys go
//! first (`retain_recent`); if that is not enough, the eighth of the keys with the earliest TAT go, those nearest
//! to a full allowance again. Memory stays bounded and nobody's state is reset wholesale, so the busiest clients
//! keep their limits.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::http::Method;
use governor::Quota;
use governor::clock::{Clock, DefaultClock};
use governor::middleware::NoOpMiddleware;
use governor::nanos::Nanos;
use governor::state::StateStore;
use governor::state::keyed::ShrinkableKeyedStateStore;
use ketapath_store::domain::StaffId;

use super::client::ClientKey;
use crate::config::RateLimitConfig;

/// Whose allowance a request takes. Never logged or exported: it is made of addresses and account names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LimitKey {
    /// A public write (no sign-in): per client address.
    Public(ClientKey),
    /// A sign-in attempt: per account (a hash of the lower-case e-mail, known or not) and client address.
    SignIn(u64, ClientKey),
    /// A write by a signed-in staff member, through the API or the portal: per user, wherever they are.
    Staff(u64),
}

impl LimitKey {
    pub fn sign_in(email: &str, client: ClientKey) -> Self {
        LimitKey::SignIn(digest(&email.trim().to_ascii_lowercase()), client)
    }

    pub fn staff(user: StaffId) -> Self {
        LimitKey::Staff(digest(&user.to_text()))
    }
}

/// A short, fixed digest of a name, so keys stay small and hold no readable account name.
fn digest(text: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

type Tats = Arc<Mutex<HashMap<LimitKey, u64>>>;

/// A governor state store: each key's TAT (nanoseconds after the limiter's start) in a map the limiter shares
/// with [`RateLimiter`], which evicts from it.
#[derive(Debug, Default)]
pub struct BoundedStore {
    tats: Tats,
}

fn locked(tats: &Tats) -> MutexGuard<'_, HashMap<LimitKey, u64>> {
    // A poisoned lock only means another request panicked mid-update; the map is still usable.
    tats.lock().unwrap_or_else(PoisonError::into_inner)
}

impl StateStore for BoundedStore {
    type Key = LimitKey;

    fn measure_and_replace<T, F, E>(&self, key: &LimitKey, f: F) -> Result<T, E>
    where
        F: Fn(Option<Nanos>) -> Result<(T, Nanos), E>,
    {
        let mut tats = locked(&self.tats);
        let (outcome, tat) = f(tats.get(key).map(|t| Nanos::from(*t)))?;
        tats.insert(*key, tat.into());
        Ok(outcome)
    }
}

impl ShrinkableKeyedStateStore<LimitKey> for BoundedStore {
    fn retain_recent(&self, drop_below: Nanos) {
        let drop_below = u64::from(drop_below);
        locked(&self.tats).retain(|_, tat| *tat > drop_below);
    }

    fn shrink_to_fit(&self) {
        locked(&self.tats).shrink_to_fit();
    }

    fn len(&self) -> usize {
        locked(&self.tats).len()
    }

    fn is_empty(&self) -> bool {
        locked(&self.tats).is_empty()
    }
}

/// The limiter of every class. The clock is a parameter so that tests move time by hand.
pub struct RateLimiter<C: Clock = DefaultClock> {
    limiter: governor::RateLimiter<LimitKey, BoundedStore, C, NoOpMiddleware<C::Instant>>,
    tats: Tats,
    clock: C,
    max_keys: usize,
}

impl<C: Clock + Clone> std::fmt::Debug for RateLimiter<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RateLimiter {{ keys: {}, max_keys: {} }}", self.tracked_keys(), self.max_keys)
    }
}

impl RateLimiter {
    pub fn new(config: RateLimitConfig) -> Self {
        Self::with_clock(config, DefaultClock::default())
    }
}

impl<C: Clock + Clone> RateLimiter<C> {
    /// A limiter of `config.burst` requests at once per key, refilled at `config.per_minute` (at least one a
    /// minute: governor has no zero rate), remembering at most `config.max_clients` keys.
    pub fn with_clock(config: RateLimitConfig, clock: C) -> Self {
        let per_minute = NonZeroU32::new(config.per_minute).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(config.burst).unwrap_or(NonZeroU32::MIN);
        let store = BoundedStore::default();
        let tats = Arc::clone(&store.tats);
        let quota = Quota::per_minute(per_minute).allow_burst(burst);
        let limiter = governor::RateLimiter::new(quota, store, clock.clone());
        Self { limiter, tats, clock, max_keys: config.max_clients.max(1) }
    }

    /// Takes one request from `key`'s allowance; `Err` carries how long until the next one is allowed.
    pub fn check(&self, key: LimitKey) -> Result<(), Duration> {
        self.make_room(&key);
        self.limiter.check_key(&key).map_err(|not_until| not_until.wait_time_from(self.clock.now()))
    }

    /// Keeps the key count under `max_keys` before a new key is added: idle keys first, then the oldest eighth.
    /// Requests racing here may add a key or two beyond the bound each; the bound is still fixed.
    fn make_room(&self, key: &LimitKey) {
        let full = {
            let tats = locked(&self.tats);
            tats.len() >= self.max_keys && !tats.contains_key(key)
        };
        if !full {
            return;
        }
        self.limiter.retain_recent();
        let mut tats = locked(&self.tats);
        if tats.len() < self.max_keys {
            return;
        }
        let evict = (tats.len() / 8).max(tats.len() + 1 - self.max_keys);
        let mut by_age: Vec<u64> = tats.values().copied().collect();
        let (_, cutoff, _) = by_age.select_nth_unstable(evict - 1);
        let cutoff = *cutoff;
        let mut left = evict;
        tats.retain(|_, tat| {
            let drop = left > 0 && *tat <= cutoff;
            left -= usize::from(drop);
            !drop
        });
    }

    /// Number of keys remembered, for tests of the memory bound.
    pub fn tracked_keys(&self) -> usize {
        locked(&self.tats).len()
    }
}

/// True for requests that take from an allowance: POSTs, the method of every public write, the sign-in, every
/// portal form and the API's creating and charting calls. Reading is never limited, and neither are the staff
/// API's PUTs (settings and schedules, which a signed-in user sends rarely).
pub fn is_limited(method: &Method) -> bool {
    method == Method::POST
}

#[cfg(test)]
mod tests {
    use super::*;
    use governor::clock::FakeRelativeClock;

    fn limiter(burst: u32, per_minute: u32, max_clients: usize) -> (RateLimiter<FakeRelativeClock>, FakeRelativeClock) {
        let clock = FakeRelativeClock::default();
        (RateLimiter::with_clock(RateLimitConfig { burst, per_minute, max_clients }, clock.clone()), clock)
    }

    fn public(last: u8) -> LimitKey {
        LimitKey::Public(ClientKey::V4([10, 0, 0, last]))
    }

    #[test]
    fn burst_then_refill() {
        let (l, clock) = limiter(2, 60, 10);
        assert!(l.check(public(1)).is_ok());
        assert!(l.check(public(1)).is_ok());
        let wait = l.check(public(1)).unwrap_err();
        assert!(wait > Duration::from_millis(900) && wait <= Duration::from_secs(1), "{wait:?}");
        clock.advance(Duration::from_millis(500));
        assert!(l.check(public(1)).is_err());
        clock.advance(Duration::from_millis(600));
        assert!(l.check(public(1)).is_ok());
    }

    #[test]
    fn classes_and_clients_have_separate_allowances() {
        let (l, _) = limiter(1, 1, 100);
        let nat = ClientKey::V4([192, 0, 2, 1]);
        assert!(l.check(LimitKey::Public(nat)).is_ok());
        assert!(l.check(LimitKey::Public(nat)).is_err());
        assert!(l.check(public(2)).is_ok(), "another address");
        // Behind the same address: each account's sign-in and each staff member have their own allowance.
        assert!(l.check(LimitKey::sign_in("a@x.example", nat)).is_ok());
        assert!(l.check(LimitKey::sign_in(" A@X.example", nat)).is_err(), "the same account");
        assert!(l.check(LimitKey::sign_in("b@x.example", nat)).is_ok());
        assert!(l.check(LimitKey::Staff(1)).is_ok());
        assert!(l.check(LimitKey::Staff(2)).is_ok());
        assert!(l.check(LimitKey::Staff(1)).is_err());
    }

    #[test]
    fn memory_stays_bounded_without_forgetting_the_busiest() {
        let (l, _) = limiter(1, 1, 100);
        // One busy client, refused from now on.
        assert!(l.check(public(0)).is_ok());
        for i in 1..1000u32 {
            let _ = l.check(LimitKey::Public(ClientKey::V4(i.to_be_bytes())));
            assert!(l.tracked_keys() <= 100, "{}", l.tracked_keys());
            // The first key is the oldest; once eviction starts it may go, but it is never reset with the rest.
        }
        assert!(l.tracked_keys() >= 80, "eviction drops a part, not all: {}", l.tracked_keys());
        // The latest keys are still limited.
        assert!(l.check(LimitKey::Public(ClientKey::V4(999u32.to_be_bytes()))).is_err());
    }

    #[test]
    fn idle_keys_are_dropped_before_busy_ones() {
        let (l, clock) = limiter(2, 60, 4);
        for i in 1..=3 {
            assert!(l.check(public(i)).is_ok());
        }
        clock.advance(Duration::from_secs(5));
        // Key 4 is busy (burst used up); keys 1 to 3 have refilled and are idle.
        assert!(l.check(public(4)).is_ok() && l.check(public(4)).is_ok());
        assert!(l.check(public(5)).is_ok());
        assert_eq!(l.tracked_keys(), 2, "only the idle keys went");
        assert!(l.check(public(4)).is_err(), "the busy key kept its state");
    }

    #[test]
    fn zero_settings_still_allow_one_and_answer_a_retry_time() {
        let (l, _) = limiter(0, 0, 10);
        assert!(l.check(public(1)).is_ok());
        let wait = l.check(public(1)).unwrap_err();
        assert!(wait > Duration::from_secs(55) && wait <= Duration::from_secs(60), "{wait:?}");
    }
}
