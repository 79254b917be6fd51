-- Cumulative statistics per database (the server turns counters into rates). Sizes are in
-- pg_database_sizes (low tier): pg_database_size() walks every file of the database, which
-- every minute was half of the agent's PostgreSQL time in bench/agent.sh.
SELECT d.datname AS tag_database,
       s.numbackends,
       s.xact_commit,
       s.xact_rollback,
       s.blks_read,
       s.blks_hit,
       s.tup_returned,
       s.tup_fetched,
       s.tup_inserted,
       s.tup_updated,
       s.tup_deleted,
       s.conflicts,
       s.temp_files,
       s.temp_bytes,
       s.deadlocks,
       s.blk_read_time,
       s.blk_write_time,
       s.stats_reset
FROM pg_database d
JOIN pg_stat_database s ON s.datid = d.oid
ORDER BY d.datname
