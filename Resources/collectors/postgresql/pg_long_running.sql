-- Client sessions running one statement for more than 5 seconds, idle inside an open
-- transaction for more than 1 second, or holding a transaction open for more than 60 seconds.
SELECT pid::text AS tag_pid,
       datname AS tag_database,
       usename AS user_name,
       application_name,
       host(client_addr) AS client_addr,
       state,
       CASE WHEN state LIKE 'idle in transaction%' THEN 'idle_in_transaction'
            WHEN state = 'active' AND now() - query_start > interval '5 seconds' THEN 'long_running_query'
            ELSE 'long_transaction' END AS kind,
       xact_start,
       extract(epoch FROM now() - xact_start) AS xact_duration_s,
       extract(epoch FROM now() - query_start) AS query_duration_s,
       extract(epoch FROM now() - state_change) AS state_duration_s,
       age(backend_xmin) AS xmin_age,
       query
FROM pg_stat_activity
WHERE pid <> pg_backend_pid()
  AND backend_type = 'client backend'
  AND ((state = 'active' AND now() - query_start > interval '5 seconds')
    OR (state LIKE 'idle in transaction%' AND now() - state_change > interval '1 second')
    OR now() - xact_start > interval '60 seconds')
ORDER BY xact_start NULLS LAST
LIMIT 1000
