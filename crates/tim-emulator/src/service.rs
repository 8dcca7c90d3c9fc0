//! The service behind the HTTP layer: routing a path to an endpoint, then for one call the
//! query-string checks, the per-second rate limit, body parsing and validation, and the
//! endpoint's handler. Nothing here knows about sockets, so faults live elsewhere.

use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use tim_client::Endpoint;
use tim_client::Validate;
use tim_usersig::Signer;

use crate::auth::Auth;
use crate::clock::Clock;
use crate::config::Config;
use crate::handlers;
use crate::reply::ApiError;
use crate::state::{EmulatorState, Store};

/// The code answered when a body breaks a limit the spec gives no code for, or does not
/// have the documented shape: the family's "JSON parse failure".
pub(crate) const BAD_BODY: i64 = 90001;

/// The commands the emulator implements (`v4/all_member_push/*`).
pub(crate) const IMPLEMENTED: [&str; 10] = [
    "im_push",
    "im_set_attr_name",
    "im_get_attr_name",
    "im_get_attr",
    "im_set_attr",
    "im_remove_attr",
    "im_get_tag",
    "im_add_tag",
    "im_remove_tag",
    "im_remove_all_tags",
];

/// Limits in force, resolved from the spec and the [`Config`] overrides.
#[derive(Debug, Clone)]
pub(crate) struct Limits {
    pub push_min_interval_ms: u64,
    pub daily_push_quota: u32,
    pub per_second_override: Option<u32>,
    pub rate_code_override: Option<i64>,
    pub msg_random_window_ms: u64,
    pub push_enabled: bool,
}

/// One emulated app.
#[derive(Debug)]
pub(crate) struct Service {
    pub sdkappid: u32,
    signer: Signer,
    admin: String,
    pub clock: Arc<dyn Clock>,
    pub limits: Limits,
    pub state: EmulatorState,
}

/// The endpoint metadata of `command`, from the spec.
pub(crate) fn endpoint(command: &str) -> Option<&'static Endpoint> {
    tim_client::endpoints::ALL
        .iter()
        .copied()
        .find(|e| e.command == command)
}

impl Service {
    pub fn new(config: &Config, state: EmulatorState) -> Service {
        let push = endpoint("im_push").map(|e| e.rate_limit);
        let ms = |d: std::time::Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        let limits = Limits {
            push_min_interval_ms: config
                .push_min_interval
                .map(ms)
                .unwrap_or_else(|| push.and_then(|r| r.min_interval_ms).map_or(1000, u64::from)),
            daily_push_quota: config
                .daily_push_quota
                .unwrap_or_else(|| push.and_then(|r| r.per_day).unwrap_or(100)),
            per_second_override: config.per_second_limit,
            rate_code_override: config.rate_limit_code,
            msg_random_window_ms: ms(config.msg_random_window),
            push_enabled: config.push_enabled,
        };
        state.import_accounts(config.accounts.iter().cloned());
        Service {
            sdkappid: config.sdkappid,
            signer: Signer::new(config.sdkappid, config.key.clone()),
            admin: config.admin.clone(),
            clock: config.clock.clone(),
            limits,
            state,
        }
    }

