//! Bulk operations: one per-account endpoint applied to any number of accounts, streamed in
//! batches ([`Bulk`], [`BulkReport`], [`BulkProgress`], [`Failure`], [`ItemError`]).
//!
//! Every batch endpoint of the spec (one whose request lists accounts: its `batch` metadata)
//! has a bulk form, generated from that metadata and reached per service like the client's
//! methods: `Bulk::new(&client).all_member_push().add_tag(items)`. The item is the batch
//! field's item (an account, or a struct naming one); endpoints whose response lists
//! per-account results (`im_get_tag`, `im_get_attr`) hand each result to a sink.
//!
//! # How a job runs
//!
//! The calling thread reads the input iterator one item at a time, checks each item on its own
//! (an empty account, a tag over 50 bytes... fail that item alone, with the
//! [`ValidationError`](crate::ValidationError) naming the field, before any batching), and
//! packs the valid ones into batches of at most the endpoint's batch limit
//! (`Endpoint.batch.max_items`, 100, or the smaller [`Bulk::batch_size`]). Batches go through a
//! bounded channel ([`Bulk::queue_batches`]) to [`Bulk::workers`] threads that send them with
//! the shared [`Client`]: its per-endpoint rate limiter is shared by all workers, so the job as
//! a whole stays within the documented 100 calls/s, and its retry policy applies to each call.
//! So the memory a job holds does not grow with the number of accounts: a few batches are in
//! flight, results of the get operations go to a caller-supplied sink as they arrive, and only
//! the failures are kept.
//!
//! Where the spec says an item may be split (`batch.split`: `im_add_tag` takes at most 10 tags
//! per account per request, and an account may hold 100), an item with more entries is split
//! into parts sent in separate requests; the item succeeds when all its parts do.
//!
//! # Accounting
//!
//! The [`BulkReport`] accounts for every input item exactly once:
//! `succeeded + failed.len() + duplicates == input`. A batch that fails (after the client's
//! retries) fails each of its items with the same error ([`ItemError::Call`], an
//! `Arc<Error>`). When the service rejects a batch with a code the spec's error table marks
//! as about one item ([`ErrorScope::Item`](crate::ErrorScope::Item): a tag too long, too many
//! tags, an unknown attribute...), the offending items are isolated so one bad item does not
//! fail its neighbours ([`Bulk::isolate_failures`], on by default): when every item carries
//! the same payload apart from its account, the first and last items are sent alone and, if
//! both are refused the same way, the payload is taken as the cause and all such items fail
//! (later batches skip the call for that payload); otherwise the batch is split in halves
//! until the offending items are alone.
//! Retries made by the client are counted in [`BulkReport::retries`].
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
//! use tim_client::all_member_push::UserTagsToAdd;
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
//! let items = (0..250).map(|i| {
//!     let account = if i == 7 { String::new() } else { format!("user{i}") };
//!     UserTagsToAdd::new(account, ["beta"])
//! });
//! let report = Bulk::new(&client)
//!     .workers(2)
//!     .on_progress(|p| eprintln!("{} batches, {} ok, {} failed", p.batches_done, p.succeeded, p.failed))
//!     .all_member_push()
//!     .add_tag(items)?;
//! assert_eq!((report.succeeded, report.failed.len()), (249, 1));
//! assert_eq!(report.accounted(), 250);
//! assert_eq!(
//!     report.failed[0].error.to_string(),
//!     "invalid item, not sent: To_Account: must be non-empty, got \"\" (0 bytes)"
//! );
//!
//! // Results of get operations stream to a sink.
//! let mut beta = 0;
//! Bulk::new(&client).all_member_push().get_tag((0..250).map(|i| format!("user{i}")), |user| {
//!     beta += user.tags.iter().filter(|t| *t == "beta").count();
//! })?;
//! assert_eq!(beta, 249);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

// This module holds the public API; the job's parts live in `ops` (what differs per
// operation), `plan` (the input side: checks, dedup, batching), `run` (the workers) and
// `report` (the outcome types, re-exported here).
mod ops;
mod plan;
mod report;
mod run;

use std::collections::HashSet;
use std::fmt;
use std::sync::mpsc::sync_channel;
use std::sync::{Mutex, PoisonError};

use crate::batch::BatchRequest;
use crate::client::Client;
use crate::endpoint::Endpoint;

use ops::BatchOp;
use plan::{Entry, Producer};
pub use report::{BulkProgress, BulkReport, Failure, ItemError};
use run::{Job, Shared};

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

    /// Runs the batch endpoint of `template` over `items` (what the generated per-service
    /// bulk methods call): `template` holds the request's other fields, its batch field is
    /// replaced by each batch.
    pub(crate) fn run_batch<R: BatchRequest, S: FnMut(R::Result) + Send>(
        &self,
        template: R,
        items: impl Iterator<Item = R::Item>,
        sink: S,
    ) -> Result<BulkReport, BulkConfigError> {
        let endpoint = R::ENDPOINT;
        let (batch_size, queue) = self.settings(endpoint)?;
        let field = endpoint.batch.map_or("", |b| b.field);
        let job = Job::<R, S> {
            client: &self.client,
            isolate: self.isolate,
            progress: self.progress.as_deref(),
            sink: Mutex::new(sink),
            shared: Mutex::new(Shared::default()),
            op: BatchOp { template, field },
        };
        let (tx, rx) = sync_channel::<Vec<Entry<R::Item>>>(queue);
        let rx = Mutex::new(rx);
        std::thread::scope(|scope| {
            for _ in 0..self.workers {
                scope.spawn(|| job.work(&rx));
            }
            let mut producer = Producer::<R> {
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
