//! Where the app key comes from: `--key-file PATH`, `--key KEY` (unsafe on shared
//! machines) or the `TIM_SECRET_KEY` environment variable, in that order.

use std::path::PathBuf;

use tim_usersig::SecretKey;

use crate::error::CliError;

/// Environment variable holding the app key.
pub const KEY_ENV: &str = "TIM_SECRET_KEY";

/// Key options shared by every command that signs or verifies.
#[derive(Debug, Clone, clap::Args)]
pub struct KeyArgs {
    /// Read the app key from PATH (surrounding whitespace is ignored). Without --key-file
    /// or --key, the key is read from the TIM_SECRET_KEY environment variable.
    #[arg(long, value_name = "PATH", conflicts_with = "key")]
    key_file: Option<PathBuf>,
    /// The app key itself. UNSAFE on shared machines: other users can read command lines
    /// (ps, /proc). Prefer --key-file or TIM_SECRET_KEY.
    #[arg(long, value_name = "KEY")]
    key: Option<String>,
}

impl KeyArgs {
    /// Loads the key. No source at all is a usage error; an unreadable or empty source is a
    /// failure. Messages never include the key.
    pub fn load(&self) -> Result<SecretKey, CliError> {
        let (key, source) = if let Some(path) = &self.key_file {
            let text = std::fs::read_to_string(path).map_err(|e| {
                CliError::Usage(format!("cannot read key file {}: {e}", path.display()))
            })?;
            warn_if_shared(path);
            let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_owned();
            if text.trim().lines().count() > 1 {
                return Err(CliError::Usage(format!(
                    "key file {}: must hold the key alone, on one line, got {} lines",
                    path.display(),
                    text.trim().lines().count()
                )));
            }
            (text, format!("key file {}", path.display()))
        } else if let Some(key) = &self.key {
            eprintln!(
                "warning: --key puts the app key on the command line, where other users of this \
                 machine can read it (ps, /proc); prefer --key-file PATH or {KEY_ENV}"
            );
            (key.clone(), "--key".to_owned())
        } else {
            match std::env::var(KEY_ENV) {
                Ok(v) => (v, KEY_ENV.to_owned()),
                Err(std::env::VarError::NotPresent) => {
                    return Err(CliError::Usage(format!(
                        "no app key: pass --key-file PATH or set {KEY_ENV}"
                    )));
                }
                Err(std::env::VarError::NotUnicode(_)) => {
                    return Err(CliError::Failed(format!("{KEY_ENV} is not valid UTF-8")));
                }
            }
        };
        let key = key.trim();
        if key.is_empty() {
            return Err(CliError::Usage(format!(
                "the app key from {source} is empty"
            )));
        }
        Ok(SecretKey::new(key))
    }
}

/// Warns when the key file can be read or written by other users of the machine.
#[cfg(unix)]
fn warn_if_shared(path: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = std::fs::metadata(path) {
        let mode = meta.permissions().mode();
        if mode & 0o006 != 0 {
            eprintln!(
                "warning: key file {} is {} by other users (mode {:o}); restrict it: chmod 600 {}",
                path.display(),
                match (mode & 0o004 != 0, mode & 0o002 != 0) {
                    (true, true) => "readable and writable",
                    (true, false) => "readable",
                    _ => "writable",
                },
                mode & 0o777,
                path.display()
            );
        }
    }
}

#[cfg(not(unix))]
fn warn_if_shared(_: &std::path::Path) {}
