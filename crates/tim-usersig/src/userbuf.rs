//! PrivateMapKey userbufs (TRTC room-permission tickets): [`Privileges`], [`RoomId`],
//! [`PrivateMapKey`] (build and parse the binary layout of the official ports) and the
//! [`Signer`] methods that sign them.

use std::fmt;
use std::ops::{BitOr, BitOrAssign};

use crate::error::SignError;
use crate::signer::{Signer, UserSig, check_sign_input, unix_now};

/// Longest string room id, in UTF-8 bytes (TRTC's limit for `strRoomId`).
pub const MAX_ROOM_STR_LEN: usize = 64;

/// The PrivateMapKey privilege bits (`dwPrivilegeMap`), a typed set of the 8 defined rights.
///
/// ```
/// use tim_usersig::Privileges;
/// let p = Privileges::ENTER_ROOM | Privileges::RECV_AUDIO | Privileges::RECV_VIDEO;
/// assert_eq!(p.bits(), 42);
/// assert!(Privileges::ALL.contains(p));
/// assert_eq!(format!("{p:?}"), "Privileges(ENTER_ROOM | RECV_AUDIO | RECV_VIDEO)");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Privileges(u8);

impl Privileges {
    /// No rights.
    pub const NONE: Privileges = Privileges(0);
    /// 1: create the room.
    pub const CREATE_ROOM: Privileges = Privileges(1);
    /// 2: enter the room.
    pub const ENTER_ROOM: Privileges = Privileges(2);
    /// 4: send audio.
    pub const SEND_AUDIO: Privileges = Privileges(4);
    /// 8: receive audio.
    pub const RECV_AUDIO: Privileges = Privileges(8);
    /// 16: send video.
    pub const SEND_VIDEO: Privileges = Privileges(16);
    /// 32: receive video.
    pub const RECV_VIDEO: Privileges = Privileges(32);
    /// 64: send the substream (screen sharing).
    pub const SEND_SUBSTREAM: Privileges = Privileges(64);
    /// 128: receive the substream (screen sharing). (The Python/Java/Node comments say 200:
    /// a typo; the bit is 128.)
    pub const RECV_SUBSTREAM: Privileges = Privileges(128);
    /// 255: every right.
    pub const ALL: Privileges = Privileges(255);

    const NAMES: [&'static str; 8] = [
        "CREATE_ROOM",
        "ENTER_ROOM",
        "SEND_AUDIO",
        "RECV_AUDIO",
        "SEND_VIDEO",
        "RECV_VIDEO",
        "SEND_SUBSTREAM",
        "RECV_SUBSTREAM",
    ];

    /// From raw bits (every `u8` is a valid set).
    pub const fn from_bits(bits: u8) -> Privileges {
        Privileges(bits)
    }

    /// The raw bits.
    pub const fn bits(self) -> u8 {
        self.0
    }

    /// Whether every right in `other` is in `self`.
    pub const fn contains(self, other: Privileges) -> bool {
        self.0 & other.0 == other.0
    }

    /// The union of both sets.
    pub const fn union(self, other: Privileges) -> Privileges {
        Privileges(self.0 | other.0)
    }

    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }
}

impl BitOr for Privileges {
    type Output = Privileges;
    fn bitor(self, rhs: Privileges) -> Privileges {
        self.union(rhs)
    }
}

impl BitOrAssign for Privileges {
    fn bitor_assign(&mut self, rhs: Privileges) {
        *self = self.union(rhs);
    }
}

impl fmt::Debug for Privileges {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Privileges(")?;
        if self.0 == 0 {
            f.write_str("NONE")?;
        }
        let mut first = true;
        for (bit, name) in Self::NAMES.iter().enumerate() {
            if self.0 & (1 << bit) != 0 {
                if !first {
                    f.write_str(" | ")?;
                }
                f.write_str(name)?;
                first = false;
            }
        }
        f.write_str(")")
    }
}

