//! `official_account_open_http_svc/*`: official accounts, their subscribers and messages.
//!
//! An official account has an owner (an imported account or the app admin), a profile
//! (`Name`, `Introduction`, `FaceUrl`, `Organization`, `CustomString`, `MaxSubscriberNum`,
//! 100,000 by default), subscribers with their subscription time and custom field, and a
//! history of broadcast messages keyed `{MsgSeq}_1_{MsgTime}` (`MsgSeq` from 1 per
//! account). The pages' codes: a custom ID that is not printable ASCII, does not start with
//! `@TOA#_` or starts with `@TOA#_@TOA#` answers 130007, one already used 130008, an
//! official account that does not exist (or was destroyed) 130004, an invalid parameter
//! 6017; a send repeated with the same `Random` and body within 5 minutes is the same
//! message (same `MsgKey`, stored once).
//!
//! Callbacks (`OfficialAccount.*`): before and after create (a refusal answers 20006, the
//! page's), after info changed, after destroyed, before and after add subscriber, after
//! full, after delete subscriber, before and after send (a refusal answers 10016, a discard
//! answers success and stores nothing, an answer's `MsgBody` or `CloudCustomData` replace
//! the message's), after recall. The operator of every REST call is the app admin.
//!
//! Choices where the pages are silent:
//!
//! - create: an `Owner_Account` that does not exist, an empty `Name` answer 6017. A
//!   generated ID is `@TOA#_@TOA#` followed by a number in base 36 (the pages' generated
//!   IDs look like `@TOA#_@TOA#dOEF`). The edition's limit of 5 official accounts is not
//!   checked (the emulator has no edition).
//! - get_official_account_info: an ID that does not exist is answered in its item with
//!   `ErrorCode` 130004 (the call succeeds); `ResponseFilter` absent or empty returns every
//!   field.
//! - modify_official_account_base_info: lowering `MaxSubscriberNum` below the subscribers
//!   keeps them (new ones are refused). The after callback is sent when a field changed,
//!   with the changed ones among `Name`, `Introduction`, `FaceUrl` and `Organization`.
//! - add_subscriber: a user who is not an imported account gets `Result` 0, and so does
//!   every user past `MaxSubscriberNum` (the after-full callback is sent once, when a call
//!   fills the account). The before callback gets the users about to subscribe (none: not
//!   sent); users its answer lists in `RefusedSubscribers_Account` get `Result` 0, and a
//!   refusal of the whole request answers 20006 (the page gives no code: the create
//!   refusal's). delete_subscriber gives an unknown user `Result` 0, one not subscribed
//!   `Result` 2.
//! - get_subscriber_info lists subscribers in UserID order; `Next` is the position to
//!   continue from as a decimal string (empty once complete); `MsgFlag` is
//!   `AcceptAndNotify` (the emulator has no clients to change it).
//! - get_subscribed_official_account_list lists accounts in ID order; a user who subscribes
//!   to none (or does not exist) gets an empty list. `CompleteFlag` 1 and no `Next` once
//!   the last page is reached, else `Next` is the next `Offset`.
//! - modify_subscriber_info: a user who is not a subscriber answers 6017.
//! - send_official_account_msg: `ForbidCallbackControl` `ForbidBeforeSendMsgCallback` /
//!   `ForbidAfterSendMsgCallback` skip the callbacks, as on send_group_msg. The pacing (1
//!   message a second, 2 broadcasts an hour) is not enforced: the page gives no code.
//! - official_account_msg_get_simple: newest first, 20 messages when `ReqMsgNumber` is
//!   absent; `LastMsgKey` continues below the given message; `IsFinished` is 1 when no older
//!   message is left. Recalled messages come only with `WithRecalledMsg` 1, with an empty
//!   body.
//! - official_account_msg_recall: an official account that does not exist answers 10010
//!   (the page's "not found" code); a key that names no message answers `RetCode` 10030
//!   (the page's sample), one already recalled 10032. A recall has no time limit (the
//!   page).

