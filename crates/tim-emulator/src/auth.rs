//! The query string every call carries (`sdkappid`, `identifier`, `usersig`, `random`,
//! `contenttype`) and its checks, with the documented codes. The UserSig is verified with
//! `tim-usersig` against the emulator's key and clock.
//!
//! The order of the checks and their codes are in the crate docs.

use tim_model::ErrorCode;
use tim_usersig::{DecodeError, Signer, VerifyError};

use crate::reply::ApiError;

/// The parameters of one call, percent-decoded. First occurrence wins.
#[derive(Default)]
struct Query {
    sdkappid: Option<String>,
    identifier: Option<String>,
    usersig: Option<String>,
    random: Option<String>,
    contenttype: Option<String>,
}

fn parse_query(query: &str) -> Query {
    let mut q = Query::default();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let slot = match name {
            "sdkappid" => &mut q.sdkappid,
            "identifier" => &mut q.identifier,
            "usersig" => &mut q.usersig,
            "random" => &mut q.random,
            "contenttype" => &mut q.contenttype,
            _ => continue,
        };
        if slot.is_none() {
            *slot = Some(percent_decode(value));
        }
    }
    q
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// What the emulator checks a query string against.
pub(crate) struct Auth<'a> {
    pub sdkappid: u32,
    pub signer: &'a Signer,
    pub admin: &'a str,
    pub now_secs: u64,
}

impl Auth<'_> {
    /// Checks the query string of one call.
    pub fn check(&self, query: &str) -> Result<(), ApiError> {
        let q = parse_query(query);
        let sdkappid = q.sdkappid.filter(|s| !s.is_empty()).ok_or_else(|| {
            ApiError::new(
                ErrorCode::MissingSdkAppId,
                "sdkappid is missing from the URL query string",
            )
        })?;
        let sdkappid: u32 = sdkappid.parse().map_err(|_| {
            ApiError::new(
                ErrorCode::InvalidSdkAppId,
                format!("sdkappid must be an unsigned 32-bit integer, got {sdkappid:?}"),
            )
        })?;
        if sdkappid != self.sdkappid {
            return Err(ApiError::new(
                ErrorCode::InvalidSdkAppId,
                format!("sdkappid {sdkappid} is not a valid SDKAppID here"),
            ));
        }
        let identifier = q.identifier.filter(|s| !s.is_empty()).ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidAccountOrUsersig,
                "identifier is missing from the URL query string",
            )
        })?;
        let usersig = q.usersig.unwrap_or_default();
        if usersig.is_empty() {
            return Err(ApiError::new(ErrorCode::UsersigEmpty, "usersig is empty"));
        }
        self.signer
            .verify(&usersig, &identifier, None, self.now_secs)
            .map_err(usersig_error)?;
        match q.random.as_deref() {
            None | Some("") => {
                return Err(ApiError::new(
                    ErrorCode::HttpParseError,
                    "random is missing from the URL query string",
                ));
            }
            Some(r) if r.parse::<u32>().is_err() => {
                return Err(ApiError::new(
                    ErrorCode::HttpParseError,
                    format!("random must be an integer in 0..=4294967295, got {r:?}"),
                ));
            }
            Some(_) => {}
        }
        match q.contenttype.as_deref() {
            Some("json") => {}
            None => {
                return Err(ApiError::new(
                    ErrorCode::HttpParseError,
                    "contenttype is missing from the URL query string (must be \"json\")",
                ));
            }
            Some(other) => {
                return Err(ApiError::new(
                    ErrorCode::HttpParseError,
                    format!("contenttype must be \"json\", got {other:?}"),
                ));
            }
        }
        if identifier != self.admin {
            return Err(ApiError::new(
                ErrorCode::AdminPermissionRequired,
                format!("identifier {identifier:?} is not the App admin"),
            ));
        }
        Ok(())
    }
}

/// Maps a verification failure to its documented code. The text never contains the UserSig.
fn usersig_error(e: VerifyError) -> ApiError {
    match e {
        VerifyError::Decode(DecodeError::Empty) => {
            ApiError::new(ErrorCode::UsersigEmpty, "usersig is empty")
        }
        VerifyError::Decode(d) => ApiError::new(
            ErrorCode::UsersigInvalid,
            format!("usersig is invalid: {d}"),
        ),
        VerifyError::Expired { expired_at, now } => ApiError::new(
            ErrorCode::UsersigExpired,
            format!("usersig expired at {expired_at} (now {now}); generate a new one"),
        ),
        VerifyError::SignatureMismatch => ApiError::new(
            ErrorCode::UsersigVerificationFailed,
            "usersig verification failed: not signed with this app's key",
        ),
        VerifyError::IdentifierMismatch { expected, found } => ApiError::new(
            ErrorCode::UsersigIdentifierMismatch,
            format!("identifier {expected:?} does not match the usersig's {found:?}"),
        ),
        VerifyError::SdkAppIdMismatch { expected, found } => ApiError::new(
            ErrorCode::UsersigSdkAppIdMismatch,
            format!("sdkappid {expected} does not match the usersig's {found}"),
        ),
        other => ApiError::new(
            ErrorCode::UsersigInvalid,
            format!("usersig is invalid: {other}"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_percent_decoded_first_wins() {
        let q = parse_query("identifier=Zhang%20Xiaohong&identifier=x&random=1%2&sdkappid=&x=1");
        assert_eq!(q.identifier.as_deref(), Some("Zhang Xiaohong"));
        assert_eq!(q.random.as_deref(), Some("1%2"));
        assert_eq!(q.sdkappid.as_deref(), Some(""));
        assert!(q.usersig.is_none());
        assert_eq!(percent_decode("a+b%2Bc%"), "a+b+c%");
    }
}
