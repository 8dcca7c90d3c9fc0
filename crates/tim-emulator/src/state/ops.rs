//! The app-operations state: global mutes (`openconfigsvr`), chatbots
//! (`openim_robot_http_svc`), the moderation keyword lists (`im_msg_audit_mgr`) and the
//! scheduled push tasks (`timpush`).

use std::collections::BTreeMap;

use serde_json::Value;

/// A period that never ends (`4294967295` seconds on the pages).
pub(crate) const FOREVER: u32 = u32::MAX;

/// The global mute of one account: when each kind of mute ends, in ms on the emulator's
/// clock (`u64::MAX`: never).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct GlobalMute {
    /// One-to-one messages muted until then.
    pub c2c_until_ms: u64,
    /// Group messages muted until then.
    pub group_until_ms: u64,
}

/// One chatbot (`@RBT#...`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Robot {
    /// When it was created (ms, emulator clock): robots are listed in creation order.
    pub created_ms: u64,
    /// Creation order among robots created in the same millisecond.
    pub order: u64,
    /// Invalidated by delete_robot: no longer listed, no longer sends.
    pub deleted: bool,
}

/// One streamed chatbot message (send_stream_msg).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Stream {
    /// The chatbot sending it.
    pub from: String,
    /// The recipient.
    pub to: String,
    /// The text streamed so far.
    pub text: String,
    /// The last chunk came (`Finish` 1).
    pub finished: bool,
}

/// A keyword of a cloud keyword library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CloudKeyword {
    /// Its ID, unique in the app (a decimal number).
    pub id: String,
    /// The library it is in.
    pub lib_id: String,
    /// The word.
    pub content: String,
    /// Its category (`Label` on the pages; `None` when not given).
    pub label: Option<String>,
    /// When it was added (ms, emulator clock).
    pub created_ms: u64,
}

/// A cloud keyword library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KeywordLibrary {
    /// Its ID (`LibID`).
    pub id: String,
    /// When it was created (ms, emulator clock).
    pub created_ms: u64,
}

/// A word (or regular expression) of local moderation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LocalWord {
    /// Its ID, from 1.
    pub id: u64,
    /// The word.
    pub keyword: String,
    /// `1` a word, `2` a regular expression.
    pub word_type: u32,
    /// `1` replace the word, `2` block the message.
    pub filter_type: u32,
    /// The replacement text (`FilterType` 1).
    pub replaced_content: Option<String>,
    /// When it was added (ms, emulator clock).
    pub updated_ms: u64,
}

/// A scheduled push task (timpush).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SchedTask {
    /// Its ID.
    pub id: String,
    /// When it was created (ms, emulator clock).
    pub created_ms: u64,
    /// When it runs (UNIX s).
    pub run_at: u64,
    /// Cancelled (delete_sched_task) before it ran.
    pub cancelled: bool,
    /// The request body it was created with (its push content).
    pub request: Value,
}

/// Everything the operations families keep.
#[derive(Debug, Default)]
pub(crate) struct OpsStore {
    /// Global mutes by account (an account never muted has none).
    pub mutes: BTreeMap<String, GlobalMute>,
    /// Chatbots by UserID, deleted ones included.
    pub robots: BTreeMap<String, Robot>,
    /// How many robots were ever created (orders them).
    pub robots_created: u64,
    /// Streamed chatbot messages by MsgKey.
    pub streams: BTreeMap<String, Stream>,
    /// Local-moderation words, in the order they were added.
    pub local_words: Vec<LocalWord>,
    /// How many local words were ever added (their IDs).
    pub local_words_added: u64,
    /// Cloud keyword libraries, in creation order (empty until first used: see
    /// `handlers::moderation`).
    pub libraries: Vec<KeywordLibrary>,
    /// Cloud keywords, in the order they were added.
    pub cloud_keywords: Vec<CloudKeyword>,
    /// How many cloud keywords were ever added (their IDs).
    pub cloud_keywords_added: u64,
    /// How many moderation requests were answered (their `RequestId`s).
    pub moderation_requests: u64,
    /// Scheduled push tasks, in creation order.
    pub sched_tasks: Vec<SchedTask>,
}

impl OpsStore {
    /// Whether `account` may not send one-to-one messages at `now_ms`.
    pub(crate) fn c2c_muted(&self, account: &str, now_ms: u64) -> bool {
        self.mutes
            .get(account)
            .is_some_and(|m| m.c2c_until_ms > now_ms)
    }

    /// Whether `account` may not send group messages at `now_ms`.
    pub(crate) fn group_muted(&self, account: &str, now_ms: u64) -> bool {
        self.mutes
            .get(account)
            .is_some_and(|m| m.group_until_ms > now_ms)
    }

    /// Whether `account` is a chatbot that was not deleted.
    pub(crate) fn is_live_robot(&self, account: &str) -> bool {
        self.robots.get(account).is_some_and(|r| !r.deleted)
    }
}

/// When a mute of `secs` seconds set at `now_ms` ends (`0`: now, unmuted; [`FOREVER`]:
/// never).
pub(crate) fn mute_until(now_ms: u64, secs: u32) -> u64 {
    match secs {
        0 => 0,
        FOREVER => u64::MAX,
        s => now_ms.saturating_add(u64::from(s) * 1000),
    }
}

/// The period left of a mute ending at `until_ms`, in whole seconds rounded up (`0`: not
/// muted, [`FOREVER`]: permanent).
pub(crate) fn mute_left(now_ms: u64, until_ms: u64) -> u32 {
    if until_ms == u64::MAX {
        FOREVER
    } else if until_ms <= now_ms {
        0
    } else {
        let left = (until_ms - now_ms).div_ceil(1000);
        u32::try_from(left).unwrap_or(FOREVER - 1).min(FOREVER - 1)
    }
}
