//! The app-operations state: global mutes (`openconfigsvr`), chatbots
//! (`openim_robot_http_svc`), the moderation keyword lists (`im_msg_audit_mgr`) and the
//! scheduled push tasks (`timpush`).

use std::collections::BTreeMap;

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
    /// Its `TaskID`, from 1.
    pub id: u64,
    /// When it was created (ms, emulator clock).
    pub created_ms: u64,
    /// When it runs (UNIX s, UTC).
    pub sched_at: u64,
    /// `All`, `Tag` or `User`.
    pub task_type: String,
    /// What it pushes.
    pub content: tim_model::timpush::SchedTaskContent,
    /// The push's random number.
    pub msg_random: u32,
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
    /// Scheduled push tasks, in creation order (deleted ones are gone).
    pub sched_tasks: Vec<SchedTask>,
    /// How many scheduled tasks were ever created (their IDs).
    pub sched_tasks_created: u64,
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

/// `YYYY-MM-DD HH:MM:SS` (UTC) of a time in UNIX seconds.
pub(crate) fn utc_datetime(secs: u64) -> String {
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Howard Hinnant's civil-from-days, for days since 1970-01-01.
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// The UNIX seconds of `YYYY-MM-DD HH:MM:SS` (UTC, from 1970); `None` when malformed or
/// not a real date and time.
pub(crate) fn parse_utc_datetime(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    if b.len() != 19
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b' '
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let num = |from: usize, to: usize| -> Option<u64> {
        let part = s.get(from..to)?;
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let (year, month, day) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (hour, minute, second) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    if year < 1970 || !(1..=12).contains(&month) || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if day == 0 || day > month_days[(month - 1) as usize] {
        return None;
    }
    // Days from civil (Howard Hinnant).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hour * 3600 + minute * 60 + second)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetimes_round_trip() {
        for secs in [0, 951_782_400, 1_700_000_000, 4_102_444_799] {
            assert_eq!(parse_utc_datetime(&utc_datetime(secs)), Some(secs));
        }
        assert_eq!(utc_datetime(1_700_000_000), "2023-11-14 22:13:20");
        assert_eq!(
            parse_utc_datetime("2024-02-29 00:00:00"),
            Some(1_709_164_800)
        );
        for bad in [
            "2023-02-29 00:00:00",
            "2023-13-01 00:00:00",
            "2023-1-01 00:00:00",
            "x",
            "2023-01-01T00:00:00",
        ] {
            assert_eq!(parse_utc_datetime(bad), None, "{bad}");
        }
    }
}
