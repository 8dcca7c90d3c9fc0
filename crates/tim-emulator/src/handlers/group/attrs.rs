//! Custom group attributes: get_group_attr, modify_group_attr, set_group_attr,
//! clear_group_attr, delete_group_attr. The rules and choices are in the module docs of
//! [`super`].

use std::collections::BTreeMap;

use tim_model::ErrorCode;
use tim_model::callback::Payload as _;
use tim_model::callbacks::group as group_cb;
use tim_model::group::{
    ClearGroupAttrRequest, ClearGroupAttrResponse, DeleteGroupAttrRequest, DeleteGroupAttrResponse,
    GroupAttrItem, ModifyGroupAttrRequest, ModifyGroupAttrResponse, SetGroupAttrRequest,
    SetGroupAttrResponse,
};
use tim_model::group_attr::{self, GetGroupAttrRequest, GetGroupAttrResponse};

use super::{group, group_mut, invalid, refuse_types};
use crate::call::Call;
use crate::reply::ApiError;
use crate::state::group::{Group, GroupType};

/// Most attributes a group holds.
const MAX_ATTRS: usize = 16;
/// Longest attribute key, in bytes.
const ATTR_KEY_BYTES: usize = 32;
/// Longest attribute value, in bytes.
const ATTR_VALUE_BYTES: usize = 4_000;
/// Most bytes of all of a group's attribute values together.
const ATTR_TOTAL_BYTES: usize = 16_000;
/// Attribute writes per group per second.
const ATTR_WRITES_PER_SEC: u32 = 5;

/// Checks one attribute key: 1 to 32 bytes (10004 empty, 10045 too long).
fn check_attr_key(key: &str) -> Result<(), ApiError> {
    if key.is_empty() {
        return Err(invalid("an attribute key is empty"));
    }
    if key.len() > ATTR_KEY_BYTES {
        return Err(ApiError::new(
            ErrorCode::GroupAttrKeyTooLong,
            format!(
                "attribute key {key:?} has {} bytes, at most {ATTR_KEY_BYTES}",
                key.len()
            ),
        ));
    }
    Ok(())
}

/// Checks the attributes a group would hold after a write: at most 16 (10047), each value
/// at most 4,000 bytes (10046), 16,000 bytes of values in all (10048).
fn check_attrs(attrs: &BTreeMap<String, String>) -> Result<(), ApiError> {
    if let Some((key, value)) = attrs.iter().find(|(_, v)| v.len() > ATTR_VALUE_BYTES) {
        return Err(ApiError::new(
            ErrorCode::GroupAttrValueTooLong,
            format!(
                "attribute {key:?}: the value has {} bytes, at most {ATTR_VALUE_BYTES}",
                value.len()
            ),
        ));
    }
    if attrs.len() > MAX_ATTRS {
        return Err(ApiError::new(
            ErrorCode::TooManyGroupAttrKeys,
            format!(
                "the group would hold {} attributes, at most {MAX_ATTRS}",
                attrs.len()
            ),
        ));
    }
    let total: usize = attrs.values().map(String::len).sum();
    if total > ATTR_TOTAL_BYTES {
        return Err(ApiError::new(
            ErrorCode::GroupAttrValuesTooLarge,
            format!(
                "the group's attribute values would total {total} bytes, at most {ATTR_TOTAL_BYTES}"
            ),
        ));
    }
    Ok(())
}

/// The write-rate check of a group's attributes (5 writes per clock second, 10049); the
/// write is counted by [`count_attr_write`] once every other check passed.
fn check_attr_rate(g: &Group, now_ms: u64) -> Result<(), ApiError> {
    let (second, writes) = g.attr_writes;
    if second == now_ms / 1000 && writes >= ATTR_WRITES_PER_SEC {
        return Err(ApiError::new(
            ErrorCode::GroupAttrWriteRateLimited,
            format!(
                "group {:?}: its attributes are written at most {ATTR_WRITES_PER_SEC} times per second",
                g.id
            ),
        ));
    }
    Ok(())
}

fn count_attr_write(g: &mut Group, now_ms: u64) {
    let second = now_ms / 1000;
    g.attr_writes = if g.attr_writes.0 == second {
        (second, g.attr_writes.1 + 1)
    } else {
        (second, 1)
    };
}

