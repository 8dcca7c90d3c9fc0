//! Decoding tolerance (every official port's packing) and one distinct error per failure.

use std::io::Write;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use flate2::write::ZlibEncoder;
use tim_usersig::{
    Compression, DecodeError, MAX_DOCUMENT_LEN, MAX_USERSIG_LEN, SecretKey, Signer, VerifyError,
    decode, decode_json,
};

const KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
const T: u64 = 1_700_000_000;

fn signer() -> Signer {
    Signer::new(1_400_000_000, SecretKey::new(KEY))
}

/// Packs `json` as the official ports do: zlib at `level`, standard base64, `+/=` → `*-_`.
fn pack(json: &str, level: u32) -> String {
    let mut z = ZlibEncoder::new(Vec::new(), flate2::Compression::new(level));
    z.write_all(json.as_bytes()).unwrap();
    let b64 = STANDARD.encode(z.finish().unwrap());
    b64.replace('+', "*").replace('/', "-").replace('=', "_")
}

fn our_json(identifier: &str, userbuf: Option<&[u8]>) -> String {
    decode_json(
        signer()
            .generate_at(identifier, 86_400, T, userbuf)
            .unwrap()
            .as_str(),
    )
    .unwrap()
}

#[test]
fn every_zlib_level_and_our_compressions_decode() {
    let json = our_json("alice", Some(b"buf"));
    for level in [0, 1, 6, 9] {
        let sig = pack(&json, level);
        assert!(
            signer().verify(&sig, "alice", Some(b"buf"), T).is_ok(),
            "level {level}"
        );
    }
    for c in [
        Compression::Stored,
        Compression::Deflate(1),
        Compression::Deflate(6),
        Compression::Deflate(9),
    ] {
        let s = signer().with_compression(c);
        let sig = s.generate_at("alice", 60, T, None).unwrap();
        assert_eq!(
            s.verify(sig.as_str(), "alice", None, T).unwrap().identifier,
            "alice",
            "{c:?}"
        );
    }
    // Stored is longer than deflate, deflate at 9 no longer than at 1.
    let len = |c| {
        signer()
            .with_compression(c)
            .generate_at("alice", 60, T, None)
            .unwrap()
            .as_str()
            .len()
    };
    assert!(len(Compression::Stored) > len(Compression::Deflate(6)));
    assert!(len(Compression::Deflate(9)) <= len(Compression::Deflate(1)));
}

#[test]
fn stored_output_is_go_compatible_zlib() {
    let sig = signer().generate_at("alice", 60, T, None).unwrap();
    let raw = STANDARD
        .decode(
            sig.as_str()
                .replace('*', "+")
                .replace('-', "/")
                .replace('_', "="),
        )
        .unwrap();
    assert_eq!(
        &raw[..3],
        &[0x78, 0x01, 0x01],
        "zlib header, final stored block"
    );
}

#[test]
fn json_layout_variants_decode() {
    let json = our_json("a/b\"c", Some(b"\xff\xfe/"));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let variants = [
        format!("{json}\n"),                       // Go's Encoder newline
        json.replace('/', "\\/"),                  // PHP json_encode
        serde_json::to_string_pretty(&v).unwrap(), // spacing
        json.replace("\"a", "\"\\u0061")
            .replace("TLS.ver", "TLS.\\u0076er"), // \u escapes, also in keys
        format!(
            "{{\"TLS.sig\":{},\"x\":[1,{{}}],\"TLS.userbuf\":{},\"TLS.time\":{},\"TLS.expire\":{},\"TLS.sdkappid\":{},\"TLS.identifier\":{},\"TLS.ver\":\"2.0\"}}",
            v["TLS.sig"],
            v["TLS.userbuf"],
            v["TLS.time"],
            v["TLS.expire"],
            v["TLS.sdkappid"],
            v["TLS.identifier"]
        ),
    ];
    for (i, j) in variants.iter().enumerate() {
        let sig = pack(j, 6);
        let doc = signer().verify(&sig, "a/b\"c", Some(b"\xff\xfe/"), T);
        assert!(doc.is_ok(), "variant {i}: {j}: {doc:?}");
    }
}

#[test]
fn padding_is_optional_when_decoding() {
    let mut padded = 0;
    for id in ["a", "ab", "abc"] {
        let sig = signer().generate_at(id, 60, T, None).unwrap().into_string();
        let unpadded = sig.trim_end_matches('_');
        padded += usize::from(unpadded.len() != sig.len());
        assert!(signer().verify(unpadded, id, None, T).is_ok(), "{id}");
    }
    assert!(
        padded >= 2,
        "three consecutive lengths give two padded tokens"
    );
}

