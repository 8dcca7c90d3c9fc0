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
//! assert!(spec.services.iter().any(|s| s.name == "all_member_push"));
//! ```

#![warn(missing_docs)]

pub mod callbacks;
pub mod drift;
pub mod model;
pub mod validate;

pub use callbacks::*;
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

/// The entries of `dir`, sorted by name (so loading never depends on directory order).
fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>, SpecError> {
    let io = |source| SpecError::Io {
        path: dir.to_owned(),
        source,
    };
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        out.push(entry.map_err(io)?.path());
    }
    out.sort();
    Ok(out)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Reads `callbacks/` (absent: no callbacks): `callbacks.json`, then each family folder's
/// `family.json` and command files.
#[allow(clippy::type_complexity)]
fn load_callbacks(
    dir: &Path,
) -> Result<(Option<CallbackApi>, Vec<CallbackFamily>, Vec<Callback>), SpecError> {
    if !dir.is_dir() {
        return Ok((None, Vec::new(), Vec::new()));
    }
    let api: CallbackApi = read_json(&dir.join("callbacks.json"))?;
    let (mut families, mut callbacks, mut misplaced) = (Vec::new(), Vec::new(), Vec::new());
    for sub in sorted_entries(dir)? {
        if !sub.is_dir() {
            continue;
        }
        let prefix = file_name(&sub);
        let meta = sub.join("family.json");
        if !meta.is_file() {
            misplaced.push(validate::Problem {
                location: format!("callbacks/{prefix}"),
                message: "a callback family folder needs its family.json".to_owned(),
            });
            continue;
        }
        let mut family: CallbackFamily = read_json(&meta)?;
        family.prefix = prefix.clone();
        family.scope = format!("callbacks/{prefix}");
        for f in sorted_entries(&sub)? {
            let name = file_name(&f);
            if name == "family.json" || f.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let mut callback: Callback = read_json(&f)?;
            callback.prefix = prefix.clone();
            let actual = format!("callbacks/{prefix}/{name}");
            let expected = callback.file();
            if actual != expected || !callback.command.starts_with(&format!("{prefix}.")) {
                misplaced.push(validate::Problem {
                    location: actual,
                    message: format!(
                        "holds `{}`, so it must be `callbacks/{{Prefix}}/{{Name}}.json` for                          command `{{Prefix}}.{{Name}}`",
                        callback.command
                    ),
                });
            }
            callbacks.push(callback);
        }
        families.push(family);
    }
    if !misplaced.is_empty() {
        return Err(SpecError::Invalid(misplaced));
    }
    callbacks.sort_by(|a, b| a.command.cmp(&b.command));
    Ok((Some(api), families, callbacks))
}

impl Spec {
    /// Reads `api.json`, `errors.json`, `types.json` and every
    /// `services/{service}/service.json` and `services/{service}/endpoints/{command}.json`
    /// under `root`, then validates the whole. Output order is deterministic (errors by
    /// code, services by name, endpoints by service then command), whatever the directory
    /// order.
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
    /// Still fails with [`SpecError::Invalid`] when the layout is wrong: a file under
    /// `services/{service}/endpoints/` that is not `{command}.json` for the command it holds,
    /// or a service folder without `service.json` (file names locate every other problem).
    pub fn load_unvalidated(root: &Path) -> Result<Spec, SpecError> {
        let api: Api = read_json(&root.join("api.json"))?;
        let mut errors = read_json::<ErrorsFile>(&root.join("errors.json"))?.errors;
        errors.sort_by_key(|e| e.code);
        let types = read_json::<TypesFile>(&root.join("types.json"))?.types;
        let mut services = Vec::new();
        let mut endpoints = Vec::new();
        let mut misplaced = Vec::new();
        for dir in sorted_entries(&root.join("services"))? {
            if !dir.is_dir() {
                continue;
            }
            let name = file_name(&dir);
            let meta = dir.join("service.json");
            if !meta.is_file() {
                misplaced.push(validate::Problem {
                    location: format!("services/{name}"),
                    message: "a service folder needs its service.json".to_owned(),
                });
                continue;
            }
            let mut service: ServiceDef = read_json(&meta)?;
            service.name = name.clone();
            let ep_dir = dir.join("endpoints");
            if ep_dir.is_dir() {
                for f in sorted_entries(&ep_dir)? {
                    if f.extension().is_none_or(|e| e != "json") {
                        continue;
                    }
                    let mut endpoint = read_json::<Endpoint>(&f)?;
                    endpoint.service = name.clone();
                    let actual = format!("services/{name}/endpoints/{}", file_name(&f));
                    let expected = endpoint.file();
                    if actual != expected {
                        misplaced.push(validate::Problem {
                            location: actual,
                            message: format!(
                                "holds `{}/{}`, so it must be `{expected}`",
                                endpoint.service, endpoint.command
                            ),
                        });
                    }
                    endpoints.push(endpoint);
                }
            }
            services.push(service);
        }
        if !misplaced.is_empty() {
            return Err(SpecError::Invalid(misplaced));
        }
        endpoints.sort_by(|a, b| (&a.service, &a.command).cmp(&(&b.service, &b.command)));
        let (callback_api, callback_families, callbacks) = load_callbacks(&root.join("callbacks"))?;
        Ok(Spec {
            api,
            errors,
            types,
            services,
            endpoints,
            callback_api,
            callback_families,
            callbacks,
        })
    }

