//! Consistency checks the generator needs beyond `tim_spec::validate`: limits that fit their
//! field's type, rules and batch/idempotency settings that name existing fields. Each error
//! names the place in the spec.

use super::{FieldInfo, StructInfo};
use crate::CodegenError;
use tim_spec::{Endpoint, Limit, LimitKind, RetrySafety, Rule, TypeRef};

fn is_string_container(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::Array(t) | TypeRef::Map(t) if **t == TypeRef::String)
}

pub(super) fn check_limit(limit: &Limit, ty: &TypeRef, location: &str) -> Result<(), CodegenError> {
    let ok = match &limit.kind {
        LimitKind::MaxItems { .. } | LimitKind::MinItems { .. } => {
            matches!(ty, TypeRef::Array(_) | TypeRef::Map(_))
        }
        LimitKind::MaxBytes { .. }
        | LimitKind::MinBytes { .. }
        | LimitKind::AllowedStrings { .. } => *ty == TypeRef::String,
        LimitKind::ItemMaxBytes { .. } | LimitKind::ItemMinBytes { .. } => is_string_container(ty),
        LimitKind::UniqueItems => *ty == TypeRef::Array(Box::new(TypeRef::String)),
        LimitKind::KeyMaxBytes { .. }
        | LimitKind::KeyMinBytes { .. }
        | LimitKind::AllowedKeys { .. } => {
            matches!(ty, TypeRef::Map(_))
        }
        LimitKind::MaxValue { .. }
        | LimitKind::MinValue { .. }
        | LimitKind::AllowedValues { .. } => ty.is_integer(),
    };
    if ok {
        Ok(())
    } else {
        Err(CodegenError::UnsupportedLimit {
            location: location.to_owned(),
            limit: limit.kind.name(),
            ty: ty.to_string(),
        })
    }
}

fn find_field<'s, 'a>(
    info: &'s StructInfo<'a>,
    json: &str,
    location: &str,
) -> Result<&'s FieldInfo<'a>, CodegenError> {
    info.fields
        .iter()
        .find(|f| f.def.json == json)
        .ok_or_else(|| CodegenError::BadFieldReference {
            location: location.to_owned(),
            message: format!("no field `{json}` in {}", info.ident),
        })
}

pub(super) fn check_rule(
    rule: &Rule,
    info: &StructInfo<'_>,
    location: &str,
) -> Result<(), CodegenError> {
    match rule {
        Rule::Exclusive { groups, .. } => {
            if groups.len() < 2 {
                return Err(CodegenError::BadFieldReference {
                    location: location.to_owned(),
                    message: "an `exclusive` rule needs at least two groups".to_owned(),
                });
            }
            for name in groups.iter().flatten() {
                find_field(info, name, location)?;
            }
        }
        Rule::Disjoint { fields, .. } => {
            if fields.len() != 2 {
                return Err(CodegenError::BadFieldReference {
                    location: location.to_owned(),
                    message: format!(
                        "a `disjoint` rule names exactly two fields, not {}",
                        fields.len()
                    ),
                });
            }
            for name in fields {
                let f = find_field(info, name, location)?;
                if f.def.ty != TypeRef::Array(Box::new(TypeRef::String)) {
                    return Err(CodegenError::BadFieldReference {
                        location: location.to_owned(),
                        message: format!(
                            "`disjoint` needs array<string> fields; `{name}` is {}",
                            f.def.ty
                        ),
                    });
                }
            }
        }
    }
    Ok(())
}

pub(super) fn check_endpoint_refs(
    ep: &Endpoint,
    request: &StructInfo<'_>,
    file: &str,
) -> Result<(), CodegenError> {
    if let Some(b) = &ep.batch {
        let f = find_field(request, &b.field, &format!("{file}: batch.field"))?;
        if !matches!(f.def.ty, TypeRef::Array(_)) {
            return Err(CodegenError::BadFieldReference {
                location: format!("{file}: batch.field"),
                message: format!(
                    "the batch field `{}` must be an array, not {}",
                    b.field, f.def.ty
                ),
            });
        }
    }
    match (ep.retry, &ep.idempotency_key) {
        (RetrySafety::IdempotencyKey, Some(key)) => {
            find_field(request, key, &format!("{file}: idempotency_key"))?;
        }
        (RetrySafety::IdempotencyKey, None) => {
            return Err(CodegenError::BadFieldReference {
                location: format!("{file}: idempotency_key"),
                message: "`retry` is `idempotency_key` but no `idempotency_key` field is named"
                    .to_owned(),
            });
        }
        _ => {}
    }
    Ok(())
}
