//! The catalogue: the one handle on a running data directory that every edge holds.
//!
//! It owns the store connections (a writer, a second writer for imports, a pool of
//! readers), the Directory (the discovery index derived from the store) and the rule that
//! keeps the two in step: after every write, and whenever [`Catalogue::follow`] sees
//! another process's recompute complete, the Directory is rebuilt from the store's
//! current derived state. The CLI opens one per command, the server one for its lifetime;
//! neither builds or swaps a Directory itself.
//!
//! Everything here is synchronous: the server runs these calls on its blocking pool.

use std::ops::Deref;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use crate::search::Directory;
use crate::{Access, App, AppConfig, Error, Result};

/// How to open a [`Catalogue`].
#[derive(Debug, Clone)]
pub struct CatalogueOptions {
    /// Read only, or also write (taking the data directory's shared writer lock).
    pub access: Access,
    /// Names this process to a process that waits on the lock (`clout serve (pid 42)`).
    pub holder: String,
    /// Read-only connections in the pool; with none, reads use the writer.
    pub readers: usize,
}

impl CatalogueOptions {
    /// One reading connection: a CLI command that only reads.
    pub fn read() -> CatalogueOptions {
        CatalogueOptions { access: Access::Read, holder: String::new(), readers: 1 }
    }

    /// A writer and no pool: a CLI command that writes (its reads go through the writer).
    pub fn write(holder: impl Into<String>) -> CatalogueOptions {
        CatalogueOptions { access: Access::Write, holder: holder.into(), readers: 0 }
    }
}

/// An open data directory with its Directory. Share it (`Arc<Catalogue>`) between threads.
pub struct Catalogue {
    config: AppConfig,
    writer: Option<Mutex<App>>,
    /// A second writer for imports only, so that other writes never wait for a whole import.
    importer: Option<Mutex<App>>,
    readers: Vec<Mutex<App>>,
    next_reader: AtomicUsize,
    /// Built on first use; replaced (never mutated) when the derived state changes.
    directory: RwLock<Option<Arc<Directory>>>,
    /// The derived-state generation the current Directory was built from.
    directory_generation: AtomicI64,
    /// Whether the derived numbers lag the observations, as last seen.
    stale: AtomicBool,
}

/// A read connection together with the catalogue's Directory: every read use case,
/// including those that search the Directory ([`Reader::search`], [`Reader::similar`],
/// [`Reader::plan`], [`Reader::compare`], [`Reader::quality`], [`Reader::peer_rates`]).
/// It dereferences to [`App`] for the reads that need only the store.
pub struct Reader<'a> {
    app: &'a App,
    catalogue: &'a Catalogue,
}

impl Deref for Reader<'_> {
    type Target = App;
    fn deref(&self) -> &App {
        self.app
    }
}

