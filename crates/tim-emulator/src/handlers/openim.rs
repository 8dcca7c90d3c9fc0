//! `openim/*`: one-to-one messages, read marks, unread counts and online status.
//!
//! Messages are stored per conversation in time order, with the `MsgKey`
//! `{MsgSeq}_{MsgRandom}_{MsgTimeStamp}` (the form of every key on the pages). Sender and
//! recipient must exist: imported, or the app admin (a missing `From_Account` means the
//! admin). Choices where the pages are silent:
//!
//! - sendmsg: an unknown sender answers 90008, an unknown recipient 90012, a sender
//!   globally muted for one-to-one messages 20012 (see [`super::nospeaking`]); a repeat with
//!   the same sender, recipient, `MsgSeq`, `MsgRandom` and body within the `MsgRandom`
//!   window ([`Config::msg_random_window`](crate::Config::msg_random_window), 1 s) is the
//!   same message: same `MsgKey`, nothing stored twice. An absent `MsgSeq` gets a random
//!   one, as the page says the backend does.
//! - sendmsg with `SupportMessageExtension` 1 gives the stored message an extension (see
//!   [`super::c2c_ext`]); batchsendmsg, importmsg and chatbot messages have none.
//! - batchsendmsg: every recipient gets the message under one `MsgKey`; unknown recipients
//!   are listed in `ErrorList` with 70107; when no recipient exists the call fails with
//!   70107.
//! - `SendMsgControl` `NoUnread`, `MsgLifeTime` 0 and importmsg with `SyncFromOldSystem` 2
//!   add no unread count; `NoLastMsg` does not refresh the recent contacts;
//!   `SyncOtherMachine` 2 keeps the message out of the sender's history.
//! - admin_getroammsg: pages go from the newest message backwards; each page lists its
//!   messages oldest first, at most `MaxCnt`, and `LastMsgTime`/`LastMsgKey` name its oldest
//!   one (the page's samples: the first page's `LastMsgKey` is its first message). A
//!   recalled message is listed with `MsgFlagBits` 8 and an empty `MsgBody`.
//! - admin_set_msg_read marks every message up to `MsgReadTime` (default: now) as read;
//!   get_c2c_unread_msg_num counts the rest.
//! - delete_c2c_msg_ramble hides the messages from the operator only; unknown keys are
//!   ignored.
//! - query_online_status: nobody is logged in to an emulator, so existing accounts are
//!   `Offline`; unknown ones are in `ErrorList` with 70107.

use tim_model::ErrorCode;
use tim_model::openim::{
    AccountError, BatchSendMsgRequest, BatchSendMsgResponse, C2cMsgReadReceiptRequest,
    C2cMsgReadReceiptResponse, C2cUnreadCount, DeleteC2cMsgRambleRequest,
    DeleteC2cMsgRambleResponse, GetC2cUnreadMsgNumRequest, GetC2cUnreadMsgNumResponse,
    GetRoamMsgRequest, GetRoamMsgResponse, ImportMsgRequest, ImportMsgResponse,
    ModifyC2cMsgRequest, ModifyC2cMsgResponse, OnlineState, PeerError, QueryOnlineStatusRequest,
    QueryOnlineStatusResponse, RoamMsg, SendMsgRequest, SendMsgResponse, SetMsgReadRequest,
    SetMsgReadResponse, WithdrawMsgRequest, WithdrawMsgResponse,
};

use crate::call::Call;
use crate::reply::ApiError;
use crate::state::Store;
use crate::state::c2c::{C2cMsg, FLAG_RECALLED};
use crate::webhook::Before;
use tim_model::callback::Payload as _;
use tim_model::callbacks::c2c;

/// `SendMsgControl` value: the message adds no unread count.
const NO_UNREAD: &str = "NoUnread";
/// `SendMsgControl` value: the message does not refresh the conversation list.
const NO_LAST_MSG: &str = "NoLastMsg";

fn has(control: Option<&Vec<String>>, flag: &str) -> bool {
    control.is_some_and(|c| c.iter().any(|f| f == flag))
}

/// What a send stores for each recipient.
struct Outgoing<'a> {
    from: &'a str,
    seq: u32,
    random: u32,
    time: u64,
    body: &'a [tim_model::common::MsgElement],
    cloud_custom_data: Option<&'a String>,
    counts_unread: bool,
    sender_sees: bool,
    refresh_sessions: bool,
    /// `SupportMessageExtension` 1: the message gets an extension.
    extensions: bool,
}

