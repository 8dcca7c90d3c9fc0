//! `group_open_http_svc/*`: groups, their members and their messages, read receipts,
//! custom attributes (with `group_open_attr_http_svc/get_group_attr`), counters, bans; and
//! the audio-video groups' online members, marks and admins
//! (`group_open_avchatroom_http_svc/*`), the topics of communities
//! (`million_group_open_http_svc/*`), the extensions of group messages
//! (`openim_msg_ext_http_svc/group_*`) and `openim/modify_group_msg`.
//!
//! Every call is made by the app admin, who has the owner's permissions in every group, so
//! 10007 (no permission) comes from what a group type does not support, as each page's
//! "applicable group types" table says. Groups are kept in
//! [`GroupStore`](crate::state::group::GroupStore): the profile, members in the order they
//! joined, mutes, the stored messages of each group, and what the sections below add.
//! Members and owners must exist (imported accounts, or the app admin). Features the pages
//! put behind the Ultimate edition or a console switch (attributes, counters, bans, read
//! receipts, broadcasts, the online member list) are on: 10059 and 10008 are never
//! answered.
//!
//! # What the pages say, as done here
//!
//! - Types `Private` (Work), `Public`, `ChatRoom` (Meeting), `AVChatRoom`, `Community`.
//!   Audio-video groups keep no member list and no history: they cannot be created with
//!   members, and add/import members, member profiles, roles, owner transfer, history and
//!   message import answer 10007; delete_group_member answers 10004 (its page's code).
//!   Work groups have no admins (10007) and cannot mute (10007).
//! - Group IDs: a custom ID is printable ASCII, must not start with `@TGS#`, and a
//!   community's must start with `@TGS#_` (10004 otherwise); a generated one is `@TGS#`
//!   and nine letters or digits (`@TGS#_@TGS#...` for a community), unique in the app.
//!   An ID in use answers 10025 when the new group's owner owns the existing one (the
//!   error table: "you have already used this group ID"), 10021 otherwise; import_group
//!   answers 10021 (its only code). A disbanded group's ID is free again.
//! - A call naming a group that does not exist answers 10010; one whose `GroupId` cannot
//!   be a group ID (empty, over 48 bytes, not printable ASCII) answers 10015.
//!   get_group_info answers each group in its own item with that code.
//! - `MsgSeq` starts at 1 in each group and grows by one per message (send_group_msg,
//!   import_group_msg); `NextMsgSeq` is the next one. `Random`: a message with the same
//!   sender, body and `Random` as one accepted within 5 minutes is the same message:
//!   answered with the first one's `MsgSeq` and `MsgTime`, stored once.
//! - Mutes run on the emulator's clock and end by themselves; they are kept by account, so
//!   a muted member who leaves and rejoins is still muted. `MuteTime` 4294967295 mutes for
//!   that many seconds (136 years). A muted sender gets 10017; with `MuteAllMember` `On`
//!   only the owner, admins and the app admin can send. A sender globally muted for group
//!   messages (`openconfigsvr/setnospeaking`, see [`super::nospeaking`]) gets 10017 too.
//! - Member limits: adding more members than `MaxMemberNum` allows fails the whole call
//!   with 10014 (nobody is added); creating a group with more initial members than its
//!   maximum answers 10038. An app's net number of new groups per day (UTC+8) is at most
//!   10,000 (10006).
//! - get_group_member_info pages with `Limit`/`Offset`, communities with `Limit`/`Next`;
//!   group_msg_get_simple answers newest first, at most `ReqMsgNumber` and at most 20
//!   (`IsFinished` 0 when more were asked and there), those with `MsgSeq` at most
//!   `ReqMsgSeq`; get_appid_group_list pages with `Limit`/`Next`.
//!
//! # Choices where the pages are silent
//!
//! - An unknown `Owner_Account` or member (create_group, add_group_member) answers 10019
//!   (the error-code page's "UserID does not exist", the code add_group_member lists);
//!   an unknown `From_Account` (send_group_msg, import_group_msg) or an account that is not
//!   a member where one is needed (modify_group_member_info, change_group_owner,
//!   set_unread_msg_num, forbid_send_msg) answers 10004 naming it.
//! - Defaults: `MaxMemberNum` 2,000 (the Ultimate edition's, as communities need it),
//!   100,000 for communities; `MaxMemberCount`/`MaxMemberNum` must be 1 to 6,000 (100,000
//!   for communities) else 10004; lowering it below the member count removes nobody.
//!   Audio-video groups have no limit and answer no `MaxMemberNum`. `ApplyJoinOption`
//!   defaults to `NeedPermission`; work groups always answer `DisableApply` (users cannot
//!   apply, as in the page's sample) and communities `FreeAccess` (the field is not
//!   supported there): what is given for them is ignored. `MsgFlag` defaults to
//!   `AcceptNotNotify` in meeting groups (online messages only, the overview says) and
//!   `AcceptAndNotify` elsewhere. `InfoSeq` is 0 at creation and grows with every
//!   modify_group_base_info and every change_group_owner that changes the owner.
//!   `Appid` is answered by get_group_info without a filter, or when the filter names it.
//! - Custom fields are accepted without a console configuration: a key is 1 to 15 bytes of
//!   letters, digits and `_`; at most 10 group keys (values up to 512 bytes) and 5 member
//!   keys (values up to 64 bytes); anything else answers 10004. An empty `Value` in
//!   modify_group_base_info deletes the key. Filters name keys; unset keys are left out.
//! - get_group_info without `ResponseFilter` answers every field, members (all fields and
//!   custom fields) and custom fields; with one, only what it names: `GroupBaseInfoFilter`
//!   fields, `MemberList` when `MemberInfoFilter` or `AppDefinedDataFilter_GroupMember` is
//!   given, `AppDefinedData` when `AppDefinedDataFilter_Group` is given.
//! - get_joined_group_list lists groups in creation order; a work group is not active
//!   until its first message (sent or imported) and is left out, except for its owner and
//!   with `WithNoActiveGroups` 1; imported groups are active. `SelfInfo` only with a
//!   `SelfInfoFilter`. An unknown account has no groups. `SupportTopic` needs `GroupType`
//!   `Community` (10004).
//! - get_appid_group_list lists groups in creation order; `Next` is the creation number of
//!   the page's last group (a disbanded group does not shift the pages), 0 after the last
//!   page; `Limit` absent or 0 means 10,000.
//! - get_group_member_info: a community's `Next` is the index of the next member as a
//!   decimal string ("" after the last page; other groups answer no `Next`); `MemberNum`
//!   counts every member whatever the filters.
//! - Owners: deleting a work group's owner leaves the group without one (the overview:
//!   a work group's owner can quit); deleting another group's owner answers 10007. The
//!   owner's role cannot be changed (10007). change_group_owner makes the old owner a
//!   `Member`; a transfer to the current owner changes nothing.
//! - forbid_send_msg: in a group with a member list every account must be a member; in an
//!   audio-video group any existing account can be muted. get_group_muted_account lists
//!   the members (any account for audio-video groups) whose mute has not ended, by account.
//! - send_group_msg: the sender need not be a member (the group message page: messages
//!   from the admin or another account are delivered "even if the sender is not a group
//!   member"). The body (its JSON) may be at most 12,000 bytes (80002). `OnlineOnlyFlag` 1
//!   (except in audio-video groups, where it is not valid and ignored) stores nothing and
//!   takes no `MsgSeq` (the group message page: only stored messages get one): it answers
//!   `MsgSeq` 0. Audio-video groups give their messages a `MsgSeq` but store none.
//!   `SendMsgControl` with `OnlineOnlyFlag` 1, `NoUnread` in an audio-video group and
//!   @all in one answer 10004; `To_Account` in an audio-video group or a community 10007;
//!   `NoUnread` is accepted in meeting groups (the console switch is taken as on). Group
//!   notifications of joins, leaves and profile changes are not emulated: they take no
//!   `MsgSeq`. The frequency limit of 40 messages per second per group is not applied.
//! - Topics keep their own messages and mutes. Every `group_open_http_svc` call whose page
//!   has a `TopicId` (send_group_msg, group_msg_get_simple, group_msg_recall, import_group_msg,
//!   delete_group_msg_by_sender, send_group_system_notification, forbid_send_msg,
//!   get_group_muted_account) works inside the topic when given one: 10007 when the group
//!   is not a community with `SupportTopic` 1 (each of these pages lists 10007; none lists
//!   11000, which the topic calls answer), 10010 for a topic the group does not have (as
//!   modify_topic answers), after the group's own checks (10010/10015). `MsgSeq` starts
//!   at 1 in each topic, a topic's `MuteAllMember` silences all but the owner and admins
//!   (10017), and the `Random` deduplication is per topic.
//! - Topic mutes (forbid_send_msg with `TopicId`, the pages: "the muting status in the
//!   topic") run on the clock like the group's, kept by account, for members of the
//!   community (10004 otherwise); a member muted in a topic gets 10017 there (the send
//!   page's muted-sender code) and speaks in the other topics and the group itself; a
//!   group mute silences the member in every topic too. get_group_muted_account with
//!   `TopicId` lists the topic's mutes only.
//! - import_group_msg with `TopicId` imports into the topic's history, with the rules of
//!   a group import where the topic's creation time and its latest message stand for the
//!   group's; it changes neither the group's `LastMsgTime` (so topics and the group can be
//!   imported in any order) nor read positions (not kept per topic).
//!   delete_group_msg_by_sender with `TopicId` recalls among the topic's latest 1,000
//!   messages only; send_group_system_notification with `TopicId` is kept with its topic
//!   (recipients as without one: topics have no member list of their own).
//! - Not emulated inside topics: read receipts and unread counts (their pages have no
//!   `TopicId`), and get_topic's `ShutUpTime` (its page calls it "muting period of the
//!   user" without saying what it counts: it stays 0).
//! - Message history never expires (no roaming period), so 10031 is never answered;
//!   group_msg_get_simple pages are always complete (`IsFinished` 1). Recalled messages
//!   are left out unless `WithRecalledMsg` is 1, and then come with `IsPlaceMsg` 2 and an
//!   empty `MsgBody`.
//! - group_msg_recall answers per message: 0, 10030 (no such message), 10032 (already
//!   recalled), 10033 (audio-video group).
//! - import_group_msg answers per message: a `SendTime` before the group's creation,
//!   before its latest message or after now is 10004 (equal seconds are accepted), a body
//!   over 12,000 bytes 80002. A message with the same sender, body and `Random` as a stored
//!   one sent within 5 minutes of it is answered with that one's `MsgSeq`. After an import
//!   every member has read everything (unread 0). `RecentContactFlag` changes nothing
//!   (group conversations are not emulated).
//! - import_group_member: a member whose account does not exist, whose `JoinTime` is
//!   before the group's creation or after now, or who does not fit in the group answers
//!   `Result` 0; `UnreadMsgNum` sets the member's read position (`MsgSeq`). `Role` `Admin`
//!   in a work group answers 10007 for the call.
//! - add_group_member answers `Result` 1 or 2 (no approvals: 3 is never answered); an
//!   account listed twice is answered 2 the second time. `Silence` changes nothing
//!   (notifications are not emulated); neither does delete_group_member's `Reason`.
//! - send_group_system_notification: recipients are the group's members, or those of
//!   `ToMembers_Account` that are members (others are ignored); `ToMembers_Account` in an
//!   audio-video group answers 10007. The notifications are kept, with their topic
//!   ([`EmulatorState::group_notifications`](crate::EmulatorState::group_notifications)).
//! - set_unread_msg_num is ignored (OK) in meeting and audio-video groups, as the page
//!   says; elsewhere the member's read position is set so that the count is the given one
//!   (at most the number of stored messages).
//! - Not enforced: the per-user group limit (10037), the edition's group quotas (10036,
//!   10058), webhooks (10016), the 1 MB answer limit (10018).
//!
//! # Custom attributes ([`attrs`])
//!
//! As the pages say: every type has them, but clear_group_attr is refused in communities
//! (10007); keys at most 32 bytes (10045), values at most 4,000 bytes (10046), at most 16
//! keys (10047) and 16,000 bytes of values (10048) per group; at most 5 writes (modify,
//! set, clear, delete) per group per second (10049); deleting a key the group does not have
//! answers 10050. modify sets the given keys, set replaces every attribute, clear removes
//! them all. Choices: the 16 keys and 16,000 bytes bound what the group holds after the
//! write (not only the request); an empty key answers 10004; a later item with the same key
//! wins; the write rate uses fixed windows of one clock second, and refused writes do not
//! count; get_group_attr answers the attributes sorted by key.
//!
//! # Counters ([`counters`])
//!
//! As the pages say: not in communities (10007); `Set`, `Increase`, `Decrease`, a missing
//! key starting at 0; at most 20 keys (10063); get and delete without `GroupCounterKeys`
//! mean every counter. Choices: without `Mode`, `Set`; the 20 keys bound the group's
//! counters after the update; a result outside the 64-bit signed range answers 10004 and
//! changes nothing; keys are 1 to 128 bytes (10004); counters are answered sorted by key
//! (get) or in request order (update); unknown keys are left out of get and ignored by
//! delete.
//!
//! # Audio-video groups: online members, bans, marks, admins ([`live`], [`bans`])
//!
//! The REST API has no join for these groups (users join through the client SDK): the
//! emulator stands in for a client with
//! [`Emulator::join_live_group`](crate::Emulator::join_live_group) and
//! [`Emulator::leave_live_group`](crate::Emulator::leave_live_group). The online members
//! are the accounts that joined and did not leave, in the order they joined; the REST
//! member list (get_group_member_info...) stays empty, as before.
//!
//! - get_online_member_num is their number (0 until someone joins), AVChatRoom only (10007,
//!   as the snapshot's page says); get_members pages them 500 at a time (`NextTimestamp` is
//!   the index of the next one, an opaque cursor; a `Timestamp` past the end answers
//!   10004) among the latest 1,000, with `NickName`/`Avatar` from the profile
//!   (`Tag_Profile_IM_Nick`/`Tag_Profile_IM_Image`) when set; `Mark` selects the holders of
//!   a mark, and holders of 600 are hidden otherwise; check_members answers the given
//!   accounts that are online, in request order, once each.
//! - Bans (ban_group_member, unban_group_member, get_group_ban_member, AVChatRoom only,
//!   10007 elsewhere) run on the emulator clock like mutes: a banned account is removed
//!   from the online members and cannot join again until the ban ends or is lifted. Every
//!   account must exist (10004 for the call); `Duration` 0 lifts a ban (the ban period is
//!   set, as the page says a retry is safe); unbanning an account that is not banned
//!   changes nothing. Banned accounts are listed by account, with `BannedUntil` in
//!   seconds; `Limit` absent or 0 means 100, `NextOffset` is 0 after the last page.
//!   "A banned member cannot receive messages" is not emulated (nothing is delivered).
//! - modify_user_info marks online members only: others are left out of the answer, and
//!   the call fails with 10004 when none is online. A mark is 1000 or more, or the special
//!   500 and 600 (10004 otherwise); a group uses at most 10 different marks and a mark is
//!   held by at most 1,000 members (10004, the family's parameter code). Leaving clears a
//!   member's marks. Mark 500's "always online" has no effect (nobody disconnects in the
//!   emulator).
//! - modify_admin: the accounts must exist (10004), need not be online, and stay admins
//!   until removed; at most 5 per group (10004). get_admin_list lists them in the order
//!   they were made admins, with `NickName`/`Avatar` ("" when unset). Live-group admins
//!   speak while `MuteAllMember` is on.
//! - send_broadcast_msg reaches every audio-video group of the app at the time (kept, see
//!   [`EmulatorState::group_broadcasts`](crate::EmulatorState::group_broadcasts)); its
//!   `MsgSeq` counts the app's broadcasts (1, 2, ...), the groups' own `MsgSeq`s do not
//!   move. The same body and `Random` within 5 minutes is the same broadcast (answered with
//!   the first one's `MsgSeq`). `From_Account` must exist and a body over 12,000 bytes is
//!   refused, both 10004 (the page's only parameter code). The 1 call per second is the
//!   spec's rate limit.
//!
//! # Read receipts ([`receipts`])
//!
//! Work, public and meeting groups only (10007 elsewhere). Choices where the pages are
//! silent: a message stored (sent or imported) in a group of at most 200 members has a
//! receipt; its audience is the members at that time except the sender, still members when
//! asked. An audience member has read it when its read position (`MsgSeq`: its own sends,
//! set_unread_msg_num, import_group_msg) has reached the message, or when group_msg_receipt
//! sent a receipt for it on the member's behalf; the counts follow the read positions, so
//! set_unread_msg_num can make a message unread again (a receipt cannot be taken back). A
//! message that does not exist, was recalled or has no receipt answers 10062 (per message
//! in get_group_msg_receipt, for the call elsewhere). group_msg_receipt: `From_Account`
//! must be a member (10004); a receipt for a message the member is not in the audience of
//! changes nothing. get_group_msg_receipt_detail lists accounts in member order; `MsgSeq`
//! is required and `Count` is 1 to 200 (10004); `Cursor` is the index of the next account
//! as a decimal string, and "0" once `IsFinish` is 1 (as in the page's sample).
//!
//! # Cleared history
//!
//! clear_group_msg marks the messages up to `MsgSeq` (all of them without it; a `MsgSeq`
//! past the last message clears up to the last) as cleared, as the page says: client SDKs
//! no longer pull them, but the app admin's group_msg_get_simple still answers them, so
//! nothing a REST call answers changes; the mark is read with
//! [`EmulatorState::group_history_cleared_up_to`](crate::EmulatorState::group_history_cleared_up_to).
//! Not in communities (10007).
//!
//! # Topics ([`topics`])
//!
//! As the pages say: only communities created (or imported) with `SupportTopic` 1 have
//! topics (10007 for other types, 11000 for a community without it); a custom topic ID is
//! `{GroupId}@TOPIC#_` and a part of printable ASCII without `@TGS#_` (10004), at most 96
//! bytes; an ID in use answers 10025 (create_topic) or 10021 (import_topic); get_topic
//! answers each topic with its own code (110003: no such topic) and `ResponseFilter`
//! selects the profile fields; destroy_topic answers per topic (110003 for one already
//! disbanded or unknown). Choices: a generated ID is `{GroupId}@TOPIC#_@TOPIC#` and nine
//! letters or digits, unique in the group; a custom part must not start with `@TOPIC#`
//! (it would look generated); a disbanded topic's ID is free again. `From_Account` must
//! exist when given (10004); it is not kept. get_topic always answers `TopicId` and
//! `GroupID`; `SelfInfo` comes only when `From_Account` is a member of the group, with its
//! `MsgFlag`, `MsgSeq` 0 and `ShutUpTime` 0 (read positions are not kept per topic, and
//! the page does not say what `ShutUpTime` counts); `NextMsgSeq` and `LastMsgTime` follow
//! the topic's messages. modify_topic on an unknown topic answers 10010
//! (its page: "the group or topic has been deleted"). import_topic's `CreateTime` must lie
//! between the group's creation and now (10004). Topic quotas (10037) and webhooks (10016)
//! are not emulated.
//!
//! # Message extensions and modifications ([`extensions`])
//!
//! As the pages say: a message sent with `SupportMessageExtension` 1 has an extension
//! (23002 otherwise, 23004 for no such message), in work, public and meeting groups
//! (10007 elsewhere, the family's type code). Every REST call is the app admin's, whose
//! `Seq`s the backend does not check (the set page), so 23001 is never answered.
//! `ExtensionList` missing or empty for `OperateType` 1 or 2 answers 10004; imported and
//! recalled messages have no extension (23002, 23004). The pair cap, the write window, the
//! pull pages and the choices about `Seq`s, deletes and clears are shared with one-to-one
//! messages: see [`super::msg_ext`].
//!
//! modify_group_msg overwrites the stored `MsgBody` and/or `CloudCustomData` of a message
//! (neither: 90001, the family's body code); with a `TopicId`, a message of that topic (its
//! own `MsgSeq`). An unknown group or topic, a message that is not stored (audio-video
//! groups store none) or was recalled answer 20001 (the page's "invalid request": it lists
//! no group or topic code). The body's size is not checked (as modify_c2c_msg).

