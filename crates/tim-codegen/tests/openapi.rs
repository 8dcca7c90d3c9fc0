//! The OpenAPI export (`tim_codegen::openapi`): the checked-in `openapi/openapi.json` matches
//! `spec/` (so `cargo test` fails when someone edits the spec without running
//! `cargo xtask openapi`), check mode never writes, the output is deterministic, and the
//! document says what the spec says: servers, query parameters, one operation per endpoint,
//! every limit, every union, every error code, every sample.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use tim_codegen::CodegenError;
use tim_codegen::ensure::{EnsureError, Mode, Status, ensure_file_contents};
use tim_codegen::openapi::{OPENAPI_PATH, openapi};
use tim_spec::{Field, Limit, LimitKind, Spec, TypeDef, TypeRef};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn spec() -> Spec {
    Spec::load(&root().join("spec")).unwrap_or_else(|e| panic!("{e}"))
}

fn document(spec: &Spec) -> Value {
    let file = openapi(spec).unwrap_or_else(|e| panic!("{e}"));
    serde_json::from_str(&file.contents).unwrap_or_else(|e| panic!("not JSON: {e}"))
}

/// Follows a local `$ref` (`#/components/schemas/X`).
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(r) => {
            let pointer = r
                .strip_prefix('#')
                .unwrap_or_else(|| panic!("non-local $ref {r}"));
            doc.pointer(pointer)
                .unwrap_or_else(|| panic!("dangling $ref {r}"))
        }
        None => schema,
    }
}

/// Parsed objects may come back with sorted keys (depending on `serde_json` features):
/// compare key sets. The file's own order is checked on the text.
fn sorted<'a>(keys: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut v: Vec<&str> = keys.into_iter().collect();
    v.sort_unstable();
    v
}

