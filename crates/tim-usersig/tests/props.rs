//! Property tests: no input makes decode/verify panic; generate → verify round-trips.

use proptest::prelude::*;
use tim_usersig::{Compression, SecretKey, Signer, VerifyError, decode, decode_json};

fn signer() -> Signer {
    Signer::new(1_400_000_000, SecretKey::new("prop-key"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn decode_and_verify_never_panic_on_arbitrary_text(s in "\\PC{0,300}") {
        let _ = decode(&s);
        let _ = decode_json(&s);
        let _ = signer().verify(&s, "a", None, 0);
    }

    #[test]
    fn decode_never_panics_on_alphabet_text(s in "[A-Za-z0-9*_-]{0,400}") {
        let _ = decode(&s);
        let _ = signer().verify(&s, "a", Some(b"x"), u64::MAX);
    }

    #[test]
    fn decode_never_panics_on_mutated_usersigs(pos in 0usize..400, byte in proptest::sample::select(b"AZaz09*-_".to_vec()), cut in 0usize..400) {
        let sig = signer().generate_at("alice", 100, 1_700_000_000, Some(b"ub")).unwrap().into_string();
        let mut bytes = sig.into_bytes();
        let p = pos % bytes.len();
        bytes[p] = byte;
        bytes.truncate(cut.max(1).min(bytes.len()));
        let s = String::from_utf8(bytes).unwrap();
        if let Ok(doc) = signer().verify(&s, "alice", Some(b"ub"), 1_700_000_000) {
            prop_assert_eq!(doc.identifier, "alice");
        }
    }

    #[test]
    fn decode_never_panics_on_arbitrary_json_inside_a_valid_wrapper(json in "\\PC{0,200}", level in 0u32..10) {
        use std::io::Write;
        use base64::Engine as _;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(level));
        z.write_all(json.as_bytes()).unwrap();
        let s = base64::engine::general_purpose::STANDARD.encode(z.finish().unwrap())
            .replace('+', "*").replace('/', "-").replace('=', "_");
        prop_assert!(decode(&s).is_err() || json.contains("TLS.sig"));
    }

    #[test]
    fn generate_verify_round_trips(
        identifier in "\\PC{1,8}",
        expire in 0u64..=100_000_000,
        time in 0u64..=4_000_000_000,
        userbuf in proptest::option::of(proptest::collection::vec(any::<u8>(), 0..64)),
        deflate in proptest::option::of(1u8..=9),
    ) {
        prop_assume!(identifier.len() <= 32);
        let s = match deflate {
            Some(l) => signer().with_compression(Compression::Deflate(l)),
            None => signer(),
        };
        let sig = s.generate_at(&identifier, expire, time, userbuf.as_deref()).unwrap();
        let doc = s.verify(sig.as_str(), &identifier, userbuf.as_deref(), time + expire).unwrap();
        prop_assert_eq!(&doc.identifier, &identifier);
        prop_assert_eq!((doc.time, doc.expire), (time, expire));
        prop_assert_eq!(&doc.userbuf, &userbuf);
        prop_assert_eq!(decode(sig.as_str()).unwrap(), doc);
        let expired = s.verify(sig.as_str(), &identifier, userbuf.as_deref(), time + expire + 1);
        prop_assert_eq!(expired, Err(VerifyError::Expired { expired_at: time + expire, now: time + expire + 1 }));
    }

    #[test]
    fn identifiers_with_control_characters_round_trip(identifier in "[\\x00-\\x1f\"\\\\/a]{1,32}") {
        let sig = signer().generate_at(&identifier, 10, 5, None).unwrap();
        prop_assert!(signer().verify(sig.as_str(), &identifier, None, 5).is_ok());
    }
}
