-- WAL generation (pg_stat_wal) and the current WAL position (the replay position on a replica).
SELECT pg_is_in_recovery() AS in_recovery,
       CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END::text AS current_lsn,
       pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END,
                       '0/0') AS wal_position_bytes,
       w.wal_records,
       w.wal_fpi,
       w.wal_bytes,
       w.wal_buffers_full,
       w.wal_write,
       w.wal_sync,
       w.wal_write_time,
       w.wal_sync_time,
       w.stats_reset
FROM pg_stat_wal w
