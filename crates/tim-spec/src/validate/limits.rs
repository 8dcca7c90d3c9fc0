//! Limits and rules: each field limit fits its field's type, bounds are consistent, and
//! cross-field rules (`exclusive`, `disjoint`) name fields that exist and fit.

use super::Checker;
use crate::model::{Field, Limit, LimitKind, Rule, TypeRef};
use std::collections::{HashMap, HashSet};

impl<'a> Checker<'a> {
    pub(super) fn limit(&mut self, loc: &str, ty: &TypeRef, l: &Limit) {
        let is_array = matches!(ty, TypeRef::Array(_));
        let is_map = matches!(ty, TypeRef::Map(_));
        let of_strings =
            matches!(ty, TypeRef::Array(t) | TypeRef::Map(t) if **t == TypeRef::String);
        let (fits, applies_to) = match &l.kind {
            LimitKind::MaxItems { .. } | LimitKind::MinItems { .. } => {
                (is_array || is_map, "arrays and maps")
            }
            LimitKind::MaxBytes { .. }
            | LimitKind::MinBytes { .. }
            | LimitKind::AllowedStrings { .. } => (*ty == TypeRef::String, "strings"),
            LimitKind::ItemMaxBytes { .. } | LimitKind::ItemMinBytes { .. } => {
                (of_strings, "arrays of strings and maps to strings")
            }
            LimitKind::UniqueItems => (is_array, "arrays"),
            LimitKind::ItemAllowedStrings { .. } => (
                matches!(ty, TypeRef::Array(t) if **t == TypeRef::String),
                "arrays of strings",
            ),
            LimitKind::KeyMaxBytes { .. }
            | LimitKind::KeyMinBytes { .. }
            | LimitKind::AllowedKeys { .. } => (is_map, "maps"),
            LimitKind::MaxValue { .. }
            | LimitKind::MinValue { .. }
            | LimitKind::AllowedValues { .. } => (ty.is_integer(), "integers"),
            // Whether the field is optional is checked with the field (`fields`).
            LimitKind::Present => (true, "optional fields"),
        };
        if !fits {
            self.push(
                loc,
                format!(
                    "`{}` does not fit type `{ty}` (it applies to {applies_to})",
                    l.kind.name()
                ),
            );
        } else if let Some((lo, hi)) = ty.int_range() {
            let values: Vec<i64> = match &l.kind {
                LimitKind::MaxValue { value } | LimitKind::MinValue { value } => vec![*value],
                LimitKind::AllowedValues { values } => values.clone(),
                _ => Vec::new(),
            };
            for v in values {
                if i128::from(v) < lo || i128::from(v) > hi {
                    self.push(loc, format!("value {v} is out of range for type `{ty}`"));
                }
            }
        }
        self.code(loc, "error", l.error);
    }

    pub(super) fn limit_bounds(&mut self, loc: &str, limits: &[Limit]) {
        let mut mins: HashMap<&str, i128> = HashMap::new();
        let mut maxs: HashMap<&str, i128> = HashMap::new();
        for l in limits {
            let (what, is_min, value) = match &l.kind {
                LimitKind::MinItems { value } => ("items", true, i128::from(*value)),
                LimitKind::MaxItems { value } => ("items", false, i128::from(*value)),
                LimitKind::MinBytes { value } => ("bytes", true, i128::from(*value)),
                LimitKind::MaxBytes { value } => ("bytes", false, i128::from(*value)),
                LimitKind::ItemMinBytes { value } => ("item bytes", true, i128::from(*value)),
                LimitKind::ItemMaxBytes { value } => ("item bytes", false, i128::from(*value)),
                LimitKind::KeyMinBytes { value } => ("key bytes", true, i128::from(*value)),
                LimitKind::KeyMaxBytes { value } => ("key bytes", false, i128::from(*value)),
                LimitKind::MinValue { value } => ("value", true, i128::from(*value)),
                LimitKind::MaxValue { value } => ("value", false, i128::from(*value)),
                _ => continue,
            };
            if is_min {
                mins.insert(what, value);
            } else {
                maxs.insert(what, value);
            }
        }
        for what in ["items", "bytes", "item bytes", "key bytes", "value"] {
            if let (Some(min), Some(max)) = (mins.get(what), maxs.get(what))
                && min > max
            {
                self.push(
                    loc,
                    format!("minimum {what} {min} is above the maximum {max}"),
                );
            }
        }
    }

