//! The model of `spec/callbacks/`: the requests the service sends to the app's server
//! (webhooks, "third-party callbacks"). `spec/README.md` ("Callbacks") documents every
//! field; this module is its Rust twin.

use crate::model::{Assumption, Field, Message, TypeDef};
use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `spec/callbacks/callbacks.json`: what every callback shares.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallbackApi {
    /// Documentation of callbacks as a whole (Markdown).
    pub doc: String,
    /// The overview page.
    pub doc_url: String,
    /// Maintainers' notes: which pages were read, and when.
    #[serde(default)]
    pub note: Option<String>,
    /// The query parameters the service appends to the callback URL, in order.
    pub query: Vec<Field>,
    /// The envelope of every answer (`ActionStatus`, `ErrorCode`, `ErrorInfo`).
    pub answer: Vec<Field>,
    /// How long the service waits for an answer, in milliseconds.
    pub timeout_ms: u64,
    /// What happens on a timeout, and retries.
    pub timeout_doc: String,
    /// How a callback is signed.
    pub signature: Signature,
}

/// How the service signs a callback when authentication is on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    /// The formula, for users.
    pub doc: String,
    /// Discrepancies on the page, for maintainers.
    #[serde(default)]
    pub note: Option<String>,
    /// A worked example.
    #[serde(default)]
    pub example: Option<SignatureExample>,
}

/// A worked signature example: what the stated formula gives, and what the page prints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignatureExample {
    /// The token.
    pub token: String,
    /// `RequestTime`.
    pub request_time: u64,
    /// The signature the stated formula gives (lower-case hex).
    pub sign: String,
    /// The signature the page prints, when it differs.
    #[serde(default)]
    pub documented_sign: Option<String>,
}

/// `spec/callbacks/{Prefix}/family.json`: one family of commands (`C2C.*`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallbackFamily {
    /// The command prefix (`C2C`): the folder's name, not in the file.
    #[serde(skip)]
    pub prefix: String,
    /// The scope named types resolve in (`callbacks/C2C`; see [`crate::Spec::type_in`]),
    /// set by loading.
    #[serde(skip)]
    pub scope: String,
    /// The Rust module (`c2c`: `tim_model::callbacks::c2c`).
    pub module: String,
    /// One-line summary.
    pub title: String,
    /// Documentation (Markdown).
    pub doc: String,
    /// Maintainers' notes.
    #[serde(default)]
    pub note: Option<String>,
    /// Named types only this family uses.
    #[serde(default)]
    pub types: Vec<TypeDef>,
}

impl CallbackFamily {
    /// The family's file, relative to `spec/`.
    pub fn file(&self) -> String {
        format!("callbacks/{}/family.json", self.prefix)
    }

    /// The family's name in event variants (`C2c`, `Group`).
    pub fn variant_prefix(&self) -> String {
        self.module.to_upper_camel_case()
    }
}

/// Whether the answer decides the event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallbackKind {
    /// Before the event: the answer allows, refuses or modifies it.
    Before,
    /// After the event: the answer is ignored.
    After,
}

/// What fires a callback.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Triggers {
    /// The page's triggering scenarios.
    pub doc: String,
    /// The REST endpoints the page says fire it (`openim/sendmsg`).
    #[serde(default)]
    pub rest: Vec<String>,
}

/// One documented value of a before-callback answer's `ErrorCode`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Verdict {
    /// The `ErrorCode`.
    pub code: i64,
    /// snake_case name (`allow`, `refuse`, `discard`): the answer's constructor.
    pub name: String,
    /// What the service does.
    pub doc: String,
    /// The code the sender (or operator) gets, when the page says.
    #[serde(default)]
    pub sender_error: Option<i64>,
    /// Maintainers' notes.
    #[serde(default)]
    pub note: Option<String>,
}

/// A range of app-chosen codes a before-callback may answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeRange {
    /// Smallest code.
    pub min: i64,
    /// Largest code.
    pub max: i64,
    /// What the service does with such a code.
    pub doc: String,
}

/// A sample body from the page: a payload (what the service sends) or an answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallbackSample {
    /// snake_case name, unique within the command.
    pub name: String,
    /// Maintainers' notes (a repaired sample).
    #[serde(default)]
    pub note: Option<String>,
    /// A sample body the service sends.
    #[serde(default)]
    pub payload: Option<Value>,
    /// A sample answer.
    #[serde(default)]
    pub answer: Option<Value>,
}

/// One callback command: `spec/callbacks/{Prefix}/{Name}.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Callback {
    /// The folder (`C2C`), not in the file.
    #[serde(skip)]
    pub prefix: String,
    /// The command as on the wire (`C2C.CallbackBeforeSendMsg`).
    pub command: String,
    /// PascalCase Rust name (`BeforeSendMsg`): payload type, `{name}Answer`, event variant.
    pub name: String,
    /// One-line summary.
    pub title: String,
    /// Documentation (Markdown).
    pub doc: String,
    /// The official page.
    pub doc_url: String,
    /// Maintainers' notes.
    #[serde(default)]
    pub note: Option<String>,
    /// Before or after the event.
    pub kind: CallbackKind,
    /// This command's timeout, when the page gives one (else the API-wide one).
    #[serde(default)]
    pub timeout_ms: Option<u64>,
    /// What fires it.
    #[serde(default)]
    pub triggers: Triggers,
    /// The documented `ErrorCode`s of the answer (before-callbacks).
    #[serde(default)]
    pub verdicts: Vec<Verdict>,
    /// App-chosen codes returned to the client.
    #[serde(default)]
    pub custom_codes: Option<CodeRange>,
    /// The body the service sends (`CallbackCommand` included).
    pub payload: Message,
    /// The answer's fields beyond the envelope.
    #[serde(default)]
    pub answer: Message,
    /// Samples from the page.
    #[serde(default)]
    pub samples: Vec<CallbackSample>,
    /// Facts of the file the page does not state, which the project assumed: `about` names
    /// `kind`, `timeout_ms`, `triggers`, `verdicts`, `custom_codes`, `answer` or
    /// `payload.{Json}` (a payload field).
    #[serde(default)]
    pub assumptions: Vec<Assumption>,
}

impl Callback {
    /// The command's file, relative to `spec/`.
    pub fn file(&self) -> String {
        let name = self
            .command
            .split_once('.')
            .map_or(self.command.as_str(), |(_, n)| n);
        format!("callbacks/{}/{name}.json", self.prefix)
    }

    /// The payload type's name (`BeforeSendMsg`).
    pub fn payload_type(&self) -> String {
        self.name.clone()
    }

    /// The answer type's name (`BeforeSendMsgAnswer`).
    pub fn answer_type(&self) -> String {
        format!("{}Answer", self.name)
    }

    /// The metadata constant's name (`BEFORE_SEND_MSG`).
    pub fn constant(&self) -> String {
        self.name.to_shouty_snake_case()
    }

    /// The snake_case name (`before_send_msg`).
    pub fn snake(&self) -> String {
        self.name.to_snake_case()
    }
}
