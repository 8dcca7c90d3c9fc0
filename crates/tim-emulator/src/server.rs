//! The running emulator: [`Emulator`] (start, address, inspect, stop), [`serve`] for the CLI,
//! and its HTTP server on `std::net`: one accept thread, one thread per connection (reading
//! requests with [`crate::http`], applying faults, calling the [`Service`] and answering),
//! and the table of live connections that stopping closes.
//!
//! A thread per connection cannot starve: every connection is read as soon as its bytes
//! arrive, however many there are, and a delayed answer holds only its own connection.
//! Connection counts are small here (a client pool, a bulk job's workers).

use std::collections::HashMap;
use std::io::{BufReader, Read};
use std::net::{
    IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs,
};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};
use tim_model::ErrorCode;

use crate::clock::Clock;
use crate::config::Config;
use crate::error::Error;
use crate::fault::{Fault, Faults};
use crate::http::{self, After, Incoming, Refusal, Request, Response};
use crate::reply::{ApiError, fail_body, ok_body};
use crate::service::Service;
use crate::state::EmulatorState;
use crate::state::group::LiveJoinError;

const JSON: &str = "application/json";

/// The code of an HTTP-level refusal (malformed request, head or body too large): the REST
/// API's "HTTP parse error".
const HTTP_PARSE_ERROR: ErrorCode = ErrorCode::HttpParseError;

/// After an answer that closes the connection, how long the rest of the client's request is
/// read and dropped, so closing does not reset the connection before the client has read
/// the answer.
const LINGER: Duration = Duration::from_secs(2);

/// At most this much is read and dropped while lingering.
const LINGER_BYTES: usize = 64 * 1024 * 1024;

/// How long stopping waits for the accept thread's wake-up connection.
const WAKE_TIMEOUT: Duration = Duration::from_secs(1);

/// A running emulator. Stops when [`Emulator::stop`] is called or when dropped.
///
/// See the crate docs for an example.
pub struct Emulator {
    addr: SocketAddr,
    state: EmulatorState,
    faults: Faults,
    /// The configured clock and app admin, for the client-side stand-ins
    /// ([`Emulator::join_live_group`]).
    clock: Arc<dyn Clock>,
    admin: String,
    inner: Option<Running>,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("addr", &self.addr)
            .field("state", &self.state)
            .field("faults", &self.faults)
            .field("running", &self.inner.is_some())
            .finish()
    }
}

struct Running {
    shared: Arc<Shared>,
    /// The accept thread; it returns the connection threads still running when it ends.
    accept: Option<JoinHandle<Vec<JoinHandle<()>>>>,
}

/// Everything the accept and connection threads share.
struct Shared {
    service: Service,
    faults: Faults,
    /// Set once, when stopping; read before every request.
    stopping: AtomicBool,
    /// The same flag under a lock, with a condition variable that wakes delayed answers.
    stop_signal: (Mutex<bool>, Condvar),
    connections: Mutex<Connections>,
    /// Most connections served at once.
    max_connections: usize,
    /// Longest silence on a connection before it is closed.
    idle_timeout: Duration,
}

/// The live connections, so stopping can close them.
#[derive(Default)]
struct Connections {
    next_id: u64,
    live: HashMap<u64, TcpStream>,
}

impl Shared {
    fn stopped(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    fn begin_stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        let (lock, cv) = &self.stop_signal;
        *lock.lock().unwrap_or_else(|p| p.into_inner()) = true;
        cv.notify_all();
    }

