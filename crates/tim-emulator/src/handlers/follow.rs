//! `follow/*`: who follows whom.
//!
//! Each account keeps the accounts it follows with the time it followed them; followers
//! and mutual follows are derived. `From_Account` must exist (30003); every other account
//! gets its own result item. A user follows at most 5,000 users (32100 past it). Choices
//! where the pages are silent: following an account already followed, or unfollowing one
//! not followed, succeeds (the relation is what was asked); an account that does not exist
//! fails its item with 30003; follow_get lists accounts in UserID order, `NextCursor` is
//! the position to continue from as a decimal string (empty once complete), and each
//! entry's `ProfileItem` holds the account's `Tag_Profile_IM_Nick` and
//! `Tag_Profile_IM_Image` when set.

use serde_json::Value;
use tim_model::ErrorCode;
use tim_model::follow::{
    FollowAddRequest, FollowAddResponse, FollowCheckItem, FollowCheckRequest, FollowCheckResponse,
    FollowCountItem, FollowDeleteRequest, FollowDeleteResponse, FollowGetInfoRequest,
    FollowGetInfoResponse, FollowGetRequest, FollowGetResponse, FollowListItem, FollowProfileItem,
    FollowResultItem,
};

use crate::call::Call;
use crate::reply::ApiError;
use crate::state::Store;
use tim_model::callback::Payload as _;
use tim_model::callbacks::follow as follow_cb;

const MAX_FOLLOWING: usize = 5000;

fn follows(store: &Store, a: &str, b: &str) -> bool {
    store
        .accounts
        .get(a)
        .is_some_and(|acc| acc.following.contains_key(b))
}

fn result(account: &str, outcome: Result<(), (ErrorCode, String)>) -> FollowResultItem {
    let mut r = FollowResultItem::default();
    r.to_account = account.to_owned();
    match outcome {
        Ok(()) => r.result_info = Some(String::new()),
        Err((code, info)) => {
            r.result_code = code.code();
            r.result_info = Some(info);
        }
    }
    r
}

fn missing(account: &str) -> (ErrorCode, String) {
    (
        ErrorCode::SnsAccountNotFound,
        format!("account {account:?} does not exist"),
    )
}

pub(super) fn follow_add(
    call: &Call<'_>,
    req: FollowAddRequest,
) -> Result<FollowAddResponse, ApiError> {
    let now = call.now_ms / 1000;
    let mut followed = Vec::new();
    let resp = call.svc.with_store(|store| {
        call.require_account(
            store,
            &req.from_account,
            "From_Account",
            ErrorCode::SnsAccountNotFound,
        )?;
        let from = req.from_account.as_str();
        let items = req
            .follow_item
            .iter()
            .map(|item| {
                let to = item.to_account.as_str();
                let outcome = if !store.exists(to, call.svc.admin()) {
                    Err(missing(to))
                } else if follows(store, from, to) {
                    Ok(())
                } else if store.account_mut(from).following.len() >= MAX_FOLLOWING {
                    Err((
                        ErrorCode::FollowingCountLimit,
                        format!("{from:?} already follows {MAX_FOLLOWING} users"),
                    ))
                } else {
                    store.account_mut(from).following.insert(to.to_owned(), now);
                    followed.push(follow_cb::FollowItem::new(to));
                    Ok(())
                };
                result(to, outcome)
            })
            .collect();
        let mut resp = FollowAddResponse::default();
        resp.result_item = Some(items);
        Ok::<_, ApiError>(resp)
    })?;
    if !followed.is_empty() {
        call.after(&follow_cb::AfterFollowAdd::new(
            follow_cb::AfterFollowAdd::INFO.command,
            &req.from_account,
            followed,
            call.now_ms,
        ));
    }
    Ok(resp)
}

pub(super) fn follow_delete(
    call: &Call<'_>,
    req: FollowDeleteRequest,
) -> Result<FollowDeleteResponse, ApiError> {
    let mut unfollowed = Vec::new();
    let resp = call.svc.with_store(|store| {
        call.require_account(
            store,
            &req.from_account,
            "From_Account",
            ErrorCode::SnsAccountNotFound,
        )?;
        let from = req.from_account.as_str();
        let items = req
            .to_account
            .iter()
            .map(|to| {
                let outcome = if store.exists(to, call.svc.admin()) {
                    if store
                        .accounts
                        .get_mut(from)
                        .is_some_and(|a| a.following.remove(to).is_some())
                    {
                        unfollowed.push(to.clone());
                    }
                    Ok(())
                } else {
                    Err(missing(to))
                };
                result(to, outcome)
            })
            .collect();
        let mut resp = FollowDeleteResponse::default();
        resp.result_item = Some(items);
        Ok::<_, ApiError>(resp)
    })?;
    if !unfollowed.is_empty() {
        call.after(&follow_cb::AfterFollowDelete::new(
            follow_cb::AfterFollowDelete::INFO.command,
            &req.from_account,
            unfollowed,
            call.now_ms,
        ));
    }
    Ok(resp)
}