    /// The service an endpoint belongs to.
    pub fn service_of(&self, endpoint: &Endpoint) -> Option<&ServiceDef> {
        self.service(&endpoint.service)
    }

    /// Looks up a service by its path name.
    pub fn service(&self, name: &str) -> Option<&ServiceDef> {
        self.services.iter().find(|s| s.name == name)
    }

    /// The endpoints of one service, in command order.
    pub fn endpoints_of<'a>(&'a self, service: &'a str) -> impl Iterator<Item = &'a Endpoint> {
        self.endpoints.iter().filter(move |e| e.service == service)
    }

    /// Looks up a named type as seen from `scope`: its own types first, then the common
    /// ones (`None` for `scope` looks in the common types only). A scope is a service's
    /// name (`all_member_push`) or a callback family's [`CallbackFamily::scope`]
    /// (`callbacks/C2C`).
    pub fn type_in(&self, scope: Option<&str>, name: &str) -> Option<&TypeDef> {
        scope
            .and_then(|s| self.scope_types(s))
            .and_then(|(_, types)| types.iter().find(|t| t.name() == name))
            .or_else(|| self.types.iter().find(|t| t.name() == name))
    }

    /// The Rust module path (`group`, `callbacks::c2c`) and the own types of a scope (see
    /// [`Spec::type_in`]).
    pub fn scope_types(&self, scope: &str) -> Option<(String, &[TypeDef])> {
        match scope.strip_prefix("callbacks/") {
            Some(prefix) => self
                .callback_family(prefix)
                .map(|f| (format!("callbacks::{}", f.module), f.types.as_slice())),
            None => self
                .service(scope)
                .map(|s| (s.module().to_owned(), s.types.as_slice())),
        }
    }

    /// Looks up a callback family by its prefix (`C2C`).
    pub fn callback_family(&self, prefix: &str) -> Option<&CallbackFamily> {
        self.callback_families.iter().find(|f| f.prefix == prefix)
    }

    /// The callbacks of one family, in command order.
    pub fn callbacks_of<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = &'a Callback> {
        self.callbacks.iter().filter(move |c| c.prefix == prefix)
    }

    /// Whether `name` is a common type (module `common`) rather than a service's own.
    pub fn is_common_type(&self, name: &str) -> bool {
        self.types.iter().any(|t| t.name() == name)
    }

    /// Every named type with the service that owns it (`None`: common), common ones first.
    pub fn all_types(&self) -> impl Iterator<Item = (Option<&ServiceDef>, &TypeDef)> {
        self.types.iter().map(|t| (None, t)).chain(
            self.services
                .iter()
                .flat_map(|s| s.types.iter().map(move |t| (Some(s), t))),
        )
    }

    /// Looks up a named type anywhere (common types first, then each service's).
    pub fn type_def(&self, name: &str) -> Option<&TypeDef> {
        self.all_types().map(|(_, t)| t).find(|t| t.name() == name)
    }

    /// Looks up an error code.
    pub fn error(&self, code: i64) -> Option<&ErrorCodeDef> {
        self.errors.iter().find(|e| e.code == code)
    }
}
