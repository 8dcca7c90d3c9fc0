//! Snapshot of everything the generator emits for each small fixture spec under
//! `tests/fixtures/<name>/` (one edge case family per fixture; see each `api.json`).

use std::fmt::Write;

#[test]
fn generated_files_for_each_fixture() {
    insta::glob!("fixtures/*/api.json", |api| {
        let dir = api.parent().expect("api.json has a folder");
        let spec = tim_spec::Spec::load(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let files =
            tim_codegen::generate(&spec).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let mut all = String::new();
        for f in &files {
            writeln!(all, "==> {} <==\n{}", f.path, f.contents).expect("writing to a String");
        }
        insta::assert_snapshot!(all);
    });
}
