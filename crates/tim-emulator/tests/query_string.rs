//! The query string, the method and the path: each documented error code, over HTTP.

mod common;

use common::{ADMIN, APP, Harness, signer};
use tim_usersig::{SecretKey, Signer};

fn q(sdkappid: &str, identifier: &str, usersig: &str, random: &str, contenttype: &str) -> String {
    let mut parts = Vec::new();
    for (k, v) in [
        ("sdkappid", sdkappid),
        ("identifier", identifier),
        ("usersig", usersig),
        ("random", random),
        ("contenttype", contenttype),
    ] {
        if v != "-" {
            parts.push(format!("{k}={v}"));
        }
    }
    parts.join("&")
}

#[test]
fn a_valid_query_is_accepted() {
    let h = Harness::start();
    let sig = h.usersig(ADMIN);
    assert_eq!(
        h.query_code(&q(&APP.to_string(), ADMIN, &sig, "0", "json")),
        0
    );
    assert_eq!(
        h.query_code(&q(&APP.to_string(), ADMIN, &sig, "4294967295", "json")),
        0
    );
}

#[test]
fn sdkappid_missing_invalid_or_foreign() {
    let h = Harness::start();
    let sig = h.usersig(ADMIN);
    assert_eq!(h.query_code(&q("-", ADMIN, &sig, "1", "json")), 60012);
    assert_eq!(h.query_code(&q("", ADMIN, &sig, "1", "json")), 60012);
    assert_eq!(h.query_code(&q("abc", ADMIN, &sig, "1", "json")), 60006);
    assert_eq!(
        h.query_code(&q("4294967296", ADMIN, &sig, "1", "json")),
        60006
    );
    assert_eq!(
        h.query_code(&q("1400000001", ADMIN, &sig, "1", "json")),
        60006
    );
}

#[test]
fn identifier_missing() {
    let h = Harness::start();
    let sig = h.usersig(ADMIN);
    assert_eq!(
        h.query_code(&q(&APP.to_string(), "-", &sig, "1", "json")),
        60004
    );
    assert_eq!(
        h.query_code(&q(&APP.to_string(), "", &sig, "1", "json")),
        60004
    );
}

#[test]
fn usersig_empty_malformed_foreign_or_expired() {
    let h = Harness::start();
    let app = APP.to_string();
    assert_eq!(h.query_code(&q(&app, ADMIN, "-", "1", "json")), 70002);
    assert_eq!(h.query_code(&q(&app, ADMIN, "", "1", "json")), 70002);
    assert_eq!(
        h.query_code(&q(&app, ADMIN, "not-a-usersig!", "1", "json")),
        70003
    );
    assert_eq!(
        h.query_code(&q(
            &app,
            ADMIN,
            "eJyrVgrxCdZRslIyUtJRSi0qyswrUbIyNLE0MDA0NjQzM7WwMDU2NNBRSi0qyswrUbICAKd8Czs_",
            "1",
            "json"
        )),
        70003
    );

    let now = h.now_secs();
    let wrong_key = Signer::new(APP, SecretKey::new("another key"))
        .generate_at(ADMIN, 86_400, now, None)
        .unwrap();
    assert_eq!(
        h.query_code(&q(&app, ADMIN, wrong_key.as_str(), "1", "json")),
        70009
    );

    let for_bob = signer().generate_at("bob", 86_400, now, None).unwrap();
    assert_eq!(
        h.query_code(&q(&app, ADMIN, for_bob.as_str(), "1", "json")),
        70013
    );

    let other_app = Signer::new(APP + 1, SecretKey::new(common::KEY))
        .generate_at(ADMIN, 86_400, now, None)
        .unwrap();
    assert_eq!(
        h.query_code(&q(&app, ADMIN, other_app.as_str(), "1", "json")),
        70014
    );

    let old = signer()
        .generate_at(ADMIN, 3_600, now - 7_200, None)
        .unwrap();
    assert_eq!(
        h.query_code(&q(&app, ADMIN, old.as_str(), "1", "json")),
        70001
    );
}

#[test]
fn usersig_expires_with_the_emulator_clock() {
    let h = Harness::start();
    let sig = signer().generate_at(ADMIN, 60, h.now_secs(), None).unwrap();
    let query = q(&APP.to_string(), ADMIN, sig.as_str(), "1", "json");
    assert_eq!(h.query_code(&query), 0);
    h.clock.advance(std::time::Duration::from_secs(60));
    assert_eq!(
        h.query_code(&query),
        0,
        "valid up to and including time + expire"
    );
    h.clock.advance(std::time::Duration::from_secs(1));
    assert_eq!(h.query_code(&query), 70001);
}

#[test]
fn random_and_contenttype_must_be_well_formed() {
    let h = Harness::start();
    let (app, sig) = (APP.to_string(), h.usersig(ADMIN));
    for random in ["-", "", "-1", "4294967296", "x"] {
        assert_eq!(
            h.query_code(&q(&app, ADMIN, &sig, random, "json")),
            60002,
            "random {random:?}"
        );
    }
    for ct in ["-", "", "xml", "JSON"] {
        assert_eq!(
            h.query_code(&q(&app, ADMIN, &sig, "1", ct)),
            60002,
            "contenttype {ct:?}"
        );
    }
}

#[test]
fn a_non_admin_identifier_needs_admin_rights() {
    let h = Harness::with(|c| c.admin("boss"));
    let app = APP.to_string();
    let alice = h.usersig("alice");
    let v = h.call_raw(
        "im_get_tag",
        &q(&app, "alice", &alice, "1", "json"),
        r#"{"To_Account":["a"]}"#,
    );
    assert_eq!(v["ErrorCode"], 90009);
    assert!(v["ErrorInfo"].as_str().unwrap().contains("alice"));
    // The default admin is not admin here.
    assert_eq!(
        h.query_code(&q(&app, ADMIN, &h.usersig(ADMIN), "1", "json")),
        90009
    );
    assert_eq!(
        h.query_code(&q(&app, "boss", &h.usersig("boss"), "1", "json")),
        0
    );
}

#[test]
fn error_info_never_contains_the_usersig() {
    let h = Harness::start();
    let sig = signer()
        .generate_at("bob", 86_400, h.now_secs(), None)
        .unwrap();
    let v = h.call_raw(
        "im_get_tag",
        &q(&APP.to_string(), ADMIN, sig.as_str(), "1", "json"),
        r#"{"To_Account":["a"]}"#,
    );
    assert_eq!(v["ErrorCode"], 70013);
    assert!(!v["ErrorInfo"].as_str().unwrap().contains(sig.as_str()));
}

#[test]
fn only_post_and_known_paths() {
    let h = Harness::start();
    let query = h.query();
    let raw = h.get(&format!("/v4/all_member_push/im_get_tag?{query}"));
    assert_eq!(raw.status, 200);
    assert_eq!(raw.json()["ErrorCode"], 60002);

    for path in [
        "/v4/all_member_push/im_nope",
        "/v4/other/im_get_tag",
        "/",
        "/v3/all_member_push/im_get_tag",
    ] {
        let raw = h.post(&format!("{path}?{query}"), "{}").unwrap();
        assert_eq!(raw.status, 200, "{path}");
        let v = raw.json();
        assert_eq!(v["ErrorCode"], 60009, "{path}: {v}");
        assert_eq!(v["ActionStatus"], "FAIL");
    }
    assert_eq!(h.emu.state().call_counts().unrouted, 5);
}
