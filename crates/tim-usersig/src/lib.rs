//! UserSig (TLSSigAPIv2, HMAC-SHA256) for Tencent Cloud Chat: generate, decode, verify in
//! constant time, and build PrivateMapKey userbufs. Hand-written, no HTTP.
//!
//! Output is byte-for-byte compatible with the official `tls-sig-api-v2` libraries in what
//! is signed (the content string and `TLS.sig`); the outer packing differs only where the
//! ports already differ among themselves (JSON key order and spacing, zlib level), and the
//! decoder accepts every official port's output.
//!
//! # Example
//!
//! ```
//! use tim_usersig::{decode, SecretKey, Signer, VerifyError};
//!
//! let signer = Signer::new(1400000000, SecretKey::new("5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e"));
//! let sig = signer.generate_at("administrator", 86_400, 1_700_000_000, None)?;
//! assert_eq!(sig.expires_at(), 1_700_086_400);
//! assert_eq!(format!("{sig}"), "<redacted UserSig>");
//!
//! // Anyone can decode; only the key holder can verify.
//! let doc = decode(sig.as_str())?;
//! assert_eq!(doc.identifier, "administrator");
//! let ok = signer.verify(sig.as_str(), "administrator", None, 1_700_086_400)?;
//! assert_eq!(ok, doc);
//! assert!(matches!(
//!     signer.verify(sig.as_str(), "administrator", None, 1_700_086_401),
//!     Err(VerifyError::Expired { expired_at: 1_700_086_400, .. })
//! ));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Value ranges
//!
//! The reference verifier stores sdkappid, time and expire as 32-bit unsigned integers, so
//! [`Signer`] refuses (with [`SignError`]) a time, an expire or a `time + expire` beyond
//! `u32::MAX` (year 2106), sdkappid 0, an empty identifier or one over
//! [`MAX_IDENTIFIER_LEN`] bytes (the service's UserID limit), and a userbuf over
//! [`MAX_USERBUF_LEN`]. [`decode`] accepts any value a 32-bit verifier can read. Nothing
//! panics on any input.
//!
//! # Compression
//!
//! By default the document is packed as a zlib stream of stored (uncompressed) blocks,
//! written by hand ([`Compression::Stored`]). Measurements showed zlib set-up dominating
//! generation (several µs per call even with zlib-rs, against ~0.5 µs for everything else);
//! the official Go port emits exactly this stream by default and the service accepts it. The
//! price is a UserSig about a third longer. [`Compression::Deflate`] gives the shortest
//! output at the official ports' cost. Decoding inflates any level.
//!
//! # Secrets
//!
//! [`SecretKey`], [`UserSig`] and the signature in [`Document`] never appear in `Debug`,
//! `Display` or any error.
//!
//! # Crate organization
//!
//! - [`Signer`], [`UserSig`], [`Compression`]: generation and verification.
//! - [`decode`], [`decode_json`], [`Document`]: keyless decoding.
//! - [`PrivateMapKey`], [`RoomId`], [`Privileges`]: TRTC room-permission userbufs.
//! - [`SignError`], [`DecodeError`], [`VerifyError`], [`UserbufError`]: one variant per
//!   failure.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod codec;
mod document;
mod error;
mod key;
mod signer;
mod userbuf;

pub use document::{Document, MAX_DOCUMENT_LEN, MAX_USERSIG_LEN, VERSION, decode, decode_json};
pub use error::{DecodeError, JsonError, SignError, VerifyError};
pub use key::SecretKey;
pub use signer::{
    Compression, DEFAULT_EXPIRE_SECS, MAX_IDENTIFIER_LEN, MAX_USERBUF_LEN, Signer, UserSig,
};
pub use userbuf::{MAX_ROOM_STR_LEN, PrivateMapKey, Privileges, RoomId, UserbufError};
