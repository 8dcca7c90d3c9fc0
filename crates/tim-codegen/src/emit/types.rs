//! Emits the types of the model crate: for a group of named types (the common ones or one
//! service's own) one struct per struct type and one adjacently tagged enum per union; per
//! endpoint its `{Method}Request` (constructor, `From` conversions, `Request` impl) and
//! `{Method}Response` (envelope first, tolerant of missing and unknown fields).

use super::{Context, EndpointInfo, Krate, ServiceInfo, StructInfo, TypeGroup, doc_attrs};
use crate::naming;
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeMap;
use tim_spec::{FieldDefault, TypeDef, TypeRef, UnionDef};

#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Kind {
    /// A named type (`types.json` or a service's `types`): constructor and setters.
    Shared,
    /// An endpoint's request: constructor and setters.
    Request,
    /// The envelope alone (`Envelope`): all fields public, no constructor.
    Envelope,
    /// An endpoint's response: built by the service (or `Default`); its envelope fields are
    /// private and read through `Response::envelope`.
    Response,
    /// A callback's payload (what the service sends the app): decoded tolerantly (a missing
    /// required field takes its default), with a constructor and setters (the emulator and
    /// tests build them).
    Payload,
    /// A callback's answer (what the app sends back): decoded tolerantly, every field public,
    /// setters for the optional fields; its constructors are the verdicts
    /// (`emit::callbacks`).
    Answer,
}

/// Method names a setter must not take: the constructor and the methods of the traits the
/// generated types implement.
const RESERVED_METHODS: &[&str] = &[
    "new",
    "validate",
    "envelope",
    "clone",
    "default",
    "eq",
    "ne",
    "fmt",
    "serialize",
    "deserialize",
    "from",
    "into",
];

