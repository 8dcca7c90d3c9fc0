//! CONTRACT PLACEHOLDER (replaced by the client helper): `Client` and its generic `send`.

use crate::{Error, Request};

/// The blocking client.
#[derive(Clone)]
pub struct Client {}

impl Client {
    /// Validates, signs, sends `request` to its endpoint and decodes the response.
    pub fn send<R: Request>(&self, request: &R) -> Result<R::Response, Error> {
        request.validate().map_err(Error::InvalidRequest)?;
        Err(Error::NotImplemented)
    }
}
