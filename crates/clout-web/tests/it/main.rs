//! The web app in process: each test starts a `clout_web::Server` on port 0 over a data
//! directory of its own (written with `clout_app`, not the `clout` binary) and speaks
//! HTTP to it, then shuts it down.
//!
//! - `support`: the data directory, the server and an HTTP client.
//! - `status`: what the status endpoint answers.
//! - `params`: malformed query parameters are 400s with a machine-readable code.
//! - `headers`: every way of rendering a page sends the security headers.
//! - `stale`: every page says when another process's import makes its numbers stale.
//! - `nodes`: two servers on one store share the setup, sessions, tokens, the sign-in
//!   limiter and every write.
//! - `shutdown`: shutting down answers the requests in flight and frees the data directory.
//! - `modules`: the crate's modules depend one way (the base under the API and the pages).
//! - `warnings`: the Directory flags a rate above 100 % and a mean a few posts carry; labels,
//!   tiers and quality components read as words.

// Test helpers may fail loudly: a panic is how a test reports a broken setup.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod headers;
mod modules;
mod nodes;
mod params;
mod shutdown;
mod stale;
mod status;
mod support;
mod warnings;
