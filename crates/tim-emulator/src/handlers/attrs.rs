//! im_set_attr_name, im_get_attr_name, im_get_attr, im_set_attr, im_remove_attr.
//!
//! The app has 10 attribute slots, "0".."9". im_set_attr_name sets the names of the slots it
//! lists and keeps the others. User values are stored per slot, so renaming a slot keeps
//! them under the new name. Names must stay unique across slots (a name used twice is
//! refused with 90033: conditions and user attributes refer to attributes by name). Setting
//! or removing a user attribute whose name no slot has is refused with 90033, as the docs
//! say to set attribute names first.

use std::collections::BTreeMap;

use tim_model::ErrorCode;
use tim_model::all_member_push::{
    GetAttrNameRequest, GetAttrNameResponse, GetAttrRequest, GetAttrResponse, RemoveAttrRequest,
    RemoveAttrResponse, SetAttrNameRequest, SetAttrNameResponse, SetAttrRequest, SetAttrResponse,
    UserAttrs,
};

use crate::call::Call;
use crate::reply::ApiError;
use crate::state::Store;

fn unknown_name(name: &str) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidAttr,
        format!(
            "attribute {name:?} is not one of the app's attribute names; set it with im_set_attr_name first"
        ),
    )
}

fn slot_of(store: &Store, name: &str) -> Result<u8, ApiError> {
    store.slot_of(name).ok_or_else(|| unknown_name(name))
}

pub(super) fn set_attr_name(
    call: &Call<'_>,
    req: SetAttrNameRequest,
) -> Result<SetAttrNameResponse, ApiError> {
    call.svc.with_store(|store| {
        let mut names = store.attr_names.clone();
        for (slot, name) in req.attr_names.iter() {
            let n = slot
                .parse::<u8>()
                .ok()
                .filter(|n| *n <= 9 && slot.len() == 1)
                .ok_or_else(|| {
                    ApiError::new(
                        call.bad_body(),
                        format!("AttrNames: keys must be \"0\"..\"9\", got {slot:?}"),
                    )
                })?;
            names.insert(n, name.clone());
        }
        let mut seen = BTreeMap::new();
        for (slot, name) in &names {
            if let Some(other) = seen.insert(name.as_str(), *slot) {
                return Err(ApiError::new(
                    ErrorCode::InvalidAttr,
                    format!("attribute name {name:?} would name both slot {other} and slot {slot}"),
                ));
            }
        }
        store.attr_names = names;
        Ok(SetAttrNameResponse::default())
    })
}

pub(super) fn get_attr_name(
    call: &Call<'_>,
    _: GetAttrNameRequest,
) -> Result<GetAttrNameResponse, ApiError> {
    let names = call
        .svc
        .state
        .lock()
        .attr_names
        .iter()
        .map(|(s, n)| (s.to_string(), n.clone()))
        .collect();
    let mut resp = GetAttrNameResponse::default();
    resp.attr_names = Some(names);
    Ok(resp)
}

pub(super) fn get_attr(call: &Call<'_>, req: GetAttrRequest) -> Result<GetAttrResponse, ApiError> {
    let store = call.svc.state.lock();
    let users = req
        .to_account
        .into_iter()
        .map(|a| {
            let attrs = store
                .accounts
                .get(&a)
                .map(|x| store.attrs_by_name(x))
                .unwrap_or_default();
            UserAttrs::new(a, attrs)
        })
        .collect();
    let mut resp = GetAttrResponse::default();
    resp.user_attrs = Some(users);
    Ok(resp)
}

pub(super) fn set_attr(call: &Call<'_>, req: SetAttrRequest) -> Result<SetAttrResponse, ApiError> {
    call.svc.with_store(|store| {
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
        Ok(SetAttrResponse::default())
    })
}

pub(super) fn remove_attr(
    call: &Call<'_>,
    req: RemoveAttrRequest,
) -> Result<RemoveAttrResponse, ApiError> {
    call.svc.with_store(|store| {
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
        Ok(RemoveAttrResponse::default())
    })
}
