//! The machine-readable spec of the Tencent Cloud Chat server REST API: load and validate.
//!
//! `spec/` (documented in `spec/README.md`) is the project's single source of truth. This
//! crate reads it into [`Spec`] ([`model`]) and checks it ([`validate`]): unknown type
//! references, duplicate names, error codes used but not defined, samples that do not match
//! the declared fields... Every error names the file and the place inside it.
//!
//! ```
//! let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec");
//! let spec = tim_spec::Spec::load(&root).unwrap();
//! assert!(spec.endpoints.iter().any(|e| e.command == "im_get_tag"));
//! ```

#![warn(missing_docs)]

pub mod model;
pub mod validate;

pub use model::*;

use std::path::{Path, PathBuf};

/// What went wrong while loading or validating the spec, with the place it went wrong.
#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    /// A file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A file is not valid JSON or does not have the expected shape.
    #[error("{path}:{line}:{column}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// Line (1-based).
        line: usize,
        /// Column (1-based).
        column: usize,
        /// What serde said.
        message: String,
    },
    /// The spec parsed but is inconsistent. One entry per problem.
    #[error("the spec is invalid:\n{}", .0.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<validate::Problem>),
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ErrorsFile {
    errors: Vec<ErrorCodeDef>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct TypesFile {
    types: Vec<TypeDef>,
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, SpecError> {
    let text = std::fs::read_to_string(path).map_err(|source| SpecError::Io {
        path: path.to_owned(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|e| SpecError::Parse {
        path: path.to_owned(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })
}

fn endpoint_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), SpecError> {
    let entries = std::fs::read_dir(dir).map_err(|source| SpecError::Io {
        path: dir.to_owned(),
        source,
    })?;
    for entry in entries {
        let entry = entry.map_err(|source| SpecError::Io {
            path: dir.to_owned(),
            source,
        })?;
        let path = entry.path();
        if path.is_dir() {
            endpoint_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
    Ok(())
}

impl Spec {
    /// Reads `service.json`, `errors.json`, `types.json` and `endpoints/**/*.json` under
    /// `root`, then validates the whole. Output order is deterministic (errors by code,
    /// endpoints by service then command), whatever the directory order.
    pub fn load(root: &Path) -> Result<Spec, SpecError> {
        let spec = Spec::load_unvalidated(root)?;
        let problems = validate::validate(&spec);
        if problems.is_empty() {
            Ok(spec)
        } else {
            Err(SpecError::Invalid(problems))
        }
    }

    /// Like [`Spec::load`] without the consistency checks (for tools that report them).
    ///
    /// Still fails with [`SpecError::Invalid`] when an endpoint file is not at
    /// `endpoints/{service}/{command}.json` (its name is what locates every other problem).
    pub fn load_unvalidated(root: &Path) -> Result<Spec, SpecError> {
        let service: Service = read_json(&root.join("service.json"))?;
        let mut errors = read_json::<ErrorsFile>(&root.join("errors.json"))?.errors;
        errors.sort_by_key(|e| e.code);
        let types = read_json::<TypesFile>(&root.join("types.json"))?.types;
        let mut files = Vec::new();
        endpoint_files(&root.join("endpoints"), &mut files)?;
        files.sort();
        let mut endpoints = Vec::with_capacity(files.len());
        let mut misplaced = Vec::new();
        for f in &files {
            let endpoint = read_json::<Endpoint>(f)?;
            let expected = endpoint.file();
            if f != &root.join(&expected) {
                let actual = f.strip_prefix(root).unwrap_or(f);
                let actual: Vec<_> = actual.iter().map(|c| c.to_string_lossy()).collect();
                misplaced.push(validate::Problem {
                    location: actual.join("/"),
                    message: format!(
                        "holds `{}/{}`, so it must be `{expected}`",
                        endpoint.service, endpoint.command
                    ),
                });
            }
            endpoints.push(endpoint);
        }
        if !misplaced.is_empty() {
            return Err(SpecError::Invalid(misplaced));
        }
        endpoints.sort_by(|a, b| (&a.service, &a.command).cmp(&(&b.service, &b.command)));
        Ok(Spec {
            service,
            errors,
            types,
            endpoints,
        })
    }

    /// Looks up a named type.
    pub fn type_def(&self, name: &str) -> Option<&TypeDef> {
        self.types.iter().find(|t| t.name() == name)
    }

    /// Looks up an error code.
    pub fn error(&self, code: i64) -> Option<&ErrorCodeDef> {
        self.errors.iter().find(|e| e.code == code)
    }
}
