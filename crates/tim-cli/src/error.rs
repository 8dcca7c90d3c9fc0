//! [`CliError`]: what a subcommand reports, and the exit code it maps to.

use std::fmt;
use std::process::ExitCode;

/// A failed command: the message for stderr and the exit code class.
#[derive(Debug)]
pub enum CliError {
    /// The command line is incomplete or inconsistent (exit code 2).
    Usage(String),
    /// The operation ran and failed, e.g. a UserSig did not verify (exit code 1).
    Failed(String),
}

impl CliError {
    /// The process exit code: 2 for usage errors, 1 for failures.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            CliError::Usage(_) => ExitCode::from(2),
            CliError::Failed(_) => ExitCode::from(1),
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Usage(m) | CliError::Failed(m) => f.write_str(m),
        }
    }
}
