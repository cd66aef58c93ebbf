//! Fetching YouTube channels with the user's API key, within the daily quota.
//!
//! For each channel: `channels.list` (by id, 50 a call, or one call per handle), then its
//! uploads playlist page by page (`playlistItems.list`, 50 a page, newest first) with the
//! videos' statistics and durations (`videos.list`, one call a page), then with
//! `--comments` the first 100 top-level comments of its videos of the last 30 days that
//! have any (`commentThreads.list`). Each call is 1 unit; the units Clout used today are
//! counted in a checkpoint (`youtube:quota`, by day from midnight UTC−8) written with each
//! page, so a second fetch the same day knows what the first used.

use clout_connect::FetchError;
use clout_connect::youtube::{PAGE, Youtube};
use clout_core::{Record, Timestamp};
use clout_import::api::youtube as map;
use clout_store::Checkpoint;
use serde_json::{Value, json};

use super::state::{Phase, State, next_phase, start_state};
use super::{AccountStatus, FetchOptions, FetchProgress, FetchSummary, PageWriter, answer_reject, rfc3339};
use crate::{App, Result};

const CONNECTOR: &str = "youtube";
const QUOTA: &str = "youtube:quota";

/// What a target names: a channel id, or a handle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    Id(String),
    Handle(String),
}

/// A channel id (`UC…`), a handle (`@name`), or a channel URL of either form.
pub(crate) fn target_of(raw: &str) -> Target {
    let t = raw.trim();
    let t = t.strip_prefix("https://").or_else(|| t.strip_prefix("http://")).unwrap_or(t);
    let t = t.strip_prefix("www.").or_else(|| t.strip_prefix("m.")).unwrap_or(t);
    let t = t.strip_prefix("youtube.com/").unwrap_or(t);
    if let Some(id) = t.strip_prefix("channel/") {
        return Target::Id(id.split(['/', '?']).next().unwrap_or(id).to_string());
    }
    let t = t.split(['/', '?']).next().unwrap_or(t);
    if t.len() == 24 && t.starts_with("UC") {
        Target::Id(t.to_string())
    } else {
        Target::Handle(t.trim_start_matches('@').to_lowercase())
    }
}

/// The quota day: the date at UTC−8 (Pacific standard time; in daylight time the quota
/// resets an hour before this count does, which errs on the side of spending less).
pub(crate) fn quota_day(t: Timestamp) -> String {
    t.minus_seconds(8 * 3_600).date()
}

struct Channel {
    id: String,
    handle: String,
    uploads: Option<String>,
}

impl App {
    /// Fetches YouTube channels (ids, handles or URLs), then recomputes. `api.used` is
    /// set here from today's quota checkpoint.
    pub fn fetch_youtube(
        &mut self,
        api: &mut Youtube,
        targets: &[String],
        options: &FetchOptions,
        progress: &mut dyn FetchProgress,
    ) -> Result<FetchSummary> {
        api.used = self.quota_used(options)?;
        self.fetch_youtube_counted(api, targets, options, progress)
    }

