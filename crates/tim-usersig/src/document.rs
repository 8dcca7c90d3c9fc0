//! Decoding: [`decode`] turns any TLSSigAPIv2 UserSig into its [`Document`] without a key;
//! [`decode_json`] returns the inflated JSON text itself.
//!
//! Accepted: every official port's output, i.e. any JSON key order and spacing, `\uXXXX`
//! and `\/` escapes, a trailing newline (Go), any zlib level, padded or unpadded base64.
//! Rejected with a distinct [`DecodeError`]: everything else, including duplicate fields,
//! non-integer or negative numbers and values beyond 32 bits.

use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt;

use base64::Engine as _;
use flate2::Decompress;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::codec::{self, InflateError, STD_B64, USERSIG_B64};
use crate::error::{DecodeError, JsonError};

/// Longest UserSig [`decode`] accepts, in characters (64 KiB).
pub const MAX_USERSIG_LEN: usize = 64 * 1024;
/// Largest inflated document [`decode`] accepts, in bytes (64 KiB). Bounds the work a
/// hostile "zip bomb" UserSig can cause.
pub const MAX_DOCUMENT_LEN: usize = 64 * 1024;

/// The only document version this crate handles (TLSSigAPIv2, HMAC-SHA256).
pub const VERSION: &str = "2.0";

/// A decoded UserSig document (the JSON inside the UserSig).
///
/// `Debug` shows every field except the signature. [`Document::signature`] returns it.
#[derive(Clone, PartialEq, Eq)]
pub struct Document {
    /// `TLS.ver`; always `"2.0"` after a successful [`decode`].
    pub version: String,
    /// `TLS.identifier`: the UserID the UserSig was issued to.
    pub identifier: String,
    /// `TLS.sdkappid`.
    pub sdkappid: u32,
    /// `TLS.time`: issue time, Unix seconds (at most `u32::MAX`).
    pub time: u64,
    /// `TLS.expire`: validity in seconds relative to `time` (at most `u32::MAX`).
    pub expire: u64,
    /// `TLS.userbuf`, base64-decoded. `Some(vec![])` (an empty userbuf) differs from `None`.
    pub userbuf: Option<Vec<u8>>,
    sig: [u8; 32],
}

impl Document {
    /// `time + expire`: the last Unix second at which the UserSig is valid.
    pub fn expires_at(&self) -> u64 {
        self.time + self.expire
    }

    /// The raw HMAC-SHA256 from `TLS.sig`. Together with the rest of the document it is a
    /// credential: do not log it.
    pub fn signature(&self) -> &[u8; 32] {
        &self.sig
    }
}

impl fmt::Debug for Document {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Document")
            .field("version", &self.version)
            .field("identifier", &self.identifier)
            .field("sdkappid", &self.sdkappid)
            .field("time", &self.time)
            .field("expire", &self.expire)
            .field("userbuf", &self.userbuf)
            .field("sig", &"<redacted>")
            .finish()
    }
}

thread_local! {
    /// Per-thread scratch for decoding: inflater, raw bytes, inflated JSON.
    static SCRATCH: RefCell<(Decompress, Vec<u8>, Vec<u8>)> =
        RefCell::new((Decompress::new(true), Vec::new(), Vec::new()));
}

/// Runs `f` on the inflated JSON bytes of `usersig`.
fn with_json<T>(
    usersig: &str,
    f: impl FnOnce(&[u8]) -> Result<T, DecodeError>,
) -> Result<T, DecodeError> {
    if usersig.is_empty() {
        return Err(DecodeError::Empty);
    }
    if usersig.len() > MAX_USERSIG_LEN {
        return Err(DecodeError::TooLong {
            len: usersig.len(),
            max: MAX_USERSIG_LEN,
        });
    }
    SCRATCH.with_borrow_mut(|(z, raw, json)| {
        raw.clear();
        USERSIG_B64
            .decode_vec(usersig, raw)
            .map_err(|_| DecodeError::Base64)?;
        codec::inflate_into(z, raw, json, MAX_DOCUMENT_LEN).map_err(|e| match e {
            InflateError::Corrupt => DecodeError::Zlib,
            InflateError::TooLarge => DecodeError::DocumentTooLarge {
                max: MAX_DOCUMENT_LEN,
            },
        })?;
        let result = f(json);
        if json.capacity() > 4 * 1024 {
            *json = Vec::new();
        }
        if raw.capacity() > 4 * 1024 {
            *raw = Vec::new();
        }
        result
    })
}

