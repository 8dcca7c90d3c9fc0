//! The HTTP layer over raw loopback sockets: many concurrent keep-alive connections,
//! pipelining, `Connection: close`, HTTP/1.0, chunked bodies, malformed and oversized
//! requests, and stopping with connections open.
//!
//! Deadlines here only turn a hang into a failure: a connection that is never served would
//! block these raw clients forever, so any finite deadline catches it. They are set far
//! above what the calls take.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::mpsc;
use std::sync::{Arc, Barrier};
use std::time::Duration;

use common::Harness;
use serde_json::{Value, json};
use tim_emulator::{Fault, FaultRule};

/// How long a raw client waits for any one read before failing.
const READ_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a whole concurrent run or a stop may take before the test fails.
const DEADLINE: Duration = Duration::from_secs(30);

/// One answer read off the wire.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
}

/// A raw HTTP client on one connection.
struct Conn {
    writer: TcpStream,
    reader: BufReader<TcpStream>,
}

impl Conn {
    fn open(h: &Harness) -> Conn {
        let stream = TcpStream::connect(h.emu.addr()).expect("connects");
        stream.set_read_timeout(Some(READ_TIMEOUT)).unwrap();
        Conn {
            reader: BufReader::new(stream.try_clone().unwrap()),
            writer: stream,
        }
    }

    fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).expect("request sent");
    }

    /// The next answer; `None` when the server closed the connection instead.
    fn answer(&mut self) -> Option<Answer> {
        let mut line = String::new();
        if self.reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let status = line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("status line: {line:?}"));
        let mut headers = Vec::new();
        loop {
            line.clear();
            self.reader.read_line(&mut line).expect("header line");
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            let (n, v) = l.split_once(':').expect("header has a colon");
            headers.push((n.to_owned(), v.trim().to_owned()));
        }
        let mut answer = Answer {
            status,
            headers,
            body: Vec::new(),
        };
        if status < 200 {
            // An interim answer (100 Continue) has no body.
            return Some(answer);
        }
        let len: usize = answer
            .header("content-length")
            .expect("every answer has a Content-Length")
            .parse()
            .unwrap();
        answer.body = vec![0; len];
        self.reader
            .read_exact(&mut answer.body)
            .expect("body as long as Content-Length");
        Some(answer)
    }

    /// True when the server has closed the connection (end of stream or reset).
    fn is_closed(&mut self) -> bool {
        let mut byte = [0u8; 1];
        match self.reader.read(&mut byte) {
            Ok(0) => true,
            Ok(_) => false,
            Err(e) => !matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ),
        }
    }

    /// Sends `request` and reads its answer.
    fn call(&mut self, request: &[u8]) -> Answer {
        self.send(request);
        self.answer().expect("an answer")
    }
}

/// A POST of `body` to `command` as the admin, HTTP/1.1, with extra header lines.
fn post(h: &Harness, command: &str, body: &Value, extra: &str) -> Vec<u8> {
    let body = body.to_string();
    format!(
        "POST /v4/all_member_push/{command}?{} HTTP/1.1\r\nHost: emulator\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{extra}\r\n{body}",
        h.query(),
        body.len()
    )
    .into_bytes()
}

fn add(account: &str, tag: &str) -> Value {
    json!({"UserTags": [{"To_Account": account, "Tags": [tag]}]})
}

fn assert_ok(a: &Answer) -> Value {
    assert_eq!(a.status, 200, "{a:?}");
    assert_eq!(a.header("content-type"), Some("application/json"));
    let v = a.json();
    assert_eq!(v["ErrorCode"], 0, "{v}");
    v
}

