//! A batch's channel records, follower counts, follower samples and comments written
//! set-wise: each kind in one or two statements per batch (what the store holds of the
//! batch's keys, read at once; then the rows that change, written at once), with the
//! outcome, record for record, of writing them one by one in the batch's order as
//! SQLite's writer does. Each write keeps its guard (a newer profile or sample, a channel
//! record's count over a `followers` record's), so that a row another node wrote between
//! the read and the write is never overwritten by an older one.

use std::collections::HashMap;

use clout_core::{ChannelObservation, CommentRecord, FollowerSample, Timestamp};
use postgres::types::ToSql;

use super::Failure;
use super::rows::{Ctx, Tx, opt_i64, to_i64};

/// Whether each record written here changed the store, by its place in the batch.
pub(super) type Changes = HashMap<usize, bool>;

/// Keys in the order they first appear, each with the places of its items in `items`.
fn grouped<K: std::hash::Hash + Eq + Clone, T>(items: &[T], key: impl Fn(&T) -> K) -> Vec<(K, Vec<usize>)> {
    let mut at: HashMap<K, usize> = HashMap::new();
    let mut groups: Vec<(K, Vec<usize>)> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let k = key(item);
        match at.get(&k) {
            Some(&g) => groups[g].1.push(i),
            None => {
                at.insert(k.clone(), groups.len());
                groups.push((k, vec![i]));
            }
        }
    }
    groups
}

/// A follower count: a `followers` record's (`at` is its place) or a channel record's
/// (which counts as that record's write, not one of its own).
pub(super) struct Point<'r> {
    pub(super) at: Option<usize>,
    pub(super) channel: i64,
    pub(super) observed_at: i64,
    pub(super) followers: i64,
    pub(super) from_channel_record: bool,
    pub(super) extra: Option<&'r str>,
}

/// Follower counts: at one instant a channel record's replaces a `followers` record's,
/// never the reverse; otherwise the first one written stays.
pub(super) fn follower_points(tx: Tx<'_, '_, '_>, ctx: &Ctx, points: &[Point<'_>]) -> Result<Changes, Failure> {
    let mut changes = Changes::new();
    if points.is_empty() {
        return Ok(changes);
    }
    let groups = grouped(points, |p| (p.channel, p.observed_at));
    let (channels, times): (Vec<i64>, Vec<i64>) = groups.iter().map(|(k, _)| *k).unzip();
    // Whether each key has a row, and whether that row is a channel record's.
    let stored: HashMap<(i64, i64), bool> = tx
        .query(
            "SELECT f.channel_id, f.observed_at, f.from_channel_record FROM follower_observations f
             JOIN unnest($1::bigint[], $2::bigint[]) AS n(c, t) ON f.channel_id = n.c AND f.observed_at = n.t",
            &[&channels, &times],
        )?
        .iter()
        .map(|r| ((r.get(0), r.get(1)), r.get(2)))
        .collect();
    let mut winners: Vec<&Point<'_>> = Vec::new();
    for (key, members) in &groups {
        let mut state = stored.get(key).copied();
        let mut winner = None;
        for &i in members {
            let p = &points[i];
            let changed = match state {
                None => true,
                Some(false) => p.from_channel_record,
                Some(true) => false,
            };
            if changed {
                state = Some(p.from_channel_record);
                winner = Some(p);
            }
            if let Some(at) = p.at {
                changes.insert(at, changed);
            }
        }
        winners.extend(winner);
    }
    if winners.is_empty() {
        return Ok(changes);
    }
    let col = |f: &dyn Fn(&Point<'_>) -> i64| winners.iter().map(|p| f(p)).collect::<Vec<i64>>();
    let (channels, times, followers) = (col(&|p| p.channel), col(&|p| p.observed_at), col(&|p| p.followers));
    let from_channel: Vec<bool> = winners.iter().map(|p| p.from_channel_record).collect();
    let extras: Vec<Option<&str>> = winners.iter().map(|p| p.extra).collect();
    tx.execute(
        "INSERT INTO follower_observations (channel_id, observed_at, followers, from_channel_record, source_id, run_id,
            extra)
         SELECT c, t, f, fc, $6, $7, ex FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::boolean[], $5::text[])
            AS n(c, t, f, fc, ex)
         ON CONFLICT (channel_id, observed_at) DO UPDATE SET followers = excluded.followers,
            from_channel_record = true, source_id = excluded.source_id, run_id = excluded.run_id, extra = excluded.extra
         WHERE excluded.from_channel_record AND NOT follower_observations.from_channel_record",
        &[&channels, &times, &followers, &from_channel, &extras, &ctx.source, &ctx.run],
    )?;
    Ok(changes)
}

