//! One-to-one messages (`openim/*`) keep state: only imported accounts (and the admin) send
//! and receive, messages are stored with `MsgKey` and read back in pages, recall, modify,
//! one-way delete, read marks, unread counts and import behave as the pages describe, and the
//! conversation appears in both parties' recent contacts.

mod common;

use std::time::Duration;

use common::{ADMIN, Harness};
use serde_json::{Value, json};

fn text(s: &str) -> Value {
    json!([{"MsgType": "TIMTextElem", "MsgContent": {"Text": s}}])
}

fn with_users(users: &[&str]) -> Harness {
    let h = Harness::start();
    h.ok(
        "im_open_login_svc/multiaccount_import",
        json!({ "Accounts": users }),
    );
    h
}

fn send(h: &Harness, from: &str, to: &str, random: u32, body: &str) -> Value {
    h.ok(
        "openim/sendmsg",
        json!({"From_Account": from, "To_Account": to, "MsgRandom": random, "MsgBody": text(body)}),
    )
}

fn history(h: &Harness, op: &str, peer: &str, max: u32, extra: Value) -> Value {
    let mut body = json!({
        "Operator_Account": op, "Peer_Account": peer, "MaxCnt": max,
        "MinTime": 0, "MaxTime": 4_000_000_000u64
    });
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    h.ok("openim/admin_getroammsg", body)
}

fn texts(page: &Value) -> Vec<String> {
    page["MsgList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            m["MsgBody"].get(0).map_or(String::new(), |e| {
                e["MsgContent"]["Text"].as_str().unwrap().to_owned()
            })
        })
        .collect()
}

#[test]
fn only_existing_accounts_send_and_receive() {
    let h = with_users(&["ann", "bob"]);
    let body = |from: &str, to: &str| json!({"From_Account": from, "To_Account": to, "MsgRandom": 1, "MsgBody": text("x")});
    assert_eq!(h.code("openim/sendmsg", body("zed", "bob")), 20003);
    assert_eq!(h.code("openim/sendmsg", body("ann", "zed")), 90012);
    // The admin exists without being imported: a missing From_Account sends as the admin.
    let sent = h.ok(
        "openim/sendmsg",
        json!({"To_Account": "bob", "MsgRandom": 2, "MsgBody": text("from admin")}),
    );
    assert_eq!(sent["MsgTime"], h.now_secs());
    let page = history(&h, "bob", ADMIN, 10, json!({}));
    assert_eq!(texts(&page), ["from admin"]);
}

#[test]
fn history_pages_backwards_with_last_msg_key() {
    let h = with_users(&["ann", "bob"]);
    let mut keys = Vec::new();
    for i in 0..5u32 {
        let sent = send(
            &h,
            if i % 2 == 0 { "ann" } else { "bob" },
            if i % 2 == 0 { "bob" } else { "ann" },
            100 + i,
            &format!("m{i}"),
        );
        let key = sent["MsgKey"].as_str().unwrap().to_owned();
        assert_eq!(key.split('_').count(), 3, "{key}");
        assert!(
            key.ends_with(&format!("_{}_{}", 100 + i, h.now_secs())),
            "{key}"
        );
        keys.push(key);
        h.clock.advance(Duration::from_secs(1));
    }
    // Newest first by page, each page oldest first; LastMsg* name the page's oldest.
    let first = history(&h, "ann", "bob", 2, json!({}));
    assert_eq!(texts(&first), ["m3", "m4"]);
    assert_eq!(first["Complete"], 0);
    assert_eq!(first["MsgCnt"], 2);
    assert_eq!(first["LastMsgKey"], keys[3].as_str());
    let second = history(
        &h,
        "ann",
        "bob",
        2,
        json!({"MaxTime": first["LastMsgTime"], "LastMsgKey": first["LastMsgKey"]}),
    );
    assert_eq!(texts(&second), ["m1", "m2"]);
    let third = history(
        &h,
        "ann",
        "bob",
        2,
        json!({"MaxTime": second["LastMsgTime"], "LastMsgKey": second["LastMsgKey"]}),
    );
    assert_eq!(texts(&third), ["m0"]);
    assert_eq!(third["Complete"], 1);
    // The time range bounds the history.
    let t0 = first["MsgList"][0]["MsgTimeStamp"].as_u64().unwrap();
    let ranged = history(&h, "bob", "ann", 10, json!({"MinTime": t0}));
    assert_eq!(texts(&ranged), ["m3", "m4"]);
}

