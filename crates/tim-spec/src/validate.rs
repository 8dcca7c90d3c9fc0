//! Consistency checks over a loaded [`Spec`].
//!
//! [`validate`] walks the whole spec and reports every [`Problem`] it finds, each located by
//! file and path (`endpoints/all_member_push/im_add_tag.json: request.fields[0]
//! (UserTags).limits[1]`). The checks: names (valid, non-keyword PascalCase / snake_case Rust
//! identifiers, unique where they must be), type references, error codes used but not defined,
//! limits and rules that do not fit their fields, retry/idempotency and batch settings, doc
//! URLs, and samples that do not match the declared fields.

use crate::model::{
    Endpoint, ErrorCodeDef, Field, Limit, LimitKind, Message, RetrySafety, Rule, Spec, StructDef,
    TypeDef, TypeRef, UnionDef,
};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt;

/// One problem found in the spec, with its location (`file: path.to.item: message`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where: e.g. `endpoints/all_member_push/im_get_tag.json: request.fields[0] (To_Account)`.
    pub location: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// Checks the spec; an empty list means it is consistent.
pub fn validate(spec: &Spec) -> Vec<Problem> {
    let mut c = Checker {
        spec,
        codes: spec.errors.iter().map(|e| e.code).collect(),
        types: HashMap::new(),
        out: Vec::new(),
    };
    for t in &spec.types {
        c.types.entry(t.name()).or_insert(t);
    }
    c.service();
    c.errors(&spec.errors);
    c.type_defs();
    c.endpoints();
    c.out
}

/// Rust keywords (strict, reserved and edition-2024 `gen`): not usable as plain identifiers.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "gen", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Whether `s` is a PascalCase Rust type/variant name that is not a keyword.
pub fn is_pascal_case(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_alphanumeric())
        && !KEYWORDS.contains(&s)
}

/// Whether `s` is a snake_case Rust identifier (`to_account`) that is not a keyword.
pub fn is_snake_case(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c == '_')
        && s != "_"
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !KEYWORDS.contains(&s)
}

fn int_range(ty: &TypeRef) -> Option<(i128, i128)> {
    Some(match ty {
        TypeRef::U8 => (0, u8::MAX.into()),
        TypeRef::U16 => (0, u16::MAX.into()),
        TypeRef::U32 => (0, u32::MAX.into()),
        TypeRef::U64 => (0, u64::MAX.into()),
        TypeRef::I32 => (i32::MIN.into(), i32::MAX.into()),
        TypeRef::I64 => (i64::MIN.into(), i64::MAX.into()),
        _ => return None,
    })
}

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

struct Checker<'a> {
    spec: &'a Spec,
    codes: HashSet<i64>,
    types: HashMap<&'a str, &'a TypeDef>,
    out: Vec<Problem>,
}

impl<'a> Checker<'a> {
    fn push(&mut self, location: impl Into<String>, message: impl Into<String>) {
        self.out.push(Problem {
            location: location.into(),
            message: message.into(),
        });
    }

    fn code(&mut self, loc: &str, what: &str, code: Option<i64>) {
        if let Some(code) = code
            && !self.codes.contains(&code)
        {
            self.push(loc, format!("{what} {code} is not defined in errors.json"));
        }
    }

