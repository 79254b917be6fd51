-- Columns of tables, partitioned tables, views, materialized views and foreign tables of this
-- database: name, type, nullability and default (the Schema Explorer diffs them for Changes).
-- Catalogue only: no application rows are read.
SELECT current_database() AS tag_database,
       n.nspname AS tag_schema,
       c.relname AS tag_table,
       a.attname AS tag_column,
       format_type(a.atttypid, a.atttypmod) AS data_type,
       a.attnotnull AS not_null,
       pg_get_expr(d.adbin, d.adrelid) AS default_value,
       a.attnum AS position
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attnum > 0 AND NOT a.attisdropped
  AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_)'
ORDER BY n.nspname, c.relname, a.attnum
LIMIT 10000
