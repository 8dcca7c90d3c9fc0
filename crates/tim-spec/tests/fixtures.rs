//! One small broken spec per class of problem, each asserting the exact locations reported.
//!
//! `tests/fixtures/base/` is a minimal valid spec; every other fixture directory holds only the
//! files that differ from it. A case is assembled (base, then the case's files on top) under
//! the test's target temp dir and loaded from there.

use std::fs;
use std::path::{Path, PathBuf};
use tim_spec::{Spec, SpecError, validate::validate};

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            fs::copy(&path, &target).unwrap();
        }
    }
}

fn assemble(case: &str) -> PathBuf {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("tim-spec-fixtures")
        .join(case);
    let _ = fs::remove_dir_all(&dir);
    copy_dir(&fixtures.join("base"), &dir);
    if case != "base" {
        copy_dir(&fixtures.join(case), &dir);
    }
    dir
}

fn problems(case: &str) -> Vec<(String, String)> {
    let spec = Spec::load_unvalidated(&assemble(case)).unwrap_or_else(|e| panic!("{case}: {e}"));
    validate(&spec)
        .into_iter()
        .map(|p| (p.location, p.message))
        .collect()
}

/// Asserts the exact list of locations, and that each message contains the given text.
fn assert_problems(case: &str, expected: &[(&str, &str)]) {
    let got = problems(case);
    let locations: Vec<&str> = got.iter().map(|(l, _)| l.as_str()).collect();
    let wanted: Vec<&str> = expected.iter().map(|(l, _)| *l).collect();
    assert_eq!(locations, wanted, "{case}: {got:#?}");
    for ((_, message), (_, part)) in got.iter().zip(expected) {
        assert!(message.contains(part), "{case}: `{message}` lacks `{part}`");
    }
}

#[test]
fn base_fixture_is_valid() {
    assert_problems("base", &[]);
}

#[test]
fn unknown_type_reference() {
    assert_problems(
        "unknown_type",
        &[(
            "types.json: types[3] (TextElem).fields[0] (Text)",
            "unknown type `Txt`",
        )],
    );
}

#[test]
fn duplicate_type_name() {
    assert_problems(
        "duplicate_type",
        &[(
            "types.json: types[4] (TextElem)",
            "duplicate type name `TextElem`",
        )],
    );
}

#[test]
fn duplicate_method_name() {
    assert_problems(
        "duplicate_method",
        &[(
            "services/svc/endpoints/im_get_tag.json: method",
            "duplicate method name `add_tag`",
        )],
    );
}

#[test]
fn duplicate_endpoint() {
    // Two files cannot hold the same (service, command) (see `misplaced_endpoint_file`), so
    // build the duplicate in memory.
    let mut spec = Spec::load_unvalidated(&assemble("base")).unwrap();
    let mut copy = spec.endpoints[0].clone();
    copy.method = "add_tag_again".into();
    spec.endpoints.push(copy);
    let got: Vec<String> = validate(&spec).iter().map(|p| p.to_string()).collect();
    assert_eq!(
        got,
        ["services/svc/endpoints/im_add_tag.json: command: duplicate endpoint `v4/svc/im_add_tag`"]
    );
}

#[test]
fn duplicate_error_code_and_name() {
    assert_problems(
        "duplicate_errors",
        &[
            (
                "errors.json: code 90018 (TooManyAccountsAgain)",
                "duplicate error code 90018",
            ),
            (
                "errors.json: code 90099 (TooManyAccounts)",
                "duplicate error name `TooManyAccounts`",
            ),
        ],
    );
}

#[test]
fn duplicate_region() {
    assert_problems(
        "duplicate_region",
        &[
            (
                "api.json: regions[1] (china)",
                "duplicate region name `China`",
            ),
            (
                "api.json: regions[1] (china)",
                "duplicate region id `china`",
            ),
        ],
    );
}

#[test]
fn undefined_error_codes() {
    assert_problems(
        "undefined_codes",
        &[
            (
                "api.json: query[0] (sdkappid)",
                "error 99001 is not defined",
            ),
            (
                "types.json: types[1] (Cond).rules[0]",
                "error 99002 is not defined",
            ),
            (
                "services/svc/endpoints/im_add_tag.json: rate_limit",
                "error 99005 is not defined",
            ),
            (
                "services/svc/endpoints/im_add_tag.json: errors[1]",
                "error code 99004 is not defined",
            ),
            (
                "services/svc/endpoints/im_add_tag.json: request.fields[0] (UserTags).limits[0]",
                "error 99003 is not defined",
            ),
        ],
    );
}

#[test]
fn limit_does_not_fit_type() {
    assert_problems(
        "limit_type",
        &[
            (
                "services/svc/endpoints/im_add_tag.json: request.fields[0] (UserTags).limits[1]",
                "`max_bytes` does not fit type `array<UserTags>` (it applies to strings)",
            ),
            (
                "services/svc/endpoints/im_push.json: request.fields[0] (MsgRandom).limits[0]",
                "value -1 is out of range for type `u32`",
            ),
        ],
    );
}

