//! The OpenAPI 3.1 export of the spec: [`openapi`] turns `spec/` into `openapi/openapi.json`
//! (written by `cargo xtask openapi`, checked by `cargo xtask openapi --check` and by a test).
//!
//! What the document holds:
//!
//! - `servers`: one per documented region, plus a templated `{scheme}://{host}` entry for
//!   custom hosts (unlisted regions, proxies, the emulator on loopback).
//! - `components/parameters`: the five query parameters of every call; `contenttype` is an
//!   `enum` of its fixed value, the integer ones carry their type's range.
//! - `paths`: one `POST` per endpoint (`operationId` = the `Client` method name) with the
//!   request body schema, a `200` answer with the envelope plus the response schema, the
//!   spec's samples as `examples`, and the extensions `x-error-codes` (every code the page
//!   documents, with name, description and retry class), `x-rate-limit`, `x-retry`,
//!   `x-idempotency-key`, `x-batch` and `x-assumptions`.
//! - `webhooks`: one `POST` per callback command of `spec/callbacks/` (the request the
//!   service sends to the app's server; `operationId` = the command), with the callback
//!   query parameters, the payload, the app's answer, the page's samples as `examples`, and
//!   `x-callback-kind`, `x-timeout-ms`, `x-triggers`, `x-verdicts`, `x-custom-codes` and
//!   `x-assumptions`.
//! - `components/schemas`: every named type, every `{Method}Request` / `{Method}Response`,
//!   the `Envelope`, and `ErrorCode` (every code of `errors.json` as a `const` with its name
//!   and description); for callbacks, `callbacks.AnswerEnvelope` and, per family,
//!   `callbacks.{module}.{Type}`, each command's payload and answer. Unions become `oneOf`,
//!   one object per variant with a `const` tag. What the pages do not state is in
//!   `x-assumed` (a field or type) and `x-assumptions` (an operation).
//!
//! Limits map to JSON Schema keywords: `maxItems`/`minItems` (`maxProperties`/
//! `minProperties` for maps), `uniqueItems`, `maximum`/`minimum`, `enum`, and
//! `propertyNames` for map keys. Byte limits cannot map exactly: JSON Schema's
//! `maxLength`/`minLength` count characters, the service counts UTF-8 bytes. Each byte limit
//! is therefore written twice, next to each other: exactly, as the extensions
//! `x-max-bytes`/`x-min-bytes`, and as the character bound every valid string meets
//! (`maxLength` = the byte maximum, since a character is at least one byte; `minLength` = the
//! byte minimum divided by 4, rounded up, since a character is at most four bytes). So a
//! standard validator never rejects a valid string, and catches every ASCII violation; only
//! a tool that reads the extensions checks multi-byte strings exactly. Each field with limits
//! also lists the spec's limits verbatim, error codes included, in `x-limits`; cross-field
//! rules are in `x-rules` (an `exclusive` rule is also expressed as a `not` schema).
//!
//! The document is built as an ordered tree and pretty-printed, so the output is
//! byte-identical for the same spec whatever `serde_json` features the build enables;
//! objects keep the spec's order (fields in wire order), and sample values, whose key order
//! the spec does not fix, are written with sorted keys.

// The parts of the document: `components` (parameters, the envelope, `ErrorCode`, every
// schema), `schema` (fields, types and limits as JSON Schema), `paths` (one operation per
// endpoint), `webhooks` (one per callback command, with their schemas) and `json` (the
// ordered JSON tree and its printer); the top level is here.
mod components;
mod json;
mod paths;
mod schema;
mod webhooks;

use crate::{CodegenError, GeneratedFile};
use components::components;
use json::J;
use paths::operation;
use tim_spec::Spec;

/// Where the document goes, relative to the workspace root.
pub const OPENAPI_PATH: &str = "openapi/openapi.json";

/// The OpenAPI version the document follows.
pub const OPENAPI_VERSION: &str = "3.1.0";

/// The media type of every request and answer.
const JSON_MEDIA: &str = "application/json";

/// Builds the OpenAPI 3.1 document for `spec`, as the file [`OPENAPI_PATH`]: pretty-printed
/// JSON with `\n` line endings and a final newline.
///
/// # Errors
///
/// The same [`CodegenError`]s as [`crate::generate`] (the spec is checked the same way), and
/// [`CodegenError::BadFieldReference`] when `service.json`'s `url` is not of the form
/// `scheme://{domain}/v4/{service}/{command}`.
///
/// # Example
///
/// ```
/// let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec");
/// let spec = tim_spec::Spec::load(&root).unwrap();
/// let file = tim_codegen::openapi::openapi(&spec).unwrap();
/// assert_eq!(file.path, "openapi/openapi.json");
/// let doc: serde_json::Value = serde_json::from_str(&file.contents).unwrap();
/// assert_eq!(doc["openapi"], "3.1.0");
/// assert_eq!(doc["paths"]["/v4/all_member_push/im_get_tag"]["post"]["operationId"], "get_tag");
/// ```
pub fn openapi(spec: &Spec) -> Result<GeneratedFile, CodegenError> {
    // The same one authority as the code generator: tim-spec's checks.
    let problems = tim_spec::validate::validate(spec);
    if !problems.is_empty() {
        return Err(CodegenError::InvalidSpec(problems));
    }
    let doc = document(spec)?;
    let mut contents = String::new();
    doc.write_pretty(&mut contents, 0);
    contents.push('\n');
    Ok(GeneratedFile {
        path: OPENAPI_PATH.to_owned(),
        contents,
    })
}

