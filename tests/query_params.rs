//! An endpoint's own query parameters (`ConfigSvc/GetIPList`'s `nettype`): typed on the
//! request, checked before sending, sent in the URL after the API-wide parameters, and read
//! and checked by the emulator.

mod common;

use std::sync::{Arc, Mutex};

use tim_client::ip_list::GetIpListRequest;
use tim_client::{Client, Error, SecretKey};
use tim_emulator::scripted::{Scripted, ScriptedServer};

/// A request's target and body, as the scripted server saw them.
type Seen = (String, Vec<u8>);

#[test]
fn nettype_is_checked_sent_in_the_url_and_read_by_the_emulator() {
    // Checked before sending: 7 is not one of 0..=6.
    let emu = common::emulator();
    let client = common::builder(&emu).build().unwrap();
    let err = client
        .ip_list()
        .get_ip_list(GetIpListRequest::new().nettype(7))
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err}");
    assert!(err.to_string().contains("nettype"), "{err}");
    assert_eq!(emu.state().call_counts().total(), 0);

    // A valid one is answered (the conformance answer, the page's sample).
    let ips = client
        .ip_list()
        .get_ip_list(GetIpListRequest::new().nettype(1))
        .unwrap()
        .ip_list
        .unwrap_or_default();
    assert!(!ips.is_empty());

    // The emulator reads and checks it like the service's parameters (a raw client sends a
    // bad value).
    let raw = common::builder(&emu)
        .validate_requests(false)
        .build()
        .unwrap();
    let err = raw
        .ip_list()
        .get_ip_list(GetIpListRequest::new().nettype(9))
        .unwrap_err();
    let info = err.to_string();
    assert!(info.contains("nettype") && info.contains('9'), "{info}");

    // On the wire: after the five API-wide parameters, in the URL, never in the body.
    let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
    let log = seen.clone();
    let server = ScriptedServer::start(move |r| {
        log.lock().unwrap().push((r.target.clone(), r.body.clone()));
        Scripted::new(
            200,
            "application/json",
            r#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","IPList":["127.0.0.2"]}"#,
        )
    })
    .unwrap();
    let client = Client::builder(common::APP)
        .secret_key(SecretKey::new(common::KEY))
        .base_url(server.base_url())
        .allow_insecure_http(true)
        .build()
        .unwrap();
    client
        .ip_list()
        .get_ip_list(GetIpListRequest::new().nettype(5))
        .unwrap();
    client
        .ip_list()
        .get_ip_list(GetIpListRequest::new())
        .unwrap();
    let seen = seen.lock().unwrap();
    assert!(
        seen[0].0.ends_with("&contenttype=json&nettype=5"),
        "{}",
        seen[0].0
    );
    assert_eq!(seen[0].1, b"{}");
    assert!(seen[1].0.ends_with("&contenttype=json"), "{}", seen[1].0);
}
