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
use tim_client::endpoint::{Request, RequestVisitor};
use tim_client::endpoints::visit_requests;

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

/// Benches, for each visited request type, the first request and the first response sample
/// of its endpoint in the spec.
struct Bench<'a, 'g> {
    spec: &'a tim_spec::Spec,
    group: &'a mut BenchmarkGroup<'g, WallTime>,
    /// Paths of the visited endpoints, to check against the spec.
    visited: Vec<String>,
}

impl RequestVisitor for Bench<'_, '_> {
    fn visit<R: Request>(&mut self) {
        let path = R::ENDPOINT.path;
        let endpoint = self
            .spec
            .endpoints
            .iter()
            .find(|e| e.path() == path)
            .unwrap_or_else(|| panic!("{path} has a generated request type but is not in spec/"));
        if let Some(s) = endpoint.samples.iter().find(|s| s.request.is_some()) {
            let id = format!("{}/request/{}", endpoint.command, s.name);
            bench_type::<R>(self.group, &id, s.request.as_ref().expect("checked"));
        }
        if let Some(s) = endpoint.samples.iter().find(|s| s.response.is_some()) {
            let id = format!("{}/response/{}", endpoint.command, s.name);
            bench_type::<R::Response>(self.group, &id, s.response.as_ref().expect("checked"));
        }
        self.visited.push(path.to_owned());
    }
}

fn bench(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let spec = tim_spec::Spec::load(&root).unwrap_or_else(|e| panic!("{e}"));
    let mut g = c.benchmark_group("wire");
    // 40 functions of a few hundred ns each: short runs keep the whole group near a minute.
    g.warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1));
    let mut bench = Bench {
        spec: &spec,
        group: &mut g,
        visited: Vec::new(),
    };
    visit_requests(&mut bench);
    let in_spec: Vec<String> = spec.endpoints.iter().map(|e| e.path()).collect();
    assert_eq!(
        bench.visited, in_spec,
        "every endpoint of spec/ is benched once"
    );
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