#[test]
fn a_repeat_within_a_second_is_the_same_message() {
    let h = with_users(&["ann", "bob"]);
    let body = json!({"From_Account": "ann", "To_Account": "bob", "MsgSeq": 7, "MsgRandom": 9, "MsgBody": text("once")});
    let a = h.ok("openim/sendmsg", body.clone());
    let b = h.ok("openim/sendmsg", body.clone());
    assert_eq!(a["MsgKey"], b["MsgKey"]);
    h.clock.advance(Duration::from_secs(2));
    let c = h.ok("openim/sendmsg", body);
    assert_ne!(a["MsgKey"], c["MsgKey"]);
    assert_eq!(
        texts(&history(&h, "bob", "ann", 10, json!({}))),
        ["once", "once"]
    );
}

#[test]
fn recall_modify_and_one_way_delete() {
    let h = with_users(&["ann", "bob"]);
    let k1 = send(&h, "ann", "bob", 1, "first")["MsgKey"].clone();
    let k2 = send(&h, "ann", "bob", 2, "second")["MsgKey"].clone();
    let recall = json!({"From_Account": "ann", "To_Account": "bob", "MsgKey": k1});
    h.ok("openim/admin_msgwithdraw", recall.clone());
    assert_eq!(h.code("openim/admin_msgwithdraw", recall), 20023);
    assert_eq!(
        h.code(
            "openim/admin_msgwithdraw",
            json!({"From_Account": "ann", "To_Account": "bob", "MsgKey": "1_2_3"})
        ),
        20022
    );
    assert_eq!(
        h.code(
            "openim/admin_msgwithdraw",
            json!({"From_Account": "ann", "To_Account": "bob", "MsgKey": "not-a-key"})
        ),
        90054
    );
    h.ok(
        "openim/modify_c2c_msg",
        json!({"From_Account": "ann", "To_Account": "bob", "MsgKey": k2, "MsgBody": text("edited"), "CloudCustomData": "c"}),
    );
    let page = history(&h, "bob", "ann", 10, json!({}));
    let list = page["MsgList"].as_array().unwrap();
    assert_eq!(list[0]["MsgFlagBits"], 8, "recalled: {page}");
    assert_eq!(list[0]["MsgBody"], json!([]));
    assert_eq!(list[1]["MsgFlagBits"], 0);
    assert_eq!(texts(&page)[1], "edited");
    assert_eq!(list[1]["CloudCustomData"], "c");

    // bob deletes the second message for himself only.
    h.ok(
        "openim/delete_c2c_msg_ramble",
        json!({"Operator_Account": "bob", "Peer_Account": "ann", "MsgKeyList": [k2]}),
    );
    assert_eq!(history(&h, "bob", "ann", 10, json!({}))["MsgCnt"], 1);
    assert_eq!(history(&h, "ann", "bob", 10, json!({}))["MsgCnt"], 2);
}

#[test]
fn unread_counts_follow_read_marks_and_send_options() {
    let h = with_users(&["ann", "bob", "cid"]);
    send(&h, "ann", "bob", 1, "a1");
    send(&h, "ann", "bob", 2, "a2");
    send(&h, "cid", "bob", 3, "c1");
    h.ok(
        "openim/sendmsg",
        json!({"From_Account": "cid", "To_Account": "bob", "MsgRandom": 4, "MsgBody": text("quiet"), "SendMsgControl": ["NoUnread"]}),
    );
    let unread = |body: Value| h.ok("openim/get_c2c_unread_msg_num", body);
    assert_eq!(
        unread(json!({"To_Account": "bob"}))["AllC2CUnreadMsgNum"],
        3
    );
    let per_peer = unread(json!({"To_Account": "bob", "Peer_Account": ["ann", "cid", "zed"]}));
    assert_eq!(per_peer["C2CUnreadMsgNumList"][0]["C2CUnreadMsgNum"], 2);
    assert_eq!(per_peer["C2CUnreadMsgNumList"][1]["C2CUnreadMsgNum"], 1);
    assert_eq!(per_peer["ErrorList"][0]["Peer_Account"], "zed");
    assert_eq!(per_peer["ErrorList"][0]["ErrorCode"], 70107);

    h.ok(
        "openim/admin_set_msg_read",
        json!({"Report_Account": "bob", "Peer_Account": "ann"}),
    );
    assert_eq!(
        unread(json!({"To_Account": "bob"}))["AllC2CUnreadMsgNum"],
        1
    );
    // A later message is unread again; a read time before it leaves it unread.
    h.clock.advance(Duration::from_secs(5));
    send(&h, "ann", "bob", 5, "a3");
    h.ok(
        "openim/admin_set_msg_read",
        json!({"Report_Account": "bob", "Peer_Account": "ann", "MsgReadTime": (h.now_secs() - 1).to_string()}),
    );
    assert_eq!(
        unread(json!({"To_Account": "bob"}))["AllC2CUnreadMsgNum"],
        2
    );
}

