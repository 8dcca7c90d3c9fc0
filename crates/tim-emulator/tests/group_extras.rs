//! The group endpoints beyond groups, members and messages keep state too: custom group
//! attributes with their limits and write rate, group counters, bans of audio-video group
//! members on the emulator's clock, read receipts, cleared history, broadcasts to the
//! audio-video groups, and the online members, marks and admins of audio-video groups. A
//! failing call changes nothing.

mod common;

use std::time::Duration;

use common::{ADMIN, Harness};
use serde_json::{Value, json};
use tim_emulator::LiveJoinError;

const SVC: &str = "group_open_http_svc";
const LIVE: &str = "group_open_avchatroom_http_svc";

fn path(command: &str) -> String {
    if command.contains('/') {
        command.to_owned()
    } else {
        format!("{SVC}/{command}")
    }
}

fn with_users(users: &[&str]) -> Harness {
    let h = Harness::start();
    h.ok(
        "im_open_login_svc/multiaccount_import",
        json!({ "Accounts": users }),
    );
    h
}

fn ok(h: &Harness, command: &str, body: Value) -> Value {
    h.ok(&path(command), body)
}

fn code(h: &Harness, command: &str, body: Value) -> i64 {
    h.code(&path(command), body)
}

/// Creates a group of `kind` owned by `owner` with `members`; returns its ID.
fn create(h: &Harness, kind: &str, owner: Option<&str>, members: &[&str]) -> String {
    let mut body = json!({"Type": kind, "Name": "TestGroup"});
    if let Some(o) = owner {
        body["Owner_Account"] = json!(o);
    }
    if !members.is_empty() {
        body["MemberList"] = members
            .iter()
            .map(|m| json!({"Member_Account": m}))
            .collect();
    }
    ok(h, "create_group", body)["GroupId"]
        .as_str()
        .expect("GroupId")
        .to_owned()
}

fn text(s: &str) -> Value {
    json!([{"MsgType": "TIMTextElem", "MsgContent": {"Text": s}}])
}

/// Sends `body` to `group` from `from` (None: the admin); returns its `MsgSeq`.
fn send(h: &Harness, group: &str, from: Option<&str>, random: u32, body: &str) -> u64 {
    let mut b = json!({"GroupId": group, "Random": random, "MsgBody": text(body)});
    if let Some(f) = from {
        b["From_Account"] = json!(f);
    }
    ok(h, "send_group_msg", b)["MsgSeq"]
        .as_u64()
        .expect("MsgSeq")
}

// ----- attributes -----

fn attrs(h: &Harness, group: &str) -> Vec<(String, String)> {
    ok(
        h,
        "group_open_attr_http_svc/get_group_attr",
        json!({"GroupId": group}),
    )["GroupAttrAry"]
        .as_array()
        .expect("GroupAttrAry")
        .iter()
        .map(|a| {
            (
                a["key"].as_str().expect("key").to_owned(),
                a["value"].as_str().expect("value").to_owned(),
            )
        })
        .collect()
}

fn kv(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn attr_items(pairs: &[(&str, &str)]) -> Value {
    pairs
        .iter()
        .map(|(k, v)| json!({"key": k, "value": v}))
        .collect()
}

#[test]
fn attributes_are_modified_reset_deleted_and_cleared() {
    let h = with_users(&["leckie"]);
    let id = create(&h, "Public", Some("leckie"), &[]);
    assert!(attrs(&h, &id).is_empty());
    ok(
        &h,
        "modify_group_attr",
        json!({"GroupId": id, "GroupAttr": attr_items(&[("seat1", "alice"), ("seat2", "bob")])}),
    );
    ok(
        &h,
        "modify_group_attr",
        json!({"GroupId": id, "GroupAttr": attr_items(&[("seat2", "carol"), ("topic", "x")])}),
    );
    assert_eq!(
        attrs(&h, &id),
        kv(&[("seat1", "alice"), ("seat2", "carol"), ("topic", "x")])
    );
    // set replaces everything.
    ok(
        &h,
        "set_group_attr",
        json!({"GroupId": id, "GroupAttr": attr_items(&[("only", "1")])}),
    );
    assert_eq!(attrs(&h, &id), kv(&[("only", "1")]));
    // Deleting a key the group does not have fails whole.
    h.clock.advance(Duration::from_secs(1));
    ok(
        &h,
        "modify_group_attr",
        json!({"GroupId": id, "GroupAttr": attr_items(&[("a", "1"), ("b", "2")])}),
    );
    assert_eq!(
        code(
            &h,
            "delete_group_attr",
            json!({"GroupId": id, "GroupAttr": [{"key": "a"}, {"key": "missing"}]})
        ),
        10050
    );
    assert_eq!(attrs(&h, &id).len(), 3, "nothing was deleted");
    ok(
        &h,
        "delete_group_attr",
        json!({"GroupId": id, "GroupAttr": [{"key": "a"}, {"key": "only"}]}),
    );
    assert_eq!(attrs(&h, &id), kv(&[("b", "2")]));
    ok(&h, "clear_group_attr", json!({"GroupId": id}));
    assert!(attrs(&h, &id).is_empty());

    // No such group.
    assert_eq!(
        code(
            &h,
            "group_open_attr_http_svc/get_group_attr",
            json!({"GroupId": "nosuchgroup"})
        ),
        10010
    );
    assert_eq!(
        code(
            &h,
            "modify_group_attr",
            json!({"GroupId": "nosuchgroup", "GroupAttr": attr_items(&[("a", "1")])})
        ),
        10010
    );
}

#[test]
fn attribute_limits_and_group_types() {
    let h = with_users(&["leckie"]);
    let id = create(&h, "AVChatRoom", Some("leckie"), &[]);
    // Audio-video groups have attributes.
    let sixteen: Vec<(String, String)> = (0..16)
        .map(|i| (format!("k{i:02}"), "v".to_owned()))
        .collect();
    let items: Value = sixteen
        .iter()
        .map(|(k, v)| json!({"key": k, "value": v}))
        .collect();
    ok(
        &h,
        "set_group_attr",
        json!({"GroupId": id, "GroupAttr": items}),
    );
    assert_eq!(attrs(&h, &id), sixteen);
    // A 17th key does not fit.
    assert_eq!(
        code(
            &h,
            "modify_group_attr",
            json!({"GroupId": id, "GroupAttr": attr_items(&[("extra", "v")])})
        ),
        10047
    );
    // Changing an existing key does.
    ok(
        &h,
        "modify_group_attr",
        json!({"GroupId": id, "GroupAttr": attr_items(&[("k00", "changed")])}),
    );
    h.clock.advance(Duration::from_secs(1));
    // Key and value sizes.
    let long_key = "k".repeat(33);
    assert_eq!(
        code(
            &h,
            "set_group_attr",
            json!({"GroupId": id, "GroupAttr": [{"key": long_key, "value": "v"}]})
        ),
        10045
    );
    let long_value = "v".repeat(4_001);
    assert_eq!(
        code(
            &h,
            "set_group_attr",
            json!({"GroupId": id, "GroupAttr": [{"key": "k", "value": long_value}]})
        ),
        10046
    );
    // 16,000 bytes of values in all: four of 4,000 fit, a fifth byte does not.
    let full = "v".repeat(4_000);
    let four: Value = (0..4)
        .map(|i| json!({"key": format!("big{i}"), "value": full}))
        .collect();
    ok(
        &h,
        "set_group_attr",
        json!({"GroupId": id, "GroupAttr": four}),
    );
    assert_eq!(
        code(
            &h,
            "modify_group_attr",
            json!({"GroupId": id, "GroupAttr": attr_items(&[("one", "x")])})
        ),
        10048
    );
    assert_eq!(
        attrs(&h, &id).len(),
        4,
        "the refused writes changed nothing"
    );

    // Communities: every write but clear.
    let community = ok(
        &h,
        "create_group",
        json!({"Type": "Community", "Name": "c"}),
    )["GroupId"]
        .as_str()
        .expect("GroupId")
        .to_owned();
    ok(
        &h,
        "modify_group_attr",
        json!({"GroupId": community, "GroupAttr": attr_items(&[("a", "1")])}),
    );
    assert_eq!(
        code(&h, "clear_group_attr", json!({"GroupId": community})),
        10007
    );
    assert_eq!(attrs(&h, &community), kv(&[("a", "1")]));
}

#[test]
fn attribute_writes_are_limited_to_five_per_second_per_group() {
    let h = with_users(&["leckie"]);
    let id = create(&h, "Public", Some("leckie"), &[]);
    let other = create(&h, "Public", Some("leckie"), &[]);
    for i in 0..5 {
        ok(
            &h,
            "modify_group_attr",
            json!({"GroupId": id, "GroupAttr": attr_items(&[("n", &i.to_string())])}),
        );
    }
    assert_eq!(code(&h, "clear_group_attr", json!({"GroupId": id})), 10049);
    assert_eq!(
        attrs(&h, &id),
        kv(&[("n", "4")]),
        "the refused write changed nothing"
    );
    // Another group has its own budget; reads are not writes.
    ok(&h, "clear_group_attr", json!({"GroupId": other}));
    // The next clock second starts a new budget.
    h.clock.advance(Duration::from_secs(1));
    ok(&h, "clear_group_attr", json!({"GroupId": id}));
    assert!(attrs(&h, &id).is_empty());
}

// ----- counters -----

fn counters(list: &Value) -> Vec<(String, i64)> {
    list.as_array()
        .expect("GroupCounter")
        .iter()
        .map(|c| {
            (
                c["Key"].as_str().expect("Key").to_owned(),
                c["Value"].as_i64().expect("Value"),
            )
        })
        .collect()
}

fn ci(pairs: &[(&str, i64)]) -> Vec<(String, i64)> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
}

