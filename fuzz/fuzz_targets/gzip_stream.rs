//! gzip: what an import reads from a compressed file (`clout_import::input_stream`: gzip
//! recognised by its magic bytes, bounded in what it expands to), then NDJSON or CSV.
//!
//! Input: 5 bytes of settings, then the text. The text is compressed here (in one gzip
//! member or two), maybe cut short, and read back with a bound on its decompressed
//! size: every complete line within the bound is read, nothing past it, and a cut or
//! an overflow is a fault naming the line it stopped at. With the first setting odd, the
//! input is handed over as it is instead (any bytes, gzip or not).

#![no_main]

use std::io::{Read, Write};

use clout_fuzz::{Outcome, check, first_non_blank, limits, read_csv, read_ndjson, stop_at};
use clout_import::Limits;
use flate2::Compression;
use flate2::write::GzEncoder;
use libfuzzer_sys::fuzz_target;

fn gzip(text: &[u8], level: u32) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::new(level));
    e.write_all(text).unwrap();
    e.finish().unwrap()
}

/// Reads `bytes` as an import does; `None` when a CSV header is refused.
fn read(bytes: Vec<u8>, max: u64, csv: bool, limits: Limits) -> Option<Outcome> {
    let size = bytes.len() as u64;
    let stream = clout_import::input_stream(std::io::Cursor::new(bytes), size, Some(max)).unwrap();
    if csv { read_csv(stream, limits) } else { Some(read_ndjson(stream, limits)) }
}

fuzz_target!(|input: &[u8]| {
    let [mode, bound, cut, split, line, text @ ..] = input else { return };
    let csv = mode & 2 != 0;
    let limits = limits(*line, 0x3b);
    let max = u64::from(*bound) * 4 + u64::from(mode >> 2);

    if mode & 1 == 1 {
        // Any bytes: compare with flate2 reading them directly.
        let Some(got) = read(text.to_vec(), max, csv, limits) else { return };
        let plain = if text.starts_with(&[0x1f, 0x8b]) {
            let mut out = Vec::new();
            let _ = flate2::read::MultiGzDecoder::new(text).take(max).read_to_end(&mut out);
            out
        } else {
            text.to_vec()
        };
        let gz = text.starts_with(&[0x1f, 0x8b]);
        for row in &got.rows {
            let at = row.offset as usize;
            assert!(!gz || at + row.raw.len() <= max as usize, "a record past the bound of {max}");
            // Each record starts with the bytes at its offset (a byte order mark aside).
            let from = &plain[at.min(plain.len())..];
            let from = if at == 0 { from.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(from) } else { from };
            let first_line = row.raw.split(|&b| b == b'\n').next().unwrap_or_default();
            assert!(from.starts_with(first_line), "record at line {} is not the stream's bytes", row.line);
        }
        return;
    }

    // Two members when `split` says so: MultiGzDecoder reads on past the first.
    let at = text.len() * usize::from(*split) / 256;
    let (level, first) = (u32::from(mode >> 4) % 10, if *split == 0 { text } else { &text[..at] });
    let mut compressed = gzip(first, level);
    let first_len = compressed.len();
    if *split != 0 {
        compressed.extend(gzip(&text[at..], level));
    }
    // Cut short (never before the magic bytes, or it would not be gzip).
    let cut_at = if *cut == 0 {
        compressed.len()
    } else {
        (2 + (compressed.len() - 2) * usize::from(cut - 1) / 255).min(compressed.len())
    };
    let whole = cut_at == compressed.len();
    compressed.truncate(cut_at);

    let Some(got) = read(compressed, max, csv, limits) else { return };
    let header = if csv { first_non_blank(text).unwrap_or(1) + 1 } else { 1 };
    // What the stream holds: the text, or its first member's when cut between the two.
    let between = !whole && *split != 0 && cut_at == first_len;
    let held = if between { first } else { text };
    match &got.fault {
        None => {
            assert!(whole || between, "a cut at byte {cut_at} of {first_len}+ compressed bytes read as a whole file");
            assert!(held.len() as u64 <= max, "{} bytes read past the bound of {max}", held.len());
            check(held, &got, &limits, header, None);
        }
        Some(f) => {
            // Stopped at the bound (or earlier, cut short): every line that ends within
            // the bound was read, up to the fault.
            let over = held.len() as u64 > max;
            assert!(over || !whole, "a whole stream within the bound faults: {f}");
            let stop = over.then(|| stop_at(held, max as usize));
            if let Some((line, offset)) = stop
                && whole
            {
                assert!(f.message.contains("decompression bomb"), "{f}");
                if !csv {
                    assert_eq!((f.line, f.offset), (line, offset), "{f}");
                }
            }
            check(held, &got, &limits, header, stop.map(|(line, _)| line));
        }
    }
});
