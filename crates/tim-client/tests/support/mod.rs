//! Test support: a loopback HTTP server that records what it receives and answers with a
//! scripted handler, plus hand-made request types with chosen endpoint metadata.

#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tim_client::endpoint::{Endpoint, RateLimit, Request, RetrySafety};
use tim_client::validate::{self, FieldPath, Validate, ValidationError};
use tim_emulator::scripted::{Received, Scripted, ScriptedServer};

pub const SDKAPPID: u32 = 1_400_000_001;
pub const KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub peer: Option<SocketAddr>,
    pub at: Instant,
}

impl Seen {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("request body is JSON")
    }
}

/// What the server answers.
pub struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
    pub content_type: &'static str,
    pub delay: Duration,
}

impl Reply {
    pub fn json(v: serde_json::Value) -> Reply {
        Reply {
            status: 200,
            body: serde_json::to_vec(&v).unwrap(),
            content_type: "application/json",
            delay: Duration::ZERO,
        }
    }
    pub fn ok() -> Reply {
        Reply::json(serde_json::json!({"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": ""}))
    }
    pub fn fail(code: i64, info: &str) -> Reply {
        Reply::json(
            serde_json::json!({"ActionStatus": "FAIL", "ErrorCode": code, "ErrorInfo": info}),
        )
    }
    pub fn status(status: u16, body: &str, content_type: &'static str) -> Reply {
        Reply {
            status,
            body: body.as_bytes().to_vec(),
            content_type,
            delay: Duration::ZERO,
        }
    }
    pub fn delayed(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }
}

type Handler = dyn Fn(usize, &Seen) -> Reply + Send + Sync;

/// A loopback server (the emulator's scripted server: its own HTTP layer) that records
/// what it receives.
pub struct Server {
    pub addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
    _scripted: ScriptedServer,
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).expect("valid percent escape"));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("UTF-8 after percent-decoding")
}

