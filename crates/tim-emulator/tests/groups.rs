//! Groups (`group_open_http_svc/*`) keep state: groups with generated or custom IDs, their
//! profiles, members and roles, mutes that end on the emulator's clock, messages with
//! increasing `MsgSeq`, history pages, recalls, imports and system notifications, and the
//! documented errors. A failing call changes nothing.

mod common;

use std::time::Duration;

use common::{ADMIN, Harness};
use serde_json::{Value, json};

const SVC: &str = "group_open_http_svc";

fn path(command: &str) -> String {
    format!("{SVC}/{command}")
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

/// Creates a group from `body` (with a default `Name`); returns its ID.
fn create(h: &Harness, mut body: Value) -> String {
    if body.get("Name").is_none() {
        body["Name"] = json!("TestGroup");
    }
    ok(h, "create_group", body)["GroupId"]
        .as_str()
        .expect("GroupId")
        .to_owned()
}

/// The whole profile of `group` (no filter).
fn info(h: &Harness, group: &str) -> Value {
    ok(h, "get_group_info", json!({"GroupIdList": [group]}))["GroupInfo"][0].clone()
}

fn text(s: &str) -> Value {
    json!([{"MsgType": "TIMTextElem", "MsgContent": {"Text": s}}])
}

/// Sends `body` to `group` from `from` (None: the admin).
fn send_body(group: &str, from: Option<&str>, random: u32, body: &str) -> Value {
    let mut b = json!({"GroupId": group, "Random": random, "MsgBody": text(body)});
    if let Some(f) = from {
        b["From_Account"] = json!(f);
    }
    b
}

fn send(h: &Harness, group: &str, from: Option<&str>, random: u32, body: &str) -> Value {
    ok(h, "send_group_msg", send_body(group, from, random, body))
}

fn history(h: &Harness, group: &str, number: u32, extra: Value) -> Value {
    let mut body = json!({"GroupId": group, "ReqMsgNumber": number});
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    ok(h, "group_msg_get_simple", body)
}

fn seqs(page: &Value) -> Vec<u64> {
    page["RspMsgList"]
        .as_array()
        .expect("RspMsgList")
        .iter()
        .map(|m| m["MsgSeq"].as_u64().expect("MsgSeq"))
        .collect()
}

fn texts(page: &Value) -> Vec<String> {
    page["RspMsgList"]
        .as_array()
        .expect("RspMsgList")
        .iter()
        .map(|m| {
            m["MsgBody"].get(0).map_or(String::new(), |e| {
                e["MsgContent"]["Text"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned()
            })
        })
        .collect()
}

fn role(h: &Harness, group: &str, who: &str) -> String {
    ok(
        h,
        "get_role_in_group",
        json!({"GroupId": group, "User_Account": [who]}),
    )["UserIdList"][0]["Role"]
        .as_str()
        .expect("Role")
        .to_owned()
}

fn member_accounts(list: &Value) -> Vec<String> {
    list.as_array()
        .expect("MemberList")
        .iter()
        .map(|m| m["Member_Account"].as_str().expect("account").to_owned())
        .collect()
}

fn members(h: &Harness, group: &str) -> Vec<String> {
    member_accounts(&ok(h, "get_group_member_info", json!({"GroupId": group}))["MemberList"])
}

fn muted(h: &Harness, group: &str) -> Vec<(String, u64)> {
    ok(h, "get_group_muted_account", json!({"GroupId": group}))["MutedAccountList"]
        .as_array()
        .expect("MutedAccountList")
        .iter()
        .map(|m| {
            (
                m["Member_Account"].as_str().expect("account").to_owned(),
                m["MutedUntil"].as_u64().expect("MutedUntil"),
            )
        })
        .collect()
}

#[test]
fn a_group_is_created_read_modified_and_disbanded() {
    let h = with_users(&["leckie", "bob", "peter"]);
    let now = h.now_secs();
    let id = create(
        &h,
        json!({
            "Owner_Account": "leckie", "Type": "Public", "GroupId": "MyFirstGroup",
            "Introduction": "intro", "Notification": "notice", "FaceUrl": "http://face",
            "MaxMemberCount": 500, "ApplyJoinOption": "FreeAccess",
            "AppDefinedData": [{"Key": "Level", "Value": "3"}],
            "MemberList": [
                {"Member_Account": "bob", "Role": "Admin",
                 "AppMemberDefinedData": [{"Key": "Rank", "Value": "gold"}]},
                {"Member_Account": "peter"}
            ]
        }),
    );
    assert_eq!(id, "MyFirstGroup");
    let g = info(&h, &id);
    assert_eq!(g["ErrorCode"], 0, "{g}");
    assert_eq!(g["Appid"], common::APP);
    assert_eq!(g["Type"], "Public");
    assert_eq!(g["Name"], "TestGroup");
    assert_eq!(g["Introduction"], "intro");
    assert_eq!(g["Notification"], "notice");
    assert_eq!(g["FaceUrl"], "http://face");
    assert_eq!(g["Owner_Account"], "leckie");
    assert_eq!(g["CreateTime"], now);
    assert_eq!(g["LastInfoTime"], now);
    assert_eq!(g["InfoSeq"], 0);
    assert_eq!(g["LastMsgTime"], 0);
    assert_eq!(g["NextMsgSeq"], 1);
    assert_eq!(g["MemberNum"], 3);
    assert_eq!(g["MaxMemberNum"], 500);
    assert_eq!(g["ApplyJoinOption"], "FreeAccess");
    assert_eq!(g["MuteAllMember"], "Off");
    assert_eq!(g["AppDefinedData"], json!([{"Key": "Level", "Value": "3"}]));
    assert_eq!(
        member_accounts(&g["MemberList"]),
        ["leckie", "bob", "peter"]
    );
    let bob = &g["MemberList"][1];
    assert_eq!(bob["Role"], "Admin");
    assert_eq!(bob["JoinTime"], now);
    assert_eq!(bob["MsgFlag"], "AcceptAndNotify");
    assert_eq!(bob["MuteUntil"], 0);
    assert_eq!(
        bob["AppMemberDefinedData"],
        json!([{"Key": "Rank", "Value": "gold"}])
    );
    assert_eq!(g["MemberList"][0]["Role"], "Owner");
    assert_eq!(g["MemberList"][2]["Role"], "Member");

    h.clock.advance(Duration::from_secs(10));
    ok(
        &h,
        "modify_group_base_info",
        json!({"GroupId": id, "Name": "NewName", "MaxMemberNum": 100,
               "MuteAllMember": "On", "ApplyJoinOption": "NeedPermission",
               "AppDefinedData": [{"Key": "Level", "Value": ""}, {"Key": "Topic", "Value": "rust"}]}),
    );
    let g = info(&h, &id);
    assert_eq!(g["Name"], "NewName");
    assert_eq!(g["Introduction"], "intro", "fields left out are unchanged");
    assert_eq!(g["MaxMemberNum"], 100);
    assert_eq!(g["MuteAllMember"], "On");
    assert_eq!(g["ApplyJoinOption"], "NeedPermission");
    assert_eq!(g["InfoSeq"], 1);
    assert_eq!(g["LastInfoTime"], now + 10);
    assert_eq!(
        g["AppDefinedData"],
        json!([{"Key": "Topic", "Value": "rust"}]),
        "an empty value deletes the key"
    );

    ok(&h, "destroy_group", json!({"GroupId": id}));
    assert_eq!(info(&h, &id)["ErrorCode"], 10010);
    assert_eq!(code(&h, "destroy_group", json!({"GroupId": id})), 10010);
    assert!(h.emu.state().group_ids().is_empty());
    // The ID is free again.
    let again = create(&h, json!({"Type": "Public", "GroupId": "MyFirstGroup"}));
    assert_eq!(again, "MyFirstGroup");
}

#[test]
fn generated_ids_are_unique_and_custom_ids_are_checked() {
    let h = with_users(&["leckie"]);
    let ids: Vec<String> = ["Private", "Public", "ChatRoom", "AVChatRoom", "Public"]
        .iter()
        .map(|t| create(&h, json!({"Type": t})))
        .collect();
    for id in &ids {
        assert!(id.starts_with("@TGS#"), "{id}");
        assert_eq!(id.len(), 14, "{id}");
    }
    let distinct: std::collections::BTreeSet<&String> = ids.iter().collect();
    assert_eq!(distinct.len(), ids.len());
    assert_eq!(h.emu.state().group_ids(), ids, "creation order");

    let community = ok(
        &h,
        "create_group",
        json!({"Type": "Community", "Name": "c", "SupportTopic": 1}),
    );
    assert!(
        community["GroupId"]
            .as_str()
            .unwrap()
            .starts_with("@TGS#_@TGS#"),
        "{community}"
    );
    assert_eq!(community["Type"], "Community");
    assert_eq!(community["HugeGroupFlag"], 0);

    let bad = |body: Value| code(&h, "create_group", body);
    assert_eq!(
        bad(json!({"Type": "Public", "Name": "x", "GroupId": "@TGS#mine"})),
        10004
    );
    assert_eq!(
        bad(json!({"Type": "Public", "Name": "x", "GroupId": "tab\there"})),
        10004
    );
    assert_eq!(
        bad(json!({"Type": "Community", "Name": "x", "GroupId": "mine"})),
        10004
    );
    assert_eq!(
        create(&h, json!({"Type": "Community", "GroupId": "@TGS#_mine"})),
        "@TGS#_mine"
    );
    assert_eq!(h.emu.state().group_ids().len(), 7);
}

#[test]
fn an_id_in_use_answers_10025_for_its_owner_and_10021_otherwise() {
    let h = with_users(&["leckie", "bob"]);
    create(
        &h,
        json!({"Type": "Public", "GroupId": "taken", "Owner_Account": "leckie"}),
    );
    let again = |owner: Option<&str>| {
        let mut body = json!({"Type": "Public", "Name": "x", "GroupId": "taken"});
        if let Some(o) = owner {
            body["Owner_Account"] = json!(o);
        }
        code(&h, "create_group", body)
    };
    assert_eq!(again(Some("leckie")), 10025);
    assert_eq!(again(Some("bob")), 10021);
    assert_eq!(again(None), 10021);
    assert_eq!(
        code(
            &h,
            "import_group",
            json!({"Type": "Public", "Name": "x", "GroupId": "taken", "Owner_Account": "leckie"})
        ),
        10021
    );
    assert_eq!(h.emu.state().group_ids(), ["taken"]);
}

#[test]
fn owners_and_members_must_exist_and_failed_creations_leave_nothing() {
    let h = with_users(&["leckie", "bob"]);
    let body = |owner: &str, member: &str| {
        json!({"Type": "Public", "Name": "x", "Owner_Account": owner,
               "MemberList": [{"Member_Account": member}]})
    };
    assert_eq!(code(&h, "create_group", body("zed", "bob")), 10019);
    assert_eq!(code(&h, "create_group", body("leckie", "zed")), 10019);
    // The admin exists without being imported.
    let id = create(&h, json!({"Type": "Public", "Owner_Account": ADMIN}));
    assert_eq!(info(&h, &id)["Owner_Account"], ADMIN);
    // Initial members over the group's maximum: 10038.
    assert_eq!(
        code(
            &h,
            "create_group",
            json!({"Type": "Public", "Name": "x", "Owner_Account": "leckie", "MaxMemberCount": 1,
                   "MemberList": [{"Member_Account": "bob"}]})
        ),
        10038
    );
    // Bad maximums and custom fields: 10004.
    for extra in [
        json!({"MaxMemberCount": 0}),
        json!({"MaxMemberCount": 6001}),
        json!({"AppDefinedData": [{"Key": "bad key", "Value": "x"}]}),
        json!({"AppDefinedData": [{"Key": "Big", "Value": "x".repeat(513)}]}),
    ] {
        let mut body = json!({"Type": "Public", "Name": "x"});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        assert_eq!(code(&h, "create_group", body.clone()), 10004, "{body}");
    }
    // A work group has no admins.
    assert_eq!(
        code(
            &h,
            "create_group",
            json!({"Type": "Private", "Name": "x", "MemberList": [{"Member_Account": "bob", "Role": "Admin"}]})
        ),
        10007
    );
    assert_eq!(h.emu.state().group_ids(), [id]);
}

#[test]
fn get_group_info_answers_each_group_with_its_own_code_and_follows_the_filter() {
    let h = with_users(&["leckie", "peter"]);
    let id = create(
        &h,
        json!({"Type": "Public", "Owner_Account": "leckie",
               "AppDefinedData": [{"Key": "A", "Value": "1"}, {"Key": "B", "Value": "2"}],
               "MemberList": [{"Member_Account": "peter",
                   "AppMemberDefinedData": [{"Key": "M1", "Value": "x"}, {"Key": "M2", "Value": "y"}]}]}),
    );
    let v = ok(
        &h,
        "get_group_info",
        json!({"GroupIdList": [id, "nosuchgroup", ""]}),
    );
    let list = v["GroupInfo"].as_array().unwrap();
    assert_eq!(list.len(), 3);
    assert_eq!(list[0]["ErrorCode"], 0);
    assert_eq!(list[1]["GroupId"], "nosuchgroup");
    assert_eq!(list[1]["ErrorCode"], 10010);
    assert!(list[1].get("Type").is_none());
    assert_eq!(list[2]["ErrorCode"], 10015);

    let filtered = ok(
        &h,
        "get_group_info",
        json!({"GroupIdList": [id], "ResponseFilter": {
            "GroupBaseInfoFilter": ["Type", "Name"],
            "MemberInfoFilter": ["Account", "Role"],
            "AppDefinedDataFilter_Group": ["B"],
            "AppDefinedDataFilter_GroupMember": ["M2", "Nope"]
        }}),
    )["GroupInfo"][0]
        .clone();
    let keys: Vec<&String> = filtered.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "AppDefinedData",
            "ErrorCode",
            "ErrorInfo",
            "GroupId",
            "MemberList",
            "Name",
            "Type"
        ]
    );
    assert_eq!(
        filtered["AppDefinedData"],
        json!([{"Key": "B", "Value": "2"}])
    );
    assert_eq!(
        filtered["MemberList"],
        json!([
            {"Member_Account": "leckie", "Role": "Owner", "AppMemberDefinedData": []},
            {"Member_Account": "peter", "Role": "Member",
             "AppMemberDefinedData": [{"Key": "M2", "Value": "y"}]}
        ])
    );
    // Base fields only: no members, no custom fields.
    let base_only = ok(
        &h,
        "get_group_info",
        json!({"GroupIdList": [id], "ResponseFilter": {"GroupBaseInfoFilter": ["MemberNum"]}}),
    )["GroupInfo"][0]
        .clone();
    assert_eq!(base_only["MemberNum"], 2);
    assert!(base_only.get("MemberList").is_none());
    assert!(base_only.get("AppDefinedData").is_none());
    assert!(base_only.get("Name").is_none());
}

