//! Hand-written behaviour, per family: what the spec cannot express. Every endpoint without
//! it is answered by its generated conformance default (`crate::generated`).
//!
//! Stateful families: accounts ([`account`]), one-to-one messages ([`openim`]), profiles
//! ([`profile`]), the relationship chain ([`sns`]), conversation lists ([`contacts`]), follows ([`follow`]),
//! groups ([`group`]: also group attributes, `group_open_attr_http_svc`, the live groups of
//! `group_open_avchatroom_http_svc` and the topics of `million_group_open_http_svc`) and
//! all-member push (tags, attributes, pushes), global mutes ([`nospeaking`]), official
//! accounts ([`official_account`]), chatbots ([`robot`]) and moderation keyword lists with
//! on-demand moderation ([`moderation`]) and scheduled pushes ([`timpush`]). Each module's
//! docs say what it keeps and what it chose where the pages are silent.
//!
//! The `v4/all_member_push/*` family ([`PushFamily`]) keeps tags, attributes and pushes in
//! the app's state: each method gets the request already decoded and checked against the
//! spec's limits, adds the checks the spec cannot express (registered attribute names, 100
//! tags per user, push pacing and quota), then reads or changes the state and answers the
//! generated response type. A failing call changes nothing: every check runs before the
//! first change.

mod account;
mod attrs;
mod c2c_ext;
mod contacts;
mod follow;
mod group;
mod moderation;
mod msg_ext;
mod nospeaking;
mod official_account;
mod openim;
mod profile;
mod push;
mod robot;
mod sns;
mod tags;
mod timpush;

use tim_model::all_member_push::{
    AddTagRequest, AddTagResponse, GetAttrNameRequest, GetAttrNameResponse, GetAttrRequest,
    GetAttrResponse, GetTagRequest, GetTagResponse, PUSH, PushRequest, PushResponse,
    RemoveAllTagsRequest, RemoveAllTagsResponse, RemoveAttrRequest, RemoveAttrResponse,
    RemoveTagRequest, RemoveTagResponse, SetAttrNameRequest, SetAttrNameResponse, SetAttrRequest,
    SetAttrResponse,
};

use tim_model::account as acc;

use crate::call::Call;
use crate::generated::{
    Families, account as account_surface, all_member_push, follow as follow_surface,
    group as group_surface, group_attr as group_attr_surface, live_group as live_group_surface,
    msg_ext as msg_ext_surface, openim as openim_surface, profile as profile_surface,
    recent_contact as recent_contact_surface, sns as sns_surface, topic as topic_surface,
};
use crate::reply::ApiError;

/// The endpoints with hand-written (stateful) behaviour, by service: every command of the
/// service, or the ones listed. Kept next to [`install`], which must agree with it.
pub(crate) const STATEFUL: &[(&str, Option<&[&str]>)] = &[
    ("all_member_push", None),
    ("im_open_login_svc", None),
    (
        "openim",
        Some(&[
            "sendmsg",
            "batchsendmsg",
            "importmsg",
            "admin_getroammsg",
            "admin_msgwithdraw",
            "admin_set_msg_read",
            "get_c2c_unread_msg_num",
            "modify_c2c_msg",
            "delete_c2c_msg_ramble",
            "c2c_msg_read_receipt",
            "query_online_status",
            "modify_group_msg",
        ]),
    ),
    ("profile", None),
    ("sns", None),
    ("follow", None),
    ("recentcontact", Some(&["get_list", "delete"])),
    (
        "group_open_http_svc",
        Some(&[
            "create_group",
            "import_group",
            "get_group_info",
            "modify_group_base_info",
            "destroy_group",
            "change_group_owner",
            "get_appid_group_list",
            "get_joined_group_list",
            "add_group_member",
            "delete_group_member",
            "import_group_member",
            "get_group_member_info",
            "get_specified_group_member_info",
            "modify_group_member_info",
            "get_role_in_group",
            "forbid_send_msg",
            "get_group_muted_account",
            "send_group_msg",
            "group_msg_get_simple",
            "group_msg_recall",
            "send_group_system_notification",
            "import_group_msg",
            "delete_group_msg_by_sender",
            "set_unread_msg_num",
            "modify_group_attr",
            "set_group_attr",
            "clear_group_attr",
            "delete_group_attr",
            "get_group_counter",
            "update_group_counter",
            "delete_group_counter",
            "ban_group_member",
            "unban_group_member",
            "get_group_ban_member",
            "group_msg_receipt",
            "get_group_msg_receipt",
            "get_group_msg_receipt_detail",
            "clear_group_msg",
            "send_broadcast_msg",
            "get_online_member_num",
            "import_topic",
        ]),
    ),
    ("group_open_attr_http_svc", None),
    ("group_open_avchatroom_http_svc", None),
    ("million_group_open_http_svc", None),
    ("openim_msg_ext_http_svc", None),
    ("openconfigsvr", Some(&["setnospeaking", "getnospeaking"])),
    ("official_account_open_http_svc", None),
    ("openim_robot_http_svc", None),
    ("im_msg_audit_mgr", None),
    ("im_msg_audit", None),
    (
        "timpush",
        Some(&[
            "add_sched_task",
            "get_sched_task",
            "list_sched_task",
            "modify_sched_task",
            "delete_sched_task",
        ]),
    ),
];

