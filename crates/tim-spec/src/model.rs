//! The in-memory model of `spec/`: plain serde structs mirroring the JSON files.
//!
//! `spec/README.md` documents every field; this module is its Rust twin. Nothing here does
//! I/O or validation (see [`crate::Spec::load`] and [`crate::validate`]).

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;

/// The whole spec: API-wide facts, error codes, common types, services and endpoints.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    /// `spec/api.json`: URL shape, query parameters, response envelope, regions.
    pub api: Api,
    /// `spec/errors.json`: every error code, sorted by code.
    pub errors: Vec<ErrorCodeDef>,
    /// `spec/types.json`: named types shared by several services (module `common`).
    pub types: Vec<TypeDef>,
    /// `spec/services/{service}/service.json`, sorted by name.
    pub services: Vec<ServiceDef>,
    /// `spec/services/{service}/endpoints/{command}.json`, sorted by `(service, command)`.
    pub endpoints: Vec<Endpoint>,
    /// `spec/callbacks/callbacks.json` (`None` when the spec has no callbacks folder).
    pub callback_api: Option<crate::CallbackApi>,
    /// `spec/callbacks/{Prefix}/family.json`, sorted by prefix.
    pub callback_families: Vec<crate::CallbackFamily>,
    /// `spec/callbacks/{Prefix}/{Name}.json`, sorted by command.
    pub callbacks: Vec<crate::Callback>,
}

/// `spec/services/{service}/service.json`: what is said once for a whole service (family).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceDef {
    /// The service part of the path (`all_member_push`): the folder's name, not in the file.
    #[serde(skip)]
    pub name: String,
    /// The Rust module and client accessor name, when it differs from `name`
    /// (`group_open_http_svc` -> `group`).
    #[serde(default)]
    pub module: Option<String>,
    /// One-line summary of the family.
    pub title: String,
    /// Documentation of the family (Markdown), with its overview page.
    pub doc: String,
    /// Which editions or console switches the family needs, when the docs say.
    #[serde(default)]
    pub edition: Option<String>,
    /// The code the family answers for a body that is not JSON or not the documented shape
    /// (and for a broken limit the docs give no code for); the API-wide 60003 when absent.
    #[serde(default)]
    pub bad_body_error: Option<i64>,
    /// Named types used only by this service's endpoints.
    #[serde(default)]
    pub types: Vec<TypeDef>,
}

impl ServiceDef {
    /// The Rust module name: `module` if given, else the service name.
    pub fn module(&self) -> &str {
        self.module.as_deref().unwrap_or(&self.name)
    }

    /// The name of the per-service handle types (`AllMemberPush`).
    pub fn handle_type(&self) -> String {
        self.module().to_upper_camel_case()
    }

    /// The service's folder, relative to `spec/`: `services/{name}`.
    pub fn dir(&self) -> String {
        format!("services/{}", self.name)
    }

    /// The service's own file, relative to `spec/`.
    pub fn file(&self) -> String {
        format!("services/{}/service.json", self.name)
    }
}

/// `spec/api.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Api {
    /// Human name of the API.
    pub name: String,
    /// Service-level documentation (Markdown).
    pub doc: String,
    /// URL template, e.g. `https://{domain}/v4/{service}/{command}`.
    pub url: String,
    /// The query parameters every call carries, in the order they are sent.
    pub query: Vec<QueryParam>,
    /// Fields of the response envelope shared by every response (`ActionStatus`...).
    pub envelope: Vec<Field>,
    /// The code answered for a body that is not JSON or not the documented shape, in a
    /// service that does not give its own (`bad_body_error` of a service file): the REST
    /// API's common 60003.
    pub bad_body_error: i64,
    /// The code answered past a rate limit whose endpoint documents none: the REST API's
    /// common 60007.
    pub rate_limit_error: i64,
    /// Documented regions and their domains.
    pub regions: Vec<Region>,
}

