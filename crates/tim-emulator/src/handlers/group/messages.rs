//! Group messages: sending, importing, history, recalls, system notifications and unread
//! counts. The rules and choices are in the module docs of [`super`].

use tim_model::ErrorCode;
use tim_model::common::MsgElement;
use tim_model::group::{
    ClearGroupMsgRequest, ClearGroupMsgResponse, DeleteGroupMsgBySenderRequest,
    DeleteGroupMsgBySenderResponse, GetGroupMsgRequest, GetGroupMsgResponse, GroupMsgItem,
    GroupRecallResult, ImportGroupMsgItem, ImportGroupMsgRequest, ImportGroupMsgResponse,
    ImportGroupMsgResult, RecallGroupMsgRequest, RecallGroupMsgResponse, SendGroupMsgRequest,
    SendGroupMsgResponse, SendGroupSystemNotificationRequest, SendGroupSystemNotificationResponse,
    SetUnreadMsgNumRequest, SetUnreadMsgNumResponse,
};

use super::extensions::new_extension;
use super::receipts::new_receipt;
use super::{group, group_mut, invalid, refuse_types, secs, topic_of, topic_of_mut};
use crate::call::Call;
use crate::reply::ApiError;
use crate::state::group::{
    Group, GroupMsg, GroupNotification, GroupType, Receipt, RecentSend, Role,
};
use crate::webhook::Before;
use tim_model::callback::Payload as _;
use tim_model::callbacks::group as group_cb;

/// Two messages with the same sender, body and `Random` this close are one (5 minutes).
const DEDUP_WINDOW_MS: u64 = 300_000;
/// The same, in seconds (import_group_msg compares `SendTime`s).
const DEDUP_WINDOW_SECS: u64 = DEDUP_WINDOW_MS / 1000;
/// Largest message body (its JSON), in bytes.
const MAX_MSG_BYTES: usize = 12_000;
/// delete_group_msg_by_sender looks at this many latest messages.
const DELETE_BY_SENDER_SCOPE: usize = 1_000;
/// `IsPlaceMsg` of a recalled message.
const PLACE_RECALLED: u8 = 2;
/// `SendMsgControl` value: not counted as unread.
const NO_UNREAD: &str = "NoUnread";

/// The size of a message body, as JSON bytes.
fn body_bytes(body: &[MsgElement]) -> usize {
    serde_json::to_vec(body).map_or(usize::MAX, |v| v.len())
}

/// `MsgPriority` as group_msg_get_simple answers it (1 High, 2 Normal, 3 Low).
fn priority(p: Option<&str>) -> u8 {
    match p {
        Some("High") => 1,
        Some("Low") => 3,
        _ => 2,
    }
}

/// The message list and next `MsgSeq` of the group, or of its topic `topic`.
fn log_mut<'a>(
    g: &'a mut Group,
    topic: Option<&String>,
) -> Option<(&'a mut Vec<GroupMsg>, &'a mut u64)> {
    match topic {
        None => Some((&mut g.messages, &mut g.next_seq)),
        Some(id) => g
            .topics
            .iter_mut()
            .find(|t| &t.id == id)
            .map(|t| (&mut t.messages, &mut t.next_seq)),
    }
}

/// Whether `sender` may speak in `g` now: not muted, and not silenced by `MuteAllMember`
/// (the owner, admins, a live group's admins and the app admin still speak).
fn may_speak(g: &Group, sender: &str, admin: &str, now_ms: u64) -> Result<(), ApiError> {
    if let Some(until) = g.muted_until(sender, now_ms) {
        return Err(ApiError::new(
            ErrorCode::SenderMuted,
            format!(
                "{sender:?} is muted in group {:?} until {}",
                g.id,
                secs(until)
            ),
        ));
    }
    let manager = sender == admin
        || g.live_admins.iter().any(|a| a == sender)
        || g.member(sender)
            .is_some_and(|m| matches!(m.role, Role::Owner | Role::Admin));
    if g.mute_all && !manager {
        return Err(ApiError::new(
            ErrorCode::SenderMuted,
            format!(
                "group {:?} mutes all members: only the owner, admins and the app admin speak",
                g.id
            ),
        ));
    }
    Ok(())
}

