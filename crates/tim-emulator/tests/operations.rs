//! The operations families keep state: global mutes on the emulator's clock that refuse the
//! muted sender's messages, official accounts with their subscribers and broadcast
//! messages, and chatbots that are accounts. A failing call changes nothing.

mod common;

use std::time::Duration;

use common::Harness;
use serde_json::{Value, json};

const CONFIG: &str = "openconfigsvr";
const OA: &str = "official_account_open_http_svc";
const ROBOT: &str = "openim_robot_http_svc";

fn with_users(users: &[&str]) -> Harness {
    let h = Harness::start();
    h.ok(
        "im_open_login_svc/multiaccount_import",
        json!({ "Accounts": users }),
    );
    h
}

fn text(s: &str) -> Value {
    json!([{"MsgType": "TIMTextElem", "MsgContent": {"Text": s}}])
}

fn c2c(h: &Harness, from: &str, to: &str, random: u32) -> i64 {
    h.code(
        "openim/sendmsg",
        json!({"From_Account": from, "To_Account": to, "MsgRandom": random, "MsgBody": text("hi")}),
    )
}

fn group_send(h: &Harness, group: &str, from: &str, random: u32) -> i64 {
    h.code(
        "group_open_http_svc/send_group_msg",
        json!({"GroupId": group, "From_Account": from, "Random": random, "MsgBody": text("hi")}),
    )
}

fn mute_of(h: &Harness, account: &str) -> (u64, u64) {
    let v = h.ok(
        &format!("{CONFIG}/getnospeaking"),
        json!({"Get_Account": account}),
    );
    (
        v["C2CmsgNospeakingTime"].as_u64().expect("C2C"),
        v["GroupmsgNospeakingTime"].as_u64().expect("Group"),
    )
}

// ----- global mute -----

#[test]
fn a_global_mute_is_read_back_and_runs_out_on_the_clock() {
    let h = with_users(&["alice"]);
    assert_eq!(mute_of(&h, "alice"), (0, 0));
    h.ok(
        &format!("{CONFIG}/setnospeaking"),
        json!({"Set_Account": "alice", "C2CmsgNospeakingTime": 4_294_967_295u32, "GroupmsgNospeakingTime": 7200}),
    );
    assert_eq!(mute_of(&h, "alice"), (4_294_967_295, 7200));
    h.clock.advance(Duration::from_secs(4));
    assert_eq!(mute_of(&h, "alice"), (4_294_967_295, 7196));
    // A period left out keeps its value; 0 unmutes.
    h.ok(
        &format!("{CONFIG}/setnospeaking"),
        json!({"Set_Account": "alice", "C2CmsgNospeakingTime": 0}),
    );
    assert_eq!(mute_of(&h, "alice"), (0, 7196));
    h.clock.advance(Duration::from_secs(7196));
    assert_eq!(mute_of(&h, "alice"), (0, 0));
}

#[test]
fn global_mute_errors_are_the_pages_codes_and_change_nothing() {
    let h = with_users(&["alice"]);
    let set = format!("{CONFIG}/setnospeaking");
    let get = format!("{CONFIG}/getnospeaking");
    assert_eq!(h.code(&set, json!({"Set_Account": "alice"})), 130_008);
    assert_eq!(h.code(&set, json!({"C2CmsgNospeakingTime": 60})), 130_004);
    assert_eq!(
        h.code(
            &set,
            json!({"Set_Account": "ghost", "C2CmsgNospeakingTime": 60})
        ),
        130_005
    );
    assert_eq!(h.code(&get, json!({})), 130_002);
    assert_eq!(h.code(&get, json!({"Get_Account": "ghost"})), 130_003);
    assert_eq!(
        h.code(
            &set,
            json!({"Set_Account": "alice", "C2CmsgNospeakingTime": "x"})
        ),
        130_001
    );
    assert_eq!(mute_of(&h, "alice"), (0, 0));
}

