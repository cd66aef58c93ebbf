//! Writing follower samples and the follower points they and channel records give.

use super::*;

/// Writes one follower sample: the newest observation of an account stays (one without a
/// time counts as the oldest); at the same time the first one written stays.
pub(super) fn write_follower_sample(
    tx: &rusqlite::Transaction<'_>,
    ctx: &Ctx,
    channel_id: i64,
    f: &clout_core::FollowerSample,
) -> Result<bool> {
    let values = params![
        channel_id,
        f.username,
        opt_i64(f.followers),
        opt_i64(f.following),
        opt_i64(f.posts_count),
        f.has_profile_pic,
        f.is_private,
        opt_i64(f.bio_length),
        f.full_name,
        f.has_external_url,
        f.verified,
        f.observed_at.map(Timestamp::unix),
        f.extra,
        ctx.source.0,
        ctx.run.0
    ];
    let inserted = tx
        .prepare_cached(
            "INSERT INTO follower_samples (channel_id, username, followers, following, posts_count, has_profile_pic,
                is_private, bio_length, full_name, has_external_url, verified, observed_at, extra, source_id, run_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
             ON CONFLICT (channel_id, username) DO NOTHING",
        )?
        .execute(values)?;
    if inserted > 0 {
        return Ok(true);
    }
    Ok(tx
        .prepare_cached(
            "UPDATE follower_samples SET followers = ?3, following = ?4, posts_count = ?5, has_profile_pic = ?6,
                is_private = ?7, bio_length = ?8, full_name = ?9, has_external_url = ?10, verified = ?11,
                observed_at = ?12, extra = ?13, source_id = ?14, run_id = ?15
             WHERE channel_id = ?1 AND username = ?2 AND coalesce(observed_at, -1) < coalesce(?12, -1)",
        )?
        .execute(values)?
        > 0)
}

/// Writes one follower count; returns whether it changed the store.
pub(super) fn follower_point(
    st: &mut Statements<'_>,
    ctx: &Ctx,
    channel_id: i64,
    observed_at: Timestamp,
    followers: u64,
    from_channel_record: bool,
    extra: Option<&str>,
) -> Result<bool> {
    let ins = &mut st.follower_insert;
    ins.raw_bind_parameter(1, channel_id)?;
    ins.raw_bind_parameter(2, observed_at.unix())?;
    ins.raw_bind_parameter(3, to_i64(followers))?;
    ins.raw_bind_parameter(4, from_channel_record)?;
    ins.raw_bind_parameter(5, ctx.source.0)?;
    ins.raw_bind_parameter(6, ctx.run.0)?;
    ins.raw_bind_parameter(7, extra)?;
    if ins.raw_execute()? > 0 {
        return Ok(true);
    }
    let values =
        params![channel_id, observed_at.unix(), to_i64(followers), from_channel_record, ctx.source.0, ctx.run.0, extra];
    Ok(st.follower_update.execute(values)? > 0)
}
