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
use clout_index::posts::{PostFacts, PostFilter};
use clout_store::ChannelStore;

use crate::query::{QueryError, invalid, moment, unknown};
use crate::{App, Error, Result};

/// The most competitors one report compares.
pub const MAX_COMPETITORS: usize = 10;

/// The keys a brand report takes.
pub const BRAND_KEYS: &[&str] = &["brand", "vs", "since", "until", "platform"];

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
/// (a date, an RFC 3339 time or `90d`), `platform` (repeatable).
pub fn brand_query(pairs: &[(String, String)], strict: bool, now: Timestamp) -> Result<BrandQuery, QueryError> {
    let mut q =
        BrandQuery { brand: String::new(), competitors: Vec::new(), platforms: Vec::new(), since: None, until: None };
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
    fn add(&mut self, f: &PostFacts) {
        self.posts += 1;
        self.engagements += f.engagements;
        if f.sponsored {
            self.sponsored += 1;
            self.sponsored_engagements += f.engagements;
        }
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
    /// Most posts first, then most engagements.
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
    /// Every post about `brand` passing `filter`, each once.
    fn brand_posts(
        &self,
        reader: &clout_index::posts::PostReader,
        brand: &str,
        filter: &PostFilter,
    ) -> Result<Vec<PostFacts>> {
        let tag: String = brand.chars().filter(|c| c.is_alphanumeric() || *c == '_').collect();
        reader.brand_facts(brand, &tag, filter).map_err(|e| Error::Internal(format!("searching the post index: {e}")))
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
        let mine = self.brand_posts(&posts.reader, &q.brand, &filter)?;
        let mut split = Split::default();
        let mut per_channel: HashMap<i64, (Split, i64, i64)> = HashMap::new();
        let mut months: BTreeMap<i64, Split> = BTreeMap::new();
        // A report reads hundreds of thousands of posts from a few hundred days: each day's
        // month is worked out once.
        let mut month_of_day: HashMap<i64, i64> = HashMap::new();
        for f in &mine {
            split.add(f);
            let e = per_channel.entry(f.channel_id).or_insert((Split::default(), i64::MAX, i64::MIN));
            e.0.add(f);
            e.1 = e.1.min(f.published_at);
            e.2 = e.2.max(f.published_at);
            let m = *month_of_day.entry(f.published_at.div_euclid(86_400)).or_insert_with(|| month(f.published_at));
            months.entry(m).or_default().add(f);
        }
        let ids: Vec<i64> = per_channel.keys().copied().collect();
        let mut creators: Vec<BrandCreator> = self
            .store
            .channels_by_ids(&ids)?
            .into_iter()
            .filter_map(|channel| {
                let (split, first, last) = per_channel.get(&channel.id).copied()?;
                Some(BrandCreator {
                    channel,
                    split,
                    first: Timestamp::from_unix(first),
                    last: Timestamp::from_unix(last),
                })
            })
            .collect();
        creators.sort_by(|a, b| {
            (b.split.posts, b.split.engagements, &a.channel.handle).cmp(&(
                a.split.posts,
                a.split.engagements,
                &b.channel.handle,
            ))
        });
        let mut voices = vec![Voice {
            brand: q.brand.clone(),
            split,
            creators: per_channel.len() as u64,
            share_of_posts: None,
            share_of_engagements: None,
        }];
        for c in &q.competitors {
            let theirs = self.brand_posts(&posts.reader, c, &filter)?;
            let mut s = Split::default();
            theirs.iter().for_each(|f| s.add(f));
            let creators = theirs.iter().map(|f| f.channel_id).collect::<std::collections::HashSet<_>>().len() as u64;
            voices.push(Voice {
                brand: c.clone(),
                split: s,
                creators,
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
            creators,
            months: months.into_iter().map(|(m, s)| (month_name(m), s)).collect(),
            voices,
            complete: posts.current,
        })
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
