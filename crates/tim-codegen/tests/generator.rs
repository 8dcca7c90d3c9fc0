//! Behaviour of the generator through its public API: determinism, adding an endpoint to a
//! spec, errors on inconsistent specs, and the write/check modes of `ensure`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use tim_codegen::ensure::{EnsureError, Mode, Status, ensure_all, ensure_file_contents};
use tim_codegen::{CodegenError, GeneratedFile, generate};
use tim_spec::{Field, Spec, TypeDef};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn load(name: &str) -> Spec {
    Spec::load(&fixture(name)).unwrap_or_else(|e| panic!("{e}"))
}

/// A fresh, empty folder for one test under cargo's per-target temporary folder.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("tim-codegen")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch folder");
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    for entry in std::fs::read_dir(from).expect("read folder") {
        let entry = entry.expect("folder entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy file");
        }
    }
}

fn file<'a>(files: &'a [GeneratedFile], name: &str) -> &'a str {
    let f = files.iter().find(|f| f.path.ends_with(&format!("/{name}")));
    &f.unwrap_or_else(|| panic!("no {name}")).contents
}

/// Names of the structs, enums, consts and functions (including those in impl blocks) of a
/// generated file, parsed back with syn.
fn item_names(text: &str) -> BTreeSet<String> {
    let file = syn::parse_file(text).expect("generated code parses");
    let mut names = BTreeSet::new();
    for item in file.items {
        match item {
            syn::Item::Struct(s) => drop(names.insert(s.ident.to_string())),
            syn::Item::Enum(e) => drop(names.insert(e.ident.to_string())),
            syn::Item::Const(c) => drop(names.insert(c.ident.to_string())),
            syn::Item::Fn(f) => drop(names.insert(f.sig.ident.to_string())),
            syn::Item::Impl(i) => {
                for it in i.items {
                    if let syn::ImplItem::Fn(f) = it {
                        names.insert(f.sig.ident.to_string());
                    }
                }
            }
            _ => {}
        }
    }
    names
}

#[test]
fn same_spec_gives_the_same_bytes() {
    for name in ["tags", "push"] {
        let first = generate(&load(name)).unwrap();
        let second = generate(&load(name)).unwrap();
        assert_eq!(first, second, "fixture {name}");
        for f in &first {
            assert!(f.contents.starts_with(tim_codegen::HEADER), "{}", f.path);
            assert!(!f.contents.contains('\r'), "{}", f.path);
        }
    }
}