/// Follower samples: the newest observation of an account stays (one without a time
/// counts as the oldest); at the same time the first one written stays.
pub(super) fn follower_samples(
    tx: Tx<'_, '_, '_>,
    ctx: &Ctx,
    samples: &[(usize, i64, &FollowerSample)],
) -> Result<Changes, Failure> {
    let mut changes = Changes::new();
    if samples.is_empty() {
        return Ok(changes);
    }
    let groups = grouped(samples, |(_, c, s)| (*c, s.username.as_str()));
    let channels: Vec<i64> = groups.iter().map(|((c, _), _)| *c).collect();
    let names: Vec<&str> = groups.iter().map(|((_, u), _)| *u).collect();
    let stored: HashMap<(i64, String), Option<i64>> = tx
        .query(
            "SELECT s.channel_id, s.username, s.observed_at FROM follower_samples s
             JOIN unnest($1::bigint[], $2::text[]) AS n(c, u) ON s.channel_id = n.c AND s.username = n.u",
            &[&channels, &names],
        )?
        .iter()
        .map(|r| ((r.get(0), r.get(1)), r.get(2)))
        .collect();
    let time = |s: &FollowerSample| s.observed_at.map_or(-1, Timestamp::unix);
    let mut winners: Vec<(i64, &FollowerSample)> = Vec::new();
    for ((channel, username), members) in &groups {
        let mut state = stored.get(&(*channel, username.to_string())).map(|t| t.unwrap_or(-1));
        let mut winner = None;
        for &i in members {
            let (at, _, s) = samples[i];
            let changed = state.is_none_or(|t| t < time(s));
            if changed {
                state = Some(time(s));
                winner = Some(s);
            }
            changes.insert(at, changed);
        }
        winners.extend(winner.map(|s| (*channel, s)));
    }
    if winners.is_empty() {
        return Ok(changes);
    }
    let int =
        |f: &dyn Fn(&FollowerSample) -> Option<u64>| winners.iter().map(|(_, s)| opt_i64(f(s))).collect::<Vec<_>>();
    let flag = |f: &dyn Fn(&FollowerSample) -> Option<bool>| winners.iter().map(|(_, s)| f(s)).collect::<Vec<_>>();
    let channels: Vec<i64> = winners.iter().map(|(c, _)| *c).collect();
    let names: Vec<&str> = winners.iter().map(|(_, s)| s.username.as_str()).collect();
    let full_names: Vec<Option<&str>> = winners.iter().map(|(_, s)| s.full_name.as_deref()).collect();
    let times: Vec<Option<i64>> = winners.iter().map(|(_, s)| s.observed_at.map(Timestamp::unix)).collect();
    let extras: Vec<Option<&str>> = winners.iter().map(|(_, s)| s.extra.as_deref()).collect();
    tx.execute(
        "INSERT INTO follower_samples (channel_id, username, followers, following, posts_count, has_profile_pic,
            is_private, bio_length, full_name, has_external_url, verified, observed_at, extra, source_id, run_id)
         SELECT c, u, f, fg, pc, pic, pr, bl, fname, ext, v, t, ex, $14, $15
         FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::boolean[],
            $7::boolean[], $8::bigint[], $9::text[], $10::boolean[], $11::boolean[], $12::bigint[], $13::text[])
            AS n(c, u, f, fg, pc, pic, pr, bl, fname, ext, v, t, ex)
         ON CONFLICT (channel_id, username) DO UPDATE SET followers = excluded.followers,
            following = excluded.following, posts_count = excluded.posts_count,
            has_profile_pic = excluded.has_profile_pic, is_private = excluded.is_private,
            bio_length = excluded.bio_length, full_name = excluded.full_name,
            has_external_url = excluded.has_external_url, verified = excluded.verified,
            observed_at = excluded.observed_at, extra = excluded.extra, source_id = excluded.source_id,
            run_id = excluded.run_id
         WHERE coalesce(follower_samples.observed_at, -1) < coalesce(excluded.observed_at, -1)",
        &[
            &channels,
            &names,
            &int(&|s| s.followers),
            &int(&|s| s.following),
            &int(&|s| s.posts_count),
            &flag(&|s| s.has_profile_pic),
            &flag(&|s| s.is_private),
            &int(&|s| s.bio_length),
            &full_names,
            &flag(&|s| s.has_external_url),
            &flag(&|s| s.verified),
            &times,
            &extras,
            &ctx.source,
            &ctx.run,
        ],
    )?;
    Ok(changes)
}

