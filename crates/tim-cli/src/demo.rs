//! `tim demo`: the main job. First a story of one-to-one chat (`crate::demo_chat`):
//! importing users, profiles, friends, messages, history, unread counts and conversations.
//! Then a walk through the whole `v4/all_member_push` family: attribute names, user
//! attributes, tags on the 250 imported accounts (several batches, via `tim_client::bulk`),
//! reading them back, a push to a tag, and cleaning up, printing each step and what came
//! back. Against the in-process emulator, a last chapter shows the app's server
//! (`crate::demo_webhook`): the callbacks it received, and a message it refused. Against a remote server the demo's accounts (`tim-demo-*`) and messages stay.
//!
//! With no `--base-url`/`--region` flag it starts `tim-emulator` in-process on an ephemeral
//! loopback port with a random key generated in-process (never printed), so it needs no
//! credentials and no network; it then also shows, from the emulator's state, how many
//! accounts the push reached. With `--base-url URL` (or `--region`) it runs against that
//! server with the usual configuration (SDKAppID, key, admin); environment variables alone
//! never send the demo to a real app. Every check of what came back is asserted: a
//! mismatch fails the demo (exit 1).

use std::collections::BTreeMap;
use std::time::Instant;

use serde_json::{Value, json};
use tim_client::all_member_push::{
    Condition, GetAttrRequest, PushRequest, RemoveAttrRequest, SetAttrNameRequest, SetAttrRequest,
    UserAttrNames, UserAttrs, UserTags, UserTagsToAdd,
};
use tim_client::bulk::{Bulk, BulkReport};

use tim_client::{Client, SecretKey};
use tim_emulator::{Config, Emulator};

use crate::batch::{Summary, config_error};
use crate::config::ConnArgs;
use crate::error::{CallContext, CliError, from_client};
use crate::output::{Output, OutputArgs};

/// Accounts the demo tags: more than two batches of 100.
pub const ACCOUNTS: usize = 250;
/// The SDKAppID of the in-process emulator.
pub const DEMO_SDKAPPID: u32 = 1_400_000_000;
/// The tag every demo account gets.
pub const TAG: &str = "tim-demo";
/// The tag every other demo account also gets; the push goes to it.
pub const VIP_TAG: &str = "tim-demo-vip";
/// Accounts that get attributes.
const ATTR_ACCOUNTS: usize = 4;

/// `tim demo` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    output: OutputArgs,
    /// Connection: only used with --base-url or --region; otherwise the demo runs against an
    /// in-process emulator.
    #[command(flatten)]
    conn: ConnArgs,
}

/// Prints the steps as they happen (text), or collects them for one JSON document.
pub struct Log {
    out: Output,
    steps: Vec<Value>,
}

impl Log {
    /// Starts step `title`.
    pub fn step(&mut self, title: &str) {
        let n = self.steps.len() + 1;
        self.out.say(&format!("\n{n}. {title}"));
        self.steps
            .push(json!({ "step": n, "title": title, "details": [] }));
    }

    /// Adds a line to the current step.
    pub fn detail(&mut self, line: String) {
        self.out.say(&format!("   {line}"));
        if let Some(details) = self
            .steps
            .last_mut()
            .and_then(|s| s["details"].as_array_mut())
        {
            details.push(json!(line));
        }
    }
}

/// Where the demo runs.
struct Target {
    client: Client,
    ctx: CallContext,
    emulator: Option<Emulator>,
    /// The in-process app's server the emulator sends its callbacks to.
    app: Option<crate::demo_webhook::AppServer>,
}

