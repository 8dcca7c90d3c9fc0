//! [`Client`]: the call path shared by every endpoint method.
//!
//! A call is: validate (unless turned off) → serialize once → for each attempt: get the
//! cached admin UserSig → wait for the endpoint's rate limiter → POST to
//! `{base}/v4/{service}/{command}?sdkappid=..&identifier=..&usersig=..&random=..&contenttype=json`
//! with a fresh `random` → read the whole body → check the envelope (`ActionStatus`,
//! `ErrorCode`, `ErrorInfo`) → decode the response type. Failed attempts go through
//! [`retry::decide`](crate::retry) and are recorded in a [`CallTrace`].

use std::fmt;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use crate::ErrorCode;
use crate::auth::UsersigCache;
use crate::builder::ClientBuilder;
use crate::config::RetryPolicy;
use crate::endpoint::{Endpoint, EnvelopeFields, Request, Response};
use crate::error::{Error, ResponseBody};
use crate::random::Random;
use crate::ratelimit::RateLimits;
use crate::retry::{Attempt, CallTrace, Decision, Progress, decide};
use crate::transport::{Query, RawResponse, Transport, status_error};

/// The blocking client. Cheap to clone: clones share the connection pool, the UserSig cache
/// and the rate limiters. `Send + Sync`.
///
/// Build one with [`Client::builder`]. Each endpoint has a method (`get_tag`, `push`...)
/// generated from the spec; they all go through [`Client::send`].
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) sdkappid: u32,
    pub(crate) admin: String,
    pub(crate) transport: Transport,
    pub(crate) auth: UsersigCache,
    pub(crate) limits: RateLimits,
    pub(crate) retry: RetryPolicy,
    pub(crate) validate: bool,
    pub(crate) random: Random,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("Client")
            .field("sdkappid", &inner.sdkappid)
            .field("admin", &inner.admin)
            .field("base_url", &inner.transport.base())
            .field("credentials", &inner.auth.source().describe())
            .field("retry", &inner.retry)
            .field("validate_requests", &inner.validate)
            .finish_non_exhaustive()
    }
}

/// What one attempt's answer turned out to be.
enum Checked<T> {
    /// A 200 with a successful envelope, decoded.
    Ok(T),
    /// A failed attempt (HTTP status, error code, undecodable envelope): goes through the
    /// retry decision.
    Failed(Error),
    /// The envelope says success but the body does not decode as the response type: the
    /// attempt succeeded, the call fails without a retry.
    Undecodable(Error),
}

/// The typed error an envelope that reports a failure carries.
fn api_error(endpoint: &'static str, env: EnvelopeFields<'_>) -> Error {
    Error::Api {
        endpoint,
        code: ErrorCode::from_code(env.error_code.unwrap_or(0)),
        info: env.error_info.unwrap_or_default().to_owned(),
    }
}

/// Decodes a raw response as `T`, or the typed error it carries.
///
/// One pass in the common case: the body is decoded as `T` and the envelope read from the
/// decoded value ([`Response::envelope`], generated for every response type). Only a body
/// that does not decode as `T` has its envelope parsed on its own, to tell an error answer
/// (whose other fields may be missing or odd) from an undecodable success.
fn check<T: Response>(endpoint: &'static str, raw: RawResponse) -> Checked<T> {
    if raw.status != 200 {
        return Checked::Failed(status_error(endpoint, raw));
    }
    let source = match serde_json::from_slice::<T>(&raw.body) {
        Ok(value) => {
            let env = value.envelope();
            return if env.is_failure() {
                Checked::Failed(api_error(endpoint, env))
            } else {
                Checked::Ok(value)
            };
        }
        Err(source) => source,
    };
    // The generated envelope alone (`spec/api.json`'s fields, all defaulted).
    match serde_json::from_slice::<crate::common::Envelope>(&raw.body) {
        Ok(env) if env.envelope().is_failure() => {
            Checked::Failed(api_error(endpoint, env.envelope()))
        }
        Ok(_) => Checked::Undecodable(Error::Decode {
            endpoint,
            source,
            body: ResponseBody::new(raw.body),
        }),
        Err(source) => Checked::Failed(Error::Decode {
            endpoint,
            source,
            body: ResponseBody::new(raw.body),
        }),
    }
}

