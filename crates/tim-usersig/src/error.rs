//! Error types: [`SignError`] (input that cannot be signed), [`DecodeError`] (a UserSig that
//! is not a well-formed TLSSigAPIv2 document) and [`VerifyError`] (a well-formed UserSig that
//! is not valid for the expected app, user, time or userbuf). None of them ever contains the
//! key, a signature or a UserSig.

use std::fmt;

/// Input that cannot be turned into a UserSig the service accepts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignError {
    /// `sdkappid` 0 is not an application.
    #[error("sdkappid must be between 1 and 4294967295, got 0")]
    ZeroSdkAppId,
    /// The identifier (UserID) is empty.
    #[error("identifier must not be empty")]
    EmptyIdentifier,
    /// The identifier (UserID) is longer than the service allows.
    #[error("identifier is {len} bytes long, the limit is {max} bytes")]
    IdentifierTooLong {
        /// Length of the identifier in UTF-8 bytes.
        len: usize,
        /// The limit, [`MAX_IDENTIFIER_LEN`](crate::MAX_IDENTIFIER_LEN).
        max: usize,
    },
    /// `time` does not fit the service's 32-bit unsigned seconds.
    #[error("time must be at most 4294967295 (32-bit Unix seconds), got {time}")]
    TimeOutOfRange {
        /// The rejected time.
        time: u64,
    },
    /// `expire` does not fit the service's 32-bit unsigned seconds.
    #[error("expire must be at most 4294967295 seconds, got {expire}")]
    ExpireOutOfRange {
        /// The rejected validity in seconds.
        expire: u64,
    },
    /// `time + expire` (the expiry moment) does not fit in 32-bit unsigned seconds.
    #[error(
        "time + expire must be at most 4294967295 (32-bit Unix seconds), got {time} + {expire}"
    )]
    ExpiryOutOfRange {
        /// The issue time.
        time: u64,
        /// The validity in seconds.
        expire: u64,
    },
    /// The userbuf is larger than this crate signs (so that every UserSig it issues can also
    /// be decoded by it).
    #[error("userbuf is {len} bytes long, the limit is {max} bytes")]
    UserbufTooLarge {
        /// Length of the userbuf.
        len: usize,
        /// The limit, [`MAX_USERBUF_LEN`](crate::MAX_USERBUF_LEN).
        max: usize,
    },
    /// The system clock reads earlier than the Unix epoch.
    #[error("the system clock is before 1970-01-01")]
    ClockBeforeEpoch,
    /// A numeric TRTC room id outside 1..=4294967294.
    #[error("room id must be between 1 and 4294967294, got {room_id}")]
    RoomIdOutOfRange {
        /// The rejected room id.
        room_id: u32,
    },
    /// An empty string room id.
    #[error("string room id must not be empty")]
    EmptyRoomId,
    /// A string room id longer than TRTC allows.
    #[error("string room id is {len} bytes long, the limit is {max} bytes")]
    RoomIdTooLong {
        /// Length of the room id in UTF-8 bytes.
        len: usize,
        /// The limit, [`MAX_ROOM_STR_LEN`](crate::MAX_ROOM_STR_LEN).
        max: usize,
    },
    /// The zlib compressor reported an error (only with [`Compression::Deflate`](crate::Compression::Deflate)).
    #[error("zlib compression failed")]
    Compression,
}

/// Position of a JSON syntax error inside a decoded document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonError {
    line: usize,
    column: usize,
}

impl JsonError {
    pub(crate) fn from_serde(e: &serde_json::Error) -> JsonError {
        JsonError {
            line: e.line(),
            column: e.column(),
        }
    }

    pub(crate) fn at(line: usize, column: usize) -> JsonError {
        JsonError { line, column }
    }

    /// 1-based line of the error in the inflated document.
    pub fn line(&self) -> usize {
        self.line
    }