#[test]
fn batch_send_reports_unknown_recipients_and_import_keeps_times() {
    let h = with_users(&["ann", "bob", "cid"]);
    let sent = h.ok(
        "openim/batchsendmsg",
        json!({"From_Account": "ann", "To_Account": ["bob", "zed", "cid"], "MsgRandom": 5, "MsgBody": text("hi all")}),
    );
    assert_eq!(
        sent["ErrorList"],
        json!([{"To_Account": "zed", "ErrorCode": 70107}])
    );
    let key = sent["MsgKey"].as_str().unwrap();
    for peer in ["bob", "cid"] {
        let page = history(&h, peer, "ann", 10, json!({}));
        assert_eq!(page["MsgList"][0]["MsgKey"], key);
    }
    assert_eq!(
        h.code(
            "openim/batchsendmsg",
            json!({"To_Account": ["zed"], "MsgRandom": 6, "MsgBody": text("nobody")})
        ),
        70107
    );

    // Imported history keeps its time, sorts before newer messages, is read (2) or
    // unread (5), and a duplicate (same MsgSeq, MsgRandom, MsgTimeStamp) is ignored.
    let import = |random: u32, time: u64, sync: u8| {
        h.ok(
            "openim/importmsg",
            json!({"SyncFromOldSystem": sync, "From_Account": "cid", "To_Account": "ann",
                   "MsgSeq": 1, "MsgRandom": random, "MsgTimeStamp": time, "MsgBody": text(&format!("old{random}"))}),
        );
    };
    import(1, 1_600_000_000, 2);
    import(1, 1_600_000_000, 2);
    import(2, 1_600_000_100, 5);
    let page = history(&h, "ann", "cid", 10, json!({}));
    assert_eq!(texts(&page), ["old1", "old2", "hi all"]);
    let unread = h.ok(
        "openim/get_c2c_unread_msg_num",
        json!({"To_Account": "ann", "Peer_Account": ["cid"]}),
    );
    assert_eq!(unread["C2CUnreadMsgNumList"][0]["C2CUnreadMsgNum"], 1);
}

#[test]
fn conversations_appear_in_recent_contacts() {
    let h = with_users(&["ann", "bob", "cid"]);
    let list = |who: &str| {
        h.ok(
            "recentcontact/get_list",
            json!({"From_Account": who, "TimeStamp": 0, "StartIndex": 0, "TopTimeStamp": 0, "TopStartIndex": 0, "AssistFlags": 7}),
        )
    };
    assert_eq!(list("ann")["SessionItem"], json!([]));
    send(&h, "ann", "bob", 1, "hi");
    h.clock.advance(Duration::from_secs(3));
    send(&h, "cid", "ann", 2, "yo");
    let ann = list("ann");
    assert_eq!(ann["CompleteFlag"], 1);
    let peers: Vec<&str> = ann["SessionItem"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["To_Account"].as_str().unwrap())
        .collect();
    assert_eq!(peers, ["cid", "bob"], "newest first: {ann}");
    assert_eq!(ann["SessionItem"][0]["Type"], 1);
    assert_eq!(ann["SessionItem"][0]["MsgTime"], h.now_secs());
    assert_eq!(list("bob")["SessionItem"][0]["To_Account"], "ann");

    // Deleting the conversation (with its history) for ann leaves bob's side alone.
    h.ok(
        "recentcontact/delete",
        json!({"From_Account": "ann", "Type": 1, "To_Account": "bob", "ClearRamble": 1}),
    );
    assert_eq!(list("ann")["SessionItem"].as_array().unwrap().len(), 1);
    assert_eq!(history(&h, "ann", "bob", 10, json!({}))["MsgCnt"], 0);
    assert_eq!(history(&h, "bob", "ann", 10, json!({}))["MsgCnt"], 1);
    assert_eq!(
        h.code(
            "recentcontact/get_list",
            json!({"From_Account": "zed", "TimeStamp": 0, "StartIndex": 0, "TopTimeStamp": 0, "TopStartIndex": 0, "AssistFlags": 0})
        ),
        50001
    );
}

