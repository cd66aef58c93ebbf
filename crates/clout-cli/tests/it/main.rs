//! Black-box tests of the `clout` binary: each runs the real executable in its own
//! temporary directory, ripgrep style.
//!
//! - `util`: the `Dir` + command helpers.
//! - `answers`: saved API answers of the platforms imported without conversion.
//! - `import`: exit codes, the JSON summary, rejects, the writer lock.
//! - `maps`: `clout import --map`, other tools' CSV exports.
//! - `migrate`: `clout migrate-store` into PostgreSQL.
//! - `channels`: `channels` and `show`, JSON fields and reasons, tables.
//! - `demo`: the generator's determinism and `clout demo` end to end.
//! - `crash`: SIGKILL in the middle of an import.
//! - `fetch`, `fetch_youtube`, `fetch_instagram`: `clout fetch` and `clout discover` against
//!   local replays of the platforms' APIs (Bluesky, YouTube, Instagram).
//! - `pictures`: profile pictures kept by a fetch and served by the web app.
//! - `search`: the Directory search from the command line.
//! - `quality`: the audience-quality score.
//! - `plan`: prices, deals and the budget planner.
//! - `campaign`: a campaign from plan to report, creators' contacts and notes.
//! - `server`: a real `clout serve` on port 0 and an HTTP client for it.
//! - `cdp`, `browser`, `tour`: headless Chromium over the DevTools protocol, driving the web
//!   app; `tour` visits every page at desktop and phone width and checks its formatting.
//! - `api`: the JSON API, endpoint by endpoint.
//! - `accounts`: passwords, sign-in limits, account management and API tokens (API and CLI).
//! - `security`: host names (DNS rebinding), the setup code, security headers, no server paths.
//! - `sources`: the Sources page fetching and discovering in the background.
//! - `tidy`: repository rules (dependency direction, file headers, docs that name only
//!   files of the repository).

// Test helpers may fail loudly: a panic is how a test reports a broken setup.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accounts;
mod answers;
mod api;
mod brief;
mod browser;
mod campaign;
mod cdp;
mod channels;
mod crash;
mod demo;
mod fetch;
mod fetch_instagram;
mod fetch_youtube;
mod hostile;
mod import;
mod maps;
mod migrate;
mod overlap;
mod pictures;
mod plan;
mod posts;
mod quality;
mod safety;
mod search;
mod security;
mod server;
mod sources;
mod tidy;
mod tour;
mod util;
