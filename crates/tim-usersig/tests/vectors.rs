//! Interoperability with the official ports: vectors produced by the PyPI and npm
//! `tls-sig-api-v2` packages (scripts in `tests/vectors/`) decode, verify, and are
//! reproduced by our generator (same signed content and `TLS.sig`).

use serde_json::Value;
use tim_usersig::{
    PrivateMapKey, Privileges, RoomId, SecretKey, Signer, VerifyError, decode, decode_json,
};

struct Vector {
    port: &'static str,
    name: String,
    sdkappid: u32,
    key: String,
    identifier: String,
    expire: u64,
    time: u64,
    userbuf: Option<Vec<u8>>,
    pmk: Option<Value>,
    usersig: String,
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn load(port: &'static str, text: &str) -> Vec<Vector> {
    let root: Value = serde_json::from_str(text).unwrap();
    root["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| Vector {
            port,
            name: v["name"].as_str().unwrap().to_owned(),
            sdkappid: v["sdkappid"].as_u64().unwrap() as u32,
            key: v["key"].as_str().unwrap().to_owned(),
            identifier: v["identifier"].as_str().unwrap().to_owned(),
            expire: v["expire"].as_u64().unwrap(),
            time: v["time"].as_u64().unwrap(),
            userbuf: v.get("userbuf_hex").map(|h| hex(h.as_str().unwrap())),
            pmk: v.get("pmk").cloned(),
            usersig: v["usersig"].as_str().unwrap().to_owned(),
        })
        .collect()
}

fn all() -> Vec<Vector> {
    let mut v = load("python", include_str!("vectors/python.json"));
    v.extend(load("node", include_str!("vectors/node.json")));
    v
}

#[test]
fn vector_files_cover_both_ports_and_all_case_kinds() {
    let v = all();
    for port in ["python", "node"] {
        let of_port: Vec<_> = v.iter().filter(|x| x.port == port).collect();
        assert_eq!(of_port.len(), 13, "{port}");
        assert!(
            of_port
                .iter()
                .any(|x| x.userbuf.as_deref() == Some(&[][..])),
            "{port}: empty userbuf"
        );
        assert!(
            of_port
                .iter()
                .any(|x| x.pmk.as_ref().is_some_and(|p| p.get("room_str").is_some()))
        );
        assert!(
            of_port
                .iter()
                .any(|x| x.pmk.as_ref().is_some_and(|p| p.get("room_id").is_some()))
        );
        assert!(of_port.iter().any(|x| !x.identifier.is_ascii()));
        assert!(
            of_port
                .iter()
                .any(|x| x.identifier.contains(['"', '\\', '\n']))
        );
    }
}

#[test]
fn official_usersigs_decode_to_their_inputs() {
    for v in all() {
        let doc = decode(&v.usersig).unwrap_or_else(|e| panic!("{} {}: {e}", v.port, v.name));
        assert_eq!(doc.version, "2.0");
        assert_eq!(doc.identifier, v.identifier, "{} {}", v.port, v.name);
        assert_eq!(doc.sdkappid, v.sdkappid);
        assert_eq!(
            doc.time, v.time,
            "{} {}: fractional clock must be truncated",
            v.port, v.name
        );
        assert_eq!(doc.expire, v.expire);
        assert_eq!(doc.userbuf, v.userbuf, "{} {}", v.port, v.name);
    }
}

#[test]
fn official_usersigs_verify_until_and_including_expiry() {
    for v in all() {
        let signer = Signer::new(v.sdkappid, SecretKey::new(v.key.clone()));
        let ub = v.userbuf.as_deref();
        let end = v.time + v.expire;
        for now in [v.time, end] {
            let doc = signer.verify(&v.usersig, &v.identifier, ub, now);
            assert!(doc.is_ok(), "{} {} at {now}: {doc:?}", v.port, v.name);
        }
        assert_eq!(
            signer.verify(&v.usersig, &v.identifier, ub, end + 1),
            Err(VerifyError::Expired {
                expired_at: end,
                now: end + 1
            })
        );
        let wrong = Signer::new(v.sdkappid, SecretKey::new(format!("{}x", v.key)));
        assert_eq!(
            wrong.verify(&v.usersig, &v.identifier, ub, v.time),
            Err(VerifyError::SignatureMismatch)
        );
    }
}

#[test]
fn our_generator_reproduces_official_signed_content_and_sig() {
    for v in all() {
        let signer = Signer::new(v.sdkappid, SecretKey::new(v.key.clone()));
        let ours = match &v.pmk {
            Some(p) => {
                let room = match p.get("room_str") {
                    Some(s) => RoomId::Str(s.as_str().unwrap().to_owned()),
                    None => RoomId::Numeric(p["room_id"].as_u64().unwrap() as u32),
                };
                let privileges = Privileges::from_bits(p["privileges"].as_u64().unwrap() as u8);
                signer.generate_private_map_key_at(
                    &v.identifier,
                    v.expire,
                    v.time,
                    &room,
                    privileges,
                )
            }
            None => signer.generate_at(&v.identifier, v.expire, v.time, v.userbuf.as_deref()),
        }
        .unwrap();
        let theirs = decode(&v.usersig).unwrap();
        let mine = decode(ours.as_str()).unwrap();
        assert_eq!(mine, theirs, "{} {}", v.port, v.name);
        assert_eq!(
            mine.signature(),
            theirs.signature(),
            "{} {}",
            v.port,
            v.name
        );
        assert_eq!(ours.expires_at(), v.time + v.expire);
    }
}

#[test]
fn official_private_map_keys_parse() {
    for v in all().into_iter().filter(|v| v.pmk.is_some()) {
        let p = v.pmk.as_ref().unwrap();
        let parsed = PrivateMapKey::parse(v.userbuf.as_deref().unwrap()).unwrap();
        assert_eq!(parsed.identifier, v.identifier);
        assert_eq!(parsed.sdkappid, v.sdkappid);
        assert_eq!(
            u64::from(parsed.expires_at),
            v.time + v.expire,
            "dwExpTime is absolute"
        );
        assert_eq!(
            u64::from(parsed.privileges.bits()),
            p["privileges"].as_u64().unwrap()
        );
        assert_eq!(parsed.account_type, 0);
        match p.get("room_str") {
            Some(s) => assert_eq!(parsed.room, RoomId::Str(s.as_str().unwrap().to_owned())),
            None => assert_eq!(
                parsed.room,
                RoomId::Numeric(p["room_id"].as_u64().unwrap() as u32)
            ),
        }
        assert_eq!(
            parsed.to_userbuf().unwrap(),
            v.userbuf.clone().unwrap(),
            "{} {}",
            v.port,
            v.name
        );
    }
}

#[test]
fn ports_differ_in_bytes_but_not_in_documents() {
    let py = load("python", include_str!("vectors/python.json"));
    let node = load("node", include_str!("vectors/node.json"));
    for (p, n) in py.iter().zip(&node) {
        assert_eq!(p.name, n.name);
        assert_eq!(
            decode(&p.usersig).unwrap(),
            decode(&n.usersig).unwrap(),
            "{}",
            p.name
        );
        // Python writes ", " / ": " separators and ASCII escapes; Node writes compact JSON.
        let pj = decode_json(&p.usersig).unwrap();
        let nj = decode_json(&n.usersig).unwrap();
        assert!(pj.contains("\"TLS.ver\": \"2.0\""), "{pj}");
        assert!(
            nj.starts_with("{\"TLS.ver\":\"2.0\",\"TLS.identifier\""),
            "{nj}"
        );
        assert_ne!(pj, nj);
    }
}
