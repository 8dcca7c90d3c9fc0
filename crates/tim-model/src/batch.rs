//! What a bulk job needs to know about a batch endpoint, implemented for each batch
//! endpoint's request type by the generated service modules from the spec's `batch`
//! metadata: the item type, the account inside an item, how a request is rebuilt around a
//! batch of items, how an item too big for one request is split, and where the response
//! lists per-account results.

use serde::Serialize;

use crate::endpoint::Request;

/// How an item whose array field exceeds the per-request limit is sent in several parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Split {
    /// JSON name of the array field inside each item (`Tags`).
    pub field: &'static str,
    /// Entries of that field per request (its own `max_items` limit).
    pub per_request: usize,
    /// Entries one account may hold in total.
    pub max_items: u64,
    /// The code the service answers past `max_items`.
    pub error: Option<i64>,
}

/// A batch endpoint's request type: one top-level array of per-account items.
pub trait BatchRequest: Request {
    /// One item of the batch field (an account, or a struct naming one).
    type Item: Serialize + Clone + Send + Sync;
    /// One per-account result of the response (`()` when the response has none).
    type Result: Send;
    /// JSON name of the account field inside an item; `None` when items are accounts.
    const ACCOUNT_FIELD: Option<&'static str>;
    /// How an oversized item is split, when the spec says.
    const SPLIT: Option<Split> = None;

    /// The account an item is about.
    fn item_account(item: &Self::Item) -> &str;

    /// This request with its batch field replaced by `items` (the other fields kept).
    fn with_items(&self, items: Vec<Self::Item>) -> Self;

    /// The per-account results of a successful response; `None` when the endpoint has none
    /// (every account of the batch succeeded).
    fn into_results(response: Self::Response) -> Option<Vec<Self::Result>>;

    /// The accounts a successful response says the call failed for, with their codes, when
    /// the spec names such a list (`ErrorList`); the accounts not listed succeeded.
    fn failures(response: &Self::Response) -> Vec<(String, i64)> {
        let _ = response;
        Vec::new()
    }

    /// The account a result is about.
    fn result_account(result: &Self::Result) -> &str;

    /// The values of a result's code ([`BatchRequest::result_code`]) that mean success: 0,
    /// unless the spec lists others (add_group_member's `Result`: 1, 2 or 3; 0 failed).
    const RESULT_SUCCESS: &'static [i64] = &[0];

    /// A result's own code and explanation when the spec names them (`ResultCode`,
    /// `ResultInfo`): a code outside [`BatchRequest::RESULT_SUCCESS`] means that account
    /// failed although the call succeeded.
    fn result_code(result: &Self::Result) -> Option<(i64, Option<&str>)> {
        let _ = result;
        None
    }

    /// Entries of the split field in `item` (0 without [`BatchRequest::SPLIT`]).
    fn split_len(item: &Self::Item) -> usize {
        let _ = item;
        0
    }

    /// The parts `item` is sent as: itself, unless [`BatchRequest::SPLIT`] says otherwise.
    fn split_item(item: Self::Item) -> Vec<Self::Item> {
        vec![item]
    }
}