pub(crate) fn send_group_msg(
    call: &Call<'_>,
    req: SendGroupMsgRequest,
) -> Result<SendGroupMsgResponse, ApiError> {
    let admin = call.svc.admin();
    let from = req.from_account.clone().unwrap_or_else(|| admin.to_owned());
    let now = secs(call.now_ms);
    let control = req.send_msg_control.as_deref().unwrap_or_default();
    if req.online_only_flag == Some(1) && !control.is_empty() {
        return Err(invalid(
            "SendMsgControl cannot be used with OnlineOnlyFlag 1",
        ));
    }
    let size = body_bytes(&req.msg_body);
    if size > MAX_MSG_BYTES {
        return Err(ApiError::new(
            ErrorCode::MessageTooLong,
            format!("the message body has {size} bytes, at most {MAX_MSG_BYTES}"),
        ));
    }
    let checked = call.svc.with_store(|store| {
        call.require_account(
            store,
            &from,
            "From_Account",
            ErrorCode::InvalidRequestParameter,
        )?;
        // Globally muted (openconfigsvr/setnospeaking): 10017, before any callback.
        crate::handlers::nospeaking::refuse_group_muted(store, &from, call.now_ms)?;
        let g = group_mut(store, &req.group_id)?;
        if g.kind == GroupType::AvChatRoom {
            if control.iter().any(|c| c == NO_UNREAD) {
                return Err(invalid("NoUnread cannot be used in AVChatRoom groups"));
            }
            if req
                .group_at_info
                .iter()
                .flatten()
                .any(|a| a.group_at_all_flag == 1)
            {
                return Err(invalid("@all is not supported in AVChatRoom groups"));
            }
        }
        if req.to_account.is_some() {
            refuse_types(
                g,
                &[GroupType::AvChatRoom, GroupType::Community],
                "To_Account",
            )?;
        }
        may_speak(g, &from, admin, call.now_ms)?;
        if let Some(id) = &req.topic_id {
            let t = topic_of(g, id)?;
            if let Some(until) = t.muted_until(&from, call.now_ms) {
                return Err(ApiError::new(
                    ErrorCode::SenderMuted,
                    format!("{from:?} is muted in topic {id:?} until {}", secs(until)),
                ));
            }
            let manager = from == admin
                || g.member(&from)
                    .is_some_and(|m| matches!(m.role, Role::Owner | Role::Admin));
            if t.mute_all && !manager {
                return Err(ApiError::new(
                    ErrorCode::SenderMuted,
                    format!("topic {id:?} mutes all members: only the owner and admins speak"),
                ));
            }
        }

        // The same message within the window: answered as the first one.
        while g
            .recent_sends
            .front()
            .is_some_and(|s| call.now_ms.saturating_sub(s.at_ms) >= DEDUP_WINDOW_MS)
        {
            g.recent_sends.pop_front();
        }
        if let Some(same) = g.recent_sends.iter().find(|s| {
            s.random == req.random
                && s.from == from
                && s.body == req.msg_body
                && s.topic == req.topic_id
        }) {
            let mut resp = SendGroupMsgResponse::default();
            resp.msg_seq = Some(same.seq);
            resp.msg_time = Some(same.time);
            return Ok(Err(resp));
        }
        Ok(Ok(g.kind))
    })?;
    let kind = match checked {
        Ok(kind) => kind,
        Err(duplicate) => return Ok(duplicate),
    };

    // The app's server sees the message first, and may refuse, drop or rewrite it.
    let online_flag = u8::from(req.online_only_flag == Some(1));
    let before = group_cb::BeforeSendMsg::new(
        group_cb::BeforeSendMsg::INFO.command,
        &req.group_id,
        kind.as_str(),
        &from,
        admin,
        req.random,
        req.msg_body.clone(),
    )
    .online_only_flag(online_flag)
    .event_time(call.now_ms);
    let mut before = before;
    before.topic_id.clone_from(&req.topic_id);
    before.cloud_custom_data.clone_from(&req.cloud_custom_data);
    let (mut body, mut cloud_custom_data) = (req.msg_body.clone(), req.cloud_custom_data.clone());
    match call.before(&before) {
        Before::Proceed(Some(answer)) => {
            if let Some(changed) = answer.msg_body {
                body = changed;
            }
            if let Some(changed) = answer.cloud_custom_data {
                cloud_custom_data = Some(changed);
            }
        }
        Before::Proceed(None) => {}
        Before::Discard => {
            // Told it was sent; nothing was stored, so no MsgSeq was taken (0).
            let mut resp = SendGroupMsgResponse::default();
            resp.msg_seq = Some(0);
            resp.msg_time = Some(now);
            return Ok(resp);
        }
        Before::Refuse(error) => {
            return Err(error.unwrap_or_else(|| {
                ApiError::new(
                    ErrorCode::from_code(10016),
                    "refused by the app's callback Group.CallbackBeforeSendMsg",
                )
            }));
        }
    }

    let (seq, kind) = call.svc.with_store(|store| {
        let g = group_mut(store, &req.group_id)?;
        let online_only = req.online_only_flag == Some(1) && g.kind != GroupType::AvChatRoom;
        let seq = if online_only {
            0
        } else {
            let receipt = new_receipt(g, &from);
            let extension = new_extension(g.kind, req.support_message_extension);
            let keeps = g.kind.keeps_history();
            g.last_msg_time = now;
            g.active = true;
            let Some((messages, next_seq)) = log_mut(g, req.topic_id.as_ref()) else {
                return Err(ApiError::new(
                    ErrorCode::GroupNotFound,
                    "the topic was disbanded meanwhile",
                ));
            };
            let seq = *next_seq;
            *next_seq += 1;
            if keeps {
                messages.push(GroupMsg {
                    seq,
                    from: from.clone(),
                    random: req.random,
                    time: now,
                    priority: priority(req.msg_priority.as_deref()),
                    body: body.clone(),
                    cloud_custom_data: cloud_custom_data.clone(),
                    recalled: false,
                    receipt,
                    extension,
                });
            }
            seq
        };
        if let Some(m) = g.member_mut(&from) {
            m.last_send_time = now;
            if req.topic_id.is_none() {
                m.read_seq = m.read_seq.max(seq);
            }
        }
        g.recent_sends.push_back(RecentSend {
            at_ms: call.now_ms,
            from: from.clone(),
            random: req.random,
            body: req.msg_body.clone(),
            topic: req.topic_id.clone(),
            seq,
            time: now,
        });
        Ok::<_, ApiError>((seq, g.kind))
    })?;
    let after = group_cb::AfterSendMsg::new(
        group_cb::AfterSendMsg::INFO.command,
        &req.group_id,
        kind.as_str(),
        &from,
        admin,
        req.random,
        u32::try_from(seq).unwrap_or(u32::MAX),
        now,
        body,
    )
    .online_only_flag(online_flag)
    .event_time(call.now_ms);
    let mut after = after;
    after.topic_id.clone_from(&req.topic_id);
    after.cloud_custom_data = cloud_custom_data;
    call.after(&after);
    let mut resp = SendGroupMsgResponse::default();
    resp.msg_seq = Some(seq);
    resp.msg_time = Some(now);
    Ok(resp)
}

