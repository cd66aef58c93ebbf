//! Derived writes on PostgreSQL: metrics with the peer tables, audience-quality scores,
//! growth checks, comment summaries and follower verdicts, and reading them back
//! (inherent methods behind `ChannelStore`, see `channel_api.rs`).

#![allow(unused_imports, unused_variables)]

use std::collections::HashMap;

use clout_core::authenticity::{CommentSummary, GrowthCheck};
use clout_core::benchmark::{BucketStats, Peers};
use clout_core::{Bucket, Platform, PostSnapshot, Timestamp};
use clout_store::{
    ChannelDetail, ChannelFilter, ChannelInput, ChannelRow, ChannelTextRecord, Channels, CommentRow, DiscoveryRow,
    FollowerVerdicts, MetricsInput, MetricsRecord, PlatformFit, QualityRecord, Result, SampleRow, SearchText,
    StoreStats, StoredChannel, StoredNiche, TextChanges,
};

use crate::PgStore;

impl PgStore {
    pub(crate) fn replace_metrics(&mut self, metrics: &[(i64, MetricsRecord)], peers: &Peers) -> Result<()> {
        todo!()
    }

    pub(crate) fn replace_metrics_of(&mut self, ids: &[i64], metrics: &[(i64, MetricsRecord)], peers: &Peers) -> Result<()> {
        todo!()
    }

    pub(crate) fn replace_growth(&mut self, which: Channels<'_>, growth: &[(i64, GrowthCheck)]) -> Result<()> {
        todo!()
    }

    pub(crate) fn replace_comment_summaries(&mut self, which: Channels<'_>, summaries: &[(i64, CommentSummary)]) -> Result<()> {
        todo!()
    }

    pub(crate) fn for_each_stored(&self, f: &mut dyn FnMut(StoredChannel<'_>)) -> Result<()> {
        todo!()
    }

    pub(crate) fn update_quality(&mut self, scores: &[(i64, QualityRecord)]) -> Result<()> {
        todo!()
    }

    pub(crate) fn replace_follower_verdicts(&mut self, which: Channels<'_>, rows: &[(i64, FollowerVerdicts)]) -> Result<()> {
        todo!()
    }

    pub(crate) fn replace_quality(&mut self, scores: &[(i64, QualityRecord)]) -> Result<()> {
        todo!()
    }
}
