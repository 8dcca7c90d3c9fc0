//! Fresh random values for idempotency keys such as `MsgRandom` (the spec's
//! `"default": "random"` fields draw one in their generated `Default`).

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};

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
