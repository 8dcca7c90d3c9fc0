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
//!   `x-idempotency-key` and `x-batch`.
//! - `components/schemas`: every named type, every `{Method}Request` / `{Method}Response`,
//!   the `Envelope`, and `ErrorCode` (every code of `errors.json` as a `const` with its name
//!   and description). Unions become `oneOf`, one object per variant with a `const` tag.
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

use crate::{CodegenError, GeneratedFile, emit};
use serde_json::{Number, Value};
use tim_spec::{
    Endpoint, ErrorCodeDef, Field, Limit, LimitKind, QueryParam, RetryClass, RetrySafety, Rule,
    Sample, Spec, TypeDef, TypeRef,
};

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
    // Same checks as the code generator: names, references, limits against types, rules.
    emit::Context::new(spec)?;
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
         (per error code).",
        spec.service.doc
    );
    J::obj()
        .with("title", spec.service.name.as_str())
        .with("version", env!("CARGO_PKG_VERSION"))
        .with("description", description)
}

/// `https://{domain}` from `https://{domain}/v4/{service}/{command}`.
fn server_template(spec: &Spec) -> Result<String, CodegenError> {
    let url = &spec.service.url;
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
        .service
        .regions
        .iter()
        .map(|r| {
            J::obj()
                .with("url", base.replace("{domain}", &r.domain))
                .with("description", format!("{} (`{}`). {}", r.name, r.id, r.doc))
        })
        .collect();
    let default_host = spec
        .service
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

fn components(spec: &Spec) -> Result<J, CodegenError> {
    let mut parameters = J::obj();
    for q in &spec.service.query {
        parameters.set(q.name.clone(), query_parameter(q)?);
    }
    let mut schemas = J::obj();
    schemas.set("Envelope", envelope(spec)?);
    schemas.set("ErrorCode", error_code_schema(&spec.errors));
    for t in &spec.types {
        let schema = match t {
            TypeDef::Struct(s) => object_schema(
                &format!("types.json: {}", s.name),
                &s.doc,
                &s.fields,
                &s.rules,
            )?,
            TypeDef::Union(u) => {
                let variants = u
                    .variants
                    .iter()
                    .map(|v| {
                        J::obj()
                            .with("title", v.name.as_str())
                            .with("description", v.doc.as_str())
                            .with("type", "object")
                            .with(
                                "properties",
                                J::obj()
                                    .with(u.tag.as_str(), J::obj().with("const", v.tag.as_str()))
                                    .with(u.content.as_str(), schema_ref(&v.ty)),
                            )
                            .with(
                                "required",
                                J::Arr(vec![u.tag.as_str().into(), u.content.as_str().into()]),
                            )
                    })
                    .collect();
                J::obj()
                    .with("description", u.doc.as_str())
                    .with("type", "object")
                    .with("oneOf", J::Arr(variants))
            }
        };
        schemas.set(t.name().to_owned(), schema);
    }
    for ep in &spec.endpoints {
        let file = ep.file();
        let request = object_schema(
            &format!("{file}: request"),
            &format!("{}: the request body.", ep.title),
            &ep.request.fields,
            &ep.request.rules,
        )?;
        schemas.set(ep.request_type(), request);
        let mut parts = vec![schema_ref("Envelope")];
        if !ep.response.fields.is_empty() {
            parts.push(object_schema(
                &format!("{file}: response"),
                "The fields after the envelope. Absent on failure.",
                &ep.response.fields,
                &ep.response.rules,
            )?);
        }
        schemas.set(
            ep.response_type(),
            J::obj()
                .with(
                    "description",
                    format!(
                        "{}: the response body (the envelope, then the endpoint's fields).",
                        ep.title
                    ),
                )
                .with("allOf", J::Arr(parts)),
        );
    }
    Ok(J::obj()
        .with("parameters", parameters)
        .with("schemas", schemas))
}

fn query_parameter(q: &QueryParam) -> Result<J, CodegenError> {
    let location = format!("service.json: query ({})", q.name);
    let mut schema = type_schema(&q.ty);
    if let Some(v) = &q.value {
        let fixed = match &q.ty {
            TypeRef::String => Some(J::from(v.as_str())),
            TypeRef::Bool => v.parse::<bool>().ok().map(J::from),
            t if t.is_integer() => v
                .parse::<i64>()
                .ok()
                .map(J::from)
                .or_else(|| v.parse::<u64>().ok().map(J::from)),
            _ => None,
        };
        let fixed = fixed.ok_or_else(|| CodegenError::BadFieldReference {
            location,
            message: format!("fixed value `{v}` is not a `{}`", q.ty),
        })?;
        schema.set("enum", J::Arr(vec![fixed]));
    }
    let mut description = q.doc.clone();
    if let Some(code) = q.error {
        description.push_str(&format!(
            " Missing or malformed: error {code} (unless a more specific code is given above)."
        ));
    }
    Ok(J::obj()
        .with("name", q.name.as_str())
        .with("in", "query")
        .with("required", true)
        .with("description", description)
        .with("schema", schema))
}

fn envelope(spec: &Spec) -> Result<J, CodegenError> {
    object_schema(
        "service.json: envelope",
        "The fields every answer carries, failures included (HTTP 200 either way). \
         `ErrorCode` values are listed in `#/components/schemas/ErrorCode`; other values may \
         appear.",
        &spec.service.envelope,
        &[],
    )
}

fn error_code_schema(errors: &[ErrorCodeDef]) -> J {
    let codes = errors
        .iter()
        .map(|e| {
            let mut description = e.description.clone();
            if let Some(h) = &e.hint {
                description.push(' ');
                description.push_str(h);
            }
            J::obj()
                .with("const", e.code)
                .with("title", e.name.as_str())
                .with("description", description)
                .with("x-retry-class", retry_class(e.retry))
        })
        .collect();
    J::obj()
        .with(
            "description",
            "Every documented error code (`ErrorCode` of a failed answer), with its name in the \
             SDK, its description and its retry class (`retry`: transient, back off and retry; \
             `renew_usersig`: mint a new UserSig and retry once; `never`).",
        )
        .with("type", "integer")
        .with("oneOf", J::Arr(codes))
}

fn retry_class(r: RetryClass) -> &'static str {
    match r {
        RetryClass::Retry => "retry",
        RetryClass::RenewUsersig => "renew_usersig",
        RetryClass::Never => "never",
    }
}

