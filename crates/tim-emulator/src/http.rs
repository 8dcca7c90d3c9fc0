//! The HTTP/1.1 wire, on any `BufRead`/`Write` pair: [`read_request`] reads one request
//! (request line, headers, body) within bounded sizes, [`write_response`] writes one answer.
//! The head and chunk sizes are tokenized by `httparse`; this module bounds what is read,
//! frames the body and decides what to refuse (the accept loop stays ours, for fault
//! injection).
//!
//! What is accepted:
//!
//! - A request line `METHOD SP target SP HTTP/1.x`, the target in origin form (`/path?query`)
//!   or absolute form (`http://host/path?query`, reduced to the path and query); empty lines
//!   before it are skipped.
//! - Header lines `Name: value` (names compared case-insensitively; lines may end with CRLF
//!   or LF). The request line and headers together are at most [`MAX_HEAD`] bytes.
//! - A body given by `Content-Length` or by `Transfer-Encoding: chunked` (extensions and
//!   trailers skipped), at most [`MAX_BODY`] bytes; no body when neither header is present.
//!   `Expect: 100-continue` is answered with `100 Continue` before the body is read.
//! - Keep-alive: HTTP/1.1 keeps the connection unless `Connection: close`; HTTP/1.0 closes
//!   it unless `Connection: keep-alive`.
//!
//! Anything else is a [`Refusal`]: the status to answer (400 malformed, 413 body too large,
//! 431 head too large, 501 unsupported transfer coding, 505 unsupported version) and why.
//! The caller answers it and closes the connection, since the rest of the stream can no
//! longer be trusted to start at a request.

use std::io::{self, BufRead, ErrorKind, Read, Write};

/// Largest request head (request line and headers, with their line ends).
pub(crate) const MAX_HEAD: usize = 8 * 1024;

/// Largest request body, however it is framed. Every valid request of the emulated API is
/// a few tens of KiB at most.
pub(crate) const MAX_BODY: usize = 1024 * 1024;

/// Longest chunk-size line of a chunked body (size, extensions, line end).
const MAX_CHUNK_LINE: usize = 1024;

/// One request, read whole.
#[derive(Debug)]
pub(crate) struct Request {
    /// The method as sent (case-sensitive, as HTTP defines it).
    pub method: String,
    /// The path and query string (`/v4/...?...`).
    pub target: String,
    /// Whether the connection stays open after the answer.
    pub keep_alive: bool,
    /// HTTP/1.0 asked for keep-alive explicitly: the answer must confirm it.
    pub confirm_keep_alive: bool,
    /// The header fields, names and values as sent (values trimmed, lossily UTF-8).
    pub headers: Vec<(String, String)>,
    /// The body (empty when none was sent).
    pub body: Vec<u8>,
}

impl Request {
    /// A HEAD request: the answer has headers only.
    pub fn is_head(&self) -> bool {
        self.method == "HEAD"
    }
}

/// A request that cannot be served: answer `status` with `info`, then close.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    /// The HTTP status.
    pub status: u16,
    /// What was wrong, naming the limit and the value where there is one.
    pub info: String,
}

impl Refusal {
    fn new(status: u16, info: impl Into<String>) -> Self {
        Refusal {
            status,
            info: info.into(),
        }
    }

    fn bad(info: impl Into<String>) -> Self {
        Refusal::new(400, info)
    }
}

/// The outcome of reading from a connection.
#[derive(Debug)]
pub(crate) enum Incoming {
    /// A complete request.
    Request(Request),
    /// The connection ended (closed by the peer, broken, or shut down) before a request
    /// started or in the middle of one: nothing to answer.
    Closed,
    /// A request that cannot be served.
    Refused(Refusal),
}

