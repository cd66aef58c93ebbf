//! The Sources page: add channels by URL or handle, run a discovery, watch each fetch's
//! progress and read its report, and see every account the connectors keep fresh. A fetch
//! runs in the background (`crate::base::jobs`) through the same use case as `clout
//! fetch`, so it says the same things, errors included.

use super::*;

/// Progress of one background fetch, into its job's lines.
struct JobProgress {
    state: Arc<State>,
    id: u64,
}

impl clout_app::FetchProgress for JobProgress {
    fn step(&mut self, target: &str, message: &str) {
        self.state.job_says(self.id, format!("{target}: {message}"));
    }

    fn recomputing(&mut self) {
        self.state.job_says(self.id, "recomputing metrics".to_string());
    }
}

/// The platforms a page may fetch from, with what each needs.
const PLATFORMS: [(&str, &str); 3] =
    [("bluesky", "Bluesky"), ("youtube", "YouTube"), ("instagram", "Instagram (business and creator accounts)")];

pub(super) async fn sources(state: St, Page(auth): Page) -> Response {
    let state = state.0;
    let tracked = match state.read(|app, _| app.tracked()).await {
        Ok(t) => t,
        Err(e) => return error_page_for(&auth, e),
    };
    let now = state.now();
    let configured = clout_app::credentials::configured(&state.data_dir());
    let keys = json!({"youtube": configured.youtube, "instagram": configured.instagram});
    let jobs = state.jobs();
    let running = jobs.iter().any(|j| !j.done);
    let jobs: Vec<Value> = jobs
        .iter()
        .map(|j| {
            json!({
                "id": j.id, "label": j.label, "platform": j.platform, "by": j.by, "started": clout_wire::time(j.started), "done": j.done,
                "lines": j.lines, "error": j.error, "report": j.report,
            })
        })
        .collect();
    let tracked: Vec<Value> = tracked
        .iter()
        .map(|t| {
            let handle = t.handle.clone().unwrap_or_else(|| t.target.clone());
            json!({
                "platform": t.connector, "handle": handle,
                "fetched": t.completed_at.map(|c| super::directory::age(now, c)),
                "fetched_at": t.completed_at.map(|c| c.date_time()),
                "unfinished": t.unfinished,
            })
        })
        .collect();
    let platforms: Vec<Value> = PLATFORMS.iter().map(|(id, name)| json!({"id": id, "name": name})).collect();
    // As `clout fetch` says them.
    let statuses = json!({"done": "read", "not_found": "not found", "outside_range": "outside the follower range",
        "failed": "failed", "not_reached": "not reached"});
    let ctx = json!({"jobs": jobs, "running": running, "tracked": tracked, "keys": keys, "platforms": platforms,
        "statuses": statuses});
    render("sources.html", page_context(&auth, "sources", ctx), StatusCode::OK)
}

/// Handles, DIDs, ids or URLs, one per line or separated by spaces or commas.
fn targets(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == ',').filter(|t| !t.is_empty()).map(str::to_string).collect()
}

fn platform_of(f: &HashMap<String, String>) -> Result<&'static str, ApiError> {
    let p = field(f, "platform");
    PLATFORMS.iter().map(|(id, _)| *id).find(|id| *id == p).ok_or_else(|| {
        ApiError::bad_request(
            ErrorCode::InvalidParameter,
            format!("no connector for {p:?} (bluesky, youtube, instagram)"),
        )
    })
}

fn count(f: &HashMap<String, String>, key: &str) -> Result<Option<u64>, ApiError> {
    let v = field(f, key).trim().replace(',', "");
    if v.is_empty() {
        return Ok(None);
    }
    v.parse()
        .map(Some)
        .map_err(|_| ApiError::bad_request(ErrorCode::InvalidParameter, format!("{key}: {v:?} is not a whole number")))
}

/// Runs `go` as a background job labelled `label`; the page follows it.
fn spawn(
    state: Arc<State>,
    auth: &Auth,
    label: String,
    platform: &'static str,
    go: impl FnOnce(&mut clout_app::App, &mut JobProgress) -> clout_app::Result<(Option<usize>, clout_app::FetchSummary)>
    + Send
    + 'static,
) -> Response {
    let id = state.start_job(label, platform, auth.user.username.clone());
    let job_state = state.clone();
    tokio::spawn(async move {
        let progress_state = job_state.clone();
        let outcome = job_state
            .import(move |app, _| {
                let mut progress = JobProgress { state: progress_state, id };
                go(app, &mut progress)
            })
            .await;
        let outcome = outcome
            .map(|(found, summary)| clout_wire::FetchReport::from(&summary, found))
            .map_err(|e| e.message.clone());
        job_state.finish_job(id, outcome);
    });
    see_other("/sources")
}

fn options(state: &State) -> clout_app::FetchOptions {
    clout_app::FetchOptions::new(state.config.clock)
}

pub(super) async fn fetch(state: St, Posted(auth, f): Posted) -> Response {
    let state = state.0;
    if let Err(e) = auth.user.require_write() {
        return error_page_for(&auth, e.into());
    }
    let platform = match platform_of(&f) {
        Ok(p) => p,
        Err(e) => return error_page_for(&auth, e),
    };
    let targets = targets(field(&f, "accounts"));
    if targets.is_empty() {
        return error_page_for(
            &auth,
            ApiError::bad_request(ErrorCode::InvalidParameter, "give at least one handle or URL"),
        );
    }
    let options = options(&state);
    let label = format!("fetch {platform}: {}", targets.join(", "));
    spawn(state, &auth, label, platform, move |app, progress| {
        Ok((None, app.fetch_from(platform, &targets, &options, &clout_app::Connect::default(), progress)?))
    })
}

pub(super) async fn discover(state: St, Posted(auth, f): Posted) -> Response {
    let state = state.0;
    if let Err(e) = auth.user.require_write() {
        return error_page_for(&auth, e.into());
    }
    let platform = match platform_of(&f) {
        Ok(p) => p,
        Err(e) => return error_page_for(&auth, e),
    };
    let (query, seed) = (field(&f, "query").trim().to_string(), field(&f, "via_follows").trim().to_string());
    let discovery = match (query.is_empty(), seed.is_empty()) {
        (false, _) => clout_app::Discovery::Words(query.clone()),
        (true, false) => clout_app::Discovery::ViaFollows(seed.clone()),
        (true, true) => {
            return error_page_for(
                &auth,
                ApiError::bad_request(
                    ErrorCode::InvalidParameter,
                    "give words to search, or an account whose follows to take",
                ),
            );
        }
    };
    let (min, max, limit) = match (count(&f, "min_followers"), count(&f, "max_followers"), count(&f, "limit")) {
        (Ok(a), Ok(b), Ok(c)) => (a, b, c.unwrap_or(25).clamp(1, 500) as usize),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return error_page_for(&auth, e),
    };
    let options =
        clout_app::FetchOptions { followers_range: (min.unwrap_or(0), max.unwrap_or(u64::MAX)), ..options(&state) };
    let label = match &discovery {
        clout_app::Discovery::Words(q) => format!("discover {platform}: \u{201c}{q}\u{201d}"),
        clout_app::Discovery::ViaFollows(s) => format!("discover {platform}: accounts {s} follows"),
    };
    spawn(state, &auth, label, platform, move |app, progress| {
        let (found, summary) =
            app.discover_on(platform, &discovery, limit, &options, &clout_app::Connect::default(), progress)?;
        Ok((Some(found.len()), summary))
    })
}
