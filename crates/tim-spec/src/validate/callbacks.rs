//! Callbacks (`spec/callbacks/`): the API-wide part, each family's module and types, and
//! each command's names, verdicts, triggers, payload, answer and samples.

use super::Checker;
use super::names::{is_pascal_case, is_path_segment, is_snake_case};
use crate::model::{ENVELOPE_FIELDS, Field, TypeRef};
use std::collections::HashSet;

impl<'a> Checker<'a> {
    pub(super) fn callbacks(&mut self) {
        let spec = self.spec;
        let Some(api) = &spec.callback_api else {
            return;
        };
        const F: &str = "callbacks/callbacks.json";
        self.scope(None);
        if !api.doc_url.starts_with("https://") {
            self.push(format!("{F}: doc_url"), "not an https URL");
        }
        self.fields(F, "query", &api.query);
        for (i, q) in api.query.iter().enumerate() {
            if !(q.ty.is_integer() || q.ty == TypeRef::String || q.ty == TypeRef::Bool) {
                self.push(
                    format!("{F}: query[{i}] ({})", q.json),
                    "a query parameter is a string, bool or integer",
                );
            }
        }
        for needed in ["SdkAppid", "CallbackCommand", "Sign", "RequestTime"] {
            if !api.query.iter().any(|q| q.json == needed) {
                self.push(format!("{F}: query"), format!("lacks `{needed}`"));
            }
        }
        self.fields(F, "answer", &api.answer);
        for needed in ENVELOPE_FIELDS {
            if !api.answer.iter().any(|f| f.json == needed) {
                self.push(format!("{F}: answer"), format!("lacks `{needed}`"));
            }
        }
        if api.timeout_ms == 0 {
            self.push(format!("{F}: timeout_ms"), "must be positive");
        }

        let mut modules = HashSet::new();
        for fam in &spec.callback_families {
            let file = fam.file();
            if !is_path_segment(&fam.prefix) || fam.prefix.contains('_') {
                self.push(
                    &file,
                    format!("prefix `{}` must be ASCII letters and digits", fam.prefix),
                );
            }
            if !is_snake_case(&fam.module) || fam.module == "common" {
                self.push(
                    format!("{file}: module"),
                    format!("`{}` is not a snake_case Rust identifier", fam.module),
                );
            }
            if !modules.insert(fam.module.as_str()) {
                self.push(
                    format!("{file}: module"),
                    format!("module `{}` is used twice", fam.module),
                );
            }
            if fam.title.trim().is_empty() {
                self.push(format!("{file}: title"), "empty title");
            }
            self.scope(Some(&fam.scope));
            let generated: HashSet<String> = spec
                .callbacks_of(&fam.prefix)
                .flat_map(|c| [c.payload_type(), c.answer_type()])
                .collect();
            for (i, t) in fam.types.iter().enumerate() {
                if spec.is_common_type(t.name()) {
                    self.push(
                        format!("{file}: types[{i}] ({})", t.name()),
                        "also a common type in types.json; a family type must not shadow it",
                    );
                }
            }
            self.type_list(&format!("{file}: types"), &fam.types, &generated);
        }

        let (mut commands, mut names) = (HashSet::new(), HashSet::new());
        for c in &spec.callbacks {
            let file = c.file();
            let Some(fam) = spec.callback_family(&c.prefix) else {
                continue;
            };
            self.scope(Some(&fam.scope));
            if !commands.insert(c.command.as_str()) {
                self.push(
                    format!("{file}: command"),
                    format!("duplicate command `{}`", c.command),
                );
            }
            if !is_pascal_case(&c.name) {
                self.push(
                    format!("{file}: name"),
                    format!("`{}` is not PascalCase", c.name),
                );
            }
            if !names.insert((c.prefix.as_str(), c.name.as_str())) {
                self.push(
                    format!("{file}: name"),
                    format!("duplicate name `{}`", c.name),
                );
            }
            if c.title.trim().is_empty() {
                self.push(format!("{file}: title"), "empty title");
            }
            if !c.doc_url.starts_with("https://") {
                self.push(format!("{file}: doc_url"), "not an https URL");
            }
            for (i, r) in c.triggers.rest.iter().enumerate() {
                let known = r.split_once('/').is_some_and(|(svc, cmd)| {
                    spec.endpoints
                        .iter()
                        .any(|e| e.service == svc && e.command == cmd)
                });
                if !known {
                    self.push(
                        format!("{file}: triggers.rest[{i}]"),
                        format!("`{r}` is not an endpoint of the spec (`service/command`)"),
                    );
                }
            }
            self.verdicts(&file, c);
            let mut said = HashSet::new();
            for (i, a) in c.assumptions.iter().enumerate() {
                let loc = format!("{file}: assumptions[{i}] ({})", a.about);
                if a.doc.trim().is_empty() {
                    self.push(&loc, "an assumption needs its `doc`");
                }
                if !said.insert(a.about.as_str()) {
                    self.push(&loc, "said twice");
                }
                let ok = match a.about.split_once('.') {
                    None => {
                        matches!(
                            a.about.as_str(),
                            "kind" | "triggers" | "answer" | "verdicts"
                        ) || (a.about == "timeout_ms" && c.timeout_ms.is_some())
                            || (a.about == "custom_codes" && c.custom_codes.is_some())
                    }
                    Some(("payload", json)) => c.payload.fields.iter().any(|f| f.json == json),
                    _ => false,
                };
                if !ok {
                    self.push(
                        &loc,
                        "`about` must name `kind`, `triggers`, `verdicts`, `answer`, \
                         `timeout_ms` or `custom_codes` (when set), or `payload.{Json}` (a \
                         payload field)",
                    );
                }
            }
            self.fields(&file, "payload.fields", &c.payload.fields);
            self.rules(&file, &c.payload.fields, &c.payload.rules);
            // Most bodies repeat their command; a few (the Push service's batches) do not.
            if let Some(f) = c
                .payload
                .fields
                .iter()
                .find(|f| f.json == "CallbackCommand")
                && (f.ty != TypeRef::String || !f.required)
            {
                self.push(
                    format!("{file}: payload"),
                    "`CallbackCommand`, when the body has it, is a required string",
                );
            }
            self.fields(&file, "answer.fields", &c.answer.fields);
            for (i, f) in c.answer.fields.iter().enumerate() {
                if ENVELOPE_FIELDS.contains(&f.json.as_str()) {
                    self.push(
                        format!("{file}: answer.fields[{i}] ({})", f.json),
                        "the answer envelope (callbacks.json) already has it",
                    );
                }
            }
            let payload: Vec<&Field> = c.payload.fields.iter().collect();
            let answer: Vec<&Field> = api.answer.iter().chain(&c.answer.fields).collect();
            let mut samples = HashSet::new();
            for (i, s) in c.samples.iter().enumerate() {
                let loc = format!("{file}: samples[{i}] ({})", s.name);
                if !is_snake_case(&s.name) || !samples.insert(s.name.as_str()) {
                    self.push(&loc, "names must be unique snake_case identifiers");
                }
                if s.payload.is_none() && s.answer.is_none() {
                    self.push(&loc, "a sample needs a `payload` or an `answer`");
                }
                if let Some(p) = &s.payload {
                    self.sample_object(&format!("{loc}.payload"), p, &payload, &c.payload_type());
                    if let Some(cmd) = p.get("CallbackCommand").and_then(|v| v.as_str())
                        && cmd != c.command
                    {
                        self.push(
                            format!("{loc}.payload.CallbackCommand"),
                            format!("`{cmd}` is not this command (`{}`)", c.command),
                        );
                    }
                }
                if let Some(a) = &s.answer {
                    self.sample_object(&format!("{loc}.answer"), a, &answer, &c.answer_type());
                }
            }
        }
        self.scope(None);
    }

