-- Counters of every tracked statement, without texts: pg_stat_statements(false) does not read
-- the query text file, so this stays cheap with 10,000 entries. The agent keeps the previous
-- counters and sends the top statements plus those that ran since the last collection; texts
-- come from pg_stat_statements_texts.sql, once per query id. `query` is filled in by the agent, and
-- `new_entry` set when the entry appeared since its previous collection (the server's base is then zero).
SELECT s.queryid::text AS tag_queryid,
       coalesce(d.datname, s.dbid::text) AS tag_database,
       coalesce(r.rolname, s.userid::text) AS tag_user,
       s.toplevel::text AS tag_toplevel,
       s.calls,
       s.total_exec_time,
       s.mean_exec_time,
       s.min_exec_time,
       s.max_exec_time,
       s.rows,
       s.shared_blks_hit,
       s.shared_blks_read,
       s.shared_blks_dirtied,
       s.shared_blks_written,
       s.temp_blks_read,
       s.temp_blks_written,
       s.blk_read_time,
       s.blk_write_time,
       NULL::text AS query,
       false AS new_entry
FROM pg_stat_statements(false) s
LEFT JOIN pg_database d ON d.oid = s.dbid
LEFT JOIN pg_roles r ON r.oid = s.userid
WHERE s.queryid IS NOT NULL
