//! The emitters, one per generated file, and the [`Context`] they share: the spec with every
//! name resolved to a Rust identifier and every reference checked, plus the doc helpers.
//!
//! All checks happen once, in [`Context::new`], so the emitters only turn a consistent model
//! into tokens.

pub mod endpoints;
pub mod errors;
pub mod methods;
pub mod regions;
pub mod types;
pub mod validate;

use crate::CodegenError;
use crate::naming::{self, Scope};
use proc_macro2::{Ident, TokenStream};
use quote::quote;
use std::collections::{BTreeMap, BTreeSet};
use tim_spec::{
    Endpoint, Field, Limit, LimitKind, RetrySafety, Rule, Spec, StructDef, TypeDef, TypeRef,
};

/// A spec field with its Rust name and its place in the spec.
#[derive(Debug)]
pub struct FieldInfo<'a> {
    /// The spec field.
    pub def: &'a Field,
    /// Rust field name.
    pub ident: Ident,
    /// Where it is, for messages (`types.json: UserTags.fields[0] (To_Account)`).
    pub location: String,
}

/// A struct to generate: a shared struct type, a request or a response.
#[derive(Debug)]
pub struct StructInfo<'a> {
    /// Rust type name.
    pub ident: Ident,
    /// Fields in wire order (for responses: the envelope first).
    pub fields: Vec<FieldInfo<'a>>,
    /// Rules across fields.
    pub rules: &'a [Rule],
    /// Where it is in the spec.
    pub location: String,
}

/// An endpoint with its resolved names.
#[derive(Debug)]
pub struct EndpointInfo<'a> {
    /// The spec endpoint.
    pub def: &'a Endpoint,
    /// `Client` method name (`get_tag`).
    pub method: Ident,
    /// Endpoint constant name (`GET_TAG`).
    pub constant: Ident,
    /// The request body type (`GetTagRequest`).
    pub request: StructInfo<'a>,
    /// The response body type (`GetTagResponse`), envelope included.
    pub response: StructInfo<'a>,
    /// `endpoints/{service}/{command}.json`.
    pub file: String,
}

/// The spec, resolved and checked, shared by every emitter.
#[derive(Debug)]
pub struct Context<'a> {
    /// The spec itself.
    pub spec: &'a Spec,
    /// Shared struct types, in spec order.
    pub structs: Vec<(&'a StructDef, StructInfo<'a>)>,
    /// Endpoints, in spec order (service, then command).
    pub endpoints: Vec<EndpointInfo<'a>>,
    types: BTreeMap<&'a str, &'a TypeDef>,
    defaultable: BTreeSet<&'a str>,
    needs_check: BTreeSet<&'a str>,
}