    /// Sleeps for `d`, or less if the emulator stops meanwhile.
    fn pause(&self, d: Duration) {
        let deadline = Instant::now() + d;
        let (lock, cv) = &self.stop_signal;
        let mut stopped = lock.lock().unwrap_or_else(|p| p.into_inner());
        while !*stopped {
            let now = Instant::now();
            if now >= deadline {
                return;
            }
            stopped = cv
                .wait_timeout(stopped, deadline - now)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }

    fn connections(&self) -> MutexGuard<'_, Connections> {
        self.connections.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Records a new connection; `None` if its handle cannot be cloned (it is then dropped).
    fn register(&self, stream: &TcpStream) -> Option<u64> {
        let clone = stream.try_clone().ok()?;
        let mut conns = self.connections();
        if conns.live.len() >= self.max_connections {
            // Over the cap: refuse (closed at once) rather than let idle connections starve
            // the real ones.
            log::warn!(
                "tim-emulator: {} connections open; refusing another",
                self.max_connections
            );
            let _ = stream.shutdown(Shutdown::Both);
            return None;
        }
        let id = conns.next_id;
        conns.next_id += 1;
        conns.live.insert(id, clone);
        Some(id)
    }

    fn unregister(&self, id: u64) {
        self.connections().live.remove(&id);
    }

    /// Shuts every live connection down: blocked reads and writes return at once.
    fn close_all(&self) {
        for stream in self.connections().live.values() {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }
}

impl Emulator {
    /// Starts on an ephemeral loopback port (`127.0.0.1:0`).
    pub fn start(config: Config) -> Result<Emulator, Error> {
        Self::start_on("127.0.0.1:0", config)
    }

    /// Starts listening on `addr` (e.g. `0.0.0.0:8080`).
    pub fn start_on(addr: impl ToSocketAddrs, config: Config) -> Result<Emulator, Error> {
        let bind = addr
            .to_socket_addrs()
            .map_err(|e| Error::Bind {
                addr: None,
                source: e,
            })?
            .next()
            .ok_or_else(|| Error::Bind {
                addr: None,
                source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "no address"),
            })?;
        let bind_error = |source| Error::Bind {
            addr: Some(bind),
            source,
        };
        let listener = TcpListener::bind(bind).map_err(bind_error)?;
        let addr = listener.local_addr().map_err(bind_error)?;
        let state = EmulatorState::default();
        let faults = Faults::with_rules(config.faults.clone());
        let shared = Arc::new(Shared {
            service: Service::new(&config, state.clone()),
            faults: faults.clone(),
            stopping: AtomicBool::new(false),
            stop_signal: (Mutex::new(false), Condvar::new()),
            connections: Mutex::new(Connections::default()),
            max_connections: config.max_connections,
            idle_timeout: config.idle_timeout,
        });
        let accept = {
            let shared = shared.clone();
            thread::Builder::new()
                .name("tim-emulator-accept".into())
                .spawn(move || accept_loop(&listener, &shared))
                .map_err(Error::Thread)?
        };
        log::info!(
            "tim-emulator: listening on http://{addr} (sdkappid {}, admin {:?})",
            config.sdkappid,
            config.admin,
        );
        Ok(Emulator {
            addr,
            state,
            faults,
            clock: config.clock.clone(),
            admin: config.admin.clone(),
            inner: Some(Running {
                shared,
                accept: Some(accept),
            }),
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://{ip}:{port}`: the base URL to give a client (paths are `/v4/...`).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The state, to inspect it or import accounts.
    pub fn state(&self) -> &EmulatorState {
        &self.state
    }

    /// The callbacks sent so far, in order, with what came of each (see
    /// [`Config::callbacks`](crate::Config::callbacks)).
    pub fn callbacks_sent(&self) -> Vec<crate::SentCallback> {
        self.inner
            .as_ref()
            .map(|r| r.shared.service.webhooks.sent())
            .unwrap_or_default()
    }

    /// The fault injector.
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// `account` joins the audio-video group (AVChatRoom) `group_id` now (emulator clock),
    /// as the client SDK's join would: it becomes one of the group's online members, which
    /// get_online_member_num, get_members and check_members answer. The REST API has no
    /// join for these groups, so this stands in for a client. The account must exist
    /// (imported, or the app admin) and not be banned (ban_group_member); joining again
    /// changes nothing.
    pub fn join_live_group(&self, group_id: &str, account: &str) -> Result<(), LiveJoinError> {
        let now_ms = self.clock.now_ms();
        let mut store = self.state.lock();
        crate::handlers::join_live_group(&mut store, &self.admin, group_id, account, now_ms)
    }

    /// `account` leaves the audio-video group `group_id` (or goes offline), as a client
    /// would; its marks (modify_user_info) are cleared. Returns whether it was online there.
    pub fn leave_live_group(&self, group_id: &str, account: &str) -> bool {
        crate::handlers::leave_live_group(&mut self.state.lock(), group_id, account)
    }

    /// Blocks until the emulator stops (it only stops when dropped from another thread or
    /// when the process ends, so for a server this means "forever").
    pub fn wait(mut self) {
        if let Some(accept) = self.inner.as_mut().and_then(|r| r.accept.take()) {
            for t in accept.join().unwrap_or_default() {
                let _ = t.join();
            }
        }
    }

    /// Stops accepting, closes every connection (idle keep-alive ones included; a call
    /// whose answer is being delayed by [`Fault::Delay`] is served, and its connection closed
    /// without the answer) and joins the threads.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        let Some(mut running) = self.inner.take() else {
            return;
        };
        running.shared.begin_stop();
        let mut threads = Vec::new();
        if let Some(accept) = running.accept.take() {
            // The accept thread is blocked in accept(): a connection wakes it up, it sees
            // the flag and returns, closing the listener.
            match TcpStream::connect_timeout(&wake_addr(self.addr), WAKE_TIMEOUT) {
                Ok(_) => threads = accept.join().unwrap_or_default(),
                Err(e) => log::warn!(
                    "tim-emulator: could not wake the accept thread of {} ({e}); it is left running",
                    self.addr
                ),
            }
        }
        // No connection is registered after the accept thread has returned.
        running.shared.close_all();
        for t in threads {
            let _ = t.join();
        }
        log::info!("tim-emulator: stopped ({})", self.addr);
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Runs an emulator on `addr` until the process ends: `tim emulator serve`.
pub fn serve(addr: impl ToSocketAddrs, config: Config) -> Result<(), Error> {
    Emulator::start_on(addr, config)?.wait();
    Ok(())
}

/// Where to connect to reach a listener on `addr` (an unspecified address listens on
/// loopback too).
fn wake_addr(addr: SocketAddr) -> SocketAddr {
    let ip = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    SocketAddr::new(ip, addr.port())
}

/// Accepts until stopping; returns the connection threads not finished yet.
fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) -> Vec<JoinHandle<()>> {
    let mut threads: Vec<JoinHandle<()>> = Vec::new();
    loop {
        let accepted = listener.accept();
        if shared.stopped() {
            return threads;
        }
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(e) => {
                // E.g. out of file descriptors: do not spin.
                log::warn!("tim-emulator: accepting a connection failed: {e}");
                thread::sleep(Duration::from_millis(10));
                continue;
            }
        };
        threads.retain(|t| !t.is_finished());
        let Some(id) = shared.register(&stream) else {
            continue;
        };
        let conn_shared = shared.clone();
        let spawned = thread::Builder::new()
            .name(format!("tim-emulator-conn-{id}"))
            .spawn(move || {
                // A bug that panics while serving must not leak the connection's slot or
                // socket: the connection is closed and unregistered whatever happens.
                let served = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    serve_connection(&conn_shared, &stream);
                }));
                if served.is_err() {
                    log::error!("tim-emulator: serving a connection panicked; it is closed");
                    let _ = stream.shutdown(Shutdown::Both);
                }
                conn_shared.unregister(id);
            });
        match spawned {
            Ok(t) => threads.push(t),
            Err(e) => {
                log::warn!("tim-emulator: cannot serve a connection: {e}");
                shared.unregister(id);
            }
        }
    }
}