fn msg_item(m: &GroupMsg) -> GroupMsgItem {
    let mut item = GroupMsgItem::new(m.seq);
    item.from_account = Some(m.from.clone());
    item.is_place_msg = Some(if m.recalled { PLACE_RECALLED } else { 0 });
    item.msg_priority = Some(m.priority);
    item.msg_random = Some(m.random);
    item.msg_time_stamp = Some(m.time);
    item.msg_body = Some(if m.recalled {
        Vec::new()
    } else {
        m.body.clone()
    });
    item
}

/// The most messages group_msg_get_simple returns per call.
const MAX_HISTORY_PER_CALL: usize = 20;

pub(crate) fn get_group_msg(
    call: &Call<'_>,
    req: GetGroupMsgRequest,
) -> Result<GetGroupMsgResponse, ApiError> {
    let store = call.svc.state.lock();
    let g = group(&store, &req.group_id)?;
    refuse_types(g, &[GroupType::AvChatRoom], "message history")?;
    let messages = match &req.topic_id {
        Some(id) => &topic_of(g, id)?.messages,
        None => &g.messages,
    };
    let with_recalled = req.with_recalled_msg == Some(1);
    // At most 20 messages per call (the page); more asked: 20, and `IsFinished` 0 when
    // more were there.
    let asked = usize::try_from(req.req_msg_number).unwrap_or(usize::MAX);
    let max = asked.min(MAX_HISTORY_PER_CALL);
    let mut matching = messages
        .iter()
        .rev()
        .filter(|m| req.req_msg_seq.is_none_or(|s| m.seq <= s))
        .filter(|m| with_recalled || !m.recalled);
    let list: Vec<GroupMsgItem> = matching.by_ref().take(max).map(msg_item).collect();
    let truncated = asked > max && matching.next().is_some();
    let mut resp = GetGroupMsgResponse::default();
    resp.group_id = Some(g.id.clone());
    resp.is_finished = Some(if truncated { 0 } else { 1 });
    resp.rsp_msg_list = Some(list);
    Ok(resp)
}

