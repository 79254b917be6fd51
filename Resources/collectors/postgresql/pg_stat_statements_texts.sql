-- Texts of the statements whose query ids the agent has not sent before ($1 is a bigint[]).
SELECT DISTINCT ON (queryid) queryid::text AS tag_queryid, query
FROM pg_stat_statements(true)
WHERE queryid = ANY($1::bigint[])
ORDER BY queryid
