//! [`Config`]: everything an emulator is started with (app identity, limits that tests want
//! to bend, clock, initial accounts and faults).

use std::sync::Arc;
use std::time::Duration;

use tim_usersig::SecretKey;

use crate::clock::{Clock, SystemClock};
use crate::fault::FaultRule;

/// The admin identifier used when none is given, as in the official samples.
pub const DEFAULT_ADMIN: &str = "administrator";

/// How long a `MsgRandom` keeps naming the same push task by default: 1 s.
///
/// The current im_push page says `MsgRandom` deduplicates "within the same second" (the 2021
/// page's 7-day wording was removed in 2022). The emulator follows the current page, so a
/// program tested against it meets the same hazard as against the service: a repeat after
/// more than a second is a second push. (That is why the client never retries im_push
/// unless the request provably never left.) [`Config::msg_random_window`] sets another.
pub const DEFAULT_MSG_RANDOM_WINDOW: Duration = Duration::from_secs(1);

/// Settings of one emulator. Built with [`Config::new`] and the chained setters.
///
/// The key is a [`SecretKey`]: `Debug` never shows it.
#[derive(Debug, Clone)]
pub struct Config {
    pub(crate) sdkappid: u32,
    pub(crate) key: SecretKey,
    pub(crate) admin: String,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) push_min_interval: Option<Duration>,
    pub(crate) daily_push_quota: Option<u32>,
    pub(crate) per_second_limit: Option<u32>,
    pub(crate) rate_limit_code: Option<i64>,
    pub(crate) msg_random_window: Duration,
    pub(crate) push_enabled: bool,
    pub(crate) accounts: Vec<String>,
    pub(crate) faults: Vec<FaultRule>,
    pub(crate) max_connections: usize,
    pub(crate) idle_timeout: Duration,
    pub(crate) conformance_only: bool,
    pub(crate) callbacks: Option<crate::webhook::CallbackConfig>,
}

/// Most connections the emulator serves at once by default; more are closed as they arrive.
pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;

/// Longest silence on a connection by default (waiting for a request, or inside its head or
/// body) before the emulator closes it.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(30);

impl Config {
    /// An app `sdkappid` whose UserSigs are signed with `key`; everything else at its default:
    /// admin [`DEFAULT_ADMIN`], the system clock, the spec's rate limits
    /// (100 calls/s per endpoint; im_push more than 1 s apart and 100 per day), `MsgRandom`
    /// window [`DEFAULT_MSG_RANDOM_WINDOW`], push-to-all enabled, no accounts, no faults.
    pub fn new(sdkappid: u32, key: SecretKey) -> Self {
        Config {
            sdkappid,
            key,
            admin: DEFAULT_ADMIN.to_owned(),
            clock: Arc::new(SystemClock),
            push_min_interval: None,
            daily_push_quota: None,
            per_second_limit: None,
            rate_limit_code: None,
            msg_random_window: DEFAULT_MSG_RANDOM_WINDOW,
            push_enabled: true,
            accounts: Vec::new(),
            max_connections: DEFAULT_MAX_CONNECTIONS,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            faults: Vec::new(),
            conformance_only: false,
            callbacks: None,
        }
    }

    /// Every endpoint answers its conformance default and no state is kept: the query
    /// string, the body's shape and the spec's limits are checked with the spec's codes, the
    /// spec's rate limits apply, and a valid call gets the doc sample's response. For tests
    /// of request shapes that should not have to import the accounts or send the messages a
    /// request refers to (the workspace's own limits test uses it). Default: off, the
    /// stateful families answer (see the crate docs).
    pub fn conformance_only(mut self) -> Self {
        self.conformance_only = true;
        self
    }

    /// Sends callbacks (webhooks) to the app's server as the service does: see
    /// [`CallbackConfig`](crate::CallbackConfig) and the `webhook` module's docs. Default:
    /// none (as when the console has no callback URL).
    pub fn callbacks(mut self, callbacks: crate::CallbackConfig) -> Self {
        self.callbacks = Some(callbacks);
        self
    }

    /// The app admin account: the only `identifier` allowed to call (others get 90009).
    pub fn admin(mut self, identifier: impl Into<String>) -> Self {
        self.admin = identifier.into();
        self
    }

    /// The clock used for UserSig expiry, rate-limit windows, the push interval, the daily
    /// quota and `MsgRandom` deduplication. See [`crate::ManualClock`].
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Pushes must be more than this apart (default: the spec's `min_interval_ms`, 1 s).
    pub fn push_min_interval(mut self, interval: Duration) -> Self {
        self.push_min_interval = Some(interval);
        self
    }

    /// Pushes allowed per day (default: the spec's `per_day`, 100). Days start at 00:00
    /// China Standard Time (UTC+8), where the service runs.
    pub fn daily_push_quota(mut self, quota: u32) -> Self {
        self.daily_push_quota = Some(quota);
        self
    }

    /// Overrides the calls allowed per second for every endpoint that has a per-second
    /// limit in the spec (default: the spec's value, 100).
    pub fn per_second_limit(mut self, calls: u32) -> Self {
        self.per_second_limit = Some(calls);
        self
    }

    /// The code answered when a per-second limit is broken (default: the spec's code for the
    /// endpoint, 90024 for `all_member_push`).
    pub fn rate_limit_code(mut self, code: i64) -> Self {
        self.rate_limit_code = Some(code);
        self
    }

    /// How long a `MsgRandom` keeps naming the same push task (default
    /// [`DEFAULT_MSG_RANDOM_WINDOW`]). A push with a `MsgRandom` seen within the window is
    /// answered with the first push's `TaskId` and pushes nothing.
    pub fn msg_random_window(mut self, window: Duration) -> Self {
        self.msg_random_window = window;
        self
    }

    /// Whether push-to-all is enabled for the app (default true); when not, im_push answers
    /// 90045 as the service does before the feature is approved.
    pub fn push_enabled(mut self, enabled: bool) -> Self {
        self.push_enabled = enabled;
        self
    }

    /// Accounts that exist from the start (as if imported), so pushes can reach them.
    pub fn accounts<I, S>(mut self, accounts: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.accounts.extend(accounts.into_iter().map(Into::into));
        self
    }

    /// A fault armed from the start (see [`crate::Faults::inject`]).
    pub fn fault(mut self, rule: FaultRule) -> Self {
        self.faults.push(rule);
        self
    }

    /// Most connections served at once (default [`DEFAULT_MAX_CONNECTIONS`]): more are
    /// closed as they arrive, so idle connections cannot starve real ones.
    pub fn max_connections(mut self, n: usize) -> Self {
        self.max_connections = n.max(1);
        self
    }

    /// Longest silence on a connection before it is closed (default
    /// [`DEFAULT_IDLE_TIMEOUT`]).
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = timeout;
        self
    }

    /// The app's SDKAppID.
    pub fn sdkappid(&self) -> u32 {
        self.sdkappid
    }

    /// The admin identifier.
    pub fn admin_identifier(&self) -> &str {
        &self.admin
    }
}