#[test]
fn checked_in_openapi_is_fresh() {
    let file = openapi(&spec()).unwrap_or_else(|e| panic!("{e}"));
    match ensure_file_contents(&root(), &file, Mode::Check) {
        Ok(status) => assert_eq!(status, Status::Fresh),
        Err(EnsureError::Stale { path }) => {
            panic!("{path} is out of date; run `cargo xtask openapi` and commit the result")
        }
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn check_mode_names_the_stale_file_and_writes_nothing() {
    let dir =
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("openapi-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let file = openapi(&spec()).unwrap_or_else(|e| panic!("{e}"));
    let target = dir.join(OPENAPI_PATH);

    // Missing: stale, and still missing.
    match ensure_file_contents(&dir, &file, Mode::Check) {
        Err(EnsureError::Stale { path }) => assert_eq!(path, "openapi/openapi.json"),
        other => panic!("expected Stale, got {other:?}"),
    }
    assert!(!target.exists(), "check mode created the file");

    // Different: stale, and left as it was.
    std::fs::create_dir_all(target.parent().unwrap()).unwrap();
    std::fs::write(&target, "{}\n").unwrap();
    assert!(matches!(
        ensure_file_contents(&dir, &file, Mode::Check),
        Err(EnsureError::Stale { .. })
    ));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "{}\n");

    // Write, then fresh.
    assert_eq!(
        ensure_file_contents(&dir, &file, Mode::Write).unwrap(),
        Status::Written
    );
    assert_eq!(
        ensure_file_contents(&dir, &file, Mode::Check).unwrap(),
        Status::Fresh
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn output_is_deterministic_pretty_json() {
    let a = openapi(&spec()).unwrap();
    let b = openapi(&spec()).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.path, OPENAPI_PATH);
    assert!(a.contents.ends_with("}\n"));
    assert!(!a.contents.contains('\r'));
    // Two-space pretty printing, the top-level keys in reading order.
    let keys: Vec<&str> = a
        .contents
        .lines()
        .filter(|l| l.starts_with("  \"") && !l.starts_with("   "))
        .map(|l| l.trim_start().split('"').nth(1).unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "openapi",
            "x-generated",
            "info",
            "servers",
            "paths",
            "webhooks",
            "components"
        ]
    );
    // Properties in wire order (the spec's), not sorted.
    let spec = spec();
    let push = spec.endpoints.iter().find(|e| e.method == "push").unwrap();
    let start = a
        .contents
        .find("\"all_member_push.PushRequest\": {")
        .unwrap();
    let mut at = start;
    for f in &push.request.fields {
        let pos = a.contents[start..]
            .find(&format!("\"{}\": {{", f.json))
            .unwrap()
            + start;
        assert!(pos > at, "{} out of wire order", f.json);
        at = pos;
    }
}

#[test]
fn servers_are_the_regions_their_standby_domains_and_a_custom_host() {
    let spec = spec();
    let doc = document(&spec);
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["info"]["title"], spec.api.name.as_str());
    let servers = doc["servers"].as_array().unwrap();
    let standby: Vec<_> = spec
        .api
        .regions
        .iter()
        .filter_map(|r| r.standby_domain.as_ref().map(|s| (r, s)))
        .collect();
    assert!(!standby.is_empty());
    assert_eq!(servers.len(), spec.api.regions.len() + standby.len() + 1);
    for (server, region) in servers.iter().zip(&spec.api.regions) {
        assert_eq!(server["url"], format!("https://{}", region.domain));
        assert!(server["description"].as_str().unwrap().contains(&region.id));
    }
    // Then each documented standby domain.
    for (server, (region, host)) in servers[spec.api.regions.len()..].iter().zip(&standby) {
        assert_eq!(server["url"], format!("https://{host}"));
        assert!(server["description"].as_str().unwrap().contains(&region.id));
    }
    let custom = servers.last().unwrap();
    assert_eq!(custom["url"], "{scheme}://{host}");
    assert_eq!(
        custom["variables"]["scheme"]["enum"],
        json!(["https", "http"])
    );
    assert!(custom["variables"]["host"]["default"].is_string());
}

#[test]
fn the_five_query_parameters() {
    let doc = document(&spec());
    let params = &doc["components"]["parameters"];
    let names: Vec<&str> = params
        .as_object()
        .unwrap()
        .values()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(
        sorted,
        ["contenttype", "identifier", "random", "sdkappid", "usersig"]
    );
    for p in params.as_object().unwrap().values() {
        assert_eq!(p["in"], "query");
        assert_eq!(p["required"], true);
    }
    assert_eq!(
        params["random"]["schema"],
        json!({"type": "integer", "minimum": 0, "maximum": 4294967295u64})
    );
    assert_eq!(params["sdkappid"]["schema"]["maximum"], 4294967295u64);
    assert_eq!(
        params["contenttype"]["schema"],
        json!({"type": "string", "enum": ["json"]})
    );
    assert_eq!(params["usersig"]["schema"], json!({"type": "string"}));
}

#[test]
fn one_post_operation_per_endpoint() {
    let spec = spec();
    let doc = document(&spec);
    assert_eq!(
        doc["paths"].as_object().unwrap().len(),
        spec.endpoints.len()
    );
    for ep in &spec.endpoints {
        let item = &doc["paths"][format!("/{}", ep.path())];
        assert_eq!(
            item.as_object().unwrap().len(),
            1,
            "{}: only POST",
            ep.path()
        );
        let op = &item["post"];
        assert_eq!(op["operationId"], ep.method.as_str());
        assert_eq!(op["summary"], ep.title.as_str());
        assert_eq!(op["description"], ep.doc.as_str());
        assert_eq!(op["externalDocs"]["url"], ep.doc_url.as_str());
        // The five API-wide parameters, then the endpoint's own.
        assert_eq!(
            op["parameters"].as_array().unwrap().len(),
            5 + ep.query.len()
        );
        for p in op["parameters"].as_array().unwrap() {
            assert!(resolve(&doc, p)["name"].is_string());
        }

        let req = &op["requestBody"]["content"]["application/json"];
        assert_eq!(op["requestBody"]["required"], true);
        let req_schema = resolve(&doc, &req["schema"]);
        let props = req_schema["properties"].as_object().unwrap();
        let fields: Vec<&str> = ep.request.fields.iter().map(|f| f.json.as_str()).collect();
        assert_eq!(sorted(props.keys().map(String::as_str)), sorted(fields));

        let res = &op["responses"]["200"]["content"]["application/json"];
        assert_eq!(op["responses"].as_object().unwrap().len(), 1);
        let res_schema = resolve(&doc, &res["schema"]);
        let parts = res_schema["allOf"].as_array().unwrap();
        assert_eq!(parts[0]["$ref"], "#/components/schemas/Envelope");
        let res_fields: Vec<&str> = ep.response.fields.iter().map(|f| f.json.as_str()).collect();
        let got: Vec<&str> = parts
            .get(1)
            .map(|p| {
                p["properties"]
                    .as_object()
                    .unwrap()
                    .keys()
                    .map(String::as_str)
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(sorted(got), sorted(res_fields), "{}", ep.path());

        // Samples as examples, verbatim (as JSON values).
        for s in &ep.samples {
            if let Some(r) = &s.request {
                assert_eq!(&req["examples"][&s.name]["value"], r, "{}", s.name);
            }
            if let Some(r) = &s.response {
                assert_eq!(&res["examples"][&s.name]["value"], r, "{}", s.name);
            }
        }
        let n_req = ep.samples.iter().filter(|s| s.request.is_some()).count();
        assert_eq!(
            req["examples"].as_object().map_or(0, |m| m.len()),
            n_req,
            "{}",
            ep.path()
        );

        // Error codes, with their definitions.
        let codes: Vec<i64> = op["x-error-codes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["code"].as_i64().unwrap())
            .collect();
        assert_eq!(codes, ep.errors);
        for e in op["x-error-codes"].as_array().unwrap() {
            let def = spec.error(e["code"].as_i64().unwrap()).unwrap();
            assert_eq!(e["name"], def.name.as_str());
            assert_eq!(e["description"], def.description.as_str());
        }
        assert_eq!(
            op["x-rate-limit"]["error"].as_i64(),
            ep.rate_limit.error,
            "{}",
            ep.path()
        );
    }
}

#[test]
fn error_code_component_lists_every_code() {
    let spec = spec();
    let doc = document(&spec);
    let codes = doc["components"]["schemas"]["ErrorCode"]["oneOf"]
        .as_array()
        .unwrap();
    assert_eq!(codes.len(), spec.errors.len());
    for (c, def) in codes.iter().zip(&spec.errors) {
        assert_eq!(c["const"], def.code);
        assert_eq!(c["title"], def.name.as_str());
        assert!(
            c["description"]
                .as_str()
                .unwrap()
                .starts_with(&def.description)
        );
    }
}

#[test]
fn unions_are_one_of_with_a_const_tag() {
    let spec = spec();
    let doc = document(&spec);
    let mut unions = 0;
    for t in &spec.types {
        let TypeDef::Union(u) = t else { continue };
        unions += 1;
        let one_of = doc["components"]["schemas"][&u.name]["oneOf"]
            .as_array()
            .unwrap();
        assert_eq!(one_of.len(), u.variants.len());
        for (s, v) in one_of.iter().zip(&u.variants) {
            assert_eq!(s["properties"][&u.tag]["const"], v.tag.as_str());
            assert_eq!(
                s["properties"][&u.content]["$ref"],
                format!("#/components/schemas/{}", v.ty)
            );
            assert_eq!(s["required"], json!([u.tag, u.content]));
        }
    }
    assert!(unions >= 1, "the spec has MsgElement");
}

/// Every limit of every field (shared types, requests, responses, envelope) appears in the
/// field's schema as the JSON Schema keyword it maps to, and verbatim in `x-limits`.
#[test]
fn every_limit_maps_to_json_schema() {
    let spec = spec();
    let doc = document(&spec);
    let schemas = &doc["components"]["schemas"];
    let mut checked = 0;
    let mut objects: Vec<(&Value, &[Field])> = vec![(&schemas["Envelope"], &spec.api.envelope)];
    // A service's own types and its endpoints' types are named `{module}.{Type}`.
    let qualified = |service: Option<&tim_spec::ServiceDef>, name: &str| match service {
        Some(s) => format!("{}.{name}", s.module()),
        None => name.to_owned(),
    };
    for (service, t) in spec.all_types() {
        if let TypeDef::Struct(s) = t {
            let schema = &schemas[qualified(service, &s.name)];
            assert!(schema.is_object(), "{}", s.name);
            objects.push((schema, &s.fields));
        }
    }
    for ep in &spec.endpoints {
        let service = spec.service_of(ep);
        objects.push((
            &schemas[qualified(service, &ep.request_type())],
            &ep.request.fields,
        ));
        if !ep.response.fields.is_empty() {
            objects.push((
                &schemas[qualified(service, &ep.response_type())]["allOf"][1],
                &ep.response.fields,
            ));
        }
    }
    for (object, fields) in objects {
        for f in fields {
            let schema = &object["properties"][&f.json];
            assert_eq!(schema["description"], f.doc.as_str());
            for limit in &f.limits {
                check_limit(schema, &f.ty, limit, &f.json);
                checked += 1;
            }
            let listed = schema["x-limits"].as_array().map_or(0, Vec::len);
            assert_eq!(listed, f.limits.len(), "{}", f.json);
            for (l, limit) in schema["x-limits"]
                .as_array()
                .into_iter()
                .flatten()
                .zip(&f.limits)
            {
                assert_eq!(l["error"].as_i64(), limit.error, "{}", f.json);
            }
        }
    }
    assert!(checked > 50, "only {checked} limits checked");
}

fn check_limit(schema: &Value, ty: &TypeRef, limit: &Limit, field: &str) {
    let inner = match ty {
        TypeRef::Array(_) => &schema["items"],
        _ => &schema["additionalProperties"],
    };
    let map = matches!(ty, TypeRef::Map(_));
    let ok = match &limit.kind {
        LimitKind::MaxItems { value } if map => schema["maxProperties"] == *value,
        LimitKind::MinItems { value } if map => schema["minProperties"] == *value,
        LimitKind::MaxItems { value } => schema["maxItems"] == *value,
        LimitKind::MinItems { value } => schema["minItems"] == *value,
        LimitKind::MaxBytes { value } => max_bytes(schema, *value),
        LimitKind::MinBytes { value } => min_bytes(schema, *value),
        LimitKind::ItemMaxBytes { value } => max_bytes(inner, *value),
        LimitKind::ItemMinBytes { value } => min_bytes(inner, *value),
        LimitKind::KeyMaxBytes { value } => max_bytes(&schema["propertyNames"], *value),
        LimitKind::KeyMinBytes { value } => min_bytes(&schema["propertyNames"], *value),
        LimitKind::AllowedKeys { values } => schema["propertyNames"]["enum"] == json!(values),
        LimitKind::UniqueItems => schema["uniqueItems"] == true,
        LimitKind::MaxValue { value } => schema["maximum"] == *value,
        LimitKind::MinValue { value } => schema["minimum"] == *value,
        LimitKind::AllowedValues { values } => schema["enum"] == json!(values),
        LimitKind::AllowedStrings { values } => schema["enum"] == json!(values),
        LimitKind::ItemAllowedStrings { values } => inner["enum"] == json!(values),
        LimitKind::Present => schema["x-limits"]
            .as_array()
            .is_some_and(|l| l.iter().any(|l| l["kind"] == "present")),
    };
    assert!(ok, "{field}: {limit:?} not in {schema:#}");
}

/// Exact as `x-max-bytes`; `maxLength` (characters) equal to it, a bound every valid string
/// meets since a character is at least one byte.
fn max_bytes(schema: &Value, bytes: u64) -> bool {
    schema["x-max-bytes"] == bytes && schema["maxLength"] == bytes
}

/// Exact as `x-min-bytes`; `minLength` a bound every valid string meets (a character is at
/// most four bytes).
fn min_bytes(schema: &Value, bytes: u64) -> bool {
    schema["x-min-bytes"] == bytes && schema["minLength"] == bytes.div_ceil(4)
}

#[test]
fn integer_types_carry_their_range_narrowed_by_limits() {
    let doc = document(&spec());
    let push = &doc["components"]["schemas"]["all_member_push.PushRequest"]["properties"];
    assert_eq!(push["MsgLifeTime"]["minimum"], 0);
    assert_eq!(push["MsgLifeTime"]["maximum"], 604800);
    assert_eq!(push["MsgRandom"]["maximum"], 4294967295u64);
    assert_eq!(
        push["MsgBody"]["items"]["$ref"],
        "#/components/schemas/MsgElement"
    );
    assert_eq!(push["MsgBody"]["minItems"], 1);
}

#[test]
fn exclusive_rules_become_not_schemas_and_all_rules_are_listed() {
    let doc = document(&spec());
    let condition = &doc["components"]["schemas"]["all_member_push.Condition"];
    let rules = condition["x-rules"].as_array().unwrap();
    assert_eq!(rules[0]["kind"], "exclusive");
    assert_eq!(rules[0]["error"], 90039);
    assert_eq!(rules[1]["kind"], "disjoint");
    let pairs = &condition["allOf"][0]["not"]["anyOf"];
    assert_eq!(
        pairs[0]["allOf"][0]["anyOf"],
        json!([{"required": ["AttrsOr"]}, {"required": ["AttrsAnd"]}])
    );
    assert_eq!(
        pairs[0]["allOf"][1]["anyOf"],
        json!([{"required": ["TagsOr"]}, {"required": ["TagsAnd"]}])
    );
}

#[test]
fn a_limit_that_does_not_fit_its_type_is_an_error_naming_the_field() {
    let mut spec = spec();
    let TypeDef::Struct(s) = spec
        .services
        .iter_mut()
        .find(|s| s.name == "all_member_push")
        .unwrap()
        .types
        .iter_mut()
        .find(|t| t.name() == "UserTags")
        .unwrap()
    else {
        panic!("UserTags is a struct")
    };
    let tags = s.fields.iter_mut().find(|f| f.json == "Tags").unwrap();
    tags.limits.push(Limit {
        kind: LimitKind::MaxBytes { value: 3 },
        error: None,
    });
    let err = openapi(&spec).unwrap_err();
    // One authority: tim-spec's checks refuse it, before any schema is built.
    assert!(matches!(err, CodegenError::InvalidSpec(_)), "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains("UserTags") && msg.contains("Tags") && msg.contains("max_bytes"),
        "{msg}"
    );
}

#[test]
fn a_url_template_without_domain_is_an_error() {
    let mut spec = spec();
    spec.api.url = "https://example.invalid/api/{service}/{command}".to_owned();
    let err = openapi(&spec).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("api.json: url"), "{msg}");
}

#[test]
fn other_specs_export_too() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/push");
    let spec = Spec::load(&fixture).unwrap_or_else(|e| panic!("{e}"));
    let doc = document(&spec);
    assert_eq!(
        doc["paths"].as_object().unwrap().len(),
        spec.endpoints.len()
    );
    for ep in &spec.endpoints {
        assert_eq!(
            doc["paths"][format!("/{}", ep.path())]["post"]["operationId"],
            ep.method.as_str()
        );
    }
}

#[test]
fn one_webhook_per_callback_command() {
    let spec = spec();
    let doc = document(&spec);
    let hooks = doc["webhooks"].as_object().unwrap();
    assert_eq!(hooks.len(), spec.callbacks.len());
    let api = spec.callback_api.as_ref().unwrap();
    for c in &spec.callbacks {
        let op = &hooks[&c.command]["post"];
        assert_eq!(op["operationId"], c.command.as_str());
        assert_eq!(op["externalDocs"]["url"], c.doc_url.as_str());
        assert_eq!(op["parameters"].as_array().unwrap().len(), api.query.len());
        assert_eq!(
            op["x-timeout-ms"],
            c.timeout_ms.unwrap_or(api.timeout_ms),
            "{}",
            c.command
        );
        assert_eq!(
            op["x-triggers"]["rest"],
            json!(c.triggers.rest),
            "{}",
            c.command
        );
        // The payload schema declares exactly the payload's fields.
        let payload = resolve(
            &doc,
            &op["requestBody"]["content"]["application/json"]["schema"],
        );
        let props = payload["properties"].as_object().unwrap();
        let fields: Vec<&str> = c.payload.fields.iter().map(|f| f.json.as_str()).collect();
        assert_eq!(
            sorted(props.keys().map(String::as_str)),
            sorted(fields),
            "{}",
            c.command
        );
        // Each verdict is listed with its code; every sample is an example.
        let verdicts: Vec<i64> = op["x-verdicts"]
            .as_array()
            .map(|v| v.iter().map(|v| v["code"].as_i64().unwrap()).collect())
            .unwrap_or_default();
        let codes: Vec<i64> = c.verdicts.iter().map(|v| v.code).collect();
        assert_eq!(verdicts, codes, "{}", c.command);
        let examples = |part: &Value| {
            part["content"]["application/json"]["examples"]
                .as_object()
                .map_or(0, serde_json::Map::len)
        };
        let samples = c.samples.iter().filter(|s| s.payload.is_some()).count();
        assert_eq!(examples(&op["requestBody"]), samples, "{}", c.command);
        let answers = c.samples.iter().filter(|s| s.answer.is_some()).count();
        assert_eq!(examples(&op["responses"]["200"]), answers, "{}", c.command);
    }
    // A command's assumptions are exported with it.
    let assumed = spec
        .callbacks
        .iter()
        .find(|c| !c.assumptions.is_empty())
        .expect("a command with assumptions");
    assert_eq!(
        hooks[&assumed.command]["post"]["x-assumptions"]
            .as_array()
            .unwrap()
            .len(),
        assumed.assumptions.len()
    );
}
