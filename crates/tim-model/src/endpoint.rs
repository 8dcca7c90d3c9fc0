//! Endpoint metadata and the [`Request`] trait tying a request type to its endpoint.
//!
//! The values live in the generated service modules (one `const` per endpoint, from the
//! spec);
//! the shapes are here so hand-written code (transport, rate limiting, retries, bulk jobs,
//! the emulator, the CLI) can read them without knowing any particular endpoint.
//! [`RequestVisitor`] does the same for code that needs each endpoint's *types*: the
//! generated `visit_requests` hands it every request type in turn.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::ErrorCode;
use crate::validate::{Validate, ValidationError};

/// Whether and how a call may be retried automatically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RetrySafety {
    /// Repeating the call has the same effect as making it once.
    Safe,
    /// Safe only when repeated with the same idempotency key (e.g. `MsgRandom` of `im_push`).
    IdempotencyKey(&'static str),
    /// Never retried automatically.
    Never,
}

/// The service's documented rate limits for one endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RateLimit {
    /// Calls per second per app.
    pub per_second: Option<u32>,
    /// Calls must be more than this many milliseconds apart.
    pub min_interval_ms: Option<u32>,
    /// Default daily quota per app.
    pub per_day: Option<u32>,
    /// Code the service answers when the per-second or interval limit is broken.
    pub error: Option<i64>,
    /// Code the service answers when the daily quota is used up.
    pub per_day_error: Option<i64>,
}

/// The account list of a batch endpoint (see `batch` in `spec/README.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BatchField {
    /// JSON name of the top-level array field.
    pub field: &'static str,
    /// For arrays of objects: JSON name of the account field inside each item.
    pub account: Option<&'static str>,
    /// Maximum number of items per call.
    pub max_items: Option<u64>,
    /// JSON name of the response array that lists one result per account, if any.
    pub results: Option<&'static str>,
}

/// Everything the spec says about one endpoint that code needs at run time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Endpoint {
    /// Service part of the path (`all_member_push`).
    pub service: &'static str,
    /// The Rust module of the service and the client's accessor (`all_member_push`).
    pub module: &'static str,
    /// Command part of the path (`im_get_tag`).
    pub command: &'static str,
    /// `v4/{service}/{command}`.
    pub path: &'static str,
    /// Name of the method on the service's client handle (`get_tag`).
    pub method: &'static str,
    /// One-line summary.
    pub title: &'static str,
    /// The official page.
    pub doc_url: &'static str,
    /// Rate limits.
    pub rate_limit: RateLimit,
    /// Retry safety.
    pub retry: RetrySafety,
    /// Account list, for batch endpoints.
    pub batch: Option<BatchField>,
    /// Error codes documented for this endpoint.
    pub errors: &'static [i64],
    /// The code the service answers for a body that is not JSON or not the documented shape:
    /// the family's own "bad body" code, or the API-wide one (`api.json`).
    pub bad_body_error: i64,
    /// The code answered past a rate limit: the endpoint's documented one, or the API-wide
    /// one (`api.json`) when it documents none.
    pub rate_limit_error: i64,
}

impl Endpoint {
    /// The codes documented for this endpoint, as [`ErrorCode`]s.
    pub fn error_codes(&self) -> impl Iterator<Item = ErrorCode> + '_ {
        self.errors.iter().map(|c| ErrorCode::from_code(*c))
    }

    /// The code answered for a body that is not JSON or does not have the documented shape
    /// ([`Endpoint::bad_body_error`]).
    pub fn bad_body_code(&self) -> ErrorCode {
        ErrorCode::from_code(self.bad_body_error)
    }

    /// The code answered past the per-second or interval rate limit
    /// ([`Endpoint::rate_limit_error`]).
    pub fn rate_limit_code(&self) -> ErrorCode {
        ErrorCode::from_code(self.rate_limit_error)
    }
}

/// Why a raw JSON body is not a valid request ([`validate_json`](crate::endpoints::validate_json)).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JsonCheckError {
    /// The body does not decode as the endpoint's request type.
    #[error("the body does not have the documented shape: {0}")]
    Shape(String),
    /// The body breaks a documented limit.
    #[error(transparent)]
    Limit(#[from] ValidationError),
    /// No endpoint of the spec is at that path.
    #[error("no endpoint of the spec is at that path")]
    UnknownEndpoint,
    /// A query parameter is not one of the endpoint's, or its value is not valid.
    #[error("query parameter {0}")]
    Query(String),
}

/// Decodes `body` as `R` and checks its limits (used by the generated `validate_json`).
///
/// # Errors
///
/// [`JsonCheckError::Shape`] or [`JsonCheckError::Limit`].
pub fn check_json<R: Request>(body: &serde_json::Value) -> Result<(), JsonCheckError> {
    check_call::<R>(body, &[]).map(|_| ())
}