    /// 1-based column of the error in the inflated document.
    pub fn column(&self) -> usize {
        self.column
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // serde_json's message can quote input, which may hold the signature: never show it.
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// A UserSig that is not a well-formed TLSSigAPIv2 document (the C++ header's
/// CHECK_ERR01..07 and 10).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The UserSig is empty (service code 70002).
    #[error("UserSig is empty")]
    Empty,
    /// The UserSig is longer than [`MAX_USERSIG_LEN`](crate::MAX_USERSIG_LEN).
    #[error("UserSig is {len} characters long, the limit is {max}")]
    TooLong {
        /// Length of the input.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// Not base64 in the UserSig alphabet (`A-Z a-z 0-9 * -`, padding `_`).
    #[error("UserSig is not base64 in the UserSig alphabet (A-Z a-z 0-9 * -, padding _)")]
    Base64,
    /// Not a complete, valid zlib stream.
    #[error("UserSig does not hold a valid zlib stream")]
    Zlib,
    /// The inflated document is larger than [`MAX_DOCUMENT_LEN`](crate::MAX_DOCUMENT_LEN).
    #[error("inflated document exceeds {max} bytes")]
    DocumentTooLarge {
        /// The limit.
        max: usize,
    },
    /// The document is not a JSON object.
    #[error("document is not a valid JSON object ({0})")]
    Json(JsonError),
    /// A required field is absent (or `null`).
    #[error("document has no \"{0}\" field")]
    MissingField(&'static str),
    /// A field appears twice.
    #[error("document has the field \"{0}\" twice")]
    DuplicateField(&'static str),
    /// A field has the wrong JSON type.
    #[error("document field \"{field}\" must be {expected}")]
    InvalidField {
        /// The field, e.g. `TLS.sdkappid`.
        field: &'static str,
        /// What it must be.
        expected: &'static str,
    },
    /// A numeric field is outside 0..=4294967295 (32-bit unsigned, as the service stores it).
    #[error("document field \"{field}\" must be at most {max}, got {value}")]
    OutOfRange {
        /// The field.
        field: &'static str,
        /// The value found.
        value: u64,
        /// The largest accepted value.
        max: u64,
    },
    /// `TLS.ver` is not `"2.0"` (this crate handles TLSSigAPIv2, HMAC-SHA256, only).
    #[error("document version is {0:?}, only \"2.0\" (HMAC-SHA256) is supported")]
    UnsupportedVersion(String),
    /// `TLS.sig` is not standard base64 of a 32-byte HMAC-SHA256 (C++ CHECK_ERR06).
    #[error("document field \"TLS.sig\" is not standard base64 of 32 bytes")]
    SigField,
    /// `TLS.userbuf` is not standard base64.
    #[error("document field \"TLS.userbuf\" is not standard base64")]
    UserbufField,
}

/// Why a UserSig is not valid (Go's `Err*` values, the C++ header's CHECK_ERR cases).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// Malformed: empty, bad base64, bad zlib, bad JSON, missing field, ...
    #[error("malformed UserSig: {0}")]
    Decode(#[from] DecodeError),
    /// Issued for another application.
    #[error("UserSig is for sdkappid {found}, expected {expected}")]
    SdkAppIdMismatch {
        /// The sdkappid of the verifying [`Signer`](crate::Signer).
        expected: u32,
        /// The sdkappid inside the UserSig.
        found: u32,
    },
    /// Issued for another user.
    #[error("UserSig is for identifier {found:?}, expected {expected:?}")]
    IdentifierMismatch {
        /// The identifier the caller expected.
        expected: String,
        /// The identifier inside the UserSig.
        found: String,
    },
    /// Expired: `now > time + expire`.
    #[error("UserSig expired at {expired_at} (Unix seconds), now is {now}")]
    Expired {
        /// `time + expire` from the UserSig: the last second it was valid.
        expired_at: u64,
        /// The time it was checked at.
        now: u64,
    },
    /// A userbuf was expected but the UserSig has none.
    #[error("UserSig has no userbuf, but one was expected")]
    UserbufMissing,
    /// The UserSig has a userbuf but none was expected.
    #[error("UserSig has a userbuf, but none was expected")]
    UserbufUnexpected,
    /// The UserSig's userbuf differs from the expected one.
    #[error("UserSig's userbuf differs from the expected one")]
    UserbufMismatch,
    /// The HMAC does not match: signed with another key, or altered.
    #[error("UserSig signature does not match (signed with another key, or altered)")]
    SignatureMismatch,
}
