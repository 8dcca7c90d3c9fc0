//! End to end, over loopback HTTP: the client calls the emulator, the emulator sends its
//! callbacks to a callback receiver (`tim_emulator::CallbackReceiver` with a
//! `tim_webhook::Receiver`), and the app's answers decide what the service does: a refused
//! message is not delivered and the sender gets the documented error, a modified message is
//! delivered modified, a discarded one is acknowledged but not delivered; callbacks are
//! signed, and a receiver with the wrong token or a slow one changes nothing.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use tim_client::common::{CustomElem, MsgElement, TextElem};
use tim_client::openim::{GetRoamMsgRequest, SendMsgRequest};
use tim_emulator::{CallbackConfig, CallbackReceiver};
use tim_webhook::callbacks::c2c::BeforeSendMsgAnswer;
use tim_webhook::callbacks::group::{
    self as group_cb, BeforeCreateGroupAnswer, BeforeCreateTopicAnswer, BeforeInviteJoinGroupAnswer,
};
use tim_webhook::{Event, Receiver, answer_body, ok_answer};

const TOKEN: &str = "callback-token-for-tests";

fn text(s: &str) -> Vec<MsgElement> {
    vec![MsgElement::Text(TextElem::new(s))]
}

/// The events the app's server accepted: command and body.
type Seen = Arc<Mutex<Vec<(String, Value)>>>;

/// The app's server: refuses "spam", refuses "secret" with its own code, drops "hush",
/// stamps "hello" with a level; records every event it accepted.
fn app_server(receiver: Receiver, delay: Duration) -> (CallbackReceiver, Seen) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let server = CallbackReceiver::start("127.0.0.1:0", receiver, move |callback| {
        std::thread::sleep(delay);
        let Ok(callback) = callback else {
            return b"{}".to_vec();
        };
        log.lock().unwrap().push((
            callback.query.command.clone(),
            serde_json::to_value(&callback.event).unwrap(),
        ));
        match &callback.event {
            Event::C2cBeforeSendMsg(m) => {
                let said = match m.msg_body.as_slice() {
                    [MsgElement::Text(t)] => t.text.as_str(),
                    _ => "",
                };
                let answer = match said {
                    "spam" => BeforeSendMsgAnswer::refuse(),
                    "secret" => BeforeSendMsgAnswer::custom(120_005, "no secrets here").unwrap(),
                    "hush" => BeforeSendMsgAnswer::discard(),
                    "hello" => {
                        let mut body = m.msg_body.clone();
                        body.push(MsgElement::Custom(CustomElem::new().data("LV1")));
                        BeforeSendMsgAnswer::allow().msg_body(body)
                    }
                    _ => BeforeSendMsgAnswer::allow(),
                };
                answer_body(&answer)
            }
            Event::GroupBeforeCreateGroup(g) if g.name == "forbidden" => {
                answer_body(&BeforeCreateGroupAnswer::refuse())
            }
            Event::GroupBeforeCreateTopic(t) if t.name == "forbidden" => {
                answer_body(&BeforeCreateTopicAnswer::refuse())
            }
            Event::GroupBeforeInviteJoinGroup(_) => answer_body(
                &BeforeInviteJoinGroupAnswer::allow().refused_members_account(["mallory"]),
            ),
            Event::GroupBeforeSendMsg(m) => match m.msg_body.as_slice() {
                [MsgElement::Text(t)] if t.text == "spam" => {
                    answer_body(&group_cb::BeforeSendMsgAnswer::refuse())
                }
                _ => ok_answer(),
            },
            _ => ok_answer(),
        }
    })
    .expect("receiver starts");
    (server, seen)
}

fn bodies(client: &tim_client::Client, from: &str, to: &str) -> Vec<Vec<MsgElement>> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let page = client
        .openim()
        .get_roam_msg(GetRoamMsgRequest::new(from, to, 100, now - 600, now + 600))
        .unwrap();
    page.msg_list
        .unwrap_or_default()
        .into_iter()
        .filter_map(|m| m.msg_body)
        .collect()
}

