//! State behaviour and body checks of the tag and attribute endpoints, over HTTP.

mod common;

use common::{Harness, accounts};
use serde_json::{Value, json};

fn tags_in(v: &Value, account: &str) -> Vec<String> {
    v["UserTags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["To_Account"] == account)
        .map(|u| serde_json::from_value(u["Tags"].clone()).unwrap())
        .unwrap_or_else(|| panic!("{account} missing from {v}"))
}

#[test]
fn bodies_that_are_not_json_objects_get_90001() {
    let h = Harness::start();
    for body in [
        "",
        "   ",
        "{",
        "not json",
        "[1,2]",
        "\"x\"",
        "{\"To_Account\": \"alice\"}",
    ] {
        let v = h.call_raw("im_get_tag", &h.query(), body);
        assert_eq!(v["ErrorCode"], 90001, "body {body:?}: {v}");
    }
    // im_get_attr_name takes `{}`, but not an empty body.
    assert_eq!(
        h.call_raw("im_get_attr_name", &h.query(), "")["ErrorCode"],
        90001
    );
    h.ok("im_get_attr_name", json!({}));
}

#[test]
fn tags_are_added_read_removed() {
    let h = Harness::start();
    h.ok(
        "im_add_tag",
        json!({"UserTags": [
            {"To_Account": "alice", "Tags": ["a", "b"]},
            {"To_Account": "bob", "Tags": ["a"]}
        ]}),
    );
    h.ok(
        "im_add_tag",
        json!({"UserTags": [{"To_Account": "alice", "Tags": ["b", "c"]}]}),
    );
    let v = h.ok(
        "im_get_tag",
        json!({"To_Account": ["alice", "bob", "nobody"]}),
    );
    assert_eq!(v["UserTags"].as_array().unwrap().len(), 3);
    assert_eq!(tags_in(&v, "alice"), ["a", "b", "c"]);
    assert_eq!(tags_in(&v, "bob"), ["a"]);
    assert!(
        tags_in(&v, "nobody").is_empty(),
        "unknown accounts come back with empty Tags"
    );
    assert_eq!(h.emu.state().tags_of("alice"), ["a", "b", "c"]);

    h.ok(
        "im_remove_tag",
        json!({"UserTags": [{"To_Account": "alice", "Tags": ["a", "zzz"]}]}),
    );
    assert_eq!(h.emu.state().tags_of("alice"), ["b", "c"]);
    h.ok(
        "im_remove_all_tags",
        json!({"To_Account": ["alice", "nobody"]}),
    );
    assert!(h.emu.state().tags_of("alice").is_empty());
    assert_eq!(h.emu.state().tags_of("bob"), ["a"]);
    assert!(
        h.emu.state().is_known("alice"),
        "an account stays known after losing its tags"
    );
    assert!(
        !h.emu.state().is_known("nobody"),
        "reading or removing does not create accounts"
    );
}

#[test]
fn more_than_100_accounts_get_90018_everywhere() {
    let h = Harness::start();
    let many = accounts("u", 101);
    let items: Vec<Value> = many
        .iter()
        .map(|a| json!({"To_Account": a, "Tags": ["t"]}))
        .collect();
    let attrs: Vec<Value> = many
        .iter()
        .map(|a| json!({"To_Account": a, "Attrs": {}}))
        .collect();
    let names: Vec<Value> = many
        .iter()
        .map(|a| json!({"To_Account": a, "Attrs": ["x"]}))
        .collect();
    assert_eq!(h.code("im_get_tag", json!({"To_Account": many})), 90018);
    assert_eq!(
        h.code("im_remove_all_tags", json!({"To_Account": many})),
        90018
    );
    assert_eq!(h.code("im_get_attr", json!({"To_Account": many})), 90018);
    assert_eq!(h.code("im_add_tag", json!({"UserTags": items})), 90018);
    assert_eq!(h.code("im_remove_tag", json!({"UserTags": items})), 90018);
    assert_eq!(h.code("im_set_attr", json!({"UserAttrs": attrs})), 90018);
    assert_eq!(h.code("im_remove_attr", json!({"UserAttrs": names})), 90018);
    // Exactly 100 is fine.
    let v = h.ok("im_get_tag", json!({"To_Account": accounts("u", 100)}));
    assert_eq!(v["UserTags"].as_array().unwrap().len(), 100);
    assert!(
        h.emu.state().accounts().is_empty(),
        "refused calls changed nothing"
    );
}

#[test]
fn tag_limits_per_request() {
    let h = Harness::start();
    let eleven: Vec<String> = accounts("t", 11);
    let v = h.call(
        "im_add_tag",
        json!({"UserTags": [{"To_Account": "alice", "Tags": eleven}]}),
    );
    assert_eq!(v["ErrorCode"], 90032);
    assert!(
        v["ErrorInfo"]
            .as_str()
            .unwrap()
            .contains("UserTags[0].Tags"),
        "{v}"
    );
    let long = "x".repeat(51);
    let v = h.call(
        "im_add_tag",
        json!({"UserTags": [{"To_Account": "alice", "Tags": ["ok", long]}]}),
    );
    assert_eq!(v["ErrorCode"], 90020);
    assert!(v["ErrorInfo"].as_str().unwrap().contains("51 bytes"), "{v}");
    // 50 bytes (multi-byte characters count in bytes) and 10 tags are fine.
    let fifty = "é".repeat(25);
    h.ok(
        "im_add_tag",
        json!({"UserTags": [{"To_Account": "alice", "Tags": [fifty]}]}),
    );
    h.ok(
        "im_add_tag",
        json!({"UserTags": [{"To_Account": "bob", "Tags": accounts("t", 10)}]}),
    );
    assert_eq!(h.emu.state().tags_of("bob").len(), 10);
    assert_eq!(h.emu.state().tags_of("alice").len(), 1);
}

#[test]
fn at_most_100_tags_per_user_in_total() {
    let h = Harness::start();
    for batch in 0..10 {
        let tags: Vec<String> = (0..10).map(|i| format!("tag{}", batch * 10 + i)).collect();
        h.ok(
            "im_add_tag",
            json!({"UserTags": [{"To_Account": "alice", "Tags": tags}]}),
        );
    }
    assert_eq!(h.emu.state().tags_of("alice").len(), 100);
    // Re-adding tags she has is fine: nothing new.
    h.ok(
        "im_add_tag",
        json!({"UserTags": [{"To_Account": "alice", "Tags": ["tag0", "tag99"]}]}),
    );
    // One more is refused, and the whole request (bob included) does nothing.
    let v = h.call(
        "im_add_tag",
        json!({"UserTags": [
            {"To_Account": "bob", "Tags": ["x"]},
            {"To_Account": "alice", "Tags": ["new"]}
        ]}),
    );
    assert_eq!(v["ErrorCode"], 90032, "{v}");
    assert!(v["ErrorInfo"].as_str().unwrap().contains("101"), "{v}");
    assert_eq!(h.emu.state().tags_of("alice").len(), 100);
    assert!(h.emu.state().tags_of("bob").is_empty());
    // Delete an old one first, then the new one fits.
    h.ok(
        "im_remove_tag",
        json!({"UserTags": [{"To_Account": "alice", "Tags": ["tag0"]}]}),
    );
    h.ok(
        "im_add_tag",
        json!({"UserTags": [{"To_Account": "alice", "Tags": ["new"]}]}),
    );
    let tags = h.emu.state().tags_of("alice");
    assert_eq!(tags.len(), 100);
    assert_eq!(tags.last().map(String::as_str), Some("new"));
}

#[test]
fn attribute_names_must_be_set_first() {
    let h = Harness::start();
    let set = json!({"UserAttrs": [{"To_Account": "alice", "Attrs": {"city": "Shenzhen"}}]});
    assert_eq!(h.code("im_set_attr", set.clone()), 90033);
    assert!(h.emu.state().accounts().is_empty());

    h.ok(
        "im_set_attr_name",
        json!({"AttrNames": {"0": "sex", "1": "city"}}),
    );
    let v = h.ok("im_get_attr_name", json!({}));
    assert_eq!(v["AttrNames"], json!({"0": "sex", "1": "city"}));
    h.ok("im_set_attr", set);
    h.ok(
        "im_set_attr",
        json!({"UserAttrs": [{"To_Account": "bob", "Attrs": {"sex": "M", "city": "Beijing"}}]}),
    );

    let v = h.ok(
        "im_get_attr",
        json!({"To_Account": ["alice", "bob", "nobody"]}),
    );
    let users = v["UserAttrs"].as_array().unwrap();
    let find = |a: &str| users.iter().find(|u| u["To_Account"] == a).unwrap()["Attrs"].clone();
    assert_eq!(find("alice"), json!({"city": "Shenzhen"}));
    assert_eq!(find("bob"), json!({"sex": "M", "city": "Beijing"}));
    assert_eq!(
        find("nobody"),
        json!({}),
        "an account with nothing has Attrs {{}}"
    );

    // Unknown names in set or remove: 90033, nothing changed.
    let v = h.call(
        "im_set_attr",
        json!({"UserAttrs": [
            {"To_Account": "alice", "Attrs": {"sex": "F"}},
            {"To_Account": "alice", "Attrs": {"level": "3"}}
        ]}),
    );
    assert_eq!(v["ErrorCode"], 90033);
    assert!(v["ErrorInfo"].as_str().unwrap().contains("level"), "{v}");
    assert_eq!(h.emu.state().attrs_of("alice").get("sex"), None);
    assert_eq!(
        h.code(
            "im_remove_attr",
            json!({"UserAttrs": [{"To_Account": "bob", "Attrs": ["level"]}]})
        ),
        90033
    );

    h.ok(
        "im_remove_attr",
        json!({"UserAttrs": [{"To_Account": "bob", "Attrs": ["sex"]}]}),
    );
    assert_eq!(
        h.emu
            .state()
            .attrs_of("bob")
            .into_iter()
            .collect::<Vec<_>>(),
        [("city".to_owned(), "Beijing".to_owned())]
    );

    // Renaming a slot keeps its values under the new name; other slots are kept.
    h.ok("im_set_attr_name", json!({"AttrNames": {"1": "town"}}));
    assert_eq!(
        h.emu.state().attr_names().get("0").map(String::as_str),
        Some("sex")
    );
    assert_eq!(
        h.emu
            .state()
            .attrs_of("alice")
            .get("town")
            .map(String::as_str),
        Some("Shenzhen")
    );
}

#[test]
fn attribute_name_and_value_limits() {
    let h = Harness::start();
    let long = "n".repeat(51);
    assert_eq!(
        h.code("im_set_attr_name", json!({"AttrNames": {"0": long}})),
        90030
    );
    assert_eq!(
        h.code("im_set_attr_name", json!({"AttrNames": {"0": ""}})),
        90030
    );
    // Ten slots "0".."9" only.
    assert_ne!(
        h.code("im_set_attr_name", json!({"AttrNames": {"10": "x"}})),
        0
    );
    assert_ne!(
        h.code("im_set_attr_name", json!({"AttrNames": {"a": "x"}})),
        0
    );
    // The same name on two slots is ambiguous.
    assert_eq!(
        h.code(
            "im_set_attr_name",
            json!({"AttrNames": {"0": "x", "1": "x"}})
        ),
        90033
    );
    assert!(
        h.emu.state().attr_names().is_empty(),
        "refused calls changed nothing"
    );

    let names: serde_json::Map<String, Value> = (0..10)
        .map(|i| (i.to_string(), json!(format!("a{i}"))))
        .collect();
    h.ok("im_set_attr_name", json!({ "AttrNames": names }));
    assert_eq!(h.emu.state().attr_names().len(), 10);
    let v = h.call(
        "im_set_attr",
        json!({"UserAttrs": [{"To_Account": "alice", "Attrs": {"a0": "v".repeat(51)}}]}),
    );
    assert_eq!(v["ErrorCode"], 90030, "{v}");
    h.ok(
        "im_set_attr",
        json!({"UserAttrs": [{"To_Account": "alice", "Attrs": {"a0": "v".repeat(50)}}]}),
    );
}
