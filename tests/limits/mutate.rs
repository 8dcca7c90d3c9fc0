//! Mutations: copies of a valid body that each break one limit or rule, and how an error
//! must state what was broken.

use super::*;

/// What a mutation breaks.
#[derive(Debug, Clone)]
pub(crate) enum Broken {
    Limit(LimitKind),
    Rule(Rule),
}

/// A copy of a valid body that breaks one limit or rule.
pub(crate) struct Mutation {
    /// The coverage key of the limit or rule broken.
    pub(crate) key: String,
    /// Human description, for failure messages.
    pub(crate) what: String,
    pub(crate) body: Value,
    pub(crate) broken: Broken,
    /// Expected `ValidationError::field`.
    pub(crate) field: String,
    /// Text expected in `ValidationError::value`.
    pub(crate) value_has: String,
    /// Expected `ValidationError::code`.
    pub(crate) code: Option<i64>,
}

/// Whether `text` holds `n` as a whole number (so `10` is not found in `100`).
pub(crate) fn mentions(text: &str, n: impl Display) -> bool {
    let n = n.to_string();
    text.split(|c: char| !(c.is_ascii_digit() || c == '-'))
        .any(|t| t == n)
}

/// Whether the limit in words states the limit broken.
pub(crate) fn states_limit(broken: &Broken, words: &str) -> bool {
    match broken {
        Broken::Limit(kind) => match kind {
            LimitKind::MaxItems { value }
            | LimitKind::MinItems { value }
            | LimitKind::MaxBytes { value }
            | LimitKind::ItemMaxBytes { value }
            | LimitKind::KeyMaxBytes { value } => mentions(words, value),
            LimitKind::MinBytes { value }
            | LimitKind::ItemMinBytes { value }
            | LimitKind::KeyMinBytes { value } => {
                mentions(words, value) || (*value == 1 && words.contains("non-empty"))
            }
            LimitKind::UniqueItems => words.contains("unique"),
            LimitKind::AllowedKeys { values }
            | LimitKind::AllowedStrings { values }
            | LimitKind::ItemAllowedStrings { values } => {
                values.iter().all(|v| words.contains(v.as_str()))
            }
            LimitKind::MaxValue { value } | LimitKind::MinValue { value } => mentions(words, value),
            LimitKind::AllowedValues { values } => values.iter().all(|v| mentions(words, v)),
            LimitKind::Present => words.contains("present"),
        },
        Broken::Rule(Rule::Exclusive { groups, .. }) => {
            groups.iter().flatten().all(|f| words.contains(f.as_str()))
        }
        Broken::Rule(Rule::Requires { when, then, .. }) => {
            words.contains(when.field.as_str()) && then.iter().all(|f| words.contains(f.as_str()))
        }
        Broken::Rule(Rule::Disjoint { fields, .. } | Rule::AtLeastOne { fields, .. }) => {
            fields.iter().all(|f| words.contains(f.as_str()))
        }
    }
}

/// `v` as a JSON number (callers keep it within a 64-bit integer type).
pub(crate) fn int_json(v: i128) -> Value {
    match u64::try_from(v) {
        Ok(u) => json!(u),
        Err(_) => json!(i64::try_from(v).unwrap_or(i64::MIN)),
    }
}

/// Strings over `max` bytes: ASCII, and multi-byte UTF-8 whose character count is within
/// `max` (the limit counts bytes, not characters).
pub(crate) fn over_bytes(max: u64) -> Vec<(&'static str, String)> {
    let max = usize::try_from(max).expect("byte limit fits usize");
    let mut out = vec![("ascii", "a".repeat(max + 1))];
    let multi = "é".repeat(max / 2 + 1);
    if multi.chars().count() <= max {
        assert!(multi.len() > max);
        out.push(("multi-byte UTF-8", multi));
    }
    out
}

/// A string under `min` bytes.
pub(crate) fn under_bytes(min: u64) -> Result<String, String> {
    match min {
        0 => Err("a minimum of 0 bytes cannot be broken".to_owned()),
        n => Ok("a".repeat(usize::try_from(n - 1).expect("byte limit fits usize"))),
    }
}

