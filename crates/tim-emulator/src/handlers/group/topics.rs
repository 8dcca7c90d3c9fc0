//! Topics of communities: create_topic, get_topic, modify_topic, destroy_topic
//! (`million_group_open_http_svc/*`) and import_topic. The rules and choices are in the
//! module docs of [`super`].

use tim_model::ErrorCode;
use tim_model::callback::Payload as _;
use tim_model::callbacks::group as group_cb;
use tim_model::group::{ImportTopicRequest, ImportTopicResponse};
use tim_model::topic::{
    CreateTopicRequest, CreateTopicResponse, DestroyTopicRequest, DestroyTopicResponse,
    GetTopicRequest, GetTopicResponse, ModifyTopicRequest, ModifyTopicResponse, TopicAndSelfInfo,
    TopicDestroyResult, TopicInfo, TopicSelfInfo,
};

use super::{REFUSED_BY_APP, Sel, group, group_mut, id_code, invalid, on_off, refuse_types, secs};
use crate::call::Call;
use crate::reply::ApiError;
use crate::state::Store;
use crate::state::group::{Group, GroupType, Topic};

/// What separates a topic ID's group ID from its own part.
const TOPIC_MARK: &str = "@TOPIC#_";
/// Start of a generated topic part.
const GENERATED_PART: &str = "@TOPIC#";
/// A custom topic part must not contain this (a group ID's prefix).
const COMMUNITY_MARK: &str = "@TGS#_";
/// Longest topic ID, in bytes.
const MAX_TOPIC_ID_BYTES: usize = 96;

/// The community `id` with topics: 10010/10015, 10007 for another type, 11000 without
/// `SupportTopic`.
fn topic_group_mut<'a>(store: &'a mut Store, id: &str) -> Result<&'a mut Group, ApiError> {
    let g = group_mut(store, id)?;
    check_topic_group(g)?;
    Ok(g)
}

fn check_topic_group(g: &Group) -> Result<(), ApiError> {
    refuse_types(
        g,
        &[
            GroupType::Private,
            GroupType::Public,
            GroupType::ChatRoom,
            GroupType::AvChatRoom,
        ],
        "topics",
    )?;
    if !g.support_topic {
        return Err(ApiError::new(
            ErrorCode::CommunityNotEnabled,
            format!(
                "community {:?} was not created with SupportTopic 1: it has no topics",
                g.id
            ),
        ));
    }
    Ok(())
}

/// Checks a custom topic ID for `g`: `{GroupId}@TOPIC#_` and a part of printable ASCII
/// without `@TGS#_` that does not look generated, at most 96 bytes (10004).
fn check_custom_topic_id(g: &Group, id: &str) -> Result<(), ApiError> {
    let prefix = format!("{}{TOPIC_MARK}", g.id);
    let part = id.strip_prefix(prefix.as_str()).ok_or_else(|| {
        invalid(format!(
            "TopicId {id:?}: a custom topic ID is {prefix:?} followed by its own part"
        ))
    })?;
    let printable = part.bytes().all(|b| (0x20..=0x7e).contains(&b));
    if part.is_empty()
        || !printable
        || part.contains(COMMUNITY_MARK)
        || part.starts_with(GENERATED_PART)
        || id.len() > MAX_TOPIC_ID_BYTES
    {
        return Err(invalid(format!(
            "TopicId {id:?}: the custom part is printable ASCII without {COMMUNITY_MARK:?}, not starting with {GENERATED_PART:?}, and the ID at most {MAX_TOPIC_ID_BYTES} bytes"
        )));
    }
    Ok(())
}

/// A topic to create or import, already decoded.
struct NewTopic<'a> {
    group_id: &'a str,
    custom_id: Option<&'a str>,
    name: &'a str,
    from: Option<&'a str>,
    custom_string: Option<&'a String>,
    face_url: Option<&'a String>,
    notification: Option<&'a String>,
    introduction: Option<&'a String>,
    create_time: Option<u64>,
    /// The code for a topic ID in use (create_topic 10025, import_topic 10021).
    id_in_use: ErrorCode,
}