/// Installs the hand-written families over the conformance defaults.
pub(crate) fn install(families: &mut Families) {
    families.all_member_push = Box::new(PushFamily);
    families.account = Box::new(AccountFamily);
    families.openim = Box::new(OpenimFamily);
    families.profile = Box::new(ProfileFamily);
    families.sns = Box::new(SnsFamily);
    families.recent_contact = Box::new(ContactsFamily);
    families.follow = Box::new(FollowFamily);
    families.group = Box::new(GroupFamily);
    families.group_attr = Box::new(GroupAttrFamily);
    families.live_group = Box::new(LiveGroupFamily);
    families.topic = Box::new(TopicFamily);
    families.msg_ext = Box::new(MsgExtFamily);
    families.config = Box::new(nospeaking::ConfigFamily);
    families.official_account = Box::new(official_account::OfficialAccountFamily);
    families.robot = Box::new(robot::RobotFamily);
    families.audit_keywords = Box::new(moderation::AuditKeywordsFamily);
    families.moderation = Box::new(moderation::ModerationFamily);
    families.timpush = Box::new(timpush::TimpushFamily);
}

pub(crate) use group::{join_live_group, leave_live_group};

/// `im_open_login_svc/*`: accounts exist once imported (see [`account`]).
pub(crate) struct AccountFamily;

impl account_surface::Behaviour for AccountFamily {
    fn account_import(
        &self,
        call: &Call<'_>,
        request: acc::AccountImportRequest,
    ) -> Result<acc::AccountImportResponse, ApiError> {
        account::account_import(call, request)
    }

    fn multi_account_import(
        &self,
        call: &Call<'_>,
        request: acc::MultiAccountImportRequest,
    ) -> Result<acc::MultiAccountImportResponse, ApiError> {
        account::multi_account_import(call, request)
    }

    fn account_delete(
        &self,
        call: &Call<'_>,
        request: acc::AccountDeleteRequest,
    ) -> Result<acc::AccountDeleteResponse, ApiError> {
        account::account_delete(call, request)
    }

    fn account_check(
        &self,
        call: &Call<'_>,
        request: acc::AccountCheckRequest,
    ) -> Result<acc::AccountCheckResponse, ApiError> {
        account::account_check(call, request)
    }

    fn kick(
        &self,
        call: &Call<'_>,
        request: acc::KickRequest,
    ) -> Result<acc::KickResponse, ApiError> {
        account::kick(call, request)
    }
}

/// `openim/*`: one-to-one messages, read marks, unread counts, online status (see [`openim`]),
/// and modify_group_msg (see [`group`]).
pub(crate) struct OpenimFamily;

impl openim_surface::Behaviour for OpenimFamily {
    fn get_roam_msg(
        &self,
        call: &Call<'_>,
        request: tim_model::openim::GetRoamMsgRequest,
    ) -> Result<tim_model::openim::GetRoamMsgResponse, ApiError> {
        openim::get_roam_msg(call, request)
    }

    fn withdraw_msg(
        &self,
        call: &Call<'_>,
        request: tim_model::openim::WithdrawMsgRequest,
    ) -> Result<tim_model::openim::WithdrawMsgResponse, ApiError> {
        openim::withdraw_msg(call, request)
    }

    fn set_msg_read(
        &self,
        call: &Call<'_>,
        request: tim_model::openim::SetMsgReadRequest,
    ) -> Result<tim_model::openim::SetMsgReadResponse, ApiError> {
        openim::set_msg_read(call, request)
    }

    fn batch_send_msg(
        &self,
        call: &Call<'_>,
        request: tim_model::openim::BatchSendMsgRequest,
    ) -> Result<tim_model::openim::BatchSendMsgResponse, ApiError> {
        openim::batch_send_msg(call, request)
    }