impl Server {
    /// Starts a server answering request `n` (0-based, in arrival order) with `handler`.
    pub fn start(handler: impl Fn(usize, &Seen) -> Reply + Send + Sync + 'static) -> Server {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let log = seen.clone();
        let scripted = ScriptedServer::start(move |rq: &Received| {
            let (path, query) = rq.target.split_once('?').unwrap_or((&rq.target, ""));
            let query = query
                .split('&')
                .filter(|p| !p.is_empty())
                .map(|p| {
                    let (k, v) = p.split_once('=').unwrap_or((p, ""));
                    (decode(k), decode(v))
                })
                .collect();
            let s = Seen {
                method: rq.method.clone(),
                path: path.to_owned(),
                query,
                headers: rq.headers.clone(),
                body: rq.body.clone(),
                peer: Some(rq.peer),
                at: rq.at,
            };
            let n = {
                let mut seen = log.lock().unwrap();
                seen.push(s.clone());
                seen.len() - 1
            };
            let reply = handler(n, &s);
            Scripted {
                status: reply.status,
                content_type: reply.content_type,
                body: reply.body,
                delay: reply.delay,
            }
        })
        .expect("start the scripted server");
        Server {
            addr: scripted.addr(),
            seen,
            _scripted: scripted,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn seen(&self) -> Vec<Seen> {
        let mut v = self.seen.lock().unwrap().clone();
        v.sort_by_key(|s| s.at);
        v
    }
}

/// A client pointed at a loopback port nobody listens on (connections are refused), with a
/// 1 ms initial backoff so its retries are quick.
pub fn refused_client() -> tim_client::Client {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    tim_client::Client::builder(SDKAPPID)
        .secret_key(tim_client::SecretKey::new(KEY))
        .base_url(format!("http://127.0.0.1:{port}"))
        .allow_insecure_http(true)
        .retry_policy(
            tim_client::RetryPolicy::standard().with_initial_backoff(Duration::from_millis(1)),
        )
        .build()
        .unwrap()
}

/// A client builder for `server` with the secret key, plain HTTP allowed and fast retries.
pub fn builder(server: &Server) -> tim_client::ClientBuilder {
    tim_client::Client::builder(SDKAPPID)
        .secret_key(tim_client::SecretKey::new(KEY))
        .admin("administrator")
        .base_url(server.url())
        .allow_insecure_http(true)
        .retry_policy(
            tim_client::RetryPolicy::standard()
                .with_initial_backoff(Duration::from_millis(5))
                .with_max_backoff(Duration::from_millis(20)),
        )
}

const fn endpoint(
    command: &'static str,
    path: &'static str,
    rate_limit: RateLimit,
    retry: RetrySafety,
) -> Endpoint {
    Endpoint {
        service: "test_service",
        module: "test_service",
        command,
        path,
        method: command,
        title: "test endpoint",
        doc_url: "",
        rate_limit,
        retry,
        batch: None,
        errors: &[],
        bad_body_error: 60003,
        rate_limit_error: 60007,
    }
}

const PER_SECOND_100: RateLimit = RateLimit {
    per_second: Some(100),
    min_interval_ms: None,
    per_day: None,
    error: Some(90024),
    per_day_error: None,
};

const NO_LIMIT: RateLimit = RateLimit {
    per_second: None,
    min_interval_ms: None,
    per_day: None,
    error: None,
    per_day_error: None,
};

/// Safe to retry, 100 calls/s.
pub const SAFE: Endpoint = endpoint(
    "safe",
    "v4/test_service/safe",
    PER_SECOND_100,
    RetrySafety::Safe,
);
/// Never retried, not limited.
pub const NEVER: Endpoint = endpoint(
    "never",
    "v4/test_service/never",
    NO_LIMIT,
    RetrySafety::Never,
);
/// Retried only with the same key; calls more than 300 ms apart.
pub const KEYED: Endpoint = endpoint(
    "keyed",
    "v4/test_service/keyed",
    RateLimit {
        per_second: None,
        min_interval_ms: Some(300),
        per_day: None,
        error: Some(90024),
        per_day_error: None,
    },
    RetrySafety::IdempotencyKey("MsgRandom"),
);

/// `{"To_Account": [..]}`, at most 100 accounts, sent to [`SAFE`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Accounts {
    #[serde(rename = "To_Account")]
    pub to_account: Vec<String>,
}

impl Accounts {
    pub fn of(names: &[&str]) -> Accounts {
        Accounts {
            to_account: names.iter().map(|s| s.to_string()).collect(),
        }
    }
}

impl Validate for Accounts {
    fn validate_at(&self, path: &FieldPath<'_>) -> Result<(), ValidationError> {
        validate::max_items(
            &path.field("To_Account"),
            self.to_account.len(),
            100,
            Some(90018),
        )
    }
}

/// The response: the envelope plus `UserTags`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tags {
    #[serde(rename = "ActionStatus")]
    pub action_status: String,
    #[serde(rename = "ErrorCode")]
    pub error_code: i64,
    #[serde(rename = "ErrorInfo")]
    pub error_info: String,
    #[serde(rename = "UserTags", default)]
    pub user_tags: Option<HashMap<String, Vec<String>>>,
}

impl tim_client::endpoint::Response for Tags {
    fn envelope(&self) -> tim_client::endpoint::EnvelopeFields<'_> {
        tim_client::endpoint::EnvelopeFields {
            action_status: Some(&self.action_status),
            error_code: Some(self.error_code),
            error_info: Some(&self.error_info),
        }
    }
}

impl Request for Accounts {
    type Response = Tags;
    const ENDPOINT: &'static Endpoint = &SAFE;
}

/// [`Accounts`] sent to [`NEVER`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NeverRetried(pub Accounts);

impl Validate for NeverRetried {
    fn validate_at(&self, path: &FieldPath<'_>) -> Result<(), ValidationError> {
        self.0.validate_at(path)
    }
}

impl Request for NeverRetried {
    type Response = Tags;
    const ENDPOINT: &'static Endpoint = &NEVER;
}

/// `{"MsgRandom": n}` sent to [`KEYED`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Keyed {
    #[serde(rename = "MsgRandom")]
    pub msg_random: u32,
}

impl Validate for Keyed {
    fn validate_at(&self, _: &FieldPath<'_>) -> Result<(), ValidationError> {
        Ok(())
    }
}

impl Request for Keyed {
    type Response = Tags;
    const ENDPOINT: &'static Endpoint = &KEYED;
}
