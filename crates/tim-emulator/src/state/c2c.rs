//! One-to-one messages ([`C2cStore`]): the stored messages of each conversation, who has
//! read what, and each account's recent-contacts list (a conversation appears there after
//! its first message).

use std::collections::{BTreeMap, HashMap};

use tim_model::common::MsgElement;

/// `MsgFlagBits` of a recalled message (the admin_getroammsg page: 0 normal, 8 recalled).
pub(crate) const FLAG_RECALLED: u32 = 8;

/// One stored one-to-one message.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct C2cMsg {
    pub from: String,
    pub to: String,
    pub seq: u32,
    pub random: u32,
    /// `MsgTimeStamp`, UNIX seconds.
    pub time: u64,
    /// When the emulator stored it (clock ms).
    pub stored_ms: u64,
    /// Arrival order in the store: orders messages of the same second.
    pub arrival: u64,
    /// `{MsgSeq}_{MsgRandom}_{MsgTimeStamp}`, the form of every `MsgKey` on the pages.
    pub key: String,
    pub body: Vec<MsgElement>,
    pub cloud_custom_data: Option<String>,
    pub recalled: bool,
    /// Counts as unread for the recipient until read (false for `NoUnread`, imports with
    /// `SyncFromOldSystem` 2, and `MsgLifeTime` 0).
    pub counts_unread: bool,
    /// The recipient sent a read receipt for it (`IsPeerRead`).
    pub peer_read: bool,
    /// Deleted one way by (or never synchronized to) the sender / the recipient.
    pub hidden_for_sender: bool,
    pub hidden_for_recipient: bool,
    /// The message extension (None: not sent by sendmsg with `SupportMessageExtension` 1).
    pub extension: Option<super::group::MsgExt>,
}

impl C2cMsg {
    /// The `MsgKey` of a message.
    pub fn key_of(seq: u32, random: u32, time: u64) -> String {
        format!("{seq}_{random}_{time}")
    }

    /// Whether `account` (one of the parties) sees the message in its history.
    pub fn visible_to(&self, account: &str) -> bool {
        if account == self.from && self.hidden_for_sender {
            return false;
        }
        if account == self.to && self.hidden_for_recipient {
            return false;
        }
        account == self.from || account == self.to
    }

    /// Sort key: time, then arrival.
    fn order(&self) -> (u64, u64) {
        (self.time, self.arrival)
    }
}

/// The two parties of a conversation, in a fixed order.
pub(crate) fn pair(a: &str, b: &str) -> (String, String) {
    if a <= b {
        (a.to_owned(), b.to_owned())
    } else {
        (b.to_owned(), a.to_owned())
    }
}

/// A recent-contacts entry of one account.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Session {
    /// Time of the conversation's last message (UNIX seconds).
    pub msg_time: u64,
    /// Pinned (`TopFlag`).
    pub top: bool,
}

/// Every one-to-one conversation, read marks and recent contacts.
#[derive(Debug, Default)]
pub(crate) struct C2cStore {
    /// Messages of each conversation (key: [`pair`]), oldest first.
    pub conversations: BTreeMap<(String, String), Vec<C2cMsg>>,
    /// (reader, peer) -> messages from `peer` at or before this time (UNIX s) are read.
    pub read_up_to: HashMap<(String, String), u64>,
    /// Account -> peer account -> session.
    pub sessions: BTreeMap<String, BTreeMap<String, Session>>,
    /// Messages stored so far (the next one's `arrival`).
    pub arrivals: u64,
}

impl C2cStore {
    /// The messages between `a` and `b`, oldest first.
    pub fn conversation(&self, a: &str, b: &str) -> &[C2cMsg] {
        self.conversations
            .get(&pair(a, b))
            .map_or(&[], Vec::as_slice)
    }

    /// The message of conversation `a`-`b` with `key`.
    pub fn find_mut(&mut self, a: &str, b: &str, key: &str) -> Option<&mut C2cMsg> {
        self.conversations
            .get_mut(&pair(a, b))?
            .iter_mut()
            .find(|m| m.key == key)
    }

    /// Stores `msg` in time order; returns false (and stores nothing) when the
    /// conversation already holds a message with the same key.
    pub fn insert(&mut self, mut msg: C2cMsg) -> bool {
        self.arrivals += 1;
        msg.arrival = self.arrivals;
        let list = self
            .conversations
            .entry(pair(&msg.from, &msg.to))
            .or_default();
        if list.iter().any(|m| m.key == msg.key) {
            return false;
        }
        let at = list.partition_point(|m| m.order() <= msg.order());
        list.insert(at, msg);
        true
    }

    /// Refreshes the recent-contacts entries of both parties after a message at `time`.
    pub fn touch_sessions(&mut self, from: &str, to: &str, time: u64, sender_sees: bool) {
        let mut touch = |owner: &str, peer: &str| {
            let s = self
                .sessions
                .entry(owner.to_owned())
                .or_default()
                .entry(peer.to_owned())
                .or_default();
            s.msg_time = s.msg_time.max(time);
        };
        touch(to, from);
        if sender_sees {
            touch(from, to);
        }
    }

    /// Unread messages of `reader` from `peer`.
    pub fn unread(&self, reader: &str, peer: &str) -> u32 {
        let mark = self
            .read_up_to
            .get(&(reader.to_owned(), peer.to_owned()))
            .copied();
        let n = self
            .conversation(reader, peer)
            .iter()
            .filter(|m| {
                m.to == reader
                    && m.from == peer
                    && m.counts_unread
                    && !m.recalled
                    && m.visible_to(reader)
                    && mark.is_none_or(|t| m.time > t)
            })
            .count();
        u32::try_from(n).unwrap_or(u32::MAX)
    }

    /// The peers `reader` has unread messages from.
    pub fn peers_of(&self, reader: &str) -> Vec<String> {
        self.conversations
            .keys()
            .filter_map(|(a, b)| {
                if a == reader {
                    Some(b.clone())
                } else if b == reader {
                    Some(a.clone())
                } else {
                    None
                }
            })
            .collect()
    }
}
