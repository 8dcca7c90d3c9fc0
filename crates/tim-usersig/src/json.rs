//! A small JSON reader for the UserSig document: one top-level object whose values are read
//! as [`Scalar`]s (strings borrowed from the input unless they hold escapes), with anything
//! nested skipped but still checked.
//!
//! It accepts exactly RFC 8259 JSON (any whitespace, key order and escapes, `\/` included,
//! surrogate pairs, trailing whitespace such as Go's newline) and rejects everything else
//! with the line and column of the first offending byte. Strings must be UTF-8. Nesting
//! (only possible in values of unknown keys) is limited to [`MAX_DEPTH`] levels, as
//! `serde_json` does, so hostile input cannot exhaust the stack. Replaces `serde_json` on the
//! decode path: the document is tiny and flat, and a reader that knows it is about 3x
//! cheaper than a general deserializer.

use std::borrow::Cow;

use crate::error::JsonError;

/// Deepest nesting of arrays and objects accepted (the top-level object counts as 1).
pub(crate) const MAX_DEPTH: usize = 128;

/// A JSON value, reduced to what the document fields can legally be.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Scalar<'a> {
    /// `null`.
    Null,
    /// A string, unescaped.
    Str(Cow<'a, str>),
    /// A non-negative integer written without fraction or exponent that fits in a `u64`.
    U64(u64),
    /// Anything else: negative, fractional, exponent or huge numbers, booleans, arrays and
    /// objects.
    Other,
}

/// Reads the top-level object of `text`, calling `field(key, reader)` for every key; the
/// callback reads the value with [`Reader::scalar`] or [`Reader::skip`]. Fails on any
/// syntax error, including bytes after the object other than whitespace.
pub(crate) fn read_object<'a>(
    text: &'a [u8],
    mut field: impl FnMut(&str, &mut Reader<'a>) -> Result<(), JsonError>,
) -> Result<(), JsonError> {
    // JSON text is UTF-8: checked once here, so every string is a slice of `t`.
    let t = std::str::from_utf8(text).map_err(|e| error_at(text, e.valid_up_to()))?;
    let mut r = Reader { s: text, t, i: 0 };
    r.ws();
    r.expect(b'{')?;
    r.ws();
    if r.peek() == Some(b'}') {
        r.i += 1;
    } else {
        loop {
            if r.peek() != Some(b'"') {
                return Err(r.error());
            }
            let key = r.string(true)?;
            r.ws();
            r.expect(b':')?;
            r.ws();
            field(key.as_ref(), &mut r)?;
            r.ws();
            match r.bump() {
                Some(b',') => r.ws(),
                Some(b'}') => break,
                _ => return Err(r.error_before()),
            }
        }
    }
    r.ws();
    if r.i != r.s.len() {
        return Err(r.error());
    }
    Ok(())
}