pub(crate) fn shown(s: &str) -> String {
    format!("({} bytes)", s.len())
}

/// A body with the value at `loc` changed by `f`.
pub(crate) fn edit(base: &Value, loc: &Loc, f: impl FnOnce(&mut Value)) -> Value {
    let mut body = base.clone();
    f(at_mut(&mut body, &loc.ptr));
    body
}

/// A key for a new entry of `map`: an allowed one while any is unused. (`AttrNames` allows
/// the 10 keys "0".."9" and at most 10 entries, so its 11th entry can only have another key:
/// that copy breaks `allowed_keys` too, and the client names `max_items`, checked first.)
pub(crate) fn new_key(field: &Field, map: &Map<String, Value>, i: usize) -> String {
    let allowed = field.limits.iter().find_map(|l| match &l.kind {
        LimitKind::AllowedKeys { values } => Some(values),
        _ => None,
    });
    allowed
        .into_iter()
        .flatten()
        .cloned()
        .chain((i..).map(|n| format!("probe{n}")))
        .find(|k| !map.contains_key(k))
        .expect("an unused key")
}

/// The mutations breaking `limit` of the field at `site` in `base`: `(what, body, field,
/// value_has)`. An error when the limit cannot be broken at all.
pub(crate) fn break_limit(
    schema: &Schema<'_>,
    site: &FieldSite<'_>,
    limit: &Limit,
    base: &Value,
) -> Result<Vec<(String, Value, String, String)>, String> {
    let loc = &site.loc;
    let field = site.field;
    let cur = at(base, &loc.ptr);
    let ty = &field.ty;
    let item_ty = match ty {
        TypeRef::Array(t) | TypeRef::Map(t) => Some(&**t),
        _ => None,
    };
    let whole = |what: String, body: Value, value_has: String| {
        vec![(what, body, loc.path.clone(), value_has)]
    };
    let not_for = || Err(format!("{} does not apply to type {ty}", limit.kind.name()));
    Ok(match &limit.kind {
        LimitKind::MaxItems { value } => {
            let n = usize::try_from(*value).expect("item limit fits usize") + 1;
            let body = edit(base, loc, |v| match v {
                Value::Array(items) => {
                    let item = item_ty.expect("array type");
                    while items.len() < n {
                        // New strings are distinct (a list may have to be unique); other
                        // items repeat the last one.
                        let next = match (item, items.last()) {
                            (TypeRef::String, _) => (0..)
                                .map(|i| json!(format!("probe{i}")))
                                .find(|s| !items.contains(s))
                                .expect("an unused string"),
                            (_, Some(last)) => last.clone(),
                            (_, None) => schema.valid_value(item, &[]),
                        };
                        items.push(next);
                    }
                }
                Value::Object(map) => {
                    let item = item_ty.expect("map type");
                    while map.len() < n {
                        let k = new_key(field, map, map.len());
                        map.insert(k, schema.valid_value(item, &[]));
                    }
                }
                _ => {}
            });
            whole(format!("{n} items"), body, format!("{n} items"))
        }
        LimitKind::MinItems { value } => {
            let Some(n) = value.checked_sub(1) else {
                return Err("a minimum of 0 items cannot be broken".to_owned());
            };
            let n = usize::try_from(n).expect("item limit fits usize");
            let body = edit(base, loc, |v| match v {
                Value::Array(items) => items.truncate(n),
                Value::Object(map) => {
                    let extra: Vec<String> = map.keys().skip(n).cloned().collect();
                    for k in extra {
                        map.remove(&k);
                    }
                }
                _ => {}
            });
            whole(format!("{n} items"), body, format!("{n} items"))
        }
        LimitKind::MaxBytes { value } => {
            if *ty != TypeRef::String {
                return not_for();
            }
            over_bytes(*value)
                .into_iter()
                .flat_map(|(how, s)| {
                    let body = edit(base, loc, |v| *v = json!(s));
                    whole(format!("{} bytes ({how})", s.len()), body, shown(&s))
                })
                .collect()
        }
        LimitKind::MinBytes { value } => {
            if *ty != TypeRef::String {
                return not_for();
            }
            let s = under_bytes(*value)?;
            let body = edit(base, loc, |v| *v = json!(s));
            whole(format!("{} bytes", s.len()), body, shown(&s))
        }
        LimitKind::ItemMaxBytes { value } | LimitKind::ItemMinBytes { value } => {
            let strings = match &limit.kind {
                LimitKind::ItemMaxBytes { .. } => over_bytes(*value),
                _ => vec![("ascii", under_bytes(*value)?)],
            };
            let mut out = Vec::new();
            for (how, s) in strings {
                let what = format!("an item of {} bytes ({how})", s.len());
                match cur {
                    Value::Array(_) => {
                        let body = edit(base, loc, |v| set_first(v, json!(s)));
                        out.push((what, body, loc.index(0).path, shown(&s)));
                    }
                    Value::Object(map) => {
                        let key = match map.keys().next() {
                            Some(k) => k.clone(),
                            None => new_key(field, map, 0),
                        };
                        let body = edit(base, loc, |v| {
                            v[key.as_str()] = json!(s);
                        });
                        out.push((what, body, loc.key(&key).path, shown(&s)));
                    }
                    _ => return not_for(),
                }
            }
            out
        }
        LimitKind::UniqueItems => {
            let Value::Array(items) = cur else {
                return not_for();
            };
            let dup = items.first().cloned().unwrap_or_else(|| json!("probe"));
            let at = items.len().max(1);
            let body = edit(base, loc, |v| {
                let items = v.as_array_mut().expect("array");
                if items.is_empty() {
                    items.push(dup.clone());
                }
                items.push(dup.clone());
            });
            let dup = dup.as_str().unwrap_or_default().to_owned();
            vec![(format!("{dup:?} twice"), body, loc.index(at).path, dup)]
        }
        LimitKind::KeyMaxBytes { .. }
        | LimitKind::KeyMinBytes { .. }
        | LimitKind::AllowedKeys { .. } => {
            let Value::Object(map) = cur else {
                return not_for();
            };
            let keys = match &limit.kind {
                LimitKind::KeyMaxBytes { value } => over_bytes(*value),
                LimitKind::KeyMinBytes { value } => vec![("ascii", under_bytes(*value)?)],
                LimitKind::AllowedKeys { values } => {
                    let k = (0..)
                        .map(|i| format!("probe{i}"))
                        .find(|k| !values.contains(k) && !map.contains_key(k))
                        .expect("an unused key");
                    vec![("not allowed", k)]
                }
                _ => unreachable!("matched above"),
            };
            let item = item_ty.expect("map type");
            keys.into_iter()
                .map(|(how, k)| {
                    let body = edit(base, loc, |v| {
                        let map = v.as_object_mut().expect("object");
                        let old = map.keys().next().cloned();
                        let value = match old {
                            Some(old) => map.remove(&old).expect("present"),
                            None => schema.valid_value(item, &[]),
                        };
                        map.insert(k.clone(), value);
                    });
                    let value_has = match &limit.kind {
                        LimitKind::AllowedKeys { .. } => k.clone(),
                        _ => shown(&k),
                    };
                    (
                        format!("key {k:?} ({how})"),
                        body,
                        loc.key(&k).path,
                        value_has,
                    )
                })
                .collect()
        }
        LimitKind::MaxValue { value } | LimitKind::MinValue { value } => {
            let (lo, hi) = ty
                .int_range()
                .ok_or_else(|| format!("{} on non-integer {ty}", limit.kind.name()))?;
            let v = match &limit.kind {
                LimitKind::MaxValue { .. } => i128::from(*value) + 1,
                _ => i128::from(*value) - 1,
            };
            if v < lo || v > hi {
                return Err(format!(
                    "{} {value} is the bound of {ty} itself: no {ty} breaks it",
                    limit.kind.name()
                ));
            }
            let body = edit(base, loc, |x| *x = int_json(v));
            whole(format!("{v}"), body, v.to_string())
        }
        LimitKind::AllowedValues { values } => {
            let (lo, hi) = ty
                .int_range()
                .ok_or_else(|| format!("allowed_values on non-integer {ty}"))?;
            let allowed: BTreeSet<i128> = values.iter().map(|v| i128::from(*v)).collect();
            let max = allowed.iter().max().copied().unwrap_or(0);
            let min = allowed.iter().min().copied().unwrap_or(0);
            let v = [max + 1, min - 1, lo, hi]
                .into_iter()
                .find(|v| (lo..=hi).contains(v) && !allowed.contains(v))
                .ok_or_else(|| format!("allowed_values {values:?} allow every {ty}"))?;
            let body = edit(base, loc, |x| *x = int_json(v));
            whole(format!("{v}"), body, v.to_string())
        }
        LimitKind::AllowedStrings { values } => {
            let s = unlisted(values);
            let body = edit(base, loc, |x| *x = json!(s));
            whole(format!("{s:?}"), body, s)
        }
        LimitKind::ItemAllowedStrings { values } => {
            if !matches!(cur, Value::Array(_)) {
                return not_for();
            }
            let s = unlisted(values);
            let body = edit(base, loc, |v| set_first(v, json!(s)));
            vec![(format!("an item {s:?}"), body, loc.index(0).path, s)]
        }
        LimitKind::Present => {
            let Some((Seg::Key(name), parent)) = loc.ptr.split_last() else {
                return Err("`present` on a value that is not an object's field".to_owned());
            };
            let mut body = base.clone();
            if let Value::Object(obj) = at_mut(&mut body, parent) {
                obj.remove(name);
            }
            whole("the field left out".to_owned(), body, "absent".to_owned())
        }
    })
}

