//! The wire model of the Tencent Cloud Chat ("TIM") server REST API, generated from the
//! machine-readable spec in `spec/`: what the client and the emulator share.
//!
//! - One module per service (`all_member_push`, ...): its own types, one
//!   `{Method}Request` / `{Method}Response` pair per endpoint, and one [`Endpoint`]
//!   constant per endpoint. [`common`]: types shared by several services.
//! - [`endpoints`]: every endpoint ([`endpoints::ALL`], [`endpoints::by_path`],
//!   [`endpoints::visit_requests`], [`endpoints::validate_json`]).
//! - [`ErrorCode`]: every documented code, backed by one table ([`ErrorCode::table`]) with
//!   its description, hint, [`RetryClass`] and [`ErrorScope`].
//! - [`Region`]: the documented regions and their domains.
//! - [`Validate`] and [`ValidationError`]: the documented limits, checked before sending
//!   (client) and on receipt (emulator).
//! - [`Request`], [`Response`], [`BatchRequest`]: the contracts between generated and
//!   hand-written code.
//! - [`callbacks`]: every callback (webhook) the service sends the app, typed, with the
//!   [`callbacks::Event`] over them all; [`callback`]: their contracts.
//!
//! Only serde, serde_json and thiserror: no HTTP. The generated modules are private and
//! re-exported here, so each item has one path.
//!
//! ```
//! use tim_model::all_member_push::GetTagRequest;
//! use tim_model::{ErrorCode, Request, Validate};
//!
//! let request = GetTagRequest::from(["alice", "bob"]);
//! assert!(request.validate().is_ok());
//! assert_eq!(GetTagRequest::ENDPOINT.path, "v4/all_member_push/im_get_tag");
//!
//! let too_many = GetTagRequest::new((0..101).map(|i| format!("user{i}")));
//! let err = too_many.validate().unwrap_err();
//! assert_eq!(err.code, Some(ErrorCode::TooManyAccounts));
//! assert_eq!(ErrorCode::from_code(90018), ErrorCode::TooManyAccounts);
//! ```

#![warn(missing_docs)]

pub mod batch;
pub mod callback;
pub mod endpoint;
mod error_code;
#[rustfmt::skip]
mod generated;
#[doc(hidden)]
pub mod lenient;
mod push;
mod random;
pub mod validate;

pub use batch::{BatchRequest, Split};
pub use endpoint::{
    BatchField, Endpoint, EnvelopeFields, JsonCheckError, RateLimit, Request, RequestVisitor,
    Response, RetrySafety,
};
pub use error_code::{ErrorDef, ErrorScope, RetryClass, ScopedMeaning};
pub use generated::errors::ErrorCode;
pub use generated::regions::Region;
pub use generated::*;
pub use random::new_msg_random;
pub use validate::{FieldPath, Validate, ValidationError};
