//! `sns/*`: friends, blocklists and friend lists.
//!
//! Each account keeps its own friend list (a two-way friendship is an entry on both
//! sides), blocklist and friend lists. `From_Account` must exist (30003 for the whole
//! call); each other account is answered in its own result item, as the pages' samples do.
//! Limits as the overview page gives them: 3,000 friends (30010, the peer's: 30014),
//! 1,000 blocklisted accounts (30013), 32 friend lists (30011).
//!
//! Choices where the pages are silent:
//!
//! - An account that does not exist fails its item with 30003.
//! - friend_add: a user whose `Tag_Profile_IM_AllowType` is unset is treated as
//!   `AllowType_Type_NeedConfirm` (the service's default verification mode), so the item
//!   answers 30539 and no friendship is made, unless `ForceAddFlags` is 1;
//!   `AllowType_Type_DenyAny` answers 30516. Pending requests are not kept (no REST
//!   endpoint reads them). Adding an existing friend fails its item with 30001.
//! - friend_delete and friend_delete_all default to `Delete_Type_Single`; deleting an
//!   account that is not a friend answers 31704 for it.
//! - friend_update and friend_get_list: an account that is not a friend fails its item
//!   with 30001 (the friend_get_list sample's code).
//! - friend_get pages hold 100 friends; friend_get_list and the `Tag_SNS_IM_*` fields
//!   answer what was stored (a profile tag reads the friend's profile, unset: `""`).
//! - black_list_add of an account already blocklisted, and black_list_delete of one that
//!   is not, fail their item with 30001.
//! - group_add creates lists that do not exist yet (existing ones are kept) and puts the
//!   given friends in every new list; group_delete removes the lists from every friend.

use std::collections::BTreeMap;

use serde_json::Value;
use tim_model::ErrorCode;
use tim_model::sns::{
    BlackListAddRequest, BlackListAddResponse, BlackListCheckItem, BlackListCheckRequest,
    BlackListCheckResponse, BlackListDeleteRequest, BlackListDeleteResponse, BlackListGetRequest,
    BlackListGetResponse, BlackListItem, FriendAddRequest, FriendAddResponse, FriendCheckItem,
    FriendCheckRequest, FriendCheckResponse, FriendDeleteAllRequest, FriendDeleteAllResponse,
    FriendDeleteRequest, FriendDeleteResponse, FriendGetListRequest, FriendGetListResponse,
    FriendGetRequest, FriendGetResponse, FriendGroupItem, FriendImportRequest,
    FriendImportResponse, FriendInfoItem, FriendUpdateRequest, FriendUpdateResponse,
    GroupAddRequest, GroupAddResponse, GroupDeleteRequest, GroupDeleteResponse, GroupGetRequest,
    GroupGetResponse, ResultItem, SnsItem, UserDataItem,
};

use crate::call::Call;
use crate::reply::ApiError;
use crate::state::{Friend, Store};
use tim_model::callback::Payload as _;
use tim_model::callbacks::sns as sns_cb;

const MAX_FRIENDS: usize = 3000;
const MAX_BLOCKLIST: usize = 1000;
const MAX_LISTS: usize = 32;
const FRIEND_PAGE: usize = 100;

/// The outcome of one item: `Ok` or the code and text of its failure.
type ItemResult = Result<(), (ErrorCode, String)>;

fn fail<T>(code: ErrorCode, info: impl Into<String>) -> Result<T, (ErrorCode, String)> {
    Err((code, info.into()))
}

