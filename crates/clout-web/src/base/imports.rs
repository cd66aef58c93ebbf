//! Import runs, shared by the API and the pages: an upload received into the data
//! directory and imported on the importer connection, a run and its rejects as JSON, and
//! the run's reject files.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::extract::Multipart;
use clout_app::{ImportOptions, Silent};

use super::auth::Auth;
use super::errors::{ApiError, ErrorCode};
use super::paths::shown_path;
use super::state::State;
use super::uploads;

/// The names of a file a user uploaded, made safe to keep on disk.
fn safe_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String =
        base.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' }).collect();
    let cleaned = cleaned.trim_start_matches('.').to_string();
    if cleaned.is_empty() { "upload.ndjson".to_string() } else { cleaned.chars().take(120).collect() }
}

/// Receives the files of a multipart upload into the data directory's `uploads` folder
/// (kept: they are the source the imported observations name), and the form's `csrf` field.
/// With `csrf_of` (a page's form), the `csrf` field must come first and match before any
/// file is written.
pub(crate) async fn receive_upload(
    state: &Arc<State>,
    mut form: Multipart,
    csrf_of: Option<&Auth>,
) -> Result<Vec<PathBuf>, ApiError> {
    use tokio::io::AsyncWriteExt;
    let secret = clout_app::random_secret()?;
    let data_dir = state.data_dir();
    let dir = data_dir.join("uploads").join(format!("{}-{}", state.now().unix(), &secret[..8]));
    // Until the whole upload has arrived, its folder goes away with the request: a refused
    // or broken upload (or a client that disconnects) leaves nothing behind.
    let mut guard = uploads::Partial::new(dir.clone());
    let mut files = Vec::new();
    let mut csrf_ok = csrf_of.is_none();
    let bad = |e: axum::extract::multipart::MultipartError| {
        ApiError::bad_request(ErrorCode::MalformedUpload, format!("the upload is not readable multipart data: {e}"))
    };
    while let Some(mut field) = form.next_field().await.map_err(bad)? {
        match field.name() {
            Some("csrf") => {
                let presented = field.text().await.map_err(bad)?;
                if let Some(auth) = csrf_of {
                    auth.check_csrf(Some(&presented))?;
                }
                csrf_ok = true;
            }
            Some("file") => {
                if !csrf_ok {
                    return Err(ApiError::csrf());
                }
                // A part without a file name (curl -F 'file=<x') is a file all the same.
                let name = safe_name(field.file_name().unwrap_or(""));
                tokio::fs::create_dir_all(&dir)
                    .await
                    .map_err(|e| ApiError::internal(format!("creating {}: {e}", shown_path(&data_dir, &dir))))?;
                let mut path = dir.join(&name);
                let mut n = 2;
                while path.exists() {
                    path = dir.join(format!("{n}-{name}"));
                    n += 1;
                }
                // Written under a `.partial` name and renamed once complete, so that a crash
                // mid-upload leaves a file the next start removes, never one that looks whole.
                let partial = uploads::partial_name(&path);
                let mut out = tokio::fs::File::create(&partial)
                    .await
                    .map_err(|e| ApiError::internal(format!("writing {}: {e}", shown_path(&data_dir, &path))))?;
                let mut bytes = 0u64;
                while let Some(chunk) = field.chunk().await.map_err(bad)? {
                    bytes += chunk.len() as u64;
                    out.write_all(&chunk)
                        .await
                        .map_err(|e| ApiError::internal(format!("writing {}: {e}", shown_path(&data_dir, &path))))?;
                }
                out.flush()
                    .await
                    .map_err(|e| ApiError::internal(format!("writing {}: {e}", shown_path(&data_dir, &path))))?;
                if bytes == 0 {
                    return Err(ApiError::bad_request(ErrorCode::EmptyFile, format!("{name} is empty")));
                }
                tokio::fs::rename(&partial, &path)
                    .await
                    .map_err(|e| ApiError::internal(format!("writing {}: {e}", shown_path(&data_dir, &path))))?;
                files.push(path);
            }
            Some(other) => {
                return Err(ApiError::bad_request(
                    ErrorCode::MalformedUpload,
                    format!("unexpected field '{other}' (send 'file' fields)"),
                ));
            }
            None => return Err(ApiError::bad_request(ErrorCode::MalformedUpload, "a field without a name")),
        }
    }
    if files.is_empty() {
        return Err(ApiError::bad_request(ErrorCode::NoFile, "the upload holds no 'file' field"));
    }
    guard.keep();
    Ok(files)
}

/// Records per transaction of an upload's import.
const UPLOAD_BATCH: usize = 2_000;

/// Imports uploaded files on the importer connection and refreshes the Directory.
pub(crate) async fn run_import(state: &Arc<State>, files: Vec<PathBuf>) -> Result<clout_app::ImportSummary, ApiError> {
    state
        .import(move |app, s| {
            let options = ImportOptions {
                clock: s.config.clock,
                strict: false,
                // Short transactions: a write from another request waits for one batch at
                // most (about 50 ms here), not for the whole file.
                batch_size: UPLOAD_BATCH,
                limits: Default::default(),
                max_decompressed_bytes: None,
                answers_observed_at: None,
                csv_map: None,
            };
            let summary = app.import(&files, &options, &mut Silent)?;
            uploads::prune(&s.data_dir(), s.now(), s.config.keep_uploads_days);
            Ok(summary)
        })
        .await
}

/// A run with its paths shown relative to the data directory.
pub(crate) fn run_json(r: &clout_app::RunRecord, data_dir: &Path) -> clout_wire::ImportRun {
    clout_wire::ImportRun::from(r, &|p| shown_path(data_dir, p))
}

/// Reject files of a run: `(name, path)`.
pub(crate) fn reject_files(data_dir: &Path, run: i64) -> Vec<(String, PathBuf)> {
    let dir = data_dir.join("rejects").join(format!("run-{run}"));
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| (e.file_name().to_string_lossy().to_string(), e.path()))
                .filter(|(n, _)| n.contains(".rejects."))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Run `id` with every reject and its reject files (with their download links).
pub(crate) async fn run_detail(state: &Arc<State>, id: i64) -> Result<clout_wire::RunDetail, ApiError> {
    let (record, rejects) = state.read(move |app, _| Ok((app.run(id)?, app.rejects(id)?))).await?;
    let data_dir = state.data_dir();
    let files: Vec<String> = reject_files(&data_dir, id).into_iter().map(|(name, _)| name).collect();
    Ok(clout_wire::RunDetail::from(&record, &rejects, &files, &|p| shown_path(&data_dir, p)))
}
