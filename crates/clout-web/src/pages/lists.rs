//! The saved-list pages: every list, one list with its channels and notes, the forms that
//! change them, and the CSV export.

use super::*;

fn list_rows(lists: &[clout_app::ListRow]) -> Vec<Value> {
    lists
        .iter()
        .map(|l| json!({"id": l.id, "name": l.name, "members": l.members, "created_by": l.created_by, "created_at": clout_wire::time(l.created_at)}))
        .collect()
}

pub(super) async fn lists(state: St, Page(auth): Page) -> Response {
    let state = state.0;
    match state.read(|app, _| app.lists()).await {
        Ok(l) => render("lists.html", page_context(&auth, "lists", json!({"lists": list_rows(&l)})), StatusCode::OK),
        Err(e) => error_page_for(&auth, e),
    }
}

pub(super) async fn create_list(state: St, Posted(auth, f): Posted) -> Response {
    let state = state.0;
    let name = field(&f, "name").to_string();
    let user = auth.user.clone();
    match state.write(move |app, s| app.create_list(&user, &name, s.now())).await {
        Ok(l) => see_other(&format!("/lists/{}", l.id)),
        Err(e) => error_page_for(&auth, e),
    }
}

pub(super) async fn add_to_list(state: St, Posted(auth, f): Posted) -> Response {
    let state = state.0;
    let Ok(id) = field(&f, "list").parse::<i64>() else {
        return error_page_for(&auth, ApiError::bad_request(ErrorCode::InvalidParameter, "choose a list"));
    };
    // One channel (`channel`, from a profile), or several ticked in a table (`channel_0`,
    // `channel_1`, ...: a form cannot repeat a name here).
    let mut channels: Vec<(usize, String)> = f
        .iter()
        .filter_map(|(k, v)| {
            let n = if k == "channel" {
                Some(0)
            } else {
                k.strip_prefix("channel_")?.parse::<usize>().ok()?.checked_add(1)
            };
            n.map(|n| (n, v.trim().to_string())).filter(|(_, v)| !v.is_empty())
        })
        .collect();
    channels.sort();
    if channels.is_empty() {
        return error_page_for(
            &auth,
            ApiError::bad_request(ErrorCode::InvalidParameter, "select at least one creator"),
        );
    }
    let note = field(&f, "note").to_string();
    let user = auth.user.clone();
    let added = state
        .write(move |app, s| {
            // A ticked creator already on the list keeps its note: only `channel` (one
            // creator, with the note to set) replaces a note.
            let (_, entries) = app.list(id, TierPreset::Scrunch)?;
            let on_list: std::collections::HashSet<String> = entries
                .iter()
                .map(|e| format!("{}/{}", e.channel.row.platform, e.channel.row.handle).to_lowercase())
                .collect();
            for (n, channel) in &channels {
                if *n > 0 && on_list.contains(&channel.to_lowercase()) {
                    continue;
                }
                app.add_to_list(&user, id, channel, &note, s.now())?;
            }
            Ok(())
        })
        .await;
    match added {
        Ok(()) => see_other(&format!("/lists/{id}")),
        Err(e) => error_page_for(&auth, e),
    }
}

