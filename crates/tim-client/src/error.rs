//! The error types of a call ([`Error`]) and what they carry.
//!
//! Each error says what failed in `Display` and hands its cause out through
//! [`std::error::Error::source`], never both, so error reporters (anyhow, eyre, a `Caused
//! by:` loop) print every cause once. [`Error::chain`] renders the whole chain on one line.
//!
//! Every variant says whether the request may have reached the service, keeps what the
//! service answered (status, body bytes, code and info) and never holds the UserSig or the
//! secret key: transport messages have the `usersig` query value redacted, and response
//! bodies print redacted and shortened in `Debug`/`Display` (the raw bytes stay available
//! through [`ResponseBody::as_bytes`]).

use std::fmt;
use std::time::Duration;

use crate::validate::ValidationError;
use crate::{ErrorCode, RetryClass};

/// Errors of a call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request broke a documented limit; nothing was sent.
    #[error("invalid request: {0}")]
    InvalidRequest(ValidationError),
    /// The request could not be serialized to JSON; nothing was sent.
    #[error("cannot serialize the request for {endpoint}")]
    Serialize {
        /// Endpoint path, e.g. `v4/all_member_push/im_get_tag`.
        endpoint: &'static str,
        /// What serde_json reported.
        source: serde_json::Error,
    },
    /// No UserSig could be obtained for the admin account; nothing was sent.
    #[error(transparent)]
    Usersig(#[from] UsersigError),
    /// The connection failed (refused, reset, DNS, TLS...). The request may or may not have
    /// reached the service.
    #[error("transport error calling {endpoint}")]
    Transport {
        /// Endpoint path.
        endpoint: &'static str,
        /// What failed.
        source: TransportError,
    },
    /// The client's rate limiter would have made the call wait past
    /// [`RetryPolicy::max_elapsed`](crate::RetryPolicy::max_elapsed) (other calls, maybe from
    /// other threads or clones, hold the endpoint's rate); nothing was sent.
    #[error(
        "{endpoint}: the rate limit would make this call wait past {limit:?} (waited {waited:?}); nothing was sent"
    )]
    RateLimitWait {
        /// Endpoint path.
        endpoint: &'static str,
        /// How long the call waited before giving up.
        waited: Duration,
        /// The bound ([`RetryPolicy::max_elapsed`](crate::RetryPolicy::max_elapsed)).
        limit: Duration,
    },
    /// A configured timeout fired. The request may have reached the service.
    #[error("timeout calling {endpoint}: the {phase} timeout fired")]
    Timeout {
        /// Endpoint path.
        endpoint: &'static str,
        /// Which timeout: `connect`, `global`...
        phase: String,
        /// The configured limit for that timeout, when known.
        limit: Option<Duration>,
    },
    /// The service (or a proxy) answered with an HTTP status other than 200.
    #[error("HTTP {status} from {endpoint}: {body}")]
    HttpStatus {
        /// Endpoint path.
        endpoint: &'static str,
        /// The status code.
        status: u16,
        /// The response body, as received.
        body: ResponseBody,
        /// The `Retry-After` the server sent (seconds form), which a retry honours.
        retry_after: Option<Duration>,
    },
    /// HTTP 200, but the body is not the expected JSON.
    #[error("undecodable response from {endpoint} (body: {body})")]
    Decode {
        /// Endpoint path.
        endpoint: &'static str,
        /// What serde_json reported.
        source: serde_json::Error,
        /// The response body, as received.
        body: ResponseBody,
    },
    /// The service answered `ActionStatus: FAIL` or a non-zero `ErrorCode`.
    #[error("{endpoint} failed with {}: {info}", describe(.code))]
    Api {
        /// Endpoint path.
        endpoint: &'static str,
        /// The error code (unknown codes are kept as [`ErrorCode::Unknown`]).
        code: ErrorCode,
        /// `ErrorInfo` as sent by the service.
        info: String,
    },
}

fn describe(code: &ErrorCode) -> String {
    match code.description() {
        Some(d) => format!("{} {} ({d})", code.code(), code.name()),
        None => format!("{} {}", code.code(), code.name()),
    }
}

