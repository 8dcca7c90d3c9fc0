//! Blocking client for the Tencent Cloud Chat server REST API (work in progress: the client
//! helper owns this file and rewrites it with the crate docs).

pub mod client;
pub mod endpoint;
pub mod error;
pub mod generated;
pub mod validate;

pub use client::Client;
pub use endpoint::{Endpoint, Request};
pub use error::{Error, RetryClass};
pub use validate::{Validate, ValidationError};
