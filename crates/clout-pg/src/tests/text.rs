//! The channel interface's contract on both backends (see the parent module): text search (`text.rs`).

#![allow(unused_imports)]

use super::{Backend, backends, t};
