//! The emitters, one per generated artifact, and the [`Context`] they share: the validated
//! spec with every name turned into a Rust identifier, grouped per service.
//!
//! Nothing here checks the spec: [`crate::generate`] refuses a spec that
//! [`tim_spec::validate`] finds problems in, so the emitters only turn a consistent model into
//! tokens (one authority for the spec's rules: `tim-spec`).

pub mod bulk;
pub mod callbacks;
mod docs;
pub mod endpoints;
pub mod errors;
pub mod methods;
pub mod modules;
pub mod regions;
pub mod surface;
pub mod types;
pub mod validate;

pub use docs::{doc_attrs, one_line, rustdoc_safe};

use crate::naming;
use proc_macro2::{Ident, TokenStream};
use quote::quote;
use std::collections::BTreeSet;
use tim_spec::{
    Callback, CallbackFamily, Endpoint, Field, LimitKind, Rule, ServiceDef, Spec, StructDef,
    TypeDef, TypeRef,
};

/// Which crate a piece of generated code lives in: named types are referred to through
/// `crate::` from the model crate and through `::tim_model::` from the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Krate {
    /// `tim-model`.
    Model,
    /// `tim-client` or `tim-emulator`.
    Other,
}

/// A spec field with its Rust name.
#[derive(Debug)]
pub struct FieldInfo<'a> {
    /// The spec field.
    pub def: &'a Field,
    /// Rust field name.
    pub ident: Ident,
    /// A query parameter of the endpoint (in the request type, not in its JSON body).
    pub query: bool,
}

/// A struct to generate: a named struct type, a request or a response.
#[derive(Debug)]
pub struct StructInfo<'a> {
    /// Rust type name.
    pub ident: Ident,
    /// Fields in wire order (for responses: the envelope first).
    pub fields: Vec<FieldInfo<'a>>,
    /// Rules across fields.
    pub rules: &'a [Rule],
    /// The service whose types its fields' named types resolve against (`None`: common).
    pub service: Option<&'a str>,
}

/// An endpoint with its resolved names.
#[derive(Debug)]
pub struct EndpointInfo<'a> {
    /// The spec endpoint.
    pub def: &'a Endpoint,
    /// Method name (`get_tag`).
    pub method: Ident,
    /// Endpoint constant name (`GET_TAG`).
    pub constant: Ident,
    /// The request body type (`GetTagRequest`).
    pub request: StructInfo<'a>,
    /// The response body type (`GetTagResponse`), envelope included.
    pub response: StructInfo<'a>,
}

/// A group of named types (the common ones, or one service's own) with their struct infos.
#[derive(Debug)]
pub struct TypeGroup<'a> {
    /// The types, in spec order.
    pub types: &'a [TypeDef],
    /// The struct types among them, in spec order.
    pub structs: Vec<(&'a StructDef, StructInfo<'a>)>,
}

/// One service with its resolved names, types and endpoints.
#[derive(Debug)]
pub struct ServiceInfo<'a> {
    /// The spec service.
    pub def: &'a ServiceDef,
    /// Rust module and accessor name (`all_member_push`).
    pub module: Ident,
    /// Handle type name (`AllMemberPush`).
    pub handle: Ident,
    /// Its own named types.
    pub types: TypeGroup<'a>,
    /// Its endpoints, in command order.
    pub endpoints: Vec<EndpointInfo<'a>>,
}

/// One callback command with its payload and answer types.
#[derive(Debug)]
pub struct CallbackInfo<'a> {
    /// The spec callback.
    pub def: &'a Callback,
    /// The payload type (`BeforeSendMsg`).
    pub payload: StructInfo<'a>,
    /// The answer type (`BeforeSendMsgAnswer`), envelope first.
    pub answer: StructInfo<'a>,
    /// The metadata constant (`BEFORE_SEND_MSG`).
    pub constant: Ident,
    /// The variant of `Event` (`C2cBeforeSendMsg`).
    pub variant: Ident,
}

/// One callback family with its resolved names, types and commands.
#[derive(Debug)]
pub struct FamilyInfo<'a> {
    /// The spec family.
    pub def: &'a CallbackFamily,
    /// Rust module (`c2c`).
    pub module: Ident,
    /// Its own named types.
    pub types: TypeGroup<'a>,
    /// Its commands, in command order.
    pub callbacks: Vec<CallbackInfo<'a>>,
}

/// The spec, resolved, shared by every emitter.
#[derive(Debug)]
pub struct Context<'a> {
    /// The spec itself.
    pub spec: &'a Spec,
    /// The common types (`spec/types.json`, module `common`).
    pub common: TypeGroup<'a>,
    /// The services, in name order.
    pub services: Vec<ServiceInfo<'a>>,
    /// The callback families, in prefix order.
    pub families: Vec<FamilyInfo<'a>>,
    defaultable: BTreeSet<String>,
    needs_check: BTreeSet<String>,
}