fn result_item(account: &str, outcome: ItemResult) -> ResultItem {
    let mut r = ResultItem::default();
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

/// `ResultItem` and `Fail_Account` of a batch.
fn results(items: Vec<ResultItem>) -> (Option<Vec<ResultItem>>, Option<Vec<String>>) {
    let failed: Vec<String> = items
        .iter()
        .filter(|r| r.result_code != 0)
        .map(|r| r.to_account.clone())
        .collect();
    (Some(items), (!failed.is_empty()).then_some(failed))
}

fn exists_item(store: &Store, call: &Call<'_>, account: &str) -> ItemResult {
    if store.exists(account, call.svc.admin()) {
        Ok(())
    } else {
        fail(
            ErrorCode::SnsAccountNotFound,
            format!("account {account:?} does not exist"),
        )
    }
}

fn is_friend(store: &Store, owner: &str, other: &str) -> bool {
    store
        .accounts
        .get(owner)
        .is_some_and(|a| a.friends.contains_key(other))
}

fn blocks(store: &Store, owner: &str, other: &str) -> bool {
    store
        .accounts
        .get(owner)
        .is_some_and(|a| a.blocklist.contains_key(other))
}

fn friend_count(store: &Store, owner: &str) -> usize {
    store.accounts.get(owner).map_or(0, |a| a.friends.len())
}

/// Adds `lists` to `owner`'s friend lists; false when that would exceed 32.
fn ensure_lists(store: &mut Store, owner: &str, lists: &[String]) -> bool {
    let account = store.account_mut(owner);
    let new: Vec<&String> = lists
        .iter()
        .filter(|l| !account.friend_lists.contains(l))
        .collect();
    if account.friend_lists.len() + new.len() > MAX_LISTS {
        return false;
    }
    account.friend_lists.extend(new.into_iter().cloned());
    true
}

fn bump(store: &mut Store, owner: &str) -> u64 {
    let account = store.account_mut(owner);
    account.sns_sequence += 1;
    account.sns_sequence
}

fn insert_friend(store: &mut Store, owner: &str, other: &str, friend: Friend) {
    store
        .account_mut(owner)
        .friends
        .insert(other.to_owned(), friend);
    bump(store, owner);
}

fn remove_friend(store: &mut Store, owner: &str, other: &str) -> bool {
    let removed = store
        .accounts
        .get_mut(owner)
        .is_some_and(|a| a.friends.remove(other).is_some());
    if removed {
        bump(store, owner);
    }
    removed
}

fn allow_type(store: &Store, account: &str) -> String {
    store
        .accounts
        .get(account)
        .and_then(|a| a.profile.get("Tag_Profile_IM_AllowType"))
        .and_then(Value::as_str)
        .unwrap_or("AllowType_Type_NeedConfirm")
        .to_owned()
}

pub(super) fn friend_add(
    call: &Call<'_>,
    req: FriendAddRequest,
) -> Result<FriendAddResponse, ApiError> {
    let both = req.add_type.as_deref() != Some("Add_Type_Single");
    let forced = req.force_add_flags == Some(1);
    let now = call.now_ms / 1000;
    let mut pairs = Vec::new();
    let resp = call.svc.with_store(|store| {
        call.require_account(
            store,
            &req.from_account,
            "From_Account",
            ErrorCode::SnsAccountNotFound,
        )?;
        let from = req.from_account.as_str();
        let items = req
            .add_friend_item
            .iter()
            .map(|item| {
                let to = item.to_account.as_str();
                let outcome = (|| {
                    exists_item(store, call, to)?;
                    if to == from {
                        return fail(ErrorCode::SnsInvalidParameter, "cannot add oneself");
                    }
                    if is_friend(store, from, to) {
                        return fail(
                            ErrorCode::SnsInvalidParameter,
                            format!("{to:?} is already a friend"),
                        );
                    }
                    if blocks(store, from, to) {
                        return fail(
                            ErrorCode::PeerInBlocklist,
                            format!("{to:?} is in the blocklist"),
                        );
                    }
                    if blocks(store, to, from) {
                        return fail(
                            ErrorCode::BlockedByPeer,
                            format!("{to:?} has blocklisted the sender"),
                        );
                    }
                    if !forced {
                        match allow_type(store, to).as_str() {
                            "AllowType_Type_AllowAny" => {}
                            "AllowType_Type_DenyAny" => {
                                return fail(
                                    ErrorCode::PeerRejectsFriendRequests,
                                    format!("{to:?} rejects friend requests"),
                                );
                            }
                            _ => {
                                return fail(
                                    ErrorCode::FriendRequestPending,
                                    format!("{to:?} must approve the request: it is pending"),
                                );
                            }
                        }
                    }
                    if friend_count(store, from) >= MAX_FRIENDS {
                        return fail(ErrorCode::FriendLimitReached, "3000 friends already");
                    }
                    if both && !is_friend(store, to, from) && friend_count(store, to) >= MAX_FRIENDS
                    {
                        return fail(
                            ErrorCode::PeerFriendLimitReached,
                            format!("{to:?} has 3000 friends already"),
                        );
                    }
                    let lists: Vec<String> = item.group_name.iter().cloned().collect();
                    if !ensure_lists(store, from, &lists) {
                        return fail(ErrorCode::FriendListLimitReached, "32 friend lists already");
                    }
                    let entry = Friend {
                        remark: item.remark.clone(),
                        lists,
                        add_source: item.add_source.clone(),
                        add_wording: item.add_wording.clone(),
                        add_time: now,
                        ..Friend::default()
                    };
                    insert_friend(store, from, to, entry);
                    pairs.push(sns_cb::FriendAddPair::new(from, to, from));
                    if both && !is_friend(store, to, from) {
                        let back = Friend {
                            add_source: item.add_source.clone(),
                            add_time: now,
                            ..Friend::default()
                        };
                        insert_friend(store, to, from, back);
                        pairs.push(sns_cb::FriendAddPair::new(to, from, from));
                    }
                    Ok(())
                })();
                result_item(to, outcome)
            })
            .collect();
        let mut resp = FriendAddResponse::default();
        (resp.result_item, resp.fail_account) = results(items);
        Ok::<_, ApiError>(resp)
    })?;
    if !pairs.is_empty() {
        call.after(&sns_cb::FriendAdd::new(
            sns_cb::FriendAdd::INFO.command,
            pairs,
            "friend_add",
            call.svc.admin(),
            u8::from(forced),
        ));
    }
    Ok(resp)
}

fn custom_fields(items: Option<&Vec<tim_model::sns::CustomItem>>) -> BTreeMap<String, Value> {
    items
        .into_iter()
        .flatten()
        .filter_map(|c| Some((c.tag.clone()?, c.value.clone().unwrap_or(Value::Null))))
        .collect()
}

pub(super) fn friend_import(
    call: &Call<'_>,
    req: FriendImportRequest,
) -> Result<FriendImportResponse, ApiError> {
    let now = call.now_ms / 1000;
    call.svc.with_store(|store| {
        call.require_account(
            store,
            &req.from_account,
            "From_Account",
            ErrorCode::SnsAccountNotFound,
        )?;
        let from = req.from_account.as_str();
        let items = req
            .add_friend_item
            .iter()
            .map(|item| {
                let to = item.to_account.as_str();
                let outcome = (|| {
                    exists_item(store, call, to)?;
                    if is_friend(store, from, to) {
                        return fail(
                            ErrorCode::SnsInvalidParameter,
                            format!("{to:?} is already a friend"),
                        );
                    }
                    if friend_count(store, from) >= MAX_FRIENDS {
                        return fail(ErrorCode::FriendLimitReached, "3000 friends already");
                    }
                    let lists = item.group_name.clone().unwrap_or_default();
                    if !ensure_lists(store, from, &lists) {
                        return fail(ErrorCode::FriendListLimitReached, "32 friend lists already");
                    }
                    let entry = Friend {
                        remark: item.remark.clone(),
                        lists,
                        add_source: item.add_source.clone(),
                        add_wording: item.add_wording.clone(),
                        add_time: item.add_time.unwrap_or(now),
                        remark_time: item.remark_time.unwrap_or(0),
                        custom: custom_fields(item.custom_item.as_ref()),
                    };
                    insert_friend(store, from, to, entry);
                    Ok(())
                })();
                result_item(to, outcome)
            })
            .collect();
        let mut resp = FriendImportResponse::default();
        (resp.result_item, resp.fail_account) = results(items);
        Ok(resp)
    })
}

pub(super) fn friend_update(
    call: &Call<'_>,
    req: FriendUpdateRequest,
) -> Result<FriendUpdateResponse, ApiError> {
    let now = call.now_ms / 1000;
    call.svc.with_store(|store| {
        call.require_account(
            store,
            &req.from_account,
            "From_Account",
            ErrorCode::SnsAccountNotFound,
        )?;
        let from = req.from_account.as_str();
        let items = req
            .update_item
            .iter()
            .map(|item| {
                let to = item.to_account.as_str();
                let outcome = (|| {
                    if !is_friend(store, from, to) {
                        return fail(
                            ErrorCode::SnsInvalidParameter,
                            format!("{to:?} is not a friend"),
                        );
                    }
                    let mut lists = None;
                    for sns in &item.sns_item {
                        match (sns.tag.as_str(), &sns.value) {
                            ("Tag_SNS_IM_Remark", Value::String(_)) => {}
                            ("Tag_SNS_IM_Group", Value::Array(v))
                                if v.iter().all(Value::is_string) =>
                            {
                                lists = Some(
                                    v.iter()
                                        .filter_map(|s| s.as_str().map(str::to_owned))
                                        .collect::<Vec<_>>(),
                                );
                            }
                            (t, _) if t.starts_with("Tag_SNS_Custom_") => {}
                            (t, _) => {
                                return fail(
                                    ErrorCode::SnsInvalidParameter,
                                    format!(
                                        "{t:?} cannot be updated, or its value has the wrong type"
                                    ),
                                );
                            }
                        }
                    }
                    if let Some(l) = &lists
                        && !ensure_lists(store, from, l)
                    {
                        return fail(ErrorCode::FriendListLimitReached, "32 friend lists already");
                    }
                    let account = store.account_mut(from);
                    if let Some(friend) = account.friends.get_mut(to) {
                        for sns in &item.sns_item {
                            match sns.tag.as_str() {
                                "Tag_SNS_IM_Remark" => {
                                    friend.remark = sns.value.as_str().map(str::to_owned);
                                    friend.remark_time = now;
                                }
                                "Tag_SNS_IM_Group" => {}
                                t => {
                                    friend.custom.insert(t.to_owned(), sns.value.clone());
                                }
                            }
                        }
                        if let Some(l) = lists {
                            friend.lists = l;
                        }
                    }
                    bump(store, from);
                    Ok(())
                })();
                result_item(to, outcome)
            })
            .collect();
        let mut resp = FriendUpdateResponse::default();
        (resp.result_item, resp.fail_account) = results(items);
        Ok(resp)
    })
}

fn both_ways(delete_type: Option<&str>) -> bool {
    delete_type == Some("Delete_Type_Both")
}

pub(super) fn friend_delete(
    call: &Call<'_>,
    req: FriendDeleteRequest,
) -> Result<FriendDeleteResponse, ApiError> {
    let both = both_ways(req.delete_type.as_deref());
    let mut pairs = Vec::new();
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
                let outcome = if remove_friend(store, from, to) {
                    pairs.push(sns_cb::AccountPair::new(from, to));
                    if both && remove_friend(store, to, from) {
                        pairs.push(sns_cb::AccountPair::new(to, from));
                    }
                    Ok(())
                } else {
                    fail(ErrorCode::NotFriend, format!("{to:?} is not a friend"))
                };
                result_item(to, outcome)
            })
            .collect();
        let mut resp = FriendDeleteResponse::default();
        (resp.result_item, resp.fail_account) = results(items);
        Ok::<_, ApiError>(resp)
    })?;
    friends_deleted(call, pairs);
    Ok(resp)
}

