//! A brief in plain words turned into a ranked list of creators, each with the reason it
//! fits and the posts that show it (issue 17, item 6). No hosted model: the brief is read
//! by rules (`clout_core::brief`), its filters go to the Directory, its topics to the post
//! index, and the niche taxonomy reads the topics as it reads a profile.
//!
//! **Fit**, in `0..1`, from the topics `t` (each widened by the user's word vectors when
//! given, see `vectors`): a channel's evidence for a topic is `n` posts about it plus 2
//! when its name or bio says it (what a creator says it is counts like two posts). A
//! topic's weight is `w_t = ln(1 + N / (1 + c_t))` for `N` channels of which `c_t` have
//! any evidence for it (a rare topic says more than a common one), and a channel with
//! evidence `e` earns `w_t × (1 − 0.5ᵉ)` (one post: half, three: 88 %). The topic fit is
//! the sum earned over the sum of weights. When the topics
//! imply niches (the taxonomy's labels of the topics read as a bio, at confidence 0.25 or
//! more; beside another niche, one needs a phrase, a hashtag or two keywords: "budget
//! meals" is not finance), fit = 0.8 × topic fit + 0.2 × (labelled with one of them); else
//! the topic fit. A brief naming formats counts only posts of those formats, and keeps only channels
//! with at least one; without topics a channel's fit is `1 − 0.5ⁿ` for its `n` posts of
//! the formats. A brief with neither is the Directory's filters, in its order.
//!
//! **Order**: the Directory's relevance order with the fit as the text score, so
//! `fit × (0.5 + 0.5 × merit)` (see `clout_core::discovery::merit`); the filters the brief
//! names (country, language, platform, tier, followers) are exact, like the Directory's.

// Maps of up to a million channels, keyed by row id: a fast hash.
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::{Arc, OnceLock};

use clout_core::brief::{Brief, Lexicon};
use clout_core::discovery::{DiscoveryQuery, SortKey};
use clout_core::niche::ChannelText;
use clout_core::record::PostType;
use clout_core::text::TextQuery;
use clout_core::{Tier, Timestamp};
use clout_index::posts::{PostFilter, PostReader};

use crate::channels::ChannelView;
use crate::posts::PostView;
use crate::search::Directory;
use crate::{App, Error, Result};

#[cfg(test)]
mod tests;
mod vectors;

pub use vectors::{MAX_NEIGHBOURS, MAX_VECTOR_WORDS, MIN_SIMILARITY, WordVectors};

/// The most creators a brief's page holds.
pub const MAX_BRIEF_LIMIT: usize = 100;
/// Posts cited per creator.
pub(crate) const CITED_POSTS: usize = 3;
/// The share of the fit a niche label gives when the topics imply niches.
const NICHE_SHARE: f64 = 0.2;
/// A niche is implied when the taxonomy labels the topics with at least this confidence.
const NICHE_CONFIDENCE: f64 = 0.25;

/// The places and languages briefs are read with: ISO 3166-1 names and aliases (`celes`)
/// and the English names of the ISO 639-1 languages (`isolang`).
pub fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(|| {
        use celes::LookupTable;
        let countries: Vec<(&str, &str, Vec<&str>)> = celes::Country::get_countries()
            .iter()
            .map(|c| {
                let mut names = vec![c.long_name];
                names.extend(c.aliases.iter().copied());
                (c.alpha2, c.alpha3, names)
            })
            .collect();
        let languages: Vec<(&str, &str)> = isolang::languages()
            .filter_map(|l| Some((l.to_name(), l.to_639_1()?)))
            .flat_map(|(name, code)| name.split([';', ',']).map(move |n| (n.trim(), code)))
            .filter(|(n, _)| !n.is_empty())
            .collect();
        Lexicon::new(countries, languages)
    })
}

