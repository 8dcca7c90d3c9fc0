//! Bulk operations: one per-account endpoint applied to any number of accounts, streamed in
//! batches ([`Bulk`], [`BulkReport`], [`BulkProgress`], [`Failure`], [`ItemError`]).
//!
//! Every endpoint of the family that takes a list of accounts has a bulk form:
//!
//! | bulk method | endpoint | input item | per-account result |
//! |---|---|---|---|
//! | [`Bulk::get_tags`] | `im_get_tag` | account | [`UserTags`] to the sink |
//! | [`Bulk::add_tags`] | `im_add_tag` | [`UserTagsToAdd`] (any number of tags, ≤ 100) | success |
//! | [`Bulk::remove_tags`] | `im_remove_tag` | [`UserTags`] | success |
//! | [`Bulk::remove_all_tags`] | `im_remove_all_tags` | account | success |
//! | [`Bulk::get_attrs`] | `im_get_attr` | account | [`UserAttrs`] to the sink |
//! | [`Bulk::set_attrs`] | `im_set_attr` | [`UserAttrs`] | success |
//! | [`Bulk::remove_attrs`] | `im_remove_attr` | [`UserAttrNames`] | success |
//!
//! # How a job runs
//!
//! The calling thread reads the input iterator one item at a time, checks each item on its
//! own (an empty account, a tag over 50 bytes... fail that item alone, with the
//! [`ValidationError`] naming the field, before any batching), and packs the valid ones into
//! batches of at most the endpoint's batch limit (`Endpoint.batch.max_items`, 100, or the
//! smaller [`Bulk::batch_size`]). Batches go through a bounded channel
//! ([`Bulk::queue_batches`]) to [`Bulk::workers`] threads that send them with the shared
//! [`Client`]: its per-endpoint rate limiter is shared by all workers, so the job as a whole
//! stays within the documented 100 calls/s, and its retry policy applies to each call. So the
//! memory a job holds does not grow with the number of accounts: a few batches are in
//! flight, results of the get operations go to a caller-supplied sink as they arrive, and
//! only the failures are kept.
//!
//! `im_add_tag` takes at most 10 tags per account per request: an item with more (up to the
//! 100 tags an account may hold) is split into parts of 10 sent in separate requests; the
//! item succeeds when all its parts do.
//!
//! # Accounting
//!
//! The [`BulkReport`] accounts for every input item exactly once:
//! `succeeded + failed.len() + duplicates == input`. A batch that fails (after the client's
//! retries) fails each of its items with the same error ([`ItemError::Call`], an
//! `Arc<Error>`). When the service rejects a batch with a code that is about one item (a tag
//! too long, too many tags, an unknown attribute...), the batch is split in halves and
//! re-sent until the offending items are isolated, so one bad item does not fail its
//! neighbours ([`Bulk::isolate_failures`], on by default). Retries made by the client are
//! counted in [`BulkReport::retries`].
//!
//! # Duplicates
//!
//! - An item identical to one already in the batch being filled (same account, same
//!   payload) is dropped and counted in [`BulkReport::duplicates`]; for the get operations
//!   its result is delivered once.
//! - An item for an account already in that batch but with a different payload (e.g. other
//!   tags) starts a new batch, so a request never names an account twice.
//! - Repeats further apart are sent again and counted like any other item. That is safe:
//!   these endpoints are idempotent (getting twice reads twice; adding a tag the account
//!   has, removing one it lacks, or setting an attribute to its value changes nothing), and
//!   it keeps memory flat. [`Bulk::dedupe_across_batches`] drops every repeat instead, at the
//!   cost of remembering every distinct item of the job.
//! - With several workers, batches run concurrently: two different updates of the same
//!   account in different batches (e.g. setting one attribute to two values) may apply in
//!   either order. Use one worker when the order of such updates matters.
//!
//! # Example
//!
//! Against the local emulator (`tim-emulator`):
//!
//! ```
//! use tim_client::bulk::Bulk;
//! use tim_client::types::UserTagsToAdd;
//! use tim_client::{Client, SecretKey};
//! use tim_emulator::{Config, Emulator};
//!
//! let key = "0123456789abcdef0123456789abcdef";
//! let emulator = Emulator::start(Config::new(1_400_000_000, SecretKey::new(key)))?;
//! let client = Client::builder(1_400_000_000)
//!     .secret_key(SecretKey::new(key))
//!     .base_url(emulator.base_url())
//!     .allow_insecure_http(true)
//!     .build()?;
//!
//! // 250 accounts (3 calls), one of them invalid on its own.
//! let items = (0..250).map(|i| UserTagsToAdd {
//!     to_account: if i == 7 { String::new() } else { format!("user{i}") },
//!     tags: vec!["beta".into()],
//! });
//! let report = Bulk::new(&client)
//!     .workers(2)
//!     .on_progress(|p| eprintln!("{} batches, {} ok, {} failed", p.batches_done, p.succeeded, p.failed))
//!     .add_tags(items)?;
//! assert_eq!((report.succeeded, report.failed.len()), (249, 1));
//! assert_eq!(report.accounted(), 250);
//! assert_eq!(
//!     report.failed[0].error.to_string(),
//!     "invalid item, not sent: To_Account: must be non-empty, got \"\" (0 bytes)"
//! );
//!
//! // Results of get operations stream to a sink.
//! let mut beta = 0;
//! Bulk::new(&client).get_tags((0..250).map(|i| format!("user{i}")), |user| {
//!     beta += user.tags.iter().filter(|t| *t == "beta").count();
//! })?;
//! assert_eq!(beta, 249);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::marker::PhantomData;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde::Serialize;

