//! Emits, in a service's model file, `impl BatchRequest` for every batch endpoint's request
//! type, from the spec's `batch` metadata: the item type, the account inside an item, how a
//! request is rebuilt around a batch of items, how an oversized item is split, and where the
//! response lists per-account results. The client's bulk jobs run on it with no
//! hand-written code per endpoint.

use super::{Context, Krate, ServiceInfo, max_items};
use crate::naming;
use proc_macro2::{Literal, TokenStream};
use quote::quote;
use tim_spec::TypeRef;

/// `impl BatchRequest` for the batch endpoints of one service.
pub fn emit(ctx: &Context<'_>, svc: &ServiceInfo<'_>) -> TokenStream {
    let service = Some(svc.def.name.as_str());
    let impls = svc.endpoints.iter().filter_map(|ep| {
        let b = ep.def.batch.as_ref()?;
        let request = &ep.request.ident;
        let field = ep.request.fields.iter().find(|f| f.def.json == b.field)?;
        let field_ident = &field.ident;
        let TypeRef::Array(item) = &field.def.ty else {
            return None;
        };
        let item_ty = ctx.rust_type(item, service, Krate::Model);
        let (account_const, account_fn) = match &b.account {
            None => (quote!(None), quote!(item.as_str())),
            Some(acc) => {
                let TypeRef::Named(n) = &**item else {
                    return None;
                };
                let def = ctx.struct_def(n, service)?;
                let f = def.fields.iter().find(|f| &f.json == acc)?;
                let id = naming::ident(&f.rust_name());
                (quote!(Some(#acc)), quote!(item.#id.as_str()))
            }
        };
        let result_code_fn = b.results.as_ref().and_then(|r| {
            let code = r.code.as_ref()?;
            let rf = ep.response.fields.iter().find(|f| f.def.json == r.field)?;
            let TypeRef::Array(rt) = &rf.def.ty else {
                return None;
            };
            let TypeRef::Named(rn) = &**rt else {
                return None;
            };
            let rdef = ctx.struct_def(rn, service)?;
            let cf = rdef.fields.iter().find(|f| &f.json == code)?;
            let cid = naming::ident(&cf.rust_name());
            let value = if cf.required {
                quote!(result.#cid)
            } else {
                quote!(result.#cid?)
            };
            // Every integer type but u64 converts losslessly.
            let code_expr = match cf.ty {
                TypeRef::I64 => value,
                TypeRef::U64 => quote!(i64::try_from(#value).unwrap_or(i64::MAX)),
                _ => quote!(i64::from(#value)),
            };
            let info_expr = match &r.info {
                Some(info) => {
                    let inf = rdef.fields.iter().find(|f| &f.json == info)?;
                    let iid = naming::ident(&inf.rust_name());
                    if inf.required {
                        quote!(::std::option::Option::Some(result.#iid.as_str()))
                    } else {
                        quote!(result.#iid.as_deref())
                    }
                }
                None => quote!(::std::option::Option::None),
            };
            let success_const = r.success.as_ref().map(|values| {
                let values = values.iter().map(|v| Literal::i64_unsuffixed(*v));
                quote! {
                    const RESULT_SUCCESS: &'static [i64] = &[#(#values),*];
                }
            });
            Some(quote! {
                #success_const
                fn result_code(result: &Self::Result) -> ::std::option::Option<(i64, ::std::option::Option<&str>)> {
                    ::std::option::Option::Some((#code_expr, #info_expr))
                }
            })
        });
        let (result_ty, results_fn, result_account_fn) = match &b.results {
            Some(r) => {
                let rf = ep.response.fields.iter().find(|f| f.def.json == r.field)?;
                let TypeRef::Array(rt) = &rf.def.ty else {
                    return None;
                };
                let TypeRef::Named(rn) = &**rt else {
                    return None;
                };
                let rdef = ctx.struct_def(rn, service)?;
                let racc = rdef.fields.iter().find(|f| f.json == r.account)?;
                let racc = naming::ident(&racc.rust_name());
                let rid = &rf.ident;
                let ty = ctx.rust_type(rt, service, Krate::Model);
                let take = if rf.def.required {
                    quote!(::std::option::Option::Some(response.#rid))
                } else {
                    quote!(::std::option::Option::Some(response.#rid.unwrap_or_default()))
                };
                (ty, take, quote!(result.#racc.as_str()))
            }
            None => (
                quote!(()),
                quote!({
                    let _ = response;
                    ::std::option::Option::None
                }),
                quote!({
                    let () = result;
                    ""
                }),
            ),
        };
        let failures_fn = match &b.failures {
            None => quote!(),
            Some(r) => {
                let rf = ep.response.fields.iter().find(|f| f.def.json == r.field)?;
                let TypeRef::Array(rt) = &rf.def.ty else {
                    return None;
                };
                let TypeRef::Named(rn) = &**rt else {
                    return None;
                };
                let rdef = ctx.struct_def(rn, service)?;
                let acc = rdef.fields.iter().find(|f| f.json == r.account)?;
                let acc = naming::ident(&acc.rust_name());
                let cf = rdef.fields.iter().find(|f| Some(&f.json) == r.code.as_ref())?;
                let cid = naming::ident(&cf.rust_name());
                let code_expr = match cf.ty {
                    TypeRef::I64 => quote!(f.#cid),
                    TypeRef::U64 => quote!(i64::try_from(f.#cid).unwrap_or(i64::MAX)),
                    _ => quote!(i64::from(f.#cid)),
                };
                let rid = &rf.ident;
                let list = if rf.def.required {
                    quote!(response.#rid.iter())
                } else {
                    quote!(response.#rid.iter().flatten())
                };
                quote! {
                    fn failures(response: &Self::Response) -> ::std::vec::Vec<(::std::string::String, i64)> {
                        #list.map(|f| (f.#acc.clone(), #code_expr)).collect()
                    }
                }
            }
        };
        let split = match &b.split {
            None => quote!(),
            Some(sp) => {
                let TypeRef::Named(n) = &**item else {
                    return None;
                };
                let def = ctx.struct_def(n, service)?;
                let sf = def.fields.iter().find(|f| f.json == sp.field)?;
                let per = Literal::usize_unsuffixed(usize::try_from(max_items(sf)?).ok()?);
                let sid = naming::ident(&sf.rust_name());
                let json = &sp.field;
                let max = Literal::u64_unsuffixed(sp.max_items);
                let code = match sp.error {
                    Some(c) => {
                        let c = Literal::i64_unsuffixed(c);
                        quote!(::std::option::Option::Some(#c))
                    }
                    None => quote!(::std::option::Option::None),
                };
                quote! {
                    const SPLIT: ::std::option::Option<crate::batch::Split> =
                        ::std::option::Option::Some(crate::batch::Split {
                            field: #json,
                            per_request: #per,
                            max_items: #max,
                            error: #code,
                        });

                    fn split_len(item: &Self::Item) -> usize {
                        item.#sid.len()
                    }

                    fn split_item(item: Self::Item) -> ::std::vec::Vec<Self::Item> {
                        if item.#sid.len() <= #per {
                            return ::std::vec![item];
                        }
                        item.#sid
                            .chunks(#per)
                            .map(|chunk| {
                                let mut part = item.clone();
                                part.#sid = chunk.to_vec();
                                part
                            })
                            .collect()
                    }
                }
            }
        };
        Some(quote! {
            impl crate::batch::BatchRequest for #request {
                type Item = #item_ty;
                type Result = #result_ty;
                const ACCOUNT_FIELD: ::std::option::Option<&'static str> = #account_const;

                fn item_account(item: &Self::Item) -> &str {
                    #account_fn
                }

                fn with_items(&self, items: ::std::vec::Vec<Self::Item>) -> Self {
                    let mut request = self.clone();
                    request.#field_ident = items;
                    request
                }

                fn into_results(response: Self::Response) -> ::std::option::Option<::std::vec::Vec<Self::Result>> {
                    #results_fn
                }

                fn result_account(result: &Self::Result) -> &str {
                    #result_account_fn
                }

                #result_code_fn

                #failures_fn

                #split
            }
        })
    });
    quote!(#(#impls)*)
}
