//! The channel interface's contract on both backends (see the parent module): derived writes: metrics, scores, growth, summaries, verdicts, labels and searchable text (`metrics.rs`, `niches.rs`).

#![allow(unused_imports)]

use super::{Backend, backends, t};