/// Waves of `connections` clients that connect at the same moment, each making `calls`
/// calls on its own keep-alive connection and keeping it open until the whole wave is done;
/// then all close and the next wave comes. Every call of every wave must be answered.
///
/// Against the emulator's former server (tiny_http 0.12 behind a relay) this fails in the
/// first wave: four connections are served and the others wait, unserved, for as long as
/// those four stay open (the pool lost the wake-ups meant for them). Later waves find the
/// previous wave's connections just ended.
fn concurrent_keep_alive(connections: usize, calls: usize) {
    const WAVES: usize = 4;
    let h = Arc::new(Harness::with(|c| c.per_second_limit(u32::MAX)));
    for wave in 0..WAVES {
        let start = Arc::new(Barrier::new(connections));
        let end = Arc::new(Barrier::new(connections));
        let (done, finished) = mpsc::channel();
        let threads: Vec<_> = (0..connections)
            .map(|t| {
                let (h, start, end, done) = (h.clone(), start.clone(), end.clone(), done.clone());
                std::thread::spawn(move || {
                    let account = format!("w{wave}c{t}");
                    start.wait();
                    let mut conn = Conn::open(&h);
                    for i in 0..calls {
                        let body = add(&account, &format!("g{i}"));
                        assert_ok(&conn.call(&post(&h, "im_add_tag", &body, "")));
                    }
                    let body = json!({"To_Account": [account]});
                    let v = assert_ok(&conn.call(&post(&h, "im_get_tag", &body, "")));
                    let _ = done.send((t, v["UserTags"][0]["Tags"].as_array().map(Vec::len)));
                    end.wait();
                })
            })
            .collect();
        drop(done);
        let deadline = std::time::Instant::now() + DEADLINE;
        for served in 0..connections {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            let (t, tags) = finished.recv_timeout(left).unwrap_or_else(|e| {
                panic!(
                    "wave {wave}: {} of {connections} connections not done ({e})",
                    connections - served
                )
            });
            assert_eq!(tags, Some(calls.min(100)), "wave {wave}, connection {t}");
        }
        for t in threads {
            t.join().expect("client thread");
        }
        // Let the server finish with the closed connections before the next wave.
        std::thread::sleep(Duration::from_millis(50));
    }
    let counts = h.emu.state().call_counts();
    assert_eq!(counts.total(), (WAVES * connections * (calls + 1)) as u64);
    assert_eq!(
        counts.endpoint("im_add_tag").ok,
        (WAVES * connections * calls) as u64
    );
}

#[test]
fn eight_concurrent_keep_alive_connections_are_all_served() {
    concurrent_keep_alive(8, 50);
}

#[test]
fn sixteen_concurrent_keep_alive_connections_are_all_served() {
    concurrent_keep_alive(16, 50);
}

#[test]
fn pipelined_and_sequential_requests_on_one_connection() {
    let h = Harness::start();
    let mut conn = Conn::open(&h);
    let mut batch = post(&h, "im_add_tag", &add("alice", "vip"), "");
    batch.extend(post(
        &h,
        "im_get_tag",
        &json!({"To_Account": ["alice"]}),
        "",
    ));
    batch.extend(post(&h, "im_nope", &json!({}), ""));
    conn.send(&batch);
    assert_ok(&conn.answer().expect("first answer"));
    let v = assert_ok(&conn.answer().expect("second answer"));
    assert_eq!(v["UserTags"][0]["Tags"], json!(["vip"]), "{v}");
    let third = conn.answer().expect("third answer");
    assert_eq!(third.json()["ErrorCode"], 60009);
    for i in 0..5 {
        assert_ok(&conn.call(&post(&h, "im_add_tag", &add("bob", &format!("t{i}")), "")));
    }
    assert_eq!(h.emu.state().tags_of("bob").len(), 5);
    let counts = h.emu.state().call_counts();
    assert_eq!(counts.endpoint("im_add_tag").ok, 6);
    assert_eq!(counts.unrouted, 1);
}

#[test]
fn connection_close_and_http_1_0_close_after_the_answer() {
    let h = Harness::start();
    let mut conn = Conn::open(&h);
    let a = conn.call(&post(
        &h,
        "im_add_tag",
        &add("a", "t"),
        "Connection: close\r\n",
    ));
    assert_ok(&a);
    assert_eq!(a.header("connection"), Some("close"));
    assert!(conn.is_closed(), "closed after Connection: close");

    let mut conn = Conn::open(&h);
    let mut req = post(&h, "im_add_tag", &add("b", "t"), "");
    let at = req.windows(8).position(|w| w == b"HTTP/1.1").unwrap();
    req[at..at + 8].copy_from_slice(b"HTTP/1.0");
    assert_ok(&conn.call(&req));
    assert!(conn.is_closed(), "HTTP/1.0 closes by default");

    let mut conn = Conn::open(&h);
    let mut req = post(
        &h,
        "im_add_tag",
        &add("c", "t"),
        "Connection: keep-alive\r\n",
    );
    req[at..at + 8].copy_from_slice(b"HTTP/1.0");
    let a = conn.call(&req);
    assert_ok(&a);
    assert_eq!(a.header("connection"), Some("keep-alive"));
    assert_ok(&conn.call(&req));
    assert_eq!(h.emu.state().accounts(), ["a", "b", "c"]);
}

