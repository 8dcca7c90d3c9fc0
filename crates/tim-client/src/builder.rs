//! [`ClientBuilder`]: collects and checks the configuration of a [`Client`]; [`BuildError`].

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use tim_usersig::{SecretKey, Signer};

use crate::Region;
use crate::auth::{DEFAULT_USERSIG_VALIDITY, Source, UsersigCache, UsersigProvider};
use crate::client::{Client, Inner};
use crate::config::{RetryPolicy, Timeouts};
use crate::endpoint::Endpoint;
use crate::random::Random;
use crate::ratelimit::{RateLimits, Throttle};
use crate::transport::Net;
use crate::transport::Transport;

/// The admin account used when [`ClientBuilder::admin`] is not called.
pub const DEFAULT_ADMIN: &str = "administrator";

/// A configuration [`ClientBuilder::build`] refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// Neither `.secret_key(..)` nor `.usersig_provider(..)` was called.
    #[error("no credentials: call .secret_key(..) or .usersig_provider(..)")]
    NoCredentials,
    /// Both `.secret_key(..)` and `.usersig_provider(..)` were called.
    #[error("conflicting credentials: call only one of .secret_key(..) and .usersig_provider(..)")]
    ConflictingCredentials,
    /// Neither `.region(..)` nor `.base_url(..)` was called.
    #[error("no host: call .region(..) (e.g. Region::Singapore) or .base_url(..)")]
    NoHost,
    /// Both `.region(..)` and `.base_url(..)` were called.
    #[error("conflicting hosts: call only one of .region(..) and .base_url(..)")]
    ConflictingHost,
    /// `.standby_domain(true)` for a region the docs give no standby domain for, or with a
    /// `.base_url(..)`.
    #[error("standby_domain: the docs give no standby domain for region {region}")]
    NoStandbyDomain {
        /// The region's id.
        region: String,
    },
    /// The base URL is not `https://host[:port][/path]`.
    #[error(
        "base_url: must be an absolute https:// URL without query or fragment, got {url:?}: {reason}"
    )]
    InvalidBaseUrl {
        /// The URL given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A plain `http://` base URL without `.allow_insecure_http(true)`.
    #[error(
        "base_url: {url:?} is plain http, which would send the UserSig unencrypted; use https, or call .allow_insecure_http(true) for a local emulator"
    )]
    InsecureHttp {
        /// The URL given.
        url: String,
    },
    /// A setting out of its range.
    #[error("{setting}: must be {limit}, got {value}")]
    InvalidSetting {
        /// The builder method or field, e.g. `connect_timeout`.
        setting: String,
        /// The limit, in words.
        limit: String,
        /// The value given.
        value: String,
    },
}

fn invalid(setting: impl Into<String>, limit: &str, value: impl fmt::Display) -> BuildError {
    BuildError::InvalidSetting {
        setting: setting.into(),
        limit: limit.to_owned(),
        value: value.to_string(),
    }
}

/// Builds a [`Client`]; start with [`Client::builder`].
///
/// Required: credentials (`secret_key` or `usersig_provider`) and a host (`region` or
/// `base_url`). Everything else has a documented default.
pub struct ClientBuilder {
    sdkappid: u32,
    key: Option<SecretKey>,
    provider: Option<Box<dyn UsersigProvider>>,
    admin: String,
    region: Option<Region>,
    base_url: Option<String>,
    allow_insecure_http: bool,
    standby: bool,
    timeouts: Timeouts,
    retry: RetryPolicy,
    rate_limiting: bool,
    throttles: HashMap<&'static str, Vec<Throttle>>,
    validate: bool,
    usersig_validity: Duration,
    net: Net,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("sdkappid", &self.sdkappid)
            .field("secret_key", &self.key.as_ref().map(|_| "<redacted>"))
            .field("usersig_provider", &self.provider.as_ref().map(|_| ".."))
            .field("admin", &self.admin)
            .field("region", &self.region)
            .field("base_url", &self.base_url)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("timeouts", &self.timeouts)
            .field("retry", &self.retry)
            .field("rate_limiting", &self.rate_limiting)
            .field("throttles", &self.throttles)
            .field("validate_requests", &self.validate)
            .field("usersig_validity", &self.usersig_validity)
            .field("proxy", &self.net.proxy)
            .field("user_agent", &self.net.user_agent)
            .field("custom_roots", &self.net.roots)
            .field("own_agent", &self.net.agent.is_some())
            .finish()
    }
}

