//! A full client call (`client.all_member_push().get_tag([...])`: validate, serialize, cached UserSig, URL,
//! POST, read, envelope check, decode) against the emulator on loopback, next to a bare
//! `ureq` POST of the same bytes to the same emulator with a pre-minted UserSig. The
//! difference is the client's own overhead. A third run sends the bare POST through a plain
//! ureq agent with the client's settings (timeouts...): once a timeout is set, ureq's default
//! resolver looks the host up on a new thread for every request, which the client avoids for
//! IP-literal hosts; that run shows what it cost.
//!
//! The client's rate limiter is off and the emulator's per-second limit raised, so neither
//! run waits for a limit.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use tim_bench::{ADMIN, KEY, SDKAPPID};
use tim_client::all_member_push::{AddTagRequest, GetTagRequest, UserTagsToAdd};
use tim_client::{Client, SecretKey};
use tim_emulator::{Config, Emulator};
use tim_usersig::Signer;

const ACCOUNTS: [&str; 2] = ["alice", "bob"];

fn bench(c: &mut Criterion) {
    let emulator = Emulator::start(
        Config::new(SDKAPPID, SecretKey::new(KEY))
            .admin(ADMIN)
            .per_second_limit(u32::MAX),
    )
    .expect("the emulator starts on loopback");
    let client = Client::builder(SDKAPPID)
        .secret_key(SecretKey::new(KEY))
        .admin(ADMIN)
        .base_url(emulator.base_url())
        .allow_insecure_http(true)
        .rate_limiting(false)
        .build()
        .expect("client");
    let tags = ACCOUNTS
        .iter()
        .map(|a| UserTagsToAdd::new((*a).to_owned(), vec!["vip".to_owned(), "beta".to_owned()]))
        .collect();
    client
        .all_member_push()
        .add_tag(AddTagRequest::new(tags))
        .expect("tags are added");
    // Warm: the admin UserSig is minted and cached, a connection is pooled.
    let first = client.all_member_push().get_tag(ACCOUNTS).expect("get_tag");
    assert_eq!(first.user_tags.map(|u| u.len()), Some(ACCOUNTS.len()));

    let agent = ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build(),
    );
    // The same POST through a default-resolver agent with the client's settings (timeouts,
    // no redirects, pool sizes, user agent).
    let agent_like_client = ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .max_idle_connections(32)
            .max_idle_connections_per_host(16)
            .timeout_connect(Some(Duration::from_secs(5)))
            .timeout_global(Some(Duration::from_secs(10)))
            .user_agent("tim-client/bench")
            .build(),
    );
    let usersig = Signer::new(SDKAPPID, SecretKey::new(KEY))
        .generate(ADMIN, 86_400)
        .expect("usersig");
    let url = format!(
        "{}/v4/all_member_push/im_get_tag?sdkappid={SDKAPPID}&identifier={ADMIN}&usersig={}&random=12345&contenttype=json",
        emulator.base_url(),
        usersig.as_str()
    );
    let body = serde_json::to_vec(&GetTagRequest::from(ACCOUNTS)).expect("body");
    let post = |agent: &ureq::Agent| -> Vec<u8> {
        let mut response = agent
            .post(&url)
            .header("Content-Type", "application/json")
            .send(&body[..])
            .expect("POST");
        assert_eq!(response.status().as_u16(), 200);
        response.body_mut().read_to_vec().expect("body")
    };
    let answer: serde_json::Value = serde_json::from_slice(&post(&agent)).expect("JSON");
    assert_eq!(
        answer["ErrorCode"], 0,
        "the bare POST is accepted: {answer}"
    );

    let mut g = c.benchmark_group("client_call");
    g.bench_function("bare_ureq_post", |b| b.iter(|| black_box(post(&agent))));
    g.bench_function("bare_ureq_post_timeouts_default_resolver", |b| {
        b.iter(|| black_box(post(&agent_like_client)))
    });
    g.bench_function("client_get_tag", |b| {
        b.iter(|| {
            client
                .all_member_push()
                .get_tag(black_box(ACCOUNTS))
                .expect("get_tag")
        })
    });
    g.finish();

    let counts = emulator.state().call_counts().endpoint("im_get_tag");
    assert_eq!(counts.rate_limited, 0, "no call waited for or hit a limit");
    assert_eq!(counts.failed, 0);
    emulator.stop();
}

criterion_group!(benches, bench);
criterion_main!(benches);
