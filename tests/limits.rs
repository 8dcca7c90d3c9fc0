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

mod common;

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

/// Attribute names registered before anything else, so that the samples naming attributes
/// (`sex`, `city`, `country`, `Membership Level`) are accepted by the emulator.
fn attr_names() -> Value {
    json!({"AttrNames": {"0": "sex", "1": "city", "2": "country", "3": "Membership Level"}})
}

/// Valid requests reaching the limits no sample of the spec reaches: attribute conditions
/// with `AttrsOr`, and every message element and offline-push field that has a limit.
fn extra_bases() -> Vec<(&'static str, &'static str, Value)> {
    vec![
        (
            "im_push",
            "attrs_or",
            json!({
                "From_Account": "admin", "MsgRandom": 7001, "MsgLifeTime": 60,
                "Condition": {"AttrsOr": {"city": "Shenzhen", "sex": "female"}},
                "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi"}}]
            }),
        ),
        (
            "im_push",
            "every_limited_element",
            json!({
                "MsgRandom": 7002,
                "MsgBody": [
                    {"MsgType": "TIMSoundElem", "MsgContent": {
                        "Url": "https://example.com/a.silk", "UUID": "s1", "Size": 1024,
                        "Second": 3, "Download_Flag": 2}},
                    {"MsgType": "TIMImageElem", "MsgContent": {
                        "UUID": "i1", "ImageFormat": 1, "ImageInfoArray": [
                            {"Type": 1, "Size": 1024, "Width": 100, "Height": 80,
                             "URL": "https://example.com/a.jpg"}]}},
                    {"MsgType": "TIMFileElem", "MsgContent": {
                        "Url": "https://example.com/a.txt", "UUID": "f1", "FileSize": 10,
                        "fileName": "a.txt", "Download_Flag": 2}},
                    {"MsgType": "TIMVideoFileElem", "MsgContent": {
                        "VideoUrl": "https://example.com/v.mp4", "VideoUUID": "v1",
                        "VideoSize": 1, "VideoSecond": 1, "VideoFormat": "mp4",
                        "VideoDownloadFlag": 2, "ThumbUrl": "https://example.com/t.jpg",
                        "ThumbUUID": "t1", "ThumbSize": 1, "ThumbWidth": 10, "ThumbHeight": 10,
                        "ThumbFormat": "JPG", "ThumbDownloadFlag": 2}}
                ],
                "OfflinePushInfo": {
                    "PushFlag": 0, "Title": "t", "Desc": "d",
                    "AndroidInfo": {"VIVOClassification": 1, "HuaWeiImportance": "NORMAL",
                                    "ExtAsHuaweiIntentParam": 1},
                    "ApnsInfo": {"BadgeMode": 1, "MutableContent": 1}
                }
            }),
        ),
    ]
}

// ---------------------------------------------------------------------------------------
// The generated request types, reached from an endpoint without a hand-written table.

type Check = fn(&Value) -> Result<Result<(), ValidationError>, serde_json::Error>;
type Send = fn(&Client, &Value) -> Result<Result<(), Error>, serde_json::Error>;

/// One endpoint's generated request type, as functions over JSON bodies.
struct Typed {
    endpoint: &'static Endpoint,
    /// Decodes the body into the request type and validates it.
    check: Check,
    /// Decodes the body into the request type and sends it with `Client::send`.
    send: Send,
}

fn check<R: Request>(body: &Value) -> Result<Result<(), ValidationError>, serde_json::Error> {
    let request: R = serde_json::from_value(body.clone())?;
    Ok(request.validate())
}

fn send<R: Request>(client: &Client, body: &Value) -> Result<Result<(), Error>, serde_json::Error> {
    let request: R = serde_json::from_value(body.clone())?;
    Ok(client.send(&request).map(|_| ()))
}

struct Table(Vec<Typed>);

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
enum Seg {
    Key(String),
    Index(usize),
}

/// Where a value sits in a request body.
#[derive(Debug, Clone)]
struct Loc {
    ptr: Vec<Seg>,
    /// The JSON path as `ValidationError::field` writes it (`UserTags[0].Tags`,
    /// `Condition.AttrsOr["city"]`); empty for the body itself.
    path: String,
}

impl Loc {
    fn root() -> Loc {
        Loc {
            ptr: Vec::new(),
            path: String::new(),
        }
    }

