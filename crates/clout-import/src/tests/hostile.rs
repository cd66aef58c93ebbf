//! Hostile and broken input: every physical line is accounted for, memory stays bounded,
//! and JSON and CSV read numbers by the same rules.

use std::io::Read;

use proptest::prelude::*;

use super::{csv_rows, issues};
use clout_core::Record;

use crate::*;

const HEADER: &str = "platform,handle,followers,observed_at,bio\n";

fn good_rows(from: usize, n: usize) -> String {
    (from..from + n).map(|i| format!("instagram,user{i},{},1795600000,plain bio\n", 1000 + i)).collect()
}

#[test]
fn a_quote_that_never_closes_in_the_last_column_loses_only_its_own_line() {
    // Finding 1: a 100,001-row file gave 1 accepted, 0 rejected.
    let mut data = String::from(HEADER);
    data.push_str("instagram,opener,5,1795600000,\"this bio never closes\n");
    data.push_str(&good_rows(0, 100_000));
    let rows = csv_rows(data.as_bytes());
    assert_eq!(rows.len(), 100_001);
    assert_eq!((rows[0].line, rows[0].parsed.is_err()), (2, true));
    assert!(issues(rows[0].parsed.clone())[0].contains("does not close"), "{:?}", rows[0].parsed);
    assert_eq!(rows[0].raw, b"instagram,opener,5,1795600000,\"this bio never closes");
    assert_eq!(rows[1..].iter().filter(|r| r.parsed.is_ok()).count(), 100_000);
    assert_eq!(rows.last().map(|r| r.line), Some(100_002));
}

#[test]
fn text_after_a_closing_quote_rejects_the_row_instead_of_folding_the_next_one_in() {
    let data =
        format!("{HEADER}instagram,a,1,1795600000,\"quoted\" then text \"and a quote\ninstagram,b,2,1795600000,fine\n");
    let rows = csv_rows(data.as_bytes());
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(issues(rows[0].parsed.clone())[0].contains("text after the closing quote of field 5"));
    let Ok(Record::Channel(c)) = &rows[1].parsed else { panic!("{:?}", rows[1].parsed) };
    assert_eq!((c.handle.as_str(), c.bio.as_deref()), ("b", Some("fine")));
}

#[test]
fn an_open_quote_near_the_end_keeps_the_last_rows() {
    let mut data = String::from(HEADER);
    data.push_str(&good_rows(0, 5));
    data.push_str("instagram,late,5,1795600000,\"open\n");
    data.push_str(&good_rows(5, 3));
    let rows = csv_rows(data.as_bytes());
    let kept: Vec<(u64, bool)> = rows.iter().map(|r| (r.line, r.parsed.is_ok())).collect();
    let mut expected: Vec<(u64, bool)> = (2..=6).map(|l| (l, true)).collect();
    expected.push((7, false));
    expected.extend((8..=10).map(|l| (l, true)));
    assert_eq!(kept, expected);
}

#[test]
fn a_quote_inside_an_unquoted_field_is_a_character() {
    let data = format!("{HEADER}instagram,tall,1,1795600000,I am 6'2\" tall\n");
    let rows = csv_rows(data.as_bytes());
    let Ok(Record::Channel(c)) = &rows[0].parsed else { panic!("{:?}", rows[0].parsed) };
    assert_eq!(c.bio.as_deref(), Some("I am 6'2\" tall"));
}

/// A reader of `n` bytes of `b` that never holds them.
fn repeat(b: u8, n: u64) -> impl Read {
    std::io::repeat(b).take(n)
}

#[test]
fn a_300_megabyte_line_is_one_reject_holding_only_its_first_bytes() {
    // Finding 2: one 300 MB line took the server to 2.4 GB and was stored as a bio.
    let input = b"{\"kind\":\"channel\",\"bio\":\""
        .chain(repeat(b'x', 300 << 20))
        .chain(&b"\"}\n{\"kind\":\"channel\",\"platform\":\"x\",\"handle\":\"after\",\"followers\":5,\"observed_at\":1795600000}\n"[..]);
    let mut reader = NdjsonReader::new(std::io::BufReader::new(input), Limits::default());
    let row = reader.next_row().unwrap().unwrap();
    assert_eq!((row.line, row.offset, row.complete), (1, 0, false));
    assert!(row.raw.len() <= 256, "the reject holds {} bytes", row.raw.len());
    assert!(issues(row.parsed)[0].contains("over the limit of 1048576 bytes"));
    let row = reader.next_row().unwrap().unwrap();
    assert_eq!(row.line, 2);
    assert_eq!(row.offset, 25 + (300 << 20) + 3);
    assert!(row.parsed.is_ok(), "{:?}", row.parsed);
    assert!(reader.next_row().unwrap().is_none());
}

