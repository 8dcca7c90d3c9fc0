//! The shape of the error-code table and what [`ErrorCode`] answers from it.
//!
//! The rows live in the generated `errors` module (one [`ErrorDef`] per code of
//! `spec/errors.json`, sorted by code); this module reads them: one lookup
//! ([`ErrorCode::from_code`], a binary search), then every fact from the row.

use std::fmt;

use crate::ErrorCode;
use crate::generated::errors::ERRORS;

/// How a client may react to an error code (the spec's `retry` class).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RetryClass {
    /// Transient: back off and retry (if the endpoint is safe to retry).
    Retry,
    /// The UserSig expired: mint a new one and retry once.
    RenewUsersig,
    /// Retrying cannot help.
    Never,
}

/// Whether a code is about the whole call or about one item of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorScope {
    /// The call failed for a reason shared by all its items.
    Call,
    /// One item of a batch made the call fail; bulk jobs isolate it.
    Item,
}

/// A meaning a code has in some services only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ScopedMeaning {
    /// The services (path names) in which the code means this.
    pub services: &'static [&'static str],
    /// The official description there.
    pub description: &'static str,
    /// What to do there.
    pub hint: Option<&'static str>,
}

/// One row of the error-code table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ErrorDef {
    /// The numeric code.
    pub code: i64,
    /// The variant's name.
    pub name: &'static str,
    /// The official (English) description.
    pub description: &'static str,
    /// What the caller should do, when the docs say more than the description.
    pub hint: Option<&'static str>,
    /// How a client may react.
    pub retry: RetryClass,
    /// About the call or one item of a batch.
    pub scope: ErrorScope,
    /// Meanings in particular services that differ from `description`.
    pub scoped: &'static [ScopedMeaning],
}

impl ErrorCode {
    /// The variant for a numeric code; [`ErrorCode::Unknown`] when the spec does not know it.
    pub fn from_code(code: i64) -> ErrorCode {
        match ERRORS.binary_search_by_key(&code, |e| e.code) {
            Ok(i) => ErrorCode::ALL[i],
            Err(_) => ErrorCode::Unknown(code),
        }
    }

    /// The code's row of the table (`None` for codes not in the spec).
    pub fn def(&self) -> Option<&'static ErrorDef> {
        self.index().and_then(|i| ERRORS.get(i))
    }

    /// The whole table, sorted by code.
    pub fn table() -> &'static [ErrorDef] {
        ERRORS
    }

    /// The numeric code.
    pub fn code(&self) -> i64 {
        match (self, self.def()) {
            (ErrorCode::Unknown(code), _) => *code,
            (_, Some(def)) => def.code,
            (_, None) => 0,
        }
    }

    /// The variant's name (`"Unknown"` for codes not in the spec).
    pub fn name(&self) -> &'static str {
        self.def().map_or("Unknown", |d| d.name)
    }

    /// The official description, if the spec knows the code.
    pub fn description(&self) -> Option<&'static str> {
        self.def().map(|d| d.description)
    }

    /// The description of the code as answered by `service` (a path name such as
    /// `group_open_http_svc`): its meaning there when the docs give the code a different one
    /// in that family, else the general description.
    pub fn description_in(&self, service: &str) -> Option<&'static str> {
        let def = self.def()?;
        Some(
            def.scoped
                .iter()
                .find(|m| m.services.contains(&service))
                .map_or(def.description, |m| m.description),
        )
    }

    /// What the caller should do, when the docs say more than the description.
    pub fn hint(&self) -> Option<&'static str> {
        self.def().and_then(|d| d.hint)
    }

    /// How a client may react: retry, renew the UserSig, or give up. Unknown codes are
    /// never retried.
    pub fn retry_class(&self) -> RetryClass {
        self.def().map_or(RetryClass::Never, |d| d.retry)
    }

    /// Whether the code is about the whole call or one item of a batch (unknown codes: the
    /// call).
    pub fn scope(&self) -> ErrorScope {
        self.def().map_or(ErrorScope::Call, |d| d.scope)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.description() {
            Some(description) => write!(f, "{} {}: {description}", self.code(), self.name()),
            None => write!(f, "{} (an error code not in the spec)", self.code()),
        }
    }
}

impl From<i64> for ErrorCode {
    /// Same as [`ErrorCode::from_code`].
    fn from(code: i64) -> Self {
        Self::from_code(code)
    }
}
