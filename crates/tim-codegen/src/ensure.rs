//! Writing generated files, or checking that the checked-in ones are up to date, in
//! rust-analyzer's `ensure_file_contents` style: [`Mode::Check`] never writes and names each
//! stale file with the command that fixes it.

use crate::GeneratedFile;
use std::io;
use std::path::{Path, PathBuf};

/// What to do with a file whose contents differ from the generated ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write it (creating folders as needed).
    Write,
    /// Report it as stale, without writing.
    Check,
}

/// What [`ensure_file_contents`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// The file already had the generated contents.
    Fresh,
    /// The file was missing or different and has been written ([`Mode::Write`] only).
    Written,
}

/// Why a file is not (or could not be made) up to date.
#[derive(Debug, thiserror::Error)]
pub enum EnsureError {
    /// [`Mode::Check`]: the file is missing or differs from the generated contents.
    #[error("{path} is out of date; run `cargo xtask codegen` and commit the result")]
    Stale {
        /// Path relative to the workspace root.
        path: String,
    },
    /// The file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
}

/// Makes `root/file.path` hold `file.contents` ([`Mode::Write`]) or checks that it does
/// ([`Mode::Check`]). Line endings of the existing file are normalised before comparing, so a
/// checkout with `\r\n` endings is not stale.
///
/// # Errors
///
/// [`EnsureError::Stale`] in check mode when the file is missing or differs;
/// [`EnsureError::Io`] when reading (other than "not found") or writing fails.
pub fn ensure_file_contents(
    root: &Path,
    file: &GeneratedFile,
    mode: Mode,
) -> Result<Status, EnsureError> {
    let path = root.join(&file.path);
    match std::fs::read_to_string(&path) {
        Ok(old) if normalize_newlines(&old) == file.contents => return Ok(Status::Fresh),
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(source) => return Err(EnsureError::Io { path, source }),
    }
    match mode {
        Mode::Check => Err(EnsureError::Stale {
            path: file.path.clone(),
        }),
        Mode::Write => {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|source| EnsureError::Io {
                    path: dir.to_owned(),
                    source,
                })?;
            }
            std::fs::write(&path, &file.contents)
                .map_err(|source| EnsureError::Io { path, source })?;
            Ok(Status::Written)
        }
    }
}

/// Runs [`ensure_file_contents`] over every file and collects every failure, so a check names
/// all stale files at once rather than the first.
///
/// # Errors
///
/// Every [`EnsureError`], in file order.
pub fn ensure_all(
    root: &Path,
    files: &[GeneratedFile],
    mode: Mode,
) -> Result<Vec<Status>, Vec<EnsureError>> {
    let mut statuses = Vec::with_capacity(files.len());
    let mut errors = Vec::new();
    for f in files {
        match ensure_file_contents(root, f, mode) {
            Ok(s) => statuses.push(s),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(statuses)
    } else {
        Err(errors)
    }
}

fn normalize_newlines(s: &str) -> String {
    s.replace("\r\n", "\n")
}

/// The `.rs` files in the generator's folders ([`crate::OUT_DIRS`]) that `files` does not
/// contain: left behind by a service or file that is no longer generated. Paths are relative
/// to `root`, with `/` separators, sorted.
///
/// # Errors
///
/// [`EnsureError::Io`] when a folder exists but cannot be listed.
pub fn orphans(root: &Path, files: &[GeneratedFile]) -> Result<Vec<String>, EnsureError> {
    let wanted: std::collections::HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let mut out = Vec::new();
    for dir in crate::OUT_DIRS {
        let path = root.join(dir);
        let entries = match std::fs::read_dir(&path) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(source) => return Err(EnsureError::Io { path, source }),
        };
        for entry in entries {
            let entry = entry.map_err(|source| EnsureError::Io {
                path: path.clone(),
                source,
            })?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if !name.ends_with(".rs") {
                continue;
            }
            let rel = format!("{dir}/{name}");
            if !wanted.contains(rel.as_str()) {
                out.push(rel);
            }
        }
    }
    out.sort();
    Ok(out)
}