impl Outgoing<'_> {
    /// Stores the message to `to` (or finds the same one sent within the window); returns
    /// its `MsgKey`.
    fn deliver(&self, store: &mut Store, call: &Call<'_>, to: &str) -> String {
        let window_ms = call.svc.limits.msg_random_window_ms;
        if let Some(same) = store
            .c2c
            .conversation(self.from, to)
            .iter()
            .rev()
            .find(|m| {
                m.from == self.from
                    && m.to == to
                    && m.seq == self.seq
                    && m.random == self.random
                    && m.body == self.body
                    && call.now_ms.saturating_sub(m.stored_ms) < window_ms
            })
        {
            return same.key.clone();
        }
        let key = C2cMsg::key_of(self.seq, self.random, self.time);
        store.c2c.insert(C2cMsg {
            from: self.from.to_owned(),
            to: to.to_owned(),
            seq: self.seq,
            random: self.random,
            time: self.time,
            stored_ms: call.now_ms,
            arrival: 0,
            key: key.clone(),
            body: self.body.to_vec(),
            cloud_custom_data: self.cloud_custom_data.cloned(),
            recalled: false,
            counts_unread: self.counts_unread,
            peer_read: false,
            hidden_for_sender: !self.sender_sees,
            hidden_for_recipient: false,
            extension: self.extensions.then(Default::default),
        });
        if self.refresh_sessions {
            store
                .c2c
                .touch_sessions(self.from, to, self.time, self.sender_sees);
        }
        key
    }
}

pub(super) fn send_msg(call: &Call<'_>, req: SendMsgRequest) -> Result<SendMsgResponse, ApiError> {
    let from = req
        .from_account
        .clone()
        .unwrap_or_else(|| call.svc.admin().to_owned());
    // The sendmsg page's codes: 20003 for a sender that does not exist, 90012 for a
    // recipient.
    call.svc.with_store(|store| {
        call.require_account(
            store,
            &from,
            "From_Account",
            ErrorCode::InvalidSenderOrRecipient,
        )?;
        call.require_account(
            store,
            &req.to_account,
            "To_Account",
            ErrorCode::ToAccountNotFound,
        )?;
        // A globally muted sender is refused before the app's callback sees the message.
        super::nospeaking::refuse_c2c_muted(store, &from, call.now_ms)
    })?;
    let seq = req.msg_seq.unwrap_or_else(tim_model::new_msg_random);
    let time = call.now_ms / 1000;
    let key = C2cMsg::key_of(seq, req.msg_random, time);
    let online_only = u8::from(req.msg_life_time == Some(0));
    // The app's server sees the message first, and may refuse, drop or rewrite it.
    let before = c2c::BeforeSendMsg::new(
        c2c::BeforeSendMsg::INFO.command,
        &from,
        &req.to_account,
        seq,
        req.msg_random,
        time,
        &key,
        req.msg_body.clone(),
    )
    .online_only_flag(online_only);
    let mut before = before;
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
            let mut resp = SendMsgResponse::default();
            resp.msg_time = Some(time);
            resp.msg_key = Some(key);
            return Ok(resp);
        }
        Before::Refuse(error) => {
            return Err(error.unwrap_or_else(|| {
                ApiError::new(
                    ErrorCode::from_code(20006),
                    "refused by the app's callback C2C.CallbackBeforeSendMsg",
                )
            }));
        }
    }
    let (key, unread) = call.svc.with_store(|store| {
        let out = Outgoing {
            from: &from,
            seq,
            random: req.msg_random,
            time,
            body: &body,
            cloud_custom_data: cloud_custom_data.as_ref(),
            counts_unread: !has(req.send_msg_control.as_ref(), NO_UNREAD)
                && req.msg_life_time != Some(0),
            sender_sees: req.sync_other_machine != Some(2),
            refresh_sessions: !has(req.send_msg_control.as_ref(), NO_LAST_MSG),
            extensions: req.support_message_extension == Some(1),
        };
        let key = out.deliver(store, call, &req.to_account);
        let unread = store.c2c.unread(&req.to_account, &from);
        (key, unread)
    });
    let after = c2c::AfterSendMsg::new(
        c2c::AfterSendMsg::INFO.command,
        &from,
        &req.to_account,
        seq,
        req.msg_random,
        time,
        &key,
        0,
        "",
        body,
    )
    .online_only_flag(online_only)
    .unread_msg_num(i32::try_from(unread).unwrap_or(i32::MAX));
    let mut after = after;
    after.cloud_custom_data = cloud_custom_data;
    call.after(&after);
    let mut resp = SendMsgResponse::default();
    resp.msg_time = Some(time);
    resp.msg_key = Some(key);
    Ok(resp)
}