/// `Sns.CallbackFriendDelete` for the friendships that ended, if any.
fn friends_deleted(call: &Call<'_>, pairs: Vec<sns_cb::AccountPair>) {
    if !pairs.is_empty() {
        call.after(&sns_cb::FriendDelete::new(
            sns_cb::FriendDelete::INFO.command,
            pairs,
        ));
    }
}

pub(super) fn friend_delete_all(
    call: &Call<'_>,
    req: FriendDeleteAllRequest,
) -> Result<FriendDeleteAllResponse, ApiError> {
    let both = both_ways(req.delete_type.as_deref());
    call.svc.with_store(|store| {
        call.require_account(
            store,
            &req.from_account,
            "From_Account",
            ErrorCode::SnsAccountNotFound,
        )?;
        let from = req.from_account.as_str();
        let friends: Vec<String> = store
            .accounts
            .get(from)
            .map(|a| a.friends.keys().cloned().collect())
            .unwrap_or_default();
        for to in &friends {
            remove_friend(store, from, to);
            if both {
                remove_friend(store, to, from);
            }
        }
        Ok(FriendDeleteAllResponse::default())
    })
}

/// The relation of a two-way or one-way check, in the vocabulary of `prefix`
/// (`CheckResult_Type_` or `BlackCheckResult_Type_`).
fn relation(a_has_b: bool, b_has_a: bool, two_way: bool, prefix: &str, none: &str) -> String {
    let name = match (a_has_b, b_has_a && two_way) {
        (true, true) => "BothWay",
        (true, false) => "AWithB",
        (false, true) => "BWithA",
        (false, false) => none,
    };
    format!("{prefix}{name}")
}

