//! The emulator's in-memory state and its public, read-mostly view [`EmulatorState`]:
//! known accounts with their profile, relationship chain, tags and attributes, the app's
//! attribute names, one-to-one messages ([`c2c`]), groups ([`group`]), recorded pushes
//! ([`PushRecord`]), official accounts ([`official`]), global mutes, chatbots, moderation
//! keywords and scheduled pushes ([`ops`]) and call counters ([`CallCounts`]).

pub(crate) mod c2c;
pub(crate) mod group;
pub(crate) mod official;
pub(crate) mod ops;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::Value;

use self::c2c::C2cStore;
use self::group::{GroupBroadcast, GroupNotification, GroupStore};
use self::official::OfficialStore;
use self::ops::OpsStore;

/// One known account: its profile, relationship chain, tags and attribute values.
#[derive(Debug, Clone, Default)]
pub(crate) struct Account {
    /// Profile fields by tag (`Tag_Profile_IM_Nick`...); account_import's `Nick` and
    /// `FaceUrl` are `Tag_Profile_IM_Nick` and `Tag_Profile_IM_Image`.
    pub profile: BTreeMap<String, Value>,
    /// Friends in this account's friend list (one-way: the other side has its own entry).
    pub friends: BTreeMap<String, Friend>,
    /// Blocklisted accounts, with when they were added (UNIX s).
    pub blocklist: BTreeMap<String, u64>,
    /// Friend lists (`Tag_SNS_IM_Group`), in creation order.
    pub friend_lists: Vec<String>,
    /// Relationship-chain sequence: grows with every change of friends or lists.
    pub sns_sequence: u64,
    /// Accounts this account follows, with when (UNIX s).
    pub following: BTreeMap<String, u64>,
    /// In the order they were added.
    pub tags: Vec<String>,
    /// Attribute values by slot ("0".."9" as 0..9), so renaming a slot keeps its values.
    pub attrs: BTreeMap<u8, String>,
}

/// One entry of a friend list: the standard friend fields and custom ones.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Friend {
    /// `Tag_SNS_IM_Remark`.
    pub remark: Option<String>,
    /// `Tag_SNS_IM_Group`: the friend lists it is in.
    pub lists: Vec<String>,
    /// `Tag_SNS_IM_AddSource`.
    pub add_source: String,
    /// `Tag_SNS_IM_AddWording`.
    pub add_wording: Option<String>,
    /// `Tag_SNS_IM_AddTime` (UNIX s).
    pub add_time: u64,
    /// `Tag_SNS_IM_RemarkTime` (UNIX s).
    pub remark_time: u64,
    /// `Tag_SNS_Custom_*` fields.
    pub custom: BTreeMap<String, Value>,
}

/// Everything the emulator remembers, behind one lock.
#[derive(Debug, Default)]
pub(crate) struct Store {
    /// Slot -> attribute name.
    pub attr_names: BTreeMap<u8, String>,
    /// Known accounts (imported, or given tags or attributes at some point).
    pub accounts: BTreeMap<String, Account>,
    pub pushes: Vec<PushRecord>,
    /// One-to-one messages, read marks and recent contacts.
    pub c2c: C2cStore,
    /// Groups, their members and messages.
    pub groups: GroupStore,
    /// Official accounts, their subscribers and messages.
    pub official: OfficialStore,
    /// Global mutes, chatbots, moderation keywords, scheduled pushes.
    pub ops: OpsStore,
    /// MsgRandom -> (first push time, index in `pushes`).
    pub recent_randoms: HashMap<u32, (u64, usize)>,
    pub counts: BTreeMap<&'static str, EndpointCounts>,
    pub unrouted: u64,
    /// Endpoint path -> (second, calls admitted in that second).
    pub rate_windows: HashMap<&'static str, (u64, u32)>,
    /// Per endpoint path: interval and daily-quota accounting of the conformance default.
    pub pacing: HashMap<&'static str, Pacing>,
}