impl<'a> Context<'a> {
    /// Resolves every name of a validated `spec`.
    pub fn new(spec: &'a Spec) -> Context<'a> {
        let mut ctx = Context {
            spec,
            common: TypeGroup {
                types: &spec.types,
                structs: Vec::new(),
            },
            services: Vec::new(),
            families: Vec::new(),
            defaultable: BTreeSet::new(),
            needs_check: BTreeSet::new(),
        };
        ctx.common.structs = struct_infos(&spec.types, None);
        let envelope = &spec.api.envelope;
        for svc in &spec.services {
            let endpoints = spec
                .endpoints_of(&svc.name)
                .map(|ep| EndpointInfo {
                    def: ep,
                    method: naming::ident(&ep.method),
                    constant: naming::ident(&ep.constant()),
                    request: {
                        let mut info = struct_info(
                            &ep.request_type(),
                            &[],
                            &ep.request.fields,
                            &ep.request.rules,
                            Some(&svc.name),
                        );
                        // Query parameters follow the body fields, marked.
                        info.fields.extend(ep.query.iter().map(|f| FieldInfo {
                            def: f,
                            ident: naming::ident(&f.rust_name()),
                            query: true,
                        }));
                        info
                    },
                    response: struct_info(
                        &ep.response_type(),
                        envelope,
                        &ep.response.fields,
                        &ep.response.rules,
                        Some(&svc.name),
                    ),
                })
                .collect();
            ctx.services.push(ServiceInfo {
                def: svc,
                module: naming::ident(svc.module()),
                handle: naming::ident(&svc.handle_type()),
                types: TypeGroup {
                    types: &svc.types,
                    structs: struct_infos(&svc.types, Some(&svc.name)),
                },
                endpoints,
            });
        }
        let answer_envelope = spec
            .callback_api
            .as_ref()
            .map_or(&[][..], |a| a.answer.as_slice());
        for fam in &spec.callback_families {
            let scope = Some(fam.scope.as_str());
            let callbacks = spec
                .callbacks_of(&fam.prefix)
                .map(|c| CallbackInfo {
                    def: c,
                    payload: struct_info(
                        &c.payload_type(),
                        &[],
                        &c.payload.fields,
                        &c.payload.rules,
                        scope,
                    ),
                    answer: struct_info(
                        &c.answer_type(),
                        answer_envelope,
                        &c.answer.fields,
                        &c.answer.rules,
                        scope,
                    ),
                    constant: naming::ident(&c.constant()),
                    variant: naming::ident(&format!("{}{}", fam.variant_prefix(), c.name)),
                })
                .collect();
            ctx.families.push(FamilyInfo {
                def: fam,
                module: naming::ident(&fam.module),
                types: TypeGroup {
                    types: &fam.types,
                    structs: struct_infos(&fam.types, scope),
                },
                callbacks,
            });
        }
        ctx.compute_defaultable();
        ctx.compute_needs_check();
        ctx
    }

    /// Every endpoint, in spec order (service, then command).
    pub fn endpoints(&self) -> impl Iterator<Item = (&ServiceInfo<'a>, &EndpointInfo<'a>)> {
        self.services
            .iter()
            .flat_map(|s| s.endpoints.iter().map(move |e| (s, e)))
    }

    /// The module a named type belongs to, as seen from `service`, and its qualified key
    /// (`all_member_push::UserTags`, `common::TextElem`).
    fn qualify(&self, service: Option<&str>, name: &str) -> (String, String) {
        let local = service
            .and_then(|s| self.spec.scope_types(s))
            .filter(|(_, types)| types.iter().any(|t| t.name() == name));
        let module = match local {
            Some((module, _)) => module,
            None => "common".to_owned(),
        };
        let key = format!("{module}::{name}");
        (module, key)
    }

    fn all_groups(&self) -> impl Iterator<Item = (Option<&'a str>, &'a [TypeDef])> + '_ {
        std::iter::once((None, self.common.types))
            .chain(
                self.services
                    .iter()
                    .map(|s| (Some(s.def.name.as_str()), s.types.types)),
            )
            .chain(
                self.families
                    .iter()
                    .map(|f| (Some(f.def.scope.as_str()), f.types.types)),
            )
    }

