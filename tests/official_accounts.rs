//! End to end, over loopback HTTP: the client manages official accounts on the emulator,
//! the emulator sends the `OfficialAccount.*` callbacks to the app's server (a
//! `tim_emulator::CallbackReceiver` with a `tim_webhook::Receiver`), and the app's answers
//! decide: a refused creation fails with 20006, refused subscribers get `Result` 0, a
//! refused message fails with 10016 and is not stored, a discarded one is acknowledged but
//! not stored, a modified one is stored modified.

mod common;

use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use tim_client::common::{CustomElem, MsgElement};
use tim_emulator::{CallbackConfig, CallbackReceiver};
use tim_webhook::callbacks::official_account::{
    BeforeAddSubscriberAnswer, BeforeCreateOfficialAccountAnswer, BeforeSendMsgAnswer,
};
use tim_webhook::{Event, Receiver, answer_body, ok_answer};

const TOKEN: &str = "official-account-callback-token";

/// The events the app's server accepted: command and body.
type Seen = Arc<Mutex<Vec<(String, Value)>>>;

/// The app's server: refuses an official account named "forbidden", refuses "mallory" as a
/// subscriber, refuses the message "spam", drops "hush", stamps "hello" with a level.
fn app_server() -> (CallbackReceiver, Seen) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let server = CallbackReceiver::start(
        "127.0.0.1:0",
        Receiver::new(common::APP).token(TOKEN),
        move |callback| {
            let Ok(callback) = callback else {
                return b"{}".to_vec();
            };
            log.lock().unwrap().push((
                callback.query.command.clone(),
                serde_json::to_value(&callback.event).unwrap(),
            ));
            match &callback.event {
                Event::OfficialAccountBeforeCreateOfficialAccount(c) if c.name == "forbidden" => {
                    answer_body(&BeforeCreateOfficialAccountAnswer::refuse())
                }
                Event::OfficialAccountBeforeAddSubscriber(_) => answer_body(
                    &BeforeAddSubscriberAnswer::allow().refused_subscribers_account(["mallory"]),
                ),
                Event::OfficialAccountBeforeSendMsg(m) => {
                    let said = match m.msg_body.as_slice() {
                        [MsgElement::Text(t)] => t.text.as_str(),
                        _ => "",
                    };
                    let answer = match said {
                        "spam" => BeforeSendMsgAnswer::refuse(),
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
                _ => ok_answer(),
            }
        },
    )
    .expect("receiver starts");
    (server, seen)
}

fn text(s: &str) -> Value {
    json!([{"MsgType": "TIMTextElem", "MsgContent": {"Text": s}}])
}

#[test]
fn official_accounts_send_their_callbacks_and_the_app_decides() {
    let (server, seen) = app_server();
    let emu = tim_emulator::Emulator::start(
        common::config()
            .accounts(["owner", "bob", "mallory"])
            .callbacks(CallbackConfig::new(&server.url()).unwrap().token(TOKEN)),
    )
    .unwrap();
    let client = common::client(&emu);
    let call = |command: &str, body: Value| {
        let endpoint =
            tim_client::endpoints::by_path(&format!("v4/official_account_open_http_svc/{command}"))
                .unwrap();
        client.send_json(endpoint, &body)
    };
    let code = |e: tim_client::Error| e.code().map(|c| c.code());

    let refused = call(
        "create_official_account",
        json!({"Owner_Account": "owner", "Name": "forbidden"}),
    )
    .unwrap_err();
    assert_eq!(code(refused), Some(20006));
    let created = call(
        "create_official_account",
        json!({"Owner_Account": "owner", "OfficialAccountUserID": "@TOA#_news", "Name": "News", "MaxSubscriberNum": 1}),
    )
    .unwrap();
    assert_eq!(created["OfficialAccountUserID"], "@TOA#_news");

    let added = call(
        "add_subscriber",
        json!({"Official_Account": "@TOA#_news", "SubscriberList": [{"Subscriber_Account": "mallory"}, {"Subscriber_Account": "bob"}]}),
    )
    .unwrap();
    assert_eq!(
        added["SubscriberList"],
        json!([{"Subscriber_Account": "mallory", "Result": 0}, {"Subscriber_Account": "bob", "Result": 1}]),
        "the app refused mallory"
    );

    let spam = call(
        "send_official_account_msg",
        json!({"Official_Account": "@TOA#_news", "Random": 1, "MsgBody": text("spam")}),
    )
    .unwrap_err();
    assert_eq!(code(spam), Some(10016));
    let hushed = call(
        "send_official_account_msg",
        json!({"Official_Account": "@TOA#_news", "Random": 2, "MsgBody": text("hush")}),
    )
    .unwrap();
    assert!(
        hushed["MsgKey"].is_string(),
        "a discarded message is acknowledged"
    );
    let sent = call(
        "send_official_account_msg",
        json!({"Official_Account": "@TOA#_news", "Random": 3, "MsgBody": text("hello")}),
    )
    .unwrap();
    let key = sent["MsgKey"].as_str().unwrap().to_owned();
    let history = call(
        "official_account_msg_get_simple",
        json!({"Official_Account": "@TOA#_news"}),
    )
    .unwrap();
    let list = history["RspMsgList"].as_array().unwrap();
    assert_eq!(
        list.len(),
        1,
        "only the allowed message is stored: {history}"
    );
    assert_eq!(list[0]["MsgKey"], key.as_str());
    assert_eq!(
        list[0]["MsgBody"][1]["MsgType"], "TIMCustomElem",
        "stored modified"
    );

    call(
        "official_account_msg_recall",
        json!({"Official_Account": "@TOA#_news", "MsgKeyList": [key]}),
    )
    .unwrap();
    call(
        "modify_official_account_base_info",
        json!({"Official_Account": "@TOA#_news", "Name": "Morning news"}),
    )
    .unwrap();
    call(
        "delete_subscriber",
        json!({"Official_Account": "@TOA#_news", "SubscriberToDel_Account": ["bob"]}),
    )
    .unwrap();
    call(
        "destroy_official_account",
        json!({"Official_Account": "@TOA#_news"}),
    )
    .unwrap();

    let seen = seen.lock().unwrap().clone();
    let commands: Vec<&str> = seen.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(
        commands,
        [
            "OfficialAccount.CallbackBeforeCreateOfficialAccount",
            "OfficialAccount.CallbackBeforeCreateOfficialAccount",
            "OfficialAccount.CallbackAfterCreateOfficialAccount",
            "OfficialAccount.CallbackBeforeAddSubscriber",
            "OfficialAccount.CallbackAfterAddSubscriber",
            "OfficialAccount.CallbackAfterOfficialAccountFull",
            "OfficialAccount.CallbackBeforeSendMsg",
            "OfficialAccount.CallbackBeforeSendMsg",
            "OfficialAccount.CallbackBeforeSendMsg",
            "OfficialAccount.CallbackAfterSendMsg",
            "OfficialAccount.CallbackAfterMsgWithDraw",
            "OfficialAccount.CallbackAfterOfficialAccountInfoChanged",
            "OfficialAccount.CallbackAfterDeleteSubscriber",
            "OfficialAccount.CallbackAfterOfficialAccountDestroyed",
        ]
    );
    let body = |command: &str| {
        seen.iter()
            .find(|(c, _)| c == command)
            .map(|(_, b)| b.clone())
            .unwrap()
    };
    assert_eq!(
        body("OfficialAccount.CallbackAfterCreateOfficialAccount")["Official_Account"],
        "@TOA#_news"
    );
    assert_eq!(
        body("OfficialAccount.CallbackBeforeAddSubscriber")["SubscribeAccountList"],
        json!([{"Subscriber_Account": "mallory"}, {"Subscriber_Account": "bob"}])
    );
    assert_eq!(
        body("OfficialAccount.CallbackAfterAddSubscriber")["SubscribeAccountList"],
        json!([{"Subscriber_Account": "bob"}])
    );
    assert_eq!(
        body("OfficialAccount.CallbackAfterSendMsg")["MsgKey"],
        key.as_str()
    );
    assert_eq!(
        body("OfficialAccount.CallbackAfterMsgWithDraw")["WithdrawMsgList"],
        json!([{"MsgKey": key}])
    );
    assert_eq!(
        body("OfficialAccount.CallbackAfterOfficialAccountInfoChanged")["Name"],
        "Morning news"
    );
    assert_eq!(
        body("OfficialAccount.CallbackAfterDeleteSubscriber")["SubscribeAccountList"],
        json!([{"Subscriber_Account": "bob"}])
    );
    assert_eq!(
        body("OfficialAccount.CallbackAfterOfficialAccountDestroyed")["Name"],
        "Morning news"
    );

    // What the emulator says it fires for official accounts is what fired.
    let mut fired: Vec<&str> = tim_emulator::FIRED_CALLBACKS
        .iter()
        .filter(|(command, _)| command.starts_with("OfficialAccount."))
        .map(|(command, _)| *command)
        .collect();
    fired.sort_unstable();
    fired.dedup();
    let mut got = commands.clone();
    got.sort_unstable();
    got.dedup();
    assert_eq!(got, fired);
}
