//! Emits the files that tie the others together: the model crate's per-service and common
//! modules (assembled from the type, validation, endpoint and batch emitters) and the
//! `mod.rs` of each generated folder, so the list of modules is generated too.

use super::{Context, ServiceInfo, bulk, endpoints, rustdoc_safe, types, validate};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// Module docs of the model's common module.
pub const COMMON_DOC: &str =
    "Types shared by several services (`spec/types.json`): message elements, offline push
settings... Each implements [`Validate`](crate::Validate).";

/// Module docs of a service's model module.
pub fn service_doc(svc: &ServiceInfo<'_>) -> String {
    let text: Vec<String> = svc.def.doc.trim().lines().map(rustdoc_safe).collect();
    let mut doc = format!(
        "`{}`: {}.\n\n{}",
        svc.def.name,
        rustdoc_safe(svc.def.title.trim().trim_end_matches('.')),
        text.join("\n")
    );
    if let Some(ed) = &svc.def.edition {
        doc.push_str(&format!("\n\nEdition: {}", rustdoc_safe(ed.trim())));
    }
    doc.push_str(
        "\n\nThe service's own types, one `{Method}Request` / `{Method}Response` pair per \
         endpoint (each request implements [`Request`](crate::Request) and \
         [`Validate`](crate::Validate)), and one [`Endpoint`](crate::Endpoint) constant per \
         endpoint. Generated from the service's folder under `spec/services/`.",
    );
    doc
}

/// The model's common module.
pub fn common(ctx: &Context<'_>) -> TokenStream {
    let types = types::emit_group(ctx, &ctx.common, None);
    let envelope = types::emit_envelope(ctx);
    let prelude = validate::prelude();
    let checks = validate::emit_group(ctx, &ctx.common, None);
    quote!(#prelude #envelope #types #checks)
}

/// One service's model module.
pub fn service(ctx: &Context<'_>, svc: &ServiceInfo<'_>) -> TokenStream {
    let service = Some(svc.def.name.as_str());
    let prelude = validate::prelude();
    let own = types::emit_group(ctx, &svc.types, service);
    let wire = types::emit_endpoints(ctx, svc);
    let own_checks = validate::emit_group(ctx, &svc.types, service);
    let request_checks = validate::emit_requests(ctx, svc);
    let consts = endpoints::emit_consts(ctx, svc);
    let batches = bulk::emit(ctx, svc);
    quote!(#prelude #own #wire #own_checks #request_checks #consts #batches)
}

/// Module docs of the model's `generated/mod.rs`.
pub const MODEL_MOD_DOC: &str =
    "The model's generated modules: `common`, one per service, `endpoints` (the index),
`callbacks` (the webhooks), `errors` and `regions`. Private: the crate root re-exports them, so each item has one path.";

/// The model's `generated/mod.rs`.
pub fn model_mod(ctx: &Context<'_>) -> TokenStream {
    let services = ctx.services.iter().map(|s| {
        let m = &s.module;
        quote!(#[rustfmt::skip] pub mod #m;)
    });
    quote! {
        #[rustfmt::skip] pub mod common;
        #(#services)*
        #[rustfmt::skip] pub mod endpoints;
        #[rustfmt::skip] pub mod callbacks;
        #[rustfmt::skip] pub(crate) mod errors;
        #[rustfmt::skip] pub(crate) mod regions;
    }
}

/// Module docs of the client's `services/mod.rs`.
pub const CLIENT_MOD_DOC: &str =
    "One handle per service, generated from `spec/services/`: `client.{module}()` returns the
service's handle, whose methods are its endpoints, and `bulk.{module}()` its bulk jobs. This
is the one way to call an endpoint by name (`Client::send` takes any request type).";

/// The client's `services/mod.rs`.
pub fn client_mod(ctx: &Context<'_>) -> TokenStream {
    let items = ctx.services.iter().map(|s| {
        let m = &s.module;
        let h = &s.handle;
        if super::methods::has_bulk(s) {
            let b = format_ident!("{}Bulk", s.handle);
            quote! {
                #[rustfmt::skip] mod #m;
                pub use #m::{#h, #b};
            }
        } else {
            quote! {
                #[rustfmt::skip] mod #m;
                pub use #m::#h;
            }
        }
    });
    quote!(#(#items)*)
}

/// Module docs of the emulator's `generated/mod.rs`.
pub const EMULATOR_MOD_DOC: &str =
    "The emulator's generated surface: one module per service (its `Behaviour` trait with the
conformance default of every endpoint, and `dispatch`) and `Families`, one behaviour per
service.";
