//! Prose for the generated docs: limits, rate limits, retry safety and error codes in
//! words, and spec text made safe for rustdoc (escaped brackets, wrapped bare URLs).

use super::{Context, EndpointInfo, batch_max_items};
use proc_macro2::TokenStream;
use quote::quote;
use tim_spec::{Endpoint, Field, Limit, LimitKind, RetrySafety};

impl Context<'_> {
    /// `error 90018 ([`TooManyAccounts`](…))`, linking to the generated variant.
    pub fn error_ref(&self, code: i64) -> String {
        match self.spec.error(code) {
            Some(e) => format!("error {code} ([`{0}`](crate::ErrorCode::{0}))", e.name),
            None => format!("error {code}"),
        }
    }

    /// A limit in words, e.g. `at most 100 items (error 90018 (…))`.
    pub fn limit_words(&self, limit: &Limit) -> String {
        let words = match &limit.kind {
            LimitKind::MaxItems { value } => format!("at most {value} {}", plural(*value, "item")),
            LimitKind::MinItems { value } => format!("at least {value} {}", plural(*value, "item")),
            LimitKind::MaxBytes { value } => {
                format!("at most {value} {} (UTF-8)", plural(*value, "byte"))
            }
            LimitKind::MinBytes { value: 1 } => "non-empty".to_owned(),
            LimitKind::MinBytes { value } => format!("at least {value} bytes (UTF-8)"),
            LimitKind::ItemMaxBytes { value } => {
                format!(
                    "each item at most {value} {} (UTF-8)",
                    plural(*value, "byte")
                )
            }
            LimitKind::ItemMinBytes { value: 1 } => "each item non-empty".to_owned(),
            LimitKind::ItemMinBytes { value } => {
                format!("each item at least {value} bytes (UTF-8)")
            }
            LimitKind::UniqueItems => "no item twice".to_owned(),
            LimitKind::KeyMaxBytes { value } => {
                format!(
                    "each key at most {value} {} (UTF-8)",
                    plural(*value, "byte")
                )
            }
            LimitKind::KeyMinBytes { value: 1 } => "each key non-empty".to_owned(),
            LimitKind::KeyMinBytes { value } => format!("each key at least {value} bytes (UTF-8)"),
            LimitKind::AllowedKeys { values } => format!("keys among {}", code_list(values)),
            LimitKind::MaxValue { value } => format!("at most {value}"),
            LimitKind::MinValue { value } => format!("at least {value}"),
            LimitKind::AllowedValues { values } => {
                let v: Vec<String> = values.iter().map(i64::to_string).collect();
                format!("one of {}", v.join(", "))
            }
            LimitKind::AllowedStrings { values } => format!("one of {}", code_list(values)),
            LimitKind::ItemAllowedStrings { values } => {
                format!("each item one of {}", code_list(values))
            }
            LimitKind::Present => "present in a request (a value the service returns may lack \
                                   it)"
            .to_owned(),
        };
        match limit.error {
            Some(code) => format!("{words} (else {})", self.error_ref(code)),
            None => words,
        }
    }

    /// A field's documentation: the spec doc, then its limits in words.
    pub fn field_doc(&self, f: &Field) -> String {
        let mut doc = f.doc.trim().to_owned();
        if f.default == Some(tim_spec::FieldDefault::Random) {
            doc.push_str(
                "\n\nDefault: a fresh random value (`Default::default()` draws one; keep it to \
                 retry the same call).",
            );
        }
        if !f.limits.is_empty() {
            let limits: Vec<String> = f.limits.iter().map(|l| self.limit_words(l)).collect();
            doc.push_str(&format!("\n\nLimits: {}.", limits.join("; ")));
        }
        if let Some(a) = &f.assumed {
            doc.push_str("\n\n");
            doc.push_str(&assumed_words(a));
        }
        doc
    }

    /// A rule across fields, in words, with the code answered when it is broken.
    pub fn rule_words(&self, rule: &tim_spec::Rule) -> String {
        let names = |v: &[String]| {
            let v: Vec<String> = v.iter().map(|f| format!("`{f}`")).collect();
            v.join(", ")
        };
        let words = match rule {
            tim_spec::Rule::Exclusive { groups, .. } => {
                let groups: Vec<String> = groups.iter().map(|g| names(g)).collect();
                format!("fields of at most one of ({})", groups.join(") or ("))
            }
            tim_spec::Rule::Disjoint { fields, .. } => {
                format!("no item in both of {}", names(fields))
            }
            tim_spec::Rule::AtLeastOne { fields, .. } => {
                format!("at least one of {}", names(fields))
            }
            tim_spec::Rule::Requires { when, then, .. } => {
                format!("{} present when {}", names(then), condition_words(when))
            }
        };
        match rule.error() {
            Some(code) => format!("{words} (else {})", self.error_ref(code)),
            None => words,
        }
    }

    /// What every request type and method says about its endpoint: path, official page,
    /// rate limit, retry safety, batch field, documented errors (Markdown).
    pub fn endpoint_facts(&self, ep: &EndpointInfo<'_>) -> String {
        let e = ep.def;
        let mut out = format!(
            "`POST {}` ([official documentation](<{}>)).\n",
            e.path(),
            e.doc_url
        );
        let r = &e.rate_limit;
        let mut rate = Vec::new();
        if let Some(n) = r.per_second {
            rate.push(format!(
                "at most {n} {} per second",
                plural(n.into(), "call")
            ));
        }
        if let Some(ms) = r.min_interval_ms {
            rate.push(format!("calls more than {ms} ms apart"));
        }
        let mut rate = rate.join(", ");
        if let (false, Some(code)) = (rate.is_empty(), r.error) {
            let assumed = e
                .assumptions
                .iter()
                .any(|a| a.about == "rate_limit.error" || a.about == format!("errors.{code}"));
            rate.push_str(&format!(
                " (else {}{})",
                self.error_ref(code),
                if assumed { ", assumed" } else { "" }
            ));
        }
        if let Some(n) = r.per_day {
            if !rate.is_empty() {
                rate.push_str("; ");
            }
            rate.push_str(&format!("at most {n} {} per day", plural(n.into(), "call")));
            if let Some(code) = r.per_day_error {
                rate.push_str(&format!(" (else {})", self.error_ref(code)));
            }
        }
        if !rate.is_empty() {
            out.push_str(&format!("\n- Rate limit: {rate}."));
        }
        out.push_str(&format!("\n- Retry: {}.", retry_words(e)));
        if let Some(b) = &e.batch {
            let mut s = format!("\n- Batch: the accounts are listed in `{}`", b.field);
            if let Some(acc) = &b.account {
                s.push_str(&format!(" (account in `{acc}` of each item)"));
            }
            if let Some(max) = batch_max_items(e) {
                s.push_str(&format!(", at most {max} per call"));
            }
            s.push('.');
            out.push_str(&s);
        }
        if !e.errors.is_empty() {
            out.push_str("\n\nDocumented error codes:\n");
            for code in &e.errors {
                let assumed = e
                    .assumptions
                    .iter()
                    .any(|a| a.about == format!("errors.{code}"));
                let line = match self.spec.error(*code) {
                    Some(def) => format!(
                        "\n- {code} [`{0}`](crate::ErrorCode::{0}): {1}{2}",
                        def.name,
                        one_line(&def.description),
                        if assumed { " (assumed: see below)" } else { "" }
                    ),
                    None => format!("\n- {code}"),
                };
                out.push_str(&line);
            }
        }
        if !e.assumptions.is_empty() {
            out.push_str("\n\nAssumed (the official page does not say so):\n");
            for a in &e.assumptions {
                out.push_str(&format!("\n- `{}`: {}", a.about, one_line(&a.doc)));
            }
        }
        out
    }
}

