//! Consistency checks over a loaded [`Spec`](crate::Spec).
//!
//! PLACEHOLDER: being written (see the spec helper's task); returns no problems yet.

use crate::Spec;
use std::fmt;

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
pub fn validate(_spec: &Spec) -> Vec<Problem> {
    Vec::new()
}
