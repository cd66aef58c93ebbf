//! NDJSON: one line through `parse_line_with`, and the whole input through `NdjsonReader`
//! read in small chunks, failing part way when the input says so.
//!
//! Input: 4 bytes of settings (line limit, record and field limits, read size, where
//! the read fails: 0 for never), then the file.

#![no_main]

use std::io::BufReader;

use clout_core::Record;
use clout_fuzz::{Chunked, check, limits, read_ndjson, stop_at};
use clout_import::{Limits, parse_line_with};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let [a, b, c, d, data @ ..] = input else { return };
    let limits = limits(*a, *b);

    let alone = parse_line_with(data, &limits);
    if let Ok(record) = &alone {
        fields_within(record, &limits);
    }

    let fail_at = (*d != 0).then(|| data.len() * usize::from(d - 1) / 254);
    let chunk = 1 + usize::from(c >> 6) * 7;
    let reader = BufReader::with_capacity(1 + usize::from(c & 0x3f), Chunked { data, at: 0, chunk, fail_at });
    let got = read_ndjson(reader, limits);
    let expected_fault = fail_at.map(|k| stop_at(data, k));
    // The reader reads on until the injected error: it is always reported, at the line
    // holding its byte.
    match (&got.fault, expected_fault) {
        (Some(f), Some((line, offset))) => assert_eq!((f.line, f.offset), (line, offset), "{f}"),
        (None, None) => {}
        (f, e) => panic!("fault {f:?}, expected at {e:?}"),
    }
    check(data, &got, &limits, 1, expected_fault.map(|(line, _)| line));

    // A line on its own reads the same alone and in a file.
    let plain = !data.contains(&b'\n')
        && !data.ends_with(b"\r")
        && !data.starts_with(b"\xEF\xBB\xBF")
        && data.len() <= limits.max_line_bytes
        && !data.iter().all(u8::is_ascii_whitespace);
    if plain && got.fault.is_none() {
        assert_eq!(got.rows.len(), 1);
        assert_eq!(got.rows[0].parsed, alone);
    }
});

/// An accepted record's text fields are within the field limit.
fn fields_within(record: &Record, limits: &Limits) {
    let max = limits.max_field_bytes;
    let texts: Vec<Option<&str>> = match record {
        Record::Channel(c) => vec![c.name.as_deref(), c.bio.as_deref(), c.url.as_deref(), c.email.as_deref()],
        Record::Post(p) => vec![Some(p.post_id.as_str()), p.caption.as_deref(), p.url.as_deref()],
        _ => vec![],
    };
    for text in texts.into_iter().flatten() {
        assert!(text.len() <= max, "an accepted field of {} bytes over the limit of {max}", text.len());
    }
}
