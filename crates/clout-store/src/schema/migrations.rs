//! Every migration's SQL, in order: migration N brings a store from version N - 1 to N.
//! Appended, never edited (see the parent module).

pub(super) const MIGRATIONS: &[&str] = &[
    // 1: channels, posts and their observations, provenance, import runs, derived metrics.
    //
    // The structural links (a post's channel, an observation's post or channel) are
    // foreign keys. The provenance columns `source_id` and `run_id` are not: sources and
    // runs are append-only, written by the same transaction code, and never deleted, and
    // three extra lookups per observation cost a third of the import's throughput.
    //
    // CHECK constraints on hot tables spell out `a = x OR a = y` rather than `a IN (x, y, z)`:
    // SQLite evaluates an IN list of three or more through an ephemeral table built on every
    // insert, which cost a quarter of the time of writing a follower count.
    r#"
    CREATE TABLE sources (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE
    );
    CREATE TABLE import_runs (
        id INTEGER PRIMARY KEY,
        started_at INTEGER NOT NULL,
        finished_at INTEGER,
        status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'interrupted')),
        files TEXT NOT NULL,
        accepted INTEGER NOT NULL DEFAULT 0,
        rejected INTEGER NOT NULL DEFAULT 0,
        rejects_file TEXT
    );
    CREATE TABLE import_rejects (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES import_runs(id),
        file TEXT NOT NULL,
        line INTEGER NOT NULL,
        field TEXT,
        reason TEXT NOT NULL,
        raw BLOB NOT NULL
    );
    CREATE INDEX import_rejects_run ON import_rejects(run_id);
    CREATE TABLE channels (
        id INTEGER PRIMARY KEY,
        platform TEXT NOT NULL,
        handle TEXT NOT NULL,
        as_of INTEGER,
        followers INTEGER,
        name TEXT, bio TEXT, url TEXT, email TEXT, country TEXT, language TEXT, category TEXT,
        following INTEGER, posts_count INTEGER,
        verified INTEGER, is_business INTEGER, is_private INTEGER,
        creator_id TEXT,
        extra TEXT,
        source_id INTEGER,
        UNIQUE (platform, handle)
    );
    CREATE TABLE channel_observations (
        channel_id INTEGER NOT NULL REFERENCES channels(id),
        observed_at INTEGER NOT NULL,
        followers INTEGER NOT NULL,
        name TEXT, bio TEXT, url TEXT, email TEXT, country TEXT, language TEXT, category TEXT,
        following INTEGER, posts_count INTEGER,
        verified INTEGER, is_business INTEGER, is_private INTEGER,
        creator_id TEXT,
        extra TEXT,
        source_id INTEGER NOT NULL,
        run_id INTEGER NOT NULL,
        method TEXT NOT NULL DEFAULT 'measured' CHECK (method = 'measured' OR method = 'derived' OR method = 'estimated'),
        PRIMARY KEY (channel_id, observed_at)
    );
    CREATE TABLE follower_observations (
        channel_id INTEGER NOT NULL REFERENCES channels(id),
        observed_at INTEGER NOT NULL,
        followers INTEGER NOT NULL,
        from_channel_record INTEGER NOT NULL,
        extra TEXT,
        source_id INTEGER NOT NULL,
        run_id INTEGER NOT NULL,
        method TEXT NOT NULL DEFAULT 'measured' CHECK (method = 'measured' OR method = 'derived' OR method = 'estimated'),
        PRIMARY KEY (channel_id, observed_at)
    ) WITHOUT ROWID;
    CREATE TABLE posts (
        id INTEGER PRIMARY KEY,
        channel_id INTEGER NOT NULL REFERENCES channels(id),
        post_id TEXT NOT NULL,
        published_at INTEGER NOT NULL,
        observed_at INTEGER NOT NULL,
        likes INTEGER, comments INTEGER, shares INTEGER, views INTEGER, saves INTEGER,
        type TEXT, caption TEXT, hashtags TEXT, mentions TEXT, url TEXT, sponsored INTEGER,
        extra TEXT,
        time_defaulted INTEGER NOT NULL,
        source_id INTEGER NOT NULL,
        run_id INTEGER NOT NULL,
        UNIQUE (channel_id, post_id)
    );
    -- Every observation of a post but the current one (which is the posts row).
    CREATE TABLE post_observations (
        post_ref INTEGER NOT NULL REFERENCES posts(id),
        observed_at INTEGER NOT NULL,
        likes INTEGER, comments INTEGER, shares INTEGER, views INTEGER, saves INTEGER,
        time_defaulted INTEGER NOT NULL,
        source_id INTEGER NOT NULL,
        run_id INTEGER NOT NULL,
        method TEXT NOT NULL DEFAULT 'measured' CHECK (method = 'measured' OR method = 'derived' OR method = 'estimated'),
        PRIMARY KEY (post_ref, observed_at)
    ) WITHOUT ROWID;
    -- A newer observation replacing the current one moves the old one into the history.
    CREATE TRIGGER posts_keep_history BEFORE UPDATE OF observed_at ON posts
    WHEN new.observed_at > old.observed_at
    BEGIN
        INSERT INTO post_observations (post_ref, observed_at, likes, comments, shares, views, saves,
            time_defaulted, source_id, run_id)
        VALUES (old.id, old.observed_at, old.likes, old.comments, old.shares, old.views, old.saves,
            old.time_defaulted, old.source_id, old.run_id)
        ON CONFLICT (post_ref, observed_at) DO NOTHING;
    END;
    CREATE TABLE channel_metrics (
        channel_id INTEGER PRIMARY KEY REFERENCES channels(id),
        window_rule TEXT,
        eligible_until INTEGER,
        thirty_days_after INTEGER,
        posts_in_window INTEGER NOT NULL,
        engagement_rate REAL, engagement_rate_reason TEXT,
        median_engagement_rate REAL, median_engagement_rate_reason TEXT,
        engagement_rate_by_views REAL, engagement_rate_by_views_reason TEXT,
        viral_skew INTEGER, viral_skew_reason TEXT,
        engagement_cv REAL, engagement_cv_reason TEXT,
        avg_likes REAL, avg_likes_reason TEXT,
        avg_comments REAL, avg_comments_reason TEXT,
        avg_shares REAL, avg_shares_reason TEXT,
        avg_views REAL, avg_views_reason TEXT,
        comments_per_100_likes REAL, comments_per_100_likes_reason TEXT,
        posts_per_week REAL NOT NULL,
        follower_growth_30d REAL, follower_growth_30d_reason TEXT,
        benchmark_bucket TEXT,
        engagement_percentile REAL, engagement_percentile_reason TEXT,
        engagement_label TEXT, engagement_label_reason TEXT,
        engagement_index REAL, engagement_index_reason TEXT
    );
    CREATE TABLE platform_fits (
        platform TEXT PRIMARY KEY,
        a REAL NOT NULL,
        b REAL NOT NULL,
        n INTEGER NOT NULL
    );
    CREATE TABLE bucket_stats (
        platform TEXT NOT NULL,
        bucket TEXT NOT NULL,
        channels INTEGER NOT NULL,
        median_rate REAL NOT NULL,
        PRIMARY KEY (platform, bucket)
    );
    "#,
    // 2: niche labels (derived, replaced by every recomputation).
    r#"
    CREATE TABLE channel_niches (
        channel_id INTEGER NOT NULL REFERENCES channels(id),
        niche TEXT NOT NULL,
        confidence REAL NOT NULL,
        score REAL NOT NULL,
        -- One line per evidence item: field, tab, count, tab, term.
        evidence TEXT NOT NULL,
        PRIMARY KEY (channel_id, niche)
    ) WITHOUT ROWID;
    "#,
    // 3: the full-text side of the discovery index (derived, rebuilt with the niche labels).
    // The rowid is the channel id. Porter stemming over Unicode words: "workouts" finds
    // "workout"; hashtags are stored without `#`, space-separated.
    r#"
    CREATE VIRTUAL TABLE channel_text USING fts5(
        handle, name, bio, captions, hashtags,
        tokenize = 'porter unicode61 remove_diacritics 2'
    );
    "#,
    // 4: follower samples: accounts that follow a channel, for the audience-quality score.
    r#"
    CREATE TABLE follower_samples (
        channel_id INTEGER NOT NULL REFERENCES channels(id),
        username TEXT NOT NULL,
        followers INTEGER, following INTEGER, posts_count INTEGER,
        has_profile_pic INTEGER, is_private INTEGER, bio_length INTEGER,
        full_name TEXT, has_external_url INTEGER, verified INTEGER,
        observed_at INTEGER,
        extra TEXT,
        source_id INTEGER NOT NULL,
        run_id INTEGER NOT NULL,
        method TEXT NOT NULL DEFAULT 'measured' CHECK (method = 'measured' OR method = 'derived' OR method = 'estimated'),
        PRIMARY KEY (channel_id, username)
    ) WITHOUT ROWID;
    "#,
    // 5: each channel's audience-quality score (derived; components are recomputed on demand).
    r#"
    CREATE TABLE channel_quality (
        channel_id INTEGER PRIMARY KEY REFERENCES channels(id),
        score REAL NOT NULL,
        low REAL NOT NULL,
        high REAL NOT NULL
    );
    "#,
    // 6: comments on posts, for comment authenticity.
    r#"
    CREATE TABLE comments (
        channel_id INTEGER NOT NULL REFERENCES channels(id),
        comment_id TEXT NOT NULL,
        post_id TEXT NOT NULL,
        author TEXT NOT NULL,
        text TEXT,
        published_at INTEGER,
        extra TEXT,
        source_id INTEGER NOT NULL,
        run_id INTEGER NOT NULL,
        PRIMARY KEY (channel_id, comment_id)
    ) WITHOUT ROWID;
    "#,
    // 7: accounts, sessions and API tokens for the web app, and saved lists of channels.
    // Only hashes of session and API tokens are kept; passwords as argon2 PHC strings.
    r#"
    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL UNIQUE COLLATE NOCASE,
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('admin', 'member', 'viewer')),
        created_at INTEGER NOT NULL
    );
    CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        csrf TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
    );
    CREATE INDEX sessions_user ON sessions(user_id);
    CREATE TABLE api_tokens (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        prefix TEXT NOT NULL,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE lists (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE list_members (
        list_id INTEGER NOT NULL REFERENCES lists(id) ON DELETE CASCADE,
        channel_id INTEGER NOT NULL REFERENCES channels(id),
        note TEXT NOT NULL DEFAULT '',
        added_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
        added_at INTEGER NOT NULL,
        PRIMARY KEY (list_id, channel_id)
    );
    "#,
    // 8: each channel's most used hashtags beside the full-text table, for lookalikes: a
    // scan of this small table replaces one of the full-text rows (captions and all).
    // Filled here from the text already indexed; kept with it from now on.
    r#"
    CREATE TABLE channel_tags (
        channel_id INTEGER PRIMARY KEY,
        tags TEXT NOT NULL
    );
    INSERT INTO channel_tags (channel_id, tags)
        SELECT rowid, hashtags FROM channel_text WHERE hashtags IS NOT NULL AND hashtags <> '';
    "#,
    // 9: the user's own deals (interchange `deal`), to fit price estimates to. The fee is
    // exact: integer minor units of its currency.
    r#"
    CREATE TABLE deals (
        id INTEGER PRIMARY KEY,
        channel_id INTEGER NOT NULL REFERENCES channels(id),
        deliverable TEXT NOT NULL,
        fee_minor INTEGER NOT NULL,
        currency TEXT NOT NULL,
        agreed_at INTEGER NOT NULL,
        extra TEXT,
        source_id INTEGER NOT NULL REFERENCES sources(id),
        run_id INTEGER NOT NULL REFERENCES import_runs(id),
        UNIQUE (channel_id, deliverable, agreed_at, fee_minor, currency)
    );
    CREATE INDEX deals_channel ON deals(channel_id);
    "#,
    // 10: running campaigns. Creators' contacts and notes; campaigns with their members,
    // stage history and deliverables; conversions imported from shops and link trackers.
    // Money is integer minor units beside its currency. "By" columns name a user, or the
    // command line's operator.
    r#"
    CREATE TABLE creator_profiles (
        channel_id INTEGER PRIMARY KEY REFERENCES channels(id),
        email TEXT,
        phone TEXT,
        agent TEXT,
        tags TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE creator_notes (
        id INTEGER PRIMARY KEY,
        channel_id INTEGER NOT NULL REFERENCES channels(id),
        body TEXT NOT NULL,
        written_by TEXT NOT NULL,
        written_at INTEGER NOT NULL
    );
    CREATE INDEX creator_notes_channel ON creator_notes(channel_id);
    CREATE TABLE campaigns (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        goal TEXT NOT NULL,
        niche TEXT,
        starts_on INTEGER,
        ends_on INTEGER,
        budget_minor INTEGER NOT NULL,
        currency TEXT NOT NULL,
        key_messages TEXT NOT NULL DEFAULT '',
        disclosure TEXT NOT NULL DEFAULT '',
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        plan TEXT
    );
    CREATE TABLE campaign_members (
        campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
        channel_id INTEGER NOT NULL REFERENCES channels(id),
        stage TEXT NOT NULL,
        fee_minor INTEGER,
        planned_minor INTEGER,
        expected_p10 REAL,
        expected_p50 REAL,
        expected_p90 REAL,
        added_by TEXT NOT NULL,
        added_at INTEGER NOT NULL,
        PRIMARY KEY (campaign_id, channel_id)
    );
    CREATE TABLE stage_changes (
        id INTEGER PRIMARY KEY,
        campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
        channel_id INTEGER NOT NULL REFERENCES channels(id),
        from_stage TEXT,
        to_stage TEXT NOT NULL,
        changed_by TEXT NOT NULL,
        changed_at INTEGER NOT NULL
    );
    CREATE INDEX stage_changes_member ON stage_changes(campaign_id, channel_id);
    CREATE TABLE campaign_deliverables (
        id INTEGER PRIMARY KEY,
        campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
        channel_id INTEGER NOT NULL REFERENCES channels(id),
        kind TEXT NOT NULL,
        due_on INTEGER,
        status TEXT NOT NULL,
        post_ref TEXT,
        linked_by TEXT,
        linked_at INTEGER,
        created_at INTEGER NOT NULL
    );
    CREATE INDEX campaign_deliverables_member ON campaign_deliverables(campaign_id, channel_id);
    CREATE TABLE conversions (
        id INTEGER PRIMARY KEY,
        campaign TEXT NOT NULL COLLATE NOCASE,
        attribution TEXT NOT NULL,
        code TEXT,
        link TEXT,
        channel_id INTEGER REFERENCES channels(id),
        orders INTEGER NOT NULL,
        revenue_minor INTEGER NOT NULL,
        currency TEXT NOT NULL,
        observed_at INTEGER NOT NULL,
        order_id TEXT,
        extra TEXT,
        source_id INTEGER NOT NULL REFERENCES sources(id),
        run_id INTEGER NOT NULL REFERENCES import_runs(id)
    );
    -- A running total is one per code or link and moment; an order is one per order id.
    CREATE UNIQUE INDEX conversions_once ON conversions(campaign, attribution, observed_at, coalesce(order_id, ''));
    "#,
    // 11: the phase of derived state. An import marks it stale in the transaction of its
    // first batch; a complete recompute marks it current. A crash between the two leaves it
    // stale, so nothing shows the old numbers as current. A store that existed before this
    // migration may hold anything: it starts stale.
    r#"
    -- `writes` counts committed import batches and `generation` completed recomputes, so
    -- that a recompute marks the state current only if nothing was written while it ran
    -- (another process may import at the same time), and a server can tell that another
    -- process recomputed.
    CREATE TABLE derived_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        stale_since INTEGER,
        writes INTEGER NOT NULL DEFAULT 0,
        generation INTEGER NOT NULL DEFAULT 0
    );
    INSERT INTO derived_state (id, stale_since)
        SELECT 1, CASE WHEN EXISTS (SELECT 1 FROM channels) THEN CAST(strftime('%s', 'now') AS INTEGER) END;
    "#,
    // 12: account hardening: a user can be disabled (kept, with their lists' authorship,
    // but unable to sign in or use a token); an API token can expire and can be
    // read-only ('read') instead of acting with its user's full role ('full').
    r#"
    ALTER TABLE users ADD COLUMN disabled_at INTEGER;
    ALTER TABLE api_tokens ADD COLUMN expires_at INTEGER;
    ALTER TABLE api_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'full' CHECK (scope = 'full' OR scope = 'read');
    CREATE INDEX api_tokens_user ON api_tokens(user_id);
    "#,
    // 13: connectors' checkpoints. A fetch writes where it is (an account's feed cursor,
    // say) in the same transaction as the records of the page it read, so a killed fetch
    // continues from its last committed page and never reads one twice. The state is the
    // connector's own JSON; the store only keeps it.
    r#"
    CREATE TABLE fetch_checkpoints (
        connector TEXT NOT NULL,
        target TEXT NOT NULL,
        state TEXT NOT NULL,
        run_id INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (connector, target)
    );
    "#,
    // 14: whether an audience-quality score rests on enough evidence (two kinds or more);
    // the score's formula changed with it (pulled towards a prior when evidence is thin),
    // so the derived state is marked stale and recomputed by the next import, `clout
    // recompute` or `clout serve`.
    r#"
    ALTER TABLE channel_quality ADD COLUMN enough_evidence INTEGER NOT NULL DEFAULT 1;
    UPDATE derived_state SET stale_since = COALESCE(stale_since, CAST(strftime('%s', 'now') AS INTEGER))
        WHERE EXISTS (SELECT 1 FROM channel_quality);
    "#,
    // 15: what a team keeps beside its lists: a user's timezone (dates on pages are shown
    // in it; none: UTC), the Directory searches the team saved by name, and read-only
    // links to a campaign's report for a client without an account (the hash of the
    // link's secret, never the secret; a link expires and can be revoked).
    r#"
    ALTER TABLE users ADD COLUMN timezone TEXT;
    CREATE TABLE saved_searches (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        query TEXT NOT NULL,
        created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE campaign_shares (
        id INTEGER PRIMARY KEY,
        campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
        token_hash TEXT NOT NULL UNIQUE,
        prefix TEXT NOT NULL,
        created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        revoked_at INTEGER
    );
    CREATE INDEX campaign_shares_campaign ON campaign_shares(campaign_id);
    "#,
    // 16: a fingerprint of each channel's searchable text, so a recompute rewrites the
    // full-text row (and its top hashtags) only when the text changed. Every existing row
    // gets 0, which no fingerprint equals: the next recompute rewrites it once.
    r#"
    CREATE TABLE channel_text_hashes (
        channel_id INTEGER PRIMARY KEY,
        hash INTEGER NOT NULL
    );
    INSERT INTO channel_text_hashes (channel_id, hash) SELECT rowid, 0 FROM channel_text;
    "#,
    // 17: a channel's standing among its peers (percentile, label, engagement index) is
    // computed when it is read, from each peer group's rates (kept with the group) and the
    // size fits: an import that changes a few channels rewrites those and the groups, not
    // every channel's comparison. The follower-growth check is kept per channel, so that
    // audience-quality scores can be recomputed without reading posts again. The old metrics
    // go first (the recompute that the stale state calls for writes them all again, and the
    // columns drop faster from an empty table).
    r#"
    DELETE FROM channel_metrics;
    ALTER TABLE channel_metrics DROP COLUMN engagement_percentile;
    ALTER TABLE channel_metrics DROP COLUMN engagement_percentile_reason;
    ALTER TABLE channel_metrics DROP COLUMN engagement_label;
    ALTER TABLE channel_metrics DROP COLUMN engagement_label_reason;
    ALTER TABLE channel_metrics DROP COLUMN engagement_index;
    ALTER TABLE channel_metrics DROP COLUMN engagement_index_reason;
    ALTER TABLE bucket_stats ADD COLUMN rates BLOB;
    ALTER TABLE derived_state ADD COLUMN peers_version INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE channel_growth (
        channel_id INTEGER PRIMARY KEY,
        intervals INTEGER NOT NULL
    );
    CREATE TABLE growth_anomalies (
        channel_id INTEGER NOT NULL,
        k INTEGER NOT NULL,
        from_at INTEGER NOT NULL,
        to_at INTEGER NOT NULL,
        followers_before INTEGER NOT NULL,
        followers_after INTEGER NOT NULL,
        change REAL,
        z REAL,
        viral_post_id TEXT,
        viral_published_at INTEGER,
        viral_times_median REAL,
        PRIMARY KEY (channel_id, k)
    ) WITHOUT ROWID;
    UPDATE derived_state SET stale_since = COALESCE(stale_since, CAST(strftime('%s', 'now') AS INTEGER))
        WHERE EXISTS (SELECT 1 FROM channels);
    "#,
    // 18: each channel's comments summarised for its audience-quality score (counts, generic
    // examples, regular commenters), so that a recompute after an import reads the comments
    // of the channels it touched only. Stale until the next recompute fills it.
    r#"
    CREATE TABLE comment_summaries (
        channel_id INTEGER PRIMARY KEY,
        comments INTEGER NOT NULL,
        generic INTEGER NOT NULL,
        posts INTEGER NOT NULL,
        examples TEXT NOT NULL,
        regulars TEXT NOT NULL
    );
    UPDATE derived_state SET stale_since = COALESCE(stale_since, CAST(strftime('%s', 'now') AS INTEGER))
        WHERE EXISTS (SELECT 1 FROM comments);
    "#,
    // 19: a version of the searchable text, bumped by every transaction that changes it, so
    // that the full-text index beside the store can tell whether it holds the same text.
    r#"
    ALTER TABLE derived_state ADD COLUMN text_version INTEGER NOT NULL DEFAULT 0;
    "#,
    // 20: each channel's follower sample as judged (verdicts of each type, the model that
    // gave them): an import's recompute judges the touched channels' samples only.
    r#"
    CREATE TABLE follower_verdicts (
        channel_id INTEGER PRIMARY KEY,
        model TEXT NOT NULL,
        real INTEGER NOT NULL,
        influencer INTEGER NOT NULL,
        mass_follower INTEGER NOT NULL,
        inactive INTEGER NOT NULL,
        suspicious INTEGER NOT NULL
    );
    UPDATE derived_state SET stale_since = COALESCE(stale_since, CAST(strftime('%s', 'now') AS INTEGER))
        WHERE EXISTS (SELECT 1 FROM follower_samples);
    "#,
    // 21: what a recompute after an import reads of every channel, narrow beside the wide
    // profile rows (a million channels: 0.16 s instead of 0.37 s warm, 7.4 s cold).
    r#"
    CREATE INDEX channels_peers ON channels (id, platform, followers);
    "#,
    // 22: brand safety: every list screened against (kept for audits), the active one,
    // and each channel's screening (derived): levels per category and the matches behind
    // them (posts by row id, comments by id).
    r#"
    CREATE TABLE safety_lists (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        version TEXT NOT NULL,
        sha256 TEXT NOT NULL UNIQUE,
        body TEXT NOT NULL,
        set_at INTEGER NOT NULL
    );
    CREATE TABLE safety_active (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        list_id INTEGER NOT NULL REFERENCES safety_lists(id)
    );
    CREATE TABLE safety_screens (
        channel_id INTEGER PRIMARY KEY,
        list_id INTEGER NOT NULL,
        screened_at INTEGER NOT NULL,
        posts INTEGER NOT NULL,
        comments INTEGER NOT NULL
    );
    CREATE INDEX safety_screens_by_list ON safety_screens (list_id);
    CREATE TABLE safety_levels (
        channel_id INTEGER NOT NULL,
        category TEXT NOT NULL,
        level INTEGER NOT NULL,
        posts INTEGER NOT NULL,
        comments INTEGER NOT NULL,
        PRIMARY KEY (channel_id, category)
    ) WITHOUT ROWID;
    CREATE INDEX safety_levels_by_category ON safety_levels (category, level, channel_id);
    CREATE TABLE safety_hits (
        channel_id INTEGER NOT NULL,
        k INTEGER NOT NULL,
        category TEXT NOT NULL,
        post_ref INTEGER,
        comment_id TEXT,
        term TEXT NOT NULL,
        PRIMARY KEY (channel_id, k)
    ) WITHOUT ROWID;
    UPDATE derived_state SET stale_since = COALESCE(stale_since, CAST(strftime('%s', 'now') AS INTEGER))
        WHERE EXISTS (SELECT 1 FROM posts);
    "#,
    // 23: the store's identity, random, so that a cache built from one store (the
    // Directory's snapshot) is never read against another whose counters match.
    r#"
    ALTER TABLE derived_state ADD COLUMN store_id TEXT;
    UPDATE derived_state SET store_id = lower(hex(randomblob(16)));
    "#,
    // 24: failed sign-ins counted in the store, so that every server on it shares the count.
    r#"
    CREATE TABLE login_attempts (key TEXT PRIMARY KEY, window_start INTEGER NOT NULL, n INTEGER NOT NULL);
    "#,
];
