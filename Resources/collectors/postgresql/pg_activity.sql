-- Every backend except the agent's own session, client sessions first.
-- The query text is scrubbed of literals by the agent before it is sent.
SELECT pid::text AS tag_pid,
       datname AS tag_database,
       usename AS user_name,
       application_name,
       host(client_addr) AS client_addr,
       state,
       wait_event_type,
       wait_event,
       backend_type,
       backend_start,
       xact_start,
       query_start,
       state_change,
       extract(epoch FROM now() - xact_start) AS xact_duration_s,
       extract(epoch FROM now() - query_start) AS query_duration_s,
       extract(epoch FROM now() - state_change) AS state_duration_s,
       age(backend_xmin) AS xmin_age,
       query
FROM pg_stat_activity
WHERE pid <> pg_backend_pid()
ORDER BY backend_type <> 'client backend', xact_start NULLS LAST, backend_start
LIMIT 5000