    /// [`App::fetch_youtube`] with `api.used` already today's count.
    fn fetch_youtube_counted(
        &mut self,
        api: &mut Youtube,
        targets: &[String],
        options: &FetchOptions,
        progress: &mut dyn FetchProgress,
    ) -> Result<FetchSummary> {
        let names: Vec<String> = targets.iter().map(|t| format!("youtube:{}", t.trim())).collect();
        let day = quota_day((options.clock)());
        let go = |pages: &mut PageWriter<'_, '_>, progress: &mut dyn FetchProgress| -> Result<()> {
            let parsed: Vec<Target> = targets.iter().map(|t| target_of(t)).collect();
            let mut found: Vec<Option<Channel>> = (0..targets.len()).map(|_| None).collect();
            // Ids 50 a call; handles one a call.
            let ids: Vec<usize> = (0..targets.len()).filter(|i| matches!(parsed[*i], Target::Id(_))).collect();
            let mut calls: Vec<Vec<usize>> = ids.chunks(PAGE).map(<[usize]>::to_vec).collect();
            calls.extend((0..targets.len()).filter(|i| matches!(parsed[*i], Target::Handle(_))).map(|i| vec![i]));
            for call in calls {
                let url = api.method_url("channels");
                let answer = match &parsed[call[0]] {
                    Target::Handle(h) => api.channel_by_handle(h),
                    Target::Id(_) => {
                        let ids: Vec<String> = call
                            .iter()
                            .filter_map(|i| match &parsed[*i] {
                                Target::Id(id) => Some(id.clone()),
                                Target::Handle(_) => None,
                            })
                            .collect();
                        api.channels_by_id(&ids)
                    }
                };
                let answer = match answer {
                    Ok(a) => a,
                    Err(e) => {
                        let extra: Vec<_> = answer_reject(&url, &e).into_iter().collect();
                        pages.write(&url, &[], extra, &[quota(api, &day, (options.clock)())])?;
                        for i in &call {
                            let a = &mut pages.summary.accounts[*i];
                            a.status = AccountStatus::Failed;
                            a.error = Some(e.to_string());
                        }
                        if stops(&e) {
                            pages.summary.stopped = Some(e.to_string());
                            return Ok(());
                        }
                        continue;
                    }
                };
                let observed = rfc3339(answer.fetched_at);
                let items = answer.json.get("items").and_then(Value::as_array).cloned().unwrap_or_default();
                let mut mapped = Vec::new();
                for i in call {
                    let item = items.iter().enumerate().find(|(_, c)| match &parsed[i] {
                        Target::Id(id) => c["id"].as_str() == Some(id.as_str()),
                        Target::Handle(h) => map::handle_of(c).as_deref() == Some(h.as_str()) || items.len() == 1,
                    });
                    let account = &mut pages.summary.accounts[i];
                    let Some((n, item)) = item else {
                        account.status = AccountStatus::NotFound;
                        account.error = Some(format!("no YouTube channel is {}", targets[i].trim()));
                        continue;
                    };
                    account.handle = map::handle_of(item);
                    let thumbnails = &item["snippet"]["thumbnails"];
                    account.picture_url = ["medium", "default", "high"]
                        .iter()
                        .find_map(|size| thumbnails[*size]["url"].as_str())
                        .map(str::to_string);
                    account.followers = item["statistics"]["subscriberCount"].as_str().and_then(|s| s.parse().ok());
                    if let Some(n) = account.followers
                        && (n < options.followers_range.0 || n > options.followers_range.1)
                    {
                        account.status = AccountStatus::OutsideRange;
                        continue;
                    }
                    let m = map::channel(item, &format!("/items/{n}"), &observed);
                    if !matches!(m.outcome, clout_import::api::Outcome::Object(_)) {
                        // A hidden subscriber count: the reject says so; the videos still come.
                        account.rejected += 1;
                    }
                    mapped.push(m);
                    found[i] = Some(Channel {
                        id: item["id"].as_str().unwrap_or_default().to_string(),
                        handle: account.handle.clone().unwrap_or_default(),
                        uploads: item["contentDetails"]["relatedPlaylists"]["uploads"].as_str().map(str::to_string),
                    });
                }
                pages.write(&url, &mapped, Vec::new(), &[quota(api, &day, answer.fetched_at)])?;
            }
            for (i, channel) in found.iter().enumerate() {
                let Some(channel) = channel else { continue };
                if let Some(stop) = fetch_channel(api, pages, i, channel, &day, options, progress)? {
                    pages.summary.stopped = Some(stop);
                    break;
                }
            }
            Ok(())
        };
        let mut summary = self.fetch_run("youtube", targets, &names, options, progress, go)?;
        if options.pictures {
            let hosts = clout_connect::youtube::PICTURE_HOSTS;
            self.keep_pictures(&mut api.http, clout_core::Platform::Youtube, hosts, &mut summary)?;
        }
        summary.finish_stats(api.http.stats());
        summary.quota = Some((api.used, api.budget));
        Ok(summary)
    }
}

