//! A local, in-memory emulator of the Tencent Cloud Chat server REST API, over real HTTP.
//!
//! It serves every endpoint of `spec/` the way the official docs describe them: the query
//! string (`sdkappid`, `identifier`, `usersig`, `random`, `contenttype`) is checked and the
//! UserSig verified with `tim-usersig`; bodies are decoded into the request types generated
//! from `spec/` and checked with their generated `Validate`, so the emulator enforces
//! exactly the spec's limits with the spec's error codes; rate limits and the endpoint list
//! come from the spec's endpoint metadata (`tim_model::endpoints`). Accounts, one-to-one
//! messages, profiles, the relationship chain, follows, conversation lists, groups (members,
//! mutes, group messages, read receipts, attributes, counters, audio-video groups' online
//! members, bans and admins), all-member push, global mutes, official accounts, chatbots,
//! moderation keyword lists with on-demand moderation, and timpush scheduled tasks keep
//! state ([`is_stateful`] says which endpoints); every other endpoint answers its
//! conformance default (the doc sample's response), and [`Config::conformance_only`] makes
//! every endpoint do so.
//! Answers use the documented envelope (`ActionStatus`, `ErrorCode`, `ErrorInfo`, HTTP 200,
//! `Content-Type: application/json`).
//!
//! With [`Config::callbacks`] it sends the callbacks (webhooks) of the events it emulates to
//! the app's server, signed, and honours the answers of before-callbacks (a refused message
//! is not delivered; a modified one is delivered modified): [`FIRED_CALLBACKS`] lists them,
//! the `webhook` module's docs say how; [`CallbackReceiver`] is a ready server for the app's
//! side in tests.
//!
//! Use it for offline development, demos and tests: start it on an ephemeral loopback port,
//! point a client at [`Emulator::base_url`], look at what happened through
//! [`Emulator::state`], break things through [`Emulator::faults`], and stop it.
//!
//! # Example
//!
//! ```
//! use tim_emulator::{Config, Emulator};
//! use tim_usersig::{SecretKey, Signer};
//!
//! let key = "0123456789abcdef0123456789abcdef";
//! let emulator = Emulator::start(Config::new(1400000000, SecretKey::new(key)))?;
//!
//! let usersig = Signer::new(1400000000, SecretKey::new(key)).generate("administrator", 3600)?;
//! let url = format!(
//!     "{}/v4/all_member_push/im_add_tag?sdkappid=1400000000&identifier=administrator&usersig={}&random=7&contenttype=json",
//!     emulator.base_url(),
//!     usersig.as_str(),
//! );
//! let body: serde_json::Value = ureq::post(&url)
//!     .send_json(serde_json::json!({"UserTags": [{"To_Account": "alice", "Tags": ["vip"]}]}))?
//!     .body_mut()
//!     .read_json()?;
//! assert_eq!(body["ActionStatus"], "OK");
//! assert_eq!(body["ErrorCode"], 0);
//! assert_eq!(emulator.state().tags_of("alice"), ["vip"]);
//!
//! emulator.stop();
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Behaviour where the docs are silent
//!
//! - Query-string checks and their codes: see "Query string" below.
//! - A method other than POST gets 60002; an unknown path gets 60009 (requested resource
//!   error), both with HTTP 200.
//! - Body limits the spec gives no code for, and bodies that are not the documented shape,
//!   get 90001 with an `ErrorInfo` naming the field, the limit and the value.
//! - Per-second limits use fixed windows of one clock second per endpoint; refused calls do
//!   not use up the window. The code is the spec's (90024), see [`Config::rate_limit_code`].
//! - Tags: at most 100 per user; an add that would go over is refused whole with 90032.
//! - `MsgRandom`: a repeat within [`DEFAULT_MSG_RANDOM_WINDOW`] (1 s, the current im_push
//!   page's "within a second") is the same push task; a later one is a new push.
//! - Push recipients are the known accounts (imported, or given tags or attributes) that match
//!   the condition at push time. Details in [`PushTarget`].
//! - Faults never change state, except [`Fault::Delay`], which serves the call and delays
//!   the answer.
//!
//! # Query string
//!
//! Checked in this order after routing; the first failure is answered:
//!
//! | check | code |
//! |---|---|
//! | `sdkappid` missing or empty | 60012 (SDKAppID missing from the URL) |
//! | `sdkappid` not a 32-bit unsigned integer, or not this emulator's app | 60006 (SDKAppID invalid) |
//! | `identifier` missing or empty | 60004 (account or UserSig wrong in the URL) |
//! | `usersig` missing or empty | 70002 (UserSig is empty) |
//! | UserSig not decodable | 70003 (UserSig invalid) |
//! | UserSig made for another app | 70014 (SDKAppID mismatch) |
//! | UserSig made for another identifier | 70013 (identifier mismatch) |
//! | UserSig expired | 70001 |
//! | UserSig not signed with the app key | 70009 (verification failed) |
//! | `random` missing or not in 0..=4294967295 | 60002 (HTTP parse error: URL format) |
//! | `contenttype` missing or not `json` | 60002 |
//! | `identifier` is not the app admin | 90009 (admin needed) |
//!
//! 90009 rather than the generic 60010: every `all_member_push` page lists 90009 as "needs
//! App admin permission", and it is the code the spec attaches to these endpoints; 60010 is
//! the REST-wide table's code for the same condition. Parameter values are percent-decoded;
//! `+` is kept as is (encode a space as `%20`).
//!
//! # HTTP
//!
//! The emulator serves HTTP/1.1 itself, on `std::net`: an accept thread and one thread per
//! connection, so any number of concurrent connections are served at once and a delayed
//! answer holds only its own connection. [`Emulator::stop`] closes the listener and every
//! live connection, idle keep-alive ones included, and joins the threads.
//!
//! - Keep-alive as HTTP/1.1 defines it: connections stay open unless the request says
//!   `Connection: close`; HTTP/1.0 connections close unless the request says
//!   `Connection: keep-alive`. Pipelined requests are answered in order.
//! - Bodies framed by `Content-Length` or `Transfer-Encoding: chunked`; `Expect:
//!   100-continue` is honoured. Every answer has a `Content-Length`.
//! - Limits: the request line and headers at most 8 KiB, the body at most 1 MiB (every
//!   valid request of the API is far smaller).
//! - A request that breaks HTTP or those limits is not a call: it is not counted, it gets an
//!   HTTP error status (400 malformed, 413 body too large, 431 head too large, 501 transfer
//!   coding other than chunked, 505 HTTP version other than 1.0/1.1) with the envelope, code
//!   60002 (HTTP parse error) and an `ErrorInfo` naming what was wrong, and the connection is
//!   closed. Other connections are not affected.
//! - [`Fault::CloseConnection`] shuts the connection down without answering.
//!
//! # Crate organization
//!
//! - [`Emulator`], [`serve`]: start, address, inspect, stop; the blocking server for the CLI.
//! - [`Config`]: app identity, admin, clock, limits, initial accounts and faults.
//! - [`EmulatorState`], [`PushRecord`], [`PushTarget`], [`GroupNotification`],
//!   [`GroupBroadcast`], [`CallCounts`], [`EndpointCounts`]: inspection;
//!   [`Emulator::join_live_group`] (with [`LiveJoinError`]) and
//!   [`Emulator::leave_live_group`] stand in for clients joining audio-video groups.
//! - [`Faults`], [`FaultRule`], [`Fault`]: fault injection.
//! - [`Clock`], [`SystemClock`], [`ManualClock`]: time.
//!
//! # Secrets
//!
//! The app key is a `tim_usersig::SecretKey` and never appears in `Debug`; UserSigs are
//! never logged (logs name the path, never the query string).

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod auth;
mod call;
mod clock;
mod config;
mod error;
mod fault;
#[rustfmt::skip]
mod generated;
mod handlers;
mod http;
mod receiver;
mod reply;
pub mod scripted;
mod server;
mod service;
mod state;
mod webhook;

