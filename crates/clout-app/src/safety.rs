//! Brand safety: the list screened against (the shipped default, or the user's TOML), each
//! channel's screening (made by every recompute for the channels it reads again, and by
//! setting a list for every channel), and what the edges show of it.
//!
//! What a term matches and how a level is read: `clout_core::safety`. A post is screened
//! by its caption and hashtags; a comment by its text.

use std::collections::BTreeMap;

use clout_core::Timestamp;
use clout_core::safety::{Levels, SafetyLevel, SafetyList, Screener, Threshold};
use clout_store::{CategoryLevel, ChannelScreen, Channels, PostSet, SafetyHit, SafetyListRow};
use serde::Deserialize;
use sha2::Digest;

use crate::{App, Error, Result};

/// Clout's default list (`clout safety list --default`).
pub const DEFAULT_SAFETY_LIST: &str = include_str!("safety/default.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawList {
    name: String,
    version: String,
    levels: Option<RawLevels>,
    category: Vec<RawCategory>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLevels {
    moderate: RawThreshold,
    high: RawThreshold,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawThreshold {
    posts: u64,
    share: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCategory {
    id: String,
    label: String,
    #[serde(default)]
    terms: Vec<String>,
    #[serde(default)]
    languages: BTreeMap<String, Vec<String>>,
}

/// The most bytes a list may have.
pub(crate) const MAX_LIST_BYTES: usize = 2 << 20;

/// Parses and checks a list written in TOML (see the default for the format); `origin`
/// names it in messages.
pub fn safety_list_from_toml(text: &str, origin: &str) -> Result<SafetyList> {
    let bad = |what: String| Error::Invalid(format!("safety list {origin}: {what}"));
    if text.len() > MAX_LIST_BYTES {
        return Err(bad(format!("a list has at most {} bytes", MAX_LIST_BYTES)));
    }
    let raw: RawList = toml::from_str(text).map_err(|e| bad(e.to_string().trim_end().to_string()))?;
    let threshold = |t: RawThreshold| Threshold { posts: t.posts, share: t.share };
    let list = SafetyList {
        name: raw.name,
        version: raw.version,
        levels: raw
            .levels
            .map(|l| Levels { moderate: threshold(l.moderate), high: threshold(l.high) })
            .unwrap_or_default(),
        categories: raw
            .category
            .into_iter()
            .map(|c| clout_core::safety::Category {
                id: c.id,
                label: c.label,
                terms: c.terms,
                languages: c.languages.into_iter().collect(),
            })
            .collect(),
    };
    list.screener().map_err(|e| bad(e.0))?;
    Ok(list)
}

/// The list screened against, ready to screen.
#[derive(Debug, Clone)]
pub struct ActiveList {
    /// As stored; `None` for the default before any screening stored it.
    pub row: Option<SafetyListRow>,
    pub list: SafetyList,
    pub sha256: String,
    pub body: String,
    pub(crate) screener: Screener,
}

impl ActiveList {
    fn of(body: &str, origin: &str, row: Option<SafetyListRow>) -> Result<ActiveList> {
        let list = safety_list_from_toml(body, origin)?;
        let screener = list.screener().map_err(|e| Error::Invalid(e.0))?;
        Ok(ActiveList { row, sha256: sha256_hex(body), body: body.to_string(), list, screener })
    }

    /// The default list.
    pub fn default_list() -> Result<ActiveList> {
        ActiveList::of(DEFAULT_SAFETY_LIST, "(default)", None)
    }

    /// A category's label, or its id when the list has no such category.
    pub fn label<'a>(&'a self, id: &'a str) -> &'a str {
        self.list.categories.iter().find(|c| c.id == id).map_or(id, |c| c.label.as_str())
    }
}

fn sha256_hex(body: &str) -> String {
    sha2::Sha256::digest(body.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// What one screening did.
#[derive(Debug, Clone, PartialEq)]
pub struct ScreenSummary {
    pub list_name: String,
    pub list_version: String,
    pub channels: u64,
    pub posts: u64,
    pub comments: u64,
    /// Channels at each level (`none` to `high`) in each category, by category id, in the
    /// list's order.
    pub levels: Vec<(String, [u64; 4])>,
    /// Seconds spent reading and matching (not writing).
    pub seconds: f64,
}

/// Screenings made, to be written.
pub(crate) struct Screened {
    pub(crate) rows: Vec<(i64, ChannelScreen)>,
    pub(crate) posts: u64,
    pub(crate) comments: u64,
    pub(crate) seconds: f64,
}

/// One channel's matches while its posts are read.
#[derive(Default)]
struct Tally {
    posts: u64,
    comments: u64,
    /// (category, posts matched, comments matched).
    categories: Vec<(u16, u64, u64)>,
    /// (sort key: category, comment?, newest first; the hit).
    hits: Vec<((u16, bool, i64), SafetyHit)>,
}

impl Tally {
    fn add(&mut self, category: u16, comment: bool) {
        match self.categories.iter_mut().find(|(c, _, _)| *c == category) {
            Some((_, p, c)) => *(if comment { c } else { p }) += 1,
            None => self.categories.push((category, u64::from(!comment), u64::from(comment))),
        }
    }
}

/// Screens the channels `which` of `store` against `active`: every post's caption and
/// hashtags, every comment's text.
pub(crate) fn screen(store: &dyn clout_store::Backend, which: Channels<'_>, active: &ActiveList) -> Result<Screened> {
    let started = std::time::Instant::now();
    let channels = store.channel_languages(which)?;
    let ids: Vec<i64> = channels.iter().map(|(id, _)| *id).collect();
    let mut tallies: Vec<Tally> = channels.iter().map(|_| Tally::default()).collect();
    let position = |id: i64| ids.binary_search(&id).ok();
    let s = &active.screener;
    let mut words = Vec::new();
    let mut text = String::new();
    // Matches of one text, grouped by category, with the terms each matched.
    let by_category = |text: &str, language: Option<&str>, words: &mut Vec<String>| -> Vec<(u16, String)> {
        let mut out: Vec<(u16, String)> = Vec::new();
        for m in s.screen(text, language, words) {
            let Some((category, term)) = s.term(m.term) else { continue };
            // A term a list writes twice (for every post and for a language) is said once.
            match out.iter_mut().find(|(c, _)| *c == category) {
                Some((_, terms)) if terms.split(", ").any(|t| t == term) => {}
                Some((_, terms)) => {
                    terms.push_str(", ");
                    terms.push_str(term);
                }
                None => out.push((category, term.to_string())),
            }
        }
        out
    };
    let category_id = |c: u16| active.list.categories[usize::from(c)].id.clone();
    let (mut posts, mut comments) = (0u64, 0u64);
    let set = match which {
        Channels::Range(i64::MIN, i64::MAX) => PostSet::All,
        Channels::Range(after, up_to) => PostSet::ChannelRange(after, up_to),
        Channels::Ids(ids) => PostSet::Channels(ids),
    };
    store.for_each_post_text(set, &mut |p| {
        let Some(at) = position(p.channel_id) else { return };
        posts += 1;
        text.clear();
        text.push_str(&p.caption);
        text.push(' ');
        text.push_str(&p.hashtags);
        let found = by_category(&text, channels[at].1.as_deref(), &mut words);
        let t = &mut tallies[at];
        t.posts += 1;
        for (category, term) in found {
            t.add(category, false);
            let hit = SafetyHit { category: category_id(category), post_ref: Some(p.post_id), comment_id: None, term };
            t.hits.push(((category, false, -p.published_at), hit));
        }
    })?;
    store.for_each_comment_text(which, &mut |channel, comment, body| {
        let Some(at) = position(channel) else { return };
        comments += 1;
        let found = by_category(body, channels[at].1.as_deref(), &mut words);
        let t = &mut tallies[at];
        t.comments += 1;
        for (category, term) in found {
            t.add(category, true);
            let hit = SafetyHit {
                category: category_id(category),
                post_ref: None,
                comment_id: Some(comment.to_string()),
                term,
            };
            t.hits.push(((category, true, 0), hit));
        }
    })?;
    let levels = active.list.levels;
    let rows = ids
        .into_iter()
        .zip(tallies)
        .map(|(id, mut t)| {
            t.categories.sort_unstable();
            t.hits.sort_by_key(|h| h.0);
            let screen = ChannelScreen {
                posts: t.posts,
                comments: t.comments,
                levels: t
                    .categories
                    .iter()
                    .map(|&(c, p, k)| CategoryLevel {
                        category: category_id(c),
                        level: levels.level(p, t.posts, k).code(),
                        posts: p,
                        comments: k,
                    })
                    .collect(),
                hits: t.hits.into_iter().map(|(_, h)| h).collect(),
            };
            (id, screen)
        })
        .collect();
    Ok(Screened { rows, posts, comments, seconds: started.elapsed().as_secs_f64() })
}

/// [`screen`] of the channels `which`, every channel cut into ranges of ids read by
/// `readers` at once (one thread each); the channels named, or without a second reader,
/// on `store` alone.
pub(crate) fn screen_with(
    readers: Vec<Box<dyn clout_store::Backend>>,
    store: &dyn clout_store::Backend,
    which: Channels<'_>,
    active: &ActiveList,
) -> Result<Screened> {
    let started = std::time::Instant::now();
    let bounds = store.channel_id_bounds()?;
    let (Channels::Range(i64::MIN, i64::MAX), Some((low, high)), 2..) = (which, bounds, readers.len()) else {
        return screen(store, which, active);
    };
    let work = crate::cores::ranges(low, high, readers.len() * 8);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let parts: Vec<Result<Vec<Screened>>> = std::thread::scope(|s| {
        let handles: Vec<_> = readers
            .into_iter()
            .map(|reader| {
                let (work, next) = (&work, &next);
                s.spawn(move || -> Result<Vec<Screened>> {
                    let mut done = Vec::new();
                    loop {
                        let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(&(after, up_to)) = work.get(k) else { return Ok(done) };
                        done.push(screen(&*reader, Channels::Range(after, up_to), active)?);
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err(Error::Internal("screening brand safety failed".to_string()))))
            .collect()
    });
    let mut all = Screened { rows: Vec::new(), posts: 0, comments: 0, seconds: 0.0 };
    for part in parts {
        for s in part? {
            all.rows.extend(s.rows);
            all.posts += s.posts;
            all.comments += s.comments;
        }
    }
    all.rows.sort_unstable_by_key(|(id, _)| *id);
    all.seconds = started.elapsed().as_secs_f64();
    Ok(all)
}

impl App {
    /// The active list: the one last set, else the default.
    pub fn safety_list(&self) -> Result<ActiveList> {
        match self.store.safety_list()? {
            Some(row) => {
                let origin = format!("{} {}", row.name, row.version);
                ActiveList::of(&row.body.clone(), &origin, Some(row))
            }
            None => ActiveList::default_list(),
        }
    }

    /// The active list, stored (the default is stored the first time it is screened against).
    pub(crate) fn stored_safety_list(&mut self, now: Timestamp) -> Result<(ActiveList, i64)> {
        let mut active = self.safety_list()?;
        let id = match &active.row {
            Some(row) => row.id,
            None => {
                let row = self.store.set_safety_list(
                    &active.list.name,
                    &active.list.version,
                    &active.sha256,
                    &active.body,
                    now.unix(),
                )?;
                let id = row.id;
                active.row = Some(row);
                id
            }
        };
        Ok((active, id))
    }

    /// A read connection per core, for a screening of every channel (none for a store in memory).
    pub(crate) fn screen_readers(&self) -> Result<Vec<Box<dyn clout_store::Backend>>> {
        let mut readers = Vec::new();
        for _ in 0..crate::cores::workers() {
            match self.store.reader()? {
                Some(r) => readers.push(r),
                None => break,
            }
        }
        Ok(readers)
    }

    /// Writes screenings made against list `list_id` of the channels `which` at `now`.
    pub(crate) fn write_screens(
        &mut self,
        which: Channels<'_>,
        list_id: i64,
        now: Timestamp,
        screened: &Screened,
    ) -> Result<()> {
        Ok(self.store.replace_safety(which, list_id, now.unix(), &screened.rows)?)
    }

    /// Screens the channels `which` and writes their screenings, dated `now`.
    pub(crate) fn screen_and_write(&mut self, which: Channels<'_>, now: Timestamp) -> Result<ScreenSummary> {
        let (active, list_id) = self.stored_safety_list(now)?;
        let screened = screen_with(self.screen_readers()?, &*self.store, which, &active)?;
        self.write_screens(which, list_id, now, &screened)?;
        Ok(summary(&active, &screened))
    }

    /// Makes `body` (a list in TOML) the active list and screens every channel against it.
    pub fn set_safety_list(&mut self, body: &str, origin: &str, now: Timestamp) -> Result<ScreenSummary> {
        let list = safety_list_from_toml(body, origin)?;
        self.store.set_safety_list(&list.name, &list.version, &sha256_hex(body), body, now.unix())?;
        self.screen_and_write(Channels::Range(i64::MIN, i64::MAX), now)
    }

    /// Screens every channel against the active list again.
    pub fn screen_all(&mut self, now: Timestamp) -> Result<ScreenSummary> {
        self.screen_and_write(Channels::Range(i64::MIN, i64::MAX), now)
    }
}

/// What `screened` found, counted per category and level.
pub(crate) fn summary(active: &ActiveList, screened: &Screened) -> ScreenSummary {
    let mut levels: Vec<(String, [u64; 4])> =
        active.list.categories.iter().map(|c| (c.id.clone(), [0u64; 4])).collect();
    for (_, s) in &screened.rows {
        for (id, counts) in &mut levels {
            let level = s.levels.iter().find(|l| &l.category == id).map_or(0, |l| l.level);
            counts[usize::from(level.min(3))] += 1;
        }
    }
    ScreenSummary {
        list_name: active.list.name.clone(),
        list_version: active.list.version.clone(),
        channels: screened.rows.len() as u64,
        posts: screened.posts,
        comments: screened.comments,
        levels,
        seconds: screened.seconds,
    }
}

/// The level with this code (a stored one is always 0 to 3).
pub(crate) fn level_of(code: u8) -> SafetyLevel {
    SafetyLevel::from_code(i64::from(code)).unwrap_or(SafetyLevel::High)
}

mod report;

pub use report::{AUDIT_COLUMNS, CategorySafety, ChannelSafety, audit_csv, audit_of, audit_rows};

#[cfg(test)]
mod tests;
