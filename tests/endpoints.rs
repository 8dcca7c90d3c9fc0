//! Every endpoint through the client against the emulator, with the emulator's state checked
//! after each call; and every error code the emulator produces that a client can cause,
//! reached through the client as the typed `Error::Api { code: ErrorCode::X, .. }`.
//!
//! Not reachable through a client, which always sends a complete query string and checks
//! what a provider hands it: 60012, 60004 and 60002 (missing or malformed query
//! parameters, non-POST), 70002 (empty UserSig) and 70013 (UserSig of another identifier);
//! the emulator's own tests cover them with raw HTTP. 70001 is in `faults.rs`.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::*;
use serde_json::json;
use tim_client::all_member_push::*;
use tim_client::common::*;
use tim_client::endpoint::{Endpoint, RateLimit, RetrySafety};
use tim_client::{Client, Error, ErrorCode, RetryPolicy, SecretKey, all_member_push};
use tim_emulator::{Fault, FaultRule, PushTarget};

fn text(s: &str) -> Vec<MsgElement> {
    vec![MsgElement::Text(TextElem::new(s))]
}

/// A push with a chosen `MsgRandom`.
fn push_with(msg_random: u32, body: Vec<MsgElement>) -> PushRequest {
    let mut push = PushRequest::new(body);
    push.msg_random = msg_random;
    push
}