mod attrs;
mod bans;
mod counters;
mod extensions;
mod live;
mod members;
mod messages;
mod receipts;
mod topics;

use std::collections::{BTreeMap, VecDeque};

use tim_model::ErrorCode;
use tim_model::group::{
    AppDefinedDataItem, AppMemberDefinedDataItem, ChangeGroupOwnerRequest,
    ChangeGroupOwnerResponse, CreateGroupRequest, CreateGroupResponse, DestroyGroupRequest,
    DestroyGroupResponse, GetAppidGroupListRequest, GetAppidGroupListResponse, GetGroupInfoRequest,
    GetGroupInfoResponse, GetJoinedGroupListRequest, GetJoinedGroupListResponse, GroupIdItem,
    GroupInfo, GroupInfoResponseFilter, GroupMemberInfo, GroupSelfInfo, ImportGroupRequest,
    ImportGroupResponse, JoinedGroupInfo, ModifyGroupBaseInfoRequest, ModifyGroupBaseInfoResponse,
};

pub(super) use attrs::*;
pub(super) use bans::*;
pub(super) use counters::*;
pub(super) use extensions::*;
pub(crate) use live::*;
pub(super) use members::*;
pub(super) use messages::*;
pub(super) use receipts::{
    get_group_msg_receipt, get_group_msg_receipt_detail, send_group_msg_receipt,
};
pub(super) use topics::*;

