//! Serialize and deserialize of every endpoint's request and response, built from the
//! official doc samples in `spec/` (the first sample of each endpoint that has one), through
//! the generated `tim_client::types`. Serialize is what a call does (`serde_json::to_vec`),
//! deserialize reads the sample's JSON bytes.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, criterion_group, criterion_main};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tim_client::Request;
use tim_client::types::*;

type BenchFn = fn(&mut BenchmarkGroup<'_, WallTime>, &str, &Value);

/// Benches serialize and deserialize of `sample` as a `T`.
fn bench_type<T: Serialize + DeserializeOwned>(
    g: &mut BenchmarkGroup<'_, WallTime>,
    id: &str,
    sample: &Value,
) {
    let bytes = serde_json::to_vec(sample).expect("a sample is JSON");
    let typed: T = serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("{id}: the sample does not decode: {e}"));
    g.bench_function(format!("{id}/serialize"), |b| {
        b.iter(|| serde_json::to_vec(black_box(&typed)))
    });
    g.bench_function(format!("{id}/deserialize"), |b| {
        b.iter(|| serde_json::from_slice::<T>(black_box(&bytes)))
    });
}

struct Entry {
    path: &'static str,
    request: BenchFn,
    response: BenchFn,
}

macro_rules! entries {
    ($($request:ty),* $(,)?) => {
        vec![$(Entry {
            path: <$request as Request>::ENDPOINT.path,
            request: bench_type::<$request>,
            response: bench_type::<<$request as Request>::Response>,
        }),*]
    };
}

fn table() -> Vec<Entry> {
    entries![
        AddTagRequest,
        GetAttrRequest,
        GetAttrNameRequest,
        GetTagRequest,
        PushRequest,
        RemoveAllTagsRequest,
        RemoveAttrRequest,
        RemoveTagRequest,
        SetAttrRequest,
        SetAttrNameRequest,
    ]
}

fn bench(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let spec = tim_spec::Spec::load(&root).unwrap_or_else(|e| panic!("{e}"));
    let table = table();
    let mut g = c.benchmark_group("wire");
    // 40 functions of a few hundred ns each: short runs keep the whole group near a minute.
    g.warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1));
    for endpoint in &spec.endpoints {
        let path = endpoint.path();
        let entry = table.iter().find(|e| e.path == path).unwrap_or_else(|| {
            panic!("{path} is in the spec but not in the table of bench/benches/wire.rs")
        });
        if let Some(s) = endpoint.samples.iter().find(|s| s.request.is_some()) {
            let id = format!("{}/request/{}", endpoint.command, s.name);
            (entry.request)(&mut g, &id, s.request.as_ref().expect("checked"));
        }
        if let Some(s) = endpoint.samples.iter().find(|s| s.response.is_some()) {
            let id = format!("{}/response/{}", endpoint.command, s.name);
            (entry.response)(&mut g, &id, s.response.as_ref().expect("checked"));
        }
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
