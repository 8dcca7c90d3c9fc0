//! What differs between bulk jobs, read from the endpoint's generated
//! [`BatchRequest`](crate::BatchRequest) impl (the spec's `batch` metadata): [`BatchOp`]
//! checks an item on its own, splits an oversized one, builds the request around a batch of
//! items from the caller's template and reads the per-account results.

use crate::batch::BatchRequest;
use crate::validate::{self, FieldPath, ValidationError};

/// A batch endpoint's job: the request template whose batch field each batch replaces.
pub(super) struct BatchOp<R: BatchRequest> {
    pub(super) template: R,
    /// JSON name of the batch field (`UserTags`), for error paths.
    pub(super) field: &'static str,
}

impl<R: BatchRequest> BatchOp<R> {
    pub(super) fn account(item: &R::Item) -> &str {
        R::item_account(item)
    }

    /// Checks one item with the request's own limits (as the only item of a request built
    /// from the template), part by part when it is split; the error's path is relative to
    /// the item (`Tags[13]`, not `UserTags[0].Tags[3]`).
    pub(super) fn check(&self, item: &R::Item) -> Result<(), ValidationError> {
        if let Some(split) = R::SPLIT {
            let len = R::split_len(item);
            validate::max_items(
                &FieldPath::Root.field(split.field),
                len,
                split.max_items,
                split.error,
            )?;
        }
        let parts = R::split_item(item.clone());
        for (n, part) in parts.into_iter().enumerate() {
            self.template
                .with_items(vec![part])
                .validate()
                .map_err(|e| self.relocate(e, n))?;
        }
        Ok(())
    }

    /// `UserTags[0].Tags[3]` of part `n` → `Tags[{n * per_request + 3}]`;
    /// `To_Account[0]` → `To_Account`.
    fn relocate(&self, mut e: ValidationError, n: usize) -> ValidationError {
        let prefix = format!("{}[0]", self.field);
        if let Some(rest) = e.field.strip_prefix(&prefix) {
            e.field = match rest.strip_prefix('.') {
                Some(inner) => inner.to_owned(),
                None if rest.is_empty() => self.field.to_owned(),
                None => e.field.clone(),
            };
        }
        if let Some(split) = R::SPLIT
            && n > 0
            && let Some(rest) = e.field.strip_prefix(&format!("{}[", split.field))
            && let Some((i, tail)) = rest.split_once(']')
            && let Ok(i) = i.parse::<usize>()
        {
            e.field = format!("{}[{}]{tail}", split.field, n * split.per_request + i);
        }
        e
    }

    pub(super) fn split(item: R::Item) -> Vec<R::Item> {
        R::split_item(item)
    }

    pub(super) fn request(&self, parts: Vec<R::Item>) -> R {
        self.template.with_items(parts)
    }
}
