//! Emits the callbacks (webhooks) of the model crate (`tim_model::callbacks`): one module per
//! family with its own types and, per command, the payload type (what the service sends),
//! the answer type (what the app sends back, built by one constructor per documented
//! verdict) and the `tim_model::callback::CallbackInfo` constant; and the `mod.rs` with
//! `tim_model::callbacks::Event`, one variant per command plus `Unknown`, and the index of
//! every command.

use super::types::{Kind, struct_tokens};
use super::{CallbackInfo, Context, FamilyInfo, one_line, rustdoc_safe};
use crate::naming;
use proc_macro2::TokenStream;
use quote::quote;
use tim_spec::CallbackKind;

/// Module docs of a family's module.
pub fn family_doc(fam: &FamilyInfo<'_>) -> String {
    let text: Vec<String> = fam.def.doc.trim().lines().map(rustdoc_safe).collect();
    format!(
        "`{}.*`: {}.\n\n{}\n\nPer command: its payload type (implementing \
         [`Payload`](crate::callback::Payload)), its answer type (implementing \
         [`Answer`](crate::callback::Answer)) and its [`CallbackInfo`](crate::callback::CallbackInfo) \
         constant. Generated from `spec/callbacks/{}/`.",
        fam.def.prefix,
        rustdoc_safe(fam.def.title.trim().trim_end_matches('.')),
        text.join("\n"),
        fam.def.prefix
    )
}

/// Module docs of `callbacks/mod.rs`.
pub const MOD_DOC: &str = "Every callback (webhook) of `spec/callbacks/`: one module per family, \
[`Event`] over every command (an unknown command is [`Event::Unknown`]), [`ALL`] and \
[`by_command`]. See [`crate::callback`] for the contracts and an example.";

/// One family's module.
pub fn family(ctx: &Context<'_>, fam: &FamilyInfo<'_>) -> TokenStream {
    let scope = Some(fam.def.scope.as_str());
    let types = super::types::emit_group(ctx, &fam.types, scope);
    let items = fam.callbacks.iter().map(|cb| callback(ctx, cb));
    quote! {
        #[allow(unused_imports)]
        use crate::callback::{Answer as _, Payload as _};
        #types
        #(#items)*
    }
}

fn timeout_ms(ctx: &Context<'_>, cb: &CallbackInfo<'_>) -> u64 {
    cb.def.timeout_ms.unwrap_or_else(|| {
        ctx.spec
            .callback_api
            .as_ref()
            .map_or(2000, |a| a.timeout_ms)
    })
}

fn payload_doc(ctx: &Context<'_>, cb: &CallbackInfo<'_>) -> String {
    let d = cb.def;
    let kind = match d.kind {
        CallbackKind::Before => "Sent **before** the event: the answer decides it.",
        CallbackKind::After => "Sent **after** the event: the service ignores the answer.",
    };
    let mut doc = format!(
        "`{}`: {}.\n\n{}\n\n{kind} Timeout: {} ms. Page: <{}>.",
        d.command,
        d.title.trim().trim_end_matches('.'),
        d.doc.trim(),
        timeout_ms(ctx, cb),
        d.doc_url
    );
    if !d.triggers.doc.trim().is_empty() || !d.triggers.rest.is_empty() {
        doc.push_str(&format!("\n\nFired when: {}", one_line(&d.triggers.doc)));
        if !d.triggers.rest.is_empty() {
            let rest: Vec<String> = d.triggers.rest.iter().map(|r| format!("`{r}`")).collect();
            doc.push_str(&format!(" REST endpoints: {}.", rest.join(", ")));
        }
    }
    if !d.verdicts.is_empty() {
        doc.push_str("\n\nAnswers (`ErrorCode`):");
        for v in &d.verdicts {
            doc.push_str(&format!(
                "\n- {} (`{}Answer::{}()`): {}",
                v.code,
                d.name,
                v.name,
                one_line(&v.doc)
            ));
        }
        if let Some(r) = &d.custom_codes {
            doc.push_str(&format!(
                "\n- {}..={} (`{}Answer::custom(code, info)`): {}",
                r.min,
                r.max,
                d.name,
                one_line(&r.doc)
            ));
        }
    }
    if !d.assumptions.is_empty() {
        doc.push_str("\n\nAssumed (the official page does not say):");
        for a in &d.assumptions {
            doc.push_str(&format!("\n- `{}`: {}", a.about, one_line(&a.doc)));
        }
    }
    doc
}

