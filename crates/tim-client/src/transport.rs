//! HTTP transport: the `ureq` agent, the request URL, one POST attempt, and mapping `ureq`
//! errors to [`Error`] without leaking the UserSig.
//!
//! One [`ureq::Agent`] per client (cloned handles share its connection pool). It is built
//! with `http_status_as_error(false)` so error bodies can be read, with connect and
//! whole-call timeouts, with redirects off (a redirect would carry the UserSig to another
//! URL; a 3xx answer becomes [`Error::HttpStatus`]) and, unless plain HTTP was explicitly
//! allowed, `https_only`. Every response body is read to the end so the connection goes
//! back to the pool.

use std::net::{IpAddr, SocketAddr};

use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

use crate::config::Timeouts;
use crate::error::{Error, ResponseBody, TransportError, TransportKind};

/// Largest response body accepted (the service's answers are a few KiB; ureq's default
/// limit is 10 MiB, which we keep).
const MAX_BODY: u64 = 10 * 1024 * 1024;

/// What the redacted `usersig` value is replaced with.
const REDACTED: &str = "<redacted>";

/// The agent and base URL of one client.
#[derive(Debug)]
pub(crate) struct Transport {
    agent: ureq::Agent,
    base: String,
    timeouts: Timeouts,
}

/// The five query parameters of every call.
pub(crate) struct Query<'a> {
    pub(crate) sdkappid: u32,
    pub(crate) identifier: &'a str,
    /// Already percent-encoded ([`encode_into`]): the UserSig cache encodes it once per
    /// UserSig, not once per call.
    pub(crate) usersig_encoded: &'a str,
    pub(crate) random: u32,
    /// The endpoint's own parameters, appended in order (`Request::query_params`).
    pub(crate) extra: &'a [(&'a str, String)],
}

/// A response read to the end.
pub(crate) struct RawResponse {
    pub(crate) status: u16,
    pub(crate) body: Vec<u8>,
    /// `Retry-After` in seconds (the HTTP-date form is ignored), when sent.
    pub(crate) retry_after: Option<std::time::Duration>,
}

/// How the HTTP agent is set up (the builder's transport options).
#[derive(Debug, Clone, Default)]
pub(crate) struct Net {
    /// `Some(None)`: no proxy; `Some(Some(p))`: that proxy; `None`: from the environment.
    pub(crate) proxy: Option<Option<ureq::Proxy>>,
    pub(crate) user_agent: Option<String>,
    /// Trust these roots instead of the bundled WebPKI ones.
    pub(crate) roots: Option<Roots>,
    /// A caller's own agent, used as it is.
    pub(crate) agent: Option<ureq::Agent>,
}

/// Which certificates the client trusts, when not the bundled WebPKI roots.
#[derive(Clone)]
pub(crate) enum Roots {
    /// Exactly these CA certificates.
    Specific(Vec<ureq::tls::Certificate<'static>>),
    /// The operating system's store and verifier.
    #[cfg(feature = "platform-verifier")]
    Platform,
}

impl std::fmt::Debug for Roots {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Roots::Specific(certs) => write!(f, "{} certificates", certs.len()),
            #[cfg(feature = "platform-verifier")]
            Roots::Platform => f.write_str("the platform's store"),
        }
    }
}

impl Transport {
    /// `base` is `scheme://host[:port][/prefix]` without a trailing slash.
    pub(crate) fn new(
        base: String,
        timeouts: Timeouts,
        allow_insecure_http: bool,
        net: Net,
    ) -> Transport {
        if let Some(agent) = net.agent {
            return Transport {
                agent,
                base,
                timeouts,
            };
        }
        let mut config =
            ureq::Agent::config_builder()
                .http_status_as_error(false)
                .https_only(!allow_insecure_http)
                .max_redirects(0)
                // Bulk jobs call from several threads: keep their connections (ureq keeps 3).
                .max_idle_connections(32)
                .max_idle_connections_per_host(16)
                .timeout_connect(Some(timeouts.connect))
                .timeout_global(Some(timeouts.call))
                .user_agent(net.user_agent.unwrap_or_else(|| {
                    concat!("tim-client/", env!("CARGO_PKG_VERSION")).to_owned()
                }));
        if let Some(proxy) = net.proxy {
            config = config.proxy(proxy);
        }
        if let Some(roots) = net.roots {
            let roots = match roots {
                Roots::Specific(certs) => ureq::tls::RootCerts::new_with_certs(&certs),
                #[cfg(feature = "platform-verifier")]
                Roots::Platform => ureq::tls::RootCerts::PlatformVerifier,
            };
            config = config.tls_config(ureq::tls::TlsConfig::builder().root_certs(roots).build());
        }
        let config = config.build();
        Transport {
            agent: ureq::Agent::with_parts(
                config,
                DefaultConnector::default(),
                CachingResolver::default(),
            ),
            base,
            timeouts,
        }
    }

