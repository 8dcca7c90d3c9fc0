//! Group members: adding, importing and removing them, their profiles and roles, mutes.
//! The rules and choices are in the module docs of [`super`].

use tim_model::ErrorCode;
use tim_model::group::{
    AddGroupMemberRequest, AddGroupMemberResponse, DeleteGroupMemberRequest,
    DeleteGroupMemberResponse, ForbidSendMsgRequest, ForbidSendMsgResponse,
    GetGroupMemberInfoRequest, GetGroupMemberInfoResponse, GetGroupMutedAccountRequest,
    GetGroupMutedAccountResponse, GetRoleInGroupRequest, GetRoleInGroupResponse,
    GetSpecifiedGroupMemberInfoRequest, GetSpecifiedGroupMemberInfoResponse,
    ImportGroupMemberRequest, ImportGroupMemberResponse, MemberResult, MemberRole,
    ModifyGroupMemberInfoRequest, ModifyGroupMemberInfoResponse, MutedAccount,
};

use super::{
    MEMBER_KEYS, MEMBER_VALUE_BYTES, MemberView, Sel, denied, group, group_mut, invalid,
    member_info, member_items, merge_custom, new_member, refuse_types, secs, topic_of,
    topic_of_mut,
};
use crate::call::Call;
use crate::reply::ApiError;
use crate::state::group::{Group, GroupType, Role};
use crate::webhook::Before;
use tim_model::callback::Payload as _;
use tim_model::callbacks::group as group_cb;

/// `Result` of a member added or imported.
const ADDED: u8 = 1;
/// `Result` of a member that already was one.
const ALREADY: u8 = 2;
/// `Result` of a member that could not be imported.
const FAILED: u8 = 0;

/// Whether `g` has room for `more` members.
fn has_room(g: &Group, more: usize) -> bool {
    g.max_members
        .is_none_or(|max| g.members.len() + more <= usize::try_from(max).unwrap_or(usize::MAX))
}

/// The end of a mute of `seconds` from `now_ms` (clock ms).
fn mute_end(now_ms: u64, seconds: u32) -> u64 {
    now_ms.saturating_add(u64::from(seconds).saturating_mul(1000))
}

pub(crate) fn add_group_member(
    call: &Call<'_>,
    req: AddGroupMemberRequest,
) -> Result<AddGroupMemberResponse, ApiError> {
    let now = secs(call.now_ms);
    // Checks, and who would join.
    let (kind, mut results, mut new) = call.svc.with_store(|store| {
        let g = group(store, &req.group_id)?;
        refuse_types(g, &[GroupType::AvChatRoom], "adding members")?;
        for item in &req.member_list {
            call.require_account(
                store,
                &item.member_account,
                "Member_Account",
                ErrorCode::GroupUserIdNotFound,
            )?;
        }
        let mut new: Vec<String> = Vec::new();
        let mut results = Vec::new();
        for item in &req.member_list {
            let account = item.member_account.as_str();
            let result = if g.is_member(account) || new.iter().any(|n| n == account) {
                ALREADY
            } else {
                new.push(account.to_owned());
                ADDED
            };
            results.push(MemberResult::new(account, result));
        }
        if !has_room(g, new.len()) {
            return Err(ApiError::new(
                ErrorCode::GroupFull,
                format!(
                    "group {:?} has {} of at most {} members: {} more do not fit",
                    g.id,
                    g.members.len(),
                    g.max_members.unwrap_or(u32::MAX),
                    new.len()
                ),
            ));
        }
        Ok((g.kind, results, new))
    })?;
    // The app's server may refuse some or all of them (Group.CallbackBeforeInviteJoinGroup):
    // a refused account is not added and answers `Result` 0.
    if !new.is_empty() {
        let invite = group_cb::BeforeInviteJoinGroup::new(
            group_cb::BeforeInviteJoinGroup::INFO.command,
            &req.group_id,
            kind.as_str(),
            call.svc.admin(),
            new.iter().map(group_cb::GroupMemberAccount::new).collect(),
        )
        .event_time(call.now_ms);
        let refused: Vec<String> = match call.before(&invite) {
            Before::Proceed(Some(answer)) => answer.refused_members_account.unwrap_or_default(),
            Before::Proceed(None) => Vec::new(),
            Before::Refuse(_) | Before::Discard => new.clone(),
        };
        if !refused.is_empty() {
            new.retain(|a| !refused.contains(a));
            for r in &mut results {
                if refused.contains(&r.member_account) && r.result == ADDED {
                    r.result = FAILED;
                }
            }
        }
    }
    let full = call.svc.with_store(|store| {
        let g = group_mut(store, &req.group_id)?;
        for account in &new {
            if !g.is_member(account) {
                let m = new_member(g, account, Role::Member, now);
                g.members.push(m);
            }
        }
        Ok::<_, ApiError>(!new.is_empty() && !has_room(g, 1))
    })?;
    if !new.is_empty() {
        call.after(
            &group_cb::AfterNewMemberJoin::new(
                group_cb::AfterNewMemberJoin::INFO.command,
                &req.group_id,
                kind.as_str(),
                "Invited",
                call.svc.admin(),
                new.iter().map(group_cb::GroupMemberAccount::new).collect(),
            )
            .event_time(call.now_ms),
        );
    }
    if full {
        call.after(
            &group_cb::AfterGroupFull::new(group_cb::AfterGroupFull::INFO.command, &req.group_id)
                .event_time(call.now_ms),
        );
    }
    let mut resp = AddGroupMemberResponse::default();
    resp.member_list = Some(results);
    Ok(resp)
}