pub(super) fn friend_check(
    call: &Call<'_>,
    req: FriendCheckRequest,
) -> Result<FriendCheckResponse, ApiError> {
    let two_way = req.check_type == "CheckResult_Type_Both";
    let store = call.svc.state.lock();
    call.require_account(
        &store,
        &req.from_account,
        "From_Account",
        ErrorCode::SnsAccountNotFound,
    )?;
    let from = req.from_account.as_str();
    let mut failed = Vec::new();
    let items = req
        .to_account
        .iter()
        .map(|to| {
            let mut item = FriendCheckItem::default();
            item.to_account = to.clone();
            match exists_item(&store, call, to) {
                Ok(()) => {
                    item.relation = Some(relation(
                        is_friend(&store, from, to),
                        is_friend(&store, to, from),
                        two_way,
                        "CheckResult_Type_",
                        "NoRelation",
                    ));
                    item.result_info = Some(String::new());
                }
                Err((code, info)) => {
                    item.result_code = code.code();
                    item.result_info = Some(info);
                    failed.push(to.clone());
                }
            }
            item
        })
        .collect();
    let mut resp = FriendCheckResponse::default();
    resp.info_item = Some(items);
    resp.fail_account = (!failed.is_empty()).then_some(failed);
    Ok(resp)
}