/// A country's name for people ("Australia", "United Kingdom"), or the code when it is
/// not an ISO 3166-1 one. An official name of more than three words gives way to the
/// longest alias it starts with ("The United Kingdom Of Great Britain…": "United Kingdom").
pub fn country_name(code: &str) -> String {
    use celes::LookupTable;
    let Ok(c) = celes::Country::from_alpha2(code) else { return code.to_string() };
    let long = c.long_name.strip_prefix("The ").unwrap_or(c.long_name);
    if long.split_whitespace().count() <= 3 {
        return long.to_string();
    }
    let joined: String = long.split_whitespace().collect();
    let split = |alias: &str| {
        let mut out = String::new();
        for ch in alias.chars() {
            if ch.is_uppercase() && !out.is_empty() {
                out.push(' ');
            }
            out.push(ch);
        }
        out
    };
    c.aliases
        .iter()
        .filter(|a| joined.to_lowercase().starts_with(&a.to_lowercase()))
        .map(|a| split(a))
        .filter(|a| a.split_whitespace().count() <= 3)
        .max_by_key(|a| a.len())
        .unwrap_or_else(|| long.to_string())
}

/// A language's English name ("Spanish"), or the code when it is not an ISO 639-1 one.
pub fn language_name(code: &str) -> String {
    isolang::Language::from_639_1(code).map_or_else(|| code.to_string(), |l| l.to_name().to_string())
}

/// A reading as a person says it: "country Australia", "posts of type reel or short".
pub fn reading_label(m: &clout_core::brief::Meaning) -> String {
    use clout_core::brief::Meaning;
    let count = |n: u64| clout_core::metric::catalogue::thousands(n);
    match m {
        Meaning::Country(c) => format!("country {}", country_name(c)),
        Meaning::Language(l) => format!("language {}", language_name(l)),
        Meaning::Platform(p) => format!("platform {}", p.as_str()),
        Meaning::Tier(t) => format!("tier {}", t.as_str()),
        Meaning::MinFollowers(n) => format!("at least {} followers", count(*n)),
        Meaning::MaxFollowers(n) => format!("at most {} followers", count(*n)),
        Meaning::Formats(f) => {
            format!("posts of type {}", f.iter().map(|f| f.as_str()).collect::<Vec<_>>().join(" or "))
        }
        Meaning::WithinDays(d) => format!("posts of the last {} days", count(u64::from(*d))),
        Meaning::Topic(t) => format!("topic {t}"),
    }
}

/// A brief and the page of creators asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BriefRequest {
    pub text: String,
    pub limit: usize,
    pub offset: usize,
}

/// A topic as searched.
#[derive(Debug, Clone, PartialEq)]
pub struct BriefTopic {
    /// As read from the brief (post search syntax).
    pub topic: String,
    /// Words the vectors file found similar, with their cosine similarity.
    pub similar: Vec<(String, f32)>,
    /// Channels with at least one matching post.
    pub channels: u64,
    /// `ln(1 + N / (1 + channels))`.
    pub weight: f64,
}

/// A niche the topics imply.
#[derive(Debug, Clone, PartialEq)]
pub struct BriefNiche {
    pub id: String,
    pub name: String,
    /// The brief's words that decided it.
    pub evidence: Vec<String>,
}

/// A post cited for a creator, with the topics it matched.
#[derive(Debug, Clone, PartialEq)]
pub struct CitedPost {
    pub post: PostView,
    pub topics: Vec<String>,
}

/// One creator of the answer.
#[derive(Debug, Clone, PartialEq)]
pub struct BriefCreator {
    pub channel: ChannelView,
    /// `fit × (0.5 + 0.5 × merit)`: the order.
    pub score: Option<f64>,
    /// How well its posts and labels match the brief, `0..1` (see the module's header).
    pub fit: f64,
    /// Per topic (in [`BriefResults::topics`] order), its matching posts.
    pub topic_posts: Vec<u32>,
    /// The topics its name or bio says.
    pub profile_topics: Vec<String>,
    /// The implied niches it is labelled with (ids).
    pub niches: Vec<String>,
    /// Its posts of the brief's formats, when the brief names some.
    pub format_posts: Option<u32>,
    /// The fit in one sentence.
    pub reason: String,
    /// Its best matching posts, best first.
    pub posts: Vec<CitedPost>,
}

/// A brief's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct BriefResults {
    pub brief: Brief,
    pub topics: Vec<BriefTopic>,
    pub niches: Vec<BriefNiche>,
    /// Posts counted from (Unix seconds), when the brief names a window.
    pub since: Option<i64>,
    /// The filters the brief names, as Directory URL pairs (to open them there).
    pub directory: Vec<(String, String)>,
    /// Creators matching in all.
    pub total: u64,
    pub creators: Vec<BriefCreator>,
    /// Whether the post index holds every post the store holds.
    pub current: bool,
    /// Whether profiles were read (the full-text index holds the store's text; else only
    /// posts are evidence).
    pub profiles: bool,
    /// The word vectors used, when any: (words read, dimensions).
    pub vectors: Option<(usize, usize)>,
}

