//! Fetching Instagram business and creator accounts through the Graph API's business
//! discovery, with the user's token and their own account's id.
//!
//! For each username: one call reads the profile and the newest page of media; the next
//! pages follow the media cursor. The checkpoint, keyed by the username, holds the cursor.
//! Business discovery reads neither comments nor followers of other accounts.

use clout_connect::FetchError;
use clout_connect::instagram::{Instagram, PAGE};
use clout_core::{Record, Timestamp};
use clout_import::api::Outcome;
use clout_import::api::instagram as map;
use clout_store::Checkpoint;

use super::state::{Phase, State, start_state};
use super::{AccountStatus, FetchOptions, FetchProgress, FetchSummary, PageWriter, answer_reject, rfc3339};
use crate::{App, Result};

const CONNECTOR: &str = "instagram";

/// A username, `@name` or profile URL, as business discovery's username.
pub(crate) fn username_of(raw: &str) -> String {
    let t = raw.trim();
    let t = t.strip_prefix("https://").or_else(|| t.strip_prefix("http://")).unwrap_or(t);
    let t = t.strip_prefix("www.").unwrap_or(t);
    let t = t.strip_prefix("instagram.com/").unwrap_or(t);
    t.split(['/', '?']).next().unwrap_or(t).trim_start_matches('@').to_lowercase()
}

/// Graph API errors for an account business discovery cannot read: not found, or not a
/// business or creator account (error 110, subcode 2207013; or code 100).
fn not_found(e: &FetchError) -> bool {
    matches!(e, FetchError::Api { status: 400 | 404, message, .. }
        if message.contains("cannot be found") || message.contains("does not exist") || message.contains("Invalid user"))
}

impl App {
    /// Fetches Instagram accounts by username, then recomputes.
    pub fn fetch_instagram(
        &mut self,
        api: &mut Instagram,
        targets: &[String],
        options: &FetchOptions,
        progress: &mut dyn FetchProgress,
    ) -> Result<FetchSummary> {
        let users: Vec<String> = targets.iter().map(|t| username_of(t)).collect();
        let names: Vec<String> = users.iter().map(|u| format!("instagram:{u}")).collect();
        let options = &FetchOptions { comments: false, followers_sample: 0, ..options.clone() };
        let go = |pages: &mut PageWriter<'_, '_>, progress: &mut dyn FetchProgress| -> Result<()> {
            for (index, user) in users.iter().enumerate() {
                if let Some(stop) = fetch_user(api, pages, index, user, options, progress)? {
                    pages.summary.stopped = Some(stop);
                    break;
                }
            }
            Ok(())
        };
        let mut summary = self.fetch_run("instagram", targets, &names, options, progress, go)?;
        if options.pictures {
            let hosts = clout_connect::instagram::PICTURE_HOSTS;
            self.keep_pictures(&mut api.http, clout_core::Platform::Instagram, hosts, &mut summary)?;
        }
        summary.finish_stats(api.http.stats());
        Ok(summary)
    }
}

fn fetch_user(
    api: &mut Instagram,
    pages: &mut PageWriter<'_, '_>,
    index: usize,
    user: &str,
    options: &FetchOptions,
    progress: &mut dyn FetchProgress,
) -> Result<Option<String>> {
    let previous = pages.writer.checkpoint(CONNECTOR, user)?.and_then(|c| serde_json::from_str::<State>(&c.state).ok());
    let (mut state, resumed) = start_state(previous, (options.clock)(), options);
    state.handle = Some(user.to_string());
    pages.summary.accounts[index].resumed = resumed;
    pages.summary.accounts[index].incremental = state.incremental;
    let url = api.method_url();
    // The profile comes with every page: it is kept from the first page of this fetch.
    let mut first = true;
    while state.phase == Phase::Feed {
        let left = options.max_posts.saturating_sub(state.posts_read).min(u64::from(PAGE)) as u32;
        let answer = match api.business_discovery(user, state.cursor.as_deref(), left) {
            Ok(a) => a,
            Err(e) => {
                let a = &mut pages.summary.accounts[index];
                if not_found(&e) && first {
                    a.status = AccountStatus::NotFound;
                    a.error = Some(format!(
                        "no Instagram business or creator account is {user} (business discovery reads only those)"
                    ));
                    return Ok(None);
                }
                let extra: Vec<_> = answer_reject(&url, &e).into_iter().collect();
                a.rejected += extra.len() as u64;
                a.status = AccountStatus::Failed;
                a.error = Some(e.to_string());
                pages.write(&url, &[], extra, &[checkpoint(user, &state, (options.clock)())])?;
                let stop = matches!(e, FetchError::RateLimited { .. }) || matches!(e, FetchError::Unavailable { .. });
                return Ok(stop.then(|| e.to_string()));
            }
        };
        let mapped = map::business_discovery(&answer.json, &rfc3339(answer.fetched_at), first);
        if first {
            let b = &answer.json["business_discovery"];
            let a = &mut pages.summary.accounts[index];
            a.handle = b["username"].as_str().map(str::to_lowercase);
            a.followers = b["followers_count"].as_u64();
            a.picture_url = b["profile_picture_url"].as_str().map(str::to_string);
            if let Some(n) = a.followers
                && (n < options.followers_range.0 || n > options.followers_range.1)
            {
                a.status = AccountStatus::OutsideRange;
                return Ok(None);
            }
        }
        let posts: Vec<_> = mapped
            .iter()
            .filter_map(|m| match m.parse(&pages.limits) {
                Some((_, Ok(Record::Post(p)))) => Some(p),
                _ => None,
            })
            .collect();
        let empty = !mapped.iter().any(|m| matches!(&m.outcome, Outcome::Object(o) if o["kind"] == "post"));
        let cursor = map::next_cursor(&answer.json).filter(|_| !empty);
        state.take_posts(&posts, cursor, options, answer.fetched_at, |p| p.post_id.clone());
        let cp = checkpoint(user, &state, answer.fetched_at);
        let (_, counts) = pages.write(&url, &mapped, Vec::new(), &[cp])?;
        let a = &mut pages.summary.accounts[index];
        a.posts += posts.len() as u64;
        a.rejected += counts.rejected;
        first = false;
        progress.step(user, &format!("{} posts read", a.posts));
    }
    state.phase = Phase::Done;
    state.completed_at = Some((options.clock)().unix());
    pages.write(&url, &[], Vec::new(), &[checkpoint(user, &state, (options.clock)())])?;
    pages.summary.accounts[index].status = AccountStatus::Done;
    Ok(None)
}

fn checkpoint(user: &str, state: &State, at: Timestamp) -> Checkpoint {
    Checkpoint {
        connector: CONNECTOR.to_string(),
        target: user.to_string(),
        state: serde_json::to_string(state).unwrap_or_else(|_| "{}".to_string()),
        at,
    }
}
