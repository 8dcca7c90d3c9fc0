//! Receive Tencent Cloud Chat callbacks (webhooks) in any HTTP framework.
//!
//! The service POSTs a JSON body to the app's callback URL with `SdkAppid`,
//! `CallbackCommand`, `contenttype`, `ClientIP`, `OptPlatform` and, when callback
//! authentication is on, `Sign` and `RequestTime` appended to the query string. A
//! [`Receiver`] takes that query string and body, whatever the framework, and returns the
//! typed [`Event`] once it has checked:
//!
//! 1. `SdkAppid` is the app's own ([`WebhookError::WrongApp`] otherwise);
//! 2. when a token is configured, `Sign` is `sha256(token + RequestTime)` in hex (upper or
//!    lower case), compared in constant time ([`WebhookError::BadSignature`]), and
//!    `RequestTime` is within the receiver's window of now ([`WebhookError::Stale`]; five
//!    minutes unless [`Receiver::max_age`] says otherwise: the docs give no window);
//! 3. the body is the documented shape for the command ([`WebhookError::Body`]) and, when it
//!    names its command, names the one in the query string.
//!
//! A command this SDK does not know is [`Event::Unknown`] with its raw JSON, never an error:
//! a command added to the service later never breaks a deployed app. The answer is a typed
//! value per command (`BeforeSendMsgAnswer::refuse()`...) encoded by [`answer_body`]; an
//! event the app does not care about is answered with [`ok_answer`].
//!
//! The signature covers the token and the time only, not the body: it proves the caller
//! knows the token, so serve the callback URL over HTTPS.
//!
//! The token and the signature never appear in `Debug` output, errors or anything printed.
//!
//! ```
//! use tim_webhook::{Event, Receiver, answer_body, sign};
//! use tim_webhook::callbacks::c2c::BeforeSendMsgAnswer;
//!
//! let receiver = Receiver::new(1400000000).token("my-callback-token");
//!
//! // What the service sends (in a real server: the request's query string and body).
//! let now = 1_700_000_000;
//! let query = format!(
//!     "SdkAppid=1400000000&CallbackCommand=C2C.CallbackBeforeSendMsg&contenttype=json\
//!      &ClientIP=127.0.0.1&OptPlatform=RESTAPI&Sign={}&RequestTime={now}",
//!     sign("my-callback-token", now)
//! );
//! let body = br#"{"CallbackCommand": "C2C.CallbackBeforeSendMsg", "From_Account": "jared",
//!     "To_Account": "John", "MsgSeq": 48374, "MsgRandom": 2837546, "MsgTime": 1557481126,
//!     "MsgKey": "48374_2837546_1557481126",
//!     "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "red packet"}}]}"#;
//!
//! let callback = receiver.receive_at(&query, body, now).unwrap();
//! let answer = match &callback.event {
//!     Event::C2cBeforeSendMsg(m) if m.from_account == "jared" => {
//!         answer_body(&BeforeSendMsgAnswer::refuse())
//!     }
//!     _ => tim_webhook::ok_answer(),
//! };
//! assert_eq!(answer, br#"{"ActionStatus":"OK","ErrorCode":1,"ErrorInfo":""}"#);
//!
//! // A wrong signature is refused, without echoing it.
//! let forged = query.replace("Sign=", "Sign=00");
//! let err = receiver.receive_at(&forged, body, now).unwrap_err();
//! assert_eq!(err.to_string(), "the callback's Sign does not match the token");
//! ```

use sha2::{Digest, Sha256};
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use subtle::ConstantTimeEq;

pub use tim_model::callback::{
    Answer, AnswerEnvelope, CallbackInfo, CallbackKind, Payload, UnknownEvent, VerdictInfo,
    ok_answer,
};
pub use tim_model::callbacks;
pub use tim_model::callbacks::Event;

/// The signature of a callback: `sha256(token + request_time)` in lower-case hex, as the
/// callback overview page states (`Sign=sha256(TokenRequestTime)`).
///
/// The page's worked example (token `xxxyyy`, `RequestTime` 1669872112) prints
/// `17773bc3…`, which this formula does not give (it gives `e78a8547…`, as any SHA-256
/// tool does); the stated formula is followed.
///
/// ```
/// assert_eq!(
///     tim_webhook::sign("xxxyyy", 1669872112),
///     "e78a85473bed2cdc8d6fa8c4d5a4ba4735fd64156e15a99516b9890293e135de"
/// );
/// ```
pub fn sign(token: &str, request_time: u64) -> String {
    let digest = digest(token, request_time);
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 15)]));
    }
    out
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn digest(token: &str, request_time: u64) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(token.as_bytes());
    h.update(request_time.to_string().as_bytes());
    h.finalize().into()
}

