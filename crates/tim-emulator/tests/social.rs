//! Profiles (`profile/*`), the relationship chain (`sns/*`) and follows (`follow/*`) keep
//! state per account, with the documented errors.

mod common;

use common::Harness;
use serde_json::{Value, json};

fn with_users(users: &[&str]) -> Harness {
    let h = Harness::start();
    h.ok(
        "im_open_login_svc/multiaccount_import",
        json!({ "Accounts": users }),
    );
    h
}

fn set_profile(h: &Harness, who: &str, items: Value) -> Value {
    h.call(
        "profile/portrait_set",
        json!({"From_Account": who, "ProfileItem": items}),
    )
}

#[test]
fn profiles_are_checked_stored_and_read_back() {
    let h = with_users(&["ann"]);
    h.ok(
        "im_open_login_svc/account_import",
        json!({"UserID": "bob", "Nick": "Bobby"}),
    );
    let ok = set_profile(
        &h,
        "ann",
        json!([
            {"Tag": "Tag_Profile_IM_Nick", "Value": "Ann"},
            {"Tag": "Tag_Profile_IM_Level", "Value": 3},
            {"Tag": "Tag_Profile_Custom_Team", "Value": "red"}
        ]),
    );
    assert_eq!(ok["ErrorCode"], 0, "{ok}");
    let code = |who: &str, items: Value| set_profile(&h, who, items)["ErrorCode"].clone();
    assert_eq!(
        code("zed", json!([{"Tag": "Tag_Profile_IM_Nick", "Value": "x"}])),
        40003
    );
    assert_eq!(
        code("ann", json!([{"Tag": "Tag_Profile_IM_Nope", "Value": "x"}])),
        40009
    );
    assert_eq!(
        code(
            "ann",
            json!([{"Tag": "Tag_Profile_IM_Level", "Value": "high"}])
        ),
        40610
    );
    assert_eq!(
        code(
            "ann",
            json!([{"Tag": "Tag_Profile_IM_Gender", "Value": "Gender_Type_Robot"}])
        ),
        40605
    );
    assert_eq!(
        code(
            "ann",
            json!([{"Tag": "Tag_Profile_IM_Nick", "Value": "n".repeat(501)}])
        ),
        40601
    );
    // A refused set changes nothing (every field is checked first).
    assert_eq!(
        code(
            "ann",
            json!([{"Tag": "Tag_Profile_IM_Nick", "Value": "Other"}, {"Tag": "Tag_Profile_IM_Level", "Value": -1}])
        ),
        40610
    );

    let got = h.ok(
        "profile/portrait_get",
        json!({"To_Account": ["ann", "bob", "zed"], "TagList": ["Tag_Profile_IM_Nick", "Tag_Profile_IM_Level", "Tag_Profile_Custom_Team"]}),
    );
    let items = &got["UserProfileItem"];
    assert_eq!(
        items[0]["ProfileItem"],
        json!([
            {"Tag": "Tag_Profile_IM_Nick", "Value": "Ann"},
            {"Tag": "Tag_Profile_IM_Level", "Value": 3},
            {"Tag": "Tag_Profile_Custom_Team", "Value": "red"}
        ])
    );
    // account_import's Nick is the profile's nickname; unset fields read as empty.
    assert_eq!(items[1]["ProfileItem"][0]["Value"], "Bobby");
    assert_eq!(items[1]["ProfileItem"][1]["Value"], 0);
    assert_eq!(items[2]["ResultCode"], 40003);
    assert_eq!(got["Fail_Account"], json!(["zed"]));
}

fn add_friends(h: &Harness, from: &str, to: &[&str], extra: Value) -> Value {
    let items: Vec<Value> = to
        .iter()
        .map(|t| json!({"To_Account": t, "AddSource": "AddSource_Type_Test"}))
        .collect();
    let mut body = json!({"From_Account": from, "AddFriendItem": items});
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    h.ok("sns/friend_add", body)
}

