//! Read receipts of group messages: group_msg_receipt, get_group_msg_receipt,
//! get_group_msg_receipt_detail. The rules and choices are in the module docs of
//! [`super`].

use tim_model::ErrorCode;
use tim_model::group::{
    GetGroupMsgReceiptDetailRequest, GetGroupMsgReceiptDetailResponse, GetGroupMsgReceiptRequest,
    GetGroupMsgReceiptResponse, GroupMsgNonReader, GroupMsgReader, GroupMsgReceipt,
    SendGroupMsgReceiptRequest, SendGroupMsgReceiptResponse,
};

use super::{group, group_mut, invalid, refuse_types};
use crate::call::Call;
use crate::reply::ApiError;
use crate::state::group::{Group, GroupMsg, GroupType, Receipt};

/// Read receipts work in groups of at most this many members.
const RECEIPT_MAX_MEMBERS: usize = 200;
/// Largest page of get_group_msg_receipt_detail.
const DETAIL_PAGE: u32 = 200;
/// The group types with read receipts.
const NO_RECEIPTS: &[GroupType] = &[GroupType::AvChatRoom, GroupType::Community];

/// The receipt of a message `sender` stores in `g` now: its audience is the members but
/// the sender. None in types without receipts and in groups over 200 members.
pub(super) fn new_receipt(g: &Group, sender: &str) -> Option<Receipt> {
    if NO_RECEIPTS.contains(&g.kind) || g.members.len() > RECEIPT_MAX_MEMBERS {
        return None;
    }
    Some(Receipt {
        audience: g
            .members
            .iter()
            .filter(|m| m.account != sender)
            .map(|m| m.account.clone())
            .collect(),
        receipts: Default::default(),
    })
}

/// The message `seq` of `g` with its receipt (10062 when it has none: unknown, recalled,
/// or stored without one).
fn receipt_of(g: &Group, seq: u64) -> Result<(&GroupMsg, &Receipt), ApiError> {
    g.messages
        .binary_search_by_key(&seq, |m| m.seq)
        .ok()
        .and_then(|i| g.messages.get(i))
        .filter(|m| !m.recalled)
        .and_then(|m| m.receipt.as_ref().map(|r| (m, r)))
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::GroupReadReceiptNotFound,
                format!("message {seq} of group {:?} has no read receipt", g.id),
            )
        })
}

/// The audience of `m` that are still members, split into (read, unread): a member has
/// read it when its read position (`MsgSeq`) has reached it or it sent a receipt for it.
fn readers<'a>(g: &'a Group, m: &GroupMsg, r: &Receipt) -> (Vec<&'a str>, Vec<&'a str>) {
    let mut read = Vec::new();
    let mut unread = Vec::new();
    for member in &g.members {
        if !r.audience.contains(&member.account) {
            continue;
        }
        if member.read_seq >= m.seq || r.receipts.contains(&member.account) {
            read.push(member.account.as_str());
        } else {
            unread.push(member.account.as_str());
        }
    }
    (read, unread)
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

pub(crate) fn send_group_msg_receipt(
    call: &Call<'_>,
    req: SendGroupMsgReceiptRequest,
) -> Result<SendGroupMsgReceiptResponse, ApiError> {
    call.svc.with_store(|store| {
        let g = group(store, &req.group_id)?;
        refuse_types(g, NO_RECEIPTS, "read receipts")?;
        if !g.is_member(&req.from_account) {
            return Err(invalid(format!(
                "From_Account {:?} is not a member of group {:?}",
                req.from_account, g.id
            )));
        }
        for item in &req.msg_seq_list {
            receipt_of(g, item.msg_seq)?;
        }
        // Every check passed.
        let g = group_mut(store, &req.group_id)?;
        for item in &req.msg_seq_list {
            if let Some(r) = g.message_mut(item.msg_seq).and_then(|m| m.receipt.as_mut())
                && r.audience.contains(&req.from_account)
            {
                r.receipts.insert(req.from_account.clone());
            }
        }
        Ok(SendGroupMsgReceiptResponse::default())
    })
}

pub(crate) fn get_group_msg_receipt(
    call: &Call<'_>,
    req: GetGroupMsgReceiptRequest,
) -> Result<GetGroupMsgReceiptResponse, ApiError> {
    let store = call.svc.state.lock();
    let g = group(&store, &req.group_id)?;
    refuse_types(g, NO_RECEIPTS, "read receipts")?;
    let list = req
        .msg_seq_list
        .iter()
        .map(|item| match receipt_of(g, item.msg_seq) {
            Ok((m, r)) => {
                let (read, unread) = readers(g, m, r);
                let mut out = GroupMsgReceipt::new(0, item.msg_seq);
                out.read_num = Some(count(read.len()));
                out.unread_num = Some(count(unread.len()));
                out
            }
            Err(e) => GroupMsgReceipt::new(e.code.code(), item.msg_seq),
        })
        .collect();
    let mut resp = GetGroupMsgReceiptResponse::default();
    resp.group_msg_receipt_list = Some(list);
    Ok(resp)
}

pub(crate) fn get_group_msg_receipt_detail(
    call: &Call<'_>,
    req: GetGroupMsgReceiptDetailRequest,
) -> Result<GetGroupMsgReceiptDetailResponse, ApiError> {
    let store = call.svc.state.lock();
    let g = group(&store, &req.group_id)?;
    refuse_types(g, NO_RECEIPTS, "read receipts")?;
    let seq = req
        .msg_seq
        .ok_or_else(|| invalid("MsgSeq names the message whose readers are pulled"))?;
    if req.count == 0 || req.count > DETAIL_PAGE {
        return Err(invalid(format!(
            "Count {}: 1 to {DETAIL_PAGE} members per call",
            req.count
        )));
    }
    let start = match req.cursor.as_str() {
        "" => 0,
        c => c
            .parse::<usize>()
            .map_err(|_| invalid(format!("Cursor {c:?} is not a cursor this API answered")))?,
    };
    let (m, r) = receipt_of(g, seq)?;
    let (read, unread) = readers(g, m, r);
    let listed = if req.filter == 0 { read } else { unread };
    let count = usize::try_from(req.count).unwrap_or(usize::MAX);
    let page: Vec<&str> = listed.iter().skip(start).take(count).copied().collect();
    let end = start.saturating_add(page.len());
    let finished = end >= listed.len();
    let mut resp = GetGroupMsgReceiptDetailResponse::default();
    resp.msg_seq = Some(seq);
    resp.is_finish = Some(u8::from(finished));
    // The page's sample answers Cursor "0" with IsFinish 1.
    resp.cursor = Some(if finished {
        "0".to_owned()
    } else {
        end.to_string()
    });
    if req.filter == 0 {
        resp.read_list = Some(page.into_iter().map(GroupMsgReader::new).collect());
    } else {
        resp.unread_list = Some(page.into_iter().map(GroupMsgNonReader::new).collect());
    }
    Ok(resp)
}
