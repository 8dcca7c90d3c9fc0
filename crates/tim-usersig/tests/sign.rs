//! Generation: input ranges, userbuf semantics, PrivateMapKey layout.

use tim_usersig::{
    DEFAULT_EXPIRE_SECS, MAX_IDENTIFIER_LEN, MAX_ROOM_STR_LEN, MAX_USERBUF_LEN, PrivateMapKey,
    Privileges, RoomId, SecretKey, SignError, Signer, UserbufError, decode,
};

const T: u64 = 1_700_000_000;

fn signer() -> Signer {
    Signer::new(1_400_000_000, SecretKey::new("k"))
}

#[test]
fn out_of_range_input_is_an_error_naming_the_value() {
    let s = signer();
    let max = u64::from(u32::MAX);
    assert_eq!(
        s.generate_at("", 1, T, None),
        Err(SignError::EmptyIdentifier)
    );
    let long = "x".repeat(MAX_IDENTIFIER_LEN + 1);
    assert_eq!(
        s.generate_at(&long, 1, T, None),
        Err(SignError::IdentifierTooLong { len: 33, max: 32 })
    );
    assert!(
        s.generate_at(&"é".repeat(16), 1, T, None).is_ok(),
        "32 bytes is fine"
    );
    assert_eq!(
        s.generate_at("a", 1, max + 1, None),
        Err(SignError::TimeOutOfRange { time: max + 1 })
    );
    assert_eq!(
        s.generate_at("a", max + 1, 0, None),
        Err(SignError::ExpireOutOfRange { expire: max + 1 })
    );
    assert_eq!(
        s.generate_at("a", 2, max - 1, None),
        Err(SignError::ExpiryOutOfRange {
            time: max - 1,
            expire: 2
        })
    );
    assert_eq!(
        s.generate_at("a", 1, max - 1, None).unwrap().expires_at(),
        max
    );
    assert_eq!(
        s.generate_at("a", u64::MAX, u64::MAX, None),
        Err(SignError::TimeOutOfRange { time: u64::MAX })
    );
    let big = vec![0u8; MAX_USERBUF_LEN + 1];
    assert_eq!(
        s.generate_at("a", 1, T, Some(&big)),
        Err(SignError::UserbufTooLarge {
            len: MAX_USERBUF_LEN + 1,
            max: MAX_USERBUF_LEN
        })
    );
    let at_limit = vec![0xabu8; MAX_USERBUF_LEN];
    let sig = s.generate_at("a", 1, T, Some(&at_limit)).unwrap();
    assert_eq!(
        s.verify(sig.as_str(), "a", Some(&at_limit), T)
            .unwrap()
            .userbuf
            .unwrap()
            .len(),
        MAX_USERBUF_LEN
    );
    assert_eq!(
        Signer::new(0, SecretKey::new("k")).generate_at("a", 1, T, None),
        Err(SignError::ZeroSdkAppId)
    );
    assert_eq!(
        SignError::IdentifierTooLong { len: 33, max: 32 }.to_string(),
        "identifier is 33 bytes long, the limit is 32 bytes"
    );
}

#[test]
fn generate_uses_the_current_clock() {
    let before = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let sig = signer().generate("alice", DEFAULT_EXPIRE_SECS).unwrap();
    let after = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let doc = decode(sig.as_str()).unwrap();
    assert!(before <= doc.time && doc.time <= after);
    assert_eq!(doc.expire, 180 * 86_400);
    assert!(signer().verify_now(sig.as_str(), "alice", None).is_ok());
    let with = signer().generate_with_userbuf("alice", 60, b"").unwrap();
    assert_eq!(decode(with.as_str()).unwrap().userbuf, Some(vec![]));
}

#[test]
fn empty_userbuf_differs_from_none() {
    let s = signer();
    let none = decode(s.generate_at("a", 60, T, None).unwrap().as_str()).unwrap();
    let empty = decode(s.generate_at("a", 60, T, Some(b"")).unwrap().as_str()).unwrap();
    assert_eq!(none.userbuf, None);
    assert_eq!(empty.userbuf, Some(vec![]));
    assert_ne!(
        none.signature(),
        empty.signature(),
        "the empty userbuf line is signed"
    );
}