/// Checks and stores a new topic; returns its ID.
fn add_topic(call: &Call<'_>, new: NewTopic<'_>) -> Result<String, ApiError> {
    let now = secs(call.now_ms);
    call.svc.with_store(|store| {
        if let Some(from) = new.from {
            call.require_account(
                store,
                from,
                "From_Account",
                ErrorCode::InvalidRequestParameter,
            )?;
        }
        let g = topic_group_mut(store, new.group_id)?;
        let create_time = new.create_time.unwrap_or(now);
        if create_time > now || create_time < g.create_time {
            return Err(invalid(format!(
                "CreateTime {create_time}: between the group's creation ({}) and now ({now})",
                g.create_time
            )));
        }
        let id = match new.custom_id {
            Some(id) => {
                check_custom_topic_id(g, id)?;
                if g.topic(id).is_some() {
                    return Err(ApiError::new(
                        new.id_in_use,
                        format!("topic ID {id:?} is already in use"),
                    ));
                }
                id.to_owned()
            }
            None => loop {
                g.generated_topics += 1;
                let id = format!(
                    "{}{TOPIC_MARK}{GENERATED_PART}{}",
                    g.id,
                    id_code(g.generated_topics)
                );
                if g.topic(&id).is_none() {
                    break id;
                }
            },
        };
        // Every check passed.
        g.topics.push(Topic {
            id: id.clone(),
            name: new.name.to_owned(),
            introduction: new.introduction.cloned().unwrap_or_default(),
            notification: new.notification.cloned().unwrap_or_default(),
            face_url: new.face_url.cloned().unwrap_or_default(),
            custom_string: new.custom_string.cloned().unwrap_or_default(),
            create_time,
            mute_all: false,
            messages: Vec::new(),
            next_seq: 1,
            mutes: std::collections::BTreeMap::new(),
        });
        Ok(id)
    })
}

pub(crate) fn create_topic(
    call: &Call<'_>,
    req: CreateTopicRequest,
) -> Result<CreateTopicResponse, ApiError> {
    // The request must pass what can be checked before the app's server is asked
    // (Group.CallbackBeforeCreateTopic): the operator, the community, a custom ID. The
    // operator is `From_Account`, else the admin.
    let (kind, owner) = call.svc.with_store(|store| {
        if let Some(from) = &req.from_account {
            call.require_account(
                store,
                from,
                "From_Account",
                ErrorCode::InvalidRequestParameter,
            )?;
        }
        let g = topic_group_mut(store, &req.group_id)?;
        if let Some(id) = &req.topic_id {
            check_custom_topic_id(g, id)?;
            if g.topic(id).is_some() {
                return Err(ApiError::new(
                    ErrorCode::GroupIdUsedByOperator,
                    format!("topic ID {id:?} is already in use"),
                ));
            }
        }
        Ok((g.kind, g.owner.clone().unwrap_or_default()))
    })?;
    let operator = req
        .from_account
        .clone()
        .unwrap_or_else(|| call.svc.admin().to_owned());
    let before = group_cb::BeforeCreateTopic::new(
        group_cb::BeforeCreateTopic::INFO.command,
        &operator,
        kind.as_str(),
        &req.topic_name,
    );
    call.before(&before)
        .or_refuse(before.callback_command.as_str(), REFUSED_BY_APP)?;
    let id = add_topic(
        call,
        NewTopic {
            group_id: &req.group_id,
            custom_id: req.topic_id.as_deref(),
            name: &req.topic_name,
            from: req.from_account.as_deref(),
            custom_string: req.custom_string.as_ref(),
            face_url: req.face_url.as_ref(),
            notification: req.notification.as_ref(),
            introduction: req.introduction.as_ref(),
            create_time: None,
            id_in_use: ErrorCode::GroupIdUsedByOperator,
        },
    )?;
    // No custom topic fields in the emulator: no `UserDefinedDataList`.
    call.after(&group_cb::AfterCreateTopic::new(
        group_cb::AfterCreateTopic::INFO.command,
        &req.group_id,
        &id,
        &operator,
        owner,
        kind.as_str(),
        &req.topic_name,
    ));
    let mut resp = CreateTopicResponse::default();
    resp.topic_id = Some(id);
    Ok(resp)
}

