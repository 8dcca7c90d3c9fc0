//! Emits the emulator's surface: per service a `Behaviour` trait with one method per
//! endpoint, taking the decoded and validated request type and answering the response type,
//! whose default body is the conformance answer (the doc sample's response, or an empty
//! success); a `Conformance` type that keeps every default; and `dispatch`, which decodes a
//! body for an endpoint and runs its method. Hand-written families implement the trait and
//! override the endpoints they give state to.

use super::{Context, ServiceInfo, doc_attrs};
use crate::naming;
use proc_macro2::TokenStream;
use quote::quote;

/// Module docs of a service's emulator file.
pub fn doc(svc: &ServiceInfo<'_>) -> String {
    format!(
        "`{}`: the emulator's surface for {}.\n\nThe [`Behaviour`] trait (one method per \
         endpoint, each with the conformance default), [`Conformance`] and [`dispatch`].",
        svc.def.name,
        svc.def.title.trim().trim_end_matches('.')
    )
}

/// The tokens of one service's emulator file.
pub fn emit(_ctx: &Context<'_>, svc: &ServiceInfo<'_>) -> TokenStream {
    let module = &svc.module;
    let model = quote!(::tim_model::#module);
    let mut methods = Vec::new();
    let mut arms = Vec::new();
    for ep in &svc.endpoints {
        let e = ep.def;
        let method = &ep.method;
        let request = &ep.request.ident;
        let response = &ep.response.ident;
        let sample = e
            .samples
            .iter()
            .filter_map(|s| s.response.as_ref())
            .find(|r| r.get("ErrorCode").and_then(serde_json::Value::as_i64) == Some(0))
            .map(|r| serde_json::to_string(r).unwrap_or_else(|_| "{}".to_owned()))
            .unwrap_or_else(|| "{}".to_owned());
        let doc = doc_attrs(&format!(
            "{} (`{}`). Default: the conformance answer, {}.",
            e.title.trim().trim_end_matches('.'),
            e.path(),
            if sample == "{}" {
                "an empty success"
            } else {
                "the doc sample's response"
            }
        ));
        methods.push(quote! {
            #doc
            fn #method(
                &self,
                call: &crate::call::Call<'_>,
                request: #model::#request,
            ) -> ::std::result::Result<#model::#response, crate::reply::ApiError> {
                let _ = request;
                call.conformance(#sample)
            }
        });
        let command = &e.command;
        arms.push(quote! {
            #command => behaviour
                .before_decode(call, body)
                .and_then(|()| call.decode::<#model::#request>(body))
                .and_then(|request| behaviour.#method(call, request))
                .and_then(|response| call.encode(&response)),
        });
    }
    let trait_doc = doc_attrs(&format!(
        "What the emulator does for each `{}` endpoint. Every method has the conformance \
         default; a hand-written family overrides the ones it gives state to.",
        svc.def.name
    ));
    let _ = naming::unraw(module);
    quote! {
        #trait_doc
        pub(crate) trait Behaviour: Send + Sync {
            /// Checks run on the raw body before it is decoded, for codes that depend on the
            /// raw JSON (a wrong type of one field...). Default: none.
            fn before_decode(
                &self,
                call: &crate::call::Call<'_>,
                body: &[u8],
            ) -> ::std::result::Result<(), crate::reply::ApiError> {
                let _ = (call, body);
                ::std::result::Result::Ok(())
            }

            #(#methods)*
        }

        /// Every endpoint of the service with its conformance default.
        pub(crate) struct Conformance;

        impl Behaviour for Conformance {}

        /// Decodes and validates `body` for `command`, runs the behaviour's method and
        /// encodes its answer; `None` when the service has no such command.
        pub(crate) fn dispatch(
            behaviour: &dyn Behaviour,
            call: &crate::call::Call<'_>,
            command: &str,
            body: &[u8],
        ) -> ::std::option::Option<::std::result::Result<::serde_json::Map<::std::string::String, ::serde_json::Value>, crate::reply::ApiError>> {
            ::std::option::Option::Some(match command {
                #(#arms)*
                _ => return ::std::option::Option::None,
            })
        }
    }
}

/// The emulator's generated `mod.rs`: the service modules and `Families`, one behaviour
/// per service.
pub fn emit_mod(ctx: &Context<'_>) -> TokenStream {
    let mods = ctx.services.iter().map(|s| {
        let m = &s.module;
        quote!(#[rustfmt::skip] pub(crate) mod #m;)
    });
    let fields = ctx.services.iter().map(|s| {
        let m = &s.module;
        let doc = format!(" The `{}` endpoints.", s.def.name);
        quote!(#[doc = #doc] pub(crate) #m: ::std::boxed::Box<dyn #m::Behaviour>,)
    });
    let inits = ctx.services.iter().map(|s| {
        let m = &s.module;
        quote!(#m: ::std::boxed::Box::new(#m::Conformance),)
    });
    let arms = ctx.services.iter().map(|s| {
        let m = &s.module;
        let name = &s.def.name;
        quote!(#name => #m::dispatch(&*self.#m, call, endpoint.command, body),)
    });
    quote! {
        #(#mods)*

        /// One behaviour per service: the conformance default unless a hand-written family
        /// is installed (`crate::handlers::install`).
        pub(crate) struct Families {
            #(#fields)*
        }

        impl ::std::default::Default for Families {
            fn default() -> Self {
                Self { #(#inits)* }
            }
        }

        impl Families {
            /// Runs `endpoint`'s behaviour on `body`; `None` for an endpoint of no service.
            pub(crate) fn dispatch(
                &self,
                call: &crate::call::Call<'_>,
                endpoint: &'static ::tim_model::Endpoint,
                body: &[u8],
            ) -> ::std::option::Option<::std::result::Result<::serde_json::Map<::std::string::String, ::serde_json::Value>, crate::reply::ApiError>> {
                match endpoint.service {
                    #(#arms)*
                    _ => ::std::option::Option::None,
                }
            }
        }
    }
}