    fn struct_def(&self, name: &str) -> Option<&'a StructDef> {
        match self.types.get(name) {
            Some(TypeDef::Struct(s)) => Some(s),
            _ => None,
        }
    }

    // ---------------------------------------------------------------- service.json

    fn service(&mut self) {
        let s = &self.spec.service;
        const F: &str = "service.json";
        if !s.url.starts_with("https://") {
            self.push(
                format!("{F}: url"),
                format!("`{}` is not an https URL", s.url),
            );
        }
        for part in ["{domain}", "{service}", "{command}"] {
            if !s.url.contains(part) {
                self.push(format!("{F}: url"), format!("`{}` lacks `{part}`", s.url));
            }
        }
        let mut names = HashSet::new();
        for (i, q) in s.query.iter().enumerate() {
            let loc = format!("{F}: query[{i}] ({})", q.name);
            if q.name.is_empty() || !names.insert(q.name.as_str()) {
                self.push(&loc, "query parameter names must be non-empty and unique");
            }
            if matches!(
                q.ty,
                TypeRef::Named(_) | TypeRef::Array(_) | TypeRef::Map(_) | TypeRef::Json
            ) {
                self.push(
                    &loc,
                    format!(
                        "type `{}`: query parameters must be strings, bools or integers",
                        q.ty
                    ),
                );
            }
            if q.value.is_some() && q.ty != TypeRef::String {
                self.push(&loc, "a fixed `value` needs type `string`");
            }
            self.code(&loc, "error", q.error);
        }
        self.fields(F, "envelope", &s.envelope);
        for required in ["ActionStatus", "ErrorCode", "ErrorInfo"] {
            if !s.envelope.iter().any(|f| f.json == required) {
                self.push(
                    format!("{F}: envelope"),
                    format!("lacks the `{required}` field"),
                );
            }
        }
        let (mut names, mut ids) = (HashSet::new(), HashSet::new());
        for (i, r) in s.regions.iter().enumerate() {
            let loc = format!("{F}: regions[{i}] ({})", r.id);
            if !is_pascal_case(&r.name) {
                self.push(
                    &loc,
                    format!("name `{}` is not a PascalCase Rust identifier", r.name),
                );
            }
            if !names.insert(r.name.as_str()) {
                self.push(&loc, format!("duplicate region name `{}`", r.name));
            }
            if !is_snake_case(&r.id) {
                self.push(&loc, format!("id `{}` is not lowercase snake_case", r.id));
            }
            if !ids.insert(r.id.as_str()) {
                self.push(&loc, format!("duplicate region id `{}`", r.id));
            }
            if r.domain.is_empty() || r.domain.contains('/') || r.domain.contains(':') {
                self.push(
                    &loc,
                    format!("domain `{}` must be a bare host name", r.domain),
                );
            }
        }
    }

    // ---------------------------------------------------------------- errors.json

    fn errors(&mut self, errors: &[ErrorCodeDef]) {
        let (mut codes, mut names) = (HashSet::new(), HashSet::new());
        for e in errors {
            let loc = format!("errors.json: code {} ({})", e.code, e.name);
            if e.code == 0 {
                self.push(&loc, "0 means success, not an error");
            }
            if !codes.insert(e.code) {
                self.push(&loc, format!("duplicate error code {}", e.code));
            }
            if !is_pascal_case(&e.name) {
                self.push(
                    &loc,
                    format!("name `{}` is not a PascalCase Rust identifier", e.name),
                );
            }
            if !names.insert(e.name.as_str()) {
                self.push(&loc, format!("duplicate error name `{}`", e.name));
            }
            if e.description.trim().is_empty() {
                self.push(&loc, "empty description");
            }
        }
    }

    // ---------------------------------------------------------------- types.json

    fn type_defs(&mut self) {
        let generated: HashSet<String> = self
            .spec
            .endpoints
            .iter()
            .flat_map(|e| [e.request_type(), e.response_type()])
            .collect();
        let mut names = HashSet::new();
        for (i, t) in self.spec.types.iter().enumerate() {
            let base = format!("types.json: types[{i}] ({})", t.name());
            if !is_pascal_case(t.name()) {
                self.push(
                    &base,
                    format!("name `{}` is not a PascalCase Rust identifier", t.name()),
                );
            }
            if !names.insert(t.name()) {
                self.push(&base, format!("duplicate type name `{}`", t.name()));
            }
            if generated.contains(t.name()) {
                self.push(
                    &base,
                    format!(
                        "name `{}` collides with a generated request/response type",
                        t.name()
                    ),
                );
            }
            match t {
                TypeDef::Struct(s) => {
                    self.fields(
                        "types.json",
                        &format!("types[{i}] ({}).fields", s.name),
                        &s.fields,
                    );
                    self.rules(&base, &s.fields, &s.rules);
                }
                TypeDef::Union(u) => self.union(&base, u),
            }
        }
    }

    fn union(&mut self, base: &str, u: &UnionDef) {
        if u.tag.is_empty() || u.content.is_empty() || u.tag == u.content {
            self.push(
                base,
                "`tag` and `content` must be two different, non-empty JSON names",
            );
        }
        if u.variants.is_empty() {
            self.push(base, "a union needs at least one variant");
        }
        let (mut names, mut tags) = (HashSet::new(), HashSet::new());
        for (j, v) in u.variants.iter().enumerate() {
            let loc = format!("{base}.variants[{j}] ({})", v.name);
            if !is_pascal_case(&v.name) {
                self.push(
                    &loc,
                    format!("name `{}` is not a PascalCase Rust identifier", v.name),
                );
            }
            if !names.insert(v.name.as_str()) {
                self.push(&loc, format!("duplicate variant name `{}`", v.name));
            }
            if v.tag.is_empty() || !tags.insert(v.tag.as_str()) {
                self.push(&loc, format!("tag `{}` is empty or used twice", v.tag));
            }
            match self.types.get(v.ty.as_str()) {
                None => self.push(&loc, format!("unknown type `{}`", v.ty)),
                Some(TypeDef::Union(_)) => self.push(
                    &loc,
                    format!(
                        "variant type `{}` is a union; variants must be structs",
                        v.ty
                    ),
                ),
                Some(TypeDef::Struct(_)) => {}
            }
        }
    }

    // ---------------------------------------------------------------- fields, limits, rules

    /// Checks a field list; `list` is the path of the list inside `file` (`request.fields`).
    fn fields(&mut self, file: &str, list: &str, fields: &[Field]) {
        let (mut json, mut rust) = (HashSet::new(), HashSet::new());
        for (i, f) in fields.iter().enumerate() {
            let loc = format!("{file}: {list}[{i}] ({})", f.json);
            if f.json.is_empty() {
                self.push(&loc, "empty JSON name");
            }
            if !json.insert(f.json.as_str()) {
                self.push(&loc, format!("duplicate JSON name `{}`", f.json));
            }
            let name = f.rust_name();
            if !is_snake_case(&name) {
                self.push(
                    &loc,
                    format!(
                        "Rust name `{name}` is not a valid snake_case identifier or is a keyword \
                         (set `rust` to rename it)"
                    ),
                );
            }
            if !rust.insert(name.clone()) {
                self.push(&loc, format!("duplicate Rust name `{name}`"));
            }
            self.type_ref(&loc, &f.ty);
            for (j, l) in f.limits.iter().enumerate() {
                self.limit(&format!("{loc}.limits[{j}]"), &f.ty, l);
            }
            self.limit_bounds(&loc, &f.limits);
        }
    }

    fn type_ref(&mut self, loc: &str, ty: &TypeRef) {
        match ty {
            TypeRef::Array(t) | TypeRef::Map(t) => self.type_ref(loc, t),
            TypeRef::Named(n) if !self.types.contains_key(n.as_str()) => {
                self.push(loc, format!("unknown type `{n}`"));
            }
            _ => {}
        }
    }

    fn limit(&mut self, loc: &str, ty: &TypeRef, l: &Limit) {
        let is_array = matches!(ty, TypeRef::Array(_));
        let is_map = matches!(ty, TypeRef::Map(_));
        let of_strings =
            matches!(ty, TypeRef::Array(t) | TypeRef::Map(t) if **t == TypeRef::String);
        let (fits, applies_to) = match &l.kind {
            LimitKind::MaxItems { .. } | LimitKind::MinItems { .. } => {
                (is_array || is_map, "arrays and maps")
            }
            LimitKind::MaxBytes { .. }
            | LimitKind::MinBytes { .. }
            | LimitKind::AllowedStrings { .. } => (*ty == TypeRef::String, "strings"),
            LimitKind::ItemMaxBytes { .. } | LimitKind::ItemMinBytes { .. } => {
                (of_strings, "arrays of strings and maps to strings")
            }
            LimitKind::UniqueItems => (is_array, "arrays"),
            LimitKind::KeyMaxBytes { .. }
            | LimitKind::KeyMinBytes { .. }
            | LimitKind::AllowedKeys { .. } => (is_map, "maps"),
            LimitKind::MaxValue { .. }
            | LimitKind::MinValue { .. }
            | LimitKind::AllowedValues { .. } => (ty.is_integer(), "integers"),
        };
        if !fits {
            self.push(
                loc,
                format!(
                    "`{}` does not fit type `{ty}` (it applies to {applies_to})",
                    l.kind.name()
                ),
            );
        } else if let Some((lo, hi)) = int_range(ty) {
            let values: Vec<i64> = match &l.kind {
                LimitKind::MaxValue { value } | LimitKind::MinValue { value } => vec![*value],
                LimitKind::AllowedValues { values } => values.clone(),
                _ => Vec::new(),
            };
            for v in values {
                if i128::from(v) < lo || i128::from(v) > hi {
                    self.push(loc, format!("value {v} is out of range for type `{ty}`"));
                }
            }
        }
        self.code(loc, "error", l.error);
    }

    fn limit_bounds(&mut self, loc: &str, limits: &[Limit]) {
        let mut mins: HashMap<&str, i128> = HashMap::new();
        let mut maxs: HashMap<&str, i128> = HashMap::new();
        for l in limits {
            let (what, is_min, value) = match &l.kind {
                LimitKind::MinItems { value } => ("items", true, i128::from(*value)),
                LimitKind::MaxItems { value } => ("items", false, i128::from(*value)),
                LimitKind::MinBytes { value } => ("bytes", true, i128::from(*value)),
                LimitKind::MaxBytes { value } => ("bytes", false, i128::from(*value)),
                LimitKind::ItemMinBytes { value } => ("item bytes", true, i128::from(*value)),
                LimitKind::ItemMaxBytes { value } => ("item bytes", false, i128::from(*value)),
                LimitKind::KeyMinBytes { value } => ("key bytes", true, i128::from(*value)),
                LimitKind::KeyMaxBytes { value } => ("key bytes", false, i128::from(*value)),
                LimitKind::MinValue { value } => ("value", true, i128::from(*value)),
                LimitKind::MaxValue { value } => ("value", false, i128::from(*value)),
                _ => continue,
            };
            if is_min {
                mins.insert(what, value);
            } else {
                maxs.insert(what, value);
            }
        }
        for what in ["items", "bytes", "item bytes", "key bytes", "value"] {
            if let (Some(min), Some(max)) = (mins.get(what), maxs.get(what))
                && min > max
            {
                self.push(
                    loc,
                    format!("minimum {what} {min} is above the maximum {max}"),
                );
            }
        }
    }

    /// Checks the rules of a struct or message; `base` locates their owner.
    fn rules(&mut self, base: &str, fields: &[Field], rules: &[Rule]) {
        for (j, r) in rules.iter().enumerate() {
            let loc = format!("{base}.rules[{j}]");
            match r {
                Rule::Exclusive { groups, error } => {
                    if groups.len() < 2 {
                        self.push(&loc, "`exclusive` needs at least two groups");
                    }
                    let mut seen = HashSet::new();
                    for name in groups.iter().flatten() {
                        if !seen.insert(name.as_str()) {
                            self.push(&loc, format!("field `{name}` is in more than one group"));
                        }
                        match fields.iter().find(|f| &f.json == name) {
                            None => self.push(&loc, format!("field `{name}` does not exist")),
                            Some(f) if f.required => self.push(
                                &loc,
                                format!("field `{name}` is required, so it cannot be left out"),
                            ),
                            Some(_) => {}
                        }
                    }
                    self.code(&loc, "error", *error);
                }
                Rule::Disjoint {
                    fields: names,
                    error,
                } => {
                    if names.len() != 2 {
                        self.push(&loc, "`disjoint` names exactly two fields");
                    }
                    let mut item_types = Vec::new();
                    for name in names {
                        match fields.iter().find(|f| &f.json == name) {
                            None => self.push(&loc, format!("field `{name}` does not exist")),
                            Some(f) => match &f.ty {
                                TypeRef::Array(t) => item_types.push(t.clone()),
                                other => self.push(
                                    &loc,
                                    format!("field `{name}` has type `{other}`, not an array"),
                                ),
                            },
                        }
                    }
                    if item_types.windows(2).any(|w| w[0] != w[1]) {
                        self.push(&loc, "the two arrays have different item types");
                    }
                    self.code(&loc, "error", *error);
                }
            }
        }
    }

    // ---------------------------------------------------------------- endpoints

    fn endpoints(&mut self) {
        let (mut paths, mut methods) = (HashSet::new(), HashSet::new());
        for e in &self.spec.endpoints {
            let file = e.file();
            if !is_snake_case(&e.service) || !is_snake_case(&e.command) {
                self.push(
                    format!("{file}: service/command"),
                    format!("`{}/{}` must be lowercase snake_case", e.service, e.command),
                );
            }
            if !paths.insert((e.service.as_str(), e.command.as_str())) {
                self.push(
                    format!("{file}: command"),
                    format!("duplicate endpoint `{}`", e.path()),
                );
            }
            if !is_snake_case(&e.method) {
                self.push(
                    format!("{file}: method"),
                    format!(
                        "`{}` is not a snake_case Rust identifier or is a keyword",
                        e.method
                    ),
                );
            }
            if !methods.insert(e.method.as_str()) {
                self.push(
                    format!("{file}: method"),
                    format!("duplicate method name `{}`", e.method),
                );
            }
            if e.title.trim().is_empty() {
                self.push(format!("{file}: title"), "empty title");
            }
            if !e.doc_url.starts_with("https://") {
                self.push(
                    format!("{file}: doc_url"),
                    format!("`{}` is not an https URL", e.doc_url),
                );
            }
            self.endpoint(&file, e);
        }
    }

    fn endpoint(&mut self, file: &str, e: &Endpoint) {
        let rl = &e.rate_limit;
        let loc = format!("{file}: rate_limit");
        self.code(&loc, "error", rl.error);
        self.code(&loc, "per_day_error", rl.per_day_error);
        if rl.per_day_error.is_some() && rl.per_day.is_none() {
            self.push(&loc, "`per_day_error` without `per_day`");
        }

        match (e.retry, &e.idempotency_key) {
            (RetrySafety::IdempotencyKey, None) => self.push(
                format!("{file}: retry"),
                "`idempotency_key` retry needs an `idempotency_key` field name",
            ),
            (RetrySafety::IdempotencyKey, Some(key)) => {
                match e.request.fields.iter().find(|f| &f.json == key) {
                    None => self.push(
                        format!("{file}: idempotency_key"),
                        format!("request field `{key}` does not exist"),
                    ),
                    Some(f) if !matches!(f.ty, TypeRef::U32 | TypeRef::U64) || !f.required => {
                        self.push(
                            format!("{file}: idempotency_key"),
                            format!(
                                "request field `{key}` must be a required u32 or u64 (it is {} `{}`)",
                                if f.required { "required" } else { "optional" },
                                f.ty
                            ),
                        )
                    }
                    Some(_) => {}
                }
            }
            (_, Some(_)) => self.push(
                format!("{file}: idempotency_key"),
                "`idempotency_key` is only allowed when `retry` is `idempotency_key`",
            ),
            (_, None) => {}
        }

        if let Some(b) = &e.batch {
            let loc = format!("{file}: batch");
            match e.request.fields.iter().find(|f| f.json == b.field) {
                None => self.push(&loc, format!("request field `{}` does not exist", b.field)),
                Some(f) => match (&f.ty, &b.account) {
                    (TypeRef::Array(item), None) if **item == TypeRef::String => {}
                    (TypeRef::Array(item), Some(acc)) => match &**item {
                        TypeRef::Named(n) => {
                            if let Some(s) = self.struct_def(n) {
                                match s.fields.iter().find(|x| &x.json == acc) {
                                    None => self.push(&loc, format!("`{n}` has no field `{acc}`")),
                                    Some(x) if x.ty != TypeRef::String => self.push(
                                        &loc,
                                        format!("`{n}.{acc}` has type `{}`, not string", x.ty),
                                    ),
                                    Some(_) => {}
                                }
                            } else {
                                self.push(&loc, format!("item type `{n}` is not a struct"));
                            }
                        }
                        other => self.push(
                            &loc,
                            format!("`account` needs an array of structs, not of `{other}`"),
                        ),
                    },
                    (TypeRef::Array(item), None) => self.push(
                        &loc,
                        format!("items are `{item}`: name the account field with `account`"),
                    ),
                    (other, _) => self.push(
                        &loc,
                        format!("field `{}` has type `{other}`, not an array", b.field),
                    ),
                },
            }
        }

        let mut seen = HashSet::new();
        for (i, code) in e.errors.iter().enumerate() {
            let loc = format!("{file}: errors[{i}]");
            if !seen.insert(*code) {
                self.push(&loc, format!("error code {code} is listed twice"));
            }
            self.code(&loc, "error code", Some(*code));
        }

        // Every code the request's limits, rules and rate limits can produce must be listed,
        // so callers (and the generated docs) see every answer the endpoint can give.
        let mut reachable = BTreeSet::new();
        reachable.extend(rl.error);
        reachable.extend(rl.per_day_error);
        self.request_codes(
            &e.request.fields,
            &e.request.rules,
            &mut reachable,
            &mut HashSet::new(),
        );
        for code in reachable {
            // Undefined codes are reported where they are used.
            if self.codes.contains(&code) && !e.errors.contains(&code) {
                self.push(
                    format!("{file}: errors"),
                    format!("error code {code} is answered by a limit, rule or rate limit of this request but not listed"),
                );
            }
        }

        self.message(file, "request", &e.request);
        self.message(file, "response", &e.response);
        let envelope = &self.spec.service.envelope;
        for (i, f) in e.response.fields.iter().enumerate() {
            if envelope
                .iter()
                .any(|x| x.json == f.json || x.rust_name() == f.rust_name())
            {
                self.push(
                    format!("{file}: response.fields[{i}] ({})", f.json),
                    "redefines an envelope field (service.json adds the envelope to every response)",
                );
            }
        }

        let mut names = HashSet::new();
        for (k, s) in e.samples.iter().enumerate() {
            let base = format!("{file}: samples[{k}] ({})", s.name);
            if !is_snake_case(&s.name) || !names.insert(s.name.as_str()) {
                self.push(&base, "sample names must be unique snake_case identifiers");
            }
            if let Some(req) = &s.request {
                let fields: Vec<&Field> = e.request.fields.iter().collect();
                self.sample_object(&format!("{base}.request"), req, &fields, &e.request_type());
            }
            if let Some(resp) = &s.response {
                let fields: Vec<&Field> = envelope.iter().chain(&e.response.fields).collect();
                self.sample_object(
                    &format!("{base}.response"),
                    resp,
                    &fields,
                    &e.response_type(),
                );
            }
        }
    }

    /// Collects the error codes of the limits and rules of `fields`, following named types.
    fn request_codes(
        &self,
        fields: &[Field],
        rules: &[Rule],
        out: &mut BTreeSet<i64>,
        seen: &mut HashSet<&'a str>,
    ) {
        for rule in rules {
            match rule {
                Rule::Exclusive { error, .. } | Rule::Disjoint { error, .. } => out.extend(*error),
            }
        }
        for f in fields {
            out.extend(f.limits.iter().filter_map(|l| l.error));
            self.type_codes(&f.ty, out, seen);
        }
    }

    fn type_codes(&self, ty: &TypeRef, out: &mut BTreeSet<i64>, seen: &mut HashSet<&'a str>) {
        match ty {
            TypeRef::Array(t) | TypeRef::Map(t) => self.type_codes(t, out, seen),
            TypeRef::Named(n) => {
                let Some((name, def)) = self.types.get_key_value(n.as_str()) else {
                    return;
                };
                if !seen.insert(name) {
                    return;
                }
                match def {
                    TypeDef::Struct(s) => self.request_codes(&s.fields, &s.rules, out, seen),
                    TypeDef::Union(u) => {
                        for v in &u.variants {
                            self.type_codes(&TypeRef::Named(v.ty.clone()), out, seen);
                        }
                    }
                }
            }
            _ => {}
        }
    }

    fn message(&mut self, file: &str, which: &str, m: &Message) {
        self.fields(file, &format!("{which}.fields"), &m.fields);
        self.rules(&format!("{file}: {which}"), &m.fields, &m.rules);
    }

    // ---------------------------------------------------------------- samples

    fn sample_object(&mut self, loc: &str, v: &Value, fields: &[&Field], owner: &str) {
        let Value::Object(obj) = v else {
            self.push(
                loc,
                format!("expected an object (`{owner}`), found {}", describe(v)),
            );
            return;
        };
        for (k, x) in obj {
            match fields.iter().find(|f| &f.json == k) {
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
                let (lo, hi) = int_range(ty).unwrap_or((0, 0));
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