fn counter_items(pairs: &[(&str, i64)]) -> Value {
    pairs
        .iter()
        .map(|(k, v)| json!({"Key": k, "Value": v}))
        .collect()
}

fn get_counters(h: &Harness, group: &str, keys: Option<&[&str]>) -> Vec<(String, i64)> {
    let mut body = json!({"GroupId": group});
    if let Some(k) = keys {
        body["GroupCounterKeys"] = json!(k);
    }
    counters(&ok(h, "get_group_counter", body)["GroupCounter"])
}

#[test]
fn counters_are_set_increased_decreased_and_deleted() {
    let h = with_users(&["leckie"]);
    let id = create(&h, "Public", Some("leckie"), &[]);
    assert!(get_counters(&h, &id, None).is_empty());
    let set = ok(
        &h,
        "update_group_counter",
        json!({"GroupId": id, "GroupCounter": counter_items(&[("like", 5), ("unlike", 1)]), "Mode": "Set"}),
    );
    assert_eq!(
        counters(&set["GroupCounter"]),
        ci(&[("like", 5), ("unlike", 1)])
    );
    // Increase and decrease answer the new values; a missing key starts at 0.
    let inc = ok(
        &h,
        "update_group_counter",
        json!({"GroupId": id, "GroupCounter": counter_items(&[("like", 3), ("views", 10)]), "Mode": "Increase"}),
    );
    assert_eq!(
        counters(&inc["GroupCounter"]),
        ci(&[("like", 8), ("views", 10)])
    );
    let dec = ok(
        &h,
        "update_group_counter",
        json!({"GroupId": id, "GroupCounter": counter_items(&[("unlike", 4)]), "Mode": "Decrease"}),
    );
    assert_eq!(counters(&dec["GroupCounter"]), ci(&[("unlike", -3)]));
    // No Mode: Set.
    ok(
        &h,
        "update_group_counter",
        json!({"GroupId": id, "GroupCounter": counter_items(&[("views", 7)])}),
    );
    assert_eq!(
        get_counters(&h, &id, None),
        ci(&[("like", 8), ("unlike", -3), ("views", 7)])
    );
    assert_eq!(
        get_counters(&h, &id, Some(&["views", "missing"])),
        ci(&[("views", 7)])
    );
    // Overflow fails whole.
    assert_eq!(
        code(
            &h,
            "update_group_counter",
            json!({"GroupId": id, "GroupCounter": counter_items(&[("like", 1), ("views", i64::MAX)]), "Mode": "Increase"})
        ),
        10004
    );
    assert_eq!(get_counters(&h, &id, Some(&["like"])), ci(&[("like", 8)]));
    ok(
        &h,
        "delete_group_counter",
        json!({"GroupId": id, "GroupCounterKeys": ["like", "missing"]}),
    );
    assert_eq!(
        get_counters(&h, &id, None),
        ci(&[("unlike", -3), ("views", 7)])
    );
    ok(&h, "delete_group_counter", json!({"GroupId": id}));
    assert!(get_counters(&h, &id, None).is_empty());
}

#[test]
fn a_group_holds_twenty_counters_and_communities_none() {
    let h = with_users(&["leckie"]);
    let id = create(&h, "AVChatRoom", Some("leckie"), &[]);
    let twenty: Vec<(String, i64)> = (0..20).map(|i| (format!("c{i:02}"), i)).collect();
    let items: Value = twenty
        .iter()
        .map(|(k, v)| json!({"Key": k, "Value": v}))
        .collect();
    ok(
        &h,
        "update_group_counter",
        json!({"GroupId": id, "GroupCounter": items}),
    );
    assert_eq!(get_counters(&h, &id, None), twenty);
    assert_eq!(
        code(
            &h,
            "update_group_counter",
            json!({"GroupId": id, "GroupCounter": counter_items(&[("c00", 1), ("c20", 1)]), "Mode": "Increase"})
        ),
        10063
    );
    assert_eq!(get_counters(&h, &id, Some(&["c00"])), ci(&[("c00", 0)]));

    let community = ok(
        &h,
        "create_group",
        json!({"Type": "Community", "Name": "c"}),
    )["GroupId"]
        .as_str()
        .expect("GroupId")
        .to_owned();
    for (command, body) in [
        ("get_group_counter", json!({"GroupId": community})),
        (
            "update_group_counter",
            json!({"GroupId": community, "GroupCounter": counter_items(&[("a", 1)])}),
        ),
        ("delete_group_counter", json!({"GroupId": community})),
    ] {
        assert_eq!(code(&h, command, body), 10007, "{command}");
    }
    assert_eq!(
        code(&h, "get_group_counter", json!({"GroupId": "nosuchgroup"})),
        10010
    );
}

// ----- bans and live groups -----

fn banned(h: &Harness, group: &str, offset: u32, limit: Option<u32>) -> (Vec<(String, u64)>, u64) {
    let mut body = json!({"GroupId": group, "Offset": offset});
    if let Some(l) = limit {
        body["Limit"] = json!(l);
    }
    let v = ok(h, "get_group_ban_member", body);
    let list = v["BannedAccountList"]
        .as_array()
        .expect("BannedAccountList")
        .iter()
        .map(|b| {
            (
                b["Member_Account"].as_str().expect("account").to_owned(),
                b["BannedUntil"].as_u64().expect("BannedUntil"),
            )
        })
        .collect();
    (list, v["NextOffset"].as_u64().expect("NextOffset"))
}

fn online_num(h: &Harness, group: &str) -> u64 {
    ok(h, "get_online_member_num", json!({"GroupId": group}))["OnlineMemberNum"]
        .as_u64()
        .expect("OnlineMemberNum")
}

fn live_members(h: &Harness, group: &str, mark: Option<u32>) -> Vec<String> {
    let mut body = json!({"GroupId": group, "Timestamp": 0});
    if let Some(m) = mark {
        body["Mark"] = json!(m);
    }
    let v = ok(h, &format!("{LIVE}/get_members"), body);
    assert_eq!(v["NextTimestamp"], 0, "{v}");
    v["MemberList"]
        .as_array()
        .expect("MemberList")
        .iter()
        .map(|m| m["Member_Account"].as_str().expect("account").to_owned())
        .collect()
}

#[test]
fn a_banned_member_leaves_and_cannot_rejoin_until_the_ban_ends() {
    let h = with_users(&["leckie", "bob", "carol", "dave"]);
    let id = create(&h, "AVChatRoom", Some("leckie"), &[]);
    for who in ["bob", "carol", "dave"] {
        h.emu.join_live_group(&id, who).expect("joins");
    }
    assert_eq!(online_num(&h, &id), 3);
    let now = h.now_secs();
    ok(
        &h,
        "ban_group_member",
        json!({"GroupId": id, "Members_Account": ["bob", "carol"], "Duration": 60, "Description": "spam"}),
    );
    assert_eq!(online_num(&h, &id), 1, "banned members are removed");
    assert_eq!(live_members(&h, &id, None), ["dave"]);
    assert_eq!(
        banned(&h, &id, 0, None),
        (
            vec![("bob".to_owned(), now + 60), ("carol".to_owned(), now + 60)],
            0
        )
    );
    // Pages of one.
    assert_eq!(
        banned(&h, &id, 0, Some(1)),
        (vec![("bob".to_owned(), now + 60)], 1)
    );
    assert_eq!(
        banned(&h, &id, 1, Some(1)),
        (vec![("carol".to_owned(), now + 60)], 0)
    );
    assert!(matches!(
        h.emu.join_live_group(&id, "bob"),
        Err(LiveJoinError::Banned { .. })
    ));
    // Unbanning lets carol back at once; bob's ban ends by itself.
    ok(
        &h,
        "unban_group_member",
        json!({"GroupId": id, "Members_Account": ["carol"]}),
    );
    h.emu.join_live_group(&id, "carol").expect("carol rejoins");
    h.clock.advance(Duration::from_secs(59));
    assert!(h.emu.join_live_group(&id, "bob").is_err());
    h.clock.advance(Duration::from_secs(1));
    assert!(banned(&h, &id, 0, None).0.is_empty(), "the ban ended");
    h.emu.join_live_group(&id, "bob").expect("bob rejoins");
    assert_eq!(live_members(&h, &id, None), ["dave", "carol", "bob"]);

    // An unknown account fails the whole call; other group types have no bans.
    assert_eq!(
        code(
            &h,
            "ban_group_member",
            json!({"GroupId": id, "Members_Account": ["dave", "stranger"], "Duration": 60})
        ),
        10004
    );
    assert_eq!(online_num(&h, &id), 3, "nothing changed");
    let public = create(&h, "Public", Some("leckie"), &["bob"]);
    for (command, body) in [
        (
            "ban_group_member",
            json!({"GroupId": public, "Members_Account": ["bob"], "Duration": 60}),
        ),
        (
            "unban_group_member",
            json!({"GroupId": public, "Members_Account": ["bob"]}),
        ),
        (
            "get_group_ban_member",
            json!({"GroupId": public, "Offset": 0}),
        ),
        ("get_online_member_num", json!({"GroupId": public})),
    ] {
        assert_eq!(code(&h, command, body), 10007, "{command}");
    }
    assert_eq!(
        code(
            &h,
            "ban_group_member",
            json!({"GroupId": "nosuchgroup", "Members_Account": ["bob"], "Duration": 60})
        ),
        10010
    );
}