    /// The base URL (no secrets in it).
    pub(crate) fn base(&self) -> &str {
        &self.base
    }

    /// `{base}/{path}?sdkappid=..&identifier=..&usersig=..&random=..&contenttype=json`.
    pub(crate) fn url(&self, path: &str, q: &Query<'_>) -> String {
        let mut url =
            String::with_capacity(self.base.len() + path.len() + q.usersig_encoded.len() + 96);
        url.push_str(&self.base);
        url.push('/');
        url.push_str(path);
        url.push_str("?sdkappid=");
        push_u32(&mut url, q.sdkappid);
        url.push_str("&identifier=");
        encode_into(&mut url, q.identifier);
        url.push_str("&usersig=");
        url.push_str(q.usersig_encoded);
        url.push_str("&random=");
        push_u32(&mut url, q.random);
        url.push_str("&contenttype=json");
        for (name, value) in q.extra {
            url.push('&');
            url.push_str(name);
            url.push('=');
            encode_into(&mut url, value);
        }
        url
    }

    /// POSTs `body` as JSON and reads the whole response.
    pub(crate) fn post(
        &self,
        endpoint: &'static str,
        url: &str,
        body: &[u8],
        usersig: &str,
    ) -> Result<RawResponse, Error> {
        let fail = |e: ureq::Error| self.map_error(endpoint, e, usersig);
        let mut response = self
            .agent
            .post(url)
            .header("Content-Type", "application/json")
            .send(body)
            .map_err(fail)?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(std::time::Duration::from_secs);
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_BODY)
            .read_to_vec()
            .map_err(fail)?;
        Ok(RawResponse {
            status,
            body,
            retry_after,
        })
    }

    fn map_error(&self, endpoint: &'static str, err: ureq::Error, usersig: &str) -> Error {
        use ureq::Error as U;
        let (kind, io_kind) = match &err {
            U::Timeout(t) => {
                let limit = match t {
                    ureq::Timeout::Connect => Some(self.timeouts.connect),
                    ureq::Timeout::Global => Some(self.timeouts.call),
                    _ => None,
                };
                return Error::Timeout {
                    endpoint,
                    phase: t.to_string(),
                    limit,
                };
            }
            U::Io(e) => {
                use std::io::ErrorKind as K;
                let kind = match e.kind() {
                    K::TimedOut => {
                        return Error::Timeout {
                            endpoint,
                            phase: "socket".to_owned(),
                            limit: None,
                        };
                    }
                    K::ConnectionRefused
                    | K::AddrNotAvailable
                    | K::HostUnreachable
                    | K::NetworkUnreachable => TransportKind::Connect,
                    _ => TransportKind::Io,
                };
                (kind, Some(e.kind()))
            }
            U::HostNotFound => (TransportKind::Dns, None),
            U::ConnectionFailed => (TransportKind::Connect, None),
            U::Protocol(_) => (TransportKind::Protocol, None),
            U::Tls(_) => (TransportKind::Tls, None),
            U::BadUri(_) | U::Http(_) | U::RequireHttpsOnly(_) | U::InvalidProxyUrl => {
                (TransportKind::Config, None)
            }
            _ => {
                let text = err.to_string();
                let kind =
                    if text.contains("rustls") || text.contains("TLS") || text.contains("PEM") {
                        TransportKind::Tls
                    } else {
                        TransportKind::Other
                    };
                (kind, None)
            }
        };
        let message = scrub(&err.to_string(), usersig);
        Error::Transport {
            endpoint,
            source: TransportError::new(kind, io_kind, message),
        }
    }
}

/// How long a host name's resolved addresses are reused before asking the system again.
///
/// Short enough that a changed DNS record (a region's domain moving) is picked up within half
/// a minute; long enough that a busy client does not ask the system resolver on every call.
pub(crate) const DNS_CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(30);

