//! The worker side of a job: [`Job`] sends batches taken from the queue with the shared
//! client, isolates the items of batches rejected because of one item, hands results to the
//! sink and accounts for every entry ([`Shared`]).
//!
//! Isolation without multiplying calls: when a batch is refused with a code about one item
//! ([`ErrorScope::Item`]) and all its items carry the same payload apart from their account
//! (the same attributes, the same tags), its first and last items are sent alone. If both
//! are refused with the same code, the payload is taken as the cause: every item of the
//! batch fails with that error, and items with that payload in later batches fail without a
//! call (the refusal is remembered per payload for the rest of the job). If one is accepted,
//! the payload is fine (remembered too) and the batch is split in halves until the offending
//! accounts are isolated, as for batches of different payloads. So 1,000 accounts given one
//! unregistered attribute cost three calls, not two thousand; one account over its tag cap
//! among others adding the same tag is still isolated.

use std::collections::HashMap;
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use super::ProgressFn;
use super::ops::BatchOp;
use super::plan::Entry;
use super::report::{BulkProgress, Failure, ItemError};
use crate::ErrorScope;
use crate::batch::BatchRequest;
use crate::client::Client;
use crate::error::Error;

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
    /// Payloads (an item without its account) the service refused with an item-level code.
    pub(super) refused_payloads: HashMap<String, ItemError>,
    /// Payloads that were accepted alone: a refusal of items carrying them is about accounts.
    pub(super) cleared_payloads: std::collections::HashSet<String>,
}

pub(super) struct Job<'a, R: BatchRequest, S> {
    pub(super) client: &'a Client,
    pub(super) isolate: bool,
    pub(super) progress: Option<&'a ProgressFn<'a>>,
    pub(super) sink: Mutex<S>,
    pub(super) shared: Mutex<Shared>,
    pub(super) op: BatchOp<R>,
}

pub(super) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Whether the service refused the call because of one of its items, not the whole call
/// (the code's scope in the spec's error table).
fn about_one_item(err: &Error) -> bool {
    err.code().is_some_and(|c| c.scope() == ErrorScope::Item)
}