use crate::call::Call;
use crate::reply::ApiError;
use crate::service::DAY_UTC_OFFSET_SECS;
use crate::state::Store;
use crate::state::group::{Group, GroupType, Member, Role, Topic};
use tim_model::callback::Payload as _;
use tim_model::callbacks::group as group_cb;

/// Default `MaxMemberNum` of work, public and meeting groups.
const DEFAULT_MAX_MEMBERS: u32 = 2_000;
/// Largest `MaxMemberNum` of work, public and meeting groups.
const MAX_MEMBERS: u32 = 6_000;
/// Default and largest `MaxMemberNum` of communities.
const COMMUNITY_MAX_MEMBERS: u32 = 100_000;
/// Net number of new groups per app per day.
const DAILY_NET_GROUPS: i64 = 10_000;
/// Longest group ID, in bytes.
const MAX_GROUP_ID_BYTES: usize = 48;
/// Group custom fields: keys, value bytes.
const GROUP_KEYS: usize = 10;
const GROUP_VALUE_BYTES: usize = 512;
/// Member custom fields: keys, value bytes.
const MEMBER_KEYS: usize = 5;
const MEMBER_VALUE_BYTES: usize = 64;
/// A custom field key is shorter than 16 bytes.
const KEY_MAX_BYTES: usize = 15;
/// Page size of get_appid_group_list when `Limit` is absent.
const APPID_PAGE: usize = 10_000;
/// Prefix of generated group IDs.
const TGS: &str = "@TGS#";
/// Prefix of community group IDs.
const COMMUNITY_PREFIX: &str = "@TGS#_";

