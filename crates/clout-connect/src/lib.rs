//! Clients of the platforms' public APIs, for `clout fetch` and `clout discover`.
//!
//! This crate speaks HTTP and nothing else: it sends requests, honours rate limits and
//! retries, and hands back the answers' JSON with the time each was read. Mapping an
//! answer onto records is `clout_import::api`'s; keeping them, with checkpoints so that a
//! killed fetch resumes, is `clout_app::fetch`'s.
//!
//! - `http`: one [`Client`] per API host: the User-Agent, retries with backoff that honour
//!   `Retry-After` and the rate-limit headers, the secrets every request carries (never in
//!   an error), and counts of requests and time spent waiting.
//! - `bluesky`: the AppView's `app.bsky.*` queries.
//! - `youtube`: the Data API v3, with quota units counted.
//! - `instagram`: the Graph API's business discovery.
//! - `picture`: profile pictures, from the platforms' own image hosts only.

pub mod bluesky;
mod http;
pub mod instagram;
pub mod picture;
pub mod youtube;

pub use http::{Answer, Client, ClientConfig, FetchError, Stats};

/// The User-Agent every connector sends.
pub const USER_AGENT: &str = concat!("clout/", env!("CARGO_PKG_VERSION"), " (self-hosted influencer discovery)");