/// Reads the next request from `r`. `w` is the same connection's write side, used only to
/// answer `Expect: 100-continue`.
pub(crate) fn read_request(r: &mut impl BufRead, w: &mut impl Write) -> Incoming {
    let head = match read_head(r) {
        Ok(Head::Complete(head)) => head,
        Ok(Head::Eof) | Err(_) => return Incoming::Closed,
        Ok(Head::TooLarge) => {
            return Incoming::Refused(Refusal::new(
                431,
                format!("request head: must be at most {MAX_HEAD} bytes, got more"),
            ));
        }
    };
    let parsed = match parse_head(&head) {
        Ok(p) => p,
        Err(refusal) => return Incoming::Refused(refusal),
    };
    let body = match read_body(r, w, &parsed) {
        Ok(body) => body,
        Err(BodyError::Refused(refusal)) => return Incoming::Refused(refusal),
        Err(BodyError::Io) => return Incoming::Closed,
    };
    Incoming::Request(Request {
        method: parsed.method,
        target: parsed.target,
        keep_alive: parsed.keep_alive,
        confirm_keep_alive: parsed.keep_alive && !parsed.http11,
        headers: parsed.headers,
        body,
    })
}

enum Head {
    Complete(Vec<u8>),
    Eof,
    TooLarge,
}

/// Reads up to and including the empty line that ends the head. Leading empty lines are
/// skipped (and count against the limit).
fn read_head(r: &mut impl BufRead) -> io::Result<Head> {
    let mut head = Vec::with_capacity(512);
    let mut seen = 0usize;
    loop {
        let buf = match r.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            return Ok(Head::Eof);
        }
        let mut used = 0;
        let mut done = false;
        for &b in buf {
            used += 1;
            seen += 1;
            if seen > MAX_HEAD {
                r.consume(used);
                return Ok(Head::TooLarge);
            }
            if head.is_empty() && (b == b'\r' || b == b'\n') {
                continue;
            }
            head.push(b);
            if b == b'\n' && (head.ends_with(b"\n\r\n") || head.ends_with(b"\n\n")) {
                done = true;
                break;
            }
        }
        r.consume(used);
        if done {
            return Ok(Head::Complete(head));
        }
    }
}

/// How the body is framed.
#[derive(Debug, PartialEq, Eq)]
enum Framing {
    None,
    Length(u64),
    Chunked,
}

#[derive(Debug)]
struct Parsed {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    http11: bool,
    keep_alive: bool,
    expect_continue: bool,
    framing: Framing,
}

fn trim_ows(mut v: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = v {
        v = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = v {
        v = rest;
    }
    v
}

/// `bytes` cut at the first `?` (everything after it, which holds the UserSig, becomes
/// `?...`), and at any `usersig` outside a query: a refusal may show where the request line
/// went wrong, never a secret, whatever spaces or bytes the line holds.
fn without_query(bytes: &[u8]) -> Vec<u8> {
    let lower = bytes.to_ascii_lowercase();
    let secret = lower.windows(7).position(|w| w == b"usersig");
    let query = bytes.iter().position(|&b| b == b'?');
    let cut = match (query, secret) {
        (Some(q), Some(s)) => Some(q.min(s)),
        (q, s) => q.or(s),
    };
    match cut {
        Some(at) => {
            let mut out = bytes[..at].to_vec();
            out.extend_from_slice(b"?...");
            out
        }
        None => bytes.to_vec(),
    }
}

/// Shows a short, printable excerpt of bytes from the wire in a refusal.
fn excerpt(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(64)]);
    let mut out: String = text
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if bytes.len() > 64 {
        out.push_str("...");
    }
    format!("{out:?}")
}

/// Header fields one request may carry.
const MAX_HEADERS: usize = 64;

/// The request line's version when the line has three parts and the version is `HTTP/d.d`
/// (well formed, maybe unsupported).
fn request_line_version(head: &[u8]) -> Option<&[u8]> {
    let line = head.split(|&b| b == b'\n').next()?;
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let parts: Vec<&[u8]> = line.split(|&b| b == b' ').collect();
    let [_, _, version] = parts.as_slice() else {
        return None;
    };
    matches!(version, [b'H', b'T', b'T', b'P', b'/', major, b'.', minor]
        if major.is_ascii_digit() && minor.is_ascii_digit())
    .then_some(version)
}