// ----- helpers shared by the group modules -----

/// 10004 with `info`.
/// What a sender gets when the app's server refuses an event and its page names no code:
/// 10016, the error-code page's "the app backend rejected the operation through a callback".
const REFUSED_BY_APP: i64 = 10016;

fn invalid(info: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidRequestParameter, info)
}

/// 10007 with `info`.
fn denied(info: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::GroupPermissionDenied, info)
}

/// UNIX seconds of a clock time.
fn secs(now_ms: u64) -> u64 {
    now_ms / 1000
}

/// Whether `id` can be a group ID: 1 to 48 bytes of printable ASCII.
fn well_formed_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_GROUP_ID_BYTES
        && id.bytes().all(|b| (0x20..=0x7e).contains(&b))
}

/// The error for a `GroupId` that names no group: 10015 when it cannot be a group ID,
/// 10010 otherwise.
fn no_group(id: &str) -> ApiError {
    if well_formed_id(id) {
        ApiError::new(
            ErrorCode::GroupNotFound,
            format!("group {id:?} does not exist or was disbanded"),
        )
    } else {
        ApiError::new(
            ErrorCode::InvalidGroupId,
            format!("GroupId {id:?} is not a group ID (1 to 48 bytes of printable ASCII)"),
        )
    }
}

/// The group `id`.
fn group<'a>(store: &'a Store, id: &str) -> Result<&'a Group, ApiError> {
    store.groups.groups.get(id).ok_or_else(|| no_group(id))
}

/// The group `id`, to change.
fn group_mut<'a>(store: &'a mut Store, id: &str) -> Result<&'a mut Group, ApiError> {
    store.groups.groups.get_mut(id).ok_or_else(|| no_group(id))
}

/// 10007 when `g` is one of `kinds`: `what` is not supported there.
fn refuse_types(g: &Group, kinds: &[GroupType], what: &str) -> Result<(), ApiError> {
    if kinds.contains(&g.kind) {
        Err(denied(format!(
            "{what} is not supported in {} groups ({:?})",
            g.kind.as_str(),
            g.id
        )))
    } else {
        Ok(())
    }
}

/// 10007 unless `g` is an audio-video group: `what` is supported there only.
fn live_only(g: &Group, what: &str) -> Result<(), ApiError> {
    if g.kind == GroupType::AvChatRoom {
        Ok(())
    } else {
        Err(denied(format!(
            "{what} is supported in AVChatRoom groups only; {:?} is a {} group",
            g.id,
            g.kind.as_str()
        )))
    }
}

/// The topic `id` of `g`, for the calls that take a `TopicId` (messages, mutes,
/// notifications): 10007 when `g` is not a community with `SupportTopic` 1 (every such
/// page lists 10007 and none lists 11000), 10010 when it has no such topic (the code for a
/// group that does not exist, as modify_topic answers).
fn topic_of<'a>(g: &'a Group, id: &str) -> Result<&'a Topic, ApiError> {
    check_has_topics(g, id)?;
    g.topic(id).ok_or_else(|| no_such_topic(g, id))
}

/// [`topic_of`], to change.
fn topic_of_mut<'a>(g: &'a mut Group, id: &str) -> Result<&'a mut Topic, ApiError> {
    check_has_topics(g, id)?;
    let Some(i) = g.topics.iter().position(|t| t.id == id) else {
        return Err(no_such_topic(g, id));
    };
    g.topics
        .get_mut(i)
        .ok_or_else(|| ApiError::new(ErrorCode::GroupNotFound, format!("topic {id:?}")))
}

fn check_has_topics(g: &Group, id: &str) -> Result<(), ApiError> {
    if g.kind == GroupType::Community && g.support_topic {
        Ok(())
    } else {
        Err(denied(format!(
            "TopicId {id:?}: group {:?} is not a community with topics",
            g.id
        )))
    }
}

fn no_such_topic(g: &Group, id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::GroupNotFound,
        format!("topic {id:?} of group {:?} does not exist", g.id),
    )
}

/// Checks custom fields (`AppDefinedData` / `AppMemberDefinedData`) merged into `current`
/// (an empty value deletes when `empty_deletes`); returns the merged fields.
fn merge_custom<'a>(
    current: &BTreeMap<String, String>,
    items: impl IntoIterator<Item = (&'a str, &'a str)>,
    field: &str,
    max_keys: usize,
    max_value: usize,
    empty_deletes: bool,
) -> Result<BTreeMap<String, String>, ApiError> {
    let mut merged = current.clone();
    for (key, value) in items {
        let key_ok = !key.is_empty()
            && key.len() <= KEY_MAX_BYTES
            && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !key_ok {
            return Err(invalid(format!(
                "{field} key {key:?}: a key is 1 to {KEY_MAX_BYTES} bytes of letters, digits and underscores"
            )));
        }
        if value.len() > max_value {
            return Err(invalid(format!(
                "{field} {key:?}: the value has {} bytes, at most {max_value}",
                value.len()
            )));
        }
        if value.is_empty() && empty_deletes {
            merged.remove(key);
        } else {
            merged.insert(key.to_owned(), value.to_owned());
        }
    }
    if merged.len() > max_keys {
        return Err(invalid(format!(
            "{field}: {} keys, at most {max_keys}",
            merged.len()
        )));
    }
    Ok(merged)
}

fn group_items(items: Option<&Vec<AppDefinedDataItem>>) -> impl Iterator<Item = (&str, &str)> {
    items
        .into_iter()
        .flatten()
        .map(|i| (i.key.as_str(), i.value.as_str()))
}

fn member_items(
    items: Option<&Vec<AppMemberDefinedDataItem>>,
) -> impl Iterator<Item = (&str, &str)> {
    items
        .into_iter()
        .flatten()
        .map(|i| (i.key.as_str(), i.value.as_str()))
}

/// A new member of `g` joining at `join_time` with nothing unread.
fn new_member(g: &Group, account: &str, role: Role, join_time: u64) -> Member {
    Member {
        account: account.to_owned(),
        role,
        join_time,
        read_seq: g.last_seq(),
        msg_flag: if g.kind == GroupType::ChatRoom {
            "AcceptNotNotify"
        } else {
            "AcceptAndNotify"
        }
        .to_owned(),
        last_send_time: 0,
        name_card: String::new(),
        custom: BTreeMap::new(),
    }
}

/// The largest `MaxMemberNum` of a type (None: no limit).
fn member_cap(kind: GroupType) -> Option<u32> {
    match kind {
        GroupType::AvChatRoom => None,
        GroupType::Community => Some(COMMUNITY_MAX_MEMBERS),
        _ => Some(MAX_MEMBERS),
    }
}

/// The `MaxMemberNum` a group of `kind` gets from `asked` (None: the default).
fn max_members(kind: GroupType, asked: Option<u32>, field: &str) -> Result<Option<u32>, ApiError> {
    let Some(cap) = member_cap(kind) else {
        return Ok(None);
    };
    match asked {
        None => Ok(Some(if kind == GroupType::Community {
            COMMUNITY_MAX_MEMBERS
        } else {
            DEFAULT_MAX_MEMBERS
        })),
        Some(n) if (1..=cap).contains(&n) => Ok(Some(n)),
        Some(n) => Err(invalid(format!(
            "{field} {n}: a {} group holds 1 to {cap} members",
            kind.as_str()
        ))),
    }
}

/// The `ApplyJoinOption` a group of `kind` keeps from `asked`.
fn apply_join_option(kind: GroupType, asked: Option<&String>) -> String {
    match kind {
        GroupType::Private => "DisableApply".to_owned(),
        GroupType::Community => "FreeAccess".to_owned(),
        _ => asked.map_or_else(|| "NeedPermission".to_owned(), Clone::clone),
    }
}

