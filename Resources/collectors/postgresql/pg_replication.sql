-- One row per WAL sender (a streaming replica or a logical replication client).
SELECT pid::text AS tag_pid,
       coalesce(application_name, '') AS tag_replica,
       usename AS user_name,
       host(client_addr) AS client_addr,
       state,
       sync_state,
       sync_priority,
       sent_lsn::text AS sent_lsn,
       write_lsn::text AS write_lsn,
       flush_lsn::text AS flush_lsn,
       replay_lsn::text AS replay_lsn,
       extract(epoch FROM write_lag) AS write_lag_s,
       extract(epoch FROM flush_lag) AS flush_lag_s,
       extract(epoch FROM replay_lag) AS replay_lag_s,
       backend_start
FROM pg_stat_replication
ORDER BY application_name, pid