    /// Checks the rules of a struct or message; `base` locates their owner.
    pub(super) fn rules(&mut self, base: &str, fields: &[Field], rules: &[Rule]) {
        for (j, r) in rules.iter().enumerate() {
            let loc = format!("{base}.rules[{j}]");
            match r {
                Rule::Exclusive { groups, error } => {
                    if groups.len() < 2 {
                        self.push(&loc, "`exclusive` needs at least two groups");
                    }
                    let mut seen = HashSet::new();
                    for name in groups.iter().flatten() {
                        if !seen.insert(name.as_str()) {
                            self.push(&loc, format!("field `{name}` is in more than one group"));
                        }
                        match fields.iter().find(|f| &f.json == name) {
                            None => self.push(&loc, format!("field `{name}` does not exist")),
                            Some(f) if f.required => self.push(
                                &loc,
                                format!("field `{name}` is required, so it cannot be left out"),
                            ),
                            Some(_) => {}
                        }
                    }
                    self.code(&loc, "error", *error);
                }
                Rule::Disjoint {
                    fields: names,
                    error,
                } => {
                    if names.len() != 2 {
                        self.push(&loc, "`disjoint` names exactly two fields");
                    }
                    let mut item_types = Vec::new();
                    for name in names {
                        match fields.iter().find(|f| &f.json == name) {
                            None => self.push(&loc, format!("field `{name}` does not exist")),
                            Some(f) => match &f.ty {
                                TypeRef::Array(t) => item_types.push(t.clone()),
                                other => self.push(
                                    &loc,
                                    format!("field `{name}` has type `{other}`, not an array"),
                                ),
                            },
                        }
                    }
                    if item_types.windows(2).any(|w| w[0] != w[1]) {
                        self.push(&loc, "the two arrays have different item types");
                    }
                    self.code(&loc, "error", *error);
                }
                Rule::Requires { when, then, error } => {
                    match fields.iter().find(|f| f.json == when.field) {
                        None => self.push(&loc, format!("field `{}` does not exist", when.field)),
                        Some(f) => {
                            if when.values.is_some() && !f.ty.is_integer() {
                                self.push(
                                    &loc,
                                    format!(
                                        "`if.values` needs an integer field, `{}` is `{}`",
                                        f.json, f.ty
                                    ),
                                );
                            }
                            if when.values.is_none() && f.required {
                                self.push(
                                    &loc,
                                    format!("field `{}` is required: give `if.values`", f.json),
                                );
                            }
                        }
                    }
                    if then.is_empty() {
                        self.push(&loc, "`then` names no field");
                    }
                    for name in then {
                        match fields.iter().find(|f| &f.json == name) {
                            None => self.push(&loc, format!("field `{name}` does not exist")),
                            Some(f) if f.required => self.push(
                                &loc,
                                format!("field `{name}` is required, so the rule always holds"),
                            ),
                            Some(_) if *name == when.field => {
                                self.push(&loc, format!("field `{name}` requires itself"));
                            }
                            Some(_) => {}
                        }
                    }
                    self.code(&loc, "error", *error);
                }
                Rule::AtLeastOne {
                    fields: names,
                    error,
                } => {
                    if names.len() < 2 {
                        self.push(&loc, "`at_least_one` names at least two fields");
                    }
                    let mut seen = HashSet::new();
                    for name in names {
                        if !seen.insert(name.as_str()) {
                            self.push(&loc, format!("field `{name}` is named twice"));
                        }
                        match fields.iter().find(|f| &f.json == name) {
                            None => self.push(&loc, format!("field `{name}` does not exist")),
                            Some(f) if f.required => self.push(
                                &loc,
                                format!("field `{name}` is required, so the rule always holds"),
                            ),
                            Some(_) => {}
                        }
                    }
                    self.code(&loc, "error", *error);
                }
            }
        }
    }
}
