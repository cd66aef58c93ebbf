//! Imports and the store's state: what an import did, its runs with their rejects, and
//! `clout status`. File paths go through the edge's `show` function: the CLI prints them as
//! they are, the API relative to the data directory.

use serde::Serialize;
use utoipa::ToSchema;

use crate::schema::Instant;
use crate::time;

/// `clout import --json`: what an import did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportSummary {
    pub accepted: u64,
    pub rejected: u64,
    /// The rejects file when one input file had rejects; the run's rejects folder when
    /// several did.
    pub rejects_file: Option<String>,
    /// Distinct channels among the accepted records.
    pub channels: u64,
    /// Distinct posts among the accepted records.
    pub posts: u64,
}

impl ImportSummary {
    pub fn from(s: &clout_app::ImportSummary, show: &dyn Fn(&str) -> String) -> ImportSummary {
        ImportSummary {
            accepted: s.accepted,
            rejected: s.rejected,
            rejects_file: s.rejects_file.as_ref().map(|p| show(&p.display().to_string())),
            channels: s.channels,
            posts: s.posts,
        }
    }
}

/// An import run: its status, counts and files.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportRun {
    pub id: i64,
    /// running, completed or failed.
    pub status: &'static str,
    #[schema(value_type = Instant)]
    pub started_at: String,
    #[schema(value_type = Option<Instant>)]
    pub finished_at: Option<String>,
    pub files: Vec<String>,
    pub accepted: u64,
    pub rejected: u64,
    /// Where the run's rejects are kept (a file, or a folder when several files had
    /// rejects); `null` when there are none.
    pub rejects_file: Option<String>,
}

impl ImportRun {
    pub fn from(r: &clout_app::RunRecord, show: &dyn Fn(&str) -> String) -> ImportRun {
        ImportRun {
            id: r.id,
            status: r.status.as_str(),
            started_at: time(r.started_at),
            finished_at: r.finished_at.map(time),
            files: r.files.iter().map(|f| show(f)).collect(),
            accepted: r.accepted,
            rejected: r.rejected,
            rejects_file: r.rejects_file.as_deref().map(show),
        }
    }
}

/// Every import run, newest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RunList {
    pub runs: Vec<ImportRun>,
}

/// A rejected input line: where, which field, why, and the line as it was.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Reject {
    pub file: String,
    pub file_name: String,
    pub line: u64,
    pub field: Option<String>,
    pub reason: String,
    /// The line verbatim (invalid UTF-8 shown as U+FFFD).
    pub raw: String,
}

/// A rejects file of a run, ready to download, fix and import again.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RejectsDownload {
    pub name: String,
    /// The API path that downloads it.
    pub download: String,
}

/// A file of an upload that could not be read at all.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FileError {
    pub file: String,
    pub message: String,
}

/// A run with every reject and its reject files. The answer to an upload adds what the
/// import did (`summary`) and the files it could not read (`file_errors`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RunDetail {
    #[serde(flatten)]
    pub run: ImportRun,
    pub rejects: Vec<Reject>,
    pub reject_files: Vec<RejectsDownload>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<ImportSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_errors: Option<Vec<FileError>>,
}

impl RunDetail {
    /// `files`: the names of the run's rejects files.
    pub fn from(
        run: &clout_app::RunRecord,
        rejects: &[clout_app::RejectRow],
        files: &[String],
        show: &dyn Fn(&str) -> String,
    ) -> RunDetail {
        RunDetail {
            run: ImportRun::from(run, show),
            rejects: rejects
                .iter()
                .map(|r| Reject {
                    file: show(&r.file),
                    file_name: std::path::Path::new(&r.file)
                        .file_name()
                        .map_or(r.file.clone(), |n| n.to_string_lossy().to_string()),
                    line: r.line,
                    field: r.field.clone(),
                    reason: r.reason.clone(),
                    raw: String::from_utf8_lossy(&r.raw).to_string(),
                })
                .collect(),
            reject_files: files
                .iter()
                .map(|n| RejectsDownload {
                    name: n.clone(),
                    download: format!("/api/v1/imports/{}/rejects?file={n}", run.id),
                })
                .collect(),
            summary: None,
            file_errors: None,
        }
    }
}

/// Whether the derived numbers (metrics, quality, niches) are current.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DerivedState {
    pub current: bool,
    /// The first observation the derived numbers do not include.
    #[schema(value_type = Option<Instant>)]
    pub stale_since: Option<String>,
}

impl DerivedState {
    pub fn from(stale_since: Option<clout_core::Timestamp>) -> DerivedState {
        DerivedState { current: stale_since.is_none(), stale_since: stale_since.map(time) }
    }
}

/// `clout status --json` and `/api/v1/status`: what the store holds, and the import runs.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Status {
    /// The data directory (the CLI only: the API does not tell where the server keeps it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<String>,
    /// Where the store is: `SQLite <file>` or `PostgreSQL user@host:port/db`, never with a
    /// password (the CLI only, as `data_dir`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub store: Option<String>,
    pub derived: DerivedState,
    pub channels: u64,
    pub channel_observations: u64,
    pub follower_observations: u64,
    pub posts: u64,
    pub post_observations: u64,
    pub import_runs: u64,
    pub rejects: u64,
    /// Channels in the server's Directory (the API only: the CLI builds no Directory for
    /// this).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub indexed_channels: Option<usize>,
    /// Every import run, oldest first.
    pub runs: Vec<ImportRun>,
}

impl Status {
    pub fn from(
        stats: &clout_app::StoreStats,
        runs: &[clout_app::RunRecord],
        stale_since: Option<clout_core::Timestamp>,
        show: &dyn Fn(&str) -> String,
    ) -> Status {
        Status {
            data_dir: None,
            store: None,
            derived: DerivedState::from(stale_since),
            channels: stats.channels,
            channel_observations: stats.channel_observations,
            follower_observations: stats.follower_observations,
            posts: stats.posts,
            post_observations: stats.post_observations,
            import_runs: stats.import_runs,
            rejects: stats.rejects,
            indexed_channels: None,
            runs: runs.iter().map(|r| ImportRun::from(r, show)).collect(),
        }
    }
}
