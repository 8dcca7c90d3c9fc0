//! End to end, through the typed client against the emulator over loopback HTTP: a chat
//! backend imports users, sets profiles, makes friends, sends one-to-one messages (one by
//! one and in bulk), reads the history page by page, recalls a message, reads and clears
//! unread counts, and lists conversations. What a program does here works unchanged against
//! the service.

mod common;

use std::time::Duration;

use tim_client::account::MultiAccountImportRequest;
use tim_client::bulk::Bulk;
use tim_client::common::{MsgElement, TextElem};
use tim_client::openim::{
    BatchSendMsgRequest, GetC2cUnreadMsgNumRequest, GetRoamMsgRequest, SendMsgRequest,
    SetMsgReadRequest, WithdrawMsgRequest,
};
use tim_client::profile::{PortraitGetRequest, PortraitSetRequest, ProfileItem};
use tim_client::recent_contact::GetListRequest;
use tim_client::sns::{AddFriendItem, FriendAddRequest, FriendCheckRequest, FriendDeleteRequest};
use tim_client::{Error, ErrorCode};

fn text(s: &str) -> Vec<MsgElement> {
    vec![MsgElement::Text(TextElem::new(s))]
}

fn texts(list: &[tim_client::openim::RoamMsg]) -> Vec<String> {
    list.iter()
        .map(|m| match m.msg_body.as_deref() {
            Some([MsgElement::Text(t)]) => t.text.clone(),
            Some([]) => "(recalled)".to_owned(),
            other => format!("{other:?}"),
        })
        .collect()
}