/// ureq's default resolver, except that a host that is already an IP address (the local
/// emulator, `http://127.0.0.1:port`) is used as is, and a host name's addresses are cached
/// for [`DNS_CACHE_TTL`].
///
/// ureq resolves the host on every request, pooled connection or not, and once any timeout
/// applies (we always set one) its default resolver runs each lookup on a new thread. For an
/// IP literal that thread resolves nothing and cost about 100 µs per call on loopback (more
/// than the call itself); `bench/` measures the client against a bare POST. For a name
/// (the real service) it is a system lookup per call, often a round trip to a DNS server;
/// the cache makes that one lookup per host every 30 s. Failed lookups are not cached.
/// (ureq's resolver API is in its `unversioned` module, outside its semver promise:
/// the workspace pins its exact version.)
#[derive(Debug, Default)]
struct CachingResolver {
    system: DefaultResolver,
    cache: std::sync::Mutex<
        std::collections::HashMap<(String, u16), (std::time::Instant, ResolvedSocketAddrs)>,
    >,
}

impl Resolver for CachingResolver {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let host = uri
            .host()
            .map(|h| h.trim_start_matches('[').trim_end_matches(']'));
        let port = uri.port_u16().or(match uri.scheme_str() {
            Some("http") => Some(80),
            Some("https") => Some(443),
            _ => None,
        });
        if let (Some(Ok(ip)), Some(port)) = (host.map(str::parse::<IpAddr>), port) {
            let addr = SocketAddr::new(ip, port);
            if config
                .ip_family()
                .keep_wanted(std::iter::once(addr))
                .next()
                .is_some()
            {
                let mut out = self.empty();
                out.push(addr);
                return Ok(out);
            }
        }
        let (Some(host), Some(port)) = (host, port) else {
            return self.system.resolve(uri, config, timeout);
        };
        let key = (host.to_ascii_lowercase(), port);
        let now = std::time::Instant::now();
        {
            let cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
            if let Some((at, addrs)) = cache.get(&key)
                && now.duration_since(*at) < DNS_CACHE_TTL
            {
                return Ok(addrs.clone());
            }
        }
        let addrs = self.system.resolve(uri, config, timeout)?;
        if !addrs.is_empty() {
            let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
            cache.insert(key, (now, addrs.clone()));
        }
        Ok(addrs)
    }
}

/// Builds [`Error::HttpStatus`] for a non-200 answer.
pub(crate) fn status_error(endpoint: &'static str, raw: RawResponse) -> Error {
    Error::HttpStatus {
        endpoint,
        status: raw.status,
        body: ResponseBody::new(raw.body),
        retry_after: raw.retry_after,
    }
}

/// Bytes percent-encoded in query values: everything but RFC 3986 unreserved characters and
/// `*` (which the UserSig alphabet uses and which is allowed in a query).
const QUERY_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'*');

/// Percent-encodes `s` into `out` ([`QUERY_VALUE`]); runs of kept bytes are copied whole.
pub(crate) fn encode_into(out: &mut String, s: &str) {
    out.extend(percent_encoding::utf8_percent_encode(s, QUERY_VALUE));
}

/// Appends the decimal digits of `n` (no `fmt` machinery; the URL is built on every call).
fn push_u32(out: &mut String, n: u32) {
    out.push_str(itoa::Buffer::new().format(n));
}

/// Replaces the value of every `usersig=` query parameter in `text` (case-insensitive).
pub(crate) fn redact(text: &str) -> String {
    const KEY: &str = "usersig=";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = find_ascii_ci(rest, KEY) {
        let value_start = at + KEY.len();
        out.push_str(&rest[..value_start]);
        let value_len = rest[value_start..]
            .find(|c: char| {
                matches!(c, '&' | '#' | '"' | '\'' | '<' | '>' | ')') || c.is_whitespace()
            })
            .unwrap_or(rest.len() - value_start);
        if value_len > 0 {
            out.push_str(REDACTED);
        }
        rest = &rest[value_start + value_len..];
    }
    out.push_str(rest);
    out
}

/// [`redact`], and also removes `usersig` itself (raw or percent-encoded) wherever it
/// appears.
pub(crate) fn scrub(text: &str, usersig: &str) -> String {
    let mut text = redact(text);
    if !usersig.is_empty() {
        text = text.replace(usersig, REDACTED);
        let mut encoded = String::new();
        encode_into(&mut encoded, usersig);
        if encoded != usersig {
            text = text.replace(&encoded, REDACTED);
        }
    }
    text
}