pub(crate) fn import_topic(
    call: &Call<'_>,
    req: ImportTopicRequest,
) -> Result<ImportTopicResponse, ApiError> {
    let id = add_topic(
        call,
        NewTopic {
            group_id: &req.group_id,
            custom_id: req.topic_id.as_deref(),
            name: &req.topic_name,
            from: req.from_account.as_deref(),
            custom_string: req.custom_string.as_ref(),
            face_url: req.face_url.as_ref(),
            notification: req.notification.as_ref(),
            introduction: req.introduction.as_ref(),
            create_time: req.create_time,
            id_in_use: ErrorCode::GroupIdInUse,
        },
    )?;
    let mut resp = ImportTopicResponse::default();
    resp.topic_id = Some(id);
    Ok(resp)
}

/// The profile of `t` in `g` selected by `fields` (`TopicId` and `GroupID` always).
fn topic_info(g: &Group, t: &Topic, fields: Sel<'_>) -> TopicInfo {
    let mut info = TopicInfo::new();
    info.topic_id = Some(t.id.clone());
    info.group_id = Some(g.id.clone());
    if fields.has("TopicName") {
        info.topic_name = Some(t.name.clone());
    }
    if fields.has("FaceUrl") {
        info.face_url = Some(t.face_url.clone());
    }
    if fields.has("Notification") {
        info.notification = Some(t.notification.clone());
    }
    if fields.has("Introduction") {
        info.introduction = Some(t.introduction.clone());
    }
    if fields.has("CustomString") {
        info.custom_string = Some(t.custom_string.clone());
    }
    if fields.has("CreateTime") {
        info.create_time = Some(t.create_time);
    }
    if fields.has("NextMsgSeq") {
        info.next_msg_seq = Some(t.next_seq);
    }
    if fields.has("LastMsgTime") {
        info.last_msg_time = Some(t.messages.last().map_or(0, |m| m.time));
    }
    if fields.has("MuteAllMember") {
        info.mute_all_member = Some(on_off(t.mute_all));
    }
    info
}

pub(crate) fn get_topic(
    call: &Call<'_>,
    req: GetTopicRequest,
) -> Result<GetTopicResponse, ApiError> {
    let store = call.svc.state.lock();
    call.require_account(
        &store,
        &req.from_account,
        "From_Account",
        ErrorCode::InvalidRequestParameter,
    )?;
    let g = group(&store, &req.group_id)?;
    check_topic_group(g)?;
    let fields = Sel::from(req.response_filter.as_ref());
    let self_info = g.member(&req.from_account).map(|m| {
        let mut s = TopicSelfInfo::new();
        s.shut_up_time = Some(0);
        s.msg_seq = Some(0);
        s.msg_flag = Some(m.msg_flag.clone());
        s
    });
    let found = |t: &Topic| {
        let mut item = TopicAndSelfInfo::new();
        item.error_code = Some(0);
        item.error_info = Some("ok".to_owned());
        item.topic_info = Some(topic_info(g, t, fields));
        item.self_info = self_info.clone();
        item
    };
    let list = match &req.topic_id_list {
        None => g.topics.iter().map(found).collect(),
        Some(ids) => ids
            .iter()
            .map(|id| match g.topic(id) {
                Some(t) => found(t),
                None => {
                    let mut item = TopicAndSelfInfo::new();
                    item.error_code = Some(ErrorCode::TopicDeleted.code());
                    item.error_info = Some(format!("topic {id:?} does not exist or was disbanded"));
                    let mut info = TopicInfo::new();
                    info.topic_id = Some(id.clone());
                    item.topic_info = Some(info);
                    item
                }
            })
            .collect(),
    };
    let mut resp = GetTopicResponse::default();
    resp.topic_and_self_info = Some(list);
    Ok(resp)
}