    fn c2c_msg_read_receipt(
        &self,
        call: &Call<'_>,
        request: tim_model::openim::C2cMsgReadReceiptRequest,
    ) -> Result<tim_model::openim::C2cMsgReadReceiptResponse, ApiError> {
        openim::c2c_msg_read_receipt(call, request)
    }

    fn delete_c2c_msg_ramble(
        &self,
        call: &Call<'_>,
        request: tim_model::openim::DeleteC2cMsgRambleRequest,
    ) -> Result<tim_model::openim::DeleteC2cMsgRambleResponse, ApiError> {
        openim::delete_c2c_msg_ramble(call, request)
    }

    fn get_c2c_unread_msg_num(
        &self,
        call: &Call<'_>,
        request: tim_model::openim::GetC2cUnreadMsgNumRequest,
    ) -> Result<tim_model::openim::GetC2cUnreadMsgNumResponse, ApiError> {
        openim::get_c2c_unread_msg_num(call, request)
    }

    fn import_msg(
        &self,
        call: &Call<'_>,
        request: tim_model::openim::ImportMsgRequest,
    ) -> Result<tim_model::openim::ImportMsgResponse, ApiError> {
        openim::import_msg(call, request)
    }

    fn modify_c2c_msg(
        &self,
        call: &Call<'_>,
        request: tim_model::openim::ModifyC2cMsgRequest,
    ) -> Result<tim_model::openim::ModifyC2cMsgResponse, ApiError> {
        openim::modify_c2c_msg(call, request)
    }

    fn query_online_status(
        &self,
        call: &Call<'_>,
        request: tim_model::openim::QueryOnlineStatusRequest,
    ) -> Result<tim_model::openim::QueryOnlineStatusResponse, ApiError> {
        openim::query_online_status(call, request)
    }

    fn send_msg(
        &self,
        call: &Call<'_>,
        request: tim_model::openim::SendMsgRequest,
    ) -> Result<tim_model::openim::SendMsgResponse, ApiError> {
        openim::send_msg(call, request)
    }

    fn modify_group_msg(
        &self,
        call: &Call<'_>,
        request: tim_model::openim::ModifyGroupMsgRequest,
    ) -> Result<tim_model::openim::ModifyGroupMsgResponse, ApiError> {
        group::modify_group_msg(call, request)
    }
}

/// `openim_msg_ext_http_svc/*`: the extensions of group messages (see [`group`]) and of
/// one-to-one messages (see [`c2c_ext`]), with the rules they share in [`msg_ext`].
pub(crate) struct MsgExtFamily;

impl msg_ext_surface::Behaviour for MsgExtFamily {
    fn get_group_key_values(
        &self,
        call: &Call<'_>,
        request: tim_model::msg_ext::GetGroupKeyValuesRequest,
    ) -> Result<tim_model::msg_ext::GetGroupKeyValuesResponse, ApiError> {
        group::get_group_key_values(call, request)
    }

    fn set_group_key_values(
        &self,
        call: &Call<'_>,
        request: tim_model::msg_ext::SetGroupKeyValuesRequest,
    ) -> Result<tim_model::msg_ext::SetGroupKeyValuesResponse, ApiError> {
        group::set_group_key_values(call, request)
    }

    fn get_key_values(
        &self,
        call: &Call<'_>,
        request: tim_model::msg_ext::GetKeyValuesRequest,
    ) -> Result<tim_model::msg_ext::GetKeyValuesResponse, ApiError> {
        c2c_ext::get_key_values(call, request)
    }

    fn set_key_values(
        &self,
        call: &Call<'_>,
        request: tim_model::msg_ext::SetKeyValuesRequest,
    ) -> Result<tim_model::msg_ext::SetKeyValuesResponse, ApiError> {
        c2c_ext::set_key_values(call, request)
    }
}

/// `profile/*`: profile fields (see [`profile`]).
pub(crate) struct ProfileFamily;

impl profile_surface::Behaviour for ProfileFamily {
    fn portrait_get(
        &self,
        call: &Call<'_>,
        request: tim_model::profile::PortraitGetRequest,
    ) -> Result<tim_model::profile::PortraitGetResponse, ApiError> {
        profile::portrait_get(call, request)
    }

    fn portrait_set(
        &self,
        call: &Call<'_>,
        request: tim_model::profile::PortraitSetRequest,
    ) -> Result<tim_model::profile::PortraitSetResponse, ApiError> {
        profile::portrait_set(call, request)
    }
}

/// `sns/*`: friends, blocklists and friend lists (see [`sns`]).
pub(crate) struct SnsFamily;

