//! Retry decisions and the record of a call's attempts ([`CallTrace`]).
//!
//! A private `decide` function looks at a failed attempt and the endpoint's
//! [`RetrySafety`] and answers: renew the UserSig and retry,
//! back off and retry, or stop (and why). The policy values live in
//! [`RetryPolicy`]. Every attempt, its failure and the decision taken are
//! recorded in a [`CallTrace`], which [`Client::send_traced`](crate::Client::send_traced)
//! returns so bulk jobs can report retries.

use std::fmt;
use std::time::Duration;

use crate::ErrorCode;
use crate::RetryClass;
use crate::config::RetryPolicy;
use crate::endpoint::{Endpoint, RetrySafety};
use crate::error::{Error, TransportKind};
use crate::random::Random;

/// Why an attempt was retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RetryReason {
    /// The connection failed.
    Transport(TransportKind),
    /// A timeout fired.
    Timeout,
    /// HTTP 429 or 5xx.
    HttpStatus(u16),
    /// A transient error code (class [`RetryClass::Retry`]).
    Api(ErrorCode),
    /// The UserSig expired (70001); a new one was minted.
    UsersigExpired,
}

impl fmt::Display for RetryReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RetryReason::Transport(kind) => write!(f, "transport failure ({kind:?})"),
            RetryReason::Timeout => f.write_str("timeout"),
            RetryReason::HttpStatus(s) => write!(f, "HTTP {s}"),
            RetryReason::Api(code) => write!(f, "error code {} {}", code.code(), code.name()),
            RetryReason::UsersigExpired => f.write_str("UserSig expired, renewed"),
        }
    }
}

/// Why a failed attempt was not retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NoRetry {
    /// The failure is not transient.
    NotTransient,
    /// The endpoint is not safe to repeat (see [`RetrySafety`]).
    UnsafeEndpoint,
    /// [`RetryPolicy::max_attempts`] attempts were made.
    AttemptsExhausted,
    /// The next backoff would pass [`RetryPolicy::max_elapsed`].
    TimeBudgetExhausted,
    /// The UserSig was already renewed once during this call.
    AlreadyRenewed,
}

impl fmt::Display for NoRetry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NoRetry::NotTransient => "not a transient failure",
            NoRetry::UnsafeEndpoint => "the endpoint is not safe to retry",
            NoRetry::AttemptsExhausted => "no attempts left",
            NoRetry::TimeBudgetExhausted => "retry time budget used up",
            NoRetry::AlreadyRenewed => "the UserSig was already renewed during this call",
        })
    }
}

/// One HTTP attempt of a call.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Attempt {
    /// 1-based.
    pub number: u32,
    /// How long the rate limiter held the attempt before it was sent.
    pub throttled: Duration,
    /// From sending to the end of the response (or the failure).
    pub duration: Duration,
    /// The failure, as its `Display` text (which never contains secrets); `None` on success.
    pub failure: Option<String>,
    /// The retry that followed, with its reason and backoff.
    pub retry: Option<(RetryReason, Duration)>,
    /// Why a failure was not retried.
    pub no_retry: Option<NoRetry>,
}

/// Every attempt of one call, in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CallTrace {
    pub(crate) endpoint: &'static str,
    pub(crate) attempts: Vec<Attempt>,
}

impl CallTrace {
    pub(crate) fn new(endpoint: &'static str) -> CallTrace {
        CallTrace {
            endpoint,
            attempts: Vec::new(),
        }
    }

    /// Endpoint path of the call.
    pub fn endpoint(&self) -> &'static str {
        self.endpoint
    }

    /// The attempts; empty when the call failed before anything was sent.
    pub fn attempts(&self) -> &[Attempt] {
        &self.attempts
    }

    /// How many retries were made (attempts after the first).
    pub fn retries(&self) -> usize {
        self.attempts.len().saturating_sub(1)
    }

    /// The reasons of the retries, in order.
    pub fn retry_reasons(&self) -> impl Iterator<Item = RetryReason> + '_ {
        self.attempts.iter().filter_map(|a| a.retry.map(|(r, _)| r))
    }
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Mint a new UserSig, then retry immediately.
    RenewAndRetry,
    /// Sleep this long, then retry.
    Retry(RetryReason, Duration),
    /// Give up and return the error.
    Stop(NoRetry),
}