#[test]
fn live_group_members_are_those_who_joined_with_their_marks() {
    let h = with_users(&["leckie", "teacher", "student", "ghost"]);
    ok(
        &h,
        "profile/portrait_set",
        json!({"From_Account": "teacher", "ProfileItem": [
            {"Tag": "Tag_Profile_IM_Nick", "Value": "Teacher T"},
            {"Tag": "Tag_Profile_IM_Image", "Value": "http://face/t.png"}]}),
    );
    let id = create(&h, "AVChatRoom", Some("leckie"), &[]);
    assert_eq!(online_num(&h, &id), 0);
    assert_eq!(
        h.emu.join_live_group(&id, "nobody"),
        Err(LiveJoinError::UnknownAccount("nobody".to_owned()))
    );
    assert_eq!(
        h.emu.join_live_group("nosuchgroup", "teacher"),
        Err(LiveJoinError::NoSuchGroup("nosuchgroup".to_owned()))
    );
    let now = h.now_secs();
    h.emu.join_live_group(&id, "teacher").expect("joins");
    h.emu.join_live_group(&id, "student").expect("joins");
    h.emu
        .join_live_group(&id, "student")
        .expect("joining again is harmless");
    assert_eq!(online_num(&h, &id), 2);
    let page = ok(
        &h,
        &format!("{LIVE}/get_members"),
        json!({"GroupId": id, "Timestamp": 0}),
    );
    assert_eq!(page["MemberList"][0]["Member_Account"], "teacher");
    assert_eq!(page["MemberList"][0]["JoinTime"], now);
    assert_eq!(page["MemberList"][0]["NickName"], "Teacher T");
    assert_eq!(page["MemberList"][0]["Avatar"], "http://face/t.png");
    let checked = ok(
        &h,
        &format!("{LIVE}/check_members"),
        json!({"GroupId": id, "Member_Account": ["ghost", "student", "teacher"]}),
    );
    assert_eq!(checked["Member_Account"], json!(["student", "teacher"]));

    // Marks: only online members get them; the answer lists those.
    let marked = ok(
        &h,
        &format!("{LIVE}/modify_user_info"),
        json!({"GroupId": id, "CommandType": 1, "MemberList": [
            {"Member_Account": "teacher", "Marks": [1000]},
            {"Member_Account": "ghost", "Marks": [1000]}]}),
    );
    assert_eq!(
        marked["MemberList"],
        json!([{"Member_Account": "teacher", "Marks": [1000]}])
    );
    assert_eq!(live_members(&h, &id, Some(1000)), ["teacher"]);
    // Every account offline: the call fails.
    assert_eq!(
        code(
            &h,
            &format!("{LIVE}/modify_user_info"),
            json!({"GroupId": id, "CommandType": 1, "MemberList": [{"Member_Account": "ghost", "Marks": [1001]}]})
        ),
        10004
    );
    // A mark below 1000 other than 500 and 600.
    assert_eq!(
        code(
            &h,
            &format!("{LIVE}/modify_user_info"),
            json!({"GroupId": id, "CommandType": 1, "MemberList": [{"Member_Account": "student", "Marks": [999]}]})
        ),
        10004
    );
    // 600 hides a member unless pulled by it.
    ok(
        &h,
        &format!("{LIVE}/modify_user_info"),
        json!({"GroupId": id, "CommandType": 1, "MemberList": [{"Member_Account": "student", "Marks": [600]}]}),
    );
    assert_eq!(live_members(&h, &id, None), ["teacher"]);
    assert_eq!(live_members(&h, &id, Some(600)), ["student"]);
    ok(
        &h,
        &format!("{LIVE}/modify_user_info"),
        json!({"GroupId": id, "CommandType": 2, "MemberList": [{"Member_Account": "student", "Marks": [600]}]}),
    );
    assert_eq!(live_members(&h, &id, None), ["teacher", "student"]);
    // Ten different marks at most.
    let ten: Vec<u32> = (1001..1010).collect();
    ok(
        &h,
        &format!("{LIVE}/modify_user_info"),
        json!({"GroupId": id, "CommandType": 1, "MemberList": [{"Member_Account": "student", "Marks": ten}]}),
    );
    assert_eq!(
        code(
            &h,
            &format!("{LIVE}/modify_user_info"),
            json!({"GroupId": id, "CommandType": 1, "MemberList": [{"Member_Account": "student", "Marks": [2000]}]})
        ),
        10004
    );
    assert!(live_members(&h, &id, Some(2000)).is_empty());
    // Leaving clears the marks.
    assert!(h.emu.leave_live_group(&id, "teacher"));
    assert!(!h.emu.leave_live_group(&id, "teacher"));
    h.emu.join_live_group(&id, "teacher").expect("rejoins");
    assert!(live_members(&h, &id, Some(1000)).is_empty());

    // Other group types.
    let public = create(&h, "Public", Some("leckie"), &[]);
    assert_eq!(
        h.emu.join_live_group(&public, "teacher"),
        Err(LiveJoinError::NotLiveGroup(public.clone()))
    );
    for (command, body) in [
        ("get_members", json!({"GroupId": public, "Timestamp": 0})),
        (
            "check_members",
            json!({"GroupId": public, "Member_Account": ["teacher"]}),
        ),
        ("get_admin_list", json!({"GroupId": public})),
        (
            "modify_admin",
            json!({"GroupId": public, "CommandType": 1, "Admin_Account": ["teacher"]}),
        ),
    ] {
        assert_eq!(
            code(&h, &format!("{LIVE}/{command}"), body),
            10007,
            "{command}"
        );
    }
    assert_eq!(
        code(
            &h,
            &format!("{LIVE}/get_members"),
            json!({"GroupId": "nosuchgroup", "Timestamp": 0})
        ),
        10010
    );
}

#[test]
fn online_members_page_by_five_hundred() {
    let users: Vec<String> = (0..501).map(|i| format!("u{i:03}")).collect();
    let h = Harness::start();
    h.emu.state().import_accounts(users.iter().cloned());
    let id = ok(
        &h,
        "create_group",
        json!({"Type": "AVChatRoom", "Name": "big"}),
    )["GroupId"]
        .as_str()
        .expect("GroupId")
        .to_owned();
    for u in &users {
        h.emu.join_live_group(&id, u).expect("joins");
    }
    let first = ok(
        &h,
        &format!("{LIVE}/get_members"),
        json!({"GroupId": id, "Timestamp": 0}),
    );
    assert_eq!(first["MemberList"].as_array().expect("list").len(), 500);
    let next = first["NextTimestamp"].as_u64().expect("NextTimestamp");
    assert_ne!(next, 0);
    let second = ok(
        &h,
        &format!("{LIVE}/get_members"),
        json!({"GroupId": id, "Timestamp": next}),
    );
    assert_eq!(
        second["MemberList"],
        json!([{"Member_Account": "u500", "JoinTime": h.now_secs()}])
    );
    assert_eq!(second["NextTimestamp"], 0);
    assert_eq!(online_num(&h, &id), 501);
}

#[test]
fn live_group_admins_are_set_listed_and_speak_when_all_are_muted() {
    let h = with_users(&["leckie", "a1", "a2", "a3", "a4", "a5", "a6", "viewer"]);
    let id = create(&h, "AVChatRoom", Some("leckie"), &[]);
    let admins = |h: &Harness| -> Vec<String> {
        ok(h, &format!("{LIVE}/get_admin_list"), json!({"GroupId": id}))["Admin_List"]
            .as_array()
            .expect("Admin_List")
            .iter()
            .map(|a| a["Admin_Account"].as_str().expect("account").to_owned())
            .collect()
    };
    assert!(admins(&h).is_empty());
    ok(
        &h,
        &format!("{LIVE}/modify_admin"),
        json!({"GroupId": id, "CommandType": 1, "Admin_Account": ["a1", "a2"]}),
    );
    assert_eq!(admins(&h), ["a1", "a2"]);
    // At most five; unknown accounts are refused; a failing call changes nothing.
    assert_eq!(
        code(
            &h,
            &format!("{LIVE}/modify_admin"),
            json!({"GroupId": id, "CommandType": 1, "Admin_Account": ["a3", "a4", "a5", "a6"]})
        ),
        10004
    );
    assert_eq!(
        code(
            &h,
            &format!("{LIVE}/modify_admin"),
            json!({"GroupId": id, "CommandType": 1, "Admin_Account": ["a3", "stranger"]})
        ),
        10004
    );
    assert_eq!(admins(&h), ["a1", "a2"]);
    ok(
        &h,
        &format!("{LIVE}/modify_admin"),
        json!({"GroupId": id, "CommandType": 2, "Admin_Account": ["a1"]}),
    );
    assert_eq!(admins(&h), ["a2"]);
    // With every member muted, a live admin still speaks.
    ok(
        &h,
        "modify_group_base_info",
        json!({"GroupId": id, "MuteAllMember": "On"}),
    );
    let msg = |from: &str, random: u32| json!({"GroupId": id, "From_Account": from, "Random": random, "MsgBody": text("hi")});
    assert_eq!(code(&h, "send_group_msg", msg("viewer", 1)), 10017);
    assert_eq!(code(&h, "send_group_msg", msg("a1", 2)), 10017);
    ok(&h, "send_group_msg", msg("a2", 3));
}

