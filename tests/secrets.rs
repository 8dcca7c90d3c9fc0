//! The secret key and the UserSigs appear in no `Debug`, `Display`, error or log output,
//! end to end: successes, renewals, retries, HTTP 502, timeouts, undecodable bodies, a
//! transport error to a closed port (errors that carry a URL), bulk reports, and the log
//! records of the client and of the emulator (captured with a test logger).

mod common;

use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use common::*;
use tim_client::all_member_push::*;
use tim_client::bulk::Bulk;
use tim_client::{Client, SecretKey};
use tim_emulator::{Emulator, Fault, FaultRule};

/// Captures every record. `ureq` logs full request URLs at `trace` level (documented in the
/// client's crate docs); like a production filter, this keeps `ureq` at `debug`.
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

/// A client whose UserSigs come from a provider that records them, so the test knows the
/// exact strings to look for.
fn recording_client(base_url: String, minted: Arc<Mutex<Vec<String>>>) -> Client {
    Client::builder(APP)
        .usersig_provider(move |id: &str| {
            let sig = signer().generate(id, 3600)?.into_string();
            minted.lock().unwrap().push(sig.clone());
            Ok::<_, tim_client::BoxError>(sig)
        })
        .base_url(base_url)
        .allow_insecure_http(true)
        .timeout(SHORT_TIMEOUT)
        .retry_policy(quick_retries())
        .build()
        .unwrap()
}

fn get(client: &Client) -> String {
    let (result, trace) = client.send_traced(&GetTagRequest::new(["a"]));
    match result {
        Ok(r) => format!("{r:?} {trace:?}"),
        Err(e) => format!(
            "{e} | {e:?} | {trace:?} | {:?}",
            std::error::Error::source(&e)
        ),
    }
}

#[test]
fn secrets_appear_in_no_output() {
    log::set_logger(&LOGGER).unwrap();
    log::set_max_level(log::LevelFilter::Trace);
    let mut shown: Vec<String> = Vec::new();

    let config = config();
    shown.push(format!("{config:?}"));
    let emu = Emulator::start(config).unwrap();
    let minted = Arc::new(Mutex::new(Vec::new()));
    let client = recording_client(emu.base_url(), minted.clone());
    let keyed = builder(&emu).timeout(SHORT_TIMEOUT).build().unwrap();
    shown.push(format!("{client:?} {keyed:?} {:?}", builder(&emu)));

    for c in [&client, &keyed] {
        shown.push(get(c));
        for fault in [
            Fault::Code(70001),
            Fault::Code(91000),
            Fault::BadGateway,
            Fault::CloseConnection,
            Fault::Delay(SLOW_ANSWER),
            Fault::TruncatedJson,
            Fault::NonJson,
        ] {
            // Once (retried), then until the client gives up (the error).
            emu.faults()
                .inject(FaultRule::new(fault.clone()).only("im_get_tag"));
            shown.push(get(c));
            emu.faults()
                .inject(FaultRule::new(fault).times(3).only("im_get_tag"));
            shown.push(get(c));
            emu.faults().clear();
        }
        // An API error, and a bulk report full of failures.
        let bad = AddTagRequest::new(vec![UserTagsToAdd::new("a", vec!["x".repeat(60)])]);
        shown.push(format!("{:?}", c.all_member_push().add_tag(bad)));
        emu.faults().inject(
            FaultRule::new(Fault::BadGateway)
                .always()
                .only("im_remove_all_tags"),
        );
        let report = Bulk::new(c)
            .all_member_push()
            .remove_all_tags(accounts("b", 150))
            .unwrap();
        assert_eq!(report.failed.len(), 150);
        shown.push(format!("{report:?}"));
        shown.extend(report.failed.iter().map(|f| f.error.to_string()));
        emu.faults().clear();
    }

    // Transport errors carry the URL: a closed port.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let closed = format!("http://127.0.0.1:{port}");
    let refused = recording_client(closed.clone(), minted.clone());
    shown.push(get(&refused));
    let refused_keyed = Client::builder(APP)
        .secret_key(SecretKey::new(KEY))
        .base_url(closed)
        .allow_insecure_http(true)
        .retry_policy(quick_retries())
        .build()
        .unwrap();
    shown.push(get(&refused_keyed));
    emu.stop();

    let logs = LOGGER.0.lock().unwrap().clone();
    let minted = minted.lock().unwrap().clone();
    assert!(minted.len() >= 3, "renewals happened: {}", minted.len());
    assert!(
        logs.iter().any(|l| l.contains("retrying")),
        "the retry paths logged"
    );
    assert!(shown.iter().any(|s| s.contains("502")), "a 502 was shown");
    assert!(
        shown.iter().any(|s| s.contains("127.0.0.1")),
        "a URL was shown"
    );
    for text in shown.iter().chain(&logs) {
        assert!(!text.contains(KEY), "the key leaked: {text}");
        for sig in &minted {
            assert!(!text.contains(sig.as_str()), "a UserSig leaked: {text}");
            assert!(
                !text.contains(&sig[..24]),
                "part of a UserSig leaked: {text}"
            );
        }
        // UserSigs minted from the key (not known to the test) are zlib+base64: "eJ...".
        let lower = text.to_ascii_lowercase();
        let mut rest = lower.as_str();
        while let Some(at) = rest.find("usersig=") {
            rest = &rest[at + "usersig=".len()..];
            assert!(
                rest.is_empty() || rest.starts_with("<redacted>") || rest.starts_with('&'),
                "{text}"
            );
        }
        assert!(
            !text.contains("eJw") && !text.contains("eJy"),
            "something like a UserSig: {text}"
        );
    }
}
