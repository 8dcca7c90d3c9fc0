//! Coverage: the keys of every limit and rule of the spec, to compare with those exercised.

use super::*;

/// Marks the coverage keys of rules (limit keys never contain it).
pub(crate) const RULE_MARK: &str = " rule ";

pub(crate) fn limit_key(owner: &str, field: &str, kind: &LimitKind) -> String {
    format!("{owner}.{field}: {}", kind.name())
}

pub(crate) fn rule_key(owner: &str, rule: &Rule) -> String {
    match rule {
        Rule::Exclusive { groups, .. } => {
            let groups: Vec<String> = groups.iter().map(|g| g.join("/")).collect();
            format!("{owner}: exclusive{RULE_MARK}[{}]", groups.join(" | "))
        }
        Rule::Disjoint { fields, .. } => {
            format!("{owner}: disjoint{RULE_MARK}[{}]", fields.join(" & "))
        }
        Rule::AtLeastOne { fields, .. } => {
            format!("{owner}: at_least_one{RULE_MARK}[{}]", fields.join(" | "))
        }
        Rule::Requires { when, then, .. } => {
            format!(
                "{owner}: requires{RULE_MARK}[{} => {}]",
                when.field,
                then.join(" & ")
            )
        }
    }
}

/// Every (type, field, limit kind) and every rule of the spec's requests and types.
pub(crate) fn spec_keys(spec: &spec::Spec) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    let mut add = |owner: &str, fields: &[Field], rules: &[Rule]| {
        for f in fields {
            for l in &f.limits {
                assert!(
                    keys.insert(limit_key(owner, &f.json, &l.kind)),
                    "{owner}.{}: two {} limits",
                    f.json,
                    l.kind.name()
                );
            }
        }
        for r in rules {
            keys.insert(rule_key(owner, r));
        }
    };
    for (_, t) in spec.all_types() {
        if let TypeDef::Struct(s) = t {
            add(&s.name, &s.fields, &s.rules);
        }
    }
    for ep in &spec.endpoints {
        add(&ep.request_type(), &ep.request.fields, &ep.request.rules);
    }
    keys
}
