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

#[test]
fn assumptions_and_rules_that_name_nothing_are_refused() {
    use tim_spec::{Assumption, LimitKind, Rule};
    let mut spec = Spec::load(&root()).expect("spec is valid");
    // A callback assumption about something the command does not have.
    let cb = spec
        .callbacks
        .iter_mut()
        .find(|c| c.command == "C2C.CallbackBeforeSendMsg")
        .expect("C2C.CallbackBeforeSendMsg");
    cb.assumptions.push(Assumption {
        about: "payload.NoSuchField".to_owned(),
        doc: "x".to_owned(),
    });
    cb.assumptions.push(Assumption {
        about: "kind".to_owned(),
        doc: " ".to_owned(),
    });
    // An endpoint assumption about a query parameter it does not have.
    let ep = spec
        .endpoints
        .iter_mut()
        .find(|e| e.command == "GetIPList")
        .expect("GetIPList");
    ep.assumptions.push(Assumption {
        about: "query.nosuch".to_owned(),
        doc: "x".to_owned(),
    });
    // `present` on a required field; `at_least_one` naming a required field.
    let ep = spec
        .endpoints
        .iter_mut()
        .find(|e| e.command == "setnospeaking")
        .expect("setnospeaking");
    ep.request.fields[0].limits.push(tim_spec::Limit {
        kind: LimitKind::Present,
        error: None,
    });
    ep.request.rules.push(Rule::AtLeastOne {
        fields: vec!["Set_Account".to_owned(), "C2CmsgNospeakingTime".to_owned()],
        error: None,
    });
    // `requires`: values on a string field; a required `then` field.
    ep.request.rules.push(Rule::Requires {
        when: tim_spec::Condition {
            field: "Set_Account".to_owned(),
            values: Some(vec![1]),
        },
        then: vec!["Set_Account".to_owned()],
        error: None,
    });
    let problems: Vec<String> = validate(&spec).iter().map(|p| p.to_string()).collect();
    let has = |what: &str| problems.iter().any(|p| p.contains(what));
    assert!(
        has("assumptions[0] (payload.NoSuchField): `about` must name"),
        "{problems:#?}"
    );
    assert!(
        has("(kind): an assumption needs its `doc`"),
        "{problems:#?}"
    );
    assert!(has("(query.nosuch): `about` must name"), "{problems:#?}");
    assert!(has("`present` applies to optional fields"), "{problems:#?}");
    assert!(
        has("field `Set_Account` is required, so the rule always holds"),
        "{problems:#?}"
    );
    assert!(has("`if.values` needs an integer field"), "{problems:#?}");
    assert_eq!(problems.len(), 7, "{problems:#?}");
}
