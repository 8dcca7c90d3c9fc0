//! Every documented limit and rule of every request, driven by the spec itself.
//!
//! For each endpoint, each sample request of the spec (plus [`extra_bases`]: a few valid
//! requests carrying the fields no sample does) is walked alongside the spec's types. Every
//! field present that carries `limits`, at any depth (`UserTags[0].Tags`,
//! `Condition.AttrsOr`, `MsgBody[0].MsgContent.Download_Flag`), gets one mutated copy per
//! limit that breaks that limit (a string over a byte limit twice: in ASCII, and in
//! multi-byte UTF-8 whose character count is within the limit), and every object whose type
//! has `rules` gets one copy per rule. Each copy must:
//!
//! 1. decode into the endpoint's generated request type, whose `validate()` fails naming the
//!    field's JSON path, the limit in words (with its number), the value and the spec's code;
//! 2. be refused by `Client::send` with that same error, without any call reaching the
//!    emulator;
//! 3. be answered by the emulator, sent raw over loopback HTTP with `send_json`, with the
//!    spec's code (or the family's bad-body code when the spec gives none), its
//!    `ErrorInfo` naming the field.
//!
//! Each original is checked first: valid for the client and accepted by the emulator. At the
//! end, the limits and rules exercised must be exactly those of the spec, so a limit added
//! later that no sample or extra base reaches fails this test, by name.

mod bases;
#[path = "../common/mod.rs"]
mod common;
mod coverage;
mod mutate;
mod walk;

use bases::*;
use coverage::*;
use mutate::*;
use walk::*;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Display;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};
use tim_client::endpoint::{Request, RequestVisitor};
use tim_client::{Client, Endpoint, Error, RetryPolicy, ValidationError};
use tim_emulator::{Emulator, ManualClock};
use tim_spec as spec;
use tim_spec::{Field, Limit, LimitKind, Rule, TypeDef, TypeRef};

struct Run<'a> {
    emulator: &'a Emulator,
    clock: &'a ManualClock,
    client: &'a Client,
    failures: Vec<String>,
    exercised: BTreeSet<String>,
    mutations: usize,
    bases: usize,
}

impl Run<'_> {
    /// Sends `body` raw, one clock millisecond after the previous call.
    fn send_raw(&self, typed: &Typed, body: &Value) -> Result<Value, Error> {
        self.clock.advance(Duration::from_millis(1));
        self.client.send_json(typed.endpoint, body)
    }

    fn base(
        &mut self,
        schema: &Schema<'_>,
        ep: &spec::Endpoint,
        typed: &Typed,
        name: &str,
        base: &Value,
    ) {
        let label = format!("{} {name}", ep.command);
        match (typed.check)(base) {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                return self
                    .failures
                    .push(format!("{label}: the base is invalid: {e}"));
            }
            Err(e) => {
                return self
                    .failures
                    .push(format!("{label}: the base does not decode: {e}"));
            }
        }
        if let Err(e) = self.send_raw(typed, base) {
            return self
                .failures
                .push(format!("{label}: the emulator refuses the base: {e}"));
        }
        self.bases += 1;
        let mut failures = Vec::new();
        let list = mutations(schema, ep, base, &mut failures);
        self.failures
            .extend(failures.into_iter().map(|f| format!("{label}: {f}")));
        for m in list {
            self.mutation(typed, &label, m);
        }
    }

    fn mutation(&mut self, typed: &Typed, label: &str, m: Mutation) {
        self.mutations += 1;
        self.exercised.insert(m.key.clone());
        let label = format!("{label}: {} [{}]", m.what, m.key);
        let fail = |why: String| format!("{label}: {why}");
        // 1. The typed request decodes and its validation names field, limit, value, code.
        let err = match (typed.check)(&m.body) {
            Err(e) => return self.failures.push(fail(format!("does not decode: {e}"))),
            Ok(Ok(())) => {
                return self
                    .failures
                    .push(fail("the client's validate() accepts it".into()));
            }
            Ok(Err(e)) => e,
        };
        let mut wrong = Vec::new();
        if err.field != m.field {
            wrong.push(format!("field {:?}, expected {:?}", err.field, m.field));
        }
        if err.code.map(|c| c.code()) != m.code {
            wrong.push(format!("code {:?}, expected {:?}", err.code, m.code));
        }
        if !states_limit(&m.broken, &err.limit) {
            wrong.push(format!(
                "limit {:?} does not state {:?}",
                err.limit, m.broken
            ));
        }
        if !err.value.contains(&m.value_has) {
            wrong.push(format!("value {:?} lacks {:?}", err.value, m.value_has));
        }
        let shown = err.to_string();
        let code_shown = m.code.is_none_or(|c| shown.contains(&c.to_string()));
        if !shown.contains(&err.field)
            || !shown.contains(&err.limit)
            || !shown.contains(&err.value)
            || !code_shown
        {
            wrong.push(format!(
                "message {shown:?} omits the field, limit, value or code"
            ));
        }
        if !wrong.is_empty() {
            self.failures
                .push(fail(format!("validate(): {}", wrong.join("; "))));
        }
        // 2. `Client::send` refuses it with the same error, and nothing reaches the emulator.
        let before = self.emulator.state().call_counts().total();
        match (typed.send)(self.client, &m.body) {
            Ok(Err(Error::InvalidRequest(e))) if e == err => {}
            Ok(other) => self.failures.push(fail(format!(
                "Client::send answered {other:?}, expected InvalidRequest({err:?})"
            ))),
            Err(e) => self
                .failures
                .push(fail(format!("does not decode for sending: {e}"))),
        }
        let after = self.emulator.state().call_counts().total();
        if after != before {
            self.failures.push(fail(format!(
                "Client::send reached the emulator ({} calls)",
                after - before
            )));
        }
        // 3. The emulator answers the spec's code for the raw body, naming the field.
        // The spec's code, or the family's bad-body code when the spec gives none.
        let expected = m
            .code
            .unwrap_or_else(|| typed.endpoint.bad_body_code().code());
        match self.send_raw(typed, &m.body) {
            Err(Error::Api { code, info, .. })
                if code.code() == expected && info.contains(&m.field) => {}
            Err(Error::Api { code, info, .. }) => self.failures.push(fail(format!(
                "the emulator answered {} {info:?}, expected {expected} naming {:?}",
                code.code(),
                m.field
            ))),
            other => self.failures.push(fail(format!(
                "the emulator answered {other:?}, expected {expected}"
            ))),
        }
    }
}