// ----- read receipts -----

fn receipt_counts(h: &Harness, group: &str, seqs: &[u64]) -> Vec<(i64, Option<u64>, Option<u64>)> {
    let list: Vec<Value> = seqs.iter().map(|s| json!({"MsgSeq": s})).collect();
    ok(
        h,
        "get_group_msg_receipt",
        json!({"GroupId": group, "MsgSeqList": list}),
    )["GroupMsgReceiptList"]
        .as_array()
        .expect("GroupMsgReceiptList")
        .iter()
        .map(|r| {
            (
                r["Code"].as_i64().expect("Code"),
                r["ReadNum"].as_u64(),
                r["UnreadNum"].as_u64(),
            )
        })
        .collect()
}

fn detail(h: &Harness, group: &str, seq: u64, filter: u8, cursor: &str, count: u32) -> Value {
    ok(
        h,
        "get_group_msg_receipt_detail",
        json!({"GroupId": group, "MsgSeq": seq, "Filter": filter, "Cursor": cursor, "Count": count}),
    )
}

fn accounts_of(list: &Value, field: &str) -> Vec<String> {
    list.as_array()
        .expect("list")
        .iter()
        .map(|a| a[field].as_str().expect("account").to_owned())
        .collect()
}

#[test]
fn read_receipts_count_the_members_who_read_each_message() {
    let h = with_users(&["leckie", "bob", "carol", "dave"]);
    let id = create(&h, "Public", Some("leckie"), &["bob", "carol", "dave"]);
    let first = send(&h, &id, Some("leckie"), 1, "one");
    let second = send(&h, &id, Some("bob"), 2, "two");
    // The sender is not counted; sending reads what came before.
    assert_eq!(
        receipt_counts(&h, &id, &[first, second, 99]),
        [
            (0, Some(1), Some(2)),
            (0, Some(0), Some(3)),
            (10062, None, None)
        ]
    );
    // Reading through the unread count: carol has read everything.
    ok(
        &h,
        "set_unread_msg_num",
        json!({"GroupId": id, "Member_Account": "carol", "UnreadMsgNum": 0}),
    );
    // A receipt on dave's behalf for the second message only.
    ok(
        &h,
        "group_msg_receipt",
        json!({"GroupId": id, "From_Account": "dave", "MsgSeqList": [{"MsgSeq": second}]}),
    );
    assert_eq!(
        receipt_counts(&h, &id, &[first, second]),
        [(0, Some(2), Some(1)), (0, Some(2), Some(1))]
    );
    let read = detail(&h, &id, second, 0, "", 10);
    assert_eq!(
        accounts_of(&read["ReadList"], "Read_Account"),
        ["carol", "dave"]
    );
    assert_eq!(read["IsFinish"], 1);
    assert!(read.get("UnreadList").is_none());
    let unread = detail(&h, &id, first, 1, "", 10);
    assert_eq!(
        accounts_of(&unread["UnreadList"], "Unread_Account"),
        ["dave"]
    );

    // Pages: Count members at a time, Cursor to go on.
    let unread_first = detail(&h, &id, second, 1, "", 10);
    assert_eq!(
        accounts_of(&unread_first["UnreadList"], "Unread_Account"),
        ["leckie"]
    );
    let page1 = detail(&h, &id, second, 0, "", 1);
    assert_eq!(accounts_of(&page1["ReadList"], "Read_Account"), ["carol"]);
    assert_eq!(page1["IsFinish"], 0);
    let cursor = page1["Cursor"].as_str().expect("Cursor").to_owned();
    let page2 = detail(&h, &id, second, 0, &cursor, 1);
    assert_eq!(accounts_of(&page2["ReadList"], "Read_Account"), ["dave"]);
    assert_eq!(page2["IsFinish"], 1);

    // Receipts for a message that has none fail whole; non-members cannot send them.
    assert_eq!(
        code(
            &h,
            "group_msg_receipt",
            json!({"GroupId": id, "From_Account": "leckie", "MsgSeqList": [{"MsgSeq": second}, {"MsgSeq": 99}]})
        ),
        10062
    );
    assert_eq!(receipt_counts(&h, &id, &[second]), [(0, Some(2), Some(1))]);
    assert_eq!(
        code(
            &h,
            "group_msg_receipt",
            json!({"GroupId": id, "From_Account": "stranger", "MsgSeqList": [{"MsgSeq": second}]})
        ),
        10004
    );
    assert_eq!(
        code(
            &h,
            "get_group_msg_receipt_detail",
            json!({"GroupId": id, "MsgSeq": 99, "Filter": 0, "Cursor": "", "Count": 5})
        ),
        10062
    );
    // A recalled message has no receipt any more.
    ok(
        &h,
        "group_msg_recall",
        json!({"GroupId": id, "MsgSeqList": [{"MsgSeq": first}]}),
    );
    assert_eq!(receipt_counts(&h, &id, &[first]), [(10062, None, None)]);

    // Audio-video groups and communities have no receipts.
    let live = create(&h, "AVChatRoom", Some("leckie"), &[]);
    assert_eq!(
        code(
            &h,
            "get_group_msg_receipt",
            json!({"GroupId": live, "MsgSeqList": [{"MsgSeq": 1}]})
        ),
        10007
    );
    assert_eq!(
        code(
            &h,
            "get_group_msg_receipt",
            json!({"GroupId": "nosuchgroup", "MsgSeqList": [{"MsgSeq": 1}]})
        ),
        10010
    );
}

#[test]
fn members_who_join_later_are_not_counted() {
    let h = with_users(&["leckie", "bob", "late"]);
    let id = create(&h, "Private", Some("leckie"), &["bob"]);
    let seq = send(&h, &id, None, 1, "before");
    ok(
        &h,
        "add_group_member",
        json!({"GroupId": id, "MemberList": [{"Member_Account": "late"}]}),
    );
    // The app admin sent it: the owner and bob were there.
    assert_eq!(receipt_counts(&h, &id, &[seq]), [(0, Some(0), Some(2))]);
    ok(
        &h,
        "delete_group_member",
        json!({"GroupId": id, "MemberToDel_Account": ["bob"]}),
    );
    assert_eq!(receipt_counts(&h, &id, &[seq]), [(0, Some(0), Some(1))]);
}

// ----- history, broadcasts -----

#[test]
fn cleared_history_is_marked_and_still_pulled_by_the_admin() {
    let h = with_users(&["leckie"]);
    let id = create(&h, "Public", Some("leckie"), &[]);
    for i in 1..=3 {
        send(&h, &id, None, i, "m");
    }
    assert_eq!(h.emu.state().group_history_cleared_up_to(&id), Some(0));
    ok(&h, "clear_group_msg", json!({"GroupId": id, "MsgSeq": 2}));
    assert_eq!(h.emu.state().group_history_cleared_up_to(&id), Some(2));
    ok(&h, "clear_group_msg", json!({"GroupId": id}));
    assert_eq!(h.emu.state().group_history_cleared_up_to(&id), Some(3));
    // A MsgSeq past the last message clears what there is.
    send(&h, &id, None, 4, "m");
    ok(
        &h,
        "clear_group_msg",
        json!({"GroupId": id, "MsgSeq": 1000}),
    );
    assert_eq!(h.emu.state().group_history_cleared_up_to(&id), Some(4));
    let history = ok(
        &h,
        "group_msg_get_simple",
        json!({"GroupId": id, "ReqMsgNumber": 10}),
    );
    assert_eq!(history["RspMsgList"].as_array().expect("list").len(), 4);

    let community = ok(
        &h,
        "create_group",
        json!({"Type": "Community", "Name": "c"}),
    )["GroupId"]
        .as_str()
        .expect("GroupId")
        .to_owned();
    assert_eq!(
        code(&h, "clear_group_msg", json!({"GroupId": community})),
        10007
    );
    assert_eq!(
        code(&h, "clear_group_msg", json!({"GroupId": "nosuchgroup"})),
        10010
    );
}