use crate::client::Client;
use crate::endpoint::{Endpoint, Request};
use crate::error::Error;
use crate::generated::errors::ErrorCode;
use crate::generated::types::{
    AddTagRequest, GetAttrRequest, GetTagRequest, RemoveAllTagsRequest, RemoveAttrRequest,
    RemoveTagRequest, SetAttrRequest, UserAttrNames, UserAttrs, UserTags, UserTagsToAdd,
};
use crate::validate::{self, FieldPath, Validate, ValidationError};

/// Tags an account may hold (the service refuses adds beyond, with 90032).
pub const MAX_TAGS_PER_ACCOUNT: usize = 100;

/// Tags per account in one `im_add_tag` request (`UserTags[].Tags`, at most 10 items).
pub const ADD_TAGS_PER_REQUEST: usize = 10;

/// Most worker threads a job may use.
pub const MAX_WORKERS: usize = 64;

/// A setting of [`Bulk`] out of its range; the job did not start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid bulk setting {setting}: must be {limit}, got {value}")]
pub struct BulkConfigError {
    /// The setting, e.g. `batch_size`.
    pub setting: &'static str,
    /// The allowed range, in words.
    pub limit: String,
    /// The value given.
    pub value: String,
}

/// Why one input item failed.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum ItemError {
    /// The item broke a documented limit on its own; nothing was sent for it.
    Invalid(ValidationError),
    /// The call carrying the item failed (after the client's retries). Shared by every item
    /// of that call.
    Call(Arc<Error>),
    /// The call succeeded but its answer did not list the account (get operations).
    NotInResponse {
        /// Endpoint path.
        endpoint: &'static str,
    },
}

impl ItemError {
    /// The service's error code, when the call failed with one.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ItemError::Call(e) => e.code(),
            _ => None,
        }
    }

    /// The error of the failed call, for [`ItemError::Call`].
    pub fn call_error(&self) -> Option<&Error> {
        match self {
            ItemError::Call(e) => Some(e),
            _ => None,
        }
    }
}

impl fmt::Display for ItemError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ItemError::Invalid(e) => write!(f, "invalid item, not sent: {e}"),
            ItemError::Call(e) => fmt::Display::fmt(e, f),
            ItemError::NotInResponse { endpoint } => {
                write!(f, "{endpoint} succeeded but did not list the account")
            }
        }
    }
}

impl std::error::Error for ItemError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ItemError::Invalid(e) => Some(e),
            ItemError::Call(e) => Some(&**e),
            ItemError::NotInResponse { .. } => None,
        }
    }
}

/// One input item that failed.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The account of the item (as given, possibly empty when that is why it failed).
    pub account: String,
    /// Why it failed.
    pub error: ItemError,
}

