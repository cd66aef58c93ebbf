//! Observations of posts the store already has (or that an earlier record of the batch
//! made), written set-wise: the posts' current observations read at once, each post's
//! records applied in the batch's order in memory (a newer observation becomes current
//! and the one it replaces joins the history; an older one joins the history; one at the
//! current instant adds nothing), then the history rows and the new current observations
//! written at once. Posts with a record that carries no time of its own are left to
//! [`super::rows::write_post`], record by record: whether such a record adds anything
//! depends on the history's counts.

use std::collections::{HashMap, HashSet};

use clout_core::{PostObservation, Timestamp};

use super::Failure;
use super::rows::{Ctx, Tx, opt_i64};

/// The counts of one observation: likes, comments, shares, views, saves.
type Counts = [Option<i64>; 5];

fn counts(p: &PostObservation) -> Counts {
    [opt_i64(p.likes), opt_i64(p.comments), opt_i64(p.shares), opt_i64(p.views), opt_i64(p.saves)]
}

/// A history row to write: channel, post row id, the observation, and the place of the
/// record it stands for when it is an older record's.
type HistoryRow = (i64, i64, Observed, Option<usize>);

/// One observation as the history keeps it.
#[derive(Clone)]
struct Observed {
    at: i64,
    counts: Counts,
    time_defaulted: bool,
    source: i64,
    run: i64,
}

/// What became of the records written here: by place in the batch, whether the record
/// changed the store and its post's row id (a record not named is `write_post`'s).
pub(super) struct Reobserved {
    pub(super) written: HashMap<usize, (bool, i64)>,
}

/// Writes `posts` (place in the batch, channel, record; every post record of the batch
/// that [`super::rows::insert_new_posts`] did not write), except those of a post with an
/// untimed record, which are returned to be written one by one.
pub(super) fn write(
    tx: Tx<'_, '_, '_>,
    ctx: &Ctx,
    posts: &[(usize, i64, &PostObservation)],
) -> Result<Reobserved, Failure> {
    let mut out = Reobserved { written: HashMap::new() };
    let mut groups: Vec<((i64, &str), Vec<usize>)> = Vec::new();
    let mut place: HashMap<(i64, &str), usize> = HashMap::new();
    for (i, (_, channel, p)) in posts.iter().enumerate() {
        let key = (*channel, p.post_id.as_str());
        let g = *place.entry(key).or_insert_with(|| {
            groups.push((key, Vec::new()));
            groups.len() - 1
        });
        groups[g].1.push(i);
    }
    // A post with an untimed record goes one record at a time.
    groups.retain(|(_, members)| members.iter().all(|&i| posts[i].2.observed_at.is_some()));
    if groups.is_empty() {
        return Ok(out);
    }
    let channels: Vec<i64> = groups.iter().map(|((c, _), _)| *c).collect();
    let ids: Vec<&str> = groups.iter().map(|((_, p), _)| *p).collect();
    let current: HashMap<(i64, String), (i64, Observed)> = tx
        .query(
            "SELECT p.channel_id, p.post_id, p.id, p.observed_at, p.likes, p.comments, p.shares, p.views, p.saves,
                p.time_defaulted, p.source_id, p.run_id
             FROM posts p JOIN unnest($1::bigint[], $2::text[]) AS n(c, p) ON p.channel_id = n.c AND p.post_id = n.p",
            &[&channels, &ids],
        )?
        .iter()
        .map(|r| {
            let observed = Observed {
                at: r.get(3),
                counts: [r.get(4), r.get(5), r.get(6), r.get(7), r.get(8)],
                time_defaulted: r.get(9),
                source: r.get(10),
                run: r.get(11),
            };
            ((r.get(0), r.get(1)), (r.get(2), observed))
        })
        .collect();
    // History rows in the order they would be written, each with the record it stands
    // for when it is an older record's (whose change is whether it is new).
    let mut history: Vec<HistoryRow> = Vec::new();
    let mut latest: Vec<(i64, i64, &PostObservation)> = Vec::new();
    for ((channel, post_id), members) in &groups {
        let Some((post, now)) = current.get(&(*channel, post_id.to_string())) else {
            // Not there after all (it cannot be: its first record made it): one by one.
            continue;
        };
        let mut now = now.clone();
        let mut newest: Option<&PostObservation> = None;
        for &i in members {
            let (at, _, p) = posts[i];
            let t = p.observed_at.map_or(0, Timestamp::unix);
            let seen = Observed { at: t, counts: counts(p), time_defaulted: false, source: ctx.source, run: ctx.run };
            if t > now.at {
                history.push((*channel, *post, std::mem::replace(&mut now, seen), None));
                newest = Some(p);
                out.written.insert(at, (true, *post));
            } else if t < now.at {
                history.push((*channel, *post, seen, Some(at)));
            } else {
                out.written.insert(at, (false, *post));
            }
        }
        latest.extend(newest.map(|p| (*channel, *post, p)));
    }
    // The first history row of a key is the one that can be written.
    let mut keys: HashSet<(i64, i64, i64)> = HashSet::new();
    let mut rows: Vec<&HistoryRow> = Vec::new();
    for row in &history {
        if keys.insert((row.0, row.1, row.2.at)) {
            rows.push(row);
        } else if let Some(at) = row.3 {
            out.written.insert(at, (false, row.1));
        }
    }
    let made = insert_history(tx, &rows)?;
    for (channel, post, o, at) in rows {
        if let Some(at) = at {
            out.written.insert(*at, (made.contains(&(*channel, *post, o.at)), *post));
        }
    }
    update_current(tx, ctx, &latest)?;
    Ok(out)
}

