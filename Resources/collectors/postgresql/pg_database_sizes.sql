-- Size of every database. pg_database_size() stats every file of the database, so it runs
-- on the low tier (10 min), not with the per-minute counters.
-- It needs CONNECT on the database or pg_read_all_stats; without either the size is NULL
-- rather than an error for the whole signal.
SELECT d.datname AS tag_database,
       CASE WHEN has_database_privilege(d.oid, 'CONNECT') OR pg_has_role('pg_read_all_stats', 'USAGE')
            THEN pg_database_size(d.oid) END AS size_bytes
FROM pg_database d
WHERE NOT d.datistemplate
ORDER BY d.datname