impl sns_surface::Behaviour for SnsFamily {
    fn black_list_add(
        &self,
        call: &Call<'_>,
        request: tim_model::sns::BlackListAddRequest,
    ) -> Result<tim_model::sns::BlackListAddResponse, ApiError> {
        sns::black_list_add(call, request)
    }

    fn black_list_check(
        &self,
        call: &Call<'_>,
        request: tim_model::sns::BlackListCheckRequest,
    ) -> Result<tim_model::sns::BlackListCheckResponse, ApiError> {
        sns::black_list_check(call, request)
    }

    fn black_list_delete(
        &self,
        call: &Call<'_>,
        request: tim_model::sns::BlackListDeleteRequest,
    ) -> Result<tim_model::sns::BlackListDeleteResponse, ApiError> {
        sns::black_list_delete(call, request)
    }

    fn black_list_get(
        &self,
        call: &Call<'_>,
        request: tim_model::sns::BlackListGetRequest,
    ) -> Result<tim_model::sns::BlackListGetResponse, ApiError> {
        sns::black_list_get(call, request)
    }

    fn friend_add(
        &self,
        call: &Call<'_>,
        request: tim_model::sns::FriendAddRequest,
    ) -> Result<tim_model::sns::FriendAddResponse, ApiError> {
        sns::friend_add(call, request)
    }

    fn friend_check(
        &self,
        call: &Call<'_>,
        request: tim_model::sns::FriendCheckRequest,
    ) -> Result<tim_model::sns::FriendCheckResponse, ApiError> {
        sns::friend_check(call, request)
    }

    fn friend_delete(
        &self,
        call: &Call<'_>,
        request: tim_model::sns::FriendDeleteRequest,
    ) -> Result<tim_model::sns::FriendDeleteResponse, ApiError> {
        sns::friend_delete(call, request)
    }

    fn friend_delete_all(
        &self,
        call: &Call<'_>,
        request: tim_model::sns::FriendDeleteAllRequest,
    ) -> Result<tim_model::sns::FriendDeleteAllResponse, ApiError> {
        sns::friend_delete_all(call, request)
    }

    fn friend_get(
        &self,
        call: &Call<'_>,
        request: tim_model::sns::FriendGetRequest,
    ) -> Result<tim_model::sns::FriendGetResponse, ApiError> {
        sns::friend_get(call, request)
    }

    fn friend_get_list(
        &self,
        call: &Call<'_>,
        request: tim_model::sns::FriendGetListRequest,
    ) -> Result<tim_model::sns::FriendGetListResponse, ApiError> {
        sns::friend_get_list(call, request)
    }

    fn friend_import(
        &self,
        call: &Call<'_>,
        request: tim_model::sns::FriendImportRequest,
    ) -> Result<tim_model::sns::FriendImportResponse, ApiError> {
        sns::friend_import(call, request)
    }

    fn friend_update(
        &self,
        call: &Call<'_>,
        request: tim_model::sns::FriendUpdateRequest,
    ) -> Result<tim_model::sns::FriendUpdateResponse, ApiError> {
        sns::friend_update(call, request)
    }

    fn group_add(
        &self,
        call: &Call<'_>,
        request: tim_model::sns::GroupAddRequest,
    ) -> Result<tim_model::sns::GroupAddResponse, ApiError> {
        sns::group_add(call, request)
    }

    fn group_delete(
        &self,
        call: &Call<'_>,
        request: tim_model::sns::GroupDeleteRequest,
    ) -> Result<tim_model::sns::GroupDeleteResponse, ApiError> {
        sns::group_delete(call, request)
    }

    fn group_get(
        &self,
        call: &Call<'_>,
        request: tim_model::sns::GroupGetRequest,
    ) -> Result<tim_model::sns::GroupGetResponse, ApiError> {
        sns::group_get(call, request)
    }
}

/// `recentcontact/*`: conversation lists (see [`contacts`]); the conversation groups and marks keep the conformance default.
pub(crate) struct ContactsFamily;

impl recent_contact_surface::Behaviour for ContactsFamily {
    fn delete(
        &self,
        call: &Call<'_>,
        request: tim_model::recent_contact::DeleteRequest,
    ) -> Result<tim_model::recent_contact::DeleteResponse, ApiError> {
        contacts::delete(call, request)
    }

    fn get_list(
        &self,
        call: &Call<'_>,
        request: tim_model::recent_contact::GetListRequest,
    ) -> Result<tim_model::recent_contact::GetListResponse, ApiError> {
        contacts::get_list(call, request)
    }
}

/// `follow/*`: followings, followers and mutual follows (see [`follow`]).
pub(crate) struct FollowFamily;

