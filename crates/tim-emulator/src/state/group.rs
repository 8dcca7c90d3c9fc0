//! Groups ([`GroupStore`]): each group's profile, members, mutes, stored messages (with
//! their read receipts), attributes, counters, an audio-video group's online members, bans
//! and admins, and a community's topics (with their own messages and mutes); the app's
//! group counters (creation order, generated IDs, the day's net number of new groups) and
//! the system notifications sent ([`GroupNotification`]). The rules live in
//! `handlers::group`; this module only keeps the data and answers simple questions about
//! it.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use tim_model::common::MsgElement;

/// The built-in group types (`Type`), by the names the REST API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GroupType {
    /// Work group (`Private` on the wire).
    Private,
    /// Public group.
    Public,
    /// Meeting group (`ChatRoom` on the wire).
    ChatRoom,
    /// Audio-video group: no member list, no message history.
    AvChatRoom,
    /// Community group.
    Community,
}

impl GroupType {
    /// The type named `name` on the wire.
    pub fn parse(name: &str) -> Option<GroupType> {
        Some(match name {
            "Private" => GroupType::Private,
            "Public" => GroupType::Public,
            "ChatRoom" => GroupType::ChatRoom,
            "AVChatRoom" => GroupType::AvChatRoom,
            "Community" => GroupType::Community,
            _ => return None,
        })
    }

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            GroupType::Private => "Private",
            GroupType::Public => "Public",
            GroupType::ChatRoom => "ChatRoom",
            GroupType::AvChatRoom => "AVChatRoom",
            GroupType::Community => "Community",
        }
    }

    /// Whether the type stores a member list (all but audio-video groups).
    pub fn has_members(self) -> bool {
        self != GroupType::AvChatRoom
    }

    /// Whether the type stores message history (all but audio-video groups).
    pub fn keeps_history(self) -> bool {
        self != GroupType::AvChatRoom
    }

    /// Whether the type has admins (not work groups, not audio-video groups).
    pub fn has_admins(self) -> bool {
        !matches!(self, GroupType::Private | GroupType::AvChatRoom)
    }

    /// Whether members of the type have unread counts (not meeting or audio-video groups).
    pub fn counts_unread(self) -> bool {
        !matches!(self, GroupType::ChatRoom | GroupType::AvChatRoom)
    }
}

/// A member's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Owner,
    Admin,
    Member,
}

impl Role {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "Owner",
            Role::Admin => "Admin",
            Role::Member => "Member",
        }
    }
}

/// One member of a group.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Member {
    pub account: String,
    pub role: Role,
    /// UNIX seconds.
    pub join_time: u64,
    /// `MsgSeq`: the last message the member has read.
    pub read_seq: u64,
    /// `MsgFlag`.
    pub msg_flag: String,
    /// `LastSendMsgTime` (UNIX seconds; 0: never).
    pub last_send_time: u64,
    /// `NameCard`.
    pub name_card: String,
    /// `AppMemberDefinedData`, by key.
    pub custom: BTreeMap<String, String>,
}

/// One stored group message.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct GroupMsg {
    pub seq: u64,
    pub from: String,
    pub random: u32,
    /// `MsgTimeStamp`, UNIX seconds.
    pub time: u64,
    /// `MsgPriority` as answered by group_msg_get_simple (1 High, 2 Normal, 3 Low).
    pub priority: u8,
    pub body: Vec<MsgElement>,
    pub cloud_custom_data: Option<String>,
    pub recalled: bool,
    /// Read receipts (None: the message has none, 10062).
    pub receipt: Option<Receipt>,
    /// The message extension (None: sent without `SupportMessageExtension` 1).
    pub extension: Option<MsgExt>,
}

/// The extension of one group message: key-value pairs with versions.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct MsgExt {
    /// The latest `Seq`: grows by one with every accepted set, delete or clear.
    pub latest_seq: u64,
    /// `Seq` of the last clear (0: never cleared).
    pub clear_seq: u64,
    /// Key -> (value, `Seq` of its last setting).
    pub pairs: BTreeMap<String, (String, u64)>,
    /// When the accepted writes of the last minute arrived (clock ms), oldest first.
    pub writes: VecDeque<u64>,
}

/// The read receipts of one stored group message.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Receipt {
    /// The members (sender excepted) when the message was stored, in member order: the
    /// accounts whose reading is counted.
    pub audience: Vec<String>,
    /// Accounts that sent a read receipt for it through group_msg_receipt.
    pub receipts: BTreeSet<String>,
}

/// One online member of an audio-video group (joined through the client SDK, which
/// [`Emulator::join_live_group`](crate::Emulator::join_live_group) stands in for).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LiveMember {
    pub account: String,
    /// UNIX seconds.
    pub join_time: u64,
    /// Marks set with modify_user_info, in the order set.
    pub marks: Vec<u32>,
}