/// Where a call stands when an attempt failed.
pub(crate) struct Progress {
    /// Attempts made so far that count against `max_attempts` (the renewal retry does not).
    pub(crate) attempts: u32,
    /// Time since the call started.
    pub(crate) elapsed: Duration,
    /// Whether the UserSig was already renewed during this call.
    pub(crate) renewed: bool,
}

/// The transient reason of `err`, if it is transient.
fn transient(err: &Error) -> Option<RetryReason> {
    match err {
        Error::Transport { source, .. } if source.is_retryable() => {
            Some(RetryReason::Transport(source.kind()))
        }
        Error::Timeout { .. } => Some(RetryReason::Timeout),
        Error::HttpStatus { status, .. } if *status == 429 || (500..600).contains(status) => {
            Some(RetryReason::HttpStatus(*status))
        }
        Error::Api { code, .. } if code.retry_class() == RetryClass::Retry => {
            Some(RetryReason::Api(*code))
        }
        _ => None,
    }
}

/// Decides what follows the failed attempt `err` of a call to `endpoint`.
pub(crate) fn decide(
    err: &Error,
    endpoint: &Endpoint,
    policy: &RetryPolicy,
    progress: &Progress,
    random: &Random,
) -> Decision {
    if let Some(code) = err.code()
        && code.retry_class() == RetryClass::RenewUsersig
    {
        return if progress.renewed {
            Decision::Stop(NoRetry::AlreadyRenewed)
        } else {
            Decision::RenewAndRetry
        };
    }
    let Some(reason) = transient(err) else {
        return Decision::Stop(NoRetry::NotTransient);
    };
    let safe = match endpoint.retry {
        RetrySafety::Safe => true,
        RetrySafety::IdempotencyKey(_) => policy.retries_idempotent_with_key(),
        RetrySafety::Never => false,
    } || err.never_sent();
    if !safe {
        return Decision::Stop(NoRetry::UnsafeEndpoint);
    }
    if progress.attempts >= policy.max_attempts() {
        return Decision::Stop(NoRetry::AttemptsExhausted);
    }
    let mut backoff = random.duration_up_to(policy.backoff_cap(progress.attempts));
    if let (Some(code), Some(limited)) = (err.code(), endpoint.rate_limit.error)
        && code.code() == limited
    {
        // "Too frequent": wait at least one rate-limit window.
        let window = endpoint
            .rate_limit
            .min_interval_ms
            .map(|ms| Duration::from_millis(u64::from(ms) + 1))
            .unwrap_or(Duration::from_secs(1));
        backoff = backoff.max(window);
    }
    if let Error::HttpStatus {
        retry_after: Some(after),
        ..
    } = err
    {
        // The server (or a proxy) said how long to wait: never sooner.
        backoff = backoff.max(*after);
    }
    if progress.elapsed + backoff > policy.max_elapsed() {
        return Decision::Stop(NoRetry::TimeBudgetExhausted);
    }
    Decision::Retry(reason, backoff)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ResponseBody;

    fn progress() -> Progress {
        Progress {
            attempts: 1,
            elapsed: Duration::ZERO,
            renewed: false,
        }
    }

    #[test]
    fn retry_after_is_honoured_and_bounded_by_max_elapsed() {
        let endpoint = crate::all_member_push::GET_TAG;
        let busy = |after: Option<u64>| Error::HttpStatus {
            endpoint: endpoint.path,
            status: 503,
            body: ResponseBody::new(Vec::new()),
            retry_after: after.map(Duration::from_secs),
        };
        let random = Random::from_entropy();
        let policy = RetryPolicy::standard();
        match decide(&busy(Some(7)), &endpoint, &policy, &progress(), &random) {
            Decision::Retry(RetryReason::HttpStatus(503), backoff) => {
                assert!(backoff >= Duration::from_secs(7), "{backoff:?}");
            }
            other => panic!("expected a retry after 7 s, got {other:?}"),
        }
        // A Retry-After past the time budget stops the retries instead of waiting.
        let short = policy.with_max_elapsed(Duration::from_secs(5));
        assert!(matches!(
            decide(&busy(Some(7)), &endpoint, &short, &progress(), &random),
            Decision::Stop(NoRetry::TimeBudgetExhausted)
        ));
        // Without the header the usual backoff applies.
        assert!(matches!(
            decide(&busy(None), &endpoint, &short, &progress(), &random),
            Decision::Retry(..)
        ));
    }
}
