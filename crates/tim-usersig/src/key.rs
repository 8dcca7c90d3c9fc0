//! [`SecretKey`]: the application's TLSSigAPIv2 key, kept out of every `Debug` and `Display`.

use std::fmt;

/// The application's UserSig key (the "Key" shown in the Tencent Cloud Chat console).
///
/// The key is used as its UTF-8 bytes, exactly as every official TLSSigAPIv2 port does: it is
/// **not** hex-decoded. `Debug` and `Display` print `SecretKey(<redacted>)`, never the key.
///
/// ```
/// use tim_usersig::SecretKey;
/// let key = SecretKey::new("5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e");
/// assert_eq!(format!("{key:?}"), "SecretKey(<redacted>)");
/// assert_eq!(key.len(), 64);
/// ```
#[derive(Clone)]
pub struct SecretKey(String);

impl SecretKey {
    /// Wraps a key. Any string is accepted; an empty key signs (HMAC allows it) but no
    /// console ever issues one, so callers reading a key from a file or the environment
    /// should reject empty input themselves (the `tim` CLI does).
    pub fn new(key: impl Into<String>) -> SecretKey {
        SecretKey(key.into())
    }

    /// The key's UTF-8 bytes, as fed to HMAC-SHA256.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// Length of the key in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the key is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

impl fmt::Display for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}
