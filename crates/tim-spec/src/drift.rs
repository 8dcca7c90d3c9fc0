//! The drift checker (`cargo xtask docs-check --docs DIR`): reads a checkout of the official
//! docs (the Markdown pages of Tencent's public documentation repository) and reports, per
//! endpoint, where the spec differs from its page:
//!
//! - `sample`: a sample of the spec (not `"origin": "project"`) is not one of the page's JSON
//!   blocks (compared as JSON values, after dropping `//` comments and trailing commas);
//! - `errors`: a code in the page's error table that the endpoint does not list, or one the
//!   endpoint lists that the table does not;
//! - `rate`: the page's "maximum call frequency" differs from `rate_limit.per_second`;
//! - `field`: a name in the page's field tables that the endpoint's request and response
//!   (with their named types) do not declare;
//! - `description`: an `errors.json` description that differs from the error-code page.
//!
//! And per callback command of `spec/callbacks/` (its page: the one whose JSON blocks carry
//! its `CallbackCommand`), `sample` and `field` as above, keyed by the command.
//!
//! A finding that was reviewed and accepted is listed in `spec/docs-allow.json` with its
//! reason (a doc typo, a truncated sample...); the check fails on any other. A page is the
//! endpoint's when its sample request URL names exactly that one path.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use crate::Spec;
use crate::model::{Endpoint, SampleOrigin, TypeDef, TypeRef};

/// One difference between the spec and a page.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    /// The endpoint's path (`v4/openim/sendmsg`), or `errors.json` for descriptions.
    pub endpoint: String,
    /// `sample`, `errors`, `rate`, `field` or `description`.
    pub check: &'static str,
    /// What differs: a sample part (`two_accounts.request`), a code, a field name.
    pub key: String,
    /// The difference, in words.
    pub message: String,
}

/// One reviewed finding of `spec/docs-allow.json`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Allowed {
    /// The finding's endpoint.
    pub endpoint: String,
    /// The finding's check.
    pub check: String,
    /// The finding's key.
    pub key: String,
    /// Why it is accepted.
    pub reason: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AllowFile {
    allow: Vec<Allowed>,
}

/// Reads the allow-list (`spec/docs-allow.json`); a missing file is an empty list.
///
/// # Errors
///
/// When the file exists but cannot be read or parsed, or an entry has an empty reason.
pub fn load_allow(path: &Path) -> Result<Vec<Allowed>, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    let file: AllowFile =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    if let Some(a) = file.allow.iter().find(|a| a.reason.trim().is_empty()) {
        return Err(format!(
            "{}: {} {} {}: every entry needs a reason",
            path.display(),
            a.endpoint,
            a.check,
            a.key
        ));
    }
    Ok(file.allow)
}

impl Allowed {
    /// Whether this entry accepts `f`.
    pub fn covers(&self, f: &Finding) -> bool {
        self.endpoint == f.endpoint && self.check == f.check && self.key == f.key
    }
}

/// A page of the docs, parsed.
struct Page {
    file: PathBuf,
    text: String,
}

/// Every `*_intl_en.md` page under `dir`.
fn pages(dir: &Path) -> std::io::Result<Vec<Page>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with("_intl_en.md"))
            {
                let text = std::fs::read_to_string(&path)?;
                out.push(Page { file: path, text });
            }
        }
    }
    out.sort_by(|a, b| a.file.cmp(&b.file));
    Ok(out)
}

/// The `service/command` paths of the page's "request API" table rows (`| v4/x/y | ... |`):
/// an endpoint's page names its own path there.
fn api_rows(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter_map(cells)
        .filter_map(|c| c.first()?.strip_prefix("v4/").map(str::to_owned))
        .filter(|p| p.matches('/').count() == 1)
        .collect()
}

/// The `service/command` paths named by the page's request URLs (`https://.../v4/x/y?...`).
fn url_paths(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in text.lines() {
        let mut rest = line;
        while let Some(i) = rest.find("/v4/") {
            let after = &rest[i + 4..];
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '/'))
                .unwrap_or(after.len());
            let path = &after[..end];
            if after[end..].starts_with('?') && path.matches('/').count() == 1 {
                out.insert(path.to_owned());
            }
            rest = &after[end..];
        }
    }
    out
}

