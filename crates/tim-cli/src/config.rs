//! Connection configuration: flags and environment variables -> a [`tim_client::Client`].
//!
//! | setting | flag | environment | default |
//! |---|---|---|---|
//! | SDKAppID | `--sdkappid N` | `TIM_SDKAPPID` | none (required) |
//! | secret key | `--key-file PATH` (or `--key`) | `TIM_SECRET_KEY` | none (required) |
//! | admin account | `--admin ID` | `TIM_ADMIN` | `administrator` |
//! | host | `--region R` or `--base-url URL` | `TIM_REGION` or `TIM_BASE_URL` | none (required) |
//! | the region's standby domain | `--standby` | | off |
//!
//! A flag beats its environment variable. For the host, a `--region` or `--base-url` flag
//! wins over both variables; setting both variables (and neither flag) is an error.
//!
//! Plain `http://` base URLs are allowed without further ado only for loopback hosts
//! (`127.0.0.0/8`, `::1`, `localhost`: a local emulator), since over plain HTTP the UserSig
//! travels unencrypted; any other `http://` host needs the explicit `--insecure-http` flag
//! (deliberately not settable from the environment).

use std::net::IpAddr;

use tim_client::{Client, Region};

use crate::error::{CallContext, CliError};
use crate::keysrc::KeyArgs;

/// Environment variable: the SDKAppID.
pub const SDKAPPID_ENV: &str = "TIM_SDKAPPID";
/// Environment variable: the admin account.
pub const ADMIN_ENV: &str = "TIM_ADMIN";
/// Environment variable: the region id.
pub const REGION_ENV: &str = "TIM_REGION";
/// Environment variable: the base URL.
pub const BASE_URL_ENV: &str = "TIM_BASE_URL";

/// The options every command that calls the service takes.
#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "Connection (flags beat the TIM_* environment variables)")]
pub struct ConnArgs {
    /// The app's SDKAppID [env: TIM_SDKAPPID].
    #[arg(long, value_name = "N")]
    pub sdkappid: Option<u32>,
    #[command(flatten)]
    pub key: KeyArgs,
    /// The app admin account calls are made as [env: TIM_ADMIN] [default: administrator].
    #[arg(long, value_name = "ID")]
    pub admin: Option<String>,
    /// The region whose API domain to call [env: TIM_REGION] (ids from the spec).
    #[arg(long, value_name = "REGION", conflicts_with = "base_url", help = region_help())]
    pub region: Option<String>,
    /// A custom base URL instead of a region, e.g. http://127.0.0.1:8080 for `tim emulator
    /// serve` [env: TIM_BASE_URL]. http:// is accepted for loopback hosts only, unless
    /// --insecure-http is given.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Allow a plain http:// base URL to a non-loopback host (the UserSig then travels
    /// unencrypted).
    #[arg(long)]
    pub insecure_http: bool,
    /// Call the region's standby domain (the backup host the docs give, e.g.
    /// adminapisgp.my-imcloud.com) instead of its main one.
    #[arg(long, conflicts_with = "base_url")]
    pub standby: bool,
}

/// The region ids of the spec, comma-separated.
pub fn region_ids() -> String {
    Region::ALL
        .iter()
        .map(|r| r.id())
        .collect::<Vec<_>>()
        .join(", ")
}

fn region_help() -> String {
    format!(
        "The region whose API domain to call [env: TIM_REGION]: {}",
        region_ids()
    )
}

/// Where the host came from, resolved.
enum Host {
    Region(Region),
    BaseUrl(String),
}

fn env_var(name: &str) -> Result<Option<String>, CliError> {
    match std::env::var(name) {
        Ok(v) if v.trim().is_empty() => Ok(None),
        Ok(v) => Ok(Some(v.trim().to_owned())),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => {
            Err(CliError::Usage(format!("{name} is not valid UTF-8")))
        }
    }
}

fn parse_region(value: &str, source: &str) -> Result<Region, CliError> {
    value.parse::<Region>().map_err(|_| {
        CliError::Usage(format!(
            "{source}: must be one of {}, got {value:?}",
            region_ids()
        ))
    })
}