impl<'a> Context<'a> {
    /// Resolves every name and checks every reference of `spec`.
    pub fn new(spec: &'a Spec) -> Result<Context<'a>, CodegenError> {
        let mut types = BTreeMap::new();
        let mut type_scope = Scope::new("generated/types.rs");
        for (i, t) in spec.types.iter().enumerate() {
            let location = format!("types.json: types[{i}] ({})", t.name());
            if naming::pascal_ident(t.name(), &location, "type name")? != t.name() {
                return Err(CodegenError::InvalidName {
                    location,
                    name: t.name().to_owned(),
                    kind: "type name",
                    reason: "reserved word".to_owned(),
                });
            }
            type_scope.claim(t.name(), &location)?;
            types.insert(t.name(), t);
        }
        let mut ctx = Context {
            spec,
            structs: Vec::new(),
            endpoints: Vec::new(),
            types,
            defaultable: BTreeSet::new(),
            needs_check: BTreeSet::new(),
        };
        for t in &spec.types {
            match t {
                TypeDef::Struct(s) => {
                    let location = format!("types.json: {}", s.name);
                    let info = ctx.struct_info(&s.name, &[], &s.fields, &s.rules, &location)?;
                    ctx.structs.push((s, info));
                }
                TypeDef::Union(u) => {
                    let location = format!("types.json: {}", u.name);
                    let mut scope = Scope::new(&location);
                    let mut tags = Scope::new(format!("{location} (tags)"));
                    for (i, v) in u.variants.iter().enumerate() {
                        let at = format!("{location}.variants[{i}] ({})", v.name);
                        naming::pascal_ident(&v.name, &at, "variant name")?;
                        scope.claim(&v.name, &at)?;
                        tags.claim(&v.tag, &at)?;
                        if !matches!(ctx.types.get(v.ty.as_str()), Some(TypeDef::Struct(_))) {
                            return Err(CodegenError::BadVariant {
                                location: at,
                                name: v.ty.clone(),
                            });
                        }
                    }
                }
            }
        }
        let mut methods = Scope::new("Client methods");
        let envelope = &spec.service.envelope;
        for ep in &spec.endpoints {
            let file = format!("endpoints/{}/{}.json", ep.service, ep.command);
            let method = naming::method_ident(&ep.method, &file)?;
            methods.claim(&ep.method, &file)?;
            let constant = naming::const_ident(&ep.method, &file)?;
            let prefix = naming::method_type_prefix(&ep.method);
            let req_name = format!("{prefix}Request");
            let resp_name = format!("{prefix}Response");
            type_scope.claim(&req_name, &file)?;
            type_scope.claim(&resp_name, &file)?;
            let request = ctx.struct_info(
                &req_name,
                &[],
                &ep.request.fields,
                &ep.request.rules,
                &format!("{file}: request"),
            )?;
            let response = ctx.struct_info(
                &resp_name,
                envelope,
                &ep.response.fields,
                &ep.response.rules,
                &format!("{file}: response"),
            )?;
            check_endpoint_refs(ep, &request, &file)?;
            ctx.endpoints.push(EndpointInfo {
                def: ep,
                method,
                constant,
                request,
                response,
                file,
            });
        }
        ctx.compute_defaultable();
        ctx.compute_needs_check();
        Ok(ctx)
    }

    fn struct_info(
        &self,
        name: &str,
        envelope: &'a [Field],
        fields: &'a [Field],
        rules: &'a [Rule],
        location: &str,
    ) -> Result<StructInfo<'a>, CodegenError> {
        let ident = naming::pascal_ident(name, location, "type name")?;
        let mut scope = Scope::new(location);
        let mut wire = Scope::new(format!("{location} (JSON names)"));
        let mut out = Vec::new();
        let all = envelope
            .iter()
            .enumerate()
            .map(|(i, f)| (format!("service.json: envelope[{i}] ({})", f.json), f))
            .chain(
                fields
                    .iter()
                    .enumerate()
                    .map(|(i, f)| (format!("{location}.fields[{i}] ({})", f.json), f)),
            );
        for (at, f) in all {
            let ident = naming::field_ident(&f.json, f.rust.as_deref(), &at)?;
            scope.claim(&ident.to_string(), &at)?;
            wire.claim(&f.json, &at)?;
            self.check_type(&f.ty, &at)?;
            for limit in &f.limits {
                check_limit(limit, &f.ty, &at)?;
            }
            out.push(FieldInfo {
                def: f,
                ident,
                location: at,
            });
        }
        let info = StructInfo {
            ident,
            fields: out,
            rules,
            location: location.to_owned(),
        };
        for (i, rule) in rules.iter().enumerate() {
            check_rule(rule, &info, &format!("{location}.rules[{i}]"))?;
        }
        Ok(info)
    }

    fn check_type(&self, ty: &TypeRef, location: &str) -> Result<(), CodegenError> {
        match ty {
            TypeRef::Array(t) | TypeRef::Map(t) => self.check_type(t, location),
            TypeRef::Named(n) if !self.types.contains_key(n.as_str()) => {
                Err(CodegenError::UnknownType {
                    location: location.to_owned(),
                    name: n.clone(),
                })
            }
            _ => Ok(()),
        }
    }

