//! Reading saved API answers from a file, as an import does.
//!
//! `clout import` recognises an answer by its content ([`sniff`]): a file that starts
//! with an interchange record is NDJSON as ever; a file whose lines are answers (`curl`
//! output appended line by line) is read line by line ([`read_answer_lines`]); a file
//! that is one pretty-printed answer is read whole, up to [`MAX_DOCUMENT_BYTES`]
//! ([`read_answer_document`]). Each answer's items become records through the same
//! mapping as a live fetch, then the NDJSON parser; each record's row carries the line
//! its answer starts on, and a reject names the item by its JSON pointer.

use std::collections::HashMap;
use std::io::{BufRead, Read};

use serde_json::Value;

use super::{Answer, Mapped, Outcome};
use crate::{FieldIssue, FileFault, Limits, Row};

/// The largest answer read whole (a pretty-printed file): 64 MiB.
pub const MAX_DOCUMENT_BYTES: u64 = 64 << 20;

/// What the start of a JSON input holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniff {
    /// Interchange NDJSON (or anything else: the NDJSON reader says what is wrong).
    Interchange,
    /// One API answer per line.
    AnswerLines,
    /// A first line that is not JSON on its own: perhaps one pretty-printed answer.
    Document,
}

/// Decides from the first bytes of an input.
pub fn sniff(head: &[u8]) -> Sniff {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let Some(first) = head.split(|b| *b == b'\n').map(|l| l.trim_ascii()).find(|l| !l.is_empty()) else {
        return Sniff::Interchange;
    };
    if first.first() != Some(&b'{') {
        return Sniff::Interchange;
    }
    match serde_json::from_slice::<Value>(first) {
        Ok(v) if super::recognise(&v).is_some() => Sniff::AnswerLines,
        Ok(_) => Sniff::Interchange,
        // A line cut short (the head ends mid-line, or the JSON spans lines).
        Err(e) if e.is_eof() => Sniff::Document,
        Err(_) => Sniff::Interchange,
    }
}

/// What earlier answers of an import taught about later ones: a YouTube `videos.list`
/// answer names its channel by id, which a `channels.list` answer read before maps to a
/// handle.
#[derive(Debug, Default, Clone)]
pub struct Context {
    youtube_handles: HashMap<String, String>,
}

impl Context {
    /// Maps one recognised answer, learning from it first.
    pub fn map(&mut self, answer: Answer, doc: &Value, observed_at: &str) -> Vec<Mapped> {
        match answer {
            Answer::YoutubeChannels => {
                for c in doc["items"].as_array().into_iter().flatten() {
                    if let (Some(id), Some(handle)) = (c["id"].as_str(), super::youtube::handle_of(c)) {
                        self.youtube_handles.insert(id.to_string(), handle);
                    }
                }
                super::map(answer, doc, observed_at)
            }
            Answer::YoutubeVideos | Answer::YoutubeCommentThreads => {
                let channel = doc["items"][0]["snippet"]["channelId"].as_str();
                let handle = channel.and_then(|c| self.youtube_handles.get(c)).cloned();
                match answer {
                    Answer::YoutubeVideos => super::youtube::videos(doc, handle.as_deref(), observed_at),
                    _ => super::youtube::comment_threads(doc, handle.as_deref()),
                }
            }
            _ => super::map(answer, doc, observed_at),
        }
    }
}