pub(crate) fn recall_group_msg(
    call: &Call<'_>,
    req: RecallGroupMsgRequest,
) -> Result<RecallGroupMsgResponse, ApiError> {
    call.svc
        .with_store(|store| {
            let g = group_mut(store, &req.group_id)?;
            if let Some(id) = &req.topic_id {
                topic_of(g, id)?;
            }
            let kind = g.kind;
            let Some((messages, _)) = log_mut(g, req.topic_id.as_ref()) else {
                return Err(ApiError::new(ErrorCode::GroupNotFound, "no such topic"));
            };
            let results = req
                .msg_seq_list
                .iter()
                .map(|item| {
                    let code = if kind == GroupType::AvChatRoom {
                        ErrorCode::GroupTypeRecallUnsupported.code()
                    } else {
                        match messages.iter_mut().find(|m| m.seq == item.msg_seq) {
                            None => ErrorCode::GroupRecallMsgNotFound.code(),
                            Some(m) if m.recalled => ErrorCode::GroupMsgNotRecallable.code(),
                            Some(m) => {
                                m.recalled = true;
                                0
                            }
                        }
                    };
                    GroupRecallResult::new(item.msg_seq, code)
                })
                .collect::<Vec<_>>();
            Ok((kind, results))
        })
        .map(|(kind, results)| {
            let recalled: Vec<_> = results
                .iter()
                .filter(|r| r.ret_code == 0)
                .map(|r| {
                    group_cb::RecalledMsgSeq::new(u32::try_from(r.msg_seq).unwrap_or(u32::MAX))
                })
                .collect();
            if !recalled.is_empty() {
                let payload = group_cb::AfterRecallMsg::new(
                    group_cb::AfterRecallMsg::INFO.command,
                    call.svc.admin(),
                    kind.as_str(),
                    &req.group_id,
                    recalled,
                )
                .event_time(call.now_ms);
                let mut payload = payload;
                payload.topic_id.clone_from(&req.topic_id);
                call.after(&payload);
            }
            let mut resp = RecallGroupMsgResponse::default();
            resp.recall_ret_list = Some(results);
            resp
        })
}

