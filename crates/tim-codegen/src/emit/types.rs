//! Emits `generated/types.rs`: one struct per shared struct type, one adjacently tagged enum
//! per union, and per endpoint its `{Method}Request` (constructor, `From` conversions,
//! `Request` impl) and `{Method}Response` (envelope first, tolerant of missing and unknown
//! fields).

use super::{Context, EndpointInfo, StructInfo, doc_attrs};
use crate::CodegenError;
use crate::naming;
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeMap;
use tim_spec::{TypeDef, TypeRef, UnionDef};

/// Module docs of the generated file.
pub const DOC: &str =
    "Request, response and shared types of every endpoint, generated from `spec/`.

Field names on the wire are exactly the documented ones (`#[serde(rename)]`). Optional fields
are `Option`s, left out of the JSON when `None`. Response types accept missing fields (they
take their default) and ignore unknown ones.";

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Shared,
    Request,
    Response,
}

/// The tokens of `types.rs`.
pub fn emit(ctx: &Context<'_>) -> Result<TokenStream, CodegenError> {
    let mut items = Vec::new();
    let mut structs = ctx.structs.iter();
    for t in &ctx.spec.types {
        match t {
            TypeDef::Struct(_) => {
                if let Some((def, info)) = structs.next() {
                    items.push(struct_tokens(ctx, info, &def.doc, Kind::Shared));
                }
            }
            TypeDef::Union(u) => items.push(union_tokens(u)?),
        }
    }
    for ep in &ctx.endpoints {
        items.push(request_tokens(ctx, ep));
        items.push(response_tokens(ctx, ep));
    }
    Ok(quote!(#(#items)*))
}

fn struct_tokens(ctx: &Context<'_>, info: &StructInfo<'_>, doc: &str, kind: Kind) -> TokenStream {
    let doc = doc_attrs(doc);
    let ident = &info.ident;
    let default = ctx.fields_default(&info.fields).then(|| quote!(Default,));
    let fields = info.fields.iter().map(|f| {
        let doc = doc_attrs(&ctx.field_doc(f.def));
        let name = &f.ident;
        let mut serde = Vec::new();
        if naming::unraw(name) != f.def.json {
            let json = &f.def.json;
            serde.push(quote!(rename = #json));
        }
        let ty = ctx.rust_type(&f.def.ty);
        let ty = if f.def.required {
            if kind == Kind::Response && ctx.ty_default(&f.def.ty) {
                serde.push(quote!(default));
            }
            ty
        } else {
            serde.push(quote!(default));
            serde.push(quote!(
                skip_serializing_if = "::std::option::Option::is_none"
            ));
            quote!(::std::option::Option<#ty>)
        };
        let serde = (!serde.is_empty()).then(|| quote!(#[serde(#(#serde),*)]));
        quote! {
            #doc
            #serde
            pub #name: #ty,
        }
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, #default ::serde::Serialize, ::serde::Deserialize)]
        pub struct #ident {
            #(#fields)*
        }
    }
}

fn union_tokens(u: &UnionDef) -> Result<TokenStream, CodegenError> {
    let location = format!("types.json: {}", u.name);
    let ident = naming::pascal_ident(&u.name, &location, "type name")?;
    let doc = doc_attrs(&format!(
        "{}\n\nOn the wire: `{{\"{}\": <tag>, \"{}\": {{...}}}}`.",
        u.doc.trim(),
        u.tag,
        u.content
    ));
    let (tag, content) = (&u.tag, &u.content);
    let mut by_type: BTreeMap<&str, usize> = BTreeMap::new();
    for v in &u.variants {
        *by_type.entry(v.ty.as_str()).or_default() += 1;
    }
    let mut variants = Vec::new();
    let mut froms = Vec::new();
    for v in &u.variants {
        let name = naming::pascal_ident(&v.name, &location, "variant name")?;
        let ty = naming::pascal_ident(&v.ty, &location, "type name")?;
        let doc = doc_attrs(&format!("{}\n\nTag `{}`.", v.doc.trim(), v.tag));
        let wire = &v.tag;
        variants.push(quote! {
            #doc
            #[serde(rename = #wire)]
            #name(#ty),
        });
        if by_type[v.ty.as_str()] == 1 {
            let from_doc = format!(" Wraps a [`{}`] as [`{}::{}`].", v.ty, u.name, v.name);
            froms.push(quote! {
                impl ::std::convert::From<#ty> for #ident {
                    #[doc = #from_doc]
                    fn from(value: #ty) -> Self {
                        Self::#name(value)
                    }
                }
            });
        }
    }
    Ok(quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(tag = #tag, content = #content)]
        pub enum #ident {
            #(#variants)*
        }
        #(#froms)*
    })
}

fn request_tokens(ctx: &Context<'_>, ep: &EndpointInfo<'_>) -> TokenStream {
    let e = ep.def;
    let method = &ep.method;
    let doc = format!(
        "{}: the request body.\n\n{}\n\nSent by [`Client::{method}`](crate::Client::{method}).\n\n{}",
        e.title.trim(),
        e.doc.trim(),
        ctx.endpoint_facts(ep)
    );
    let def = struct_tokens(ctx, &ep.request, &doc, Kind::Request);
    let ident = &ep.request.ident;
    let response = &ep.response.ident;
    let constant = &ep.constant;

    let required: Vec<_> = ep
        .request
        .fields
        .iter()
        .filter(|f| f.def.required)
        .collect();
    let params = required.iter().map(|f| {
        let name = &f.ident;
        let ty = match &f.def.ty {
            TypeRef::String => quote!(impl ::std::convert::Into<::std::string::String>),
            TypeRef::Array(t) if **t == TypeRef::String => quote! {
                impl ::std::iter::IntoIterator<Item = impl ::std::convert::Into<::std::string::String>>
            },
            other => ctx.rust_type(other),
        };
        quote!(#name: #ty)
    });
    let inits = ep.request.fields.iter().map(|f| {
        let name = &f.ident;
        if !f.def.required {
            return quote!(#name: ::std::option::Option::None);
        }
        match &f.def.ty {
            TypeRef::String => quote!(#name: #name.into()),
            TypeRef::Array(t) if **t == TypeRef::String => {
                quote!(#name: #name.into_iter().map(::std::convert::Into::into).collect())
            }
            _ => quote!(#name),
        }
    });
    let new_doc = if required.len() == ep.request.fields.len() {
        " Creates the request from its fields.".to_owned()
    } else {
        " Creates the request from its required fields; the optional ones start as `None`."
            .to_owned()
    };

    let conversions = conversions(ep);
    quote! {
        #def
        impl #ident {
            #[doc = #new_doc]
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits),* }
            }
        }
        #conversions
        impl crate::endpoint::Request for #ident {
            type Response = #response;
            const ENDPOINT: &'static crate::endpoint::Endpoint = &super::endpoints::#constant;
        }
    }
}

/// `From` conversions so a method can take the obvious argument: `()` for an empty body,
/// any list of account strings when the body is one required `array<string>`.
fn conversions(ep: &EndpointInfo<'_>) -> TokenStream {
    let ident = &ep.request.ident;
    let fields = &ep.request.fields;
    if fields.is_empty() {
        return quote! {
            impl ::std::convert::From<()> for #ident {
                /// The request has no fields: `()` stands for it.
                fn from((): ()) -> Self {
                    Self::new()
                }
            }
        };
    }
    let [only] = fields.as_slice() else {
        return TokenStream::new();
    };
    if !only.def.required || only.def.ty != TypeRef::Array(Box::new(TypeRef::String)) {
        return TokenStream::new();
    }
    let name = &only.ident;
    let doc = format!(" Uses the list as `{}`.", only.def.json);
    quote! {
        impl ::std::convert::From<::std::vec::Vec<::std::string::String>> for #ident {
            #[doc = #doc]
            fn from(#name: ::std::vec::Vec<::std::string::String>) -> Self {
                Self { #name }
            }
        }
        impl<'a> ::std::convert::From<::std::vec::Vec<&'a str>> for #ident {
            #[doc = #doc]
            fn from(#name: ::std::vec::Vec<&'a str>) -> Self {
                Self::new(#name)
            }
        }
        impl<'a, 'b> ::std::convert::From<&'a [&'b str]> for #ident {
            #[doc = #doc]
            fn from(#name: &'a [&'b str]) -> Self {
                Self::new(#name.iter().copied())
            }
        }
        impl<'a, const N: usize> ::std::convert::From<[&'a str; N]> for #ident {
            #[doc = #doc]
            fn from(#name: [&'a str; N]) -> Self {
                Self::new(#name)
            }
        }
        impl<const N: usize> ::std::convert::From<[::std::string::String; N]> for #ident {
            #[doc = #doc]
            fn from(#name: [::std::string::String; N]) -> Self {
                Self::new(#name)
            }
        }
    }
}

fn response_tokens(ctx: &Context<'_>, ep: &EndpointInfo<'_>) -> TokenStream {
    let e = ep.def;
    let method = &ep.method;
    let doc = format!(
        "{}: the response body.\n\nReturned by [`Client::{method}`](crate::Client::{method}) \
         for `POST {}`. The envelope fields every response carries come first. Missing fields \
         take their default value; unknown fields are ignored.",
        e.title.trim(),
        e.path()
    );
    let def = struct_tokens(ctx, &ep.response, &doc, Kind::Response);
    let envelope = envelope_impl(&ep.response);
    quote! {
        #def
        #envelope
    }
}

/// `impl Response`: the envelope fields (`ActionStatus`, `ErrorCode`, `ErrorInfo`, from
/// `service.json`) read from the decoded response, so the client decodes a body once.
fn envelope_impl(info: &StructInfo<'_>) -> TokenStream {
    let ident = &info.ident;
    let read = |json: &str| -> TokenStream {
        let Some(f) = info.fields.iter().find(|f| f.def.json == json) else {
            return quote!(::std::option::Option::None);
        };
        let name = &f.ident;
        match (&f.def.ty, f.def.required) {
            (TypeRef::String, true) => quote!(::std::option::Option::Some(self.#name.as_str())),
            (TypeRef::String, false) => quote!(self.#name.as_deref()),
            (TypeRef::I64, true) => quote!(::std::option::Option::Some(self.#name)),
            (TypeRef::I64, false) => quote!(self.#name),
            (_, true) => {
                quote!(::std::option::Option::Some(::std::convert::From::from(self.#name)))
            }
            (_, false) => quote!(self.#name.map(::std::convert::From::from)),
        }
    };
    let action_status = read("ActionStatus");
    let error_code = read("ErrorCode");
    let error_info = read("ErrorInfo");
    quote! {
        impl crate::endpoint::Response for #ident {
            fn envelope(&self) -> crate::endpoint::EnvelopeFields<'_> {
                crate::endpoint::EnvelopeFields {
                    action_status: #action_status,
                    error_code: #error_code,
                    error_info: #error_info,
                }
            }
        }
    }
}
