-- Tables of this database (the 5,000 largest by pages): sizes, planner row estimate,
-- cumulative statistics and maintenance times. Catalogue and statistics views only.
SELECT current_database() AS tag_database,
       c.nspname AS tag_schema,
       c.relname AS tag_table,
       CASE c.relkind WHEN 'p' THEN 'partitioned' ELSE 'table' END AS table_type,
       pg_get_userbyid(c.relowner) AS owner,
       pg_relation_size(c.oid) AS table_bytes,
       pg_total_relation_size(c.oid) AS total_bytes,
       CASE WHEN c.reltoastrelid <> 0 THEN pg_total_relation_size(c.reltoastrelid) ELSE 0 END AS toast_bytes,
       pg_indexes_size(c.oid) AS index_bytes,
       CASE WHEN c.reltuples < 0 THEN NULL ELSE c.reltuples END AS rows_estimate,
       s.n_live_tup,
       s.n_dead_tup,
       s.n_mod_since_analyze,
       s.seq_scan,
       s.seq_tup_read,
       s.idx_scan,
       s.idx_tup_fetch,
       s.n_tup_ins,
       s.n_tup_upd,
       s.n_tup_del,
       s.n_tup_hot_upd,
       s.last_vacuum,
       s.last_autovacuum,
       s.last_analyze,
       s.last_autoanalyze,
       s.vacuum_count,
       s.autovacuum_count,
       s.analyze_count,
       s.autoanalyze_count,
       CASE WHEN c.relkind = 'r' THEN age(c.relfrozenxid) END AS frozenxid_age,
       EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary) AS has_primary_key,
       c.relpersistence = 'u' AS unlogged,
       c.relispartition AS is_partition
FROM (SELECT c.oid, c.relname, c.relkind, c.relowner, c.reltoastrelid, c.reltuples, c.relfrozenxid,
             c.relpersistence, c.relispartition, n.nspname
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p')
        AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_)'
      ORDER BY c.relpages DESC, n.nspname, c.relname
      LIMIT 5000) c
LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid
ORDER BY c.nspname, c.relname
