//! Calls the endpoints added by the extension proof, with no hand-written code for them:
//! client methods, the emulator's conformance default, the bulk method and `tim call`.

use std::process::Command;

use tim_client::all_member_push::ProofEchoRequest;
use tim_client::bulk::Bulk;
use std::time::Duration;

use tim_client::proof_svc::{GetInfoRequest, SendNoticeRequest};
use tim_client::{Client, Error, ErrorCode, SecretKey};
use tim_emulator::{Config, Emulator, ManualClock};

const APP: u32 = 1_400_000_555;
const KEY: &str = "0123456789abcdef0123456789abcdef";

fn setup() -> (Emulator, Client) {
    setup_with(Config::new(APP, SecretKey::new(KEY)))
}

fn setup_with(config: Config) -> (Emulator, Client) {
    let emu = Emulator::start(config).expect("emulator");
    let client = Client::builder(APP)
        .secret_key(SecretKey::new(KEY))
        .base_url(emu.base_url())
        .allow_insecure_http(true)
        .build()
        .expect("client");
    (emu, client)
}

#[test]
fn new_endpoints_work_end_to_end() {
    let (emu, client) = setup();

    // A new service: its method answers the doc sample's response (conformance default).
    let info = client
        .proof_svc()
        .get_info(GetInfoRequest::new("abc"))
        .expect("get_info");
    assert_eq!(info.info.as_deref(), Some("hello"));
    // Its limit is checked before sending.
    let err = client
        .proof_svc()
        .get_info(GetInfoRequest::new("x".repeat(11)))
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err}");
    assert!(err.is_before_send());

    // A new endpoint of an existing service.
    let echo = client
        .all_member_push()
        .proof_echo(ProofEchoRequest::new("hi"))
        .expect("proof_echo");
    assert_eq!(echo.echo.as_deref(), Some("hi"));

    // The generated bulk method splits 250 accounts into 3 calls of at most 100.
    let report = Bulk::new(&client)
        .proof_svc()
        .mark_accounts((0..250).map(|i| format!("u{i}")))
        .expect("bulk");
    assert_eq!(report.succeeded, 250, "{report:?}");
    assert_eq!(report.requests, 3);
    assert_eq!(
        emu.state().call_counts().endpoint("v4/proof_svc/mark_accounts").ok,
        3
    );

    // `tim call` reaches the new endpoint...
    let tim = std::env::var("TIM_BIN").expect("TIM_BIN: the tim binary of this copy");
    let url = emu.base_url();
    let app = APP.to_string();
    let run = |body: &str| {
        Command::new(&tim)
            .args(["call", "proof_svc/get_info", body, "--json"])
            .env("TIM_BASE_URL", &url)
            .env("TIM_SDKAPPID", &app)
            .env("TIM_SECRET_KEY", KEY)
            .output()
            .expect("run tim")
    };
    let o = run(r#"{"Name":"abc"}"#);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let answer: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(answer["Info"], "hello");
    // ...and refuses a body that breaks a limit, before sending (exit 2).
    let before = emu.state().call_counts().total();
    let o = run(r#"{"Name":"far too long"}"#);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("Name: must be at most 10 bytes"), "{err}");
    assert_eq!(emu.state().call_counts().total(), before);
}

#[test]
fn the_conformance_default_applies_the_specs_interval_and_daily_limits() {
    // The emulator's clock stands still unless advanced, so the interval is decided here.
    let clock = ManualClock::now();
    let (_emu, client) = setup_with(Config::new(APP, SecretKey::new(KEY)).clock(clock.clone()));
    let notice = || SendNoticeRequest::new("hi");
    let service = client.proof_svc();
    service.send_notice(notice()).expect("first notice");
    // No time passed on the emulator's clock: not more than 20 ms apart.
    let err = service.send_notice(notice()).unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::RestRateLimited), "{err}");
    clock.advance(Duration::from_millis(21));
    service.send_notice(notice()).expect("second notice");
    clock.advance(Duration::from_millis(21));
    // Two a day: the third is refused with the spec's daily code.
    let err = service.send_notice(notice()).unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::DailyPushQuotaExceeded), "{err}");
    // The next day (days start 00:00 UTC+8) it is accepted again.
    clock.advance(Duration::from_secs(86_400));
    service.send_notice(notice()).expect("a notice the next day");
}