#[test]
fn the_app_server_decides_what_is_delivered() {
    let (server, seen) = app_server(Receiver::new(common::APP).token(TOKEN), Duration::ZERO);
    let emu = tim_emulator::Emulator::start(
        common::config()
            .accounts(["ann", "bob"])
            .callbacks(CallbackConfig::new(&server.url()).unwrap().token(TOKEN)),
    )
    .unwrap();
    let client = common::client(&emu);
    let send = |s: &str| {
        client
            .openim()
            .send_msg(SendMsgRequest::new("bob", text(s)).from_account("ann"))
    };

    send("plain").unwrap();
    let refused = send("spam").unwrap_err();
    assert_eq!(refused.code().map(|c| c.code()), Some(20006), "{refused}");
    let custom = send("secret").unwrap_err();
    assert_eq!(custom.code().map(|c| c.code()), Some(120_005));
    assert!(custom.to_string().contains("no secrets here"), "{custom}");
    let discarded = send("hush").unwrap();
    assert!(
        discarded.msg_key.is_some(),
        "the sender is told it was sent"
    );
    send("hello").unwrap();

    // Delivered: the plain message and the stamped one, nothing else.
    let delivered = bodies(&client, "ann", "bob");
    assert_eq!(
        delivered,
        vec![
            text("plain"),
            vec![
                MsgElement::Text(TextElem::new("hello")),
                MsgElement::Custom(CustomElem::new().data("LV1"))
            ],
        ]
    );

    // The app saw five before-send callbacks and an after-send for each delivered message,
    // the after-send one carrying the modified body.
    let seen = seen.lock().unwrap().clone();
    let commands: Vec<&str> = seen.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(
        commands,
        [
            "C2C.CallbackBeforeSendMsg",
            "C2C.CallbackAfterSendMsg",
            "C2C.CallbackBeforeSendMsg",
            "C2C.CallbackBeforeSendMsg",
            "C2C.CallbackBeforeSendMsg",
            "C2C.CallbackBeforeSendMsg",
            "C2C.CallbackAfterSendMsg",
        ]
    );
    let after = &seen[6].1;
    assert_eq!(after["MsgBody"].as_array().unwrap().len(), 2);
    assert_eq!(after["From_Account"], "ann");
    assert_eq!(after["SendMsgResult"], 0);
    assert_eq!(after["MsgKey"], seen[5].1["MsgKey"]);
    let sent = emu.callbacks_sent();
    assert_eq!(sent.len(), 7);
    assert!(sent.iter().all(|s| s.failure.is_none()), "{sent:?}");
    assert_eq!(sent[2].answered, Some(1));
}

#[test]
fn a_receiver_with_another_token_refuses_and_the_message_goes_ahead() {
    let (server, seen) = app_server(
        Receiver::new(common::APP).token("another-token"),
        Duration::ZERO,
    );
    let emu = tim_emulator::Emulator::start(
        common::config()
            .accounts(["ann", "bob"])
            .callbacks(CallbackConfig::new(&server.url()).unwrap().token(TOKEN)),
    )
    .unwrap();
    let client = common::client(&emu);
    client
        .openim()
        .send_msg(SendMsgRequest::new("bob", text("spam")).from_account("ann"))
        .unwrap();
    assert!(seen.lock().unwrap().is_empty(), "nothing reached the app");
    let sent = emu.callbacks_sent();
    assert_eq!(sent.len(), 2);
    assert!(
        sent[0]
            .failure
            .as_deref()
            .unwrap()
            .contains("HTTP status 403"),
        "{sent:?}"
    );
    assert_eq!(bodies(&client, "ann", "bob"), vec![text("spam")]);
}

#[test]
fn a_slow_receiver_times_out_and_the_message_goes_ahead() {
    let (server, _seen) = app_server(Receiver::new(common::APP), common::SLOW_ANSWER);
    let emu = tim_emulator::Emulator::start(
        common::config().accounts(["ann", "bob"]).callbacks(
            CallbackConfig::new(&server.url())
                .unwrap()
                .timeout(Duration::from_millis(200))
                .only(["C2C.CallbackBeforeSendMsg"]),
        ),
    )
    .unwrap();
    let client = common::builder(&emu)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    client
        .openim()
        .send_msg(SendMsgRequest::new("bob", text("spam")).from_account("ann"))
        .unwrap();
    let sent = emu.callbacks_sent();
    assert_eq!(sent.len(), 1, "only the enabled command: {sent:?}");
    assert!(
        sent[0]
            .failure
            .as_deref()
            .unwrap()
            .contains("no answer within 200 ms"),
        "{sent:?}"
    );
    assert_eq!(bodies(&client, "ann", "bob"), vec![text("spam")]);
}