/// Whether `url` (`http://host[:port]/...`) names a loopback host.
pub fn is_loopback_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    let Some(rest) = lower
        .strip_prefix("http://")
        .or_else(|| lower.strip_prefix("https://"))
    else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    host == "localhost"
        || host.ends_with(".localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

impl ConnArgs {
    /// The SDKAppID from `--sdkappid` or `TIM_SDKAPPID`.
    pub fn sdkappid(&self) -> Result<u32, CliError> {
        let n = match self.sdkappid {
            Some(n) => n,
            None => match env_var(SDKAPPID_ENV)? {
                Some(v) => v.parse::<u32>().map_err(|_| {
                    CliError::Usage(format!(
                        "{SDKAPPID_ENV}: must be an unsigned 32-bit integer, got {v:?}"
                    ))
                })?,
                None => {
                    return Err(CliError::Usage(format!(
                        "no SDKAppID: pass --sdkappid N or set {SDKAPPID_ENV}"
                    )));
                }
            },
        };
        if n == 0 {
            return Err(CliError::Usage("SDKAppID: must be non-zero, got 0".into()));
        }
        Ok(n)
    }

    /// The admin account from `--admin`, `TIM_ADMIN` or the default.
    pub fn admin(&self) -> Result<String, CliError> {
        let admin = match &self.admin {
            Some(a) => a.clone(),
            None => env_var(ADMIN_ENV)?.unwrap_or_else(|| tim_client::DEFAULT_ADMIN.to_owned()),
        };
        if admin.is_empty() {
            return Err(CliError::Usage(
                "--admin: must be a non-empty account, got \"\"".into(),
            ));
        }
        Ok(admin)
    }

    fn host(&self) -> Result<Host, CliError> {
        if let Some(r) = &self.region {
            return Ok(Host::Region(parse_region(r, "--region")?));
        }
        if let Some(u) = &self.base_url {
            return Ok(Host::BaseUrl(u.clone()));
        }
        match (env_var(REGION_ENV)?, env_var(BASE_URL_ENV)?) {
            (Some(r), None) => Ok(Host::Region(parse_region(&r, REGION_ENV)?)),
            (None, Some(u)) => Ok(Host::BaseUrl(u)),
            (Some(_), Some(_)) => Err(CliError::Usage(format!(
                "both {REGION_ENV} and {BASE_URL_ENV} are set: unset one, or pass --region or --base-url"
            ))),
            (None, None) => Err(CliError::Usage(format!(
                "no host: pass --region REGION or --base-url URL, or set {REGION_ENV} or {BASE_URL_ENV}"
            ))),
        }
    }

    /// Builds the client and the context error messages refer to.
    pub fn client(&self) -> Result<(Client, CallContext), CliError> {
        let sdkappid = self.sdkappid()?;
        let admin = self.admin()?;
        let host = self.host()?;
        let key = self.key.load()?;
        let mut builder = Client::builder(sdkappid)
            .secret_key(key)
            .admin(admin.clone());
        builder = match host {
            Host::Region(r) => builder.region(r).standby_domain(self.standby),
            Host::BaseUrl(_) if self.standby => {
                return Err(CliError::Usage(
                    "--standby needs a region (--region or TIM_REGION), not a base URL".to_owned(),
                ));
            }
            Host::BaseUrl(url) => {
                let plain = url.to_ascii_lowercase().starts_with("http://");
                if plain && !self.insecure_http && !is_loopback_url(&url) {
                    return Err(CliError::Usage(format!(
                        "base URL {url:?} is plain http, which would send the UserSig unencrypted: use https, a loopback host (127.0.0.1, ::1, localhost), or pass --insecure-http"
                    )));
                }
                builder.base_url(url).allow_insecure_http(plain)
            }
        };
        let client = builder
            .build()
            .map_err(|e| CliError::Usage(format!("invalid configuration: {e}")))?;
        let ctx = CallContext {
            sdkappid,
            admin,
            base_url: client.base_url().to_owned(),
        };
        Ok((client, ctx))
    }
}

#[cfg(test)]
mod tests {
    use super::is_loopback_url;

    #[test]
    fn loopback_hosts() {
        for url in [
            "http://127.0.0.1:8080",
            "http://127.1.2.3/",
            "http://localhost",
            "http://LOCALHOST:1/x",
            "http://[::1]:80",
            "http://user@127.0.0.1:9",
        ] {
            assert!(is_loopback_url(url), "{url}");
        }
        for url in [
            "http://10.0.0.1",
            "http://example.com",
            "http://127.0.0.1.example.com",
            "http://localhost.example.com:80",
            "http://[::2]",
            "ftp://127.0.0.1",
            "http://evil.com/127.0.0.1",
        ] {
            assert!(!is_loopback_url(url), "{url}");
        }
    }
}
