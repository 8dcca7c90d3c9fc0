//! `openim_robot_http_svc/*`: chatbots.
//!
//! A chatbot is an account whose UserID starts with `@RBT#`: create_robot imports it (with
//! its `Nick`, `FaceUrl` and `SelfSignature` as the profile's `Tag_Profile_IM_Nick`,
//! `Tag_Profile_IM_Image` and `Tag_Profile_IM_SelfSignature`), so it exists for `openim`
//! (it can send and receive one-to-one messages) and the other families. At most 20
//! chatbots (10008, the page's code); creating one that exists again creates nothing more
//! (the page). delete_robot invalidates it: it is no longer listed and no longer streams,
//! but its UserID (the account) stays, as the page says. send_stream_msg stores the
//! streamed message as a one-to-one text message from the chatbot whose text grows with
//! every chunk (admin_getroammsg shows it).
//!
//! Choices where the pages are silent: a UserID that does not start with `@RBT#`, deleting
//! something that is not a valid chatbot, streaming from one, to an account that does not
//! exist, with a `MsgKey` that names no stream of this chatbot to this recipient, or after
//! the stream's last chunk (`Finish` 1) answer 10004 (the family's invalid-parameter code);
//! creating a deleted chatbot again makes it valid again; get_all_robots lists chatbots in
//! creation order; a streamed message's `MsgKey` has the form of every one-to-one message
//! key (`{MsgSeq}_{MsgRandom}_{MsgTimeStamp}`, as the page's sample).

use serde_json::Value;
use tim_model::ErrorCode;
use tim_model::common::{MsgElement, TextElem};
use tim_model::robot::{
    CreateRobotRequest, CreateRobotResponse, DeleteRobotRequest, DeleteRobotResponse,
    GetAllRobotsRequest, GetAllRobotsResponse, SendStreamMsgRequest, SendStreamMsgResponse,
};

use crate::call::Call;
use crate::generated::robot as surface;
use crate::reply::ApiError;
use crate::state::c2c::C2cMsg;
use crate::state::ops::{Robot, Stream};

/// The prefix of every chatbot's UserID.
const PREFIX: &str = "@RBT#";
/// Valid chatbots per app.
const MAX_ROBOTS: usize = 20;

fn invalid(info: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidRequestParameter, info)
}

fn text(s: &str) -> Vec<MsgElement> {
    vec![MsgElement::Text(TextElem::new(s))]
}

/// `openim_robot_http_svc/*` (see the module docs).
pub(crate) struct RobotFamily;

impl surface::Behaviour for RobotFamily {
    fn create_robot(
        &self,
        call: &Call<'_>,
        req: CreateRobotRequest,
    ) -> Result<CreateRobotResponse, ApiError> {
        if !req.user_id.starts_with(PREFIX) {
            return Err(invalid(format!(
                "UserID {:?} does not start with {PREFIX:?}",
                req.user_id
            )));
        }
        call.svc.with_store(|store| {
            let live = store.ops.robots.values().filter(|r| !r.deleted).count();
            if !store.ops.is_live_robot(&req.user_id) && live >= MAX_ROBOTS {
                return Err(ApiError::new(
                    ErrorCode::from_code(10008),
                    format!("the app already has {MAX_ROBOTS} chatbots"),
                ));
            }
            let profile = &mut store.account_mut(&req.user_id).profile;
            for (tag, value) in [
                ("Tag_Profile_IM_Nick", &req.nick),
                ("Tag_Profile_IM_Image", &req.face_url),
                ("Tag_Profile_IM_SelfSignature", &req.self_signature),
            ] {
                if let Some(v) = value {
                    profile.insert(tag.to_owned(), Value::String(v.clone()));
                }
            }
            if !store.ops.is_live_robot(&req.user_id) {
                store.ops.robots_created += 1;
                let order = store.ops.robots_created;
                store.ops.robots.insert(
                    req.user_id.clone(),
                    Robot {
                        created_ms: call.now_ms,
                        order,
                        deleted: false,
                    },
                );
            }
            Ok(CreateRobotResponse::default())
        })
    }

