//! The generated endpoint methods and metadata through the hand-written client: the
//! documented wire format, validation from the spec's limits, error codes from the spec and
//! the spec's rate limit and retry safety of `im_push`.

mod support;

use std::thread;
use std::time::Duration;

use serde_json::json;
use support::*;
use tim_client::all_member_push::GetTagRequest;
use tim_client::{Error, ErrorCode, RetryClass, endpoints};

#[test]
fn get_tag_sends_the_documented_body_and_decodes_the_documented_answer() {
    let server = Server::start(|_, _| {
        Reply::json(json!({
            "ActionStatus": "OK", "ErrorInfo": "", "ErrorCode": 0,
            "UserTags": [{"To_Account": "xiaojun012", "Tags": ["a", "b"]}]
        }))
    });
    let client = builder(&server).build().unwrap();
    let response = client
        .all_member_push()
        .get_tag(GetTagRequest::new(["xiaojun012", "xiaojun013"]))
        .unwrap();
    let tags = response.user_tags.unwrap();
    assert_eq!(tags[0].to_account, "xiaojun012");
    assert_eq!(tags[0].tags, ["a", "b"]);
    let seen = server.seen();
    assert_eq!(seen[0].path, "/v4/all_member_push/im_get_tag");
    assert_eq!(
        seen[0].json(),
        json!({"To_Account": ["xiaojun012", "xiaojun013"]})
    );
}

#[test]
fn spec_limits_are_checked_before_sending() {
    let server = Server::start(|_, _| Reply::ok());
    let client = builder(&server).build().unwrap();
    let err = client
        .all_member_push()
        .get_tag(GetTagRequest::new((0..101).map(|i| format!("u{i}"))))
        .unwrap_err();
    let Error::InvalidRequest(v) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        (v.field.as_str(), v.code),
        ("To_Account", Some(tim_client::ErrorCode::TooManyAccounts))
    );
    let err = client
        .all_member_push()
        .get_tag(GetTagRequest::new(Vec::<String>::new()))
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    assert!(server.seen().is_empty());
}

#[test]
fn spec_error_codes_carry_their_meaning() {
    let server = Server::start(|n, _| match n {
        0 => Reply::fail(90018, "too many accounts"),
        1 => Reply::fail(91000, "internal"),
        _ => Reply::json(
            json!({"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "", "UserTags": []}),
        ),
    });
    let client = builder(&server).build().unwrap();
    let err = client
        .all_member_push()
        .get_tag(GetTagRequest::new(["a"]))
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::TooManyAccounts));
    assert_eq!(ErrorCode::TooManyAccounts.retry_class(), RetryClass::Never);
    assert!(err.to_string().contains("TooManyAccounts"), "{err}");
    // 91000 is transient and im_get_tag is safe: retried and then successful.
    let (result, trace) = client.send_traced(&GetTagRequest::new(["a"]));
    result.unwrap();
    assert_eq!(trace.retries(), 1);
    assert_eq!(server.seen().len(), 3);
}

#[test]
fn im_push_is_spaced_by_the_spec_interval_and_not_retried_by_default() {
    let push = endpoints::by_path("v4/all_member_push/im_push").unwrap();
    let server = Server::start(|n, _| {
        if n < 2 {
            Reply::ok()
        } else {
            Reply::status(502, "bad gateway", "text/plain")
        }
    });
    let client = builder(&server).build().unwrap();
    let body = json!({"MsgRandom": 7, "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi"}}]});
    let threads: Vec<_> = (0..2)
        .map(|_| {
            let (client, body) = (client.clone(), body.clone());
            thread::spawn(move || client.send_json(push, &body).unwrap())
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let seen = server.seen();
    assert!(
        seen[1].at.duration_since(seen[0].at) > Duration::from_secs(1),
        "im_push calls more than 1 s apart"
    );
    let (result, trace) = client.send_json_traced(push, &body);
    assert!(matches!(result, Err(Error::HttpStatus { status: 502, .. })));
    assert_eq!(
        trace.attempts().len(),
        1,
        "im_push needs retry_idempotent_with_key"
    );
}

/// One typed way to get the service's code, sent or not: a limit broken before sending
/// carries the code the service would have answered.
#[test]
fn a_limit_failure_has_the_code_the_service_would_answer() {
    let client = support::refused_client();
    let accounts: Vec<String> = (0..101).map(|i| format!("u{i}")).collect();
    let err = client
        .all_member_push()
        .get_tag(GetTagRequest::new(accounts))
        .unwrap_err();
    assert!(err.is_before_send());
    assert_eq!(err.code(), Some(tim_client::ErrorCode::TooManyAccounts));
}