pub(crate) fn delete_group_member(
    call: &Call<'_>,
    req: DeleteGroupMemberRequest,
) -> Result<DeleteGroupMemberResponse, ApiError> {
    call.svc
        .with_store(|store| {
            let g = group_mut(store, &req.group_id)?;
            if g.kind == GroupType::AvChatRoom {
                return Err(invalid(format!(
                    "AVChatRoom groups have no member list: mute members of {:?} instead",
                    g.id
                )));
            }
            if let Some(owner) = &g.owner
                && g.kind != GroupType::Private
                && req.member_to_del_account.contains(owner)
            {
                return Err(denied(format!(
                    "{owner:?} owns group {:?}: the owner of a {} group cannot leave it",
                    g.id,
                    g.kind.as_str()
                )));
            }
            let gone: Vec<group_cb::GroupMemberAccount> = g
                .members
                .iter()
                .filter(|m| req.member_to_del_account.contains(&m.account))
                .map(|m| group_cb::GroupMemberAccount::new(&m.account))
                .collect();
            g.members
                .retain(|m| !req.member_to_del_account.contains(&m.account));
            if g.owner
                .as_ref()
                .is_some_and(|o| req.member_to_del_account.contains(o))
            {
                g.owner = None;
            }
            Ok((g.kind, gone))
        })
        .map(|(kind, gone)| {
            if !gone.is_empty() {
                call.after(
                    &group_cb::AfterMemberExit::new(
                        group_cb::AfterMemberExit::INFO.command,
                        &req.group_id,
                        kind.as_str(),
                        "Kicked",
                        call.svc.admin(),
                        gone,
                    )
                    .event_time(call.now_ms),
                );
            }
            DeleteGroupMemberResponse::default()
        })
}

/// Whether a member with `role` passes a `MemberRoleFilter`.
fn role_passes(filter: Option<&Vec<String>>, role: Role) -> bool {
    filter.is_none_or(|f| f.iter().any(|r| r == role.as_str()))
}

pub(crate) fn get_group_member_info(
    call: &Call<'_>,
    req: GetGroupMemberInfoRequest,
) -> Result<GetGroupMemberInfoResponse, ApiError> {
    let store = call.svc.state.lock();
    let g = group(&store, &req.group_id)?;
    refuse_types(g, &[GroupType::AvChatRoom], "the member list")?;
    let no_filter = req.member_info_filter.is_none()
        && req.member_role_filter.is_none()
        && req.app_defined_data_filter_group_member.is_none();
    let view = MemberView {
        fields: Sel::from(req.member_info_filter.as_ref()),
        keys: if no_filter {
            Some(Sel::All)
        } else {
            req.app_defined_data_filter_group_member
                .as_deref()
                .map(Sel::Only)
        },
        online_status: false,
    };
    let matching: Vec<_> = g
        .members
        .iter()
        .filter(|m| role_passes(req.member_role_filter.as_ref(), m.role))
        .collect();
    let community = g.kind == GroupType::Community;
    let start = if community {
        match req.next.as_deref() {
            None | Some("") => 0,
            Some(n) => n
                .parse::<usize>()
                .map_err(|_| invalid(format!("Next {n:?} is not a cursor this group answered")))?,
        }
    } else {
        usize::try_from(req.offset.unwrap_or(0)).unwrap_or(usize::MAX)
    };
    let limit = match req.limit {
        None | Some(0) => usize::MAX,
        Some(n) => usize::try_from(n).unwrap_or(usize::MAX),
    };
    let page: Vec<_> = matching.iter().skip(start).take(limit).collect();
    let mut resp = GetGroupMemberInfoResponse::default();
    resp.member_num = Some(super::member_count(g));
    if community {
        let end = start.saturating_add(page.len());
        resp.next = Some(if end < matching.len() {
            end.to_string()
        } else {
            String::new()
        });
    }
    resp.member_list = Some(
        page.into_iter()
            .map(|m| member_info(g, m, view, call.now_ms))
            .collect(),
    );
    Ok(resp)
}

