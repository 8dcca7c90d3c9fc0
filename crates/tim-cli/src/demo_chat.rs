//! `tim demo`, first chapter: a backend's day one with one-to-one chat. Import users with
//! their nicknames, set their profiles, make two of them friends (one needs to approve, so
//! the admin forces it), exchange messages, read the conversation back page by page, read
//! and clear the unread count, and list the conversations. Every answer is checked.

use serde_json::{Value, json};
use tim_client::account::AccountImportRequest;
use tim_client::common::{MsgElement, TextElem};
use tim_client::openim::{
    BatchSendMsgRequest, GetC2cUnreadMsgNumRequest, GetRoamMsgRequest, SendMsgRequest,
    SetMsgReadRequest,
};
use tim_client::profile::{PortraitGetRequest, PortraitSetRequest, ProfileItem};
use tim_client::recent_contact::GetListRequest;
use tim_client::sns::{AddFriendItem, FriendAddRequest, FriendCheckRequest};
use tim_client::{Client, ErrorCode};

use crate::error::{CallContext, CliError, from_client};

use crate::demo::{Log, expect};

/// The three people of the story.
pub struct Cast {
    pub alice: String,
    pub bob: String,
    pub carol: String,
}

impl Cast {
    pub fn new() -> Cast {
        Cast {
            alice: "tim-demo-alice".to_owned(),
            bob: "tim-demo-bob".to_owned(),
            carol: "tim-demo-carol".to_owned(),
        }
    }

    fn all(&self) -> [&str; 3] {
        [&self.alice, &self.bob, &self.carol]
    }
}

/// A message body of one text element.
pub fn text(s: &str) -> Vec<MsgElement> {
    vec![MsgElement::Text(TextElem::new(s))]
}

fn profile(tag: &str, value: impl Into<Value>) -> ProfileItem {
    ProfileItem::new(tag, value.into())
}

