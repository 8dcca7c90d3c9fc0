//! The emitters, one per generated file, and the [`Context`] they share: the spec with every
//! name resolved to a Rust identifier and every reference checked, plus the doc helpers.
//!
//! All checks happen once, in [`Context::new`], so the emitters only turn a consistent model
//! into tokens.

mod checks;
mod docs;
pub mod endpoints;
pub mod errors;
pub mod methods;
pub mod regions;
pub mod types;
pub mod validate;

use checks::{check_endpoint_refs, check_limit, check_rule};
pub use docs::{doc_attrs, one_line, rustdoc_safe};

use crate::CodegenError;
use crate::naming::{self, Scope};
use proc_macro2::{Ident, TokenStream};
use quote::quote;
use std::collections::{BTreeMap, BTreeSet};
use tim_spec::{Endpoint, Field, LimitKind, Rule, Spec, StructDef, TypeDef, TypeRef};

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