#[test]
fn members_are_added_with_per_member_results_until_the_group_is_full() {
    let h = with_users(&["leckie", "tommy", "jared", "kim", "lee"]);
    let id = create(
        &h,
        json!({"Type": "Public", "Owner_Account": "leckie", "MaxMemberCount": 4}),
    );
    let added = ok(
        &h,
        "add_group_member",
        json!({"GroupId": id, "MemberList": [
            {"Member_Account": "tommy"}, {"Member_Account": "leckie"}, {"Member_Account": "tommy"}
        ]}),
    );
    assert_eq!(
        added["MemberList"],
        json!([
            {"Member_Account": "tommy", "Result": 1},
            {"Member_Account": "leckie", "Result": 2},
            {"Member_Account": "tommy", "Result": 2}
        ])
    );
    // An unknown account fails the call: nobody is added.
    assert_eq!(
        code(
            &h,
            "add_group_member",
            json!({"GroupId": id, "MemberList": [{"Member_Account": "jared"}, {"Member_Account": "zed"}]})
        ),
        10019
    );
    assert_eq!(members(&h, &id), ["leckie", "tommy"]);
    // Three more do not fit in four: 10014, nobody is added.
    assert_eq!(
        code(
            &h,
            "add_group_member",
            json!({"GroupId": id, "MemberList": [
                {"Member_Account": "jared"}, {"Member_Account": "kim"}, {"Member_Account": "lee"}
            ]})
        ),
        10014
    );
    assert_eq!(members(&h, &id), ["leckie", "tommy"]);
    let two_fit = ok(
        &h,
        "add_group_member",
        json!({"GroupId": id, "Silence": 1, "MemberList": [
            {"Member_Account": "jared"}, {"Member_Account": "kim"}
        ]}),
    );
    assert_eq!(two_fit["MemberList"][1]["Result"], 1);
    assert_eq!(info(&h, &id)["MemberNum"], 4);
    assert_eq!(
        code(
            &h,
            "add_group_member",
            json!({"GroupId": id, "MemberList": [{"Member_Account": "lee"}]})
        ),
        10014
    );
    assert_eq!(
        code(
            &h,
            "add_group_member",
            json!({"GroupId": "nosuchgroup", "MemberList": [{"Member_Account": "lee"}]})
        ),
        10010
    );
}

