//! [`Error`]: why an emulator could not start.

use std::net::SocketAddr;

/// Why an emulator could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The listening address could not be resolved or bound.
    #[error("cannot listen on {}: {source}", addr.map_or_else(|| "the given address".to_owned(), |a| a.to_string()))]
    Bind {
        /// The address, when it resolved.
        addr: Option<SocketAddr>,
        /// The cause.
        source: std::io::Error,
    },
    /// The internal HTTP server could not start.
    ///
    /// No longer produced: the emulator serves HTTP on its own listener, whose failures are
    /// [`Error::Bind`]. Kept so code matching on it still builds.
    #[error("cannot start the HTTP server: {0}")]
    Http(String),
    /// A thread could not be spawned.
    #[error("cannot spawn a thread: {0}")]
    Thread(std::io::Error),
}