/// Calls `path` (`service/command`) with a JSON body.
fn call(client: &tim_client::Client, path: &str, body: Value) -> Value {
    let endpoint = tim_client::endpoints::by_path(&format!("v4/{path}"))
        .unwrap_or_else(|| panic!("{path} is an endpoint"));
    client
        .send_json(endpoint, &body)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn every_emulated_trigger_sends_its_callback() {
    let (server, seen) = app_server(Receiver::new(common::APP), Duration::ZERO);
    let emu = tim_emulator::Emulator::start(
        common::config()
            .accounts(["ann", "bob"])
            .callbacks(CallbackConfig::new(&server.url()).unwrap()),
    )
    .unwrap();
    let client = common::client(&emu);
    let text = |s: &str| serde_json::json!([{"MsgType": "TIMTextElem", "MsgContent": {"Text": s}}]);

    let sent = call(
        &client,
        "openim/sendmsg",
        serde_json::json!({"From_Account": "ann", "To_Account": "bob", "MsgRandom": 1, "MsgBody": text("one")}),
    );
    let key = sent["MsgKey"].as_str().unwrap().to_owned();
    call(
        &client,
        "openim/modify_c2c_msg",
        serde_json::json!({"From_Account": "ann", "To_Account": "bob", "MsgKey": key, "MsgBody": text("one, edited")}),
    );
    call(
        &client,
        "openim/admin_set_msg_read",
        serde_json::json!({"Report_Account": "bob", "Peer_Account": "ann"}),
    );
    call(
        &client,
        "openim/admin_msgwithdraw",
        serde_json::json!({"From_Account": "ann", "To_Account": "bob", "MsgKey": key}),
    );
    call(
        &client,
        "profile/portrait_set",
        serde_json::json!({"From_Account": "ann", "ProfileItem": [{"Tag": "Tag_Profile_IM_Nick", "Value": "Ann"}]}),
    );
    call(
        &client,
        "sns/friend_add",
        serde_json::json!({"From_Account": "ann", "AddFriendItem": [{"To_Account": "bob", "AddSource": "AddSource_Type_Web"}], "ForceAddFlags": 1}),
    );
    call(
        &client,
        "sns/friend_delete",
        serde_json::json!({"From_Account": "ann", "To_Account": ["bob"], "DeleteType": "Delete_Type_Single"}),
    );
    call(
        &client,
        "sns/black_list_add",
        serde_json::json!({"From_Account": "bob", "To_Account": ["ann"]}),
    );
    call(
        &client,
        "sns/black_list_delete",
        serde_json::json!({"From_Account": "bob", "To_Account": ["ann"]}),
    );
    call(
        &client,
        "follow/follow_add",
        serde_json::json!({"From_Account": "ann", "FollowItem": [{"To_Account": "bob"}]}),
    );
    call(
        &client,
        "follow/follow_delete",
        serde_json::json!({"From_Account": "ann", "To_Account": ["bob"]}),
    );

    let seen = seen.lock().unwrap().clone();
    let commands: Vec<&str> = seen.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(
        commands,
        [
            "C2C.CallbackBeforeSendMsg",
            "C2C.CallbackAfterSendMsg",
            "C2C.CallbackAfterModifyMsg",
            "C2C.CallbackAfterMsgReport",
            "C2C.CallbackAfterMsgWithDraw",
            "Profile.CallbackPortraitSet",
            "Sns.CallbackFriendAdd",
            "Sns.CallbackFriendDelete",
            // bob still had ann as a friend (a one-way delete): blocking ends it.
            "Sns.CallbackBlackListAdd",
            "Sns.CallbackFriendDelete",
            "Sns.CallbackBlackListDelete",
            "Follow.CallbackAfterFollowAdd",
            "Follow.CallbackAfterFollowDelete",
        ]
    );
    let body = |command: &str| {
        seen.iter()
            .find(|(c, _)| c == command)
            .map(|(_, b)| b.clone())
            .unwrap()
    };
    assert_eq!(
        body("C2C.CallbackAfterModifyMsg")["MsgBody"][0]["MsgContent"]["Text"],
        "one, edited"
    );
    assert_eq!(body("C2C.CallbackAfterMsgWithDraw")["MsgKey"], key);
    assert_eq!(body("C2C.CallbackAfterMsgReport")["UnreadMsgNum"], 0);
    assert_eq!(
        body("Sns.CallbackFriendAdd")["PairList"],
        serde_json::json!([
            {"From_Account": "ann", "To_Account": "bob", "Initiator_Account": "ann"},
            {"From_Account": "bob", "To_Account": "ann", "Initiator_Account": "ann"}
        ])
    );
    assert_eq!(body("Sns.CallbackFriendAdd")["ForceFlag"], 1);
    assert_eq!(
        body("Profile.CallbackPortraitSet")["ProfileItem"],
        serde_json::json!([{"Tag": "Tag_Profile_IM_Nick", "Value": "Ann"}])
    );
    assert_eq!(
        body("Follow.CallbackAfterFollowDelete")["To_Account"],
        serde_json::json!(["bob"])
    );

    // What the emulator says it fires is what fired (every listed pair was exercised).
    let mut fired: Vec<&str> = tim_emulator::FIRED_CALLBACKS
        .iter()
        .filter(|(command, _)| {
            !command.starts_with("Group.")
                && !command.starts_with("OfficialAccount.")
                && !LATER_COMMANDS.contains(command)
        })
        .map(|(command, _)| *command)
        .collect();
    fired.sort_unstable();
    fired.dedup();
    let mut got = commands.clone();
    got.sort_unstable();
    got.dedup();
    fired.dedup();
    assert_eq!(got, fired);
}

#[test]
fn the_emulator_fires_only_what_the_pages_say_and_from_stateful_endpoints() {
    let spec =
        tim_spec::Spec::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec"))
            .unwrap();
    for (command, endpoint) in tim_emulator::FIRED_CALLBACKS {
        let callback = spec
            .callbacks
            .iter()
            .find(|c| c.command == *command)
            .unwrap_or_else(|| panic!("{command} is not in the spec"));
        assert!(
            callback.triggers.rest.iter().any(|r| r == endpoint),
            "{command}: its page does not say {endpoint} fires it"
        );
        assert!(
            tim_emulator::is_stateful(endpoint),
            "{endpoint} is not stateful in the emulator"
        );
    }
}

#[test]
fn groups_send_their_callbacks_and_the_app_decides() {
    let (server, seen) = app_server(Receiver::new(common::APP), Duration::ZERO);
    let emu = tim_emulator::Emulator::start(
        common::config()
            .accounts(["ann", "bob", "carol", "mallory"])
            .callbacks(CallbackConfig::new(&server.url()).unwrap()),
    )
    .unwrap();
    let client = common::client(&emu);
    let endpoint = |path: &str| {
        tim_client::endpoints::by_path(&format!("v4/group_open_http_svc/{path}")).unwrap()
    };
    let try_call = |path: &str, body: Value| client.send_json(endpoint(path), &body);
    let text = |s: &str| serde_json::json!([{"MsgType": "TIMTextElem", "MsgContent": {"Text": s}}]);

    let refused = try_call(
        "create_group",
        serde_json::json!({"Owner_Account": "ann", "Type": "Public", "Name": "forbidden"}),
    )
    .unwrap_err();
    assert_eq!(refused.code().map(|c| c.code()), Some(10016), "{refused}");
    let created = try_call(
        "create_group",
        serde_json::json!({"Owner_Account": "ann", "Type": "Public", "Name": "ops", "MaxMemberCount": 3}),
    )
    .unwrap();
    let id = created["GroupId"].as_str().unwrap().to_owned();
    let added = try_call(
        "add_group_member",
        serde_json::json!({"GroupId": id, "MemberList": [{"Member_Account": "bob"}, {"Member_Account": "mallory"}]}),
    )
    .unwrap();
    let results: Vec<(String, u64)> = added["MemberList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["Member_Account"].as_str().unwrap().to_owned(),
                m["Result"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        results,
        [("bob".into(), 1), ("mallory".into(), 0)],
        "the app refused mallory"
    );
    try_call(
        "add_group_member",
        serde_json::json!({"GroupId": id, "MemberList": [{"Member_Account": "carol"}]}),
    )
    .unwrap();
    let spam = try_call(
        "send_group_msg",
        serde_json::json!({"GroupId": id, "From_Account": "bob", "Random": 1, "MsgBody": text("spam")}),
    )
    .unwrap_err();
    assert_eq!(spam.code().map(|c| c.code()), Some(10016));
    let sent = try_call(
        "send_group_msg",
        serde_json::json!({"GroupId": id, "From_Account": "bob", "Random": 2, "MsgBody": text("hi")}),
    )
    .unwrap();
    assert_eq!(sent["MsgSeq"], 1, "the refused message took no MsgSeq");
    try_call(
        "group_msg_recall",
        serde_json::json!({"GroupId": id, "MsgSeqList": [{"MsgSeq": 1}]}),
    )
    .unwrap();
    try_call(
        "modify_group_base_info",
        serde_json::json!({"GroupId": id, "Name": "ops-2"}),
    )
    .unwrap();
    try_call(
        "change_group_owner",
        serde_json::json!({"GroupId": id, "NewOwner_Account": "bob"}),
    )
    .unwrap();
    try_call(
        "delete_group_member",
        serde_json::json!({"GroupId": id, "MemberToDel_Account": ["carol"]}),
    )
    .unwrap();
    try_call("destroy_group", serde_json::json!({"GroupId": id})).unwrap();

    let seen = seen.lock().unwrap().clone();
    let commands: Vec<&str> = seen.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(
        commands,
        [
            "Group.CallbackBeforeCreateGroup",
            "Group.CallbackBeforeCreateGroup",
            "Group.CallbackAfterCreateGroup",
            "Group.CallbackBeforeInviteJoinGroup",
            "Group.CallbackAfterNewMemberJoin",
            "Group.CallbackBeforeInviteJoinGroup",
            "Group.CallbackAfterNewMemberJoin",
            "Group.CallbackAfterGroupFull",
            "Group.CallbackBeforeSendMsg",
            "Group.CallbackBeforeSendMsg",
            "Group.CallbackAfterSendMsg",
            "Group.CallbackAfterRecallMsg",
            "Group.CallbackAfterGroupInfoChanged",
            "Group.CallbackAfterChangeGroupOwner",
            "Group.CallbackAfterMemberExit",
            "Group.CallbackAfterGroupDestroyed",
        ]
    );
    let body = |command: &str| {
        seen.iter()
            .find(|(c, _)| c == command)
            .map(|(_, b)| b.clone())
            .unwrap()
    };
    assert_eq!(
        body("Group.CallbackAfterNewMemberJoin")["NewMemberList"],
        serde_json::json!([{"Member_Account": "bob"}])
    );
    assert_eq!(body("Group.CallbackAfterSendMsg")["MsgSeq"], 1);
    assert_eq!(
        body("Group.CallbackAfterRecallMsg")["MsgSeqList"],
        serde_json::json!([{"MsgSeq": 1}])
    );
    assert_eq!(body("Group.CallbackAfterGroupInfoChanged")["Name"], "ops-2");
    assert_eq!(
        body("Group.CallbackAfterChangeGroupOwner")["OldOwner_Account"],
        "ann"
    );
    assert_eq!(body("Group.CallbackAfterMemberExit")["ExitType"], "Kicked");
    assert_eq!(
        body("Group.CallbackAfterGroupDestroyed")["Owner_Account"],
        "bob"
    );

    let mut fired: Vec<&str> = tim_emulator::FIRED_CALLBACKS
        .iter()
        .filter(|(command, _)| command.starts_with("Group.") && !LATER_COMMANDS.contains(command))
        .map(|(command, _)| *command)
        .collect();
    fired.sort_unstable();
    let mut got = commands.clone();
    got.sort_unstable();
    got.dedup();
    fired.dedup();
    assert_eq!(got, fired);
}

/// The commands [`topics_attributes_members_extensions_and_receipts_send_their_callbacks`] exercises
/// (the other tests leave them out of their own checks).
const LATER_COMMANDS: &[&str] = &[
    "Group.CallbackBeforeCreateTopic",
    "Group.CallbackAfterCreateTopic",
    "Group.CallbackAfterTopicDestroyed",
    "Group.CallbackAfterTopicInfoChanged",
    "Group.CallbackAfterGroupAttrChanged",
    "Group.CallbackAfterMemberFieldChanged",
    "Group.CallbackAfterGroupMsgExtension",
    "C2C.CallbackAfterMsgReadReceipt",
    "C2C.CallbackAfterC2CMsgExtension",
];

#[test]
fn topics_attributes_members_extensions_and_receipts_send_their_callbacks() {
    let (server, seen) = app_server(Receiver::new(common::APP), Duration::ZERO);
    let emu = tim_emulator::Emulator::start(
        common::config()
            .accounts(["ann", "bob"])
            .callbacks(CallbackConfig::new(&server.url()).unwrap()),
    )
    .unwrap();
    let client = common::client(&emu);
    // Each call with the callbacks that arrived during it: (endpoint, command, body).
    let sent = std::cell::RefCell::new(Vec::<(String, String, Value)>::new());
    let step = |path: &str, body: Value| {
        let endpoint = tim_client::endpoints::by_path(&format!("v4/{path}"))
            .unwrap_or_else(|| panic!("{path} is an endpoint"));
        let before = seen.lock().unwrap().len();
        let result = client.send_json(endpoint, &body);
        let arrived = seen.lock().unwrap()[before..].to_vec();
        sent.borrow_mut().extend(
            arrived
                .into_iter()
                .map(|(command, body)| (path.to_owned(), command, body)),
        );
        result
    };
    let commands_of = |path: &str| -> Vec<String> {
        sent.borrow()
            .iter()
            .filter(|(p, ..)| p == path)
            .map(|(_, c, _)| c.clone())
            .collect()
    };

    // Topics.
    let community = step(
        "group_open_http_svc/create_group",
        serde_json::json!({"Owner_Account": "ann", "Type": "Community", "Name": "club", "SupportTopic": 1}),
    )
    .unwrap()["GroupId"]
        .as_str()
        .unwrap()
        .to_owned();
    let refused = step(
        "million_group_open_http_svc/create_topic",
        serde_json::json!({"GroupId": community, "TopicName": "forbidden", "From_Account": "ann"}),
    )
    .unwrap_err();
    assert_eq!(refused.code().map(|c| c.code()), Some(10016), "{refused}");
    let topics = |client: &tim_client::Client| {
        let endpoint =
            tim_client::endpoints::by_path("v4/million_group_open_http_svc/get_topic").unwrap();
        client
            .send_json(
                endpoint,
                &serde_json::json!({"GroupId": community, "From_Account": "ann"}),
            )
            .unwrap()["TopicAndSelfInfo"]
            .as_array()
            .map_or(0, Vec::len)
    };
    assert_eq!(topics(&client), 0, "the refused topic was not created");
    let topic = step(
        "million_group_open_http_svc/create_topic",
        serde_json::json!({"GroupId": community, "TopicId": format!("{community}@TOPIC#_news"), "TopicName": "news", "From_Account": "ann"}),
    )
    .unwrap()["TopicId"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(topics(&client), 1);
    let in_use = step(
        "million_group_open_http_svc/create_topic",
        serde_json::json!({"GroupId": community, "TopicId": topic, "TopicName": "again"}),
    )
    .unwrap_err();
    assert_eq!(
        in_use.code().map(|c| c.code()),
        Some(10025),
        "an ID in use is refused before the app is asked (no third BeforeCreateTopic below)"
    );
    step(
        "million_group_open_http_svc/modify_topic",
        serde_json::json!({"GroupId": community, "TopicId": topic, "CustomString": "x"}),
    )
    .unwrap();
    assert_eq!(
        commands_of("million_group_open_http_svc/modify_topic"),
        Vec::<String>::new(),
        "CustomString is not a field of the callback"
    );
    step(
        "million_group_open_http_svc/modify_topic",
        serde_json::json!({"GroupId": community, "TopicId": topic, "TopicName": "news-2"}),
    )
    .unwrap();
    step(
        "million_group_open_http_svc/destroy_topic",
        serde_json::json!({"GroupId": community, "TopicIdList": [topic, "no-such-topic"]}),
    )
    .unwrap();

    // Attributes and member fields, in a public group.
    let public = step(
        "group_open_http_svc/create_group",
        serde_json::json!({"Owner_Account": "ann", "Type": "Public", "Name": "pub", "MemberList": [{"Member_Account": "bob"}]}),
    )
    .unwrap()["GroupId"]
        .as_str()
        .unwrap()
        .to_owned();
    let attrs = serde_json::json!([{"key": "a", "value": "1"}, {"key": "b", "value": "2"}]);
    step(
        "group_open_http_svc/set_group_attr",
        serde_json::json!({"GroupId": public, "GroupAttr": attrs}),
    )
    .unwrap();
    step(
        "group_open_http_svc/modify_group_attr",
        serde_json::json!({"GroupId": public, "GroupAttr": [{"key": "a", "value": "3"}]}),
    )
    .unwrap();
    step(
        "group_open_http_svc/delete_group_attr",
        serde_json::json!({"GroupId": public, "GroupAttr": [{"key": "b"}, {"key": "b"}]}),
    )
    .unwrap();
    step(
        "group_open_http_svc/clear_group_attr",
        serde_json::json!({"GroupId": public}),
    )
    .unwrap();
    step(
        "group_open_http_svc/modify_group_member_info",
        serde_json::json!({"GroupId": public, "Member_Account": "bob", "MsgFlag": "AcceptNotNotify"}),
    )
    .unwrap();
    assert_eq!(
        commands_of("group_open_http_svc/modify_group_member_info"),
        Vec::<String>::new(),
        "MsgFlag is not a field of the callback"
    );
    step(
        "group_open_http_svc/modify_group_member_info",
        serde_json::json!({"GroupId": public, "Member_Account": "bob", "Role": "Admin", "NameCard": "Bobby"}),
    )
    .unwrap();

    // Message extensions of a group message.
    let text = serde_json::json!([{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi"}}]);
    let seq = step(
        "group_open_http_svc/send_group_msg",
        serde_json::json!({"GroupId": public, "From_Account": "bob", "Random": 7, "MsgBody": text, "SupportMessageExtension": 1}),
    )
    .unwrap()["MsgSeq"]
        .as_u64()
        .unwrap();
    for (operate, list) in [
        (
            1,
            serde_json::json!([{"Key": "k1", "Value": "v1"}, {"Key": "k2", "Value": "v2"}]),
        ),
        (2, serde_json::json!([{"Key": "k1", "Value": ""}])),
        (3, Value::Null),
    ] {
        let mut req = serde_json::json!({"GroupId": public, "MsgSeq": seq, "OperateType": operate});
        if !list.is_null() {
            req["ExtensionList"] = list;
        }
        step("openim_msg_ext_http_svc/group_set_key_values", req).unwrap();
    }

    // Extensions of a one-to-one message: set, a write whose only pair conflicts (nothing
    // changes, no callback), delete, clear.
    let ext_key = step(
        "openim/sendmsg",
        serde_json::json!({"From_Account": "ann", "To_Account": "bob", "MsgRandom": 2, "MsgBody": text, "SupportMessageExtension": 1}),
    )
    .unwrap()["MsgKey"]
        .as_str()
        .unwrap()
        .to_owned();
    for (operate, list) in [
        (
            1,
            serde_json::json!([{"Key": "k1", "Value": "v1", "Seq": 0}]),
        ),
        (
            1,
            serde_json::json!([{"Key": "k1", "Value": "late", "Seq": 0}]),
        ),
        (2, serde_json::json!([{"Key": "k1", "Value": "", "Seq": 1}])),
        (3, Value::Null),
    ] {
        let mut req = serde_json::json!({"From_Account": "bob", "To_Account": "ann", "MsgKey": ext_key, "OperateType": operate});
        if !list.is_null() {
            req["ExtensionList"] = list;
        }
        step("openim_msg_ext_http_svc/set_key_values", req).unwrap();
    }

    // Read receipts of one-to-one messages.
    let key = step(
        "openim/sendmsg",
        serde_json::json!({"From_Account": "ann", "To_Account": "bob", "MsgRandom": 1, "MsgBody": text}),
    )
    .unwrap()["MsgKey"]
        .as_str()
        .unwrap()
        .to_owned();
    step(
        "openim/c2c_msg_read_receipt",
        serde_json::json!({"Operator_Account": "bob", "Peer_Account": "ann", "C2CMsgInfo": []}),
    )
    .unwrap();
    assert_eq!(
        commands_of("openim/c2c_msg_read_receipt"),
        Vec::<String>::new(),
        "no receipt, no callback"
    );
    step(
        "openim/c2c_msg_read_receipt",
        serde_json::json!({"Operator_Account": "bob", "Peer_Account": "ann", "C2CMsgInfo": [{"From_Account": "ann", "To_Account": "bob", "MsgKey": key}]}),
    )
    .unwrap();

    let sent = sent.into_inner();
    let body = |path: &str, command: &str| -> Vec<Value> {
        sent.iter()
            .filter(|(p, c, _)| p == path && c == command)
            .map(|(.., b)| b.clone())
            .collect()
    };
    assert_eq!(
        body(
            "million_group_open_http_svc/create_topic",
            "Group.CallbackBeforeCreateTopic"
        ),
        [
            serde_json::json!({"CallbackCommand": "Group.CallbackBeforeCreateTopic", "Operator_Account": "ann", "Type": "Community", "Name": "forbidden"}),
            serde_json::json!({"CallbackCommand": "Group.CallbackBeforeCreateTopic", "Operator_Account": "ann", "Type": "Community", "Name": "news"}),
        ]
    );
    assert_eq!(
        body(
            "million_group_open_http_svc/create_topic",
            "Group.CallbackAfterCreateTopic"
        ),
        [
            serde_json::json!({"CallbackCommand": "Group.CallbackAfterCreateTopic", "GroupId": community, "TopicId": topic, "Operator_Account": "ann", "Owner_Account": "ann", "Type": "Community", "Name": "news"})
        ],
        "one after callback: the refused topic sends none"
    );
    let changed = &body(
        "million_group_open_http_svc/modify_topic",
        "Group.CallbackAfterTopicInfoChanged",
    )[0];
    assert_eq!(changed["Name"], "news-2");
    assert_eq!(changed["GroupId"], community.as_str());
    assert!(changed.get("FaceUrl").is_none(), "only what changed");
    assert_eq!(
        body(
            "million_group_open_http_svc/destroy_topic",
            "Group.CallbackAfterTopicDestroyed"
        )[0]["TopicIdList"],
        serde_json::json!([topic]),
        "only the topic that was deleted"
    );
    let attr_changed = |path: &str| {
        let b = &body(path, "Group.CallbackAfterGroupAttrChanged")[0];
        (b["OptionType"].clone(), b["GroupAttr"].clone())
    };
    assert_eq!(
        attr_changed("group_open_http_svc/set_group_attr"),
        (serde_json::json!("set"), attrs)
    );
    assert_eq!(
        attr_changed("group_open_http_svc/modify_group_attr"),
        (
            serde_json::json!("modify"),
            serde_json::json!([{"key": "a", "value": "3"}])
        )
    );
    assert_eq!(
        attr_changed("group_open_http_svc/delete_group_attr"),
        (
            serde_json::json!("delete"),
            serde_json::json!([{"key": "b", "value": "2"}])
        )
    );
    assert_eq!(
        attr_changed("group_open_http_svc/clear_group_attr"),
        (serde_json::json!("clear"), Value::Null)
    );
    let member = &body(
        "group_open_http_svc/modify_group_member_info",
        "Group.CallbackAfterMemberFieldChanged",
    )[0];
    assert_eq!(
        (
            &member["Member_Account"],
            &member["Role"],
            &member["NameCard"]
        ),
        (
            &serde_json::json!("bob"),
            &serde_json::json!("Admin"),
            &serde_json::json!("Bobby")
        )
    );
    assert!(
        member["EventTime"].as_u64().unwrap() > 1_000_000_000_000,
        "ms"
    );

    let extensions: Vec<(Value, Value, Value)> = body(
        "openim_msg_ext_http_svc/group_set_key_values",
        "Group.CallbackAfterGroupMsgExtension",
    )
    .into_iter()
    .map(|b| {
        assert_eq!(
            (&b["GroupId"], &b["MsgSeq"]),
            (&Value::from(public.as_str()), &Value::from(seq))
        );
        (
            b["OperateType"].clone(),
            b["ExtensionList"].clone(),
            b["Seq"].clone(),
        )
    })
    .collect();
    assert_eq!(
        extensions,
        [
            (
                serde_json::json!(1),
                serde_json::json!([{"Key": "k1", "Value": "v1", "Seq": 1}, {"Key": "k2", "Value": "v2", "Seq": 1}]),
                serde_json::json!(1)
            ),
            (
                serde_json::json!(2),
                serde_json::json!([{"Key": "k1", "Value": "", "Seq": 2}]),
                serde_json::json!(2)
            ),
            (
                serde_json::json!(3),
                serde_json::json!([]),
                serde_json::json!(3)
            ),
        ]
    );
    let c2c_extensions: Vec<Value> = body(
        "openim_msg_ext_http_svc/set_key_values",
        "C2C.CallbackAfterC2CMsgExtension",
    )
    .into_iter()
    .map(|mut b| {
        assert!(b["EventTime"].as_u64().unwrap() > 1_000_000_000_000, "ms");
        b.as_object_mut().unwrap().remove("EventTime");
        b
    })
    .collect();
    let c2c_ext = |operate: u8, list: Value, seq: u64| {
        serde_json::json!({"CallbackCommand": "C2C.CallbackAfterC2CMsgExtension",
            "From_Account": "ann", "To_Account": "bob", "MsgKey": ext_key,
            "OperateType": operate, "ExtensionList": list, "Seq": seq})
    };
    assert_eq!(
        c2c_extensions,
        [
            c2c_ext(
                1,
                serde_json::json!([{"Key": "k1", "Value": "v1", "Seq": 1}]),
                1
            ),
            c2c_ext(
                2,
                serde_json::json!([{"Key": "k1", "Value": "", "Seq": 2}]),
                2
            ),
            c2c_ext(3, serde_json::json!([]), 3),
        ],
        "the message's sender and recipient; the conflicting write sends nothing"
    );
    let receipt = &body(
        "openim/c2c_msg_read_receipt",
        "C2C.CallbackAfterMsgReadReceipt",
    )[0];
    assert_eq!(
        (
            &receipt["Operator_Account"],
            &receipt["Peer_Account"],
            &receipt["C2CMsgInfo"]
        ),
        (
            &serde_json::json!("bob"),
            &serde_json::json!("ann"),
            &serde_json::json!([{"From_Account": "ann", "To_Account": "bob", "MsgKey": key}])
        )
    );

    // Every listed pair of these commands was exercised, and nothing else came of them.
    let mut fired: Vec<(&str, &str)> = tim_emulator::FIRED_CALLBACKS
        .iter()
        .filter(|(command, _)| LATER_COMMANDS.contains(command))
        .map(|(command, endpoint)| (*endpoint, *command))
        .collect();
    fired.sort_unstable();
    let mut got: Vec<(&str, &str)> = sent
        .iter()
        .filter(|(_, c, _)| LATER_COMMANDS.contains(&c.as_str()))
        .map(|(p, c, _)| (p.as_str(), c.as_str()))
        .collect();
    got.sort_unstable();
    got.dedup();
    assert_eq!(got, fired);
    let mut later: Vec<&str> = fired.iter().map(|(_, c)| *c).collect();
    later.sort_unstable();
    later.dedup();
    let mut listed = LATER_COMMANDS.to_vec();
    listed.sort_unstable();
    assert_eq!(later, listed, "every command of LATER_COMMANDS is fired");
}
