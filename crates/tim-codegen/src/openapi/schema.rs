//! Fields, types and limits as JSON Schema: object schemas with their rules (`x-rules`, an
//! `exclusive` rule also as a `not` schema), `$ref`s to named types, integer ranges, and
//! each limit as the JSON Schema keywords it maps to plus the exact `x-limits` and
//! `x-max-bytes`/`x-min-bytes` extensions.

use super::json::J;
use crate::CodegenError;
use tim_spec::{CallbackFamily, Field, Limit, LimitKind, Rule, ServiceDef, TypeDef, TypeRef};

/// Where a schema's named types resolve: a service's own types are named
/// `{module}.{Type}` (two services may each have a type of one name), a callback family's
/// `callbacks.{module}.{Type}`; the common ones and `Envelope`/`ErrorCode` stay unqualified.
#[derive(Clone, Copy)]
pub(super) struct Scope<'a> {
    /// The namespace (`""` for services, `"callbacks."`), the module, and its own types.
    owner: Option<(&'static str, &'a str, &'a [TypeDef])>,
}

impl<'a> Scope<'a> {
    /// The common types only.
    pub fn common() -> Scope<'static> {
        Scope { owner: None }
    }

    /// A service's types, then the common ones (`None`: the common ones only).
    pub fn service(s: Option<&'a ServiceDef>) -> Scope<'a> {
        Scope {
            owner: s.map(|s| ("", s.module(), s.types.as_slice())),
        }
    }

    /// A callback family's types, then the common ones.
    pub fn family(f: &'a CallbackFamily) -> Scope<'a> {
        Scope {
            owner: Some(("callbacks.", f.module.as_str(), f.types.as_slice())),
        }
    }

    /// The component name of the named type `ty` seen from this scope.
    pub fn name(&self, ty: &str) -> String {
        match self.owner {
            Some((ns, module, types)) if types.iter().any(|t| t.name() == ty) => {
                format!("{ns}{module}.{ty}")
            }
            _ => ty.to_owned(),
        }
    }

    /// The component name of a type generated for this scope's owner (`{Method}Request`).
    pub fn own(&self, ty: &str) -> String {
        match self.owner {
            Some((ns, module, _)) => format!("{ns}{module}.{ty}"),
            None => ty.to_owned(),
        }
    }
}

pub(super) fn schema_ref(name: &str) -> J {
    J::obj().with("$ref", format!("#/components/schemas/{name}"))
}

pub(super) fn object_schema(
    scope: Scope<'_>,
    location: &str,
    doc: &str,
    fields: &[Field],
    rules: &[Rule],
) -> Result<J, CodegenError> {
    let mut properties = J::obj();
    let mut required = Vec::new();
    for (i, f) in fields.iter().enumerate() {
        let loc = format!("{location}.fields[{i}] ({})", f.json);
        properties.set(f.json.clone(), field_schema(scope, f, &loc)?);
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
            Rule::AtLeastOne { fields, .. } => Some(
                J::obj().with(
                    "anyOf",
                    J::Arr(
                        fields
                            .iter()
                            .map(|f| J::obj().with("required", J::Arr(vec![f.as_str().into()])))
                            .collect(),
                    ),
                ),
            ),
            Rule::Requires { when, then, .. } => {
                let mut cond = J::obj().with("required", J::Arr(vec![when.field.as_str().into()]));
                if let Some(values) = &when.values {
                    cond.set(
                        "properties",
                        J::obj().with(
                            when.field.as_str(),
                            J::obj()
                                .with("enum", J::Arr(values.iter().map(|v| J::from(*v)).collect())),
                        ),
                    );
                }
                Some(J::obj().with("if", cond).with(
                    "then",
                    J::obj().with(
                        "required",
                        J::Arr(then.iter().map(|f| f.as_str().into()).collect()),
                    ),
                ))
            }
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
        Rule::AtLeastOne { fields, error } => ("at_least_one", "fields", names(fields), error),
        Rule::Requires { when, then, error } => {
            let mut cond = J::obj().with("field", when.field.as_str());
            if let Some(values) = &when.values {
                cond.set(
                    "values",
                    J::Arr(values.iter().map(|v| J::from(*v)).collect()),
                );
            }
            let mut j = J::obj()
                .with("kind", "requires")
                .with("if", cond)
                .with("then", names(then));
            if let Some(code) = error {
                j.set("error", *code);
            }
            return j;
        }
    };
    let mut j = J::obj().with("kind", kind).with(key, value);
    if let Some(code) = error {
        j.set("error", *code);
    }
    j
}

pub(super) fn field_schema(scope: Scope<'_>, f: &Field, location: &str) -> Result<J, CodegenError> {
    let mut schema = type_schema(scope, &f.ty);
    for (i, limit) in f.limits.iter().enumerate() {
        apply_limit(
            &mut schema,
            &f.ty,
            limit,
            &format!("{location}.limits[{i}]"),
        )?;
    }
    if f.lenient {
        // Decoded from a number or a string of digits (the pages disagree on the type).
        schema = J::obj().with(
            "anyOf",
            J::Arr(vec![
                schema,
                J::obj()
                    .with("type", "string")
                    .with("pattern", "^-?[0-9]+$"),
            ]),
        );
        schema.set("x-lenient", true);
    }
    schema.set("description", f.doc.as_str());
    if let Some(a) = &f.assumed {
        schema.set("x-assumed", a.as_str());
    }
    if !f.limits.is_empty() {
        schema.set(
            "x-limits",
            J::Arr(f.limits.iter().map(limit_json).collect()),
        );
    }
    Ok(schema)
}

/// The schema of a type, with the range of integer types.
pub(super) fn type_schema(scope: Scope<'_>, ty: &TypeRef) -> J {
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
        TypeRef::Array(t) => J::obj()
            .with("type", "array")
            .with("items", type_schema(scope, t)),
        TypeRef::Map(t) => J::obj()
            .with("type", "object")
            .with("additionalProperties", type_schema(scope, t)),
        TypeRef::Named(n) => schema_ref(&scope.name(n)),
    }
}

fn apply_limit(
    schema: &mut J,
    ty: &TypeRef,
    limit: &Limit,
    location: &str,
) -> Result<(), CodegenError> {
    let unsupported = || CodegenError::BadFieldReference {
        location: location.to_owned(),
        message: format!(
            "limit `{}` does not apply to a field of type `{ty}`",
            limit.kind.name()
        ),
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
        LimitKind::ItemAllowedStrings { values } => match item_of(ty) {
            Some((key, TypeRef::String)) if matches!(ty, TypeRef::Array(_)) => {
                let inner = schema.get_mut(key).ok_or_else(unsupported)?;
                let values = J::Arr(values.iter().map(|v| v.as_str().into()).collect());
                inner.set("enum", values);
            }
            _ => return Err(unsupported()),
        },
        // A schema shared by requests and responses cannot list the field as required:
        // `x-limits` has it.
        LimitKind::Present => {}
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
        LimitKind::AllowedKeys { values }
        | LimitKind::AllowedStrings { values }
        | LimitKind::ItemAllowedStrings { values } => j.set(
            "values",
            J::Arr(values.iter().map(|v| v.as_str().into()).collect()),
        ),
        LimitKind::AllowedValues { values } => {
            j.set(
                "values",
                J::Arr(values.iter().map(|v| J::from(*v)).collect()),
            );
        }
        LimitKind::UniqueItems | LimitKind::Present => {}
    }
    if let Some(code) = limit.error {
        j.set("error", code);
    }
    j
}
