//! A scripted HTTP server on the emulator's own HTTP layer, for tests of HTTP clients that
//! need answers the service would not give on demand (a status, a delay, a broken body) and
//! to see exactly what was sent. It records nothing itself: the handler sees each
//! [`Received`] request and returns the [`Scripted`] answer.
//!
//! ```
//! use tim_emulator::scripted::{Scripted, ScriptedServer};
//!
//! let server = ScriptedServer::start(|rq| {
//!     assert_eq!(rq.method, "POST");
//!     Scripted::new(502, "text/html", "<html>bad gateway</html>")
//! })?;
//! let answer = std::net::TcpStream::connect(server.addr())?;
//! # drop(answer);
//! # Ok::<(), std::io::Error>(())
//! ```

use std::io::BufReader;
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::http::{self, After, Incoming, Response};

/// One request as the scripted server received it.
#[derive(Debug, Clone)]
pub struct Received {
    /// The method as sent.
    pub method: String,
    /// The path and query string (`/v4/...?...`), as sent.
    pub target: String,
    /// The header fields, in order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
    /// The client's address.
    pub peer: SocketAddr,
    /// When the request had been read.
    pub at: Instant,
}

/// The answer to one request.
#[derive(Debug, Clone)]
pub struct Scripted {
    /// The HTTP status.
    pub status: u16,
    /// The `Content-Type`.
    pub content_type: &'static str,
    /// The body.
    pub body: Vec<u8>,
    /// How long to wait before answering.
    pub delay: Duration,
}

impl Scripted {
    /// An answer with no delay.
    pub fn new(status: u16, content_type: &'static str, body: impl Into<Vec<u8>>) -> Scripted {
        Scripted {
            status,
            content_type,
            body: body.into(),
            delay: Duration::ZERO,
        }
    }
}

type Handler = dyn Fn(&Received) -> Scripted + Send + Sync;

/// A loopback server answering every request with its handler; one thread per connection,
/// keep-alive as the client asks. Stops when dropped.
pub struct ScriptedServer {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for ScriptedServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScriptedServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl ScriptedServer {
    /// Starts on a free loopback port.
    ///
    /// # Errors
    ///
    /// When the port cannot be bound.
    pub fn start(
        handler: impl Fn(&Received) -> Scripted + Send + Sync + 'static,
    ) -> std::io::Result<ScriptedServer> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Arc<Handler> = Arc::new(handler);
        let accept_stop = stop.clone();
        let accept = thread::Builder::new()
            .name("tim-scripted-accept".to_owned())
            .spawn(move || {
                for stream in listener.incoming() {
                    if accept_stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let (handler, stop) = (handler.clone(), accept_stop.clone());
                    let _ = thread::Builder::new()
                        .name("tim-scripted-conn".to_owned())
                        .spawn(move || serve(&stream, &*handler, &stop));
                }
            })?;
        Ok(ScriptedServer {
            addr,
            stop,
            accept: Some(accept),
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its base URL, `http://127.0.0.1:{port}`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for ScriptedServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.addr);
        if let Some(t) = self.accept.take() {
            let _ = t.join();
        }
    }
}

fn serve(stream: &TcpStream, handler: &Handler, stop: &AtomicBool) {
    let _ = stream.set_nodelay(true);
    let peer = match stream.peer_addr() {
        Ok(peer) => peer,
        Err(_) => return,
    };
    let mut reader = BufReader::new(stream);
    let mut writer = stream;
    while !stop.load(Ordering::Relaxed) {
        let rq = match http::read_request(&mut reader, &mut writer) {
            Incoming::Request(rq) => rq,
            Incoming::Closed => break,
            Incoming::Refused(refusal) => {
                let resp = Response {
                    status: refusal.status,
                    content_type: "text/plain",
                    body: refusal.info.into_bytes(),
                };
                let _ = http::write_response(&mut writer, &resp, After::Close, false);
                break;
            }
        };
        let received = Received {
            method: rq.method.clone(),
            target: rq.target.clone(),
            headers: rq.headers.clone(),
            body: rq.body.clone(),
            peer,
            at: Instant::now(),
        };
        let answer = handler(&received);
        thread::sleep(answer.delay);
        let after = if !rq.keep_alive {
            After::Close
        } else if rq.confirm_keep_alive {
            After::ConfirmKeepAlive
        } else {
            After::KeepAlive
        };
        let resp = Response {
            status: answer.status,
            content_type: answer.content_type,
            body: answer.body,
        };
        if http::write_response(&mut writer, &resp, after, rq.is_head()).is_err()
            || after == After::Close
        {
            break;
        }
    }
    let _ = stream.shutdown(Shutdown::Both);
}
