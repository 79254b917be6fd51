-- Client sessions counted per database, state and wait event.
-- Needs pg_read_all_stats: without it PostgreSQL hides other users' state and wait event.
SELECT coalesce(datname, 'none') AS tag_database,
       coalesce(state, 'unknown') AS tag_state,
       coalesce(wait_event_type, 'none') AS tag_wait_event_type,
       coalesce(wait_event, 'none') AS tag_wait_event,
       count(*) AS sessions
FROM pg_stat_activity
WHERE backend_type = 'client backend'
GROUP BY 1, 2, 3, 4
ORDER BY 1, 2, 3, 4
