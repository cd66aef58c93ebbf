//! The use cases of Clout, behind one handle every edge holds: [`Catalogue`].
//!
//! `clout-app` composes `clout-import`, `clout-store`, `clout-index` and `clout-core`. It
//! knows nothing of argv, terminals, HTTP or JSON: callers pass plain values and get plain
//! values (or the app's own view types) back.
//!
//! - [`Catalogue`] owns the running data directory: the writer, a second writer for
//!   imports, a pool of readers and the Directory (the discovery index), rebuilt after every
//!   write that changes derived state and when another process's recompute completes
//!   ([`Catalogue::follow`]). Reads go through a [`Reader`] (a connection with the
//!   Directory: search, lookalikes, plans, quality, the channel page), writes through
//!   [`Catalogue::write`] and imports through [`Catalogue::import`]; no edge builds or swaps
//!   a Directory. The CLI opens one per command, the server one for its lifetime.
//! - Every edge reads a search the same way ([`search_query`]), a channel's metrics
//!   through one accessor over the catalogue of `clout_core::metric` ([`metric_value`]),
//!   the channel page as one model ([`ChannelPage`]), and creates a campaign from a plan
//!   through one use case ([`Catalogue::create_campaign_from_plan`]).
//! - Accounts: argon2id passwords checked against an embedded common-password list
//!   (`accounts/policy.rs`), SHA-256 of random session and API tokens, roles and read-only
//!   tokens checked here, not in the edges; campaigns act for an [`Actor`].
//! - Imports: a parsing thread feeds batches to the writing thread over a bounded
//!   channel; rejects go to `DATA/rejects/run-N/`; the derived state is recomputed at the end.
//! - Every CSV export goes through `csv_export`, which neutralises spreadsheet formulas.
//! - [`Error`] says whose fault a failure is: `NotFound`, `Invalid` (a message fit to
//!   show), `Exists`, `Forbidden`, `Conflict`, `Internal`.

mod accounts;
mod backup;
mod brands;
mod brief;
mod campaigns;
mod catalogue;
mod channel_page;
mod channels;
mod cores;
mod csv_export;
mod csv_map;
mod derive;
mod error;
mod fetch;
mod import;
mod metrics;
mod migrate;
mod niches;
mod overlap;
mod pictures;
mod plan;
mod plan_query;
mod post_index;
mod posts;
mod price;
mod quality;
mod query;
mod safety;
mod scores;
mod search;
mod snapshot;
mod store_url;
mod text_index;

use std::path::{Path, PathBuf};