fn random_key() -> Result<String, CliError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| CliError::Failed(format!("cannot get random bytes from the OS: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

fn start_emulator() -> Result<Target, CliError> {
    let key = random_key()?;
    let app = crate::demo_webhook::AppServer::start(DEMO_SDKAPPID, random_key()?)?;
    let emulator = Emulator::start(
        Config::new(DEMO_SDKAPPID, SecretKey::new(key.as_str())).callbacks(app.callbacks()?),
    )
    .map_err(|e| CliError::Failed(format!("cannot start the emulator: {e}")))?;
    let client = Client::builder(DEMO_SDKAPPID)
        .secret_key(SecretKey::new(key))
        .base_url(emulator.base_url())
        .allow_insecure_http(true)
        .build()
        .map_err(|e| CliError::Failed(format!("cannot build the client: {e}")))?;
    let ctx = CallContext {
        sdkappid: DEMO_SDKAPPID,
        admin: client.admin().to_owned(),
        base_url: client.base_url().to_owned(),
    };
    Ok(Target {
        client,
        ctx,
        emulator: Some(emulator),
        app: Some(app),
    })
}

/// Fails the demo when what came back is not what was sent.
pub fn expect(ok: bool, what: impl FnOnce() -> String) -> Result<(), CliError> {
    if ok {
        Ok(())
    } else {
        Err(CliError::Failed(format!("demo check failed: {}", what())))
    }
}

/// Runs `tim demo`; returns the output mode for error reporting.
pub fn run(args: Args) -> (Output, Result<(), CliError>) {
    let out = Output::new(args.output);
    (out, demo(&out, &args))
}

fn demo(out: &Output, a: &Args) -> Result<(), CliError> {
    let started = Instant::now();
    let remote = a.conn.base_url.is_some() || a.conn.region.is_some();
    let target = if remote {
        let (client, ctx) = a.conn.client()?;
        Target {
            client,
            ctx,
            emulator: None,
            app: None,
        }
    } else {
        start_emulator()?
    };
    let mut log = Log {
        out: *out,
        steps: Vec::new(),
    };
    let where_ = if target.emulator.is_some() {
        "an in-process emulator (random key generated in-process, never shown)"
    } else {
        "the server given"
    };
    out.say(&format!(
        "tim demo: one-to-one chat, then the v4/all_member_push family, against {where_}\n   {} SDKAppID {}, admin {:?}",
        target.ctx.base_url, target.ctx.sdkappid, target.ctx.admin
    ));
    let result = walk(&mut log, &target);
    let elapsed = started.elapsed();
    let calls: BTreeMap<String, u64> = target
        .emulator
        .as_ref()
        .map(|e| {
            e.state()
                .call_counts()
                .iter()
                .map(|(path, c)| {
                    (
                        path.rsplit('/').next().unwrap_or(path).to_owned(),
                        c.received,
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    if let Some(emulator) = target.emulator {
        emulator.stop();
    }
    let push = result?;
    let total: u64 = calls.values().sum();
    if out.is_json() {
        out.result(
            &json!({
                "ok": true,
                "base_url": target.ctx.base_url,
                "emulator": !remote,
                "steps": log.steps,
                "push": push,
                "calls": calls,
                "elapsed_ms": elapsed.as_millis() as u64,
            }),
            String::new,
        );
    } else {
        let per: Vec<String> = calls.iter().map(|(c, n)| format!("{c} {n}")).collect();
        let calls_text = if per.is_empty() {
            String::new()
        } else {
            format!(", {total} calls ({})", per.join(", "))
        };
        out.say(&format!(
            "\ndone in {:.1} s{calls_text}",
            elapsed.as_secs_f64()
        ));
    }
    Ok(())
}

/// The demo accounts: `tim-demo-000` ...
fn accounts() -> Vec<String> {
    (0..ACCOUNTS).map(|i| format!("tim-demo-{i:03}")).collect()
}

/// A bulk job's outcome, or a failure naming what went wrong.
fn bulk_ok(
    what: &str,
    report: BulkReport,
    accounts: &[String],
    ctx: &CallContext,
) -> Result<BulkReport, CliError> {
    if report.is_success() {
        return Ok(report);
    }
    let summary = Summary::new(what, report, accounts, ctx);
    Err(CliError::Failed(summary.text().trim_end().to_owned()))
}

/// Chooses slots for the demo's attribute names: a slot already holding the name, else a
/// free one. `None` when the app has no free slots left.
fn choose_slots(
    existing: &BTreeMap<String, String>,
    names: &[&str],
) -> Option<BTreeMap<String, String>> {
    let mut chosen = BTreeMap::new();
    let mut free = (0..10)
        .map(|s| s.to_string())
        .filter(|s| !existing.contains_key(s));
    for name in names {
        let slot = match existing.iter().find(|(_, n)| n == name) {
            Some((slot, _)) => slot.clone(),
            None => free.next()?,
        };
        chosen.insert(slot, (*name).to_owned());
    }
    Some(chosen)
}

/// The steps; returns the push's details.
fn walk(log: &mut Log, t: &Target) -> Result<Value, CliError> {
    let client = &t.client;
    let ctx = &t.ctx;
    let api = |e: tim_client::Error| from_client(&e, ctx);
    let accounts = accounts();
    let names = ["city", "plan"];
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
        .saturating_sub(60);
    let chat = crate::demo_chat::chat(log, client, ctx, &accounts, since)?;
    let groups = crate::demo_group::groups(log, client, ctx)?;

    log.step("Register attribute names (im_set_attr_name, im_get_attr_name)");
    let existing = client
        .all_member_push()
        .get_attr_name()
        .map_err(api)?
        .attr_names
        .unwrap_or_default();
    let slots = choose_slots(&existing, &names).ok_or_else(|| {
        CliError::Failed("the app has no free attribute slot for the demo's names".into())
    })?;
    client
        .all_member_push()
        .set_attr_name(SetAttrNameRequest::new(slots.clone()))
        .map_err(api)?;
    let back = client
        .all_member_push()
        .get_attr_name()
        .map_err(api)?
        .attr_names
        .unwrap_or_default();
    let shown: Vec<String> = back.iter().map(|(s, n)| format!("{s}={n}")).collect();
    let sent: Vec<String> = slots.iter().map(|(s, n)| format!("{s}={n}")).collect();
    log.detail(format!(
        "sent {}; read back: {}",
        sent.join(", "),
        shown.join(", ")
    ));
    expect(slots.iter().all(|(s, n)| back.get(s) == Some(n)), || {
        format!("attribute names read back {back:?}, expected {slots:?}")
    })?;

    log.step("Set attributes on 4 accounts (im_set_attr, im_get_attr)");
    let cities = ["Shenzhen", "Singapore"];
    let plans = ["pro", "free"];
    let wanted: Vec<UserAttrs> = accounts[..ATTR_ACCOUNTS]
        .iter()
        .enumerate()
        .map(|(i, acc)| {
            UserAttrs::new(
                acc.clone(),
                BTreeMap::from([
                    ("city".to_owned(), cities[i % 2].to_owned()),
                    ("plan".to_owned(), plans[(i / 2) % 2].to_owned()),
                ]),
            )
        })
        .collect();
    client
        .all_member_push()
        .set_attr(SetAttrRequest::new(wanted.clone()))
        .map_err(api)?;
    let got = client
        .all_member_push()
        .get_attr(GetAttrRequest::new(accounts[..ATTR_ACCOUNTS].to_vec()))
        .map_err(api)?
        .user_attrs
        .unwrap_or_default();
    for u in &got {
        let attrs: Vec<String> = u.attrs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        log.detail(format!("{}: {}", u.to_account, attrs.join(", ")));
    }
    expect(
        wanted.iter().all(|w| {
            got.iter()
                .any(|g| g.to_account == w.to_account && g.attrs == w.attrs)
        }),
        || "attributes read back differ from those set".to_owned(),
    )?;

    log.step(&format!(
        "Tag {ACCOUNTS} accounts (im_add_tag via tim_client::bulk, batches of at most 100)"
    ));
    let items = accounts.iter().enumerate().map(|(i, acc)| {
        let tags: &[&str] = if i % 2 == 0 { &[TAG, VIP_TAG] } else { &[TAG] };
        UserTagsToAdd::new(acc.clone(), tags.iter().copied())
    });
    let report = Bulk::new(client)
        .workers(2)
        .all_member_push()
        .add_tag(items)
        .map_err(config_error)?;
    let report = bulk_ok("tags add", report, &accounts, ctx)?;
    let vips = accounts.len().div_ceil(2);
    log.detail(format!(
        "{} of {} accounts tagged {TAG:?} ({} of them also {VIP_TAG:?}) in {} calls",
        report.succeeded, report.input, vips, report.requests
    ));

    log.step("Read the tags back (im_get_tag via bulk)");
    let tags = read_tags(client, &accounts, ctx)?;
    let with_tag = tags.values().filter(|t| t.iter().any(|x| x == TAG)).count();
    let with_vip = tags
        .values()
        .filter(|t| t.iter().any(|x| x == VIP_TAG))
        .count();
    for acc in &accounts[..2] {
        let t = tags.get(acc).cloned().unwrap_or_default();
        log.detail(format!("{acc}: {}", t.join(", ")));
    }
    log.detail(format!(
        "{with_tag} accounts have {TAG:?}, {with_vip} have {VIP_TAG:?}"
    ));
    expect(with_tag == accounts.len() && with_vip == vips, || {
        format!(
            "expected {} accounts with {TAG:?} and {vips} with {VIP_TAG:?}, read {with_tag} and {with_vip}",
            accounts.len()
        )
    })?;

    log.step(&format!("Push a text message to tag {VIP_TAG:?} (im_push)"));
    let push = PushRequest::text("Hello from tim demo")
        .condition(Condition::new().tags_or([VIP_TAG]))
        .msg_life_time(60);
    let msg_random = push.msg_random;
    let task_id = client
        .all_member_push()
        .push(push)
        .map_err(api)?
        .task_id
        .unwrap_or_default();
    log.detail(format!("TaskId {task_id} (MsgRandom {msg_random})"));
    let mut reached = Value::Null;
    match &t.emulator {
        Some(emulator) => {
            let record = emulator
                .state()
                .pushes()
                .into_iter()
                .find(|p| p.task_id == task_id);
            let n = record.map_or(0, |p| p.recipients.len());
            log.detail(format!(
                "the emulator delivered it to {n} accounts (those tagged {VIP_TAG:?})"
            ));
            expect(n == vips, || {
                format!("the push reached {n} accounts, expected {vips}")
            })?;
            reached = json!(n);
        }
        None => log.detail("recipients are not observable on a remote server".to_owned()),
    }

    log.step("Clean up (im_remove_all_tags via bulk, im_remove_attr)");
    let report = Bulk::new(client)
        .workers(2)
        .all_member_push()
        .remove_all_tags(accounts.iter().cloned())
        .map_err(config_error)?;
    let report = bulk_ok("tags clear", report, &accounts, ctx)?;
    client
        .all_member_push()
        .remove_attr(RemoveAttrRequest::new(
            accounts[..ATTR_ACCOUNTS]
                .iter()
                .map(|acc| UserAttrNames::new(acc.clone(), names.iter().copied()))
                .collect(),
        ))
        .map_err(api)?;
    let left = read_tags(client, &accounts, ctx)?
        .values()
        .filter(|t| !t.is_empty())
        .count();
    let attrs_left = client
        .all_member_push()
        .get_attr(GetAttrRequest::new(accounts[..ATTR_ACCOUNTS].to_vec()))
        .map_err(api)?
        .user_attrs
        .unwrap_or_default()
        .iter()
        .filter(|u| !u.attrs.is_empty())
        .count();
    log.detail(format!(
        "removed the tags of {} accounts in {} calls and the attributes of {ATTR_ACCOUNTS}; accounts left with tags: {left}, with attributes: {attrs_left}",
        report.succeeded, report.requests
    ));
    expect(left == 0 && attrs_left == 0, || {
        format!("{left} accounts still have tags and {attrs_left} attributes")
    })?;
    if t.emulator.is_none() {
        log.detail("the attribute names stay registered (the API cannot delete them)".to_owned());
    }
    let callbacks = match &t.app {
        Some(app) => crate::demo_webhook::chapter(log, client, app)?,
        None => Value::Null,
    };
    Ok(
        json!({ "task_id": task_id, "msg_random": msg_random, "reached": reached, "chat": chat, "groups": groups, "callbacks": callbacks }),
    )
}

/// The tags of `accounts`, by account, through a bulk get.
fn read_tags(
    client: &Client,
    accounts: &[String],
    ctx: &CallContext,
) -> Result<BTreeMap<String, Vec<String>>, CliError> {
    let mut tags = BTreeMap::new();
    let report = Bulk::new(client)
        .workers(2)
        .all_member_push()
        .get_tag(accounts.iter().cloned(), |u: UserTags| {
            tags.insert(u.to_account, u.tags);
        })
        .map_err(config_error)?;
    let _checked = bulk_ok("tags get", report, accounts, ctx)?;
    Ok(tags)
}
