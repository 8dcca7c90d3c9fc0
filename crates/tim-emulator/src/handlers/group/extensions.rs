//! Extensions of group messages (`openim_msg_ext_http_svc/group_get_key_values`,
//! `group_set_key_values`) and modifications of group messages (`openim/modify_group_msg`).
//! The rules and choices are in the module docs of [`super`]; the pull and write logic
//! is shared with one-to-one messages ([`crate::handlers::msg_ext`]).

use tim_model::ErrorCode;
use tim_model::callback::Payload as _;
use tim_model::callbacks::group as group_cb;
use tim_model::msg_ext::{
    GetGroupKeyValuesRequest, GetGroupKeyValuesResponse, SetGroupKeyValuesRequest,
    SetGroupKeyValuesResponse,
};
use tim_model::openim::{ModifyGroupMsgRequest, ModifyGroupMsgResponse};

use super::{group, group_mut, refuse_types};
use crate::call::Call;
use crate::handlers::msg_ext;
use crate::reply::ApiError;
use crate::state::group::{Group, GroupMsg, GroupType, MsgExt};

/// The group types whose messages have extensions.
const NO_EXTENSIONS: &[GroupType] = &[GroupType::AvChatRoom, GroupType::Community];

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
    let page = msg_ext::pull(extension(g, req.msg_seq)?, req.start_seq.unwrap_or(0));
    let mut resp = GetGroupKeyValuesResponse::default();
    resp.complete_flag = Some(page.complete);
    resp.latest_seq = Some(page.latest_seq);
    resp.clear_seq = Some(page.clear_seq);
    resp.extension_list = Some(page.pairs);
    Ok(resp)
}

pub(crate) fn set_group_key_values(
    call: &Call<'_>,
    req: SetGroupKeyValuesRequest,
) -> Result<SetGroupKeyValuesResponse, ApiError> {
    let items = req.extension_list.as_deref().unwrap_or_default();
    msg_ext::require_items(req.operate_type, items)?;
    let written = call.svc.with_store(|store| {
        let g = group_mut(store, &req.group_id)?;
        refuse_types(g, NO_EXTENSIONS, "message extensions")?;
        let what = format!("message {} of group {:?}", req.msg_seq, req.group_id);
        // The app admin's `Seq`s are not checked (the set page).
        let (ext, written) = msg_ext::write(
            extension(g, req.msg_seq)?,
            call.now_ms,
            req.operate_type,
            items,
            false,
            &what,
        )?;
        if let Some(m) = g.message_mut(req.msg_seq) {
            m.extension = Some(ext);
        }
        Ok::<_, ApiError>(written)
    })?;
    let seq = written.seq.unwrap_or_default();
    call.after(
        &group_cb::AfterGroupMsgExtension::new(
            group_cb::AfterGroupMsgExtension::INFO.command,
            &req.group_id,
            u32::try_from(req.msg_seq).unwrap_or(u32::MAX),
            u32::from(written.operate_type),
            written
                .changed
                .iter()
                .map(|(k, v)| group_cb::MsgExtensionKv::new(k, v, seq))
                .collect(),
            seq,
        )
        .event_time(call.now_ms),
    );
    let mut resp = SetGroupKeyValuesResponse::default();
    resp.extension_list = Some(written.results);
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