impl follow_surface::Behaviour for FollowFamily {
    fn follow_add(
        &self,
        call: &Call<'_>,
        request: tim_model::follow::FollowAddRequest,
    ) -> Result<tim_model::follow::FollowAddResponse, ApiError> {
        follow::follow_add(call, request)
    }

    fn follow_check(
        &self,
        call: &Call<'_>,
        request: tim_model::follow::FollowCheckRequest,
    ) -> Result<tim_model::follow::FollowCheckResponse, ApiError> {
        follow::follow_check(call, request)
    }

    fn follow_delete(
        &self,
        call: &Call<'_>,
        request: tim_model::follow::FollowDeleteRequest,
    ) -> Result<tim_model::follow::FollowDeleteResponse, ApiError> {
        follow::follow_delete(call, request)
    }

    fn follow_get(
        &self,
        call: &Call<'_>,
        request: tim_model::follow::FollowGetRequest,
    ) -> Result<tim_model::follow::FollowGetResponse, ApiError> {
        follow::follow_get(call, request)
    }

    fn follow_get_info(
        &self,
        call: &Call<'_>,
        request: tim_model::follow::FollowGetInfoRequest,
    ) -> Result<tim_model::follow::FollowGetInfoResponse, ApiError> {
        follow::follow_get_info(call, request)
    }
}

/// `group_open_http_svc/*`: groups, members, mutes, group messages, read receipts,
/// attributes, counters, audio-video bans, online counts, broadcasts and topic imports (see
/// [`group`]).
pub(crate) struct GroupFamily;

impl group_surface::Behaviour for GroupFamily {
    fn create_group(
        &self,
        call: &Call<'_>,
        request: tim_model::group::CreateGroupRequest,
    ) -> Result<tim_model::group::CreateGroupResponse, ApiError> {
        group::create_group(call, request)
    }

    fn import_group(
        &self,
        call: &Call<'_>,
        request: tim_model::group::ImportGroupRequest,
    ) -> Result<tim_model::group::ImportGroupResponse, ApiError> {
        group::import_group(call, request)
    }

    fn get_group_info(
        &self,
        call: &Call<'_>,
        request: tim_model::group::GetGroupInfoRequest,
    ) -> Result<tim_model::group::GetGroupInfoResponse, ApiError> {
        group::get_group_info(call, request)
    }

    fn modify_group_base_info(
        &self,
        call: &Call<'_>,
        request: tim_model::group::ModifyGroupBaseInfoRequest,
    ) -> Result<tim_model::group::ModifyGroupBaseInfoResponse, ApiError> {
        group::modify_group_base_info(call, request)
    }

    fn destroy_group(
        &self,
        call: &Call<'_>,
        request: tim_model::group::DestroyGroupRequest,
    ) -> Result<tim_model::group::DestroyGroupResponse, ApiError> {
        group::destroy_group(call, request)
    }

    fn change_group_owner(
        &self,
        call: &Call<'_>,
        request: tim_model::group::ChangeGroupOwnerRequest,
    ) -> Result<tim_model::group::ChangeGroupOwnerResponse, ApiError> {
        group::change_group_owner(call, request)
    }

    fn get_appid_group_list(
        &self,
        call: &Call<'_>,
        request: tim_model::group::GetAppidGroupListRequest,
    ) -> Result<tim_model::group::GetAppidGroupListResponse, ApiError> {
        group::get_appid_group_list(call, request)
    }

    fn get_joined_group_list(
        &self,
        call: &Call<'_>,
        request: tim_model::group::GetJoinedGroupListRequest,
    ) -> Result<tim_model::group::GetJoinedGroupListResponse, ApiError> {
        group::get_joined_group_list(call, request)
    }

    fn add_group_member(
        &self,
        call: &Call<'_>,
        request: tim_model::group::AddGroupMemberRequest,
    ) -> Result<tim_model::group::AddGroupMemberResponse, ApiError> {
        group::add_group_member(call, request)
    }

    fn delete_group_member(
        &self,
        call: &Call<'_>,
        request: tim_model::group::DeleteGroupMemberRequest,
    ) -> Result<tim_model::group::DeleteGroupMemberResponse, ApiError> {
        group::delete_group_member(call, request)
    }

    fn import_group_member(
        &self,
        call: &Call<'_>,
        request: tim_model::group::ImportGroupMemberRequest,
    ) -> Result<tim_model::group::ImportGroupMemberResponse, ApiError> {
        group::import_group_member(call, request)
    }

    fn get_group_member_info(
        &self,
        call: &Call<'_>,
        request: tim_model::group::GetGroupMemberInfoRequest,
    ) -> Result<tim_model::group::GetGroupMemberInfoResponse, ApiError> {
        group::get_group_member_info(call, request)
    }

