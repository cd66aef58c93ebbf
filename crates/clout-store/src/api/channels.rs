//! [`ChannelStore`]: channels, their posts and audience, and everything derived from them,
//! with the contract a backend meets; implemented here for SQLite's [`Store`].

use std::collections::HashMap;

use clout_core::authenticity::{CommentSummary, GrowthCheck};
use clout_core::benchmark::{BucketStats, Peers};
use clout_core::{Bucket, Platform, PostSnapshot, Timestamp};

use crate::{
    ChannelDetail, ChannelFilter, ChannelInput, ChannelRow, ChannelTextRecord, Channels, CommentRow, DiscoveryRow,
    FollowerVerdicts, MetricsInput, MetricsRecord, PlatformFit, QualityRecord, Result, SampleRow, SearchText, Store,
    StoreStats, StoredChannel, StoredNiche, TextChanges,
};

/// Channels as observed, and what is derived from them.
///
/// **Ground state.** Import runs write the observations ([`crate::ImportRun`]); here they
/// are read: each channel's current profile (its newest `channel` record), its posts'
/// current observations, its follower history, follower samples and comments. A channel
/// is identified by its platform and handle (the handle in `clout_core::Handle`'s normal
/// form) and has a store-wide id.
///
/// **Derived state** is everything recomputed from the ground state: each channel's
/// metrics, audience-quality score, niche labels and searchable text, and each platform's
/// size fit and peer groups. It can be thrown away and recomputed at any time, and it has
/// a phase: *current*, or *stale since* a moment. Stale means that an import batch with
/// records was committed after the last complete recompute started, so derived values may
/// not match the observations. Every such batch counts one write, in its own transaction
/// ([`crate::ImportRun::write_batch`]). A recompute reads [`ChannelStore::derived_writes`]
/// first, replaces the derived data, then calls [`ChannelStore::mark_derived_current`],
/// which makes the phase current only if no write was counted meanwhile.
///
/// **Chunks.** Replacing all derived data ([`ChannelStore::replace_metrics`],
/// [`ChannelStore::replace_quality`], [`ChannelStore::replace_niches`]) is written in
/// transactions of up to 1,000 channels by ascending ranges of channel ids (one
/// transaction when the rows are not in id order), so another writer waits for one chunk,
/// not for a whole recompute. Between chunks a reader sees some channels' new values and
/// others' old ones: that is why the phase stays stale until the recompute marks it.
pub trait ChannelStore {
    /// Row counts: channels, channel and follower observations, posts, post observations
    /// (each post's current one plus its history), import runs and rejects.
    fn stats(&self) -> Result<StoreStats>;

    /// How many channels the store knows.
    fn channel_count(&self) -> Result<u64>;

    /// The channels matching `filter`, with their metrics and quality, ordered by platform
    /// name, then handle.
    fn channels(&self, filter: &ChannelFilter) -> Result<Vec<ChannelRow>>;

    /// The channels with these ids, in the order given; an unknown id is left out.
    fn channels_by_ids(&self, ids: &[i64]) -> Result<Vec<ChannelRow>>;

    /// One channel by id, or `None`.
    fn channel_row_by_id(&self, id: i64) -> Result<Option<ChannelRow>>;

    /// A channel's id by platform and handle (normal form), or `None`.
    fn channel_id(&self, platform: Platform, handle: &str) -> Result<Option<i64>>;

    /// One channel with its posts (newest published first; equal times by post id,
    /// descending) and its follower history (oldest first), or `None` when unknown.
    fn channel_detail(&self, platform: Platform, handle: &str) -> Result<Option<ChannelDetail>>;

    /// Every channel's filterable facts for the discovery index, by ascending id.
    fn discovery_rows(&self) -> Result<Vec<DiscoveryRow>>;

    /// The current observation of every post of these channels, by channel id; a channel
    /// without posts is absent. Posts in no promised order.
    fn posts_of_many(&self, ids: &[i64]) -> Result<HashMap<i64, Vec<PostSnapshot>>>;

    /// A channel's follower samples, by username.
    fn follower_samples_of(&self, channel_id: i64) -> Result<Vec<SampleRow>>;

    /// Every channel's follower samples, by channel id, each channel's by username.
    fn follower_samples_by_channel(&self) -> Result<HashMap<i64, Vec<SampleRow>>>;

