//! Emits the client's per-service file: the service's handle type (`AllMemberPush`), the
//! `Client` accessor that returns it (`client.all_member_push()`), one method per endpoint,
//! taking anything that converts into its request type and returning its response type, and
//! the bulk handle (`bulk.all_member_push()`) with one method per batch endpoint.

use super::{Context, Krate, ServiceInfo, doc_attrs, rustdoc_safe};
use crate::naming;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// Module docs of a service's client file.
pub fn doc(svc: &ServiceInfo<'_>) -> String {
    let mut doc = format!(
        "`{}`: {}.\n\nThe methods of [`{}`], reached with [`Client::{}`](crate::Client::{})",
        svc.def.name,
        rustdoc_safe(svc.def.title.trim().trim_end_matches('.')),
        svc.handle,
        svc.module,
        svc.module,
    );
    if has_bulk(svc) {
        doc.push_str(&format!(
            ", and of [`{}Bulk`], reached with [`Bulk::{}`](crate::Bulk::{})",
            svc.handle, svc.module, svc.module
        ));
    }
    doc.push('.');
    doc
}

/// The tokens of one service's client file.
pub fn emit(ctx: &Context<'_>, svc: &ServiceInfo<'_>) -> TokenStream {
    let handle = &svc.handle;
    let module = &svc.module;
    let model = quote!(::tim_model::#module);
    let methods = svc.endpoints.iter().map(|ep| {
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
        if ep.request.fields.is_empty() {
            // Nothing to send but `{}`: no argument.
            return quote! {
                #doc
                pub fn #method(&self) -> ::std::result::Result<#model::#response, crate::Error> {
                    self.client.send(&#model::#request::new())
                }
            };
        }
        quote! {
            #doc
            pub fn #method(
                &self,
                request: impl ::std::convert::Into<#model::#request>,
            ) -> ::std::result::Result<#model::#response, crate::Error> {
                self.client.send(&request.into())
            }
        }
    });
    let mut service_doc = format!(
        "The `{}` endpoints: {}.\n\n{}",
        svc.def.name,
        svc.def.title.trim().trim_end_matches('.'),
        svc.def.doc.trim()
    );
    if let Some(ed) = &svc.def.edition {
        service_doc.push_str(&format!("\n\nEdition: {}", ed.trim()));
    }
    let handle_doc = doc_attrs(&format!(
        "{service_doc}\n\nReached with [`Client::{module}`](crate::Client::{module}); cheap to \
         make, borrows the client."
    ));
    let accessor_doc = doc_attrs(&format!(
        "The `{}` endpoints ({}).",
        svc.def.name,
        svc.def.title.trim().trim_end_matches('.')
    ));
    let bulk = bulk_tokens(ctx, svc);
    quote! {
        #handle_doc
        #[derive(Debug, Clone, Copy)]
        pub struct #handle<'c> {
            client: &'c crate::Client,
        }

        impl crate::Client {
            #accessor_doc
            pub fn #module(&self) -> #handle<'_> {
                #handle { client: self }
            }
        }

        impl #handle<'_> {
            #(#methods)*
        }

        #bulk
    }
}

/// Whether the service has a batch endpoint (and so a bulk handle).
pub fn has_bulk(svc: &ServiceInfo<'_>) -> bool {
    svc.endpoints.iter().any(|ep| ep.def.batch.is_some())
}