#[test]
fn private_map_key_layout_numeric_and_string() {
    let s = signer();
    let numeric = PrivateMapKey {
        identifier: "xiaojun".into(),
        sdkappid: 1_400_000_000,
        room: RoomId::Numeric(10_000),
        expires_at: 1_700_000_300,
        privileges: Privileges::ALL,
        account_type: 0,
    };
    let buf = numeric.to_userbuf().unwrap();
    let mut want = vec![0u8, 0, 7];
    want.extend_from_slice(b"xiaojun");
    for v in [1_400_000_000u32, 10_000, 1_700_000_300, 255, 0] {
        want.extend_from_slice(&v.to_be_bytes());
    }
    assert_eq!(buf, want);
    let string = PrivateMapKey {
        room: RoomId::Str("r1".into()),
        ..numeric.clone()
    };
    let sbuf = string.to_userbuf().unwrap();
    assert_eq!(sbuf[0], 1);
    assert_eq!(
        &sbuf[14..18],
        &[0, 0, 0, 0],
        "dwAuthID is 0 with a string room"
    );
    assert_eq!(&sbuf[sbuf.len() - 4..], &[0, 2, b'r', b'1']);
    assert_eq!(PrivateMapKey::parse(&sbuf).unwrap(), string);

    let sig = s
        .generate_private_map_key_at(
            "xiaojun",
            300,
            1_700_000_000,
            &RoomId::Numeric(10_000),
            Privileges::ALL,
        )
        .unwrap();
    assert!(
        s.verify(sig.as_str(), "xiaojun", Some(&buf), 1_700_000_000)
            .is_ok()
    );
    assert!(
        s.generate_private_map_key(
            "xiaojun",
            300,
            &RoomId::Str("r".into()),
            Privileges::ENTER_ROOM
        )
        .is_ok()
    );
}

#[test]
fn private_map_key_rejects_bad_rooms_and_bad_buffers() {
    let s = signer();
    let make =
        |room: RoomId| s.generate_private_map_key_at("a", 60, T, &room, Privileges::ENTER_ROOM);
    assert_eq!(
        make(RoomId::Numeric(0)),
        Err(SignError::RoomIdOutOfRange { room_id: 0 })
    );
    assert_eq!(
        make(RoomId::Numeric(u32::MAX)),
        Err(SignError::RoomIdOutOfRange { room_id: u32::MAX })
    );
    assert_eq!(
        make(RoomId::Str(String::new())),
        Err(SignError::EmptyRoomId)
    );
    assert_eq!(
        make(RoomId::Str("r".repeat(MAX_ROOM_STR_LEN + 1))),
        Err(SignError::RoomIdTooLong { len: 65, max: 64 })
    );
    assert!(make(RoomId::Str("r".repeat(MAX_ROOM_STR_LEN))).is_ok());

    assert_eq!(
        PrivateMapKey::parse(&[]),
        Err(UserbufError::Truncated {
            field: "cVer",
            len: 0
        })
    );
    assert_eq!(
        PrivateMapKey::parse(&[2]),
        Err(UserbufError::UnknownVersion(2))
    );
    assert_eq!(
        PrivateMapKey::parse(&[0, 0, 5, b'a']),
        Err(UserbufError::Truncated {
            field: "account",
            len: 4
        })
    );
    let good = PrivateMapKey {
        identifier: "a".into(),
        sdkappid: 1,
        room: RoomId::Numeric(1),
        expires_at: 1,
        privileges: Privileges::NONE,
        account_type: 0,
    }
    .to_userbuf()
    .unwrap();
    let mut trailing = good.clone();
    trailing.push(0);
    assert_eq!(
        PrivateMapKey::parse(&trailing),
        Err(UserbufError::TrailingBytes(1))
    );
    let mut privs = good.clone();
    privs[16] = 1; // high byte of dwPrivilegeMap (1 + 2 + 1 + 4 + 4 + 4)
    assert_eq!(
        PrivateMapKey::parse(&privs),
        Err(UserbufError::UnknownPrivileges(0x0100_0000))
    );
    let mut bad_utf8 = good;
    bad_utf8[3] = 0xff;
    assert_eq!(
        PrivateMapKey::parse(&bad_utf8),
        Err(UserbufError::NotUtf8("account"))
    );
}

#[test]
fn privileges_set_operations() {
    let mut p = Privileges::NONE;
    assert!(p.is_empty());
    p |= Privileges::SEND_AUDIO;
    let q = p | Privileges::RECV_SUBSTREAM;
    assert_eq!(q, Privileges::SEND_AUDIO.union(Privileges::RECV_SUBSTREAM));
    p = q;
    assert_eq!(p.bits(), 4 | 128);
    assert!(p.contains(Privileges::SEND_AUDIO));
    assert!(!p.contains(Privileges::SEND_VIDEO));
    assert_eq!(format!("{:?}", Privileges::NONE), "Privileges(NONE)");
    assert_eq!(Privileges::from_bits(255), Privileges::ALL);
}
