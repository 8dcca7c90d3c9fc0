//! [`Signer`] (generation and verification with one app's key), [`UserSig`] (a generated,
//! redacted token) and [`Compression`] (how the document is packed).

use std::cell::RefCell;
use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::codec::{self, STD_B64, USERSIG_B64};
use crate::document::{self, Document};
use crate::error::{SignError, VerifyError};
use crate::key::SecretKey;

/// Longest identifier (UserID) [`Signer`] signs, in UTF-8 bytes: the service's UserID limit.
pub const MAX_IDENTIFIER_LEN: usize = 32;
/// Largest userbuf [`Signer`] signs, in bytes (16 KiB). A PrivateMapKey userbuf is under
/// 150 bytes; the bound keeps every issued UserSig within [`MAX_USERSIG_LEN`](crate::MAX_USERSIG_LEN).
pub const MAX_USERBUF_LEN: usize = 16 * 1024;
/// The official Python, PHP and C# ports' default validity: 180 days, in seconds.
pub const DEFAULT_EXPIRE_SECS: u64 = 180 * 86_400;

type HmacSha256 = Hmac<Sha256>;

/// How the JSON document is zlib-packed. Any choice decodes everywhere; the service inflates
/// whatever it gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Compression {
    /// Stored (uncompressed) deflate blocks inside a zlib stream, written by hand: the
    /// default. This is what the official Go port emits by default (`zlib.NoCompression`),
    /// costs ~50 ns instead of several µs of deflate set-up, and makes the UserSig about a
    /// third longer (≈250 instead of ≈190 characters for a typical document).
    #[default]
    Stored,
    /// Real deflate at the given level, clamped to 1..=9 (6 is what the Python, Node, Java
    /// and PHP ports use; 1 is the C++ port's). Shortest output; costs microseconds per call.
    Deflate(u8),
}

/// Generates and verifies UserSigs for one application (sdkappid + key).
///
/// Holds a pre-keyed HMAC-SHA256 state that is cloned per call, so the key is hashed once.
/// `Clone + Send + Sync`; `Debug` shows the sdkappid only.
#[derive(Clone)]
pub struct Signer {
    sdkappid: u32,
    sdkappid_dec: String,
    mac: HmacSha256,
    compression: Compression,
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("sdkappid", &self.sdkappid)
            .finish_non_exhaustive()
    }
}

/// A generated UserSig. `Debug` and `Display` are redacted; use [`UserSig::as_str`] to put it
/// on the wire.
#[derive(Clone, PartialEq, Eq)]
pub struct UserSig {
    token: String,
    expires_at: u64,
}

impl UserSig {
    /// The UserSig text (ASCII, safe in a URL query without escaping).
    pub fn as_str(&self) -> &str {
        &self.token
    }

    /// The UserSig text, by value.
    pub fn into_string(self) -> String {
        self.token
    }

    /// `time + expire`: the last Unix second at which the service accepts it.
    pub fn expires_at(&self) -> u64 {
        self.expires_at
    }
}

impl fmt::Debug for UserSig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserSig")
            .field("token", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

impl fmt::Display for UserSig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted UserSig>")
    }
}

thread_local! {
    /// Per-thread scratch for generation: JSON document, zlib stream.
    static SCRATCH: RefCell<(String, Vec<u8>)> = const { RefCell::new((String::new(), Vec::new())) };
}

/// Current Unix time in seconds.
pub(crate) fn unix_now() -> Result<u64, SignError> {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .map_err(|_| SignError::ClockBeforeEpoch)
}

/// Checks the value ranges shared by every generation entry point.
pub(crate) fn check_sign_input(
    sdkappid: u32,
    identifier: &str,
    expire: u64,
    time: u64,
) -> Result<(), SignError> {
    const MAX: u64 = u32::MAX as u64;
    if sdkappid == 0 {
        return Err(SignError::ZeroSdkAppId);
    }
    if identifier.is_empty() {
        return Err(SignError::EmptyIdentifier);
    }
    if identifier.len() > MAX_IDENTIFIER_LEN {
        return Err(SignError::IdentifierTooLong {
            len: identifier.len(),
            max: MAX_IDENTIFIER_LEN,
        });
    }
    if time > MAX {
        return Err(SignError::TimeOutOfRange { time });
    }
    if expire > MAX {
        return Err(SignError::ExpireOutOfRange { expire });
    }
    if time + expire > MAX {
        return Err(SignError::ExpiryOutOfRange { time, expire });
    }
    Ok(())
}