impl ClientBuilder {
    pub(crate) fn new(sdkappid: u32) -> ClientBuilder {
        ClientBuilder {
            sdkappid,
            key: None,
            provider: None,
            admin: DEFAULT_ADMIN.to_owned(),
            region: None,
            base_url: None,
            allow_insecure_http: false,
            standby: false,
            timeouts: Timeouts::default(),
            retry: RetryPolicy::standard(),
            rate_limiting: true,
            throttles: HashMap::new(),
            validate: true,
            usersig_validity: DEFAULT_USERSIG_VALIDITY,
            net: Net::default(),
        }
    }

    /// Sends through this HTTP(S) or SOCKS proxy (`http://host:port`,
    /// `socks5://user:pass@host:port`...). Without it, the proxy comes from the environment
    /// (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, honouring `NO_PROXY`), as curl reads them.
    ///
    /// # Errors
    ///
    /// [`BuildError::InvalidSetting`] when the proxy URL does not parse.
    pub fn proxy(mut self, url: &str) -> Result<Self, BuildError> {
        let proxy = ureq::Proxy::new(url).map_err(|e| {
            invalid(
                "proxy",
                "a proxy URL such as http://host:port or socks5://host:port",
                format!("{url:?} ({e})"),
            )
        })?;
        self.net.proxy = Some(Some(proxy));
        Ok(self)
    }

    /// Connects directly, ignoring any proxy set in the environment.
    pub fn no_proxy(mut self) -> Self {
        self.net.proxy = Some(None);
        self
    }