#[test]
fn a_broadcast_reaches_every_audio_video_group() {
    let h = with_users(&["leckie", "test"]);
    let live1 = create(&h, "AVChatRoom", Some("leckie"), &[]);
    create(&h, "Public", Some("leckie"), &[]);
    let live2 = create(&h, "AVChatRoom", None, &[]);
    let body = |random: u32, from: Option<&str>| {
        let mut b = json!({"Random": random, "MsgBody": text("hello all")});
        if let Some(f) = from {
            b["From_Account"] = json!(f);
        }
        b
    };
    let first = ok(&h, "send_broadcast_msg", body(7, Some("test")));
    assert_eq!(first["MsgSeq"], 1);
    let sent = h.emu.state().group_broadcasts();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].groups, [live1, live2]);
    assert_eq!(sent[0].from, "test");
    // The same content and Random within five minutes is the same message.
    h.clock.advance(Duration::from_secs(2));
    assert_eq!(ok(&h, "send_broadcast_msg", body(7, None))["MsgSeq"], 1);
    assert_eq!(h.emu.state().group_broadcasts().len(), 1);
    h.clock.advance(Duration::from_secs(2));
    assert_eq!(ok(&h, "send_broadcast_msg", body(8, None))["MsgSeq"], 2);
    assert_eq!(h.emu.state().group_broadcasts()[1].from, ADMIN);
    h.clock.advance(Duration::from_secs(300));
    assert_eq!(ok(&h, "send_broadcast_msg", body(7, None))["MsgSeq"], 3);
    // The sender must exist.
    h.clock.advance(Duration::from_secs(2));
    assert_eq!(
        code(&h, "send_broadcast_msg", body(9, Some("stranger"))),
        10004
    );
    assert_eq!(h.emu.state().group_broadcasts().len(), 3);
}

// ----- topics -----

const TOPIC: &str = "million_group_open_http_svc";

fn topic_ok(h: &Harness, command: &str, body: Value) -> Value {
    ok(h, &format!("{TOPIC}/{command}"), body)
}

fn topic_code(h: &Harness, command: &str, body: Value) -> i64 {
    code(h, &format!("{TOPIC}/{command}"), body)
}

fn community(h: &Harness, support_topic: bool) -> String {
    let mut body = json!({"Type": "Community", "Name": "c", "Owner_Account": "leckie"});
    if support_topic {
        body["SupportTopic"] = json!(1);
    }
    ok(h, "create_group", body)["GroupId"]
        .as_str()
        .expect("GroupId")
        .to_owned()
}

fn topic_ids(h: &Harness, group: &str) -> Vec<String> {
    topic_ok(
        h,
        "get_topic",
        json!({"GroupId": group, "From_Account": "leckie"}),
    )["TopicAndSelfInfo"]
        .as_array()
        .expect("TopicAndSelfInfo")
        .iter()
        .map(|t| {
            t["TopicInfo"]["TopicId"]
                .as_str()
                .expect("TopicId")
                .to_owned()
        })
        .collect()
}

#[test]
fn topics_are_created_read_modified_and_disbanded() {
    let h = with_users(&["leckie", "bob"]);
    let id = community(&h, true);
    let now = h.now_secs();
    let generated = topic_ok(
        &h,
        "create_topic",
        json!({"GroupId": id, "TopicName": "general"}),
    )["TopicId"]
        .as_str()
        .expect("TopicId")
        .to_owned();
    assert!(
        generated.starts_with(&format!("{id}@TOPIC#_@TOPIC#")) && generated.len() <= 96,
        "{generated}"
    );
    let custom = format!("{id}@TOPIC#_news");
    let answered = topic_ok(
        &h,
        "create_topic",
        json!({"GroupId": id, "TopicId": custom, "TopicName": "News", "From_Account": "bob",
               "CustomString": "cs", "FaceUrl": "http://f", "Notification": "n", "Introduction": "i"}),
    );
    assert_eq!(answered["TopicId"], custom);
    assert_eq!(topic_ids(&h, &id), [generated.clone(), custom.clone()]);

    let all = topic_ok(
        &h,
        "get_topic",
        json!({"GroupId": id, "From_Account": "leckie", "TopicIdList": [custom, "nosuch"]}),
    );
    let item = &all["TopicAndSelfInfo"][0];
    assert_eq!(item["ErrorCode"], 0);
    assert_eq!(item["TopicInfo"]["GroupID"], id);
    assert_eq!(item["TopicInfo"]["TopicName"], "News");
    assert_eq!(item["TopicInfo"]["CustomString"], "cs");
    assert_eq!(item["TopicInfo"]["Introduction"], "i");
    assert_eq!(item["TopicInfo"]["CreateTime"], now);
    assert_eq!(item["TopicInfo"]["MuteAllMember"], "Off");
    assert_eq!(item["SelfInfo"]["MsgFlag"], "AcceptAndNotify");
    assert_eq!(all["TopicAndSelfInfo"][1]["ErrorCode"], 110003);

    // The filter selects the profile fields; TopicId and GroupID always come.
    let filtered = topic_ok(
        &h,
        "get_topic",
        json!({"GroupId": id, "From_Account": "bob", "TopicIdList": [custom], "ResponseFilter": ["TopicName"]}),
    );
    assert_eq!(
        filtered["TopicAndSelfInfo"][0]["TopicInfo"],
        json!({"TopicId": custom, "GroupID": id, "TopicName": "News"})
    );
    assert!(
        filtered["TopicAndSelfInfo"][0].get("SelfInfo").is_none(),
        "bob is not a member"
    );

    topic_ok(
        &h,
        "modify_topic",
        json!({"GroupId": id, "TopicId": custom, "TopicName": "Renamed", "MuteAllMember": "On"}),
    );
    let after = topic_ok(
        &h,
        "get_topic",
        json!({"GroupId": id, "From_Account": "leckie", "TopicIdList": [custom]}),
    );
    assert_eq!(
        after["TopicAndSelfInfo"][0]["TopicInfo"]["TopicName"],
        "Renamed"
    );
    assert_eq!(
        after["TopicAndSelfInfo"][0]["TopicInfo"]["MuteAllMember"],
        "On"
    );
    assert_eq!(
        after["TopicAndSelfInfo"][0]["TopicInfo"]["Notification"],
        "n"
    );

    let destroyed = topic_ok(
        &h,
        "destroy_topic",
        json!({"GroupId": id, "TopicIdList": [custom, custom]}),
    );
    let codes: Vec<i64> = destroyed["DestroyResultItem"]
        .as_array()
        .expect("DestroyResultItem")
        .iter()
        .map(|r| r["ErrorCode"].as_i64().expect("ErrorCode"))
        .collect();
    assert_eq!(codes, [0, 110003]);
    assert_eq!(topic_ids(&h, &id), [generated]);
    assert_eq!(
        topic_code(
            &h,
            "modify_topic",
            json!({"GroupId": id, "TopicId": custom, "TopicName": "x"})
        ),
        10010
    );
    // A disbanded topic's ID is free again.
    topic_ok(
        &h,
        "create_topic",
        json!({"GroupId": id, "TopicId": custom, "TopicName": "again"}),
    );
}

#[test]
fn topic_ids_and_groups_are_checked() {
    let h = with_users(&["leckie"]);
    let id = community(&h, true);
    let custom = format!("{id}@TOPIC#_t1");
    topic_ok(
        &h,
        "create_topic",
        json!({"GroupId": id, "TopicId": custom, "TopicName": "t"}),
    );
    // In use: create_topic 10025, import_topic 10021.
    assert_eq!(
        topic_code(
            &h,
            "create_topic",
            json!({"GroupId": id, "TopicId": custom, "TopicName": "t"})
        ),
        10025
    );
    assert_eq!(
        code(
            &h,
            "import_topic",
            json!({"GroupId": id, "TopicId": custom, "TopicName": "t"})
        ),
        10021
    );
    for bad in [
        "other@TOPIC#_x".to_owned(),
        format!("{id}@TOPIC#_"),
        format!("{id}@TOPIC#_@TOPIC#abc"),
        format!("{id}@TOPIC#_a@TGS#_b"),
        format!("{id}@TOPIC#_caf\u{e9}"),
    ] {
        assert_eq!(
            topic_code(
                &h,
                "create_topic",
                json!({"GroupId": id, "TopicId": bad, "TopicName": "t"})
            ),
            10004,
            "{bad}"
        );
    }
    // An unknown From_Account.
    assert_eq!(
        topic_code(
            &h,
            "create_topic",
            json!({"GroupId": id, "TopicName": "t", "From_Account": "stranger"})
        ),
        10004
    );
    assert_eq!(topic_ids(&h, &id), [custom]);

    // Communities without SupportTopic, other types, no group.
    let plain = community(&h, false);
    assert_eq!(
        topic_code(
            &h,
            "create_topic",
            json!({"GroupId": plain, "TopicName": "t"})
        ),
        11000
    );
    let public = create(&h, "Public", Some("leckie"), &[]);
    assert_eq!(
        topic_code(
            &h,
            "create_topic",
            json!({"GroupId": public, "TopicName": "t"})
        ),
        10007
    );
    assert_eq!(
        topic_code(
            &h,
            "get_topic",
            json!({"GroupId": public, "From_Account": "leckie"})
        ),
        10007
    );
    assert_eq!(
        topic_code(
            &h,
            "create_topic",
            json!({"GroupId": "@TGS#_nosuch", "TopicName": "t"})
        ),
        10010
    );
}