fn retry_words(e: &Endpoint) -> String {
    match e.retry {
        RetrySafety::Safe => {
            "safe (repeating the call has the same effect as making it once)".to_owned()
        }
        RetrySafety::IdempotencyKey => format!(
            "safe only when repeated with the same `{}`",
            e.idempotency_key.as_deref().unwrap_or("?")
        ),
        RetrySafety::Never => "never retried automatically".to_owned(),
    }
}

fn plural(n: u64, word: &str) -> String {
    if n == 1 {
        word.to_owned()
    } else {
        format!("{word}s")
    }
}

fn code_list(values: &[String]) -> String {
    let v: Vec<String> = values.iter().map(|s| format!("`{s}`")).collect();
    v.join(", ")
}

/// Collapses whitespace so a description fits one Markdown list item.
pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `#[doc = " line"]` attributes, one per line of `text` (so they print as `///`), made safe
/// for rustdoc with [`rustdoc_safe`].
pub fn doc_attrs(text: &str) -> TokenStream {
    let lines = text.trim().lines().map(|l| {
        let l = rustdoc_safe(l.trim_end());
        let l = if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        };
        quote!(#[doc = #l])
    });
    quote!(#(#lines)*)
}

/// Makes one line of spec prose safe for rustdoc: outside `code spans`, brackets that do not
/// start a Markdown link (`[text](target)`) are escaped, so `"[Location]"` is not taken for
/// an intra-doc link, and bare `http(s)://` URLs are wrapped in `<...>`.
pub fn rustdoc_safe(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len() + 8);
    let mut i = 0;
    let mut in_code = false;
    let mut link_depth = 0usize;
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            in_code = !in_code;
            out.push(c);
            i += 1;
            continue;
        }
        if in_code {
            out.push(c);
            i += 1;
            continue;
        }
        match c {
            '[' if starts_link(&chars[i..]) => {
                link_depth += 1;
                out.push(c);
            }
            ']' if link_depth > 0 => {
                link_depth -= 1;
                out.push(c);
            }
            '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            'h' if is_bare_url_start(&chars, i) => {
                let mut end = i;
                while end < chars.len()
                    && !chars[end].is_whitespace()
                    && !matches!(chars[end], '>' | '"' | '`')
                {
                    end += 1;
                }
                // Closing punctuation is the sentence's, not the URL's (unless the URL has
                // its own opening parenthesis).
                while end > i && matches!(chars[end - 1], '.' | ',' | ';' | ':' | ')') {
                    let url: String = chars[i..end].iter().collect();
                    if chars[end - 1] == ')' && url.matches('(').count() >= url.matches(')').count()
                    {
                        break;
                    }
                    end -= 1;
                }
                out.push('<');
                out.extend(&chars[i..end]);
                out.push('>');
                i = end;
                continue;
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

/// Whether `chars` (starting at a `[`) is a Markdown link `[text](target)` on this line.
fn starts_link(chars: &[char]) -> bool {
    let mut depth = 0usize;
    for (j, c) in chars.iter().enumerate() {
        match c {
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    return chars.get(j + 1) == Some(&'(');
                }
            }
            _ => {}
        }
    }
    false
}