#[test]
fn a_globally_muted_sender_is_refused_until_the_mute_ends() {
    let h = with_users(&["alice", "bob"]);
    let group = h.ok(
        "group_open_http_svc/create_group",
        json!({"Type": "Public", "Name": "g", "Owner_Account": "alice", "MemberList": [{"Member_Account": "bob"}]}),
    )["GroupId"]
        .as_str()
        .expect("GroupId")
        .to_owned();
    h.ok(
        &format!("{CONFIG}/setnospeaking"),
        json!({"Set_Account": "alice", "C2CmsgNospeakingTime": 60}),
    );
    assert_eq!(c2c(&h, "alice", "bob", 1), 20012);
    assert_eq!(
        h.code(
            "openim/batchsendmsg",
            json!({"From_Account": "alice", "To_Account": ["bob"], "MsgRandom": 9,
                   "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi"}}]})
        ),
        20012
    );
    // Only one-to-one messages are muted: group messages still go.
    assert_eq!(group_send(&h, &group, "alice", 2), 0);
    assert_eq!(c2c(&h, "bob", "alice", 3), 0);
    h.ok(
        &format!("{CONFIG}/setnospeaking"),
        json!({"Set_Account": "bob", "GroupmsgNospeakingTime": 30}),
    );
    assert_eq!(group_send(&h, &group, "bob", 4), 10017);
    assert_eq!(c2c(&h, "bob", "alice", 5), 0);
    // The refused messages were not stored.
    let history = h.ok(
        "group_open_http_svc/group_msg_get_simple",
        json!({"GroupId": group, "ReqMsgNumber": 20}),
    );
    assert_eq!(history["RspMsgList"].as_array().map(Vec::len), Some(1));
    h.clock.advance(Duration::from_secs(60));
    assert_eq!(c2c(&h, "alice", "bob", 6), 0);
    assert_eq!(group_send(&h, &group, "bob", 7), 0);
}

// ----- official accounts -----

fn oa(h: &Harness, command: &str, body: Value) -> Value {
    h.ok(&format!("{OA}/{command}"), body)
}

fn oa_code(h: &Harness, command: &str, body: Value) -> i64 {
    h.code(&format!("{OA}/{command}"), body)
}

fn create_oa(h: &Harness, body: Value) -> String {
    oa(h, "create_official_account", body)["OfficialAccountUserID"]
        .as_str()
        .expect("OfficialAccountUserID")
        .to_owned()
}

fn info(h: &Harness, id: &str) -> Value {
    oa(
        h,
        "get_official_account_info",
        json!({"OfficialAccountIdList": [{"Official_Account": id}]}),
    )["OfficialAccountInfoList"][0]
        .clone()
}