/// Returns the JSON document inside `usersig`, exactly as its issuer wrote it (key order,
/// spacing and escapes included). No key needed. Checks base64 and zlib only; the text is
/// guaranteed to be UTF-8.
///
/// The document contains `TLS.sig`; treat the output as a credential.
pub fn decode_json(usersig: &str) -> Result<String, DecodeError> {
    with_json(usersig, |json| {
        std::str::from_utf8(json).map(str::to_owned).map_err(|e| {
            let (line, column) = line_col(json, e.valid_up_to());
            DecodeError::Json(JsonError::at(line, column))
        })
    })
}

fn line_col(text: &[u8], offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = offset
        - before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1)
        + 1;
    (line, column)
}

/// Decodes any TLSSigAPIv2 UserSig into its [`Document`], without a key and without
/// checking the signature or expiry (use [`Signer::verify`](crate::Signer::verify) for that).
///
/// ```
/// use tim_usersig::{decode, DecodeError, SecretKey, Signer};
/// let signer = Signer::new(1400000000, SecretKey::new("k"));
/// let sig = signer.generate_at("alice", 86400, 1_700_000_000, None).unwrap();
/// let doc = decode(sig.as_str()).unwrap();
/// assert_eq!((doc.identifier.as_str(), doc.sdkappid, doc.time), ("alice", 1400000000, 1_700_000_000));
/// assert_eq!(decode(""), Err(DecodeError::Empty));
/// ```
pub fn decode(usersig: &str) -> Result<Document, DecodeError> {
    with_json(usersig, parse_document)
}

pub(crate) fn parse_document(json: &[u8]) -> Result<Document, DecodeError> {
    let mut de = serde_json::Deserializer::from_slice(json);
    let raw = RawDoc::deserialize_from(&mut de)
        .and_then(|raw| de.end().map(|()| raw))
        .map_err(|e| DecodeError::Json(JsonError::from_serde(&e)))?;
    if let Some(field) = raw.duplicate {
        return Err(DecodeError::DuplicateField(field));
    }
    let version = string_field(F_VER, raw.ver)?;
    if version != VERSION {
        let shown: String = version.chars().take(16).collect();
        return Err(DecodeError::UnsupportedVersion(shown));
    }
    let identifier = string_field(F_IDENTIFIER, raw.identifier)?.into_owned();
    let sdkappid = u32_field(F_SDKAPPID, raw.sdkappid)? as u32;
    let time = u32_field(F_TIME, raw.time)?;
    let expire = u32_field(F_EXPIRE, raw.expire)?;
    let sig_text = string_field(F_SIG, raw.sig)?;
    let mut sig = [0u8; 32];
    match STD_B64.decode_slice(sig_text.as_bytes(), &mut sig) {
        Ok(32) => {}
        _ => return Err(DecodeError::SigField),
    }
    let userbuf = match raw.userbuf {
        None | Some(Scalar::Null) => None,
        Some(Scalar::Str(s)) => Some(
            STD_B64
                .decode(s.as_bytes())
                .map_err(|_| DecodeError::UserbufField)?,
        ),
        Some(_) => {
            return Err(DecodeError::InvalidField {
                field: F_USERBUF,
                expected: "a string",
            });
        }
    };
    Ok(Document {
        version: version.into_owned(),
        identifier,
        sdkappid,
        time,
        expire,
        userbuf,
        sig,
    })
}

const F_VER: &str = "TLS.ver";
const F_IDENTIFIER: &str = "TLS.identifier";
const F_SDKAPPID: &str = "TLS.sdkappid";
const F_TIME: &str = "TLS.time";
const F_EXPIRE: &str = "TLS.expire";
const F_USERBUF: &str = "TLS.userbuf";
const F_SIG: &str = "TLS.sig";