/// What [`exercise`] found.
struct Outcome {
    /// Every disagreement between the spec, the client and the emulator, one per line.
    failures: Vec<String>,
    /// Limits and rules in the spec.
    limits: usize,
    rules: usize,
    bases: usize,
    mutations: usize,
}

/// Runs every mutation of every base request of `spec` against the generated types, a
/// client and a fresh emulator; checks that the limits and rules exercised are the spec's.
fn exercise(spec: &spec::Spec) -> Outcome {
    let schema = Schema::new(spec);
    let mut table = Table(Vec::new());
    tim_client::endpoints::visit_requests(&mut table);

    // The manual clock moves 1 ms per call: pushes stay apart with no minimum interval.
    let (emulator, clock) = common::emulator_frozen(|c| {
        // Request shapes only: no accounts or messages to set up for the docs' samples.
        c.conformance_only()
            .push_min_interval(Duration::ZERO)
            .daily_push_quota(100_000)
            .per_second_limit(100_000)
    });
    let client = common::builder(&emulator)
        .rate_limiting(false)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("client builds");

    let typed_of = |ep: &spec::Endpoint| -> &Typed {
        table
            .0
            .iter()
            .find(|t| t.endpoint.service == ep.service && t.endpoint.command == ep.command)
            .unwrap_or_else(|| panic!("{} is not visited by visit_requests", ep.path()))
    };
    let endpoint = |command: &str| -> &spec::Endpoint {
        spec.endpoints
            .iter()
            .find(|e| e.command == command)
            .unwrap_or_else(|| panic!("no endpoint {command} in the spec"))
    };

    let set_names = typed_of(endpoint("im_set_attr_name"));
    assert_eq!((set_names.check)(&attr_names()).expect("decodes"), Ok(()));
    client
        .send_json(set_names.endpoint, &attr_names())
        .expect("attribute names registered");

    let mut run = Run {
        emulator: &emulator,
        clock: &clock,
        client: &client,
        failures: Vec::new(),
        exercised: BTreeSet::new(),
        mutations: 0,
        bases: 0,
    };
    let mut bases: Vec<(&spec::Endpoint, String, Value)> = Vec::new();
    for ep in &spec.endpoints {
        for sample in &ep.samples {
            if let Some(request) = &sample.request {
                bases.push((ep, sample.name.clone(), request.clone()));
            }
        }
    }
    for (command, name, body) in extra_bases() {
        bases.push((endpoint(command), format!("extra {name}"), body));
    }
    for (ep, name, body) in &bases {
        run.base(&schema, ep, typed_of(ep), name, body);
    }

    let in_spec = spec_keys(spec);
    for key in in_spec.difference(&run.exercised) {
        run.failures.push(format!(
            "{key}: never exercised: no sample or extra base request carries the field (add one to extra_bases)"
        ));
    }
    for key in run.exercised.difference(&in_spec) {
        run.failures
            .push(format!("{key}: exercised but not in the spec"));
    }
    let rules = in_spec.iter().filter(|k| k.contains(RULE_MARK)).count();
    let outcome = Outcome {
        failures: run.failures,
        limits: in_spec.len() - rules,
        rules,
        bases: run.bases,
        mutations: run.mutations,
    };
    emulator.stop();
    outcome
}