/// One query parameter of every call (`sdkappid`, `identifier`...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueryParam {
    /// Name on the wire.
    pub name: String,
    /// Type of the value.
    #[serde(rename = "type")]
    pub ty: TypeRef,
    /// The fixed value, for parameters that always carry the same one (`contenttype`: `json`).
    #[serde(default)]
    pub value: Option<String>,
    /// What it holds.
    pub doc: String,
    /// Error code the service answers when the parameter is missing or malformed.
    #[serde(default)]
    pub error: Option<i64>,
}

/// A region and its API domain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    /// Rust variant name (PascalCase), e.g. `Singapore`.
    pub name: String,
    /// Stable lowercase id used by the CLI and `TIM_REGION`, e.g. `singapore`.
    pub id: String,
    /// Host name, e.g. `adminapisgp.im.qcloud.com`.
    pub domain: String,
    /// The standby (backup) host name the REST overview page gives next to `domain`, e.g.
    /// `adminapisgp.my-imcloud.com`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standby_domain: Option<String>,
    /// Where this fact comes from and any caveat.
    pub doc: String,
}

/// How a client may react to an error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RetryClass {
    /// Transient: back off and retry (if the endpoint is safe to retry).
    Retry,
    /// The UserSig expired: mint a new one and retry once.
    RenewUsersig,
    /// Retrying cannot help.
    Never,
}

/// Whether an error code is about the whole call or about one item of a batch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorScope {
    /// The whole call failed for a reason shared by all its items (the default).
    #[default]
    Call,
    /// One item of a batch made the call fail (a tag too long, an unknown attribute...):
    /// bulk jobs isolate it and send the other items again.
    Item,
}

/// A meaning an error code has in some services only, where the official error-code page
/// gives one code different meanings in different families.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScopedMeaning {
    /// The services (path names) in which the code means this.
    pub services: Vec<String>,
    /// The official description in those services.
    pub description: String,
    /// What the caller should do there.
    #[serde(default)]
    pub hint: Option<String>,
    /// For maintainers: where the meaning was read (never generated into user docs).
    #[serde(default)]
    pub note: Option<String>,
}

/// One entry of `spec/errors.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorCodeDef {
    /// Numeric code as found in `ErrorCode`.
    pub code: i64,
    /// Rust variant name (PascalCase), unique.
    pub name: String,
    /// Description from the official docs.
    pub description: String,
    /// Retry class.
    pub retry: RetryClass,
    /// What the caller should do, when the docs say more than the description (shown to
    /// users: the CLI prints it with the error).
    #[serde(default)]
    pub hint: Option<String>,
    /// For maintainers: where the code, its description or its hint were read (never
    /// generated into user docs).
    #[serde(default)]
    pub note: Option<String>,
    /// About the whole call (default) or one item of a batch.
    #[serde(default)]
    pub scope: ErrorScope,
    /// Meanings in particular services that differ from `description`.
    #[serde(default)]
    pub scoped: Vec<ScopedMeaning>,
}

/// A named shared type in `spec/types.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TypeDef {
    /// A JSON object with known fields.
    Struct(StructDef),
    /// A JSON object tagged by one field, whose content field's shape depends on the tag
    /// (e.g. `{"MsgType": "TIMTextElem", "MsgContent": {...}}`).
    Union(UnionDef),
}

impl TypeDef {
    /// The type's name.
    pub fn name(&self) -> &str {
        match self {
            TypeDef::Struct(s) => &s.name,
            TypeDef::Union(u) => &u.name,
        }
    }
}

/// A JSON object type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StructDef {
    /// Rust type name (PascalCase).
    pub name: String,
    /// Documentation.
    pub doc: String,
    /// How the type was written into the spec (pages, peers, discrepancies): for
    /// maintainers, never generated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// What the project assumed about the whole type because no page states it (shown to
    /// users, like a field's `assumed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assumed: Option<String>,
    /// Fields in wire order.
    pub fields: Vec<Field>,
    /// Rules across several fields.
    #[serde(default)]
    pub rules: Vec<Rule>,
}

/// An adjacently tagged union.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnionDef {
    /// Rust type name (PascalCase).
    pub name: String,
    /// Documentation.
    pub doc: String,
    /// How the type was written into the spec: for maintainers, never generated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// JSON name of the tag field, e.g. `MsgType`.
    pub tag: String,
    /// JSON name of the content field, e.g. `MsgContent`.
    pub content: String,
    /// The variants.
    pub variants: Vec<Variant>,
}