fn find_ascii_ci(haystack: &str, needle: &str) -> Option<usize> {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    if n.len() > h.len() {
        return None;
    }
    (0..=h.len() - n.len()).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifier_is_percent_encoded_usersig_alphabet_kept() {
        let mut s = String::new();
        encode_into(&mut s, "ad min&x=1/é");
        assert_eq!(s, "ad%20min%26x%3D1%2F%C3%A9");
        let mut s = String::new();
        encode_into(&mut s, "eJyrVgrxCdYrSi1_zZ-*abc");
        assert_eq!(s, "eJyrVgrxCdYrSi1_zZ-*abc");
    }

    #[test]
    fn redaction_covers_every_usersig_value() {
        let text = "GET http://h/v4/a?sdkappid=1&UserSig=eJy*x_-&random=3 and usersig=zz";
        assert_eq!(
            redact(text),
            "GET http://h/v4/a?sdkappid=1&UserSig=<redacted>&random=3 and usersig=<redacted>"
        );
        assert_eq!(redact("no secrets"), "no secrets");
        assert_eq!(
            scrub("bad: abc+def and abc%2Bdef", "abc+def"),
            "bad: <redacted> and <redacted>"
        );
    }

    #[test]
    fn ip_literal_hosts_resolve_to_themselves() {
        let config = ureq::Agent::config_builder().build();
        let timeout = NextTimeout::default();
        for (url, want) in [
            ("http://127.0.0.1:8080/v4/x", "127.0.0.1:8080"),
            ("https://10.1.2.3/v4/x", "10.1.2.3:443"),
            ("http://[::1]:9/", "[::1]:9"),
        ] {
            let uri: ureq::http::Uri = url.parse().unwrap();
            let addrs = CachingResolver::default()
                .resolve(&uri, &config, timeout)
                .unwrap();
            let want: SocketAddr = want.parse().unwrap();
            assert_eq!(addrs.iter().copied().collect::<Vec<_>>(), [want], "{url}");
        }
        // Names go to the system resolver once, then come from the cache.
        let resolver = CachingResolver::default();
        let uri: ureq::http::Uri = "http://localhost:7/".parse().unwrap();
        let addrs = resolver.resolve(&uri, &config, timeout).unwrap();
        assert!(!addrs.is_empty());
        assert!(addrs.iter().all(|a| a.port() == 7 && a.ip().is_loopback()));
        let cached = resolver.cache.lock().unwrap();
        let (_, hit) = cached.get(&("localhost".to_owned(), 7)).expect("cached");
        assert_eq!(
            hit.iter().collect::<Vec<_>>(),
            addrs.iter().collect::<Vec<_>>()
        );
        drop(cached);
        let uri: ureq::http::Uri = "http://LOCALHOST:7/other".parse().unwrap();
        let again = resolver.resolve(&uri, &config, timeout).unwrap();
        assert_eq!(
            again.iter().collect::<Vec<_>>(),
            addrs.iter().collect::<Vec<_>>()
        );
        assert_eq!(resolver.cache.lock().unwrap().len(), 1);
    }

    #[test]
    fn url_has_the_five_parameters_in_order() {
        let t = Transport::new(
            "https://example.invalid".into(),
            Timeouts::default(),
            false,
            Net::default(),
        );
        let url = t.url(
            "v4/all_member_push/im_get_tag",
            &Query {
                sdkappid: 1400000000,
                identifier: "admin",
                usersig_encoded: "sig*",
                random: 4294967295,
                extra: &[],
            },
        );
        assert_eq!(
            url,
            "https://example.invalid/v4/all_member_push/im_get_tag?sdkappid=1400000000&identifier=admin&usersig=sig*&random=4294967295&contenttype=json"
        );
        let url = t.url(
            "v4/x/y",
            &Query {
                sdkappid: 7,
                identifier: "a b",
                usersig_encoded: "s%2B%2F%3D",
                random: 0,
                extra: &[("nettype", "1".to_owned()), ("q", "a&b".to_owned())],
            },
        );
        assert_eq!(
            url,
            "https://example.invalid/v4/x/y?sdkappid=7&identifier=a%20b&usersig=s%2B%2F%3D&random=0&contenttype=json&nettype=1&q=a%26b"
        );
    }
}
