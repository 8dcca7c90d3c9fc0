//! Emits `impl Validate` for every request, named struct and union of a group, from the
//! fields' `limits` and the messages' `rules`, calling the checkers of `tim_model::validate`.
//! Paths are built lazily (`path.field("UserTags")`, `.index(i)`, `.key(k)`) and only
//! rendered when a check fails.

use super::{Context, ServiceInfo, StructInfo, TypeGroup};
use crate::naming;
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
use tim_spec::{Limit, LimitKind, Rule, TypeDef, TypeRef};

/// The `use` line every file with `Validate` impls starts with (`check` is unused in a
/// service whose types have no limits).
pub fn prelude() -> TokenStream {
    quote! {
        #[allow(unused_imports)]
        use crate::validate::{self as check, FieldPath, Validate, ValidationError};
    }
}

/// `impl Validate` for the named types of one group (`service`: `None` for the common ones).
pub fn emit_group(ctx: &Context<'_>, group: &TypeGroup<'_>, service: Option<&str>) -> TokenStream {
    let mut items = Vec::new();
    let mut structs = group.structs.iter();
    for t in group.types {
        match t {
            TypeDef::Struct(_) => {
                if let Some((_, info)) = structs.next() {
                    items.push(struct_impl(ctx, info, false));
                }
            }
            TypeDef::Union(u) => {
                let ident = naming::ident(&u.name);
                let content = &u.content;
                let arms = u.variants.iter().map(|v| {
                    let name = naming::ident(&v.name);
                    if ctx.ty_needs_check(&TypeRef::Named(v.ty.clone()), service) {
                        quote!(Self::#name(v) => v.validate_at(&path.field(#content)),)
                    } else {
                        quote!(Self::#name(_) => Ok(()),)
                    }
                });
                let needs = ctx.ty_needs_check(&TypeRef::Named(u.name.clone()), service);
                let body = if needs {
                    quote!(match self { #(#arms)* })
                } else {
                    quote!(Ok(()))
                };
                items.push(impl_tokens(&quote!(#ident), needs, body));
            }
        }
    }
    quote!(#(#items)*)
}

/// `impl Validate` for the request types of one service.
pub fn emit_requests(ctx: &Context<'_>, svc: &ServiceInfo<'_>) -> TokenStream {
    let items = svc
        .endpoints
        .iter()
        .map(|ep| struct_impl(ctx, &ep.request, true));
    quote!(#(#items)*)
}

fn impl_tokens(ty: &TokenStream, uses_path: bool, body: TokenStream) -> TokenStream {
    let path = if uses_path {
        format_ident!("path")
    } else {
        format_ident!("_path")
    };
    quote! {
        impl Validate for #ty {
            fn validate_at(&self, #path: &FieldPath<'_>) -> Result<(), ValidationError> {
                #body
            }
        }
    }
}

fn struct_impl(ctx: &Context<'_>, info: &StructInfo<'_>, top_level: bool) -> TokenStream {
    let ident = &info.ident;
    let mut stmts = Vec::new();
    for f in &info.fields {
        let ty = &f.def.ty;
        if f.def.limits.is_empty() && !ctx.ty_needs_check(ty, info.service) {
            continue;
        }
        let name = &f.ident;
        let json = &f.def.json;
        let checks = value_checks(ctx, info.service, ty, &f.def.limits, &format_ident!("v"), 0);
        if f.def.required {
            stmts.push(quote! {
                {
                    let v = &self.#name;
                    let p = path.field(#json);
                    #checks
                }
            });
        } else {
            if let Some(l) = f.def.limits.iter().find(|l| l.kind == LimitKind::Present) {
                let code = code_tokens(l.error);
                stmts.push(quote! {
                    check::present(&path.field(#json), self.#name.is_some(), #code)?;
                });
            }
            if checks.is_empty() {
                continue;
            }
            stmts.push(quote! {
                if let Some(v) = &self.#name {
                    let p = path.field(#json);
                    #checks
                }
            });
        }
    }
    for rule in info.rules {
        stmts.push(rule_checks(info, rule, top_level));
    }
    let uses_path = !stmts.is_empty();
    let body = quote! {
        #(#stmts)*
        Ok(())
    };
    impl_tokens(&quote!(#ident), uses_path, body)
}

fn code_tokens(code: Option<i64>) -> TokenStream {
    match code {
        Some(c) => {
            let c = int(c.into());
            quote!(Some(#c))
        }
        None => quote!(None),
    }
}

/// An unsuffixed integer literal (`100`, not `100u64`), negative ones as `-n`.
fn int(v: i128) -> TokenStream {
    let lit = proc_macro2::Literal::u128_unsuffixed(v.unsigned_abs());
    if v < 0 { quote!(-#lit) } else { quote!(#lit) }
}

/// Checks of the value `v` (a reference) at path `p`, then of whatever is inside it; `depth`
/// names the loop variables of nested containers (`item`, `item1`...).
fn value_checks(
    ctx: &Context<'_>,
    service: Option<&str>,
    ty: &TypeRef,
    limits: &[Limit],
    v: &Ident,
    depth: usize,
) -> TokenStream {
    let suffix = if depth == 0 {
        String::new()
    } else {
        depth.to_string()
    };
    let item = format_ident!("item{suffix}");
    let i = format_ident!("i{suffix}");
    let k = format_ident!("k{suffix}");
    let mut out = Vec::new();
    let mut item_checks = Vec::new();
    let mut key_checks = Vec::new();
    for limit in limits {
        let code = code_tokens(limit.error);
        let n = |x: &u64| int((*x).into());
        let signed = |x: &i64| int((*x).into());
        match &limit.kind {
            LimitKind::MaxItems { value } => {
                let value = n(value);
                out.push(quote!(check::max_items(&p, #v.len(), #value, #code)?;));
            }
            LimitKind::MinItems { value } => {
                let value = n(value);
                out.push(quote!(check::min_items(&p, #v.len(), #value, #code)?;));
            }
            LimitKind::MaxBytes { value } => {
                let value = n(value);
                out.push(quote!(check::max_bytes(&p, #v, #value, #code)?;));
            }
            LimitKind::MinBytes { value } => {
                let value = n(value);
                out.push(quote!(check::min_bytes(&p, #v, #value, #code)?;));
            }
            LimitKind::AllowedStrings { values } => {
                out.push(quote!(check::allowed_string(&p, #v, &[#(#values),*], #code)?;));
            }
            LimitKind::UniqueItems => out.push(quote!(check::unique_items(&p, #v, #code)?;)),
            // Checked on the field itself, before its value (`struct_impl`).
            LimitKind::Present => {}
            LimitKind::MaxValue { value } => {
                let value = signed(value);
                out.push(quote!(check::max_value(&p, i128::from(*#v), #value, #code)?;));
            }
            LimitKind::MinValue { value } => {
                let value = signed(value);
                out.push(quote!(check::min_value(&p, i128::from(*#v), #value, #code)?;));
            }
            LimitKind::AllowedValues { values } => {
                let values = values.iter().map(signed);
                out.push(
                    quote!(check::allowed_value(&p, i128::from(*#v), &[#(#values),*], #code)?;),
                );
            }
            LimitKind::ItemMaxBytes { value } => {
                let value = n(value);
                item_checks.push(quote!(check::max_bytes(&p, #item, #value, #code)?;));
            }
            LimitKind::ItemMinBytes { value } => {
                let value = n(value);
                item_checks.push(quote!(check::min_bytes(&p, #item, #value, #code)?;));
            }
            LimitKind::KeyMaxBytes { value } => {
                let value = n(value);
                key_checks.push(quote!(check::max_bytes(&p, #k, #value, #code)?;));
            }
            LimitKind::KeyMinBytes { value } => {
                let value = n(value);
                key_checks.push(quote!(check::min_bytes(&p, #k, #value, #code)?;));
            }
            LimitKind::AllowedKeys { values } => {
                key_checks.push(quote!(check::allowed_key(&p, #k, &[#(#values),*], #code)?;));
            }
            LimitKind::ItemAllowedStrings { values } => {
                item_checks
                    .push(quote!(check::allowed_string(&p, #item, &[#(#values),*], #code)?;));
            }
        }
    }
    match ty {
        TypeRef::Named(_) if ctx.ty_needs_check(ty, service) => {
            out.push(quote!(#v.validate_at(&p)?;))
        }
        TypeRef::Array(inner) | TypeRef::Map(inner) => {
            if ctx.ty_needs_check(inner, service) {
                item_checks.push(value_checks(ctx, service, inner, &[], &item, depth + 1));
            }
            if !item_checks.is_empty() || !key_checks.is_empty() {
                if matches!(ty, TypeRef::Array(_)) {
                    out.push(quote! {
                        for (#i, #item) in #v.iter().enumerate() {
                            let p = p.index(#i);
                            #(#item_checks)*
                        }
                    });
                } else if item_checks.is_empty() {
                    out.push(quote! {
                        for #k in #v.keys() {
                            let p = p.key(#k);
                            #(#key_checks)*
                        }
                    });
                } else {
                    out.push(quote! {
                        for (#k, #item) in #v {
                            let p = p.key(#k);
                            #(#key_checks)*
                            #(#item_checks)*
                        }
                    });
                }
            }
        }
        _ => {}
    }
    quote!(#(#out)*)
}

fn field_of<'s, 'a>(info: &'s StructInfo<'a>, json: &str) -> Option<&'s super::FieldInfo<'a>> {
    info.fields.iter().find(|f| f.def.json == json)
}

/// Rules are checked at the struct's own path; for a request body (the root) at the first
/// field the rule names, so the message still names a field.
fn rule_checks(info: &StructInfo<'_>, rule: &Rule, top_level: bool) -> TokenStream {
    let at = |first: &str| {
        if top_level {
            quote!(&path.field(#first))
        } else {
            quote!(path)
        }
    };
    match rule {
        Rule::Exclusive { groups, error } => {
            let code = code_tokens(*error);
            let first = groups
                .iter()
                .flatten()
                .next()
                .map(String::as_str)
                .unwrap_or_default();
            let at = at(first);
            let group_lits = groups.iter().map(|g| quote!(&[#(#g),*]));
            let present = groups.iter().map(|g| {
                let parts = g.iter().filter_map(|json| field_of(info, json)).map(|f| {
                    let name = &f.ident;
                    if f.def.required {
                        quote!(true)
                    } else {
                        quote!(self.#name.is_some())
                    }
                });
                quote!(#(#parts)||*)
            });
            quote! {
                check::exclusive(#at, &[#(#group_lits),*], &[#(#present),*], #code)?;
            }
        }
        Rule::Requires { when, then, error } => {
            let code = code_tokens(*error);
            let at = at(then.first().map(String::as_str).unwrap_or_default());
            let Some(cond) = field_of(info, &when.field) else {
                return TokenStream::new();
            };
            let name = &cond.ident;
            let holds = match (&when.values, cond.def.required) {
                (None, _) => quote!(self.#name.is_some()),
                (Some(values), true) => {
                    let values = values.iter().map(|v| int((*v).into()));
                    quote!([#(#values),*].contains(&i128::from(self.#name)))
                }
                (Some(values), false) => {
                    let values = values.iter().map(|v| int((*v).into()));
                    quote!(self.#name.is_some_and(|v| [#(#values),*].contains(&i128::from(v))))
                }
            };
            let words = crate::emit::docs::condition_words(when);
            let present = then.iter().filter_map(|j| field_of(info, j)).map(|f| {
                let name = &f.ident;
                quote!(self.#name.is_some())
            });
            quote! {
                if #holds {
                    check::requires(#at, #words, &[#(#then),*], &[#(#present),*], #code)?;
                }
            }
        }
        Rule::AtLeastOne { fields, error } => {
            let code = code_tokens(*error);
            let at = at(fields.first().map(String::as_str).unwrap_or_default());
            let present = fields.iter().filter_map(|j| field_of(info, j)).map(|f| {
                let name = &f.ident;
                quote!(self.#name.is_some())
            });
            quote! {
                check::at_least_one(#at, &[#(#fields),*], &[#(#present),*], #code)?;
            }
        }
        Rule::Disjoint { fields, error } => {
            let code = code_tokens(*error);
            let (Some(a), Some(b)) = (
                fields.first().and_then(|j| field_of(info, j)),
                fields.get(1).and_then(|j| field_of(info, j)),
            ) else {
                return TokenStream::new();
            };
            let (ja, jb) = (&a.def.json, &b.def.json);
            let at = at(ja);
            let call = quote!(check::disjoint(#at, [#ja, #jb], a, b, #code)?;);
            let (na, nb) = (&a.ident, &b.ident);
            match (a.def.required, b.def.required) {
                (true, true) => quote! {{
                    let (a, b) = (&self.#na, &self.#nb);
                    #call
                }},
                (false, false) => quote! {
                    if let (Some(a), Some(b)) = (&self.#na, &self.#nb) {
                        #call
                    }
                },
                (true, false) => quote! {
                    if let Some(b) = &self.#nb {
                        let a = &self.#na;
                        #call
                    }
                },
                (false, true) => quote! {
                    if let Some(a) = &self.#na {
                        let b = &self.#nb;
                        #call
                    }
                },
            }
        }
    }
}