#[test]
fn chunked_bodies_and_expect_continue_are_served() {
    let h = Harness::start();
    let mut conn = Conn::open(&h);
    let body = add("alice", "vip").to_string();
    let (one, two) = body.split_at(10);
    let req = format!(
        "POST /v4/all_member_push/im_add_tag?{} HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{one}\r\n{:x}\r\n{two}\r\n0\r\n\r\n",
        h.query(),
        one.len(),
        two.len()
    );
    assert_ok(&conn.call(req.as_bytes()));
    assert_eq!(h.emu.state().tags_of("alice"), ["vip"]);

    let body = add("bob", "vip").to_string();
    conn.send(
        format!(
            "POST /v4/all_member_push/im_add_tag?{} HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: {}\r\n\r\n",
            h.query(),
            body.len()
        )
        .as_bytes(),
    );
    assert_eq!(conn.answer().expect("100 Continue").status, 100);
    conn.send(body.as_bytes());
    assert_ok(&conn.answer().expect("final answer"));
    assert_eq!(h.emu.state().tags_of("bob"), ["vip"]);
}

#[test]
fn a_multi_byte_character_in_the_target_is_an_unknown_path_not_a_panic() {
    // `POST /aaaaa€` once panicked the connection thread (a slice inside the `€`), leaking
    // the socket and printing the query string.
    let h = Harness::start();
    let query = h.query();
    for target in [
        "/aaaaa\u{20ac}".to_owned(),
        format!("/v4/all_member_push/im_add_tag\u{20ac}?{query}"),
    ] {
        let mut conn = Conn::open(&h);
        let a = conn
            .call(format!("POST {target} HTTP/1.1\r\nContent-Length: 2\r\n\r\n{{}}").as_bytes());
        assert_eq!(a.status, 200, "{a:?}");
        let v = a.json();
        assert_eq!(v["ErrorCode"], 60009, "{v}");
        assert!(
            !v["ErrorInfo"]
                .as_str()
                .unwrap()
                .contains(&h.usersig(common::ADMIN))
        );
    }
    let mut conn = Conn::open(&h);
    assert_ok(&conn.call(&post(&h, "im_add_tag", &add("a", "t"), "")));
}

