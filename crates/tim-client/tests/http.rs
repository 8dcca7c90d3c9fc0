//! The client against a loopback server: the wire format, error mapping, retries, timeouts,
//! connection reuse, validation and the UserSig cache.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use serde_json::json;
use support::*;
use tim_client::error::TransportKind;
use tim_client::retry::{NoRetry, RetryReason};
use tim_client::{BuildError, Client, Error, ErrorCode, RetryPolicy, SecretKey};
use tim_usersig::Signer;

#[test]
fn url_query_headers_and_body_are_right() {
    let server = Server::start(|_, _| {
        Reply::json(json!({
            "ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "",
            "UserTags": {"alice": ["a", "b"]}, "Unknown": [1, 2]
        }))
    });
    let client = builder(&server).admin("admin istrator&x").build().unwrap();
    let response = client.send(&Accounts::of(&["alice", "bob"])).unwrap();
    assert_eq!(response.user_tags.unwrap()["alice"], ["a", "b"]);
    client.send(&Accounts::of(&["carol"])).unwrap();

    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    let first = &seen[0];
    assert_eq!(first.method, "POST");
    assert_eq!(first.path, "/v4/test_service/safe");
    let names: Vec<&str> = first.query.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        names,
        ["sdkappid", "identifier", "usersig", "random", "contenttype"]
    );
    assert_eq!(first.param("sdkappid"), Some("1400000001"));
    assert_eq!(first.param("identifier"), Some("admin istrator&x"));
    assert_eq!(first.param("contenttype"), Some("json"));
    let usersig = first.param("usersig").unwrap();
    let doc = tim_usersig::decode(usersig).unwrap();
    assert_eq!(doc.identifier, "admin istrator&x");
    assert_eq!(doc.sdkappid, SDKAPPID);
    assert_eq!(doc.expire, 86_400, "default validity is 24 h");
    let signer = Signer::new(SDKAPPID, SecretKey::new(KEY));
    signer
        .verify(usersig, "admin istrator&x", None, doc.time)
        .unwrap();
    // The cached UserSig is reused; `random` is a fresh u32 each call.
    assert_eq!(seen[1].param("usersig"), Some(usersig));
    let randoms: Vec<u32> = seen
        .iter()
        .map(|s| s.param("random").unwrap().parse().unwrap())
        .collect();
    assert_ne!(randoms[0], randoms[1]);
    assert_eq!(first.header("Content-Type"), Some("application/json"));
    assert_eq!(first.json(), json!({"To_Account": ["alice", "bob"]}));
}

