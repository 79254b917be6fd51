-- Autovacuum configuration and the workers running now (one row).
SELECT current_setting('autovacuum') AS enabled,
       current_setting('autovacuum_max_workers')::integer AS max_workers,
       count(*) FILTER (WHERE backend_type = 'autovacuum worker') AS workers_running,
       count(*) FILTER (WHERE backend_type = 'autovacuum worker' AND query LIKE '%to prevent wraparound%') AS wraparound_workers,
       max(extract(epoch FROM now() - xact_start)) FILTER (WHERE backend_type = 'autovacuum worker') AS longest_worker_s
FROM pg_stat_activity