    fn compute_defaultable(&mut self) {
        let mut set = BTreeSet::new();
        for (svc, types) in self.all_groups() {
            for t in types {
                if let TypeDef::Struct(s) = t {
                    set.insert(self.qualify(svc, &s.name).1);
                }
            }
        }
        loop {
            let before = set.len();
            for (svc, types) in self.all_groups() {
                for t in types {
                    if let TypeDef::Struct(s) = t
                        && !s
                            .fields
                            .iter()
                            .all(|f| !f.required || self.ty_in(&f.ty, svc, &set))
                    {
                        set.remove(&self.qualify(svc, &s.name).1);
                    }
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
            for (svc, types) in self.all_groups() {
                for t in types {
                    let needs = match t {
                        TypeDef::Struct(s) => {
                            !s.rules.is_empty()
                                || s.fields
                                    .iter()
                                    .any(|f| !f.limits.is_empty() || self.ty_any(&f.ty, svc, &set))
                        }
                        TypeDef::Union(u) => u
                            .variants
                            .iter()
                            .any(|v| set.contains(&self.qualify(svc, &v.ty).1)),
                    };
                    if needs {
                        set.insert(self.qualify(svc, t.name()).1);
                    }
                }
            }
            if set.len() == before {
                break;
            }
        }
        self.needs_check = set;
    }

    /// Whether a named type inside `ty` (all of them, for `Default`) is in `set`.
    fn ty_in(&self, ty: &TypeRef, svc: Option<&str>, set: &BTreeSet<String>) -> bool {
        match ty {
            TypeRef::Named(n) => set.contains(&self.qualify(svc, n).1),
            _ => true,
        }
    }

    fn ty_any(&self, ty: &TypeRef, svc: Option<&str>, set: &BTreeSet<String>) -> bool {
        match ty {
            TypeRef::Named(n) => set.contains(&self.qualify(svc, n).1),
            TypeRef::Array(t) | TypeRef::Map(t) => self.ty_any(t, svc, set),
            _ => false,
        }
    }

    /// Whether a struct made of `fields` can derive `Default`.
    pub fn fields_default(&self, info: &StructInfo<'_>) -> bool {
        info.fields
            .iter()
            .all(|f| !f.def.required || self.ty_default(&f.def.ty, info.service))
    }

    /// Whether a value of `ty` has anything to check (limits somewhere inside).
    pub fn ty_needs_check(&self, ty: &TypeRef, service: Option<&str>) -> bool {
        self.ty_any(ty, service, &self.needs_check)
    }

    /// Whether `ty` implements `Default`.
    pub fn ty_default(&self, ty: &TypeRef, service: Option<&str>) -> bool {
        self.ty_in(ty, service, &self.defaultable)
    }

    /// The path of a named type as seen from `service`, from code in `krate`.
    pub fn type_path(&self, name: &str, service: Option<&str>, krate: Krate) -> TokenStream {
        let (module, _) = self.qualify(service, name);
        let module = module.split("::").map(naming::ident);
        let id = naming::ident(name);
        match krate {
            Krate::Model => quote!(crate::#(#module::)*#id),
            Krate::Other => quote!(::tim_model::#(#module::)*#id),
        }
    }

    /// The Rust type of a field's value (without the `Option` of optional fields).
    pub fn rust_type(&self, ty: &TypeRef, service: Option<&str>, krate: Krate) -> TokenStream {
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
                let t = self.rust_type(t, service, krate);
                quote!(::std::vec::Vec<#t>)
            }
            TypeRef::Map(t) => {
                let t = self.rust_type(t, service, krate);
                quote!(::std::collections::BTreeMap<::std::string::String, #t>)
            }
            TypeRef::Named(n) => self.type_path(n, service, krate),
        }
    }

    /// The struct definition a named type resolves to from `service`.
    pub fn struct_def(&self, name: &str, service: Option<&str>) -> Option<&'a StructDef> {
        match self.spec.type_in(service, name)? {
            TypeDef::Struct(s) => Some(s),
            TypeDef::Union(_) => None,
        }
    }
}

fn struct_infos<'a>(
    types: &'a [TypeDef],
    service: Option<&'a str>,
) -> Vec<(&'a StructDef, StructInfo<'a>)> {
    types
        .iter()
        .filter_map(|t| match t {
            TypeDef::Struct(s) => {
                Some((s, struct_info(&s.name, &[], &s.fields, &s.rules, service)))
            }
            TypeDef::Union(_) => None,
        })
        .collect()
}

pub(crate) fn struct_info<'a>(
    name: &str,
    envelope: &'a [Field],
    fields: &'a [Field],
    rules: &'a [Rule],
    service: Option<&'a str>,
) -> StructInfo<'a> {
    StructInfo {
        ident: naming::ident(name),
        fields: envelope
            .iter()
            .chain(fields)
            .map(|f| FieldInfo {
                def: f,
                ident: naming::ident(&f.rust_name()),
                query: false,
            })
            .collect(),
        rules,
        service,
    }
}

/// The `max_items` limit of the endpoint's batch field, if any.
pub fn batch_max_items(e: &Endpoint) -> Option<u64> {
    let b = e.batch.as_ref()?;
    let f = e.request.fields.iter().find(|f| f.json == b.field)?;
    max_items(f)
}

/// A field's `max_items` limit, if any.
pub fn max_items(f: &Field) -> Option<u64> {
    f.limits.iter().find_map(|l| match l.kind {
        LimitKind::MaxItems { value } => Some(value),
        _ => None,
    })
}