/// Replaces every occurrence of `secret` in `bytes` with `[redacted]`.
fn scrub_bytes(bytes: &mut Vec<u8>, secret: &[u8]) {
    if secret.is_empty() || bytes.len() < secret.len() {
        return;
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(secret) {
            out.extend_from_slice(b"[redacted]");
            i += secret.len();
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    *bytes = out;
}

/// Text that came from outside, made safe to print: control characters (terminal escape
/// sequences, carriage returns...) are escaped as `\u{..}`. Every text the client reports
/// from a server goes through it; a program printing response fields can use it too.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

impl Error {
    /// This error with every occurrence of the `secrets` (the UserSig just sent, raw and
    /// percent-encoded) removed from what the server supplied (`ErrorInfo`, bodies), and
    /// `ErrorInfo`'s control characters escaped: a server that echoes the request must not
    /// put the UserSig, or terminal escape codes, into logs and terminals.
    pub(crate) fn scrubbed(mut self, secrets: &[&str]) -> Error {
        match &mut self {
            Error::Api { info, .. } => {
                let mut bytes = std::mem::take(info).into_bytes();
                for s in secrets {
                    scrub_bytes(&mut bytes, s.as_bytes());
                }
                *info = printable(&String::from_utf8_lossy(&bytes));
            }
            Error::HttpStatus { body, .. } | Error::Decode { body, .. } => {
                for s in secrets {
                    scrub_bytes(&mut body.0, s.as_bytes());
                }
            }
            _ => {}
        }
        self
    }

    /// This error and its causes, joined with `: ` (what `Display` shows, then each
    /// [`source`](std::error::Error::source) in turn), for a one-line report.
    ///
    /// ```
    /// # use tim_client::{Client, SecretKey};
    /// let client = Client::builder(1_400_000_000)
    ///     .secret_key(SecretKey::new("k"))
    ///     .base_url("http://127.0.0.1:9")
    ///     .allow_insecure_http(true)
    ///     .build()?;
    /// let err = client.all_member_push().get_attr_name().unwrap_err();
    /// assert!(err.chain().starts_with("transport error calling v4/all_member_push/im_get_attr_name: "));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn chain(&self) -> String {
        let mut out = self.to_string();
        let mut cause = std::error::Error::source(self);
        while let Some(c) = cause {
            out.push_str(": ");
            out.push_str(&c.to_string());
            cause = c.source();
        }
        out
    }

    /// Whether the failure is transient and the same call may succeed later: transport
    /// failures (see [`TransportError::is_retryable`]), timeouts, HTTP 429 and 5xx, and API codes of
    /// class [`RetryClass::Retry`].
    ///
    /// The client already retried such errors when the endpoint is safe to retry; this tells
    /// a caller (e.g. a bulk job) whether to put the item back in the queue.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport { source, .. } => source.is_retryable(),
            Error::Timeout { .. } => true,
            Error::HttpStatus { status, .. } => *status == 429 || (500..600).contains(status),
            Error::Api { code, .. } => code.retry_class() == RetryClass::Retry,
            _ => false,
        }
    }

    /// The service's error code: the one it answered ([`Error::Api`]), or the one it would
    /// have answered for a limit the request broke ([`Error::InvalidRequest`], when the spec
    /// documents one). One typed way to get the code, whether or not the call was sent.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Error::Api { code, .. } => Some(*code),
            Error::InvalidRequest(v) => v.code,
            _ => None,
        }
    }

    /// The endpoint path the failed call was for, when the call got that far.
    pub fn endpoint(&self) -> Option<&'static str> {
        match self {
            Error::Serialize { endpoint, .. }
            | Error::Transport { endpoint, .. }
            | Error::Timeout { endpoint, .. }
            | Error::HttpStatus { endpoint, .. }
            | Error::Decode { endpoint, .. }
            | Error::Api { endpoint, .. }
            | Error::RateLimitWait { endpoint, .. } => Some(endpoint),
            Error::InvalidRequest(_) | Error::Usersig(_) => None,
        }
    }

    /// Whether the request provably never reached the service: rejected before any I/O, or
    /// no connection was made (refused, unreachable, unresolved, TLS failed). Repeating such
    /// a call is safe for every endpoint.
    pub fn never_sent(&self) -> bool {
        self.is_before_send()
            || matches!(
                self,
                Error::Transport { source, .. }
                    if matches!(source.kind(), TransportKind::Connect | TransportKind::Dns | TransportKind::Tls)
            )
    }

    /// Whether nothing was sent: the request was rejected before any I/O.
    pub fn is_before_send(&self) -> bool {
        matches!(
            self,
            Error::InvalidRequest(_)
                | Error::Serialize { .. }
                | Error::Usersig(_)
                | Error::RateLimitWait { .. }
        )
    }
}

