//! Bluesky's AppView: public, unauthenticated `app.bsky.*` queries (XRPC over HTTPS).
//!
//! The public host allows about 3,000 requests per 5 minutes per address and says so in
//! `RateLimit-*` headers, which the [`Client`] honours. Each method is one request; the
//! callers page with the cursor an answer returns.

use crate::http::{Answer, Client, FetchError};

/// The public AppView.
pub const DEFAULT_BASE: &str = "https://public.api.bsky.app";
/// The environment variable that points the connector at another host.
pub const ENV_BASE: &str = "CLOUT_BLUESKY_API";
/// Actors per `getProfiles` request (the lexicon's maximum).
pub const PROFILES_PER_REQUEST: usize = 25;
/// Where Bluesky's AppView serves profile pictures (`avatar` URLs).
pub const PICTURE_HOSTS: &[&str] = &["cdn.bsky.app"];
/// Items per page of a feed or a list (the lexicons' maximum).
pub const PAGE: u32 = 100;

/// The queries Clout sends.
pub struct Bluesky {
    pub http: Client,
}

fn xrpc(method: &str) -> String {
    format!("/xrpc/{method}")
}

impl Bluesky {
    pub fn new(http: Client) -> Bluesky {
        Bluesky { http }
    }

    /// The URL of a method, for provenance (no query).
    pub fn method_url(&self, method: &str) -> String {
        self.http.endpoint_url(&xrpc(method))
    }

    /// `app.bsky.actor.getProfiles` for up to 25 handles or DIDs; unknown ones are left
    /// out of the answer.
    pub fn profiles(&mut self, actors: &[String]) -> Result<Answer, FetchError> {
        let query: Vec<(&str, String)> = actors.iter().map(|a| ("actors", a.clone())).collect();
        self.http.get_json(&xrpc("app.bsky.actor.getProfiles"), &query)
    }

    /// One page of `app.bsky.feed.getAuthorFeed`: the account's posts and reposts, newest
    /// first (`posts_with_replies` or `posts_no_replies`), at most `limit` (1 to 100) items.
    pub fn author_feed(
        &mut self,
        actor: &str,
        cursor: Option<&str>,
        replies: bool,
        limit: u32,
    ) -> Result<Answer, FetchError> {
        let filter = if replies { "posts_with_replies" } else { "posts_no_replies" };
        let limit = limit.clamp(1, PAGE).to_string();
        let mut query = vec![("actor", actor.to_string()), ("limit", limit), ("filter", filter.to_string())];
        if let Some(c) = cursor {
            query.push(("cursor", c.to_string()));
        }
        self.http.get_json(&xrpc("app.bsky.feed.getAuthorFeed"), &query)
    }

    /// `app.bsky.feed.getPostThread` with the direct replies only (`depth` 1, no parents).
    pub fn post_thread(&mut self, uri: &str) -> Result<Answer, FetchError> {
        let query = [("uri", uri.to_string()), ("depth", "1".to_string()), ("parentHeight", "0".to_string())];
        self.http.get_json(&xrpc("app.bsky.feed.getPostThread"), &query)
    }

    /// One page of `app.bsky.graph.getFollowers` (newest followers first).
    pub fn followers(&mut self, actor: &str, cursor: Option<&str>) -> Result<Answer, FetchError> {
        self.list("app.bsky.graph.getFollowers", "actor", actor, cursor)
    }

    /// One page of `app.bsky.graph.getFollows`: the accounts `actor` follows.
    pub fn follows(&mut self, actor: &str, cursor: Option<&str>) -> Result<Answer, FetchError> {
        self.list("app.bsky.graph.getFollows", "actor", actor, cursor)
    }

    /// One page of `app.bsky.actor.searchActors` for words `q`.
    pub fn search_actors(&mut self, q: &str, cursor: Option<&str>) -> Result<Answer, FetchError> {
        self.list("app.bsky.actor.searchActors", "q", q, cursor)
    }

    fn list(
        &mut self,
        method: &str,
        key: &'static str,
        value: &str,
        cursor: Option<&str>,
    ) -> Result<Answer, FetchError> {
        let mut query = vec![(key, value.to_string()), ("limit", PAGE.to_string())];
        if let Some(c) = cursor {
            query.push(("cursor", c.to_string()));
        }
        self.http.get_json(&xrpc(method), &query)
    }
}