/// Tokenizes the head with `httparse` (request line, header names and values), then checks
/// what HTTP/1.1 framing needs: the target, `Content-Length`, `Transfer-Encoding`,
/// `Connection` and `Expect`.
fn parse_head(head: &[u8]) -> Result<Parsed, Refusal> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut req = httparse::Request::new(&mut headers);
    let first_line = head.split(|&b| b == b'\n').next().unwrap_or_default();
    match req.parse(head) {
        Ok(httparse::Status::Complete(_)) => {}
        Ok(httparse::Status::Partial) => {
            return Err(Refusal::bad(
                "head: incomplete (no empty line after the headers)",
            ));
        }
        Err(httparse::Error::TooManyHeaders) => {
            return Err(Refusal::new(
                431,
                format!("head: must have at most {MAX_HEADERS} header fields, got more"),
            ));
        }
        Err(httparse::Error::Version) => {
            return Err(match request_line_version(head) {
                Some(version) => Refusal::new(
                    505,
                    format!(
                        "request line: HTTP version must be 1.0 or 1.1, got {}",
                        excerpt(version)
                    ),
                ),
                None => Refusal::bad(format!(
                    "request line: HTTP version must be HTTP/1.0 or HTTP/1.1, got {}",
                    excerpt(&without_query(first_line))
                )),
            });
        }
        Err(e @ (httparse::Error::HeaderName | httparse::Error::HeaderValue)) => {
            return Err(Refusal::bad(format!(
                "header line: {e} (must be Name: value, with a token name; folded lines are not accepted)"
            )));
        }
        Err(e) => {
            return Err(Refusal::bad(format!(
                "request line: {e}: must be METHOD SP target SP HTTP-version, got {}",
                excerpt(&without_query(first_line))
            )));
        }
    }
    let (Some(method), Some(target), Some(version)) = (req.method, req.path, req.version) else {
        return Err(Refusal::bad(format!(
            "request line: must be METHOD SP target SP HTTP-version, got {}",
            excerpt(&without_query(first_line))
        )));
    };
    let http11 = version == 1;
    let target = parse_target(target.as_bytes())?;

    let mut length: Option<u64> = None;
    let mut chunked = false;
    let mut transfer_coding = false;
    let mut close = false;
    let mut keep_alive_token = false;
    let mut expect_continue = false;
    for header in req.headers.iter() {
        let (name, value) = (header.name.as_bytes(), trim_ows(header.value));
        if value.contains(&0) {
            return Err(Refusal::bad(format!(
                "header {}: value must not contain NUL",
                excerpt(name)
            )));
        }
        if name.eq_ignore_ascii_case(b"content-length") {
            let n = parse_length(value)?;
            if length.is_some_and(|l| l != n) {
                return Err(Refusal::bad(format!(
                    "Content-Length: must be given once, got {} and {n}",
                    length.unwrap_or_default()
                )));
            }
            length = Some(n);
        } else if name.eq_ignore_ascii_case(b"transfer-encoding") {
            for coding in value.split(|&b| b == b',').map(trim_ows) {
                if coding.is_empty() {
                    continue;
                }
                if chunked || !coding.eq_ignore_ascii_case(b"chunked") {
                    return Err(Refusal::new(
                        501,
                        format!(
                            "Transfer-Encoding: must be chunked alone, got {}",
                            excerpt(value)
                        ),
                    ));
                }
                chunked = true;
            }
            transfer_coding = true;
        } else if name.eq_ignore_ascii_case(b"connection") {
            for token in value.split(|&b| b == b',').map(trim_ows) {
                close |= token.eq_ignore_ascii_case(b"close");
                keep_alive_token |= token.eq_ignore_ascii_case(b"keep-alive");
            }
        } else if name.eq_ignore_ascii_case(b"expect") {
            expect_continue = value.eq_ignore_ascii_case(b"100-continue");
        }
    }
    let framing = match (transfer_coding, length) {
        (true, Some(_)) => {
            return Err(Refusal::bad(
                "Transfer-Encoding and Content-Length: must not be given together",
            ));
        }
        (true, None) if !chunked => {
            return Err(Refusal::new(
                501,
                "Transfer-Encoding: must be chunked, got none",
            ));
        }
        (true, None) if !http11 => {
            return Err(Refusal::bad(
                "Transfer-Encoding: chunked needs HTTP/1.1, got HTTP/1.0",
            ));
        }
        (true, None) => Framing::Chunked,
        (false, Some(0)) | (false, None) => Framing::None,
        (false, Some(n)) => Framing::Length(n),
    };
    let headers = req
        .headers
        .iter()
        .map(|h| {
            let value = String::from_utf8_lossy(trim_ows(h.value)).into_owned();
            (h.name.to_owned(), value)
        })
        .collect();
    Ok(Parsed {
        method: method.to_owned(),
        headers,
        target,
        http11,
        keep_alive: !close && (http11 || keep_alive_token),
        expect_continue: expect_continue && http11,
        framing,
    })
}

