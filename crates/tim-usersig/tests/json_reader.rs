//! The decoder's JSON reader against `serde_json`: the same documents are valid JSON for
//! both, whatever the layout, escapes, extra keys or single-byte damage.

use std::io::Write;

use base64::Engine as _;
use proptest::prelude::*;
use tim_usersig::{DecodeError, SecretKey, Signer, decode, decode_json};

fn pack(json: &[u8]) -> String {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(6));
    z.write_all(json).unwrap();
    base64::engine::general_purpose::STANDARD
        .encode(z.finish().unwrap())
        .replace('+', "*")
        .replace('/', "-")
        .replace('=', "_")
}

/// A valid document for `identifier` with an extra key holding `extra`, pretty or compact.
fn document(identifier: &str, extra: &serde_json::Value, pretty: bool) -> String {
    let sig = Signer::new(1_400_000_000, SecretKey::new("k"))
        .generate_at(identifier, 60, 1_700_000_000, Some(b"ub"))
        .unwrap();
    let mut v: serde_json::Value =
        serde_json::from_str(&decode_json(sig.as_str()).unwrap()).unwrap();
    v["zz.extra"] = extra.clone();
    if pretty {
        serde_json::to_string_pretty(&v).unwrap()
    } else {
        serde_json::to_string(&v).unwrap()
    }
}

fn extra() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(serde_json::Value::from),
        "\\PC{0,12}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            prop::collection::btree_map("\\PC{0,6}", inner, 0..4)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn valid_documents_decode_with_any_extra_value(
        identifier in "[a-zA-Z0-9_\u{e9}\u{4e2d}\"\\\\/]{1,10}",
        extra in extra(),
        pretty in any::<bool>(),
    ) {
        let json = document(&identifier, &extra, pretty);
        let doc = decode(&pack(json.as_bytes()));
        prop_assert!(doc.is_ok(), "{json}: {doc:?}");
        prop_assert_eq!(doc.unwrap().identifier, identifier);
    }

    #[test]
    fn damaged_documents_are_json_errors_exactly_when_serde_json_says_so(
        extra in extra(),
        pretty in any::<bool>(),
        at in any::<prop::sample::Index>(),
        byte in prop::sample::select(b"{}[]\",:0123456789.eE+- \nntfx\x01\xff".to_vec()),
        delete in any::<bool>(),
    ) {
        let mut json = document("alice", &extra, pretty).into_bytes();
        let i = at.index(json.len());
        if delete { json.remove(i); } else { json[i] = byte; }
        let serde_ok = serde_json::from_slice::<serde_json::Value>(&json)
            .is_ok_and(|v| v.is_object());
        let ours = decode(&pack(&json));
        let ours_json_error = matches!(ours, Err(DecodeError::Json(_)));
        prop_assert_eq!(
            ours_json_error,
            !serde_ok,
            "{}: ours {:?}",
            String::from_utf8_lossy(&json),
            ours
        );
    }
}