/// Where a job stands, passed to the [`Bulk::on_progress`] callback after each batch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct BulkProgress {
    /// Items read from the input so far.
    pub input: u64,
    /// Batches finished (isolation re-sends included in their batch).
    pub batches_done: u64,
    /// Items that succeeded.
    pub succeeded: u64,
    /// Items that failed (invalid ones included).
    pub failed: u64,
    /// Items dropped as duplicates.
    pub duplicates: u64,
    /// Calls made.
    pub requests: u64,
    /// Retries made by the client inside those calls.
    pub retries: u64,
}

/// The outcome of a bulk job: every input item is counted exactly once, in `succeeded`,
/// `failed` or `duplicates`.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct BulkReport {
    /// Endpoint path of the job.
    pub endpoint: &'static str,
    /// Items read from the input.
    pub input: u64,
    /// Items that succeeded (for get operations: whose result went to the sink).
    pub succeeded: u64,
    /// Items that failed, with why, in no particular order.
    pub failed: Vec<Failure>,
    /// Items dropped as duplicates (see the module docs).
    pub duplicates: u64,
    /// Calls made (not counting the client's retries).
    pub requests: u64,
    /// Retries the client made inside those calls (from each call's
    /// [`CallTrace`](crate::CallTrace)).
    pub retries: u64,
    /// Batches sent.
    pub batches: u64,
}

impl BulkReport {
    /// `succeeded + failed + duplicates`: equals [`input`](Self::input).
    pub fn accounted(&self) -> u64 {
        self.succeeded + self.failed.len() as u64 + self.duplicates
    }

    /// Whether no item failed.
    pub fn is_success(&self) -> bool {
        self.failed.is_empty()
    }
}

type ProgressFn<'p> = dyn Fn(&BulkProgress) + Send + Sync + 'p;

/// Runs bulk operations with a [`Client`]; see the module docs.
///
/// Defaults: 1 worker, batches of the endpoint's limit (100), 2 queued batches per worker,
/// failures isolated, duplicates dropped within a batch only, no progress callback.
pub struct Bulk<'p> {
    client: Client,
    workers: usize,
    batch_size: Option<usize>,
    queue_batches: Option<usize>,
    isolate: bool,
    dedupe_all: bool,
    progress: Option<Box<ProgressFn<'p>>>,
}

impl fmt::Debug for Bulk<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Bulk")
            .field("client", &self.client)
            .field("workers", &self.workers)
            .field("batch_size", &self.batch_size)
            .field("queue_batches", &self.queue_batches)
            .field("isolate_failures", &self.isolate)
            .field("dedupe_across_batches", &self.dedupe_all)
            .field("on_progress", &self.progress.is_some())
            .finish()
    }
}