/// One variant of a [`UnionDef`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    /// Rust variant name (PascalCase), e.g. `Text`.
    pub name: String,
    /// Tag value on the wire, e.g. `TIMTextElem`.
    pub tag: String,
    /// Named struct type of the content.
    #[serde(rename = "type")]
    pub ty: String,
    /// Documentation.
    pub doc: String,
}

/// The envelope fields every response and every callback answer declares (`api.json`'s
/// `envelope`, `callbacks.json`'s `answer`): status, code, message.
pub const ENVELOPE_FIELDS: [&str; 3] = ["ActionStatus", "ErrorCode", "ErrorInfo"];

/// One field of a struct, request, response or envelope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// Name on the wire, exactly as documented (`To_Account`, `FileName`).
    pub json: String,
    /// Rust field name; defaults to the snake_case of `json`.
    #[serde(default)]
    pub rust: Option<String>,
    /// Type (see [`TypeRef`]).
    #[serde(rename = "type")]
    pub ty: TypeRef,
    /// Whether the field must be present.
    pub required: bool,
    /// Documentation.
    pub doc: String,
    /// Documented limits, checked client-side before sending and by the emulator.
    #[serde(default)]
    pub limits: Vec<Limit>,
    /// How the field was written into the spec (sources, doc discrepancies, which peer
    /// modelled it): for maintainers, never in the generated docs.
    #[serde(default)]
    pub note: Option<String>,
    /// What the field holds in a value built with `Default` when it is not 0/empty:
    /// `"random"` (an unsigned integer field) draws a fresh random value, for keys such as
    /// `MsgRandom` where a repeated value makes the service drop the second call.
    #[serde(default)]
    pub default: Option<FieldDefault>,
    /// An integer field also decoded from a string holding the number: the docs disagree
    /// on its JSON type (a table says Integer, the samples send `"1670574414123"`). Encoded
    /// as a number.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub lenient: bool,
    /// What the project assumed about this field because its page does not state it (the
    /// field itself, its type or width, a limit): shown to users as an assumption, in the
    /// generated docs and the OpenAPI export (`x-assumed`). The field-level form of an
    /// endpoint's `assumptions`, for fields of named types too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assumed: Option<String>,
}

/// The default value of a field, when it is not the type's zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldDefault {
    /// A fresh random value per default-built struct (`u32` fields).
    Random,
}

impl Field {
    /// The Rust field name: `rust` if given, else the snake_case of `json`
    /// (`To_Account` -> `to_account`, `HuaWeiChannelID` -> `hua_wei_channel_id`).
    pub fn rust_name(&self) -> String {
        match &self.rust {
            Some(r) => r.clone(),
            None => self.json.to_snake_case(),
        }
    }
}

/// A documented limit on one field, with the code the service answers when it is broken.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Limit {
    /// What is limited.
    #[serde(flatten)]
    pub kind: LimitKind,
    /// Error code the service returns when the limit is broken, if documented.
    #[serde(default)]
    pub error: Option<i64>,
}