pub(super) fn batch_send_msg(
    call: &Call<'_>,
    req: BatchSendMsgRequest,
) -> Result<BatchSendMsgResponse, ApiError> {
    let from = req
        .from_account
        .clone()
        .unwrap_or_else(|| call.svc.admin().to_owned());
    call.svc.with_store(|store| {
        call.require_account(store, &from, "From_Account", ErrorCode::InvalidFromAccount)?;
        // "No one-to-one messages can be sent" by a globally muted account (setnospeaking).
        super::nospeaking::refuse_c2c_muted(store, &from, call.now_ms)?;
        let out = Outgoing {
            from: &from,
            seq: req.msg_seq.unwrap_or_else(tim_model::new_msg_random),
            random: req.msg_random,
            time: call.now_ms / 1000,
            body: &req.msg_body,
            cloud_custom_data: req.cloud_custom_data.as_ref(),
            counts_unread: !has(req.send_msg_control.as_ref(), NO_UNREAD)
                && req.msg_life_time != Some(0),
            sender_sees: req.sync_other_machine != Some(2),
            refresh_sessions: !has(req.send_msg_control.as_ref(), NO_LAST_MSG),
            extensions: false,
        };
        let mut key = None;
        let mut errors = Vec::new();
        for to in &req.to_account {
            if store.exists(to, call.svc.admin()) {
                key = Some(out.deliver(store, call, to));
            } else {
                let mut e = AccountError::default();
                e.to_account = to.clone();
                e.error_code = ErrorCode::UserIdNotFound.code();
                errors.push(e);
            }
        }
        if key.is_none() {
            return Err(ApiError::new(
                ErrorCode::UserIdNotFound,
                "no account of To_Account exists: the message reached nobody",
            ));
        }
        let mut resp = BatchSendMsgResponse::default();
        resp.msg_key = key;
        resp.error_list = Some(errors);
        Ok(resp)
    })
}

pub(super) fn import_msg(
    call: &Call<'_>,
    req: ImportMsgRequest,
) -> Result<ImportMsgResponse, ApiError> {
    call.svc.with_store(|store| {
        call.require_account(
            store,
            &req.from_account,
            "From_Account",
            ErrorCode::InvalidFromAccount,
        )?;
        call.require_account(
            store,
            &req.to_account,
            "To_Account",
            ErrorCode::ToAccountNotFound,
        )?;
        let seq = req.msg_seq.unwrap_or_else(tim_model::new_msg_random);
        let key = C2cMsg::key_of(seq, req.msg_random, req.msg_time_stamp);
        // A duplicate (same MsgSeq, MsgRandom and MsgTimeStamp in the conversation, either
        // direction) is ignored: a later import does not overwrite an earlier one.
        let inserted = store.c2c.insert(C2cMsg {
            from: req.from_account.clone(),
            to: req.to_account.clone(),
            seq,
            random: req.msg_random,
            time: req.msg_time_stamp,
            stored_ms: call.now_ms,
            arrival: 0,
            key,
            body: req.msg_body.clone(),
            cloud_custom_data: req.cloud_custom_data.clone(),
            recalled: false,
            counts_unread: req.sync_from_old_system == 5,
            peer_read: false,
            hidden_for_sender: false,
            hidden_for_recipient: false,
            extension: None,
        });
        if inserted {
            store
                .c2c
                .touch_sessions(&req.from_account, &req.to_account, req.msg_time_stamp, true);
        }
        Ok(ImportMsgResponse::default())
    })
}

