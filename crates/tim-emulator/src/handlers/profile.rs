//! `profile/*`: users' standard (`Tag_Profile_IM_*`) and custom (`Tag_Profile_Custom_*`)
//! profile fields.
//!
//! portrait_set checks each field as the standard-fields page describes: an unknown
//! standard tag answers 40009, a value of the wrong JSON type 40610, a string over its
//! length 40601, a value outside a field's allowed values 40605; the account must exist
//! (40003). Choices where the pages are silent: any well-formed custom tag
//! (`Tag_Profile_Custom_` and 1 to 8 letters, digits or underscores) is accepted, as if the
//! console had registered it; portrait_get answers every requested tag, a field never set
//! as its empty value (`""`, or 0 for the integer fields); an account that does not exist
//! gets `ResultCode` 40003 and is listed in `Fail_Account`.

use serde_json::Value;
use tim_model::ErrorCode;
use tim_model::profile::{
    PortraitGetRequest, PortraitGetResponse, PortraitSetRequest, PortraitSetResponse, ProfileItem,
    UserProfileItem,
};

use crate::call::Call;
use crate::reply::ApiError;
use tim_model::callback::Payload as _;
use tim_model::callbacks::profile as profile_cb;

/// The JSON shape of a standard field's value.
enum Kind {
    /// A string of at most this many bytes, optionally from a fixed set.
    Text(usize, &'static [&'static str]),
    /// An unsigned 32-bit integer.
    Uint,
}

/// The standard profile fields (<https://intl.cloud.tencent.com/document/product/1047/33520>).
fn standard(tag: &str) -> Option<Kind> {
    Some(match tag {
        "Tag_Profile_IM_Nick" | "Tag_Profile_IM_SelfSignature" | "Tag_Profile_IM_Image" => {
            Kind::Text(500, &[])
        }
        "Tag_Profile_IM_Location" => Kind::Text(16, &[]),
        "Tag_Profile_IM_Gender" => Kind::Text(
            64,
            &[
                "Gender_Type_Unknown",
                "Gender_Type_Female",
                "Gender_Type_Male",
            ],
        ),
        "Tag_Profile_IM_AllowType" => Kind::Text(
            64,
            &[
                "AllowType_Type_NeedConfirm",
                "AllowType_Type_AllowAny",
                "AllowType_Type_DenyAny",
            ],
        ),
        "Tag_Profile_IM_AdminForbidType" => {
            Kind::Text(64, &["AdminForbid_Type_None", "AdminForbid_Type_SendOut"])
        }
        "Tag_Profile_IM_BirthDay"
        | "Tag_Profile_IM_Language"
        | "Tag_Profile_IM_Level"
        | "Tag_Profile_IM_Role" => Kind::Uint,
        _ => return None,
    })
}

const CUSTOM_PREFIX: &str = "Tag_Profile_Custom_";

fn custom(tag: &str) -> bool {
    tag.strip_prefix(CUSTOM_PREFIX).is_some_and(|k| {
        (1..=8).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    })
}

fn unknown_tag(tag: &str) -> ApiError {
    ApiError::new(
        ErrorCode::ProfileTagNotFound,
        format!("profile tag {tag:?} does not exist"),
    )
}

/// Checks one field to set.
fn check(item: &ProfileItem) -> Result<(), ApiError> {
    let tag = item.tag.as_str();
    let kind = match standard(tag) {
        Some(k) => k,
        None if custom(tag) => Kind::Text(500, &[]),
        None => return Err(unknown_tag(tag)),
    };
    match (kind, &item.value) {
        (Kind::Uint, Value::Number(n)) if n.as_u64().is_some_and(|v| v <= u64::from(u32::MAX)) => {
            Ok(())
        }
        (Kind::Text(max, allowed), Value::String(s)) => {
            if s.len() > max {
                Err(ApiError::new(
                    ErrorCode::ProfileValueTooLong,
                    format!("{tag}: {} bytes, at most {max}", s.len()),
                ))
            } else if !allowed.is_empty() && !allowed.contains(&s.as_str()) {
                Err(ApiError::new(
                    ErrorCode::ProfileInvalidStandardValue,
                    format!("{tag}: {s:?} is not one of {allowed:?}"),
                ))
            } else {
                Ok(())
            }
        }
        (Kind::Uint, _) => Err(ApiError::new(
            ErrorCode::ProfileValueTypeMismatch,
            format!("{tag}: the value must be an unsigned 32-bit integer"),
        )),
        (Kind::Text(..), _) => Err(ApiError::new(
            ErrorCode::ProfileValueTypeMismatch,
            format!("{tag}: the value must be a string"),
        )),
    }
}

pub(super) fn portrait_set(
    call: &Call<'_>,
    req: PortraitSetRequest,
) -> Result<PortraitSetResponse, ApiError> {
    req.profile_item.iter().try_for_each(check)?;
    let items: Vec<profile_cb::ProfileItem> = req
        .profile_item
        .iter()
        .map(|item| profile_cb::ProfileItem::new(&item.tag, item.value.clone()))
        .collect();
    call.svc.with_store(|store| {
        if !store.exists(&req.from_account, call.svc.admin()) {
            return Err(ApiError::new(
                ErrorCode::ProfileAccountNotFound,
                format!("account {:?} does not exist", req.from_account),
            ));
        }
        let account = store.account_mut(&req.from_account);
        for item in req.profile_item {
            account.profile.insert(item.tag, item.value);
        }
        Ok(())
    })?;
    call.after(&profile_cb::PortraitSet::new(
        profile_cb::PortraitSet::INFO.command,
        call.svc.admin(),
        &req.from_account,
        call.now_ms,
        items,
    ));
    Ok(PortraitSetResponse::default())
}

pub(super) fn portrait_get(
    call: &Call<'_>,
    req: PortraitGetRequest,
) -> Result<PortraitGetResponse, ApiError> {
    for tag in &req.tag_list {
        if standard(tag).is_none() && !custom(tag) {
            return Err(unknown_tag(tag));
        }
    }
    let store = call.svc.state.lock();
    let mut items = Vec::new();
    let mut failed = Vec::new();
    for user in req.to_account {
        let mut item = UserProfileItem::default();
        match store.accounts.get(&user) {
            Some(account) => {
                item.profile_item = Some(
                    req.tag_list
                        .iter()
                        .map(|tag| {
                            let mut p = ProfileItem::default();
                            p.tag = tag.clone();
                            p.value =
                                account.profile.get(tag).cloned().unwrap_or_else(
                                    || match standard(tag) {
                                        Some(Kind::Uint) => Value::from(0),
                                        _ => Value::String(String::new()),
                                    },
                                );
                            p
                        })
                        .collect(),
                );
                item.result_info = Some(String::new());
            }
            None => {
                item.result_code = ErrorCode::ProfileAccountNotFound.code();
                item.result_info = Some(format!("account {user:?} does not exist"));
                failed.push(user.clone());
            }
        }
        item.to_account = user;
        items.push(item);
    }
    let mut resp = PortraitGetResponse::default();
    resp.user_profile_item = Some(items);
    if !failed.is_empty() {
        resp.fail_account = Some(failed);
    }
    Ok(resp)
}