/// Hands each mapped item of one answer to `each` as a row of `line`; `false` when `each`
/// asked to stop.
fn emit(mapped: &[Mapped], line: u64, offset: u64, limits: &Limits, each: &mut dyn FnMut(Row<'_>) -> bool) -> bool {
    for m in mapped {
        if let Outcome::Skipped(_) = m.outcome {
            continue;
        }
        let Some((raw, parsed)) = m.parse(limits) else { continue };
        let parsed = parsed.map_err(|issues| {
            issues
                .into_iter()
                .map(|i| FieldIssue { field: i.field, reason: format!("item {} of the answer: {}", m.at, i.reason) })
                .collect()
        });
        if !each(Row { line, offset, raw: &raw, complete: true, parsed }) {
            return false;
        }
    }
    true
}

fn not_an_answer(line: u64, offset: u64, raw: &[u8], reason: String, each: &mut dyn FnMut(Row<'_>) -> bool) -> bool {
    each(Row { line, offset, raw, complete: true, parsed: Err(vec![FieldIssue::record(reason)]) })
}

/// Reads an input of one answer per line; every line is one answer, or one reject.
pub fn read_answer_lines(
    mut input: impl BufRead,
    limits: &Limits,
    observed_at: &str,
    context: &mut Context,
    each: &mut dyn FnMut(Row<'_>) -> bool,
) -> Option<FileFault> {
    let (mut number, mut offset) = (0u64, 0u64);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        number += 1;
        // A line is read up to the limit and one byte more, to know it is over.
        let read = (&mut input).take(limits.max_line_bytes as u64 + 1).read_until(b'\n', &mut buf);
        let n = match read {
            Ok(0) => return None,
            Ok(n) => n as u64,
            Err(e) => return Some(FileFault { line: number, offset, message: e.to_string() }),
        };
        if buf.last() != Some(&b'\n') && buf.len() > limits.max_line_bytes {
            // Over the limit: skip to the end of the line, and reject it by its length.
            let mut skipped = n;
            let mut rest = Vec::new();
            loop {
                rest.clear();
                match (&mut input).take(1 << 16).read_until(b'\n', &mut rest) {
                    Ok(0) => break,
                    Ok(k) => {
                        skipped += k as u64;
                        if rest.last() == Some(&b'\n') {
                            break;
                        }
                    }
                    Err(e) => return Some(FileFault { line: number, offset, message: e.to_string() }),
                }
            }
            let reason = format!("the line is {skipped} bytes long, over the limit of {}", limits.max_line_bytes);
            let prefix = buf[..buf.len().min(256)].to_vec();
            if !each(Row {
                line: number,
                offset,
                raw: &prefix,
                complete: false,
                parsed: Err(vec![FieldIssue::record(reason)]),
            }) {
                return None;
            }
            offset += skipped;
            continue;
        }
        let line = buf.strip_suffix(b"\n").unwrap_or(&buf);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let here = offset;
        offset += n;
        if line.trim_ascii().is_empty() {
            continue;
        }
        let go_on = match serde_json::from_slice::<Value>(line) {
            Ok(doc) => match super::recognise(&doc) {
                Some(answer) => emit(&context.map(answer, &doc, observed_at), number, here, limits, each),
                None => not_an_answer(
                    number,
                    here,
                    line,
                    "not an API answer Clout recognises (the file's first line is one)".into(),
                    each,
                ),
            },
            Err(e) => not_an_answer(number, here, line, format!("invalid JSON: {e}"), each),
        };
        if !go_on {
            return None;
        }
    }
}

/// Reads an input that may be one pretty-printed answer: `Ok(None)` when it was (every
/// item handed to `each`); `Ok(Some(bytes))` when it is not an answer, with the bytes
/// consumed from `input` (at most [`MAX_DOCUMENT_BYTES`] and one), for the NDJSON reader
/// to read before the rest of `input`.
pub fn read_answer_document(
    input: &mut dyn BufRead,
    limits: &Limits,
    observed_at: &str,
    context: &mut Context,
    each: &mut dyn FnMut(Row<'_>) -> bool,
) -> Result<Option<Vec<u8>>, FileFault> {
    let mut bytes = Vec::new();
    if let Err(e) = input.take(MAX_DOCUMENT_BYTES + 1).read_to_end(&mut bytes) {
        return Err(FileFault { line: 1, offset: 0, message: e.to_string() });
    }
    if bytes.len() as u64 > MAX_DOCUMENT_BYTES {
        return Ok(Some(bytes));
    }
    let Ok(doc) = serde_json::from_slice::<Value>(&bytes) else { return Ok(Some(bytes)) };
    let Some(answer) = super::recognise(&doc) else { return Ok(Some(bytes)) };
    emit(&context.map(answer, &doc, observed_at), 1, 0, limits, each);
    Ok(None)
}
