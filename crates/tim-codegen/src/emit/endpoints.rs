//! Emits the endpoint metadata: in each service module one `Endpoint` constant per endpoint
//! (path, rate limits, retry safety, batch field, documented codes), and the index module
//! (`ALL`, `by_path`, `visit_requests`, `validate_json`) over every service.

use super::{Context, ServiceInfo, batch_max_items, doc_attrs};
use crate::naming;
use proc_macro2::{Literal, TokenStream};
use quote::quote;
use tim_spec::RetrySafety;

/// Module docs of the index file.
pub const DOC: &str =
    "Every endpoint of the spec: [`ALL`] of them, [`by_path`] to find one from its URL path,
[`visit_requests`] to run generic code over every endpoint's request type and
[`validate_json`] / [`validate_call`] to check a raw JSON body (and query parameters) against
an endpoint's request type.";

fn opt<T>(v: Option<T>, lit: impl Fn(T) -> Literal) -> TokenStream {
    match v {
        Some(v) => {
            let l = lit(v);
            quote!(Some(#l))
        }
        None => quote!(None),
    }
}

/// The `Endpoint` constants of one service.
pub fn emit_consts(ctx: &Context<'_>, svc: &ServiceInfo<'_>) -> TokenStream {
    let mut consts = Vec::new();
    let module_str = naming::unraw(&svc.module);
    let bad_body = Literal::i64_unsuffixed(
        svc.def
            .bad_body_error
            .unwrap_or(ctx.spec.api.bad_body_error),
    );
    for ep in &svc.endpoints {
        let e = ep.def;
        let constant = &ep.constant;
        let request = &ep.request.ident;
        let doc = doc_attrs(&format!(
            "{}: `POST {}`, sent by `client.{module_str}().{}(..)` with a [`{request}`].",
            e.title.trim(),
            e.path(),
            e.method
        ));
        let (service, command, path, method_str, title, url) = (
            &e.service,
            &e.command,
            e.path(),
            &e.method,
            e.title.trim(),
            &e.doc_url,
        );
        let r = &e.rate_limit;
        let per_second = opt(r.per_second, Literal::u32_unsuffixed);
        let min_interval = opt(r.min_interval_ms, Literal::u32_unsuffixed);
        let per_day = opt(r.per_day, Literal::u32_unsuffixed);
        let error = opt(r.error, Literal::i64_unsuffixed);
        let per_day_error = opt(r.per_day_error, Literal::i64_unsuffixed);
        let retry = match (e.retry, &e.idempotency_key) {
            (RetrySafety::Safe, _) => quote!(crate::endpoint::RetrySafety::Safe),
            (RetrySafety::IdempotencyKey, Some(key)) => {
                quote!(crate::endpoint::RetrySafety::IdempotencyKey(#key))
            }
            // tim-spec rejects an idempotency_key endpoint without the key field.
            (RetrySafety::IdempotencyKey, None) | (RetrySafety::Never, _) => {
                quote!(crate::endpoint::RetrySafety::Never)
            }
        };
        let batch = match &e.batch {
            Some(b) => {
                let field = &b.field;
                let account = match &b.account {
                    Some(a) => quote!(Some(#a)),
                    None => quote!(None),
                };
                let results = match &b.results {
                    Some(r) => {
                        let f = &r.field;
                        quote!(Some(#f))
                    }
                    None => quote!(None),
                };
                let max = opt(batch_max_items(e), Literal::u64_unsuffixed);
                quote!(Some(crate::endpoint::BatchField {
                    field: #field,
                    account: #account,
                    max_items: #max,
                    results: #results,
                }))
            }
            None => quote!(None),
        };
        let errors = e.errors.iter().map(|c| Literal::i64_unsuffixed(*c));
        let rate_limit_error =
            Literal::i64_unsuffixed(r.error.unwrap_or(ctx.spec.api.rate_limit_error));
        consts.push(quote! {
            #doc
            pub const #constant: crate::endpoint::Endpoint = crate::endpoint::Endpoint {
                service: #service,
                module: #module_str,
                command: #command,
                path: #path,
                method: #method_str,
                title: #title,
                doc_url: #url,
                rate_limit: crate::endpoint::RateLimit {
                    per_second: #per_second,
                    min_interval_ms: #min_interval,
                    per_day: #per_day,
                    error: #error,
                    per_day_error: #per_day_error,
                },
                retry: #retry,
                batch: #batch,
                errors: &[#(#errors),*],
                bad_body_error: #bad_body,
                rate_limit_error: #rate_limit_error,
            };
        });
    }
    let refs = svc.endpoints.iter().map(|ep| {
        let c = &ep.constant;
        quote!(&#c)
    });
    quote! {
        #(#consts)*

        /// This service's endpoints, in command order.
        pub const ENDPOINTS: &[&crate::endpoint::Endpoint] = &[#(#refs),*];
    }
}

/// The index module: every endpoint of every service.
pub fn emit_index(ctx: &Context<'_>) -> TokenStream {
    let mut refs = Vec::new();
    let mut arms = Vec::new();
    let mut visits = Vec::new();
    let mut json_arms = Vec::new();
    for (svc, ep) in ctx.endpoints() {
        let module = &svc.module;
        let constant = &ep.constant;
        let request = &ep.request.ident;
        refs.push(quote!(&crate::#module::#constant));
        let short = format!("{}/{}", ep.def.service, ep.def.command);
        arms.push(quote!(#short => Some(&crate::#module::#constant),));
        visits.push(quote!(visitor.visit::<crate::#module::#request>();));
        json_arms.push(
            quote!(#short => crate::endpoint::check_call::<crate::#module::#request>(body, query),),
        );
    }
    if visits.is_empty() {
        // A spec without endpoints: nothing to visit, and no unused-variable warning.
        visits.push(quote!(let _ = visitor;));
    }
    quote! {
        /// Every endpoint, sorted by service, then command.
        pub const ALL: &[&crate::endpoint::Endpoint] = &[#(#refs),*];

        /// The endpoint at `path`: `v4/{service}/{command}` or `{service}/{command}`, with or
        /// without a leading `/`.
        pub fn by_path(path: &str) -> Option<&'static crate::endpoint::Endpoint> {
            let path = path.strip_prefix('/').unwrap_or(path);
            match path.strip_prefix("v4/").unwrap_or(path) {
                #(#arms)*
                _ => None,
            }
        }

        /// Calls [`RequestVisitor::visit`](crate::endpoint::RequestVisitor::visit) once with
        /// the request type of each endpoint, sorted by service, then command (the order of
        /// [`ALL`]).
        ///
        /// Code that needs every endpoint's types (round-trip tests, benchmarks) runs through
        /// this instead of listing them by hand, so a new endpoint is covered as soon as it is
        /// in the spec.
        pub fn visit_requests(visitor: &mut impl crate::endpoint::RequestVisitor) {
            #(#visits)*
        }

        /// Checks a raw JSON request body for `endpoint` as the client would before sending:
        /// it must decode as the endpoint's request type and keep every documented limit.
        ///
        /// # Errors
        ///
        /// [`JsonCheckError`](crate::endpoint::JsonCheckError) naming what is wrong.
        pub fn validate_json(
            endpoint: &crate::endpoint::Endpoint,
            body: &::serde_json::Value,
        ) -> ::std::result::Result<(), crate::endpoint::JsonCheckError> {
            validate_call(endpoint, body, &[]).map(|_| ())
        }

        /// [`validate_json`] with the endpoint's own query parameters (`GetIPList`'s
        /// `nettype`): each must be one of the endpoint's, and they are checked with the body.
        /// Returns the parameters to send, in the endpoint's order.
        ///
        /// # Errors
        ///
        /// [`JsonCheckError`](crate::endpoint::JsonCheckError) naming what is wrong.
        pub fn validate_call(
            endpoint: &crate::endpoint::Endpoint,
            body: &::serde_json::Value,
            query: &[(&str, &str)],
        ) -> ::std::result::Result<
            ::std::vec::Vec<(&'static str, ::std::string::String)>,
            crate::endpoint::JsonCheckError,
        > {
            let short = endpoint.path.strip_prefix("v4/").unwrap_or(endpoint.path);
            match short {
                #(#json_arms)*
                _ => ::std::result::Result::Err(crate::endpoint::JsonCheckError::UnknownEndpoint),
            }
        }
    }
}