#[test]
fn imported_topics_keep_their_creation_time() {
    let h = with_users(&["leckie"]);
    let id = ok(
        &h,
        "import_group",
        json!({"Type": "Community", "Name": "old", "SupportTopic": 1, "CreateTime": 1_448_000_000}),
    )["GroupId"]
        .as_str()
        .expect("GroupId")
        .to_owned();
    let topic = ok(
        &h,
        "import_topic",
        json!({"Type": "Community", "GroupId": id, "TopicName": "old topic", "CreateTime": 1_448_357_837}),
    )["TopicId"]
        .as_str()
        .expect("TopicId")
        .to_owned();
    let got = topic_ok(
        &h,
        "get_topic",
        json!({"GroupId": id, "From_Account": "leckie", "TopicIdList": [topic]}),
    );
    assert_eq!(
        got["TopicAndSelfInfo"][0]["TopicInfo"]["CreateTime"],
        1_448_357_837
    );
    // Before the group's creation or in the future.
    for t in [1_447_999_999, h.now_secs() + 1] {
        assert_eq!(
            code(
                &h,
                "import_topic",
                json!({"GroupId": id, "TopicName": "t", "CreateTime": t})
            ),
            10004,
            "{t}"
        );
    }
    assert_eq!(topic_ids(&h, &id).len(), 1);
}

// ----- message extensions, modifications -----

const EXT: &str = "openim_msg_ext_http_svc";