#[test]
fn send_json_goes_through_the_same_path() {
    let server = Server::start(|_, _| {
        Reply::json(json!({"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "", "X": 1}))
    });
    let client = builder(&server).build().unwrap();
    let answer = client
        .send_json(&SAFE, &json!({"anything": [1, 2]}))
        .unwrap();
    assert_eq!(answer["X"], 1);
    let seen = server.seen();
    assert_eq!(seen[0].path, "/v4/test_service/safe");
    assert_eq!(seen[0].json(), json!({"anything": [1, 2]}));
    assert!(tim_usersig::decode(seen[0].param("usersig").unwrap()).is_ok());
}

#[test]
fn action_status_fail_is_a_typed_api_error() {
    let server = Server::start(|_, _| Reply::fail(90018, "number of accounts exceeds the limit"));
    let client = builder(&server).build().unwrap();
    let err = client.send(&Accounts::of(&["a"])).unwrap_err();
    match &err {
        Error::Api {
            endpoint,
            code,
            info,
        } => {
            assert_eq!(*endpoint, "v4/test_service/safe");
            assert_eq!(*code, ErrorCode::from_code(90018));
            assert_eq!(info, "number of accounts exceeds the limit");
        }
        other => panic!("expected Api, got {other:?}"),
    }
    assert_eq!(err.code().map(|c| c.code()), Some(90018));
    assert!(!err.is_retryable());
    assert!(err.to_string().contains("90018"), "{err}");
    assert_eq!(server.seen().len(), 1, "not retried");
}

#[test]
fn unknown_codes_are_kept() {
    let server = Server::start(|_, _| Reply::fail(123_456, "new"));
    let client = builder(&server).build().unwrap();
    let err = client.send(&Accounts::of(&["a"])).unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::Unknown(123_456)));
    assert_eq!(err.code().unwrap().code(), 123_456);
}

#[test]
fn http_502_is_typed_and_retried_for_safe_endpoints() {
    let html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    let server = Server::start(move |n, _| {
        if n < 2 {
            Reply::status(502, html, "text/html")
        } else {
            Reply::ok()
        }
    });
    let client = builder(&server).build().unwrap();
    let (result, trace) = client.send_traced(&Accounts::of(&["a"]));
    result.unwrap();
    assert_eq!(trace.attempts().len(), 3);
    assert_eq!(trace.retries(), 2);
    assert_eq!(
        trace.retry_reasons().collect::<Vec<_>>(),
        [RetryReason::HttpStatus(502), RetryReason::HttpStatus(502)]
    );
    assert!(
        trace.attempts()[0]
            .failure
            .as_deref()
            .unwrap()
            .contains("502")
    );
    let seen = server.seen();
    assert_eq!(seen.len(), 3);
    // The identical body is resent.
    assert!(seen.iter().all(|s| s.body == seen[0].body));
}

#[test]
fn http_502_on_a_never_endpoint_is_returned_with_its_body() {
    let html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    let server = Server::start(move |_, _| Reply::status(502, html, "text/html"));
    let client = builder(&server).build().unwrap();
    let (result, trace) = client.send_traced(&NeverRetried(Accounts::of(&["a"])));
    match result.unwrap_err() {
        err @ Error::HttpStatus { .. } => {
            assert!(err.is_retryable());
            let Error::HttpStatus { status, body, .. } = err else {
                unreachable!()
            };
            assert_eq!(status, 502);
            assert_eq!(body.as_bytes(), html.as_bytes());
        }
        other => panic!("expected HttpStatus, got {other:?}"),
    }
    assert_eq!(trace.attempts().len(), 1);
    assert_eq!(trace.attempts()[0].no_retry, Some(NoRetry::UnsafeEndpoint));
    assert_eq!(server.seen().len(), 1);
}

#[test]
fn retries_stop_after_max_attempts() {
    let server = Server::start(|_, _| Reply::fail(91000, "internal"));
    let client = builder(&server).build().unwrap();
    let (result, trace) = client.send_traced(&Accounts::of(&["a"]));
    assert_eq!(
        result.unwrap_err().code(),
        Some(ErrorCode::from_code(91000))
    );
    assert_eq!(server.seen().len(), 3, "default policy: 3 attempts");
    assert_eq!(
        trace.attempts()[2].no_retry,
        Some(NoRetry::AttemptsExhausted)
    );
    assert_eq!(
        trace.retry_reasons().next(),
        Some(RetryReason::Api(ErrorCode::from_code(91000)))
    );

    let server = Server::start(|_, _| Reply::fail(91000, "internal"));
    let client = builder(&server)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    assert!(client.send(&Accounts::of(&["a"])).is_err());
    assert_eq!(server.seen().len(), 1);
}

#[test]
fn idempotency_key_endpoints_are_retried_only_when_enabled() {
    let answer = |n: usize, _: &Seen| {
        if n == 0 {
            Reply::status(503, "busy", "text/plain")
        } else {
            Reply::ok()
        }
    };
    let server = Server::start(answer);
    let client = builder(&server).build().unwrap();
    let err = client.send(&Keyed { msg_random: 42 }).unwrap_err();
    assert!(matches!(err, Error::HttpStatus { status: 503, .. }));
    assert_eq!(server.seen().len(), 1);

    let server = Server::start(answer);
    let client = builder(&server)
        .retry_idempotent_with_key(true)
        .build()
        .unwrap();
    client.send(&Keyed { msg_random: 42 }).unwrap();
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].json(), json!({"MsgRandom": 42}));
    assert_eq!(seen[1].body, seen[0].body, "same MsgRandom on the retry");
}

