//! What a call answers: [`ApiError`] (a documented code and its text) and the response
//! envelope (`ActionStatus`, `ErrorCode`, `ErrorInfo`), always HTTP 200 with
//! `Content-Type: application/json` as the REST API documents.

use serde_json::{Map, Value, json};
use tim_model::ErrorCode;

/// A failed call: the code the service documents and a text naming what was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub code: ErrorCode,
    pub info: String,
    /// Refused by the per-second rate limit (counted apart in the call counters).
    pub rate_limited: bool,
}

impl ApiError {
    pub fn new(code: ErrorCode, info: impl Into<String>) -> Self {
        ApiError {
            code,
            info: info.into(),
            rate_limited: false,
        }
    }

    pub fn rate_limited(code: ErrorCode, info: impl Into<String>) -> Self {
        ApiError {
            rate_limited: true,
            ..ApiError::new(code, info)
        }
    }
}

/// The body of a successful call: the endpoint's fields (a typed response, encoded) with
/// the success envelope.
pub(crate) fn ok_body(mut fields: Map<String, Value>) -> Value {
    fields.insert("ActionStatus".into(), json!("OK"));
    fields.insert("ErrorInfo".into(), json!(""));
    fields.insert("ErrorCode".into(), json!(0));
    Value::Object(fields)
}

/// The body of a failed call.
pub(crate) fn fail_body(err: &ApiError) -> Value {
    json!({ "ActionStatus": "FAIL", "ErrorInfo": err.info, "ErrorCode": err.code.code() })
}
