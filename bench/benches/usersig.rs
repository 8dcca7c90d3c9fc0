//! UserSig generation and verification with the comparison inputs (sdkappid 1400000000,
//! the README key, `administrator`, 180 days): our own UserSigs, and the official Python
//! and npm packages' committed UserSigs (zlib level 6). `bench/compare.sh` times the
//! official packages themselves.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use tim_bench::{ADMIN, EXPIRE_SECS, KEY, Official, SDKAPPID, official_vector};
use tim_usersig::{Compression, SecretKey, Signer};

fn bench(c: &mut Criterion) {
    let signer = Signer::new(SDKAPPID, SecretKey::new(KEY));
    let deflate6 = signer.clone().with_compression(Compression::Deflate(6));

    let mut g = c.benchmark_group("usersig_generate");
    g.bench_function("ours_stored", |b| {
        b.iter(|| signer.generate(black_box(ADMIN), black_box(EXPIRE_SECS)))
    });
    g.bench_function("ours_deflate6", |b| {
        b.iter(|| deflate6.generate(black_box(ADMIN), black_box(EXPIRE_SECS)))
    });
    g.finish();

    let ours = signer
        .generate(ADMIN, EXPIRE_SECS)
        .expect("generate")
        .into_string();
    let ours6 = deflate6
        .generate(ADMIN, EXPIRE_SECS)
        .expect("generate")
        .into_string();
    let mut g = c.benchmark_group("usersig_verify");
    g.bench_function("ours_stored", |b| {
        b.iter(|| signer.verify_now(black_box(&ours), ADMIN, None))
    });
    g.bench_function("ours_deflate6", |b| {
        b.iter(|| signer.verify_now(black_box(&ours6), ADMIN, None))
    });
    for (name, which) in [("python", Official::Python), ("npm", Official::Node)] {
        let v = official_vector(which, "admin_one_day").expect("committed vector");
        signer
            .verify(&v.usersig, &v.identifier, None, v.time)
            .expect("the official UserSig verifies");
        g.bench_function(name, |b| {
            b.iter(|| signer.verify(black_box(&v.usersig), ADMIN, None, v.time))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