/// What kind of transport failure happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportKind {
    /// Connecting failed (refused, unreachable, no address worked).
    Connect,
    /// The host name could not be resolved.
    Dns,
    /// Reading or writing the connection failed (reset, broken pipe, unexpected EOF).
    Io,
    /// The TLS handshake or certificate check failed.
    Tls,
    /// The peer spoke malformed HTTP.
    Protocol,
    /// The URL or another setting was rejected by the HTTP stack.
    Config,
    /// Anything else the HTTP stack reported.
    Other,
}

/// A transport failure, described without secrets (the `usersig` query value is redacted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportError {
    kind: TransportKind,
    io_kind: Option<std::io::ErrorKind>,
    message: String,
}

impl TransportError {
    pub(crate) fn new(
        kind: TransportKind,
        io_kind: Option<std::io::ErrorKind>,
        message: String,
    ) -> Self {
        TransportError {
            kind,
            io_kind,
            message,
        }
    }

    /// The kind of failure.
    pub fn kind(&self) -> TransportKind {
        self.kind
    }

    /// The I/O error kind, when the failure came from the socket.
    pub fn io_kind(&self) -> Option<std::io::ErrorKind> {
        self.io_kind
    }

    /// Whether retrying may help: connect, DNS, I/O and protocol failures (not TLS,
    /// configuration or other failures, which repeat identically).
    pub fn is_retryable(&self) -> bool {
        matches!(
            self.kind,
            TransportKind::Connect
                | TransportKind::Dns
                | TransportKind::Io
                | TransportKind::Protocol
        )
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TransportError {}

/// A UserSig for the admin account could not be minted or fetched.
#[derive(Debug, thiserror::Error)]
#[error("cannot get a UserSig for the admin account {identifier:?}")]
pub struct UsersigError {
    identifier: String,
    source: Box<dyn std::error::Error + Send + Sync>,
}

impl UsersigError {
    pub(crate) fn new(
        identifier: &str,
        source: Box<dyn std::error::Error + Send + Sync>,
    ) -> UsersigError {
        UsersigError {
            identifier: identifier.to_owned(),
            source,
        }
    }

    /// The admin account the UserSig was for.
    pub fn identifier(&self) -> &str {
        &self.identifier
    }
}

/// A response body kept in an error.
///
/// `Debug` and `Display` show at most 200 bytes of it as text, with any `usersig=` query
/// value redacted (a proxy's error page may echo the request URL); the bytes themselves are
/// available unchanged.
#[derive(Clone, PartialEq, Eq)]
pub struct ResponseBody(Vec<u8>);

impl ResponseBody {
    /// Wraps raw bytes.
    pub fn new(bytes: Vec<u8>) -> ResponseBody {
        ResponseBody(bytes)
    }

    /// The bytes as received, except that the UserSig of the call, wherever the server
    /// echoed it, is replaced by `[redacted]`.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The bytes as received.
    pub fn into_vec(self) -> Vec<u8> {
        self.0
    }

    /// The body as text (invalid UTF-8 replaced), with any `usersig=` value redacted and
    /// control characters escaped.
    pub fn text_redacted(&self) -> String {
        printable(&crate::transport::redact(&String::from_utf8_lossy(&self.0)))
    }
}

impl fmt::Display for ResponseBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SHOWN: usize = 200;
        if self.0.is_empty() {
            return f.write_str("(empty body)");
        }
        let text = self.text_redacted();
        if text.len() <= SHOWN {
            write!(f, "{text:?}")
        } else {
            let mut end = SHOWN;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            write!(f, "{:?}… ({} bytes)", &text[..end], self.0.len())
        }
    }
}

impl fmt::Debug for ResponseBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ResponseBody({self})")
    }
}