pub(super) fn get_roam_msg(
    call: &Call<'_>,
    req: GetRoamMsgRequest,
) -> Result<GetRoamMsgResponse, ApiError> {
    let store = call.svc.state.lock();
    let op = req.operator_account.as_str();
    call.require_account(
        &store,
        op,
        "Operator_Account",
        ErrorCode::InvalidFromAccount,
    )?;
    call.require_account(
        &store,
        &req.peer_account,
        "Peer_Account",
        ErrorCode::InvalidToAccount,
    )?;
    let in_range: Vec<&C2cMsg> = store
        .c2c
        .conversation(op, &req.peer_account)
        .iter()
        .filter(|m| m.visible_to(op) && m.time >= req.min_time && m.time <= req.max_time)
        .collect();
    // Continue below the message named by LastMsgKey (exclusive), when it is in range.
    let end = match &req.last_msg_key {
        Some(k) if !k.is_empty() => in_range
            .iter()
            .position(|m| &m.key == k)
            .unwrap_or(in_range.len()),
        _ => in_range.len(),
    };
    let max = usize::try_from(req.max_cnt).unwrap_or(usize::MAX);
    let start = end.saturating_sub(max);
    let page = &in_range[start..end];
    let mut resp = GetRoamMsgResponse::default();
    resp.complete = Some(u8::from(start == 0));
    resp.msg_cnt = Some(u32::try_from(page.len()).unwrap_or(u32::MAX));
    if let Some(oldest) = page.first() {
        resp.last_msg_time = Some(oldest.time);
        resp.last_msg_key = Some(oldest.key.clone());
    }
    resp.msg_list = Some(page.iter().map(|m| roam_msg(m)).collect());
    Ok(resp)
}

fn roam_msg(m: &C2cMsg) -> RoamMsg {
    let mut r = RoamMsg::default();
    r.from_account = Some(m.from.clone());
    r.to_account = Some(m.to.clone());
    r.msg_seq = Some(m.seq);
    r.msg_random = Some(m.random);
    r.msg_time_stamp = Some(m.time);
    r.msg_flag_bits = Some(if m.recalled { FLAG_RECALLED } else { 0 });
    r.is_peer_read = Some(u8::from(m.peer_read));
    r.msg_key = Some(m.key.clone());
    r.msg_body = Some(if m.recalled {
        Vec::new()
    } else {
        m.body.clone()
    });
    r.cloud_custom_data = m.cloud_custom_data.clone();
    r
}

/// Whether `key` has the `{MsgSeq}_{MsgRandom}_{MsgTimeStamp}` form.
fn well_formed_key(key: &str) -> bool {
    let mut parts = key.split('_');
    let ok = matches!(
        (parts.next(), parts.next(), parts.next()),
        (Some(a), Some(b), Some(c))
            if a.parse::<u32>().is_ok() && b.parse::<u32>().is_ok() && c.parse::<u64>().is_ok()
    );
    ok && parts.next().is_none()
}

pub(super) fn withdraw_msg(
    call: &Call<'_>,
    req: WithdrawMsgRequest,
) -> Result<WithdrawMsgResponse, ApiError> {
    call.svc
        .with_store(|store| {
            call.require_account(
                store,
                &req.from_account,
                "From_Account",
                ErrorCode::InvalidFromAccount,
            )?;
            call.require_account(
                store,
                &req.to_account,
                "To_Account",
                ErrorCode::InvalidToAccount,
            )?;
            if !well_formed_key(&req.msg_key) {
                return Err(ApiError::new(
                    ErrorCode::InvalidMsgKey,
                    format!("MsgKey {:?} is not a message key", req.msg_key),
                ));
            }
            let msg = store
                .c2c
                .find_mut(&req.from_account, &req.to_account, &req.msg_key)
                .filter(|m| m.from == req.from_account)
                .ok_or_else(|| {
                    ApiError::new(
                        ErrorCode::RecallMsgNotFound,
                        format!(
                            "no message {:?} from {:?} to {:?}",
                            req.msg_key, req.from_account, req.to_account
                        ),
                    )
                })?;
            if msg.recalled {
                return Err(ApiError::new(
                    ErrorCode::MsgAlreadyRecalled,
                    format!("message {:?} was already recalled", req.msg_key),
                ));
            }
            msg.recalled = true;
            Ok(store.c2c.unread(&req.to_account, &req.from_account))
        })
        .map(|unread| {
            call.after(
                &c2c::AfterMsgWithDraw::new(
                    c2c::AfterMsgWithDraw::INFO.command,
                    &req.from_account,
                    &req.to_account,
                    &req.msg_key,
                )
                .unread_msg_num(unread)
                .event_time(call.now_ms),
            );
            WithdrawMsgResponse::default()
        })
}

