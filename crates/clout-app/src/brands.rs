//! Brands and competitors: who posted about a brand, sponsored or organic, when, with the
//! engagements those posts earned, and its share of voice against competitors the user
//! names. Read from the post index (`post_index`), with the channels' names from the store.
//!
//! A post is about a brand when it mentions the brand's account (`@glowlab`, among the
//! post's mentions or written in its caption) or carries its name as a hashtag
//! (`#glowlab`; for `@northpeak.co`, `#northpeakco`), each compared whole (`#nikes` is
//! not `#nike`). Sponsored is the paid-partnership flag as the source gave it; a post
//! without it counts as organic. In the share of voice, a post about two of the brands
//! compared counts for each (as a mention of each).

use std::collections::{BTreeMap, HashMap};

use clout_core::{Platform, Timestamp};
use clout_index::posts::{BrandTally, PostFilter, PostTally};

use crate::query::{QueryError, invalid, limit, moment, offset, unknown};
use crate::{App, Error, Result};

/// The most competitors one report compares.
pub const MAX_COMPETITORS: usize = 10;

/// The keys a brand report takes.
pub const BRAND_KEYS: &[&str] = &["brand", "vs", "since", "until", "platform", "limit", "offset"];

/// A brand report's question.
#[derive(Debug, Clone, PartialEq)]
pub struct BrandQuery {
    /// The brand's account, lowercased, without `@`.
    pub brand: String,
    /// Competitors' accounts, the same way.
    pub competitors: Vec<String>,
    pub platforms: Vec<Platform>,
    pub since: Option<i64>,
    pub until: Option<i64>,
    /// The page of creators: how many (default 50) from where.
    pub limit: usize,
    pub offset: usize,
}

/// An account name as typed (`@Nike`, `nike`), or why it is not one.
fn account(key: &str, raw: &str) -> Result<String, QueryError> {
    let name = raw.trim().trim_start_matches('@').to_lowercase();
    let ok = !name.is_empty()
        && raw.trim().chars().count() <= 100
        && name.chars().all(|c| c.is_alphanumeric() || c == '.' || c == '_' || c == '-')
        && name.chars().any(char::is_alphanumeric);
    if ok { Ok(name) } else { Err(invalid(key, format!("'{raw}' is not an account name (such as @glowlab)"))) }
}

/// A brand report from pairs: `brand` (required), `vs` (repeatable), `since` and `until`
/// (a date, an RFC 3339 time or `90d`), `platform` (repeatable), `limit` and `offset` (the
/// page of creators).
pub fn brand_query(pairs: &[(String, String)], strict: bool, now: Timestamp) -> Result<BrandQuery, QueryError> {
    let mut q = BrandQuery {
        brand: String::new(),
        competitors: Vec::new(),
        platforms: Vec::new(),
        since: None,
        until: None,
        limit: 50,
        offset: 0,
    };
    for (key, value) in pairs {
        let key = key.as_str();
        if value.trim().is_empty() {
            continue;
        }
        match key {
            "brand" => q.brand = account(key, value)?,
            "vs" => {
                let c = account(key, value)?;
                if !q.competitors.contains(&c) {
                    q.competitors.push(c);
                }
            }
            "since" => q.since = Some(moment(key, value, now)?),
            "until" => q.until = Some(moment(key, value, now)?),
            "platform" => q.platforms.push(Platform::parse(value).map_err(|e| invalid(key, e.to_string()))?),
            "limit" => q.limit = limit(key, value)?,
            "offset" => q.offset = offset(key, value)?,
            other if strict => return Err(unknown(other)),
            _ => {}
        }
    }
    if q.brand.is_empty() {
        return Err(invalid("brand", "a brand report needs the brand's account (such as @glowlab)"));
    }
    q.competitors.retain(|c| *c != q.brand);
    if q.competitors.len() > MAX_COMPETITORS {
        return Err(invalid("vs", format!("{} competitors: at most {MAX_COMPETITORS}", q.competitors.len())));
    }
    // A period that ends before it starts holds no post: an empty answer, not an error
    // (as a minimum above its maximum in a search).
    Ok(q)
}

/// Posts, split into sponsored and organic, with their engagements.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Split {
    pub posts: u64,
    pub sponsored: u64,
    pub engagements: u64,
    pub sponsored_engagements: u64,
}

impl Split {
    fn of(t: &PostTally) -> Split {
        Split {
            posts: t.posts,
            sponsored: t.sponsored,
            engagements: t.engagements,
            sponsored_engagements: t.sponsored_engagements,
        }
    }