fn parse_target(target: &[u8]) -> Result<String, Refusal> {
    if target.is_empty() || target.iter().any(|&b| b <= b' ' || b == 0x7f) {
        return Err(Refusal::bad(format!(
            "request target: must be non-empty with no controls or spaces, got {}",
            excerpt(&without_query(target))
        )));
    }
    let Ok(text) = std::str::from_utf8(target) else {
        return Err(Refusal::bad(format!(
            "request target: must be UTF-8 (percent-encode other bytes), got {}",
            excerpt(&without_query(target))
        )));
    };
    // Absolute form: keep the path and query.
    for scheme in ["http://", "https://"] {
        // Compared as bytes: `text` may hold a multi-byte character across the scheme's end.
        if target.len() >= scheme.len()
            && target[..scheme.len()].eq_ignore_ascii_case(scheme.as_bytes())
        {
            let rest = &text[scheme.len()..];
            return Ok(match rest.find(['/', '?']) {
                Some(i) if rest[i..].starts_with('/') => rest[i..].to_owned(),
                Some(i) => format!("/{}", &rest[i..]),
                None => "/".to_owned(),
            });
        }
    }
    Ok(text.to_owned())
}

fn parse_length(value: &[u8]) -> Result<u64, Refusal> {
    let refusal = || {
        Refusal::bad(format!(
            "Content-Length: must be a decimal number of bytes, got {}",
            excerpt(value)
        ))
    };
    if value.is_empty() || value.len() > 19 || !value.iter().all(u8::is_ascii_digit) {
        return Err(refusal());
    }
    std::str::from_utf8(value)
        .ok()
        .and_then(|v| v.parse().ok())
        .ok_or_else(refusal)
}

enum BodyError {
    Refused(Refusal),
    Io,
}

impl From<io::Error> for BodyError {
    fn from(_: io::Error) -> Self {
        BodyError::Io
    }
}

fn too_large(got: impl std::fmt::Display) -> BodyError {
    BodyError::Refused(Refusal::new(
        413,
        format!("request body: must be at most {MAX_BODY} bytes, got {got}"),
    ))
}

fn read_body(
    r: &mut impl BufRead,
    w: &mut impl Write,
    parsed: &Parsed,
) -> Result<Vec<u8>, BodyError> {
    match parsed.framing {
        Framing::None => Ok(Vec::new()),
        Framing::Length(n) => {
            if n > MAX_BODY as u64 {
                return Err(too_large(n));
            }
            if parsed.expect_continue {
                w.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
            }
            let n = n as usize;
            // Grown as the bytes arrive, not reserved from the announced length: a thousand
            // half-sent 1 MiB bodies hold what was sent, not a gigabyte.
            let mut body = Vec::with_capacity(n.min(16 * 1024));
            r.by_ref().take(n as u64).read_to_end(&mut body)?;
            if body.len() < n {
                return Err(BodyError::Io);
            }
            Ok(body)
        }
        Framing::Chunked => {
            if parsed.expect_continue {
                w.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
            }
            read_chunked(r)
        }
    }
}

