//! The secret key and the UserSigs never show up in `Debug`/`Display` of the client, its
//! builder or its errors, nor in log records (captured here with a test logger), across
//! successes, retries, renewals and transport failures.

mod support;

use std::sync::Mutex;
use std::time::Duration;

use support::*;
use tim_client::RetryPolicy;

/// Captures every record. `ureq` itself logs full URLs at `trace` level (documented in the
/// crate docs); like a production filter, this logger keeps `ureq` at `debug`.
struct Capture(Mutex<Vec<String>>);

impl log::Log for Capture {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        !metadata.target().starts_with("ureq") || metadata.level() <= log::Level::Debug
    }
    fn log(&self, record: &log::Record<'_>) {
        if self.enabled(record.metadata()) {
            let line = format!("{} {} {}", record.level(), record.target(), record.args());
            self.0.lock().unwrap().push(line);
        }
    }
    fn flush(&self) {}
}

static LOGGER: Capture = Capture(Mutex::new(Vec::new()));

#[test]
fn secrets_never_leak() {
    log::set_logger(&LOGGER).unwrap();
    log::set_max_level(log::LevelFilter::Trace);
    let mut shown: Vec<String> = Vec::new();

    // Success, 70001 renewal, 502 retries with an error page echoing the URL, then a 91000.
    let server = Server::start(|n, seen| match n {
        0 => Reply::ok(),
        1 => Reply::fail(70001, "expired"),
        2 | 3 => Reply::status(
            502,
            &format!(
                "<html>bad gateway for /v4?usersig={}&x=1</html>",
                seen.param("usersig").unwrap()
            ),
            "text/html",
        ),
        _ => Reply::fail(91000, "internal"),
    });
    let builder = builder(&server);
    shown.push(format!("{builder:?}"));
    let client = builder.build().unwrap();
    shown.push(format!("{client:?}"));
    client.send(&Accounts::of(&["a"])).unwrap();
    let (result, trace) = client.send_traced(&NeverRetried(Accounts::of(&["a"])));
    let err = result.unwrap_err();
    shown.push(format!("{err} {err:?} {trace:?}"));
    let (result, trace) = client.send_traced(&Accounts::of(&["a"]));
    let err = result.unwrap_err();
    shown.push(format!("{err} {err:?} {trace:?}"));
    assert!(trace.retries() >= 1, "the retry path was exercised");

    // Transport failure and timeout.
    let refused = refused_client();
    let (result, trace) = refused.send_traced(&Accounts::of(&["a"]));
    let err = result.unwrap_err();
    shown.push(format!("{err} {err:?} {trace:?}"));
    let slow = Server::start(|_, _| Reply::ok().delayed(Duration::from_millis(800)));
    let client = support::builder(&slow)
        .timeout(Duration::from_millis(100))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let err = client.send(&Accounts::of(&["a"])).unwrap_err();
    shown.push(format!("{err} {err:?}"));

    // The UserSigs actually used, as the servers received them.
    let usersigs: Vec<String> = server
        .seen()
        .iter()
        .chain(slow.seen().iter())
        .map(|s| s.param("usersig").unwrap().to_owned())
        .collect();
    assert!(usersigs.len() >= 5);
    let logs = LOGGER.0.lock().unwrap().clone();
    assert!(
        logs.iter().any(|l| l.starts_with("WARN")),
        "retries are logged: {logs:#?}"
    );
    let everything: Vec<&String> = shown.iter().chain(logs.iter()).collect();
    for text in everything {
        assert!(!text.contains(KEY), "key leaked in {text}");
        for sig in &usersigs {
            // Any 16-character piece of the UserSig would be a leak.
            for piece in sig.as_bytes().chunks(16).filter(|c| c.len() == 16) {
                let piece = std::str::from_utf8(piece).unwrap();
                assert!(!text.contains(piece), "UserSig leaked in {text}");
            }
        }
    }
    // The error page's echo was redacted, not dropped.
    assert!(
        shown.iter().any(|s| s.contains("usersig=<redacted>")),
        "{shown:#?}"
    );
}

/// Each cause appears once in an error chain: an error shows its own message and hands its
/// cause out through `source()`, never both (so anyhow and eyre do not print it twice).
#[test]
fn error_chains_print_each_cause_once() {
    let client = support::refused_client();
    let err = client.all_member_push().get_attr_name().unwrap_err();
    let mut messages = vec![err.to_string()];
    let mut cause = std::error::Error::source(&err);
    while let Some(c) = cause {
        messages.push(c.to_string());
        cause = c.source();
    }
    assert!(
        messages.len() >= 2,
        "a transport error has a cause: {messages:?}"
    );
    for (i, outer) in messages.iter().enumerate() {
        for inner in &messages[i + 1..] {
            assert!(
                !outer.contains(inner.as_str()),
                "{outer:?} repeats its cause {inner:?}"
            );
        }
    }
    assert_eq!(err.chain(), messages.join(": "));
}

/// A server that echoes the request (its query string, UserSig included) in `ErrorInfo` and
/// in error bodies, with terminal escape codes: nothing the client shows or keeps holds the
/// UserSig, and control characters are escaped.
#[test]
fn server_supplied_text_is_scrubbed_of_the_usersig_and_escape_codes() {
    for answer in ["info", "502", "undecodable"] {
        let server = Server::start(move |_, seen| {
            let sig = seen.param("usersig").unwrap_or_default().to_owned();
            let echo = format!("\u{1b}[31mbad call with usersig={sig} and {sig}\u{1b}[0m");
            match answer {
                "info" => Reply::fail(70003, &echo),
                "502" => Reply::status(502, &echo, "text/html"),
                _ => Reply::status(200, &echo, "application/json"),
            }
        });
        let client = builder(&server)
            .retry_policy(tim_client::RetryPolicy::standard().with_max_attempts(1))
            .build()
            .unwrap();
        let err = client.all_member_push().get_attr_name().unwrap_err();
        let sig = server.seen()[0].param("usersig").unwrap().to_owned();
        assert!(sig.len() > 20);
        let mut shown = vec![err.to_string(), format!("{err:?}"), err.chain()];
        if let tim_client::Error::HttpStatus { body, .. } | tim_client::Error::Decode { body, .. } =
            &err
        {
            shown.push(String::from_utf8_lossy(body.as_bytes()).into_owned());
        }
        for text in &shown {
            assert!(!text.contains(&sig), "{answer}: the UserSig leaked: {text}");
        }
        for text in &shown[..3] {
            assert!(
                !text.contains('\u{1b}'),
                "{answer}: an escape code is printed raw: {text}"
            );
        }
    }
}
