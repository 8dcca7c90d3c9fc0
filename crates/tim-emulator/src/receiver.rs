//! [`CallbackReceiver`]: a small HTTP server that receives callbacks (webhooks), checks and
//! decodes each with a [`tim_webhook::Receiver`], and answers with what a handler returns:
//! the app's server in a test, or `tim webhook serve` while developing. It speaks the same
//! HTTP/1.1 as the emulator (bounded heads and bodies, keep-alive), on one thread per
//! connection.

use std::io::{BufReader, BufWriter};
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use tim_webhook::{Callback, Receiver, WebhookError};

use crate::error::Error;
use crate::http::{self, After, Incoming, Response};

/// What decides each answer: given the checked callback (or why it was refused), the answer
/// body. A refused callback is answered with HTTP 403 and this body, a valid one with 200.
pub type Handler = dyn Fn(Result<&Callback, &WebhookError>) -> Vec<u8> + Send + Sync;

/// A running callback receiver. Stops when dropped.
pub struct CallbackReceiver {
    addr: SocketAddr,
    stopping: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for CallbackReceiver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallbackReceiver")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl CallbackReceiver {
    /// Listens on `addr` (port 0: any free port) and answers every POST with `handler`.
    ///
    /// # Errors
    ///
    /// [`Error::Bind`] when the address cannot be bound, [`Error::Thread`] when the
    /// accept thread cannot start.
    pub fn start(
        addr: impl ToSocketAddrs,
        receiver: Receiver,
        handler: impl Fn(Result<&Callback, &WebhookError>) -> Vec<u8> + Send + Sync + 'static,
    ) -> Result<CallbackReceiver, Error> {
        let bind = addr.to_socket_addrs().ok().and_then(|mut a| a.next());
        let bind_error = |source| Error::Bind { addr: bind, source };
        let listener = TcpListener::bind(bind.ok_or_else(|| {
            bind_error(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "no address to bind",
            ))
        })?)
        .map_err(bind_error)?;
        let addr = listener.local_addr().map_err(bind_error)?;
        let stopping = Arc::new(AtomicBool::new(false));
        let shared = Arc::new((receiver, Box::new(handler) as Box<Handler>));
        let accept = {
            let stopping = stopping.clone();
            thread::Builder::new()
                .name("tim-callback-receiver".into())
                .spawn(move || {
                    for stream in listener.incoming() {
                        if stopping.load(Ordering::SeqCst) {
                            break;
                        }
                        let Ok(stream) = stream else { continue };
                        let shared = shared.clone();
                        let _ = thread::Builder::new()
                            .name("tim-callback-connection".into())
                            .spawn(move || serve_connection(stream, &shared.0, &*shared.1));
                    }
                })
                .map_err(Error::Thread)?
        };
        Ok(CallbackReceiver {
            addr,
            stopping,
            accept: Some(accept),
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://{ip}:{port}/`: the callback URL to configure.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Blocks for as long as the receiver runs (for a server: forever).
    pub fn wait(mut self) {
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

impl Drop for CallbackReceiver {
    fn drop(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_millis(200));
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

fn serve_connection(stream: TcpStream, receiver: &Receiver, handler: &Handler) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let Ok(write_half) = stream.try_clone() else {
        return;
    };
    let mut r = BufReader::new(stream);
    let mut w = BufWriter::new(write_half);
    loop {
        let request = match http::read_request(&mut r, &mut w) {
            Incoming::Request(request) => request,
            Incoming::Closed => return,
            Incoming::Refused(refusal) => {
                let resp = json_response(refusal.status, fail(&refusal.info));
                let _ = http::write_response(&mut w, &resp, After::Close, false);
                return;
            }
        };
        let resp = if request.method != "POST" {
            json_response(405, fail("callbacks are POSTed"))
        } else {
            let query = request
                .target
                .split_once('?')
                .map_or("", |(_, query)| query);
            match receiver.receive(query, &request.body) {
                Ok(callback) => json_response(200, handler(Ok(&callback))),
                Err(err) => json_response(403, handler(Err(&err))),
            }
        };
        let after = if !request.keep_alive {
            After::Close
        } else if request.confirm_keep_alive {
            After::ConfirmKeepAlive
        } else {
            After::KeepAlive
        };
        if http::write_response(&mut w, &resp, after, request.is_head()).is_err()
            || after == After::Close
        {
            return;
        }
    }
}

fn fail(info: &str) -> Vec<u8> {
    tim_webhook::answer_body(&tim_webhook::AnswerEnvelope::fail(1, info))
}

fn json_response(status: u16, body: Vec<u8>) -> Response {
    Response {
        status,
        content_type: "application/json",
        body,
    }
}
