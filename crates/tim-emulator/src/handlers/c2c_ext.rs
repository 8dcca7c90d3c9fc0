//! Extensions of one-to-one messages (`openim_msg_ext_http_svc/get_key_values`,
//! `set_key_values`), kept on the stored message ([`C2cMsg::extension`]); the pull and write
//! rules are shared with group messages ([`super::msg_ext`]).
//!
//! As the pages say: a message sent by sendmsg with `SupportMessageExtension` 1 has an
//! extension (23002 otherwise), an unknown `MsgKey` answers 23004; `Seq` conflicts answer
//! 23001 pair by pair (the set page's sample), writes are limited per minute (23003).
//! Choices where the pages are silent:
//!
//! - The message is looked up by `MsgKey` in the conversation of `From_Account` and
//!   `To_Account`, in either direction (in any conversation of `To_Account` when
//!   `From_Account` is absent: the page marks it optional); a recalled
//!   message answers 23004; imported, batchsendmsg and chatbot messages have no extension
//!   (23002: their requests carry no `SupportMessageExtension`).
//! - The page says the backend does not check the app admin's `Seq`s yet its sample answers
//!   23001 to one: a pair that gives a `Seq` is checked (0 for a key the message does not
//!   hold), a pair with none is not (see [`super::msg_ext`]).
//! - `C2C.CallbackAfterC2CMsgExtension` follows every write that changed something: the
//!   pairs written (a deleted one with an empty `Value`), none after a clear, the message's
//!   new `Seq`.

use tim_model::ErrorCode;
use tim_model::callback::Payload as _;
use tim_model::callbacks::c2c;
use tim_model::msg_ext::{
    GetKeyValuesRequest, GetKeyValuesResponse, SetKeyValuesRequest, SetKeyValuesResponse,
};

use super::msg_ext;
use crate::call::Call;
use crate::reply::ApiError;
use crate::state::Store;
use crate::state::c2c::C2cMsg;
use crate::state::group::MsgExt;

/// The stored, not recalled message `key` of `To_Account` `to` with `From_Account` `from`
/// (any of `to`'s conversations when absent), 23004 otherwise.
fn message<'s>(
    store: &'s mut Store,
    from: Option<&String>,
    to: &str,
    key: &str,
) -> Result<&'s mut C2cMsg, ApiError> {
    let found = match from {
        Some(from) => store.c2c.find_mut(from, to, key),
        None => store
            .c2c
            .conversations
            .iter_mut()
            .filter(|((a, b), _)| a == to || b == to)
            .flat_map(|(_, list)| list.iter_mut())
            .find(|m| m.key == key),
    };
    found.filter(|m| !m.recalled).ok_or_else(|| {
        ApiError::new(
            ErrorCode::MsgExtMsgNotFound,
            format!(
                "no one-to-one message {key:?} between {} and {to:?}",
                from.map_or_else(|| "anyone".to_owned(), |f| format!("{f:?}"))
            ),
        )
    })
}

/// The extension of `m` (23002: sent without extensions).
fn extension(m: &C2cMsg) -> Result<&MsgExt, ApiError> {
    m.extension.as_ref().ok_or_else(|| {
        ApiError::new(
            ErrorCode::MsgExtNotSupported,
            format!(
                "one-to-one message {:?} was sent without SupportMessageExtension 1",
                m.key
            ),
        )
    })
}

pub(super) fn get_key_values(
    call: &Call<'_>,
    req: GetKeyValuesRequest,
) -> Result<GetKeyValuesResponse, ApiError> {
    call.svc.with_store(|store| {
        let m = message(
            store,
            req.from_account.as_ref(),
            &req.to_account,
            &req.msg_key,
        )?;
        let page = msg_ext::pull(extension(m)?, req.start_seq.unwrap_or(0));
        let mut resp = GetKeyValuesResponse::default();
        resp.complete_flag = Some(page.complete);
        resp.latest_seq = Some(page.latest_seq);
        resp.clear_seq = Some(page.clear_seq);
        resp.extension_list = Some(page.pairs);
        Ok(resp)
    })
}

pub(super) fn set_key_values(
    call: &Call<'_>,
    req: SetKeyValuesRequest,
) -> Result<SetKeyValuesResponse, ApiError> {
    let items = req.extension_list.as_deref().unwrap_or_default();
    msg_ext::require_items(req.operate_type, items)?;
    let (written, sent_by, sent_to) = call.svc.with_store(|store| {
        let m = message(
            store,
            req.from_account.as_ref(),
            &req.to_account,
            &req.msg_key,
        )?;
        let what = format!("one-to-one message {:?}", req.msg_key);
        let (ext, written) = msg_ext::write(
            extension(m)?,
            call.now_ms,
            req.operate_type,
            items,
            true,
            &what,
        )?;
        m.extension = Some(ext);
        Ok::<_, ApiError>((written, m.from.clone(), m.to.clone()))
    })?;
    if let Some(seq) = written.seq {
        let changed = written
            .changed
            .iter()
            .map(|(k, v)| c2c::MsgExtensionItem::new(k, v, seq))
            .collect();
        call.after(
            &c2c::AfterC2CMsgExtension::new(
                c2c::AfterC2CMsgExtension::INFO.command,
                sent_by,
                sent_to,
                &req.msg_key,
                written.operate_type,
                seq,
                call.now_ms,
            )
            .extension_list(changed),
        );
    }
    let mut resp = SetKeyValuesResponse::default();
    resp.extension_list = Some(written.results);
    Ok(resp)
}