/// Decodes `body` as `R`, reads the endpoint's own `query` parameters into it, checks its
/// limits, and returns the parameters to send (used by the generated `validate_call`).
///
/// # Errors
///
/// [`JsonCheckError::Shape`], [`JsonCheckError::Query`] (a name the endpoint does not take,
/// or a bad value) or [`JsonCheckError::Limit`].
pub fn check_call<R: Request>(
    body: &serde_json::Value,
    query: &[(&str, &str)],
) -> Result<Vec<(&'static str, String)>, JsonCheckError> {
    let mut request = R::deserialize(body).map_err(|e| JsonCheckError::Shape(e.to_string()))?;
    request
        .read_query_params(query)
        .map_err(JsonCheckError::Query)?;
    if let Some((name, _)) = query
        .iter()
        .find(|(name, _)| !R::QUERY_PARAMS.contains(name))
    {
        return Err(JsonCheckError::Query(if R::QUERY_PARAMS.is_empty() {
            format!("`{name}`: this endpoint takes no query parameters of its own")
        } else {
            format!(
                "`{name}`: this endpoint's own are {}",
                R::QUERY_PARAMS.join(", ")
            )
        }));
    }
    request.validate()?;
    Ok(request.query_params())
}

/// The envelope every response carries, as decoded: `ActionStatus`, `ErrorCode`,
/// `ErrorInfo` (`None` when absent from the body).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EnvelopeFields<'a> {
    /// `ActionStatus`: `OK` or `FAIL`.
    pub action_status: Option<&'a str>,
    /// `ErrorCode`: 0 on success.
    pub error_code: Option<i64>,
    /// `ErrorInfo`: why a call failed.
    pub error_info: Option<&'a str>,
}

impl EnvelopeFields<'_> {
    /// Whether the envelope reports a failure: a non-zero `ErrorCode` or `ActionStatus` `FAIL`.
    pub fn is_failure(&self) -> bool {
        self.error_code.is_some_and(|c| c != 0) || self.action_status == Some("FAIL")
    }
}

/// A response body: exposes its envelope so the client decodes each answer once.
///
/// Implemented by every generated `*Response` type (whose first fields are the envelope's,
/// from `spec/api.json`) and by [`serde_json::Value`] (for the client's `send_json`).
///
/// `Client::send_json` of the client crate uses the `Value` one.
pub trait Response: DeserializeOwned + Serialize {
    /// The envelope fields of this response.
    fn envelope(&self) -> EnvelopeFields<'_>;
}

impl Response for serde_json::Value {
    fn envelope(&self) -> EnvelopeFields<'_> {
        EnvelopeFields {
            action_status: self.get("ActionStatus").and_then(serde_json::Value::as_str),
            error_code: self.get("ErrorCode").and_then(serde_json::Value::as_i64),
            error_info: self.get("ErrorInfo").and_then(serde_json::Value::as_str),
        }
    }
}

/// A request body: knows its endpoint and its response type, and checks its own limits.
///
/// Implemented by every generated `*Request` type; each also decodes from JSON, so a request
/// read back from the wire (the emulator, a round-trip test) is the same type that is sent.
pub trait Request: Serialize + DeserializeOwned + Validate + Clone + Send + Sync {
    /// The response body type.
    type Response: Response;
    /// The endpoint this request is sent to.
    const ENDPOINT: &'static Endpoint;

    /// The names of the endpoint's own query parameters (`["nettype"]` for `GetIPList`), in
    /// spec order; empty for almost every endpoint.
    const QUERY_PARAMS: &'static [&'static str] = &[];

    /// The endpoint's own query parameters that are set (`GetIPList`'s `nettype`), as
    /// `(name, value)` in spec order: sent in the URL after the API-wide ones. Empty for
    /// almost every endpoint.
    fn query_params(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }

    /// Sets the endpoint's own query parameters from the `(name, value)` pairs of a
    /// received URL (for a server such as the emulator); a value that does not parse, or a
    /// missing required parameter, is an error naming it.
    ///
    /// # Errors
    ///
    /// A text naming the parameter and the value.
    fn read_query_params(&mut self, pairs: &[(&str, &str)]) -> Result<(), String> {
        let _ = pairs;
        Ok(())
    }
}

/// Code run once per endpoint with its request type, e.g. to round-trip or benchmark every
/// endpoint's wire types without a hand-written table that goes stale when an endpoint is
/// added.
///
/// [`visit_requests`](crate::endpoints::visit_requests) calls [`visit`](Self::visit) once for
/// each endpoint of the spec; the endpoint is `R::ENDPOINT` and its response type
/// `R::Response`.
///
/// ```
/// use tim_model::{Request, RequestVisitor};
///
/// /// Collects every endpoint's path, and checks that each response type decodes `{}`.
/// struct Paths(Vec<&'static str>);
///
/// impl RequestVisitor for Paths {
///     fn visit<R: Request>(&mut self) {
///         let empty: R::Response = serde_json::from_str("{}").unwrap();
///         assert!(serde_json::to_string(&empty).unwrap().contains("ErrorCode"));
///         self.0.push(R::ENDPOINT.path);
///     }
/// }
///
/// let mut paths = Paths(Vec::new());
/// tim_model::endpoints::visit_requests(&mut paths);
/// let all: Vec<&str> = tim_model::endpoints::ALL.iter().map(|e| e.path).collect();
/// assert_eq!(paths.0, all);
/// ```
pub trait RequestVisitor {
    /// Called once with the request type `R` of one endpoint.
    fn visit<R: Request>(&mut self);
}
