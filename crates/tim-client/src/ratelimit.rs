//! Client-side rate limiting: the documented per-endpoint limits, enforced before sending.
//!
//! # Algorithm
//!
//! Each endpoint has one limiter, shared by every clone of a `Client`, holding one or
//! more [`Throttle`] rules "at most `calls` calls in any `window`". The service counts calls
//! when they *arrive*, which the client cannot observe: a request is somewhere between the
//! moment it is started and the moment its response has been read. The limiter therefore
//! counts a call as occupying its slot from the moment it starts until `window` after it
//! *finished* (its response was read to the end, or it failed). A new call may start only
//! when, for every rule,
//!
//! ```text
//! calls in flight + calls finished at most `window` ago  <  rule.calls
//! ```
//!
//! This is strictly conservative. Take any window `[t, t + window)` of arrival times at the
//! server and, among the calls arriving in it, the one that started last, at `s`; `s < t +
//! window`. Every other call arriving in the window started before `s` and finished after it
//! arrived, so after `t > s - window`: at `s` it was in flight or finished less than `window`
//! ago, and was counted. So at most `rule.calls - 1` others arrive with it, whatever the
//! network latency, and retries are counted like any other call. For `min_interval_ms` (calls
//! must be *more* than that apart, as for `im_push`) the rule is `calls = 1`: a call starts
//! strictly more than the interval after the previous one finished.
//!
//! The price is throughput below the nominal limit when latency is high (a slot is held for
//! the latency plus the window); for the 100 calls/s limits that is still ~100 calls per
//! (1 s + latency). The limiter blocks the calling thread (it sleeps, it never errors) and
//! wakes waiters with a condition variable when a call finishes. Daily quotas (`per_day`) are
//! not enforced client-side: a process cannot know what other processes used today.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use crate::endpoint::Endpoint;

/// One client-side limit: at most `calls` calls in any window of `window`.
///
/// The defaults come from the spec's [`RateLimit`](crate::endpoint::RateLimit) of each
/// endpoint; override them with
/// [`ClientBuilder::throttle`](crate::ClientBuilder::throttle).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Throttle {
    calls: u32,
    window: Duration,
}

impl Throttle {
    /// At most `calls` calls in any window of `window`.
    ///
    /// `calls` must be at least 1 and `window` non-zero (checked by
    /// [`ClientBuilder::build`](crate::ClientBuilder::build)).
    pub const fn new(calls: u32, window: Duration) -> Throttle {
        Throttle { calls, window }
    }

    /// At most `calls` calls in any one-second window.
    pub const fn per_second(calls: u32) -> Throttle {
        Throttle::new(calls, Duration::from_secs(1))
    }

    /// Calls strictly more than `interval` apart (one call per window of `interval`).
    pub const fn min_interval(interval: Duration) -> Throttle {
        Throttle::new(1, interval)
    }

    /// The rules the spec documents for `endpoint` (`per_second`, `min_interval_ms`).
    pub fn from_spec(endpoint: &Endpoint) -> Vec<Throttle> {
        let limit = endpoint.rate_limit;
        let mut rules = Vec::new();
        if let Some(n) = limit.per_second {
            rules.push(Throttle::per_second(n));
        }
        if let Some(ms) = limit.min_interval_ms {
            rules.push(Throttle::min_interval(Duration::from_millis(u64::from(ms))));
        }
        rules
    }

    /// The number of calls allowed per window.
    pub const fn calls(&self) -> u32 {
        self.calls
    }

    /// The window length.
    pub const fn window(&self) -> Duration {
        self.window
    }

    /// Why this rule cannot be used, if it cannot.
    pub(crate) fn check(&self) -> Result<(), String> {
        if self.calls == 0 {
            return Err("calls must be at least 1, got 0 (that would block forever)".to_owned());
        }
        if self.window.is_zero() {
            return Err("window must be non-zero, got 0 s".to_owned());
        }
        Ok(())
    }
}

/// The limiter of one endpoint (see the module docs for the algorithm).
#[derive(Debug)]
pub(crate) struct RateLimiter {
    rules: Vec<Throttle>,
    /// The longest window: completions older than this no longer matter.
    horizon: Duration,
    state: Mutex<State>,
    finished: Condvar,
}

