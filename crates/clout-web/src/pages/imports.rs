//! The import pages: every run, the upload form, one run with its rejects, and the
//! download of a run's rejected lines.

use super::*;

pub(super) async fn imports(state: St, Page(auth): Page) -> Response {
    let state = state.0;
    match state.read(|app, _| app.runs()).await {
        Ok(runs) => render(
            "imports.html",
            page_context(
                &auth,
                "imports",
                json!({"runs": runs.iter().rev().map(|r| run_json(r, &state.data_dir())).collect::<Vec<_>>()}),
            ),
            StatusCode::OK,
        ),
        Err(e) => error_page_for(&auth, e),
    }
}

pub(super) async fn upload(state: St, Page(auth): Page, form: Multipart) -> Response {
    let state = state.0;
    if let Err(e) = auth.user.require_write() {
        return error_page_for(&auth, e.into());
    }
    let files = match receive_upload(&state, form, Some(&auth)).await {
        Ok(v) => v,
        Err(e) => return error_page_for(&auth, e),
    };
    match run_import(&state, files).await {
        Ok(summary) => match summary.run {
            Some(run) => see_other(&format!("/imports/{run}")),
            None => error_page_for(&auth, ApiError::internal("the import started no run")),
        },
        Err(e) => error_page_for(&auth, e),
    }
}

pub(super) async fn import_run(state: St, PageId(auth, id): PageId) -> Response {
    let state = state.0;
    match run_detail(&state, id).await {
        Ok(detail) => {
            let ctx = json!({"run": detail, "rejects": detail.rejects, "reject_files": detail.reject_files, "file_errors": []});
            render("import.html", page_context(&auth, "imports", ctx), StatusCode::OK)
        }
        Err(e) => error_page_for(&auth, e),
    }
}

pub(super) async fn import_rejects(state: St, PageId(auth, id): PageId, RawQuery(raw): RawQuery) -> Response {
    let state = state.0;
    let pairs = params::pairs(raw.as_deref());
    let file = pairs.iter().find(|(k, _)| k == "file").map(|(_, v)| v.clone());
    match downloads::rejects_file(&state, id, file.as_deref()).await {
        Ok(r) => r,
        Err(e) => error_page_for(&auth, e),
    }
}