impl<'p> Bulk<'p> {
    /// Bulk operations through `client` (a clone is kept: it shares the rate limiters, the
    /// UserSig cache and the connections with `client`).
    pub fn new(client: &Client) -> Bulk<'p> {
        Bulk {
            client: client.clone(),
            workers: 1,
            batch_size: None,
            queue_batches: None,
            isolate: true,
            dedupe_all: false,
            progress: None,
        }
    }

    /// Worker threads sending batches concurrently (1 to [`MAX_WORKERS`], default 1). They
    /// share the client's rate limiter: more workers hide latency, they never exceed the
    /// endpoint's rate limit.
    pub fn workers(mut self, n: usize) -> Self {
        self.workers = n;
        self
    }

    /// Accounts per call (1 to the endpoint's limit, 100; default: the limit).
    pub fn batch_size(mut self, n: usize) -> Self {
        self.batch_size = Some(n);
        self
    }

    /// Capacity of the queue between the input reader and the workers, in batches (at
    /// least 1; default twice the number of workers).
    pub fn queue_batches(mut self, n: usize) -> Self {
        self.queue_batches = Some(n);
        self
    }

    /// Whether a batch rejected with a code about one item (tag too long, too many tags,
    /// attribute invalid...) is split and re-sent until the offending items are isolated
    /// (default `true`). Off: the whole batch fails with that error.
    pub fn isolate_failures(mut self, yes: bool) -> Self {
        self.isolate = yes;
        self
    }

    /// Drops every repeat of an item already seen in this job, not only repeats within a
    /// batch (default `false`). Remembers every distinct item, so memory grows with the
    /// input.
    pub fn dedupe_across_batches(mut self, yes: bool) -> Self {
        self.dedupe_all = yes;
        self
    }

    /// Called after each batch with where the job stands (from a worker thread).
    pub fn on_progress(mut self, f: impl Fn(&BulkProgress) + Send + Sync + 'p) -> Self {
        self.progress = Some(Box::new(f));
        self
    }

    /// Gets the tags of `accounts` (`im_get_tag`); each account's [`UserTags`] goes to
    /// `sink` (called from the worker threads, one call at a time).
    pub fn get_tags<I>(
        &self,
        accounts: I,
        sink: impl FnMut(UserTags) + Send,
    ) -> Result<BulkReport, BulkConfigError>
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.run::<GetTags, _>(accounts.into_iter().map(Into::into), sink)
    }

    /// Adds tags to accounts (`im_add_tag`). An item may hold up to
    /// [`MAX_TAGS_PER_ACCOUNT`] tags; more than [`ADD_TAGS_PER_REQUEST`] are sent in several
    /// requests.
    pub fn add_tags(
        &self,
        items: impl IntoIterator<Item = UserTagsToAdd>,
    ) -> Result<BulkReport, BulkConfigError> {
        self.run::<AddTags, _>(items.into_iter(), |()| {})
    }

    /// Removes tags from accounts (`im_remove_tag`).
    pub fn remove_tags(
        &self,
        items: impl IntoIterator<Item = UserTags>,
    ) -> Result<BulkReport, BulkConfigError> {
        self.run::<RemoveTags, _>(items.into_iter(), |()| {})
    }

    /// Removes every tag of `accounts` (`im_remove_all_tags`).
    pub fn remove_all_tags<I>(&self, accounts: I) -> Result<BulkReport, BulkConfigError>
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.run::<RemoveAllTags, _>(accounts.into_iter().map(Into::into), |()| {})
    }

    /// Gets the attributes of `accounts` (`im_get_attr`); each account's [`UserAttrs`] goes
    /// to `sink` (called from the worker threads, one call at a time).
    pub fn get_attrs<I>(
        &self,
        accounts: I,
        sink: impl FnMut(UserAttrs) + Send,
    ) -> Result<BulkReport, BulkConfigError>
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.run::<GetAttrs, _>(accounts.into_iter().map(Into::into), sink)
    }

    /// Sets attributes of accounts (`im_set_attr`).
    pub fn set_attrs(
        &self,
        items: impl IntoIterator<Item = UserAttrs>,
    ) -> Result<BulkReport, BulkConfigError> {
        self.run::<SetAttrs, _>(items.into_iter(), |()| {})
    }

    /// Removes attributes of accounts (`im_remove_attr`).
    pub fn remove_attrs(
        &self,
        items: impl IntoIterator<Item = UserAttrNames>,
    ) -> Result<BulkReport, BulkConfigError> {
        self.run::<RemoveAttrs, _>(items.into_iter(), |()| {})
    }

    /// Checks the settings against `endpoint`: (batch size, queue capacity).
    fn settings(&self, endpoint: &Endpoint) -> Result<(usize, usize), BulkConfigError> {
        let max = endpoint
            .batch
            .and_then(|b| b.max_items)
            .map_or(usize::MAX, |m| usize::try_from(m).unwrap_or(usize::MAX));
        if !(1..=MAX_WORKERS).contains(&self.workers) {
            return Err(BulkConfigError {
                setting: "workers",
                limit: format!("1 to {MAX_WORKERS}"),
                value: self.workers.to_string(),
            });
        }
        let batch = self.batch_size.unwrap_or(max);
        if !(1..=max).contains(&batch) {
            return Err(BulkConfigError {
                setting: "batch_size",
                limit: format!("1 to {max} (the batch limit of {})", endpoint.path),
                value: batch.to_string(),
            });
        }
        let queue = self.queue_batches.unwrap_or(2 * self.workers);
        if queue == 0 {
            return Err(BulkConfigError {
                setting: "queue_batches",
                limit: "at least 1".to_owned(),
                value: "0".to_owned(),
            });
        }
        Ok((batch, queue))
    }

    fn run<O: Op, S: FnMut(O::Out) + Send>(
        &self,
        items: impl Iterator<Item = O::Item>,
        sink: S,
    ) -> Result<BulkReport, BulkConfigError> {
        let endpoint = O::Request::ENDPOINT;
        let (batch_size, queue) = self.settings(endpoint)?;
        let job = Job::<O, S> {
            client: &self.client,
            isolate: self.isolate,
            progress: self.progress.as_deref(),
            sink: Mutex::new(sink),
            shared: Mutex::new(Shared::default()),
            op: PhantomData,
        };
        let (tx, rx) = sync_channel::<Vec<Entry<O::Part>>>(queue);
        let rx = Mutex::new(rx);
        std::thread::scope(|scope| {
            for _ in 0..self.workers {
                scope.spawn(|| job.work(&rx));
            }
            let mut producer = Producer::<O> {
                tx,
                batch_size,
                lanes: Vec::new(),
                seen: self.dedupe_all.then(HashSet::new),
                next_id: 0,
            };
            for item in items {
                if !producer.add(&job, item) {
                    break;
                }
            }
            producer.finish();
        });
        let shared = job
            .shared
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        Ok(BulkReport {
            endpoint: endpoint.path,
            input: shared.progress.input,
            succeeded: shared.progress.succeeded,
            failed: shared.failed,
            duplicates: shared.progress.duplicates,
            requests: shared.progress.requests,
            retries: shared.progress.retries,
            batches: shared.progress.batches_done,
        })
    }
}

