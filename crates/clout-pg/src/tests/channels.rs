//! The channel interface's contract on both backends (see the parent module): channels as read, the derived-state phase, fits and peer groups (`channels.rs`).

#![allow(unused_imports)]

use super::{Backend, backends, t};