fn codes(v: &Value) -> Vec<i64> {
    v["ResultItem"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ResultCode"].as_i64().unwrap())
        .collect()
}

fn relations(h: &Harness, from: &str, to: &[&str], check: &str) -> Vec<String> {
    h.ok(
        "sns/friend_check",
        json!({"From_Account": from, "To_Account": to, "CheckType": check}),
    )["InfoItem"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["Relation"].as_str().unwrap_or("").to_owned())
        .collect()
}

#[test]
fn friend_requests_follow_verification_and_blocklists() {
    let h = with_users(&["ann", "bob", "cid", "dan"]);
    set_profile(
        &h,
        "bob",
        json!([{"Tag": "Tag_Profile_IM_AllowType", "Value": "AllowType_Type_AllowAny"}]),
    );
    set_profile(
        &h,
        "dan",
        json!([{"Tag": "Tag_Profile_IM_AllowType", "Value": "AllowType_Type_DenyAny"}]),
    );
    // bob accepts anyone, cid needs to confirm (the default), dan refuses, zed does not exist.
    let r = add_friends(&h, "ann", &["bob", "cid", "dan", "zed"], json!({}));
    assert_eq!(codes(&r), [0, 30539, 30516, 30003]);
    assert_eq!(r["Fail_Account"], json!(["cid", "dan", "zed"]));
    assert_eq!(
        relations(&h, "ann", &["bob", "cid"], "CheckResult_Type_Both"),
        ["CheckResult_Type_BothWay", "CheckResult_Type_NoRelation"]
    );
    // An admin forces the add, one way.
    let r = add_friends(
        &h,
        "ann",
        &["cid"],
        json!({"AddType": "Add_Type_Single", "ForceAddFlags": 1}),
    );
    assert_eq!(codes(&r), [0]);
    assert_eq!(
        relations(&h, "cid", &["ann"], "CheckResult_Type_Both"),
        ["CheckResult_Type_BWithA"]
    );
    assert_eq!(codes(&add_friends(&h, "ann", &["bob"], json!({}))), [30001]);

    // Blocklisting removes the friendship both ways and blocks requests both ways.
    let r = h.ok(
        "sns/black_list_add",
        json!({"From_Account": "bob", "To_Account": ["ann"]}),
    );
    assert_eq!(codes(&r), [0]);
    assert_eq!(
        relations(&h, "ann", &["bob"], "CheckResult_Type_Both"),
        ["CheckResult_Type_NoRelation"]
    );
    assert_eq!(
        codes(&add_friends(
            &h,
            "ann",
            &["bob"],
            json!({"ForceAddFlags": 1})
        )),
        [30525]
    );
    assert_eq!(
        codes(&add_friends(
            &h,
            "bob",
            &["ann"],
            json!({"ForceAddFlags": 1})
        )),
        [30515]
    );
    let check = h.ok(
        "sns/black_list_check",
        json!({"From_Account": "ann", "To_Account": ["bob"], "CheckType": "BlackCheckResult_Type_Both"}),
    );
    assert_eq!(
        check["BlackListCheckItem"][0]["Relation"],
        "BlackCheckResult_Type_BWithA"
    );
    let list = h.ok(
        "sns/black_list_get",
        json!({"From_Account": "bob", "StartIndex": 0, "MaxLimited": 10, "LastSequence": 0}),
    );
    assert_eq!(list["BlackListItem"][0]["To_Account"], "ann");
    assert_eq!(list["StartIndex"], 0);
    let r = h.ok(
        "sns/black_list_delete",
        json!({"From_Account": "bob", "To_Account": ["ann", "cid"]}),
    );
    assert_eq!(codes(&r), [0, 30001]);
    assert_eq!(codes(&add_friends(&h, "ann", &["bob"], json!({}))), [0]);
}

#[test]
fn friends_import_update_lists_get_and_delete() {
    let h = with_users(&["ann", "bob", "cid"]);
    let r = h.ok(
        "sns/friend_import",
        json!({"From_Account": "ann", "AddFriendItem": [
            {"To_Account": "bob", "AddSource": "AddSource_Type_Web", "Remark": "B", "GroupName": ["work"], "AddTime": 1_600_000_000u64,
             "CustomItem": [{"Tag": "Tag_SNS_Custom_Level", "Value": 5}]},
            {"To_Account": "cid", "AddSource": "AddSource_Type_Web"}
        ]}),
    );
    assert_eq!(codes(&r), [0, 0]);
    // Imports are one-way.
    assert_eq!(
        relations(&h, "ann", &["bob"], "CheckResult_Type_Both"),
        ["CheckResult_Type_AWithB"]
    );
    let r = h.ok(
        "sns/friend_update",
        json!({"From_Account": "ann", "UpdateItem": [
            {"To_Account": "cid", "SnsItem": [{"Tag": "Tag_SNS_IM_Remark", "Value": "C"}, {"Tag": "Tag_SNS_IM_Group", "Value": ["work", "gym"]}]},
            {"To_Account": "zed", "SnsItem": [{"Tag": "Tag_SNS_IM_Remark", "Value": "Z"}]}
        ]}),
    );
    assert_eq!(codes(&r), [0, 30001]);
    let got = h.ok(
        "sns/friend_get_list",
        json!({"From_Account": "ann", "To_Account": ["bob", "cid"], "TagList": ["Tag_SNS_IM_Remark", "Tag_SNS_IM_Group", "Tag_SNS_Custom_Level", "Tag_SNS_IM_AddTime"]}),
    );
    assert_eq!(
        got["InfoItem"][0]["SnsProfileItem"],
        json!([
            {"Tag": "Tag_SNS_IM_Remark", "Value": "B"},
            {"Tag": "Tag_SNS_IM_Group", "Value": ["work"]},
            {"Tag": "Tag_SNS_Custom_Level", "Value": 5},
            {"Tag": "Tag_SNS_IM_AddTime", "Value": 1_600_000_000u64}
        ])
    );
    assert_eq!(got["InfoItem"][1]["SnsProfileItem"][0]["Value"], "C");

    let groups = h.ok(
        "sns/group_get",
        json!({"From_Account": "ann", "NeedFriend": "Need_Friend_Type_Yes"}),
    );
    assert_eq!(
        groups["ResultItem"],
        json!([
            {"GroupName": "work", "FriendNumber": 2, "To_Account": ["bob", "cid"]},
            {"GroupName": "gym", "FriendNumber": 1, "To_Account": ["cid"]}
        ])
    );
    h.ok(
        "sns/group_add",
        json!({"From_Account": "ann", "GroupName": ["family"], "To_Account": ["bob"]}),
    );
    h.ok(
        "sns/group_delete",
        json!({"From_Account": "ann", "GroupName": ["work"]}),
    );
    let groups = h.ok("sns/group_get", json!({"From_Account": "ann"}));
    assert_eq!(
        groups["ResultItem"],
        json!([{"GroupName": "gym", "FriendNumber": 1}, {"GroupName": "family", "FriendNumber": 1}])
    );

    let page = h.ok(
        "sns/friend_get",
        json!({"From_Account": "ann", "StartIndex": 0}),
    );
    assert_eq!(page["FriendNum"], 2);
    assert_eq!(page["CompleteFlag"], 1);
    assert_eq!(page["UserDataItem"][0]["To_Account"], "bob");

    let r = h.ok(
        "sns/friend_delete",
        json!({"From_Account": "ann", "To_Account": ["bob", "bob"]}),
    );
    assert_eq!(codes(&r), [0, 31704]);
    h.ok("sns/friend_delete_all", json!({"From_Account": "ann"}));
    assert_eq!(
        h.ok(
            "sns/friend_get",
            json!({"From_Account": "ann", "StartIndex": 0})
        )["FriendNum"],
        0
    );
    assert_eq!(
        h.code("sns/friend_delete_all", json!({"From_Account": "zed"})),
        30003
    );
}

#[test]
fn follows_are_counted_both_ways() {
    let h = with_users(&["ann", "bob", "cid"]);
    let follow = |from: &str, to: &[&str]| {
        let items: Vec<Value> = to.iter().map(|t| json!({"To_Account": t})).collect();
        h.ok(
            "follow/follow_add",
            json!({"From_Account": from, "FollowItem": items}),
        )
    };
    assert_eq!(codes(&follow("ann", &["bob", "cid", "zed"])), [0, 0, 30003]);
    follow("bob", &["ann"]);
    let check = h.ok(
        "follow/follow_check",
        json!({"From_Account": "ann", "To_Account": ["bob", "cid"]}),
    );
    assert_eq!(check["ResultItem"][0]["FollowType"], 3);
    assert_eq!(check["ResultItem"][1]["FollowType"], 2);
    let info = h.ok(
        "follow/follow_get_info",
        json!({"From_Account": "ann", "To_Account": ["ann", "cid"]}),
    );
    assert_eq!(info["FollowInfo"][0]["FollowerCount"], 1);
    assert_eq!(info["FollowInfo"][0]["FollowingCount"], 2);
    assert_eq!(info["FollowInfo"][0]["MutualFollowingCount"], 1);
    assert_eq!(info["FollowInfo"][1]["FollowerCount"], 1);

    let page = |cursor: &str| {
        h.ok(
            "follow/follow_get",
            json!({"From_Account": "ann", "FollowType": 2, "StartCursor": cursor, "WantNum": 1}),
        )
    };
    let first = page("");
    assert_eq!(first["FollowItem"][0]["To_Account"], "bob");
    let next = first["NextCursor"].as_str().unwrap().to_owned();
    let second = page(&next);
    assert_eq!(second["FollowItem"][0]["To_Account"], "cid");
    assert_eq!(second["NextCursor"], "");

    h.ok(
        "follow/follow_delete",
        json!({"From_Account": "ann", "To_Account": ["bob"]}),
    );
    let check = h.ok(
        "follow/follow_check",
        json!({"From_Account": "ann", "To_Account": ["bob"]}),
    );
    assert_eq!(check["ResultItem"][0]["FollowType"], 1);
}
