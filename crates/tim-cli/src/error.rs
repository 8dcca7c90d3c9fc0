//! [`CliError`]: what a subcommand reports, the exit code it maps to, and how a
//! [`tim_client::Error`] becomes one, with advice on what to do.
//!
//! Exit codes (also listed in `tim --help`):
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | the service answered an error, an operation failed (e.g. a UserSig did not verify), or at least one account of a bulk command failed |
//! | 2 | usage or configuration error (bad flags, missing SDKAppID/key/host, invalid input), nothing sent |
//! | 3 | transport or network error: no usable answer from the server (connection, timeout, HTTP status, undecodable body); for a bulk command, when every account failed that way |

use std::fmt;
use std::process::ExitCode;

use tim_client::{Error as ClientError, ErrorCode, Validate};

/// Exit code: the service or an operation failed.
pub const EXIT_FAILED: u8 = 1;
/// Exit code: usage or configuration error.
pub const EXIT_USAGE: u8 = 2;
/// Exit code: transport or network error.
pub const EXIT_TRANSPORT: u8 = 3;

/// Checks `request` against the spec's limits before anything is sent: a broken limit is a
/// usage error, named after `what` (the flag or argument the values came from).
pub fn precheck(what: &str, request: &impl Validate) -> Result<(), CliError> {
    request
        .validate()
        .map_err(|e| CliError::Usage(format!("{what}: {e}; nothing was sent")))
}

/// A failed command: the message for stderr and the exit code class.
#[derive(Debug)]
pub enum CliError {
    /// The command line or configuration is incomplete or inconsistent (exit code 2).
    Usage(String),
    /// The operation ran and failed, e.g. a UserSig did not verify or a bulk item failed
    /// (exit code 1).
    Failed(String),
    /// The service answered an error code (exit code 1).
    Service {
        /// The full message, hints included.
        message: String,
        /// The service's `ErrorCode`.
        code: i64,
    },
    /// No usable answer from the server (exit code 3).
    Transport(String),
    /// The outcome was already printed in full (a bulk summary; with `--json`, its one JSON
    /// document): only the one-line `message` goes to stderr, and the process exits with
    /// `code` (1 failures, 3 transport).
    Reported {
        /// The exit code.
        code: u8,
        /// One line for stderr.
        message: String,
    },
}

impl CliError {
    /// The numeric exit code: 2 usage, 1 failures and service errors, 3 transport.
    pub fn code(&self) -> u8 {
        match self {
            CliError::Usage(_) => EXIT_USAGE,
            CliError::Failed(_) | CliError::Service { .. } => EXIT_FAILED,
            CliError::Transport(_) => EXIT_TRANSPORT,
            CliError::Reported { code, .. } => *code,
        }
    }

    /// The process exit code.
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.code())
    }

    /// A short name of the class, for JSON output: `usage`, `failed`, `service`,
    /// `transport`.
    pub fn kind(&self) -> &'static str {
        match self {
            CliError::Usage(_) => "usage",
            CliError::Failed(_) => "failed",
            CliError::Service { .. } => "service",
            CliError::Transport(_) => "transport",
            CliError::Reported { code, .. } if *code == EXIT_TRANSPORT => "transport",
            CliError::Reported { .. } => "failed",
        }
    }

    /// The service's error code, for [`CliError::Service`].
    pub fn service_code(&self) -> Option<i64> {
        match self {
            CliError::Service { code, .. } => Some(*code),
            _ => None,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Usage(m)
            | CliError::Failed(m)
            | CliError::Transport(m)
            | CliError::Service { message: m, .. }
            | CliError::Reported { message: m, .. } => f.write_str(m),
        }
    }
}

/// What the advice for a client error may refer to: the SDKAppID, admin and host in use.
#[derive(Debug, Clone)]
pub struct CallContext {
    /// The SDKAppID in use.
    pub sdkappid: u32,
    /// The admin account in use.
    pub admin: String,
    /// The base URL calls go to.
    pub base_url: String,
}

/// Advice the CLI adds for codes caused by its configuration, naming the flags and
/// environment variables to check.
fn config_advice(code: ErrorCode, ctx: &CallContext) -> Option<String> {
    let key_src = "--key-file PATH or TIM_SECRET_KEY";
    let app_src = "--sdkappid or TIM_SDKAPPID";
    use ErrorCode as E;
    match code {
        E::UsersigVerificationFailed => Some(format!(
            "the secret key does not match SDKAppID {}: use the key of this app ({key_src}), or the SDKAppID the key belongs to ({app_src})",
            ctx.sdkappid
        )),
        E::UsersigSdkAppIdMismatch
        | E::InvalidSdkAppId
        | E::SdkAppIdNotFound
        | E::PublicKeyNotFound => Some(format!(
            "check the SDKAppID ({app_src}, now {}) and that the key belongs to it ({key_src})",
            ctx.sdkappid
        )),
        E::UsersigIdentifierMismatch
        | E::InvalidAccountOrUsersig
        | E::InvalidAccountOrUsersigAlt
        | E::UsersigInvalid
        | E::UsersigInvalidAlt => Some(format!(
            "the UserSig is minted for the admin {:?} with the key: check --admin/TIM_ADMIN and {key_src}",
            ctx.admin
        )),
        E::AdminPermissionRequired | E::AdminRequired | E::AccountAdminRequired => Some(format!(
            "{:?} is not an app admin: pass the admin account with --admin or TIM_ADMIN",
            ctx.admin
        )),
        E::ResourceError => Some(format!(
            "the server at {} does not know this endpoint: check --base-url/TIM_BASE_URL or --region/TIM_REGION",
            ctx.base_url
        )),
        _ => None,
    }
}

/// Converts a client error into a [`CliError`] with the right exit code and advice.
pub fn from_client(err: &ClientError, ctx: &CallContext) -> CliError {
    match err {
        ClientError::Api {
            endpoint,
            code,
            info,
        } => {
            let mut message = format!(
                "{endpoint} failed with error {} {}",
                code.code(),
                code.name()
            );
            if let Some(d) = code.description() {
                message.push_str(&format!(": {d}"));
            }
            if !info.is_empty() {
                message.push_str(&format!("\n  the service said: {info}"));
            }
            if let Some(advice) = config_advice(*code, ctx) {
                message.push_str(&format!("\n  what to do: {advice}"));
            }
            if let Some(hint) = code.hint() {
                message.push_str(&format!("\n  hint: {hint}"));
            }
            CliError::Service {
                message,
                code: code.code(),
            }
        }
        ClientError::InvalidRequest(_) => {
            CliError::Usage(format!("{}; nothing was sent", err.chain()))
        }
        ClientError::Usersig(_) => CliError::Usage(format!(
            "{}\n  what to do: check --admin/TIM_ADMIN and the secret key",
            err.chain()
        )),
        ClientError::Transport { .. } | ClientError::Timeout { .. } => {
            CliError::Transport(format!(
                "{}\n  what to do: check that the server at {} is reachable (--base-url/TIM_BASE_URL, --region/TIM_REGION) and retry",
                err.chain(),
                ctx.base_url
            ))
        }
        ClientError::HttpStatus { .. } | ClientError::Decode { .. } => {
            CliError::Transport(format!(
                "{}\n  what to do: check that {} is the chat service's REST API (--base-url/TIM_BASE_URL) and retry later",
                err.chain(),
                ctx.base_url
            ))
        }
        _ => CliError::Failed(err.chain()),
    }
}