/// Whether `signature` (hex, either case) is the signature of `request_time` under `token`,
/// compared in constant time (the time does not depend on where a wrong signature differs).
pub fn verify(token: &str, request_time: u64, signature: &str) -> bool {
    let Some(given) = decode_hex32(signature) else {
        return false;
    };
    digest(token, request_time).ct_eq(&given).into()
}

fn decode_hex32(s: &str) -> Option<[u8; 32]> {
    let s = s.as_bytes();
    if s.len() != 64 {
        return None;
    }
    let nibble = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    };
    let mut out = [0u8; 32];
    for (i, pair) in s.chunks_exact(2).enumerate() {
        out[i] = (nibble(pair[0])? << 4) | nibble(pair[1])?;
    }
    Some(out)
}

/// The body of an answer: its JSON.
pub fn answer_body<A: Answer>(answer: &A) -> Vec<u8> {
    // Serializing a generated answer (strings, integers, arrays of them) cannot fail.
    serde_json::to_vec(answer).unwrap_or_else(|_| ok_answer())
}

/// The callback authentication token configured in the console. Never printed.
#[derive(Clone)]
pub struct Token(String);

impl Token {
    /// Wraps a token.
    pub fn new(token: impl Into<String>) -> Token {
        Token(token.into())
    }

    /// The token itself (to sign with, e.g. in an emulator).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// Default window for `RequestTime`: five minutes either side of the receiver's clock. The
/// docs give none; this is the project's choice (wide enough for clock skew, short enough
/// that a captured signature is soon useless).
pub const DEFAULT_MAX_AGE: Duration = Duration::from_secs(300);

/// Checks and decodes callbacks for one app.
#[derive(Debug, Clone)]
pub struct Receiver {
    sdkappid: u32,
    token: Option<Token>,
    max_age: Option<Duration>,
}

/// The query parameters of a callback, checked (the signature is not kept).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallbackQuery {
    /// `SdkAppid`: the app's.
    pub sdkappid: u32,
    /// `CallbackCommand`.
    pub command: String,
    /// `contenttype`, when sent.
    pub content_type: Option<String>,
    /// `ClientIP`, when sent.
    pub client_ip: Option<String>,
    /// `OptPlatform`, when sent (`RESTAPI`, `Web`, `Android`, `iOS`, `IOS`...).
    pub platform: Option<String>,
    /// `RequestTime`, when sent (signed callbacks).
    pub request_time: Option<u64>,
}

/// One callback, checked and decoded.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Callback {
    /// Its query parameters.
    pub query: CallbackQuery,
    /// Its body.
    pub event: Event,
}

impl Callback {
    /// What the spec says about the command (`None` for an unknown one).
    pub fn info(&self) -> Option<&'static CallbackInfo> {
        self.event.info()
    }
}

/// Why a callback was refused. Never holds the token or the signature.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// A query parameter is missing, repeated or malformed.
    #[error("query parameter `{param}`: {reason}")]
    Query {
        /// The parameter.
        param: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// `SdkAppid` is not the app's.
    #[error("SdkAppid {got} is not this app's ({expected})")]
    WrongApp {
        /// The app's.
        expected: u32,
        /// The callback's.
        got: u32,
    },
    /// A token is configured but the callback carries no `Sign` or `RequestTime`.
    #[error("the callback is not signed (no `Sign` or `RequestTime`), but a token is configured")]
    Unsigned,
    /// `Sign` is not the signature of `RequestTime` under the token.
    #[error("the callback's Sign does not match the token")]
    BadSignature,
    /// `RequestTime` is outside the window.
    #[error(
        "RequestTime {request_time} is {skew} s from now ({now}), more than the {window} s allowed"
    )]
    Stale {
        /// The callback's time.
        request_time: u64,
        /// The receiver's time.
        now: u64,
        /// How far apart, in seconds.
        skew: u64,
        /// The window, in seconds.
        window: u64,
    },
    /// The body's `CallbackCommand` differs from the query string's.
    #[error("the body's CallbackCommand `{body}` differs from the query's `{query}`")]
    CommandMismatch {
        /// From the query string.
        query: String,
        /// From the body.
        body: String,
    },
    /// The body is not JSON, or not the documented shape for the command.
    #[error("the body of {command} does not decode: {source}")]
    Body {
        /// The command.
        command: String,
        /// What serde said.
        source: serde_json::Error,
    },
}

