//! The input side of a job: [`Producer`] reads items on the calling thread, drops
//! duplicates, splits items into parts and packs the parts into batches ([`Entry`] per
//! account, one [`Lane`] per part index) for the workers' queue.

use std::collections::{HashMap, HashSet};
use std::sync::mpsc::SyncSender;

use super::ops::BatchOp;
use super::report::ItemError;
use super::run::{Job, Pending, lock};
use crate::batch::BatchRequest;

/// One account's part in a batch.
#[derive(Clone)]
pub(super) struct Entry<P> {
    /// The input item it comes from.
    pub(super) id: u64,
    /// How many parts that item has.
    pub(super) parts: usize,
    pub(super) part: P,
}

/// The batch being filled for one part index ("lane"): part `j` of every item goes to lane
/// `j`, so an account appears at most once per request.
pub(super) struct Lane<P> {
    entries: Vec<Entry<P>>,
    /// Account -> dedupe key of the item whose part is in `entries`.
    accounts: HashMap<String, String>,
}

/// Reads the input on the calling thread and feeds the workers.
pub(super) struct Producer<R: BatchRequest> {
    pub(super) tx: SyncSender<Vec<Entry<R::Item>>>,
    pub(super) batch_size: usize,
    pub(super) lanes: Vec<Lane<R::Item>>,
    pub(super) seen: Option<HashSet<String>>,
    pub(super) next_id: u64,
}

impl<R: BatchRequest> Producer<R> {
    /// Takes one input item; `false` when the workers are gone.
    pub(super) fn add<S: FnMut(R::Result) + Send>(
        &mut self,
        job: &Job<'_, R, S>,
        item: R::Item,
    ) -> bool {
        lock(&job.shared).progress.input += 1;
        if let Err(e) = job.op.check(&item) {
            job.fail_now(BatchOp::<R>::account(&item), ItemError::Invalid(e));
            return true;
        }
        let key = serde_json::to_string(&item).unwrap_or_default();
        let duplicate = match &mut self.seen {
            Some(seen) => !seen.insert(key.clone()),
            None => self
                .lanes
                .first()
                .and_then(|lane| lane.accounts.get(BatchOp::<R>::account(&item)))
                .is_some_and(|k| *k == key),
        };
        if duplicate {
            lock(&job.shared).progress.duplicates += 1;
            return true;
        }
        let account = BatchOp::<R>::account(&item).to_owned();
        let parts = BatchOp::<R>::split(item);
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
    pub(super) fn finish(mut self) {
        for j in 0..self.lanes.len() {
            if !self.flush(j) {
                break;
            }
        }
    }
}
