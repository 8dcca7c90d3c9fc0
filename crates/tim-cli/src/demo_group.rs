//! `tim demo`, group chapter: a public group and a live (audio-video) group, members added, a
//! conversation read back in order, one member muted (and refused while muted), and the live
//! group's messages not kept as history. Every answer is checked. (A public group rather than
//! a work group: the pages say work groups cannot mute members.)

use serde_json::{Value, json};
use tim_client::common::MsgElement;
use tim_client::group::{
    AddGroupMemberItem, AddGroupMemberRequest, CreateGroupRequest, ForbidSendMsgRequest,
    GetGroupMsgRequest, GetGroupMutedAccountRequest, SendGroupMsgRequest,
};
use tim_client::{Client, ErrorCode};

use crate::demo::{Log, expect};
use crate::demo_chat::{Cast, text};
use crate::error::{CallContext, CliError, from_client};

/// The chapter; the cast was imported by the chat chapter.
pub fn groups(log: &mut Log, client: &Client, ctx: &CallContext) -> Result<Value, CliError> {
    let api = |e: tim_client::Error| from_client(&e, ctx);
    let cast = Cast::new();

    log.step(
        "Create a public group and a live group (create_group), add members (add_group_member)",
    );
    let work = client
        .group()
        .create_group(CreateGroupRequest::new("Public", "Release team").owner_account(&*cast.alice))
        .map_err(api)?
        .group_id
        .unwrap_or_default();
    let live = client
        .group()
        .create_group(CreateGroupRequest::new("AVChatRoom", "Launch stream"))
        .map_err(api)?
        .group_id
        .unwrap_or_default();
    // Members join a live group from their apps; the REST API adds members to the others.
    let items = [cast.bob.as_str(), cast.carol.as_str()]
        .into_iter()
        .map(AddGroupMemberItem::new)
        .collect();
    let added = client
        .group()
        .add_group_member(AddGroupMemberRequest::new(work.as_str(), items))
        .map_err(api)?
        .member_list
        .unwrap_or_default()
        .iter()
        .filter(|r| r.result == 1)
        .count();
    log.detail(format!(
        "public group {work} (owner {}): {added} members added; live group {live} (members join from their apps)",
        cast.alice
    ));
    expect(added == 2, || format!("{added} members added, expected 2"))?;

    log.step("Talk in the public group (send_group_msg) and read it back (group_msg_get_simple)");
    let lines = [
        (&cast.alice, "Release at 18:00"),
        (&cast.bob, "Tests are green"),
        (&cast.carol, "Docs are ready"),
    ];
    let mut seqs = Vec::new();
    for (from, body) in lines {
        let sent = client
            .group()
            .send_group_msg(
                SendGroupMsgRequest::new(work.as_str(), text(body)).from_account(&**from),
            )
            .map_err(api)?;
        seqs.push(sent.msg_seq.unwrap_or_default());
    }
    let history = client
        .group()
        .get_group_msg(GetGroupMsgRequest::new(work.as_str(), 20))
        .map_err(api)?
        .rsp_msg_list
        .unwrap_or_default();
    let mut read: Vec<(u64, String)> = history
        .iter()
        .map(|m| {
            let body = m
                .msg_body
                .iter()
                .flatten()
                .filter_map(|e| match e {
                    MsgElement::Text(t) => Some(t.text.clone()),
                    _ => None,
                })
                .collect::<String>();
            (
                m.msg_seq,
                format!("{}: {body}", m.from_account.clone().unwrap_or_default()),
            )
        })
        .collect();
    read.sort();
    for (seq, line) in &read {
        log.detail(format!("#{seq} {line}"));
    }
    expect(
        seqs.windows(2).all(|w| w[0] < w[1]) && read.len() == 3,
        || format!("MsgSeq {seqs:?}, history {read:?}"),
    )?;

    log.step("Mute carol for an hour (forbid_send_msg); her next message is refused");
    client
        .group()
        .forbid_send_msg(ForbidSendMsgRequest::new(
            work.as_str(),
            [cast.carol.as_str()],
            3600,
        ))
        .map_err(api)?;
    let muted = client
        .group()
        .get_group_muted_account(GetGroupMutedAccountRequest::new(work.as_str()))
        .map_err(api)?
        .muted_account_list
        .unwrap_or_default();
    let refused = client
        .group()
        .send_group_msg(
            SendGroupMsgRequest::new(work.as_str(), text("one more thing"))
                .from_account(&*cast.carol),
        )
        .err()
        .and_then(|e| e.code());
    log.detail(format!(
        "muted: {}; carol's message answered {:?}",
        muted
            .iter()
            .map(|m| m.member_account.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        refused.map(|c| c.code())
    ));
    expect(
        muted.len() == 1 && refused == Some(ErrorCode::SenderMuted),
        || {
            format!(
                "muted {} accounts, carol's message answered {refused:?}",
                muted.len()
            )
        },
    )?;

    log.step("Live group: messages are delivered, not kept as history");
    let live_sent = client
        .group()
        .send_group_msg(SendGroupMsgRequest::new(
            live.as_str(),
            text("We are live!"),
        ))
        .map_err(api)?;
    let live_history = client
        .group()
        .get_group_msg(GetGroupMsgRequest::new(live.as_str(), 20))
        .map(|r| r.rsp_msg_list.unwrap_or_default().len())
        .unwrap_or(0);
    log.detail(format!(
        "sent with MsgSeq {}; history holds {live_history} messages",
        live_sent.msg_seq.unwrap_or_default()
    ));
    Ok(json!({ "work_group": work, "live_group": live, "history": read.len() }))
}
