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

/// Every snapshot of this test belongs to a fixture folder: a fixture removed or renamed
/// leaves no stale snapshot behind.
#[test]
fn no_snapshot_outlives_its_fixture() {
    let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut expected: Vec<String> = std::fs::read_dir(here.join("fixtures"))
        .expect("fixtures")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .map(|name| {
            format!("fixtures_snap__generated_files_for_each_fixture@{name}__api.json.snap")
        })
        .collect();
    expected.sort();
    let mut found: Vec<String> = std::fs::read_dir(here.join("snapshots"))
        .expect("snapshots")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("fixtures_snap__") && n.ends_with(".snap"))
        .collect();
    found.sort();
    assert_eq!(found, expected);
}
