//! Time as the emulator sees it: the [`Clock`] trait, the real [`SystemClock`] and a
//! [`ManualClock`] that tests move by hand (push interval, daily quota, UserSig expiry, rate
//! limit windows all read the clock, never the system time directly).

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A source of the current time, in milliseconds since the Unix epoch.
pub trait Clock: Send + Sync + fmt::Debug {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    fn now_ms(&self) -> u64;
}

/// The system's wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }
}

/// A clock that only moves when told to. Clones share the same time.
///
/// ```
/// use std::time::Duration;
/// use tim_emulator::{Clock, ManualClock};
///
/// let clock = ManualClock::at_unix_secs(1_700_000_000);
/// let same = clock.clone();
/// clock.advance(Duration::from_millis(1500));
/// assert_eq!(same.now_ms(), 1_700_000_001_500);
/// ```
#[derive(Debug, Clone)]
pub struct ManualClock {
    ms: Arc<AtomicU64>,
}

impl ManualClock {
    /// A clock standing at `unix_ms` milliseconds since the epoch.
    pub fn at_unix_ms(unix_ms: u64) -> Self {
        ManualClock {
            ms: Arc::new(AtomicU64::new(unix_ms)),
        }
    }

    /// A clock standing at `unix_secs` seconds since the epoch.
    pub fn at_unix_secs(unix_secs: u64) -> Self {
        Self::at_unix_ms(unix_secs.saturating_mul(1000))
    }

    /// A clock standing at the current system time.
    pub fn now() -> Self {
        Self::at_unix_ms(SystemClock.now_ms())
    }

    /// Moves the clock forward by `by` (saturating).
    pub fn advance(&self, by: Duration) {
        let by = u64::try_from(by.as_millis()).unwrap_or(u64::MAX);
        let _ = self
            .ms
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |ms| {
                Some(ms.saturating_add(by))
            });
    }

    /// Sets the clock to `unix_ms` (it may go backwards).
    pub fn set_unix_ms(&self, unix_ms: u64) {
        self.ms.store(unix_ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> u64 {
        self.ms.load(Ordering::SeqCst)
    }
}