    fn with(&self, seg: Seg, path: String) -> Loc {
        let mut ptr = self.ptr.clone();
        ptr.push(seg);
        Loc { ptr, path }
    }

    fn field(&self, name: &str) -> Loc {
        let path = if self.path.is_empty() {
            name.to_owned()
        } else {
            format!("{}.{name}", self.path)
        };
        self.with(Seg::Key(name.to_owned()), path)
    }

    fn index(&self, i: usize) -> Loc {
        self.with(Seg::Index(i), format!("{}[{i}]", self.path))
    }

    fn key(&self, k: &str) -> Loc {
        self.with(Seg::Key(k.to_owned()), format!("{}[{k:?}]", self.path))
    }
}

/// The value at `ptr`, which was found by walking the same body.
fn at<'v>(value: &'v Value, ptr: &[Seg]) -> &'v Value {
    ptr.iter().fold(value, |v, seg| match seg {
        Seg::Key(k) => &v[k.as_str()],
        Seg::Index(i) => &v[*i],
    })
}

/// The value at `ptr`, mutably.
fn at_mut<'v>(value: &'v mut Value, ptr: &[Seg]) -> &'v mut Value {
    ptr.iter().fold(value, |v, seg| match seg {
        Seg::Key(k) => &mut v[k.as_str()],
        Seg::Index(i) => &mut v[*i],
    })
}

// ---------------------------------------------------------------------------------------
// Walking a body alongside the spec's types.

/// A field with limits, present in a body.
struct FieldSite<'s> {
    /// The struct or request type declaring the field.
    owner: String,
    field: &'s Field,
    loc: Loc,
}

/// An object whose type has rules.
struct RuleSite<'s> {
    owner: String,
    fields: &'s [Field],
    rules: &'s [Rule],
    loc: Loc,
}

#[derive(Default)]
struct Sites<'s> {
    fields: Vec<FieldSite<'s>>,
    rules: Vec<RuleSite<'s>>,
}

struct Schema<'s> {
    types: BTreeMap<&'s str, &'s TypeDef>,
}

impl<'s> Schema<'s> {
    fn new(spec: &'s spec::Spec) -> Schema<'s> {
        Schema {
            // Type names are unique across services in today's spec; a clash would need the
            // owning service here.
            types: spec.all_types().map(|(_, t)| (t.name(), t)).collect(),
        }
    }

    fn named(&self, name: &str) -> &'s TypeDef {
        self.types
            .get(name)
            .unwrap_or_else(|| panic!("type {name} is not in types.json"))
    }