impl Client {
    /// Starts configuring a client for the app `sdkappid`.
    pub fn builder(sdkappid: u32) -> ClientBuilder {
        ClientBuilder::new(sdkappid)
    }

    pub(crate) fn from_inner(inner: Arc<Inner>) -> Client {
        Client { inner }
    }

    /// The app's SDKAppID.
    pub fn sdkappid(&self) -> u32 {
        self.inner.sdkappid
    }

    /// The admin account the client calls as.
    pub fn admin(&self) -> &str {
        &self.inner.admin
    }

    /// The base URL calls go to (`https://{region domain}` or the custom one).
    pub fn base_url(&self) -> &str {
        self.inner.transport.base()
    }

    /// Validates, signs and sends `request` to its endpoint, retrying per the policy, and
    /// decodes the response. The generated endpoint methods call this.
    pub fn send<R: Request>(&self, request: &R) -> Result<R::Response, Error> {
        self.send_traced(request).0
    }

    /// [`send`](Self::send), also returning every attempt made and why it was retried.
    pub fn send_traced<R: Request>(&self, request: &R) -> (Result<R::Response, Error>, CallTrace) {
        let endpoint = R::ENDPOINT;
        let mut trace = CallTrace::new(endpoint.path);
        if self.inner.validate
            && let Err(e) = request.validate()
        {
            return (Err(Error::InvalidRequest(e)), trace);
        }
        let result = serialize(endpoint, request).and_then(|body| {
            let query = request.query_params();
            self.execute::<R::Response>(endpoint, &body, &query, &mut trace)
        });
        (result, trace)
    }