use tim_model::ErrorCode;
use tim_model::callback::Payload as _;
use tim_model::callbacks::official_account as cb;
use tim_model::official_account::{
    AddSubscriberRequest, AddSubscriberResponse, CreateOfficialAccountRequest,
    CreateOfficialAccountResponse, DeleteSubscriberRequest, DeleteSubscriberResponse,
    DestroyOfficialAccountRequest, DestroyOfficialAccountResponse, GetOfficialAccountInfoRequest,
    GetOfficialAccountInfoResponse, GetOfficialAccountMsgRequest, GetOfficialAccountMsgResponse,
    GetSubscribedOfficialAccountListRequest, GetSubscribedOfficialAccountListResponse,
    GetSubscriberInfoRequest, GetSubscriberInfoResponse, ModifyOfficialAccountBaseInfoRequest,
    ModifyOfficialAccountBaseInfoResponse, ModifySubscriberInfoRequest,
    ModifySubscriberInfoResponse, OfficialAccountInfo, OfficialAccountMsg,
    OfficialAccountRecallResult, RecallOfficialAccountMsgRequest, RecallOfficialAccountMsgResponse,
    SendOfficialAccountMsgRequest, SendOfficialAccountMsgResponse, SubscribedOfficialAccount,
    SubscriberInfo, SubscriberResult, SubscriberSelfInfo,
};

use crate::call::Call;
use crate::generated::official_account as surface;
use crate::reply::ApiError;
use crate::state::Store;
use crate::state::official::{OfficialAccount, OfficialMsg, Subscription};
use crate::webhook::Before;

/// 6017: invalid request parameter.
const INVALID: i64 = 6017;
/// 130004: no such official account (or destroyed).
const NOT_FOUND: i64 = 130_004;
/// 130007: invalid official account ID.
const BAD_ID: i64 = 130_007;
/// 130008: the ID is already used.
const ID_USED: i64 = 130_008;
/// 20006: refused by the app's before callback (create, add subscriber).
const REFUSED: i64 = 20_006;
/// 10016: a message refused by the app's before-send callback.
const SEND_REFUSED: i64 = 10_016;
/// 10010: the recall page's code for an object that does not exist.
const RECALL_NOT_FOUND: i64 = 10_010;
/// 10030: no such message to recall.
const NO_SUCH_MSG: i64 = 10_030;
/// 10032: the message cannot be recalled (already recalled).
const NOT_RECALLABLE: i64 = 10_032;

const ID_PREFIX: &str = "@TOA#_";
const GENERATED_PREFIX: &str = "@TOA#_@TOA#";
const DEFAULT_MAX_SUBSCRIBERS: u32 = 100_000;
const DEDUP_WINDOW_MS: u64 = 300_000;
const DEFAULT_HISTORY: usize = 20;
const DEFAULT_PAGE: usize = 200;
const FORBID_BEFORE: &str = "ForbidBeforeSendMsgCallback";
const FORBID_AFTER: &str = "ForbidAfterSendMsgCallback";

fn err(code: i64, info: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::from_code(code), info)
}

fn secs(ms: u64) -> u64 {
    ms / 1000
}

fn account<'s>(store: &'s Store, id: &str) -> Result<&'s OfficialAccount, ApiError> {
    store
        .official
        .accounts
        .get(id)
        .ok_or_else(|| err(NOT_FOUND, format!("no official account {id:?}")))
}

fn account_mut<'s>(store: &'s mut Store, id: &str) -> Result<&'s mut OfficialAccount, ApiError> {
    store
        .official
        .accounts
        .get_mut(id)
        .ok_or_else(|| err(NOT_FOUND, format!("no official account {id:?}")))
}

/// Base 36, lower case (the generated IDs' numbers).
fn base36(mut n: u64) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

fn wants(filter: Option<&Vec<String>>, field: &str) -> bool {
    filter.is_none_or(|f| f.is_empty() || f.iter().any(|x| x == field))
}

/// `official_account_open_http_svc/*` (see the module docs).
pub(crate) struct OfficialAccountFamily;

