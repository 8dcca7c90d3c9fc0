//! Plain configuration values of a client: [`Timeouts`] and [`RetryPolicy`], with their
//! defaults and checks. The builder ([`ClientBuilder`](crate::ClientBuilder)) collects them.

use std::time::Duration;

/// How long one HTTP attempt may take.
///
/// Defaults: connect 5 s, whole attempt 10 s. The service's own processing timeout is 3 s,
/// so the client must wait longer than that; both values must be non-zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Timeouts {
    /// DNS, TCP and TLS setup of a new connection (`ureq` `timeout_connect`).
    pub connect: Duration,
    /// One whole attempt: connect, send, wait, read the body (`ureq` `timeout_global`).
    /// Retries and rate-limit waits are bounded separately by
    /// [`RetryPolicy::max_elapsed`].
    pub call: Duration,
}

impl Timeouts {
    /// Connect timeout by default.
    pub const DEFAULT_CONNECT: Duration = Duration::from_secs(5);
    /// Whole-attempt timeout by default.
    pub const DEFAULT_CALL: Duration = Duration::from_secs(10);

    pub(crate) fn check(&self) -> Result<(), (&'static str, String)> {
        if self.connect.is_zero() {
            return Err(("connect_timeout", "0 s".to_owned()));
        }
        if self.call.is_zero() {
            return Err(("timeout", "0 s".to_owned()));
        }
        Ok(())
    }
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Timeouts::DEFAULT_CONNECT,
            call: Timeouts::DEFAULT_CALL,
        }
    }
}

/// When and how often a failed call is retried.
///
/// Transient failures (transport errors, timeouts, HTTP 429/5xx, error codes of class
/// [`RetryClass::Retry`](crate::RetryClass::Retry)) are retried with exponential backoff and
/// full jitter: before retry `n` (1-based) the client sleeps a uniformly random time in
/// `0..=min(max_backoff, initial_backoff * 2^(n-1))`, and at least the endpoint's rate-limit
/// interval after a "too frequent" code. It stops after `max_attempts` attempts, or when the
/// next sleep would end more than `max_elapsed` after the call started.
///
/// Only endpoints whose [`RetrySafety`](crate::endpoint::RetrySafety) is `Safe` are retried,
/// plus `IdempotencyKey` endpoints when
/// [`retry_idempotent_with_key`](RetryPolicy::retry_idempotent_with_key) is set (the same
/// serialized body is resent, so the key is unchanged). Any endpoint, even one never
/// retried otherwise (`im_push`), is retried when the request provably never reached the
/// service: no connection was made (refused, unreachable, unresolved) or TLS failed.
///
/// Independently of this policy, an expired UserSig (70001) is renewed and the call retried
/// once, for any endpoint: the service rejected the call before doing anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_elapsed: Duration,
    retry_idempotent_with_key: bool,
}

impl RetryPolicy {
    /// 3 attempts, backoff from 200 ms doubling up to 5 s, 30 s in total, `IdempotencyKey`
    /// endpoints not retried.
    pub const fn standard() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_elapsed: Duration::from_secs(30),
            retry_idempotent_with_key: false,
        }
    }

    /// One attempt, no retries (the 70001 renewal still happens).
    pub const fn disabled() -> RetryPolicy {
        RetryPolicy::standard().with_max_attempts(1)
    }

    /// Total attempts including the first (at least 1).
    pub const fn with_max_attempts(mut self, attempts: u32) -> RetryPolicy {
        self.max_attempts = attempts;
        self
    }

    /// Upper bound of the first backoff.
    pub const fn with_initial_backoff(mut self, backoff: Duration) -> RetryPolicy {
        self.initial_backoff = backoff;
        self
    }

    /// Cap of any single backoff.
    pub const fn with_max_backoff(mut self, backoff: Duration) -> RetryPolicy {
        self.max_backoff = backoff;
        self
    }

    /// The bound on every wait of a call: no retry backoff ends, and no rate-limit wait
    /// goes, past this much time after the call started (a call the rate limiter would hold
    /// longer fails at once with [`Error::RateLimitWait`](crate::Error::RateLimitWait),
    /// nothing sent). Default 30 s.
    pub const fn with_max_elapsed(mut self, elapsed: Duration) -> RetryPolicy {
        self.max_elapsed = elapsed;
        self
    }

    /// Also retry endpoints that are safe only with an unchanged idempotency key (resending
    /// the identical body). Off by default.
    pub const fn retry_idempotent_with_key(mut self, yes: bool) -> RetryPolicy {
        self.retry_idempotent_with_key = yes;
        self
    }

    /// Total attempts including the first.
    pub const fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Upper bound of the first backoff.
    pub const fn initial_backoff(&self) -> Duration {
        self.initial_backoff
    }

    /// Cap of any single backoff.
    pub const fn max_backoff(&self) -> Duration {
        self.max_backoff
    }

    /// Bound on the time spent retrying one call.
    pub const fn max_elapsed(&self) -> Duration {
        self.max_elapsed
    }

    /// Whether `IdempotencyKey` endpoints are retried.
    pub const fn retries_idempotent_with_key(&self) -> bool {
        self.retry_idempotent_with_key
    }

    /// The upper bound of the jittered backoff before retry `retry` (1-based).
    pub(crate) fn backoff_cap(&self, retry: u32) -> Duration {
        let factor = 1u32
            .checked_shl(retry.saturating_sub(1))
            .unwrap_or(u32::MAX);
        self.initial_backoff
            .checked_mul(factor)
            .unwrap_or(self.max_backoff)
            .min(self.max_backoff)
    }

    pub(crate) fn check(&self) -> Result<(), (&'static str, String)> {
        if self.max_attempts == 0 {
            return Err(("retry_policy.max_attempts", "0".to_owned()));
        }
        Ok(())
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy::standard()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let p = RetryPolicy::standard();
        assert_eq!(p.backoff_cap(1), Duration::from_millis(200));
        assert_eq!(p.backoff_cap(2), Duration::from_millis(400));
        assert_eq!(p.backoff_cap(3), Duration::from_millis(800));
        assert_eq!(p.backoff_cap(10), Duration::from_secs(5));
        assert_eq!(p.backoff_cap(200), Duration::from_secs(5));
    }

    #[test]
    fn checks_name_the_setting() {
        assert_eq!(
            RetryPolicy::standard()
                .with_max_attempts(0)
                .check()
                .unwrap_err()
                .0,
            "retry_policy.max_attempts"
        );
        let t = Timeouts {
            connect: Duration::ZERO,
            ..Timeouts::default()
        };
        assert_eq!(t.check().unwrap_err().0, "connect_timeout");
        assert!(Timeouts::default().check().is_ok());
    }
}
