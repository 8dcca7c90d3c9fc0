//! The service behind the HTTP layer: routing a path to an endpoint of the spec, then for
//! one call the query-string checks, the per-second rate limit, and the endpoint's behaviour
//! (generated dispatch: body decoding and validation, then the hand-written family or the
//! conformance default). Nothing here knows about sockets, so faults live elsewhere.

use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use tim_model::{Endpoint, ErrorCode, Validate};
use tim_usersig::Signer;

use crate::auth::Auth;
use crate::call::Call;
use crate::clock::Clock;
use crate::config::Config;
use crate::generated::Families;
use crate::handlers;
use crate::reply::ApiError;
use crate::state::{EmulatorState, Store};

/// China Standard Time, where the service's days (daily quotas) start.
pub(crate) const DAY_UTC_OFFSET_SECS: u64 = 8 * 3600;

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

impl Limits {
    /// The interval (ms) and daily quota of `ep`: the spec's `min_interval_ms` and `per_day`,
    /// except im_push's, which the [`Config`] may override (`push_min_interval`,
    /// `daily_push_quota`).
    pub fn pacing(&self, ep: &Endpoint) -> (Option<u64>, Option<u32>) {
        if ep.path == tim_model::all_member_push::PUSH.path {
            (Some(self.push_min_interval_ms), Some(self.daily_push_quota))
        } else {
            let rl = ep.rate_limit;
            (rl.min_interval_ms.map(u64::from), rl.per_day)
        }
    }
}

/// One emulated app.
pub(crate) struct Service {
    pub sdkappid: u32,
    signer: Signer,
    admin: String,
    pub clock: Arc<dyn Clock>,
    pub limits: Limits,
    pub state: EmulatorState,
    pub(crate) webhooks: crate::webhook::Webhooks,
    families: Families,
}

impl std::fmt::Debug for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Service")
            .field("sdkappid", &self.sdkappid)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl Service {
    pub fn new(config: &Config, state: EmulatorState) -> Service {
        let push = Some(tim_model::all_member_push::PUSH.rate_limit);
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
        let mut families = Families::default();
        if !config.conformance_only {
            handlers::install(&mut families);
        }
        Service {
            sdkappid: config.sdkappid,
            signer: Signer::new(config.sdkappid, config.key.clone()),
            admin: config.admin.clone(),
            clock: config.clock.clone(),
            limits,
            state,
            webhooks: crate::webhook::Webhooks::new(config.callbacks.clone()),
            families,
        }
    }

    /// The endpoint served at `path` (`/v4/{service}/{command}`): every endpoint of the spec.
    pub fn route(&self, path: &str) -> Option<&'static Endpoint> {
        let path = path.trim_start_matches('/');
        tim_model::endpoints::ALL
            .iter()
            .copied()
            .find(|e| e.path == path)
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
        let call = Call {
            svc: self,
            endpoint: ep,
            now_ms,
            query,
        };
        self.families.dispatch(&call, ep, body).unwrap_or_else(|| {
            Err(ApiError::new(
                ErrorCode::ResourceError,
                format!("{} is not served by the emulator", ep.path),
            ))
        })
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
                .map_or_else(|| ep.rate_limit_code(), ErrorCode::from_code);
            return Err(ApiError::rate_limited(
                code,
                format!("{} is limited to {limit} calls per second", ep.command),
            ));
        }
        window.1 += 1;
        Ok(())
    }

    /// The interval and daily limits of `ep` in force ([`Limits::pacing`]), on the state;
    /// see [`pace_in`].
    pub fn pace(&self, ep: &'static Endpoint, now_ms: u64) -> Result<(), ApiError> {
        self.pace_locked(&mut self.state.lock(), ep, now_ms)
    }

    /// [`Service::pace`] on a state the caller already holds locked.
    pub fn pace_locked(
        &self,
        store: &mut Store,
        ep: &'static Endpoint,
        now_ms: u64,
    ) -> Result<(), ApiError> {
        let (interval, per_day) = self.limits.pacing(ep);
        pace_in(store, ep, now_ms, interval, per_day)
    }

    /// The app admin's identifier (an account that always exists).
    pub fn admin(&self) -> &str {
        &self.admin
    }

    /// Runs `f` on the state under its lock.
    pub fn with_store<T>(&self, f: impl FnOnce(&mut Store) -> T) -> T {
        f(&mut self.state.lock())
    }
}