fn document(spec: &Spec) -> Result<J, CodegenError> {
    let base = server_template(spec)?;
    let mut paths = J::obj();
    for ep in &spec.endpoints {
        paths.set(
            format!("/{}", ep.path()),
            J::obj().with("post", operation(spec, ep)?),
        );
    }
    Ok(J::obj()
        .with("openapi", OPENAPI_VERSION)
        .with(
            "x-generated",
            "by `cargo xtask openapi` from spec/; do not edit",
        )
        .with("info", info(spec))
        .with("servers", servers(spec, &base))
        .with("paths", paths)
        .with("webhooks", webhooks::webhooks(spec)?)
        .with("components", components(spec)?))
}

fn info(spec: &Spec) -> J {
    let description = format!(
        "{}\n\n\
         ## About this document\n\n\
         Generated from the SDK's spec (`spec/` in the repository) by `cargo xtask openapi`.\n\n\
         - Every call is a `POST` with the five query parameters and a JSON body; every answer \
         is HTTP 200 with the envelope (`ActionStatus`, `ErrorCode`, `ErrorInfo`), failures \
         included.\n\
         - Servers: the documented regions, plus `{{scheme}}://{{host}}` for a custom host (an \
         unlisted region, a proxy, or the SDK's emulator, which speaks plain HTTP on \
         loopback).\n\
         - Byte limits: the service counts UTF-8 bytes, JSON Schema's `maxLength`/`minLength` \
         count characters. The exact limit is in `x-max-bytes`/`x-min-bytes`; next to it, \
         `maxLength` (= the byte maximum) and `minLength` (= the byte minimum / 4, rounded up) \
         are bounds every valid string meets, exact for ASCII.\n\
         - Extensions: `x-error-codes` (per operation: the documented codes), `x-rate-limit`, \
         `x-retry` (`safe`, `idempotency_key`, `never`), `x-idempotency-key`, `x-batch` (the \
         account list bulk helpers split), `x-limits` (a field's limits with their error \
         codes), `x-rules` (cross-field rules), `x-max-bytes`, `x-min-bytes`, `x-retry-class` \
         (per error code), `x-assumptions` (per operation) and `x-assumed` (a field or type: \
         what the official pages do not state, which the SDK assumed), `x-lenient` (an \
         integer also sent as a string of digits).\n\
         - Webhooks: the callbacks the service sends to the app's server (third-party \
         callbacks), one per command, with `x-callback-kind` (`before`: the answer decides; \
         `after`), `x-timeout-ms`, `x-triggers` (the REST endpoints that fire it), \
         `x-verdicts` and `x-custom-codes` (the answer's documented `ErrorCode`s).",
        spec.api.doc
    );
    J::obj()
        .with("title", spec.api.name.as_str())
        .with("version", env!("CARGO_PKG_VERSION"))
        .with("description", description)
}

/// `https://{domain}` from `https://{domain}/v4/{service}/{command}`.
fn server_template(spec: &Spec) -> Result<String, CodegenError> {
    let url = &spec.api.url;
    match url.strip_suffix("/v4/{service}/{command}") {
        Some(base) if base.ends_with("://{domain}") => Ok(base.to_owned()),
        _ => Err(CodegenError::BadFieldReference {
            location: "service.json: url".to_owned(),
            message: format!(
                "`{url}` must be `scheme://{{domain}}/v4/{{service}}/{{command}}` to become OpenAPI servers and paths"
            ),
        }),
    }
}

fn servers(spec: &Spec, base: &str) -> J {
    let mut out: Vec<J> = spec
        .api
        .regions
        .iter()
        .map(|r| {
            J::obj()
                .with("url", base.replace("{domain}", &r.domain))
                .with("description", format!("{} (`{}`). {}", r.name, r.id, r.doc))
        })
        .collect();
    // The standby domains, after every main one.
    for r in &spec.api.regions {
        if let Some(standby) = &r.standby_domain {
            out.push(
                J::obj()
                    .with("url", base.replace("{domain}", standby))
                    .with(
                        "description",
                        format!("{} (`{}`), standby domain.", r.name, r.id),
                    ),
            );
        }
    }
    let default_host = spec
        .api
        .regions
        .first()
        .map_or_else(|| "localhost".to_owned(), |r| r.domain.clone());
    out.push(
        J::obj()
            .with("url", "{scheme}://{host}")
            .with(
                "description",
                "A custom host: a region the docs do not list, a proxy, or the SDK's emulator \
                 (`tim emulator serve`, plain HTTP on loopback). Paths and parameters are the same.",
            )
            .with(
                "variables",
                J::obj()
                    .with(
                        "scheme",
                        J::obj()
                            .with("enum", J::Arr(vec!["https".into(), "http".into()]))
                            .with("default", "https"),
                    )
                    .with(
                        "host",
                        J::obj().with("default", default_host).with(
                            "description",
                            "Host name, with `:port` when not the scheme's default.",
                        ),
                    ),
            ),
    );
    J::Arr(out)
}
