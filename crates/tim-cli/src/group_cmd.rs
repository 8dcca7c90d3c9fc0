//! `tim group ...`: the group jobs an operator runs (group_open_http_svc): create a group,
//! add or remove members from the command line or a file (any number of them, in batches of
//! each endpoint's documented maximum), send a message or a system notification to a group,
//! and read a group's history (every page, oldest first).

use clap::Subcommand;
use serde_json::{Value, json};
use tim_client::common::{MsgElement, TextElem};
use tim_client::group::{
    AddGroupMemberItem, AddGroupMemberRequest, CreateGroupRequest, DeleteGroupMemberRequest,
    GetGroupMsgRequest, GroupMsgItem, MemberResult, SendGroupMsgRequest,
    SendGroupSystemNotificationRequest,
};

use crate::batch::{self, BulkArgs};
use crate::config::ConnArgs;
use crate::error::{CliError, EXIT_FAILED, from_client, precheck};
use crate::output::{Output, OutputArgs, with_output};
use tim_client::printable;

/// `tim group` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: GroupCommand,
}

#[derive(Debug, Subcommand)]
enum GroupCommand {
    /// Create a group (create_group); prints its GroupId.
    Create(CreateArgs),
    /// Add members (add_group_member, in batches; any number, --from-file).
    Add(MembersArgs),
    /// Remove members (delete_group_member, in batches; any number, --from-file).
    Remove(MembersArgs),
    /// Send a text message to a group (send_group_msg).
    Send(SendArgs),
    /// Send a system notification to a group's members, or to the listed ones
    /// (send_group_system_notification).
    Notify(NotifyArgs),
    /// Read a group's message history, oldest first (group_msg_get_simple, every page).
    History(HistoryArgs),
}

/// `tim group create`.
#[derive(Debug, clap::Args)]
pub struct CreateArgs {
    /// The group's name.
    #[arg(long, value_name = "NAME")]
    name: String,
    /// The group type: Private (Work), Public, ChatRoom (Meeting), AVChatRoom or Community.
    #[arg(long = "type", value_name = "TYPE", default_value = "Public")]
    group_type: String,
    /// A custom GroupId (default: the service generates one).
    #[arg(long, value_name = "ID")]
    id: Option<String>,
    /// The owner (default: none, the app admin manages it).
    #[arg(long, value_name = "ACCOUNT")]
    owner: Option<String>,
    #[command(flatten)]
    output: OutputArgs,
    #[command(flatten)]
    conn: ConnArgs,
}

/// `tim group add` / `remove`.
#[derive(Debug, clap::Args)]
pub struct MembersArgs {
    /// The group.
    #[arg(long, value_name = "GROUP_ID")]
    group: String,
    /// Do not notify the group (Silence 1).
    #[arg(long)]
    silent: bool,
    #[command(flatten)]
    bulk: BulkArgs,
}

/// `tim group send`.
#[derive(Debug, clap::Args)]
pub struct SendArgs {
    /// The group.
    #[arg(value_name = "GROUP_ID")]
    group: String,
    /// The message text.
    #[arg(long, value_name = "TEXT")]
    text: String,
    /// The sender (default: the admin); it must be a member.
    #[arg(long = "from", value_name = "ACCOUNT")]
    from_account: Option<String>,
    #[command(flatten)]
    output: OutputArgs,
    #[command(flatten)]
    conn: ConnArgs,
}

/// `tim group notify`.
#[derive(Debug, clap::Args)]
pub struct NotifyArgs {
    /// The group.
    #[arg(value_name = "GROUP_ID")]
    group: String,
    /// The notification text.
    #[arg(long, value_name = "TEXT")]
    text: String,
    /// Only these members (default: every member).
    #[arg(value_name = "ACCOUNT")]
    members: Vec<String>,
    #[command(flatten)]
    output: OutputArgs,
    #[command(flatten)]
    conn: ConnArgs,
}