#[test]
fn members_are_removed_and_owners_stay_except_in_work_groups() {
    let h = with_users(&["leckie", "tommy", "jared"]);
    let public = create(
        &h,
        json!({"Type": "Public", "Owner_Account": "leckie",
               "MemberList": [{"Member_Account": "tommy"}, {"Member_Account": "jared"}]}),
    );
    ok(
        &h,
        "delete_group_member",
        json!({"GroupId": public, "MemberToDel_Account": ["tommy", "nobody"], "Reason": "bye"}),
    );
    assert_eq!(members(&h, &public), ["leckie", "jared"]);
    // Removing someone who is not a member still succeeds.
    ok(
        &h,
        "delete_group_member",
        json!({"GroupId": public, "MemberToDel_Account": ["tommy"]}),
    );
    assert_eq!(
        code(
            &h,
            "delete_group_member",
            json!({"GroupId": public, "MemberToDel_Account": ["jared", "leckie"]})
        ),
        10007
    );
    assert_eq!(members(&h, &public), ["leckie", "jared"], "nothing changed");

    let work = create(
        &h,
        json!({"Type": "Private", "Owner_Account": "leckie", "MemberList": [{"Member_Account": "tommy"}]}),
    );
    ok(
        &h,
        "delete_group_member",
        json!({"GroupId": work, "MemberToDel_Account": ["leckie"]}),
    );
    let g = info(&h, &work);
    assert_eq!(g["Owner_Account"], "");
    assert_eq!(member_accounts(&g["MemberList"]), ["tommy"]);
    // The group can be given an owner again.
    ok(
        &h,
        "change_group_owner",
        json!({"GroupId": work, "NewOwner_Account": "tommy"}),
    );
    assert_eq!(role(&h, &work, "tommy"), "Owner");
}