    /// Calls `f` once per channel of `which` with follower samples, by ascending id, with
    /// its samples by username: one channel's in memory at a time. Meant to be called for
    /// disjoint sets of channels from several connections at once.
    fn for_each_channel_samples(&self, which: Channels<'_>, f: &mut dyn FnMut(i64, &[SampleRow])) -> Result<()>;

    /// How many follower samples the store holds.
    fn follower_sample_count(&self) -> Result<u64>;

    /// Whether the store holds any follower sample (cheaper than counting them).
    fn has_follower_samples(&self) -> Result<bool>;

    /// The comments on a channel's posts, by comment id.
    fn comments_of(&self, channel_id: i64) -> Result<Vec<CommentRow>>;

    /// Every channel's comments, by channel id, each channel's by comment id (the order of
    /// [`ChannelStore::comments_of`]).
    fn comments_by_channel(&self) -> Result<HashMap<i64, Vec<CommentRow>>>;

    /// Calls `f` once per channel of `which` with comments, by ascending id, with its
    /// comments in the order of [`ChannelStore::comments_of`]: one channel's in memory at
    /// a time. Meant to be called for disjoint sets of channels from several connections.
    fn for_each_channel_comments(&self, which: Channels<'_>, f: &mut dyn FnMut(i64, &[CommentRow])) -> Result<()>;

    /// Every channel of `platform` whose metrics have comments per 100 likes: its
    /// benchmark bucket and that rate, in no promised order.
    fn comment_rates(&self, platform: Platform) -> Result<Vec<(Option<Bucket>, f64)>>;

    /// Calls `f` once per channel, by ascending id, with what its metrics need: its
    /// platform, followers and `as_of` (`None` before a `channel` record), its posts'
    /// current observations and its follower history (both in no promised order). Meant
    /// to stream: a backend need not hold every channel in memory.
    fn for_each_metrics_input(&self, f: &mut dyn FnMut(MetricsInput<'_>)) -> Result<()>;
    /// The lowest and highest channel id, or `None` without channels.
    fn channel_id_bounds(&self) -> Result<Option<(i64, i64)>>;
    /// Calls `f` once per channel of `which`, by ascending id, with everything a recompute
    /// reads of it: its profile, every post's current observation (newest published
    /// first; equal times by post id, descending), the caption and hashtags of its
    /// `captions` newest posts (none with 0: a backend need not read them) and its
    /// follower history (oldest first). Meant to stream, and to be called for disjoint
    /// ranges from several connections at once.
    fn for_each_channel_input(
        &self,
        which: Channels<'_>,
        captions: usize,
        f: &mut dyn FnMut(ChannelInput<'_>),
    ) -> Result<()>;

    /// Replaces every channel's metrics with `metrics` (a channel left out has none
    /// after; the standing among peers in each record is not kept), and the size fits and
    /// peer groups with `peers`, in chunks (see the trait's documentation); the peers go
    /// with the last chunk. From then on, a channel read is compared with `peers`.
    fn replace_metrics(&mut self, metrics: &[(i64, MetricsRecord)], peers: &Peers) -> Result<()>;
    /// Like [`ChannelStore::replace_metrics`] for the channels `ids` (ascending) only:
    /// their metrics are those given (none when absent), every other channel's stay; the
    /// peers are replaced all the same.
    fn replace_metrics_of(&mut self, ids: &[i64], metrics: &[(i64, MetricsRecord)], peers: &Peers) -> Result<()>;
    /// Replaces the follower-growth checks of the channels of `which` with `growth` (a
    /// channel of `which` without one has none after), in chunks.
    fn replace_growth(&mut self, which: Channels<'_>, growth: &[(i64, GrowthCheck)]) -> Result<()>;
    /// Replaces the comment summaries of the channels of `which` with `summaries` (a
    /// channel of `which` without one has none after), in chunks; text comes back on one
    /// line (tabs and line breaks as spaces).
    fn replace_comment_summaries(&mut self, which: Channels<'_>, summaries: &[(i64, CommentSummary)]) -> Result<()>;
    /// Calls `f` once per channel, by ascending id, with its stored derived state: the
    /// numbers of its metrics that peers and scores read (as stored, not compared), its
    /// score, growth check and comments summary. Meant to stream.
    fn for_each_stored(&self, f: &mut dyn FnMut(StoredChannel<'_>)) -> Result<()>;
    /// Writes the audience-quality scores of these channels (in chunks), every other
    /// channel's stay.
    fn update_quality(&mut self, scores: &[(i64, QualityRecord)]) -> Result<()>;
    /// Replaces the follower verdicts of the channels of `which` with `rows` (a channel
    /// of `which` without a row has none after); [`ChannelStore::for_each_stored`] reads
    /// them back.
    fn replace_follower_verdicts(&mut self, which: Channels<'_>, rows: &[(i64, FollowerVerdicts)]) -> Result<()>;
    /// Every platform's size fit, by platform name.
    fn platform_fits(&self) -> Result<Vec<PlatformFit>>;

    /// Every peer group, by platform, then bucket (in `Platform` and `Bucket` order).
    fn bucket_stats(&self) -> Result<Vec<BucketStats>>;

    /// Replaces every audience-quality score with `scores` (a channel left out has none
    /// after), in chunks.
    fn replace_quality(&mut self, scores: &[(i64, QualityRecord)]) -> Result<()>;

    /// Calls `f` once per channel, by ascending id, with its profile text and the caption
    /// and hashtags of its `posts` newest posts (newest published first; equal times by post id, descending, as [`ChannelStore::for_each_channel_input`]).
    fn for_each_channel_text(&self, posts: usize, f: &mut dyn FnMut(ChannelTextRecord)) -> Result<()>;

    /// [`ChannelStore::for_each_channel_text`] for the channels `ids` only (ascending),
    /// in their order; an unknown id is skipped.
    fn for_each_channel_text_of(&self, ids: &[i64], posts: usize, f: &mut dyn FnMut(ChannelTextRecord)) -> Result<()>;

    /// Replaces every niche label with `labels` and all searchable text with `texts`, in
    /// chunks. The text is what [`crate::TextSearch`] searches from its chunk's commit on;
    /// each channel's 8 most used hashtags are kept from it for
    /// [`ChannelStore::hashtags_by_channel`]. Returns what changed in the text; every
    /// transaction that changed some bumps [`crate::TextSearch::text_version`].
    fn replace_niches(&mut self, labels: &[(i64, Vec<StoredNiche>)], texts: &[SearchText]) -> Result<TextChanges>;

    /// Like [`ChannelStore::replace_niches`] for the channels `ids` only: their labels and
    /// text are replaced by those given (none when absent), every other channel's stay.
    fn replace_niches_of(
        &mut self,
        ids: &[i64],
        labels: &[(i64, Vec<StoredNiche>)],
        texts: &[SearchText],
    ) -> Result<TextChanges>;

    /// Like [`ChannelStore::replace_niches`] for the channels with ids in `(after, up_to]`
    /// only (`texts` and `labels` outside it are ignored), every other channel's stay.
    fn replace_niches_in(
        &mut self,
        range: (i64, i64),
        labels: &[(i64, Vec<StoredNiche>)],
        texts: &[SearchText],
    ) -> Result<TextChanges>;
    /// Each channel's most used hashtags (up to 8, space-separated), in no promised order;
    /// a channel without hashtags is absent.
    fn hashtags_by_channel(&self) -> Result<Vec<(i64, String)>>;

    /// Every channel's niche labels, by channel id, each channel's most confident first
    /// (equal confidence by niche id).
    fn niches_by_channel(&self) -> Result<HashMap<i64, Vec<StoredNiche>>>;

    /// Every channel's niche ids with their confidence, in the order of
    /// [`ChannelStore::niches_by_channel`].
    fn niche_confidences_by_channel(&self) -> Result<HashMap<i64, Vec<(String, f64)>>>;

    /// The labels of these channels, by channel id (a channel without labels is absent),
    /// in the order of [`ChannelStore::niches_by_channel`].
    fn niches_of_many(&self, ids: &[i64]) -> Result<HashMap<i64, Vec<StoredNiche>>>;

    /// One channel's labels, most confident first (equal confidence by niche id).
    fn niches_of(&self, channel_id: i64) -> Result<Vec<StoredNiche>>;

    /// Since when derived state has been stale; `None` when it is current.
    fn derived_stale_since(&self) -> Result<Option<Timestamp>>;

    /// How many import batches have been counted as writes (never decreases).
    fn derived_writes(&self) -> Result<i64>;
    /// [`ChannelStore::derived_stale_since`] and [`ChannelStore::derived_writes`] as one
    /// consistent reading (a run reads both before it starts: a batch of another process
    /// committed between two readings would go unnoticed).
    fn derived_phase(&self) -> Result<(Option<Timestamp>, i64)>;

    /// How many recomputes have completed (never decreases): a server rebuilds what it
    /// holds in memory when it changes.
    fn derived_generation(&self) -> Result<i64>;

    /// A random identity the store was given when it was created: a cache built from it
    /// (the Directory's snapshot) carries it, so that it is never read against another
    /// store whose generation and write counts happen to match.
    fn store_id(&self) -> Result<String>;

    /// In one transaction: when [`ChannelStore::derived_writes`] is still `writes_before`,
    /// marks derived state current, counts a generation and returns `true`; otherwise
    /// changes nothing and returns `false` (another import's recompute will follow).
    fn mark_derived_current(&self, writes_before: i64) -> Result<bool>;

    /// Counts a generation without touching the stale phase: a partial recompute (the
    /// niche labels alone) changed derived data that readers hold in memory.
    fn count_derived_generation(&self) -> Result<()>;
}

/// SQLite: each method is the inherent one of the same name.
impl ChannelStore for Store {
    fn stats(&self) -> Result<StoreStats> {
        Store::stats(self)
    }

    fn channel_count(&self) -> Result<u64> {
        Store::channel_count(self)
    }

    fn channels(&self, filter: &ChannelFilter) -> Result<Vec<ChannelRow>> {
        Store::channels(self, filter)
    }

    fn channels_by_ids(&self, ids: &[i64]) -> Result<Vec<ChannelRow>> {
        Store::channels_by_ids(self, ids)
    }

    fn channel_row_by_id(&self, id: i64) -> Result<Option<ChannelRow>> {
        Store::channel_row_by_id(self, id)
    }

    fn channel_id(&self, platform: Platform, handle: &str) -> Result<Option<i64>> {
        Store::channel_id(self, platform, handle)
    }

    fn channel_detail(&self, platform: Platform, handle: &str) -> Result<Option<ChannelDetail>> {
        Store::channel_detail(self, platform, handle)
    }

    fn discovery_rows(&self) -> Result<Vec<DiscoveryRow>> {
        Store::discovery_rows(self)
    }

    fn posts_of_many(&self, ids: &[i64]) -> Result<HashMap<i64, Vec<PostSnapshot>>> {
        Store::posts_of_many(self, ids)
    }

    fn follower_samples_of(&self, channel_id: i64) -> Result<Vec<SampleRow>> {
        Store::follower_samples_of(self, channel_id)
    }

    fn follower_samples_by_channel(&self) -> Result<HashMap<i64, Vec<SampleRow>>> {
        Store::follower_samples_by_channel(self)
    }

    fn for_each_channel_samples(&self, which: Channels<'_>, f: &mut dyn FnMut(i64, &[SampleRow])) -> Result<()> {
        Store::for_each_channel_samples(self, which, f)
    }

    fn follower_sample_count(&self) -> Result<u64> {
        Store::follower_sample_count(self)
    }

    fn has_follower_samples(&self) -> Result<bool> {
        Store::has_follower_samples(self)
    }

    fn comments_of(&self, channel_id: i64) -> Result<Vec<CommentRow>> {
        Store::comments_of(self, channel_id)
    }

    fn comments_by_channel(&self) -> Result<HashMap<i64, Vec<CommentRow>>> {
        Store::comments_by_channel(self)
    }

    fn for_each_channel_comments(&self, which: Channels<'_>, f: &mut dyn FnMut(i64, &[CommentRow])) -> Result<()> {
        Store::for_each_channel_comments(self, which, f)
    }

    fn comment_rates(&self, platform: Platform) -> Result<Vec<(Option<Bucket>, f64)>> {
        Store::comment_rates(self, platform)
    }

    fn for_each_metrics_input(&self, f: &mut dyn FnMut(MetricsInput<'_>)) -> Result<()> {
        Store::for_each_metrics_input(self, f)
    }

    fn channel_id_bounds(&self) -> Result<Option<(i64, i64)>> {
        Store::channel_id_bounds(self)
    }
    fn for_each_channel_input(
        &self,
        which: Channels<'_>,
        captions: usize,
        f: &mut dyn FnMut(ChannelInput<'_>),
    ) -> Result<()> {
        Store::for_each_channel_input(self, which, captions, f)
    }
    fn replace_metrics(&mut self, metrics: &[(i64, MetricsRecord)], peers: &Peers) -> Result<()> {
        Store::replace_metrics(self, metrics, peers)
    }
    fn replace_metrics_of(&mut self, ids: &[i64], metrics: &[(i64, MetricsRecord)], peers: &Peers) -> Result<()> {
        Store::replace_metrics_of(self, ids, metrics, peers)
    }
    fn replace_growth(&mut self, which: Channels<'_>, growth: &[(i64, GrowthCheck)]) -> Result<()> {
        Store::replace_growth(self, which, growth)
    }
    fn replace_comment_summaries(&mut self, which: Channels<'_>, summaries: &[(i64, CommentSummary)]) -> Result<()> {
        Store::replace_comment_summaries(self, which, summaries)
    }
    fn for_each_stored(&self, f: &mut dyn FnMut(StoredChannel<'_>)) -> Result<()> {
        Store::for_each_stored(self, f)
    }
    fn update_quality(&mut self, scores: &[(i64, QualityRecord)]) -> Result<()> {
        Store::update_quality(self, scores)
    }
    fn replace_follower_verdicts(&mut self, which: Channels<'_>, rows: &[(i64, FollowerVerdicts)]) -> Result<()> {
        Store::replace_follower_verdicts(self, which, rows)
    }

    fn platform_fits(&self) -> Result<Vec<PlatformFit>> {
        Store::platform_fits(self)
    }

    fn bucket_stats(&self) -> Result<Vec<BucketStats>> {
        Store::bucket_stats(self)
    }

    fn replace_quality(&mut self, scores: &[(i64, QualityRecord)]) -> Result<()> {
        Store::replace_quality(self, scores)
    }

    fn for_each_channel_text(&self, posts: usize, f: &mut dyn FnMut(ChannelTextRecord)) -> Result<()> {
        Store::for_each_channel_text(self, posts, f)
    }

    fn for_each_channel_text_of(&self, ids: &[i64], posts: usize, f: &mut dyn FnMut(ChannelTextRecord)) -> Result<()> {
        Store::for_each_channel_text_of(self, ids, posts, f)
    }

    fn replace_niches(&mut self, labels: &[(i64, Vec<StoredNiche>)], texts: &[SearchText]) -> Result<TextChanges> {
        Store::replace_niches(self, labels, texts)
    }

    fn replace_niches_of(
        &mut self,
        ids: &[i64],
        labels: &[(i64, Vec<StoredNiche>)],
        texts: &[SearchText],
    ) -> Result<TextChanges> {
        Store::replace_niches_of(self, ids, labels, texts)
    }

    fn replace_niches_in(
        &mut self,
        range: (i64, i64),
        labels: &[(i64, Vec<StoredNiche>)],
        texts: &[SearchText],
    ) -> Result<TextChanges> {
        Store::replace_niches_in(self, range, labels, texts)
    }
    fn hashtags_by_channel(&self) -> Result<Vec<(i64, String)>> {
        Store::hashtags_by_channel(self)
    }

    fn niches_by_channel(&self) -> Result<HashMap<i64, Vec<StoredNiche>>> {
        Store::niches_by_channel(self)
    }

    fn niche_confidences_by_channel(&self) -> Result<HashMap<i64, Vec<(String, f64)>>> {
        Store::niche_confidences_by_channel(self)
    }

    fn niches_of_many(&self, ids: &[i64]) -> Result<HashMap<i64, Vec<StoredNiche>>> {
        Store::niches_of_many(self, ids)
    }

    fn niches_of(&self, channel_id: i64) -> Result<Vec<StoredNiche>> {
        Store::niches_of(self, channel_id)
    }

    fn derived_stale_since(&self) -> Result<Option<Timestamp>> {
        Store::derived_stale_since(self)
    }

    fn derived_writes(&self) -> Result<i64> {
        Store::derived_writes(self)
    }
    fn derived_phase(&self) -> Result<(Option<Timestamp>, i64)> {
        Store::derived_phase(self)
    }

    fn derived_generation(&self) -> Result<i64> {
        Store::derived_generation(self)
    }

    fn store_id(&self) -> Result<String> {
        Store::store_id(self)
    }

    fn mark_derived_current(&self, writes_before: i64) -> Result<bool> {
        Store::mark_derived_current(self, writes_before)
    }

    fn count_derived_generation(&self) -> Result<()> {
        Store::count_derived_generation(self)
    }
}
