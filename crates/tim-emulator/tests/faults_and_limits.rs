//! Fault injection, the per-second rate limit, call counters and the emulator's lifecycle.

mod common;

use std::time::Duration;

use common::{Harness, config};
use serde_json::json;
use tim_emulator::{Emulator, Fault, FaultRule};

fn add(account: &str) -> serde_json::Value {
    json!({"UserTags": [{"To_Account": account, "Tags": ["t"]}]})
}

#[test]
fn error_code_faults_hit_the_next_n_calls_of_one_endpoint_and_change_nothing() {
    let h = Harness::start();
    h.emu.faults().inject(
        FaultRule::new(Fault::Code(91000))
            .times(2)
            .only("im_add_tag"),
    );
    let v = h.call("im_add_tag", add("alice"));
    assert_eq!(v["ErrorCode"], 91000);
    assert_eq!(v["ActionStatus"], "FAIL");
    h.ok("im_get_tag", json!({"To_Account": ["alice"]}));
    assert_eq!(h.code("im_add_tag", add("alice")), 91000);
    assert!(
        h.emu.state().tags_of("alice").is_empty(),
        "a failed call did nothing"
    );
    assert!(h.emu.state().accounts().is_empty());
    h.ok("im_add_tag", add("alice"));
    assert_eq!(h.emu.state().tags_of("alice"), ["t"]);
    assert!(h.emu.faults().pending().is_empty());

    let counts = h.emu.state().call_counts();
    let c = counts.endpoint("im_add_tag");
    assert_eq!((c.received, c.ok, c.faulted, c.failed), (3, 1, 2, 0));
    assert_eq!(counts.endpoint("v4/all_member_push/im_get_tag").ok, 1);
}

#[test]
fn bad_gateway_answers_502_with_html() {
    let h = Harness::start();
    h.emu.faults().inject(FaultRule::new(Fault::BadGateway));
    let raw = h
        .post(
            &format!("/v4/all_member_push/im_add_tag?{}", h.query()),
            &add("a").to_string(),
        )
        .unwrap();
    assert_eq!(raw.status, 502);
    assert_eq!(raw.content_type, "text/html");
    assert!(raw.body.contains("<html>"));
    assert!(h.emu.state().accounts().is_empty());
    h.ok("im_add_tag", add("a"));
}

#[test]
fn truncated_and_non_json_bodies() {
    let h = Harness::start();
    h.emu.faults().inject(FaultRule::new(Fault::TruncatedJson));
    h.emu.faults().inject(FaultRule::new(Fault::NonJson));
    for _ in 0..2 {
        let raw = h
            .post(
                &format!("/v4/all_member_push/im_add_tag?{}", h.query()),
                &add("a").to_string(),
            )
            .unwrap();
        assert_eq!(raw.status, 200);
        assert!(!raw.body.is_empty());
        assert!(
            serde_json::from_str::<serde_json::Value>(&raw.body).is_err(),
            "{}",
            raw.body
        );
    }
    assert!(h.emu.state().accounts().is_empty());
}

#[test]
fn close_connection_gives_no_answer_and_the_next_call_works() {
    let h = Harness::start();
    h.emu
        .faults()
        .inject(FaultRule::new(Fault::CloseConnection).only("im_add_tag"));
    let err = h.post(
        &format!("/v4/all_member_push/im_add_tag?{}", h.query()),
        &add("a").to_string(),
    );
    assert!(err.is_err(), "expected a transport error, got {err:?}");
    assert!(h.emu.state().accounts().is_empty());
    h.ok("im_add_tag", add("a"));
    assert_eq!(
        h.emu.state().call_counts().endpoint("im_add_tag").faulted,
        1
    );
}

#[test]
fn delayed_calls_are_served() {
    let h = Harness::start();
    h.emu
        .faults()
        .inject(FaultRule::new(Fault::Delay(Duration::from_millis(100))).always());
    h.ok("im_add_tag", add("a"));
    h.ok("im_add_tag", add("b"));
    assert_eq!(h.emu.state().accounts(), ["a", "b"]);
    assert_eq!(h.emu.faults().pending().len(), 1);
    h.emu.faults().clear();
    let c = h.emu.state().call_counts().endpoint("im_add_tag");
    assert_eq!((c.received, c.ok, c.faulted), (2, 2, 0));
}

#[test]
fn faults_can_be_armed_at_start() {
    let h = Harness::with(|c| c.fault(FaultRule::new(Fault::Code(70500))));
    assert_eq!(h.code("im_get_attr_name", json!({})), 70500);
    h.ok("im_get_attr_name", json!({}));
}

#[test]
fn the_101st_call_in_one_second_is_refused() {
    let h = Harness::start();
    for i in 0..100 {
        assert_eq!(
            h.code("im_get_tag", json!({"To_Account": ["a"]})),
            0,
            "call {i}"
        );
    }
    let v = h.call("im_get_tag", json!({"To_Account": ["a"]}));
    assert_eq!(v["ErrorCode"], 90024, "{v}");
    // Other endpoints have their own budget.
    h.ok("im_get_attr_name", json!({}));
    let c = h.emu.state().call_counts().endpoint("im_get_tag");
    assert_eq!(
        (c.received, c.ok, c.failed, c.rate_limited),
        (101, 100, 1, 1)
    );
    assert_eq!(c.codes.get(&90024), Some(&1));
    // The next second has a fresh budget.
    h.clock.advance(Duration::from_secs(1));
    h.ok("im_get_tag", json!({"To_Account": ["a"]}));
}

#[test]
fn rate_limit_and_its_code_are_configurable() {
    let h = Harness::with(|c| c.per_second_limit(3).rate_limit_code(60007));
    for _ in 0..3 {
        h.ok("im_remove_all_tags", json!({"To_Account": ["a"]}));
    }
    assert_eq!(
        h.code("im_remove_all_tags", json!({"To_Account": ["a"]})),
        60007
    );
    // im_push has no per-second limit in the spec (it has its interval instead).
    h.ok("im_push", common::push_body(1));
}

#[test]
fn start_stop_and_base_url() {
    let emu = Emulator::start(config()).unwrap();
    let url = emu.base_url();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let addr = emu.addr();
    assert_ne!(addr.port(), 0);
    emu.stop();
    assert!(
        std::net::TcpStream::connect(addr).is_err(),
        "nothing listens after stop"
    );
}
