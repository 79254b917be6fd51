-- Indexes of this database with size, usage, validity and duplicates: an index is a
-- duplicate when another index of the same table and access method covers the same
-- columns, expressions and predicate.
WITH idx AS (
    SELECT i.indexrelid,
           i.indrelid,
           n.nspname,
           t.relname AS table_name,
           c.relname AS index_name,
           am.amname,
           i.indisvalid,
           i.indisunique,
           i.indisprimary,
           i.indkey::text AS key_columns,
           coalesce(pg_get_expr(i.indexprs, i.indrelid), '') AS expressions,
           coalesce(pg_get_expr(i.indpred, i.indrelid), '') AS predicate
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_class t ON t.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    JOIN pg_am am ON am.oid = c.relam
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_)'
)
SELECT current_database() AS tag_database,
       x.nspname AS tag_schema,
       x.table_name AS tag_table,
       x.index_name AS tag_index,
       x.amname AS method,
       pg_relation_size(x.indexrelid) AS size_bytes,
       s.idx_scan,
       s.idx_tup_read,
       s.idx_tup_fetch,
       x.indisvalid AS valid,
       x.indisunique AS is_unique,
       x.indisprimary AS is_primary,
       pg_get_indexdef(x.indexrelid) AS definition,
       nullif(array_to_string(array_remove(array_agg(x.index_name) OVER same, x.index_name), ','), '') AS duplicate_of
FROM idx x
LEFT JOIN pg_stat_all_indexes s ON s.indexrelid = x.indexrelid
WINDOW same AS (PARTITION BY x.indrelid, x.amname, x.key_columns, x.expressions, x.predicate)
ORDER BY x.nspname, x.table_name, x.index_name
LIMIT 10000