impl Signer {
    /// A signer for `sdkappid` with `key` (used as its UTF-8 bytes), using
    /// [`Compression::Stored`].
    pub fn new(sdkappid: u32, key: SecretKey) -> Signer {
        // HMAC takes keys of any length, so this never fails.
        let mac = <HmacSha256 as KeyInit>::new_from_slice(key.as_bytes())
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
        Signer {
            sdkappid,
            sdkappid_dec: sdkappid.to_string(),
            mac,
            compression: Compression::Stored,
        }
    }

    /// The same signer, packing documents with `compression`.
    pub fn with_compression(mut self, compression: Compression) -> Signer {
        self.compression = compression;
        self
    }

    /// The application id.
    pub fn sdkappid(&self) -> u32 {
        self.sdkappid
    }

    /// The compression in use.
    pub fn compression(&self) -> Compression {
        self.compression
    }

    /// A UserSig for `identifier`, issued now, valid for `expire_secs` seconds.
    pub fn generate(&self, identifier: &str, expire_secs: u64) -> Result<UserSig, SignError> {
        self.generate_at(identifier, expire_secs, unix_now()?, None)
    }

    /// A UserSig with a userbuf, issued now. `Some(&[])` (empty) differs from `None`.
    pub fn generate_with_userbuf(
        &self,
        identifier: &str,
        expire_secs: u64,
        userbuf: &[u8],
    ) -> Result<UserSig, SignError> {
        self.generate_at(identifier, expire_secs, unix_now()?, Some(userbuf))
    }

    /// A UserSig issued at `time` (Unix seconds), valid for `expire_secs` seconds, with an
    /// optional userbuf (`Some(&[])`, empty, differs from `None`).
    ///
    /// Errors: sdkappid 0, empty identifier or longer than [`MAX_IDENTIFIER_LEN`], `time`,
    /// `expire_secs` or `time + expire_secs` beyond `u32::MAX` (the service's 32-bit
    /// seconds), userbuf longer than [`MAX_USERBUF_LEN`].
    pub fn generate_at(
        &self,
        identifier: &str,
        expire_secs: u64,
        time: u64,
        userbuf: Option<&[u8]>,
    ) -> Result<UserSig, SignError> {
        check_sign_input(self.sdkappid, identifier, expire_secs, time)?;
        if let Some(ub) = userbuf
            && ub.len() > MAX_USERBUF_LEN
        {
            return Err(SignError::UserbufTooLarge {
                len: ub.len(),
                max: MAX_USERBUF_LEN,
            });
        }
        SCRATCH.with_borrow_mut(|(json, z)| {
            json.clear();
            z.clear();
            self.write_document(json, identifier, expire_secs, time, userbuf);
            match self.compression {
                Compression::Stored => codec::write_stored_zlib(json.as_bytes(), z),
                Compression::Deflate(level) => deflate(json.as_bytes(), level, z)?,
            }
            let len = base64::encoded_len(z.len(), true).unwrap_or(0);
            let mut token = String::with_capacity(len);
            USERSIG_B64.encode_string(&*z, &mut token);
            if json.capacity() > 4 * 1024 {
                *json = String::new();
                *z = Vec::new();
            }
            Ok(UserSig {
                token,
                expires_at: time + expire_secs,
            })
        })
    }