/// What differs between the bulk operations.
trait Op {
    /// One input item.
    type Item: Serialize;
    /// One account's entry in a request (an item may need several, in several requests).
    type Part: Clone + Send;
    /// The request of the endpoint.
    type Request: Request;
    /// What a get operation hands to the sink per account (`()` for writes).
    type Out: Send;

    fn account(item: &Self::Item) -> &str;
    fn part_account(part: &Self::Part) -> &str;
    /// Checks the item on its own.
    fn check(item: &Self::Item) -> Result<(), ValidationError>;
    /// Splits a valid item into the parts to send (at least one).
    fn split(item: Self::Item) -> Vec<Self::Part>;
    fn request(parts: Vec<Self::Part>) -> Self::Request;
    /// The per-account results of a successful call; `None` for writes (every account
    /// succeeded).
    fn outputs(response: <Self::Request as Request>::Response) -> Option<Vec<(String, Self::Out)>>;
}

/// Checks a plain account with the spec's limits of the request's account list.
fn check_account<R: Validate>(
    account: &str,
    wrap: impl FnOnce(Vec<String>) -> R,
) -> Result<(), ValidationError> {
    wrap(vec![account.to_owned()]).validate()
}

struct GetTags;
impl Op for GetTags {
    type Item = String;
    type Part = String;
    type Request = GetTagRequest;
    type Out = UserTags;
    fn account(item: &String) -> &str {
        item
    }
    fn part_account(part: &String) -> &str {
        part
    }
    fn check(item: &String) -> Result<(), ValidationError> {
        check_account(item, |to_account| GetTagRequest { to_account })
    }
    fn split(item: String) -> Vec<String> {
        vec![item]
    }
    fn request(parts: Vec<String>) -> GetTagRequest {
        GetTagRequest { to_account: parts }
    }
    fn outputs(response: crate::types::GetTagResponse) -> Option<Vec<(String, UserTags)>> {
        Some(
            response
                .user_tags
                .unwrap_or_default()
                .into_iter()
                .map(|u| (u.to_account.clone(), u))
                .collect(),
        )
    }
}

struct AddTags;
impl Op for AddTags {
    type Item = UserTagsToAdd;
    type Part = UserTagsToAdd;
    type Request = AddTagRequest;
    type Out = ();
    fn account(item: &UserTagsToAdd) -> &str {
        &item.to_account
    }
    fn part_account(part: &UserTagsToAdd) -> &str {
        &part.to_account
    }
    fn check(item: &UserTagsToAdd) -> Result<(), ValidationError> {
        let tags = FieldPath::Root.field("Tags");
        validate::max_items(
            &tags,
            item.tags.len(),
            MAX_TAGS_PER_ACCOUNT as u64,
            Some(90032),
        )?;
        // Each part must pass the request's own limits (10 tags, 1..=50 bytes each...).
        for (n, chunk) in item.tags.chunks(ADD_TAGS_PER_REQUEST).enumerate() {
            let part = UserTagsToAdd {
                to_account: item.to_account.clone(),
                tags: chunk.to_vec(),
            };
            part.validate().map_err(|mut e| {
                // Point at the tag's index in the item, not in the part.
                if let Some(rest) = e.field.strip_prefix("Tags[")
                    && let Some((i, tail)) = rest.split_once(']')
                    && let Ok(i) = i.parse::<usize>()
                {
                    e.field = format!("Tags[{}]{tail}", n * ADD_TAGS_PER_REQUEST + i);
                }
                e
            })?;
        }
        if item.tags.is_empty() {
            return validate::min_items(&tags, 0, 1, None);
        }
        Ok(())
    }
    fn split(item: UserTagsToAdd) -> Vec<UserTagsToAdd> {
        item.tags
            .chunks(ADD_TAGS_PER_REQUEST)
            .map(|chunk| UserTagsToAdd {
                to_account: item.to_account.clone(),
                tags: chunk.to_vec(),
            })
            .collect()
    }
    fn request(parts: Vec<UserTagsToAdd>) -> AddTagRequest {
        AddTagRequest { user_tags: parts }
    }
    fn outputs(_: crate::types::AddTagResponse) -> Option<Vec<(String, ())>> {
        None
    }
}