/// The page's fenced code blocks that parse as JSON objects (after dropping `//` comments
/// and trailing commas).
fn json_blocks(text: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut block: Option<String> = None;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            match block.take() {
                Some(b) => {
                    if let Ok(v) = serde_json::from_str::<Value>(&clean_json(&b))
                        && v.is_object()
                    {
                        out.push(v);
                    }
                }
                None => block = Some(String::new()),
            }
        } else if let Some(b) = block.as_mut() {
            b.push_str(line);
            b.push('\n');
        }
    }
    out
}

/// `text` without `//` comments (outside strings), without commas before `}` or `]`, with
/// full-width commas and Unicode spaces between tokens made ASCII: syntax repairs that change
/// no value.
fn clean_json(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            // Syntax the pages get wrong without changing a value: a full-width comma, and
            // Unicode spaces (em space, no-break space) between tokens.
            '，' => out.push(','),
            c if c.is_whitespace() => out.push(if c == '\n' { '\n' } else { ' ' }),
            '/' if chars.peek() == Some(&'/') => {
                for n in chars.by_ref() {
                    if n == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            _ => out.push(c),
        }
    }
    // Trailing commas (outside strings; a comma then only whitespace before } or ]).
    let mut result = String::with_capacity(out.len());
    let bytes: Vec<char> = out.chars().collect();
    let mut in_string = false;
    let mut escaped = false;
    for (i, &c) in bytes.iter().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            result.push(c);
            continue;
        }
        if c == '"' {
            in_string = true;
        }
        if c == ',' {
            let next = bytes[i + 1..].iter().find(|n| !n.is_whitespace());
            if matches!(next, Some('}' | ']')) {
                continue;
            }
        }
        result.push(c);
    }
    result
}

/// The cells of a Markdown table row (`| a | b |`), trimmed; `None` for other lines.
fn cells(line: &str) -> Option<Vec<String>> {
    // Rows inside a blockquote (`>| ... |`) count too.
    let t = line.trim().trim_start_matches('>').trim();
    if !t.starts_with('|') {
        return None;
    }
    Some(
        t.trim_matches('|')
            .split('|')
            .map(|c| c.trim().trim_matches('`').trim().to_owned())
            .collect(),
    )
}

/// Codes of the page's error tables: rows whose first cell is a number of 4 to 6 digits
/// after a heading that mentions error codes.
fn error_codes(text: &str) -> BTreeSet<i64> {
    let mut out = BTreeSet::new();
    let mut in_errors = false;
    for line in text.lines() {
        if line.starts_with('#') {
            let l = line.to_ascii_lowercase();
            in_errors = l.contains("error code") || l.contains("error codes");
            continue;
        }
        if !in_errors {
            continue;
        }
        if let Some(c) = cells(line)
            && let Some(first) = c.first()
            && (4..=6).contains(&first.len())
            && let Ok(code) = first.parse::<i64>()
        {
            out.insert(code);
        }
    }
    out
}

/// The page's "maximum call frequency" per second, when it states one.
fn rate(text: &str) -> Option<u32> {
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.starts_with('#') && line.to_ascii_lowercase().contains("call frequency") {
            for next in lines.by_ref() {
                if next.starts_with('#') {
                    return None;
                }
                let words: Vec<&str> = next.split_whitespace().collect();
                for (i, w) in words.iter().enumerate() {
                    if let Ok(n) = w.trim_matches(|c: char| !c.is_ascii_digit()).parse::<u32>()
                        && words[i + 1..]
                            .iter()
                            .take(4)
                            .any(|x| x.starts_with("second"))
                    {
                        return Some(n);
                    }
                }
            }
        }
    }
    None
}

