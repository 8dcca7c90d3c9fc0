//! im_set_attr_name, im_get_attr_name, im_get_attr, im_set_attr, im_remove_attr.
//!
//! The app has 10 attribute slots, "0".."9". im_set_attr_name sets the names of the slots it
//! lists and keeps the others. User values are stored per slot, so renaming a slot keeps
//! them under the new name. Names must stay unique across slots (a name used twice is
//! refused with 90033: conditions and user attributes refer to attributes by name). Setting
//! or removing a user attribute whose name no slot has is refused with 90033, as the docs
//! say to set attribute names first.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::wire::{
    GetAttrNameRequest, GetAttrRequest, RemoveAttrRequest, SetAttrNameRequest, SetAttrRequest,
};
use crate::reply::ApiError;
use crate::service::{BAD_BODY, Body, Service};
use crate::state::Store;

fn unknown_name(name: &str) -> ApiError {
    ApiError::new(
        90033,
        format!(
            "attribute {name:?} is not one of the app's attribute names; set it with im_set_attr_name first"
        ),
    )
}

fn slot_of(store: &Store, name: &str) -> Result<u8, ApiError> {
    store.slot_of(name).ok_or_else(|| unknown_name(name))
}

pub(super) fn set_attr_name(svc: &Service, body: Body<'_>) -> Result<Map<String, Value>, ApiError> {
    let req: SetAttrNameRequest = body.decode()?;
    svc.with_store(|store| {
        let mut names = store.attr_names.clone();
        for (slot, name) in req.attr_names.iter() {
            let n = slot
                .parse::<u8>()
                .ok()
                .filter(|n| *n <= 9 && slot.len() == 1)
                .ok_or_else(|| {
                    ApiError::new(
                        BAD_BODY,
                        format!("AttrNames: keys must be \"0\"..\"9\", got {slot:?}"),
                    )
                })?;
            names.insert(n, name.clone());
        }
        let mut seen = BTreeMap::new();
        for (slot, name) in &names {
            if let Some(other) = seen.insert(name.as_str(), *slot) {
                return Err(ApiError::new(
                    90033,
                    format!("attribute name {name:?} would name both slot {other} and slot {slot}"),
                ));
            }
        }
        store.attr_names = names;
        Ok(Map::new())
    })
}

pub(super) fn get_attr_name(svc: &Service, body: Body<'_>) -> Result<Map<String, Value>, ApiError> {
    let _: GetAttrNameRequest = body.decode()?;
    let names: Map<String, Value> = svc
        .state
        .lock()
        .attr_names
        .iter()
        .map(|(s, n)| (s.to_string(), json!(n)))
        .collect();
    Ok(Map::from_iter([(
        "AttrNames".to_owned(),
        Value::Object(names),
    )]))
}

pub(super) fn get_attr(svc: &Service, body: Body<'_>) -> Result<Map<String, Value>, ApiError> {
    let req: GetAttrRequest = body.decode()?;
    let store = svc.state.lock();
    let users: Vec<Value> = req
        .to_account
        .iter()
        .map(|a| {
            let attrs = store
                .accounts
                .get(a)
                .map(|x| store.attrs_by_name(x))
                .unwrap_or_default();
            json!({ "To_Account": a, "Attrs": attrs })
        })
        .collect();
    Ok(Map::from_iter([(
        "UserAttrs".to_owned(),
        Value::Array(users),
    )]))
}

pub(super) fn set_attr(svc: &Service, body: Body<'_>) -> Result<Map<String, Value>, ApiError> {
    let req: SetAttrRequest = body.decode()?;
    svc.with_store(|store| {
        let mut changes = Vec::new();
        for item in &req.user_attrs {
            for (name, value) in item.attrs.iter() {
                changes.push((
                    item.to_account.as_str(),
                    slot_of(store, name)?,
                    value.clone(),
                ));
            }
        }
        for item in &req.user_attrs {
            store.account_mut(&item.to_account);
        }
        for (account, slot, value) in changes {
            store.account_mut(account).attrs.insert(slot, value);
        }
        Ok(Map::new())
    })
}

pub(super) fn remove_attr(svc: &Service, body: Body<'_>) -> Result<Map<String, Value>, ApiError> {
    let req: RemoveAttrRequest = body.decode()?;
    svc.with_store(|store| {
        let mut changes = Vec::new();
        for item in &req.user_attrs {
            for name in &item.attrs {
                changes.push((item.to_account.as_str(), slot_of(store, name)?));
            }
        }
        for (account, slot) in changes {
            if let Some(a) = store.accounts.get_mut(account) {
                a.attrs.remove(&slot);
            }
        }
        Ok(Map::new())
    })
}
