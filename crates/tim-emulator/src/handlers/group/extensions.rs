//! Extensions of group messages (`openim_msg_ext_http_svc/group_get_key_values`,
//! `group_set_key_values`) and modifications of group messages (`openim/modify_group_msg`).
//! The rules and choices are in the module docs of [`super`].

use tim_model::ErrorCode;
use tim_model::callback::Payload as _;
use tim_model::callbacks::group as group_cb;
use tim_model::msg_ext::{
    GetGroupKeyValuesRequest, GetGroupKeyValuesResponse, MsgExtension, MsgExtensionResult,
    SetGroupKeyValuesRequest, SetGroupKeyValuesResponse,
};
use tim_model::openim::{ModifyGroupMsgRequest, ModifyGroupMsgResponse};

use super::{group, group_mut, invalid, refuse_types};
use crate::call::Call;
use crate::reply::ApiError;
use crate::state::group::{Group, GroupMsg, GroupType, MsgExt};

/// The group types whose messages have extensions.
const NO_EXTENSIONS: &[GroupType] = &[GroupType::AvChatRoom, GroupType::Community];
/// Most pairs of one message.
const MAX_PAIRS: usize = 300;
/// Most pairs per pull.
const PULL_PAGE: usize = 200;
/// Most writes per message per minute.
const WRITES_PER_MINUTE: usize = 200;
const MINUTE_MS: u64 = 60_000;
/// `OperateType`: set, delete, clear.
const SET: u8 = 1;
const DELETE: u8 = 2;

/// The extension a message sent in a group of `kind` gets (`SupportMessageExtension` 1 in
/// a type with extensions).
pub(super) fn new_extension(kind: GroupType, support: Option<u8>) -> Option<MsgExt> {
    (support == Some(1) && !NO_EXTENSIONS.contains(&kind)).then(MsgExt::default)
}

/// The stored, not recalled message `seq` of `g` (23004 otherwise).
fn message(g: &Group, seq: u64) -> Result<&GroupMsg, ApiError> {
    g.messages
        .binary_search_by_key(&seq, |m| m.seq)
        .ok()
        .and_then(|i| g.messages.get(i))
        .filter(|m| !m.recalled)
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::MsgExtMsgNotFound,
                format!("group {:?} has no message {seq}", g.id),
            )
        })
}

/// The extension of message `seq` (23004 no message, 23002 sent without extensions).
fn extension(g: &Group, seq: u64) -> Result<&MsgExt, ApiError> {
    message(g, seq)?.extension.as_ref().ok_or_else(|| {
        ApiError::new(
            ErrorCode::MsgExtNotSupported,
            format!(
                "message {seq} of group {:?} was sent without SupportMessageExtension 1",
                g.id
            ),
        )
    })
}

pub(crate) fn get_group_key_values(
    call: &Call<'_>,
    req: GetGroupKeyValuesRequest,
) -> Result<GetGroupKeyValuesResponse, ApiError> {
    let store = call.svc.state.lock();
    let g = group(&store, &req.group_id)?;
    refuse_types(g, NO_EXTENSIONS, "message extensions")?;
    let ext = extension(g, req.msg_seq)?;
    let start = req.start_seq.unwrap_or(0);
    let mut pairs: Vec<(&String, &(String, u64))> =
        ext.pairs.iter().filter(|(_, (_, s))| *s >= start).collect();
    pairs.sort_by_key(|(k, (_, s))| (*s, *k));
    let page: Vec<MsgExtension> = pairs
        .iter()
        .take(PULL_PAGE)
        .map(|(k, (v, s))| {
            let mut e = MsgExtension::new(k.as_str(), v.as_str());
            e.seq = Some(*s);
            e
        })
        .collect();
    let mut resp = GetGroupKeyValuesResponse::default();
    resp.complete_flag = Some(u8::from(page.len() == pairs.len()));
    resp.latest_seq = Some(ext.latest_seq);
    resp.clear_seq = Some(ext.clear_seq);
    resp.extension_list = Some(page);
    Ok(resp)
}