/// History rows, each kept unless its post has one at that instant; which were new.
fn insert_history(tx: Tx<'_, '_, '_>, rows: &[&HistoryRow]) -> Result<HashSet<(i64, i64, i64)>, Failure> {
    if rows.is_empty() {
        return Ok(HashSet::new());
    }
    let col = |f: &dyn Fn(&HistoryRow) -> i64| rows.iter().map(|r| f(r)).collect::<Vec<_>>();
    let count = |k: usize| rows.iter().map(|r| r.2.counts[k]).collect::<Vec<_>>();
    let defaulted: Vec<bool> = rows.iter().map(|r| r.2.time_defaulted).collect();
    Ok(tx
        .query(
            "INSERT INTO post_observations (channel_id, post_ref, observed_at, likes, comments, shares, views, saves,
                time_defaulted, source_id, run_id)
             SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[],
                $7::bigint[], $8::bigint[], $9::boolean[], $10::bigint[], $11::bigint[])
             ON CONFLICT (channel_id, post_ref, observed_at) DO NOTHING RETURNING channel_id, post_ref, observed_at",
            &[
                &col(&|r| r.0),
                &col(&|r| r.1),
                &col(&|r| r.2.at),
                &count(0),
                &count(1),
                &count(2),
                &count(3),
                &count(4),
                &defaulted,
                &col(&|r| r.2.source),
                &col(&|r| r.2.run),
            ],
        )?
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect())
}

/// Each post's newest observation made current. A post another node has moved on past
/// it in the meantime keeps its own, and this one joins its history instead.
fn update_current(tx: Tx<'_, '_, '_>, ctx: &Ctx, latest: &[(i64, i64, &PostObservation)]) -> Result<(), Failure> {
    if latest.is_empty() {
        return Ok(());
    }
    let channels: Vec<i64> = latest.iter().map(|(c, _, _)| *c).collect();
    let ids: Vec<i64> = latest.iter().map(|(_, id, _)| *id).collect();
    let int = |f: &dyn Fn(&PostObservation) -> Option<i64>| latest.iter().map(|(_, _, p)| f(p)).collect::<Vec<_>>();
    let text = |f: &dyn Fn(&PostObservation) -> Option<&str>| latest.iter().map(|(_, _, p)| f(p)).collect::<Vec<_>>();
    let count = |k: usize| int(&|p| counts(p)[k]);
    let updated: HashSet<(i64, i64)> = tx
        .query(
            "UPDATE posts SET published_at = n.pub, observed_at = n.obs, likes = n.l, comments = n.cm, shares = n.sh,
                views = n.v, saves = n.sv, type = n.ty, caption = n.cap, hashtags = n.h, mentions = n.m, url = n.u,
                sponsored = n.sp, extra = n.ex, time_defaulted = false, source_id = $17, run_id = $18
             FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[],
                $7::bigint[], $8::bigint[], $9::bigint[], $10::text[], $11::text[], $12::text[], $13::text[],
                $14::text[], $15::boolean[], $16::text[])
                AS n(c, id, pub, obs, l, cm, sh, v, sv, ty, cap, h, m, u, sp, ex)
             WHERE posts.channel_id = n.c AND posts.id = n.id AND posts.observed_at < n.obs
             RETURNING posts.channel_id, posts.id",
            &[
                &channels,
                &ids,
                &int(&|p| Some(p.published_at.unix())),
                &int(&|p| p.observed_at.map(Timestamp::unix)),
                &count(0),
                &count(1),
                &count(2),
                &count(3),
                &count(4),
                &text(&|p| p.post_type.map(|t| t.as_str())),
                &text(&|p| p.caption.as_deref()),
                &text(&|p| (!p.hashtags.is_empty()).then(|| p.hashtags.as_str())),
                &text(&|p| (!p.mentions.is_empty()).then(|| p.mentions.as_str())),
                &text(&|p| p.url.as_deref()),
                &latest.iter().map(|(_, _, p)| p.sponsored).collect::<Vec<_>>(),
                &text(&|p| p.extra.as_deref()),
                &ctx.source,
                &ctx.run,
            ],
        )?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let missed: Vec<HistoryRow> = latest
        .iter()
        .filter(|(c, id, _)| !updated.contains(&(*c, *id)))
        .map(|(c, id, p)| {
            let at = p.observed_at.map_or(0, Timestamp::unix);
            (*c, *id, Observed { at, counts: counts(p), time_defaulted: false, source: ctx.source, run: ctx.run }, None)
        })
        .collect();
    insert_history(tx, &missed.iter().collect::<Vec<_>>())?;
    Ok(())
}
