//! Shared harness of the end-to-end tests: an emulator on loopback and clients pointed at it.
#![allow(dead_code)]

use std::time::Duration;

use tim_client::{Client, ClientBuilder, RetryPolicy, SecretKey};
use tim_emulator::{Config, Emulator, ManualClock};
use tim_usersig::Signer;

pub const APP: u32 = 1_400_000_000;
pub const KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
pub const ADMIN: &str = "administrator";

pub fn config() -> Config {
    Config::new(APP, SecretKey::new(KEY))
}

/// An emulator on the system clock (real rate-limit windows).
pub fn emulator() -> Emulator {
    Emulator::start(config()).expect("emulator starts")
}

/// An emulator on a manual clock standing at the current time (frozen until advanced).
pub fn emulator_frozen(f: impl FnOnce(Config) -> Config) -> (Emulator, ManualClock) {
    let clock = ManualClock::now();
    let emu = Emulator::start(f(config().clock(clock.clone()))).expect("emulator starts");
    (emu, clock)
}

/// A builder for a client of `emu`, with quick retries (5 ms then up to 20 ms backoff, the
/// standard 3 attempts) so failure paths stay fast.
pub fn builder(emu: &Emulator) -> ClientBuilder {
    Client::builder(APP)
        .secret_key(SecretKey::new(KEY))
        .base_url(emu.base_url())
        .allow_insecure_http(true)
        .retry_policy(quick_retries())
}

/// Per-attempt timeout of the clients that meet [`SLOW_ANSWER`]s: far above a loopback
/// answer even on a loaded machine, far below the slow answer.
pub const SHORT_TIMEOUT: Duration = Duration::from_millis(500);

/// Delay of the answers meant to time out.
pub const SLOW_ANSWER: Duration = Duration::from_millis(1_500);

pub fn quick_retries() -> RetryPolicy {
    RetryPolicy::standard()
        .with_initial_backoff(Duration::from_millis(5))
        .with_max_backoff(Duration::from_millis(20))
}

pub fn client(emu: &Emulator) -> Client {
    builder(emu).build().expect("client builds")
}

pub fn signer() -> Signer {
    Signer::new(APP, SecretKey::new(KEY))
}

pub fn accounts(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}{i}")).collect()
}