impl App {
    /// The quota units Clout counted as used today.
    fn quota_used(&self, options: &FetchOptions) -> Result<u64> {
        let day = quota_day((options.clock)());
        Ok(self
            .store
            .checkpoint(QUOTA, &day)?
            .and_then(|c| serde_json::from_str::<Value>(&c.state).ok())
            .and_then(|v| v["used"].as_u64())
            .unwrap_or(0))
    }

    /// Finds channels matching `query` (`search.list`, 100 units a page of 50), at most
    /// `limit`, then fetches them as [`App::fetch_youtube`] does.
    pub fn discover_youtube(
        &mut self,
        api: &mut Youtube,
        query: &str,
        limit: usize,
        options: &FetchOptions,
        progress: &mut dyn FetchProgress,
    ) -> Result<(Vec<String>, FetchSummary)> {
        let mut found: Vec<String> = Vec::new();
        let mut token: Option<String> = None;
        api.used = self.quota_used(options)?;
        while found.len() < limit {
            let answer = api
                .search_channels(query, token.as_deref())
                .map_err(|e| crate::Error::Invalid(format!("discovering {query}: {e}")))?;
            let before = found.len();
            for item in answer.json.get("items").and_then(Value::as_array).into_iter().flatten() {
                let id = item["id"]["channelId"].as_str().or_else(|| item["snippet"]["channelId"].as_str());
                if let Some(id) = id
                    && !found.iter().any(|f| f == id)
                    && found.len() < limit
                {
                    found.push(id.to_string());
                }
            }
            progress.step(query, &format!("{} channels found", found.len()));
            token = answer.json.get("nextPageToken").and_then(Value::as_str).map(str::to_string);
            if token.is_none() || found.len() == before {
                break;
            }
        }
        // The search's units are counted with the fetch's first write.
        let summary = self.fetch_youtube_counted(api, &found, options, progress)?;
        Ok((found, summary))
    }
}

/// The quota checkpoint: the units used today so far.
fn quota(api: &Youtube, day: &str, at: Timestamp) -> Checkpoint {
    Checkpoint {
        connector: QUOTA.to_string(),
        target: day.to_string(),
        state: json!({ "used": api.used, "budget": api.budget }).to_string(),
        at,
    }
}

/// Errors that stop the whole fetch: the quota, or a rate limit longer than the wait.
fn stops(e: &FetchError) -> bool {
    match e {
        FetchError::Quota { .. } | FetchError::RateLimited { .. } => true,
        FetchError::Api { status: 403, code: Some(code), .. } => code.contains("quota") || code.contains("Limit"),
        _ => false,
    }
}