struct RemoveTags;
impl Op for RemoveTags {
    type Item = UserTags;
    type Part = UserTags;
    type Request = RemoveTagRequest;
    type Out = ();
    fn account(item: &UserTags) -> &str {
        &item.to_account
    }
    fn part_account(part: &UserTags) -> &str {
        &part.to_account
    }
    fn check(item: &UserTags) -> Result<(), ValidationError> {
        item.validate()
    }
    fn split(item: UserTags) -> Vec<UserTags> {
        vec![item]
    }
    fn request(parts: Vec<UserTags>) -> RemoveTagRequest {
        RemoveTagRequest { user_tags: parts }
    }
    fn outputs(_: crate::types::RemoveTagResponse) -> Option<Vec<(String, ())>> {
        None
    }
}

struct RemoveAllTags;
impl Op for RemoveAllTags {
    type Item = String;
    type Part = String;
    type Request = RemoveAllTagsRequest;
    type Out = ();
    fn account(item: &String) -> &str {
        item
    }
    fn part_account(part: &String) -> &str {
        part
    }
    fn check(item: &String) -> Result<(), ValidationError> {
        check_account(item, |to_account| RemoveAllTagsRequest { to_account })
    }
    fn split(item: String) -> Vec<String> {
        vec![item]
    }
    fn request(parts: Vec<String>) -> RemoveAllTagsRequest {
        RemoveAllTagsRequest { to_account: parts }
    }
    fn outputs(_: crate::types::RemoveAllTagsResponse) -> Option<Vec<(String, ())>> {
        None
    }
}

struct GetAttrs;
impl Op for GetAttrs {
    type Item = String;
    type Part = String;
    type Request = GetAttrRequest;
    type Out = UserAttrs;
    fn account(item: &String) -> &str {
        item
    }
    fn part_account(part: &String) -> &str {
        part
    }
    fn check(item: &String) -> Result<(), ValidationError> {
        check_account(item, |to_account| GetAttrRequest { to_account })
    }
    fn split(item: String) -> Vec<String> {
        vec![item]
    }
    fn request(parts: Vec<String>) -> GetAttrRequest {
        GetAttrRequest { to_account: parts }
    }
    fn outputs(response: crate::types::GetAttrResponse) -> Option<Vec<(String, UserAttrs)>> {
        Some(
            response
                .user_attrs
                .unwrap_or_default()
                .into_iter()
                .map(|u| (u.to_account.clone(), u))
                .collect(),
        )
    }
}

struct SetAttrs;
impl Op for SetAttrs {
    type Item = UserAttrs;
    type Part = UserAttrs;
    type Request = SetAttrRequest;
    type Out = ();
    fn account(item: &UserAttrs) -> &str {
        &item.to_account
    }
    fn part_account(part: &UserAttrs) -> &str {
        &part.to_account
    }
    fn check(item: &UserAttrs) -> Result<(), ValidationError> {
        item.validate()
    }
    fn split(item: UserAttrs) -> Vec<UserAttrs> {
        vec![item]
    }
    fn request(parts: Vec<UserAttrs>) -> SetAttrRequest {
        SetAttrRequest { user_attrs: parts }
    }
    fn outputs(_: crate::types::SetAttrResponse) -> Option<Vec<(String, ())>> {
        None
    }
}