#[test]
fn roles_change_and_ownership_moves_between_members() {
    let h = with_users(&["leckie", "bob", "peter", "wesley"]);
    let id = create(
        &h,
        json!({"Type": "Public", "Owner_Account": "leckie",
               "MemberList": [{"Member_Account": "bob"}, {"Member_Account": "peter"}]}),
    );
    let roles = ok(
        &h,
        "get_role_in_group",
        json!({"GroupId": id, "User_Account": ["leckie", "peter", "wesley"]}),
    );
    assert_eq!(
        roles["UserIdList"],
        json!([
            {"Member_Account": "leckie", "Role": "Owner"},
            {"Member_Account": "peter", "Role": "Member"},
            {"Member_Account": "wesley", "Role": "NotMember"}
        ])
    );
    let modify = |body: Value| code(&h, "modify_group_member_info", body);
    assert_eq!(
        modify(json!({"GroupId": id, "Member_Account": "bob", "Role": "Admin"})),
        0
    );
    assert_eq!(role(&h, &id, "bob"), "Admin");
    assert_eq!(
        modify(json!({"GroupId": id, "Member_Account": "leckie", "Role": "Member"})),
        10007
    );
    assert_eq!(
        modify(json!({"GroupId": id, "Member_Account": "wesley", "NameCard": "w"})),
        10004
    );
    assert_eq!(
        modify(json!({"GroupId": "nosuchgroup", "Member_Account": "bob", "Role": "Member"})),
        10010
    );

    // Ownership: the new owner must be a member; the old owner becomes a member.
    assert_eq!(
        code(
            &h,
            "change_group_owner",
            json!({"GroupId": id, "NewOwner_Account": "wesley"})
        ),
        10004
    );
    ok(
        &h,
        "change_group_owner",
        json!({"GroupId": id, "NewOwner_Account": "bob"}),
    );
    assert_eq!(role(&h, &id, "bob"), "Owner");
    assert_eq!(role(&h, &id, "leckie"), "Member");
    let g = info(&h, &id);
    assert_eq!(g["Owner_Account"], "bob");
    assert_eq!(g["InfoSeq"], 1);
    // Again to the same owner: nothing changes.
    ok(
        &h,
        "change_group_owner",
        json!({"GroupId": id, "NewOwner_Account": "bob"}),
    );
    assert_eq!(info(&h, &id)["InfoSeq"], 1);

    // Work groups have no admins.
    let work = create(
        &h,
        json!({"Type": "Private", "Owner_Account": "leckie", "MemberList": [{"Member_Account": "bob"}]}),
    );
    assert_eq!(
        modify(json!({"GroupId": work, "Member_Account": "bob", "Role": "Admin"})),
        10007
    );
}

#[test]
fn member_profiles_are_modified_filtered_and_paged() {
    let h = with_users(&["leckie", "bob", "peter", "tom"]);
    let id = create(
        &h,
        json!({"Type": "ChatRoom", "Owner_Account": "leckie",
               "MemberList": [{"Member_Account": "bob", "Role": "Admin"},
                              {"Member_Account": "peter"}, {"Member_Account": "tom"}]}),
    );
    ok(
        &h,
        "modify_group_member_info",
        json!({"GroupId": id, "Member_Account": "peter", "NameCard": "Pete",
               "MsgFlag": "Discard",
               "AppMemberDefinedData": [{"Key": "Level", "Value": "7"}]}),
    );
    let all = ok(&h, "get_group_member_info", json!({"GroupId": id}));
    assert_eq!(all["MemberNum"], 4);
    assert!(all.get("Next").is_none(), "only communities page with Next");
    let peter = &all["MemberList"][2];
    assert_eq!(peter["NameCard"], "Pete");
    assert_eq!(peter["MsgFlag"], "Discard");
    assert_eq!(
        peter["AppMemberDefinedData"],
        json!([{"Key": "Level", "Value": "7"}])
    );
    assert_eq!(
        all["MemberList"][3]["MsgFlag"], "AcceptNotNotify",
        "meeting groups receive online messages only by default"
    );

    // Only the named fields; custom fields only when asked for.
    let some = ok(
        &h,
        "get_group_member_info",
        json!({"GroupId": id, "MemberInfoFilter": ["NameCard"], "Limit": 2, "Offset": 1}),
    );
    assert_eq!(
        some["MemberList"],
        json!([
            {"Member_Account": "bob", "NameCard": ""},
            {"Member_Account": "peter", "NameCard": "Pete"}
        ])
    );
    assert_eq!(some["MemberNum"], 4);
    let by_role = ok(
        &h,
        "get_group_member_info",
        json!({"GroupId": id, "MemberRoleFilter": ["Owner", "Admin"], "MemberInfoFilter": ["Role"]}),
    );
    assert_eq!(member_accounts(&by_role["MemberList"]), ["leckie", "bob"]);
    assert_eq!(by_role["MemberNum"], 4, "MemberNum counts every member");
    let custom = ok(
        &h,
        "get_group_member_info",
        json!({"GroupId": id, "AppDefinedDataFilter_GroupMember": ["Level"]}),
    );
    assert_eq!(custom["MemberList"][2]["Role"], "Member");
    assert_eq!(
        custom["MemberList"][2]["AppMemberDefinedData"],
        json!([{"Key": "Level", "Value": "7"}])
    );

    // Specified members, in the order asked, non-members left out.
    let specified = ok(
        &h,
        "get_specified_group_member_info",
        json!({"GroupId": id, "Member_List_Account": ["tom", "nobody", "peter"],
               "MemberInfoFilter": ["NameCard", "OnlineStatus"]}),
    );
    assert_eq!(specified["GroupId"], id.as_str());
    assert_eq!(
        specified["MemberList"],
        json!([
            {"Member_Account": "tom", "NameCard": "", "OnlineStatus": "Offline",
             "AppMemberDefinedData": []},
            {"Member_Account": "peter", "NameCard": "Pete", "OnlineStatus": "Offline",
             "AppMemberDefinedData": [{"Key": "Level", "Value": "7"}]}
        ])
    );
}

#[test]
fn community_members_page_with_next() {
    let users: Vec<String> = common::accounts("u", 5);
    let h = Harness::start();
    h.ok(
        "im_open_login_svc/multiaccount_import",
        json!({ "Accounts": users }),
    );
    let list: Vec<Value> = users.iter().map(|u| json!({"Member_Account": u})).collect();
    let id = create(&h, json!({"Type": "Community", "MemberList": list}));
    let mut next = String::new();
    let mut seen = Vec::new();
    for _ in 0..5 {
        let page = ok(
            &h,
            "get_group_member_info",
            json!({"GroupId": id, "Limit": 2, "Next": next}),
        );
        seen.extend(member_accounts(&page["MemberList"]));
        next = page["Next"].as_str().expect("Next").to_owned();
        if next.is_empty() {
            break;
        }
    }
    assert_eq!(seen, users);
    assert!(next.is_empty());
}

