//! Fetching Bluesky accounts, and discovering them by words or by whom a seed follows.
//!
//! For each account: its profile (`getProfiles`, 25 a request), then its author feed page
//! by page (`getAuthorFeed`, 100 a page, newest first), then with `--comments` the direct
//! replies to its posts of the last 30 days that have any (`getPostThread`), then with
//! `--followers-sample N` its newest N followers (`getFollowers`) with their own counts
//! (`getProfiles`). The checkpoint, keyed by the account's DID (handles change), says
//! which of these steps it is in and the cursor within it.

use clout_connect::FetchError;
use clout_connect::bluesky::{self, Bluesky, PROFILES_PER_REQUEST};
use clout_core::{Platform, Record, Timestamp};
use clout_import::api::bluesky as map;
use clout_store::Checkpoint;
use serde_json::Value;

use super::state::{Phase, State, next_phase, start_state};
use super::{AccountStatus, FetchOptions, FetchProgress, FetchSummary, PageWriter, answer_reject, rfc3339};
use crate::{App, Result};

const CONNECTOR: &str = "bluesky";

/// How to find accounts one does not know yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Discovery {
    /// `app.bsky.actor.searchActors`: accounts whose handle, name or bio match the words.
    Words(String),
    /// `app.bsky.graph.getFollows`: the accounts a seed account follows.
    ViaFollows(String),
}

/// A handle, a DID or a profile URL, as the API's `actor`.
pub(crate) fn actor_of(target: &str) -> String {
    let t = target.trim();
    let t = t.strip_prefix("https://").or_else(|| t.strip_prefix("http://")).unwrap_or(t);
    let t = t.strip_prefix("bsky.app/profile/").unwrap_or(t);
    let t = t.split('/').next().unwrap_or(t).trim_start_matches('@');
    if t.starts_with("did:") { t.to_string() } else { t.to_ascii_lowercase() }
}

