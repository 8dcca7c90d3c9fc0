//! Shared test harness: an emulator on a frozen [`ManualClock`], a keep-alive ureq agent and
//! helpers that call endpoints over loopback HTTP with freshly minted UserSigs.
#![allow(dead_code)]

use serde_json::Value;
use tim_emulator::{Config, Emulator, ManualClock};
use tim_usersig::{SecretKey, Signer};

pub const APP: u32 = 1_400_000_000;
pub const KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
pub const ADMIN: &str = "administrator";
/// 2023-11-14T22:13:20Z, plus half a second so the clock is not on a second boundary.
pub const START_MS: u64 = 1_700_000_000_500;

pub fn signer() -> Signer {
    Signer::new(APP, SecretKey::new(KEY))
}

pub fn config() -> Config {
    Config::new(APP, SecretKey::new(KEY))
}

/// A raw HTTP answer.
#[derive(Debug)]
pub struct Raw {
    pub status: u16,
    pub content_type: String,
    pub body: String,
}

impl Raw {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

pub struct Harness {
    pub emu: Emulator,
    pub clock: ManualClock,
    agent: ureq::Agent,
}

impl Harness {
    pub fn start() -> Harness {
        Self::with(|c| c)
    }

    pub fn with(f: impl FnOnce(Config) -> Config) -> Harness {
        let clock = ManualClock::at_unix_ms(START_MS);
        let emu = Emulator::start(f(config().clock(clock.clone()))).expect("emulator starts");
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(std::time::Duration::from_secs(30)))
            .build()
            .into();
        Harness { emu, clock, agent }
    }

    pub fn now_secs(&self) -> u64 {
        use tim_emulator::Clock;
        self.clock.now_ms() / 1000
    }

    /// A UserSig for `identifier` issued now (emulator clock), valid one day.
    pub fn usersig(&self, identifier: &str) -> String {
        signer()
            .generate_at(identifier, 86_400, self.now_secs(), None)
            .expect("sign")
            .into_string()
    }

    /// A complete, valid query string for the admin.
    pub fn query(&self) -> String {
        format!(
            "sdkappid={APP}&identifier={ADMIN}&usersig={}&random=12345&contenttype=json",
            self.usersig(ADMIN)
        )
    }

    pub fn url(&self, command: &str, query: &str) -> String {
        format!(
            "{}/v4/all_member_push/{command}?{query}",
            self.emu.base_url()
        )
    }

    pub fn post(&self, path_and_query: &str, body: &str) -> Result<Raw, ureq::Error> {
        let url = format!("{}{path_and_query}", self.emu.base_url());
        let mut resp = self
            .agent
            .post(&url)
            .content_type("application/json")
            .send(body)?;
        Ok(Raw {
            status: resp.status().as_u16(),
            content_type: resp
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned(),
            body: resp.body_mut().read_to_string()?,
        })
    }

    pub fn get(&self, path_and_query: &str) -> Raw {
        let url = format!("{}{path_and_query}", self.emu.base_url());
        let mut resp = self.agent.get(&url).call().expect("GET answered");
        Raw {
            status: resp.status().as_u16(),
            content_type: String::new(),
            body: resp.body_mut().read_to_string().expect("body"),
        }
    }

    /// Calls `command` with a raw body and a raw query string; checks the envelope's shape.
    pub fn call_raw(&self, command: &str, query: &str, body: &str) -> Value {
        // `command` alone is an all_member_push command; `service/command` names another.
        let path = if command.contains('/') {
            format!("/v4/{command}?{query}")
        } else {
            format!("/v4/all_member_push/{command}?{query}")
        };
        let raw = self.post(&path, body).expect("answered");
        assert_eq!(raw.status, 200, "{raw:?}");
        assert_eq!(raw.content_type, "application/json", "{raw:?}");
        let v = raw.json();
        assert!(v["ErrorCode"].is_i64(), "{v}");
        assert!(v["ErrorInfo"].is_string(), "{v}");
        let ok = v["ErrorCode"] == 0;
        assert_eq!(v["ActionStatus"], if ok { "OK" } else { "FAIL" }, "{v}");
        v
    }

    /// Calls `command` as the admin.
    pub fn call(&self, command: &str, body: Value) -> Value {
        self.call_raw(command, &self.query(), &body.to_string())
    }

    /// Calls `command` as the admin and expects success.
    pub fn ok(&self, command: &str, body: Value) -> Value {
        let v = self.call(command, body);
        assert_eq!(v["ErrorCode"], 0, "{command}: {v}");
        v
    }

    /// Calls `command` as the admin and returns the error code.
    pub fn code(&self, command: &str, body: Value) -> i64 {
        self.call(command, body)["ErrorCode"]
            .as_i64()
            .expect("ErrorCode")
    }

    /// The error code answered for a raw query string (body `{"To_Account":["a"]}` to im_get_tag).
    pub fn query_code(&self, query: &str) -> i64 {
        self.call_raw("im_get_tag", query, r#"{"To_Account":["a"]}"#)["ErrorCode"]
            .as_i64()
            .expect("ErrorCode")
    }
}

/// `n` distinct account names.
pub fn accounts(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}{i}")).collect()
}

/// A minimal valid im_push body.
pub fn push_body(random: u32) -> Value {
    serde_json::json!({
        "MsgRandom": random,
        "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi"}}]
    })
}