#[test]
fn a_chat_backend_end_to_end() {
    let (emu, clock) = common::emulator_frozen(|c| c);
    let client = common::builder(&emu).build().unwrap();
    let start = clock_secs(&clock);

    // Accounts: nothing exists before import; sending to a stranger is refused with the
    // documented code, before and after.
    let refused = client
        .openim()
        .send_msg(SendMsgRequest::new("ann", text("hello?")).from_account("bob"))
        .unwrap_err();
    assert_eq!(refused.code(), Some(ErrorCode::InvalidSenderOrRecipient));
    let users: Vec<String> = (0..120).map(|i| format!("user{i:03}")).collect();
    for chunk in users.chunks(100) {
        let r = client
            .account()
            .multi_account_import(MultiAccountImportRequest::new().accounts(chunk.iter().cloned()))
            .unwrap();
        assert_eq!(r.fail_accounts.unwrap_or_default(), Vec::<String>::new());
    }
    client
        .account()
        .multi_account_import(MultiAccountImportRequest::new().accounts(["ann", "bob"]))
        .unwrap();

    // Profiles.
    client
        .profile()
        .portrait_set(PortraitSetRequest::new(
            "bob",
            vec![
                ProfileItem::new("Tag_Profile_IM_Nick", "Bob".into()),
                ProfileItem::new("Tag_Profile_IM_AllowType", "AllowType_Type_AllowAny".into()),
            ],
        ))
        .unwrap();
    let bad = client
        .profile()
        .portrait_set(PortraitSetRequest::new(
            "bob",
            vec![ProfileItem::new("Tag_Profile_IM_Gender", "robot".into())],
        ))
        .unwrap_err();
    assert_eq!(bad.code(), Some(ErrorCode::ProfileInvalidStandardValue));
    let nick = client
        .profile()
        .portrait_get(PortraitGetRequest::new(["bob"], ["Tag_Profile_IM_Nick"]))
        .unwrap()
        .user_profile_item
        .unwrap()[0]
        .profile_item
        .clone()
        .unwrap()[0]
        .value
        .clone();
    assert_eq!(nick, "Bob");

    // Friends: bob accepts anyone, so ann's request makes a two-way friendship.
    let added = client
        .sns()
        .friend_add(FriendAddRequest::new(
            "ann",
            vec![AddFriendItem::new("bob", "AddSource_Type_Test")],
        ))
        .unwrap();
    assert_eq!(added.result_item.unwrap()[0].result_code, 0);
    let check = |checker: &str| {
        client
            .sns()
            .friend_check(FriendCheckRequest::new(
                checker,
                ["bob"],
                "CheckResult_Type_Both",
            ))
            .unwrap()
            .info_item
            .unwrap()[0]
            .relation
            .clone()
            .unwrap()
    };
    assert_eq!(check("ann"), "CheckResult_Type_BothWay");

    // Messages, one by one.
    let mut keys = Vec::new();
    for (i, body) in ["one", "two", "three", "four", "five"].iter().enumerate() {
        let (from, to) = if i % 2 == 0 {
            ("ann", "bob")
        } else {
            ("bob", "ann")
        };
        let sent = client
            .openim()
            .send_msg(SendMsgRequest::new(to, text(body)).from_account(from))
            .unwrap();
        keys.push((from, to, sent.msg_key.unwrap()));
        clock.advance(Duration::from_secs(1));
    }
    // Recall the second message (bob's), then read the history as ann, 2 per page.
    let (from, to, key) = keys[1].clone();
    client
        .openim()
        .withdraw_msg(WithdrawMsgRequest::new(from, to, key.as_str()))
        .unwrap();
    let again = client
        .openim()
        .withdraw_msg(WithdrawMsgRequest::new(from, to, key.as_str()))
        .unwrap_err();
    assert_eq!(again.code(), Some(ErrorCode::MsgAlreadyRecalled));
    let mut request = GetRoamMsgRequest::new("ann", "bob", 2, start, clock_secs(&clock));
    let mut pages = Vec::new();
    loop {
        let page = client.openim().get_roam_msg(request.clone()).unwrap();
        pages.push(page.msg_list.clone().unwrap_or_default());
        if page.complete == Some(1) {
            break;
        }
        request.max_time = page.last_msg_time.unwrap();
        request.last_msg_key = page.last_msg_key;
    }
    assert_eq!(pages.len(), 3);
    let history: Vec<String> = pages.into_iter().rev().flat_map(|p| texts(&p)).collect();
    assert_eq!(history, ["one", "(recalled)", "three", "four", "five"]);

    // Unread: bob has three from ann; reading them clears the count.
    let unread = |who: &str| {
        client
            .openim()
            .get_c2c_unread_msg_num(GetC2cUnreadMsgNumRequest::new(who))
            .unwrap()
            .all_c2c_unread_msg_num
            .unwrap()
    };
    assert_eq!(unread("bob"), 3);
    assert_eq!(unread("ann"), 1, "the recalled message is not unread");
    client
        .openim()
        .set_msg_read(SetMsgReadRequest::new("bob", "ann"))
        .unwrap();
    assert_eq!(unread("bob"), 0);

    // A bulk send to every user plus two unknown accounts: 122 accounts, 1 call (500 per
    // call); the two unknown ones fail on their own with the code the service lists.
    let mut everyone = users.clone();
    everyone.insert(10, "ghost1".to_owned());
    everyone.push("ghost2".to_owned());
    let report = Bulk::new(&client)
        .openim()
        .batch_send_msg(
            BatchSendMsgRequest::new(Vec::<String>::new(), text("release notes")),
            everyone.iter().cloned(),
        )
        .unwrap();
    assert_eq!(report.succeeded, 120);
    assert_eq!(report.accounted(), 122);
    let failed: Vec<(&str, Option<ErrorCode>)> = report
        .failed
        .iter()
        .map(|f| (f.account.as_str(), f.error.code()))
        .collect();
    assert_eq!(
        failed,
        [
            ("ghost1", Some(ErrorCode::UserIdNotFound)),
            ("ghost2", Some(ErrorCode::UserIdNotFound))
        ]
    );
    assert_eq!(unread("user007"), 1);

    // Conversations: bob's lists ann; user007's lists the admin who sent the notes.
    let peers = |who: &str| -> Vec<String> {
        client
            .recent_contact()
            .get_list(GetListRequest::new(who, 0, 0, 0, 0, 0))
            .unwrap()
            .session_item
            .unwrap_or_default()
            .into_iter()
            .filter_map(|s| s.to_account)
            .collect()
    };
    assert_eq!(peers("bob"), ["ann"]);
    assert_eq!(peers("user007"), [common::ADMIN]);

    // Unfriending one way leaves the other side's entry.
    client
        .sns()
        .friend_delete(FriendDeleteRequest::new("ann", ["bob"]))
        .unwrap();
    assert_eq!(check("ann"), "CheckResult_Type_BWithA");

    // A call the service refuses as a whole is an error with the documented code; nothing
    // about it is retried.
    let err: Error = client
        .openim()
        .send_msg(SendMsgRequest::new("nobody", text("x")))
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::ToAccountNotFound));
}

fn clock_secs(clock: &tim_emulator::ManualClock) -> u64 {
    use tim_emulator::Clock;
    clock.now_ms() / 1000
}
