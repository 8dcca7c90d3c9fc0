//! `components` of the document: the query parameters, the `Envelope`, the `ErrorCode`
//! schema (every code with its name, description and retry class) and the schema of every
//! named type and every request and response.

use super::json::J;
use super::schema::{Scope, object_schema, schema_ref, type_schema};
use crate::CodegenError;
use tim_spec::{ErrorCodeDef, QueryParam, RetryClass, Spec, TypeDef, TypeRef};

pub(super) fn components(spec: &Spec) -> Result<J, CodegenError> {
    let mut parameters = J::obj();
    for q in &spec.api.query {
        parameters.set(q.name.clone(), query_parameter(q)?);
    }
    let mut schemas = J::obj();
    schemas.set("Envelope", envelope(spec)?);
    schemas.set("ErrorCode", error_code_schema(&spec.errors));
    for (service, t) in spec.all_types() {
        let scope = Scope::service(service);
        schemas.set(scope.name(t.name()), named_type(scope, t, "types.json")?);
    }
    super::webhooks::components(spec, &mut schemas)?;
    for ep in &spec.endpoints {
        let file = ep.file();
        let scope = Scope::service(spec.service_of(ep));
        let request = object_schema(
            scope,
            &format!("{file}: request"),
            &format!("{}: the request body.", ep.title),
            &ep.request.fields,
            &ep.request.rules,
        )?;
        schemas.set(scope.own(&ep.request_type()), request);
        let mut parts = vec![schema_ref("Envelope")];
        if !ep.response.fields.is_empty() {
            parts.push(object_schema(
                scope,
                &format!("{file}: response"),
                "The fields after the envelope. Absent on failure.",
                &ep.response.fields,
                &ep.response.rules,
            )?);
        }
        schemas.set(
            scope.own(&ep.response_type()),
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

/// The schema of a named type (`file` locates it in errors).
pub(super) fn named_type(scope: Scope<'_>, t: &TypeDef, file: &str) -> Result<J, CodegenError> {
    Ok(match t {
        TypeDef::Struct(s) => {
            let mut schema = object_schema(
                scope,
                &format!("{file}: {}", s.name),
                &s.doc,
                &s.fields,
                &s.rules,
            )?;
            if let Some(a) = &s.assumed {
                schema.set("x-assumed", a.as_str());
            }
            schema
        }
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
                                .with(u.content.as_str(), schema_ref(&scope.name(&v.ty))),
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
    })
}

fn query_parameter(q: &QueryParam) -> Result<J, CodegenError> {
    let location = format!("service.json: query ({})", q.name);
    let mut schema = type_schema(Scope::common(), &q.ty);
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
        Scope::common(),
        "service.json: envelope",
        "The fields every answer carries, failures included (HTTP 200 either way). \
         `ErrorCode` values are listed in `#/components/schemas/ErrorCode`; other values may \
         appear.",
        &spec.api.envelope,
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

pub(super) fn retry_class(r: RetryClass) -> &'static str {
    match r {
        RetryClass::Retry => "retry",
        RetryClass::RenewUsersig => "renew_usersig",
        RetryClass::Never => "never",
    }
}