/// The interval and daily limits of `ep`, with the values in force (the spec's, or a
/// configured override): a call `min_interval_ms` or less after the last accepted one is
/// refused with the endpoint's rate-limit code, one past the day's quota (days start 00:00
/// UTC+8) with its daily code; an accepted call counts. Shared by the conformance default and
/// the hand-written families that pace (im_push), on the state they already hold locked.
fn pace_in(
    store: &mut Store,
    ep: &'static Endpoint,
    now_ms: u64,
    min_interval_ms: Option<u64>,
    per_day: Option<u32>,
) -> Result<(), ApiError> {
    if min_interval_ms.is_none() && per_day.is_none() {
        return Ok(());
    }
    let pacing = store.pacing.entry(ep.path).or_default();
    if let (Some(min), Some(last)) = (min_interval_ms, pacing.last_ms) {
        let since = now_ms.saturating_sub(last);
        if since <= min {
            return Err(ApiError::new(
                ep.rate_limit_code(),
                format!(
                    "{} calls must be more than {min} ms apart; the last was {since} ms ago",
                    ep.command
                ),
            ));
        }
    }
    let day = (now_ms / 1000 + DAY_UTC_OFFSET_SECS) / 86_400;
    if pacing.today.0 != day {
        pacing.today = (day, 0);
    }
    if let Some(quota) = per_day
        && pacing.today.1 >= quota
    {
        let code = ep
            .rate_limit
            .per_day_error
            .map_or_else(|| ep.rate_limit_code(), ErrorCode::from_code);
        return Err(ApiError::new(
            code,
            format!("the daily quota of {quota} {} calls is used up", ep.command),
        ));
    }
    pacing.today.1 += 1;
    pacing.last_ms = Some(now_ms);
    Ok(())
}

/// The body as JSON: it must be a JSON object (`{}` when there are no fields).
fn parse_json(body: &[u8], bad: ErrorCode) -> Result<Value, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::new(
            bad,
            "request body is empty; send {} when there are no fields",
        ));
    }
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::new(bad, format!("request body is not valid JSON: {e}")))?;
    if !value.is_object() {
        return Err(ApiError::new(bad, "request body must be a JSON object"));
    }
    Ok(value)
}

/// A request body as received, not parsed yet. [`Body::decode_with`] and [`Body::value`] answer
/// the same errors (with the family's bad-body code) for an empty, non-JSON or non-object
/// body.
#[derive(Clone, Copy)]
pub(crate) struct Body<'a>(pub(crate) &'a [u8]);

impl Body<'_> {
    /// The body as a JSON object.
    pub(crate) fn value(self, bad: ErrorCode) -> Result<Value, ApiError> {
        parse_json(self.0, bad)
    }

    /// Decodes the body into the generated request type `T`, runs `fill` on it (to read the
    /// endpoint's own query parameters into it; an error is answered with `bad`), and checks
    /// the spec's limits with its generated [`Validate`]: a broken limit is answered with the
    /// spec's code for it, or `bad` when the spec gives none.
    ///
    /// A body that starts with `{` is parsed straight into `T` (one parse, no intermediate
    /// [`Value`]: a bulk call of 100 accounts is 100 fewer maps). When that fails, the body
    /// goes through [`Body::value`] first, so every refusal is answered exactly as before:
    /// empty, not JSON, not an object, not the documented shape (duplicate keys, which a
    /// `Value` resolves to the last one, included).
    pub(crate) fn decode_with<T: DeserializeOwned + Validate>(
        self,
        bad: ErrorCode,
        fill: impl FnOnce(&mut T) -> Result<(), String>,
    ) -> Result<T, ApiError> {
        let starts_as_object = self
            .0
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|b| *b == b'{');
        let mut req = match serde_json::from_slice::<T>(self.0) {
            Ok(req) if starts_as_object => req,
            _ => {
                let value = self.value(bad)?;
                serde_json::from_value(value).map_err(|e| {
                    ApiError::new(
                        bad,
                        format!("request body does not have the documented shape: {e}"),
                    )
                })?
            }
        };
        fill(&mut req).map_err(|e| ApiError::new(bad, e))?;
        validated(req, bad)
    }
}

fn validated<T: Validate>(req: T, bad: ErrorCode) -> Result<T, ApiError> {
    req.validate().map_err(|v| {
        let info = format!("{}: must be {}, got {}", v.field, v.limit, v.value);
        ApiError::new(v.code.unwrap_or(bad), info)
    })?;
    Ok(req)
}
