//! Emits `errors.rs` of the model crate: the static table of `spec/errors.json` (one
//! `ErrorDef` row per code: name, official description, hint, retry class, whether it is
//! about the call or one item of a batch, and its meanings in particular services) and the
//! `ErrorCode` enum over it, one variant per code plus `Unknown(i64)`. The accessors
//! (`description`, `retry_class`...) are hand-written in the model crate and read the table.

use super::{Context, doc_attrs, one_line};
use crate::naming;
use proc_macro2::{Literal, TokenStream};
use quote::quote;
use tim_spec::{ErrorScope, RetryClass};

/// Module docs of the generated file.
pub const DOC: &str =
    "The service's error codes, generated from `spec/errors.json`: the table [`ERRORS`] and
the [`ErrorCode`](crate::ErrorCode) enum over it.";

fn opt_str(s: Option<&String>) -> TokenStream {
    match s {
        Some(s) => {
            let s = one_line(s);
            quote!(::std::option::Option::Some(#s))
        }
        None => quote!(::std::option::Option::None),
    }
}

/// The tokens of `errors.rs`.
pub fn emit(ctx: &Context<'_>) -> TokenStream {
    let mut rows = Vec::new();
    let mut variants = Vec::new();
    let mut index_arms = Vec::new();
    let mut all = Vec::new();
    for (i, e) in ctx.spec.errors.iter().enumerate() {
        let name = naming::ident(&e.name);
        let code = Literal::i64_unsuffixed(e.code);
        let mut doc = format!("{} ({})", one_line(&e.description), e.code);
        if let Some(h) = &e.hint {
            doc.push_str(&format!("\n\n{}", h.trim()));
        }
        if e.scope == ErrorScope::Item {
            doc.push_str("\n\nAbout one item of a batch, not the whole call.");
        }
        for m in &e.scoped {
            doc.push_str(&format!(
                "\n\nIn {}: {}",
                m.services
                    .iter()
                    .map(|s| format!("`{s}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                one_line(&m.description)
            ));
        }
        let doc = doc_attrs(&doc);
        variants.push(quote!(#doc #name,));
        let index = Literal::usize_unsuffixed(i);
        index_arms.push(quote!(Self::#name => #index,));
        all.push(quote!(Self::#name));
        let name_str = &e.name;
        let desc = one_line(&e.description);
        let hint = opt_str(e.hint.as_ref());
        let retry = match e.retry {
            RetryClass::Retry => quote!(Retry),
            RetryClass::RenewUsersig => quote!(RenewUsersig),
            RetryClass::Never => quote!(Never),
        };
        let scope = match e.scope {
            ErrorScope::Call => quote!(Call),
            ErrorScope::Item => quote!(Item),
        };
        let scoped = e.scoped.iter().map(|m| {
            let services = &m.services;
            let d = one_line(&m.description);
            let h = opt_str(m.hint.as_ref());
            quote!(crate::error_code::ScopedMeaning {
                services: &[#(#services),*],
                description: #d,
                hint: #h,
            })
        });
        rows.push(quote! {
            crate::error_code::ErrorDef {
                code: #code,
                name: #name_str,
                description: #desc,
                hint: #hint,
                retry: crate::error_code::RetryClass::#retry,
                scope: crate::error_code::ErrorScope::#scope,
                scoped: &[#(#scoped),*],
            },
        });
    }
    let index_body = if index_arms.is_empty() {
        quote!(match self {
            Self::Unknown(_) => ::std::option::Option::None,
        })
    } else {
        quote!(::std::option::Option::Some(match self { #(#index_arms)* Self::Unknown(_) => return ::std::option::Option::None, }))
    };
    quote! {
        /// Every code of the spec, sorted by code: one lookup table for all the facts about a
        /// code.
        pub static ERRORS: &[crate::error_code::ErrorDef] = &[#(#rows)*];

        /// An error code answered by the service (`ErrorCode` in a response body).
        ///
        /// Each variant documents its description and code; [`ErrorCode::def`] gives its row
        /// of the table ([`ErrorCode::table`]). Display shows `<code> <name>: <description>`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            #(#variants)*
            /// A code that is not in the spec, kept as received.
            Unknown(i64),
        }

        impl ErrorCode {
            /// Every code in the spec, in numeric order (the order of [`ErrorCode::table`]),
            /// without [`ErrorCode::Unknown`].
            pub const ALL: &'static [ErrorCode] = &[#(#all),*];

            /// The position of this code's row in the table (`None` for unknown codes).
            pub(crate) fn index(&self) -> ::std::option::Option<usize> {
                #index_body
            }
        }
    }
}