/// The interval and daily-quota state of one endpoint.
#[derive(Debug, Default)]
pub(crate) struct Pacing {
    /// When the last accepted call arrived.
    pub last_ms: Option<u64>,
    /// (day number, calls accepted that day).
    pub today: (u64, u32),
}

impl Store {
    pub fn slot_of(&self, name: &str) -> Option<u8> {
        self.attr_names
            .iter()
            .find(|(_, n)| n.as_str() == name)
            .map(|(s, _)| *s)
    }

    pub fn account_mut(&mut self, account: &str) -> &mut Account {
        self.accounts.entry(account.to_owned()).or_default()
    }

    /// Whether `account` exists for the REST API: imported (or given state), or the app
    /// admin (`admin`), which the console creates.
    pub fn exists(&self, account: &str, admin: &str) -> bool {
        account == admin || self.accounts.contains_key(account)
    }

    pub fn attrs_by_name(&self, account: &Account) -> BTreeMap<String, String> {
        account
            .attrs
            .iter()
            .filter_map(|(slot, v)| self.attr_names.get(slot).map(|n| (n.clone(), v.clone())))
            .collect()
    }
}

/// Whom a push was addressed to, from its `Condition`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushTarget {
    /// No condition: every known account.
    All,
    /// Tag condition: accounts with any of `or` (when not empty) and all of `and`.
    Tags {
        /// `Condition.TagsOr`.
        or: Vec<String>,
        /// `Condition.TagsAnd`.
        and: Vec<String>,
    },
    /// Attribute condition: accounts matching any pair of `or` (when not empty) and every
    /// pair of `and`.
    Attrs {
        /// `Condition.AttrsOr`: attribute name -> value.
        or: BTreeMap<String, String>,
        /// `Condition.AttrsAnd`: attribute name -> value.
        and: BTreeMap<String, String>,
    },
}

/// A push the emulator accepted.
#[derive(Debug, Clone, PartialEq)]
pub struct PushRecord {
    /// The `TaskId` answered.
    pub task_id: String,
    /// `MsgRandom` of the request.
    pub msg_random: u32,
    /// `From_Account`, when given.
    pub from_account: Option<String>,
    /// `MsgLifeTime` in seconds (0 when absent: online users only).
    pub msg_lifetime: u64,
    /// Whom it was addressed to.
    pub target: PushTarget,
    /// The known accounts the condition matched when the push was made, sorted.
    pub recipients: Vec<String>,
    /// When it was accepted, in ms since the Unix epoch (emulator clock).
    pub at_ms: u64,
    /// The request body as received.
    pub request: Value,
}

/// Calls seen by one endpoint.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndpointCounts {
    /// Every call that reached the endpoint's path.
    pub received: u64,
    /// Calls answered `ActionStatus` "OK".
    pub ok: u64,
    /// Calls answered "FAIL" by the service's checks (including the rate limit).
    pub failed: u64,
    /// Calls refused by the per-second rate limit (also counted in `failed`).
    pub rate_limited: u64,
    /// Calls answered by an injected fault (never reached the service).
    pub faulted: u64,
    /// `ErrorCode`s answered by the service's checks, with how many times.
    pub codes: BTreeMap<i64, u64>,
}

/// Call counters per endpoint.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallCounts {
    endpoints: BTreeMap<&'static str, EndpointCounts>,
    /// Calls to a path that is not an endpoint (answered 60009), or not a POST.
    pub unrouted: u64,
}

impl CallCounts {
    /// Counters of one endpoint, named by command (`im_get_tag`) or path
    /// (`v4/all_member_push/im_get_tag`); all zero when it was never called.
    pub fn endpoint(&self, name: &str) -> EndpointCounts {
        let name = name.trim_start_matches('/');
        self.endpoints
            .iter()
            .find(|(path, _)| **path == name || path.rsplit('/').next() == Some(name))
            .map(|(_, c)| c.clone())
            .unwrap_or_default()
    }

