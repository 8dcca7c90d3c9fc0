//! `openconfigsvr/setnospeaking`, `getnospeaking`: the global mute of an account.
//!
//! Each account keeps two mute periods on the emulator's clock, one for one-to-one
//! messages and one for group messages: `0` unmutes, `4294967295` mutes for ever, any other
//! value mutes for that many seconds from the call. While muted, the account's
//! `openim/sendmsg` fails with 20012 and its `group_open_http_svc/send_group_msg` with
//! 10017 (the codes of the setnospeaking page), before any before-send callback (the page:
//! the webhooks are not triggered). A missing `Set_Account` answers 130004, a missing
//! `Get_Account` 130002, neither period given 130008 (the pages' codes). Choices where the
//! pages are silent:
//!
//! - An account that is neither imported nor the app admin is an invalid one: 130005 for
//!   setnospeaking, 130003 for getnospeaking.
//! - A period left out keeps its current value (only the given ones change).
//! - getnospeaking answers the period *left*, in whole seconds rounded up (the page's sample
//!   mutes for 7200 s and reads 7196 back), `0` once it has run out.
//! - Only `sendmsg` and `send_group_msg` are refused; the other ways of writing a message
//!   (batchsendmsg, importmsg, import_group_msg, system notifications) are not.

use serde_json::Value;
use tim_model::ErrorCode;
use tim_model::config::{
    GetNoSpeakingRequest, GetNoSpeakingResponse, SetNoSpeakingRequest, SetNoSpeakingResponse,
};

use crate::call::Call;
use crate::generated::config as config_surface;
use crate::reply::ApiError;
use crate::state::Store;
use crate::state::ops::{GlobalMute, mute_left, mute_until};

/// `openconfigsvr/*`: global mutes; getappinfo keeps the conformance default.
pub(crate) struct ConfigFamily;

impl config_surface::Behaviour for ConfigFamily {
    fn before_decode(&self, call: &Call<'_>, body: &[u8]) -> Result<(), ApiError> {
        let (field, code) = match call.endpoint.path.rsplit('/').next() {
            Some("setnospeaking") => ("Set_Account", ErrorCode::MissingSetAccount),
            Some("getnospeaking") => ("Get_Account", ErrorCode::MissingGetAccount),
            _ => return Ok(()),
        };
        match call.value(body)?.get(field) {
            None | Some(Value::Null) => Err(ApiError::new(code, format!("{field} is missing"))),
            Some(_) => Ok(()),
        }
    }

    fn set_no_speaking(
        &self,
        call: &Call<'_>,
        req: SetNoSpeakingRequest,
    ) -> Result<SetNoSpeakingResponse, ApiError> {
        if req.c2c_msg_no_speaking_time.is_none() && req.group_msg_no_speaking_time.is_none() {
            return Err(ApiError::new(
                ErrorCode::NoSpeakingTimeMissing,
                "give C2CmsgNospeakingTime, GroupmsgNospeakingTime or both",
            ));
        }
        call.svc.with_store(|store| {
            known(call, store, &req.set_account, ErrorCode::InvalidSetAccount)?;
            let now = call.now_ms;
            let mute = store.ops.mutes.entry(req.set_account.clone()).or_default();
            if let Some(secs) = req.c2c_msg_no_speaking_time {
                mute.c2c_until_ms = mute_until(now, secs);
            }
            if let Some(secs) = req.group_msg_no_speaking_time {
                mute.group_until_ms = mute_until(now, secs);
            }
            if *mute == GlobalMute::default() {
                store.ops.mutes.remove(&req.set_account);
            }
            Ok(SetNoSpeakingResponse::default())
        })
    }

    fn get_no_speaking(
        &self,
        call: &Call<'_>,
        req: GetNoSpeakingRequest,
    ) -> Result<GetNoSpeakingResponse, ApiError> {
        call.svc.with_store(|store| {
            known(call, store, &req.get_account, ErrorCode::InvalidGetAccount)?;
            let mute = store
                .ops
                .mutes
                .get(&req.get_account)
                .copied()
                .unwrap_or_default();
            let mut resp = GetNoSpeakingResponse::default();
            resp.c2c_msg_no_speaking_time = Some(mute_left(call.now_ms, mute.c2c_until_ms));
            resp.group_msg_no_speaking_time = Some(mute_left(call.now_ms, mute.group_until_ms));
            Ok(resp)
        })
    }
}

fn known(call: &Call<'_>, store: &Store, account: &str, code: ErrorCode) -> Result<(), ApiError> {
    if store.exists(account, call.svc.admin()) {
        Ok(())
    } else {
        Err(ApiError::new(
            code,
            format!("{account:?} is not an imported account"),
        ))
    }
}

/// `openim/sendmsg` and `batchsendmsg`: refuses a sender whose one-to-one messages are
/// globally muted (20012).
pub(crate) fn refuse_c2c_muted(store: &Store, from: &str, now_ms: u64) -> Result<(), ApiError> {
    if store.ops.c2c_muted(from, now_ms) {
        Err(ApiError::new(
            ErrorCode::MsgSenderMuted,
            format!("{from:?} is globally muted for one-to-one messages"),
        ))
    } else {
        Ok(())
    }
}

/// `group_open_http_svc/send_group_msg`: refuses a sender whose group messages are
/// globally muted (10017).
pub(crate) fn refuse_group_muted(store: &Store, from: &str, now_ms: u64) -> Result<(), ApiError> {
    if store.ops.group_muted(from, now_ms) {
        Err(ApiError::new(
            ErrorCode::SenderMuted,
            format!("{from:?} is globally muted for group messages"),
        ))
    } else {
        Ok(())
    }
}
