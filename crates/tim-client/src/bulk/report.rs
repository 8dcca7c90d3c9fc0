//! What a bulk job reports: [`BulkReport`] at the end, [`BulkProgress`] after each batch,
//! and per failed item a [`Failure`] with its [`ItemError`].

use std::fmt;
use std::sync::Arc;

use crate::ErrorCode;
use crate::error::Error;
use crate::validate::ValidationError;

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
    /// The call succeeded but the answer's result for this account carries a code that does
    /// not mean success (a non-zero `ResultCode`, with `ResultInfo`; add_group_member's
    /// `Result` 0): the service refused this account alone.
    Refused {
        /// Endpoint path.
        endpoint: &'static str,
        /// The result's code.
        code: ErrorCode,
        /// The result's explanation (control characters escaped).
        info: String,
    },
}

impl ItemError {
    /// The service's error code, when the call failed with one.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ItemError::Call(e) => e.code(),
            ItemError::Refused { code, .. } => Some(*code),
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
            ItemError::Refused {
                endpoint,
                code,
                info,
            } => {
                write!(f, "{endpoint} refused the account with {code}")?;
                if !info.is_empty() {
                    write!(f, ": {info}")?;
                }
                Ok(())
            }
        }
    }
}

/// `Display` already shows the validation error and, for a failed call, is the call error's
/// own `Display` (transparent): so the sources are the call error's sources, and a reporter
/// prints each cause once.
impl std::error::Error for ItemError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ItemError::Call(e) => e.source(),
            ItemError::Invalid(_) | ItemError::NotInResponse { .. } | ItemError::Refused { .. } => {
                None
            }
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

/// Where a job stands, passed to the [`Bulk::on_progress`](super::Bulk::on_progress)
/// callback after each batch.
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
#[must_use = "a bulk job's report lists the accounts that failed: look at it"]
pub struct BulkReport {
    /// Endpoint path of the job.
    pub endpoint: &'static str,
    /// Items read from the input.
    pub input: u64,
    /// Items that succeeded (for get operations: whose result went to the sink).
    pub succeeded: u64,
    /// Items that failed, with why, in no particular order.
    pub failed: Vec<Failure>,
    /// Items dropped as duplicates (see the [`bulk`](super) module docs).
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
