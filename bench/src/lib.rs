//! Measurement helpers shared by the `tim-bench` benches and binaries: the fixed UserSig
//! inputs every comparison uses, the official packages' committed UserSigs, a
//! minimum-of-repeats timer, the process's peak memory, and the rate arithmetic of a bulk
//! job.
//!
//! The benches (`cargo bench -p tim-bench`) use criterion; the binaries are
//! `usersig_timing` (our generation and verification in ns/op, used by `bench/compare.sh`
//! next to the official Python and npm packages) and `bulk` (a bulk job against the
//! emulator at its real rate limit, with peak memory). `bench/README.md` has the targets and
//! the latest numbers.
//!
//! # Example
//!
//! ```
//! use tim_bench::{ADMIN, EXPIRE_SECS, KEY, SDKAPPID, min_ns_per_op, official_vectors, Official};
//! use tim_usersig::{SecretKey, Signer};
//!
//! let signer = Signer::new(SDKAPPID, SecretKey::new(KEY));
//! let ns = min_ns_per_op(1_000, 3, || {
//!     std::hint::black_box(signer.generate(ADMIN, EXPIRE_SECS).unwrap());
//! });
//! assert!(ns > 0.0);
//!
//! // The official packages' UserSigs verify with our verifier at their issue time.
//! let ours = |v: &&tim_bench::OfficialVector| v.sdkappid == SDKAPPID && v.key == KEY;
//! for v in official_vectors(Official::Python).iter().filter(ours).filter(|v| v.userbuf.is_none()) {
//!     signer.verify(&v.usersig, &v.identifier, None, v.time).unwrap();
//! }
//! ```

#![warn(missing_docs)]

use std::time::{Duration, Instant};

/// The SDKAppID of every comparison (the official packages' README value).
pub const SDKAPPID: u32 = 1_400_000_000;
/// The key of every comparison: the public sample key of the official packages' README.
/// It signs nothing real.
pub const KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
/// The identifier UserSigs are generated for.
pub const ADMIN: &str = "administrator";
/// Validity of generated UserSigs: 180 days, the official packages' default.
pub const EXPIRE_SECS: u64 = 86_400 * 180;

/// Which official package produced a committed UserSig.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Official {
    /// PyPI `tls-sig-api-v2` (zlib level 6).
    Python,
    /// npm `tls-sig-api-v2` (zlib level 6).
    Node,
}

/// One UserSig made by an official package, committed under
/// `crates/tim-usersig/tests/vectors/`.
#[derive(Debug, Clone)]
pub struct OfficialVector {
    /// The case name (`admin_one_day`...).
    pub name: String,
    /// The identifier it was issued to.
    pub identifier: String,
    /// Issue time, Unix seconds.
    pub time: u64,
    /// Validity in seconds.
    pub expire: u64,
    /// The userbuf it carries, if any.
    pub userbuf: Option<Vec<u8>>,
    /// The UserSig (made with [`KEY`] for sdkappid [`SDKAPPID`], except where the vector
    /// says otherwise).
    pub usersig: String,
    /// The SDKAppID it was made for.
    pub sdkappid: u32,
    /// The key it was made with.
    pub key: String,
}

/// The committed UserSigs of an official package, in file order.
///
/// The files are part of the repository; a malformed entry is skipped (the tim-usersig
/// tests check the files themselves).
pub fn official_vectors(which: Official) -> Vec<OfficialVector> {
    let text = match which {
        Official::Python => include_str!("../../crates/tim-usersig/tests/vectors/python.json"),
        Official::Node => include_str!("../../crates/tim-usersig/tests/vectors/node.json"),
    };
    let Ok(root) = serde_json::from_str::<serde_json::Value>(text) else {
        return Vec::new();
    };
    let Some(vectors) = root["vectors"].as_array() else {
        return Vec::new();
    };
    vectors.iter().filter_map(parse_vector).collect()
}

fn parse_vector(v: &serde_json::Value) -> Option<OfficialVector> {
    let userbuf = match v.get("userbuf_hex") {
        None => None,
        Some(h) => Some(hex_decode(h.as_str()?)?),
    };
    Some(OfficialVector {
        name: v["name"].as_str()?.to_owned(),
        identifier: v["identifier"].as_str()?.to_owned(),
        time: v["time"].as_u64()?,
        expire: v["expire"].as_u64()?,
        userbuf,
        usersig: v["usersig"].as_str()?.to_owned(),
        sdkappid: u32::try_from(v["sdkappid"].as_u64()?).ok()?,
        key: v["key"].as_str()?.to_owned(),
    })
}