fn kinds(formats: &[PostType]) -> Vec<u8> {
    formats.iter().map(|&f| crate::post_index::post_kind(Some(f))).collect()
}

/// The Directory query of a brief's filters, and the same as URL pairs.
fn filters(brief: &Brief, limit: usize, offset: usize) -> (DiscoveryQuery, Vec<(String, String)>) {
    let mut q = DiscoveryQuery::everything();
    q.countries = brief.countries.clone();
    q.languages = brief.languages.clone();
    q.platforms = brief.platforms.clone();
    q.tiers = brief.tiers.clone();
    q.min_followers = brief.min_followers;
    q.max_followers = brief.max_followers;
    q.sort = SortKey::Relevance;
    q.limit = limit;
    q.offset = offset;
    let mut pairs: Vec<(String, String)> = Vec::new();
    pairs.extend(q.countries.iter().map(|c| ("country".to_string(), c.clone())));
    pairs.extend(q.languages.iter().map(|l| ("language".to_string(), l.clone())));
    pairs.extend(q.platforms.iter().map(|p| ("platform".to_string(), p.as_str().to_string())));
    pairs.extend(q.tiers.iter().map(|t| ("tier".to_string(), t.as_str().to_string())));
    pairs.extend(q.min_followers.map(|n| ("min_followers".to_string(), n.to_string())));
    pairs.extend(q.max_followers.map(|n| ("max_followers".to_string(), n.to_string())));
    (q, pairs)
}

fn index_error(e: impl std::fmt::Display) -> Error {
    Error::Internal(format!("searching the post index: {e}"))
}

/// What the indexes say of a brief's topics: per topic its queries, the channels that
/// posted about it (how many posts) and those whose profile says it.
struct Evidence {
    queries: Vec<Vec<TextQuery>>,
    counts: Vec<HashMap<i64, u32>>,
    profiles: Vec<HashSet<i64>>,
    format: Option<HashMap<i64, u32>>,
}

/// A profile saying a topic counts as this many posts about it.
const PROFILE_POSTS: u32 = 2;

impl Evidence {
    /// A channel's evidence for topic `t`: its posts, plus [`PROFILE_POSTS`] for its profile.
    fn of(&self, t: usize, channel: i64) -> u32 {
        self.counts[t].get(&channel).copied().unwrap_or(0)
            + if self.profiles[t].contains(&channel) { PROFILE_POSTS } else { 0 }
    }
}

impl App {
    /// The word vectors of the configuration, read once per process (an unreadable file
    /// is an error a user can act on).
    fn word_vectors(&self) -> Result<Option<Arc<WordVectors>>> {
        let Some(path) = self.config.vectors_file.as_deref() else { return Ok(None) };
        static LOADED: OnceLock<std::sync::Mutex<HashMap<std::path::PathBuf, Arc<WordVectors>>>> = OnceLock::new();
        let cache = LOADED.get_or_init(Default::default);
        if let Some(v) = cache.lock().ok().and_then(|c| c.get(path).cloned()) {
            return Ok(Some(v));
        }
        let v = Arc::new(WordVectors::load(path)?);
        if let Ok(mut c) = cache.lock() {
            c.insert(path.to_path_buf(), v.clone());
        }
        Ok(Some(v))
    }