#[test]
fn online_status_of_existing_accounts_is_offline() {
    let h = with_users(&["ann"]);
    let v = h.ok(
        "openim/query_online_status",
        json!({"To_Account": ["ann", "zed"]}),
    );
    assert_eq!(
        v["QueryResult"],
        json!([{"To_Account": "ann", "State": "Offline"}])
    );
    assert_eq!(
        v["ErrorList"],
        json!([{"To_Account": "zed", "ErrorCode": 70107}])
    );
}

const EXT: &str = "openim_msg_ext_http_svc";

/// A message from `from` to `to` sent with `SupportMessageExtension` 1; its `MsgKey`.
fn send_extensible(h: &Harness, from: &str, to: &str, random: u32) -> String {
    h.ok(
        "openim/sendmsg",
        json!({"From_Account": from, "To_Account": to, "MsgRandom": random,
               "MsgBody": text("extensible"), "SupportMessageExtension": 1}),
    )["MsgKey"]
        .as_str()
        .expect("MsgKey")
        .to_owned()
}

/// (ErrorCode, Key, Value, Seq) of each result of a set.
fn results(set: &Value) -> Vec<(i64, String, String, u64)> {
    set["ExtensionList"]
        .as_array()
        .expect("ExtensionList")
        .iter()
        .map(|r| {
            let e = &r["Extension"];
            (
                r["ErrorCode"].as_i64().expect("ErrorCode"),
                e["Key"].as_str().expect("Key").to_owned(),
                e["Value"].as_str().expect("Value").to_owned(),
                e["Seq"].as_u64().expect("Seq"),
            )
        })
        .collect()
}

/// (Key, Value, Seq) of each pair of a pull.
fn ext_pairs(pull: &Value) -> Vec<(String, String, u64)> {
    pull["ExtensionList"]
        .as_array()
        .expect("ExtensionList")
        .iter()
        .map(|e| {
            (
                e["Key"].as_str().expect("Key").to_owned(),
                e["Value"].as_str().expect("Value").to_owned(),
                e["Seq"].as_u64().expect("Seq"),
            )
        })
        .collect()
}

fn kv(k: &str, v: &str, seq: u64) -> (String, String, u64) {
    (k.to_owned(), v.to_owned(), seq)
}