fn callback(ctx: &Context<'_>, cb: &CallbackInfo<'_>) -> TokenStream {
    let d = cb.def;
    let payload_ty = &cb.payload.ident;
    let answer_ty = &cb.answer.ident;
    let constant = &cb.constant;
    let payload = struct_tokens(ctx, &cb.payload, &payload_doc(ctx, cb), Kind::Payload);
    let answer_doc = format!(
        "The answer to `{}` ([`{}`]): build it with {}.",
        d.command,
        d.name,
        match d.kind {
            CallbackKind::Before => "a verdict constructor",
            CallbackKind::After => "`ok()` (the service ignores it)",
        }
    );
    let answer = struct_tokens(ctx, &cb.answer, &answer_doc, Kind::Answer);
    let optional_answer = cb
        .answer
        .fields
        .iter()
        .skip(ctx.spec.callback_api.as_ref().map_or(0, |a| a.answer.len()))
        .map(|f| {
            let name = &f.ident;
            if f.def.required {
                // Empty until the app fills it (e.g. `ResultItem`).
                quote!(#name: ::std::default::Default::default())
            } else {
                quote!(#name: ::std::option::Option::None)
            }
        })
        .collect::<Vec<_>>();
    let build = |code: i64, info: TokenStream| {
        let rest = &optional_answer;
        quote! {
            Self {
                action_status: ::std::string::String::from("OK"),
                error_code: #code,
                error_info: #info,
                #(#rest,)*
            }
        }
    };
    let mut ctors = Vec::new();
    for v in &d.verdicts {
        let name = naming::ident(&v.name);
        let doc = format!(" `ErrorCode` {}: {}", v.code, one_line(&v.doc));
        let body = build(v.code, quote!(::std::string::String::new()));
        ctors.push(quote! {
            #[doc = #doc]
            #[must_use]
            pub fn #name() -> Self {
                #body
            }
        });
    }
    if let Some(r) = &d.custom_codes {
        let (min, max) = (r.min, r.max);
        let command = &d.command;
        let doc = format!(
            " An app-chosen `ErrorCode` in {min}..={max} with its `ErrorInfo`: {}\n\n # Errors\n\n \
             [`CustomCodeError`](crate::callback::CustomCodeError) when `code` is outside the range.",
            one_line(&r.doc)
        );
        let body = build(0, quote!(info.into()));
        ctors.push(quote! {
            #[doc = #doc]
            pub fn custom(
                code: i64,
                info: impl ::std::convert::Into<::std::string::String>,
            ) -> ::std::result::Result<Self, crate::callback::CustomCodeError> {
                if !(#min..=#max).contains(&code) {
                    return ::std::result::Result::Err(crate::callback::CustomCodeError {
                        command: #command,
                        code,
                        min: #min,
                        max: #max,
                    });
                }
                let mut answer = #body;
                answer.error_code = code;
                ::std::result::Result::Ok(answer)
            }
        });
    }
    let ok = build(0, quote!(::std::string::String::new()));
    let info = info_tokens(ctx, cb);
    let info_doc = format!(" What the spec says about `{}`.", d.command);
    quote! {
        #payload
        #answer
        impl #answer_ty {
            #(#ctors)*
        }
        #[doc = #info_doc]
        pub static #constant: crate::callback::CallbackInfo = #info;
        impl crate::callback::Payload for #payload_ty {
            const INFO: &'static crate::callback::CallbackInfo = &#constant;
            type Answer = #answer_ty;
        }
        impl crate::callback::Answer for #answer_ty {
            fn error_code(&self) -> i64 {
                self.error_code
            }
            fn error_info(&self) -> &str {
                &self.error_info
            }
            fn ok() -> Self {
                #ok
            }
        }
    }
}

