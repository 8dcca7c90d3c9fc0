//! Emits `generated/methods.rs`: one `Client` method per endpoint, taking anything that
//! converts into its request type and returning its response type.

use super::{Context, doc_attrs};
use crate::CodegenError;
use proc_macro2::TokenStream;
use quote::quote;

/// Module docs of the generated file.
pub const DOC: &str =
    "One [`Client`](crate::Client) method per endpoint, generated from `spec/endpoints/`.

Each method validates the request against the documented limits, sends it and decodes the
response, through `Client::send`.";

/// The tokens of `methods.rs`.
pub fn emit(ctx: &Context<'_>) -> Result<TokenStream, CodegenError> {
    let methods = ctx.endpoints.iter().map(|ep| {
        let e = ep.def;
        let doc = doc_attrs(&format!(
            "{}.\n\n{}\n\n{}\n\n# Errors\n\n[`Error`](crate::Error) when the request breaks a \
             documented limit (nothing is sent), the call fails, or the service answers an \
             error code.",
            e.title.trim().trim_end_matches('.'),
            e.doc.trim(),
            ctx.endpoint_facts(ep)
        ));
        let method = &ep.method;
        let request = &ep.request.ident;
        let response = &ep.response.ident;
        quote! {
            #doc
            pub fn #method(
                &self,
                request: impl ::std::convert::Into<super::types::#request>,
            ) -> ::std::result::Result<super::types::#response, crate::Error> {
                self.send(&request.into())
            }
        }
    });
    Ok(quote! {
        impl crate::Client {
            #(#methods)*
        }
    })
}
