//! im_push: checks in the order the service documents its codes, then pacing, quota and
//! `MsgRandom` deduplication, then recording the push with the known accounts it reaches.
//!
//! Order of checks (first failure answered):
//! 1. push-to-all not enabled ([`crate::Config::push_enabled`]): 90045;
//! 2. `MsgRandom` missing or not an integer in 0..=4294967295: 90005;
//! 3. `MsgLifeTime` not an integer: 90044; negative or over 604800: 90026;
//! 4. `MsgBody` missing or empty: 90002; not an array: 90007; an element that is not an
//!    object with a known `MsgType`, or a second `TIMCustomElem`: 90002; an element whose
//!    `MsgContent` does not have its type's shape: 90010;
//! 5. `OfflinePushInfo` without the documented shape: 90043;
//! 6. the rest of the generated request type and its limits (`Condition`: 90039 tags and
//!    attributes mixed, 90022 a tag in both lists, 90040 empty tag, 90020 tag over 50 bytes,
//!    90032 more than 10 tags, 90033 more than 10 attributes, 90030 attribute length);
//! 7. an attribute in the condition that is not an app attribute name: 90033;
//! 8. a `MsgRandom` already accepted within the dedup window: answered OK with that push's
//!    `TaskId`, nothing pushed, nothing counted;
//! 9. less than or exactly the minimum interval since the last accepted push: 90024;
//! 10. the day's quota used up (days start 00:00 UTC+8): 90047.
//!
//! `TaskId` has the doc's shape, four decimal parts joined by `_`:
//! `{sdkappid}_{2^57 + unix seconds}_{MsgRandom}_{sequence}`, e.g.
//! `1400123456_144115189775855872_4155518400_1`.

use std::collections::BTreeMap;

use serde_json::Value;
use tim_model::ErrorCode;
use tim_model::all_member_push::{PUSH, PushRequest, PushResponse};
use tim_model::common::{MsgElement, OfflinePushInfo};

use crate::call::Call;
use crate::reply::ApiError;
use crate::state::{Account, PushRecord, PushTarget, Store};

/// Longest `MsgLifeTime`: 7 days.
const MAX_LIFETIME: i64 = 604_800;

/// Steps 1 to 5: the checks on the raw body (an empty, non-JSON or non-object body is
/// refused before anything else).
pub(super) fn before_decode(call: &Call<'_>, body: &[u8]) -> Result<(), ApiError> {
    let body = call.value(body)?;
    if !call.svc.limits.push_enabled {
        return Err(ApiError::new(
            ErrorCode::PushNotEnabled,
            "push to all users is not enabled for this app",
        ));
    }
    precheck(&body)
}

/// Steps 6 to 10, on the decoded and validated request.
pub(super) fn push(call: &Call<'_>, req: PushRequest) -> Result<PushResponse, ApiError> {
    let (svc, now_ms) = (call.svc, call.now_ms);
    let request = serde_json::to_value(&req).unwrap_or(Value::Null);
    svc.with_store(|store| {
        let target = target_of(&req, store)?;
        let lim = &svc.limits;
        store
            .recent_randoms
            .retain(|_, (at, _)| now_ms.saturating_sub(*at) < lim.msg_random_window_ms);
        if let Some((_, i)) = store.recent_randoms.get(&req.msg_random) {
            let task_id = store.pushes[*i].task_id.clone();
            log::debug!(
                "tim-emulator: im_push MsgRandom {} repeated: same task",
                req.msg_random
            );
            return Ok(task_reply(task_id));
        }
        // Steps 9 and 10: the spec's interval and daily quota, with the configured values.
        call.svc.pace_locked(store, &PUSH, now_ms)?;
        let recipients = store
            .accounts
            .iter()
            .filter(|(_, a)| reaches(&target, a, store))
            .map(|(name, _)| name.clone())
            .collect();
        let seq = store.pushes.len() as u64 + 1;
        let task_id = format!(
            "{}_{}_{}_{}",
            svc.sdkappid,
            (1u64 << 57) + now_ms / 1000,
            req.msg_random,
            seq
        );
        store
            .recent_randoms
            .insert(req.msg_random, (now_ms, store.pushes.len()));
        store.pushes.push(PushRecord {
            task_id: task_id.clone(),
            msg_random: req.msg_random,
            from_account: req.from_account.clone(),
            msg_lifetime: req.msg_life_time.map_or(0, u64::from),
            target,
            recipients,
            at_ms: now_ms,
            request,
        });
        Ok(task_reply(task_id))
    })
}

fn task_reply(task_id: String) -> PushResponse {
    let mut resp = PushResponse::default();
    resp.task_id = Some(task_id);
    resp
}