    /// Sends an arbitrary JSON body to `endpoint` and returns the whole response body
    /// (envelope included) when it succeeded. No client-side validation (check a body for a
    /// spec endpoint with [`endpoints::validate_json`](crate::endpoints::validate_json));
    /// authentication, rate limiting, retries and error mapping are those of
    /// [`send`](Self::send).
    ///
    /// Any endpoint of the spec is in [`endpoints::ALL`](crate::endpoints::ALL) and
    /// [`endpoints::by_path`](crate::endpoints::by_path). An endpoint the spec does not have
    /// yet is an [`Endpoint`] value you describe yourself: its path, and the rate limit and
    /// retry safety to apply.
    ///
    /// ```no_run
    /// use tim_client::{Client, Endpoint, RateLimit, RetrySafety, SecretKey};
    /// use serde_json::json;
    ///
    /// // A command newer than this SDK's spec.
    /// const NEW_COMMAND: Endpoint = Endpoint {
    ///     service: "openim",
    ///     module: "openim",
    ///     command: "some_new_command",
    ///     path: "v4/openim/some_new_command",
    ///     method: "some_new_command",
    ///     title: "A command the spec does not have yet",
    ///     doc_url: "https://intl.cloud.tencent.com/document/product/1047",
    ///     rate_limit: RateLimit {
    ///         per_second: Some(100),
    ///         min_interval_ms: None,
    ///         per_day: None,
    ///         error: None,
    ///         per_day_error: None,
    ///     },
    ///     retry: RetrySafety::Never,
    ///     batch: None,
    ///     errors: &[],
    ///     bad_body_error: 60003,
    ///     rate_limit_error: 60007,
    /// };
    ///
    /// let client = Client::builder(1_400_000_000)
    ///     .secret_key(SecretKey::new(std::env::var("TIM_SECRET_KEY")?))
    ///     .build()?;
    /// let answer = client.send_json(&NEW_COMMAND, &json!({ "NewField": "alice" }))?;
    /// println!("{answer}");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn send_json(
        &self,
        endpoint: &Endpoint,
        body: &serde_json::Value,
    ) -> Result<serde_json::Value, Error> {
        self.send_json_traced(endpoint, body).0
    }

    /// [`send_json`](Self::send_json), also returning the attempts.
    pub fn send_json_traced(
        &self,
        endpoint: &Endpoint,
        body: &serde_json::Value,
    ) -> (Result<serde_json::Value, Error>, CallTrace) {
        self.send_json_with_query_traced(endpoint, body, &[])
    }

    /// [`send_json`](Self::send_json) for an endpoint with query parameters of its own
    /// (`GetIPList`'s `nettype`): `query` is sent after the five API-wide parameters, in the
    /// order given. Nothing checks the body or the parameters: see
    /// `endpoints::validate_call`, which checks both and returns `query` for this method.
    ///
    /// # Errors
    ///
    /// As [`send_json`](Self::send_json).
    pub fn send_json_with_query(
        &self,
        endpoint: &Endpoint,
        body: &serde_json::Value,
        query: &[(&str, String)],
    ) -> Result<serde_json::Value, Error> {
        self.send_json_with_query_traced(endpoint, body, query).0
    }

    /// [`send_json_with_query`](Self::send_json_with_query), also returning the attempts.
    pub fn send_json_with_query_traced(
        &self,
        endpoint: &Endpoint,
        body: &serde_json::Value,
        query: &[(&str, String)],
    ) -> (Result<serde_json::Value, Error>, CallTrace) {
        let mut trace = CallTrace::new(endpoint.path);
        let result = serialize(endpoint, body)
            .and_then(|body| self.execute::<serde_json::Value>(endpoint, &body, query, &mut trace));
        (result, trace)
    }

    /// Sends `body` until it succeeds or the retry policy gives up; returns the decoded
    /// response.
    fn execute<T: Response>(
        &self,
        endpoint: &Endpoint,
        body: &[u8],
        extra_query: &[(&str, String)],
        trace: &mut CallTrace,
    ) -> Result<T, Error> {
        let inner = &*self.inner;
        let path = endpoint.path;
        let started = Instant::now();
        let limiter = inner.limits.limiter(endpoint);
        let mut usersig = inner.auth.get()?;
        let mut counted = 0u32;
        let mut renewed = false;
        loop {
            // Every wait is bounded: the rate limiter never makes a call wait past the retry
            // policy's `max_elapsed` from the call's start.
            let deadline = started + inner.retry.max_elapsed();
            let (permit, throttled) = match &limiter {
                Some(limiter) => match limiter.acquire(Some(deadline)) {
                    Ok((permit, waited)) => (Some(permit), waited),
                    Err(waited) => {
                        return Err(Error::RateLimitWait {
                            endpoint: path,
                            waited: started.elapsed().max(waited),
                            limit: inner.retry.max_elapsed(),
                        });
                    }
                },
                None => (None, Duration::ZERO),
            };
            let url = inner.transport.url(
                path,
                &Query {
                    sdkappid: inner.sdkappid,
                    identifier: &inner.admin,
                    usersig_encoded: &usersig.encoded,
                    random: inner.random.next_u32(),
                    extra: extra_query,
                },
            );
            let sent = Instant::now();
            let outcome = inner
                .transport
                .post(path, &url, body, &usersig.usersig)
                .map_or_else(Checked::Failed, |raw| check::<T>(path, raw));
            drop(permit);
            counted += 1;
            let mut attempt = Attempt {
                number: trace.attempts.len() as u32 + 1,
                throttled,
                duration: sent.elapsed(),
                failure: None,
                retry: None,
                no_retry: None,
            };
            let err = match outcome {
                Checked::Ok(value) => {
                    log::debug!("{path}: attempt {} succeeded", attempt.number);
                    trace.attempts.push(attempt);
                    return Ok(value);
                }
                Checked::Undecodable(err) => {
                    // The service answered success; only the decoding failed. As before the
                    // single-pass decode, the attempt counts as answered and is not retried.
                    log::debug!("{path}: attempt {} succeeded", attempt.number);
                    trace.attempts.push(attempt);
                    return Err(err.scrubbed(&[&usersig.usersig, &usersig.encoded]));
                }
                Checked::Failed(err) => err.scrubbed(&[&usersig.usersig, &usersig.encoded]),
            };
            attempt.failure = Some(err.to_string());
            let progress = Progress {
                attempts: counted,
                elapsed: started.elapsed(),
                renewed,
            };
            match decide(&err, endpoint, &inner.retry, &progress, &inner.random) {
                Decision::RenewAndRetry => {
                    log::warn!(
                        "{path}: attempt {} failed: {err}; renewing the admin UserSig and retrying once",
                        attempt.number
                    );
                    attempt.retry =
                        Some((crate::retry::RetryReason::UsersigExpired, Duration::ZERO));
                    trace.attempts.push(attempt);
                    renewed = true;
                    // The renewal retry does not use up an attempt of the policy.
                    counted -= 1;
                    usersig = inner.auth.renew(usersig.generation)?;
                }
                Decision::Retry(reason, backoff) => {
                    log::warn!(
                        "{path}: attempt {} of {} failed: {err}; retrying in {backoff:?} ({reason})",
                        attempt.number,
                        inner.retry.max_attempts()
                    );
                    attempt.retry = Some((reason, backoff));
                    trace.attempts.push(attempt);
                    thread::sleep(backoff);
                    usersig = inner.auth.get()?;
                }
                Decision::Stop(why) => {
                    if attempt.number > 1 {
                        log::warn!("{path}: giving up after attempt {}: {why}", attempt.number);
                    }
                    attempt.no_retry = Some(why);
                    trace.attempts.push(attempt);
                    return Err(err);
                }
            }
        }
    }
}

