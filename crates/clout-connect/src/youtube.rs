//! YouTube Data API v3 with the user's API key, counting quota units.
//!
//! Every list call costs 1 unit and `search.list` 100; a project has 10,000 a day by
//! default, reset at midnight Pacific time. [`Youtube`] refuses a call that would go past
//! its budget ([`FetchError::Quota`]) instead of letting the API refuse it, so a fetch
//! stops cleanly and says how much is left.

use crate::http::{Answer, Client, FetchError};

/// Where YouTube serves channel pictures (`snippet.thumbnails` URLs): these hosts only,
/// not every host of their domains.
pub const PICTURE_HOSTS: &[&str] = &["yt3.ggpht.com", "yt3.googleusercontent.com", "i.ytimg.com"];
/// The API's host.
pub const DEFAULT_BASE: &str = "https://www.googleapis.com";
/// The environment variable that points the connector at another host.
pub const ENV_BASE: &str = "CLOUT_YOUTUBE_API";
/// The environment variable holding the API key.
pub const ENV_KEY: &str = "CLOUT_YOUTUBE_API_KEY";
/// A project's daily quota unless Google granted more.
pub const DEFAULT_DAILY_QUOTA: u64 = 10_000;
/// Ids per `channels.list` or `videos.list` call, and items per page.
pub const PAGE: usize = 50;
/// Units of one `search.list` call.
pub const SEARCH_COST: u64 = 100;

/// The calls Clout makes, and the units they used.
pub struct Youtube {
    pub http: Client,
    /// Units used today before this fetch (as counted by Clout) plus those since.
    pub used: u64,
    /// The units Clout may use today.
    pub budget: u64,
}

impl Youtube {
    pub fn new(http: Client, used: u64, budget: u64) -> Youtube {
        Youtube { http, used, budget }
    }

    /// The URL of a method, for provenance (no key).
    pub fn method_url(&self, method: &str) -> String {
        self.http.endpoint_url(&format!("/youtube/v3/{method}"))
    }

    fn call(&mut self, method: &str, cost: u64, query: &[(&str, String)]) -> Result<Answer, FetchError> {
        if self.used + cost > self.budget {
            return Err(FetchError::Quota {
                endpoint: format!("youtube/v3/{method}"),
                used: self.used,
                budget: self.budget,
            });
        }
        // A call the API answered, even with an error, has used its units.
        let answer = self.http.get_json(&format!("/youtube/v3/{method}"), query);
        if !matches!(answer, Err(FetchError::Unavailable { .. })) {
            self.used += cost;
        }
        answer
    }

    /// `channels.list` by ids (up to 50, one call).
    pub fn channels_by_id(&mut self, ids: &[String]) -> Result<Answer, FetchError> {
        let query = [
            ("part", "snippet,statistics,contentDetails".to_string()),
            ("id", ids.join(",")),
            ("maxResults", PAGE.to_string()),
        ];
        self.call("channels", 1, &query)
    }

    /// `channels.list` for one handle (`forHandle`, with or without `@`).
    pub fn channel_by_handle(&mut self, handle: &str) -> Result<Answer, FetchError> {
        let query = [("part", "snippet,statistics,contentDetails".to_string()), ("forHandle", handle.to_string())];
        self.call("channels", 1, &query)
    }

    /// One page of the uploads playlist (`playlistItems.list`), newest first.
    pub fn uploads(&mut self, playlist: &str, page_token: Option<&str>, max: usize) -> Result<Answer, FetchError> {
        let mut query = vec![
            ("part", "contentDetails".to_string()),
            ("playlistId", playlist.to_string()),
            ("maxResults", max.clamp(1, PAGE).to_string()),
        ];
        if let Some(t) = page_token {
            query.push(("pageToken", t.to_string()));
        }
        self.call("playlistItems", 1, &query)
    }

    /// `videos.list` for up to 50 ids.
    pub fn videos(&mut self, ids: &[String]) -> Result<Answer, FetchError> {
        let query = [
            ("part", "snippet,statistics,contentDetails".to_string()),
            ("id", ids.join(",")),
            ("maxResults", PAGE.to_string()),
        ];
        self.call("videos", 1, &query)
    }

    /// The first page of a video's top-level comments (`commentThreads.list`, up to 100).
    pub fn comment_threads(&mut self, video: &str) -> Result<Answer, FetchError> {
        let query = [
            ("part", "snippet".to_string()),
            ("videoId", video.to_string()),
            ("maxResults", "100".to_string()),
            ("textFormat", "plainText".to_string()),
        ];
        self.call("commentThreads", 1, &query)
    }

    /// One page of channels matching `q` (`search.list`, 100 units).
    pub fn search_channels(&mut self, q: &str, page_token: Option<&str>) -> Result<Answer, FetchError> {
        let mut query = vec![
            ("part", "snippet".to_string()),
            ("type", "channel".to_string()),
            ("q", q.to_string()),
            ("maxResults", PAGE.to_string()),
        ];
        if let Some(t) = page_token {
            query.push(("pageToken", t.to_string()));
        }
        self.call("search", SEARCH_COST, &query)
    }
}
