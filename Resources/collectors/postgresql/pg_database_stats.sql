-- Cumulative statistics per database (the server turns counters into rates).
-- pg_database_size() needs CONNECT on the database or pg_read_all_stats; without either the
-- size is NULL rather than an error for the whole signal.
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
       CASE WHEN has_database_privilege(d.oid, 'CONNECT') OR pg_has_role('pg_read_all_stats', 'USAGE')
            THEN pg_database_size(d.oid) END AS size_bytes,
       s.stats_reset
FROM pg_database d
JOIN pg_stat_database s ON s.datid = d.oid
ORDER BY d.datname
