//! Turns generated tokens into the text of a file: `syn::parse2::<syn::File>` (proving the
//! output is legal Rust), `prettyplease::unparse`, the `@generated` header and module docs,
//! blank lines between items, `\n` line endings.

use crate::{CodegenError, HEADER};
use proc_macro2::TokenStream;
use quote::quote;

/// Renders one generated file. `doc` becomes the `//!` module documentation (one line each).
pub(crate) fn render(path: &str, doc: &str, body: TokenStream) -> Result<String, CodegenError> {
    let doc_lines = doc.lines().map(|l| {
        let l = if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        };
        quote!(#![doc = #l])
    });
    let tokens = quote! {
        #(#doc_lines)*
        #body
    };
    let file = syn::parse2::<syn::File>(tokens).map_err(|e| CodegenError::InvalidOutput {
        file: path.to_owned(),
        message: e.to_string(),
    })?;
    let text = prettyplease::unparse(&file);
    let mut out = String::with_capacity(text.len() + HEADER.len() + 64);
    out.push_str(HEADER);
    out.push('\n');
    out.push_str(&space_items(&text));
    Ok(out.replace("\r\n", "\n"))
}

/// prettyplease puts items back to back; add one blank line after the `//!` block and after
/// every item that ends at module level or at the first indentation level (impl members), so
/// the files read like hand-written code. Only whitespace between items changes.
fn space_items(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    for (i, line) in lines.iter().enumerate() {
        out.push_str(line);
        out.push('\n');
        let Some(next) = lines.get(i + 1) else { break };
        if blank_after(line, next) {
            out.push('\n');
        }
    }
    out
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

fn blank_after(line: &str, next: &str) -> bool {
    if next.trim().is_empty() || line.trim().is_empty() {
        return false;
    }
    if line.starts_with("//!") {
        return !next.starts_with("//!");
    }
    let depth = indent(line);
    if depth > 4 || indent(next) != depth {
        return false;
    }
    let t = line.trim();
    let ends_item = t == "}"
        || t == "};"
        || t == "];"
        || (is_item_start(t) && (t.ends_with(';') || t.ends_with('}')));
    let n = next.trim_start();
    ends_item && (n.starts_with("///") || n.starts_with("#[") || is_item_start(n))
}

fn is_item_start(t: &str) -> bool {
    [
        "pub ", "impl", "fn ", "const ", "use ", "mod ", "struct ", "enum ", "type ",
    ]
    .iter()
    .any(|p| t.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_header_docs_and_spacing() {
        let body = quote! {
            /// A.
            pub struct A;
            /// B.
            pub struct B {
                /// x.
                pub x: u8,
            }
            impl B {
                /// f.
                pub fn f() {}
                /// g.
                pub fn g() {}
            }
        };
        let text = render("x.rs", "Line one.\n\nLine three.", body).unwrap();
        assert_eq!(
            text,
            format!(
                "{HEADER}\n//! Line one.\n//!\n//! Line three.\n\n/// A.\npub struct A;\n\n/// B.\npub struct B {{\n    /// x.\n    pub x: u8,\n}}\n\nimpl B {{\n    /// f.\n    pub fn f() {{}}\n\n    /// g.\n    pub fn g() {{}}\n}}\n"
            )
        );
    }

    #[test]
    fn invalid_tokens_are_an_error_naming_the_file() {
        let err = render("x.rs", "Doc.", quote!(pub struct ;)).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("generated x.rs is not valid Rust"),
            "{err}"
        );
    }
}