pub(super) fn modify_c2c_msg(
    call: &Call<'_>,
    req: ModifyC2cMsgRequest,
) -> Result<ModifyC2cMsgResponse, ApiError> {
    call.svc
        .with_store(|store| {
            // 20003: the page's code for a sender or recipient that does not exist.
            call.require_account(
                store,
                &req.from_account,
                "From_Account",
                ErrorCode::InvalidSenderOrRecipient,
            )?;
            call.require_account(
                store,
                &req.to_account,
                "To_Account",
                ErrorCode::InvalidSenderOrRecipient,
            )?;
            if req.msg_body.is_none() && req.cloud_custom_data.is_none() {
                return Err(ApiError::new(
                    call.bad_body(),
                    "give MsgBody, CloudCustomData or both: there is nothing to modify",
                ));
            }
            let msg = store
                .c2c
                .find_mut(&req.from_account, &req.to_account, &req.msg_key)
                .filter(|m| m.from == req.from_account && !m.recalled)
                .ok_or_else(|| {
                    ApiError::new(
                        ErrorCode::InvalidRequestPacket,
                        format!(
                            "no message {:?} from {:?} to {:?}",
                            req.msg_key, req.from_account, req.to_account
                        ),
                    )
                })?;
            if let Some(body) = &req.msg_body {
                msg.body = body.clone();
            }
            if let Some(data) = &req.cloud_custom_data {
                msg.cloud_custom_data = Some(data.clone());
            }
            let modified = c2c::AfterModifyMsg::new(
                c2c::AfterModifyMsg::INFO.command,
                call.svc.admin(),
                &msg.from,
                &msg.to,
                msg.random,
                msg.seq,
                msg.time,
                &msg.key,
                msg.body.clone(),
                call.now_ms,
            );
            let mut modified = modified;
            modified
                .cloud_custom_data
                .clone_from(&msg.cloud_custom_data);
            Ok(modified)
        })
        .map(|modified| {
            call.after(&modified);
            ModifyC2cMsgResponse::default()
        })
}

pub(super) fn set_msg_read(
    call: &Call<'_>,
    req: SetMsgReadRequest,
) -> Result<SetMsgReadResponse, ApiError> {
    let up_to = match req.msg_read_time.as_deref() {
        None | Some("") => call.now_ms / 1000,
        Some(t) => t.trim().parse::<u64>().map_err(|_| {
            ApiError::new(
                call.bad_body(),
                format!("MsgReadTime {t:?} is not a UNIX time in seconds"),
            )
        })?,
    };
    call.svc
        .with_store(|store| {
            call.require_account(
                store,
                &req.report_account,
                "Report_Account",
                ErrorCode::InvalidToAccount,
            )?;
            call.require_account(
                store,
                &req.peer_account,
                "Peer_Account",
                ErrorCode::InvalidFromAccount,
            )?;
            let mark = store
                .c2c
                .read_up_to
                .entry((req.report_account.clone(), req.peer_account.clone()))
                .or_default();
            *mark = (*mark).max(up_to);
            let last_read = *mark;
            Ok((
                last_read,
                store.c2c.unread(&req.report_account, &req.peer_account),
            ))
        })
        .map(|(last_read, unread)| {
            call.after(
                &c2c::AfterMsgReport::new(
                    c2c::AfterMsgReport::INFO.command,
                    &req.report_account,
                    &req.peer_account,
                    last_read,
                )
                .unread_msg_num(unread)
                .event_time(call.now_ms),
            );
            SetMsgReadResponse::default()
        })
}

