//! The checked-in generated code matches `spec/`: `cargo test` fails when someone edits the
//! spec without running `cargo xtask codegen`, edits a generated file by hand, or leaves a
//! generated file behind that the spec no longer produces.

use std::path::Path;
use tim_codegen::ensure::{Mode, ensure_all};

#[test]
fn generated_code_is_fresh() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let spec = tim_spec::Spec::load(&root.join("spec")).unwrap_or_else(|e| panic!("{e}"));
    let files = tim_codegen::generate(&spec).unwrap_or_else(|e| panic!("{e}"));
    let mut problems: Vec<String> = match ensure_all(&root, &files, Mode::Check) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.iter().map(ToString::to_string).collect(),
    };
    let orphans = tim_codegen::ensure::orphans(&root, &files).unwrap_or_else(|e| panic!("{e}"));
    problems.extend(
        orphans
            .iter()
            .map(|o| format!("{o} is not generated from spec/ any more")),
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