/// `tim group history`.
#[derive(Debug, clap::Args)]
pub struct HistoryArgs {
    /// The group.
    #[arg(value_name = "GROUP_ID")]
    group: String,
    /// Messages per call (at most 20, the documented maximum).
    #[arg(long, value_name = "N", default_value_t = 20)]
    page: u32,
    #[command(flatten)]
    output: OutputArgs,
    #[command(flatten)]
    conn: ConnArgs,
}

/// Runs `tim group ...`; returns the output mode for error reporting.
pub fn run(args: Args) -> (Output, Result<(), CliError>) {
    match args.command {
        GroupCommand::Create(a) => with_output(a.output, |out| create(out, &a)),
        GroupCommand::Add(a) => with_output(a.bulk.output, |out| add(out, &a)),
        GroupCommand::Remove(a) => with_output(a.bulk.output, |out| remove(out, &a)),
        GroupCommand::Send(a) => with_output(a.output, |out| send(out, &a)),
        GroupCommand::Notify(a) => with_output(a.output, |out| notify(out, &a)),
        GroupCommand::History(a) => with_output(a.output, |out| history(out, &a)),
    }
}

fn create(out: &Output, a: &CreateArgs) -> Result<(), CliError> {
    let mut req = CreateGroupRequest::new(a.group_type.clone(), a.name.clone());
    req.group_id = a.id.clone();
    req.owner_account = a.owner.clone();
    precheck("invalid group", &req)?;
    let (client, ctx) = a.conn.client()?;
    let resp = client
        .group()
        .create_group(req)
        .map_err(|e| from_client(&e, &ctx))?;
    let id = resp.group_id.unwrap_or_default();
    out.result(
        &json!({ "ok": true, "group_id": id, "type": a.group_type, "name": a.name }),
        || {
            format!(
                "created {} group {:?}: {}\n",
                a.group_type,
                a.name,
                printable(&id)
            )
        },
    );
    Ok(())
}

fn add(out: &Output, a: &MembersArgs) -> Result<(), CliError> {
    let mut template = AddGroupMemberRequest::new(a.group.clone(), Vec::new());
    if a.silent {
        template.silence = Some(1);
    }
    precheck(
        "--group",
        &AddGroupMemberRequest::new(a.group.clone(), vec![AddGroupMemberItem::new("a")]),
    )?;
    let mut refused: Vec<String> = Vec::new();
    let mut counts = [0u64; 4];
    let (summary, _) = batch::run_job(out, &a.bulk, "group add", |bulk, accounts| {
        bulk.group().add_group_member(
            template.clone(),
            accounts
                .iter()
                .map(|acc| AddGroupMemberItem::new(acc.clone())),
            |r: MemberResult| {
                let i = usize::from(r.result.min(3));
                counts[i] += 1;
                if r.result == 0 {
                    refused.push(r.member_account);
                }
            },
        )
    })?;
    let extra = json!({
        "group_id": a.group,
        "added": counts[1],
        "already_members": counts[2],
        "awaiting_approval": counts[3],
        "refused": refused,
    });
    summary.print(out, extra, || {
        let mut s = format!(
            "group {}: {} added, {} already members, {} awaiting approval\n",
            printable(&a.group),
            counts[1],
            counts[2],
            counts[3]
        );
        if !refused.is_empty() {
            s.push_str(&format!(
                "refused by the service (Result 0): {}\n",
                refused.join(", ")
            ));
        }
        s
    })?;
    if refused.is_empty() {
        Ok(())
    } else {
        Err(CliError::Reported {
            code: EXIT_FAILED,
            message: format!(
                "group add: {} accounts refused by the service",
                refused.len()
            ),
        })
    }
}

fn remove(out: &Output, a: &MembersArgs) -> Result<(), CliError> {
    let mut template = DeleteGroupMemberRequest::new(a.group.clone(), Vec::<String>::new());
    if a.silent {
        template.silence = Some(1);
    }
    let (summary, _) = batch::run_job(out, &a.bulk, "group remove", |bulk, accounts| {
        bulk.group()
            .delete_group_member(template.clone(), accounts.iter().cloned())
    })?;
    summary.print(out, json!({ "group_id": a.group }), || {
        format!(
            "removed {} members from group {}\n",
            summary.succeeded(),
            printable(&a.group)
        )
    })
}