/// The standard and custom friend fields of `friend`.
fn sns_items(friend: &Friend) -> Vec<SnsItem> {
    let item = |tag: &str, value: Value| {
        let mut s = SnsItem::default();
        s.tag = tag.to_owned();
        s.value = value;
        s
    };
    let mut items = vec![
        item(
            "Tag_SNS_IM_Group",
            Value::from(
                friend
                    .lists
                    .iter()
                    .map(|l| Value::from(l.as_str()))
                    .collect::<Vec<_>>(),
            ),
        ),
        item(
            "Tag_SNS_IM_Remark",
            Value::from(friend.remark.clone().unwrap_or_default()),
        ),
        item(
            "Tag_SNS_IM_AddSource",
            Value::from(friend.add_source.as_str()),
        ),
        item(
            "Tag_SNS_IM_AddWording",
            Value::from(friend.add_wording.clone().unwrap_or_default()),
        ),
        item("Tag_SNS_IM_AddTime", Value::from(friend.add_time)),
        item("Tag_SNS_IM_RemarkTime", Value::from(friend.remark_time)),
    ];
    items.extend(friend.custom.iter().map(|(t, v)| item(t, v.clone())));
    items
}

pub(super) fn friend_get(
    call: &Call<'_>,
    req: FriendGetRequest,
) -> Result<FriendGetResponse, ApiError> {
    let store = call.svc.state.lock();
    call.require_account(
        &store,
        &req.from_account,
        "From_Account",
        ErrorCode::SnsAccountNotFound,
    )?;
    let account = store.accounts.get(&req.from_account);
    let friends: Vec<(&String, &Friend)> = account
        .map(|a| a.friends.iter().collect())
        .unwrap_or_default();
    let start = usize::try_from(req.start_index)
        .unwrap_or(usize::MAX)
        .min(friends.len());
    let end = (start + FRIEND_PAGE).min(friends.len());
    let sequence = account.map_or(0, |a| a.sns_sequence);
    let mut resp = FriendGetResponse::default();
    resp.user_data_item = Some(
        friends[start..end]
            .iter()
            .map(|(id, f)| {
                let mut u = UserDataItem::default();
                u.to_account = (*id).clone();
                u.value_item = Some(sns_items(f));
                u
            })
            .collect(),
    );
    resp.standard_sequence = Some(sequence);
    resp.custom_sequence = Some(sequence);
    resp.friend_num = Some(u32::try_from(friends.len()).unwrap_or(u32::MAX));
    resp.complete_flag = Some(u32::from(end == friends.len()));
    resp.next_start_index = Some(if end == friends.len() {
        0
    } else {
        u32::try_from(end).unwrap_or(u32::MAX)
    });
    Ok(resp)
}