pub use clock::{Clock, ManualClock, SystemClock};
pub use config::{
    Config, DEFAULT_ADMIN, DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_CONNECTIONS, DEFAULT_MSG_RANDOM_WINDOW,
};
pub use error::Error;
pub use fault::{Fault, FaultRule, Faults};
pub use receiver::CallbackReceiver;
pub use server::{Emulator, serve};
pub use webhook::{CallbackConfig, CallbackUrlError, FIRED_CALLBACKS, SentCallback};

/// Whether the emulator answers `endpoint` (a path `v4/{service}/{command}`, or
/// `{service}/{command}`) with state of its own (imported accounts, stored messages...),
/// rather than with the conformance default every endpoint has (the spec's checks, then the
/// doc sample's answer). See each family's module docs for what it keeps.
pub fn is_stateful(endpoint: &str) -> bool {
    let path = endpoint.trim_start_matches('/').trim_start_matches("v4/");
    let Some((service, command)) = path.split_once('/') else {
        return false;
    };
    handlers::STATEFUL
        .iter()
        .any(|(s, commands)| *s == service && commands.is_none_or(|c| c.contains(&command)))
}
pub use state::group::{GroupBroadcast, GroupNotification, LiveJoinError};
pub use state::{CallCounts, EmulatorState, EndpointCounts, PushRecord, PushTarget};
