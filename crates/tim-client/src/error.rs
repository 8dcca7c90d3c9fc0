//! CONTRACT PLACEHOLDER (replaced by the client helper): the error type.

/// How a client may react to an error code (from the spec's `retry` class).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RetryClass {
    /// Transient: back off and retry (if the endpoint is safe to retry).
    Retry,
    /// The UserSig expired: mint a new one and retry once.
    RenewUsersig,
    /// Retrying cannot help.
    Never,
}

/// Errors of a call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request broke a documented limit; nothing was sent.
    #[error("invalid request: {0}")]
    InvalidRequest(crate::ValidationError),
    /// Placeholder.
    #[error("not implemented")]
    NotImplemented,
}
