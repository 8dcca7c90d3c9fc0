//! Callbacks (webhooks): the requests the service sends to the app's server, and the
//! contracts their generated types implement.
//!
//! Every command of `spec/callbacks/` is generated in [`crate::callbacks`]: per family a
//! module (`callbacks::c2c`, `callbacks::group`...) with one payload type per command
//! (`BeforeSendMsg`: what the service sends, implementing [`Payload`]), its answer
//! (`BeforeSendMsgAnswer`, implementing [`Answer`], built by a verdict constructor such as
//! `allow()` or `refuse()`) and its [`CallbackInfo`] constant; and one
//! [`Event`](crate::callbacks::Event) over every command, decoded from a command and a body
//! by [`Event::parse`](crate::callbacks::Event::parse). A command the spec does not know is
//! an [`UnknownEvent`] with its raw JSON, never an error: a command added to the service
//! later never breaks a deployed app.
//!
//! Checking where a callback comes from (the `SdkAppid` and the signature) is the job of the
//! `tim-webhook` crate, which needs a hash function this crate does without.
//!
//! ```
//! use tim_model::callback::{Answer, CallbackKind, Payload};
//! use tim_model::callbacks::{Event, c2c};
//!
//! let body = br#"{"CallbackCommand": "C2C.CallbackBeforeSendMsg", "From_Account": "jared",
//!     "To_Account": "John", "MsgSeq": 48374, "MsgRandom": 2837546, "MsgTime": 1557481126,
//!     "MsgKey": "48374_2837546_1557481126",
//!     "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "red packet"}}]}"#;
//! let event = Event::parse("C2C.CallbackBeforeSendMsg", body).unwrap();
//! let Event::C2cBeforeSendMsg(message) = &event else { unreachable!() };
//! assert_eq!(message.from_account, "jared");
//! assert_eq!(c2c::BeforeSendMsg::INFO.kind, CallbackKind::Before);
//!
//! // Refuse it: the sender gets the error the page documents.
//! let answer = c2c::BeforeSendMsgAnswer::refuse();
//! assert_eq!(answer.error_code(), 1);
//!
//! // An unknown command is an event too.
//! let event = Event::parse("Future.CallbackSomething", br#"{"A": 1}"#).unwrap();
//! assert!(matches!(event, Event::Unknown(_)));
//! ```

use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt;

/// Whether a callback's answer decides the event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CallbackKind {
    /// Sent before the event: the answer allows, refuses or modifies it.
    Before,
    /// Sent after the event: the service ignores the answer (beyond its arrival).
    After,
}

/// One documented `ErrorCode` of a before-callback's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerdictInfo {
    /// The `ErrorCode` (0: allow).
    pub code: i64,
    /// Its name, also the answer's constructor (`allow`, `refuse`, `discard`).
    pub name: &'static str,
    /// What the service then does.
    pub doc: &'static str,
    /// The code the sender (or operator) then gets, when the page says.
    pub sender_error: Option<i64>,
}

/// What the spec says about one callback command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallbackInfo {
    /// The command, as in the query string and the body (`C2C.CallbackBeforeSendMsg`).
    pub command: &'static str,
    /// One-line summary.
    pub title: &'static str,
    /// Before or after the event.
    pub kind: CallbackKind,
    /// The official page.
    pub doc_url: &'static str,
    /// How long the service waits for the answer, in milliseconds.
    pub timeout_ms: u64,
    /// The REST endpoints the page says fire it (`openim/sendmsg`).
    pub triggers: &'static [&'static str],
    /// The documented answer codes (before-callbacks).
    pub verdicts: &'static [VerdictInfo],
    /// The range of app-chosen codes the service passes on to the client, if any.
    pub custom_codes: Option<(i64, i64)>,
}

impl CallbackInfo {
    /// The verdict of an answer code, if documented.
    pub fn verdict(&self, code: i64) -> Option<&'static VerdictInfo> {
        self.verdicts.iter().find(|v| v.code == code)
    }

    /// Whether `code` is in this command's range of app-chosen codes.
    pub fn is_custom_code(&self, code: i64) -> bool {
        self.custom_codes
            .is_some_and(|(lo, hi)| (lo..=hi).contains(&code))
    }
}

/// A callback's body: what the service sends the app for one command.
pub trait Payload: Serialize + DeserializeOwned + fmt::Debug + Clone {
    /// What the spec says about the command.
    const INFO: &'static CallbackInfo;
    /// The answer type.
    type Answer: Answer;
}

/// A callback's answer: what the app sends back.
pub trait Answer: Serialize + DeserializeOwned + fmt::Debug + Clone {
    /// `ErrorCode`: 0 allows the event.
    fn error_code(&self) -> i64;
    /// `ErrorInfo`.
    fn error_info(&self) -> &str;
    /// The answer that lets the event go ahead (after-callbacks: the acknowledgement).
    fn ok() -> Self;
}

/// Code generic over the payload type of a command chosen at run time (tests, tools):
/// [`callbacks::visit`](crate::callbacks::visit) calls [`CallbackVisitor::visit`] with the
/// command's payload type.
pub trait CallbackVisitor {
    /// Called with the payload type of the command.
    fn visit<P: Payload>(&mut self);
}

/// A command the spec does not know (added to the service after this SDK was generated):
/// its name and its raw body.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnknownEvent {
    /// `CallbackCommand` from the query string.
    #[serde(skip)]
    pub command: String,
    /// The body as sent.
    #[serde(flatten)]
    pub body: serde_json::Map<String, serde_json::Value>,
}

/// An app-chosen answer code outside the command's documented range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("ErrorCode {code} is not allowed for {command}: app-chosen codes must be in {min}..={max}")]
pub struct CustomCodeError {
    /// The command.
    pub command: &'static str,
    /// The code given.
    pub code: i64,
    /// Smallest allowed.
    pub min: i64,
    /// Largest allowed.
    pub max: i64,
}

pub use crate::callbacks::AnswerEnvelope;

impl AnswerEnvelope {
    /// Lets the event go ahead (after-callbacks: acknowledges it): `ActionStatus` OK,
    /// `ErrorCode` 0.
    pub fn ok() -> AnswerEnvelope {
        AnswerEnvelope {
            action_status: "OK".to_owned(),
            ..AnswerEnvelope::default()
        }
    }

    /// A failed answer with `code` and `info` (`ActionStatus` FAIL).
    pub fn fail(code: i64, info: impl Into<String>) -> AnswerEnvelope {
        AnswerEnvelope {
            action_status: "FAIL".to_owned(),
            error_code: code,
            error_info: info.into(),
        }
    }
}

impl Answer for AnswerEnvelope {
    fn error_code(&self) -> i64 {
        self.error_code
    }

    fn error_info(&self) -> &str {
        &self.error_info
    }

    fn ok() -> Self {
        AnswerEnvelope::ok()
    }
}

/// The body of the answer that lets any event go ahead (`AnswerEnvelope::ok()`, encoded):
/// what the overview page's sample answer holds.
pub fn ok_answer() -> Vec<u8> {
    serde_json::to_vec(&AnswerEnvelope::ok()).unwrap_or_default()
}