    /// The union definition behind a name, if it is one.
    pub fn union(&self, name: &str) -> Option<&'a tim_spec::UnionDef> {
        match self.types.get(name) {
            Some(TypeDef::Union(u)) => Some(u),
            _ => None,
        }
    }

    fn compute_defaultable(&mut self) {
        let mut set: BTreeSet<&'a str> =
            self.structs.iter().map(|(s, _)| s.name.as_str()).collect();
        loop {
            let before = set.len();
            for (s, _) in &self.structs {
                if !s
                    .fields
                    .iter()
                    .all(|f| !f.required || ty_default(&f.ty, &set))
                {
                    set.remove(s.name.as_str());
                }
            }
            if set.len() == before {
                break;
            }
        }
        self.defaultable = set;
    }

    fn compute_needs_check(&mut self) {
        let mut set = BTreeSet::new();
        loop {
            let before = set.len();
            for t in &self.spec.types {
                let needs = match t {
                    TypeDef::Struct(s) => {
                        !s.rules.is_empty()
                            || s.fields
                                .iter()
                                .any(|f| !f.limits.is_empty() || ty_needs(&f.ty, &set))
                    }
                    TypeDef::Union(u) => u.variants.iter().any(|v| set.contains(v.ty.as_str())),
                };
                if needs {
                    set.insert(t.name());
                }
            }
            if set.len() == before {
                break;
            }
        }
        self.needs_check = set;
    }

    /// Whether a struct made of `fields` can derive `Default`.
    pub fn fields_default(&self, fields: &[FieldInfo<'_>]) -> bool {
        fields
            .iter()
            .all(|f| !f.def.required || ty_default(&f.def.ty, &self.defaultable))
    }

    /// Whether a value of `ty` has anything to check (limits somewhere inside).
    pub fn ty_needs_check(&self, ty: &TypeRef) -> bool {
        ty_needs(ty, &self.needs_check)
    }

    /// Whether `ty` implements `Default`.
    pub fn ty_default(&self, ty: &TypeRef) -> bool {
        ty_default(ty, &self.defaultable)
    }

    /// The Rust type of a field's value (without the `Option` of optional fields); named
    /// types are referred to from the `types` module itself.
    pub fn rust_type(&self, ty: &TypeRef) -> TokenStream {
        match ty {
            TypeRef::String => quote!(::std::string::String),
            TypeRef::Bool => quote!(bool),
            TypeRef::U8 => quote!(u8),
            TypeRef::U16 => quote!(u16),
            TypeRef::U32 => quote!(u32),
            TypeRef::U64 => quote!(u64),
            TypeRef::I32 => quote!(i32),
            TypeRef::I64 => quote!(i64),
            TypeRef::F64 => quote!(f64),
            TypeRef::Json => quote!(::serde_json::Value),
            TypeRef::Array(t) => {
                let t = self.rust_type(t);
                quote!(::std::vec::Vec<#t>)
            }
            TypeRef::Map(t) => {
                let t = self.rust_type(t);
                quote!(::std::collections::BTreeMap<::std::string::String, #t>)
            }
            TypeRef::Named(n) => {
                let id = proc_macro2::Ident::new(n, proc_macro2::Span::call_site());
                quote!(#id)
            }
        }
    }

    /// `error 90018 ([`TooManyAccounts`](…))`, linking to the generated variant.
    pub fn error_ref(&self, code: i64) -> String {
        match self.spec.error(code) {
            Some(e) => format!(
                "error {code} ([`{0}`](crate::generated::errors::ErrorCode::{0}))",
                e.name
            ),
            None => format!("error {code}"),
        }
    }

    /// A limit in words, e.g. `at most 100 items (error 90018 (…))`.
    pub fn limit_words(&self, limit: &Limit) -> String {
        let words = match &limit.kind {
            LimitKind::MaxItems { value } => format!("at most {value} {}", plural(*value, "item")),
            LimitKind::MinItems { value } => format!("at least {value} {}", plural(*value, "item")),
            LimitKind::MaxBytes { value } => {
                format!("at most {value} {} (UTF-8)", plural(*value, "byte"))
            }
            LimitKind::MinBytes { value: 1 } => "non-empty".to_owned(),
            LimitKind::MinBytes { value } => format!("at least {value} bytes (UTF-8)"),
            LimitKind::ItemMaxBytes { value } => {
                format!(
                    "each item at most {value} {} (UTF-8)",
                    plural(*value, "byte")
                )
            }
            LimitKind::ItemMinBytes { value: 1 } => "each item non-empty".to_owned(),
            LimitKind::ItemMinBytes { value } => {
                format!("each item at least {value} bytes (UTF-8)")
            }
            LimitKind::UniqueItems => "no item twice".to_owned(),
            LimitKind::KeyMaxBytes { value } => {
                format!(
                    "each key at most {value} {} (UTF-8)",
                    plural(*value, "byte")
                )
            }
            LimitKind::KeyMinBytes { value: 1 } => "each key non-empty".to_owned(),
            LimitKind::KeyMinBytes { value } => format!("each key at least {value} bytes (UTF-8)"),
            LimitKind::AllowedKeys { values } => format!("keys among {}", code_list(values)),
            LimitKind::MaxValue { value } => format!("at most {value}"),
            LimitKind::MinValue { value } => format!("at least {value}"),
            LimitKind::AllowedValues { values } => {
                let v: Vec<String> = values.iter().map(i64::to_string).collect();
                format!("one of {}", v.join(", "))
            }
            LimitKind::AllowedStrings { values } => format!("one of {}", code_list(values)),
        };
        match limit.error {
            Some(code) => format!("{words} (else {})", self.error_ref(code)),
            None => words,
        }
    }

    /// A field's documentation: the spec doc, then its limits in words.
    pub fn field_doc(&self, f: &Field) -> String {
        let mut doc = f.doc.trim().to_owned();
        if !f.limits.is_empty() {
            let limits: Vec<String> = f.limits.iter().map(|l| self.limit_words(l)).collect();
            doc.push_str(&format!("\n\nLimits: {}.", limits.join("; ")));
        }
        doc
    }

    /// What every request type and method says about its endpoint: path, official page,
    /// rate limit, retry safety, batch field, documented errors (Markdown).
    pub fn endpoint_facts(&self, ep: &EndpointInfo<'_>) -> String {
        let e = ep.def;
        let mut out = format!(
            "`POST {}` ([official documentation](<{}>)).\n",
            e.path(),
            e.doc_url
        );
        let r = &e.rate_limit;
        let mut rate = Vec::new();
        if let Some(n) = r.per_second {
            rate.push(format!(
                "at most {n} {} per second",
                plural(n.into(), "call")
            ));
        }
        if let Some(ms) = r.min_interval_ms {
            rate.push(format!("calls more than {ms} ms apart"));
        }
        let mut rate = rate.join(", ");
        if let (false, Some(code)) = (rate.is_empty(), r.error) {
            rate.push_str(&format!(" (else {})", self.error_ref(code)));
        }
        if let Some(n) = r.per_day {
            if !rate.is_empty() {
                rate.push_str("; ");
            }
            rate.push_str(&format!("at most {n} {} per day", plural(n.into(), "call")));
            if let Some(code) = r.per_day_error {
                rate.push_str(&format!(" (else {})", self.error_ref(code)));
            }
        }
        if !rate.is_empty() {
            out.push_str(&format!("\n- Rate limit: {rate}."));
        }
        out.push_str(&format!("\n- Retry: {}.", retry_words(e)));
        if let Some(b) = &e.batch {
            let mut s = format!("\n- Batch: the accounts are listed in `{}`", b.field);
            if let Some(acc) = &b.account {
                s.push_str(&format!(" (account in `{acc}` of each item)"));
            }
            if let Some(max) = batch_max_items(e) {
                s.push_str(&format!(", at most {max} per call"));
            }
            s.push('.');
            out.push_str(&s);
        }
        if !e.errors.is_empty() {
            out.push_str("\n\nDocumented error codes:\n");
            for code in &e.errors {
                let line = match self.spec.error(*code) {
                    Some(def) => format!(
                        "\n- {code} [`{0}`](crate::generated::errors::ErrorCode::{0}): {1}",
                        def.name,
                        one_line(&def.description)
                    ),
                    None => format!("\n- {code}"),
                };
                out.push_str(&line);
            }
        }
        out
    }
}

/// The `max_items` limit of the endpoint's batch field, if any.
pub fn batch_max_items(e: &Endpoint) -> Option<u64> {
    let b = e.batch.as_ref()?;
    let f = e.request.fields.iter().find(|f| f.json == b.field)?;
    f.limits.iter().find_map(|l| match l.kind {
        LimitKind::MaxItems { value } => Some(value),
        _ => None,
    })
}

fn retry_words(e: &Endpoint) -> String {
    match e.retry {
        RetrySafety::Safe => {
            "safe (repeating the call has the same effect as making it once)".to_owned()
        }
        RetrySafety::IdempotencyKey => format!(
            "safe only when repeated with the same `{}`",
            e.idempotency_key.as_deref().unwrap_or("?")
        ),
        RetrySafety::Never => "never retried automatically".to_owned(),
    }
}

fn plural(n: u64, word: &str) -> String {
    if n == 1 {
        word.to_owned()
    } else {
        format!("{word}s")
    }
}

fn code_list(values: &[String]) -> String {
    let v: Vec<String> = values.iter().map(|s| format!("`{s}`")).collect();
    v.join(", ")
}

/// Collapses whitespace so a description fits one Markdown list item.
pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `#[doc = " line"]` attributes, one per line of `text` (so they print as `///`).
pub fn doc_attrs(text: &str) -> TokenStream {
    let lines = text.trim().lines().map(|l| {
        let l = l.trim_end();
        let l = if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        };
        quote!(#[doc = #l])
    });
    quote!(#(#lines)*)
}

fn ty_default(ty: &TypeRef, defaultable: &BTreeSet<&str>) -> bool {
    match ty {
        TypeRef::Named(n) => defaultable.contains(n.as_str()),
        _ => true,
    }
}

fn ty_needs(ty: &TypeRef, set: &BTreeSet<&str>) -> bool {
    match ty {
        TypeRef::Named(n) => set.contains(n.as_str()),
        TypeRef::Array(t) | TypeRef::Map(t) => ty_needs(t, set),
        _ => false,
    }
}

fn is_string_container(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::Array(t) | TypeRef::Map(t) if **t == TypeRef::String)
}

/// The spec name of a limit kind.
pub fn limit_name(kind: &LimitKind) -> &'static str {
    match kind {
        LimitKind::MaxItems { .. } => "max_items",
        LimitKind::MinItems { .. } => "min_items",
        LimitKind::MaxBytes { .. } => "max_bytes",
        LimitKind::MinBytes { .. } => "min_bytes",
        LimitKind::ItemMaxBytes { .. } => "item_max_bytes",
        LimitKind::ItemMinBytes { .. } => "item_min_bytes",
        LimitKind::UniqueItems => "unique_items",
        LimitKind::KeyMaxBytes { .. } => "key_max_bytes",
        LimitKind::KeyMinBytes { .. } => "key_min_bytes",
        LimitKind::AllowedKeys { .. } => "allowed_keys",
        LimitKind::MaxValue { .. } => "max_value",
        LimitKind::MinValue { .. } => "min_value",
        LimitKind::AllowedValues { .. } => "allowed_values",
        LimitKind::AllowedStrings { .. } => "allowed_strings",
    }
}

fn check_limit(limit: &Limit, ty: &TypeRef, location: &str) -> Result<(), CodegenError> {
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
            limit: limit_name(&limit.kind),
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

fn check_rule(rule: &Rule, info: &StructInfo<'_>, location: &str) -> Result<(), CodegenError> {
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

fn check_endpoint_refs(
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