/// Serves the requests of one connection, in order, until it closes or must be closed.
fn serve_connection(shared: &Shared, stream: &TcpStream) {
    let _ = stream.set_nodelay(true);
    // An idle or slow client (waiting for a request, or inside its head or body) cannot hold
    // a thread and a socket forever.
    let _ = stream.set_read_timeout(Some(shared.idle_timeout));
    let mut reader = BufReader::with_capacity(16 * 1024, stream);
    let mut writer = stream;
    while !shared.stopped() {
        let rq = match http::read_request(&mut reader, &mut writer) {
            Incoming::Request(rq) => rq,
            Incoming::Closed => break,
            Incoming::Refused(refusal) => {
                log::debug!(
                    "tim-emulator: refused a request: {} {}",
                    refusal.status,
                    refusal.info
                );
                if http::write_response(&mut writer, &refused(&refusal), After::Close, false)
                    .is_ok()
                {
                    linger(stream, &mut reader);
                }
                break;
            }
        };
        // `None`: a fault closes the connection without answering.
        let Some(resp) = answer(shared, &rq) else {
            break;
        };
        let after = if !rq.keep_alive || shared.stopped() {
            After::Close
        } else if rq.confirm_keep_alive {
            After::ConfirmKeepAlive
        } else {
            After::KeepAlive
        };
        if http::write_response(&mut writer, &resp, after, rq.is_head()).is_err() {
            break;
        }
        if after == After::Close {
            linger(stream, &mut reader);
            break;
        }
    }
    let _ = stream.shutdown(Shutdown::Both);
}

