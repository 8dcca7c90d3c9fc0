//! `paths` of the document: one `POST` operation per endpoint, with its request body, its
//! `200` answer, the spec's samples as `examples`, and the extensions `x-assumptions`, `x-error-codes`,
//! `x-rate-limit`, `x-retry`, `x-idempotency-key` and `x-batch`.

use super::JSON_MEDIA;
use super::components::retry_class;
use super::json::J;
use super::schema::{Scope, field_schema, schema_ref};
use crate::CodegenError;
use serde_json::Value;
use tim_spec::{Assumption, Endpoint, Field, RetrySafety, Sample, Spec};

pub(super) fn operation(spec: &Spec, ep: &Endpoint) -> Result<J, CodegenError> {
    let scope = Scope::service(spec.service_of(ep));
    let mut parameters: Vec<J> = spec
        .api
        .query
        .iter()
        .map(|q| J::obj().with("$ref", format!("#/components/parameters/{}", q.name)))
        .collect();
    // The endpoint's own query parameters, after the API-wide ones.
    for (i, q) in ep.query.iter().enumerate() {
        let location = format!("{}: query[{i}] ({})", ep.file(), q.json);
        parameters.push(query_parameter(scope, q, &location)?);
    }
    let mut request_media = J::obj().with("schema", schema_ref(&scope.own(&ep.request_type())));
    if let Some(ex) = examples(&ep.samples, |s| s.request.as_ref()) {
        request_media.set("examples", ex);
    }
    let mut response_media = J::obj().with("schema", schema_ref(&scope.own(&ep.response_type())));
    if let Some(ex) = examples(&ep.samples, |s| s.response.as_ref()) {
        response_media.set("examples", ex);
    }
    let mut errors = Vec::new();
    for code in &ep.errors {
        let def = spec
            .error(*code)
            .ok_or_else(|| CodegenError::BadFieldReference {
                location: format!("{}: errors", ep.file()),
                message: format!("error code {code} is not defined in errors.json"),
            })?;
        errors.push(
            J::obj()
                .with("code", def.code)
                .with("name", def.name.as_str())
                .with("description", def.description.as_str())
                .with("retry", retry_class(def.retry)),
        );
    }
    let mut op = post(
        Heading {
            id: &ep.method,
            summary: &ep.title,
            description: &ep.doc,
            tag: &ep.service,
            doc_url: &ep.doc_url,
        },
        parameters,
        request_media,
        "The answer, failures included: `ActionStatus` is `OK` or `FAIL`, `ErrorCode` 0 or a \
         code from `x-error-codes` (or a service-wide one).",
        response_media,
    )
    .with("x-error-codes", J::Arr(errors))
    .with("x-rate-limit", rate_limit(ep))
    .with(
        "x-retry",
        match ep.retry {
            RetrySafety::Safe => "safe",
            RetrySafety::IdempotencyKey => "idempotency_key",
            RetrySafety::Never => "never",
        },
    );
    if let Some(key) = &ep.idempotency_key {
        op.set("x-idempotency-key", key.as_str());
    }
    if let Some(batch) = &ep.batch {
        let mut b = J::obj().with("field", batch.field.as_str());
        if let Some(account) = &batch.account {
            b.set("account", account.as_str());
        }
        op.set("x-batch", b);
    }
    set_assumptions(&mut op, &ep.assumptions);
    Ok(op)
}

/// A query parameter declared as a field (`location` names it in errors).
pub(super) fn query_parameter(
    scope: Scope<'_>,
    q: &Field,
    location: &str,
) -> Result<J, CodegenError> {
    Ok(J::obj()
        .with("name", q.json.as_str())
        .with("in", "query")
        .with("required", q.required)
        .with("description", q.doc.as_str())
        .with("schema", field_schema(scope, q, location)?))
}

/// What names and describes an operation.
pub(super) struct Heading<'a> {
    pub id: &'a str,
    pub summary: &'a str,
    pub description: &'a str,
    pub tag: &'a str,
    pub doc_url: &'a str,
}

/// A `POST` operation: its heading, query parameters, JSON body and `200` JSON answer.
pub(super) fn post(
    h: Heading<'_>,
    parameters: Vec<J>,
    request_media: J,
    response_description: &str,
    response_media: J,
) -> J {
    J::obj()
        .with("operationId", h.id)
        .with("summary", h.summary)
        .with("description", h.description)
        .with("tags", J::Arr(vec![h.tag.into()]))
        .with(
            "externalDocs",
            J::obj()
                .with("description", "Official documentation")
                .with("url", h.doc_url),
        )
        .with("parameters", J::Arr(parameters))
        .with(
            "requestBody",
            J::obj()
                .with("required", true)
                .with("content", J::obj().with(JSON_MEDIA, request_media)),
        )
        .with(
            "responses",
            J::obj().with(
                "200",
                J::obj()
                    .with("description", response_description)
                    .with("content", J::obj().with(JSON_MEDIA, response_media)),
            ),
        )
}

/// `x-assumptions`: what the page does not state (nothing when the list is empty).
pub(super) fn set_assumptions(op: &mut J, assumptions: &[Assumption]) {
    if !assumptions.is_empty() {
        let list = assumptions
            .iter()
            .map(|a| {
                J::obj()
                    .with("about", a.about.as_str())
                    .with("doc", a.doc.as_str())
            })
            .collect();
        op.set("x-assumptions", J::Arr(list));
    }
}

fn rate_limit(ep: &Endpoint) -> J {
    let r = &ep.rate_limit;
    let mut j = J::obj();
    for (key, value) in [
        ("per_second", r.per_second.map(i64::from)),
        ("min_interval_ms", r.min_interval_ms.map(i64::from)),
        ("per_day", r.per_day.map(i64::from)),
        ("error", r.error),
        ("per_day_error", r.per_day_error),
    ] {
        if let Some(v) = value {
            j.set(key, v);
        }
    }
    j
}

/// The samples that have the chosen part, as an OpenAPI `examples` map, or `None`.
fn examples(samples: &[Sample], part: impl Fn(&Sample) -> Option<&Value>) -> Option<J> {
    named_examples(samples.iter().map(|s| (s.name.as_str(), part(s))))
}

/// `examples` of a media type from `(name, value)` pairs (`None` when no pair has a value).
pub(super) fn named_examples<'v>(
    samples: impl Iterator<Item = (&'v str, Option<&'v Value>)>,
) -> Option<J> {
    let mut out = J::obj();
    for (name, value) in samples {
        if let Some(v) = value {
            out.set(
                name.to_owned(),
                J::obj()
                    .with("summary", sample_summary(name))
                    .with("value", J::from_value(v)),
            );
        }
    }
    match &out {
        J::Obj(entries) if entries.is_empty() => None,
        _ => Some(out),
    }
}

/// `tags_and` -> `Tags and` (from the official docs' samples).
fn sample_summary(name: &str) -> String {
    let words = name.replace('_', " ");
    let mut chars = words.chars();
    let first: String = chars
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default();
    format!("{first}{} (sample from the official docs)", chars.as_str())
}
