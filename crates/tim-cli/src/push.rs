//! `tim push`: a text message to all users, or to those matching tag or attribute
//! conditions (im_push). Prints the TaskId and the `MsgRandom`; when a push fails it says
//! whether it may have been accepted (the service deduplicates `MsgRandom` only within about
//! a second, so a push is not blindly retried).

use std::collections::BTreeMap;

use serde_json::json;
use tim_client::Validate;
use tim_client::all_member_push::{Condition, PushRequest};

use crate::attrs::parse_pair;
use crate::config::ConnArgs;
use crate::error::{CliError, from_client};
use crate::output::{Output, OutputArgs};

/// `tim push` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The message text.
    #[arg(long, value_name = "TEXT")]
    text: String,
    /// Only users with all of these tags (repeatable; combinable with --tags-or).
    #[arg(long = "tags-and", value_name = "TAG", conflicts_with_all = ["attrs_and", "attrs_or"])]
    tags_and: Vec<String>,
    /// Only users with any of these tags (repeatable).
    #[arg(long = "tags-or", value_name = "TAG", conflicts_with_all = ["attrs_and", "attrs_or"])]
    tags_or: Vec<String>,
    /// Only users with all of these attribute values (NAME=VALUE, repeatable; combinable
    /// with --attrs-or, not with tag conditions).
    #[arg(long = "attrs-and", value_name = "NAME=VALUE", value_parser = parse_pair)]
    attrs_and: Vec<(String, String)>,
    /// Only users with any of these attribute values (NAME=VALUE, repeatable).
    #[arg(long = "attrs-or", value_name = "NAME=VALUE", value_parser = parse_pair)]
    attrs_or: Vec<(String, String)>,
    /// The push's MsgRandom (deduplication key). Default: a fresh random value, printed so
    /// a retry of the same push can reuse it.
    #[arg(long, value_name = "N")]
    msg_random: Option<u32>,
    /// Seconds to keep the message for offline users (0 to 604800; default 0: online users
    /// only).
    #[arg(long, value_name = "SECS")]
    lifetime: Option<u32>,
    /// The account shown as sender (default: the admin).
    #[arg(long = "from", value_name = "ACCOUNT")]
    from_account: Option<String>,
    #[command(flatten)]
    output: OutputArgs,
    #[command(flatten)]
    conn: ConnArgs,
}

fn non_empty<T>(v: Vec<T>) -> Option<Vec<T>> {
    (!v.is_empty()).then_some(v)
}

fn map(pairs: &[(String, String)]) -> Option<BTreeMap<String, String>> {
    (!pairs.is_empty()).then(|| pairs.iter().cloned().collect())
}

/// Builds the request from the arguments.
fn request(a: &Args, msg_random: u32) -> PushRequest {
    let mut condition = Condition::new();
    condition.attrs_or = map(&a.attrs_or);
    condition.attrs_and = map(&a.attrs_and);
    condition.tags_or = non_empty(a.tags_or.clone());
    condition.tags_and = non_empty(a.tags_and.clone());
    let mut req = PushRequest::text(a.text.clone());
    req.msg_random = msg_random;
    if condition != Condition::default() {
        req.condition = Some(condition);
    }
    req.msg_life_time = a.lifetime;
    req.from_account = a.from_account.clone();
    req
}

/// Who a request targets, in words.
pub fn describe_target(c: Option<&Condition>) -> String {
    let Some(c) = c else {
        return "all users".to_owned();
    };
    let mut parts = Vec::new();
    if let Some(t) = &c.tags_and {
        parts.push(format!("tags all of [{}]", t.join(", ")));
    }
    if let Some(t) = &c.tags_or {
        parts.push(format!("tags any of [{}]", t.join(", ")));
    }
    let pairs = |m: &BTreeMap<String, String>| {
        m.iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(m) = &c.attrs_and {
        parts.push(format!("attributes all of [{}]", pairs(m)));
    }
    if let Some(m) = &c.attrs_or {
        parts.push(format!("attributes any of [{}]", pairs(m)));
    }
    format!("users with {}", parts.join(" and "))
}

/// Runs `tim push`; returns the output mode for error reporting.
pub fn run(args: Args) -> (Output, Result<(), CliError>) {
    let out = Output::new(args.output);
    (out, push(&out, &args))
}

fn push(out: &Output, a: &Args) -> Result<(), CliError> {
    let msg_random = a.msg_random.unwrap_or_else(tim_client::new_msg_random);
    let req = request(a, msg_random);
    req.validate()
        .map_err(|e| CliError::Usage(format!("invalid request: {e}; nothing was sent")))?;
    let (client, ctx) = a.conn.client()?;
    let target = describe_target(req.condition.as_ref());
    let resp = client.all_member_push().push(req).map_err(|e| {
        let err = from_client(&e, &ctx);
        // The service refused the push: nothing was pushed, a retry is a new push anyway.
        // The call may have reached the service (timeout, lost answer): `MsgRandom` only
        // deduplicates within about a second, so check before pushing again.
        let never_sent = e.never_sent();
        match err {
            CliError::Service { message, code } => CliError::Service {
                message: format!(
                    "{message}\n  nothing was pushed: fix the cause and run the push again"
                ),
                code,
            },
            CliError::Transport(m) if never_sent => CliError::Transport(format!(
                "{m}\n  the push never reached the service: run it again"
            )),
            CliError::Transport(m) => CliError::Transport(format!(
                "{m}\n  the push may have been accepted (MsgRandom {msg_random}); the service only \
                 deduplicates a repeated MsgRandom within about a second, so check the recipients \
                 before pushing again (--msg-random {msg_random} reuses the key)"
            )),
            other => other,
        }
    })?;
    let task_id = resp.task_id.unwrap_or_default();
    out.result(
        &json!({ "ok": true, "task_id": task_id, "msg_random": msg_random, "target": target }),
        || format!("pushed to {target}: TaskId {task_id} (MsgRandom {msg_random})\n"),
    );
    Ok(())
}
