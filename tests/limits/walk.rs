//! Walking a request body alongside the spec's types: each endpoint's generated request type as
//! functions over JSON, locations in a body, and the sites (fields with limits, objects with
//! rules) a body holds.

use super::*;

pub(crate) type Check = fn(&Value) -> Result<Result<(), ValidationError>, serde_json::Error>;
pub(crate) type Send = fn(&Client, &Value) -> Result<Result<(), Error>, serde_json::Error>;

/// One endpoint's generated request type, as functions over JSON bodies.
pub(crate) struct Typed {
    pub(crate) endpoint: &'static Endpoint,
    /// Decodes the body into the request type and validates it.
    pub(crate) check: Check,
    /// Decodes the body into the request type and sends it with `Client::send`.
    pub(crate) send: Send,
}

pub(crate) fn check<R: Request>(
    body: &Value,
) -> Result<Result<(), ValidationError>, serde_json::Error> {
    let request: R = serde_json::from_value(body.clone())?;
    Ok(request.validate())
}

pub(crate) fn send<R: Request>(
    client: &Client,
    body: &Value,
) -> Result<Result<(), Error>, serde_json::Error> {
    let request: R = serde_json::from_value(body.clone())?;
    Ok(client.send(&request).map(|_| ()))
}

pub(crate) struct Table(pub(crate) Vec<Typed>);

impl RequestVisitor for Table {
    fn visit<R: Request>(&mut self) {
        self.0.push(Typed {
            endpoint: R::ENDPOINT,
            check: check::<R>,
            send: send::<R>,
        });
    }
}

// ---------------------------------------------------------------------------------------
// Locations in a body: a JSON pointer and the JSON path the validator names.

#[derive(Debug, Clone)]
pub(crate) enum Seg {
    Key(String),
    Index(usize),
}

/// Where a value sits in a request body.
#[derive(Debug, Clone)]
pub(crate) struct Loc {
    pub(crate) ptr: Vec<Seg>,
    /// The JSON path as `ValidationError::field` writes it (`UserTags[0].Tags`,
    /// `Condition.AttrsOr["city"]`); empty for the body itself.
    pub(crate) path: String,
}

impl Loc {
    pub(crate) fn root() -> Loc {
        Loc {
            ptr: Vec::new(),
            path: String::new(),
        }
    }

    pub(crate) fn with(&self, seg: Seg, path: String) -> Loc {
        let mut ptr = self.ptr.clone();
        ptr.push(seg);
        Loc { ptr, path }
    }

    pub(crate) fn field(&self, name: &str) -> Loc {
        let path = if self.path.is_empty() {
            name.to_owned()
        } else {
            format!("{}.{name}", self.path)
        };
        self.with(Seg::Key(name.to_owned()), path)
    }

    pub(crate) fn index(&self, i: usize) -> Loc {
        self.with(Seg::Index(i), format!("{}[{i}]", self.path))
    }

    pub(crate) fn key(&self, k: &str) -> Loc {
        self.with(Seg::Key(k.to_owned()), format!("{}[{k:?}]", self.path))
    }
}

/// The value at `ptr`, which was found by walking the same body.
pub(crate) fn at<'v>(value: &'v Value, ptr: &[Seg]) -> &'v Value {
    ptr.iter().fold(value, |v, seg| match seg {
        Seg::Key(k) => &v[k.as_str()],
        Seg::Index(i) => &v[*i],
    })
}

/// The value at `ptr`, mutably.
pub(crate) fn at_mut<'v>(value: &'v mut Value, ptr: &[Seg]) -> &'v mut Value {
    ptr.iter().fold(value, |v, seg| match seg {
        Seg::Key(k) => &mut v[k.as_str()],
        Seg::Index(i) => &mut v[*i],
    })
}

// ---------------------------------------------------------------------------------------
// Walking a body alongside the spec's types.

/// A field with limits, present in a body.
pub(crate) struct FieldSite<'s> {
    /// The struct or request type declaring the field.
    pub(crate) owner: String,
    pub(crate) field: &'s Field,
    pub(crate) loc: Loc,
}

/// An object whose type has rules.
pub(crate) struct RuleSite<'s> {
    pub(crate) owner: String,
    pub(crate) fields: &'s [Field],
    pub(crate) rules: &'s [Rule],
    pub(crate) loc: Loc,
}

#[derive(Default)]
pub(crate) struct Sites<'s> {
    pub(crate) fields: Vec<FieldSite<'s>>,
    pub(crate) rules: Vec<RuleSite<'s>>,
}

pub(crate) struct Schema<'s> {
    pub(crate) types: BTreeMap<&'s str, &'s TypeDef>,
}

impl<'s> Schema<'s> {
    pub(crate) fn new(spec: &'s spec::Spec) -> Schema<'s> {
        Schema {
            // Type names are unique across services in today's spec; a clash would need the
            // owning service here.
            types: spec.all_types().map(|(_, t)| (t.name(), t)).collect(),
        }
    }

    pub(crate) fn named(&self, name: &str) -> &'s TypeDef {
        self.types
            .get(name)
            .unwrap_or_else(|| panic!("type {name} is not in types.json"))
    }