impl surface::Behaviour for OfficialAccountFamily {
    fn create_official_account(
        &self,
        call: &Call<'_>,
        req: CreateOfficialAccountRequest,
    ) -> Result<CreateOfficialAccountResponse, ApiError> {
        let admin = call.svc.admin().to_owned();
        let check = |store: &Store| -> Result<(), ApiError> {
            call.require_account(
                store,
                &req.owner_account,
                "Owner_Account",
                ErrorCode::from_code(INVALID),
            )?;
            if req.name.is_empty() {
                return Err(err(INVALID, "Name is empty"));
            }
            if let Some(id) = &req.official_account_user_id {
                if !id.starts_with(ID_PREFIX)
                    || id.starts_with(GENERATED_PREFIX)
                    || !id.bytes().all(|b| (0x20..=0x7e).contains(&b))
                {
                    return Err(err(
                        BAD_ID,
                        format!(
                            "OfficialAccountUserID {id:?} must be printable ASCII starting with \
                             {ID_PREFIX:?}, not with {GENERATED_PREFIX:?}"
                        ),
                    ));
                }
                if store.official.accounts.contains_key(id) {
                    return Err(err(
                        ID_USED,
                        format!("OfficialAccountUserID {id:?} is already used"),
                    ));
                }
            }
            Ok(())
        };
        call.svc.with_store(|store| check(store))?;
        let before = cb::BeforeCreateOfficialAccount::new(
            cb::BeforeCreateOfficialAccount::INFO.command,
            &admin,
            &req.owner_account,
            &req.name,
        )
        .event_time(call.now_ms);
        call.before(&before)
            .or_refuse(cb::BeforeCreateOfficialAccount::INFO.command, REFUSED)?;
        let id = call.svc.with_store(|store| {
            // Checked again: the state may have changed while the callback ran.
            check(store)?;
            let id = match &req.official_account_user_id {
                Some(id) => id.clone(),
                None => loop {
                    store.official.generated += 1;
                    let id = format!("{GENERATED_PREFIX}{}", base36(store.official.generated));
                    if !store.official.accounts.contains_key(&id) {
                        break id;
                    }
                },
            };
            store.official.accounts.insert(
                id.clone(),
                OfficialAccount {
                    id: id.clone(),
                    owner: req.owner_account.clone(),
                    name: req.name.clone(),
                    introduction: req.introduction.clone(),
                    face_url: req.face_url.clone(),
                    organization: req.organization.clone(),
                    custom_string: req.custom_string.clone(),
                    max_subscribers: req.max_subscriber_num.unwrap_or(DEFAULT_MAX_SUBSCRIBERS),
                    create_time: secs(call.now_ms),
                    ..OfficialAccount::default()
                },
            );
            Ok::<_, ApiError>(id)
        })?;
        call.after(
            &cb::AfterCreateOfficialAccount::new(
                cb::AfterCreateOfficialAccount::INFO.command,
                &id,
                &admin,
                &req.owner_account,
                &req.name,
            )
            .event_time(call.now_ms),
        );
        let mut resp = CreateOfficialAccountResponse::default();
        resp.official_account_user_id = Some(id);
        Ok(resp)
    }

    fn destroy_official_account(
        &self,
        call: &Call<'_>,
        req: DestroyOfficialAccountRequest,
    ) -> Result<DestroyOfficialAccountResponse, ApiError> {
        let gone = call.svc.with_store(|store| {
            account(store, &req.official_account)?;
            Ok::<_, ApiError>(store.official.accounts.remove(&req.official_account))
        })?;
        if let Some(gone) = gone {
            call.after(
                &cb::AfterOfficialAccountDestroyed::new(
                    cb::AfterOfficialAccountDestroyed::INFO.command,
                    &gone.id,
                    &gone.owner,
                    &gone.name,
                )
                .event_time(call.now_ms),
            );
        }
        Ok(DestroyOfficialAccountResponse::default())
    }