    fn merge(&mut self, other: &Split) {
        self.posts += other.posts;
        self.sponsored += other.sponsored;
        self.engagements += other.engagements;
        self.sponsored_engagements += other.sponsored_engagements;
    }

    pub fn organic(&self) -> u64 {
        self.posts - self.sponsored
    }

    pub fn organic_engagements(&self) -> u64 {
        self.engagements - self.sponsored_engagements
    }
}

/// A creator who posted about the brand.
#[derive(Debug, Clone, PartialEq)]
pub struct BrandCreator {
    pub channel: clout_store::ChannelRow,
    pub split: Split,
    pub first: Timestamp,
    pub last: Timestamp,
}

/// One brand's voice in the period: posts, engagements and creators, and its shares of
/// the compared brands' totals (percentages; `None` when the brands have no posts at all).
#[derive(Debug, Clone, PartialEq)]
pub struct Voice {
    pub brand: String,
    pub split: Split,
    pub creators: u64,
    pub share_of_posts: Option<f64>,
    pub share_of_engagements: Option<f64>,
}

/// Who posted about a brand, and how it compares.
#[derive(Debug, Clone, PartialEq)]
pub struct BrandReport {
    pub query: BrandQuery,
    pub split: Split,
    /// How many creators posted about the brand.
    pub creator_count: u64,
    /// The page of them the query asked for: most posts first, then most engagements,
    /// then by handle.
    pub creators: Vec<BrandCreator>,
    /// By calendar month (UTC, `2026-11`), oldest first: only months with posts.
    pub months: Vec<(String, Split)>,
    /// The brand, then each competitor in the order given.
    pub voices: Vec<Voice>,
    /// Whether the post index holds every post the store holds.
    pub complete: bool,
}

/// The month of a moment, `2026-11`, in UTC.
/// A time's calendar month in UTC as `year × 12 + month − 1` (so months sort by it).
fn month(t: i64) -> i64 {
    jiff::Timestamp::from_second(t)
        .map(|t| {
            let day = jiff::tz::Offset::UTC.to_datetime(t);
            i64::from(day.year()) * 12 + i64::from(day.month()) - 1
        })
        .unwrap_or(0)
}

/// `2026-11` for a [`month`].
fn month_name(m: i64) -> String {
    format!("{:04}-{:02}", m.div_euclid(12), m.rem_euclid(12) + 1)
}

fn percent(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64 * 100.0)
}

impl App {
    /// The posts about `brand` passing `filter`, tallied.
    fn brand_tally(
        &self,
        reader: &clout_index::posts::PostReader,
        brand: &str,
        filter: &PostFilter,
    ) -> Result<BrandTally> {
        let tag: String = brand.chars().filter(|c| c.is_alphanumeric() || *c == '_').collect();
        reader.brand_tally(brand, &tag, filter).map_err(|e| Error::Internal(format!("searching the post index: {e}")))
    }

    /// A brand report.
    pub(crate) fn brand_report(&self, q: &BrandQuery) -> Result<BrandReport> {
        let posts = self.posts_or_build()?;
        let filter = PostFilter {
            platforms: q.platforms.iter().map(|p| p.code()).collect(),
            since: q.since,
            until: q.until,
            sponsored: None,
            kinds: Vec::new(),
        };
        let mine = self.brand_tally(&posts.reader, &q.brand, &filter)?;
        let mut split = Split::default();
        let mut months: BTreeMap<i64, Split> = BTreeMap::new();
        for (day, t) in &mine.days {
            split.merge(&Split::of(t));
            months.entry(month(day * 86_400)).or_default().merge(&Split::of(t));
        }
        let creators = self.creator_page(&mine, q.offset, q.limit)?;
        let mut voices = vec![Voice {
            brand: q.brand.clone(),
            split,
            creators: mine.channels.len() as u64,
            share_of_posts: None,
            share_of_engagements: None,
        }];
        for c in &q.competitors {
            let theirs = self.brand_tally(&posts.reader, c, &filter)?;
            let mut s = Split::default();
            theirs.days.values().for_each(|t| s.merge(&Split::of(t)));
            voices.push(Voice {
                brand: c.clone(),
                split: s,
                creators: theirs.channels.len() as u64,
                share_of_posts: None,
                share_of_engagements: None,
            });
        }
        let (all_posts, all_engagements) =
            voices.iter().fold((0, 0), |(p, e), v| (p + v.split.posts, e + v.split.engagements));
        for v in &mut voices {
            v.share_of_posts = percent(v.split.posts, all_posts);
            v.share_of_engagements = percent(v.split.engagements, all_engagements);
        }
        Ok(BrandReport {
            query: q.clone(),
            split,
            creator_count: mine.channels.len() as u64,
            creators,
            months: months.into_iter().map(|(m, s)| (month_name(m), s)).collect(),
            voices,
            complete: posts.current,
        })
    }

