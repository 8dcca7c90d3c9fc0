//! Endpoints: names and paths, rate limits, retry and idempotency settings, the batch
//! field, listed error codes (every code the request's limits and rules answer is listed),
//! and the request and response messages with their samples.

use super::Checker;
use super::names::{is_path_segment, is_snake_case};
use crate::model::{Endpoint, Field, Message, RetrySafety, Rule, TypeDef, TypeRef};
use std::collections::{BTreeSet, HashSet};

impl<'a> Checker<'a> {
    pub(super) fn endpoints(&mut self) {
        let (mut paths, mut methods) = (HashSet::new(), HashSet::new());
        let spec = self.spec;
        for e in &spec.endpoints {
            let file = e.file();
            self.scope(Some(&e.service));
            if !is_path_segment(&e.service) || !is_path_segment(&e.command) {
                self.push(
                    format!("{file}: service/command"),
                    format!(
                        "`{}/{}`: each part must be ASCII letters, digits and `_`, starting with a letter",
                        e.service, e.command
                    ),
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
            if !methods.insert((e.service.as_str(), e.method.as_str())) {
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
        self.scope(None);
    }

    fn assumptions(&mut self, file: &str, e: &Endpoint) {
        let mut seen = HashSet::new();
        for (i, a) in e.assumptions.iter().enumerate() {
            let loc = format!("{file}: assumptions[{i}] ({})", a.about);
            if a.doc.trim().is_empty() {
                self.push(&loc, "an assumption needs its `doc`");
            }
            if !seen.insert(a.about.as_str()) {
                self.push(&loc, "said twice");
            }
            let ok = match a.about.split_once('.') {
                None => a.about == "retry",
                Some(("rate_limit", "error")) => e.rate_limit.error.is_some(),
                Some(("rate_limit", "per_second")) => e.rate_limit.per_second.is_some(),
                Some(("errors", code)) => code.parse().is_ok_and(|c: i64| e.errors.contains(&c)),
                Some(("request", json)) => e.request.fields.iter().any(|f| f.json == json),
                Some(("response", json)) => e.response.fields.iter().any(|f| f.json == json),
                Some(("query", name)) => e.query.iter().any(|q| q.json == name),
                _ => false,
            };
            if !ok {
                self.push(
                    &loc,
                    "`about` must name `retry`, `rate_limit.error`, `rate_limit.per_second` (when \
                     set), `errors.{code}` (a listed code), `request.{Json}` / \
                     `response.{Json}` (a top-level field) or `query.{name}` (one of the \
                     endpoint's own query parameters)",
                );
            }
        }
    }

    fn endpoint(&mut self, file: &str, e: &Endpoint) {
        self.assumptions(file, e);
        // The endpoint's own query parameters: scalars, named apart from the API-wide ones
        // and from the body's fields (they share the request type).
        self.fields(file, "query", &e.query);
        for (i, q) in e.query.iter().enumerate() {
            let loc = format!("{file}: query[{i}] ({})", q.json);
            if !(q.ty.is_integer() || q.ty == TypeRef::String || q.ty == TypeRef::Bool) {
                self.push(
                    &loc,
                    format!(
                        "a query parameter is a string, bool or integer, not `{}`",
                        q.ty
                    ),
                );
            }
            if self.spec.api.query.iter().any(|p| p.name == q.json) {
                self.push(
                    &loc,
                    "the API-wide query parameters (api.json) already have this name",
                );
            }
            if e.request
                .fields
                .iter()
                .any(|f| f.json == q.json || f.rust_name() == q.rust_name())
            {
                self.push(&loc, "a request body field has the same name");
            }
            if q.default.is_some() {
                self.push(&loc, "`default` is not supported on query parameters");
            }
        }
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
                Some(f) if !f.required => self.push(
                    &loc,
                    format!(
                        "field `{}` is optional: a batch field must be required (bulk jobs fill it)",
                        b.field
                    ),
                ),
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
            if let Some(r) = &b.results {
                let at = format!("{loc}.results");
                self.struct_array_field(&at, &e.response.fields, &r.field, &r.account);
                self.result_fields(&at, &e.response.fields, r);
            }
            if let Some(r) = &b.failures {
                let at = format!("{loc}.failures");
                self.struct_array_field(&at, &e.response.fields, &r.field, &r.account);
                self.result_fields(&at, &e.response.fields, r);
                if r.code.is_none() {
                    self.push(&at, "`code` is required: each failure carries its code");
                }
                if r.success.is_some() {
                    self.push(
                        &at,
                        "`success` is for `results`: every listed failure is a failure",
                    );
                }
            }
            if let Some(sp) = &b.split {
                let at = format!("{loc}.split");
                self.code(&at, "error", sp.error);
                let item = e
                    .request
                    .fields
                    .iter()
                    .find(|f| f.json == b.field)
                    .and_then(|f| match &f.ty {
                        TypeRef::Array(t) => match &**t {
                            TypeRef::Named(n) => self.struct_def(n),
                            _ => None,
                        },
                        _ => None,
                    });
                match item.and_then(|s| s.fields.iter().find(|x| x.json == sp.field)) {
                    None => self.push(
                        &at,
                        format!("the batch items have no field `{}` to split", sp.field),
                    ),
                    Some(f) => {
                        let per_request = f
                            .limits
                            .iter()
                            .any(|l| matches!(l.kind, crate::model::LimitKind::MaxItems { .. }));
                        if !matches!(f.ty, TypeRef::Array(_)) || !per_request {
                            self.push(
                                &at,
                                format!(
                                    "`{}` must be an array with a `max_items` limit (the size of one part)",
                                    sp.field
                                ),
                            );
                        }
                    }
                }
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
        self.request_codes(&e.query, &[], &mut reachable, &mut HashSet::new());
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
        let envelope = &self.spec.api.envelope;
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
            if s.origin == crate::model::SampleOrigin::Project
                && (s.note.as_deref().is_none_or(|n| n.trim().is_empty()) || s.request.is_none())
            {
                self.push(
                    &base,
                    "a project sample needs a request and a `note` saying what it reaches that no doc sample does",
                );
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
        out.extend(rules.iter().filter_map(Rule::error));
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

    /// Checks that a batch result's `code` is an integer field and `info` a string field of
    /// the result struct.
    fn result_fields(&mut self, loc: &str, fields: &[Field], r: &crate::model::BatchResults) {
        let item = fields
            .iter()
            .find(|f| f.json == r.field)
            .and_then(|f| match &f.ty {
                TypeRef::Array(t) => match &**t {
                    TypeRef::Named(n) => self.struct_def(n),
                    _ => None,
                },
                _ => None,
            });
        let Some(item) = item else { return };
        if let Some(code) = &r.code
            && !item
                .fields
                .iter()
                .any(|f| &f.json == code && f.ty.is_integer())
        {
            self.push(
                loc,
                format!("`{}` has no integer field `{code}`", item.name),
            );
        }
        if let Some(info) = &r.info
            && !item
                .fields
                .iter()
                .any(|f| &f.json == info && f.ty == TypeRef::String)
        {
            self.push(loc, format!("`{}` has no string field `{info}`", item.name));
        }
        if let Some(success) = &r.success {
            let range = r.code.as_ref().and_then(|code| {
                item.fields
                    .iter()
                    .find(|f| &f.json == code)
                    .and_then(|f| f.ty.int_range())
            });
            if r.code.is_none() {
                self.push(
                    loc,
                    "`success` needs `code`: the field whose values it lists",
                );
            }
            if success.is_empty() {
                self.push(loc, "`success` is empty: no result could succeed");
            }
            let mut seen = std::collections::BTreeSet::new();
            for v in success {
                if !seen.insert(*v) {
                    self.push(loc, format!("`success` lists {v} twice"));
                }
                if let Some((min, max)) = range
                    && !(min..=max).contains(&i128::from(*v))
                {
                    self.push(
                        loc,
                        format!(
                            "`success` value {v} does not fit the type of `code` ({min}..={max})"
                        ),
                    );
                }
            }
        }
    }

    /// Checks that `fields` has an array `field` of structs with a string field `account`.
    fn struct_array_field(&mut self, loc: &str, fields: &[Field], field: &str, account: &str) {
        let item = fields
            .iter()
            .find(|f| f.json == field)
            .and_then(|f| match &f.ty {
                TypeRef::Array(t) => match &**t {
                    TypeRef::Named(n) => self.struct_def(n),
                    _ => None,
                },
                _ => None,
            });
        match item {
            None => self.push(loc, format!("`{field}` is not a response array of structs")),
            Some(s)
                if !s
                    .fields
                    .iter()
                    .any(|f| f.json == account && f.ty == TypeRef::String) =>
            {
                self.push(loc, format!("`{}` has no string field `{account}`", s.name))
            }
            Some(_) => {}
        }
    }

    fn message(&mut self, file: &str, which: &str, m: &Message) {
        self.fields(file, &format!("{which}.fields"), &m.fields);
        self.rules(&format!("{file}: {which}"), &m.fields, &m.rules);
    }
}