    fn modify_official_account_base_info(
        &self,
        call: &Call<'_>,
        req: ModifyOfficialAccountBaseInfoRequest,
    ) -> Result<ModifyOfficialAccountBaseInfoResponse, ApiError> {
        let changed = call.svc.with_store(|store| {
            if req.name.as_deref() == Some("") {
                return Err(err(INVALID, "Name is empty"));
            }
            let oa = account_mut(store, &req.official_account)?;
            let mut any = false;
            let mut payload = cb::AfterOfficialAccountInfoChanged::new(
                cb::AfterOfficialAccountInfoChanged::INFO.command,
                call.svc.admin(),
                &oa.id,
            )
            .event_time(call.now_ms);
            if let Some(name) = &req.name
                && *name != oa.name
            {
                oa.name = name.clone();
                payload = payload.name(name);
                any = true;
            }
            let optional = [
                (&req.introduction, &mut oa.introduction, 0),
                (&req.face_url, &mut oa.face_url, 1),
                (&req.organization, &mut oa.organization, 2),
                (&req.custom_string, &mut oa.custom_string, 3),
            ];
            for (new, old, which) in optional {
                if let Some(new) = new
                    && old.as_ref() != Some(new)
                {
                    *old = Some(new.clone());
                    any = true;
                    payload = match which {
                        0 => payload.introduction(new),
                        1 => payload.face_url(new),
                        2 => payload.organization(new),
                        _ => payload,
                    };
                }
            }
            if let Some(max) = req.max_subscriber_num
                && max != oa.max_subscribers
            {
                oa.max_subscribers = max;
                any = true;
            }
            Ok(any.then_some(payload))
        })?;
        if let Some(payload) = changed {
            call.after(&payload);
        }
        Ok(ModifyOfficialAccountBaseInfoResponse::default())
    }

    fn get_official_account_info(
        &self,
        call: &Call<'_>,
        req: GetOfficialAccountInfoRequest,
    ) -> Result<GetOfficialAccountInfoResponse, ApiError> {
        let filter = req
            .response_filter
            .as_ref()
            .and_then(|f| f.official_account_base_info_filter.as_ref());
        let list = call.svc.with_store(|store| {
            req.official_account_id_list
                .iter()
                .map(|item| {
                    let id = &item.official_account;
                    let mut info = OfficialAccountInfo::default();
                    info.official_account = Some(id.clone());
                    match store.official.accounts.get(id) {
                        None => {
                            info.error_code = Some(NOT_FOUND);
                            info.error_info = Some(format!("no official account {id:?}"));
                        }
                        Some(oa) => {
                            info.error_code = Some(0);
                            info.error_info = Some(String::new());
                            let w = |f: &str| wants(filter, f);
                            if w("Name") {
                                info.name = Some(oa.name.clone());
                            }
                            if w("Owner_Account") {
                                info.owner_account = Some(oa.owner.clone());
                            }
                            if w("CreateTime") {
                                info.create_time = Some(oa.create_time);
                            }
                            if w("LastMsgTime") {
                                info.last_msg_time = Some(oa.last_msg_time);
                            }
                            if w("SubscriberNum") {
                                info.subscriber_num =
                                    Some(u32::try_from(oa.subscribers.len()).unwrap_or(u32::MAX));
                            }
                            if w("MaxSubscriberNum") {
                                info.max_subscriber_num = Some(oa.max_subscribers);
                            }
                            if w("Introduction") {
                                info.introduction = oa.introduction.clone();
                            }
                            if w("FaceUrl") {
                                info.face_url = oa.face_url.clone();
                            }
                            if w("Organization") {
                                info.organization = oa.organization.clone();
                            }
                            if w("CustomString") {
                                info.custom_string = oa.custom_string.clone();
                            }
                        }
                    }
                    info
                })
                .collect()
        });
        let mut resp = GetOfficialAccountInfoResponse::default();
        resp.official_account_info_list = Some(list);
        Ok(resp)
    }

