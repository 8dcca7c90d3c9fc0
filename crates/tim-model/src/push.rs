//! Hand-written conveniences for `im_push` that the spec cannot express: minting the
//! `MsgRandom` idempotency key, and the common "text message" request.
//!
//! `MsgRandom` identifies one logical push: the service treats two pushes with the same value
//! within its deduplication window as the same task. So mint one with [`new_msg_random`] per
//! logical push, keep it with the request, and resend the same request (same `MsgRandom`)
//! when retrying; a new value would risk pushing twice.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::all_member_push::PushRequest;
use crate::common::{MsgElement, TextElem};

/// Distinguishes the values hashed by [`new_msg_random`] within the process.
static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A fresh `MsgRandom` (the full `u32` range) for a new logical push.
///
/// ```
/// let a = tim_model::new_msg_random();
/// let b = tim_model::new_msg_random();
/// assert_ne!(a, b);
/// ```
pub fn new_msg_random() -> u32 {
    // `RandomState` is seeded from the operating system once per thread (and varied per
    // instance), so two processes or threads do not produce the same sequence; the counter
    // makes consecutive values of one thread differ.
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let h = RandomState::new().hash_one(n);
    (h >> 32) as u32 ^ h as u32
}

impl PushRequest {
    /// A push of one text message to every user, with a fresh `MsgRandom`. Set
    /// [`condition`](PushRequest::condition), [`msg_life_time`](PushRequest::msg_life_time)
    /// or the other fields to narrow or change it.
    ///
    /// ```
    /// use tim_model::all_member_push::{Condition, PushRequest};
    /// use tim_model::common::MsgElement;
    ///
    /// let mut push = PushRequest::text("maintenance at 02:00");
    /// push.condition = Some(Condition { tags_or: Some(vec!["ops".into()]), ..Default::default() });
    /// assert!(matches!(&push.msg_body[0], MsgElement::Text(t) if t.text == "maintenance at 02:00"));
    /// ```
    pub fn text(text: impl Into<String>) -> PushRequest {
        PushRequest::new(
            new_msg_random(),
            vec![MsgElement::Text(TextElem { text: text.into() })],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn msg_randoms_do_not_repeat_in_practice() {
        let seen: HashSet<u32> = (0..10_000).map(|_| new_msg_random()).collect();
        assert!(seen.len() > 9_990, "{} distinct values", seen.len());
    }

    #[test]
    fn text_push_goes_to_everyone_with_its_own_key() {
        let a = PushRequest::text("hi");
        let b = PushRequest::text("hi");
        assert!(a.condition.is_none());
        assert_ne!(a.msg_random, b.msg_random);
        let json = serde_json::to_value(&a).unwrap();
        assert_eq!(
            json["MsgBody"],
            serde_json::json!([{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi"}}])
        );
    }
}
