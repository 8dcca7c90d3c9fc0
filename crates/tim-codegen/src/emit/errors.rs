//! Emits `generated/errors.rs`: the `ErrorCode` enum, one variant per code of
//! `spec/errors.json` plus `Unknown(i64)`, with its descriptions, hints and retry classes.

use super::{Context, doc_attrs, one_line};
use crate::CodegenError;
use crate::naming::{self, Scope};
use proc_macro2::{Literal, TokenStream};
use quote::quote;
use tim_spec::RetryClass;

/// Module docs of the generated file.
pub const DOC: &str = "The service's error codes, generated from `spec/errors.json`.

[`ErrorCode::from_code`] maps any code to a variant; codes the spec does not know are kept in
[`ErrorCode::Unknown`].";

/// The tokens of `errors.rs`.
pub fn emit(ctx: &Context<'_>) -> Result<TokenStream, CodegenError> {
    let mut scope = Scope::new("generated/errors.rs: ErrorCode");
    scope.claim("Unknown", "the generator (codes not in the spec)")?;
    let mut codes = Scope::new("errors.json (codes)");
    let mut variants = Vec::new();
    let mut from_arms = Vec::new();
    let mut code_arms = Vec::new();
    let mut name_arms = Vec::new();
    let mut desc_arms = Vec::new();
    let mut hint_arms = Vec::new();
    let mut retry_arms = Vec::new();
    let mut all = Vec::new();
    for (i, e) in ctx.spec.errors.iter().enumerate() {
        let at = format!("errors.json: errors[{i}] ({})", e.code);
        let name = naming::pascal_ident(&e.name, &at, "variant name")?;
        scope.claim(&e.name, &at)?;
        codes.claim(&e.code.to_string(), &at)?;
        let code = Literal::i64_unsuffixed(e.code);
        let mut doc = format!("{} ({})", one_line(&e.description), e.code);
        if let Some(h) = &e.hint {
            doc.push_str(&format!("\n\n{}", h.trim()));
        }
        let doc = doc_attrs(&doc);
        variants.push(quote!(#doc #name,));
        from_arms.push(quote!(#code => Self::#name,));
        code_arms.push(quote!(Self::#name => #code,));
        let name_str = &e.name;
        name_arms.push(quote!(Self::#name => #name_str,));
        let desc = one_line(&e.description);
        desc_arms.push(quote!(Self::#name => Some(#desc),));
        if let Some(h) = &e.hint {
            let h = one_line(h);
            hint_arms.push(quote!(Self::#name => Some(#h),));
        }
        let retry = match e.retry {
            RetryClass::Retry => quote!(Retry),
            RetryClass::RenewUsersig => quote!(RenewUsersig),
            RetryClass::Never => quote!(Never),
        };
        retry_arms.push(quote!(Self::#name => crate::error::RetryClass::#retry,));
        all.push(quote!(Self::#name));
    }
    let hint_match = if hint_arms.is_empty() {
        quote!(None)
    } else {
        quote!(match self { #(#hint_arms)* _ => None })
    };
    Ok(quote! {
        /// An error code answered by the service (`ErrorCode` in a response body).
        ///
        /// Each variant documents its description and code. Display shows
        /// `<code> <name>: <description>`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            #(#variants)*
            /// A code that is not in the spec, kept as received.
            Unknown(i64),
        }

        impl ErrorCode {
            /// Every code in the spec, in numeric order (without [`ErrorCode::Unknown`]).
            pub const ALL: &'static [ErrorCode] = &[#(#all),*];

            /// The variant for a numeric code; [`ErrorCode::Unknown`] when the spec does not
            /// know it.
            pub fn from_code(code: i64) -> ErrorCode {
                match code {
                    #(#from_arms)*
                    other => Self::Unknown(other),
                }
            }

            /// The numeric code.
            pub fn code(&self) -> i64 {
                match self {
                    #(#code_arms)*
                    Self::Unknown(code) => *code,
                }
            }

            /// The variant's name (`"Unknown"` for codes not in the spec).
            pub fn name(&self) -> &'static str {
                match self {
                    #(#name_arms)*
                    Self::Unknown(_) => "Unknown",
                }
            }

            /// The official description, if the spec knows the code.
            pub fn description(&self) -> Option<&'static str> {
                match self {
                    #(#desc_arms)*
                    Self::Unknown(_) => None,
                }
            }

            /// What the caller should do, when the docs say more than the description.
            pub fn hint(&self) -> Option<&'static str> {
                #hint_match
            }

            /// How a client may react: retry, renew the UserSig, or give up. Unknown codes are
            /// never retried.
            pub fn retry_class(&self) -> crate::error::RetryClass {
                match self {
                    #(#retry_arms)*
                    Self::Unknown(_) => crate::error::RetryClass::Never,
                }
            }
        }

        impl ::std::fmt::Display for ErrorCode {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self.description() {
                    Some(description) => write!(f, "{} {}: {description}", self.code(), self.name()),
                    None => write!(f, "{} (an error code not in the spec)", self.code()),
                }
            }
        }

        impl ::std::convert::From<i64> for ErrorCode {
            /// Same as [`ErrorCode::from_code`].
            fn from(code: i64) -> Self {
                Self::from_code(code)
            }
        }
    })
}
