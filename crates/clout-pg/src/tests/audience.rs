//! The channel interface's contract on both backends (see the parent module): follower samples and comments, and what a recompute reads (`audience.rs`, `inputs.rs`).

#![allow(unused_imports)]

use super::{Backend, backends, t};
