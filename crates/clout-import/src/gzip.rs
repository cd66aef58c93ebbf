//! Opening an interchange file's bytes: gzip, recognised by its magic bytes whatever the
//! file is called, is decompressed with a bound on what it may expand to (a decompression
//! bomb stops with an error naming the limit); anything else is passed through.

use std::io::{self, BufRead, BufReader, Read};

/// The default bound on what a gzip file may expand to: 100 times its compressed size
/// and at least 1 GiB. Interchange NDJSON compresses 5 to 15 times; a file that expands
/// far more is a decompression bomb, and stops with a file error naming the line it
/// reached.
pub fn default_max_decompressed(compressed: u64) -> u64 {
    compressed.saturating_mul(100).max(1 << 30)
}

/// Stops a decompressed stream past `max` bytes.
struct Bounded<R> {
    inner: R,
    read: u64,
    max: u64,
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        // Hand out what is left under the limit, then refuse: every line before the limit
        // is read, and the error names the line it cuts.
        let left = self.max.saturating_sub(self.read);
        if left == 0 && !buf.is_empty() {
            let mut probe = [0u8; 1];
            if self.inner.read(&mut probe)? == 0 {
                return Ok(0);
            }
            return Err(io::Error::other(format!(
                "the file decompresses to more than {} bytes: stopped as a likely decompression bomb \
                 (raise the limit with --max-decompressed-bytes)",
                self.max
            )));
        }
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        self.read += n as u64;
        Ok(n)
    }
}

/// The bytes of an interchange file as an import reads them: gzip (recognised by its
/// magic bytes) is decompressed, to at most `max_decompressed` bytes (`None`:
/// [`default_max_decompressed`] of `compressed_size`); past that bound reading fails with
/// an error naming it. Anything else is passed through.
pub fn input_stream(
    input: impl Read + Send + 'static,
    compressed_size: u64,
    max_decompressed: Option<u64>,
) -> io::Result<Box<dyn BufRead + Send>> {
    let mut reader = BufReader::with_capacity(1 << 20, input);
    if reader.fill_buf()?.starts_with(&[0x1f, 0x8b]) {
        let max = max_decompressed.unwrap_or_else(|| default_max_decompressed(compressed_size));
        let decoder = Bounded { inner: flate2::bufread::MultiGzDecoder::new(reader), read: 0, max };
        Ok(Box::new(BufReader::with_capacity(1 << 20, decoder)))
    } else {
        Ok(Box::new(reader))
    }
}