    fn get_specified_group_member_info(
        &self,
        call: &Call<'_>,
        request: tim_model::group::GetSpecifiedGroupMemberInfoRequest,
    ) -> Result<tim_model::group::GetSpecifiedGroupMemberInfoResponse, ApiError> {
        group::get_specified_group_member_info(call, request)
    }

    fn modify_group_member_info(
        &self,
        call: &Call<'_>,
        request: tim_model::group::ModifyGroupMemberInfoRequest,
    ) -> Result<tim_model::group::ModifyGroupMemberInfoResponse, ApiError> {
        group::modify_group_member_info(call, request)
    }

    fn get_role_in_group(
        &self,
        call: &Call<'_>,
        request: tim_model::group::GetRoleInGroupRequest,
    ) -> Result<tim_model::group::GetRoleInGroupResponse, ApiError> {
        group::get_role_in_group(call, request)
    }

    fn forbid_send_msg(
        &self,
        call: &Call<'_>,
        request: tim_model::group::ForbidSendMsgRequest,
    ) -> Result<tim_model::group::ForbidSendMsgResponse, ApiError> {
        group::forbid_send_msg(call, request)
    }

    fn get_group_muted_account(
        &self,
        call: &Call<'_>,
        request: tim_model::group::GetGroupMutedAccountRequest,
    ) -> Result<tim_model::group::GetGroupMutedAccountResponse, ApiError> {
        group::get_group_muted_account(call, request)
    }

    fn send_group_msg(
        &self,
        call: &Call<'_>,
        request: tim_model::group::SendGroupMsgRequest,
    ) -> Result<tim_model::group::SendGroupMsgResponse, ApiError> {
        group::send_group_msg(call, request)
    }

    fn get_group_msg(
        &self,
        call: &Call<'_>,
        request: tim_model::group::GetGroupMsgRequest,
    ) -> Result<tim_model::group::GetGroupMsgResponse, ApiError> {
        group::get_group_msg(call, request)
    }

    fn recall_group_msg(
        &self,
        call: &Call<'_>,
        request: tim_model::group::RecallGroupMsgRequest,
    ) -> Result<tim_model::group::RecallGroupMsgResponse, ApiError> {
        group::recall_group_msg(call, request)
    }

    fn send_group_system_notification(
        &self,
        call: &Call<'_>,
        request: tim_model::group::SendGroupSystemNotificationRequest,
    ) -> Result<tim_model::group::SendGroupSystemNotificationResponse, ApiError> {
        group::send_group_system_notification(call, request)
    }

    fn import_group_msg(
        &self,
        call: &Call<'_>,
        request: tim_model::group::ImportGroupMsgRequest,
    ) -> Result<tim_model::group::ImportGroupMsgResponse, ApiError> {
        group::import_group_msg(call, request)
    }

    fn delete_group_msg_by_sender(
        &self,
        call: &Call<'_>,
        request: tim_model::group::DeleteGroupMsgBySenderRequest,
    ) -> Result<tim_model::group::DeleteGroupMsgBySenderResponse, ApiError> {
        group::delete_group_msg_by_sender(call, request)
    }

    fn set_unread_msg_num(
        &self,
        call: &Call<'_>,
        request: tim_model::group::SetUnreadMsgNumRequest,
    ) -> Result<tim_model::group::SetUnreadMsgNumResponse, ApiError> {
        group::set_unread_msg_num(call, request)
    }

    fn modify_group_attr(
        &self,
        call: &Call<'_>,
        request: tim_model::group::ModifyGroupAttrRequest,
    ) -> Result<tim_model::group::ModifyGroupAttrResponse, ApiError> {
        group::modify_group_attr(call, request)
    }

    fn set_group_attr(
        &self,
        call: &Call<'_>,
        request: tim_model::group::SetGroupAttrRequest,
    ) -> Result<tim_model::group::SetGroupAttrResponse, ApiError> {
        group::set_group_attr(call, request)
    }

    fn clear_group_attr(
        &self,
        call: &Call<'_>,
        request: tim_model::group::ClearGroupAttrRequest,
    ) -> Result<tim_model::group::ClearGroupAttrResponse, ApiError> {
        group::clear_group_attr(call, request)
    }

    fn delete_group_attr(
        &self,
        call: &Call<'_>,
        request: tim_model::group::DeleteGroupAttrRequest,
    ) -> Result<tim_model::group::DeleteGroupAttrResponse, ApiError> {
        group::delete_group_attr(call, request)
    }