fn schema_ref(name: &str) -> J {
    J::obj().with("$ref", format!("#/components/schemas/{name}"))
}

fn object_schema(
    location: &str,
    doc: &str,
    fields: &[Field],
    rules: &[Rule],
) -> Result<J, CodegenError> {
    let mut properties = J::obj();
    let mut required = Vec::new();
    for (i, f) in fields.iter().enumerate() {
        let loc = format!("{location}.fields[{i}] ({})", f.json);
        properties.set(f.json.clone(), field_schema(f, &loc)?);
        if f.required {
            required.push(J::from(f.json.as_str()));
        }
    }
    let mut schema = J::obj()
        .with("description", doc)
        .with("type", "object")
        .with("properties", properties);
    if !required.is_empty() {
        schema.set("required", J::Arr(required));
    }
    let exclusive: Vec<J> = rules
        .iter()
        .filter_map(|r| match r {
            Rule::Exclusive { groups, .. } => Some(exclusive_schema(groups)),
            Rule::Disjoint { .. } => None,
        })
        .collect();
    if !exclusive.is_empty() {
        schema.set("allOf", J::Arr(exclusive));
    }
    if !rules.is_empty() {
        schema.set("x-rules", J::Arr(rules.iter().map(rule_json).collect()));
    }
    Ok(schema)
}

/// At most one group has a field present: no two groups both have one.
fn exclusive_schema(groups: &[Vec<String>]) -> J {
    let any_of = |g: &Vec<String>| {
        J::obj().with(
            "anyOf",
            J::Arr(
                g.iter()
                    .map(|f| J::obj().with("required", J::Arr(vec![f.as_str().into()])))
                    .collect(),
            ),
        )
    };
    let mut pairs = Vec::new();
    for (i, a) in groups.iter().enumerate() {
        for b in &groups[i + 1..] {
            pairs.push(J::obj().with("allOf", J::Arr(vec![any_of(a), any_of(b)])));
        }
    }
    J::obj().with("not", J::obj().with("anyOf", J::Arr(pairs)))
}

fn rule_json(rule: &Rule) -> J {
    let names = |v: &[String]| J::Arr(v.iter().map(|s| s.as_str().into()).collect());
    let (kind, key, value, error) = match rule {
        Rule::Exclusive { groups, error } => (
            "exclusive",
            "groups",
            J::Arr(groups.iter().map(|g| names(g)).collect()),
            error,
        ),
        Rule::Disjoint { fields, error } => ("disjoint", "fields", names(fields), error),
    };
    let mut j = J::obj().with("kind", kind).with(key, value);
    if let Some(code) = error {
        j.set("error", *code);
    }
    j
}