#[test]
fn undecodable_bodies_keep_their_bytes() {
    let server = Server::start(|_, _| Reply::status(200, "this is not json", "text/plain"));
    let client = builder(&server).build().unwrap();
    match client.send(&Accounts::of(&["a"])).unwrap_err() {
        Error::Decode { body, endpoint, .. } => {
            assert_eq!(body.as_bytes(), b"this is not json");
            assert_eq!(endpoint, "v4/test_service/safe");
        }
        other => panic!("expected Decode, got {other:?}"),
    }
    // A body with a good envelope but the wrong shape for the response type.
    let server = Server::start(|_, _| {
        Reply::json(json!({"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "", "UserTags": 5}))
    });
    let client = builder(&server).build().unwrap();
    assert!(matches!(
        client.send(&Accounts::of(&["a"])).unwrap_err(),
        Error::Decode { .. }
    ));
}

#[test]
fn refused_connections_are_transport_errors_and_retried() {
    let client = refused_client();
    let (result, trace) = client.send_traced(&Accounts::of(&["a"]));
    match result.unwrap_err() {
        err @ Error::Transport { .. } => {
            assert!(err.is_retryable());
            let Error::Transport { source, .. } = err else {
                unreachable!()
            };
            assert_eq!(source.kind(), TransportKind::Connect);
        }
        other => panic!("expected Transport, got {other:?}"),
    }
    assert_eq!(trace.attempts().len(), 3);
    assert!(matches!(
        trace.retry_reasons().next(),
        Some(RetryReason::Transport(TransportKind::Connect))
    ));
}

#[test]
fn slow_answers_time_out() {
    let server = Server::start(|_, _| Reply::ok().delayed(Duration::from_millis(1500)));
    let client = builder(&server)
        .timeout(Duration::from_millis(200))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let err = client.send(&Accounts::of(&["a"])).unwrap_err();
    match &err {
        Error::Timeout { phase, limit, .. } => {
            assert_eq!(phase, "global");
            assert_eq!(*limit, Some(Duration::from_millis(200)));
        }
        other => panic!("expected Timeout, got {other:?}"),
    }
    assert!(err.is_retryable());
}

#[test]
fn connections_are_reused_even_after_error_bodies() {
    let server = Server::start(|n, _| match n {
        1 => Reply::status(500, "<html>oops</html>", "text/html"),
        2 => Reply::fail(90009, "admin required"),
        _ => Reply::ok(),
    });
    let client = builder(&server)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    assert!(client.send(&Accounts::of(&["a"])).is_ok());
    assert!(client.send(&Accounts::of(&["a"])).is_err());
    assert!(client.send(&Accounts::of(&["a"])).is_err());
    let clone = client.clone();
    assert!(clone.send(&Accounts::of(&["a"])).is_ok());
    let peers: Vec<_> = server.seen().iter().map(|s| s.peer.unwrap()).collect();
    assert_eq!(peers.len(), 4);
    assert!(
        peers.iter().all(|p| *p == peers[0]),
        "one connection: {peers:?}"
    );
}

#[test]
fn invalid_requests_never_reach_the_server() {
    let server = Server::start(|_, _| Reply::ok());
    let client = builder(&server).build().unwrap();
    let many: Vec<String> = (0..101).map(|i| format!("u{i}")).collect();
    let (result, trace) = client.send_traced(&Accounts {
        to_account: many.clone(),
    });
    let err = result.unwrap_err();
    assert!(err.is_before_send());
    match &err {
        Error::InvalidRequest(v) => {
            assert_eq!(v.field, "To_Account");
            assert_eq!(v.code, Some(tim_client::ErrorCode::TooManyAccounts));
        }
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
    assert!(trace.attempts().is_empty());
    assert!(server.seen().is_empty());

    // Turned off, the request goes out (to test the service's own checks).
    let client = builder(&server).validate_requests(false).build().unwrap();
    client.send(&Accounts { to_account: many }).unwrap();
    assert_eq!(server.seen().len(), 1);
}

#[test]
fn expired_usersig_is_renewed_and_retried_once() {
    let minted = Arc::new(AtomicUsize::new(0));
    let provider = {
        let minted = minted.clone();
        move |identifier: &str| -> Result<String, tim_client::BoxError> {
            minted.fetch_add(1, Ordering::SeqCst);
            Ok(Signer::new(SDKAPPID, SecretKey::new(KEY))
                .generate(identifier, 86_400)?
                .into_string())
        }
    };
    let server = Server::start(|n, _| {
        if n == 0 {
            Reply::fail(70001, "usersig expired")
        } else {
            Reply::ok()
        }
    });
    let client = Client::builder(SDKAPPID)
        .usersig_provider(provider)
        .base_url(server.url())
        .allow_insecure_http(true)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    // Works for an endpoint that is never retried otherwise.
    let (result, trace) = client.send_traced(&NeverRetried(Accounts::of(&["a"])));
    result.unwrap();
    assert_eq!(
        minted.load(Ordering::SeqCst),
        2,
        "minted, then renewed once"
    );
    assert_eq!(
        trace.retry_reasons().collect::<Vec<_>>(),
        [RetryReason::UsersigExpired]
    );
    assert_eq!(server.seen().len(), 2);

    // A second 70001 is returned, not retried again.
    let server = Server::start(|_, _| Reply::fail(70001, "usersig expired"));
    let client = builder(&server).build().unwrap();
    let (result, trace) = client.send_traced(&Accounts::of(&["a"]));
    assert_eq!(
        result.unwrap_err().code(),
        Some(ErrorCode::from_code(70001))
    );
    assert_eq!(server.seen().len(), 2);
    assert_eq!(trace.attempts()[1].no_retry, Some(NoRetry::AlreadyRenewed));
}

/// A provider minting UserSigs valid `validity_secs`, and the count of its calls.
fn counting_provider(
    validity_secs: u64,
) -> (
    impl Fn(&str) -> Result<String, tim_client::BoxError> + Send + Sync + 'static,
    Arc<AtomicUsize>,
) {
    let minted = Arc::new(AtomicUsize::new(0));
    let count = minted.clone();
    let provider = move |identifier: &str| -> Result<String, tim_client::BoxError> {
        count.fetch_add(1, Ordering::SeqCst);
        Ok(Signer::new(SDKAPPID, SecretKey::new(KEY))
            .generate(identifier, validity_secs)?
            .into_string())
    };
    (provider, minted)
}

fn provider_client(server: &Server, validity_secs: u64) -> (Client, Arc<AtomicUsize>) {
    let (provider, minted) = counting_provider(validity_secs);
    let client = Client::builder(SDKAPPID)
        .usersig_provider(provider)
        .base_url(server.url())
        .allow_insecure_http(true)
        .build()
        .unwrap();
    (client, minted)
}

#[test]
fn usersig_is_minted_once_under_contention() {
    let server = Server::start(|_, _| Reply::ok());
    let (client, minted) = provider_client(&server, 3600);
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let client = client.clone();
            thread::spawn(move || client.send(&Accounts::of(&["a"])).unwrap())
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(minted.load(Ordering::SeqCst), 1);
    assert_eq!(server.seen().len(), 8);
}

#[test]
fn usersig_is_renewed_at_80_percent_of_its_lifetime() {
    let server = Server::start(|_, _| Reply::ok());
    // Valid 2 s: renewed at most 1.6 s after it was minted (its issue time is in whole
    // seconds, rounded down).
    let (client, minted) = provider_client(&server, 2);
    client.send(&Accounts::of(&["a"])).unwrap();
    assert_eq!(minted.load(Ordering::SeqCst), 1);
    thread::sleep(Duration::from_millis(1700));
    client.send(&Accounts::of(&["a"])).unwrap();
    assert_eq!(minted.load(Ordering::SeqCst), 2);
}

#[test]
fn provider_errors_and_wrong_identifiers_fail_before_sending() {
    let server = Server::start(|_, _| Reply::ok());
    let client = Client::builder(SDKAPPID)
        .usersig_provider(|_: &str| -> Result<String, tim_client::BoxError> {
            Err("vault unreachable".into())
        })
        .base_url(server.url())
        .allow_insecure_http(true)
        .build()
        .unwrap();
    let err = client.send(&Accounts::of(&["a"])).unwrap_err();
    assert!(matches!(err, Error::Usersig(_)) && err.is_before_send());
    assert!(err.chain().contains("vault unreachable"), "{}", err.chain());

    let client = Client::builder(SDKAPPID)
        .usersig_provider(|_: &str| -> Result<String, tim_client::BoxError> {
            Ok(Signer::new(SDKAPPID, SecretKey::new(KEY))
                .generate("someone_else", 60)?
                .into_string())
        })
        .base_url(server.url())
        .allow_insecure_http(true)
        .build()
        .unwrap();
    let err = client.send(&Accounts::of(&["a"])).unwrap_err();
    assert!(err.chain().contains("someone_else"), "{}", err.chain());
    assert!(server.seen().is_empty());
}

#[test]
fn builder_rejects_bad_configurations_with_clear_errors() {
    let key = || SecretKey::new(KEY);
    let err = Client::builder(SDKAPPID)
        .secret_key(key())
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap_err();
    assert!(matches!(err, BuildError::InsecureHttp { .. }));
    assert!(err.to_string().contains("allow_insecure_http"), "{err}");
    assert!(matches!(
        Client::builder(SDKAPPID)
            .base_url("https://h.example")
            .build()
            .unwrap_err(),
        BuildError::NoCredentials
    ));
    assert!(matches!(
        Client::builder(SDKAPPID)
            .secret_key(key())
            .build()
            .unwrap_err(),
        BuildError::NoHost
    ));
    assert!(matches!(
        Client::builder(SDKAPPID)
            .secret_key(key())
            .usersig_provider(|_: &str| -> Result<String, tim_client::BoxError> { Ok("x".into()) })
            .base_url("https://h.example")
            .build()
            .unwrap_err(),
        BuildError::ConflictingCredentials
    ));
    assert!(matches!(
        Client::builder(SDKAPPID)
            .secret_key(key())
            .base_url("ftp://h")
            .build()
            .unwrap_err(),
        BuildError::InvalidBaseUrl { .. }
    ));
    let err = Client::builder(SDKAPPID)
        .secret_key(key())
        .base_url("https://h.example")
        .connect_timeout(Duration::ZERO)
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "connect_timeout: must be non-zero, got 0 s"
    );
    let err = Client::builder(0)
        .secret_key(key())
        .base_url("https://h.example")
        .build()
        .unwrap_err();
    assert_eq!(err.to_string(), "sdkappid: must be non-zero, got 0");
    let err = Client::builder(SDKAPPID)
        .secret_key(key())
        .base_url("https://h.example")
        .throttle(&SAFE, [tim_client::Throttle::per_second(0)])
        .build()
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("throttle(v4/test_service/safe)"),
        "{err}"
    );
    let client = Client::builder(SDKAPPID)
        .secret_key(key())
        .base_url("https://h.example/")
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "https://h.example");
    assert_eq!(client.admin(), "administrator");
}

#[test]
fn client_is_send_sync_clone() {
    fn check<T: Send + Sync + Clone + 'static>() {}
    check::<Client>();
    fn error<T: Send + Sync + std::error::Error + 'static>() {}
    error::<Error>();
}

/// An endpoint never retried otherwise (`im_push`: the service deduplicates `MsgRandom` only
/// within about a second) is retried when the request provably never left: no connection
/// was made.
#[test]
fn a_call_that_never_reached_the_service_is_retried_even_for_im_push() {
    let client = refused_client();
    let push = tim_client::all_member_push::PushRequest::text("hi");
    let (result, trace) = client.send_traced(&push);
    assert!(matches!(result, Err(Error::Transport { .. })), "{result:?}");
    assert!(
        trace.attempts().len() > 1,
        "connection refused: retried ({} attempts)",
        trace.attempts().len()
    );

    // An answer that arrived (HTTP 503) is not retried for im_push: it may have been pushed.
    let server = Server::start(|_, _| Reply::status(503, "busy", "text/plain"));
    let client = builder(&server).build().unwrap();
    let (result, trace) = client.send_traced(&push);
    assert!(matches!(result, Err(Error::HttpStatus { status: 503, .. })));
    assert_eq!(trace.attempts().len(), 1);
    assert_eq!(server.seen().len(), 1);
}

/// Transport options: the user agent, an explicit proxy (the scripted server plays it: the
/// base URL's host does not even resolve), the caller's own agent, and custom roots.
#[test]
fn transport_options_reach_the_wire() {
    // User agent.
    let server = Server::start(|_, _| Reply::ok());
    let client = builder(&server)
        .user_agent("my-backend/2.0")
        .build()
        .unwrap();
    client.send(&Accounts::of(&["a"])).unwrap();
    assert_eq!(
        server.seen()[0].header("user-agent"),
        Some("my-backend/2.0")
    );

    // An explicit HTTP proxy: the client asks it for a tunnel to the base URL's host (which
    // does not even resolve here); the scripted server is no real proxy, so the call then
    // fails, but the request went to the proxy.
    let proxy = Server::start(|_, _| Reply::ok());
    let client = Client::builder(SDKAPPID)
        .secret_key(SecretKey::new(KEY))
        .base_url("http://tim.example.invalid")
        .allow_insecure_http(true)
        .proxy(&proxy.url())
        .unwrap()
        .retry_policy(tim_client::RetryPolicy::standard().with_max_attempts(1))
        .build()
        .unwrap();
    assert!(client.send(&Accounts::of(&["a"])).is_err());
    let seen = proxy.seen();
    assert!(!seen.is_empty());
    assert_eq!(seen[0].method, "CONNECT");
    assert!(
        seen[0].path.contains("tim.example.invalid"),
        "{:?}",
        seen[0].path
    );
    assert!(Client::builder(SDKAPPID).proxy("not a url at all").is_err());

    // The caller's own agent is used as it is.
    let server = Server::start(|_, _| Reply::ok());
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .user_agent("own-agent")
        .build()
        .into();
    let client = builder(&server).agent(agent).build().unwrap();
    client.send(&Accounts::of(&["a"])).unwrap();
    assert_eq!(server.seen()[0].header("user-agent"), Some("own-agent"));

    // Custom roots must hold a certificate.
    let err = Client::builder(SDKAPPID)
        .root_certificates_pem(b"no certificate here")
        .unwrap_err();
    assert!(err.to_string().contains("root_certificates_pem"), "{err}");
}

/// With the `platform-verifier` feature the client can trust the operating system's store;
/// the choice shows in `Debug` (the roots, never a secret).
#[cfg(feature = "platform-verifier")]
#[test]
fn platform_roots_are_a_builder_choice() {
    let builder = tim_client::Client::builder(1_400_000_000)
        .secret_key(tim_client::SecretKey::new("k"))
        .region(tim_client::Region::Singapore)
        .platform_root_certificates();
    assert!(format!("{builder:?}").contains("the platform's store"));
    assert!(builder.build().is_ok());
}

/// `.standby_domain(true)` calls the region's documented backup host; a region the docs give
/// none for, or a custom base URL, is refused when building.
#[test]
fn the_standby_domain_is_a_builder_choice() {
    use tim_client::{BuildError, Region};
    let builder = || Client::builder(1_400_000_000).secret_key(tim_client::SecretKey::new("k"));
    let client = builder()
        .region(Region::Singapore)
        .standby_domain(true)
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "https://adminapisgp.my-imcloud.com");
    let client = builder().region(Region::Singapore).build().unwrap();
    assert_eq!(client.base_url(), "https://adminapisgp.im.qcloud.com");
    for region in Region::ALL {
        let built = builder().region(*region).standby_domain(true).build();
        match region.standby_domain() {
            Some(host) => assert_eq!(built.unwrap().base_url(), format!("https://{host}")),
            None => assert!(
                matches!(built, Err(BuildError::NoStandbyDomain { .. })),
                "{region}"
            ),
        }
    }
    let err = builder()
        .base_url("https://proxy.example")
        .standby_domain(true)
        .build()
        .unwrap_err();
    assert!(matches!(err, BuildError::NoStandbyDomain { .. }), "{err}");
}
