//! A minimal writer for one NDJSON line at a time.
//!
//! The generator writes millions of records, and workspace crates get little
//! optimisation in dev builds, so records are formatted by hand into one reused buffer
//! instead of through serde: no allocation per record, no generic serializer code to
//! instantiate here, and integers and times are written digit by digit.

/// One JSON object under construction, always starting with its `kind`.
pub(crate) struct Line {
    buf: Vec<u8>,
}

impl Line {
    pub(crate) fn new() -> Line {
        Line { buf: Vec::with_capacity(2048) }
    }

    /// Starts a new record, discarding the previous one.
    pub(crate) fn start(&mut self, kind: &str) {
        self.buf.clear();
        self.buf.extend_from_slice(b"{\"kind\":");
        push_string(&mut self.buf, kind);
    }

    fn key(&mut self, key: &str) {
        // Keys are fixed ASCII names chosen in this crate: no escaping needed.
        self.buf.extend_from_slice(b",\"");
        self.buf.extend_from_slice(key.as_bytes());
        self.buf.extend_from_slice(b"\":");
    }

    pub(crate) fn str(&mut self, key: &str, value: &str) {
        self.key(key);
        push_string(&mut self.buf, value);
    }

    pub(crate) fn count(&mut self, key: &str, value: u64) {
        self.key(key);
        push_u64(&mut self.buf, value);
    }

    pub(crate) fn bool(&mut self, key: &str, value: bool) {
        self.key(key);
        self.buf.extend_from_slice(if value { b"true" } else { b"false" });
    }

    /// A time, as RFC 3339 text or, when `as_seconds`, as a Unix-seconds integer
    /// (the interchange format accepts both, and importers must handle both).
    pub(crate) fn time(&mut self, key: &str, unix: i64, as_seconds: bool) {
        self.key(key);
        if as_seconds {
            push_i64(&mut self.buf, unix);
        } else {
            self.buf.push(b'"');
            push_rfc3339(&mut self.buf, unix);
            self.buf.push(b'"');
        }
    }

    pub(crate) fn list(&mut self, key: &str, items: &[&str]) {
        self.key(key);
        self.buf.push(b'[');
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.buf.push(b',');
            }
            push_string(&mut self.buf, item);
        }
        self.buf.push(b']');
    }

    /// A field whose value is already JSON text.
    pub(crate) fn raw(&mut self, key: &str, json: &[u8]) {
        self.key(key);
        self.buf.extend_from_slice(json);
    }

    /// Closes the object and returns the whole line, newline included.
    pub(crate) fn finish(&mut self) -> &[u8] {
        self.buf.extend_from_slice(b"}\n");
        &self.buf
    }
}

/// Appends `s` as a JSON string. Non-ASCII text is written as UTF-8, which JSON allows.
pub(crate) fn push_string(buf: &mut Vec<u8>, s: &str) {
    buf.push(b'"');
    let bytes = s.as_bytes();
    if !bytes.iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\') {
        buf.extend_from_slice(bytes);
    } else {
        for &b in bytes {
            match b {
                b'"' => buf.extend_from_slice(b"\\\""),
                b'\\' => buf.extend_from_slice(b"\\\\"),
                b'\n' => buf.extend_from_slice(b"\\n"),
                b'\t' => buf.extend_from_slice(b"\\t"),
                b'\r' => buf.extend_from_slice(b"\\r"),
                0..0x20 => {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    buf.extend_from_slice(b"\\u00");
                    buf.push(HEX[usize::from(b >> 4)]);
                    buf.push(HEX[usize::from(b & 0xf)]);
                }
                _ => buf.push(b),
            }
        }
    }
    buf.push(b'"');
}

pub(crate) fn push_u64(buf: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    buf.extend_from_slice(&digits[i..]);
}

fn push_i64(buf: &mut Vec<u8>, n: i64) {
    if n < 0 {
        buf.push(b'-');
    }
    push_u64(buf, n.unsigned_abs());
}

/// Appends `n` as exactly `width` digits (zero-padded; `n` must fit).
fn push_padded(buf: &mut Vec<u8>, n: u32, width: usize) {
    let mut digits = [b'0'; 4];
    let mut n = n;
    for slot in digits[..width].iter_mut().rev() {
        *slot = b'0' + (n % 10) as u8;
        n /= 10;
    }
    buf.extend_from_slice(&digits[..width]);
}

/// Appends a Unix time as `YYYY-MM-DDTHH:MM:SSZ`.
///
/// Plain arithmetic (Howard Hinnant's `civil_from_days`) rather than jiff, because this
/// runs for every record; the tests check it against jiff. Years outside 0..=9999 are
/// clamped, which no realistic `as_of` reaches.
pub(crate) fn push_rfc3339(buf: &mut Vec<u8>, unix: i64) {
    let unix = unix.clamp(-62_167_219_200, 253_402_300_799);
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400) as u32;
    let (year, month, day) = civil_from_days(days);
    push_padded(buf, year as u32, 4);
    buf.push(b'-');
    push_padded(buf, month, 2);
    buf.push(b'-');
    push_padded(buf, day, 2);
    buf.push(b'T');
    push_padded(buf, secs / 3600, 2);
    buf.push(b':');
    push_padded(buf, secs / 60 % 60, 2);
    buf.push(b':');
    push_padded(buf, secs % 60, 2);
    buf.push(b'Z');
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}
