//! `im_open_login_svc/*` (module `account`): importing, checking, deleting accounts and
//! invalidating a login.
//!
//! An account exists once imported (here, or with [`Config::accounts`](crate::Config::accounts)),
//! or once another family gave it state (tags, attributes). Choices where the pages are
//! silent: importing an existing account keeps its tags and attributes and updates the
//! nickname and photo it is given (profile fields `Tag_Profile_IM_Nick` and
//! `Tag_Profile_IM_Image`); deleting an account that does not exist answers its item
//! with 70107 (the family's "UserID does not exist"), the others are deleted; `kick` of an
//! account that does not exist succeeds (there is no login to invalidate).

use tim_model::ErrorCode;
use tim_model::account::{
    AccountCheckRequest, AccountCheckResponse, AccountCheckResult, AccountDeleteRequest,
    AccountDeleteResponse, AccountDeleteResult, AccountImportRequest, AccountImportResponse,
    KickRequest, KickResponse, MultiAccountImportRequest, MultiAccountImportResponse,
};

use serde_json::Value;

use crate::call::Call;
use crate::reply::ApiError;
use crate::state::Store;

/// The profile tag of account_import's `Nick`.
pub(crate) const PROFILE_NICK: &str = "Tag_Profile_IM_Nick";
/// The profile tag of account_import's `FaceUrl`.
pub(crate) const PROFILE_IMAGE: &str = "Tag_Profile_IM_Image";

fn import(store: &mut Store, user_id: &str, nick: Option<&String>, face_url: Option<&String>) {
    let account = store.account_mut(user_id);
    if let Some(n) = nick {
        account
            .profile
            .insert(PROFILE_NICK.to_owned(), Value::String(n.clone()));
    }
    if let Some(f) = face_url {
        account
            .profile
            .insert(PROFILE_IMAGE.to_owned(), Value::String(f.clone()));
    }
}

pub(super) fn account_import(
    call: &Call<'_>,
    req: AccountImportRequest,
) -> Result<AccountImportResponse, ApiError> {
    call.svc.with_store(|store| {
        import(
            store,
            &req.user_id,
            req.nick.as_ref(),
            req.face_url.as_ref(),
        );
    });
    Ok(AccountImportResponse::default())
}

pub(super) fn multi_account_import(
    call: &Call<'_>,
    req: MultiAccountImportRequest,
) -> Result<MultiAccountImportResponse, ApiError> {
    call.svc.with_store(|store| {
        for id in req.accounts.iter().flatten() {
            import(store, id, None, None);
        }
        for item in req.account_list.iter().flatten() {
            import(
                store,
                &item.user_id,
                item.nick.as_ref(),
                item.face_url.as_ref(),
            );
        }
    });
    let mut resp = MultiAccountImportResponse::default();
    resp.fail_accounts = Some(Vec::new());
    Ok(resp)
}

pub(super) fn account_delete(
    call: &Call<'_>,
    req: AccountDeleteRequest,
) -> Result<AccountDeleteResponse, ApiError> {
    let results = call.svc.with_store(|store| {
        req.delete_item
            .into_iter()
            .map(|item| {
                let existed = store.accounts.remove(&item.user_id).is_some();
                let (code, info) = if existed {
                    (0, String::new())
                } else {
                    (
                        ErrorCode::UserIdNotFound.code(),
                        format!("account {:?} does not exist", item.user_id),
                    )
                };
                AccountDeleteResult::new(code, item.user_id).result_info(info)
            })
            .collect()
    });
    let mut resp = AccountDeleteResponse::default();
    resp.result_item = Some(results);
    Ok(resp)
}

pub(super) fn account_check(
    call: &Call<'_>,
    req: AccountCheckRequest,
) -> Result<AccountCheckResponse, ApiError> {
    let store = call.svc.state.lock();
    let results = req
        .check_item
        .into_iter()
        .map(|item| {
            let status = if store.accounts.contains_key(&item.user_id) {
                "Imported"
            } else {
                "NotImported"
            };
            AccountCheckResult::new(item.user_id, 0)
                .result_info("")
                .account_status(status)
        })
        .collect();
    let mut resp = AccountCheckResponse::default();
    resp.result_item = Some(results);
    Ok(resp)
}

pub(super) fn kick(_call: &Call<'_>, _req: KickRequest) -> Result<KickResponse, ApiError> {
    // Logins are not modelled: invalidating one always succeeds.
    Ok(KickResponse::default())
}
