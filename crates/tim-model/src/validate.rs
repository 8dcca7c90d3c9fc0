//! Client-side checks of the documented limits, run before anything is sent.
//!
//! The generated code (each service module and `common`) implements [`Validate`] for every request
//! type and shared type from the spec's `limits` and `rules`, calling the small checkers
//! below. A failure is a [`ValidationError`] naming the field (a JSON path such as
//! `UserTags[3].Tags[0]`), the limit and the offending value, plus the code the service would
//! have answered.

use std::fmt;

use crate::ErrorCode;

/// A documented limit broken by a request, caught before sending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    /// JSON path of the field, e.g. `UserTags[3].Tags[0]`.
    pub field: String,
    /// The limit, in words, e.g. `at most 100 items`.
    pub limit: String,
    /// The offending value or measure, e.g. `101 items`, `"a…"` (62 bytes)`.
    pub value: String,
    /// The code the service answers for this, when documented.
    pub code: Option<ErrorCode>,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: must be {}, got {}",
            self.field, self.limit, self.value
        )?;
        if let Some(code) = self.code {
            write!(f, " (the service would answer {})", code.code())?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationError {}

/// Checks documented limits. Generated for every request and shared type.
pub trait Validate {
    /// Checks `self`, whose JSON path is `path` (empty for a request body).
    fn validate_at(&self, path: &FieldPath<'_>) -> Result<(), ValidationError>;

    /// Checks `self` as a top-level request body.
    fn validate(&self) -> Result<(), ValidationError> {
        self.validate_at(&FieldPath::Root)
    }
}

/// A lazily built JSON path: only turned into a string when a check fails.
#[derive(Debug, Clone, Copy)]
pub enum FieldPath<'a> {
    /// The request body itself.
    Root,
    /// A named field of the parent.
    Field(&'a FieldPath<'a>, &'static str),
    /// An index into the parent array.
    Index(&'a FieldPath<'a>, usize),
    /// A key of the parent map.
    Key(&'a FieldPath<'a>, &'a str),
}

impl FieldPath<'_> {
    /// A child field.
    pub fn field<'b>(&'b self, name: &'static str) -> FieldPath<'b> {
        FieldPath::Field(self, name)
    }
    /// A child index.
    pub fn index(&self, i: usize) -> FieldPath<'_> {
        FieldPath::Index(self, i)
    }
    /// A child key.
    pub fn key<'b>(&'b self, k: &'b str) -> FieldPath<'b> {
        FieldPath::Key(self, k)
    }
}

impl fmt::Display for FieldPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldPath::Root => Ok(()),
            FieldPath::Field(FieldPath::Root, name) => f.write_str(name),
            FieldPath::Field(parent, name) => write!(f, "{parent}.{name}"),
            FieldPath::Index(parent, i) => write!(f, "{parent}[{i}]"),
            FieldPath::Key(parent, k) => write!(f, "{parent}[{k:?}]"),
        }
    }
}

fn fail(path: &FieldPath<'_>, limit: String, value: String, code: Option<i64>) -> ValidationError {
    ValidationError {
        field: path.to_string(),
        limit,
        value,
        code: code.map(ErrorCode::from_code),
    }
}

/// Shows a string value in an error, shortened to keep messages readable.
fn show(s: &str) -> String {
    const MAX: usize = 40;
    if s.len() <= MAX {
        format!("{s:?} ({} bytes)", s.len())
    } else {
        let mut end = MAX;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        format!("\"{}…\" ({} bytes)", &s[..end].escape_debug(), s.len())
    }
}

/// At most `max` items.
pub fn max_items(
    path: &FieldPath<'_>,
    len: usize,
    max: u64,
    code: Option<i64>,
) -> Result<(), ValidationError> {
    if len as u64 > max {
        return Err(fail(
            path,
            format!("at most {max} items"),
            format!("{len} items"),
            code,
        ));
    }
    Ok(())
}

/// At least `min` items.
pub fn min_items(
    path: &FieldPath<'_>,
    len: usize,
    min: u64,
    code: Option<i64>,
) -> Result<(), ValidationError> {
    if (len as u64) < min {
        return Err(fail(
            path,
            format!("at least {min} items"),
            format!("{len} items"),
            code,
        ));
    }
    Ok(())
}

/// At most `max` UTF-8 bytes.
pub fn max_bytes(
    path: &FieldPath<'_>,
    s: &str,
    max: u64,
    code: Option<i64>,
) -> Result<(), ValidationError> {
    if s.len() as u64 > max {
        return Err(fail(path, format!("at most {max} bytes"), show(s), code));
    }
    Ok(())
}

/// An optional field a request must carry (`present`).
pub fn present(
    path: &FieldPath<'_>,
    is_some: bool,
    code: Option<i64>,
) -> Result<(), ValidationError> {
    if !is_some {
        return Err(fail(
            path,
            "present".to_owned(),
            "nothing (the field is absent)".to_owned(),
            code,
        ));
    }
    Ok(())
}

/// At least `min` UTF-8 bytes.
pub fn min_bytes(
    path: &FieldPath<'_>,
    s: &str,
    min: u64,
    code: Option<i64>,
) -> Result<(), ValidationError> {
    if (s.len() as u64) < min {
        let limit = if min == 1 {
            "non-empty".to_owned()
        } else {
            format!("at least {min} bytes")
        };
        return Err(fail(path, limit, show(s), code));
    }
    Ok(())
}

