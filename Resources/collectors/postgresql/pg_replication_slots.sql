-- Replication slots: whether a client is attached, and how much WAL and which transaction
-- horizon each slot holds back (an abandoned slot keeps WAL until the disk fills).
SELECT slot_name AS tag_slot,
       slot_type,
       plugin,
       database,
       active,
       temporary,
       wal_status,
       CASE WHEN restart_lsn IS NOT NULL AND NOT pg_is_in_recovery()
            THEN pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)
            WHEN restart_lsn IS NOT NULL THEN pg_wal_lsn_diff(pg_last_wal_receive_lsn(), restart_lsn) END AS retained_wal_bytes,
       age(xmin) AS xmin_age,
       age(catalog_xmin) AS catalog_xmin_age
FROM pg_replication_slots
ORDER BY slot_name