    fn add_subscriber(
        &self,
        call: &Call<'_>,
        req: AddSubscriberRequest,
    ) -> Result<AddSubscriberResponse, ApiError> {
        let admin = call.svc.admin().to_owned();
        let oa_id = req.official_account.clone();
        // Who would subscribe: imported accounts not yet subscribed.
        let candidates = |store: &Store| -> Result<Vec<String>, ApiError> {
            let oa = account(store, &oa_id)?;
            let mut out: Vec<String> = Vec::new();
            for item in &req.subscriber_list {
                let user = &item.subscriber_account;
                if store.exists(user, &admin)
                    && !oa.subscribers.contains_key(user)
                    && !out.contains(user)
                {
                    out.push(user.clone());
                }
            }
            Ok(out)
        };
        let first = call.svc.with_store(|store| candidates(store))?;
        let mut refused: Vec<String> = Vec::new();
        if !first.is_empty() {
            let before = cb::BeforeAddSubscriber::new(
                cb::BeforeAddSubscriber::INFO.command,
                &oa_id,
                &admin,
                first.iter().map(cb::Subscriber::new).collect(),
            )
            .event_time(call.now_ms);
            if let Some(answer) = call
                .before(&before)
                .or_refuse(cb::BeforeAddSubscriber::INFO.command, REFUSED)?
            {
                refused = answer.refused_subscribers_account.unwrap_or_default();
            }
        }
        let now = secs(call.now_ms);
        let (results, added, filled) = call.svc.with_store(|store| {
            let eligible = candidates(store)?;
            let exists: Vec<bool> = req
                .subscriber_list
                .iter()
                .map(|i| store.exists(&i.subscriber_account, &admin))
                .collect();
            let oa = account_mut(store, &oa_id)?;
            let was_full = oa.subscribers.len() >= oa.max_subscribers as usize;
            let mut added = Vec::new();
            let mut results = Vec::new();
            for (item, exists) in req.subscriber_list.iter().zip(exists) {
                let user = &item.subscriber_account;
                let result = if !exists || refused.contains(user) {
                    0
                } else if oa.subscribers.contains_key(user) && !added.contains(user) {
                    2
                } else if added.contains(user) {
                    1
                } else if !eligible.contains(user)
                    || oa.subscribers.len() >= oa.max_subscribers as usize
                {
                    0
                } else {
                    oa.subscribers.insert(
                        user.clone(),
                        Subscription {
                            subscribe_time: now,
                            custom_string: None,
                        },
                    );
                    added.push(user.clone());
                    1
                };
                let mut r = SubscriberResult::default();
                r.subscriber_account = user.clone();
                r.result = result;
                results.push(r);
            }
            let filled = !was_full
                && !added.is_empty()
                && oa.subscribers.len() >= oa.max_subscribers as usize;
            Ok::<_, ApiError>((results, added, filled))
        })?;
        if !added.is_empty() {
            call.after(
                &cb::AfterAddSubscriber::new(
                    cb::AfterAddSubscriber::INFO.command,
                    &oa_id,
                    &admin,
                    added.iter().map(cb::Subscriber::new).collect(),
                )
                .event_time(call.now_ms),
            );
        }
        if filled {
            call.after(
                &cb::AfterOfficialAccountFull::new(
                    cb::AfterOfficialAccountFull::INFO.command,
                    &oa_id,
                )
                .event_time(call.now_ms),
            );
        }
        let mut resp = AddSubscriberResponse::default();
        resp.subscriber_list = Some(results);
        Ok(resp)
    }

    fn delete_subscriber(
        &self,
        call: &Call<'_>,
        req: DeleteSubscriberRequest,
    ) -> Result<DeleteSubscriberResponse, ApiError> {
        let admin = call.svc.admin().to_owned();
        let (results, removed) = call.svc.with_store(|store| {
            let exists: Vec<bool> = req
                .subscriber_to_del_account
                .iter()
                .map(|u| store.exists(u, &admin))
                .collect();
            let oa = account_mut(store, &req.official_account)?;
            let mut removed = Vec::new();
            let results = req
                .subscriber_to_del_account
                .iter()
                .zip(exists)
                .map(|(user, exists)| {
                    let mut r = SubscriberResult::default();
                    r.subscriber_account = user.clone();
                    r.result = if !exists {
                        0
                    } else if oa.subscribers.remove(user).is_some() {
                        removed.push(user.clone());
                        1
                    } else {
                        2
                    };
                    r
                })
                .collect();
            Ok::<_, ApiError>((results, removed))
        })?;
        if !removed.is_empty() {
            call.after(
                &cb::AfterDeleteSubscriber::new(
                    cb::AfterDeleteSubscriber::INFO.command,
                    &req.official_account,
                    &admin,
                    removed.iter().map(cb::Subscriber::new).collect(),
                )
                .event_time(call.now_ms),
            );
        }
        let mut resp = DeleteSubscriberResponse::default();
        resp.subscriber_list = Some(results);
        Ok(resp)
    }

