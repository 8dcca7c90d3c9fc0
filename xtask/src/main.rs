//! Project tasks, run as `cargo xtask <task>` (the alias lives in `.cargo/config.toml`).
//!
//! - `codegen`: regenerate the generated folders of tim-model, tim-client and
//!   tim-emulator from `spec/`, deleting generated files no longer produced.
//! - `codegen --check`: fail, naming each stale or orphaned file, without writing anything.
//! - `openapi`: regenerate `openapi/openapi.json` (the OpenAPI 3.1 export of `spec/`).
//! - `openapi --check`: fail, naming the stale file, without writing anything.
//! - `docs-check --docs DIR`: the drift checker (`tim_spec::drift`): where the spec differs
//!   from the official pages; fails on a difference not accepted in `spec/docs-allow.json`.
//!
//! No generation logic lives here: see the `tim-codegen` crate.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tim_codegen::ensure::{self, Mode, Status};

const HELP: &str = "\
Usage: cargo xtask <task> [options]

Tasks:
  codegen           Regenerate the generated code of tim-model, tim-client, tim-emulator
  codegen --check   Check that the generated files are up to date (none stale or orphaned)
  openapi           Regenerate openapi/openapi.json (OpenAPI 3.1) from spec/
  openapi --check   Check that openapi/openapi.json is up to date; write nothing
  docs-check --docs DIR
                    Compare the spec with a checkout of the official docs (Markdown pages):
                    samples, error tables, call frequency, field names, error descriptions;
                    fails on a difference that spec/docs-allow.json does not accept
  help              Show this list
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["codegen"] => codegen(Mode::Write),
        ["codegen", "--check"] => codegen(Mode::Check),
        ["openapi"] => openapi(Mode::Write),
        ["openapi", "--check"] => openapi(Mode::Check),
        ["docs-check", "--docs", dir] => docs_check(Path::new(dir)),
        [] | ["help" | "--help" | "-h"] => {
            print!("{HELP}");
            ExitCode::SUCCESS
        }
        _ => {
            eprint!("unknown task or option: {}\n\n{HELP}", args.join(" "));
            ExitCode::from(2)
        }
    }
}

/// The workspace root: the parent of this crate's folder. Read at run time (`cargo run`
/// sets `CARGO_MANIFEST_DIR`), so a binary built in one checkout and run from another (a
/// shared target folder, git worktrees) works on the checkout it is run in.
fn root() -> PathBuf {
    let here = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    here.parent().map_or_else(|| here.clone(), Path::to_owned)
}

fn load_spec(root: &Path) -> Option<tim_spec::Spec> {
    match tim_spec::Spec::load(&root.join("spec")) {
        Ok(spec) => Some(spec),
        Err(e) => {
            eprintln!("error: {e}");
            None
        }
    }
}

fn codegen(mode: Mode) -> ExitCode {
    let root = root();
    let Some(spec) = load_spec(&root) else {
        return ExitCode::FAILURE;
    };
    let files = match tim_codegen::generate(&spec) {
        Ok(files) => files,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let orphans = match ensure::orphans(&root, &files) {
        Ok(orphans) => orphans,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut failed = false;
    for orphan in &orphans {
        if mode == Mode::Check {
            eprintln!(
                "error: {orphan} is not generated from spec/ any more; run `cargo xtask codegen` \
                 (which deletes it) and commit the result"
            );
            failed = true;
        } else if let Err(e) = std::fs::remove_file(root.join(orphan)) {
            eprintln!("error: cannot delete {orphan}: {e}");
            failed = true;
        } else {
            println!("deleted {orphan} (no longer generated)");
        }
    }
    match ensure::ensure_all(&root, &files, mode) {
        Ok(statuses) => {
            for (file, status) in files.iter().zip(statuses) {
                match status {
                    Status::Written => println!("wrote {}", file.path),
                    Status::Fresh if mode == Mode::Check => println!("{} is up to date", file.path),
                    Status::Fresh => println!("{} unchanged", file.path),
                }
            }
            if failed {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(errors) => {
            for e in errors {
                eprintln!("error: {e}");
            }
            ExitCode::FAILURE
        }
    }
}

fn openapi(mode: Mode) -> ExitCode {
    let root = root();
    let Some(spec) = load_spec(&root) else {
        return ExitCode::FAILURE;
    };
    let file = match tim_codegen::openapi::openapi(&spec) {
        Ok(file) => file,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    match ensure::ensure_file_contents(&root, &file, mode) {
        Ok(Status::Written) => println!("wrote {}", file.path),
        Ok(Status::Fresh) if mode == Mode::Check => println!("{} is up to date", file.path),
        Ok(Status::Fresh) => println!("{} unchanged", file.path),
        // `ensure`'s own message names `cargo xtask codegen`; this file has its own task.
        Err(ensure::EnsureError::Stale { path }) => {
            eprintln!(
                "error: {path} is out of date; run `cargo xtask openapi` and commit the result"
            );
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

fn docs_check(docs: &Path) -> ExitCode {
    let root = root();
    let Some(spec) = load_spec(&root) else {
        return ExitCode::FAILURE;
    };
    let allow = match tim_spec::drift::load_allow(&root.join("spec/docs-allow.json")) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let findings = match tim_spec::drift::check(&spec, docs) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {}: {e}", docs.display());
            return ExitCode::FAILURE;
        }
    };
    let mut open = 0;
    for f in &findings {
        let accepted = allow.iter().find(|a| a.covers(f));
        match accepted {
            Some(a) => println!(
                "accepted  {} {} {}: {} ({})",
                f.endpoint, f.check, f.key, f.message, a.reason
            ),
            None => {
                open += 1;
                println!(
                    "DIFFERS   {} {} {}: {}",
                    f.endpoint, f.check, f.key, f.message
                );
            }
        }
    }
    let stale: Vec<_> = allow
        .iter()
        .filter(|a| !findings.iter().any(|f| a.covers(f)))
        .collect();
    for a in &stale {
        println!(
            "stale     {} {} {}: accepted in spec/docs-allow.json, no longer found",
            a.endpoint, a.check, a.key
        );
    }
    println!(
        "{} differences: {} accepted, {open} not; {} stale allow-list entries",
        findings.len(),
        findings.len() - open,
        stale.len()
    );
    if open == 0 && stale.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
