//! Spec names → Rust identifiers. `tim-spec` has already checked every name (snake_case or
//! PascalCase, not a keyword, unique in its scope) and derived the ones the spec does not
//! state (`Field::rust_name`, `Endpoint::request_type`, `Endpoint::constant`,
//! `ServiceDef::module`...), so this only builds the [`Ident`]s.

use proc_macro2::{Ident, Span};

/// Keywords that are accepted as raw identifiers (`r#type`), for the rare spec name that is
/// one (a `rust` override, for example).
const RAW_OK: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// The identifier for an already validated name; keywords become raw identifiers.
pub fn ident(text: &str) -> Ident {
    if RAW_OK.contains(&text) {
        Ident::new_raw(text, Span::call_site())
    } else {
        Ident::new(text, Span::call_site())
    }
}

/// The text of an identifier without a `r#` prefix, as serde sees it.
pub fn unraw(ident: &Ident) -> String {
    let s = ident.to_string();
    s.strip_prefix("r#").map(str::to_owned).unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_become_raw_identifiers() {
        assert_eq!(ident("type").to_string(), "r#type");
        assert_eq!(unraw(&ident("type")), "type");
        assert_eq!(ident("to_account").to_string(), "to_account");
    }
}