pub(super) fn friend_get_list(
    call: &Call<'_>,
    req: FriendGetListRequest,
) -> Result<FriendGetListResponse, ApiError> {
    let store = call.svc.state.lock();
    call.require_account(
        &store,
        &req.from_account,
        "From_Account",
        ErrorCode::SnsAccountNotFound,
    )?;
    let from = req.from_account.as_str();
    let mut failed = Vec::new();
    let items = req
        .to_account
        .iter()
        .map(|to| {
            let mut info = FriendInfoItem::default();
            info.to_account = to.clone();
            let friend = store.accounts.get(from).and_then(|a| a.friends.get(to));
            match friend {
                Some(f) => {
                    let sns = sns_items(f);
                    let profile = store.accounts.get(to).map(|a| &a.profile);
                    info.sns_profile_item = Some(
                        req.tag_list
                            .iter()
                            .map(|tag| {
                                let value = sns
                                    .iter()
                                    .find(|s| &s.tag == tag)
                                    .map(|s| s.value.clone())
                                    .or_else(|| profile.and_then(|p| p.get(tag)).cloned())
                                    .unwrap_or_else(|| Value::from(""));
                                let mut s = SnsItem::default();
                                s.tag = tag.clone();
                                s.value = value;
                                s
                            })
                            .collect(),
                    );
                    info.result_info = Some(String::new());
                }
                None => {
                    info.result_code = ErrorCode::SnsInvalidParameter.code();
                    info.result_info = Some(format!("{to:?} is not a friend"));
                    failed.push(to.clone());
                }
            }
            info
        })
        .collect();
    let mut resp = FriendGetListResponse::default();
    resp.info_item = Some(items);
    resp.fail_account = (!failed.is_empty()).then_some(failed);
    Ok(resp)
}

pub(super) fn black_list_add(
    call: &Call<'_>,
    req: BlackListAddRequest,
) -> Result<BlackListAddResponse, ApiError> {
    let now = call.now_ms / 1000;
    let (mut blocked, mut unfriended) = (Vec::new(), Vec::new());
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
                let outcome = (|| {
                    exists_item(store, call, to)?;
                    if blocks(store, from, to) {
                        return fail(
                            ErrorCode::SnsInvalidParameter,
                            format!("{to:?} is already in the blocklist"),
                        );
                    }
                    if store.accounts.get(from).map_or(0, |a| a.blocklist.len()) >= MAX_BLOCKLIST {
                        return fail(ErrorCode::BlocklistLimitReached, "1000 blocklisted already");
                    }
                    store.account_mut(from).blocklist.insert(to.clone(), now);
                    blocked.push(sns_cb::AccountPair::new(from, to));
                    // Blocklisting a friend removes the friendship both ways.
                    if remove_friend(store, from, to) {
                        unfriended.push(sns_cb::AccountPair::new(from, to));
                    }
                    if remove_friend(store, to, from) {
                        unfriended.push(sns_cb::AccountPair::new(to, from));
                    }
                    Ok(())
                })();
                result_item(to, outcome)
            })
            .collect();
        let mut resp = BlackListAddResponse::default();
        (resp.result_item, resp.fail_account) = results(items);
        Ok::<_, ApiError>(resp)
    })?;
    if !blocked.is_empty() {
        call.after(&sns_cb::BlackListAdd::new(
            sns_cb::BlackListAdd::INFO.command,
            blocked,
        ));
    }
    friends_deleted(call, unfriended);
    Ok(resp)
}

