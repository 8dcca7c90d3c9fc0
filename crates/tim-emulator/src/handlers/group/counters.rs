//! Group counters: get_group_counter, update_group_counter, delete_group_counter. The rules
//! and choices are in the module docs of [`super`].

use tim_model::ErrorCode;
use tim_model::group::{
    DeleteGroupCounterRequest, DeleteGroupCounterResponse, GetGroupCounterRequest,
    GetGroupCounterResponse, GroupCounterItem, UpdateGroupCounterRequest,
    UpdateGroupCounterResponse,
};

use super::{group_mut, invalid, refuse_types};
use crate::call::Call;
use crate::reply::ApiError;
use crate::state::Store;
use crate::state::group::{Group, GroupType};

/// Most counters a group holds.
const MAX_COUNTERS: usize = 20;
/// Longest counter key, in bytes.
const COUNTER_KEY_BYTES: usize = 128;

/// Checks a counter key: 1 to 128 bytes (10004).
fn check_counter_key(key: &str) -> Result<(), ApiError> {
    if key.is_empty() || key.len() > COUNTER_KEY_BYTES {
        return Err(invalid(format!(
            "counter key {key:?}: a key is 1 to {COUNTER_KEY_BYTES} bytes"
        )));
    }
    Ok(())
}

/// The group's counters, as answered.
fn counter_items<'a>(pairs: impl Iterator<Item = (&'a String, &'a i64)>) -> Vec<GroupCounterItem> {
    pairs
        .map(|(k, v)| GroupCounterItem::new(k.as_str(), *v))
        .collect()
}

/// The group `id`, whose type has counters (not communities, 10007).
fn counted_group<'a>(store: &'a mut Store, id: &str) -> Result<&'a mut Group, ApiError> {
    let g = group_mut(store, id)?;
    refuse_types(g, &[GroupType::Community], "group counters")?;
    Ok(g)
}

pub(crate) fn get_group_counter(
    call: &Call<'_>,
    req: GetGroupCounterRequest,
) -> Result<GetGroupCounterResponse, ApiError> {
    call.svc.with_store(|store| {
        let g = counted_group(store, &req.group_id)?;
        let list = match &req.group_counter_keys {
            None => counter_items(g.counters.iter()),
            Some(keys) => {
                for k in keys {
                    check_counter_key(k)?;
                }
                counter_items(g.counters.iter().filter(|(k, _)| keys.contains(k)))
            }
        };
        let mut resp = GetGroupCounterResponse::default();
        resp.group_counter = Some(list);
        Ok(resp)
    })
}

pub(crate) fn update_group_counter(
    call: &Call<'_>,
    req: UpdateGroupCounterRequest,
) -> Result<UpdateGroupCounterResponse, ApiError> {
    call.svc.with_store(|store| {
        let g = counted_group(store, &req.group_id)?;
        let mode = req.mode.as_deref().unwrap_or("Set");
        let mut counters = g.counters.clone();
        let mut updated: Vec<String> = Vec::new();
        for item in &req.group_counter {
            check_counter_key(&item.key)?;
            let current = counters.get(&item.key).copied().unwrap_or(0);
            let value = match mode {
                "Increase" => current.checked_add(item.value),
                "Decrease" => current.checked_sub(item.value),
                _ => Some(item.value),
            }
            .ok_or_else(|| {
                invalid(format!(
                    "counter {:?}: {current} {mode} {} leaves the 64-bit signed range",
                    item.key, item.value
                ))
            })?;
            counters.insert(item.key.clone(), value);
            if !updated.contains(&item.key) {
                updated.push(item.key.clone());
            }
        }
        if counters.len() > MAX_COUNTERS {
            return Err(ApiError::new(
                ErrorCode::TooManyGroupCounterKeys,
                format!(
                    "the group would hold {} counters, at most {MAX_COUNTERS}",
                    counters.len()
                ),
            ));
        }
        // Every check passed.
        let list = updated
            .iter()
            .filter_map(|k| counters.get_key_value(k))
            .map(|(k, v)| GroupCounterItem::new(k.as_str(), *v))
            .collect();
        g.counters = counters;
        let mut resp = UpdateGroupCounterResponse::default();
        resp.group_counter = Some(list);
        Ok(resp)
    })
}

pub(crate) fn delete_group_counter(
    call: &Call<'_>,
    req: DeleteGroupCounterRequest,
) -> Result<DeleteGroupCounterResponse, ApiError> {
    call.svc.with_store(|store| {
        let g = counted_group(store, &req.group_id)?;
        match &req.group_counter_keys {
            None => g.counters.clear(),
            Some(keys) => {
                for k in keys {
                    check_counter_key(k)?;
                }
                g.counters.retain(|k, _| !keys.contains(k));
            }
        }
        Ok(DeleteGroupCounterResponse::default())
    })
}