    fn verdicts(&mut self, file: &str, c: &crate::Callback) {
        use crate::CallbackKind;
        match c.kind {
            CallbackKind::After => {
                if !c.verdicts.is_empty() || c.custom_codes.is_some() {
                    self.push(
                        format!("{file}: verdicts"),
                        "an after-callback's answer is ignored: no `verdicts` or `custom_codes`",
                    );
                }
            }
            CallbackKind::Before => {
                if !c.verdicts.iter().any(|v| v.code == 0) {
                    self.push(
                        format!("{file}: verdicts"),
                        "a before-callback needs the verdict of code 0 (allow)",
                    );
                }
            }
        }
        let (mut codes, mut names) = (HashSet::new(), HashSet::new());
        for (i, v) in c.verdicts.iter().enumerate() {
            let loc = format!("{file}: verdicts[{i}] ({})", v.name);
            if !is_snake_case(&v.name) || !names.insert(v.name.as_str()) {
                self.push(&loc, "names must be unique snake_case identifiers");
            }
            if ["custom", "new", "command"].contains(&v.name.as_str()) {
                self.push(&loc, "`custom`, `new` and `command` are taken");
            }
            if !codes.insert(v.code) {
                self.push(&loc, format!("code {} is listed twice", v.code));
            }
            self.code(&loc, "sender_error", v.sender_error);
        }
        if let Some(r) = &c.custom_codes {
            let loc = format!("{file}: custom_codes");
            if r.min > r.max || r.min <= 0 {
                self.push(&loc, "needs 0 < min <= max");
            }
            if c.verdicts.iter().any(|v| (r.min..=r.max).contains(&v.code)) {
                self.push(&loc, "overlaps a verdict's code");
            }
        }
    }
}