#[test]
fn an_over_long_csv_line_is_a_reject_and_reading_resumes() {
    let input = HEADER.as_bytes().chain(repeat(b'a', 2 << 20)).chain(&b"\ninstagram,ok,5,1795600000,\n"[..]);
    let mut reader = CsvReader::new(std::io::BufReader::new(input), Limits::default()).unwrap();
    let row = reader.next_row().unwrap().unwrap();
    assert_eq!((row.line, row.complete), (2, false));
    let row = reader.next_row().unwrap().unwrap();
    assert_eq!(row.line, 3);
    assert!(row.parsed.is_ok(), "{:?}", row.parsed);
}

#[test]
fn a_field_over_its_limit_is_refused_by_name() {
    let limits = Limits { max_field_bytes: 10, ..Limits::default() };
    let line =
        br#"{"kind":"channel","platform":"x","handle":"a","followers":5,"observed_at":1795600000,"bio":"eleven char"}"#;
    let found = issues(parse_line_with(line, &limits));
    assert_eq!(found, ["bio: 11 bytes of text, over the limit of 10 bytes per field"]);
}

#[test]
fn repeated_fields_are_refused_in_json_and_csv() {
    // Finding 10: duplicate keys and columns silently took the last value.
    let line =
        br#"{"kind":"channel","platform":"x","handle":"a","followers":5,"followers":500,"observed_at":1795600000}"#;
    assert_eq!(issues(parse_line(line)), ["followers: the field is given more than once"]);
    let line =
        br#"{"kind":"channel","platform":"x","handle":"a","followers":5,"observed_at":1795600000,"mine":1,"mine":2}"#;
    assert_eq!(issues(parse_line(line)), ["mine: the field is given more than once"]);
}

#[test]
fn json_counts_follow_the_csv_rules() {
    // Finding 10: NDJSON accepted -0, 1e3 and 1e-400 (stored as 0 followers).
    for (json, csv) in [("-0", "-0"), ("1e3", "1e3"), ("1e-400", "1e-400"), ("1000.5", "1000.5")] {
        let line =
            format!(r#"{{"kind":"channel","platform":"x","handle":"a","followers":{json},"observed_at":1795600000}}"#);
        let json_issues = issues(parse_line(line.as_bytes()));
        assert!(json_issues[0].starts_with("followers:"), "{json}: {json_issues:?}");
        let data = format!("platform,handle,followers,observed_at\nx,a,{csv},1795600000\n");
        assert!(csv_rows(data.as_bytes())[0].parsed.is_err(), "CSV accepts {csv}");
    }
    // The largest count every JSON reader holds exactly is accepted; one more is not.
    let at = |n: u64| {
        format!(r#"{{"kind":"channel","platform":"x","handle":"a","followers":{n},"observed_at":1795600000}}"#)
    };
    assert!(parse_line(at(9_007_199_254_740_991).as_bytes()).is_ok());
    let found = issues(parse_line(at(9_007_199_254_740_992).as_bytes()));
    assert_eq!(found, ["followers: 9007199254740992 is out of range (at most 9,007,199,254,740,991)"]);
}

#[test]
fn a_read_error_mid_file_is_a_fault_after_every_complete_line_before_it() {
    // Finding 9: a truncated gzip kept 0 or 600 of its 648 complete lines.
    struct Failing(usize);
    impl Read for Failing {
        fn read(&mut self, _buf: &mut [u8]) -> std::io::Result<usize> {
            Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, format!("after {}", self.0)))
        }
    }
    let lines: String = (0..648)
        .map(|i| {
            format!(r#"{{"kind":"followers","platform":"x","handle":"a{i}","followers":5,"observed_at":1795600000}}"#)
                + "\n"
        })
        .collect();
    let complete = lines.len();
    let input = lines.as_bytes().chain(&b"{\"kind\":\"fol"[..]).chain(Failing(0));
    let mut reader = NdjsonReader::new(std::io::BufReader::with_capacity(100, input), Limits::default());
    let mut ok = 0;
    let fault = loop {
        match reader.next_row() {
            Ok(Some(row)) => {
                assert!(row.parsed.is_ok());
                ok += 1;
            }
            Ok(None) => panic!("the error was not reported"),
            Err(fault) => break fault,
        }
    };
    assert_eq!(ok, 648);
    assert_eq!((fault.line, fault.offset), (649, complete as u64));
    assert!(fault.message.contains("incomplete"), "{fault}");
}

/// Lines of a CSV-ish or JSON-ish soup: what a property test feeds the readers.
fn soup() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(&b"\""[..]),
        Just(&b","[..]),
        Just(&b"\n"[..]),
        Just(&b"\r\n"[..]),
        Just(&b"instagram"[..]),
        Just(&b"a"[..]),
        Just(&b"12"[..]),
        Just(&b" "[..]),
        Just(&b"{"[..]),
        Just(&b"}"[..]),
        Just(&b"\xff"[..]),
    ];
    proptest::collection::vec(piece, 0..200).prop_map(|pieces| pieces.concat())
}