fn string_field<'a>(
    field: &'static str,
    v: Option<Scalar<'a>>,
) -> Result<Cow<'a, str>, DecodeError> {
    match v {
        None | Some(Scalar::Null) => Err(DecodeError::MissingField(field)),
        Some(Scalar::Str(s)) => Ok(s),
        Some(_) => Err(DecodeError::InvalidField {
            field,
            expected: "a string",
        }),
    }
}

fn u32_field(field: &'static str, v: Option<Scalar<'_>>) -> Result<u64, DecodeError> {
    const EXPECTED: &str = "a non-negative integer";
    match v {
        None | Some(Scalar::Null) => Err(DecodeError::MissingField(field)),
        Some(Scalar::U64(n)) if n <= u64::from(u32::MAX) => Ok(n),
        Some(Scalar::U64(n)) => Err(DecodeError::OutOfRange {
            field,
            value: n,
            max: u64::from(u32::MAX),
        }),
        Some(_) => Err(DecodeError::InvalidField {
            field,
            expected: EXPECTED,
        }),
    }
}

/// A JSON value, reduced to what the document fields can legally be.
enum Scalar<'a> {
    Null,
    Str(Cow<'a, str>),
    U64(u64),
    /// Negative or fractional numbers, booleans, arrays, objects.
    Other,
}

impl<'de> de::Deserialize<'de> for Scalar<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Scalar<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_unit<E>(self) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Null)
            }
            fn visit_none<E>(self) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Null)
            }
            fn visit_bool<E>(self, _: bool) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Other)
            }
            fn visit_u64<E>(self, n: u64) -> Result<Scalar<'de>, E> {
                Ok(Scalar::U64(n))
            }
            fn visit_i64<E>(self, n: i64) -> Result<Scalar<'de>, E> {
                Ok(u64::try_from(n).map_or(Scalar::Other, Scalar::U64))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Other)
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Str(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Str(Cow::Owned(s.to_owned())))
            }
            fn visit_string<E>(self, s: String) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Str(Cow::Owned(s)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Scalar<'de>, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Scalar::Other)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Scalar<'de>, A::Error> {
                while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Scalar::Other)
            }
        }
        d.deserialize_any(V)
    }
}

/// The document's fields as found, before type and range checks.
#[derive(Default)]
struct RawDoc<'a> {
    ver: Option<Scalar<'a>>,
    identifier: Option<Scalar<'a>>,
    sdkappid: Option<Scalar<'a>>,
    time: Option<Scalar<'a>>,
    expire: Option<Scalar<'a>>,
    userbuf: Option<Scalar<'a>>,
    sig: Option<Scalar<'a>>,
    duplicate: Option<&'static str>,
}

impl<'de> RawDoc<'de> {
    fn deserialize_from(
        de: &mut serde_json::Deserializer<serde_json::de::SliceRead<'de>>,
    ) -> Result<RawDoc<'de>, serde_json::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawDoc<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<RawDoc<'de>, A::Error> {
                let mut doc = RawDoc::default();
                while let Some(key) = a.next_key::<Scalar<'de>>()? {
                    let Scalar::Str(key) = key else {
                        a.next_value::<IgnoredAny>()?;
                        continue;
                    };
                    let (name, slot) = match key.as_ref() {
                        F_VER => (F_VER, &mut doc.ver),
                        F_IDENTIFIER => (F_IDENTIFIER, &mut doc.identifier),
                        F_SDKAPPID => (F_SDKAPPID, &mut doc.sdkappid),
                        F_TIME => (F_TIME, &mut doc.time),
                        F_EXPIRE => (F_EXPIRE, &mut doc.expire),
                        F_USERBUF => (F_USERBUF, &mut doc.userbuf),
                        F_SIG => (F_SIG, &mut doc.sig),
                        _ => {
                            a.next_value::<IgnoredAny>()?;
                            continue;
                        }
                    };
                    let value = a.next_value::<Scalar<'de>>()?;
                    if slot.is_some() {
                        doc.duplicate.get_or_insert(name);
                    } else {
                        *slot = Some(value);
                    }
                }
                Ok(doc)
            }
        }
        de.deserialize_map(V)
    }
}