#[test]
fn malformed_requests_get_400_and_the_server_keeps_serving() {
    let h = Harness::start();
    let mut steady = Conn::open(&h);
    assert_ok(&steady.call(&post(&h, "im_add_tag", &add("a", "t0"), "")));
    let query = h.query();
    let cases: Vec<Vec<u8>> = vec![
        b"garbage\r\n\r\n".to_vec(),
        b"POST /v4/all_member_push/im_add_tag\r\n\r\n".to_vec(),
        format!("POST /v4/all_member_push/im_add_tag?{query} HTTP/1.1 extra\r\n\r\n").into_bytes(),
        format!("P(ST /v4/all_member_push/im_add_tag?{query} HTTP/1.1\r\n\r\n").into_bytes(),
        format!("POST /v4/all_member_push/im_add_tag?{query} HTTQ/1.1\r\n\r\n").into_bytes(),
        format!("POST /v4/all_member_push/im_add_tag?{query} HTTP/1.1\r\nno colon here\r\n\r\n")
            .into_bytes(),
        format!("POST /v4/all_member_push/im_add_tag?{query} HTTP/1.1\r\nBad Name: x\r\n\r\n")
            .into_bytes(),
        format!("POST /v4/all_member_push/im_add_tag?{query} HTTP/1.1\r\nContent-Length: ten\r\n\r\n")
            .into_bytes(),
        format!(
            "POST /v4/all_member_push/im_add_tag?{query} HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{{}}"
        )
        .into_bytes(),
        format!(
            "POST /v4/all_member_push/im_add_tag?{query} HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n"
        )
        .into_bytes(),
        b"\x00\x01\x02\x03 \xff\xfe HTTP/1.1\r\n\r\n".to_vec(),
        // Spaces in the target, the method and the version slot must not reveal the query.
        format!("POST /v4/all_member_push/im_add_tag?a=1 {query} HTTP/1.1\r\n\r\n").into_bytes(),
        format!("PO ST /v4/all_member_push/im_add_tag?{query} HTTP/1.1\r\n\r\n").into_bytes(),
        format!("POST /v4/all_member_push/im_add_tag?{query} HTTP/ 1.1\r\n\r\n").into_bytes(),
        format!("POST /v4/all_member_push/im_add_tag&{query} HTTP/1.1 x\r\n\r\n").into_bytes(),
    ];
    for (i, case) in cases.iter().enumerate() {
        let mut conn = Conn::open(&h);
        let a = conn.call(case);
        assert_eq!(a.status, 400, "case {i}: {a:?}");
        assert_eq!(a.header("connection"), Some("close"), "case {i}");
        let v = a.json();
        assert_eq!(v["ActionStatus"], "FAIL", "case {i}: {v}");
        assert_eq!(v["ErrorCode"], 60002, "case {i}: {v}");
        let info = v["ErrorInfo"].as_str().unwrap();
        assert!(!info.is_empty(), "case {i}");
        assert!(
            !info.contains(&h.usersig(common::ADMIN)),
            "case {i}: the UserSig is not echoed: {info}"
        );
        assert!(conn.is_closed(), "case {i}: closed after a 400");
        assert_ok(&steady.call(&post(
            &h,
            "im_add_tag",
            &add("a", &format!("t{}", i + 1)),
            "",
        )));
    }
    let counts = h.emu.state().call_counts();
    assert_eq!(
        counts.total(),
        cases.len() as u64 + 1,
        "refusals are not calls"
    );
    assert_eq!(counts.unrouted, 0);
    // And a client that talks nonsense then hangs up mid-head changes nothing either.
    let mut conn = Conn::open(&h);
    conn.send(b"POST /v4/all_member_push/im_add_tag HTTP/1.1\r\nHost: x\r\n");
    drop(conn);
    assert_ok(&steady.call(&post(&h, "im_get_tag", &json!({"To_Account": ["a"]}), "")));
}

#[test]
fn unsupported_versions_and_codings_are_refused() {
    let h = Harness::start();
    for (request, status) in [
        (&b"POST / HTTP/2.0\r\n\r\n"[..], 505),
        (
            b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
            501,
        ),
    ] {
        let mut conn = Conn::open(&h);
        let a = conn.call(request);
        assert_eq!(a.status, status, "{a:?}");
        assert_eq!(a.json()["ErrorCode"], 60002);
        assert!(conn.is_closed());
    }
}

#[test]
fn oversized_heads_and_bodies_are_refused() {
    let h = Harness::start();
    let mut conn = Conn::open(&h);
    let mut head = format!(
        "POST /v4/all_member_push/im_add_tag?{} HTTP/1.1\r\n",
        h.query()
    );
    for i in 0..200 {
        head.push_str(&format!("X-Filler-{i}: {}\r\n", "f".repeat(40)));
    }
    head.push_str("Content-Length: 2\r\n\r\n{}");
    let a = conn.call(head.as_bytes());
    assert_eq!(a.status, 431, "{a:?}");
    let info = a.json()["ErrorInfo"].as_str().unwrap().to_owned();
    assert!(info.contains("8192"), "{info}");
    assert!(conn.is_closed());

    // Refused on the declared length, before the body is read.
    let mut conn = Conn::open(&h);
    let a = conn.call(
        format!(
            "POST /v4/all_member_push/im_add_tag?{} HTTP/1.1\r\nContent-Length: 1048577\r\n\r\n",
            h.query()
        )
        .as_bytes(),
    );
    assert_eq!(a.status, 413, "{a:?}");
    let info = a.json()["ErrorInfo"].as_str().unwrap().to_owned();
    assert!(
        info.contains("1048576") && info.contains("1048577"),
        "{info}"
    );
    assert!(conn.is_closed());

    // A client that sends the whole oversized body still reads the answer.
    let big = format!(
        r#"{{"UserTags":[{{"To_Account":"a","Tags":["{}"]}}]}}"#,
        "x".repeat(2 * 1024 * 1024)
    );
    let raw = h
        .post(
            &format!("/v4/all_member_push/im_add_tag?{}", h.query()),
            &big,
        )
        .expect("answered");
    assert_eq!(raw.status, 413, "{raw:?}");
    assert_eq!(raw.json()["ErrorCode"], 60002);

    // So is a chunked body that grows past the limit.
    let mut conn = Conn::open(&h);
    let chunk = "y".repeat(512 * 1024);
    let mut req = format!(
        "POST /v4/all_member_push/im_add_tag?{} HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
        h.query()
    );
    for _ in 0..3 {
        req.push_str(&format!("{:x}\r\n{chunk}\r\n", chunk.len()));
    }
    req.push_str("0\r\n\r\n");
    assert_eq!(conn.call(req.as_bytes()).status, 413);

    assert_eq!(h.emu.state().call_counts().total(), 0);
    assert!(h.emu.state().accounts().is_empty());
    // A body just under the limit is a call like any other (too long a tag: 90020).
    let near = format!(
        r#"{{"UserTags":[{{"To_Account":"a","Tags":["{}"]}}]}}"#,
        "x".repeat(1024 * 1024 - 64)
    );
    let v = h.call_raw("im_add_tag", &h.query(), &near);
    assert_eq!(v["ErrorCode"], 90020, "{v}");
}