impl App {
    /// Fetches Bluesky accounts (handles, DIDs or profile URLs), then recomputes.
    pub fn fetch_bluesky(
        &mut self,
        api: &mut Bluesky,
        targets: &[String],
        options: &FetchOptions,
        progress: &mut dyn FetchProgress,
    ) -> Result<FetchSummary> {
        let names: Vec<String> = targets.iter().map(|t| format!("bluesky:{}", actor_of(t))).collect();
        let go = |pages: &mut PageWriter<'_, '_>, progress: &mut dyn FetchProgress| -> Result<()> {
            // Profiles, 25 a request.
            let actors: Vec<String> = targets.iter().map(|t| actor_of(t)).collect();
            let mut found: Vec<Option<map::Account>> = vec![None; targets.len()];
            for (chunk_no, chunk) in actors.chunks(PROFILES_PER_REQUEST).enumerate() {
                let base = chunk_no * PROFILES_PER_REQUEST;
                let url = api.method_url("app.bsky.actor.getProfiles");
                let answer = match api.profiles(chunk) {
                    Ok(a) => a,
                    Err(e) => {
                        let stop = matches!(e, FetchError::RateLimited { .. });
                        let extra: Vec<_> = answer_reject(&url, &e).into_iter().collect();
                        // Profiles need no checkpoint: a fetch run again reads them again.
                        pages.write(&url, &[], extra, &[])?;
                        for a in &mut pages.summary.accounts[base..base + chunk.len()] {
                            a.status = AccountStatus::Failed;
                            a.error = Some(e.to_string());
                        }
                        if stop {
                            pages.summary.stopped = Some(e.to_string());
                            return Ok(());
                        }
                        continue;
                    }
                };
                let observed = rfc3339(answer.fetched_at);
                let profiles = answer.json.get("profiles").and_then(Value::as_array).cloned().unwrap_or_default();
                let mut mapped = Vec::new();
                for (i, actor) in chunk.iter().enumerate() {
                    let account = &mut pages.summary.accounts[base + i];
                    let profile = profiles.iter().find(|p| {
                        p.get("did").and_then(Value::as_str) == Some(actor.as_str())
                            || p.get("handle").and_then(Value::as_str).map(str::to_ascii_lowercase).as_deref()
                                == Some(actor.as_str())
                    });
                    let Some(profile) = profile else {
                        account.status = AccountStatus::NotFound;
                        account.error = Some(format!("no Bluesky account is {actor}"));
                        continue;
                    };
                    let followers = profile.get("followersCount").and_then(Value::as_u64);
                    account.followers = followers;
                    account.handle = map::handle_of(profile);
                    account.picture_url = profile.get("avatar").and_then(Value::as_str).map(str::to_string);
                    if let Some(n) = followers
                        && (n < options.followers_range.0 || n > options.followers_range.1)
                    {
                        account.status = AccountStatus::OutsideRange;
                        continue;
                    }
                    let m = map::profile(profile, &format!("/profiles/{i}"), &observed);
                    if matches!(m.outcome, clout_import::api::Outcome::Object(_)) {
                        let did = profile.get("did").and_then(Value::as_str).unwrap_or_default().to_string();
                        found[base + i] = account.handle.clone().map(|handle| map::Account { did, handle });
                    } else {
                        account.status = AccountStatus::Failed;
                        account.rejected += 1;
                        account.error = Some("its profile could not be read (see the rejects)".to_string());
                    }
                    mapped.push(m);
                }
                pages.write(&url, &mapped, Vec::new(), &[])?;
            }
            for (i, account) in found.iter().enumerate() {
                let Some(account) = account else { continue };
                if let Some(stop) = fetch_account(api, pages, i, account, options, progress)? {
                    pages.summary.stopped = Some(stop);
                    break;
                }
            }
            Ok(())
        };
        let mut summary = self.fetch_run(CONNECTOR, targets, &names, options, progress, go)?;
        if options.pictures {
            self.keep_pictures(&mut api.http, Platform::Bluesky, clout_connect::bluesky::PICTURE_HOSTS, &mut summary)?;
        }
        summary.finish_stats(api.http.stats());
        Ok(summary)
    }

    /// Finds accounts (`discovery`, at most `limit`), then fetches them as
    /// [`App::fetch_bluesky`] does. Returns the accounts found, in the API's order.
    pub fn discover_bluesky(
        &mut self,
        api: &mut Bluesky,
        discovery: &Discovery,
        limit: usize,
        options: &FetchOptions,
        progress: &mut dyn FetchProgress,
    ) -> Result<(Vec<String>, FetchSummary)> {
        let mut found: Vec<String> = Vec::new();
        let mut cursor: Option<String> = None;
        let (label, key) = match discovery {
            Discovery::Words(q) => (q.clone(), "actors"),
            Discovery::ViaFollows(seed) => (actor_of(seed), "follows"),
        };
        while found.len() < limit {
            let answer = match discovery {
                Discovery::Words(q) => api.search_actors(q, cursor.as_deref()),
                Discovery::ViaFollows(seed) => api.follows(&actor_of(seed), cursor.as_deref()),
            }
            .map_err(|e| crate::Error::Invalid(format!("discovering {label}: {e}")))?;
            let before = found.len();
            for actor in answer.json.get(key).and_then(Value::as_array).into_iter().flatten() {
                if let Some(did) = actor.get("did").and_then(Value::as_str)
                    && !found.iter().any(|f| f == did)
                    && found.len() < limit
                {
                    found.push(did.to_string());
                }
            }
            progress.step(&label, &format!("{} accounts found", found.len()));
            cursor = answer.json.get("cursor").and_then(Value::as_str).map(str::to_string);
            if cursor.is_none() || found.len() == before {
                break;
            }
        }
        let summary = self.fetch_bluesky(api, &found, options, progress)?;
        Ok((found, summary))
    }
}