/// One topic of a community.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Topic {
    pub id: String,
    pub name: String,
    pub introduction: String,
    pub notification: String,
    pub face_url: String,
    pub custom_string: String,
    /// UNIX seconds.
    pub create_time: u64,
    /// `MuteAllMember`.
    pub mute_all: bool,
    /// The topic's own messages: `MsgSeq` starts at 1 in each topic.
    pub messages: Vec<GroupMsg>,
    /// The topic's next `MsgSeq`.
    pub next_seq: u64,
    /// Account -> end of its mute in this topic (clock ms), set by forbid_send_msg with
    /// `TopicId`. Kept by account, like the group's mutes.
    pub mutes: BTreeMap<String, u64>,
}

impl Topic {
    /// When the mute of `account` in this topic ends (clock ms), if it is muted at `now_ms`.
    pub fn muted_until(&self, account: &str, now_ms: u64) -> Option<u64> {
        self.mutes.get(account).copied().filter(|&t| t > now_ms)
    }
}

/// A message accepted by send_group_msg, remembered for the `Random` deduplication window
/// (audio-video groups included, which store no history).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RecentSend {
    /// When it was accepted (clock ms).
    pub at_ms: u64,
    pub from: String,
    pub random: u32,
    pub body: Vec<MsgElement>,
    /// The topic it went to (None: the group itself).
    pub topic: Option<String>,
    /// What was answered.
    pub seq: u64,
    pub time: u64,
}

/// One group.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Group {
    pub id: String,
    /// Creation order in the app (1, 2, ...): the get_appid_group_list cursor.
    pub serial: u64,
    pub kind: GroupType,
    pub name: String,
    pub introduction: String,
    pub notification: String,
    pub face_url: String,
    /// `Owner_Account` (None: the group has no owner).
    pub owner: Option<String>,
    /// UNIX seconds.
    pub create_time: u64,
    pub info_seq: u64,
    pub last_info_time: u64,
    /// `MaxMemberNum` (None: no limit, audio-video groups).
    pub max_members: Option<u32>,
    pub apply_join_option: String,
    pub mute_all: bool,
    /// `AppDefinedData`, by key.
    pub custom: BTreeMap<String, String>,
    /// `SupportTopic` of a community.
    pub support_topic: bool,
    /// A work group is not active (not listed to its members) until its first message.
    pub active: bool,
    /// Members in the order they joined (always empty for audio-video groups).
    pub members: Vec<Member>,
    /// Account -> end of its mute (clock ms). Kept by account, not by member: a muted
    /// member who leaves and rejoins is still muted.
    pub mutes: BTreeMap<String, u64>,
    /// `NextMsgSeq`.
    pub next_seq: u64,
    /// `LastMsgTime` (UNIX seconds; 0: none).
    pub last_msg_time: u64,
    /// Stored messages, by increasing `MsgSeq`.
    pub messages: Vec<GroupMsg>,
    /// Sends of the last deduplication window, oldest first.
    pub recent_sends: VecDeque<RecentSend>,
    /// Messages with `MsgSeq` up to this were cleared by clear_group_msg (0: none).
    pub cleared_seq: u64,
    /// Custom group attributes, by key.
    pub attrs: BTreeMap<String, String>,
    /// Attribute writes accepted in the current clock second: (second, writes).
    pub attr_writes: (u64, u32),
    /// Group counters, by key.
    pub counters: BTreeMap<String, i64>,
    /// Account -> end of its ban (clock ms), audio-video groups.
    pub bans: BTreeMap<String, u64>,
    /// Online members of an audio-video group, in the order they joined.
    pub online: Vec<LiveMember>,
    /// Admins of an audio-video group (modify_admin), in the order they were made admins.
    pub live_admins: Vec<String>,
    /// Topics of a community with `SupportTopic`, in creation order.
    pub topics: Vec<Topic>,
    /// Topic IDs generated so far in this group.
    pub generated_topics: u64,
}

impl Group {
    /// The member `account`, if it is one.
    pub fn member(&self, account: &str) -> Option<&Member> {
        self.members.iter().find(|m| m.account == account)
    }

    /// The member `account`, if it is one.
    pub fn member_mut(&mut self, account: &str) -> Option<&mut Member> {
        self.members.iter_mut().find(|m| m.account == account)
    }

    /// Whether `account` is a member.
    pub fn is_member(&self, account: &str) -> bool {
        self.member(account).is_some()
    }

    /// When the ban of `account` ends (clock ms), if it is banned at `now_ms`.
    pub fn banned_until(&self, account: &str, now_ms: u64) -> Option<u64> {
        self.bans.get(account).copied().filter(|&t| t > now_ms)
    }