    /// The niches the topics imply: the taxonomy's labels of the topics read as a bio.
    fn implied_niches(&self, brief: &Brief) -> Result<Vec<BriefNiche>> {
        let words: Vec<String> = brief
            .topics
            .iter()
            .filter(|t| !t.starts_with('@'))
            .map(|t| t.trim_matches(['"', '#']).to_string())
            .collect();
        if words.is_empty() {
            return Ok(Vec::new());
        }
        let bio = words.join(" ");
        let tags: Vec<&str> = brief.topics.iter().filter_map(|t| t.strip_prefix('#')).collect();
        let classifier = self.niche_classifier()?;
        let text = ChannelText { name: None, bio: Some(&bio), category: None, captions: Vec::new(), hashtags: tags };
        let niches = classifier.taxonomy().niches();
        let labels = classifier.classify(&text);
        // One word can belong to several worlds ("budget meals" is not finance): beside
        // another niche, a niche needs a phrase, a hashtag or two of its keywords.
        // ("budget" and "budgeting" are one word of the brief: stems are counted.)
        let alone = labels.len() == 1;
        let stemmer = rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English);
        let strong = |l: &clout_core::niche::NicheLabel| {
            let stems: HashSet<String> = l.evidence.iter().map(|e| stemmer.stem(&e.term).into_owned()).collect();
            alone
                || stems.len() >= 2
                || l.evidence.iter().any(|e| e.term.contains(' ') || e.field == clout_core::niche::TextField::Hashtag)
        };
        Ok(labels
            .into_iter()
            .filter(|l| l.confidence >= NICHE_CONFIDENCE && strong(l))
            .take(2)
            .map(|l| BriefNiche {
                id: niches[l.niche].id.clone(),
                name: niches[l.niche].name.clone(),
                evidence: l.evidence.iter().map(|e| e.term.clone()).collect(),
            })
            .collect())
    }

    /// Each topic's queries (itself and its similar words) and the channels posting it.
    fn evidence(
        &self,
        posts: &PostReader,
        profiles: Option<&clout_index::text::TextReader>,
        topics: &mut [BriefTopic],
        filter: &PostFilter,
        formats: bool,
    ) -> Result<Evidence> {
        let mut queries = Vec::with_capacity(topics.len());
        let mut counts = Vec::with_capacity(topics.len());
        let mut profile_sets = Vec::with_capacity(topics.len());
        for t in topics.iter() {
            let mut any = Vec::new();
            for text in std::iter::once(t.topic.as_str()).chain(t.similar.iter().map(|s| s.0.as_str())) {
                if let Some(q) = TextQuery::parse(text)? {
                    any.push(q);
                }
            }
            let found: HashMap<i64, u32> =
                posts.channels_posting_any(&any, filter).map_err(index_error)?.into_iter().collect();
            let mut said = HashSet::default();
            if let Some(text) = profiles {
                for q in &any {
                    said.extend(text.profile_matches(q).map_err(index_error)?);
                }
            }
            queries.push(any);
            counts.push(found);
            profile_sets.push(said);
        }
        let format = formats.then(|| posts.channels_posting_any(&[], filter)).transpose().map_err(index_error)?;
        Ok(Evidence { queries, counts, profiles: profile_sets, format: format.map(|f| f.into_iter().collect()) })
    }

    /// Answers a brief on `directory` (see the module's header).
    pub(crate) fn brief_with(
        &self,
        directory: &Directory,
        request: &BriefRequest,
        now: Timestamp,
    ) -> Result<BriefResults> {
        let brief = Brief::parse(&request.text, lexicon()).map_err(|e| Error::Invalid(e.to_string()))?;
        let limit = request.limit.clamp(1, MAX_BRIEF_LIMIT);
        let (mut query, directory_pairs) = filters(&brief, limit, request.offset);
        let since = brief.within_days.map(|d| now.unix() - i64::from(d) * 86_400);
        let filter = PostFilter { since, kinds: kinds(&brief.formats), ..PostFilter::default() };
        let vectors = self.word_vectors()?;
        let stop = |w: &str| Brief::parse(w, lexicon()).map_or(true, |b| b.topics.is_empty());
        let mut topics: Vec<BriefTopic> = brief
            .topics
            .iter()
            .map(|t| {
                let single = t.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '\'');
                let similar = match (&vectors, single) {
                    (Some(v), true) => v.neighbours(t, &stop),
                    _ => Vec::new(),
                };
                BriefTopic { topic: t.clone(), similar, channels: 0, weight: 0.0 }
            })
            .collect();
        let niches = self.implied_niches(&brief)?;
        let needs_posts = !topics.is_empty() || !brief.formats.is_empty();
        let posts = needs_posts.then(|| self.posts_or_build()).transpose()?;
        // Profiles through the full-text index while it holds the store's text.
        let profiles = directory.text.as_ref().filter(|r| self.text_is_current(r));
        let evidence = match &posts {
            Some(p) => Some(self.evidence(&p.reader, profiles, &mut topics, &filter, !brief.formats.is_empty())?),
            None => None,
        };
        let channels = directory.channels().max(1) as f64;
        if let Some(ev) = &evidence {
            for (t, (found, said)) in topics.iter_mut().zip(ev.counts.iter().zip(&ev.profiles)) {
                t.channels = found.keys().chain(said.iter()).collect::<HashSet<_>>().len() as u64;
                t.weight = (1.0 + channels / (1.0 + t.channels as f64)).ln();
            }
        }
        let members: HashSet<i64> = niches.iter().flat_map(|n| directory.index.niche_members(&n.id)).collect();
        // The fit of every channel with any evidence.
        let fits: Option<HashMap<i64, f64>> = evidence.as_ref().map(|ev| {
            let total_weight: f64 = topics.iter().map(|t| t.weight).sum();
            let mut candidates: HashSet<i64> = ev.counts.iter().flat_map(|m| m.keys().copied()).collect();
            candidates.extend(ev.profiles.iter().flatten().copied());
            candidates.extend(members.iter().copied());
            if topics.is_empty()
                && let Some(f) = &ev.format
            {
                candidates.extend(f.keys().copied());
            }
            candidates
                .into_iter()
                .filter(|c| ev.format.as_ref().is_none_or(|f| f.contains_key(c)))
                .filter_map(|c| {
                    let fit = if topics.is_empty() {
                        let n = ev.format.as_ref().and_then(|f| f.get(&c)).copied().unwrap_or(0);
                        1.0 - 0.5f64.powi(n as i32)
                    } else {
                        let earned: f64 = topics
                            .iter()
                            .enumerate()
                            .map(|(i, t)| t.weight * (1.0 - 0.5f64.powi(ev.of(i, c).min(64) as i32)))
                            .sum();
                        let topic_fit = if total_weight > 0.0 { earned / total_weight } else { 0.0 };
                        if niches.is_empty() {
                            topic_fit
                        } else {
                            (1.0 - NICHE_SHARE) * topic_fit + NICHE_SHARE * f64::from(u8::from(members.contains(&c)))
                        }
                    };
                    (fit > 0.0).then_some((c, fit))
                })
                .collect()
        });
        let hits = fits.as_ref().map(|f| Arc::new(directory.index.text_hits(f.iter().map(|(c, s)| (*c, *s)))));
        query.text = None;
        let page = directory.index.search_hits(&query, hits.as_deref().map(Vec::as_slice));
        let ids: Vec<i64> = page.hits.iter().map(|h| h.channel_id).collect();
        let mut niches_of = self.store.niches_of_many(&ids)?;
        let mut rows: HashMap<i64, clout_store::ChannelRow> =
            self.store.channels_by_ids(&ids)?.into_iter().map(|r| (r.id, r)).collect();
        let mut creators = Vec::with_capacity(ids.len());
        for hit in &page.hits {
            let Some(row) = rows.remove(&hit.channel_id) else { continue };
            let channel =
                crate::channels::view(row, query.preset, niches_of.remove(&hit.channel_id).unwrap_or_default());
            let c = hit.channel_id;
            let topic_posts: Vec<u32> = evidence
                .as_ref()
                .map(|ev| ev.counts.iter().map(|m| m.get(&c).copied().unwrap_or(0)).collect())
                .unwrap_or_default();
            let profile_topics: Vec<String> = evidence
                .as_ref()
                .map(|ev| {
                    topics
                        .iter()
                        .zip(&ev.profiles)
                        .filter(|(_, p)| p.contains(&c))
                        .map(|(t, _)| t.topic.clone())
                        .collect()
                })
                .unwrap_or_default();
            let format_posts =
                evidence.as_ref().and_then(|ev| ev.format.as_ref()).map(|f| f.get(&c).copied().unwrap_or(0));
            let labelled: Vec<String> = niches
                .iter()
                .filter(|n| channel.niches.iter().any(|l| l.niche == n.id))
                .map(|n| n.id.clone())
                .collect();
            let cited = match (&posts, &evidence) {
                (Some(p), Some(ev)) => self.cite(&p.reader, c, ev, &topics, &filter)?,
                _ => Vec::new(),
            };
            let fit = fits.as_ref().and_then(|f| f.get(&c).copied()).unwrap_or(1.0);
            let mut creator = BriefCreator {
                channel,
                score: hit.score,
                fit,
                topic_posts,
                profile_topics,
                niches: labelled,
                format_posts,
                reason: String::new(),
                posts: cited,
            };
            creator.reason = reason(&brief, &topics, &niches, &creator);
            creators.push(creator);
        }
        Ok(BriefResults {
            brief,
            topics,
            niches,
            since,
            directory: directory_pairs,
            total: page.total,
            creators,
            current: posts.as_ref().is_none_or(|p| p.current),
            profiles: profiles.is_some(),
            vectors: vectors.map(|v| (v.len(), v.dimensions())),
        })
    }

    /// A creator's best posts for the brief, with the topics each matched.
    fn cite(
        &self,
        posts: &PostReader,
        channel: i64,
        ev: &Evidence,
        topics: &[BriefTopic],
        filter: &PostFilter,
    ) -> Result<Vec<CitedPost>> {
        let all: Vec<TextQuery> = ev.queries.iter().flatten().cloned().collect();
        let best = posts.search_channel(channel, &all, filter, CITED_POSTS).map_err(index_error)?;
        let ids: Vec<i64> = best.hits.iter().map(|h| h.post_id).collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        // Which topics each cited post matched: the topic's own matches among the channel's.
        let mut matched: HashMap<i64, Vec<String>> = HashMap::default();
        for (t, queries) in topics.iter().zip(&ev.queries) {
            let page = posts.search_channel(channel, queries, filter, 1_000).map_err(index_error)?;
            for h in page.hits.iter().filter(|h| ids.contains(&h.post_id)) {
                matched.entry(h.post_id).or_default().push(t.topic.clone());
            }
        }
        let mut found: HashMap<i64, clout_store::FoundPost> =
            self.store.found_posts(&ids)?.into_iter().map(|f| (f.post_id, f)).collect();
        Ok(best
            .hits
            .iter()
            .filter_map(|h| {
                Some(CitedPost {
                    post: PostView::of(found.remove(&h.post_id)?, h.score),
                    topics: matched.remove(&h.post_id).unwrap_or_default(),
                })
            })
            .collect())
    }
}

