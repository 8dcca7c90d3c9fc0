//! Emits `generated/endpoints.rs`: one `Endpoint` constant per endpoint (path, method name,
//! rate limit, retry safety, batch field, documented errors), `ALL`, `by_path`, and
//! `visit_requests`, which hands each endpoint's request type to a `RequestVisitor`.

use super::{Context, batch_max_items, doc_attrs};
use crate::CodegenError;
use proc_macro2::{Literal, TokenStream};
use quote::quote;
use tim_spec::RetrySafety;

/// Module docs of the generated file.
pub const DOC: &str =
    "What run-time code needs to know about each endpoint, generated from `spec/endpoints/`.

One [`Endpoint`](crate::endpoint::Endpoint) constant per endpoint, [`ALL`] of them,
[`by_path`] to find one from its URL path, and [`visit_requests`] to run generic code over
every endpoint's request type.";

fn opt<T>(v: Option<T>, lit: impl Fn(T) -> Literal) -> TokenStream {
    match v {
        Some(v) => {
            let l = lit(v);
            quote!(Some(#l))
        }
        None => quote!(None),
    }
}

/// The tokens of `endpoints.rs`.
pub fn emit(ctx: &Context<'_>) -> Result<TokenStream, CodegenError> {
    let mut consts = Vec::new();
    let mut refs = Vec::new();
    let mut arms = Vec::new();
    for ep in &ctx.endpoints {
        let e = ep.def;
        let constant = &ep.constant;
        let method = &ep.method;
        let doc = doc_attrs(&format!(
            "{}: `POST {}`, sent by [`Client::{method}`](crate::Client::{method}).",
            e.title.trim(),
            e.path()
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
            // Context::new rejects an idempotency_key endpoint without the key field.
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
                let max = opt(batch_max_items(e), Literal::u64_unsuffixed);
                quote!(Some(crate::endpoint::BatchField { field: #field, account: #account, max_items: #max }))
            }
            None => quote!(None),
        };
        let errors = e.errors.iter().map(|c| Literal::i64_unsuffixed(*c));
        consts.push(quote! {
            #doc
            pub const #constant: crate::endpoint::Endpoint = crate::endpoint::Endpoint {
                service: #service,
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
            };
        });
        refs.push(quote!(&#constant));
        let short = format!("{service}/{command}");
        arms.push(quote!(#short => Some(&#constant),));
    }
    let mut sorted: Vec<_> = ctx.endpoints.iter().collect();
    sorted.sort_by_key(|ep| (&ep.def.service, &ep.def.command));
    let mut visits: Vec<TokenStream> = sorted
        .iter()
        .map(|ep| {
            let request = &ep.request.ident;
            quote!(visitor.visit::<super::types::#request>();)
        })
        .collect();
    if visits.is_empty() {
        // A spec without endpoints: nothing to visit, and no unused-variable warning.
        visits.push(quote!(let _ = visitor;));
    }
    Ok(quote! {
        #(#consts)*

        /// Every endpoint, in spec order (service, then command).
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
    })
}
