//! Emits `generated/validate.rs`: `impl Validate` for every request, shared struct and union,
//! from the fields' `limits` and the messages' `rules`, calling the checkers of
//! `tim_client::validate`. Paths are built lazily (`path.field("UserTags")`, `.index(i)`,
//! `.key(k)`) and only rendered when a check fails.

use super::{Context, StructInfo};
use crate::CodegenError;
use crate::naming;
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};
use tim_spec::{Limit, LimitKind, Rule, TypeDef, TypeRef};

/// Module docs of the generated file.
pub const DOC: &str = "Client-side checks of the documented limits, generated from the `limits` and `rules` of `spec/`.

Every request, shared struct and union implements [`Validate`](crate::validate::Validate);
`Client` runs it before sending anything.";

/// The tokens of `validate.rs`.
pub fn emit(ctx: &Context<'_>) -> Result<TokenStream, CodegenError> {
    let mut items = vec![quote! {
        use crate::validate::{self as check, FieldPath, Validate, ValidationError};
    }];
    let mut structs = ctx.structs.iter();
    for t in &ctx.spec.types {
        match t {
            TypeDef::Struct(_) => {
                if let Some((_, info)) = structs.next() {
                    items.push(struct_impl(ctx, info, false));
                }
            }
            TypeDef::Union(u) => {
                let ident = naming::pascal_ident(&u.name, "types.json", "type name")?;
                let content = &u.content;
                let arms = u.variants.iter().map(|v| {
                    let name = Ident::new(&v.name, Span::call_site());
                    if ctx.ty_needs_check(&TypeRef::Named(v.ty.clone())) {
                        quote!(Self::#name(v) => v.validate_at(&path.field(#content)),)
                    } else {
                        quote!(Self::#name(_) => Ok(()),)
                    }
                });
                let needs = ctx.ty_needs_check(&TypeRef::Named(u.name.clone()));
                let body = if needs {
                    quote!(match self { #(#arms)* })
                } else {
                    quote!(Ok(()))
                };
                items.push(impl_tokens(&quote!(super::types::#ident), needs, body));
            }
        }
    }
    for ep in &ctx.endpoints {
        items.push(struct_impl(ctx, &ep.request, true));
    }
    Ok(quote!(#(#items)*))
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
        if f.def.limits.is_empty() && !ctx.ty_needs_check(ty) {
            continue;
        }
        let name = &f.ident;
        let json = &f.def.json;
        let checks = value_checks(ctx, ty, &f.def.limits, &format_ident!("v"), 0);
        if f.def.required {
            stmts.push(quote! {
                {
                    let v = &self.#name;
                    let p = path.field(#json);
                    #checks
                }
            });
        } else {
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
    impl_tokens(&quote!(super::types::#ident), uses_path, body)
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
        }
    }
    match ty {
        TypeRef::Named(_) if ctx.ty_needs_check(ty) => out.push(quote!(#v.validate_at(&p)?;)),
        TypeRef::Array(inner) | TypeRef::Map(inner) => {
            if ctx.ty_needs_check(inner) {
                item_checks.push(value_checks(ctx, inner, &[], &item, depth + 1));
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
