//! What brand safety shows: a channel's summary with the posts behind each level, the
//! Directory's exclusion, and the audit record (who was screened, when, against which list
//! version, what matched) as rows for CSV and JSON.

use clout_core::Platform;
use clout_core::safety::SafetyLevel;
use clout_store::{HitEvidence, SafetyListRow};

use clout_core::discovery::SafetyFilter;

use super::{ActiveList, level_of};
use crate::{App, Error, Result};

/// A channel's level in one category of the list it was screened against.
#[derive(Debug, Clone, PartialEq)]
pub struct CategorySafety {
    pub id: String,
    pub label: String,
    pub level: SafetyLevel,
    pub posts: u64,
    pub comments: u64,
}

/// A channel's brand-safety screening.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelSafety {
    pub platform: Platform,
    pub handle: String,
    pub name: Option<String>,
    /// The list screened against: name, version, SHA-256 (its text, `body`, is left empty).
    pub list: SafetyListRow,
    /// Whether that list is the active one (else the channel awaits a screening against it).
    pub current: bool,
    pub screened_at: i64,
    pub posts: u64,
    pub comments: u64,
    /// Every category of the list, in its order.
    pub categories: Vec<CategorySafety>,
    /// The highest level of any category.
    pub overall: SafetyLevel,
    /// Each match: the post (or comment) and the terms, by category, posts newest first.
    pub evidence: Vec<HitEvidence>,
}

/// The lists read for screenings: the active one's id, and each list's categories (id, label).
struct ListCache {
    active: Option<i64>,
    categories: std::collections::HashMap<i64, Vec<(String, String)>>,
}

impl App {
    /// A channel's screening (`PLATFORM/HANDLE`).
    pub fn channel_safety(&self, reference: &str) -> Result<ChannelSafety> {
        let (platform, handle) = crate::channels::parse_channel_ref(reference)?;
        let id = self
            .store
            .channel_id(platform, handle.as_str())?
            .ok_or_else(|| Error::NotFound(format!("no channel {platform}/{handle} in the store")))?;
        self.channel_safety_of(id)?.ok_or_else(|| {
            Error::Conflict(format!(
                "{platform}/{handle} has not been screened for brand safety yet: run `clout recompute`"
            ))
        })
    }

    /// The screening of the channel with this id, `None` when it was never screened.
    pub(crate) fn channel_safety_of(&self, id: i64) -> Result<Option<ChannelSafety>> {
        let mut lists = ListCache { active: self.store.safety_list()?.map(|a| a.id), categories: Default::default() };
        self.channel_safety_with(id, &mut lists)
    }

    /// [`App::channel_safety_of`], each list's categories read once for many channels.
    fn channel_safety_with(&self, id: i64, lists: &mut ListCache) -> Result<Option<ChannelSafety>> {
        let Some(mut stored) = self.store.safety_of(id)? else { return Ok(None) };
        let row = self
            .store
            .channels_by_ids(&[id])?
            .into_iter()
            .next()
            .ok_or_else(|| Error::NotFound(format!("no channel {id} in the store")))?;
        let list_categories = match lists.categories.entry(stored.list.id) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                let origin = format!("{} {}", stored.list.name, stored.list.version);
                let screened = ActiveList::of(&stored.list.body, &origin, None)?;
                e.insert(screened.list.categories.into_iter().map(|c| (c.id, c.label)).collect())
            }
        };
        // The list's text is the same for every channel screened against it: not kept with each.
        stored.list.body = String::new();
        let categories: Vec<CategorySafety> = list_categories
            .iter()
            .map(|(id, label)| {
                let found = stored.screen.levels.iter().find(|l| &l.category == id);
                CategorySafety {
                    id: id.clone(),
                    label: label.clone(),
                    level: found.map_or(SafetyLevel::None, |l| level_of(l.level)),
                    posts: found.map_or(0, |l| l.posts),
                    comments: found.map_or(0, |l| l.comments),
                }
            })
            .collect();
        Ok(Some(ChannelSafety {
            platform: row.platform,
            handle: row.handle,
            name: row.name,
            current: lists.active == Some(stored.list.id),
            screened_at: stored.screened_at,
            posts: stored.screen.posts,
            comments: stored.screen.comments,
            overall: categories.iter().map(|c| c.level).max().unwrap_or(SafetyLevel::None),
            categories,
            evidence: stored.evidence,
            list: stored.list,
        }))
    }

    /// The channels a brand-safety filter leaves out, ascending. Refused (conflict) when
    /// the channels were not all screened against the active list; an unknown category is
    /// not found.
    pub(crate) fn safety_excluded(&self, filter: &SafetyFilter) -> Result<Vec<i64>> {
        let active = self.safety_list()?;
        for c in &filter.categories {
            if !active.list.categories.iter().any(|k| &k.id == c) {
                let known: Vec<&str> = active.list.categories.iter().map(|k| k.id.as_str()).collect();
                return Err(Error::NotFound(format!(
                    "safety_in: no category {c:?} in the list {} {} (it has {})",
                    active.list.name,
                    active.list.version,
                    known.join(", ")
                )));
            }
        }
        let current = match &active.row {
            Some(row) => self.store.safety_current(row.id)?,
            None => self.store.channel_count()? == 0,
        };
        if !current {
            return Err(Error::Conflict(
                "the channels are not all screened against the active brand-safety list yet: run `clout recompute`"
                    .to_string(),
            ));
        }
        Ok(self.store.channels_above_safety(filter.max.code(), &filter.categories)?)
    }

    /// The audit record of the channels `ids` (every screened channel when `None`), in the
    /// order given (by id for every channel); a channel never screened is left out.
    pub fn safety_audit(&self, ids: Option<&[i64]>) -> Result<Vec<ChannelSafety>> {
        let all;
        let ids = match ids {
            Some(ids) => ids,
            None => {
                all = self
                    .store
                    .channel_languages(clout_store::Channels::Range(i64::MIN, i64::MAX))?
                    .into_iter()
                    .map(|(id, _)| id)
                    .collect::<Vec<_>>();
                &all
            }
        };
        let mut lists = ListCache { active: self.store.safety_list()?.map(|a| a.id), categories: Default::default() };
        let mut out = Vec::new();
        for &id in ids {
            if let Some(s) = self.channel_safety_with(id, &mut lists)? {
                out.push(s);
            }
        }
        Ok(out)
    }

    /// The channel ids of these references (`PLATFORM/HANDLE`), in order.
    pub fn channel_ids(&self, references: &[String]) -> Result<Vec<i64>> {
        references
            .iter()
            .map(|r| {
                let (platform, handle) = crate::channels::parse_channel_ref(r)?;
                self.store
                    .channel_id(platform, handle.as_str())?
                    .ok_or_else(|| Error::NotFound(format!("no channel {platform}/{handle} in the store")))
            })
            .collect()
    }

    /// A shortlist's channel ids: a saved list's (when given), then the channels named
    /// (`PLATFORM/HANDLE`), each once.
    pub fn shortlist(&self, list: Option<i64>, channels: &[String]) -> Result<Vec<i64>> {
        let mut ids = match list {
            Some(list) => self.list_channel_ids(list)?,
            None => Vec::new(),
        };
        for id in self.channel_ids(channels)? {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        Ok(ids)
    }

    /// The channel ids of a saved list, for an audit.
    pub fn list_channel_ids(&self, list: i64) -> Result<Vec<i64>> {
        self.store.list(list)?.ok_or_else(|| Error::NotFound(format!("there is no list {list}")))?;
        Ok(self.store.list_members(list)?.into_iter().map(|m| m.channel.id).collect())
    }
}

