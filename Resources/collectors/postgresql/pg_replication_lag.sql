-- Replication lag. On a primary: one row per replica (bytes behind and the lag times the
-- replica reported). On a replica: one row for itself (received but not yet replayed WAL, and
-- the age of the last replayed transaction, which also grows while the primary is idle).
SELECT coalesce(r.application_name, '') AS tag_replica,
       'primary' AS measured_on,
       host(r.client_addr) AS client_addr,
       r.state,
       pg_wal_lsn_diff(pg_current_wal_lsn(), r.sent_lsn) AS send_lag_bytes,
       pg_wal_lsn_diff(pg_current_wal_lsn(), r.replay_lsn) AS replay_lag_bytes,
       extract(epoch FROM r.write_lag) AS write_lag_s,
       extract(epoch FROM r.flush_lag) AS flush_lag_s,
       extract(epoch FROM r.replay_lag) AS replay_lag_s
FROM pg_stat_replication r
WHERE NOT pg_is_in_recovery()
UNION ALL
SELECT 'local',
       'replica',
       NULL,
       NULL,
       NULL,
       pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()),
       NULL,
       NULL,
       extract(epoch FROM now() - pg_last_xact_replay_timestamp())
WHERE pg_is_in_recovery()
