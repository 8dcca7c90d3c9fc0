//! Samples: each sample request and response (JSON copied from the official docs) matches
//! the declared fields, types, integer ranges and unions.

use super::Checker;
use crate::model::{Field, TypeDef, TypeRef, UnionDef};
use serde_json::Value;

/// How a JSON value is described in messages (`string`, `number 4294967296`...).
fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("bool {b}"),
        Value::Number(n) => format!("number {n}"),
        Value::String(_) => "a string".into(),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// A sample path segment for an object key: `.Key`, or `["odd key"]`.
fn key_segment(k: &str) -> String {
    if !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        format!(".{k}")
    } else {
        format!("[{k:?}]")
    }
}

impl<'a> Checker<'a> {
    pub(super) fn sample_object(&mut self, loc: &str, v: &Value, fields: &[&Field], owner: &str) {
        let Value::Object(obj) = v else {
            self.push(
                loc,
                format!("expected an object (`{owner}`), found {}", describe(v)),
            );
            return;
        };
        for (k, x) in obj {
            match fields.iter().find(|f| &f.json == k) {
                // A lenient integer may come as a string holding the number.
                Some(f)
                    if f.lenient
                        && x.as_str().is_some_and(|s| {
                            s.parse::<i128>().is_ok_and(|n| {
                                f.ty.int_range().is_some_and(|(lo, hi)| n >= lo && n <= hi)
                            })
                        }) => {}
                Some(f) => self.sample_value(&format!("{loc}{}", key_segment(k)), x, &f.ty),
                None => self.push(
                    format!("{loc}{}", key_segment(k)),
                    format!("field `{k}` is not declared in `{owner}`"),
                ),
            }
        }
        for f in fields.iter().filter(|f| f.required) {
            if !obj.contains_key(&f.json) {
                self.push(
                    loc,
                    format!("required field `{}` of `{owner}` is missing", f.json),
                );
            }
        }
    }

    fn sample_value(&mut self, loc: &str, v: &Value, ty: &TypeRef) {
        let mismatch = |c: &mut Self| {
            c.push(loc, format!("expected `{ty}`, found {}", describe(v)));
        };
        match ty {
            TypeRef::Json => {}
            TypeRef::String => {
                if !v.is_string() {
                    mismatch(self);
                }
            }
            TypeRef::Bool => {
                if !v.is_boolean() {
                    mismatch(self);
                }
            }
            TypeRef::F64 => {
                if !v.is_number() {
                    mismatch(self);
                }
            }
            TypeRef::U8
            | TypeRef::U16
            | TypeRef::U32
            | TypeRef::U64
            | TypeRef::I32
            | TypeRef::I64 => {
                let (lo, hi) = ty.int_range().unwrap_or((0, 0));
                let n = v
                    .as_i64()
                    .map(i128::from)
                    .or_else(|| v.as_u64().map(i128::from));
                if !matches!(n, Some(n) if n >= lo && n <= hi) {
                    mismatch(self);
                }
            }
            TypeRef::Array(t) => match v {
                Value::Array(items) => {
                    for (i, x) in items.iter().enumerate() {
                        self.sample_value(&format!("{loc}[{i}]"), x, t);
                    }
                }
                _ => mismatch(self),
            },
            TypeRef::Map(t) => match v {
                Value::Object(obj) => {
                    for (k, x) in obj {
                        self.sample_value(&format!("{loc}{}", key_segment(k)), x, t);
                    }
                }
                _ => mismatch(self),
            },
            TypeRef::Named(n) => match self.types.get(n.as_str()).copied() {
                // Unknown types are reported where they are referenced.
                None => {}
                Some(TypeDef::Struct(s)) => {
                    let fields: Vec<&Field> = s.fields.iter().collect();
                    self.sample_object(loc, v, &fields, &s.name);
                }
                Some(TypeDef::Union(u)) => self.sample_union(loc, v, u),
            },
        }
    }

    fn sample_union(&mut self, loc: &str, v: &Value, u: &UnionDef) {
        let Value::Object(obj) = v else {
            self.push(
                loc,
                format!("expected an object (`{}`), found {}", u.name, describe(v)),
            );
            return;
        };
        for k in obj.keys() {
            if k != &u.tag && k != &u.content {
                self.push(
                    format!("{loc}{}", key_segment(k)),
                    format!(
                        "field `{k}` is not declared in `{}` (only `{}` and `{}`)",
                        u.name, u.tag, u.content
                    ),
                );
            }
        }
        let tag_loc = format!("{loc}{}", key_segment(&u.tag));
        let variant = match obj.get(&u.tag) {
            None => {
                self.push(
                    loc,
                    format!("required field `{}` of `{}` is missing", u.tag, u.name),
                );
                None
            }
            Some(Value::String(t)) => {
                let found = u.variants.iter().find(|x| &x.tag == t);
                if found.is_none() {
                    self.push(&tag_loc, format!("`{t}` is not a variant of `{}`", u.name));
                }
                found
            }
            Some(other) => {
                self.push(
                    &tag_loc,
                    format!("expected a string, found {}", describe(other)),
                );
                None
            }
        };
        match obj.get(&u.content) {
            None => self.push(
                loc,
                format!("required field `{}` of `{}` is missing", u.content, u.name),
            ),
            Some(content) => {
                if let Some(variant) = variant {
                    let content_loc = format!("{loc}{}", key_segment(&u.content));
                    self.sample_value(&content_loc, content, &TypeRef::Named(variant.ty.clone()));
                }
            }
        }
    }
}