pub(crate) fn get_specified_group_member_info(
    call: &Call<'_>,
    req: GetSpecifiedGroupMemberInfoRequest,
) -> Result<GetSpecifiedGroupMemberInfoResponse, ApiError> {
    let store = call.svc.state.lock();
    let g = group(&store, &req.group_id)?;
    refuse_types(g, &[GroupType::AvChatRoom], "member profiles")?;
    let view = MemberView {
        fields: Sel::from(req.member_info_filter.as_ref()),
        keys: Some(Sel::from(req.app_defined_data_filter_group_member.as_ref())),
        online_status: true,
    };
    let list = req
        .member_list_account
        .iter()
        .filter_map(|a| g.member(a))
        .filter(|m| role_passes(req.member_role_filter.as_ref(), m.role))
        .map(|m| member_info(g, m, view, call.now_ms))
        .collect();
    let mut resp = GetSpecifiedGroupMemberInfoResponse::default();
    resp.group_id = Some(g.id.clone());
    resp.member_list = Some(list);
    Ok(resp)
}

pub(crate) fn modify_group_member_info(
    call: &Call<'_>,
    req: ModifyGroupMemberInfoRequest,
) -> Result<ModifyGroupMemberInfoResponse, ApiError> {
    let (kind, role) = call.svc.with_store(|store| {
        let g = group_mut(store, &req.group_id)?;
        refuse_types(g, &[GroupType::AvChatRoom], "member profiles")?;
        if req.mute_time.is_some() {
            refuse_types(g, &[GroupType::Private], "muting")?;
        }
        let (kind, id) = (g.kind, g.id.clone());
        let Some(m) = g.member_mut(&req.member_account) else {
            return Err(invalid(format!(
                "Member_Account {:?} is not a member of group {id:?}",
                req.member_account
            )));
        };
        let role = match req.role.as_deref() {
            None => None,
            Some(_) if m.role == Role::Owner => {
                return Err(denied(format!(
                    "{:?} owns group {id:?}: the owner's role cannot be changed",
                    m.account
                )));
            }
            Some("Admin") if !kind.has_admins() => {
                return Err(denied(format!("{} groups have no admins", kind.as_str())));
            }
            Some("Admin") => Some(Role::Admin),
            Some(_) => Some(Role::Member),
        };
        let custom = merge_custom(
            &m.custom,
            member_items(req.app_member_defined_data.as_ref()),
            "AppMemberDefinedData",
            MEMBER_KEYS,
            MEMBER_VALUE_BYTES,
            false,
        )?;
        // Every check passed.
        if let Some(role) = role {
            m.role = role;
        }
        if let Some(flag) = &req.msg_flag {
            m.msg_flag.clone_from(flag);
        }
        if let Some(card) = &req.name_card {
            m.name_card.clone_from(card);
        }
        m.custom = custom;
        let account = m.account.clone();
        match req.mute_time {
            None => {}
            Some(0) => {
                g.mutes.remove(&account);
            }
            Some(t) => {
                g.mutes.insert(account, mute_end(call.now_ms, t));
            }
        }
        Ok::<_, ApiError>((kind, role))
    })?;
    // Group.CallbackAfterMemberFieldChanged carries the role and the name card only: a
    // change of anything else (a mute, MsgFlag, custom fields) sends nothing. REST calls
    // carry no operator: the app admin's.
    let mut changed = group_cb::AfterMemberFieldChanged::new(
        group_cb::AfterMemberFieldChanged::INFO.command,
        &req.group_id,
        kind.as_str(),
        call.svc.admin(),
        &req.member_account,
    )
    .event_time(call.now_ms);
    changed.role = role.map(|r| r.as_str().to_owned());
    changed.name_card.clone_from(&req.name_card);
    if changed.role.is_some() || changed.name_card.is_some() {
        call.after(&changed);
    }
    Ok(ModifyGroupMemberInfoResponse::default())
}

