//! A small, fast, thread-safe pseudo-random source for the `random` query parameter and for
//! retry jitter.
//!
//! The service only needs `random` to differ between calls (it is a request nonce, not a
//! secret), so a SplitMix64 sequence over one shared atomic counter is enough: every call
//! takes the next counter value (one `fetch_add`, no lock) and mixes it. The starting point
//! comes from [`std::collections::hash_map::RandomState`], which the standard library seeds
//! from the operating system, so two processes do not produce the same sequence. No extra
//! dependency is needed.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The SplitMix64 increment (the odd constant nearest to 2^64 / golden ratio).
const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// A lock-free SplitMix64 generator; shared by all clones of a client.
#[derive(Debug)]
pub(crate) struct Random {
    state: AtomicU64,
}

impl Random {
    /// A generator seeded from the standard library's per-process random state.
    pub(crate) fn from_entropy() -> Random {
        let seed = RandomState::new().hash_one(0x7469_6d5f_7365_6564_u64);
        Random {
            state: AtomicU64::new(seed),
        }
    }

    /// The next 64 random bits.
    pub(crate) fn next_u64(&self) -> u64 {
        let z = self
            .state
            .fetch_add(GAMMA, Ordering::Relaxed)
            .wrapping_add(GAMMA);
        mix(z)
    }

    /// A fresh value for the `random` query parameter (the full `u32` range).
    pub(crate) fn next_u32(&self) -> u32 {
        (self.next_u64() >> 32) as u32
    }

    /// A duration drawn uniformly from `0..=max` (full jitter).
    pub(crate) fn duration_up_to(&self, max: Duration) -> Duration {
        let nanos = max.as_nanos().min(u128::from(u64::MAX)) as u64;
        if nanos == 0 {
            return Duration::ZERO;
        }
        // Multiply-shift maps 64 random bits onto 0..=nanos without a modulo bias worth
        // mentioning at these magnitudes.
        let r = ((u128::from(self.next_u64()) * (u128::from(nanos) + 1)) >> 64) as u64;
        Duration::from_nanos(r)
    }
}

/// The SplitMix64 output function.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn values_differ_between_calls() {
        let r = Random::from_entropy();
        let seen: HashSet<u32> = (0..10_000).map(|_| r.next_u32()).collect();
        // 10 000 draws from 2^32 values: a collision or two is possible, many are not.
        assert!(seen.len() > 9_990, "{} distinct values", seen.len());
    }

    #[test]
    fn high_bits_are_used() {
        let r = Random::from_entropy();
        assert!((0..1000).any(|_| r.next_u32() > u32::MAX / 2));
        assert!((0..1000).any(|_| r.next_u32() < u32::MAX / 2));
    }

    #[test]
    fn jitter_stays_within_bounds() {
        let r = Random::from_entropy();
        let max = Duration::from_millis(250);
        for _ in 0..1000 {
            assert!(r.duration_up_to(max) <= max);
        }
        assert_eq!(r.duration_up_to(Duration::ZERO), Duration::ZERO);
        assert!((0..1000).any(|_| r.duration_up_to(max) > max / 2));
    }

    #[test]
    fn two_generators_start_apart() {
        let a = Random::from_entropy();
        let b = Random::from_entropy();
        let xs: Vec<u64> = (0..4).map(|_| a.next_u64()).collect();
        let ys: Vec<u64> = (0..4).map(|_| b.next_u64()).collect();
        assert_ne!(xs, ys);
    }
}