pub(super) async fn list(state: St, PageId(auth, id): PageId) -> Response {
    let state = state.0;
    let loaded = state
        .read(move |app, _| {
            let (row, entries) = app.list(id, TierPreset::Scrunch)?;
            // The audiences' overlap, where samples or comments were imported.
            let ids: Vec<i64> = entries.iter().map(|e| e.channel.row.id).collect();
            let overlap = (ids.len() >= 2 && ids.len() <= clout_app::MAX_OVERLAP_CHANNELS)
                .then(|| app.overlap(&ids))
                .transpose()?;
            Ok((row, entries, overlap))
        })
        .await;
    match loaded {
        Ok((row, entries, overlap)) => {
            let members: Vec<Value> = entries
                .iter()
                .map(|e| {
                    let r = &e.channel.row;
                    json!({"platform": r.platform.as_str(), "handle": r.handle, "tier": e.channel.tier.map(|t| t.as_str()), "followers": r.followers,
                        "er": r.metrics.as_ref().and_then(|m| m.engagement_rate.ok()), "note": e.note, "added_by": e.added_by, "added_at": clout_wire::time(e.added_at)})
                })
                .collect();
            let l = list_rows(std::slice::from_ref(&row)).remove(0);
            // Totals: the reach of one post each (followers added up) and the median rate.
            let followers: u64 = entries.iter().filter_map(|e| e.channel.row.followers).sum();
            let mut rates: Vec<f64> = entries
                .iter()
                .filter_map(|e| e.channel.row.metrics.as_ref().and_then(|m| m.engagement_rate.ok()))
                .collect();
            rates.sort_by(f64::total_cmp);
            let median = (!rates.is_empty()).then(|| {
                let n = rates.len();
                if n % 2 == 1 { rates[n / 2] } else { (rates[n / 2 - 1] + rates[n / 2]) / 2.0 }
            });
            let totals = json!({"followers": followers, "median_er": median});
            let overlap = overlap.as_ref().map(|o| {
                let mut wire = clout_wire::Overlap::from(o);
                // The pairs sharing most first; the twenty first are shown.
                wire.pairs.sort_by(|a, b| {
                    b.shared_followers
                        .unwrap_or(-1.0)
                        .total_cmp(&a.shared_followers.unwrap_or(-1.0))
                        .then(b.shared_commenters.cmp(&a.shared_commenters))
                });
                let sampled = wire.channels.iter().filter(|c| c.sampled_followers > 0).count();
                json!({"o": wire, "sampled": sampled})
            });
            render(
                "list.html",
                page_context(
                    &auth,
                    "lists",
                    json!({"list": l, "members": members, "totals": totals, "overlap": overlap}),
                ),
                StatusCode::OK,
            )
        }
        Err(e) => error_page_for(&auth, e),
    }
}

pub(super) async fn remove_from_list(state: St, UrlPath(id): UrlPath<String>, Posted(auth, f): Posted) -> Response {
    let state = state.0;
    let id = page!(path_id(&id).map_err(|e| error_page_for(&auth, e)));
    let channel = field(&f, "channel").to_string();
    let user = auth.user.clone();
    match state.write(move |app, _| app.remove_from_list(&user, id, &channel)).await {
        Ok(()) => see_other(&format!("/lists/{id}")),
        Err(e) => error_page_for(&auth, e),
    }
}

pub(super) async fn delete_list(state: St, UrlPath(id): UrlPath<String>, Posted(auth, _): Posted) -> Response {
    let state = state.0;
    let id = page!(path_id(&id).map_err(|e| error_page_for(&auth, e)));
    let user = auth.user.clone();
    match state.write(move |app, _| app.delete_list(&user, id)).await {
        Ok(()) => see_other("/lists"),
        Err(e) => error_page_for(&auth, e),
    }
}

pub(super) async fn export_list(state: St, PageId(auth, id): PageId) -> Response {
    let state = state.0;
    match downloads::list_csv(&state, id).await {
        Ok(r) => r,
        Err(e) => error_page_for(&auth, e),
    }
}

/// "Start a campaign with these creators": a campaign whose prospects are the list's
/// channels, with the brief's name and budget from the form.
pub(super) async fn campaign_from_list(state: St, UrlPath(id): UrlPath<String>, Posted(auth, f): Posted) -> Response {
    let state = state.0;
    let id = page!(path_id(&id).map_err(|e| error_page_for(&auth, e)));
    let card = match state.read(|app, _| app.rate_card()).await {
        Ok(c) => c,
        Err(e) => return error_page_for(&auth, e),
    };
    let budget = match params::money("budget", field(&f, "budget"), card.currency) {
        Ok(b) => b,
        Err(e) => return error_page_for(&auth, e),
    };
    let brief = clout_app::Brief {
        name: field(&f, "name").to_string(),
        goal: "engagements".to_string(),
        niche: None,
        starts_on: None,
        ends_on: None,
        budget,
        key_messages: String::new(),
        disclosure: "#ad".to_string(),
    };
    let user = auth.user.clone();
    let created = state
        .write(move |app, s| {
            let (_, entries) = app.list(id, TierPreset::Scrunch)?;
            let prospects: Vec<clout_app::Prospect> = entries
                .iter()
                .map(|e| clout_app::Prospect {
                    reference: format!("{}/{}", e.channel.row.platform, e.channel.row.handle),
                    planned: None,
                    expected: None,
                })
                .collect();
            app.create_campaign(clout_app::Actor::User(&user), &brief, &prospects, None, s.now())
        })
        .await;
    match created {
        Ok(c) => see_other(&format!("/campaigns/{}", c.id)),
        Err(e) => error_page_for(&auth, e),
    }
}
