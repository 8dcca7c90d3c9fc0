//! `webhooks` of the document (OpenAPI 3.1): one `POST` per callback command of
//! `spec/callbacks/`, the request the service sends to the app's server, with its query
//! parameters, its payload, its answer, the page's samples as `examples`, and the extensions
//! `x-callback-kind`, `x-timeout-ms`, `x-triggers`, `x-verdicts`, `x-custom-codes` and
//! `x-assumptions`; and the components they name (`callbacks.AnswerEnvelope`, each family's
//! types, each command's payload and answer as `callbacks.{module}.{Name}` /
//! `callbacks.{module}.{Name}Answer`).

use super::components::named_type;
use super::json::J;
use super::paths::{Heading, named_examples, post, query_parameter, set_assumptions};
use super::schema::{Scope, object_schema, schema_ref};
use crate::CodegenError;
use tim_spec::{Callback, CallbackApi, CallbackKind, Spec};

/// The component of the answer envelope every callback answer carries.
const ENVELOPE: &str = "callbacks.AnswerEnvelope";

/// The `webhooks` object (empty when the spec has no callbacks).
pub(super) fn webhooks(spec: &Spec) -> Result<J, CodegenError> {
    let mut out = J::obj();
    let Some(api) = &spec.callback_api else {
        return Ok(out);
    };
    for c in &spec.callbacks {
        out.set(
            c.command.clone(),
            J::obj().with("post", operation(spec, api, c)?),
        );
    }
    Ok(out)
}

fn operation(spec: &Spec, api: &CallbackApi, c: &Callback) -> Result<J, CodegenError> {
    let scope = scope_of(spec, c)?;
    let mut parameters = Vec::new();
    for (i, q) in api.query.iter().enumerate() {
        let location = format!("callbacks/callbacks.json: query[{i}] ({})", q.json);
        parameters.push(query_parameter(Scope::common(), q, &location)?);
    }
    let mut payload = J::obj().with("schema", schema_ref(&scope.own(&c.payload_type())));
    if let Some(ex) = named_examples(
        c.samples
            .iter()
            .map(|s| (s.name.as_str(), s.payload.as_ref())),
    ) {
        payload.set("examples", ex);
    }
    let mut answer = J::obj().with("schema", schema_ref(&scope.own(&c.answer_type())));
    if let Some(ex) = named_examples(
        c.samples
            .iter()
            .map(|s| (s.name.as_str(), s.answer.as_ref())),
    ) {
        answer.set("examples", ex);
    }
    let timeout = c.timeout_ms.unwrap_or(api.timeout_ms);
    let tag = format!("callbacks.{}", c.prefix);
    let mut op = post(
        Heading {
            id: &c.command,
            summary: &c.title,
            description: &c.doc,
            tag: &tag,
            doc_url: &c.doc_url,
        },
        parameters,
        payload,
        match c.kind {
            CallbackKind::Before => {
                "The app's answer: its `ErrorCode` decides the event (`x-verdicts`, \
                 `x-custom-codes`)."
            }
            CallbackKind::After => {
                "The app's answer: the service ignores it (the event already happened)."
            }
        },
        answer,
    )
    .with(
        "x-callback-kind",
        match c.kind {
            CallbackKind::Before => "before",
            CallbackKind::After => "after",
        },
    )
    .with("x-timeout-ms", timeout);
    let mut triggers = J::obj().with("doc", c.triggers.doc.as_str());
    triggers.set(
        "rest",
        J::Arr(c.triggers.rest.iter().map(|r| r.as_str().into()).collect()),
    );
    op.set("x-triggers", triggers);
    if !c.verdicts.is_empty() {
        let list = c
            .verdicts
            .iter()
            .map(|v| {
                let mut j = J::obj()
                    .with("code", v.code)
                    .with("name", v.name.as_str())
                    .with("doc", v.doc.as_str());
                if let Some(e) = v.sender_error {
                    j.set("sender_error", e);
                }
                j
            })
            .collect();
        op.set("x-verdicts", J::Arr(list));
    }
    if let Some(r) = &c.custom_codes {
        op.set(
            "x-custom-codes",
            J::obj()
                .with("min", r.min)
                .with("max", r.max)
                .with("doc", r.doc.as_str()),
        );
    }
    set_assumptions(&mut op, &c.assumptions);
    Ok(op)
}

fn scope_of<'s>(spec: &'s Spec, c: &Callback) -> Result<Scope<'s>, CodegenError> {
    spec.callback_family(&c.prefix)
        .map(Scope::family)
        .ok_or_else(|| CodegenError::BadFieldReference {
            location: c.file(),
            message: format!(
                "no family `{}` (callbacks/{}/family.json)",
                c.prefix, c.prefix
            ),
        })
}

/// Adds the callbacks' schemas to `schemas`: the answer envelope, every family's own types,
/// and each command's payload and answer.
pub(super) fn components(spec: &Spec, schemas: &mut J) -> Result<(), CodegenError> {
    let Some(api) = &spec.callback_api else {
        return Ok(());
    };
    schemas.set(
        ENVELOPE,
        object_schema(
            Scope::common(),
            "callbacks/callbacks.json: answer",
            "The fields every answer to a callback carries.",
            &api.answer,
            &[],
        )?,
    );
    for f in &spec.callback_families {
        let scope = Scope::family(f);
        for t in &f.types {
            schemas.set(scope.name(t.name()), named_type(scope, t, &f.file())?);
        }
    }
    for c in &spec.callbacks {
        let scope = scope_of(spec, c)?;
        let file = c.file();
        schemas.set(
            scope.own(&c.payload_type()),
            object_schema(
                scope,
                &format!("{file}: payload"),
                &format!("`{}`: the body the service sends.", c.command),
                &c.payload.fields,
                &c.payload.rules,
            )?,
        );
        let answer = if c.answer.fields.is_empty() {
            schema_ref(ENVELOPE)
        } else {
            J::obj().with(
                "allOf",
                J::Arr(vec![
                    schema_ref(ENVELOPE),
                    object_schema(
                        scope,
                        &format!("{file}: answer"),
                        "The fields the answer adds to the envelope.",
                        &c.answer.fields,
                        &c.answer.rules,
                    )?,
                ]),
            )
        };
        schemas.set(
            scope.own(&c.answer_type()),
            J::obj()
                .with("description", format!("`{}`: the app's answer.", c.command))
                .with("allOf", J::Arr(vec![answer])),
        );
    }
    Ok(())
}