fn field_schema(f: &Field, location: &str) -> Result<J, CodegenError> {
    let mut schema = type_schema(&f.ty);
    for (i, limit) in f.limits.iter().enumerate() {
        apply_limit(
            &mut schema,
            &f.ty,
            limit,
            &format!("{location}.limits[{i}]"),
        )?;
    }
    schema.set("description", f.doc.as_str());
    if !f.limits.is_empty() {
        schema.set(
            "x-limits",
            J::Arr(f.limits.iter().map(limit_json).collect()),
        );
    }
    Ok(schema)
}

/// The schema of a type, with the range of integer types.
fn type_schema(ty: &TypeRef) -> J {
    let int = |min: J, max: J| {
        J::obj()
            .with("type", "integer")
            .with("minimum", min)
            .with("maximum", max)
    };
    match ty {
        TypeRef::String => J::obj().with("type", "string"),
        TypeRef::Bool => J::obj().with("type", "boolean"),
        TypeRef::U8 => int(0.into(), u8::MAX.into()),
        TypeRef::U16 => int(0.into(), u16::MAX.into()),
        TypeRef::U32 => int(0.into(), u32::MAX.into()),
        TypeRef::U64 => int(0.into(), u64::MAX.into()),
        TypeRef::I32 => int(i32::MIN.into(), i32::MAX.into()),
        TypeRef::I64 => int(i64::MIN.into(), i64::MAX.into()),
        TypeRef::F64 => J::obj().with("type", "number"),
        TypeRef::Json => J::obj(),
        TypeRef::Array(t) => J::obj().with("type", "array").with("items", type_schema(t)),
        TypeRef::Map(t) => J::obj()
            .with("type", "object")
            .with("additionalProperties", type_schema(t)),
        TypeRef::Named(n) => schema_ref(n),
    }
}

fn apply_limit(
    schema: &mut J,
    ty: &TypeRef,
    limit: &Limit,
    location: &str,
) -> Result<(), CodegenError> {
    let unsupported = || CodegenError::UnsupportedLimit {
        location: location.to_owned(),
        limit: limit.kind.name(),
        ty: ty.to_string(),
    };
    let item_of = |ty: &TypeRef| match ty {
        TypeRef::Array(t) => Some(("items", (**t).clone())),
        TypeRef::Map(t) => Some(("additionalProperties", (**t).clone())),
        _ => None,
    };
    match &limit.kind {
        LimitKind::MaxItems { value } | LimitKind::MinItems { value } => {
            let max = matches!(limit.kind, LimitKind::MaxItems { .. });
            let key = match (ty, max) {
                (TypeRef::Array(_), true) => "maxItems",
                (TypeRef::Array(_), false) => "minItems",
                (TypeRef::Map(_), true) => "maxProperties",
                (TypeRef::Map(_), false) => "minProperties",
                _ => return Err(unsupported()),
            };
            schema.set(key, *value);
        }
        LimitKind::MaxBytes { value } | LimitKind::MinBytes { value } => {
            if *ty != TypeRef::String {
                return Err(unsupported());
            }
            set_bytes(schema, &limit.kind, *value);
        }
        LimitKind::ItemMaxBytes { value } | LimitKind::ItemMinBytes { value } => {
            match item_of(ty) {
                Some((key, TypeRef::String)) => {
                    let inner = schema.get_mut(key).ok_or_else(unsupported)?;
                    set_bytes(inner, &limit.kind, *value);
                }
                _ => return Err(unsupported()),
            }
        }
        LimitKind::KeyMaxBytes { value } | LimitKind::KeyMinBytes { value } => {
            if !matches!(ty, TypeRef::Map(_)) {
                return Err(unsupported());
            }
            set_bytes(property_names(schema), &limit.kind, *value);
        }
        LimitKind::AllowedKeys { values } => {
            if !matches!(ty, TypeRef::Map(_)) {
                return Err(unsupported());
            }
            let keys = J::Arr(values.iter().map(|v| v.as_str().into()).collect());
            property_names(schema).set("enum", keys);
        }
        LimitKind::UniqueItems => {
            if !matches!(ty, TypeRef::Array(_)) {
                return Err(unsupported());
            }
            schema.set("uniqueItems", true);
        }
        LimitKind::MaxValue { value } | LimitKind::MinValue { value } => {
            if !ty.is_integer() {
                return Err(unsupported());
            }
            let max = matches!(limit.kind, LimitKind::MaxValue { .. });
            // Narrow the type's range; never widen it.
            let key = if max { "maximum" } else { "minimum" };
            let current = schema.get_mut(key).and_then(|j| j.as_i128());
            let narrower = match current {
                Some(c) if max => i128::from(*value) < c,
                Some(c) => i128::from(*value) > c,
                None => true,
            };
            if narrower {
                schema.set(key, *value);
            }
        }
        LimitKind::AllowedValues { values } => {
            if !ty.is_integer() {
                return Err(unsupported());
            }
            schema.set("enum", J::Arr(values.iter().map(|v| J::from(*v)).collect()));
        }
        LimitKind::AllowedStrings { values } => {
            if *ty != TypeRef::String {
                return Err(unsupported());
            }
            let values = J::Arr(values.iter().map(|v| v.as_str().into()).collect());
            schema.set("enum", values);
        }
    }
    Ok(())
}

