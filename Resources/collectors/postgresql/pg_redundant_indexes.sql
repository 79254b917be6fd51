-- Redundant B-tree indexes: an index whose key columns are the leading columns of another
-- index on the same table (same predicate, no expressions), so the longer index serves the
-- same lookups. Unique and primary-key indexes are never reported as redundant (they enforce
-- a constraint); exact duplicates are in pg_indexes.duplicate_of.
WITH idx AS (
    SELECT i.indexrelid, i.indrelid, n.nspname, t.relname AS table_name, c.relname AS index_name,
           i.indisunique, i.indisprimary, i.indkey::int2[] AS keys, i.indnkeyatts,
           i.indclass::oid[] AS opclasses,
           coalesce(pg_get_expr(i.indpred, i.indrelid), '') AS predicate
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_class t ON t.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    JOIN pg_am am ON am.oid = c.relam
    WHERE am.amname = 'btree' AND i.indexprs IS NULL AND i.indisvalid
      AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_)'
)
SELECT DISTINCT ON (a.indexrelid)
       current_database() AS tag_database,
       a.nspname AS tag_schema,
       a.table_name AS tag_table,
       a.index_name AS tag_index,
       b.index_name AS covered_by,
       pg_relation_size(a.indexrelid) AS size_bytes,
       pg_get_indexdef(a.indexrelid) AS definition,
       pg_get_indexdef(b.indexrelid) AS covering_definition
FROM idx a
JOIN idx b ON b.indrelid = a.indrelid AND b.indexrelid <> a.indexrelid AND b.predicate = a.predicate
WHERE NOT a.indisunique AND NOT a.indisprimary
  AND a.indnkeyatts < b.indnkeyatts
  AND a.keys[0:a.indnkeyatts - 1] = b.keys[0:a.indnkeyatts - 1]
  AND a.opclasses[0:a.indnkeyatts - 1] = b.opclasses[0:a.indnkeyatts - 1]
ORDER BY a.indexrelid, b.indnkeyatts DESC
LIMIT 5000