/// The audit record's CSV columns.
pub const AUDIT_COLUMNS: &[&str] = &[
    "channel",
    "name",
    "screened_at_utc",
    "list",
    "list_version",
    "list_sha256",
    "posts_screened",
    "comments_screened",
    "category",
    "level",
    "matched_in",
    "post_id",
    "post_url",
    "published_utc",
    "terms",
    "text",
];

/// The audit record as CSV rows (see [`AUDIT_COLUMNS`]): per channel, one row per match
/// (the category's level, the post or comment, the terms), and one row per category with
/// no match at level `none`, so every channel screened and every category appears.
/// Dates are `YYYY-MM-DD HH:MM:SS` in UTC.
pub fn audit_rows(audit: &[ChannelSafety]) -> Vec<Vec<String>> {
    let when = |t: i64| clout_core::Timestamp::from_unix(t).date_time();
    let mut rows = Vec::new();
    for s in audit {
        let head = vec![
            format!("{}/{}", s.platform, s.handle),
            s.name.clone().unwrap_or_default(),
            when(s.screened_at),
            s.list.name.clone(),
            s.list.version.clone(),
            s.list.sha256.clone(),
            s.posts.to_string(),
            s.comments.to_string(),
        ];
        for c in &s.categories {
            let hits: Vec<&HitEvidence> = s.evidence.iter().filter(|e| e.category == c.id).collect();
            if hits.is_empty() {
                let mut row = head.clone();
                row.extend([c.id.clone(), c.level.to_string()]);
                row.extend(std::iter::repeat_n(String::new(), 6));
                rows.push(row);
            }
            for e in hits {
                let mut row = head.clone();
                row.extend([
                    c.id.clone(),
                    c.level.to_string(),
                    if e.comment.is_some() { "comment" } else { "post" }.to_string(),
                    e.post_id.clone().unwrap_or_default(),
                    e.post_url.clone().unwrap_or_default(),
                    e.published_at.map(when).unwrap_or_default(),
                    e.term.clone(),
                    e.text.clone().unwrap_or_default(),
                ]);
                rows.push(row);
            }
        }
    }
    rows
}

/// The audit record as a CSV document with its header, every cell safe to open in a
/// spreadsheet.
pub fn audit_csv(audit: &[ChannelSafety]) -> Result<String> {
    let mut csv = crate::csv_export::CsvExport::new();
    csv.row(AUDIT_COLUMNS.iter().copied())?;
    for row in audit_rows(audit) {
        csv.row(row)?;
    }
    csv.finish()
}

/// The audit record of a saved list's channels and of the channels named (every screened
/// channel when neither is given), each channel once, the list's first.
pub fn audit_of(app: &App, list: Option<i64>, channels: &[String]) -> Result<Vec<ChannelSafety>> {
    if list.is_none() && channels.is_empty() {
        return app.safety_audit(None);
    }
    app.safety_audit(Some(&app.shortlist(list, channels)?))
}