pub(super) fn follow_check(
    call: &Call<'_>,
    req: FollowCheckRequest,
) -> Result<FollowCheckResponse, ApiError> {
    let store = call.svc.state.lock();
    call.require_account(
        &store,
        &req.from_account,
        "From_Account",
        ErrorCode::SnsAccountNotFound,
    )?;
    let from = req.from_account.as_str();
    let items = req
        .to_account
        .iter()
        .map(|to| {
            let mut item = FollowCheckItem::default();
            item.to_account = to.clone();
            if store.exists(to, call.svc.admin()) {
                let t = match (follows(&store, from, to), follows(&store, to, from)) {
                    (false, false) => 0,
                    (false, true) => 1,
                    (true, false) => 2,
                    (true, true) => 3,
                };
                item.follow_type = Some(t);
                item.result_info = Some(String::new());
            } else {
                let (code, info) = missing(to);
                item.result_code = code.code();
                item.result_info = Some(info);
            }
            item
        })
        .collect();
    let mut resp = FollowCheckResponse::default();
    resp.result_item = Some(items);
    Ok(resp)
}

/// Followers, followings and mutual follows of `account`, each sorted, with the time.
fn lists(store: &Store, account: &str) -> [Vec<(String, u64)>; 3] {
    let followers: Vec<(String, u64)> = store
        .accounts
        .iter()
        .filter_map(|(id, a)| a.following.get(account).map(|t| (id.clone(), *t)))
        .collect();
    let following: Vec<(String, u64)> = store
        .accounts
        .get(account)
        .map(|a| a.following.iter().map(|(id, t)| (id.clone(), *t)).collect())
        .unwrap_or_default();
    let mutual = following
        .iter()
        .filter(|(id, _)| follows(store, id, account))
        .cloned()
        .collect();
    [followers, following, mutual]
}

pub(super) fn follow_get(
    call: &Call<'_>,
    req: FollowGetRequest,
) -> Result<FollowGetResponse, ApiError> {
    let store = call.svc.state.lock();
    call.require_account(
        &store,
        &req.from_account,
        "From_Account",
        ErrorCode::SnsAccountNotFound,
    )?;
    let [followers, following, mutual] = lists(&store, &req.from_account);
    let list = match req.follow_type {
        1 => followers,
        2 => following,
        _ => mutual,
    };
    let start = if req.start_cursor.is_empty() {
        0
    } else {
        req.start_cursor.parse::<usize>().map_err(|_| {
            ApiError::new(
                ErrorCode::SnsInvalidParameter,
                format!(
                    "StartCursor {:?} is not a cursor this API returned",
                    req.start_cursor
                ),
            )
        })?
    }
    .min(list.len());
    let want = match req.want_num {
        0 => 100,
        n => usize::try_from(n).unwrap_or(usize::MAX),
    };
    let end = start.saturating_add(want).min(list.len());
    let items = list[start..end]
        .iter()
        .map(|(id, time)| {
            let mut item = FollowListItem::default();
            item.to_account = id.clone();
            item.follow_time = Some(*time);
            let profile: Vec<FollowProfileItem> = store
                .accounts
                .get(id)
                .map(|a| {
                    ["Tag_Profile_IM_Nick", "Tag_Profile_IM_Image"]
                        .iter()
                        .filter_map(|tag| {
                            a.profile.get(*tag).map(|v: &Value| {
                                let mut p = FollowProfileItem::default();
                                p.tag = (*tag).to_owned();
                                p.value = v.clone();
                                p
                            })
                        })
                        .collect()
                })
                .unwrap_or_default();
            item.profile_item = Some(profile);
            item
        })
        .collect();
    let mut resp = FollowGetResponse::default();
    resp.follow_item = Some(items);
    resp.next_cursor = Some(if end == list.len() {
        String::new()
    } else {
        end.to_string()
    });
    Ok(resp)
}

pub(super) fn follow_get_info(
    call: &Call<'_>,
    req: FollowGetInfoRequest,
) -> Result<FollowGetInfoResponse, ApiError> {
    let store = call.svc.state.lock();
    call.require_account(
        &store,
        &req.from_account,
        "From_Account",
        ErrorCode::SnsAccountNotFound,
    )?;
    let count = |v: &Vec<(String, u64)>| u64::try_from(v.len()).unwrap_or(u64::MAX);
    let items = req
        .to_account
        .iter()
        .map(|to| {
            let mut item = FollowCountItem::default();
            item.to_account = to.clone();
            if store.exists(to, call.svc.admin()) {
                let [followers, following, mutual] = lists(&store, to);
                item.follower_count = Some(count(&followers));
                item.following_count = Some(count(&following));
                item.mutual_following_count = Some(count(&mutual));
                item.result_info = Some(String::new());
            } else {
                let (code, info) = missing(to);
                item.result_code = code.code();
                item.result_info = Some(info);
            }
            item
        })
        .collect();
    let mut resp = FollowGetInfoResponse::default();
    resp.follow_info = Some(items);
    Ok(resp)
}