/// Ends our side, then reads and drops what the client still sends (for at most
/// [`LINGER`]), so the close does not reset the connection under the answer.
fn linger(stream: &TcpStream, reader: &mut impl Read) {
    let _ = stream.shutdown(Shutdown::Write);
    let deadline = Instant::now() + LINGER;
    let mut buf = [0u8; 8 * 1024];
    let mut dropped = 0;
    while dropped < LINGER_BYTES {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return;
        }
        match reader.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => dropped += n,
        }
    }
}

/// The answer to a request that cannot be served: its status, and the envelope with
/// [`HTTP_PARSE_ERROR`] and what was wrong.
fn refused(refusal: &Refusal) -> Response {
    let err = ApiError::new(HTTP_PARSE_ERROR, refusal.info.clone());
    Response {
        status: refusal.status,
        content_type: JSON,
        body: serde_json::to_vec(&fail_body(&err)).unwrap_or_default(),
    }
}

/// Serves one request: faults first, then the method, the route and the call; counts it.
/// `None` when a fault closes the connection without answering.
fn answer(shared: &Shared, rq: &Request) -> Option<Response> {
    let (path, query) = rq.target.split_once('?').unwrap_or((&rq.target, ""));
    let svc = &shared.service;
    let route = svc.route(path);

    let fault = shared.faults.take(path);
    let mut delay = None;
    if let Some(fault) = fault {
        if let Some(ep) = route {
            svc.with_store(|s| s.counts.entry(ep.path).or_default().received += 1);
        }
        match fault {
            Fault::Delay(d) => delay = Some(d),
            other => {
                log::debug!("tim-emulator: {path}: injected fault {other:?}");
                if let Some(ep) = route {
                    svc.with_store(|s| s.counts.entry(ep.path).or_default().faulted += 1);
                } else {
                    svc.with_store(|s| s.unrouted += 1);
                }
                return fault_answer(&other);
            }
        }
    }

    let result = match route {
        _ if rq.method != "POST" => {
            svc.with_store(|s| s.unrouted += 1);
            Err(ApiError::new(
                ErrorCode::HttpParseError,
                format!("only POST is allowed, got {}", rq.method),
            ))
        }
        None => {
            svc.with_store(|s| s.unrouted += 1);
            Err(ApiError::new(
                ErrorCode::ResourceError,
                format!("no such resource: {path}"),
            ))
        }
        Some(ep) => {
            if delay.is_none() {
                svc.with_store(|s| s.counts.entry(ep.path).or_default().received += 1);
            }
            let result = svc.call(ep, query, &rq.body);
            svc.with_store(|s| {
                let c = s.counts.entry(ep.path).or_default();
                match &result {
                    Ok(_) => c.ok += 1,
                    Err(e) => {
                        c.failed += 1;
                        *c.codes.entry(e.code.code()).or_default() += 1;
                        if e.rate_limited {
                            c.rate_limited += 1;
                        }
                    }
                }
            });
            result
        }
    };
    let value = match result {
        Ok(fields) => ok_body(fields),
        Err(e) => {
            log::debug!("tim-emulator: {path}: {} {}", e.code, e.info);
            fail_body(&e)
        }
    };
    if let Some(d) = delay {
        shared.pause(d);
        if shared.stopped() {
            // Stopping cut the delay short: the connection is closed unanswered.
            return None;
        }
    }
    Some(Response {
        status: 200,
        content_type: JSON,
        body: serde_json::to_vec(&value).unwrap_or_default(),
    })
}

/// The answer of a fault other than [`Fault::Delay`]; `None` to close without answering.
fn fault_answer(fault: &Fault) -> Option<Response> {
    let (status, content_type, body) = match fault {
        Fault::Code(code) => {
            let err = ApiError::new(ErrorCode::from_code(*code), format!("injected fault: error {code}"));
            (
                200,
                JSON,
                serde_json::to_vec(&fail_body(&err)).unwrap_or_default(),
            )
        }
        Fault::BadGateway => (
            502,
            "text/html",
            b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>".to_vec(),
        ),
        Fault::TruncatedJson => {
            let full = br#"{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}"#;
            (200, JSON, full[..full.len() / 2].to_vec())
        }
        Fault::NonJson => (
            200,
            "text/html",
            b"<html><body>Service temporarily busy</body></html>".to_vec(),
        ),
        // `answer` serves delayed calls itself and never passes `Delay` here; were it to,
        // closing is the safe answer (nothing was served).
        Fault::CloseConnection | Fault::Delay(_) => return None,
    };
    Some(Response {
        status,
        content_type,
        body,
    })
}