impl Receiver {
    /// A receiver for the app `sdkappid`, without signature checks (call [`Receiver::token`]
    /// when callback authentication is on in the console).
    pub fn new(sdkappid: u32) -> Receiver {
        Receiver {
            sdkappid,
            token: None,
            max_age: Some(DEFAULT_MAX_AGE),
        }
    }

    /// Requires every callback to be signed with `token` (the console's callback
    /// authentication token).
    #[must_use]
    pub fn token(mut self, token: impl Into<String>) -> Receiver {
        self.token = Some(Token::new(token));
        self
    }

    /// How far `RequestTime` may be from the receiver's clock, either way (`None`: any time;
    /// default [`DEFAULT_MAX_AGE`]). Only signed callbacks carry a time.
    #[must_use]
    pub fn max_age(mut self, max_age: Option<Duration>) -> Receiver {
        self.max_age = max_age;
        self
    }

    /// The app this receiver accepts.
    pub fn sdkappid(&self) -> u32 {
        self.sdkappid
    }

    /// Checks and decodes one callback: `query` is the request's query string (without the
    /// `?`, percent-encoded as received), `body` its body. Uses the system clock.
    ///
    /// # Errors
    ///
    /// See [`WebhookError`]: the app, the signature, the time, the body.
    pub fn receive(&self, query: &str, body: &[u8]) -> Result<Callback, WebhookError> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        self.receive_at(query, body, now)
    }

    /// [`Receiver::receive`] with the current time given (Unix seconds).
    ///
    /// # Errors
    ///
    /// As [`Receiver::receive`].
    pub fn receive_at(&self, query: &str, body: &[u8], now: u64) -> Result<Callback, WebhookError> {
        let q = parse_query(query)?;
        let sdkappid = q.sdkappid.ok_or(WebhookError::Query {
            param: "SdkAppid",
            reason: "missing".into(),
        })?;
        if sdkappid != self.sdkappid {
            return Err(WebhookError::WrongApp {
                expected: self.sdkappid,
                got: sdkappid,
            });
        }
        let command = q.command.ok_or(WebhookError::Query {
            param: "CallbackCommand",
            reason: "missing".into(),
        })?;
        if let Some(token) = &self.token {
            let (Some(signature), Some(time)) = (&q.sign, q.request_time) else {
                return Err(WebhookError::Unsigned);
            };
            if !verify(token.expose(), time, signature) {
                return Err(WebhookError::BadSignature);
            }
            if let Some(window) = self.max_age {
                let skew = now.abs_diff(time);
                if skew > window.as_secs() {
                    return Err(WebhookError::Stale {
                        request_time: time,
                        now,
                        skew,
                        window: window.as_secs(),
                    });
                }
            }
        }
        let event = Event::parse(&command, body).map_err(|source| WebhookError::Body {
            command: command.clone(),
            source,
        })?;
        if let Some(named) = event.named_command()
            && named != command
        {
            return Err(WebhookError::CommandMismatch {
                body: named.to_owned(),
                query: command,
            });
        }
        Ok(Callback {
            query: CallbackQuery {
                sdkappid,
                command,
                content_type: q.content_type,
                client_ip: q.client_ip,
                platform: q.platform,
                request_time: q.request_time,
            },
            event,
        })
    }
}

#[derive(Default)]
struct RawQuery {
    sdkappid: Option<u32>,
    command: Option<String>,
    content_type: Option<String>,
    client_ip: Option<String>,
    platform: Option<String>,
    sign: Option<String>,
    request_time: Option<u64>,
}

