-- Distributes schema version 1 over a Citus cluster. Run once, by the migration, only on
-- a database where the `citus` extension is installed; plain PostgreSQL never runs it.
-- Not run on the machines Clout is built on (Citus is not packaged there): the test
-- `the_citus_layout_distributes_every_table_by_its_channel_or_copies_it` checks it
-- against the schema instead (every table named once, keys led by the column).
--
-- Reference tables first (copied to every node; a distributed table may refer to them),
-- then the channels and every per-channel table, colocated by channel id.
SELECT create_reference_table('sources');
SELECT create_reference_table('import_runs');
SELECT create_reference_table('import_rejects');
SELECT create_reference_table('platform_fits');
SELECT create_reference_table('bucket_stats');
SELECT create_reference_table('users');
SELECT create_reference_table('sessions');
SELECT create_reference_table('login_attempts');
SELECT create_reference_table('api_tokens');
SELECT create_reference_table('lists');
SELECT create_reference_table('saved_searches');
SELECT create_reference_table('campaigns');
SELECT create_reference_table('conversions');
SELECT create_reference_table('campaign_shares');
SELECT create_reference_table('derived_state');
SELECT create_reference_table('fetch_checkpoints');
SELECT create_reference_table('safety_lists');
SELECT create_reference_table('safety_active');
-- A handle's channel id, spread by the handle: the unique key of (platform, handle).
SELECT create_distributed_table('channel_keys', 'handle', colocate_with => 'none');
SELECT create_distributed_table('channels', 'id');
SELECT create_distributed_table('channel_observations', 'channel_id', colocate_with => 'channels');
SELECT create_distributed_table('follower_observations', 'channel_id', colocate_with => 'channels');
SELECT create_distributed_table('posts', 'channel_id', colocate_with => 'channels');
SELECT create_distributed_table('post_observations', 'channel_id', colocate_with => 'channels');
SELECT create_distributed_table('channel_metrics', 'channel_id', colocate_with => 'channels');
SELECT create_distributed_table('channel_niches', 'channel_id', colocate_with => 'channels');
SELECT create_distributed_table('channel_text', 'channel_id', colocate_with => 'channels');
SELECT create_distributed_table('channel_tags', 'channel_id', colocate_with => 'channels');
SELECT create_distributed_table('channel_text_hashes', 'channel_id', colocate_with => 'channels');
SELECT create_distributed_table('follower_samples', 'channel_id', colocate_with => 'channels');
SELECT create_distributed_table('channel_quality', 'channel_id', colocate_with => 'channels');
SELECT create_distributed_table('comments', 'channel_id', colocate_with => 'channels');
SELECT create_distributed_table('channel_growth', 'channel_id', colocate_with => 'channels');
SELECT create_distributed_table('growth_anomalies', 'channel_id', colocate_with => 'channels');
SELECT create_distributed_table('comment_summaries', 'channel_id', colocate_with => 'channels');
SELECT create_distributed_table('follower_verdicts', 'channel_id', colocate_with => 'channels');
SELECT create_distributed_table('list_members', 'channel_id', colocate_with => 'channels');
SELECT create_distributed_table('deals', 'channel_id', colocate_with => 'channels');
SELECT create_distributed_table('creator_profiles', 'channel_id', colocate_with => 'channels');
SELECT create_distributed_table('creator_notes', 'channel_id', colocate_with => 'channels');
SELECT create_distributed_table('campaign_members', 'channel_id', colocate_with => 'channels');
SELECT create_distributed_table('stage_changes', 'channel_id', colocate_with => 'channels');
SELECT create_distributed_table('campaign_deliverables', 'channel_id', colocate_with => 'channels');
SELECT create_distributed_table('safety_screens', 'channel_id', colocate_with => 'channels');
SELECT create_distributed_table('safety_levels', 'channel_id', colocate_with => 'channels');
SELECT create_distributed_table('safety_hits', 'channel_id', colocate_with => 'channels');