/// The kinds of limit a field can carry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LimitKind {
    /// Arrays and maps: at most `value` items/entries.
    MaxItems {
        /// The maximum.
        value: u64,
    },
    /// Arrays and maps: at least `value` items/entries.
    MinItems {
        /// The minimum.
        value: u64,
    },
    /// Strings: at most `value` UTF-8 bytes.
    MaxBytes {
        /// The maximum.
        value: u64,
    },
    /// Strings: at least `value` UTF-8 bytes.
    MinBytes {
        /// The minimum.
        value: u64,
    },
    /// Arrays of strings / maps to strings: each item or value at most `value` bytes.
    ItemMaxBytes {
        /// The maximum.
        value: u64,
    },
    /// Arrays of strings / maps to strings: each item or value at least `value` bytes.
    ItemMinBytes {
        /// The minimum.
        value: u64,
    },
    /// Arrays: no item appears twice.
    UniqueItems,
    /// Maps: each key at most `value` bytes.
    KeyMaxBytes {
        /// The maximum.
        value: u64,
    },
    /// Maps: each key at least `value` bytes.
    KeyMinBytes {
        /// The minimum.
        value: u64,
    },
    /// Maps: keys must be among `values`.
    AllowedKeys {
        /// The allowed keys.
        values: Vec<String>,
    },
    /// Integers: at most `value`.
    MaxValue {
        /// The maximum.
        value: i64,
    },
    /// Integers: at least `value`.
    MinValue {
        /// The minimum.
        value: i64,
    },
    /// Integers: one of `values`.
    AllowedValues {
        /// The allowed values.
        values: Vec<i64>,
    },
    /// Strings: one of `values`.
    AllowedStrings {
        /// The allowed values.
        values: Vec<String>,
    },
    /// Arrays of strings: each item one of `values` (getappinfo's `RequestField`).
    ItemAllowedStrings {
        /// The allowed items.
        values: Vec<String>,
    },
    /// Optional fields: present in a request. For a field the service may leave out of
    /// what it returns (messages sent by older client SDKs lack a voice element's `Url`)
    /// but a request must carry (the message-format page: "you need to enter the `Url`").
    Present,
}

impl LimitKind {
    /// The limit's `kind` as the spec writes it (`max_items`, `item_max_bytes`...).
    pub fn name(&self) -> &'static str {
        match self {
            LimitKind::MaxItems { .. } => "max_items",
            LimitKind::MinItems { .. } => "min_items",
            LimitKind::MaxBytes { .. } => "max_bytes",
            LimitKind::MinBytes { .. } => "min_bytes",
            LimitKind::ItemMaxBytes { .. } => "item_max_bytes",
            LimitKind::ItemMinBytes { .. } => "item_min_bytes",
            LimitKind::UniqueItems => "unique_items",
            LimitKind::KeyMaxBytes { .. } => "key_max_bytes",
            LimitKind::KeyMinBytes { .. } => "key_min_bytes",
            LimitKind::AllowedKeys { .. } => "allowed_keys",
            LimitKind::MaxValue { .. } => "max_value",
            LimitKind::MinValue { .. } => "min_value",
            LimitKind::AllowedValues { .. } => "allowed_values",
            LimitKind::AllowedStrings { .. } => "allowed_strings",
            LimitKind::ItemAllowedStrings { .. } => "item_allowed_strings",
            LimitKind::Present => "present",
        }
    }
}

/// A rule across several fields of one struct.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Rule {
    /// Fields of at most one group may be present (e.g. tag vs attribute conditions).
    Exclusive {
        /// Groups of JSON field names.
        groups: Vec<Vec<String>>,
        /// Error code when broken.
        #[serde(default)]
        error: Option<i64>,
    },
    /// Two array fields share no item (e.g. `TagsOr` and `TagsAnd`).
    Disjoint {
        /// JSON names of the two array fields.
        fields: Vec<String>,
        /// Error code when broken.
        #[serde(default)]
        error: Option<i64>,
    },
    /// At least one of the (optional) fields is present (setnospeaking: one of the two mute
    /// times, else 130008).
    AtLeastOne {
        /// JSON names of the fields.
        fields: Vec<String>,
        /// Error code when broken.
        #[serde(default)]
        error: Option<i64>,
    },
    /// When the condition holds, the (optional) fields `then` are present: set_key_values'
    /// `ExtensionList` when `OperateType` is 1 or 2; `OPPOCategory` when `OPPONotifyLevel` is
    /// given.
    Requires {
        /// The condition.
        #[serde(rename = "if")]
        when: Condition,
        /// JSON names of the fields that must then be present.
        then: Vec<String>,
        /// Error code when broken.
        #[serde(default)]
        error: Option<i64>,
    },
}

/// The condition of a `requires` rule: the field is present and, when `values` is given,
/// holds one of them (an integer field).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// JSON name of the field.
    pub field: String,
    /// The values that trigger the rule (absent: any value).
    #[serde(default)]
    pub values: Option<Vec<i64>>,
}

impl Rule {
    /// The code the service answers when the rule is broken, if documented.
    pub fn error(&self) -> Option<i64> {
        match self {
            Rule::Exclusive { error, .. }
            | Rule::Disjoint { error, .. }
            | Rule::AtLeastOne { error, .. }
            | Rule::Requires { error, .. } => *error,
        }
    }