    fn walk_struct(
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

    fn walk(&self, ty: &TypeRef, value: &Value, loc: &Loc, out: &mut Sites<'s>) {
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
    fn valid_value(&self, ty: &TypeRef, limits: &[Limit]) -> Value {
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

/// Marks the coverage keys of rules (limit keys never contain it).
const RULE_MARK: &str = " rule ";

fn limit_key(owner: &str, field: &str, kind: &LimitKind) -> String {
    format!("{owner}.{field}: {}", kind.name())
}

fn rule_key(owner: &str, rule: &Rule) -> String {
    match rule {
        Rule::Exclusive { groups, .. } => {
            let groups: Vec<String> = groups.iter().map(|g| g.join("/")).collect();
            format!("{owner}: exclusive{RULE_MARK}[{}]", groups.join(" | "))
        }
        Rule::Disjoint { fields, .. } => {
            format!("{owner}: disjoint{RULE_MARK}[{}]", fields.join(" & "))
        }
    }
}

/// Every (type, field, limit kind) and every rule of the spec's requests and types.
fn spec_keys(spec: &spec::Spec) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    let mut add = |owner: &str, fields: &[Field], rules: &[Rule]| {
        for f in fields {
            for l in &f.limits {
                assert!(
                    keys.insert(limit_key(owner, &f.json, &l.kind)),
                    "{owner}.{}: two {} limits",
                    f.json,
                    l.kind.name()
                );
            }
        }
        for r in rules {
            keys.insert(rule_key(owner, r));
        }
    };
    for (_, t) in spec.all_types() {
        if let TypeDef::Struct(s) = t {
            add(&s.name, &s.fields, &s.rules);
        }
    }
    for ep in &spec.endpoints {
        add(&ep.request_type(), &ep.request.fields, &ep.request.rules);
    }
    keys
}

/// What a mutation breaks.
#[derive(Debug, Clone)]
enum Broken {
    Limit(LimitKind),
    Rule(Rule),
}

/// A copy of a valid body that breaks one limit or rule.
struct Mutation {
    /// The coverage key of the limit or rule broken.
    key: String,
    /// Human description, for failure messages.
    what: String,
    body: Value,
    broken: Broken,
    /// Expected `ValidationError::field`.
    field: String,
    /// Text expected in `ValidationError::value`.
    value_has: String,
    /// Expected `ValidationError::code`.
    code: Option<i64>,
}

/// Whether `text` holds `n` as a whole number (so `10` is not found in `100`).
fn mentions(text: &str, n: impl Display) -> bool {
    let n = n.to_string();
    text.split(|c: char| !(c.is_ascii_digit() || c == '-'))
        .any(|t| t == n)
}

/// Whether the limit in words states the limit broken.
fn states_limit(broken: &Broken, words: &str) -> bool {
    match broken {
        Broken::Limit(kind) => match kind {
            LimitKind::MaxItems { value }
            | LimitKind::MinItems { value }
            | LimitKind::MaxBytes { value }
            | LimitKind::ItemMaxBytes { value }
            | LimitKind::KeyMaxBytes { value } => mentions(words, value),
            LimitKind::MinBytes { value }
            | LimitKind::ItemMinBytes { value }
            | LimitKind::KeyMinBytes { value } => {
                mentions(words, value) || (*value == 1 && words.contains("non-empty"))
            }
            LimitKind::UniqueItems => words.contains("unique"),
            LimitKind::AllowedKeys { values } | LimitKind::AllowedStrings { values } => {
                values.iter().all(|v| words.contains(v.as_str()))
            }
            LimitKind::MaxValue { value } | LimitKind::MinValue { value } => mentions(words, value),
            LimitKind::AllowedValues { values } => values.iter().all(|v| mentions(words, v)),
        },
        Broken::Rule(Rule::Exclusive { groups, .. }) => {
            groups.iter().flatten().all(|f| words.contains(f.as_str()))
        }
        Broken::Rule(Rule::Disjoint { fields, .. }) => {
            fields.iter().all(|f| words.contains(f.as_str()))
        }
    }
}

/// `v` as a JSON number (callers keep it within a 64-bit integer type).
fn int_json(v: i128) -> Value {
    match u64::try_from(v) {
        Ok(u) => json!(u),
        Err(_) => json!(i64::try_from(v).unwrap_or(i64::MIN)),
    }
}

/// Strings over `max` bytes: ASCII, and multi-byte UTF-8 whose character count is within
/// `max` (the limit counts bytes, not characters).
fn over_bytes(max: u64) -> Vec<(&'static str, String)> {
    let max = usize::try_from(max).expect("byte limit fits usize");
    let mut out = vec![("ascii", "a".repeat(max + 1))];
    let multi = "é".repeat(max / 2 + 1);
    if multi.chars().count() <= max {
        assert!(multi.len() > max);
        out.push(("multi-byte UTF-8", multi));
    }
    out
}

/// A string under `min` bytes.
fn under_bytes(min: u64) -> Result<String, String> {
    match min {
        0 => Err("a minimum of 0 bytes cannot be broken".to_owned()),
        n => Ok("a".repeat(usize::try_from(n - 1).expect("byte limit fits usize"))),
    }
}

fn shown(s: &str) -> String {
    format!("({} bytes)", s.len())
}

/// A body with the value at `loc` changed by `f`.
fn edit(base: &Value, loc: &Loc, f: impl FnOnce(&mut Value)) -> Value {
    let mut body = base.clone();
    f(at_mut(&mut body, &loc.ptr));
    body
}

/// A key for a new entry of `map`: an allowed one while any is unused. (`AttrNames` allows
/// the 10 keys "0".."9" and at most 10 entries, so its 11th entry can only have another key:
/// that copy breaks `allowed_keys` too, and the client names `max_items`, checked first.)
fn new_key(field: &Field, map: &Map<String, Value>, i: usize) -> String {
    let allowed = field.limits.iter().find_map(|l| match &l.kind {
        LimitKind::AllowedKeys { values } => Some(values),
        _ => None,
    });
    allowed
        .into_iter()
        .flatten()
        .cloned()
        .chain((i..).map(|n| format!("probe{n}")))
        .find(|k| !map.contains_key(k))
        .expect("an unused key")
}

/// The mutations breaking `limit` of the field at `site` in `base`: `(what, body, field,
/// value_has)`. An error when the limit cannot be broken at all.
fn break_limit(
    schema: &Schema<'_>,
    site: &FieldSite<'_>,
    limit: &Limit,
    base: &Value,
) -> Result<Vec<(String, Value, String, String)>, String> {
    let loc = &site.loc;
    let field = site.field;
    let cur = at(base, &loc.ptr);
    let ty = &field.ty;
    let item_ty = match ty {
        TypeRef::Array(t) | TypeRef::Map(t) => Some(&**t),
        _ => None,
    };
    let whole = |what: String, body: Value, value_has: String| {
        vec![(what, body, loc.path.clone(), value_has)]
    };
    let not_for = || Err(format!("{} does not apply to type {ty}", limit.kind.name()));
    Ok(match &limit.kind {
        LimitKind::MaxItems { value } => {
            let n = usize::try_from(*value).expect("item limit fits usize") + 1;
            let body = edit(base, loc, |v| match v {
                Value::Array(items) => {
                    let item = item_ty.expect("array type");
                    while items.len() < n {
                        // New strings are distinct (a list may have to be unique); other
                        // items repeat the last one.
                        let next = match (item, items.last()) {
                            (TypeRef::String, _) => (0..)
                                .map(|i| json!(format!("probe{i}")))
                                .find(|s| !items.contains(s))
                                .expect("an unused string"),
                            (_, Some(last)) => last.clone(),
                            (_, None) => schema.valid_value(item, &[]),
                        };
                        items.push(next);
                    }
                }
                Value::Object(map) => {
                    let item = item_ty.expect("map type");
                    while map.len() < n {
                        let k = new_key(field, map, map.len());
                        map.insert(k, schema.valid_value(item, &[]));
                    }
                }
                _ => {}
            });
            whole(format!("{n} items"), body, format!("{n} items"))
        }
        LimitKind::MinItems { value } => {
            let Some(n) = value.checked_sub(1) else {
                return Err("a minimum of 0 items cannot be broken".to_owned());
            };
            let n = usize::try_from(n).expect("item limit fits usize");
            let body = edit(base, loc, |v| match v {
                Value::Array(items) => items.truncate(n),
                Value::Object(map) => {
                    let extra: Vec<String> = map.keys().skip(n).cloned().collect();
                    for k in extra {
                        map.remove(&k);
                    }
                }
                _ => {}
            });
            whole(format!("{n} items"), body, format!("{n} items"))
        }
        LimitKind::MaxBytes { value } => {
            if *ty != TypeRef::String {
                return not_for();
            }
            over_bytes(*value)
                .into_iter()
                .flat_map(|(how, s)| {
                    let body = edit(base, loc, |v| *v = json!(s));
                    whole(format!("{} bytes ({how})", s.len()), body, shown(&s))
                })
                .collect()
        }
        LimitKind::MinBytes { value } => {
            if *ty != TypeRef::String {
                return not_for();
            }
            let s = under_bytes(*value)?;
            let body = edit(base, loc, |v| *v = json!(s));
            whole(format!("{} bytes", s.len()), body, shown(&s))
        }
        LimitKind::ItemMaxBytes { value } | LimitKind::ItemMinBytes { value } => {
            let strings = match &limit.kind {
                LimitKind::ItemMaxBytes { .. } => over_bytes(*value),
                _ => vec![("ascii", under_bytes(*value)?)],
            };
            let mut out = Vec::new();
            for (how, s) in strings {
                let what = format!("an item of {} bytes ({how})", s.len());
                match cur {
                    Value::Array(_) => {
                        let body = edit(base, loc, |v| {
                            let items = v.as_array_mut().expect("array");
                            if items.is_empty() {
                                items.push(json!(s));
                            } else {
                                items[0] = json!(s);
                            }
                        });
                        out.push((what, body, loc.index(0).path, shown(&s)));
                    }
                    Value::Object(map) => {
                        let key = match map.keys().next() {
                            Some(k) => k.clone(),
                            None => new_key(field, map, 0),
                        };
                        let body = edit(base, loc, |v| {
                            v[key.as_str()] = json!(s);
                        });
                        out.push((what, body, loc.key(&key).path, shown(&s)));
                    }
                    _ => return not_for(),
                }
            }
            out
        }
        LimitKind::UniqueItems => {
            let Value::Array(items) = cur else {
                return not_for();
            };
            let dup = items.first().cloned().unwrap_or_else(|| json!("probe"));
            let at = items.len().max(1);
            let body = edit(base, loc, |v| {
                let items = v.as_array_mut().expect("array");
                if items.is_empty() {
                    items.push(dup.clone());
                }
                items.push(dup.clone());
            });
            let dup = dup.as_str().unwrap_or_default().to_owned();
            vec![(format!("{dup:?} twice"), body, loc.index(at).path, dup)]
        }
        LimitKind::KeyMaxBytes { .. }
        | LimitKind::KeyMinBytes { .. }
        | LimitKind::AllowedKeys { .. } => {
            let Value::Object(map) = cur else {
                return not_for();
            };
            let keys = match &limit.kind {
                LimitKind::KeyMaxBytes { value } => over_bytes(*value),
                LimitKind::KeyMinBytes { value } => vec![("ascii", under_bytes(*value)?)],
                LimitKind::AllowedKeys { values } => {
                    let k = (0..)
                        .map(|i| format!("probe{i}"))
                        .find(|k| !values.contains(k) && !map.contains_key(k))
                        .expect("an unused key");
                    vec![("not allowed", k)]
                }
                _ => unreachable!("matched above"),
            };
            let item = item_ty.expect("map type");
            keys.into_iter()
                .map(|(how, k)| {
                    let body = edit(base, loc, |v| {
                        let map = v.as_object_mut().expect("object");
                        let old = map.keys().next().cloned();
                        let value = match old {
                            Some(old) => map.remove(&old).expect("present"),
                            None => schema.valid_value(item, &[]),
                        };
                        map.insert(k.clone(), value);
                    });
                    let value_has = match &limit.kind {
                        LimitKind::AllowedKeys { .. } => k.clone(),
                        _ => shown(&k),
                    };
                    (
                        format!("key {k:?} ({how})"),
                        body,
                        loc.key(&k).path,
                        value_has,
                    )
                })
                .collect()
        }
        LimitKind::MaxValue { value } | LimitKind::MinValue { value } => {
            let (lo, hi) = ty
                .int_range()
                .ok_or_else(|| format!("{} on non-integer {ty}", limit.kind.name()))?;
            let v = match &limit.kind {
                LimitKind::MaxValue { .. } => i128::from(*value) + 1,
                _ => i128::from(*value) - 1,
            };
            if v < lo || v > hi {
                return Err(format!(
                    "{} {value} is the bound of {ty} itself: no {ty} breaks it",
                    limit.kind.name()
                ));
            }
            let body = edit(base, loc, |x| *x = int_json(v));
            whole(format!("{v}"), body, v.to_string())
        }
        LimitKind::AllowedValues { values } => {
            let (lo, hi) = ty
                .int_range()
                .ok_or_else(|| format!("allowed_values on non-integer {ty}"))?;
            let allowed: BTreeSet<i128> = values.iter().map(|v| i128::from(*v)).collect();
            let max = allowed.iter().max().copied().unwrap_or(0);
            let min = allowed.iter().min().copied().unwrap_or(0);
            let v = [max + 1, min - 1, lo, hi]
                .into_iter()
                .find(|v| (lo..=hi).contains(v) && !allowed.contains(v))
                .ok_or_else(|| format!("allowed_values {values:?} allow every {ty}"))?;
            let body = edit(base, loc, |x| *x = int_json(v));
            whole(format!("{v}"), body, v.to_string())
        }
        LimitKind::AllowedStrings { values } => {
            let s = (0..)
                .map(|i| format!("probe{i}"))
                .find(|s| !values.contains(s))
                .expect("an unlisted string");
            let body = edit(base, loc, |x| *x = json!(s));
            whole(format!("{s:?}"), body, s)
        }
    })
}

/// The mutation breaking `rule` of the object at `site`, if the body allows one that breaks
/// only that rule: `(what, body, value_has)`.
fn break_rule(
    schema: &Schema<'_>,
    site: &RuleSite<'_>,
    rule: &Rule,
    base: &Value,
) -> Result<Option<(String, Value, String)>, String> {
    let Value::Object(obj) = at(base, &site.loc.ptr) else {
        return Ok(None);
    };
    let valid = |name: &str| -> Result<Value, String> {
        let f = site
            .fields
            .iter()
            .find(|f| f.json == name)
            .ok_or_else(|| format!("rule names {name}, not a field of {}", site.owner))?;
        Ok(schema.valid_value(&f.ty, &f.limits))
    };
    match rule {
        Rule::Exclusive { groups, .. } => {
            if groups.len() < 2 {
                return Err(
                    "an exclusive rule of fewer than two groups cannot be broken".to_owned(),
                );
            }
            let present = groups
                .iter()
                .position(|g| g.iter().any(|f| obj.contains_key(f)));
            let add: Vec<&str> = match present {
                Some(g) => vec![groups[(g + 1) % groups.len()][0].as_str()],
                None => vec![groups[0][0].as_str(), groups[1][0].as_str()],
            };
            let mut added = Vec::new();
            for name in &add {
                added.push(((*name).to_owned(), valid(name)?));
            }
            let body = edit(base, &site.loc, |v| {
                for (name, value) in added {
                    v[name.as_str()] = value;
                }
            });
            Ok(Some((
                format!("adding {}", add.join(" and ")),
                body,
                add[0].to_owned(),
            )))
        }
        Rule::Disjoint { fields, .. } => {
            let [a, b] = fields.as_slice() else {
                return Err(format!("a disjoint rule names two fields, not {fields:?}"));
            };
            let first = |name: &str| {
                obj.get(name)
                    .and_then(Value::as_array)
                    .and_then(|x| x.first())
                    .cloned()
            };
            let (shared, into) = match (first(a), first(b)) {
                (Some(x), _) => (x, b),
                (None, Some(x)) => (x, a),
                // Adding both lists could break another rule first (e.g. `exclusive`).
                (None, None) => return Ok(None),
            };
            let body = edit(base, &site.loc, |v| {
                let list = &mut v[into.as_str()];
                if !list.is_array() {
                    *list = json!([]);
                }
                list.as_array_mut().expect("array").push(shared.clone());
            });
            let shared = shared.as_str().unwrap_or_default().to_owned();
            Ok(Some((format!("{shared:?} also in {into}"), body, shared)))
        }
    }
}

/// Every mutation of `base` (a valid body of the request type `request_type`).
fn mutations(
    schema: &Schema<'_>,
    ep: &spec::Endpoint,
    base: &Value,
    failures: &mut Vec<String>,
) -> Vec<Mutation> {
    let mut sites = Sites::default();
    schema.walk_struct(
        &ep.request_type(),
        &ep.request.fields,
        &ep.request.rules,
        base,
        &Loc::root(),
        &mut sites,
    );
    let mut out = Vec::new();
    for site in &sites.fields {
        for limit in &site.field.limits {
            let key = limit_key(&site.owner, &site.field.json, &limit.kind);
            match break_limit(schema, site, limit, base) {
                Err(why) => failures.push(format!("{key} at {}: {why}", site.loc.path)),
                Ok(list) => {
                    for (what, body, field, value_has) in list {
                        out.push(Mutation {
                            key: key.clone(),
                            what: format!("{}: {} {what}", site.loc.path, limit.kind.name()),
                            body,
                            broken: Broken::Limit(limit.kind.clone()),
                            field,
                            value_has,
                            code: limit.error,
                        });
                    }
                }
            }
        }
    }
    for site in &sites.rules {
        for rule in site.rules {
            let key = rule_key(&site.owner, rule);
            let code = match rule {
                Rule::Exclusive { error, .. } | Rule::Disjoint { error, .. } => *error,
            };
            match break_rule(schema, site, rule, base) {
                Err(why) => failures.push(format!("{key} at {:?}: {why}", site.loc.path)),
                Ok(None) => {}
                Ok(Some((what, body, value_has))) => out.push(Mutation {
                    key,
                    what: format!("{:?}: {what}", site.loc.path),
                    body,
                    broken: Broken::Rule(rule.clone()),
                    field: site.loc.path.clone(),
                    value_has,
                    code,
                }),
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Running the mutations against the client and the emulator.

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
        c.push_min_interval(Duration::ZERO)
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
    // A limit on a field no sample or extra base request carries.
    struct_field(&mut spec, "CustomElem", "Data")
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
        about("CustomElem.Data: max_bytes", "never exercised"),
        "{failures:#?}"
    );
    // Nothing else is reported: the unchanged limits still pass.
    assert!(
        failures
            .iter()
            .all(|f| f.contains("UserTagsToAdd.Tags: unique_items")
                || f.contains("UserTags.Tags: item_max_bytes")
                || f.contains("CustomElem.Data: max_bytes")),
        "{failures:#?}"
    );
}
