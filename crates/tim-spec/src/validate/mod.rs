//! Consistency checks over a loaded [`Spec`].
//!
//! [`validate`] walks the whole spec and reports every [`Problem`] it finds, each located by
//! file and path (`endpoints/all_member_push/im_add_tag.json: request.fields[0]
//! (UserTags).limits[1]`). The checks: names (valid, non-keyword PascalCase / snake_case Rust
//! identifiers, unique where they must be), type references, error codes used but not defined,
//! limits and rules that do not fit their fields, retry/idempotency and batch settings, doc
//! URLs, and samples that do not match the declared fields.

// The checks live by area in `names` (service, errors, types, field lists), `limits` (limits
// and rules), `endpoints` and `samples`, each adding methods to the one `Checker`.
mod callbacks;
mod endpoints;
mod limits;
mod names;
mod samples;

use crate::model::{Spec, StructDef, TypeDef};
use std::collections::{HashMap, HashSet};
use std::fmt;

pub use names::{is_pascal_case, is_snake_case};

/// One problem found in the spec, with its location (`file: path.to.item: message`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where: e.g. `endpoints/all_member_push/im_get_tag.json: request.fields[0] (To_Account)`.
    pub location: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// Checks the spec; an empty list means it is consistent.
pub fn validate(spec: &Spec) -> Vec<Problem> {
    let mut c = Checker {
        spec,
        codes: spec.errors.iter().map(|e| e.code).collect(),
        types: HashMap::new(),
        out: Vec::new(),
    };
    c.service();
    c.errors(&spec.errors);
    c.type_defs();
    c.endpoints();
    c.callbacks();
    c.out
}

struct Checker<'a> {
    spec: &'a Spec,
    codes: HashSet<i64>,
    types: HashMap<&'a str, &'a TypeDef>,
    out: Vec<Problem>,
}

impl<'a> Checker<'a> {
    /// Makes the types visible from a scope (a service's or a callback family's own types,
    /// then the common ones; see `Spec::type_in`) the ones that type references resolve to;
    /// `None`: the common types only.
    fn scope(&mut self, service: Option<&str>) {
        self.types.clear();
        if let Some((_, own)) = service.and_then(|s| self.spec.scope_types(s)) {
            for t in own {
                self.types.entry(t.name()).or_insert(t);
            }
        }
        for t in &self.spec.types {
            self.types.entry(t.name()).or_insert(t);
        }
    }

    fn push(&mut self, location: impl Into<String>, message: impl Into<String>) {
        self.out.push(Problem {
            location: location.into(),
            message: message.into(),
        });
    }

    fn code(&mut self, loc: &str, what: &str, code: Option<i64>) {
        if let Some(code) = code
            && !self.codes.contains(&code)
        {
            self.push(loc, format!("{what} {code} is not defined in errors.json"));
        }
    }

    fn struct_def(&self, name: &str) -> Option<&'a StructDef> {
        match self.types.get(name) {
            Some(TypeDef::Struct(s)) => Some(s),
            _ => None,
        }
    }
}
