//! [`Client`]: the call path shared by every endpoint method.
//!
//! A call is: validate (unless turned off) → serialize once → for each attempt: get the
//! cached admin UserSig → wait for the endpoint's rate limiter → POST to
//! `{base}/v4/{service}/{command}?sdkappid=..&identifier=..&usersig=..&random=..&contenttype=json`
//! with a fresh `random` → read the whole body → check the envelope (`ActionStatus`,
//! `ErrorCode`, `ErrorInfo`) → decode the response type. Failed attempts go through
//! [`retry::decide`](crate::retry) and are recorded in a [`CallTrace`].

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use serde::Deserialize;

use crate::auth::UsersigCache;
use crate::builder::ClientBuilder;
use crate::config::RetryPolicy;
use crate::endpoint::{Endpoint, Request};
use crate::error::{Error, ResponseBody};
use crate::generated::errors::ErrorCode;
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

/// The envelope every response carries, borrowed from the body.
#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(rename = "ActionStatus", borrow, default)]
    action_status: Option<Cow<'a, str>>,
    #[serde(rename = "ErrorCode", default)]
    error_code: Option<i64>,
    #[serde(rename = "ErrorInfo", borrow, default)]
    error_info: Option<Cow<'a, str>>,
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

/// Decodes a raw response as `T`, or the typed error it carries.
///
/// One pass in the common case: the body is decoded as `T` and the envelope fields are read
/// back from the decoded value ([`envelope::probe`], through `T`'s `Serialize`, which for a
/// generated response visits its fields without formatting anything). Only when `T` does
/// not expose them (`serde_json::Value`, a type without `ErrorCode`) or does not decode is
/// the envelope parsed on its own, as it always was before.
fn check<T: serde::de::DeserializeOwned + serde::Serialize>(
    endpoint: &'static str,
    raw: RawResponse,
) -> Checked<T> {
    if raw.status != 200 {
        return Checked::Failed(status_error(endpoint, raw));
    }
    let typed = match serde_json::from_slice::<T>(&raw.body) {
        Ok(value) => match envelope::probe(&value) {
            Some(seen) => {
                let code = seen.code.unwrap_or(0);
                return if code != 0 || seen.fail {
                    Checked::Failed(Error::Api {
                        endpoint,
                        code: ErrorCode::from_code(code),
                        info: seen.info.unwrap_or_default(),
                    })
                } else {
                    Checked::Ok(value)
                };
            }
            None => Ok(value),
        },
        Err(source) => Err(source),
    };
    let failure = match serde_json::from_slice::<Envelope<'_>>(&raw.body) {
        Err(source) => Err(source),
        Ok(env) => {
            let code = env.error_code.unwrap_or(0);
            if code != 0 || env.action_status.as_deref() == Some("FAIL") {
                Ok(Some((
                    code,
                    env.error_info.unwrap_or_default().into_owned(),
                )))
            } else {
                Ok(None)
            }
        }
    };
    match (failure, typed) {
        (Ok(None), Ok(value)) => Checked::Ok(value),
        (Ok(None), Err(source)) => Checked::Undecodable(Error::Decode {
            endpoint,
            source,
            body: ResponseBody::new(raw.body),
        }),
        (Ok(Some((code, info))), _) => Checked::Failed(Error::Api {
            endpoint,
            code: ErrorCode::from_code(code),
            info,
        }),
        (Err(source), _) => Checked::Failed(Error::Decode {
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
        let result = serialize(endpoint, request)
            .and_then(|body| self.execute::<R::Response>(endpoint, &body, &mut trace));
        (result, trace)
    }

    /// Sends an arbitrary JSON body to `endpoint` and returns the whole response body
    /// (envelope included) when it succeeded. No client-side validation; authentication,
    /// rate limiting, retries and error mapping are those of [`send`](Self::send).
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
        let mut trace = CallTrace::new(endpoint.path);
        let result = serialize(endpoint, body)
            .and_then(|body| self.execute::<serde_json::Value>(endpoint, &body, &mut trace));
        (result, trace)
    }

    /// Sends `body` until it succeeds or the retry policy gives up; returns the decoded
    /// response.
    fn execute<T: serde::de::DeserializeOwned + serde::Serialize>(
        &self,
        endpoint: &Endpoint,
        body: &[u8],
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
            let (permit, throttled) = match &limiter {
                Some(limiter) => {
                    let (permit, waited) = limiter.acquire();
                    (Some(permit), waited)
                }
                None => (None, Duration::ZERO),
            };
            let url = inner.transport.url(
                path,
                &Query {
                    sdkappid: inner.sdkappid,
                    identifier: &inner.admin,
                    usersig_encoded: &usersig.encoded,
                    random: inner.random.next_u32(),
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
                    return Err(err);
                }
                Checked::Failed(err) => err,
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

/// Reads the envelope fields (`ActionStatus`, `ErrorCode`, `ErrorInfo`) back from a decoded
/// response through its `Serialize` impl, so a generated response is parsed once.
///
/// The probe is a `Serializer` that accepts a struct and looks only at those three fields;
/// every other field is skipped without being visited. Anything else (a map, a sequence, an
/// envelope field of an unexpected type) makes [`probe`] answer `None`, and the caller
/// parses the envelope from the body instead.
mod envelope {
    use std::fmt;

    use serde::Serialize;
    use serde::ser::{self, Impossible, SerializeStruct, Serializer};

    /// The envelope fields found.
    #[derive(Default)]
    pub(super) struct Seen {
        /// `ErrorCode`, if the type has it and it was serialized.
        pub(super) code: Option<i64>,
        /// `ActionStatus` is `FAIL`.
        pub(super) fail: bool,
        /// `ErrorInfo`.
        pub(super) info: Option<String>,
    }

    /// The envelope fields of `value`, or `None` when it is not a struct with an
    /// `ErrorCode` field.
    pub(super) fn probe<T: Serialize>(value: &T) -> Option<Seen> {
        let mut seen = Seen::default();
        value.serialize(Probe(&mut seen)).ok()?;
        seen.code.is_some().then_some(seen)
    }

    /// "Not what the probe reads": makes [`probe`] fall back to parsing the envelope.
    #[derive(Debug)]
    pub(super) struct Unsupported;

    impl fmt::Display for Unsupported {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("not a response struct")
        }
    }

    impl std::error::Error for Unsupported {}

    impl ser::Error for Unsupported {
        fn custom<M: fmt::Display>(_: M) -> Self {
            Unsupported
        }
    }

    /// Implements every `Serializer` method not listed as returning [`Unsupported`].
    macro_rules! unsupported {
        ($($method:ident($($arg:ty),*);)*) => {
            $(fn $method(self, $(_: $arg),*) -> Result<Self::Ok, Unsupported> {
                Err(Unsupported)
            })*
        };
    }

    /// The compound and wrapper types neither serializer accepts (`struct` for [`Probe`]
    /// aside).
    macro_rules! no_compounds {
        () => {
            type SerializeSeq = Impossible<Self::Ok, Unsupported>;
            type SerializeTuple = Impossible<Self::Ok, Unsupported>;
            type SerializeTupleStruct = Impossible<Self::Ok, Unsupported>;
            type SerializeTupleVariant = Impossible<Self::Ok, Unsupported>;
            type SerializeMap = Impossible<Self::Ok, Unsupported>;
            type SerializeStructVariant = Impossible<Self::Ok, Unsupported>;

            fn serialize_newtype_struct<V: ?Sized + Serialize>(
                self,
                _: &'static str,
                _: &V,
            ) -> Result<Self::Ok, Unsupported> {
                Err(Unsupported)
            }
            fn serialize_newtype_variant<V: ?Sized + Serialize>(
                self,
                _: &'static str,
                _: u32,
                _: &'static str,
                _: &V,
            ) -> Result<Self::Ok, Unsupported> {
                Err(Unsupported)
            }
            fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Unsupported> {
                Err(Unsupported)
            }
            fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Unsupported> {
                Err(Unsupported)
            }
            fn serialize_tuple_struct(
                self,
                _: &'static str,
                _: usize,
            ) -> Result<Self::SerializeTupleStruct, Unsupported> {
                Err(Unsupported)
            }
            fn serialize_tuple_variant(
                self,
                _: &'static str,
                _: u32,
                _: &'static str,
                _: usize,
            ) -> Result<Self::SerializeTupleVariant, Unsupported> {
                Err(Unsupported)
            }
            fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Unsupported> {
                Err(Unsupported)
            }
            fn serialize_struct_variant(
                self,
                _: &'static str,
                _: u32,
                _: &'static str,
                _: usize,
            ) -> Result<Self::SerializeStructVariant, Unsupported> {
                Err(Unsupported)
            }
        };
    }

    /// Accepts the top-level struct.
    struct Probe<'a>(&'a mut Seen);

    impl<'a> Serializer for Probe<'a> {
        type Ok = ();
        type Error = Unsupported;
        type SerializeStruct = Self;
        no_compounds!();
        unsupported! {
            serialize_bool(bool); serialize_i8(i8); serialize_i16(i16); serialize_i32(i32);
            serialize_i64(i64); serialize_u8(u8); serialize_u16(u16); serialize_u32(u32);
            serialize_u64(u64); serialize_f32(f32); serialize_f64(f64); serialize_char(char);
            serialize_str(&str); serialize_bytes(&[u8]); serialize_none(); serialize_unit();
            serialize_unit_struct(&'static str);
            serialize_unit_variant(&'static str, u32, &'static str);
        }

        fn serialize_some<V: ?Sized + Serialize>(self, _: &V) -> Result<(), Unsupported> {
            Err(Unsupported)
        }

        fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Unsupported> {
            Ok(self)
        }
    }

    impl SerializeStruct for Probe<'_> {
        type Ok = ();
        type Error = Unsupported;

        fn serialize_field<V: ?Sized + Serialize>(
            &mut self,
            key: &'static str,
            value: &V,
        ) -> Result<(), Unsupported> {
            match key {
                "ErrorCode" => match value.serialize(Scalar { owned: false })? {
                    Value::Int(code) => self.0.code = Some(code),
                    _ => return Err(Unsupported),
                },
                "ActionStatus" => match value.serialize(Scalar { owned: false })? {
                    Value::Status { fail } => self.0.fail = fail,
                    Value::None => {}
                    _ => return Err(Unsupported),
                },
                "ErrorInfo" => match value.serialize(Scalar { owned: true })? {
                    Value::Str(info) => self.0.info = Some(info),
                    Value::None => {}
                    _ => return Err(Unsupported),
                },
                _ => {}
            }
            Ok(())
        }

        fn skip_field(&mut self, _: &'static str) -> Result<(), Unsupported> {
            Ok(())
        }

        fn end(self) -> Result<(), Unsupported> {
            Ok(())
        }
    }

    /// One envelope field's value.
    enum Value {
        Int(i64),
        /// A string, kept (`owned`).
        Str(String),
        /// A string, only compared with `FAIL` (not `owned`).
        Status {
            fail: bool,
        },
        None,
    }

    /// Reads an integer, a string or an option of them; `owned`: keep strings, else only
    /// say whether they are `FAIL` (no allocation for `ActionStatus`).
    struct Scalar {
        owned: bool,
    }

    impl Serializer for Scalar {
        type Ok = Value;
        type Error = Unsupported;
        type SerializeStruct = Impossible<Value, Unsupported>;
        no_compounds!();
        unsupported! {
            serialize_bool(bool); serialize_f32(f32); serialize_f64(f64); serialize_char(char);
            serialize_bytes(&[u8]); serialize_unit();
            serialize_unit_struct(&'static str);
            serialize_unit_variant(&'static str, u32, &'static str);
        }

        fn serialize_i8(self, v: i8) -> Result<Value, Unsupported> {
            Ok(Value::Int(v.into()))
        }
        fn serialize_i16(self, v: i16) -> Result<Value, Unsupported> {
            Ok(Value::Int(v.into()))
        }
        fn serialize_i32(self, v: i32) -> Result<Value, Unsupported> {
            Ok(Value::Int(v.into()))
        }
        fn serialize_i64(self, v: i64) -> Result<Value, Unsupported> {
            Ok(Value::Int(v))
        }
        fn serialize_u8(self, v: u8) -> Result<Value, Unsupported> {
            Ok(Value::Int(v.into()))
        }
        fn serialize_u16(self, v: u16) -> Result<Value, Unsupported> {
            Ok(Value::Int(v.into()))
        }
        fn serialize_u32(self, v: u32) -> Result<Value, Unsupported> {
            Ok(Value::Int(v.into()))
        }
        fn serialize_u64(self, v: u64) -> Result<Value, Unsupported> {
            i64::try_from(v).map(Value::Int).map_err(|_| Unsupported)
        }
        fn serialize_str(self, v: &str) -> Result<Value, Unsupported> {
            Ok(if self.owned {
                Value::Str(v.to_owned())
            } else {
                Value::Status { fail: v == "FAIL" }
            })
        }
        fn serialize_some<V: ?Sized + Serialize>(self, v: &V) -> Result<Value, Unsupported> {
            v.serialize(self)
        }
        fn serialize_none(self) -> Result<Value, Unsupported> {
            Ok(Value::None)
        }
        fn serialize_struct(
            self,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStruct, Unsupported> {
            Err(Unsupported)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::GetTagResponse;

    fn raw(body: &str) -> RawResponse {
        RawResponse {
            status: 200,
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn probe_reads_the_envelope_of_a_generated_response() {
        let ok: GetTagResponse = serde_json::from_str(
            r#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","UserTags":[]}"#,
        )
        .unwrap();
        let seen = envelope::probe(&ok).expect("a generated response has an envelope");
        assert_eq!(
            (seen.code, seen.fail, seen.info.as_deref()),
            (Some(0), false, Some(""))
        );
        let failed: GetTagResponse =
            serde_json::from_str(r#"{"ActionStatus":"FAIL","ErrorCode":0}"#).unwrap();
        let seen = envelope::probe(&failed).unwrap();
        assert_eq!((seen.code, seen.fail, seen.info), (Some(0), true, None));
        // Not a struct: the caller parses the envelope from the body.
        assert!(envelope::probe(&serde_json::json!({"ErrorCode": 0})).is_none());
        assert!(envelope::probe(&5u8).is_none());
    }

    #[test]
    fn check_maps_envelopes_the_same_with_and_without_the_probe() {
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
            // Typed (one pass through the probe) ...
            let typed = match check::<GetTagResponse>("e", raw(body)) {
                Checked::Ok(v) => Checked::Ok(format!(
                    "{} {} {}",
                    v.action_status,
                    v.error_code,
                    v.error_info.unwrap_or_default()
                )),
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
