//! The rules message extensions share, of group messages (see [`super::group`]) and of
//! one-to-one messages (see [`super::c2c_ext`]): pulling a page of pairs and writing
//! (setting, deleting, clearing) them.
//!
//! As the pages say: at most 300 pairs per message, at most 200 writes a minute per message
//! (23003); pulls answer at most 200 pairs sorted by `Seq`, with `CompleteFlag`,
//! `LatestSeq` and `ClearSeq`. Choices: each accepted set, delete or clear is one new `Seq`
//! (the message's `LatestSeq` plus one) given to every pair it writes (two pairs set
//! together share a `Seq`, as the pull samples suggest); a delete removes the pairs
//! (answered with an empty `Value` and the new `Seq`); a clear sets `ClearSeq` to its
//! `Seq`; going over 300 pairs answers 10004 and changes nothing; the write window slides
//! over the last 60 s of the clock, refused writes do not count.
//!
//! Where `Seq`s are checked (one-to-one messages, see [`super::c2c_ext`]), a pair whose
//! given `Seq` is not the key's current one (0 for a key the message does not hold) is
//! answered alone with 23001 and the pair the message holds (`Value` empty and `Seq` 0
//! for none), and is not written; a pair with no `Seq` is not checked. A write whose pairs
//! all conflict changes nothing: no new `Seq`, no callback, it does not count in the
//! window.

use tim_model::ErrorCode;
use tim_model::msg_ext::{MsgExtension, MsgExtensionResult};

use crate::reply::ApiError;
use crate::state::group::MsgExt;

/// 10004 with `info`.
fn invalid(info: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidRequestParameter, info)
}

/// Most pairs of one message.
const MAX_PAIRS: usize = 300;
/// Most pairs per pull.
const PULL_PAGE: usize = 200;
/// Most writes per message per minute.
const WRITES_PER_MINUTE: usize = 200;
const MINUTE_MS: u64 = 60_000;
/// `OperateType`: set, delete, clear.
pub(super) const SET: u8 = 1;
pub(super) const DELETE: u8 = 2;
pub(super) const CLEAR: u8 = 3;

/// One page of a pull: `CompleteFlag`, `LatestSeq`, `ClearSeq` and the pairs whose `Seq`
/// is at least `start`.
pub(super) struct Page {
    pub complete: u8,
    pub latest_seq: u64,
    pub clear_seq: u64,
    pub pairs: Vec<MsgExtension>,
}

/// The pairs of `ext` from `Seq` `start` on, sorted by `Seq` (then key), at most 200.
pub(super) fn pull(ext: &MsgExt, start: u64) -> Page {
    let mut pairs: Vec<(&String, &(String, u64))> =
        ext.pairs.iter().filter(|(_, (_, s))| *s >= start).collect();
    pairs.sort_by_key(|(k, (_, s))| (*s, *k));
    let page: Vec<MsgExtension> = pairs
        .iter()
        .take(PULL_PAGE)
        .map(|(k, (v, s))| with_seq(k, v, *s))
        .collect();
    Page {
        complete: u8::from(page.len() == pairs.len()),
        latest_seq: ext.latest_seq,
        clear_seq: ext.clear_seq,
        pairs: page,
    }
}

fn with_seq(key: &str, value: &str, seq: u64) -> MsgExtension {
    let mut e = MsgExtension::new(key, value);
    e.seq = Some(seq);
    e
}

/// What an accepted write did.
pub(super) struct Written {
    /// The answer for each pair of the request (none after a clear).
    pub results: Vec<MsgExtensionResult>,
    /// The pairs set or deleted (a deleted one with an empty value), with the new `Seq`.
    pub changed: Vec<(String, String)>,
    /// The new `Seq`; `None` when every pair conflicted and nothing was written.
    pub seq: Option<u64>,
    /// What was done: 1 set, 2 delete, 3 clear (any other `OperateType` clears).
    pub operate_type: u8,
}

/// Checks that `ExtensionList` names pairs for a set or a delete (10004). A missing list is
/// refused before, by the spec's `requires` rule; this refuses an empty one.
pub(super) fn require_items(operate_type: u8, items: &[MsgExtension]) -> Result<(), ApiError> {
    if operate_type != CLEAR && items.is_empty() {
        return Err(invalid(
            "ExtensionList names the pairs to set (OperateType 1) or delete (2)",
        ));
    }
    Ok(())
}

/// Applies `operate_type` with `items` to a copy of `current` at `now_ms`; `what` names the
/// message in errors. Returns the new extension (to store) and what was done, or the
/// error (23003, 10004), `current` untouched.
pub(super) fn write(
    current: &MsgExt,
    now_ms: u64,
    operate_type: u8,
    items: &[MsgExtension],
    check_seq: bool,
    what: &str,
) -> Result<(MsgExt, Written), ApiError> {
    let mut ext = current.clone();
    while ext
        .writes
        .front()
        .is_some_and(|&t| now_ms.saturating_sub(t) >= MINUTE_MS)
    {
        ext.writes.pop_front();
    }
    if ext.writes.len() >= WRITES_PER_MINUTE {
        return Err(ApiError::new(
            ErrorCode::MsgExtTooFrequent,
            format!("{what}: its extension is written at most {WRITES_PER_MINUTE} times a minute"),
        ));
    }
    let seq = ext.latest_seq + 1;
    let operate_type = if matches!(operate_type, SET | DELETE) {
        operate_type
    } else {
        CLEAR
    };
    let mut results = Vec::new();
    let mut changed = Vec::new();
    if operate_type == CLEAR {
        ext.pairs.clear();
        ext.clear_seq = seq;
    } else {
        for item in items {
            let held = ext.pairs.get(&item.key);
            let held_seq = held.map_or(0, |(_, s)| *s);
            if check_seq && item.seq.is_some_and(|s| s != held_seq) {
                let value = held.map_or("", |(v, _)| v.as_str());
                let mut r = MsgExtensionResult::new(ErrorCode::MsgExtSeqConflict.code());
                r.extension = Some(with_seq(&item.key, value, held_seq));
                results.push(r);
                continue;
            }
            let value = if operate_type == SET {
                ext.pairs
                    .insert(item.key.clone(), (item.value.clone(), seq));
                item.value.as_str()
            } else {
                ext.pairs.remove(&item.key);
                ""
            };
            let mut r = MsgExtensionResult::new(0);
            r.extension = Some(with_seq(&item.key, value, seq));
            results.push(r);
            changed.push((item.key.clone(), value.to_owned()));
        }
        if ext.pairs.len() > MAX_PAIRS {
            return Err(invalid(format!(
                "the message would hold {} key-value pairs, at most {MAX_PAIRS}",
                ext.pairs.len()
            )));
        }
        if changed.is_empty() {
            // Every pair conflicted: nothing is written.
            let written = Written {
                results,
                changed,
                seq: None,
                operate_type,
            };
            return Ok((current.clone(), written));
        }
    }
    // Every check passed.
    ext.latest_seq = seq;
    ext.writes.push_back(now_ms);
    let written = Written {
        results,
        changed,
        seq: Some(seq),
        operate_type,
    };
    Ok((ext, written))
}