#[derive(Debug, Default)]
struct State {
    in_flight: u32,
    /// Completion times, oldest first (pushed under the lock, so in order).
    done: VecDeque<Instant>,
}

/// A started call. Dropping it records the call as finished.
#[derive(Debug)]
pub(crate) struct Permit {
    limiter: Arc<RateLimiter>,
}

impl RateLimiter {
    pub(crate) fn new(rules: Vec<Throttle>) -> RateLimiter {
        let horizon = rules.iter().map(|r| r.window).max().unwrap_or_default();
        RateLimiter {
            rules,
            horizon,
            state: Mutex::new(State::default()),
            finished: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The state stays consistent even if a thread panicked while holding the lock
        // (every update is a single counter or queue operation).
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Blocks until a call may start; returns its permit and how long it waited. With a
    /// `deadline`, gives up (returning how long it waited) as soon as it is clear the call
    /// could not start by then: no wait ever passes it.
    pub(crate) fn acquire(
        self: &Arc<Self>,
        deadline: Option<Instant>,
    ) -> Result<(Permit, Duration), Duration> {
        let started = Instant::now();
        let mut state = self.lock();
        loop {
            let now = Instant::now();
            while state
                .done
                .front()
                .is_some_and(|d| now.duration_since(*d) > self.horizon)
            {
                state.done.pop_front();
            }
            match self.next_start(&state, now) {
                Wait::No => break,
                Wait::Until(at) => {
                    if deadline.is_some_and(|d| at > d) {
                        return Err(started.elapsed());
                    }
                    let timeout = at.saturating_duration_since(now);
                    state = self
                        .finished
                        .wait_timeout(state, timeout)
                        .unwrap_or_else(PoisonError::into_inner)
                        .0;
                }
                Wait::ForCompletion => match deadline {
                    Some(d) if now >= d => return Err(started.elapsed()),
                    Some(d) => {
                        state = self
                            .finished
                            .wait_timeout(state, d.saturating_duration_since(now))
                            .unwrap_or_else(PoisonError::into_inner)
                            .0;
                    }
                    None => {
                        state = self
                            .finished
                            .wait(state)
                            .unwrap_or_else(PoisonError::into_inner);
                    }
                },
            }
        }
        state.in_flight += 1;
        drop(state);
        let permit = Permit {
            limiter: Arc::clone(self),
        };
        Ok((permit, started.elapsed()))
    }

    /// Whether a call may start at `now`, and if not, until when to wait.
    fn next_start(&self, state: &State, now: Instant) -> Wait {
        let mut wait = Wait::No;
        for rule in &self.rules {
            if state.in_flight >= rule.calls {
                // Only a finishing call can change this; it notifies the condvar.
                return Wait::ForCompletion;
            }
            let recent = state
                .done
                .iter()
                .rev()
                .take_while(|d| now.duration_since(**d) <= rule.window)
                .count() as u64;
            let budget = u64::from(rule.calls - state.in_flight - 1);
            if recent > budget {
                // The (recent - budget) oldest of the recent completions must age out.
                let index = state.done.len() - recent as usize + (recent - budget) as usize - 1;
                // Strictly more than `window` after that completion.
                let at = state.done[index] + rule.window + Duration::from_nanos(1);
                wait = match wait {
                    Wait::Until(prev) if prev >= at => Wait::Until(prev),
                    _ => Wait::Until(at),
                };
            }
        }
        wait
    }
}

enum Wait {
    No,
    Until(Instant),
    ForCompletion,
}

impl Drop for Permit {
    fn drop(&mut self) {
        let mut state = self.limiter.lock();
        state.in_flight = state.in_flight.saturating_sub(1);
        state.done.push_back(Instant::now());
        drop(state);
        self.limiter.finished.notify_all();
    }
}

/// The limiters of all endpoints of one client, created on first use.
#[derive(Debug)]
pub(crate) struct RateLimits {
    enabled: bool,
    overrides: HashMap<&'static str, Vec<Throttle>>,
    limiters: Mutex<HashMap<&'static str, Option<Arc<RateLimiter>>>>,
}

impl RateLimits {
    pub(crate) fn new(enabled: bool, overrides: HashMap<&'static str, Vec<Throttle>>) -> Self {
        RateLimits {
            enabled,
            overrides,
            limiters: Mutex::new(HashMap::new()),
        }
    }

    /// The limiter for `endpoint`, or `None` when it is not limited.
    pub(crate) fn limiter(&self, endpoint: &Endpoint) -> Option<Arc<RateLimiter>> {
        if !self.enabled {
            return None;
        }
        let mut limiters = self.limiters.lock().unwrap_or_else(PoisonError::into_inner);
        limiters
            .entry(endpoint.path)
            .or_insert_with(|| {
                let rules = match self.overrides.get(endpoint.path) {
                    Some(rules) => rules.clone(),
                    None => Throttle::from_spec(endpoint),
                };
                (!rules.is_empty()).then(|| Arc::new(RateLimiter::new(rules)))
            })
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::thread;

    /// Runs `threads` x `per_thread` calls through `limiter`, each "arriving" at the middle of
    /// its permit, and returns the arrival times.
    fn run(limiter: &Arc<RateLimiter>, threads: usize, per_thread: usize) -> Vec<Instant> {
        let arrivals = Arc::new(Mutex::new(Vec::new()));
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let limiter = Arc::clone(limiter);
                let arrivals = Arc::clone(&arrivals);
                thread::spawn(move || {
                    for _ in 0..per_thread {
                        let (permit, _) = limiter.acquire(None).expect("no deadline");
                        thread::sleep(Duration::from_millis(1));
                        arrivals.lock().unwrap().push(Instant::now());
                        thread::sleep(Duration::from_millis(1));
                        drop(permit);
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        let mut v = Arc::try_unwrap(arrivals).unwrap().into_inner().unwrap();
        v.sort();
        v
    }

    #[test]
    fn never_more_than_the_limit_in_any_window() {
        let window = Duration::from_millis(100);
        let limiter = Arc::new(RateLimiter::new(vec![Throttle::new(5, window)]));
        let arrivals = run(&limiter, 4, 8);
        assert_eq!(arrivals.len(), 32);
        for (i, a) in arrivals.iter().enumerate() {
            let in_window = arrivals[i..]
                .iter()
                .take_while(|b| b.duration_since(*a) < window)
                .count();
            assert!(in_window <= 5, "{in_window} calls within {window:?}");
        }
    }

    #[test]
    fn min_interval_spaces_calls_strictly() {
        let interval = Duration::from_millis(30);
        let limiter = Arc::new(RateLimiter::new(vec![Throttle::min_interval(interval)]));
        let arrivals = run(&limiter, 3, 3);
        for pair in arrivals.windows(2) {
            assert!(pair[1].duration_since(pair[0]) > interval);
        }
    }

    #[test]
    fn spec_rules_and_overrides() {
        const EP: Endpoint = Endpoint {
            service: "s",
            module: "s",
            command: "c",
            path: "v4/s/c",
            method: "c",
            title: "",
            doc_url: "",
            rate_limit: crate::endpoint::RateLimit {
                per_second: Some(100),
                min_interval_ms: Some(1000),
                per_day: Some(100),
                error: None,
                per_day_error: None,
            },
            retry: crate::endpoint::RetrySafety::Safe,
            batch: None,
            errors: &[],
            bad_body_error: 60003,
            rate_limit_error: 60007,
        };
        assert_eq!(
            Throttle::from_spec(&EP),
            vec![
                Throttle::per_second(100),
                Throttle::min_interval(Duration::from_secs(1))
            ]
        );
        assert!(
            RateLimits::new(false, HashMap::new())
                .limiter(&EP)
                .is_none()
        );
        assert_eq!(
            RateLimits::new(true, HashMap::new())
                .limiter(&EP)
                .unwrap()
                .rules
                .len(),
            2
        );
        let off = RateLimits::new(true, HashMap::from([("v4/s/c", vec![])]));
        assert!(off.limiter(&EP).is_none());
        assert!(Throttle::new(0, Duration::from_secs(1)).check().is_err());
        assert!(Throttle::new(1, Duration::ZERO).check().is_err());
    }
}