#[test]
fn rules_with_missing_or_mistyped_fields() {
    assert_problems(
        "bad_rules",
        &[
            (
                "types.json: types[1] (Cond).rules[0]",
                "field `AttrsAnd` does not exist",
            ),
            (
                "types.json: types[1] (Cond).rules[1]",
                "field `AttrsOr` has type `map<string>`, not an array",
            ),
        ],
    );
}

#[test]
fn union_variant_must_be_a_struct() {
    assert_problems(
        "union_variant",
        &[(
            "types.json: types[2] (Elem).variants[1] (Nested)",
            "variant type `Elem` is a union; variants must be structs",
        )],
    );
}

#[test]
fn idempotency_key_misuse() {
    assert_problems(
        "idempotency",
        &[
            (
                "services/svc/endpoints/im_add_tag.json: idempotency_key",
                "only allowed when `retry` is `idempotency_key`",
            ),
            (
                "services/svc/endpoints/im_push.json: idempotency_key",
                "request field `MsgBody` must be a required u32 or u64",
            ),
        ],
    );
}

#[test]
fn batch_account_field_must_exist() {
    assert_problems(
        "batch",
        &[(
            "services/svc/endpoints/im_add_tag.json: batch",
            "`UserTags` has no field `Account`",
        )],
    );
}

#[test]
fn batch_success_values_fit_the_code_and_belong_to_results() {
    assert_problems(
        "batch_success",
        &[
            (
                "services/svc/endpoints/im_add_tag.json: batch.results",
                "`success` lists 1 twice",
            ),
            (
                "services/svc/endpoints/im_add_tag.json: batch.results",
                "`success` value 300 does not fit the type of `code` (0..=255)",
            ),
            (
                "services/svc/endpoints/im_add_tag.json: batch.failures",
                "`success` is for `results`",
            ),
        ],
    );
}

#[test]
fn names_must_be_rust_identifiers() {
    assert_problems(
        "bad_names",
        &[
            (
                "types.json: types[3] (TextElem).fields[1] (Type)",
                "Rust name `type` is not a valid snake_case identifier or is a keyword",
            ),
            (
                "types.json: types[3] (TextElem).fields[2] (Kind)",
                "Rust name `Kind` is not a valid snake_case identifier",
            ),
            (
                "services/svc/endpoints/im_push.json: method",
                "`match` is not a snake_case Rust identifier or is a keyword",
            ),
        ],
    );
}

#[test]
fn samples_must_match_declared_fields() {
    assert_problems(
        "bad_samples",
        &[
            (
                "services/svc/endpoints/im_push.json: samples[0] (basic).request.Conditions",
                "field `Conditions` is not declared in `PushRequest`",
            ),
            (
                "services/svc/endpoints/im_push.json: samples[0] (basic).request.MsgBody[0].MsgContent.Txt",
                "field `Txt` is not declared in `TextElem`",
            ),
            (
                "services/svc/endpoints/im_push.json: samples[0] (basic).request.MsgBody[0].MsgContent",
                "required field `Text` of `TextElem` is missing",
            ),
            (
                "services/svc/endpoints/im_push.json: samples[0] (basic).request",
                "required field `MsgRandom` of `PushRequest` is missing",
            ),
            (
                "services/svc/endpoints/im_push.json: samples[0] (basic).response.TaskID",
                "field `TaskID` is not declared in `PushResponse`",
            ),
        ],
    );
}

#[test]
fn doc_url_must_be_https() {
    assert_problems(
        "doc_url",
        &[(
            "services/svc/endpoints/im_add_tag.json: doc_url",
            "`http://example.com/add` is not an https URL",
        )],
    );
}

#[test]
fn misplaced_endpoint_file() {
    let err = Spec::load_unvalidated(&assemble("misplaced")).unwrap_err();
    let SpecError::Invalid(problems) = err else {
        panic!("expected Invalid, got {err}");
    };
    let got: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        got,
        [
            "services/svc/endpoints/add_tag.json: holds `svc/im_add_tag`, so it must be \
          `services/svc/endpoints/im_add_tag.json`"
        ]
    );
}

#[test]
fn json_syntax_error_reports_file_line_and_column() {
    let err = Spec::load(&assemble("parse_error")).unwrap_err();
    let SpecError::Parse {
        path, line, column, ..
    } = &err
    else {
        panic!("expected Parse, got {err}");
    };
    assert!(path.ends_with("errors.json"), "{}", path.display());
    assert_eq!((*line, *column), (3, 17));
    let text = err.to_string();
    assert!(
        text.contains("errors.json:3:17: expected `,` or `}`"),
        "{text}"
    );
}

#[test]
fn codes_answered_by_limits_must_be_listed() {
    // The base `im_add_tag` has a tag limit answering 90020; this overlay drops it from
    // `errors`, so callers reading the endpoint's documented codes would miss it.
    assert_problems(
        "unlisted_codes",
        &[(
            "services/svc/endpoints/im_add_tag.json: errors",
            "error code 90020 is answered by a limit, rule or rate limit of this request but not listed",
        )],
    );
}