pub(crate) fn send_group_system_notification(
    call: &Call<'_>,
    req: SendGroupSystemNotificationRequest,
) -> Result<SendGroupSystemNotificationResponse, ApiError> {
    call.svc.with_store(|store| {
        let g = group(store, &req.group_id)?;
        if let Some(id) = &req.topic_id {
            topic_of(g, id)?;
        }
        let listed = req.to_members_account.as_ref().filter(|l| !l.is_empty());
        if listed.is_some() {
            refuse_types(g, &[GroupType::AvChatRoom], "ToMembers_Account")?;
        }
        let recipients = g
            .members
            .iter()
            .filter(|m| listed.is_none_or(|l| l.contains(&m.account)))
            .map(|m| m.account.clone())
            .collect();
        let note = GroupNotification {
            group_id: g.id.clone(),
            recipients,
            content: req.content.clone(),
            topic_id: req.topic_id.clone(),
            at_ms: call.now_ms,
        };
        store.groups.notifications.push(note);
        Ok(SendGroupSystemNotificationResponse::default())
    })
}

/// The stored message of `messages` that `item` repeats: same sender, body and `Random`,
/// sent within the deduplication window before it.
fn imported_twin<'a>(messages: &'a [GroupMsg], item: &ImportGroupMsgItem) -> Option<&'a GroupMsg> {
    let random = item.random?;
    messages.iter().rev().find(|m| {
        m.random == random
            && m.from == item.from_account
            && m.body == item.msg_body
            && item.send_time.saturating_sub(m.time) < DEDUP_WINDOW_SECS
    })
}

/// The stored form of an imported message (no extension, no priority).
fn imported(item: &ImportGroupMsgItem, seq: u64, receipt: Option<Receipt>) -> GroupMsg {
    GroupMsg {
        seq,
        from: item.from_account.clone(),
        random: item.random.unwrap_or_else(tim_model::new_msg_random),
        time: item.send_time,
        priority: priority(None),
        body: item.msg_body.clone(),
        cloud_custom_data: None,
        recalled: false,
        receipt,
        extension: None,
    }
}

pub(crate) fn import_group_msg(
    call: &Call<'_>,
    req: ImportGroupMsgRequest,
) -> Result<ImportGroupMsgResponse, ApiError> {
    let now = secs(call.now_ms);
    call.svc.with_store(|store| {
        let g = group(store, &req.group_id)?;
        refuse_types(g, &[GroupType::AvChatRoom], "importing messages")?;
        if let Some(id) = &req.topic_id {
            topic_of(g, id)?;
        }
        for m in &req.msg_list {
            call.require_account(
                store,
                &m.from_account,
                "From_Account",
                ErrorCode::InvalidRequestParameter,
            )?;
        }
        let g = group_mut(store, &req.group_id)?;
        if let Some(id) = &req.topic_id {
            let t = topic_of_mut(g, id)?;
            let results = req
                .msg_list
                .iter()
                .map(|item| {
                    import_one(
                        item,
                        now,
                        t.create_time,
                        &mut t.messages,
                        &mut t.next_seq,
                        None,
                    )
                })
                .collect();
            let mut resp = ImportGroupMsgResponse::default();
            resp.import_msg_result = Some(results);
            return Ok(resp);
        }
        let mut results = Vec::new();
        let mut imported = false;
        for item in &req.msg_list {
            let receipt = new_receipt(g, &item.from_account);
            let latest = g.create_time.max(g.last_msg_time);
            let before = g.next_seq;
            let r = import_one(item, now, latest, &mut g.messages, &mut g.next_seq, receipt);
            if g.next_seq != before {
                g.last_msg_time = item.send_time;
                g.active = true;
                imported = true;
            }
            results.push(r);
        }
        if imported {
            let last = g.last_seq();
            for m in &mut g.members {
                m.read_seq = last;
            }
        }
        let mut resp = ImportGroupMsgResponse::default();
        resp.import_msg_result = Some(results);
        Ok(resp)
    })
}