/// A position in the document being read.
pub(crate) struct Reader<'a> {
    s: &'a [u8],
    /// `s` as text.
    t: &'a str,
    i: usize,
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn bump(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.i += 1;
        Some(b)
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    fn expect(&mut self, want: u8) -> Result<(), JsonError> {
        if self.peek() == Some(want) {
            self.i += 1;
            Ok(())
        } else {
            Err(self.error())
        }
    }

    /// The error at the current byte.
    fn error(&self) -> JsonError {
        error_at(self.s, self.i)
    }

    /// The error at the byte just consumed.
    fn error_before(&self) -> JsonError {
        error_at(self.s, self.i.saturating_sub(1))
    }

    /// Reads the value at the current position as a [`Scalar`].
    pub(crate) fn scalar(&mut self) -> Result<Scalar<'a>, JsonError> {
        self.value(1, true)
    }

    /// Reads and checks the value at the current position, keeping nothing.
    pub(crate) fn skip(&mut self) -> Result<(), JsonError> {
        self.value(1, false).map(drop)
    }

    /// Reads a value nested `depth` levels deep; strings are unescaped only if `keep`.
    fn value(&mut self, depth: usize, keep: bool) -> Result<Scalar<'a>, JsonError> {
        match self.peek() {
            Some(b'"') => {
                let s = self.string(keep)?;
                Ok(if keep { Scalar::Str(s) } else { Scalar::Other })
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b'n') => self.literal(b"null").map(|()| Scalar::Null),
            Some(b't') => self.literal(b"true").map(|()| Scalar::Other),
            Some(b'f') => self.literal(b"false").map(|()| Scalar::Other),
            Some(open @ (b'[' | b'{')) => {
                if depth + 1 > MAX_DEPTH {
                    return Err(self.error());
                }
                self.i += 1;
                self.ws();
                let close = if open == b'[' { b']' } else { b'}' };
                if self.peek() == Some(close) {
                    self.i += 1;
                    return Ok(Scalar::Other);
                }
                loop {
                    if open == b'{' {
                        if self.peek() != Some(b'"') {
                            return Err(self.error());
                        }
                        self.string(false)?;
                        self.ws();
                        self.expect(b':')?;
                        self.ws();
                    }
                    self.value(depth + 1, false)?;
                    self.ws();
                    match self.bump() {
                        Some(b',') => self.ws(),
                        Some(b) if b == close => return Ok(Scalar::Other),
                        _ => return Err(self.error_before()),
                    }
                }
            }
            _ => Err(self.error()),
        }
    }

    fn literal(&mut self, word: &[u8]) -> Result<(), JsonError> {
        for &w in word {
            if self.peek() != Some(w) {
                return Err(self.error());
            }
            self.i += 1;
        }
        Ok(())
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    fn number(&mut self) -> Result<Scalar<'a>, JsonError> {
        let negative = self.peek() == Some(b'-');
        if negative {
            self.i += 1;
        }
        let mut value: Option<u64> = Some(0);
        match self.bump() {
            Some(b'0') => {}
            Some(d @ b'1'..=b'9') => {
                value = Some(u64::from(d - b'0'));
                while let Some(d @ b'0'..=b'9') = self.peek() {
                    self.i += 1;
                    value = value
                        .and_then(|v| v.checked_mul(10))
                        .and_then(|v| v.checked_add(u64::from(d - b'0')));
                }
            }
            _ => return Err(self.error_before()),
        }
        let mut integer = true;
        if self.peek() == Some(b'.') {
            self.i += 1;
            integer = false;
            self.digits()?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            integer = false;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            self.digits()?;
        }
        Ok(match value {
            Some(v) if integer && !negative => Scalar::U64(v),
            _ => Scalar::Other,
        })
    }

    /// One or more decimal digits.
    fn digits(&mut self) -> Result<(), JsonError> {
        if !matches!(self.peek(), Some(b'0'..=b'9')) {
            return Err(self.error());
        }
        while let Some(b'0'..=b'9') = self.peek() {
            self.i += 1;
        }
        Ok(())
    }

    /// Reads the string starting at the current `"`. Returns it unescaped when `keep` (an
    /// empty string otherwise); borrowed when it holds no escape.
    fn string(&mut self, keep: bool) -> Result<Cow<'a, str>, JsonError> {
        self.i += 1; // the opening quote
        let start = self.i;
        self.i += find_special(&self.s[self.i..]);
        // Fast path: no escape.
        match self.peek() {
            Some(b'"') => {
                self.i += 1;
                return Ok(if keep {
                    Cow::Borrowed(self.text(start, self.i - 1)?)
                } else {
                    Cow::Borrowed("")
                });
            }
            Some(b'\\') => {}
            _ => return Err(self.error()),
        }
        // Slow path: unescape into an owned string.
        let mut out = String::new();
        let mut run = start;
        loop {
            match self.peek() {
                Some(b'"') => {
                    if keep {
                        out.push_str(self.text(run, self.i)?);
                    }
                    self.i += 1;
                    break;
                }
                Some(b'\\') => {
                    if keep {
                        out.push_str(self.text(run, self.i)?);
                    }
                    self.i += 1;
                    self.escape(keep.then_some(&mut out))?;
                    run = self.i;
                }
                _ => return Err(self.error()),
            }
            self.i += find_special(&self.s[self.i..]);
        }
        Ok(if keep {
            Cow::Owned(out)
        } else {
            Cow::Borrowed("")
        })
    }

    /// The text between byte offsets `from` and `to` (both next to ASCII delimiters, hence
    /// on character boundaries).
    fn text(&self, from: usize, to: usize) -> Result<&'a str, JsonError> {
        self.t.get(from..to).ok_or_else(|| error_at(self.s, from))
    }

    /// Reads the escape after a backslash, appending what it stands for to `out` if given.
    /// When not kept, a `\u` escape only needs four hex digits (a lone surrogate in a value
    /// that is skipped is accepted, as `serde_json` does).
    fn escape(&mut self, out: Option<&mut String>) -> Result<(), JsonError> {
        let simple = match self.bump() {
            Some(b'"') => b'"',
            Some(b'\\') => b'\\',
            Some(b'/') => b'/',
            Some(b'b') => 0x08,
            Some(b'f') => 0x0c,
            Some(b'n') => b'\n',
            Some(b'r') => b'\r',
            Some(b't') => b'\t',
            Some(b'u') => {
                let unit = self.hex4()?;
                let Some(out) = out else { return Ok(()) };
                let code = match unit {
                    0xD800..=0xDBFF => {
                        // A high surrogate must be followed by an escaped low one.
                        if self.bump() != Some(b'\\') || self.bump() != Some(b'u') {
                            return Err(self.error_before());
                        }
                        let low = self.hex4()?;
                        if !(0xDC00..=0xDFFF).contains(&low) {
                            return Err(self.error_before());
                        }
                        0x10000 + ((u32::from(unit) - 0xD800) << 10) + (u32::from(low) - 0xDC00)
                    }
                    0xDC00..=0xDFFF => return Err(self.error_before()),
                    _ => u32::from(unit),
                };
                out.push(char::from_u32(code).ok_or_else(|| self.error_before())?);
                return Ok(());
            }
            _ => return Err(self.error_before()),
        };
        if let Some(out) = out {
            out.push(char::from(simple));
        }
        Ok(())
    }

    fn hex4(&mut self) -> Result<u16, JsonError> {
        let mut v = 0u16;
        for _ in 0..4 {
            let d = match self.peek() {
                Some(b @ b'0'..=b'9') => b - b'0',
                Some(b @ b'a'..=b'f') => b - b'a' + 10,
                Some(b @ b'A'..=b'F') => b - b'A' + 10,
                _ => return Err(self.error()),
            };
            self.i += 1;
            v = (v << 4) | u16::from(d);
        }
        Ok(v)
    }
}

