//! Identifier rules: spec names → Rust identifiers (`heck` case conversion, keywords as raw
//! identifiers), validity checks and collision checks, each failing with the spec location.

use crate::CodegenError;
use heck::{ToPascalCase, ToShoutySnakeCase, ToSnakeCase};
use proc_macro2::{Ident, Span};
use std::collections::BTreeMap;

/// Keywords that are accepted as raw identifiers (`r#type`).
const RAW_OK: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// Keywords that cannot even be raw identifiers; they get a trailing `_` instead.
const RAW_FORBIDDEN: &[&str] = &["crate", "self", "Self", "super", "_"];

/// Whether `s` is a plain identifier: ASCII letters, digits and `_`, not starting with a digit.
fn is_ident_text(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Makes an identifier from already-cased text, escaping keywords.
pub fn ident(text: &str, location: &str, kind: &'static str) -> Result<Ident, CodegenError> {
    if !is_ident_text(text) {
        return Err(CodegenError::InvalidName {
            location: location.to_owned(),
            name: text.to_owned(),
            kind,
            reason: "only ASCII letters, digits and `_`, not starting with a digit".to_owned(),
        });
    }
    if RAW_FORBIDDEN.contains(&text) {
        return Ok(Ident::new(&format!("{text}_"), Span::call_site()));
    }
    if RAW_OK.contains(&text) {
        return Ok(Ident::new_raw(text, Span::call_site()));
    }
    Ok(Ident::new(text, Span::call_site()))
}

/// The Rust field name of a spec field: its `rust` override, else the snake_case of `json`.
pub fn field_ident(json: &str, rust: Option<&str>, location: &str) -> Result<Ident, CodegenError> {
    match rust {
        Some(r) => ident(r, location, "field name"),
        None => ident(&json.to_snake_case(), location, "field name"),
    }
}

/// A type or variant name, which the spec already gives in PascalCase (an ASCII capital,
/// then letters and digits); anything else is an error rather than a silent rename, so the
/// Rust name is always the spec's.
pub fn pascal_ident(name: &str, location: &str, kind: &'static str) -> Result<Ident, CodegenError> {
    let mut chars = name.chars();
    let ok = matches!(chars.next(), Some(c) if c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_alphanumeric());
    if !ok {
        return Err(CodegenError::InvalidName {
            location: location.to_owned(),
            name: name.to_owned(),
            kind,
            reason: format!("must be PascalCase (e.g. `{}`)", name.to_pascal_case()),
        });
    }
    ident(name, location, kind)
}

/// `get_tag` → `GetTag` (prefix of `GetTagRequest` / `GetTagResponse`).
pub fn method_type_prefix(method: &str) -> String {
    method.to_pascal_case()
}

/// A `Client` method name, which must already be snake_case.
pub fn method_ident(method: &str, location: &str) -> Result<Ident, CodegenError> {
    if method.to_snake_case() != method {
        return Err(CodegenError::InvalidName {
            location: location.to_owned(),
            name: method.to_owned(),
            kind: "method name",
            reason: format!("must be snake_case (`{}`)", method.to_snake_case()),
        });
    }
    ident(method, location, "method name")
}

/// `get_tag` → `GET_TAG` (the endpoint constant).
pub fn const_ident(method: &str, location: &str) -> Result<Ident, CodegenError> {
    ident(&method.to_shouty_snake_case(), location, "constant name")
}

/// The text of an identifier without a `r#` prefix, as serde sees it.
pub fn unraw(ident: &Ident) -> String {
    let s = ident.to_string();
    s.strip_prefix("r#").map(str::to_owned).unwrap_or(s)
}

/// Records names in one scope and fails on the second use of a name.
#[derive(Debug)]
pub struct Scope {
    location: String,
    seen: BTreeMap<String, String>,
}

impl Scope {
    /// An empty scope; `location` names it in errors (e.g. `types.json: UserTags`).
    pub fn new(location: impl Into<String>) -> Scope {
        Scope {
            location: location.into(),
            seen: BTreeMap::new(),
        }
    }

    /// Claims `name` for the spec item `source`.
    pub fn claim(&mut self, name: &str, source: &str) -> Result<(), CodegenError> {
        if let Some(first) = self.seen.get(name) {
            return Err(CodegenError::Collision {
                location: self.location.clone(),
                name: name.to_owned(),
                first: first.clone(),
                second: source.to_owned(),
            });
        }
        self.seen.insert(name.to_owned(), source.to_owned());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_become_snake_case_fields() {
        let f = |j: &str| field_ident(j, None, "x").unwrap().to_string();
        assert_eq!(f("To_Account"), "to_account");
        assert_eq!(f("fileName"), "file_name");
        assert_eq!(f("UUID"), "uuid");
        assert_eq!(f("Download_Flag"), "download_flag");
        assert_eq!(f("type"), "r#type");
        assert_eq!(f("Self"), "self_");
        assert_eq!(
            field_ident("x", Some("renamed"), "x").unwrap().to_string(),
            "renamed"
        );
    }

    #[test]
    fn bad_names_are_errors_naming_the_place() {
        let err = field_ident("9lives", None, "types.json: A.fields[0]").unwrap_err();
        assert_eq!(
            err.to_string(),
            "types.json: A.fields[0]: `9lives` cannot be used as a Rust field name: only ASCII letters, digits and `_`, not starting with a digit"
        );
        let err = pascal_ident("userTags", "types.json: types[0]", "type name").unwrap_err();
        assert!(
            err.to_string()
                .contains("must be PascalCase (e.g. `UserTags`)"),
            "{err}"
        );
        assert!(method_ident("GetTag", "e.json").is_err());
        assert_eq!(const_ident("get_tag", "e").unwrap().to_string(), "GET_TAG");
        assert_eq!(method_type_prefix("remove_all_tags"), "RemoveAllTags");
    }

    #[test]
    fn scopes_report_both_sources() {
        let mut s = Scope::new("types.json: A");
        s.claim("to_account", "fields[0] (To_Account)").unwrap();
        let err = s.claim("to_account", "fields[1] (toAccount)").unwrap_err();
        assert_eq!(
            err.to_string(),
            "types.json: A: `to_account` is generated twice, from fields[0] (To_Account) and from fields[1] (toAccount)"
        );
    }
}