#[test]
fn decode_errors_are_distinct() {
    let j = |s: &str| decode(&pack(s, 6));
    let sig = "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"";
    let doc = |ver: &str, sdk: &str, time: &str| {
        format!(
            r#"{{"TLS.ver":{ver},"TLS.identifier":"a","TLS.sdkappid":{sdk},"TLS.expire":1,"TLS.time":{time},"TLS.sig":{sig}}}"#
        )
    };
    assert!(j(&doc("\"2.0\"", "1", "2")).is_ok());
    assert_eq!(decode(""), Err(DecodeError::Empty));
    assert_eq!(decode("!!!!"), Err(DecodeError::Base64));
    assert_eq!(
        decode("abc+"),
        Err(DecodeError::Base64),
        "standard alphabet's + is not ours"
    );
    assert_eq!(decode("AAAA"), Err(DecodeError::Zlib));
    let full = pack(&doc("\"2.0\"", "1", "2"), 6);
    let truncated = &full[..full.len() - 12];
    assert_eq!(
        decode(truncated.trim_end_matches('_')),
        Err(DecodeError::Zlib)
    );
    assert!(matches!(
        decode(&"A".repeat(MAX_USERSIG_LEN + 4)),
        Err(DecodeError::TooLong { .. })
    ));
    assert!(matches!(
        j(&" ".repeat(MAX_DOCUMENT_LEN + 1)),
        Err(DecodeError::DocumentTooLarge { .. })
    ));
    assert!(matches!(j("{\"TLS.ver\":"), Err(DecodeError::Json(_))));
    assert!(matches!(j("[1,2]"), Err(DecodeError::Json(_))));
    assert!(matches!(
        j(&format!("{}x", doc("\"2.0\"", "1", "2"))),
        Err(DecodeError::Json(_))
    ));
    assert_eq!(
        j(&doc("\"2.0\"", "1", "2").replace(",\"TLS.time\":2", "")),
        Err(DecodeError::MissingField("TLS.time"))
    );
    assert_eq!(
        j(&doc("\"2.0\"", "null", "2")),
        Err(DecodeError::MissingField("TLS.sdkappid"))
    );
    assert_eq!(
        j(&doc("\"2.0\"", "1", "2").replace("{", "{\"TLS.time\":3,")),
        Err(DecodeError::DuplicateField("TLS.time"))
    );
    assert_eq!(
        j(&doc("\"1.0\"", "1", "2")),
        Err(DecodeError::UnsupportedVersion("1.0".into()))
    );
    for bad in ["-1", "1.5", "\"1\"", "true"] {
        assert_eq!(
            j(&doc("\"2.0\"", bad, "2")),
            Err(DecodeError::InvalidField {
                field: "TLS.sdkappid",
                expected: "a non-negative integer"
            }),
            "{bad}"
        );
    }
    assert_eq!(
        j(&doc("\"2.0\"", "4294967296", "2")),
        Err(DecodeError::OutOfRange {
            field: "TLS.sdkappid",
            value: 4_294_967_296,
            max: 4_294_967_295
        })
    );
    assert!(matches!(
        j(&doc("\"2.0\"", "1", "99999999999")),
        Err(DecodeError::OutOfRange {
            field: "TLS.time",
            ..
        })
    ));
    assert_eq!(
        j(&doc("\"2.0\"", "1", "2").replace(sig, "\"AAAA\"")),
        Err(DecodeError::SigField)
    );
    assert_eq!(
        j(&doc("\"2.0\"", "1", "2").replace(sig, "\"%%%\"")),
        Err(DecodeError::SigField)
    );
    assert_eq!(
        j(&doc("\"2.0\"", "1", "2").replace("{", "{\"TLS.userbuf\":\"*\",")),
        Err(DecodeError::UserbufField)
    );
    assert_eq!(
        j(&doc("\"2.0\"", "1", "2").replace("{", "{\"TLS.userbuf\":7,")),
        Err(DecodeError::InvalidField {
            field: "TLS.userbuf",
            expected: "a string"
        })
    );
    // `null` userbuf means none.
    assert_eq!(
        j(&doc("\"2.0\"", "1", "2").replace("{", "{\"TLS.userbuf\":null,"))
            .unwrap()
            .userbuf,
        None
    );
}