/// A TRTC room id: numeric (`dwAuthID`) or string (`roomstr`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RoomId {
    /// A numeric room id, 1..=4294967294.
    Numeric(u32),
    /// A string room id, 1..=[`MAX_ROOM_STR_LEN`] bytes.
    Str(String),
}

impl RoomId {
    fn check(&self) -> Result<(), SignError> {
        match self {
            RoomId::Numeric(id) if *id == 0 || *id == u32::MAX => {
                Err(SignError::RoomIdOutOfRange { room_id: *id })
            }
            RoomId::Str(s) if s.is_empty() => Err(SignError::EmptyRoomId),
            RoomId::Str(s) if s.len() > MAX_ROOM_STR_LEN => Err(SignError::RoomIdTooLong {
                len: s.len(),
                max: MAX_ROOM_STR_LEN,
            }),
            _ => Ok(()),
        }
    }
}

/// The PrivateMapKey userbuf, laid out big-endian as the official ports do:
///
/// | field | size | value |
/// |---|---|---|
/// | cVer | u8 | 0 numeric room id, 1 string room id |
/// | wAccountLen + account | u16 + bytes | the identifier's UTF-8 bytes (as Go) |
/// | dwSdkAppid | u32 | |
/// | dwAuthID | u32 | numeric room id; 0 with a string room id |
/// | dwExpTime | u32 | **absolute** expiry: issue time + expire |
/// | dwPrivilegeMap | u32 | [`Privileges`] |
/// | dwAccountType | u32 | 0 in every official port |
/// | wRoomStrLen + roomstr | u16 + bytes | string room id only |
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrivateMapKey {
    /// The identifier (UserID) the ticket is for.
    pub identifier: String,
    /// The application id.
    pub sdkappid: u32,
    /// The room.
    pub room: RoomId,
    /// Absolute expiry, Unix seconds.
    pub expires_at: u32,
    /// The rights granted in the room.
    pub privileges: Privileges,
    /// `dwAccountType`; 0 in every official port.
    pub account_type: u32,
}

/// Why bytes are not a PrivateMapKey userbuf.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UserbufError {
    /// The buffer ends before the field.
    #[error("userbuf ends before field {field} (length {len})")]
    Truncated {
        /// The field being read.
        field: &'static str,
        /// The buffer length.
        len: usize,
    },
    /// `cVer` is neither 0 nor 1.
    #[error("userbuf cVer must be 0 or 1, got {0}")]
    UnknownVersion(u8),
    /// The account or room string is not UTF-8.
    #[error("userbuf field {0} is not UTF-8")]
    NotUtf8(&'static str),
    /// `dwPrivilegeMap` has bits beyond the 8 defined rights.
    #[error("userbuf dwPrivilegeMap must be at most 255, got {0}")]
    UnknownPrivileges(u32),
    /// Bytes follow the last field.
    #[error("userbuf has {0} bytes after the last field")]
    TrailingBytes(usize),
}

impl PrivateMapKey {
    /// The binary userbuf. Errors if the identifier or room id is out of range.
    pub fn to_userbuf(&self) -> Result<Vec<u8>, SignError> {
        check_sign_input(self.sdkappid, &self.identifier, 0, 0)?;
        self.room.check()?;
        let account = self.identifier.as_bytes();
        let (ver, auth_id, room_str) = match &self.room {
            RoomId::Numeric(id) => (0u8, *id, None),
            RoomId::Str(s) => (1u8, 0u32, Some(s.as_bytes())),
        };
        let mut buf =
            Vec::with_capacity(1 + 2 + account.len() + 20 + room_str.map_or(0, |s| 2 + s.len()));
        buf.push(ver);
        // Lengths were checked above (≤ 32 and ≤ 64), so they fit in u16.
        buf.extend_from_slice(&(account.len() as u16).to_be_bytes());
        buf.extend_from_slice(account);
        for v in [
            self.sdkappid,
            auth_id,
            self.expires_at,
            u32::from(self.privileges.bits()),
            self.account_type,
        ] {
            buf.extend_from_slice(&v.to_be_bytes());
        }
        if let Some(s) = room_str {
            buf.extend_from_slice(&(s.len() as u16).to_be_bytes());
            buf.extend_from_slice(s);
        }
        Ok(buf)
    }

