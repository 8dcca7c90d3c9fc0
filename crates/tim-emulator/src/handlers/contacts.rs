//! `recentcontact/get_list` and `recentcontact/delete`: each account's conversation list.
//!
//! A one-to-one conversation appears in both parties' lists with its first message (sent,
//! batch-sent or imported; a message sent with `SyncOtherMachine` 2 adds it to the
//! recipient's only, one with `NoLastMsg` to neither) and its `MsgTime` is the time of its
//! last message. Choices where the pages are silent: pages hold 100 conversations, newest
//! first; `StartIndex` is the position to continue from and `TimeStamp` the `MsgTime` of
//! the last conversation returned (both 0 once `CompleteFlag` is 1); nothing is pinned, so
//! the `Top*` fields stay 0; deleting a conversation that is not in the list succeeds, and
//! with `ClearRamble` 1 its messages leave the user's history (admin_getroammsg) too.
//! The conversation groups and marks (`create_contact_group`...) answer the conformance
//! default.

use tim_model::ErrorCode;
use tim_model::recent_contact::{
    DeleteRequest, DeleteResponse, GetListRequest, GetListResponse, SessionItem,
};

use crate::call::Call;
use crate::reply::ApiError;

const PAGE: usize = 100;

pub(super) fn get_list(call: &Call<'_>, req: GetListRequest) -> Result<GetListResponse, ApiError> {
    let store = call.svc.state.lock();
    call.require_account(
        &store,
        &req.from_account,
        "From_Account",
        ErrorCode::ContactUserNotImported,
    )?;
    let mut sessions: Vec<(&String, u64)> = store
        .c2c
        .sessions
        .get(&req.from_account)
        .map(|s| s.iter().map(|(peer, s)| (peer, s.msg_time)).collect())
        .unwrap_or_default();
    sessions.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let start = usize::try_from(req.start_index)
        .unwrap_or(usize::MAX)
        .min(sessions.len());
    let end = (start + PAGE).min(sessions.len());
    let page = &sessions[start..end];
    let complete = end == sessions.len();
    let mut resp = GetListResponse::default();
    resp.session_item = Some(
        page.iter()
            .map(|(peer, time)| {
                let mut s = SessionItem::default();
                s.session_type = 1;
                s.to_account = Some((*peer).clone());
                s.msg_time = *time;
                s
            })
            .collect(),
    );
    resp.complete_flag = Some(u8::from(complete));
    resp.time_stamp = Some(if complete {
        0
    } else {
        page.last().map_or(0, |p| p.1)
    });
    resp.start_index = Some(if complete {
        0
    } else {
        u32::try_from(end).unwrap_or(u32::MAX)
    });
    resp.top_time_stamp = Some(0);
    resp.top_start_index = Some(0);
    Ok(resp)
}

pub(super) fn delete(call: &Call<'_>, req: DeleteRequest) -> Result<DeleteResponse, ApiError> {
    call.svc.with_store(|store| {
        call.require_account(
            store,
            &req.from_account,
            "From_Account",
            ErrorCode::ContactUserNotImported,
        )?;
        if req.contact_type == 1 {
            let Some(peer) = req.to_account.as_deref() else {
                return Err(ApiError::new(
                    ErrorCode::ContactInvalidParameter,
                    "Type 1 (one-to-one) needs To_Account",
                ));
            };
            if let Some(s) = store.c2c.sessions.get_mut(&req.from_account) {
                s.remove(peer);
            }
            if req.clear_ramble == Some(1) {
                let me = req.from_account.as_str();
                if let Some(list) = store
                    .c2c
                    .conversations
                    .get_mut(&crate::state::c2c::pair(me, peer))
                {
                    for m in list.iter_mut() {
                        if m.from == me {
                            m.hidden_for_sender = true;
                        }
                        if m.to == me {
                            m.hidden_for_recipient = true;
                        }
                    }
                }
            }
        }
        Ok(DeleteResponse::default())
    })
}