fn hex_decode(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The official vector `name` of `which` (e.g. `admin_one_day`), if committed.
pub fn official_vector(which: Official, name: &str) -> Option<OfficialVector> {
    official_vectors(which).into_iter().find(|v| v.name == name)
}

/// Runs `op` `iters` times per repeat, `repeats` times (after one untimed warm-up repeat),
/// and returns the fastest repeat's time per call, in nanoseconds. The minimum is the
/// estimate least disturbed by other work on the machine.
///
/// `iters` and `repeats` of 0 count as 1.
pub fn min_ns_per_op(iters: u64, repeats: u32, mut op: impl FnMut()) -> f64 {
    let iters = iters.max(1);
    let mut best = Duration::MAX;
    for round in 0..=repeats.max(1) {
        let start = Instant::now();
        for _ in 0..iters {
            op();
        }
        let took = start.elapsed();
        if round > 0 {
            best = best.min(took);
        }
    }
    best.as_nanos() as f64 / iters as f64
}

/// The `VmHWM` line (peak resident set size) of a `/proc/<pid>/status` text, in KiB.
pub fn parse_vm_hwm(status: &str) -> Option<u64> {
    status.lines().find_map(|line| {
        let rest = line.strip_prefix("VmHWM:")?;
        let mut words = rest.split_whitespace();
        let value = words.next()?.parse().ok()?;
        matches!(words.next(), Some("kB")).then_some(value)
    })
}

/// This process's peak resident set size in KiB (`VmHWM` of `/proc/self/status`), or
/// `None` where that file does not exist (not Linux).
pub fn peak_rss_kib() -> Option<u64> {
    parse_vm_hwm(&std::fs::read_to_string("/proc/self/status").ok()?)
}

/// The shortest time `calls` calls can take under a limit of `per_second` calls in any
/// one-second window, when every call is instantaneous and the first starts at 0: the
/// start of the last call, `(ceil(calls / per_second) - 1)` seconds. 200 calls at 100/s:
/// 1 s (100 at once, then 100 one second later).
///
/// `per_second` of 0 counts as 1.
pub fn window_floor(calls: u64, per_second: u32) -> Duration {
    let per = u64::from(per_second.max(1));
    Duration::from_secs(calls.div_ceil(per).saturating_sub(1))
}

/// The shortest time `calls` calls can take at a steady `per_second` calls per second
/// (one call every `1/per_second` s): `calls / per_second` seconds. 200 calls at 100/s: 2 s.
///
/// `per_second` of 0 counts as 1.
pub fn steady_floor(calls: u64, per_second: u32) -> Duration {
    Duration::from_secs_f64(calls as f64 / f64::from(per_second.max(1)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tim_usersig::{SecretKey, Signer};

    #[test]
    fn vm_hwm_is_read_in_kib() {
        let status = "Name:\tbulk\nVmPeak:\t  20000 kB\nVmHWM:\t    4321 kB\nVmRSS:\t 4000 kB\n";
        assert_eq!(parse_vm_hwm(status), Some(4321));
        assert_eq!(parse_vm_hwm("VmRSS:\t 4000 kB\n"), None);
        assert_eq!(parse_vm_hwm("VmHWM:\t many kB\n"), None);
        assert_eq!(parse_vm_hwm("VmHWM:\t 12 MB\n"), None);
    }

    #[test]
    fn peak_rss_is_positive_on_linux() {
        if std::path::Path::new("/proc/self/status").exists() {
            assert!(peak_rss_kib().is_some_and(|k| k > 0));
        }
    }

    #[test]
    fn floors_of_a_limit() {
        assert_eq!(window_floor(200, 100), Duration::from_secs(1));
        assert_eq!(window_floor(201, 100), Duration::from_secs(2));
        assert_eq!(window_floor(100, 100), Duration::ZERO);
        assert_eq!(window_floor(0, 100), Duration::ZERO);
        assert_eq!(window_floor(3, 0), Duration::from_secs(2));
        assert_eq!(steady_floor(200, 100), Duration::from_secs(2));
        assert_eq!(steady_floor(2000, 100), Duration::from_secs(20));
        assert_eq!(steady_floor(5, 0), Duration::from_secs(5));
    }

    #[test]
    fn timer_counts_every_call_of_a_repeat() {
        let mut calls = 0u64;
        let ns = min_ns_per_op(10, 3, || calls += 1);
        // One warm-up repeat plus three timed ones.
        assert_eq!(calls, 40);
        assert!(ns >= 0.0);
        let mut calls = 0u64;
        min_ns_per_op(0, 0, || calls += 1);
        assert_eq!(calls, 2);
    }

    #[test]
    fn official_vectors_are_loaded_and_verify() {
        for which in [Official::Python, Official::Node] {
            let vectors = official_vectors(which);
            assert!(vectors.len() >= 10, "{which:?}: {} vectors", vectors.len());
            let admin = official_vector(which, "admin_one_day").expect("admin_one_day");
            assert_eq!((admin.identifier.as_str(), admin.expire), (ADMIN, 86_400));
            for v in &vectors {
                let signer = Signer::new(v.sdkappid, SecretKey::new(v.key.clone()));
                let doc = signer
                    .verify(&v.usersig, &v.identifier, v.userbuf.as_deref(), v.time)
                    .unwrap_or_else(|e| panic!("{which:?} {}: {e}", v.name));
                assert_eq!(doc.expire, v.expire, "{}", v.name);
            }
        }
    }

    #[test]
    fn hex_is_decoded_strictly() {
        assert_eq!(hex_decode("616263"), Some(b"abc".to_vec()));
        assert_eq!(hex_decode(""), Some(Vec::new()));
        assert_eq!(hex_decode("6"), None);
        assert_eq!(hex_decode("zz"), None);
    }
}