/// Comments: the first one written of a comment id stays.
pub(super) fn comments(
    tx: Tx<'_, '_, '_>,
    ctx: &Ctx,
    comments: &[(usize, i64, &CommentRecord)],
) -> Result<Changes, Failure> {
    let mut changes = Changes::new();
    if comments.is_empty() {
        return Ok(changes);
    }
    let groups = grouped(comments, |(_, c, r)| (*c, r.comment_id.as_str()));
    let firsts: Vec<&(usize, i64, &CommentRecord)> = groups.iter().map(|(_, m)| &comments[m[0]]).collect();
    let channels: Vec<i64> = firsts.iter().map(|(_, c, _)| *c).collect();
    let text = |f: &dyn Fn(&CommentRecord) -> Option<&str>| firsts.iter().map(|(_, _, r)| f(r)).collect::<Vec<_>>();
    let published: Vec<Option<i64>> = firsts.iter().map(|(_, _, r)| r.published_at.map(Timestamp::unix)).collect();
    let made: std::collections::HashSet<(i64, String)> = tx
        .query(
            "INSERT INTO comments (channel_id, comment_id, post_id, author, text, published_at, extra, source_id, run_id)
             SELECT c, i, p, a, tx, pub, ex, $8, $9
             FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[])
                AS n(c, i, p, a, tx, pub, ex)
             ON CONFLICT (channel_id, comment_id) DO NOTHING RETURNING channel_id, comment_id",
            &[
                &channels,
                &text(&|r| Some(r.comment_id.as_str())),
                &text(&|r| Some(r.post_id.as_str())),
                &text(&|r| Some(r.author.as_str())),
                &text(&|r| r.text.as_deref()),
                &published,
                &text(&|r| r.extra.as_deref()),
                &ctx.source,
                &ctx.run,
            ],
        )?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    for ((channel, id), members) in &groups {
        for (k, &i) in members.iter().enumerate() {
            changes.insert(comments[i].0, k == 0 && made.contains(&(*channel, id.to_string())));
        }
    }
    Ok(changes)
}