    pub(crate) fn walk_struct(
        &self,
        owner: &str,
        fields: &'s [Field],
        rules: &'s [Rule],
        value: &Value,
        loc: &Loc,
        out: &mut Sites<'s>,
    ) {
        let Some(obj) = value.as_object() else {
            return;
        };
        for field in fields {
            let Some(v) = obj.get(&field.json) else {
                continue;
            };
            let floc = loc.field(&field.json);
            if !field.limits.is_empty() {
                out.fields.push(FieldSite {
                    owner: owner.to_owned(),
                    field,
                    loc: floc.clone(),
                });
            }
            self.walk(&field.ty, v, &floc, out);
        }
        if !rules.is_empty() {
            out.rules.push(RuleSite {
                owner: owner.to_owned(),
                fields,
                rules,
                loc: loc.clone(),
            });
        }
    }

    pub(crate) fn walk(&self, ty: &TypeRef, value: &Value, loc: &Loc, out: &mut Sites<'s>) {
        match ty {
            TypeRef::Array(item) => {
                for (i, v) in value.as_array().into_iter().flatten().enumerate() {
                    self.walk(item, v, &loc.index(i), out);
                }
            }
            TypeRef::Map(item) => {
                for (k, v) in value.as_object().into_iter().flatten() {
                    self.walk(item, v, &loc.key(k), out);
                }
            }
            TypeRef::Named(name) => match self.named(name) {
                TypeDef::Struct(s) => {
                    self.walk_struct(&s.name, &s.fields, &s.rules, value, loc, out)
                }
                TypeDef::Union(u) => {
                    let tag = value.get(&u.tag).and_then(Value::as_str);
                    if let Some(variant) = u.variants.iter().find(|v| Some(v.tag.as_str()) == tag)
                        && let Some(content) = value.get(&u.content)
                    {
                        let content_ty = TypeRef::Named(variant.ty.clone());
                        self.walk(&content_ty, content, &loc.field(&u.content), out);
                    }
                }
            },
            _ => {}
        }
    }

    /// A small value of type `ty` that keeps `limits` (used to add a field for a rule and
    /// entries to a map).
    pub(crate) fn valid_value(&self, ty: &TypeRef, limits: &[Limit]) -> Value {
        let find = |f: fn(&LimitKind) -> Option<u64>| limits.iter().find_map(|l| f(&l.kind));
        match ty {
            TypeRef::String => {
                if let Some(LimitKind::AllowedStrings { values }) = limits
                    .iter()
                    .map(|l| &l.kind)
                    .find(|k| matches!(k, LimitKind::AllowedStrings { .. }))
                {
                    return json!(values[0]);
                }
                let min = find(|k| match k {
                    LimitKind::MinBytes { value } => Some(*value),
                    _ => None,
                });
                json!("x".repeat(usize::try_from(min.unwrap_or(1).max(1)).expect("fits usize")))
            }
            TypeRef::Bool => json!(false),
            TypeRef::F64 => json!(0.0),
            TypeRef::Json => json!({}),
            t if t.is_integer() => {
                for limit in limits {
                    match &limit.kind {
                        LimitKind::AllowedValues { values } => return int_json(values[0].into()),
                        LimitKind::MinValue { value } => return int_json((*value).into()),
                        _ => {}
                    }
                }
                json!(0)
            }
            TypeRef::Array(item) => {
                let min = find(|k| match k {
                    LimitKind::MinItems { value } => Some(*value),
                    _ => None,
                });
                let n = min.unwrap_or(1).max(1);
                Value::Array(
                    (0..n)
                        .map(|i| match **item {
                            TypeRef::String => json!(format!("x{i}")),
                            _ => self.valid_value(item, &[]),
                        })
                        .collect(),
                )
            }
            TypeRef::Map(item) => {
                let key = limits
                    .iter()
                    .find_map(|l| match &l.kind {
                        LimitKind::AllowedKeys { values } => Some(values[0].clone()),
                        _ => None,
                    })
                    .unwrap_or_else(|| "k".to_owned());
                json!({ key: self.valid_value(item, &[]) })
            }
            TypeRef::Named(name) => match self.named(name) {
                TypeDef::Struct(s) => Value::Object(
                    s.fields
                        .iter()
                        .filter(|f| f.required)
                        .map(|f| (f.json.clone(), self.valid_value(&f.ty, &f.limits)))
                        .collect(),
                ),
                TypeDef::Union(u) => {
                    let v = &u.variants[0];
                    let content = self.valid_value(&TypeRef::Named(v.ty.clone()), &[]);
                    json!({ u.tag.clone(): v.tag, u.content.clone(): content })
                }
            },
            other => panic!("no valid value for type {other}"),
        }
    }
}

// ---------------------------------------------------------------------------------------
// The limits and rules of the spec, and mutations breaking them.
