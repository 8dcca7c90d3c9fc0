//! im_push over HTTP: body checks, pacing, quota, MsgRandom deduplication, TaskId, and
//! which known accounts a push reaches.

mod common;

use std::time::Duration;

use common::{APP, Harness, push_body};
use serde_json::{Value, json};
use tim_emulator::PushTarget;

fn with(mut body: Value, key: &str, value: Value) -> Value {
    body[key] = value;
    body
}

#[test]
fn body_checks_have_the_documented_codes() {
    let h = Harness::start();
    let base = push_body(1);
    let mut no_random = base.clone();
    no_random.as_object_mut().unwrap().remove("MsgRandom");
    assert_eq!(h.code("im_push", no_random), 90005);
    assert_eq!(
        h.code("im_push", with(base.clone(), "MsgRandom", json!("1"))),
        90005
    );
    assert_eq!(
        h.code("im_push", with(base.clone(), "MsgRandom", json!(-1))),
        90005
    );
    assert_eq!(
        h.code(
            "im_push",
            with(base.clone(), "MsgRandom", json!(4_294_967_296u64))
        ),
        90005
    );

    assert_eq!(
        h.code("im_push", with(base.clone(), "MsgLifeTime", json!(604_801))),
        90026
    );
    assert_eq!(
        h.code("im_push", with(base.clone(), "MsgLifeTime", json!(-5))),
        90026
    );
    assert_eq!(
        h.code("im_push", with(base.clone(), "MsgLifeTime", json!("60"))),
        90044
    );

    let mut no_body = base.clone();
    no_body.as_object_mut().unwrap().remove("MsgBody");
    assert_eq!(h.code("im_push", no_body), 90002);
    assert_eq!(
        h.code("im_push", with(base.clone(), "MsgBody", json!([]))),
        90002
    );
    assert_eq!(
        h.code(
            "im_push",
            with(base.clone(), "MsgBody", json!({"MsgType": "TIMTextElem"}))
        ),
        90007
    );
    assert_eq!(
        h.code(
            "im_push",
            with(
                base.clone(),
                "MsgBody",
                json!([{"MsgType": "TIMNopeElem", "MsgContent": {}}])
            )
        ),
        90002
    );
    assert_eq!(
        h.code("im_push", with(base.clone(), "MsgBody", json!(["text"]))),
        90002
    );
    assert_eq!(
        h.code(
            "im_push",
            with(
                base.clone(),
                "MsgBody",
                json!([{"MsgType": "TIMTextElem", "MsgContent": {"Txt": "hi"}}])
            )
        ),
        90010
    );
    let custom = json!({"MsgType": "TIMCustomElem", "MsgContent": {"Data": "d"}});
    assert_eq!(
        h.code(
            "im_push",
            with(base.clone(), "MsgBody", json!([custom, custom]))
        ),
        90002
    );
    assert_eq!(
        h.code(
            "im_push",
            with(base.clone(), "OfflinePushInfo", json!({"PushFlag": "yes"}))
        ),
        90043
    );

    let cond = |c: Value| with(base.clone(), "Condition", c);
    assert_eq!(
        h.code(
            "im_push",
            cond(json!({"TagsOr": ["a"], "AttrsOr": {"city": "x"}}))
        ),
        90039
    );
    assert_eq!(
        h.code(
            "im_push",
            cond(json!({"TagsOr": ["a", "b"], "TagsAnd": ["b"]}))
        ),
        90022
    );
    assert_eq!(
        h.code("im_push", cond(json!({"TagsAnd": ["a", ""]}))),
        90040
    );
    assert_eq!(
        h.code(
            "im_push",
            cond(json!({"TagsOr": common::accounts("t", 11)}))
        ),
        90032
    );
    assert_eq!(
        h.code("im_push", cond(json!({"TagsOr": ["x".repeat(51)]}))),
        90020
    );
    assert_eq!(
        h.code("im_push", cond(json!({"AttrsAnd": {"city": "Shenzhen"}}))),
        90033,
        "names not registered"
    );

    assert!(
        h.emu.state().pushes().is_empty(),
        "no refused push was recorded"
    );
    // The doc's samples are accepted.
    h.ok(
        "im_set_attr_name",
        json!({"AttrNames": {"0": "sex", "1": "city"}}),
    );
    h.ok(
        "im_push",
        json!({"From_Account":"admin","MsgRandom":9657,
        "Condition":{"AttrsOr":{"sex":"M","city":"Shenzhen"}},
        "MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"hi, beauty"}}]}),
    );
    h.clock.advance(Duration::from_secs(2));
    h.ok("im_push", json!({"From_Account":"xiaoming","MsgRandom":3674128,"MsgLifeTime":120,
        "MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"hi, beauty"}}],
        "OfflinePushInfo":{"PushFlag":0,"Desc":"Content to push offline","Ext":"Passthrough content",
        "AndroidInfo":{"Sound":"android.mp3"},
        "ApnsInfo":{"Sound":"apns.mp3","BadgeMode":1,"Title":"apns title","SubTitle":"apns subtitle","Image":"www.image.com"}}}));
    let pushes = h.emu.state().pushes();
    assert_eq!(pushes.len(), 2);
    assert_eq!(pushes[1].from_account.as_deref(), Some("xiaoming"));
    assert_eq!(pushes[1].msg_lifetime, 120);
}

#[test]
fn task_id_has_the_documented_shape() {
    let h = Harness::start();
    let v = h.ok("im_push", push_body(4_155_518_400));
    let id = v["TaskId"].as_str().unwrap();
    let parts: Vec<&str> = id.split('_').collect();
    assert_eq!(parts.len(), 4, "{id}");
    assert!(
        parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())),
        "{id}"
    );
    assert_eq!(parts[0], APP.to_string());
    assert_eq!(parts[2], "4155518400");
    assert_eq!(h.emu.state().pushes()[0].task_id, id);
}