/// Runs an attribute write on `group_id`: the group exists, its type allows `what`
/// (`refused`: the types that do not), the write rate; `change` computes the new attributes
/// (its checks included) from the current ones; they are checked and stored. Then
/// `Group.CallbackAfterGroupAttrChanged` is sent with `option` (`set`, `modify`, `clear`,
/// `delete`) and the attributes `concerned` picks from the former ones (`None`: no
/// `GroupAttr`).
fn write_attrs(
    call: &Call<'_>,
    group_id: &str,
    refused: &[GroupType],
    what: &str,
    option: &str,
    change: impl FnOnce(&BTreeMap<String, String>) -> Result<BTreeMap<String, String>, ApiError>,
    concerned: impl FnOnce(&BTreeMap<String, String>) -> Option<Vec<group_cb::GroupAttrEntry>>,
) -> Result<(), ApiError> {
    let (kind, former) = call.svc.with_store(|store| {
        let g = group_mut(store, group_id)?;
        refuse_types(g, refused, what)?;
        check_attr_rate(g, call.now_ms)?;
        let attrs = change(&g.attrs)?;
        check_attrs(&attrs)?;
        // Every check passed.
        let former = std::mem::replace(&mut g.attrs, attrs);
        count_attr_write(g, call.now_ms);
        Ok::<_, ApiError>((g.kind, former))
    })?;
    // REST calls carry no operator: the app admin's.
    let mut changed = group_cb::AfterGroupAttrChanged::new(
        group_cb::AfterGroupAttrChanged::INFO.command,
        group_id,
        kind.as_str(),
        call.svc.admin(),
    )
    .option_type(option)
    .event_time(call.now_ms);
    changed.group_attr = concerned(&former);
    call.after(&changed);
    Ok(())
}

/// The given items as the callback's entries (in the request's order).
fn entries(items: &[GroupAttrItem]) -> Option<Vec<group_cb::GroupAttrEntry>> {
    Some(
        items
            .iter()
            .map(|i| group_cb::GroupAttrEntry::new(&i.key, &i.value))
            .collect(),
    )
}

pub(crate) fn get_group_attr(
    call: &Call<'_>,
    req: GetGroupAttrRequest,
) -> Result<GetGroupAttrResponse, ApiError> {
    let store = call.svc.state.lock();
    let g = group(&store, &req.group_id)?;
    let mut resp = GetGroupAttrResponse::default();
    resp.group_attr_ary = Some(
        g.attrs
            .iter()
            .map(|(k, v)| group_attr::GroupAttrItem::new(k.as_str(), v.as_str()))
            .collect(),
    );
    Ok(resp)
}

/// The given items merged into `current` (a later item wins over an earlier one).
fn merged(
    current: &BTreeMap<String, String>,
    items: &[GroupAttrItem],
) -> Result<BTreeMap<String, String>, ApiError> {
    let mut attrs = current.clone();
    for item in items {
        check_attr_key(&item.key)?;
        attrs.insert(item.key.clone(), item.value.clone());
    }
    Ok(attrs)
}

pub(crate) fn modify_group_attr(
    call: &Call<'_>,
    req: ModifyGroupAttrRequest,
) -> Result<ModifyGroupAttrResponse, ApiError> {
    write_attrs(
        call,
        &req.group_id,
        &[],
        "custom attributes",
        "modify",
        |current| merged(current, &req.group_attr),
        |_| entries(&req.group_attr),
    )?;
    Ok(ModifyGroupAttrResponse::default())
}

pub(crate) fn set_group_attr(
    call: &Call<'_>,
    req: SetGroupAttrRequest,
) -> Result<SetGroupAttrResponse, ApiError> {
    write_attrs(
        call,
        &req.group_id,
        &[],
        "custom attributes",
        "set",
        |_| merged(&BTreeMap::new(), &req.group_attr),
        |_| entries(&req.group_attr),
    )?;
    Ok(SetGroupAttrResponse::default())
}

pub(crate) fn clear_group_attr(
    call: &Call<'_>,
    req: ClearGroupAttrRequest,
) -> Result<ClearGroupAttrResponse, ApiError> {
    write_attrs(
        call,
        &req.group_id,
        &[GroupType::Community],
        "clearing custom attributes",
        "clear",
        |_| Ok(BTreeMap::new()),
        // The page's samples show a `set` only: after a clear, no `GroupAttr`.
        |_| None,
    )?;
    Ok(ClearGroupAttrResponse::default())
}

pub(crate) fn delete_group_attr(
    call: &Call<'_>,
    req: DeleteGroupAttrRequest,
) -> Result<DeleteGroupAttrResponse, ApiError> {
    write_attrs(
        call,
        &req.group_id,
        &[],
        "custom attributes",
        "delete",
        |current| {
            let mut attrs = current.clone();
            for item in &req.group_attr {
                check_attr_key(&item.key)?;
                if !current.contains_key(&item.key) {
                    return Err(ApiError::new(
                        ErrorCode::GroupAttrNotFound,
                        format!("the group has no attribute {:?}", item.key),
                    ));
                }
                attrs.remove(&item.key);
            }
            Ok(attrs)
        },
        // The deleted attributes, with the values they had (the page does not say).
        |former| {
            let mut named = std::collections::BTreeSet::new();
            Some(
                req.group_attr
                    .iter()
                    .filter(|item| named.insert(item.key.as_str()))
                    .filter_map(|item| {
                        former
                            .get(&item.key)
                            .map(|v| group_cb::GroupAttrEntry::new(&item.key, v))
                    })
                    .collect(),
            )
        },
    )?;
    Ok(DeleteGroupAttrResponse::default())
}