fn lock(m: &Mutex<App>) -> MutexGuard<'_, App> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Catalogue {
    /// Opens the data directory. A writer whose derived state was left stale by an import
    /// or recompute cut short does not recompute here: the caller decides (the server
    /// recomputes before serving, `clout recompute` on request), see
    /// [`Catalogue::recompute_if_stale`].
    pub fn open(config: AppConfig, options: CatalogueOptions) -> Result<Catalogue> {
        let (writer, importer) = match options.access {
            Access::Write => {
                let writer = App::open(config.clone(), Access::Write, &options.holder)?;
                let importer = writer.sibling_writer()?;
                (Some(Mutex::new(writer)), Some(Mutex::new(importer)))
            }
            Access::Read => (None, None),
        };
        let readers_wanted = if writer.is_none() { options.readers.max(1) } else { options.readers };
        let mut readers = Vec::with_capacity(readers_wanted);
        for _ in 0..readers_wanted {
            readers.push(Mutex::new(App::open(config.clone(), Access::Read, &options.holder)?));
        }
        let catalogue = Catalogue {
            config,
            writer,
            importer,
            readers,
            next_reader: AtomicUsize::new(0),
            directory: RwLock::new(None),
            directory_generation: AtomicI64::new(-1),
            stale: AtomicBool::new(false),
        };
        let stale = catalogue.with_reader(|app| app.derived_stale_since())?.is_some();
        catalogue.stale.store(stale, Ordering::Relaxed);
        Ok(catalogue)
    }

    pub fn config(&self) -> &AppConfig {
        &self.config
    }

    pub fn data_dir(&self) -> &std::path::Path {
        &self.config.data_dir
    }

    /// Whether the derived numbers (metrics, quality, niches) lag the observations, as
    /// last seen by this process: every edge says so beside them.
    pub fn derived_stale(&self) -> bool {
        self.stale.load(Ordering::Relaxed)
    }

    /// Recomputes the derived state when an import or recompute was cut short; `true` when
    /// it did. Needs write access.
    pub fn recompute_if_stale(&self, now: clout_core::Timestamp) -> Result<bool> {
        let ran = self.write(|app| -> Result<bool> {
            if app.derived_stale_since()?.is_some() {
                app.recompute_all(now)?;
                Ok(true)
            } else {
                Ok(false)
            }
        })?;
        Ok(ran)
    }

    /// Builds the full-text index from the store's text when it does not hold it (a store
    /// from before the index, a recompute cut short), through a read connection, then
    /// reloads the Directory so that keywords are searched in it; `true` when it built.
    /// Keyword searches read the store's text meanwhile, with the same matches. `clout
    /// serve` runs it on a thread of its own once it is up.
    pub fn build_text_index_if_needed(&self) -> Result<bool> {
        let built = self.with_reader(|app| Ok(app.build_text_index()))?;
        if built && self.current_directory().is_some() {
            // Not while an import runs: the Directory would show half-written numbers (the
            // next completed recompute reloads it anyway).
            self.with_reader(|app| {
                if app.derived_stale_since()?.is_none() { self.rebuild(app).map(|_| ()) } else { Ok(()) }
            })?;
        }
        Ok(built)
    }

    /// Builds the post index from every post when it does not hold the store's posts (a
    /// store from before it, an import cut short), through a read connection; `true` when
    /// it built. `clout serve` runs it on a thread of its own once it is up.
    pub fn build_post_index_if_needed(&self) -> Result<bool> {
        self.with_reader(|app| {
            app.build_post_index().map_err(|e| Error::Internal(format!("building the post index: {e}")))
        })
    }

    /// The Directory, built from the store on first use.
    pub fn directory(&self) -> Result<Arc<Directory>> {
        if let Some(d) = self.current_directory() {
            return Ok(d);
        }
        self.with_reader(|app| self.rebuild(app))
    }

    fn current_directory(&self) -> Option<Arc<Directory>> {
        match self.directory.read() {
            Ok(d) => d.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Builds the Directory from `app`'s view of the store and puts it in place.
    fn rebuild(&self, app: &App) -> Result<Arc<Directory>> {
        let generation = app.derived_generation()?;
        let fresh = Arc::new(app.load_directory()?.0);
        match self.directory.write() {
            Ok(mut d) => *d = Some(fresh.clone()),
            Err(poisoned) => *poisoned.into_inner() = Some(fresh.clone()),
        }
        self.directory_generation.store(generation, Ordering::Relaxed);
        Ok(fresh)
    }

    /// Brings the stale flag and the Directory in step with the store after a write by
    /// this process or another: the Directory is rebuilt when a recompute completed since
    /// it was built (and not while the state is stale, which would show half-written
    /// numbers). A Directory not built yet stays unbuilt.
    fn sync(&self, app: &App) -> Result<bool> {
        let stale = app.derived_stale_since()?.is_some();
        self.stale.store(stale, Ordering::Relaxed);
        let generation = app.derived_generation()?;
        let built = self.current_directory().is_some();
        if built && !stale && generation != self.directory_generation.load(Ordering::Relaxed) {
            self.rebuild(app)?;
            return Ok(true);
        }
        Ok(false)
    }

    /// Looks for writes by other processes (`clout import` beside a server): updates the
    /// stale flag and rebuilds the Directory when their recompute completed. `true` when
    /// it rebuilt. The server calls this every second.
    pub fn follow(&self) -> Result<bool> {
        self.with_reader(|app| self.sync(app))
    }

    /// Runs `f` on a read connection (a free one if any, else the next in turn).
    pub fn read<T, E: From<Error>>(&self, f: impl FnOnce(&Reader<'_>) -> Result<T, E>) -> Result<T, E> {
        if self.readers.is_empty() {
            let writer = self.writer.as_ref().ok_or_else(|| Error::Internal("no connection is open".into()))?;
            let app = lock(writer);
            return f(&Reader { app: &app, catalogue: self });
        }
        let n = self.readers.len();
        let start = self.next_reader.fetch_add(1, Ordering::Relaxed);
        for i in 0..n {
            if let Ok(app) = self.readers[(start + i) % n].try_lock() {
                return f(&Reader { app: &app, catalogue: self });
            }
        }
        let app = lock(&self.readers[start % n]);
        f(&Reader { app: &app, catalogue: self })
    }

    fn with_reader<T>(&self, f: impl FnOnce(&App) -> Result<T>) -> Result<T> {
        self.read(|r| f(r.app))
    }

    /// Runs `f` on the writer, then brings the Directory in step if `f` changed the
    /// derived state. Writes queue behind each other, never behind an import.
    pub fn write<T, E: From<Error>>(&self, f: impl FnOnce(&mut App) -> Result<T, E>) -> Result<T, E> {
        let writer =
            self.writer.as_ref().ok_or_else(|| Error::Conflict("this data directory is open read-only".into()))?;
        let mut app = lock(writer);
        let out = f(&mut app)?;
        self.sync(&app)?;
        Ok(out)
    }

    /// Runs an import (or anything as long) on the importer connection: the derived state
    /// reads as stale while it runs, and the Directory is rebuilt after it.
    pub fn import<T, E: From<Error>>(&self, f: impl FnOnce(&mut App) -> Result<T, E>) -> Result<T, E> {
        let importer =
            self.importer.as_ref().ok_or_else(|| Error::Conflict("this data directory is open read-only".into()))?;
        let mut app = lock(importer);
        self.stale.store(true, Ordering::Relaxed);
        let out = f(&mut app);
        // Whatever happened, say what the store now holds.
        let synced = self.sync(&app);
        let out = out?;
        synced?;
        Ok(out)
    }
}

impl Catalogue {
    /// Creates a campaign from a brief and, when a plan request comes with it, the best plan
    /// for that request on the current Directory: the plan's picks become the campaign's
    /// prospects, and `record(&plan)` (the edge's rendering of the plan, as JSON for the
    /// server) is kept with the campaign. Every edge creates a campaign from a plan this way.
    pub fn create_campaign_from_plan(
        &self,
        by: crate::Actor<'_>,
        brief: &crate::Brief,
        plan: Option<&crate::PlanRequest>,
        record: impl FnOnce(&crate::Portfolio) -> String,
        now: clout_core::Timestamp,
    ) -> Result<crate::Campaign> {
        by.require_write()?;
        let (prospects, kept) = match plan {
            Some(request) => {
                let portfolio = self.read(|r| r.plan(request))?;
                let prospects: Vec<crate::Prospect> = portfolio.picks.iter().map(crate::Prospect::from_pick).collect();
                (prospects, Some(record(&portfolio)))
            }
            None => (Vec::new(), None),
        };
        // A plan of one niche makes a campaign of that niche, unless the brief names one.
        let mut brief = brief.clone();
        if brief.niche.is_none()
            && let Some([niche]) = plan.map(|r| r.query.niches.as_slice())
        {
            brief.niche = Some(niche.clone());
        }
        self.write(|app| app.create_campaign(by, &brief, &prospects, kept.as_deref(), now))
    }
}

impl Reader<'_> {
    /// The Directory this read searches.
    pub fn directory(&self) -> Result<Arc<Directory>> {
        if let Some(d) = self.catalogue.current_directory() {
            return Ok(d);
        }
        self.catalogue.rebuild(self.app)
    }

    /// A Directory search: filters, sort, facets and a page; keywords through the
    /// full-text index (or the store's text while the index does not hold it).
    pub fn search(&self, query: &clout_core::discovery::DiscoveryQuery) -> Result<crate::SearchResults> {
        self.app.search_with(&*self.directory()?, query)
    }

    /// A brief in plain words: the creators who fit it, each with the reason and the
    /// posts that show it (see `brief`); `now` dates a window the brief names.
    pub fn brief(&self, request: &crate::BriefRequest, now: clout_core::Timestamp) -> Result<crate::BriefResults> {
        self.app.brief_with(&*self.directory()?, request, now)
    }

    /// A post search (see [`crate::post_query`]); the post index is built first when
    /// there is none.
    pub fn search_posts(&self, query: &crate::PostQuery) -> Result<crate::PostResults> {
        self.app.search_posts(query)
    }

    /// Who posted about a brand, sponsored or organic, over time, against competitors.
    pub fn brand_report(&self, query: &crate::BrandQuery) -> Result<crate::BrandReport> {
        self.app.brand_report(query)
    }

    /// A channel's brand-safety screening with the posts behind each level.
    pub fn channel_safety(&self, reference: &str) -> Result<crate::ChannelSafety> {
        self.app.channel_safety(reference)
    }

    /// The brand-safety audit record of these channels (every screened one when `None`).
    pub fn safety_audit(&self, ids: Option<&[i64]>) -> Result<Vec<crate::ChannelSafety>> {
        self.app.safety_audit(ids)
    }

    /// The brand-safety list screened against.
    pub fn safety_list(&self) -> Result<crate::ActiveList> {
        self.app.safety_list()
    }

    /// The channels of a saved list (for an audit).
    pub fn list_channel_ids(&self, list: i64) -> Result<Vec<i64>> {
        self.app.list_channel_ids(list)
    }

    /// The channel ids of these references (`PLATFORM/HANDLE`), in order.
    pub fn channel_ids(&self, references: &[String]) -> Result<Vec<i64>> {
        self.app.channel_ids(references)
    }

    /// The channels most like `reference` (`PLATFORM/HANDLE`).
    pub fn similar(
        &self,
        reference: &str,
        limit: usize,
        preset: clout_core::TierPreset,
    ) -> Result<Vec<crate::Similar>> {
        self.app.similar_with(&*self.directory()?, reference, limit, preset)
    }

    /// The best portfolio for a plan request.
    pub fn plan(&self, request: &crate::PlanRequest) -> Result<crate::Portfolio> {
        self.app.plan_with(&*self.directory()?, request)
    }

    /// A micro portfolio, a top-tier one and an unconstrained one for the same budget.
    pub fn compare(&self, request: &crate::PlanRequest) -> Result<crate::Comparison> {
        self.app.compare_with(&*self.directory()?, request)
    }

    /// A channel's audience-quality report against its peers.
    pub fn quality(&self, reference: &str, preset: clout_core::TierPreset) -> Result<crate::QualityReport> {
        self.app.quality_with_peers(&*self.directory()?, reference, preset)
    }

    /// The engagement rates of a peer group (for a channel page's distribution chart).
    pub fn peer_rates(&self, peers: &clout_core::benchmark::BucketStats) -> Result<Vec<f64>> {
        Ok(self.directory()?.index.peer_rates(peers.platform, peers.bucket))
    }
}

#[cfg(test)]
mod tests;