    /// The endpoint served at `path` (`/v4/{service}/{command}`), if the emulator has it.
    pub fn route(&self, path: &str) -> Option<&'static Endpoint> {
        let path = path.trim_start_matches('/');
        tim_client::endpoints::ALL
            .iter()
            .copied()
            .find(|e| e.path == path && IMPLEMENTED.contains(&e.command))
    }

    /// Serves one call to `ep`; returns the endpoint's response fields or the error.
    pub fn call(
        &self,
        ep: &'static Endpoint,
        query: &str,
        body: &[u8],
    ) -> Result<Map<String, Value>, ApiError> {
        let now_ms = self.clock.now_ms();
        Auth {
            sdkappid: self.sdkappid,
            signer: &self.signer,
            admin: &self.admin,
            now_secs: now_ms / 1000,
        }
        .check(query)?;
        self.admit(ep, now_ms)?;
        handlers::dispatch(self, ep, Body(body), now_ms)
    }

    /// The per-second rate limit: fixed windows of one clock second; refused calls do not
    /// use up the window.
    fn admit(&self, ep: &'static Endpoint, now_ms: u64) -> Result<(), ApiError> {
        let Some(spec_limit) = ep.rate_limit.per_second else {
            return Ok(());
        };
        let limit = self.limits.per_second_override.unwrap_or(spec_limit);
        let second = now_ms / 1000;
        let mut store = self.state.lock();
        let window = store.rate_windows.entry(ep.path).or_insert((second, 0));
        if window.0 != second {
            *window = (second, 0);
        }
        if window.1 >= limit {
            let code = self
                .limits
                .rate_code_override
                .or(ep.rate_limit.error)
                .unwrap_or(90024);
            return Err(ApiError::rate_limited(
                code,
                format!("{} is limited to {limit} calls per second", ep.command),
            ));
        }
        window.1 += 1;
        Ok(())
    }

    /// Runs `f` on the state under its lock.
    pub fn with_store<T>(&self, f: impl FnOnce(&mut Store) -> T) -> T {
        f(&mut self.state.lock())
    }
}

/// The body as JSON: it must be a JSON object (`{}` when there are no fields).
fn parse_json(body: &[u8]) -> Result<Value, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::new(
            BAD_BODY,
            "request body is empty; send {} when there are no fields",
        ));
    }
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::new(BAD_BODY, format!("request body is not valid JSON: {e}")))?;
    if !value.is_object() {
        return Err(ApiError::new(
            BAD_BODY,
            "request body must be a JSON object",
        ));
    }
    Ok(value)
}

/// A request body as received, not parsed yet. Every handler starts with
/// [`Body::decode`] or [`Body::value`], which answer the same errors for an empty, non-JSON
/// or non-object body.
#[derive(Clone, Copy)]
pub(crate) struct Body<'a>(pub(crate) &'a [u8]);

impl Body<'_> {
    /// The body as a JSON object.
    pub(crate) fn value(self) -> Result<Value, ApiError> {
        parse_json(self.0)
    }

    /// Decodes the body into the generated request type `T` and checks the spec's limits
    /// with its generated [`Validate`]: a broken limit is answered with the spec's code for
    /// it.
    ///
    /// A body that starts with `{` is parsed straight into `T` (one parse, no intermediate
    /// [`Value`]: a bulk call of 100 accounts is 100 fewer maps). When that fails, the body
    /// goes through [`Body::value`] and [`decode_value`], so every refusal is answered
    /// exactly as before: empty, not JSON, not an object, not the documented shape
    /// (duplicate keys, which a `Value` resolves to the last one, included).
    pub(crate) fn decode<T: DeserializeOwned + Validate>(self) -> Result<T, ApiError> {
        let starts_as_object = self
            .0
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|b| *b == b'{');
        let req = match serde_json::from_slice::<T>(self.0) {
            Ok(req) if starts_as_object => req,
            _ => return decode_value(self.value()?),
        };
        validated(req)
    }
}

/// Decodes `value` into the generated request type `T` and checks the spec's limits with
/// its generated [`Validate`]: a broken limit is answered with the spec's code for it.
pub(crate) fn decode_value<T: DeserializeOwned + Validate>(value: Value) -> Result<T, ApiError> {
    let req: T = serde_json::from_value(value).map_err(|e| {
        ApiError::new(
            BAD_BODY,
            format!("request body does not have the documented shape: {e}"),
        )
    })?;
    validated(req)
}

fn validated<T: Validate>(req: T) -> Result<T, ApiError> {
    req.validate().map_err(|v| {
        let info = format!("{}: must be {}, got {}", v.field, v.limit, v.value);
        ApiError::new(v.code.unwrap_or(BAD_BODY), info)
    })?;
    Ok(req)
}