struct RemoveAttrs;
impl Op for RemoveAttrs {
    type Item = UserAttrNames;
    type Part = UserAttrNames;
    type Request = RemoveAttrRequest;
    type Out = ();
    fn account(item: &UserAttrNames) -> &str {
        &item.to_account
    }
    fn part_account(part: &UserAttrNames) -> &str {
        &part.to_account
    }
    fn check(item: &UserAttrNames) -> Result<(), ValidationError> {
        item.validate()
    }
    fn split(item: UserAttrNames) -> Vec<UserAttrNames> {
        vec![item]
    }
    fn request(parts: Vec<UserAttrNames>) -> RemoveAttrRequest {
        RemoveAttrRequest { user_attrs: parts }
    }
    fn outputs(_: crate::types::RemoveAttrResponse) -> Option<Vec<(String, ())>> {
        None
    }
}

/// One account's part in a batch.
#[derive(Clone)]
struct Entry<P> {
    /// The input item it comes from.
    id: u64,
    /// How many parts that item has.
    parts: usize,
    part: P,
}

/// An item split in several parts, some of which are not finished yet.
struct Pending {
    remaining: usize,
    account: String,
    error: Option<ItemError>,
}

/// Counters and failures of a job, behind one lock (taken once per batch and per item).
#[derive(Default)]
struct Shared {
    progress: BulkProgress,
    failed: Vec<Failure>,
    pending: HashMap<u64, Pending>,
}

struct Job<'a, O: Op, S> {
    client: &'a Client,
    isolate: bool,
    progress: Option<&'a ProgressFn<'a>>,
    sink: Mutex<S>,
    shared: Mutex<Shared>,
    op: PhantomData<fn() -> O>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Codes that reject a batch because of one of its items, not the whole call.
fn about_one_item(err: &Error) -> bool {
    matches!(
        err.code(),
        Some(
            ErrorCode::TagTooLong
                | ErrorCode::TagLengthExceeded
                | ErrorCode::TooManyTags
                | ErrorCode::InvalidAttr
                | ErrorCode::InvalidAttrLength
                | ErrorCode::EmptyTag
        )
    )
}

impl<O: Op, S: FnMut(O::Out) + Send> Job<'_, O, S> {
    fn work(&self, rx: &Mutex<Receiver<Vec<Entry<O::Part>>>>) {
        loop {
            // The lock is held only while waiting for the next batch.
            let next = lock(rx).recv();
            let Ok(batch) = next else { return };
            self.send(batch);
            let snapshot = {
                let mut shared = lock(&self.shared);
                shared.progress.batches_done += 1;
                shared.progress.clone()
            };
            if let Some(progress) = self.progress {
                progress(&snapshot);
            }
        }
    }

    /// Sends one batch (splitting it to isolate item-specific rejections) and records the
    /// outcome of each of its entries.
    fn send(&self, batch: Vec<Entry<O::Part>>) {
        let request = O::request(batch.iter().map(|e| e.part.clone()).collect());
        let (result, trace) = self.client.send_traced(&request);
        {
            let mut shared = lock(&self.shared);
            shared.progress.requests += 1;
            shared.progress.retries += trace.retries() as u64;
        }
        match result {
            Ok(response) => match O::outputs(response) {
                None => {
                    for entry in batch {
                        self.finish(entry, None);
                    }
                }
                Some(outputs) => {
                    let mut by_account: HashMap<String, O::Out> = outputs.into_iter().collect();
                    for entry in batch {
                        match by_account.remove(O::part_account(&entry.part)) {
                            Some(out) => {
                                (lock(&self.sink))(out);
                                self.finish(entry, None);
                            }
                            None => self.finish(
                                entry,
                                Some(ItemError::NotInResponse {
                                    endpoint: O::Request::ENDPOINT.path,
                                }),
                            ),
                        }
                    }
                }
            },
            Err(err) if self.isolate && batch.len() > 1 && about_one_item(&err) => {
                log::debug!(
                    "{}: batch of {} rejected with {}; splitting it to isolate the item",
                    O::Request::ENDPOINT.path,
                    batch.len(),
                    err.code().map_or(0, |c| c.code())
                );
                let mut left = batch;
                let right = left.split_off(left.len() / 2);
                self.send(left);
                self.send(right);
            }
            Err(err) => {
                let err = ItemError::Call(Arc::new(err));
                for entry in batch {
                    self.finish(entry, Some(err.clone()));
                }
            }
        }
    }

    /// Records the outcome of one entry; the item is counted when its last part finishes.
    fn finish(&self, entry: Entry<O::Part>, error: Option<ItemError>) {
        let mut shared = lock(&self.shared);
        if entry.parts == 1 {
            match error {
                None => shared.progress.succeeded += 1,
                Some(error) => {
                    shared.progress.failed += 1;
                    shared.failed.push(Failure {
                        account: O::part_account(&entry.part).to_owned(),
                        error,
                    });
                }
            }
            return;
        }
        let Some(pending) = shared.pending.get_mut(&entry.id) else {
            return;
        };
        pending.remaining -= 1;
        if pending.error.is_none() {
            pending.error = error;
        }
        if pending.remaining == 0
            && let Some(done) = shared.pending.remove(&entry.id)
        {
            match done.error {
                None => shared.progress.succeeded += 1,
                Some(error) => {
                    shared.progress.failed += 1;
                    shared.failed.push(Failure {
                        account: done.account,
                        error,
                    });
                }
            }
        }
    }

    fn fail_now(&self, account: &str, error: ItemError) {
        let mut shared = lock(&self.shared);
        shared.progress.failed += 1;
        shared.failed.push(Failure {
            account: account.to_owned(),
            error,
        });
    }
}