fn serialize<T: serde::Serialize + ?Sized>(
    endpoint: &Endpoint,
    body: &T,
) -> Result<Vec<u8>, Error> {
    serde_json::to_vec(body).map_err(|source| Error::Serialize {
        endpoint: endpoint.path,
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::all_member_push::GetTagResponse;

    fn raw(body: &str) -> RawResponse {
        RawResponse {
            status: 200,
            body: body.as_bytes().to_vec(),
            retry_after: None,
        }
    }

    #[test]
    fn typed_and_json_responses_map_envelopes_the_same() {
        let bodies = [
            r#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}"#,
            r#"{"ActionStatus":"FAIL","ErrorCode":70001,"ErrorInfo":"expired"}"#,
            r#"{"ActionStatus":"FAIL","ErrorCode":0}"#,
            r#"{"ErrorCode":90009,"ErrorInfo":"not admin"}"#,
            r#"{"ActionStatus":"OK","ErrorCode":0,"UserTags":5}"#,
            r#"{"ActionStatus":"FAIL","ErrorCode":10004,"UserTags":5}"#,
            r#"not json"#,
        ];
        let describe = |c: Checked<String>| match c {
            Checked::Ok(v) => format!("ok {v}"),
            Checked::Failed(Error::Api { code, info, .. }) => {
                format!("api {} {info}", code.code())
            }
            Checked::Failed(Error::Decode { .. }) => "decode, retry decision".to_owned(),
            Checked::Undecodable(Error::Decode { .. }) => "decode, answered".to_owned(),
            Checked::Failed(e) | Checked::Undecodable(e) => format!("other {e}"),
        };
        let want = [
            "ok OK 0 ",
            "api 70001 expired",
            "api 0 ",
            "api 90009 not admin",
            "decode, answered",
            "api 10004 ",
            "decode, retry decision",
        ];
        for (body, want) in bodies.iter().zip(want) {
            // Typed (one pass, the generated envelope accessor) ...
            let typed = match check::<GetTagResponse>("e", raw(body)) {
                Checked::Ok(v) => {
                    let env = tim_model::Response::envelope(&v);
                    Checked::Ok(format!(
                        "{} {} {}",
                        env.action_status.unwrap_or_default(),
                        env.error_code.unwrap_or_default(),
                        env.error_info.unwrap_or_default()
                    ))
                }
                Checked::Failed(e) => Checked::Failed(e),
                Checked::Undecodable(e) => Checked::Undecodable(e),
            };
            assert_eq!(describe(typed), want, "{body}");
            // ... and `Value` (the envelope parsed on its own) agree.
            let value = match check::<serde_json::Value>("e", raw(body)) {
                Checked::Ok(v) => Checked::Ok(format!(
                    "{} {} {}",
                    v["ActionStatus"].as_str().unwrap_or(""),
                    v["ErrorCode"],
                    v["ErrorInfo"].as_str().unwrap_or("")
                )),
                Checked::Failed(e) => Checked::Failed(e),
                Checked::Undecodable(e) => Checked::Undecodable(e),
            };
            let value = describe(value);
            if !want.starts_with("decode, answered") {
                assert_eq!(value, want, "{body}");
            }
        }
    }
}