pub(crate) fn set_group_key_values(
    call: &Call<'_>,
    req: SetGroupKeyValuesRequest,
) -> Result<SetGroupKeyValuesResponse, ApiError> {
    let items = req.extension_list.as_deref().unwrap_or_default();
    if req.operate_type != 3 && items.is_empty() {
        return Err(invalid(
            "ExtensionList names the pairs to set (OperateType 1) or delete (2)",
        ));
    }
    let (resp, changed, seq) = call.svc.with_store(|store| {
        let g = group_mut(store, &req.group_id)?;
        refuse_types(g, NO_EXTENSIONS, "message extensions")?;
        let current = extension(g, req.msg_seq)?;
        let mut ext = current.clone();
        while ext
            .writes
            .front()
            .is_some_and(|&t| call.now_ms.saturating_sub(t) >= MINUTE_MS)
        {
            ext.writes.pop_front();
        }
        if ext.writes.len() >= WRITES_PER_MINUTE {
            return Err(ApiError::new(
                ErrorCode::MsgExtTooFrequent,
                format!(
                    "message {} of group {:?}: its extension is written at most {WRITES_PER_MINUTE} times a minute",
                    req.msg_seq, req.group_id
                ),
            ));
        }
        let seq = ext.latest_seq + 1;
        let mut results = Vec::new();
        match req.operate_type {
            SET => {
                for item in items {
                    ext.pairs
                        .insert(item.key.clone(), (item.value.clone(), seq));
                    let mut e = MsgExtension::new(item.key.as_str(), item.value.as_str());
                    e.seq = Some(seq);
                    let mut r = MsgExtensionResult::new(0);
                    r.extension = Some(e);
                    results.push(r);
                }
                if ext.pairs.len() > MAX_PAIRS {
                    return Err(invalid(format!(
                        "the message would hold {} key-value pairs, at most {MAX_PAIRS}",
                        ext.pairs.len()
                    )));
                }
            }
            DELETE => {
                for item in items {
                    ext.pairs.remove(&item.key);
                    let mut e = MsgExtension::new(item.key.as_str(), "");
                    e.seq = Some(seq);
                    let mut r = MsgExtensionResult::new(0);
                    r.extension = Some(e);
                    results.push(r);
                }
            }
            _ => {
                ext.pairs.clear();
                ext.clear_seq = seq;
            }
        }
        // Every check passed.
        ext.latest_seq = seq;
        ext.writes.push_back(call.now_ms);
        if let Some(m) = g.message_mut(req.msg_seq) {
            m.extension = Some(ext);
        }
        // The pairs set or deleted (a deleted one with an empty value); none after a clear.
        let changed: Vec<group_cb::MsgExtensionKv> = results
            .iter()
            .filter_map(|r| r.extension.as_ref())
            .map(|e| group_cb::MsgExtensionKv::new(&e.key, &e.value, seq))
            .collect();
        let mut resp = SetGroupKeyValuesResponse::default();
        resp.extension_list = Some(results);
        Ok::<_, ApiError>((resp, changed, seq))
    })?;
    call.after(
        &group_cb::AfterGroupMsgExtension::new(
            group_cb::AfterGroupMsgExtension::INFO.command,
            &req.group_id,
            u32::try_from(req.msg_seq).unwrap_or(u32::MAX),
            // What was done (anything but a set or a delete clears, as above).
            if matches!(req.operate_type, SET | DELETE) {
                u32::from(req.operate_type)
            } else {
                3
            },
            changed,
            seq,
        )
        .event_time(call.now_ms),
    );
    Ok(resp)
}

pub(crate) fn modify_group_msg(
    call: &Call<'_>,
    req: ModifyGroupMsgRequest,
) -> Result<ModifyGroupMsgResponse, ApiError> {
    let packet = |info: String| ApiError::new(ErrorCode::InvalidRequestPacket, info);
    if req.msg_body.is_none() && req.cloud_custom_data.is_none() {
        return Err(ApiError::new(
            call.bad_body(),
            "give MsgBody, CloudCustomData or both: there is nothing to modify",
        ));
    }
    call.svc.with_store(|store| {
        let g = store
            .groups
            .groups
            .get_mut(&req.group_id)
            .ok_or_else(|| packet(format!("group {:?} does not exist", req.group_id)))?;
        let id = g.id.clone();
        // A topic's messages have their own `MsgSeq`s (the page: "modify historical
        // messages in a topic"); the page's table has no topic code: 20001 as for the group.
        let messages = match &req.topic_id {
            Some(t) => {
                &mut super::topic_of_mut(g, t)
                    .map_err(|_| {
                        packet(format!(
                            "TopicId {t:?}: group {id:?} has no such topic (or no topics)"
                        ))
                    })?
                    .messages
            }
            None => &mut g.messages,
        };
        let m = messages
            .binary_search_by_key(&req.msg_seq, |m| m.seq)
            .ok()
            .and_then(|i| messages.get_mut(i))
            .filter(|m| !m.recalled)
            .ok_or_else(|| {
                packet(format!(
                    "group {id:?} has no stored message {} (audio-video groups store none)",
                    req.msg_seq
                ))
            })?;
        if let Some(body) = &req.msg_body {
            m.body.clone_from(body);
        }
        if let Some(data) = &req.cloud_custom_data {
            m.cloud_custom_data = Some(data.clone());
        }
        Ok(ModifyGroupMsgResponse::default())
    })
}