#[test]
fn mutes_end_by_themselves_on_the_emulator_clock() {
    let h = with_users(&["leckie", "peter", "tom"]);
    let id = create(
        &h,
        json!({"Type": "Public", "Owner_Account": "leckie",
               "MemberList": [{"Member_Account": "peter"}, {"Member_Account": "tom"}]}),
    );
    let now = h.now_secs();
    ok(
        &h,
        "forbid_send_msg",
        json!({"GroupId": id, "Members_Account": ["peter"], "MuteTime": 60}),
    );
    assert_eq!(muted(&h, &id), [("peter".to_owned(), now + 60)]);
    let g = info(&h, &id);
    assert_eq!(g["MemberList"][1]["MuteUntil"], now + 60);
    assert_eq!(
        code(&h, "send_group_msg", send_body(&id, Some("peter"), 1, "hi")),
        10017
    );
    // Still muted after leaving and joining again.
    ok(
        &h,
        "delete_group_member",
        json!({"GroupId": id, "MemberToDel_Account": ["peter"]}),
    );
    assert!(muted(&h, &id).is_empty(), "only members are listed");
    ok(
        &h,
        "add_group_member",
        json!({"GroupId": id, "MemberList": [{"Member_Account": "peter"}]}),
    );
    assert_eq!(muted(&h, &id).len(), 1);
    h.clock.advance(Duration::from_secs(59));
    assert_eq!(
        code(&h, "send_group_msg", send_body(&id, Some("peter"), 2, "hi")),
        10017
    );
    h.clock.advance(Duration::from_secs(1));
    assert!(muted(&h, &id).is_empty(), "the mute ended by itself");
    send(&h, &id, Some("peter"), 3, "free again");
    assert_eq!(info(&h, &id)["MemberList"][2]["MuteUntil"], 0);

    // modify_group_member_info mutes too; MuteTime 0 unmutes.
    ok(
        &h,
        "modify_group_member_info",
        json!({"GroupId": id, "Member_Account": "tom", "MuteTime": 3600}),
    );
    assert_eq!(muted(&h, &id)[0].0, "tom");
    ok(
        &h,
        "forbid_send_msg",
        json!({"GroupId": id, "Members_Account": ["tom"], "MuteTime": 0}),
    );
    assert!(muted(&h, &id).is_empty());
    // Only members; not in work groups.
    assert_eq!(
        code(
            &h,
            "forbid_send_msg",
            json!({"GroupId": id, "Members_Account": ["tom", "stranger"], "MuteTime": 60})
        ),
        10004
    );
    assert!(muted(&h, &id).is_empty(), "nothing changed");
    let work = create(
        &h,
        json!({"Type": "Private", "Owner_Account": "leckie", "MemberList": [{"Member_Account": "tom"}]}),
    );
    assert_eq!(
        code(
            &h,
            "forbid_send_msg",
            json!({"GroupId": work, "Members_Account": ["tom"], "MuteTime": 60})
        ),
        10007
    );
    assert_eq!(
        code(
            &h,
            "modify_group_member_info",
            json!({"GroupId": work, "Member_Account": "tom", "MuteTime": 60})
        ),
        10007
    );
}

#[test]
fn muting_all_members_leaves_the_owner_admins_and_app_admin_speaking() {
    let h = with_users(&["leckie", "bob", "peter"]);
    let id = create(
        &h,
        json!({"Type": "Public", "Owner_Account": "leckie",
               "MemberList": [{"Member_Account": "bob", "Role": "Admin"}, {"Member_Account": "peter"}]}),
    );
    ok(
        &h,
        "modify_group_base_info",
        json!({"GroupId": id, "MuteAllMember": "On"}),
    );
    assert_eq!(
        code(&h, "send_group_msg", send_body(&id, Some("peter"), 1, "x")),
        10017
    );
    send(&h, &id, Some("leckie"), 2, "owner");
    send(&h, &id, Some("bob"), 3, "admin");
    send(&h, &id, None, 4, "app admin");
    ok(
        &h,
        "modify_group_base_info",
        json!({"GroupId": id, "MuteAllMember": "Off"}),
    );
    send(&h, &id, Some("peter"), 5, "member");
    assert_eq!(seqs(&history(&h, &id, 20, json!({}))), [4, 3, 2, 1]);
}

#[test]
fn messages_get_increasing_seqs_and_page_newest_first() {
    let h = with_users(&["leckie", "peter", "outsider"]);
    let id = create(
        &h,
        json!({"Type": "Public", "Owner_Account": "leckie", "MemberList": [{"Member_Account": "peter"}]}),
    );
    let start = h.now_secs();
    for i in 0..5u32 {
        let from = if i % 2 == 0 { Some("leckie") } else { None };
        let sent = send(&h, &id, from, 100 + i, &format!("m{}", i + 1));
        assert_eq!(sent["MsgSeq"], u64::from(i) + 1);
        assert_eq!(sent["MsgTime"], start + u64::from(i));
        h.clock.advance(Duration::from_secs(1));
    }
    let g = info(&h, &id);
    assert_eq!(g["NextMsgSeq"], 6);
    assert_eq!(g["LastMsgTime"], start + 4);
    let leckie = &g["MemberList"][0];
    assert_eq!(leckie["LastSendMsgTime"], start + 4);
    assert_eq!(leckie["MsgSeq"], 5);

    let latest = history(&h, &id, 2, json!({}));
    assert_eq!(latest["GroupId"], id.as_str());
    assert_eq!(latest["IsFinished"], 1);
    assert_eq!(seqs(&latest), [5, 4]);
    assert_eq!(texts(&latest), ["m5", "m4"]);
    let m5 = &latest["RspMsgList"][0];
    assert_eq!(m5["From_Account"], "leckie");
    assert_eq!(m5["MsgRandom"], 104);
    assert_eq!(m5["MsgTimeStamp"], start + 4);
    assert_eq!(m5["MsgPriority"], 2);
    assert_eq!(m5["IsPlaceMsg"], 0);
    assert_eq!(latest["RspMsgList"][1]["From_Account"], ADMIN);
    // The next page: the smallest seq minus one.
    let older = history(&h, &id, 2, json!({"ReqMsgSeq": 3}));
    assert_eq!(seqs(&older), [3, 2]);
    assert_eq!(seqs(&history(&h, &id, 2, json!({"ReqMsgSeq": 1}))), [1]);
    assert!(seqs(&history(&h, &id, 2, json!({"ReqMsgSeq": 0}))).is_empty());

    // A sender need not be a member, but must exist.
    assert_eq!(send(&h, &id, Some("outsider"), 1, "hello")["MsgSeq"], 6);
    assert_eq!(
        code(&h, "send_group_msg", send_body(&id, Some("zed"), 1, "x")),
        10004
    );
    assert_eq!(
        code(&h, "send_group_msg", send_body("nosuchgroup", None, 1, "x")),
        10010
    );
    assert_eq!(
        code(
            &h,
            "send_group_msg",
            send_body(&"x".repeat(49), None, 1, "x")
        ),
        10015
    );
    // At most 12,000 bytes.
    assert_eq!(
        code(
            &h,
            "send_group_msg",
            send_body(&id, None, 9, &"x".repeat(12_000))
        ),
        80002
    );
    // Online-only messages are not stored and take no seq.
    let online = ok(
        &h,
        "send_group_msg",
        json!({"GroupId": id, "Random": 77, "OnlineOnlyFlag": 1, "MsgBody": text("now")}),
    );
    assert_eq!(online["MsgSeq"], 0);
    assert_eq!(send(&h, &id, None, 78, "stored")["MsgSeq"], 7);
    assert_eq!(
        code(
            &h,
            "send_group_msg",
            json!({"GroupId": id, "Random": 79, "OnlineOnlyFlag": 1,
                   "SendMsgControl": ["NoUnread"], "MsgBody": text("x")})
        ),
        10004
    );
}

