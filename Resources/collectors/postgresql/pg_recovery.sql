-- Whether this server is a replica, and its WAL receiver (one row on every server).
SELECT pg_is_in_recovery() AS in_recovery,
       r.status AS wal_receiver_status,
       r.sender_host,
       r.sender_port,
       r.slot_name,
       r.last_msg_receipt_time,
       r.latest_end_time,
       CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn()::text END AS receive_lsn,
       CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()::text END AS replay_lsn,
       CASE WHEN pg_is_in_recovery() THEN pg_last_xact_replay_timestamp() END AS last_replayed_xact_time,
       CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused() END AS replay_paused
FROM (SELECT 1) AS one
LEFT JOIN pg_stat_wal_receiver r ON true