pub(super) fn get_c2c_unread_msg_num(
    call: &Call<'_>,
    req: GetC2cUnreadMsgNumRequest,
) -> Result<GetC2cUnreadMsgNumResponse, ApiError> {
    let store = call.svc.state.lock();
    call.require_account(
        &store,
        &req.to_account,
        "To_Account",
        ErrorCode::InvalidToAccount,
    )?;
    let mut resp = GetC2cUnreadMsgNumResponse::default();
    match &req.peer_account {
        None => {
            let total = store
                .c2c
                .peers_of(&req.to_account)
                .iter()
                .map(|p| store.c2c.unread(&req.to_account, p))
                .fold(0u32, u32::saturating_add);
            resp.all_c2c_unread_msg_num = Some(total);
        }
        Some(peers) => {
            let mut counts = Vec::new();
            let mut errors = Vec::new();
            for peer in peers {
                if store.exists(peer, call.svc.admin()) {
                    let mut c = C2cUnreadCount::default();
                    c.peer_account = peer.clone();
                    c.c2c_unread_msg_num = store.c2c.unread(&req.to_account, peer);
                    counts.push(c);
                } else {
                    let mut e = PeerError::default();
                    e.peer_account = peer.clone();
                    e.error_code = ErrorCode::UserIdNotFound.code();
                    errors.push(e);
                }
            }
            resp.c2c_unread_msg_num_list = Some(counts);
            resp.error_list = Some(errors);
        }
    }
    Ok(resp)
}

pub(super) fn delete_c2c_msg_ramble(
    call: &Call<'_>,
    req: DeleteC2cMsgRambleRequest,
) -> Result<DeleteC2cMsgRambleResponse, ApiError> {
    call.svc.with_store(|store| {
        call.require_account(
            store,
            &req.operator_account,
            "Operator_Account",
            ErrorCode::InvalidFromAccount,
        )?;
        for key in &req.msg_key_list {
            if let Some(m) = store
                .c2c
                .find_mut(&req.operator_account, &req.peer_account, key)
            {
                if m.from == req.operator_account {
                    m.hidden_for_sender = true;
                }
                if m.to == req.operator_account {
                    m.hidden_for_recipient = true;
                }
            }
        }
        Ok(DeleteC2cMsgRambleResponse::default())
    })
}

pub(super) fn c2c_msg_read_receipt(
    call: &Call<'_>,
    req: C2cMsgReadReceiptRequest,
) -> Result<C2cMsgReadReceiptResponse, ApiError> {
    call.svc.with_store(|store| {
        call.require_account(store, &req.operator_account,
            "Operator_Account",
            ErrorCode::InvalidRequestPacket,
        )?;
        for info in &req.c2c_msg_info {
            if info.to_account != req.operator_account || info.from_account != req.peer_account {
                return Err(ApiError::new(
                    ErrorCode::InvalidRequestPacket,
                    format!(
                        "C2CMsgInfo {:?}: a receipt is for messages from Peer_Account to Operator_Account",
                        info.msg_key
                    ),
                ));
            }
        }
        for info in &req.c2c_msg_info {
            if let Some(m) =
                store
                    .c2c
                    .find_mut(&info.from_account, &info.to_account, &info.msg_key)
            {
                m.peer_read = true;
            }
        }
        Ok::<_, ApiError>(())
    })?;
    // Every receipt the call accepted (a key the emulator does not store included, as the
    // call succeeds for it); no `MsgId`, which the request does not carry. No receipt, no
    // callback.
    if req.c2c_msg_info.is_empty() {
        return Ok(C2cMsgReadReceiptResponse::default());
    }
    call.after(&c2c::AfterMsgReadReceipt::new(
        c2c::AfterMsgReadReceipt::INFO.command,
        &req.operator_account,
        &req.peer_account,
        req.c2c_msg_info
            .iter()
            .map(|i| c2c::ReadReceiptMsgInfo::new(&i.from_account, &i.to_account, &i.msg_key))
            .collect(),
        call.now_ms,
    ));
    Ok(C2cMsgReadReceiptResponse::default())
}

pub(super) fn query_online_status(
    call: &Call<'_>,
    req: QueryOnlineStatusRequest,
) -> Result<QueryOnlineStatusResponse, ApiError> {
    let store = call.svc.state.lock();
    let mut results = Vec::new();
    let mut errors = Vec::new();
    for account in req.to_account {
        if store.exists(&account, call.svc.admin()) {
            let mut s = OnlineState::default();
            s.to_account = account;
            s.state = Some("Offline".to_owned());
            if req.is_need_detail == Some(1) {
                s.detail = Some(Vec::new());
            }
            results.push(s);
        } else {
            let mut e = AccountError::default();
            e.to_account = account;
            e.error_code = ErrorCode::UserIdNotFound.code();
            errors.push(e);
        }
    }
    let mut resp = QueryOnlineStatusResponse::default();
    resp.query_result = Some(results);
    resp.error_list = Some(errors);
    Ok(resp)
}