#[test]
fn one_to_one_message_extensions_are_set_pulled_deleted_and_cleared() {
    let h = with_users(&["ann", "bob"]);
    let key = send_extensible(&h, "ann", "bob", 1);
    let target = json!({"From_Account": "ann", "To_Account": "bob", "MsgKey": key});
    let with = |extra: Value| {
        let mut body = target.clone();
        if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            b.extend(e.clone());
        }
        body
    };
    let set = |list: Value| {
        h.ok(
            &format!("{EXT}/set_key_values"),
            with(json!({"OperateType": 1, "ExtensionList": list})),
        )
    };
    let get = |start: Option<u64>| {
        let extra = start.map_or_else(|| json!({}), |s| json!({"StartSeq": s}));
        h.ok(&format!("{EXT}/get_key_values"), with(extra))
    };

    // Set: two pairs share the new Seq.
    let first = set(
        json!([{"Key": "k1", "Value": "v1", "Seq": 0}, {"Key": "k2", "Value": "v2", "Seq": 0}]),
    );
    assert_eq!(
        results(&first),
        [
            (0, "k1".into(), "v1".into(), 1),
            (0, "k2".into(), "v2".into(), 1)
        ]
    );
    // A stale Seq conflicts pair by pair (23001, with the pair held); the others are written.
    let second = set(
        json!([{"Key": "k1", "Value": "x", "Seq": 0}, {"Key": "k3", "Value": "v3", "Seq": 0},
                            {"Key": "k2", "Value": "v2b", "Seq": 1}]),
    );
    assert_eq!(
        results(&second),
        [
            (23001, "k1".into(), "v1".into(), 1),
            (0, "k3".into(), "v3".into(), 2),
            (0, "k2".into(), "v2b".into(), 2)
        ]
    );
    // Every pair conflicting changes nothing (no new Seq).
    let stale = set(json!([{"Key": "k3", "Value": "y", "Seq": 1}]));
    assert_eq!(results(&stale), [(23001, "k3".into(), "v3".into(), 2)]);
    // A pair without Seq (the app admin's) is not checked.
    set(json!([{"Key": "k1", "Value": "admin"}]));

    // The pull: from either side of the conversation, sorted by Seq.
    let all = get(None);
    assert_eq!(
        ext_pairs(&all),
        [kv("k2", "v2b", 2), kv("k3", "v3", 2), kv("k1", "admin", 3)]
    );
    assert_eq!(all["LatestSeq"], 3);
    assert_eq!(all["ClearSeq"], 0);
    assert_eq!(all["CompleteFlag"], 1);
    assert_eq!(ext_pairs(&get(Some(3))), [kv("k1", "admin", 3)]);
    let reversed = h.ok(
        &format!("{EXT}/get_key_values"),
        json!({"From_Account": "bob", "To_Account": "ann", "MsgKey": key}),
    );
    assert_eq!(ext_pairs(&reversed).len(), 3);
    let no_sender = h.ok(
        &format!("{EXT}/get_key_values"),
        json!({"To_Account": "bob", "MsgKey": key}),
    );
    assert_eq!(ext_pairs(&no_sender).len(), 3);

    // Delete: answered with an empty value and the new Seq.
    let deleted = h.ok(
        &format!("{EXT}/set_key_values"),
        with(json!({"OperateType": 2, "ExtensionList": [{"Key": "k2", "Value": "", "Seq": 2}]})),
    );
    assert_eq!(results(&deleted), [(0, "k2".into(), String::new(), 4)]);
    assert_eq!(
        ext_pairs(&get(None)),
        [kv("k3", "v3", 2), kv("k1", "admin", 3)]
    );

    // Clear.
    h.ok(
        &format!("{EXT}/set_key_values"),
        with(json!({"OperateType": 3})),
    );
    let cleared = get(None);
    assert!(ext_pairs(&cleared).is_empty());
    assert_eq!(cleared["ClearSeq"], 5);
    assert_eq!(cleared["LatestSeq"], 5);

    // ExtensionList is required for a set or a delete.
    assert_eq!(
        h.code(
            &format!("{EXT}/set_key_values"),
            with(json!({"OperateType": 1}))
        ),
        10004
    );
}

#[test]
fn one_to_one_extensions_need_a_stored_extensible_message() {
    let h = with_users(&["ann", "bob", "cid"]);
    let key = send_extensible(&h, "ann", "bob", 1);
    let plain = send(&h, "ann", "bob", 2, "plain")["MsgKey"]
        .as_str()
        .expect("MsgKey")
        .to_owned();
    let set = |from: &str, to: &str, key: &str| {
        h.code(
            &format!("{EXT}/set_key_values"),
            json!({"From_Account": from, "To_Account": to, "MsgKey": key, "OperateType": 1,
                   "ExtensionList": [{"Key": "k", "Value": "v"}]}),
        )
    };
    assert_eq!(set("ann", "bob", &plain), 23002);
    assert_eq!(set("ann", "bob", "1_2_3"), 23004);
    // The key names a message of another conversation.
    assert_eq!(set("ann", "cid", &key), 23004);
    assert_eq!(
        h.code(
            &format!("{EXT}/get_key_values"),
            json!({"From_Account": "ann", "To_Account": "bob", "MsgKey": "1_2_3"}),
        ),
        23004
    );
    // A recalled message has no extension any more.
    h.ok(
        "openim/admin_msgwithdraw",
        json!({"From_Account": "ann", "To_Account": "bob", "MsgKey": key}),
    );
    assert_eq!(set("ann", "bob", &key), 23004);
}
