-- WAL archiving: whether it is on, the archiver's counters, and how far the last archived
-- segment is behind the current WAL position (NULL when archiving is off or on a replica).
SELECT current_setting('archive_mode') AS archive_mode,
       s.archived_count,
       s.failed_count,
       s.last_archived_wal,
       s.last_archived_time,
       s.last_failed_wal,
       s.last_failed_time,
       CASE WHEN current_setting('archive_mode') <> 'off' AND NOT pg_is_in_recovery()
                 AND s.last_archived_wal ~ '^[0-9A-F]{24}'
            THEN greatest(0, pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')
                 - (('x' || substr(s.last_archived_wal, 9, 8))::bit(32)::bigint * 4294967296
                    + ('x' || substr(s.last_archived_wal, 17, 8))::bit(32)::bigint * pg_size_bytes(current_setting('wal_segment_size'))
                    + pg_size_bytes(current_setting('wal_segment_size'))))
       END AS backlog_bytes,
       s.stats_reset
FROM pg_stat_archiver s