/// The bulk handle of a service: one method per batch endpoint (nothing without one).
fn bulk_tokens(ctx: &Context<'_>, svc: &ServiceInfo<'_>) -> TokenStream {
    if !has_bulk(svc) {
        return TokenStream::new();
    }
    let handle = format_ident!("{}Bulk", svc.handle);
    let module = &svc.module;
    let model = quote!(::tim_model::#module);
    let methods: Vec<TokenStream> = svc
        .endpoints
        .iter()
        .filter_map(|ep| {
            let b = ep.def.batch.as_ref()?;
            let method = &ep.method;
            let request = &ep.request.ident;
            let field = ep.request.fields.iter().find(|f| f.def.json == b.field)?;
            let item_ty = match &field.def.ty {
                tim_spec::TypeRef::Array(t) => ctx.rust_type(t, Some(&svc.def.name), Krate::Other),
                _ => return None,
            };
            let others: Vec<_> = ep
                .request
                .fields
                .iter()
                .filter(|f| f.def.required && f.def.json != b.field)
                .collect();
            let strings = b.account.is_none();
            let (items_param, items_expr) = if strings {
                (
                    quote!(items: impl ::std::iter::IntoIterator<Item = impl ::std::convert::Into<::std::string::String>>),
                    quote!(items.into_iter().map(::std::convert::Into::into)),
                )
            } else {
                (
                    quote!(items: impl ::std::iter::IntoIterator<Item = #item_ty>),
                    quote!(items.into_iter()),
                )
            };
            let result_ty = match &b.results {
                Some(r) => {
                    let rf = ep.response.fields.iter().find(|f| f.def.json == r.field)?;
                    match &rf.def.ty {
                        tim_spec::TypeRef::Array(t) => {
                            Some(ctx.rust_type(t, Some(&svc.def.name), Krate::Other))
                        }
                        _ => None,
                    }
                }
                None => None,
            };
            let (sink_param, sink_expr) = match &result_ty {
                Some(t) => (
                    quote!(, sink: impl ::std::ops::FnMut(#t) + ::std::marker::Send),
                    quote!(sink),
                ),
                None => (TokenStream::new(), quote!(|()| {})),
            };
            let (template_param, template_expr) = if others.is_empty() {
                let field_ident = &field.ident;
                let _ = field_ident;
                (
                    TokenStream::new(),
                    quote!(#model::#request::new(::std::vec::Vec::<#item_ty>::new())),
                )
            } else {
                (
                    quote!(template: #model::#request,),
                    quote!(template),
                )
            };
            let template_doc = if others.is_empty() {
                String::new()
            } else {
                format!(
                    " `template` holds the request's other fields ({}), sent with every batch; \
                     its `{}` is replaced.",
                    others
                        .iter()
                        .map(|f| format!("`{}`", f.def.json))
                        .collect::<Vec<_>>()
                        .join(", "),
                    b.field
                )
            };
            let mut doc = format!(
                "{} for any number of accounts (`{}`), in batches of the endpoint's limit.{}",
                ep.def.title.trim().trim_end_matches('.'),
                ep.def.path(),
                template_doc
            );
            if result_ty.is_some() {
                doc.push_str(
                    " Each account's result goes to `sink` (called from the worker threads, one \
                     call at a time).",
                );
            }
            if let Some(sp) = &b.split {
                doc.push_str(&format!(
                    " An item may hold up to {} entries in `{}`; more than one request allows \
                     are sent in several requests.",
                    sp.max_items, sp.field
                ));
            }
            doc.push_str(
                "\n\n# Errors\n\n[`BulkConfigError`](crate::bulk::BulkConfigError) when a \
                 setting of the [`Bulk`](crate::Bulk) is out of range; failures of accounts \
                 are in the [`BulkReport`](crate::BulkReport).",
            );
            let doc = doc_attrs(&doc);
            let _ = naming::unraw(method);
            Some(quote! {
                #doc
                pub fn #method(
                    &self,
                    #template_param
                    #items_param
                    #sink_param
                ) -> ::std::result::Result<crate::BulkReport, crate::bulk::BulkConfigError> {
                    self.bulk.run_batch(#template_expr, #items_expr, #sink_expr)
                }
            })
        })
        .collect();
    let doc = doc_attrs(&format!(
        "Bulk jobs over the batch endpoints of `{}`: reached with \
         [`Bulk::{module}`](crate::Bulk::{module}).",
        svc.def.name
    ));
    let accessor_doc = doc_attrs(&format!(
        "Bulk jobs over the batch endpoints of `{}`.",
        svc.def.name
    ));
    quote! {
        #doc
        #[derive(Clone, Copy)]
        pub struct #handle<'b, 'p> {
            bulk: &'b crate::Bulk<'p>,
        }

        impl<'p> crate::Bulk<'p> {
            #accessor_doc
            pub fn #module(&self) -> #handle<'_, 'p> {
                #handle { bulk: self }
            }
        }

        impl #handle<'_, '_> {
            #(#methods)*
        }
    }
}