pub use accounts::{
    ADDRESS_ATTEMPTS, Actor, LOGIN_ATTEMPTS, LOGIN_WINDOW_SECONDS, ListEntry, ListRow, MAX_SHARE_DAYS, MAX_TOKEN_DAYS,
    MIN_PASSWORD_CHARS, NewSession, RejectRow, Role, SESSION_SECONDS, SHARE_DAYS, TokenRow, TokenScope, User,
    password_weakness, random_secret, secret_hash, timezone_name, timezones,
};
pub use backup::{BackupSummary, restore};
pub use brands::{
    BRAND_KEYS, BrandCreator, BrandQuery, BrandReport, MAX_COMPETITORS, Mentioned, Split as BrandSplit,
    Voice as BrandVoice, brand_query,
};
pub use brief::{
    BriefCreator, BriefNiche, BriefRequest, BriefResults, BriefTopic, CitedPost, MAX_BRIEF_LIMIT, MAX_NEIGHBOURS,
    MAX_VECTOR_WORDS, MIN_SIMILARITY, WordVectors, country_name, language_name, lexicon, reading_label,
};
pub use campaigns::{
    Brief, Campaign, CampaignReport, DeliverableView, Member, MemberReport, Prospect, Relationship, StageChange,
};
pub use catalogue::{Catalogue, CatalogueOptions, Reader};
pub use channel_page::{ChannelPage, MetricCard, PAGE_LOOKALIKES, RatePoint};
pub use channels::{ChannelProfile, ChannelQuery, ChannelView, ProfilePost, metric_value, parse_channel_ref};
pub use clout_core::text::{MAX_QUERY_CHARS, MAX_QUERY_PARTS};
pub use clout_demo::WorldStats as DemoStats;
pub use clout_import::Limits as ImportLimits;
pub use clout_store::{
    Access, ChannelRow, ConversionRow, CreatorProfile, FollowerPoint, LinkedPost, MetricsRecord, NoteRow, PlatformFit,
    RunRecord, RunStatus, StoreStats, StoredNiche,
};
pub use clout_store::{SavedSearchRow, ShareRow};
pub use csv_map::{BUILT_IN_MAPS, csv_map, csv_map_from_toml};
pub use error::{Error, Result};
pub use fetch::credentials;
pub use fetch::{
    AccountFetch, AccountStatus, CONNECTORS, Connect, Discovery, FetchOptions, FetchProgress, FetchSummary,
    PictureCounts, Quiet, Tracked,
};
pub use import::{
    FileError, ImportOptions, ImportProgress, ImportSummary, RejectReport, Silent, default_max_decompressed,
    input_stream,
};
pub use metrics::RecomputeSummary;
pub use migrate::{MoveSummary, MovedTable};
pub use niches::{DEFAULT_TAXONOMY, NicheClassifier, NicheSummary};
pub use overlap::{MAX_OVERLAP_CHANNELS, OverlapChannel, OverlapReport, overlap_of};
pub use plan::{
    Comparison, DRAWS, Goal, MAX_BUDGET_MINOR, MAX_CANDIDATES, Pick, PlanAudience, PlanRequest, Portfolio, Scenario,
};
pub use plan_query::{MAX_PLAN_CREATORS, PLAN_KEYS, PlanLimits, PlanQuery, plan_query};
pub use post_index::post_kind;
pub use posts::{POST_KEYS, PostQuery, PostResults, PostView, post_query};
pub use price::{DEFAULT_RATE_CARD, PriceReport, QuoteCheck, UnusedDeal, rate_card_from_file, rate_card_from_toml};
pub use quality::{CheckedFollower, DEFAULT_FOLLOWER_MODEL, FollowerCheck, QualityReport, TrainSummary};
pub use query::{BRIEF_KEYS, MAX_LIMIT, MAX_OFFSET, MAX_POSTED_MIN, QueryError, brief_query, search_query};
pub use safety::{
    AUDIT_COLUMNS, ActiveList, CategorySafety, ChannelSafety, DEFAULT_SAFETY_LIST, ScreenSummary, audit_csv, audit_of,
    audit_rows, safety_list_from_toml,
};
pub use search::{Directory, SearchResults, Similar};
pub use snapshot::DIRECTORY_SNAPSHOT;
pub use store_url::StoreUrl;
pub use text_index::TEXT_INDEX_DIR;

/// Validated settings for the application.
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// The data directory: the store, rejects and anything else Clout keeps.
    pub data_dir: PathBuf,
    /// The user's niche taxonomy; `None` for the built-in one.
    pub niches_file: Option<PathBuf>,
    /// The user's rate card; `None` for the built-in one.
    pub rate_card_file: Option<PathBuf>,
    /// Word vectors (word2vec/GloVe/fastText text format) that widen a brief's topics
    /// with similar words; `None`: briefs match the words as written.
    pub vectors_file: Option<PathBuf>,
    /// Where the store is: `None` for SQLite in the data directory (the default), or a
    /// PostgreSQL database; the data directory then keeps what each node keeps beside the
    /// store (the Directory's snapshot, the text and post indexes, rejects files).
    pub store: Option<StoreUrl>,
}

/// An open data directory.
pub struct App {
    config: AppConfig,
    store: Box<dyn clout_store::Backend>,
    /// The taxonomy's display names by niche id, read once.
    niche_names: std::sync::OnceLock<std::sync::Arc<std::collections::BTreeMap<String, String>>>,
}

impl App {
    /// Opens the store: SQLite in the data directory, or the PostgreSQL database of
    /// `config.store`. `holder` names this process for a second SQLite writer's message;
    /// several processes may write to one PostgreSQL database at once.
    pub fn open(config: AppConfig, access: Access, holder: &str) -> Result<App> {
        let store: Box<dyn clout_store::Backend> = match &config.store {
            None => Box::new(clout_store::Store::open(&config.data_dir, access, holder)?),
            Some(url) => {
                std::fs::create_dir_all(&config.data_dir).map_err(|e| {
                    Error::Internal(format!("creating the data directory {}: {e}", config.data_dir.display()))
                })?;
                Box::new(url.open(access)?)
            }
        };
        Ok(App { config, store, niche_names: Default::default() })
    }

    /// Where the store is, for people: the data directory's SQLite file or the
    /// PostgreSQL server and database (never a password).
    pub fn store_location(&self) -> String {
        match &self.config.store {
            None => format!("SQLite {}", self.config.data_dir.join(clout_store::DATABASE_FILE).display()),
            Some(url) => url.to_string(),
        }
    }

    /// Whether the store is PostgreSQL (several processes may write at once).
    pub fn is_postgres(&self) -> bool {
        self.config.store.is_some()
    }

