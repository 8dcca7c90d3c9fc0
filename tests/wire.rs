//! Every sample request and response of the spec (copied verbatim from the official docs)
//! round-trips through the generated types: deserialize, serialize, compare as JSON values.
//! Each round-tripped sample is also an insta snapshot of the bytes the generated type
//! writes (pretty-printed, in its field order: what goes on the wire), named
//! `<command>__<sample>__request` / `__response`.
//!
//! The table below ties each endpoint path to its generated request type (the response type
//! comes from `Request::Response`). It is built by the generated `visit_requests`, so it
//! holds every endpoint by construction; a test checks that the visitor visits exactly the
//! spec's endpoints, once each.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::path::Path;
use tim_client::all_member_push::*;
use tim_client::endpoint::{Request, RequestVisitor};
use tim_client::endpoints::visit_requests;

type Roundtrip = fn(&Value) -> Result<(Value, String), serde_json::Error>;

/// Decodes `value` as a `T` and encodes it back: as a value, and as the text `T` writes (its
/// field order, which a `Value` would sort away).
fn roundtrip<T: Serialize + DeserializeOwned>(
    value: &Value,
) -> Result<(Value, String), serde_json::Error> {
    let typed: T = serde_json::from_value(value.clone())?;
    Ok((
        serde_json::to_value(&typed)?,
        serde_json::to_string_pretty(&typed)?,
    ))
}

struct Entry {
    path: &'static str,
    /// The `ENDPOINT` of the visited request type.
    endpoint: &'static tim_client::Endpoint,
    request: Roundtrip,
    response: Roundtrip,
}

/// Collects one [`Entry`] per visited request type.
struct Table(Vec<Entry>);

impl RequestVisitor for Table {
    fn visit<R: Request>(&mut self) {
        self.0.push(Entry {
            path: R::ENDPOINT.path,
            endpoint: R::ENDPOINT,
            request: roundtrip::<R>,
            response: roundtrip::<R::Response>,
        });
    }
}

fn table() -> Vec<Entry> {
    let mut table = Table(Vec::new());
    visit_requests(&mut table);
    table.0
}

fn spec() -> tim_spec::Spec {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    tim_spec::Spec::load(&root).unwrap_or_else(|e| panic!("{e}"))
}

fn entry<'t>(table: &'t [Entry], path: &str) -> &'t Entry {
    table.iter().find(|e| e.path == path).unwrap_or_else(|| {
        panic!("{path} is in the spec but `visit_requests` does not visit it: run `cargo xtask codegen`")
    })
}

#[test]
fn the_visitor_visits_exactly_the_endpoints_of_the_spec() {
    let spec = spec();
    let table = table();
    let mut in_spec: Vec<String> = spec.endpoints.iter().map(|e| e.path()).collect();
    let visited: Vec<String> = table.iter().map(|e| e.path.to_owned()).collect();
    in_spec.sort();
    // Sorted and each spec endpoint once: equal to the sorted spec list, duplicates included.
    assert_eq!(in_spec, visited);
    let all: Vec<&str> = tim_client::endpoints::ALL.iter().map(|e| e.path).collect();
    assert_eq!(all, visited, "visited in the order of `endpoints::ALL`");
    for e in &table {
        let by_path = tim_client::endpoints::by_path(e.path).expect("by_path knows every endpoint");
        assert_eq!(by_path.path, e.path);
        assert_eq!(
            by_path, e.endpoint,
            "{}: `Request::ENDPOINT` is its constant",
            e.path
        );
    }
}

#[test]
fn every_sample_round_trips_through_the_generated_types() {
    let spec = spec();
    let table = table();
    let mut samples = 0;
    for endpoint in &spec.endpoints {
        let entry = entry(&table, &endpoint.path());
        for sample in &endpoint.samples {
            for (kind, original, roundtrip) in [
                ("request", &sample.request, entry.request),
                ("response", &sample.response, entry.response),
            ] {
                let Some(original) = original else { continue };
                let name = format!("{}__{}__{kind}", endpoint.command, sample.name);
                let (back, wire) =
                    roundtrip(original).unwrap_or_else(|e| panic!("{name}: does not decode: {e}"));
                assert_eq!(&back, original, "{name}: changed by the round trip");
                insta::assert_snapshot!(name, wire);
                samples += 1;
            }
        }
    }
    assert!(
        samples >= spec.endpoints.len(),
        "every endpoint has at least one sample ({samples} in all)"
    );
}

#[test]
fn responses_tolerate_missing_and_unknown_fields() {
    let failure = json!({
        "ActionStatus": "FAIL",
        "ErrorCode": 90001,
        "ErrorInfo": "json parse error",
        "SomethingNew": { "nested": [1, 2, 3] }
    });
    for entry in table() {
        let (back, _) =
            (entry.response)(&failure).unwrap_or_else(|e| panic!("{}: {e}", entry.path));
        assert_eq!(back["ErrorCode"], json!(90001), "{}", entry.path);
        assert_eq!(back["ActionStatus"], json!("FAIL"), "{}", entry.path);
        assert!(
            back.get("SomethingNew").is_none(),
            "{}: unknown fields are dropped",
            entry.path
        );
        let (empty, _) =
            (entry.response)(&json!({})).unwrap_or_else(|e| panic!("{}: {e}", entry.path));
        assert_eq!(empty["ErrorCode"], json!(0), "{}", entry.path);
    }
}

#[test]
fn list_requests_convert_from_plain_lists_of_accounts() {
    let expected = json!({ "To_Account": ["alice", "bob"] });
    let from_array = GetTagRequest::from(["alice", "bob"]);
    let from_vec = GetTagRequest::from(vec!["alice".to_owned(), "bob".to_owned()]);
    let from_slice = GetTagRequest::from(&["alice", "bob"][..]);
    let from_new = GetTagRequest::new(["alice", "bob"]);
    for request in [from_array, from_vec, from_slice, from_new] {
        assert_eq!(serde_json::to_value(&request).unwrap(), expected);
    }
    assert_eq!(
        serde_json::to_value(GetAttrNameRequest::from(())).unwrap(),
        json!({})
    );
}

/// Every snapshot file of this test belongs to a sample of the spec: a sample removed or
/// renamed leaves no stale snapshot behind (what `cargo insta test --unreferenced=reject`
/// checks, without needing cargo-insta).
#[test]
fn no_snapshot_outlives_its_sample() {
    let spec = spec();
    let mut expected: Vec<String> = spec
        .endpoints
        .iter()
        .flat_map(|e| {
            e.samples.iter().flat_map(move |s| {
                [
                    ("request", s.request.is_some()),
                    ("response", s.response.is_some()),
                ]
                .into_iter()
                .filter(|(_, present)| *present)
                .map(move |(kind, _)| format!("wire__{}__{}__{kind}.snap", e.command, s.name))
            })
        })
        .collect();
    expected.sort();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots");
    let mut found: Vec<String> = std::fs::read_dir(&dir)
        .expect("tests/snapshots")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("wire__") && n.ends_with(".snap"))
        .collect();
    found.sort();
    assert_eq!(found, expected);
}
