-- Table shape beyond pg_tables (the same 5,000 largest tables): column and index counts,
-- dropped columns (they count towards the 1,600-column limit) and per-table autovacuum switches.
SELECT current_database() AS tag_database,
       n.nspname AS tag_schema,
       c.relname AS tag_table,
       (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS live_columns,
       (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND a.attisdropped) AS dropped_columns,
       (SELECT count(*) FROM pg_index i WHERE i.indrelid = c.oid) AS index_count,
       coalesce('autovacuum_enabled=false' = ANY (c.reloptions) OR 'autovacuum_enabled=off' = ANY (c.reloptions), false) AS autovacuum_disabled,
       array_to_string(c.reloptions, ',') AS reloptions
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_)'
ORDER BY c.relpages DESC, n.nspname, c.relname
LIMIT 5000