    /// The topic `id`, if the group has it.
    pub fn topic(&self, id: &str) -> Option<&Topic> {
        self.topics.iter().find(|t| t.id == id)
    }

    /// When the mute of `account` ends (clock ms), if it is muted at `now_ms`.
    pub fn muted_until(&self, account: &str, now_ms: u64) -> Option<u64> {
        self.mutes.get(account).copied().filter(|&t| t > now_ms)
    }

    /// The `MsgSeq` of the last message (0: none yet).
    pub fn last_seq(&self) -> u64 {
        self.next_seq.saturating_sub(1)
    }

    /// The stored message with `seq`.
    pub fn message_mut(&mut self, seq: u64) -> Option<&mut GroupMsg> {
        self.messages
            .binary_search_by_key(&seq, |m| m.seq)
            .ok()
            .and_then(|i| self.messages.get_mut(i))
    }

    /// The read position (`MsgSeq`) that leaves `unread` stored messages unread (fewer when
    /// the group has fewer).
    pub fn read_seq_for_unread(&self, unread: u32) -> u64 {
        let unread = usize::try_from(unread).unwrap_or(usize::MAX);
        if unread == 0 {
            return self.last_seq();
        }
        match self.messages.len().checked_sub(unread) {
            Some(i) => self.messages.get(i).map_or(0, |m| m.seq.saturating_sub(1)),
            None => 0,
        }
    }

    /// The profile changed at `now_secs`: `InfoSeq` grows, `LastInfoTime` moves.
    pub fn touch_info(&mut self, now_secs: u64) {
        self.info_seq += 1;
        self.last_info_time = now_secs;
    }
}

/// A system notification accepted by send_group_system_notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupNotification {
    /// The group it was sent in.
    pub group_id: String,
    /// The members it reached when it was sent (in the group's member order): all of them,
    /// or those of `ToMembers_Account` that were members. Empty for audio-video groups,
    /// whose members the emulator does not know.
    pub recipients: Vec<String>,
    /// `Content`.
    pub content: String,
    /// The topic it was sent to (`TopicId`), or None for the group itself.
    pub topic_id: Option<String>,
    /// When it was accepted, in ms since the Unix epoch (emulator clock).
    pub at_ms: u64,
}

/// A message accepted by send_broadcast_msg: one message to every audio-video group.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupBroadcast {
    /// `MsgSeq` answered: 1, 2, ... in the app.
    pub seq: u64,
    /// The sender (`From_Account`, or the app admin).
    pub from: String,
    /// `Random`.
    pub random: u32,
    /// `MsgBody`.
    pub body: Vec<MsgElement>,
    /// `CloudCustomData`.
    pub cloud_custom_data: Option<String>,
    /// The audio-video groups of the app when it was sent, in creation order.
    pub groups: Vec<String>,
    /// When it was accepted, in ms since the Unix epoch (emulator clock).
    pub at_ms: u64,
}

/// Why an account could not join a live group
/// ([`Emulator::join_live_group`](crate::Emulator::join_live_group)).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LiveJoinError {
    /// No group has this ID.
    #[error("group {0:?} does not exist")]
    NoSuchGroup(String),
    /// The group is not an audio-video group (AVChatRoom).
    #[error("group {0:?} is not an AVChatRoom group")]
    NotLiveGroup(String),
    /// The account was never imported (and is not the app admin).
    #[error("account {0:?} does not exist")]
    UnknownAccount(String),
    /// The account is banned from the group until `until_ms`.
    #[error("account {account:?} is banned until {until_ms} ms")]
    Banned {
        /// The account.
        account: String,
        /// When the ban ends, in ms since the Unix epoch (emulator clock).
        until_ms: u64,
    },
}

/// Every group of the app.
#[derive(Debug, Default)]
pub(crate) struct GroupStore {
    /// Groups by ID.
    pub groups: BTreeMap<String, Group>,
    /// Groups created or imported so far (the next one's `serial` is this plus one).
    pub created: u64,
    /// IDs generated so far.
    pub generated_ids: u64,
    /// (day number in UTC+8, groups created minus groups disbanded that day).
    pub net_today: (u64, i64),
    /// System notifications, oldest first.
    pub notifications: Vec<GroupNotification>,
    /// Broadcasts to the audio-video groups, oldest first.
    pub broadcasts: Vec<GroupBroadcast>,
}

impl GroupStore {
    /// The groups, in creation order.
    pub fn in_creation_order(&self) -> Vec<&Group> {
        let mut all: Vec<&Group> = self.groups.values().collect();
        all.sort_by_key(|g| g.serial);
        all
    }
}