/// Reads the query string. A parameter this crate checks may appear once only (a second
/// `Sign` or `SdkAppid` is refused, not silently preferred); others are ignored. Errors never
/// repeat a value: the query string may carry a signature.
fn parse_query(query: &str) -> Result<RawQuery, WebhookError> {
    let mut q = RawQuery::default();
    for pair in query.trim_start_matches('?').split('&') {
        if pair.is_empty() {
            continue;
        }
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = decode(value);
        fn once<T>(
            slot: &mut Option<T>,
            param: &'static str,
            value: Result<T, String>,
        ) -> Result<(), WebhookError> {
            if slot.is_some() {
                return Err(WebhookError::Query {
                    param,
                    reason: "given more than once".into(),
                });
            }
            *slot = Some(value.map_err(|reason| WebhookError::Query { param, reason })?);
            Ok(())
        }
        match key {
            "SdkAppid" => once(
                &mut q.sdkappid,
                "SdkAppid",
                value
                    .parse()
                    .map_err(|_| "not an app ID (a 32-bit unsigned integer)".to_owned()),
            )?,
            "CallbackCommand" => once(&mut q.command, "CallbackCommand", non_empty(value))?,
            "contenttype" => once(&mut q.content_type, "contenttype", Ok(value))?,
            "ClientIP" => once(&mut q.client_ip, "ClientIP", Ok(value))?,
            "OptPlatform" => once(&mut q.platform, "OptPlatform", Ok(value))?,
            // Never echoed: a signature in an error or a log is a replayable credential.
            "Sign" => once(&mut q.sign, "Sign", Ok(value))?,
            "RequestTime" => once(
                &mut q.request_time,
                "RequestTime",
                value
                    .parse()
                    .map_err(|_| "not a Unix time in seconds".to_owned()),
            )?,
            _ => {}
        }
    }
    Ok(q)
}

fn non_empty(value: String) -> Result<String, String> {
    if value.is_empty() {
        Err("empty".into())
    } else {
        Ok(value)
    }
}

/// Decodes one query value: `+` is a space, `%XX` a byte (invalid UTF-8 is replaced).
fn decode(value: &str) -> String {
    let spaced = value.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_either_case_and_wrong_lengths() {
        let s = sign("t", 5);
        assert!(verify("t", 5, &s));
        assert!(verify("t", 5, &s.to_uppercase()));
        assert!(!verify("t", 6, &s));
        assert!(!verify("u", 5, &s));
        assert!(!verify("t", 5, &s[..62]));
        assert!(!verify("t", 5, &format!("{s}00")));
        assert!(!verify(
            "t",
            5,
            &s.replace(|c: char| c.is_ascii_digit(), "g")
        ));
        assert!(!verify("t", 5, ""));
    }

    #[test]
    fn the_token_and_signatures_are_never_printed() {
        let token = "very-secret-token";
        let receiver = Receiver::new(7).token(token);
        assert!(!format!("{receiver:?}").contains(token));
        let sign = super::sign(token, 100);
        let body = br#"{"CallbackCommand": "State.StateChange"}"#;
        let mut errors = Vec::new();
        for query in [
            format!(
                "SdkAppid=7&CallbackCommand=State.StateChange&Sign={}&RequestTime=100",
                "a".repeat(64)
            ),
            format!("SdkAppid=7&CallbackCommand=State.StateChange&Sign={sign}&RequestTime=100000"),
            format!(
                "SdkAppid=7&CallbackCommand=State.StateChange&Sign={sign}&Sign={sign}&RequestTime=100"
            ),
            format!("SdkAppid=8&CallbackCommand=State.StateChange&Sign={sign}&RequestTime=100"),
            format!("SdkAppid=7&CallbackCommand=State.StateChange&Sign={sign}&RequestTime=x{sign}"),
        ] {
            errors.push(receiver.receive_at(&query, body, 100).unwrap_err());
        }
        for err in errors {
            let text = format!("{err} {err:?}");
            assert!(!text.contains(token), "{text}");
            assert!(!text.contains(&sign), "{text}");
            assert!(!text.contains(&"a".repeat(64)), "{text}");
        }
    }

    #[test]
    fn query_values_are_decoded() {
        let q = parse_query("SdkAppid=1&CallbackCommand=A.B&ClientIP=%3A%3A1&OptPlatform=i+OS")
            .unwrap();
        assert_eq!(q.client_ip.as_deref(), Some("::1"));
        assert_eq!(q.platform.as_deref(), Some("i OS"));
        assert!(parse_query("Sign=a&Sign=b").is_err());
    }
}
