//! [`Call`]: what a behaviour method knows about the call it answers (the emulated app,
//! the endpoint, the clock's time) and the generic steps every endpoint shares: decoding and
//! validating the body with the generated checks, encoding a typed response, and the
//! conformance default.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use tim_model::{Endpoint, ErrorCode, Request};

use crate::reply::ApiError;
use crate::service::{Body, Service};
use crate::state::Store;

/// One call being answered.
pub(crate) struct Call<'a> {
    /// The emulated app (state, clock, limits).
    pub(crate) svc: &'a Service,
    /// The endpoint called.
    pub(crate) endpoint: &'static Endpoint,
    /// The clock's time when the call arrived.
    pub(crate) now_ms: u64,
    /// The raw query string (already checked by the authentication step).
    pub(crate) query: &'a str,
}

impl Call<'_> {
    /// Checks that `account` (the request's `field`) exists: imported, or the app admin;
    /// otherwise the family's `code`, naming the field and the account.
    pub(crate) fn require_account(
        &self,
        store: &Store,
        account: &str,
        field: &str,
        code: ErrorCode,
    ) -> Result<(), ApiError> {
        if store.exists(account, self.svc.admin()) {
            Ok(())
        } else {
            Err(ApiError::new(
                code,
                format!("{field} {account:?} is not an imported account"),
            ))
        }
    }

    /// The code for a body that is not JSON or not the documented shape (the family's).
    pub(crate) fn bad_body(&self) -> ErrorCode {
        self.endpoint.bad_body_code()
    }

    /// Decodes `body` into the endpoint's request type, reads the endpoint's own query
    /// parameters (`nettype`...) into it, and checks its limits (a broken limit is answered
    /// with the spec's code for it).
    pub(crate) fn decode<T: Request>(&self, body: &[u8]) -> Result<T, ApiError> {
        let pairs: Vec<(&str, &str)> = self
            .query
            .split('&')
            .filter_map(|p| p.split_once('='))
            .collect();
        Body(body).decode_with(self.bad_body(), |req: &mut T| req.read_query_params(&pairs))
    }

    /// The body as a JSON object (for checks whose codes depend on the raw JSON).
    pub(crate) fn value(&self, body: &[u8]) -> Result<Value, ApiError> {
        Body(body).value(self.bad_body())
    }

    /// A typed response as the fields of the answer (the server adds the envelope).
    pub(crate) fn encode<R: Serialize>(
        &self,
        response: &R,
    ) -> Result<Map<String, Value>, ApiError> {
        match serde_json::to_value(response) {
            Ok(Value::Object(map)) => Ok(map),
            _ => Err(ApiError::new(
                ErrorCode::InternalError,
                format!(
                    "{}: the emulator could not encode its answer",
                    self.endpoint.path
                ),
            )),
        }
    }

    /// The conformance default of an endpoint without hand-written behaviour: the spec's
    /// interval and daily limits apply (the per-second one already did), then the answer is
    /// `sample` (the doc sample's response, or `{}`) decoded as the response type.
    pub(crate) fn conformance<R: DeserializeOwned>(&self, sample: &str) -> Result<R, ApiError> {
        self.svc.pace(self.endpoint, self.now_ms)?;
        serde_json::from_str(sample).map_err(|e| {
            ApiError::new(
                ErrorCode::InternalError,
                format!(
                    "{}: the spec's sample does not decode: {e}",
                    self.endpoint.path
                ),
            )
        })
    }
}