/// The mutation breaking `rule` of the object at `site`, if the body allows one that breaks
/// only that rule: `(what, body, value_has)`.
pub(crate) fn break_rule(
    schema: &Schema<'_>,
    site: &RuleSite<'_>,
    rule: &Rule,
    base: &Value,
) -> Result<Option<(String, Value, String)>, String> {
    let Value::Object(obj) = at(base, &site.loc.ptr) else {
        return Ok(None);
    };
    let valid = |name: &str| -> Result<Value, String> {
        let f = site
            .fields
            .iter()
            .find(|f| f.json == name)
            .ok_or_else(|| format!("rule names {name}, not a field of {}", site.owner))?;
        Ok(schema.valid_value(&f.ty, &f.limits))
    };
    match rule {
        Rule::Exclusive { groups, .. } => {
            if groups.len() < 2 {
                return Err(
                    "an exclusive rule of fewer than two groups cannot be broken".to_owned(),
                );
            }
            let present = groups
                .iter()
                .position(|g| g.iter().any(|f| obj.contains_key(f)));
            let add: Vec<&str> = match present {
                Some(g) => vec![groups[(g + 1) % groups.len()][0].as_str()],
                None => vec![groups[0][0].as_str(), groups[1][0].as_str()],
            };
            let mut added = Vec::new();
            for name in &add {
                added.push(((*name).to_owned(), valid(name)?));
            }
            let body = edit(base, &site.loc, |v| {
                for (name, value) in added {
                    v[name.as_str()] = value;
                }
            });
            Ok(Some((
                format!("adding {}", add.join(" and ")),
                body,
                add[0].to_owned(),
            )))
        }
        Rule::Requires { when, then, .. } => {
            // Only a body where the condition holds can break it: leave out the fields.
            let holds = match (obj.get(&when.field), &when.values) {
                (None, _) => false,
                (Some(_), None) => true,
                (Some(v), Some(values)) => v.as_i64().is_some_and(|v| values.contains(&v)),
            };
            if !holds || !then.iter().any(|f| obj.contains_key(f)) {
                return Ok(None);
            }
            let body = edit(base, &site.loc, |v| {
                if let Value::Object(o) = v {
                    for f in then {
                        o.remove(f);
                    }
                }
            });
            Ok(Some((
                format!("leaving out {}", then.join(" and ")),
                body,
                "absent".to_owned(),
            )))
        }
        Rule::AtLeastOne { fields, .. } => {
            if !fields.iter().any(|f| obj.contains_key(f)) {
                return Ok(None);
            }
            let body = edit(base, &site.loc, |v| {
                if let Value::Object(o) = v {
                    for f in fields {
                        o.remove(f);
                    }
                }
            });
            Ok(Some((
                format!("leaving out {}", fields.join(" and ")),
                body,
                "none".to_owned(),
            )))
        }
        Rule::Disjoint { fields, .. } => {
            let [a, b] = fields.as_slice() else {
                return Err(format!("a disjoint rule names two fields, not {fields:?}"));
            };
            let first = |name: &str| {
                obj.get(name)
                    .and_then(Value::as_array)
                    .and_then(|x| x.first())
                    .cloned()
            };
            let (shared, into) = match (first(a), first(b)) {
                (Some(x), _) => (x, b),
                (None, Some(x)) => (x, a),
                // Adding both lists could break another rule first (e.g. `exclusive`).
                (None, None) => return Ok(None),
            };
            let body = edit(base, &site.loc, |v| {
                let list = &mut v[into.as_str()];
                if !list.is_array() {
                    *list = json!([]);
                }
                list.as_array_mut().expect("array").push(shared.clone());
            });
            let shared = shared.as_str().unwrap_or_default().to_owned();
            Ok(Some((format!("{shared:?} also in {into}"), body, shared)))
        }
    }
}