#[test]
fn pushes_must_be_more_than_one_second_apart() {
    let h = Harness::start();
    h.ok("im_push", push_body(1));
    assert_eq!(h.code("im_push", push_body(2)), 90024);
    h.clock.advance(Duration::from_millis(1000));
    assert_eq!(
        h.code("im_push", push_body(2)),
        90024,
        "exactly 1 s is not more than 1 s"
    );
    h.clock.advance(Duration::from_millis(1));
    h.ok("im_push", push_body(2));
    assert_eq!(h.emu.state().pushes().len(), 2);
}

#[test]
fn push_interval_is_configurable() {
    let h = Harness::with(|c| c.push_min_interval(Duration::ZERO));
    h.ok("im_push", push_body(1));
    h.clock.advance(Duration::from_millis(1));
    h.ok("im_push", push_body(2));
}

#[test]
fn daily_quota_resets_at_midnight_china_time() {
    let h = Harness::with(|c| c.daily_push_quota(2));
    h.ok("im_push", push_body(1));
    h.clock.advance(Duration::from_secs(2));
    h.ok("im_push", push_body(2));
    h.clock.advance(Duration::from_secs(2));
    assert_eq!(h.code("im_push", push_body(3)), 90047);
    // START_MS is 22:13:20 UTC, i.e. 06:13:20 UTC+8: the day ends in 17 h 46 min 40 s.
    h.clock
        .advance(Duration::from_secs(17 * 3600 + 46 * 60 + 30));
    assert_eq!(
        h.code("im_push", push_body(3)),
        90047,
        "still the same day in UTC+8"
    );
    h.clock.advance(Duration::from_secs(10));
    h.ok("im_push", push_body(3));
}

#[test]
fn the_same_msg_random_is_the_same_push_task() {
    let h = Harness::start();
    let first = h.ok("im_push", push_body(77))["TaskId"].clone();
    // A retry right away (within the push interval) gets the same task, not 90024.
    let again = h.ok("im_push", push_body(77))["TaskId"].clone();
    assert_eq!(first, again);
    h.clock.advance(Duration::from_millis(900));
    assert_eq!(h.ok("im_push", push_body(77))["TaskId"], first);
    assert_eq!(h.emu.state().pushes().len(), 1);
    // After the window (about a second, as the current page says) the value names a new
    // push: a late retry pushes twice, as on the service.
    h.clock.advance(Duration::from_millis(200));
    assert_ne!(h.ok("im_push", push_body(77))["TaskId"], first);
    assert_eq!(h.emu.state().pushes().len(), 2);
}