impl<R: BatchRequest, S: FnMut(R::Result) + Send> Job<'_, R, S> {
    pub(super) fn work(&self, rx: &Mutex<Receiver<Vec<Entry<R::Item>>>>) {
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

    /// The item's payload without its account, for items that are structs naming one.
    fn payload(part: &R::Item) -> Option<String> {
        let account = R::ACCOUNT_FIELD?;
        let mut value = serde_json::to_value(part).ok()?;
        value.as_object_mut()?.remove(account);
        serde_json::to_string(&value).ok()
    }

    /// One call with `parts`; counts it.
    fn call(&self, parts: Vec<R::Item>) -> Result<R::Response, Error> {
        let request = self.op.request(parts);
        let (result, trace) = self.client.send_traced(&request);
        let mut shared = lock(&self.shared);
        shared.progress.requests += 1;
        shared.progress.retries += trace.retries() as u64;
        result
    }

    /// Sends one batch (isolating item-specific rejections) and records the outcome of each
    /// of its entries.
    fn send(&self, batch: Vec<Entry<R::Item>>) {
        let batch = self.skip_refused(batch);
        if batch.is_empty() {
            return;
        }
        let result = self.call(batch.iter().map(|e| e.part.clone()).collect());
        match result {
            Err(err) if self.isolate && batch.len() > 1 && about_one_item(&err) => {
                log::debug!(
                    "{}: batch of {} refused with {}; isolating the item",
                    R::ENDPOINT.path,
                    batch.len(),
                    err.code().map_or(0, |c| c.code())
                );
                self.isolate_items(batch, &err);
            }
            other => self.deliver(batch, other),
        }
    }

    /// Fails, without a call, the entries whose payload the service already refused.
    fn skip_refused(&self, batch: Vec<Entry<R::Item>>) -> Vec<Entry<R::Item>> {
        if R::ACCOUNT_FIELD.is_none() || lock(&self.shared).refused_payloads.is_empty() {
            return batch;
        }
        let mut keep = Vec::with_capacity(batch.len());
        for entry in batch {
            let known = Self::payload(&entry.part)
                .and_then(|p| lock(&self.shared).refused_payloads.get(&p).cloned());
            match known {
                Some(error) => self.finish(entry, Some(error)),
                None => keep.push(entry),
            }
        }
        keep
    }

    fn isolate_items(&self, mut batch: Vec<Entry<R::Item>>, err: &Error) {
        let payloads: Option<Vec<String>> = batch.iter().map(|e| Self::payload(&e.part)).collect();
        let shared_payload = payloads
            .filter(|p| p.windows(2).all(|w| w[0] == w[1]))
            .and_then(|p| p.into_iter().next())
            .filter(|p| !lock(&self.shared).cleared_payloads.contains(p));
        let Some(payload) = shared_payload else {
            let right = batch.split_off(batch.len() / 2);
            self.send(batch);
            self.send(right);
            return;
        };
        // Every item carries the same payload: send the first and the last alone. Both refused
        // the same way: the payload is the cause, for every item that carries it. One of them
        // accepted: the payload is fine, so the cause is in some accounts; split in halves.
        let mut last = Some(batch.split_off(batch.len() - 1));
        let first: Vec<_> = batch.drain(..1).collect();
        let refused_alike =
            |r: &Result<R::Response, Error>| matches!(r, Err(e) if e.code() == err.code());
        let first_result = self.call(first.iter().map(|e| e.part.clone()).collect());
        let mut probes = vec![(first, first_result)];
        if refused_alike(&probes[0].1)
            && let Some(probe) = last.take()
        {
            let result = self.call(probe.iter().map(|e| e.part.clone()).collect());
            probes.push((probe, result));
        }
        if probes.len() == 2 && probes.iter().all(|(_, r)| refused_alike(r)) {
            let mut error = None;
            for (probe, result) in probes {
                let e = match result {
                    Err(e) => ItemError::Call(Arc::new(e)),
                    Ok(_) => continue,
                };
                for entry in probe {
                    self.finish(entry, Some(e.clone()));
                }
                error = Some(e);
            }
            if let Some(error) = error {
                lock(&self.shared)
                    .refused_payloads
                    .insert(payload, error.clone());
                for entry in batch {
                    self.finish(entry, Some(error.clone()));
                }
            }
            return;
        }
        lock(&self.shared).cleared_payloads.insert(payload);
        for (probe, result) in probes {
            self.deliver(probe, result);
        }
        let mut rest = batch;
        rest.extend(last.into_iter().flatten());
        if rest.is_empty() {
            return;
        }
        let right = rest.split_off(rest.len() / 2);
        self.send(rest);
        if !right.is_empty() {
            self.send(right);
        }
    }

    /// Records the outcome of a call for each of its entries.
    fn deliver(&self, batch: Vec<Entry<R::Item>>, result: Result<R::Response, Error>) {
        match result {
            Ok(response) => {
                // Accounts the response lists as failed (`ErrorList`), with their codes.
                let failed: HashMap<String, i64> = R::failures(&response).into_iter().collect();
                let (batch, rest): (Vec<_>, Vec<_>) = batch
                    .into_iter()
                    .partition(|e| !failed.contains_key(R::item_account(&e.part)));
                for entry in rest {
                    let code = failed
                        .get(R::item_account(&entry.part))
                        .copied()
                        .unwrap_or_default();
                    self.finish(
                        entry,
                        Some(ItemError::Refused {
                            endpoint: R::ENDPOINT.path,
                            code: crate::ErrorCode::from_code(code),
                            info: String::new(),
                        }),
                    );
                }
                self.deliver_results(batch, response);
            }
            Err(err) => {
                let err = ItemError::Call(Arc::new(err));
                for entry in batch {
                    self.finish(entry, Some(err.clone()));
                }
            }
        }
    }

    /// Records the outcome of a successful call for the entries it did not list as failed.
    fn deliver_results(&self, batch: Vec<Entry<R::Item>>, response: R::Response) {
        match R::into_results(response) {
            None => {
                for entry in batch {
                    self.finish(entry, None);
                }
            }
            Some(results) => {
                let mut by_account: HashMap<String, R::Result> = results
                    .into_iter()
                    .map(|r| (R::result_account(&r).to_owned(), r))
                    .collect();
                for entry in batch {
                    match by_account.remove(R::item_account(&entry.part)) {
                        // The call succeeded but the result refuses this account.
                        Some(out)
                            if R::result_code(&out)
                                .is_some_and(|(c, _)| !R::RESULT_SUCCESS.contains(&c)) =>
                        {
                            let (code, info) = R::result_code(&out).unwrap_or((0, None));
                            self.finish(
                                entry,
                                Some(ItemError::Refused {
                                    endpoint: R::ENDPOINT.path,
                                    code: crate::ErrorCode::from_code(code),
                                    info: info.map(crate::error::printable).unwrap_or_default(),
                                }),
                            );
                        }
                        Some(out) => {
                            (lock(&self.sink))(out);
                            self.finish(entry, None);
                        }
                        None => self.finish(
                            entry,
                            Some(ItemError::NotInResponse {
                                endpoint: R::ENDPOINT.path,
                            }),
                        ),
                    }
                }
            }
        }
    }

    /// Records the outcome of one entry; the item is counted when its last part finishes.
    fn finish(&self, entry: Entry<R::Item>, error: Option<ItemError>) {
        let mut shared = lock(&self.shared);
        if entry.parts == 1 {
            match error {
                None => shared.progress.succeeded += 1,
                Some(error) => {
                    shared.progress.failed += 1;
                    shared.failed.push(Failure {
                        account: R::item_account(&entry.part).to_owned(),
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