fn load_spec() -> spec::Spec {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    spec::Spec::load(&root).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn every_limit_and_rule_of_the_spec_is_enforced_by_the_client_and_the_emulator() {
    let started = Instant::now();
    let outcome = exercise(&load_spec());
    eprintln!(
        "{} limits and {} rules in the spec; {} base requests, {} mutations, {:?}",
        outcome.limits,
        outcome.rules,
        outcome.bases,
        outcome.mutations,
        started.elapsed()
    );
    assert!(outcome.limits > 0 && outcome.mutations > outcome.limits);
    assert!(
        outcome.failures.is_empty(),
        "{} failures:\n{}",
        outcome.failures.len(),
        outcome.failures.join("\n")
    );
}

/// The field `json` of the struct `name` in `spec`.
fn struct_field<'s>(spec: &'s mut spec::Spec, name: &str, json: &str) -> &'s mut Field {
    let (common, services) = (&mut spec.types, &mut spec.services);
    common
        .iter_mut()
        .chain(services.iter_mut().flat_map(|s| s.types.iter_mut()))
        .find_map(|t| match t {
            TypeDef::Struct(s) if s.name == name => s.fields.iter_mut().find(|f| f.json == json),
            _ => None,
        })
        .unwrap_or_else(|| panic!("{name}.{json} is not in the spec"))
}

/// The harness itself: a spec that says more than the code enforces, or another code, or a
/// limit no base request reaches, must each fail, naming the limit.
#[test]
fn a_spec_the_code_does_not_match_is_reported_by_name() {
    let mut spec = load_spec();
    // A limit the generated code knows nothing about.
    struct_field(&mut spec, "UserTagsToAdd", "Tags")
        .limits
        .push(Limit {
            kind: LimitKind::UniqueItems,
            error: Some(90020),
        });
    // A code differing from the one the generated code answers.
    for l in &mut struct_field(&mut spec, "UserTags", "Tags").limits {
        if matches!(l.kind, LimitKind::ItemMaxBytes { .. }) {
            l.error = Some(90020);
        }
    }
    // A limit on a field no sample or extra base request carries (pick another one if a
    // sample starts carrying it).
    struct_field(&mut spec, "RelayElem", "CompatibleText")
        .limits
        .push(Limit {
            kind: LimitKind::MaxBytes { value: 10 },
            error: None,
        });
    let failures = exercise(&spec).failures;
    let about = |key: &str, what: &str| {
        failures
            .iter()
            .any(|f| f.contains(&format!("[{key}]")) && f.contains(what))
            || failures
                .iter()
                .any(|f| f.starts_with(key) && f.contains(what))
    };
    assert!(
        about("UserTagsToAdd.Tags: unique_items", "validate() accepts it"),
        "{failures:#?}"
    );
    assert!(
        about(
            "UserTags.Tags: item_max_bytes",
            "code None, expected Some(90020)"
        ),
        "{failures:#?}"
    );
    assert!(
        about(
            "UserTags.Tags: item_max_bytes",
            "the emulator answered 90001"
        ),
        "{failures:#?}"
    );
    assert!(
        about("RelayElem.CompatibleText: max_bytes", "never exercised"),
        "{failures:#?}"
    );
    // Nothing else is reported: the unchanged limits still pass.
    assert!(
        failures
            .iter()
            .all(|f| f.contains("UserTagsToAdd.Tags: unique_items")
                || f.contains("UserTags.Tags: item_max_bytes")
                || f.contains("RelayElem.CompatibleText: max_bytes")),
        "{failures:#?}"
    );
}