pub(crate) fn get_role_in_group(
    call: &Call<'_>,
    req: GetRoleInGroupRequest,
) -> Result<GetRoleInGroupResponse, ApiError> {
    let store = call.svc.state.lock();
    let g = group(&store, &req.group_id)?;
    refuse_types(g, &[GroupType::AvChatRoom], "roles")?;
    let roles = req
        .user_account
        .iter()
        .map(|a| {
            let role = g.member(a).map_or("NotMember", |m| m.role.as_str());
            MemberRole::new(a.as_str(), role)
        })
        .collect();
    let mut resp = GetRoleInGroupResponse::default();
    resp.user_id_list = Some(roles);
    Ok(resp)
}

pub(crate) fn import_group_member(
    call: &Call<'_>,
    req: ImportGroupMemberRequest,
) -> Result<ImportGroupMemberResponse, ApiError> {
    let now = secs(call.now_ms);
    call.svc.with_store(|store| {
        let g = group(store, &req.group_id)?;
        refuse_types(g, &[GroupType::AvChatRoom], "importing members")?;
        if !g.kind.has_admins()
            && req
                .member_list
                .iter()
                .any(|m| m.role.as_deref() == Some("Admin"))
        {
            return Err(denied(format!("{} groups have no admins", g.kind.as_str())));
        }
        // Decide every member first (nothing changes if a check above failed).
        let mut results = Vec::new();
        let mut added: Vec<(&str, Role, u64, u64)> = Vec::new();
        for item in &req.member_list {
            let account = item.member_account.as_str();
            let join_time = item.join_time.unwrap_or(now);
            let result = if g.is_member(account) || added.iter().any(|(a, ..)| *a == account) {
                ALREADY
            } else if !store.exists(account, call.svc.admin())
                || join_time < g.create_time
                || join_time > now
                || !has_room(g, added.len() + 1)
            {
                FAILED
            } else {
                let role = if item.role.as_deref() == Some("Admin") {
                    Role::Admin
                } else {
                    Role::Member
                };
                let read_seq = match item.unread_msg_num {
                    Some(n) if g.kind.counts_unread() => g.read_seq_for_unread(n),
                    _ => g.last_seq(),
                };
                added.push((account, role, join_time, read_seq));
                ADDED
            };
            results.push(MemberResult::new(account, result));
        }
        let added: Vec<_> = added
            .into_iter()
            .map(|(a, role, t, seq)| (a.to_owned(), role, t, seq))
            .collect();
        let g = group_mut(store, &req.group_id)?;
        for (account, role, join_time, read_seq) in added {
            let mut m = new_member(g, &account, role, join_time);
            m.read_seq = read_seq;
            g.members.push(m);
        }
        let mut resp = ImportGroupMemberResponse::default();
        resp.member_list = Some(results);
        Ok(resp)
    })
}

pub(crate) fn forbid_send_msg(
    call: &Call<'_>,
    req: ForbidSendMsgRequest,
) -> Result<ForbidSendMsgResponse, ApiError> {
    call.svc.with_store(|store| {
        let g = group(store, &req.group_id)?;
        refuse_types(g, &[GroupType::Private], "muting")?;
        if let Some(id) = &req.topic_id {
            topic_of(g, id)?;
        }
        for account in &req.members_account {
            let known = if g.kind.has_members() {
                g.is_member(account)
            } else {
                store.exists(account, call.svc.admin())
            };
            if !known {
                return Err(invalid(format!(
                    "Members_Account {account:?} is not a member of group {:?}",
                    g.id
                )));
            }
        }
        let g = group_mut(store, &req.group_id)?;
        // A topic's mutes, or the group's.
        let mutes = match &req.topic_id {
            Some(id) => &mut topic_of_mut(g, id)?.mutes,
            None => &mut g.mutes,
        };
        for account in &req.members_account {
            if req.mute_time == 0 {
                mutes.remove(account);
            } else {
                mutes.insert(account.clone(), mute_end(call.now_ms, req.mute_time));
            }
        }
        Ok(ForbidSendMsgResponse::default())
    })
}

pub(crate) fn get_group_muted_account(
    call: &Call<'_>,
    req: GetGroupMutedAccountRequest,
) -> Result<GetGroupMutedAccountResponse, ApiError> {
    let store = call.svc.state.lock();
    let g = group(&store, &req.group_id)?;
    let mutes = match &req.topic_id {
        Some(id) => &topic_of(g, id)?.mutes,
        None => &g.mutes,
    };
    let muted = mutes
        .iter()
        .filter(|(a, until)| **until > call.now_ms && (!g.kind.has_members() || g.is_member(a)))
        .map(|(a, until)| MutedAccount::new(a.as_str(), secs(*until)))
        .collect();
    let mut resp = GetGroupMutedAccountResponse::default();
    resp.group_id = Some(g.id.clone());
    resp.muted_account_list = Some(muted);
    Ok(resp)
}