fn send(out: &Output, a: &SendArgs) -> Result<(), CliError> {
    let mut req = SendGroupMsgRequest::new(
        a.group.clone(),
        vec![MsgElement::Text(TextElem::new(a.text.clone()))],
    );
    req.from_account = a.from_account.clone();
    precheck("invalid message", &req)?;
    let (client, ctx) = a.conn.client()?;
    let resp = client
        .group()
        .send_group_msg(req)
        .map_err(|e| from_client(&e, &ctx))?;
    let seq = resp.msg_seq.unwrap_or_default();
    out.result(
        &json!({ "ok": true, "group_id": a.group, "msg_seq": seq, "msg_time": resp.msg_time }),
        || format!("sent to group {} (MsgSeq {seq})\n", printable(&a.group)),
    );
    Ok(())
}

fn notify(out: &Output, a: &NotifyArgs) -> Result<(), CliError> {
    let mut req = SendGroupSystemNotificationRequest::new(a.group.clone(), a.text.clone());
    if !a.members.is_empty() {
        req.to_members_account = Some(a.members.clone());
    }
    precheck("invalid notification", &req)?;
    let (client, ctx) = a.conn.client()?;
    client
        .group()
        .send_group_system_notification(req)
        .map_err(|e| from_client(&e, &ctx))?;
    let to = if a.members.is_empty() {
        "every member".to_owned()
    } else {
        format!("{} members", a.members.len())
    };
    out.result(
        &json!({ "ok": true, "group_id": a.group, "to": to }),
        || format!("notified {to} of group {}\n", printable(&a.group)),
    );
    Ok(())
}

/// The most pages `history` reads (a guard against a server that never says finished).
const MAX_PAGES: usize = 10_000;

fn history(out: &Output, a: &HistoryArgs) -> Result<(), CliError> {
    let mut req = GetGroupMsgRequest::new(a.group.clone(), a.page);
    precheck("--page", &req)?;
    let (client, ctx) = a.conn.client()?;
    let mut messages: Vec<GroupMsgItem> = Vec::new();
    for _ in 0..MAX_PAGES {
        let page = client
            .group()
            .get_group_msg(req.clone())
            .map_err(|e| from_client(&e, &ctx))?;
        let list = page.rsp_msg_list.unwrap_or_default();
        // Pages go from the newest backwards: continue below the oldest returned until a
        // page is empty or MsgSeq 1 is reached (`IsFinished` only says whether this page
        // holds every message it asked for).
        let oldest = list.iter().map(|m| m.msg_seq).min();
        messages.extend(list);
        match oldest {
            Some(seq) if seq > 1 => req.req_msg_seq = Some(seq - 1),
            _ => break,
        }
    }
    messages.sort_by_key(|m| m.msg_seq);
    messages.dedup_by_key(|m| m.msg_seq);
    let text_of = |m: &GroupMsgItem| -> String {
        if m.is_place_msg == Some(2) {
            return "(recalled)".to_owned();
        }
        m.msg_body
            .iter()
            .flatten()
            .map(|e| match e {
                MsgElement::Text(t) => t.text.clone(),
                _ => "[non-text element]".to_owned(),
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let json_messages: Vec<Value> = messages
        .iter()
        .map(|m| {
            json!({
                "seq": m.msg_seq,
                "time": m.msg_time_stamp,
                "from": m.from_account,
                "text": text_of(m),
            })
        })
        .collect();
    out.result(
        &json!({ "ok": true, "group_id": a.group, "count": messages.len(), "messages": json_messages }),
        || {
            let mut s = String::new();
            for m in &messages {
                s.push_str(&format!(
                    "#{} {}: {}\n",
                    m.msg_seq,
                    printable(m.from_account.as_deref().unwrap_or("?")),
                    printable(&text_of(m))
                ));
            }
            s.push_str(&format!(
                "{} messages in group {}\n",
                messages.len(),
                printable(&a.group)
            ));
            s
        },
    );
    Ok(())
}