/// The chapter; `accounts` are the push chapter's accounts, imported here too.
pub fn chat(
    log: &mut Log,
    client: &Client,
    ctx: &CallContext,
    accounts: &[String],
    since: u64,
) -> Result<Value, CliError> {
    let api = |e: tim_client::Error| from_client(&e, ctx);
    let cast = Cast::new();

    log.step(&format!(
        "Import 3 people (account_import) and {} accounts (multiaccount_import, {} per call)",
        accounts.len(),
        crate::account_cmd::IMPORT_BATCH
    ));
    for (who, nick) in cast.all().into_iter().zip(["Alice", "Bob", "Carol"]) {
        client
            .account()
            .account_import(AccountImportRequest::new(who).nick(nick))
            .map_err(api)?;
    }
    let (not_imported, calls) =
        crate::account_cmd::import_in_batches(client, accounts).map_err(api)?;
    log.detail(format!(
        "imported {}, {} and {}, then {} accounts in {calls} calls",
        cast.alice,
        cast.bob,
        cast.carol,
        accounts.len() - not_imported.len()
    ));
    expect(not_imported.is_empty(), || {
        format!("accounts not imported: {not_imported:?}")
    })?;

    log.step("Set profiles (portrait_set) and read them back (portrait_get)");
    client
        .profile()
        .portrait_set(PortraitSetRequest::new(
            &*cast.alice,
            vec![
                profile("Tag_Profile_IM_SelfSignature", "Ships the backend"),
                profile("Tag_Profile_IM_AllowType", "AllowType_Type_AllowAny"),
            ],
        ))
        .map_err(api)?;
    client
        .profile()
        .portrait_set(PortraitSetRequest::new(
            &*cast.bob,
            vec![profile(
                "Tag_Profile_IM_AllowType",
                "AllowType_Type_NeedConfirm",
            )],
        ))
        .map_err(api)?;
    let got = client
        .profile()
        .portrait_get(PortraitGetRequest::new(
            [cast.alice.as_str(), cast.bob.as_str()],
            ["Tag_Profile_IM_Nick", "Tag_Profile_IM_AllowType"],
        ))
        .map_err(api)?;
    let mut allow = Vec::new();
    for user in got.user_profile_item.unwrap_or_default() {
        let fields: Vec<String> = user
            .profile_item
            .unwrap_or_default()
            .iter()
            .map(|p| {
                if p.tag == "Tag_Profile_IM_AllowType" {
                    allow.push(p.value.clone());
                }
                format!(
                    "{}={}",
                    p.tag.trim_start_matches("Tag_Profile_IM_"),
                    p.value
                )
            })
            .collect();
        log.detail(format!("{}: {}", user.to_account, fields.join(", ")));
    }
    expect(
        allow
            == [
                json!("AllowType_Type_AllowAny"),
                json!("AllowType_Type_NeedConfirm"),
            ],
        || format!("friend verification read back {allow:?}"),
    )?;

    log.step("Make friends (friend_add; bob must approve, so the admin forces it) and check (friend_check)");
    let add = |force: bool| {
        let mut req = FriendAddRequest::new(
            &*cast.alice,
            vec![AddFriendItem::new(&*cast.bob, "AddSource_Type_Demo").remark("Bob from work")],
        );
        if force {
            req.force_add_flags = Some(1);
        }
        client.sns().friend_add(req).map_err(api)
    };
    let first = add(false)?;
    let code = first
        .result_item
        .unwrap_or_default()
        .first()
        .map_or(0, |r| r.result_code);
    log.detail(format!(
        "a request to {} answers {code} ({}): pending until bob approves",
        cast.bob,
        ErrorCode::from_code(code).name()
    ));
    expect(code == ErrorCode::FriendRequestPending.code(), || {
        format!("friend_add to a user who approves requests answered {code}, expected 30539")
    })?;
    add(true)?;
    let relation = client
        .sns()
        .friend_check(FriendCheckRequest::new(
            &*cast.alice,
            [cast.bob.as_str(), cast.carol.as_str()],
            "CheckResult_Type_Both",
        ))
        .map_err(api)?
        .info_item
        .unwrap_or_default()
        .into_iter()
        .map(|i| i.relation.unwrap_or_default())
        .collect::<Vec<_>>();
    log.detail(format!(
        "with ForceAddFlags 1: {} and {} are {}; {} and {}: {}",
        cast.alice,
        cast.bob,
        relation.first().map_or("?", String::as_str),
        cast.alice,
        cast.carol,
        relation.get(1).map_or("?", String::as_str),
    ));
    expect(
        relation == ["CheckResult_Type_BothWay", "CheckResult_Type_NoRelation"],
        || format!("friend_check answered {relation:?}"),
    )?;

    log.step("Send messages (sendmsg), and a welcome to all three (batchsendmsg)");
    let lines = [
        (&cast.alice, &cast.bob, "Hi Bob, the release is out"),
        (&cast.alice, &cast.bob, "Can you check the dashboard?"),
        (&cast.bob, &cast.alice, "On it"),
        (&cast.alice, &cast.bob, "Thanks!"),
    ];
    for (from, to, body) in lines {
        let sent = client
            .openim()
            .send_msg(SendMsgRequest::new(&**to, text(body)).from_account(&**from))
            .map_err(api)?;
        log.detail(format!(
            "{from} -> {to}: {body:?} (MsgKey {})",
            sent.msg_key.unwrap_or_default()
        ));
    }
    let welcome = client
        .openim()
        .batch_send_msg(BatchSendMsgRequest::new(
            cast.all(),
            text("Welcome to the demo app"),
        ))
        .map_err(api)?;
    let missed = welcome.error_list.unwrap_or_default().len();
    log.detail(format!(
        "the admin's welcome reached {} of 3 accounts",
        3 - missed
    ));
    expect(missed == 0, || {
        format!("{missed} accounts missed the welcome")
    })?;

    log.step(
        "Read the conversation as bob, 2 messages per page (admin_getroammsg with LastMsgKey)",
    );
    let request = GetRoamMsgRequest::new(&*cast.bob, &*cast.alice, 2, since, u64::MAX / 2);
    let mut pages = 0;
    let messages = crate::message::conversation(client, request, |len, complete| {
        pages += 1;
        log.detail(format!(
            "page {pages}: {len} messages, complete: {complete}"
        ));
    })
    .map_err(api)?;
    let history: Vec<String> = messages
        .into_iter()
        .map(|m| {
            let body = m
                .msg_body
                .unwrap_or_default()
                .into_iter()
                .map(|e| match e {
                    MsgElement::Text(t) => t.text,
                    _ => String::new(),
                })
                .collect::<String>();
            format!("{}: {body}", m.from_account.unwrap_or_default())
        })
        .collect();
    for line in &history {
        log.detail(format!("  {line}"));
    }
    let expected: Vec<String> = lines
        .iter()
        .map(|(from, _, body)| format!("{from}: {body}"))
        .collect();
    expect(history == expected, || {
        format!("history read back {history:?}, expected {expected:?}")
    })?;

    log.step("Unread counts (get_c2c_unread_msg_num), then mark read (admin_set_msg_read)");
    let unread = |who: &str| -> Result<u32, CliError> {
        Ok(client
            .openim()
            .get_c2c_unread_msg_num(GetC2cUnreadMsgNumRequest::new(who))
            .map_err(api)?
            .all_c2c_unread_msg_num
            .unwrap_or_default())
    };
    let before = unread(&cast.bob)?;
    client
        .openim()
        .set_msg_read(SetMsgReadRequest::new(&*cast.bob, &*cast.alice))
        .map_err(api)?;
    let after = unread(&cast.bob)?;
    log.detail(format!(
        "{} had {before} unread (3 from {} and the welcome); after reading {}'s: {after}",
        cast.bob, cast.alice, cast.alice
    ));
    expect(before >= after + 3, || {
        format!("unread went from {before} to {after}, expected 3 fewer")
    })?;

    log.step("Conversations of bob (recentcontact/get_list)");
    let sessions = client
        .recent_contact()
        .get_list(GetListRequest::new(&*cast.bob, 0, 0, 0, 0, 0))
        .map_err(api)?
        .session_item
        .unwrap_or_default();
    let peers: Vec<String> = sessions
        .iter()
        .filter_map(|s| s.to_account.clone())
        .collect();
    log.detail(format!("{}: {}", cast.bob, peers.join(", ")));
    expect(peers.iter().any(|p| p == &cast.alice), || {
        format!("bob's conversations {peers:?} lack alice")
    })?;
    Ok(json!({ "history": history, "unread_before": before, "unread_after": after }))
}