/// Which physical lines (1-based) a row's raw bytes cover.
fn covered(line: u64, raw: &[u8], complete: bool) -> std::ops::RangeInclusive<u64> {
    let extra = if complete { raw.iter().filter(|&&b| b == b'\n').count() as u64 } else { 0 };
    line..=line + extra
}

/// Checks the import rule: every line of `data` is in exactly one row, is blank, or is
/// at or after a fault's line.
fn check_every_line(data: &[u8], rows: &[(u64, Vec<u8>, bool)], first_line: u64, fault: Option<u64>) {
    let lines: Vec<&[u8]> = data.split(|&b| b == b'\n').collect();
    let count = if data.ends_with(b"\n") { lines.len() - 1 } else { lines.len() } as u64;
    let mut seen = vec![0u32; count as usize + 2];
    for (line, raw, complete) in rows {
        for l in covered(*line, raw, *complete) {
            seen[l as usize] += 1;
        }
    }
    for l in 1..=count {
        let blank = lines[l as usize - 1].iter().all(u8::is_ascii_whitespace);
        let faulted = fault.is_some_and(|f| l >= f);
        let header = l < first_line;
        match seen[l as usize] {
            0 => assert!(blank || faulted || header, "line {l} is in no record"),
            1 => {}
            n => panic!("line {l} is in {n} records"),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    #[test]
    fn every_csv_line_is_in_exactly_one_record(body in soup()) {
        let mut data = b"platform,handle,followers\n".to_vec();
        data.extend_from_slice(&body);
        let limits = Limits { max_record_lines: 4, max_line_bytes: 64, ..Limits::default() };
        let mut reader = CsvReader::new(&data[..], limits).unwrap();
        let mut rows = Vec::new();
        let mut fault = None;
        loop {
            match reader.next_row() {
                Ok(Some(r)) => rows.push((r.line, r.raw.to_vec(), r.complete)),
                Ok(None) => break,
                Err(f) => { fault = Some(f.line); break }
            }
        }
        check_every_line(&data, &rows, 2, fault);
    }

    #[test]
    fn every_ndjson_line_is_in_exactly_one_record(data in soup()) {
        let limits = Limits { max_line_bytes: 32, ..Limits::default() };
        let mut reader = NdjsonReader::new(&data[..], limits);
        let mut rows = Vec::new();
        while let Some(r) = reader.next_row().unwrap() {
            prop_assert!(!r.raw.contains(&b'\n'));
            rows.push((r.line, r.raw.to_vec(), r.complete));
        }
        check_every_line(&data, &rows, 1, None);
    }

    #[test]
    fn any_text_written_as_csv_reads_back_exactly(
        bios in proptest::collection::vec("[a-z\",\n\r ']{0,12}", 1..20)
    ) {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(["platform", "handle", "followers", "observed_at", "bio"]).unwrap();
        for (i, bio) in bios.iter().enumerate() {
            w.write_record(["x", &format!("h{i}"), "10", "1795600000", bio]).unwrap();
        }
        let data = w.into_inner().unwrap();
        let rows = csv_rows(&data);
        prop_assert_eq!(rows.len(), bios.len());
        for (row, bio) in rows.iter().zip(&bios) {
            let Ok(Record::Channel(c)) = &row.parsed else { panic!("{:?}", row.parsed) };
            // A cell of spaces only is null, like an empty one.
            let expected = if bio.trim().is_empty() { None } else { Some(bio.as_str()) };
            prop_assert_eq!(c.bio.as_deref(), expected);
        }
    }
}
