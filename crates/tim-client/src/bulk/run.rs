//! The worker side of a job: [`Job`] sends batches taken from the queue with the shared
//! client, splits batches rejected because of one item to isolate it, hands results to the
//! sink and accounts for every entry ([`Shared`]).

use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use super::ProgressFn;
use super::ops::Op;
use super::plan::Entry;
use super::report::{BulkProgress, Failure, ItemError};
use crate::client::Client;
use crate::endpoint::Request;
use crate::error::Error;
use crate::generated::errors::ErrorCode;

/// An item split in several parts, some of which are not finished yet.
pub(super) struct Pending {
    pub(super) remaining: usize,
    pub(super) account: String,
    pub(super) error: Option<ItemError>,
}

/// Counters and failures of a job, behind one lock (taken once per batch and per item).
#[derive(Default)]
pub(super) struct Shared {
    pub(super) progress: BulkProgress,
    pub(super) failed: Vec<Failure>,
    pub(super) pending: HashMap<u64, Pending>,
}

pub(super) struct Job<'a, O: Op, S> {
    pub(super) client: &'a Client,
    pub(super) isolate: bool,
    pub(super) progress: Option<&'a ProgressFn<'a>>,
    pub(super) sink: Mutex<S>,
    pub(super) shared: Mutex<Shared>,
    pub(super) op: PhantomData<fn() -> O>,
}

pub(super) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
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
    pub(super) fn work(&self, rx: &Mutex<Receiver<Vec<Entry<O::Part>>>>) {
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

    pub(super) fn fail_now(&self, account: &str, error: ItemError) {
        let mut shared = lock(&self.shared);
        shared.progress.failed += 1;
        shared.failed.push(Failure {
            account: account.to_owned(),
            error,
        });
    }
}