/// No string appears twice.
pub fn unique_items(
    path: &FieldPath<'_>,
    items: &[String],
    code: Option<i64>,
) -> Result<(), ValidationError> {
    let mut seen = std::collections::HashSet::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        if !seen.insert(item.as_str()) {
            return Err(fail(
                &path.index(i),
                "unique within the list".to_owned(),
                format!("{} again", show(item)),
                code,
            ));
        }
    }
    Ok(())
}

/// Key is one of `allowed`.
pub fn allowed_key(
    path: &FieldPath<'_>,
    key: &str,
    allowed: &[&str],
    code: Option<i64>,
) -> Result<(), ValidationError> {
    if !allowed.contains(&key) {
        return Err(fail(
            path,
            format!("a key among {allowed:?}"),
            format!("key {}", show(key)),
            code,
        ));
    }
    Ok(())
}

/// Integer at most `max`.
pub fn max_value(
    path: &FieldPath<'_>,
    v: i128,
    max: i64,
    code: Option<i64>,
) -> Result<(), ValidationError> {
    if v > max as i128 {
        return Err(fail(path, format!("at most {max}"), v.to_string(), code));
    }
    Ok(())
}

/// Integer at least `min`.
pub fn min_value(
    path: &FieldPath<'_>,
    v: i128,
    min: i64,
    code: Option<i64>,
) -> Result<(), ValidationError> {
    if v < min as i128 {
        return Err(fail(path, format!("at least {min}"), v.to_string(), code));
    }
    Ok(())
}

/// Integer among `allowed`.
pub fn allowed_value(
    path: &FieldPath<'_>,
    v: i128,
    allowed: &[i64],
    code: Option<i64>,
) -> Result<(), ValidationError> {
    if !allowed.iter().any(|a| *a as i128 == v) {
        return Err(fail(
            path,
            format!("one of {allowed:?}"),
            v.to_string(),
            code,
        ));
    }
    Ok(())
}

/// String among `allowed`.
pub fn allowed_string(
    path: &FieldPath<'_>,
    s: &str,
    allowed: &[&str],
    code: Option<i64>,
) -> Result<(), ValidationError> {
    if !allowed.contains(&s) {
        return Err(fail(path, format!("one of {allowed:?}"), show(s), code));
    }
    Ok(())
}

/// At most one of the groups has a field present. `present[g]` is whether group `g` has one.
/// At least one of the fields `names` is present (`present[i]` for `names[i]`).
pub fn at_least_one(
    path: &FieldPath<'_>,
    names: &[&str],
    present: &[bool],
    code: Option<i64>,
) -> Result<(), ValidationError> {
    if !present.iter().any(|p| *p) {
        return Err(fail(
            path,
            format!("present: at least one of {}", names.join(", ")),
            "none of them".to_owned(),
            code,
        ));
    }
    Ok(())
}

/// When the condition (`condition`, in words) holds, the fields `names` are present
/// (`present[i]` for `names[i]`).
pub fn requires(
    path: &FieldPath<'_>,
    condition: &str,
    names: &[&str],
    present: &[bool],
    code: Option<i64>,
) -> Result<(), ValidationError> {
    let missing: Vec<&str> = names
        .iter()
        .zip(present)
        .filter(|(_, p)| !**p)
        .map(|(n, _)| *n)
        .collect();
    if !missing.is_empty() {
        return Err(fail(
            path,
            format!("present: {} when {condition}", names.join(", ")),
            format!("{} absent", missing.join(", ")),
            code,
        ));
    }
    Ok(())
}

/// Fields of at most one group are present.
pub fn exclusive(
    path: &FieldPath<'_>,
    groups: &[&[&str]],
    present: &[bool],
    code: Option<i64>,
) -> Result<(), ValidationError> {
    let used: Vec<String> = groups
        .iter()
        .zip(present)
        .filter(|(_, p)| **p)
        .map(|(g, _)| g.join("/"))
        .collect();
    if used.len() > 1 {
        let groups: Vec<String> = groups.iter().map(|g| g.join("/")).collect();
        return Err(fail(
            path,
            format!("only one of {}", groups.join(" or ")),
            format!("both {}", used.join(" and ")),
            code,
        ));
    }
    Ok(())
}

/// Two lists share no item.
pub fn disjoint(
    path: &FieldPath<'_>,
    names: [&str; 2],
    a: &[String],
    b: &[String],
    code: Option<i64>,
) -> Result<(), ValidationError> {
    if let Some(x) = a.iter().find(|x| b.contains(x)) {
        return Err(fail(
            path,
            format!("{} and {} without a common item", names[0], names[1]),
            format!("{} in both", show(x)),
            code,
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_render_as_json_paths() {
        let root = FieldPath::Root;
        let a = root.field("UserTags");
        let b = a.index(3);
        let c = b.field("Tags");
        let d = c.index(0);
        assert_eq!(d.to_string(), "UserTags[3].Tags[0]");
        let e = root.field("Condition");
        let f = e.field("AttrsOr");
        assert_eq!(f.key("city").to_string(), "Condition.AttrsOr[\"city\"]");
    }

    #[test]
    fn errors_name_field_limit_and_value() {
        let root = FieldPath::Root;
        let err = max_items(&root.field("To_Account"), 101, 100, Some(90018)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "To_Account: must be at most 100 items, got 101 items (the service would answer 90018)"
        );
        let long = "é".repeat(30);
        let err = max_bytes(&root.field("Tag"), &long, 50, None).unwrap_err();
        assert!(err.to_string().contains("60 bytes"), "{err}");
    }
}
