//! [`ChannelStore`] on PostgreSQL: each method is the inherent one of the same name, in
//! `channels.rs` (reads, the derived-state phase, fits and peer groups), `audience.rs`
//! (follower samples and comments), `inputs.rs` (what a recompute reads), `metrics.rs`
//! (derived writes: metrics, scores, growth, summaries, verdicts) and `niches.rs`
//! (labels and searchable text).

use std::collections::HashMap;

use clout_core::authenticity::{CommentSummary, GrowthCheck};
use clout_core::benchmark::{BucketStats, Peers};
use clout_core::{Bucket, Platform, PostSnapshot, Timestamp};
use clout_store::{
    ChannelDetail, ChannelFilter, ChannelInput, ChannelRow, ChannelStore, ChannelTextRecord, Channels, CommentRow,
    DiscoveryRow, FollowerVerdicts, MetricsInput, MetricsRecord, PlatformFit, QualityRecord, Result, SampleRow,
    SearchText, StoreStats, StoredChannel, StoredNiche, TextChanges,
};

use clout_store::decode::Cells;

use crate::{PgRow, PgStore};

impl ChannelStore for PgStore {
    fn stats(&self) -> Result<StoreStats> {
        PgStore::stats(self)
    }

    fn channel_count(&self) -> Result<u64> {
        PgStore::channel_count(self)
    }

    fn channels(&self, filter: &ChannelFilter) -> Result<Vec<ChannelRow>> {
        PgStore::channels(self, filter)
    }

    fn channels_by_ids(&self, ids: &[i64]) -> Result<Vec<ChannelRow>> {
        PgStore::channels_by_ids(self, ids)
    }

    fn channel_row_by_id(&self, id: i64) -> Result<Option<ChannelRow>> {
        PgStore::channel_row_by_id(self, id)
    }

    fn channel_id(&self, platform: Platform, handle: &str) -> Result<Option<i64>> {
        PgStore::channel_id(self, platform, handle)
    }

    fn channel_detail(&self, platform: Platform, handle: &str) -> Result<Option<ChannelDetail>> {
        PgStore::channel_detail(self, platform, handle)
    }

    fn discovery_rows(&self) -> Result<Vec<DiscoveryRow>> {
        PgStore::discovery_rows(self)
    }

    fn posts_of_many(&self, ids: &[i64]) -> Result<HashMap<i64, Vec<PostSnapshot>>> {
        PgStore::posts_of_many(self, ids)
    }

    fn follower_samples_of(&self, channel_id: i64) -> Result<Vec<SampleRow>> {
        PgStore::follower_samples_of(self, channel_id)
    }

    fn follower_samples_by_channel(&self) -> Result<HashMap<i64, Vec<SampleRow>>> {
        PgStore::follower_samples_by_channel(self)
    }

    fn for_each_channel_samples(&self, which: Channels<'_>, f: &mut dyn FnMut(i64, &[SampleRow])) -> Result<()> {
        PgStore::for_each_channel_samples(self, which, f)
    }

    fn follower_sample_count(&self) -> Result<u64> {
        PgStore::follower_sample_count(self)
    }

    fn has_follower_samples(&self) -> Result<bool> {
        PgStore::has_follower_samples(self)
    }

    fn comments_of(&self, channel_id: i64) -> Result<Vec<CommentRow>> {
        PgStore::comments_of(self, channel_id)
    }

    fn comments_by_channel(&self) -> Result<HashMap<i64, Vec<CommentRow>>> {
        PgStore::comments_by_channel(self)
    }

    fn for_each_channel_comments(&self, which: Channels<'_>, f: &mut dyn FnMut(i64, &[CommentRow])) -> Result<()> {
        PgStore::for_each_channel_comments(self, which, f)
    }

    fn comment_rates(&self, platform: Platform) -> Result<Vec<(Option<Bucket>, f64)>> {
        PgStore::comment_rates(self, platform)
    }