#[test]
fn a_repeated_random_within_five_minutes_is_the_same_message() {
    let h = with_users(&["leckie"]);
    let id = create(&h, json!({"Type": "Public", "Owner_Account": "leckie"}));
    let first = send(&h, &id, Some("leckie"), 42, "hello");
    h.clock.advance(Duration::from_secs(299));
    let repeat = send(&h, &id, Some("leckie"), 42, "hello");
    assert_eq!(repeat["MsgSeq"], first["MsgSeq"]);
    assert_eq!(repeat["MsgTime"], first["MsgTime"]);
    // Another body, or another sender, is another message.
    assert_eq!(send(&h, &id, Some("leckie"), 42, "other")["MsgSeq"], 2);
    assert_eq!(send(&h, &id, None, 42, "hello")["MsgSeq"], 3);
    h.clock.advance(Duration::from_secs(1));
    assert_eq!(send(&h, &id, Some("leckie"), 42, "hello")["MsgSeq"], 4);
    assert_eq!(
        texts(&history(&h, &id, 20, json!({}))),
        ["hello", "hello", "other", "hello"]
    );
}

#[test]
fn recalled_messages_leave_the_history_unless_asked_for() {
    let h = with_users(&["leckie", "peter"]);
    let id = create(
        &h,
        json!({"Type": "Public", "Owner_Account": "leckie", "MemberList": [{"Member_Account": "peter"}]}),
    );
    for (random, who) in (1u32..).zip(["leckie", "peter", "leckie", "peter"]) {
        send(&h, &id, Some(who), random, &format!("m{random}"));
    }
    let recall = ok(
        &h,
        "group_msg_recall",
        json!({"GroupId": id, "MsgSeqList": [{"MsgSeq": 2}, {"MsgSeq": 2}, {"MsgSeq": 100}]}),
    );
    assert_eq!(
        recall["RecallRetList"],
        json!([
            {"MsgSeq": 2, "RetCode": 0},
            {"MsgSeq": 2, "RetCode": 10032},
            {"MsgSeq": 100, "RetCode": 10030}
        ])
    );
    assert_eq!(seqs(&history(&h, &id, 20, json!({}))), [4, 3, 1]);
    let with = history(&h, &id, 20, json!({"WithRecalledMsg": 1}));
    assert_eq!(seqs(&with), [4, 3, 2, 1]);
    assert_eq!(with["RspMsgList"][2]["IsPlaceMsg"], 2);
    assert_eq!(with["RspMsgList"][2]["MsgBody"], json!([]));

    // delete_group_msg_by_sender recalls the sender's messages silently.
    ok(
        &h,
        "delete_group_msg_by_sender",
        json!({"GroupId": id, "Sender_Account": "leckie"}),
    );
    assert_eq!(seqs(&history(&h, &id, 20, json!({}))), [4]);
    assert_eq!(
        code(
            &h,
            "group_msg_recall",
            json!({"GroupId": "nosuchgroup", "MsgSeqList": [{"MsgSeq": 1}]})
        ),
        10010
    );
}

#[test]
fn audio_video_groups_have_no_members_and_no_history() {
    let h = with_users(&["leckie", "peter"]);
    assert_eq!(
        code(
            &h,
            "create_group",
            json!({"Type": "AVChatRoom", "Name": "live", "MemberList": [{"Member_Account": "peter"}]})
        ),
        10007
    );
    let id = create(&h, json!({"Type": "AVChatRoom", "Owner_Account": "leckie"}));
    let g = info(&h, &id);
    assert_eq!(g["Owner_Account"], "leckie");
    assert_eq!(g["MemberNum"], 0);
    assert!(g.get("MemberList").is_none());
    assert!(g.get("MaxMemberNum").is_none(), "no member limit");

    let members = json!({"GroupId": id, "MemberList": [{"Member_Account": "peter"}]});
    assert_eq!(code(&h, "add_group_member", members.clone()), 10007);
    assert_eq!(code(&h, "import_group_member", members), 10007);
    assert_eq!(
        code(
            &h,
            "delete_group_member",
            json!({"GroupId": id, "MemberToDel_Account": ["peter"]})
        ),
        10004
    );
    assert_eq!(
        code(&h, "get_group_member_info", json!({"GroupId": id})),
        10007
    );
    assert_eq!(
        code(
            &h,
            "get_role_in_group",
            json!({"GroupId": id, "User_Account": ["leckie"]})
        ),
        10007
    );
    assert_eq!(
        code(
            &h,
            "change_group_owner",
            json!({"GroupId": id, "NewOwner_Account": "peter"})
        ),
        10007
    );

    // Messages get seqs, but nothing is stored.
    assert_eq!(send(&h, &id, Some("peter"), 1, "one")["MsgSeq"], 1);
    assert_eq!(send(&h, &id, None, 2, "two")["MsgSeq"], 2);
    assert_eq!(info(&h, &id)["NextMsgSeq"], 3);
    assert_eq!(
        code(
            &h,
            "group_msg_get_simple",
            json!({"GroupId": id, "ReqMsgNumber": 5})
        ),
        10007
    );
    let recall = ok(
        &h,
        "group_msg_recall",
        json!({"GroupId": id, "MsgSeqList": [{"MsgSeq": 1}]}),
    );
    assert_eq!(recall["RecallRetList"][0]["RetCode"], 10033);
    assert_eq!(
        code(
            &h,
            "import_group_msg",
            json!({"GroupId": id, "MsgList": [{"From_Account": "peter", "SendTime": h.now_secs(), "MsgBody": text("x")}]})
        ),
        10007
    );
    // No effect, no error.
    ok(
        &h,
        "delete_group_msg_by_sender",
        json!({"GroupId": id, "Sender_Account": "peter"}),
    );
    ok(
        &h,
        "set_unread_msg_num",
        json!({"GroupId": id, "Member_Account": "peter", "UnreadMsgNum": 3}),
    );

    // Any existing account can be muted.
    ok(
        &h,
        "forbid_send_msg",
        json!({"GroupId": id, "Members_Account": ["peter"], "MuteTime": 10}),
    );
    assert_eq!(muted(&h, &id).len(), 1);
    assert_eq!(
        code(&h, "send_group_msg", send_body(&id, Some("peter"), 3, "x")),
        10017
    );
    h.clock.advance(Duration::from_secs(10));
    send(&h, &id, Some("peter"), 4, "back");
}

