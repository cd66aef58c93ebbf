//! An account's checkpoint: which step of its fetch it is in, and where within it. Shared
//! by the connectors, which all read a profile, then posts page by page (newest first),
//! then on request comments and followers.

use clout_core::{PostObservation, Timestamp};
use serde::{Deserialize, Serialize};

use super::FetchOptions;

/// The engagement window of `docs/metrics.md`: posts this recent get fresh counts.
pub(crate) const WINDOW_DAYS: i64 = 30;
/// The engagement window's minimum number of posts.
pub(crate) const MIN_POSTS: u64 = 12;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Phase {
    Feed,
    Comments,
    Followers,
    Done,
}

/// An account's checkpoint.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct State {
    pub(crate) phase: Phase,
    pub(crate) cursor: Option<String>,
    pub(crate) posts_read: u64,
    /// Paging stops at a post older than this (Unix seconds) once `min_posts` are read.
    pub(crate) cutoff: i64,
    pub(crate) min_posts: u64,
    /// Posts whose replies are still to read (the connector's key: an AT URI, a video id).
    pub(crate) threads: Vec<String>,
    pub(crate) followers_read: u64,
    /// The newest post read, for the next incremental fetch.
    pub(crate) newest_post: Option<i64>,
    pub(crate) completed_at: Option<i64>,
    pub(crate) incremental: bool,
    /// The channel's handle when last fetched (the target may be an id), to show.
    #[serde(default)]
    pub(crate) handle: Option<String>,
}

/// The state a fetch of an account starts from: its checkpoint when an earlier fetch did
/// not finish, else a new one (incremental when an earlier fetch completed).
pub(crate) fn start_state(previous: Option<State>, now: Timestamp, options: &FetchOptions) -> (State, bool) {
    match previous {
        Some(s) if s.phase != Phase::Done => (s, true),
        previous => {
            let newest = previous.as_ref().and_then(|p| p.newest_post);
            let window = now.minus_days(WINDOW_DAYS).unix();
            let (cutoff, min_posts, incremental) = match newest {
                Some(newest) => (newest.min(window), 0, true),
                None => (now.minus_days(options.since_days).unix(), MIN_POSTS, false),
            };
            let state = State {
                phase: Phase::Feed,
                cursor: None,
                posts_read: 0,
                cutoff,
                min_posts,
                threads: Vec::new(),
                followers_read: 0,
                newest_post: newest,
                completed_at: None,
                incremental,
                handle: None,
            };
            (state, false)
        }
    }
}

pub(crate) fn next_phase(after: Phase, options: &FetchOptions, state: &State) -> Phase {
    let order = [Phase::Feed, Phase::Comments, Phase::Followers, Phase::Done];
    let from = order.iter().position(|p| *p == after).map_or(3, |p| p + 1);
    order[from..]
        .iter()
        .copied()
        .find(|p| match p {
            Phase::Comments => options.comments && !state.threads.is_empty(),
            Phase::Followers => options.followers_sample > state.followers_read,
            _ => true,
        })
        .unwrap_or(Phase::Done)
}

impl State {
    /// Takes in one page of posts (newest first) whose answer held `cursor` and was read
    /// at `fetched_at`; `comment_key` names a post whose replies are to be read. Moves to
    /// the next step when the page ends the posts: no cursor (the caller passes none for
    /// an empty page), enough posts, or posts older than the cutoff once the minimum is read.
    pub(crate) fn take_posts(
        &mut self,
        posts: &[PostObservation],
        cursor: Option<String>,
        options: &FetchOptions,
        fetched_at: Timestamp,
        comment_key: impl Fn(&PostObservation) -> String,
    ) {
        let oldest = posts.iter().map(|p| p.published_at.unix()).min();
        self.posts_read += posts.len() as u64;
        self.newest_post = self.newest_post.max(posts.iter().map(|p| p.published_at.unix()).max());
        if options.comments {
            let window = fetched_at.minus_days(WINDOW_DAYS).unix();
            for p in posts {
                if p.comments.unwrap_or(0) > 0 && p.published_at.unix() > window {
                    self.threads.push(comment_key(p));
                }
            }
        }
        let reached = oldest.is_some_and(|o| o < self.cutoff) && self.posts_read >= self.min_posts;
        let done = cursor.is_none() || self.posts_read >= options.max_posts || reached;
        self.cursor = if done { None } else { cursor };
        if done {
            self.phase = next_phase(Phase::Feed, options, self);
        }
    }
}