#[test]
fn a_failed_push_does_not_reserve_its_msg_random() {
    let h = Harness::start();
    h.ok("im_push", push_body(1));
    assert_eq!(h.code("im_push", push_body(2)), 90024);
    h.clock.advance(Duration::from_secs(2));
    let v = h.ok("im_push", push_body(2));
    assert!(v["TaskId"].as_str().unwrap().contains("_2_"));
    assert_eq!(h.emu.state().pushes().len(), 2);
}

#[test]
fn disabled_feature_gets_90045() {
    let h = Harness::with(|c| c.push_enabled(false));
    assert_eq!(h.code("im_push", push_body(1)), 90045);
    assert!(h.emu.state().pushes().is_empty());
}

fn recipients(h: &Harness, random: u32, condition: Option<Value>) -> Vec<String> {
    h.clock.advance(Duration::from_secs(2));
    let mut body = push_body(random);
    if let Some(c) = condition {
        body["Condition"] = c;
    }
    h.ok("im_push", body);
    h.emu.state().pushes().last().unwrap().recipients.clone()
}

#[test]
fn pushes_reach_the_known_accounts_matching_the_condition() {
    let h = Harness::with(|c| c.accounts(["dave"]));
    h.emu.state().import_accounts(["erin"]);
    h.ok(
        "im_add_tag",
        json!({"UserTags": [
            {"To_Account": "alice", "Tags": ["a", "b"]},
            {"To_Account": "bob", "Tags": ["a"]},
            {"To_Account": "carol", "Tags": ["c"]}
        ]}),
    );
    h.ok(
        "im_set_attr_name",
        json!({"AttrNames": {"0": "sex", "1": "city"}}),
    );
    h.ok(
        "im_set_attr",
        json!({"UserAttrs": [
            {"To_Account": "dave", "Attrs": {"sex": "M", "city": "Shenzhen"}},
            {"To_Account": "erin", "Attrs": {"sex": "F", "city": "Shenzhen"}},
            {"To_Account": "frank", "Attrs": {"sex": "M", "city": "Beijing"}}
        ]}),
    );
    assert_eq!(
        h.emu.state().accounts(),
        ["alice", "bob", "carol", "dave", "erin", "frank"]
    );

    assert_eq!(
        recipients(&h, 1, None),
        ["alice", "bob", "carol", "dave", "erin", "frank"]
    );
    assert_eq!(
        recipients(&h, 2, Some(json!({"TagsOr": ["b", "c"]}))),
        ["alice", "carol"]
    );
    assert_eq!(
        recipients(&h, 3, Some(json!({"TagsAnd": ["a", "b"]}))),
        ["alice"]
    );
    assert_eq!(
        recipients(&h, 4, Some(json!({"TagsAnd": ["a"]}))),
        ["alice", "bob"]
    );
    assert_eq!(
        recipients(&h, 5, Some(json!({"TagsOr": ["b", "c"], "TagsAnd": ["a"]}))),
        ["alice"]
    );
    assert!(recipients(&h, 6, Some(json!({"TagsOr": ["nobody-has-it"]}))).is_empty());
    assert_eq!(
        recipients(&h, 7, Some(json!({"AttrsAnd": {"city": "Shenzhen"}}))),
        ["dave", "erin"]
    );
    assert_eq!(
        recipients(
            &h,
            8,
            Some(json!({"AttrsAnd": {"city": "Shenzhen", "sex": "M"}}))
        ),
        ["dave"]
    );
    assert_eq!(
        recipients(
            &h,
            9,
            Some(json!({"AttrsOr": {"city": "Beijing", "sex": "F"}}))
        ),
        ["erin", "frank"]
    );
    assert_eq!(
        recipients(
            &h,
            10,
            Some(
                json!({"AttrsOr": {"city": "Beijing", "sex": "F"}, "AttrsAnd": {"city": "Shenzhen"}})
            )
        ),
        ["erin"]
    );

    let pushes = h.emu.state().pushes();
    assert_eq!(pushes[0].target, PushTarget::All);
    assert_eq!(
        pushes[4].target,
        PushTarget::Tags {
            or: vec!["b".into(), "c".into()],
            and: vec!["a".into()]
        }
    );
    assert!(
        matches!(&pushes[6].target, PushTarget::Attrs { or, and } if or.is_empty() && and.len() == 1)
    );
    assert_eq!(pushes[1].request["Condition"]["TagsOr"], json!(["b", "c"]));
    assert_eq!(h.emu.state().pushed_accounts().len(), 6);
}