    fn get_group_counter(
        &self,
        call: &Call<'_>,
        request: tim_model::group::GetGroupCounterRequest,
    ) -> Result<tim_model::group::GetGroupCounterResponse, ApiError> {
        group::get_group_counter(call, request)
    }

    fn update_group_counter(
        &self,
        call: &Call<'_>,
        request: tim_model::group::UpdateGroupCounterRequest,
    ) -> Result<tim_model::group::UpdateGroupCounterResponse, ApiError> {
        group::update_group_counter(call, request)
    }

    fn delete_group_counter(
        &self,
        call: &Call<'_>,
        request: tim_model::group::DeleteGroupCounterRequest,
    ) -> Result<tim_model::group::DeleteGroupCounterResponse, ApiError> {
        group::delete_group_counter(call, request)
    }

    fn ban_group_member(
        &self,
        call: &Call<'_>,
        request: tim_model::group::BanGroupMemberRequest,
    ) -> Result<tim_model::group::BanGroupMemberResponse, ApiError> {
        group::ban_group_member(call, request)
    }

    fn unban_group_member(
        &self,
        call: &Call<'_>,
        request: tim_model::group::UnbanGroupMemberRequest,
    ) -> Result<tim_model::group::UnbanGroupMemberResponse, ApiError> {
        group::unban_group_member(call, request)
    }

    fn get_group_ban_member(
        &self,
        call: &Call<'_>,
        request: tim_model::group::GetGroupBanMemberRequest,
    ) -> Result<tim_model::group::GetGroupBanMemberResponse, ApiError> {
        group::get_group_ban_member(call, request)
    }

    fn send_group_msg_receipt(
        &self,
        call: &Call<'_>,
        request: tim_model::group::SendGroupMsgReceiptRequest,
    ) -> Result<tim_model::group::SendGroupMsgReceiptResponse, ApiError> {
        group::send_group_msg_receipt(call, request)
    }

    fn get_group_msg_receipt(
        &self,
        call: &Call<'_>,
        request: tim_model::group::GetGroupMsgReceiptRequest,
    ) -> Result<tim_model::group::GetGroupMsgReceiptResponse, ApiError> {
        group::get_group_msg_receipt(call, request)
    }

    fn get_group_msg_receipt_detail(
        &self,
        call: &Call<'_>,
        request: tim_model::group::GetGroupMsgReceiptDetailRequest,
    ) -> Result<tim_model::group::GetGroupMsgReceiptDetailResponse, ApiError> {
        group::get_group_msg_receipt_detail(call, request)
    }

    fn clear_group_msg(
        &self,
        call: &Call<'_>,
        request: tim_model::group::ClearGroupMsgRequest,
    ) -> Result<tim_model::group::ClearGroupMsgResponse, ApiError> {
        group::clear_group_msg(call, request)
    }

    fn send_broadcast_msg(
        &self,
        call: &Call<'_>,
        request: tim_model::group::SendBroadcastMsgRequest,
    ) -> Result<tim_model::group::SendBroadcastMsgResponse, ApiError> {
        group::send_broadcast_msg(call, request)
    }

    fn get_online_member_num(
        &self,
        call: &Call<'_>,
        request: tim_model::group::GetOnlineMemberNumRequest,
    ) -> Result<tim_model::group::GetOnlineMemberNumResponse, ApiError> {
        group::get_online_member_num(call, request)
    }

    fn import_topic(
        &self,
        call: &Call<'_>,
        request: tim_model::group::ImportTopicRequest,
    ) -> Result<tim_model::group::ImportTopicResponse, ApiError> {
        group::import_topic(call, request)
    }
}

/// `million_group_open_http_svc/*`: the topics of communities (see [`group`]).
pub(crate) struct TopicFamily;

impl topic_surface::Behaviour for TopicFamily {
    fn create_topic(
        &self,
        call: &Call<'_>,
        request: tim_model::topic::CreateTopicRequest,
    ) -> Result<tim_model::topic::CreateTopicResponse, ApiError> {
        group::create_topic(call, request)
    }

    fn get_topic(
        &self,
        call: &Call<'_>,
        request: tim_model::topic::GetTopicRequest,
    ) -> Result<tim_model::topic::GetTopicResponse, ApiError> {
        group::get_topic(call, request)
    }

    fn modify_topic(
        &self,
        call: &Call<'_>,
        request: tim_model::topic::ModifyTopicRequest,
    ) -> Result<tim_model::topic::ModifyTopicResponse, ApiError> {
        group::modify_topic(call, request)
    }

