//! What a call answers: [`ApiError`] (a documented code and its text) and the response
//! envelope (`ActionStatus`, `ErrorCode`, `ErrorInfo`), always HTTP 200 with
//! `Content-Type: application/json` as the REST API documents.

use serde_json::{Map, Value};
use tim_model::ErrorCode;
use tim_model::common::Envelope;

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

/// The generated envelope (`spec/api.json`) of an answer.
fn envelope(action_status: &str, error_code: i64, error_info: &str) -> Map<String, Value> {
    let mut env = Envelope::default();
    env.action_status = action_status.to_owned();
    env.error_code = error_code;
    env.error_info = Some(error_info.to_owned());
    match serde_json::to_value(env) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

/// The body of a successful call: the endpoint's fields (a typed response, encoded) with
/// the success envelope.
pub(crate) fn ok_body(mut fields: Map<String, Value>) -> Value {
    fields.extend(envelope("OK", 0, ""));
    Value::Object(fields)
}

/// The body of a failed call.
pub(crate) fn fail_body(err: &ApiError) -> Value {
    Value::Object(envelope("FAIL", err.code.code(), &err.info))
}