    /// The rule's `kind` as the spec writes it.
    pub fn name(&self) -> &'static str {
        match self {
            Rule::Exclusive { .. } => "exclusive",
            Rule::Disjoint { .. } => "disjoint",
            Rule::AtLeastOne { .. } => "at_least_one",
            Rule::Requires { .. } => "requires",
        }
    }
}

/// A type expression: `string`, `bool`, `u8`..`u64`, `i32`, `i64`, `f64`, `json`,
/// `array<T>`, `map<T>` (string keys, kept in order), or a named type (PascalCase).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeRef {
    /// UTF-8 string.
    String,
    /// Boolean.
    Bool,
    /// Unsigned 8-bit integer.
    U8,
    /// Unsigned 16-bit integer.
    U16,
    /// Unsigned 32-bit integer.
    U32,
    /// Unsigned 64-bit integer.
    U64,
    /// Signed 32-bit integer.
    I32,
    /// Signed 64-bit integer.
    I64,
    /// 64-bit float.
    F64,
    /// Any JSON value.
    Json,
    /// JSON array.
    Array(Box<TypeRef>),
    /// JSON object with string keys and values of one type.
    Map(Box<TypeRef>),
    /// A named type from `spec/types.json`.
    Named(String),
}

impl TypeRef {
    /// Parses a type expression.
    pub fn parse(s: &str) -> Result<TypeRef, String> {
        let s = s.trim();
        let prim = match s {
            "string" => Some(TypeRef::String),
            "bool" => Some(TypeRef::Bool),
            "u8" => Some(TypeRef::U8),
            "u16" => Some(TypeRef::U16),
            "u32" => Some(TypeRef::U32),
            "u64" => Some(TypeRef::U64),
            "i32" => Some(TypeRef::I32),
            "i64" => Some(TypeRef::I64),
            "f64" => Some(TypeRef::F64),
            "json" => Some(TypeRef::Json),
            _ => None,
        };
        if let Some(p) = prim {
            return Ok(p);
        }
        for (prefix, wrap) in [
            ("array<", TypeRef::Array as fn(Box<TypeRef>) -> TypeRef),
            ("map<", TypeRef::Map),
        ] {
            if let Some(rest) = s.strip_prefix(prefix) {
                let inner = rest
                    .strip_suffix('>')
                    .ok_or_else(|| format!("type `{s}`: missing closing `>`"))?;
                return Ok(wrap(Box::new(TypeRef::parse(inner)?)));
            }
        }
        let mut chars = s.chars();
        match chars.next() {
            Some(c) if c.is_ascii_uppercase() && chars.all(|c| c.is_ascii_alphanumeric()) => {
                Ok(TypeRef::Named(s.to_owned()))
            }
            _ => Err(format!(
                "type `{s}` is neither a primitive (string, bool, u8, u16, u32, u64, i32, i64, f64, json), \
                 array<T>, map<T>, nor a PascalCase type name"
            )),
        }
    }

    /// The range of an integer primitive, `None` for other types.
    pub fn int_range(&self) -> Option<(i128, i128)> {
        Some(match self {
            TypeRef::U8 => (0, u8::MAX.into()),
            TypeRef::U16 => (0, u16::MAX.into()),
            TypeRef::U32 => (0, u32::MAX.into()),
            TypeRef::U64 => (0, u64::MAX.into()),
            TypeRef::I32 => (i32::MIN.into(), i32::MAX.into()),
            TypeRef::I64 => (i64::MIN.into(), i64::MAX.into()),
            _ => return None,
        })
    }

    /// Whether the type is one of the integer primitives.
    pub fn is_integer(&self) -> bool {
        matches!(
            self,
            TypeRef::U8 | TypeRef::U16 | TypeRef::U32 | TypeRef::U64 | TypeRef::I32 | TypeRef::I64
        )
    }
}

