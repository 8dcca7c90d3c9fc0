//! Low-level byte codecs used by generation and decoding: the UserSig base64 alphabet,
//! decimal formatting, JSON string escaping, a stored-block zlib writer with Adler-32, and a
//! bounded zlib inflater.

use base64::alphabet::{Alphabet, Symbol};
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use flate2::{Decompress, FlushDecompress, Status};

/// The TLSSigAPIv2 alphabet: standard base64 with `+` → `*`, `/` → `-`, padding `=` → `_`.
const USERSIG_ALPHABET: Alphabet = match Symbol::new(b'_') {
    Some(pad) => match Alphabet::new_with_padding(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789*-",
        pad,
    ) {
        Ok(a) => a,
        Err(_) => panic!("invalid UserSig alphabet"),
    },
    None => panic!("invalid padding symbol"),
};

/// Engine for the outer UserSig encoding. Encodes with `_` padding (as every official port
/// does); decodes with or without padding.
pub(crate) const USERSIG_B64: GeneralPurpose = GeneralPurpose::new(
    &USERSIG_ALPHABET,
    GeneralPurposeConfig::new()
        .with_encode_padding(true)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Standard base64 with `=` padding, used inside the document (`TLS.sig`, `TLS.userbuf`) and
/// in the signed content.
pub(crate) use base64::engine::general_purpose::STANDARD as STD_B64;

/// Formats `n` in decimal into `buf`, returning the digits.
pub(crate) fn fmt_u64(n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    let mut n = n;
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    &buf[i..]
}

/// Appends `s` as a JSON string literal (with quotes). Escapes `"`, `\` and control
/// characters; everything else, non-ASCII included, is copied as UTF-8.
pub(crate) fn push_json_str(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let short = match b {
            b'"' => '"',
            b'\\' => '\\',
            b'\n' => 'n',
            b'\r' => 'r',
            b'\t' => 't',
            0x08 => 'b',
            0x0c => 'f',
            0x00..=0x1f => 'u',
            _ => continue,
        };
        // `i` is at an ASCII byte, hence a char boundary.
        out.push_str(&s[start..i]);
        out.push('\\');
        out.push(short);
        if short == 'u' {
            out.push_str("00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// Appends the decimal digits of `n` to `out`.
pub(crate) fn push_u64(out: &mut String, n: u64) {
    let mut buf = [0u8; 20];
    for &d in fmt_u64(n, &mut buf) {
        out.push(char::from(d));
    }
}

/// Feeds the standard base64 of `data` to `sink` in pieces, without allocating.
/// Pieces are encodings of 48-byte input chunks (a multiple of 3), so their concatenation
/// equals the base64 of the whole input.
pub(crate) fn std_b64_chunks(data: &[u8], mut sink: impl FnMut(&[u8])) {
    use base64::Engine as _;
    let mut buf = [0u8; 64];
    for chunk in data.chunks(48) {
        if let Ok(n) = STD_B64.encode_slice(chunk, &mut buf) {
            sink(&buf[..n]);
        }
    }
}

/// Adler-32 (RFC 1950) of `data`.
pub(crate) fn adler32(data: &[u8]) -> u32 {
    const MOD: u32 = 65521;
    // Largest n such that 255 n (n + 1) / 2 + (n + 1) (MOD - 1) fits in u32.
    const NMAX: usize = 5552;
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in data.chunks(NMAX) {
        for &byte in chunk {
            a += u32::from(byte);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16) | a
}

/// Largest payload of one stored deflate block.
const STORED_BLOCK_MAX: usize = 65_535;

/// Exact length of the stored-block zlib stream for `len` payload bytes.
pub(crate) fn stored_zlib_len(len: usize) -> usize {
    let blocks = len.div_ceil(STORED_BLOCK_MAX).max(1);
    2 + 5 * blocks + len + 4
}

/// Appends `data` to `out` as a zlib stream (RFC 1950) made of stored deflate blocks
/// (RFC 1951 BTYPE 00): header `78 01`, blocks of at most 65535 bytes, Adler-32 trailer.
/// This is byte-for-byte what Go's `compress/zlib` writes at `NoCompression`.
pub(crate) fn write_stored_zlib(data: &[u8], out: &mut Vec<u8>) {
    out.reserve(stored_zlib_len(data.len()));
    out.extend_from_slice(&[0x78, 0x01]);
    let mut chunks = data.chunks(STORED_BLOCK_MAX).peekable();
    if chunks.peek().is_none() {
        out.extend_from_slice(&[0x01, 0x00, 0x00, 0xff, 0xff]);
    }
    while let Some(chunk) = chunks.next() {
        let last = chunks.peek().is_none();
        let len = chunk.len() as u16; // chunks are at most 65535 bytes
        out.push(u8::from(last));
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(chunk);
    }
    out.extend_from_slice(&adler32(data).to_be_bytes());
}

/// Why inflating failed.
pub(crate) enum InflateError {
    /// Not a valid or complete zlib stream.
    Corrupt,
    /// The inflated output would exceed the limit.
    TooLarge,
}

/// Inflates the zlib stream in `input` into `out` (cleared first), refusing to produce more
/// than `max` bytes. Bytes after the end of the zlib stream are ignored, as zlib's
/// `uncompress` and Go's reader do.
pub(crate) fn inflate_into(
    z: &mut Decompress,
    input: &[u8],
    out: &mut Vec<u8>,
    max: usize,
) -> Result<(), InflateError> {
    z.reset(true);
    out.clear();
    if out.capacity() < 512 {
        out.reserve(512);
    }
    loop {
        let consumed = z.total_in() as usize;
        let before_out = z.total_out();
        let status = z
            .decompress_vec(&input[consumed..], out, FlushDecompress::Finish)
            .map_err(|_| InflateError::Corrupt)?;
        if out.len() > max {
            return Err(InflateError::TooLarge);
        }
        match status {
            Status::StreamEnd => return Ok(()),
            Status::Ok | Status::BufError => {
                let progressed = z.total_in() as usize != consumed || z.total_out() != before_out;
                if out.len() == out.capacity() {
                    // Output full: grow (bounded by `max + 1` so the limit is detected).
                    let grow = out.capacity().min(max + 1 - out.len().min(max)).max(1);
                    out.reserve(grow);
                } else if !progressed {
                    // Input exhausted without reaching the end of the stream.
                    return Err(InflateError::Corrupt);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adler32_known_values() {
        assert_eq!(adler32(b""), 1);
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
        let big = vec![0xffu8; 100_000];
        // Reference computed by the plain modular definition.
        let (mut a, mut b) = (1u64, 0u64);
        for &x in &big {
            a = (a + u64::from(x)) % 65521;
            b = (b + a) % 65521;
        }
        assert_eq!(adler32(&big), ((b << 16) | a) as u32);
    }

    #[test]
    fn stored_zlib_inflates_with_flate2() {
        for len in [0usize, 1, 174, 65_535, 65_536, 140_000] {
            let data: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
            let mut z = Vec::new();
            write_stored_zlib(&data, &mut z);
            assert_eq!(z.len(), stored_zlib_len(len), "len {len}");
            let mut out = Vec::new();
            let mut d = Decompress::new(true);
            assert!(inflate_into(&mut d, &z, &mut out, usize::MAX / 2).is_ok());
            assert_eq!(out, data, "len {len}");
        }
    }

    #[test]
    fn json_escaping_matches_serde_json_parse() {
        for s in [
            "plain",
            "a\"b\\c",
            "\n\r\t\u{8}\u{c}\u{1}\u{1f}",
            "中文 ü 🚀",
            "</script>",
        ] {
            let mut out = String::new();
            push_json_str(&mut out, s);
            let back: String = serde_json::from_str(&out).expect("valid JSON string");
            assert_eq!(back, s);
        }
    }

    #[test]
    fn chunked_base64_equals_whole() {
        use base64::Engine as _;
        for len in [0usize, 1, 2, 3, 47, 48, 49, 96, 1000] {
            let data: Vec<u8> = (0..len).map(|i| i as u8).collect();
            let mut pieces = Vec::new();
            std_b64_chunks(&data, |p| pieces.extend_from_slice(p));
            assert_eq!(pieces, STD_B64.encode(&data).into_bytes(), "len {len}");
        }
    }

    #[test]
    fn fmt_u64_formats() {
        let mut buf = [0u8; 20];
        assert_eq!(fmt_u64(0, &mut buf), b"0");
        assert_eq!(fmt_u64(1_400_000_000, &mut buf), b"1400000000");
        assert_eq!(fmt_u64(u64::MAX, &mut buf), b"18446744073709551615");
    }
}
