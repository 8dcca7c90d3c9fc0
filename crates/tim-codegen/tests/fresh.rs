//! The checked-in generated code matches `spec/`: `cargo test` fails when someone edits the
//! spec without running `cargo xtask codegen`, or edits a generated file by hand.

use std::path::Path;
use tim_codegen::ensure::{Mode, ensure_all};

#[test]
fn generated_code_is_fresh() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let spec = tim_spec::Spec::load(&root.join("spec")).unwrap_or_else(|e| panic!("{e}"));
    let files = tim_codegen::generate(&spec).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(files.len(), 6, "one file per emitter");
    if let Err(errors) = ensure_all(&root, &files, Mode::Check) {
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        panic!("{}", lines.join("\n"));
    }
}
