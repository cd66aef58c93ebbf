//! `clout fetch --json` and `clout discover --json`: what a fetch from a platform's API did.

use serde::Serialize;
use utoipa::ToSchema;

/// One account of a fetch.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FetchedAccount {
    /// As asked: a handle, a DID or a profile URL.
    pub target: String,
    /// The channel's handle, once known.
    pub handle: Option<String>,
    /// `done`, `not_found`, `outside_range`, `failed` or `not_reached`.
    pub status: String,
    /// Continued from the checkpoint of a fetch that did not finish.
    pub resumed: bool,
    /// Only new posts and the engagement window were read (an earlier fetch completed).
    pub incremental: bool,
    pub followers: Option<u64>,
    pub posts: u64,
    pub comments: u64,
    pub follower_samples: u64,
    /// Items that are not the account's own records (reposts of others' posts).
    pub skipped: u64,
    pub rejected: u64,
    pub error: Option<String>,
}

/// What a fetch did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FetchReport {
    /// The import run the fetch wrote (`clout status` lists it).
    pub run: i64,
    /// The accounts found by a discovery (absent for a fetch).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discovered: Option<usize>,
    pub accounts: Vec<FetchedAccount>,
    pub accepted: u64,
    pub rejected: u64,
    /// Requests sent, retries included.
    pub requests: u64,
    pub retries: u64,
    /// Seconds spent waiting on rate limits and backoff.
    pub waited_seconds: f64,
    /// Why the fetch stopped before its end, if it did.
    pub stopped: Option<String>,
    pub rejects_file: Option<String>,
    /// Quota units Clout counted as used today, for an API that has a daily quota (YouTube).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quota_used: Option<u64>,
    /// Quota units left today under the budget given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quota_left: Option<u64>,
    /// Profile pictures downloaded into the data directory.
    pub pictures_downloaded: u64,
    /// Profile pictures unchanged since they were downloaded (not downloaded again).
    pub pictures_unchanged: u64,
    /// Profile pictures the source named that could not be had (gone, not an image, or
    /// not on the platform's own image hosts).
    pub pictures_failed: u64,
}

impl FetchReport {
    pub fn from(s: &clout_app::FetchSummary, discovered: Option<usize>) -> FetchReport {
        FetchReport {
            run: s.run,
            discovered,
            accounts: s
                .accounts
                .iter()
                .map(|a| FetchedAccount {
                    target: a.target.clone(),
                    handle: a.handle.clone(),
                    status: a.status.as_str().to_string(),
                    resumed: a.resumed,
                    incremental: a.incremental,
                    followers: a.followers,
                    posts: a.posts,
                    comments: a.comments,
                    follower_samples: a.follower_samples,
                    skipped: a.skipped,
                    rejected: a.rejected,
                    error: a.error.clone(),
                })
                .collect(),
            accepted: s.accepted,
            rejected: s.rejected,
            requests: s.requests,
            retries: s.retries,
            waited_seconds: (s.waited_seconds * 10.0).round() / 10.0,
            stopped: s.stopped.clone(),
            rejects_file: s.rejects_file.as_ref().map(|p| p.display().to_string()),
            quota_used: s.quota.map(|(used, _)| used),
            quota_left: s.quota.map(|(used, budget)| budget.saturating_sub(used)),
            pictures_downloaded: s.pictures.downloaded,
            pictures_unchanged: s.pictures.kept,
            pictures_failed: s.pictures.failed,
        }
    }
}
