//! The running emulator: [`Emulator`] (start, address, inspect, stop), [`serve`] for the CLI,
//! and the worker threads that take requests from `tiny_http`, apply faults, call the
//! [`Service`] and answer.

use std::io::Read;
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use tiny_http::{Header, Method, Request, Response};

use crate::config::Config;
use crate::error::Error;
use crate::fault::{Fault, Faults};
use crate::relay::Relay;
use crate::reply::{ApiError, fail_body, ok_body};
use crate::service::Service;
use crate::state::EmulatorState;

/// Largest request body read; anything longer is cut, and so is not valid JSON (90001).
const MAX_BODY: u64 = 16 * 1024 * 1024;

/// A running emulator. Stops when [`Emulator::stop`] is called or when dropped.
///
/// See the crate docs for an example.
#[derive(Debug)]
pub struct Emulator {
    addr: SocketAddr,
    state: EmulatorState,
    faults: Faults,
    inner: Option<Running>,
}

struct Running {
    stop: Arc<AtomicBool>,
    workers: Vec<JoinHandle<()>>,
    relay: Arc<std::sync::Mutex<Relay>>,
}

impl std::fmt::Debug for Running {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Running")
            .field("workers", &self.workers.len())
            .finish()
    }
}

/// Everything a worker needs.
struct Shared {
    server: tiny_http::Server,
    service: Service,
    faults: Faults,
    relay: Arc<std::sync::Mutex<Relay>>,
    stop: Arc<AtomicBool>,
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
        let server =
            tiny_http::Server::http("127.0.0.1:0").map_err(|e| Error::Http(e.to_string()))?;
        let backend = server
            .server_addr()
            .to_ip()
            .ok_or_else(|| Error::Http("the HTTP server has no IP address".into()))?;
        let relay = Relay::start(bind, backend).map_err(|e| Error::Bind {
            addr: Some(bind),
            source: e,
        })?;
        let addr = relay.addr();
        let relay = Arc::new(std::sync::Mutex::new(relay));
        let state = EmulatorState::default();
        let faults = Faults::with_rules(config.faults.clone());
        let stop = Arc::new(AtomicBool::new(false));
        let shared = Arc::new(Shared {
            server,
            service: Service::new(&config, state.clone()),
            faults: faults.clone(),
            relay: relay.clone(),
            stop: stop.clone(),
        });
        let mut workers = Vec::with_capacity(config.workers);
        for i in 0..config.workers {
            let shared = shared.clone();
            let t = thread::Builder::new()
                .name(format!("tim-emulator-worker-{i}"))
                .spawn(move || worker(&shared))
                .map_err(Error::Thread)?;
            workers.push(t);
        }
        log::info!(
            "tim-emulator: listening on http://{addr} (sdkappid {}, admin {:?}, {} workers)",
            config.sdkappid,
            config.admin,
            config.workers
        );
        Ok(Emulator {
            addr,
            state,
            faults,
            inner: Some(Running {
                stop,
                workers,
                relay,
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

    /// The fault injector.
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// Blocks until the emulator stops (it only stops when dropped from another thread or
    /// when the process ends, so for a server this means "forever").
    pub fn wait(mut self) {
        if let Some(running) = self.inner.as_mut() {
            for t in running.workers.drain(..) {
                let _ = t.join();
            }
        }
    }

    /// Stops accepting, closes every connection and joins the workers.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if let Some(mut running) = self.inner.take() {
            running.stop.store(true, Ordering::SeqCst);
            running
                .relay
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .stop();
            for t in running.workers.drain(..) {
                let _ = t.join();
            }
            log::info!("tim-emulator: stopped ({})", self.addr);
        }
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

fn worker(shared: &Shared) {
    while !shared.stop.load(Ordering::SeqCst) {
        match shared.server.recv_timeout(Duration::from_millis(50)) {
            Ok(Some(rq)) => handle(shared, rq),
            Ok(None) => {}
            Err(e) => log::warn!("tim-emulator: receiving a request failed: {e}"),
        }
    }
}

fn json_response(
    status: u16,
    body: Vec<u8>,
    content_type: &'static str,
) -> Response<std::io::Cursor<Vec<u8>>> {
    let header = Header::from_bytes(&b"Content-Type"[..], content_type.as_bytes())
        .expect("a static header is valid");
    Response::from_data(body)
        .with_status_code(status)
        .with_header(header)
}

const JSON: &str = "application/json";

fn handle(shared: &Shared, mut rq: Request) {
    let url = rq.url().to_owned();
    let (path, query) = url.split_once('?').unwrap_or((url.as_str(), ""));
    let mut body = Vec::new();
    let _ = rq.as_reader().take(MAX_BODY).read_to_end(&mut body);
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
                return answer_fault(shared, rq, &other);
            }
        }
    }

    let result = match route {
        _ if *rq.method() != Method::Post => {
            svc.with_store(|s| s.unrouted += 1);
            Err(ApiError::new(
                60002,
                format!("only POST is allowed, got {}", rq.method()),
            ))
        }
        None => {
            svc.with_store(|s| s.unrouted += 1);
            Err(ApiError::new(60009, format!("no such resource: {path}")))
        }
        Some(ep) => {
            if delay.is_none() {
                svc.with_store(|s| s.counts.entry(ep.path).or_default().received += 1);
            }
            let result = svc.call(ep, query, &body);
            svc.with_store(|s| {
                let c = s.counts.entry(ep.path).or_default();
                match &result {
                    Ok(_) => c.ok += 1,
                    Err(e) => {
                        c.failed += 1;
                        *c.codes.entry(e.code).or_default() += 1;
                        if e.rate_limited {
                            c.rate_limited += 1;
                        }
                    }
                }
            });
            result
        }
    };
    let value = match &result {
        Ok(fields) => ok_body(fields.clone()),
        Err(e) => {
            log::debug!("tim-emulator: {path}: {} {}", e.code, e.info);
            fail_body(e)
        }
    };
    if let Some(d) = delay {
        thread::sleep(d);
    }
    let bytes = serde_json::to_vec(&value).unwrap_or_default();
    let _ = rq.respond(json_response(200, bytes, JSON));
}

fn answer_fault(shared: &Shared, rq: Request, fault: &Fault) {
    let _ = match fault {
        Fault::Code(code) => {
            let err = ApiError::new(*code, format!("injected fault: error {code}"));
            let bytes = serde_json::to_vec(&fail_body(&err)).unwrap_or_default();
            rq.respond(json_response(200, bytes, JSON))
        }
        Fault::BadGateway => rq.respond(json_response(
            502,
            b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>".to_vec(),
            "text/html",
        )),
        Fault::TruncatedJson => {
            let full = br#"{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}"#;
            rq.respond(json_response(200, full[..full.len() / 2].to_vec(), JSON))
        }
        Fault::NonJson => rq.respond(json_response(
            200,
            b"<html><body>Service temporarily busy</body></html>".to_vec(),
            "text/html",
        )),
        // `handle` serves delayed calls itself and never passes `Delay` here; were it to,
        // closing is the safe answer (nothing was served).
        Fault::CloseConnection | Fault::Delay(_) => {
            if let Some(peer) = rq.remote_addr().copied() {
                shared.relay.lock().unwrap_or_else(|p| p.into_inner()).cut(peer);
            }
            // Dropping the request makes tiny_http write a 500 into the closed socket.
            drop(rq);
            Ok(())
        }
    };
}