    /// The data directory with a store the caller opened (another backend than the data
    /// directory's SQLite, such as PostgreSQL). The data directory still holds what each
    /// node keeps beside the store: the indexes, the Directory's snapshot, rejects files.
    pub fn with_store(config: AppConfig, store: Box<dyn clout_store::Backend>) -> App {
        App { config, store, niche_names: Default::default() }
    }

    /// A second writer on the same store, for a process that holds the write lock: the
    /// server imports on one and does every other write on the other, so that a note or a
    /// campaign change waits for one import batch at most, not for the whole import.
    pub fn sibling_writer(&self) -> Result<App> {
        Ok(App { config: self.config.clone(), store: self.store.sibling_writer()?, niche_names: Default::default() })
    }

    pub fn data_dir(&self) -> &Path {
        &self.config.data_dir
    }

    pub fn store_stats(&self) -> Result<clout_store::StoreStats> {
        Ok(self.store.stats()?)
    }

    /// Every import run, oldest first. A run marked running while no process holds the
    /// write lock was cut short: it reads as interrupted.
    pub fn runs(&self) -> Result<Vec<RunRecord>> {
        let mut runs = self.store.runs()?;
        for r in &mut runs {
            if r.status == clout_store::RunStatus::Running && !self.store.run_alive(r.id) {
                r.status = clout_store::RunStatus::Interrupted;
            }
        }
        Ok(runs)
    }

    /// Since when the derived state (metrics, audience quality, niche labels) lags the
    /// observations: `None` when it is current. An import marks it stale with its first
    /// batch and current at its end; a crash in between leaves it stale until
    /// [`App::recompute_all`] runs (`clout recompute`, the next import, or the server's start).
    pub fn derived_stale_since(&self) -> Result<Option<clout_core::Timestamp>> {
        Ok(self.store.derived_stale_since()?)
    }

    /// Recomputes every derived value, then marks the derived state current.
    /// When another process imports meanwhile, the state stays stale until that import's
    /// own recompute.
    pub fn recompute_all(&mut self, now: clout_core::Timestamp) -> Result<(RecomputeSummary, NicheSummary, u64)> {
        let _recomputing = self.store.recompute_lock()?;
        let writes_before = self.store.derived_writes()?;
        let out = self.derive_beside(derive::Scope::All, None, writes_before, now)?;
        self.store.mark_derived_current(writes_before)?;
        Ok(out)
    }

    /// The count of completed recomputes (see [`clout_store::ChannelStore::derived_generation`]).
    pub fn derived_generation(&self) -> Result<i64> {
        Ok(self.store.derived_generation()?)
    }
}

/// Writes the demo world as interchange NDJSON.
pub fn write_demo_world(
    out: impl std::io::Write,
    seed: u64,
    channels: usize,
    as_of: clout_core::Timestamp,
) -> Result<DemoStats> {
    let options = clout_demo::WorldOptions { seed, channels, as_of: as_of.unix() };
    clout_demo::write_world(out, &options).map_err(|e| Error::Internal(format!("writing the demo world: {e}")))
}

#[cfg(test)]
mod citus_tests;
#[cfg(test)]
mod pg_tests;
#[cfg(test)]
mod price_tests;
#[cfg(test)]
mod tests;

/// A test's settings: the built-in taxonomy, rate card and no word vectors, with the store
/// of [`test_store`].
#[cfg(test)]
pub(crate) fn test_config(data_dir: PathBuf) -> AppConfig {
    let store = test_store(&data_dir);
    AppConfig { data_dir, niches_file: None, rate_card_file: None, vectors_file: None, store }
}

/// The store of a test's data directory: SQLite in it, or a PostgreSQL database of its own
/// under `CLOUT_TEST_STORE=postgres` (`clout_pg::testing::store_for`).
#[cfg(test)]
pub(crate) fn test_store(data_dir: &Path) -> Option<StoreUrl> {
    clout_pg::testing::store_for(data_dir).map(|url| StoreUrl::parse(&url).expect("the test server's URL"))
}

/// Backs `app` up into `dest` when its store is SQLite and says so; on PostgreSQL checks
/// that the backup is refused, pointing at pg_dump, and returns `false` (tests of what a
/// backup holds run on SQLite; the PostgreSQL run checks the refusal instead).
#[cfg(test)]
pub(crate) fn backup_if_sqlite(app: &App, dest: &Path) -> bool {
    if app.is_postgres() {
        let refused = app.backup(dest).expect_err("clout backup on PostgreSQL").to_string();
        assert!(refused.contains("pg_dump"), "{refused}");
        assert!(!dest.exists(), "a refused backup creates nothing");
        return false;
    }
    app.backup(dest).unwrap();
    true
}
