//! The base the JSON API (`crate::api`) and the pages (`crate::pages`) both stand on:
//! the shared state, errors and their codes, parameters, sign-in, the security layers, the
//! one page renderer and the templates, and what both families of handlers serve alike
//! (import runs, downloads). Dependencies go one way: `api` and `pages` use the base and
//! never each other, and nothing here uses either.
//!
//! The base's own modules form no circle either; each uses only modules of lower layers:
//! 0. `dates`, `errors`, `hosts`, `paths`, `uploads`, `use_cases`;
//! 1. `state`, `params`;
//! 2. `templates`, `auth`;
//! 3. `render`, `imports`;
//! 4. `security`, `layers`, `downloads`.
//!
//! (`tests/it/modules.rs` checks all of this.)

pub(crate) mod auth;
pub(crate) mod dates;
pub(crate) mod downloads;
pub(crate) mod errors;
pub(crate) mod hosts;
pub(crate) mod imports;
pub(crate) mod jobs;
pub(crate) mod layers;
pub(crate) mod params;
pub(crate) mod paths;
pub(crate) mod render;
pub(crate) mod security;
pub(crate) mod state;
pub(crate) mod templates;
pub(crate) mod uploads;
pub(crate) mod use_cases;