fn fetch_channel(
    api: &mut Youtube,
    pages: &mut PageWriter<'_, '_>,
    index: usize,
    channel: &Channel,
    day: &str,
    options: &FetchOptions,
    progress: &mut dyn FetchProgress,
) -> Result<Option<String>> {
    let previous =
        pages.writer.checkpoint(CONNECTOR, &channel.id)?.and_then(|c| serde_json::from_str::<State>(&c.state).ok());
    let options = &FetchOptions { followers_sample: 0, ..options.clone() };
    let (mut state, resumed) = start_state(previous, (options.clock)(), options);
    state.handle = Some(channel.handle.clone());
    pages.summary.accounts[index].resumed = resumed;
    pages.summary.accounts[index].incremental = state.incremental;
    let handle = channel.handle.as_str();
    let videos_url = api.method_url("videos");
    let fail = |pages: &mut PageWriter<'_, '_>,
                api: &Youtube,
                url: &str,
                e: FetchError,
                state: &State|
     -> Result<Option<String>> {
        let extra: Vec<_> = answer_reject(url, &e).into_iter().collect();
        pages.summary.accounts[index].rejected += extra.len() as u64;
        let cps = [checkpoint(channel, state, (options.clock)()), quota(api, day, (options.clock)())];
        pages.write(url, &[], extra, &cps)?;
        let a = &mut pages.summary.accounts[index];
        a.status = AccountStatus::Failed;
        a.error = Some(e.to_string());
        Ok(stops(&e).then(|| e.to_string()))
    };
    while state.phase != Phase::Done && state.phase != Phase::Followers {
        if state.phase == Phase::Feed {
            let Some(playlist) = &channel.uploads else {
                state.phase = next_phase(Phase::Feed, options, &state);
                continue;
            };
            let url = api.method_url("playlistItems");
            let left = options.max_posts.saturating_sub(state.posts_read).min(PAGE as u64) as usize;
            let page = match api.uploads(playlist, state.cursor.as_deref(), left) {
                Ok(p) => p,
                // A channel without uploads has no uploads playlist to read.
                Err(FetchError::Api { status: 404, .. }) => {
                    state.phase = next_phase(Phase::Feed, options, &state);
                    continue;
                }
                Err(e) => return fail(pages, api, &url, e, &state),
            };
            let ids: Vec<String> = page
                .json
                .get("items")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|i| i["contentDetails"]["videoId"].as_str().map(str::to_string))
                .collect();
            let cursor =
                page.json.get("nextPageToken").and_then(Value::as_str).map(str::to_string).filter(|_| !ids.is_empty());
            let (mapped, fetched_at) = if ids.is_empty() {
                (Vec::new(), page.fetched_at)
            } else {
                match api.videos(&ids) {
                    Ok(v) => (map::videos(&v.json, Some(handle), &rfc3339(v.fetched_at)), v.fetched_at),
                    Err(e) => return fail(pages, api, &videos_url, e, &state),
                }
            };
            let posts: Vec<_> = mapped
                .iter()
                .filter_map(|m| match m.parse(&pages.limits) {
                    Some((_, Ok(Record::Post(p)))) => Some(p),
                    _ => None,
                })
                .collect();
            state.take_posts(&posts, cursor, options, fetched_at, |p| p.post_id.clone());
            let cps = [checkpoint(channel, &state, fetched_at), quota(api, day, fetched_at)];
            let (_, counts) = pages.write(&videos_url, &mapped, Vec::new(), &cps)?;
            let a = &mut pages.summary.accounts[index];
            a.posts += counts.records;
            a.rejected += counts.rejected;
            progress.step(handle, &format!("{} videos read", a.posts));
        } else {
            let url = api.method_url("commentThreads");
            // A checkpoint with no video left to read (written by another version) moves on.
            let Some(video) = state.threads.first().cloned() else {
                state.phase = next_phase(Phase::Comments, options, &state);
                continue;
            };
            let answer = match api.comment_threads(&video) {
                Ok(a) => Some(a),
                // Comments turned off, or the video gone since: go on without it.
                Err(FetchError::Api { status: 403 | 404, code: Some(code), .. }) if !code.contains("quota") => None,
                Err(e) => return fail(pages, api, &url, e, &state),
            };
            state.threads.remove(0);
            if state.threads.is_empty() {
                state.phase = next_phase(Phase::Comments, options, &state);
            }
            let at = answer.as_ref().map_or((options.clock)(), |a| a.fetched_at);
            let mapped = answer.map(|a| map::comment_threads(&a.json, Some(handle))).unwrap_or_default();
            let cps = [checkpoint(channel, &state, at), quota(api, day, at)];
            let (_, counts) = pages.write(&url, &mapped, Vec::new(), &cps)?;
            let a = &mut pages.summary.accounts[index];
            a.comments += counts.records;
            a.rejected += counts.rejected;
            progress.step(handle, &format!("{} comments read", a.comments));
        }
    }
    state.phase = Phase::Done;
    state.completed_at = Some((options.clock)().unix());
    let now = (options.clock)();
    pages.write(&videos_url, &[], Vec::new(), &[checkpoint(channel, &state, now), quota(api, day, now)])?;
    pages.summary.accounts[index].status = AccountStatus::Done;
    Ok(None)
}

fn checkpoint(channel: &Channel, state: &State, at: Timestamp) -> Checkpoint {
    Checkpoint {
        connector: CONNECTOR.to_string(),
        target: channel.id.clone(),
        state: serde_json::to_string(state).unwrap_or_else(|_| "{}".to_string()),
        at,
    }
}