/// The offset in `s` of the first `"`, `\\` or control character (below 0x20), or `s.len()`.
/// Looks at eight bytes at a time (no unsafe, no SIMD intrinsics): string contents are most
/// of the document.
fn find_special(s: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut i = 0;
    while i < s.len() {
        // The next eight bytes; past the end, padded with quotes (which count as found).
        let mut word = [b'"'; 8];
        let n = (s.len() - i).min(8);
        word[..n].copy_from_slice(&s[i..i + n]);
        let w = u64::from_le_bytes(word);
        let quote = w ^ (ONES * u64::from(b'"'));
        let backslash = w ^ (ONES * u64::from(b'\\'));
        // The high bit of a byte is set where that byte is zero in `quote` or `backslash`
        // (a quote or a backslash) or below 0x20 in `w`. A borrow can also flag bytes
        // above a real hit, never below one, so the lowest flag is exact.
        let hit = ((quote.wrapping_sub(ONES) & !quote)
            | (backslash.wrapping_sub(ONES) & !backslash)
            | (w.wrapping_sub(ONES * 0x20) & !w))
            & HIGH;
        if hit != 0 {
            return (i + hit.trailing_zeros() as usize / 8).min(s.len());
        }
        i += 8;
    }
    s.len()
}

#[cfg(test)]
#[test]
fn find_special_finds_the_first_special_byte() {
    let slow = |s: &[u8]| {
        s.iter()
            .position(|b| matches!(b, b'"' | b'\\' | 0..=0x1f))
            .unwrap_or(s.len())
    };
    let mut cases: Vec<Vec<u8>> = vec![vec![], b"abc".to_vec(), "中文ü".as_bytes().to_vec()];
    for len in 0..20 {
        for at in 0..len {
            for special in [b'"', b'\\', 0x00, 0x1f, b'\n'] {
                let mut v: Vec<u8> = (0..len)
                    .map(|i| [b'a', 0xe4, 0x7f, 0x20, 0x80][i % 5])
                    .collect();
                v[at] = special;
                cases.push(v);
            }
        }
    }
    for c in cases {
        assert_eq!(find_special(&c), slow(&c), "{c:?}");
    }
}

