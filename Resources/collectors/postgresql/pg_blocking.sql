-- Sessions waiting for a lock and the sessions blocking them.
-- pg_blocking_pids() is evaluated only for sessions that wait on a lock: it briefly
-- locks the lock manager, so it is not called for every backend.
SELECT w.pid::text AS tag_pid,
       w.datname AS tag_database,
       w.usename AS user_name,
       w.application_name,
       array_to_string(b.blocking_pids, ',') AS blocking_pids,
       cardinality(b.blocking_pids) AS blocking_count,
       w.wait_event_type,
       w.wait_event,
       w.state,
       extract(epoch FROM now() - w.state_change) AS waiting_duration_s,
       extract(epoch FROM now() - w.query_start) AS query_duration_s,
       extract(epoch FROM now() - w.xact_start) AS xact_duration_s,
       w.query
FROM (SELECT * FROM pg_stat_activity WHERE wait_event_type = 'Lock' OFFSET 0) w
CROSS JOIN LATERAL (SELECT pg_blocking_pids(w.pid) AS blocking_pids) b
WHERE cardinality(b.blocking_pids) > 0
ORDER BY w.state_change
LIMIT 1000