#[test]
fn adding_an_endpoint_adds_a_method_and_its_types() {
    let dir = scratch("add-endpoint");
    copy_dir(&fixture("tags"), &dir);
    let before = generate(&Spec::load(&dir).unwrap()).unwrap();

    std::fs::write(
        dir.join("services/all_member_push/endpoints/im_remove_all_tags.json"),
        r#"{
          "command": "im_remove_all_tags", "method": "remove_all_tags",
          "title": "Delete all tags of users", "doc": "Deletes every tag of up to 100 accounts.",
          "doc_url": "https://intl.cloud.tencent.com/document/product/1047/37175",
          "rate_limit": { "per_second": 100, "error": 90024 }, "retry": "safe",
          "batch": { "field": "To_Account" }, "errors": [90001, 90018, 90024],
          "request": { "fields": [ { "json": "To_Account", "type": "array<string>", "required": true,
            "doc": "The accounts.", "limits": [ { "kind": "max_items", "value": 100, "error": 90018 } ] } ] },
          "response": { "fields": [] }
        }"#,
    )
    .unwrap();
    let after = generate(&Spec::load(&dir).unwrap()).unwrap();

    let added = |path: &str| -> BTreeSet<String> {
        let (b, a) = (
            item_names(file(&before, path)),
            item_names(file(&after, path)),
        );
        assert!(b.is_subset(&a), "{path}: nothing disappears");
        a.difference(&b).cloned().collect()
    };
    let set = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    // The client handle gains the method and the bulk handle its bulk form (a batch
    // endpoint); the model gains the types, their checks, the constant and the batch impl;
    // the emulator's behaviour gains the conformance default.
    assert_eq!(
        added("tim-client/src/services/all_member_push.rs"),
        set(&["remove_all_tags"])
    );
    let model = "tim-model/src/generated/all_member_push.rs";
    assert_eq!(
        added(model),
        set(&[
            "RemoveAllTagsRequest",
            "RemoveAllTagsResponse",
            "REMOVE_ALL_TAGS",
            "item_account",
            "with_items",
            "into_results",
            "result_account",
            "validate_at",
            "new",
            "from",
            "envelope",
        ])
        .intersection(&added(model))
        .cloned()
        .collect()
    );
    let model_after = file(&after, model);
    assert!(model_after.contains("pub struct RemoveAllTagsRequest"));
    assert!(model_after.contains("impl Validate for RemoveAllTagsRequest"));
    assert!(model_after.contains("impl crate::batch::BatchRequest for RemoveAllTagsRequest"));
    assert!(model_after.contains("pub const REMOVE_ALL_TAGS: crate::endpoint::Endpoint"));
    let endpoints = file(&after, "tim-model/src/generated/endpoints.rs");
    assert!(endpoints.contains(r#""all_member_push/im_remove_all_tags" =>"#));
    assert!(endpoints.contains("Some(&crate::all_member_push::REMOVE_ALL_TAGS)"));
    assert!(
        visited_types(endpoints).contains(&"RemoveAllTagsRequest".to_owned()),
        "visit_requests visits the new endpoint"
    );
    let surface = file(&after, "tim-emulator/src/generated/all_member_push.rs");
    assert!(surface.contains("fn remove_all_tags("));
    assert!(surface.contains(r#""im_remove_all_tags" =>"#));
    // The untouched parts of the output are unchanged.
    for path in [
        "errors.rs",
        "regions.rs",
        "generated/mod.rs",
        "services/mod.rs",
    ] {
        assert_eq!(file(&before, path), file(&after, path), "{path}");
    }
}

/// The last path segment of a type (`super::types::GetTagRequest` → `GetTagRequest`).
fn type_name(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().expect("a path").ident.to_string(),
        other => panic!("not a type path: {}", quote::quote!(#other)),
    }
}

/// The types `visit_requests` of a generated `endpoints.rs` hands to `visitor.visit`, in order.
fn visited_types(endpoints: &str) -> Vec<String> {
    let file = syn::parse_file(endpoints).expect("generated code parses");
    let body = file
        .items
        .into_iter()
        .find_map(|item| match item {
            syn::Item::Fn(f) if f.sig.ident == "visit_requests" => Some(f.block),
            _ => None,
        })
        .expect("endpoints.rs has visit_requests");
    body.stmts
        .iter()
        .map(|stmt| match stmt {
            syn::Stmt::Expr(syn::Expr::MethodCall(call), Some(_)) if call.method == "visit" => {
                let args = &call.turbofish.as_ref().expect("visit::<R>").args;
                match args.first() {
                    Some(syn::GenericArgument::Type(ty)) if args.len() == 1 => type_name(ty),
                    _ => panic!("visit takes one type argument"),
                }
            }
            other => panic!("unexpected statement: {}", quote::quote!(#other)),
        })
        .collect()
}

/// The types of a generated `types.rs` that implement `Request`, in file order.
fn request_impls(types: &str) -> Vec<String> {
    let file = syn::parse_file(types).expect("generated code parses");
    file.items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Impl(i) => {
                let (path, _) = i.trait_.as_ref()?;
                (path.segments.last()?.ident == "Request").then(|| type_name(&i.self_ty))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn the_visitor_lists_every_endpoint_of_a_fixture_once() {
    for name in ["tags", "push"] {
        let spec = load(name);
        let files = generate(&spec).unwrap();
        let visited = visited_types(file(&files, "tim-model/src/generated/endpoints.rs"));

        // One request type per spec endpoint, sorted by service then command.
        let mut endpoints: Vec<_> = spec.endpoints.iter().collect();
        endpoints.sort_by_key(|e| (&e.service, &e.command));
        let expected: Vec<String> = endpoints.iter().map(|e| e.request_type()).collect();
        assert_eq!(visited, expected, "fixture {name}");
        assert_eq!(visited.len(), spec.endpoints.len(), "fixture {name}");

        // Exactly the types that implement `Request`, over every service module.
        let mut impls: Vec<String> = spec
            .services
            .iter()
            .flat_map(|svc| {
                request_impls(file(
                    &files,
                    &format!("tim-model/src/generated/{}.rs", svc.module()),
                ))
            })
            .collect();
        let mut sorted = visited.clone();
        impls.sort();
        sorted.sort();
        assert_eq!(sorted, impls, "fixture {name}");
    }
}

fn field(json: &str, ty: &str) -> Field {
    serde_json::from_value(serde_json::json!({
        "json": json, "type": ty, "required": true, "doc": "Test field."
    }))
    .unwrap()
}

fn struct_fields<'a>(spec: &'a mut Spec, name: &str) -> &'a mut Vec<Field> {
    spec.types
        .iter_mut()
        .find_map(|t| match t {
            TypeDef::Struct(s) if s.name == name => Some(&mut s.fields),
            _ => None,
        })
        .unwrap()
}

#[test]
fn inconsistent_specs_are_refused_with_tim_specs_problems() {
    // One authority: the generator asks tim-spec and reports its problems, naming the place.
    let mut spec = load("tags");
    struct_fields(&mut spec, "UserTags").push(field("to_account", "string"));
    let err = generate(&spec).unwrap_err();
    assert!(matches!(err, CodegenError::InvalidSpec(_)), "{err:?}");
    assert!(
        err.to_string()
            .contains("types.json: types[0] (UserTags).fields[2] (to_account): duplicate Rust name `to_account`"),
        "{err}"
    );

    // A dangling type reference.
    let mut spec = load("tags");
    struct_fields(&mut spec, "UserTags").push(field("Extra", "array<Missing>"));
    let err = generate(&spec).unwrap_err().to_string();
    assert!(err.contains("(Extra): unknown type `Missing`"), "{err}");

    // A limit that does not fit the field's type.
    let mut spec = load("tags");
    let mut f = field("Count", "u32");
    f.limits = serde_json::from_str(r#"[{ "kind": "max_bytes", "value": 3 }]"#).unwrap();
    struct_fields(&mut spec, "UserTags").push(f);
    let err = generate(&spec).unwrap_err().to_string();
    assert!(err.contains("(Count).limits[0]"), "{err}");
}

#[test]
fn check_mode_names_stale_files_and_writes_nothing() {
    let root = scratch("ensure");
    let files = generate(&load("tags")).unwrap();

    // Nothing there yet: every file is stale, and check mode does not create any.
    let errors = ensure_all(&root, &files, Mode::Check).unwrap_err();
    assert_eq!(errors.len(), files.len());
    assert_eq!(
        errors[0].to_string(),
        "crates/tim-model/src/generated/mod.rs is out of date; run `cargo xtask codegen` and commit the result"
    );
    assert!(!root.join("crates").exists());

    // Write mode writes them; a second run finds them fresh.
    let written = ensure_all(&root, &files, Mode::Write).unwrap();
    assert!(written.iter().all(|s| *s == Status::Written));
    let again = ensure_all(&root, &files, Mode::Check).unwrap();
    assert!(again.iter().all(|s| *s == Status::Fresh));

    // A hand edit makes exactly that file stale; CRLF line endings alone do not.
    let ix = files
        .iter()
        .position(|f| f.path.ends_with("/errors.rs"))
        .unwrap();
    let errors_path = root.join(&files[ix].path);
    let crlf = files[ix].contents.replace('\n', "\r\n");
    std::fs::write(&errors_path, crlf).unwrap();
    assert_eq!(
        ensure_file_contents(&root, &files[ix], Mode::Check).unwrap(),
        Status::Fresh
    );
    std::fs::write(
        &errors_path,
        files[ix].contents.replace("Unknown(i64)", "Other(i64)"),
    )
    .unwrap();
    let errors = ensure_all(&root, &files, Mode::Check).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert!(
        matches!(&errors[0], EnsureError::Stale { path } if path == "crates/tim-model/src/generated/errors.rs"),
        "{:?}",
        errors[0]
    );
    assert_eq!(
        ensure_file_contents(&root, &files[ix], Mode::Write).unwrap(),
        Status::Written
    );
    assert_eq!(
        std::fs::read_to_string(&errors_path).unwrap(),
        files[ix].contents
    );
}

#[test]
fn files_no_longer_generated_are_orphans() {
    let root = scratch("orphans");
    let files = generate(&load("tags")).unwrap();
    ensure_all(&root, &files, Mode::Write).unwrap();
    assert!(
        tim_codegen::ensure::orphans(&root, &files)
            .unwrap()
            .is_empty()
    );
    // A service removed from the spec leaves its files behind: each is named.
    for dir in tim_codegen::OUT_DIRS {
        std::fs::write(root.join(dir).join("gone.rs"), "// old").unwrap();
    }
    std::fs::write(root.join(tim_codegen::MODEL_DIR).join("notes.txt"), "kept").unwrap();
    assert_eq!(
        tim_codegen::ensure::orphans(&root, &files).unwrap(),
        [
            "crates/tim-client/src/services/gone.rs",
            "crates/tim-emulator/src/generated/gone.rs",
            "crates/tim-model/src/generated/callbacks/gone.rs",
            "crates/tim-model/src/generated/gone.rs",
        ]
    );
}

#[test]
fn what_the_spec_assumed_is_shown_to_users_and_in_openapi() {
    // A field of a named type (which an endpoint's `assumptions` cannot name) and a whole
    // struct type carry `assumed`: the generated docs and the OpenAPI export say so.
    let mut spec = load("tags");
    struct_fields(&mut spec, "UserTags")[0].assumed = Some("at most 100 items.".to_owned());
    for t in &mut spec.types {
        if let TypeDef::Struct(s) = t
            && s.name == "UserTags"
        {
            s.assumed = Some("every field optional.".to_owned());
            s.note = Some("maintainers only".to_owned());
        }
    }
    let files = generate(&spec).unwrap();
    let model = file(&files, "tim-model/src/generated/common.rs");
    assert!(
        model.contains("Assumed (the official page does not say): at most 100 items."),
        "{model}"
    );
    assert!(model.contains("Assumed (the official page does not say): every field optional."));
    assert!(!model.contains("maintainers only"));
    let openapi = tim_codegen::openapi::openapi(&spec).unwrap().contents;
    assert!(
        openapi.contains(r#""x-assumed": "at most 100 items.""#),
        "{openapi}"
    );
    assert!(openapi.contains(r#""x-assumed": "every field optional.""#));

    // An empty `assumed` says nothing: refused.
    struct_fields(&mut spec, "UserTags")[0].assumed = Some(" ".to_owned());
    let err = generate(&spec).unwrap_err().to_string();
    assert!(err.contains("empty `assumed`"), "{err}");
}