/// Whether a bare URL starts at `i`: `http://` or `https://`, not already inside `<...>` or
/// a Markdown link target `(...)`.
fn is_bare_url_start(chars: &[char], i: usize) -> bool {
    let rest: String = chars[i..chars.len().min(i + 8)].iter().collect();
    (rest.starts_with("http://") || rest.starts_with("https://"))
        && !matches!(i.checked_sub(1).map(|j| chars[j]), Some('<' | '/' | '"'))
        && !(i >= 2 && chars[i - 1] == '(' && chars[i - 2] == ']')
}

/// A `requires` rule's condition in words: "`OperateType` is 1 or 2", "`OPPONotifyLevel` is
/// given".
pub(crate) fn condition_words(c: &tim_spec::Condition) -> String {
    match &c.values {
        None => format!("`{}` is given", c.field),
        Some(v) => {
            let v: Vec<String> = v.iter().map(i64::to_string).collect();
            format!("`{}` is {}", c.field, v.join(" or "))
        }
    }
}

/// How the generated docs mark a field's or type's `assumed` text.
pub(crate) fn assumed_words(text: &str) -> String {
    format!("Assumed (the official page does not say): {}", text.trim())
}

#[cfg(test)]
mod tests {
    use super::rustdoc_safe;

    #[test]
    fn spec_prose_becomes_rustdoc_safe() {
        assert_eq!(
            rustdoc_safe(r#"Offline text: "[Location]"."#),
            r#"Offline text: "\[Location\]"."#
        );
        assert_eq!(
            rustdoc_safe("keep `a[0]` and [`X`](crate::X)"),
            "keep `a[0]` and [`X`](crate::X)"
        );
        assert_eq!(
            rustdoc_safe("See (https://example.com/a/1); or https://example.com/b."),
            "See (<https://example.com/a/1>); or <https://example.com/b>."
        );
        assert_eq!(
            rustdoc_safe("[docs](https://example.com) <https://x.y>"),
            "[docs](https://example.com) <https://x.y>"
        );
        assert_eq!(
            rustdoc_safe("https://example.com/f(x)"),
            "<https://example.com/f(x)>"
        );
    }
}