fn names(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn every_endpoint_changes_the_state_as_documented() {
    let (emu, clock) = emulator_frozen(|c| c.accounts(["carol"]));
    let client = client(&emu);
    let state = emu.state();

    // Attribute names.
    client
        .all_member_push()
        .set_attr_name(SetAttrNameRequest::new(names(&[
            ("0", "sex"),
            ("1", "city"),
        ])))
        .unwrap();
    assert_eq!(state.attr_names(), names(&[("0", "sex"), ("1", "city")]));
    let got = client.all_member_push().get_attr_name().unwrap();
    assert_eq!(
        got.attr_names.unwrap(),
        names(&[("0", "sex"), ("1", "city")])
    );

    // Tags.
    client
        .all_member_push()
        .add_tag(AddTagRequest::new(vec![
            UserTagsToAdd::new("alice", ["a", "b", "c"]),
            UserTagsToAdd::new("bob", ["a"]),
        ]))
        .unwrap();
    assert_eq!(state.tags_of("alice"), ["a", "b", "c"]);
    assert_eq!(state.tags_of("bob"), ["a"]);
    client
        .all_member_push()
        .remove_tag(RemoveTagRequest::new(vec![UserTags::new("alice", ["b"])]))
        .unwrap();
    assert_eq!(state.tags_of("alice"), ["a", "c"]);
    let got = client
        .all_member_push()
        .get_tag(GetTagRequest::new(["alice", "bob", "nobody"]))
        .unwrap();
    let got: BTreeMap<_, _> = got
        .user_tags
        .unwrap()
        .into_iter()
        .map(|u| (u.to_account, u.tags))
        .collect();
    assert_eq!(got["alice"], ["a", "c"]);
    assert_eq!(got["bob"], ["a"]);
    assert!(got["nobody"].is_empty());
    client
        .all_member_push()
        .remove_all_tags(RemoveAllTagsRequest::new(["bob"]))
        .unwrap();
    assert!(state.tags_of("bob").is_empty());
    assert_eq!(state.tags_of("alice"), ["a", "c"]);

    // Attributes.
    client
        .all_member_push()
        .set_attr(SetAttrRequest::new(vec![
            UserAttrs::new("alice", names(&[("sex", "f"), ("city", "sz")])),
            UserAttrs::new("bob", names(&[("city", "bj")])),
        ]))
        .unwrap();
    assert_eq!(
        state.attrs_of("alice"),
        names(&[("city", "sz"), ("sex", "f")])
    );
    client
        .all_member_push()
        .remove_attr(RemoveAttrRequest::new(vec![UserAttrNames::new(
            "alice",
            ["city"],
        )]))
        .unwrap();
    assert_eq!(state.attrs_of("alice"), names(&[("sex", "f")]));
    let got = client
        .all_member_push()
        .get_attr(GetAttrRequest::new(["alice", "bob"]))
        .unwrap();
    let got: BTreeMap<_, _> = got
        .user_attrs
        .unwrap()
        .into_iter()
        .map(|u| (u.to_account, u.attrs))
        .collect();
    assert_eq!(got["alice"], names(&[("sex", "f")]));
    assert_eq!(got["bob"], names(&[("city", "bj")]));

    // Pushes: to everyone, then by tag, then by attribute.
    let all = client
        .all_member_push()
        .push(push_with(1, text("hello all")))
        .unwrap();
    let by_tag = push_with(2, text("tag a")).condition(Condition::new().tags_or(["a"]));
    clock.advance(Duration::from_millis(1_001));
    let tagged = client.all_member_push().push(by_tag).unwrap();
    let by_attr = push_with(3, text("city bj"))
        .condition(Condition::new().attrs_and(names(&[("city", "bj")])))
        .from_account("alice");
    clock.advance(Duration::from_millis(1_001));
    let attred = client.all_member_push().push(by_attr).unwrap();
    let pushes = state.pushes();
    assert_eq!(pushes.len(), 3);
    assert_eq!(Some(&pushes[0].task_id), all.task_id.as_ref());
    assert_eq!(pushes[0].target, PushTarget::All);
    assert_eq!(pushes[0].recipients, ["alice", "bob", "carol"]);
    assert_eq!(Some(&pushes[1].task_id), tagged.task_id.as_ref());
    assert_eq!(pushes[1].recipients, ["alice"]);
    assert_eq!(Some(&pushes[2].task_id), attred.task_id.as_ref());
    assert_eq!(pushes[2].recipients, ["bob"]);
    assert_eq!(pushes[2].from_account.as_deref(), Some("alice"));
    assert_eq!(
        pushes.iter().map(|p| p.msg_random).collect::<Vec<_>>(),
        [1, 2, 3]
    );

    // Every endpoint this scenario covers (those the emulator's push family implements) was
    // called through the client, and each call was answered OK. Endpoints added to the spec
    // later are covered generically: the wire and limits tests walk the spec.
    let counts = state.call_counts();
    let scenario = [
        &all_member_push::ADD_TAG,
        &all_member_push::GET_ATTR,
        &all_member_push::GET_ATTR_NAME,
        &all_member_push::GET_TAG,
        &all_member_push::PUSH,
        &all_member_push::REMOVE_ALL_TAGS,
        &all_member_push::REMOVE_ATTR,
        &all_member_push::REMOVE_TAG,
        &all_member_push::SET_ATTR,
        &all_member_push::SET_ATTR_NAME,
    ];
    for endpoint in scenario {
        let c = counts.endpoint(endpoint.path);
        assert!(c.ok >= 1, "{}: {c:?}", endpoint.path);
        assert_eq!(c.ok, c.received, "{}: {c:?}", endpoint.path);
    }
}

/// The typed code of a failed call.
fn code_of<T: std::fmt::Debug>(result: Result<T, Error>) -> ErrorCode {
    match result {
        Err(Error::Api { code, .. }) => code,
        other => panic!("expected an API error, got {other:?}"),
    }
}

/// The spec's endpoint, at another (unknown) command.
const UNKNOWN: Endpoint = Endpoint {
    command: "im_no_such_command",
    path: "v4/all_member_push/im_no_such_command",
    method: "no_such_command",
    title: "not an endpoint",
    rate_limit: RateLimit {
        per_second: None,
        min_interval_ms: None,
        per_day: None,
        error: None,
        per_day_error: None,
    },
    retry: RetrySafety::Never,
    batch: None,
    errors: &[],
    ..all_member_push::GET_TAG
};

#[test]
fn every_error_code_the_emulator_produces_reaches_the_caller_typed() {
    let (emu, clock) = emulator_frozen(|c| c.daily_push_quota(2).per_second_limit(3));
    // Validation off: the service's own checks answer. No retries: codes are seen at once.
    let raw = builder(&emu)
        .validate_requests(false)
        .rate_limiting(false)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    raw.all_member_push()
        .set_attr_name(SetAttrNameRequest::new(names(&[("0", "sex")])))
        .unwrap();
    let tag = |t: &str| AddTagRequest::new(vec![UserTagsToAdd::new("a", [t])]);
    let long = "x".repeat(51);
    let mut checked = Vec::new();
    // Each check starts in a fresh rate-limit second of the frozen clock.
    let tick = clock.clone();
    let mut check = |want: ErrorCode, got: ErrorCode| {
        assert_eq!(got, want, "expected {} {}", want.code(), want.name());
        checked.push(want.code());
        tick.advance(Duration::from_millis(1_001));
    };

    // Query string and identity.
    let other_app = Client::builder(APP + 1)
        .secret_key(SecretKey::new(KEY))
        .base_url(emu.base_url())
        .allow_insecure_http(true)
        .build()
        .unwrap();
    check(
        ErrorCode::InvalidSdkAppId,
        code_of(
            other_app
                .all_member_push()
                .get_tag(GetTagRequest::new(["a"])),
        ),
    );
    let wrong_key = builder(&emu)
        .secret_key(SecretKey::new("another key"))
        .build()
        .unwrap();
    check(
        ErrorCode::UsersigVerificationFailed,
        code_of(
            wrong_key
                .all_member_push()
                .get_tag(GetTagRequest::new(["a"])),
        ),
    );
    let not_admin = builder(&emu).admin("mallory").build().unwrap();
    check(
        ErrorCode::AdminPermissionRequired,
        code_of(
            not_admin
                .all_member_push()
                .get_tag(GetTagRequest::new(["a"])),
        ),
    );
    let garbage = Client::builder(APP)
        .usersig_provider(|_: &str| Ok::<_, tim_client::BoxError>("not-a-usersig".to_owned()))
        .base_url(emu.base_url())
        .allow_insecure_http(true)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    check(
        ErrorCode::UsersigInvalid,
        code_of(garbage.all_member_push().get_tag(GetTagRequest::new(["a"]))),
    );
    let foreign = Client::builder(APP)
        .usersig_provider(|id: &str| {
            let sig = tim_usersig::Signer::new(APP + 7, SecretKey::new(KEY)).generate(id, 3600)?;
            Ok::<_, tim_client::BoxError>(sig.into_string())
        })
        .base_url(emu.base_url())
        .allow_insecure_http(true)
        .build()
        .unwrap();
    check(
        ErrorCode::UsersigSdkAppIdMismatch,
        code_of(foreign.all_member_push().get_tag(GetTagRequest::new(["a"]))),
    );
    check(
        ErrorCode::ResourceError,
        code_of(raw.send_json(&UNKNOWN, &json!({}))),
    );

    // Bodies.
    check(
        ErrorCode::BodyJsonParseError,
        code_of(raw.send_json(&all_member_push::GET_TAG, &json!({"To_Account": "a"}))),
    );
    let many: Vec<String> = accounts("m", 101);
    check(
        ErrorCode::TooManyAccounts,
        code_of(raw.all_member_push().get_tag(GetTagRequest::new(many))),
    );
    check(
        ErrorCode::TagTooLong,
        code_of(raw.all_member_push().add_tag(tag(&long))),
    );
    let eleven = AddTagRequest::new(vec![UserTagsToAdd::new("a", accounts("t", 11))]);
    check(
        ErrorCode::TooManyTags,
        code_of(raw.all_member_push().add_tag(eleven)),
    );
    let unknown_attr = SetAttrRequest::new(vec![UserAttrs::new("a", names(&[("nope", "1")]))]);
    check(
        ErrorCode::InvalidAttr,
        code_of(raw.all_member_push().set_attr(unknown_attr)),
    );
    let long_value = SetAttrRequest::new(vec![UserAttrs::new("a", names(&[("sex", &long)]))]);
    check(
        ErrorCode::InvalidAttrLength,
        code_of(raw.all_member_push().set_attr(long_value)),
    );

    // im_push checks.
    let push = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut body = json!({"MsgRandom": 9, "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi"}}]});
        f(&mut body);
        code_of(raw.send_json(&all_member_push::PUSH, &body))
    };
    check(
        ErrorCode::InvalidMsgRandom,
        push(&|b| b["MsgRandom"] = json!(-1)),
    );
    check(
        ErrorCode::InvalidMsgBody,
        push(&|b| b["MsgBody"] = json!([])),
    );
    check(
        ErrorCode::MsgBodyNotArray,
        push(&|b| b["MsgBody"] = json!({"MsgType": "TIMTextElem"})),
    );
    check(
        ErrorCode::InvalidMessageFormat,
        push(&|b| b["MsgBody"][0]["MsgContent"] = json!({"Text": 5})),
    );
    check(
        ErrorCode::InvalidMsgLifeTime,
        push(&|b| b["MsgLifeTime"] = json!(604_801)),
    );
    check(
        ErrorCode::MsgLifeTimeNotInteger,
        push(&|b| b["MsgLifeTime"] = json!("soon")),
    );
    check(
        ErrorCode::InvalidOfflinePushInfo,
        push(&|b| b["OfflinePushInfo"] = json!("x")),
    );
    check(
        ErrorCode::AttrsAndTagsExclusive,
        push(&|b| b["Condition"] = json!({"TagsOr": ["a"], "AttrsOr": {"sex": "f"}})),
    );
    check(
        ErrorCode::DuplicateConditionTag,
        push(&|b| b["Condition"] = json!({"TagsOr": ["a"], "TagsAnd": ["a"]})),
    );
    check(
        ErrorCode::EmptyTag,
        push(&|b| b["Condition"] = json!({"TagsOr": [""]})),
    );
    check(
        ErrorCode::TagTooLong,
        push(&|b| b["Condition"] = json!({"TagsOr": [long.clone()]})),
    );
    check(
        ErrorCode::TooManyTags,
        push(&|b| b["Condition"] = json!({"TagsOr": accounts("t", 11)})),
    );
    check(
        ErrorCode::InvalidAttr,
        push(&|b| b["Condition"] = json!({"AttrsOr": {"nope": "1"}})),
    );
    check(
        ErrorCode::InvalidAttrLength,
        push(&|b| b["Condition"] = json!({"AttrsOr": {"sex": long.clone()}})),
    );

    // Pacing and quotas (the client's own limiter is off for this client).
    raw.all_member_push()
        .push(push_with(100, text("1")))
        .unwrap();
    check(
        ErrorCode::PushTooFrequent,
        code_of(raw.all_member_push().push(push_with(101, text("2")))),
    );
    clock.advance(Duration::from_millis(1_001));
    raw.all_member_push()
        .push(push_with(102, text("2")))
        .unwrap();
    clock.advance(Duration::from_millis(1_001));
    check(
        ErrorCode::DailyPushQuotaExceeded,
        code_of(raw.all_member_push().push(push_with(103, text("3")))),
    );
    // Per-second limit of the other endpoints (3/s here), in one frozen second.
    for _ in 0..3 {
        raw.all_member_push().get_attr_name().unwrap();
    }
    check(
        ErrorCode::PushTooFrequent,
        code_of(raw.all_member_push().get_attr_name()),
    );
    assert!(
        emu.state()
            .call_counts()
            .endpoint("im_get_attr_name")
            .rate_limited
            >= 1
    );

    // An injected code, and push-to-all not enabled.
    emu.faults()
        .inject(FaultRule::new(Fault::Code(91000)).only("im_get_tag"));
    check(
        ErrorCode::InternalError,
        code_of(raw.all_member_push().get_tag(GetTagRequest::new(["a"]))),
    );
    let (off, _) = emulator_frozen(|c| c.push_enabled(false));
    let off_client = builder(&off).build().unwrap();
    check(
        ErrorCode::PushNotEnabled,
        code_of(off_client.all_member_push().push(push_with(1, text("x")))),
    );

    checked.sort();
    checked.dedup();
    assert_eq!(checked.len(), 26, "{checked:?}");
}
