//! The code generated from each fixture spec (`tests/fixtures/*`, the generator's edge cases:
//! keywords, unions, maps, rules...) compiles, not only parses: a scratch workspace holds the
//! model crate's hand-written runtime with the fixture's generated modules, and `cargo check`
//! must pass. (The client's and emulator's generated files need their hand-written crates,
//! which are written against the real spec; the extension proof compiles those.)
//!
//! `#[ignore]`d in the everyday `cargo test` (a nested cargo); CI runs it with `--ignored`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A scratch workspace with the model crate's hand-written files, but no spec-specific
/// conveniences (`push.rs`, which names `all_member_push` types).
fn scratch_model(dir: &Path) {
    let root = workspace_root();
    let _ = std::fs::remove_dir_all(dir);
    let src = dir.join("tim-model/src");
    std::fs::create_dir_all(&src).expect("create scratch");
    for f in [
        "batch.rs",
        "callback.rs",
        "endpoint.rs",
        "error_code.rs",
        "lenient.rs",
        "random.rs",
        "validate.rs",
    ] {
        std::fs::copy(root.join("crates/tim-model/src").join(f), src.join(f)).expect("copy");
    }
    let lib = std::fs::read_to_string(root.join("crates/tim-model/src/lib.rs")).expect("lib.rs");
    let lib: String = lib
        .lines()
        .filter(|l| !l.starts_with("//!") && *l != "mod push;" && !l.contains("push::"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(
        src.join("lib.rs"),
        format!("//! Scratch copy of tim-model.\n{lib}"),
    )
    .expect("write lib.rs");
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).expect("copy Cargo.lock");
    std::fs::write(
        dir.join("Cargo.toml"),
        r#"[workspace]
resolver = "3"
members = ["tim-model"]

[workspace.dependencies]
serde = { version = "1", features = ["derive"] }
serde_json = "1"
thiserror = "2"
"#,
    )
    .expect("write Cargo.toml");
    std::fs::write(
        dir.join("tim-model/Cargo.toml"),
        r#"[package]
name = "tim-model"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
serde.workspace = true
serde_json.workspace = true
thiserror.workspace = true
"#,
    )
    .expect("write tim-model/Cargo.toml");
}

#[test]
#[ignore = "runs cargo check on scratch crates; CI runs it with --ignored"]
fn the_code_generated_from_each_fixture_compiles() {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let target = tmp.parent().expect("target folder").join("fixture-check");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut names: Vec<_> = std::fs::read_dir(&fixtures)
        .expect("fixtures")
        .map(|e| e.expect("entry").file_name())
        .collect();
    names.sort();
    assert!(!names.is_empty());
    for name in names {
        let spec = tim_spec::Spec::load(&fixtures.join(&name)).unwrap_or_else(|e| panic!("{e}"));
        let files = tim_codegen::generate(&spec).unwrap_or_else(|e| panic!("{e}"));
        let dir = tmp.join("fixture-check").join(&name);
        scratch_model(&dir);
        for f in files
            .iter()
            .filter(|f| f.path.starts_with(tim_codegen::MODEL_DIR))
        {
            let rel = f.path.strip_prefix("crates/").expect("under crates/");
            let path = dir.join(rel);
            std::fs::create_dir_all(path.parent().expect("folder")).expect("create folder");
            std::fs::write(&path, &f.contents).expect("write generated file");
        }
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let out = Command::new(cargo)
            .current_dir(&dir)
            .args(["check", "--offline", "--quiet"])
            .env("CARGO_TARGET_DIR", &target)
            .output()
            .expect("run cargo check");
        assert!(
            out.status.success(),
            "fixture {}: generated code does not compile:\n{}",
            name.to_string_lossy(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