/// Imports `item` into `messages` (whose next `MsgSeq` is `next_seq`): 10004 for a
/// `SendTime` before `not_before` (the creation time or the latest message's time) or after
/// `now`, 80002 for a body over 12,000 bytes, the stored twin's `MsgSeq` for a repeat.
fn import_one(
    item: &ImportGroupMsgItem,
    now: u64,
    not_before: u64,
    messages: &mut Vec<GroupMsg>,
    next_seq: &mut u64,
    receipt: Option<Receipt>,
) -> ImportGroupMsgResult {
    let mut r = ImportGroupMsgResult::new(0);
    let latest = messages
        .last()
        .map_or(not_before, |m| not_before.max(m.time));
    if item.send_time < latest || item.send_time > now {
        r.result = ErrorCode::InvalidRequestParameter.code();
    } else if body_bytes(&item.msg_body) > MAX_MSG_BYTES {
        r.result = ErrorCode::MessageTooLong.code();
    } else if let Some(same) = imported_twin(messages, item) {
        r.msg_seq = Some(same.seq);
        r.msg_time = Some(same.time);
    } else {
        let seq = *next_seq;
        *next_seq += 1;
        messages.push(imported(item, seq, receipt));
        r.msg_seq = Some(seq);
        r.msg_time = Some(item.send_time);
    }
    r
}

pub(crate) fn delete_group_msg_by_sender(
    call: &Call<'_>,
    req: DeleteGroupMsgBySenderRequest,
) -> Result<DeleteGroupMsgBySenderResponse, ApiError> {
    call.svc.with_store(|store| {
        let g = group_mut(store, &req.group_id)?;
        let messages = match &req.topic_id {
            Some(id) => &mut topic_of_mut(g, id)?.messages,
            None => &mut g.messages,
        };
        let scope = messages.len().saturating_sub(DELETE_BY_SENDER_SCOPE);
        for m in messages.iter_mut().skip(scope) {
            if m.from == req.sender_account {
                m.recalled = true;
            }
        }
        Ok(DeleteGroupMsgBySenderResponse::default())
    })
}

pub(crate) fn set_unread_msg_num(
    call: &Call<'_>,
    req: SetUnreadMsgNumRequest,
) -> Result<SetUnreadMsgNumResponse, ApiError> {
    call.svc.with_store(|store| {
        let g = group_mut(store, &req.group_id)?;
        if !g.kind.counts_unread() {
            return Ok(SetUnreadMsgNumResponse::default());
        }
        let read_seq = g.read_seq_for_unread(req.unread_msg_num);
        let id = g.id.clone();
        let m = g.member_mut(&req.member_account).ok_or_else(|| {
            invalid(format!(
                "Member_Account {:?} is not a member of group {id:?}",
                req.member_account
            ))
        })?;
        m.read_seq = read_seq;
        Ok(SetUnreadMsgNumResponse::default())
    })
}

pub(crate) fn clear_group_msg(
    call: &Call<'_>,
    req: ClearGroupMsgRequest,
) -> Result<ClearGroupMsgResponse, ApiError> {
    call.svc.with_store(|store| {
        let g = group_mut(store, &req.group_id)?;
        refuse_types(g, &[GroupType::Community], "clearing the history")?;
        let last = g.last_seq();
        let up_to = req.msg_seq.map_or(last, |s| s.min(last));
        g.cleared_seq = g.cleared_seq.max(up_to);
        Ok(ClearGroupMsgResponse::default())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priorities_are_numbered_as_the_history_page_says() {
        assert_eq!(priority(Some("High")), 1);
        assert_eq!(priority(None), 2);
        assert_eq!(priority(Some("Normal")), 2);
        assert_eq!(priority(Some("Low")), 3);
    }
}