/// The checks whose codes depend on the raw JSON (types and shapes).
fn precheck(body: &Value) -> Result<(), ApiError> {
    match body.get("MsgRandom") {
        Some(v) if v.as_u64().is_some_and(|n| n <= u64::from(u32::MAX)) => {}
        Some(v) => {
            return Err(ApiError::new(
                ErrorCode::InvalidMsgRandom,
                format!("MsgRandom must be an integer in 0..=4294967295, got {v}"),
            ));
        }
        None => {
            return Err(ApiError::new(
                ErrorCode::InvalidMsgRandom,
                "MsgRandom is missing",
            ));
        }
    }
    if let Some(v) = body.get("MsgLifeTime") {
        let n = v
            .as_i64()
            .or_else(|| v.as_u64().map(|_| i64::MAX))
            .ok_or_else(|| {
                ApiError::new(
                    ErrorCode::MsgLifeTimeNotInteger,
                    format!("MsgLifeTime must be an integer, got {v}"),
                )
            })?;
        if !(0..=MAX_LIFETIME).contains(&n) {
            return Err(ApiError::new(
                ErrorCode::InvalidMsgLifeTime,
                format!("MsgLifeTime must be in 0..={MAX_LIFETIME} seconds (7 days), got {v}"),
            ));
        }
    }
    let elements = match body.get("MsgBody") {
        None => {
            return Err(ApiError::new(
                ErrorCode::InvalidMsgBody,
                "MsgBody is missing",
            ));
        }
        Some(Value::Array(a)) if a.is_empty() => {
            return Err(ApiError::new(
                ErrorCode::InvalidMsgBody,
                "MsgBody must hold at least one element",
            ));
        }
        Some(Value::Array(a)) => a,
        Some(_) => {
            return Err(ApiError::new(
                ErrorCode::MsgBodyNotArray,
                "MsgBody must be an array",
            ));
        }
    };
    let mut custom = 0;
    for (i, el) in elements.iter().enumerate() {
        let msg_type = el.get("MsgType").and_then(Value::as_str).ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidMsgBody,
                format!("MsgBody[{i}] must be an object with a string MsgType"),
            )
        })?;
        if msg_type == "TIMCustomElem" {
            custom += 1;
            if custom > 1 {
                return Err(ApiError::new(
                    ErrorCode::InvalidMsgBody,
                    format!("MsgBody[{i}]: a message may hold only one TIMCustomElem"),
                ));
            }
        }
        if let Err(e) = serde_json::from_value::<MsgElement>(el.clone()) {
            let known = [
                "TIMTextElem",
                "TIMLocationElem",
                "TIMFaceElem",
                "TIMCustomElem",
                "TIMSoundElem",
                "TIMImageElem",
                "TIMFileElem",
                "TIMVideoFileElem",
            ];
            let code = if known.contains(&msg_type) {
                ErrorCode::InvalidMessageFormat
            } else {
                ErrorCode::InvalidMsgBody
            };
            return Err(ApiError::new(
                code,
                format!("MsgBody[{i}] ({msg_type}): {e}"),
            ));
        }
    }
    if let Some(info) = body.get("OfflinePushInfo")
        && let Err(e) = serde_json::from_value::<OfflinePushInfo>(info.clone())
    {
        return Err(ApiError::new(
            ErrorCode::InvalidOfflinePushInfo,
            format!("OfflinePushInfo: {e}"),
        ));
    }
    Ok(())
}

fn to_map<'a>(m: impl IntoIterator<Item = (&'a String, &'a String)>) -> BTreeMap<String, String> {
    m.into_iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// Whom the condition addresses; attribute names must be the app's.
fn target_of(req: &PushRequest, store: &Store) -> Result<PushTarget, ApiError> {
    let Some(c) = &req.condition else {
        return Ok(PushTarget::All);
    };
    let tags_or = c.tags_or.clone().unwrap_or_default();
    let tags_and = c.tags_and.clone().unwrap_or_default();
    let attrs_or = c
        .attrs_or
        .as_ref()
        .map(|m| to_map(m.iter()))
        .unwrap_or_default();
    let attrs_and = c
        .attrs_and
        .as_ref()
        .map(|m| to_map(m.iter()))
        .unwrap_or_default();
    for name in attrs_or.keys().chain(attrs_and.keys()) {
        if store.slot_of(name).is_none() {
            return Err(ApiError::new(
                ErrorCode::InvalidAttr,
                format!("Condition: attribute {name:?} is not one of the app's attribute names"),
            ));
        }
    }
    Ok(if !tags_or.is_empty() || !tags_and.is_empty() {
        PushTarget::Tags {
            or: tags_or,
            and: tags_and,
        }
    } else if !attrs_or.is_empty() || !attrs_and.is_empty() {
        PushTarget::Attrs {
            or: attrs_or,
            and: attrs_and,
        }
    } else {
        PushTarget::All
    })
}

/// Whether `target` reaches `account`: every non-empty list of the condition must match
/// (an OR list by any item, an AND list by all items).
fn reaches(target: &PushTarget, account: &Account, store: &Store) -> bool {
    match target {
        PushTarget::All => true,
        PushTarget::Tags { or, and } => {
            (or.is_empty() || or.iter().any(|t| account.tags.contains(t)))
                && and.iter().all(|t| account.tags.contains(t))
        }
        PushTarget::Attrs { or, and } => {
            let attrs = store.attrs_by_name(account);
            let has = |(k, v): (&String, &String)| attrs.get(k) == Some(v);
            (or.is_empty() || or.iter().any(has)) && and.iter().all(has)
        }
    }
}