    fn get_subscriber_info(
        &self,
        call: &Call<'_>,
        req: GetSubscriberInfoRequest,
    ) -> Result<GetSubscriberInfoResponse, ApiError> {
        let start = if req.next.is_empty() {
            0
        } else {
            req.next
                .parse::<usize>()
                .map_err(|_| err(INVALID, format!("Next {:?} is not a position", req.next)))?
        };
        call.svc.with_store(|store| {
            let oa = account(store, &req.official_account)?;
            let total = oa.subscribers.len();
            let limit = req.limit.map_or(total, |l| l as usize);
            let page: Vec<SubscriberInfo> = oa
                .subscribers
                .iter()
                .skip(start)
                .take(limit)
                .map(|(user, sub)| {
                    let mut s = SubscriberInfo::default();
                    s.subscriber_account = user.clone();
                    s.subscribe_time = Some(sub.subscribe_time);
                    s.custom_string = sub.custom_string.clone();
                    s.msg_flag = Some("AcceptAndNotify".to_owned());
                    s
                })
                .collect();
            let end = start.saturating_add(page.len());
            let mut resp = GetSubscriberInfoResponse::default();
            resp.next = Some(if end < total {
                end.to_string()
            } else {
                String::new()
            });
            resp.subscriber_num = Some(total as u64);
            resp.subscriber_list = Some(page);
            Ok(resp)
        })
    }

    fn modify_subscriber_info(
        &self,
        call: &Call<'_>,
        req: ModifySubscriberInfoRequest,
    ) -> Result<ModifySubscriberInfoResponse, ApiError> {
        call.svc.with_store(|store| {
            let oa = account_mut(store, &req.official_account)?;
            let sub = oa
                .subscribers
                .get_mut(&req.subscriber_account)
                .ok_or_else(|| {
                    err(
                        INVALID,
                        format!(
                            "{:?} does not subscribe to {:?}",
                            req.subscriber_account, req.official_account
                        ),
                    )
                })?;
            sub.custom_string = Some(req.custom_string.clone());
            Ok(ModifySubscriberInfoResponse::default())
        })
    }

    fn get_subscribed_official_account_list(
        &self,
        call: &Call<'_>,
        req: GetSubscribedOfficialAccountListRequest,
    ) -> Result<GetSubscribedOfficialAccountListResponse, ApiError> {
        let base = req
            .response_filter
            .as_ref()
            .and_then(|f| f.official_account_base_info_filter.as_ref());
        let own = req
            .response_filter
            .as_ref()
            .and_then(|f| f.self_info_filter.as_ref());
        let offset = req.offset.unwrap_or(0) as usize;
        let limit = req.limit.map_or(DEFAULT_PAGE, |l| l as usize);
        let user = &req.subscriber_account;
        let (list, total) = call.svc.with_store(|store| {
            let mine: Vec<&OfficialAccount> = store
                .official
                .accounts
                .values()
                .filter(|oa| oa.subscribers.contains_key(user))
                .collect();
            let total = mine.len();
            let list: Vec<SubscribedOfficialAccount> = mine
                .into_iter()
                .skip(offset)
                .take(limit)
                .map(|oa| {
                    let w = |f: &str| wants(base, f);
                    let mut a = SubscribedOfficialAccount::default();
                    a.official_account = Some(oa.id.clone());
                    if w("Name") {
                        a.name = Some(oa.name.clone());
                    }
                    if w("Owner_Account") {
                        a.owner_account = Some(oa.owner.clone());
                    }
                    if w("CreateTime") {
                        a.create_time = Some(oa.create_time);
                    }
                    if w("LastMsgTime") {
                        a.last_msg_time = Some(oa.last_msg_time);
                    }
                    if w("SubscriberNum") {
                        a.subscriber_num =
                            Some(u32::try_from(oa.subscribers.len()).unwrap_or(u32::MAX));
                    }
                    if w("Introduction") {
                        a.introduction = oa.introduction.clone();
                    }
                    if w("FaceUrl") {
                        a.face_url = oa.face_url.clone();
                    }
                    if w("Organization") {
                        a.organization = oa.organization.clone();
                    }
                    if w("CustomString") {
                        a.custom_string = oa.custom_string.clone();
                    }
                    if let Some(sub) = oa.subscribers.get(user) {
                        let mut me = SubscriberSelfInfo::default();
                        if wants(own, "SubscribeTime") {
                            me.subscribe_time = Some(sub.subscribe_time);
                        }
                        if wants(own, "CustomString") {
                            me.custom_string = sub.custom_string.clone();
                        }
                        a.self_info = Some(me);
                    }
                    a
                })
                .collect();
            (list, total)
        });
        let end = offset.saturating_add(list.len());
        let mut resp = GetSubscribedOfficialAccountListResponse::default();
        resp.official_account_info_list = Some(list);
        resp.total_count = Some(u32::try_from(total).unwrap_or(u32::MAX));
        if end < total {
            resp.complete_flag = Some(0);
            resp.next = Some(u32::try_from(end).unwrap_or(u32::MAX));
        } else {
            resp.complete_flag = Some(1);
        }
        Ok(resp)
    }