#[test]
fn imported_groups_members_and_messages_keep_their_times() {
    let h = with_users(&["leckie", "tommy", "jared", "kim"]);
    let now = h.now_secs();
    let created = now - 10_000;
    let id = ok(
        &h,
        "import_group",
        json!({"Owner_Account": "leckie", "Type": "Public", "Name": "old", "CreateTime": created}),
    )["GroupId"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(id.starts_with("@TGS#"));
    let g = info(&h, &id);
    assert_eq!(g["CreateTime"], created);
    assert_eq!(g["MemberList"][0]["JoinTime"], created);
    assert_eq!(
        code(
            &h,
            "import_group",
            json!({"Type": "Public", "Name": "future", "CreateTime": now + 10})
        ),
        10004
    );

    // Messages: in order, after the creation and the latest message, not in the future.
    let imported = ok(
        &h,
        "import_group_msg",
        json!({"GroupId": id, "MsgList": [
            {"From_Account": "leckie", "SendTime": created + 10, "Random": 1, "MsgBody": text("a")},
            {"From_Account": "tommy", "SendTime": created - 1, "MsgBody": text("too old")},
            {"From_Account": "leckie", "SendTime": created + 20, "MsgBody": text("b")},
            {"From_Account": "leckie", "SendTime": created + 15, "MsgBody": text("out of order")},
            {"From_Account": "leckie", "SendTime": now + 1, "MsgBody": text("future")},
            {"From_Account": "leckie", "SendTime": created + 30, "Random": 1, "MsgBody": text("a")},
            {"From_Account": "leckie", "SendTime": created + 40, "MsgBody": text(&"x".repeat(12_001))}
        ]}),
    );
    assert_eq!(
        imported["ImportMsgResult"],
        json!([
            {"MsgSeq": 1, "MsgTime": created + 10, "Result": 0},
            {"Result": 10004},
            {"MsgSeq": 2, "MsgTime": created + 20, "Result": 0},
            {"Result": 10004},
            {"Result": 10004},
            {"MsgSeq": 1, "MsgTime": created + 10, "Result": 0},
            {"Result": 80002}
        ])
    );
    assert_eq!(
        texts(&history(&h, &id, 20, json!({}))),
        ["b", "a"],
        "a repeated Random within 5 minutes is stored once"
    );
    assert_eq!(
        code(
            &h,
            "import_group_msg",
            json!({"GroupId": id, "MsgList": [{"From_Account": "zed", "SendTime": now, "MsgBody": text("x")}]})
        ),
        10004
    );
    // After an import every member has read everything.
    assert_eq!(info(&h, &id)["MemberList"][0]["MsgSeq"], 2);

    // Members: their join time between the creation and now; unread counts kept.
    let members = ok(
        &h,
        "import_group_member",
        json!({"GroupId": id, "MemberList": [
            {"Member_Account": "tommy", "Role": "Admin", "JoinTime": created + 5, "UnreadMsgNum": 1},
            {"Member_Account": "jared", "JoinTime": created - 5},
            {"Member_Account": "kim", "JoinTime": now + 5},
            {"Member_Account": "zed"},
            {"Member_Account": "leckie"},
            {"Member_Account": "kim", "UnreadMsgNum": 50}
        ]}),
    );
    assert_eq!(
        members["MemberList"],
        json!([
            {"Member_Account": "tommy", "Result": 1},
            {"Member_Account": "jared", "Result": 0},
            {"Member_Account": "kim", "Result": 0},
            {"Member_Account": "zed", "Result": 0},
            {"Member_Account": "leckie", "Result": 2},
            {"Member_Account": "kim", "Result": 1}
        ])
    );
    let specified = ok(
        &h,
        "get_specified_group_member_info",
        json!({"GroupId": id, "Member_List_Account": ["tommy", "kim"],
               "MemberInfoFilter": ["Role", "JoinTime", "MsgSeq"]}),
    );
    assert_eq!(
        specified["MemberList"],
        json!([
            {"Member_Account": "tommy", "Role": "Admin", "JoinTime": created + 5, "MsgSeq": 1,
             "AppMemberDefinedData": []},
            {"Member_Account": "kim", "Role": "Member", "JoinTime": now, "MsgSeq": 0,
             "AppMemberDefinedData": []}
        ])
    );
    // set_unread_msg_num moves the read position.
    ok(
        &h,
        "set_unread_msg_num",
        json!({"GroupId": id, "Member_Account": "kim", "UnreadMsgNum": 0}),
    );
    ok(
        &h,
        "set_unread_msg_num",
        json!({"GroupId": id, "Member_Account": "tommy", "UnreadMsgNum": 2}),
    );
    let read = ok(
        &h,
        "get_specified_group_member_info",
        json!({"GroupId": id, "Member_List_Account": ["tommy", "kim"], "MemberInfoFilter": ["MsgSeq"]}),
    );
    assert_eq!(read["MemberList"][0]["MsgSeq"], 0);
    assert_eq!(read["MemberList"][1]["MsgSeq"], 2);
    assert_eq!(
        code(
            &h,
            "set_unread_msg_num",
            json!({"GroupId": id, "Member_Account": "jared", "UnreadMsgNum": 1})
        ),
        10004
    );
}

#[test]
fn joined_groups_are_listed_with_filters_and_pages() {
    let h = with_users(&["leckie", "peter"]);
    let public = create(
        &h,
        json!({"Type": "Public", "Owner_Account": "leckie", "MemberList": [{"Member_Account": "peter"}]}),
    );
    let work = create(
        &h,
        json!({"Type": "Private", "Owner_Account": "leckie", "MemberList": [{"Member_Account": "peter"}]}),
    );
    let meeting = create(
        &h,
        json!({"Type": "ChatRoom", "MemberList": [{"Member_Account": "peter"}]}),
    );
    create(&h, json!({"Type": "Public", "Owner_Account": "leckie"}));
    let ids = |v: &Value| -> Vec<String> {
        v["GroupIdList"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["GroupId"].as_str().unwrap().to_owned())
            .collect()
    };
    let list = |body: Value| ok(&h, "get_joined_group_list", body);

    // The work group is not active until its first message, except for its owner.
    let peter = list(json!({"Member_Account": "peter"}));
    assert_eq!(ids(&peter), [public.clone(), meeting.clone()]);
    assert_eq!(peter["TotalCount"], 2);
    assert_eq!(peter["GroupIdList"][0], json!({"GroupId": public}));
    assert_eq!(
        ids(&list(
            json!({"Member_Account": "peter", "WithNoActiveGroups": 1})
        )),
        [public.clone(), work.clone(), meeting.clone()]
    );
    assert_eq!(list(json!({"Member_Account": "leckie"}))["TotalCount"], 3);
    send(&h, &work, Some("peter"), 1, "activate");
    let all = list(json!({"Member_Account": "peter", "Limit": 2, "Offset": 1,
                          "ResponseFilter": {"GroupBaseInfoFilter": ["Type", "NextMsgSeq"],
                                             "SelfInfoFilter": ["Role", "MsgSeq"]}}));
    assert_eq!(all["TotalCount"], 3);
    assert_eq!(
        all["GroupIdList"],
        json!([
            {"GroupId": work, "Type": "Private", "NextMsgSeq": 2,
             "SelfInfo": {"Role": "Member", "MsgSeq": 1}},
            {"GroupId": meeting, "Type": "ChatRoom", "NextMsgSeq": 1,
             "SelfInfo": {"Role": "Member", "MsgSeq": 0}}
        ])
    );
    let by_type = list(json!({"Member_Account": "peter", "GroupType": "ChatRoom"}));
    assert_eq!(ids(&by_type), [meeting]);
    assert_eq!(
        code(
            &h,
            "get_joined_group_list",
            json!({"Member_Account": "peter", "SupportTopic": 1})
        ),
        10004
    );
    assert_eq!(list(json!({"Member_Account": "nobody"}))["TotalCount"], 0);
}

#[test]
fn the_apps_groups_are_listed_page_by_page() {
    let h = with_users(&["leckie"]);
    let mut ids: Vec<String> = (0..5)
        .map(|i| {
            create(
                &h,
                json!({"Type": if i == 2 { "ChatRoom" } else { "Public" }}),
            )
        })
        .collect();
    ok(&h, "destroy_group", json!({"GroupId": ids[1]}));
    ids.remove(1);
    let mut next = 0u64;
    let mut seen = Vec::new();
    loop {
        let page = ok(
            &h,
            "get_appid_group_list",
            json!({"Limit": 3, "Next": next}),
        );
        assert_eq!(page["TotalCount"], 4);
        seen.extend(
            page["GroupIdList"]
                .as_array()
                .unwrap()
                .iter()
                .map(|g| g["GroupId"].as_str().unwrap().to_owned()),
        );
        next = page["Next"].as_u64().expect("Next");
        // One call per second.
        h.clock.advance(Duration::from_secs(1));
        if next == 0 {
            break;
        }
    }
    assert_eq!(seen, ids);
    let meetings = ok(&h, "get_appid_group_list", json!({"GroupType": "ChatRoom"}));
    assert_eq!(meetings["TotalCount"], 1);
    assert_eq!(meetings["GroupIdList"][0]["GroupId"], ids[1].as_str());
    assert_eq!(meetings["Next"], 0);
}

#[test]
fn system_notifications_reach_the_members() {
    let h = with_users(&["leckie", "peter", "tom"]);
    let id = create(
        &h,
        json!({"Type": "Public", "Owner_Account": "leckie",
               "MemberList": [{"Member_Account": "peter"}, {"Member_Account": "tom"}]}),
    );
    ok(
        &h,
        "send_group_system_notification",
        json!({"GroupId": id, "Content": "to all"}),
    );
    ok(
        &h,
        "send_group_system_notification",
        json!({"GroupId": id, "Content": "to some", "ToMembers_Account": ["tom", "stranger"]}),
    );
    let notes = h.emu.state().group_notifications();
    assert_eq!(notes.len(), 2);
    assert_eq!(notes[0].recipients, ["leckie", "peter", "tom"]);
    assert_eq!(notes[0].content, "to all");
    assert_eq!(notes[1].recipients, ["tom"]);
    assert_eq!(notes[1].group_id, id);
    // Notifications take no seq.
    assert_eq!(info(&h, &id)["NextMsgSeq"], 1);
    let live = create(&h, json!({"Type": "AVChatRoom"}));
    assert_eq!(
        code(
            &h,
            "send_group_system_notification",
            json!({"GroupId": live, "Content": "x", "ToMembers_Account": ["tom"]})
        ),
        10007
    );
    ok(
        &h,
        "send_group_system_notification",
        json!({"GroupId": live, "Content": "to all"}),
    );
    assert_eq!(
        code(
            &h,
            "send_group_system_notification",
            json!({"GroupId": "nosuchgroup", "Content": "x"})
        ),
        10010
    );
}

#[test]
fn a_message_to_a_missing_topic_leaves_the_group_alone() {
    let h = with_users(&["leckie"]);
    let id = create(&h, json!({"Type": "Community", "SupportTopic": 1}));
    let mut body = send_body(&id, None, 1, "x");
    body["TopicId"] = json!(format!("{id}@TOPIC#_t"));
    assert_eq!(code(&h, "send_group_msg", body), 10010);
    assert_eq!(info(&h, &id)["NextMsgSeq"], 1);
}

#[test]
fn every_group_endpoint_keeps_state() {
    let services = [
        "group_open_http_svc",
        "group_open_attr_http_svc",
        "group_open_avchatroom_http_svc",
        "million_group_open_http_svc",
    ];
    let group_endpoints: Vec<&str> = tim_model::endpoints::ALL
        .iter()
        .filter(|e| services.contains(&e.service))
        .map(|e| e.path)
        .collect();
    assert_eq!(group_endpoints.len(), 51);
    for path in group_endpoints {
        assert!(tim_emulator::is_stateful(path), "{path}");
    }
}