pub(super) fn black_list_delete(
    call: &Call<'_>,
    req: BlackListDeleteRequest,
) -> Result<BlackListDeleteResponse, ApiError> {
    let mut unblocked = Vec::new();
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
                let removed = store
                    .accounts
                    .get_mut(from)
                    .is_some_and(|a| a.blocklist.remove(to).is_some());
                let outcome = if removed {
                    unblocked.push(sns_cb::AccountPair::new(from, to));
                    Ok(())
                } else {
                    fail(
                        ErrorCode::SnsInvalidParameter,
                        format!("{to:?} is not in the blocklist"),
                    )
                };
                result_item(to, outcome)
            })
            .collect();
        let mut resp = BlackListDeleteResponse::default();
        (resp.result_item, resp.fail_account) = results(items);
        Ok::<_, ApiError>(resp)
    })?;
    if !unblocked.is_empty() {
        call.after(&sns_cb::BlackListDelete::new(
            sns_cb::BlackListDelete::INFO.command,
            unblocked,
        ));
    }
    Ok(resp)
}

pub(super) fn black_list_get(
    call: &Call<'_>,
    req: BlackListGetRequest,
) -> Result<BlackListGetResponse, ApiError> {
    let store = call.svc.state.lock();
    call.require_account(
        &store,
        &req.from_account,
        "From_Account",
        ErrorCode::SnsAccountNotFound,
    )?;
    let list: Vec<(&String, &u64)> = store
        .accounts
        .get(&req.from_account)
        .map(|a| a.blocklist.iter().collect())
        .unwrap_or_default();
    let start = usize::try_from(req.start_index)
        .unwrap_or(usize::MAX)
        .min(list.len());
    let max = usize::try_from(req.max_limited)
        .unwrap_or(usize::MAX)
        .max(1);
    let end = start.saturating_add(max).min(list.len());
    let mut resp = BlackListGetResponse::default();
    resp.black_list_item = Some(
        list[start..end]
            .iter()
            .map(|(id, at)| {
                let mut b = BlackListItem::default();
                b.to_account = (*id).clone();
                b.add_black_time_stamp = **at;
                b
            })
            .collect(),
    );
    resp.start_index = Some(if end == list.len() {
        0
    } else {
        u32::try_from(end).unwrap_or(u32::MAX)
    });
    resp.current_sequence = Some(
        store
            .accounts
            .get(&req.from_account)
            .map_or(0, |a| a.sns_sequence),
    );
    Ok(resp)
}

pub(super) fn black_list_check(
    call: &Call<'_>,
    req: BlackListCheckRequest,
) -> Result<BlackListCheckResponse, ApiError> {
    let two_way = req.check_type == "BlackCheckResult_Type_Both";
    let store = call.svc.state.lock();
    call.require_account(
        &store,
        &req.from_account,
        "From_Account",
        ErrorCode::SnsAccountNotFound,
    )?;
    let from = req.from_account.as_str();
    let mut failed = Vec::new();
    let items = req
        .to_account
        .iter()
        .map(|to| {
            let mut item = BlackListCheckItem::default();
            item.to_account = to.clone();
            match exists_item(&store, call, to) {
                Ok(()) => {
                    item.relation = Some(relation(
                        blocks(&store, from, to),
                        blocks(&store, to, from),
                        two_way,
                        "BlackCheckResult_Type_",
                        "NO",
                    ));
                    item.result_info = Some(String::new());
                }
                Err((code, info)) => {
                    item.result_code = code.code();
                    item.result_info = Some(info);
                    failed.push(to.clone());
                }
            }
            item
        })
        .collect();
    let mut resp = BlackListCheckResponse::default();
    resp.black_list_check_item = Some(items);
    resp.fail_account = (!failed.is_empty()).then_some(failed);
    Ok(resp)
}