/// Channel records: each is kept in the channel's observations (the first one at an
/// instant stays) and gives a follower count; the current profile takes each record
/// strictly newer than it in turn, a field a record leaves out keeping its value.
/// Returns the records' changes and their follower counts (to go with the others).
pub(super) fn channel_records<'r>(
    tx: Tx<'_, '_, '_>,
    ctx: &Ctx,
    records: &[(usize, i64, &'r ChannelObservation)],
) -> Result<(Changes, Vec<Point<'r>>), Failure> {
    let mut changes = Changes::new();
    if records.is_empty() {
        return Ok((changes, Vec::new()));
    }
    let points = records
        .iter()
        .map(|(_, channel, c)| Point {
            at: None,
            channel: *channel,
            observed_at: c.observed_at.unix(),
            followers: to_i64(c.followers),
            from_channel_record: true,
            extra: None,
        })
        .collect();
    // The observations.
    let groups = grouped(records, |(_, c, r)| (*c, r.observed_at.unix()));
    let firsts: Vec<&ChannelObservation> = groups.iter().map(|(_, m)| records[m[0]].2).collect();
    let (channels, times): (Vec<i64>, Vec<i64>) = groups.iter().map(|(k, _)| *k).unzip();
    let observations = Profiles::of(&channels, &times, &firsts);
    let mut params = observations.refs();
    params.extend([&ctx.source as &(dyn ToSql + Sync), &ctx.run]);
    let made: std::collections::HashSet<(i64, i64)> = tx
        .query(
            "INSERT INTO channel_observations (channel_id, observed_at, followers, name, bio, url, email, country,
                language, category, following, posts_count, verified, is_business, is_private, creator_id, extra,
                source_id, run_id)
             SELECT *, $18, $19 FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::text[],
                $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::bigint[], $12::bigint[],
                $13::boolean[], $14::boolean[], $15::boolean[], $16::text[], $17::text[])
             ON CONFLICT (channel_id, observed_at) DO NOTHING RETURNING channel_id, observed_at",
            &params,
        )?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    for (key, members) in &groups {
        for (k, &i) in members.iter().enumerate() {
            changes.insert(records[i].0, k == 0 && made.contains(key));
        }
    }
    // The current profiles: each channel's records newer than what it shows, merged.
    let by_channel = grouped(records, |(_, c, _)| *c);
    let ids: Vec<i64> = by_channel.iter().map(|(c, _)| *c).collect();
    let as_of: HashMap<i64, Option<i64>> = tx
        .query("SELECT id, as_of FROM channels WHERE id = ANY($1)", &[&ids])?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let mut merged: Vec<(i64, ChannelObservation)> = Vec::new();
    for (channel, members) in &by_channel {
        let mut now = as_of.get(channel).copied().flatten();
        let mut profile: Option<ChannelObservation> = None;
        for &i in members {
            let c = records[i].2;
            if now.is_some_and(|t| t >= c.observed_at.unix()) {
                continue;
            }
            now = Some(c.observed_at.unix());
            profile = Some(match profile {
                None => c.clone(),
                Some(before) => merge(before, c),
            });
        }
        merged.extend(profile.map(|p| (*channel, p)));
    }
    if !merged.is_empty() {
        let channels: Vec<i64> = merged.iter().map(|(c, _)| *c).collect();
        let times: Vec<i64> = merged.iter().map(|(_, p)| p.observed_at.unix()).collect();
        let profiles: Vec<&ChannelObservation> = merged.iter().map(|(_, p)| p).collect();
        let profiles = Profiles::of(&channels, &times, &profiles);
        let mut params = profiles.refs();
        params.push(&ctx.source);
        tx.execute(
            "UPDATE channels SET as_of = n.t, followers = n.followers, name = coalesce(n.name, channels.name),
                bio = coalesce(n.bio, channels.bio), url = coalesce(n.url, channels.url),
                email = coalesce(n.email, channels.email), country = coalesce(n.country, channels.country),
                language = coalesce(n.language, channels.language), category = coalesce(n.category, channels.category),
                following = coalesce(n.following, channels.following),
                posts_count = coalesce(n.posts_count, channels.posts_count),
                verified = coalesce(n.verified, channels.verified),
                is_business = coalesce(n.is_business, channels.is_business),
                is_private = coalesce(n.is_private, channels.is_private),
                creator_id = coalesce(n.creator_id, channels.creator_id), extra = coalesce(n.extra, channels.extra),
                source_id = $18
             FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[],
                $8::text[], $9::text[], $10::text[], $11::bigint[], $12::bigint[], $13::boolean[], $14::boolean[],
                $15::boolean[], $16::text[], $17::text[])
                AS n(c, t, followers, name, bio, url, email, country, language, category, following, posts_count,
                     verified, is_business, is_private, creator_id, extra)
             WHERE channels.id = n.c AND (channels.as_of IS NULL OR channels.as_of < n.t)",
            &params,
        )?;
    }
    Ok((changes, points))
}