/// The 1-based line and column of byte `offset` of `text`.
pub(crate) fn error_at(text: &[u8], offset: usize) -> JsonError {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = offset
        - before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1)
        + 1;
    JsonError::at(line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every (key, scalar) of `text`, or the error position.
    fn read(text: &str) -> Result<Vec<(String, Scalar<'_>)>, (usize, usize)> {
        let mut out = Vec::new();
        read_object(text.as_bytes(), |k, r| {
            out.push((k.to_owned(), r.scalar()?));
            Ok(())
        })
        .map_err(|e| (e.line(), e.column()))?;
        Ok(out)
    }

    fn one(value: &str) -> Result<Scalar<'static>, (usize, usize)> {
        let text = format!("{{\"k\":{value}}}");
        read(&text).map(|mut v| match v.pop().map(|(_, s)| s) {
            Some(Scalar::Str(s)) => Scalar::Str(Cow::Owned(s.into_owned())),
            Some(Scalar::U64(n)) => Scalar::U64(n),
            Some(Scalar::Null) => Scalar::Null,
            _ => Scalar::Other,
        })
    }

    #[test]
    fn numbers() {
        assert_eq!(one("0"), Ok(Scalar::U64(0)));
        assert_eq!(one("1400000000"), Ok(Scalar::U64(1_400_000_000)));
        assert_eq!(one("18446744073709551615"), Ok(Scalar::U64(u64::MAX)));
        for other in [
            "18446744073709551616",
            "-1",
            "-0",
            "1.5",
            "1e3",
            "1E+2",
            "0.0",
        ] {
            assert_eq!(one(other), Ok(Scalar::Other), "{other}");
        }
        for bad in ["01", "-", "1.", ".5", "1e", "+1", "0x10", "1.e2"] {
            assert!(one(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn strings_and_escapes() {
        let s = |v: &str| Scalar::Str(Cow::Owned(v.to_owned()));
        assert_eq!(one(r#""plain""#), Ok(s("plain")));
        assert_eq!(one(r#""a\/b\"c\\d""#), Ok(s("a/b\"c\\d")));
        assert_eq!(one(r#""\b\f\n\r\t""#), Ok(s("\u{8}\u{c}\n\r\t")));
        assert_eq!(one(r#""\u0061\u00e9\u4E2D""#), Ok(s("aé中")));
        assert_eq!(one(r#""\ud83d\ude80 x""#), Ok(s("🚀 x")));
        assert_eq!(one("\"中文 ü\""), Ok(s("中文 ü")));
        assert_eq!(one("\"é\\n\""), Ok(s("é\n")));
        for bad in [
            r#""\ud83d""#,
            r#""\ude80""#,
            r#""\ud83d\u0041""#,
            r#""\x""#,
            r#""\u12""#,
            r#""\u12g4""#,
            "\"a\nb\"",
            "\"unterminated",
        ] {
            assert!(one(bad).is_err(), "{bad}");
        }
        // Invalid UTF-8 inside a string.
        let mut bytes = b"{\"k\":\"a".to_vec();
        bytes.extend_from_slice(&[0xff, b'"', b'}']);
        assert!(read_object(&bytes, |_, r| r.scalar().map(drop)).is_err());
    }

    #[test]
    fn borrowed_unless_escaped() {
        let text = r#"{"a":"x y","b":"x\/y"}"#;
        let mut seen = Vec::new();
        read_object(text.as_bytes(), |_, r| {
            seen.push(matches!(r.scalar()?, Scalar::Str(Cow::Borrowed(_))));
            Ok(())
        })
        .unwrap();
        assert_eq!(seen, [true, false]);
    }

    #[test]
    fn layout_and_nesting() {
        assert_eq!(read("{}"), Ok(vec![]));
        assert_eq!(read(" \t\r\n{ } \n"), Ok(vec![]));
        let v = read("{\"a\" : null ,\n \"b\":[1,{\"c\":[true,false,\"\\ud800\"]}], \"d\":{}}\n")
            .unwrap();
        let kinds: Vec<_> = v.iter().map(|(k, s)| (k.as_str(), s)).collect();
        assert_eq!(
            kinds,
            [
                ("a", &Scalar::Null),
                ("b", &Scalar::Other),
                ("d", &Scalar::Other)
            ]
        );
        for bad in [
            "",
            "[1,2]",
            "{",
            "{\"a\":1,}",
            "{\"a\":1}x",
            "{\"a\" 1}",
            "{a:1}",
            "{\"a\":[1,]}",
            "{\"a\":[1 2]}",
            "{\"a\":{\"b\"}}",
            "{\"a\":nul}",
            "{\"a\":1}{}",
        ] {
            assert!(read(bad).is_err(), "{bad:?}");
        }
        let deep_ok = format!("{{\"a\":{}{}}}", "[".repeat(127), "]".repeat(127));
        assert!(read(&deep_ok).is_ok());
        let too_deep = format!("{{\"a\":{}{}}}", "[".repeat(128), "]".repeat(128));
        assert!(read(&too_deep).is_err());
    }

    #[test]
    fn error_positions() {
        assert_eq!(read("{\"a\":1,\n  x}"), Err((2, 3)));
        assert_eq!(read("{\"a\":tru}"), Err((1, 9)));
        assert_eq!(read("{}\n\nx"), Err((3, 1)));
    }
}
