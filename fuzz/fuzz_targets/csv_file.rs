//! CSV: a whole file through `CsvReader`, read in small chunks, failing part way when the
//! input says so.
//!
//! Input: 4 bytes of settings (line limit, record and field limits, read size, where
//! the read fails: 0 for never), then the file, header row first.

#![no_main]

use std::io::BufReader;

use clout_fuzz::{Chunked, check, first_non_blank, limits, read_csv, stop_at};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let [a, b, c, d, data @ ..] = input else { return };
    let limits = limits(*a, *b);
    let fail_at = (*d != 0).then(|| data.len() * usize::from(d - 1) / 254);
    let chunk = 1 + usize::from(c >> 6) * 7;
    let reader = BufReader::with_capacity(1 + usize::from(c & 0x3f), Chunked { data, at: 0, chunk, fail_at });
    let Some(got) = read_csv(reader, limits) else { return };
    let Some(header) = first_non_blank(data) else { panic!("a header was read from blank lines") };
    let stop = fail_at.map(|k| stop_at(data, k));
    // The reader reads on until the injected error: it is always reported, at the latest
    // at the line holding its byte (earlier when a record spanning lines was cut).
    assert_eq!(got.fault.is_some(), stop.is_some(), "fault {:?}, expected at {stop:?}", got.fault);
    check(data, &got, &limits, header + 1, stop.map(|(line, _)| line));
});