pub(crate) fn modify_topic(
    call: &Call<'_>,
    req: ModifyTopicRequest,
) -> Result<ModifyTopicResponse, ApiError> {
    let kind = call.svc.with_store(|store| {
        if let Some(from) = &req.from_account {
            call.require_account(
                store,
                from,
                "From_Account",
                ErrorCode::InvalidRequestParameter,
            )?;
        }
        let g = topic_group_mut(store, &req.group_id)?;
        let group_id = g.id.clone();
        let kind = g.kind;
        let t = g
            .topics
            .iter_mut()
            .find(|t| t.id == req.topic_id)
            .ok_or_else(|| {
                ApiError::new(
                    ErrorCode::GroupNotFound,
                    format!(
                        "topic {:?} of group {group_id:?} does not exist or was disbanded",
                        req.topic_id
                    ),
                )
            })?;
        // Every check passed.
        if let Some(v) = &req.topic_name {
            t.name.clone_from(v);
        }
        if let Some(v) = &req.custom_string {
            t.custom_string.clone_from(v);
        }
        if let Some(v) = &req.face_url {
            t.face_url.clone_from(v);
        }
        if let Some(v) = &req.notification {
            t.notification.clone_from(v);
        }
        if let Some(v) = &req.introduction {
            t.introduction.clone_from(v);
        }
        if let Some(v) = &req.mute_all_member {
            t.mute_all = v == "On";
        }
        Ok::<_, ApiError>(kind)
    })?;
    // Only the fields the page lists: a change of anything else sends nothing.
    let mut changed = group_cb::AfterTopicInfoChanged::new(
        group_cb::AfterTopicInfoChanged::INFO.command,
        &req.group_id,
        kind.as_str(),
        req.from_account
            .clone()
            .unwrap_or_else(|| call.svc.admin().to_owned()),
    );
    changed.name.clone_from(&req.topic_name);
    changed.introduction.clone_from(&req.introduction);
    changed.notification.clone_from(&req.notification);
    changed.face_url.clone_from(&req.face_url);
    if changed.name.is_some()
        || changed.introduction.is_some()
        || changed.notification.is_some()
        || changed.face_url.is_some()
    {
        call.after(&changed);
    }
    Ok(ModifyTopicResponse::default())
}

pub(crate) fn destroy_topic(
    call: &Call<'_>,
    req: DestroyTopicRequest,
) -> Result<DestroyTopicResponse, ApiError> {
    let (kind, gone, resp) = call.svc.with_store(|store| {
        let g = topic_group_mut(store, &req.group_id)?;
        let mut gone = Vec::new();
        let results = req
            .topic_id_list
            .iter()
            .map(|id| {
                let mut r = TopicDestroyResult::new();
                r.topic_id = Some(id.clone());
                if let Some(i) = g.topics.iter().position(|t| &t.id == id) {
                    gone.push(g.topics.remove(i).id);
                    r.error_code = Some(0);
                    r.error_info = Some("ok".to_owned());
                } else {
                    r.error_code = Some(ErrorCode::TopicDeleted.code());
                    r.error_info = Some(format!("topic {id:?} does not exist or was disbanded"));
                }
                r
            })
            .collect();
        let mut resp = DestroyTopicResponse::default();
        resp.destroy_result_item = Some(results);
        Ok::<_, ApiError>((g.kind, gone, resp))
    })?;
    // The topics actually deleted; none, no callback.
    if !gone.is_empty() {
        call.after(&group_cb::AfterTopicDestroyed::new(
            group_cb::AfterTopicDestroyed::INFO.command,
            &req.group_id,
            kind.as_str(),
            gone,
        ));
    }
    Ok(resp)
}
