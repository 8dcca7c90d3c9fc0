//! Audio-video (live) groups: their online members, marks and admins
//! (`group_open_avchatroom_http_svc/*`), the online count (get_online_member_num) and
//! broadcasts to every live group (send_broadcast_msg). The rules and choices are in the
//! module docs of [`super`].

use std::collections::BTreeSet;

use serde_json::Value;
use tim_model::ErrorCode;
use tim_model::group::{
    GetOnlineMemberNumRequest, GetOnlineMemberNumResponse, SendBroadcastMsgRequest,
    SendBroadcastMsgResponse,
};
use tim_model::live_group::{
    CheckMembersRequest, CheckMembersResponse, GetAdminListRequest, GetAdminListResponse,
    GetMembersRequest, GetMembersResponse, LiveAdmin, LiveMember as LiveMemberItem, MemberMarks,
    ModifyAdminRequest, ModifyAdminResponse, ModifyUserInfoRequest, ModifyUserInfoResponse,
};

use super::{group, group_mut, invalid, live_only, secs};
use crate::call::Call;
use crate::reply::ApiError;
use crate::state::Store;
use crate::state::group::{Group, GroupBroadcast, GroupType, LiveJoinError, LiveMember};

/// get_members: members per page.
const MEMBERS_PAGE: usize = 500;
/// get_members lists only the latest online members, this many.
const LISTED_MEMBERS: usize = 1_000;
/// Most admins of a live group.
const MAX_LIVE_ADMINS: usize = 5;
/// Most distinct marks in a live group.
const MAX_MARKS: usize = 10;
/// Most members holding one mark.
const MAX_MARK_HOLDERS: usize = 1_000;
/// Smallest ordinary mark.
const MIN_MARK: u32 = 1_000;
/// Special mark: always online.
const MARK_ALWAYS_ONLINE: u32 = 500;
/// Special mark: hidden from get_members unless pulled by it.
const MARK_HIDDEN: u32 = 600;
/// Largest broadcast body (its JSON), in bytes.
const MAX_BROADCAST_BYTES: usize = 12_000;
/// Two broadcasts with the same content and `Random` this close are one (5 minutes).
const BROADCAST_DEDUP_MS: u64 = 300_000;
/// `CommandType` of modify_admin and modify_user_info: set / remove.
const SET: u8 = 1;

/// The live group `id` (10010/10015, then 10007 for another type).
fn live_group<'a>(store: &'a Store, id: &str, what: &str) -> Result<&'a Group, ApiError> {
    let g = group(store, id)?;
    live_only(g, what)?;
    Ok(g)
}