    /// Parses a PrivateMapKey userbuf (e.g. [`Document::userbuf`](crate::Document::userbuf)).
    pub fn parse(buf: &[u8]) -> Result<PrivateMapKey, UserbufError> {
        let mut r = Reader { buf, pos: 0 };
        let ver = r.take("cVer", 1)?[0];
        if ver > 1 {
            return Err(UserbufError::UnknownVersion(ver));
        }
        let account_len = r.u16("wAccountLen")?;
        let account = r.take("account", usize::from(account_len))?;
        let identifier = std::str::from_utf8(account)
            .map_err(|_| UserbufError::NotUtf8("account"))?
            .to_owned();
        let sdkappid = r.u32("dwSdkAppid")?;
        let auth_id = r.u32("dwAuthID")?;
        let expires_at = r.u32("dwExpTime")?;
        let privilege_map = r.u32("dwPrivilegeMap")?;
        let account_type = r.u32("dwAccountType")?;
        let privileges = u8::try_from(privilege_map)
            .map(Privileges::from_bits)
            .map_err(|_| UserbufError::UnknownPrivileges(privilege_map))?;
        let room = if ver == 1 {
            let len = r.u16("wRoomStrLen")?;
            let s = r.take("roomstr", usize::from(len))?;
            RoomId::Str(
                std::str::from_utf8(s)
                    .map_err(|_| UserbufError::NotUtf8("roomstr"))?
                    .to_owned(),
            )
        } else {
            RoomId::Numeric(auth_id)
        };
        if r.pos != buf.len() {
            return Err(UserbufError::TrailingBytes(buf.len() - r.pos));
        }
        Ok(PrivateMapKey {
            identifier,
            sdkappid,
            room,
            expires_at,
            privileges,
            account_type,
        })
    }
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, field: &'static str, n: usize) -> Result<&'a [u8], UserbufError> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.buf.len());
        let end = end.ok_or(UserbufError::Truncated {
            field,
            len: self.buf.len(),
        })?;
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn u16(&mut self, field: &'static str) -> Result<u16, UserbufError> {
        let b = self.take(field, 2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    fn u32(&mut self, field: &'static str) -> Result<u32, UserbufError> {
        let b = self.take(field, 4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }
}

impl Signer {
    /// A PrivateMapKey for `identifier` in `room` with `privileges`, issued now, valid for
    /// `expire_secs` seconds (the official `genPrivateMapKey` /
    /// `genPrivateMapKeyWithStringRoomID`).
    pub fn generate_private_map_key(
        &self,
        identifier: &str,
        expire_secs: u64,
        room: &RoomId,
        privileges: Privileges,
    ) -> Result<UserSig, SignError> {
        self.generate_private_map_key_at(identifier, expire_secs, unix_now()?, room, privileges)
    }

    /// [`Signer::generate_private_map_key`] issued at `time`: the userbuf's `dwExpTime` is
    /// `time + expire_secs`, and the UserSig carries the same `time` and `expire`.
    pub fn generate_private_map_key_at(
        &self,
        identifier: &str,
        expire_secs: u64,
        time: u64,
        room: &RoomId,
        privileges: Privileges,
    ) -> Result<UserSig, SignError> {
        check_sign_input(self.sdkappid(), identifier, expire_secs, time)?;
        let key = PrivateMapKey {
            identifier: identifier.to_owned(),
            sdkappid: self.sdkappid(),
            room: room.clone(),
            // check_sign_input guarantees time + expire ≤ u32::MAX.
            expires_at: u32::try_from(time + expire_secs).unwrap_or(u32::MAX),
            privileges,
            account_type: 0,
        };
        let userbuf = key.to_userbuf()?;
        self.generate_at(identifier, expire_secs, time, Some(&userbuf))
    }
}