fn plural(n: u32, one: &str, many: &str) -> String {
    format!("{} {}", clout_core::metric::catalogue::thousands(u64::from(n)), if n == 1 { one } else { many })
}

/// The fit in one sentence a marketer reads: topics with their posts, niches, formats,
/// size.
fn reason(brief: &Brief, topics: &[BriefTopic], niches: &[BriefNiche], c: &BriefCreator) -> String {
    let mut parts: Vec<String> = Vec::new();
    if !topics.is_empty() {
        let matched =
            topics.iter().zip(&c.topic_posts).filter(|(t, n)| **n > 0 || c.profile_topics.contains(&t.topic)).count();
        parts.push(match matched {
            0 => "no topic matched".to_string(),
            m => format!("{m} of {} topics", topics.len()),
        });
    }
    let about: Vec<String> = topics
        .iter()
        .zip(&c.topic_posts)
        .filter(|(_, n)| **n > 0)
        .map(|(t, n)| format!("{} ({})", t.topic, plural(*n, "post", "posts")))
        .collect();
    if !about.is_empty() {
        parts.push(format!("posted about {}", about.join(", ")));
    }
    if !c.profile_topics.is_empty() {
        parts.push(format!("profile says {}", c.profile_topics.join(", ")));
    }
    for n in niches.iter().filter(|n| c.niches.contains(&n.id)) {
        parts.push(format!("labelled {}", n.name));
    }
    if let Some(n) = c.format_posts {
        let names: Vec<&str> = brief.formats.iter().map(|f| f.as_str()).collect();
        parts.push(format!("{} of the formats asked for ({})", plural(n, "post", "posts"), names.join(", ")));
    }
    let row = &c.channel.row;
    let mut size = Vec::new();
    if let Some(t) = c.channel.tier.filter(|t| *t != Tier::None) {
        size.push(t.as_str().to_string());
    }
    if let Some(f) = row.followers {
        size.push(format!("{} followers", clout_core::metric::catalogue::thousands(f)));
    }
    if let Some(country) = &row.country {
        size.push(format!("in {}", country_name(country)));
    }
    if !size.is_empty() {
        parts.push(size.join(", "));
    }
    let mut s = parts.join("; ");
    if let Some(first) = s.get(..1) {
        s = first.to_uppercase() + &s[1..];
    }
    s
}
