//! The real `spec/` loads and has no problems.

use std::path::Path;
use tim_spec::{Spec, validate::validate};

fn root() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec")
}

#[test]
fn real_spec_has_no_problems() {
    let spec = Spec::load_unvalidated(&root()).expect("spec parses");
    let problems = validate(&spec);
    assert!(
        problems.is_empty(),
        "{}",
        problems
            .iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn real_spec_covers_the_all_member_push_family() {
    let spec = Spec::load(&root()).expect("spec is valid");
    let methods: Vec<(&str, &str)> = spec
        .endpoints_of("all_member_push")
        .map(|e| (e.command.as_str(), e.method.as_str()))
        .collect();
    assert_eq!(
        methods,
        [
            ("im_add_tag", "add_tag"),
            ("im_get_attr", "get_attr"),
            ("im_get_attr_name", "get_attr_name"),
            ("im_get_tag", "get_tag"),
            ("im_push", "push"),
            ("im_remove_all_tags", "remove_all_tags"),
            ("im_remove_attr", "remove_attr"),
            ("im_remove_tag", "remove_tag"),
            ("im_set_attr", "set_attr"),
            ("im_set_attr_name", "set_attr_name"),
        ]
    );
    for e in spec.endpoints_of("all_member_push") {
        let expected = if e.command == "im_push" {
            tim_spec::RetrySafety::Never
        } else {
            tim_spec::RetrySafety::Safe
        };
        assert_eq!(e.retry, expected, "{}", e.command);
    }
    for e in &spec.endpoints {
        assert!(!e.samples.is_empty(), "{} has no sample", e.path());
    }
}