    fn destroy_topic(
        &self,
        call: &Call<'_>,
        request: tim_model::topic::DestroyTopicRequest,
    ) -> Result<tim_model::topic::DestroyTopicResponse, ApiError> {
        group::destroy_topic(call, request)
    }
}

/// `group_open_attr_http_svc/*`: reading a group's custom attributes (see [`group`]).
pub(crate) struct GroupAttrFamily;

impl group_attr_surface::Behaviour for GroupAttrFamily {
    fn get_group_attr(
        &self,
        call: &Call<'_>,
        request: tim_model::group_attr::GetGroupAttrRequest,
    ) -> Result<tim_model::group_attr::GetGroupAttrResponse, ApiError> {
        group::get_group_attr(call, request)
    }
}

/// `group_open_avchatroom_http_svc/*`: the online members, marks and admins of audio-video
/// groups (see [`group`]).
pub(crate) struct LiveGroupFamily;

impl live_group_surface::Behaviour for LiveGroupFamily {
    fn get_members(
        &self,
        call: &Call<'_>,
        request: tim_model::live_group::GetMembersRequest,
    ) -> Result<tim_model::live_group::GetMembersResponse, ApiError> {
        group::get_members(call, request)
    }

    fn modify_user_info(
        &self,
        call: &Call<'_>,
        request: tim_model::live_group::ModifyUserInfoRequest,
    ) -> Result<tim_model::live_group::ModifyUserInfoResponse, ApiError> {
        group::modify_user_info(call, request)
    }

    fn check_members(
        &self,
        call: &Call<'_>,
        request: tim_model::live_group::CheckMembersRequest,
    ) -> Result<tim_model::live_group::CheckMembersResponse, ApiError> {
        group::check_members(call, request)
    }

    fn get_admin_list(
        &self,
        call: &Call<'_>,
        request: tim_model::live_group::GetAdminListRequest,
    ) -> Result<tim_model::live_group::GetAdminListResponse, ApiError> {
        group::get_admin_list(call, request)
    }

    fn modify_admin(
        &self,
        call: &Call<'_>,
        request: tim_model::live_group::ModifyAdminRequest,
    ) -> Result<tim_model::live_group::ModifyAdminResponse, ApiError> {
        group::modify_admin(call, request)
    }
}

/// `v4/all_member_push/*`: push to all users, user tags and user attributes.
pub(crate) struct PushFamily;

impl all_member_push::Behaviour for PushFamily {
    fn before_decode(&self, call: &Call<'_>, body: &[u8]) -> Result<(), ApiError> {
        if call.endpoint.path == PUSH.path {
            push::before_decode(call, body)
        } else {
            Ok(())
        }
    }

    fn get_attr_name(
        &self,
        call: &Call<'_>,
        request: GetAttrNameRequest,
    ) -> Result<GetAttrNameResponse, ApiError> {
        attrs::get_attr_name(call, request)
    }

    fn get_attr(
        &self,
        call: &Call<'_>,
        request: GetAttrRequest,
    ) -> Result<GetAttrResponse, ApiError> {
        attrs::get_attr(call, request)
    }

    fn get_tag(&self, call: &Call<'_>, request: GetTagRequest) -> Result<GetTagResponse, ApiError> {
        tags::get_tag(call, request)
    }

    fn push(&self, call: &Call<'_>, request: PushRequest) -> Result<PushResponse, ApiError> {
        push::push(call, request)
    }

    fn add_tag(&self, call: &Call<'_>, request: AddTagRequest) -> Result<AddTagResponse, ApiError> {
        tags::add_tag(call, request)
    }

    fn remove_all_tags(
        &self,
        call: &Call<'_>,
        request: RemoveAllTagsRequest,
    ) -> Result<RemoveAllTagsResponse, ApiError> {
        tags::remove_all_tags(call, request)
    }

    fn remove_attr(
        &self,
        call: &Call<'_>,
        request: RemoveAttrRequest,
    ) -> Result<RemoveAttrResponse, ApiError> {
        attrs::remove_attr(call, request)
    }

    fn remove_tag(
        &self,
        call: &Call<'_>,
        request: RemoveTagRequest,
    ) -> Result<RemoveTagResponse, ApiError> {
        tags::remove_tag(call, request)
    }

    fn set_attr(
        &self,
        call: &Call<'_>,
        request: SetAttrRequest,
    ) -> Result<SetAttrResponse, ApiError> {
        attrs::set_attr(call, request)
    }

    fn set_attr_name(
        &self,
        call: &Call<'_>,
        request: SetAttrNameRequest,
    ) -> Result<SetAttrNameResponse, ApiError> {
        attrs::set_attr_name(call, request)
    }
}