pub(super) fn group_add(
    call: &Call<'_>,
    req: GroupAddRequest,
) -> Result<GroupAddResponse, ApiError> {
    call.svc.with_store(|store| {
        call.require_account(
            store,
            &req.from_account,
            "From_Account",
            ErrorCode::SnsAccountNotFound,
        )?;
        let from = req.from_account.as_str();
        let existing = store
            .accounts
            .get(from)
            .map(|a| a.friend_lists.clone())
            .unwrap_or_default();
        let new: Vec<String> = req
            .group_name
            .iter()
            .filter(|g| !existing.contains(g))
            .cloned()
            .collect();
        if !ensure_lists(store, from, &req.group_name) {
            return Err(ApiError::new(
                ErrorCode::FriendListLimitReached,
                format!("{from:?} would have more than {MAX_LISTS} friend lists"),
            ));
        }
        let items = req.to_account.as_ref().map(|accounts| {
            accounts
                .iter()
                .map(|to| {
                    let account = store.account_mut(from);
                    let outcome = match account.friends.get_mut(to) {
                        Some(friend) => {
                            for list in &new {
                                if !friend.lists.contains(list) {
                                    friend.lists.push(list.clone());
                                }
                            }
                            Ok(())
                        }
                        None => fail(
                            ErrorCode::SnsInvalidParameter,
                            format!("{to:?} is not a friend"),
                        ),
                    };
                    result_item(to, outcome)
                })
                .collect::<Vec<_>>()
        });
        let sequence = bump(store, from);
        let mut resp = GroupAddResponse::default();
        if let Some(items) = items {
            (resp.result_item, resp.fail_account) = results(items);
        }
        resp.current_sequence = Some(sequence);
        Ok(resp)
    })
}

pub(super) fn group_delete(
    call: &Call<'_>,
    req: GroupDeleteRequest,
) -> Result<GroupDeleteResponse, ApiError> {
    call.svc.with_store(|store| {
        call.require_account(
            store,
            &req.from_account,
            "From_Account",
            ErrorCode::SnsAccountNotFound,
        )?;
        let account = store.account_mut(&req.from_account);
        account.friend_lists.retain(|l| !req.group_name.contains(l));
        for friend in account.friends.values_mut() {
            friend.lists.retain(|l| !req.group_name.contains(l));
        }
        let sequence = bump(store, &req.from_account);
        let mut resp = GroupDeleteResponse::default();
        resp.current_sequence = Some(sequence);
        Ok(resp)
    })
}

pub(super) fn group_get(
    call: &Call<'_>,
    req: GroupGetRequest,
) -> Result<GroupGetResponse, ApiError> {
    let store = call.svc.state.lock();
    call.require_account(
        &store,
        &req.from_account,
        "From_Account",
        ErrorCode::SnsAccountNotFound,
    )?;
    let Some(account) = store.accounts.get(&req.from_account) else {
        let mut resp = GroupGetResponse::default();
        resp.result_item = Some(Vec::new());
        resp.current_sequence = Some(0);
        return Ok(resp);
    };
    let with_friends =
        req.group_name.is_none() && req.need_friend.as_deref() == Some("Need_Friend_Type_Yes");
    let lists = account.friend_lists.iter().filter(|l| {
        req.group_name
            .as_ref()
            .is_none_or(|wanted| wanted.contains(l))
    });
    let items = lists
        .map(|list| {
            let members: Vec<String> = account
                .friends
                .iter()
                .filter(|(_, f)| f.lists.contains(list))
                .map(|(id, _)| id.clone())
                .collect();
            let mut g = FriendGroupItem::default();
            g.group_name = list.clone();
            g.friend_number = u32::try_from(members.len()).unwrap_or(u32::MAX);
            g.to_account = with_friends.then_some(members);
            g
        })
        .collect();
    let mut resp = GroupGetResponse::default();
    resp.result_item = Some(items);
    resp.current_sequence = Some(account.sns_sequence);
    Ok(resp)
}
