//! Generation and verification cost. Compare with the official packages using
//! `tests/vectors/time_official.sh` in the same run window.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use tim_usersig::{Compression, Privileges, RoomId, SecretKey, Signer, decode};

const KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
const T: u64 = 1_700_000_000;

fn official(file: &str, name: &str) -> String {
    let root: serde_json::Value = serde_json::from_str(file).expect("vector file");
    root["vectors"]
        .as_array()
        .and_then(|v| v.iter().find(|x| x["name"] == name))
        .and_then(|x| x["usersig"].as_str())
        .expect("vector")
        .to_owned()
}

fn bench(c: &mut Criterion) {
    let signer = Signer::new(1_400_000_000, SecretKey::new(KEY));
    let userbuf = tim_usersig::PrivateMapKey {
        identifier: "xiaojun".into(),
        sdkappid: 1_400_000_000,
        room: RoomId::Numeric(10_000),
        expires_at: 1_700_000_300,
        privileges: Privileges::ALL,
        account_type: 0,
    }
    .to_userbuf()
    .expect("userbuf");

    let mut g = c.benchmark_group("generate");
    g.bench_function("stored/administrator", |b| {
        b.iter(|| signer.generate_at(black_box("administrator"), 86_400, T, None))
    });
    g.bench_function("stored/with_userbuf", |b| {
        b.iter(|| signer.generate_at(black_box("xiaojun"), 300, T, Some(black_box(&userbuf))))
    });
    let deflate6 = signer.clone().with_compression(Compression::Deflate(6));
    g.bench_function("deflate6/administrator", |b| {
        b.iter(|| deflate6.generate_at(black_box("administrator"), 86_400, T, None))
    });
    g.finish();

    let ours = signer
        .generate_at("administrator", 86_400, T, None)
        .expect("generate")
        .into_string();
    let python = official(
        include_str!("../tests/vectors/python.json"),
        "admin_one_day",
    );
    let node = official(include_str!("../tests/vectors/node.json"), "admin_one_day");
    let python_now = decode(&python).expect("python vector").time;
    let mut g = c.benchmark_group("verify");
    g.bench_function("ours_stored", |b| {
        b.iter(|| signer.verify(black_box(&ours), "administrator", None, T))
    });
    g.bench_function("python_level6", |b| {
        b.iter(|| signer.verify(black_box(&python), "administrator", None, python_now))
    });
    g.bench_function("node_level6", |b| {
        b.iter(|| signer.verify(black_box(&node), "administrator", None, python_now))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