fn results(v: &Value) -> Vec<(String, u64)> {
    v["SubscriberList"]
        .as_array()
        .expect("SubscriberList")
        .iter()
        .map(|r| {
            (
                r["Subscriber_Account"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                r["Result"].as_u64().unwrap_or(99),
            )
        })
        .collect()
}

#[test]
fn official_accounts_are_created_modified_read_and_destroyed() {
    let h = with_users(&["owner"]);
    let custom = create_oa(
        &h,
        json!({"Owner_Account": "owner", "OfficialAccountUserID": "@TOA#_news", "Name": "News", "Introduction": "daily"}),
    );
    assert_eq!(custom, "@TOA#_news");
    let generated = create_oa(&h, json!({"Owner_Account": "owner", "Name": "Other"}));
    assert!(generated.starts_with("@TOA#_@TOA#"), "{generated}");
    assert_ne!(generated, custom);

    let i = info(&h, "@TOA#_news");
    assert_eq!(i["Name"], "News");
    assert_eq!(i["Owner_Account"], "owner");
    assert_eq!(i["Introduction"], "daily");
    assert_eq!(i["SubscriberNum"], 0);
    assert_eq!(i["MaxSubscriberNum"], 100_000);
    assert_eq!(i["CreateTime"], h.now_secs());

    oa(
        &h,
        "modify_official_account_base_info",
        json!({"Official_Account": "@TOA#_news", "Name": "Morning news", "CustomString": "x"}),
    );
    let i = info(&h, "@TOA#_news");
    assert_eq!(i["Name"], "Morning news");
    assert_eq!(i["Introduction"], "daily");
    assert_eq!(i["CustomString"], "x");

    // The filter selects fields.
    let v = oa(
        &h,
        "get_official_account_info",
        json!({"OfficialAccountIdList": [{"Official_Account": "@TOA#_news"}, {"Official_Account": "@TOA#_none"}],
               "ResponseFilter": {"OfficialAccountBaseInfoFilter": ["Name"]}}),
    );
    let list = &v["OfficialAccountInfoList"];
    assert_eq!(list[0]["Name"], "Morning news");
    assert!(list[0].get("Owner_Account").is_none(), "{v}");
    assert_eq!(list[1]["ErrorCode"], 130_004);

    oa(
        &h,
        "destroy_official_account",
        json!({"Official_Account": "@TOA#_news"}),
    );
    assert_eq!(
        oa_code(
            &h,
            "destroy_official_account",
            json!({"Official_Account": "@TOA#_news"})
        ),
        130_004
    );
    assert_eq!(info(&h, "@TOA#_news")["ErrorCode"], 130_004);
    // The ID can be used again once destroyed.
    create_oa(
        &h,
        json!({"Owner_Account": "owner", "OfficialAccountUserID": "@TOA#_news", "Name": "News"}),
    );
}

#[test]
fn official_account_creation_checks_the_id_and_the_owner() {
    let h = with_users(&["owner"]);
    let create = |body: Value| oa_code(&h, "create_official_account", body);
    create_oa(
        &h,
        json!({"Owner_Account": "owner", "OfficialAccountUserID": "@TOA#_a", "Name": "A"}),
    );
    assert_eq!(
        create(json!({"Owner_Account": "owner", "OfficialAccountUserID": "@TOA#_a", "Name": "B"})),
        130_008
    );
    for bad in ["news", "@TOA#_@TOA#x", "@TOA#_caf\u{e9}"] {
        assert_eq!(
            create(json!({"Owner_Account": "owner", "OfficialAccountUserID": bad, "Name": "B"})),
            130_007,
            "{bad}"
        );
    }
    assert_eq!(create(json!({"Owner_Account": "ghost", "Name": "B"})), 6017);
    assert_eq!(
        oa_code(
            &h,
            "modify_official_account_base_info",
            json!({"Official_Account": "@TOA#_none", "Name": "x"})
        ),
        130_004
    );
    let v = oa(
        &h,
        "get_subscribed_official_account_list",
        json!({"Subscriber_Account": "owner"}),
    );
    assert_eq!(v["TotalCount"], 0);
}

#[test]
fn subscribers_are_added_listed_modified_and_removed() {
    let h = with_users(&["owner", "u1", "u2", "u3"]);
    let id = create_oa(
        &h,
        json!({"Owner_Account": "owner", "Name": "A", "MaxSubscriberNum": 2}),
    );
    let v = oa(
        &h,
        "add_subscriber",
        json!({"Official_Account": id, "SubscriberList": [{"Subscriber_Account": "u1"}, {"Subscriber_Account": "ghost"}]}),
    );
    assert_eq!(results(&v), [("u1".into(), 1), ("ghost".into(), 0)]);
    let v = oa(
        &h,
        "add_subscriber",
        json!({"Official_Account": id, "SubscriberList": [{"Subscriber_Account": "u1"}, {"Subscriber_Account": "u2"}, {"Subscriber_Account": "u3"}]}),
    );
    // Already subscribed, subscribed, past MaxSubscriberNum.
    assert_eq!(
        results(&v),
        [("u1".into(), 2), ("u2".into(), 1), ("u3".into(), 0)]
    );
    assert_eq!(info(&h, &id)["SubscriberNum"], 2);

    oa(
        &h,
        "modify_subscriber_info",
        json!({"Official_Account": id, "Subscriber_Account": "u2", "CustomString": "vip"}),
    );
    assert_eq!(
        oa_code(
            &h,
            "modify_subscriber_info",
            json!({"Official_Account": id, "Subscriber_Account": "u3", "CustomString": "vip"})
        ),
        6017
    );

    // Paged by Next.
    let page1 = oa(
        &h,
        "get_subscriber_info",
        json!({"Official_Account": id, "Limit": 1, "Next": ""}),
    );
    assert_eq!(page1["SubscriberNum"], 2);
    assert_eq!(page1["SubscriberList"][0]["Subscriber_Account"], "u1");
    let next = page1["Next"].as_str().expect("Next").to_owned();
    assert!(!next.is_empty());
    let page2 = oa(
        &h,
        "get_subscriber_info",
        json!({"Official_Account": id, "Limit": 1, "Next": next}),
    );
    assert_eq!(page2["SubscriberList"][0]["Subscriber_Account"], "u2");
    assert_eq!(page2["SubscriberList"][0]["CustomString"], "vip");
    assert_eq!(page2["Next"], "");

    let mine = oa(
        &h,
        "get_subscribed_official_account_list",
        json!({"Subscriber_Account": "u2"}),
    );
    assert_eq!(mine["TotalCount"], 1);
    let entry = &mine["OfficialAccountInfoList"][0];
    assert_eq!(entry["Official_Account"], id.as_str());
    assert_eq!(entry["SelfInfo"]["CustomString"], "vip");
    assert_eq!(entry["SelfInfo"]["SubscribeTime"], h.now_secs());

    let v = oa(
        &h,
        "delete_subscriber",
        json!({"Official_Account": id, "SubscriberToDel_Account": ["u1", "u3"]}),
    );
    assert_eq!(results(&v), [("u1".into(), 1), ("u3".into(), 2)]);
    assert_eq!(info(&h, &id)["SubscriberNum"], 1);
    assert_eq!(
        oa_code(
            &h,
            "add_subscriber",
            json!({"Official_Account": "@TOA#_none", "SubscriberList": [{"Subscriber_Account": "u1"}]})
        ),
        130_004
    );
}

fn send_oa(h: &Harness, id: &str, random: u32, body: &str) -> (String, u64) {
    let v = oa(
        h,
        "send_official_account_msg",
        json!({"Official_Account": id, "Random": random, "MsgBody": text(body)}),
    );
    (
        v["MsgKey"].as_str().expect("MsgKey").to_owned(),
        v["MsgTime"].as_u64().expect("MsgTime"),
    )
}

fn history(h: &Harness, body: Value) -> Value {
    oa(h, "official_account_msg_get_simple", body)
}

fn keys(v: &Value) -> Vec<String> {
    v["RspMsgList"]
        .as_array()
        .expect("RspMsgList")
        .iter()
        .map(|m| m["MsgKey"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn official_account_messages_are_sent_paged_and_recalled() {
    let h = with_users(&["owner"]);
    let id = create_oa(&h, json!({"Owner_Account": "owner", "Name": "A"}));
    let (k1, t1) = send_oa(&h, &id, 1, "one");
    assert_eq!(k1, format!("1_1_{t1}"));
    // The same Random and body within 5 minutes is the same message.
    assert_eq!(send_oa(&h, &id, 1, "one").0, k1);
    h.clock.advance(Duration::from_secs(1));
    let (k2, _) = send_oa(&h, &id, 2, "two");
    let (k3, t3) = send_oa(&h, &id, 3, "three");
    assert_eq!(info(&h, &id)["LastMsgTime"], t3);

    let first = history(&h, json!({"Official_Account": id, "ReqMsgNumber": 2}));
    assert_eq!(keys(&first), [k3.clone(), k2.clone()]);
    assert_eq!(first["IsFinished"], 0);
    assert_eq!(
        first["RspMsgList"][0]["MsgBody"][0]["MsgContent"]["Text"],
        "three"
    );
    let rest = history(
        &h,
        json!({"Official_Account": id, "ReqMsgNumber": 2, "LastMsgKey": first["LastMsgKey"]}),
    );
    assert_eq!(keys(&rest), [k1.as_str()]);
    assert_eq!(rest["IsFinished"], 1);

    let v = oa(
        &h,
        "official_account_msg_recall",
        json!({"Official_Account": id, "MsgKeyList": [k2, "9_1_1"]}),
    );
    assert_eq!(v["RecallRetList"][0]["RetCode"], 0);
    assert_eq!(v["RecallRetList"][1]["RetCode"], 10030);
    let v = oa(
        &h,
        "official_account_msg_recall",
        json!({"Official_Account": id, "MsgKeyList": [k2]}),
    );
    assert_ne!(v["RecallRetList"][0]["RetCode"], 0);
    let all = history(&h, json!({"Official_Account": id}));
    assert_eq!(keys(&all), [k3.clone(), k1.clone()]);
    let with = history(&h, json!({"Official_Account": id, "WithRecalledMsg": 1}));
    assert_eq!(keys(&with).len(), 3);
    assert_eq!(
        oa_code(
            &h,
            "official_account_msg_recall",
            json!({"Official_Account": "@TOA#_none", "MsgKeyList": [k1]})
        ),
        10010
    );
    assert_eq!(
        oa_code(
            &h,
            "send_official_account_msg",
            json!({"Official_Account": "@TOA#_none", "Random": 1, "MsgBody": text("x")})
        ),
        130_004
    );
}

// ----- chatbots -----

fn robots(h: &Harness) -> Vec<String> {
    serde_json::from_value(
        h.ok(&format!("{ROBOT}/get_all_robots"), json!({}))["Robot_Account"].clone(),
    )
    .expect("Robot_Account")
}

#[test]
fn chatbots_are_accounts_that_are_listed_and_invalidated() {
    let h = with_users(&["user"]);
    let create = format!("{ROBOT}/create_robot");
    h.ok(&create, json!({"UserID": "@RBT#b", "Nick": "Jarvis"}));
    h.ok(&create, json!({"UserID": "@RBT#a"}));
    h.ok(&create, json!({"UserID": "@RBT#b", "Nick": "Jarvis"}));
    assert_eq!(robots(&h), ["@RBT#b", "@RBT#a"]);
    assert_eq!(h.code(&create, json!({"UserID": "bot"})), 10004);

    // A chatbot exists for openim and the profile.
    assert_eq!(c2c(&h, "@RBT#b", "user", 1), 0);
    assert_eq!(c2c(&h, "user", "@RBT#b", 2), 0);
    let p = h.ok(
        "profile/portrait_get",
        json!({"To_Account": ["@RBT#b"], "TagList": ["Tag_Profile_IM_Nick"]}),
    );
    assert_eq!(
        p["UserProfileItem"][0]["ProfileItem"][0]["Value"], "Jarvis",
        "{p}"
    );

    h.ok(
        &format!("{ROBOT}/delete_robot"),
        json!({"Robot_Account": "@RBT#b"}),
    );
    assert_eq!(robots(&h), ["@RBT#a"]);
    assert_eq!(
        h.code(
            &format!("{ROBOT}/delete_robot"),
            json!({"Robot_Account": "@RBT#b"})
        ),
        10004
    );
}

#[test]
fn at_most_twenty_chatbots() {
    let h = Harness::start();
    let create = format!("{ROBOT}/create_robot");
    for i in 0..20 {
        h.ok(&create, json!({"UserID": format!("@RBT#{i}")}));
    }
    assert_eq!(h.code(&create, json!({"UserID": "@RBT#20"})), 10008);
    assert_eq!(robots(&h).len(), 20);
    h.ok(
        &format!("{ROBOT}/delete_robot"),
        json!({"Robot_Account": "@RBT#0"}),
    );
    h.ok(&create, json!({"UserID": "@RBT#20"}));
}

#[test]
fn a_chatbot_streams_a_message_chunk_by_chunk() {
    let h = with_users(&["user"]);
    h.ok(
        &format!("{ROBOT}/create_robot"),
        json!({"UserID": "@RBT#bot"}),
    );
    let stream = format!("{ROBOT}/send_stream_msg");
    let key = h.ok(
        &stream,
        json!({"From_Account": "@RBT#bot", "To_Account": "user", "Chunk": "hello, "}),
    )["MsgKey"]
        .as_str()
        .expect("MsgKey")
        .to_owned();
    let again = h.ok(
        &stream,
        json!({"From_Account": "@RBT#bot", "To_Account": "user", "Chunk": "world", "MsgKey": key, "Finish": 1}),
    );
    assert_eq!(again["MsgKey"], key.as_str());
    assert_eq!(
        h.code(
            &stream,
            json!({"From_Account": "@RBT#bot", "To_Account": "user", "Chunk": "!", "MsgKey": key})
        ),
        10004
    );
    let roam = h.ok(
        "openim/admin_getroammsg",
        json!({"Operator_Account": "user", "Peer_Account": "@RBT#bot", "MaxCnt": 10,
               "MinTime": 0, "MaxTime": h.now_secs() + 1}),
    );
    assert_eq!(
        roam["MsgList"][0]["MsgBody"][0]["MsgContent"]["Text"], "hello, world",
        "{roam}"
    );
    // Only a valid chatbot streams.
    assert_eq!(
        h.code(
            &stream,
            json!({"From_Account": "user", "To_Account": "user", "Chunk": "x"})
        ),
        10004
    );
}

// ----- moderation keywords and on-demand moderation -----

const KW: &str = "im_msg_audit_mgr";
const AUDIT: &str = "im_msg_audit";

fn moderate(h: &Harness, content: &str) -> Value {
    h.ok(
        &format!("{AUDIT}/content_moderation"),
        json!({"AuditName": "C2C", "ContentType": "Text", "Content": content}),
    )
}

fn local_words(h: &Harness, body: Value) -> Vec<String> {
    h.ok(&format!("{KW}/get_local_audit_keywords"), body)["LocalAuditWords"]
        .as_array()
        .expect("LocalAuditWords")
        .iter()
        .map(|w| w["Keyword"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn a_listed_local_word_is_flagged_until_it_is_deleted() {
    let h = Harness::start();
    let clean = moderate(&h, "buy cheap spam now");
    assert_eq!(clean["Result"], "Pass");
    assert_eq!(clean["Keywords"], json!([]));

    h.ok(
        &format!("{KW}/add_local_audit_keywords"),
        json!({"SdkAppId": common::APP, "LocalAuditWords": [
            {"Keyword": "spam", "WordType": 1, "FilterType": 2},
            {"Keyword": "darn", "WordType": 1, "FilterType": 1, "ReplacedContent": "****"}
        ]}),
    );
    assert_eq!(
        local_words(&h, json!({"SdkAppId": common::APP})),
        ["spam", "darn"]
    );
    assert_eq!(
        local_words(&h, json!({"SdkAppId": common::APP, "FilterType": 1})),
        ["darn"]
    );

    let hit = moderate(&h, "buy cheap spam now");
    assert_eq!(hit["Result"], "Block");
    assert_eq!(hit["Keywords"], json!(["spam"]));
    assert_eq!(moderate(&h, "darn it")["Result"], "Review");

    let batch = h.ok(
        &format!("{AUDIT}/batch_content_moderation"),
        json!({"AuditName": "Group", "Contents": [
            {"ContentId": 0, "ContentType": "Text", "Content": "hello"},
            {"ContentId": 1, "ContentType": "Text", "Content": "more spam"},
            {"ContentId": 2, "ContentType": "Image", "Content": "https://example.com/1.jpg"},
            {"ContentId": 1, "ContentType": "Text", "Content": "again"}
        ]}),
    );
    let results = batch["AuditResults"].as_array().expect("AuditResults");
    assert_eq!(results[0]["Result"], "Pass");
    assert_eq!(results[1]["Result"], "Block");
    assert_eq!(results[1]["Keywords"], json!(["spam"]));
    assert_eq!(results[2]["Result"], "Pass");
    assert_eq!(results[3]["ErrorCode"], 60003, "a repeated ContentId");

    h.ok(
        &format!("{KW}/delete_local_audit_keywords"),
        json!({"SdkAppId": common::APP, "LocalAuditWords": [{"Keyword": "spam"}]}),
    );
    assert_eq!(moderate(&h, "buy cheap spam now")["Result"], "Pass");
    assert_eq!(local_words(&h, json!({"SdkAppId": common::APP})), ["darn"]);
}

#[test]
fn cloud_keywords_are_added_to_a_library_found_and_deleted() {
    let h = Harness::start();
    let libs = h.ok(
        &format!("{KW}/get_cloud_audit_keywords_ids"),
        json!({"SdkAppId": common::APP, "Offset": 0, "Limit": 10}),
    );
    assert_eq!(libs["TotalCount"], 1);
    let lib = libs["Infos"][0]["ID"].as_str().expect("ID").to_owned();
    h.ok(
        &format!("{KW}/add_cloud_audit_keywords"),
        json!({"SdkAppId": common::APP, "LibID": lib, "UserKeywords": [
            {"Content": "xyz123", "Label": "Ad"}, {"Content": "abc789"}
        ]}),
    );
    let found = h.ok(
        &format!("{KW}/get_cloud_audit_keywords"),
        json!({"SdkAppId": common::APP, "Offset": 0, "Limit": 10, "LibID": lib, "Content": "xyz"}),
    );
    assert_eq!(found["TotalCount"], 1);
    assert_eq!(found["Infos"][0]["Content"], "xyz123");
    let all = h.ok(
        &format!("{KW}/get_cloud_audit_keywords"),
        json!({"SdkAppId": common::APP, "Offset": 1, "Limit": 10, "LibID": lib}),
    );
    assert_eq!(all["TotalCount"], 2);
    assert_eq!(all["Infos"][0]["Content"], "abc789");

    let hit = moderate(&h, "visit xyz123 today");
    assert_eq!(hit["Result"], "Block");
    assert_eq!(hit["Label"], "Ad");

    let deleted = h.ok(
        &format!("{KW}/delete_cloud_audit_keywords"),
        json!({"SdkAppId": common::APP, "LibID": lib, "Keywords": ["xyz123", "nope"]}),
    );
    assert_eq!(deleted["Count"], 1);
    assert_eq!(deleted["Details"][0]["Deleted"], true);
    assert_eq!(deleted["Details"][1]["Deleted"], false);
    assert_eq!(moderate(&h, "visit xyz123 today")["Result"], "Pass");
}

// ----- timpush scheduled tasks -----

const PUSH: &str = "timpush";

/// 2023-11-14 22:13:20 UTC is the harness's start; these are later.
const IN_ONE_HOUR: &str = "2023-11-14 23:13:20";
const IN_TWO_HOURS: &str = "2023-11-15 00:13:20";

fn add_task(h: &Harness, task_type: &str, at: &str, content: Value) -> u64 {
    h.ok(
        &format!("{PUSH}/add_sched_task"),
        json!({"Sdkappid": common::APP, "Type": task_type, "SchedAt": at, "Content": content}),
    )["TaskID"]
        .as_u64()
        .expect("TaskID")
}

fn task(h: &Harness, id: u64) -> Value {
    h.ok(
        &format!("{PUSH}/get_sched_task"),
        json!({"Sdkappid": common::APP, "TaskID": id}),
    )["TaskInfo"]
        .clone()
}

fn list_ids(h: &Harness, order_by: &str, asc: bool, keyword: Option<&str>) -> Vec<u64> {
    let mut body = json!({"Sdkappid": common::APP, "Offset": 0, "Want": 10, "OrderBy": order_by,
        "Asc": asc, "BeginTime": "2023-11-14 00:00:00", "EndTime": "2023-11-16 00:00:00"});
    if let Some(k) = keyword {
        body["Keyword"] = json!(k);
    }
    h.ok(&format!("{PUSH}/list_sched_task"), body)["Tasks"]
        .as_array()
        .expect("Tasks")
        .iter()
        .map(|t| t["TaskID"].as_u64().unwrap_or_default())
        .collect()
}

fn note(title: &str) -> Value {
    json!({"From_Account": "administrator", "OfflinePushInfo": {"Title": title, "Desc": "text"}})
}

#[test]
fn scheduled_tasks_are_listed_modified_and_dispatched_on_the_clock() {
    let h = Harness::start();
    let later = add_task(&h, "All", IN_TWO_HOURS, note("evening"));
    let sooner = add_task(&h, "All", IN_ONE_HOUR, note("morning"));
    let t = task(&h, sooner);
    assert_eq!(t["Status"], "pending");
    assert_eq!(t["SchedAt"], IN_ONE_HOUR);
    assert_eq!(t["Title"], "morning");
    assert_eq!(t["CreateAt"], "2023-11-14 22:13:20");

    assert_eq!(list_ids(&h, "schedAt", true, None), [sooner, later]);
    assert_eq!(list_ids(&h, "createAt", false, None), [sooner, later]);
    assert_eq!(list_ids(&h, "createAt", true, Some("even")), [later]);

    h.ok(
        &format!("{PUSH}/modify_sched_task"),
        json!({"Sdkappid": common::APP, "TaskID": later, "Type": "All", "Content": note("night")}),
    );
    assert_eq!(task(&h, later)["Title"], "night");
    assert_eq!(task(&h, later)["SchedAt"], IN_TWO_HOURS);

    // The clock reaches the first task: dispatched, no longer modifiable or deletable.
    h.clock.advance(Duration::from_secs(3600));
    let t = task(&h, sooner);
    assert_eq!(t["Status"], "dispatched");
    assert_ne!(t["PushTaskID"], "");
    assert_eq!(task(&h, later)["Status"], "pending");
    assert_eq!(
        h.code(
            &format!("{PUSH}/delete_sched_task"),
            json!({"Sdkappid": common::APP, "TaskID": sooner, "Type": "All"})
        ),
        90107
    );
    assert_eq!(
        h.code(
            &format!("{PUSH}/modify_sched_task"),
            json!({"Sdkappid": common::APP, "TaskID": sooner, "Type": "All", "SchedAt": IN_TWO_HOURS})
        ),
        90107
    );

    // A pending task is deleted, and is gone.
    let deleted = h.ok(
        &format!("{PUSH}/delete_sched_task"),
        json!({"Sdkappid": common::APP, "TaskID": later, "Type": "All"}),
    );
    assert_eq!(deleted["TaskID"], later);
    assert_eq!(
        h.code(
            &format!("{PUSH}/get_sched_task"),
            json!({"Sdkappid": common::APP, "TaskID": later})
        ),
        90104
    );
    assert_eq!(list_ids(&h, "schedAt", true, None), [sooner]);
}

#[test]
fn scheduled_task_checks_answer_90104_and_change_nothing() {
    let h = Harness::start();
    let add = |body: Value| h.code(&format!("{PUSH}/add_sched_task"), body);
    let base = json!({"Sdkappid": common::APP, "Type": "All", "SchedAt": IN_ONE_HOUR, "Content": note("x")});
    let with = |k: &str, v: Value| {
        let mut b = base.clone();
        b[k] = v;
        b
    };
    assert_eq!(add(with("Sdkappid", json!(1))), 90104);
    assert_eq!(
        add(with("SchedAt", json!("2023-11-14 22:00:00"))),
        90104,
        "past"
    );
    assert_eq!(add(with("SchedAt", json!("tomorrow"))), 90104);
    assert_eq!(add(with("Type", json!("User"))), 90104, "no To_Account");
    assert_eq!(add(with("Type", json!("Tag"))), 90104, "no Condition");
    assert_eq!(list_ids(&h, "createAt", true, None), Vec::<u64>::new());

    // Past the endpoint's 5 calls a second.
    h.clock.advance(Duration::from_secs(1));
    let id = add_task(&h, "All", IN_ONE_HOUR, note("x"));
    assert_eq!(
        h.code(
            &format!("{PUSH}/delete_sched_task"),
            json!({"Sdkappid": common::APP, "TaskID": id, "Type": "User"})
        ),
        90104,
        "not the task's type"
    );
    assert_eq!(task(&h, id)["Status"], "pending");
}