    /// Writes the signed JSON document into `json` (compact, Go/Python key order).
    fn write_document(
        &self,
        json: &mut String,
        identifier: &str,
        expire: u64,
        time: u64,
        userbuf: Option<&[u8]>,
    ) {
        let mut mac = self.mac.clone();
        let mut num = [0u8; 20];
        mac.update(b"TLS.identifier:");
        mac.update(identifier.as_bytes());
        mac.update(b"\nTLS.sdkappid:");
        mac.update(self.sdkappid_dec.as_bytes());
        mac.update(b"\nTLS.time:");
        mac.update(codec::fmt_u64(time, &mut num));
        mac.update(b"\nTLS.expire:");
        mac.update(codec::fmt_u64(expire, &mut num));
        mac.update(b"\n");

        json.push_str(r#"{"TLS.ver":"2.0","TLS.identifier":"#);
        codec::push_json_str(json, identifier);
        json.push_str(r#","TLS.sdkappid":"#);
        json.push_str(&self.sdkappid_dec);
        json.push_str(r#","TLS.expire":"#);
        codec::push_u64(json, expire);
        json.push_str(r#","TLS.time":"#);
        codec::push_u64(json, time);
        if let Some(ub) = userbuf {
            json.push_str(r#","TLS.userbuf":""#);
            let start = json.len();
            STD_B64.encode_string(ub, json);
            mac.update(b"TLS.userbuf:");
            mac.update(&json.as_bytes()[start..]);
            mac.update(b"\n");
            json.push('"');
        }
        json.push_str(r#","TLS.sig":""#);
        STD_B64.encode_string(mac.finalize().into_bytes(), json);
        json.push_str("\"}");
    }

    /// Verifies `usersig` at `now` (Unix seconds) for this signer's sdkappid and
    /// `identifier`, expecting `userbuf` (`None`: the UserSig must have none).
    ///
    /// Checks, in order (as the official Go verifier): well-formed ([`VerifyError::Decode`]),
    /// sdkappid, identifier, expiry (valid up to and including `time + expire`), userbuf
    /// presence and content, then the HMAC, compared in constant time. Returns the decoded
    /// document when valid. The issue time is not checked against `now` (a UserSig from a
    /// clock slightly ahead is accepted, as by the official verifiers).
    pub fn verify(
        &self,
        usersig: &str,
        identifier: &str,
        userbuf: Option<&[u8]>,
        now: u64,
    ) -> Result<Document, VerifyError> {
        let doc = document::decode(usersig)?;
        if doc.sdkappid != self.sdkappid {
            return Err(VerifyError::SdkAppIdMismatch {
                expected: self.sdkappid,
                found: doc.sdkappid,
            });
        }
        if doc.identifier != identifier {
            return Err(VerifyError::IdentifierMismatch {
                expected: identifier.to_owned(),
                found: doc.identifier,
            });
        }
        if now > doc.expires_at() {
            return Err(VerifyError::Expired {
                expired_at: doc.expires_at(),
                now,
            });
        }
        match (userbuf, &doc.userbuf) {
            (Some(_), None) => return Err(VerifyError::UserbufMissing),
            (None, Some(_)) => return Err(VerifyError::UserbufUnexpected),
            (Some(want), Some(found)) if want != found.as_slice() => {
                return Err(VerifyError::UserbufMismatch);
            }
            _ => {}
        }
        let mut mac = self.mac.clone();
        let mut num = [0u8; 20];
        mac.update(b"TLS.identifier:");
        mac.update(doc.identifier.as_bytes());
        mac.update(b"\nTLS.sdkappid:");
        mac.update(codec::fmt_u64(u64::from(doc.sdkappid), &mut num));
        mac.update(b"\nTLS.time:");
        mac.update(codec::fmt_u64(doc.time, &mut num));
        mac.update(b"\nTLS.expire:");
        mac.update(codec::fmt_u64(doc.expire, &mut num));
        mac.update(b"\n");
        if let Some(ub) = &doc.userbuf {
            mac.update(b"TLS.userbuf:");
            codec::std_b64_chunks(ub, |piece| mac.update(piece));
            mac.update(b"\n");
        }
        mac.verify_slice(doc.signature())
            .map_err(|_| VerifyError::SignatureMismatch)?;
        Ok(doc)
    }

    /// [`Signer::verify`] at the current system time (a clock before 1970 counts as 0).
    pub fn verify_now(
        &self,
        usersig: &str,
        identifier: &str,
        userbuf: Option<&[u8]>,
    ) -> Result<Document, VerifyError> {
        self.verify(usersig, identifier, userbuf, unix_now().unwrap_or(0))
    }
}

/// Deflates `data` at `level` (clamped to 1..=9) into a zlib stream appended to `out`.
fn deflate(data: &[u8], level: u8, out: &mut Vec<u8>) -> Result<(), SignError> {
    use flate2::{Compress, FlushCompress, Status};
    let level = u32::from(level.clamp(1, 9));
    let mut c = Compress::new(flate2::Compression::new(level), true);
    out.reserve(data.len() + 64);
    loop {
        let consumed = c.total_in() as usize;
        let status = c
            .compress_vec(&data[consumed..], out, FlushCompress::Finish)
            .map_err(|_| SignError::Compression)?;
        match status {
            Status::StreamEnd => return Ok(()),
            Status::Ok | Status::BufError => out.reserve(out.capacity().max(64)),
        }
    }
}
