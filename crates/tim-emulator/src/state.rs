//! The emulator's in-memory state and its public, read-mostly view [`EmulatorState`]:
//! per-account tags and attributes, the app's attribute names, known accounts, recorded
//! pushes ([`PushRecord`]) and call counters ([`CallCounts`]).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::Value;

/// One known account: its nickname and photo (from account_import), tags and attribute
/// values.
#[derive(Debug, Clone, Default)]
pub(crate) struct Account {
    /// `Nick` given at import.
    pub nick: Option<String>,
    /// `FaceUrl` given at import.
    pub face_url: Option<String>,
    /// In the order they were added.
    pub tags: Vec<String>,
    /// Attribute values by slot ("0".."9" as 0..9), so renaming a slot keeps its values.
    pub attrs: BTreeMap<u8, String>,
}

/// Everything the emulator remembers, behind one lock.
#[derive(Debug, Default)]
pub(crate) struct Store {
    /// Slot -> attribute name.
    pub attr_names: BTreeMap<u8, String>,
    /// Known accounts (imported, or given tags or attributes at some point).
    pub accounts: BTreeMap<String, Account>,
    pub pushes: Vec<PushRecord>,
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

    /// Call counters per endpoint.
    pub fn call_counts(&self) -> CallCounts {
        let store = self.lock();
        CallCounts {
            endpoints: store.counts.clone(),
            unrouted: store.unrouted,
        }
    }
}