    /// The page `offset..offset + limit` of the tally's creators, most posts first, then
    /// most engagements, then by handle: ranked on the counts alone, with the handles read
    /// only for the page and the creators tied with its ends (so a report on a brand a
    /// hundred thousand creators mention reads a page of rows, not all of them).
    fn creator_page(&self, tally: &BrandTally, offset: usize, limit: usize) -> Result<Vec<BrandCreator>> {
        let key = |t: &PostTally| (std::cmp::Reverse(t.posts), std::cmp::Reverse(t.engagements));
        let mut ranked: Vec<(i64, &PostTally)> = tally.channels.iter().map(|(c, t)| (*c, t)).collect();
        ranked.sort_unstable_by_key(|(_, t)| key(t));
        let end = offset.saturating_add(limit).min(ranked.len());
        if offset >= end {
            return Ok(Vec::new());
        }
        // Widen to every creator tied with the page's first and last, whose order is by handle.
        let lo = ranked.partition_point(|(_, t)| key(t) < key(ranked[offset].1));
        let hi = ranked.partition_point(|(_, t)| key(t) <= key(ranked[end - 1].1));
        let ids: Vec<i64> = ranked[lo..hi].iter().map(|(c, _)| *c).collect();
        let mut rows: Vec<BrandCreator> = self
            .store
            .channels_by_ids(&ids)?
            .into_iter()
            .filter_map(|channel| {
                let t = tally.channels.get(&channel.id)?;
                Some(BrandCreator {
                    channel,
                    split: Split::of(t),
                    first: Timestamp::from_unix(t.first),
                    last: Timestamp::from_unix(t.last),
                })
            })
            .collect();
        rows.sort_by(|a, b| {
            (b.split.posts, b.split.engagements, &a.channel.handle).cmp(&(
                a.split.posts,
                a.split.engagements,
                &b.channel.handle,
            ))
        });
        Ok(rows.into_iter().skip(offset - lo).take(limit).collect())
    }
}

/// An account a creator's posts mention (a brand, usually): in how many posts, how many of
/// those were sponsored, the engagements they earned, and the last one.
#[derive(Debug, Clone, PartialEq)]
pub struct Mentioned {
    /// Lowercased, without `@`.
    pub account: String,
    pub posts: u64,
    pub sponsored: u64,
    pub engagements: u64,
    pub last: Timestamp,
}

/// The accounts `posts` mention (among their mentions or in their captions), most posts
/// first, then the most recent.
pub(crate) fn mentioned(posts: &[crate::ProfilePost]) -> Vec<Mentioned> {
    let mut by_account: HashMap<String, Mentioned> = HashMap::new();
    for p in posts {
        let post = &p.post;
        let mut accounts: Vec<String> =
            post.mentions.iter().map(|m| m.trim_start_matches('@').to_lowercase()).collect();
        accounts.extend(clout_core::text::mentions_in(post.caption.as_deref().unwrap_or("")));
        accounts.sort_unstable();
        accounts.dedup();
        for account in accounts.into_iter().filter(|a| !a.is_empty()) {
            let published = post.snapshot.published_at;
            let m = by_account.entry(account.clone()).or_insert(Mentioned {
                account,
                posts: 0,
                sponsored: 0,
                engagements: 0,
                last: published,
            });
            m.posts += 1;
            m.sponsored += u64::from(post.sponsored == Some(true));
            m.engagements += post.snapshot.engagements();
            m.last = m.last.max(published);
        }
    }
    let mut out: Vec<Mentioned> = by_account.into_values().collect();
    out.sort_by(|a, b| (b.posts, b.last, &a.account).cmp(&(a.posts, a.last, &b.account)));
    out
}

#[cfg(test)]
mod month_tests {
    use super::*;

    #[test]
    fn a_post_falls_in_its_utc_calendar_month() {
        // 2026-11-30T23:59:59Z and a second later; 1969-12-31T12:00:00Z before the epoch.
        let name = |t: i64| month_name(month(t));
        assert_eq!(name(1_796_083_199), "2026-11");
        assert_eq!(name(1_796_083_200), "2026-12");
        assert_eq!(name(-43_200), "1969-12");
        assert!(month(1_796_083_199) < month(1_796_083_200));
    }
}
