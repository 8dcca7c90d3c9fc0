//! Fault injection: [`Fault`] (what goes wrong), [`FaultRule`] (how often, for which
//! endpoint) and [`Faults`], the run-time handle to arm and clear them.
//!
//! Faults sit in front of the service: a call answered by a fault never reaches the checks or
//! the state, so it changes nothing (a failed call did nothing). The exception is
//! [`Fault::Delay`], which is not a failure: the call is served normally and its answer is
//! held back, like a slow network.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// One way for a call to go wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// HTTP 200 with `ActionStatus` "FAIL" and this `ErrorCode` (e.g. 91000, internal error).
    Code(i64),
    /// HTTP 502 with an HTML body, as a gateway in front of the service would answer.
    BadGateway,
    /// The connection is closed without any answer.
    CloseConnection,
    /// The call is served normally, and answered after this delay.
    Delay(Duration),
    /// HTTP 200 with a JSON body cut in the middle.
    TruncatedJson,
    /// HTTP 200 with a body that is not JSON.
    NonJson,
}

/// A [`Fault`] with how many calls it hits and, optionally, which endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRule {
    fault: Fault,
    remaining: Option<u64>,
    endpoint: Option<String>,
}

impl FaultRule {
    /// The next call (of any endpoint) gets `fault`.
    pub fn new(fault: Fault) -> Self {
        FaultRule {
            fault,
            remaining: Some(1),
            endpoint: None,
        }
    }

    /// Hits the next `n` matching calls instead of one.
    pub fn times(mut self, n: u64) -> Self {
        self.remaining = Some(n);
        self
    }

    /// Hits every matching call until cleared.
    pub fn always(mut self) -> Self {
        self.remaining = None;
        self
    }

    /// Hits only calls to this endpoint, named by command (`im_get_tag`) or path
    /// (`v4/all_member_push/im_get_tag`).
    pub fn only(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// The fault.
    pub fn fault(&self) -> &Fault {
        &self.fault
    }

    /// Calls it will still hit (`None`: until cleared).
    pub fn remaining(&self) -> Option<u64> {
        self.remaining
    }

    /// The endpoint it is limited to, if any.
    pub fn endpoint(&self) -> Option<&str> {
        self.endpoint.as_deref()
    }

    fn matches(&self, path: &str) -> bool {
        match &self.endpoint {
            None => true,
            Some(e) => {
                let path = path.trim_start_matches('/');
                path == e.trim_start_matches('/') || path.rsplit('/').next() == Some(e.as_str())
            }
        }
    }
}

/// The armed faults of a running emulator; cheap to clone, shared with its connection
/// threads.
///
/// Rules are kept in order; each call takes the first rule that matches its endpoint.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    rules: Arc<Mutex<VecDeque<FaultRule>>>,
}

impl Faults {
    pub(crate) fn with_rules(rules: Vec<FaultRule>) -> Self {
        let faults = Faults::default();
        for r in rules {
            faults.inject(r);
        }
        faults
    }

    fn lock(&self) -> MutexGuard<'_, VecDeque<FaultRule>> {
        self.rules.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Arms a rule after those already armed.
    pub fn inject(&self, rule: FaultRule) {
        if rule.remaining != Some(0) {
            self.lock().push_back(rule);
        }
    }

    /// Disarms every rule.
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// The rules still armed, in order.
    pub fn pending(&self) -> Vec<FaultRule> {
        self.lock().iter().cloned().collect()
    }

    /// Takes the fault for a call to `path`, if a rule matches (consuming one of its hits).
    pub(crate) fn take(&self, path: &str) -> Option<Fault> {
        let mut rules = self.lock();
        let i = rules.iter().position(|r| r.matches(path))?;
        let fault = rules[i].fault.clone();
        if let Some(n) = rules[i].remaining.as_mut() {
            *n -= 1;
            if *n == 0 {
                rules.remove(i);
            }
        }
        Some(fault)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_consumed_in_order_and_filtered_by_endpoint() {
        let f = Faults::default();
        f.inject(FaultRule::new(Fault::Code(91000)).times(2).only("im_push"));
        f.inject(FaultRule::new(Fault::BadGateway));
        assert_eq!(
            f.take("/v4/all_member_push/im_get_tag"),
            Some(Fault::BadGateway)
        );
        assert_eq!(f.take("/v4/all_member_push/im_get_tag"), None);
        assert_eq!(
            f.take("/v4/all_member_push/im_push"),
            Some(Fault::Code(91000))
        );
        assert_eq!(
            f.take("v4/all_member_push/im_push"),
            Some(Fault::Code(91000))
        );
        assert_eq!(f.take("/v4/all_member_push/im_push"), None);
        f.inject(
            FaultRule::new(Fault::NonJson)
                .always()
                .only("v4/all_member_push/im_push"),
        );
        for _ in 0..3 {
            assert_eq!(f.take("/v4/all_member_push/im_push"), Some(Fault::NonJson));
        }
        assert_eq!(f.pending().len(), 1);
        f.clear();
        assert!(f.pending().is_empty());
    }
}
