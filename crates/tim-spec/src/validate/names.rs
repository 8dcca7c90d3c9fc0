//! Names and types: service.json (URL, query parameters, envelope, regions), errors.json,
//! types.json (structs and unions), and every field list (JSON and Rust names, type
//! references). Also the Rust identifier rules ([`is_pascal_case`], [`is_snake_case`]).

use super::Checker;
use crate::model::{ENVELOPE_FIELDS, ErrorCodeDef, Field, LimitKind, TypeDef, TypeRef, UnionDef};
use std::collections::HashSet;

/// Rust keywords (strict, reserved and edition-2024 `gen`): not usable as plain identifiers.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "gen", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Whether `s` is a PascalCase Rust type/variant name that is not a keyword.
pub fn is_pascal_case(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_alphanumeric())
        && !KEYWORDS.contains(&s)
}

/// Whether `s` is a snake_case Rust identifier (`to_account`) that is not a keyword.
pub fn is_snake_case(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c == '_')
        && s != "_"
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !KEYWORDS.contains(&s)
}

impl<'a> Checker<'a> {
    // ---------------------------------------------------------------- service.json

    pub(super) fn service(&mut self) {
        let s = &self.spec.api;
        const F: &str = "api.json";
        if !s.url.starts_with("https://") {
            self.push(
                format!("{F}: url"),
                format!("`{}` is not an https URL", s.url),
            );
        }
        for part in ["{domain}", "{service}", "{command}"] {
            if !s.url.contains(part) {
                self.push(format!("{F}: url"), format!("`{}` lacks `{part}`", s.url));
            }
        }
        self.code(
            &format!("{F}: bad_body_error"),
            "code",
            Some(s.bad_body_error),
        );
        self.code(
            &format!("{F}: rate_limit_error"),
            "code",
            Some(s.rate_limit_error),
        );
        let mut names = HashSet::new();
        for (i, q) in s.query.iter().enumerate() {
            let loc = format!("{F}: query[{i}] ({})", q.name);
            if q.name.is_empty() || !names.insert(q.name.as_str()) {
                self.push(&loc, "query parameter names must be non-empty and unique");
            }
            if matches!(
                q.ty,
                TypeRef::Named(_) | TypeRef::Array(_) | TypeRef::Map(_) | TypeRef::Json
            ) {
                self.push(
                    &loc,
                    format!(
                        "type `{}`: query parameters must be strings, bools or integers",
                        q.ty
                    ),
                );
            }
            if q.value.is_some() && q.ty != TypeRef::String {
                self.push(&loc, "a fixed `value` needs type `string`");
            }
            self.code(&loc, "error", q.error);
        }
        self.fields(F, "envelope", &s.envelope);
        for required in ENVELOPE_FIELDS {
            if !s.envelope.iter().any(|f| f.json == required) {
                self.push(
                    format!("{F}: envelope"),
                    format!("lacks the `{required}` field"),
                );
            }
        }
        let (mut names, mut ids) = (HashSet::new(), HashSet::new());
        for (i, r) in s.regions.iter().enumerate() {
            let loc = format!("{F}: regions[{i}] ({})", r.id);
            if !is_pascal_case(&r.name) {
                self.push(
                    &loc,
                    format!("name `{}` is not a PascalCase Rust identifier", r.name),
                );
            }
            if !names.insert(r.name.as_str()) {
                self.push(&loc, format!("duplicate region name `{}`", r.name));
            }
            if !is_snake_case(&r.id) {
                self.push(&loc, format!("id `{}` is not lowercase snake_case", r.id));
            }
            if !ids.insert(r.id.as_str()) {
                self.push(&loc, format!("duplicate region id `{}`", r.id));
            }
            let bare = |d: &str| !(d.is_empty() || d.contains('/') || d.contains(':'));
            if !bare(&r.domain) {
                self.push(
                    &loc,
                    format!("domain `{}` must be a bare host name", r.domain),
                );
            }
            if let Some(standby) = &r.standby_domain
                && (!bare(standby) || *standby == r.domain)
            {
                self.push(
                    &loc,
                    format!(
                        "standby_domain `{standby}` must be a bare host name other than `domain`"
                    ),
                );
            }
        }
    }

    // ---------------------------------------------------------------- errors.json