    fn send_official_account_msg(
        &self,
        call: &Call<'_>,
        req: SendOfficialAccountMsgRequest,
    ) -> Result<SendOfficialAccountMsgResponse, ApiError> {
        let oa_id = req.official_account.clone();
        let now = secs(call.now_ms);
        let forbid = |flag: &str| {
            req.forbid_callback_control
                .as_ref()
                .is_some_and(|f| f.iter().any(|x| x == flag))
        };
        let ok = |key: String, time: u64| {
            let mut resp = SendOfficialAccountMsgResponse::default();
            resp.msg_time = Some(time);
            resp.msg_key = Some(key);
            resp
        };
        // The same message within the window: answered as the first one.
        let repeat = |store: &Store| -> Result<Option<(String, u64)>, ApiError> {
            let oa = account(store, &oa_id)?;
            Ok(oa
                .messages
                .iter()
                .rev()
                .take_while(|m| call.now_ms.saturating_sub(m.stored_ms) < DEDUP_WINDOW_MS)
                .find(|m| m.random == req.random && m.sent_body == req.msg_body)
                .map(|m| (m.key.clone(), m.time)))
        };
        if let Some((key, time)) = call.svc.with_store(|store| repeat(store))? {
            return Ok(ok(key, time));
        }
        let (mut body, mut data) = (req.msg_body.clone(), req.cloud_custom_data.clone());
        if !forbid(FORBID_BEFORE) {
            let mut before = cb::BeforeSendMsg::new(
                cb::BeforeSendMsg::INFO.command,
                &oa_id,
                req.msg_body.clone(),
            )
            .event_time(call.now_ms);
            if let Some(flag) = req.online_only_flag {
                before = before.online_only_flag(flag);
            }
            if let Some(d) = &req.cloud_custom_data {
                before = before.cloud_custom_data(d);
            }
            match call.before(&before) {
                Before::Proceed(Some(answer)) => {
                    if let Some(changed) = answer.msg_body {
                        body = changed;
                    }
                    if let Some(changed) = answer.cloud_custom_data {
                        data = Some(changed);
                    }
                }
                Before::Proceed(None) => {}
                Before::Discard => {
                    let seq = call.svc.with_store(|store| {
                        account(store, &oa_id).map(|oa| oa.messages.len() as u64 + 1)
                    })?;
                    return Ok(ok(format!("{seq}_1_{now}"), now));
                }
                Before::Refuse(error) => {
                    return Err(error.unwrap_or_else(|| {
                        err(
                            SEND_REFUSED,
                            "refused by the app's callback OfficialAccount.CallbackBeforeSendMsg",
                        )
                    }));
                }
            }
        }
        let stored = call.svc.with_store(|store| {
            if let Some(same) = repeat(store)? {
                return Ok::<_, ApiError>(Err(same));
            }
            let oa = account_mut(store, &oa_id)?;
            let seq = oa.messages.last().map_or(1, |m| m.seq + 1);
            let key = format!("{seq}_1_{now}");
            oa.messages.push(OfficialMsg {
                seq,
                key: key.clone(),
                time: now,
                stored_ms: call.now_ms,
                random: req.random,
                body: body.clone(),
                sent_body: req.msg_body.clone(),
                cloud_custom_data: data.clone(),
                recalled: false,
            });
            oa.last_msg_time = now;
            Ok(Ok(key))
        })?;
        let key = match stored {
            Ok(key) => key,
            Err((key, time)) => return Ok(ok(key, time)),
        };
        if !forbid(FORBID_AFTER) {
            let mut after =
                cb::AfterSendMsg::new(cb::AfterSendMsg::INFO.command, &oa_id, &key, now, body)
                    .event_time(call.now_ms);
            if let Some(flag) = req.online_only_flag {
                after = after.online_only_flag(flag);
            }
            if let Some(d) = data {
                after = after.cloud_custom_data(d);
            }
            call.after(&after);
        }
        Ok(ok(key, now))
    }