    /// Counters of every endpoint called at least once, by path.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &EndpointCounts)> {
        self.endpoints.iter().map(|(p, c)| (*p, c))
    }

    /// Calls received in total, routed or not.
    pub fn total(&self) -> u64 {
        self.unrouted + self.endpoints.values().map(|c| c.received).sum::<u64>()
    }
}

/// A handle on a running emulator's state, to inspect it (and to import accounts).
///
/// Cheap to clone; every method takes the state lock briefly and returns owned data.
#[derive(Debug, Clone, Default)]
pub struct EmulatorState {
    inner: Arc<Mutex<Store>>,
}

impl EmulatorState {
    pub(crate) fn lock(&self) -> MutexGuard<'_, Store> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Registers accounts, as the service's account import does: pushes can reach them.
    /// Accounts that already exist keep their tags and attributes.
    pub fn import_accounts<I, S>(&self, accounts: I)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut store = self.lock();
        for a in accounts {
            store.accounts.entry(a.into()).or_default();
        }
    }

    /// Known accounts, sorted: imported ones, and any account that was given tags or
    /// attributes (it stays known after they are removed).
    pub fn accounts(&self) -> Vec<String> {
        self.lock().accounts.keys().cloned().collect()
    }

    /// Whether `account` is known.
    pub fn is_known(&self, account: &str) -> bool {
        self.lock().accounts.contains_key(account)
    }

    /// Tags of `account`, in the order they were added (empty when none or unknown).
    pub fn tags_of(&self, account: &str) -> Vec<String> {
        self.lock()
            .accounts
            .get(account)
            .map(|a| a.tags.clone())
            .unwrap_or_default()
    }

    /// Attributes of `account` by name (empty when none or unknown).
    pub fn attrs_of(&self, account: &str) -> BTreeMap<String, String> {
        let store = self.lock();
        store
            .accounts
            .get(account)
            .map(|a| store.attrs_by_name(a))
            .unwrap_or_default()
    }

    /// The app's attribute names, by slot ("0".."9").
    pub fn attr_names(&self) -> BTreeMap<String, String> {
        self.lock()
            .attr_names
            .iter()
            .map(|(s, n)| (s.to_string(), n.clone()))
            .collect()
    }

    /// Accepted pushes, oldest first (a repeated `MsgRandom` adds none).
    pub fn pushes(&self) -> Vec<PushRecord> {
        self.lock().pushes.clone()
    }

    /// Accounts reached by at least one accepted push.
    pub fn pushed_accounts(&self) -> BTreeSet<String> {
        self.lock()
            .pushes
            .iter()
            .flat_map(|p| p.recipients.iter().cloned())
            .collect()
    }

    /// IDs of the app's groups, in creation order (disbanded groups are gone).
    pub fn group_ids(&self) -> Vec<String> {
        self.lock()
            .groups
            .in_creation_order()
            .into_iter()
            .map(|g| g.id.clone())
            .collect()
    }

    /// System notifications accepted by `send_group_system_notification`, oldest first.
    pub fn group_notifications(&self) -> Vec<GroupNotification> {
        self.lock().groups.notifications.clone()
    }

    /// Broadcasts accepted by `send_broadcast_msg`, oldest first (a repeat within five
    /// minutes adds none).
    pub fn group_broadcasts(&self) -> Vec<GroupBroadcast> {
        self.lock().groups.broadcasts.clone()
    }

    /// The `MsgSeq` up to which clear_group_msg cleared the history of `group_id` (0: none
    /// cleared; None: no such group). Cleared messages are hidden from the client SDKs only:
    /// the REST history (group_msg_get_simple) still answers them.
    pub fn group_history_cleared_up_to(&self, group_id: &str) -> Option<u64> {
        self.lock()
            .groups
            .groups
            .get(group_id)
            .map(|g| g.cleared_seq)
    }

    /// Call counters per endpoint.
    pub fn call_counts(&self) -> CallCounts {
        let store = self.lock();
        CallCounts {
            endpoints: store.counts.clone(),
            unrouted: store.unrouted,
        }
    }
}