    pub(super) fn errors(&mut self, errors: &[ErrorCodeDef]) {
        let (mut codes, mut names) = (HashSet::new(), HashSet::new());
        for e in errors {
            let loc = format!("errors.json: code {} ({})", e.code, e.name);
            if e.code == 0 {
                self.push(&loc, "0 means success, not an error");
            }
            if !codes.insert(e.code) {
                self.push(&loc, format!("duplicate error code {}", e.code));
            }
            if !is_pascal_case(&e.name) {
                self.push(
                    &loc,
                    format!("name `{}` is not a PascalCase Rust identifier", e.name),
                );
            }
            if !names.insert(e.name.as_str()) {
                self.push(&loc, format!("duplicate error name `{}`", e.name));
            }
            if e.description.trim().is_empty() {
                self.push(&loc, "empty description");
            }
            for (i, m) in e.scoped.iter().enumerate() {
                for s in &m.services {
                    if self.spec.service(s).is_none() {
                        self.push(
                            format!("{loc}: scoped[{i}]"),
                            format!("unknown service `{s}`"),
                        );
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- types.json

    pub(super) fn type_defs(&mut self) {
        let spec = self.spec;
        self.scope(None);
        self.type_list("types.json", &spec.types, &HashSet::new());
        let mut modules = HashSet::new();
        for svc in &spec.services {
            let file = svc.file();
            // A service named otherwise on the wire (`ConfigSvc`) needs a snake_case module.
            if !is_path_segment(&svc.name) {
                self.push(
                    format!("{}: name", svc.dir()),
                    format!(
                        "service `{}` must be ASCII letters, digits and `_`, starting with a letter",
                        svc.name
                    ),
                );
            } else if !is_snake_case(&svc.name) && svc.module.is_none() {
                self.push(
                    format!("{}: module", svc.dir()),
                    format!(
                        "service `{}` is not snake_case: give it a snake_case `module`",
                        svc.name
                    ),
                );
            }
            let module = svc.module();
            if !is_snake_case(module) || module == "common" {
                self.push(
                    format!("{file}: module"),
                    format!(
                        "`{module}` is not a snake_case Rust identifier, or is a keyword or `common`"
                    ),
                );
            }
            if !modules.insert(module) {
                self.push(
                    format!("{file}: module"),
                    format!("module `{module}` is used by two services"),
                );
            }
            if svc.title.trim().is_empty() {
                self.push(format!("{file}: title"), "empty title");
            }
            self.code(
                &format!("{file}: bad_body_error"),
                "code",
                svc.bad_body_error,
            );
            self.scope(Some(&svc.name));
            let generated: HashSet<String> = spec
                .endpoints_of(&svc.name)
                .flat_map(|e| [e.request_type(), e.response_type()])
                .collect();
            for (i, t) in svc.types.iter().enumerate() {
                if spec.is_common_type(t.name()) {
                    self.push(
                        format!("{file}: types[{i}] ({})", t.name()),
                        format!(
                            "`{}` is also a common type in types.json; a service type must not shadow it",
                            t.name()
                        ),
                    );
                }
            }
            self.type_list(&format!("{file}: types"), &svc.types, &generated);
        }
        self.scope(None);
    }

    /// Checks one list of named types; `at` prefixes each location (`types.json` or
    /// `services/x/service.json: types`), `generated` holds the request/response names the
    /// types must not take.
    pub(super) fn type_list(
        &mut self,
        at: &str,
        types: &'a [TypeDef],
        generated: &HashSet<String>,
    ) {
        let file = at.split(':').next().unwrap_or(at).to_owned();
        let mut names = HashSet::new();
        for (i, t) in types.iter().enumerate() {
            let base = format!("{file}: types[{i}] ({})", t.name());
            if !is_pascal_case(t.name()) {
                self.push(
                    &base,
                    format!("name `{}` is not a PascalCase Rust identifier", t.name()),
                );
            }
            if !names.insert(t.name()) {
                self.push(&base, format!("duplicate type name `{}`", t.name()));
            }
            if generated.contains(t.name()) {
                self.push(
                    &base,
                    format!(
                        "name `{}` collides with a generated request/response type",
                        t.name()
                    ),
                );
            }
            match t {
                TypeDef::Struct(s) => {
                    self.fields(&file, &format!("types[{i}] ({}).fields", s.name), &s.fields);
                    self.rules(&base, &s.fields, &s.rules);
                }
                TypeDef::Union(u) => self.union(&base, u),
            }
        }
    }

    fn union(&mut self, base: &str, u: &UnionDef) {
        if u.tag.is_empty() || u.content.is_empty() || u.tag == u.content {
            self.push(
                base,
                "`tag` and `content` must be two different, non-empty JSON names",
            );
        }
        if u.variants.is_empty() {
            self.push(base, "a union needs at least one variant");
        }
        let (mut names, mut tags) = (HashSet::new(), HashSet::new());
        for (j, v) in u.variants.iter().enumerate() {
            let loc = format!("{base}.variants[{j}] ({})", v.name);
            if !is_pascal_case(&v.name) {
                self.push(
                    &loc,
                    format!("name `{}` is not a PascalCase Rust identifier", v.name),
                );
            }
            if !names.insert(v.name.as_str()) {
                self.push(&loc, format!("duplicate variant name `{}`", v.name));
            }
            if v.tag.is_empty() || !tags.insert(v.tag.as_str()) {
                self.push(&loc, format!("tag `{}` is empty or used twice", v.tag));
            }
            match self.types.get(v.ty.as_str()) {
                None => self.push(&loc, format!("unknown type `{}`", v.ty)),
                Some(TypeDef::Union(_)) => self.push(
                    &loc,
                    format!(
                        "variant type `{}` is a union; variants must be structs",
                        v.ty
                    ),
                ),
                Some(TypeDef::Struct(_)) => {}
            }
        }
    }

    // ---------------------------------------------------------------- field lists

    /// Checks a field list; `list` is the path of the list inside `file` (`request.fields`).
    pub(super) fn fields(&mut self, file: &str, list: &str, fields: &[Field]) {
        let (mut json, mut rust) = (HashSet::new(), HashSet::new());
        for (i, f) in fields.iter().enumerate() {
            let loc = format!("{file}: {list}[{i}] ({})", f.json);
            if f.json.is_empty() {
                self.push(&loc, "empty JSON name");
            }
            if !json.insert(f.json.as_str()) {
                self.push(&loc, format!("duplicate JSON name `{}`", f.json));
            }
            let name = f.rust_name();
            if !is_snake_case(&name) {
                self.push(
                    &loc,
                    format!(
                        "Rust name `{name}` is not a valid snake_case identifier or is a keyword \
                         (set `rust` to rename it)"
                    ),
                );
            }
            if !rust.insert(name.clone()) {
                self.push(&loc, format!("duplicate Rust name `{name}`"));
            }
            self.type_ref(&loc, &f.ty);
            if f.required && f.limits.iter().any(|l| l.kind == LimitKind::Present) {
                self.push(
                    &loc,
                    "`present` applies to optional fields (a required field is always present)",
                );
            }
            if f.assumed.as_deref().is_some_and(|a| a.trim().is_empty()) {
                self.push(&loc, "empty `assumed`: say what is assumed, or drop it");
            }
            if f.default.is_some() && f.ty != TypeRef::U32 {
                self.push(
                    &loc,
                    format!("`default: random` needs a u32 field, not `{}`", f.ty),
                );
            }
            if f.lenient && !f.ty.is_integer() {
                self.push(
                    &loc,
                    format!("`lenient` needs an integer field, not `{}`", f.ty),
                );
            }
            for (j, l) in f.limits.iter().enumerate() {
                self.limit(&format!("{loc}.limits[{j}]"), &f.ty, l);
            }
            self.limit_bounds(&loc, &f.limits);
        }
    }

    fn type_ref(&mut self, loc: &str, ty: &TypeRef) {
        match ty {
            TypeRef::Array(t) | TypeRef::Map(t) => self.type_ref(loc, t),
            TypeRef::Named(n) if !self.types.contains_key(n.as_str()) => {
                self.push(loc, format!("unknown type `{n}`"));
            }
            _ => {}
        }
    }
}

/// A service or command as it appears in a URL path: ASCII letters, digits and `_`, starting
/// with a letter (`all_member_push`, `ConfigSvc`, `GetIPList`).
pub(super) fn is_path_segment(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}