/// The named types of one group; `service` is `None` for the common types.
pub fn emit_group(ctx: &Context<'_>, group: &TypeGroup<'_>, service: Option<&str>) -> TokenStream {
    let mut items = Vec::new();
    let mut structs = group.structs.iter();
    for t in group.types {
        match t {
            TypeDef::Struct(_) => {
                if let Some((def, info)) = structs.next() {
                    let doc = match &def.assumed {
                        Some(a) => {
                            format!("{}\n\n{}", def.doc.trim(), super::docs::assumed_words(a))
                        }
                        None => def.doc.clone(),
                    };
                    items.push(struct_tokens(ctx, info, &doc, Kind::Shared));
                }
            }
            TypeDef::Union(u) => items.push(union_tokens(ctx, u, service)),
        }
    }
    quote!(#(#items)*)
}

/// `Envelope`: the fields every response carries (`spec/api.json`), alone, for bodies that
/// do not decode as their endpoint's response type (an error answer) and for code that
/// answers with only an envelope (the emulator's failures).
pub fn emit_envelope(ctx: &Context<'_>) -> TokenStream {
    let info = super::struct_info("Envelope", &ctx.spec.api.envelope, &[], &[], None);
    let doc = "The envelope every response carries (`spec/api.json`), alone: what an error \
               answer holds, or the part of any answer read before its endpoint's fields. \
               Missing fields take their default value; unknown fields are ignored.";
    let def = struct_tokens(ctx, &info, doc, Kind::Envelope);
    let envelope = envelope_impl(&info);
    quote!(#def #envelope)
}

/// The request and response types of one service's endpoints.
pub fn emit_endpoints(ctx: &Context<'_>, svc: &ServiceInfo<'_>) -> TokenStream {
    let items = svc.endpoints.iter().map(|ep| {
        let req = request_tokens(ctx, svc, ep);
        let resp = response_tokens(ctx, svc, ep);
        quote!(#req #resp)
    });
    quote!(#(#items)*)
}

pub(crate) fn struct_tokens(
    ctx: &Context<'_>,
    info: &StructInfo<'_>,
    doc: &str,
    kind: Kind,
) -> TokenStream {
    let doc = if info.rules.is_empty() {
        doc_attrs(doc)
    } else {
        let rules: Vec<String> = info.rules.iter().map(|r| ctx.rule_words(r)).collect();
        doc_attrs(&format!(
            "{}\n\nRules (checked before sending): {}.",
            doc.trim_end(),
            rules.join("; ")
        ))
    };
    let ident = &info.ident;
    let random: Vec<_> = info
        .fields
        .iter()
        .filter(|f| f.def.default == Some(FieldDefault::Random))
        .collect();
    let defaultable = ctx.fields_default(info);
    let default = (defaultable && random.is_empty()).then(|| quote!(Default,));
    // A field whose default is a fresh random value: `Default` is written out.
    let manual_default = (defaultable && !random.is_empty()).then(|| {
        let inits = info.fields.iter().map(|f| {
            let name = &f.ident;
            if f.def.default == Some(FieldDefault::Random) {
                quote!(#name: crate::new_msg_random())
            } else {
                quote!(#name: ::std::default::Default::default())
            }
        });
        let ident = &info.ident;
        let names: Vec<String> = random.iter().map(|f| format!("`{}`", f.def.json)).collect();
        let doc = format!(
            " Every field empty or zero, except {}: a fresh random value, so two values built this \
             way are never taken for the same call.",
            names.join(", ")
        );
        quote! {
            impl ::std::default::Default for #ident {
                #[doc = #doc]
                fn default() -> Self {
                    Self { #(#inits),* }
                }
            }
        }
    });
    let fields = info.fields.iter().map(|f| {
        let doc = doc_attrs(&ctx.field_doc(f.def));
        let name = &f.ident;
        let mut serde = Vec::new();
        if naming::unraw(name) != f.def.json {
            let json = &f.def.json;
            serde.push(quote!(rename = #json));
        }
        let ty = ctx.rust_type(&f.def.ty, info.service, Krate::Model);
        let ty = if f.def.required {
            if matches!(
                kind,
                Kind::Response | Kind::Envelope | Kind::Payload | Kind::Answer
            ) && ctx.ty_default(&f.def.ty, info.service)
            {
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
        if f.def.lenient {
            // Documented as an integer, sent as a string by some pages' samples.
            let with = if f.def.required {
                "crate::lenient::int"
            } else {
                "crate::lenient::opt_int"
            };
            serde.push(quote!(deserialize_with = #with));
        }
        if f.query {
            // Sent in the URL (see `Request::query_params`), never in the body.
            serde = vec![quote!(skip)];
        }
        let serde = (!serde.is_empty()).then(|| quote!(#[serde(#(#serde),*)]));
        let hidden =
            kind == Kind::Response && ctx.spec.api.envelope.iter().any(|e| e.json == f.def.json);
        let vis = if hidden {
            quote!(pub(crate))
        } else {
            quote!(pub)
        };
        quote! {
            #doc
            #serde
            #vis #name: #ty,
        }
    });
    let constructors = match kind {
        Kind::Shared | Kind::Request | Kind::Payload => Some(constructors(ctx, info, true)),
        Kind::Answer => Some(constructors(ctx, info, false)),
        Kind::Envelope | Kind::Response => None,
    };
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, #default ::serde::Serialize, ::serde::Deserialize)]
        #[non_exhaustive]
        pub struct #ident {
            #(#fields)*
        }
        #manual_default
        #constructors
    }
}

/// The parameter type a constructor or setter takes for a value of type `ty`: strings and
/// lists of strings take anything that converts.
fn param_type(ctx: &Context<'_>, ty: &TypeRef, service: Option<&str>) -> TokenStream {
    match ty {
        TypeRef::String => quote!(impl ::std::convert::Into<::std::string::String>),
        TypeRef::Array(t) if **t == TypeRef::String => quote! {
            impl ::std::iter::IntoIterator<Item = impl ::std::convert::Into<::std::string::String>>
        },
        TypeRef::Map(t) if **t == TypeRef::String => quote! {
            impl ::std::iter::IntoIterator<Item = (
                impl ::std::convert::Into<::std::string::String>,
                impl ::std::convert::Into<::std::string::String>,
            )>
        },
        other => ctx.rust_type(other, service, Krate::Model),
    }
}

/// The conversion of a parameter of [`param_type`] into the field's value (empty: the
/// parameter is the value).
fn param_value(name: &proc_macro2::Ident, ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::String => quote!(#name.into()),
        TypeRef::Array(t) if **t == TypeRef::String => {
            quote!(#name.into_iter().map(::std::convert::Into::into).collect())
        }
        TypeRef::Map(t) if **t == TypeRef::String => {
            quote!(#name.into_iter().map(|(k, v)| (k.into(), v.into())).collect())
        }
        _ => TokenStream::new(),
    }
}

/// `new` (the required fields, in wire order; a field whose default is random draws a fresh
/// value) and one chainable setter per optional field, so that a caller never writes a
/// struct literal and a field added to the spec later breaks nobody (the types are
/// `#[non_exhaustive]`).
fn constructors(ctx: &Context<'_>, info: &StructInfo<'_>, with_new: bool) -> TokenStream {
    let ident = &info.ident;
    let takes =
        |f: &&super::FieldInfo<'_>| f.def.required && f.def.default != Some(FieldDefault::Random);
    // Every required field is a parameter: a type with many of them (a video element) gets
    // a long constructor rather than one that can build an invalid value.
    let many = (info.fields.iter().filter(takes).count() > 7)
        .then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let params = info.fields.iter().filter(takes).map(|f| {
        let name = &f.ident;
        let ty = param_type(ctx, &f.def.ty, info.service);
        quote!(#name: #ty)
    });
    let inits = info.fields.iter().map(|f| {
        let name = &f.ident;
        if !f.def.required {
            quote!(#name: ::std::option::Option::None)
        } else if f.def.default == Some(FieldDefault::Random) {
            quote!(#name: crate::new_msg_random())
        } else {
            let value = param_value(name, &f.def.ty);
            if value.is_empty() {
                quote!(#name)
            } else {
                quote!(#name: #value)
            }
        }
    });
    let optional = info.fields.iter().filter(|f| !f.def.required).count();
    let random: Vec<String> = info
        .fields
        .iter()
        .filter(|f| f.def.default == Some(FieldDefault::Random))
        .map(|f| format!("`{}`", f.def.json))
        .collect();
    let mut new_doc = match (optional, info.fields.iter().filter(takes).count()) {
        (0, 0) => " Creates the value (it has no fields to give).".to_owned(),
        (0, _) => " Creates the value from its fields.".to_owned(),
        (_, 0) => " Creates the value with every optional field `None`; set them with the \
                   setters."
            .to_owned(),
        _ => " Creates the value from its required fields; the optional ones start as `None` \
              (set them with the setters)."
            .to_owned(),
    };
    if !random.is_empty() {
        new_doc.push_str(&format!(
            " {} gets a fresh random value.",
            random.join(", ")
        ));
    }
    let setters = info.fields.iter().filter(|f| !f.def.required).map(|f| {
        let name = &f.ident;
        let method = naming::unraw(name);
        assert!(
            !RESERVED_METHODS.contains(&method.as_str()),
            "{ident}: the setter of `{}` would be named `{method}`, which is taken: give the \
             field a `rust` name in the spec",
            f.def.json
        );
        let ty = param_type(ctx, &f.def.ty, info.service);
        let value = param_value(name, &f.def.ty);
        let value = if value.is_empty() {
            quote!(#name)
        } else {
            value
        };
        let doc = format!(" Sets `{}` (see the field).", f.def.json);
        quote! {
            #[doc = #doc]
            #[must_use]
            pub fn #name(mut self, #name: #ty) -> Self {
                self.#name = ::std::option::Option::Some(#value);
                self
            }
        }
    });
    let new = with_new.then(|| {
        quote! {
            #[doc = #new_doc]
            #[must_use]
            #many
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits),* }
            }
        }
    });
    quote! {
        impl #ident {
            #new
            #(#setters)*
        }
    }
}

fn union_tokens(ctx: &Context<'_>, u: &UnionDef, service: Option<&str>) -> TokenStream {
    let ident = naming::ident(&u.name);
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
        let name = naming::ident(&v.name);
        let ty = ctx.type_path(&v.ty, service, Krate::Model);
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
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(tag = #tag, content = #content)]
        pub enum #ident {
            #(#variants)*
        }
        #(#froms)*
    }
}

fn request_tokens(ctx: &Context<'_>, svc: &ServiceInfo<'_>, ep: &EndpointInfo<'_>) -> TokenStream {
    let e = ep.def;
    let doc = format!(
        "{}: the request body of `POST {}`.\n\nSent by `client.{}().{}(..)`; the method's \
         documentation gives the endpoint's limits and error codes ([`{}`] holds \
         them as data).",
        e.title.trim(),
        e.path(),
        svc.module,
        naming::unraw(&ep.method),
        ep.constant,
    );
    let def = struct_tokens(ctx, &ep.request, &doc, Kind::Request);
    let ident = &ep.request.ident;
    let response = &ep.response.ident;
    let constant = &ep.constant;

    let conversions = conversions(ep);
    let query = query_impl(ctx, ep);
    quote! {
        #def
        #conversions
        impl crate::endpoint::Request for #ident {
            type Response = #response;
            const ENDPOINT: &'static crate::endpoint::Endpoint = &#constant;
            #query
        }
    }
}

/// `query_params` and `read_query_params` of a request whose endpoint has query parameters
/// of its own (`GetIPList`'s `nettype`): each one as text in the URL, and parsed back.
fn query_impl(ctx: &Context<'_>, ep: &EndpointInfo<'_>) -> TokenStream {
    let fields: Vec<_> = ep.request.fields.iter().filter(|f| f.query).collect();
    if fields.is_empty() {
        return TokenStream::new();
    }
    let pushes = fields.iter().map(|f| {
        let name = &f.ident;
        let json = &f.def.json;
        if f.def.required {
            quote!(params.push((#json, self.#name.to_string()));)
        } else {
            quote! {
                if let ::std::option::Option::Some(v) = &self.#name {
                    params.push((#json, v.to_string()));
                }
            }
        }
    });
    let reads = fields.iter().map(|f| {
        let name = &f.ident;
        let json = &f.def.json;
        let ty = ctx.rust_type(&f.def.ty, ep.request.service, Krate::Model);
        let set = if f.def.required {
            quote!(self.#name = parsed;)
        } else {
            quote!(self.#name = ::std::option::Option::Some(parsed);)
        };
        let parse = quote! {
            let parsed: #ty = v.parse().map_err(|_| {
                ::std::format!("query parameter `{}`: {:?} is not a valid value", #json, v)
            })?;
            #set
        };
        if f.def.required {
            quote! {
                let ::std::option::Option::Some((_, v)) = pairs.iter().find(|(k, _)| *k == #json) else {
                    return ::std::result::Result::Err(::std::format!(
                        "query parameter `{}` is missing", #json
                    ));
                };
                #parse
            }
        } else {
            quote! {
                if let ::std::option::Option::Some((_, v)) = pairs.iter().find(|(k, _)| *k == #json) {
                    #parse
                }
            }
        }
    });
    let names = fields.iter().map(|f| f.def.json.as_str());
    quote! {
        const QUERY_PARAMS: &'static [&'static str] = &[#(#names),*];

        fn query_params(&self) -> ::std::vec::Vec<(&'static str, ::std::string::String)> {
            let mut params = ::std::vec::Vec::new();
            #(#pushes)*
            params
        }

        fn read_query_params(
            &mut self,
            pairs: &[(&str, &str)],
        ) -> ::std::result::Result<(), ::std::string::String> {
            #(#reads)*
            ::std::result::Result::Ok(())
        }
    }
}

/// `From` conversions so a method can take the obvious argument: `()` for an empty body,
/// any list of account strings when the body is one required `array<string>`.
fn conversions(ep: &EndpointInfo<'_>) -> TokenStream {
    let ident = &ep.request.ident;
    let fields = &ep.request.fields;
    if !ep.def.query.is_empty() {
        // Query parameters make the request more than its body: build it with `new`.
        return TokenStream::new();
    }
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
        impl<'a> ::std::convert::From<&'a [::std::string::String]> for #ident {
            #[doc = #doc]
            fn from(#name: &'a [::std::string::String]) -> Self {
                Self::new(#name.iter().cloned())
            }
        }
        impl<'a> ::std::convert::From<&'a ::std::vec::Vec<::std::string::String>> for #ident {
            #[doc = #doc]
            fn from(#name: &'a ::std::vec::Vec<::std::string::String>) -> Self {
                Self::new(#name.iter().cloned())
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

fn response_tokens(ctx: &Context<'_>, svc: &ServiceInfo<'_>, ep: &EndpointInfo<'_>) -> TokenStream {
    let e = ep.def;
    let doc = format!(
        "{}: the response body.\n\nReturned by `client.{}().{}(..)` for `POST {}` when the \
         call succeeded. The envelope every response carries (`ActionStatus`, `ErrorCode`, \
         `ErrorInfo`) is read through [`Response::envelope`](crate::Response::envelope). \
         Missing fields take their default value; unknown fields are ignored.",
        e.title.trim(),
        svc.module,
        naming::unraw(&ep.method),
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
/// `api.json`) read from the decoded response, so the client decodes a body once.
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