/// Reads a line ending in LF (CR before it dropped), at most `max` bytes in all.
/// `Ok(None)`: longer than `max`.
fn read_line(r: &mut impl BufRead, max: usize) -> Result<Option<Vec<u8>>, BodyError> {
    let mut line = Vec::new();
    r.by_ref()
        .take(max as u64 + 1)
        .read_until(b'\n', &mut line)?;
    if line.last() != Some(&b'\n') {
        return if line.len() > max {
            Ok(None)
        } else {
            Err(BodyError::Io)
        };
    }
    line.pop();
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    Ok(Some(line))
}

fn read_chunked(r: &mut impl BufRead) -> Result<Vec<u8>, BodyError> {
    let mut body = Vec::new();
    loop {
        let Some(line) = read_line(r, MAX_CHUNK_LINE)? else {
            return Err(BodyError::Refused(Refusal::bad(format!(
                "chunked body: a chunk-size line must be at most {MAX_CHUNK_LINE} bytes, got more"
            ))));
        };
        // `httparse` reads the hexadecimal size and skips chunk extensions.
        let mut framed = line.clone();
        framed.extend_from_slice(b"\r\n");
        let Ok(httparse::Status::Complete((_, size))) = httparse::parse_chunk_size(&framed) else {
            return Err(BodyError::Refused(Refusal::bad(format!(
                "chunked body: chunk size must be hexadecimal, got {}",
                excerpt(&line)
            ))));
        };
        if size == 0 {
            break;
        }
        let total = body.len() as u64 + size;
        if total > MAX_BODY as u64 {
            return Err(too_large(format!("at least {total}")));
        }
        let start = body.len();
        r.by_ref().take(size).read_to_end(&mut body)?;
        if (body.len() - start) as u64 != size {
            return Err(BodyError::Io);
        }
        match read_line(r, 2)? {
            Some(end) if end.is_empty() => {}
            _ => {
                return Err(BodyError::Refused(Refusal::bad(
                    "chunked body: chunk data must be followed by CRLF",
                )));
            }
        }
    }
    // Trailer fields, up to the empty line; skipped.
    let mut trailers = 0usize;
    loop {
        let Some(line) = read_line(r, MAX_HEAD)? else {
            return Err(too_large_trailers());
        };
        trailers += line.len() + 2;
        if trailers > MAX_HEAD {
            return Err(too_large_trailers());
        }
        if line.is_empty() {
            return Ok(body);
        }
    }
}

fn too_large_trailers() -> BodyError {
    BodyError::Refused(Refusal::new(
        431,
        format!("chunked body trailers: must be at most {MAX_HEAD} bytes, got more"),
    ))
}

/// The reason phrase of the statuses the emulator answers.
fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}

/// One answer.
#[derive(Debug)]
pub(crate) struct Response {
    /// The HTTP status.
    pub status: u16,
    /// The `Content-Type`.
    pub content_type: &'static str,
    /// The body.
    pub body: Vec<u8>,
}

/// How the connection continues after an answer, which the answer announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum After {
    /// Kept open; nothing to announce (HTTP/1.1).
    KeepAlive,
    /// Kept open; `Connection: keep-alive` (an HTTP/1.0 client that asked for it).
    ConfirmKeepAlive,
    /// Closed after this answer; `Connection: close`.
    Close,
}