fn property_names(schema: &mut J) -> &mut J {
    match schema {
        J::Obj(entries) => {
            let i = match entries.iter().position(|(k, _)| k == "propertyNames") {
                Some(i) => i,
                None => {
                    entries.push(("propertyNames".to_owned(), J::obj()));
                    entries.len() - 1
                }
            };
            &mut entries[i].1
        }
        other => other,
    }
}

/// A byte limit on a string schema: exact as `x-max-bytes`/`x-min-bytes`, and as the
/// character bound every valid string meets (see the module docs).
fn set_bytes(schema: &mut J, kind: &LimitKind, bytes: u64) {
    if matches!(
        kind,
        LimitKind::MaxBytes { .. } | LimitKind::ItemMaxBytes { .. } | LimitKind::KeyMaxBytes { .. }
    ) {
        schema.set("maxLength", bytes);
        schema.set("x-max-bytes", bytes);
    } else {
        schema.set("minLength", bytes.div_ceil(4));
        schema.set("x-min-bytes", bytes);
    }
}

/// A limit as the spec writes it: `{"kind", "value"|"values", "error"}`.
fn limit_json(limit: &Limit) -> J {
    let mut j = J::obj().with("kind", limit.kind.name());
    match &limit.kind {
        LimitKind::MaxItems { value }
        | LimitKind::MinItems { value }
        | LimitKind::MaxBytes { value }
        | LimitKind::MinBytes { value }
        | LimitKind::ItemMaxBytes { value }
        | LimitKind::ItemMinBytes { value }
        | LimitKind::KeyMaxBytes { value }
        | LimitKind::KeyMinBytes { value } => j.set("value", *value),
        LimitKind::MaxValue { value } | LimitKind::MinValue { value } => j.set("value", *value),
        LimitKind::AllowedKeys { values } | LimitKind::AllowedStrings { values } => j.set(
            "values",
            J::Arr(values.iter().map(|v| v.as_str().into()).collect()),
        ),
        LimitKind::AllowedValues { values } => {
            j.set(
                "values",
                J::Arr(values.iter().map(|v| J::from(*v)).collect()),
            );
        }
        LimitKind::UniqueItems => {}
    }
    if let Some(code) = limit.error {
        j.set("error", code);
    }
    j
}

