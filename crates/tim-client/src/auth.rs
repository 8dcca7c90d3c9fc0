//! The admin UserSig: where it comes from ([`UsersigProvider`] or a secret key) and the
//! cache that reuses it across calls and renews it before it expires.
//!
//! With a [`SecretKey`](tim_usersig::SecretKey), the client mints the admin UserSig itself
//! with `tim-usersig`, valid for [`DEFAULT_USERSIG_VALIDITY`] (24 h, the minimum the
//! service's docs recommend; configurable). With a provider, it asks the provider and reads
//! the validity from the UserSig itself (`tim_usersig::decode`, no key needed).
//!
//! A cached UserSig is renewed at 80% of its lifetime, so a call never starts with one that
//! is about to expire. Readers share a read lock; renewal is serialized by a separate mutex
//! and double-checked, so many threads finding the UserSig stale mint it once. When the
//! service still answers 70001 (expired, e.g. after a clock jump), the client force-renews
//! (once per generation, however many threads saw the 70001) and retries the call once.

use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tim_usersig::Signer;

use crate::error::UsersigError;

/// The boxed error a [`UsersigProvider`] returns.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Validity of the UserSigs the client mints from a secret key, unless configured.
pub const DEFAULT_USERSIG_VALIDITY: Duration = Duration::from_secs(24 * 60 * 60);

/// Supplies UserSigs for the admin account, for callers who mint them elsewhere (a secrets
/// service, another process) and do not give the client the secret key.
///
/// The client caches the returned UserSig and asks again at 80% of its lifetime (read from
/// the UserSig; if it cannot be decoded, only when the service answers 70001). Closures
/// `Fn(&str) -> Result<String, BoxError>` implement this trait.
pub trait UsersigProvider: Send + Sync + 'static {
    /// A valid UserSig for `identifier` (the admin account of the client).
    fn usersig(&self, identifier: &str) -> Result<String, BoxError>;
}

impl<F> UsersigProvider for F
where
    F: Fn(&str) -> Result<String, BoxError> + Send + Sync + 'static,
{
    fn usersig(&self, identifier: &str) -> Result<String, BoxError> {
        self(identifier)
    }
}

/// Where UserSigs come from.
pub(crate) enum Source {
    /// Minted locally.
    Key { signer: Signer, validity: Duration },
    /// Asked from the caller's provider.
    Provider(Box<dyn UsersigProvider>),
}

impl Source {
    pub(crate) fn describe(&self) -> &'static str {
        match self {
            Source::Key { .. } => "secret key (redacted)",
            Source::Provider(_) => "UsersigProvider",
        }
    }
}

/// A UserSig handed to one attempt.
#[derive(Clone)]
pub(crate) struct Current {
    pub(crate) usersig: Arc<str>,
    /// `usersig` percent-encoded for the query string, computed once per UserSig.
    pub(crate) encoded: Arc<str>,
    pub(crate) generation: u64,
}

struct Cached {
    current: Current,
    /// Unix time in milliseconds at which to renew; `None`: until the service rejects it.
    renew_at_ms: Option<u128>,
}

impl Cached {
    fn fresh(&self, now_ms: u128) -> bool {
        self.renew_at_ms.is_none_or(|at| now_ms < at)
    }
}

/// The admin UserSig cache of one client (shared by its clones).
pub(crate) struct UsersigCache {
    source: Source,
    identifier: String,
    cached: RwLock<Option<Cached>>,
    renewing: Mutex<()>,
}

fn now_ms() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0)
}

/// When to renew a UserSig issued at `time` (Unix seconds) valid `expire` seconds: 80% in.
fn renew_at_ms(time: u64, expire: u64) -> u128 {
    u128::from(time) * 1000 + u128::from(expire) * 800
}

impl UsersigCache {
    pub(crate) fn new(source: Source, identifier: String) -> UsersigCache {
        UsersigCache {
            source,
            identifier,
            cached: RwLock::new(None),
            renewing: Mutex::new(()),
        }
    }

    pub(crate) fn source(&self) -> &Source {
        &self.source
    }

    /// The cached UserSig if still fresh.
    fn fresh(&self, skip_generation: Option<u64>) -> Option<Current> {
        let cached = self.cached.read().unwrap_or_else(PoisonError::into_inner);
        cached
            .as_ref()
            .filter(|c| c.fresh(now_ms()) && Some(c.current.generation) != skip_generation)
            .map(|c| c.current.clone())
    }

    /// A fresh UserSig, minting one when there is none or it reached 80% of its lifetime.
    pub(crate) fn get(&self) -> Result<Current, UsersigError> {
        if let Some(current) = self.fresh(None) {
            return Ok(current);
        }
        self.renew_unless_done(None)
    }

    /// A UserSig other than generation `rejected` (which the service answered 70001 for):
    /// mints one unless another thread already did.
    pub(crate) fn renew(&self, rejected: u64) -> Result<Current, UsersigError> {
        self.renew_unless_done(Some(rejected))
    }

    fn renew_unless_done(&self, rejected: Option<u64>) -> Result<Current, UsersigError> {
        let _renewing = self.renewing.lock().unwrap_or_else(PoisonError::into_inner);
        // Double check: another thread may have renewed while we waited for the mutex.
        if let Some(current) = self.fresh(rejected) {
            return Ok(current);
        }
        let (usersig, renew_at_ms) = self.mint()?;
        let mut cached = self.cached.write().unwrap_or_else(PoisonError::into_inner);
        let generation = cached.as_ref().map_or(1, |c| c.current.generation + 1);
        let mut encoded = String::with_capacity(usersig.len());
        crate::transport::encode_into(&mut encoded, &usersig);
        let current = Current {
            usersig: usersig.into(),
            encoded: encoded.into(),
            generation,
        };
        *cached = Some(Cached {
            current: current.clone(),
            renew_at_ms,
        });
        log::debug!(
            "minted admin UserSig generation {generation} for {:?}",
            self.identifier
        );
        Ok(current)
    }

    fn mint(&self) -> Result<(String, Option<u128>), UsersigError> {
        let fail = |e: BoxError| UsersigError::new(&self.identifier, e);
        match &self.source {
            Source::Key { signer, validity } => {
                let secs = validity.as_secs();
                let sig = signer
                    .generate(&self.identifier, secs)
                    .map_err(|e| fail(Box::new(e)))?;
                let issued = sig.expires_at().saturating_sub(secs);
                Ok((sig.into_string(), Some(renew_at_ms(issued, secs))))
            }
            Source::Provider(provider) => {
                let sig = provider.usersig(&self.identifier).map_err(fail)?;
                if sig.is_empty() {
                    return Err(fail("the UsersigProvider returned an empty UserSig".into()));
                }
                let renew_at = match tim_usersig::decode(&sig) {
                    Ok(doc) => {
                        if doc.identifier != self.identifier {
                            return Err(fail(
                                format!(
                                    "the UsersigProvider returned a UserSig for {:?}, not for the admin account",
                                    doc.identifier
                                )
                                .into(),
                            ));
                        }
                        Some(renew_at_ms(doc.time, doc.expire))
                    }
                    // Not a TLSSigAPIv2 UserSig we can read: keep it until the service
                    // rejects it (70001 renews).
                    Err(_) => None,
                };
                Ok((sig, renew_at))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renewal_is_at_80_percent() {
        assert_eq!(renew_at_ms(1000, 100), 1_080_000);
        assert_eq!(renew_at_ms(0, 86400), 69_120_000);
    }
}