/// Writes `resp` in one write, with `Content-Length`; the body is left out for a HEAD
/// request (`head_only`).
pub(crate) fn write_response(
    w: &mut impl Write,
    resp: &Response,
    after: After,
    head_only: bool,
) -> io::Result<()> {
    let connection = match after {
        After::KeepAlive => "",
        After::ConfirmKeepAlive => "Connection: keep-alive\r\n",
        After::Close => "Connection: close\r\n",
    };
    let head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n{connection}\r\n",
        resp.status,
        reason(resp.status),
        resp.content_type,
        resp.body.len(),
    );
    let mut out = Vec::with_capacity(head.len() + resp.body.len());
    out.extend_from_slice(head.as_bytes());
    if !head_only {
        out.extend_from_slice(&resp.body);
    }
    w.write_all(&out)?;
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(input: &[u8]) -> (Incoming, Vec<u8>) {
        let mut r = io::BufReader::new(input);
        let mut w = Vec::new();
        (read_request(&mut r, &mut w), w)
    }

    fn request(input: &[u8]) -> Request {
        match read(input).0 {
            Incoming::Request(rq) => rq,
            other => panic!("expected a request, got {other:?}"),
        }
    }

    fn refusal(input: &[u8]) -> Refusal {
        match read(input).0 {
            Incoming::Refused(r) => r,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn content_length_body_and_keep_alive_defaults() {
        let rq = request(b"POST /v4/x?a=1 HTTP/1.1\r\nHost: h\r\ncontent-LENGTH: 2\r\n\r\n{}rest");
        assert_eq!(rq.method, "POST");
        assert_eq!(rq.target, "/v4/x?a=1");
        assert_eq!(rq.body, b"{}");
        assert!(rq.keep_alive);
        assert!(!rq.confirm_keep_alive);

        let rq = request(b"\r\nPOST / HTTP/1.1\nConnection: Close\n\n");
        assert!(!rq.keep_alive);
        assert!(rq.body.is_empty());

        let rq = request(b"GET / HTTP/1.0\r\n\r\n");
        assert!(!rq.keep_alive);
        let rq = request(b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        assert!(rq.keep_alive && rq.confirm_keep_alive);
    }

    #[test]
    fn chunked_bodies_with_extensions_and_trailers() {
        let rq = request(
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n\
              2;ext=1\r\n{\"\r\n4 \r\na\r\nb\r\nA\r\n:123456789\r\n0\r\nX-T: 1\r\n\r\nnext",
        );
        assert_eq!(rq.body, b"{\"a\r\nb:123456789");
    }

    #[test]
    fn expect_continue_is_answered_before_the_body() {
        let (incoming, written) =
            read(b"POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nx");
        assert!(matches!(incoming, Incoming::Request(rq) if rq.body == b"x"));
        assert_eq!(written, b"HTTP/1.1 100 Continue\r\n\r\n");
    }

    #[test]
    fn malformed_heads_are_refused_with_the_reason() {
        // Tokenizing is httparse's; the needles are the parts of our messages that name the
        // place.
        for (input, status, needle) in [
            (&b"POST /\r\n\r\n"[..], 400, "request line"),
            (b"POST  / HTTP/1.1\r\n\r\n", 400, "request line"),
            (b"PO(ST / HTTP/1.1\r\n\r\n", 400, "request line"),
            (b"POST / HTTP/2.0\r\n\r\n", 505, "version"),
            (b"POST / HTTX/1.1\r\n\r\n", 400, "version"),
            (b"POST /\x01 HTTP/1.1\r\n\r\n", 400, "target"),
            (b"POST /\xff HTTP/1.1\r\n\r\n", 400, "request line"),
            (b"POST / HTTP/1.1\r\nNo colon\r\n\r\n", 400, "Name: value"),
            (
                b"POST / HTTP/1.1\r\nA: 1\r\n\tfolded\r\n\r\n",
                400,
                "folded",
            ),
            (
                b"POST / HTTP/1.1\r\nBad name: 1\r\n\r\n",
                400,
                "header name",
            ),
            (b"POST / HTTP/1.1\r\nA: 1\r\n folded\r\n\r\n", 400, "folded"),
            (
                b"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
                400,
                "Content-Length",
            ),
            (
                b"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
                400,
                "once",
            ),
            (
                b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
                501,
                "chunked",
            ),
            (
                b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 1\r\n\r\n",
                400,
                "together",
            ),
            (
                b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
                400,
                "HTTP/1.1",
            ),
            (
                b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                400,
                "hexadecimal",
            ),
            (
                b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n0\r\n\r\n",
                400,
                "CRLF",
            ),
        ] {
            let r = refusal(input);
            assert_eq!(r.status, status, "{input:?}: {r:?}");
            assert!(r.info.contains(needle), "{input:?}: {r:?}");
        }
    }

    #[test]
    fn refusals_never_echo_the_query_string() {
        for input in [
            &b"POST /v4/x?usersig=SECRET&a=1 HTTP/1.1 extra\r\n\r\n"[..],
            b"POST /v4/x?usersig=SECRET\x01 HTTP/1.1\r\n\r\n",
            b"POST /v4/x?usersig=SECRET\xff HTTP/1.1\r\n\r\n",
        ] {
            let r = refusal(input);
            assert!(!r.info.contains("SECRET"), "{r:?}");
            assert!(r.info.contains("/v4/x?..."), "{r:?}");
        }
    }

    #[test]
    fn sizes_are_bounded() {
        let mut big = b"POST / HTTP/1.1\r\nX: ".to_vec();
        big.extend(std::iter::repeat_n(b'a', MAX_HEAD));
        big.extend_from_slice(b"\r\n\r\n");
        assert_eq!(refusal(&big).status, 431);

        let r = refusal(
            format!(
                "POST / HTTP/1.1\r\nContent-Length: {}\r\n\r\n",
                MAX_BODY + 1
            )
            .as_bytes(),
        );
        assert_eq!(r.status, 413);
        assert!(r.info.contains(&MAX_BODY.to_string()), "{r:?}");
        assert!(r.info.contains(&(MAX_BODY + 1).to_string()), "{r:?}");

        let mut chunked = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
        chunked.extend_from_slice(format!("{:x}\r\n", MAX_BODY + 1).as_bytes());
        assert_eq!(refusal(&chunked).status, 413);

        // Exactly at the limits is accepted.
        let mut body =
            format!("POST / HTTP/1.1\r\nContent-Length: {MAX_BODY}\r\n\r\n").into_bytes();
        body.extend(std::iter::repeat_n(b'x', MAX_BODY));
        assert_eq!(request(&body).body.len(), MAX_BODY);
    }

    #[test]
    fn truncated_input_is_a_closed_connection() {
        for input in [
            &b""[..],
            b"\r\n",
            b"POST / HTTP/1.1\r\nHost: h\r\n",
            b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nab",
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
        ] {
            assert!(matches!(read(input).0, Incoming::Closed), "{input:?}");
        }
    }

    #[test]
    fn absolute_targets_keep_path_and_query() {
        assert_eq!(
            request(b"POST http://h:1/v4/a?x=1 HTTP/1.1\r\n\r\n").target,
            "/v4/a?x=1"
        );
        assert_eq!(
            request(b"POST http://h:1?x=1 HTTP/1.1\r\n\r\n").target,
            "/?x=1"
        );
        assert_eq!(request(b"POST HTTP://h HTTP/1.1\r\n\r\n").target, "/");
    }

    #[test]
    fn responses_carry_length_type_and_connection() {
        let resp = Response {
            status: 200,
            content_type: "application/json",
            body: b"{}".to_vec(),
        };
        let mut out = Vec::new();
        write_response(&mut out, &resp, After::KeepAlive, false).unwrap();
        assert_eq!(
            out,
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
        );
        let mut out = Vec::new();
        write_response(&mut out, &resp, After::Close, true).unwrap();
        assert_eq!(
            out,
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n"
        );
    }
}