/// Names in the first column of the page's field tables (header `Field` or `Parameter`).
fn table_fields(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut in_table = false;
    for line in text.lines() {
        match cells(line) {
            Some(c) => {
                let first = c.first().map(String::as_str).unwrap_or_default();
                if matches!(first, "Field" | "Parameter" | "Field Name") {
                    in_table = true;
                } else if in_table
                    && !first.starts_with("--")
                    && !first.is_empty()
                    && first
                        .chars()
                        .all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
                {
                    out.insert(first.to_owned());
                }
            }
            None => in_table = false,
        }
    }
    out
}

/// Every wire name an endpoint declares: its request, response and envelope fields and the
/// fields of the named types they reach (tags and contents of unions too).
fn declared_names(spec: &Spec, e: &Endpoint) -> BTreeSet<String> {
    let fields = e
        .request
        .fields
        .iter()
        .chain(&e.response.fields)
        .chain(&spec.api.envelope)
        .chain(&e.query);
    names_reached(spec, Some(&e.service), fields)
}

/// The wire names of `fields` and of the named types they reach, resolved in `scope` (a
/// service, or a callback family's scope; see [`Spec::type_in`]).
fn names_reached<'a>(
    spec: &'a Spec,
    scope: Option<&str>,
    fields: impl Iterator<Item = &'a crate::model::Field>,
) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut todo: Vec<&TypeRef> = Vec::new();
    for f in fields {
        out.insert(f.json.clone());
        todo.push(&f.ty);
    }
    let mut seen = BTreeSet::new();
    while let Some(ty) = todo.pop() {
        match ty {
            TypeRef::Array(t) | TypeRef::Map(t) => todo.push(t),
            TypeRef::Named(n) if seen.insert(n.clone()) => match spec.type_in(scope, n) {
                Some(TypeDef::Struct(s)) => {
                    for f in &s.fields {
                        out.insert(f.json.clone());
                        todo.push(&f.ty);
                    }
                }
                Some(TypeDef::Union(u)) => {
                    out.insert(u.tag.clone());
                    out.insert(u.content.clone());
                    for v in &u.variants {
                        out.insert(v.tag.clone());
                    }
                }
                None => {}
            },
            _ => {}
        }
    }
    out
}

/// The pages that index callbacks rather than document one (the overview's example and the
/// command list name commands too).
const CALLBACK_INDEX_PAGES: [&str; 2] = ["第三方回调简介_intl_en.md", "回调命令列表_intl_en.md"];

/// The callback checks: per command of `spec/callbacks/`, its page is the one whose JSON
/// blocks carry `"CallbackCommand": command`; each sample must be one of that page's blocks
/// and each name of its field tables declared by the payload, the answer or the query.
fn check_callbacks(spec: &Spec, pages: &[Page], out: &mut Vec<Finding>) {
    let Some(api) = &spec.callback_api else {
        return;
    };
    let parsed: Vec<(&Page, Vec<Value>)> = pages
        .iter()
        .filter(|p| {
            !p.file
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| CALLBACK_INDEX_PAGES.contains(&n))
        })
        .map(|p| (p, json_blocks(&p.text)))
        .collect();
    for c in &spec.callbacks {
        let own: Vec<&(&Page, Vec<Value>)> = parsed
            .iter()
            .filter(|(_, blocks)| {
                blocks
                    .iter()
                    .any(|b| b.get("CallbackCommand").and_then(Value::as_str) == Some(&c.command))
            })
            .collect();
        if own.is_empty() {
            continue;
        }
        let blocks: Vec<&Value> = own.iter().flat_map(|(_, b)| b).collect();
        for s in &c.samples {
            for (part, value) in [("payload", &s.payload), ("answer", &s.answer)] {
                if let Some(v) = value
                    && !blocks.contains(&v)
                {
                    out.push(Finding {
                        endpoint: c.command.clone(),
                        check: "sample",
                        key: format!("{}.{part}", s.name),
                        message: "not one of the page's JSON blocks".to_owned(),
                    });
                }
            }
        }
        let scope = format!("callbacks/{}", c.prefix);
        let declared = names_reached(
            spec,
            Some(&scope),
            c.payload
                .fields
                .iter()
                .chain(&c.answer.fields)
                .chain(&api.answer)
                .chain(&api.query),
        );
        // The URL table's first column: protocol and host placeholders.
        let url_parts = ["https", "http", "Callback_URL", "CallbackCommand"];
        for name in own.iter().flat_map(|(p, _)| table_fields(&p.text)) {
            if !declared.contains(&name) && !url_parts.contains(&name.as_str()) {
                out.push(Finding {
                    endpoint: c.command.clone(),
                    check: "field",
                    key: name,
                    message: "in the page's field tables, not declared by the spec".to_owned(),
                });
            }
        }
    }
}