/// The batch being filled for one part index ("lane"): part `j` of every item goes to lane
/// `j`, so an account appears at most once per request.
struct Lane<P> {
    entries: Vec<Entry<P>>,
    /// Account -> dedupe key of the item whose part is in `entries`.
    accounts: HashMap<String, String>,
}

/// Reads the input on the calling thread and feeds the workers.
struct Producer<O: Op> {
    tx: SyncSender<Vec<Entry<O::Part>>>,
    batch_size: usize,
    lanes: Vec<Lane<O::Part>>,
    seen: Option<HashSet<String>>,
    next_id: u64,
}

impl<O: Op> Producer<O> {
    /// Takes one input item; `false` when the workers are gone.
    fn add<S: FnMut(O::Out) + Send>(&mut self, job: &Job<'_, O, S>, item: O::Item) -> bool {
        lock(&job.shared).progress.input += 1;
        if let Err(e) = O::check(&item) {
            job.fail_now(O::account(&item), ItemError::Invalid(e));
            return true;
        }
        let key = serde_json::to_string(&item).unwrap_or_default();
        let duplicate = match &mut self.seen {
            Some(seen) => !seen.insert(key.clone()),
            None => self
                .lanes
                .first()
                .and_then(|lane| lane.accounts.get(O::account(&item)))
                .is_some_and(|k| *k == key),
        };
        if duplicate {
            lock(&job.shared).progress.duplicates += 1;
            return true;
        }
        let account = O::account(&item).to_owned();
        let parts = O::split(item);
        let id = self.next_id;
        self.next_id += 1;
        if parts.len() > 1 {
            lock(&job.shared).pending.insert(
                id,
                Pending {
                    remaining: parts.len(),
                    account: account.clone(),
                    error: None,
                },
            );
        }
        let n = parts.len();
        for (j, part) in parts.into_iter().enumerate() {
            if self.lanes.len() <= j {
                self.lanes.push(Lane {
                    entries: Vec::new(),
                    accounts: HashMap::new(),
                });
            }
            if self.lanes[j].accounts.contains_key(&account) && !self.flush(j) {
                return false;
            }
            let lane = &mut self.lanes[j];
            lane.entries.push(Entry { id, parts: n, part });
            lane.accounts.insert(account.clone(), key.clone());
            if lane.entries.len() >= self.batch_size && !self.flush(j) {
                return false;
            }
        }
        true
    }

    /// Sends lane `j`'s batch; `false` when the workers are gone.
    fn flush(&mut self, j: usize) -> bool {
        let lane = &mut self.lanes[j];
        if lane.entries.is_empty() {
            return true;
        }
        lane.accounts.clear();
        let batch = std::mem::take(&mut lane.entries);
        self.tx.send(batch).is_ok()
    }

    /// Sends what is left and closes the queue.
    fn finish(mut self) {
        for j in 0..self.lanes.len() {
            if !self.flush(j) {
                break;
            }
        }
    }
}