    /// The `User-Agent` header (default `tim-client/<version>`).
    pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
        self.net.user_agent = Some(agent.into());
        self
    }

    /// Trusts exactly the CA certificates in `pem` (one or more `-----BEGIN CERTIFICATE-----`
    /// blocks) instead of the bundled WebPKI roots: for a TLS-intercepting proxy or a private
    /// deployment.
    ///
    /// # Errors
    ///
    /// [`BuildError::InvalidSetting`] when `pem` holds no certificate or does not parse.
    pub fn root_certificates_pem(mut self, pem: &[u8]) -> Result<Self, BuildError> {
        let bad = |reason: String| {
            invalid(
                "root_certificates_pem",
                "PEM text with at least one CERTIFICATE block",
                reason,
            )
        };
        let mut certs = Vec::new();
        for item in ureq::tls::parse_pem(pem) {
            if let ureq::tls::PemItem::Certificate(c) = item.map_err(|e| bad(e.to_string()))? {
                certs.push(c);
            }
        }
        if certs.is_empty() {
            return Err(bad("no CERTIFICATE block found".to_owned()));
        }
        self.net.roots = Some(crate::transport::Roots::Specific(certs));
        Ok(self)
    }

    /// Trusts the operating system's certificate store, verified by the platform's own
    /// verifier (`rustls-platform-verifier`), instead of the bundled WebPKI roots: for
    /// machines whose administrators add corporate roots to the system store. Needs the
    /// crate feature `platform-verifier`. The last of this and
    /// [`root_certificates_pem`](Self::root_certificates_pem) wins.
    #[cfg(feature = "platform-verifier")]
    pub fn platform_root_certificates(mut self) -> Self {
        self.net.roots = Some(crate::transport::Roots::Platform);
        self
    }

    /// Sends every call through `agent`, a [`ureq::Agent`] configured by the caller (its
    /// proxy, TLS, timeouts and pool). The client's own transport settings
    /// ([`timeouts`](Self::timeouts), [`proxy`](Self::proxy), roots, user agent, the DNS
    /// cache) then do not apply: `agent` should not treat HTTP statuses as errors
    /// (`http_status_as_error(false)`) and should not follow redirects, or some failures
    /// are reported less precisely. ureq is pinned to the version this crate uses.
    pub fn agent(mut self, agent: ureq::Agent) -> Self {
        self.net.agent = Some(agent);
        self
    }

    /// The app's secret key: the client mints and caches the admin UserSig itself.
    pub fn secret_key(mut self, key: SecretKey) -> Self {
        self.key = Some(key);
        self
    }

    /// A source of admin UserSigs, instead of the secret key.
    pub fn usersig_provider(mut self, provider: impl UsersigProvider) -> Self {
        self.provider = Some(Box::new(provider));
        self
    }

    /// The App admin account sent as `identifier` (default [`DEFAULT_ADMIN`]).
    pub fn admin(mut self, identifier: impl Into<String>) -> Self {
        self.admin = identifier.into();
        self
    }

    /// The region whose API domain to call.
    pub fn region(mut self, region: Region) -> Self {
        self.region = Some(region);
        self
    }

    /// Calls the region's standby (backup) domain instead of its main one
    /// ([`Region::standby_domain`], e.g. `adminapisgp.my-imcloud.com`): the same API, for
    /// when the main domain cannot be reached. Needs [`region`](Self::region).
    pub fn standby_domain(mut self, on: bool) -> Self {
        self.standby = on;
        self
    }

    /// A custom base URL instead of a region, e.g. a standby domain or a proxy:
    /// `https://host[:port][/prefix]`; `/v4/{service}/{command}` is appended. Plain `http://`
    /// needs [`allow_insecure_http`](Self::allow_insecure_http).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Allows an `http://` base URL (the local emulator). Off by default: over plain HTTP the
    /// UserSig travels unencrypted.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Timeout for setting up a connection (default 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.timeouts.connect = timeout;
        self
    }

    /// Timeout for one whole attempt, response body included (default 10 s; the service's
    /// own timeout is 3 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeouts.call = timeout;
        self
    }

    /// Both timeouts at once.
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// The retry policy (default [`RetryPolicy::standard`]). Replaces the whole policy,
    /// including an earlier [`retry_idempotent_with_key`](Self::retry_idempotent_with_key).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Also retry `IdempotencyKey` endpoints, resending the identical body so the key is
    /// unchanged. Off by default. (`im_push` is not one: the service deduplicates its
    /// `MsgRandom` only within about a second, so it is never retried after it may have been
    /// sent.)
    pub fn retry_idempotent_with_key(mut self, yes: bool) -> Self {
        self.retry = self.retry.retry_idempotent_with_key(yes);
        self
    }

    /// Turns client-side rate limiting on or off for all endpoints (default on, with the
    /// spec's limits).
    pub fn rate_limiting(mut self, enabled: bool) -> Self {
        self.rate_limiting = enabled;
        self
    }

    /// Replaces the spec's rate-limit rules for `endpoint`; an empty list turns limiting off
    /// for it. Shared by all clones of the built client.
    pub fn throttle(
        mut self,
        endpoint: &Endpoint,
        rules: impl IntoIterator<Item = Throttle>,
    ) -> Self {
        self.throttles
            .insert(endpoint.path, rules.into_iter().collect());
        self
    }

    /// Whether requests are checked against the documented limits before sending (default
    /// `true`). Turn it off only to test the service's own checks (e.g. against the
    /// emulator): invalid requests then reach the service and fail there.
    pub fn validate_requests(mut self, validate: bool) -> Self {
        self.validate = validate;
        self
    }

    /// Validity of the UserSigs minted from the secret key (default
    /// [`DEFAULT_USERSIG_VALIDITY`], 24 h; renewed at 80%). At least 1 s.
    pub fn usersig_validity(mut self, validity: Duration) -> Self {
        self.usersig_validity = validity;
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<Client, BuildError> {
        if self.sdkappid == 0 {
            return Err(invalid("sdkappid", "non-zero", 0));
        }
        if self.admin.is_empty() {
            return Err(invalid("admin", "a non-empty account", "\"\""));
        }
        if let Err((setting, value)) = self.timeouts.check() {
            return Err(invalid(setting, "non-zero", value));
        }
        if let Err((setting, value)) = self.retry.check() {
            return Err(invalid(setting, "at least 1", value));
        }
        if self.usersig_validity.as_secs() == 0 {
            return Err(invalid(
                "usersig_validity",
                "at least 1 s",
                format!("{:?}", self.usersig_validity),
            ));
        }
        for (path, rules) in &self.throttles {
            for rule in rules {
                if let Err(why) = rule.check() {
                    return Err(invalid(format!("throttle({path})"), "a usable rule", why));
                }
            }
        }
        let source = match (self.key, self.provider) {
            (Some(key), None) => Source::Key {
                signer: Signer::new(self.sdkappid, key),
                validity: self.usersig_validity,
            },
            (None, Some(provider)) => Source::Provider(provider),
            (None, None) => return Err(BuildError::NoCredentials),
            (Some(_), Some(_)) => return Err(BuildError::ConflictingCredentials),
        };
        let base = match (self.region, self.base_url) {
            (Some(region), None) if self.standby => match region.standby_domain() {
                Some(host) => format!("https://{host}"),
                None => {
                    return Err(BuildError::NoStandbyDomain {
                        region: region.id().to_owned(),
                    });
                }
            },
            (None, Some(_)) if self.standby => {
                return Err(BuildError::NoStandbyDomain {
                    region: "(none: a base_url was given)".to_owned(),
                });
            }
            (Some(region), None) => format!("https://{}", region.domain()),
            (None, Some(url)) => check_base_url(&url, self.allow_insecure_http)?,
            (None, None) => return Err(BuildError::NoHost),
            (Some(_), Some(_)) => return Err(BuildError::ConflictingHost),
        };
        let inner = Inner {
            sdkappid: self.sdkappid,
            transport: Transport::new(base, self.timeouts, self.allow_insecure_http, self.net),
            auth: UsersigCache::new(source, self.admin.clone()),
            admin: self.admin,
            limits: RateLimits::new(self.rate_limiting, self.throttles),
            retry: self.retry,
            validate: self.validate,
            random: Random::from_entropy(),
        };
        Ok(Client::from_inner(Arc::new(inner)))
    }
}

