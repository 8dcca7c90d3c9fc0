//! A TCP relay in front of the HTTP server, so a fault can close a client's connection
//! without answering.
//!
//! `tiny_http` never hands out its sockets: a request can only be answered (dropping one
//! answers 500) and a keep-alive connection stays open. So the emulator's public port is this
//! relay: each client connection is paired with a loopback connection to the `tiny_http`
//! server, bytes are copied both ways, and [`Relay::cut`] shuts both down. The server sees
//! the relay's side of the pair as the request's remote address, which is how a worker finds
//! the client connection to cut.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};

/// One relayed connection: the client's socket and ours to the server.
struct Pair {
    client: TcpStream,
    backend: TcpStream,
}

impl Pair {
    fn shutdown(&self) {
        let _ = self.client.shutdown(Shutdown::Both);
        let _ = self.backend.shutdown(Shutdown::Both);
    }
}

type Pairs = Arc<Mutex<HashMap<SocketAddr, Pair>>>;

fn lock(pairs: &Pairs) -> MutexGuard<'_, HashMap<SocketAddr, Pair>> {
    pairs.lock().unwrap_or_else(|p| p.into_inner())
}

/// The public listener and its live connections.
pub(crate) struct Relay {
    addr: SocketAddr,
    pairs: Pairs,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
}

impl Relay {
    /// Listens on `bind` and relays every connection to `backend`.
    pub fn start(bind: SocketAddr, backend: SocketAddr) -> io::Result<Relay> {
        let listener = TcpListener::bind(bind)?;
        let addr = listener.local_addr()?;
        let pairs: Pairs = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let accept = {
            let pairs = pairs.clone();
            let stop = stop.clone();
            thread::Builder::new()
                .name("tim-emulator-accept".into())
                .spawn(move || accept_loop(&listener, backend, &pairs, &stop))?
        };
        Ok(Relay {
            addr,
            pairs,
            stop,
            accept: Some(accept),
        })
    }

    /// The address clients connect to.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Closes the client connection whose relayed side has address `backend_peer` (the
    /// remote address `tiny_http` saw). Returns whether one was found.
    pub fn cut(&self, backend_peer: SocketAddr) -> bool {
        match lock(&self.pairs).remove(&backend_peer) {
            Some(pair) => {
                pair.shutdown();
                true
            }
            None => false,
        }
    }

    /// Stops accepting and closes every connection.
    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop up; it sees the flag and returns.
        let wake = if self.addr.ip().is_unspecified() {
            SocketAddr::new(
                if self.addr.is_ipv4() {
                    std::net::Ipv4Addr::LOCALHOST.into()
                } else {
                    std::net::Ipv6Addr::LOCALHOST.into()
                },
                self.addr.port(),
            )
        } else {
            self.addr
        };
        let _ = TcpStream::connect(wake);
        if let Some(t) = self.accept.take() {
            let _ = t.join();
        }
        for (_, pair) in lock(&self.pairs).drain() {
            pair.shutdown();
        }
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        if self.accept.is_some() {
            self.stop();
        }
    }
}

fn accept_loop(listener: &TcpListener, backend: SocketAddr, pairs: &Pairs, stop: &AtomicBool) {
    for client in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let Ok(client) = client else { continue };
        if let Err(e) = relay_one(client, backend, pairs) {
            log::warn!("tim-emulator: could not relay a connection: {e}");
        }
    }
}

fn relay_one(client: TcpStream, backend: SocketAddr, pairs: &Pairs) -> io::Result<()> {
    let server = TcpStream::connect(backend)?;
    client.set_nodelay(true)?;
    server.set_nodelay(true)?;
    let key = server.local_addr()?;
    lock(pairs).insert(
        key,
        Pair {
            client: client.try_clone()?,
            backend: server.try_clone()?,
        },
    );
    let (c_in, s_out) = (client.try_clone()?, server.try_clone()?);
    thread::Builder::new()
        .name("tim-emulator-relay-in".into())
        .spawn(move || {
            pump(c_in, &s_out);
            let _ = s_out.shutdown(Shutdown::Write);
        })?;
    let pairs = pairs.clone();
    thread::Builder::new()
        .name("tim-emulator-relay-out".into())
        .spawn(move || {
            pump(server, &client);
            let _ = client.shutdown(Shutdown::Both);
            if let Some(pair) = lock(&pairs).remove(&key) {
                pair.shutdown();
            }
        })?;
    Ok(())
}

/// Copies until end of stream or an error, flushing each chunk as it arrives.
fn pump(mut from: TcpStream, mut to: &TcpStream) {
    let mut buf = [0u8; 16 * 1024];
    loop {
        match from.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                if to.write_all(&buf[..n]).is_err() {
                    return;
                }
            }
        }
    }
}