impl fmt::Display for TypeRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeRef::String => f.write_str("string"),
            TypeRef::Bool => f.write_str("bool"),
            TypeRef::U8 => f.write_str("u8"),
            TypeRef::U16 => f.write_str("u16"),
            TypeRef::U32 => f.write_str("u32"),
            TypeRef::U64 => f.write_str("u64"),
            TypeRef::I32 => f.write_str("i32"),
            TypeRef::I64 => f.write_str("i64"),
            TypeRef::F64 => f.write_str("f64"),
            TypeRef::Json => f.write_str("json"),
            TypeRef::Array(t) => write!(f, "array<{t}>"),
            TypeRef::Map(t) => write!(f, "map<{t}>"),
            TypeRef::Named(n) => f.write_str(n),
        }
    }
}

impl Serialize for TypeRef {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TypeRef {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        TypeRef::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Whether and how a call may be retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RetrySafety {
    /// Repeating the call has the same effect as making it once.
    Safe,
    /// Safe only when repeated with the same idempotency key field (e.g. `MsgRandom`).
    IdempotencyKey,
    /// Never retried automatically.
    Never,
}

/// The service's rate limits for one endpoint.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    /// Calls per second per app.
    #[serde(default)]
    pub per_second: Option<u32>,
    /// Minimum milliseconds between two calls (strictly more than this).
    #[serde(default)]
    pub min_interval_ms: Option<u32>,
    /// Calls per day per app (default quota).
    #[serde(default)]
    pub per_day: Option<u32>,
    /// Error code answered when a limit is broken.
    #[serde(default)]
    pub error: Option<i64>,
    /// Error code answered when the daily quota is used up.
    #[serde(default)]
    pub per_day_error: Option<i64>,
}

/// Which top-level array field lists accounts, for splitting bulk jobs into batches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Batch {
    /// JSON name of the top-level array field (`To_Account`, `UserTags`...).
    pub field: String,
    /// For arrays of objects: the JSON name of the account field inside each item.
    #[serde(default)]
    pub account: Option<String>,
    /// The response field that carries one result per account, when there is one.
    #[serde(default)]
    pub results: Option<BatchResults>,
    /// The response field that lists only the accounts the call failed for, each with its
    /// code (`ErrorList` with `To_Account` and `ErrorCode`): a listed account fails in a bulk
    /// job, the others succeeded. `code` is required.
    #[serde(default)]
    pub failures: Option<BatchResults>,
    /// An item whose array field is longer than one request allows is sent in parts.
    #[serde(default)]
    pub split: Option<BatchSplit>,
}

/// Where a batch endpoint's response lists its per-account results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchResults {
    /// JSON name of the top-level response array (`UserTags`).
    pub field: String,
    /// JSON name of the account field inside each result (`To_Account`).
    pub account: String,
    /// JSON name of the integer field holding each result's own code (`ResultCode`; 0 is
    /// success unless `success` says otherwise): any other value fails that account in a
    /// bulk job.
    #[serde(default)]
    pub code: Option<String>,
    /// JSON name of the string field explaining a failing code (`ResultInfo`).
    #[serde(default)]
    pub info: Option<String>,
    /// The values of `code` that mean success, when they are not just 0 (add_group_member's
    /// `Result`: 1 added, 2 already a member, 3 awaiting approval; 0 failed). Needs `code`;
    /// `results` only.
    #[serde(default)]
    pub success: Option<Vec<i64>>,
}

/// How a bulk job sends an item whose array field exceeds the per-request limit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchSplit {
    /// JSON name of the array field inside each item (`Tags`); its own `max_items` limit is
    /// the size of one part.
    pub field: String,
    /// The most items one account may hold in that field in total (an item with more is
    /// refused before sending).
    pub max_items: u64,
    /// The code the service answers past `max_items`.
    #[serde(default)]
    pub error: Option<i64>,
}

/// The body of a request or a response.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Message {
    /// Fields in wire order (the response envelope is added by the generator).
    #[serde(default)]
    pub fields: Vec<Field>,
    /// Rules across fields.
    #[serde(default)]
    pub rules: Vec<Rule>,
}

/// Where a sample comes from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SampleOrigin {
    /// Copied verbatim from the official page (the default).
    #[default]
    Doc,
    /// Written by the project (not on any page): a valid request that reaches fields and
    /// limits no doc sample does, so the limits tests cover them. Its `note` says why.
    Project,
}