    fn recall_official_account_msg(
        &self,
        call: &Call<'_>,
        req: RecallOfficialAccountMsgRequest,
    ) -> Result<RecallOfficialAccountMsgResponse, ApiError> {
        let (results, recalled) = call.svc.with_store(|store| {
            let oa = store
                .official
                .accounts
                .get_mut(&req.official_account)
                .ok_or_else(|| {
                    err(
                        RECALL_NOT_FOUND,
                        format!("no official account {:?}", req.official_account),
                    )
                })?;
            let mut recalled = Vec::new();
            let results = req
                .msg_key_list
                .iter()
                .map(|key| {
                    let code = match oa.messages.iter_mut().find(|m| &m.key == key) {
                        None => NO_SUCH_MSG,
                        Some(m) if m.recalled => NOT_RECALLABLE,
                        Some(m) => {
                            m.recalled = true;
                            recalled.push(key.clone());
                            0
                        }
                    };
                    let mut r = OfficialAccountRecallResult::default();
                    r.msg_key = key.clone();
                    r.ret_code = code;
                    r
                })
                .collect();
            Ok::<_, ApiError>((results, recalled))
        })?;
        if !recalled.is_empty() {
            call.after(
                &cb::AfterMsgWithDraw::new(
                    cb::AfterMsgWithDraw::INFO.command,
                    &req.official_account,
                    recalled.iter().map(cb::WithdrawnMsg::new).collect(),
                )
                .event_time(call.now_ms),
            );
        }
        let mut resp = RecallOfficialAccountMsgResponse::default();
        resp.recall_ret_list = Some(results);
        Ok(resp)
    }

    fn get_official_account_msg(
        &self,
        call: &Call<'_>,
        req: GetOfficialAccountMsgRequest,
    ) -> Result<GetOfficialAccountMsgResponse, ApiError> {
        let count = req.req_msg_number.map_or(DEFAULT_HISTORY, |n| n as usize);
        let with_recalled = req.with_recalled_msg == Some(1);
        call.svc.with_store(|store| {
            let oa = account(store, &req.official_account)?;
            let below = match &req.last_msg_key {
                None => u64::MAX,
                Some(key) => oa
                    .messages
                    .iter()
                    .find(|m| &m.key == key)
                    .map(|m| m.seq)
                    .ok_or_else(|| err(INVALID, format!("no message {key:?}")))?,
            };
            let older: Vec<&OfficialMsg> = oa
                .messages
                .iter()
                .rev()
                .filter(|m| m.seq < below && (with_recalled || !m.recalled))
                .collect();
            let page: Vec<&OfficialMsg> = older.iter().take(count).copied().collect();
            let mut resp = GetOfficialAccountMsgResponse::default();
            resp.official_account = Some(oa.id.clone());
            resp.is_finished = Some(u8::from(page.len() == older.len()));
            resp.last_msg_key = page.last().map(|m| m.key.clone());
            resp.rsp_msg_list = Some(
                page.into_iter()
                    .map(|m| {
                        let mut out = OfficialAccountMsg::default();
                        out.from_account = Some(oa.id.clone());
                        out.is_place_msg = Some(0);
                        out.msg_body = Some(if m.recalled {
                            Vec::new()
                        } else {
                            m.body.clone()
                        });
                        out.msg_seq = Some(m.seq);
                        out.msg_key = Some(m.key.clone());
                        out.msg_time_stamp = Some(m.time);
                        out.msg_random = Some(m.random);
                        out.msg_priority = Some(0);
                        out.is_system_msg = Some(0);
                        out
                    })
                    .collect(),
            );
            Ok(resp)
        })
    }
}