#[test]
fn stop_closes_idle_busy_and_delayed_connections_and_returns() {
    let h = Harness::start();
    let mut idle: Vec<Conn> = (0..4).map(|_| Conn::open(&h)).collect();
    for (i, conn) in idle.iter_mut().enumerate() {
        assert_ok(&conn.call(&post(&h, "im_add_tag", &add(&format!("u{i}"), "t"), "")));
    }
    let mut silent = Conn::open(&h);
    let mut half = Conn::open(&h);
    half.send(b"POST /v4/all_member_push/im_add_tag HTTP/1.1\r\nContent-Le");
    // An answer delayed far beyond the deadline: stop must cut it short.
    h.emu
        .faults()
        .inject(FaultRule::new(Fault::Delay(Duration::from_secs(3600))));
    let mut delayed = Conn::open(&h);
    delayed.send(&post(&h, "im_add_tag", &add("late", "t"), ""));
    // The delayed call has been taken up once its fault is consumed.
    let wait_until = std::time::Instant::now() + DEADLINE;
    while !h.emu.faults().pending().is_empty() {
        assert!(
            std::time::Instant::now() < wait_until,
            "delayed call never arrived"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    let addr = h.emu.addr();

    let Harness { emu, .. } = h;
    let (done, stopped) = mpsc::channel();
    std::thread::spawn(move || {
        emu.stop();
        let _ = done.send(());
    });
    stopped
        .recv_timeout(DEADLINE)
        .expect("stop returns with connections open");
    for conn in idle
        .iter_mut()
        .chain([&mut silent, &mut half, &mut delayed])
    {
        assert!(conn.is_closed(), "every connection is closed by stop");
    }
    assert!(
        TcpStream::connect(addr).is_err(),
        "nothing listens after stop"
    );
}

/// Idle connections cannot starve real ones: past the cap they are closed as they arrive,
/// and a silent connection is closed after the idle timeout (its slot freed).
#[test]
fn idle_connections_are_capped_and_timed_out() {
    let h = Harness::with(|c| {
        c.max_connections(4)
            .idle_timeout(Duration::from_millis(300))
    });
    let addr = h.emu.addr();
    // Four idle connections take every slot.
    let idle: Vec<TcpStream> = (0..4).map(|_| TcpStream::connect(addr).unwrap()).collect();
    std::thread::sleep(Duration::from_millis(50));
    // A fifth is closed at once: reading gives EOF (or a reset), not a hang.
    let mut extra = TcpStream::connect(addr).unwrap();
    extra
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    let mut buf = [0u8; 1];
    let closed = matches!(extra.read(&mut buf), Ok(0) | Err(_));
    assert!(closed, "a connection over the cap is closed");
    // Once the idle ones time out, a real request is served again.
    std::thread::sleep(Duration::from_millis(600));
    let mut conn = Conn::open(&h);
    assert_ok(&conn.call(&post(&h, "im_get_attr_name", &json!({}), "")));
    drop(idle);
}