/// The mute end of `account` in `g` as answered (UNIX seconds; 0: not muted).
fn mute_until_secs(g: &Group, account: &str, now_ms: u64) -> u64 {
    g.muted_until(account, now_ms).map_or(0, secs)
}

/// Which fields of a list a filter selects.
#[derive(Clone, Copy)]
enum Sel<'a> {
    All,
    Only(&'a [String]),
}

impl Sel<'_> {
    fn from(filter: Option<&Vec<String>>) -> Sel<'_> {
        filter.map_or(Sel::All, |f| Sel::Only(f))
    }

    fn has(self, name: &str) -> bool {
        match self {
            Sel::All => true,
            Sel::Only(names) => names.iter().any(|n| n == name),
        }
    }
}

/// The custom fields of `custom` selected by `keys` (all, or the named keys that are set).
fn custom_items(custom: &BTreeMap<String, String>, keys: Sel<'_>) -> Vec<(String, String)> {
    custom
        .iter()
        .filter(|(k, _)| keys.has(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// What of a member to answer.
#[derive(Clone, Copy)]
struct MemberView<'a> {
    /// Member fields (`Role`, `JoinTime`...).
    fields: Sel<'a>,
    /// Member custom fields (None: none).
    keys: Option<Sel<'a>>,
    /// `OnlineStatus` is answered only when named.
    online_status: bool,
}

fn member_info(g: &Group, m: &Member, view: MemberView<'_>, now_ms: u64) -> GroupMemberInfo {
    let f = view.fields;
    let mut info = GroupMemberInfo::new(m.account.as_str());
    if f.has("Role") {
        info.role = Some(m.role.as_str().to_owned());
    }
    if f.has("JoinTime") {
        info.join_time = Some(m.join_time);
    }
    if f.has("MsgSeq") {
        info.msg_seq = Some(m.read_seq);
    }
    if f.has("MsgFlag") {
        info.msg_flag = Some(m.msg_flag.clone());
    }
    if f.has("LastSendMsgTime") {
        info.last_send_msg_time = Some(m.last_send_time);
    }
    if f.has("NameCard") {
        info.name_card = Some(m.name_card.clone());
    }
    if f.has("MuteUntil") {
        info.mute_until = Some(mute_until_secs(g, &m.account, now_ms));
    }
    if view.online_status && matches!(f, Sel::Only(_)) && f.has("OnlineStatus") {
        // Nobody is logged in to an emulator.
        info.online_status = Some("Offline".to_owned());
    }
    if let Some(keys) = view.keys {
        info.app_member_defined_data = Some(
            custom_items(&m.custom, keys)
                .into_iter()
                .map(|(k, v)| AppMemberDefinedDataItem::new(k, v))
                .collect(),
        );
    }
    info
}

/// The daily net count of new groups, for `now_ms`: (day, net so far).
fn net_today(store: &Store, now_ms: u64) -> (u64, i64) {
    let day = (secs(now_ms) + DAY_UTC_OFFSET_SECS) / 86_400;
    let (d, n) = store.groups.net_today;
    (day, if d == day { n } else { 0 })
}

/// Counts one more (`delta` 1) or one less (-1) new group today.
fn count_today(store: &mut Store, now_ms: u64, delta: i64) {
    let (day, n) = net_today(store, now_ms);
    store.groups.net_today = (day, n + delta);
}

/// The nine-character code of the `n`th generated ID: unique per `n` (a bijection of
/// 0..36^9), looking random.
fn id_code(n: u64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    const SPACE: u64 = 101_559_956_668_416; // 36^9
    let mut x = (u128::from(n) * 1_000_000_007 + 0x5EED) % u128::from(SPACE);
    let mut out = [b'0'; 9];
    for slot in out.iter_mut().rev() {
        let d = usize::try_from(x % 36).unwrap_or(0);
        *slot = DIGITS[d];
        x /= 36;
    }
    out.iter().map(|&b| char::from(b)).collect()
}

/// A fresh generated ID for a group of `kind`.
fn generate_id(store: &mut Store, kind: GroupType) -> String {
    loop {
        store.groups.generated_ids += 1;
        let code = id_code(store.groups.generated_ids);
        let id = if kind == GroupType::Community {
            format!("{COMMUNITY_PREFIX}{TGS}{code}")
        } else {
            format!("{TGS}{code}")
        };
        if !store.groups.groups.contains_key(&id) {
            return id;
        }
    }
}

/// Checks a custom group ID for a group of `kind`.
fn check_custom_id(id: &str, kind: GroupType) -> Result<(), ApiError> {
    if !id.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
        return Err(invalid(format!(
            "GroupId {id:?}: a custom group ID is printable ASCII (0x20-0x7e)"
        )));
    }
    if kind == GroupType::Community {
        if !id.starts_with(COMMUNITY_PREFIX) || id.len() == COMMUNITY_PREFIX.len() {
            return Err(invalid(format!(
                "GroupId {id:?}: a community's ID starts with {COMMUNITY_PREFIX:?}"
            )));
        }
    } else if id.starts_with(TGS) {
        return Err(invalid(format!(
            "GroupId {id:?}: a custom group ID must not start with {TGS:?}"
        )));
    }
    Ok(())
}

/// A group to create or import, already decoded.
struct NewGroup<'a> {
    kind: GroupType,
    custom_id: Option<&'a str>,
    owner: Option<&'a str>,
    name: &'a str,
    introduction: Option<&'a String>,
    notification: Option<&'a String>,
    face_url: Option<&'a String>,
    max_member_count: Option<u32>,
    apply_join_option: Option<&'a String>,
    custom: BTreeMap<String, String>,
    support_topic: bool,
    create_time: u64,
    /// Initial members other than the owner: account, role, custom fields.
    members: Vec<(&'a str, Role, BTreeMap<String, String>)>,
    /// import_group: the ID in use is always 10021, and the group is active.
    imported: bool,
}

/// Checks and stores a new group; returns its ID.
fn add_group(store: &mut Store, call: &Call<'_>, new: NewGroup<'_>) -> Result<String, ApiError> {
    let kind = new.kind;
    if let Some(id) = new.custom_id {
        check_custom_id(id, kind)?;
        if let Some(existing) = store.groups.groups.get(id) {
            let same_owner =
                !new.imported && new.owner.is_some() && existing.owner.as_deref() == new.owner;
            let code = if same_owner {
                ErrorCode::GroupIdUsedByOperator
            } else {
                ErrorCode::GroupIdInUse
            };
            return Err(ApiError::new(
                code,
                format!("group ID {id:?} is already in use"),
            ));
        }
    }
    if let Some(owner) = new.owner {
        call.require_account(
            store,
            owner,
            "Owner_Account",
            ErrorCode::GroupUserIdNotFound,
        )?;
    }
    for (account, role, _) in &new.members {
        call.require_account(
            store,
            account,
            "Member_Account",
            ErrorCode::GroupUserIdNotFound,
        )?;
        if *role == Role::Admin && !kind.has_admins() {
            return Err(denied(format!(
                "{account:?}: {} groups have no admins",
                kind.as_str()
            )));
        }
    }
    let max = max_members(kind, new.max_member_count, "MaxMemberCount")?;
    let mut accounts: Vec<&str> = new.owner.into_iter().collect();
    for (account, _, _) in &new.members {
        if !accounts.contains(account) {
            accounts.push(account);
        }
    }
    if let Some(max) = max
        && accounts.len() > usize::try_from(max).unwrap_or(usize::MAX)
    {
        return Err(ApiError::new(
            ErrorCode::GroupMemberLimitExceeded,
            format!(
                "{} initial members (owner included), the group holds at most {max}",
                accounts.len()
            ),
        ));
    }
    let (_, net) = net_today(store, call.now_ms);
    if net >= DAILY_NET_GROUPS {
        return Err(ApiError::new(
            ErrorCode::GroupOperationRateLimited,
            format!(
                "the app's net number of new groups today is at its limit ({DAILY_NET_GROUPS})"
            ),
        ));
    }

    // Every check passed: store the group.
    let id = match new.custom_id {
        Some(id) => id.to_owned(),
        None => generate_id(store, kind),
    };
    store.groups.created += 1;
    let mut g = Group {
        id: id.clone(),
        serial: store.groups.created,
        kind,
        name: new.name.to_owned(),
        introduction: new.introduction.cloned().unwrap_or_default(),
        notification: new.notification.cloned().unwrap_or_default(),
        face_url: new.face_url.cloned().unwrap_or_default(),
        owner: new.owner.map(str::to_owned),
        create_time: new.create_time,
        info_seq: 0,
        last_info_time: new.create_time,
        max_members: max,
        apply_join_option: apply_join_option(kind, new.apply_join_option),
        mute_all: false,
        custom: new.custom,
        support_topic: kind == GroupType::Community && new.support_topic,
        active: new.imported || kind != GroupType::Private,
        members: Vec::new(),
        mutes: BTreeMap::new(),
        next_seq: 1,
        last_msg_time: 0,
        messages: Vec::new(),
        recent_sends: VecDeque::new(),
        cleared_seq: 0,
        attrs: BTreeMap::new(),
        attr_writes: (0, 0),
        counters: BTreeMap::new(),
        bans: BTreeMap::new(),
        online: Vec::new(),
        live_admins: Vec::new(),
        topics: Vec::new(),
        generated_topics: 0,
    };
    if kind.has_members() {
        if let Some(owner) = new.owner {
            let m = new_member(&g, owner, Role::Owner, new.create_time);
            g.members.push(m);
        }
        for (account, role, custom) in new.members {
            if g.is_member(account) {
                continue;
            }
            let mut m = new_member(&g, account, role, new.create_time);
            m.custom = custom;
            g.members.push(m);
        }
    }
    store.groups.groups.insert(id.clone(), g);
    count_today(store, call.now_ms, 1);
    Ok(id)
}

// ----- groups -----

pub(super) fn create_group(
    call: &Call<'_>,
    req: CreateGroupRequest,
) -> Result<CreateGroupResponse, ApiError> {
    let kind = GroupType::parse(&req.group_type)
        .ok_or_else(|| invalid(format!("Type {:?} is not a group type", req.group_type)))?;
    let initial = req.member_list.as_deref().unwrap_or_default();
    if kind == GroupType::AvChatRoom && !initial.is_empty() {
        return Err(denied(
            "AVChatRoom groups cannot be created with members: users join them through the client SDK",
        ));
    }
    let custom = merge_custom(
        &BTreeMap::new(),
        group_items(req.app_defined_data.as_ref()),
        "AppDefinedData",
        GROUP_KEYS,
        GROUP_VALUE_BYTES,
        false,
    )?;
    let mut members = Vec::new();
    for m in initial {
        let role = if m.role.as_deref() == Some("Admin") {
            Role::Admin
        } else {
            Role::Member
        };
        let custom = merge_custom(
            &BTreeMap::new(),
            member_items(m.app_member_defined_data.as_ref()),
            "AppMemberDefinedData",
            MEMBER_KEYS,
            MEMBER_VALUE_BYTES,
            false,
        )?;
        members.push((m.member_account.as_str(), role, custom));
    }
    let new = NewGroup {
        kind,
        custom_id: req.group_id.as_deref().filter(|id| !id.is_empty()),
        owner: req.owner_account.as_deref(),
        name: &req.name,
        introduction: req.introduction.as_ref(),
        notification: req.notification.as_ref(),
        face_url: req.face_url.as_ref(),
        max_member_count: req.max_member_count,
        apply_join_option: req.apply_join_option.as_ref(),
        custom,
        support_topic: req.support_topic == Some(1),
        create_time: secs(call.now_ms),
        members,
        imported: false,
    };
    // The app's server may refuse the group (Group.CallbackBeforeCreateGroup).
    let owner = req
        .owner_account
        .clone()
        .unwrap_or_else(|| call.svc.admin().to_owned());
    let accounts = || -> Vec<group_cb::GroupMemberAccount> {
        initial
            .iter()
            .map(|m| group_cb::GroupMemberAccount::new(&m.member_account))
            .collect()
    };
    let created_by_owner = call.svc.with_store(|store| {
        store
            .groups
            .groups
            .values()
            .filter(|g| g.owner.as_deref() == Some(owner.as_str()))
            .count()
    });
    let before = group_cb::BeforeCreateGroup::new(
        group_cb::BeforeCreateGroup::INFO.command,
        call.svc.admin(),
        &owner,
        kind.as_str(),
        &req.name,
        u32::try_from(created_by_owner).unwrap_or(u32::MAX),
    )
    .member_list(accounts())
    .event_time(call.now_ms);
    call.before(&before)
        .or_refuse(before.callback_command.as_str(), REFUSED_BY_APP)?;
    let id = call.svc.with_store(|store| add_group(store, call, new))?;
    let user_data: Vec<_> = group_items(req.app_defined_data.as_ref())
        .map(|(k, v)| group_cb::UserDefinedDataItem::new(k, v))
        .collect();
    call.after(
        &group_cb::AfterCreateGroup::new(
            group_cb::AfterCreateGroup::INFO.command,
            &id,
            call.svc.admin(),
            &owner,
            kind.as_str(),
            &req.name,
        )
        .member_list(accounts())
        .user_defined_data_list(user_data)
        .event_time(call.now_ms),
    );
    let mut resp = CreateGroupResponse::default();
    resp.group_id = Some(id);
    if kind == GroupType::Community {
        resp.group_type = Some(kind.as_str().to_owned());
        resp.huge_group_flag = Some(0);
    }
    Ok(resp)
}

pub(super) fn import_group(
    call: &Call<'_>,
    req: ImportGroupRequest,
) -> Result<ImportGroupResponse, ApiError> {
    let kind = GroupType::parse(&req.group_type)
        .ok_or_else(|| invalid(format!("Type {:?} is not a group type", req.group_type)))?;
    if kind == GroupType::AvChatRoom {
        return Err(denied("AVChatRoom groups cannot be imported: create them"));
    }
    let now = secs(call.now_ms);
    let create_time = req.create_time.unwrap_or(now);
    if create_time > now {
        return Err(invalid(format!(
            "CreateTime {create_time} is in the future (now {now})"
        )));
    }
    let custom = merge_custom(
        &BTreeMap::new(),
        group_items(req.app_defined_data.as_ref()),
        "AppDefinedData",
        GROUP_KEYS,
        GROUP_VALUE_BYTES,
        false,
    )?;
    let new = NewGroup {
        kind,
        custom_id: req.group_id.as_deref().filter(|id| !id.is_empty()),
        owner: req.owner_account.as_deref(),
        name: &req.name,
        introduction: req.introduction.as_ref(),
        notification: req.notification.as_ref(),
        face_url: req.face_url.as_ref(),
        max_member_count: req.max_member_count,
        apply_join_option: req.apply_join_option.as_ref(),
        custom,
        support_topic: req.support_topic == Some(1),
        create_time,
        members: Vec::new(),
        imported: true,
    };
    let id = call.svc.with_store(|store| add_group(store, call, new))?;
    let mut resp = ImportGroupResponse::default();
    resp.group_id = Some(id);
    Ok(resp)
}

/// The profile of `g` selected by `filter` (None: everything).
fn group_info(call: &Call<'_>, g: &Group, filter: Option<&GroupInfoResponseFilter>) -> GroupInfo {
    let base = match filter {
        None => Sel::All,
        Some(f) => Sel::Only(f.group_base_info_filter.as_deref().unwrap_or_default()),
    };
    let mut info = GroupInfo::new(g.id.as_str());
    info.error_code = Some(0);
    info.error_info = Some(String::new());
    if base.has("Appid") {
        info.appid = Some(call.svc.sdkappid);
    }
    if base.has("Type") {
        info.group_type = Some(g.kind.as_str().to_owned());
    }
    if base.has("Name") {
        info.name = Some(g.name.clone());
    }
    if base.has("Introduction") {
        info.introduction = Some(g.introduction.clone());
    }
    if base.has("Notification") {
        info.notification = Some(g.notification.clone());
    }
    if base.has("FaceUrl") {
        info.face_url = Some(g.face_url.clone());
    }
    if base.has("Owner_Account") {
        info.owner_account = Some(g.owner.clone().unwrap_or_default());
    }
    if base.has("CreateTime") {
        info.create_time = Some(g.create_time);
    }
    if base.has("InfoSeq") {
        info.info_seq = Some(g.info_seq);
    }
    if base.has("LastInfoTime") {
        info.last_info_time = Some(g.last_info_time);
    }
    if base.has("LastMsgTime") {
        info.last_msg_time = Some(g.last_msg_time);
    }
    if base.has("NextMsgSeq") {
        info.next_msg_seq = Some(g.next_seq);
    }
    if base.has("MemberNum") {
        info.member_num = Some(member_count(g));
    }
    if base.has("MaxMemberNum") {
        info.max_member_num = g.max_members;
    }
    if base.has("ApplyJoinOption") {
        info.apply_join_option = Some(g.apply_join_option.clone());
    }
    if base.has("MuteAllMember") {
        info.mute_all_member = Some(on_off(g.mute_all));
    }
    let group_keys = match filter {
        None => Some(Sel::All),
        Some(f) => f.app_defined_data_filter_group.as_deref().map(Sel::Only),
    };
    if let Some(keys) = group_keys {
        info.app_defined_data = Some(
            custom_items(&g.custom, keys)
                .into_iter()
                .map(|(k, v)| AppDefinedDataItem::new(k, v))
                .collect(),
        );
    }
    let view = match filter {
        None => Some(MemberView {
            fields: Sel::All,
            keys: Some(Sel::All),
            online_status: false,
        }),
        Some(f)
            if f.member_info_filter.is_some()
                || f.app_defined_data_filter_group_member.is_some() =>
        {
            Some(MemberView {
                fields: Sel::Only(f.member_info_filter.as_deref().unwrap_or_default()),
                keys: f
                    .app_defined_data_filter_group_member
                    .as_deref()
                    .map(Sel::Only),
                online_status: false,
            })
        }
        Some(_) => None,
    };
    if let Some(view) = view
        && g.kind.has_members()
    {
        info.member_list = Some(
            g.members
                .iter()
                .map(|m| member_info(g, m, view, call.now_ms))
                .collect(),
        );
    }
    info
}

fn member_count(g: &Group) -> u32 {
    u32::try_from(g.members.len()).unwrap_or(u32::MAX)
}

fn on_off(on: bool) -> String {
    if on { "On" } else { "Off" }.to_owned()
}

pub(super) fn get_group_info(
    call: &Call<'_>,
    req: GetGroupInfoRequest,
) -> Result<GetGroupInfoResponse, ApiError> {
    let store = call.svc.state.lock();
    let infos = req
        .group_id_list
        .iter()
        .map(|id| match store.groups.groups.get(id) {
            Some(g) => group_info(call, g, req.response_filter.as_ref()),
            None => {
                let e = no_group(id);
                let mut info = GroupInfo::new(id.as_str());
                info.error_code = Some(e.code.code());
                info.error_info = Some(e.info);
                info
            }
        })
        .collect();
    let mut resp = GetGroupInfoResponse::default();
    resp.group_info = Some(infos);
    Ok(resp)
}

pub(super) fn modify_group_base_info(
    call: &Call<'_>,
    req: ModifyGroupBaseInfoRequest,
) -> Result<ModifyGroupBaseInfoResponse, ApiError> {
    call.svc
        .with_store(|store| {
            let g = group_mut(store, &req.group_id)?;
            let max = match req.max_member_num {
                Some(n) if g.kind.has_members() => max_members(g.kind, Some(n), "MaxMemberNum")?,
                _ => g.max_members,
            };
            let custom = merge_custom(
                &g.custom,
                group_items(req.app_defined_data.as_ref()),
                "AppDefinedData",
                GROUP_KEYS,
                GROUP_VALUE_BYTES,
                true,
            )?;
            // Every check passed.
            if let Some(name) = &req.name {
                g.name.clone_from(name);
            }
            if let Some(v) = &req.introduction {
                g.introduction.clone_from(v);
            }
            if let Some(v) = &req.notification {
                g.notification.clone_from(v);
            }
            if let Some(v) = &req.face_url {
                g.face_url.clone_from(v);
            }
            g.max_members = max;
            if req.apply_join_option.is_some() {
                g.apply_join_option = apply_join_option(g.kind, req.apply_join_option.as_ref());
            }
            if let Some(m) = &req.mute_all_member {
                g.mute_all = m == "On";
            }
            g.custom = custom;
            g.touch_info(secs(call.now_ms));
            Ok(g.kind)
        })
        .map(|kind| {
            let mut changed = group_cb::AfterGroupInfoChanged::new(
                group_cb::AfterGroupInfoChanged::INFO.command,
                &req.group_id,
                kind.as_str(),
                call.svc.admin(),
            )
            .event_time(call.now_ms);
            changed.name.clone_from(&req.name);
            changed.introduction.clone_from(&req.introduction);
            changed.notification.clone_from(&req.notification);
            changed.face_url.clone_from(&req.face_url);
            // Only the fields the page lists: a change of anything else sends nothing.
            if changed.name.is_some()
                || changed.introduction.is_some()
                || changed.notification.is_some()
                || changed.face_url.is_some()
            {
                call.after(&changed);
            }
            ModifyGroupBaseInfoResponse::default()
        })
}

pub(super) fn destroy_group(
    call: &Call<'_>,
    req: DestroyGroupRequest,
) -> Result<DestroyGroupResponse, ApiError> {
    let gone = call.svc.with_store(|store| {
        group(store, &req.group_id)?;
        let gone = store.groups.groups.remove(&req.group_id);
        count_today(store, call.now_ms, -1);
        Ok::<_, ApiError>(gone)
    })?;
    if let Some(g) = gone {
        call.after(
            &group_cb::AfterGroupDestroyed::new(
                group_cb::AfterGroupDestroyed::INFO.command,
                &g.id,
                g.kind.as_str(),
                g.owner.as_deref().unwrap_or_default(),
            )
            .name(&g.name)
            .member_list(
                g.members
                    .iter()
                    .map(|m| group_cb::GroupMemberAccount::new(&m.account))
                    .collect(),
            )
            .event_time(call.now_ms),
        );
    }
    Ok(DestroyGroupResponse::default())
}

pub(super) fn change_group_owner(
    call: &Call<'_>,
    req: ChangeGroupOwnerRequest,
) -> Result<ChangeGroupOwnerResponse, ApiError> {
    call.svc
        .with_store(|store| {
            let g = group_mut(store, &req.group_id)?;
            refuse_types(g, &[GroupType::AvChatRoom], "changing the owner")?;
            let new_owner = req.new_owner_account.as_str();
            if !g.is_member(new_owner) {
                return Err(invalid(format!(
                    "NewOwner_Account {new_owner:?} is not a member of group {:?}",
                    g.id
                )));
            }
            if g.owner.as_deref() == Some(new_owner) {
                return Ok(None);
            }
            let old_owner = g.owner.clone().unwrap_or_default();
            for m in &mut g.members {
                if m.account == new_owner {
                    m.role = Role::Owner;
                } else if m.role == Role::Owner {
                    m.role = Role::Member;
                }
            }
            g.owner = Some(new_owner.to_owned());
            g.touch_info(secs(call.now_ms));
            Ok(Some((g.kind, old_owner)))
        })
        .map(|changed| {
            if let Some((kind, old_owner)) = changed {
                call.after(
                    &group_cb::AfterChangeGroupOwner::new(
                        group_cb::AfterChangeGroupOwner::INFO.command,
                        &req.group_id,
                        kind.as_str(),
                        call.svc.admin(),
                        old_owner,
                        &req.new_owner_account,
                    )
                    .event_time(call.now_ms),
                );
            }
            ChangeGroupOwnerResponse::default()
        })
}

pub(super) fn get_appid_group_list(
    call: &Call<'_>,
    req: GetAppidGroupListRequest,
) -> Result<GetAppidGroupListResponse, ApiError> {
    // BChatRoom is a legacy type: the emulator never has one.
    let kind = req
        .group_type
        .as_deref()
        .map(|t| GroupType::parse(t).ok_or(t));
    let store = call.svc.state.lock();
    let of_type: Vec<&Group> = store
        .groups
        .in_creation_order()
        .into_iter()
        .filter(|g| kind.is_none_or(|k| k == Ok(g.kind)))
        .collect();
    let limit = match req.limit {
        None | Some(0) => APPID_PAGE,
        Some(n) => usize::try_from(n).unwrap_or(APPID_PAGE),
    };
    let after = req.next.unwrap_or(0);
    let rest: Vec<&&Group> = of_type.iter().filter(|g| g.serial > after).collect();
    let page = &rest[..rest.len().min(limit)];
    let mut resp = GetAppidGroupListResponse::default();
    resp.total_count = Some(u64::try_from(of_type.len()).unwrap_or(u64::MAX));
    resp.group_id_list = Some(
        page.iter()
            .map(|g| GroupIdItem::new(g.id.as_str()))
            .collect(),
    );
    resp.next = Some(match page.last() {
        Some(last) if rest.len() > page.len() => last.serial,
        _ => 0,
    });
    Ok(resp)
}

pub(super) fn get_joined_group_list(
    call: &Call<'_>,
    req: GetJoinedGroupListRequest,
) -> Result<GetJoinedGroupListResponse, ApiError> {
    if req.support_topic.is_some() && req.group_type.as_deref() != Some("Community") {
        return Err(invalid("SupportTopic needs GroupType Community"));
    }
    let kind = req.group_type.as_deref().and_then(GroupType::parse);
    let account = req.member_account.as_str();
    let store = call.svc.state.lock();
    let joined: Vec<(&Group, &Member)> = store
        .groups
        .in_creation_order()
        .into_iter()
        .filter_map(|g| g.member(account).map(|m| (g, m)))
        .filter(|(g, m)| {
            kind.is_none_or(|k| k == g.kind)
                && (g.kind != GroupType::AvChatRoom || req.with_huge_groups == Some(1))
                && (g.active || m.role == Role::Owner || req.with_no_active_groups == Some(1))
                && req
                    .support_topic
                    .is_none_or(|t| g.support_topic == (t == 1))
        })
        .collect();
    let offset = usize::try_from(req.offset.unwrap_or(0)).unwrap_or(usize::MAX);
    let limit = match req.limit {
        None | Some(0) => usize::MAX,
        Some(n) => usize::try_from(n).unwrap_or(usize::MAX),
    };
    let base = req
        .response_filter
        .as_ref()
        .and_then(|f| f.group_base_info_filter.as_deref());
    let self_fields = req
        .response_filter
        .as_ref()
        .and_then(|f| f.self_info_filter.as_deref());
    let list = joined
        .iter()
        .skip(offset)
        .take(limit)
        .map(|(g, m)| {
            let mut info = joined_info(g, base.map_or(Sel::Only(&[]), Sel::Only));
            if g.kind == GroupType::Community && req.support_topic.is_some() {
                info.support_topic = Some(u8::from(g.support_topic));
            }
            if let Some(fields) = self_fields {
                info.self_info = Some(self_info(g, m, Sel::Only(fields), call.now_ms));
            }
            info
        })
        .collect();
    let mut resp = GetJoinedGroupListResponse::default();
    resp.total_count = Some(u32::try_from(joined.len()).unwrap_or(u32::MAX));
    resp.group_id_list = Some(list);
    Ok(resp)
}

fn joined_info(g: &Group, base: Sel<'_>) -> JoinedGroupInfo {
    let mut info = JoinedGroupInfo::new(g.id.as_str());
    if base.has("Type") {
        info.group_type = Some(g.kind.as_str().to_owned());
    }
    if base.has("Name") {
        info.name = Some(g.name.clone());
    }
    if base.has("Introduction") {
        info.introduction = Some(g.introduction.clone());
    }
    if base.has("Notification") {
        info.notification = Some(g.notification.clone());
    }
    if base.has("FaceUrl") {
        info.face_url = Some(g.face_url.clone());
    }
    if base.has("Owner_Account") {
        info.owner_account = Some(g.owner.clone().unwrap_or_default());
    }
    if base.has("CreateTime") {
        info.create_time = Some(g.create_time);
    }
    if base.has("InfoSeq") {
        info.info_seq = Some(g.info_seq);
    }
    if base.has("LastInfoTime") {
        info.last_info_time = Some(g.last_info_time);
    }
    if base.has("LastMsgTime") {
        info.last_msg_time = Some(g.last_msg_time);
    }
    if base.has("NextMsgSeq") {
        info.next_msg_seq = Some(g.next_seq);
    }
    if base.has("MemberNum") {
        info.member_num = Some(member_count(g));
    }
    if base.has("MaxMemberNum") {
        info.max_member_num = g.max_members;
    }
    if base.has("ApplyJoinOption") {
        info.apply_join_option = Some(g.apply_join_option.clone());
    }
    if base.has("MuteAllMember") {
        info.mute_all_member = Some(on_off(g.mute_all));
    }
    info
}

fn self_info(g: &Group, m: &Member, fields: Sel<'_>, now_ms: u64) -> GroupSelfInfo {
    let mut info = GroupSelfInfo::new();
    if fields.has("Role") {
        info.role = Some(m.role.as_str().to_owned());
    }
    if fields.has("JoinTime") {
        info.join_time = Some(m.join_time);
    }
    if fields.has("MsgFlag") {
        info.msg_flag = Some(m.msg_flag.clone());
    }
    if fields.has("MsgSeq") {
        info.msg_seq = Some(m.read_seq);
    }
    if fields.has("LastSendMsgTime") {
        info.last_send_msg_time = Some(m.last_send_time);
    }
    if fields.has("NameCard") {
        info.name_card = Some(m.name_card.clone());
    }
    if fields.has("MuteUntil") {
        info.mute_until = Some(mute_until_secs(g, &m.account, now_ms));
    }
    info
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_codes_are_distinct_and_well_formed() {
        let codes: std::collections::BTreeSet<String> = (1..5_000).map(id_code).collect();
        assert_eq!(codes.len(), 4_999);
        assert!(codes.iter().all(|c| {
            c.len() == 9
                && c.bytes()
                    .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
        }));
    }

    #[test]
    fn group_ids_are_checked() {
        assert!(well_formed_id("@TGS#2J4SZEAEL"));
        assert!(!well_formed_id(""));
        assert!(!well_formed_id(&"x".repeat(49)));
        assert!(!well_formed_id("caf\u{e9}"));
        assert!(check_custom_id("MyFirstGroup", GroupType::Public).is_ok());
        assert!(check_custom_id("@TGS#mine", GroupType::Public).is_err());
        assert!(check_custom_id("mine", GroupType::Community).is_err());
        assert!(check_custom_id("@TGS#_mine", GroupType::Community).is_ok());
    }
}