#[test]
fn verify_errors_are_distinct_and_ordered() {
    let s = signer();
    let plain = s.generate_at("alice", 100, T, None).unwrap();
    let with_buf = s.generate_at("alice", 100, T, Some(b"xyz")).unwrap();
    let empty_buf = s.generate_at("alice", 100, T, Some(b"")).unwrap();
    let other_app = Signer::new(1_400_000_001, SecretKey::new(KEY));
    assert_eq!(
        other_app.verify(plain.as_str(), "alice", None, T),
        Err(VerifyError::SdkAppIdMismatch {
            expected: 1_400_000_001,
            found: 1_400_000_000
        })
    );
    assert_eq!(
        s.verify(plain.as_str(), "bob", None, T),
        Err(VerifyError::IdentifierMismatch {
            expected: "bob".into(),
            found: "alice".into()
        })
    );
    assert_eq!(
        s.verify(plain.as_str(), "alice", None, T + 101),
        Err(VerifyError::Expired {
            expired_at: T + 100,
            now: T + 101
        })
    );
    assert!(s.verify(plain.as_str(), "alice", None, T + 100).is_ok());
    assert_eq!(
        s.verify(plain.as_str(), "alice", Some(b""), T),
        Err(VerifyError::UserbufMissing)
    );
    assert_eq!(
        s.verify(with_buf.as_str(), "alice", None, T),
        Err(VerifyError::UserbufUnexpected)
    );
    assert_eq!(
        s.verify(with_buf.as_str(), "alice", Some(b"xy"), T),
        Err(VerifyError::UserbufMismatch)
    );
    assert_eq!(
        s.verify(empty_buf.as_str(), "alice", None, T),
        Err(VerifyError::UserbufUnexpected)
    );
    assert_eq!(
        s.verify(empty_buf.as_str(), "alice", Some(b""), T)
            .unwrap()
            .userbuf,
        Some(vec![])
    );
    let wrong_key = Signer::new(1_400_000_000, SecretKey::new("other"));
    assert_eq!(
        wrong_key.verify(plain.as_str(), "alice", None, T),
        Err(VerifyError::SignatureMismatch)
    );
    assert_eq!(
        s.verify("", "alice", None, T),
        Err(VerifyError::Decode(DecodeError::Empty))
    );

    // A document altered after signing (time moved forward) fails the HMAC.
    let json = decode_json(plain.as_str())
        .unwrap()
        .replace(&format!(":{T}"), &format!(":{}", T + 50));
    assert_eq!(
        s.verify(&pack(&json, 6), "alice", None, T + 120),
        Err(VerifyError::SignatureMismatch)
    );
    // So does an empty userbuf added to a signature made without one.
    let json = decode_json(plain.as_str())
        .unwrap()
        .replace("{", "{\"TLS.userbuf\":\"\",");
    assert_eq!(
        s.verify(&pack(&json, 6), "alice", Some(b""), T),
        Err(VerifyError::SignatureMismatch)
    );
}

#[test]
fn secrets_stay_out_of_debug_display_and_errors() {
    let s = signer();
    let sig = s.generate_at("alice", 100, T, Some(b"u")).unwrap();
    let doc = decode(sig.as_str()).unwrap();
    let sig_field = STANDARD.encode(doc.signature());
    let shown = [
        format!("{s:?}"),
        format!("{sig:?}"),
        format!("{sig}"),
        format!("{doc:?}"),
        format!("{:?}", SecretKey::new(KEY)),
        format!("{}", SecretKey::new(KEY)),
        s.verify(sig.as_str(), "bob", None, T)
            .unwrap_err()
            .to_string(),
        format!("{:?}", s.verify(sig.as_str(), "bob", None, T).unwrap_err()),
    ];
    for text in shown {
        assert!(!text.contains(KEY), "{text}");
        assert!(!text.contains(sig.as_str()), "{text}");
        assert!(!text.contains(&sig_field), "{text}");
    }
    assert_eq!(format!("{s:?}"), "Signer { sdkappid: 1400000000, .. }");
}

#[test]
fn signer_is_clone_send_sync_and_shares_nothing_mutable() {
    fn assert_traits<T: Clone + Send + Sync>() {}
    assert_traits::<Signer>();
    let s = signer();
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let s = s.clone();
            std::thread::spawn(move || {
                let id = format!("user{i}");
                let sig = s.generate_at(&id, 60, T + i, None).unwrap();
                s.verify(sig.as_str(), &id, None, T + i).unwrap().time
            })
        })
        .collect();
    for (i, h) in handles.into_iter().enumerate() {
        assert_eq!(h.join().unwrap(), T + i as u64);
    }
}
