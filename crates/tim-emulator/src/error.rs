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
    /// A thread could not be spawned.
    #[error("cannot spawn a thread: {0}")]
    Thread(std::io::Error),
}