    fn for_each_metrics_input(&self, f: &mut dyn FnMut(MetricsInput<'_>)) -> Result<()> {
        PgStore::for_each_metrics_input(self, f)
    }

    fn channel_id_bounds(&self) -> Result<Option<(i64, i64)>> {
        PgStore::channel_id_bounds(self)
    }
    fn for_each_channel_input(
        &self,
        which: Channels<'_>,
        captions: usize,
        f: &mut dyn FnMut(ChannelInput<'_>),
    ) -> Result<()> {
        PgStore::for_each_channel_input(self, which, captions, f)
    }
    fn replace_metrics(&mut self, metrics: &[(i64, MetricsRecord)], peers: &Peers) -> Result<()> {
        PgStore::replace_metrics(self, metrics, peers)
    }
    fn replace_metrics_of(&mut self, ids: &[i64], metrics: &[(i64, MetricsRecord)], peers: &Peers) -> Result<()> {
        PgStore::replace_metrics_of(self, ids, metrics, peers)
    }
    fn replace_growth(&mut self, which: Channels<'_>, growth: &[(i64, GrowthCheck)]) -> Result<()> {
        PgStore::replace_growth(self, which, growth)
    }
    fn replace_comment_summaries(&mut self, which: Channels<'_>, summaries: &[(i64, CommentSummary)]) -> Result<()> {
        PgStore::replace_comment_summaries(self, which, summaries)
    }
    fn for_each_stored(&self, f: &mut dyn FnMut(StoredChannel<'_>)) -> Result<()> {
        PgStore::for_each_stored(self, f)
    }
    fn update_quality(&mut self, scores: &[(i64, QualityRecord)]) -> Result<()> {
        PgStore::update_quality(self, scores)
    }
    fn replace_follower_verdicts(&mut self, which: Channels<'_>, rows: &[(i64, FollowerVerdicts)]) -> Result<()> {
        PgStore::replace_follower_verdicts(self, which, rows)
    }

    fn platform_fits(&self) -> Result<Vec<PlatformFit>> {
        PgStore::platform_fits(self)
    }

    fn bucket_stats(&self) -> Result<Vec<BucketStats>> {
        PgStore::bucket_stats(self)
    }

    fn replace_quality(&mut self, scores: &[(i64, QualityRecord)]) -> Result<()> {
        PgStore::replace_quality(self, scores)
    }

    fn for_each_channel_text(&self, posts: usize, f: &mut dyn FnMut(ChannelTextRecord)) -> Result<()> {
        PgStore::for_each_channel_text(self, posts, f)
    }

    fn for_each_channel_text_of(&self, ids: &[i64], posts: usize, f: &mut dyn FnMut(ChannelTextRecord)) -> Result<()> {
        PgStore::for_each_channel_text_of(self, ids, posts, f)
    }

    fn replace_niches(&mut self, labels: &[(i64, Vec<StoredNiche>)], texts: &[SearchText]) -> Result<TextChanges> {
        PgStore::replace_niches(self, labels, texts)
    }

    fn replace_niches_of(
        &mut self,
        ids: &[i64],
        labels: &[(i64, Vec<StoredNiche>)],
        texts: &[SearchText],
    ) -> Result<TextChanges> {
        PgStore::replace_niches_of(self, ids, labels, texts)
    }

    fn replace_niches_in(
        &mut self,
        range: (i64, i64),
        labels: &[(i64, Vec<StoredNiche>)],
        texts: &[SearchText],
    ) -> Result<TextChanges> {
        PgStore::replace_niches_in(self, range, labels, texts)
    }
    fn hashtags_by_channel(&self) -> Result<Vec<(i64, String)>> {
        PgStore::hashtags_by_channel(self)
    }

    fn niches_by_channel(&self) -> Result<HashMap<i64, Vec<StoredNiche>>> {
        PgStore::niches_by_channel(self)
    }

    fn niche_confidences_by_channel(&self) -> Result<HashMap<i64, Vec<(String, f64)>>> {
        PgStore::niche_confidences_by_channel(self)
    }

    fn niches_of_many(&self, ids: &[i64]) -> Result<HashMap<i64, Vec<StoredNiche>>> {
        PgStore::niches_of_many(self, ids)
    }

    fn niches_of(&self, channel_id: i64) -> Result<Vec<StoredNiche>> {
        PgStore::niches_of(self, channel_id)
    }

    fn derived_stale_since(&self) -> Result<Option<Timestamp>> {
        PgStore::derived_stale_since(self)
    }

    fn derived_writes(&self) -> Result<i64> {
        PgStore::derived_writes(self)
    }
    fn derived_phase(&self) -> Result<(Option<Timestamp>, i64)> {
        PgStore::derived_phase(self)
    }

    fn derived_generation(&self) -> Result<i64> {
        PgStore::derived_generation(self)
    }

    fn store_id(&self) -> Result<String> {
        let row = self.row("SELECT store_id FROM derived_state WHERE id = 1", &[])?;
        match row {
            Some(r) => PgRow(&r).text_req(0),
            None => Err(clout_store::Error::Corrupt("the derived state's row is missing".into())),
        }
    }

    fn mark_derived_current(&self, writes_before: i64) -> Result<bool> {
        PgStore::mark_derived_current(self, writes_before)
    }

    fn count_derived_generation(&self) -> Result<()> {
        PgStore::count_derived_generation(self)
    }
}