/// Channel records' columns, for `unnest`: the channel, the time, then each field.
struct Profiles<'a> {
    channels: &'a [i64],
    times: &'a [i64],
    followers: Vec<i64>,
    text: [Vec<Option<&'a str>>; 7],
    counts: [Vec<Option<i64>>; 2],
    flags: [Vec<Option<bool>>; 3],
    creator_ids: Vec<Option<&'a str>>,
    extras: Vec<Option<&'a str>>,
}

impl<'a> Profiles<'a> {
    fn of(channels: &'a [i64], times: &'a [i64], profiles: &[&'a ChannelObservation]) -> Profiles<'a> {
        let text = |f: fn(&ChannelObservation) -> &Option<String>| -> Vec<Option<&'a str>> {
            profiles.iter().map(|p| f(p).as_deref()).collect()
        };
        Profiles {
            channels,
            times,
            followers: profiles.iter().map(|p| to_i64(p.followers)).collect(),
            text: [
                text(|p| &p.name),
                text(|p| &p.bio),
                text(|p| &p.url),
                text(|p| &p.email),
                text(|p| &p.country),
                text(|p| &p.language),
                text(|p| &p.category),
            ],
            counts: [
                profiles.iter().map(|p| opt_i64(p.following)).collect(),
                profiles.iter().map(|p| opt_i64(p.posts_count)).collect(),
            ],
            flags: [
                profiles.iter().map(|p| p.verified).collect(),
                profiles.iter().map(|p| p.is_business).collect(),
                profiles.iter().map(|p| p.is_private).collect(),
            ],
            creator_ids: text(|p| &p.creator_id),
            extras: text(|p| &p.extra),
        }
    }

    /// The 17 arrays, `$1` to `$17`.
    fn refs(&self) -> Vec<&(dyn ToSql + Sync)> {
        let mut out: Vec<&(dyn ToSql + Sync)> = vec![&self.channels, &self.times, &self.followers];
        out.extend(self.text.iter().map(|c| c as &(dyn ToSql + Sync)));
        out.extend(self.counts.iter().map(|c| c as &(dyn ToSql + Sync)));
        out.extend(self.flags.iter().map(|c| c as &(dyn ToSql + Sync)));
        out.extend([&self.creator_ids as &(dyn ToSql + Sync), &self.extras]);
        out
    }
}

/// A later profile over an earlier one: its count and time, and each field it carries.
fn merge(mut before: ChannelObservation, c: &ChannelObservation) -> ChannelObservation {
    fn take<T: Clone>(into: &mut Option<T>, from: &Option<T>) {
        if from.is_some() {
            into.clone_from(from);
        }
    }
    before.followers = c.followers;
    before.observed_at = c.observed_at;
    take(&mut before.name, &c.name);
    take(&mut before.bio, &c.bio);
    take(&mut before.url, &c.url);
    take(&mut before.email, &c.email);
    take(&mut before.country, &c.country);
    take(&mut before.language, &c.language);
    take(&mut before.category, &c.category);
    take(&mut before.following, &c.following);
    take(&mut before.posts_count, &c.posts_count);
    take(&mut before.verified, &c.verified);
    take(&mut before.is_business, &c.is_business);
    take(&mut before.is_private, &c.is_private);
    take(&mut before.creator_id, &c.creator_id);
    take(&mut before.extra, &c.extra);
    before
}