fn info_tokens(ctx: &Context<'_>, cb: &CallbackInfo<'_>) -> TokenStream {
    let d = cb.def;
    let command = &d.command;
    let title = d.title.trim();
    let doc_url = &d.doc_url;
    let timeout = timeout_ms(ctx, cb);
    let kind = match d.kind {
        CallbackKind::Before => quote!(crate::callback::CallbackKind::Before),
        CallbackKind::After => quote!(crate::callback::CallbackKind::After),
    };
    let triggers = d.triggers.rest.iter();
    let verdicts = d.verdicts.iter().map(|v| {
        let (code, name, doc) = (v.code, &v.name, one_line(&v.doc));
        let sender = match v.sender_error {
            Some(c) => quote!(::std::option::Option::Some(#c)),
            None => quote!(::std::option::Option::None),
        };
        quote! {
            crate::callback::VerdictInfo { code: #code, name: #name, doc: #doc, sender_error: #sender }
        }
    });
    let custom = match &d.custom_codes {
        Some(r) => {
            let (min, max) = (r.min, r.max);
            quote!(::std::option::Option::Some((#min, #max)))
        }
        None => quote!(::std::option::Option::None),
    };
    quote! {
        crate::callback::CallbackInfo {
            command: #command,
            title: #title,
            kind: #kind,
            doc_url: #doc_url,
            timeout_ms: #timeout,
            triggers: &[#(#triggers),*],
            verdicts: &[#(#verdicts),*],
            custom_codes: #custom,
        }
    }
}

/// `callbacks/mod.rs`: the family modules, `Event`, `ALL`, `by_command`.
pub fn module(ctx: &Context<'_>) -> TokenStream {
    // A spec without `callbacks/` still gets the envelope the hand-written
    // `AnswerEnvelope::ok()`/`fail(..)` build: the three envelope fields of `api.json`,
    // all required (an answer always carries them).
    let fallback: Vec<tim_spec::Field>;
    let answer_fields = match &ctx.spec.callback_api {
        Some(api) => api.answer.as_slice(),
        None => {
            fallback = ctx
                .spec
                .api
                .envelope
                .iter()
                .filter(|f| tim_spec::ENVELOPE_FIELDS.contains(&f.json.as_str()))
                .map(|f| tim_spec::Field {
                    required: true,
                    ..f.clone()
                })
                .collect();
            &fallback
        }
    };
    let envelope = struct_tokens(
        ctx,
        &super::struct_info("AnswerEnvelope", answer_fields, &[], &[], None),
        "The envelope of every answer (`spec/callbacks/callbacks.json`), alone: the answer to \
         a command whose answer has no fields of its own, or to one the app does not care \
         about. Built by `AnswerEnvelope::ok()` and `AnswerEnvelope::fail(..)` \
         ([`crate::callback`]).",
        Kind::Answer,
    );
    let mods = ctx.families.iter().map(|f| {
        let m = &f.module;
        quote!(#[rustfmt::skip] pub mod #m;)
    });
    let all: Vec<_> = ctx
        .families
        .iter()
        .flat_map(|f| f.callbacks.iter().map(move |c| (f, c)))
        .collect();
    let variants = all.iter().map(|(f, c)| {
        let (m, v, t) = (&f.module, &c.variant, &c.payload.ident);
        let doc = format!(
            " `{}`: {}.",
            c.def.command,
            c.def.title.trim().trim_end_matches('.')
        );
        quote! {
            #[doc = #doc]
            #v(::std::boxed::Box<#m::#t>),
        }
    });
    let parse_arms = all.iter().map(|(_, c)| {
        let (v, cmd) = (&c.variant, &c.def.command);
        quote!(#cmd => ::serde_json::from_slice(body).map(|p| Event::#v(::std::boxed::Box::new(p))),)
    });
    let command_arms = all.iter().map(|(_, c)| {
        let (v, cmd) = (&c.variant, &c.def.command);
        quote!(Event::#v(_) => #cmd,)
    });
    let info_arms = all.iter().map(|(f, c)| {
        let (m, v, k) = (&f.module, &c.variant, &c.constant);
        quote!(Event::#v(_) => ::std::option::Option::Some(&#m::#k),)
    });
    let visit_arms = all.iter().map(|(f, c)| {
        let (m, t, cmd) = (&f.module, &c.payload.ident, &c.def.command);
        quote!(#cmd => visitor.visit::<#m::#t>(),)
    });
    let unknown = quote! {
        ::serde_json::from_slice(body).map(|body| {
            Event::Unknown(crate::callback::UnknownEvent {
                command: command.to_owned(),
                body,
            })
        })
    };
    // A spec without callbacks: no match with a lone wildcard arm.
    let (parse_body, visit_body) = if all.is_empty() {
        (unknown, quote! { let _ = (command, visitor); false })
    } else {
        (
            quote! {
                match command {
                    #(#parse_arms)*
                    _ => #unknown,
                }
            },
            quote! {
                match command {
                    #(#visit_arms)*
                    _ => return false,
                }
                true
            },
        )
    };
    let infos = all.iter().map(|(f, c)| {
        let (m, k) = (&f.module, &c.constant);
        quote!(&#m::#k,)
    });
    let named_arms = all.iter().map(|(_, c)| {
        let v = &c.variant;
        if c.def
            .payload
            .fields
            .iter()
            .any(|f| f.json == "CallbackCommand")
        {
            quote!(Event::#v(p) => ::std::option::Option::Some(p.callback_command.as_str()),)
        } else {
            quote!(Event::#v(_) => ::std::option::Option::None,)
        }
    });
    quote! {
        #envelope

        /// One callback, decoded: one variant per command of the spec, and
        /// [`Event::Unknown`] for a command the spec does not know.
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize)]
        #[serde(untagged)]
        #[non_exhaustive]
        pub enum Event {
            #(#variants)*
            /// A command the spec does not know, with its raw body.
            Unknown(crate::callback::UnknownEvent),
        }

        impl Event {
            /// Decodes the body of a callback whose `CallbackCommand` (from the query string)
            /// is `command`. An unknown command gives [`Event::Unknown`].
            ///
            /// # Errors
            ///
            /// The body is not JSON, or not the documented shape for `command`.
            pub fn parse(command: &str, body: &[u8]) -> ::std::result::Result<Event, ::serde_json::Error> {
                #parse_body
            }

            /// The command (`C2C.CallbackBeforeSendMsg`).
            pub fn command(&self) -> &str {
                match self {
                    #(#command_arms)*
                    Event::Unknown(u) => &u.command,
                }
            }

            /// The `CallbackCommand` the body itself names (`None` when it names none, as
            /// the Push service's batches do).
            pub fn named_command(&self) -> ::std::option::Option<&str> {
                let named = match self {
                    #(#named_arms)*
                    Event::Unknown(u) => u
                        .body
                        .get("CallbackCommand")
                        .and_then(::serde_json::Value::as_str),
                };
                named.filter(|c| !c.is_empty())
            }

            /// What the spec says about the command (`None` for an unknown one).
            pub fn info(&self) -> ::std::option::Option<&'static crate::callback::CallbackInfo> {
                match self {
                    #(#info_arms)*
                    Event::Unknown(_) => ::std::option::Option::None,
                }
            }
        }

        /// Calls `visitor` with the payload type of `command`; `false` when the spec does not
        /// know the command.
        pub fn visit(command: &str, visitor: &mut impl crate::callback::CallbackVisitor) -> bool {
            #visit_body
        }

        /// Every command of the spec, in command order.
        pub static ALL: &[&crate::callback::CallbackInfo] = &[#(#infos)*];

        /// What the spec says about `command`, if it knows it.
        pub fn by_command(command: &str) -> ::std::option::Option<&'static crate::callback::CallbackInfo> {
            ALL.iter().copied().find(|i| i.command == command)
        }
        #(#mods)*
    }
}