/// Compares `spec` with the pages under `docs`. Findings are sorted.
///
/// # Errors
///
/// When the folder cannot be read.
pub fn check(spec: &Spec, docs: &Path) -> std::io::Result<Vec<Finding>> {
    let pages = pages(docs)?;
    // Pages found by their request-API row win over pages found by a sample URL only (an
    // overview page's one example).
    let mut by_path: BTreeMap<String, Vec<&Page>> = BTreeMap::new();
    let mut by_url: BTreeMap<String, Vec<&Page>> = BTreeMap::new();
    let mut error_page = None;
    for p in &pages {
        // The page's own endpoint: the one path of its request-API table, or else of its
        // sample request URLs (overview and list pages name several, or none).
        // An endpoint page has a request-API row; its sample request URL names the endpoint
        // (some pages copy another page's row: the URL wins). A page without such a row (an
        // overview) counts only for an endpoint no endpoint page names.
        let rows = api_rows(&p.text);
        let urls = url_paths(&p.text);
        let own = match (urls.len(), rows.len()) {
            (1, _) => urls.first().cloned(),
            (_, 1) => rows.first().cloned(),
            _ => None,
        };
        if let Some(path) = own {
            let map = if rows.is_empty() {
                &mut by_url
            } else {
                &mut by_path
            };
            map.entry(path).or_default().push(p);
        }
        if p.file.file_name().is_some_and(|n| n == "错误码_intl_en.md") {
            error_page = Some(p);
        }
    }
    let mut out = Vec::new();
    for e in &spec.endpoints {
        let path = format!("{}/{}", e.service, e.command);
        let Some(found) = by_path.get(&path).or_else(|| by_url.get(&path)) else {
            continue;
        };
        let ep = e.path();
        let blocks: Vec<Value> = found.iter().flat_map(|p| json_blocks(&p.text)).collect();
        for s in e
            .samples
            .iter()
            .filter(|s| s.origin != SampleOrigin::Project)
        {
            for (part, value) in [("request", &s.request), ("response", &s.response)] {
                if let Some(v) = value
                    && !blocks.contains(v)
                {
                    out.push(Finding {
                        endpoint: ep.clone(),
                        check: "sample",
                        key: format!("{}.{part}", s.name),
                        message: "not one of the page's JSON blocks".to_owned(),
                    });
                }
            }
        }
        let page_codes: BTreeSet<i64> = found.iter().flat_map(|p| error_codes(&p.text)).collect();
        if !page_codes.is_empty() {
            for code in page_codes.iter().filter(|c| !e.errors.contains(c)) {
                out.push(Finding {
                    endpoint: ep.clone(),
                    check: "errors",
                    key: code.to_string(),
                    message: "in the page's error table, not listed by the endpoint".to_owned(),
                });
            }
            // A code the spec marks as assumed is reviewed already (its `doc` says why).
            let assumed = |c: &i64| {
                e.assumptions
                    .iter()
                    .any(|a| a.about == format!("errors.{c}"))
            };
            for code in e
                .errors
                .iter()
                .filter(|c| !page_codes.contains(c) && !assumed(c))
            {
                out.push(Finding {
                    endpoint: ep.clone(),
                    check: "errors",
                    key: code.to_string(),
                    message: "listed by the endpoint, not in the page's error table".to_owned(),
                });
            }
        }
        if let Some(n) = found.iter().find_map(|p| rate(&p.text))
            && e.rate_limit.per_second != Some(n)
        {
            out.push(Finding {
                endpoint: ep.clone(),
                check: "rate",
                key: "per_second".to_owned(),
                message: format!(
                    "the page says {n} calls per second, the spec {:?}",
                    e.rate_limit.per_second
                ),
            });
        }
        let declared = declared_names(spec, e);
        // The URL parameter table of every page (domain placeholder, path parts, the five
        // common parameters) is not about the body.
        let common = [
            "sdkappid",
            "identifier",
            "usersig",
            "random",
            "contenttype",
            "xxxxxx",
            "https",
            "ver",
            "servicename",
            "command",
        ];
        for name in found.iter().flat_map(|p| table_fields(&p.text)) {
            if !declared.contains(&name) && !common.contains(&name.as_str()) {
                out.push(Finding {
                    endpoint: ep.clone(),
                    check: "field",
                    key: name,
                    message: "in the page's field tables, not declared by the spec".to_owned(),
                });
            }
        }
    }
    check_callbacks(spec, &pages, &mut out);
    if let Some(page) = error_page {
        // Only section 2 (server error codes): section 1 and 3 are the client SDKs' codes,
        // some with the same numbers.
        let mut server = false;
        for line in page.text.lines() {
            let heading = line.trim_start_matches('>').trim_start();
            if heading.starts_with("## ") {
                server = heading.contains("Server Error Codes");
                continue;
            }
            if !server {
                continue;
            }
            let Some(c) = cells(line) else { continue };
            let (Some(code), Some(desc)) = (c.first(), c.get(1)) else {
                continue;
            };
            let Ok(code) = code.parse::<i64>() else {
                continue;
            };
            let Some(def) = spec.error(code) else {
                continue;
            };
            if normalize(desc) != normalize(&def.description)
                && !def
                    .scoped
                    .iter()
                    .any(|s| normalize(&s.description) == normalize(desc))
            {
                out.push(Finding {
                    endpoint: "errors.json".to_owned(),
                    check: "description",
                    key: code.to_string(),
                    message: format!("the error-code page says {desc:?}"),
                });
            }
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Text compared without Markdown links (`[text](url)` is `text`), code marks, `<br>` and
/// spacing differences.
fn normalize(s: &str) -> String {
    let mut plain = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        match after.find("](").and_then(|close| {
            after[close + 2..]
                .find(')')
                .map(|end| (close, close + 2 + end + 1))
        }) {
            Some((close, end)) => {
                plain.push_str(&rest[..open]);
                plain.push_str(&after[..close]);
                rest = &after[end..];
            }
            None => {
                plain.push_str(&rest[..=open]);
                rest = after;
            }
        }
    }
    plain.push_str(rest);
    plain
        .replace("<br>", " ")
        .replace("<br/>", " ")
        .replace('`', "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_and_trailing_commas_are_dropped_outside_strings() {
        let text = "{\n\u{2003}\"a\": \"http://x\", // a comment\n  \"b\": [1，2,],\n}\n";
        let v: Value = serde_json::from_str(&clean_json(text)).unwrap();
        assert_eq!(v, serde_json::json!({"a": "http://x", "b": [1, 2]}));
    }

    #[test]
    fn markdown_links_and_spacing_do_not_count() {
        assert_eq!(
            normalize("See [Profile Fields](https://x/y).  Then `a`<br>b"),
            "See Profile Fields. Then a b"
        );
    }

    #[test]
    fn a_page_names_its_endpoint_by_its_request_url() {
        let text = "```\nhttps://xxxxxx/v4/openim/sendmsg?sdkappid=88888888&identifier=admin\n```";
        assert_eq!(
            url_paths(text).into_iter().collect::<Vec<_>>(),
            ["openim/sendmsg"]
        );
    }

    #[test]
    fn error_tables_rates_and_fields_are_read() {
        let text = "### Maximum call frequency\n\n200 calls per second\n\n\
                    ### Request fields\n| Field | Type |\n|---|---|\n| To_Account | String |\n\n\
                    ## Error Codes\n| Error Code | Description |\n|---|---|\n| 90001 | bad |\n| 91000 | x |\n";
        assert_eq!(rate(text), Some(200));
        assert_eq!(
            error_codes(text).into_iter().collect::<Vec<_>>(),
            [90001, 91000]
        );
        assert!(table_fields(text).contains("To_Account"));
    }
}
