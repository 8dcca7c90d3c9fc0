//! The demo's last chapter, against the in-process emulator only: the app's server. Before
//! the demo starts, an in-process callback receiver (`tim_emulator::CallbackReceiver` with a
//! `tim_webhook::Receiver`) stands in for the app's server, and the emulator sends it every
//! callback of the story, signed with a random token. The chapter shows what it received and
//! that its answers count: it refuses one-to-one messages offering "free followers", so
//! sending one fails with the documented error (20006).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use tim_client::common::{MsgElement, TextElem};
use tim_client::openim::SendMsgRequest;
use tim_emulator::{CallbackConfig, CallbackReceiver};
use tim_webhook::callbacks::c2c::BeforeSendMsgAnswer;
use tim_webhook::{Event, Receiver, answer_body, ok_answer};

use crate::demo::{Log, expect};
use crate::error::CliError;

/// What the app's server refuses.
const SPAM: &str = "free followers";

/// The in-process app's server and what it has received, by command.
pub struct AppServer {
    server: CallbackReceiver,
    token: String,
    seen: Arc<Mutex<BTreeMap<String, u64>>>,
}

impl AppServer {
    /// Starts it for app `sdkappid`, checking signatures with `token`.
    pub fn start(sdkappid: u32, token: String) -> Result<AppServer, CliError> {
        let seen = Arc::new(Mutex::new(BTreeMap::<String, u64>::new()));
        let log = seen.clone();
        let receiver = Receiver::new(sdkappid).token(token.as_str());
        let server = CallbackReceiver::start("127.0.0.1:0", receiver, move |callback| {
            let Ok(callback) = callback else {
                return b"{}".to_vec();
            };
            if let Ok(mut seen) = log.lock() {
                *seen.entry(callback.query.command.clone()).or_default() += 1;
            }
            match &callback.event {
                Event::C2cBeforeSendMsg(m)
                    if m.msg_body
                        .iter()
                        .any(|e| matches!(e, MsgElement::Text(t) if t.text.contains(SPAM))) =>
                {
                    answer_body(&BeforeSendMsgAnswer::refuse())
                }
                _ => ok_answer(),
            }
        })
        .map_err(|e| CliError::Failed(format!("cannot start the demo's app server: {e}")))?;
        Ok(AppServer {
            server,
            token,
            seen,
        })
    }

    /// The emulator's callback settings: this server's URL and token.
    pub fn callbacks(&self) -> Result<CallbackConfig, CliError> {
        Ok(CallbackConfig::new(&self.server.url())
            .map_err(|e| CliError::Failed(e.to_string()))?
            .token(self.token.as_str()))
    }

    fn seen(&self) -> BTreeMap<String, u64> {
        self.seen.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

/// The chapter: a refused message, then what the app's server received.
pub fn chapter(
    log: &mut Log,
    client: &tim_client::Client,
    app: &AppServer,
) -> Result<Value, CliError> {
    log.step("Callbacks: the app's server hears every event and refuses spam");
    let refused = client.openim().send_msg(
        SendMsgRequest::new(
            "tim-demo-bob",
            vec![MsgElement::Text(TextElem::new(format!(
                "{SPAM}, click here"
            )))],
        )
        .from_account("tim-demo-alice"),
    );
    let code = refused
        .as_ref()
        .err()
        .and_then(|e| e.code())
        .map(|c| c.code());
    log.detail(format!(
        "tim-demo-alice's \"{SPAM}\" message: the app's server refused it, sendmsg answered {code:?}"
    ));
    expect(code == Some(20006), || {
        format!("a refused message answers 20006, got {refused:?}")
    })?;
    let seen = app.seen();
    let total: u64 = seen.values().sum();
    log.detail(format!(
        "the app's server received {total} signed callbacks of {} kinds:",
        seen.len()
    ));
    for (command, n) in &seen {
        log.detail(format!("  {command}: {n}"));
    }
    for needed in [
        "C2C.CallbackBeforeSendMsg",
        "C2C.CallbackAfterSendMsg",
        "Group.CallbackAfterCreateGroup",
        "Sns.CallbackFriendAdd",
    ] {
        expect(seen.contains_key(needed), || {
            format!("the app's server did not receive {needed}: {seen:?}")
        })?;
    }
    Ok(json!({ "refused": code, "received": total, "by_command": seen }))
}
