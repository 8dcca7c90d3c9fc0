//! Blocking client for the Tencent Cloud Chat ("TIM") server REST API, generated from the
//! machine-readable spec in `spec/`.
//!
//! One [`Client`] per app: it signs every call with a cached admin UserSig (renewed before it
//! expires), checks each request against the documented limits before sending anything,
//! spaces calls to stay within each endpoint's rate limit, retries transient failures of
//! endpoints that are safe to repeat, and maps every failure to a typed [`Error`].
//!
//! # Example
//!
//! Calling the service (needs the network and a real app, so not run here):
//!
//! ```no_run
//! use tim_client::{Client, Region, SecretKey};
//! use tim_client::all_member_push::{Condition, PushRequest};
//! use tim_client::common::{MsgElement, TextElem};
//!
//! let client = Client::builder(1_400_000_000)
//!     .secret_key(SecretKey::new(std::env::var("TIM_SECRET_KEY")?))
//!     .admin("administrator")
//!     .region(Region::Singapore)
//!     .build()?;
//!
//! // Endpoints are reached per service; a list of accounts converts into the request.
//! let tags = client.all_member_push().get_tag(["alice", "bob"])?;
//! for user in tags.user_tags.unwrap_or_default() {
//!     println!("{}: {:?}", user.to_account, user.tags);
//! }
//!
//! // Everything else: build the generated request type, from its required fields with
//! // `new` and its optional ones with setters (the types are `#[non_exhaustive]`: a field
//! // the service adds later breaks no caller). `PushRequest::text` and `PushRequest::new`
//! // mint the push's MsgRandom (its idempotency key, see `new_msg_random`).
//! let push = PushRequest::text("hi")
//!     .condition(Condition::new().tags_and(["beta"]))
//!     .msg_life_time(3600);
//! // Or any message body:
//! let _custom = PushRequest::new(vec![MsgElement::Text(TextElem::new("hello"))]);
//! let task = client.all_member_push().push(push)?;
//! println!("task {:?}", task.task_id);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Requests that break a documented limit fail before anything is sent (this runs offline):
//!
//! ```
//! use tim_client::{Client, Error, ErrorCode, Region, SecretKey};
//! use tim_client::all_member_push::GetTagRequest;
//!
//! let client = Client::builder(1_400_000_000)
//!     .secret_key(SecretKey::new("not a real key"))
//!     .region(Region::Singapore)
//!     .build()?;
//! // At most 100 accounts per call: the service would answer 90018.
//! let accounts: Vec<String> = (0..101).map(|i| format!("user{i}")).collect();
//! let err = client.all_member_push().get_tag(GetTagRequest::new(accounts)).unwrap_err();
//! assert!(matches!(err, Error::InvalidRequest(_)));
//! assert!(err.is_before_send());
//! assert_eq!(
//!     err.to_string(),
//!     "invalid request: To_Account: must be at most 100 items, got 101 items (the service would answer 90018)"
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Calling style
//!
//! One way: `client.{service}().{method}(request)`, one handle per service
//! ([`services`], generated from `spec/services/`), the way the peer SDKs group endpoints.
//! Every method takes `impl Into<{Method}Request>` and returns
//! `Result<{Method}Response, Error>`. Requests whose only field is a list of accounts convert
//! from arrays, slices and vectors of strings (`get_tag(["alice", "bob"])`); endpoints whose
//! request has no fields take no argument (`get_attr_name()`); every request type has a `new(...)` taking
//! its required fields, and public fields for the optional ones. [`Client::send`] sends any
//! request value and [`Client::send_json`] any raw JSON body (what `tim call` uses).
//!
//! # Crate organization
//!
//! - The crate root holds what a call needs: [`Client`] and its [`ClientBuilder`],
//!   [`Region`], [`SecretKey`], [`Error`] and [`ErrorCode`], and [`new_msg_random`] (the
//!   idempotency key of a push).
//! - The wire model, re-exported from `tim-model` (shared with the emulator): one module per
//!   service (`all_member_push`, ...) with its request, response and own types, [`common`]
//!   for types shared by services, [`endpoints`] (every endpoint's [`Endpoint`] metadata,
//!   `by_path`, `visit_requests`, `validate_json`), [`ErrorCode`] with its table, and
//!   [`Validate`].
//! - [`services`] (generated): the per-service handles and their bulk jobs.
//! - [`error`]: the [`Error`] of a call. [`config`]: [`Timeouts`] and [`RetryPolicy`];
//!   [`ratelimit`]: [`Throttle`]; [`retry`]: [`CallTrace`] (what [`Client::send_traced`]
//!   reports); [`auth`]: [`UsersigProvider`] for UserSigs minted elsewhere.
//! - [`bulk`]: [`Bulk`] runs a batch endpoint over any number of accounts in streamed
//!   batches, within the rate limit, and returns a [`BulkReport`] accounting for every one.
//!
//! # Reliability
//!
//! - **Timeouts**: connect 5 s and 10 s per attempt by default (the service's own timeout is
//!   3 s). One connection pool per client; bodies are always read to the end so
//!   connections are reused.
//! - **Rate limits**: each endpoint's documented limit (100 calls/s; `im_push` calls more
//!   than 1 s apart) is enforced per client and shared by its clones; callers block, they do
//!   not get errors. The algorithm ([`ratelimit`]) is conservative: the service never sees
//!   more than the limit in any window, whatever the network latency.
//! - **Retries** ([`RetryPolicy`]): transient failures (transport, timeouts, HTTP 429/5xx,
//!   codes such as 91000) of retry-safe endpoints, 3 attempts with exponential backoff and
//!   full jitter, never sooner than a `Retry-After` (seconds) the server sent. Every wait of
//!   a call, rate limiter included, ends within [`RetryPolicy::with_max_elapsed`]. Endpoints that are not safe to repeat (`im_push`: the service deduplicates
//!   `MsgRandom` only within about a second) are retried only when the request provably never
//!   reached the service (no connection was made). An expired UserSig (70001) is renewed and the call
//!   retried once. Each retry is logged at `warn` level and recorded in the [`CallTrace`].
//!
//! # Transport
//!
//! HTTPS with rustls and the bundled WebPKI roots (ureq, pinned to one version; MSRV 1.88).
//! A proxy comes from the environment (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`)
//! or [`ClientBuilder::proxy`] ([`ClientBuilder::no_proxy`] ignores the environment); other
//! roots with [`ClientBuilder::root_certificates_pem`] (a TLS-intercepting proxy, a private
//! deployment), or the operating system's store with `ClientBuilder::platform_root_certificates`
//! (crate feature `platform-verifier`); the `User-Agent` with [`ClientBuilder::user_agent`]; or bring a configured
//! `ureq::Agent` with [`ClientBuilder::agent`].
//!
//! # Secrets
//!
//! The secret key and UserSigs never appear in `Debug` or `Display` output, errors or this
//! crate's log records; URLs in transport errors have the `usersig` value redacted. Note
//! that `ureq`, the HTTP library, logs full request URLs at `trace` level (target `ureq`):
//! keep that target at `debug` or lower in production logs.

pub mod auth;
mod builder;
pub mod bulk;
mod client;
pub mod config;
pub mod error;
mod random;
pub mod ratelimit;
pub mod retry;
#[rustfmt::skip]
pub mod services;
mod transport;

pub use auth::{BoxError, UsersigProvider};
pub use builder::{BuildError, ClientBuilder, DEFAULT_ADMIN};
pub use bulk::{Bulk, BulkProgress, BulkReport};
pub use client::Client;
pub use config::{RetryPolicy, Timeouts};
pub use error::Error;
pub use error::printable;
pub use ratelimit::Throttle;
pub use retry::CallTrace;
pub use tim_model::*;
pub use tim_usersig::SecretKey;

/// The README's Rust example, compiled by `cargo test --doc` so it cannot go stale.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
