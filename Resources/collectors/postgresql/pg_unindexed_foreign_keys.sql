-- Foreign keys whose columns are not the leading columns of any index on the referencing
-- table: deleting or updating a referenced row then scans the whole referencing table.
SELECT current_database() AS tag_database,
       n.nspname AS tag_schema,
       t.relname AS tag_table,
       con.conname AS tag_constraint,
       (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY k.ord)
        FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
        JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum) AS columns,
       con.confrelid::regclass::text AS references_table,
       CASE WHEN t.reltuples < 0 THEN NULL ELSE t.reltuples END AS table_rows_estimate,
       pg_relation_size(t.oid) AS table_bytes
FROM pg_constraint con
JOIN pg_class t ON t.oid = con.conrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE con.contype = 'f'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_)'
  AND NOT EXISTS (
      SELECT 1
      FROM pg_index i
      WHERE i.indrelid = con.conrelid
        AND i.indpred IS NULL
        AND (i.indkey::int2[])[0:cardinality(con.conkey) - 1] @> con.conkey
        AND (i.indkey::int2[])[0:cardinality(con.conkey) - 1] <@ con.conkey)
ORDER BY n.nspname, t.relname, con.conname
LIMIT 10000