fn pairs(v: &Value) -> Vec<(String, String, u64)> {
    v["ExtensionList"]
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

fn p(k: &str, v: &str, s: u64) -> (String, String, u64) {
    (k.to_owned(), v.to_owned(), s)
}

fn send_extensible(h: &Harness, group: &str, random: u32) -> u64 {
    ok(
        h,
        "send_group_msg",
        json!({"GroupId": group, "Random": random, "MsgBody": text("poll"), "SupportMessageExtension": 1}),
    )["MsgSeq"]
        .as_u64()
        .expect("MsgSeq")
}

fn set_kv(h: &Harness, group: &str, seq: u64, op: u8, items: &[(&str, &str)]) -> Value {
    let list: Vec<Value> = items
        .iter()
        .map(|(k, v)| json!({"Key": k, "Value": v, "Seq": 0}))
        .collect();
    let mut body = json!({"GroupId": group, "MsgSeq": seq, "OperateType": op});
    if !list.is_empty() {
        body["ExtensionList"] = json!(list);
    }
    ok(h, &format!("{EXT}/group_set_key_values"), body)
}

fn get_kv(h: &Harness, group: &str, seq: u64, start: Option<u64>) -> Value {
    let mut body = json!({"GroupId": group, "MsgSeq": seq});
    if let Some(s) = start {
        body["StartSeq"] = json!(s);
    }
    ok(h, &format!("{EXT}/group_get_key_values"), body)
}

#[test]
fn group_message_extensions_are_set_pulled_deleted_and_cleared() {
    let h = with_users(&["leckie"]);
    let id = create(&h, "Public", Some("leckie"), &[]);
    let seq = send_extensible(&h, &id, 1);
    let set = set_kv(&h, &id, seq, 1, &[("key1", "value1"), ("key2", "value2")]);
    let results: Vec<(i64, (String, String, u64))> = set["ExtensionList"]
        .as_array()
        .expect("ExtensionList")
        .iter()
        .map(|r| {
            (
                r["ErrorCode"].as_i64().expect("ErrorCode"),
                p(
                    r["Extension"]["Key"].as_str().expect("Key"),
                    r["Extension"]["Value"].as_str().expect("Value"),
                    r["Extension"]["Seq"].as_u64().expect("Seq"),
                ),
            )
        })
        .collect();
    assert_eq!(
        results,
        [(0, p("key1", "value1", 1)), (0, p("key2", "value2", 1))]
    );
    set_kv(&h, &id, seq, 1, &[("key3", "3"), ("key1", "1")]);
    let all = get_kv(&h, &id, seq, None);
    assert_eq!(
        pairs(&all),
        [p("key2", "value2", 1), p("key1", "1", 2), p("key3", "3", 2)]
    );
    assert_eq!(all["LatestSeq"], 2);
    assert_eq!(all["ClearSeq"], 0);
    assert_eq!(all["CompleteFlag"], 1);
    assert_eq!(pairs(&get_kv(&h, &id, seq, Some(2))).len(), 2);
    set_kv(&h, &id, seq, 2, &[("key2", "")]);
    assert_eq!(
        pairs(&get_kv(&h, &id, seq, None)),
        [p("key1", "1", 2), p("key3", "3", 2)]
    );
    set_kv(&h, &id, seq, 3, &[]);
    let cleared = get_kv(&h, &id, seq, None);
    assert!(pairs(&cleared).is_empty());
    assert_eq!(cleared["ClearSeq"], 4);
    assert_eq!(cleared["LatestSeq"], 4);

    // Messages without extensions, missing messages, other group types.
    let plain = send(&h, &id, None, 2, "plain");
    assert_eq!(
        code(
            &h,
            &format!("{EXT}/group_set_key_values"),
            json!({"GroupId": id, "MsgSeq": plain, "OperateType": 1, "ExtensionList": [{"Key": "k", "Value": "v"}]})
        ),
        23002
    );
    assert_eq!(
        code(
            &h,
            &format!("{EXT}/group_get_key_values"),
            json!({"GroupId": id, "MsgSeq": 99})
        ),
        23004
    );
    assert_eq!(
        code(
            &h,
            &format!("{EXT}/group_set_key_values"),
            json!({"GroupId": id, "MsgSeq": seq, "OperateType": 1})
        ),
        10004
    );
    let community = ok(
        &h,
        "create_group",
        json!({"Type": "Community", "Name": "c"}),
    )["GroupId"]
        .as_str()
        .expect("GroupId")
        .to_owned();
    assert_eq!(
        code(
            &h,
            &format!("{EXT}/group_get_key_values"),
            json!({"GroupId": community, "MsgSeq": 1})
        ),
        10007
    );
}

#[test]
fn a_message_holds_three_hundred_pairs_written_two_hundred_times_a_minute() {
    let h = with_users(&["leckie"]);
    let id = create(&h, "Public", Some("leckie"), &[]);
    let seq = send_extensible(&h, &id, 1);
    // 15 writes of 20 pairs: 300.
    for w in 0..15 {
        let keys: Vec<String> = (0..20).map(|i| format!("k{w}_{i}")).collect();
        let items: Vec<(&str, &str)> = keys.iter().map(|k| (k.as_str(), "v")).collect();
        set_kv(&h, &id, seq, 1, &items);
    }
    let first = get_kv(&h, &id, seq, None);
    assert_eq!(pairs(&first).len(), 200);
    assert_eq!(first["CompleteFlag"], 0);
    let last_seq = pairs(&first).last().expect("pairs").2;
    let rest = get_kv(&h, &id, seq, Some(last_seq + 1));
    assert_eq!(rest["CompleteFlag"], 1);
    assert_eq!(pairs(&first).len() + pairs(&rest).len(), 300);
    assert_eq!(
        code(
            &h,
            &format!("{EXT}/group_set_key_values"),
            json!({"GroupId": id, "MsgSeq": seq, "OperateType": 1, "ExtensionList": [{"Key": "one_more", "Value": "v"}]})
        ),
        10004
    );
    // 200 writes a minute: 15 so far, 185 more (a few seconds apart: the endpoint also
    // takes at most 200 calls a second); the next one waits for the minute to pass.
    for i in 0..185 {
        if i % 50 == 0 {
            h.clock.advance(Duration::from_secs(1));
        }
        set_kv(&h, &id, seq, 1, &[("k0_0", "again")]);
    }
    let body = json!({"GroupId": id, "MsgSeq": seq, "OperateType": 1, "ExtensionList": [{"Key": "k0_0", "Value": "late"}]});
    assert_eq!(
        code(&h, &format!("{EXT}/group_set_key_values"), body.clone()),
        23003
    );
    h.clock.advance(Duration::from_secs(60));
    ok(&h, &format!("{EXT}/group_set_key_values"), body);
}

#[test]
fn group_messages_are_modified_in_place() {
    let h = with_users(&["leckie"]);
    let id = create(&h, "Public", Some("leckie"), &[]);
    let seq = send(&h, &id, None, 1, "before");
    ok(
        &h,
        "openim/modify_group_msg",
        json!({"GroupId": id, "MsgSeq": seq, "MsgBody": text("after"), "CloudCustomData": "cd"}),
    );
    let history = ok(
        &h,
        "group_msg_get_simple",
        json!({"GroupId": id, "ReqMsgNumber": 1}),
    );
    assert_eq!(
        history["RspMsgList"][0]["MsgBody"][0]["MsgContent"]["Text"],
        "after"
    );
    assert_eq!(history["RspMsgList"][0]["MsgSeq"], seq);
    for body in [
        json!({"GroupId": id, "MsgSeq": 99, "MsgBody": text("x")}),
        json!({"GroupId": "nosuchgroup", "MsgSeq": seq, "MsgBody": text("x")}),
    ] {
        assert_eq!(code(&h, "openim/modify_group_msg", body), 20001);
    }
    // Nothing to modify.
    assert_eq!(
        code(
            &h,
            "openim/modify_group_msg",
            json!({"GroupId": id, "MsgSeq": seq})
        ),
        90001
    );
}

#[test]
fn topics_keep_their_own_messages() {
    let h = with_users(&["leckie", "bob"]);
    let id = community(&h, true);
    let a = topic_ok(&h, "create_topic", json!({"GroupId": id, "TopicName": "a"}))["TopicId"]
        .as_str()
        .expect("TopicId")
        .to_owned();
    let b = topic_ok(&h, "create_topic", json!({"GroupId": id, "TopicName": "b"}))["TopicId"]
        .as_str()
        .expect("TopicId")
        .to_owned();
    let to = |topic: &str, random: u32, s: &str| {
        ok(
            &h,
            "send_group_msg",
            json!({"GroupId": id, "TopicId": topic, "Random": random, "MsgBody": text(s)}),
        )["MsgSeq"]
            .as_u64()
            .expect("MsgSeq")
    };
    // MsgSeq starts at 1 in each topic and in the group itself; the same Random and body in
    // two topics are two messages.
    assert_eq!(to(&a, 1, "hi"), 1);
    assert_eq!(to(&a, 2, "again"), 2);
    assert_eq!(to(&b, 1, "hi"), 1);
    assert_eq!(send(&h, &id, None, 1, "hi"), 1);
    let history = |topic: Option<&str>| texts(&h, &id, topic);
    assert_eq!(history(Some(&a)), ["again", "hi"]);
    assert_eq!(history(Some(&b)), ["hi"]);
    assert_eq!(history(None), ["hi"]);
    // Recalling in a topic leaves the others alone.
    let recalled = ok(
        &h,
        "group_msg_recall",
        json!({"GroupId": id, "TopicId": a, "MsgSeqList": [{"MsgSeq": 1}]}),
    );
    assert_eq!(recalled["RecallRetList"][0]["RetCode"], 0);
    assert_eq!(history(Some(&a)), ["again"]);
    assert_eq!(history(Some(&b)), ["hi"]);
    // Modifying a topic's message: its own MsgSeq, the others unchanged; an unknown topic
    // is the page's invalid request.
    ok(
        &h,
        "openim/modify_group_msg",
        json!({"GroupId": id, "TopicId": b, "MsgSeq": 1, "MsgBody": text("edited")}),
    );
    assert_eq!(history(Some(&b)), ["edited"]);
    assert_eq!(history(Some(&a)), ["again"]);
    assert_eq!(history(None), ["hi"]);
    assert_eq!(
        code(
            &h,
            "openim/modify_group_msg",
            json!({"GroupId": id, "TopicId": format!("{id}@TOPIC#_none"), "MsgSeq": 1, "MsgBody": text("x")})
        ),
        20001
    );
    // An unknown topic, and a group without topics.
    let body =
        |g: &str, t: &str| json!({"GroupId": g, "TopicId": t, "Random": 9, "MsgBody": text("x")});
    assert_eq!(
        code(
            &h,
            "send_group_msg",
            body(&id, &format!("{id}@TOPIC#_none"))
        ),
        10010
    );
    let plain = create(&h, "Public", Some("leckie"), &[]);
    assert_eq!(
        code(
            &h,
            "send_group_msg",
            body(&plain, &format!("{plain}@TOPIC#_x"))
        ),
        10007
    );
}

/// A topic-enabled community owned by leckie with `members`, and two topics; returns the
/// group ID and the topic IDs.
fn community_with_topics(h: &Harness, members: &[&str]) -> (String, String, String) {
    let list: Vec<Value> = members
        .iter()
        .map(|m| json!({"Member_Account": m}))
        .collect();
    let id = ok(
        h,
        "create_group",
        json!({"Type": "Community", "Name": "c", "Owner_Account": "leckie", "SupportTopic": 1,
               "MemberList": list}),
    )["GroupId"]
        .as_str()
        .expect("GroupId")
        .to_owned();
    let topic = |name: &str| {
        topic_ok(h, "create_topic", json!({"GroupId": id, "TopicName": name}))["TopicId"]
            .as_str()
            .expect("TopicId")
            .to_owned()
    };
    let (a, b) = (topic("a"), topic("b"));
    (id, a, b)
}

/// The muted members of `group`, or of its topic `topic`, with the end of their mutes.
fn muted_in(h: &Harness, group: &str, topic: Option<&str>) -> Vec<(String, u64)> {
    let mut body = json!({"GroupId": group});
    if let Some(t) = topic {
        body["TopicId"] = json!(t);
    }
    ok(h, "get_group_muted_account", body)["MutedAccountList"]
        .as_array()
        .expect("MutedAccountList")
        .iter()
        .map(|m| {
            (
                m["Member_Account"]
                    .as_str()
                    .expect("Member_Account")
                    .to_owned(),
                m["MutedUntil"].as_u64().expect("MutedUntil"),
            )
        })
        .collect()
}

/// send_group_msg from `from` to `group` (its topic `topic` when given): the error code.
fn send_code(h: &Harness, group: &str, topic: Option<&str>, from: &str, random: u32) -> i64 {
    let mut body = json!({"GroupId": group, "From_Account": from, "Random": random,
                          "MsgBody": text("hello")});
    if let Some(t) = topic {
        body["TopicId"] = json!(t);
    }
    h.call(&path("send_group_msg"), body)["ErrorCode"]
        .as_i64()
        .expect("ErrorCode")
}

/// The texts of the history of `group` (its topic `topic` when given), newest first.
fn texts(h: &Harness, group: &str, topic: Option<&str>) -> Vec<String> {
    let mut body = json!({"GroupId": group, "ReqMsgNumber": 20});
    if let Some(t) = topic {
        body["TopicId"] = json!(t);
    }
    ok(h, "group_msg_get_simple", body)["RspMsgList"]
        .as_array()
        .expect("RspMsgList")
        .iter()
        .map(|m| {
            m["MsgBody"][0]["MsgContent"]["Text"]
                .as_str()
                .unwrap_or("")
                .to_owned()
        })
        .collect()
}

#[test]
fn members_are_muted_in_one_topic_until_the_clock_ends_it() {
    let h = with_users(&["leckie", "peter", "tom"]);
    let (id, a, b) = community_with_topics(&h, &["peter", "tom"]);
    let now = h.now_secs();
    ok(
        &h,
        "forbid_send_msg",
        json!({"GroupId": id, "TopicId": a, "Members_Account": ["peter"], "MuteTime": 60}),
    );
    assert_eq!(
        muted_in(&h, &id, Some(&a)),
        [("peter".to_owned(), now + 60)]
    );
    assert!(muted_in(&h, &id, Some(&b)).is_empty(), "only in topic a");
    assert!(muted_in(&h, &id, None).is_empty(), "not in the group");

    // Refused in that topic (10017, the group mute's code); free in the other topic and
    // in the group itself.
    assert_eq!(send_code(&h, &id, Some(&a), "peter", 1), 10017);
    assert_eq!(send_code(&h, &id, Some(&b), "peter", 2), 0);
    assert_eq!(send_code(&h, &id, None, "peter", 3), 0);
    assert_eq!(send_code(&h, &id, Some(&a), "tom", 4), 0);
    assert_eq!(texts(&h, &id, Some(&a)), ["hello"], "only tom's message");

    // The mute ends on the emulator's clock.
    h.clock.advance(Duration::from_secs(59));
    assert_eq!(send_code(&h, &id, Some(&a), "peter", 5), 10017);
    h.clock.advance(Duration::from_secs(1));
    assert!(muted_in(&h, &id, Some(&a)).is_empty(), "the mute ended");
    assert_eq!(send_code(&h, &id, Some(&a), "peter", 6), 0);

    // MuteTime 0 unmutes in the topic; a non-member is refused and nothing changes.
    ok(
        &h,
        "forbid_send_msg",
        json!({"GroupId": id, "TopicId": b, "Members_Account": ["tom"], "MuteTime": 3600}),
    );
    assert_eq!(muted_in(&h, &id, Some(&b)).len(), 1);
    assert_eq!(
        code(
            &h,
            "forbid_send_msg",
            json!({"GroupId": id, "TopicId": b, "Members_Account": ["peter", "stranger"], "MuteTime": 60})
        ),
        10004
    );
    assert_eq!(
        muted_in(&h, &id, Some(&b)),
        [("tom".to_owned(), h.now_secs() + 3600)]
    );
    ok(
        &h,
        "forbid_send_msg",
        json!({"GroupId": id, "TopicId": b, "Members_Account": ["tom"], "MuteTime": 0}),
    );
    assert!(muted_in(&h, &id, Some(&b)).is_empty());
    assert_eq!(send_code(&h, &id, Some(&b), "tom", 7), 0);

    // A group mute still silences the member in every topic.
    ok(
        &h,
        "forbid_send_msg",
        json!({"GroupId": id, "Members_Account": ["tom"], "MuteTime": 60}),
    );
    assert!(
        muted_in(&h, &id, Some(&b)).is_empty(),
        "a group mute is not a topic's"
    );
    assert_eq!(send_code(&h, &id, Some(&b), "tom", 8), 10017);
}

#[test]
fn messages_are_imported_into_a_topic_with_its_own_seqs() {
    let h = with_users(&["leckie", "peter"]);
    let created = 1_448_000_000;
    let id = ok(
        &h,
        "import_group",
        json!({"Type": "Community", "Name": "old", "Owner_Account": "leckie", "SupportTopic": 1,
               "CreateTime": created}),
    )["GroupId"]
        .as_str()
        .expect("GroupId")
        .to_owned();
    let topic = |name: &str| {
        ok(
            &h,
            "import_topic",
            json!({"GroupId": id, "TopicName": name, "CreateTime": created + 100}),
        )["TopicId"]
            .as_str()
            .expect("TopicId")
            .to_owned()
    };
    let (a, b) = (topic("a"), topic("b"));
    let msg = |from: &str, t: u64, random: u32, s: &str| json!({"From_Account": from, "SendTime": t, "Random": random, "MsgBody": text(s)});
    let import = |topic: Option<&str>, list: Vec<Value>| -> Vec<(i64, Option<u64>)> {
        let mut body = json!({"GroupId": id, "MsgList": list});
        if let Some(t) = topic {
            body["TopicId"] = json!(t);
        }
        ok(&h, "import_group_msg", body)["ImportMsgResult"]
            .as_array()
            .expect("ImportMsgResult")
            .iter()
            .map(|r| (r["Result"].as_i64().expect("Result"), r["MsgSeq"].as_u64()))
            .collect()
    };
    assert_eq!(
        import(
            Some(&a),
            vec![
                msg("peter", created + 200, 1, "first"),
                msg("leckie", created + 300, 2, "second"),
                // Before the topic's latest message, and before its creation.
                msg("peter", created + 250, 3, "late"),
                msg("peter", created + 50, 4, "too early"),
                // The same sender, body and Random within 5 minutes: the first one.
                msg("peter", created + 400, 1, "first"),
            ]
        ),
        [
            (0, Some(1)),
            (0, Some(2)),
            (10004, None),
            (10004, None),
            (0, Some(1))
        ]
    );
    assert_eq!(texts(&h, &id, Some(&a)), ["second", "first"]);
    assert!(texts(&h, &id, Some(&b)).is_empty());
    assert!(texts(&h, &id, None).is_empty(), "the group's own history");
    // Each topic and the group count their own MsgSeq; the topic's imports do not order
    // the group's.
    assert_eq!(
        import(Some(&b), vec![msg("peter", created + 150, 1, "in b")]),
        [(0, Some(1))]
    );
    assert_eq!(
        import(None, vec![msg("peter", created + 10, 1, "in the group")]),
        [(0, Some(1))]
    );
    assert_eq!(texts(&h, &id, None), ["in the group"]);
    let info = topic_ok(
        &h,
        "get_topic",
        json!({"GroupId": id, "From_Account": "leckie", "TopicIdList": [a]}),
    );
    assert_eq!(info["TopicAndSelfInfo"][0]["TopicInfo"]["NextMsgSeq"], 3);
    assert_eq!(
        info["TopicAndSelfInfo"][0]["TopicInfo"]["LastMsgTime"],
        created + 300
    );
    // A message sent later takes the next seq of the topic.
    let sent = ok(
        &h,
        "send_group_msg",
        json!({"GroupId": id, "TopicId": a, "Random": 9, "MsgBody": text("live")}),
    );
    assert_eq!(sent["MsgSeq"], 3);
}

#[test]
fn system_notifications_and_recalls_by_sender_reach_one_topic() {
    let h = with_users(&["leckie", "peter", "tom"]);
    let (id, a, b) = community_with_topics(&h, &["peter", "tom"]);
    ok(
        &h,
        "send_group_system_notification",
        json!({"GroupId": id, "TopicId": a, "Content": "to topic a"}),
    );
    ok(
        &h,
        "send_group_system_notification",
        json!({"GroupId": id, "TopicId": b, "Content": "to tom in b", "ToMembers_Account": ["tom"]}),
    );
    ok(
        &h,
        "send_group_system_notification",
        json!({"GroupId": id, "Content": "to the group"}),
    );
    let notes = h.emu.state().group_notifications();
    let seen: Vec<(Option<&str>, &str, Vec<String>)> = notes
        .iter()
        .map(|n| {
            (
                n.topic_id.as_deref(),
                n.content.as_str(),
                n.recipients.clone(),
            )
        })
        .collect();
    let all = vec!["leckie".to_owned(), "peter".to_owned(), "tom".to_owned()];
    assert_eq!(
        seen,
        [
            (Some(a.as_str()), "to topic a", all.clone()),
            (Some(b.as_str()), "to tom in b", vec!["tom".to_owned()]),
            (None, "to the group", all),
        ]
    );
    // Notifications take no MsgSeq in the topic.
    assert!(texts(&h, &id, Some(&a)).is_empty());

    // delete_group_msg_by_sender in a topic recalls there only.
    for (i, topic) in [Some(a.as_str()), Some(b.as_str()), None]
        .into_iter()
        .enumerate()
    {
        let random = u32::try_from(i).expect("small");
        assert_eq!(send_code(&h, &id, topic, "peter", 10 + random), 0);
        assert_eq!(send_code(&h, &id, topic, "tom", 20 + random), 0);
    }
    ok(
        &h,
        "delete_group_msg_by_sender",
        json!({"GroupId": id, "TopicId": a, "Sender_Account": "peter"}),
    );
    let senders = |topic: Option<&str>| -> Vec<String> {
        let mut body = json!({"GroupId": id, "ReqMsgNumber": 20});
        if let Some(t) = topic {
            body["TopicId"] = json!(t);
        }
        ok(&h, "group_msg_get_simple", body)["RspMsgList"]
            .as_array()
            .expect("RspMsgList")
            .iter()
            .map(|m| m["From_Account"].as_str().expect("From_Account").to_owned())
            .collect()
    };
    assert_eq!(senders(Some(&a)), ["tom"]);
    assert_eq!(senders(Some(&b)), ["tom", "peter"]);
    assert_eq!(senders(None), ["tom", "peter"]);
}

#[test]
fn topic_calls_answer_10010_for_a_missing_topic_and_10007_without_topics() {
    let h = with_users(&["leckie", "peter"]);
    let (id, a, _) = community_with_topics(&h, &["peter"]);
    let plain = ok(
        &h,
        "create_group",
        json!({"Type": "Community", "Name": "c", "Owner_Account": "leckie",
               "MemberList": [{"Member_Account": "peter"}]}),
    )["GroupId"]
        .as_str()
        .expect("GroupId")
        .to_owned();
    let public = create(&h, "Public", Some("leckie"), &["peter"]);
    let now = h.now_secs();
    let bodies = |g: &str, t: &str| {
        [
            (
                "forbid_send_msg",
                json!({"GroupId": g, "TopicId": t, "Members_Account": ["peter"], "MuteTime": 60}),
            ),
            (
                "get_group_muted_account",
                json!({"GroupId": g, "TopicId": t}),
            ),
            (
                "import_group_msg",
                json!({"GroupId": g, "TopicId": t, "MsgList": [
                    {"From_Account": "peter", "SendTime": now, "MsgBody": text("x")}]}),
            ),
            (
                "send_group_system_notification",
                json!({"GroupId": g, "TopicId": t, "Content": "x"}),
            ),
            (
                "delete_group_msg_by_sender",
                json!({"GroupId": g, "TopicId": t, "Sender_Account": "peter"}),
            ),
        ]
    };
    let cases = [
        (id.clone(), format!("{id}@TOPIC#_none"), 10010),
        (plain.clone(), format!("{plain}@TOPIC#_x"), 10007),
        (public.clone(), format!("{public}@TOPIC#_x"), 10007),
        ("@TGS#_nosuch".to_owned(), a.clone(), 10010),
    ];
    for (group, topic, expected) in cases {
        for (command, body) in bodies(&group, &topic) {
            assert_eq!(
                code(&h, command, body),
                expected,
                "{command} {group} {topic}"
            );
        }
    }
    // Nothing changed anywhere.
    assert!(muted_in(&h, &id, None).is_empty());
    assert!(muted_in(&h, &id, Some(&a)).is_empty());
    assert!(muted_in(&h, &plain, None).is_empty());
    assert!(muted_in(&h, &public, None).is_empty());
    assert!(h.emu.state().group_notifications().is_empty());
    assert!(texts(&h, &id, None).is_empty());
    assert!(texts(&h, &plain, None).is_empty());
    assert!(texts(&h, &public, None).is_empty());
}

#[test]
fn history_pages_hold_twenty_messages_at_most() {
    let h = with_users(&["leckie"]);
    let id = create(&h, "Public", Some("leckie"), &[]);
    for i in 0..25 {
        send(&h, &id, None, i + 1, &format!("m{i}"));
    }
    let page = |n: u32, seq: Option<u64>| {
        let mut body = json!({"GroupId": id, "ReqMsgNumber": n});
        if let Some(s) = seq {
            body["ReqMsgSeq"] = json!(s);
        }
        let r = ok(&h, "group_msg_get_simple", body);
        (
            r["RspMsgList"].as_array().expect("RspMsgList").len(),
            r["IsFinished"].clone(),
        )
    };
    assert_eq!(
        page(30, None),
        (20, json!(0)),
        "more asked than a page: 20, not finished"
    );
    assert_eq!(page(30, Some(5)), (5, json!(1)), "the rest fits: finished");
    assert_eq!(page(3, None), (3, json!(1)), "as many as asked");
}