    fn delete_robot(
        &self,
        call: &Call<'_>,
        req: DeleteRobotRequest,
    ) -> Result<DeleteRobotResponse, ApiError> {
        call.svc.with_store(|store| {
            match store.ops.robots.get_mut(&req.robot_account) {
                Some(r) if !r.deleted => r.deleted = true,
                _ => {
                    return Err(invalid(format!(
                        "{:?} is not a valid chatbot",
                        req.robot_account
                    )));
                }
            }
            Ok(DeleteRobotResponse::default())
        })
    }

    fn get_all_robots(
        &self,
        call: &Call<'_>,
        _req: GetAllRobotsRequest,
    ) -> Result<GetAllRobotsResponse, ApiError> {
        let robots = call.svc.with_store(|store| {
            let mut live: Vec<(&String, &Robot)> = store
                .ops
                .robots
                .iter()
                .filter(|(_, r)| !r.deleted)
                .collect();
            live.sort_by_key(|(_, r)| (r.created_ms, r.order));
            live.into_iter().map(|(id, _)| id.clone()).collect()
        });
        let mut resp = GetAllRobotsResponse::default();
        resp.robot_account = Some(robots);
        Ok(resp)
    }

    fn send_stream_msg(
        &self,
        call: &Call<'_>,
        req: SendStreamMsgRequest,
    ) -> Result<SendStreamMsgResponse, ApiError> {
        let (from, to) = (&req.from_account, &req.to_account);
        let finish = req.finish == Some(1);
        let key = call.svc.with_store(|store| {
            if !store.ops.is_live_robot(from) {
                return Err(invalid(format!(
                    "From_Account {from:?} is not a valid chatbot"
                )));
            }
            call.require_account(store, to, "To_Account", ErrorCode::InvalidRequestParameter)?;
            let time = call.now_ms / 1000;
            match &req.msg_key {
                None => {
                    let seq = tim_model::new_msg_random();
                    let random = tim_model::new_msg_random();
                    let key = C2cMsg::key_of(seq, random, time);
                    if store.ops.streams.contains_key(&key) {
                        return Err(ApiError::new(
                            ErrorCode::from_code(10002),
                            "MsgKey collision: try again",
                        ));
                    }
                    store.c2c.insert(C2cMsg {
                        from: from.clone(),
                        to: to.clone(),
                        seq,
                        random,
                        time,
                        stored_ms: call.now_ms,
                        arrival: 0,
                        key: key.clone(),
                        body: text(&req.chunk),
                        cloud_custom_data: None,
                        recalled: false,
                        counts_unread: true,
                        peer_read: false,
                        hidden_for_sender: false,
                        hidden_for_recipient: false,
                        extension: None,
                    });
                    store.c2c.touch_sessions(from, to, time, true);
                    store.ops.streams.insert(
                        key.clone(),
                        Stream {
                            from: from.clone(),
                            to: to.clone(),
                            text: req.chunk.clone(),
                            finished: finish,
                        },
                    );
                    Ok(key)
                }
                Some(key) => {
                    let stream = store
                        .ops
                        .streams
                        .get_mut(key)
                        .filter(|s| &s.from == from && &s.to == to)
                        .ok_or_else(|| {
                            invalid(format!(
                                "MsgKey {key:?} names no stream from {from:?} to {to:?}"
                            ))
                        })?;
                    if stream.finished {
                        return Err(invalid(format!("the stream {key:?} is finished")));
                    }
                    stream.text.push_str(&req.chunk);
                    stream.finished = finish;
                    let body = text(&stream.text);
                    if let Some(msg) = store.c2c.find_mut(from, to, key) {
                        msg.body = body;
                    }
                    Ok(key.clone())
                }
            }
        })?;
        let mut resp = SendStreamMsgResponse::default();
        resp.msg_key = Some(key);
        Ok(resp)
    }
}