/// A profile field of `account` as a string (`Tag_Profile_IM_Nick`...), if set.
fn profile_str(store: &Store, account: &str, tag: &str) -> Option<String> {
    store
        .accounts
        .get(account)
        .and_then(|a| a.profile.get(tag))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// `account` joins the live group `group_id` at `now_ms` (the client SDK's join, which
/// the emulator does not serve over REST): it must exist, the group must be an audio-video
/// group, and a ban must not be running. Joining again changes nothing.
pub(crate) fn join_live_group(
    store: &mut Store,
    admin: &str,
    group_id: &str,
    account: &str,
    now_ms: u64,
) -> Result<(), LiveJoinError> {
    if !store.exists(account, admin) {
        return Err(LiveJoinError::UnknownAccount(account.to_owned()));
    }
    let g = store
        .groups
        .groups
        .get_mut(group_id)
        .ok_or_else(|| LiveJoinError::NoSuchGroup(group_id.to_owned()))?;
    if g.kind != GroupType::AvChatRoom {
        return Err(LiveJoinError::NotLiveGroup(group_id.to_owned()));
    }
    if let Some(until) = g.banned_until(account, now_ms) {
        return Err(LiveJoinError::Banned {
            account: account.to_owned(),
            until_ms: until,
        });
    }
    if !g.online.iter().any(|m| m.account == account) {
        g.online.push(LiveMember {
            account: account.to_owned(),
            join_time: secs(now_ms),
            marks: Vec::new(),
        });
    }
    Ok(())
}

/// `account` leaves the live group `group_id`; its marks are cleared. Whether it was online.
pub(crate) fn leave_live_group(store: &mut Store, group_id: &str, account: &str) -> bool {
    let Some(g) = store.groups.groups.get_mut(group_id) else {
        return false;
    };
    let before = g.online.len();
    g.online.retain(|m| m.account != account);
    g.online.len() != before
}

pub(crate) fn get_online_member_num(
    call: &Call<'_>,
    req: GetOnlineMemberNumRequest,
) -> Result<GetOnlineMemberNumResponse, ApiError> {
    let store = call.svc.state.lock();
    let g = live_group(&store, &req.group_id, "the online member count")?;
    let mut resp = GetOnlineMemberNumResponse::default();
    resp.online_member_num = Some(u64::try_from(g.online.len()).unwrap_or(u64::MAX));
    Ok(resp)
}

pub(crate) fn get_members(
    call: &Call<'_>,
    req: GetMembersRequest,
) -> Result<GetMembersResponse, ApiError> {
    let store = call.svc.state.lock();
    let g = live_group(&store, &req.group_id, "the online member list")?;
    let latest = &g.online[g.online.len().saturating_sub(LISTED_MEMBERS)..];
    let listed: Vec<&LiveMember> = latest
        .iter()
        .filter(|m| match req.mark {
            Some(mark) => m.marks.contains(&mark),
            None => !m.marks.contains(&MARK_HIDDEN),
        })
        .collect();
    let start = usize::try_from(req.timestamp).unwrap_or(usize::MAX);
    if start > listed.len() {
        return Err(invalid(format!(
            "Timestamp {}: not a cursor this group answered",
            req.timestamp
        )));
    }
    let page: Vec<LiveMemberItem> = listed
        .iter()
        .skip(start)
        .take(MEMBERS_PAGE)
        .map(|m| {
            let mut item = LiveMemberItem::new(m.account.as_str());
            item.join_time = Some(m.join_time);
            item.nick_name = profile_str(&store, &m.account, "Tag_Profile_IM_Nick");
            item.avatar = profile_str(&store, &m.account, "Tag_Profile_IM_Image");
            item
        })
        .collect();
    let end = start + page.len();
    let mut resp = GetMembersResponse::default();
    resp.next_timestamp = Some(if end < listed.len() {
        u64::try_from(end).unwrap_or(0)
    } else {
        0
    });
    resp.member_list = Some(page);
    Ok(resp)
}

/// Checks one mark: 1000 and up, or the special 500 and 600.
fn check_mark(mark: u32) -> Result<(), ApiError> {
    if mark >= MIN_MARK || mark == MARK_ALWAYS_ONLINE || mark == MARK_HIDDEN {
        Ok(())
    } else {
        Err(invalid(format!(
            "mark {mark}: a mark is {MIN_MARK} or more, or the special {MARK_ALWAYS_ONLINE} or {MARK_HIDDEN}"
        )))
    }
}

pub(crate) fn modify_user_info(
    call: &Call<'_>,
    req: ModifyUserInfoRequest,
) -> Result<ModifyUserInfoResponse, ApiError> {
    call.svc.with_store(|store| {
        let g = group_mut(store, &req.group_id)?;
        live_only(g, "member marks")?;
        for item in &req.member_list {
            for &mark in &item.marks {
                check_mark(mark)?;
            }
        }
        // Work on a copy of the online members; store it once every check passed.
        let mut online = g.online.clone();
        let mut done = Vec::new();
        for item in &req.member_list {
            let Some(m) = online.iter_mut().find(|m| m.account == item.member_account) else {
                continue;
            };
            for &mark in &item.marks {
                if req.command_type == SET {
                    if !m.marks.contains(&mark) {
                        m.marks.push(mark);
                    }
                } else {
                    m.marks.retain(|&x| x != mark);
                }
            }
            done.push(MemberMarks::new(
                item.member_account.as_str(),
                item.marks.clone(),
            ));
        }
        if done.is_empty() {
            return Err(invalid(
                "none of the accounts is online in the group: no mark was changed",
            ));
        }
        let marks: BTreeSet<u32> = online
            .iter()
            .flat_map(|m| m.marks.iter().copied())
            .collect();
        if marks.len() > MAX_MARKS {
            return Err(invalid(format!(
                "the group would use {} different marks, at most {MAX_MARKS}",
                marks.len()
            )));
        }
        if let Some(mark) = marks.iter().find(|&&mark| {
            online.iter().filter(|m| m.marks.contains(&mark)).count() > MAX_MARK_HOLDERS
        }) {
            return Err(invalid(format!(
                "mark {mark} would be held by more than {MAX_MARK_HOLDERS} members"
            )));
        }
        g.online = online;
        let mut resp = ModifyUserInfoResponse::default();
        resp.command_type = Some(req.command_type);
        resp.member_list = Some(done);
        Ok(resp)
    })
}

pub(crate) fn check_members(
    call: &Call<'_>,
    req: CheckMembersRequest,
) -> Result<CheckMembersResponse, ApiError> {
    let store = call.svc.state.lock();
    let g = live_group(&store, &req.group_id, "checking members")?;
    let mut found: Vec<String> = Vec::new();
    for account in &req.member_account {
        if g.online.iter().any(|m| &m.account == account) && !found.contains(account) {
            found.push(account.clone());
        }
    }
    let mut resp = CheckMembersResponse::default();
    resp.member_account = Some(found);
    Ok(resp)
}

pub(crate) fn get_admin_list(
    call: &Call<'_>,
    req: GetAdminListRequest,
) -> Result<GetAdminListResponse, ApiError> {
    let store = call.svc.state.lock();
    let g = live_group(&store, &req.group_id, "the admin list")?;
    let list = g
        .live_admins
        .iter()
        .map(|a| {
            let mut item = LiveAdmin::new(a.as_str());
            item.nick_name =
                Some(profile_str(&store, a, "Tag_Profile_IM_Nick").unwrap_or_default());
            item.avatar = Some(profile_str(&store, a, "Tag_Profile_IM_Image").unwrap_or_default());
            item
        })
        .collect();
    let mut resp = GetAdminListResponse::default();
    resp.admin_list = Some(list);
    Ok(resp)
}

pub(crate) fn modify_admin(
    call: &Call<'_>,
    req: ModifyAdminRequest,
) -> Result<ModifyAdminResponse, ApiError> {
    call.svc.with_store(|store| {
        let g = group(store, &req.group_id)?;
        live_only(g, "live-group admins")?;
        let mut admins = g.live_admins.clone();
        if req.command_type == SET {
            for account in &req.admin_account {
                call.require_account(
                    store,
                    account,
                    "Admin_Account",
                    ErrorCode::InvalidRequestParameter,
                )?;
                if !admins.contains(account) {
                    admins.push(account.clone());
                }
            }
            if admins.len() > MAX_LIVE_ADMINS {
                return Err(invalid(format!(
                    "group {:?} would have {} admins, at most {MAX_LIVE_ADMINS}",
                    req.group_id,
                    admins.len()
                )));
            }
        } else {
            admins.retain(|a| !req.admin_account.contains(a));
        }
        // Every check passed.
        group_mut(store, &req.group_id)?.live_admins = admins;
        Ok(ModifyAdminResponse::default())
    })
}

pub(crate) fn send_broadcast_msg(
    call: &Call<'_>,
    req: SendBroadcastMsgRequest,
) -> Result<SendBroadcastMsgResponse, ApiError> {
    let admin = call.svc.admin();
    let from = req.from_account.clone().unwrap_or_else(|| admin.to_owned());
    let size = serde_json::to_vec(&req.msg_body).map_or(usize::MAX, |v| v.len());
    if size > MAX_BROADCAST_BYTES {
        return Err(invalid(format!(
            "the message body has {size} bytes, at most {MAX_BROADCAST_BYTES}"
        )));
    }
    call.svc.with_store(|store| {
        call.require_account(
            store,
            &from,
            "From_Account",
            ErrorCode::InvalidRequestParameter,
        )?;
        let same = store.groups.broadcasts.iter().rev().find(|b| {
            call.now_ms.saturating_sub(b.at_ms) < BROADCAST_DEDUP_MS
                && b.random == req.random
                && b.body == req.msg_body
        });
        let seq = match same {
            Some(b) => b.seq,
            None => {
                let seq = store.groups.broadcasts.last().map_or(1, |b| b.seq + 1);
                let groups = store
                    .groups
                    .in_creation_order()
                    .into_iter()
                    .filter(|g| g.kind == GroupType::AvChatRoom)
                    .map(|g| g.id.clone())
                    .collect();
                store.groups.broadcasts.push(GroupBroadcast {
                    seq,
                    from,
                    random: req.random,
                    body: req.msg_body.clone(),
                    cloud_custom_data: req.cloud_custom_data.clone(),
                    groups,
                    at_ms: call.now_ms,
                });
                seq
            }
        };
        let mut resp = SendBroadcastMsgResponse::default();
        resp.msg_seq = Some(seq);
        Ok(resp)
    })
}