/// Checks a custom base URL and returns it without a trailing slash.
fn check_base_url(url: &str, allow_insecure_http: bool) -> Result<String, BuildError> {
    let bad = |reason: &str| BuildError::InvalidBaseUrl {
        url: url.to_owned(),
        reason: reason.to_owned(),
    };
    let lower = url.to_ascii_lowercase();
    let rest = if let Some(rest) = lower.strip_prefix("https://") {
        rest
    } else if let Some(rest) = lower.strip_prefix("http://") {
        if !allow_insecure_http {
            return Err(BuildError::InsecureHttp {
                url: url.to_owned(),
            });
        }
        rest
    } else {
        return Err(bad(
            "the scheme must be https:// (or http:// with allow_insecure_http)",
        ));
    };
    if url.contains(['?', '#']) {
        return Err(bad(
            "a query or fragment is not allowed (the client adds the query)",
        ));
    }
    if rest.is_empty() || rest.starts_with(['/', ':']) {
        return Err(bad("the host is missing"));
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("whitespace is not allowed"));
    }
    let trimmed = url.trim_end_matches('/');
    let uri = match trimmed.parse::<ureq::http::Uri>() {
        Ok(uri) => uri,
        Err(e) => return Err(bad(&e.to_string())),
    };
    // The authority's port must be a number the request can actually go to: a URI parser
    // may keep `:99999` (not a u16) and a client then silently use the scheme's default port.
    let authority = rest.split('/').next().unwrap_or_default();
    let host_end = if authority.starts_with('[') {
        authority.find(']').map_or(authority.len(), |i| i + 1)
    } else {
        authority.find(':').unwrap_or(authority.len())
    };
    if let Some(port) = authority[host_end..].strip_prefix(':') {
        match port.parse::<u16>() {
            Ok(p) if p > 0 && uri.port_u16() == Some(p) => {}
            _ => {
                return Err(bad(&format!(
                    "the port must be a number from 1 to 65535, got {port:?}"
                )));
            }
        }
    }
    if uri.host().is_none_or(str::is_empty) {
        return Err(bad("the host is missing"));
    }
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls() {
        assert_eq!(
            check_base_url("https://h.example/", false).unwrap(),
            "https://h.example"
        );
        assert_eq!(
            check_base_url("https://h.example:8443/p", false).unwrap(),
            "https://h.example:8443/p"
        );
        assert!(matches!(
            check_base_url("http://127.0.0.1:1", false),
            Err(BuildError::InsecureHttp { .. })
        ));
        assert_eq!(
            check_base_url("http://127.0.0.1:1", true).unwrap(),
            "http://127.0.0.1:1"
        );
        for bad in [
            "ftp://x",
            "https://",
            "https:///x",
            "https://h?x=1",
            "https://h#f",
            "h.example",
            "https://a b",
            "http://127.0.0.1:99999",
            "http://127.0.0.1:0",
            "http://127.0.0.1:",
            "http://127.0.0.1:8x",
        ] {
            assert!(
                matches!(
                    check_base_url(bad, true),
                    Err(BuildError::InvalidBaseUrl { .. })
                ),
                "{bad}"
            );
        }
    }
}