/// Fetches one account's feed, comments and followers from its checkpoint. `Ok(Some(why))`
/// when the whole fetch must stop (rate limited for too long).
fn fetch_account(
    api: &mut Bluesky,
    pages: &mut PageWriter<'_, '_>,
    index: usize,
    account: &map::Account,
    options: &FetchOptions,
    progress: &mut dyn FetchProgress,
) -> Result<Option<String>> {
    // A checkpoint this version cannot read (written by another) starts the account afresh.
    let previous =
        pages.writer.checkpoint(CONNECTOR, &account.did)?.and_then(|c| serde_json::from_str::<State>(&c.state).ok());
    let (mut state, resumed) = start_state(previous, (options.clock)(), options);
    state.handle = Some(account.handle.clone());
    {
        let a = &mut pages.summary.accounts[index];
        a.resumed = resumed;
        a.incremental = state.incremental;
    }
    if state.phase == Phase::Feed && state.cursor.is_none() && state.posts_read > 0 {
        state.phase = next_phase(Phase::Feed, options, &state);
    }
    let handle = account.handle.as_str();
    let fail = |pages: &mut PageWriter<'_, '_>, e: &FetchError| {
        let a = &mut pages.summary.accounts[index];
        a.status = AccountStatus::Failed;
        a.error = Some(e.to_string());
        matches!(e, FetchError::RateLimited { .. }).then(|| e.to_string())
    };
    while state.phase != Phase::Done {
        // A checkpoint with no thread left to read (written by another version) moves on.
        if state.phase == Phase::Comments && state.threads.is_empty() {
            state.phase = next_phase(Phase::Comments, options, &state);
            continue;
        }
        let (url, result) = match state.phase {
            Phase::Feed => {
                let url = api.method_url("app.bsky.feed.getAuthorFeed");
                let left = options.max_posts.saturating_sub(state.posts_read).min(u64::from(bluesky::PAGE)) as u32;
                (url, api.author_feed(&account.did, state.cursor.as_deref(), options.replies, left))
            }
            Phase::Comments => {
                let url = api.method_url("app.bsky.feed.getPostThread");
                let uri = state.threads[0].clone();
                (url, api.post_thread(&uri))
            }
            Phase::Followers => {
                let url = api.method_url("app.bsky.graph.getFollowers");
                (url, api.followers(&account.did, state.cursor.as_deref()))
            }
            Phase::Done => break,
        };
        let answer = match result {
            Ok(answer) => answer,
            // A post deleted since the feed was read has no thread: go on without it.
            Err(FetchError::Api { status: 400 | 404, .. }) if state.phase == Phase::Comments => {
                state.threads.remove(0);
                if state.threads.is_empty() {
                    state.phase = next_phase(Phase::Comments, options, &state);
                }
                continue;
            }
            Err(e) => {
                let extra: Vec<_> = answer_reject(&url, &e).into_iter().collect();
                pages.summary.accounts[index].rejected += extra.len() as u64;
                let checkpoint = checkpoint(account, &state, (options.clock)());
                pages.write(&url, &[], extra, std::slice::from_ref(&checkpoint))?;
                return Ok(fail(pages, &e));
            }
        };
        let observed = rfc3339(answer.fetched_at);
        match state.phase {
            Phase::Feed => {
                let mapped = map::author_feed(&answer.json, Some(account), &observed);
                let cursor = answer.json.get("cursor").and_then(Value::as_str).map(str::to_string);
                // Posts are read into the state before the write, so that the checkpoint
                // written with them says where to go on.
                let mut page_posts = Vec::new();
                for m in &mapped {
                    if let Some((_, Ok(Record::Post(p)))) = m.parse(&pages.limits) {
                        page_posts.push(p);
                    }
                }
                // An empty page ends the feed even with a cursor; a page of reposts only
                // does not.
                let cursor = cursor.filter(|_| !mapped.is_empty());
                state.take_posts(&page_posts, cursor, options, answer.fetched_at, |p| {
                    format!("at://{}/app.bsky.feed.post/{}", account.did, p.post_id)
                });
                let cp = checkpoint(account, &state, answer.fetched_at);
                let (_, counts) = pages.write(&url, &mapped, Vec::new(), std::slice::from_ref(&cp))?;
                let a = &mut pages.summary.accounts[index];
                a.posts += counts.records;
                a.skipped += counts.skipped;
                a.rejected += counts.rejected;
                progress.step(handle, &format!("{} posts read", a.posts));
            }
            Phase::Comments => {
                state.threads.remove(0);
                let mapped = map::post_thread(&answer.json, Some(handle));
                if state.threads.is_empty() {
                    state.phase = next_phase(Phase::Comments, options, &state);
                }
                let cp = checkpoint(account, &state, answer.fetched_at);
                let (_, counts) = pages.write(&url, &mapped, Vec::new(), std::slice::from_ref(&cp))?;
                let a = &mut pages.summary.accounts[index];
                a.comments += counts.records;
                a.skipped += counts.skipped;
                a.rejected += counts.rejected;
                progress.step(handle, &format!("{} comments read", a.comments));
            }
            Phase::Followers => {
                let want = options.followers_sample.saturating_sub(state.followers_read) as usize;
                let mut list: Vec<Value> =
                    answer.json.get("followers").and_then(Value::as_array).cloned().unwrap_or_default();
                list.truncate(want);
                // Their own counts: getProfiles, 25 at a time.
                let mut details = Vec::new();
                let dids: Vec<String> =
                    list.iter().filter_map(|f| f.get("did").and_then(Value::as_str).map(str::to_string)).collect();
                for chunk in dids.chunks(PROFILES_PER_REQUEST) {
                    match api.profiles(chunk) {
                        Ok(a) => details
                            .extend(a.json.get("profiles").and_then(Value::as_array).cloned().unwrap_or_default()),
                        Err(e) => {
                            let cp = checkpoint(account, &state, (options.clock)());
                            let url = api.method_url("app.bsky.actor.getProfiles");
                            let extra: Vec<_> = answer_reject(&url, &e).into_iter().collect();
                            pages.write(&url, &[], extra, std::slice::from_ref(&cp))?;
                            return Ok(fail(pages, &e));
                        }
                    }
                }
                let page = serde_json::json!({ "followers": list });
                let mapped = map::followers(&page, Some(handle), &details, &observed);
                state.followers_read += list.len() as u64;
                let cursor = answer.json.get("cursor").and_then(Value::as_str).map(str::to_string);
                let done = cursor.is_none() || list.is_empty() || state.followers_read >= options.followers_sample;
                state.cursor = if done { None } else { cursor };
                if done {
                    state.phase = next_phase(Phase::Followers, options, &state);
                }
                let cp = checkpoint(account, &state, answer.fetched_at);
                let (_, counts) = pages.write(&url, &mapped, Vec::new(), std::slice::from_ref(&cp))?;
                let a = &mut pages.summary.accounts[index];
                a.follower_samples += counts.records;
                a.rejected += counts.rejected;
                progress.step(handle, &format!("{} followers read", a.follower_samples));
            }
            Phase::Done => {}
        }
    }
    state.completed_at = Some((options.clock)().unix());
    let cp = checkpoint(account, &state, (options.clock)());
    pages.write(&api.method_url("app.bsky.feed.getAuthorFeed"), &[], Vec::new(), std::slice::from_ref(&cp))?;
    pages.summary.accounts[index].status = AccountStatus::Done;
    Ok(None)
}

fn checkpoint(account: &map::Account, state: &State, at: Timestamp) -> Checkpoint {
    Checkpoint {
        connector: CONNECTOR.to_string(),
        target: account.did.clone(),
        state: serde_json::to_string(state).unwrap_or_else(|_| "{}".to_string()),
        at,
    }
}