fn operation(spec: &Spec, ep: &Endpoint) -> Result<J, CodegenError> {
    let parameters = spec
        .service
        .query
        .iter()
        .map(|q| J::obj().with("$ref", format!("#/components/parameters/{}", q.name)))
        .collect();
    let mut request_media = J::obj().with("schema", schema_ref(&ep.request_type()));
    if let Some(ex) = examples(&ep.samples, |s| s.request.as_ref()) {
        request_media.set("examples", ex);
    }
    let mut response_media = J::obj().with("schema", schema_ref(&ep.response_type()));
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
    let mut op = J::obj()
        .with("operationId", ep.method.as_str())
        .with("summary", ep.title.as_str())
        .with("description", ep.doc.as_str())
        .with("tags", J::Arr(vec![ep.service.as_str().into()]))
        .with(
            "externalDocs",
            J::obj()
                .with("description", "Official documentation")
                .with("url", ep.doc_url.as_str()),
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
                    .with(
                        "description",
                        "The answer, failures included: `ActionStatus` is `OK` or `FAIL`, \
                         `ErrorCode` 0 or a code from `x-error-codes` (or a service-wide one).",
                    )
                    .with("content", J::obj().with(JSON_MEDIA, response_media)),
            ),
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
    Ok(op)
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
    let mut out = J::obj();
    for s in samples {
        if let Some(v) = part(s) {
            out.set(
                s.name.clone(),
                J::obj()
                    .with("summary", sample_summary(&s.name))
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

/// An ordered JSON value: objects keep insertion order, whatever `serde_json` features the
/// build enables, so the output only depends on the spec.
#[derive(Debug, Clone, PartialEq)]
enum J {
    Null,
    Bool(bool),
    Num(Number),
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

impl J {
    fn obj() -> J {
        J::Obj(Vec::new())
    }

    /// Sets `key`, replacing its value in place or appending it. No-op on non-objects
    /// (never called on them).
    fn set(&mut self, key: impl Into<String>, value: impl Into<J>) {
        if let J::Obj(entries) = self {
            let key = key.into();
            let value = value.into();
            match entries.iter_mut().find(|(k, _)| *k == key) {
                Some(slot) => slot.1 = value,
                None => entries.push((key, value)),
            }
        }
    }

    fn with(mut self, key: impl Into<String>, value: impl Into<J>) -> J {
        self.set(key, value);
        self
    }

    fn get_mut(&mut self, key: &str) -> Option<&mut J> {
        match self {
            J::Obj(entries) => entries.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn as_i128(&self) -> Option<i128> {
        match self {
            J::Num(n) => n
                .as_i64()
                .map(i128::from)
                .or_else(|| n.as_u64().map(i128::from)),
            _ => None,
        }
    }

    /// Converts a `serde_json` value, sorting object keys.
    fn from_value(v: &Value) -> J {
        match v {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Number(n) => J::Num(n.clone()),
            Value::String(s) => J::Str(s.clone()),
            Value::Array(a) => J::Arr(a.iter().map(J::from_value).collect()),
            Value::Object(m) => {
                let mut entries: Vec<(String, J)> = m
                    .iter()
                    .map(|(k, v)| (k.clone(), J::from_value(v)))
                    .collect();
                entries.sort_by(|a, b| a.0.cmp(&b.0));
                J::Obj(entries)
            }
        }
    }

    /// Pretty-prints like `serde_json::to_string_pretty`: two-space indent, `"key": value`.
    fn write_pretty(&self, out: &mut String, indent: usize) {
        let pad = |out: &mut String, n: usize| out.extend(std::iter::repeat_n("  ", n));
        match self {
            J::Null => out.push_str("null"),
            J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            J::Num(n) => out.push_str(&n.to_string()),
            J::Str(s) => write_str(out, s),
            J::Arr(items) if items.is_empty() => out.push_str("[]"),
            J::Obj(entries) if entries.is_empty() => out.push_str("{}"),
            J::Arr(items) => {
                out.push_str("[\n");
                for (i, item) in items.iter().enumerate() {
                    pad(out, indent + 1);
                    item.write_pretty(out, indent + 1);
                    out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
                }
                pad(out, indent);
                out.push(']');
            }
            J::Obj(entries) => {
                out.push_str("{\n");
                for (i, (k, v)) in entries.iter().enumerate() {
                    pad(out, indent + 1);
                    write_str(out, k);
                    out.push_str(": ");
                    v.write_pretty(out, indent + 1);
                    out.push_str(if i + 1 < entries.len() { ",\n" } else { "\n" });
                }
                pad(out, indent);
                out.push('}');
            }
        }
    }
}

fn write_str(out: &mut String, s: &str) {
    // Serializing a `&str` cannot fail.
    out.push_str(&Value::from(s).to_string());
}

impl From<&str> for J {
    fn from(s: &str) -> J {
        J::Str(s.to_owned())
    }
}

impl From<String> for J {
    fn from(s: String) -> J {
        J::Str(s)
    }
}

impl From<bool> for J {
    fn from(b: bool) -> J {
        J::Bool(b)
    }
}

macro_rules! from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for J {
            fn from(n: $t) -> J {
                J::Num(Number::from(n))
            }
        }
    )*};
}
from_int!(u8, u16, u32, u64, i32, i64);