/// Every mutation of `base` (a valid body of the request type `request_type`).
pub(crate) fn mutations(
    schema: &Schema<'_>,
    ep: &spec::Endpoint,
    base: &Value,
    failures: &mut Vec<String>,
) -> Vec<Mutation> {
    let mut sites = Sites::default();
    schema.walk_struct(
        &ep.request_type(),
        &ep.request.fields,
        &ep.request.rules,
        base,
        &Loc::root(),
        &mut sites,
    );
    let mut out = Vec::new();
    for site in &sites.fields {
        for limit in &site.field.limits {
            let key = limit_key(&site.owner, &site.field.json, &limit.kind);
            match break_limit(schema, site, limit, base) {
                Err(why) => failures.push(format!("{key} at {}: {why}", site.loc.path)),
                Ok(list) => {
                    for (what, body, field, value_has) in list {
                        out.push(Mutation {
                            key: key.clone(),
                            what: format!("{}: {} {what}", site.loc.path, limit.kind.name()),
                            body,
                            broken: Broken::Limit(limit.kind.clone()),
                            field,
                            value_has,
                            code: limit.error,
                        });
                    }
                }
            }
        }
    }
    for site in &sites.rules {
        for rule in site.rules {
            let key = rule_key(&site.owner, rule);
            let code = rule.error();
            match break_rule(schema, site, rule, base) {
                Err(why) => failures.push(format!("{key} at {:?}: {why}", site.loc.path)),
                Ok(None) => {}
                Ok(Some((what, body, value_has))) => out.push(Mutation {
                    key,
                    what: format!("{:?}: {what}", site.loc.path),
                    body,
                    broken: Broken::Rule(rule.clone()),
                    // A rule of the request body itself is reported at its first field.
                    field: if site.loc.path.is_empty() {
                        first_field(rule).to_owned()
                    } else {
                        site.loc.path.clone()
                    },
                    value_has,
                    code,
                }),
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Running the mutations against the client and the emulator.

/// The first field a rule names.
fn first_field(rule: &Rule) -> &str {
    match rule {
        Rule::Exclusive { groups, .. } => groups.iter().flatten().next(),
        Rule::Disjoint { fields, .. } | Rule::AtLeastOne { fields, .. } => fields.first(),
        Rule::Requires { then, .. } => then.first(),
    }
    .map_or("", String::as_str)
}

/// A string not among `values`.
fn unlisted(values: &[String]) -> String {
    (0..)
        .map(|i| format!("probe{i}"))
        .find(|s| !values.contains(s))
        .expect("an unlisted string")
}

/// Replaces the first item of the array `v` with `item` (adds it to an empty array).
fn set_first(v: &mut Value, item: Value) {
    let items = v.as_array_mut().expect("array");
    if items.is_empty() {
        items.push(item);
    } else {
        items[0] = item;
    }
}
