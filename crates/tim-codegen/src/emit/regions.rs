//! Emits `generated/regions.rs`: the `Region` enum of `spec/api.json` (ids, domains,
//! `Display`, `FromStr`).

use super::{Context, doc_attrs, one_line};
use crate::naming;
use proc_macro2::TokenStream;
use quote::quote;

/// Module docs of the generated file.
pub const DOC: &str =
    "The documented regions and their API domains, generated from `spec/api.json`.";

/// The tokens of `regions.rs`.
pub fn emit(ctx: &Context<'_>) -> TokenStream {
    let mut variants = Vec::new();
    let mut domain_arms = Vec::new();
    let mut standby_arms = Vec::new();
    let mut id_arms = Vec::new();
    let mut parse_arms = Vec::new();
    let mut all = Vec::new();
    let mut id_list = Vec::new();
    for r in &ctx.spec.api.regions {
        let name = naming::ident(&r.name);
        let standby = match &r.standby_domain {
            Some(s) => format!(", standby domain `{s}`"),
            None => String::new(),
        };
        let doc = doc_attrs(&format!(
            "{}\n\nId `{}`, domain `{}`{standby}.",
            one_line(&r.doc),
            r.id,
            r.domain
        ));
        variants.push(quote!(#doc #name,));
        let (id, domain) = (&r.id, &r.domain);
        domain_arms.push(quote!(Self::#name => #domain,));
        standby_arms.push(match &r.standby_domain {
            Some(s) => quote!(Self::#name => ::std::option::Option::Some(#s),),
            None => quote!(Self::#name => ::std::option::Option::None,),
        });
        id_arms.push(quote!(Self::#name => #id,));
        parse_arms.push(quote!(#id => Ok(Self::#name),));
        all.push(quote!(Self::#name));
        id_list.push(r.id.clone());
    }
    let message = format!(
        "unknown region {{:?}}; valid ids: {}",
        id_list.join(", ").replace('{', "{{").replace('}', "}}")
    );
    let region_enum = if variants.is_empty() {
        // A spec without regions still gets the same API (over an empty enum).
        quote! {
            /// A region of the service (the spec lists none).
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
            #[non_exhaustive]
            pub enum Region {}
        }
    } else {
        quote! {
            /// A region of the service, with the domain its REST API is served from.
            ///
            /// Displays as its id; parses from its id (`"singapore".parse::<Region>()`).
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
            #[non_exhaustive]
            pub enum Region {
                #(#variants)*
            }
        }
    };
    let domain_body = if variants.is_empty() {
        quote!(match *self {})
    } else {
        quote!(match self { #(#domain_arms)* })
    };
    let standby_body = if variants.is_empty() {
        quote!(match *self {})
    } else {
        quote!(match self { #(#standby_arms)* })
    };
    let id_body = if variants.is_empty() {
        quote!(match *self {})
    } else {
        quote!(match self { #(#id_arms)* })
    };
    quote! {
        #region_enum

        impl Region {
            /// Every region, in spec order.
            pub const ALL: &'static [Region] = &[#(#all),*];

            /// The host name of the region's REST API.
            pub fn domain(&self) -> &'static str {
                #domain_body
            }

            /// The standby (backup) host name the REST overview page gives for the region,
            /// if any: the same API, for when `domain` cannot be reached.
            pub fn standby_domain(&self) -> ::std::option::Option<&'static str> {
                #standby_body
            }

            /// The region's stable lowercase id (used by the CLI and `TIM_REGION`).
            pub fn id(&self) -> &'static str {
                #id_body
            }
        }

        impl ::std::fmt::Display for Region {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.id())
            }
        }

        /// A string that is not the id of a known region.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct ParseRegionError {
            /// The string that was given.
            pub input: ::std::string::String,
        }

        impl ::std::fmt::Display for ParseRegionError {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(f, #message, self.input)
            }
        }

        impl ::std::error::Error for ParseRegionError {}

        impl ::std::str::FromStr for Region {
            type Err = ParseRegionError;

            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                match s {
                    #(#parse_arms)*
                    _ => Err(ParseRegionError { input: s.to_owned() }),
                }
            }
        }
    }
}