/// A sample request/response pair copied verbatim from the official docs, or (marked
/// `"origin": "project"`) written by the project to reach what no doc sample reaches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sample {
    /// Short snake_case name, unique within the endpoint.
    pub name: String,
    /// Where it comes from.
    #[serde(default)]
    pub origin: SampleOrigin,
    /// Why a project sample exists (required for `"origin": "project"`).
    #[serde(default)]
    pub note: Option<String>,
    /// Sample request body, if the doc gives one.
    #[serde(default)]
    pub request: Option<Value>,
    /// Sample response body, if the doc gives one.
    #[serde(default)]
    pub response: Option<Value>,
}

/// One endpoint: `spec/services/{service}/endpoints/{command}.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    /// Service name in the path (`all_member_push`): the service folder's name, not in the
    /// file.
    #[serde(skip)]
    pub service: String,
    /// Command name in the path (`im_get_tag`).
    pub command: String,
    /// Method name on the service's client handle (`get_tag`); also names the request/response types
    /// (`GetTagRequest`, `GetTagResponse`).
    pub method: String,
    /// One-line summary.
    pub title: String,
    /// Documentation (Markdown).
    pub doc: String,
    /// The official page.
    pub doc_url: String,
    /// How the endpoint was written into the spec (sources, doc discrepancies, samples
    /// repaired): for maintainers, never in the generated docs.
    #[serde(default)]
    pub note: Option<String>,
    /// Rate limits.
    pub rate_limit: RateLimit,
    /// Retry safety.
    pub retry: RetrySafety,
    /// JSON name of the idempotency key field when `retry` is `idempotency_key`.
    #[serde(default)]
    pub idempotency_key: Option<String>,
    /// Account list to split for bulk jobs.
    #[serde(default)]
    pub batch: Option<Batch>,
    /// Error codes the endpoint's page documents (all must be in `errors.json`).
    pub errors: Vec<i64>,
    /// The endpoint's own query parameters, sent in the URL after the API-wide ones
    /// (`api.json` `query`), e.g. `GetIPList`'s `nettype`: fields (`json` is the parameter's
    /// name) of a string, bool or integer type, with their limits.
    #[serde(default)]
    pub query: Vec<Field>,
    /// Request body.
    pub request: Message,
    /// Response body (without the envelope).
    pub response: Message,
    /// Samples from the docs.
    #[serde(default)]
    pub samples: Vec<Sample>,
    /// Facts of this file the official page does not state, which the project assumed.
    #[serde(default)]
    pub assumptions: Vec<Assumption>,
}

/// A fact of an endpoint the official page does not state: the project's assumption, said
/// in the generated docs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assumption {
    /// What is assumed: `rate_limit.error`, `rate_limit.per_second`, `retry`, `errors.{code}`
    /// (a listed code the page's table lacks), `request.{Json}` / `response.{Json}` (a
    /// top-level field: its type, presence or limits) or `query.{name}` (an endpoint's own
    /// query parameter). Callback commands have their own `about` values
    /// ([`crate::Callback::assumptions`]).
    pub about: String,
    /// What was assumed and why (for users).
    pub doc: String,
}

impl Endpoint {
    /// `v4/{service}/{command}`.
    pub fn path(&self) -> String {
        format!("v4/{}/{}", self.service, self.command)
    }

    /// Name of the generated request type: `{Method}Request` (`GetTagRequest`).
    pub fn request_type(&self) -> String {
        format!("{}Request", self.method.to_upper_camel_case())
    }

    /// Name of the generated response type: `{Method}Response` (`GetTagResponse`).
    pub fn response_type(&self) -> String {
        format!("{}Response", self.method.to_upper_camel_case())
    }

    /// The endpoint's file, relative to `spec/`: `services/{service}/endpoints/{command}.json`.
    pub fn file(&self) -> String {
        format!("services/{}/endpoints/{}.json", self.service, self.command)
    }

    /// Name of the generated endpoint constant: the method in upper snake case (`GET_TAG`).
    pub fn constant(&self) -> String {
        self.method.to_shouty_snake_case()
    }
}
